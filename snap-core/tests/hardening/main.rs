//! Hardening tests (issue 8): property tests over the snap-core primitives,
//! replay of the fuzz corpus, and static security checks.
//!
//! Case counts are kept modest (the whole binary runs in a few seconds) so
//! that CI stays fast, and the seed is fixed so that CI is deterministic.
//! For a local soak: `PROPTEST_CASES=20000 PROPTEST_RNG_SEED=$RANDOM cargo
//! test -p snap-core --test hardening --release`.

mod corpus_replay;
mod props_minify;
mod props_money;
mod props_rules;
mod props_sign;
mod props_time_code;
mod static_checks;

/// The proptest configuration of this binary: `cases` cases from a fixed
/// seed, unless `PROPTEST_CASES` / `PROPTEST_RNG_SEED` say otherwise; no
/// failure-persistence files (a failure prints its minimal input).
pub fn cfg(cases: u32) -> proptest::test_runner::Config {
    use proptest::test_runner::{Config, RngSeed};
    let from_env = Config::default();
    Config {
        cases: if std::env::var_os("PROPTEST_CASES").is_some() {
            from_env.cases
        } else {
            cases
        },
        rng_seed: if std::env::var_os("PROPTEST_RNG_SEED").is_some() {
            from_env.rng_seed
        } else {
            RngSeed::Fixed(0x5A9_0008)
        },
        failure_persistence: None,
        ..from_env
    }
}
