//! Media items and albums as Google renders them: proto-JSON (int64 as strings, defaults
//! and empty lists omitted), fields in Google's order, and freshly signed `baseUrl`s.

use albumen_core::media::{MediaItem, MediaKind};
use albumen_library::base_url::{BaseUrlSigner, library_claims};
use albumen_library::service::{AlbumView, ItemView};
use serde_json::{Map, Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// What the URLs in a response are built from.
#[derive(Debug, Clone, Copy)]
pub(crate) struct UrlContext<'a> {
    pub public_url: &'a str,
    pub signer: &'a BaseUrlSigner,
    pub now: OffsetDateTime,
}

impl UrlContext<'_> {
    fn base_url(&self, item: &MediaItem) -> String {
        let token = self
            .signer
            // Bound to the item's owner: a member of a shared album reads items of others,
            // and only callers allowed to read the item are handed its URL.
            .sign(&library_claims(&item.id, item.user_id.as_str(), self.now));
        format!("{}/lr/{token}", self.public_url)
    }

    fn item_product_url(&self, item_id: &str, in_album: Option<&str>) -> String {
        match in_album {
            Some(album) => format!("{}/lr/album/{album}/photo/{item_id}", self.public_url),
            None => format!("{}/lr/photo/{item_id}", self.public_url),
        }
    }

    pub(crate) fn album_product_url(&self, album_id: &str) -> String {
        format!("{}/lr/album/{album_id}", self.public_url)
    }

    pub(crate) fn share_url(&self, share_token: &str) -> String {
        format!("{}/lr/share/{share_token}", self.public_url)
    }
}

/// `google-datetime`: RFC 3339 in UTC with `Z`, fractional seconds only when present.
pub(crate) fn datetime(at: OffsetDateTime) -> String {
    let utc = at.to_offset(time::UtcOffset::UTC);
    let whole = utc.replace_nanosecond(0).unwrap_or(utc);
    let text = whole.format(&Rfc3339).unwrap_or_default();
    let nanos = utc.nanosecond();
    if nanos == 0 {
        return text;
    }
    let digits = if nanos.is_multiple_of(1_000_000) {
        format!("{:03}", nanos / 1_000_000)
    } else if nanos.is_multiple_of(1_000) {
        format!("{:06}", nanos / 1_000)
    } else {
        format!("{nanos:09}")
    };
    format!("{}.{digits}Z", text.trim_end_matches('Z'))
}

/// `google-duration`: decimal seconds with an `s`, 0, 3, 6 or 9 fractional digits as
/// proto-JSON writes them (e.g. `"0.008s"`).
pub(crate) fn duration(seconds: f64) -> Option<String> {
    if !seconds.is_finite() || seconds < 0.0 {
        return None;
    }
    let total_nanos = (seconds * 1e9).round();
    if total_nanos > 9.0e18 {
        return None;
    }
    // In range and non-negative, checked above.
    let total = total_nanos as u64;
    let (whole, nanos) = (total / 1_000_000_000, total % 1_000_000_000);
    Some(if nanos == 0 {
        format!("{whole}s")
    } else if nanos.is_multiple_of(1_000_000) {
        format!("{whole}.{:03}s", nanos / 1_000_000)
    } else if nanos.is_multiple_of(1_000) {
        format!("{whole}.{:06}s", nanos / 1_000)
    } else {
        format!("{whole}.{nanos:09}s")
    })
}

fn put(map: &mut Map<String, Value>, key: &str, value: Option<Value>) {
    if let Some(value) = value {
        map.insert(key.to_owned(), value);
    }
}

fn non_empty(text: &str) -> Option<Value> {
    (!text.is_empty()).then(|| json!(text))
}

fn media_metadata(item: &MediaItem) -> Value {
    let facts = &item.facts;
    let mut meta = Map::new();
    meta.insert("creationTime".into(), json!(datetime(item.creation_time)));
    put(&mut meta, "width", item.width.map(|w| json!(w.to_string())));
    put(
        &mut meta,
        "height",
        item.height.map(|h| json!(h.to_string())),
    );
    let mut details = Map::new();
    put(
        &mut details,
        "cameraMake",
        facts.camera_make.as_deref().and_then(non_empty),
    );
    put(
        &mut details,
        "cameraModel",
        facts.camera_model.as_deref().and_then(non_empty),
    );
    match item.kind {
        MediaKind::Photo => {
            put(
                &mut details,
                "focalLength",
                facts.focal_length.map(|v| json!(v)),
            );
            put(
                &mut details,
                "apertureFNumber",
                facts.aperture_f_number.map(|v| json!(v)),
            );
            put(
                &mut details,
                "isoEquivalent",
                facts.iso_equivalent.map(|v| json!(v)),
            );
            put(
                &mut details,
                "exposureTime",
                facts.exposure_time.and_then(duration).map(|v| json!(v)),
            );
            meta.insert("photo".into(), Value::Object(details));
        }
        MediaKind::Video => {
            put(&mut details, "fps", facts.fps.map(|v| json!(v)));
            put(
                &mut details,
                "status",
                item.video_status.map(|s| json!(s.as_str())),
            );
            meta.insert("video".into(), Value::Object(details));
        }
    }
    Value::Object(meta)
}

/// A `MediaItem`.
pub(crate) fn media_item(view: &ItemView, urls: &UrlContext<'_>) -> Value {
    let item = &view.item;
    let mut out = Map::new();
    out.insert("id".into(), json!(item.id));
    put(&mut out, "description", non_empty(&item.description));
    out.insert(
        "productUrl".into(),
        json!(urls.item_product_url(&item.id, view.in_album.as_deref())),
    );
    out.insert("baseUrl".into(), json!(urls.base_url(item)));
    out.insert("mimeType".into(), json!(item.mime_type));
    out.insert("mediaMetadata".into(), media_metadata(item));
    out.insert("filename".into(), json!(item.filename));
    Value::Object(out)
}

/// An `Album`.
pub(crate) fn album(view: &AlbumView, urls: &UrlContext<'_>) -> Value {
    let album = &view.album;
    let mut out = Map::new();
    out.insert("id".into(), json!(album.id));
    put(&mut out, "title", non_empty(&album.title));
    out.insert(
        "productUrl".into(),
        json!(urls.album_product_url(&album.id)),
    );
    if view.is_writeable {
        out.insert("isWriteable".into(), json!(true));
    }
    if let (true, Some(share)) = (view.show_share_info, &album.share) {
        let mut options = Map::new();
        if share.is_collaborative {
            options.insert("isCollaborative".into(), json!(true));
        }
        if share.is_commentable {
            options.insert("isCommentable".into(), json!(true));
        }
        let mut info = Map::new();
        info.insert("sharedAlbumOptions".into(), Value::Object(options));
        info.insert(
            "shareableUrl".into(),
            json!(urls.share_url(&share.share_token)),
        );
        info.insert("shareToken".into(), json!(share.share_token));
        if view.is_joined {
            info.insert("isJoined".into(), json!(true));
        }
        if view.is_owned {
            info.insert("isOwned".into(), json!(true));
        }
        if !view.is_joined {
            info.insert("isJoinable".into(), json!(true));
        }
        out.insert("shareInfo".into(), Value::Object(info));
    }
    if album.media_items_count > 0 {
        out.insert(
            "mediaItemsCount".into(),
            json!(album.media_items_count.to_string()),
        );
    }
    if let Some(cover) = &view.cover {
        out.insert("coverPhotoBaseUrl".into(), json!(urls.base_url(cover)));
        out.insert("coverPhotoMediaItemId".into(), json!(cover.id));
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    #[test]
    fn datetimes_are_utc_with_z_and_trimmed_fractions() {
        assert_eq!(
            datetime(datetime!(2014-10-02 15:01:23 UTC)),
            "2014-10-02T15:01:23Z"
        );
        assert_eq!(
            datetime(datetime!(2014-10-02 17:01:23.045 +02:00)),
            "2014-10-02T15:01:23.045Z"
        );
        assert_eq!(
            datetime(datetime!(2014-10-02 15:01:23.000045 UTC)),
            "2014-10-02T15:01:23.000045Z"
        );
    }

    #[test]
    fn durations_follow_proto_json() {
        assert_eq!(duration(0.008).as_deref(), Some("0.008s"));
        assert_eq!(duration(2.0).as_deref(), Some("2s"));
        assert_eq!(duration(1.0 / 3.0).as_deref(), Some("0.333333333s"));
        assert_eq!(duration(-1.0), None);
    }
}
