//! Building a signed request: validate, serialize once, sign exactly those
//! bytes with the endpoint's method and the path as sent, build the headers.
//!
//! The body is `serde_json::to_vec` of the request: compact, so minifying it
//! (which the signature does) changes nothing, and the bytes signed are the
//! bytes in [`PreparedRequest::body`]. Send those bytes, never a
//! re-serialization. A retry after a timeout re-sends the same
//! `PreparedRequest` (same X-EXTERNAL-ID, same body, same signature).

use http::header::{HeaderMap, HeaderValue};
use serde::Serialize;

use super::prepared_headers::{self as slot, PreparedHeaders};

use super::{Endpoint, EndpointMeta, Method, PathMap, PathMapError};
use crate::rules::Violations;
use crate::secret::SecretString;
use crate::sign::{Credential, HmacKey, SignatureError, SignatureScheme, SigningInput, Symmetric};
use crate::time::SnapTimestamp;
use sha2::{Digest, Sha256};

/// Header names [`prepare`] writes (as sent; HTTP header names are
/// case-insensitive on the wire). The SNAP ones are the wire names of
/// [`crate::headers`]' table; a scheme's own headers are listed in its
/// [`SchemeInfo::headers`](crate::sign::SchemeInfo::headers).
pub mod header {
    use crate::headers as table;

    /// `X-TIMESTAMP`
    pub const X_TIMESTAMP: &str = table::X_TIMESTAMP.wire;
    /// `X-SIGNATURE`
    pub const X_SIGNATURE: &str = table::X_SIGNATURE.wire;
    /// `X-PARTNER-ID`
    pub const X_PARTNER_ID: &str = table::X_PARTNER_ID.wire;
    /// `X-EXTERNAL-ID`
    pub const X_EXTERNAL_ID: &str = table::X_EXTERNAL_ID.wire;
    /// `CHANNEL-ID`
    pub const CHANNEL_ID: &str = table::CHANNEL_ID.wire;
    /// `X-DEVICE-ID`
    pub const X_DEVICE_ID: &str = table::X_DEVICE_ID.wire;
    /// `X-CLIENT-KEY`
    pub const X_CLIENT_KEY: &str = table::X_CLIENT_KEY.wire;
    /// `Authorization`
    pub const AUTHORIZATION: &str = table::AUTHORIZATION.wire;
    /// `Authorization-Customer`
    pub const AUTHORIZATION_CUSTOMER: &str = table::AUTHORIZATION_CUSTOMER.wire;
    /// `Content-Type`
    pub const CONTENT_TYPE: &str = "content-type";
}

/// Everything about one call that is not in the declaration.
///
/// Built with [`RequestContext::new`] and the `with_*` methods; what is not
/// set is empty (`""`, no token, no credential):
///
/// ```
/// use snap_core::endpoint::RequestContext;
/// use snap_core::secret::SecretString;
/// use snap_core::sign::{HmacKey, Symmetric};
/// use snap_core::time::SnapTimestamp;
///
/// let key = HmacKey::new(b"client-secret")?;
/// let token = SecretString::from("b2b-token");
/// let ts = SnapTimestamp::parse("2024-03-05T17:37:16+07:00")?;
/// let ctx = RequestContext::new(&ts)
///     .with_path_prefix("/snap")
///     .with_external_id("41807553358950093184162180797837")
///     .with_partner_id("my-partner-id")
///     .with_channel_id("95221")
///     .with_signer::<Symmetric>(&key)
///     .with_access_token(&token);
/// assert_eq!(ctx.credential.map(|c| c.scheme().name()), Some("symmetric"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct RequestContext<'a> {
    /// Deployment prefix put before the declared path (`""`, `"/snap"`); part
    /// of the signed path.
    pub path_prefix: &'a str,
    /// Where the provider serves the endpoint ([`PathMap`]): its template or
    /// prefix / suffix replace the declared path; `None`: the declared path.
    pub paths: Option<&'a PathMap>,
    /// The whole path template of this call (`{name}` segments filled like
    /// the declared path's); wins over [`paths`](Self::paths).
    pub path_template: Option<&'a str>,
    /// Query string without `?` (`""` for none); part of the signed path.
    pub query: &'a str,
    /// X-TIMESTAMP, signed exactly as it is written.
    pub timestamp: &'a SnapTimestamp,
    /// X-EXTERNAL-ID: unique per partner per day; re-use it on a retry.
    pub external_id: &'a str,
    /// X-PARTNER-ID.
    pub partner_id: &'a str,
    /// CHANNEL-ID.
    pub channel_id: &'a str,
    /// The client id: `X-CLIENT-KEY` and the `clientId` of the access-token
    /// signature (services 73/74).
    pub client_id: &'a str,
    /// The signer, with its scheme: the endpoint's scheme (or, for SNAP
    /// signature type 2, [`Asymmetric`](crate::sign::Asymmetric) for a
    /// B2B [`Symmetric`](crate::sign::Symmetric) endpoint). `None` only for
    /// unsigned endpoints.
    pub credential: Option<Credential<'a>>,
    /// The B2B access token (raw, without `Bearer `): `Authorization`, and
    /// part of the symmetric string-to-sign.
    pub access_token: Option<&'a SecretString>,
    /// The B2B2C customer token: `Authorization-Customer`.
    pub customer_token: Option<&'a SecretString>,
    /// `X-DEVICE-ID`: the customer's device (mandatory on B2B2C calls, at
    /// most 400 characters). Written when set.
    pub device_id: Option<&'a str>,
    /// `ORIGIN`: the origin domain of the call. Written when set.
    pub origin: Option<&'a str>,
    /// `X-IP-ADDRESS`: the customer's IPv4 address (B2B2C). Written when set.
    pub ip_address: Option<&'a str>,
    /// `X-LATITUDE`: ISO 6709 `±DD.DDDD` (B2B2C). Written when set.
    pub latitude: Option<&'a str>,
    /// `X-LONGITUDE`: ISO 6709 `±DDD.DDDD` (B2B2C). Written when set.
    pub longitude: Option<&'a str>,
    /// Ready header values of `partner_id` / `channel_id`, when the context
    /// was given them ([`RequestContext::with_partner_headers`]).
    partner: Option<&'a PartnerHeaders>,
    /// Ready `Bearer` value of `access_token` ([`RequestContext::with_bearer`]).
    access_bearer: Option<&'a BearerToken>,
    /// Ready `Bearer` value of `customer_token`
    /// ([`RequestContext::with_customer_bearer`]).
    customer_bearer: Option<&'a BearerToken>,
}

impl<'a> RequestContext<'a> {
    /// A context with this `X-TIMESTAMP` and nothing else.
    pub fn new(timestamp: &'a SnapTimestamp) -> Self {
        RequestContext {
            path_prefix: "",
            paths: None,
            path_template: None,
            query: "",
            timestamp,
            external_id: "",
            partner_id: "",
            channel_id: "",
            client_id: "",
            credential: None,
            access_token: None,
            customer_token: None,
            device_id: None,
            origin: None,
            ip_address: None,
            latitude: None,
            longitude: None,
            partner: None,
            access_bearer: None,
            customer_bearer: None,
        }
    }

    /// Sets the deployment prefix (`"/snap"`).
    pub fn with_path_prefix(mut self, prefix: &'a str) -> Self {
        self.path_prefix = prefix;
        self
    }

    /// Maps declared paths to the provider's ([`PathMap`]): the mapped path
    /// is sent and signed (after [`path_prefix`](Self::path_prefix)).
    pub fn with_paths(mut self, paths: &'a PathMap) -> Self {
        self.paths = Some(paths);
        self
    }

    /// Sends this call at `template` instead of the declared path: the whole
    /// path after [`path_prefix`](Self::path_prefix), `{name}` segments filled
    /// like the declared path's (see [`PathMap::path_for`]).
    pub fn with_path_template(mut self, template: &'a str) -> Self {
        self.path_template = Some(template);
        self
    }

    /// Sets the query string (without `?`).
    pub fn with_query(mut self, query: &'a str) -> Self {
        self.query = query;
        self
    }

    /// Sets `X-EXTERNAL-ID`.
    pub fn with_external_id(mut self, external_id: &'a str) -> Self {
        self.external_id = external_id;
        self
    }

    /// Sets `X-PARTNER-ID`.
    pub fn with_partner_id(mut self, partner_id: &'a str) -> Self {
        self.partner_id = partner_id;
        self
    }

    /// Sets `CHANNEL-ID`.
    pub fn with_channel_id(mut self, channel_id: &'a str) -> Self {
        self.channel_id = channel_id;
        self
    }

    /// Sets the client id (`X-CLIENT-KEY` of access-token requests).
    pub fn with_client_id(mut self, client_id: &'a str) -> Self {
        self.client_id = client_id;
        self
    }

    /// Signs with `signer` as scheme `S`.
    pub fn with_signer<S: SignatureScheme>(self, signer: &'a S::Signer) -> Self {
        self.with_credential(Credential::new::<S>(signer))
    }

    /// Signs with `credential` (from [`Signers::credential`](crate::sign::Signers::credential)
    /// or [`Credential::new`]).
    pub fn with_credential(mut self, credential: Credential<'a>) -> Self {
        self.credential = Some(credential);
        self
    }

    /// Sets the B2B access token.
    pub fn with_access_token(mut self, token: &'a SecretString) -> Self {
        self.access_token = Some(token);
        self
    }

    /// Sets the B2B2C customer token.
    pub fn with_customer_token(mut self, token: &'a SecretString) -> Self {
        self.customer_token = Some(token);
        self
    }

    /// Sets `X-PARTNER-ID` and `CHANNEL-ID` from values checked and built
    /// once ([`PartnerHeaders`]): `prepare` clones them (a reference count)
    /// instead of checking and copying the strings on every call.
    pub fn with_partner_headers(mut self, partner: &'a PartnerHeaders) -> Self {
        self.partner_id = &partner.partner_id;
        self.channel_id = &partner.channel_id;
        self.partner = Some(partner);
        self
    }

    /// Sets the B2B access token from a [`BearerToken`] (its `Bearer` value
    /// built once per token).
    pub fn with_bearer(mut self, token: &'a BearerToken) -> Self {
        self.access_token = Some(&token.token);
        self.access_bearer = Some(token);
        self
    }

    /// Sets the B2B2C customer token from a [`BearerToken`].
    pub fn with_customer_bearer(mut self, token: &'a BearerToken) -> Self {
        self.customer_token = Some(&token.token);
        self.customer_bearer = Some(token);
        self
    }

    /// Sets `X-DEVICE-ID` (B2B2C: the customer's device).
    pub fn with_device_id(mut self, device_id: &'a str) -> Self {
        self.device_id = Some(device_id);
        self
    }

    /// Sets `ORIGIN`.
    pub fn with_origin(mut self, origin: &'a str) -> Self {
        self.origin = Some(origin);
        self
    }

    /// Sets `X-IP-ADDRESS` (B2B2C: the customer's IPv4 address).
    pub fn with_ip_address(mut self, ip: &'a str) -> Self {
        self.ip_address = Some(ip);
        self
    }

    /// Sets `X-LATITUDE` and `X-LONGITUDE` (B2B2C: the customer's position,
    /// ISO 6709: `-6.2088`, `106.8456`).
    pub fn with_location(mut self, latitude: &'a str, longitude: &'a str) -> Self {
        self.latitude = Some(latitude);
        self.longitude = Some(longitude);
        self
    }
}

/// `X-PARTNER-ID` and `CHANNEL-ID` of one partner, checked against the SNAP
/// header table and turned into header values once (per client, not per
/// call). See [`RequestContext::with_partner_headers`].
///
/// ```
/// use snap_core::endpoint::PartnerHeaders;
///
/// let partner = PartnerHeaders::new("my-partner-id", "95221")?;
/// assert_eq!(partner.partner_id(), "my-partner-id");
/// assert!(PartnerHeaders::new("my-partner-id", "952210").is_err()); // CHANNEL-ID: 5 at most
/// // A device id that is the same on every B2B2C call (a client's own):
/// let partner = partner.with_device_id("merchant-pos-01")?;
/// assert_eq!(partner.device_id(), Some("merchant-pos-01"));
/// # Ok::<(), snap_core::endpoint::PrepareError>(())
/// ```
#[derive(Debug, Clone)]
pub struct PartnerHeaders {
    partner_id: String,
    channel_id: String,
    partner_value: HeaderValue,
    channel_value: HeaderValue,
    device: Option<(String, HeaderValue)>,
}

impl PartnerHeaders {
    /// Checks both values by the header table's rules and builds them.
    ///
    /// # Errors
    /// [`PrepareError::Header`] naming the header and the rule.
    pub fn new(partner_id: &str, channel_id: &str) -> Result<Self, PrepareError> {
        use crate::headers as table;
        table::X_PARTNER_ID
            .check(partner_id)
            .map_err(header_error)?;
        table::CHANNEL_ID.check(channel_id).map_err(header_error)?;
        Ok(PartnerHeaders {
            partner_value: value(header::X_PARTNER_ID, partner_id)?,
            channel_value: value(header::CHANNEL_ID, channel_id)?,
            partner_id: partner_id.to_owned(),
            channel_id: channel_id.to_owned(),
            device: None,
        })
    }

    /// Adds an `X-DEVICE-ID` checked and built once: used when the
    /// context's [`RequestContext::device_id`] is this same id (a call that
    /// sets another one gets that one, checked then).
    ///
    /// # Errors
    /// [`PrepareError::Header`] naming the rule it breaks.
    pub fn with_device_id(mut self, device_id: &str) -> Result<Self, PrepareError> {
        crate::headers::X_DEVICE_ID
            .check(device_id)
            .map_err(header_error)?;
        let v = value(crate::headers::X_DEVICE_ID.wire, device_id)?;
        self.device = Some((device_id.to_owned(), v));
        Ok(self)
    }

    /// The `X-DEVICE-ID` built with [`PartnerHeaders::with_device_id`].
    pub fn device_id(&self) -> Option<&str> {
        self.device.as_ref().map(|(d, _)| d.as_str())
    }

    /// `X-PARTNER-ID`.
    pub fn partner_id(&self) -> &str {
        &self.partner_id
    }

    /// `CHANNEL-ID`.
    pub fn channel_id(&self) -> &str {
        &self.channel_id
    }
}

/// An access token (B2B or customer) with its `Bearer` header value, checked
/// and built once per token (see [`RequestContext::with_bearer`]). `Debug`
/// prints no token; the header value is marked sensitive.
#[derive(Clone)]
pub struct BearerToken {
    token: SecretString,
    header: HeaderValue,
}

impl BearerToken {
    /// Checks `token` (the header table's token rule: visible ASCII, no
    /// spaces, at most 2048 characters) and builds `Bearer {token}`.
    ///
    /// # Errors
    /// [`PrepareError::Header`] naming the rule (never the token).
    pub fn new(token: SecretString) -> Result<Self, PrepareError> {
        crate::headers::AUTHORIZATION
            .check(token.expose())
            .map_err(header_error)?;
        let mut header = value(header::AUTHORIZATION, &bearer(token.expose()))?;
        header.set_sensitive(true);
        Ok(BearerToken { token, header })
    }

    /// The token, without `Bearer `.
    pub fn secret(&self) -> &SecretString {
        &self.token
    }
}

impl std::fmt::Debug for BearerToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("BearerToken([redacted])")
    }
}

/// Whether `a` is the very string `b` (same address and length): a ready
/// value is used only for the string it was built from.
fn same(a: &str, b: &str) -> bool {
    std::ptr::eq(a, b)
}

/// A request ready to send: send `body` exactly as it is.
#[derive(Clone)]
pub struct PreparedRequest {
    /// HTTP method.
    pub method: Method,
    /// Path as sent and signed: prefix + declared path + `?query`.
    pub path: String,
    /// Headers (content type, SNAP headers, signature, device headers):
    /// [`PreparedHeaders`], written by the transport straight into its
    /// request ([`PreparedHeaders::write_into`]; `HeaderMap::from` for an
    /// [`http::HeaderMap`]).
    pub headers: PreparedHeaders,
    /// The body: the signed bytes.
    pub body: Vec<u8>,
}

impl PreparedRequest {
    /// X-EXTERNAL-ID sent (`""` for schemes without it): the value in
    /// [`headers`](Self::headers).
    pub fn external_id(&self) -> &str {
        self.headers
            .get(header::X_EXTERNAL_ID)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    }
}

impl std::fmt::Debug for PreparedRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut headers = f.debug_map();
        for (name, value) in &self.headers {
            // Tokens and any secret a scheme writes are marked sensitive.
            if value.is_sensitive() {
                headers.entry(&name.as_str(), &"[redacted]");
            } else {
                headers.entry(&name.as_str(), &value.to_str().unwrap_or("<binary>"));
            }
        }
        headers.finish()?;
        write!(
            f,
            " {} {} ({} body bytes, external id {:?})",
            self.method,
            self.path,
            self.body.len(),
            self.external_id()
        )
    }
}

/// Why a request could not be prepared.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PrepareError {
    /// The request breaks its field rules (nothing was signed).
    #[error("request is invalid: {0}")]
    Invalid(Violations),
    /// The request could not be serialized.
    #[error("request could not be serialized: {0}")]
    Serialize(String),
    /// The endpoint is signed, but the context holds no credential.
    #[error("endpoint `{endpoint}` is signed `{scheme}`, but the context holds no credential")]
    MissingCredential {
        /// The endpoint's name.
        endpoint: &'static str,
        /// The endpoint's scheme ([`SchemeInfo::name`](crate::sign::SchemeInfo::name)).
        scheme: &'static str,
    },
    /// The credential is of another scheme than the endpoint's.
    #[error(
        "endpoint `{endpoint}` is signed `{expected}`, but the context holds a `{given}` credential"
    )]
    WrongCredential {
        /// The endpoint's name.
        endpoint: &'static str,
        /// The endpoint's scheme.
        expected: &'static str,
        /// The credential's scheme.
        given: &'static str,
    },
    /// A token the endpoint needs is absent.
    #[error("endpoint `{endpoint}` needs {what}")]
    MissingToken {
        /// The endpoint's name.
        endpoint: &'static str,
        /// Which token.
        what: &'static str,
    },
    /// A header value breaks its rule (length, characters).
    #[error("header {name}: {reason}")]
    Header {
        /// Header name.
        name: &'static str,
        /// What is wrong.
        reason: String,
    },
    /// Signing failed.
    #[error("signing failed: {0}")]
    Sign(#[from] SignatureError),
    /// The context's [`PathMap`] or path template cannot place this
    /// endpoint (nothing was signed).
    #[error("{0}")]
    Path(#[from] PathMapError),
}

/// The device headers of B2B2C calls, from the header table, with the
/// context value each one takes; X-DEVICE-ID first (it has a slot of
/// its own in [`PreparedHeaders`]).
fn device_headers<'c>(
    ctx: &RequestContext<'c>,
) -> [(&'static crate::headers::HeaderSpec, Option<&'c str>); 5] {
    use crate::headers as table;
    [
        (&table::X_DEVICE_ID, ctx.device_id),
        (&table::ORIGIN, ctx.origin),
        (&table::X_IP_ADDRESS, ctx.ip_address),
        (&table::X_LATITUDE, ctx.latitude),
        (&table::X_LONGITUDE, ctx.longitude),
    ]
}

/// A header value checked to be visible ASCII; `name` is the header's
/// name for the error.
fn value(name: &'static str, value: &str) -> Result<HeaderValue, PrepareError> {
    HeaderValue::from_str(value).map_err(|_| PrepareError::Header {
        name,
        reason: "must be visible ASCII".to_owned(),
    })
}

fn secret_value(name: &'static str, v: &str) -> Result<HeaderValue, PrepareError> {
    let mut v = value(name, v)?;
    v.set_sensitive(true);
    Ok(v)
}

/// `Bearer {token}`, in one allocation.
fn bearer(token: &str) -> String {
    let mut s = String::with_capacity(7 + token.len());
    s.push_str("Bearer ");
    s.push_str(token);
    s
}

/// The tokens this call sends, checked by the header table's rule (a
/// [`BearerToken`] was checked when it was built).
fn check_tokens(ctx: &RequestContext<'_>) -> Result<(), PrepareError> {
    use crate::headers as table;
    let tokens = [
        (&table::AUTHORIZATION, ctx.access_token, ctx.access_bearer),
        (
            &table::AUTHORIZATION_CUSTOMER,
            ctx.customer_token,
            ctx.customer_bearer,
        ),
    ];
    for (spec, token, ready) in tokens {
        match (token, ready) {
            (Some(t), Some(r)) if std::ptr::eq(t, &r.token) => {}
            (Some(t), _) => spec.check(t.expose()).map_err(header_error)?,
            (None, _) => {}
        }
    }
    Ok(())
}

/// The ready `Bearer` value of `token`, if `ready` was built from it.
fn ready_bearer<'c>(
    token: &SecretString,
    ready: Option<&'c BearerToken>,
) -> Option<&'c HeaderValue> {
    ready
        .filter(|r| std::ptr::eq(token, &r.token))
        .map(|r| &r.header)
}

fn header_error(e: crate::headers::HeaderError) -> PrepareError {
    PrepareError::Header {
        name: e.header,
        reason: e.problem.to_string(),
    }
}

/// Validates `req`, serializes it once, signs those bytes as endpoint `E`
/// demands, and builds the headers.
///
/// The signed path is `ctx.path_prefix` + [`Endpoint::target`] (the
/// declared path with its `path_param` fields substituted and its `query`
/// fields appended; mapped to the provider's path by the context's
/// [`PathMap`] or path template, see [`PathMap::path_for`]) plus
/// `ctx.query` when one is given (after `?`, or `&` when the target has a
/// query already); the signed method is `E::META.method`.
///
/// The headers are Content-Type and, as the signing scheme's
/// [`SchemeInfo`](crate::sign::SchemeInfo) says, X-TIMESTAMP, X-PARTNER-ID /
/// X-EXTERNAL-ID / CHANNEL-ID (SNAP transactions), Authorization (the B2B
/// token, when given), Authorization-Customer (B2B2C endpoints) and the
/// scheme's own headers (X-SIGNATURE; X-CLIENT-KEY for access tokens).
/// The headers outside the signature that the context carries
/// (X-DEVICE-ID, which B2B2C calls need, ORIGIN, X-IP-ADDRESS, X-LATITUDE,
/// X-LONGITUDE) are checked by the header table's rules and written when
/// set.
pub fn prepare<E>(req: &E, ctx: &RequestContext<'_>) -> Result<PreparedRequest, PrepareError>
where
    E: Endpoint + Serialize,
{
    req.validate().map_err(PrepareError::Invalid)?;
    let (body, compact) = serialize(req)?;
    prepare_target(&E::META, &req.target(), body, compact, ctx)
}

/// serde_json's compact formatter that notes whether a raw fragment (a
/// `RawValue`, written as it is) went into the output: without one the
/// output provably has no whitespace outside strings.
struct Compact<'f> {
    raw: &'f mut bool,
}

impl serde_json::ser::Formatter for Compact<'_> {
    fn write_raw_fragment<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        *self.raw = true;
        writer.write_all(fragment.as_bytes())
    }
}

/// The body, serialized once, and whether it is known to be compact (the
/// signature then hashes it as it is, without checking it again).
fn serialize<T: Serialize + ?Sized>(req: &T) -> Result<(Vec<u8>, bool), PrepareError> {
    // Most SNAP bodies fit: no regrowth while writing.
    let mut body = Vec::with_capacity(512);
    let mut raw = false;
    let mut ser = serde_json::Serializer::with_formatter(&mut body, Compact { raw: &mut raw });
    req.serialize(&mut ser)
        .map_err(|e| PrepareError::Serialize(e.to_string()))?;
    Ok((body, !raw))
}

/// The symmetric `X-SIGNATURE` of a body known to be compact, straight from
/// the HMAC key: the same bytes as [`Symmetric::signature`] (which would
/// check and minify the body again), for inputs `prepare` has already
/// checked (token by the header table, timestamp by its type, path built
/// here and checked for whitespace by the caller).
fn symmetric_compact(
    key: &HmacKey,
    method: &str,
    path: &str,
    token: &str,
    body: &[u8],
    timestamp: &str,
) -> Result<HeaderValue, PrepareError> {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let digest = Sha256::digest(body);
    let mut hash = [0u8; 64];
    for (i, b) in digest.iter().enumerate() {
        hash[2 * i] = HEX[usize::from(b >> 4)];
        hash[2 * i + 1] = HEX[usize::from(b & 0x0f)];
    }
    let parts = [
        method.as_bytes(),
        path.as_bytes(),
        token.as_bytes(),
        &hash,
        timestamp.as_bytes(),
    ];
    // Fed to the MAC piece by piece (no joined string-to-sign), encoded on
    // the stack, copied once into the header value.
    let mut signature = [0u8; 88];
    let written = key
        .sign_joined_into(&parts, b':', &mut signature)
        .ok_or_else(|| PrepareError::Header {
            name: header::X_SIGNATURE,
            reason: "signature does not fit its 88 characters".to_owned(),
        })?;
    HeaderValue::from_bytes(&signature[..written]).map_err(|_| PrepareError::Header {
        name: header::X_SIGNATURE,
        reason: "must be visible ASCII".to_owned(),
    })
}

/// Signs `body`, already serialized, for the endpoint `meta` describes, and
/// builds the headers: the second half of [`prepare`], for callers that
/// know an endpoint only by its metadata (`snap call`). `body` is not
/// validated here; it is signed and must be sent exactly as given.
///
/// The context's credential must be of the endpoint's scheme, or of its
/// [type 2](EndpointMeta::type2_scheme) alternative (a partner onboarded with
/// "asymmetric signature without get token" signs every B2B call with its
/// private key); an unsigned endpoint needs none.
///
/// # Errors
/// [`PrepareError::MissingCredential`] / [`PrepareError::WrongCredential`]
/// naming the endpoint and the schemes, [`PrepareError::MissingToken`],
/// [`PrepareError::Header`] for a header value that breaks its rule,
/// [`PrepareError::Sign`] when the scheme refuses the input.
pub fn prepare_bytes(
    meta: &EndpointMeta,
    body: Vec<u8>,
    ctx: &RequestContext<'_>,
) -> Result<PreparedRequest, PrepareError> {
    prepare_target(meta, meta.path, body, false, ctx)
}

/// [`prepare_bytes`] with the path as sent (`target`: the declared path with
/// its parameters, see [`Endpoint::target`]).
fn prepare_target(
    meta: &EndpointMeta,
    target: &str,
    mut body: Vec<u8>,
    compact: bool,
    ctx: &RequestContext<'_>,
) -> Result<PreparedRequest, PrepareError> {
    let credential = match ctx.credential {
        Some(c) if meta.accepts_signature(c.scheme()) => Some(c),
        Some(c) => {
            return Err(PrepareError::WrongCredential {
                endpoint: meta.name,
                expected: meta.signature.name(),
                given: c.scheme().name(),
            });
        }
        None if meta.signature.info().is_signed() => {
            return Err(PrepareError::MissingCredential {
                endpoint: meta.name,
                scheme: meta.signature.name(),
            });
        }
        None => None,
    };
    // What is sent is what the signing scheme uses.
    let info = credential.map_or(meta.signature.info(), |c| c.scheme().info());
    // A request without a body (a unit struct: `null`, or a GET with no
    // fields: `{}`) is sent, and signed, as the empty string.
    if body == b"null" || (meta.method == Method::Get && body == b"{}") {
        body.clear();
    }
    // The provider's path for this endpoint, when the context maps it.
    let mapped = match (ctx.path_template, ctx.paths) {
        (Some(template), _) => Some(
            PathMap::new()
                .with_path(meta.name, template)
                .path_for(meta, target)?,
        ),
        (None, Some(paths)) if !paths.is_empty() => Some(paths.path_for(meta, target)?),
        (None, _) => None,
    };
    let target = mapped.as_deref().unwrap_or(target);
    let mut path =
        String::with_capacity(ctx.path_prefix.len() + target.len() + ctx.query.len() + 1);
    path.push_str(ctx.path_prefix);
    path.push_str(target);
    if !ctx.query.is_empty() {
        path.push(if target.contains('?') { '&' } else { '?' });
        path.push_str(ctx.query);
    }
    let ts = ctx.timestamp.as_str();

    let mut headers = PreparedHeaders::new();
    if info.transaction_headers {
        crate::headers::X_EXTERNAL_ID
            .check(ctx.external_id)
            .map_err(header_error)?;
        headers.set(slot::X_TIMESTAMP, value(header::X_TIMESTAMP, ts)?);
        match ctx.partner {
            Some(p)
                if same(ctx.partner_id, &p.partner_id) && same(ctx.channel_id, &p.channel_id) =>
            {
                headers.set(slot::X_PARTNER_ID, p.partner_value.clone());
                headers.set(slot::CHANNEL_ID, p.channel_value.clone());
            }
            _ => {
                use crate::headers as table;
                table::X_PARTNER_ID
                    .check(ctx.partner_id)
                    .map_err(header_error)?;
                table::CHANNEL_ID
                    .check(ctx.channel_id)
                    .map_err(header_error)?;
                headers.set(
                    slot::X_PARTNER_ID,
                    value(header::X_PARTNER_ID, ctx.partner_id)?,
                );
                headers.set(slot::CHANNEL_ID, value(header::CHANNEL_ID, ctx.channel_id)?);
            }
        }
        headers.set(
            slot::X_EXTERNAL_ID,
            value(header::X_EXTERNAL_ID, ctx.external_id)?,
        );
    } else if info.timestamp {
        headers.set(slot::X_TIMESTAMP, value(header::X_TIMESTAMP, ts)?);
    }
    check_tokens(ctx)?;
    let access_token = ctx.access_token.map(|t| t.expose().as_str());
    if let Some(token) = ctx.access_token {
        let v = match ready_bearer(token, ctx.access_bearer) {
            Some(v) => v.clone(),
            None => secret_value(header::AUTHORIZATION, &bearer(token.expose()))?,
        };
        headers.set(slot::AUTHORIZATION, v);
    }
    if meta.customer_token {
        let token = ctx.customer_token.ok_or(PrepareError::MissingToken {
            endpoint: meta.name,
            what: "a customer token (Authorization-Customer, B2B2C)",
        })?;
        let v = match ready_bearer(token, ctx.customer_bearer) {
            Some(v) => v.clone(),
            None => secret_value(header::AUTHORIZATION_CUSTOMER, &bearer(token.expose()))?,
        };
        headers.set(slot::AUTHORIZATION_CUSTOMER, v);
    }
    if meta.device_id && ctx.device_id.is_none_or(|d| d.trim().is_empty()) {
        return Err(PrepareError::Header {
            name: crate::headers::X_DEVICE_ID.canonical,
            reason: "is mandatory on this B2B2C endpoint (BI's header table): set the customer's device id in the request context (`with_device_id`)".into(),
        });
    }
    for (i, (spec, v)) in device_headers(ctx).into_iter().enumerate() {
        if let Some(v) = v {
            // The partner's ready X-DEVICE-ID, when it is the one asked for.
            if i == 0
                && let Some((_, ready)) = ctx
                    .partner
                    .and_then(|p| p.device.as_ref())
                    .filter(|(d, _)| d == v)
            {
                headers.set(slot::X_DEVICE_ID, ready.clone());
                continue;
            }
            spec.check(v).map_err(header_error)?;
            let v = value(spec.wire, v)?;
            // X-DEVICE-ID (first: mandatory on B2B2C) has a slot.
            if i == 0 {
                headers.set(slot::X_DEVICE_ID, v);
            } else {
                headers.push_extra(spec.name(), v);
            }
        }
    }
    if info.access_token && access_token.is_none() {
        return Err(PrepareError::MissingToken {
            endpoint: meta.name,
            what: "a B2B access token (Authorization), which its signature covers",
        });
    }
    let plain_path = path.starts_with('/')
        && !path
            .bytes()
            .any(|b| b.is_ascii_whitespace() || b.is_ascii_control() || b >= 0x80);
    if let Some(credential) = credential
        && compact
        && plain_path
        && let (Some(key), Some(token)) = (credential.signer::<Symmetric>(), access_token)
    {
        let signature = symmetric_compact(key, meta.method.as_str(), &path, token, &body, ts)?;
        headers.set(slot::X_SIGNATURE, signature);
    } else if let Some(credential) = credential {
        let mut input = SigningInput::new(meta.method.as_str(), &path)
            .body(&body)
            .timestamp(ts);
        input.access_token = access_token;
        if !ctx.client_id.is_empty() {
            input.client_id = Some(ctx.client_id);
        }
        // A scheme writes into an `http::HeaderMap` (its trait's contract);
        // its headers are moved over (a value per name: the last written).
        let mut written = HeaderMap::with_capacity(info.headers.len());
        credential.sign(&input, &mut written)?;
        let mut name = None;
        for (n, v) in written {
            if let Some(n) = n {
                name = Some(n);
            }
            if let Some(n) = &name {
                headers.insert(n.clone(), v);
            }
        }
    }
    Ok(PreparedRequest {
        method: meta.method,
        path,
        headers,
        body,
    })
}
