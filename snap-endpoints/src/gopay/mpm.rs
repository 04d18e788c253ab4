//! QR MPM — GoPay QRIS MPM Cancel, SNAP service 77.

use snap_core as snap;
use snap_core::money::Money;

use crate::models::AdditionalInfo;

/// Cancel for a GoPay QRIS transaction — SNAP service 77 (Midtrans Cancel API,
/// seed 001). BI counterpart: [`crate::bi::QrMpmCancelRequest`].
///
/// Deviations from BI QR MPM Cancel Payment (77):
/// - "Either `originalExternalId` or `originalReferenceNo` need to be filled"
///   (one-of group `original`), although both are marked O.
/// - `originalExternalId` is String(36) (BI: 32).
/// - `amount.currency` is documented as String(2) — wrong for ISO 4217 (the
///   sample sends `"IDR"`); [`Money`] keeps the 3-letter rule.
/// - `amount.value` / `amount.currency` are O (BI: M inside an O container);
///   a present `amount` needs both here as well.
#[snap::request(
    service = 77,
    method = "POST",
    path = "/v1.0/qr/qr-mpm-cancel",
    response = QrisCancelResponse,
    name = "GoPay QRIS MPM Cancel",
    provider = "GoPay",
    signature = "symmetric"
)]
pub struct QrisCancelRequest {
    /// Transaction identifier on service consumer system (MerchantOrderId).
    /// O, 64.
    #[snap(max = 64)]
    pub original_partner_reference_no: Option<String>,
    /// Transaction identifier on service provider system (GopayOrderId). O
    /// (one of `original`), 64.
    #[snap(max = 64, one_of = "original")]
    pub original_reference_no: Option<String>,
    /// Original `X-EXTERNAL-ID` on the header message. O (one of `original`), 36.
    #[snap(max = 36, one_of = "original")]
    pub original_external_id: Option<String>,
    /// Merchant identifier that is unique per each merchant. M, 64.
    #[snap(max = 64)]
    pub merchant_id: String,
    /// Sub merchant ID. O, 32.
    #[snap(max = 32)]
    pub sub_merchant_id: Option<String>,
    /// External store ID. O, 64.
    #[snap(max = 64)]
    pub external_store_id: Option<String>,
    /// Reason for cancellation. M, 256.
    #[snap(max = 256)]
    pub reason: String,
    /// Net amount of the cancel. O.
    pub amount: Option<Money>,
    /// Additional information. O.
    pub additional_info: Option<AdditionalInfo>,
}

/// Answer to [`QrisCancelRequest`] (service 77).
///
/// Deviations: the sample is not closed (missing final `}`; the fixture adds
/// it). `cancelTime` has no UTC offset (`2020-10-20T17:56:57`) and
/// `transactionDate` is typed `yyyyMMddHHmmss` but sent as `2020-10-20
/// 17:56:57`: both are kept as plain strings so GoPay's own answer is read,
/// not rejected. `originalExternalId` is String(32) here, String(36) in the
/// request.
#[snap::response]
pub struct QrisCancelResponse {
    /// Original transaction identifier on merchant. O, 64.
    #[snap(max = 64)]
    pub original_partner_reference_no: Option<String>,
    /// Original transaction identifier on GoPay. C, 64.
    #[snap(max = 64)]
    pub original_reference_no: Option<String>,
    /// Original customer reference number. O, 32.
    #[snap(max = 32)]
    pub original_external_id: Option<String>,
    /// Cancel time, "ISO 8601" but sent without offset. C, 25.
    #[snap(max = 25)]
    pub cancel_time: Option<String>,
    /// Transaction date, typed `yyyyMMddHHmmss`, sent as `yyyy-MM-dd HH:mm:ss`. O.
    pub transaction_date: Option<String>,
    /// Additional information. O.
    pub additional_info: Option<AdditionalInfo>,
}
