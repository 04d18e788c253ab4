//! Fuzz target `decode_responses`: see `fuzz/common/wire.rs`, `decode_responses`.
#![no_main]

#[path = "../common/wire.rs"]
mod targets;

libfuzzer_sys::fuzz_target!(|data: &[u8]| targets::decode_responses(data));
