//! The request bodies of the Library JSON methods, as proto-JSON (lowerCamelCase after the
//! body extractor has normalised snake_case names and dropped nulls), and their conversion
//! into the service's inputs.

use albumen_library::batch_create::{BatchCreateInput, NewItemInput};
use albumen_library::enrichment::{EnrichmentInput, LatLngInput, LocationInput};
use albumen_library::search::{
    ContentCategory, DateInput, Feature, FiltersInput, MediaTypeChoice, SearchInput,
};
use albumen_library::service::{PositionInput, PositionType};
use albumen_library::sharing::ShareOptions;
use serde::Deserialize;
use serde::de::IgnoredAny;

use crate::extract::proto_json::{self, ProtoEnum};

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
/// An `Album` as a patch body: output-only fields are accepted and ignored, as clients send
/// back what they read.
pub(crate) struct AlbumBody {
    pub id: Option<String>,
    pub title: Option<String>,
    #[serde(rename = "productUrl")]
    _product_url: Option<IgnoredAny>,
    #[serde(rename = "isWriteable")]
    _is_writeable: Option<IgnoredAny>,
    #[serde(rename = "shareInfo")]
    _share_info: Option<IgnoredAny>,
    #[serde(rename = "mediaItemsCount")]
    _media_items_count: Option<IgnoredAny>,
    #[serde(rename = "coverPhotoBaseUrl")]
    _cover_photo_base_url: Option<IgnoredAny>,
    pub cover_photo_media_item_id: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct CreateAlbumRequest {
    pub album: Option<AlbumBody>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct MediaItemBody {
    pub id: Option<String>,
    pub description: Option<String>,
    #[serde(rename = "productUrl")]
    _product_url: Option<IgnoredAny>,
    #[serde(rename = "baseUrl")]
    _base_url: Option<IgnoredAny>,
    #[serde(rename = "mimeType")]
    _mime_type: Option<IgnoredAny>,
    #[serde(rename = "mediaMetadata")]
    _media_metadata: Option<IgnoredAny>,
    #[serde(rename = "contributorInfo")]
    _contributor_info: Option<IgnoredAny>,
    #[serde(rename = "filename")]
    _filename: Option<IgnoredAny>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct AlbumPositionBody {
    #[serde(default, deserialize_with = "proto_json::enum_value")]
    pub position: PositionType,
    pub relative_media_item_id: Option<String>,
    pub relative_enrichment_item_id: Option<String>,
}

impl From<AlbumPositionBody> for PositionInput {
    fn from(body: AlbumPositionBody) -> Self {
        PositionInput {
            position: body.position,
            relative_media_item_id: body.relative_media_item_id,
            relative_enrichment_item_id: body.relative_enrichment_item_id,
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct SimpleMediaItemBody {
    pub upload_token: Option<String>,
    pub file_name: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct NewMediaItemBody {
    pub description: Option<String>,
    pub simple_media_item: Option<SimpleMediaItemBody>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct BatchCreateRequest {
    pub album_id: Option<String>,
    #[serde(default)]
    pub new_media_items: Vec<NewMediaItemBody>,
    pub album_position: Option<AlbumPositionBody>,
}

impl From<BatchCreateRequest> for BatchCreateInput {
    fn from(body: BatchCreateRequest) -> Self {
        BatchCreateInput {
            album_id: body.album_id,
            items: body
                .new_media_items
                .into_iter()
                .map(|item| {
                    let simple = item.simple_media_item.unwrap_or_default();
                    NewItemInput {
                        upload_token: simple.upload_token.unwrap_or_default(),
                        file_name: simple.file_name,
                        description: item.description,
                    }
                })
                .collect(),
            position: body.album_position.map(PositionInput::from),
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct MediaItemIdsRequest {
    #[serde(default)]
    pub media_item_ids: Vec<String>,
}

#[derive(Debug, Default, Clone, Copy, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct DateBody {
    #[serde(default, deserialize_with = "proto_json::opt_int32")]
    pub year: Option<i32>,
    #[serde(default, deserialize_with = "proto_json::opt_int32")]
    pub month: Option<i32>,
    #[serde(default, deserialize_with = "proto_json::opt_int32")]
    pub day: Option<i32>,
}

impl From<DateBody> for DateInput {
    fn from(d: DateBody) -> Self {
        DateInput {
            year: d.year.map_or(0, i64::from),
            month: d.month.map_or(0, i64::from),
            day: d.day.map_or(0, i64::from),
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct DateRangeBody {
    pub start_date: Option<DateBody>,
    pub end_date: Option<DateBody>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct DateFilterBody {
    #[serde(default)]
    pub dates: Vec<DateBody>,
    #[serde(default)]
    pub ranges: Vec<DateRangeBody>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct ContentFilterBody {
    #[serde(default, deserialize_with = "proto_json::enum_list")]
    pub included_content_categories: Vec<ContentCategory>,
    #[serde(default, deserialize_with = "proto_json::enum_list")]
    pub excluded_content_categories: Vec<ContentCategory>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct MediaTypeFilterBody {
    #[serde(default, deserialize_with = "proto_json::enum_list")]
    pub media_types: Vec<MediaTypeChoice>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct FeatureFilterBody {
    #[serde(default, deserialize_with = "proto_json::enum_list")]
    pub included_features: Vec<Feature>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct FiltersBody {
    pub date_filter: Option<DateFilterBody>,
    pub content_filter: Option<ContentFilterBody>,
    pub media_type_filter: Option<MediaTypeFilterBody>,
    pub feature_filter: Option<FeatureFilterBody>,
    #[serde(default)]
    pub include_archived_media: bool,
    #[serde(default)]
    pub exclude_non_app_created_data: bool,
}

impl From<FiltersBody> for FiltersInput {
    fn from(f: FiltersBody) -> Self {
        FiltersInput {
            date_filter: f.date_filter.map(|d| {
                (
                    d.dates.into_iter().map(DateInput::from).collect(),
                    d.ranges
                        .into_iter()
                        .map(|r| {
                            (
                                r.start_date.map(DateInput::from),
                                r.end_date.map(DateInput::from),
                            )
                        })
                        .collect(),
                )
            }),
            content_filter: f
                .content_filter
                .map(|c| (c.included_content_categories, c.excluded_content_categories)),
            media_types: f.media_type_filter.map(|m| m.media_types),
            features: f.feature_filter.map(|x| x.included_features),
            include_archived_media: f.include_archived_media,
            exclude_non_app_created_data: f.exclude_non_app_created_data,
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct SearchRequest {
    pub album_id: Option<String>,
    #[serde(default, deserialize_with = "proto_json::opt_int32")]
    pub page_size: Option<i32>,
    pub page_token: Option<String>,
    pub filters: Option<FiltersBody>,
    pub order_by: Option<String>,
}

impl From<SearchRequest> for SearchInput {
    fn from(body: SearchRequest) -> Self {
        SearchInput {
            album_id: body.album_id.filter(|a| !a.is_empty()),
            page_size: body.page_size.map(i64::from),
            page_token: body.page_token,
            filters: body.filters.map(FiltersInput::from),
            order_by: body.order_by,
        }
    }
}

#[derive(Debug, Default, Clone, Copy, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct LatLngBody {
    #[serde(default)]
    pub latitude: f64,
    #[serde(default)]
    pub longitude: f64,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct LocationBody {
    pub location_name: Option<String>,
    pub latlng: Option<LatLngBody>,
}

impl From<LocationBody> for LocationInput {
    fn from(l: LocationBody) -> Self {
        LocationInput {
            location_name: l.location_name,
            latlng: l.latlng.map(|p| LatLngInput {
                latitude: p.latitude,
                longitude: p.longitude,
            }),
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct TextEnrichmentBody {
    #[serde(default)]
    pub text: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct LocationEnrichmentBody {
    pub location: Option<LocationBody>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct MapEnrichmentBody {
    pub origin: Option<LocationBody>,
    pub destination: Option<LocationBody>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct NewEnrichmentItemBody {
    pub text_enrichment: Option<TextEnrichmentBody>,
    pub location_enrichment: Option<LocationEnrichmentBody>,
    pub map_enrichment: Option<MapEnrichmentBody>,
}

impl From<NewEnrichmentItemBody> for EnrichmentInput {
    fn from(e: NewEnrichmentItemBody) -> Self {
        EnrichmentInput {
            text: e.text_enrichment.map(|t| t.text),
            location: e
                .location_enrichment
                .map(|l| l.location.map(LocationInput::from).unwrap_or_default()),
            map: e.map_enrichment.map(|m| {
                (
                    m.origin.map(LocationInput::from),
                    m.destination.map(LocationInput::from),
                )
            }),
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct AddEnrichmentRequest {
    pub new_enrichment_item: Option<NewEnrichmentItemBody>,
    pub album_position: Option<AlbumPositionBody>,
}

#[derive(Debug, Default, Clone, Copy, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct SharedAlbumOptionsBody {
    #[serde(default)]
    pub is_collaborative: bool,
    #[serde(default)]
    pub is_commentable: bool,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct ShareAlbumRequest {
    pub shared_album_options: Option<SharedAlbumOptionsBody>,
}

impl From<ShareAlbumRequest> for ShareOptions {
    fn from(body: ShareAlbumRequest) -> Self {
        let options = body.shared_album_options.unwrap_or_default();
        ShareOptions {
            is_collaborative: options.is_collaborative,
            is_commentable: options.is_commentable,
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct EmptyRequest {}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct ShareTokenRequest {
    pub share_token: Option<String>,
}

impl ProtoEnum for PositionType {
    const TYPE_URL: &'static str =
        "type.googleapis.com/google.photos.library.v1.AlbumPosition.PositionType";
}

impl ProtoEnum for ContentCategory {
    const TYPE_URL: &'static str = "type.googleapis.com/google.photos.library.v1.ContentCategory";
}

impl ProtoEnum for MediaTypeChoice {
    const TYPE_URL: &'static str =
        "type.googleapis.com/google.photos.library.v1.MediaTypeFilter.MediaType";
}

impl ProtoEnum for Feature {
    const TYPE_URL: &'static str =
        "type.googleapis.com/google.photos.library.v1.FeatureFilter.Feature";
}

/// The query of `mediaItems.list`, `albums.list` and `sharedAlbums.list`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct ListQuery {
    #[serde(default, deserialize_with = "proto_json::opt_int32")]
    pub page_size: Option<i32>,
    pub page_token: Option<String>,
    #[serde(default, deserialize_with = "proto_json::opt_bool")]
    pub exclude_non_app_created_data: Option<bool>,
}

/// The query of `mediaItems.batchGet`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct BatchGetQuery {
    #[serde(default)]
    pub media_item_ids: Vec<String>,
}

/// The query of the `patch` methods.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct PatchQuery {
    pub update_mask: Option<String>,
}
