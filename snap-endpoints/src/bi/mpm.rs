//! BI standard, page "Transfer Kredit / MPM" (QRIS merchant-presented):
//! SNAP services 47-52, 77 and 78.
//!
//! QR MPM Cancel Payment (77) is written by hand (`seed_endpoints.json`
//! `bi_qr_mpm_cancel_77`, kept for reconciliation with GoPay's variant); the
//! page's other services are generated from the catalogue tables and
//! re-exported here.

use snap_core as snap;
use snap_core::money::Money;

use crate::models::{AdditionalInfo, CancelResponse};

#[cfg(feature = "transfer-credit")]
mod generated;
/// The page's other services (47-52, 78), generated from the catalogue tables.
#[cfg(feature = "transfer-credit")]
#[cfg_attr(docsrs, doc(cfg(feature = "transfer-credit")))]
pub use generated::*;

/// API Cancel Payment (QR MPM) — SNAP service 77 (BI MPM page).
///
/// Provider variant: [`crate::gopay::QrisCancelRequest`] (an either/or rule on
/// `originalReferenceNo` / `originalExternalId`, `originalExternalId`
/// String(36), `amount.currency` documented as String(2)). Here every
/// identifier is O and no rule ties them.
#[snap::request(
    service = 77,
    method = "POST",
    path = "/v1.0/qr/qr-mpm-cancel",
    response = CancelResponse,
    name = "QR MPM Cancel",
    provider = "BI",
    signature = "symmetric"
)]
pub struct QrMpmCancelRequest {
    /// Original transaction identifier on service consumer system. O, 64.
    #[snap(max = 64)]
    pub original_partner_reference_no: Option<String>,
    /// Original transaction identifier on service provider system. O, 64.
    #[snap(max = 64)]
    pub original_reference_no: Option<String>,
    /// Original `X-EXTERNAL-ID`. O, 32.
    #[snap(max = 32)]
    pub original_external_id: Option<String>,
    /// Merchant identifier. M, 64.
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
    /// Amount. O (its value/currency M).
    pub amount: Option<Money>,
    /// Additional information. O.
    pub additional_info: Option<AdditionalInfo>,
}
