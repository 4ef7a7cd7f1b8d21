//! The console's JSON admin API under `/console/api/v1`, for scripts: the same operations as
//! the console pages and the CLI, authenticated with HTTP Basic (email and password, with
//! sign-in throttling) and answering in Google's JSON error envelope.

use std::net::SocketAddr;

use albumen_core::Page;
use albumen_core::client::{ClientType, OAuthClient};
use albumen_core::consent::{ConsentScreen, PublishingStatus, UserType, VerificationStatus};
use albumen_core::project::{ApiService, Project};
use albumen_core::quota::QuotaLimits;
use albumen_core::user::User;
use albumen_library::quota::{self, QuotaError, QuotaUsage};
use albumen_oauth::accounts::{AccountError, SignInError};
use albumen_oauth::console::{ConsentSettings, ConsoleError};
use axum::extract::{ConnectInfo, FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::error::{ApiError, Code};
use crate::state::AppState;
use crate::wire::json_response;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/console/api/v1/projects",
            get(list_projects).post(create_project),
        )
        .route("/console/api/v1/projects/{project_id}", get(get_project))
        .route(
            "/console/api/v1/projects/{project_id}/owners",
            get(list_owners).post(add_owner),
        )
        .route(
            "/console/api/v1/projects/{project_id}/services",
            get(list_services),
        )
        .route(
            "/console/api/v1/projects/{project_id}/services/{service}/enable",
            post(enable_service),
        )
        .route(
            "/console/api/v1/projects/{project_id}/services/{service}/disable",
            post(disable_service),
        )
        .route(
            "/console/api/v1/projects/{project_id}/clients",
            get(list_clients).post(create_client),
        )
        .route(
            "/console/api/v1/projects/{project_id}/consent",
            get(get_consent).put(put_consent),
        )
        .route(
            "/console/api/v1/projects/{project_id}/quotas",
            get(get_quotas).put(put_quotas),
        )
        .route("/console/api/v1/clients/{client_id}", delete(delete_client))
        .route(
            "/console/api/v1/clients/{client_id}/secrets",
            post(add_secret),
        )
        .route("/console/api/v1/users", get(list_users).post(create_user))
}

/// The user behind the request's HTTP Basic credentials.
struct Admin(User);

impl FromRequestParts<AppState> for Admin {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let challenge = || {
            let mut response = ApiError::new(
                Code::Unauthenticated,
                "Valid console credentials are required.",
            )
            .into_response();
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Basic realm=\"albumen-console\""),
            );
            response
        };
        let credentials = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Basic "))
            .and_then(|v| STANDARD.decode(v.trim()).ok())
            .and_then(|v| String::from_utf8(v).ok());
        let Some((email, password)) = credentials.as_deref().and_then(|c| c.split_once(':')) else {
            return Err(challenge());
        };
        let address = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map_or_else(|| "unknown".to_owned(), |info| info.0.ip().to_string());
        match state
            .authority
            .verify_credentials(email, password.to_owned(), &address)
            .await
        {
            Ok(user) => Ok(Admin(user)),
            Err(SignInError::Throttled) => Err(ApiError::new(
                Code::ResourceExhausted,
                "Too many failed attempts. Try again later.",
            )
            .into_response()),
            Err(SignInError::Store(err)) => Err(ApiError::from(err).into_response()),
            Err(_) => Err(challenge()),
        }
    }
}

fn console_error(err: ConsoleError) -> ApiError {
    match err {
        ConsoleError::Invalid { field, message } => ApiError::invalid_argument(message.clone())
            .with_detail(json!({
                "@type": "type.googleapis.com/google.rpc.BadRequest",
                "fieldViolations": [{"field": field, "description": message}],
            })),
        ConsoleError::NotFound => ApiError::not_found("Requested entity was not found."),
        ConsoleError::Forbidden => {
            ApiError::permission_denied("The caller does not have permission")
        }
        ConsoleError::Store(err) => err.into(),
    }
}

fn account_error(err: AccountError) -> ApiError {
    match err {
        AccountError::Store(err) => err.into(),
        AccountError::NotFound => ApiError::not_found("Requested entity was not found."),
        AccountError::LastAdministrator => ApiError::new(Code::FailedPrecondition, err.to_string()),
        AccountError::EmailTaken => ApiError::new(Code::AlreadyExists, err.to_string()),
        other => ApiError::invalid_argument(other.to_string()),
    }
}

fn project_json(project: &Project) -> Value {
    json!({
        "projectId": project.id,
        "projectNumber": project.number.to_string(),
        "name": project.name,
        "createTime": project.created_at.unix_timestamp(),
    })
}

fn client_json(client: &OAuthClient) -> Value {
    json!({
        "clientId": client.client_id,
        "projectId": client.project_id,
        "name": client.name,
        "type": client.client_type.as_str(),
        "redirectUris": client.redirect_uris,
        "javascriptOrigins": client.javascript_origins,
    })
}

fn consent_json(screen: &ConsentScreen) -> Value {
    json!({
        "appName": screen.app_name,
        "supportEmail": screen.support_email,
        "logoUrl": screen.logo_url,
        "userType": screen.user_type.as_str(),
        "publishingStatus": screen.publishing_status.as_str(),
        "verificationStatus": screen.verification_status.as_str(),
        "testUsers": screen.test_users.iter().map(|e| e.as_str()).collect::<Vec<_>>(),
    })
}

fn ok(value: &Value) -> Response {
    json_response(StatusCode::OK, value)
}

type Answer = Result<Response, ApiError>;

async fn list_projects(State(state): State<AppState>, Admin(user): Admin) -> Answer {
    let projects = state.authority.projects_of(&user.id).await?;
    Ok(ok(
        &json!({ "projects": projects.iter().map(project_json).collect::<Vec<_>>() }),
    ))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct NewProjectBody {
    project_id: String,
    name: Option<String>,
}

async fn create_project(
    State(state): State<AppState>,
    Admin(user): Admin,
    Json(body): Json<NewProjectBody>,
) -> Answer {
    let name = body.name.unwrap_or_else(|| body.project_id.clone());
    let project = state
        .authority
        .create_project(&user, &body.project_id, &name)
        .await
        .map_err(console_error)?;
    Ok(ok(&project_json(&project)))
}

async fn get_project(
    State(state): State<AppState>,
    Admin(user): Admin,
    Path(project_id): Path<String>,
) -> Answer {
    let project = state
        .authority
        .project_for(&user, &project_id)
        .await
        .map_err(console_error)?;
    Ok(ok(&project_json(&project)))
}

async fn list_owners(
    State(state): State<AppState>,
    Admin(user): Admin,
    Path(project_id): Path<String>,
) -> Answer {
    state
        .authority
        .project_for(&user, &project_id)
        .await
        .map_err(console_error)?;
    let owners = state.authority.project_owners(&project_id).await?;
    let emails: Vec<&str> = owners.iter().map(|o| o.email.as_str()).collect();
    Ok(ok(&json!({ "owners": emails })))
}

#[derive(Debug, Deserialize)]
struct OwnerBody {
    email: String,
}

async fn add_owner(
    State(state): State<AppState>,
    Admin(user): Admin,
    Path(project_id): Path<String>,
    Json(body): Json<OwnerBody>,
) -> Answer {
    let owner = state
        .authority
        .add_project_owner(&user, &project_id, &body.email)
        .await
        .map_err(console_error)?;
    Ok(ok(&json!({ "owner": owner.email.as_str() })))
}

async fn list_services(
    State(state): State<AppState>,
    Admin(user): Admin,
    Path(project_id): Path<String>,
) -> Answer {
    state
        .authority
        .project_for(&user, &project_id)
        .await
        .map_err(console_error)?;
    let enabled = state.authority.enabled_apis(&project_id).await?;
    let services: Vec<Value> = ApiService::ALL
        .iter()
        .map(|api| json!({"name": api.service_name(), "title": api.title(), "enabled": enabled.contains(api)}))
        .collect();
    Ok(ok(&json!({ "services": services })))
}

async fn set_service(
    state: &AppState,
    user: &User,
    project_id: &str,
    service: &str,
    enabled: bool,
) -> Answer {
    let api = ApiService::from_service_name(service)
        .ok_or_else(|| ApiError::not_found(format!("Service {service} is not known.")))?;
    state
        .authority
        .set_api_enabled(user, project_id, api, enabled)
        .await
        .map_err(console_error)?;
    Ok(ok(&json!({"name": api.service_name(), "enabled": enabled})))
}

async fn enable_service(
    State(state): State<AppState>,
    Admin(user): Admin,
    Path((project_id, service)): Path<(String, String)>,
) -> Answer {
    set_service(&state, &user, &project_id, &service, true).await
}

async fn disable_service(
    State(state): State<AppState>,
    Admin(user): Admin,
    Path((project_id, service)): Path<(String, String)>,
) -> Answer {
    set_service(&state, &user, &project_id, &service, false).await
}

async fn list_clients(
    State(state): State<AppState>,
    Admin(user): Admin,
    Path(project_id): Path<String>,
) -> Answer {
    state
        .authority
        .project_for(&user, &project_id)
        .await
        .map_err(console_error)?;
    let mut clients = Vec::new();
    for client in state.authority.clients_of(&project_id).await? {
        let secrets: Vec<Value> = state
            .authority
            .client_secrets(&client.client_id)
            .await?
            .iter()
            .map(|s| json!({"id": s.id, "lastFour": s.last_four, "enabled": s.disabled_at.is_none()}))
            .collect();
        let mut entry = client_json(&client);
        if let Some(map) = entry.as_object_mut() {
            map.insert("secrets".into(), json!(secrets));
        }
        clients.push(entry);
    }
    Ok(ok(&json!({ "clients": clients })))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct NewClientBody {
    #[serde(rename = "type")]
    client_type: String,
    name: Option<String>,
    #[serde(default)]
    redirect_uris: Vec<String>,
    #[serde(default)]
    javascript_origins: Vec<String>,
}

async fn create_client(
    State(state): State<AppState>,
    Admin(user): Admin,
    Path(project_id): Path<String>,
    Json(body): Json<NewClientBody>,
) -> Answer {
    let client_type = ClientType::parse(&body.client_type)
        .ok_or_else(|| ApiError::invalid_argument("type must be web, desktop or tv."))?;
    let name = body.name.unwrap_or_else(|| client_type.title().to_owned());
    let created = state
        .authority
        .create_client(
            &user,
            &project_id,
            client_type,
            &name,
            &body.redirect_uris,
            &body.javascript_origins,
        )
        .await
        .map_err(console_error)?;
    let project = state
        .authority
        .project_for(&user, &project_id)
        .await
        .map_err(console_error)?;
    let file = state
        .authority
        .client_secret_json(&project, &created.client, Some(&created.secret));
    let mut answer = client_json(&created.client);
    if let Some(map) = answer.as_object_mut() {
        map.insert("clientSecret".into(), json!(created.secret));
        map.insert("clientSecretJson".into(), file);
    }
    Ok(ok(&answer))
}

async fn delete_client(
    State(state): State<AppState>,
    Admin(user): Admin,
    Path(client_id): Path<String>,
) -> Answer {
    state
        .authority
        .delete_client(&user, &client_id)
        .await
        .map_err(console_error)?;
    Ok(ok(&json!({})))
}

async fn add_secret(
    State(state): State<AppState>,
    Admin(user): Admin,
    Path(client_id): Path<String>,
) -> Answer {
    let secret = state
        .authority
        .add_client_secret(&user, &client_id)
        .await
        .map_err(console_error)?;
    Ok(ok(
        &json!({ "clientId": client_id, "clientSecret": secret }),
    ))
}

async fn get_consent(
    State(state): State<AppState>,
    Admin(user): Admin,
    Path(project_id): Path<String>,
) -> Answer {
    state
        .authority
        .project_for(&user, &project_id)
        .await
        .map_err(console_error)?;
    Ok(ok(&consent_json(
        &state.authority.consent_screen(&project_id).await?,
    )))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ConsentBody {
    app_name: Option<String>,
    support_email: Option<String>,
    logo_url: Option<String>,
    user_type: Option<String>,
    publishing_status: Option<String>,
    verification_status: Option<String>,
    test_users: Option<Vec<String>>,
}

/// Fields left out keep their current values.
async fn put_consent(
    State(state): State<AppState>,
    Admin(user): Admin,
    Path(project_id): Path<String>,
    Json(body): Json<ConsentBody>,
) -> Answer {
    state
        .authority
        .project_for(&user, &project_id)
        .await
        .map_err(console_error)?;
    let current = state.authority.consent_screen(&project_id).await?;
    let bad = |field: &str| ApiError::invalid_argument(format!("Invalid value for {field}."));
    let settings = ConsentSettings {
        app_name: body.app_name.unwrap_or(current.app_name),
        support_email: body.support_email.unwrap_or(current.support_email),
        logo_url: body.logo_url.or(current.logo_url),
        user_type: match body.user_type {
            Some(raw) => UserType::parse(&raw).ok_or_else(|| bad("userType"))?,
            None => current.user_type,
        },
        publishing_status: match body.publishing_status {
            Some(raw) => PublishingStatus::parse(&raw).ok_or_else(|| bad("publishingStatus"))?,
            None => current.publishing_status,
        },
        test_users: body.test_users.unwrap_or_else(|| {
            current
                .test_users
                .iter()
                .map(|e| e.as_str().to_owned())
                .collect()
        }),
        verification_status: match body.verification_status {
            Some(raw) => {
                Some(VerificationStatus::parse(&raw).ok_or_else(|| bad("verificationStatus"))?)
            }
            None => None,
        },
    };
    let screen = state
        .authority
        .set_consent_screen(&user, &project_id, settings)
        .await
        .map_err(console_error)?;
    Ok(ok(&consent_json(&screen)))
}

fn quotas_json(usage: &QuotaUsage) -> Value {
    json!({
        "requestsPerDay": usage.limits.requests_per_day,
        "mediaBytesPerDay": usage.limits.media_bytes_per_day,
        "writesPerMinutePerUser": usage.limits.writes_per_minute_per_user,
        "custom": usage.custom,
        "usage": {
            "requestsToday": usage.requests_today,
            "mediaBytesToday": usage.media_bytes_today,
        },
        "dayStartTime": usage.day.start.unix_timestamp(),
        "resetTime": usage.day.end.unix_timestamp(),
    })
}

async fn get_quotas(
    State(state): State<AppState>,
    Admin(user): Admin,
    Path(project_id): Path<String>,
) -> Answer {
    let project = state
        .authority
        .project_for(&user, &project_id)
        .await
        .map_err(console_error)?;
    let usage = state.quotas.usage(state.clock.now(), &project.id).await?;
    Ok(ok(&quotas_json(&usage)))
}

/// Each limit as a JSON number or a numeric string; left out keeps the current value.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct QuotasBody {
    requests_per_day: Option<Value>,
    media_bytes_per_day: Option<Value>,
    writes_per_minute_per_user: Option<Value>,
}

fn limit_value(field: &'static str, value: Option<Value>, current: u64) -> Result<u64, QuotaError> {
    match value {
        None => Ok(current),
        Some(Value::String(raw)) => quota::parse_limit(field, &raw),
        Some(other) => quota::parse_limit(field, &other.to_string()),
    }
}

fn quota_error(err: QuotaError) -> ApiError {
    match err {
        QuotaError::Invalid { field, message } => {
            let field = match field {
                "requests_per_day" => "requestsPerDay",
                "media_bytes_per_day" => "mediaBytesPerDay",
                _ => "writesPerMinutePerUser",
            };
            console_error(ConsoleError::Invalid {
                field: field.to_owned(),
                message,
            })
        }
        QuotaError::Store(err) => err.into(),
        QuotaError::Exceeded { .. } => ApiError::internal(err),
    }
}

async fn put_quotas(
    State(state): State<AppState>,
    Admin(user): Admin,
    Path(project_id): Path<String>,
    Json(body): Json<QuotasBody>,
) -> Answer {
    let project = state
        .authority
        .project_for(&user, &project_id)
        .await
        .map_err(console_error)?;
    let store = state.store.as_ref();
    let current = quota::limits_of(store, &project.id).await?;
    let limits = QuotaLimits {
        requests_per_day: limit_value(
            "requests_per_day",
            body.requests_per_day,
            current.requests_per_day,
        )
        .map_err(quota_error)?,
        media_bytes_per_day: limit_value(
            "media_bytes_per_day",
            body.media_bytes_per_day,
            current.media_bytes_per_day,
        )
        .map_err(quota_error)?,
        writes_per_minute_per_user: limit_value(
            "writes_per_minute_per_user",
            body.writes_per_minute_per_user,
            current.writes_per_minute_per_user,
        )
        .map_err(quota_error)?,
    };
    quota::set_limits(store, &project.id, limits)
        .await
        .map_err(quota_error)?;
    let usage = state.quotas.usage(state.clock.now(), &project.id).await?;
    Ok(ok(&quotas_json(&usage)))
}

fn require_admin(user: &User) -> Result<(), ApiError> {
    if user.is_admin {
        Ok(())
    } else {
        Err(ApiError::permission_denied(
            "The caller does not have permission",
        ))
    }
}

async fn list_users(State(state): State<AppState>, Admin(user): Admin) -> Answer {
    require_admin(&user)?;
    let users = state
        .authority
        .list_users(&Page::first(Page::MAX_SIZE))
        .await?;
    let listed: Vec<Value> = users
        .items
        .iter()
        .map(|u| json!({"id": u.id.as_str(), "email": u.email.as_str(), "displayName": u.display_name.as_str(), "admin": u.is_admin, "disabled": u.disabled}))
        .collect();
    Ok(ok(&json!({ "users": listed })))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct NewUserBody {
    email: String,
    display_name: Option<String>,
    password: Option<String>,
    #[serde(default)]
    admin: bool,
}

async fn create_user(
    State(state): State<AppState>,
    Admin(user): Admin,
    Json(body): Json<NewUserBody>,
) -> Answer {
    require_admin(&user)?;
    let name = body
        .display_name
        .unwrap_or_else(|| body.email.split('@').next().unwrap_or_default().to_owned());
    let created = state
        .authority
        .create_user(&body.email, &name, body.password, body.admin)
        .await
        .map_err(account_error)?;
    Ok(ok(
        &json!({"id": created.id.as_str(), "email": created.email.as_str(), "admin": created.is_admin}),
    ))
}
