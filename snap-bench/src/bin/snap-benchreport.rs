//! Reads criterion's results (`target/criterion/**/new/estimates.json`) and
//! prints each benchmark's median ns/op and the framework/floor ratios of
//! issue 7 as Markdown, for `docs/BENCHMARKS.md`.
//!
//! ```text
//! cargo bench -p snap-bench --bench micro
//! cargo run --release -p snap-bench --bin snap-benchreport [CRITERION_DIR]
//! ```
//!
//! CRITERION_DIR defaults to `$CARGO_TARGET_DIR/criterion` or
//! `target/criterion`. A benchmark that has not run is listed as missing;
//! the tool never fails on a missed target (benchmarks are not tests).
#![forbid(unsafe_code)]
#![allow(
    clippy::float_arithmetic,
    reason = "timings and ratios, not money: floats are the right type here"
)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// One benchmark's median and its 95% confidence interval, in ns.
struct Median {
    point: f64,
    low: f64,
    high: f64,
    /// When criterion wrote it (the newest result wins when an id was
    /// measured under two directory layouts).
    written: std::time::SystemTime,
}

/// A comparison the issue asks for: `numerator / denominator` against a target.
struct Ratio {
    label: &'static str,
    numerator: &'static str,
    denominator: &'static str,
    target: f64,
}

const RATIOS: &[Ratio] = &[
    Ratio {
        label: "(2)/(1) client, VA inquiry (small body)",
        numerator: "client/framework/va_inquiry",
        denominator: "client/floor/va_inquiry",
        target: 1.2,
    },
    Ratio {
        label: "(2)/(1) client, Auth Payment",
        numerator: "client/framework/auth_payment",
        denominator: "client/floor/auth_payment",
        target: 1.2,
    },
    Ratio {
        label: "(4) provider, Auth Payment, framework/floor",
        numerator: "provider/framework/auth_payment",
        denominator: "provider/floor/auth_payment",
        target: 1.3,
    },
];

/// RSA token signature with a parsed key: at most 0.6 ms.
const RSA_ID: &str = "rsa/token_sign/parsed_key";
const RSA_TARGET_NS: f64 = 600_000.0;

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            if path.file_name().is_some_and(|n| n == "new") {
                out.push(path);
            } else {
                walk(&path, out);
            }
        }
    }
}

fn read_json(path: &Path) -> Option<serde_json::Value> {
    let text = std::fs::read_to_string(path).ok()?;
    serde_json::from_str(&text).ok()
}

fn load(dir: &Path) -> BTreeMap<String, Median> {
    let mut news = Vec::new();
    walk(dir, &mut news);
    let mut all = BTreeMap::new();
    for new in news {
        let (Some(bench), Some(est)) = (
            read_json(&new.join("benchmark.json")),
            read_json(&new.join("estimates.json")),
        ) else {
            continue;
        };
        let Some(id) = bench["full_id"].as_str() else {
            continue;
        };
        let m = &est["median"];
        let (Some(point), Some(low), Some(high)) = (
            m["point_estimate"].as_f64(),
            m["confidence_interval"]["lower_bound"].as_f64(),
            m["confidence_interval"]["upper_bound"].as_f64(),
        ) else {
            continue;
        };
        let written = std::fs::metadata(new.join("estimates.json"))
            .and_then(|m| m.modified())
            .unwrap_or(std::time::UNIX_EPOCH);
        if all
            .get(id)
            .is_some_and(|old: &Median| old.written >= written)
        {
            continue;
        }
        all.insert(
            id.to_owned(),
            Median {
                point,
                low,
                high,
                written,
            },
        );
    }
    all
}

fn human(ns: f64) -> String {
    if ns >= 1_000_000.0 {
        format!("{:.3} ms", ns / 1_000_000.0)
    } else if ns >= 1_000.0 {
        format!("{:.2} µs", ns / 1_000.0)
    } else {
        format!("{ns:.0} ns")
    }
}

fn main() -> ExitCode {
    let dir = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            std::env::var_os("CARGO_TARGET_DIR")
                .map(PathBuf::from)
                .unwrap_or_else(|| PathBuf::from("target"))
                .join("criterion")
        });
    let all = load(&dir);
    if all.is_empty() {
        eprintln!(
            "no criterion results under {}: run `cargo bench -p snap-bench --bench micro` first",
            dir.display()
        );
        return ExitCode::from(2);
    }
    println!("| benchmark | median ns/op | median | 95% CI of the median |");
    println!("|---|---:|---:|---|");
    for (id, m) in &all {
        println!(
            "| `{id}` | {:.0} | {} | {} .. {} |",
            m.point,
            human(m.point),
            human(m.low),
            human(m.high)
        );
    }
    println!();
    println!("| comparison | ratio of medians | target | met |");
    println!("|---|---:|---:|---|");
    for r in RATIOS {
        match (all.get(r.numerator), all.get(r.denominator)) {
            (Some(n), Some(d)) if d.point > 0.0 => {
                let ratio = n.point / d.point;
                let met = if ratio <= r.target { "yes" } else { "**no**" };
                println!("| {} | {ratio:.3}x | <= {}x | {met} |", r.label, r.target);
            }
            _ => println!("| {} | (not run) | <= {}x | - |", r.label, r.target),
        }
    }
    match all.get(RSA_ID) {
        Some(m) => {
            let met = if m.point <= RSA_TARGET_NS {
                "yes"
            } else {
                "**no**"
            };
            println!(
                "| (3) RSA token signature, parsed key | {} | <= 0.600 ms | {met} |",
                human(m.point)
            );
        }
        None => println!("| (3) RSA token signature, parsed key | (not run) | <= 0.600 ms | - |"),
    }
    if let (Some(per_call), Some(parsed)) =
        (all.get("rsa/token_sign/pem_per_call"), all.get(RSA_ID))
        && parsed.point > 0.0
    {
        println!(
            "| (3) PEM parsed per call / parsed key | {:.2}x | (informative) | - |",
            per_call.point / parsed.point
        );
    }
    println!();
    println!(
        "(ratios of medians measured one after the other; on a loaded machine prefer \
         `cargo run --release -p snap-bench --bin snap-ratio`, which alternates the two sides)"
    );
    ExitCode::SUCCESS
}
