//! The catalogue's own Auth Void 67 (`snap_endpoints::bi::AuthVoidRequest`,
//! declared by snap-endpoints with the derives) end to end: parse and
//! validate the seed sample, sign it, verify the signature over the bytes
//! sent, decode the seed's answer and a provider typo.

use snap_core::endpoint::{
    DecodeError, Endpoint, RequestContext, RequestError, decode_response, parse_request, prepare,
};
use snap_core::secret::SecretString;
use snap_core::sign::{HmacKey, SigningInput, Symmetric};
use snap_core::time::SnapTimestamp;
use snap_endpoints::bi::AuthVoidRequest;

use crate::auth_void::{SAMPLE_REQUEST, SAMPLE_RESPONSE};

#[test]
fn catalogue_auth_void_declare_validate_sign_decode() {
    // Declare.
    let meta = AuthVoidRequest::META;
    assert_eq!(
        (meta.name, meta.path, meta.customer_token),
        ("Auth Void", "/v1.0/auth/void", true)
    );
    let service = meta.service.expect("SNAP service");
    assert_eq!(service.get(), 67);

    // Validate (provider side: bytes in).
    let req =
        parse_request::<AuthVoidRequest>(SAMPLE_REQUEST.as_bytes()).expect("seed sample is valid");
    let missing = SAMPLE_REQUEST.replace("\"merchantId\":\"00007100010926\",", "");
    let Err(RequestError::Invalid(v)) = parse_request::<AuthVoidRequest>(missing.as_bytes()) else {
        panic!("expected violations")
    };
    let answer = v.to_error_body(service);
    assert_eq!(
        (
            answer.response_code.as_str(),
            answer.response_message.as_str()
        ),
        ("4006702", "Invalid Mandatory Field {merchantId}")
    );
    let long = SAMPLE_REQUEST.replace(
        "\"Shorter period/distance.\"",
        &format!("\"{}\"", "r".repeat(257)),
    );
    let Err(RequestError::Invalid(v)) = parse_request::<AuthVoidRequest>(long.as_bytes()) else {
        panic!("expected violations")
    };
    let answer = v.to_error_body(service);
    assert_eq!(
        (
            answer.response_code.as_str(),
            answer.response_message.as_str()
        ),
        ("4006701", "Invalid Field Format {reason}")
    );

    // Sign.
    let key = HmacKey::new(b"catalogue-secret").unwrap();
    let (b2b, customer) = (SecretString::from("b2b"), SecretString::from("cust"));
    let ts = SnapTimestamp::parse("2020-12-23T09:19:47+07:00").unwrap();
    let ctx = RequestContext::new(&ts)
        .with_external_id("41807553358950093184162180797837")
        .with_partner_id("82150823919040624621823174737537")
        .with_channel_id("95221")
        .with_signer::<Symmetric>(&key)
        .with_access_token(&b2b)
        .with_customer_token(&customer)
        .with_device_id("device-1");
    let p = prepare(&req, &ctx).unwrap();
    let sig = p.headers["x-signature"].to_str().unwrap();
    let sent = SigningInput::new("POST", "/v1.0/auth/void")
        .access_token("b2b")
        .body(&p.body)
        .timestamp(ts.as_str());
    Symmetric::verify_signature(&key, &sent, sig).unwrap();
    // The provider parses exactly the bytes that were signed.
    let echoed = parse_request::<AuthVoidRequest>(&p.body).unwrap();
    assert_eq!(serde_json::to_vec(&echoed).unwrap(), p.body);

    // Decode.
    let d = decode_response::<AuthVoidRequest>(200, SAMPLE_RESPONSE.as_bytes()).unwrap();
    assert!(d.warnings.is_empty(), "{:?}", d.warnings);
    assert_eq!(
        d.into_result().unwrap().void_no.as_deref(),
        Some("202010173821904898012234423")
    );
    let typo = SAMPLE_RESPONSE.replace("2006700", "20067000");
    assert!(matches!(
        decode_response::<AuthVoidRequest>(200, typo.as_bytes()),
        Err(DecodeError::MalformedCode { .. })
    ));
    assert!(matches!(
        decode_response::<AuthVoidRequest>(400, SAMPLE_RESPONSE.as_bytes()),
        Err(DecodeError::Contradiction {
            http_status: 400,
            ..
        })
    ));
}
