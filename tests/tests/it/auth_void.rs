//! BI Auth Void, service 67, declared as a user would (seed 004,
//! `seed_endpoints.json` id `bi_auth_void_67`). snap-endpoints carries the
//! catalogue's declaration; this one proves the derives end to end.

use serde::{Deserialize, Serialize};
use snap_core::endpoint::{Endpoint, Method, Validate};
use snap_core::money::Money;
use snap_core::rules::Rule;
use snap_core::sign::{SchemeRef, Symmetric};
use snap_core::time::SnapTimestamp;
use snap_core::{SnapModel, SnapRequest};

/// API Void — SNAP service 67 (BI Auth Payment page).
#[derive(Debug, Clone, Serialize, Deserialize, SnapRequest)]
#[snap(
    service = 67,
    method = "POST",
    path = "/v1.0/auth/void",
    response = AuthVoidResponse,
    customer_token
)]
#[serde(rename_all = "camelCase")]
pub struct AuthVoidRequest {
    #[snap(max = 64)]
    pub original_reference_no: String,
    #[snap(max = 64)]
    pub original_partner_reference_no: String,
    #[snap(max = 64)]
    pub merchant_id: String,
    #[snap(max = 32)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sub_merchant_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub void_amount: Option<Money>,
    #[snap(max = 64)]
    pub partner_void_no: String,
    #[snap(max = 8)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub void_remaining_amount: Option<String>,
    #[snap(max = 256)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub additional_info: Option<serde_json::Map<String, serde_json::Value>>,
}

/// Answer to [`AuthVoidRequest`].
#[derive(Debug, Clone, Serialize, Deserialize, SnapModel)]
#[serde(rename_all = "camelCase")]
pub struct AuthVoidResponse {
    #[snap(len = 7, digits)]
    pub response_code: String,
    #[snap(max = 150)]
    pub response_message: String,
    #[snap(max = 64)]
    pub original_reference_no: Option<String>,
    #[snap(max = 64)]
    pub original_partner_reference_no: Option<String>,
    #[snap(max = 64)]
    pub void_no: Option<String>,
    #[snap(max = 64)]
    pub partner_void_no: String,
    pub void_amount: Option<Money>,
    pub void_time: Option<SnapTimestamp>,
    pub additional_info: Option<serde_json::Map<String, serde_json::Value>>,
}

/// The request body of the seed document's sample.
pub const SAMPLE_REQUEST: &str = r#"{
   "originalReferenceNo":"2020102977770000000009",
   "originalPartnerReferenceNo":"2020102900000000000001",
   "merchantId":"00007100010926",
   "subMerchantId":"310928924949487",
   "voidAmount":{
      "value":"10000.00",
      "currency":"IDR"
   },
   "partnerVoidNo":"310928924945645",
   "voidRemainingAmount":"TRUE",
   "reason":"Shorter period/distance.",
   "additionalInfo":{
      "deviceId":"12345679237",
      "channel":"mobilephone"
   }
}"#;

/// The response body of the seed document's sample.
pub const SAMPLE_RESPONSE: &str = r#"{
   "responseCode":"2006700",
   "responseMessage":"Request has been processed successfully",
   "originalReferenceNo":"2020102977770000000009",
   "originalPartnerReferenceNo":"2020102900000000000001",
   "voidNo":"202010173821904898012234423",
   "partnerVoidNo":"310928924945645",
   "voidAmount":{
      "value":"10000.00",
      "currency":"IDR"
   },
   "voidTime":"2009-07-03T12:08:56+07:00",
   "additionalInfo":{
      "deviceId":"12345679237",
      "channel":"mobilephone"
   }
}"#;

pub fn sample() -> AuthVoidRequest {
    serde_json::from_str(SAMPLE_REQUEST).expect("the seed sample parses")
}

#[test]
fn declaration_carries_the_document_metadata() {
    let meta = AuthVoidRequest::META;
    assert_eq!(meta.name, "Auth Void");
    assert_eq!(meta.provider, "BI");
    assert_eq!(meta.service.map(|s| s.to_string()), Some("67".to_owned()));
    assert_eq!(meta.method, Method::Post);
    assert_eq!(meta.path, "/v1.0/auth/void");
    assert_eq!(meta.signature, SchemeRef::of::<Symmetric>());
    assert!(meta.customer_token);
    assert_eq!(meta.code_scheme.field, "responseCode");
}

#[test]
fn the_seed_sample_is_valid() {
    assert_eq!(sample().validate(), Ok(()));
}

#[test]
fn validation_returns_every_violation_with_wire_paths() {
    let mut req = sample();
    req.partner_void_no = String::new(); // mandatory, empty
    req.original_reference_no = "9".repeat(65); // max 64
    req.sub_merchant_id = Some("é".repeat(33)); // max 32 characters (66 bytes)
    req.void_remaining_amount = Some("TRUE".into()); // fine
    let violations = req.validate().unwrap_err();
    let got: Vec<(&str, &Rule)> = violations
        .iter()
        .map(|v| (v.path.as_str(), &v.rule))
        .collect();
    assert_eq!(
        got,
        vec![
            (
                "originalReferenceNo",
                &Rule::MaxChars {
                    max: 64,
                    actual: 65
                }
            ),
            (
                "subMerchantId",
                &Rule::MaxChars {
                    max: 32,
                    actual: 33
                }
            ),
            ("partnerVoidNo", &Rule::Missing),
        ]
    );
}

#[test]
fn length_counts_characters_so_multibyte_values_at_the_limit_pass() {
    let mut req = sample();
    req.sub_merchant_id = Some("é".repeat(32)); // 32 characters, 64 bytes
    assert_eq!(req.validate(), Ok(()));
}
