//! `prepare` signs exactly the bytes it returns, as the public
//! `Symmetric::signature` would, and writes the headers the contract names.

use serde::{Deserialize, Serialize};
use snap_core::endpoint::{RequestContext, prepare};
use snap_core::money::{Currency, Money};
use snap_core::secret::SecretString;
use snap_core::sign::{HmacKey, SigningInput, Symmetric};
use snap_core::time::SnapTimestamp;
use snap_core::{SnapModel, SnapRequest};

/// API Void (service 67).
#[derive(Debug, Serialize, Deserialize, SnapRequest)]
#[snap(service = 67, method = "POST", path = "/v1.0/auth/void",
       response = AuthVoidResponse, name = "Auth Void", customer_token)]
#[serde(rename_all = "camelCase")]
pub struct AuthVoidRequest {
    #[snap(max = 64)]
    pub original_reference_no: String,
    #[snap(max = 64)]
    pub merchant_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub void_amount: Option<Money>,
    #[snap(max = 256)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// Answer to [`AuthVoidRequest`].
#[derive(Debug, Serialize, Deserialize, SnapModel)]
#[serde(rename_all = "camelCase")]
pub struct AuthVoidResponse {
    #[snap(len = 7, digits)]
    pub response_code: String,
    #[snap(max = 150)]
    pub response_message: String,
}

#[test]
fn prepare_signature_is_sign_symmetric_over_the_sent_bytes() {
    let key = HmacKey::new(b"my-client-secret").unwrap();
    let (b2b, customer) = (
        SecretString::from("b2b-token"),
        SecretString::from("customer-token"),
    );
    let ts = SnapTimestamp::parse("2020-12-23T09:19:47+07:00").unwrap();
    let ctx = RequestContext::new(&ts)
        .with_path_prefix("/snap")
        .with_query("a=1")
        .with_external_id("41807553358950093184162180797837")
        .with_partner_id("82150823919040624621823174737537")
        .with_channel_id("95221")
        .with_signer::<Symmetric>(&key)
        .with_access_token(&b2b)
        .with_customer_token(&customer)
        .with_device_id("device-1");
    // A reason with spaces, a quote, a backslash and non-ASCII: the body is
    // compact but not whitespace-free.
    let req = AuthVoidRequest {
        original_reference_no: "2020102977770000000009".into(),
        merchant_id: "00007100010926".into(),
        void_amount: Some(Money::parse("10000.00", Currency::IDR).unwrap()),
        reason: Some("salah \"input\" \\ café  ganda".into()),
    };
    let prepared = prepare(&req, &ctx).unwrap();
    assert_eq!(prepared.body, serde_json::to_vec(&req).unwrap());
    assert_eq!(prepared.path, "/snap/v1.0/auth/void?a=1");
    let sent = SigningInput::new("POST", &prepared.path)
        .access_token("b2b-token")
        .body(&prepared.body)
        .timestamp(ts.as_str());
    let expected = Symmetric::signature(&key, &sent).unwrap();
    assert_eq!(prepared.headers["x-signature"], expected.as_str());
    // And that is HMAC-SHA512 over the documented string-to-sign.
    let sts = Symmetric::string_to_sign(&sent).unwrap();
    assert_eq!(key.sign(sts.as_bytes()), expected);

    let headers: Vec<(&str, &str)> = prepared
        .headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.to_str().unwrap()))
        .collect();
    assert_eq!(
        headers,
        [
            ("content-type", "application/json"),
            ("x-timestamp", "2020-12-23T09:19:47+07:00"),
            ("x-partner-id", "82150823919040624621823174737537"),
            ("x-external-id", "41807553358950093184162180797837"),
            ("channel-id", "95221"),
            ("authorization", "Bearer b2b-token"),
            ("authorization-customer", "Bearer customer-token"),
            ("x-device-id", "device-1"),
            ("x-signature", expected.as_str()),
        ]
    );
    assert!(prepared.headers["authorization"].is_sensitive());
    assert!(prepared.headers["authorization-customer"].is_sensitive());
    assert!(!prepared.headers["content-type"].is_sensitive());
    assert_eq!(prepared.external_id(), "41807553358950093184162180797837");
    // As an http::HeaderMap: the same nine headers, sensitivity kept.
    let map = http::HeaderMap::from(prepared.headers.clone());
    assert_eq!(map.len(), 9);
    assert_eq!(map, prepared.headers.to_header_map());
    for (name, value) in &prepared.headers {
        assert_eq!(map.get(name), Some(value), "{name}");
    }
    assert!(map["authorization"].is_sensitive());
    // Debug shows the request and redacts the tokens.
    let printed = format!("{prepared:?}");
    assert!(
        printed.contains("41807553358950093184162180797837"),
        "{printed}"
    );
    assert!(!printed.contains("b2b-token") && !printed.contains("customer-token"));
}

/// Ready values (`PartnerHeaders`, `BearerToken`) give the same headers and
/// signature as plain strings, are used only for the very string they were
/// built from, and the device headers of the context are checked by the
/// header table and written.
#[test]
fn ready_values_and_device_headers() {
    use snap_core::endpoint::{BearerToken, PartnerHeaders, PrepareError};
    let key = HmacKey::new(b"my-client-secret").unwrap();
    let (b2b, customer) = (
        SecretString::from("b2b-token"),
        SecretString::from("customer-token"),
    );
    let ts = SnapTimestamp::parse("2020-12-23T09:19:47+07:00").unwrap();
    let req = AuthVoidRequest {
        original_reference_no: "2020102977770000000009".into(),
        merchant_id: "00007100010926".into(),
        void_amount: Some(Money::parse("10000.00", Currency::IDR).unwrap()),
        reason: None,
    };
    let plain = RequestContext::new(&ts)
        .with_external_id("1")
        .with_partner_id("partner-1")
        .with_channel_id("95221")
        .with_signer::<Symmetric>(&key)
        .with_access_token(&b2b)
        .with_customer_token(&customer)
        .with_device_id("device-0");
    let partner = PartnerHeaders::new("partner-1", "95221").unwrap();
    let (bearer, customer_bearer) = (
        BearerToken::new(b2b.clone()).unwrap(),
        BearerToken::new(customer.clone()).unwrap(),
    );
    let ready = RequestContext::new(&ts)
        .with_external_id("1")
        .with_partner_headers(&partner)
        .with_signer::<Symmetric>(&key)
        .with_bearer(&bearer)
        .with_customer_bearer(&customer_bearer)
        .with_device_id("device-0");
    let a = prepare(&req, &plain).unwrap();
    let b = prepare(&req, &ready).unwrap();
    assert_eq!(a.headers, b.headers);
    assert_eq!(a.body, b.body);
    assert!(b.headers["authorization"].is_sensitive());
    assert!(b.headers["authorization-customer"].is_sensitive());

    // A field changed after the ready value was given wins.
    let mut changed = ready.clone();
    changed.partner_id = "partner-2";
    let c = prepare(&req, &changed).unwrap();
    assert_eq!(c.headers["x-partner-id"], "partner-2");
    assert_eq!(c.headers["channel-id"], "95221");
    let other = SecretString::from("other-token");
    changed.access_token = Some(&other);
    let c = prepare(&req, &changed).unwrap();
    assert_eq!(c.headers["authorization"], "Bearer other-token");
    assert_ne!(c.headers["x-signature"], b.headers["x-signature"]);

    // Device headers: written when set, checked by the header table.
    let with_device = ready
        .clone()
        .with_device_id("device-1")
        .with_origin("www.merchant.example")
        .with_ip_address("203.0.113.9")
        .with_location("-6.2088", "106.8456");
    let d = prepare(&req, &with_device).unwrap();
    for (name, value) in [
        ("x-device-id", "device-1"),
        ("origin", "www.merchant.example"),
        ("x-ip-address", "203.0.113.9"),
        ("x-latitude", "-6.2088"),
        ("x-longitude", "106.8456"),
    ] {
        assert_eq!(d.headers[name], value, "{name}");
    }
    assert_eq!(d.headers["x-signature"], b.headers["x-signature"]);
    assert_eq!(b.headers["x-device-id"], "device-0");
    // X-DEVICE-ID is mandatory on B2B2C (BI's table): none, or blank, is
    // refused before anything is signed.
    for missing in [None, Some("  ")] {
        let mut no_device = ready.clone();
        no_device.device_id = missing;
        match prepare(&req, &no_device) {
            Err(PrepareError::Header { name, reason }) => {
                assert_eq!(name, "X-DEVICE-ID");
                assert!(reason.contains("mandatory"), "{reason}");
            }
            other => panic!("{missing:?}: {other:?}"),
        }
    }
    for (bad, header) in [
        (
            ready.clone().with_ip_address("172.24.281.24"),
            "X-IP-ADDRESS",
        ),
        (ready.clone().with_location("-96.0", "106.8"), "X-LATITUDE"),
        (
            ready.clone().with_device_id(&"d".repeat(401)),
            "X-DEVICE-ID",
        ),
    ] {
        match prepare(&req, &bad) {
            Err(PrepareError::Header { name, .. }) => assert_eq!(name, header),
            other => panic!("{header}: {other:?}"),
        }
    }
    // A ready X-DEVICE-ID (PartnerHeaders::with_device_id) is sent when the
    // context asks for that id; another id in the context wins, checked.
    let with_device = PartnerHeaders::new("partner-1", "95221")
        .unwrap()
        .with_device_id("device-0")
        .unwrap();
    let ready_device = ready.clone().with_partner_headers(&with_device);
    let r = prepare(&req, &ready_device).unwrap();
    assert_eq!(r.headers["x-device-id"], "device-0");
    assert_eq!(r.headers["x-signature"], b.headers["x-signature"]);
    let other = prepare(&req, &ready_device.clone().with_device_id("device-9")).unwrap();
    assert_eq!(other.headers["x-device-id"], "device-9");
    let long = "d".repeat(401);
    match prepare(&req, &ready_device.clone().with_device_id(&long)) {
        Err(PrepareError::Header { name, .. }) => assert_eq!(name, "X-DEVICE-ID"),
        other => panic!("{other:?}"),
    }
    // Ready values are checked when built.
    assert!(PartnerHeaders::new(&"p".repeat(37), "95221").is_err());
    match PartnerHeaders::new("p", "95221")
        .unwrap()
        .with_device_id(&long)
    {
        Err(PrepareError::Header { name, .. }) => assert_eq!(name, "X-DEVICE-ID"),
        other => panic!("{other:?}"),
    }
    assert!(BearerToken::new(SecretString::from("has space")).is_err());
    assert!(!format!("{bearer:?}").contains("b2b-token"));
}
