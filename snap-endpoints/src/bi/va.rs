//! BI standard, page "Transfer Kredit / Virtual Account": SNAP services
//! 24-35.
//!
//! Delete VA (31) is written by hand (`seed_endpoints.json`
//! `bi_va_delete_31`, kept for reconciliation with Midtrans' variant); the
//! page's other services are generated from the catalogue tables and
//! re-exported here. VA Inquiry (24) and VA Payment (25) are `inbound`: the
//! bank calls the partner that issued the VA.

use snap_core as snap;

use crate::models::AdditionalInfo;

#[cfg(feature = "transfer-credit")]
mod generated;
/// The page's other services (24-30, 32-35), generated from the catalogue tables.
#[cfg(feature = "transfer-credit")]
#[cfg_attr(docsrs, doc(cfg(feature = "transfer-credit")))]
pub use generated::*;

/// API Virtual Account — Delete VA, SNAP service 31 (BI VA page).
///
/// The page's overview and snippet say **DELETE** (with a JSON body, and the
/// VA pages write `X-ORIGIN` for `ORIGIN`); Midtrans' variant
/// ([`crate::gopay::DeleteVaRequest`]) uses POST and makes `trxId` M.
#[snap::request(
    service = 31,
    method = "DELETE",
    path = "/v1.0/transfer-va/delete-va",
    response = DeleteVaResponse,
    name = "Delete VA",
    provider = "BI",
    signature = "symmetric"
)]
pub struct DeleteVaRequest {
    /// Derivative of X-PARTNER-ID, 8 digit left padding space. M, 8.
    #[snap(max = 8)]
    pub partner_service_id: String,
    /// Unique number (up to 20 digits). M, 20.
    #[snap(max = 20, digits)]
    pub customer_no: String,
    /// `partnerServiceId` + `customerNo`. M, 28.
    #[snap(max = 28)]
    pub virtual_account_no: String,
    /// Transaction ID in Partner system. O, 64.
    #[snap(max = 64)]
    pub trx_id: Option<String>,
    /// Additional information. O.
    pub additional_info: Option<AdditionalInfo>,
}

/// Answer to [`DeleteVaRequest`] (service 31).
#[snap::response]
pub struct DeleteVaResponse {
    /// The deleted virtual account. M.
    pub virtual_account_data: VirtualAccountData,
}

/// `virtualAccountData` of [`DeleteVaResponse`].
#[snap::model]
pub struct VirtualAccountData {
    /// 8 digit left padding space. M, 8.
    #[snap(max = 8)]
    pub partner_service_id: String,
    /// Unique number (up to 20 digits). M, 20.
    #[snap(max = 20)]
    pub customer_no: String,
    /// `partnerServiceId` + `customerNo`. M, 28.
    #[snap(max = 28)]
    pub virtual_account_no: String,
    /// Transaction ID in Partner system. O, 12 (the request allows 64).
    #[snap(max = 12)]
    pub trx_id: Option<String>,
    /// Additional information. O.
    pub additional_info: Option<AdditionalInfo>,
}
