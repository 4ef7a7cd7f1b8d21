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
    let mut published = Vec::new();
    for key in published_keys(store, clock).await? {
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

/// The keys published now: every active key and keys retired recently.
async fn published_keys(
    store: &dyn MetadataStore,
    clock: &dyn Clock,
) -> Result<Vec<SigningKey>, KeyError> {
    let now = clock.now();
    Ok(store
        .list_signing_keys()
        .await?
        .into_iter()
        .filter(|key| {
            key.retired_at
                .is_none_or(|at| now - at <= RETIRED_KEY_PUBLISHED_FOR)
        })
        .collect())
}

/// Google's v1 certs: a map from key id to a PEM X.509 certificate of that key (what
/// `client_secret.json`'s `auth_provider_x509_cert_url` points at).
pub async fn x509_certs(store: &dyn MetadataStore, clock: &dyn Clock) -> Result<Value, KeyError> {
    let mut certs = serde_json::Map::new();
    for key in published_keys(store, clock).await? {
        let pair = rcgen::KeyPair::from_pkcs8_der_and_sign_algo(
            &rustls_pki_types_der(&key.pkcs8_der),
            &rcgen::PKCS_RSA_SHA256,
        )
        .map_err(|_| KeyError::Crypto)?;
        let mut params =
            rcgen::CertificateParams::new(Vec::<String>::new()).map_err(|_| KeyError::Crypto)?;
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "albumen ID token signing");
        params.not_before = key.created_at;
        params.not_after = key.created_at + Duration::days(3650);
        let cert = params.self_signed(&pair).map_err(|_| KeyError::Crypto)?;
        certs.insert(key.kid.clone(), json!(cert.pem()));
    }
    Ok(Value::Object(certs))
}

fn rustls_pki_types_der(der: &[u8]) -> rustls_pki_types::PrivatePkcs8KeyDer<'static> {
    rustls_pki_types::PrivatePkcs8KeyDer::from(der.to_vec())
}

/// Checks an ID token issued here: its signature against a published key, its issuer and its
/// expiry. Returns the header and the claims.
pub async fn verify_id_token(
    store: &dyn MetadataStore,
    clock: &dyn Clock,
    issuer: &str,
    token: &str,
) -> Option<(Value, Value)> {
    let mut parts = token.split('.');
    let (header_b64, claims_b64, signature_b64) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let header: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(header_b64).ok()?).ok()?;
    let claims: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(claims_b64).ok()?).ok()?;
    let signature = URL_SAFE_NO_PAD.decode(signature_b64).ok()?;
    if header.get("alg").and_then(Value::as_str) != Some("RS256") {
        return None;
    }
    let kid = header.get("kid").and_then(Value::as_str)?;
    let key = published_keys(store, clock)
        .await
        .ok()?
        .into_iter()
        .find(|k| k.kid == kid)?;
    let pair = KeyPair::from_pkcs8(&key.pkcs8_der).ok()?;
    let public = aws_lc_rs::signature::UnparsedPublicKey::new(
        &aws_lc_rs::signature::RSA_PKCS1_2048_8192_SHA256,
        pair.public_key().as_ref(),
    );
    public
        .verify(format!("{header_b64}.{claims_b64}").as_bytes(), &signature)
        .ok()?;
    let fresh = claims
        .get("exp")
        .and_then(Value::as_i64)
        .is_some_and(|exp| clock.now().unix_timestamp() < exp);
    let ours = claims.get("iss").and_then(Value::as_str) == Some(issuer);
    (ours && fresh).then_some((header, claims))
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
