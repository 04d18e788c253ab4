//! What a [`SnapClient`](super::SnapClient) is built from.

use std::sync::Arc;
use std::time::Duration;

use super::error::{ClientError, ConfigError};
use super::retry::{RetryPolicy, RetryRules};
use snap_core::headers;
use snap_core::secret::SecretString;
use snap_core::sign::{RsaPrivateKey, SignatureScheme, Signers};
use snap_core::time::TimestampProfile;

/// How the partner signs BI transaction requests, fixed per partner at
/// onboarding (SNAP-FACTS 1.c, 1.d). Endpoints of other schemes (a
/// provider's own, named by type in its declaration) are signed with the
/// signer configured for that scheme ([`ClientConfig::with_signer`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum SignatureMode {
    /// Type 1, the default: a B2B token (service 73) is fetched and sent as
    /// `Authorization: Bearer`, and requests are signed with
    /// HMAC-SHA512(clientSecret).
    #[default]
    SymmetricWithToken,
    /// Type 2, "asymmetric signature without get token": requests to
    /// `symmetric` endpoints are signed with SHA256withRSA(privateKey)
    /// ([`Asymmetric`](snap_core::sign::Asymmetric)) and carry no
    /// `Authorization`. B2B2C endpoints (customer token) are still signed
    /// symmetrically, as BI allows only that form for them
    /// ([`EndpointMeta::type2_scheme`](snap_core::endpoint::EndpointMeta::type2_scheme)).
    AsymmetricWithoutToken,
}

/// The settings of a [`SnapClient`](super::SnapClient).
///
/// Built with [`ClientConfig::new`] and the `with_*` methods. Secrets are
/// wrapped: `Debug` prints `[redacted]` for the client secret and the key.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct ClientConfig {
    /// Scheme and host (and port) of the provider: `https://api.example.co.id`.
    /// `http://` is accepted only for loopback hosts (a local sandbox).
    pub base_url: String,
    /// Deployment prefix put before every declared path (`/snap`,
    /// `/openapi`); empty by default. It is part of the signed path.
    pub path_prefix: String,
    /// The client id: `X-CLIENT-KEY` of token requests and the `clientId` of
    /// the token signature.
    pub client_id: String,
    /// `X-PARTNER-ID` of transaction requests; the client id unless set.
    pub partner_id: String,
    /// The client secret (HMAC key of symmetric signatures).
    pub client_secret: Option<SecretString>,
    /// The private key (token requests, asymmetric signatures), parsed once.
    pub private_key: Option<Arc<RsaPrivateKey>>,
    /// `CHANNEL-ID` (1 to 5 ASCII letters or digits, `95221` by default).
    pub channel_id: String,
    /// `X-DEVICE-ID` sent on B2B2C (customer-token) requests, where it is
    /// mandatory (at most 400 characters); a call can set its own
    /// ([`CallOptions::device_id`](super::CallOptions::device_id)).
    pub device_id: Option<String>,
    /// `ORIGIN` sent on every transaction request, when set.
    pub origin: Option<String>,
    /// Extra trusted roots and the client certificate of the default HTTP
    /// client (ignored by [`SnapClient::with_http_client`](super::SnapClient::with_http_client)
    /// and [`SnapClient::with_transport`](super::SnapClient::with_transport)).
    pub tls: TlsSettings,
    /// How transaction requests are signed.
    pub signature_mode: SignatureMode,
    /// How `X-TIMESTAMP` is written.
    pub timestamp_profile: TimestampProfile,
    /// Time limit of one attempt (connect, send, answer).
    pub timeout: Duration,
    /// Time limit of connecting.
    pub connect_timeout: Duration,
    /// Retry policies per endpoint and provider, and conflict resolvers.
    pub retry: RetryRules,
    /// A token is used until `expiresIn - token_margin` (60 s by default).
    pub token_margin: Duration,
    /// Signers of other schemes than the BI ones the client secret and the
    /// private key stand for (a provider's scheme, e.g. IPG's or Ayopop's),
    /// one per scheme; a signer set here for a BI scheme takes precedence.
    pub signers: Signers,
    /// Where the provider serves each endpoint, when not at its declared
    /// path ([`PathMap`](snap_core::endpoint::PathMap), presets in
    /// `snap_endpoints::paths`); applied after [`path_prefix`](Self::path_prefix),
    /// token requests included. Empty by default.
    pub paths: snap_core::endpoint::PathMap,
}

impl ClientConfig {
    /// A config for `base_url` and `client_id` with the defaults: no prefix,
    /// partner id = client id, channel `95221`, symmetric signatures with a
    /// B2B token, Jakarta timestamps, 10 s per attempt, the default
    /// [`RetryPolicy`]. Tokens are requested at the BI paths
    /// (`/v1.0/access-token/b2b`, `/v1.0/access-token/b2b2c`) after the
    /// prefix.
    pub fn new(base_url: impl Into<String>, client_id: impl Into<String>) -> Self {
        let client_id = client_id.into();
        ClientConfig {
            base_url: base_url.into(),
            path_prefix: String::new(),
            partner_id: client_id.clone(),
            client_id,
            client_secret: None,
            private_key: None,
            channel_id: "95221".to_owned(),
            device_id: None,
            origin: None,
            tls: TlsSettings::default(),
            signature_mode: SignatureMode::default(),
            timestamp_profile: TimestampProfile::jakarta(),
            timeout: Duration::from_secs(10),
            connect_timeout: Duration::from_secs(5),
            retry: RetryRules::new(RetryPolicy::default()),
            token_margin: Duration::from_secs(60),
            signers: Signers::new(),
            paths: snap_core::endpoint::PathMap::new(),
        }
    }

    /// Maps endpoints to the provider's paths (`snap_endpoints::paths::bca()`,
    /// or a [`PathMap`](snap_core::endpoint::PathMap) of your own): the mapped
    /// path is sent and signed.
    pub fn with_paths(mut self, paths: snap_core::endpoint::PathMap) -> Self {
        self.paths = paths;
        self
    }

    /// Sets the client secret.
    pub fn with_client_secret(mut self, secret: impl Into<SecretString>) -> Self {
        self.client_secret = Some(secret.into());
        self
    }

    /// Sets the private key, parsed from PKCS#8 or PKCS#1 PEM.
    ///
    /// # Errors
    /// [`ConfigError::PrivateKey`] naming what is wrong with the PEM (never
    /// its content).
    pub fn with_private_key_pem(mut self, pem: &str) -> Result<Self, ClientError> {
        let key = RsaPrivateKey::from_pem(pem).map_err(ConfigError::PrivateKey)?;
        self.private_key = Some(Arc::new(key));
        Ok(self)
    }

    /// Sets an already parsed private key.
    pub fn with_private_key(mut self, key: Arc<RsaPrivateKey>) -> Self {
        self.private_key = Some(key);
        self
    }

    /// Sets the deployment prefix (`/snap`); a trailing `/` is removed.
    pub fn with_path_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.path_prefix = prefix.into().trim_end_matches('/').to_owned();
        self
    }

    /// Sets `X-PARTNER-ID` (when it differs from the client id).
    pub fn with_partner_id(mut self, partner_id: impl Into<String>) -> Self {
        self.partner_id = partner_id.into();
        self
    }

    /// Sets `CHANNEL-ID`.
    pub fn with_channel_id(mut self, channel_id: impl Into<String>) -> Self {
        self.channel_id = channel_id.into();
        self
    }

    /// Sets `X-DEVICE-ID` for B2B2C requests.
    pub fn with_device_id(mut self, device_id: impl Into<String>) -> Self {
        self.device_id = Some(device_id.into());
        self
    }

    /// Sets `ORIGIN` (sent on every transaction request).
    pub fn with_origin(mut self, origin: impl Into<String>) -> Self {
        self.origin = Some(origin.into());
        self
    }

    /// Trusts the CA certificate(s) in `pem` in addition to the platform's
    /// roots (a bank's UAT CA). Verification stays on: there is no way to
    /// turn it off.
    ///
    /// # Errors
    /// [`ConfigError::Tls`] when `pem` holds no usable certificate.
    pub fn with_root_certificate_pem(mut self, pem: &[u8]) -> Result<Self, ClientError> {
        let certs = reqwest::Certificate::from_pem_bundle(pem).map_err(|e| ConfigError::Tls {
            what: "root certificate",
            reason: super::transport::describe(&e),
        })?;
        if certs.is_empty() {
            return Err(ConfigError::Tls {
                what: "root certificate",
                reason: "no CERTIFICATE block in the PEM".to_owned(),
            }
            .into());
        }
        self.tls.roots.extend(certs);
        Ok(self)
    }

    /// Presents the client certificate and key in `pem` (one PEM with the
    /// certificate chain and the PKCS#8, PKCS#1 or SEC1 key) to servers that
    /// require mutual TLS.
    ///
    /// # Errors
    /// [`ConfigError::Tls`] when `pem` lacks the certificate or the key (its
    /// content is never shown).
    pub fn with_identity_pem(mut self, pem: &[u8]) -> Result<Self, ClientError> {
        let text = String::from_utf8_lossy(pem);
        let missing = if !text.contains("-----BEGIN CERTIFICATE-----") {
            Some("no CERTIFICATE block in the PEM")
        } else if !text.contains("PRIVATE KEY-----") {
            Some(
                "no PRIVATE KEY block in the PEM (the identity file holds the certificate and its key)",
            )
        } else {
            None
        };
        if let Some(reason) = missing {
            return Err(ConfigError::Tls {
                what: "client identity",
                reason: reason.to_owned(),
            }
            .into());
        }
        let identity = reqwest::Identity::from_pem(pem).map_err(|e| ConfigError::Tls {
            what: "client identity",
            reason: super::transport::describe(&e),
        })?;
        self.tls.identity = Some(identity);
        Ok(self)
    }

    /// Sets the time limit of connecting.
    pub fn with_connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Sets the signature mode.
    pub fn with_signature_mode(mut self, mode: SignatureMode) -> Self {
        self.signature_mode = mode;
        self
    }

    /// Sets the timestamp profile.
    pub fn with_timestamp_profile(mut self, profile: TimestampProfile) -> Self {
        self.timestamp_profile = profile;
        self
    }

    /// Sets the per-attempt timeout.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Sets the retry rules.
    pub fn with_retry(mut self, retry: RetryRules) -> Self {
        self.retry = retry;
        self
    }

    /// Sets the signer of scheme `S`: endpoints whose declaration names
    /// `signature = S` are signed with it. For a provider's scheme:
    ///
    /// ```
    /// use snap_client::ClientConfig;
    /// use snap_endpoints::ipg::{IpgKey, IpgSignature};
    ///
    /// let config = ClientConfig::new("https://ipg.example", "my-client-id")
    ///     .with_signer::<IpgSignature>(IpgKey::new(b"ipg-api-key")?);
    /// # Ok::<(), snap_core::sign::SignatureError>(())
    /// ```
    pub fn with_signer<S: SignatureScheme>(mut self, signer: impl Into<Arc<S::Signer>>) -> Self {
        self.signers.insert::<S>(signer);
        self
    }

    /// Sets the token safety margin.
    pub fn with_token_margin(mut self, margin: Duration) -> Self {
        self.token_margin = margin;
        self
    }

    /// Checks what can be checked before any request: a base URL with
    /// `https://` (or `http://` to a loopback host), no path, query or
    /// credentials in it; client, partner, channel and device ids by the
    /// SNAP header table's rules (`X-CLIENT-KEY`, `X-PARTNER-ID`,
    /// `CHANNEL-ID`, `X-DEVICE-ID`); a prefix that starts with `/`; the keys
    /// the signature mode needs (unless only signers of other schemes are
    /// configured: a client for a non-SNAP provider).
    pub(crate) fn check(&self) -> Result<BaseUrl, ConfigError> {
        let base = BaseUrl::parse(&self.base_url)?;
        // The header values, by the SNAP header table's rules.
        let header_values = [
            ("client id", &headers::X_CLIENT_KEY, Some(&self.client_id)),
            ("partner id", &headers::X_PARTNER_ID, Some(&self.partner_id)),
            ("channel id", &headers::CHANNEL_ID, Some(&self.channel_id)),
            ("device id", &headers::X_DEVICE_ID, self.device_id.as_ref()),
            ("origin", &headers::ORIGIN, self.origin.as_ref()),
        ];
        for (setting, spec, value) in header_values {
            if let Some(v) = value {
                spec.check(v)
                    .map_err(|error| ConfigError::Header { setting, error })?;
            }
        }
        if !self.path_prefix.is_empty() && !self.path_prefix.starts_with('/') {
            return Err(ConfigError::PathPrefix(self.path_prefix.clone()));
        }
        // A client for a non-SNAP provider only (IPG, Ayopop) needs no SNAP keys.
        let snap = self.signers.is_empty();
        if snap && self.private_key.is_none() {
            return Err(ConfigError::MissingPrivateKey);
        }
        if snap
            && self.signature_mode == SignatureMode::SymmetricWithToken
            && self.client_secret.is_none()
        {
            return Err(ConfigError::MissingClientSecret);
        }
        Ok(base)
    }
}

/// Extra TLS settings of the default HTTP client: trusted roots added to the
/// platform's, and a client certificate for mutual TLS. Certificate
/// verification is always on. `Debug` shows how many roots and whether an
/// identity is set, never the key.
#[derive(Clone, Default)]
pub struct TlsSettings {
    pub(crate) roots: Vec<reqwest::Certificate>,
    pub(crate) identity: Option<reqwest::Identity>,
}

impl TlsSettings {
    /// Applies these settings to a `reqwest` builder.
    pub(crate) fn apply(&self, builder: reqwest::ClientBuilder) -> reqwest::ClientBuilder {
        let mut builder = builder;
        if !self.roots.is_empty() {
            builder = builder.tls_certs_merge(self.roots.iter().cloned());
        }
        if let Some(identity) = &self.identity {
            builder = builder.identity(identity.clone());
        }
        builder
    }
}

impl std::fmt::Debug for TlsSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsSettings")
            .field("extra_roots", &self.roots.len())
            .field(
                "identity",
                &self.identity.as_ref().map(|_| "[client certificate]"),
            )
            .finish()
    }
}

/// A checked base URL: scheme + authority, no trailing `/`.
#[derive(Debug, Clone)]
pub(crate) struct BaseUrl(pub(crate) String);

impl BaseUrl {
    fn parse(url: &str) -> Result<BaseUrl, ConfigError> {
        let err = |problem: &'static str| {
            Err(ConfigError::BaseUrl {
                url: url.to_owned(),
                problem,
            })
        };
        let trimmed = url.trim_end_matches('/');
        let (scheme, rest) = match trimmed.split_once("://") {
            Some(parts) => parts,
            None => return err("must start with https://"),
        };
        if rest.is_empty() {
            return err("has no host");
        }
        if rest.contains(['/', '?', '#']) {
            return err("must be scheme and host only; put a path prefix in path_prefix");
        }
        if rest.contains('@') {
            return err("must not carry credentials");
        }
        match scheme.to_ascii_lowercase().as_str() {
            "https" => Ok(BaseUrl(trimmed.to_owned())),
            "http" if is_loopback(rest) => Ok(BaseUrl(trimmed.to_owned())),
            "http" => err(
                "plain http:// is allowed only to a loopback host (127.0.0.1, [::1], localhost); TLS cannot be turned off",
            ),
            _ => err("scheme must be https"),
        }
    }
}

fn is_loopback(authority: &str) -> bool {
    let host = if let Some(rest) = authority.strip_prefix('[') {
        rest.split(']').next().unwrap_or("")
    } else {
        authority.split(':').next().unwrap_or("")
    };
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    host.parse::<std::net::IpAddr>()
        .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_rules() {
        assert!(BaseUrl::parse("https://api.example.co.id").is_ok());
        assert_eq!(
            BaseUrl::parse("https://api.example.co.id/")
                .map(|b| b.0)
                .ok(),
            Some("https://api.example.co.id".to_owned())
        );
        assert!(BaseUrl::parse("http://127.0.0.1:8080").is_ok());
        assert!(BaseUrl::parse("http://[::1]:8080").is_ok());
        assert!(BaseUrl::parse("http://localhost:1").is_ok());
        for bad in [
            "http://api.example.co.id",
            "http://127.0.0.1.evil.example",
            "ftp://x",
            "api.example.co.id",
            "https://",
            "https://h/snap",
            "https://u:p@h",
        ] {
            assert!(
                matches!(BaseUrl::parse(bad), Err(ConfigError::BaseUrl { .. })),
                "{bad} accepted"
            );
        }
    }

    #[test]
    fn secrets_redacted_in_debug() {
        let c = ClientConfig::new("https://h", "cid").with_client_secret("s3cr3t-value");
        let shown = format!("{c:?}");
        assert!(!shown.contains("s3cr3t-value"), "{shown}");
        assert!(shown.contains("[redacted]"), "{shown}");
    }

    /// Partner, channel and device ids follow the SNAP header table.
    #[test]
    fn header_values_follow_the_header_table() {
        let pem = include_str!("../tests/client/test-key.pem");
        let key = Arc::new(RsaPrivateKey::from_pem(pem).expect("test key"));
        let base = || {
            ClientConfig::new("https://h", "cid")
                .with_client_secret("s")
                .with_private_key(key.clone())
        };
        assert!(base().check().is_ok());
        assert!(
            base().with_channel_id("H2H").check().is_ok(),
            "DOKU's channel id"
        );
        for (config, header) in [
            (base().with_partner_id("p".repeat(37)), "X-PARTNER-ID"),
            (base().with_partner_id(""), "X-PARTNER-ID"),
            (base().with_partner_id(" p"), "X-PARTNER-ID"),
            (base().with_channel_id("952210"), "CHANNEL-ID"),
            (base().with_channel_id("H-2H"), "CHANNEL-ID"),
            (base().with_device_id("d".repeat(401)), "X-DEVICE-ID"),
            (base().with_device_id("caf\u{e9}"), "X-DEVICE-ID"),
            (base().with_origin(" x"), "ORIGIN"),
        ] {
            match config.check() {
                Err(e @ ConfigError::Header { .. }) => {
                    assert!(e.to_string().contains(header), "{e}")
                }
                other => panic!("{header}: {other:?}"),
            }
        }
    }

    #[test]
    fn check_names_missing_keys() {
        let c = ClientConfig::new("https://h", "cid").with_client_secret("s");
        assert_eq!(c.check().unwrap_err(), ConfigError::MissingPrivateKey);
        assert!(
            ConfigError::MissingPrivateKey
                .to_string()
                .contains("private key")
        );
    }
}
