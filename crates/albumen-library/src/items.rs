//! Reading and editing media items: `get`, `batchGet`, `list`, `search`, `patch`.

use std::collections::HashSet;

use albumen_core::Page;
use albumen_core::media::{MediaItem, Visibility};

use crate::access::{self, Actor, Operation};
use crate::error::{
    DESCRIPTION_TOO_LONG, DUPLICATE_IDS, INVALID_MEDIA_ITEM_ID, LibraryResult, MISSING_UPDATE_MASK,
    NO_IDS, TOO_MANY_IDS, invalid, invalid_update_mask,
};
use crate::ids::is_well_formed;
use crate::page_token;
use crate::search::{self, MEDIA_PAGE, SearchInput};
use crate::service::{ItemView, Library, or_not_found};

/// Ids per batch call.
pub const MAX_BATCH_IDS: usize = 50;
/// Descriptions must be shorter than this many characters.
pub const MAX_DESCRIPTION_CHARS: usize = 1000;

/// One page of items.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemPage {
    pub items: Vec<ItemView>,
    pub next_page_token: Option<String>,
}

/// One slot of a `batchGet` answer: the item, or the reason it is missing.
#[derive(Debug, Clone, PartialEq)]
pub enum BatchGetSlot {
    Found(Box<ItemView>),
    Missing { code: i32, message: &'static str },
}

/// Checks a list of ids for a batch call: present, at most 50, no duplicates.
pub(crate) fn check_batch_ids(ids: &[String]) -> LibraryResult<()> {
    if ids.is_empty() {
        return Err(invalid(NO_IDS));
    }
    if ids.len() > MAX_BATCH_IDS {
        return Err(invalid(TOO_MANY_IDS));
    }
    let mut seen = HashSet::new();
    if !ids.iter().all(|id| seen.insert(id.as_str())) {
        return Err(invalid(DUPLICATE_IDS));
    }
    Ok(())
}

pub(crate) fn check_description(description: &str) -> LibraryResult<()> {
    if description.chars().count() >= MAX_DESCRIPTION_CHARS {
        return Err(invalid(DESCRIPTION_TOO_LONG));
    }
    Ok(())
}

impl Library {
    /// The item if the caller may read it; unknown and foreign ids look alike (Google
    /// answers `Invalid media item ID.` for both, addendum §4.9).
    async fn readable_item(&self, actor: &Actor, id: &str) -> LibraryResult<MediaItem> {
        let unknown = || invalid(INVALID_MEDIA_ITEM_ID);
        if !is_well_formed(id) {
            return Err(unknown());
        }
        let item = or_not_found(self.store.get_media_item(id).await, unknown)?;
        if access::can_read_item(self.settings.profile, actor, &item) {
            Ok(item)
        } else {
            Err(unknown())
        }
    }

    /// `mediaItems.get`.
    pub async fn get_item(&self, actor: &Actor, id: &str) -> LibraryResult<ItemView> {
        self.check(actor, Operation::Read)?;
        let item = self.readable_item(actor, id).await?;
        Ok(ItemView {
            item,
            in_album: None,
        })
    }

    /// `mediaItems.batchGet`: one slot per id, in the order given.
    pub async fn batch_get(
        &self,
        actor: &Actor,
        ids: &[String],
    ) -> LibraryResult<Vec<BatchGetSlot>> {
        self.check(actor, Operation::Read)?;
        check_batch_ids(ids)?;
        let wanted: Vec<String> = ids
            .iter()
            .filter(|id| is_well_formed(id))
            .cloned()
            .collect();
        let found = self.store.get_media_items(&wanted).await?;
        Ok(ids
            .iter()
            .map(|id| {
                found
                    .iter()
                    .find(|item| &item.id == id)
                    .filter(|item| access::can_read_item(self.settings.profile, actor, item))
                    .map_or(
                        BatchGetSlot::Missing {
                            code: 3,
                            message: INVALID_MEDIA_ITEM_ID,
                        },
                        |item| {
                            BatchGetSlot::Found(Box::new(ItemView {
                                item: item.clone(),
                                in_album: None,
                            }))
                        },
                    )
            })
            .collect())
    }

    /// `mediaItems.list`: the caller's items, newest first.
    pub async fn list_items(
        &self,
        actor: &Actor,
        page_size: Option<i64>,
        page_token: Option<&str>,
    ) -> LibraryResult<ItemPage> {
        let input = SearchInput {
            page_size,
            page_token: page_token.map(str::to_owned),
            ..SearchInput::default()
        };
        self.search_items(actor, &input).await
    }

    /// `mediaItems.search`.
    pub async fn search_items(
        &self,
        actor: &Actor,
        input: &SearchInput,
    ) -> LibraryResult<ItemPage> {
        self.check(actor, Operation::Read)?;
        let profile = self.settings.profile;
        let mut query = search::build_query(
            input,
            |exclude| access::visibility(profile, actor, exclude),
            self.clock.now(),
        )?;
        if let Some(album_id) = &query.album_id {
            let album = self.readable_album(actor, album_id).await?;
            // Album contents are what the album holds, whoever's app added them.
            query.visibility = Visibility {
                user_id: album.user_id,
                client_id: None,
            };
        }
        let size = MEDIA_PAGE.resolve(input.page_size)?;
        let fingerprint = page_token::fingerprint(&search::describe(&query));
        let page = match input.page_token.as_deref().filter(|t| !t.is_empty()) {
            Some(token) => Page::after(size, page_token::decode(&fingerprint, token)?),
            None => Page::first(size),
        };
        let found = self
            .store
            .search_media_items(&query, &page)
            .await
            .map_err(page_token::listing_error)?;
        Ok(ItemPage {
            items: found
                .items
                .into_iter()
                .map(|item| ItemView {
                    item,
                    in_album: query.album_id.clone(),
                })
                .collect(),
            next_page_token: found.next.map(|key| page_token::encode(&fingerprint, &key)),
        })
    }

    /// `mediaItems.patch`: only `description`, only on items the caller's app created.
    pub async fn patch_item(
        &self,
        actor: &Actor,
        id: &str,
        update_mask: Option<&str>,
        description: Option<&str>,
    ) -> LibraryResult<ItemView> {
        self.check(actor, Operation::Edit)?;
        let paths = parse_update_mask(update_mask)?;
        for path in &paths {
            if path != "description" {
                return Err(invalid_update_mask(path));
            }
        }
        let description = description.unwrap_or_default();
        check_description(description)?;
        let unknown = || invalid(INVALID_MEDIA_ITEM_ID);
        if !is_well_formed(id) {
            return Err(unknown());
        }
        let item = or_not_found(self.store.get_media_item(id).await, unknown)?;
        if !access::created_by_caller(actor, &item.user_id, item.client_id.as_deref()) {
            return Err(unknown());
        }
        self.store.set_media_description(id, description).await?;
        Ok(ItemView {
            item: MediaItem {
                description: description.to_owned(),
                ..item
            },
            in_album: None,
        })
    }
}

/// Splits a `google-fieldmask` into paths; a missing or empty mask is refused.
pub(crate) fn parse_update_mask(mask: Option<&str>) -> LibraryResult<Vec<String>> {
    let paths: Vec<String> = mask
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_owned)
        .collect();
    if paths.is_empty() {
        return Err(invalid(MISSING_UPDATE_MASK));
    }
    Ok(paths)
}
