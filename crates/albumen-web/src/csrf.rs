//! CSRF tokens for every form. A signed-in user's forms carry the session's token; anonymous
//! forms (sign-in, first-run setup) carry a token held in a signed cookie. Every POST
//! handler checks the submitted token in constant time before doing anything.

use albumen_oauth::secrets;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::SignedCookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use maud::{Markup, html};

use crate::layout::error_page;
use crate::session::Viewer;

const CSRF_COOKIE: &str = "albumen_csrf";
pub const FIELD: &str = "csrf_token";

/// The token this viewer's forms must carry, and the jar to send back (it may have gained
/// the anonymous token cookie).
pub fn token_for(viewer: &Viewer) -> (SignedCookieJar, String) {
    if let Some(session) = viewer.session() {
        return (viewer.jar.clone(), session.csrf_token.clone());
    }
    if let Some(existing) = viewer.jar.get(CSRF_COOKIE) {
        return (viewer.jar.clone(), existing.value().to_owned());
    }
    let token = secrets::new_opaque(32);
    let cookie = Cookie::build((CSRF_COOKIE, token.clone()))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(viewer.secure)
        .build();
    (viewer.jar.clone().add(cookie), token)
}

/// The hidden input carrying the token.
pub fn field(token: &str) -> Markup {
    html! { input type="hidden" name=(FIELD) value=(token); }
}

/// Whether the submitted token is the viewer's.
pub fn is_valid(viewer: &Viewer, submitted: Option<&str>) -> bool {
    let expected = match viewer.session() {
        Some(session) => Some(session.csrf_token.clone()),
        None => viewer.jar.get(CSRF_COOKIE).map(|c| c.value().to_owned()),
    };
    match (expected, submitted) {
        (Some(expected), Some(submitted)) if !expected.is_empty() => {
            secrets::constant_time_eq(&expected, submitted)
        }
        _ => false,
    }
}

/// The page for a form posted without a valid token.
pub fn rejected() -> Response {
    error_page(
        403,
        "csrf_token_invalid",
        "This form has expired or did not come from this site. Go back, reload the page and try again.",
        &[],
    )
    .into_response()
}
