//! Album sharing (legacy profile): the share columns of `albums` and the `album_members`
//! who joined. The owner counts as a member while the album is shared.

use albumen_core::StoreError;
use albumen_core::media::AlbumShare;
use albumen_core::user::UserId;
use time::OffsetDateTime;

use crate::SqlStore;
use crate::error::{classify, found, unique_violation_as};
use crate::pool::on_pool;
use crate::time_codec::to_micros;

impl SqlStore {
    /// An album already shared keeps its token and sharing time; only the options change.
    pub(crate) async fn share_album_row(
        &self,
        album_id: &str,
        share: &AlbumShare,
    ) -> Result<(), StoreError> {
        on_pool!(&self.pool, p => {
            let mut tx = p.begin().await.map_err(classify)?;
            let affected = sqlx::query(
                "UPDATE albums SET share_token = COALESCE(share_token, $2), \
                 shared_at = COALESCE(shared_at, $3), share_collaborative = $4, \
                 share_commentable = $5 WHERE id = $1",
            )
            .bind(album_id)
            .bind(&share.share_token)
            .bind(to_micros(share.shared_at))
            .bind(share.is_collaborative)
            .bind(share.is_commentable)
            .execute(&mut *tx)
            .await
            .map_err(unique_violation_as("albums.share_token"))?
            .rows_affected();
            found(affected)?;
            sqlx::query(
                "INSERT INTO album_members (album_id, user_id, joined_at) \
                 SELECT id, user_id, $2 FROM albums WHERE id = $1 \
                 ON CONFLICT (album_id, user_id) DO NOTHING",
            )
            .bind(album_id)
            .bind(to_micros(share.shared_at))
            .execute(&mut *tx)
            .await
            .map_err(classify)?;
            tx.commit().await.map_err(classify)
        })
    }

    pub(crate) async fn unshare_album_row(&self, album_id: &str) -> Result<(), StoreError> {
        on_pool!(&self.pool, p => {
            let mut tx = p.begin().await.map_err(classify)?;
            let affected = sqlx::query(
                "UPDATE albums SET share_token = NULL, shared_at = NULL, \
                 share_collaborative = NULL, share_commentable = NULL WHERE id = $1",
            )
            .bind(album_id)
            .execute(&mut *tx)
            .await
            .map_err(classify)?
            .rows_affected();
            found(affected)?;
            sqlx::query(
                "DELETE FROM album_members WHERE album_id = $1 \
                 AND user_id <> (SELECT user_id FROM albums WHERE id = $1)",
            )
            .bind(album_id)
            .execute(&mut *tx)
            .await
            .map_err(classify)?;
            tx.commit().await.map_err(classify)
        })
    }

    /// Joining twice is one membership; only a shared album can be joined (`NotFound`
    /// otherwise, as for an unknown album).
    pub(crate) async fn join_album_row(
        &self,
        album_id: &str,
        user: &UserId,
        at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        on_pool!(&self.pool, p => {
            sqlx::query(
                "INSERT INTO album_members (album_id, user_id, joined_at) \
                 SELECT id, $2, $3 FROM albums WHERE id = $1 AND share_token IS NOT NULL \
                 ON CONFLICT (album_id, user_id) DO NOTHING",
            )
            .bind(album_id)
            .bind(user.as_str())
            .bind(to_micros(at))
            .execute(p)
            .await
            .map_err(crate::error::missing_reference_as_not_found)?;
        });
        if self.is_member(album_id, user).await? {
            Ok(())
        } else {
            Err(StoreError::NotFound)
        }
    }

    /// `NotFound` when the user is not a member.
    pub(crate) async fn leave_album_row(
        &self,
        album_id: &str,
        user: &UserId,
    ) -> Result<(), StoreError> {
        let affected = on_pool!(&self.pool, p => sqlx::query(
            "DELETE FROM album_members WHERE album_id = $1 AND user_id = $2",
        )
        .bind(album_id)
        .bind(user.as_str())
        .execute(p)
        .await
        .map(|done| done.rows_affected())
        .map_err(classify))?;
        found(affected)
    }

    pub(crate) async fn is_member(
        &self,
        album_id: &str,
        user: &UserId,
    ) -> Result<bool, StoreError> {
        let member: Option<String> = on_pool!(&self.pool, p => sqlx::query_scalar(
            "SELECT user_id FROM album_members WHERE album_id = $1 AND user_id = $2",
        )
        .bind(album_id)
        .bind(user.as_str())
        .fetch_optional(p)
        .await
        .map_err(classify))?;
        Ok(member.is_some())
    }
}
