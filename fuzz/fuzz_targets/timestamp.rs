//! Fuzz target `timestamp`: see `fuzz/common/core.rs`, `timestamp`.
#![no_main]

#[path = "../common/core.rs"]
mod targets;

libfuzzer_sys::fuzz_target!(|data: &[u8]| targets::timestamp(data));
