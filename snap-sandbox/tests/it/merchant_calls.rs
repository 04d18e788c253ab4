//! The sandbox sends the bank's calls to the merchant: a tiny merchant
//! built with snap-server (every provider-side check its own: token,
//! timestamp, HMAC over the raw body, X-EXTERNAL-ID, field rules) receives
//! VA payment 25 when a VA is paid through the helper API, QRIS
//! notification 52 when a QR is paid, direct debit notification 56 when a
//! payment 54 succeeds; a merchant that is down is tried a bounded number
//! of times and the call recorded as failed, the sandbox unaffected; a
//! `5xx` is retried with the same X-EXTERNAL-ID and bytes.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use http::HeaderMap;
use serde_json::{Value, json};
use snap_core::sign::RsaPublicKey;
use snap_endpoints::bi::direct_debit::DebitNotifyRequest as DebitNotify;
use snap_endpoints::bi::mpm::QrMpmNotifyRequest as QrisNotify;
use snap_endpoints::bi::va::VaPaymentRequest as VaPayment;
use snap_sandbox::bank::BANK_CLIENT_ID;
use snap_server::tokens::{MemoryTokens, TokenLifetimes};
use snap_server::{
    Inbound, Partner, Provider, ProviderConfig, Reply, SnapLayer, SnapReply, StaticPartners, route,
    token_routes,
};
use tokio::net::TcpListener;

use crate::support::{CLIENT_ID, Env, SECRET, start_with};

/// What the merchant received: `(service, X-EXTERNAL-ID, body)`.
type Received = Arc<Mutex<Vec<(u8, String, Value)>>>;

fn keep(r: &Received, service: u8, ext: Option<&String>, raw: &[u8]) {
    let body = serde_json::from_slice(raw).unwrap_or(Value::Null);
    r.lock()
        .unwrap()
        .push((service, ext.cloned().unwrap_or_default(), body));
}

async fn on_payment(State(r): State<Received>, req: Inbound<VaPayment>) -> SnapReply<VaPayment> {
    keep(&r, 25, req.external_id.as_ref(), &req.raw_body);
    let q = &req.request;
    SnapReply::from_reply(Reply::ok(&json!({
        "responseCode": "2002500",
        "responseMessage": "Successful",
        "virtualAccountData": {
            "partnerServiceId": q.partner_service_id,
            "customerNo": q.customer_no,
            "virtualAccountNo": q.virtual_account_no,
            "virtualAccountName": "Budi",
            "paymentRequestId": q.payment_request_id,
            "paidAmount": {"value": q.paid_amount.value_string(), "currency": "IDR"},
        },
    })))
}

async fn on_qris(State(r): State<Received>, req: Inbound<QrisNotify>) -> SnapReply<QrisNotify> {
    keep(&r, 52, req.external_id.as_ref(), &req.raw_body);
    SnapReply::from_reply(Reply::ok(
        &json!({"responseCode": "2005200", "responseMessage": "Successful"}),
    ))
}

async fn on_debit(State(r): State<Received>, req: Inbound<DebitNotify>) -> SnapReply<DebitNotify> {
    keep(&r, 56, req.external_id.as_ref(), &req.raw_body);
    SnapReply::from_reply(Reply::ok(
        &json!({"responseCode": "2005600", "responseMessage": "Successful"}),
    ))
}

/// Serves the merchant on `listener`: the bank (`SANDBOX-BANK`, the
/// partner's client secret, `bank_key`) is its one partner.
fn serve_merchant(listener: TcpListener, bank_key: RsaPublicKey) -> Received {
    let bank = Partner::new(BANK_CLIENT_ID, SECRET.as_bytes(), Some(bank_key)).expect("bank");
    let partners = StaticPartners::default().with(bank);
    let provider = Arc::new(Provider::new(
        ProviderConfig::default(),
        Arc::new(partners),
        Arc::new(MemoryTokens::new(TokenLifetimes::default())),
    ));
    let received = Received::default();
    let app = Router::new()
        .route(
            "/v1.0/transfer-va/payment",
            route::<VaPayment, _, _, _>(on_payment),
        )
        .route(
            "/v1.0/qr/qr-mpm-notify",
            route::<QrisNotify, _, _, _>(on_qris),
        )
        .route(
            "/v1.0/debit/notify",
            route::<DebitNotify, _, _, _>(on_debit),
        )
        .merge(token_routes())
        .layer(SnapLayer::new(provider))
        .with_state(received.clone());
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    received
}

fn json_answer(status: http::StatusCode, v: Value) -> axum::response::Response {
    let mut res = axum::response::Response::new(axum::body::Body::from(v.to_string()));
    *res.status_mut() = status;
    res.headers_mut()
        .insert("content-type", "application/json".parse().unwrap());
    res
}

fn bearer(token: &str) -> HeaderMap {
    let mut h = HeaderMap::new();
    h.insert("content-type", "application/json".parse().unwrap());
    h.insert("authorization", format!("Bearer {token}").parse().unwrap());
    h
}

impl Env {
    /// The merchant calls the sandbox recorded.
    async fn merchant_calls(&self) -> Vec<Value> {
        let a = self
            .send(
                "GET",
                "/sandbox/v1.0/merchant-calls",
                HeaderMap::new(),
                Vec::new(),
            )
            .await;
        assert_eq!(a.status, 200, "{:?}", a.json);
        a.json["calls"].as_array().cloned().unwrap_or_default()
    }

    /// Waits until call `id` is in a final state; returns it.
    async fn settled_call(&self, id: u64) -> Value {
        for _ in 0..200 {
            let calls = self.merchant_calls().await;
            if let Some(c) = calls.iter().find(|c| c["id"] == id)
                && !matches!(c["state"].as_str(), Some("queued" | "sending"))
            {
                return c.clone();
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!(
            "merchant call {id} not settled: {:?}",
            self.merchant_calls().await
        );
    }

    async fn pay_va(&self, token: &str, va_no: &str) -> Value {
        let a = self
            .send(
                "POST",
                "/sandbox/v1.0/va/pay",
                bearer(token),
                json!({"virtualAccountNo": va_no}).to_string().into_bytes(),
            )
            .await;
        assert_eq!(a.status, 200, "{:?}", a.json);
        a.json
    }

    async fn create_va(&self, token: &str, cust: &str, total: &str) -> String {
        let a = self
            .post(
                "/v1.0/transfer-va/create-va",
                &json!({
                    "partnerServiceId": "   12345",
                    "customerNo": cust,
                    "virtualAccountNo": format!("   12345{cust}"),
                    "virtualAccountName": "Budi",
                    "trxId": format!("trx-{cust}"),
                    "totalAmount": {"value": total, "currency": "IDR"},
                    "virtualAccountTrxType": "C",
                }),
                token,
                None,
            )
            .await;
        assert_eq!(a.code(), "2002700", "{:?}", a.json);
        format!("   12345{cust}")
    }
}

/// A sandbox whose partner's merchant is at `url` (the bank key generated
/// by the sandbox), with `attempts` and a short backoff.
async fn sandbox_calling(url: &str, attempts: u32) -> Env {
    let url = url.to_owned();
    start_with(move |c| {
        let mut calls = c
            .merchant_calls
            .clone()
            .with_partner(CLIENT_ID, SECRET, Some(&url))
            .expect("merchant");
        calls.attempts = attempts;
        calls.backoff = Duration::from_millis(20);
        calls.timeout = Duration::from_secs(5);
        c.merchant_calls = calls;
    })
    .await
}

#[tokio::test]
async fn paying_a_va_a_qr_and_a_direct_debit_calls_the_merchant_signed() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}", listener.local_addr().unwrap());
    let env = sandbox_calling(&url, 4).await;
    // The merchant learns the bank's key from the sandbox.
    let pem = env
        .send(
            "GET",
            "/sandbox/v1.0/bank/public-key",
            HeaderMap::new(),
            Vec::new(),
        )
        .await;
    assert_eq!(pem.status, 200);
    let key = RsaPublicKey::from_pem(&String::from_utf8(pem.raw).unwrap()).expect("PEM");
    let received = serve_merchant(listener, key);
    let token = env.b2b_token().await;

    // VA: created (27), paid by the bank through the helper API -> 25.
    let va_no = env.create_va(&token, "7001", "125000.00").await;
    let paid = env.pay_va(&token, &va_no).await;
    let id = paid["merchantCall"]["id"].as_u64().expect("merchantCall");
    assert_eq!(paid["merchantCall"]["service"], 25);
    let call = env.settled_call(id).await;
    assert_eq!(call["state"], "delivered", "{call}");
    assert_eq!(call["httpStatus"], 200);
    assert_eq!(call["responseCode"], "2002500");
    assert_eq!(call["attempts"], 1);
    {
        let got = received.lock().unwrap();
        let (sc, ext, body) = got.iter().find(|r| r.0 == 25).expect("25 received");
        assert_eq!(*sc, 25);
        assert_eq!(ext, call["externalId"].as_str().unwrap());
        assert_eq!(body["virtualAccountNo"], va_no);
        assert_eq!(body["partnerServiceId"], "   12345");
        assert_eq!(body["customerNo"], "7001");
        assert_eq!(
            body["paidAmount"],
            json!({"value": "125000.00", "currency": "IDR"})
        );
        assert_eq!(body["paymentRequestId"], paid["paymentRequestId"]);
    }

    // QRIS: generated (47), paid by the customer -> 52.
    let g = env
        .post(
            "/v1.0/qr/qr-mpm-generate",
            &json!({"partnerReferenceNo": "mc-qr-1", "merchantId": "M1", "amount": {"value": "25000.00", "currency": "IDR"}}),
            &token,
            None,
        )
        .await;
    assert_eq!(g.code(), "2004700", "{:?}", g.json);
    let qr_ref = g.json["referenceNo"].as_str().unwrap().to_owned();
    let a = env
        .send(
            "POST",
            "/sandbox/v1.0/qris/pay",
            bearer(&token),
            json!({"referenceNo": qr_ref}).to_string().into_bytes(),
        )
        .await;
    assert_eq!(a.status, 200, "{:?}", a.json);
    let call = env
        .settled_call(a.json["merchantCall"]["id"].as_u64().unwrap())
        .await;
    assert_eq!(call["state"], "delivered", "{call}");
    assert_eq!(call["responseCode"], "2005200");
    {
        let got = received.lock().unwrap();
        let (_, _, body) = got.iter().find(|r| r.0 == 52).expect("52 received");
        assert_eq!(body["originalReferenceNo"], qr_ref);
        assert_eq!(body["originalPartnerReferenceNo"], "mc-qr-1");
        assert_eq!(body["latestTransactionStatus"], "00");
        assert_eq!(
            body["amount"],
            json!({"value": "25000.00", "currency": "IDR"})
        );
    }

    // Direct debit payment 54 -> 56.
    let cust = env.customer_token("mc-cust").await;
    let pay = env
        .post(
            "/v1.0/debit/payment-host-to-host",
            &json!({"partnerReferenceNo": "mc-dd-1", "merchantId": "M1", "amount": {"value": "50000.00", "currency": "IDR"}}),
            &token,
            Some(&cust),
        )
        .await;
    assert_eq!(pay.code(), "2005400", "{:?}", pay.json);
    let debit_ref = pay.json["referenceNo"].as_str().unwrap().to_owned();
    let mut call = Value::Null;
    for _ in 0..200 {
        let calls = env.merchant_calls().await;
        if let Some(c) = calls.iter().find(|c| c["service"] == 56)
            && c["state"] == "delivered"
        {
            call = c.clone();
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(call["responseCode"], "2005600", "{call}");
    assert_eq!(call["reference"], debit_ref.as_str());
    {
        let got = received.lock().unwrap();
        let (_, _, body) = got.iter().find(|r| r.0 == 56).expect("56 received");
        assert_eq!(body["originalReferenceNo"], debit_ref);
        assert_eq!(body["originalPartnerReferenceNo"], "mc-dd-1");
        assert_eq!(
            body["amount"],
            json!({"value": "50000.00", "currency": "IDR"})
        );
    }
    // One call each, nothing sent twice.
    assert_eq!(received.lock().unwrap().len(), 3);
    env.running.shutdown().await;
}

#[tokio::test]
async fn a_merchant_that_is_down_is_tried_a_few_times_then_the_call_fails() {
    // A port nobody listens on.
    let closed = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let env = sandbox_calling(&url, 3).await;
    let token = env.b2b_token().await;
    let va_no = env.create_va(&token, "7002", "1000.00").await;
    let paid = env.pay_va(&token, &va_no).await;
    assert_eq!(paid["totalPaid"], "1000.00");
    let call = env
        .settled_call(paid["merchantCall"]["id"].as_u64().unwrap())
        .await;
    assert_eq!(call["state"], "failed", "{call}");
    assert_eq!(call["attempts"], 3);
    assert!(
        call["error"].as_str().is_some_and(|e| !e.is_empty()),
        "{call}"
    );
    assert!(call["httpStatus"].is_null());
    // The sandbox is unaffected: the VA is paid, another call answers.
    let again = env.create_va(&token, "7003", "1000.00").await;
    assert!(again.ends_with("7003"));
    env.running.shutdown().await;
}

#[tokio::test]
async fn a_5xx_is_retried_with_the_same_external_id_and_bytes() {
    // A raw merchant: a token for anyone, the first transaction answered
    // 500, the next 200; every request's X-EXTERNAL-ID and body kept.
    type Seen = Arc<Mutex<Vec<(String, Vec<u8>)>>>;
    let seen = Seen::default();
    let app = Router::new()
        .route(
            "/v1.0/access-token/b2b",
            axum::routing::post(|| async {
                json_answer(
                    http::StatusCode::OK,
                    json!({"responseCode": "2007300", "responseMessage": "Successful", "accessToken": "t", "tokenType": "Bearer", "expiresIn": "900"}),
                )
            }),
        )
        .route(
            "/v1.0/transfer-va/payment",
            axum::routing::post(
                |State(seen): State<Seen>, headers: HeaderMap, body: axum::body::Bytes| async move {
                    let ext = headers
                        .get("x-external-id")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("")
                        .to_owned();
                    let n = {
                        let mut s = seen.lock().unwrap();
                        s.push((ext, body.to_vec()));
                        s.len()
                    };
                    let (status, code) = if n == 1 {
                        (http::StatusCode::INTERNAL_SERVER_ERROR, "5002501")
                    } else {
                        (http::StatusCode::OK, "2002500")
                    };
                    json_answer(status, json!({"responseCode": code, "responseMessage": "x"}))
                },
            ),
        )
        .with_state(seen.clone());
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    let env = sandbox_calling(&url, 4).await;
    let token = env.b2b_token().await;
    let va_no = env.create_va(&token, "7004", "2000.00").await;
    let paid = env.pay_va(&token, &va_no).await;
    let call = env
        .settled_call(paid["merchantCall"]["id"].as_u64().unwrap())
        .await;
    assert_eq!(call["state"], "delivered", "{call}");
    assert_eq!(call["attempts"], 2);
    assert_eq!(call["responseCode"], "2002500");
    let s = seen.lock().unwrap();
    assert_eq!(s.len(), 2);
    assert_eq!(
        s[0], s[1],
        "a resend must carry the same X-EXTERNAL-ID and bytes"
    );
    assert_eq!(s[0].0, call["externalId"].as_str().unwrap());
}
