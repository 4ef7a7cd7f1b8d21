//! What every Library JSON handler does first and last: turn the bearer caller into an
//! [`Actor`] for the service (API enabled, some Library scope present; the service then
//! checks the exact scopes of the method under the server's profile), build the
//! [`Library`] service, and render [`LibraryError`]s as Google's envelopes.

use albumen_core::project::ApiService;
use albumen_library::access::{self, Actor};
use albumen_library::error::LibraryError;
use albumen_library::service::Library;

use super::quota::charge_library_request;
use super::render::UrlContext;
use crate::error::{ApiError, Code};
use crate::extract::bearer::{Caller, authorize_call, insufficient_scopes};
use crate::state::AppState;

/// Every scope some Library method accepts under some profile.
pub(super) const ANY_LIBRARY_SCOPE: [&str; 6] = [
    access::APPENDONLY,
    access::READONLY_APPCREATED,
    access::EDIT_APPCREATED,
    access::FULL_LIBRARY,
    access::READONLY,
    access::SHARING,
];

/// Whether a call creates or changes something (it then also counts against the per-user
/// write rate).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Read,
    Write,
}

/// The checked caller of a Library method, charged one request against its project's quota.
pub(crate) async fn actor(
    state: &AppState,
    caller: &Caller,
    kind: Kind,
) -> Result<Actor, ApiError> {
    authorize_call(state, caller, ApiService::PhotosLibrary, &ANY_LIBRARY_SCOPE).await?;
    charge_library_request(state, caller, kind == Kind::Write).await?;
    Ok(actor_of(caller))
}

/// The service's view of a caller whose API access was checked.
pub(super) fn actor_of(caller: &Caller) -> Actor {
    Actor {
        user_id: caller.0.user.id.clone(),
        client_id: caller.0.client_id.clone(),
        scopes: caller.0.scopes.iter().map(str::to_owned).collect(),
    }
}

/// The Library service over the server's ports.
pub(crate) fn library(state: &AppState) -> Library {
    state.library_service()
}

/// A successful method's JSON answer, marked `Cache-Control: private` as Google marks its
/// answers (they hold one user's data).
pub(crate) fn ok(value: &serde_json::Value) -> axum::response::Response {
    let mut response = crate::wire::json_response(axum::http::StatusCode::OK, value);
    response.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("private"),
    );
    response
}

/// The URL context for responses.
pub(crate) fn urls(state: &AppState) -> UrlContext<'_> {
    UrlContext {
        public_url: &state.public_url,
        signer: &state.base_urls,
        now: state.clock.now(),
    }
}

impl From<LibraryError> for ApiError {
    fn from(err: LibraryError) -> Self {
        match err {
            LibraryError::InvalidArgument(message) => ApiError::new(Code::InvalidArgument, message),
            LibraryError::PermissionDenied(message) => {
                ApiError::new(Code::PermissionDenied, message)
            }
            LibraryError::NotFound(message) => ApiError::new(Code::NotFound, message),
            LibraryError::InsufficientScopes => insufficient_scopes(),
            LibraryError::Store(err) => err.into(),
            LibraryError::Blob(err) => err.into(),
        }
    }
}
