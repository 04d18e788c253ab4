//! `snap call ENDPOINT --body FILE --base-url URL --client-id ID
//! --client-secret S --private-key PEMFILE`: the client from the command line.
//!
//! Looks the endpoint up as `snap validate` does, validates the body (nothing
//! is sent when it breaks a rule), fetches a B2B token, makes the signed call
//! with `snap_client::SnapClient` (retries with the same X-EXTERNAL-ID
//! and body) and prints the answer body on stdout.
//!
//! TLS: certificates are always verified (no flag turns that off);
//! `--ca-cert PEMFILE` trusts an extra root (a bank's UAT CA), `--identity
//! PEMFILE` presents a client certificate and key (mutual TLS). A refused
//! handshake is a transport error whose message says which side refused.
//! `--paths bca|bri|doku|dana|aspi-sandbox|FILE.json` sends the call (and the
//! token requests) at the provider's path (`snap_endpoints::paths`). For an
//! endpoint with path or query parameters (03, 10) the body file holds them
//! as members; they go into the path and query, the rest is the body.
//!
//! Exit status: 0 success answer; 1 SNAP error answer (decoded code on
//! stderr); 2 usage or validation error (nothing sent); 3 transport failures
//! (a refused TLS handshake included) or timeouts that outlasted the retries
//! (the X-EXTERNAL-ID on stderr).

use std::io::{self, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use snap_client::{
    CallOptions, ClientConfig, ClientError, ConfigError, RefusedCall, RetryPolicy, RetryRules,
    SignatureMode, SnapClient, TransportErrorKind,
};
use snap_core::endpoint::{PathMap, RequestError};
use snap_core::secret::SecretString;
use snap_core::sign::SchemeRef;
use snap_endpoints::ayopop::{AyopopCredentials, AyopopSignature};
use snap_endpoints::ipg::{IpgKey, IpgSignature};
use snap_endpoints::registry;

/// Arguments of `snap call`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Endpoint: its name as `snap endpoints` lists it (`auth-payment`), or
    /// `provider:service` (`BI:63`).
    pub endpoint: String,
    /// The JSON request body; `-` reads standard input. It is minified, and
    /// the minified bytes are signed and sent.
    #[arg(long, value_name = "FILE")]
    pub body: PathBuf,
    /// The provider: `https://host[:port]` (`http://` only for a loopback
    /// host, e.g. a local `snap sandbox`).
    #[arg(long, value_name = "URL")]
    pub base_url: String,
    /// Deployment prefix put before the endpoint's path (`/snap`); part of
    /// the signed path.
    #[arg(long, value_name = "PREFIX", default_value = "")]
    pub path_prefix: String,
    /// The provider's paths: a preset (`bca`, `bri`, `doku`, `dana`,
    /// `aspi-sandbox`) or a JSON file `{"prefix": "/openapi", "suffix": "",
    /// "paths": {"BI:18": "/openapi/v2.0/transfer-interbank"}}`; applied after
    /// --path-prefix, signed as sent.
    #[arg(long, value_name = "NAME|FILE")]
    pub paths: Option<String>,
    /// Client id (X-CLIENT-KEY; X-PARTNER-ID unless --partner-id).
    #[arg(long, value_name = "ID")]
    pub client_id: String,
    /// X-PARTNER-ID, when it differs from the client id.
    #[arg(long, value_name = "ID")]
    pub partner_id: Option<String>,
    /// Client secret (HMAC key). Omit it to read SNAP_CLIENT_SECRET from the
    /// environment instead (keeps it out of the process list).
    #[arg(long, value_name = "S")]
    pub client_secret: Option<String>,
    /// Private key, PKCS#8 or PKCS#1 PEM (token signature, asymmetric mode);
    /// not needed for the non-SNAP endpoints (Ayopop, IPG).
    #[arg(long, value_name = "PEMFILE")]
    pub private_key: Option<PathBuf>,
    /// CHANNEL-ID.
    #[arg(long, value_name = "ID", default_value = "95221")]
    pub channel_id: String,
    /// Per-attempt timeout in milliseconds.
    #[arg(long, value_name = "N", default_value_t = 10_000)]
    pub timeout_ms: u64,
    /// Retries after the first attempt (timeouts, connection errors, 5xx).
    #[arg(long, value_name = "N", default_value_t = 2)]
    pub retries: u32,
    /// Sign with RSA and send no B2B token (SNAP signature type 2).
    #[arg(long)]
    pub asymmetric: bool,
    /// Use this X-EXTERNAL-ID (e.g. to resend a request that timed out).
    #[arg(long, value_name = "ID")]
    pub external_id: Option<String>,
    /// B2B2C endpoints: exchange this authorization code for a customer
    /// token (service 74) and send it as Authorization-Customer.
    #[arg(long, value_name = "CODE")]
    pub auth_code: Option<String>,
    /// X-DEVICE-ID for B2B2C endpoints.
    #[arg(long, value_name = "ID")]
    pub device_id: Option<String>,
    /// An extra trusted root certificate, PEM (e.g. a bank's UAT CA), in
    /// addition to the platform's roots. Verification cannot be turned off.
    #[arg(long, value_name = "PEMFILE")]
    pub ca_cert: Option<PathBuf>,
    /// Client certificate and its private key in one PEM file, for
    /// providers that require mutual TLS.
    #[arg(long, value_name = "PEMFILE")]
    pub identity: Option<PathBuf>,
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

fn usage(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("snap call: {message}");
    ExitCode::from(2)
}

/// The `--paths` map: a preset by name, else a JSON file.
fn path_map(arg: Option<&str>) -> Result<PathMap, String> {
    let Some(arg) = arg else {
        return Ok(PathMap::new());
    };
    if let Some(map) = snap_endpoints::paths::preset(arg) {
        return Ok(map);
    }
    let text = std::fs::read_to_string(arg).map_err(|e| {
        let presets: Vec<&str> = snap_endpoints::paths::PRESETS
            .iter()
            .map(|(n, _)| *n)
            .collect();
        format!(
            "--paths {arg}: not a preset ({}) and not a readable file: {e}",
            presets.join(", ")
        )
    })?;
    PathMap::from_json(&text).map_err(|e| format!("--paths {arg}: {e}"))
}

/// The client's settings. For the non-SNAP endpoints the client secret is
/// the provider's secret, registered as the signer of the endpoint's scheme:
/// IPG's API key; Ayopop's secret (with the client id as its KEY).
fn config(args: &Args, scheme: SchemeRef, paths: PathMap) -> Result<ClientConfig, String> {
    let secret = match &args.client_secret {
        Some(s) => Some(s.clone()),
        None => std::env::var("SNAP_CLIENT_SECRET").ok(),
    };
    let mut config = ClientConfig::new(&args.base_url, &args.client_id);
    if let Some(path) = &args.private_key {
        let pem = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        config = config
            .with_private_key_pem(&pem)
            .map_err(|e| e.to_string())?;
    }
    if let Some(s) = &secret {
        if scheme.is::<IpgSignature>() {
            let key = IpgKey::new(s.as_bytes()).map_err(|e| format!("IPG key: {e}"))?;
            config = config.with_signer::<IpgSignature>(key);
        } else if scheme.is::<AyopopSignature>() {
            let creds = AyopopCredentials::new(&args.client_id, s.as_bytes())
                .map_err(|e| format!("Ayopop credentials: {e}"))?;
            config = config.with_signer::<AyopopSignature>(creds);
        }
    }
    let mut config = config
        .with_path_prefix(&args.path_prefix)
        .with_paths(paths)
        .with_channel_id(&args.channel_id)
        .with_timeout(Duration::from_millis(args.timeout_ms))
        .with_retry(RetryRules::new(
            RetryPolicy::default().with_max_attempts(args.retries.saturating_add(1)),
        ));
    if let Some(secret) = secret {
        config = config.with_client_secret(SecretString::new(secret));
    }
    if let Some(partner) = &args.partner_id {
        config = config.with_partner_id(partner);
    }
    if let Some(device) = &args.device_id {
        config = config.with_device_id(device);
    }
    if args.asymmetric {
        config = config.with_signature_mode(SignatureMode::AsymmetricWithoutToken);
    }
    if let Some(path) = &args.ca_cert {
        let pem =
            std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        config = config
            .with_root_certificate_pem(&pem)
            .map_err(|e| format!("--ca-cert {}: {e}", path.display()))?;
    }
    if let Some(path) = &args.identity {
        let pem =
            std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        config = config
            .with_identity_pem(&pem)
            .map_err(|e| format!("--identity {}: {e}", path.display()))?;
    }
    Ok(config)
}

/// What to try after a refused TLS handshake, by the side that refused.
fn tls_hint(kind: TransportErrorKind, args: &Args) -> Option<&'static str> {
    match kind {
        TransportErrorKind::TlsClientRejected if args.identity.is_none() => Some(
            "hint: the server refused the handshake; if it requires a client certificate, pass --identity PEMFILE (certificate and key)",
        ),
        TransportErrorKind::TlsClientRejected => {
            Some("hint: the server refused the handshake and the client certificate of --identity")
        }
        TransportErrorKind::TlsServerRejected if args.ca_cert.is_none() => Some(
            "hint: snap refused the server's certificate; if the server uses a private CA (bank UAT), pass --ca-cert PEMFILE",
        ),
        TransportErrorKind::TlsServerRejected => {
            Some("hint: snap refused the server's certificate, even with the root of --ca-cert")
        }
        _ => None,
    }
}

fn print_answer(a: &RefusedCall) {
    eprintln!("snap call: {} answered HTTP {}", a.endpoint, a.http_status);
    match (&a.response_code, &a.code) {
        (Some(raw), Some(code)) => {
            let service = code.service();
            eprintln!(
                "responseCode: {raw} (HTTP {}, service {:02}{}, case {:02}{})",
                code.http_status(),
                service.get(),
                service.name().map(|n| format!(" {n}")).unwrap_or_default(),
                code.case(),
                a.meaning
                    .as_deref()
                    .map(|m| format!(" {m}"))
                    .unwrap_or_default()
            );
        }
        (Some(raw), None) => eprintln!("responseCode: {raw} (not a valid SNAP code)"),
        (None, _) => eprintln!("responseCode: (none)"),
    }
    if let Some(m) = &a.message {
        eprintln!("responseMessage: {m}");
    }
    if let Some(d) = &a.disagreement {
        eprintln!("note: {d}");
    }
    eprintln!("X-EXTERNAL-ID: {}", a.external_id);
    if let Some(r) = &a.partner_reference {
        eprintln!("partnerReferenceNo: {r}");
    }
}

fn print_body(body: &[u8]) {
    let mut out = io::stdout().lock();
    // A closed stdout is not worth a panic.
    let _ = out.write_all(body);
    if !body.ends_with(b"\n") {
        let _ = out.write_all(b"\n");
    }
}

/// Runs `snap call`.
pub fn run(args: Args) -> ExitCode {
    let entry = match registry::find(&args.endpoint) {
        Ok(entry) => entry,
        Err(not_found) => return usage(not_found),
    };
    let body = match read_input(&args.body) {
        Ok(body) => body,
        Err(e) => return usage(format_args!("cannot read {}: {e}", args.body.display())),
    };
    let mut paths = match path_map(args.paths.as_deref()) {
        Ok(paths) => paths,
        Err(e) => return usage(e),
    };
    // Path and query parameters (03, 10): the body file holds them; the
    // path as sent is fixed here, the rest of the body is sent.
    let mut query = None;
    let mut checked = false;
    let body = if entry.has_target_params() {
        let wire = match entry.to_wire(&body) {
            Ok(wire) => wire,
            Err(RequestError::Invalid(violations)) => {
                return report(
                    &ClientError::Validation {
                        endpoint: entry.meta.name.to_owned(),
                        violations,
                    },
                    &args,
                );
            }
            Err(e) => return usage(format_args!("{}: {e}", args.body.display())),
        };
        let sent = match paths.path_for(&entry.meta, &wire.target) {
            Ok(sent) => sent,
            Err(e) => return usage(e),
        };
        let (path, q) = match sent.split_once('?') {
            Some((path, q)) => (path.to_owned(), Some(q.to_owned())),
            None => (sent, None),
        };
        let key = entry.key().unwrap_or_else(|| entry.meta.name.to_owned());
        paths = paths.with_path(key, path);
        query = q;
        checked = true;
        wire.body
    } else {
        body
    };
    let config = match config(&args, entry.meta.signature, paths) {
        Ok(c) => c,
        Err(e) => return usage(e),
    };
    let client = match SnapClient::new(config) {
        Ok(c) => c,
        Err(e) => return usage(e),
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return usage(format_args!("cannot start the async runtime: {e}")),
    };
    let meta = entry.meta;
    let result = runtime.block_on(async {
        let mut options = CallOptions::default();
        if let Some(id) = &args.external_id {
            options = options.external_id(id);
        }
        if let Some(query) = &query {
            options = options.query(query);
        }
        if meta.customer_token {
            let Some(code) = &args.auth_code else {
                return Err(ClientError::Config(ConfigError::Request {
                    endpoint: meta.name,
                    reason: "needs a customer token (B2B2C): pass --auth-code".to_owned(),
                }));
            };
            let customer = client
                .customer_token(&SecretString::new(code.clone()))
                .await?;
            options = options.customer(&customer);
        }
        let validate = |bytes: &[u8]| {
            if checked {
                // Validated whole, parameters included, by `to_wire`.
                return Ok(());
            }
            entry.validate(bytes).map_err(|e| match e {
                RequestError::NotJson(reason) => ClientError::NotJson {
                    endpoint: meta.name.to_owned(),
                    reason,
                },
                RequestError::Invalid(violations) => ClientError::Validation {
                    endpoint: meta.name.to_owned(),
                    violations,
                },
                other => ClientError::NotJson {
                    endpoint: meta.name.to_owned(),
                    reason: other.to_string(),
                },
            })
        };
        client.call_json(&meta, &body, validate, options).await
    });
    match result {
        Ok(answer) => {
            print_body(&answer.body);
            ExitCode::SUCCESS
        }
        Err(e) => report(&e, &args),
    }
}

/// Prints an error and returns its exit status.
fn report(e: &ClientError, args: &Args) -> ExitCode {
    match e {
        ClientError::Validation {
            endpoint,
            violations,
        } => {
            eprintln!(
                "snap call: invalid {endpoint} request, nothing sent: {} violation(s)",
                violations.len()
            );
            for v in violations.iter() {
                eprintln!("  {v}");
            }
            ExitCode::from(2)
        }
        e if e.nothing_sent() => usage(e),
        ClientError::Snap(a) => {
            print_answer(a);
            print_body(&a.raw_body);
            ExitCode::from(1)
        }
        ClientError::AlreadyProcessed(p) => {
            print_answer(&p.answer);
            eprintln!("snap call: {e}");
            ExitCode::from(1)
        }
        ClientError::Timeout { .. } | ClientError::Transport { .. } => {
            eprintln!("snap call: {e}");
            if let ClientError::Transport { kind, .. } = e
                && let Some(hint) = tls_hint(*kind, args)
            {
                eprintln!("{hint}");
            }
            if let Some(id) = e.external_id() {
                eprintln!("X-EXTERNAL-ID: {id}");
            }
            ExitCode::from(3)
        }
        ClientError::Token {
            retryable,
            transport,
            ..
        } => {
            eprintln!("snap call: token request failed, the call was not sent: {e}");
            if let Some(hint) = transport.and_then(|k| tls_hint(k, args)) {
                eprintln!("{hint}");
            }
            ExitCode::from(if *retryable || transport.is_some() {
                3
            } else {
                1
            })
        }
        other => {
            eprintln!("snap call: {other}");
            if let Some(id) = other.external_id() {
                eprintln!("X-EXTERNAL-ID: {id}");
            }
            ExitCode::from(1)
        }
    }
}
