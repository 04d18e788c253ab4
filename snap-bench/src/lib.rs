//! # snap-bench
//!
//! Shared pieces of the snap-rs benchmarks (see `docs/BENCHMARKS.md`):
//!
//! * [`floor`]: the hand-written floor, i.e. the least code that can produce
//!   (or check) a SNAP symmetric signature for a request: `serde_json`,
//!   SHA-256 hex, a pre-keyed HMAC-SHA512 and base64, and nothing else. It is
//!   written against the `hmac`/`sha2`/`base64` crates directly, never through
//!   snap-core, so that the framework is measured against code it does not
//!   share.
//! * [`models`]: the small VA-inquiry-sized endpoint and the 20-rule model,
//!   declared with the snap-rs derives.
//! * [`load`]: the load benchmark (sandbox vs a bare axum echo, in one process).
//! * [`ops`]: every measured operation, set up once and callable by name.
//! * [`fixtures`]: the request and response bodies, keys and credentials the
//!   benchmarks use.
//!
//! The criterion benchmarks live in `benches/micro.rs`
//! (`cargo bench -p snap-bench`); the load benchmark is the
//! `snap-loadbench` binary.
#![forbid(unsafe_code)]

pub mod fixtures;
pub mod floor;
pub mod load;
pub mod models;
pub mod ops;
