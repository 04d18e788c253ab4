//! Declarations used only by the benchmarks, written with the snap-rs derives
//! exactly as a user would write them.
//!
//! * [`VaInquiryRequest`]: a VA-inquiry-sized endpoint (about 200 bytes on
//!   the wire), the "small body" of the client-side benchmark.
//! * [`TwentyRules`]: a model with exactly 20 declared field rules, for the
//!   validation-alone benchmark.

use serde::{Deserialize, Serialize};
use snap_core::money::Money;
use snap_core::{SnapModel, SnapRequest};

/// A VA inquiry (service 24), reduced to its usual members: the small body of
/// the client-side benchmark (same wire shape as
/// [`crate::floor::PlainVaInquiry`]).
#[derive(Debug, Clone, Serialize, Deserialize, SnapRequest)]
#[snap(
    service = 24,
    method = "POST",
    path = "/v1.0/transfer-va/inquiry",
    response = VaInquiryResponse,
    name = "VA Inquiry (bench)",
    provider = "BI"
)]
#[serde(rename_all = "camelCase")]
pub struct VaInquiryRequest {
    /// Partner service id, left-padded with spaces. M, 8.
    #[snap(len = 8)]
    pub partner_service_id: String,
    /// Customer number. M, 20, digits.
    #[snap(max = 20, digits)]
    pub customer_no: String,
    /// partnerServiceId + customerNo. M, 28.
    #[snap(max = 28)]
    pub virtual_account_no: String,
    /// Channel code (ISO 18245 merchant category).
    pub channel_code: u32,
    /// Inquiry amount.
    pub amount: Money,
    /// Unique inquiry id. M, 128.
    #[snap(max = 128)]
    pub inquiry_request_id: String,
}

/// Answer to [`VaInquiryRequest`].
#[derive(Debug, Clone, Serialize, Deserialize, SnapModel)]
#[serde(rename_all = "camelCase")]
pub struct VaInquiryResponse {
    /// Response code. M, 7.
    #[snap(len = 7, digits)]
    pub response_code: String,
    /// Response message. M, 150.
    #[snap(max = 150)]
    pub response_message: String,
    /// VA data. O.
    pub virtual_account_data: Option<serde_json::Value>,
}

/// A model with exactly 20 declared field rules: 8 `max`, 3 `len`, 3
/// `max` + `digits` pairs (6), a two-member `one_of` group (2) and one
/// `required_if` (1). The 14 non-`Option` strings also get their implicit
/// mandatory (non-empty) check.
#[derive(Debug, Clone, Serialize, Deserialize, SnapModel)]
#[serde(rename_all = "camelCase")]
pub struct TwentyRules {
    /// max 64.
    #[snap(max = 64)]
    pub partner_reference_no: String,
    /// max 64.
    #[snap(max = 64)]
    pub merchant_id: String,
    /// max 32.
    #[snap(max = 32)]
    pub sub_merchant_id: String,
    /// max 64.
    #[snap(max = 64)]
    pub external_store_id: String,
    /// max 256.
    #[snap(max = 256)]
    pub title: String,
    /// max 25.
    #[snap(max = 25)]
    pub fee_type: String,
    /// max 64.
    #[snap(max = 64)]
    pub product_code: String,
    /// max 32 (the `required_if` trigger).
    #[snap(max = 32)]
    pub grant_type: String,
    /// len 7.
    #[snap(len = 7)]
    pub response_code: String,
    /// len 3.
    #[snap(len = 3)]
    pub currency_code: String,
    /// len 8.
    #[snap(len = 8)]
    pub partner_service_id: String,
    /// max 4, digits.
    #[snap(max = 4, digits)]
    pub mcc: String,
    /// max 20, digits.
    #[snap(max = 20, digits)]
    pub customer_no: String,
    /// max 16, digits.
    #[snap(max = 16, digits)]
    pub phone_no: String,
    /// one of `original`.
    #[snap(one_of = "original")]
    pub original_partner_reference_no: Option<String>,
    /// one of `original`.
    #[snap(one_of = "original")]
    pub original_reference_no: Option<String>,
    /// required when `grantType` is `AUTHORIZATION_CODE`.
    #[snap(required_if(field = "grant_type", value = "AUTHORIZATION_CODE"))]
    pub auth_code: Option<String>,
}

/// A valid [`TwentyRules`] (every rule checked, none violated).
pub fn twenty_rules_sample() -> TwentyRules {
    TwentyRules {
        partner_reference_no: "2020102900000000000001".into(),
        merchant_id: "merch00001".into(),
        sub_merchant_id: "310928924949487".into(),
        external_store_id: "store-0001".into(),
        title: "Ikan bakar bumbu kuning".into(),
        fee_type: "BEN".into(),
        product_code: "293840918203".into(),
        grant_type: "AUTHORIZATION_CODE".into(),
        response_code: "2006300".into(),
        currency_code: "IDR".into(),
        partner_service_id: "   12345".into(),
        mcc: "5743".into(),
        customer_no: "0812345678".into(),
        phone_no: "62812345678".into(),
        original_partner_reference_no: Some("2020102900000000000001".into()),
        original_reference_no: None,
        auth_code: Some("a6975f82-d00a-4ddc-9633-087fefb6275e".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::VA_INQUIRY_REQUEST;
    use snap_core::endpoint::Validate;

    #[test]
    fn twenty_rules_sample_is_valid_and_each_rule_can_fire() {
        assert!(twenty_rules_sample().validate().is_ok());
        let mut bad = twenty_rules_sample();
        bad.mcc = "57a43".into(); // max 4 and digits
        bad.original_partner_reference_no = None; // one_of
        bad.auth_code = None; // required_if
        bad.currency_code = "IDRX".into(); // len 3
        let v = bad.validate().unwrap_err();
        let text = v.to_string();
        for path in [
            "mcc",
            "originalPartnerReferenceNo",
            "authCode",
            "currencyCode",
        ] {
            assert!(text.contains(path), "{path} missing in {text}");
        }
    }

    #[test]
    fn small_request_parses_validates_and_matches_the_plain_shape() {
        let req: VaInquiryRequest = serde_json::from_str(VA_INQUIRY_REQUEST).unwrap();
        assert!(req.validate().is_ok());
        let plain: crate::floor::PlainVaInquiry = serde_json::from_str(VA_INQUIRY_REQUEST).unwrap();
        assert_eq!(
            serde_json::to_vec(&req).unwrap(),
            serde_json::to_vec(&plain).unwrap()
        );
    }
}
