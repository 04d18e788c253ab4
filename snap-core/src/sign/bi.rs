//! The schemes of the BI standard (SNAP-FACTS 1.a-1.e) as [`SignatureScheme`]
//! implementations: [`Symmetric`], [`Asymmetric`], [`AccessToken`] and
//! [`Unsigned`]. Each also offers its string-to-sign and the bare
//! `X-SIGNATURE` value, for tools (the CLI, the signature doctor) that work
//! without headers.

use http::HeaderMap;
use http::header::HeaderName;

use super::minify::{body_sha256_hex, minified};
use super::{
    HmacKey, SchemeInfo, SignatureError, SignatureScheme, SigningInput, check_client_id,
    check_method, check_path, check_timestamp, check_token, insert_header, join, read_header,
};
#[cfg(feature = "rsa")]
use super::{RsaPrivateKey, RsaPublicKey};

const X_SIGNATURE: (HeaderName, &str) = (HeaderName::from_static("x-signature"), "X-SIGNATURE");
const X_CLIENT_KEY: (HeaderName, &str) = (HeaderName::from_static("x-client-key"), "X-CLIENT-KEY");

/// Stands for the RSA key types when the `rsa` feature is off: it has no
/// value, so [`Asymmetric`] and [`AccessToken`] can be named in declarations
/// but nothing can sign or verify with them.
#[cfg(not(feature = "rsa"))]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RsaDisabled {}

#[cfg(feature = "rsa")]
type PrivateKey = RsaPrivateKey;
#[cfg(feature = "rsa")]
type PublicKey = RsaPublicKey;
#[cfg(not(feature = "rsa"))]
type PrivateKey = RsaDisabled;
#[cfg(not(feature = "rsa"))]
type PublicKey = RsaDisabled;

/// The SNAP symmetric transaction signature (`signature = "symmetric"`, the
/// default): `X-SIGNATURE = base64(HMAC-SHA512(clientSecret,
/// METHOD:pathWithQuery:accessToken:lowerhex(sha256(minify(body))):timestamp))`.
/// Sends the transaction headers and the B2B token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Symmetric;

impl Symmetric {
    /// `METHOD:pathWithQuery:accessToken:lowerhex(sha256(minify(body))):timestamp`.
    ///
    /// # Errors
    /// [`SignatureError::InvalidInput`] for a broken input rule (see the
    /// module docs of [`sign`](super)), [`SignatureError::Minify`] for a body
    /// that cannot be minified.
    pub fn string_to_sign(input: &SigningInput<'_>) -> Result<String, SignatureError> {
        let token = input.access_token.unwrap_or("");
        check_method(input.method)?;
        check_path(input.path)?;
        check_token(token)?;
        check_timestamp(input.timestamp)?;
        let hash = body_sha256_hex(&minified(input.body)?);
        Ok(join(
            &[input.method, input.path, token, &hash, input.timestamp],
            ':',
        ))
    }

    /// The `X-SIGNATURE` value (base64, 88 characters).
    ///
    /// # Errors
    /// As [`Symmetric::string_to_sign`].
    pub fn signature(key: &HmacKey, input: &SigningInput<'_>) -> Result<String, SignatureError> {
        Ok(key.sign(Self::string_to_sign(input)?.as_bytes()))
    }

    /// Checks a received `X-SIGNATURE` against `input` (the *raw received*
    /// body bytes: minified here, never re-serialized).
    ///
    /// # Errors
    /// [`SignatureError::Mismatch`] when it does not match; any other variant
    /// for bad input (see [`Symmetric::string_to_sign`], [`HmacKey::verify`]).
    pub fn verify_signature(
        key: &HmacKey,
        input: &SigningInput<'_>,
        signature: &str,
    ) -> Result<(), SignatureError> {
        key.verify(Self::string_to_sign(input)?.as_bytes(), signature)
    }
}

impl SignatureScheme for Symmetric {
    const INFO: SchemeInfo = SchemeInfo::new("symmetric")
        .with_transaction_headers()
        .with_access_token()
        .with_headers(&["X-SIGNATURE"])
        .with_partner_header("X-PARTNER-ID");
    type Signer = HmacKey;
    type Verifier = HmacKey;

    fn sign(
        key: &HmacKey,
        input: &SigningInput<'_>,
        headers: &mut HeaderMap,
    ) -> Result<(), SignatureError> {
        let sig = Self::signature(key, input)?;
        insert_header(headers, X_SIGNATURE, &sig, false)
    }

    fn verify(
        key: &HmacKey,
        input: &SigningInput<'_>,
        headers: &HeaderMap,
    ) -> Result<(), SignatureError> {
        Self::verify_signature(key, input, read_header(headers, X_SIGNATURE.1)?)
    }
}

/// The SNAP asymmetric transaction / notification signature (`signature =
/// "asymmetric"`): `X-SIGNATURE = base64(SHA256withRSA(privateKey,
/// METHOD:pathWithQuery:lowerhex(sha256(minify(body))):timestamp))`. Sends the
/// transaction headers, no B2B token. Signing and verifying need the `rsa`
/// feature (on by default).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Asymmetric;

impl Asymmetric {
    /// `METHOD:pathWithQuery:lowerhex(sha256(minify(body))):timestamp`.
    ///
    /// # Errors
    /// As [`Symmetric::string_to_sign`].
    pub fn string_to_sign(input: &SigningInput<'_>) -> Result<String, SignatureError> {
        check_method(input.method)?;
        check_path(input.path)?;
        check_timestamp(input.timestamp)?;
        let hash = body_sha256_hex(&minified(input.body)?);
        Ok(join(
            &[input.method, input.path, &hash, input.timestamp],
            ':',
        ))
    }

    #[cfg(feature = "rsa")]
    #[cfg_attr(docsrs, doc(cfg(feature = "rsa")))]
    /// The `X-SIGNATURE` value (base64).
    ///
    /// # Errors
    /// As [`Asymmetric::string_to_sign`], or [`SignatureError::SigningFailed`].
    pub fn signature(
        key: &RsaPrivateKey,
        input: &SigningInput<'_>,
    ) -> Result<String, SignatureError> {
        key.sign(Self::string_to_sign(input)?.as_bytes())
    }

    #[cfg(feature = "rsa")]
    #[cfg_attr(docsrs, doc(cfg(feature = "rsa")))]
    /// Checks a received `X-SIGNATURE` against `input` (raw received body).
    ///
    /// # Errors
    /// [`SignatureError::Mismatch`] when it does not verify; any other
    /// variant for bad input.
    pub fn verify_signature(
        key: &RsaPublicKey,
        input: &SigningInput<'_>,
        signature: &str,
    ) -> Result<(), SignatureError> {
        key.verify(Self::string_to_sign(input)?.as_bytes(), signature)
    }
}

impl SignatureScheme for Asymmetric {
    const INFO: SchemeInfo = SchemeInfo::new("asymmetric")
        .with_transaction_headers()
        .with_headers(&["X-SIGNATURE"])
        .with_partner_header("X-PARTNER-ID");
    type Signer = PrivateKey;
    type Verifier = PublicKey;

    fn sign(
        key: &PrivateKey,
        input: &SigningInput<'_>,
        headers: &mut HeaderMap,
    ) -> Result<(), SignatureError> {
        #[cfg(feature = "rsa")]
        {
            let sig = Self::signature(key, input)?;
            insert_header(headers, X_SIGNATURE, &sig, false)
        }
        #[cfg(not(feature = "rsa"))]
        {
            let _ = (input, headers);
            match *key {}
        }
    }

    fn verify(
        key: &PublicKey,
        input: &SigningInput<'_>,
        headers: &HeaderMap,
    ) -> Result<(), SignatureError> {
        #[cfg(feature = "rsa")]
        {
            Self::verify_signature(key, input, read_header(headers, X_SIGNATURE.1)?)
        }
        #[cfg(not(feature = "rsa"))]
        {
            let _ = (input, headers);
            match *key {}
        }
    }
}

/// The access-token request signature of services 73/74 (`signature =
/// "token"`): `X-SIGNATURE = base64(SHA256withRSA(privateKey,
/// clientId|timestamp))`, with the client id sent as `X-CLIENT-KEY`
/// ([`SigningInput::client_id`]). Sends `X-TIMESTAMP`, no transaction
/// headers, no B2B token. Signing and verifying need the `rsa` feature.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AccessToken;

impl AccessToken {
    /// `clientId|timestamp`.
    ///
    /// # Errors
    /// [`SignatureError::InvalidInput`] for an absent or empty client id or a
    /// bad timestamp.
    pub fn string_to_sign(input: &SigningInput<'_>) -> Result<String, SignatureError> {
        let client_id = input.client_id.unwrap_or("");
        check_client_id(client_id)?;
        check_timestamp(input.timestamp)?;
        Ok(join(&[client_id, input.timestamp], '|'))
    }

    #[cfg(feature = "rsa")]
    #[cfg_attr(docsrs, doc(cfg(feature = "rsa")))]
    /// The `X-SIGNATURE` value (base64).
    ///
    /// # Errors
    /// As [`AccessToken::string_to_sign`], or [`SignatureError::SigningFailed`].
    pub fn signature(
        key: &RsaPrivateKey,
        input: &SigningInput<'_>,
    ) -> Result<String, SignatureError> {
        key.sign(Self::string_to_sign(input)?.as_bytes())
    }

    #[cfg(feature = "rsa")]
    #[cfg_attr(docsrs, doc(cfg(feature = "rsa")))]
    /// Checks a received `X-SIGNATURE` over `clientId|timestamp`.
    ///
    /// # Errors
    /// [`SignatureError::Mismatch`] when it does not verify; any other
    /// variant for bad input.
    pub fn verify_signature(
        key: &RsaPublicKey,
        input: &SigningInput<'_>,
        signature: &str,
    ) -> Result<(), SignatureError> {
        key.verify(Self::string_to_sign(input)?.as_bytes(), signature)
    }
}

impl SignatureScheme for AccessToken {
    const INFO: SchemeInfo = SchemeInfo::new("token")
        .with_timestamp()
        .with_headers(&["X-CLIENT-KEY", "X-SIGNATURE"])
        .with_partner_header("X-CLIENT-KEY");
    type Signer = PrivateKey;
    type Verifier = PublicKey;

    fn sign(
        key: &PrivateKey,
        input: &SigningInput<'_>,
        headers: &mut HeaderMap,
    ) -> Result<(), SignatureError> {
        #[cfg(feature = "rsa")]
        {
            let sig = Self::signature(key, input)?;
            insert_header(headers, X_CLIENT_KEY, input.client_id.unwrap_or(""), false)?;
            insert_header(headers, X_SIGNATURE, &sig, false)
        }
        #[cfg(not(feature = "rsa"))]
        {
            let _ = (input, headers, X_CLIENT_KEY);
            match *key {}
        }
    }

    fn verify(
        key: &PublicKey,
        input: &SigningInput<'_>,
        headers: &HeaderMap,
    ) -> Result<(), SignatureError> {
        #[cfg(feature = "rsa")]
        {
            Self::verify_signature(key, input, read_header(headers, X_SIGNATURE.1)?)
        }
        #[cfg(not(feature = "rsa"))]
        {
            let _ = (input, headers);
            match *key {}
        }
    }
}

/// No signature (`signature = "none"`): the transaction headers are sent,
/// nothing is signed, and a provider checks no signature (nor the headers).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unsigned;

impl SignatureScheme for Unsigned {
    const INFO: SchemeInfo = SchemeInfo::new("none").with_transaction_headers();
    type Signer = ();
    type Verifier = ();

    fn sign(_: &(), _: &SigningInput<'_>, _: &mut HeaderMap) -> Result<(), SignatureError> {
        Ok(())
    }

    fn verify(_: &(), _: &SigningInput<'_>, _: &HeaderMap) -> Result<(), SignatureError> {
        Ok(())
    }
}
