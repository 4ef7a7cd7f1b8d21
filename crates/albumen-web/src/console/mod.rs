//! The developer console (`/console`): projects, the API library, OAuth clients and their
//! secrets, the OAuth consent screen and the Library API quotas, plus the helpers its pages
//! share.

mod apis;
mod client;
mod clients;
mod consent;
mod projects;
mod quotas;
pub(crate) mod shared;

use albumen_api::AppState;
use albumen_core::project::Project;
use axum::Router;
use maud::{Markup, html};

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(projects::router())
        .merge(apis::router())
        .merge(clients::router())
        .merge(client::router())
        .merge(consent::router())
        .merge(quotas::router())
}

/// The sections of a project's pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Section {
    Overview,
    Apis,
    Credentials,
    Consent,
    Quotas,
}

impl Section {
    const ALL: [Section; 5] = [
        Section::Overview,
        Section::Apis,
        Section::Credentials,
        Section::Consent,
        Section::Quotas,
    ];

    fn title(self) -> &'static str {
        match self {
            Self::Overview => "Overview",
            Self::Apis => "APIs & Services",
            Self::Credentials => "Credentials",
            Self::Consent => "OAuth consent screen",
            Self::Quotas => "Quotas",
        }
    }

    fn href(self, project_id: &str) -> String {
        match self {
            Self::Overview => format!("/console/projects/{project_id}"),
            Self::Apis => format!("/console/projects/{project_id}/apis"),
            Self::Credentials => format!("/console/projects/{project_id}/clients"),
            Self::Consent => format!("/console/projects/{project_id}/consent"),
            Self::Quotas => format!("/console/projects/{project_id}/quotas"),
        }
    }
}

/// The project's name and the links between its sections, above every project page.
fn project_nav(project: &Project, current: Section) -> Markup {
    html! {
        p.muted {
            a href="/console" { "Console" } " › " (project.name) " (" code { (project.id) } ")"
        }
        nav.actions {
            @for section in Section::ALL {
                @if section == current {
                    span.button aria-current="page" { (section.title()) }
                } @else {
                    a.button.secondary href=(section.href(&project.id)) { (section.title()) }
                }
            }
        }
    }
}
