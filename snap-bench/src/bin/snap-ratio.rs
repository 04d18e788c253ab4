//! Paired ratios, robust to a shared machine: for each comparison of issue 7
//! (framework vs floor), alternate short batches of the two operations many
//! times and report the median of the per-round time ratios, next to each
//! side's median ns/op. Load that drifts over seconds hits both sides of a
//! round alike, which back-to-back criterion runs cannot guarantee.
//!
//! ```text
//! cargo run --release -p snap-bench --bin snap-ratio [-- ROUNDS [BATCH]]
//! ```
//!
//! Defaults: 3000 rounds of 50 iterations per side (short batches are
//! rarely preempted whole). Benchmarks are not tests:
//! the exit code is 0 whatever the ratios.
#![forbid(unsafe_code)]
#![allow(
    clippy::float_arithmetic,
    reason = "timings and ratios, not money: floats are the right type here"
)]

use std::hint::black_box;
use std::process::ExitCode;
use std::time::Instant;

use snap_bench::ops::{Bench, OPS, Op};

/// (label, numerator op, denominator op, target).
const PAIRS: &[(&str, &str, &str, f64)] = &[
    (
        "(2)/(1) client, VA inquiry",
        "client/framework/va_inquiry",
        "client/floor/va_inquiry",
        1.2,
    ),
    (
        "(2)/(1) client, Auth Payment",
        "client/framework/auth_payment",
        "client/floor/auth_payment",
        1.2,
    ),
    (
        "(2) + headers moved into an http::HeaderMap / (1), VA inquiry",
        "client/framework_header_map/va_inquiry",
        "client/floor/va_inquiry",
        f64::INFINITY,
    ),
    (
        "(2) + headers moved into an http::HeaderMap / (1), Auth Payment",
        "client/framework_header_map/auth_payment",
        "client/floor/auth_payment",
        f64::INFINITY,
    ),
    (
        "(2) + the transport's write_into (values cloned) / (1), VA inquiry",
        "client/framework_sent/va_inquiry",
        "client/floor/va_inquiry",
        f64::INFINITY,
    ),
    (
        "(2) + the transport's write_into (values cloned) / (1), Auth Payment",
        "client/framework_sent/auth_payment",
        "client/floor/auth_payment",
        f64::INFINITY,
    ),
    (
        "(2)/(1) client, Auth Payment, context of plain strings",
        "client/framework_plain_ctx/auth_payment",
        "client/floor/auth_payment",
        1.2,
    ),
    (
        "floor + the 9 headers in a HeaderMap / floor, Auth Payment",
        "client/floor_with_headers/auth_payment",
        "client/floor/auth_payment",
        f64::INFINITY,
    ),
    (
        "what-if (2)/(1) client, Auth Payment",
        "client/whatif/auth_payment",
        "client/floor/auth_payment",
        1.2,
    ),
    (
        "(4) provider, Auth Payment",
        "provider/framework/auth_payment",
        "provider/floor/auth_payment",
        1.3,
    ),
    (
        "what-if (4) provider, Auth Payment",
        "provider/whatif/auth_payment",
        "provider/floor/auth_payment",
        1.3,
    ),
    (
        "(5) response decoding vs plain from_slice",
        "response/framework/auth_payment",
        "response/floor/auth_payment",
        1.5,
    ),
];

fn op(name: &str) -> Option<Op> {
    OPS.iter().find(|(id, _)| *id == name).map(|(_, f)| *f)
}

fn batch(bench: &Bench, f: Op, n: u32) -> f64 {
    let t = Instant::now();
    let mut acc = 0usize;
    for _ in 0..n {
        acc = acc.wrapping_add(f(black_box(bench)));
    }
    black_box(acc);
    t.elapsed().as_nanos() as f64 / f64::from(n)
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let rounds: u32 = args.next().and_then(|a| a.parse().ok()).unwrap_or(3000);
    let per: u32 = args.next().and_then(|a| a.parse().ok()).unwrap_or(50);
    let bench = match Bench::new() {
        Ok(b) => b,
        Err(e) => {
            eprintln!("set-up failed: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("{rounds} rounds x {per} iterations per side, alternating (A B, then B A)\n");
    println!(
        "| comparison | median ratio | p10 .. p90 of ratios | framework ns/op | floor ns/op | target | met |"
    );
    println!("|---|---:|---|---:|---:|---:|---|");
    for (label, num, den, target) in PAIRS {
        let (Some(a), Some(b)) = (op(num), op(den)) else {
            println!("| {label} | (unknown op) | | | | | |");
            continue;
        };
        // warm-up
        batch(&bench, a, per);
        batch(&bench, b, per);
        let (mut ratios, mut ta, mut tb) = (Vec::new(), Vec::new(), Vec::new());
        for r in 0..rounds {
            let (x, y) = if r % 2 == 0 {
                let x = batch(&bench, a, per);
                (x, batch(&bench, b, per))
            } else {
                let y = batch(&bench, b, per);
                (batch(&bench, a, per), y)
            };
            ratios.push(x / y);
            ta.push(x);
            tb.push(y);
        }
        let m = median(&mut ratios);
        let p10 = ratios[ratios.len() / 10];
        let p90 = ratios[ratios.len() * 9 / 10];
        let (target_s, met) = if target.is_finite() {
            (
                format!("<= {target}x"),
                if m <= *target { "yes" } else { "**no**" },
            )
        } else {
            ("(informative)".to_owned(), "-")
        };
        println!(
            "| {label} | {m:.3}x | {p10:.3} .. {p90:.3} | {:.0} | {:.0} | {target_s} | {met} |",
            median(&mut ta),
            median(&mut tb)
        );
    }
    ExitCode::SUCCESS
}
