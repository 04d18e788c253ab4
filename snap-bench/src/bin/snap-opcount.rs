//! Runs one micro-benchmark operation a fixed number of times, for counting
//! instructions per operation with a tool outside the process:
//!
//! ```text
//! cargo build --release -p snap-bench --bin snap-opcount
//! perf stat -x, -e instructions:u target/release/snap-opcount OP 0       # set-up only
//! perf stat -x, -e instructions:u target/release/snap-opcount OP 100000  # set-up + ops
//! ```
//!
//! (instructions(N) - instructions(0)) / N is the instruction count of one
//! operation: unlike wall time it does not move with the load of a shared
//! machine. `snap-opcount --list` prints the operation names (the criterion
//! ids of `benches/micro.rs`).
#![forbid(unsafe_code)]

use std::process::ExitCode;

use snap_bench::ops::{Bench, OPS};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--list") {
        for (name, _) in OPS {
            println!("{name}");
        }
        return ExitCode::SUCCESS;
    }
    let (Some(name), Some(n)) = (
        args.first(),
        args.get(1).and_then(|n| n.parse::<u64>().ok()),
    ) else {
        eprintln!("usage: snap-opcount OP ITERATIONS | --list");
        return ExitCode::from(2);
    };
    let Some((_, op)) = OPS.iter().find(|(id, _)| id == name) else {
        eprintln!("unknown operation {name:?}; see --list");
        return ExitCode::from(2);
    };
    let bench = match Bench::new() {
        Ok(b) => b,
        Err(e) => {
            eprintln!("set-up failed: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut acc = 0usize;
    for _ in 0..n {
        acc = acc.wrapping_add(op(std::hint::black_box(&bench)));
    }
    std::hint::black_box(acc);
    ExitCode::SUCCESS
}
