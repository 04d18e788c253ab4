//! HMAC keys, keyed once per credential.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use sha2::{Sha256, Sha512};
use subtle::ConstantTimeEq;

use super::SignatureError;

/// The client secret as an HMAC-SHA512 key, for SNAP symmetric signatures.
///
/// Built once per credential: the keyed HMAC state (the inner and outer pads)
/// is computed here and cloned for each signature, instead of re-keying per
/// call. `Debug` prints `[redacted]`.
#[derive(Clone)]
pub struct HmacKey {
    mac: Hmac<Sha512>,
}

impl HmacKey {
    /// Keys HMAC-SHA512 with the client secret's bytes.
    ///
    /// # Errors
    /// [`SignatureError::InvalidInput`] when the secret is empty (an empty
    /// secret is always a configuration mistake).
    pub fn new(client_secret: &[u8]) -> Result<Self, SignatureError> {
        if client_secret.is_empty() {
            return Err(SignatureError::InvalidInput {
                field: "clientSecret",
                rule: "must not be empty",
            });
        }
        let mac = <Hmac<Sha512> as Mac>::new_from_slice(client_secret).map_err(|_| {
            SignatureError::InvalidInput {
                field: "clientSecret",
                rule: "not usable as an HMAC key",
            }
        })?;
        Ok(Self { mac })
    }

    /// The raw 64-byte HMAC-SHA512 tag of `message`.
    pub fn tag(&self, message: &[u8]) -> [u8; 64] {
        let mut mac = self.mac.clone();
        mac.update(message);
        mac.finalize().into_bytes().into()
    }

    /// `base64(HMAC-SHA512(secret, message))`, standard alphabet with padding (88 chars).
    pub fn sign(&self, message: &[u8]) -> String {
        STANDARD.encode(self.tag(message))
    }

    /// [`sign`](Self::sign) of `parts` joined by `separator`, fed to the MAC
    /// piece by piece (no joined message built) and written as base64 into
    /// `out`: the same 88 characters as `sign`, without a `String`. Returns
    /// how many bytes were written (88; `None` cannot happen: 64 bytes always
    /// encode to 88 characters).
    pub(crate) fn sign_joined_into(
        &self,
        parts: &[&[u8]],
        separator: u8,
        out: &mut [u8; 88],
    ) -> Option<usize> {
        let mut mac = self.mac.clone();
        for (i, part) in parts.iter().enumerate() {
            if i > 0 {
                mac.update(&[separator]);
            }
            mac.update(part);
        }
        let tag: [u8; 64] = mac.finalize().into_bytes().into();
        STANDARD.encode_slice(tag, out).ok()
    }

    /// Checks a base64 signature over `message`. The signature is decoded first
    /// and the tags are compared in constant time on bytes.
    ///
    /// # Errors
    /// [`SignatureError::SignatureEncoding`] if `signature` is not standard
    /// base64; [`SignatureError::Mismatch`] if it does not match.
    pub fn verify(&self, message: &[u8], signature: &str) -> Result<(), SignatureError> {
        let received = decode_signature_b64(signature)?;
        if ct_eq(&self.tag(message), &received) {
            Ok(())
        } else {
            Err(SignatureError::Mismatch)
        }
    }
}

impl std::fmt::Debug for HmacKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("HmacKey([redacted])")
    }
}

/// An HMAC-SHA256 key, keyed once: a building block for provider schemes
/// (IPG's `Signature` header, Ayopop's JWT, a scheme of your own). `Debug`
/// prints `[redacted]`.
#[derive(Clone)]
pub struct HmacSha256Key {
    mac: Hmac<Sha256>,
}

impl HmacSha256Key {
    /// Keys HMAC-SHA256 with `key`; `field` names the key in errors
    /// (`"API_KEY"`).
    ///
    /// # Errors
    /// [`SignatureError::InvalidInput`] naming `field` for an empty key.
    pub fn new(key: &[u8], field: &'static str) -> Result<Self, SignatureError> {
        if key.is_empty() {
            return Err(SignatureError::InvalidInput {
                field,
                rule: "must not be empty",
            });
        }
        let mac = <Hmac<Sha256> as Mac>::new_from_slice(key).map_err(|_| {
            SignatureError::InvalidInput {
                field,
                rule: "not usable as an HMAC key",
            }
        })?;
        Ok(Self { mac })
    }

    /// The raw 32-byte HMAC-SHA256 tag of `message`.
    pub fn tag(&self, message: &[u8]) -> [u8; 32] {
        let mut mac = self.mac.clone();
        mac.update(message);
        mac.finalize().into_bytes().into()
    }
}

impl std::fmt::Debug for HmacSha256Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("HmacSha256Key([redacted])")
    }
}

/// Constant-time equality of two byte strings (their length is not secret):
/// how a scheme compares a received tag with the expected one.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    ct_eq(a, b)
}

/// Constant-time equality of two byte strings (length is not secret).
pub(crate) fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && bool::from(a.ct_eq(b))
}

/// Decodes a received signature: standard base64 with padding, nothing else.
pub(crate) fn decode_signature_b64(signature: &str) -> Result<Vec<u8>, SignatureError> {
    if signature.is_empty() {
        return Err(SignatureError::SignatureEncoding {
            reason: "signature is empty",
        });
    }
    STANDARD
        .decode(signature.as_bytes())
        .map_err(|_| SignatureError::SignatureEncoding {
            reason: "signature is not standard base64 (RFC 4648 alphabet with padding)",
        })
}
