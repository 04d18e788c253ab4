//! The checks of the provider side, independent of the HTTP framework:
//! [`Provider::check_head`] (headers, tokens, timestamp window) and
//! [`Provider::admit`] (signature over the raw bytes, rate limit,
//! X-EXTERNAL-ID, parse and validate). The axum extractor
//! ([`Inbound`]'s `FromRequest`) calls them in order.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use http::HeaderMap;
use http::request::Parts;
use serde::de::DeserializeOwned;

use super::config::ProviderConfig;
use super::error::ErrorReply;
use super::idempotency::{Claim, Fingerprint, IdempotencyStore, MemoryIdempotency, Ticket, Waiter};
use super::limits::{MemoryRateLimiter, RateLimiter};
use super::store::{BoxFuture, Escaped, StoreError, unix_millis};
use super::tokens::{CustomerGrant, TokenStore};
use snap_core::endpoint::{Endpoint, EndpointMeta};
use snap_core::headers::{self, HeaderError, SnapHeaders};
use snap_core::sign::{
    AccessToken, Asymmetric, HmacKey, RsaPublicKey, SchemeInfo, SchemeRef, SignatureError,
    SignatureScheme, SigningInput, Symmetric, Verifiers,
};
use snap_core::time::SnapTimestamp;

/// One partner (client) a provider knows: its id and its verifying keys,
/// one per signature scheme.
#[derive(Clone)]
#[non_exhaustive]
pub struct Partner {
    /// Client id: the `X-CLIENT-KEY` of token requests and the
    /// `X-PARTNER-ID` of transactions.
    pub client_id: String,
    /// The partner's keys by scheme: a request is verified with the key of
    /// its endpoint's scheme ([`Partner::new`] registers the BI ones; add a
    /// provider's with [`Partner::with_verifier`]).
    pub verifiers: Verifiers,
    /// Signature mode fixed at onboarding: `true` when the partner signs B2B
    /// transactions asymmetrically (SHA256withRSA, no B2B token; SNAP
    /// signature type 2). B2B2C transactions stay symmetric.
    pub asymmetric_transactions: bool,
}

impl Partner {
    /// A SNAP partner: client id, client secret (the [`Symmetric`] key),
    /// optional RSA public key (the [`Asymmetric`] and [`AccessToken`] key).
    ///
    /// # Errors
    /// An empty client id or secret.
    pub fn new(
        client_id: &str,
        client_secret: &[u8],
        public_key: Option<RsaPublicKey>,
    ) -> Result<Self, SignatureError> {
        if client_id.is_empty() {
            return Err(SignatureError::InvalidInput {
                field: "clientId",
                rule: "must not be empty",
            });
        }
        let mut verifiers = Verifiers::new().with::<Symmetric>(HmacKey::new(client_secret)?);
        if let Some(key) = public_key {
            let key = Arc::new(key);
            verifiers.insert::<Asymmetric>(key.clone());
            verifiers.insert::<AccessToken>(key);
        }
        Ok(Partner {
            client_id: client_id.to_owned(),
            verifiers,
            asymmetric_transactions: false,
        })
    }

    /// The partner signs B2B transactions asymmetrically (no B2B token);
    /// needs a public key to be useful.
    pub fn with_asymmetric_transactions(mut self) -> Self {
        self.asymmetric_transactions = true;
        self
    }

    /// Also accepts requests of scheme `S` verified with `verifier` (a
    /// provider's scheme, e.g. IPG's API key; or a BI key replaced).
    pub fn with_verifier<S: SignatureScheme>(
        mut self,
        verifier: impl Into<Arc<S::Verifier>>,
    ) -> Self {
        self.verifiers.insert::<S>(verifier);
        self
    }

    /// The partner's key of scheme `S`.
    pub fn verifier<S: SignatureScheme>(&self) -> Option<&S::Verifier> {
        self.verifiers.get::<S>()
    }
}

impl fmt::Debug for Partner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Partner")
            .field("client_id", &self.client_id)
            .field("verifiers", &self.verifiers)
            .field("asymmetric_transactions", &self.asymmetric_transactions)
            .finish()
    }
}

/// Where a provider looks partners up (a database in production).
pub trait Partners: Send + Sync + 'static {
    /// The partner with this client id.
    fn get<'a>(
        &'a self,
        client_id: &'a str,
    ) -> BoxFuture<'a, Result<Option<Arc<Partner>>, StoreError>>;
    /// Every partner (used only by schemes that do not name the caller
    /// ([`SchemeInfo::partner_header`] is `None`, as IPG's body HMAC), to
    /// find whose key verifies).
    fn all(&self) -> BoxFuture<'_, Result<Vec<Arc<Partner>>, StoreError>>;
}

/// A fixed set of partners held in memory.
#[derive(Debug, Clone, Default)]
pub struct StaticPartners {
    by_id: HashMap<String, Arc<Partner>>,
}

impl StaticPartners {
    /// The partner with this client id.
    pub fn find(&self, client_id: &str) -> Option<Arc<Partner>> {
        self.by_id.get(client_id).cloned()
    }

    /// Adds (or replaces) a partner.
    pub fn insert(&mut self, partner: Partner) {
        self.by_id
            .insert(partner.client_id.clone(), Arc::new(partner));
    }

    /// Builder form of [`StaticPartners::insert`].
    pub fn with(mut self, partner: Partner) -> Self {
        self.insert(partner);
        self
    }
}

impl Partners for StaticPartners {
    fn get<'a>(
        &'a self,
        client_id: &'a str,
    ) -> BoxFuture<'a, Result<Option<Arc<Partner>>, StoreError>> {
        Box::pin(std::future::ready(Ok(self.find(client_id))))
    }
    fn all(&self) -> BoxFuture<'_, Result<Vec<Arc<Partner>>, StoreError>> {
        let mut v: Vec<_> = self.by_id.values().cloned().collect();
        v.sort_by(|a, b| a.client_id.cmp(&b.client_id));
        Box::pin(std::future::ready(Ok(v)))
    }
}

/// A request of endpoint `E` that passed every check: the axum extractor
/// of a declared request (see the crate docs). As an extractor it needs
/// [`SnapLayer`](crate::SnapLayer) on the router; its rejection is the
/// SNAP error answer (or the replayed answer of an X-EXTERNAL-ID seen
/// before).
pub struct Inbound<E> {
    /// The parsed, validated body.
    pub request: E,
    /// The endpoint.
    pub meta: EndpointMeta,
    /// The calling partner; `None` only for endpoints without a signature.
    pub partner: Option<Arc<Partner>>,
    /// The customer behind `Authorization-Customer` (B2B2C endpoints).
    pub customer: Option<CustomerGrant>,
    /// `X-EXTERNAL-ID`, when sent.
    pub external_id: Option<String>,
    /// Path and query as received (what was signed).
    pub path: String,
    /// All received headers.
    pub headers: HeaderMap,
    /// The body bytes exactly as received.
    pub raw_body: Bytes,
    pub(crate) provider: Option<Arc<Provider>>,
}

impl<E> Inbound<E> {
    /// The provider that checked it (its stores: tokens, records).
    pub fn provider(&self) -> Option<&Arc<Provider>> {
        self.provider.as_ref()
    }

    /// The customer's id (B2B2C endpoints), from its customer token.
    pub fn customer_id(&self) -> Option<&str> {
        self.customer.as_ref().map(|c| c.customer.as_str())
    }

    /// The partner's client id, or `""` for unsigned endpoints.
    pub fn partner_id(&self) -> &str {
        self.partner
            .as_ref()
            .map(|p| p.client_id.as_str())
            .unwrap_or("")
    }
}

impl<E: fmt::Debug> fmt::Debug for Inbound<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Inbound")
            .field("endpoint", &self.meta.name)
            .field("partner", &self.partner_id())
            .field("external_id", &self.external_id)
            .field("path", &self.path)
            .field("request", &self.request)
            .finish_non_exhaustive()
    }
}

/// What [`Provider::check_head`] established; passed on to [`Provider::admit`].
#[derive(Debug)]
pub struct Head {
    pub(crate) meta: EndpointMeta,
    /// The scheme actually checked (a partner in asymmetric mode turns
    /// `Symmetric` into `Asymmetric`).
    scheme: SchemeRef,
    method: String,
    path: String,
    headers: HeaderMap,
    snap: Option<SnapHeaders>,
    partner: Option<Arc<Partner>>,
    b2b_token: Option<String>,
    customer: Option<CustomerGrant>,
}

impl Head {
    /// The calling partner's id, when established.
    pub fn partner_id(&self) -> Option<&str> {
        self.partner.as_ref().map(|p| p.client_id.as_str())
    }

    /// `X-TIMESTAMP` and `X-SIGNATURE` as received (token requests key
    /// their replays on them).
    pub fn timestamp_and_signature(&self) -> (&str, &str) {
        let ts = self
            .snap
            .as_ref()
            .map(|s| s.timestamp.as_str())
            .unwrap_or("");
        let sig = self
            .headers
            .get(headers::X_SIGNATURE.wire)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        (ts, sig)
    }
}

/// The outcome of [`Provider::admit`].
#[derive(Debug)]
pub enum Admitted<E> {
    /// Run the handler; complete the ticket (if any) with its answer.
    Proceed {
        /// The checked request.
        inbound: Box<Inbound<E>>,
        /// The X-EXTERNAL-ID reservation.
        ticket: Option<Ticket>,
    },
    /// The body failed parsing or validation after the X-EXTERNAL-ID was
    /// claimed: render the error and complete the ticket with it, so a retry
    /// gets the same answer.
    Refused {
        /// The 400 answer.
        error: ErrorReply,
        /// The X-EXTERNAL-ID reservation.
        ticket: Option<Ticket>,
    },
    /// Same X-EXTERNAL-ID and request as an answered one: send its answer.
    Replay(Arc<super::idempotency::StoredAnswer>),
    /// Refused before the X-EXTERNAL-ID was claimed (signature, rate
    /// limit, conflict): nothing is stored.
    Rejected(ErrorReply),
    /// Same X-EXTERNAL-ID and request as one still running: wait for it,
    /// and claim again (with `head` and `body`) if it is abandoned.
    Wait {
        /// Resolves to the original's answer.
        waiter: Waiter,
        /// For a second claim.
        head: Box<Head>,
        /// For a second claim.
        body: Bytes,
    },
}

/// Resolves the auth codes a provider handed out (B2B2C, 74): the
/// customer who consented, once.
pub trait AuthCodes: Send + Sync + 'static {
    /// The customer behind `code` for `partner` (consuming it), or `None`.
    fn redeem<'a>(
        &'a self,
        partner: &'a str,
        code: &'a str,
    ) -> BoxFuture<'a, Result<Option<String>, StoreError>>;
}

/// The provider side: partners, stores (tokens, X-EXTERNAL-IDs, rate
/// limits) and knobs.
pub struct Provider {
    config: ProviderConfig,
    partners: Arc<dyn Partners>,
    tokens: Arc<dyn TokenStore>,
    idempotency: Arc<dyn IdempotencyStore>,
    limiter: Option<Arc<dyn RateLimiter>>,
    auth_codes: Option<Arc<dyn AuthCodes>>,
}

impl fmt::Debug for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Provider")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Result<Option<&'a str>, ErrorReply> {
    match headers.get(name) {
        None => Ok(None),
        Some(v) => match v.to_str() {
            Ok(s) if s.trim().is_empty() => Ok(None),
            Ok(s) => Ok(Some(s)),
            Err(_) => Err(ErrorReply::invalid_field(canonical(name)).with_log("not visible ASCII")),
        },
    }
}

/// How an answer names a header: a SNAP header as the header table spells
/// it, the others as their documents do.
fn canonical(name: &str) -> &str {
    if let Some(spec) = snap_core::headers::lookup(name) {
        return spec.canonical;
    }
    match name {
        "content-type" => "Content-Type",
        other => other,
    }
}

/// The headers a request of a scheme requires, in the order they are
/// reported, from its [`SchemeInfo`]: `X-TIMESTAMP`, the scheme's own headers
/// (`X-SIGNATURE`), the SNAP transaction headers. An unsigned scheme requires
/// none (the provider checks nothing for it).
fn required_headers(info: &SchemeInfo, has_body: bool) -> Vec<&'static str> {
    let mut v = Vec::new();
    if has_body {
        v.push("content-type");
    }
    if !info.is_signed() {
        return v;
    }
    if info.timestamp {
        v.push(headers::X_TIMESTAMP.wire);
    }
    v.extend(info.headers.iter().copied());
    if info.transaction_headers {
        v.extend([
            headers::X_PARTNER_ID.wire,
            headers::X_EXTERNAL_ID.wire,
            headers::CHANNEL_ID.wire,
        ]);
    }
    v
}

fn header_error(e: HeaderError) -> ErrorReply {
    let log = e.to_string();
    if e.is_missing() {
        ErrorReply::missing_field(e.header).with_log(log)
    } else {
        ErrorReply::invalid_field(e.header).with_log(log)
    }
}

fn unknown_client(id: &str) -> ErrorReply {
    ErrorReply::unauthorized("Unknown Client").with_log(format!("client id {id:?}"))
}

fn store_error(e: StoreError) -> ErrorReply {
    match e {
        StoreError::Full(why) => ErrorReply::too_many_requests().with_log(why),
        other => ErrorReply::internal().with_log(other.to_string()),
    }
}

/// The current time as an X-TIMESTAMP string (Jakarta, second precision).
pub(crate) fn now_timestamp() -> String {
    SnapTimestamp::now().into_string()
}

impl Provider {
    /// A provider with these partners and token store, an in-memory
    /// X-EXTERNAL-ID store and rate limiter built from `config` (replace
    /// them with [`Provider::with_idempotency`] and
    /// [`Provider::with_rate_limiter`], e.g. by the Redis store).
    pub fn new(
        config: ProviderConfig,
        partners: Arc<dyn Partners>,
        tokens: Arc<dyn TokenStore>,
    ) -> Self {
        let idempotency = Arc::new(MemoryIdempotency::with_policy(config.idempotency()));
        let limiter = config
            .rate_limit()
            .map(|l| Arc::new(MemoryRateLimiter::new(l)) as Arc<dyn RateLimiter>);
        Provider {
            config,
            partners,
            tokens,
            idempotency,
            limiter,
            auth_codes: None,
        }
    }

    /// Keeps X-EXTERNAL-ID records in `store`.
    pub fn with_idempotency(mut self, store: Arc<dyn IdempotencyStore>) -> Self {
        self.idempotency = store;
        self
    }

    /// Counts requests per partner with `limiter` (`None`: no limit).
    pub fn with_rate_limiter(mut self, limiter: Option<Arc<dyn RateLimiter>>) -> Self {
        self.limiter = limiter;
        self
    }

    /// Redeems auth codes of the B2B2C token endpoint (74) with `codes`.
    pub fn with_auth_codes(mut self, codes: Arc<dyn AuthCodes>) -> Self {
        self.auth_codes = Some(codes);
        self
    }

    /// The token store.
    pub fn tokens(&self) -> &Arc<dyn TokenStore> {
        &self.tokens
    }

    /// The auth-code resolver, when set.
    pub fn auth_codes(&self) -> Option<&Arc<dyn AuthCodes>> {
        self.auth_codes.as_ref()
    }

    /// The knobs.
    pub fn config(&self) -> &ProviderConfig {
        &self.config
    }

    /// The partner directory.
    pub fn partners(&self) -> &Arc<dyn Partners> {
        &self.partners
    }

    /// The X-EXTERNAL-ID store.
    pub fn idempotency(&self) -> &Arc<dyn IdempotencyStore> {
        &self.idempotency
    }

    /// Checks 1-5: required headers, header formats, B2B token, customer
    /// token, timestamp window. Cheap; runs before the body is read.
    /// `target` is the path and query as the client sent it (under
    /// `Router::nest`, the original URI's), what was signed.
    pub async fn check_head(
        &self,
        meta: &EndpointMeta,
        parts: &Parts,
        target: &str,
    ) -> Result<Head, ErrorReply> {
        let h = &parts.headers;
        // BI's Delete VA (31) is a DELETE with a JSON body: only GET has none.
        let has_body = parts.method != http::Method::GET;

        // 1. presence (the tokens are checked in 3-4: their absence is 401xx03/04)
        let info = meta.signature.info();
        for name in required_headers(info, has_body) {
            if header(h, name)?.is_none() {
                return Err(ErrorReply::missing_field(canonical(name)));
            }
        }
        // B2B2C: BI's table makes X-DEVICE-ID mandatory (a declaration
        // whose provider leaves it out says `device_id = "optional"`).
        if meta.device_id
            && info.is_signed()
            && info.transaction_headers
            && header(h, headers::X_DEVICE_ID.wire)?.is_none()
        {
            return Err(ErrorReply::missing_field(headers::X_DEVICE_ID.canonical));
        }

        // 2. formats: Content-Type, Content-Length, then the SNAP headers'
        // own rules (`SnapHeaders`: lengths, timestamp syntax, Bearer form,
        // IPv4, coordinates, repeated headers).
        if has_body {
            if h.get_all(http::header::CONTENT_TYPE)
                .iter()
                .nth(1)
                .is_some()
            {
                return Err(ErrorReply::invalid_field("Content-Type").with_log("sent twice"));
            }
            let ct = header(h, "content-type")?.unwrap_or("");
            let mime = ct.split(';').next().unwrap_or("").trim();
            if !mime.eq_ignore_ascii_case("application/json") {
                return Err(
                    ErrorReply::invalid_field("Content-Type").with_log(format!("got {ct:?}"))
                );
            }
        }
        if let Some(len) = header(h, "content-length")? {
            match len.parse::<u64>() {
                Ok(n) if n > self.config.body_limit() as u64 => {
                    return Err(ErrorReply::bad_request(&format!(
                        "body larger than {} bytes",
                        self.config.body_limit()
                    )));
                }
                Ok(_) => {}
                Err(_) => return Err(ErrorReply::invalid_field("Content-Length")),
            }
        }
        let signed = info.is_signed();
        let snap_headers = if signed && info.timestamp {
            Some(SnapHeaders::from_header_map(h).map_err(header_error)?)
        } else {
            None
        };

        // 3.-4. partner, B2B token, customer token
        let mut scheme = meta.signature;
        let mut partner = None;
        let mut b2b_token = None;
        let mut customer = None;
        // A scheme without a partner header (IPG) names the caller by its
        // signature: the partner is found in `admit`.
        if signed && let Some(name) = info.partner_header {
            let partner_id = header(h, name)?.unwrap_or("");
            let p = self.partners.get(partner_id).await.map_err(store_error)?;
            // A partner onboarded for asymmetric signatures signs B2B
            // transactions with its key and sends no token; B2B2C
            // transactions are always symmetric.
            if let Some(alt) = meta.type2_scheme()
                && p.as_ref().is_some_and(|p| p.asymmetric_transactions)
            {
                scheme = alt;
            }
            if scheme.info().access_token {
                let Some(token) = snap_headers
                    .as_ref()
                    .and_then(|sh| sh.authorization.as_ref())
                    .map(|t| t.expose().as_str())
                else {
                    return Err(ErrorReply::b2b_token_not_found());
                };
                let grant = self
                    .tokens
                    .check_b2b(token)
                    .await
                    .map_err(store_error)?
                    .map_err(|p| ErrorReply::invalid_b2b_token().with_log(p.to_string()))?;
                if grant.partner != partner_id {
                    return Err(ErrorReply::invalid_b2b_token().with_log(format!(
                        "token of {} used by {name} {}",
                        Escaped(&grant.partner),
                        Escaped(partner_id)
                    )));
                }
                b2b_token = Some(token.to_owned());
            }
            partner = Some(p.ok_or_else(|| unknown_client(partner_id))?);
        }
        if let Some(sh) = &snap_headers {
            if meta.customer_token {
                let partner_id = partner.as_ref().map(|p| p.client_id.as_str()).unwrap_or("");
                let Some(token) = sh
                    .authorization_customer
                    .as_ref()
                    .map(|t| t.expose().as_str())
                else {
                    return Err(ErrorReply::customer_token_not_found());
                };
                customer = Some(
                    self.tokens
                        .check_customer(partner_id, token)
                        .await
                        .map_err(store_error)?
                        .map_err(|p| {
                            ErrorReply::invalid_customer_token().with_log(p.to_string())
                        })?,
                );
            }
            // 5. timestamp window
            self.check_window(&sh.timestamp)?;
        }

        let path = target.to_owned();
        Ok(Head {
            meta: *meta,
            scheme,
            method: parts.method.as_str().to_owned(),
            path,
            headers: h.clone(),
            snap: snap_headers,
            partner,
            b2b_token,
            customer,
        })
    }

    /// Checks 7-9: signature over the raw bytes, the partner's rate limit,
    /// X-EXTERNAL-ID, parse and validate.
    pub async fn admit<E>(&self, head: Head, body: Bytes) -> Result<Admitted<E>, ErrorReply>
    where
        E: Endpoint + DeserializeOwned,
    {
        let partner = self.verify_signature(&head, &body).await?;
        let partner = partner.or(head.partner.clone());

        // 7b. the partner's budget (counted once the partner is proven)
        if let (Some(limiter), Some(p)) = (&self.limiter, &partner)
            && !limiter.admit(&p.client_id).await.map_err(store_error)?
        {
            return Err(ErrorReply::too_many_requests().with_log(format!(
                "partner {} over its rate limit",
                Escaped(&p.client_id)
            )));
        }

        // 8. X-EXTERNAL-ID
        let external_id = head.snap.as_ref().and_then(|h| h.external_id.clone());
        let mut ticket = None;
        if let (Some(ext), Some(p)) = (&external_id, &partner) {
            let minified = snap_core::sign::minify(&body).unwrap_or_else(|_| body.to_vec());
            let customer = head.customer.as_ref().map(|c| c.customer.as_str());
            let fp = Fingerprint::with_customer(&head.method, &head.path, &minified, customer);
            match self
                .idempotency
                .claim(&p.client_id, ext, fp, unix_millis())
                .await
                .map_err(store_error)?
            {
                Claim::New(t) => ticket = Some(t),
                Claim::Replay(answer) => return Ok(Admitted::Replay(answer)),
                Claim::InFlight(waiter) => {
                    return Ok(Admitted::Wait {
                        waiter,
                        head: Box::new(head),
                        body,
                    });
                }
                Claim::Conflict => {
                    return Err(ErrorReply::conflict().with_log(format!(
                        "X-EXTERNAL-ID {} reused with another request",
                        Escaped(ext)
                    )));
                }
            }
        }

        // 9. parse + validate (snap-core's one parser: a syntax error is a
        // bad request; otherwise every violation, the answer naming the
        // primary one). Path and query parameters are copied into the body
        // first (`Endpoint::from_target`). A refusal here is an answer too:
        // replays give it again.
        let parsed = match with_target::<E>(&head.method, &head.path, &body) {
            Ok(filled) => {
                snap_core::endpoint::parse_request::<E>(filled.as_deref().unwrap_or(&body))
            }
            Err(v) => Err(snap_core::endpoint::RequestError::Invalid(v)),
        };
        let request = match parsed {
            Ok(r) => r,
            Err(e) => {
                return Ok(Admitted::Refused {
                    error: request_error(e),
                    ticket,
                });
            }
        };
        Ok(Admitted::Proceed {
            inbound: Box::new(Inbound {
                request,
                meta: head.meta,
                partner,
                customer: head.customer,
                external_id,
                path: head.path,
                headers: head.headers,
                raw_body: body,
                provider: None,
            }),
            ticket,
        })
    }
}

/// The body with the path and query parameters of `E` copied in, when the
/// declaration has any (`{name}` segments) or a query was sent; `None`:
/// parse the body as received.
fn with_target<E: Endpoint>(
    method: &str,
    target: &str,
    body: &[u8],
) -> Result<Option<Vec<u8>>, snap_core::rules::Violations> {
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let empty = body.iter().all(u8::is_ascii_whitespace);
    if !E::META.path.contains('{') && query.is_empty() && !(empty && method == "GET") {
        return Ok(None);
    }
    let mut value: serde_json::Value = if empty {
        serde_json::Value::Object(Default::default())
    } else {
        match serde_json::from_slice(body) {
            Ok(v) => v,
            // Not JSON: the parser says so.
            Err(_) => return Ok(None),
        }
    };
    E::from_target(&mut value, path, query)?;
    Ok(serde_json::to_vec(&value).ok())
}

fn signature_error(e: snap_core::sign::SignatureError) -> ErrorReply {
    use snap_core::sign::SignatureError as S;
    match e {
        S::Mismatch => ErrorReply::unauthorized("Invalid Signature"),
        S::Minify(m) => ErrorReply::bad_request("body is not valid JSON").with_log(m.to_string()),
        other => ErrorReply::unauthorized("Invalid Signature").with_log(other.to_string()),
    }
}

fn request_error(e: snap_core::endpoint::RequestError) -> ErrorReply {
    use snap_core::endpoint::RequestError as R;
    match e {
        R::NotJson(reason) => {
            ErrorReply::bad_request("body is not valid JSON").with_log(reason.to_string())
        }
        // The answer `snap validate` prints (`Violations::to_error_body`):
        // 400SS02 for a missing member, else 400SS01, naming the primary
        // violation; every violation goes to the log.
        R::Invalid(violations) => {
            let case = violations.snap_case();
            let path = violations.primary().path.as_str();
            let detail = (!path.is_empty()).then_some(path);
            ErrorReply::new(case.http_status(), case.case(), case.message_for(detail))
                .with_log(violations.to_string())
        }
        other => ErrorReply::bad_request("body refused").with_log(other.to_string()),
    }
}

impl Provider {
    /// Check 7: the signature over the raw received bytes and the path as
    /// received, with the partner's key of the scheme checked. Returns the
    /// partner identified by the signature itself (a scheme without a partner
    /// header, as IPG's body HMAC, names no caller), else `None`.
    async fn verify_signature(
        &self,
        head: &Head,
        body: &[u8],
    ) -> Result<Option<Arc<Partner>>, ErrorReply> {
        if !head.scheme.info().is_signed() {
            return Ok(None);
        }
        let ts = head
            .snap
            .as_ref()
            .map(|s| s.timestamp.as_str())
            .unwrap_or("");
        let mut input = SigningInput::new(&head.method, &head.path)
            .body(body)
            .timestamp(ts);
        input.access_token = head.b2b_token.as_deref();
        let Some(partner) = head.partner.as_deref() else {
            for p in self.partners.all().await.map_err(store_error)? {
                let input = input.client_id(&p.client_id);
                if let Some(Ok(())) = p.verifiers.verify(head.scheme, &input, &head.headers) {
                    return Ok(Some(p));
                }
            }
            return Err(ErrorReply::unauthorized("Invalid Signature"));
        };
        let input = input.client_id(&partner.client_id);
        let result = partner
            .verifiers
            .verify(head.scheme, &input, &head.headers)
            .ok_or_else(|| {
                ErrorReply::unauthorized("Key not Found").with_log(format!(
                    "no `{}` key registered for this partner",
                    head.scheme.name()
                ))
            })?;
        match result {
            Ok(()) => Ok(None),
            Err(e) => {
                self.log_diagnosis(head, body);
                Err(signature_error(e))
            }
        }
    }
}

/// Distance between a timestamp and now, either way.
fn skew_of(t: &SnapTimestamp) -> Duration {
    let nanos = t.nanos_since(&SnapTimestamp::now()).unsigned_abs();
    Duration::from_secs(u64::try_from(nanos / 1_000_000_000).unwrap_or(u64::MAX))
}

/// Distance between an X-TIMESTAMP and now, either way; `Err` names the
/// format problem.
pub(crate) fn skew_from_now(ts: &str) -> Result<Duration, String> {
    let t = SnapTimestamp::parse(ts).map_err(|e| e.to_string())?;
    Ok(skew_of(&t))
}

impl Provider {
    /// Check 5: `X-TIMESTAMP` within the window.
    fn check_window(&self, ts: &SnapTimestamp) -> Result<(), ErrorReply> {
        let skew = skew_of(ts);
        if skew > self.config.timestamp_window() {
            return Err(
                ErrorReply::unauthorized("X-TIMESTAMP out of window").with_log(format!(
                    "{} s from now, window {} s",
                    skew.as_secs(),
                    self.config.timestamp_window().as_secs()
                )),
            );
        }
        Ok(())
    }

    /// Logs, at debug level, why a signature did not verify: the one-line
    /// summary of the signature doctor's diagnosis (`sign::doctor`), with no
    /// body, token or key; the full report (strings-to-sign with the access
    /// token replaced by `{accessToken}`, the body the sender hashed) at trace.
    /// Runs only when debug logging is on (the doctor tries ~40 variants).
    fn log_diagnosis(&self, head: &Head, body: &[u8]) {
        use snap_core::sign::doctor;
        if !tracing::enabled!(tracing::Level::DEBUG) {
            return;
        }
        let received =
            doctor::Received::from_headers(&head.method, &head.path, &head.headers, body);
        // The sender's User-Agent ranks the mistakes its library makes first.
        let opts = doctor::DoctorOptions::from_headers(&head.headers);
        let scheme = head.scheme;
        let diagnosis = head.partner.as_deref().and_then(|p| {
            if scheme.is::<Symmetric>() {
                p.verifier::<Symmetric>().map(|k| {
                    doctor::diagnose_symmetric_with(
                        k,
                        head.b2b_token.as_deref().unwrap_or(""),
                        &received,
                        &opts,
                    )
                })
            } else if scheme.is::<Asymmetric>() {
                p.verifier::<Asymmetric>()
                    .map(|k| doctor::diagnose_asymmetric_with(k, &received, &opts))
            } else if scheme.is::<AccessToken>() {
                p.verifier::<AccessToken>().map(|k| {
                    doctor::diagnose_token_with(
                        k,
                        &p.client_id,
                        received.timestamp,
                        received.signature,
                        &opts,
                    )
                })
            } else {
                None
            }
        });
        match diagnosis {
            Some(d) => {
                // The one-line summary names the sender's mistake without the
                // body; the full report (strings-to-sign and the body the
                // sender hashed, which may hold personal data) only at trace.
                tracing::debug!(
                    endpoint = head.meta.name,
                    partner = %Escaped(head.partner_id().unwrap_or("-")),
                    diagnosis = %d.summary(),
                    "signature rejected"
                );
                tracing::trace!(
                    endpoint = head.meta.name,
                    "signature diagnosis report:\n{d}"
                );
            }
            None => tracing::debug!(
                endpoint = head.meta.name,
                scheme = head.scheme.name(),
                "signature rejected (no diagnosis for this scheme)"
            ),
        }
    }
}
