//! snap-endpoints
#![forbid(unsafe_code)]
