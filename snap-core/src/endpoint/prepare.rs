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

use super::{Endpoint, EndpointMeta, Method, PathMap, PathMapError};
use crate::rules::Violations;
use crate::secret::SecretString;
use crate::sign::{Credential, SignatureError, SignatureScheme, SigningInput};
use crate::time::SnapTimestamp;

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
const N_X_PARTNER_ID: Name = Name::of(header::X_PARTNER_ID);
const N_X_EXTERNAL_ID: Name = Name::of(header::X_EXTERNAL_ID);
const N_CHANNEL_ID: Name = Name::of(header::CHANNEL_ID);
const N_AUTHORIZATION: Name = Name::of(header::AUTHORIZATION);
const N_AUTHORIZATION_CUSTOMER: Name = Name::of(header::AUTHORIZATION_CUSTOMER);

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
/// Headers outside the signature (X-DEVICE-ID, which B2B2C calls
/// need, ORIGIN, X-IP-ADDRESS, X-LATITUDE, X-LONGITUDE) are the caller's to
/// add to [`PreparedRequest::headers`].
pub fn prepare<E>(req: &E, ctx: &RequestContext<'_>) -> Result<PreparedRequest, PrepareError>
where
    E: Endpoint + Serialize,
{
    req.validate().map_err(PrepareError::Invalid)?;
    let body = serde_json::to_vec(req).map_err(|e| PrepareError::Serialize(e.to_string()))?;
    prepare_target(&E::META, &req.target(), body, ctx)
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
    prepare_target(meta, meta.path, body, ctx)
}

/// [`prepare_bytes`] with the path as sent (`target`: the declared path with
/// its parameters, see [`Endpoint::target`]).
fn prepare_target(
    meta: &EndpointMeta,
    target: &str,
    mut body: Vec<u8>,
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

    // At most 8 headers: content type, 4 SNAP ids, 2 tokens, signature.
    let mut headers = HeaderMap::with_capacity(8);
    headers.insert(
        N_CONTENT_TYPE.0,
        HeaderValue::from_static("application/json"),
    );
    let mut external_id = String::new();
    if info.transaction_headers {
        check_snap_ids(ctx)?;
        put(&mut headers, N_X_TIMESTAMP, ts)?;
        put(&mut headers, N_X_PARTNER_ID, ctx.partner_id)?;
        put(&mut headers, N_X_EXTERNAL_ID, ctx.external_id)?;
        put(&mut headers, N_CHANNEL_ID, ctx.channel_id)?;
        external_id = ctx.external_id.to_owned();
    } else if info.timestamp {
        put(&mut headers, N_X_TIMESTAMP, ts)?;
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
    if info.access_token && access_token.is_none() {
        return Err(PrepareError::MissingToken {
            endpoint: meta.name,
            what: "a B2B access token (Authorization), which its signature covers",
        });
    }
    if let Some(credential) = credential {
        let mut input = SigningInput::new(meta.method.as_str(), &path)
            .body(&body)
            .timestamp(ts);
        input.access_token = access_token;
        if !ctx.client_id.is_empty() {
            input.client_id = Some(ctx.client_id);
        }
        credential.sign(&input, &mut headers)?;
    }
    Ok(PreparedRequest {
        method: meta.method,
        path,
        headers,
        body,
        external_id,
    })
}
