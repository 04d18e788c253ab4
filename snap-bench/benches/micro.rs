//! Micro benchmarks of snap-rs (issue 7): see `docs/BENCHMARKS.md`.
//!
//! `cargo bench -p snap-bench --bench micro`; the medians are read back with
//! `cargo run --release -p snap-bench --bin snap-benchreport`.
#![forbid(unsafe_code)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use snap_bench::fixtures::{
    ACCESS_TOKEN, AUTH_PAYMENT_PATH, AUTH_PAYMENT_REQUEST, CLIENT_ID, CLIENT_SECRET,
    TEST_PRIVATE_KEY_PEM, TEST_PUBLIC_KEY_PEM, TIMESTAMP, VA_INQUIRY_PATH, VA_INQUIRY_REQUEST,
};
use snap_bench::floor::{self, PlainAuthPayment, PlainVaInquiry};
use snap_core::sign::{RsaPrivateKey, RsaPublicKey, sign_token, verify_token};

/// (1) the floor, client side, on both bodies.
fn floor_client(c: &mut Criterion) {
    let key = floor::key(CLIENT_SECRET.as_bytes()).expect("hmac key");
    let small: PlainVaInquiry = serde_json::from_str(VA_INQUIRY_REQUEST).expect("small body");
    let ap: PlainAuthPayment = serde_json::from_slice(AUTH_PAYMENT_REQUEST).expect("auth payment");
    let mut g = c.benchmark_group("client");
    g.bench_function("floor/va_inquiry", |b| {
        b.iter(|| {
            floor::sign_request(
                &key,
                "POST",
                VA_INQUIRY_PATH,
                ACCESS_TOKEN,
                TIMESTAMP,
                black_box(&small),
            )
        })
    });
    g.bench_function("floor/auth_payment", |b| {
        b.iter(|| {
            floor::sign_request(
                &key,
                "POST",
                AUTH_PAYMENT_PATH,
                ACCESS_TOKEN,
                TIMESTAMP,
                black_box(&ap),
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

criterion_group!(benches, floor_client, rsa);
criterion_main!(benches);
