//! `snap endpoints` and `snap validate`, run as the built binary.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

fn snap(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_snap"))
        .args(args)
        .output()
        .expect("the snap binary runs")
}

fn fixture(rel: &str) -> String {
    format!(
        "{}/../snap-endpoints/tests/fixtures/{rel}",
        env!("CARGO_MANIFEST_DIR")
    )
}

/// A file with `body` under the temp dir, unique per call.
fn temp_file(body: &[u8]) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let path = std::env::temp_dir().join(format!(
        "snap-cli-validate-{}-{}.json",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::write(&path, body).expect("temp file");
    path
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn endpoints_json_lists_every_registered_endpoint_with_the_issue_keys() {
    let out = snap(&["endpoints", "--json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let list = list.as_array().expect("an array");
    let registry = snap_endpoints::registry::registry();
    assert_eq!(list.len(), registry.len());
    for (item, entry) in list.iter().zip(registry) {
        for key in [
            "name",
            "provider",
            "service",
            "method",
            "path",
            "sandbox_path",
            "direction",
        ] {
            assert!(item.get(key).is_some(), "{key} missing in {item}");
        }
        assert_eq!(item["name"], entry.meta.name);
        assert_eq!(item["provider"], entry.meta.provider);
        assert_eq!(item["path"], entry.meta.path);
        assert_eq!(item["method"], entry.meta.method.as_str());
        assert_eq!(item["sandbox_path"], entry.sandbox_path.as_str());
        assert_eq!(
            item["direction"],
            snap_endpoints::registry::direction_label(entry)
        );
        match entry.meta.service {
            Some(s) => assert_eq!(item["service"], u64::from(s.get())),
            None => assert!(item["service"].is_null()),
        }
    }
    let gopay_void = list
        .iter()
        .find(|i| i["provider"] == "GoPay" && i["service"] == 67)
        .expect("GoPay 67 listed");
    assert_eq!(gopay_void["path"], "/v1.0/auth/void");
    assert_eq!(gopay_void["sandbox_path"], "/gopay/v1.0/auth/void");
}

#[test]
fn endpoints_table_names_every_endpoint() {
    let out = snap(&["endpoints"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.starts_with("NAME"), "{stdout}");
    for entry in snap_endpoints::registry::registry() {
        assert!(
            stdout.contains(entry.meta.name),
            "{} missing:\n{stdout}",
            entry.meta.name
        );
    }
}

#[test]
fn validate_accepts_the_documents_samples() {
    for (endpoint, file) in [
        ("Auth Void", "bi/auth_void.request.json"),
        ("auth-void", "bi/auth_void.request.json"),
        ("BI:67", "bi/auth_void.request.json"),
        ("GoPay:67", "gopay/preauth_void.request.json"),
        ("paydia:67", "paydia/auth_void.request.json"),
        ("Ayopop Bill Cancel", "ayopop/bill_cancel.request.json"),
    ] {
        let out = snap(&["validate", endpoint, &fixture(file)]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{endpoint}: {}{}",
            text(&out.stdout),
            text(&out.stderr)
        );
        assert!(
            text(&out.stdout).starts_with("valid:"),
            "{}",
            text(&out.stdout)
        );
    }
}

#[test]
fn validate_prints_every_violation_with_path_and_code_and_exits_1() {
    let body = serde_json::json!({
        "originalReferenceNo": "2020102977770000000009",
        "originalPartnerReferenceNo": "2020102900000000000001",
        "merchantId": "m".repeat(65),
        "reason": "x".repeat(257),
    });
    let file = temp_file(body.to_string().as_bytes());
    let out = snap(&["validate", "GoPay:67", file.to_str().unwrap()]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}{}", text(&out.stderr));
    assert!(stdout.starts_with("invalid: 3 violation(s)"), "{stdout}");
    let line = |path: &str| {
        stdout
            .lines()
            .find(|l| l.trim_start().starts_with(path))
            .unwrap_or_else(|| panic!("no line for {path}:\n{stdout}"))
            .to_owned()
    };
    assert!(line("merchantId").contains("4006701"), "{stdout}");
    assert!(line("reason").contains("4006701"), "{stdout}");
    assert!(line("partnerVoidNo").contains("4006702"), "{stdout}");
    assert!(
        stdout.contains("provider answer: 4006702 Invalid Mandatory Field {partnerVoidNo}"),
        "{stdout}"
    );
    let _ = std::fs::remove_file(file);
}

/// A type error, a too-long member and a missing member in one body: all
/// three, with wire paths, and the answer the provider gives (the provider
/// side's own test is in snap-sandbox's `one_parser`).
#[test]
fn validate_reports_a_type_error_a_too_long_member_and_a_missing_one() {
    let body = serde_json::json!({
        "originalPartnerReferenceNo": "2020102900000000000001",
        "originalReferenceNo": 2020102977770000u64,
        "merchantId": "m".repeat(65),
        "reason": "customer cancelled",
        "voidAmount": {"value": "10000.00", "currency": "IDR"},
    });
    let file = temp_file(body.to_string().as_bytes());
    let out = snap(&["validate", "paydia:67", file.to_str().unwrap()]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}{}", text(&out.stderr));
    assert!(stdout.starts_with("invalid: 3 violation(s)"), "{stdout}");
    for (path, code, rule) in [
        ("originalReferenceNo", "4006701", "invalid type: integer"),
        ("partnerVoidNo", "4006702", "mandatory field is missing"),
        (
            "merchantId",
            "4006701",
            "at most 64 characters allowed, got 65",
        ),
    ] {
        let line = stdout
            .lines()
            .find(|l| l.trim_start().starts_with(path))
            .unwrap_or_else(|| panic!("no line for {path}:\n{stdout}"));
        assert!(line.contains(code) && line.contains(rule), "{line}");
    }
    assert!(
        stdout.contains("provider answer: 4006702 Invalid Mandatory Field {partnerVoidNo}"),
        "{stdout}"
    );
    let _ = std::fs::remove_file(file);
}

#[test]
fn validate_reads_standard_input() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_snap"))
        .args(["validate", "BI:73", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(br#"{"additionalInfo":{}}"#)
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("grantType"),
        "{}",
        text(&out.stdout)
    );
    assert!(
        text(&out.stdout).contains("4007302"),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn validate_exits_2_on_unreadable_input() {
    // Unknown endpoint: the known names are listed.
    let out = snap(&[
        "validate",
        "Auth Cancel",
        &fixture("bi/auth_void.request.json"),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("unknown endpoint `Auth Cancel`"),
        "{stderr}"
    );
    assert!(stderr.contains("GoPay Pre-Auth Void"), "{stderr}");
    assert!(stderr.contains("GoPay:67"), "{stderr}");

    // Missing file.
    let out = snap(&["validate", "BI:67", "/nonexistent/snap-body.json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("cannot read"),
        "{}",
        text(&out.stderr)
    );

    // Not JSON.
    let file = temp_file(b"{\"merchantId\": \"m\",");
    let out = snap(&["validate", "BI:67", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("is not JSON"),
        "{}",
        text(&out.stderr)
    );
    let _ = std::fs::remove_file(file);
}

/// `snap validate BI:NN FILE` for every portal request sample: exit 0 for
/// the clean ones, 1 naming the documented defect for the others
/// (`snap-endpoints/tests/fixtures/bi/expected.json`).
#[test]
fn validate_takes_every_bi_service_by_provider_and_code() {
    let expected: serde_json::Value =
        serde_json::from_slice(&std::fs::read(fixture("bi/expected.json")).unwrap()).unwrap();
    let mut checked = 0;
    for e in expected.as_array().unwrap() {
        if e["type"] != "request" {
            continue;
        }
        let key = format!("BI:{}", e["service"]);
        let out = snap(&["validate", &key, &fixture(e["file"].as_str().unwrap())]);
        let stdout = text(&out.stdout);
        let defects = e["expected_violations"].as_array().unwrap();
        if defects.is_empty() {
            assert_eq!(
                out.status.code(),
                Some(0),
                "{key}: {stdout}{}",
                text(&out.stderr)
            );
        } else {
            assert_eq!(
                out.status.code(),
                Some(1),
                "{key}: {stdout}{}",
                text(&out.stderr)
            );
            for d in defects {
                let path = d["path"].as_str().unwrap();
                assert!(
                    stdout.lines().any(|l| l.trim_start().starts_with(path)),
                    "{key}: {path} not reported:\n{stdout}"
                );
            }
        }
        checked += 1;
    }
    // 81 services, 79 request samples (03 and 10 are GETs without a body).
    assert_eq!(checked, 79);
}
