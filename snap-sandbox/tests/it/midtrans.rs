//! The unmodified official Midtrans Node SDK (npm `midtrans-client`, module
//! `lib/snapBi`) against `--profile gopay`: token, direct debit cancel,
//! QRIS cancel and VA delete complete; repeats and a bad signature are
//! refused as GoPay documents.
//!
//! Needs Node and the SDK: `SNAP_TEST_MIDTRANS_NODE_MODULES` names the
//! `node_modules` folder holding `midtrans-client` (scripts/test.sh installs
//! it under .cache/node and sets it). Unset, the test returns early with a
//! notice, unless `SNAP_REQUIRE_SERVICES=1`.

use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;
use snap_core::money::{Currency, Money};
use snap_sandbox::ledger::Authorize;
use snap_sandbox::profile::Profile;
use snap_sandbox::{RunningSandbox, Sandbox};

use crate::support::{CLIENT_ID, SECRET};

const PUBLIC_KEY: &str = include_str!("keys/test-key.pub.pem");

fn node_modules() -> Option<PathBuf> {
    match std::env::var_os("SNAP_TEST_MIDTRANS_NODE_MODULES") {
        Some(p) => Some(PathBuf::from(p)),
        None => {
            assert!(
                std::env::var_os("SNAP_REQUIRE_SERVICES").is_none_or(|v| v != "1"),
                "SNAP_REQUIRE_SERVICES=1 but SNAP_TEST_MIDTRANS_NODE_MODULES is not set (scripts/test.sh sets it)"
            );
            eprintln!(
                "skipping the Midtrans SDK test: SNAP_TEST_MIDTRANS_NODE_MODULES is not set (scripts/test.sh sets it)"
            );
            None
        }
    }
}

async fn gopay_sandbox() -> RunningSandbox {
    let public = snap_core::sign::RsaPublicKey::from_pem(PUBLIC_KEY).expect("public key");
    let config = snap_sandbox::config::SandboxConfig::single(
        snap_sandbox::config::sandbox_partner(CLIENT_ID, SECRET, Some(public)).expect("partner"),
    );
    Sandbox::new(config)
        .expect("sandbox")
        .with_profile(Profile::Gopay)
        .bind("127.0.0.1:0".parse().expect("addr"))
        .await
        .expect("bind")
}

async fn seed(running: &RunningSandbox, partner_ref: &str) -> String {
    let cmd = Authorize {
        partner_reference_no: partner_ref.to_owned(),
        merchant_id: "M-SANDBOX-1".to_owned(),
        amount: Money::parse("15000.00", Currency::IDR).expect("money"),
        external_id: None,
        customer: None,
    };
    let now = snap_core::time::SnapTimestamp::now().into_string();
    running
        .sandbox()
        .state()
        .ledger
        .authorize(CLIENT_ID, cmd, &now)
        .await
        .expect("seed payment")
        .reference_no
}

fn code(v: &Value, key: &str) -> String {
    v[key]["responseCode"].as_str().unwrap_or("").to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn midtrans_node_sdk_runs_unmodified_against_the_gopay_profile() {
    let Some(modules) = node_modules() else {
        return;
    };
    assert!(
        modules.join("midtrans-client").is_dir(),
        "{} holds no midtrans-client",
        modules.display()
    );
    let running = gopay_sandbox().await;
    let dd_ref = seed(&running, "dd-order-1").await;
    let dd_ref_sent = dd_ref.clone();
    let qr_ref = seed(&running, "qr-order-1").await;
    let key_file = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/it/keys/test-key.pem");
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/midtrans/run.js");
    let base = running.base_url();
    let out = tokio::task::spawn_blocking(move || {
        Command::new("node")
            .arg(script)
            .env("NODE_PATH", &modules)
            .env("SANDBOX_URL", base)
            .env("CLIENT_ID", CLIENT_ID)
            .env("CLIENT_SECRET", SECRET)
            .env("PRIVATE_KEY_FILE", &key_file)
            .env("DD_REFERENCE_NO", dd_ref)
            .env("DD_PARTNER_REFERENCE_NO", "dd-order-1")
            .env("QR_REFERENCE_NO", qr_ref)
            .env("QR_PARTNER_REFERENCE_NO", "qr-order-1")
            .output()
    })
    .await
    .expect("join")
    .expect("node runs (install Node: scripts/test.sh does)");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "node failed: {stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_str(stdout.trim()).expect("one JSON line");
    let sdk = v["sdkVersion"].as_str().unwrap_or("");
    assert!(!sdk.is_empty(), "{v}");

    assert_eq!(code(&v, "token"), "2007300", "{v}");
    assert!(
        v["token"]["accessToken"]
            .as_str()
            .is_some_and(|t| !t.is_empty())
    );

    assert_eq!(code(&v, "debitCancel"), "2005700", "{v}");
    assert_eq!(
        v["debitCancel"]["originalReferenceNo"],
        dd_ref_sent.as_str(),
        "{v}"
    );
    // GoPay refuses a second cancel with its 403{SS}15.
    assert_eq!(code(&v, "debitCancelAgain"), "4035715", "{v}");

    assert_eq!(code(&v, "qrisCancel"), "2007700", "{v}");
    assert_eq!(
        v["qrisCancel"]["originalPartnerReferenceNo"], "qr-order-1",
        "{v}"
    );

    assert_eq!(code(&v, "vaDelete"), "2003100", "{v}");
    assert_eq!(
        v["vaDelete"]["virtualAccountData"]["virtualAccountNo"], "   700120812345678",
        "{v}"
    );
    assert_eq!(code(&v, "vaDeleteAgain"), "4043112", "{v}");
    assert_eq!(code(&v, "badSignature"), "4013100", "{v}");

    // The ledger saw the cancels.
    let st = running.sandbox().state();
    for r in ["dd-order-1", "qr-order-1"] {
        let target = snap_sandbox::ledger::Target {
            reference_no: None,
            partner_reference_no: Some(r.to_owned()),
            external_id: None,
            customer: None,
        };
        let p = st
            .ledger
            .payment(CLIENT_ID, &target)
            .await
            .expect("payment");
        assert_eq!(p.status().code(), "05", "{r} is cancelled: {p:?}");
    }
    running.shutdown().await;
}
