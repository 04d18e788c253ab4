//! Every provider-side check, in order, over real HTTP.

use serde_json::json;

use crate::support::*;

const PAY: &str = "/v1.0/auth/payment";

async fn setup() -> (Env, String, String) {
    let env = start().await;
    let token = env.b2b_token().await;
    let cust = env.customer_token("cust-1").await;
    (env, token, cust)
}

#[tokio::test]
async fn a_correct_request_passes() {
    let (env, token, cust) = setup().await;
    let a = env
        .post(PAY, &payment("ok-1", "100.00"), &token, Some(&cust))
        .await;
    assert_eq!(a.status, 200);
    assert_eq!(a.code(), "2006300");
    assert_eq!(a.headers["content-type"], "application/json");
    assert!(
        snap_core::time::SnapTimestamp::parse(a.headers["x-timestamp"].to_str().unwrap()).is_ok()
    );
    env.running.shutdown().await;
}

#[tokio::test]
async fn missing_headers_are_400_02_naming_the_header() {
    let (env, token, cust) = setup().await;
    let body = payment("h-1", "1.00").to_string().into_bytes();
    for (header, name) in [
        ("x-timestamp", "X-TIMESTAMP"),
        ("x-signature", "X-SIGNATURE"),
        ("x-partner-id", "X-PARTNER-ID"),
        ("x-external-id", "X-EXTERNAL-ID"),
        ("channel-id", "CHANNEL-ID"),
        ("content-type", "Content-Type"),
    ] {
        let mut h = env.headers(PAY, &body, &token, Some(&cust), &ext_id());
        h.remove(header);
        let a = env.send("POST", PAY, h, body.clone()).await;
        assert_eq!(a.status, 400, "{header}");
        assert_eq!(a.code(), "4006302", "{header}: {:?}", a.json);
        assert_eq!(a.message(), format!("Invalid Mandatory Field {{{name}}}"));
    }
    env.running.shutdown().await;
}

#[tokio::test]
async fn bad_header_formats_are_400_01() {
    let (env, token, cust) = setup().await;
    let body = payment("f-1", "1.00").to_string().into_bytes();
    for (header, value, name) in [
        ("x-timestamp", "yesterday", "X-TIMESTAMP"),
        ("x-timestamp", "2026-13-01T00:00:00+07:00", "X-TIMESTAMP"),
        ("channel-id", "95 21", "CHANNEL-ID"),
        ("channel-id", "952210", "CHANNEL-ID"),
        (
            "x-external-id",
            "1234567890123456789012345678901234567",
            "X-EXTERNAL-ID",
        ),
        (
            "x-partner-id",
            "p123456789012345678901234567890123456",
            "X-PARTNER-ID",
        ),
        ("content-type", "text/plain", "Content-Type"),
        ("x-ip-address", "172.24.281.24", "X-IP-ADDRESS"),
        ("authorization", "Basic abc", "Authorization"),
    ] {
        let mut h = env.headers(PAY, &body, &token, Some(&cust), &ext_id());
        h.insert(header, value.parse().unwrap());
        let a = env.send("POST", PAY, h, body.clone()).await;
        assert_eq!(a.status, 400, "{header}={value}: {:?}", a.json);
        assert_eq!(a.code(), "4006301", "{header}={value}");
        assert_eq!(a.message(), format!("Invalid Field Format {{{name}}}"));
    }
    env.running.shutdown().await;
}

#[tokio::test]
async fn presence_is_checked_before_format() {
    let (env, token, cust) = setup().await;
    let body = payment("o-1", "1.00").to_string().into_bytes();
    let mut h = env.headers(PAY, &body, &token, Some(&cust), &ext_id());
    h.insert("channel-id", "bad channel".parse().unwrap());
    h.remove("x-partner-id");
    let a = env.send("POST", PAY, h, body).await;
    assert_eq!(a.code(), "4006302");
    assert_eq!(a.message(), "Invalid Mandatory Field {X-PARTNER-ID}");
    env.running.shutdown().await;
}

#[tokio::test]
async fn b2b_token_absent_unknown_expired_or_foreign() {
    let (env, token, cust) = setup().await;
    let body = payment("t-1", "1.00").to_string().into_bytes();

    let mut h = env.headers(PAY, &body, &token, Some(&cust), &ext_id());
    h.remove("authorization");
    let a = env.send("POST", PAY, h, body.clone()).await;
    assert_eq!((a.status, a.code()), (401, "4016303"));
    assert_eq!(a.message(), "Token Not Found (B2B)");

    let h = env.headers(PAY, &body, "not-a-token", Some(&cust), &ext_id());
    let a = env.send("POST", PAY, h, body.clone()).await;
    assert_eq!((a.status, a.code()), (401, "4016301"));
    assert_eq!(a.message(), "Invalid Token (B2B)");

    // Another partner's token, presented with our X-PARTNER-ID.
    let foreign = env.b2b_token_for(OTHER_ID).await;
    let h = env.headers(PAY, &body, &foreign, Some(&cust), &ext_id());
    let a = env.send("POST", PAY, h, body.clone()).await;
    assert_eq!(a.code(), "4016301");

    // Expired: the sandbox expires the partner's tokens on request.
    let e = env
        .send(
            "POST",
            "/sandbox/v1.0/expire-tokens",
            bearer(&token),
            json!({"clientId": CLIENT_ID}).to_string().into_bytes(),
        )
        .await;
    assert_eq!(e.status, 200);
    assert!(e.json["expired"].as_u64().unwrap() >= 2);
    let h = env.headers(PAY, &body, &token, Some(&cust), &ext_id());
    let a = env.send("POST", PAY, h, body.clone()).await;
    assert_eq!(a.code(), "4016301", "expired B2B token");
    env.running.shutdown().await;
}

fn bearer(token: &str) -> http::HeaderMap {
    let mut h = http::HeaderMap::new();
    h.insert("content-type", "application/json".parse().unwrap());
    h.insert("authorization", format!("Bearer {token}").parse().unwrap());
    h
}

#[tokio::test]
async fn customer_token_absent_unknown_or_expired() {
    let (env, token, cust) = setup().await;
    let body = payment("c-1", "1.00").to_string().into_bytes();
    let h = env.headers(PAY, &body, &token, None, &ext_id());
    let a = env.send("POST", PAY, h, body.clone()).await;
    assert_eq!((a.status, a.code()), (401, "4016304"));
    assert_eq!(a.message(), "Customer Token Not Found");

    let h = env.headers(PAY, &body, &token, Some("nope"), &ext_id());
    let a = env.send("POST", PAY, h, body.clone()).await;
    assert_eq!((a.status, a.code()), (401, "4016302"));
    assert_eq!(a.message(), "Invalid Customer Token");

    // A B2B token is not a customer token.
    let h = env.headers(PAY, &body, &token, Some(&token), &ext_id());
    let a = env.send("POST", PAY, h, body.clone()).await;
    assert_eq!(a.code(), "4016302");

    // Expiry: a fresh B2B token, the customer token expired.
    env.running
        .sandbox()
        .state()
        .tokens
        .expire_partner(CLIENT_ID)
        .await
        .unwrap();
    let token2 = env.b2b_token().await;
    let h = env.headers(PAY, &body, &token2, Some(&cust), &ext_id());
    let a = env.send("POST", PAY, h, body.clone()).await;
    assert_eq!(a.code(), "4016302", "expired customer token");
    env.running.shutdown().await;
}

#[tokio::test]
async fn timestamp_outside_the_window_is_refused() {
    let (env, token, cust) = setup().await;
    let body = payment("w-1", "1.00").to_string().into_bytes();
    for secs in [-3600, 3600] {
        let ts = shifted(secs);
        let h = env.headers_as(
            CLIENT_ID,
            SECRET,
            PAY,
            &body,
            &token,
            Some(&cust),
            &ext_id(),
            &ts,
        );
        let a = env.send("POST", PAY, h, body.clone()).await;
        assert_eq!((a.status, a.code()), (401, "4016300"), "{secs}");
        assert_eq!(a.message(), "Unauthorized. X-TIMESTAMP out of window");
    }
    // Inside the window (a minute off, other notation) is fine.
    let ts = shifted(-60);
    let h = env.headers_as(
        CLIENT_ID,
        SECRET,
        PAY,
        &body,
        &token,
        Some(&cust),
        &ext_id(),
        &ts,
    );
    let a = env.send("POST", PAY, h, body).await;
    assert_eq!(a.code(), "2006300");
    env.running.shutdown().await;
}

#[tokio::test]
async fn signature_is_checked_over_the_raw_bytes() {
    let (env, token, cust) = setup().await;
    let body = payment("s-1", "1.00").to_string().into_bytes();

    // Signed with another secret.
    let h = env.headers_as(
        CLIENT_ID,
        "wrong-secret",
        PAY,
        &body,
        &token,
        Some(&cust),
        &ext_id(),
        &now(),
    );
    let a = env.send("POST", PAY, h, body.clone()).await;
    assert_eq!((a.status, a.code()), (401, "4016300"));
    assert_eq!(a.message(), "Unauthorized. Invalid Signature");

    // Signed over one body, another sent.
    let h = env.headers(PAY, &body, &token, Some(&cust), &ext_id());
    let other = payment("s-1", "2.00").to_string().into_bytes();
    let a = env.send("POST", PAY, h, other).await;
    assert_eq!(a.code(), "4016300");

    // Signed over another path (prefix dropped).
    let h = env.headers("/v1.0/auth/query", &body, &token, Some(&cust), &ext_id());
    let a = env.send("POST", PAY, h, body.clone()).await;
    assert_eq!(a.code(), "4016300");

    // Not base64 at all.
    let mut h = env.headers(PAY, &body, &token, Some(&cust), &ext_id());
    h.insert("x-signature", "%%%".parse().unwrap());
    let a = env.send("POST", PAY, h, body.clone()).await;
    assert_eq!(a.code(), "4016300");

    // Pretty-printed bytes with `/` and non-ASCII, signed as received
    // (minified by the verifier, never re-serialized): accepted.
    let pretty = "{\n  \"partnerReferenceNo\" : \"s-2/é\",\n  \"merchantId\": \"m-1\",\n  \"amount\": {\"value\": \"1.00\", \"currency\": \"IDR\"},\n  \"title\": \"Kopi / teh – café\"\n}";
    let h = env.headers(PAY, pretty.as_bytes(), &token, Some(&cust), &ext_id());
    let a = env.send("POST", PAY, h, pretty.as_bytes().to_vec()).await;
    assert_eq!(a.code(), "2006300", "{:?}", a.json);
    assert_eq!(a.json["partnerReferenceNo"], "s-2/é");
    env.running.shutdown().await;
}

#[tokio::test]
async fn external_id_replays_the_same_request_and_refuses_another() {
    let (env, token, cust) = setup().await;
    let body = payment("x-1", "5.00").to_string().into_bytes();
    let ext = ext_id();
    let h = env.headers(PAY, &body, &token, Some(&cust), &ext);
    let first = env.send("POST", PAY, h, body.clone()).await;
    assert_eq!(first.code(), "2006300");
    assert!(first.headers.get("x-idempotent-replay").is_none());

    // Same X-EXTERNAL-ID and body, fresh timestamp and signature: the
    // original answer again, byte for byte, and no second payment.
    let h = env.headers_as(
        CLIENT_ID,
        SECRET,
        PAY,
        &body,
        &token,
        Some(&cust),
        &ext,
        &shifted(1),
    );
    let again = env.send("POST", PAY, h, body.clone()).await;
    assert_eq!(again.status, 200);
    assert_eq!(again.raw, first.raw);
    assert_eq!(again.headers["x-idempotent-replay"], "true");
    assert_eq!(
        env.running
            .sandbox()
            .state()
            .ledger
            .payments(CLIENT_ID)
            .await
            .len(),
        1
    );

    // Same X-EXTERNAL-ID, another body: 409xx00.
    let other = payment("x-2", "5.00").to_string().into_bytes();
    let h = env.headers(PAY, &other, &token, Some(&cust), &ext);
    let a = env.send("POST", PAY, h, other).await;
    assert_eq!((a.status, a.code()), (409, "4096300"));
    assert_eq!(a.message(), "Conflict");

    // The same ID of another partner is independent.
    let other_token = env.b2b_token_for(OTHER_ID).await;
    let h = env.headers_as(
        OTHER_ID,
        OTHER_SECRET,
        "/v1.0/auth/query",
        b"{}",
        &other_token,
        Some(&cust),
        &ext,
        &now(),
    );
    let a = env
        .send("POST", "/v1.0/auth/query", h, b"{}".to_vec())
        .await;
    assert_ne!(a.code(), "4096400");
    env.running.shutdown().await;
}

#[tokio::test]
async fn body_is_parsed_and_validated_naming_the_wire_field() {
    let (env, token, cust) = setup().await;
    let cases = [
        (
            json!({"merchantId": "m", "title": "t", "amount": {"value": "1.00", "currency": "IDR"}}),
            "4006302",
            "Invalid Mandatory Field {partnerReferenceNo}",
        ),
        (
            json!({"partnerReferenceNo": "", "merchantId": "m", "title": "t"}),
            "4006302",
            "Invalid Mandatory Field {partnerReferenceNo}",
        ),
        (
            json!({"partnerReferenceNo": "x".repeat(65), "merchantId": "m", "title": "t"}),
            "4006301",
            "Invalid Field Format {partnerReferenceNo}",
        ),
        (
            json!({"partnerReferenceNo": "p", "merchantId": "m", "title": "t", "amount": {"value": "1.5", "currency": "IDR"}}),
            "4006301",
            "Invalid Field Format {amount.value}",
        ),
        (
            json!({"partnerReferenceNo": "p", "merchantId": "m", "title": "t", "amount": {"value": "1.00"}}),
            "4006302",
            "Invalid Mandatory Field {amount.currency}",
        ),
        (
            json!({"partnerReferenceNo": "p", "merchantId": 7, "title": "t"}),
            "4006301",
            "Invalid Field Format {merchantId}",
        ),
    ];
    for (body, code, message) in cases {
        let a = env.post(PAY, &body, &token, Some(&cust)).await;
        assert_eq!(a.status, 400, "{body}");
        assert_eq!(a.code(), code, "{body}: {:?}", a.json);
        assert_eq!(a.message(), message, "{body}");
    }
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

#[tokio::test]
async fn malformed_json_wrong_method_oversize_and_unknown_paths_get_snap_errors() {
    let (env, token, cust) = setup().await;
    for bad in [
        &b"{\"partnerReferenceNo\": "[..],
        b"not json",
        b"[1,2",
        b"\xff\xfe",
    ] {
        let h = env.headers(PAY, bad, &token, Some(&cust), &ext_id());
        let a = env.send("POST", PAY, h, bad.to_vec()).await;
        assert_eq!(
            (a.status, a.code()),
            (400, "4006300"),
            "{bad:?}: {:?}",
            a.json
        );
        assert!(a.message().starts_with("Bad Request"));
    }
    // A JSON array is JSON, but not the request object.
    let h = env.headers(PAY, b"[]", &token, Some(&cust), &ext_id());
    let a = env.send("POST", PAY, h, b"[]".to_vec()).await;
    assert_eq!(a.status, 400);
    assert!(a.code().starts_with("40063"), "{:?}", a.json);

    let a = env
        .send("GET", PAY, http::HeaderMap::new(), Vec::new())
        .await;
    assert_eq!((a.status, a.code()), (405, "4056300"));

    // Over the limit (64 KiB): refused from Content-Length.
    let big = format!("{{\"title\":\"{}\"}}", "x".repeat(70_000)).into_bytes();
    let h = env.headers(PAY, &big, &token, Some(&cust), &ext_id());
    let a = env.send("POST", PAY, h, big.clone()).await;
    assert_eq!((a.status, a.code()), (400, "4006300"));
    assert!(a.message().contains("65536"), "{}", a.message());

    // Over the limit without Content-Length (chunked): refused while reading.
    let h = env.headers(PAY, &big, &token, Some(&cust), &ext_id());
    let (status, body) = chunked_post(env.running.addr(), PAY, &h, &big).await;
    assert_eq!(status, 400);
    let v: serde_json::Value = serde_json::from_slice(&body).expect("json");
    assert_eq!(v["responseCode"], "4006300");

    let a = env
        .send(
            "POST",
            "/v1.0/nothing-here",
            json_headers_only(),
            b"{}".to_vec(),
        )
        .await;
    assert_eq!(a.status, 404);
    assert_eq!(a.code(), "4040002");
    env.running.shutdown().await;
}

fn json_headers_only() -> http::HeaderMap {
    let mut h = http::HeaderMap::new();
    h.insert("content-type", "application/json".parse().unwrap());
    h
}

/// Posts `body` with `Transfer-Encoding: chunked` (no Content-Length) over
/// a raw socket; returns the status and the answer's body.
async fn chunked_post(
    addr: std::net::SocketAddr,
    path: &str,
    headers: &http::HeaderMap,
    body: &[u8],
) -> (u16, Vec<u8>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut s = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let mut head = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n"
    );
    for (k, v) in headers {
        head.push_str(&format!("{}: {}\r\n", k, v.to_str().unwrap()));
    }
    head.push_str("\r\n");
    // The server may answer and close before everything is written.
    let _ = s.write_all(head.as_bytes()).await;
    for chunk in body.chunks(8192) {
        if s.write_all(format!("{:x}\r\n", chunk.len()).as_bytes())
            .await
            .is_err()
            || s.write_all(chunk).await.is_err()
            || s.write_all(b"\r\n").await.is_err()
        {
            break;
        }
    }
    let _ = s.write_all(b"0\r\n\r\n").await;
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out).await;
    let text = String::from_utf8_lossy(&out);
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = text
        .split("\r\n\r\n")
        .nth(1)
        .unwrap_or("")
        .as_bytes()
        .to_vec();
    (status, body)
}

#[tokio::test]
async fn the_signed_path_includes_the_query_string_as_received() {
    let (env, token, cust) = setup().await;
    let body = payment("q-1", "1.00").to_string().into_bytes();
    let with_query = "/v1.0/auth/payment?channel=web&x=1";
    let h = env.headers(with_query, &body, &token, Some(&cust), &ext_id());
    let a = env.send("POST", with_query, h, body.clone()).await;
    assert_eq!(a.code(), "2006300", "{:?}", a.json);
    // Signed without the query (a common sender mistake): refused.
    let h = env.headers(PAY, &body, &token, Some(&cust), &ext_id());
    let a = env
        .send("POST", "/v1.0/auth/payment?channel=web&x=1", h, body)
        .await;
    assert_eq!(a.code(), "4016300");
    env.running.shutdown().await;
}

/// Every endpoint of the registry is routed at its `sandbox_path` (an
/// unsigned request reaches the checks instead of the 404 fallback), and
/// answers in its own code scheme.
#[tokio::test]
async fn every_registered_endpoint_is_served_at_its_sandbox_path() {
    let env = start().await;
    let registry = snap_endpoints::registry::registry();
    assert!(registry.len() >= 19);
    // The sandbox serves the seed documents' endpoints; the BI services
    // generated from the catalogue (issue 13) get their families with
    // issue 15.
    let served = [31, 57, 63, 64, 65, 66, 67, 68, 69, 73, 74, 77];
    for e in registry.iter().filter(|e| {
        e.meta.provider != "BI" || e.meta.service.is_some_and(|s| served.contains(&s.get()))
    }) {
        let method = e.meta.method.as_str();
        let a = env
            .send(method, &e.sandbox_path, json_headers_only(), b"{}".to_vec())
            .await;
        assert_ne!(
            a.status, 404,
            "{} not served at {}",
            e.meta.name, e.sandbox_path
        );
        assert_eq!(a.status, 400, "{}: {:?}", e.meta.name, a.json);
        match e.meta.service {
            Some(sc) => {
                let code = a.code();
                assert_eq!(
                    &code[3..5],
                    format!("{:02}", sc.get()),
                    "{}: {code}",
                    e.meta.name
                );
            }
            None => assert!(
                a.json.get("rc").is_some() || a.json.get("success").is_some(),
                "{}: {:?}",
                e.meta.name,
                a.json
            ),
        }
    }
    env.running.shutdown().await;
}

/// A partner onboarded for asymmetric signatures: B2B transactions signed
/// with its RSA key and no token; B2B2C ones stay symmetric with tokens.
#[tokio::test]
async fn asymmetric_partners_sign_b2b_transactions_with_their_key() {
    use snap_client::{CallOptions, ClientConfig, SignatureMode, SnapClient};
    use snap_core::secret::SecretString;
    use snap_endpoints::bi;
    let env = start_with(|c| {
        let p = c.partners.remove(0).with_asymmetric_transactions();
        c.partners.push(p);
    })
    .await;
    let client = SnapClient::new(
        ClientConfig::new(env.base.clone(), CLIENT_ID)
            .with_client_secret(SECRET.to_owned())
            .with_private_key(KEY.clone())
            .with_device_id("it-device")
            .with_signature_mode(SignatureMode::AsymmetricWithoutToken),
    )
    .unwrap();
    let customer = client
        .customer_token(&SecretString::new("sandbox:asym".to_owned()))
        .await
        .unwrap();
    let pay: bi::AuthPaymentRequest = serde_json::from_value(payment("asym-1", "12.00")).unwrap();
    let raw = client
        .send(&pay, CallOptions::default().customer(&customer))
        .await
        .unwrap();
    assert_eq!(raw.http_status, 200, "B2B2C stays symmetric");
    let qr: bi::QrMpmCancelRequest = serde_json::from_value(
        json!({"originalPartnerReferenceNo": "asym-1", "merchantId": "m", "reason": "x"}),
    )
    .unwrap();
    let raw = client.send(&qr, CallOptions::default()).await.unwrap();
    let body: serde_json::Value = serde_json::from_slice(&raw.body).unwrap();
    assert_eq!(body["responseCode"], "2007700", "{body}");
    // The symmetric form is refused for this partner's B2B transactions.
    let token = env.b2b_token().await;
    let cancel = json!({"originalPartnerReferenceNo": "asym-1", "merchantId": "m", "reason": "x"});
    let a = env
        .post("/v1.0/qr/qr-mpm-cancel", &cancel, &token, None)
        .await;
    assert_eq!(a.code(), "4017700");
    env.running.shutdown().await;
}

/// Events only, into a buffer (enough to see the provider's debug lines).
struct EventCapture(std::sync::Arc<std::sync::Mutex<String>>);

struct Text<'a>(&'a mut String);

impl tracing::field::Visit for Text<'_> {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        self.0.push_str(&format!(" {}={:?}", field.name(), value));
    }
    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        self.0.push_str(&format!(" {}={}", field.name(), value));
    }
}

impl tracing::Subscriber for EventCapture {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        tracing::span::Id::from_u64(1)
    }
    fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        let mut s = format!("\n{}", event.metadata().level());
        event.record(&mut Text(&mut s));
        self.0.lock().unwrap().push_str(&s);
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

/// A rejected signature logs the signature doctor's diagnosis at debug
/// level: here the sender hashed the body with PHP's `\/` escaping.
#[tokio::test(flavor = "current_thread")]
async fn a_rejected_signature_logs_the_doctors_diagnosis() {
    let out = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    let _guard = tracing::subscriber::set_default(EventCapture(out.clone()));
    // With a single scoped dispatcher alive, tracing-core computes a new
    // callsite's interest from the registering thread's default only: a
    // callsite first hit by a concurrent test (no subscriber) would be cached
    // as "never" for this thread too. A second live dispatcher makes every
    // registration consult all of them.
    let _pin = tracing::Dispatch::new(tracing::subscriber::NoSubscriber::default());
    tracing::callsite::rebuild_interest_cache();
    let (env, token, cust) = setup().await;
    let sent = br#"{"partnerReferenceNo":"d/1","merchantId":"m","title":"t"}"#;
    let signed = br#"{"partnerReferenceNo":"d\/1","merchantId":"m","title":"t"}"#;
    let h = env.headers(PAY, signed, &token, Some(&cust), &ext_id());
    let a = env.send("POST", PAY, h, sent.to_vec()).await;
    assert_eq!(a.code(), "4016300");
    let logs = out.lock().unwrap().clone();
    assert!(logs.contains("signature rejected"), "{logs}");
    assert!(
        logs.contains("diagnosis=") && logs.contains("php-escaped-slashes"),
        "{logs}"
    );
    assert!(
        logs.lines().any(|l| l.starts_with("INFO")
            && l.contains("message=answered")
            && l.contains("status=401")
            && l.contains("response_code=4016300")),
        "{logs}"
    );
    assert!(!logs.contains(&token), "the B2B token must not be logged");
    assert!(!logs.contains(SECRET));
    env.running.shutdown().await;
}
