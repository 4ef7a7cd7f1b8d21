//! Pure validation and parsing rules of Google's console and authorization server.

pub mod origin;
pub mod pkce;
pub mod project_id;
pub mod redirect_uri;
pub mod scope;
mod web_uri;
