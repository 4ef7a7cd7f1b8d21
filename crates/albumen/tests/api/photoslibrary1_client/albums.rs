//! Albums through the generated client: create, positions of every kind in batchCreate,
//! enrichments of every kind, batch add and remove, get, patch and list with pages.

use google_photoslibrary1::FieldMask;
use google_photoslibrary1::api::{
    AddEnrichmentToAlbumRequest, Album, AlbumPosition, BatchAddMediaItemsToAlbumRequest,
    BatchRemoveMediaItemsFromAlbumRequest, CreateAlbumRequest, LatLng, Location,
    LocationEnrichment, MapEnrichment, MediaItem, NewEnrichmentItem, SearchMediaItemsRequest,
    TextEnrichment,
};

use albumen_testkit::spawn_app;

use super::{Hub, create, hub, position, refusal};

pub async fn album_order(hub: &Hub, album_id: &str) -> Vec<String> {
    let mut ids = Vec::new();
    let mut page_token = None;
    loop {
        let request = SearchMediaItemsRequest {
            album_id: Some(album_id.to_owned()),
            page_size: Some(2),
            page_token: page_token.take(),
            ..Default::default()
        };
        let (_, page) = hub.media_items().search(request).doit().await.unwrap();
        ids.extend(
            page.media_items
                .unwrap_or_default()
                .into_iter()
                .map(|i| i.id.unwrap()),
        );
        match page.next_page_token {
            Some(next) => page_token = Some(next),
            None => return ids,
        }
    }
}

fn id(item: &MediaItem) -> String {
    item.id.clone().unwrap()
}

async fn enrich(hub: &Hub, album_id: &str, item: NewEnrichmentItem, at: AlbumPosition) -> String {
    let request = AddEnrichmentToAlbumRequest {
        new_enrichment_item: Some(item),
        album_position: Some(at),
    };
    let (_, answer) = hub
        .albums()
        .add_enrichment(request, album_id)
        .doit()
        .await
        .unwrap();
    answer.enrichment_item.unwrap().id.unwrap()
}

fn place(name: &str, latitude: f64, longitude: f64) -> Location {
    Location {
        location_name: Some(name.to_owned()),
        latlng: Some(LatLng {
            latitude: Some(latitude),
            longitude: Some(longitude),
        }),
    }
}

#[tokio::test]
async fn albums_positions_and_enrichments_through_the_generated_client() {
    let app = spawn_app().await;
    let hub = hub(&app).await;
    let albums = hub.albums();
    let create_album = |title: &str| CreateAlbumRequest {
        album: Some(Album {
            title: Some(title.to_owned()),
            ..Default::default()
        }),
    };
    let (_, album) = albums.create(create_album("Trip")).doit().await.unwrap();
    let album_id = album.id.clone().unwrap();
    assert_eq!(album.title.as_deref(), Some("Trip"));
    assert_eq!(album.is_writeable, Some(true));
    let album_ref = Some(album_id.as_str());

    let first = create(
        &app,
        &hub,
        &[0, 1],
        album_ref,
        Some(position("LAST_IN_ALBUM", None, None)),
    )
    .await;
    let (a, b) = (id(&first[0]), id(&first[1]));
    let c = id(&create(
        &app,
        &hub,
        &[2],
        album_ref,
        Some(position("FIRST_IN_ALBUM", None, None)),
    )
    .await[0]);
    let at_a = position("AFTER_MEDIA_ITEM", Some(&a), None);
    let d = id(&create(&app, &hub, &[3], album_ref, Some(at_a)).await[0]);
    let text = NewEnrichmentItem {
        text_enrichment: Some(TextEnrichment {
            text: Some("Day two".into()),
        }),
        ..Default::default()
    };
    let text_id = enrich(
        &hub,
        &album_id,
        text,
        position("AFTER_MEDIA_ITEM", Some(&d), None),
    )
    .await;
    let after_text = position("AFTER_ENRICHMENT_ITEM", None, Some(&text_id));
    let e = id(&create(&app, &hub, &[4], album_ref, Some(after_text)).await[0]);
    let paris = place("Paris", 48.8566, 2.3522);
    let location = NewEnrichmentItem {
        location_enrichment: Some(LocationEnrichment {
            location: Some(paris.clone()),
        }),
        ..Default::default()
    };
    let map = NewEnrichmentItem {
        map_enrichment: Some(MapEnrichment {
            origin: Some(paris),
            destination: Some(place("Lyon", 45.764, 4.8357)),
        }),
        ..Default::default()
    };
    let location_id = enrich(
        &hub,
        &album_id,
        location,
        position("FIRST_IN_ALBUM", None, None),
    )
    .await;
    let map_id = enrich(&hub, &album_id, map, position("LAST_IN_ALBUM", None, None)).await;
    assert!(text_id != location_id && location_id != map_id);
    assert_eq!(
        album_order(&hub, &album_id).await,
        [c.clone(), a.clone(), d.clone(), e.clone(), b.clone()]
    );

    let f = id(&create(&app, &hub, &[5], None, None).await[0]);
    let add = BatchAddMediaItemsToAlbumRequest {
        media_item_ids: Some(vec![f.clone()]),
    };
    albums
        .batch_add_media_items(add, &album_id)
        .doit()
        .await
        .unwrap();
    let remove = BatchRemoveMediaItemsFromAlbumRequest {
        media_item_ids: Some(vec![a.clone()]),
    };
    albums
        .batch_remove_media_items(remove, &album_id)
        .doit()
        .await
        .unwrap();
    assert_eq!(album_order(&hub, &album_id).await, [c, d, e.clone(), b, f]);

    let (_, got) = albums.get(&album_id).doit().await.unwrap();
    assert_eq!(
        got.media_items_count,
        Some(5),
        "an int64 string on the wire"
    );
    let edit = Album {
        title: Some("Trip (edited)".into()),
        cover_photo_media_item_id: Some(e.clone()),
        ..Default::default()
    };
    let mask = FieldMask::new(&["title", "coverPhotoMediaItemId"]);
    let (_, patched) = albums
        .patch(edit, &album_id)
        .update_mask(mask)
        .doit()
        .await
        .unwrap();
    assert_eq!(patched.title.as_deref(), Some("Trip (edited)"));
    assert_eq!(
        patched.cover_photo_media_item_id.as_deref(),
        Some(e.as_str())
    );
    assert!(patched.cover_photo_base_url.is_some());

    let (_, second) = albums.create(create_album("Second")).doit().await.unwrap();
    let mut listed = Vec::new();
    let mut page_token: Option<String> = None;
    loop {
        let mut call = albums
            .list()
            .page_size(1)
            .exclude_non_app_created_data(true);
        if let Some(token) = &page_token {
            call = call.page_token(token);
        }
        let (_, page) = call.doit().await.unwrap();
        listed.extend(
            page.albums
                .unwrap_or_default()
                .into_iter()
                .map(|a| a.id.unwrap()),
        );
        page_token = page.next_page_token;
        if page_token.is_none() {
            break;
        }
    }
    listed.sort();
    let mut expected = vec![album_id.clone(), second.id.unwrap()];
    expected.sort();
    assert_eq!(listed, expected);

    let unknown = albums.get("AUnknownAlbum").doit().await;
    assert_eq!(refusal(unknown).0, 400);
}
