//! SNAP signatures (SNAP-FACTS 1.a-1.e) and the two non-SNAP schemes of the seed
//! documents.
//!
//! | kind | X-SIGNATURE | string-to-sign |
//! |---|---|---|
//! | symmetric transaction | `base64(HMAC-SHA512(clientSecret, s))` | `METHOD:pathWithQuery:accessToken:hex(sha256(minify(body))):timestamp` |
//! | asymmetric transaction / notification | `base64(SHA256withRSA(privateKey, s))` | `METHOD:pathWithQuery:hex(sha256(minify(body))):timestamp` |
//! | access token (73/74) | `base64(SHA256withRSA(privateKey, s))` | `clientId|timestamp` |
//!
//! Rules this module applies (and refuses to guess around):
//! * `METHOD` must already be upper-case ASCII (`POST`, not `post`): HTTP
//!   methods are case-sensitive, SNAP signs the upper-case form, and silently
//!   upper-casing would hide a sender bug; a lower-case method is an
//!   [`SignatureError::InvalidInput`].
//! * the path is the relative path *as sent*, with its query string and any
//!   deployment prefix (`/snap/v1.0/...`); it must start with `/`.
//! * the access token is the raw B2B token, without `Bearer `.
//! * the timestamp is the exact `X-TIMESTAMP` string.
//! * the body is hashed after [`minify`] (whitespace outside strings removed,
//!   every other byte kept); an empty body hashes the empty string. Verifiers
//!   pass the *raw received bytes*: they are minified here, never re-serialized.
//! * signatures are standard base64 with padding; verification decodes the
//!   received signature and compares bytes (HMAC tags in constant time).
//!
//! Keys are parsed once: [`HmacKey`] holds the keyed HMAC state,
//! [`RsaPrivateKey`] / [`RsaPublicKey`] the parsed RSA key.
//!
//! ```
//! use snap_core::sign::{HmacKey, sign_symmetric, verify_symmetric};
//!
//! let key = HmacKey::new(b"myclientsecret")?;                       // once per credential, then reuse
//! let body = br#"{"partnerReferenceNo":"2020102900000000000001"}"#; // the exact bytes you send
//! let sig = sign_symmetric(&key, "POST", "/v1.0/qr/qr-mpm-generate", "myaccesstoken",
//!                          body, "2024-03-05T10:37:16.196Z")?;      // X-SIGNATURE, base64
//! assert_eq!(sig.len(), 88);
//! // provider side: verify the RAW received bytes (minified here, never re-serialized)
//! let received = b"{ \"partnerReferenceNo\": \"2020102900000000000001\" }";
//! verify_symmetric(&key, "POST", "/v1.0/qr/qr-mpm-generate", "myaccesstoken",
//!                  received, "2024-03-05T10:37:16.196Z", &sig)?;
//! // RSA: let rsa = RsaPrivateKey::from_pem(&pem)?;  (PKCS#8 or PKCS#1, >= 2048 bits; parse once)
//! //      sign_asymmetric(&rsa, method, path, body, ts)?;  sign_token(&rsa, client_id, ts)?;
//! # Ok::<(), snap_core::sign::SignatureError>(())
//! ```
//!
//! RSA: `RsaPrivateKey::from_pem(pem)?` then [`sign_asymmetric`] /
//! [`sign_token`]; `RsaPublicKey::from_pem(pem)?` then [`verify_asymmetric`] /
//! [`verify_token`]. The signature doctor ([`doctor`]) explains a mismatch.

pub mod doctor;
mod hmac;
mod minify;
#[cfg(feature = "rsa")]
mod pem;
pub mod provider;
#[cfg(feature = "rsa")]
mod rsa;

pub use self::hmac::HmacKey;
pub use self::minify::{MinifyError, body_sha256_hex, minify};
#[cfg(feature = "rsa")]
#[cfg_attr(docsrs, doc(cfg(feature = "rsa")))]
pub use self::rsa::{MIN_LEGACY_RSA_BITS, MIN_RSA_BITS, RsaPrivateKey, RsaPublicKey};

/// Everything that can go wrong building, making or checking a signature.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
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

/// `METHOD:pathWithQuery:accessToken:lowerhex(sha256(minify(body))):timestamp`.
///
/// # Errors
/// [`SignatureError::InvalidInput`] for a broken input rule (see the module
/// docs), [`SignatureError::Minify`] for a body that cannot be minified.
pub fn string_to_sign_symmetric(
    method: &str,
    path: &str,
    access_token: &str,
    body: &[u8],
    timestamp: &str,
) -> Result<String, SignatureError> {
    check_method(method)?;
    check_path(path)?;
    check_token(access_token)?;
    check_timestamp(timestamp)?;
    let hash = body_sha256_hex(&minify::minified(body)?);
    Ok(join(&[method, path, access_token, &hash, timestamp], ':'))
}

/// `METHOD:pathWithQuery:lowerhex(sha256(minify(body))):timestamp`.
///
/// # Errors
/// As [`string_to_sign_symmetric`].
pub fn string_to_sign_asymmetric(
    method: &str,
    path: &str,
    body: &[u8],
    timestamp: &str,
) -> Result<String, SignatureError> {
    check_method(method)?;
    check_path(path)?;
    check_timestamp(timestamp)?;
    let hash = body_sha256_hex(&minify::minified(body)?);
    Ok(join(&[method, path, &hash, timestamp], ':'))
}

/// `clientId|timestamp` (access token B2B / B2B2C, services 73/74).
///
/// # Errors
/// [`SignatureError::InvalidInput`] for an empty client id or a bad timestamp.
pub fn string_to_sign_token(client_id: &str, timestamp: &str) -> Result<String, SignatureError> {
    check_client_id(client_id)?;
    check_timestamp(timestamp)?;
    Ok(join(&[client_id, timestamp], '|'))
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

/// The symmetric X-SIGNATURE (base64 HMAC-SHA512) of a transaction request.
///
/// # Errors
/// As [`string_to_sign_symmetric`].
pub fn sign_symmetric(
    key: &HmacKey,
    method: &str,
    path: &str,
    access_token: &str,
    body: &[u8],
    timestamp: &str,
) -> Result<String, SignatureError> {
    let s = string_to_sign_symmetric(method, path, access_token, body, timestamp)?;
    Ok(key.sign(s.as_bytes()))
}

/// Verifies a symmetric X-SIGNATURE against the *raw received* body bytes.
///
/// # Errors
/// [`SignatureError::Mismatch`] when it does not match; any other variant
/// for bad input (see [`string_to_sign_symmetric`], [`HmacKey::verify`]).
pub fn verify_symmetric(
    key: &HmacKey,
    method: &str,
    path: &str,
    access_token: &str,
    body: &[u8],
    timestamp: &str,
    signature: &str,
) -> Result<(), SignatureError> {
    let s = string_to_sign_symmetric(method, path, access_token, body, timestamp)?;
    key.verify(s.as_bytes(), signature)
}

#[cfg(feature = "rsa")]
#[cfg_attr(docsrs, doc(cfg(feature = "rsa")))]
/// The asymmetric X-SIGNATURE (base64 SHA256withRSA) of a transaction or notification.
///
/// # Errors
/// As [`string_to_sign_asymmetric`], or [`SignatureError::SigningFailed`].
pub fn sign_asymmetric(
    key: &RsaPrivateKey,
    method: &str,
    path: &str,
    body: &[u8],
    timestamp: &str,
) -> Result<String, SignatureError> {
    let s = string_to_sign_asymmetric(method, path, body, timestamp)?;
    key.sign(s.as_bytes())
}

#[cfg(feature = "rsa")]
#[cfg_attr(docsrs, doc(cfg(feature = "rsa")))]
/// Verifies an asymmetric X-SIGNATURE against the *raw received* body bytes.
///
/// # Errors
/// [`SignatureError::Mismatch`] when it does not verify; any other variant for bad input.
pub fn verify_asymmetric(
    key: &RsaPublicKey,
    method: &str,
    path: &str,
    body: &[u8],
    timestamp: &str,
    signature: &str,
) -> Result<(), SignatureError> {
    let s = string_to_sign_asymmetric(method, path, body, timestamp)?;
    key.verify(s.as_bytes(), signature)
}

#[cfg(feature = "rsa")]
#[cfg_attr(docsrs, doc(cfg(feature = "rsa")))]
/// The access-token X-SIGNATURE: base64 SHA256withRSA over `clientId|timestamp`.
///
/// # Errors
/// As [`string_to_sign_token`], or [`SignatureError::SigningFailed`].
pub fn sign_token(
    key: &RsaPrivateKey,
    client_id: &str,
    timestamp: &str,
) -> Result<String, SignatureError> {
    let s = string_to_sign_token(client_id, timestamp)?;
    key.sign(s.as_bytes())
}

#[cfg(feature = "rsa")]
#[cfg_attr(docsrs, doc(cfg(feature = "rsa")))]
/// Verifies an access-token X-SIGNATURE.
///
/// # Errors
/// [`SignatureError::Mismatch`] when it does not verify; any other variant for bad input.
pub fn verify_token(
    key: &RsaPublicKey,
    client_id: &str,
    timestamp: &str,
    signature: &str,
) -> Result<(), SignatureError> {
    let s = string_to_sign_token(client_id, timestamp)?;
    key.verify(s.as_bytes(), signature)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn method_must_be_upper_case() {
        let e = string_to_sign_asymmetric("post", "/v1.0/x", b"", "t").unwrap_err();
        assert!(matches!(
            e,
            SignatureError::InvalidInput {
                field: "method",
                ..
            }
        ));
        assert!(string_to_sign_asymmetric("", "/v1.0/x", b"", "t").is_err());
    }

    #[test]
    fn path_must_be_relative() {
        let e = string_to_sign_asymmetric("GET", "https://h/v1.0/x", b"", "t").unwrap_err();
        assert!(matches!(
            e,
            SignatureError::InvalidInput { field: "path", .. }
        ));
        assert!(string_to_sign_asymmetric("GET", "/v1.0/a b", b"", "t").is_err());
    }

    #[test]
    fn bearer_prefix_is_refused() {
        let e = string_to_sign_symmetric("GET", "/x", "Bearer abc", b"", "t").unwrap_err();
        assert_eq!(
            e.to_string(),
            "accessToken: pass the raw token without the `Bearer ` prefix"
        );
        assert!(string_to_sign_symmetric("GET", "/x", "", b"", "t").is_err());
        // multi-byte characters near the prefix boundary must not panic
        assert!(string_to_sign_symmetric("GET", "/x", "abcdeé", b"", "t").is_ok());
        assert!(string_to_sign_symmetric("GET", "/x", "bearer\u{a0}x", b"", "t").is_err());
    }

    #[test]
    fn empty_body_hashes_empty_string() {
        assert_eq!(
            string_to_sign_asymmetric("GET", "/v1.0/b?x=1", b"", "2024-01-01T00:00:00+07:00")
                .unwrap(),
            "GET:/v1.0/b?x=1:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855:2024-01-01T00:00:00+07:00"
        );
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
