//! The snap-rs side of the peer comparison (`snap-bench/peers/run.sh`): signs
//! the Auth Payment sample body the way the official SDKs' own signing
//! functions do (symmetric SNAP signature, HMAC-SHA512), in-process, and
//! prints one line per measurement:
//!
//! ```text
//! IMPL NS_PER_OP X-SIGNATURE
//! ```
//!
//! `snap-rs/prepare` is `snap_core::endpoint::prepare` (validate + serialize
//! once + sign + every SNAP header) of the typed request, with the context
//! `SnapClient` builds; `snap-rs/sign` is `Symmetric::signature` over the
//! compact body alone (what the SDK functions do: they take a body and
//! return the signature).
//!
//! ```text
//! cargo run --release -p snap-bench --bin snap-peerbench -- ITERATIONS
//! ```
#![forbid(unsafe_code)]
#![allow(
    clippy::float_arithmetic,
    reason = "timings, not money: floats are the right type here"
)]

use std::hint::black_box;
use std::process::ExitCode;
use std::time::Instant;

use snap_bench::fixtures::{
    ACCESS_TOKEN, AUTH_PAYMENT_PATH, AUTH_PAYMENT_REQUEST, CLIENT_SECRET, TIMESTAMP,
};
use snap_bench::ops::{Bench, EXTERNAL_ID};
use snap_core::sign::{HmacKey, SigningInput, Symmetric};

fn time<T>(iterations: u32, mut f: impl FnMut() -> T) -> f64 {
    for _ in 0..iterations.min(1000) {
        black_box(f());
    }
    let t = Instant::now();
    for _ in 0..iterations {
        black_box(f());
    }
    t.elapsed().as_nanos() as f64 / f64::from(iterations.max(1))
}

fn main() -> ExitCode {
    let iterations: u32 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(20_000);
    let bench = match Bench::new() {
        Ok(b) => b,
        Err(e) => {
            eprintln!("set-up failed: {e}");
            return ExitCode::FAILURE;
        }
    };
    let Ok(prepared) = bench.framework_client_auth_payment() else {
        eprintln!("prepare failed");
        return ExitCode::FAILURE;
    };
    let Some(signature) = prepared
        .headers
        .get("x-signature")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
    else {
        eprintln!("no signature");
        return ExitCode::FAILURE;
    };
    let ns = time(iterations, || bench.framework_client_auth_payment().is_ok());
    println!("snap-rs/prepare {ns:.0} {signature}");

    let Ok(key) = HmacKey::new(CLIENT_SECRET.as_bytes()) else {
        return ExitCode::FAILURE;
    };
    let body = prepared.body.clone();
    let sign = || {
        let input = SigningInput::new("POST", AUTH_PAYMENT_PATH)
            .access_token(ACCESS_TOKEN)
            .body(black_box(&body))
            .timestamp(TIMESTAMP);
        Symmetric::signature(&key, &input)
    };
    let Ok(alone) = sign() else {
        return ExitCode::FAILURE;
    };
    let ns = time(iterations, sign);
    println!("snap-rs/sign {ns:.0} {alone}");
    // The inputs the peers use, so that every side signs the same string.
    if std::env::var_os("SNAP_PEER_PRINT_INPUTS").is_some() {
        eprintln!(
            "path={AUTH_PAYMENT_PATH} token={ACCESS_TOKEN} ts={TIMESTAMP} secret={CLIENT_SECRET} external_id={EXTERNAL_ID}"
        );
        eprintln!("raw body bytes: {}", AUTH_PAYMENT_REQUEST.len());
    }
    ExitCode::SUCCESS
}
