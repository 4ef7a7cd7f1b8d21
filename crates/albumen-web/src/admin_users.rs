//! `/admin/users`: administrators list, create, disable, enable and delete accounts.
//! Everyone else gets a 403 page; an administrator cannot disable or delete themselves.

use albumen_api::AppState;
use albumen_core::user::{User, UserId};
use albumen_core::{Page, Paged};
use albumen_oauth::accounts::AccountError;
use albumen_oauth::password::PasswordError;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum_extra::extract::Form;
use maud::{Markup, html};
use serde::Deserialize;

use crate::console::shared::{
    Failure, FieldError, Reply, csrf_input, csrf_ok, day, enable_toggle, error_above, error_under,
    forbidden, not_found, page, store_failure,
};
use crate::csrf;
use crate::layout::internal_error_page;
use crate::session::SignedIn;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/users", get(get_users).post(post_user))
        .route("/admin/users/{user_id}/{action}", post(post_action))
}

#[derive(Debug, Default, Deserialize)]
struct ListQuery {
    after: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct UserForm {
    csrf_token: Option<String>,
    #[serde(default)]
    email: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    password: String,
    is_admin: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct ActionForm {
    csrf_token: Option<String>,
    confirm: Option<String>,
}

const FIELDS: [&str; 4] = ["email", "display_name", "password", "is_admin"];

fn require_admin(signed_in: &SignedIn) -> Result<(), Failure> {
    if signed_in.user.is_admin {
        Ok(())
    } else {
        Err(forbidden("Only administrators can manage users.").into())
    }
}

/// A field error for `err`, or the page for a failure no form field explains.
fn account_problem(err: AccountError) -> Result<FieldError, Failure> {
    match err {
        AccountError::Invalid(invalid) => {
            let what = match invalid.field {
                "display_name" => "The name",
                _ => "The email address",
            };
            Ok(FieldError::new(
                invalid.field,
                format!("{what} {}.", invalid.reason),
            ))
        }
        AccountError::EmailTaken => Ok(FieldError::new(
            "email",
            "An account with this email already exists.",
        )),
        AccountError::Password(PasswordError::Unacceptable) => Ok(FieldError::new(
            "password",
            "The password must be 8 to 200 characters.",
        )),
        AccountError::NotFound => Err(not_found().into()),
        AccountError::LastAdministrator => Ok(FieldError::new(
            "user",
            AccountError::LastAdministrator.to_string(),
        )),
        other => {
            tracing::error!(error = %other, "user administration failed");
            Err(internal_error_page().into())
        }
    }
}

fn user_row(signed_in: &SignedIn, user: &User) -> Markup {
    let base = format!("/admin/users/{}", user.id);
    let confirm_id = format!("confirm-{}", user.id);
    let is_self = user.id == signed_in.user.id;
    html! {
        tr id=(format!("user-{}", user.id)) {
            td { (user.email.as_str()) @if is_self { " " span.muted { "(you)" } } }
            td { (user.display_name.as_str()) }
            td { @if user.is_admin { "Administrator" } @else { "User" } }
            td { @if user.disabled { "Disabled" } @else { "Active" } }
            td { (day(user.created_at)) }
            td {
                (enable_toggle(signed_in, &base, user.disabled))
                form method="post" action=(format!("{base}/delete")) {
                    (csrf_input(signed_in))
                    label for=(confirm_id) {
                        input id=(confirm_id) type="checkbox" name="confirm" value="yes";
                        " Confirm"
                    }
                    button.danger type="submit" { "Delete" }
                }
            }
        }
    }
}

fn users_page(
    signed_in: &SignedIn,
    status: StatusCode,
    users: &Paged<User>,
    draft: &UserForm,
    error: Option<&FieldError>,
) -> Response {
    let next = users.next.as_ref().map(|after| {
        let query = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("after", after)
            .finish();
        format!("/admin/users?{query}")
    });
    let body = html! {
        div.card {
            h1 { "Users" }
            (error_above(error, &FIELDS))
            table {
                thead { tr { th { "Email" } th { "Name" } th { "Role" } th { "Status" } th { "Created" } th {} } }
                tbody { @for user in &users.items { (user_row(signed_in, user)) } }
            }
            @if let Some(next) = next { div.actions { a.button.secondary href=(next) { "Next page" } } }
        }
        div.card {
            h2 { "Create a user" }
            form method="post" action="/admin/users" {
                (csrf_input(signed_in))
                label for="email" { "Email" }
                input #email type="email" name="email" value=(draft.email) required autocomplete="off";
                (error_under(error, "email"))
                label for="display_name" { "Name" }
                input #display_name type="text" name="display_name" value=(draft.display_name) required;
                (error_under(error, "display_name"))
                label for="password" { "Password (at least 8 characters)" }
                input #password type="password" name="password" required minlength="8" autocomplete="new-password";
                (error_under(error, "password"))
                label for="is_admin" {
                    input #is_admin type="checkbox" name="is_admin" value="yes" checked[draft.is_admin.is_some()];
                    " Administrator"
                }
                div.actions { button type="submit" { "Create user" } }
            }
        }
    };
    page(signed_in, status, "Users", body)
}

async fn listed(state: &AppState, page: &Page) -> Result<Paged<User>, Failure> {
    Ok(state
        .authority
        .list_users(page)
        .await
        .map_err(store_failure)?)
}

async fn get_users(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Query(query): Query<ListQuery>,
) -> Reply {
    require_admin(&signed_in)?;
    let page = match query.after {
        Some(after) => Page::after(Page::MAX_SIZE, after),
        None => Page::first(Page::MAX_SIZE),
    };
    let users = listed(&state, &page).await?;
    Ok(users_page(
        &signed_in,
        StatusCode::OK,
        &users,
        &UserForm::default(),
        None,
    ))
}

/// The first page of users again, 400, with `error` shown and `draft` kept.
async fn refused(
    state: &AppState,
    signed_in: &SignedIn,
    draft: &UserForm,
    error: &FieldError,
) -> Reply {
    let users = listed(state, &Page::first(Page::MAX_SIZE)).await?;
    Ok(users_page(
        signed_in,
        StatusCode::BAD_REQUEST,
        &users,
        draft,
        Some(error),
    ))
}

async fn post_user(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Form(form): Form<UserForm>,
) -> Reply {
    if !csrf_ok(&signed_in, form.csrf_token.as_deref()) {
        return Err(csrf::rejected().into());
    }
    require_admin(&signed_in)?;
    let created = state
        .authority
        .create_user(
            &form.email,
            &form.display_name,
            Some(form.password.clone()),
            form.is_admin.is_some(),
        )
        .await;
    match created {
        Ok(_) => Ok(Redirect::to("/admin/users").into_response()),
        Err(err) => {
            let error = account_problem(err)?;
            refused(&state, &signed_in, &form, &error).await
        }
    }
}

async fn post_action(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path((user_id, action)): Path<(String, String)>,
    Form(form): Form<ActionForm>,
) -> Reply {
    if !csrf_ok(&signed_in, form.csrf_token.as_deref()) {
        return Err(csrf::rejected().into());
    }
    require_admin(&signed_in)?;
    let id = UserId::from_stored(user_id);
    let is_self = id == signed_in.user.id;
    let authority = &state.authority;
    let refusal = match action.as_str() {
        "disable" if is_self => Some("You cannot disable your own account."),
        "delete" if is_self => Some("You cannot delete your own account."),
        "delete" if form.confirm.is_none() => Some("Tick Confirm to delete the user."),
        "enable" | "disable" | "delete" => None,
        _ => return Err(not_found().into()),
    };
    if let Some(message) = refusal {
        let error = FieldError::new("user", message);
        return refused(&state, &signed_in, &UserForm::default(), &error).await;
    }
    let outcome = match action.as_str() {
        "delete" => authority.delete_user(&id).await,
        other => authority.set_user_disabled(&id, other == "disable").await,
    };
    match outcome {
        Ok(()) => Ok(Redirect::to("/admin/users").into_response()),
        Err(err) => {
            let error = account_problem(err)?;
            refused(&state, &signed_in, &UserForm::default(), &error).await
        }
    }
}
