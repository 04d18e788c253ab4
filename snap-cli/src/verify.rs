//! `snap verify symmetric|asymmetric|token ... --signature SIG [--explain]`.
//!
//! Prints `valid` (exit 0) or `invalid` (exit 1). Bad input (unreadable file,
//! bad PEM, a signature that is not base64, a body that cannot be minified)
//! exits 2 with one line on stderr. `--explain` runs the signature doctor and
//! prints its report after the verdict (exit code unchanged). 1024-bit public
//! keys are refused unless `--allow-legacy-1024` is given.

use std::process::ExitCode;

use snap_core::sign::doctor::{self, Received};
use snap_core::sign::{AccessToken, Asymmetric, SignatureError, SigningInput, Symmetric};

use crate::sign::{RequestArgs, Secret, check_body, hmac_key, load_public, read_body};

/// Arguments of `snap verify`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    kind: Kind,
}

#[derive(Debug, clap::Subcommand)]
enum Kind {
    /// Verify a symmetric (HMAC-SHA512) X-SIGNATURE.
    Symmetric(SymmetricArgs),
    /// Verify an asymmetric (SHA256withRSA) transaction / notification X-SIGNATURE.
    Asymmetric(AsymmetricArgs),
    /// Verify an access-token X-SIGNATURE (SHA256withRSA over clientId|timestamp).
    Token(TokenArgs),
}

/// Options common to all kinds.
#[derive(Debug, clap::Args)]
struct Common {
    /// The received X-SIGNATURE (standard base64).
    #[arg(long)]
    signature: String,
    /// On a mismatch (or a match), explain which known sender mistake reproduces the signature.
    #[arg(long)]
    explain: bool,
}

#[derive(Debug, clap::Args)]
struct SymmetricArgs {
    /// The client secret (HMAC key).
    #[arg(long)]
    client_secret: Secret,
    /// The raw B2B access token, without `Bearer `.
    #[arg(long)]
    access_token: Secret,
    #[command(flatten)]
    request: RequestArgs,
    #[command(flatten)]
    common: Common,
}

#[derive(Debug, clap::Args)]
struct AsymmetricArgs {
    /// PEM public key file (SPKI `BEGIN PUBLIC KEY` or PKCS#1 `BEGIN RSA PUBLIC KEY`).
    #[arg(long)]
    public_key: String,
    /// Accept a 1024..2047-bit public key (legacy providers only).
    #[arg(long)]
    allow_legacy_1024: bool,
    #[command(flatten)]
    request: RequestArgs,
    #[command(flatten)]
    common: Common,
}

#[derive(Debug, clap::Args)]
struct TokenArgs {
    /// PEM public key file (SPKI or PKCS#1).
    #[arg(long)]
    public_key: String,
    /// Accept a 1024..2047-bit public key (legacy providers only).
    #[arg(long)]
    allow_legacy_1024: bool,
    /// The client id (X-CLIENT-KEY).
    #[arg(long)]
    client_id: String,
    /// The exact X-TIMESTAMP string.
    #[arg(long)]
    timestamp: String,
    #[command(flatten)]
    common: Common,
}

/// The verdict plus the optional report.
struct Outcome {
    valid: bool,
    report: Option<String>,
}

/// Bad input: the one-line reason, and the diagnosis when `--explain` could
/// still run (e.g. a signature in base64url or with a typo in its alphabet).
struct Failure {
    reason: String,
    report: Option<String>,
}

impl From<String> for Failure {
    fn from(reason: String) -> Self {
        Self {
            reason,
            report: None,
        }
    }
}

/// Turns the strict verification result into the verdict (or bad input).
fn conclude(r: Result<(), SignatureError>, report: Option<String>) -> Result<Outcome, Failure> {
    match r {
        Ok(()) => Ok(Outcome {
            valid: true,
            report,
        }),
        Err(e) if e.is_mismatch() => Ok(Outcome {
            valid: false,
            report,
        }),
        Err(e) => Err(Failure {
            reason: e.to_string(),
            report,
        }),
    }
}

fn verify(args: Args) -> Result<Outcome, Failure> {
    match args.kind {
        Kind::Symmetric(a) => {
            let key = hmac_key(&a.client_secret)?;
            let body = read_body(a.request.body.as_deref())?;
            check_body(&body)?;
            let r = &a.request;
            let sig = &a.common.signature;
            let token = &a.access_token.0;
            let report = a.common.explain.then(|| {
                doctor::diagnose_symmetric(&key, token, &received(r, &body, sig)).to_string()
            });
            let result =
                Symmetric::verify_signature(&key, &r.input(&body).access_token(token), sig);
            conclude(result, report)
        }
        Kind::Asymmetric(a) => {
            let key = load_public(&a.public_key, a.allow_legacy_1024)?;
            let body = read_body(a.request.body.as_deref())?;
            check_body(&body)?;
            let r = &a.request;
            let sig = &a.common.signature;
            let report = a
                .common
                .explain
                .then(|| doctor::diagnose_asymmetric(&key, &received(r, &body, sig)).to_string());
            let result = Asymmetric::verify_signature(&key, &r.input(&body), sig);
            conclude(result, report)
        }
        Kind::Token(a) => {
            let key = load_public(&a.public_key, a.allow_legacy_1024)?;
            let sig = &a.common.signature;
            let report = a
                .common
                .explain
                .then(|| doctor::diagnose_token(&key, &a.client_id, &a.timestamp, sig).to_string());
            let input = SigningInput::default()
                .client_id(&a.client_id)
                .timestamp(&a.timestamp);
            conclude(AccessToken::verify_signature(&key, &input, sig), report)
        }
    }
}

fn received<'a>(r: &'a RequestArgs, body: &'a [u8], signature: &'a str) -> Received<'a> {
    Received {
        method: &r.method,
        path: &r.path,
        body,
        timestamp: &r.timestamp,
        signature,
    }
}

/// Runs `snap verify`: `valid` exit 0, `invalid` exit 1, bad input exit 2.
pub fn run(args: Args) -> ExitCode {
    match verify(args) {
        Ok(o) => {
            println!("{}", if o.valid { "valid" } else { "invalid" });
            if let Some(report) = o.report {
                print!("{report}");
            }
            if o.valid {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            }
        }
        Err(Failure { reason, report }) => {
            eprintln!("snap verify: {reason}");
            if let Some(report) = report {
                print!("{report}");
            }
            ExitCode::from(2)
        }
    }
}
