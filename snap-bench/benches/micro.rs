//! Micro benchmarks of snap-rs (issue 7); the figures and how to read them
//! are in `docs/BENCHMARKS.md`.
//!
//! ```text
//! cargo bench -p snap-bench --bench micro
//! cargo run --release -p snap-bench --bin snap-benchreport
//! ```
//!
//! Groups (ids as the report prints them):
//! * `client/floor/*` vs `client/framework/*`: (1) the hand-written floor and
//!   (2) snap-core's `prepare` (validate + serialize once + hash + sign +
//!   headers), on a small (VA inquiry) and the Auth Payment body;
//! * `rsa/*`: (3) the access-token signature, key parsed once or per call;
//! * `provider/*`: (4) verify over the raw received bytes + parse + validate,
//!   and its floor (minify + hash + HMAC + `from_slice`);
//! * `response/*`: (5) decoding the Auth Payment answer (parse + responseCode
//!   check), and a plain `from_slice` + string compare for scale;
//! * `validate/*`: (6) validation alone of a 20-rule model.
#![forbid(unsafe_code)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use serde::Deserialize;
use snap_bench::fixtures::{
    ACCESS_TOKEN, AUTH_PAYMENT_PATH, AUTH_PAYMENT_REQUEST, AUTH_PAYMENT_RESPONSE, CLIENT_ID,
    CLIENT_SECRET, TEST_PRIVATE_KEY_PEM, TEST_PUBLIC_KEY_PEM, TIMESTAMP, VA_INQUIRY_PATH,
    VA_INQUIRY_REQUEST,
};
use snap_bench::floor::{self, PlainAmount, PlainAuthPayment, PlainVaInquiry};
use snap_bench::models::{VaInquiryRequest, twenty_rules_sample};
use snap_core::endpoint::{
    Answer, Credentials, Endpoint, RequestContext, Validate, decode_response, parse_request,
    prepare,
};
use snap_core::secret::SecretString;
use snap_core::sign::{
    HmacKey, RsaPrivateKey, RsaPublicKey, sign_symmetric, sign_token, verify_symmetric,
    verify_token,
};
use snap_core::time::SnapTimestamp;
use snap_endpoints::bi::auth::AuthPaymentRequest;

const EXTERNAL_ID: &str = "41807553358950093184162180797837";
const CHANNEL_ID: &str = "95221";
const CUSTOMER_TOKEN: &str = "eyJraWQiOiJzc29fc2VydmVyIiwiYWxnIjoiUlM1MTIifQ.bench";

/// (1) and (2): the floor and the framework, adjacent per body so that both
/// members of each ratio are measured under the same machine load.
fn client(c: &mut Criterion) {
    let floor_key = floor::key(CLIENT_SECRET.as_bytes()).expect("hmac key");
    let key = HmacKey::new(CLIENT_SECRET.as_bytes()).expect("hmac key");
    let token = SecretString::new(ACCESS_TOKEN.to_owned());
    let customer = SecretString::new(CUSTOMER_TOKEN.to_owned());
    let ts = SnapTimestamp::parse(TIMESTAMP).expect("timestamp");
    let ctx = RequestContext {
        path_prefix: "",
        query: "",
        timestamp: &ts,
        external_id: EXTERNAL_ID,
        partner_id: CLIENT_ID,
        channel_id: CHANNEL_ID,
        credentials: Credentials::Hmac(&key),
        access_token: Some(&token),
        customer_token: Some(&customer),
    };

    let small_plain: PlainVaInquiry = serde_json::from_str(VA_INQUIRY_REQUEST).expect("small");
    let small: VaInquiryRequest = serde_json::from_str(VA_INQUIRY_REQUEST).expect("small");
    let ap_plain: PlainAuthPayment = serde_json::from_slice(AUTH_PAYMENT_REQUEST).expect("ap");
    let ap: AuthPaymentRequest = serde_json::from_slice(AUTH_PAYMENT_REQUEST).expect("ap");

    // Same bytes and signature from both paths, or the comparison is void.
    let (floor_body, floor_sig) = floor::sign_request(
        &floor_key,
        "POST",
        AUTH_PAYMENT_PATH,
        ACCESS_TOKEN,
        TIMESTAMP,
        &ap_plain,
    )
    .expect("floor");
    let prepared = prepare(&ap, &ctx).expect("prepare");
    assert_eq!(
        prepared.body, floor_body,
        "framework and floor bodies differ"
    );
    assert_eq!(
        prepared.headers.get("x-signature").map(|v| v.as_bytes()),
        Some(floor_sig.as_bytes())
    );

    let mut g = c.benchmark_group("client");
    g.bench_function("floor/va_inquiry", |b| {
        b.iter(|| {
            floor::sign_request(
                &floor_key,
                "POST",
                VA_INQUIRY_PATH,
                ACCESS_TOKEN,
                TIMESTAMP,
                black_box(&small_plain),
            )
        })
    });
    // The VA inquiry endpoint is B2B (no customer token).
    let small_ctx = RequestContext {
        customer_token: None,
        ..ctx.clone()
    };
    g.bench_function("framework/va_inquiry", |b| {
        b.iter(|| prepare(black_box(&small), &small_ctx))
    });
    g.bench_function("floor/auth_payment", |b| {
        b.iter(|| {
            floor::sign_request(
                &floor_key,
                "POST",
                AUTH_PAYMENT_PATH,
                ACCESS_TOKEN,
                TIMESTAMP,
                black_box(&ap_plain),
            )
        })
    });
    g.bench_function("framework/auth_payment", |b| {
        b.iter(|| prepare(black_box(&ap), &ctx))
    });
    // Where the framework's time goes, piece by piece (informative).
    g.bench_function("parts/validate_auth_payment", |b| {
        b.iter(|| black_box(&ap).validate())
    });
    g.bench_function("parts/to_vec_auth_payment", |b| {
        b.iter(|| serde_json::to_vec(black_box(&ap)))
    });
    g.bench_function("parts/sign_symmetric_auth_payment", |b| {
        b.iter(|| {
            sign_symmetric(
                &key,
                "POST",
                AUTH_PAYMENT_PATH,
                ACCESS_TOKEN,
                black_box(&prepared.body),
                TIMESTAMP,
            )
        })
    });
    g.finish();
}

/// (3) RSA access-token signature: pre-parsed key vs PEM parsed per call.
fn rsa(c: &mut Criterion) {
    let key = RsaPrivateKey::from_pem(TEST_PRIVATE_KEY_PEM).expect("test key");
    let public = RsaPublicKey::from_pem(TEST_PUBLIC_KEY_PEM).expect("test public key");
    let sig = sign_token(&key, CLIENT_ID, TIMESTAMP).expect("sign");
    let mut g = c.benchmark_group("rsa");
    g.bench_function("token_sign/parsed_key", |b| {
        b.iter(|| sign_token(&key, black_box(CLIENT_ID), black_box(TIMESTAMP)))
    });
    g.bench_function("token_sign/pem_per_call", |b| {
        b.iter(|| {
            let key = RsaPrivateKey::from_pem(black_box(TEST_PRIVATE_KEY_PEM))?;
            sign_token(&key, black_box(CLIENT_ID), black_box(TIMESTAMP))
        })
    });
    g.bench_function("token_verify/parsed_key", |b| {
        b.iter(|| verify_token(&public, black_box(CLIENT_ID), black_box(TIMESTAMP), &sig))
    });
    g.finish();
}

/// (4) provider side on the raw (pretty, 623-byte) Auth Payment body.
fn provider(c: &mut Criterion) {
    let floor_key = floor::key(CLIENT_SECRET.as_bytes()).expect("hmac key");
    let key = HmacKey::new(CLIENT_SECRET.as_bytes()).expect("hmac key");
    let raw = AUTH_PAYMENT_REQUEST;
    let sig = sign_symmetric(
        &key,
        "POST",
        AUTH_PAYMENT_PATH,
        ACCESS_TOKEN,
        raw,
        TIMESTAMP,
    )
    .expect("sign");
    let framework = |raw: &[u8]| -> Result<AuthPaymentRequest, String> {
        verify_symmetric(
            &key,
            "POST",
            AUTH_PAYMENT_PATH,
            ACCESS_TOKEN,
            raw,
            TIMESTAMP,
            &sig,
        )
        .map_err(|e| e.to_string())?;
        parse_request::<AuthPaymentRequest>(raw).map_err(|e| e.to_string())
    };
    let floor_fn = |raw: &[u8]| {
        floor::verify_and_parse::<PlainAuthPayment>(
            &floor_key,
            "POST",
            AUTH_PAYMENT_PATH,
            ACCESS_TOKEN,
            TIMESTAMP,
            raw,
            &sig,
        )
    };
    assert!(framework(raw).is_ok(), "framework refused the sample");
    assert!(floor_fn(raw).is_ok(), "floor refused the sample");

    let mut g = c.benchmark_group("provider");
    g.bench_function("floor/auth_payment", |b| {
        b.iter(|| floor_fn(black_box(raw)))
    });
    g.bench_function("framework/auth_payment", |b| {
        b.iter(|| framework(black_box(raw)))
    });
    g.bench_function("parts/verify_symmetric_auth_payment", |b| {
        b.iter(|| {
            verify_symmetric(
                &key,
                "POST",
                AUTH_PAYMENT_PATH,
                ACCESS_TOKEN,
                black_box(raw),
                TIMESTAMP,
                &sig,
            )
        })
    });
    g.bench_function("parts/parse_request_auth_payment", |b| {
        b.iter(|| parse_request::<AuthPaymentRequest>(black_box(raw)))
    });
    g.finish();
}

/// The answer as plain serde, for scale in (5).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
struct PlainAuthPaymentResponse {
    response_code: String,
    response_message: String,
    reference_no: Option<String>,
    partner_reference_no: Option<String>,
    amount: Option<PlainAmount>,
    paid_time: String,
    additional_info: Option<serde_json::Map<String, serde_json::Value>>,
}

/// (5) response decoding: parse + responseCode check.
fn response(c: &mut Criterion) {
    let decoded =
        decode_response::<AuthPaymentRequest>(200, AUTH_PAYMENT_RESPONSE).expect("decode");
    assert!(matches!(decoded.answer, Answer::Success(_)));
    assert!(decoded.warnings.is_empty(), "{:?}", decoded.warnings);
    let mut g = c.benchmark_group("response");
    g.bench_function("floor/auth_payment", |b| {
        b.iter(|| {
            let r: PlainAuthPaymentResponse =
                serde_json::from_slice(black_box(AUTH_PAYMENT_RESPONSE))?;
            Ok::<bool, serde_json::Error>(r.response_code == "2006300")
        })
    });
    g.bench_function("framework/auth_payment", |b| {
        b.iter(|| {
            decode_response::<AuthPaymentRequest>(200, black_box(AUTH_PAYMENT_RESPONSE))
                .map(|d| d.is_success())
        })
    });
    g.finish();
}

/// (6) validation alone of a model with 20 declared rules.
fn validate(c: &mut Criterion) {
    let sample = twenty_rules_sample();
    assert!(sample.validate().is_ok());
    let mut g = c.benchmark_group("validate");
    g.bench_function("twenty_rules/valid", |b| {
        b.iter(|| black_box(&sample).validate())
    });
    let mut bad = twenty_rules_sample();
    bad.mcc = "57a43".into();
    bad.auth_code = None;
    g.bench_function("twenty_rules/three_violations", |b| {
        b.iter(|| black_box(&bad).validate())
    });
    g.finish();
}

/// The endpoint constants are compile-time: reading them costs nothing.
const _: () = assert!(<AuthPaymentRequest as Endpoint>::META.customer_token);

criterion_group!(benches, client, rsa, provider, response, validate);
criterion_main!(benches);
