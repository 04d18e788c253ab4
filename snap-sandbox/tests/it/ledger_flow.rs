//! The auth-payment ledger over HTTP: the flow with the real client, the
//! business errors, the statuses the queries report.

use serde_json::{Value, json};
use snap_client::CallOptions;
use snap_core::secret::SecretString;
use snap_endpoints::bi;

use crate::support::*;

fn target(reference: &str, pref: &str) -> Value {
    json!({"originalReferenceNo": reference, "originalPartnerReferenceNo": pref, "merchantId": "m-1"})
}

fn with(mut base: Value, extra: Value) -> Value {
    if let (Some(b), Some(e)) = (base.as_object_mut(), extra.as_object()) {
        for (k, v) in e {
            b.insert(k.clone(), v.clone());
        }
    }
    base
}

fn idr(v: &str) -> Value {
    json!({"value": v, "currency": "IDR"})
}

#[tokio::test]
async fn the_real_client_runs_the_flow_with_typed_answers() {
    let env = start().await;
    let client = env.client("");
    let customer = client
        .customer_token(&SecretString::new("sandbox:flow-1".to_owned()))
        .await
        .expect("customer token");
    let opts = || CallOptions::default().customer(&customer);
    let pay: bi::AuthPaymentRequest = serde_json::from_value(payment("flow-1", "300.00")).unwrap();
    let paid = client.call_with(&pay, opts()).await.expect("payment");
    let reference = paid.reference_no.clone().expect("referenceNo");
    assert_eq!(
        paid.amount.map(|m| m.value_string()).as_deref(),
        Some("300.00")
    );

    let cap: bi::AuthCaptureRequest = serde_json::from_value(with(
        target(&reference, "flow-1"),
        json!({"partnerCaptureNo": "c1", "captureAmount": idr("100.00"), "title": "t", "lastCapture": "TRUE"}),
    ))
    .unwrap();
    let captured = client.call_with(&cap, opts()).await.expect("capture");
    assert_eq!(
        captured.capture_amount.map(|m| m.value_string()).as_deref(),
        Some("100.00")
    );

    // lastCapture voided the remaining 200.00: nothing left to void.
    let void: bi::AuthVoidRequest = serde_json::from_value(with(
        target(&reference, "flow-1"),
        json!({"partnerVoidNo": "v1"}),
    ))
    .unwrap();
    let err = client
        .call_with(&void, opts())
        .await
        .expect_err("nothing to void");
    let text = err.to_string();
    assert!(text.contains("4046700"), "{text}");

    let refund: bi::AuthRefundRequest = serde_json::from_value(json!({
        "originalPartnerReferenceNo": "flow-1",
        "partnerRefundNo": "r1",
        "refundAmount": idr("100.00"),
    }))
    .unwrap();
    let refunded = client.call_with(&refund, opts()).await.expect("refund");
    assert_eq!(
        refunded.refund_amount.map(|m| m.value_string()).as_deref(),
        Some("100.00")
    );

    let q: bi::AuthQueryRequest =
        serde_json::from_value(json!({"originalReferenceNo": reference})).unwrap();
    let status = client.call_with(&q, opts()).await.expect("query");
    assert_eq!(status.latest_transaction_status, "04", "refunded in full");
    env.running
        .sandbox()
        .state()
        .ledger
        .check_invariants()
        .await
        .unwrap();
    env.running.shutdown().await;
}

#[tokio::test]
async fn business_errors_carry_the_bi_codes() {
    let env = start().await;
    let token = env.b2b_token().await;
    let cust = env.customer_token("biz").await;
    let reference = authorize(&env, &token, &cust, "biz-1", "1000.00").await;
    let t = target(&reference, "biz-1");

    // 409xx01: duplicate partnerReferenceNo.
    let a = env
        .post(
            "/v1.0/auth/payment",
            &payment("biz-1", "1.00"),
            &token,
            Some(&cust),
        )
        .await;
    assert_eq!((a.status, a.code()), (409, "4096301"));
    assert!(a.message().starts_with("Duplicate partnerReferenceNo"));

    // 404xx01: not found (unknown reference, mismatched pair).
    let a = env
        .post(
            "/v1.0/auth/query",
            &json!({"originalReferenceNo": "nope"}),
            &token,
            Some(&cust),
        )
        .await;
    assert_eq!((a.status, a.code()), (404, "4046401"));
    assert!(a.message().starts_with("Transaction Not Found"));
    let a = env
        .post(
            "/v1.0/auth/capture",
            &with(
                target(&reference, "other"),
                json!({"partnerCaptureNo": "c", "title": "t"}),
            ),
            &token,
            Some(&cust),
        )
        .await;
    assert_eq!(a.code(), "4046501");

    // 404xx13: more than authorized, zero, another currency.
    for amount in [
        idr("1000.01"),
        idr("0.00"),
        json!({"value": "1.00", "currency": "USD"}),
    ] {
        let a = env
            .post(
                "/v1.0/auth/capture",
                &with(
                    t.clone(),
                    json!({"partnerCaptureNo": "c-x", "title": "t", "captureAmount": amount}),
                ),
                &token,
                Some(&cust),
            )
            .await;
        assert_eq!((a.status, a.code()), (404, "4046513"), "{amount}");
        assert!(a.message().starts_with("Invalid Amount"));
    }
    // Refund before any capture: 404xx00.
    let a = env
        .post(
            "/v1.0/auth/refund",
            &json!({"originalPartnerReferenceNo": "biz-1", "partnerRefundNo": "r0"}),
            &token,
            Some(&cust),
        )
        .await;
    assert_eq!((a.status, a.code()), (404, "4046900"));

    // Capture 400, repeat the partnerCaptureNo: 409xx01.
    let cap = with(
        t.clone(),
        json!({"partnerCaptureNo": "c-1", "title": "t", "captureAmount": idr("400.00")}),
    );
    assert_eq!(
        env.post("/v1.0/auth/capture", &cap, &token, Some(&cust))
            .await
            .code(),
        "2006500"
    );
    assert_eq!(
        env.post("/v1.0/auth/capture", &cap, &token, Some(&cust))
            .await
            .code(),
        "4096501"
    );

    // A second capture; then the capture query reports it.
    let cap2 = with(
        t.clone(),
        json!({"partnerCaptureNo": "c-2", "title": "t", "captureAmount": idr("100.00")}),
    );
    let c2 = env
        .post("/v1.0/auth/capture", &cap2, &token, Some(&cust))
        .await;
    assert_eq!(c2.code(), "2006500");
    let cq = env
        .post(
            "/v1.0/auth/capture-query",
            &with(
                t.clone(),
                json!({"partnerCaptureNo": "c-2", "captureNo": c2.json["captureNo"]}),
            ),
            &token,
            Some(&cust),
        )
        .await;
    assert_eq!(cq.code(), "2006600");
    assert_eq!(cq.json["captureAmount"]["value"], "100.00");
    assert_eq!(cq.json["latestCaptureStatus"], "SUCCESS");
    let cq = env
        .post(
            "/v1.0/auth/capture-query",
            &with(t.clone(), json!({"partnerCaptureNo": "c-9"})),
            &token,
            Some(&cust),
        )
        .await;
    assert_eq!(cq.code(), "4046601");

    // Partial void 100, then the rest with voidRemainingAmount.
    let v1 = env
        .post(
            "/v1.0/auth/void",
            &with(
                t.clone(),
                json!({"partnerVoidNo": "v-1", "voidAmount": idr("100.00")}),
            ),
            &token,
            Some(&cust),
        )
        .await;
    assert_eq!(v1.code(), "2006700");
    assert_eq!(v1.json["voidAmount"]["value"], "100.00");
    let bad_flag = env
        .post(
            "/v1.0/auth/void",
            &with(
                t.clone(),
                json!({"partnerVoidNo": "v-x", "voidRemainingAmount": "MAYBE"}),
            ),
            &token,
            Some(&cust),
        )
        .await;
    assert_eq!((bad_flag.status, bad_flag.code()), (400, "4006701"));
    assert_eq!(
        bad_flag.message(),
        "Invalid Field Format {voidRemainingAmount}"
    );
    let v2 = env
        .post("/v1.0/auth/void", &with(t.clone(), json!({"partnerVoidNo": "v-2", "voidAmount": idr("1.00"), "voidRemainingAmount": "TRUE"})), &token, Some(&cust))
        .await;
    assert_eq!(
        v2.json["voidAmount"]["value"], "400.00",
        "1000 - 500 captured - 100 voided"
    );
    let vq = env
        .post(
            "/v1.0/auth/void-query",
            &with(t.clone(), json!({"partnerVoidNo": "v-2"})),
            &token,
            Some(&cust),
        )
        .await;
    assert_eq!(vq.code(), "2006800");
    assert_eq!(vq.json["latestVoidStatus"], "SUCCESS");
    // Nothing remains: capture and void are now an invalid status.
    let a = env
        .post(
            "/v1.0/auth/capture",
            &with(t.clone(), json!({"partnerCaptureNo": "c-3", "title": "t"})),
            &token,
            Some(&cust),
        )
        .await;
    assert_eq!(a.code(), "4046500");

    // Refund up to the captured 500.00 only.
    let r = env
        .post("/v1.0/auth/refund", &json!({"originalPartnerReferenceNo": "biz-1", "partnerRefundNo": "r1", "refundAmount": idr("500.01")}), &token, Some(&cust))
        .await;
    assert_eq!(r.code(), "4046913");
    let r = env
        .post("/v1.0/auth/refund", &json!({"originalPartnerReferenceNo": "biz-1", "originalReferenceNo": reference, "partnerRefundNo": "r2"}), &token, Some(&cust))
        .await;
    assert_eq!(r.code(), "2006900");
    assert_eq!(r.json["refundAmount"]["value"], "500.00");

    let q = env
        .post(
            "/v1.0/auth/query",
            &json!({"originalPartnerReferenceNo": "biz-1"}),
            &token,
            Some(&cust),
        )
        .await;
    assert_eq!(q.json["latestTransactionStatus"], "04");
    assert_eq!(
        q.json["additionalInfo"]["capturedAmount"]["value"],
        "500.00"
    );
    assert_eq!(q.json["additionalInfo"]["voidedAmount"]["value"], "500.00");
    assert_eq!(
        q.json["additionalInfo"]["refundedAmount"]["value"],
        "500.00"
    );

    // Another partner does not see this payment.
    let other = env.b2b_token_for(OTHER_ID).await;
    let body = json!({"originalReferenceNo": reference})
        .to_string()
        .into_bytes();
    let h = env.headers_as(
        OTHER_ID,
        OTHER_SECRET,
        "/v1.0/auth/query",
        &body,
        &other,
        Some(&cust),
        &ext_id(),
        &now(),
    );
    let a = env.send("POST", "/v1.0/auth/query", h, body).await;
    // The customer token belongs to CLIENT_ID: refused before the lookup.
    assert_eq!(a.code(), "4016402");
    env.running.shutdown().await;
}

#[tokio::test]
async fn a_full_void_cancels_the_payment() {
    let env = start().await;
    let token = env.b2b_token().await;
    let cust = env.customer_token("cancel").await;
    let reference = authorize(&env, &token, &cust, "cx-1", "50.00").await;
    let v = env
        .post(
            "/v1.0/auth/void",
            &with(target(&reference, "cx-1"), json!({"partnerVoidNo": "v"})),
            &token,
            Some(&cust),
        )
        .await;
    assert_eq!(v.json["voidAmount"]["value"], "50.00");
    let q = env
        .post(
            "/v1.0/auth/query",
            &json!({"originalReferenceNo": reference}),
            &token,
            Some(&cust),
        )
        .await;
    assert_eq!(q.json["latestTransactionStatus"], "05");
    assert_eq!(q.json["transactionStatusDesc"], "Canceled");
    env.running.shutdown().await;
}
