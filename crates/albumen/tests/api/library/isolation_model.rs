//! The model behind the isolation property: who created which item and album, what each
//! (user, client) should see, and the answer each call should get.

use albumen_library::profile::Profile;
use reqwest::StatusCode;

/// Four callers: users 0 and 1, each through client 0 (Desktop) and client 1 (Web).
pub const ACTORS: usize = 4;

pub fn user_of(actor: usize) -> usize {
    actor / 2
}

/// A created item: who made it and what its description should be.
#[derive(Debug, Clone)]
pub struct ItemModel {
    pub id: String,
    pub creator: usize,
    pub description: String,
}

/// A created album, with its items in album order.
#[derive(Debug, Clone)]
pub struct AlbumModel {
    pub id: String,
    pub creator: usize,
    pub title: String,
    pub items: Vec<String>,
}

/// A refusal as the envelope carries it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refusal {
    pub status: StatusCode,
    pub state: &'static str,
    pub message: &'static str,
}

const fn bad(message: &'static str) -> Refusal {
    Refusal {
        status: StatusCode::BAD_REQUEST,
        state: "INVALID_ARGUMENT",
        message,
    }
}

pub const INVALID_ITEM: Refusal = bad("Invalid media item ID.");
pub const INVALID_ALBUM: Refusal = bad("Invalid album ID.");
pub const ITEM_IN_REQUEST: Refusal = bad("Request contains an invalid media item id.");
pub const NO_PERMISSION_TO_ADD: Refusal = bad("No permission to add media items to this album.");
pub const NO_PERMISSION: Refusal = Refusal {
    status: StatusCode::FORBIDDEN,
    state: "PERMISSION_DENIED",
    message: "The caller does not have permission",
};
pub const NO_SUCH_ALBUM: Refusal = Refusal {
    status: StatusCode::NOT_FOUND,
    state: "NOT_FOUND",
    message: "The provided ID does not match any albums.",
};

/// Everything created so far.
#[derive(Debug)]
pub struct Model {
    pub profile: Profile,
    pub items: Vec<ItemModel>,
    pub albums: Vec<AlbumModel>,
}

impl Model {
    pub fn new(profile: Profile) -> Self {
        Self {
            profile,
            items: Vec::new(),
            albums: Vec::new(),
        }
    }

    /// Under `legacy`, client 0 of each user holds the library-wide scope.
    pub fn reads_whole_library(&self, actor: usize) -> bool {
        self.profile.is_legacy() && actor.is_multiple_of(2)
    }

    /// Whether `actor` sees (and may put into its albums) what `creator` made.
    pub fn sees(&self, actor: usize, creator: usize) -> bool {
        user_of(actor) == user_of(creator) && (creator == actor || self.reads_whole_library(actor))
    }

    pub fn visible_items(&self, actor: usize) -> Vec<&ItemModel> {
        let items = self.items.iter();
        items.filter(|i| self.sees(actor, i.creator)).collect()
    }

    pub fn visible_albums(&self, actor: usize) -> Vec<&AlbumModel> {
        let albums = self.albums.iter();
        albums.filter(|a| self.sees(actor, a.creator)).collect()
    }

    /// `albums.get` and `mediaItems.search` by album.
    pub fn read_album(&self, actor: usize, album: &AlbumModel) -> Result<(), Refusal> {
        if user_of(actor) != user_of(album.creator) {
            Err(INVALID_ALBUM)
        } else if self.sees(actor, album.creator) {
            Ok(())
        } else {
            Err(NO_PERMISSION)
        }
    }

    /// `albums.patch` and `albums.batchRemoveMediaItems` need the caller's own album.
    pub fn edit_album(&self, actor: usize, album: &AlbumModel) -> Result<(), Refusal> {
        if user_of(actor) != user_of(album.creator) {
            Err(INVALID_ALBUM)
        } else if album.creator == actor {
            Ok(())
        } else {
            Err(NO_PERMISSION)
        }
    }

    /// `albums.batchAddMediaItems`.
    pub fn add_to_album(
        &self,
        actor: usize,
        album: &AlbumModel,
        item: &ItemModel,
    ) -> Result<(), Refusal> {
        if user_of(actor) != user_of(album.creator) {
            Err(INVALID_ALBUM)
        } else if album.creator != actor {
            Err(NO_PERMISSION_TO_ADD)
        } else if !self.sees(actor, item.creator) {
            Err(ITEM_IN_REQUEST)
        } else {
            Ok(())
        }
    }

    /// `albums.batchRemoveMediaItems`.
    pub fn remove_from_album(
        &self,
        actor: usize,
        album: &AlbumModel,
        item: &ItemModel,
    ) -> Result<(), Refusal> {
        self.edit_album(actor, album)?;
        if self.sees(actor, item.creator) && album.items.contains(&item.id) {
            Ok(())
        } else {
            Err(ITEM_IN_REQUEST)
        }
    }

    /// `mediaItems.batchCreate` into an album.
    pub fn create_into(&self, actor: usize, album: &AlbumModel) -> Result<(), Refusal> {
        if user_of(actor) != user_of(album.creator) {
            Err(NO_SUCH_ALBUM)
        } else if album.creator != actor {
            Err(NO_PERMISSION_TO_ADD)
        } else {
            Ok(())
        }
    }

    /// `mediaItems.patch`: only the item's own app may describe it.
    pub fn describe(&self, actor: usize, item: &ItemModel) -> Result<(), Refusal> {
        if item.creator == actor {
            Ok(())
        } else {
            Err(INVALID_ITEM)
        }
    }

    /// `mediaItems.get` and each slot of `batchGet`.
    pub fn read_item(&self, actor: usize, item: &ItemModel) -> Result<(), Refusal> {
        if self.sees(actor, item.creator) {
            Ok(())
        } else {
            Err(INVALID_ITEM)
        }
    }
}
