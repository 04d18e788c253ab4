//! Declarations that must compile, covering every attribute.
use serde::{Deserialize, Serialize};
use snap_core::endpoint::{
    AnswerCode, CodeOutcome, CodeScheme, CodeSchemeInfo, DecodeError, Endpoint, EndpointMeta,
    Method, Validate,
};
use snap_core::sign::{Asymmetric, SchemeInfo, SignatureError, SignatureScheme, SigningInput};
use snap_core::{SnapModel, SnapRequest};

#[derive(Debug, Serialize, Deserialize, SnapModel)]
#[serde(rename_all = "camelCase")]
pub struct Item {
    #[snap(max = 64)]
    pub goods_id: String,
    #[snap(digits)]
    pub quantity: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, SnapModel)]
#[serde(rename_all = "camelCase")]
pub struct PaymentResponse {
    #[snap(len = 7, digits)]
    pub response_code: String,
    #[snap(max = 150)]
    pub response_message: String,
    pub additional_info: Option<serde_json::Map<String, serde_json::Value>>,
}

/// Every struct-level key.
#[derive(Debug, Serialize, Deserialize, SnapRequest)]
#[snap(
    service = 63,
    method = "POST",
    path = "/v1.0/auth/payment",
    response = PaymentResponse,
    name = "API Auth Payment",
    provider = "BI",
    signature = "symmetric",
    customer_token
)]
#[serde(rename_all = "camelCase")]
pub struct PaymentRequest<'a> {
    #[snap(max = 64)]
    pub partner_reference_no: &'a str,
    #[snap(max = 64, one_of = "original")]
    pub original_reference_no: Option<String>,
    #[snap(max = 36, one_of = "original")]
    #[serde(rename = "originalExternalId")]
    pub external: Option<String>,
    pub items: Vec<Item>,
    pub nested: Option<Box<Item>>,
    #[snap(skip)]
    pub raw: (),
    #[serde(skip)]
    pub local_only: std::cell::Cell<u8>,
    pub r#type: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, SnapModel)]
#[serde(rename_all = "camelCase")]
pub struct TokenResponse {
    pub access_token: String,
}

#[derive(Debug, Serialize, Deserialize, SnapRequest)]
#[snap(service = 74, method = "POST", path = "/v1.0/access-token/b2b2c", response = TokenResponse, signature = "token")]
#[serde(rename_all = "camelCase")]
pub struct TokenB2b2cRequest {
    #[snap(max = 18)]
    pub grant_type: String,
    #[snap(max = 256, required_if(field = "grant_type", value = "AUTHORIZATION_CODE"))]
    pub auth_code: Option<String>,
    #[snap(max = 512, required_if(field = "grant_type", value = "REFRESH_TOKEN"))]
    pub refresh_token: Option<String>,
}

/// A GET without a body.
#[derive(Debug, Serialize, Deserialize, SnapRequest)]
#[snap(service = 3, method = "GET", path = "/v1.0/balance-inquiry", response = TokenResponse, signature = "asymmetric")]
pub struct NoBody;

/// A provider's signature scheme, named by type.
pub struct AyopopLike;

impl SignatureScheme for AyopopLike {
    const INFO: SchemeInfo = SchemeInfo::new("ayopop-like").with_headers(&["TOKEN"]);
    type Signer = ();
    type Verifier = ();
    fn sign(_: &(), _: &SigningInput<'_>, _: &mut http::HeaderMap) -> Result<(), SignatureError> {
        Ok(())
    }
    fn verify(_: &(), _: &SigningInput<'_>, _: &http::HeaderMap) -> Result<(), SignatureError> {
        Ok(())
    }
}

/// A non-SNAP scheme: Ayopop's integer responseCode.
pub struct AyopopCodes;

impl CodeScheme for AyopopCodes {
    const INFO: CodeSchemeInfo = CodeSchemeInfo { name: "Ayopop integer responseCode", field: "responseCode" };
    fn read(_: &EndpointMeta, _: u16, body: &mut serde_json::Value) -> Result<CodeOutcome, DecodeError> {
        let code = body.get("responseCode").map(|v| v.to_string()).unwrap_or_default();
        Ok(CodeOutcome {
            success: body.get("success").and_then(serde_json::Value::as_bool).unwrap_or(false),
            code: AnswerCode::Provider(code),
            message: None,
            warnings: Vec::new(),
        })
    }
}

#[derive(Debug, Serialize, Deserialize, SnapModel)]
#[serde(rename_all = "snake_case")]
pub struct CancelResponse {
    pub success: bool,
}

#[derive(Debug, Serialize, Deserialize, SnapRequest)]
#[snap(method = "POST", path = "/api/v2/bill/cancel", response = CancelResponse, provider = "Ayopop", signature = AyopopLike, code_scheme = AyopopCodes)]
pub struct BillCancelRequest {
    #[serde(rename = "partnerId")]
    pub partner_id: String,
    #[serde(rename = "account_number")]
    pub account_number: String,
    pub ref_number: String,
}

#[derive(Debug, Serialize, Deserialize, SnapModel)]
#[serde(rename_all = "SCREAMING-KEBAB-CASE")]
pub struct Kebab {
    #[snap(max = 5)]
    pub channel_id: String,
}

#[derive(Debug, Serialize, Deserialize, SnapModel)]
pub struct Generic<T> {
    pub inner: Vec<T>,
}

fn main() {
    const META: EndpointMeta = <PaymentRequest<'static> as Endpoint>::META;
    assert_eq!(META.name, "API Auth Payment");
    assert!(META.customer_token);
    assert_eq!(META.method, Method::Post);
    assert_eq!(<NoBody as Endpoint>::META.name, "No Body");
    assert!(<NoBody as Endpoint>::META.signature.is::<Asymmetric>());
    assert!(<BillCancelRequest as Endpoint>::META.signature.is::<AyopopLike>());
    assert_eq!(<BillCancelRequest as Endpoint>::META.signature.name(), "ayopop-like");
    assert_eq!(<TokenB2b2cRequest as Endpoint>::META.name, "Token B2b2c");
    assert!(<BillCancelRequest as Endpoint>::META.service.is_none());
    assert_eq!(<BillCancelRequest as Endpoint>::META.code_scheme.name, "Ayopop integer responseCode");
    let g = Generic { inner: vec![Kebab { channel_id: "123456".into() }] };
    let v = g.validate().unwrap_err();
    assert_eq!(v.iter().next().unwrap().path, "inner[0].CHANNEL-ID");
}
