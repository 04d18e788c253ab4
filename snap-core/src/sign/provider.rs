//! The two non-SNAP schemes of the seed documents.
//!
//! ## IPG VA reversal: the `Signature` header (seed 002)
//! The document says, for the `Signature` header: "request body or query
//! string — hash value using HMAC method. algorithm=sha256, key = API_KEY".
//! This crate reads it as:
//! * message = the **exact request body bytes as sent** (POST), or the query
//!   string without the leading `?` (GET). Not minified: the document says
//!   "request body", not a canonical form, and a sender hashes what it sends.
//!   Our client serializes once and sends exactly the signed bytes.
//! * `Signature = lowerhex(HMAC-SHA256(API_KEY, message))`: **hex**, because the
//!   document calls it a "hash value" and shows no base64, and the common
//!   implementation of that phrase in these gateways (PHP `hash_hmac('sha256',
//!   $body, $key)`, which returns lower-case hex) is hex. Verification accepts
//!   either hex case and compares the decoded bytes in constant time.
//!
//! Uncertain: the document gives no worked example; check the first exchange
//! with the provider (the signature doctor does not cover this scheme).
//!
//! ## Ayopop (Ayoconnect) bill API: `KEY` / `TOKEN` / `VERSION` (seed 000)
//! The seed shows only `KEY: API Key`, `TOKEN: token`, `VERSION: 2.0`. It does
//! not define the token. This crate implements the scheme Ayoconnect's public
//! authentication page describes (not part of the seed, so **uncertain**): the
//! token is a JWT, `HS256` with the partner's secret key, whose payload is the
//! request body: `base64url({"alg":"HS256","typ":"JWT"}) + "." +
//! base64url(body bytes as sent) + "." + base64url(HMAC-SHA256(secret, first
//! two parts))`, unpadded base64url (RFC 7519). `VERSION` is `2.0` (the seed's
//! value for `/api/v2/...`).

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::SignatureError;
use super::hmac::{HmacSha256Key, ct_eq};
use super::minify::{hex_decode, hex_lower};

/// The IPG API key as an HMAC-SHA256 key (keyed once). `Debug` prints `[redacted]`.
#[derive(Clone)]
pub struct IpgKey {
    key: HmacSha256Key,
}

impl IpgKey {
    /// Keys HMAC-SHA256 with the API key.
    ///
    /// # Errors
    /// [`SignatureError::InvalidInput`] for an empty key.
    pub fn new(api_key: &[u8]) -> Result<Self, SignatureError> {
        Ok(Self {
            key: HmacSha256Key::new(api_key, "API_KEY")?,
        })
    }

    /// The `Signature` header: lower-case hex HMAC-SHA256 of `message` (the
    /// exact body bytes sent, or the query string without `?` for a GET).
    pub fn sign(&self, message: &[u8]) -> String {
        hex_lower(&self.key.tag(message))
    }

    /// Checks a received `Signature` header (hex, either case) in constant time.
    ///
    /// # Errors
    /// [`SignatureError::SignatureEncoding`] if it is not 64 hex digits,
    /// [`SignatureError::Mismatch`] if it does not match.
    pub fn verify(&self, message: &[u8], signature: &str) -> Result<(), SignatureError> {
        let received = hex_decode(signature).filter(|b| b.len() == 32).ok_or(
            SignatureError::SignatureEncoding {
                reason: "IPG Signature must be 64 hex digits (HMAC-SHA256)",
            },
        )?;
        if ct_eq(&self.key.tag(message), &received) {
            Ok(())
        } else {
            Err(SignatureError::Mismatch)
        }
    }
}

impl std::fmt::Debug for IpgKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("IpgKey([redacted])")
    }
}

/// The three Ayopop request headers (values).
#[derive(Clone, PartialEq, Eq)]
pub struct AyopopHeaders {
    /// `KEY`: the partner API key.
    pub key: String,
    /// `TOKEN`: the HS256 JWT over the body.
    pub token: String,
    /// `VERSION`: `2.0`.
    pub version: &'static str,
}

impl std::fmt::Debug for AyopopHeaders {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AyopopHeaders")
            .field("key", &"[redacted]")
            .field("token", &"[redacted]")
            .field("version", &self.version)
            .finish()
    }
}

/// Ayopop credentials: API key (sent as `KEY`) and secret (keys the JWT).
/// `Debug` prints `[redacted]`.
#[derive(Clone)]
pub struct AyopopCredentials {
    api_key: String,
    secret: HmacSha256Key,
}

/// The JWT header this crate emits, base64url of `{"alg":"HS256","typ":"JWT"}`.
const AYOPOP_JWT_HEADER: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9";

impl AyopopCredentials {
    /// The Ayopop `VERSION` header value.
    pub const VERSION: &'static str = "2.0";

    /// Builds the credentials (the secret is keyed once).
    ///
    /// # Errors
    /// [`SignatureError::InvalidInput`] for an empty key or secret.
    pub fn new(api_key: &str, secret_key: &[u8]) -> Result<Self, SignatureError> {
        if api_key.is_empty() {
            return Err(SignatureError::InvalidInput {
                field: "KEY",
                rule: "must not be empty",
            });
        }
        Ok(Self {
            api_key: api_key.to_owned(),
            secret: HmacSha256Key::new(secret_key, "secretKey")?,
        })
    }

    /// The `TOKEN` value for this exact body: an HS256 JWT whose payload is the body.
    pub fn token(&self, body: &[u8]) -> String {
        let signing_input = format!("{AYOPOP_JWT_HEADER}.{}", URL_SAFE_NO_PAD.encode(body));
        let sig = URL_SAFE_NO_PAD.encode(self.secret.tag(signing_input.as_bytes()));
        format!("{signing_input}.{sig}")
    }

    /// `KEY`, `TOKEN`, `VERSION` for this exact body.
    pub fn headers(&self, body: &[u8]) -> AyopopHeaders {
        AyopopHeaders {
            key: self.api_key.clone(),
            token: self.token(body),
            version: Self::VERSION,
        }
    }

    /// Checks a received `TOKEN`: HS256 over its own first two parts, and its
    /// payload equal to the received body bytes. Any JWT header with
    /// `"alg":"HS256"` is accepted (other libraries order or space it differently).
    ///
    /// # Errors
    /// [`SignatureError::SignatureEncoding`] for a token that is not a
    /// three-part HS256 JWT, [`SignatureError::Mismatch`] otherwise.
    pub fn verify_token(&self, body: &[u8], token: &str) -> Result<(), SignatureError> {
        let bad = SignatureError::SignatureEncoding {
            reason: "TOKEN must be an HS256 JWT (three base64url parts)",
        };
        let mut parts = token.split('.');
        let (Some(h), Some(p), Some(s), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(bad);
        };
        let header = URL_SAFE_NO_PAD.decode(h).map_err(|_| bad.clone())?;
        let header: serde_json::Value = serde_json::from_slice(&header).map_err(|_| bad.clone())?;
        if header.get("alg").and_then(|a| a.as_str()) != Some("HS256") {
            return Err(bad);
        }
        let sig = URL_SAFE_NO_PAD.decode(s).map_err(|_| bad.clone())?;
        let expected = self.secret.tag(&token.as_bytes()[..h.len() + 1 + p.len()]);
        if !ct_eq(&expected, &sig) {
            return Err(SignatureError::Mismatch);
        }
        let payload = URL_SAFE_NO_PAD.decode(p).map_err(|_| bad)?;
        if payload == body {
            Ok(())
        } else {
            Err(SignatureError::Mismatch)
        }
    }
}

impl std::fmt::Debug for AyopopCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AyopopCredentials([redacted])")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jwt_header_constant_is_the_documented_json() {
        assert_eq!(
            URL_SAFE_NO_PAD.decode(AYOPOP_JWT_HEADER).unwrap(),
            br#"{"alg":"HS256","typ":"JWT"}"#
        );
    }

    #[test]
    fn debug_is_redacted() {
        let c = AyopopCredentials::new("k-123", b"s3cr3t").unwrap();
        assert!(!format!("{c:?}").contains("k-123"));
        assert!(!format!("{:?}", c.headers(b"{}")).contains("k-123"));
        let k = IpgKey::new(b"s3cr3t").unwrap();
        assert_eq!(format!("{k:?}"), "IpgKey([redacted])");
    }

    #[test]
    fn ayopop_roundtrip_and_tamper() {
        let c = AyopopCredentials::new("k", b"s").unwrap();
        let body = br#"{"partnerId":"ayopop"}"#;
        let t = c.token(body);
        assert!(c.verify_token(body, &t).is_ok());
        assert!(
            c.verify_token(br#"{"partnerId":"other"}"#, &t)
                .unwrap_err()
                .is_mismatch()
        );
        assert!(matches!(
            c.verify_token(body, "a.b"),
            Err(SignatureError::SignatureEncoding { .. })
        ));
        let other = AyopopCredentials::new("k", b"t").unwrap();
        assert!(other.verify_token(body, &t).unwrap_err().is_mismatch());
    }

    #[test]
    fn ipg_accepts_both_hex_cases() {
        let k = IpgKey::new(b"key").unwrap();
        let sig = k.sign(b"{}");
        assert!(k.verify(b"{}", &sig).is_ok());
        assert!(k.verify(b"{}", &sig.to_uppercase()).is_ok());
        assert!(k.verify(b"{ }", &sig).unwrap_err().is_mismatch());
        assert!(matches!(
            k.verify(b"{}", "abcd"),
            Err(SignatureError::SignatureEncoding { .. })
        ));
    }
}
