//! Keyset pagination shared by every `list_*` port method: a page size and an opaque
//! position after which the next page starts. Never OFFSET, so deep pages stay cheap.

/// Which page of a listing to return.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    size: u32,
    after: Option<String>,
}

impl Page {
    /// The largest page any port returns, whatever the caller asks for.
    pub const MAX_SIZE: u32 = 1000;

    /// The first page of `size` items (clamped to `1..=MAX_SIZE`).
    pub fn first(size: u32) -> Self {
        Self {
            size: size.clamp(1, Self::MAX_SIZE),
            after: None,
        }
    }

    /// The page of `size` items that follows the key `after` (as returned in [`Paged::next`]).
    pub fn after(size: u32, after: impl Into<String>) -> Self {
        Self {
            after: Some(after.into()),
            ..Self::first(size)
        }
    }

    pub fn size(&self) -> u32 {
        self.size
    }

    pub fn after_key(&self) -> Option<&str> {
        self.after.as_deref()
    }
}

/// One page of results and, when more remain, the key to pass to [`Page::after`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paged<T> {
    pub items: Vec<T>,
    pub next: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_size_is_clamped_to_the_allowed_range() {
        assert_eq!(Page::first(0).size(), 1);
        assert_eq!(Page::first(50).size(), 50);
        assert_eq!(Page::after(5000, "k").size(), Page::MAX_SIZE);
        assert_eq!(Page::after(5, "k").after_key(), Some("k"));
    }
}
