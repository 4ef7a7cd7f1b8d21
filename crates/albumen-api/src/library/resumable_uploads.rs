//! The resumable protocol on `POST /v1/uploads`: `start` (authenticated like a raw upload)
//! answers with the session URL; requests to that URL (`?upload_id=...`) carry `upload`,
//! `upload, finalize`, `finalize`, `query` or `cancel`. This module only maps headers to
//! [`albumen_library::resumable`] and its replies back to Google's headers and unwrapped
//! error bodies.

use albumen_core::user::UserId;
use albumen_library::resumable::{
    CHUNK_GRANULARITY, Command, Progress, Reply, ResumableError, ResumableUploads,
};
use albumen_library::upload::RawUpload;
use axum::body::Body;
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use super::uploads::{
    declared_mime_type, file_name, header_text, token_response, upload_error, upload_failure,
};
use crate::extract::bearer::Caller;
use crate::oauth::form_bearer_token;
use crate::state::AppState;

const UPLOAD_URL: HeaderName = HeaderName::from_static("x-goog-upload-url");
const UPLOAD_STATUS: HeaderName = HeaderName::from_static("x-goog-upload-status");
const SIZE_RECEIVED: HeaderName = HeaderName::from_static("x-goog-upload-size-received");
const CHUNK_GRANULARITY_HEADER: HeaderName =
    HeaderName::from_static("x-goog-upload-chunk-granularity");

/// The `upload_id` of a session URL, if the query names one.
pub(super) fn upload_id(query: Option<&str>) -> Option<String> {
    url::form_urlencoded::parse(query?.as_bytes())
        .find(|(name, _)| name == "upload_id")
        .map(|(_, value)| value.into_owned())
}

fn uploads(state: &AppState) -> ResumableUploads<'_> {
    ResumableUploads {
        store: state.store.as_ref(),
        blobs: &state.blobs,
        clock: state.clock.as_ref(),
        limits: state.library.upload_limits,
    }
}

fn bad_request(message: &str) -> Response {
    upload_error(StatusCode::BAD_REQUEST, 3, message)
}

/// A byte count header (`X-Goog-Upload-Raw-Size`, `X-Goog-Upload-Offset`): `Err` with the
/// message to send when it is present but not a number.
fn byte_count(headers: &HeaderMap, name: &str) -> Result<Option<u64>, String> {
    match header_text(headers, name) {
        None => Ok(None),
        Some(text) => text
            .parse()
            .map(Some)
            .map_err(|_| format!("{name} must be a number of bytes.")),
    }
}

fn with_progress(mut response: Response, progress: Progress) -> Response {
    let headers = response.headers_mut();
    headers.insert(
        UPLOAD_STATUS,
        HeaderValue::from_static(progress.state.as_str()),
    );
    headers.insert(SIZE_RECEIVED, HeaderValue::from(progress.received));
    response
}

/// `X-Goog-Upload-Command: start` (the caller is already authorized to upload).
pub(super) async fn start_session(
    state: &AppState,
    caller: &Caller,
    headers: &HeaderMap,
) -> Response {
    let command = header_text(headers, "x-goog-upload-command").and_then(Command::parse);
    if command != Some(Command::Start) {
        return bad_request("A resumable upload begins with X-Goog-Upload-Command: start.");
    }
    let raw_size = match byte_count(headers, "x-goog-upload-raw-size") {
        Ok(size) => size,
        Err(message) => return bad_request(&message),
    };
    let upload = RawUpload {
        user: caller.0.user.id.clone(),
        client_id: caller.0.client_id.clone(),
        declared_mime_type: declared_mime_type(headers),
        file_name: file_name(headers),
    };
    let upload_id = match uploads(state).start(upload, raw_size).await {
        Ok(upload_id) => upload_id,
        Err(err) => return session_failure(err),
    };
    let url = format!(
        "{}/v1/uploads?upload_id={upload_id}&upload_protocol=resumable",
        state.public_url
    );
    let Ok(url) = HeaderValue::from_str(&url) else {
        tracing::error!("the public URL cannot be sent in a header");
        return upload_error(
            StatusCode::SERVICE_UNAVAILABLE,
            14,
            "The service is currently unavailable.",
        );
    };
    let mut response = StatusCode::OK.into_response();
    let response_headers = response.headers_mut();
    response_headers.insert(UPLOAD_URL, url);
    response_headers.insert(
        CHUNK_GRANULARITY_HEADER,
        HeaderValue::from(CHUNK_GRANULARITY),
    );
    response_headers.insert(UPLOAD_STATUS, HeaderValue::from_static("active"));
    response
}

/// A request to a session URL.
pub(super) struct SessionRequest<'r> {
    pub upload_id: &'r str,
    /// The bearer token's caller, if the request authenticated (or how it failed).
    pub caller: Result<Caller, Response>,
    pub query: Option<&'r str>,
    pub headers: &'r HeaderMap,
}

impl SessionRequest<'_> {
    /// The unguessable `upload_id` is the capability; a bearer token is optional, but when
    /// one is sent it must be the session owner's (checked by the library: `Err` here means
    /// the token itself is no good, which answers as an unknown session does).
    fn caller(&self) -> Result<Option<UserId>, ()> {
        if form_bearer_token(self.headers, self.query).is_none() {
            return Ok(None);
        }
        match &self.caller {
            Ok(caller) => Ok(Some(caller.0.user.id.clone())),
            Err(_) => Err(()),
        }
    }
}

pub(super) async fn continue_session(
    state: &AppState,
    request: SessionRequest<'_>,
    body: Body,
) -> Response {
    let Some(command) =
        header_text(request.headers, "x-goog-upload-command").and_then(Command::parse)
    else {
        return bad_request(
            "X-Goog-Upload-Command must be upload, upload, finalize, finalize, query or cancel.",
        );
    };
    let offset = match byte_count(request.headers, "x-goog-upload-offset") {
        Ok(offset) => offset,
        Err(message) => return bad_request(&message),
    };
    let Ok(caller) = request.caller() else {
        return session_failure(ResumableError::NotFound);
    };
    let reply = uploads(state)
        .continue_upload(
            request.upload_id,
            caller.as_ref(),
            command,
            offset,
            body.into_data_stream(),
        )
        .await;
    match reply {
        Ok(Reply::Progress(progress)) => with_progress(StatusCode::OK.into_response(), progress),
        Ok(Reply::Finished { received, token }) => {
            let progress = Progress {
                state: albumen_core::upload_session::UploadSessionState::Final,
                received,
            };
            with_progress(token_response(token), progress)
        }
        Err(err) => session_failure(err),
    }
}

fn session_failure(err: ResumableError) -> Response {
    match err {
        ResumableError::NotFound => upload_error(
            StatusCode::NOT_FOUND,
            5,
            "The upload session does not exist or has expired.",
        ),
        ResumableError::Rejected { reason, progress } => {
            with_progress(bad_request(&reason.to_string()), progress)
        }
        ResumableError::Upload(err) => upload_failure(err),
    }
}
