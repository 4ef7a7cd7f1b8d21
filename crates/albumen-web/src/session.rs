//! Who is looking at a page: the signed session cookie, resolved to a user, and the
//! redirect to sign-in (or first-run setup) for pages that need one.

use albumen_api::AppState;
use albumen_core::grant::WebSession;
use albumen_core::user::User;
use axum::extract::{FromRequestParts, OriginalUri};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::SignedCookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};

use crate::layout::internal_error_page;

pub const SESSION_COOKIE: &str = "albumen_session";

/// The request's cookies and, when signed in, the user and session.
#[derive(Debug)]
pub struct Viewer {
    pub jar: SignedCookieJar,
    pub signed_in: Option<(User, WebSession)>,
    /// Cookies get `Secure` when the public URL is https.
    pub secure: bool,
}

impl Viewer {
    pub fn user(&self) -> Option<&User> {
        self.signed_in.as_ref().map(|(user, _)| user)
    }

    pub fn session(&self) -> Option<&WebSession> {
        self.signed_in.as_ref().map(|(_, session)| session)
    }

    /// The header's view of the user: who, and the token for the sign-out form.
    pub fn chrome(&self) -> Option<(&User, &str)> {
        self.signed_in
            .as_ref()
            .map(|(user, session)| (user, session.csrf_token.as_str()))
    }
}

impl SignedIn {
    pub fn chrome(&self) -> Option<(&User, &str)> {
        Some((&self.user, self.session.csrf_token.as_str()))
    }
}

impl FromRequestParts<AppState> for Viewer {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let jar = SignedCookieJar::from_headers(&parts.headers, state.cookie_key.clone());
        let secure = state.public_url.starts_with("https://");
        let signed_in = match jar.get(SESSION_COOKIE) {
            None => None,
            Some(cookie) => match state.authority.session_user(cookie.value()).await {
                Ok(found) => found,
                Err(err) => {
                    tracing::error!(error = %err, "session lookup failed");
                    return Err(internal_error_page());
                }
            },
        };
        Ok(Self {
            jar,
            signed_in,
            secure,
        })
    }
}

/// A page that needs a signed-in user: others are sent to sign in and come back.
#[derive(Debug)]
pub struct SignedIn {
    pub user: User,
    pub session: WebSession,
    pub jar: SignedCookieJar,
}

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let viewer = Viewer::from_request_parts(parts, state).await?;
        if let Some((user, session)) = viewer.signed_in {
            return Ok(Self {
                user,
                session,
                jar: viewer.jar,
            });
        }
        let here = OriginalUri::from_request_parts(parts, state)
            .await
            .map(|uri| uri.0.to_string())
            .unwrap_or_else(|_| "/".to_owned());
        Err(sign_in_redirect(&here).into_response())
    }
}

/// Where to send someone who must sign in first.
pub fn sign_in_redirect(continue_to: &str) -> Redirect {
    let query = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("continue", continue_to)
        .finish();
    Redirect::to(&format!("/signin?{query}"))
}

/// Only same-site paths are followed after sign-in (no open redirects).
pub fn safe_continue(target: Option<&str>) -> String {
    let Some(path) = target else {
        return "/".to_owned();
    };
    // Browsers drop tabs and newlines inside URLs, so `/\t/evil.example` would become
    // `//evil.example`: refuse any control character or space, then check what a URL parser
    // makes of the path against a fixed origin.
    let plain = path.chars().all(|c| !c.is_control() && !c.is_whitespace());
    let base = url::Url::parse("http://albumen.invalid/").ok();
    let stays_home = base
        .and_then(|base| base.join(path).ok())
        .is_some_and(|joined| joined.host_str() == Some("albumen.invalid"));
    if plain
        && path.starts_with('/')
        && !path.starts_with("//")
        && !path.contains('\\')
        && stays_home
    {
        path.to_owned()
    } else {
        "/".to_owned()
    }
}

pub fn session_cookie(secret: String, secure: bool) -> Cookie<'static> {
    Cookie::build((SESSION_COOKIE, secret))
        .path("/")
        .http_only(true)
        // Lax, not Strict: the OAuth flow arrives by a cross-site top-level navigation and
        // must see the session; every state-changing form also checks a CSRF token.
        .same_site(SameSite::Lax)
        .secure(secure)
        .build()
}

pub fn removal_cookie(name: &'static str) -> Cookie<'static> {
    Cookie::build((name, "")).path("/").build()
}

#[cfg(test)]
mod tests {
    use super::safe_continue;

    #[test]
    fn only_local_paths_are_continued_to() {
        assert_eq!(safe_continue(Some("/console?x=1")), "/console?x=1");
        assert_eq!(safe_continue(Some("//evil.example.com/")), "/");
        assert_eq!(safe_continue(Some("https://evil.example.com/")), "/");
        assert_eq!(safe_continue(Some("/\\evil.example.com")), "/");
        assert_eq!(safe_continue(None), "/");
        assert_eq!(safe_continue(Some("/\t/evil.example.com")), "/");
        assert_eq!(safe_continue(Some("/\n")), "/");
        assert_eq!(safe_continue(Some("/ /evil.example.com")), "/");
    }
}
