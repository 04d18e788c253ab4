//! The provider side as axum-native pieces: state, nest, token endpoints,
//! typed replies, the request span, rate limits.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use snap_core::time::SnapTimestamp;
use snap_server::ProviderConfig;
use snap_server::limits::RateLimit;

use crate::support::*;

#[tokio::test]
async fn state_nest_tokens_replays_and_typed_replies() {
    let app = serve_app(
        memory_provider(ProviderConfig::default()),
        "A",
        Duration::ZERO,
    )
    .await;
    let base = &app.base;

    // 73 under /snap: the signature covers the client id only; X-CLIENT-KEY answered.
    let ts = SnapTimestamp::now().into_string();
    let first = token_at(base, &ts).await;
    assert_eq!(
        (first.status, first.code()),
        (200, "2007300"),
        "{:?}",
        first.json
    );
    assert_eq!(first.headers["x-client-key"], CLIENT_ID);
    // The same request replayed mints nothing new.
    let again = token_at(base, &ts).await;
    assert_eq!(again.json["accessToken"], first.json["accessToken"]);
    let token = first.json["accessToken"].as_str().unwrap().to_owned();

    // A transaction under /snap: verified against the original URI.
    let ext = ext_id();
    let a = call(base, &token, &ext, &pay_request("order-1", "1000.50")).await;
    assert_eq!((a.status, a.code()), (200, "2005400"), "{:?}", a.json);
    assert_eq!(a.json["referenceNo"], "A-1");
    assert_eq!(a.json["amount"]["value"], "1000.50");
    assert!(a.headers.contains_key("x-timestamp"));
    // Replay: the same bytes, executed once.
    let b = call(base, &token, &ext, &pay_request("order-1", "1000.50")).await;
    assert_eq!(b.raw, a.raw);
    assert_eq!(b.headers["x-idempotent-replay"], "true");
    assert_eq!(
        app.state.executed.load(std::sync::atomic::Ordering::SeqCst),
        1
    );
    // Another body with the same X-EXTERNAL-ID: 409.
    let c = call(base, &token, &ext, &pay_request("order-2", "1000.50")).await;
    assert_eq!((c.status, c.code()), (409, "4095400"));

    // A handler answer that breaks the declaration is never sent.
    let r = call(
        base,
        &token,
        &ext_id(),
        &RefundRequest {
            partner_refund_no: "r1".into(),
        },
    )
    .await;
    assert_eq!((r.status, r.code()), (500, "5005801"), "{:?}", r.json);
    assert_eq!(r.json["responseMessage"], "Internal Server Error");

    // Another method: 405 with the endpoint's code.
    let res = http()
        .get(format!("{base}/snap/v1.0/debit/pay"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 405);
    let v: serde_json::Value = res.json_body().await;
    assert_eq!(v["responseCode"], "4055400");

    // Content-Type sent twice is refused.
    let body = br#"{"partnerReferenceNo":"x","amount":{"value":"1.00","currency":"IDR"}}"#;
    let d = raw(
        base,
        "/snap/v1.0/debit/pay",
        &token,
        &ext_id(),
        body,
        &[
            ("content-type", "application/json"),
            ("content-type", "text/plain"),
        ],
    )
    .await;
    assert_eq!((d.status, d.code()), (400, "4005401"), "{:?}", d.json);
    assert_eq!(
        d.json["responseMessage"],
        "Invalid Field Format {Content-Type}"
    );
    app.stop().await;
}

trait JsonBody {
    async fn json_body(self) -> serde_json::Value;
}

impl JsonBody for reqwest::Response {
    async fn json_body(self) -> serde_json::Value {
        serde_json::from_slice(&self.bytes().await.unwrap()).unwrap()
    }
}

#[tokio::test]
async fn amounts_sent_as_json_numbers_are_read_from_their_text() {
    let app = serve_app(
        memory_provider(ProviderConfig::default()),
        "A",
        Duration::ZERO,
    )
    .await;
    let token = token(&app.base).await;
    let body = |v: &str| {
        format!(r#"{{"partnerReferenceNo":"n","amount":{{"value":{v},"currency":"IDR"}}}}"#)
    };
    for (sent, booked) in [
        ("1000", "1000.00"),
        ("1000.5", "1000.50"),
        ("1000.50", "1000.50"),
    ] {
        let a = raw(
            &app.base,
            "/snap/v1.0/debit/pay",
            &token,
            &ext_id(),
            body(sent).as_bytes(),
            &[],
        )
        .await;
        assert_eq!(
            (a.status, a.code()),
            (200, "2005400"),
            "{sent}: {:?}",
            a.json
        );
        assert_eq!(a.json["amount"]["value"], booked, "{sent}");
    }
    for sent in [
        "2999.9999999999999",
        "1E2",
        "1e2",
        "1.005",
        "-1.00",
        "1.0e1",
    ] {
        let a = raw(
            &app.base,
            "/snap/v1.0/debit/pay",
            &token,
            &ext_id(),
            body(sent).as_bytes(),
            &[],
        )
        .await;
        assert_eq!(
            (a.status, a.code()),
            (400, "4005401"),
            "{sent}: {:?}",
            a.json
        );
        assert_eq!(
            a.json["responseMessage"], "Invalid Field Format {amount.value}",
            "{sent}"
        );
    }
    app.stop().await;
}

#[tokio::test]
async fn a_partner_over_its_rate_limit_is_answered_429() {
    let config = ProviderConfig::builder()
        .rate_limit(Some(RateLimit {
            requests: 3,
            per: Duration::from_secs(60),
        }))
        .build()
        .unwrap();
    let app = serve_app(memory_provider(config), "A", Duration::ZERO).await;
    let token = token(&app.base).await; // 1
    let mut codes = Vec::new();
    for i in 0..4 {
        let a = call(
            &app.base,
            &token,
            &ext_id(),
            &pay_request(&format!("o{i}"), "1.00"),
        )
        .await;
        codes.push(a.code().to_owned());
    }
    assert_eq!(codes, ["2005400", "2005400", "4295400", "4295400"]);
    app.stop().await;
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
async fn handler_logs_are_inside_the_request_span_with_structured_fields() {
    let capture = Capture::default();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(capture.clone())
        .with_ansi(false)
        .with_max_level(tracing::Level::INFO)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    // A callsite first hit by a concurrent test (no subscriber there) would
    // be cached as uninteresting; a second live dispatcher makes tracing
    // consult every dispatcher (see snap-sandbox's checks.rs).
    let _pin = tracing::Dispatch::new(tracing::subscriber::NoSubscriber::default());
    tracing::callsite::rebuild_interest_cache();
    let app = serve_app(
        memory_provider(ProviderConfig::default()),
        "A",
        Duration::ZERO,
    )
    .await;
    let token = token(&app.base).await;
    let a = call(&app.base, &token, &ext_id(), &pay_request("o", "1.00")).await;
    assert_eq!(a.status, 200);
    app.stop().await;
    let text = String::from_utf8(capture.0.lock().unwrap().clone()).unwrap();
    let paying = text
        .lines()
        .find(|l| l.contains("paying"))
        .unwrap_or_else(|| panic!("no handler event in:\n{text}"));
    assert!(
        paying.contains("snap_request{method=POST path=/snap/v1.0/debit/pay partner=srv-merchant}"),
        "{paying}"
    );
    let answered = text
        .lines()
        .find(|l| l.contains("answered") && l.contains("status=200") && l.contains("2005400"))
        .unwrap_or_else(|| panic!("no answer event in:\n{text}"));
    assert!(
        answered.contains("endpoint=\"Pay\"") || answered.contains("endpoint=Pay"),
        "{answered}"
    );
}
