//! `snap conformance`, run as the built binary against the sandbox
//! (in-process, on loopback) and against providers with planted defects: a
//! thin axum proxy in front of the sandbox that re-signs every request (a
//! provider that skips the signature check), gives every request a fresh
//! X-EXTERNAL-ID (one that never answers 409), or fills in a missing
//! X-PARTNER-ID (one that does not require it). Against each, exactly the
//! checks of that defect fail.

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::process::{Command, Output};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::response::Response;
use serde_json::Value;
use snap_core::sign::{AccessToken, HmacKey, RsaPrivateKey, RsaPublicKey, SigningInput, Symmetric};
use snap_sandbox::Sandbox;
use snap_sandbox::config::{SandboxConfig, sandbox_partner};

const CLIENT_ID: &str = "cli-conformance-partner";
const SECRET: &str = "cli-conformance-secret-77";
const PUBLIC_KEY: &str = include_str!("call-key.pub.pem");
const PRIVATE_KEY: &str = include_str!("call-key.pem");

fn key_file() -> String {
    concat!(env!("CARGO_MANIFEST_DIR"), "/tests/cli/call-key.pem").to_owned()
}

async fn sandbox() -> snap_sandbox::RunningSandbox {
    let partner = sandbox_partner(
        CLIENT_ID,
        SECRET,
        Some(RsaPublicKey::from_pem(PUBLIC_KEY).unwrap()),
    )
    .unwrap();
    Sandbox::new(SandboxConfig::single(partner))
        .unwrap()
        .bind("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap()
}

/// Runs `snap conformance` off the async runtime.
async fn conformance(base_url: &str, extra: &[&str]) -> Output {
    let mut args: Vec<String> = vec![
        "conformance".into(),
        "--base-url".into(),
        base_url.into(),
        "--client-id".into(),
        CLIENT_ID.into(),
        "--client-secret".into(),
        SECRET.into(),
        "--private-key".into(),
        key_file(),
        "--auth-code".into(),
        "sandbox:conformance-customer".into(),
    ];
    args.extend(extra.iter().map(|s| (*s).to_owned()));
    tokio::task::spawn_blocking(move || {
        Command::new(env!("CARGO_BIN_EXE_snap"))
            .args(&args)
            .output()
            .expect("the snap binary runs")
    })
    .await
    .unwrap()
}

/// The checks of a `--json` run, and its exit status.
struct Run {
    code: i32,
    checks: Vec<Value>,
    passed: u64,
    failed: u64,
}

impl Run {
    fn failing(&self) -> BTreeSet<(String, String)> {
        self.checks
            .iter()
            .filter(|c| c["pass"] == false)
            .map(|c| {
                (
                    c["endpoint"].as_str().unwrap().to_owned(),
                    c["name"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    }

    fn endpoints(&self) -> BTreeSet<String> {
        self.checks
            .iter()
            .map(|c| c["endpoint"].as_str().unwrap().to_owned())
            .filter(|e| e != "BI:73" && e != "BI:74")
            .collect()
    }

    fn names(&self, endpoint: &str) -> BTreeSet<String> {
        self.checks
            .iter()
            .filter(|c| c["endpoint"] == endpoint)
            .map(|c| c["name"].as_str().unwrap().to_owned())
            .collect()
    }
}

async fn run_json(base_url: &str, extra: &[&str]) -> Run {
    let mut args = vec!["--json"];
    args.extend_from_slice(extra);
    let out = conformance(base_url, &args).await;
    let text = String::from_utf8_lossy(&out.stdout);
    let doc: Value = serde_json::from_str(&text).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {text}\nstderr: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let checks = doc["checks"].as_array().unwrap().clone();
    for c in &checks {
        for k in ["name", "endpoint", "expected", "observed"] {
            assert!(c[k].is_string(), "{k} in {c}");
        }
        assert!(c["pass"].is_boolean(), "{c}");
    }
    Run {
        code: out.status.code().unwrap_or(-1),
        passed: doc["passed"].as_u64().unwrap(),
        failed: doc["failed"].as_u64().unwrap(),
        checks,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn against_the_sandbox_every_check_passes() {
    let sb = sandbox().await;
    let run = run_json(&sb.base_url(), &[]).await;
    // Every BI service is served (families, seed services, the generic
    // answer of the others): every check of the default run passes.
    let failing = run.failing();
    assert!(
        failing.is_empty(),
        "failing against the sandbox: {failing:?}"
    );
    // X-DEVICE-ID is required on B2B2C (BI's table): the sandbox refuses
    // its absence, as the check expects.
    assert!(
        run.names("BI:67").contains("missing-header:X-DEVICE-ID")
            && !run
                .failing()
                .contains(&("BI:67".into(), "missing-header:X-DEVICE-ID".into())),
        "{:?}",
        run.checks
    );
    assert_eq!((run.code, run.failed), (0, 0));
    assert_eq!(run.passed + run.failed, run.checks.len() as u64);
    // The default set: BI endpoints that act on an existing transaction,
    // B2B and B2B2C, never Auth Payment (63), never another provider's.
    let endpoints = run.endpoints();
    for e in [
        "BI:31", "BI:57", "BI:64", "BI:65", "BI:66", "BI:67", "BI:68", "BI:69", "BI:77",
        // The families' services acting on an existing transaction or
        // account (issue 15).
        "BI:08", "BI:11", "BI:13", "BI:15", "BI:16", "BI:26", "BI:29", "BI:30", "BI:32", "BI:36",
        "BI:51", "BI:55", "BI:58", "BI:78",
        // Answered generically (snap_sandbox::generic), every check passing.
        "BI:03", "BI:39", "BI:37", "BI:42", "BI:45", "BI:46", "BI:53", "BI:61", "BI:62", "BI:80",
    ] {
        assert!(endpoints.contains(e), "{e} not in {endpoints:?}");
    }
    assert!(!endpoints.contains("BI:63"), "{endpoints:?}");
    assert!(
        endpoints.iter().all(|e| e.starts_with("BI:")),
        "{endpoints:?}"
    );
    // Every check the issue lists, on a B2B2C endpoint.
    let names = run.names("BI:67");
    for n in [
        "answer:response-code",
        "answer:mandatory-fields",
        "answer:content-type",
        "answer:x-timestamp",
        "idempotency:same-answer",
        "idempotency:other-body-409",
        "missing-header:Content-Type",
        "missing-header:Authorization",
        "missing-header:Authorization-Customer",
        "missing-header:X-TIMESTAMP",
        "missing-header:X-SIGNATURE",
        "missing-header:X-PARTNER-ID",
        "missing-header:X-EXTERNAL-ID",
        "missing-header:CHANNEL-ID",
        "missing-header:X-DEVICE-ID",
        "malformed-header:X-TIMESTAMP",
        "malformed-header:X-PARTNER-ID",
        "malformed-header:X-EXTERNAL-ID",
        "malformed-header:CHANNEL-ID",
        "bad-signature",
        "stale-timestamp",
        "unknown-token",
        "unknown-customer-token",
        "missing-field:partnerVoidNo",
        "over-long-field:partnerVoidNo",
    ] {
        assert!(names.contains(n), "{n} not checked on BI:67: {names:?}");
    }
    let token = run.names("BI:73");
    for n in [
        "token:good-signature",
        "token:bad-signature",
        "token:stale-timestamp",
        "token:missing-header:X-SIGNATURE",
        "token:missing-header:X-CLIENT-KEY",
        "answer:x-timestamp",
    ] {
        assert!(token.contains(n), "{n} not checked on 73: {token:?}");
    }
    // B2B (77): no customer-token checks.
    assert!(!run.names("BI:77").contains("missing-header:X-DEVICE-ID"));
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn text_output_one_line_per_check_then_a_summary() {
    let sb = sandbox().await;
    let out = conformance(&sb.base_url(), &["--endpoint", "QR MPM Cancel"]).await;
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    let lines: Vec<&str> = text.lines().collect();
    let summary = lines.last().unwrap();
    assert!(summary.ends_with("passed, 0 failed"), "{summary}");
    let n: usize = summary.split(' ').next().unwrap().parse().unwrap();
    assert_eq!(lines.len(), n + 1);
    let bad = lines
        .iter()
        .find(|l| l.starts_with("bad-signature "))
        .unwrap();
    assert!(bad.contains("BI:77"), "{bad}");
    assert!(bad.contains("expected: HTTP 401 4017700"), "{bad}");
    assert!(
        bad.contains("observed: HTTP 401 4017700 Unauthorized"),
        "{bad}"
    );
    assert!(bad.ends_with("PASS"), "{bad}");
    sb.shutdown().await;
}

// ---------------------------------------------------------------- planted defects

#[derive(Clone, Copy, Debug, PartialEq)]
enum Defect {
    /// Re-signs every request correctly: the provider behind it accepts any
    /// signature.
    SkipsSignature,
    /// A fresh X-EXTERNAL-ID on every request: no replay, no 409.
    Never409,
    /// Fills in a missing X-PARTNER-ID: it is not required.
    PartnerIdOptional,
}

struct Proxy {
    defect: Defect,
    upstream: String,
    client: reqwest::Client,
    hmac: HmacKey,
    rsa: RsaPrivateKey,
    counter: AtomicU64,
}

fn header<'a>(h: &'a http::HeaderMap, name: &str) -> Option<&'a str> {
    h.get(name).and_then(|v| v.to_str().ok())
}

async fn forward(State(p): State<Arc<Proxy>>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let body = axum::body::to_bytes(body, 1 << 20)
        .await
        .unwrap_or_default();
    let path = parts
        .uri
        .path_and_query()
        .map(|pq| pq.as_str().to_owned())
        .unwrap_or_default();
    let mut h = parts.headers.clone();
    match p.defect {
        Defect::SkipsSignature => {
            if h.contains_key("x-signature") {
                let ts = header(&h, "x-timestamp").unwrap_or("").to_owned();
                let sig = if path.contains("/access-token/") {
                    let id = header(&h, "x-client-key").unwrap_or("").to_owned();
                    let input = SigningInput::default().client_id(&id).timestamp(&ts);
                    AccessToken::signature(&p.rsa, &input).ok()
                } else {
                    let token = header(&h, "authorization")
                        .and_then(|a| a.strip_prefix("Bearer "))
                        .unwrap_or("")
                        .to_owned();
                    let input = SigningInput::new(parts.method.as_str(), &path)
                        .access_token(&token)
                        .body(&body)
                        .timestamp(&ts);
                    Symmetric::signature(&p.hmac, &input).ok()
                };
                // Inputs a signature cannot cover (no timestamp, no token)
                // keep the signature sent.
                if let Some(sig) = sig {
                    h.insert("x-signature", sig.parse().unwrap());
                }
            }
        }
        Defect::Never409 => {
            if header(&h, "x-external-id").is_some_and(|v| !v.is_empty() && v.len() <= 36) {
                let n = p.counter.fetch_add(1, Ordering::Relaxed);
                let fresh = format!("{:032}", 7_000_000_000u64 + n);
                h.insert("x-external-id", fresh.parse().unwrap());
            }
        }
        Defect::PartnerIdOptional => {
            if !h.contains_key("x-partner-id") {
                h.insert("x-partner-id", CLIENT_ID.parse().unwrap());
            }
        }
    }
    h.remove("host");
    h.remove("content-length");
    let upstream = p
        .client
        .request(parts.method.clone(), format!("{}{path}", p.upstream))
        .headers(h)
        .body(body.to_vec())
        .send()
        .await
        .unwrap();
    let mut out = Response::builder().status(upstream.status().as_u16());
    for name in ["content-type", "x-timestamp"] {
        if let Some(v) = upstream.headers().get(name) {
            out = out.header(name, v.clone());
        }
    }
    out.body(Body::from(upstream.bytes().await.unwrap_or_default()))
        .unwrap()
}

async fn proxy(defect: Defect, upstream: String) -> SocketAddr {
    let state = Arc::new(Proxy {
        defect,
        upstream,
        client: reqwest::Client::new(),
        hmac: HmacKey::new(SECRET.as_bytes()).unwrap(),
        rsa: RsaPrivateKey::from_pem(PRIVATE_KEY).unwrap(),
        counter: AtomicU64::new(0),
    });
    let app = axum::Router::new().fallback(forward).with_state(state);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    addr
}

/// The checks a defect must fail, given the endpoints of the run.
fn expected(defect: Defect, endpoints: &BTreeSet<String>) -> BTreeSet<(String, String)> {
    let per = |name: &str| {
        endpoints
            .iter()
            .map(|e| (e.clone(), name.to_owned()))
            .collect::<BTreeSet<_>>()
    };
    match defect {
        Defect::SkipsSignature => {
            let mut s = per("bad-signature");
            s.insert(("BI:73".to_owned(), "token:bad-signature".to_owned()));
            s
        }
        Defect::Never409 => per("idempotency:other-body-409"),
        Defect::PartnerIdOptional => per("missing-header:X-PARTNER-ID"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn planted_defects_fail_exactly_their_checks() {
    let sb = sandbox().await;
    let endpoints = [
        "--endpoint",
        "BI:77",
        "--endpoint",
        "BI:67",
        "--endpoint",
        "BI:31",
    ];
    let clean = run_json(&sb.base_url(), &endpoints).await;
    let baseline = clean.failing();
    assert!(baseline.is_empty(), "{baseline:?}");
    let names: BTreeSet<String> = ["BI:77", "BI:67", "BI:31"].map(String::from).into();
    assert_eq!(clean.endpoints(), names);
    for defect in [
        Defect::SkipsSignature,
        Defect::Never409,
        Defect::PartnerIdOptional,
    ] {
        let addr = proxy(defect, sb.base_url()).await;
        let run = run_json(&format!("http://{addr}"), &endpoints).await;
        assert_eq!(run.code, 1, "{defect:?}");
        assert_eq!(run.checks.len(), clean.checks.len(), "{defect:?}");
        let failing = run.failing();
        let want = expected(defect, &names);
        let new: BTreeSet<_> = failing.difference(&baseline).cloned().collect();
        assert_eq!(new, want, "{defect:?}: failing beyond the sandbox's own");
        assert!(failing.is_superset(&baseline), "{defect:?}");
    }
    sb.shutdown().await;
}

// ---------------------------------------------------------------- usage

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_file_drives_one_endpoint() {
    let sb = sandbox().await;
    let dir = std::env::temp_dir().join(format!("snap-conformance-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("qr-cancel.json");
    std::fs::write(
        &file,
        r#"{"originalReferenceNo":"NO-SUCH-REF-0001","merchantId":"NO-SUCH-MERCHANT","reason":"conformance"}"#,
    )
    .unwrap();
    let f = file.display().to_string();
    let run = run_json(&sb.base_url(), &["--endpoint", "BI:77", "--body", &f]).await;
    assert_eq!(run.code, 0, "{:?}", run.failing());
    // The given body's mandatory fields are the ones checked.
    let names = run.names("BI:77");
    assert!(names.contains("missing-field:merchantId"), "{names:?}");
    // --body with several endpoints, or breaking the rules: usage errors.
    let out = conformance(
        &sb.base_url(),
        &["--endpoint", "BI:77", "--endpoint", "BI:67", "--body", &f],
    )
    .await;
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("exactly one --endpoint"));
    std::fs::write(&file, r#"{"merchantId":""}"#).unwrap();
    let out = conformance(&sb.base_url(), &["--endpoint", "BI:77", "--body", &f]).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("breaks the rules"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn usage_errors_and_an_unreachable_provider_exit_2() {
    // A port nobody listens on.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let closed = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let out = conformance(&closed, &[]).await;
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("cannot be reached"), "{err}");
    assert!(out.stdout.is_empty());

    for (args, needle) in [
        (vec!["--endpoint", "no-such-endpoint"], "unknown endpoint"),
        (
            vec!["--endpoint", "Ayopop Bill Cancel"],
            "not a SNAP endpoint",
        ),
        (vec!["--endpoint", "BI:73"], "access-token endpoint"),
        (vec!["--endpoint", "Auth Payment"], "could start a payment"),
        (vec!["--channel-id", "TOO-LONG"], "--channel-id"),
    ] {
        let out = conformance(&closed, &args).await;
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(needle), "{args:?}: {err}");
    }
    let out = conformance("http://example.com", &[]).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("loopback"));
}
