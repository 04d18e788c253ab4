//! The access-token endpoints of the BI standard, Access Token B2B (73) and
//! B2B2C (74) (SNAP Developer Site, page "Keamanan"; SNAP-FACTS.md 1.a, 1.b),
//! declared once, here.
//!
//! This is the one place where snap-core holds concrete declarations: the
//! token endpoints are the protocol's own machinery rather than a service a
//! merchant calls for itself. Every side needs them (the client fetches and
//! refreshes tokens with them, a provider serves them), and neither
//! `snap-client` nor `snap-server` may depend on `snap-endpoints`, which
//! re-exports them as `snap_endpoints::bi::security`.
//!
//! Both are signed with SHA256withRSA over `client_ID + "|" + X-TIMESTAMP`
//! ([`AccessToken`](crate::sign::AccessToken), `signature = "token"`), carry
//! `X-CLIENT-KEY` instead of the transaction headers, and use no access token
//! themselves.

use crate as snap;
use crate::secret::SecretString;
use crate::time::SnapTimestamp;

/// Free-form `additionalInfo` member (no rules).
pub type AdditionalInfo = serde_json::Map<String, serde_json::Value>;

/// API Access Token B2B — SNAP service 73 (Keamanan page).
///
/// `grantType` is `"client_credentials"`; PDF v1.0.2 renamed the former
/// `granttype` to `grantType`. No length is documented.
#[snap::request(
    service = 73,
    method = "POST",
    path = "/v1.0/access-token/b2b",
    response = AccessTokenB2bResponse,
    name = "Access Token B2B",
    provider = "BI",
    signature = "token"
)]
pub struct AccessTokenB2bRequest {
    /// `"client_credentials"` (OAuth 2.0, RFC 6749). M.
    pub grant_type: String,
    /// Additional information. O.
    pub additional_info: Option<AdditionalInfo>,
}

/// Answer to [`AccessTokenB2bRequest`] (service 73).
///
/// `responseCode` / `responseMessage` are C ("must be filled if access token
/// failed to generate"), yet the success sample carries `2007300`
/// `Successful`. `expiresIn` is a string (`"900"`) as documented; providers
/// that send a JSON number are outside this declaration.
#[snap::response(optional_code)]
pub struct AccessTokenB2bResponse {
    /// The B2B access token (Debug prints `[redacted]`). M, 2048.
    #[snap(max = 2048)]
    pub access_token: SecretString,
    /// `"Bearer"` (the table also mentions `"Mac"`). M.
    pub token_type: String,
    /// Session expiry in seconds, a string (`"900"` = 15 minutes). M. Some
    /// providers send a JSON number (`900`); it is read as the same string.
    #[snap(digits)]
    #[serde(deserialize_with = "crate::code::string_or_number")]
    pub expires_in: String,
    /// Additional information. O.
    pub additional_info: Option<AdditionalInfo>,
}

/// API Access Token B2B2C — SNAP service 74 (Keamanan page).
///
/// `grantType` is `AUTHORIZATION_CODE` or `REFRESH_TOKEN`; the page's sample
/// sends lower-case `authorization_code`, so the conditions compare ASCII
/// case-insensitively. The sample also sends both `authCode` and
/// `refreshToken`, which the rules allow.
#[snap::request(
    service = 74,
    method = "POST",
    path = "/v1.0/access-token/b2b2c",
    response = AccessTokenB2b2cResponse,
    name = "Access Token B2B2C",
    provider = "BI",
    signature = "token"
)]
pub struct AccessTokenB2b2cRequest {
    /// `AUTHORIZATION_CODE` or `REFRESH_TOKEN`. M.
    pub grant_type: String,
    /// Authorization code obtained after user consent. C (mandatory if
    /// grantType = AUTHORIZATION_CODE), 256.
    #[snap(
        max = 256,
        required_if(field = "grant_type", value = "AUTHORIZATION_CODE")
    )]
    pub auth_code: Option<SecretString>,
    /// Refresh token. C (mandatory if grantType = REFRESH_TOKEN), 512.
    #[snap(max = 512, required_if(field = "grant_type", value = "REFRESH_TOKEN"))]
    pub refresh_token: Option<SecretString>,
    /// Additional information. O.
    pub additional_info: Option<AdditionalInfo>,
}

/// Answer to [`AccessTokenB2b2cRequest`] (service 74). No sample is published.
#[snap::response(optional_code)]
pub struct AccessTokenB2b2cResponse {
    /// The customer access token (Debug prints `[redacted]`). M, 2048.
    #[snap(max = 2048)]
    pub access_token: SecretString,
    /// `"Bearer"` (or `"Mac"`). M.
    pub token_type: String,
    /// Access token expiry (ISO 8601; "valid time will be 15 days"). M.
    pub access_token_expiry_time: SnapTimestamp,
    /// Refresh token (Debug prints `[redacted]`). M.
    pub refresh_token: SecretString,
    /// Refresh token expiry (ISO 8601). M.
    pub refresh_token_expiry_time: SnapTimestamp,
    /// Additional information. O.
    pub additional_info: Option<AdditionalInfo>,
}
