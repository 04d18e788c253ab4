//! Fuzz target `provider_check`: see `fuzz/common/wire.rs`, `provider_check`.
#![no_main]

#[path = "../common/wire.rs"]
mod targets;

libfuzzer_sys::fuzz_target!(|data: &[u8]| targets::provider_check(data));
