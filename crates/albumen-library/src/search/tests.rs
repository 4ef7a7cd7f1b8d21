use albumen_core::user::UserId;
use time::macros::datetime;

use super::*;

const NOW: OffsetDateTime = datetime!(2026-06-01 12:00 UTC);

fn vis(_exclude: bool) -> Visibility {
    Visibility {
        user_id: UserId::from_stored("u".to_owned()),
        client_id: Some("c".into()),
    }
}

fn date(year: i64, month: i64, day: i64) -> DateInput {
    DateInput { year, month, day }
}

fn with_filters(filters: FiltersInput) -> SearchInput {
    SearchInput {
        filters: Some(filters),
        ..SearchInput::default()
    }
}

fn dates(list: Vec<DateInput>) -> SearchInput {
    with_filters(FiltersInput {
        date_filter: Some((list, vec![])),
        ..FiltersInput::default()
    })
}

fn message(input: &SearchInput) -> String {
    build_query(input, vis, NOW).unwrap_err().to_string()
}

#[test]
fn page_sizes_default_clamp_and_refuse_negatives() {
    assert_eq!(MEDIA_PAGE.resolve(None).unwrap(), 25);
    assert_eq!(MEDIA_PAGE.resolve(Some(0)).unwrap(), 25);
    assert_eq!(MEDIA_PAGE.resolve(Some(500)).unwrap(), 100);
    assert_eq!(ALBUM_PAGE.resolve(Some(51)).unwrap(), 50);
    assert_eq!(ALBUM_PAGE.resolve(None).unwrap(), 20);
    assert!(MEDIA_PAGE.resolve(Some(-1)).is_err());
}

#[test]
fn every_allowed_date_shape_is_accepted() {
    for d in [
        date(2020, 0, 0),
        date(2020, 5, 0),
        date(2020, 5, 17),
        date(0, 5, 17),
        date(0, 5, 0),
    ] {
        let query = build_query(&dates(vec![d]), vis, NOW).unwrap();
        assert_eq!(query.date.unwrap().dates.len(), 1, "{d:?}");
    }
}

#[test]
fn unsupported_date_shapes_and_values_are_refused() {
    for d in [
        date(0, 0, 0),
        date(2020, 0, 3),
        date(0, 0, 3),
        date(2020, 13, 0),
        date(2020, 4, 31),
        date(2021, 2, 29),
        date(10000, 1, 1),
        date(-1, 1, 1),
    ] {
        assert!(
            message(&dates(vec![d])).starts_with("Invalid date at 'filters.date_filter.dates[0]'"),
            "{d:?}"
        );
    }
    assert!(build_query(&dates(vec![date(2024, 2, 29)]), vis, NOW).is_ok());
    assert!(build_query(&dates(vec![date(0, 2, 29)]), vis, NOW).is_ok());
}

#[test]
fn ranges_need_both_ends_of_one_shape_in_order() {
    let range = |s, e| {
        with_filters(FiltersInput {
            date_filter: Some((vec![], vec![(s, e)])),
            ..FiltersInput::default()
        })
    };
    assert!(
        build_query(
            &range(Some(date(2020, 1, 1)), Some(date(2020, 12, 31))),
            vis,
            NOW
        )
        .is_ok()
    );
    assert!(build_query(&range(Some(date(0, 6, 1)), Some(date(0, 8, 31))), vis, NOW).is_ok());
    assert!(
        message(&range(Some(date(2020, 1, 0)), Some(date(2020, 12, 31)))).contains("same format")
    );
    assert!(
        message(&range(Some(date(2021, 1, 1)), Some(date(2020, 1, 1)))).contains("not be after")
    );
    assert!(
        message(&range(None, Some(date(2020, 1, 1)))).contains("both a start date and an end date")
    );
}

#[test]
fn limits_on_dates_ranges_categories_and_media_types() {
    assert_eq!(
        message(&dates(vec![date(2020, 0, 0); 6])),
        "A date filter can have at most 5 dates."
    );
    let ranges = with_filters(FiltersInput {
        date_filter: Some((
            vec![],
            vec![(Some(date(2020, 0, 0)), Some(date(2021, 0, 0))); 6],
        )),
        ..FiltersInput::default()
    });
    assert_eq!(
        message(&ranges),
        "A date filter can have at most 5 date ranges."
    );
    let categories = with_filters(FiltersInput {
        content_filter: Some((vec![ContentCategory::Food; 11], vec![])),
        ..FiltersInput::default()
    });
    assert!(message(&categories).contains("at most 10"));
    let both = with_filters(FiltersInput {
        content_filter: Some((vec![ContentCategory::Food], vec![ContentCategory::Food])),
        ..FiltersInput::default()
    });
    assert!(message(&both).contains("both included and excluded"));
    for types in [vec![], vec![MediaTypeChoice::Photo, MediaTypeChoice::Video]] {
        let input = with_filters(FiltersInput {
            media_types: Some(types),
            ..FiltersInput::default()
        });
        assert_eq!(
            message(&input),
            "A media type filter must contain exactly one media type."
        );
    }
}

#[test]
fn album_id_cannot_be_combined_with_filters() {
    let input = SearchInput {
        album_id: Some("Aalbum".into()),
        filters: Some(FiltersInput::default()),
        ..SearchInput::default()
    };
    assert_eq!(message(&input), ALBUM_WITH_FILTERS);
}

#[test]
fn filters_map_onto_the_store_query() {
    let input = with_filters(FiltersInput {
        media_types: Some(vec![MediaTypeChoice::Video]),
        features: Some(vec![Feature::Favorites]),
        content_filter: Some((vec![ContentCategory::None], vec![ContentCategory::Food])),
        ..FiltersInput::default()
    });
    let query = build_query(&input, vis, NOW).unwrap();
    assert_eq!(query.kind, Some(MediaKind::Video));
    assert!(query.favorites_only);
    assert!(!query.include_archived);
    assert!(
        !query.requires_category,
        "NONE alone and exclusions filter nothing"
    );
    assert_eq!(
        query.not_after,
        Some(NOW),
        "future items never match a filtered search"
    );
    let unfiltered = build_query(&SearchInput::default(), vis, NOW).unwrap();
    assert_eq!(unfiltered.not_after, None);
    assert!(
        unfiltered.include_archived,
        "plausible guess: the unfiltered library lists archived items"
    );
    let category = with_filters(FiltersInput {
        content_filter: Some((vec![ContentCategory::Landscapes], vec![])),
        ..FiltersInput::default()
    });
    assert!(build_query(&category, vis, NOW).unwrap().requires_category);
}

#[test]
fn order_by_is_honoured_only_with_a_date_filter_and_restricts_other_filters() {
    let mut input = dates(vec![date(2020, 0, 0)]);
    input.order_by = Some("MediaMetadata.creation_time".into());
    assert!(build_query(&input, vis, NOW).unwrap().oldest_first);
    input.order_by = Some("MediaMetadata.creation_time  desc".into());
    assert!(!build_query(&input, vis, NOW).unwrap().oldest_first);
    input.order_by = Some("filename".into());
    assert!(message(&input).starts_with("Invalid order by: filename."));
    let no_date = SearchInput {
        order_by: Some("MediaMetadata.creation_time".into()),
        ..SearchInput::default()
    };
    assert!(
        !build_query(&no_date, vis, NOW).unwrap().oldest_first,
        "ignored without a date filter"
    );
    let mut with_type = dates(vec![date(2020, 0, 0)]);
    if let Some(filters) = with_type.filters.as_mut() {
        filters.media_types = Some(vec![MediaTypeChoice::Photo]);
    }
    with_type.order_by = Some("MediaMetadata.creation_time".into());
    assert!(message(&with_type).starts_with("Order by can only be combined"));
}

#[test]
fn descriptions_ignore_the_moving_time_bound() {
    let a = build_query(&dates(vec![date(2020, 0, 0)]), vis, NOW).unwrap();
    let b = build_query(
        &dates(vec![date(2020, 0, 0)]),
        vis,
        NOW + time::Duration::hours(1),
    )
    .unwrap();
    assert_eq!(describe(&a), describe(&b));
    let c = build_query(&dates(vec![date(2021, 0, 0)]), vis, NOW).unwrap();
    assert_ne!(describe(&a), describe(&c));
}

#[test]
fn dates_with_years_bound_the_search_to_a_time_window() {
    let query = build_query(&dates(vec![date(2019, 0, 0), date(2020, 2, 0)]), vis, NOW).unwrap();
    assert_eq!(query.not_before, Some(datetime!(2018-12-31 0:00 UTC)));
    assert_eq!(query.not_after, Some(datetime!(2020-03-02 0:00 UTC)));
    let day = build_query(&dates(vec![date(2024, 2, 29)]), vis, NOW).unwrap();
    assert_eq!(day.not_before, Some(datetime!(2024-02-28 0:00 UTC)));
    assert_eq!(day.not_after, Some(datetime!(2024-03-02 0:00 UTC)));
    let any_year = build_query(&dates(vec![date(2019, 0, 0), date(0, 6, 15)]), vis, NOW).unwrap();
    assert_eq!(
        any_year.not_before, None,
        "a date without a year needs the whole library"
    );
    assert_eq!(any_year.not_after, Some(NOW));
    let future = build_query(&dates(vec![date(2030, 0, 0)]), vis, NOW).unwrap();
    assert_eq!(future.not_after, Some(NOW), "never past now");
}
