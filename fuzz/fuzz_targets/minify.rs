//! Fuzz target `minify`: see `fuzz/common/core.rs`, `minify_and_sign`.
#![no_main]

#[path = "../common/core.rs"]
mod targets;

libfuzzer_sys::fuzz_target!(|data: &[u8]| targets::minify_and_sign(data));
