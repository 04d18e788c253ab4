//! The load benchmark: the sandbox against a bare axum JSON echo, side by
//! side in one process, over loopback.
//!
//! Both servers run in this process on `127.0.0.1:0`. N client tasks, each on
//! its own keep-alive HTTP/1.1 connection (hyper's low-level client, so the
//! client costs as little as possible), send signed Auth Payment requests
//! (service 63) for T seconds: every request is a new `partnerReferenceNo`,
//! a new X-EXTERNAL-ID and a fresh X-TIMESTAMP, built with snap-core's
//! `prepare`. The bare handler gets exactly the same requests (headers and
//! body) and answers `Json<serde_json::Value>` with the value it parsed. The
//! client work per request is therefore the same for both targets, and the
//! throughput ratio isolates what the server does.
//!
//! Rounds alternate the order (bare then sandbox, then sandbox then bare, ...)
//! so that drifting machine load hits both targets alike. Every loop is
//! bounded in time (`seconds`) and in count (`max_requests` per target and
//! round); the RSS sampler is bounded by a sample cap.
#![allow(
    clippy::float_arithmetic,
    reason = "rates, quantiles and ratios of measurements, not money"
)]

use std::fmt::Write as _;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use axum::Json;
use axum::routing::post;
use http_body_util::{BodyExt as _, Full};
use hyper::body::Bytes;
use hyper_util::rt::TokioIo;
use snap_core::endpoint::{
    Answer, Endpoint, PreparedRequest, RequestContext, decode_response, prepare,
};
use snap_core::headers::ExternalIdGenerator;
use snap_core::secret::SecretString;
use snap_core::sign::{AccessToken, HmacKey, RsaPrivateKey, RsaPublicKey, Symmetric};
use snap_core::time::SnapTimestamp;
use snap_endpoints::bi::{AccessTokenB2b2cRequest, AccessTokenB2bRequest, AuthPaymentRequest};
use snap_sandbox::Sandbox;
use snap_sandbox::config::{SandboxConfig, sandbox_partner};
use tokio::net::TcpStream;
use tokio::sync::oneshot;

use crate::fixtures::{
    AUTH_PAYMENT_PATH, AUTH_PAYMENT_REQUEST, CLIENT_ID, CLIENT_SECRET, TEST_PRIVATE_KEY_PEM,
    TEST_PUBLIC_KEY_PEM,
};

/// Which server a phase drives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// A bare axum handler echoing the JSON it receives.
    Bare,
    /// The snap-sandbox: every provider-side check, the ledger, idempotency.
    Sandbox,
}

impl Target {
    /// `bare` / `sandbox`.
    pub fn name(self) -> &'static str {
        match self {
            Target::Bare => "bare",
            Target::Sandbox => "sandbox",
        }
    }
}

/// Settings of one load run.
#[derive(Debug, Clone)]
pub struct LoadConfig {
    /// Concurrent clients (connections).
    pub clients: usize,
    /// Measured time per target and round.
    pub duration: Duration,
    /// Unmeasured warm-up per target and round.
    pub warmup: Duration,
    /// Rounds; the order of the targets alternates between rounds.
    pub rounds: u32,
    /// Cap on measured requests per target and round.
    pub max_requests: u64,
    /// Which targets to drive.
    pub targets: Vec<Target>,
    /// RSS sampling interval.
    pub rss_interval: Duration,
    /// Run the sandbox on this Redis (`redis://HOST:PORT/`) instead of in
    /// memory.
    pub redis: Option<String>,
}

impl Default for LoadConfig {
    fn default() -> Self {
        LoadConfig {
            clients: 8,
            duration: Duration::from_secs(3),
            warmup: Duration::from_millis(500),
            rounds: 1,
            max_requests: 2_000_000,
            targets: vec![Target::Bare, Target::Sandbox],
            rss_interval: Duration::from_millis(500),
            redis: None,
        }
    }
}

/// One target's totals over every round.
#[derive(Debug, Clone)]
pub struct TargetSummary {
    /// The target.
    pub target: Target,
    /// Measured requests that got the expected answer.
    pub ok: u64,
    /// Measured requests that failed (transport, status, body).
    pub errors: u64,
    /// The first few error descriptions.
    pub first_errors: Vec<String>,
    /// Measured time, summed over rounds.
    pub measured: Duration,
    /// Latencies of the successful measured requests, microseconds, sorted.
    pub latencies_us: Vec<u32>,
    /// VmRSS (kB) when this target's first round started and when its last ended.
    pub rss_kb: (u64, u64),
}

impl TargetSummary {
    /// Successful requests per second.
    pub fn requests_per_second(&self) -> f64 {
        let secs = self.measured.as_secs_f64();
        if secs > 0.0 {
            self.ok as f64 / secs
        } else {
            0.0
        }
    }

    /// The q-quantile (0..=1) of the latencies, microseconds.
    pub fn quantile_us(&self, q: f64) -> u32 {
        let n = self.latencies_us.len();
        if n == 0 {
            return 0;
        }
        let idx = ((n - 1) as f64 * q).round() as usize;
        self.latencies_us[idx.min(n - 1)]
    }
}

/// What a load run measured.
#[derive(Debug, Clone)]
pub struct LoadReport {
    /// The configuration that ran.
    pub config: LoadConfig,
    /// Per target, in the order of `config.targets`.
    pub targets: Vec<TargetSummary>,
    /// RSS samples: (seconds since start, VmRSS kB, target name or "idle").
    pub rss_samples: Vec<(f64, u64, &'static str)>,
    /// Peak RSS of the process (VmHWM, kB).
    pub vm_hwm_kb: u64,
    /// Every phase in the order it ran: (round, target, requests/s, errors).
    pub phases: Vec<(u32, Target, f64, u64)>,
}

impl LoadReport {
    /// sandbox requests/s divided by bare requests/s, when both ran.
    pub fn ratio(&self) -> Option<f64> {
        let get = |t| self.targets.iter().find(|s| s.target == t);
        let (s, b) = (get(Target::Sandbox)?, get(Target::Bare)?);
        let b = b.requests_per_second();
        (b > 0.0).then(|| s.requests_per_second() / b)
    }

    /// The report as Markdown.
    pub fn to_markdown(&self) -> String {
        let c = &self.config;
        let mut out = String::new();
        let _ = writeln!(
            out,
            "clients {}, {} s measured per target and round (+{} ms warm-up), {} round(s)\n",
            c.clients,
            c.duration.as_secs_f64(),
            c.warmup.as_millis(),
            c.rounds
        );
        let _ = writeln!(
            out,
            "| target | requests/s | p50 | p99 | max | ok | errors | VmRSS start -> end |"
        );
        let _ = writeln!(out, "|---|---:|---:|---:|---:|---:|---:|---|");
        for t in &self.targets {
            let _ = writeln!(
                out,
                "| {} | {:.0} | {} µs | {} µs | {} µs | {} | {} | {} -> {} kB |",
                t.target.name(),
                t.requests_per_second(),
                t.quantile_us(0.50),
                t.quantile_us(0.99),
                t.latencies_us.last().copied().unwrap_or(0),
                t.ok,
                t.errors,
                t.rss_kb.0,
                t.rss_kb.1
            );
        }
        if let Some(r) = self.ratio() {
            let met = if r >= 0.5 { "met" } else { "MISSED" };
            let _ = writeln!(
                out,
                "\nsandbox / bare throughput: {r:.3}x (target >= 0.5x: {met})"
            );
        }
        let _ = writeln!(out, "peak RSS (VmHWM): {} kB", self.vm_hwm_kb);
        if self.phases.len() > 1 {
            let line: Vec<String> = self
                .phases
                .iter()
                .map(|(r, t, rps, e)| format!("r{r} {} {rps:.0}/s ({e} errors)", t.name()))
                .collect();
            let _ = writeln!(out, "phases in order: {}", line.join(", "));
        }
        for t in &self.targets {
            for e in &t.first_errors {
                let _ = writeln!(out, "{} error: {e}", t.target.name());
            }
        }
        out
    }

    /// RSS over time for one target's phases, one `seconds kB` pair per
    /// sample, for the memory-growth check.
    pub fn rss_series(&self, target: Target) -> Vec<(f64, u64)> {
        self.rss_samples
            .iter()
            .filter(|(_, _, t)| *t == target.name())
            .map(|(s, kb, _)| (*s, *kb))
            .collect()
    }
}

/// `VmRSS` / `VmHWM` of this process from `/proc/self/status`, kB (0 when
/// unavailable, e.g. not on Linux).
pub fn proc_status_kb(field: &str) -> u64 {
    let Ok(text) = std::fs::read_to_string("/proc/self/status") else {
        return 0;
    };
    text.lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|rest| rest.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

/// The partner's keys and tokens, shared by every client task.
struct Client {
    key: HmacKey,
    access_token: SecretString,
    customer_token: SecretString,
    template: AuthPaymentRequest,
    ids: ExternalIdGenerator,
}

const PHASE_IDLE: u8 = 0;
const PHASE_BARE: u8 = 1;
const PHASE_SANDBOX: u8 = 2;
const MAX_RSS_SAMPLES: usize = 100_000;

fn phase_name(p: u8) -> &'static str {
    match p {
        PHASE_BARE => "bare",
        PHASE_SANDBOX => "sandbox",
        _ => "idle",
    }
}

/// Runs the load benchmark. Needs a multi-threaded tokio runtime.
///
/// # Errors
/// Set-up failures (binding, keys, tokens), as text. Request failures during
/// the run are counted, not returned.
pub async fn run(config: LoadConfig) -> Result<LoadReport, String> {
    let start = Instant::now();
    let phase = Arc::new(AtomicU8::new(PHASE_IDLE));
    let stop = Arc::new(AtomicBool::new(false));
    let sampler = {
        let (phase, stop, every) = (phase.clone(), stop.clone(), config.rss_interval);
        std::thread::spawn(move || {
            let mut samples = Vec::new();
            while !stop.load(Ordering::Relaxed) && samples.len() < MAX_RSS_SAMPLES {
                let p = phase_name(phase.load(Ordering::Relaxed));
                samples.push((start.elapsed().as_secs_f64(), proc_status_kb("VmRSS"), p));
                std::thread::sleep(every);
            }
            samples
        })
    };

    let loopback: SocketAddr = ([127, 0, 0, 1], 0).into();
    let public = RsaPublicKey::from_pem(TEST_PUBLIC_KEY_PEM).map_err(|e| e.to_string())?;
    let partner =
        sandbox_partner(CLIENT_ID, CLIENT_SECRET, Some(public)).map_err(|e| e.to_string())?;
    // The load comes from one partner: no per-partner rate limit here.
    let mut sandbox_config = SandboxConfig::single(partner);
    sandbox_config.provider = sandbox_config
        .provider
        .to_builder()
        .rate_limit(None)
        .build()
        .map_err(|e| e.to_string())?;
    sandbox_config.redis = config.redis.clone();
    sandbox_config.redis_prefix = format!("snap:loadbench:{}:", std::process::id());
    let sandbox = Sandbox::connect(sandbox_config)
        .await
        .map_err(|e| e.to_string())?
        .bind(loopback)
        .await
        .map_err(|e| format!("binding the sandbox: {e}"))?;
    let (bare_addr, bare_stop, bare_task) = start_bare(loopback).await?;

    let client = Arc::new(fetch_tokens(sandbox.addr()).await?);

    let mut per_target: Vec<TargetSummary> = config
        .targets
        .iter()
        .map(|&target| TargetSummary {
            target,
            ok: 0,
            errors: 0,
            first_errors: Vec::new(),
            measured: Duration::ZERO,
            latencies_us: Vec::new(),
            rss_kb: (0, 0),
        })
        .collect();
    let mut phases = Vec::new();
    for round in 0..config.rounds {
        let mut order: Vec<usize> = (0..per_target.len()).collect();
        if round % 2 == 1 {
            order.reverse();
        }
        for i in order {
            let target = per_target[i].target;
            let addr = match target {
                Target::Bare => bare_addr,
                Target::Sandbox => sandbox.addr(),
            };
            let rss_before = proc_status_kb("VmRSS");
            phase.store(
                match target {
                    Target::Bare => PHASE_BARE,
                    Target::Sandbox => PHASE_SANDBOX,
                },
                Ordering::Relaxed,
            );
            let r = drive(&config, &client, target, addr, round).await;
            phase.store(PHASE_IDLE, Ordering::Relaxed);
            let secs = r.measured.as_secs_f64();
            let rps = if secs > 0.0 { r.ok as f64 / secs } else { 0.0 };
            phases.push((round, target, rps, r.errors));
            let s = &mut per_target[i];
            if s.measured.is_zero() {
                s.rss_kb.0 = rss_before;
            }
            s.rss_kb.1 = proc_status_kb("VmRSS");
            s.ok += r.ok;
            s.errors += r.errors;
            s.measured += r.measured;
            s.latencies_us.extend(r.latencies_us);
            for e in r.first_errors {
                if s.first_errors.len() < 5 {
                    s.first_errors.push(e);
                }
            }
        }
    }
    for s in &mut per_target {
        s.latencies_us.sort_unstable();
    }

    sandbox.shutdown().await;
    let _ = bare_stop.send(());
    let _ = tokio::time::timeout(Duration::from_secs(2), bare_task).await;
    stop.store(true, Ordering::Relaxed);
    let rss_samples = sampler.join().unwrap_or_default();
    Ok(LoadReport {
        config,
        targets: per_target,
        rss_samples,
        vm_hwm_kb: proc_status_kb("VmHWM"),
        phases,
    })
}

/// The bare baseline: one axum route that echoes the JSON it parsed.
async fn start_bare(
    addr: SocketAddr,
) -> Result<
    (
        SocketAddr,
        oneshot::Sender<()>,
        tokio::task::JoinHandle<std::io::Result<()>>,
    ),
    String,
> {
    async fn echo(Json(v): Json<serde_json::Value>) -> Json<serde_json::Value> {
        Json(v)
    }
    let router = axum::Router::new().route(AUTH_PAYMENT_PATH, post(echo));
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| format!("binding the bare server: {e}"))?;
    let local = listener.local_addr().map_err(|e| e.to_string())?;
    let (tx, rx) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        axum::serve(listener, router)
            .with_graceful_shutdown(async {
                let _ = rx.await;
            })
            .await
    });
    Ok((local, tx, task))
}

type Sender = hyper::client::conn::http1::SendRequest<Full<Bytes>>;

async fn connect(addr: SocketAddr) -> Result<Sender, String> {
    let stream = TcpStream::connect(addr)
        .await
        .map_err(|e| format!("connect: {e}"))?;
    stream.set_nodelay(true).map_err(|e| e.to_string())?;
    let (sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| format!("handshake: {e}"))?;
    tokio::spawn(conn);
    Ok(sender)
}

/// Sends a prepared request on `sender`; the status and the whole body.
async fn send(
    sender: &mut Sender,
    addr: SocketAddr,
    prepared: PreparedRequest,
) -> Result<(u16, Bytes), String> {
    let mut builder = hyper::Request::builder()
        .method(prepared.method.to_http())
        .uri(prepared.path.as_str())
        .header(http::header::HOST, addr.to_string());
    if let Some(h) = builder.headers_mut() {
        prepared.headers.write_into(h);
    }
    let req = builder
        .body(Full::new(Bytes::from(prepared.body)))
        .map_err(|e| e.to_string())?;
    sender.ready().await.map_err(|e| format!("ready: {e}"))?;
    let res = sender
        .send_request(req)
        .await
        .map_err(|e| format!("send: {e}"))?;
    let status = res.status().as_u16();
    let body = res
        .into_body()
        .collect()
        .await
        .map_err(|e| format!("body: {e}"))?
        .to_bytes();
    Ok((status, body))
}

/// B2B token (73) and customer token (74, auth code `sandbox:bench-customer`)
/// from the sandbox, over HTTP, signed with the partner's RSA key.
async fn fetch_tokens(addr: SocketAddr) -> Result<Client, String> {
    let rsa = RsaPrivateKey::from_pem(TEST_PRIVATE_KEY_PEM).map_err(|e| e.to_string())?;
    let mut sender = connect(addr).await?;
    let ts = SnapTimestamp::now();
    let token_ctx = || {
        RequestContext::new(&ts)
            .with_partner_id(CLIENT_ID)
            .with_client_id(CLIENT_ID)
            .with_signer::<AccessToken>(&rsa)
    };
    let b2b = AccessTokenB2bRequest {
        grant_type: "client_credentials".into(),
        additional_info: None,
    };
    let prepared = prepare(&b2b, &token_ctx()).map_err(|e| e.to_string())?;
    let (status, body) = send(&mut sender, addr, prepared).await?;
    let access_token = match decode_response::<AccessTokenB2bRequest>(status, &body)
        .map_err(|e| format!("token 73: {e}"))?
        .answer
    {
        Answer::Success(r) => r.access_token,
        Answer::Failure(f) => return Err(format!("token 73 refused: {f:?}")),
    };
    let b2b2c = AccessTokenB2b2cRequest {
        grant_type: "AUTHORIZATION_CODE".into(),
        auth_code: Some(SecretString::new("sandbox:bench-customer".to_owned())),
        refresh_token: None,
        additional_info: None,
    };
    let prepared = prepare(&b2b2c, &token_ctx()).map_err(|e| e.to_string())?;
    let (status, body) = send(&mut sender, addr, prepared).await?;
    let customer_token = match decode_response::<AccessTokenB2b2cRequest>(status, &body)
        .map_err(|e| format!("token 74: {e}"))?
        .answer
    {
        Answer::Success(r) => r.access_token,
        Answer::Failure(f) => return Err(format!("token 74 refused: {f:?}")),
    };
    Ok(Client {
        key: HmacKey::new(CLIENT_SECRET.as_bytes()).map_err(|e| e.to_string())?,
        access_token,
        customer_token,
        template: serde_json::from_slice(AUTH_PAYMENT_REQUEST).map_err(|e| e.to_string())?,
        ids: ExternalIdGenerator::new(),
    })
}

struct PhaseResult {
    ok: u64,
    errors: u64,
    first_errors: Vec<String>,
    measured: Duration,
    latencies_us: Vec<u32>,
}

async fn drive(
    config: &LoadConfig,
    client: &Arc<Client>,
    target: Target,
    addr: SocketAddr,
    round: u32,
) -> PhaseResult {
    let measure_from = Instant::now() + config.warmup;
    let deadline = measure_from + config.duration;
    let budget = Arc::new(AtomicU64::new(config.max_requests));
    let mut tasks = Vec::with_capacity(config.clients);
    for id in 0..config.clients {
        let (client, budget) = (client.clone(), budget.clone());
        tasks.push(tokio::spawn(client_task(
            client,
            target,
            addr,
            round,
            id,
            measure_from,
            deadline,
            budget,
        )));
    }
    let mut out = PhaseResult {
        ok: 0,
        errors: 0,
        first_errors: Vec::new(),
        measured: Duration::ZERO,
        latencies_us: Vec::new(),
    };
    for t in tasks {
        match t.await {
            Ok(r) => {
                out.ok += r.ok;
                out.errors += r.errors;
                out.latencies_us.extend(r.latencies_us);
                for e in r.first_errors {
                    if out.first_errors.len() < 5 {
                        out.first_errors.push(e);
                    }
                }
            }
            Err(e) => {
                out.errors += 1;
                out.first_errors.push(format!("client task: {e}"));
            }
        }
    }
    // Measured time: from the end of the warm-up to the last answer (the
    // budget may end the phase before the deadline).
    out.measured = Instant::now().saturating_duration_since(measure_from);
    out
}

#[allow(clippy::too_many_arguments)]
async fn client_task(
    client: Arc<Client>,
    target: Target,
    addr: SocketAddr,
    round: u32,
    id: usize,
    measure_from: Instant,
    deadline: Instant,
    budget: Arc<AtomicU64>,
) -> PhaseResult {
    let mut out = PhaseResult {
        ok: 0,
        errors: 0,
        first_errors: Vec::new(),
        measured: Duration::ZERO,
        latencies_us: Vec::new(),
    };
    let fail = |out: &mut PhaseResult, measured: bool, e: String| {
        if measured {
            out.errors += 1;
            if out.first_errors.len() < 3 {
                out.first_errors.push(e);
            }
        }
    };
    let mut sender = match connect(addr).await {
        Ok(s) => s,
        Err(e) => {
            fail(&mut out, true, e);
            return out;
        }
    };
    let mut req = client.template.clone();
    let mut seq: u64 = 0;
    loop {
        let now = Instant::now();
        if now >= deadline {
            break;
        }
        let measured = now >= measure_from;
        if measured
            && budget
                .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |b| b.checked_sub(1))
                .is_err()
        {
            break;
        }
        seq += 1;
        req.partner_reference_no = format!("lb-{}-r{round}-c{id}-{seq}", target.name());
        let ts = SnapTimestamp::now();
        let external_id = client.ids.next_id();
        let ctx = RequestContext::new(&ts)
            .with_external_id(&external_id)
            .with_partner_id(CLIENT_ID)
            .with_channel_id("95221")
            .with_signer::<Symmetric>(&client.key)
            .with_access_token(&client.access_token)
            .with_customer_token(&client.customer_token)
            .with_device_id("loadbench-device");
        let prepared = match prepare(&req, &ctx) {
            Ok(p) => p,
            Err(e) => {
                fail(&mut out, measured, format!("prepare: {e}"));
                continue;
            }
        };
        let t0 = Instant::now();
        let result = send(&mut sender, addr, prepared).await;
        let micros = u32::try_from(t0.elapsed().as_micros()).unwrap_or(u32::MAX);
        match result.and_then(|(status, body)| check(target, &req, status, &body)) {
            Ok(()) => {
                if measured {
                    out.ok += 1;
                    out.latencies_us.push(micros);
                }
            }
            Err(e) => {
                fail(&mut out, measured, e);
                // A broken connection is replaced, once per failure.
                if sender.is_closed() {
                    match connect(addr).await {
                        Ok(s) => sender = s,
                        Err(e) => {
                            fail(&mut out, measured, e);
                            break;
                        }
                    }
                }
            }
        }
    }
    out
}

/// The answer is the expected one: the sandbox's `2006300`, or the bare
/// echo of the partner reference just sent.
fn check(target: Target, req: &AuthPaymentRequest, status: u16, body: &[u8]) -> Result<(), String> {
    if status != 200 {
        return Err(format!(
            "HTTP {status}: {}",
            String::from_utf8_lossy(&body[..body.len().min(200)])
        ));
    }
    let v: serde_json::Value =
        serde_json::from_slice(body).map_err(|e| format!("answer is not JSON: {e}"))?;
    let (field, want) = match target {
        Target::Sandbox => ("responseCode", "2006300"),
        Target::Bare => ("partnerReferenceNo", req.partner_reference_no.as_str()),
    };
    match v.get(field).and_then(|x| x.as_str()) {
        Some(got) if got == want => Ok(()),
        other => Err(format!("{field} = {other:?}, expected {want}")),
    }
}

/// The endpoint driven, for the report.
pub const ENDPOINT: &str = <AuthPaymentRequest as Endpoint>::META.name;
