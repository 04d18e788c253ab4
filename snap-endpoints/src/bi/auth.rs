//! BI standard, Transfer Debit — Auth Payment family, services 63 to 69
//! (SNAP Developer Site, page "Auth Payment", seed 004).
//!
//! Deviations of the BI page itself, kept visible here:
//! - The "Informasi Umum" tables say **GET** for all seven services, but every
//!   code snippet is `POST .../v1.0/auth/...` with a JSON body; the declarations
//!   use POST.
//! - The samples are B2B2C (`Authorization-Customer`, `X-DEVICE-ID`), so every
//!   request here declares `customer_token`.
//! - Containers (`amount`, `captureAmount`, ...) are O while their `value` and
//!   `currency` members are M: an `Option<Money>` expresses exactly that.
//! - Time fields are documented as "(ISO 8601) YYYY-MM-DDThh:mm:ss" (no offset)
//!   but every sample carries `+07:00`; they are [`SnapTimestamp`]s, which keep
//!   the received string.

use snap_core as snap;
use snap_core::money::Money;
use snap_core::time::SnapTimestamp;

use crate::models::{AdditionalInfo, Item};

/// API Auth Payment — SNAP service 63 (BI Auth Payment page, seed 004).
#[snap::request(
    service = 63,
    method = "POST",
    path = "/v1.0/auth/payment",
    response = AuthPaymentResponse,
    name = "Auth Payment",
    provider = "BI",
    signature = "symmetric",
    customer_token
)]
pub struct AuthPaymentRequest {
    /// Transaction identifier on service consumer system. M, 64.
    #[snap(max = 64)]
    pub partner_reference_no: String,
    /// Merchant identifier that is unique per each merchant. M, 64.
    #[snap(max = 64)]
    pub merchant_id: String,
    /// Sub merchant ID. O, 32.
    #[snap(max = 32)]
    pub sub_merchant_id: Option<String>,
    /// Net amount of the transaction. O (its value/currency M).
    pub amount: Option<Money>,
    /// To whom the fee is charged: `OUR` (default), `BEN`, `SHA` or `1000`. O, 25.
    #[snap(max = 25)]
    pub fee_type: Option<String>,
    /// Merchant's category. O, 32.
    #[snap(max = 32)]
    pub mcc: Option<String>,
    /// Product code used for this payment. O, 64.
    #[snap(max = 64)]
    pub product_code: Option<String>,
    /// Order title. M, 256.
    #[snap(max = 256)]
    pub title: String,
    /// Purchased goods/service information. O, List.
    pub items: Option<Vec<Item>>,
    /// Additional information. O.
    pub additional_info: Option<AdditionalInfo>,
}

/// Answer to [`AuthPaymentRequest`] (service 63).
#[snap::response]
pub struct AuthPaymentResponse {
    /// Transaction identifier on service provider system. C (filled upon
    /// successful transaction), 64.
    #[snap(max = 64)]
    pub reference_no: Option<String>,
    /// Transaction identifier on service consumer system. O, 64.
    #[snap(max = 64)]
    pub partner_reference_no: Option<String>,
    /// Net amount of the transaction. O.
    pub amount: Option<Money>,
    /// Transaction paid time (ISO 8601). M, 25.
    pub paid_time: SnapTimestamp,
    /// Additional information. O.
    pub additional_info: Option<AdditionalInfo>,
}

/// API Payment Query — SNAP service 64 (BI Auth Payment page, seed 004).
///
/// Both identifiers are O in the table and no rule says one is needed; a query
/// without either identifies nothing, so they form the one-of group
/// `original` here (inferred, `seed_endpoints.json` records the same reading).
#[snap::request(
    service = 64,
    method = "POST",
    path = "/v1.0/auth/query",
    response = AuthQueryResponse,
    name = "Auth Payment Query",
    provider = "BI",
    signature = "symmetric",
    customer_token
)]
pub struct AuthQueryRequest {
    /// Transaction identifier on service consumer system. O, 64.
    #[snap(max = 64, one_of = "original")]
    pub original_partner_reference_no: Option<String>,
    /// Transaction identifier on service provider system. O, 64.
    #[snap(max = 64, one_of = "original")]
    pub original_reference_no: Option<String>,
    /// Merchant identifier. O, 64.
    #[snap(max = 64)]
    pub merchant_id: Option<String>,
    /// Sub merchant ID. O, 32.
    #[snap(max = 32)]
    pub sub_merchant_id: Option<String>,
    /// External store ID. O, 64.
    #[snap(max = 64)]
    pub external_store_id: Option<String>,
    /// Additional information. O.
    pub additional_info: Option<AdditionalInfo>,
}

/// Answer to [`AuthQueryRequest`] (service 64).
///
/// The page's sample spells `originalpartnerReferenceNo` (lower-case `p`); it
/// is accepted as an alias and written back as `originalPartnerReferenceNo`.
#[snap::response]
pub struct AuthQueryResponse {
    /// Transaction identifier on service consumer system. O, 64.
    #[snap(max = 64)]
    #[serde(alias = "originalpartnerReferenceNo")]
    pub original_partner_reference_no: Option<String>,
    /// Transaction identifier on service provider system. O, 64.
    #[snap(max = 64)]
    pub original_reference_no: Option<String>,
    /// Net amount of the transaction. O.
    pub amount: Option<Money>,
    /// Transaction paid time (ISO 8601). M, 25.
    pub paid_time: SnapTimestamp,
    /// `00` Success, `01` Initiated, `02` Paying, `03` Pending, `04` Refunded,
    /// `05` Canceled, `06` Failed, `07` Not found. M, 2.
    #[snap(len = 2, digits)]
    pub latest_transaction_status: String,
    /// Description of the status. O, 50.
    #[snap(max = 50)]
    pub transaction_status_desc: Option<String>,
    /// Additional information. O.
    pub additional_info: Option<AdditionalInfo>,
}

/// API Capture — SNAP service 65 (BI Auth Payment page, seed 004).
#[snap::request(
    service = 65,
    method = "POST",
    path = "/v1.0/auth/capture",
    response = AuthCaptureResponse,
    name = "Auth Capture",
    provider = "BI",
    signature = "symmetric",
    customer_token
)]
pub struct AuthCaptureRequest {
    /// Transaction identifier on service provider system. M, 64.
    #[snap(max = 64)]
    pub original_reference_no: String,
    /// Transaction identifier on service consumer system. M, 64.
    #[snap(max = 64)]
    pub original_partner_reference_no: String,
    /// Merchant identifier. M, 64.
    #[snap(max = 64)]
    pub merchant_id: String,
    /// Sub merchant ID. O, 32.
    #[snap(max = 32)]
    pub sub_merchant_id: Option<String>,
    /// Capture identifier generated by the partner. M, 64.
    #[snap(max = 64)]
    pub partner_capture_no: String,
    /// Capture amount. O.
    pub capture_amount: Option<Money>,
    /// Capture title. M, 256.
    #[snap(max = 256)]
    pub title: String,
    /// Flag: last capture, void the rest of the money (a string, sample
    /// `"TRUE"`). O, 8.
    #[snap(max = 8)]
    pub last_capture: Option<String>,
    /// Additional information. O.
    pub additional_info: Option<AdditionalInfo>,
}

/// Answer to [`AuthCaptureRequest`] (service 65).
#[snap::response]
pub struct AuthCaptureResponse {
    /// Transaction identifier on service provider system. O, 64.
    #[snap(max = 64)]
    pub original_reference_no: Option<String>,
    /// Transaction identifier on service consumer system. O, 64.
    #[snap(max = 64)]
    pub original_partner_reference_no: Option<String>,
    /// Capture identifier generated by the partner. O, 64.
    #[snap(max = 64)]
    pub partner_capture_no: Option<String>,
    /// PJSP's capture identifier. C (filled upon successful transaction), 64.
    #[snap(max = 64)]
    pub capture_no: Option<String>,
    /// Capture amount. O.
    pub capture_amount: Option<Money>,
    /// Capture time (ISO 8601). C (filled upon successful transaction), 25.
    pub capture_time: Option<SnapTimestamp>,
    /// Additional information. O.
    pub additional_info: Option<AdditionalInfo>,
}

/// API Capture Query — SNAP service 66 (BI Auth Payment page, seed 004).
#[snap::request(
    service = 66,
    method = "POST",
    path = "/v1.0/auth/capture-query",
    response = AuthCaptureQueryResponse,
    name = "Auth Capture Query",
    provider = "BI",
    signature = "symmetric",
    customer_token
)]
pub struct AuthCaptureQueryRequest {
    /// Transaction identifier on service provider system. M, 64.
    #[snap(max = 64)]
    pub original_reference_no: String,
    /// Transaction identifier on service consumer system. O, 64.
    #[snap(max = 64)]
    pub original_partner_reference_no: Option<String>,
    /// Merchant identifier. M, 64.
    #[snap(max = 64)]
    pub merchant_id: String,
    /// Sub merchant ID. O, 32.
    #[snap(max = 32)]
    pub sub_merchant_id: Option<String>,
    /// PJSP's capture identifier. O, 64.
    #[snap(max = 64)]
    pub capture_no: Option<String>,
    /// Capture identifier generated by the partner. M, 64.
    #[snap(max = 64)]
    pub partner_capture_no: String,
    /// Additional information. O.
    pub additional_info: Option<AdditionalInfo>,
}

/// Answer to [`AuthCaptureQueryRequest`] (service 66).
#[snap::response]
pub struct AuthCaptureQueryResponse {
    /// Transaction identifier on service provider system. O, 64.
    #[snap(max = 64)]
    pub original_reference_no: Option<String>,
    /// Transaction identifier on service consumer system. O, 64.
    #[snap(max = 64)]
    pub original_partner_reference_no: Option<String>,
    /// PJSP's capture identifier. O, 64.
    #[snap(max = 64)]
    pub capture_no: Option<String>,
    /// Capture amount. O.
    pub capture_amount: Option<Money>,
    /// Capture time (ISO 8601). C (filled upon successful transaction), 25.
    pub capture_time: Option<SnapTimestamp>,
    /// Capture status `INIT`, `SUCCESS`, `FAILED`. C (filled upon successful
    /// transaction), 32.
    #[snap(max = 32)]
    pub latest_capture_status: Option<String>,
    /// Capture identifier generated by the partner. M, 64.
    #[snap(max = 64)]
    pub partner_capture_no: String,
    /// Additional information. O.
    pub additional_info: Option<AdditionalInfo>,
}

/// API Void — SNAP service 67 (BI Auth Payment page, seed 004).
///
/// Provider variants of the same service: [`crate::gopay::PreAuthVoidRequest`]
/// (GoPay: `originalReferenceNo` C with an either/or rule, no `voidAmount`,
/// B2B token only) and [`crate::paydia::AuthVoidRequest`] (Paydia: everything
/// mandatory). The page describes `reason` as "Capture title." (copy-paste).
#[snap::request(
    service = 67,
    method = "POST",
    path = "/v1.0/auth/void",
    response = AuthVoidResponse,
    name = "Auth Void",
    provider = "BI",
    signature = "symmetric",
    customer_token
)]
pub struct AuthVoidRequest {
    /// Transaction identifier on service provider system. M, 64.
    #[snap(max = 64)]
    pub original_reference_no: String,
    /// Transaction identifier on service consumer system. M, 64.
    #[snap(max = 64)]
    pub original_partner_reference_no: String,
    /// Merchant identifier. M, 64.
    #[snap(max = 64)]
    pub merchant_id: String,
    /// Sub merchant ID. O, 32.
    #[snap(max = 32)]
    pub sub_merchant_id: Option<String>,
    /// Void amount. O.
    pub void_amount: Option<Money>,
    /// Void identifier generated by the partner. M, 64.
    #[snap(max = 64)]
    pub partner_void_no: String,
    /// Flag: last void, void the rest of the money (sample `"TRUE"`). O, 8.
    #[snap(max = 8)]
    pub void_remaining_amount: Option<String>,
    /// Void reason. O, 256.
    #[snap(max = 256)]
    pub reason: Option<String>,
    /// Additional information. O.
    pub additional_info: Option<AdditionalInfo>,
}

/// Answer to [`AuthVoidRequest`] (service 67).
#[snap::response]
pub struct AuthVoidResponse {
    /// Transaction identifier on service provider system. O, 64.
    #[snap(max = 64)]
    pub original_reference_no: Option<String>,
    /// Transaction identifier on service consumer system. O, 64.
    #[snap(max = 64)]
    pub original_partner_reference_no: Option<String>,
    /// PJSP's void identifier. C (filled upon successful transaction), 64.
    #[snap(max = 64)]
    pub void_no: Option<String>,
    /// Void identifier generated by the partner. M, 64.
    #[snap(max = 64)]
    pub partner_void_no: String,
    /// Void amount. O.
    pub void_amount: Option<Money>,
    /// Void time (ISO 8601). C (filled upon successful transaction), 25.
    pub void_time: Option<SnapTimestamp>,
    /// Additional information. O.
    pub additional_info: Option<AdditionalInfo>,
}

/// API Void Query — SNAP service 68 (BI Auth Payment page, seed 004).
#[snap::request(
    service = 68,
    method = "POST",
    path = "/v1.0/auth/void-query",
    response = AuthVoidQueryResponse,
    name = "Auth Void Query",
    provider = "BI",
    signature = "symmetric",
    customer_token
)]
pub struct AuthVoidQueryRequest {
    /// Transaction identifier on service provider system. M, 64.
    #[snap(max = 64)]
    pub original_reference_no: String,
    /// Transaction identifier on service consumer system. O, 64.
    #[snap(max = 64)]
    pub original_partner_reference_no: Option<String>,
    /// Merchant identifier. M, 64.
    #[snap(max = 64)]
    pub merchant_id: String,
    /// Sub merchant ID. O, 32.
    #[snap(max = 32)]
    pub sub_merchant_id: Option<String>,
    /// PJSP's void identifier. O, 64.
    #[snap(max = 64)]
    pub void_no: Option<String>,
    /// Void identifier generated by the partner. M, 64.
    #[snap(max = 64)]
    pub partner_void_no: String,
    /// Additional information. O.
    pub additional_info: Option<AdditionalInfo>,
}

/// Answer to [`AuthVoidQueryRequest`] (service 68). `partnerVoidNo` is M in
/// the request but O here (Capture Query keeps it M) — as documented.
#[snap::response]
pub struct AuthVoidQueryResponse {
    /// Transaction identifier on service provider system. O, 64.
    #[snap(max = 64)]
    pub original_reference_no: Option<String>,
    /// Transaction identifier on service consumer system. O, 64.
    #[snap(max = 64)]
    pub original_partner_reference_no: Option<String>,
    /// PJSP's void identifier. O, 64.
    #[snap(max = 64)]
    pub void_no: Option<String>,
    /// Void amount. O.
    pub void_amount: Option<Money>,
    /// Void time (ISO 8601). C (filled upon successful transaction), 25.
    pub void_time: Option<SnapTimestamp>,
    /// Void status `INIT`, `SUCCESS`, `FAILED`. C (filled upon successful
    /// transaction), 32.
    #[snap(max = 32)]
    pub latest_void_status: Option<String>,
    /// Void identifier generated by the partner. O, 64.
    #[snap(max = 64)]
    pub partner_void_no: Option<String>,
    /// Additional information. O.
    pub additional_info: Option<AdditionalInfo>,
}

/// API Refund — SNAP service 69 (BI Auth Payment page, seed 004).
///
/// `originalCaptureNo` is C, "filled upon **unsuccessful** transaction"
/// (verbatim, the opposite of every other C field): not machine-checkable on a
/// request, so it is simply optional.
#[snap::request(
    service = 69,
    method = "POST",
    path = "/v1.0/auth/refund",
    response = AuthRefundResponse,
    name = "Auth Refund",
    provider = "BI",
    signature = "symmetric",
    customer_token
)]
pub struct AuthRefundRequest {
    /// Transaction identifier on service consumer system. M, 64.
    #[snap(max = 64)]
    pub original_partner_reference_no: String,
    /// Transaction identifier on service provider system. O, 64.
    #[snap(max = 64)]
    pub original_reference_no: Option<String>,
    /// Reference number from the partner for the refund. M, 64.
    #[snap(max = 64)]
    pub partner_refund_no: String,
    /// Merchant identifier. O, 64.
    #[snap(max = 64)]
    pub merchant_id: Option<String>,
    /// Sub merchant ID. O, 32.
    #[snap(max = 32)]
    pub sub_merchant_id: Option<String>,
    /// PJSP's capture identifier. C, 64.
    #[snap(max = 64)]
    pub original_capture_no: Option<String>,
    /// Refund amount. O.
    pub refund_amount: Option<Money>,
    /// External store ID. O, 64.
    #[snap(max = 64)]
    pub external_store_id: Option<String>,
    /// Refund reason. O, 256.
    #[snap(max = 256)]
    pub reason: Option<String>,
    /// Additional information. O.
    pub additional_info: Option<AdditionalInfo>,
}

/// Answer to [`AuthRefundRequest`] (service 69).
#[snap::response]
pub struct AuthRefundResponse {
    /// PJSP's capture identifier. C (filled upon unsuccessful transaction), 64.
    #[snap(max = 64)]
    pub original_capture_no: Option<String>,
    /// Transaction identifier on service provider system. C (filled upon
    /// successful transaction), 64.
    #[snap(max = 64)]
    pub original_reference_no: Option<String>,
    /// Transaction identifier on service consumer system. O, 64.
    #[snap(max = 64)]
    pub original_partner_reference_no: Option<String>,
    /// Refund identifier of the partner. O, 64.
    #[snap(max = 64)]
    pub partner_refund_no: Option<String>,
    /// Refund reference number. M, 64.
    #[snap(max = 64)]
    pub refund_no: String,
    /// Refund amount. O.
    pub refund_amount: Option<Money>,
    /// Refund time (ISO 8601). M, 25.
    pub refund_time: SnapTimestamp,
    /// Additional information. O.
    pub additional_info: Option<AdditionalInfo>,
}
