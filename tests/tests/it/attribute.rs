//! The attribute form (`#[snap::request]`, `#[snap::response]`,
//! `#[snap::model]`): what it writes for the user, on the wire; integer
//! digit rules; fields that accept two JSON forms; path and query
//! parameters, signed as sent.

use snap::endpoint::{Endpoint, Fields, RequestContext, Validate, prepare};
use snap::money::Money;
use snap::rules::Rule;
use snap::secret::SecretString;
use snap::sign::{HmacKey, SigningInput, Symmetric};
use snap::time::SnapTimestamp;
use snap_core as snap;

/// Virtual Account – Inquiry — SNAP service 24 (the example of the pinned syntax).
#[snap::request(service = 24, method = "POST", path = "/v1.0/transfer-va/inquiry",
                response = VaInquiryResponse, name = "VA Inquiry", direction = "inbound")]
pub struct VaInquiryRequest {
    #[snap(len = 8)]
    pub partner_service_id: String,
    #[snap(max = 20)]
    pub customer_no: String,
    #[snap(max = 25)]
    pub trx_date_init: Option<String>,
    #[snap(max = 4, accept_string)]
    pub channel_code: Option<u32>,
    #[snap(max = 20, accept_number)]
    pub customer_no_x: Option<String>,
    pub amount: Option<Money>,
    #[serde(rename = "virtualAccountdata")]
    pub virtual_account_data: Option<VaData>,
    pub additional_info: Option<serde_json::Map<String, serde_json::Value>>,
}

/// Answer to [`VaInquiryRequest`].
#[snap::response]
pub struct VaInquiryResponse {
    pub virtual_account_data: Option<VaData>,
}

/// A nested object.
#[snap::model]
pub struct VaData {
    #[snap(max = 64)]
    pub inquiry_request_id: String,
}

/// A model whose user already derives some of the traits, and keeps its own attributes.
#[snap::model]
#[derive(Debug, Eq, Hash, Default)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct Own {
    #[snap(max = 3)]
    pub some_field: Option<String>,
    #[snap(len = 2, accept_string)]
    pub mandatory_number: i16,
    #[snap(accept_number)]
    pub text: String,
}

/// Access-token answers have the code members conditional.
#[snap::response(optional_code)]
pub struct TokenAnswer {
    pub access_token: SecretString,
}

fn inquiry() -> VaInquiryRequest {
    VaInquiryRequest {
        partner_service_id: "   12345".into(),
        customer_no: "123456789012345678".into(),
        trx_date_init: None,
        channel_code: Some(6011),
        customer_no_x: None,
        amount: None,
        virtual_account_data: None,
        additional_info: None,
    }
}

#[test]
fn the_attribute_form_writes_camel_case_and_leaves_absent_options_out() {
    let req = inquiry();
    let json = serde_json::to_string(&req).unwrap();
    assert_eq!(
        json,
        r#"{"partnerServiceId":"   12345","customerNo":"123456789012345678","channelCode":6011}"#
    );
    let back: VaInquiryRequest = serde_json::from_str(&json).unwrap();
    assert_eq!(back, req);
    assert_eq!(VaInquiryRequest::META.name, "VA Inquiry");
    assert_eq!(
        VaInquiryRequest::META.direction,
        snap::endpoint::Direction::Inbound
    );
    assert_eq!(
        VaInquiryRequest::wire_name("virtual_account_data"),
        Some("virtualAccountdata")
    );
    let channel = &VaInquiryRequest::FIELDS[3];
    assert_eq!(
        (
            channel.wire,
            channel.integer,
            channel.accept_string,
            channel.max
        ),
        ("channelCode", true, true, Some(4))
    );
    let number = &VaInquiryRequest::FIELDS[4];
    assert!(number.accept_number && !number.integer && !number.accept_string);
}

#[test]
fn channel_code_is_read_from_a_string_or_a_number_and_sent_as_a_number() {
    for body in [
        r#"{"partnerServiceId":"   12345","customerNo":"1","channelCode":"6011"}"#,
        r#"{"partnerServiceId":"   12345","customerNo":"1","channelCode":6011}"#,
    ] {
        let req: VaInquiryRequest = snap::endpoint::parse_request(body.as_bytes()).unwrap();
        assert_eq!(req.channel_code, Some(6011), "{body}");
        assert_eq!(
            serde_json::to_string(&req).unwrap(),
            r#"{"partnerServiceId":"   12345","customerNo":"1","channelCode":6011}"#
        );
    }
    // Another string is an error at the field's wire path.
    let err = snap::endpoint::parse_request::<VaInquiryRequest>(
        br#"{"partnerServiceId":"   12345","customerNo":"1","channelCode":"60a1"}"#,
    )
    .unwrap_err();
    let snap::endpoint::RequestError::Invalid(v) = err else {
        panic!("{err:?}")
    };
    assert_eq!(v.primary().path, "channelCode");
    assert!(v.to_string().contains("60a1"), "{v}");
}

#[test]
fn customer_number_is_read_from_a_number_as_its_exact_text_and_sent_as_a_string() {
    for (given, text) in [
        ("62812", "62812"),
        ("\"62812\"", "62812"),
        ("6281.50", "6281.50"),
        ("1e3", "1e3"),
    ] {
        let body =
            format!(r#"{{"partnerServiceId":"   12345","customerNo":"1","customerNoX":{given}}}"#);
        let req: VaInquiryRequest = snap::endpoint::parse_request(body.as_bytes()).unwrap();
        assert_eq!(req.customer_no_x.as_deref(), Some(text), "{given}");
        let sent = serde_json::to_value(&req).unwrap();
        assert_eq!(sent["customerNoX"], serde_json::json!(text));
    }
}

#[test]
fn digit_rules_on_integer_fields() {
    let mut req = inquiry();
    req.channel_code = Some(60110);
    let v = req.validate().unwrap_err();
    assert_eq!(v.primary().path, "channelCode");
    assert_eq!(v.primary().rule, Rule::MaxDigits { max: 4, actual: 5 });
    req.channel_code = None;
    assert!(req.validate().is_ok());

    let own = |n: i16| Own {
        some_field: None,
        mandatory_number: n,
        text: "t".into(),
    };
    assert!(own(-42).validate().is_ok(), "the sign does not count");
    assert_eq!(
        own(7).validate().unwrap_err().primary().rule,
        Rule::LenDigits { len: 2, actual: 1 }
    );
}

#[test]
fn user_derives_and_serde_attributes_are_kept() {
    let own: Own = serde_json::from_str(r#"{"mandatory_number":"42","text":7}"#).unwrap();
    assert_eq!(
        own,
        Own {
            some_field: None,
            mandatory_number: 42,
            text: "7".into()
        }
    );
    // The user's rename_all and deny_unknown_fields hold; Default, Eq and Hash are derivable.
    assert_eq!(
        serde_json::to_string(&own).unwrap(),
        r#"{"mandatory_number":42,"text":"7"}"#
    );
    assert!(serde_json::from_str::<Own>(r#"{"mandatory_number":1,"text":"","x":1}"#).is_err());
    let _ = Own::default();
    let mut set = std::collections::HashSet::new();
    set.insert(own.clone());
    assert!(set.contains(&own));
}

#[test]
fn response_gets_the_code_and_message_first() {
    let body = r#"{"responseCode":"2002400","responseMessage":"Successful","virtualAccountData":{"inquiryRequestId":"abc"}}"#;
    let r: VaInquiryResponse = serde_json::from_str(body).unwrap();
    assert_eq!(r.response_code, "2002400");
    assert_eq!(r.response_message, "Successful");
    assert_eq!(serde_json::to_string(&r).unwrap(), body);
    let names: Vec<&str> = VaInquiryResponse::FIELDS.iter().map(|f| f.wire).collect();
    assert_eq!(
        names,
        ["responseCode", "responseMessage", "virtualAccountData"]
    );
    assert_eq!(VaInquiryResponse::FIELDS[0].len, Some(7));
    assert!(VaInquiryResponse::FIELDS[0].digits && VaInquiryResponse::FIELDS[0].mandatory);
    assert_eq!(VaInquiryResponse::FIELDS[1].max, Some(150));

    let bad = VaInquiryResponse {
        response_code: "200240".into(),
        response_message: String::new(),
        virtual_account_data: None,
    };
    let paths: Vec<String> = bad
        .validate()
        .unwrap_err()
        .iter()
        .map(|v| v.path.clone())
        .collect();
    assert_eq!(paths, ["responseCode", "responseMessage"]);

    // optional_code: absent is fine, present is checked.
    let t: TokenAnswer = serde_json::from_str(r#"{"accessToken":"x"}"#).unwrap();
    assert_eq!((t.response_code, t.response_message), (None, None));
    assert!(!TokenAnswer::FIELDS[0].mandatory);
    let t: TokenAnswer =
        serde_json::from_str(r#"{"responseCode":"20073","accessToken":"x"}"#).unwrap();
    assert_eq!(t.validate().unwrap_err().primary().path, "responseCode");
    assert_eq!(
        serde_json::to_string(&TokenAnswer {
            response_code: None,
            response_message: None,
            access_token: "x".into()
        })
        .unwrap(),
        r#"{"accessToken":"x"}"#
    );
}

/// Card Registration Inquiry — SNAP service 03: a GET with a path parameter.
#[snap::request(service = 3, method = "GET", response = CardInquiryResponse,
                path = "/v1.0/registration-card-inquiry/custIdMerchant/{custIdMerchant}")]
pub struct CardInquiryRequest {
    #[snap(max = 18, path_param)]
    pub cust_id_merchant: String,
}

/// Answer to [`CardInquiryRequest`].
#[snap::response]
pub struct CardInquiryResponse {
    pub account_list: Option<Vec<serde_json::Value>>,
}

/// Get OAuth URL — SNAP service 10: a GET with query parameters.
#[snap::request(service = 10, method = "GET", path = "/v1.0/get-auth-code",
                response = GetAuthCodeResponse)]
pub struct GetAuthCodeRequest {
    #[snap(max = 256, query)]
    pub redirect_url: String,
    #[snap(max = 256, query)]
    pub scopes: String,
    #[snap(max = 32, query)]
    pub state: String,
    #[snap(max = 64, query)]
    pub merchant_id: Option<String>,
    #[snap(max = 2, query)]
    pub lang: Option<String>,
    #[snap(query)]
    pub allow_registration: Option<bool>,
    #[snap(max = 4, query)]
    pub seq: Option<u16>,
}

/// Answer to [`GetAuthCodeRequest`].
#[snap::response]
pub struct GetAuthCodeResponse {
    #[snap(max = 256)]
    pub auth_code_url: Option<String>,
}

const TS: &str = "2020-12-23T09:19:47+07:00";

/// Verifies a symmetric X-SIGNATURE over what was sent.
fn verify_symmetric(
    key: &HmacKey,
    method: &str,
    path: &str,
    token: &str,
    body: &[u8],
    ts: &str,
    sig: &str,
) -> Result<(), snap::sign::SignatureError> {
    let input = SigningInput::new(method, path)
        .access_token(token)
        .body(body)
        .timestamp(ts);
    Symmetric::verify_signature(key, &input, sig)
}

fn ctx<'a>(ts: &'a SnapTimestamp, key: &'a HmacKey, token: &'a SecretString) -> RequestContext<'a> {
    RequestContext::new(ts)
        .with_path_prefix("/snap")
        .with_external_id("41807553358950093184162180797837")
        .with_partner_id("82150823919040624621823174737537")
        .with_channel_id("95221")
        .with_signer::<Symmetric>(key)
        .with_access_token(token)
}

#[test]
fn service_03_signs_the_path_with_its_parameter_substituted() {
    let key = HmacKey::new(b"my-client-secret").unwrap();
    let ts = SnapTimestamp::parse(TS).unwrap();
    let token = SecretString::from("b2b-token");
    let req = CardInquiryRequest {
        cust_id_merchant: "C 1/2é".into(),
    };
    assert_eq!(serde_json::to_string(&req).unwrap(), "{}");
    let p = prepare(&req, &ctx(&ts, &key, &token)).unwrap();
    assert_eq!(
        p.path,
        "/snap/v1.0/registration-card-inquiry/custIdMerchant/C%201%2F2%C3%A9"
    );
    assert!(p.body.is_empty(), "a GET without body fields sends no body");
    let sig = p.headers["x-signature"].to_str().unwrap();
    verify_symmetric(&key, "GET", &p.path, "b2b-token", &p.body, TS, sig).unwrap();
    // The declared path is not what was signed.
    assert!(
        verify_symmetric(
            &key,
            "GET",
            "/snap/v1.0/registration-card-inquiry/custIdMerchant/{custIdMerchant}",
            "b2b-token",
            &p.body,
            TS,
            sig
        )
        .is_err()
    );
    // A path parameter is validated like any field, before anything is signed.
    let long = CardInquiryRequest {
        cust_id_merchant: "9".repeat(19),
    };
    assert!(matches!(
        prepare(&long, &ctx(&ts, &key, &token)),
        Err(snap::endpoint::PrepareError::Invalid(_))
    ));
}

#[test]
fn service_10_signs_the_query_as_sent() {
    let key = HmacKey::new(b"my-client-secret").unwrap();
    let ts = SnapTimestamp::parse(TS).unwrap();
    let token = SecretString::from("b2b-token");
    let req = GetAuthCodeRequest {
        redirect_url: "https://merchant.example/cb?a=1&b=2".into(),
        scopes: "SAVINGS,CARD".into(),
        state: "st 1".into(),
        merchant_id: None,
        lang: Some("id".into()),
        allow_registration: Some(true),
        seq: Some(12),
    };
    let want = "/v1.0/get-auth-code?redirectUrl=https%3A%2F%2Fmerchant.example%2Fcb%3Fa%3D1%26b%3D2\
&scopes=SAVINGS%2CCARD&state=st%201&lang=id&allowRegistration=true&seq=12";
    assert_eq!(req.target(), want);
    let p = prepare(&req, &ctx(&ts, &key, &token)).unwrap();
    assert_eq!(p.path, format!("/snap{want}"));
    assert!(p.body.is_empty());
    let sig = p.headers["x-signature"].to_str().unwrap();
    verify_symmetric(&key, "GET", &p.path, "b2b-token", &p.body, TS, sig).unwrap();

    // A context query is appended after the declared ones.
    let c = ctx(&ts, &key, &token);
    let c = c.with_query("extra=1");
    let p = prepare(&req, &c).unwrap();
    assert_eq!(p.path, format!("/snap{want}&extra=1"));
    let sig = p.headers["x-signature"].to_str().unwrap();
    verify_symmetric(&key, "GET", &p.path, "b2b-token", &p.body, TS, sig).unwrap();

    let fields: Vec<(&str, bool)> = GetAuthCodeRequest::FIELDS
        .iter()
        .map(|f| (f.wire, f.query))
        .collect();
    assert!(fields.iter().all(|(_, q)| *q), "{fields:?}");
}

#[test]
fn the_provider_side_fills_parameters_from_the_received_target() {
    // Service 03: the path parameter, from the received path.
    let mut body = serde_json::Value::Null;
    CardInquiryRequest::from_target(
        &mut body,
        "/snap/v1.0/registration-card-inquiry/custIdMerchant/C%201%2F2",
        "",
    )
    .unwrap();
    let req: CardInquiryRequest = serde_json::from_value(body).unwrap();
    assert_eq!(req.cust_id_merchant, "C 1/2");
    assert!(req.validate().is_ok());

    // Service 10: the query, round trip from what the client sends.
    let sent = GetAuthCodeRequest {
        redirect_url: "https://m.example/cb?x=1".into(),
        scopes: "A B".into(),
        state: "s".into(),
        merchant_id: None,
        lang: None,
        allow_registration: None,
        seq: Some(7),
    };
    let target = sent.target();
    let (path, query) = target.split_once('?').unwrap();
    let mut body = serde_json::Value::Null;
    GetAuthCodeRequest::from_target(&mut body, path, query).unwrap();
    let got: GetAuthCodeRequest = serde_json::from_value(body).unwrap();
    assert_eq!(got.redirect_url, sent.redirect_url);
    assert_eq!(got.scopes, sent.scopes);
    assert_eq!(got.seq, Some(7));

    // A missing mandatory query parameter is a mandatory-field violation.
    let mut body = serde_json::Value::Null;
    GetAuthCodeRequest::from_target(&mut body, path, "scopes=a&state=b").unwrap();
    let got: GetAuthCodeRequest = serde_json::from_value(body).unwrap();
    let v = got.validate().unwrap_err();
    assert_eq!(v.primary().path, "redirectUrl");
    assert!(v.primary().rule.is_missing());

    // Endpoints without parameters keep the default: nothing to fill.
    let mut body = serde_json::json!({"a": 1});
    VaInquiryRequest::from_target(&mut body, "/anything", "x=1").unwrap();
    assert_eq!(body, serde_json::json!({"a": 1}));
    assert_eq!(inquiry().target(), "/v1.0/transfer-va/inquiry");
}
