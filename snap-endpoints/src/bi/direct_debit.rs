//! BI standard, page "Transfer Debit / Direct Debit": SNAP services 54-58.
//!
//! Direct Debit Payment Cancel (57) is written by hand (`seed_endpoints.json`
//! `bi_debit_cancel_57`, kept for reconciliation with GoPay's variant); the
//! page's other services are generated from the catalogue tables and
//! re-exported here.

use snap_core as snap;
use snap_core::money::Money;

use crate::models::{AdditionalInfo, CancelResponse};

#[cfg(feature = "transfer-debit")]
mod generated;
/// The page's other services (54-56, 58), generated from the catalogue tables.
#[cfg(feature = "transfer-debit")]
#[cfg_attr(docsrs, doc(cfg(feature = "transfer-debit")))]
pub use generated::*;

/// API Direct Debit Payment Cancel — SNAP service 57 (BI Direct Debit page).
///
/// Provider variant: [`crate::gopay::DebitCancelRequest`] (an either/or rule
/// on `originalReferenceNo` / `originalExternalId`, `originalExternalId`
/// String(36), none of the other optional members). The page's Direct Debit
/// samples are B2B2C (`Authorization-Customer`), so `customer_token` is
/// declared. The page's Direct Debit *Payment* (54) sample answers with the
/// 8-digit `"20054000"`, the origin of GoPay's typo.
#[snap::request(
    service = 57,
    method = "POST",
    path = "/v1.0/debit/cancel",
    response = CancelResponse,
    name = "Direct Debit Cancel",
    provider = "BI",
    signature = "symmetric",
    customer_token
)]
pub struct DebitCancelRequest {
    /// Original transaction identifier on service consumer system. M, 64.
    #[snap(max = 64)]
    pub original_partner_reference_no: String,
    /// Original transaction identifier on service provider system. O, 64.
    #[snap(max = 64)]
    pub original_reference_no: Option<String>,
    /// Approval code of the original transaction. O, 20.
    #[snap(max = 20)]
    pub approval_code: Option<String>,
    /// Original `X-EXTERNAL-ID` on the header message. O, 32.
    #[snap(max = 32)]
    pub original_external_id: Option<String>,
    /// Merchant identifier. O, 64.
    #[snap(max = 64)]
    pub merchant_id: Option<String>,
    /// Sub merchant ID. O, 32.
    #[snap(max = 32)]
    pub sub_merchant_id: Option<String>,
    /// Cancellation reason. O, 256.
    #[snap(max = 256)]
    pub reason: Option<String>,
    /// External store ID. O, 64.
    #[snap(max = 64)]
    pub external_store_id: Option<String>,
    /// Amount. O (its value/currency M).
    pub amount: Option<Money>,
    /// Additional information. O.
    pub additional_info: Option<AdditionalInfo>,
}
