//! The sandbox as one provider: two sandbox instances over one Redis share
//! tokens, X-EXTERNAL-ID records, the ledger and auth codes; payments are
//! bound to their customer; helpers need the partner's credentials and
//! cannot be used to forge log lines.

use std::io::Write;
use std::sync::{Arc, Mutex};

use http::HeaderMap;
use serde_json::json;

use crate::support::*;

const PAY: &str = "/v1.0/auth/payment";
const QUERY: &str = "/v1.0/auth/query";
const CAPTURE: &str = "/v1.0/auth/capture";

fn bearer(token: &str) -> HeaderMap {
    let mut h = HeaderMap::new();
    h.insert("content-type", "application/json".parse().unwrap());
    h.insert("authorization", format!("Bearer {token}").parse().unwrap());
    h
}

/// What one provider does, whichever instance each request reaches.
async fn one_provider(a: &Env, b: &Env) {
    // A token issued by A works on B (and the customer token of B on A).
    let token = a.b2b_token().await;
    let alice = b.customer_token("alice").await;
    let bob = a.customer_token("bob").await;

    // The same X-EXTERNAL-ID and body: executed once, B answers A's bytes.
    let body = payment("one-1", "250.00").to_string().into_bytes();
    let ext = ext_id();
    let h = a.headers(PAY, &body, &token, Some(&alice), &ext);
    let first = a.send("POST", PAY, h, body.clone()).await;
    assert_eq!(first.code(), "2006300", "{:?}", first.json);
    let h = b.headers(PAY, &body, &token, Some(&alice), &ext);
    let again = b.send("POST", PAY, h, body.clone()).await;
    assert_eq!(again.raw, first.raw);
    assert_eq!(again.headers["x-idempotent-replay"], "true");
    // Another body with the ID: 409; another customer with it: 409 too.
    let other = payment("one-2", "250.00").to_string().into_bytes();
    let h = b.headers(PAY, &other, &token, Some(&alice), &ext);
    assert_eq!(b.send("POST", PAY, h, other).await.code(), "4096300");
    let h = b.headers(PAY, &body, &token, Some(&bob), &ext);
    assert_eq!(b.send("POST", PAY, h, body).await.code(), "4096300");

    // The ledger is shared: captured on B, seen on A.
    let reference = first.json["referenceNo"].as_str().unwrap().to_owned();
    let cap = json!({"originalReferenceNo": reference, "originalPartnerReferenceNo": "one-1",
        "merchantId": "m-1", "partnerCaptureNo": "c-1", "title": "t",
        "captureAmount": {"value": "100.00", "currency": "IDR"}});
    let c = b.post(CAPTURE, &cap, &token, Some(&alice)).await;
    assert_eq!(c.code(), "2006500", "{:?}", c.json);
    let q = json!({"originalReferenceNo": reference, "originalPartnerReferenceNo": "one-1"});
    let seen = a.post(QUERY, &q, &token, Some(&alice)).await;
    assert_eq!(seen.code(), "2006400", "{:?}", seen.json);
    assert_eq!(
        seen.json["additionalInfo"]["capturedAmount"]["value"],
        "100.00"
    );

    // Bound to its customer: Bob gets the standard's not-found answer.
    let q_bob = a.post(QUERY, &q, &token, Some(&bob)).await;
    assert_eq!(
        (q_bob.status, q_bob.code()),
        (404, "4046401"),
        "{:?}",
        q_bob.json
    );
    let cap_bob = json!({"originalReferenceNo": reference, "originalPartnerReferenceNo": "one-1",
        "merchantId": "m-1", "partnerCaptureNo": "c-2", "title": "t",
        "captureAmount": {"value": "1.00", "currency": "IDR"}});
    assert_eq!(
        b.post(CAPTURE, &cap_bob, &token, Some(&bob)).await.code(),
        "4046501"
    );

    // An auth code handed out by A is redeemed on B, once.
    let code = a
        .send(
            "POST",
            "/sandbox/v1.0/auth-code",
            bearer(&token),
            json!({"customerId": "carol"}).to_string().into_bytes(),
        )
        .await;
    assert_eq!(code.status, 200, "{:?}", code.json);
    let redeem = json!({"grantType": "AUTHORIZATION_CODE", "authCode": code.json["authCode"]});
    let r = b
        .token_request("/v1.0/access-token/b2b2c", CLIENT_ID, &redeem)
        .await;
    assert_eq!(r.code(), "2007400", "{:?}", r.json);
    assert_eq!(
        a.token_request("/v1.0/access-token/b2b2c", CLIENT_ID, &redeem)
            .await
            .code(),
        "4017400"
    );

    // Expiring the partner's tokens on B expires them on A.
    let e = b
        .send(
            "POST",
            "/sandbox/v1.0/expire-tokens",
            bearer(&token),
            b"{}".to_vec(),
        )
        .await;
    assert_eq!(e.status, 200, "{:?}", e.json);
    let q2 = a.post(QUERY, &q, &token, Some(&alice)).await;
    assert_eq!(q2.code(), "4016401");
}

#[tokio::test]
async fn one_sandbox_in_memory() {
    let env = start().await;
    one_provider(&env, &env).await;
    env.running.shutdown().await;
}

#[tokio::test]
async fn two_sandboxes_on_one_redis_act_as_one_provider() {
    let Some(url) = redis_url() else { return };
    let prefix = format!("snaptest:{}:{}:sandbox:", std::process::id(), ext_id());
    let a = start_on_redis(&url, &prefix).await;
    let b = start_on_redis(&url, &prefix).await;
    one_provider(&a, &b).await;
    a.running.shutdown().await;
    b.running.shutdown().await;
}

#[tokio::test]
async fn helpers_need_the_partners_token() {
    let env = start().await;
    for path in ["/sandbox/v1.0/expire-tokens", "/sandbox/v1.0/auth-code"] {
        let mut h = HeaderMap::new();
        h.insert("content-type", "application/json".parse().unwrap());
        let body = json!({"clientId": CLIENT_ID, "customerId": "c"})
            .to_string()
            .into_bytes();
        let a = env.send("POST", path, h.clone(), body.clone()).await;
        assert_eq!(a.status, 401, "{path}: {:?}", a.json);
        h.insert("authorization", "Bearer made-up".parse().unwrap());
        assert_eq!(env.send("POST", path, h, body).await.status, 401, "{path}");
    }
    // Another partner's token cannot act for us.
    let other = env.b2b_token_for(OTHER_ID).await;
    let mine = env.b2b_token().await;
    let a = env
        .send(
            "POST",
            "/sandbox/v1.0/expire-tokens",
            bearer(&other),
            json!({"clientId": CLIENT_ID}).to_string().into_bytes(),
        )
        .await;
    assert_eq!(a.status, 403);
    let q = json!({"originalReferenceNo": "x", "originalPartnerReferenceNo": "y"});
    let cust = env.customer_token("dave").await;
    assert_eq!(
        env.post(QUERY, &q, &mine, Some(&cust)).await.code(),
        "4046401",
        "still live"
    );
    env.running.shutdown().await;
}

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Capture {
    type Writer = Capture;
    fn make_writer(&'a self) -> Capture {
        self.clone()
    }
}

#[tokio::test(flavor = "current_thread")]
async fn a_client_id_with_a_newline_cannot_forge_a_log_line() {
    let capture = Capture::default();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(capture.clone())
        .with_ansi(false)
        .with_max_level(tracing::Level::INFO)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let _pin = tracing::Dispatch::new(tracing::subscriber::NoSubscriber::default());
    tracing::callsite::rebuild_interest_cache();
    let env = start().await;
    let token = env.b2b_token().await;
    let forged = "x\n2026-01-01T00:00:00Z  INFO snap::server: forged line";
    let a = env
        .send(
            "POST",
            "/sandbox/v1.0/expire-tokens",
            bearer(&token),
            json!({"clientId": forged}).to_string().into_bytes(),
        )
        .await;
    assert_eq!(a.status, 403);
    env.running.shutdown().await;
    let text = String::from_utf8(capture.0.lock().unwrap().clone()).unwrap();
    assert!(text.contains("x\\n2026-01-01T00:00:00Z"), "{text}");
    assert!(
        !text.lines().any(|l| l.starts_with("2026-01-01T00:00:00Z")),
        "a forged line:\n{text}"
    );
}
