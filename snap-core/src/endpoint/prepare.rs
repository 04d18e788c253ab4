//! Building a signed request: validate, serialize once, sign exactly those
//! bytes with the endpoint's method and the path as sent, build the headers.
//!
//! The body is `serde_json::to_vec` of the request: compact, so minifying it
//! (which the signature does) changes nothing, and the bytes signed are the
//! bytes in [`PreparedRequest::body`]. Send those bytes, never a
//! re-serialization. A retry after a timeout re-sends the same
//! `PreparedRequest` (same X-EXTERNAL-ID, same body, same signature).

use http::header::{HeaderMap, HeaderName, HeaderValue};
use serde::Serialize;

use super::{Endpoint, EndpointMeta, Method, SignatureScheme};
use crate::rules::Violations;
use crate::secret::SecretString;
#[cfg(feature = "rsa")]
use crate::sign::RsaPrivateKey;
use crate::sign::provider::{AyopopCredentials, IpgKey};
use crate::sign::{self, HmacKey, SignatureError};
use crate::time::SnapTimestamp;

/// Header names [`prepare`] writes (as sent; HTTP header names are
/// case-insensitive on the wire). The SNAP ones are the wire names of
/// [`crate::headers`]' table.
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
    /// `X-CLIENT-KEY`
    pub const X_CLIENT_KEY: &str = table::X_CLIENT_KEY.wire;
    /// `Authorization`
    pub const AUTHORIZATION: &str = table::AUTHORIZATION.wire;
    /// `Authorization-Customer`
    pub const AUTHORIZATION_CUSTOMER: &str = table::AUTHORIZATION_CUSTOMER.wire;
    /// `Content-Type`
    pub const CONTENT_TYPE: &str = "content-type";
    /// IPG's `Signature`
    pub const IPG_SIGNATURE: &str = "signature";
    /// Ayopop's `KEY`
    pub const AYOPOP_KEY: &str = "key";
    /// Ayopop's `TOKEN`
    pub const AYOPOP_TOKEN: &str = "token";
    /// Ayopop's `VERSION`
    pub const AYOPOP_VERSION: &str = "version";
}

/// The key material that signs a request; it must match the endpoint's
/// [`SignatureScheme`].
#[derive(Clone, Copy)]
pub enum Credentials<'a> {
    /// `symmetric`: HMAC-SHA512 with the client secret.
    Hmac(&'a HmacKey),
    /// `asymmetric`: SHA256withRSA with the partner's private key.
    #[cfg(feature = "rsa")]
    Rsa(&'a RsaPrivateKey),
    /// `token` (access token 73/74): SHA256withRSA over `clientId|timestamp`;
    /// `client_id` is also sent as X-CLIENT-KEY.
    #[cfg(feature = "rsa")]
    Token {
        /// The client id (X-CLIENT-KEY).
        client_id: &'a str,
        /// The partner's private key.
        key: &'a RsaPrivateKey,
    },
    /// `ipg`: IPG's HMAC-SHA256 `Signature` header.
    Ipg(&'a IpgKey),
    /// `ayopop`: Ayopop's KEY / TOKEN / VERSION headers.
    Ayopop(&'a AyopopCredentials),
    /// `none`: unsigned.
    None,
}

impl Credentials<'_> {
    fn scheme(&self) -> SignatureScheme {
        match self {
            Credentials::Hmac(_) => SignatureScheme::Symmetric,
            #[cfg(feature = "rsa")]
            Credentials::Rsa(_) => SignatureScheme::Asymmetric,
            #[cfg(feature = "rsa")]
            Credentials::Token { .. } => SignatureScheme::Token,
            Credentials::Ipg(_) => SignatureScheme::IpgHmacSha256,
            Credentials::Ayopop(_) => SignatureScheme::AyopopKeyToken,
            Credentials::None => SignatureScheme::None,
        }
    }
}

impl std::fmt::Debug for Credentials<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Credentials::{:?}([redacted])", self.scheme())
    }
}

/// Everything about one call that is not in the declaration.
#[derive(Debug, Clone)]
pub struct RequestContext<'a> {
    /// Deployment prefix put before the declared path (`""`, `"/snap"`); part
    /// of the signed path.
    pub path_prefix: &'a str,
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
    /// The signing key material.
    pub credentials: Credentials<'a>,
    /// The B2B access token (raw, without `Bearer `): `Authorization`, and
    /// part of the symmetric string-to-sign.
    pub access_token: Option<&'a SecretString>,
    /// The B2B2C customer token: `Authorization-Customer`.
    pub customer_token: Option<&'a SecretString>,
}

/// A request ready to send: send `body` exactly as it is.
#[derive(Clone)]
pub struct PreparedRequest {
    /// HTTP method.
    pub method: Method,
    /// Path as sent and signed: prefix + declared path + `?query`.
    pub path: String,
    /// Headers (content type, SNAP headers, signature).
    pub headers: HeaderMap,
    /// The body: the signed bytes.
    pub body: Vec<u8>,
    /// X-EXTERNAL-ID sent (empty for schemes without it).
    pub external_id: String,
}

impl std::fmt::Debug for PreparedRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut headers = f.debug_map();
        for (name, value) in &self.headers {
            let sensitive = [
                header::AUTHORIZATION,
                header::AUTHORIZATION_CUSTOMER,
                header::AYOPOP_KEY,
                header::AYOPOP_TOKEN,
            ]
            .contains(&name.as_str());
            if sensitive {
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
            self.external_id
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
    /// The credentials do not fit the endpoint's signature scheme.
    #[error(
        "endpoint `{endpoint}` is signed {expected:?}, but the context holds {given:?} credentials"
    )]
    WrongCredentials {
        /// The endpoint's name.
        endpoint: &'static str,
        /// The endpoint's scheme.
        expected: SignatureScheme,
        /// The credentials' scheme.
        given: SignatureScheme,
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
}

/// A header [`prepare`] writes: its parsed name (built at compile time) and
/// the name its errors quote.
struct Name(HeaderName, &'static str);

impl Name {
    const fn of(name: &'static str) -> Self {
        Self(HeaderName::from_static(name), name)
    }
}

const N_CONTENT_TYPE: Name = Name::of(header::CONTENT_TYPE);
const N_X_TIMESTAMP: Name = Name::of(header::X_TIMESTAMP);
const N_X_SIGNATURE: Name = Name::of(header::X_SIGNATURE);
const N_X_PARTNER_ID: Name = Name::of(header::X_PARTNER_ID);
const N_X_EXTERNAL_ID: Name = Name::of(header::X_EXTERNAL_ID);
const N_CHANNEL_ID: Name = Name::of(header::CHANNEL_ID);
#[cfg(feature = "rsa")]
const N_X_CLIENT_KEY: Name = Name::of(header::X_CLIENT_KEY);
const N_AUTHORIZATION: Name = Name::of(header::AUTHORIZATION);
const N_AUTHORIZATION_CUSTOMER: Name = Name::of(header::AUTHORIZATION_CUSTOMER);
const N_IPG_SIGNATURE: Name = Name::of(header::IPG_SIGNATURE);
const N_AYOPOP_KEY: Name = Name::of(header::AYOPOP_KEY);
const N_AYOPOP_TOKEN: Name = Name::of(header::AYOPOP_TOKEN);
const N_AYOPOP_VERSION: Name = Name::of(header::AYOPOP_VERSION);

fn value(name: &Name, value: &str) -> Result<HeaderValue, PrepareError> {
    HeaderValue::from_str(value).map_err(|_| PrepareError::Header {
        name: name.1,
        reason: "must be visible ASCII".to_owned(),
    })
}

fn put(headers: &mut HeaderMap, name: Name, v: &str) -> Result<(), PrepareError> {
    let v = value(&name, v)?;
    headers.insert(name.0, v);
    Ok(())
}

fn put_secret(headers: &mut HeaderMap, name: Name, v: &str) -> Result<(), PrepareError> {
    let mut v = value(&name, v)?;
    v.set_sensitive(true);
    headers.insert(name.0, v);
    Ok(())
}

/// `Bearer {token}`, in one allocation.
fn bearer(token: &str) -> String {
    let mut s = String::with_capacity(7 + token.len());
    s.push_str("Bearer ");
    s.push_str(token);
    s
}

/// SNAP header rules (the header table's) checked before anything is
/// signed: the values this call writes from `ctx`.
fn check_snap_ids(ctx: &RequestContext<'_>) -> Result<(), PrepareError> {
    use crate::headers as table;
    let rules = [
        (&table::X_PARTNER_ID, ctx.partner_id),
        (&table::X_EXTERNAL_ID, ctx.external_id),
        (&table::CHANNEL_ID, ctx.channel_id),
    ];
    for (spec, value) in rules {
        spec.check(value).map_err(header_error)?;
    }
    Ok(())
}

/// The tokens this call sends, checked by the header table's rule.
fn check_tokens(ctx: &RequestContext<'_>) -> Result<(), PrepareError> {
    use crate::headers as table;
    let tokens = [
        (&table::AUTHORIZATION, ctx.access_token),
        (&table::AUTHORIZATION_CUSTOMER, ctx.customer_token),
    ];
    for (spec, token) in tokens {
        if let Some(t) = token {
            spec.check(t.expose()).map_err(header_error)?;
        }
    }
    Ok(())
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
/// The signed path is `ctx.path_prefix + E::META.path` plus `?ctx.query`
/// when a query is given; the signed method is `E::META.method`.
///
/// The headers are Content-Type, X-TIMESTAMP, X-SIGNATURE and, by scheme,
/// X-PARTNER-ID / X-EXTERNAL-ID / CHANNEL-ID / Authorization /
/// Authorization-Customer (SNAP transactions) or X-CLIENT-KEY (access
/// tokens). Headers outside the signature (X-DEVICE-ID, which B2B2C calls
/// need, ORIGIN, X-IP-ADDRESS, X-LATITUDE, X-LONGITUDE) are the caller's to
/// add to [`PreparedRequest::headers`].
pub fn prepare<E>(req: &E, ctx: &RequestContext<'_>) -> Result<PreparedRequest, PrepareError>
where
    E: Endpoint + Serialize,
{
    req.validate().map_err(PrepareError::Invalid)?;
    let body = serde_json::to_vec(req).map_err(|e| PrepareError::Serialize(e.to_string()))?;
    prepare_bytes(&E::META, body, ctx)
}

/// Signs `body`, already serialized, for the endpoint `meta` describes, and
/// builds the headers: the second half of [`prepare`], for callers that
/// know an endpoint only by its metadata (`snap call`, the client's token
/// requests). `body` is not validated here; it is signed and must be sent
/// exactly as given.
///
/// A `symmetric` endpoint also accepts RSA credentials unless it needs a
/// customer token: a partner onboarded with "asymmetric signature without
/// get token" (SNAP signature type 2) signs every B2B call that way.
pub fn prepare_bytes(
    meta: &EndpointMeta,
    mut body: Vec<u8>,
    ctx: &RequestContext<'_>,
) -> Result<PreparedRequest, PrepareError> {
    let given = ctx.credentials.scheme();
    let type2 = meta.signature == SignatureScheme::Symmetric
        && given == SignatureScheme::Asymmetric
        && !meta.customer_token;
    if given != meta.signature && !type2 {
        return Err(PrepareError::WrongCredentials {
            endpoint: meta.name,
            expected: meta.signature,
            given,
        });
    }
    // A request without a body (a unit struct: `null`, or a GET with no
    // fields: `{}`) is sent, and signed, as the empty string.
    if body == b"null" || (meta.method == Method::Get && body == b"{}") {
        body.clear();
    }
    let mut path =
        String::with_capacity(ctx.path_prefix.len() + meta.path.len() + ctx.query.len() + 1);
    path.push_str(ctx.path_prefix);
    path.push_str(meta.path);
    if !ctx.query.is_empty() {
        path.push('?');
        path.push_str(ctx.query);
    }
    let method = meta.method.as_str();
    let ts = ctx.timestamp.as_str();

    // At most 8 headers: content type, 4 SNAP ids, 2 tokens, signature.
    let mut headers = HeaderMap::with_capacity(8);
    headers.insert(
        N_CONTENT_TYPE.0,
        HeaderValue::from_static("application/json"),
    );
    let mut external_id = String::new();
    let snap_transaction = matches!(
        meta.signature,
        SignatureScheme::Symmetric | SignatureScheme::Asymmetric | SignatureScheme::None
    );
    if snap_transaction {
        check_snap_ids(ctx)?;
        put(&mut headers, N_X_TIMESTAMP, ts)?;
        put(&mut headers, N_X_PARTNER_ID, ctx.partner_id)?;
        put(&mut headers, N_X_EXTERNAL_ID, ctx.external_id)?;
        put(&mut headers, N_CHANNEL_ID, ctx.channel_id)?;
        external_id = ctx.external_id.to_owned();
    }
    check_tokens(ctx)?;
    let access_token = ctx.access_token.map(|t| t.expose().as_str());
    if let Some(token) = access_token {
        put_secret(&mut headers, N_AUTHORIZATION, &bearer(token))?;
    }
    if meta.customer_token {
        let token = ctx.customer_token.ok_or(PrepareError::MissingToken {
            endpoint: meta.name,
            what: "a customer token (Authorization-Customer, B2B2C)",
        })?;
        put_secret(
            &mut headers,
            N_AUTHORIZATION_CUSTOMER,
            &bearer(token.expose()),
        )?;
    }

    match ctx.credentials {
        Credentials::Hmac(key) => {
            let token = access_token.ok_or(PrepareError::MissingToken {
                endpoint: meta.name,
                what: "a B2B access token (symmetric signature)",
            })?;
            let sig = sign::sign_symmetric(key, method, &path, token, &body, ts)?;
            put(&mut headers, N_X_SIGNATURE, &sig)?;
        }
        #[cfg(feature = "rsa")]
        Credentials::Rsa(key) => {
            let sig = sign::sign_asymmetric(key, method, &path, &body, ts)?;
            put(&mut headers, N_X_SIGNATURE, &sig)?;
        }
        #[cfg(feature = "rsa")]
        Credentials::Token { client_id, key } => {
            let sig = sign::sign_token(key, client_id, ts)?;
            put(&mut headers, N_X_TIMESTAMP, ts)?;
            put(&mut headers, N_X_CLIENT_KEY, client_id)?;
            put(&mut headers, N_X_SIGNATURE, &sig)?;
        }
        Credentials::Ipg(key) => {
            // IPG signs "request body or query string": the body when there
            // is one, else the query.
            let message = if body.is_empty() || meta.method == Method::Get {
                ctx.query.as_bytes()
            } else {
                &body
            };
            put(&mut headers, N_IPG_SIGNATURE, &key.sign(message))?;
        }
        Credentials::Ayopop(creds) => {
            let h = creds.headers(&body);
            put_secret(&mut headers, N_AYOPOP_KEY, &h.key)?;
            put_secret(&mut headers, N_AYOPOP_TOKEN, &h.token)?;
            put(&mut headers, N_AYOPOP_VERSION, h.version)?;
        }
        Credentials::None => {}
    }
    Ok(PreparedRequest {
        method: meta.method,
        path,
        headers,
        body,
        external_id,
    })
}
