//! Replays the fuzz corpus of the wire targets (`fuzz/corpus/decode_responses`,
//! `fuzz/corpus/provider_check`) through the same functions the fuzz targets
//! run (`fuzz/common/wire.rs`). The snap-core targets are replayed by
//! `snap-core/tests/hardening/corpus_replay.rs`.

#[path = "../../../fuzz/common/wire.rs"]
mod targets;

use std::path::PathBuf;

fn replay(target: &str, run: fn(&[u8])) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../fuzz/corpus")
        .join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("corpus {} missing: {e}", dir.display()))
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "corpus {} is empty", dir.display());
    for path in &files {
        let bytes = std::fs::read(path).expect("read corpus file");
        let outcome = std::panic::catch_unwind(|| run(&bytes));
        assert!(outcome.is_ok(), "{target}: input {} panics", path.display());
    }
    println!("{target}: replayed {} inputs", files.len());
}

#[test]
fn replay_decode_responses() {
    // the harness's endpoint list is the whole registry
    let mut harness = targets::endpoint_types();
    // The seed documents' endpoints; the BI services generated from the
    // catalogue (issue 13) join the harness with their sandbox families
    // (issue 15).
    let seed = [31, 57, 63, 64, 65, 66, 67, 68, 69, 73, 74, 77];
    let mut registry: Vec<&str> = snap_endpoints::registry::registry()
        .iter()
        .filter(|e| {
            e.meta.provider != "BI" || e.meta.service.is_some_and(|s| seed.contains(&s.get()))
        })
        .map(|e| e.request_type)
        .collect();
    harness.sort_unstable();
    registry.sort_unstable();
    assert_eq!(
        harness, registry,
        "fuzz/common/wire.rs: update for_each_endpoint!"
    );
    replay("decode_responses", targets::decode_responses);
}

#[test]
fn replay_provider_check() {
    replay("provider_check", targets::provider_check);
}

/// The harness reaches past the signature check: the signed seed is
/// admitted, the same bytes unsigned are refused with 401, and a second
/// identical request is admitted too (idempotent replay, not a conflict).
#[test]
fn provider_harness_reaches_the_deep_checks() {
    let corpus = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fuzz/corpus/provider_check");
    let read = |f: &str| std::fs::read(corpus.join(f)).expect("seed");
    assert_eq!(
        targets::provider_outcomes(&read("seed-payment-signed")),
        ["admitted"]
    );
    let unsigned = targets::provider_outcomes(&read("seed-payment-unsigned"));
    assert!(unsigned[0].starts_with("4016300"), "{unsigned:?}");
    assert_eq!(
        targets::provider_outcomes(&read("seed-payment-twice")),
        ["admitted", "admitted"]
    );
    let bad = targets::provider_outcomes(&read("seed-void-bad-field"));
    assert!(
        bad[0].starts_with("admitted") || bad[0].starts_with("400"),
        "{bad:?}"
    );
}
