//! The ledger invariants under many parallel captures, voids and refunds
//! over HTTP, and parallel retries of one X-EXTERNAL-ID.

use std::sync::Arc;

use serde_json::json;

use crate::support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn invariants_hold_under_parallel_captures_voids_and_refunds() {
    let env = Arc::new(start().await);
    let token = env.b2b_token().await;
    let cust = env.customer_token("conc").await;
    let mut refs = Vec::new();
    for i in 0..3 {
        let pref = format!("conc-{i}");
        refs.push((authorize(&env, &token, &cust, &pref, "1000.00").await, pref));
    }
    let refs = Arc::new(refs);
    let mut tasks = Vec::new();
    for n in 0..150u64 {
        let env = env.clone();
        let refs = refs.clone();
        let token = token.clone();
        let cust = cust.clone();
        tasks.push(tokio::spawn(async move {
            let mut x = n.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xD1B5_4A32_D192_ED03;
            x ^= x >> 29;
            let (reference, pref) = &refs[(x % 3) as usize];
            let cents = 1 + (x >> 8) % 15_000;
            let amount = json!({"value": format!("{}.{:02}", cents / 100, cents % 100), "currency": "IDR"});
            let (path, body) = match (x >> 4) % 3 {
                0 => ("/v1.0/auth/capture", json!({
                    "originalReferenceNo": reference, "originalPartnerReferenceNo": pref, "merchantId": "m-1",
                    "partnerCaptureNo": format!("c-{n}"), "title": "t", "captureAmount": amount})),
                1 => ("/v1.0/auth/void", json!({
                    "originalReferenceNo": reference, "originalPartnerReferenceNo": pref, "merchantId": "m-1",
                    "partnerVoidNo": format!("v-{n}"), "voidAmount": amount})),
                _ => ("/v1.0/auth/refund", json!({
                    "originalPartnerReferenceNo": pref, "partnerRefundNo": format!("r-{n}"), "refundAmount": amount})),
            };
            let a = env.post(path, &body, &token, Some(&cust)).await;
            // Only success or the documented business refusals.
            let code = a.code().to_owned();
            assert!(
                code.starts_with("200") || code.ends_with("13") || code.ends_with("00"),
                "{path}: {code} {:?}",
                a.json
            );
            code.starts_with("200")
        }));
    }
    let mut accepted = 0;
    for t in tasks {
        if t.await.expect("task") {
            accepted += 1;
        }
    }
    let ledger = &env.running.sandbox().state().ledger;
    ledger.check_invariants().await.expect("invariants");
    let payments = ledger.payments(CLIENT_ID).await;
    let ops: usize = payments.iter().map(|p| p.operations as usize).sum();
    assert_eq!(
        ops, accepted,
        "every accepted operation is recorded, none twice"
    );
    assert!(
        accepted > 10,
        "the mix should mostly succeed early: {accepted}"
    );
    // The same invariants as the provider reports them over HTTP.
    for (reference, _) in refs.iter() {
        let q = env
            .post(
                "/v1.0/auth/query",
                &json!({"originalReferenceNo": reference}),
                &token,
                Some(&cust),
            )
            .await;
        let minor = |k: &str| {
            let v = q.json["additionalInfo"][k]["value"]
                .as_str()
                .unwrap()
                .replace('.', "");
            v.parse::<u64>().unwrap()
        };
        let (c, v, r) = (
            minor("capturedAmount"),
            minor("voidedAmount"),
            minor("refundedAmount"),
        );
        assert!(c + v <= 100_000, "captured {c} + voided {v} > authorized");
        assert!(r <= c, "refunded {r} > captured {c}");
    }
    if let Ok(env) = Arc::try_unwrap(env) {
        env.running.shutdown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_retries_of_one_external_id_make_one_capture() {
    let env = Arc::new(start().await);
    let token = env.b2b_token().await;
    let cust = env.customer_token("retry").await;
    let reference = authorize(&env, &token, &cust, "retry-1", "100.00").await;
    let body = json!({
        "originalReferenceNo": reference, "originalPartnerReferenceNo": "retry-1", "merchantId": "m-1",
        "partnerCaptureNo": "c-1", "title": "t", "captureAmount": {"value": "10.00", "currency": "IDR"}})
    .to_string()
    .into_bytes();
    let ext = ext_id();
    let mut tasks = Vec::new();
    for _ in 0..12 {
        let env = env.clone();
        let (token, cust, body, ext) = (token.clone(), cust.clone(), body.clone(), ext.clone());
        tasks.push(tokio::spawn(async move {
            let h = env.headers("/v1.0/auth/capture", &body, &token, Some(&cust), &ext);
            env.send("POST", "/v1.0/auth/capture", h, body).await
        }));
    }
    let mut answers = Vec::new();
    for t in tasks {
        answers.push(t.await.expect("task"));
    }
    for a in &answers {
        assert_eq!(a.code(), "2006500", "{:?}", a.json);
        assert_eq!(
            a.raw, answers[0].raw,
            "every retry gets the original answer"
        );
    }
    let p = env
        .running
        .sandbox()
        .state()
        .ledger
        .payments(CLIENT_ID)
        .await;
    assert_eq!(p[0].operations, 1);
    assert_eq!(p[0].captured, 1000);
    if let Ok(env) = Arc::try_unwrap(env) {
        env.running.shutdown().await;
    }
}
