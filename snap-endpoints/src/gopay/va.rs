//! Virtual Account — Midtrans bank transfer Delete VA, SNAP service 31.

use snap_core as snap;

use crate::models::AdditionalInfo;

/// Cancel of a bank transfer (virtual account) transaction: Delete VA — SNAP
/// service 31 (Midtrans Cancel API, seed 001; Midtrans bank transfer, listed
/// under provider `GoPay` with the rest of the Midtrans page). BI counterpart:
/// [`crate::bi::DeleteVaRequest`].
///
/// Deviations from BI Delete VA (31):
/// - Method POST (BI: DELETE with a JSON body).
/// - `trxId` is M, 64 (BI: O).
/// - `additionalInfo.merchantId` is M; the sample spells it `merchant_id`,
///   accepted here as an alias.
/// - `partnerServiceId` is "8 digit left padding space" (`"  088899"`); the
///   response text says "left padding 0". Spaces are kept as sent.
/// - `X-TIMESTAMP` is documented as `yyyy-MM-ddTHH:mm:ssZ` but sampled with
///   `+07:00`.
#[snap::request(
    service = 31,
    method = "POST",
    path = "/v1.0/transfer-va/delete-va",
    response = DeleteVaResponse,
    name = "GoPay Delete VA",
    provider = "GoPay",
    signature = "symmetric"
)]
pub struct DeleteVaRequest {
    /// Derivative of X-PARTNER-ID, similar to company code, 8 digit left
    /// padding space. M, 8.
    #[snap(max = 8)]
    pub partner_service_id: String,
    /// Unique number (up to 20 digits). M, 20.
    #[snap(max = 20, digits)]
    pub customer_no: String,
    /// `partnerServiceId` + `customerNo`. M, 28.
    #[snap(max = 28)]
    pub virtual_account_no: String,
    /// Transaction ID in Partner system. M, 64.
    #[snap(max = 64)]
    pub trx_id: String,
    /// Additional information. O.
    pub additional_info: Option<DeleteVaAdditionalInfo>,
}

/// `additionalInfo` of [`DeleteVaRequest`].
#[snap::model]
pub struct DeleteVaAdditionalInfo {
    /// Merchant ID (the sample writes `merchant_id`). M.
    #[serde(alias = "merchant_id")]
    pub merchant_id: String,
}

/// Answer to [`DeleteVaRequest`] (service 31).
///
/// Midtrans gives no lengths for the response (BI: 8/20/28/12); BI's lengths
/// are applied except `trxId`, which Midtrans echoes from the request (64,
/// BI: 12). The table puts `additionalInfo` at the top level, the sample
/// inside `virtualAccountData` (as BI does): both places are accepted.
#[snap::response]
pub struct DeleteVaResponse {
    /// The deleted virtual account. M.
    pub virtual_account_data: DeleteVaData,
    /// Additional information (top level per the table). O.
    pub additional_info: Option<AdditionalInfo>,
}

/// `virtualAccountData` of [`DeleteVaResponse`].
#[snap::model]
pub struct DeleteVaData {
    /// 8 digit left padding space. M, 8.
    #[snap(max = 8)]
    pub partner_service_id: String,
    /// Unique number (up to 20 digits). M, 20.
    #[snap(max = 20)]
    pub customer_no: String,
    /// `partnerServiceId` + `customerNo`. M, 28.
    #[snap(max = 28)]
    pub virtual_account_no: String,
    /// Transaction ID in Partner system. M, 64.
    #[snap(max = 64)]
    pub trx_id: String,
    /// Additional information (where the sample puts it). O.
    pub additional_info: Option<AdditionalInfo>,
}
