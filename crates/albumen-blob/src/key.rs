//! The content address of a blob: the lowercase hex SHA-256 of its bytes.

use object_store::path::Path;

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BlobKey(String);

impl BlobKey {
    pub(crate) fn from_digest(digest: &[u8]) -> Self {
        Self(hex::encode(digest))
    }

    /// Accepts exactly 64 lowercase hex digits.
    pub fn parse(hex_digest: &str) -> Option<Self> {
        let ok = hex_digest.len() == 64
            && hex_digest
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        ok.then(|| Self(hex_digest.to_owned()))
    }

    pub fn as_hex(&self) -> &str {
        &self.0
    }

    /// `blobs/sha256/ab/cd/abcd…`: two fan-out levels keep directories small on local disks.
    pub(crate) fn object_path(&self) -> Path {
        let (a, b) = (
            self.0.get(0..2).unwrap_or_default(),
            self.0.get(2..4).unwrap_or_default(),
        );
        Path::from(format!("{BLOB_PREFIX}/{a}/{b}/{}", self.0))
    }

    /// The inverse of [`Self::object_path`], for listings.
    pub(crate) fn from_object_path(path: &Path) -> Option<Self> {
        path.filename().and_then(Self::parse)
    }
}

impl std::fmt::Display for BlobKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

pub(crate) const BLOB_PREFIX: &str = "blobs/sha256";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_parses_only_lowercase_sha256_hex() {
        let hex = "ab".repeat(32);
        assert_eq!(BlobKey::parse(&hex).unwrap().as_hex(), hex);
        assert!(BlobKey::parse(&"AB".repeat(32)).is_none());
        assert!(BlobKey::parse("abc").is_none());
        assert!(BlobKey::parse(&"zz".repeat(32)).is_none());
    }

    #[test]
    fn object_path_fans_out_and_round_trips() {
        let key = BlobKey::parse(&format!("abcd{}", "0".repeat(60))).unwrap();
        let path = key.object_path();
        assert_eq!(
            path.as_ref(),
            format!("blobs/sha256/ab/cd/abcd{}", "0".repeat(60))
        );
        assert_eq!(BlobKey::from_object_path(&path), Some(key));
    }
}
