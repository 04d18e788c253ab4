//! `snap decode CODE [--json]`: explains a SNAP response code.

use std::process::ExitCode;

/// Arguments of `snap decode`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The response code: exactly 7 ASCII digits, e.g. `4017300`.
    pub code: String,
    /// Print one JSON object with keys code, http, service, service_name,
    /// case, message, description, category.
    #[arg(long)]
    pub json: bool,
}

/// Runs `snap decode`; exit 0 on a well-formed code, 2 on a malformed one.
pub fn run(args: Args) -> ExitCode {
    let _ = args;
    eprintln!("snap decode: not implemented yet");
    ExitCode::from(2)
}
