//! [`ProjectRepo`]: projects, owners, enabled APIs and consent screens.

use albumen_core::consent::{ConsentScreen, PublishingStatus, UserType, VerificationStatus};
use albumen_core::ports::ProjectRepo;
use albumen_core::project::{ApiService, NewProject, Project};
use albumen_core::user::{Email, UserId};
use albumen_core::{Page, Paged, StoreError};
use async_trait::async_trait;

use crate::SqlStore;
use crate::error::{classify, unique_violation_as};
use crate::pool::on_pool;
use crate::time_codec::{corrupt, from_micros, to_micros};

#[derive(sqlx::FromRow)]
struct ProjectRow {
    id: String,
    number: i64,
    name: String,
    created_at: i64,
}

impl TryFrom<ProjectRow> for Project {
    type Error = StoreError;

    fn try_from(row: ProjectRow) -> Result<Self, StoreError> {
        Ok(Project {
            id: row.id,
            number: row.number,
            name: row.name,
            created_at: from_micros(row.created_at)?,
        })
    }
}

#[derive(sqlx::FromRow)]
struct ConsentRow {
    project_id: String,
    app_name: String,
    support_email: String,
    logo_url: Option<String>,
    user_type: String,
    publishing_status: String,
    verification_status: String,
    test_users: String,
    updated_at: i64,
}

impl TryFrom<ConsentRow> for ConsentScreen {
    type Error = StoreError;

    fn try_from(row: ConsentRow) -> Result<Self, StoreError> {
        Ok(ConsentScreen {
            project_id: row.project_id,
            app_name: row.app_name,
            support_email: row.support_email,
            logo_url: row.logo_url,
            user_type: UserType::parse(&row.user_type).ok_or_else(|| corrupt("consent_screens"))?,
            publishing_status: PublishingStatus::parse(&row.publishing_status)
                .ok_or_else(|| corrupt("consent_screens"))?,
            verification_status: VerificationStatus::parse(&row.verification_status)
                .ok_or_else(|| corrupt("consent_screens"))?,
            test_users: row
                .test_users
                .split_whitespace()
                .map(|e| Email::parse(e).map_err(|_| corrupt("consent_screens")))
                .collect::<Result<_, _>>()?,
            updated_at: from_micros(row.updated_at)?,
        })
    }
}

fn project_conflict(err: sqlx::Error) -> StoreError {
    let on_number = matches!(&err, sqlx::Error::Database(db)
        if db.message().contains("number"));
    if on_number {
        unique_violation_as("projects.number")(err)
    } else {
        unique_violation_as("projects.id")(err)
    }
}

#[async_trait]
impl ProjectRepo for SqlStore {
    #[tracing::instrument(skip_all, fields(project = %project.id), err(level = "debug"))]
    async fn insert_project(&self, project: &NewProject) -> Result<Project, StoreError> {
        on_pool!(&self.pool, p => {
            let mut tx = p.begin().await.map_err(classify)?;
            sqlx::query("INSERT INTO projects (id, number, name, created_at) VALUES ($1, $2, $3, $4)")
                .bind(&project.id)
                .bind(project.number)
                .bind(&project.name)
                .bind(to_micros(project.created_at))
                .execute(&mut *tx)
                .await
                .map_err(project_conflict)?;
            sqlx::query("INSERT INTO project_owners (project_id, user_id) VALUES ($1, $2)")
                .bind(&project.id)
                .bind(project.owner.as_str())
                .execute(&mut *tx)
                .await
                .map_err(classify)?;
            tx.commit().await.map_err(classify)?;
        });
        Ok(Project {
            id: project.id.clone(),
            number: project.number,
            name: project.name.clone(),
            created_at: project.created_at,
        })
    }

    #[tracing::instrument(skip(self), err(level = "debug"))]
    async fn get_project(&self, id: &str) -> Result<Project, StoreError> {
        let row: ProjectRow = on_pool!(&self.pool, p => sqlx::query_as(
            "SELECT id, number, name, created_at FROM projects WHERE id = $1",
        )
        .bind(id)
        .fetch_one(p)
        .await
        .map_err(classify))?;
        row.try_into()
    }

    #[tracing::instrument(skip(self), err(level = "debug"))]
    async fn get_project_by_number(&self, number: i64) -> Result<Project, StoreError> {
        let row: ProjectRow = on_pool!(&self.pool, p => sqlx::query_as(
            "SELECT id, number, name, created_at FROM projects WHERE number = $1",
        )
        .bind(number)
        .fetch_one(p)
        .await
        .map_err(classify))?;
        row.try_into()
    }

    #[tracing::instrument(skip_all, err(level = "debug"))]
    async fn list_projects_of(
        &self,
        owner: &UserId,
        page: &Page,
    ) -> Result<Paged<Project>, StoreError> {
        let rows: Vec<ProjectRow> = on_pool!(&self.pool, p => sqlx::query_as(
            "SELECT p.id, p.number, p.name, p.created_at FROM projects p \
             JOIN project_owners o ON o.project_id = p.id \
             WHERE o.user_id = $1 AND p.id > $2 ORDER BY p.id LIMIT $3",
        )
        .bind(owner.as_str())
        .bind(page.after_key().unwrap_or(""))
        .bind(i64::from(page.size()) + 1)
        .fetch_all(p)
        .await
        .map_err(classify))?;
        let mut items = rows
            .into_iter()
            .map(Project::try_from)
            .collect::<Result<Vec<_>, _>>()?;
        let next = if items.len() > page.size() as usize {
            items.truncate(page.size() as usize);
            items.last().map(|project| project.id.clone())
        } else {
            None
        };
        Ok(Paged { items, next })
    }

    #[tracing::instrument(skip(self), err(level = "debug"))]
    async fn list_project_owners(&self, project: &str) -> Result<Vec<UserId>, StoreError> {
        let ids: Vec<String> = on_pool!(&self.pool, p => sqlx::query_scalar(
            "SELECT user_id FROM project_owners WHERE project_id = $1 ORDER BY user_id",
        )
        .bind(project)
        .fetch_all(p)
        .await
        .map_err(classify))?;
        Ok(ids.into_iter().map(UserId::from_stored).collect())
    }

    #[tracing::instrument(skip_all, err(level = "debug"))]
    async fn add_project_owner(&self, project: &str, owner: &UserId) -> Result<(), StoreError> {
        on_pool!(&self.pool, p => sqlx::query(
            "INSERT INTO project_owners (project_id, user_id) VALUES ($1, $2) \
             ON CONFLICT (project_id, user_id) DO NOTHING",
        )
        .bind(project)
        .bind(owner.as_str())
        .execute(p)
        .await
        .map(|_| ())
        .map_err(classify))
    }

    #[tracing::instrument(skip(self), err(level = "debug"))]
    async fn set_api_enabled(
        &self,
        project: &str,
        api: ApiService,
        enabled: bool,
    ) -> Result<(), StoreError> {
        let sql = if enabled {
            "INSERT INTO project_apis (project_id, service) VALUES ($1, $2) \
             ON CONFLICT (project_id, service) DO NOTHING"
        } else {
            "DELETE FROM project_apis WHERE project_id = $1 AND service = $2"
        };
        on_pool!(&self.pool, p => sqlx::query(sql)
            .bind(project)
            .bind(api.service_name())
            .execute(p)
            .await
            .map(|_| self.changed())
            .map_err(classify))
    }

    #[tracing::instrument(skip(self), err(level = "debug"))]
    async fn list_enabled_apis(&self, project: &str) -> Result<Vec<ApiService>, StoreError> {
        let names: Vec<String> = on_pool!(&self.pool, p => sqlx::query_scalar(
            "SELECT service FROM project_apis WHERE project_id = $1 ORDER BY service",
        )
        .bind(project)
        .fetch_all(p)
        .await
        .map_err(classify))?;
        names
            .iter()
            .map(|name| ApiService::from_service_name(name).ok_or_else(|| corrupt("project_apis")))
            .collect()
    }

    #[tracing::instrument(skip(self), err(level = "debug"))]
    async fn get_consent_screen(&self, project: &str) -> Result<ConsentScreen, StoreError> {
        let row: ConsentRow = on_pool!(&self.pool, p => sqlx::query_as(
            "SELECT project_id, app_name, support_email, logo_url, user_type, publishing_status, \
             verification_status, test_users, updated_at FROM consent_screens WHERE project_id = $1",
        )
        .bind(project)
        .fetch_one(p)
        .await
        .map_err(classify))?;
        row.try_into()
    }

    #[tracing::instrument(skip_all, fields(project = %screen.project_id), err(level = "debug"))]
    async fn put_consent_screen(&self, screen: &ConsentScreen) -> Result<(), StoreError> {
        let test_users = screen
            .test_users
            .iter()
            .map(Email::as_str)
            .collect::<Vec<_>>()
            .join(" ");
        let sql = "INSERT INTO consent_screens (project_id, app_name, support_email, logo_url, \
             user_type, publishing_status, verification_status, test_users, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
             ON CONFLICT (project_id) DO UPDATE SET app_name = excluded.app_name, \
             support_email = excluded.support_email, logo_url = excluded.logo_url, \
             user_type = excluded.user_type, publishing_status = excluded.publishing_status, \
             verification_status = excluded.verification_status, \
             test_users = excluded.test_users, updated_at = excluded.updated_at";
        on_pool!(&self.pool, p => sqlx::query(sql)
            .bind(&screen.project_id)
            .bind(&screen.app_name)
            .bind(&screen.support_email)
            .bind(screen.logo_url.as_deref())
            .bind(screen.user_type.as_str())
            .bind(screen.publishing_status.as_str())
            .bind(screen.verification_status.as_str())
            .bind(&test_users)
            .bind(to_micros(screen.updated_at))
            .execute(p)
            .await
            .map(|_| self.changed())
            .map_err(classify))
    }
}
