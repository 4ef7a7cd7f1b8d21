//! The merged configuration: built-in defaults, then a TOML file, then `ALBUMEN__SECTION__KEY`
//! environment variables, then command-line flags. Unknown keys and bad values fail at start
//! with one line naming the key. Secrets may also come from files (`*_file` keys) and are
//! redacted whenever the configuration is printed.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use albumen_library::profile::Profile;
use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize, Serializer};

/// `ALBUMEN__SERVER__LISTEN` sets `server.listen`.
const ENV_PREFIX: &str = "ALBUMEN__";
const ENV_SEPARATOR: &str = "__";

/// The configuration format this build reads.
pub const CONFIG_VERSION: u32 = 1;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub version: u32,
    /// Where the SQLite database and local blobs live unless configured otherwise.
    pub data_dir: PathBuf,
    pub server: ServerConfig,
    pub database: DatabaseConfig,
    pub blob: BlobConfig,
    pub uploads: UploadsConfig,
    pub library: LibraryConfig,
    pub log: LogConfig,
    pub metrics: MetricsConfig,
    pub renditions: RenditionsConfig,
}

/// This node's rendition cache and image pool.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RenditionsConfig {
    /// The cache directory; `data_dir/cache/renditions` when unset.
    pub cache_dir: Option<PathBuf>,
    /// The cache's bound in MiB (least recently used renditions are evicted beyond it).
    pub cache_max_mib: u64,
    /// Renditions decoded at once; one per core when unset.
    pub workers: Option<usize>,
    /// Build a preview and a thumbhash of each new original in the background (renditions
    /// up to 2048 px then come from the preview). Off, every rendition decodes the original.
    pub build_previews: bool,
}

/// Who may read `/metrics`. By default nobody: it is not served on the main listener, and
/// there is no metrics listener until `listen` is set (ADR 0009).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetricsConfig {
    /// An address of its own to serve `/metrics` on, e.g. `127.0.0.1:9464`.
    pub listen: Option<SocketAddr>,
    /// Serve `/metrics` on the main listener too, to requests bearing this token.
    pub bearer_token: Option<Secret>,
    /// A file holding the bearer token.
    pub bearer_token_file: Option<PathBuf>,
}

/// Limits of `/v1/uploads` (Google's: 200 MB photos, 20 GB videos).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UploadsConfig {
    pub max_photo_bytes: u64,
    pub max_video_bytes: u64,
}

/// How the Library API behaves.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LibraryConfig {
    /// `google` (today's Google) or `legacy` (the pre-2025 scopes and shared albums).
    pub profile: Profile,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerConfig {
    pub listen: SocketAddr,
    /// The URL clients reach this server at; derived from `listen` when unset.
    pub public_url: Option<url::Url>,
    /// The largest request body accepted by routes that set no limit of their own.
    pub max_body_bytes: usize,
    /// How long in-flight requests may run on after SIGINT/SIGTERM.
    pub shutdown_grace_seconds: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatabaseConfig {
    /// `sqlite:...` or `postgres://...`; SQLite in `data_dir` when unset.
    pub url: Option<Secret>,
    /// A file holding the URL (for container secrets).
    pub url_file: Option<PathBuf>,
    pub max_connections: u32,
    pub acquire_timeout_seconds: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BlobBackend {
    Local,
    S3,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BlobConfig {
    pub backend: BlobBackend,
    /// The local blob directory; `data_dir/blobs` when unset.
    pub path: Option<PathBuf>,
    pub s3: S3Config,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct S3Config {
    pub endpoint: Option<url::Url>,
    pub bucket: String,
    pub region: String,
    pub access_key_id: Option<String>,
    pub secret_access_key: Option<Secret>,
    pub secret_access_key_file: Option<PathBuf>,
    pub path_style: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogConfig {
    /// A tracing filter such as `info` or `info,albumen_store=debug`.
    pub level: String,
    pub format: LogFormat,
}

/// A secret value: printed as `[redacted]`, never logged.
#[derive(Clone, Deserialize, PartialEq, Eq)]
#[serde(transparent)]
pub struct Secret(String);

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self(value)
    }
}

impl Secret {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[redacted]")
    }
}

impl Serialize for Secret {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str("[redacted]")
    }
}

impl Default for Config {
    fn default() -> Self {
        Self {
            version: CONFIG_VERSION,
            data_dir: PathBuf::from("./albumen-data"),
            server: ServerConfig {
                listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
                public_url: None,
                max_body_bytes: 16 * 1024 * 1024,
                shutdown_grace_seconds: 30,
            },
            database: DatabaseConfig {
                url: None,
                url_file: None,
                max_connections: 16,
                acquire_timeout_seconds: 5,
            },
            blob: BlobConfig {
                backend: BlobBackend::Local,
                path: None,
                s3: S3Config {
                    endpoint: None,
                    bucket: String::new(),
                    region: "us-east-1".to_owned(),
                    access_key_id: None,
                    secret_access_key: None,
                    secret_access_key_file: None,
                    path_style: false,
                },
            },
            uploads: UploadsConfig {
                max_photo_bytes: 200 * 1024 * 1024,
                max_video_bytes: 20 * 1024 * 1024 * 1024,
            },
            library: LibraryConfig {
                profile: Profile::Google,
            },
            log: LogConfig {
                level: "info".to_owned(),
                format: LogFormat::Text,
            },
            metrics: MetricsConfig::default(),
            renditions: RenditionsConfig {
                cache_dir: None,
                cache_max_mib: 1024,
                workers: None,
                build_previews: true,
            },
        }
    }
}

/// Values given as command-line flags; they win over every other layer.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub listen: Option<SocketAddr>,
    pub data_dir: Option<PathBuf>,
    pub public_url: Option<url::Url>,
}

/// A configuration problem, as one line that names the key.
#[derive(Debug, thiserror::Error)]
#[error("config: {0}")]
pub struct ConfigError(String);

impl Config {
    /// Merges the layers: defaults, `file` (if any), the environment, then `overrides`.
    pub fn load(file: Option<&Path>, overrides: &Overrides) -> Result<Self, ConfigError> {
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        if let Some(file) = file {
            if !file.is_file() {
                return Err(ConfigError(format!(
                    "the config file {} does not exist",
                    file.display()
                )));
            }
            figment = figment.merge(Toml::file_exact(file));
        }
        figment = figment.merge(Env::prefixed(ENV_PREFIX).split(ENV_SEPARATOR));
        if let Some(listen) = overrides.listen {
            figment = figment.merge(Serialized::default("server.listen", listen));
        }
        if let Some(dir) = &overrides.data_dir {
            figment = figment.merge(Serialized::default("data_dir", dir));
        }
        if let Some(url) = &overrides.public_url {
            figment = figment.merge(Serialized::default("server.public_url", url.as_str()));
        }
        let mut config: Config = figment.extract().map_err(describe_figment_error)?;
        config.resolve_secret_files()?;
        config.validate()?;
        Ok(config)
    }

    fn resolve_secret_files(&mut self) -> Result<(), ConfigError> {
        self.database.url = read_secret(
            "database.url",
            self.database.url.take(),
            self.database.url_file.as_deref(),
        )?;
        self.blob.s3.secret_access_key = read_secret(
            "blob.s3.secret_access_key",
            self.blob.s3.secret_access_key.take(),
            self.blob.s3.secret_access_key_file.as_deref(),
        )?;
        self.metrics.bearer_token = read_secret(
            "metrics.bearer_token",
            self.metrics.bearer_token.take(),
            self.metrics.bearer_token_file.as_deref(),
        )?;
        Ok(())
    }

    fn validate(&self) -> Result<(), ConfigError> {
        let fail = |key: &str, why: &str| Err(ConfigError(format!("{key}: {why}")));
        if self.version != CONFIG_VERSION {
            return fail(
                "version",
                &format!(
                    "unsupported config version {} (this albumen reads version {CONFIG_VERSION})",
                    self.version
                ),
            );
        }
        if let Some(url) = &self.server.public_url {
            if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
                return fail("server.public_url", "must be an http:// or https:// URL");
            }
            if url.query().is_some() || url.fragment().is_some() {
                return fail("server.public_url", "must not have a query or fragment");
            }
        }
        if self.server.max_body_bytes == 0 {
            return fail("server.max_body_bytes", "must be greater than 0");
        }
        if self.uploads.max_photo_bytes == 0 || self.uploads.max_video_bytes == 0 {
            return fail("uploads", "upload limits must be greater than 0");
        }
        if self.database.max_connections == 0 {
            return fail("database.max_connections", "must be greater than 0");
        }
        if let Some(url) = &self.database.url {
            let url = url.expose();
            if !(url.starts_with("sqlite:")
                || url.starts_with("postgres://")
                || url.starts_with("postgresql://"))
            {
                return fail(
                    "database.url",
                    "must start with sqlite: or postgres:// (value hidden)",
                );
            }
        }
        if self.blob.backend == BlobBackend::S3 && self.blob.s3.bucket.is_empty() {
            return fail("blob.s3.bucket", "must be set when blob.backend = \"s3\"");
        }
        if self.log.level.trim().is_empty() {
            return fail("log.level", "must not be empty");
        }
        if self
            .metrics
            .bearer_token
            .as_ref()
            .is_some_and(|token| token.expose().len() < 16)
        {
            return fail(
                "metrics.bearer_token",
                "must be at least 16 characters (value hidden)",
            );
        }
        Ok(())
    }

    /// The merged configuration as TOML, secrets redacted.
    pub fn to_redacted_toml(&self) -> Result<String, ConfigError> {
        toml::to_string_pretty(self).map_err(|e| ConfigError(format!("cannot print: {e}")))
    }

    /// The SQLite file used when `database.url` is unset.
    pub fn default_sqlite_path(&self) -> PathBuf {
        self.data_dir.join("albumen.db")
    }

    /// The rendition cache directory.
    pub fn rendition_cache_dir(&self) -> PathBuf {
        self.renditions
            .cache_dir
            .clone()
            .unwrap_or_else(|| self.data_dir.join("cache").join("renditions"))
    }

    /// Where external tools write and remote blobs are downloaded for them.
    pub fn scratch_dir(&self) -> PathBuf {
        self.data_dir.join("cache").join("scratch")
    }

    /// The local blob directory.
    pub fn local_blob_path(&self) -> PathBuf {
        self.blob
            .path
            .clone()
            .unwrap_or_else(|| self.data_dir.join("blobs"))
    }
}

fn read_secret(
    key: &str,
    inline: Option<Secret>,
    file: Option<&Path>,
) -> Result<Option<Secret>, ConfigError> {
    match (inline, file) {
        (Some(_), Some(_)) => Err(ConfigError(format!(
            "{key}: set either {key} or {key}_file, not both"
        ))),
        (inline, None) => Ok(inline),
        (None, Some(path)) => match std::fs::read_to_string(path) {
            Ok(text) => Ok(Some(Secret(text.trim_end_matches(['\r', '\n']).to_owned()))),
            Err(e) => Err(ConfigError(format!(
                "{key}_file: cannot read {}: {e}",
                path.display()
            ))),
        },
    }
}

/// One line: the key, what is wrong with it, and which layer it came from.
fn describe_figment_error(err: figment::Error) -> ConfigError {
    let key = if err.path.is_empty() {
        "<top level>".to_owned()
    } else {
        err.path.join(".")
    };
    let origin = err.metadata.as_ref().map(|meta| match &meta.source {
        Some(source) => format!(" (from {} {source})", meta.name),
        // Environment variables: name the variable itself.
        None if meta.name.contains("environment") => format!(
            " (from environment variable {ENV_PREFIX}{})",
            err.path.join(ENV_SEPARATOR).to_uppercase()
        ),
        None => format!(" (from {})", meta.name),
    });
    let what = match &err.kind {
        figment::error::Kind::UnknownField(..) => "unknown key".to_owned(),
        kind => kind.to_string(),
    };
    ConfigError(format!("{key}: {what}{}", origin.unwrap_or_default()))
}

#[cfg(test)]
// `figment::Jail` closures must return figment's own (large) error type.
#[allow(clippy::result_large_err)]
mod tests {
    use super::*;
    use figment::Jail;

    fn load_in(jail_file: Option<&str>) -> Result<Config, String> {
        Config::load(jail_file.map(Path::new), &Overrides::default()).map_err(|e| e.to_string())
    }

    #[test]
    fn defaults_listen_on_loopback_8080_with_local_data() {
        Jail::expect_with(|_| {
            let config = load_in(None)?;
            assert_eq!(config.server.listen.to_string(), "127.0.0.1:8080");
            assert_eq!(config.data_dir, PathBuf::from("./albumen-data"));
            assert_eq!(config.blob.backend, BlobBackend::Local);
            assert!(config.database.url.is_none());
            Ok(())
        });
    }

    #[test]
    fn layers_apply_in_order_file_then_env_then_flags() {
        Jail::expect_with(|jail| {
            jail.create_file(
                "albumen.toml",
                "version = 1\n[server]\nlisten = \"127.0.0.1:9000\"\nshutdown_grace_seconds = 5\n",
            )?;
            jail.set_env("ALBUMEN__SERVER__SHUTDOWN_GRACE_SECONDS", "7");
            jail.set_env("ALBUMEN__LOG__LEVEL", "debug");
            let config = load_in(Some("albumen.toml"))?;
            assert_eq!(config.server.listen.port(), 9000);
            assert_eq!(config.server.shutdown_grace_seconds, 7);
            assert_eq!(config.log.level, "debug");

            let flags = Overrides {
                listen: Some("127.0.0.1:9100".parse().unwrap()),
                data_dir: Some(PathBuf::from("/srv/photos")),
                public_url: Some("https://photos.example.com".parse().unwrap()),
            };
            let config = Config::load(Some(Path::new("albumen.toml")), &flags).unwrap();
            assert_eq!(config.server.listen.port(), 9100);
            assert_eq!(config.data_dir, PathBuf::from("/srv/photos"));
            assert_eq!(
                config.server.public_url.unwrap().as_str(),
                "https://photos.example.com/"
            );
            Ok(())
        });
    }

    #[test]
    fn metrics_are_off_by_default_and_the_token_may_come_from_a_file() {
        Jail::expect_with(|jail| {
            let config = load_in(None)?;
            assert!(config.metrics.listen.is_none());
            assert!(config.metrics.bearer_token.is_none());

            jail.create_file("token", "scrape-token-0123456789\n")?;
            jail.create_file(
                "albumen.toml",
                "version = 1\n[metrics]\nlisten = \"127.0.0.1:9464\"\nbearer_token_file = \"token\"\n",
            )?;
            let config = load_in(Some("albumen.toml"))?;
            assert_eq!(config.metrics.listen.unwrap().port(), 9464);
            let token = config.metrics.bearer_token.as_ref().unwrap();
            assert_eq!(token.expose(), "scrape-token-0123456789");
            assert!(!config.to_redacted_toml().unwrap().contains("scrape-token"));

            jail.set_env("ALBUMEN__METRICS__BEARER_TOKEN", "short");
            jail.create_file("albumen.toml", "version = 1\n")?;
            let err = load_in(Some("albumen.toml")).unwrap_err();
            assert!(
                err.contains("metrics.bearer_token: must be at least 16"),
                "{err}"
            );
            assert!(!err.contains("short"));
            Ok(())
        });
    }

    #[test]
    fn an_unknown_key_fails_with_one_line_naming_it() {
        Jail::expect_with(|jail| {
            jail.create_file("albumen.toml", "[server]\nlisten_on = \"x\"\n")?;
            let err = load_in(Some("albumen.toml")).unwrap_err();
            assert!(err.contains("server.listen_on: unknown key"), "{err}");
            assert!(!err.contains('\n'));
            Ok(())
        });
    }

    #[test]
    fn a_bad_env_value_fails_naming_the_key_and_the_variable() {
        Jail::expect_with(|jail| {
            jail.set_env("ALBUMEN__SERVER__LISTEN", "not-an-address");
            let err = load_in(None).unwrap_err();
            assert!(err.starts_with("config: server.listen:"), "{err}");
            assert!(err.contains("ALBUMEN__SERVER__LISTEN"), "{err}");
            assert!(!err.contains('\n'));
            Ok(())
        });
    }

    #[test]
    fn validation_names_the_key() {
        Jail::expect_with(|jail| {
            jail.set_env("ALBUMEN__SERVER__PUBLIC_URL", "ftp://example.com");
            let err = load_in(None).unwrap_err();
            assert_eq!(
                err,
                "config: server.public_url: must be an http:// or https:// URL"
            );
            Ok(())
        });
        Jail::expect_with(|jail| {
            jail.set_env("ALBUMEN__BLOB__BACKEND", "s3");
            let err = load_in(None).unwrap_err();
            assert!(err.starts_with("config: blob.s3.bucket:"), "{err}");
            Ok(())
        });
        Jail::expect_with(|jail| {
            jail.set_env("ALBUMEN__VERSION", "2");
            assert!(load_in(None).unwrap_err().starts_with("config: version:"));
            Ok(())
        });
    }

    #[test]
    fn secrets_come_from_files_and_are_redacted_when_printed() {
        Jail::expect_with(|jail| {
            jail.create_file("db-url", "postgres://albumen:hunter2@db/photos\n")?;
            jail.set_env("ALBUMEN__DATABASE__URL_FILE", "db-url");
            jail.set_env("ALBUMEN__BLOB__S3__SECRET_ACCESS_KEY", "s3cr3t-key");
            let config = load_in(None)?;
            assert_eq!(
                config.database.url.as_ref().unwrap().expose(),
                "postgres://albumen:hunter2@db/photos"
            );
            let printed = config.to_redacted_toml().unwrap();
            assert!(!printed.contains("hunter2"), "{printed}");
            assert!(!printed.contains("s3cr3t-key"), "{printed}");
            assert!(printed.contains("[redacted]"));
            assert!(!format!("{config:?}").contains("hunter2"));
            Ok(())
        });
    }

    #[test]
    fn a_secret_and_its_file_together_are_refused() {
        Jail::expect_with(|jail| {
            jail.create_file("db-url", "sqlite://x.db")?;
            jail.set_env("ALBUMEN__DATABASE__URL_FILE", "db-url");
            jail.set_env("ALBUMEN__DATABASE__URL", "sqlite://y.db");
            let err = load_in(None).unwrap_err();
            assert!(err.contains("database.url"), "{err}");
            Ok(())
        });
    }
}
