//! Fuzz target `response_code`: see `fuzz/common/core.rs`, `response_code`.
#![no_main]

#[path = "../common/core.rs"]
mod targets;

libfuzzer_sys::fuzz_target!(|data: &[u8]| targets::response_code(data));
