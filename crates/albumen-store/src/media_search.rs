//! `search_media_items`: the library newest (or oldest) first with its filters, or one
//! album's media items in album order, as keyset pages that walk an index (never OFFSET).

use albumen_core::StoreError;
use albumen_core::media::{DateMatch, DateParts, MediaItem, MediaQuery};
use albumen_core::page::{Page, Paged};
use sqlx::{Database, Encode, QueryBuilder, Type};

use crate::SqlStore;
use crate::error::classify;
use crate::keyset::{into_page, parse_position_key, parse_time_key, position_key, time_key};
use crate::media_items::{MEDIA_COLUMNS, MediaRow};
use crate::pool::on_pool;
use crate::time_codec::to_micros;

#[derive(sqlx::FromRow)]
struct AlbumMediaRow {
    #[sqlx(flatten)]
    item: MediaRow,
    position: i64,
}

impl SqlStore {
    pub(crate) async fn search_items(
        &self,
        query: &MediaQuery,
        page: &Page,
    ) -> Result<Paged<MediaItem>, StoreError> {
        if let Some(album_id) = &query.album_id {
            return self.album_items(album_id, page).await;
        }
        if query.requires_category {
            // Albumen classifies nothing, so no item is in any content category.
            return Ok(Paged {
                items: Vec::new(),
                next: None,
            });
        }
        let after = page.after_key().map(parse_time_key).transpose()?;
        let limit = i64::from(page.size()) + 1;
        let rows: Vec<MediaRow> = on_pool!(&self.pool, p => {
            let mut sql = library_query(query, after, limit);
            sql.build_query_as().fetch_all(p).await.map_err(classify)?
        });
        let rows = rows
            .into_iter()
            .map(|row| Ok((row.creation_time, MediaItem::try_from(row)?)))
            .collect::<Result<Vec<_>, StoreError>>()?;
        let page = into_page(rows, page.size(), |(micros, item)| {
            time_key(*micros, &item.id)
        });
        Ok(Paged {
            items: page.items.into_iter().map(|(_, item)| item).collect(),
            next: page.next,
        })
    }

    /// The album's media items (whoever owns them: a shared album holds its members'
    /// items), enrichments left out. Whether the caller may see the album is its business.
    async fn album_items(
        &self,
        album_id: &str,
        page: &Page,
    ) -> Result<Paged<MediaItem>, StoreError> {
        let after = page.after_key().map(parse_position_key).transpose()?;
        let limit = i64::from(page.size()) + 1;
        let rows: Vec<AlbumMediaRow> = on_pool!(&self.pool, p => {
            let mut sql = QueryBuilder::new(format!(
                "SELECT {MEDIA_COLUMNS}, e.position FROM album_entries e \
                 JOIN media_items ON media_items.id = e.media_item_id WHERE e.album_id = "
            ));
            sql.push_bind(album_id);
            if let Some(position) = after {
                sql.push(" AND e.position > ").push_bind(position);
            }
            sql.push(" ORDER BY e.position LIMIT ").push_bind(limit);
            sql.build_query_as().fetch_all(p).await.map_err(classify)?
        });
        let rows = rows
            .into_iter()
            .map(|row| Ok((row.position, MediaItem::try_from(row.item)?)))
            .collect::<Result<Vec<_>, StoreError>>()?;
        let page = into_page(rows, page.size(), |(position, _)| position_key(*position));
        Ok(Paged {
            items: page.items.into_iter().map(|(_, item)| item).collect(),
            next: page.next,
        })
    }
}

/// The library query: one user's (or one app's) items, filtered, newest or oldest first,
/// after the `(creation_time, id)` of the previous page's last item.
fn library_query<DB>(
    query: &MediaQuery,
    after: Option<(i64, String)>,
    limit: i64,
) -> QueryBuilder<DB>
where
    DB: Database,
    for<'a> i64: Encode<'a, DB> + Type<DB>,
    for<'a> String: Encode<'a, DB> + Type<DB>,
{
    let mut sql = QueryBuilder::new(format!(
        "SELECT {MEDIA_COLUMNS} FROM media_items WHERE user_id = "
    ));
    let visibility = &query.visibility;
    sql.push_bind(visibility.user_id.as_str().to_owned());
    if let Some(client_id) = &visibility.client_id {
        sql.push(" AND client_id = ").push_bind(client_id.clone());
    }
    if let Some(kind) = query.kind {
        sql.push(" AND kind = ").push_bind(kind.as_str().to_owned());
    }
    if query.favorites_only {
        sql.push(" AND is_favorite = TRUE");
    }
    if !query.include_archived {
        sql.push(" AND is_archived = FALSE");
    }
    if let Some(not_before) = query.not_before {
        sql.push(" AND creation_time >= ")
            .push_bind(to_micros(not_before));
    }
    if let Some(not_after) = query.not_after {
        sql.push(" AND creation_time <= ")
            .push_bind(to_micros(not_after));
    }
    if let Some(dates) = &query.date {
        push_date_match(&mut sql, dates);
    }
    // Spelled as a range on creation_time plus a residual test (rather than a row-value
    // comparison) so that both planners start the index scan right at the key.
    let (cmp, order) = if query.oldest_first {
        (">", "ASC")
    } else {
        ("<", "DESC")
    };
    if let Some((micros, id)) = after {
        sql.push(format_args!(" AND creation_time {cmp}= "))
            .push_bind(micros)
            .push(format_args!(" AND (creation_time {cmp} "))
            .push_bind(micros)
            .push(format_args!(" OR id {cmp} "))
            .push_bind(id)
            .push(")");
    }
    sql.push(format_args!(
        " ORDER BY creation_time {order}, id {order} LIMIT "
    ))
    .push_bind(limit);
    sql
}

/// An item matches when its capture date matches any of the dates or falls in any range.
/// Dates without a year compare `capture_date % 10000` (mmdd), the expression the month-day
/// indexes hold, so "every 15 June" walks an index rather than the library.
fn push_date_match<DB>(sql: &mut QueryBuilder<DB>, dates: &DateMatch)
where
    DB: Database,
    for<'a> i64: Encode<'a, DB> + Type<DB>,
{
    let alternatives = dates.dates.len() + dates.ranges.len();
    sql.push(" AND capture_date IS NOT NULL AND (");
    let mut separator = "";
    for date in &dates.dates {
        sql.push(separator);
        separator = " OR ";
        if let Some((low, high)) = month_day_bounds(date, date) {
            push_month_day(sql, low, high);
            continue;
        }
        // Every component the date gives must match.
        sql.push("(TRUE");
        for part in present_parts(date) {
            sql.push(format_args!(" AND {} = ", part.sql))
                .push_bind(i64::from((part.of)(date)));
        }
        sql.push(")");
    }
    for (start, end) in &dates.ranges {
        sql.push(separator);
        separator = " OR ";
        if let Some((low, high)) = month_day_bounds(start, end) {
            push_month_day(sql, low, high);
            continue;
        }
        // Both ends have the start's shape; a start after the end matches nothing.
        let parts = present_parts(start);
        if parts.is_empty() {
            sql.push("TRUE");
            continue;
        }
        let expression = parts
            .iter()
            .map(|part| format!("{} * {}", part.sql, part.weight))
            .collect::<Vec<_>>()
            .join(" + ");
        sql.push(format_args!("({expression} BETWEEN "))
            .push_bind(date_value(&parts, start))
            .push(" AND ")
            .push_bind(date_value(&parts, end))
            .push(")");
    }
    if alternatives == 0 {
        sql.push("FALSE");
    }
    sql.push(")");
}

/// The indexed month-and-day expression (see the 0008 migration).
const MONTH_DAY: &str = "(capture_date % 10000)";

/// For dates without a year that name a month: the mmdd values from `start` to `end`, a
/// month without a day standing for all its days.
fn month_day_bounds(start: &DateParts, end: &DateParts) -> Option<(i64, i64)> {
    let yearless_with_month = |d: &DateParts| d.year == 0 && d.month != 0;
    if !(yearless_with_month(start) && yearless_with_month(end)) {
        return None;
    }
    let low = i64::from(start.month) * 100 + i64::from(start.day);
    let high = i64::from(end.month) * 100 + if end.day == 0 { 99 } else { i64::from(end.day) };
    Some((low, high))
}

fn push_month_day<DB>(sql: &mut QueryBuilder<DB>, low: i64, high: i64)
where
    DB: Database,
    for<'a> i64: Encode<'a, DB> + Type<DB>,
{
    if low == high {
        sql.push(format_args!("{MONTH_DAY} = ")).push_bind(low);
    } else {
        sql.push(format_args!("{MONTH_DAY} BETWEEN "))
            .push_bind(low)
            .push(" AND ")
            .push_bind(high);
    }
}

/// One component of a `yyyymmdd` capture date: how SQL extracts it, and its weight in a
/// comparable number made of the components a date gives.
struct DatePart {
    sql: &'static str,
    weight: i64,
    of: fn(&DateParts) -> u16,
}

const YEAR: DatePart = DatePart {
    sql: "(capture_date / 10000)",
    weight: 10_000,
    of: |d| d.year,
};
const MONTH: DatePart = DatePart {
    sql: "((capture_date / 100) % 100)",
    weight: 100,
    of: |d| u16::from(d.month),
};
const DAY: DatePart = DatePart {
    sql: "(capture_date % 100)",
    weight: 1,
    of: |d| u16::from(d.day),
};

/// The components `date` gives (zero ones are wildcards).
fn present_parts(date: &DateParts) -> Vec<DatePart> {
    [YEAR, MONTH, DAY]
        .into_iter()
        .filter(|part| (part.of)(date) != 0)
        .collect()
}

/// `date` as the comparable number of `parts`, e.g. month and day as `month * 100 + day`.
fn date_value(parts: &[DatePart], date: &DateParts) -> i64 {
    parts
        .iter()
        .map(|part| i64::from((part.of)(date)) * part.weight)
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(year: u16, month: u8, day: u8) -> DateParts {
        DateParts { year, month, day }
    }

    #[test]
    fn yearless_dates_become_month_day_bounds() {
        assert_eq!(
            month_day_bounds(&date(0, 6, 15), &date(0, 6, 15)),
            Some((615, 615))
        );
        assert_eq!(
            month_day_bounds(&date(0, 6, 0), &date(0, 6, 0)),
            Some((600, 699))
        );
        assert_eq!(
            month_day_bounds(&date(0, 3, 0), &date(0, 5, 0)),
            Some((300, 599))
        );
        assert_eq!(
            month_day_bounds(&date(0, 12, 24), &date(0, 12, 31)),
            Some((1224, 1231))
        );
        assert_eq!(
            month_day_bounds(&date(2024, 6, 15), &date(2024, 6, 15)),
            None
        );
        assert_eq!(month_day_bounds(&date(0, 0, 15), &date(0, 0, 15)), None);
    }

    #[test]
    fn range_ends_compare_by_the_components_the_start_gives() {
        let month_day = present_parts(&date(0, 3, 14));
        assert_eq!(date_value(&month_day, &date(0, 3, 14)), 314);
        assert_eq!(date_value(&month_day, &date(0, 12, 1)), 1201);
        let year_month = present_parts(&date(2024, 2, 0));
        assert_eq!(date_value(&year_month, &date(2024, 2, 0)), 20_240_200);
        assert_eq!(present_parts(&date(0, 0, 0)).len(), 0);
    }
}
