//! `mediaItems.search` and `mediaItems.list` requests: validation of filters, order and
//! page sizes (library-api.md §4.11, §4.13, §5.11) into a store [`MediaQuery`].

use albumen_core::media::{DateMatch, DateParts, MediaKind, MediaQuery, Visibility};
use serde::Deserialize;
use time::{Date, Month, OffsetDateTime};

use crate::error::{ALBUM_WITH_FILTERS, LibraryResult, invalid};

/// Media item listings: default 25, at most 100 per page.
pub const MEDIA_PAGE: PageSizes = PageSizes {
    default: 25,
    max: 100,
};
/// Album listings: default 20, at most 50 per page.
pub const ALBUM_PAGE: PageSizes = PageSizes {
    default: 20,
    max: 50,
};

/// A method's page-size rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageSizes {
    pub default: u32,
    pub max: u32,
}

impl PageSizes {
    /// Unset or 0 means the default; above the maximum is coerced to it (as Google's
    /// Picker API documents; not captured for the Library API); negative is refused.
    pub fn resolve(self, requested: Option<i64>) -> LibraryResult<u32> {
        match requested {
            None | Some(0) => Ok(self.default),
            Some(n) if n < 0 => Err(invalid("Page size must not be negative.")),
            Some(n) => Ok(u32::try_from(n).unwrap_or(u32::MAX).min(self.max)),
        }
    }
}

/// `ContentCategory` (27 values, discovery order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ContentCategory {
    None,
    Landscapes,
    Receipts,
    Cityscapes,
    Landmarks,
    Selfies,
    People,
    Pets,
    Weddings,
    Birthdays,
    Documents,
    Travel,
    Animals,
    Food,
    Sport,
    Night,
    Performances,
    Whiteboards,
    Screenshots,
    Utility,
    Arts,
    Crafts,
    Fashion,
    Houses,
    Gardens,
    Flowers,
    Holidays,
}

/// `MediaTypeFilter.MediaType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum MediaTypeChoice {
    AllMedia,
    Video,
    Photo,
}

/// `FeatureFilter.Feature`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Feature {
    None,
    Favorites,
}

/// A `Date` as sent (components may be absent, meaning 0).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DateInput {
    pub year: i64,
    pub month: i64,
    pub day: i64,
}

/// A `DateRange` as sent: start and end, each possibly missing.
pub type DateRangeInput = (Option<DateInput>, Option<DateInput>);

/// `Filters` as sent.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FiltersInput {
    /// `dateFilter`: dates and (start, end) ranges; `None` when absent.
    pub date_filter: Option<(Vec<DateInput>, Vec<DateRangeInput>)>,
    /// `contentFilter`: included and excluded categories; `None` when absent.
    pub content_filter: Option<(Vec<ContentCategory>, Vec<ContentCategory>)>,
    /// `mediaTypeFilter.mediaTypes`; `None` when absent.
    pub media_types: Option<Vec<MediaTypeChoice>>,
    /// `featureFilter.includedFeatures`; `None` when absent.
    pub features: Option<Vec<Feature>>,
    pub include_archived_media: bool,
    pub exclude_non_app_created_data: bool,
}

/// `SearchMediaItemsRequest` as sent.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SearchInput {
    pub album_id: Option<String>,
    pub page_size: Option<i64>,
    pub page_token: Option<String>,
    pub filters: Option<FiltersInput>,
    pub order_by: Option<String>,
}

const MAX_DATES: usize = 5;
const MAX_RANGES: usize = 5;
const MAX_CATEGORIES: usize = 10;
const ORDER_OLDEST_FIRST: &str = "MediaMetadata.creation_time";
const ORDER_NEWEST_FIRST: &str = "MediaMetadata.creation_time desc";

/// The shape of a date: which components are set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Shape {
    year: bool,
    month: bool,
    day: bool,
}

fn days_in_month(month: u8) -> u8 {
    match month {
        2 => 29,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Checks one `Date` (library-api.md §5.11): components in range, day valid for the month,
/// and one of the shapes Y, Y+M, Y+M+D, M+D, M.
fn validate_date(date: DateInput, at: &str) -> LibraryResult<(DateParts, Shape)> {
    let bad = |why: &str| invalid(format!("Invalid date at '{at}': {why}"));
    let year = u16::try_from(date.year)
        .ok()
        .filter(|y| *y <= 9999)
        .ok_or_else(|| bad("year must be between 0 and 9999."))?;
    let month = u8::try_from(date.month)
        .ok()
        .filter(|m| *m <= 12)
        .ok_or_else(|| bad("month must be between 0 and 12."))?;
    let day = u8::try_from(date.day)
        .ok()
        .filter(|d| *d <= 31)
        .ok_or_else(|| bad("day must be between 0 and 31."))?;
    let shape = Shape {
        year: year != 0,
        month: month != 0,
        day: day != 0,
    };
    match (shape.year, shape.month, shape.day) {
        (false, false, false) => return Err(bad("at least a year or a month must be set.")),
        (_, false, true) => return Err(bad("a day needs a month.")),
        _ => {}
    }
    if shape.day && day > days_in_month(month) {
        return Err(bad("the day does not exist in that month."));
    }
    if shape.year && shape.month && shape.day && month == 2 && day == 29 {
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        if !leap {
            return Err(bad("the day does not exist in that month."));
        }
    }
    Ok((DateParts { year, month, day }, shape))
}

fn sort_key(parts: DateParts) -> (u16, u8, u8) {
    (parts.year, parts.month, parts.day)
}

fn validate_date_filter(
    dates: &[DateInput],
    ranges: &[DateRangeInput],
) -> LibraryResult<DateMatch> {
    if dates.len() > MAX_DATES {
        return Err(invalid("A date filter can have at most 5 dates."));
    }
    if ranges.len() > MAX_RANGES {
        return Err(invalid("A date filter can have at most 5 date ranges."));
    }
    if dates.is_empty() && ranges.is_empty() {
        return Err(invalid(
            "A date filter must contain at least one date or date range.",
        ));
    }
    let mut out = DateMatch::default();
    for (i, date) in dates.iter().enumerate() {
        let (parts, _) = validate_date(*date, &format!("filters.date_filter.dates[{i}]"))?;
        out.dates.push(parts);
    }
    for (i, (start, end)) in ranges.iter().enumerate() {
        let at = format!("filters.date_filter.ranges[{i}]");
        let (Some(start), Some(end)) = (start, end) else {
            return Err(invalid(format!(
                "Invalid date range at '{at}': both a start date and an end date are required."
            )));
        };
        let (start, start_shape) = validate_date(*start, &format!("{at}.start_date"))?;
        let (end, end_shape) = validate_date(*end, &format!("{at}.end_date"))?;
        if start_shape != end_shape {
            return Err(invalid(format!(
                "Invalid date range at '{at}': the start and end dates must have the same format."
            )));
        }
        if sort_key(start) > sort_key(end) {
            return Err(invalid(format!(
                "Invalid date range at '{at}': the start date must not be after the end date."
            )));
        }
        out.ranges.push((start, end));
    }
    Ok(out)
}

/// The days a date of the given parts covers: `[first, after_last)`; `None` without a year.
fn date_span(parts: DateParts) -> Option<(Date, Date)> {
    if parts.year == 0 {
        return None;
    }
    let year = i32::from(parts.year);
    let (first_month, last_month) = if parts.month == 0 {
        (Month::January, Month::December)
    } else {
        let month = Month::try_from(parts.month).ok()?;
        (month, month)
    };
    let first = Date::from_calendar_date(year, first_month, parts.day.max(1)).ok()?;
    let last_day = if parts.day == 0 {
        last_month.length(year)
    } else {
        parts.day
    };
    let last = Date::from_calendar_date(year, last_month, last_day).ok()?;
    Some((first, last.next_day()?))
}

/// A creation-time window that holds every match of the date filter, when each of its
/// dates names a year: capture dates are local, so a day of slack on each side covers
/// every UTC offset. It lets the time index serve the search instead of a walk through
/// the whole library.
fn date_window(date: &DateMatch) -> Option<(OffsetDateTime, OffsetDateTime)> {
    let spans = date
        .dates
        .iter()
        .map(|d| date_span(*d))
        .chain(
            date.ranges
                .iter()
                .map(|(start, end)| Some((date_span(*start)?.0, date_span(*end)?.1))),
        )
        .collect::<Option<Vec<_>>>()?;
    let first = spans.iter().map(|s| s.0).min()?;
    let after_last = spans.iter().map(|s| s.1).max()?;
    Some((
        first.previous_day()?.midnight().assume_utc(),
        after_last.next_day()?.midnight().assume_utc(),
    ))
}

fn has_other_filters(filters: &FiltersInput) -> bool {
    filters.content_filter.is_some() || filters.media_types.is_some() || filters.features.is_some()
}

/// Validates a search and returns the store query; `now` bounds filtered searches (items
/// dated in the future never match a filter, as Google documents).
pub fn build_query(
    input: &SearchInput,
    visibility_for: impl Fn(bool) -> Visibility,
    now: OffsetDateTime,
) -> LibraryResult<MediaQuery> {
    let filters = input.filters.clone().unwrap_or_default();
    let filtered = input.filters.is_some();
    if input.album_id.is_some() && filtered {
        return Err(invalid(ALBUM_WITH_FILTERS));
    }
    let mut query = MediaQuery {
        visibility: visibility_for(filters.exclude_non_app_created_data),
        album_id: input.album_id.clone(),
        date: None,
        kind: None,
        favorites_only: false,
        // Album listings and the unfiltered library show archived items; filtered searches
        // leave them out unless asked.
        include_archived: !filtered || filters.include_archived_media,
        requires_category: false,
        not_after: filtered.then_some(now),
        not_before: None,
        oldest_first: false,
    };
    if let Some((dates, ranges)) = &filters.date_filter {
        let date = validate_date_filter(dates, ranges)?;
        if let Some((from, until)) = date_window(&date) {
            query.not_before = Some(from);
            query.not_after = Some(query.not_after.map_or(until, |now| now.min(until)));
        }
        query.date = Some(date);
    }
    if let Some((included, excluded)) = &filters.content_filter {
        if included.len() > MAX_CATEGORIES || excluded.len() > MAX_CATEGORIES {
            return Err(invalid(
                "A content filter can include at most 10 and exclude at most 10 categories.",
            ));
        }
        if included.iter().any(|c| excluded.contains(c)) {
            return Err(invalid(
                "A content category cannot be both included and excluded.",
            ));
        }
        // Albumen classifies nothing (docs/COMPATIBILITY.md): asking for any real
        // category matches no item; NONE alone, and exclusions, filter nothing out.
        query.requires_category = included.iter().any(|c| *c != ContentCategory::None);
    }
    if let Some(types) = &filters.media_types {
        let [only] = types.as_slice() else {
            return Err(invalid(
                "A media type filter must contain exactly one media type.",
            ));
        };
        query.kind = match only {
            MediaTypeChoice::AllMedia => None,
            MediaTypeChoice::Photo => Some(MediaKind::Photo),
            MediaTypeChoice::Video => Some(MediaKind::Video),
        };
    }
    if let Some(features) = &filters.features {
        query.favorites_only = features.contains(&Feature::Favorites);
    }
    if let Some(order) = input
        .order_by
        .as_deref()
        .map(str::trim)
        .filter(|o| !o.is_empty())
    {
        let normalized = order.split_whitespace().collect::<Vec<_>>().join(" ");
        let oldest_first = match normalized.as_str() {
            ORDER_OLDEST_FIRST => true,
            ORDER_NEWEST_FIRST => false,
            _ => {
                return Err(invalid(format!(
                    "Invalid order by: {order}. Allowed values: \"{ORDER_OLDEST_FIRST}\" and \"{ORDER_NEWEST_FIRST}\"."
                )));
            }
        };
        if has_other_filters(&filters) {
            return Err(invalid(
                "Order by can only be combined with a date filter, includeArchivedMedia and excludeNonAppCreatedData.",
            ));
        }
        // Honoured only with a date filter; otherwise newest first, as documented.
        query.oldest_first = oldest_first && query.date.is_some();
    }
    Ok(query)
}

/// The canonical description of a query for page-token binding (time bound left out, as
/// it moves between pages).
pub fn describe(query: &MediaQuery) -> String {
    let mut stable = query.clone();
    stable.not_after = None;
    format!("{stable:?}")
}

#[cfg(test)]
mod tests;
