//! IPG's and Ayopop's signature schemes, which live with their declarations:
//! the known-answer vectors of `snap-core/tests/vectors/own-kat.json`
//! (computed with python3 and openssl, not with snap-rs), produced through
//! the generic `prepare` of the real declarations and checked back through a
//! provider's `Verifiers`; and no secret in their `Debug` output.

use serde_json::Value;
use snap_core::endpoint::{Endpoint, PrepareError, RequestContext, prepare};
use snap_core::sign::{HmacKey, SigningInput, Symmetric, Verifiers};
use snap_core::time::SnapTimestamp;
use snap_endpoints::ayopop::{AyopopCredentials, AyopopSignature, BillCancelRequest};
use snap_endpoints::ipg::{IpgKey, IpgSignature, VaReversalRequest};

const OWN_KAT: &str = include_str!("../../../snap-core/tests/vectors/own-kat.json");

fn vector(kind: &str) -> Value {
    let all: Value = serde_json::from_str(OWN_KAT).unwrap();
    all["vectors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["kind"] == kind)
        .cloned()
        .unwrap_or_else(|| panic!("no {kind} vector"))
}

fn s<'a>(v: &'a Value, k: &str) -> &'a str {
    v[k].as_str().unwrap_or_else(|| panic!("missing {k}"))
}

fn ts() -> SnapTimestamp {
    SnapTimestamp::parse("2024-06-01T10:00:00+07:00").unwrap()
}

#[test]
fn ipg_vector_through_prepare_and_verifiers() {
    let v = vector("ipg_hmac_sha256_hex");
    let key = IpgKey::new(s(&v, "api_key").as_bytes()).unwrap();
    let body = s(&v, "request_body").as_bytes();
    let expected = s(&v, "expected_signature_hex");
    assert_eq!(key.sign(body), expected);
    key.verify(body, expected).unwrap();

    let req: VaReversalRequest = serde_json::from_slice(body).unwrap();
    let ts = ts();
    let prepared = prepare(
        &req,
        &RequestContext::new(&ts).with_signer::<IpgSignature>(&key),
    )
    .unwrap();
    assert_eq!(prepared.body, body, "serialized once, as the vector's body");
    assert_eq!(prepared.headers["signature"], expected);
    // No SNAP headers for a non-SNAP scheme.
    for h in [
        "x-timestamp",
        "x-signature",
        "x-partner-id",
        "x-external-id",
    ] {
        assert!(prepared.headers.get(h).is_none(), "{h}");
    }
    assert!(prepared.external_id().is_empty());

    let scheme = VaReversalRequest::META.signature;
    let verifiers = Verifiers::new().with::<IpgSignature>(key);
    let received = SigningInput::new("POST", &prepared.path).body(&prepared.body);
    verifiers
        .verify(scheme, &received, &prepared.headers.to_header_map())
        .unwrap()
        .unwrap();
    let tampered = received.body(b"{\"amount\":10001}");
    assert!(
        verifiers
            .verify(scheme, &tampered, &prepared.headers.to_header_map())
            .unwrap()
            .unwrap_err()
            .is_mismatch()
    );
}

#[test]
fn ayopop_vector_through_prepare_and_verifiers() {
    let v = vector("ayopop_jwt_hs256");
    let creds = AyopopCredentials::new(s(&v, "api_key"), s(&v, "secret_key").as_bytes()).unwrap();
    let body = s(&v, "request_body").as_bytes();
    let token = s(&v, "expected_token");
    let h = creds.headers(body);
    assert_eq!(h.token, token);
    assert_eq!(h.key, s(&v, "api_key"));
    assert_eq!(h.version, "2.0");
    creds.verify_token(body, token).unwrap();

    let req: BillCancelRequest = serde_json::from_slice(body).unwrap();
    let ts = ts();
    let ctx = RequestContext::new(&ts).with_signer::<AyopopSignature>(&creds);
    let prepared = prepare(&req, &ctx).unwrap();
    assert_eq!(prepared.body, body);
    assert_eq!(prepared.headers["token"], token);
    assert_eq!(prepared.headers["key"], s(&v, "api_key"));
    assert_eq!(prepared.headers["version"], "2.0");
    // KEY and TOKEN are secrets: marked sensitive, redacted in Debug.
    assert!(prepared.headers["key"].is_sensitive() && prepared.headers["token"].is_sensitive());
    let debug = format!("{prepared:?}");
    assert!(
        !debug.contains(token) && !debug.contains(s(&v, "api_key")),
        "{debug}"
    );

    let verifiers = Verifiers::new().with::<AyopopSignature>(creds);
    let received = SigningInput::new("POST", &prepared.path).body(&prepared.body);
    let scheme = BillCancelRequest::META.signature;
    verifiers
        .verify(scheme, &received, &prepared.headers.to_header_map())
        .unwrap()
        .unwrap();
    assert!(
        verifiers
            .verify(
                scheme,
                &received.body(b"{}"),
                &prepared.headers.to_header_map()
            )
            .unwrap()
            .unwrap_err()
            .is_mismatch()
    );
}

#[test]
fn a_provider_endpoint_refuses_a_snap_credential() {
    let key = HmacKey::new(b"secret").unwrap();
    let ts = ts();
    let req: VaReversalRequest = serde_json::from_str("{}").unwrap();
    let err = prepare(
        &req,
        &RequestContext::new(&ts).with_signer::<Symmetric>(&key),
    )
    .unwrap_err();
    assert!(
        matches!(
            err,
            PrepareError::WrongCredential {
                endpoint: "IPG VA Reversal",
                expected: "ipg",
                given: "symmetric"
            }
        ),
        "{err:?}"
    );
    let err = prepare(&req, &RequestContext::new(&ts)).unwrap_err();
    assert_eq!(
        err.to_string(),
        "endpoint `IPG VA Reversal` is signed `ipg`, but the context holds no credential"
    );
}

/// No secret in Debug of the provider credential types (moved here from
/// snap-core's `static_checks::secrets_never_print` with the types).
#[test]
fn provider_secrets_never_print() {
    const SECRET: &str = "s3cr3t-CLIENT-secret-value";
    let ipg = IpgKey::new(SECRET.as_bytes()).unwrap();
    let ayo = AyopopCredentials::new("api-key-value", SECRET.as_bytes()).unwrap();
    let headers = ayo.headers(b"{}");
    let verifiers = Verifiers::new()
        .with::<IpgSignature>(ipg.clone())
        .with::<AyopopSignature>(ayo.clone());
    for p in [
        format!("{ipg:?}"),
        format!("{ayo:?}"),
        format!("{headers:?}"),
        format!("{verifiers:?}"),
    ] {
        assert!(!p.contains(SECRET), "secret printed: {p}");
        assert!(!p.contains("api-key-value"), "API key printed: {p}");
        assert!(!p.contains(&headers.token), "Ayopop TOKEN printed: {p}");
    }
    assert_eq!(
        format!("{verifiers:?}"),
        "Verifiers {ipg: [redacted], ayopop: [redacted]}"
    );
}

/// The provider schemes compare tags in constant time through snap-core's
/// helper (code inspection, as snap-core's `hmac_compare_uses_constant_time_primitive`).
#[test]
fn provider_schemes_compare_in_constant_time() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/src");
    for file in ["ipg.rs", "ayopop.rs"] {
        let src = std::fs::read_to_string(format!("{root}/{file}")).unwrap();
        assert!(src.contains("constant_time_eq("), "{file}");
        assert!(!src.contains("sig =="), "{file} compares with ==");
    }
}
