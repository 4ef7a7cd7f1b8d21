//! The album order: adding media items and enrichments at a position, removing media
//! items, and keeping `albums.media_items_count` true. Positions are sparse integers
//! ([`GAP`] apart) so that an insertion anywhere rarely renumbers the album; when a gap runs
//! out the album is renumbered inside the same transaction.

use std::collections::HashSet;

use albumen_core::StoreError;
use albumen_core::media::{AlbumPosition, Enrichment, EntryRef, MAX_ALBUM_ITEMS};
use sqlx::{AssertSqlSafe, Database, Encode, QueryBuilder, Type};

use crate::SqlStore;
use crate::dialect::Dialect;
use crate::error::{classify, missing_reference_as_not_found, unique_violation_as};
use crate::media_items::IN_CHUNK;
use crate::pool::on_pool;
use crate::time_codec::{corrupt, to_micros};

/// The distance between neighbouring positions after an append or a renumbering.
const GAP: i64 = 1 << 20;

/// Rows per multi-row `INSERT` (four parameters each).
const INSERT_CHUNK: usize = 1000;

/// One stored entry, as read for a renumbering.
#[derive(sqlx::FromRow)]
struct EntryRow {
    position: i64,
    media_item_id: Option<String>,
    enrichment_id: Option<String>,
}

impl TryFrom<EntryRow> for EntryRef {
    type Error = StoreError;

    fn try_from(row: EntryRow) -> Result<Self, StoreError> {
        match (row.media_item_id, row.enrichment_id) {
            (Some(id), None) => Ok(EntryRef::MediaItem(id)),
            (None, Some(id)) => Ok(EntryRef::Enrichment(id)),
            _ => Err(corrupt("album_entries")),
        }
    }
}

fn media_id(entry: &EntryRef) -> Option<&str> {
    match entry {
        EntryRef::MediaItem(id) => Some(id),
        EntryRef::Enrichment(_) => None,
    }
}

fn enrichment_id(entry: &EntryRef) -> Option<&str> {
    match entry {
        EntryRef::MediaItem(_) => None,
        EntryRef::Enrichment(id) => Some(id),
    }
}

/// Positions for `count` new entries strictly between `after` and `before` (either end
/// open), evenly spread; `None` when the gap between them is too narrow.
fn spread(after: Option<i64>, before: Option<i64>, count: usize) -> Option<Vec<i64>> {
    let count = i64::try_from(count).ok()?;
    let steps = 1..=count;
    match (after, before) {
        (None, None) => steps.map(|i| i.checked_mul(GAP)).collect(),
        (Some(after), None) => steps
            .map(|i| i.checked_mul(GAP)?.checked_add(after))
            .collect(),
        (None, Some(before)) => steps
            .map(|i| before.checked_sub((count - i + 1).checked_mul(GAP)?))
            .collect(),
        (Some(after), Some(before)) => {
            let step = before.checked_sub(after)? / (count + 1);
            (step >= 1).then(|| steps.map(|i| after + step * i).collect())
        }
    }
}

/// `{head}<album_id> AND {column} IN (<ids>)`: one statement about some items of an album.
fn about_items<DB>(
    head: &'static str,
    album_id: &str,
    column: &'static str,
    ids: &[&str],
) -> QueryBuilder<DB>
where
    DB: Database,
    for<'a> String: Encode<'a, DB> + Type<DB>,
{
    let mut sql = QueryBuilder::new(head);
    sql.push_bind(album_id.to_owned())
        .push(format_args!(" AND {column} IN ("));
    let mut list = sql.separated(", ");
    for id in ids {
        list.push_bind((*id).to_owned());
    }
    sql.push(")");
    sql
}

const HELD_ITEMS: &str = "SELECT media_item_id FROM album_entries WHERE album_id = ";

/// `INSERT INTO album_entries` of `rows` (position and entry).
fn insert_entries_query<DB>(album_id: &str, rows: &[(i64, EntryRef)]) -> QueryBuilder<DB>
where
    DB: Database,
    for<'a> i64: Encode<'a, DB> + Type<DB>,
    for<'a> String: Encode<'a, DB> + Type<DB>,
    for<'a> Option<String>: Encode<'a, DB> + Type<DB>,
{
    let mut sql = QueryBuilder::new(
        "INSERT INTO album_entries (album_id, position, media_item_id, enrichment_id) ",
    );
    sql.push_values(rows, |mut row, (position, entry)| {
        row.push_bind(album_id.to_owned())
            .push_bind(*position)
            .push_bind(media_id(entry).map(str::to_owned))
            .push_bind(enrichment_id(entry).map(str::to_owned));
    });
    sql
}

impl SqlStore {
    /// Adds `entries` at `position` in one transaction that holds the album (its row
    /// locked on PostgreSQL, the write lock on SQLite), after storing `enrichment` if given.
    pub(crate) async fn place_album_entries(
        &self,
        album_id: &str,
        entries: &[EntryRef],
        position: &AlbumPosition,
        enrichment: Option<&Enrichment>,
    ) -> Result<(), StoreError> {
        on_pool!(&self.pool, p => {
            let mut tx = p.begin_write().await.map_err(classify)?;
            let lock = format!(
                "SELECT media_items_count FROM albums WHERE id = $1{}",
                p.for_update()
            );
            let held_count: i64 = sqlx::query_scalar(AssertSqlSafe(lock))
                .bind(album_id)
                .fetch_optional(&mut *tx)
                .await
                .map_err(classify)?
                .ok_or(StoreError::NotFound)?;
            if let Some(enrichment) = enrichment {
                sqlx::query(
                    "INSERT INTO enrichments (id, album_id, body_json, created_at) \
                     VALUES ($1, $2, $3, $4)",
                )
                .bind(&enrichment.id)
                .bind(album_id)
                .bind(&enrichment.body_json)
                .bind(to_micros(enrichment.created_at))
                .execute(&mut *tx)
                .await
                .map_err(unique_violation_as("enrichments.id"))?;
            }

            // Items already in the album (or twice in the list) stay where they are.
            let wanted: Vec<&str> = entries.iter().filter_map(media_id).collect();
            let mut seen: HashSet<String> = HashSet::new();
            for chunk in wanted.chunks(IN_CHUNK) {
                let mut sql = about_items(HELD_ITEMS, album_id, "media_item_id", chunk);
                let held: Vec<String> =
                    sql.build_query_scalar().fetch_all(&mut *tx).await.map_err(classify)?;
                seen.extend(held);
            }
            let fresh: Vec<EntryRef> = entries
                .iter()
                .filter(|entry| media_id(entry).is_none_or(|id| seen.insert(id.to_owned())))
                .cloned()
                .collect();
            let added = fresh.iter().filter(|entry| media_id(entry).is_some()).count();
            let new_count = u64::try_from(held_count)
                .ok()
                .and_then(|held| held.checked_add(u64::try_from(added).ok()?))
                .filter(|count| *count <= MAX_ALBUM_ITEMS)
                .ok_or(StoreError::Conflict { what: "album_entries.capacity" })?;

            // The new entries go between `after` and the next entry, `before`.
            let after: Option<i64> = match position {
                AlbumPosition::First => None,
                AlbumPosition::Last => sqlx::query_scalar(
                    "SELECT MAX(position) FROM album_entries WHERE album_id = $1",
                )
                .bind(album_id)
                .fetch_one(&mut *tx)
                .await
                .map_err(classify)?,
                AlbumPosition::AfterMediaItem(id) | AlbumPosition::AfterEnrichment(id) => {
                    let column = match position {
                        AlbumPosition::AfterEnrichment(_) => "enrichment_id",
                        _ => "media_item_id",
                    };
                    let sql = format!(
                        "SELECT position FROM album_entries WHERE album_id = $1 AND {column} = $2"
                    );
                    let found: Option<i64> = sqlx::query_scalar(AssertSqlSafe(sql))
                        .bind(album_id)
                        .bind(id)
                        .fetch_optional(&mut *tx)
                        .await
                        .map_err(classify)?;
                    Some(found.ok_or(StoreError::Conflict { what: "album_entries.relative" })?)
                }
            };
            let before: Option<i64> = sqlx::query_scalar(
                "SELECT MIN(position) FROM album_entries WHERE album_id = $1 \
                 AND ($2 IS NULL OR position > $2)",
            )
            .bind(album_id)
            .bind(after)
            .fetch_one(&mut *tx)
            .await
            .map_err(classify)?;

            let rows: Vec<(i64, EntryRef)> = match spread(after, before, fresh.len()) {
                Some(positions) => positions.into_iter().zip(fresh).collect(),
                None => {
                    // The gap is used up: rewrite the whole album GAP apart, new entries
                    // spliced in after `after`.
                    let stored: Vec<EntryRow> = sqlx::query_as(
                        "SELECT position, media_item_id, enrichment_id FROM album_entries \
                         WHERE album_id = $1 ORDER BY position",
                    )
                    .bind(album_id)
                    .fetch_all(&mut *tx)
                    .await
                    .map_err(classify)?;
                    let split = stored
                        .iter()
                        .take_while(|row| after.is_some_and(|after| row.position <= after))
                        .count();
                    let mut order = Vec::with_capacity(stored.len() + fresh.len());
                    let mut stored = stored.into_iter();
                    for row in stored.by_ref().take(split) {
                        order.push(EntryRef::try_from(row)?);
                    }
                    order.extend(fresh);
                    for row in stored {
                        order.push(EntryRef::try_from(row)?);
                    }
                    sqlx::query("DELETE FROM album_entries WHERE album_id = $1")
                        .bind(album_id)
                        .execute(&mut *tx)
                        .await
                        .map_err(classify)?;
                    let positions = spread(None, None, order.len())
                        .ok_or_else(|| corrupt("album_entries.position"))?;
                    positions.into_iter().zip(order).collect()
                }
            };
            for chunk in rows.chunks(INSERT_CHUNK) {
                let mut sql = insert_entries_query(album_id, chunk);
                sql.build()
                    .execute(&mut *tx)
                    .await
                    .map_err(missing_reference_as_not_found)?;
            }
            sqlx::query("UPDATE albums SET media_items_count = $2 WHERE id = $1")
                .bind(album_id)
                .bind(i64::try_from(new_count).map_err(|_| corrupt("albums.media_items_count"))?)
                .execute(&mut *tx)
                .await
                .map_err(classify)?;
            tx.commit().await.map_err(classify)
        })
    }

    /// All or nothing: `Conflict { what: "album_entries.missing" }` when one of the items is
    /// not in the album. A cover that leaves the album is cleared (the first item shows).
    pub(crate) async fn remove_album_media(
        &self,
        album_id: &str,
        media_item_ids: &[String],
    ) -> Result<(), StoreError> {
        let mut ids: Vec<&str> = media_item_ids.iter().map(String::as_str).collect();
        ids.sort_unstable();
        ids.dedup();
        on_pool!(&self.pool, p => {
            let mut tx = p.begin_write().await.map_err(classify)?;
            let lock = format!(
                "SELECT media_items_count FROM albums WHERE id = $1{}",
                p.for_update()
            );
            let held_count: i64 = sqlx::query_scalar(AssertSqlSafe(lock))
                .bind(album_id)
                .fetch_optional(&mut *tx)
                .await
                .map_err(classify)?
                .ok_or(StoreError::NotFound)?;
            let mut held = 0_usize;
            for chunk in ids.chunks(IN_CHUNK) {
                let mut sql = about_items(HELD_ITEMS, album_id, "media_item_id", chunk);
                let found: Vec<String> =
                    sql.build_query_scalar().fetch_all(&mut *tx).await.map_err(classify)?;
                held += found.len();
            }
            if held != ids.len() {
                return Err(StoreError::Conflict { what: "album_entries.missing" });
            }
            for chunk in ids.chunks(IN_CHUNK) {
                let head = "DELETE FROM album_entries WHERE album_id = ";
                let mut sql = about_items(head, album_id, "media_item_id", chunk);
                sql.build().execute(&mut *tx).await.map_err(classify)?;
                let head = "UPDATE albums SET cover_media_item_id = NULL WHERE id = ";
                let mut sql = about_items(head, album_id, "cover_media_item_id", chunk);
                sql.build().execute(&mut *tx).await.map_err(classify)?;
            }
            let removed = i64::try_from(held).map_err(|_| corrupt("album_entries"))?;
            sqlx::query("UPDATE albums SET media_items_count = $2 WHERE id = $1")
                .bind(album_id)
                .bind(held_count - removed)
                .execute(&mut *tx)
                .await
                .map_err(classify)?;
            tx.commit().await.map_err(classify)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_entries_spread_evenly_inside_the_gap() {
        assert_eq!(spread(None, None, 2), Some(vec![GAP, 2 * GAP]));
        assert_eq!(spread(Some(5), None, 1), Some(vec![5 + GAP]));
        assert_eq!(spread(None, Some(0), 2), Some(vec![-2 * GAP, -GAP]));
        assert_eq!(spread(Some(0), Some(9), 2), Some(vec![3, 6]));
        assert_eq!(spread(Some(0), Some(3), 2), Some(vec![1, 2]));
        assert_eq!(spread(Some(0), Some(2), 2), None);
        assert_eq!(spread(Some(i64::MAX - 1), None, 1), None);
    }
}
