//! Fault knobs: 5xx before processing, a processed-but-late answer (and the
//! real client's retry getting the original answer), delay, seeds.

use std::time::Duration;

use snap_client::{CallOptions, ClientConfig, SnapClient};
use snap_core::secret::SecretString;
use snap_endpoints::bi;
use snap_sandbox::faults::{Fault, FaultConfig, Faults};

use crate::support::*;

#[tokio::test]
async fn server_errors_are_answered_before_anything_is_processed() {
    let env = start_with(|c| c.faults.error_percent = 100).await;
    // Token endpoints are not faulted by default.
    let token = env.b2b_token().await;
    let cust = env.customer_token("f").await;
    let a = env
        .post(
            "/v1.0/auth/payment",
            &payment("f-1", "1.00"),
            &token,
            Some(&cust),
        )
        .await;
    assert_eq!((a.status, a.code()), (500, "5006301"));
    assert_eq!(a.message(), "Internal Server Error");
    assert!(
        env.running
            .sandbox()
            .state()
            .ledger
            .payments(CLIENT_ID)
            .await
            .is_empty()
    );
    env.running.shutdown().await;
}

/// The first seed whose first two draws at `percent` % timeouts are
/// `Timeout` then `None`.
fn seed_for_timeout_then_ok(percent: u8) -> u64 {
    (0..10_000u64)
        .find(|&seed| {
            let f = Faults::new(FaultConfig {
                timeout_percent: percent,
                seed,
                ..FaultConfig::default()
            })
            .unwrap();
            f.draw() == Fault::Timeout && f.draw() == Fault::None
        })
        .expect("a seed")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_late_answer_is_replayed_to_the_clients_retry() {
    let seed = seed_for_timeout_then_ok(50);
    let env = start_with(|c| {
        c.faults.timeout_percent = 50;
        c.faults.seed = seed;
        c.faults.timeout_hold_ms = 20_000;
    })
    .await;
    let client = SnapClient::new(
        ClientConfig::new(env.base.clone(), CLIENT_ID)
            .with_client_secret(SECRET.to_owned())
            .with_private_key(KEY.clone())
            .with_device_id("it-device")
            .with_timeout(Duration::from_millis(1_000)),
    )
    .unwrap();
    let customer = client
        .customer_token(&SecretString::new("sandbox:late".to_owned()))
        .await
        .unwrap();
    let req: bi::AuthPaymentRequest = serde_json::from_value(payment("late-1", "9.00")).unwrap();
    // Attempt 1 is processed but held past the client's timeout; attempt 2
    // (same X-EXTERNAL-ID, same body) gets the stored original answer.
    let raw = client
        .send(&req, CallOptions::default().customer(&customer))
        .await
        .expect("the retry succeeds");
    assert_eq!(raw.http_status, 200);
    assert!(raw.attempts >= 2, "attempts {}", raw.attempts);
    let body: serde_json::Value = serde_json::from_slice(&raw.body).unwrap();
    assert_eq!(body["responseCode"], "2006300");
    let payments = env
        .running
        .sandbox()
        .state()
        .ledger
        .payments(CLIENT_ID)
        .await;
    assert_eq!(payments.len(), 1, "one payment, not two");
    assert_eq!(
        payments[0].reference_no,
        body["referenceNo"].as_str().unwrap()
    );
    env.running.shutdown().await;
}

#[tokio::test]
async fn delay_still_answers() {
    let env = start_with(|c| c.faults.delay_ms = 30).await;
    let token = env.b2b_token().await;
    let cust = env.customer_token("d").await;
    let a = env
        .post(
            "/v1.0/auth/payment",
            &payment("d-1", "1.00"),
            &token,
            Some(&cust),
        )
        .await;
    assert_eq!(a.code(), "2006300");
    env.running.shutdown().await;
}

#[tokio::test]
async fn token_endpoints_can_be_faulted_too() {
    let env = start_with(|c| {
        c.faults.error_percent = 100;
        c.faults.include_token_endpoints = true;
    })
    .await;
    let a = env
        .token_request(
            "/v1.0/access-token/b2b",
            CLIENT_ID,
            &serde_json::json!({"grantType": "client_credentials"}),
        )
        .await;
    assert_eq!((a.status, a.code()), (500, "5007301"));
    env.running.shutdown().await;
}

/// `includeTokenEndpoints` set while the sandbox runs (the helper API, as
/// the dashboard does) takes effect at once, both ways.
#[tokio::test]
async fn include_token_endpoints_set_at_run_time_takes_effect() {
    let env = start_with(|_| {}).await;
    let token = env.b2b_token().await;
    let set = |body: &'static str| {
        let mut h = http::HeaderMap::new();
        h.insert("authorization", format!("Bearer {token}").parse().unwrap());
        env.send("POST", "/sandbox/v1.0/faults", h, body.as_bytes().to_vec())
    };
    let grant = serde_json::json!({"grantType": "client_credentials"});
    let ask = || env.token_request("/v1.0/access-token/b2b", CLIENT_ID, &grant);
    // 5xx on everything but tokens: tokens are still served.
    let a = set(r#"{"errorPercent":100}"#).await;
    assert_eq!(a.status, 200, "{:?}", a.json);
    assert_eq!(ask().await.code(), "2007300");
    // Now tokens too.
    let a = set(r#"{"errorPercent":100,"includeTokenEndpoints":true}"#).await;
    assert_eq!(a.status, 200, "{:?}", a.json);
    let a = ask().await;
    assert_eq!((a.status, a.code()), (500, "5007301"));
    // And back.
    let a = set(r#"{"errorPercent":0,"includeTokenEndpoints":false}"#).await;
    assert_eq!(a.status, 200, "{:?}", a.json);
    assert_eq!(ask().await.code(), "2007300");
    env.running.shutdown().await;
}
