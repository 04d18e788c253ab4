//! Verifying inbound notifications (a provider calling the merchant back).
//!
//! Providers sign their callbacks in one of three ways (SNAP-FACTS 1.d):
//!
//! | scheme | string-to-sign | seen at |
//! |---|---|---|
//! | [`NotificationScheme::RsaRequest`] | `METHOD:path:hex(sha256(minify(body))):timestamp`, SHA256withRSA | Midtrans/GoPay, PayerMax, Winpay |
//! | [`NotificationScheme::Hmac`] | `METHOD:path:accessToken:hex(...):timestamp`, HMAC-SHA512 with the client secret, token from `Authorization` | DOKU |
//! | [`NotificationScheme::RsaClientId`] | `clientId|timestamp`, SHA256withRSA | NICEPAY |
//!
//! The path is the merchant's callback path **as received**, with its query.
//!
//! ```
//! use snap_server::notify::{NotificationScheme, NotificationVerifier};
//! use snap_core::sign::{HmacKey, SigningInput, Symmetric};
//!
//! let key = HmacKey::new(b"secret").unwrap();
//! let body = br#"{"originalReferenceNo":"A1"}"#;
//! let ts = "2026-11-22T10:00:00+07:00";
//! let sent = SigningInput::new("POST", "/cb/v1.0/debit/notify")
//!     .access_token("tok")
//!     .body(body)
//!     .timestamp(ts);
//! let sig = Symmetric::signature(&key, &sent).unwrap();
//! let mut headers = http::HeaderMap::new();
//! headers.insert("x-timestamp", ts.parse().unwrap());
//! headers.insert("x-signature", sig.parse().unwrap());
//! headers.insert("authorization", "Bearer tok".parse().unwrap());
//! let verifier = NotificationVerifier::new(NotificationScheme::Hmac(Box::new(key))).without_window();
//! assert!(verifier.verify("POST", "/cb/v1.0/debit/notify", &headers, body).is_ok());
//! assert!(verifier.verify("POST", "/cb/v1.0/debit/notify", &headers, b"{}").is_err());
//! ```

use std::time::Duration;

use http::HeaderMap;

use super::error::ErrorReply;
use snap_core::headers::{AUTHORIZATION, HeaderSpec, X_SIGNATURE, X_TIMESTAMP};
use snap_core::sign::{
    AccessToken, Asymmetric, HmacKey, RsaPublicKey, SignatureError, SigningInput, Symmetric,
};

/// How the provider signs its notifications.
#[derive(Debug, Clone)]
pub enum NotificationScheme {
    /// SHA256withRSA over `METHOD:path:hash:timestamp` with the provider's key.
    RsaRequest(RsaPublicKey),
    /// HMAC-SHA512 over `METHOD:path:accessToken:hash:timestamp` with the
    /// client secret; the token is read from `Authorization: Bearer ...`.
    Hmac(Box<HmacKey>),
    /// SHA256withRSA over `clientId|timestamp` (the token-request string).
    RsaClientId {
        /// The provider's notification public key.
        key: RsaPublicKey,
        /// The client id that is signed (the merchant's, as agreed).
        client_id: String,
    },
}

/// Why a notification was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NotificationError {
    /// A header the scheme needs is absent.
    #[error("missing header {0}")]
    MissingHeader(&'static str),
    /// `X-TIMESTAMP` is not an ISO-8601 timestamp with offset.
    #[error("X-TIMESTAMP is malformed: {0}")]
    Timestamp(String),
    /// `X-TIMESTAMP` is too far from now.
    #[error("X-TIMESTAMP is {skew_seconds} s away from now (window {window_seconds} s)")]
    OutOfWindow {
        /// Distance from now, seconds.
        skew_seconds: u64,
        /// Allowed distance, seconds.
        window_seconds: u64,
    },
    /// The signature does not verify (or cannot be decoded).
    #[error("signature: {0}")]
    Signature(SignatureError),
}

impl NotificationError {
    /// The SNAP answer for this refusal (the merchant answers the provider
    /// with it): `400xx02` missing header, `400xx01` malformed timestamp,
    /// `401xx00` otherwise.
    pub fn to_error_reply(&self) -> ErrorReply {
        match self {
            NotificationError::MissingHeader(h) => ErrorReply::missing_field(h),
            NotificationError::Timestamp(_) => ErrorReply::invalid_field(X_TIMESTAMP.canonical),
            NotificationError::OutOfWindow { .. } => {
                ErrorReply::unauthorized("X-TIMESTAMP out of window")
            }
            NotificationError::Signature(_) => ErrorReply::unauthorized("Invalid Signature"),
        }
        .with_log(self.to_string())
    }
}

/// Verifies notifications of one provider.
#[derive(Debug, Clone)]
pub struct NotificationVerifier {
    scheme: NotificationScheme,
    window: Option<Duration>,
}

fn get<'a>(
    headers: &'a HeaderMap,
    spec: &'static HeaderSpec,
) -> Result<&'a str, NotificationError> {
    headers
        .get(spec.wire)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .ok_or(NotificationError::MissingHeader(spec.canonical))
}

impl NotificationVerifier {
    /// A verifier with a ±5 minute timestamp window.
    pub fn new(scheme: NotificationScheme) -> Self {
        NotificationVerifier {
            scheme,
            window: Some(Duration::from_secs(300)),
        }
    }

    /// Sets the timestamp window.
    pub fn with_window(mut self, window: Duration) -> Self {
        self.window = Some(window);
        self
    }

    /// Does not check the timestamp's distance from now (replayed test
    /// vectors, recorded callbacks).
    pub fn without_window(mut self) -> Self {
        self.window = None;
        self
    }

    /// Checks a received notification: `method` and `path` (with query) as
    /// received, the headers, the raw body bytes.
    pub fn verify(
        &self,
        method: &str,
        path: &str,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Result<(), NotificationError> {
        let ts = get(headers, &X_TIMESTAMP)?;
        let sig = get(headers, &X_SIGNATURE)?;
        if let Some(window) = self.window {
            let skew = super::check::skew_from_now(ts).map_err(NotificationError::Timestamp)?;
            if skew > window {
                return Err(NotificationError::OutOfWindow {
                    skew_seconds: skew.as_secs(),
                    window_seconds: window.as_secs(),
                });
            }
        }
        let input = SigningInput::new(method, path).body(body).timestamp(ts);
        let r = match &self.scheme {
            NotificationScheme::RsaRequest(key) => Asymmetric::verify_signature(key, &input, sig),
            NotificationScheme::Hmac(key) => {
                let auth = get(headers, &AUTHORIZATION)?;
                let token = auth
                    .strip_prefix("Bearer ")
                    .or_else(|| auth.strip_prefix("bearer "))
                    .unwrap_or(auth)
                    .trim();
                Symmetric::verify_signature(key, &input.access_token(token), sig)
            }
            NotificationScheme::RsaClientId { key, client_id } => {
                AccessToken::verify_signature(key, &input.client_id(client_id), sig)
            }
        };
        r.map_err(NotificationError::Signature)
    }
}
