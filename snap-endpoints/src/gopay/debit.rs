//! Direct Debit — GoPay Direct Debit Cancel, SNAP service 57.

use snap_core as snap;
use snap_core::time::SnapTimestamp;

/// Cancel for GoPay and GoPay Tokenization (non Pre-Auth) — SNAP service 57
/// (Midtrans Cancel API, seed 001). BI counterpart:
/// [`crate::bi::DebitCancelRequest`].
///
/// Deviations from BI Direct Debit Payment Cancel (57):
/// - "Either `originalReferenceNo` or `originalExternalId` must be passed; if
///   both, `originalReferenceNo` is the main identifier" (one-of group
///   `original`); BI has both O and no such rule.
/// - `originalExternalId` is String(36) here, String(32) at BI.
/// - BI's `approvalCode`, `merchantId`, `subMerchantId`, `reason`,
///   `externalStoreId`, `amount`, `additionalInfo` (all O) are not documented
///   by GoPay.
#[snap::request(
    service = 57,
    method = "POST",
    path = "/v1.0/debit/cancel",
    response = DebitCancelResponse,
    name = "GoPay Direct Debit Cancel",
    provider = "GoPay",
    signature = "symmetric"
)]
pub struct DebitCancelRequest {
    /// Transaction identifier on service provider system (GopayOrderId). C
    /// (one of `original`), 64.
    #[snap(max = 64, one_of = "original")]
    pub original_reference_no: Option<String>,
    /// `X-EXTERNAL-ID` of a timed-out charge request
    /// (`POST /v1.0/debit/payment-host-to-host`). C (one of `original`), 36.
    #[snap(max = 36, one_of = "original")]
    pub original_external_id: Option<String>,
    /// Transaction identifier on service consumer system (MerchantOrderId).
    /// M, 64.
    #[snap(max = 64)]
    pub original_partner_reference_no: String,
}

/// Answer to [`DebitCancelRequest`] (service 57).
///
/// Deviations: the success sample's `responseCode` is `"20057000"` — 8 digits,
/// where the list and the field type say `2005700` / String(7); decoding
/// reports it. `originalReferenceNo` is M and String(256) here (request: 64;
/// BI: C, 64). `cancelTime` in the sample is UTC (`...Z`).
#[snap::response]
pub struct DebitCancelResponse {
    /// Transaction identifier on service provider system. M, 256.
    #[snap(max = 256)]
    pub original_reference_no: String,
    /// Cancel time, ISO-8601; sent only if the cancellation succeeded. C, 25.
    pub cancel_time: Option<SnapTimestamp>,
}
