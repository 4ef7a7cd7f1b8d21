//! Album rows: create, read, list newest first (owned, or shared with a user), retitle and
//! choose the cover. Entries live in `album_entries`, sharing in `album_shares`.

use albumen_core::StoreError;
use albumen_core::media::{Album, AlbumShare, Visibility};
use albumen_core::page::{Page, Paged};
use albumen_core::user::UserId;
use sqlx::{AssertSqlSafe, Database, Encode, QueryBuilder, Type};

use crate::SqlStore;
use crate::error::{classify, found, missing_reference_as_not_found, unique_violation_as};
use crate::keyset::{into_page, parse_time_key, time_key};
use crate::pool::on_pool;
use crate::time_codec::{corrupt, from_micros, opt_from_micros, to_micros};

/// Every column of `albums` (aliased `a`), in [`AlbumRow`] order.
pub(crate) const ALBUM_COLUMNS: &str = "a.id, a.user_id, a.client_id, a.title, \
    a.cover_media_item_id, a.media_items_count, a.created_at, a.share_token, \
    a.share_collaborative, a.share_commentable, a.shared_at";

#[derive(sqlx::FromRow)]
struct AlbumRow {
    id: String,
    user_id: String,
    client_id: Option<String>,
    title: String,
    cover_media_item_id: Option<String>,
    media_items_count: i64,
    created_at: i64,
    share_token: Option<String>,
    share_collaborative: Option<bool>,
    share_commentable: Option<bool>,
    shared_at: Option<i64>,
}

impl TryFrom<AlbumRow> for Album {
    type Error = StoreError;

    fn try_from(row: AlbumRow) -> Result<Self, StoreError> {
        let share = match (
            row.share_token,
            row.share_collaborative,
            row.share_commentable,
            opt_from_micros(row.shared_at)?,
        ) {
            (Some(share_token), Some(is_collaborative), Some(is_commentable), Some(shared_at)) => {
                Some(AlbumShare {
                    share_token,
                    is_collaborative,
                    is_commentable,
                    shared_at,
                })
            }
            (None, None, None, None) => None,
            _ => return Err(corrupt("albums.share")),
        };
        Ok(Album {
            id: row.id,
            user_id: UserId::from_stored(row.user_id),
            client_id: row.client_id,
            title: row.title,
            cover_media_item_id: row.cover_media_item_id,
            media_items_count: u64::try_from(row.media_items_count)
                .map_err(|_| corrupt("albums.media_items_count"))?,
            created_at: from_micros(row.created_at)?,
            share,
        })
    }
}

fn album_page(rows: Vec<AlbumRow>, page: &Page) -> Result<Paged<Album>, StoreError> {
    let albums = rows
        .into_iter()
        .map(Album::try_from)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(into_page(albums, page.size(), |album| {
        time_key(to_micros(album.created_at), &album.id)
    }))
}

/// Newest first by `(a.created_at, a.id)`, after the previous page's last album.
fn push_newest_first<DB>(sql: &mut QueryBuilder<DB>, page: &Page) -> Result<(), StoreError>
where
    DB: Database,
    for<'a> i64: Encode<'a, DB> + Type<DB>,
    for<'a> String: Encode<'a, DB> + Type<DB>,
{
    if let Some((micros, id)) = page.after_key().map(parse_time_key).transpose()? {
        sql.push(" AND a.created_at <= ")
            .push_bind(micros)
            .push(" AND (a.created_at < ")
            .push_bind(micros)
            .push(" OR a.id < ")
            .push_bind(id)
            .push(")");
    }
    sql.push(" ORDER BY a.created_at DESC, a.id DESC LIMIT ")
        .push_bind(i64::from(page.size()) + 1);
    Ok(())
}

impl SqlStore {
    /// Stores a new album: empty and unshared whatever `album` says about its count and
    /// share, which only the entry and sharing methods change.
    pub(crate) async fn insert_album_row(&self, album: &Album) -> Result<(), StoreError> {
        on_pool!(&self.pool, p => sqlx::query(
            "INSERT INTO albums (id, user_id, client_id, title, cover_media_item_id, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&album.id)
        .bind(album.user_id.as_str())
        .bind(album.client_id.as_deref())
        .bind(&album.title)
        .bind(album.cover_media_item_id.as_deref())
        .bind(to_micros(album.created_at))
        .execute(p)
        .await
        .map(|_| ())
        .map_err(|err| match &err {
            // The owner or the cover does not exist.
            sqlx::Error::Database(db) if db.is_foreign_key_violation() => StoreError::NotFound,
            _ => unique_violation_as("albums.id")(err),
        }))
    }

    pub(crate) async fn get_album_row(&self, id: &str) -> Result<Album, StoreError> {
        let sql = format!("SELECT {ALBUM_COLUMNS} FROM albums a WHERE a.id = $1");
        let row: AlbumRow = on_pool!(&self.pool, p => sqlx::query_as(AssertSqlSafe(sql))
            .bind(id)
            .fetch_one(p)
            .await
            .map_err(classify))?;
        row.try_into()
    }

    pub(crate) async fn get_album_row_by_share_token(
        &self,
        share_token: &str,
    ) -> Result<Album, StoreError> {
        let sql = format!("SELECT {ALBUM_COLUMNS} FROM albums a WHERE a.share_token = $1");
        let row: AlbumRow = on_pool!(&self.pool, p => sqlx::query_as(AssertSqlSafe(sql))
            .bind(share_token)
            .fetch_one(p)
            .await
            .map_err(classify))?;
        row.try_into()
    }

    pub(crate) async fn list_album_rows(
        &self,
        visibility: &Visibility,
        page: &Page,
    ) -> Result<Paged<Album>, StoreError> {
        let rows: Vec<AlbumRow> = on_pool!(&self.pool, p => {
            let mut sql = QueryBuilder::new(format!(
                "SELECT {ALBUM_COLUMNS} FROM albums a WHERE a.user_id = "
            ));
            sql.push_bind(visibility.user_id.as_str().to_owned());
            if let Some(client_id) = &visibility.client_id {
                sql.push(" AND a.client_id = ").push_bind(client_id.clone());
            }
            push_newest_first(&mut sql, page)?;
            sql.build_query_as().fetch_all(p).await.map_err(classify)?
        });
        album_page(rows, page)
    }

    pub(crate) async fn list_shared_album_rows(
        &self,
        user: &UserId,
        page: &Page,
    ) -> Result<Paged<Album>, StoreError> {
        let rows: Vec<AlbumRow> = on_pool!(&self.pool, p => {
            let mut sql = QueryBuilder::new(format!(
                "SELECT {ALBUM_COLUMNS} FROM album_members m JOIN albums a ON a.id = m.album_id \
                 WHERE a.share_token IS NOT NULL AND m.user_id = "
            ));
            sql.push_bind(user.as_str().to_owned());
            push_newest_first(&mut sql, page)?;
            sql.build_query_as().fetch_all(p).await.map_err(classify)?
        });
        album_page(rows, page)
    }

    pub(crate) async fn update_album_row(
        &self,
        id: &str,
        title: Option<&str>,
        cover_media_item_id: Option<Option<&str>>,
    ) -> Result<(), StoreError> {
        let affected = on_pool!(&self.pool, p => sqlx::query(
            "UPDATE albums SET title = COALESCE($2, title), cover_media_item_id = \
             CASE WHEN $3 THEN $4 ELSE cover_media_item_id END WHERE id = $1",
        )
        .bind(id)
        .bind(title)
        .bind(cover_media_item_id.is_some())
        .bind(cover_media_item_id.flatten())
        .execute(p)
        .await
        .map(|done| done.rows_affected())
        .map_err(missing_reference_as_not_found))?;
        found(affected)
    }
}
