//! The `--config` file: several partners, knobs, and the errors.

use std::io::Write;

use snap_core::sign::{AccessToken, Asymmetric};
use snap_endpoints::ayopop::AyopopSignature;
use snap_endpoints::ipg::IpgSignature;
use snap_sandbox::config::{ConfigError, SandboxConfig};

fn write(dir: &std::path::Path, name: &str, text: &str) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::File::create(&p)
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    p
}

fn tempdir(tag: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("snap-sandbox-it-{}-{tag}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// A fresh RSA-2048 public key as SPKI PEM.
fn public_pem() -> String {
    use aws_lc_rs::encoding::AsDer;
    use aws_lc_rs::signature::KeyPair as _;
    use base64::Engine as _;
    let pair = aws_lc_rs::rsa::KeyPair::generate(aws_lc_rs::rsa::KeySize::Rsa2048).unwrap();
    let spki = pair.public_key().as_der().unwrap();
    let b64 = base64::engine::general_purpose::STANDARD.encode(spki.as_ref());
    let mut pem = String::from("-----BEGIN PUBLIC KEY-----\n");
    for line in b64.as_bytes().chunks(64) {
        pem.push_str(std::str::from_utf8(line).unwrap());
        pem.push('\n');
    }
    pem.push_str("-----END PUBLIC KEY-----\n");
    pem
}

#[test]
fn several_partners_and_knobs() {
    let dir = tempdir("ok");
    write(&dir, "a.pub.pem", &public_pem());
    let inline = public_pem().replace('\n', "\\n");
    let path = write(
        &dir,
        "sandbox.json",
        &format!(
            r#"{{
  "partners": [
    {{ "clientId": "a", "clientSecret": "sa", "publicKeyFile": "a.pub.pem" }},
    {{ "clientId": "b", "clientSecret": "sb", "publicKeyPem": "{inline}" }},
    {{ "clientId": "c", "clientSecret": "sc" }}
  ],
  "timestampWindowSeconds": 60,
  "bodyLimitBytes": 1024,
  "b2bTokenSeconds": 30,
  "faults": {{ "delayMs": 5, "errorPercent": 10, "seed": 7 }}
}}"#
        ),
    );
    let c = SandboxConfig::from_file(&path).unwrap();
    assert_eq!(c.partners.len(), 3);
    assert!(c.partners[0].verifier::<Asymmetric>().is_some());
    assert!(c.partners[1].verifier::<AccessToken>().is_some());
    assert!(c.partners[2].verifier::<Asymmetric>().is_none());
    // Every sandbox partner also has its IPG and Ayopop keys.
    assert!(c.partners[2].verifier::<IpgSignature>().is_some());
    assert!(c.partners[2].verifier::<AyopopSignature>().is_some());
    assert_eq!(c.provider.timestamp_window().as_secs(), 60);
    assert_eq!(c.provider.body_limit(), 1024);
    assert_eq!(c.provider.token_lifetimes().b2b.as_secs(), 30);
    assert_eq!(c.faults.error_percent, 10);
    let shown = format!("{:?}", c.partners[0]);
    assert!(!shown.contains("sa\""), "{shown}");
}

#[test]
fn bad_configs_name_the_problem() {
    let dir = tempdir("bad");
    let cases = [
        (r#"{"partners": []}"#, "no partner"),
        (
            r#"{"partners": [{"clientId": "a", "clientSecret": "s"}, {"clientId": "a", "clientSecret": "t"}]}"#,
            "twice",
        ),
        (
            r#"{"partners": [{"clientId": "a", "clientSecret": ""}]}"#,
            "clientSecret",
        ),
        (
            r#"{"partners": [{"clientId": "a", "clientSecret": "s", "publicKeyFile": "missing.pem"}]}"#,
            "publicKeyFile",
        ),
        (
            r#"{"partners": [{"clientId": "a", "clientSecret": "s", "publicKeyPem": "garbage"}]}"#,
            "public key",
        ),
        (
            r#"{"partners": [{"clientId": "a", "clientSecret": "s"}], "faults": {"errorPercent": 101}}"#,
            "errorPercent",
        ),
        (
            r#"{"partners": [{"clientId": "a", "clientSecret": "s"}], "bodyLimitBytes": 0}"#,
            "bodyLimitBytes",
        ),
        (
            r#"{"partners": [{"clientId": "a", "clientSecret": "s"}], "timestampWindowSeconds": 0}"#,
            "timestampWindowSeconds",
        ),
        (
            r#"{"partners": [{"clientId": "a", "clientSecret": "s"}], "b2bTokenSeconds": 18446744073709551615}"#,
            "b2bTokenSeconds",
        ),
        (
            r#"{"partners": [{"clientId": "a", "clientSecret": "s"}], "customerTokenSeconds": 18446744073709551615}"#,
            "customerTokenSeconds",
        ),
        (
            r#"{"partners": [{"clientId": "a", "clientSecret": "s"}], "headerTimeoutMs": 0}"#,
            "headerTimeoutMs",
        ),
        (
            r#"{"partners": [{"clientId": "a", "clientSecret": "s"}], "bodyTimeoutMs": 18446744073709551615}"#,
            "bodyTimeoutMs",
        ),
        (
            r#"{"partners": [{"clientId": "a", "clientSecret": "s"}], "maxConnections": 0}"#,
            "maxConnections",
        ),
        (
            r#"{"partners": [{"clientId": "a", "clientSecret": "s"}], "maxTokensPerPartner": 0}"#,
            "maxTokensPerPartner",
        ),
        (
            r#"{"partners": [{"clientId": "a", "clientSecret": "s"}], "maxExternalIdsPerPartner": 0}"#,
            "maxExternalIdsPerPartner",
        ),
        (
            r#"{"partners": [{"clientId": "a", "clientSecret": "s", "colour": "red"}]}"#,
            "colour",
        ),
        (r#"{"partners": "#, "sandbox.json"),
    ];
    for (text, needle) in cases {
        let path = write(&dir, "sandbox.json", text);
        let e = SandboxConfig::from_file(&path).unwrap_err();
        assert!(e.to_string().contains(needle), "{text}: {e}");
    }
    let e = SandboxConfig::from_file(&dir.join("nope.json")).unwrap_err();
    assert!(matches!(e, ConfigError::Read { .. }));
}

#[test]
fn merchant_urls_and_the_bank_identity() {
    let dir = tempdir("merchant");
    let path = write(
        &dir,
        "sandbox.json",
        r#"{
  "partners": [
    { "clientId": "a", "clientSecret": "sa", "merchantUrl": "http://127.0.0.1:9090" },
    { "clientId": "b", "clientSecret": "sb" }
  ],
  "bankClientId": "MY-BANK"
}"#,
    );
    let config = SandboxConfig::from_file(&path).expect("config");
    let calls = &config.merchant_calls;
    assert_eq!(calls.bank_client_id, "MY-BANK");
    assert_eq!(
        calls.target("a").map(|t| t.0),
        Some("http://127.0.0.1:9090")
    );
    assert!(calls.target("b").is_none());
    assert!(calls.bank_key.is_none());

    let bad = write(
        &dir,
        "bad.json",
        r#"{ "partners": [ { "clientId": "a", "clientSecret": "sa", "merchantUrl": "ftp://x" } ] }"#,
    );
    let e = SandboxConfig::from_file(&bad).unwrap_err();
    assert!(matches!(e, ConfigError::Partner { .. }), "{e}");
    assert!(e.to_string().contains("merchantUrl"), "{e}");
    let nokey = write(
        &dir,
        "nokey.json",
        r#"{ "partners": [ { "clientId": "a", "clientSecret": "sa" } ], "bankPrivateKeyFile": "missing.pem" }"#,
    );
    let e = SandboxConfig::from_file(&nokey).unwrap_err();
    assert!(e.to_string().contains("bankPrivateKeyFile"), "{e}");
}
