//! `snap sign` / `snap verify` (with `--explain`), run as the built binary.
//! Expected signatures come from snap-core's KAT files (public ones and our
//! own, computed with python3/openssl by snap-core/tests/vectors/gen.sh).

use std::io::Write as _;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

fn snap_stdin(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_snap"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the snap binary runs");
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    child.wait_with_output().unwrap()
}

fn snap(args: &[&str]) -> Output {
    snap_stdin(args, b"")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn vectors_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../snap-core/tests/vectors")
}

fn key(name: &str) -> String {
    vectors_dir().join(name).to_string_lossy().into_owned()
}

fn kat(file: &str, id: &str) -> serde_json::Value {
    let all: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(vectors_dir().join(file)).unwrap()).unwrap();
    all["vectors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["id"] == id)
        .unwrap()
        .clone()
}

fn s<'a>(v: &'a serde_json::Value, k: &str) -> &'a str {
    v[k].as_str().unwrap()
}

/// Writes `content` to a fresh temp file and returns its path.
fn temp_file(name: &str, content: &[u8]) -> String {
    let dir = std::env::temp_dir().join(format!("snap-cli-sign-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, content).unwrap();
    p.to_string_lossy().into_owned()
}

fn sym_args<'a>(v: &'a serde_json::Value, body: &'a str) -> Vec<&'a str> {
    vec![
        "symmetric",
        "--client-secret",
        s(v, "client_secret"),
        "--method",
        s(v, "http_method"),
        "--path",
        s(v, "endpoint_url"),
        "--access-token",
        s(v, "access_token"),
        "--timestamp",
        s(v, "x_timestamp"),
        "--body",
        body,
    ]
}

fn with<'a>(cmd: &'a str, mut rest: Vec<&'a str>, extra: &[&'a str]) -> Vec<String> {
    rest.insert(0, cmd);
    rest.extend_from_slice(extra);
    rest.into_iter().map(str::to_owned).collect()
}

fn run(args: &[String]) -> Output {
    snap(&args.iter().map(String::as_str).collect::<Vec<_>>())
}

#[test]
fn sign_symmetric_prints_the_midtrans_kat_signature_alone() {
    let v = kat("public-kat.json", "midtrans_symmetric_qr_mpm_generate");
    let body = temp_file("midtrans.json", s(&v, "request_body").as_bytes());
    let out = run(&with("sign", sym_args(&v, &body), &[]));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        format!("{}\n", s(&v, "expected_signature_base64"))
    );
    assert!(out.stderr.is_empty());
}

#[test]
fn sign_symmetric_reads_the_body_from_stdin() {
    let v = kat("own-kat.json", "sym_slash_non_ascii");
    let out = snap_stdin(
        &with("sign", sym_args(&v, "-"), &[])
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
        s(&v, "request_body").as_bytes(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout).trim_end(),
        s(&v, "expected_signature_base64")
    );
}

#[test]
fn sign_symmetric_without_body_signs_the_empty_body() {
    let v = kat("own-kat.json", "sym_get_query_no_body");
    let mut args = sym_args(&v, "");
    args.truncate(args.len() - 2); // no --body at all
    let out = run(&with("sign", args, &[]));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout).trim_end(),
        s(&v, "expected_signature_base64")
    );
}

#[test]
fn sign_asymmetric_and_token_match_own_vectors() {
    let v = kat("own-kat.json", "asym_pkcs8_pretty_millis");
    let body = temp_file("pretty.json", s(&v, "request_body").as_bytes());
    let pk = key(s(&v, "private_key_file"));
    let out = snap(&[
        "sign",
        "asymmetric",
        "--private-key",
        &pk,
        "--method",
        s(&v, "http_method"),
        "--path",
        s(&v, "endpoint_url"),
        "--timestamp",
        s(&v, "x_timestamp"),
        "--body",
        &body,
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout).trim_end(),
        s(&v, "expected_signature_base64")
    );

    let t = kat("own-kat.json", "token_pkcs1_z");
    let pk = key(s(&t, "private_key_file"));
    let out = snap(&[
        "sign",
        "token",
        "--private-key",
        &pk,
        "--client-id",
        s(&t, "client_id"),
        "--timestamp",
        s(&t, "x_timestamp"),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        format!("{}\n", s(&t, "expected_signature_base64"))
    );
}

#[test]
fn verify_symmetric_valid_and_invalid() {
    let v = kat("public-kat.json", "midtrans_symmetric_qr_mpm_generate");
    let body = temp_file("midtrans-v.json", s(&v, "request_body").as_bytes());
    let good = s(&v, "expected_signature_base64");
    let out = run(&with("verify", sym_args(&v, &body), &["--signature", good]));
    assert_eq!(
        (out.status.code(), text(&out.stdout)),
        (Some(0), "valid\n".to_owned())
    );
    let other = temp_file("other.json", b"{\"partnerReferenceNo\":\"x\"}");
    let out = run(&with(
        "verify",
        sym_args(&v, &other),
        &["--signature", good],
    ));
    assert_eq!(
        (out.status.code(), text(&out.stdout)),
        (Some(1), "invalid\n".to_owned())
    );
}

#[test]
fn verify_asymmetric_and_token_valid_and_invalid() {
    let v = kat("public-kat.json", "midtrans_notification_verify");
    let pubk = temp_file("midtrans.pub.pem", s(&v, "public_key_pem").as_bytes());
    let body = temp_file("notify.json", s(&v, "request_body").as_bytes());
    let base = |ts: &str| {
        vec![
            "verify".to_owned(),
            "asymmetric".into(),
            "--public-key".into(),
            pubk.clone(),
            "--method".into(),
            "POST".into(),
            "--path".into(),
            s(&v, "endpoint_url").into(),
            "--timestamp".into(),
            ts.into(),
            "--body".into(),
            body.clone(),
            "--signature".into(),
            s(&v, "expected_signature_base64").into(),
        ]
    };
    let out = run(&base(s(&v, "x_timestamp")));
    assert_eq!(
        (out.status.code(), text(&out.stdout)),
        (Some(0), "valid\n".to_owned()),
        "{}",
        text(&out.stderr)
    );
    let out = run(&base("2024-05-02T14:43:09+07:00"));
    assert_eq!(
        (out.status.code(), text(&out.stdout)),
        (Some(1), "invalid\n".to_owned())
    );

    let t = kat("own-kat.json", "token_pkcs8_millis");
    let pubk = key(s(&t, "public_key_file"));
    for (cid, code, word) in [
        (s(&t, "client_id"), 0, "valid\n"),
        ("someone-else", 1, "invalid\n"),
    ] {
        let out = snap(&[
            "verify",
            "token",
            "--public-key",
            &pubk,
            "--client-id",
            cid,
            "--timestamp",
            s(&t, "x_timestamp"),
            "--signature",
            s(&t, "expected_signature_base64"),
        ]);
        assert_eq!(
            (out.status.code(), text(&out.stdout).as_str()),
            (Some(code), word)
        );
    }
}

#[test]
fn qoinhub_1024_bit_key_is_refused_for_signing_and_legacy_verifiable() {
    let v = kat("public-kat.json", "qoinhub_b2b_token");
    let pk = temp_file("qoinhub.pem", s(&v, "private_key_pem").as_bytes());
    let out = snap(&[
        "sign",
        "token",
        "--private-key",
        &pk,
        "--client-id",
        s(&v, "client_id"),
        "--timestamp",
        s(&v, "x_timestamp"),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.contains("1024 bits") && err.contains("2048"), "{err}");
    assert_eq!(err.lines().count(), 1);
    let pubk = key("qoinhub-1024.pub.pem");
    let verify = |legacy: bool| {
        let mut a = vec![
            "verify",
            "token",
            "--public-key",
            &pubk,
            "--client-id",
            s(&v, "client_id"),
            "--timestamp",
            s(&v, "x_timestamp"),
            "--signature",
            s(&v, "expected_signature_base64"),
        ];
        if legacy {
            a.push("--allow-legacy-1024");
        }
        snap(&a)
    };
    assert_eq!(verify(false).status.code(), Some(2));
    let out = verify(true);
    assert_eq!(
        (out.status.code(), text(&out.stdout)),
        (Some(0), "valid\n".to_owned())
    );
}

#[test]
fn bad_input_exits_2_with_one_line_and_no_secret() {
    let v = kat("public-kat.json", "midtrans_symmetric_qr_mpm_generate");
    let good = s(&v, "expected_signature_base64");
    let secret = s(&v, "client_secret");
    let cases: Vec<(Vec<String>, &str)> = vec![
        (
            with("sign", sym_args(&v, "/nonexistent/body.json"), &[]),
            "/nonexistent/body.json",
        ),
        (
            with(
                "verify",
                sym_args(&v, &temp_file("unterminated.json", b"{\"a\":\"x")),
                &["--signature", good],
            ),
            "not terminated",
        ),
        (
            with(
                "verify",
                sym_args(&v, &temp_file("ok.json", b"{}")),
                &["--signature", "%%%not-base64"],
            ),
            "base64",
        ),
        (
            vec![
                "sign".into(),
                "token".into(),
                "--private-key".into(),
                temp_file("bad.pem", b"hello"),
                "--client-id".into(),
                "c".into(),
                "--timestamp".into(),
                "t".into(),
            ],
            "PEM",
        ),
        (
            vec![
                "sign".into(),
                "asymmetric".into(),
                "--private-key".into(),
                key("test-a-spki.pub.pem"),
                "--method".into(),
                "GET".into(),
                "--path".into(),
                "/x".into(),
                "--timestamp".into(),
                "t".into(),
            ],
            "public key",
        ),
        (
            with("sign", sym_args(&v, &temp_file("ok2.json", b"{}")), &[])
                .into_iter()
                .map(|a| if a == "POST" { "post".into() } else { a })
                .collect(),
            "upper-case",
        ),
    ];
    for (args, needle) in cases {
        let out = run(&args);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(needle), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(!err.contains(secret) && !text(&out.stdout).contains(secret));
        assert!(out.stdout.is_empty(), "{args:?}");
    }
}

#[test]
fn explain_names_a_php_escaped_slash() {
    // the sender hashed PHP's json_encode output ("\/") but sent the raw "/"
    let sent = br#"{"url":"https://merchant.example/cb"}"#;
    let php = br#"{"url":"https:\/\/merchant.example\/cb"}"#;
    let body = temp_file("php-sent.json", sent);
    let php_file = temp_file("php-hashed.json", php);
    let common = |b: &str| {
        vec![
            "symmetric",
            "--client-secret",
            "secret-1",
            "--method",
            "POST",
            "--path",
            "/v1.0/transfer-va/payment",
            "--access-token",
            "tok-123456",
            "--timestamp",
            "2024-06-01T10:00:00+07:00",
            "--body",
        ]
        .into_iter()
        .map(str::to_owned)
        .chain([b.to_owned()])
        .collect::<Vec<_>>()
    };
    let mut sign_args = vec!["sign".to_owned()];
    sign_args.extend(common(&php_file));
    let wrong = text(&run(&sign_args).stdout).trim_end().to_owned();
    let mut verify_args = vec!["verify".to_owned()];
    verify_args.extend(common(&body));
    verify_args.extend(["--signature".to_owned(), wrong, "--explain".to_owned()]);
    let out = run(&verify_args);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.starts_with("invalid\n"), "{stdout}");
    // An ASCII body: PHP's default flags and JSON_UNESCAPED_UNICODE alone
    // give the same bytes; the default (no flag at all) ranks first.
    assert!(
        stdout.contains("matches known mistake `php-default-escaping`"),
        "{stdout}"
    );
    assert!(stdout.contains("2. `php-escaped-slashes`"), "{stdout}");
    assert!(
        stdout.contains(r#"https:\/\/merchant.example\/cb"#),
        "{stdout}"
    );
    assert!(
        stdout.contains("POST:/v1.0/transfer-va/payment:{accessToken}:"),
        "{stdout}"
    );
    assert!(
        !stdout.contains("tok-123456") && !stdout.contains("secret-1"),
        "{stdout}"
    );
}

#[test]
fn explain_on_a_valid_signature_reports_the_spec_form() {
    let t = kat("own-kat.json", "token_pkcs1_z");
    let pubk = key(s(&t, "public_key_file"));
    let out = snap(&[
        "verify",
        "token",
        "--public-key",
        &pubk,
        "--client-id",
        s(&t, "client_id"),
        "--timestamp",
        s(&t, "x_timestamp"),
        "--signature",
        s(&t, "expected_signature_base64"),
        "--explain",
    ]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.starts_with("valid\n"));
    assert!(stdout.contains("matches the SNAP form"), "{stdout}");
    assert!(
        stdout.contains("own-client-001|2024-06-01T03:00:00Z"),
        "{stdout}"
    );
}

#[test]
fn explain_still_diagnoses_a_signature_that_is_not_standard_base64() {
    let v = kat("public-kat.json", "midtrans_symmetric_qr_mpm_generate");
    let body = temp_file("midtrans-url.json", s(&v, "request_body").as_bytes());
    // the published signature, re-encoded as unpadded base64url
    let url: String = s(&v, "expected_signature_base64")
        .trim_end_matches('=')
        .chars()
        .map(|c| match c {
            '+' => '-',
            '/' => '_',
            c => c,
        })
        .collect();
    let out = run(&with(
        "verify",
        sym_args(&v, &body),
        &["--signature", &url, "--explain"],
    ));
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("not standard base64"),
        "{}",
        text(&out.stderr)
    );
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("encoded as base64url instead of standard base64"),
        "{stdout}"
    );
    // without --explain: the reason only
    let out = run(&with("verify", sym_args(&v, &body), &["--signature", &url]));
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
}
