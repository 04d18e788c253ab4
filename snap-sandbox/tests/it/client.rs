//! The client against the real sandbox (snap-sandbox: the full provider-side
//! checks, the auth-payment ledger, X-EXTERNAL-ID idempotency) with its fault
//! knobs on: answers held past the client's timeout and 5xx answers.
//!
//! The ledger refuses a second payment with the same partnerReferenceNo
//! (`409{63}01`). So a client that retried with a new X-EXTERNAL-ID, or a
//! changed body, would get that refusal once a held attempt had been
//! processed; every call succeeding proves that each retry was recognised as
//! the same request (the sandbox replays the original answer).

use std::time::Duration;

use serde_json::json;
use snap_client::{CallOptions, ClientConfig, RetryPolicy, RetryRules, SnapClient};
use snap_core::secret::SecretString;
use snap_core::sign::RsaPublicKey;
use snap_endpoints::ayopop::{AyopopCredentials, AyopopSignature};
use snap_endpoints::bi::{AuthPaymentRequest, AuthQueryRequest};
use snap_endpoints::ipg::{IpgKey, IpgSignature};
use snap_sandbox::Sandbox;
use snap_sandbox::config::{SandboxConfig, sandbox_partner};
use snap_sandbox::faults::FaultConfig;

const CLIENT_ID: &str = "client-under-test";
const CLIENT_SECRET: &str = "client-secret-under-test-5e1f";
const PRIVATE_KEY: &str = include_str!("keys/test-key.pem");
const PUBLIC_KEY: &str = include_str!("keys/test-key.pub.pem");

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn payments_survive_held_answers_and_5xx_without_duplicates() {
    let partner = sandbox_partner(
        CLIENT_ID,
        CLIENT_SECRET,
        Some(RsaPublicKey::from_pem(PUBLIC_KEY).unwrap()),
    )
    .unwrap();
    let mut config = SandboxConfig::single(partner);
    config.faults = FaultConfig {
        timeout_percent: 30,
        error_percent: 20,
        timeout_hold_ms: 2_000,
        seed: 7,
        ..FaultConfig::default()
    };
    let running = Sandbox::new(config)
        .unwrap()
        .bind("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();

    let client = SnapClient::new(
        ClientConfig::new(running.base_url(), CLIENT_ID)
            .with_client_secret(CLIENT_SECRET)
            .with_private_key_pem(PRIVATE_KEY)
            .unwrap()
            .with_device_id("device-1")
            .with_timeout(Duration::from_millis(500))
            .with_retry(RetryRules::new(
                RetryPolicy::default()
                    .with_max_attempts(12)
                    .with_backoff(Duration::from_millis(5), Duration::from_millis(20)),
            )),
    )
    .unwrap();
    let customer = client
        .customer_token(&SecretString::from("sandbox:cust-retry"))
        .await
        .unwrap();
    let options = CallOptions::default().customer(&customer);

    let mut retried = 0;
    for i in 0..6 {
        let reference = format!("RETRY-{i}");
        let request: AuthPaymentRequest = serde_json::from_value(json!({
            "partnerReferenceNo": reference,
            "merchantId": "merch00001",
            "amount": {"value": "1000.00", "currency": "IDR"},
            "title": "retry test"
        }))
        .unwrap();
        let raw = client.send(&request, options.clone()).await.unwrap();
        let body: serde_json::Value = serde_json::from_slice(&raw.body).unwrap();
        assert_eq!(
            (raw.http_status, body["responseCode"].as_str()),
            (200, Some("2006300")),
            "payment {i} after {} attempt(s): {body}",
            raw.attempts
        );
        if raw.attempts > 1 {
            retried += 1;
        }
        // One authorization exists for the reference, with the amount sent.
        let query: AuthQueryRequest = serde_json::from_value(json!({
            "originalPartnerReferenceNo": reference,
            "merchantId": "merch00001"
        }))
        .unwrap();
        let status = client.call_with(&query, options.clone()).await.unwrap();
        assert_eq!(status.response_code, "2006400");
    }
    // With this seed some payments needed retries (else the test proves
    // nothing about them).
    assert!(retried > 0, "no payment was retried");
    running.shutdown().await;
}

/// The non-SNAP endpoints of snap-endpoints go through the same client:
/// Ayopop (KEY / TOKEN / VERSION headers) and IPG (`Signature` header).
#[tokio::test]
async fn ayopop_and_ipg_endpoints_through_the_client() {
    let partner = sandbox_partner(CLIENT_ID, CLIENT_SECRET, None).unwrap();
    let running = Sandbox::new(SandboxConfig::single(partner))
        .unwrap()
        .bind("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let config = |prefix: &str| {
        ClientConfig::new(running.base_url(), CLIENT_ID)
            .with_path_prefix(prefix)
            .with_signer::<IpgSignature>(IpgKey::new(CLIENT_SECRET.as_bytes()).unwrap())
            .with_signer::<AyopopSignature>(
                AyopopCredentials::new(CLIENT_ID, CLIENT_SECRET.as_bytes()).unwrap(),
            )
    };
    let ayopop = SnapClient::new(config("/ayopop")).unwrap();
    let cancel: snap_endpoints::ayopop::BillCancelRequest = serde_json::from_value(json!({
        "partnerId": CLIENT_ID,
        "account_number": "0812300001",
        "ref_number": "AYO-CLIENT-1"
    }))
    .unwrap();
    let answer = ayopop.call(&cancel).await.unwrap();
    let answer = serde_json::to_value(&answer).unwrap();
    assert_eq!(answer["responseCode"], json!(600), "{answer}");

    let ipg = SnapClient::new(config("/ipg")).unwrap();
    let reversal: snap_endpoints::ipg::VaReversalRequest = serde_json::from_value(json!({
        "payment_ref": "IPG-CLIENT-1",
        "amount": 10000,
        "virtual_account": "1234567890",
        "prefix": "857399"
    }))
    .unwrap();
    let answer = ipg.call(&reversal).await.unwrap();
    let answer = serde_json::to_value(&answer).unwrap();
    assert_eq!(answer["rc"], "SUCCESS", "{answer}");

    // Without the provider's credentials: refused before sending.
    let bare = SnapClient::new(
        ClientConfig::new(running.base_url(), CLIENT_ID)
            .with_client_secret(CLIENT_SECRET)
            .with_private_key_pem(PRIVATE_KEY)
            .unwrap()
            .with_path_prefix("/ipg"),
    )
    .unwrap();
    let err = bare.call(&reversal).await.unwrap_err();
    assert!(
        err.nothing_sent()
            && err
                .to_string()
                .contains("no signer configured for the `ipg`"),
        "{err}"
    );
    running.shutdown().await;
}
