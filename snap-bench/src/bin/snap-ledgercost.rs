//! The cost of one ledger operation on a payment with a short and with a
//! long history (issue 14): a payment gets `N` captures first, then the
//! timed operations run on it (capture, capture query, payment query), in
//! memory or on Redis.
//!
//! ```text
//! cargo run --release -p snap-bench --bin snap-ledgercost -- --history 10 --history 10000
//! cargo run --release -p snap-bench --bin snap-ledgercost -- --redis redis://127.0.0.1:6379/
//! ```
//!
//! Prints a Markdown table: microseconds per operation (median of the
//! timed operations) for each history length. Exit code 0 whatever the
//! figures; 1 when the run could not be set up.
#![forbid(unsafe_code)]

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use clap::Parser;
use snap_core::money::{Currency, Money};
use snap_sandbox::ledger::{Authorize, CaptureCmd, Ledger, Target};
use snap_server::store::{MemoryRecords, RecordStore};

#[derive(Debug, Parser)]
#[command(name = "snap-ledgercost")]
struct Args {
    /// History lengths to measure (captures made before timing).
    #[arg(long = "history", default_values_t = [10u32, 10_000])]
    history: Vec<u32>,
    /// Timed operations of each kind per history length.
    #[arg(long, default_value_t = 2000)]
    ops: u32,
    /// Keep the ledger on this Redis instead of in memory.
    #[arg(long, value_name = "URL")]
    redis: Option<String>,
    /// Also measure the in-memory X-EXTERNAL-ID store: bytes per record
    /// after this many records (one partner, a 240-byte answer each).
    #[arg(long, default_value_t = 100_000)]
    xid_records: usize,
}

/// VmRSS of this process, kB.
fn rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

/// Fills a `MemoryIdempotency` with `n` answered records; prints the
/// store's own estimate and the VmRSS growth per record.
async fn xid_bytes(n: usize) {
    use snap_server::idempotency::{
        Claim, Fingerprint, IdempotencyPolicy, MemoryIdempotency, StoredAnswer,
    };
    let store = MemoryIdempotency::with_policy(IdempotencyPolicy::default());
    let answer = vec![b'x'; 240];
    let before = rss_kb();
    let now = snap_server::store::unix_millis();
    for i in 0..n {
        let id = format!("{:032}", i);
        let fp = Fingerprint::of("POST", "/v1.0/auth/payment", id.as_bytes());
        if let Claim::New(t) = store.claim_now("bench-partner", &id, fp, now) {
            let _ = t
                .complete(StoredAnswer {
                    status: 200,
                    body: answer.clone().into(),
                })
                .await;
        }
    }
    let after = rss_kb();
    let stats = store.stats();
    println!(
        "\nX-EXTERNAL-ID store (memory), {} records kept of {n} claimed (cap {}), 32-character ids, 240-byte answers:\n\n| estimate (bytes/record) | VmRSS growth (bytes/record) | evicted |\n|---:|---:|---:|\n| {} | {} | {} |",
        stats.records,
        IdempotencyPolicy::default().max_per_partner,
        stats.approx_bytes / stats.records.max(1),
        (after.saturating_sub(before) * 1024) / (stats.records.max(1) as u64),
        stats.evicted,
    );
}

const NOW: &str = "2026-11-22T10:00:00+07:00";

fn median(v: &mut [u64]) -> u64 {
    v.sort_unstable();
    v.get(v.len() / 2).copied().unwrap_or(0)
}

fn nanos(t: Instant) -> u64 {
    u64::try_from(t.elapsed().as_nanos()).unwrap_or(u64::MAX)
}

/// Nanoseconds as microseconds with one decimal.
fn us(ns: u64) -> String {
    format!("{}.{}", ns / 1000, ns % 1000 / 100)
}

async fn measure(ledger: &Ledger, history: u32, ops: u32) -> Result<[u64; 3], String> {
    let partner = "bench-partner";
    let pref = format!("cost-{history}-{}", std::process::id());
    let big = Money::from_minor(100_000_000_000, Currency::IDR).map_err(|e| e.to_string())?;
    let p = ledger
        .authorize(
            partner,
            Authorize {
                partner_reference_no: pref.clone(),
                merchant_id: "m".into(),
                amount: big,
                external_id: None,
                customer: None,
            },
            NOW,
        )
        .await
        .map_err(|e| e.to_string())?;
    let target = Target {
        reference_no: Some(p.reference_no.clone()),
        partner_reference_no: Some(pref.clone()),
        ..Target::default()
    };
    let cent = Money::from_minor(1, Currency::IDR).map_err(|e| e.to_string())?;
    let capture = |no: String| CaptureCmd {
        target: target.clone(),
        partner_capture_no: no,
        amount: Some(cent),
        last_capture: false,
    };
    for i in 0..history {
        ledger
            .capture(partner, capture(format!("h-{i}")), NOW)
            .await
            .map_err(|e| e.to_string())?;
    }
    let (mut cap, mut cq, mut pq) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..ops {
        let t = Instant::now();
        ledger
            .capture(partner, capture(format!("t-{i}")), NOW)
            .await
            .map_err(|e| e.to_string())?;
        cap.push(nanos(t));
        let t = Instant::now();
        ledger
            .capture_query(partner, &target, "h-0", None)
            .await
            .map_err(|e| e.to_string())?;
        cq.push(nanos(t));
        let t = Instant::now();
        ledger
            .payment(partner, &target)
            .await
            .map_err(|e| e.to_string())?;
        pq.push(nanos(t));
    }
    Ok([median(&mut cap), median(&mut cq), median(&mut pq)])
}

fn main() -> ExitCode {
    let args = Args::parse();
    let rt = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("snap-ledgercost: {e}");
            return ExitCode::from(1);
        }
    };
    rt.block_on(async move {
        let store: Arc<dyn RecordStore> = match &args.redis {
            None => Arc::new(MemoryRecords::new(1_000_000)),
            Some(url) => {
                let prefix = format!("snap:ledgercost:{}:", std::process::id());
                let config = snap_server::ProviderConfig::default();
                match snap_server::redis::RedisStores::connect(url, &prefix, &config).await {
                    Ok(s) => Arc::new(s),
                    Err(e) => {
                        eprintln!("snap-ledgercost: {e}");
                        return ExitCode::from(1);
                    }
                }
            }
        };
        let ledger = Ledger::with_store(store);
        println!(
            "| store | history | capture (us) | capture query (us) | payment query (us) |\n|---|---:|---:|---:|---:|"
        );
        for &h in &args.history {
            match measure(&ledger, h, args.ops).await {
                Ok([c, q, p]) => println!(
                    "| {} | {h} | {} | {} | {} |",
                    if args.redis.is_some() { "redis" } else { "memory" },
                    us(c),
                    us(q),
                    us(p)
                ),
                Err(e) => {
                    eprintln!("snap-ledgercost: {e}");
                    return ExitCode::from(1);
                }
            }
        }
        if args.redis.is_none() && args.xid_records > 0 {
            xid_bytes(args.xid_records).await;
        }
        ExitCode::SUCCESS
    })
}
