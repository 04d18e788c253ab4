//! `snap sandbox`, run as the built binary: listens, answers a signed token
//! request, logs one line per request, stops cleanly on SIGINT (Ctrl-C).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};

use snap_core::sign::{AccessToken, RsaPrivateKey, SigningInput};
use snap_core::time::SnapTimestamp;

fn key_path(name: &str) -> String {
    format!("{}/tests/cli/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// A plain HTTP/1.1 POST over a socket; returns the whole answer text.
fn post(addr: &str, path: &str, headers: &[(&str, String)], body: &str) -> String {
    let mut s = TcpStream::connect(addr).expect("connect");
    let mut req = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    req.push_str(body);
    s.write_all(req.as_bytes()).expect("write");
    let mut out = String::new();
    s.read_to_string(&mut out).expect("read");
    out
}

#[test]
fn sandbox_serves_logs_and_stops_on_sigint() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_snap"))
        .args([
            "sandbox",
            "--addr",
            "127.0.0.1:0",
            "--client-id",
            "cli-merchant",
            "--client-secret",
            "cli-secret",
            "--public-key",
            &key_path("call-key.pub.pem"),
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("first line");
    let url = line
        .trim()
        .strip_prefix("snap sandbox listening on http://")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .to_owned();

    let key = RsaPrivateKey::from_pem(&std::fs::read_to_string(key_path("call-key.pem")).unwrap())
        .unwrap();
    let ts = SnapTimestamp::now().into_string();
    let input = SigningInput::default()
        .client_id("cli-merchant")
        .timestamp(&ts);
    let sig = AccessToken::signature(&key, &input).unwrap();
    let answer = post(
        &url,
        "/v1.0/access-token/b2b",
        &[
            ("Content-Type", "application/json".to_owned()),
            ("X-TIMESTAMP", ts),
            ("X-CLIENT-KEY", "cli-merchant".to_owned()),
            ("X-SIGNATURE", sig),
        ],
        r#"{"grantType":"client_credentials"}"#,
    );
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains("\"responseCode\":\"2007300\""), "{answer}");
    let refused = post(
        &url,
        "/v1.0/auth/payment",
        &[("Content-Type", "application/json".to_owned())],
        "{}",
    );
    assert!(refused.starts_with("HTTP/1.1 400"), "{refused}");
    assert!(refused.contains("4006302"), "{refused}");

    // Ctrl-C: SIGINT to the process we started, by its id.
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
    let out = child.wait_with_output().expect("wait");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    // One structured line per request, inside the request's span.
    let line = |path: &str, status: &str, code: &str| {
        stderr.lines().any(|l| {
            l.contains(&format!("path={path}"))
                && l.contains("answered")
                && l.contains(&format!("status={status}"))
                && l.contains(&format!("response_code={code}"))
        })
    };
    assert!(line("/v1.0/access-token/b2b", "200", "2007300"), "{stderr}");
    assert!(line("/v1.0/auth/payment", "400", "4006302"), "{stderr}");
    assert!(stderr.contains("snap sandbox: stopped"), "{stderr}");
}

#[test]
fn sandbox_refuses_a_bad_configuration() {
    for args in [
        vec!["sandbox", "--addr", "127.0.0.1:0"],
        vec![
            "sandbox",
            "--addr",
            "127.0.0.1:0",
            "--client-id",
            "a",
            "--client-secret",
            "s",
            "--error-percent",
            "101",
        ],
        vec![
            "sandbox",
            "--addr",
            "127.0.0.1:0",
            "--client-id",
            "a",
            "--client-secret",
            "s",
            "--public-key",
            "/nonexistent.pem",
        ],
        vec!["sandbox", "--config", "/nonexistent.json"],
        vec![
            "sandbox",
            "--addr",
            "127.0.0.1:0",
            "--client-id",
            "a",
            "--client-secret",
            "s",
            "--header-timeout-ms",
            "0",
        ],
        vec![
            "sandbox",
            "--addr",
            "127.0.0.1:0",
            "--client-id",
            "a",
            "--client-secret",
            "s",
            "--max-connections",
            "0",
        ],
        vec![
            "sandbox",
            "--addr",
            "127.0.0.1:0",
            "--client-id",
            "a",
            "--client-secret",
            "s",
            "--redis",
            "redis://127.0.0.1:1/",
        ],
        vec![
            "sandbox",
            "--addr",
            "127.0.0.1:0",
            "--client-id",
            "a",
            "--client-secret",
            "s",
            "--redis",
            "not a url",
        ],
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_snap"))
            .args(&args)
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.starts_with("snap sandbox: "), "{args:?}: {stderr}");
    }
}

#[test]
fn sandbox_refuses_a_non_loopback_address_without_the_flag_and_a_password() {
    let base = ["sandbox", "--client-id", "a", "--client-secret", "s"];
    for (extra, says) in [
        (vec!["--addr", "0.0.0.0:0"], "--allow-non-loopback"),
        (
            vec!["--addr", "0.0.0.0:0", "--allow-non-loopback"],
            "needs a dashboard password",
        ),
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_snap"))
            .args(base)
            .args(&extra)
            .env_remove("SNAP_DASHBOARD_PASSWORD")
            .output()
            .expect("runs");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{extra:?}: {stderr}");
        assert!(stderr.contains(says), "{extra:?}: {stderr}");
    }
}

fn get_status(addr: &str, path: &str, auth: Option<&str>) -> String {
    let mut s = TcpStream::connect(addr).expect("connect");
    let auth = auth
        .map(|a| format!("Authorization: Basic {a}\r\n"))
        .unwrap_or_default();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\n{auth}Connection: close\r\n\r\n"
    )
    .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    out.lines().next().unwrap_or("").to_owned()
}

#[test]
fn sandbox_on_all_interfaces_asks_for_the_dashboard_password() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_snap"))
        .args([
            "sandbox",
            "--addr",
            "0.0.0.0:0",
            "--allow-non-loopback",
            "--client-id",
            "a",
            "--client-secret",
            "s",
        ])
        .env("SNAP_DASHBOARD_PASSWORD", "pw-from-env")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("first line");
    let port = line
        .trim()
        .rsplit(':')
        .next()
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .to_owned();
    let addr = format!("127.0.0.1:{port}");
    assert!(get_status(&addr, "/dashboard", None).contains(" 401 "));
    // "u:pw-from-env" in base64.
    assert!(get_status(&addr, "/dashboard", Some("dTpwdy1mcm9tLWVudg==")).contains(" 200 "));
    assert!(
        get_status(
            &addr,
            "/sandbox/v1.0/dashboard/state",
            Some("dTpwdy1mcm9tLWVudg==")
        )
        .contains(" 200 ")
    );
    let _ = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status();
    let _ = child.wait();
}

#[test]
fn sandbox_profile_names_are_checked() {
    let out = Command::new(env!("CARGO_BIN_EXE_snap"))
        .args([
            "sandbox",
            "--profile",
            "midtrans",
            "--client-id",
            "x",
            "--client-secret",
            "y",
        ])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bi, gopay, paydia, ayopop, ipg"), "{err}");
}
