//! Fuzz target `verify_inbound`: see `fuzz/common/core.rs`, `verify_inbound`.
#![no_main]

#[path = "../common/core.rs"]
mod targets;

libfuzzer_sys::fuzz_target!(|data: &[u8]| targets::verify_inbound(data));
