//! Albumen's web UI, rendered on the server with maud: first-run setup, sign-in and
//! sign-out, the OAuth authorization pages (account choice, the unverified-app warning,
//! consent), the device page, the developer console and the account pages. Every form
//! carries a CSRF token; handlers call `albumen-oauth` services and render the outcome.
#![forbid(unsafe_code)]

mod account;
mod admin_users;
mod authorize;
mod console;
mod csrf;
mod device;
mod home;
mod layout;
mod library_pages;
mod session;
mod signin;

use albumen_api::AppState;
use axum::Router;

pub use session::SESSION_COOKIE;

/// Every page of the web UI.
pub fn router() -> Router<AppState> {
    Router::new()
        .merge(home::router())
        .merge(signin::router())
        .merge(authorize::router())
        .merge(device::router())
        .merge(console::router())
        .merge(account::router())
        .merge(library_pages::router())
        .merge(admin_users::router())
}
