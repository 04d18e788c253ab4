//! Replays the fuzz corpus (`fuzz/corpus/<target>/*`) through the same
//! functions the fuzz targets run, so every input the fuzzer kept is a
//! regression test in CI. The endpoint and provider-side targets are
//! replayed in `snap-sandbox/tests/it/fuzz_replay.rs` (they need
//! snap-endpoints and the `server` feature).

#[path = "../../../fuzz/common/core.rs"]
mod targets;

use std::path::PathBuf;

fn corpus(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../fuzz/corpus")
        .join(target);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("corpus {} missing: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "corpus {} is empty", dir.display());
    files
        .into_iter()
        .map(|p| {
            let bytes = std::fs::read(&p).unwrap();
            (p, bytes)
        })
        .collect()
}

fn replay(target: &str, run: fn(&[u8])) {
    let inputs = corpus(target);
    for (path, bytes) in &inputs {
        let outcome = std::panic::catch_unwind(|| run(bytes));
        assert!(outcome.is_ok(), "{target}: input {} panics", path.display());
    }
    println!("{target}: replayed {} inputs", inputs.len());
}

#[test]
fn replay_response_code() {
    replay("response_code", targets::response_code);
}

#[test]
fn replay_money() {
    replay("money", targets::money);
}

#[test]
fn replay_timestamp() {
    replay("timestamp", targets::timestamp);
}

#[test]
fn replay_minify() {
    replay("minify", targets::minify_and_sign);
}

#[test]
fn replay_verify_inbound() {
    replay("verify_inbound", targets::verify_inbound);
}
