//! Errors that storage ports report to the domain. Adapters classify their driver errors into
//! these at the source, so no database type ever crosses into the core.

/// The boxed cause of an infrastructure failure, kept for logs only.
pub type Cause = Box<dyn std::error::Error + Send + Sync + 'static>;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The addressed record does not exist.
    #[error("not found")]
    NotFound,
    /// A uniqueness rule was broken; `what` names the rule (e.g. `users.email`).
    #[error("conflict on {what}")]
    Conflict { what: &'static str },
    /// The backing service cannot be reached (connection refused, pool closed or timed out).
    #[error("storage unavailable")]
    Unavailable(#[source] Cause),
    /// Anything else: a bug or a corrupt record. Never shown to clients.
    #[error("storage failure")]
    Internal(#[source] Cause),
}

impl StoreError {
    pub fn is_not_found(&self) -> bool {
        matches!(self, Self::NotFound)
    }

    pub fn is_unavailable(&self) -> bool {
        matches!(self, Self::Unavailable(_))
    }
}
