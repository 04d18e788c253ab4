//! `snap decode CODE [--json]`: explains a SNAP response code.
//!
//! Exit status: 0 for a well-formed code (known or not), 2 for a malformed
//! one, with a one-line reason on stderr.

use std::io::{self, Write};
use std::process::ExitCode;

use serde_json::{Value, json};
use snap_core::code::ResponseCode;

/// Arguments of `snap decode`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The response code: exactly 7 ASCII digits, HTTP(3)+service(2)+case(2),
    /// e.g. `4017300`.
    pub code: String,
    /// Print one JSON object with keys code, http (number), service and case
    /// (two-digit strings), service_name, message, description, category
    /// (null when the code is not in the published tables).
    #[arg(long)]
    pub json: bool,
}

/// Runs `snap decode`.
pub fn run(args: Args) -> ExitCode {
    let code = match ResponseCode::parse(&args.code) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("snap decode: {:?}: {e}", args.code);
            return ExitCode::from(2);
        }
    };
    let text = if args.json {
        let mut s = to_json(&code).to_string();
        s.push('\n');
        s
    } else {
        human(&code)
    };
    match io::stdout().lock().write_all(text.as_bytes()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("snap decode: cannot write output: {e}");
            ExitCode::from(2)
        }
    }
}

/// The `--json` object.
pub fn to_json(code: &ResponseCode) -> Value {
    json!({
        "code": code.to_string(),
        "http": code.http_status(),
        "service": code.service().to_string(),
        "service_name": code.service().name(),
        "case": format!("{:02}", code.case()),
        "message": code.message(),
        "description": code.description(),
        "category": code.category().map(|c| c.as_str()),
    })
}

/// The human-readable lines.
pub fn human(code: &ResponseCode) -> String {
    let service = code.service();
    let service_line = match service.name() {
        Some(name) => format!("{service} {name}"),
        None => format!("{service} (not a published SNAP service code)"),
    };
    let unknown = "(not a general case of the BI table: provider-defined)";
    let lines = [
        ("code", code.to_string()),
        ("HTTP status", code.http_status().to_string()),
        ("service", service_line),
        ("case", format!("{:02}", code.case())),
        ("message", code.message().unwrap_or(unknown).to_owned()),
        ("description", code.description().unwrap_or("-").to_owned()),
        (
            "category",
            code.category().map_or("-", |c| c.as_str()).to_owned(),
        ),
    ];
    let mut out = String::new();
    for (k, v) in lines {
        out.push_str(&format!("{:<13}{v}\n", format!("{k}:")));
    }
    out
}
