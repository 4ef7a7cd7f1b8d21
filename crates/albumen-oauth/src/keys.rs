//! ID-token signing keys: RS256 keys generated on first start, persisted, published as a
//! JWKS and rotatable. Retired keys stay published for a while so that tokens they signed
//! still verify.

use albumen_core::grant::SigningKey;
use albumen_core::ports::MetadataStore;
use albumen_core::{Clock, StoreError};
use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::rsa::{KeyPair, KeySize};
use aws_lc_rs::signature::{KeyPair as _, RSA_PKCS1_SHA256};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};
use time::Duration;

/// How long a retired key stays in the JWKS (ID tokens live one hour).
const RETIRED_KEY_PUBLISHED_FOR: Duration = Duration::days(2);

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("RSA key operation failed")]
    Crypto,
}

fn generate(now: time::OffsetDateTime) -> Result<SigningKey, KeyError> {
    let pair = KeyPair::generate(KeySize::Rsa2048).map_err(|_| KeyError::Crypto)?;
    let der = pair.as_der().map_err(|_| KeyError::Crypto)?;
    Ok(SigningKey {
        // Google's kids are 40 hex digits.
        kid: hex::encode(rand::random::<[u8; 20]>()),
        pkcs8_der: der.as_ref().to_vec(),
        created_at: now,
        retired_at: None,
    })
}

/// Makes sure one unretired key exists (generating it on first start).
pub async fn ensure_signing_key(
    store: &dyn MetadataStore,
    clock: &dyn Clock,
) -> Result<(), KeyError> {
    let keys = store.list_signing_keys().await?;
    if keys.iter().any(|k| k.retired_at.is_none()) {
        return Ok(());
    }
    let key = tokio::task::spawn_blocking({
        let now = clock.now();
        move || generate(now)
    })
    .await
    .map_err(|_| KeyError::Crypto)??;
    store.insert_signing_key(&key).await?;
    tracing::info!(kid = %key.kid, "generated an ID-token signing key");
    Ok(())
}

/// Starts signing with a new key and retires the others. Returns the new key id.
pub async fn rotate_signing_key(
    store: &dyn MetadataStore,
    clock: &dyn Clock,
) -> Result<String, KeyError> {
    let now = clock.now();
    let old = store.list_signing_keys().await?;
    let key = tokio::task::spawn_blocking(move || generate(now))
        .await
        .map_err(|_| KeyError::Crypto)??;
    store.insert_signing_key(&key).await?;
    for stale in old.iter().filter(|k| k.retired_at.is_none()) {
        store.retire_signing_key(&stale.kid, now).await?;
    }
    Ok(key.kid)
}

/// The JWKS document: every active key and keys retired recently.
pub async fn jwks(store: &dyn MetadataStore, clock: &dyn Clock) -> Result<Value, KeyError> {
    let now = clock.now();
    let mut published = Vec::new();
    for key in store.list_signing_keys().await? {
        if key
            .retired_at
            .is_some_and(|at| now - at > RETIRED_KEY_PUBLISHED_FOR)
        {
            continue;
        }
        let pair = KeyPair::from_pkcs8(&key.pkcs8_der).map_err(|_| KeyError::Crypto)?;
        let public = pair.public_key();
        published.push(json!({
            "kty": "RSA",
            "alg": "RS256",
            "use": "sig",
            "kid": key.kid,
            "n": URL_SAFE_NO_PAD.encode(public.modulus().big_endian_without_leading_zero()),
            "e": URL_SAFE_NO_PAD.encode(public.exponent().big_endian_without_leading_zero()),
        }));
    }
    Ok(json!({ "keys": published }))
}

/// Signs `claims` as a compact RS256 JWT with the newest active key.
pub async fn sign_jwt(store: &dyn MetadataStore, claims: &Value) -> Result<String, KeyError> {
    let key = store
        .list_signing_keys()
        .await?
        .into_iter()
        .find(|k| k.retired_at.is_none())
        .ok_or(KeyError::Crypto)?;
    let header = json!({"alg": "RS256", "kid": key.kid, "typ": "JWT"});
    let signing_input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    );
    let pair = KeyPair::from_pkcs8(&key.pkcs8_der).map_err(|_| KeyError::Crypto)?;
    let mut signature = vec![0; pair.public_modulus_len()];
    let rng = aws_lc_rs::rand::SystemRandom::new();
    pair.sign(
        &RSA_PKCS1_SHA256,
        &rng,
        signing_input.as_bytes(),
        &mut signature,
    )
    .map_err(|_| KeyError::Crypto)?;
    Ok(format!(
        "{signing_input}.{}",
        URL_SAFE_NO_PAD.encode(signature)
    ))
}
