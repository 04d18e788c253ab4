//! Signatures: the open [`SignatureScheme`] trait, the BI standard's schemes
//! (SNAP-FACTS 1.a-1.e) as its implementations, keys, and the signature
//! doctor.
//!
//! | scheme (`signature = ..`) | X-SIGNATURE | string-to-sign |
//! |---|---|---|
//! | [`Symmetric`] (`"symmetric"`) | `base64(HMAC-SHA512(clientSecret, s))` | `METHOD:pathWithQuery:accessToken:hex(sha256(minify(body))):timestamp` |
//! | [`Asymmetric`] (`"asymmetric"`) | `base64(SHA256withRSA(privateKey, s))` | `METHOD:pathWithQuery:hex(sha256(minify(body))):timestamp` |
//! | [`AccessToken`] (`"token"`, 73/74) | `base64(SHA256withRSA(privateKey, s))` | `clientId|timestamp` |
//! | [`Unsigned`] (`"none"`) | none | none |
//!
//! # Inputs
//! What is signed is a [`SigningInput`], never positional strings. The rules
//! the BI schemes apply (and refuse to guess around):
//! * `method` must already be upper-case ASCII (`POST`, not `post`): HTTP
//!   methods are case-sensitive, SNAP signs the upper-case form, and silently
//!   upper-casing would hide a sender bug; a lower-case method is an
//!   [`SignatureError::InvalidInput`].
//! * `path` is the relative path *as sent*, with its query string and any
//!   deployment prefix (`/snap/v1.0/...`); it must start with `/`.
//! * `access_token` is the raw B2B token, without `Bearer `.
//! * `timestamp` is the exact `X-TIMESTAMP` string.
//! * `body` is hashed after [`minify`] (whitespace outside strings removed,
//!   every other byte kept); an empty body hashes the empty string. Verifiers
//!   pass the *raw received bytes*: they are minified here, never re-serialized.
//! * signatures are standard base64 with padding; verification decodes the
//!   received signature and compares bytes (HMAC tags in constant time).
//!
//! Keys are parsed once: [`HmacKey`] holds the keyed HMAC state,
//! [`RsaPrivateKey`] / [`RsaPublicKey`] the parsed RSA key (feature `rsa`).
//!
//! ```
//! use snap_core::sign::{HmacKey, SigningInput, Symmetric};
//!
//! let key = HmacKey::new(b"myclientsecret")?;                       // once per credential, then reuse
//! let body = br#"{"partnerReferenceNo":"2020102900000000000001"}"#; // the exact bytes you send
//! let input = SigningInput::new("POST", "/v1.0/qr/qr-mpm-generate")
//!     .access_token("myaccesstoken")
//!     .body(body)
//!     .timestamp("2024-03-05T10:37:16.196Z");
//! let sig = Symmetric::signature(&key, &input)?;                    // X-SIGNATURE, base64
//! assert_eq!(sig.len(), 88);
//! // provider side: verify the RAW received bytes (minified here, never re-serialized)
//! let received = b"{ \"partnerReferenceNo\": \"2020102900000000000001\" }";
//! Symmetric::verify_signature(&key, &input.body(received), &sig)?;
//! // RSA: let rsa = RsaPrivateKey::from_pem(&pem)?;  (PKCS#8 or PKCS#1, >= 2048 bits; parse once)
//! //      Asymmetric::signature(&rsa, &input)?;  AccessToken::signature(&rsa, &input.client_id(id))?;
//! # Ok::<(), snap_core::sign::SignatureError>(())
//! ```
//!
//! # Schemes are types
//!
//! A scheme is a type implementing [`SignatureScheme`]: a [`SchemeInfo`]
//! (plain `const` data: its name, whether it sends `X-TIMESTAMP`, the SNAP
//! transaction headers, the B2B token, which headers it writes and which one
//! names the caller), its `Signer` and `Verifier` key types, and `sign` /
//! `verify` over a [`SigningInput`] and the request's headers. A declaration
//! names it by type (`#[snap(signature = my::Scheme)]`, the way `code_scheme`
//! names a result-code scheme); the four strings `"symmetric"`,
//! `"asymmetric"`, `"token"` and `"none"` name the BI types above.
//!
//! Keys travel type-keyed: a [`Credential`] pairs one signer with its scheme
//! (built typed, so a key cannot be given to the wrong scheme), [`Signers`] and
//! [`Verifiers`] hold one key per scheme (a client's credentials, a partner's
//! keys on the provider side). Code that knows an endpoint only by its
//! metadata uses the [`SchemeRef`] in
//! [`EndpointMeta::signature`](crate::endpoint::EndpointMeta::signature).
//!
//! Nothing here knows a provider: IPG's and Ayopop's schemes live next to
//! their declarations in `snap-endpoints`. A provider scheme of your own,
//! declared, prepared and verified without touching this crate:
//!
//! ```
//! use http::HeaderMap;
//! use serde::{Deserialize, Serialize};
//! use snap_core::endpoint::{Endpoint, RequestContext, prepare};
//! use snap_core::sign::{
//!     HmacSha256Key, SchemeInfo, SignatureError, SignatureScheme, SigningInput, Verifiers,
//!     read_header, write_header,
//! };
//! use snap_core::time::SnapTimestamp;
//! use snap_core::{SnapModel, SnapRequest};
//!
//! /// A provider's scheme: `X-ACME-SIGN = hex(HMAC-SHA256(apiKey, body))`.
//! pub struct AcmeSignature;
//!
//! fn hex(tag: &[u8]) -> String {
//!     tag.iter().map(|b| format!("{b:02x}")).collect()
//! }
//!
//! impl SignatureScheme for AcmeSignature {
//!     const INFO: SchemeInfo = SchemeInfo::new("acme").with_headers(&["X-ACME-SIGN"]);
//!     type Signer = HmacSha256Key;
//!     type Verifier = HmacSha256Key;
//!
//!     fn sign(key: &HmacSha256Key, input: &SigningInput<'_>, headers: &mut HeaderMap)
//!         -> Result<(), SignatureError> {
//!         write_header(headers, "X-ACME-SIGN", &hex(&key.tag(input.body)), false)
//!     }
//!
//!     fn verify(key: &HmacSha256Key, input: &SigningInput<'_>, headers: &HeaderMap)
//!         -> Result<(), SignatureError> {
//!         let received = read_header(headers, "X-ACME-SIGN")?;
//!         if snap_core::sign::constant_time_eq(received.as_bytes(), hex(&key.tag(input.body)).as_bytes()) {
//!             Ok(())
//!         } else {
//!             Err(SignatureError::Mismatch)
//!         }
//!     }
//! }
//!
//! #[derive(Serialize, Deserialize, SnapRequest)]
//! #[snap(method = "POST", path = "/orders", response = Ack, provider = "Acme",
//!        signature = AcmeSignature, code_scheme = snap_core::endpoint::Snap7)]
//! struct OrderRequest { order_id: String }
//!
//! #[derive(Serialize, Deserialize, SnapModel)]
//! struct Ack { ok: bool }
//!
//! let key = HmacSha256Key::new(b"acme-api-key", "apiKey")?;
//! let ts = SnapTimestamp::parse("2024-03-05T17:37:16+07:00")?;
//! let ctx = RequestContext::new(&ts).with_signer::<AcmeSignature>(&key);
//! let prepared = prepare(&OrderRequest { order_id: "A-1".into() }, &ctx)?;
//! assert_eq!(OrderRequest::META.signature.name(), "acme");
//!
//! // provider side: the partner's verifiers, looked up by the endpoint's scheme
//! let verifiers = Verifiers::new().with::<AcmeSignature>(HmacSha256Key::new(b"acme-api-key", "apiKey")?);
//! let received = SigningInput::new("POST", &prepared.path).body(&prepared.body);
//! let headers = prepared.headers.to_header_map(); // as the provider receives them
//! verifiers.verify(OrderRequest::META.signature, &received, &headers).unwrap()?;
//! let tampered = received.body(br#"{"order_id":"A-2"}"#);
//! assert!(verifiers.verify(OrderRequest::META.signature, &tampered, &headers).unwrap().is_err());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The signature doctor ([`doctor`]) explains a mismatch of the BI schemes.

use http::HeaderMap;
use http::header::{HeaderName, HeaderValue};

mod bi;
pub mod doctor;
mod hmac;
mod minify;
#[cfg(feature = "rsa")]
mod pem;
#[cfg(feature = "rsa")]
mod rsa;
mod scheme;

#[cfg(not(feature = "rsa"))]
pub use self::bi::RsaDisabled;
pub use self::bi::{AccessToken, Asymmetric, Symmetric, Unsigned};
pub use self::hmac::{HmacKey, HmacSha256Key, constant_time_eq};
pub use self::minify::{MinifyError, body_sha256_hex, minify};
#[cfg(feature = "rsa")]
#[cfg_attr(docsrs, doc(cfg(feature = "rsa")))]
pub use self::rsa::{MIN_LEGACY_RSA_BITS, MIN_RSA_BITS, RsaPrivateKey, RsaPublicKey};
pub use self::scheme::{Credential, SchemeInfo, SchemeRef, SignatureScheme, Signers, Verifiers};

/// What a signature covers: the parts of one request, as sent (signing) or as
/// received (verifying). Each scheme reads the parts it uses; the BI rules
/// for each part are in the [module docs](self).
///
/// Built with [`SigningInput::new`] and the named setters, so that no two
/// strings can be swapped:
///
/// ```
/// use snap_core::sign::SigningInput;
///
/// let input = SigningInput::new("POST", "/snap/v1.0/debit/payment-host-to-host?x=1")
///     .access_token("b2b-token")
///     .body(br#"{"partnerReferenceNo":"1"}"#)
///     .timestamp("2024-03-05T17:37:16+07:00");
/// assert_eq!(input.query(), "x=1");
/// assert!(!format!("{input:?}").contains("b2b-token"));
/// ```
#[derive(Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct SigningInput<'a> {
    /// HTTP method, upper case (`POST`).
    pub method: &'a str,
    /// Path as sent: deployment prefix, declared path and `?query`.
    pub path: &'a str,
    /// The raw B2B access token (no `Bearer `), for schemes that sign it.
    pub access_token: Option<&'a str>,
    /// The body bytes exactly as sent (or received).
    pub body: &'a [u8],
    /// `X-TIMESTAMP` exactly as sent.
    pub timestamp: &'a str,
    /// The client id (`X-CLIENT-KEY`), for the access-token signature.
    pub client_id: Option<&'a str>,
}

impl<'a> SigningInput<'a> {
    /// The request line: method and path as sent (with prefix and query);
    /// no body, timestamp, token or client id yet.
    pub fn new(method: &'a str, path: &'a str) -> Self {
        SigningInput {
            method,
            path,
            ..Self::default()
        }
    }

    /// With this B2B access token (raw, without `Bearer `).
    pub fn access_token(mut self, token: &'a str) -> Self {
        self.access_token = Some(token);
        self
    }

    /// With this body (the exact bytes).
    pub fn body(mut self, body: &'a [u8]) -> Self {
        self.body = body;
        self
    }

    /// With this `X-TIMESTAMP`.
    pub fn timestamp(mut self, timestamp: &'a str) -> Self {
        self.timestamp = timestamp;
        self
    }

    /// With this client id.
    pub fn client_id(mut self, client_id: &'a str) -> Self {
        self.client_id = Some(client_id);
        self
    }

    /// The query string of [`SigningInput::path`], without `?` (`""` when
    /// there is none).
    pub fn query(&self) -> &'a str {
        self.path.split_once('?').map_or("", |(_, q)| q)
    }
}

impl std::fmt::Debug for SigningInput<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningInput")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("access_token", &self.access_token.map(|_| "[redacted]"))
            .field("body", &format_args!("{} bytes", self.body.len()))
            .field("timestamp", &self.timestamp)
            .field("client_id", &self.client_id)
            .finish()
    }
}

/// Everything that can go wrong building, making or checking a signature.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SignatureError {
    /// An input to the string-to-sign breaks a rule.
    #[error("{field}: {rule}")]
    InvalidInput {
        /// Which input (`method`, `path`, `accessToken`, `timestamp`, `clientId`, ...).
        field: &'static str,
        /// The rule it breaks.
        rule: &'static str,
    },
    /// The body cannot be minified.
    #[error(transparent)]
    Minify(#[from] MinifyError),
    /// The PEM text is not a usable key.
    #[error("PEM: {reason}")]
    Pem {
        /// What is wrong.
        reason: String,
    },
    /// The RSA key is smaller than allowed.
    #[error(
        "RSA key is {bits} bits; at least {min} bits are required (1024-bit keys are refused for signing; see RsaPublicKey::from_pem_allow_legacy_1024 for verification)"
    )]
    KeyTooSmall {
        /// The key's modulus size.
        bits: usize,
        /// The minimum that applied.
        min: usize,
    },
    /// aws-lc-rs refused the key material.
    #[error("RSA key rejected: {reason}")]
    KeyRejected {
        /// aws-lc-rs's reason (`InvalidEncoding`, `TooLarge`, ...).
        reason: &'static str,
    },
    /// The received signature is not in the expected encoding.
    #[error("X-SIGNATURE: {reason}")]
    SignatureEncoding {
        /// What is wrong.
        reason: &'static str,
    },
    /// A header a scheme writes or reads is missing or malformed.
    #[error("header {name}: {reason}")]
    Header {
        /// The header, as the scheme spells it (`X-SIGNATURE`).
        name: &'static str,
        /// What is wrong (`missing`, `empty`, ...).
        reason: &'static str,
    },
    /// The signature is well-formed but does not match.
    #[error("signature does not match")]
    Mismatch,
    /// The crypto backend failed to sign.
    #[error("signing failed")]
    SigningFailed,
}

impl SignatureError {
    /// True for a well-formed signature that does not match (as opposed to bad input).
    pub fn is_mismatch(&self) -> bool {
        matches!(self, Self::Mismatch)
    }
}

/// The three SNAP signature kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SignatureKind {
    /// HMAC-SHA512 over `METHOD:path:token:hash:ts`.
    Symmetric,
    /// SHA256withRSA over `METHOD:path:hash:ts`.
    Asymmetric,
    /// SHA256withRSA over `clientId|ts`.
    Token,
}

impl SignatureKind {
    /// `symmetric`, `asymmetric` or `token`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Symmetric => "symmetric",
            Self::Asymmetric => "asymmetric",
            Self::Token => "token",
        }
    }
}

pub(crate) fn check_method(method: &str) -> Result<(), SignatureError> {
    if method.is_empty() || !method.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(SignatureError::InvalidInput {
            field: "method",
            rule: "must be an upper-case HTTP method such as GET or POST (SNAP signs the upper-case form)",
        });
    }
    Ok(())
}

pub(crate) fn check_path(path: &str) -> Result<(), SignatureError> {
    if !path.starts_with('/') {
        return Err(SignatureError::InvalidInput {
            field: "path",
            rule: "must be the relative path as sent, starting with `/` (no scheme or host)",
        });
    }
    if path.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(SignatureError::InvalidInput {
            field: "path",
            rule: "must not contain whitespace or control characters (percent-encode them as sent)",
        });
    }
    Ok(())
}

pub(crate) fn check_token(token: &str) -> Result<(), SignatureError> {
    if token.is_empty() {
        return Err(SignatureError::InvalidInput {
            field: "accessToken",
            rule: "must not be empty",
        });
    }
    if token
        .get(..7)
        .is_some_and(|p| p.eq_ignore_ascii_case("bearer "))
    {
        return Err(SignatureError::InvalidInput {
            field: "accessToken",
            rule: "pass the raw token without the `Bearer ` prefix",
        });
    }
    if token.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(SignatureError::InvalidInput {
            field: "accessToken",
            rule: "must not contain whitespace",
        });
    }
    Ok(())
}

pub(crate) fn check_timestamp(timestamp: &str) -> Result<(), SignatureError> {
    if timestamp.is_empty()
        || timestamp
            .chars()
            .any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(SignatureError::InvalidInput {
            field: "timestamp",
            rule: "must be the exact non-empty X-TIMESTAMP string, without whitespace",
        });
    }
    Ok(())
}

pub(crate) fn check_client_id(client_id: &str) -> Result<(), SignatureError> {
    if client_id.is_empty() {
        return Err(SignatureError::InvalidInput {
            field: "clientId",
            rule: "must not be empty",
        });
    }
    Ok(())
}

/// `parts` joined by `sep`, in one allocation of the exact size.
fn join(parts: &[&str], sep: char) -> String {
    let len = parts.iter().map(|p| p.len()).sum::<usize>() + parts.len();
    let mut s = String::with_capacity(len);
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            s.push(sep);
        }
        s.push_str(p);
    }
    s
}

/// Inserts a header a scheme writes; `name` is the parsed name and its
/// documented spelling (for errors).
fn insert_header(
    headers: &mut HeaderMap,
    (name, spelled): (HeaderName, &'static str),
    value: &str,
    sensitive: bool,
) -> Result<(), SignatureError> {
    let mut v = HeaderValue::from_str(value).map_err(|_| SignatureError::Header {
        name: spelled,
        reason: "value must be visible ASCII",
    })?;
    v.set_sensitive(sensitive);
    headers.insert(name, v);
    Ok(())
}

/// Writes header `name` (any case; sent lower-case) for a scheme's
/// [`SignatureScheme::sign`]; `sensitive` values are redacted in `Debug`
/// output.
///
/// # Errors
/// [`SignatureError::Header`] for a name that is not a header name or a value
/// that is not visible ASCII.
pub fn write_header(
    headers: &mut HeaderMap,
    name: &'static str,
    value: &str,
    sensitive: bool,
) -> Result<(), SignatureError> {
    let parsed = HeaderName::from_bytes(name.as_bytes()).map_err(|_| SignatureError::Header {
        name,
        reason: "not a valid header name",
    })?;
    insert_header(headers, (parsed, name), value, sensitive)
}

/// Reads header `name` (any case) of a received request for a scheme's
/// [`SignatureScheme::verify`].
///
/// # Errors
/// [`SignatureError::Header`] when it is absent, empty or not visible ASCII.
pub fn read_header<'h>(
    headers: &'h HeaderMap,
    name: &'static str,
) -> Result<&'h str, SignatureError> {
    let value = headers.get(name).ok_or(SignatureError::Header {
        name,
        reason: "missing",
    })?;
    match value.to_str() {
        Ok(v) if !v.trim().is_empty() => Ok(v),
        Ok(_) => Err(SignatureError::Header {
            name,
            reason: "empty",
        }),
        Err(_) => Err(SignatureError::Header {
            name,
            reason: "value must be visible ASCII",
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn method_must_be_upper_case() {
        let e = Asymmetric::string_to_sign(&SigningInput::new("post", "/v1.0/x").timestamp("t"))
            .unwrap_err();
        assert!(matches!(
            e,
            SignatureError::InvalidInput {
                field: "method",
                ..
            }
        ));
        assert!(
            Asymmetric::string_to_sign(&SigningInput::new("", "/v1.0/x").timestamp("t")).is_err()
        );
    }

    #[test]
    fn path_must_be_relative() {
        let e = Asymmetric::string_to_sign(
            &SigningInput::new("GET", "https://h/v1.0/x").timestamp("t"),
        )
        .unwrap_err();
        assert!(matches!(
            e,
            SignatureError::InvalidInput { field: "path", .. }
        ));
        assert!(
            Asymmetric::string_to_sign(&SigningInput::new("GET", "/v1.0/a b").timestamp("t"))
                .is_err()
        );
    }

    #[test]
    fn bearer_prefix_is_refused() {
        let e = Symmetric::string_to_sign(
            &SigningInput::new("GET", "/x")
                .access_token("Bearer abc")
                .timestamp("t"),
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "accessToken: pass the raw token without the `Bearer ` prefix"
        );
        assert!(
            Symmetric::string_to_sign(
                &SigningInput::new("GET", "/x")
                    .access_token("")
                    .timestamp("t")
            )
            .is_err()
        );
        // multi-byte characters near the prefix boundary must not panic
        assert!(
            Symmetric::string_to_sign(
                &SigningInput::new("GET", "/x")
                    .access_token("abcdeé")
                    .timestamp("t")
            )
            .is_ok()
        );
        assert!(
            Symmetric::string_to_sign(
                &SigningInput::new("GET", "/x")
                    .access_token("bearer\u{a0}x")
                    .timestamp("t")
            )
            .is_err()
        );
    }

    #[test]
    fn empty_body_hashes_empty_string() {
        assert_eq!(
            Asymmetric::string_to_sign(
                &SigningInput::new("GET", "/v1.0/b?x=1").timestamp("2024-01-01T00:00:00+07:00")
            )
            .unwrap(),
            "GET:/v1.0/b?x=1:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855:2024-01-01T00:00:00+07:00"
        );
    }

    #[test]
    fn absent_token_and_client_id_are_named() {
        let e = Symmetric::string_to_sign(&SigningInput::new("GET", "/x").timestamp("t"));
        assert!(matches!(
            e,
            Err(SignatureError::InvalidInput {
                field: "accessToken",
                ..
            })
        ));
        let e = AccessToken::string_to_sign(&SigningInput::default().timestamp("t"));
        assert!(matches!(
            e,
            Err(SignatureError::InvalidInput {
                field: "clientId",
                ..
            })
        ));
        assert_eq!(
            AccessToken::string_to_sign(&SigningInput::default().client_id("c").timestamp("t"))
                .unwrap(),
            "c|t"
        );
    }

    #[test]
    fn scheme_headers_are_read_and_named() {
        let mut h = HeaderMap::new();
        assert_eq!(
            read_header(&h, "X-SIGNATURE").unwrap_err().to_string(),
            "header X-SIGNATURE: missing"
        );
        write_header(&mut h, "X-Custom", "v", true).unwrap();
        assert_eq!(read_header(&h, "x-custom").unwrap(), "v");
        assert!(h["x-custom"].is_sensitive());
        assert!(write_header(&mut h, "X-Custom", "line\nbreak", false).is_err());
        assert!(write_header(&mut h, "bad name", "v", false).is_err());
    }

    #[test]
    fn scheme_refs_compare_by_type() {
        let s = SchemeRef::of::<Symmetric>();
        assert_eq!(s, SchemeRef::of::<Symmetric>());
        assert_ne!(s, SchemeRef::of::<Asymmetric>());
        assert!(s.is::<Symmetric>() && !s.is::<Unsigned>());
        assert_eq!(format!("{s:?}"), "SchemeRef(\"symmetric\")");
        assert!(!SchemeRef::of::<Unsigned>().info().is_signed());
        let key = HmacKey::new(b"k").unwrap();
        let signers = Signers::new().with::<Symmetric>(key);
        assert!(signers.contains(s) && !signers.contains(SchemeRef::of::<Asymmetric>()));
        assert_eq!(format!("{signers:?}"), "Signers {symmetric: [redacted]}");
        let c = signers.credential(s).unwrap();
        assert_eq!(format!("{c:?}"), "Credential(symmetric, [redacted])");
    }

    #[test]
    fn hmac_key_debug_is_redacted() {
        let k = HmacKey::new(b"very-secret").unwrap();
        assert_eq!(format!("{k:?}"), "HmacKey([redacted])");
        assert!(HmacKey::new(b"").is_err());
    }

    #[test]
    fn verify_distinguishes_encoding_from_mismatch() {
        let k = HmacKey::new(b"s").unwrap();
        let sig = k.sign(b"m");
        assert!(k.verify(b"m", &sig).is_ok());
        assert!(k.verify(b"n", &sig).unwrap_err().is_mismatch());
        assert!(matches!(
            k.verify(b"m", "not base64!"),
            Err(SignatureError::SignatureEncoding { .. })
        ));
        assert!(matches!(
            k.verify(b"m", ""),
            Err(SignatureError::SignatureEncoding { .. })
        ));
    }
}
