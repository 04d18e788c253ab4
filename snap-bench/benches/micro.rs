//! Micro benchmarks of snap-rs (issue 7); the figures and how to read them
//! are in `docs/BENCHMARKS.md`.
//!
//! ```text
//! cargo bench -p snap-bench --bench micro
//! cargo run --release -p snap-bench --bin snap-benchreport
//! ```
//!
//! Every operation is defined once in `snap_bench::ops` (so that
//! `snap-opcount` counts the instructions of exactly the same code), and
//! `Bench::new` checks that the floor and the framework produce the same body
//! bytes and the same signature. Groups:
//! * `client/floor/*` vs `client/framework/*`: (1) the hand-written floor and
//!   (2) snap-core's `prepare` (validate + serialize once + hash + sign +
//!   headers), on a small (VA inquiry) and the Auth Payment body; the pair of
//!   each ratio is measured back to back;
//! * `rsa/*`: (3) the access-token signature, key parsed once or per call;
//! * `provider/*`: (4) verify over the raw received bytes + parse + validate,
//!   and its floor (minify + hash + HMAC + `from_slice`);
//! * `response/*`: (5) decoding the Auth Payment answer (parse + responseCode
//!   check), and a plain `from_slice` + string compare for scale;
//! * `validate/*`: (6) validation alone of a 20-rule model;
//! * `*/parts/*`: pieces of (2) and (4), to show where the time goes.
#![forbid(unsafe_code)]

use criterion::{Criterion, criterion_group, criterion_main};
use snap_bench::ops::{Bench, OPS};

fn all(c: &mut Criterion) {
    let bench = match Bench::new() {
        Ok(b) => b,
        Err(e) => panic!("benchmark set-up failed: {e}"),
    };
    let prepared = bench
        .framework_client_auth_payment()
        .unwrap_or_else(|e| panic!("prepare: {e}"));
    let body = prepared.body;
    for (id, op) in OPS {
        c.bench_function(id, |b| b.iter(|| op(&bench)));
        if *id == "client/parts/to_vec_auth_payment" {
            c.bench_function("client/parts/sign_symmetric_auth_payment", |b| {
                b.iter(|| bench.part_sign_symmetric_auth_payment(&body))
            });
        }
    }
}

criterion_group!(benches, all);
criterion_main!(benches);
