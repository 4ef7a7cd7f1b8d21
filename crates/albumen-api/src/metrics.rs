//! Request metrics in Prometheus text format, labelled by route pattern (never the raw path,
//! which would explode the label space with ids and could carry capabilities). Names are
//! defined once, here. Who may read them: see [`MetricsAccess`] and ADR 0009.

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

use crate::error::{ApiError, Code};
use crate::state::AppState;

const REQUESTS_TOTAL: &str = "albumen_http_requests";
const REQUEST_SECONDS: &str = "albumen_http_request_duration_seconds";
/// The route label of requests that matched no route.
const UNMATCHED: &str = "unmatched";

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct RequestLabels {
    method: String,
    route: String,
    status: u16,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct RouteLabels {
    method: String,
    route: String,
}

/// The server's metric registry.
#[derive(Debug)]
pub struct Metrics {
    registry: Mutex<Registry>,
    requests: Family<RequestLabels, Counter>,
    durations: Family<RouteLabels, Histogram>,
}

impl Default for Metrics {
    fn default() -> Self {
        let requests = Family::<RequestLabels, Counter>::default();
        let durations = Family::<RouteLabels, Histogram>::new_with_constructor(|| {
            Histogram::new(exponential_buckets(0.0005, 2.0, 16))
        });
        let mut registry = Registry::default();
        registry.register(REQUESTS_TOTAL, "HTTP requests served", requests.clone());
        registry.register(
            REQUEST_SECONDS,
            "Time to produce a response, by route",
            durations.clone(),
        );
        Self {
            registry: Mutex::new(registry),
            requests,
            durations,
        }
    }
}

impl Metrics {
    fn observe(&self, method: &str, route: &str, status: u16, seconds: f64) {
        self.requests
            .get_or_create(&RequestLabels {
                method: method.to_owned(),
                route: route.to_owned(),
                status,
            })
            .inc();
        self.durations
            .get_or_create(&RouteLabels {
                method: method.to_owned(),
                route: route.to_owned(),
            })
            .observe(seconds);
    }

    /// The registry in Prometheus/OpenMetrics text.
    pub fn encode(&self) -> Result<String, std::fmt::Error> {
        let mut text = String::new();
        let registry = self
            .registry
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        prometheus_client::encoding::text::encode(&mut text, &registry)?;
        Ok(text)
    }
}

/// Records one request.
pub(crate) async fn record_request(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let method = request.method().as_str().to_owned();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or(UNMATCHED, MatchedPath::as_str)
        .to_owned();
    let started = std::time::Instant::now();
    let response = next.run(request).await;
    state.metrics.observe(
        &method,
        &route,
        response.status().as_u16(),
        started.elapsed().as_secs_f64(),
    );
    response
}

/// `GET /metrics`.
pub(crate) async fn get_metrics(State(state): State<AppState>) -> Response {
    match state.metrics.encode() {
        Ok(text) => (
            [(
                axum::http::header::CONTENT_TYPE,
                "application/openmetrics-text; version=1.0.0; charset=utf-8",
            )],
            text,
        )
            .into_response(),
        Err(err) => ApiError::internal(err).into_response(),
    }
}

/// Whether the main listener serves `/metrics`. They tell anyone who can read them how the
/// server is used, so by default they are served only on a listener of their own
/// ([`metrics_router`], bound by the binary when configured), never on the public one.
#[derive(Clone, Default)]
pub enum MetricsAccess {
    /// `/metrics` answers 404 on the main listener.
    #[default]
    Hidden,
    /// `/metrics` answers requests bearing `Authorization: Bearer <this token>`.
    BearerToken(Arc<str>),
}

impl std::fmt::Debug for MetricsAccess {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Hidden => "Hidden",
            Self::BearerToken(_) => "BearerToken([redacted])",
        })
    }
}

/// `GET /metrics` on the main listener behind `token`.
pub(crate) fn guarded_metrics(token: Arc<str>) -> MethodRouter<AppState> {
    get(move |state: State<AppState>, headers: HeaderMap| {
        let token = token.clone();
        async move {
            if bears_token(&headers, &token) {
                get_metrics(state).await
            } else {
                metrics_unauthenticated()
            }
        }
    })
}

fn bears_token(headers: &HeaderMap, token: &str) -> bool {
    use subtle::ConstantTimeEq;
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .is_some_and(|sent| bool::from(sent.as_bytes().ct_eq(token.as_bytes())))
}

fn metrics_unauthenticated() -> Response {
    let mut response = ApiError::new(
        Code::Unauthenticated,
        "Reading /metrics requires the metrics bearer token.",
    )
    .into_response();
    response.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static("Bearer realm=\"metrics\""),
    );
    response
}

/// The router of the metrics listener: `GET /metrics` and nothing else.
pub fn metrics_router(state: AppState) -> Router {
    Router::new()
        .route("/metrics", get(get_metrics))
        .fallback(|| async { ApiError::method_not_found() })
        .with_state(state)
}

#[cfg(test)]
mod tests {
    use axum::http::{HeaderMap, HeaderValue, header};

    use super::{MetricsAccess, bears_token};

    #[test]
    fn only_the_exact_bearer_token_reads_the_metrics() {
        let mut headers = HeaderMap::new();
        assert!(!bears_token(&headers, "s3cret"));
        for (sent, accepted) in [
            ("Bearer s3cret", true),
            ("Bearer s3cre", false),
            ("Bearer s3cret2", false),
            ("Basic s3cret", false),
        ] {
            headers.insert(header::AUTHORIZATION, HeaderValue::from_static(sent));
            assert_eq!(bears_token(&headers, "s3cret"), accepted, "{sent}");
        }
    }

    #[test]
    fn the_token_is_never_printed() {
        let access = MetricsAccess::BearerToken("s3cret".into());
        assert!(!format!("{access:?}").contains("s3cret"));
    }
}
