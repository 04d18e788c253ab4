//! The load benchmark of issue 7: the sandbox against a bare axum JSON echo,
//! in one process, over loopback (see `docs/BENCHMARKS.md`).
//!
//! ```text
//! cargo run --release -p snap-bench --bin snap-loadbench -- --clients 16 --seconds 10
//! cargo run --release -p snap-bench --bin snap-loadbench -- --only sandbox --seconds 60 --rss-every-ms 5000
//! ```
//!
//! Prints a Markdown table (requests/s, p50/p99/max latency, ok, errors,
//! VmRSS) per target, the sandbox/bare throughput ratio and the peak RSS
//! (VmHWM). With `--rss-series` it also prints VmRSS over time per target.
//! The exit code is 0 whatever the figures (benchmarks are not tests); 1
//! only when the run could not be set up.
#![forbid(unsafe_code)]

use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use snap_bench::load::{LoadConfig, Target, run};

/// Load benchmark: snap-sandbox vs a bare axum handler, side by side.
#[derive(Debug, Parser)]
#[command(name = "snap-loadbench")]
struct Args {
    /// Concurrent clients (one keep-alive connection each).
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=1024))]
    clients: u16,
    /// Measured seconds per target and round.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=3600))]
    seconds: u32,
    /// Unmeasured warm-up per target and round, milliseconds.
    #[arg(long, default_value_t = 500)]
    warmup_ms: u64,
    /// Rounds; the order of the targets alternates between rounds.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=100))]
    rounds: u32,
    /// Cap on measured requests per target and round.
    #[arg(long, default_value_t = 2_000_000)]
    max_requests: u64,
    /// Drive only one target: `bare` or `sandbox`.
    #[arg(long)]
    only: Option<String>,
    /// Tokio worker threads (default: the number of CPUs).
    #[arg(long)]
    threads: Option<usize>,
    /// VmRSS sampling interval, milliseconds.
    #[arg(long, default_value_t = 500)]
    rss_every_ms: u64,
    /// Print VmRSS over time for each target.
    #[arg(long)]
    rss_series: bool,
    /// Run the sandbox with its state on this Redis (`redis://HOST:PORT/`).
    #[arg(long, value_name = "URL")]
    redis: Option<String>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let targets = match args.only.as_deref() {
        None => vec![Target::Bare, Target::Sandbox],
        Some("bare") => vec![Target::Bare],
        Some("sandbox") => vec![Target::Sandbox],
        Some(other) => {
            eprintln!("--only takes `bare` or `sandbox`, not {other:?}");
            return ExitCode::from(2);
        }
    };
    let config = LoadConfig {
        clients: usize::from(args.clients),
        duration: Duration::from_secs(u64::from(args.seconds)),
        warmup: Duration::from_millis(args.warmup_ms),
        rounds: args.rounds,
        max_requests: args.max_requests,
        targets,
        rss_interval: Duration::from_millis(args.rss_every_ms.max(10)),
        redis: args.redis,
    };
    let mut rt = tokio::runtime::Builder::new_multi_thread();
    rt.enable_all();
    if let Some(n) = args.threads {
        rt.worker_threads(n.max(1));
    }
    let rt = match rt.build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("tokio runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let threads = args.threads.unwrap_or_else(|| {
        std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
    });
    println!(
        "snap-loadbench: {} (POST {}), {threads} worker thread(s), loopback",
        snap_bench::load::ENDPOINT,
        snap_bench::fixtures::AUTH_PAYMENT_PATH
    );
    match rt.block_on(run(config)) {
        Ok(report) => {
            print!("{}", report.to_markdown());
            if args.rss_series {
                for t in &report.config.targets {
                    println!("\nVmRSS over time, {} (seconds since start: kB)", t.name());
                    let line: Vec<String> = report
                        .rss_series(*t)
                        .iter()
                        .map(|(s, kb)| format!("{s:.0}s:{kb}"))
                        .collect();
                    println!("{}", line.join(" "));
                }
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("snap-loadbench: set-up failed: {e}");
            ExitCode::FAILURE
        }
    }
}
