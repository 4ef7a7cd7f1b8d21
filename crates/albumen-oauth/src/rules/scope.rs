//! The scope registry: every scope Albumen knows, what the consent screen says about it, and
//! the set of scopes a request asks for or a grant holds.

use std::collections::BTreeSet;
use std::fmt;

/// How Google classifies a scope for app verification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Sensitivity {
    NonSensitive,
    Sensitive,
    Restricted,
}

/// Whether a scope can still be granted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ScopeStatus {
    Current,
    /// One of the Photos Library scopes Google removed on 31 March 2025.
    RemovedIn2025,
}

/// One scope in the registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ScopeInfo {
    /// The canonical full name reported back to clients.
    pub name: &'static str,
    /// The short alias a client may request instead (`email`, `profile`).
    pub short: Option<&'static str>,
    /// The consent screen's line for this scope.
    pub description: &'static str,
    pub sensitivity: Sensitivity,
    pub status: ScopeStatus,
    /// The API service the scope belongs to; `None` for the sign-in scopes.
    pub api: Option<&'static str>,
}

const OPENID: &str = "openid";
const EMAIL: &str = "https://www.googleapis.com/auth/userinfo.email";
const PROFILE: &str = "https://www.googleapis.com/auth/userinfo.profile";
const PHOTOS_LIBRARY: Option<&str> = Some("photoslibrary.googleapis.com");
const PHOTOS_PICKER: Option<&str> = Some("photospicker.googleapis.com");

/// The sign-in scopes: grants of only these escape the Testing-mode 7-day expiry.
const IDENTITY: [&str; 3] = [OPENID, EMAIL, PROFILE];

/// In the order scopes are reported back to clients.
static REGISTRY: [ScopeInfo; 10] = [
    ScopeInfo {
        name: OPENID,
        short: None,
        description: "Associate you with your personal info on Albumen",
        sensitivity: Sensitivity::NonSensitive,
        status: ScopeStatus::Current,
        api: None,
    },
    ScopeInfo {
        name: EMAIL,
        short: Some("email"),
        description: "See your primary email address",
        sensitivity: Sensitivity::NonSensitive,
        status: ScopeStatus::Current,
        api: None,
    },
    ScopeInfo {
        name: PROFILE,
        short: Some("profile"),
        description: "See your personal info, including any personal info you've made publicly available",
        sensitivity: Sensitivity::NonSensitive,
        status: ScopeStatus::Current,
        api: None,
    },
    ScopeInfo {
        name: "https://www.googleapis.com/auth/photoslibrary.appendonly",
        short: None,
        description: "Add to your Google Photos library",
        sensitivity: Sensitivity::Sensitive,
        status: ScopeStatus::Current,
        api: PHOTOS_LIBRARY,
    },
    ScopeInfo {
        name: "https://www.googleapis.com/auth/photoslibrary.readonly.appcreateddata",
        short: None,
        description: "View the photos, videos and albums created by this app",
        sensitivity: Sensitivity::Sensitive,
        status: ScopeStatus::Current,
        api: PHOTOS_LIBRARY,
    },
    ScopeInfo {
        name: "https://www.googleapis.com/auth/photoslibrary.edit.appcreateddata",
        short: None,
        description: "Edit the info in photos, videos and albums created by this app",
        sensitivity: Sensitivity::Sensitive,
        status: ScopeStatus::Current,
        api: PHOTOS_LIBRARY,
    },
    ScopeInfo {
        name: "https://www.googleapis.com/auth/photoslibrary",
        short: None,
        description: "See, upload and organise items in your Google Photos library",
        sensitivity: Sensitivity::Restricted,
        status: ScopeStatus::RemovedIn2025,
        api: PHOTOS_LIBRARY,
    },
    ScopeInfo {
        name: "https://www.googleapis.com/auth/photoslibrary.readonly",
        short: None,
        description: "View your Google Photos library",
        sensitivity: Sensitivity::Restricted,
        status: ScopeStatus::RemovedIn2025,
        api: PHOTOS_LIBRARY,
    },
    ScopeInfo {
        name: "https://www.googleapis.com/auth/photoslibrary.sharing",
        short: None,
        description: "Manage and add to shared albums on your behalf",
        sensitivity: Sensitivity::Restricted,
        status: ScopeStatus::RemovedIn2025,
        api: PHOTOS_LIBRARY,
    },
    ScopeInfo {
        name: "https://www.googleapis.com/auth/photospicker.mediaitems.readonly",
        short: None,
        description: "View the photos and videos you select",
        sensitivity: Sensitivity::Sensitive,
        status: ScopeStatus::Current,
        api: PHOTOS_PICKER,
    },
];

/// Every scope Albumen knows, in the order they are reported back to clients.
pub fn registry() -> &'static [ScopeInfo] {
    &REGISTRY
}

/// Finds a scope by its full name or its short alias (`email`, `profile`); names are
/// case-sensitive, as Google's are.
pub fn lookup(name: &str) -> Option<&'static ScopeInfo> {
    REGISTRY
        .iter()
        .find(|info| info.name == name || info.short == Some(name))
}

/// Why a `scope` parameter was refused; the message is Google's `error_description`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScopeError {
    #[error("Missing required parameter: scope")]
    Empty,
    /// Every unknown name, comma-separated, in the order first requested.
    #[error("Some requested scopes were invalid. {{invalid=[{0}]}}")]
    Unknown(String),
}

/// A set of known scopes, held by canonical full name and kept in registry order.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ScopeSet(Vec<&'static str>);

impl ScopeSet {
    /// The set of no scopes.
    pub fn empty() -> Self {
        Self(Vec::new())
    }

    /// Parses a `scope` parameter (already URL-decoded): names separated by runs of spaces.
    /// Short aliases become full names and duplicates collapse. Unknown names are all
    /// reported together, so the developer can fix them in one go.
    pub fn parse(raw: &str) -> Result<Self, ScopeError> {
        Self::from_names(raw.split_ascii_whitespace())
    }

    /// Builds a set from individual names, full or short, with the same rules as [`parse`].
    ///
    /// [`parse`]: ScopeSet::parse
    pub fn from_names<'a>(names: impl IntoIterator<Item = &'a str>) -> Result<Self, ScopeError> {
        let mut known = BTreeSet::new();
        let mut unknown: Vec<&str> = Vec::new();
        let mut any = false;
        for name in names {
            any = true;
            match lookup(name) {
                Some(info) => {
                    known.insert(info.name);
                }
                None if !unknown.contains(&name) => unknown.push(name),
                None => {}
            }
        }
        if !any {
            return Err(ScopeError::Empty);
        }
        if !unknown.is_empty() {
            return Err(ScopeError::Unknown(unknown.join(", ")));
        }
        Ok(Self::from_known(|name| known.contains(name)))
    }

    /// The registry's names that `keep` selects, which puts them in registry order.
    fn from_known(keep: impl Fn(&'static str) -> bool) -> Self {
        Self(
            REGISTRY
                .iter()
                .map(|info| info.name)
                .filter(|name| keep(name))
                .collect(),
        )
    }

    /// The `scope` string Google returns with a code or token: full names, space-separated,
    /// in registry order. Short aliases are never echoed back.
    pub fn to_granted_string(&self) -> String {
        self.0.join(" ")
    }

    /// Whether the set holds `name`, given in full or as a short alias.
    pub fn contains(&self, name: &str) -> bool {
        lookup(name).is_some_and(|info| self.0.contains(&info.name))
    }

    /// The full names, in registry order.
    pub fn iter(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.0.iter().copied()
    }

    /// The registry entries of the set, in registry order.
    pub fn infos(&self) -> impl Iterator<Item = &'static ScopeInfo> + '_ {
        REGISTRY.iter().filter(|info| self.0.contains(&info.name))
    }

    pub fn is_subset(&self, other: &ScopeSet) -> bool {
        self.0.iter().all(|name| other.0.contains(name))
    }

    pub fn union(&self, other: &ScopeSet) -> ScopeSet {
        Self::from_known(|name| self.0.contains(&name) || other.0.contains(&name))
    }

    pub fn intersection(&self, other: &ScopeSet) -> ScopeSet {
        Self::from_known(|name| self.0.contains(&name) && other.0.contains(&name))
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Only an intersection can be empty: parsing refuses an empty `scope`.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether the set holds only sign-in scopes (`openid`, `email`, `profile`): Google's
    /// 7-day expiry of refresh tokens for apps in Testing mode does not apply to such grants.
    /// An empty set holds no other scope, so it counts.
    pub fn is_identity_only(&self) -> bool {
        self.0.iter().all(|name| IDENTITY.contains(name))
    }
}

impl fmt::Display for ScopeSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_granted_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const APPEND: &str = "https://www.googleapis.com/auth/photoslibrary.appendonly";
    const PICKER: &str = "https://www.googleapis.com/auth/photospicker.mediaitems.readonly";
    const LIBRARY: &str = "https://www.googleapis.com/auth/photoslibrary";

    fn set(raw: &str) -> ScopeSet {
        ScopeSet::parse(raw).unwrap()
    }

    #[test]
    fn the_registry_lists_the_ten_scopes_in_reporting_order() {
        let names: Vec<_> = registry().iter().map(|info| info.name).collect();
        assert_eq!(
            names,
            [
                OPENID,
                EMAIL,
                PROFILE,
                APPEND,
                "https://www.googleapis.com/auth/photoslibrary.readonly.appcreateddata",
                "https://www.googleapis.com/auth/photoslibrary.edit.appcreateddata",
                LIBRARY,
                "https://www.googleapis.com/auth/photoslibrary.readonly",
                "https://www.googleapis.com/auth/photoslibrary.sharing",
                PICKER,
            ]
        );
    }

    #[test]
    fn registry_names_and_aliases_are_unique() {
        let mut seen = BTreeSet::new();
        for info in registry() {
            assert!(seen.insert(info.name), "{}", info.name);
            if let Some(short) = info.short {
                assert!(seen.insert(short), "{short}");
            }
        }
    }

    #[test]
    fn removed_scopes_are_marked_removed_and_restricted() {
        let removed: Vec<_> = registry()
            .iter()
            .filter(|info| info.status == ScopeStatus::RemovedIn2025)
            .map(|info| info.name)
            .collect();
        assert_eq!(
            removed,
            [
                LIBRARY,
                "https://www.googleapis.com/auth/photoslibrary.readonly",
                "https://www.googleapis.com/auth/photoslibrary.sharing",
            ]
        );
        for name in removed {
            assert_eq!(lookup(name).unwrap().sensitivity, Sensitivity::Restricted);
        }
    }

    #[test]
    fn scopes_belong_to_their_api() {
        assert_eq!(lookup(OPENID).unwrap().api, None);
        assert_eq!(lookup("email").unwrap().api, None);
        assert_eq!(
            lookup(APPEND).unwrap().api,
            Some("photoslibrary.googleapis.com")
        );
        assert_eq!(
            lookup(PICKER).unwrap().api,
            Some("photospicker.googleapis.com")
        );
        assert_eq!(lookup(PICKER).unwrap().status, ScopeStatus::Current);
        assert_eq!(lookup(PICKER).unwrap().sensitivity, Sensitivity::Sensitive);
    }

    #[test]
    fn lookup_accepts_full_names_short_forms_and_openid() {
        assert_eq!(lookup("email").unwrap().name, EMAIL);
        assert_eq!(lookup("profile").unwrap().name, PROFILE);
        assert_eq!(lookup(EMAIL).unwrap().short, Some("email"));
        assert_eq!(lookup("openid").unwrap().name, OPENID);
        assert!(lookup("Email").is_none());
        assert!(lookup("photoslibrary").is_none());
        assert!(lookup("").is_none());
    }

    #[test]
    fn short_forms_expand_to_full_names() {
        let scopes = set("email profile");
        assert_eq!(scopes.iter().collect::<Vec<_>>(), [EMAIL, PROFILE]);
        assert!(scopes.contains("email"));
        assert!(scopes.contains(PROFILE));
        assert!(!scopes.contains(OPENID));
    }

    #[test]
    fn duplicates_collapse() {
        let scopes = set(&format!("email {EMAIL} email {APPEND} {APPEND}"));
        assert_eq!(scopes.len(), 2);
        assert_eq!(scopes, set(&format!("{APPEND} email")));
    }

    #[test]
    fn runs_of_whitespace_separate_names() {
        assert_eq!(
            set("  openid   email\tprofile \n"),
            set("openid email profile")
        );
    }

    #[test]
    fn an_empty_or_blank_scope_is_missing() {
        assert_eq!(ScopeSet::parse(""), Err(ScopeError::Empty));
        assert_eq!(ScopeSet::parse("   "), Err(ScopeError::Empty));
        assert_eq!(ScopeSet::from_names([]), Err(ScopeError::Empty));
        assert_eq!(
            ScopeError::Empty.to_string(),
            "Missing required parameter: scope"
        );
    }

    #[test]
    fn unknown_scopes_are_reported_all_at_once() {
        let error = ScopeSet::parse("openid bogus email other bogus").unwrap_err();
        assert_eq!(error, ScopeError::Unknown("bogus, other".to_owned()));
        assert_eq!(
            error.to_string(),
            "Some requested scopes were invalid. {invalid=[bogus, other]}"
        );
    }

    #[test]
    fn names_are_case_sensitive_and_commas_do_not_separate() {
        assert_eq!(
            ScopeSet::parse("Email"),
            Err(ScopeError::Unknown("Email".to_owned()))
        );
        assert_eq!(
            ScopeSet::parse("openid,email"),
            Err(ScopeError::Unknown("openid,email".to_owned()))
        );
        assert_eq!(
            ScopeSet::parse("openid+email"),
            Err(ScopeError::Unknown("openid+email".to_owned()))
        );
    }

    #[test]
    fn the_granted_string_uses_full_names_in_registry_order() {
        let scopes = set(&format!("{PICKER} profile {APPEND} openid email"));
        assert_eq!(
            scopes.to_granted_string(),
            format!("openid {EMAIL} {PROFILE} {APPEND} {PICKER}")
        );
        assert_eq!(scopes.to_string(), scopes.to_granted_string());
    }

    #[test]
    fn the_granted_string_does_not_depend_on_request_order() {
        let forward = set(&format!("openid email {APPEND}"));
        let backward = set(&format!("{APPEND} email openid"));
        assert_eq!(forward.to_granted_string(), backward.to_granted_string());
    }

    #[test]
    fn from_names_accepts_the_same_names_as_parse() {
        assert_eq!(
            ScopeSet::from_names(["profile", APPEND]),
            Ok(set(&format!("{APPEND} profile")))
        );
        assert_eq!(
            ScopeSet::from_names(["nope"]),
            Err(ScopeError::Unknown("nope".to_owned()))
        );
    }

    #[test]
    fn set_operations_keep_registry_order() {
        let a = set(&format!("{PICKER} email"));
        let b = set(&format!("openid email {APPEND}"));
        assert_eq!(
            a.union(&b).iter().collect::<Vec<_>>(),
            [OPENID, EMAIL, APPEND, PICKER]
        );
        assert_eq!(a.intersection(&b).iter().collect::<Vec<_>>(), [EMAIL]);
        assert!(set(PICKER).intersection(&set(APPEND)).is_empty());
    }

    #[test]
    fn a_set_is_a_subset_of_itself_and_of_its_unions() {
        let a = set("openid email");
        let b = set(APPEND);
        assert!(a.is_subset(&a));
        assert!(a.is_subset(&a.union(&b)));
        assert!(!a.union(&b).is_subset(&a));
        assert!(!a.is_subset(&b));
    }

    #[test]
    fn infos_follow_the_set() {
        let infos: Vec<_> = set(&format!("{APPEND} openid"))
            .infos()
            .map(|i| i.name)
            .collect();
        assert_eq!(infos, [OPENID, APPEND]);
    }

    #[test]
    fn sign_in_scopes_alone_are_identity_only() {
        assert!(set("openid").is_identity_only());
        assert!(set("openid email profile").is_identity_only());
        assert!(!set(&format!("openid {APPEND}")).is_identity_only());
        assert!(!set(PICKER).is_identity_only());
    }

    fn any_scope_set() -> impl Strategy<Value = ScopeSet> {
        proptest::sample::subsequence(registry().to_vec(), 1..=registry().len())
            .prop_shuffle()
            .prop_map(|infos| ScopeSet::from_names(infos.iter().map(|info| info.name)).unwrap())
    }

    proptest! {
        #[test]
        fn parsing_the_granted_string_gives_back_the_set(scopes in any_scope_set()) {
            prop_assert_eq!(ScopeSet::parse(&scopes.to_granted_string()), Ok(scopes));
        }

        #[test]
        fn request_order_and_aliases_never_change_the_set(
            infos in proptest::sample::subsequence(registry().to_vec(), 1..=registry().len()).prop_shuffle(),
            use_short in any::<bool>(),
        ) {
            let names: Vec<&str> = infos
                .iter()
                .map(|info| if use_short { info.short.unwrap_or(info.name) } else { info.name })
                .collect();
            let parsed = ScopeSet::parse(&names.join("  ")).unwrap();
            let canonical = ScopeSet::from_names(infos.iter().map(|info| info.name)).unwrap();
            prop_assert_eq!(parsed, canonical);
        }

        #[test]
        fn a_union_contains_both_sides_and_an_intersection_is_in_both(
            a in any_scope_set(),
            b in any_scope_set(),
        ) {
            let union = a.union(&b);
            let intersection = a.intersection(&b);
            prop_assert!(a.is_subset(&union) && b.is_subset(&union));
            prop_assert!(intersection.is_subset(&a) && intersection.is_subset(&b));
        }
    }
}
