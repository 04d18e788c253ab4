//! snap-core integration tests (one test binary; add modules below, append-only).

mod doctor;
mod kat;
mod prepare_sign;
mod readme_sign;
mod schema;
mod schemes;
