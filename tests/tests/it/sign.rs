//! Building signed requests: the signature verifies over the exact bytes
//! sent, with the method and the path as sent (deployment prefix included).

use serde::{Deserialize, Serialize};
use snap_core::endpoint::{PrepareError, RequestContext, prepare};
use snap_core::headers::{HeaderProfile, SnapHeaders};
use snap_core::secret::SecretString;
use snap_core::sign::{
    AccessToken, Credential, HmacKey, RsaPrivateKey, RsaPublicKey, SignatureError, SigningInput,
    Symmetric,
};
use snap_core::time::SnapTimestamp;
use snap_core::{SnapModel, SnapRequest};

use crate::auth_void::{AuthVoidRequest, sample};

const TS: &str = "2020-12-23T09:19:47+07:00";

fn tokens() -> (SecretString, SecretString) {
    (
        SecretString::from("gp9HjjEj813Y9JGoqwOeOPWbnt4CUpvIJbU1mMU4a11MNDZ7Sg5u9a"),
        SecretString::from("fa8sjjEj813Y9JGoqwOeOPWbnt4CUpvIJbU1mMU4a11MNDZ7Sg5u9a"),
    )
}

fn ctx<'a>(
    ts: &'a SnapTimestamp,
    credential: Option<Credential<'a>>,
    access: Option<&'a SecretString>,
    customer: Option<&'a SecretString>,
) -> RequestContext<'a> {
    let mut c = RequestContext::new(ts)
        .with_path_prefix("/snap")
        .with_external_id("41807553358950093184162180797837")
        .with_partner_id("82150823919040624621823174737537")
        .with_channel_id("95221")
        .with_device_id("device-1");
    c.credential = credential;
    c.access_token = access;
    c.customer_token = customer;
    c
}

fn hmac(key: &HmacKey) -> Option<Credential<'_>> {
    Some(Credential::new::<Symmetric>(key))
}

/// The symmetric signing input of a request as sent.
fn sent<'a>(path: &'a str, token: &'a str, body: &'a [u8]) -> SigningInput<'a> {
    SigningInput::new("POST", path)
        .access_token(token)
        .body(body)
        .timestamp(TS)
}

fn header<'a>(p: &'a snap_core::endpoint::PreparedRequest, name: &str) -> &'a str {
    p.headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_else(|| panic!("header {name}"))
}

#[test]
fn auth_void_is_signed_over_the_exact_body_and_the_prefixed_path() {
    let key = HmacKey::new(b"my-client-secret").unwrap();
    let ts = SnapTimestamp::parse(TS).unwrap();
    let (access, customer) = tokens();
    let req = sample();
    let p = prepare(&req, &ctx(&ts, hmac(&key), Some(&access), Some(&customer))).unwrap();

    assert_eq!(p.method.as_str(), "POST");
    assert_eq!(p.path, "/snap/v1.0/auth/void");
    // Serialized once, compact: these are the bytes to send.
    assert_eq!(p.body, serde_json::to_vec(&req).unwrap());
    assert!(!p.body.contains(&b'\n'));
    assert_eq!(p.external_id(), "41807553358950093184162180797837");
    assert_eq!(header(&p, "x-timestamp"), TS);
    assert_eq!(
        header(&p, "x-partner-id"),
        "82150823919040624621823174737537"
    );
    assert_eq!(
        header(&p, "x-external-id"),
        "41807553358950093184162180797837"
    );
    assert_eq!(header(&p, "channel-id"), "95221");
    assert_eq!(header(&p, "content-type"), "application/json");
    assert_eq!(
        header(&p, "authorization"),
        format!("Bearer {}", access.expose())
    );
    assert_eq!(
        header(&p, "authorization-customer"),
        format!("Bearer {}", customer.expose())
    );

    // The provider verifies the received bytes with its copy of the secret.
    let sig = header(&p, "x-signature");
    Symmetric::verify_signature(&key, &sent(&p.path, access.expose(), &p.body), sig).unwrap();
    // Another path (no prefix), another body or another timestamp do not verify.
    assert_eq!(
        Symmetric::verify_signature(
            &key,
            &sent("/v1.0/auth/void", access.expose(), &p.body),
            sig
        ),
        Err(SignatureError::Mismatch)
    );
    let mut tampered = p.body.clone();
    let pos = tampered.iter().position(|b| *b == b'1').unwrap();
    tampered[pos] = b'2';
    assert_eq!(
        Symmetric::verify_signature(&key, &sent(&p.path, access.expose(), &tampered), sig),
        Err(SignatureError::Mismatch)
    );
    // The provider side reads them back with the typed header set (X-DEVICE-ID,
    // unsigned, is added by the caller on B2B2C calls).
    let mut sent = p.headers.to_header_map();
    sent.insert("x-device-id", http::HeaderValue::from_static("09864ADCASA"));
    let read = SnapHeaders::from_header_map_for(&sent, HeaderProfile::CustomerTransaction).unwrap();
    assert_eq!(
        read.external_id.as_deref(),
        Some("41807553358950093184162180797837")
    );
    assert_eq!(
        read.authorization.as_ref().map(|t| t.expose().as_str()),
        Some(access.expose().as_str())
    );
    assert_eq!(read.signature.as_deref(), Some(sig));
    // Tokens never show in Debug.
    let debug = format!("{p:?}");
    assert!(!debug.contains(access.expose().as_str()), "{debug}");
    assert!(!debug.contains(customer.expose().as_str()), "{debug}");
}

#[test]
fn the_query_string_is_part_of_the_signed_path() {
    let key = HmacKey::new(b"s").unwrap();
    let ts = SnapTimestamp::parse(TS).unwrap();
    let (access, customer) = tokens();
    let mut c = ctx(&ts, hmac(&key), Some(&access), Some(&customer));
    c.path_prefix = "";
    c.query = "lang=id&x=1";
    let p = prepare(&sample(), &c).unwrap();
    assert_eq!(p.path, "/v1.0/auth/void?lang=id&x=1");
    Symmetric::verify_signature(
        &key,
        &sent(&p.path, access.expose(), &p.body),
        header(&p, "x-signature"),
    )
    .unwrap();
}

#[test]
fn an_invalid_request_is_refused_before_signing() {
    let key = HmacKey::new(b"s").unwrap();
    let ts = SnapTimestamp::parse(TS).unwrap();
    let (access, customer) = tokens();
    let mut req = sample();
    req.merchant_id.clear();
    let err = prepare(&req, &ctx(&ts, hmac(&key), Some(&access), Some(&customer))).unwrap_err();
    let PrepareError::Invalid(v) = err else {
        panic!("expected violations, got {err:?}")
    };
    assert_eq!(v.iter().next().unwrap().path, "merchantId");
}

#[test]
fn missing_tokens_and_wrong_credentials_are_named() {
    let key = HmacKey::new(b"s").unwrap();
    let ts = SnapTimestamp::parse(TS).unwrap();
    let (access, _) = tokens();
    let err = prepare(&sample(), &ctx(&ts, hmac(&key), Some(&access), None)).unwrap_err();
    assert!(
        matches!(
            err,
            PrepareError::MissingToken {
                endpoint: "Auth Void",
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("customer token"), "{err}");
    let (access, customer) = tokens();
    let err = prepare(&sample(), &ctx(&ts, hmac(&key), None, Some(&customer))).unwrap_err();
    assert!(err.to_string().contains("B2B access token"), "{err}");
    let err = prepare(&sample(), &ctx(&ts, None, Some(&access), Some(&customer))).unwrap_err();
    assert!(
        matches!(
            err,
            PrepareError::MissingCredential {
                endpoint: "Auth Void",
                scheme: "symmetric"
            }
        ),
        "{err:?}"
    );
    let mut c = ctx(&ts, hmac(&key), Some(&access), Some(&customer));
    c.channel_id = "952211";
    let err = prepare(&sample(), &c).unwrap_err();
    assert!(
        matches!(
            err,
            PrepareError::Header {
                name: "CHANNEL-ID",
                ..
            }
        ),
        "{err:?}"
    );
}

#[derive(Debug, Serialize, Deserialize, SnapModel)]
#[serde(rename_all = "camelCase")]
struct TokenResponse {
    access_token: Option<SecretString>,
}

#[derive(Debug, Serialize, Deserialize, SnapRequest)]
#[snap(service = 73, method = "POST", path = "/v1.0/access-token/b2b", response = TokenResponse, signature = "token")]
#[serde(rename_all = "camelCase")]
struct TokenRequest {
    grant_type: String,
}

fn vector(name: &str) -> String {
    let path = format!(
        "{}/../snap-core/tests/vectors/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn access_token_requests_sign_client_id_and_timestamp() {
    let key = RsaPrivateKey::from_pem(&vector("test-b-pkcs8.pem")).unwrap();
    let public = RsaPublicKey::from_pem(&vector("test-b-spki.pub.pem")).unwrap();
    let ts = SnapTimestamp::parse(TS).unwrap();
    let req = TokenRequest {
        grant_type: "client_credentials".into(),
    };
    let c = ctx(&ts, Some(Credential::new::<AccessToken>(&key)), None, None)
        .with_client_id("my-client");
    let p = prepare(&req, &c).unwrap();
    assert_eq!(p.path, "/snap/v1.0/access-token/b2b");
    assert_eq!(p.body, br#"{"grantType":"client_credentials"}"#);
    assert_eq!(header(&p, "x-client-key"), "my-client");
    assert_eq!(header(&p, "x-timestamp"), TS);
    assert!(p.headers.get("x-external-id").is_none());
    let signed = SigningInput::default().client_id("my-client").timestamp(TS);
    AccessToken::verify_signature(&public, &signed, header(&p, "x-signature")).unwrap();
    SnapHeaders::from_header_map_for(&p.headers.to_header_map(), HeaderProfile::AccessToken)
        .unwrap();
}

#[test]
fn auth_void_declared_types_are_used() {
    // Compile-time check that the endpoint type is the one declared in auth_void.
    fn is_endpoint<E: snap_core::endpoint::Endpoint>() {}
    is_endpoint::<AuthVoidRequest>();
}
