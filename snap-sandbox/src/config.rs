//! Sandbox configuration: partners, windows, token lifetimes, fault knobs.
//!
//! From the command line (`snap sandbox --client-id ID --client-secret S
//! --public-key PEMFILE`) one partner is registered; `--config FILE` reads a
//! JSON file that registers several:
//!
//! ```json
//! {
//!   "partners": [
//!     { "clientId": "merchant-a", "clientSecret": "secret-a", "publicKeyFile": "a.pub.pem",
//!       "merchantUrl": "http://127.0.0.1:9090" },
//!     { "clientId": "merchant-b", "clientSecret": "secret-b", "publicKeyPem": "-----BEGIN PUBLIC KEY-----\n..." }
//!   ],
//!   "timestampWindowSeconds": 300,
//!   "bodyLimitBytes": 65536,
//!   "b2bTokenSeconds": 900,
//!   "customerTokenSeconds": 900,
//!   "headerTimeoutMs": 10000,
//!   "bodyTimeoutMs": 30000,
//!   "idleTimeoutMs": 60000,
//!   "maxConnections": 1024,
//!   "rateLimitPerSecond": 1000,
//!   "maxTokensPerPartner": 1000,
//!   "maxExternalIdsPerPartner": 100000,
//!   "redis": "redis://127.0.0.1:6379/",
//!   "faults": { "delayMs": 0, "timeoutPercent": 0, "errorPercent": 0, "seed": 1 },
//!   "bankClientId": "SANDBOX-BANK",
//!   "bankPrivateKeyFile": "bank.pem"
//! }
//! ```
//!
//! Every value is checked at start: one out of range is a [`ConfigError`]
//! naming the key and the range (a token lifetime of `u64::MAX` seconds
//! included), never a panic later. `rateLimitPerSecond: 0` turns the
//! per-partner rate limit off. Without `redis` the sandbox is in memory and
//! bounded (see `snap_sandbox::app::MEMORY_RECORDS` and the provider-side
//! caps).
//!
//! A partner's client id is its `X-CLIENT-KEY` and `X-PARTNER-ID`; its
//! client secret keys the symmetric signatures and doubles as its IPG API key
//! and its Ayopop secret (Ayopop `KEY` = client id).

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;
use snap_core::sign::RsaPublicKey;
use snap_endpoints::ayopop::{AyopopCredentials, AyopopSignature};
use snap_endpoints::ipg::{IpgKey, IpgSignature};
use snap_server::limits::RateLimit;
use snap_server::{Partner, ProviderConfig, ProviderConfigError};

use crate::faults::{FaultConfig, FaultConfigError};

/// A partner as written in a config file or on the command line.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PartnerSpec {
    /// Client id (`X-CLIENT-KEY`, `X-PARTNER-ID`).
    pub client_id: String,
    /// Client secret.
    pub client_secret: String,
    /// Path of the partner's RSA public key (PEM), relative to the config file.
    #[serde(default)]
    pub public_key_file: Option<PathBuf>,
    /// The partner's RSA public key inline (PEM).
    #[serde(default)]
    pub public_key_pem: Option<String>,
    /// The partner's own SNAP server (its merchant side), where the sandbox
    /// sends the bank's calls (VA payment 25, notifications 52 and 56; see
    /// [`crate::bank`]); default: `snap sandbox --merchant-url`.
    #[serde(default)]
    pub merchant_url: Option<String>,
}

/// The config file.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ConfigFile {
    /// Partners (at least one).
    pub partners: Vec<PartnerSpec>,
    /// X-TIMESTAMP window, seconds (default 300).
    #[serde(default)]
    pub timestamp_window_seconds: Option<u64>,
    /// Body size limit, bytes (default 65536).
    #[serde(default)]
    pub body_limit_bytes: Option<usize>,
    /// B2B token lifetime, seconds (default 900).
    #[serde(default)]
    pub b2b_token_seconds: Option<u64>,
    /// Customer token lifetime, seconds (default 900).
    #[serde(default)]
    pub customer_token_seconds: Option<u64>,
    /// Header read timeout, milliseconds (default 10000).
    #[serde(default)]
    pub header_timeout_ms: Option<u64>,
    /// Body read timeout, milliseconds (default 30000).
    #[serde(default)]
    pub body_timeout_ms: Option<u64>,
    /// Idle connection timeout, milliseconds (default 60000).
    #[serde(default)]
    pub idle_timeout_ms: Option<u64>,
    /// Connections served at once (default 1024).
    #[serde(default)]
    pub max_connections: Option<usize>,
    /// Requests per second per partner (default 1000; 0: no limit).
    #[serde(default)]
    pub rate_limit_per_second: Option<u32>,
    /// Live tokens of each kind per partner (default 1000).
    #[serde(default)]
    pub max_tokens_per_partner: Option<usize>,
    /// X-EXTERNAL-ID records kept per partner in memory (default 100000).
    #[serde(default)]
    pub max_external_ids_per_partner: Option<usize>,
    /// Redis URL: keep tokens, X-EXTERNAL-ID records, rate limits and the
    /// ledger there (several sandboxes act as one provider).
    #[serde(default)]
    pub redis: Option<String>,
    /// Fault knobs.
    #[serde(default)]
    pub faults: FaultConfig,
    /// The bank's client id at the merchants the sandbox calls (default
    /// `SANDBOX-BANK`).
    #[serde(default)]
    pub bank_client_id: Option<String>,
    /// The bank's RSA private key (PEM, relative to the config file) that
    /// signs its token requests at the merchants; default: one generated
    /// at start, its public key printed.
    #[serde(default)]
    pub bank_private_key_file: Option<PathBuf>,
}

/// Why a configuration was refused.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The config file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The config file is not valid JSON of the expected shape.
    #[error("{path}: {reason}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// serde's message (names the field and position).
        reason: String,
    },
    /// No partner configured.
    #[error(
        "no partner configured: give --client-id/--client-secret/--public-key or a --config file with \"partners\""
    )]
    NoPartner,
    /// Two partners with the same client id.
    #[error("partner {0:?} is configured twice")]
    DuplicatePartner(String),
    /// A partner's credentials are unusable.
    #[error("partner {client_id:?}: {reason}")]
    Partner {
        /// Which partner.
        client_id: String,
        /// What is wrong (names the field).
        reason: String,
    },
    /// The bank's calls to merchants cannot be set up (its key).
    #[error("bank: {0}")]
    Bank(String),
    /// A fault knob out of range.
    #[error("faults: {0}")]
    Faults(#[from] FaultConfigError),
    /// The Redis store cannot be used.
    #[error("redis {url}: {reason}")]
    Redis {
        /// The URL given.
        url: String,
        /// What went wrong.
        reason: String,
    },
    /// A provider-side setting out of range (window, body limit, token
    /// lifetimes).
    #[error("{key}: {source}")]
    Provider {
        /// The config file's key (`bodyLimitBytes`).
        key: &'static str,
        /// The range it breaks.
        source: ProviderConfigError,
    },
}

/// Everything a sandbox needs, parsed and checked.
#[derive(Debug, Clone)]
pub struct SandboxConfig {
    /// The partners, credentials parsed once.
    pub partners: Vec<Partner>,
    /// Provider-side knobs (timestamp window, body limit, token lifetimes).
    pub provider: ProviderConfig,
    /// Fault knobs.
    pub faults: FaultConfig,
    /// Redis URL (`redis://HOST:PORT/`): state shared with other sandboxes
    /// on it; `None`: in memory.
    pub redis: Option<String>,
    /// Prefix of the sandbox's Redis keys (default `snap:sandbox:`).
    pub redis_prefix: String,
    /// Where the bank's calls go (merchant URLs; none by default).
    pub merchant_calls: crate::bank::MerchantCalls,
}

/// The default prefix of the sandbox's Redis keys.
pub const REDIS_PREFIX: &str = "snap:sandbox:";

impl SandboxConfig {
    /// One partner, defaults for the rest.
    pub fn single(partner: Partner) -> Self {
        Self::with_partners(vec![partner])
    }

    /// These partners, defaults for the rest.
    pub fn with_partners(partners: Vec<Partner>) -> Self {
        SandboxConfig {
            partners,
            provider: ProviderConfig::default(),
            faults: FaultConfig::default(),
            redis: None,
            redis_prefix: REDIS_PREFIX.to_owned(),
            merchant_calls: crate::bank::MerchantCalls::default(),
        }
    }

    /// Reads a config file.
    pub fn from_file(path: &Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_owned(),
            source,
        })?;
        let file: ConfigFile = serde_json::from_str(&text).map_err(|e| ConfigError::Parse {
            path: path.to_owned(),
            reason: e.to_string(),
        })?;
        let base = path.parent().unwrap_or_else(|| Path::new("."));
        Self::from_parts(file, base)
    }

    /// Builds a config from a parsed file; relative key paths are resolved
    /// against `base`.
    pub fn from_parts(file: ConfigFile, base: &Path) -> Result<Self, ConfigError> {
        if file.partners.is_empty() {
            return Err(ConfigError::NoPartner);
        }
        let mut partners: Vec<Partner> = Vec::new();
        for spec in &file.partners {
            if partners.iter().any(|p| p.client_id == spec.client_id) {
                return Err(ConfigError::DuplicatePartner(spec.client_id.clone()));
            }
            partners.push(partner_from_spec(spec, base)?);
        }
        let secs = Duration::from_secs;
        let mut provider = ProviderConfig::builder();
        if let Some(w) = file.timestamp_window_seconds {
            provider = provider.timestamp_window(secs(w));
        }
        if let Some(b) = file.body_limit_bytes {
            provider = provider.body_limit(b);
        }
        if let Some(s) = file.b2b_token_seconds {
            provider = provider.b2b_token_lifetime(secs(s));
        }
        if let Some(s) = file.customer_token_seconds {
            provider = provider.customer_token_lifetime(secs(s));
        }
        let ms = Duration::from_millis;
        if let Some(t) = file.header_timeout_ms {
            provider = provider.header_read_timeout(ms(t));
        }
        if let Some(t) = file.body_timeout_ms {
            provider = provider.body_read_timeout(ms(t));
        }
        if let Some(t) = file.idle_timeout_ms {
            provider = provider.idle_timeout(ms(t));
        }
        if let Some(n) = file.max_connections {
            provider = provider.max_connections(n);
        }
        if let Some(r) = file.rate_limit_per_second {
            provider = provider.rate_limit((r > 0).then(|| RateLimit::per_second(r)));
        }
        if let Some(n) = file.max_tokens_per_partner {
            provider = provider.max_tokens_per_partner(n);
        }
        if let Some(n) = file.max_external_ids_per_partner {
            provider = provider.max_external_ids_per_partner(n);
        }
        let provider = provider.build().map_err(|source| ConfigError::Provider {
            key: config_key(source.setting()),
            source,
        })?;
        file.faults.validate()?;
        let mut calls = crate::bank::MerchantCalls::default();
        if let Some(id) = &file.bank_client_id {
            calls.bank_client_id = id.clone();
        }
        if let Some(f) = &file.bank_private_key_file {
            let path = base.join(f);
            let pem = std::fs::read_to_string(&path).map_err(|e| {
                ConfigError::Bank(format!("bankPrivateKeyFile {}: {e}", path.display()))
            })?;
            let key = snap_core::sign::RsaPrivateKey::from_pem(&pem).map_err(|e| {
                ConfigError::Bank(format!("bankPrivateKeyFile {}: {e}", path.display()))
            })?;
            calls.bank_key = Some(std::sync::Arc::new(key));
        }
        for spec in &file.partners {
            if let Some(url) = &spec.merchant_url
                && !(url.starts_with("http://") || url.starts_with("https://"))
            {
                return Err(ConfigError::Partner {
                    client_id: spec.client_id.clone(),
                    reason: format!("merchantUrl {url}: must start with http:// or https://"),
                });
            }
            calls = calls
                .with_partner(
                    &spec.client_id,
                    &spec.client_secret,
                    spec.merchant_url.as_deref(),
                )
                .map_err(|reason| ConfigError::Partner {
                    client_id: spec.client_id.clone(),
                    reason,
                })?;
        }
        Ok(SandboxConfig {
            partners,
            provider,
            faults: file.faults,
            redis: file.redis,
            redis_prefix: REDIS_PREFIX.to_owned(),
            merchant_calls: calls,
        })
    }
}

/// The config file's key of a provider setting (the builder's name).
pub fn config_key(setting: &'static str) -> &'static str {
    match setting {
        "timestamp_window" => "timestampWindowSeconds",
        "body_limit" => "bodyLimitBytes",
        "b2b_token_lifetime" => "b2bTokenSeconds",
        "customer_token_lifetime" => "customerTokenSeconds",
        "header_read_timeout" => "headerTimeoutMs",
        "body_read_timeout" => "bodyTimeoutMs",
        "idle_timeout" => "idleTimeoutMs",
        "max_connections" => "maxConnections",
        "rate_limit" => "rateLimitPerSecond",
        "max_tokens_per_partner" => "maxTokensPerPartner",
        "max_external_ids_per_partner" => "maxExternalIdsPerPartner",
        other => other,
    }
}

/// Builds a sandbox partner: SNAP credentials, and the client secret as its
/// IPG API key and Ayopop secret (with `KEY` = client id), registered as the
/// partner's keys of those providers' schemes.
pub fn sandbox_partner(
    client_id: &str,
    client_secret: &str,
    public_key: Option<RsaPublicKey>,
) -> Result<Partner, ConfigError> {
    let bad = |reason: String| ConfigError::Partner {
        client_id: client_id.to_owned(),
        reason,
    };
    let secret = client_secret.as_bytes();
    let partner = Partner::new(client_id, secret, public_key).map_err(|e| bad(e.to_string()))?;
    let ipg = IpgKey::new(secret).map_err(|e| bad(format!("IPG key: {e}")))?;
    let ayopop = AyopopCredentials::new(client_id, secret)
        .map_err(|e| bad(format!("Ayopop credentials: {e}")))?;
    Ok(partner
        .with_verifier::<IpgSignature>(ipg)
        .with_verifier::<AyopopSignature>(ayopop))
}

fn partner_from_spec(spec: &PartnerSpec, base: &Path) -> Result<Partner, ConfigError> {
    let bad = |reason: String| ConfigError::Partner {
        client_id: spec.client_id.clone(),
        reason,
    };
    let pem = match (&spec.public_key_file, &spec.public_key_pem) {
        (Some(_), Some(_)) => {
            return Err(bad(
                "give publicKeyFile or publicKeyPem, not both".to_owned()
            ));
        }
        (Some(file), None) => {
            let path = base.join(file);
            Some(
                std::fs::read_to_string(&path)
                    .map_err(|e| bad(format!("publicKeyFile {}: {e}", path.display())))?,
            )
        }
        (None, Some(pem)) => Some(pem.clone()),
        (None, None) => None,
    };
    let key = match pem {
        Some(pem) => {
            Some(RsaPublicKey::from_pem(&pem).map_err(|e| bad(format!("public key: {e}")))?)
        }
        None => None,
    };
    sandbox_partner(&spec.client_id, &spec.client_secret, key)
}
