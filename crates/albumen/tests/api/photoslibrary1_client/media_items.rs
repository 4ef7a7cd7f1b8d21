//! Media items through the generated client: get, batchGet (with an unknown id and with 51
//! ids), list with pages, patch, and search with each filter kind and both orders.

use google_photoslibrary1::FieldMask;
use google_photoslibrary1::api::{
    ContentFilter, Date, DateFilter, DateRange, FeatureFilter, Filters, MediaItem, MediaTypeFilter,
    SearchMediaItemsRequest,
};

use albumen_testkit::spawn_app;

use super::{Hub, create, hub, refusal};

fn date(year: i32, month: i32, day: i32) -> Date {
    Date {
        year: Some(year),
        month: Some(month),
        day: Some(day),
    }
}

/// The indexes (into `ids`) of every item a search finds, following nextPageToken.
async fn search(hub: &Hub, ids: &[String], filters: Filters, order_by: Option<&str>) -> Vec<usize> {
    let mut found = Vec::new();
    let mut page_token = None;
    loop {
        let request = SearchMediaItemsRequest {
            filters: Some(filters.clone()),
            order_by: order_by.map(str::to_owned),
            page_size: Some(2),
            page_token: page_token.take(),
            ..Default::default()
        };
        let (_, page) = hub.media_items().search(request).doit().await.unwrap();
        for item in page.media_items.unwrap_or_default() {
            let id = item.id.unwrap();
            found.push(ids.iter().position(|known| *known == id).unwrap());
        }
        match page.next_page_token {
            Some(next) => page_token = Some(next),
            None => return found,
        }
    }
}

async fn search_set(hub: &Hub, ids: &[String], filters: Filters) -> Vec<usize> {
    let mut found = search(hub, ids, filters, None).await;
    found.sort_unstable();
    found
}

/// Items 0..6 were taken on the dates in `photoslibrary1_client::TAKEN`, item 2 with GPS.
async fn media_item_checks(hub: &Hub, items: &[MediaItem]) {
    let ids: Vec<String> = items.iter().map(|i| i.id.clone().unwrap()).collect();
    let media = hub.media_items();

    let (_, item) = media.get(&ids[0]).doit().await.unwrap();
    assert_eq!(item.mime_type.as_deref(), Some("image/jpeg"));
    assert_eq!(item.filename.as_deref(), Some("photo-0.jpg"));
    assert_eq!(item.description.as_deref(), Some("photo 0"));
    let metadata = item.media_metadata.unwrap();
    assert_eq!((metadata.width, metadata.height), (Some(64), Some(48)));
    assert_eq!(
        metadata.creation_time.unwrap().to_rfc3339(),
        "2019-03-14T12:00:00+00:00"
    );
    let photo = metadata.photo.unwrap();
    assert_eq!(photo.camera_make.as_deref(), Some("Canon"));
    assert_eq!(photo.iso_equivalent, Some(400));
    assert_eq!(photo.aperture_f_number, Some(2.8));
    assert_eq!(photo.focal_length, Some(50.0));
    assert_eq!(photo.exposure_time.unwrap().num_milliseconds(), 8);
    assert!(item.base_url.is_some() && item.product_url.is_some());

    let (_, batch) = media
        .batch_get()
        .add_media_item_ids(&ids[1])
        .add_media_item_ids(&ids[0])
        .add_media_item_ids("AUnknownItem")
        .doit()
        .await
        .unwrap();
    let results = batch.media_item_results.unwrap();
    assert_eq!(
        results[0].media_item.as_ref().unwrap().id,
        Some(ids[1].clone())
    );
    assert_eq!(
        results[1].media_item.as_ref().unwrap().id,
        Some(ids[0].clone())
    );
    let status = results[2].status.as_ref().unwrap();
    assert_eq!(status.code, Some(3));
    assert_eq!(status.message.as_deref(), Some("Invalid media item ID."));

    let mut too_many = media.batch_get();
    for n in 0..51 {
        too_many = too_many.add_media_item_ids(&format!("AUnknown{n}"));
    }
    let (code, status, _) = refusal(too_many.doit().await);
    assert_eq!((code, status.as_str()), (400, "INVALID_ARGUMENT"));

    let (mut listed, mut pages, mut page_token) = (Vec::new(), 0, None::<String>);
    loop {
        let mut call = media.list().page_size(4);
        if let Some(token) = &page_token {
            call = call.page_token(token);
        }
        let (_, page) = call.doit().await.unwrap();
        pages += 1;
        listed.extend(
            page.media_items
                .unwrap_or_default()
                .into_iter()
                .map(|i| i.id.unwrap()),
        );
        page_token = page.next_page_token;
        if page_token.is_none() {
            break;
        }
    }
    listed.sort();
    let mut all = ids.clone();
    all.sort();
    assert_eq!((listed, pages), (all, 2));

    let edit = MediaItem {
        description: Some("edited".into()),
        ..Default::default()
    };
    let (_, patched) = media
        .patch(edit, &ids[5])
        .update_mask(FieldMask::new(&["description"]))
        .doit()
        .await
        .unwrap();
    assert_eq!(patched.description.as_deref(), Some("edited"));

    let dates = |dates: Vec<Date>, ranges: Vec<DateRange>| Filters {
        date_filter: Some(DateFilter {
            dates: Some(dates),
            ranges: Some(ranges),
        }),
        ..Default::default()
    };
    let range = |from: Date, to: Date| DateRange {
        start_date: Some(from),
        end_date: Some(to),
    };
    let year_2019 = Date {
        year: Some(2019),
        ..Default::default()
    };
    assert_eq!(
        search_set(hub, &ids, dates(vec![year_2019], vec![])).await,
        [0, 1]
    );
    let any_year = Date {
        month: Some(3),
        day: Some(14),
        year: None,
    };
    assert_eq!(
        search_set(hub, &ids, dates(vec![any_year], vec![])).await,
        [0, 3]
    );
    let span = range(date(2019, 6, 1), date(2021, 3, 14));
    assert_eq!(
        search_set(hub, &ids, dates(vec![], vec![span.clone()])).await,
        [1, 2, 3]
    );
    let or_day = dates(vec![date(2023, 1, 2)], vec![span]);
    assert_eq!(search_set(hub, &ids, or_day).await, [1, 2, 3, 5]);
    let everything = dates(vec![], vec![range(date(2019, 1, 1), date(2023, 12, 31))]);
    let oldest_first = Some("MediaMetadata.creation_time");
    assert_eq!(
        search(hub, &ids, everything.clone(), oldest_first).await,
        [0, 1, 2, 3, 4, 5]
    );
    let newest_first = Some("MediaMetadata.creation_time desc");
    assert_eq!(
        search(hub, &ids, everything, newest_first).await,
        [5, 4, 3, 2, 1, 0]
    );

    let kinds = |kind: &str| Filters {
        media_type_filter: Some(MediaTypeFilter {
            media_types: Some(vec![kind.to_owned()]),
        }),
        ..Default::default()
    };
    assert_eq!(
        search_set(hub, &ids, kinds("PHOTO")).await,
        [0, 1, 2, 3, 4, 5]
    );
    assert_eq!(
        search_set(hub, &ids, kinds("VIDEO")).await,
        Vec::<usize>::new()
    );
    let favorites = Filters {
        feature_filter: Some(FeatureFilter {
            included_features: Some(vec!["FAVORITES".into()]),
        }),
        ..Default::default()
    };
    assert_eq!(search_set(hub, &ids, favorites).await, Vec::<usize>::new());
    let landscapes = Filters {
        content_filter: Some(ContentFilter {
            included_content_categories: Some(vec!["LANDSCAPES".into()]),
            excluded_content_categories: None,
        }),
        ..Default::default()
    };
    assert_eq!(search_set(hub, &ids, landscapes).await, Vec::<usize>::new());
    let flags = Filters {
        include_archived_media: Some(true),
        exclude_non_app_created_data: Some(true),
        ..Default::default()
    };
    assert_eq!(search_set(hub, &ids, flags).await, [0, 1, 2, 3, 4, 5]);
}

#[tokio::test]
async fn media_items_and_search_through_the_generated_client() {
    let app = spawn_app().await;
    let hub = hub(&app).await;
    let items = create(&app, &hub, &[0, 1, 2, 3, 4, 5], None, None).await;
    media_item_checks(&hub, &items).await;
}
