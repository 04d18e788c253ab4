//! snap-endpoints proofs: the seed documents' own samples, and every
//! endpoint's rules, driven from the registry.

mod codes;
mod common;
mod fixtures;
mod portal;
mod provider_schemes;
mod registry;
mod rules;
