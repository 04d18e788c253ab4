//! Client tests against a real HTTP server on 127.0.0.1 (see `server.rs`):
//! no mocked HTTP layer. The server verifies every signature over the raw
//! received bytes with snap-core's verifiers and records every request.

mod readme;
mod recorded;
mod server;

use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::json;
use snap_client::{
    CallOptions, ClientConfig, ClientError, ConfigError, RetryPolicy, RetryRules, SignatureMode,
    SnapClient, StatusQuery,
};
use snap_core::money::{Currency, Money};
use snap_core::secret::SecretString;
use snap_core::time::TimestampProfile;
use snap_core::{SnapModel, SnapRequest};

use server::{AUTH_CODE, CLIENT_ID, CLIENT_SECRET, PRIVATE_KEY, Server, Step};

const IDR: Currency = Currency::new_const("IDR");

/// A test payment endpoint (service 63).
#[derive(Debug, Clone, Serialize, Deserialize, SnapRequest)]
#[snap(
    service = 63,
    method = "POST",
    path = "/v1.0/test/pay-63",
    response = PayResponse,
    name = "Test Pay"
)]
#[serde(rename_all = "camelCase")]
struct PayRequest {
    #[snap(max = 64)]
    partner_reference_no: String,
    #[snap(max = 64)]
    merchant_id: String,
    amount: Money,
    #[snap(max = 16)]
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<String>,
}

/// Its answer.
#[derive(Debug, Clone, Serialize, Deserialize, SnapModel)]
#[serde(rename_all = "camelCase")]
struct PayResponse {
    #[snap(len = 7, digits)]
    response_code: String,
    #[snap(max = 150)]
    response_message: String,
    reference_no: Option<String>,
    partner_reference_no: Option<String>,
}

/// The same payment, B2B2C (customer token).
#[derive(Debug, Clone, Serialize, Deserialize, SnapRequest)]
#[snap(
    service = 63,
    method = "POST",
    path = "/v1.0/test/cpay-63",
    response = PayResponse,
    name = "Test Customer Pay",
    customer_token
)]
#[serde(rename_all = "camelCase")]
struct CustomerPayRequest {
    #[snap(max = 64)]
    partner_reference_no: String,
    amount: Money,
}

/// Its status query (service 64).
#[derive(Debug, Clone, Serialize, Deserialize, SnapRequest)]
#[snap(
    service = 64,
    method = "POST",
    path = "/v1.0/test/query-64",
    response = PayResponse,
    name = "Test Pay Query"
)]
#[serde(rename_all = "camelCase")]
struct PayQueryRequest {
    #[snap(max = 64)]
    original_partner_reference_no: String,
}

fn pay(reference: &str) -> PayRequest {
    PayRequest {
        partner_reference_no: reference.to_owned(),
        merchant_id: "merchant-1".to_owned(),
        amount: Money::parse("10000.00", IDR).unwrap(),
        note: Some("/ and ü".to_owned()),
    }
}

/// Fast retries; a generous timeout (tests that want a timeout set their own).
fn config(server: &Server) -> ClientConfig {
    ClientConfig::new(&server.base_url, CLIENT_ID)
        .with_client_secret(CLIENT_SECRET)
        .with_private_key_pem(PRIVATE_KEY)
        .unwrap()
        .with_timeout(Duration::from_secs(10))
        .with_retry(RetryRules::new(
            RetryPolicy::default()
                .with_max_attempts(3)
                .with_backoff(Duration::from_millis(5), Duration::from_millis(20)),
        ))
}

fn client(server: &Server) -> SnapClient {
    SnapClient::new(config(server)).unwrap()
}

#[tokio::test]
async fn call_succeeds_and_server_verifies_the_signature_over_the_sent_bytes() {
    let server = server::start().await;
    let client = client(&server);
    let response = client.call(&pay("ref-ok")).await.unwrap();
    assert_eq!(response.response_code, "2006300");
    assert_eq!(response.partner_reference_no.as_deref(), Some("ref-ok"));
    let seen = server.provider.seen();
    assert_eq!(seen.len(), 1);
    let s = &seen[0];
    assert!(s.signature_ok, "server rejected the signature: {s:?}");
    assert_eq!(s.method, "POST");
    assert_eq!(s.path, "/v1.0/test/pay-63");
    assert_eq!(
        s.authorization.as_deref(),
        Some("Bearer b2b-token-1-secretish")
    );
    let id = s.external_id.as_deref().unwrap();
    assert!(!id.is_empty() && id.len() <= 36 && id.bytes().all(|b| b.is_ascii_digit()));
    // The body is compact JSON, `/` and non-ASCII kept as they are.
    let body = std::str::from_utf8(&s.body).unwrap();
    assert_eq!(
        body,
        r#"{"partnerReferenceNo":"ref-ok","merchantId":"merchant-1","amount":{"value":"10000.00","currency":"IDR"},"note":"/ and ü"}"#
    );
}

#[tokio::test]
async fn token_is_cached_across_calls() {
    let server = server::start().await;
    let client = client(&server);
    for i in 0..3 {
        client.call(&pay(&format!("ref-{i}"))).await.unwrap();
    }
    assert_eq!(server.provider.b2b_tokens.load(Ordering::SeqCst), 1);
    assert_eq!(server.provider.seen().len(), 3);
}

#[tokio::test]
async fn concurrent_calls_with_an_expired_token_make_exactly_one_token_request() {
    let server = server::start().await;
    // The first token expires at once (expiresIn "0"), the next ones live
    // 900 s (sent as a JSON number, as some providers do).
    *server.provider.expires_in.lock().unwrap() = [json!("0"), json!(900)].into();
    *server.provider.token_delay.lock().unwrap() = Duration::from_millis(50);
    let client = client(&server);
    client.call(&pay("first")).await.unwrap();
    assert_eq!(server.provider.b2b_tokens.load(Ordering::SeqCst), 1);

    let calls = (0..16).map(|i| {
        let client = client.clone();
        tokio::spawn(async move { client.call(&pay(&format!("c-{i}"))).await })
    });
    for handle in calls.collect::<Vec<_>>() {
        handle.await.unwrap().unwrap();
    }
    assert_eq!(
        server.provider.b2b_tokens.load(Ordering::SeqCst),
        2,
        "16 concurrent calls with an expired token must share one token request"
    );
    let seen = server.provider.seen();
    assert_eq!(seen.len(), 17);
    assert!(
        seen[1..]
            .iter()
            .all(|s| s.authorization.as_deref() == Some("Bearer b2b-token-2-secretish"))
    );
}

#[tokio::test]
async fn invalid_token_answer_causes_one_refresh_and_one_resend() {
    let server = server::start().await;
    let client = client(&server);
    client.call(&pay("a")).await.unwrap();
    server.provider.revoke_tokens();
    client.call(&pay("b")).await.unwrap();
    assert_eq!(server.provider.b2b_tokens.load(Ordering::SeqCst), 2);
    let seen = server.provider.seen();
    assert_eq!(seen.len(), 3);
    // The rejected attempt and its resend: same X-EXTERNAL-ID, same bytes,
    // the new token.
    assert_eq!(seen[1].external_id, seen[2].external_id);
    assert_eq!(seen[1].body, seen[2].body);
    assert_eq!(
        seen[1].authorization.as_deref(),
        Some("Bearer b2b-token-1-secretish")
    );
    assert_eq!(
        seen[2].authorization.as_deref(),
        Some("Bearer b2b-token-2-secretish")
    );
}

#[tokio::test]
async fn a_token_rejected_twice_is_refreshed_only_once() {
    let server = server::start().await;
    let client = client(&server);
    // Every transaction answer is 401xx01, whatever the token.
    for _ in 0..5 {
        server.provider.push(Step::Answer(
            401,
            json!({"responseCode": "4016301", "responseMessage": "Invalid Token (B2B)"}),
        ));
    }
    let err = client.call(&pay("x")).await.unwrap_err();
    match &err {
        ClientError::Snap(a) => {
            assert_eq!(a.http_status, 401);
            assert_eq!(a.response_code.as_deref(), Some("4016301"));
            assert_eq!(a.attempts, 2);
        }
        other => panic!("{other:?}"),
    }
    assert!(!err.is_retryable());
    assert_eq!(server.provider.b2b_tokens.load(Ordering::SeqCst), 2);
    assert_eq!(server.provider.seen().len(), 2);
}

#[tokio::test]
async fn timeout_is_retried_with_the_same_external_id_and_identical_bytes() {
    let server = server::start().await;
    let client = SnapClient::new(
        config(&server)
            .with_timeout(Duration::from_millis(300))
            .with_timestamp_profile(TimestampProfile::utc_millis())
            .with_retry(RetryRules::new(
                RetryPolicy::default()
                    .with_max_attempts(5)
                    .with_backoff(Duration::from_millis(5), Duration::from_millis(20)),
            )),
    )
    .unwrap();
    client.b2b_token().await.unwrap();
    // The first attempt outlasts the client's timeout by far.
    server.provider.push(Step::Delay(Duration::from_secs(5)));
    let response = client.call(&pay("ref-timeout")).await.unwrap();
    assert_eq!(response.response_code, "2006300");
    let seen = server.provider.seen();
    assert!(seen.len() >= 2, "{seen:?}");
    let first = &seen[0];
    for s in &seen[1..] {
        assert_eq!(s.external_id, first.external_id, "X-EXTERNAL-ID changed");
        assert_eq!(s.body, first.body, "body bytes changed");
        assert!(s.signature_ok);
        // A fresh timestamp (millisecond profile; the retry is at least one
        // timeout later).
        assert_ne!(s.timestamp, first.timestamp);
    }
    assert!(first.signature_ok);
}

#[tokio::test]
async fn exhausted_retries_report_external_id_and_partner_reference() {
    let server = server::start().await;
    let client = SnapClient::new(config(&server).with_timeout(Duration::from_millis(200))).unwrap();
    for _ in 0..3 {
        server.provider.push(Step::Delay(Duration::from_secs(5)));
    }
    let err = client.call(&pay("ref-lost")).await.unwrap_err();
    let seen = server.provider.seen();
    assert_eq!(seen.len(), 3);
    let sent_id = seen[0].external_id.clone().unwrap();
    assert!(
        seen.iter()
            .all(|s| s.external_id.as_deref() == Some(&sent_id))
    );
    match &err {
        ClientError::Timeout {
            external_id,
            partner_reference,
            attempts,
            ..
        } => {
            assert_eq!(external_id, &sent_id);
            assert_eq!(partner_reference.as_deref(), Some("ref-lost"));
            assert_eq!(*attempts, 3);
        }
        other => panic!("{other:?}"),
    }
    assert!(err.is_retryable());
    assert_eq!(err.external_id(), Some(sent_id.as_str()));
    let shown = err.to_string();
    assert!(
        shown.contains(&sent_id) && shown.contains("ref-lost"),
        "{shown}"
    );
}

#[tokio::test]
async fn retryable_5xx_is_resent_then_succeeds() {
    let server = server::start().await;
    let client = client(&server);
    server.provider.push(Step::Answer(
        503,
        json!({"responseCode": "5036300", "responseMessage": "Service Unavailable"}),
    ));
    client.call(&pay("ref-503")).await.unwrap();
    let seen = server.provider.seen();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[0].external_id, seen[1].external_id);
    assert_eq!(seen[0].body, seen[1].body);
}

#[tokio::test]
async fn business_4xx_is_never_retried() {
    let server = server::start().await;
    let client = client(&server);
    server.provider.push(Step::Answer(
        404,
        json!({"responseCode": "4046314", "responseMessage": "Invalid Bill/Virtual Account"}),
    ));
    let err = client.call(&pay("ref-404")).await.unwrap_err();
    assert_eq!(server.provider.seen().len(), 1);
    match &err {
        ClientError::Snap(a) => {
            assert_eq!(a.http_status, 404);
            assert_eq!(a.response_code.as_deref(), Some("4046314"));
            assert_eq!(a.case(), Some(14));
            assert_eq!(a.message.as_deref(), Some("Invalid Bill/Virtual Account"));
            assert_eq!(a.partner_reference.as_deref(), Some("ref-404"));
            assert!(a.disagreement.is_none());
            assert_eq!(a.attempts, 1);
        }
        other => panic!("{other:?}"),
    }
    assert!(!err.is_retryable());
}

#[tokio::test]
async fn validation_errors_come_before_any_byte_is_sent() {
    let server = server::start().await;
    let client = client(&server);
    let mut bad = pay("");
    bad.merchant_id = "m".repeat(65);
    bad.note = Some("far too long for sixteen".to_owned());
    let err = client.call(&bad).await.unwrap_err();
    match &err {
        ClientError::Validation { violations, .. } => {
            let paths: Vec<&str> = violations.iter().map(|v| v.path.as_str()).collect();
            assert_eq!(paths, ["partnerReferenceNo", "merchantId", "note"]);
        }
        other => panic!("{other:?}"),
    }
    assert!(err.nothing_sent());
    assert_eq!(
        server.provider.requests.load(Ordering::SeqCst),
        0,
        "no request (not even a token request) may be sent for an invalid body"
    );
}

#[tokio::test]
async fn http_status_is_authoritative_and_the_disagreement_is_shown() {
    let server = server::start().await;
    let client =
        SnapClient::new(config(&server).with_retry(RetryRules::new(RetryPolicy::never()))).unwrap();
    // HTTP 500 with a success code: a failure (HTTP decides), not retried
    // here (policy never), and the contradiction is visible.
    server.provider.push(Step::Answer(
        500,
        json!({"responseCode": "2006300", "responseMessage": "Successful"}),
    ));
    match client.call(&pay("r1")).await.unwrap_err() {
        ClientError::Snap(a) => {
            assert_eq!(a.http_status, 500);
            assert_eq!(a.response_code.as_deref(), Some("2006300"));
            let d = a.disagreement.clone().unwrap();
            assert!(d.contains("500") && d.contains("2006300"), "{d}");
        }
        other => panic!("{other:?}"),
    }
    // HTTP 400 with a 404 code: still a 400 answer, the mismatch shown.
    server.provider.push(Step::Answer(
        400,
        json!({"responseCode": "4046301", "responseMessage": "Transaction Not Found"}),
    ));
    match client.call(&pay("r2")).await.unwrap_err() {
        ClientError::Snap(a) => {
            assert_eq!(a.http_status, 400);
            let d = a.disagreement.clone().unwrap();
            assert!(d.contains("400") && d.contains("404"), "{d}");
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn conflict_after_a_retry_is_resolved_with_the_status_query() {
    let server = server::start().await;
    let rules = RetryRules::new(
        RetryPolicy::default().with_backoff(Duration::from_millis(5), Duration::from_millis(20)),
    )
    .resolver::<PayRequest>(StatusQuery::<PayQueryRequest>::resolver(|original| {
        Some(PayQueryRequest {
            original_partner_reference_no: original["partnerReferenceNo"].as_str()?.to_owned(),
        })
    }));
    let client = SnapClient::new(
        config(&server)
            .with_timeout(Duration::from_millis(200))
            .with_retry(rules),
    )
    .unwrap();
    client.b2b_token().await.unwrap();
    server.provider.push(Step::Delay(Duration::from_secs(5)));
    server.provider.push(Step::Answer(
        409,
        json!({"responseCode": "4096300", "responseMessage": "Conflict"}),
    ));
    let err = client.call(&pay("ref-409")).await.unwrap_err();
    let ClientError::AlreadyProcessed(a) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(a.answer.http_status, 409);
    assert_eq!(a.partner_reference.as_deref(), Some("ref-409"));
    let r = a.resolution.as_ref().expect("status query answer");
    assert_eq!(r.endpoint, "Test Pay Query");
    assert_eq!(r.response_code.as_deref(), Some("2006400"));
    let seen = server.provider.seen();
    assert_eq!(seen.len(), 3);
    assert_eq!(seen[2].path, "/v1.0/test/query-64");
    assert_eq!(
        std::str::from_utf8(&seen[2].body).unwrap(),
        r#"{"originalPartnerReferenceNo":"ref-409"}"#
    );
    assert_ne!(seen[2].external_id, seen[0].external_id);
}

#[tokio::test]
async fn conflict_without_resolver_is_reported_plainly_and_first_409_is_a_business_answer() {
    let server = server::start().await;
    let client = SnapClient::new(config(&server).with_timeout(Duration::from_millis(200))).unwrap();
    client.b2b_token().await.unwrap();
    server.provider.push(Step::Delay(Duration::from_secs(5)));
    server.provider.push(Step::Answer(
        409,
        json!({"responseCode": "4096300", "responseMessage": "Conflict"}),
    ));
    let err = client.call(&pay("ref-a")).await.unwrap_err();
    let ClientError::AlreadyProcessed(a) = &err else {
        panic!("{err:?}")
    };
    assert!(a.resolution.is_none());
    assert!(err.to_string().contains("reconcile manually"), "{err}");
    // A 409 to a first attempt is the caller's reuse of an id: a plain answer.
    server.provider.push(Step::Answer(
        409,
        json!({"responseCode": "4096300", "responseMessage": "Conflict"}),
    ));
    let err = client.call(&pay("ref-b")).await.unwrap_err();
    assert!(
        matches!(&err, ClientError::Snap(a) if a.http_status == 409),
        "{err:?}"
    );
}

#[tokio::test]
async fn customer_token_from_auth_code_is_sent_and_refreshed_on_401() {
    let server = server::start().await;
    let client = SnapClient::new(config(&server).with_device_id("device-1")).unwrap();
    let customer = client
        .customer_token(&SecretString::from(AUTH_CODE))
        .await
        .unwrap();
    assert!(customer.is_fresh().await);
    let request = CustomerPayRequest {
        partner_reference_no: "c-1".to_owned(),
        amount: Money::parse("1.00", IDR).unwrap(),
    };
    // Without the customer token the call is refused before sending.
    let err = client.call(&request).await.unwrap_err();
    assert!(
        matches!(
            err,
            ClientError::Config(ConfigError::CustomerTokenRequired { .. })
        ),
        "{err:?}"
    );
    assert!(server.provider.seen().is_empty());

    let options = CallOptions::default().customer(&customer);
    client.call_with(&request, options.clone()).await.unwrap();
    server.provider.revoke_customer_tokens();
    client.call_with(&request, options).await.unwrap();
    let grants = server.provider.customer_grants.lock().unwrap().clone();
    assert_eq!(grants, ["AUTHORIZATION_CODE", "REFRESH_TOKEN"]);
    let seen = server.provider.seen();
    assert_eq!(seen.len(), 3);
    assert_eq!(
        seen[0].customer.as_deref(),
        Some("Bearer customer-token-1-secretish")
    );
    assert_eq!(
        seen[1].customer.as_deref(),
        Some("Bearer customer-token-1-secretish")
    );
    assert_eq!(
        seen[2].customer.as_deref(),
        Some("Bearer customer-token-2-secretish")
    );
    assert_eq!(seen[1].external_id, seen[2].external_id);
    assert!(
        seen.iter()
            .all(|s| s.signature_ok && s.device_id.as_deref() == Some("device-1"))
    );
    // A bad auth code is a token error, nothing else sent.
    let err = client
        .customer_token(&SecretString::from("wrong"))
        .await
        .unwrap_err();
    assert!(
        matches!(
            &err,
            ClientError::Token {
                http_status: Some(401),
                ..
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn asymmetric_mode_sends_no_token_and_signs_with_rsa() {
    let server = server::start().await;
    let client =
        SnapClient::new(config(&server).with_signature_mode(SignatureMode::AsymmetricWithoutToken))
            .unwrap();
    client.call(&pay("ref-rsa")).await.unwrap();
    assert_eq!(server.provider.b2b_tokens.load(Ordering::SeqCst), 0);
    let seen = server.provider.seen();
    assert_eq!(seen.len(), 1);
    assert!(seen[0].authorization.is_none());
    assert!(seen[0].signature_ok);
}

#[tokio::test]
async fn call_json_validates_minifies_signs_and_sends() {
    let server = server::start().await;
    let client = client(&server);
    let pretty = b"{\n  \"originalPartnerReferenceNo\" : \"ref / 1\"\n}\n";
    let answer = client
        .call_json(
            &<PayQueryRequest as snap_core::endpoint::Endpoint>::META,
            pretty,
            |_| Ok(()),
            CallOptions::default().external_id("123456789"),
        )
        .await
        .unwrap();
    assert_eq!(answer.http_status, 200);
    assert_eq!(answer.external_id, "123456789");
    let seen = server.provider.seen();
    assert_eq!(seen[0].body, br#"{"originalPartnerReferenceNo":"ref / 1"}"#);
    assert_eq!(seen[0].external_id.as_deref(), Some("123456789"));
    assert!(seen[0].signature_ok);
    // A body that is not JSON is refused before anything is sent.
    let before = server.provider.requests.load(Ordering::SeqCst);
    let err = client
        .call_json(
            &<PayQueryRequest as snap_core::endpoint::Endpoint>::META,
            b"{not json",
            |_| Ok(()),
            CallOptions::default(),
        )
        .await
        .unwrap_err();
    assert!(err.nothing_sent(), "{err:?}");
    assert_eq!(server.provider.requests.load(Ordering::SeqCst), before);
}

/// A `MakeWriter` that appends to a shared buffer.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn secrets_never_appear_in_logs_or_debug_output() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    // With one scoped dispatcher alive, tracing-core caches a callsite first
    // hit by a concurrent test (no subscriber) as "never" for this thread too;
    // a second live dispatcher makes every registration ask all of them.
    let _pin = tracing::Dispatch::new(tracing::subscriber::NoSubscriber::default());
    tracing::callsite::rebuild_interest_cache();

    let server = server::start().await;
    let client = SnapClient::new(config(&server).with_device_id("device-1")).unwrap();
    client.call(&pay("ref-log")).await.unwrap();
    server.provider.revoke_tokens();
    server.provider.push(Step::Answer(
        503,
        json!({"responseCode": "5036300", "responseMessage": "Service Unavailable"}),
    ));
    client.call(&pay("ref-log-2")).await.unwrap();
    let customer = client
        .customer_token(&SecretString::from(AUTH_CODE))
        .await
        .unwrap();
    let request = CustomerPayRequest {
        partner_reference_no: "c-log".to_owned(),
        amount: Money::parse("1.00", IDR).unwrap(),
    };
    client
        .call_with(&request, CallOptions::default().customer(&customer))
        .await
        .unwrap();
    let external_id = server.provider.seen()[0].external_id.clone().unwrap();

    let mut text = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    text.push_str(&format!("{client:?} {customer:?}"));
    let key_line = PRIVATE_KEY.lines().nth(1).unwrap();
    for secret in [
        CLIENT_SECRET,
        "b2b-token-",
        "customer-token-",
        "refresh-token-",
        AUTH_CODE,
        key_line,
    ] {
        assert!(!text.contains(secret), "`{secret}` leaked into:\n{text}");
    }
    // The spans carry what an operator needs.
    assert!(text.contains("snap.call"), "{text}");
    assert!(text.contains("endpoint=\"Test Pay\""), "{text}");
    assert!(text.contains("service=63"), "{text}");
    assert!(
        text.contains(&format!("external_id={external_id}")),
        "{text}"
    );
    assert!(text.contains("attempt=2"), "{text}");
}

/// The same payment at a path the test provider redirects (307).
#[derive(Debug, Clone, Serialize, Deserialize, SnapRequest)]
#[snap(
    service = 63,
    method = "POST",
    path = "/v1.0/test/moved-63",
    response = PayResponse,
    name = "Test Moved Pay"
)]
#[serde(rename_all = "camelCase")]
struct MovedPayRequest {
    #[snap(max = 64)]
    partner_reference_no: String,
}

/// A `reqwest` client of the caller's is used as it is; an answer that comes
/// after a redirect is refused (the signed path is not the one that
/// answered), while the default client never follows one.
#[tokio::test]
async fn own_reqwest_client_is_used_and_redirected_answers_are_refused() {
    let server = server::start().await;
    let own = reqwest::Client::builder()
        .user_agent("merchant-app/1.0")
        .build()
        .unwrap();
    let client = SnapClient::with_http_client(config(&server), own).unwrap();
    client.call(&pay("own-client")).await.unwrap();
    let moved = MovedPayRequest {
        partner_reference_no: "moved".to_owned(),
    };
    let err = client.call(&moved).await.unwrap_err();
    match &err {
        ClientError::Transport { message, .. } => {
            assert!(message.contains("redirect"), "{message}")
        }
        other => panic!("{other:?}"),
    }
    // A base URL that reqwest normalizes (host case) is no redirect.
    let mut shouting = config(&server);
    shouting.base_url = server.base_url.replace("127.0.0.1", "LOCALHOST");
    let plain = reqwest::Client::builder().build().unwrap();
    SnapClient::with_http_client(shouting, plain)
        .unwrap()
        .call(&pay("shouting"))
        .await
        .unwrap();
    // The default client does not follow: the 307 is the answer.
    let err = SnapClient::new(config(&server))
        .unwrap()
        .call(&moved)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, ClientError::Snap(a) if a.http_status == 307)
            || matches!(
                &err,
                ClientError::Decode {
                    http_status: 307,
                    ..
                }
            ),
        "{err:?}"
    );
    // A builder of the caller's gets "no redirects" applied.
    let built = SnapClient::with_http_builder(
        config(&server),
        reqwest::Client::builder().user_agent("merchant-app/1.0"),
    )
    .unwrap();
    let err = built.call(&moved).await.unwrap_err();
    assert!(!matches!(err, ClientError::Transport { .. }), "{err:?}");
}

#[test]
fn plain_http_to_a_remote_host_is_refused() {
    let config = ClientConfig::new("http://api.example.co.id", CLIENT_ID)
        .with_client_secret(CLIENT_SECRET)
        .with_private_key_pem(PRIVATE_KEY)
        .unwrap();
    let err = SnapClient::new(config).unwrap_err();
    assert!(err.to_string().contains("loopback"), "{err}");
}
