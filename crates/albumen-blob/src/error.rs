//! What blob operations report.

type Cause = Box<dyn std::error::Error + Send + Sync + 'static>;

#[derive(Debug, thiserror::Error)]
pub enum BlobError {
    #[error("blob not found")]
    NotFound,
    /// The requested byte range starts at or beyond the end of the blob.
    #[error("range not satisfiable for a blob of {size} bytes")]
    RangeNotSatisfiable { size: u64 },
    /// The stream of bytes being stored failed (a client went away, say). Nothing was stored.
    #[error("the input stream failed")]
    Input(#[source] Cause),
    /// The backing store failed or cannot be reached.
    #[error("blob storage unavailable")]
    Unavailable(#[source] Cause),
}

impl BlobError {
    pub(crate) fn from_store(err: object_store::Error) -> Self {
        match err {
            object_store::Error::NotFound { .. } => Self::NotFound,
            other => Self::Unavailable(Box::new(other)),
        }
    }

    pub(crate) fn io(err: std::io::Error) -> Self {
        Self::Unavailable(Box::new(err))
    }

    pub fn is_not_found(&self) -> bool {
        matches!(self, Self::NotFound)
    }
}
