//! `snap validate ENDPOINT FILE`: checks a JSON request body against an
//! endpoint's rules and prints every violation with its wire path and the SNAP
//! response code a provider would answer.
//!
//! Exit status: 0 valid, 1 invalid, 2 unreadable input (missing file, not
//! JSON, unknown endpoint).

use std::io::{self, Read};
use std::path::PathBuf;
use std::process::ExitCode;

use snap_core::endpoint::RequestError;
use snap_endpoints::registry::{self, EntryInfo};

/// Arguments of `snap validate`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Endpoint: its name as `snap endpoints` lists it (case, spaces, `-` and
    /// `_` do not matter: `auth-void`), or `provider:service` (`GoPay:67`).
    pub endpoint: String,
    /// The JSON request body; `-` reads standard input.
    pub file: PathBuf,
}

fn read_input(file: &PathBuf) -> io::Result<Vec<u8>> {
    if file.as_os_str() == "-" {
        let mut buf = Vec::new();
        io::stdin().lock().read_to_end(&mut buf)?;
        Ok(buf)
    } else {
        std::fs::read(file)
    }
}

fn label(entry: &EntryInfo) -> String {
    match entry.key() {
        Some(key) => format!("\"{}\" ({key})", entry.meta.name),
        None => format!(
            "\"{}\" ({}, not SNAP)",
            entry.meta.name, entry.meta.provider
        ),
    }
}

/// Runs `snap validate`.
pub fn run(args: Args) -> ExitCode {
    let entry = match registry::find(&args.endpoint) {
        Ok(entry) => entry,
        Err(not_found) => {
            eprintln!("snap validate: unknown endpoint `{}`", not_found.query);
            eprintln!("known endpoints (name, or provider:service):");
            for e in registry::registry() {
                match e.key() {
                    Some(key) => eprintln!("  {:<28} {key}", e.meta.name),
                    None => eprintln!("  {}", e.meta.name),
                }
            }
            return ExitCode::from(2);
        }
    };
    let body = match read_input(&args.file) {
        Ok(body) => body,
        Err(e) => {
            eprintln!("snap validate: cannot read {}: {e}", args.file.display());
            return ExitCode::from(2);
        }
    };
    match entry.validate(&body) {
        Ok(()) => {
            println!(
                "valid: {} is a valid {} request body",
                args.file.display(),
                label(entry)
            );
            ExitCode::SUCCESS
        }
        Err(RequestError::NotJson(reason)) => {
            eprintln!(
                "snap validate: {} is not JSON: {reason}",
                args.file.display()
            );
            ExitCode::from(2)
        }
        Err(RequestError::Invalid(violations)) => {
            println!(
                "invalid: {} violation(s) in {} against {}",
                violations.len(),
                args.file.display(),
                label(entry)
            );
            let width = violations
                .iter()
                .map(|v| display_path(&v.path).chars().count())
                .max()
                .unwrap_or(0);
            for v in &violations {
                let code = entry
                    .code_for(v)
                    .map_or_else(|| "(no SNAP code)".to_owned(), |c| c.to_string());
                println!("  {:<width$}  {code}  {}", display_path(&v.path), v.rule);
            }
            match entry.answer_for(&violations) {
                Some(body) => println!(
                    "provider answer: {} {}",
                    body.response_code, body.response_message
                ),
                None => println!(
                    "provider answer: not a SNAP endpoint; {} documents no code for invalid fields",
                    entry.meta.provider
                ),
            }
            ExitCode::from(1)
        }
        Err(other) => {
            eprintln!("snap validate: {}: {other}", args.file.display());
            ExitCode::from(2)
        }
    }
}

/// The root of the body prints as `(body)`.
fn display_path(path: &str) -> &str {
    if path.is_empty() { "(body)" } else { path }
}
