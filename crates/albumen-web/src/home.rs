//! The home page: where a signed-in user starts.

use albumen_api::AppState;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use maud::html;

use crate::layout::{document, html_response};
use crate::session::Viewer;

pub fn router() -> Router<AppState> {
    Router::new().route("/", get(get_home))
}

async fn get_home(State(state): State<AppState>, viewer: Viewer) -> Response {
    let Some(user) = viewer.user() else {
        let target = match state.authority.needs_first_admin().await {
            Ok(true) => "/setup",
            _ => "/signin",
        };
        return Redirect::to(target).into_response();
    };
    let body = html! {
        div.card {
            h1 { "Hello, " (user.display_name.as_str()) }
            p { "Albumen speaks the Google Photos APIs. Set up apps in the "
                a href="/console" { "developer console" } ", and see which apps can reach your account in "
                a href="/account" { "your account" } "." }
        }
    };
    html_response(StatusCode::OK, document("Home", viewer.chrome(), body))
}
