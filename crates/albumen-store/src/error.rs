//! Classifies `sqlx` errors into the core's [`StoreError`] at the source.

use albumen_core::StoreError;

/// Turns a driver error into a domain error. Unique violations are reported by the caller,
/// which knows which rule it may break (see [`unique_violation_as`]).
pub(crate) fn classify(err: sqlx::Error) -> StoreError {
    match err {
        sqlx::Error::RowNotFound => StoreError::NotFound,
        sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed => StoreError::Unavailable(Box::new(err)),
        sqlx::Error::Database(ref db) if is_unavailable_code(db.code().as_deref()) => {
            StoreError::Unavailable(Box::new(err))
        }
        other => StoreError::Internal(Box::new(other)),
    }
}

/// PostgreSQL reports a dropped or starting-up database with these SQLSTATEs (class 57P and
/// 3D000); SQLite's "unable to open database file" is code 14.
fn is_unavailable_code(code: Option<&str>) -> bool {
    matches!(
        code,
        Some("57P01" | "57P02" | "57P03" | "3D000" | "08006" | "08001" | "14")
    )
}

/// Like [`classify`], but a unique violation becomes `Conflict { what }`.
pub(crate) fn unique_violation_as(what: &'static str) -> impl Fn(sqlx::Error) -> StoreError {
    move |err| match &err {
        sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict { what },
        _ => classify(err),
    }
}

/// `Ok` when a statement touched a row, `NotFound` when it touched none.
pub(crate) fn found(affected: u64) -> Result<(), StoreError> {
    if affected == 0 {
        Err(StoreError::NotFound)
    } else {
        Ok(())
    }
}

/// Like [`classify`], but a row that references a missing one (a foreign key violation)
/// becomes `NotFound`: the caller named something that does not exist.
pub(crate) fn missing_reference_as_not_found(err: sqlx::Error) -> StoreError {
    match &err {
        sqlx::Error::Database(db) if db.is_foreign_key_violation() => StoreError::NotFound,
        _ => classify(err),
    }
}
