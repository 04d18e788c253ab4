//! SHA256withRSA (RSASSA-PKCS1-v1_5 over SHA-256) keys, on aws-lc-rs.
//!
//! Keys are parsed once and reused: parse a [`RsaPrivateKey`] / [`RsaPublicKey`]
//! at start-up and keep it (both are `Send + Sync` and cheap to share by
//! reference or in an `Arc`).
//!
//! Key sizes: aws-lc-rs signs only with 2048..=8192-bit keys, and so does this
//! crate: a smaller private key is refused with
//! [`SignatureError::KeyTooSmall`]. For verification a 1024..=2047-bit public
//! key is refused as well, unless the caller opts in explicitly with
//! [`RsaPublicKey::from_pem_allow_legacy_1024`] (a provider that still uses
//! such a key, e.g. Qoinhub's published sample key); below 1024 bits is always
//! refused.

use aws_lc_rs::signature::{
    self, KeyPair as _, ParsedPublicKey, RSA_PKCS1_1024_8192_SHA256_FOR_LEGACY_USE_ONLY,
    RSA_PKCS1_2048_8192_SHA256, RsaKeyPair,
};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use super::SignatureError;
use super::hmac::decode_signature_b64;
use super::pem::{self, PemLabel};

/// Smallest key size this crate signs with or (by default) verifies against.
pub const MIN_RSA_BITS: usize = 2048;
/// Smallest key size accepted for verification with the legacy opt-in.
pub const MIN_LEGACY_RSA_BITS: usize = 1024;

/// An RSA private key for SHA256withRSA signatures. `Debug` prints `[redacted]`.
pub struct RsaPrivateKey {
    pair: RsaKeyPair,
    bits: usize,
}

impl RsaPrivateKey {
    /// Parses a PEM private key: PKCS#8 (`BEGIN PRIVATE KEY`) or PKCS#1
    /// (`BEGIN RSA PRIVATE KEY`). Encrypted PEM is refused.
    ///
    /// # Errors
    /// [`SignatureError::Pem`] for bad armor or a public key given by mistake,
    /// [`SignatureError::KeyTooSmall`] under 2048 bits,
    /// [`SignatureError::KeyRejected`] when aws-lc-rs refuses the key.
    pub fn from_pem(pem_text: &str) -> Result<Self, SignatureError> {
        let (label, der) = pem::decode(pem_text)?;
        match label {
            PemLabel::Pkcs8Private => Self::from_pkcs8_der(&der),
            PemLabel::Pkcs1Private => Self::from_pkcs1_der(&der),
            PemLabel::SpkiPublic | PemLabel::Pkcs1Public => Err(SignatureError::Pem {
                reason: "this is a public key; signing needs the private key".into(),
            }),
        }
    }

    /// Parses a DER PKCS#8 `PrivateKeyInfo`.
    ///
    /// # Errors
    /// As [`RsaPrivateKey::from_pem`].
    pub fn from_pkcs8_der(der: &[u8]) -> Result<Self, SignatureError> {
        let bits = pem::pkcs8_private_bits(der);
        check_bits(bits, MIN_RSA_BITS)?;
        let pair = RsaKeyPair::from_pkcs8(der).map_err(rejected)?;
        Ok(Self {
            bits: bits.unwrap_or(pair.public_modulus_len() * 8),
            pair,
        })
    }

    /// Parses a DER PKCS#1 `RSAPrivateKey`.
    ///
    /// # Errors
    /// As [`RsaPrivateKey::from_pem`].
    pub fn from_pkcs1_der(der: &[u8]) -> Result<Self, SignatureError> {
        let bits = pem::pkcs1_private_bits(der);
        check_bits(bits, MIN_RSA_BITS)?;
        let pair = RsaKeyPair::from_der(der).map_err(rejected)?;
        Ok(Self {
            bits: bits.unwrap_or(pair.public_modulus_len() * 8),
            pair,
        })
    }

    /// Modulus size in bits.
    pub fn bits(&self) -> usize {
        self.bits
    }

    /// The matching public key (e.g. for a sandbox that verifies what it signs).
    ///
    /// # Errors
    /// [`SignatureError::KeyRejected`] if aws-lc-rs cannot re-parse its own
    /// public key encoding (not expected).
    pub fn public_key(&self) -> Result<RsaPublicKey, SignatureError> {
        RsaPublicKey::from_der_with(self.pair.public_key().as_ref(), MIN_RSA_BITS)
    }

    /// `base64(SHA256withRSA(key, message))`: PKCS#1 v1.5, deterministic.
    ///
    /// # Errors
    /// [`SignatureError::SigningFailed`] if aws-lc-rs reports a failure.
    pub fn sign(&self, message: &[u8]) -> Result<String, SignatureError> {
        Ok(STANDARD.encode(self.sign_raw(message)?))
    }

    /// The raw signature bytes (modulus length).
    ///
    /// # Errors
    /// [`SignatureError::SigningFailed`] if aws-lc-rs reports a failure.
    pub fn sign_raw(&self, message: &[u8]) -> Result<Vec<u8>, SignatureError> {
        let mut sig = vec![0u8; self.pair.public_modulus_len()];
        let rng = aws_lc_rs::rand::SystemRandom::new();
        self.pair
            .sign(&signature::RSA_PKCS1_SHA256, &rng, message, &mut sig)
            .map_err(|_| SignatureError::SigningFailed)?;
        Ok(sig)
    }
}

impl std::fmt::Debug for RsaPrivateKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RsaPrivateKey({} bits, [redacted])", self.bits)
    }
}

/// An RSA public key for verifying SHA256withRSA signatures.
#[derive(Clone)]
pub struct RsaPublicKey {
    key: ParsedPublicKey,
    bits: usize,
}

impl RsaPublicKey {
    /// Parses a PEM public key: SPKI (`BEGIN PUBLIC KEY`) or PKCS#1
    /// (`BEGIN RSA PUBLIC KEY`). Keys under 2048 bits are refused.
    ///
    /// # Errors
    /// [`SignatureError::Pem`], [`SignatureError::KeyTooSmall`] or
    /// [`SignatureError::KeyRejected`].
    pub fn from_pem(pem_text: &str) -> Result<Self, SignatureError> {
        Self::from_pem_min(pem_text, MIN_RSA_BITS)
    }

    /// As [`RsaPublicKey::from_pem`], but accepts 1024..=2047-bit keys too.
    /// Explicit legacy opt-in for providers that still publish such keys;
    /// 1024-bit RSA is below every current recommendation.
    ///
    /// # Errors
    /// As [`RsaPublicKey::from_pem`] (the floor is 1024 bits).
    pub fn from_pem_allow_legacy_1024(pem_text: &str) -> Result<Self, SignatureError> {
        Self::from_pem_min(pem_text, MIN_LEGACY_RSA_BITS)
    }

    fn from_pem_min(pem_text: &str, min_bits: usize) -> Result<Self, SignatureError> {
        let (label, der) = pem::decode(pem_text)?;
        match label {
            PemLabel::SpkiPublic | PemLabel::Pkcs1Public => Self::from_der_with(&der, min_bits),
            PemLabel::Pkcs8Private | PemLabel::Pkcs1Private => Err(SignatureError::Pem {
                reason:
                    "this is a private key; verification takes the public key (openssl rsa -pubout)"
                        .into(),
            }),
        }
    }

    /// Parses DER: SubjectPublicKeyInfo or PKCS#1 `RSAPublicKey`; 2048 bits minimum.
    ///
    /// # Errors
    /// As [`RsaPublicKey::from_pem`].
    pub fn from_der(der: &[u8]) -> Result<Self, SignatureError> {
        Self::from_der_with(der, MIN_RSA_BITS)
    }

    fn from_der_with(der: &[u8], min_bits: usize) -> Result<Self, SignatureError> {
        let bits = pem::spki_bits(der).or_else(|| pem::pkcs1_public_bits(der));
        check_bits(bits, min_bits)?;
        let params = if min_bits < MIN_RSA_BITS {
            &RSA_PKCS1_1024_8192_SHA256_FOR_LEGACY_USE_ONLY
        } else {
            &RSA_PKCS1_2048_8192_SHA256
        };
        let key = ParsedPublicKey::new(params, der).map_err(rejected)?;
        Ok(Self {
            key,
            bits: bits.unwrap_or(0),
        })
    }

    /// Modulus size in bits.
    pub fn bits(&self) -> usize {
        self.bits
    }

    /// Verifies a base64 SHA256withRSA signature over `message`.
    ///
    /// # Errors
    /// [`SignatureError::SignatureEncoding`] if `signature` is not standard
    /// base64, [`SignatureError::Mismatch`] if it does not verify.
    pub fn verify(&self, message: &[u8], signature: &str) -> Result<(), SignatureError> {
        let raw = decode_signature_b64(signature)?;
        self.verify_raw(message, &raw)
    }

    /// Verifies raw signature bytes.
    ///
    /// # Errors
    /// [`SignatureError::Mismatch`] if it does not verify.
    pub fn verify_raw(&self, message: &[u8], signature: &[u8]) -> Result<(), SignatureError> {
        self.key
            .verify_sig(message, signature)
            .map_err(|_| SignatureError::Mismatch)
    }
}

impl std::fmt::Debug for RsaPublicKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RsaPublicKey({} bits)", self.bits)
    }
}

fn check_bits(bits: Option<usize>, min: usize) -> Result<(), SignatureError> {
    match bits {
        Some(bits) if bits < min => Err(SignatureError::KeyTooSmall { bits, min }),
        _ => Ok(()),
    }
}

fn rejected(e: aws_lc_rs::error::KeyRejected) -> SignatureError {
    SignatureError::KeyRejected {
        reason: e.description_(),
    }
}
