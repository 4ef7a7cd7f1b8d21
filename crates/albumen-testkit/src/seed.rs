//! A ready-made console: an administrator, a project with both Photos APIs enabled, its
//! consent screen in Testing with the administrator as tester, and a Desktop, a Web and a TV
//! client. Made through the same services the console uses.

use albumen_core::client::ClientType;
use albumen_core::project::{ApiService, Project};
use albumen_core::user::User;
use albumen_oauth::console::CreatedClient;

use crate::TestApp;

pub const ADMIN_EMAIL: &str = "admin@example.com";
pub const ADMIN_PASSWORD: &str = "correct horse battery";
pub const WEB_REDIRECT: &str = "https://app.example.com/callback";

#[derive(Debug)]
pub struct Seeded {
    pub admin: User,
    pub project: Project,
    pub desktop: CreatedClient,
    pub web: CreatedClient,
    pub tv: CreatedClient,
}

impl TestApp {
    pub async fn seed(&self) -> Seeded {
        let authority = &self.state.authority;
        let admin = authority
            .create_user(
                ADMIN_EMAIL,
                "Ada Admin",
                Some(ADMIN_PASSWORD.to_owned()),
                true,
            )
            .await
            .expect("admin");
        let project = authority
            .create_project(&admin, "test-project", "Test Project")
            .await
            .expect("project");
        for api in ApiService::ALL {
            authority
                .set_api_enabled(&admin, &project.id, api, true)
                .await
                .expect("enable api");
        }
        let client = |client_type, name: &'static str, uris: Vec<String>, origins: Vec<String>| {
            let admin = admin.clone();
            let project_id = project.id.clone();
            async move {
                authority
                    .create_client(&admin, &project_id, client_type, name, &uris, &origins)
                    .await
                    .expect("client")
            }
        };
        let desktop = client(ClientType::Desktop, "Desktop", vec![], vec![]).await;
        let web = client(
            ClientType::Web,
            "Web",
            vec![WEB_REDIRECT.to_owned()],
            vec!["https://app.example.com".to_owned()],
        )
        .await;
        let tv = client(ClientType::Tv, "TV", vec![], vec![]).await;
        Seeded {
            admin,
            project,
            desktop,
            web,
            tv,
        }
    }

    /// A fresh browser (no cookies) for this app.
    pub fn browser(&self) -> crate::browser::Browser {
        crate::browser::Browser::new(&self.address)
    }
}
