//! `snap sign symmetric|asymmetric|token`: prints the base64 X-SIGNATURE alone.
//!
//! ```text
//! snap sign symmetric  --client-secret S --method M --path P --access-token T --timestamp TS [--body FILE]
//! snap sign asymmetric --private-key PEMFILE --method M --path P --timestamp TS [--body FILE]
//! snap sign token      --private-key PEMFILE --client-id ID --timestamp TS
//! ```
//! `--body -` reads stdin; no `--body` is an empty body. The path includes the
//! query string as sent. Exit 0 on success, 2 on bad input (one line on
//! stderr; secrets are never echoed).

use std::io::Read as _;
use std::process::ExitCode;

use snap_core::sign::{
    self, AccessToken, Asymmetric, HmacKey, RsaPrivateKey, RsaPublicKey, SigningInput, Symmetric,
};

/// A command-line secret: `Debug` prints `[redacted]`.
#[derive(Clone)]
pub struct Secret(pub String);

impl std::str::FromStr for Secret {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Self(s.to_owned()))
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[redacted]")
    }
}

/// Arguments of `snap sign`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    kind: Kind,
}

#[derive(Debug, clap::Subcommand)]
enum Kind {
    /// HMAC-SHA512(clientSecret, METHOD:path:accessToken:sha256hex(minify(body)):timestamp).
    Symmetric(SymmetricArgs),
    /// SHA256withRSA(privateKey, METHOD:path:sha256hex(minify(body)):timestamp).
    Asymmetric(AsymmetricArgs),
    /// SHA256withRSA(privateKey, clientId|timestamp) (access token 73/74).
    Token(TokenArgs),
}

/// The request parts shared by transaction signatures.
#[derive(Debug, clap::Args)]
pub struct RequestArgs {
    /// Upper-case HTTP method (POST, GET, ...).
    #[arg(long)]
    pub method: String,
    /// Relative path with query string, exactly as sent (e.g. /snap/v1.0/auth/void).
    #[arg(long)]
    pub path: String,
    /// The exact X-TIMESTAMP string.
    #[arg(long)]
    pub timestamp: String,
    /// Body file (`-` = stdin); omitted = empty body.
    #[arg(long)]
    pub body: Option<String>,
}

/// `snap sign symmetric` arguments.
#[derive(Debug, clap::Args)]
pub struct SymmetricArgs {
    /// The client secret (HMAC key).
    #[arg(long)]
    pub client_secret: Secret,
    /// The raw B2B access token, without `Bearer `.
    #[arg(long)]
    pub access_token: Secret,
    #[command(flatten)]
    pub request: RequestArgs,
}

/// `snap sign asymmetric` arguments.
#[derive(Debug, clap::Args)]
pub struct AsymmetricArgs {
    /// PEM private key file (PKCS#8 or PKCS#1, RSA >= 2048 bits).
    #[arg(long)]
    pub private_key: String,
    #[command(flatten)]
    pub request: RequestArgs,
}

/// `snap sign token` arguments.
#[derive(Debug, clap::Args)]
pub struct TokenArgs {
    /// PEM private key file (PKCS#8 or PKCS#1, RSA >= 2048 bits).
    #[arg(long)]
    pub private_key: String,
    /// The client id (X-CLIENT-KEY).
    #[arg(long)]
    pub client_id: String,
    /// The exact X-TIMESTAMP string.
    #[arg(long)]
    pub timestamp: String,
}

/// Reads the body: a file, `-` for stdin, or nothing (empty body).
pub fn read_body(body: Option<&str>) -> Result<Vec<u8>, String> {
    match body {
        None => Ok(Vec::new()),
        Some("-") => {
            let mut buf = Vec::new();
            std::io::stdin()
                .read_to_end(&mut buf)
                .map_err(|e| format!("--body -: cannot read stdin: {e}"))?;
            Ok(buf)
        }
        Some(path) => std::fs::read(path).map_err(|e| format!("--body {path}: {e}")),
    }
}

/// Checks that a non-empty body can be minified (exit 2 otherwise).
pub fn check_body(body: &[u8]) -> Result<(), String> {
    sign::minify(body)
        .map(|_| ())
        .map_err(|e| format!("--body: cannot minify: {e}"))
}

fn read_pem(flag: &str, path: &str) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("{flag} {path}: {e}"))
}

/// Loads a private key file.
pub fn load_private(path: &str) -> Result<RsaPrivateKey, String> {
    RsaPrivateKey::from_pem(&read_pem("--private-key", path)?)
        .map_err(|e| format!("--private-key {path}: {e}"))
}

/// Loads a public key file (1024..2047-bit keys only with `legacy`).
pub fn load_public(path: &str, legacy: bool) -> Result<RsaPublicKey, String> {
    let pem = read_pem("--public-key", path)?;
    let key = if legacy {
        RsaPublicKey::from_pem_allow_legacy_1024(&pem)
    } else {
        RsaPublicKey::from_pem(&pem)
    };
    key.map_err(|e| format!("--public-key {path}: {e}"))
}

/// Builds the HMAC key from the command-line secret.
pub fn hmac_key(secret: &Secret) -> Result<HmacKey, String> {
    HmacKey::new(secret.0.as_bytes()).map_err(|e| format!("--client-secret: {e}"))
}

impl RequestArgs {
    /// What is signed: method, path, `body` and timestamp from the arguments.
    pub fn input<'a>(&'a self, body: &'a [u8]) -> SigningInput<'a> {
        SigningInput::new(&self.method, &self.path)
            .body(body)
            .timestamp(&self.timestamp)
    }
}

fn sign(args: Args) -> Result<String, String> {
    match args.kind {
        Kind::Symmetric(a) => {
            let key = hmac_key(&a.client_secret)?;
            let body = read_body(a.request.body.as_deref())?;
            check_body(&body)?;
            let input = a.request.input(&body).access_token(&a.access_token.0);
            Symmetric::signature(&key, &input).map_err(|e| e.to_string())
        }
        Kind::Asymmetric(a) => {
            let key = load_private(&a.private_key)?;
            let body = read_body(a.request.body.as_deref())?;
            check_body(&body)?;
            Asymmetric::signature(&key, &a.request.input(&body)).map_err(|e| e.to_string())
        }
        Kind::Token(a) => {
            let key = load_private(&a.private_key)?;
            let input = SigningInput::default()
                .client_id(&a.client_id)
                .timestamp(&a.timestamp);
            AccessToken::signature(&key, &input).map_err(|e| e.to_string())
        }
    }
}

/// Runs `snap sign`: the signature on stdout and exit 0, or a reason and exit 2.
pub fn run(args: Args) -> ExitCode {
    match sign(args) {
        Ok(sig) => {
            println!("{sig}");
            ExitCode::SUCCESS
        }
        Err(reason) => {
            eprintln!("snap sign: {reason}");
            ExitCode::from(2)
        }
    }
}
