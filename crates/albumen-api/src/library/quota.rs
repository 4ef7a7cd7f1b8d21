//! Charging Library API calls and base-URL byte fetches against the caller's project quotas
//! (`albumen_library::quota`), and Google's 429 `RESOURCE_EXHAUSTED` for a refusal.
//!
//! The refusal's shape follows what Google's quota system sends for this very service, as
//! quoted in Byron/google-apis-rs#391 (a Photos Library `ReadsPerMinutePerUser` refusal): the
//! message names the metric, limit, service and `project_number:<N>`; one
//! `google.rpc.ErrorInfo` with reason `RATE_LIMIT_EXCEEDED`, domain `googleapis.com` and
//! metadata `quota_metric`, `quota_limit`, `quota_limit_value` (a string), `consumer`
//! (`projects/<N>`), `service` and `quota_location`; then a `google.rpc.Help` link to
//! request more quota, here the project's quota page in this server's console.

use albumen_core::project::Project;
use albumen_core::quota::QuotaMetric;
use albumen_library::quota::QuotaError;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::error::{ApiError, Code};
use crate::extract::bearer::Caller;
use crate::state::AppState;
use crate::wire::json_response;

const SERVICE: &str = "photoslibrary.googleapis.com";

/// How Google names a metric and its limit: in the message, then in the metadata.
struct QuotaNames {
    message_metric: &'static str,
    message_limit: &'static str,
    metric: &'static str,
    limit: &'static str,
}

fn names(metric: QuotaMetric) -> QuotaNames {
    match metric {
        QuotaMetric::RequestsPerDay => QuotaNames {
            message_metric: "All requests",
            message_limit: "All requests per day",
            metric: "photoslibrary.googleapis.com/all_requests",
            limit: "ApiCallsPerProjectPerDay",
        },
        // Google's write-rate refusals name the metric and limit by their ids.
        QuotaMetric::WritesPerMinutePerUser => QuotaNames {
            message_metric: "photoslibrary.googleapis.com/write_requests",
            message_limit: "WritesPerMinutePerUser",
            metric: "photoslibrary.googleapis.com/write_requests",
            limit: "WritesPerMinutePerUser",
        },
        // No refusal of base-URL fetches has been quoted; these names follow the others.
        QuotaMetric::MediaBytesPerDay => QuotaNames {
            message_metric: "Media bytes requests",
            message_limit: "Media bytes requests per day",
            metric: "photoslibrary.googleapis.com/media_bytes_requests",
            limit: "MediaBytesRequestsPerProjectPerDay",
        },
    }
}

/// Google's 429 for `project` having used all of `metric`'s `limit`.
pub(crate) fn quota_exceeded(
    public_url: &str,
    project: &Project,
    metric: QuotaMetric,
    limit: u64,
) -> ApiError {
    let names = names(metric);
    let number = project.number;
    let message = format!(
        "Quota exceeded for quota metric '{}' and limit '{}' of service '{SERVICE}' for \
         consumer 'project_number:{number}'.",
        names.message_metric, names.message_limit
    );
    let quota_page = format!("{public_url}/console/projects/{}/quotas", project.id);
    ApiError::new(Code::ResourceExhausted, message)
        .with_detail(json!({
            "@type": "type.googleapis.com/google.rpc.ErrorInfo",
            "reason": "RATE_LIMIT_EXCEEDED",
            "domain": "googleapis.com",
            "metadata": {
                "quota_metric": names.metric,
                "quota_limit": names.limit,
                "quota_limit_value": limit.to_string(),
                "consumer": format!("projects/{number}"),
                "service": SERVICE,
                "quota_location": "global",
            },
        }))
        .with_detail(json!({
            "@type": "type.googleapis.com/google.rpc.Help",
            "links": [{"description": "Request a higher quota limit.", "url": quota_page}],
        }))
}

fn refusal(state: &AppState, project: &Project, err: QuotaError) -> ApiError {
    match err {
        QuotaError::Exceeded { metric, limit } => {
            quota_exceeded(&state.public_url, project, metric, limit)
        }
        QuotaError::Store(err) => err.into(),
        // Charging never validates limits; kept apart from the store so a bug shows as one.
        QuotaError::Invalid { .. } => ApiError::internal(err),
    }
}

/// Charges one Library API call of the caller (uploads included; `write` for a call that
/// creates or changes something). Call it right after `authorize_call`.
pub(crate) async fn charge_library_request(
    state: &AppState,
    caller: &Caller,
    write: bool,
) -> Result<(), ApiError> {
    let context = &caller.0;
    state
        .quotas
        .charge_library_request(
            state.clock.now(),
            &context.project.id,
            &context.user.id,
            write,
        )
        .await
        .map_err(|err| refusal(state, &context.project, err))
}

/// Charges one media-byte request through a base URL against `project`'s daily limit.
pub(crate) async fn charge_media_bytes(
    state: &AppState,
    project: &Project,
) -> Result<(), ApiError> {
    state
        .quotas
        .charge_media_bytes(state.clock.now(), &project.id)
        .await
        .map_err(|err| refusal(state, project, err))
}

/// A refusal at `/v1/uploads`: an exhausted quota in the upload endpoint's own unwrapped
/// body (`{"code": 8, "message": ...}`, 8 being `RESOURCE_EXHAUSTED`) with status 429; any
/// other failure in the envelope, as the endpoint answers store failures elsewhere.
pub(crate) fn upload_refusal(err: ApiError) -> Response {
    if err.code() == Code::ResourceExhausted {
        json_response(err.status(), &json!({"code": 8, "message": err.message()}))
    } else {
        err.into_response()
    }
}

#[cfg(test)]
mod tests {
    use axum::body::to_bytes;
    use serde_json::Value;
    use time::macros::datetime;

    use super::*;

    #[tokio::test]
    async fn a_refusal_carries_errorinfo_and_a_help_link_as_google_sends_them() {
        let project = Project {
            id: "my-app".into(),
            number: 123_456_789_012,
            name: "My app".into(),
            created_at: datetime!(2026-01-01 00:00 UTC),
        };
        let response = quota_exceeded(
            "https://photos.example.com",
            &project,
            QuotaMetric::RequestsPerDay,
            10_000,
        )
        .into_response();
        assert_eq!(response.status().as_u16(), 429);
        let body = to_bytes(response.into_body(), 1 << 16).await.unwrap();
        let body: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(
            body,
            json!({"error": {
                "code": 429,
                "message": "Quota exceeded for quota metric 'All requests' and limit 'All \
                    requests per day' of service 'photoslibrary.googleapis.com' for consumer \
                    'project_number:123456789012'.",
                "status": "RESOURCE_EXHAUSTED",
                "details": [
                    {
                        "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                        "reason": "RATE_LIMIT_EXCEEDED",
                        "domain": "googleapis.com",
                        "metadata": {
                            "quota_metric": "photoslibrary.googleapis.com/all_requests",
                            "quota_limit": "ApiCallsPerProjectPerDay",
                            "quota_limit_value": "10000",
                            "consumer": "projects/123456789012",
                            "service": "photoslibrary.googleapis.com",
                            "quota_location": "global",
                        },
                    },
                    {
                        "@type": "type.googleapis.com/google.rpc.Help",
                        "links": [{
                            "description": "Request a higher quota limit.",
                            "url": "https://photos.example.com/console/projects/my-app/quotas",
                        }],
                    },
                ],
            }})
        );
    }

    #[test]
    fn the_upload_endpoint_answers_an_exhausted_quota_unwrapped() {
        let err = ApiError::new(Code::ResourceExhausted, "Quota exceeded.");
        let response = upload_refusal(err);
        assert_eq!(response.status().as_u16(), 429);
        let other = upload_refusal(ApiError::unavailable());
        assert_eq!(other.status().as_u16(), 503);
    }
}
