//! [`ApiError`]: the one error type of the JSON APIs, rendered as Google's envelope
//! `{"error":{"code","message","status","details"}}`. Internal causes are logged here, once,
//! with the request id; clients only ever see a generic message and that id.

use albumen_blob::BlobError;
use albumen_core::StoreError;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::{Value, json};

use crate::request_id;
use crate::wire::json_response;

/// The canonical `google.rpc.Code` of an error, with its HTTP status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    InvalidArgument,
    FailedPrecondition,
    OutOfRange,
    Unauthenticated,
    PermissionDenied,
    NotFound,
    AlreadyExists,
    Aborted,
    ResourceExhausted,
    Internal,
    Unimplemented,
    Unavailable,
    DeadlineExceeded,
}

impl Code {
    /// The `status` string of the envelope.
    pub fn name(self) -> &'static str {
        match self {
            Self::InvalidArgument => "INVALID_ARGUMENT",
            Self::FailedPrecondition => "FAILED_PRECONDITION",
            Self::OutOfRange => "OUT_OF_RANGE",
            Self::Unauthenticated => "UNAUTHENTICATED",
            Self::PermissionDenied => "PERMISSION_DENIED",
            Self::NotFound => "NOT_FOUND",
            Self::AlreadyExists => "ALREADY_EXISTS",
            Self::Aborted => "ABORTED",
            Self::ResourceExhausted => "RESOURCE_EXHAUSTED",
            Self::Internal => "INTERNAL",
            Self::Unimplemented => "UNIMPLEMENTED",
            Self::Unavailable => "UNAVAILABLE",
            Self::DeadlineExceeded => "DEADLINE_EXCEEDED",
        }
    }

    /// Google's standard HTTP mapping of the canonical codes.
    pub fn http_status(self) -> StatusCode {
        match self {
            Self::InvalidArgument | Self::FailedPrecondition | Self::OutOfRange => {
                StatusCode::BAD_REQUEST
            }
            Self::Unauthenticated => StatusCode::UNAUTHORIZED,
            Self::PermissionDenied => StatusCode::FORBIDDEN,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::AlreadyExists | Self::Aborted => StatusCode::CONFLICT,
            Self::ResourceExhausted => StatusCode::TOO_MANY_REQUESTS,
            Self::Internal => StatusCode::INTERNAL_SERVER_ERROR,
            Self::Unimplemented => StatusCode::NOT_IMPLEMENTED,
            Self::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            Self::DeadlineExceeded => StatusCode::GATEWAY_TIMEOUT,
        }
    }

    /// The code Google uses for a bare HTTP status (for errors raised below the handlers).
    pub fn for_http_status(status: StatusCode) -> Self {
        match status.as_u16() {
            401 => Self::Unauthenticated,
            403 => Self::PermissionDenied,
            404 | 405 => Self::NotFound,
            409 => Self::Aborted,
            429 => Self::ResourceExhausted,
            501 => Self::Unimplemented,
            503 => Self::Unavailable,
            504 | 408 => Self::DeadlineExceeded,
            400..=499 => Self::InvalidArgument,
            _ => Self::Internal,
        }
    }
}

/// A Google-style API error.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: Code,
    message: String,
    details: Vec<Value>,
    /// Logged when rendered; never sent.
    cause: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl ApiError {
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        Self {
            status: code.http_status(),
            code,
            message: message.into(),
            details: Vec::new(),
            cause: None,
        }
    }

    /// Overrides the HTTP status (Google sometimes pairs a status with a different code,
    /// e.g. 413 with `INVALID_ARGUMENT`).
    pub fn with_http_status(mut self, status: StatusCode) -> Self {
        self.status = status;
        self
    }

    /// Adds one `details` entry (an object with an `@type`).
    pub fn with_detail(mut self, detail: Value) -> Self {
        self.details.push(detail);
        self
    }

    pub fn invalid_argument(message: impl Into<String>) -> Self {
        Self::new(Code::InvalidArgument, message)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(Code::NotFound, message)
    }

    pub fn permission_denied(message: impl Into<String>) -> Self {
        Self::new(Code::PermissionDenied, message)
    }

    /// A route or HTTP method this server does not have.
    pub fn method_not_found() -> Self {
        Self::not_found("Method not found.")
    }

    pub fn unavailable() -> Self {
        Self::new(Code::Unavailable, "The service is currently unavailable.")
    }

    /// An unexpected failure: the cause is logged with the request id, the client sees a
    /// generic message and the id.
    pub fn internal(cause: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        Self {
            cause: Some(cause.into()),
            ..Self::new(Code::Internal, "Internal error encountered.")
        }
    }

    pub fn status(&self) -> StatusCode {
        self.status
    }

    pub fn code(&self) -> Code {
        self.code
    }

    pub fn message(&self) -> &str {
        &self.message
    }
}

#[derive(Serialize)]
struct Envelope<'a> {
    error: Body<'a>,
}

#[derive(Serialize)]
struct Body<'a> {
    code: u16,
    message: &'a str,
    status: &'static str,
    #[serde(skip_serializing_if = "<[Value]>::is_empty")]
    details: &'a [Value],
}

impl IntoResponse for ApiError {
    fn into_response(mut self) -> Response {
        let request_id = request_id::current();
        if let Some(cause) = &self.cause {
            tracing::error!(error = %error_chain(cause.as_ref()), "request failed");
        }
        if matches!(self.code, Code::Internal | Code::Unavailable)
            && let Some(id) = request_id
        {
            self.details.push(json!({
                "@type": "type.googleapis.com/google.rpc.RequestInfo",
                "requestId": id,
            }));
        }
        let envelope = Envelope {
            error: Body {
                code: self.status.as_u16(),
                message: &self.message,
                status: self.code.name(),
                details: &self.details,
            },
        };
        json_response(self.status, &envelope)
    }
}

/// `outer: inner: innermost`, for logs only.
fn error_chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(inner) = source {
        text.push_str(": ");
        text.push_str(&inner.to_string());
        source = inner.source();
    }
    text
}

impl From<StoreError> for ApiError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::NotFound => Self::not_found("Requested entity was not found."),
            StoreError::Conflict { .. } => {
                Self::new(Code::AlreadyExists, "Requested entity already exists.")
            }
            StoreError::Unavailable(cause) => {
                tracing::warn!(error = %error_chain(cause.as_ref()), "database unavailable");
                Self::unavailable()
            }
            StoreError::Internal(cause) => Self::internal(cause),
        }
    }
}

impl From<BlobError> for ApiError {
    fn from(err: BlobError) -> Self {
        match err {
            BlobError::NotFound => Self::not_found("Requested entity was not found."),
            BlobError::RangeNotSatisfiable { .. } => {
                Self::new(Code::OutOfRange, "The requested range is not satisfiable.")
                    .with_http_status(StatusCode::RANGE_NOT_SATISFIABLE)
            }
            BlobError::Input(cause) => {
                tracing::info!(error = %error_chain(cause.as_ref()), "request body failed");
                Self::invalid_argument("The request body could not be read.")
            }
            BlobError::Unavailable(cause) => {
                tracing::warn!(error = %error_chain(cause.as_ref()), "blob store unavailable");
                Self::unavailable()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::to_bytes;

    async fn render(err: ApiError) -> (StatusCode, String, Value) {
        let response = err.into_response();
        let status = response.status();
        let content_type = response.headers()["content-type"]
            .to_str()
            .unwrap()
            .to_owned();
        let body = to_bytes(response.into_body(), 1 << 20).await.unwrap();
        (status, content_type, serde_json::from_slice(&body).unwrap())
    }

    #[tokio::test]
    async fn not_found_renders_the_google_envelope_without_details() {
        let (status, content_type, body) = render(ApiError::not_found("Gone.")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(content_type, "application/json; charset=UTF-8");
        assert_eq!(
            body,
            json!({"error": {"code": 404, "message": "Gone.", "status": "NOT_FOUND"}})
        );
    }

    #[tokio::test]
    async fn internal_errors_never_show_their_cause() {
        let err = ApiError::internal(std::io::Error::other("secret path /etc/shadow"));
        let (status, _, body) = render(err).await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(body["error"]["message"], "Internal error encountered.");
        assert_eq!(body["error"]["status"], "INTERNAL");
        assert!(!body.to_string().contains("shadow"));
    }

    #[tokio::test]
    async fn an_unreachable_database_is_a_503_unavailable() {
        let err: ApiError = StoreError::Unavailable("connection refused".into()).into();
        let (status, _, body) = render(err).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(body["error"]["status"], "UNAVAILABLE");
        assert!(!body.to_string().contains("refused"));
    }

    #[tokio::test]
    async fn details_are_kept_in_order() {
        let err = ApiError::permission_denied("No.")
            .with_detail(json!({"@type": "a"}))
            .with_detail(json!({"@type": "b"}));
        let (_, _, body) = render(err).await;
        assert_eq!(
            body["error"]["details"],
            json!([{"@type": "a"}, {"@type": "b"}])
        );
    }

    #[test]
    fn codes_follow_googles_http_mapping() {
        for (code, http) in [
            (Code::InvalidArgument, 400),
            (Code::FailedPrecondition, 400),
            (Code::Unauthenticated, 401),
            (Code::PermissionDenied, 403),
            (Code::NotFound, 404),
            (Code::AlreadyExists, 409),
            (Code::ResourceExhausted, 429),
            (Code::Internal, 500),
            (Code::Unimplemented, 501),
            (Code::Unavailable, 503),
            (Code::DeadlineExceeded, 504),
        ] {
            assert_eq!(code.http_status().as_u16(), http, "{code:?}");
        }
        assert_eq!(
            Code::for_http_status(StatusCode::PAYLOAD_TOO_LARGE),
            Code::InvalidArgument
        );
    }
}
