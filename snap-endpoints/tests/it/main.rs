//! snap-endpoints proofs: the seed documents' own samples, and every
//! endpoint's rules, driven from the registry.

mod catalogue;
mod codes;
mod common;
mod fixtures;
mod generated;
mod paths;
mod portal;
mod provider_schemes;
mod readme;
mod registry;
mod rules;
