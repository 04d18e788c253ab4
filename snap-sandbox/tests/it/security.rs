//! Security checks over real loopback HTTP (issue 8), one named test each.
//! The static ones (`unsafe` forbidden in every crate, the constant-time
//! primitive behind HMAC verification, redacted Debug/Display of key types)
//! are in `snap-core/tests/hardening/static_checks.rs`.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use http::HeaderMap;
use serde_json::Value;
use snap_core::secret::SecretString;
use snap_core::sign::HmacKey;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::support::*;

const PAY: &str = "/v1.0/auth/payment";

fn body_of(pref: &str) -> Vec<u8> {
    payment(pref, "10.00").to_string().into_bytes()
}

/// Headers of a symmetric request signed over (`method`, `path`, `body`,
/// `ts`), which may differ from what is then sent.
fn signed_headers(
    method: &str,
    path: &str,
    body: &[u8],
    ts: &str,
    token: &str,
    cust: &str,
    ext: &str,
) -> HeaderMap {
    let key = HmacKey::new(SECRET.as_bytes()).unwrap();
    let sig = sign_symmetric(&key, method, path, token, body, ts).unwrap();
    let mut h = HeaderMap::new();
    h.insert("content-type", "application/json".parse().unwrap());
    h.insert("authorization", format!("Bearer {token}").parse().unwrap());
    h.insert(
        "authorization-customer",
        format!("Bearer {cust}").parse().unwrap(),
    );
    h.insert("x-timestamp", ts.parse().unwrap());
    h.insert("x-signature", sig.parse().unwrap());
    h.insert("x-partner-id", CLIENT_ID.parse().unwrap());
    h.insert("x-external-id", ext.parse().unwrap());
    h.insert("channel-id", "95221".parse().unwrap());
    h.insert("x-device-id", "it-device".parse().unwrap());
    h
}

/// A captured, correctly signed request is accepted, replayed within the
/// window it gives the original answer again (no second payment), and
/// replayed byte for byte after the X-TIMESTAMP window it is refused with
/// `401{SS}00`.
#[tokio::test]
async fn replay_after_timestamp_window_is_rejected() {
    let env = start_with(|c| {
        c.provider = c
            .provider
            .to_builder()
            .timestamp_window(Duration::from_secs(1))
            .build()
            .unwrap()
    })
    .await;
    let token = env.b2b_token().await;
    let cust = env.customer_token("replay").await;
    let body = body_of("replay-1");
    let captured = signed_headers("POST", PAY, &body, &now(), &token, &cust, &ext_id());
    let first = env.send("POST", PAY, captured.clone(), body.clone()).await;
    assert_eq!(first.code(), "2006300", "{:?}", first.json);
    let again = env.send("POST", PAY, captured.clone(), body.clone()).await;
    assert_eq!(
        again.raw, first.raw,
        "an in-window replay gets the original answer"
    );
    // seconds-precision X-TIMESTAMP, 1 s window: 3 s later it is outside
    tokio::time::sleep(Duration::from_millis(3_100)).await;
    let late = env.send("POST", PAY, captured, body).await;
    assert_eq!(
        (late.status, late.code()),
        (401, "4016300"),
        "{:?}",
        late.json
    );
    assert!(late.message().contains("X-TIMESTAMP"), "{}", late.message());
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
    env.running.shutdown().await;
}

/// The same X-EXTERNAL-ID with a different body is `409{SS}00 Conflict`,
/// and nothing is recorded for it.
#[tokio::test]
async fn same_external_id_different_body_is_409() {
    let env = start().await;
    let token = env.b2b_token().await;
    let cust = env.customer_token("conflict").await;
    let ext = ext_id();
    let a = body_of("conflict-a");
    let first = env
        .send(
            "POST",
            PAY,
            signed_headers("POST", PAY, &a, &now(), &token, &cust, &ext),
            a,
        )
        .await;
    assert_eq!(first.code(), "2006300");
    let b = body_of("conflict-b");
    let second = env
        .send(
            "POST",
            PAY,
            signed_headers("POST", PAY, &b, &now(), &token, &cust, &ext),
            b,
        )
        .await;
    assert_eq!(
        (second.status, second.code()),
        (409, "4096300"),
        "{:?}",
        second.json
    );
    let payments = env
        .running
        .sandbox()
        .state()
        .ledger
        .payments(CLIENT_ID)
        .await;
    assert_eq!(payments.len(), 1);
    assert_eq!(payments[0].partner_reference_no, "conflict-a");
    env.running.shutdown().await;
}

/// A signature made over something else than what is sent (body, path,
/// method, timestamp) is refused with `401{SS}00 Invalid Signature`; the
/// unmodified request is accepted (control).
#[tokio::test]
async fn signature_over_modified_body_path_method_or_timestamp_is_rejected() {
    let env = start().await;
    let token = env.b2b_token().await;
    let cust = env.customer_token("tamper").await;
    let body = body_of("tamper-1");
    let ts = shifted(-2);
    let cases: [(&str, HeaderMap, Vec<u8>); 5] = [
        (
            "body",
            signed_headers("POST", PAY, &body, &ts, &token, &cust, &ext_id()),
            body_of("tamper-2"),
        ),
        (
            "path",
            signed_headers(
                "POST",
                "/v1.0/auth/payment?amount=1",
                &body,
                &ts,
                &token,
                &cust,
                &ext_id(),
            ),
            body.clone(),
        ),
        (
            "method",
            signed_headers("PUT", PAY, &body, &ts, &token, &cust, &ext_id()),
            body.clone(),
        ),
        (
            "timestamp",
            {
                let mut h = signed_headers("POST", PAY, &body, &ts, &token, &cust, &ext_id());
                h.insert("x-timestamp", shifted(-1).parse().unwrap());
                h
            },
            body.clone(),
        ),
        (
            "whitespace inside a string",
            signed_headers("POST", PAY, &body, &ts, &token, &cust, &ext_id()),
            {
                String::from_utf8(body.clone())
                    .unwrap()
                    .replacen("Ikan bakar", "Ikan  bakar", 1)
                    .into_bytes()
            },
        ),
    ];
    for (what, headers, sent) in cases {
        let a = env.send("POST", PAY, headers, sent).await;
        assert_eq!(
            (a.status, a.code()),
            (401, "4016300"),
            "modified {what}: {:?}",
            a.json
        );
        assert_eq!(
            a.message(),
            "Unauthorized. Invalid Signature",
            "modified {what}"
        );
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
    // control: the same construction, unmodified, is accepted
    let ok = env
        .send(
            "POST",
            PAY,
            signed_headers("POST", PAY, &body, &ts, &token, &cust, &ext_id()),
            body,
        )
        .await;
    assert_eq!(ok.code(), "2006300", "{:?}", ok.json);
    env.running.shutdown().await;
}

/// A B2B token past its lifetime is refused with `401{SS}01`, and so is a
/// customer token past its own.
#[tokio::test]
async fn expired_token_is_rejected() {
    let env = start_with(|c| {
        c.provider = c
            .provider
            .to_builder()
            .b2b_token_lifetime(Duration::from_secs(2))
            .customer_token_lifetime(Duration::from_secs(2))
            .build()
            .unwrap();
    })
    .await;
    let token = env.b2b_token().await;
    let cust = env.customer_token("expiry").await;
    let body = body_of("expiry-1");
    let fresh = env
        .send(
            "POST",
            PAY,
            signed_headers("POST", PAY, &body, &now(), &token, &cust, &ext_id()),
            body.clone(),
        )
        .await;
    assert_eq!(fresh.code(), "2006300", "{:?}", fresh.json);
    tokio::time::sleep(Duration::from_millis(2_300)).await;
    let b = body_of("expiry-2");
    let late = env
        .send(
            "POST",
            PAY,
            signed_headers("POST", PAY, &b, &now(), &token, &cust, &ext_id()),
            b,
        )
        .await;
    assert_eq!(
        (late.status, late.code()),
        (401, "4016301"),
        "{:?}",
        late.json
    );
    // a new B2B token with the old, expired customer token: 401{SS}02
    let token2 = env.b2b_token().await;
    let c = body_of("expiry-3");
    let late_cust = env
        .send(
            "POST",
            PAY,
            signed_headers("POST", PAY, &c, &now(), &token2, &cust, &ext_id()),
            c,
        )
        .await;
    assert_eq!(
        (late_cust.status, late_cust.code()),
        (401, "4016302"),
        "{:?}",
        late_cust.json
    );
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
    env.running.shutdown().await;
}

/// A body far larger than the limit, sent chunked (no Content-Length), is
/// refused with the SNAP `400{SS}00` answer while the sender is still
/// sending: the server stops reading near the limit instead of buffering
/// the body whole. Also refused up front: a Content-Length over the limit.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_body_refused_without_buffering_it() {
    const LIMIT: usize = 64 * 1024;
    const TOTAL: usize = 512 * 1024 * 1024; // what the sender is prepared to send
    let env =
        start_with(|c| c.provider = c.provider.to_builder().body_limit(LIMIT).build().unwrap())
            .await;
    let token = env.b2b_token().await;
    let cust = env.customer_token("big").await;
    let headers = signed_headers("POST", PAY, b"", &now(), &token, &cust, &ext_id());
    let mut head = format!(
        "POST {PAY} HTTP/1.1\r\nhost: {}\r\ntransfer-encoding: chunked\r\n",
        env.running.addr()
    );
    for (k, v) in &headers {
        head.push_str(&format!("{k}: {}\r\n", v.to_str().unwrap()));
    }
    head.push_str("\r\n");
    let stream = tokio::net::TcpStream::connect(env.running.addr())
        .await
        .unwrap();
    let (mut rd, mut wr) = stream.into_split();
    let written = Arc::new(Mutex::new(0usize));
    let w = written.clone();
    let writer = tokio::spawn(async move {
        wr.write_all(head.as_bytes()).await?;
        let chunk = vec![b' '; 64 * 1024];
        let framed = [
            format!("{:x}\r\n", chunk.len()).into_bytes(),
            chunk,
            b"\r\n".to_vec(),
        ]
        .concat();
        let mut sent = 0;
        while sent < TOTAL {
            wr.write_all(&framed).await?;
            sent += framed.len();
            *w.lock().unwrap() = sent;
        }
        Ok::<_, std::io::Error>(())
    });
    // read the answer while the writer is still going
    let mut answer = Vec::new();
    let mut buf = [0u8; 4096];
    let body_start = loop {
        let n = rd.read(&mut buf).await.unwrap();
        assert!(n > 0, "connection closed without an answer");
        answer.extend_from_slice(&buf[..n]);
        if let Some(i) = answer.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
    };
    let sent_when_answered = *written.lock().unwrap();
    let head_text = String::from_utf8_lossy(&answer[..body_start]).to_lowercase();
    let len: usize = head_text
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .map(|v| v.trim().parse().unwrap())
        .expect("content-length on the SNAP error");
    while answer.len() < body_start + len {
        let n = rd.read(&mut buf).await.unwrap();
        assert!(n > 0);
        answer.extend_from_slice(&buf[..n]);
    }
    writer.abort();
    assert!(head_text.starts_with("http/1.1 400"), "{head_text}");
    let json: Value = serde_json::from_slice(&answer[body_start..body_start + len]).unwrap();
    assert_eq!(json["responseCode"], "4006300", "{json}");
    // the server answered long before the sender was done: at most the limit
    // plus what the loopback socket buffers absorb had been sent
    println!(
        "oversized body: answered after {sent_when_answered} of {TOTAL} bytes sent (limit {LIMIT})"
    );
    assert!(
        sent_when_answered < 64 * 1024 * 1024,
        "{sent_when_answered} bytes sent before the answer"
    );
    assert!(
        env.running
            .sandbox()
            .state()
            .ledger
            .payments(CLIENT_ID)
            .await
            .is_empty()
    );

    // Content-Length above the limit: refused from the header, body unread
    let mut h = signed_headers("POST", PAY, b"", &now(), &token, &cust, &ext_id());
    h.insert(
        "content-length",
        format!("{}", 100 * LIMIT).parse().unwrap(),
    );
    let mut s = tokio::net::TcpStream::connect(env.running.addr())
        .await
        .unwrap();
    let mut req = format!("POST {PAY} HTTP/1.1\r\nhost: x\r\n");
    for (k, v) in &h {
        req.push_str(&format!("{k}: {}\r\n", v.to_str().unwrap()));
    }
    req.push_str("\r\n");
    s.write_all(req.as_bytes()).await.unwrap();
    let mut got = Vec::new();
    while !String::from_utf8_lossy(&got).contains("\"responseCode\"") {
        let n = s.read(&mut buf).await.unwrap();
        assert!(n > 0, "closed: {}", String::from_utf8_lossy(&got));
        got.extend_from_slice(&buf[..n]);
    }
    let text = String::from_utf8_lossy(&got);
    assert!(text.starts_with("HTTP/1.1 400"), "{text}");
    assert!(text.contains("4006300"), "{text}");
    env.running.shutdown().await;
}

/// A tracing subscriber that writes every event and span field to a buffer.
struct Capture {
    out: Arc<Mutex<String>>,
    next_id: std::sync::atomic::AtomicU64,
}

struct Fields<'a>(&'a mut String);

impl tracing::field::Visit for Fields<'_> {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        self.0.push_str(&format!(" {}={:?}", field.name(), value));
    }
    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        self.0.push_str(&format!(" {}={}", field.name(), value));
    }
}

impl tracing::Subscriber for Capture {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, span: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        let mut s = format!("\nspan {}", span.metadata().name());
        span.record(&mut Fields(&mut s));
        self.out.lock().unwrap().push_str(&s);
        tracing::span::Id::from_u64(
            1 + self
                .next_id
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed),
        )
    }
    fn record(&self, _: &tracing::span::Id, values: &tracing::span::Record<'_>) {
        let mut s = String::from("\nrecord");
        values.record(&mut Fields(&mut s));
        self.out.lock().unwrap().push_str(&s);
    }
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        let mut s = format!(
            "\n{} {}",
            event.metadata().level(),
            event.metadata().target()
        );
        event.record(&mut Fields(&mut s));
        self.out.lock().unwrap().push_str(&s);
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

/// No secret (client secret, B2B or customer token) appears in what the
/// client and the provider side log at every level (the signature doctor's
/// debug diagnosis included), in client errors, or in the Debug form of the
/// configurations. Tokens are searched for by asking the sandbox's token
/// store about every token-like word of the output.
#[tokio::test]
async fn no_secret_in_logs_errors_or_debug() {
    let out = Arc::new(Mutex::new(String::new()));
    let _guard = tracing::subscriber::set_default(Capture {
        out: out.clone(),
        next_id: std::sync::atomic::AtomicU64::new(0),
    });
    // With a single scoped dispatcher alive, tracing-core computes a new
    // callsite's interest from the registering thread's default only, so a
    // callsite first hit by a concurrent test would be cached as "never"
    // here too. A second live dispatcher makes registrations consult all.
    let _pin = tracing::Dispatch::new(tracing::subscriber::NoSubscriber::default());
    tracing::callsite::rebuild_interest_cache();
    let env = start().await;
    let mut printed = Vec::new();
    // the client: tokens, a payment, a failing call
    let client = env.client("");
    let customer = client
        .customer_token(&SecretString::new("sandbox:logs".to_owned()))
        .await
        .expect("customer token");
    let req: snap_endpoints::bi::AuthPaymentRequest =
        serde_json::from_value(payment("logs-1", "5.00")).unwrap();
    client
        .send(
            &req,
            snap_client::CallOptions::default().customer(&customer),
        )
        .await
        .expect("payment");
    printed.push(format!("{client:?} {:?} {customer:?}", client.config()));
    // a client with a wrong secret: its call fails with a signature error answer
    let wrong = snap_client::SnapClient::new(
        snap_client::ClientConfig::new(env.base.clone(), CLIENT_ID)
            .with_client_secret("wrong-secret-value-1234".to_owned())
            .with_private_key(KEY.clone()),
    )
    .unwrap();
    let req2: snap_endpoints::bi::AuthPaymentRequest =
        serde_json::from_value(payment("logs-2", "5.00")).unwrap();
    let e = wrong
        .send(
            &req2,
            snap_client::CallOptions::default().customer(&customer),
        )
        .await;
    printed.push(format!("{e:?}"));
    if let Err(e) = &e {
        printed.push(e.to_string());
    }
    // raw: a bad signature (the doctor diagnoses it at debug level) and a bad token
    let token = env.b2b_token().await;
    let cust = env.customer_token("logs").await;
    let body = body_of("logs-3");
    let mut h = signed_headers("POST", PAY, &body, &now(), &token, &cust, &ext_id());
    h.insert("x-signature", "AAAA".parse().unwrap());
    let a = env.send("POST", PAY, h, body.clone()).await;
    assert_eq!(a.status, 401);
    let mut h = signed_headers("POST", PAY, &body, &now(), &token, &cust, &ext_id());
    h.insert("authorization", format!("Bearer {token}x").parse().unwrap());
    let a = env.send("POST", PAY, h, body).await;
    assert_eq!(a.status, 401);
    printed.push(format!("{:?}", env.running.sandbox().provider()));

    let logs = out.lock().unwrap().clone();
    assert!(logs.len() > 200, "nothing captured: {logs}");
    assert!(
        logs.contains("Invalid Signature"),
        "the refusals were logged: {logs}"
    );
    let everything = format!("{logs}\n{}", printed.join("\n"));
    for secret in [SECRET, "wrong-secret-value-1234", &token, &cust] {
        assert!(
            !everything.contains(secret),
            "secret {secret:?} printed:\n{everything}"
        );
    }
    // any other token the client fetched for itself
    let state = env.running.sandbox().state().clone();
    let words = everything
        .split(|c: char| !(c.is_ascii_alphanumeric() || "-_.~+/=".contains(c)))
        .filter(|w| w.len() >= 16);
    for w in words {
        assert!(
            !matches!(state.tokens.check_b2b(w).await, Ok(Ok(_))),
            "a live B2B token is in the output: {w}"
        );
        assert!(
            !matches!(state.tokens.check_customer(CLIENT_ID, w).await, Ok(Ok(_))),
            "a live customer token is in the output: {w}"
        );
    }
    env.running.shutdown().await;
}
