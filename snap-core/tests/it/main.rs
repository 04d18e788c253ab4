//! snap-core integration tests (one test binary; add modules below, append-only).

mod kat;
mod doctor;
mod readme_sign;
