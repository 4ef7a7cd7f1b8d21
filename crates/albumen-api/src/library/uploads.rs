//! `POST /v1/uploads`: raw uploads, and the door to resumable ones (`super::resumable_uploads`).
//! Errors here use the upload endpoint's own unwrapped body, `{"code": N, "message": "..."}`,
//! as Google's does (e.g. 401 code 16 "Authentication session is not defined." for a token
//! without `photoslibrary.appendonly`).

use albumen_core::project::ApiService;
use albumen_library::access::{self, Operation};
use albumen_library::upload::{RawUpload, UploadError, accept_raw_upload};
use axum::body::Body;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use percent_encoding::percent_decode_str;
use serde_json::json;

use super::call::{ANY_LIBRARY_SCOPE, actor_of};
use super::resumable_uploads;
use crate::extract::bearer::{Caller, authorize_call};
use crate::state::AppState;
use crate::wire::json_response;

pub(super) fn upload_error(status: StatusCode, code: u16, message: &str) -> Response {
    json_response(status, &json!({"code": code, "message": message}))
}

fn session_not_defined() -> Response {
    upload_error(
        StatusCode::UNAUTHORIZED,
        16,
        "Authentication session is not defined.",
    )
}

pub(super) fn header_text<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty())
}

/// The declared type: `X-Goog-Upload-Content-Type`, else `Content-Type`; the generic
/// `application/octet-stream` says nothing (the bytes are sniffed at batchCreate).
pub(super) fn declared_mime_type(headers: &HeaderMap) -> Option<String> {
    header_text(headers, "x-goog-upload-content-type")
        .or_else(|| header_text(headers, header::CONTENT_TYPE.as_str()))
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase()
        })
        .filter(|v| !v.is_empty() && v != "application/octet-stream")
}

/// `X-Goog-Upload-File-Name`, percent-encoded by some clients, raw UTF-8 by others.
pub(super) fn file_name(headers: &HeaderMap) -> Option<String> {
    let raw = headers.get("x-goog-upload-file-name")?;
    let text = match raw.to_str() {
        Ok(ascii) => percent_decode_str(ascii).decode_utf8_lossy().into_owned(),
        Err(_) => String::from_utf8_lossy(raw.as_bytes()).into_owned(),
    };
    let name = text.trim();
    (!name.is_empty()).then(|| name.to_owned())
}

pub(crate) async fn post_upload(
    State(state): State<AppState>,
    caller: Result<Caller, Response>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Body,
) -> Response {
    // The session URL of a resumable upload is a capability of its own.
    if let Some(upload_id) = resumable_uploads::upload_id(query.as_deref()) {
        let session = resumable_uploads::SessionRequest {
            upload_id: &upload_id,
            caller,
            query: query.as_deref(),
            headers: &headers,
        };
        return resumable_uploads::continue_session(&state, session, body).await;
    }
    let Ok(caller) = caller else {
        return session_not_defined();
    };
    // A project without the API gets the usual envelope; a token without an upload scope
    // (`appendonly`, or under `legacy` also `photoslibrary` and `photoslibrary.sharing`)
    // gets the upload endpoint's own 401.
    if let Err(err) = authorize_call(
        &state,
        &caller,
        ApiService::PhotosLibrary,
        &ANY_LIBRARY_SCOPE,
    )
    .await
    {
        return if err.status() == StatusCode::FORBIDDEN && err.message().contains("scopes") {
            session_not_defined()
        } else {
            err.into_response()
        };
    }
    if access::check_scopes(state.library.profile, &actor_of(&caller), Operation::Create).is_err() {
        return session_not_defined();
    }
    if let Err(err) = super::quota::charge_library_request(&state, &caller, true).await {
        return super::quota::upload_refusal(err);
    }
    let protocol = header_text(&headers, "x-goog-upload-protocol").unwrap_or("raw");
    if protocol.eq_ignore_ascii_case("resumable") {
        return resumable_uploads::start_session(&state, &caller, &headers).await;
    }
    if !protocol.eq_ignore_ascii_case("raw") {
        return upload_error(
            StatusCode::NOT_IMPLEMENTED,
            12,
            "Only the raw and resumable upload protocols are supported.",
        );
    }
    let upload = RawUpload {
        user: caller.0.user.id.clone(),
        client_id: caller.0.client_id.clone(),
        declared_mime_type: declared_mime_type(&headers),
        file_name: file_name(&headers),
    };
    let result = accept_raw_upload(
        state.store.as_ref(),
        &state.blobs,
        state.clock.as_ref(),
        upload,
        body.into_data_stream(),
        state.library.upload_limits,
    )
    .await;
    match result {
        Ok(token) => token_response(token),
        Err(err) => upload_failure(err),
    }
}

/// The upload token, as plain text.
pub(super) fn token_response(token: String) -> Response {
    let mut response = (StatusCode::OK, token).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}

/// Google's answer to an upload that could not be stored.
pub(super) fn upload_failure(err: UploadError) -> Response {
    match err {
        UploadError::Empty => upload_error(StatusCode::BAD_REQUEST, 3, "Payload must not be empty"),
        UploadError::TooLarge { limit } => upload_error(
            StatusCode::PAYLOAD_TOO_LARGE,
            3,
            &format!("The upload is larger than the {limit}-byte limit for its media type."),
        ),
        UploadError::Blob(albumen_blob::BlobError::Input(_)) => upload_error(
            StatusCode::BAD_REQUEST,
            3,
            "The upload body could not be read.",
        ),
        err => {
            tracing::warn!(error = %err, "upload failed");
            upload_error(
                StatusCode::SERVICE_UNAVAILABLE,
                14,
                "The service is currently unavailable.",
            )
        }
    }
}
