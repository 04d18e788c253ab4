//! Auth Payment — Paydia Auth Void, SNAP service 67.

use snap_core as snap;
use snap_core::money::Money;
use snap_core::time::SnapTimestamp;

/// Paydia Void — SNAP service 67 (`POST /snap/v1.0/auth/void`, seed 003). BI
/// counterpart: [`crate::bi::AuthVoidRequest`].
///
/// Deviations from BI Auth Void (67):
/// - Everything is mandatory: `voidAmount` and `reason` are M (BI: O).
/// - No `subMerchantId`, `voidRemainingAmount`, `additionalInfo`.
/// - `Authorization-Customer` is M (B2B2C) and documented as "max 64", yet
///   the sample is a 411-character JWT without `Bearer `.
/// - `X-EXTERNAL-ID` is a numeric string (sample: epoch seconds `1724137502`).
/// - The Void page says symmetric signature; Paydia's Auth Payment overview
///   says asymmetric. Symmetric is declared, as on this page.
/// - The header table has no `X-DEVICE-ID` (BI's makes it mandatory on
///   B2B2C): `device_id = "optional"`.
#[snap::request(
    service = 67,
    method = "POST",
    path = "/v1.0/auth/void",
    response = AuthVoidResponse,
    name = "Paydia Auth Void",
    provider = "Paydia",
    signature = "symmetric",
    customer_token,
    device_id = "optional"
)]
pub struct AuthVoidRequest {
    /// Original transaction identifier on partner system. M, 64.
    #[snap(max = 64)]
    pub original_partner_reference_no: String,
    /// Original transaction identifier on Paydia system. M, 64.
    #[snap(max = 64)]
    pub original_reference_no: String,
    /// Merchant identifier that is unique per each merchant. M, 64.
    #[snap(max = 64)]
    pub merchant_id: String,
    /// Unique void identifier on partner system. M, 64.
    #[snap(max = 64)]
    pub partner_void_no: String,
    /// Void amount (value, currency; the sub-field list is truncated in the
    /// document, BI's 16,2 / 3 apply). M.
    pub void_amount: Money,
    /// Void reason. M, 256.
    #[snap(max = 256)]
    pub reason: String,
}

/// Answer to [`AuthVoidRequest`] (service 67).
///
/// Deviations: every field is M (BI: `voidNo` / `voidTime` C, the rest O).
/// `voidTime` is described as "Time of capture" and must be `+07:00`, yet the
/// sample is `2024-08-20T13:57:59-07:00` — a valid ISO-8601 time, read as
/// sent. The code table is titled "Direct Debit Payment API" (copy-paste).
#[snap::response]
pub struct AuthVoidResponse {
    /// Original transaction identifier on partner system. M, 64.
    #[snap(max = 64)]
    pub original_partner_reference_no: String,
    /// Original transaction identifier on Paydia system. M, 64.
    #[snap(max = 64)]
    pub original_reference_no: String,
    /// Void identifier on Paydia. M, 64.
    #[snap(max = 64)]
    pub void_no: String,
    /// Unique void identifier on partner system. M, 64.
    #[snap(max = 64)]
    pub partner_void_no: String,
    /// Void amount. M.
    pub void_amount: Money,
    /// Void time, `YYYY-MM-DDTHH:mm:ss+07:00`. M, 25.
    pub void_time: SnapTimestamp,
}
