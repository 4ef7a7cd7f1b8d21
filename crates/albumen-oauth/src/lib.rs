//! The authorization server, identity provider and console rules, free of HTTP and SQL: what
//! a valid project id, redirect URI, JavaScript origin, client id and secret look like; the
//! scope registry; PKCE; and the [`Authority`] services that sign users in, manage projects
//! and clients, and issue and check grants, codes and tokens through the core's ports.
#![forbid(unsafe_code)]

mod access_cache;
pub mod accounts;
mod authority;
pub mod authorize;
mod consent;
pub mod console;
pub mod device;
pub mod error;
pub mod introspect;
pub mod keys;
pub mod password;
pub mod rules;
pub mod secrets;
pub mod token;

pub use authority::{Authority, AuthoritySettings};
pub use error::{OAuthCode, OAuthError};
