//! Fuzz target `money`: see `fuzz/common/core.rs`, `money`.
#![no_main]

#[path = "../common/core.rs"]
mod targets;

libfuzzer_sys::fuzz_target!(|data: &[u8]| targets::money(data));
