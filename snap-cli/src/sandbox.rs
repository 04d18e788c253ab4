//! `snap sandbox`: a local SNAP provider on loopback (crate `snap-sandbox`).
//!
//! ```text
//! snap sandbox --addr 127.0.0.1:8080 --client-id ID --client-secret S --public-key PEMFILE
//! snap sandbox --config sandbox.json
//! snap sandbox --config sandbox.json --redis redis://127.0.0.1:6379/   # several processes, one provider
//! snap sandbox --profile gopay --client-id ID --client-secret S --public-key PEMFILE
//! snap sandbox --client-id ID --client-secret S --public-key PEMFILE --merchant-url http://127.0.0.1:9090
//! ```
//!
//! Connection safety (each also a config-file key): `--header-timeout-ms`
//! (default 10000), `--body-timeout-ms` (30000), `--idle-timeout-ms`
//! (60000), `--max-connections` (1024), `--rate-limit` (requests per second
//! per partner, default 1000, 0 for none).
//!
//! The partner's `X-CLIENT-KEY` and `X-PARTNER-ID` are `ID`. Prints
//! `snap sandbox listening on http://ADDR` on stdout once bound (with port 0,
//! read the port from that line), then one log line per request on stderr.
//! Ctrl-C stops it cleanly. Exit status: 0 after a clean stop, 2 for a bad
//! configuration, 1 when the address cannot be bound.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use snap_core::sign::RsaPublicKey;
use snap_sandbox::Sandbox;
use snap_sandbox::config::{ConfigError, SandboxConfig, sandbox_partner};
use snap_sandbox::dashboard::DashboardPassword;

/// Arguments of `snap sandbox`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// The partner's client id (its X-CLIENT-KEY and X-PARTNER-ID).
    #[arg(long, requires = "client_secret")]
    pub client_id: Option<String>,
    /// The partner's client secret (symmetric signatures; also its IPG API
    /// key and Ayopop secret).
    #[arg(long, requires = "client_id")]
    pub client_secret: Option<String>,
    /// The partner's RSA public key, PEM (SPKI or PKCS#1): verifies its
    /// access-token requests (73/74).
    #[arg(long, requires = "client_id")]
    pub public_key: Option<PathBuf>,
    /// The partner signs B2B transactions asymmetrically (no B2B token).
    #[arg(long, requires = "public_key")]
    pub asymmetric: bool,
    /// Serve one provider at its own paths, no mount prefix: bi, gopay,
    /// paydia, ayopop, ipg. Without it, the combined layout (BI at its
    /// paths, other providers under /<provider>).
    #[arg(long)]
    pub profile: Option<snap_sandbox::profile::Profile>,
    /// A JSON config file registering several partners (see the README).
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// X-TIMESTAMP window, seconds (default 300).
    #[arg(long)]
    pub timestamp_window_secs: Option<u64>,
    /// Largest accepted body, bytes (default 65536).
    #[arg(long)]
    pub body_limit: Option<usize>,
    /// Keep tokens, X-EXTERNAL-ID records, rate limits and the ledger in
    /// this Redis (`redis://HOST:PORT/`): several `snap sandbox` processes
    /// on it act as one provider. Without it: in memory, bounded.
    #[arg(long, value_name = "URL")]
    pub redis: Option<String>,
    /// How long a client may take to send a request head (and a kept-alive
    /// connection may wait for its next one), milliseconds (default 10000).
    #[arg(long, value_name = "MS")]
    pub header_timeout_ms: Option<u64>,
    /// How long a client may take to send a body, milliseconds (default 30000).
    #[arg(long, value_name = "MS")]
    pub body_timeout_ms: Option<u64>,
    /// How long a connection may make no progress, milliseconds (default 60000).
    #[arg(long, value_name = "MS")]
    pub idle_timeout_ms: Option<u64>,
    /// Connections served at once (default 1024); more wait in the backlog.
    #[arg(long, value_name = "N")]
    pub max_connections: Option<usize>,
    /// Requests per second per partner, answered 429 past it (default 1000;
    /// 0: no limit).
    #[arg(long, value_name = "PER_SECOND")]
    pub rate_limit: Option<u32>,
    /// Fault knob: delay before every request, milliseconds.
    #[arg(long)]
    pub delay_ms: Option<u64>,
    /// Fault knob: percentage of requests processed but answered late.
    #[arg(long)]
    pub timeout_percent: Option<u8>,
    /// Fault knob: percentage of requests answered 500 unprocessed.
    #[arg(long)]
    pub error_percent: Option<u8>,
    /// Fault knob: how long a "timed out" answer is held back, milliseconds
    /// (default 30000).
    #[arg(long)]
    pub timeout_hold_ms: Option<u64>,
    /// Fault knob: seed of the fault generator (reproducible runs).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Log at debug level (includes the signature doctor's diagnosis of
    /// every rejected signature).
    #[arg(long, short)]
    pub verbose: bool,
    /// Allow `--addr` to be a non-loopback address (the dashboard and the
    /// helper API are then reachable from the network: needs
    /// `--dashboard-password`).
    #[arg(long)]
    pub allow_non_loopback: bool,
    /// Password of the dashboard (`/`, `/dashboard`) and the helper API
    /// (`/sandbox/v1.0/...`): HTTP Basic, any user name. Also read from
    /// `SNAP_DASHBOARD_PASSWORD`.
    #[arg(long)]
    pub dashboard_password: Option<String>,
    /// The merchant's own SNAP server (`http://127.0.0.1:9090`): the
    /// sandbox sends it, as the bank would, VA payment 25 when a VA is paid
    /// (`POST /sandbox/v1.0/va/pay`, the dashboard's "pay"), QRIS
    /// notification 52 when a QR is paid, direct debit notification 56 when
    /// a payment 54 succeeds. For every partner without its own
    /// `merchantUrl` in the config file.
    #[arg(long, value_name = "URL")]
    pub merchant_url: Option<String>,
    /// The bank's client id at the merchant (its X-CLIENT-KEY and
    /// X-PARTNER-ID there; default SANDBOX-BANK). The bank signs its
    /// transactions with the partner's client secret.
    #[arg(long, value_name = "ID")]
    pub bank_client_id: Option<String>,
    /// The bank's RSA private key (PEM) for its token requests at the
    /// merchant. Without it one is generated at start; its public key is
    /// printed and served at /sandbox/v1.0/bank/public-key.
    #[arg(long, value_name = "PEMFILE")]
    pub bank_private_key: Option<PathBuf>,
}

/// Checks the exposure rules: a non-loopback `--addr` needs
/// `--allow-non-loopback` and a dashboard password.
pub fn check_exposure(args: &Args) -> Result<Option<DashboardPassword>, String> {
    let password = args
        .dashboard_password
        .clone()
        .or_else(|| std::env::var("SNAP_DASHBOARD_PASSWORD").ok())
        .and_then(DashboardPassword::new);
    if args.addr.ip().is_loopback() {
        return Ok(password);
    }
    if !args.allow_non_loopback {
        return Err(format!(
            "--addr {} is not a loopback address: the dashboard and the helper API would be reachable from the network; \
             pass --allow-non-loopback and --dashboard-password (or SNAP_DASHBOARD_PASSWORD) to do that",
            args.addr
        ));
    }
    match password {
        Some(p) => Ok(Some(p)),
        None => Err(format!(
            "--addr {} with --allow-non-loopback needs a dashboard password: pass --dashboard-password or set SNAP_DASHBOARD_PASSWORD",
            args.addr
        )),
    }
}

fn build_config(args: &Args) -> Result<SandboxConfig, String> {
    let mut config = match &args.config {
        Some(path) => SandboxConfig::from_file(path).map_err(|e| e.to_string())?,
        None => SandboxConfig::with_partners(Vec::new()),
    };
    if let (Some(id), Some(secret)) = (&args.client_id, &args.client_secret) {
        let key = match &args.public_key {
            Some(path) => {
                let pem = std::fs::read_to_string(path)
                    .map_err(|e| format!("--public-key {}: {e}", path.display()))?;
                Some(
                    RsaPublicKey::from_pem(&pem)
                        .map_err(|e| format!("--public-key {}: {e}", path.display()))?,
                )
            }
            None => None,
        };
        let mut partner = sandbox_partner(id, secret, key).map_err(|e| e.to_string())?;
        if args.asymmetric {
            partner = partner.with_asymmetric_transactions();
        }
        if config.partners.iter().any(|p| p.client_id == *id) {
            return Err(ConfigError::DuplicatePartner(id.clone()).to_string());
        }
        config.partners.push(partner);
        config.merchant_calls = (config.merchant_calls.clone())
            .with_partner(id, secret, None)
            .map_err(|e| format!("--client-secret: {e}"))?;
    }
    if let Some(url) = &args.merchant_url {
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err(format!(
                "--merchant-url {url}: must start with http:// or https://"
            ));
        }
        config.merchant_calls.default_url = Some(url.clone());
    }
    if let Some(id) = &args.bank_client_id {
        config.merchant_calls.bank_client_id = id.clone();
    }
    if let Some(path) = &args.bank_private_key {
        let pem = std::fs::read_to_string(path)
            .map_err(|e| format!("--bank-private-key {}: {e}", path.display()))?;
        let key = snap_core::sign::RsaPrivateKey::from_pem(&pem)
            .map_err(|e| format!("--bank-private-key {}: {e}", path.display()))?;
        config.merchant_calls.bank_key = Some(std::sync::Arc::new(key));
    }
    if config.partners.is_empty() {
        return Err(ConfigError::NoPartner.to_string());
    }
    if let Some(w) = args.timestamp_window_secs {
        config.provider = (config.provider.to_builder())
            .timestamp_window(Duration::from_secs(w))
            .build()
            .map_err(|e| format!("--timestamp-window-secs: {e}"))?;
    }
    if let Some(b) = args.body_limit {
        config.provider = (config.provider.to_builder())
            .body_limit(b)
            .build()
            .map_err(|e| format!("--body-limit: {e}"))?;
    }
    let ms = Duration::from_millis;
    let mut p = config.provider.to_builder();
    if let Some(t) = args.header_timeout_ms {
        p = p.header_read_timeout(ms(t));
    }
    if let Some(t) = args.body_timeout_ms {
        p = p.body_read_timeout(ms(t));
    }
    if let Some(t) = args.idle_timeout_ms {
        p = p.idle_timeout(ms(t));
    }
    if let Some(n) = args.max_connections {
        p = p.max_connections(n);
    }
    if let Some(r) = args.rate_limit {
        p = p.rate_limit((r > 0).then(|| snap_server::limits::RateLimit::per_second(r)));
    }
    config.provider = p.build().map_err(|e| {
        let flag = match e.setting() {
            "header_read_timeout" => "--header-timeout-ms",
            "body_read_timeout" => "--body-timeout-ms",
            "idle_timeout" => "--idle-timeout-ms",
            "max_connections" => "--max-connections",
            "rate_limit" => "--rate-limit",
            other => other,
        };
        format!("{flag}: {e}")
    })?;
    if let Some(url) = &args.redis {
        config.redis = Some(url.clone());
    }
    if let Some(d) = args.delay_ms {
        config.faults.delay_ms = d;
    }
    if let Some(t) = args.timeout_percent {
        config.faults.timeout_percent = t;
    }
    if let Some(e) = args.error_percent {
        config.faults.error_percent = e;
    }
    if let Some(h) = args.timeout_hold_ms {
        config.faults.timeout_hold_ms = h;
    }
    if let Some(s) = args.seed {
        config.faults.seed = s;
    }
    config.faults.validate().map_err(|e| e.to_string())?;
    Ok(config)
}

/// Installs the stderr log subscriber (info, or debug with `verbose`).
pub fn init_logging(verbose: bool) {
    let level = if verbose {
        tracing::Level::DEBUG
    } else {
        tracing::Level::INFO
    };
    let _ = tracing_subscriber::fmt()
        .with_max_level(level)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_target(false)
        .try_init();
}

/// Runs `snap sandbox`.
pub fn run(args: Args) -> ExitCode {
    let config = match build_config(&args) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("snap sandbox: {e}");
            return ExitCode::from(2);
        }
    };
    let password = match check_exposure(&args) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("snap sandbox: {e}");
            return ExitCode::from(2);
        }
    };
    init_logging(args.verbose);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("snap sandbox: cannot start the runtime: {e}");
            return ExitCode::from(1);
        }
    };
    runtime.block_on(async move {
        let sandbox = match Sandbox::connect(config).await {
            Ok(s) => match password {
                Some(p) => s.with_dashboard_password(p),
                None => s,
            },
            Err(e) => {
                eprintln!("snap sandbox: {e}");
                return ExitCode::from(2);
            }
        };
        let sandbox = match args.profile {
            Some(p) => sandbox.with_profile(p),
            None => sandbox,
        };
        let running = match sandbox.bind(args.addr).await {
            Ok(r) => r,
            Err(e) => {
                eprintln!("snap sandbox: cannot listen on {}: {e}", args.addr);
                return ExitCode::from(1);
            }
        };
        println!("snap sandbox listening on {}", running.base_url());
        eprintln!(
            "snap sandbox: dashboard at {}/dashboard",
            running.base_url()
        );
        let notifier = &running.sandbox().state().merchant_calls;
        let calls = notifier.calls();
        for p in calls.partners.keys() {
            if let Some((url, _)) = calls.target(p) {
                eprintln!(
                    "snap sandbox: the bank's calls for partner {p} go to {url} (client id {}, HMAC with {p}'s client secret); see {}/sandbox/v1.0/merchant-calls",
                    calls.bank_client_id,
                    running.base_url()
                );
            }
        }
        if let Some(pem) = notifier.public_key_pem() {
            eprintln!(
                "snap sandbox: the bank's public key (register it at the merchant; also at {}/sandbox/v1.0/bank/public-key):\n{pem}",
                running.base_url()
            );
        }
        if let Err(e) = tokio::signal::ctrl_c().await {
            eprintln!("snap sandbox: cannot wait for Ctrl-C: {e}");
        }
        tracing::info!("Ctrl-C: finishing in-flight requests (at most 2 s), then stopping");
        running.shutdown().await;
        eprintln!("snap sandbox: stopped");
        ExitCode::SUCCESS
    })
}
