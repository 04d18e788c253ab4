//! `snap bank-call` against the README's tiny merchant
//! (`examples/merchant.rs`, served in-process here): every check passes on
//! a first run, the merchant's books show each call processed once (the
//! resends were replays), and a second run is failed with the merchant's
//! `Paid Bill` refusal named in the report.

use std::process::Command;

use snap_core::money::{Currency, Money};
use snap_core::sign::RsaPublicKey;
use snap_server::Partner;

use crate::merchant;

fn key_path(name: &str) -> String {
    format!("{}/tests/cli/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn bank_call(url: &str, extra: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_snap"))
        .args([
            "bank-call",
            "--url",
            url,
            "--client-id",
            "bank-1",
            "--client-secret",
            "bank-secret-1",
            "--private-key",
            &key_path("call-key.pem"),
        ])
        .args(extra)
        .output()
        .expect("run snap");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bank_call_checks_the_example_merchant() {
    let pem = std::fs::read_to_string(key_path("call-key.pub.pem")).expect("key");
    let bank = Partner::new(
        "bank-1",
        b"bank-secret-1",
        Some(RsaPublicKey::from_pem(&pem).expect("pem")),
    )
    .expect("partner");
    let bill = Money::parse("25000.00", Currency::IDR).expect("money");
    let (app, books) = merchant::router(bank, bill);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let server = tokio::spawn(async move { axum::serve(listener, app).await });

    let u = url.clone();
    let (code, out, err) = tokio::task::spawn_blocking(move || bank_call(&u, &[]))
        .await
        .expect("join");
    assert_eq!(code, 0, "{out}\n{err}");
    for step in [
        "access token 73",
        "VA inquiry 24",
        "VA payment 25",
        "QRIS notification 52",
        "debit notification 56",
    ] {
        assert!(out.contains(step), "{step} missing:\n{out}");
    }
    assert!(
        out.contains("paidAmount is what the inquiry billed"),
        "{out}"
    );
    assert!(!out.contains("FAIL"), "{out}");
    assert!(
        out.contains("failed") && out.contains(", 0 failed"),
        "{out}"
    );

    // Each call processed once: the resends were replays.
    assert_eq!(books.paid.lock().unwrap().len(), 1);
    let notified = books.notified.lock().unwrap().clone();
    assert_eq!(
        notified,
        vec![
            (52, "QR-SANDBOX-0001".to_owned()),
            (56, "DD-SANDBOX-0001".to_owned())
        ]
    );

    // The same VA again: the merchant refuses (Paid Bill), the report says so.
    let u = url.clone();
    let (code, out, _) = tokio::task::spawn_blocking(move || bank_call(&u, &["--only", "va"]))
        .await
        .expect("join");
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("FAIL") && out.contains("4042414") && out.contains("Paid Bill"),
        "{out}"
    );

    // Nothing listening: exit 2.
    let (code, _, err) = tokio::task::spawn_blocking(|| bank_call("http://127.0.0.1:9", &[]))
        .await
        .expect("join");
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("unreachable"), "{err}");
    server.abort();
}
