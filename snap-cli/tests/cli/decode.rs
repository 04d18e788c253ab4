//! `snap decode`, run as the built binary.

use std::process::{Command, Output};

fn snap(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_snap"))
        .args(args)
        .output()
        .expect("the snap binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn decode_prints_status_service_case_message_category() {
    let out = snap(&["decode", "4017300"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines[0], "code:        4017300");
    assert_eq!(lines[1], "HTTP status: 401");
    assert_eq!(lines[2], "service:     73 Access Token B2B");
    assert_eq!(lines[3], "case:        00");
    assert_eq!(lines[4], "message:     Unauthorized. [reason]");
    assert!(lines[5].starts_with("description: General unauthorized error"));
    assert_eq!(lines[6], "category:    System");
    assert_eq!(lines.len(), 7);
    assert!(out.stderr.is_empty());
}

#[test]
fn decode_unknown_service_and_case_still_decodes() {
    let out = snap(&["decode", "4039967"]);
    assert_eq!(out.status.code(), Some(0));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("service:     99 (not a published SNAP service code)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("message:     (not a general case"),
        "{stdout}"
    );
    assert!(stdout.contains("category:    -"), "{stdout}");
}

#[test]
fn decode_eight_digits_exits_2_with_the_typo_hint() {
    let out = snap(&["decode", "20057000"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = text(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("8 digits"), "{err}");
    assert!(err.contains("typos like 20057000"), "{err}");
}

#[test]
fn decode_non_digit_exits_2_naming_the_position() {
    let out = snap(&["decode", "40067O1"]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("'O' at position 5"), "{err}");

    let out = snap(&["decode", "123"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("3 digits"));
}

#[test]
fn decode_json_has_the_issue_keys() {
    let out = snap(&["decode", "4006701", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert_eq!(stdout.lines().count(), 1, "one object on one line");
    let v: serde_json::Value = serde_json::from_str(&stdout).expect("JSON");
    let obj = v.as_object().expect("an object");
    let mut keys: Vec<&str> = obj.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "case",
            "category",
            "code",
            "description",
            "http",
            "message",
            "service",
            "service_name"
        ]
    );
    assert_eq!(v["code"], "4006701");
    assert_eq!(v["http"], 400);
    assert_eq!(v["service"], "67");
    assert_eq!(v["service_name"], "Auth Void");
    assert_eq!(v["case"], "01");
    assert_eq!(v["message"], "Invalid Field Format {field name}");
    assert_eq!(v["description"], "Invalid format");
    assert_eq!(v["category"], "Message");
}

#[test]
fn decode_json_unknowns_are_null() {
    let out = snap(&["decode", "5009077", "--json"]);
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(v["service"], "90");
    assert!(v["service_name"].is_null());
    assert!(v["message"].is_null());
    assert!(v["description"].is_null());
    assert!(v["category"].is_null());
}

#[test]
fn decode_json_malformed_still_exits_2() {
    let out = snap(&["decode", "SUCCESS", "--json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert_eq!(text(&out.stderr).lines().count(), 1);
}
