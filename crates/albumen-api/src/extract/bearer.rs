//! Authenticating Google API calls: the bearer token (header or `access_token` query
//! parameter) becomes a [`Caller`]; [`authorize_call`] then checks that the token's project
//! enabled the API and that the token carries one of the method's scopes, answering with
//! Google's 401 `UNAUTHENTICATED`, 403 `SERVICE_DISABLED` and 403 insufficient-scopes
//! envelopes.

use albumen_core::project::ApiService;
use albumen_oauth::introspect::{AccessContext, BearerError, ServiceDisabled, ServiceDisabledOr};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::error::{ApiError, Code};
use crate::oauth::form_bearer_token;
use crate::state::AppState;

/// The authenticated caller of an API method.
#[derive(Debug, Clone)]
pub struct Caller(pub AccessContext);

const UNAUTHENTICATED_MESSAGE: &str = "Request had invalid authentication credentials. \
     Expected OAuth 2 access token, login cookie or other valid authentication credential. \
     See https://developers.google.com/identity/sign-in/web/devconsole-project.";

const MISSING_MESSAGE: &str = "Request is missing required authentication credential. \
     Expected OAuth 2 access token, login cookie or other valid authentication credential. \
     See https://developers.google.com/identity/sign-in/web/devconsole-project.";

/// Google's 401 for an invalid, expired or revoked token.
pub fn unauthenticated(public_url: &str) -> Response {
    challenge(
        public_url,
        UNAUTHENTICATED_MESSAGE,
        "ACCESS_TOKEN_TYPE_UNSUPPORTED",
    )
}

/// Google's 401 when no token was sent at all.
pub fn credentials_missing(public_url: &str) -> Response {
    challenge(public_url, MISSING_MESSAGE, "CREDENTIALS_MISSING")
}

fn challenge(public_url: &str, message: &str, reason: &str) -> Response {
    let mut response = ApiError::new(Code::Unauthenticated, message)
        .with_detail(json!({
            "@type": "type.googleapis.com/google.rpc.ErrorInfo",
            "reason": reason,
            "domain": "googleapis.com",
        }))
        .into_response();
    let challenge = format!("Bearer realm=\"{public_url}/\", error=\"invalid_token\"");
    if let Ok(value) = HeaderValue::from_str(&challenge) {
        response
            .headers_mut()
            .insert(header::WWW_AUTHENTICATE, value);
    }
    response
}

/// Google's 403 for a token without any of the method's scopes.
pub fn insufficient_scopes() -> ApiError {
    ApiError::permission_denied("Request had insufficient authentication scopes.").with_detail(
        json!({
            "@type": "type.googleapis.com/google.rpc.ErrorInfo",
            "reason": "ACCESS_TOKEN_SCOPE_INSUFFICIENT",
            "domain": "googleapis.com",
        }),
    )
}

/// Google's 403 `SERVICE_DISABLED`, naming the project number and where to enable the API.
pub fn service_disabled(
    disabled: &ServiceDisabled,
    public_url: &str,
    project_id: &str,
) -> ApiError {
    let service = disabled.api.service_name();
    let number = disabled.project_number;
    let activation_url = format!("{public_url}/console/projects/{project_id}/apis");
    let message = format!(
        "{} has not been used in project {number} before or it is disabled. Enable it by \
         visiting {activation_url} then retry. If you enabled this API recently, wait a few \
         minutes for the action to propagate to our systems and retry.",
        disabled.api.title()
    );
    ApiError::permission_denied(message.clone())
        .with_detail(json!({
            "@type": "type.googleapis.com/google.rpc.ErrorInfo",
            "reason": "SERVICE_DISABLED",
            "domain": "googleapis.com",
            "metadata": {
                "service": service,
                "serviceTitle": disabled.api.title(),
                "activationUrl": activation_url,
                "consumer": format!("projects/{number}"),
                "containerInfo": number.to_string(),
            },
        }))
        .with_detail(json!({
            "@type": "type.googleapis.com/google.rpc.LocalizedMessage",
            "locale": "en-US",
            "message": message,
        }))
        .with_detail(json!({
            "@type": "type.googleapis.com/google.rpc.Help",
            "links": [{
                "description": "Google developers console API activation",
                "url": activation_url,
            }],
        }))
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let Some(token) = form_bearer_token(&parts.headers, parts.uri.query()) else {
            return Err(credentials_missing(&state.public_url));
        };
        match state.authority.authenticate_bearer(&token).await {
            Ok(context) => Ok(Caller(context)),
            Err(BearerError::Invalid) => Err(unauthenticated(&state.public_url)),
            Err(BearerError::Store(err)) => Err(ApiError::from(err).into_response()),
        }
    }
}

/// Checks that the caller's project enabled `api` and that the token has one of `any_of`.
pub async fn authorize_call(
    state: &AppState,
    caller: &Caller,
    api: ApiService,
    any_of: &[&str],
) -> Result<(), ApiError> {
    match state.authority.require_api(&caller.0, api).await {
        Ok(()) => {}
        Err(ServiceDisabledOr::Disabled(disabled)) => {
            return Err(service_disabled(
                &disabled,
                &state.public_url,
                &caller.0.project.id,
            ));
        }
        Err(ServiceDisabledOr::Store(err)) => return Err(err.into()),
    }
    if any_of.iter().any(|scope| caller.0.scopes.contains(scope)) {
        Ok(())
    } else {
        Err(insufficient_scopes())
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use albumen_blob::BlobStore;
    use albumen_core::client::ClientType;
    use albumen_core::{Clock, FakeClock};
    use albumen_oauth::rules::scope::ScopeSet;
    use albumen_oauth::{Authority, AuthoritySettings, keys};
    use albumen_store::{ConnectOptions, DatabaseTarget, SqlStore};
    use axum::Router;
    use axum::body::{Body, to_bytes};
    use axum::extract::State;
    use axum::http::{Request, StatusCode};
    use axum::routing::get;
    use axum_extra::extract::cookie::Key;
    use serde_json::Value;
    use tower::ServiceExt;

    use super::*;
    use crate::metrics::Metrics;

    const APPEND: &str = "https://www.googleapis.com/auth/photoslibrary.appendonly";

    /// A probe method guarded like a Library API method that needs `appendonly`.
    async fn probe(State(state): State<AppState>, caller: Caller) -> Response {
        match authorize_call(&state, &caller, ApiService::PhotosLibrary, &[APPEND]).await {
            Ok(()) => "ok".into_response(),
            Err(err) => err.into_response(),
        }
    }

    struct Fixture {
        app: Router,
        state: AppState,
        _dir: tempfile::TempDir,
    }

    async fn fixture() -> Fixture {
        let dir = tempfile::TempDir::new().unwrap();
        let sql = SqlStore::connect(
            &DatabaseTarget::SqliteFile(dir.path().join("db")),
            ConnectOptions::default(),
        )
        .await
        .unwrap();
        sql.migrate().await.unwrap();
        let store: Arc<dyn albumen_core::ports::MetadataStore> = Arc::new(sql);
        let clock: Arc<dyn Clock> =
            Arc::new(FakeClock::new(time::macros::datetime!(2026-01-01 0:00 UTC)));
        keys::ensure_signing_key(store.as_ref(), clock.as_ref())
            .await
            .unwrap();
        let public_url = "http://photos.test".to_owned();
        let blobs = BlobStore::local(dir.path().join("blobs")).unwrap();
        let renditions = albumen_library::renditions::Renditions::open(
            store.clone(),
            clock.clone(),
            blobs.clone(),
            albumen_library::renditions::RenditionSettings {
                cache_dir: dir.path().join("renditions"),
                cache_max_bytes: 1 << 20,
                workers: 1,
                scratch_dir: dir.path().join("scratch"),
            },
            albumen_library::renditions::tools::Tools::none(),
        )
        .await
        .unwrap();
        let state = AppState {
            authority: Arc::new(Authority::new(
                store.clone(),
                clock.clone(),
                public_url.clone(),
                AuthoritySettings::default(),
            )),
            quotas: Arc::new(albumen_library::quota::QuotaLedger::new(store.clone())),
            store,
            blobs,
            clock,
            metrics: Arc::new(Metrics::default()),
            cookie_key: Key::generate(),
            library: albumen_library::profile::LibrarySettings::default(),
            base_urls: albumen_library::base_url::BaseUrlSigner::new([7; 32]),
            video_jobs: Arc::default(),
            renditions,
            fetches: Arc::default(),
            public_url,
        };
        let app = Router::new()
            .route("/probe", get(probe))
            .with_state(state.clone());
        Fixture {
            app,
            state,
            _dir: dir,
        }
    }

    /// A token for a new user of a new project's desktop client, with `scopes`.
    async fn token(
        state: &AppState,
        project_id: &str,
        scopes: &str,
        enable_library: bool,
    ) -> (String, i64) {
        let authority = &state.authority;
        let user = authority
            .create_user(&format!("{project_id}@example.com"), "Probe", None, true)
            .await
            .unwrap();
        let project = authority
            .create_project(&user, project_id, "Probe")
            .await
            .unwrap();
        if enable_library {
            authority
                .set_api_enabled(&user, project_id, ApiService::PhotosLibrary, true)
                .await
                .unwrap();
        }
        let client = authority
            .create_client(&user, project_id, ClientType::Desktop, "Probe", &[], &[])
            .await
            .unwrap();
        let minted = authority
            .mint_tokens(
                &user,
                &client.client.client_id,
                &ScopeSet::parse(scopes).unwrap(),
            )
            .await
            .unwrap();
        (minted.access_token, project.number)
    }

    async fn call(
        app: &Router,
        request: Request<Body>,
    ) -> (StatusCode, axum::http::HeaderMap, Value) {
        let response = app.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let body = to_bytes(response.into_body(), 1 << 20).await.unwrap();
        let json = serde_json::from_slice(&body).unwrap_or(Value::Null);
        (status, headers, json)
    }

    fn get_with(auth: Option<&str>, uri: &str) -> Request<Body> {
        let mut builder = Request::get(uri);
        if let Some(token) = auth {
            builder = builder.header("authorization", format!("Bearer {token}"));
        }
        builder.body(Body::empty()).unwrap()
    }

    #[tokio::test]
    async fn a_missing_or_unknown_token_is_googles_401() {
        let fixture = fixture().await;
        let cases = [
            (
                get_with(None, "/probe"),
                "Request is missing required authentication credential.",
                "CREDENTIALS_MISSING",
            ),
            (
                get_with(Some("ya29.unknown"), "/probe"),
                "Request had invalid authentication credentials.",
                "ACCESS_TOKEN_TYPE_UNSUPPORTED",
            ),
        ];
        for (request, opening, reason) in cases {
            let (status, headers, body) = call(&fixture.app, request).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED);
            assert_eq!(body["error"]["status"], "UNAUTHENTICATED");
            assert!(
                body["error"]["message"]
                    .as_str()
                    .unwrap()
                    .starts_with(opening)
            );
            assert_eq!(body["error"]["details"][0]["reason"], reason);
            assert_eq!(
                headers["www-authenticate"],
                "Bearer realm=\"http://photos.test/\", error=\"invalid_token\""
            );
        }
    }

    #[tokio::test]
    async fn a_token_of_a_project_without_the_api_gets_service_disabled() {
        let fixture = fixture().await;
        let (access, number) = token(&fixture.state, "no-library-here", APPEND, false).await;
        let (status, _, body) = call(&fixture.app, get_with(Some(&access), "/probe")).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert_eq!(body["error"]["status"], "PERMISSION_DENIED");
        let message = body["error"]["message"].as_str().unwrap();
        assert!(
            message.starts_with(&format!(
                "Photos Library API has not been used in project {number} before or it is disabled."
            )),
            "{message}"
        );
        let info = &body["error"]["details"][0];
        assert_eq!(info["@type"], "type.googleapis.com/google.rpc.ErrorInfo");
        assert_eq!(info["reason"], "SERVICE_DISABLED");
        assert_eq!(info["metadata"]["service"], "photoslibrary.googleapis.com");
        assert_eq!(info["metadata"]["consumer"], format!("projects/{number}"));
        assert_eq!(
            body["error"]["details"][2]["@type"],
            "type.googleapis.com/google.rpc.Help"
        );
    }

    #[tokio::test]
    async fn a_token_without_the_methods_scope_gets_insufficient_scopes() {
        let fixture = fixture().await;
        let (access, _) = token(&fixture.state, "library-on", "openid email", true).await;
        let (status, _, body) = call(&fixture.app, get_with(Some(&access), "/probe")).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert_eq!(
            body["error"]["message"],
            "Request had insufficient authentication scopes."
        );
        assert_eq!(body["error"]["status"], "PERMISSION_DENIED");
        assert_eq!(
            body["error"]["details"][0]["reason"],
            "ACCESS_TOKEN_SCOPE_INSUFFICIENT"
        );
    }

    #[tokio::test]
    async fn a_good_token_passes_by_header_or_query_and_dies_with_its_hour() {
        let fixture = fixture().await;
        let (access, _) = token(&fixture.state, "library-ok", APPEND, true).await;
        let by_header = fixture
            .app
            .clone()
            .oneshot(get_with(Some(&access), "/probe"))
            .await
            .unwrap();
        assert_eq!(by_header.status(), StatusCode::OK);
        let by_query = fixture
            .app
            .clone()
            .oneshot(get_with(None, &format!("/probe?access_token={access}")))
            .await
            .unwrap();
        assert_eq!(by_query.status(), StatusCode::OK);
    }
}
