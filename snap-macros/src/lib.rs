//! snap-macros: derive macros for snap-rs.
#![forbid(unsafe_code)]
