//! Direct debits in the ledger, over HTTP, in memory and (with
//! `SNAP_TEST_REDIS_URL`) on Redis: 54 pays, 58 refunds, 55 answers with
//! the `refundHistory` of the ledger's operations, 57 cancels a debit not
//! yet refunded; the dashboard lists them under "Direct debits" with their
//! history.

use http::HeaderMap;
use serde_json::{Value, json};

use crate::support::{CLIENT_ID, Env, ext_id, redis_url, start, start_on_redis};

async fn debit(env: &Env, token: &str, cust: &str, pref: &str, value: &str) -> String {
    let a = env
        .post(
            "/v1.0/debit/payment-host-to-host",
            &json!({"partnerReferenceNo": pref, "merchantId": "M1", "amount": {"value": value, "currency": "IDR"}}),
            token,
            Some(cust),
        )
        .await;
    assert_eq!(a.code(), "2005400", "{:?}", a.json);
    a.json["referenceNo"].as_str().unwrap().to_owned()
}

async fn refund(env: &Env, token: &str, pref: &str, no: &str, value: &str) -> Value {
    let a = env
        .post(
            "/v1.0/debit/refund",
            &json!({"originalPartnerReferenceNo": pref, "partnerRefundNo": no, "refundAmount": {"value": value, "currency": "IDR"}}),
            token,
            None,
        )
        .await;
    assert_eq!(a.code(), "2005800", "{:?}", a.json);
    a.json
}

async fn status(env: &Env, token: &str, pref: &str) -> Value {
    let a = env
        .post(
            "/v1.0/debit/status",
            &json!({"originalPartnerReferenceNo": pref, "serviceCode": "54"}),
            token,
            None,
        )
        .await;
    assert_eq!(a.code(), "2005500", "{:?}", a.json);
    a.json
}

async fn cancel(env: &Env, token: &str, cust: &str, pref: &str) -> crate::support::Answer {
    env.post(
        "/v1.0/debit/cancel",
        &json!({"originalPartnerReferenceNo": pref, "reason": "test"}),
        token,
        Some(cust),
    )
    .await
}

/// The flow on `a`, checked also through `b` (another sandbox on the same
/// store, or `a` itself): the history lives in the ledger's store.
async fn flow(a: &Env, b: &Env) {
    let token = a.b2b_token().await;
    let token_b = b.b2b_token().await;
    let cust = a.customer_token("cust-ddh").await;
    let p1 = format!("ddh-1-{}", ext_id());
    let p2 = format!("ddh-2-{}", ext_id());
    let ref1 = debit(a, &token, &cust, &p1, "50000.00").await;
    let r1 = refund(a, &token, &p1, "rf-1", "10000.00").await;
    let r2 = refund(a, &token, &p1, "rf-2", "5000.00").await;

    let s = status(b, &token_b, &p1).await;
    assert_eq!(s["originalReferenceNo"], ref1.as_str());
    assert_eq!(s["latestTransactionStatus"], "00", "{s}");
    let history = s["refundHistory"].as_array().expect("refundHistory");
    assert_eq!(history.len(), 2, "{s}");
    for (h, (r, no, value)) in history
        .iter()
        .zip([(&r1, "rf-1", "10000.00"), (&r2, "rf-2", "5000.00")])
    {
        assert_eq!(h["refundNo"], r["refundNo"], "{s}");
        assert_eq!(h["partnerRefundNo"], no);
        assert_eq!(
            h["refundAmount"],
            json!({"value": value, "currency": "IDR"})
        );
        assert_eq!(h["refundStatus"], "00");
        assert_eq!(h["refundDate"], r["refundTime"]);
    }
    // Partly refunded: the cancel is refused with BI's "cancel/refund not
    // allowed at this time".
    let c = cancel(a, &token, &cust, &p1).await;
    assert_eq!(c.code(), "4055701", "{:?}", c.json);
    assert_eq!(
        c.json["responseMessage"]
            .as_str()
            .unwrap_or("")
            .split('.')
            .next(),
        Some("Requested Operation Is Not Allowed"),
        "{:?}",
        c.json
    );

    // A debit not refunded is cancelled: the whole amount returned.
    debit(a, &token, &cust, &p2, "20000.00").await;
    let c = cancel(a, &token, &cust, &p2).await;
    assert_eq!(c.code(), "2005700", "{:?}", c.json);
    assert!(c.json["cancelTime"].is_string(), "{:?}", c.json);
    let s = status(b, &token_b, &p2).await;
    assert_eq!(s["latestTransactionStatus"], "05", "{s}");
    assert!(
        s.get("refundHistory").is_none(),
        "a cancel is no refund: {s}"
    );
    let again = cancel(b, &token_b, &cust, &p2).await;
    assert_eq!(again.code(), "4045700", "{:?}", again.json);
    let r = a
        .post(
            "/v1.0/debit/refund",
            &json!({"originalPartnerReferenceNo": p2, "partnerRefundNo": "rf-x", "refundAmount": {"value": "1.00", "currency": "IDR"}}),
            &token,
            None,
        )
        .await;
    assert_eq!(r.code(), "4045800", "{:?}", r.json);

    // The dashboard (of the sandbox that took the payments) lists them
    // under direct debits, with their operations.
    let state = a
        .send(
            "GET",
            "/sandbox/v1.0/dashboard/state",
            HeaderMap::new(),
            Vec::new(),
        )
        .await
        .json;
    let partner = state["partners"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["clientId"] == CLIENT_ID)
        .unwrap()
        .clone();
    let family = |name: &str| -> Vec<Value> {
        partner["families"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["name"] == name)
            .unwrap()["rows"]
            .as_array()
            .unwrap()
            .clone()
    };
    let debits = family("Direct debits");
    let auth = family("Auth payments");
    let row = |pref: &str| {
        debits
            .iter()
            .find(|r| r["partnerReference"] == pref)
            .unwrap_or_else(|| panic!("{pref} not under direct debits: {debits:?}"))
            .clone()
    };
    assert!(
        auth.iter()
            .all(|r| r["partnerReference"] != p1.as_str() && r["partnerReference"] != p2.as_str()),
        "a direct debit under auth payments: {auth:?}"
    );
    let one = row(&p1);
    let events: Vec<&str> = one["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["event"].as_str().unwrap())
        .collect();
    assert_eq!(events, ["debited", "refunded", "refunded"], "{one}");
    assert_eq!(one["history"][1]["amount"], "10000.00 IDR");
    assert_eq!(
        one["history"][1]["reference"],
        format!("{} / rf-1", r1["refundNo"].as_str().unwrap())
    );
    assert_eq!(one["history"][2]["time"], r2["refundTime"]);
    let two = row(&p2);
    assert_eq!(two["status"], "Canceled");
    assert_eq!(two["history"][1]["event"], "cancelled");
    assert_eq!(two["history"][1]["amount"], "20000.00 IDR");
}

#[tokio::test]
async fn direct_debit_history_in_memory() {
    let env = start().await;
    flow(&env, &env).await;
    env.running.shutdown().await;
}

#[tokio::test]
async fn direct_debit_history_on_redis() {
    let Some(url) = redis_url() else { return };
    let prefix = format!("snaptest:{}:{}:ddh:", std::process::id(), ext_id());
    let a = start_on_redis(&url, &prefix).await;
    let b = start_on_redis(&url, &prefix).await;
    flow(&a, &b).await;
    a.running.shutdown().await;
    b.running.shutdown().await;
}
