//! Cloud project ids: the identifier a developer picks when creating a project in the console.

use std::fmt;

/// A project id that follows Google's rules.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ProjectId(String);

/// Why a project id was refused; the message is shown beside the console's form field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ProjectIdError {
    #[error("Project ID must be 6 to 30 characters.")]
    Length,
    #[error("Project ID can have lowercase letters, digits or hyphens only.")]
    InvalidCharacters,
    #[error("Project ID must start with a lowercase letter.")]
    MustStartWithLetter,
    #[error("Project ID cannot end with a hyphen.")]
    EndsWithHyphen,
    #[error("Project ID cannot contain the word {0}.")]
    RestrictedWord(&'static str),
}

impl ProjectId {
    const MIN_LEN: usize = 6;
    const MAX_LEN: usize = 30;
    /// Words Google reserves inside project ids.
    const RESTRICTED_WORDS: &'static [&'static str] = &["google"];

    /// Checks `raw` exactly as typed: ids are not trimmed or lower-cased, because the console
    /// shows the rule that was broken rather than silently changing the id.
    pub fn parse(raw: &str) -> Result<Self, ProjectIdError> {
        let length = raw.chars().count();
        if !(Self::MIN_LEN..=Self::MAX_LEN).contains(&length) {
            return Err(ProjectIdError::Length);
        }
        let allowed = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-';
        if !raw.chars().all(allowed) {
            return Err(ProjectIdError::InvalidCharacters);
        }
        if !raw.starts_with(|c: char| c.is_ascii_lowercase()) {
            return Err(ProjectIdError::MustStartWithLetter);
        }
        if raw.ends_with('-') {
            return Err(ProjectIdError::EndsWithHyphen);
        }
        if let Some(word) = Self::RESTRICTED_WORDS.iter().find(|w| raw.contains(*w)) {
            return Err(ProjectIdError::RestrictedWord(word));
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ProjectId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_typical_id_is_accepted() {
        let id = ProjectId::parse("my-photo-app-123").unwrap();
        assert_eq!(id.as_str(), "my-photo-app-123");
        assert_eq!(id.to_string(), "my-photo-app-123");
    }

    #[test]
    fn ids_of_six_and_thirty_characters_are_accepted() {
        assert!(ProjectId::parse("abcdef").is_ok());
        assert!(ProjectId::parse(&"a".repeat(30)).is_ok());
    }

    #[test]
    fn ids_shorter_than_six_or_longer_than_thirty_characters_are_rejected() {
        assert_eq!(ProjectId::parse(""), Err(ProjectIdError::Length));
        assert_eq!(ProjectId::parse("abcde"), Err(ProjectIdError::Length));
        assert_eq!(
            ProjectId::parse(&"a".repeat(31)),
            Err(ProjectIdError::Length)
        );
    }

    #[test]
    fn uppercase_letters_underscores_and_other_characters_are_rejected() {
        for raw in [
            "My-project",
            "my_project",
            "my project",
            "my.project",
            "projét-un",
        ] {
            assert_eq!(
                ProjectId::parse(raw),
                Err(ProjectIdError::InvalidCharacters),
                "{raw}"
            );
        }
    }

    #[test]
    fn an_id_starting_with_a_digit_or_hyphen_is_rejected() {
        assert_eq!(
            ProjectId::parse("1project"),
            Err(ProjectIdError::MustStartWithLetter)
        );
        assert_eq!(
            ProjectId::parse("-project"),
            Err(ProjectIdError::MustStartWithLetter)
        );
    }

    #[test]
    fn an_id_ending_with_a_hyphen_is_rejected() {
        assert_eq!(
            ProjectId::parse("project-"),
            Err(ProjectIdError::EndsWithHyphen)
        );
    }

    #[test]
    fn an_id_containing_google_is_rejected() {
        for raw in ["google-app", "my-google-app", "notgoogle"] {
            assert_eq!(
                ProjectId::parse(raw),
                Err(ProjectIdError::RestrictedWord("google")),
                "{raw}"
            );
        }
    }

    #[test]
    fn every_error_reads_as_a_sentence_for_the_form_field() {
        assert_eq!(
            ProjectIdError::Length.to_string(),
            "Project ID must be 6 to 30 characters."
        );
        assert_eq!(
            ProjectIdError::InvalidCharacters.to_string(),
            "Project ID can have lowercase letters, digits or hyphens only."
        );
        assert_eq!(
            ProjectIdError::MustStartWithLetter.to_string(),
            "Project ID must start with a lowercase letter."
        );
        assert_eq!(
            ProjectIdError::EndsWithHyphen.to_string(),
            "Project ID cannot end with a hyphen."
        );
        assert_eq!(
            ProjectIdError::RestrictedWord("google").to_string(),
            "Project ID cannot contain the word google."
        );
    }

    proptest! {
        #[test]
        fn every_accepted_id_satisfies_all_rules(raw in "[a-z0-9-]{0,34}|[a-zA-Z0-9_. -]{0,34}|\\PC{0,34}") {
            if let Ok(id) = ProjectId::parse(&raw) {
                let id = id.as_str();
                prop_assert!((6..=30).contains(&id.len()));
                prop_assert!(id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'));
                prop_assert!(id.starts_with(|c: char| c.is_ascii_lowercase()));
                prop_assert!(!id.ends_with('-'));
                prop_assert!(!id.contains("google"));
                prop_assert_eq!(id, raw.as_str());
            }
        }

        #[test]
        fn every_id_following_the_rules_is_accepted(raw in "[a-z][a-z0-9-]{4,28}[a-z0-9]") {
            prop_assume!(!raw.contains("google"));
            prop_assert!(ProjectId::parse(&raw).is_ok());
        }
    }
}
