//! CLI tests: one integration-test binary that runs the built `snap`.
//! Each subcommand has its module here.

mod bank_call;
mod call;
mod call_paths;
mod conformance;
mod decode;
mod demo;
mod endpoints;
mod openapi;
mod sandbox;
mod sign;
mod tls;

/// The README's tiny merchant, served in-process by `bank_call`.
#[path = "../../examples/merchant.rs"]
mod merchant;
