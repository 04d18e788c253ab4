//! The async SNAP client of snap-rs (crate `snap-client`): tokens, signed calls, idempotent
//! retries, typed errors.
//!
//! One [`SnapClient`] calls any endpoint declared with `#[derive(SnapRequest)]`:
//! `client.call(&request).await` validates the request (every violation,
//! before any byte is sent), serializes it once, fetches and caches the B2B
//! token, signs, sends, retries when the outcome is unknown, and decodes the
//! answer into the endpoint's response type or a [`ClientError`].
//!
//! ```no_run
//! use std::time::Duration;
//!
//! use snap_client::{
//!     CallOptions, ClientConfig, ClientError, RetryPolicy, RetryRules, SnapClient, StatusQuery,
//! };
//! use snap_core::secret::SecretString;
//! use snap_endpoints::bi::{AuthPaymentRequest, AuthQueryRequest};
//!
//! #[tokio::main]
//! async fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     // A 409 to a retried Auth Payment means an earlier attempt got through:
//!     // ask Auth Payment Query what became of it.
//!     let payment_query = StatusQuery::<AuthQueryRequest>::resolver(|original| {
//!         serde_json::from_value(serde_json::json!({
//!             "originalPartnerReferenceNo": original["partnerReferenceNo"],
//!             "merchantId": original["merchantId"],
//!         }))
//!         .ok()
//!     });
//!     let config = ClientConfig::new("https://api.provider.example", "YOUR-CLIENT-ID")
//!         .with_path_prefix("/snap")
//!         .with_client_secret(std::env::var("SNAP_CLIENT_SECRET")?)
//!         .with_private_key_pem(&std::fs::read_to_string("partner-private-key.pem")?)?
//!         .with_channel_id("95221")
//!         .with_device_id("merchant-pos-01")
//!         .with_timeout(Duration::from_secs(10))
//!         .with_retry(
//!             RetryRules::new(RetryPolicy::default().with_max_attempts(3))
//!                 .resolver::<AuthPaymentRequest>(payment_query),
//!         );
//!     let client = SnapClient::new(config)?;
//!
//!     // B2B2C: the auth code from the customer's consent -> a customer token,
//!     // refreshed by the client when it expires.
//!     let customer = client
//!         .customer_token(&SecretString::from("AUTH-CODE-FROM-ACCOUNT-BINDING"))
//!         .await?;
//!
//!     let request: AuthPaymentRequest = serde_json::from_str(
//!         r#"{"partnerReferenceNo":"ORDER-2024-0001","merchantId":"merch00001",
//!             "amount":{"value":"10000.00","currency":"IDR"},"title":"Ikan bakar"}"#,
//!     )?;
//!     let options = CallOptions::default().customer(&customer);
//!     match client.call_with(&request, options).await {
//!         Ok(paid) => println!("{} {}", paid.response_code, paid.response_message),
//!         Err(ClientError::Snap(answer)) => eprintln!("refused: {answer}"),
//!         Err(e @ (ClientError::Timeout { .. } | ClientError::AlreadyProcessed(_))) => {
//!             // Outcome unknown or settled by the status query: reconcile with
//!             // the X-EXTERNAL-ID and partnerReferenceNo the error carries.
//!             eprintln!("reconcile: {e}");
//!         }
//!         Err(e) => return Err(e.into()),
//!     }
//!     Ok(())
//! }
//! ```
//!
//! # What a call does
//! 1. Validates the request: [`ClientError::Validation`] with all violations,
//!    nothing sent.
//! 2. Takes an `X-EXTERNAL-ID` (from [`CallOptions`] or the generator) and
//!    serializes the body once.
//! 3. For each attempt: a fresh `X-TIMESTAMP`, the B2B token from the cache
//!    (single flight), a fresh signature over the **same** body bytes with
//!    the **same** `X-EXTERNAL-ID`, and the request.
//! 4. Carries out the one retry decision, [`decide`] (a pure function of
//!    the attempt, its outcome and the endpoint's [`RetryPolicy`], shared with
//!    the token requests): resends on timeout, connection error and the
//!    policy's retryable 5xx statuses, with bounded exponential backoff and
//!    jitter; never on a 4xx business answer or a refused TLS handshake. A
//!    `401{SS}01` (invalid B2B token) causes one token refresh and one
//!    resend; a `401{SS}02` (invalid customer token) one customer-token
//!    refresh and one resend.
//! 5. A `409{SS}00` answer to a retry means an earlier attempt reached the
//!    provider: [`ClientError::AlreadyProcessed`], with the status query's
//!    answer when one is configured for the endpoint type
//!    ([`RetryRules::status_query`], [`RetryRules::resolver`]).
//! 6. Decodes the answer with [`decode_response`]. The HTTP status decides
//!    the class of a failure (what is retried, what is a business answer);
//!    a responseCode that disagrees with it is shown in
//!    [`RefusedCall::disagreement`].
//!
//! # Transport
//! The HTTP exchange is a [`Transport`]: by default [`ReqwestTransport`]
//! (rustls with the platform's roots plus [`ClientConfig::with_root_certificate_pem`],
//! the client certificate of [`ClientConfig::with_identity_pem`], no
//! redirects); your own `reqwest` client or builder
//! ([`SnapClient::with_http_client`], [`SnapClient::with_http_builder`]); or
//! any implementation ([`SnapClient::with_transport`]), such as the
//! recorded-answers [`mock::RecordedTransport`] for tests. TLS certificates
//! are always verified by the default transport; there is no switch to turn
//! that off. `http://` is accepted only for a loopback host, for a local
//! sandbox.
//!
//! Every call runs in a `tracing` span `snap.call` with the endpoint's name,
//! service code, `X-EXTERNAL-ID` and attempt number. Secrets (client secret,
//! private key, tokens, auth codes) never appear in logs, errors or `Debug`.
#![cfg_attr(docsrs, feature(doc_cfg))]
#![forbid(unsafe_code)]

/// The snap-core this crate was built against (declarations, money, signing, ...).
pub use snap_core;

mod config;
mod error;
pub mod mock;
mod resolve;
mod retry;
mod token;
mod transport;

use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde::Serialize;
use tracing::Instrument;

pub use self::config::{ClientConfig, SignatureMode, TlsSettings};
pub use self::error::{AlreadyProcessed, ClientError, ConfigError, RefusedCall};
pub use self::resolve::{BoxFuture, ConflictContext, ConflictResolver, Resolution, StatusQuery};
pub use self::retry::{Attempt, Jitter, Next, Outcome, RetryPolicy, RetryRules, decide};
pub use self::transport::{
    HttpAnswer, HttpRequest, ReqwestTransport, Transport, TransportError, TransportErrorKind,
};

use self::config::BaseUrl;
use self::retry::CallKey;
use self::token::{CachedToken, SingleFlight, parse_expires_in, same_token, usable_for};
use snap_core::code::ResponseCode;
use snap_core::endpoint::{Answer, Endpoint};
use snap_core::endpoint::{
    AnswerCode, BearerToken, CodeScheme, DecodeError, DecodeWarning, EndpointMeta, PartnerHeaders,
    PrepareError, PreparedRequest, RequestContext, Snap7, decode_response, prepare, prepare_bytes,
};
use snap_core::headers::ExternalIdGenerator;
use snap_core::secret::SecretString;
use snap_core::sign::{
    AccessToken, Asymmetric, Credential, HmacKey, SchemeRef, Signers, Symmetric,
};
use snap_core::token::{AccessTokenB2b2cRequest, AccessTokenB2bRequest};

/// An answer as received: HTTP status and body bytes, with the
/// `X-EXTERNAL-ID` that was sent and the number of attempts.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct RawAnswer {
    /// HTTP status.
    pub http_status: u16,
    /// Body bytes.
    pub body: Vec<u8>,
    /// The `X-EXTERNAL-ID` every attempt carried (empty for token requests).
    pub external_id: String,
    /// Attempts made.
    pub attempts: u32,
}

/// Per-call options.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct CallOptions {
    /// Use this `X-EXTERNAL-ID` instead of a generated one (e.g. to resend a
    /// request of an earlier process run).
    pub external_id: Option<String>,
    /// The customer token, for B2B2C endpoints (`Authorization-Customer`).
    pub customer: Option<CustomerToken>,
    /// A query string, without `?` (part of the signed path).
    pub query: Option<String>,
    /// `X-DEVICE-ID` of this call (B2B2C: the customer's device); the
    /// config's [`ClientConfig::device_id`] is sent on B2B2C calls otherwise.
    pub device_id: Option<String>,
    /// `ORIGIN` of this call (else the config's, if any).
    pub origin: Option<String>,
    /// `X-IP-ADDRESS`: the customer's IPv4 address (B2B2C).
    pub ip_address: Option<String>,
    /// `X-LATITUDE` and `X-LONGITUDE`: the customer's position, ISO 6709 (B2B2C).
    pub location: Option<(String, String)>,
}

impl CallOptions {
    /// Options with this `X-EXTERNAL-ID`.
    pub fn external_id(mut self, id: impl Into<String>) -> Self {
        self.external_id = Some(id.into());
        self
    }

    /// Options with this customer token.
    pub fn customer(mut self, customer: &CustomerToken) -> Self {
        self.customer = Some(customer.clone());
        self
    }

    /// Options with this query string (without `?`).
    pub fn query(mut self, query: impl Into<String>) -> Self {
        self.query = Some(query.into());
        self
    }

    /// Options with this `X-DEVICE-ID`.
    pub fn device_id(mut self, device_id: impl Into<String>) -> Self {
        self.device_id = Some(device_id.into());
        self
    }

    /// Options with this `ORIGIN`.
    pub fn origin(mut self, origin: impl Into<String>) -> Self {
        self.origin = Some(origin.into());
        self
    }

    /// Options with this `X-IP-ADDRESS`.
    pub fn ip_address(mut self, ip: impl Into<String>) -> Self {
        self.ip_address = Some(ip.into());
        self
    }

    /// Options with this `X-LATITUDE` / `X-LONGITUDE` (`"-6.2088"`, `"106.8456"`).
    pub fn location(mut self, latitude: impl Into<String>, longitude: impl Into<String>) -> Self {
        self.location = Some((latitude.into(), longitude.into()));
        self
    }
}

/// The async SNAP client. Cheap to clone (shared state behind an `Arc`):
/// clones share the transport (and its connection pool) and the token cache.
#[derive(Clone)]
pub struct SnapClient {
    inner: Arc<Inner>,
}

struct Inner {
    config: ClientConfig,
    base: BaseUrl,
    transport: Arc<dyn Transport>,
    /// Every signer: the config's, plus the BI keys (client secret as
    /// `Symmetric`, private key as `Asymmetric` and `AccessToken`).
    signers: Signers,
    /// `X-PARTNER-ID` and `CHANNEL-ID`, checked and built once.
    partner: PartnerHeaders,
    b2b: SingleFlight<CachedToken>,
    ids: ExternalIdGenerator,
    jitter: Jitter,
}

impl std::fmt::Debug for SnapClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SnapClient")
            .field("config", &self.inner.config)
            .finish_non_exhaustive()
    }
}

/// A B2B2C customer token (service 74): the access token sent as
/// `Authorization-Customer`, refreshed with its refresh token when it
/// expires or the provider answers `401{SS}02`. Cheap to clone; clones share
/// the state, and concurrent refreshes are one refresh (whose failure every
/// waiter shares). `Debug` prints no token.
#[derive(Clone)]
pub struct CustomerToken {
    state: Arc<SingleFlight<CustomerState>>,
}

#[derive(Clone)]
struct CustomerState {
    access: BearerToken,
    refresh: SecretString,
    /// Unix seconds after which the access token is refreshed (expiry minus
    /// the margin).
    refresh_after: i64,
}

impl std::fmt::Debug for CustomerState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CustomerState([redacted])")
    }
}

impl std::fmt::Debug for CustomerToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CustomerToken([redacted])")
    }
}

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

impl CustomerToken {
    /// The access token, refreshed first if it expired.
    async fn access(&self, client: &SnapClient) -> Result<BearerToken, ClientError> {
        let state = self
            .state
            .get(
                |s| unix_now() < s.refresh_after,
                |previous| async move {
                    let refresh_token = previous.map(|p| p.refresh);
                    let request = AccessTokenB2b2cRequest {
                        grant_type: "REFRESH_TOKEN".to_owned(),
                        auth_code: None,
                        refresh_token,
                        additional_info: None,
                    };
                    client.fetch_customer(&request).await
                },
            )
            .await?;
        Ok(state.access)
    }

    /// Marks `stale` as expired, unless another caller already replaced it.
    async fn invalidate(&self, stale: &BearerToken) {
        self.state
            .invalidate(
                |s| same_token(s.access.secret(), stale.secret()),
                |s| s.refresh_after = i64::MIN,
            )
            .await;
    }

    /// Whether the access token is still used without a refresh.
    pub async fn is_fresh(&self) -> bool {
        self.state
            .peek(|s| s.is_some_and(|s| unix_now() < s.refresh_after))
            .await
    }
}

fn prepare_error(endpoint: &'static str, e: PrepareError) -> ClientError {
    match e {
        PrepareError::Invalid(violations) => ClientError::Validation {
            endpoint: endpoint.to_owned(),
            violations,
        },
        PrepareError::Sign(s) => ClientError::Signature(s.to_string()),
        other => ConfigError::Request {
            endpoint,
            reason: other.to_string(),
        }
        .into(),
    }
}

/// The body's top-level `partnerReferenceNo` (or `originalPartnerReferenceNo`).
fn partner_reference(body: &[u8]) -> Option<String> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    ["partnerReferenceNo", "originalPartnerReferenceNo"]
        .iter()
        .find_map(|k| value.get(*k).and_then(|v| v.as_str()).map(str::to_owned))
}

/// The SNAP response code of an answer body, if it has a well-formed one.
fn peek_code(body: &[u8]) -> Option<ResponseCode> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    match value.get("responseCode")? {
        serde_json::Value::String(s) => ResponseCode::parse(s).ok(),
        serde_json::Value::Number(n) => ResponseCode::parse(&n.to_string()).ok(),
        _ => None,
    }
}

/// `responseCode` as received, as text.
fn raw_code(body: &serde_json::Value) -> Option<String> {
    match body.get("responseCode")? {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn warnings_text(warnings: &[DecodeWarning]) -> Option<String> {
    let parts: Vec<String> = warnings
        .iter()
        .filter(|w| {
            matches!(
                w,
                DecodeWarning::StatusMismatch { .. } | DecodeWarning::ServiceMismatch { .. }
            )
        })
        .map(ToString::to_string)
        .collect();
    (!parts.is_empty()).then(|| parts.join("; "))
}

/// What one attempt came to, for [`decide`]: the case of the code is read
/// only where the decision needs it (401 and 409 answers).
fn outcome_of(result: &Result<HttpAnswer, TransportError>) -> Outcome {
    match result {
        Ok(a) => Outcome::Answer {
            status: a.status,
            case: matches!(a.status, 401 | 409)
                .then(|| peek_code(&a.body).map(|c| c.case()))
                .flatten(),
        },
        Err(e) => Outcome::Failed(e.kind),
    }
}

/// Where a call stands, for errors and for the 409 resolver.
struct CallSite<'a> {
    meta: &'a EndpointMeta,
    /// How the retry rules find the endpoint.
    key: CallKey<'a>,
    external_id: &'a str,
    /// The typed request, for a resolver (typed calls only).
    request: Option<&'a (dyn std::any::Any + Send + Sync)>,
    /// The body bytes every attempt carried (set by the first attempt).
    sent: OnceLock<Vec<u8>>,
}

impl CallSite<'_> {
    /// The body's `partnerReferenceNo`, read when an error needs it.
    fn partner_reference(&self) -> Option<String> {
        self.sent.get().and_then(|b| partner_reference(b))
    }

    /// A SNAP error answer (HTTP status authoritative).
    fn answer(
        &self,
        raw: &RawAnswer,
        code: Option<ResponseCode>,
        message: Option<String>,
        disagreement: Option<String>,
    ) -> ClientError {
        let body: Option<serde_json::Value> = serde_json::from_slice(&raw.body).ok();
        let response_code = body.as_ref().and_then(raw_code);
        let message = message.or_else(|| {
            body.as_ref()
                .and_then(|b| b.get("responseMessage"))
                .and_then(|m| m.as_str())
                .map(str::to_owned)
        });
        ClientError::Snap(Box::new(RefusedCall {
            endpoint: self.meta.name.to_owned(),
            http_status: raw.http_status,
            response_code,
            meaning: code.and_then(|c| c.message()).map(str::to_owned),
            code,
            message,
            disagreement,
            raw_body: raw.body.clone(),
            external_id: self.external_id.to_owned(),
            partner_reference: self.partner_reference(),
            attempts: raw.attempts,
        }))
    }

    fn decode_failed(&self, raw: &RawAnswer, message: String) -> ClientError {
        ClientError::Decode {
            endpoint: self.meta.name.to_owned(),
            http_status: raw.http_status,
            external_id: self.external_id.to_owned(),
            message,
            raw_body: raw.body.clone(),
        }
    }

    /// Maps a [`DecodeError`]: for a non-2xx answer the HTTP status decides
    /// (a SNAP error answer with the problem shown as the disagreement); for
    /// a 2xx answer the body cannot be trusted as a success.
    fn decode_error(&self, raw: &RawAnswer, e: DecodeError) -> ClientError {
        let success_status = (200..300).contains(&raw.http_status);
        match e {
            DecodeError::Contradiction { .. } => {
                let code = peek_code(&raw.body);
                self.answer(raw, code, None, Some(e.to_string()))
            }
            DecodeError::MalformedCode { .. }
            | DecodeError::NotJson { .. }
            | DecodeError::MissingCode { .. }
                if !success_status =>
            {
                self.answer(raw, None, None, Some(e.to_string()))
            }
            other => self.decode_failed(raw, other.to_string()),
        }
    }
}

impl SnapClient {
    /// Builds a client with the default transport: a `reqwest` client with
    /// rustls (the platform's roots plus [`ClientConfig::tls`]'s, and its
    /// client certificate), certificate verification always on, no
    /// redirects followed (a redirect would change the signed path), the
    /// config's connect timeout. Checks the config (see [`ClientConfig`])
    /// and keys the HMAC once.
    ///
    /// # Errors
    /// [`ClientError::Config`] naming what is wrong.
    pub fn new(config: ClientConfig) -> Result<SnapClient, ClientError> {
        let builder = reqwest::Client::builder();
        SnapClient::with_http_builder(config, builder)
    }

    /// Builds a client on a `reqwest::ClientBuilder` you prepared (proxy,
    /// user agent, pool settings, your own TLS roots or identity): the
    /// config's TLS settings, its connect timeout and "no redirects" are
    /// applied on top.
    ///
    /// # Errors
    /// As [`SnapClient::new`].
    pub fn with_http_builder(
        config: ClientConfig,
        builder: reqwest::ClientBuilder,
    ) -> Result<SnapClient, ClientError> {
        let http = config
            .tls
            .apply(builder)
            .connect_timeout(config.connect_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| ConfigError::HttpClient(transport::describe(&e)))?;
        SnapClient::with_http_client(config, http)
    }

    /// Builds a client on a ready `reqwest::Client`, used as it is (the
    /// config's TLS settings and connect timeout do not apply). Configure it
    /// with `redirect(reqwest::redirect::Policy::none())`: an answer that
    /// arrives after a redirect is refused, as its path is not the signed
    /// one.
    ///
    /// # Errors
    /// As [`SnapClient::new`].
    pub fn with_http_client(
        config: ClientConfig,
        http: reqwest::Client,
    ) -> Result<SnapClient, ClientError> {
        SnapClient::with_transport(config, ReqwestTransport::new(http))
    }

    /// Builds a client on any [`Transport`]: another HTTP stack, or
    /// [`mock::RecordedTransport`] in tests. The client still signs, times
    /// out ([`ClientConfig::timeout`] per attempt), retries and decodes.
    ///
    /// # Errors
    /// As [`SnapClient::new`].
    pub fn with_transport(
        config: ClientConfig,
        transport: impl Transport,
    ) -> Result<SnapClient, ClientError> {
        let base = config.check()?;
        let mut signers = config.signers.clone();
        if let Some(secret) = &config.client_secret
            && !signers.contains(SchemeRef::of::<Symmetric>())
        {
            let key =
                HmacKey::new(secret.expose().as_bytes()).map_err(ConfigError::ClientSecret)?;
            signers.insert::<Symmetric>(key);
        }
        if let Some(key) = &config.private_key {
            if !signers.contains(SchemeRef::of::<Asymmetric>()) {
                signers.insert::<Asymmetric>(key.clone());
            }
            if !signers.contains(SchemeRef::of::<AccessToken>()) {
                signers.insert::<AccessToken>(key.clone());
            }
        }
        let partner = PartnerHeaders::new(&config.partner_id, &config.channel_id)
            .and_then(|p| match &config.device_id {
                Some(d) => p.with_device_id(d),
                None => Ok(p),
            })
            .map_err(|e| ConfigError::Request {
                endpoint: "(every transaction)",
                reason: e.to_string(),
            })?;
        Ok(SnapClient {
            inner: Arc::new(Inner {
                config,
                base,
                transport: Arc::new(transport),
                signers,
                partner,
                b2b: SingleFlight::new(None),
                ids: ExternalIdGenerator::new(),
                jitter: Jitter::from_time(),
            }),
        })
    }

    /// The configuration.
    pub fn config(&self) -> &ClientConfig {
        &self.inner.config
    }

    /// Calls endpoint `E` and returns its typed success response.
    ///
    /// # Errors
    /// See [`ClientError`]: validation (nothing sent), configuration, token,
    /// transport and timeout (after the retries), a SNAP error answer, a
    /// `409{SS}00` to a retry, decode.
    pub async fn call<E>(&self, request: &E) -> Result<E::Response, ClientError>
    where
        E: Endpoint + Serialize + Send + Sync + 'static,
    {
        self.call_with(request, CallOptions::default()).await
    }

    /// [`SnapClient::call`] with options (customer token, external id, query).
    ///
    /// # Errors
    /// As [`SnapClient::call`].
    pub async fn call_with<E>(
        &self,
        request: &E,
        options: CallOptions,
    ) -> Result<E::Response, ClientError>
    where
        E: Endpoint + Serialize + Send + Sync + 'static,
    {
        let meta = &E::META;
        let external_id = self.external_id(meta, &options);
        let span = call_span(meta, &external_id);
        async {
            let (raw, site) = self.send_typed(request, &options, &external_id).await?;
            let decoded = match decode_response::<E>(raw.http_status, &raw.body) {
                Ok(d) => d,
                Err(e) => return Err(site.decode_error(&raw, e)),
            };
            for w in &decoded.warnings {
                tracing::warn!(endpoint = meta.name, warning = %w, "answer decoded with a warning");
            }
            let disagreement = warnings_text(&decoded.warnings);
            match decoded.answer {
                Answer::Success(response) => {
                    tracing::info!(
                        http_status = raw.http_status,
                        code = %decoded.code,
                        attempts = raw.attempts,
                        "success"
                    );
                    Ok(response)
                }
                Answer::Failure(answer) => {
                    tracing::info!(
                        http_status = raw.http_status,
                        code = %answer.code,
                        attempts = raw.attempts,
                        "error answer"
                    );
                    let code = answer.snap_code().copied();
                    Err(site.answer(&raw, code, answer.message, disagreement))
                }
            }
        }
        .instrument(span)
        .await
    }

    /// Sends endpoint `E` with tokens, signature and retries, and returns the
    /// answer undecoded (status queries of a [`ConflictResolver`] use this).
    ///
    /// # Errors
    /// As [`SnapClient::call`], except that an answer is never an error.
    pub async fn send<E>(&self, request: &E, options: CallOptions) -> Result<RawAnswer, ClientError>
    where
        E: Endpoint + Serialize + Send + Sync + 'static,
    {
        let external_id = self.external_id(&E::META, &options);
        let span = call_span(&E::META, &external_id);
        self.send_typed(request, &options, &external_id)
            .instrument(span)
            .await
            .map(|(raw, _)| raw)
    }

    async fn send_typed<'a, E>(
        &self,
        request: &'a E,
        options: &CallOptions,
        external_id: &'a str,
    ) -> Result<(RawAnswer, CallSite<'a>), ClientError>
    where
        E: Endpoint + Serialize + Send + Sync + 'static,
    {
        let meta: &'static EndpointMeta = &E::META;
        // Validate before anything else (no token fetched, nothing sent).
        request
            .validate()
            .map_err(|violations| ClientError::Validation {
                endpoint: meta.name.to_owned(),
                violations,
            })?;
        let site = CallSite {
            meta,
            key: CallKey::of::<E>(),
            external_id,
            request: Some(request),
            sent: OnceLock::new(),
        };
        let raw = self
            .execute(&site, options, |ctx| {
                prepare(request, ctx).map_err(|e| prepare_error(meta.name, e))
            })
            .await?;
        Ok((raw, site))
    }

    /// endpoint's rules first (nothing is sent when it fails); the body is
    /// then minified and those bytes are signed and sent. The answer is
    /// returned when it is a success; a SNAP error answer is
    /// [`ClientError::Snap`].
    ///
    /// Only the SNAP 7-digit code scheme is judged here; for endpoints with a
    /// provider code scheme the answer is returned as it is when the HTTP
    /// status is 2xx.
    ///
    /// # Errors
    /// As [`SnapClient::call`]; [`ClientError::NotJson`] for a body that is
    /// not JSON.
    pub async fn call_json<V>(
        &self,
        meta: &EndpointMeta,
        body: &[u8],
        validate: V,
        options: CallOptions,
    ) -> Result<RawAnswer, ClientError>
    where
        V: FnOnce(&[u8]) -> Result<(), ClientError>,
    {
        let external_id = self.external_id(meta, &options);
        let span = call_span(meta, &external_id);
        async {
            serde_json::from_slice::<serde::de::IgnoredAny>(body).map_err(|e| {
                ClientError::NotJson {
                    endpoint: meta.name.to_owned(),
                    reason: e.to_string(),
                }
            })?;
            validate(body)?;
            let minified = snap_core::sign::minify(body).map_err(|e| ClientError::NotJson {
                endpoint: meta.name.to_owned(),
                reason: e.to_string(),
            })?;
            let site = CallSite {
                meta,
                key: CallKey {
                    type_id: None,
                    meta,
                },
                external_id: &external_id,
                request: None,
                sent: OnceLock::new(),
            };
            let raw = self
                .execute(&site, &options, |ctx| {
                    prepare_bytes(meta, minified.clone(), ctx)
                        .map_err(|e| prepare_error(meta.name, e))
                })
                .await?;
            let snap7 = meta.code_scheme == Snap7::INFO;
            let success_status = (200..300).contains(&raw.http_status);
            if !snap7 {
                return if success_status {
                    Ok(raw)
                } else {
                    Err(site.answer(&raw, None, None, None))
                };
            }
            let mut value: serde_json::Value = match serde_json::from_slice(&raw.body) {
                Ok(v) => v,
                Err(e) => {
                    let e = DecodeError::NotJson {
                        http_status: raw.http_status,
                        reason: e.to_string(),
                    };
                    return Err(site.decode_error(&raw, e));
                }
            };
            match Snap7::read(meta, raw.http_status, &mut value) {
                Ok(outcome) if outcome.success => Ok(raw),
                Ok(outcome) => {
                    let code = match outcome.code {
                        AnswerCode::Snap(c) => Some(c),
                        _ => None,
                    };
                    Err(site.answer(
                        &raw,
                        code,
                        outcome.message,
                        warnings_text(&outcome.warnings),
                    ))
                }
                Err(e) => Err(site.decode_error(&raw, e)),
            }
        }
        .instrument(span)
        .await
    }

    /// The `X-EXTERNAL-ID` of a call: the caller's, or a new one; empty for
    /// schemes that send none (token requests, IPG, Ayopop).
    fn external_id(&self, meta: &EndpointMeta, options: &CallOptions) -> String {
        let sends_one = meta.signature.info().transaction_headers;
        match &options.external_id {
            _ if !sends_one => String::new(),
            Some(id) => id.clone(),
            None => self.inner.ids.next_id(),
        }
    }

    /// The scheme that signs requests to an endpoint: its own, or the type 2
    /// alternative in [`SignatureMode::AsymmetricWithoutToken`].
    fn signing_scheme(&self, meta: &EndpointMeta) -> SchemeRef {
        match meta.type2_scheme() {
            Some(alt)
                if self.inner.config.signature_mode == SignatureMode::AsymmetricWithoutToken =>
            {
                alt
            }
            _ => meta.signature,
        }
    }

    /// The credential for an endpoint (none for an unsigned one), and
    /// whether it needs the B2B token.
    fn credential_for<'s>(
        &'s self,
        meta: &EndpointMeta,
    ) -> Result<(Option<Credential<'s>>, bool), ClientError> {
        let scheme = self.signing_scheme(meta);
        match self.inner.signers.credential(scheme) {
            Some(c) => Ok((Some(c), scheme.info().access_token)),
            None if !scheme.info().is_signed() => Ok((None, false)),
            None => Err(missing_signer(meta.name, scheme).into()),
        }
    }

    /// Sends one request with tokens, fresh timestamps and signatures, and
    /// carries out [`decide`]'s decisions; `build` makes the signed request
    /// of one attempt.
    async fn execute<F>(
        &self,
        site: &CallSite<'_>,
        options: &CallOptions,
        mut build: F,
    ) -> Result<RawAnswer, ClientError>
    where
        F: FnMut(&RequestContext<'_>) -> Result<PreparedRequest, ClientError>,
    {
        let meta = site.meta;
        let config = &self.inner.config;
        let policy = config.retry.policy_for(&site.key).clone();
        let (credential, needs_token) = self.credential_for(meta)?;
        let customer = match (meta.customer_token, &options.customer) {
            (true, Some(c)) => Some(c),
            (true, None) => {
                return Err(ConfigError::CustomerTokenRequired {
                    endpoint: meta.name,
                }
                .into());
            }
            (false, _) => None,
        };
        let query = options.query.as_deref().unwrap_or("");
        // The device headers: the call's, else (B2B2C) the config's.
        let device_id = options
            .device_id
            .as_deref()
            .or(config.device_id.as_deref().filter(|_| customer.is_some()));
        let origin = options.origin.as_deref().or(config.origin.as_deref());
        let mut attempt = Attempt {
            idempotent: !site.external_id.is_empty(),
            ..Attempt::default()
        };
        let mut sends = 0u32;
        loop {
            sends += 1;
            tracing::Span::current().record("attempt", sends);
            let token = if needs_token {
                Some(self.b2b_bearer().await?)
            } else {
                None
            };
            let customer_token = match customer {
                Some(c) => Some(c.access(self).await?),
                None => None,
            };
            let timestamp = config.timestamp_profile.now();
            let mut ctx = RequestContext::new(&timestamp)
                .with_path_prefix(&config.path_prefix)
                .with_paths(&config.paths)
                .with_query(query)
                .with_external_id(site.external_id)
                .with_partner_headers(&self.inner.partner)
                .with_client_id(&config.client_id);
            ctx.credential = credential;
            if let Some(t) = &token {
                ctx = ctx.with_bearer(t);
            }
            if let Some(t) = &customer_token {
                ctx = ctx.with_customer_bearer(t);
            }
            ctx.device_id = device_id;
            ctx.origin = origin;
            ctx.ip_address = options.ip_address.as_deref();
            if let Some((lat, lon)) = &options.location {
                ctx = ctx.with_location(lat, lon);
            }
            let prepared = build(&ctx)?;
            match site.sent.get() {
                Some(first) if *first != prepared.body => {
                    return Err(ClientError::Signature(format!(
                        "{}: the body bytes changed between attempts; refusing to resend",
                        meta.name
                    )));
                }
                Some(_) => {}
                None => {
                    let _ = site.sent.set(prepared.body.clone());
                }
            }
            attempt.sent_b2b_token = token.is_some();
            attempt.sent_customer_token = customer_token.is_some();
            tracing::debug!(attempt = sends, method = %prepared.method, path = %prepared.path, bytes = prepared.body.len(), "sending");
            let result = self.transmit(&prepared).await;
            let outcome = outcome_of(&result);
            let next = decide(&attempt, &outcome, &policy);
            match (next, result) {
                (Next::Resend, result) => {
                    let pause = policy.backoff(attempt.retries + 2, &self.inner.jitter);
                    let what = match &result {
                        Ok(a) => format!("HTTP {}", a.status),
                        Err(e) => e.to_string(),
                    };
                    tracing::warn!(attempt = sends, failure = %what, pause_ms = pause.as_millis() as u64, "no usable answer; resending with the same X-EXTERNAL-ID");
                    tokio::time::sleep(pause).await;
                }
                (Next::RefreshB2bToken, _) => {
                    tracing::info!(
                        attempt = sends,
                        "B2B token rejected (401xx01); refreshing once"
                    );
                    if let Some(stale) = &token {
                        self.invalidate_b2b(stale).await;
                    }
                }
                (Next::RefreshCustomerToken, _) => {
                    tracing::info!(
                        attempt = sends,
                        "customer token rejected (401xx02); refreshing once"
                    );
                    if let (Some(c), Some(stale)) = (customer, &customer_token) {
                        c.invalidate(stale).await;
                    }
                }
                (Next::GiveUp, Err(failure)) | (_, Err(failure)) => {
                    tracing::warn!(attempt = sends, failure = %failure, "no answer; giving up");
                    return Err(match failure.kind {
                        TransportErrorKind::Timeout => ClientError::Timeout {
                            endpoint: meta.name.to_owned(),
                            external_id: site.external_id.to_owned(),
                            partner_reference: site.partner_reference(),
                            attempts: sends,
                            timeout: config.timeout,
                        },
                        kind => ClientError::Transport {
                            endpoint: meta.name.to_owned(),
                            external_id: site.external_id.to_owned(),
                            partner_reference: site.partner_reference(),
                            attempts: sends,
                            kind,
                            message: failure.to_string(),
                        },
                    });
                }
                (next, Ok(answer)) => {
                    let raw = RawAnswer {
                        http_status: answer.status,
                        body: answer.body,
                        external_id: site.external_id.to_owned(),
                        attempts: sends,
                    };
                    if next == Next::AlreadyProcessed {
                        let code = peek_code(&raw.body);
                        let sent = site.sent.get().map(Vec::as_slice).unwrap_or_default();
                        return Err(self
                            .already_processed(site, &raw, code, sent, customer)
                            .await);
                    }
                    return Ok(raw);
                }
            }
            attempt = attempt.after(next, &outcome);
        }
    }

    /// A `409{SS}00` answer to a retry: resolve with the endpoint's status
    /// query where one is configured.
    async fn already_processed(
        &self,
        site: &CallSite<'_>,
        raw: &RawAnswer,
        code: Option<ResponseCode>,
        body: &[u8],
        customer: Option<&CustomerToken>,
    ) -> ClientError {
        let answer = match site.answer(
            raw,
            code,
            None,
            Some("an earlier attempt with this X-EXTERNAL-ID reached the provider".to_owned()),
        ) {
            ClientError::Snap(a) => *a,
            other => return other,
        };
        tracing::warn!(
            attempt = raw.attempts,
            "409 to a retry: an earlier attempt reached the provider"
        );
        let mut resolution_error = None;
        let partner_reference = site.partner_reference();
        let resolution = match self.inner.config.retry.resolver_for(&site.key) {
            Some(resolver) => {
                let ctx = ConflictContext {
                    endpoint: site.meta,
                    external_id: site.external_id,
                    body,
                    partner_reference: partner_reference.as_deref(),
                    customer,
                    request: site.request,
                };
                match resolver.resolve(self, ctx).await {
                    Ok(r) => {
                        tracing::info!(query = %r.endpoint, http_status = r.http_status, "status query answered");
                        Some(r)
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "status query failed");
                        resolution_error = Some(e.to_string());
                        None
                    }
                }
            }
            None => None,
        };
        ClientError::AlreadyProcessed(Box::new(AlreadyProcessed {
            answer,
            partner_reference,
            resolution,
            resolution_error,
        }))
    }

    /// One exchange through the transport, within the per-attempt timeout.
    async fn transmit(&self, prepared: &PreparedRequest) -> Result<HttpAnswer, TransportError> {
        let url = format!("{}{}", self.inner.base.0, prepared.path);
        let method = prepared.method.to_http();
        let timeout = self.inner.config.timeout;
        let request = HttpRequest {
            method: &method,
            url: &url,
            path: &prepared.path,
            headers: &prepared.headers,
            body: &prepared.body,
            timeout,
        };
        match tokio::time::timeout(timeout, self.inner.transport.send(request)).await {
            Ok(result) => result,
            Err(_) => Err(TransportError::timeout()),
        }
    }

    /// The B2B access token (service 73): from the cache while it is fresh,
    /// else fetched with the RSA token signature. Concurrent callers share
    /// one fetch, and its failure.
    ///
    /// # Errors
    /// [`ClientError::Token`] when the provider refuses or does not answer.
    pub async fn b2b_token(&self) -> Result<SecretString, ClientError> {
        self.b2b_bearer().await.map(|t| t.secret().clone())
    }

    async fn b2b_bearer(&self) -> Result<BearerToken, ClientError> {
        self.inner
            .b2b
            .get(|c| Instant::now() < c.fresh_until, |_| self.fetch_b2b())
            .await
            .map(|c| c.token)
    }

    async fn invalidate_b2b(&self, stale: &BearerToken) {
        self.inner
            .b2b
            .invalidate(
                |c| same_token(c.token.secret(), stale.secret()),
                |c| c.fresh_until = Instant::now(),
            )
            .await;
    }

    async fn fetch_b2b(&self) -> Result<CachedToken, ClientError> {
        let request = AccessTokenB2bRequest {
            grant_type: "client_credentials".to_owned(),
            additional_info: None,
        };
        let meta = &AccessTokenB2bRequest::META;
        let answer = self.token_request(&request).await?;
        if answer.access_token.expose().is_empty() {
            return Err(token_error(meta, None, "the answer's accessToken is empty"));
        }
        let expires_in = parse_expires_in(Some(&serde_json::Value::String(answer.expires_in)))
            .map_err(|m| token_error(meta, None, &m))?;
        let usable = usable_for(
            Duration::from_secs(expires_in),
            self.inner.config.token_margin,
        );
        let token = bearer(meta, answer.access_token, "accessToken")?;
        tracing::info!(expires_in, "B2B token fetched");
        Ok(CachedToken {
            token,
            fresh_until: Instant::now() + usable,
        })
    }

    /// Exchanges an authorization code (from the customer's consent, e.g.
    /// account binding) for a customer token (service 74,
    /// `grantType = AUTHORIZATION_CODE`).
    ///
    /// # Errors
    /// [`ClientError::Token`] when the provider refuses or does not answer.
    pub async fn customer_token(
        &self,
        auth_code: &SecretString,
    ) -> Result<CustomerToken, ClientError> {
        let request = AccessTokenB2b2cRequest {
            grant_type: "AUTHORIZATION_CODE".to_owned(),
            auth_code: Some(auth_code.clone()),
            refresh_token: None,
            additional_info: None,
        };
        let state = self.fetch_customer(&request).await?;
        Ok(CustomerToken {
            state: Arc::new(SingleFlight::new(Some(state))),
        })
    }

    async fn fetch_customer(
        &self,
        request: &AccessTokenB2b2cRequest,
    ) -> Result<CustomerState, ClientError> {
        let meta = &AccessTokenB2b2cRequest::META;
        let answer = self.token_request(request).await?;
        for (name, value) in [
            ("accessToken", &answer.access_token),
            ("refreshToken", &answer.refresh_token),
        ] {
            if value.expose().is_empty() {
                return Err(token_error(
                    meta,
                    None,
                    &format!("the answer's {name} is empty"),
                ));
            }
        }
        let margin = i64::try_from(self.inner.config.token_margin.as_secs()).unwrap_or(i64::MAX);
        tracing::info!("customer token fetched");
        Ok(CustomerState {
            access: bearer(meta, answer.access_token, "accessToken")?,
            refresh: answer.refresh_token,
            refresh_after: answer
                .access_token_expiry_time
                .unix_seconds()
                .saturating_sub(margin),
        })
    }

    /// Sends a token request (73/74), typed, carrying out [`decide`]'s
    /// decisions as a call does (no token of its own to refresh, no
    /// `X-EXTERNAL-ID`), and returns the typed success answer.
    async fn token_request<E>(&self, request: &E) -> Result<E::Response, ClientError>
    where
        E: Endpoint + Serialize + Send + Sync + 'static,
    {
        let meta = &E::META;
        let config = &self.inner.config;
        let policy = config.retry.policy_for(&CallKey::of::<E>()).clone();
        let credential = self
            .inner
            .signers
            .credential(meta.signature)
            .ok_or_else(|| missing_signer(meta.name, meta.signature))?;
        let mut attempt = Attempt::default();
        loop {
            let timestamp = config.timestamp_profile.now();
            let ctx = RequestContext::new(&timestamp)
                .with_path_prefix(&config.path_prefix)
                .with_partner_headers(&self.inner.partner)
                .with_paths(&config.paths)
                .with_client_id(&config.client_id)
                .with_credential(credential);
            let prepared = prepare(request, &ctx).map_err(|e| prepare_error(meta.name, e))?;
            let result = self.transmit(&prepared).await;
            let outcome = outcome_of(&result);
            let next = decide(&attempt, &outcome, &policy);
            match (next, result) {
                (Next::Resend, result) => {
                    let pause = policy.backoff(attempt.retries + 2, &self.inner.jitter);
                    let what = match &result {
                        Ok(a) => format!("HTTP {}", a.status),
                        Err(e) => e.to_string(),
                    };
                    tracing::warn!(endpoint = meta.name, retries = attempt.retries, failure = %what, "token request failed; retrying");
                    tokio::time::sleep(pause).await;
                }
                (_, Err(failure)) => {
                    let message = match failure.kind {
                        TransportErrorKind::Timeout => {
                            format!("no answer within {:?}", config.timeout)
                        }
                        _ => failure.to_string(),
                    };
                    return Err(ClientError::Token {
                        endpoint: meta.name.to_owned(),
                        http_status: None,
                        response_code: None,
                        message,
                        retryable: !failure.kind.is_tls_refusal(),
                        transport: Some(failure.kind),
                    });
                }
                (_, Ok(answer)) => return token_answer::<E>(answer.status, &answer.body),
            }
            attempt = attempt.after(next, &outcome);
        }
    }
}

/// A token from an answer, as a ready `Bearer` value.
fn bearer(
    meta: &EndpointMeta,
    token: SecretString,
    name: &str,
) -> Result<BearerToken, ClientError> {
    BearerToken::new(token)
        .map_err(|e| token_error(meta, None, &format!("the answer's {name}: {e}")))
}

/// What is missing to sign with `scheme`, as a configuration error.
fn missing_signer(endpoint: &'static str, scheme: SchemeRef) -> ConfigError {
    if scheme.is::<Symmetric>() {
        ConfigError::MissingClientSecret
    } else if scheme.is::<Asymmetric>() || scheme.is::<AccessToken>() {
        ConfigError::MissingPrivateKey
    } else {
        ConfigError::MissingSigner {
            endpoint,
            scheme: scheme.name(),
        }
    }
}

fn token_error(meta: &EndpointMeta, http_status: Option<u16>, message: &str) -> ClientError {
    ClientError::Token {
        endpoint: meta.name.to_owned(),
        http_status,
        response_code: None,
        message: message.to_owned(),
        retryable: false,
        transport: None,
    }
}

/// Decodes a token answer (73/74) into its typed response: the HTTP status
/// and the 7-digit code decide, as for any endpoint ([`decode_response`]);
/// a refusal is [`ClientError::Token`] with the code and message received.
fn token_answer<E: Endpoint>(status: u16, body: &[u8]) -> Result<E::Response, ClientError> {
    let meta = &E::META;
    let value: Option<serde_json::Value> = serde_json::from_slice(body).ok();
    let refused = |why: String| ClientError::Token {
        endpoint: meta.name.to_owned(),
        http_status: Some(status),
        response_code: value.as_ref().and_then(raw_code),
        message: why,
        retryable: status >= 500,
        transport: None,
    };
    match decode_response::<E>(status, body) {
        Ok(decoded) => {
            for w in &decoded.warnings {
                tracing::warn!(endpoint = meta.name, warning = %w, "token answer decoded with a warning");
            }
            match decoded.answer {
                Answer::Success(response) => Ok(response),
                Answer::Failure(answer) => Err(refused(
                    answer.message.unwrap_or_else(|| "token refused".to_owned()),
                )),
            }
        }
        Err(e) => Err(refused(e.to_string())),
    }
}

fn call_span(meta: &EndpointMeta, external_id: &str) -> tracing::Span {
    tracing::info_span!(
        "snap.call",
        endpoint = meta.name,
        provider = meta.provider,
        service = meta.service.map(|s| s.get()),
        external_id = %external_id,
        attempt = tracing::field::Empty,
    )
}
