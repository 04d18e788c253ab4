//! snap-sandbox
#![forbid(unsafe_code)]
