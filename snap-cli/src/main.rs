//! The `snap` command-line tool.
#![forbid(unsafe_code)]

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod bank_call;
mod call;
mod conformance;
mod decode;
mod demo;
mod endpoints;
mod openapi;
mod samples;
mod sandbox;
mod shape;
mod sign;
mod validate;
mod verify;

/// The `snap` tool: decode response codes, sign and verify SNAP requests.
#[derive(Debug, Parser)]
#[command(name = "snap", version, about)]
struct Cli {
    #[command(subcommand)]
    cmd: Command,
}

/// The subcommands; each wraps the `Args` of its own module.
#[derive(Debug, Subcommand)]
enum Command {
    /// Decode a 7-digit SNAP response code (HTTP status, service, case).
    Decode(decode::Args),
    /// Call a provider: validate, fetch a token, sign, send (with retries); exit 0 success, 1 SNAP error, 2 usage/validation, 3 transport.
    Call(call::Args),
    /// Run a local SNAP provider (sandbox) for every declared endpoint.
    Sandbox(sandbox::Args),
    /// The main job: start the sandbox in-process and drive the real client through a full flow.
    Demo(demo::Args),
    /// Sign a request: print the base64 X-SIGNATURE (symmetric, asymmetric, token).
    Sign(sign::Args),
    /// Verify an X-SIGNATURE: `valid` (exit 0) or `invalid` (exit 1); `--explain` diagnoses.
    Verify(verify::Args),
    /// List every declared endpoint (`--json` for a machine-readable array).
    Endpoints(endpoints::Args),
    /// Validate a JSON request body against an endpoint's rules: exit 0 valid, 1 invalid, 2 unreadable.
    Validate(validate::Args),
    /// Check a live SNAP provider against the standard: exit 0 all pass, 1 a check failed, 2 usage error or unreachable.
    Conformance(conformance::Args),
    /// The bank calls the merchant: signed VA inquiry/payment (24, 25) and payment notifications (52, 56) to a merchant's URL, answers checked; exit 0 all pass, 1 a check failed, 2 usage error or unreachable.
    BankCall(bank_call::Args),
    /// Print an OpenAPI 3.1 document of every declared endpoint (`--provider` for one provider).
    Openapi(openapi::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.cmd {
        Command::Decode(args) => decode::run(args),
        Command::Call(args) => call::run(args),
        Command::Sandbox(args) => sandbox::run(args),
        Command::Demo(args) => demo::run(args),
        Command::Sign(args) => sign::run(args),
        Command::Verify(args) => verify::run(args),
        Command::Endpoints(args) => endpoints::run(args),
        Command::Validate(args) => validate::run(args),
        Command::Conformance(args) => conformance::run(args),
        Command::Openapi(args) => openapi::run(args),
        Command::BankCall(args) => bank_call::run(args),
    }
}
