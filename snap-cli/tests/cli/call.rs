//! `snap call`, run as the built binary against the sandbox (in-process, on
//! an ephemeral loopback port) or against a closed port.

use std::path::PathBuf;
use std::process::{Command, Output};

use snap_core::sign::RsaPublicKey;
use snap_sandbox::Sandbox;
use snap_sandbox::config::{SandboxConfig, sandbox_partner};

const CLIENT_ID: &str = "cli-call-partner";
const SECRET: &str = "cli-call-secret-4b1d";
const PUBLIC_KEY: &str = include_str!("call-key.pub.pem");

fn key_file() -> String {
    concat!(env!("CARGO_MANIFEST_DIR"), "/tests/cli/call-key.pem").to_owned()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A body file in a fresh temporary directory.
fn body_file(name: &str, body: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("snap-call-test-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("body.json");
    std::fs::write(&path, body).unwrap();
    path
}

/// Runs `snap call` off the async runtime (the sandbox keeps serving).
async fn snap_call(endpoint: &str, base_url: &str, body: PathBuf, extra: &[&str]) -> Output {
    let mut args: Vec<String> = vec![
        "call".into(),
        endpoint.into(),
        "--body".into(),
        body.display().to_string(),
        "--base-url".into(),
        base_url.into(),
        "--client-id".into(),
        CLIENT_ID.into(),
        "--client-secret".into(),
        SECRET.into(),
        "--private-key".into(),
        key_file(),
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

fn payment(reference: &str) -> String {
    format!(
        r#"{{
  "partnerReferenceNo": "{reference}",
  "merchantId": "merch00001",
  "amount": {{ "value": "10000.00", "currency": "IDR" }},
  "title": "Ikan bakar / bumbu kuning"
}}"#
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn call_exit_codes_against_the_sandbox() {
    let running = sandbox().await;
    let base = running.base_url();
    let b2b2c = ["--auth-code", "sandbox:cust-1", "--device-id", "device-1"];

    // 0: a success answer, its body on stdout.
    let out = snap_call(
        "auth-payment",
        &base,
        body_file("ok", &payment("CLI-1")),
        &b2b2c,
    )
    .await;
    assert_eq!(out.status.code(), Some(0), "stderr: {}", text(&out.stderr));
    let answer: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(answer["responseCode"], "2006300", "{answer}");

    // 1: a SNAP error answer (the same partnerReferenceNo again), the decoded
    // code on stderr.
    let out = snap_call("BI:63", &base, body_file("dup", &payment("CLI-1")), &b2b2c).await;
    assert_eq!(out.status.code(), Some(1), "stdout: {}", text(&out.stdout));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("responseCode: 409"), "{stderr}");
    assert!(stderr.contains("X-EXTERNAL-ID: "), "{stderr}");

    // 2: a body that breaks the rules; nothing is sent.
    let bad = r#"{"partnerReferenceNo":"","merchantId":"m","amount":{"value":"1.5","currency":"IDR"},"title":"t"}"#;
    let out = snap_call("auth-payment", &base, body_file("bad", bad), &b2b2c).await;
    assert_eq!(out.status.code(), Some(2), "stdout: {}", text(&out.stdout));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("nothing sent"), "{stderr}");
    assert!(out.stdout.is_empty());

    // 2: an endpoint that does not exist.
    let out = snap_call("no-such-endpoint", &base, body_file("unknown", "{}"), &[]).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("unknown endpoint"));

    // 2: a B2B2C endpoint without --auth-code.
    let out = snap_call(
        "auth-payment",
        &base,
        body_file("nocode", &payment("CLI-2")),
        &[],
    )
    .await;
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("--auth-code"));

    // 0: a non-SNAP endpoint (IPG: the client secret is its API key), no
    // private key needed.
    let reversal = r#"{"payment_ref":"IPG-CLI-1","amount":10000,"virtual_account":"1234567890","prefix":"857399"}"#;
    let out = tokio::task::spawn_blocking({
        let base = base.clone();
        let body = body_file("ipg", reversal);
        move || {
            Command::new(env!("CARGO_BIN_EXE_snap"))
                .args(["call", "IPG VA Reversal", "--body"])
                .arg(&body)
                .args(["--base-url", &base, "--path-prefix", "/ipg"])
                .args(["--client-id", CLIENT_ID, "--client-secret", SECRET])
                .output()
                .unwrap()
        }
    })
    .await
    .unwrap();
    assert_eq!(out.status.code(), Some(0), "stderr: {}", text(&out.stderr));
    let answer: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(answer["rc"], "SUCCESS", "{answer}");

    running.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn call_exits_3_with_the_external_id_when_nothing_answers() {
    // A port that was just free: connections are refused.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let body = r#"{"originalPartnerReferenceNo":"a","merchantId":"m","partnerVoidNo":"v","originalReferenceNo":"r"}"#;
    let out = snap_call(
        "GoPay:67",
        &base,
        body_file("refused", body),
        &[
            "--asymmetric",
            "--retries",
            "1",
            "--timeout-ms",
            "500",
            "--external-id",
            "777000111",
        ],
    )
    .await;
    assert_eq!(out.status.code(), Some(3), "stderr: {}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("X-EXTERNAL-ID: 777000111"), "{stderr}");
    assert!(stderr.contains("2 attempt(s)"), "{stderr}");
}
