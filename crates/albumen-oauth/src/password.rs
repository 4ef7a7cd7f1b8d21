//! Password hashing with Argon2id, off the async runtime. Unknown accounts are checked
//! against a dummy hash so that response time does not reveal which emails exist.

use std::sync::OnceLock;

use albumen_core::user::PasswordHash;
use argon2::password_hash::phc::PasswordHash as Phc;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};

/// Why a password could not be hashed or checked.
#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    #[error("the password must be 8 to 200 characters")]
    Unacceptable,
    #[error("password hashing failed")]
    Hashing,
}

const MIN_CHARS: usize = 8;
const MAX_CHARS: usize = 200;

fn argon2() -> Argon2<'static> {
    // OWASP's first recommendation for Argon2id: 19 MiB, 2 passes, 1 lane.
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Checks the length rule; passwords are otherwise the user's business.
pub fn acceptable(password: &str) -> Result<(), PasswordError> {
    let chars = password.chars().count();
    if (MIN_CHARS..=MAX_CHARS).contains(&chars) {
        Ok(())
    } else {
        Err(PasswordError::Unacceptable)
    }
}

/// Hashes a new password.
pub async fn hash(password: String) -> Result<PasswordHash, PasswordError> {
    acceptable(&password)?;
    tokio::task::spawn_blocking(move || {
        argon2()
            .hash_password(password.as_bytes())
            .map(|phc| PasswordHash::from_phc(phc.to_string()))
            .map_err(|_| PasswordError::Hashing)
    })
    .await
    .map_err(|_| PasswordError::Hashing)?
}

/// Whether `password` matches `stored`; with `None` (unknown account) the work is done
/// against a dummy hash and the answer is always false.
pub async fn verify(password: String, stored: Option<PasswordHash>) -> bool {
    tokio::task::spawn_blocking(move || {
        let phc_text = match &stored {
            Some(hash) => hash.as_phc().to_owned(),
            None => dummy_hash().to_owned(),
        };
        let Ok(phc) = Phc::new(&phc_text) else {
            return false;
        };
        argon2().verify_password(password.as_bytes(), &phc).is_ok() && stored.is_some()
    })
    .await
    .unwrap_or(false)
}

fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        argon2()
            .hash_password(b"not a real password, only spends the time")
            .map(|phc| phc.to_string())
            .unwrap_or_default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hashed_password_verifies_and_others_do_not() {
        let stored = hash("correct horse".into()).await.unwrap();
        assert!(
            stored
                .as_phc()
                .starts_with("$argon2id$v=19$m=19456,t=2,p=1$")
        );
        assert!(verify("correct horse".into(), Some(stored.clone())).await);
        assert!(!verify("wrong horse".into(), Some(stored)).await);
        assert!(!verify("correct horse".into(), None).await);
    }

    #[tokio::test]
    async fn short_passwords_are_refused() {
        assert!(matches!(
            hash("short".into()).await,
            Err(PasswordError::Unacceptable)
        ));
    }
}
