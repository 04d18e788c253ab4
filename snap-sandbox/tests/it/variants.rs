//! Provider variants, each in its own document's format and codes.

use http::HeaderMap;
use serde_json::{Value, json};
use snap_endpoints::ayopop::AyopopCredentials;
use snap_endpoints::ipg::IpgKey;

use crate::support::*;

async fn setup() -> (Env, String, String) {
    let env = start().await;
    let token = env.b2b_token().await;
    let cust = env.customer_token("variants").await;
    (env, token, cust)
}

#[tokio::test]
async fn gopay_preauth_void_and_debit_cancel() {
    let (env, token, cust) = setup().await;
    let r1 = authorize(&env, &token, &cust, "gp-1", "70.00").await;
    let void = json!({"originalReferenceNo": r1, "originalPartnerReferenceNo": "gp-1", "merchantId": "m", "partnerVoidNo": "gv-1"});
    let a = env.post("/gopay/v1.0/auth/void", &void, &token, None).await;
    assert_eq!((a.status, a.code()), (200, "2006700"), "{:?}", a.json);
    assert_eq!(a.json["voidAmount"]["value"], "70.00");
    assert!(a.json["voidTime"].is_string());
    // Again: GoPay answers every business refusal 403{SS}15.
    let again = json!({"originalReferenceNo": r1, "originalPartnerReferenceNo": "gp-1", "merchantId": "m", "partnerVoidNo": "gv-2"});
    let a = env
        .post("/gopay/v1.0/auth/void", &again, &token, None)
        .await;
    assert_eq!((a.status, a.code()), (403, "4036715"));
    assert!(a.message().starts_with("Transaction Not Permitted"));
    // By additionalInfo.originalExternalId (GoPay's timed-out case); unknown here.
    let by_ext = json!({"originalPartnerReferenceNo": "gp-1", "merchantId": "m", "partnerVoidNo": "gv-3", "additionalInfo": {"originalExternalId": "999"}});
    assert_eq!(
        env.post("/gopay/v1.0/auth/void", &by_ext, &token, None)
            .await
            .code(),
        "4036715"
    );
    // Neither reference: the one-of rule.
    let none =
        json!({"originalPartnerReferenceNo": "gp-1", "merchantId": "m", "partnerVoidNo": "gv-4"});
    let a = env.post("/gopay/v1.0/auth/void", &none, &token, None).await;
    assert_eq!((a.status, a.code()), (400, "4006702"));

    // Debit cancel by the auth request's X-EXTERNAL-ID.
    let ext = ext_id();
    let body = payment("gp-2", "30.00").to_string().into_bytes();
    let h = env.headers("/v1.0/auth/payment", &body, &token, Some(&cust), &ext);
    assert_eq!(
        env.send("POST", "/v1.0/auth/payment", h, body).await.code(),
        "2006300"
    );
    let cancel = json!({"originalExternalId": ext, "originalPartnerReferenceNo": "gp-2"});
    let a = env
        .post("/gopay/v1.0/debit/cancel", &cancel, &token, None)
        .await;
    assert_eq!((a.status, a.code()), (200, "2005700"), "{:?}", a.json);
    assert!(a.json["cancelTime"].is_string());
    // A captured payment cannot be cancelled.
    let r3 = authorize(&env, &token, &cust, "gp-3", "30.00").await;
    let cap = json!({"originalReferenceNo": r3, "originalPartnerReferenceNo": "gp-3", "merchantId": "m", "partnerCaptureNo": "c", "title": "t", "captureAmount": {"value": "1.00", "currency": "IDR"}});
    assert_eq!(
        env.post("/v1.0/auth/capture", &cap, &token, Some(&cust))
            .await
            .code(),
        "2006500"
    );
    let a = env
        .post(
            "/gopay/v1.0/debit/cancel",
            &json!({"originalReferenceNo": r3, "originalPartnerReferenceNo": "gp-3"}),
            &token,
            None,
        )
        .await;
    assert_eq!(a.code(), "4035715");
    // GoPay needs no customer token; a missing B2B token is 401{SS}03.
    let body = cancel.to_string().into_bytes();
    let mut h = env.headers("/gopay/v1.0/debit/cancel", &body, &token, None, &ext_id());
    h.remove("authorization");
    assert_eq!(
        env.send("POST", "/gopay/v1.0/debit/cancel", h, body)
            .await
            .code(),
        "4015703"
    );
    env.running.shutdown().await;
}

#[tokio::test]
async fn gopay_qris_cancel_and_delete_va() {
    let (env, token, cust) = setup().await;
    let r = authorize(&env, &token, &cust, "qr-1", "25.00").await;
    let body = |amount: &str| json!({"originalReferenceNo": r, "merchantId": "m", "reason": "cancel", "amount": {"value": amount, "currency": "IDR"}});
    let a = env
        .post("/gopay/v1.0/qr/qr-mpm-cancel", &body("24.00"), &token, None)
        .await;
    assert_eq!(
        (a.status, a.code()),
        (404, "4047713"),
        "the amount must match"
    );
    let a = env
        .post("/gopay/v1.0/qr/qr-mpm-cancel", &body("25.00"), &token, None)
        .await;
    assert_eq!((a.status, a.code()), (200, "2007700"), "{:?}", a.json);
    assert_eq!(a.json["originalPartnerReferenceNo"], "qr-1");
    assert_eq!(a.json["transactionDate"].as_str().unwrap().len(), 8);
    let a = env
        .post("/gopay/v1.0/qr/qr-mpm-cancel", &body("25.00"), &token, None)
        .await;
    assert_eq!(a.code(), "4047700", "already cancelled");
    let a = env
        .post(
            "/gopay/v1.0/qr/qr-mpm-cancel",
            &json!({"originalReferenceNo": "nope", "merchantId": "m", "reason": "x"}),
            &token,
            None,
        )
        .await;
    assert_eq!(a.code(), "4047701");

    let va = json!({
        "partnerServiceId": "  088899", "customerNo": "12345678901234567890",
        "virtualAccountNo": "  08889912345678901234567890", "trxId": "trx-1",
        "additionalInfo": {"merchantId": "G12345463"}});
    let a = env
        .post("/gopay/v1.0/transfer-va/delete-va", &va, &token, None)
        .await;
    assert_eq!((a.status, a.code()), (200, "2003100"), "{:?}", a.json);
    assert_eq!(
        a.json["virtualAccountData"]["virtualAccountNo"],
        "  08889912345678901234567890"
    );
    let a = env
        .post("/gopay/v1.0/transfer-va/delete-va", &va, &token, None)
        .await;
    assert_eq!((a.status, a.code()), (404, "4043112"));
    let mut bad = va.clone();
    bad["virtualAccountNo"] = json!("  08889900000000000000000000");
    let a = env
        .post("/gopay/v1.0/transfer-va/delete-va", &bad, &token, None)
        .await;
    assert_eq!((a.status, a.code()), (400, "4003101"));
    assert_eq!(a.message(), "Invalid Field Format {virtualAccountNo}");
    env.running.shutdown().await;
}

#[tokio::test]
async fn paydia_void() {
    let (env, token, cust) = setup().await;
    let r = authorize(&env, &token, &cust, "pd-1", "3000.00").await;
    let body = |amount: &str, no: &str| {
        json!({
        "originalPartnerReferenceNo": "pd-1", "originalReferenceNo": r, "merchantId": "m",
        "voidAmount": {"value": amount, "currency": "IDR"}, "partnerVoidNo": no, "reason": "Discount"})
    };
    let a = env
        .post(
            "/paydia/v1.0/auth/void",
            &body("1000.00", "pv-1"),
            &token,
            Some(&cust),
        )
        .await;
    assert_eq!((a.status, a.code()), (200, "2006700"), "{:?}", a.json);
    for field in [
        "originalPartnerReferenceNo",
        "originalReferenceNo",
        "voidNo",
        "partnerVoidNo",
        "voidTime",
    ] {
        assert!(a.json[field].is_string(), "Paydia makes {field} mandatory");
    }
    let a = env
        .post(
            "/paydia/v1.0/auth/void",
            &body("2000.01", "pv-2"),
            &token,
            Some(&cust),
        )
        .await;
    assert_eq!((a.status, a.code()), (404, "4046713"));
    // Paydia: voidAmount and reason are mandatory; the customer token too.
    let mut missing = body("1.00", "pv-3");
    missing.as_object_mut().unwrap().remove("voidAmount");
    let a = env
        .post("/paydia/v1.0/auth/void", &missing, &token, Some(&cust))
        .await;
    assert_eq!((a.status, a.code()), (400, "4006702"));
    assert_eq!(a.message(), "Invalid Mandatory Field {voidAmount}");
    let a = env
        .post(
            "/paydia/v1.0/auth/void",
            &body("1.00", "pv-4"),
            &token,
            None,
        )
        .await;
    assert_eq!((a.status, a.code()), (401, "4016704"));
    env.running.shutdown().await;
}

fn ayopop_headers(creds: &AyopopCredentials, body: &[u8]) -> HeaderMap {
    let ah = creds.headers(body);
    let mut h = HeaderMap::new();
    h.insert("content-type", "application/json".parse().unwrap());
    h.insert("key", ah.key.parse().unwrap());
    h.insert("token", ah.token.parse().unwrap());
    h.insert("version", ah.version.parse().unwrap());
    h
}

#[tokio::test]
async fn ayopop_bill_cancel_answers_in_ayopop_format() {
    let env = start().await;
    let creds = AyopopCredentials::new(CLIENT_ID, SECRET.as_bytes()).unwrap();
    let body = json!({"partnerId": CLIENT_ID, "account_number": "43554", "ref_number": "5324354"})
        .to_string()
        .into_bytes();
    let path = "/ayopop/api/v2/bill/cancel";
    let a = env
        .send("POST", path, ayopop_headers(&creds, &body), body.clone())
        .await;
    assert_eq!(a.status, 200, "{:?}", a.json);
    assert_eq!(a.json["responseCode"], 600);
    assert_eq!(a.json["success"], true);
    assert_eq!(a.json["message"]["EN"], "Cancellation Successful");
    assert_eq!(a.json["message"]["ID"], "Pembatalan Sukses");
    // Cancelled once only.
    let a = env
        .send("POST", path, ayopop_headers(&creds, &body), body.clone())
        .await;
    assert_eq!(
        (a.status, a.json["responseCode"].clone()),
        (409, json!(409))
    );
    assert_eq!(a.json["success"], false);
    // TOKEN over another body.
    let other = json!({"partnerId": CLIENT_ID, "account_number": "1", "ref_number": "2"})
        .to_string()
        .into_bytes();
    let a = env
        .send("POST", path, ayopop_headers(&creds, &body), other)
        .await;
    assert_eq!(
        (a.status, a.json["responseCode"].clone()),
        (401, json!(401))
    );
    assert_eq!(a.json["success"], false);
    // Missing KEY.
    let mut h = ayopop_headers(&creds, &body);
    h.remove("key");
    let a = env.send("POST", path, h, body.clone()).await;
    assert_eq!(a.status, 400);
    assert_eq!(a.json["message"]["EN"], "Invalid Mandatory Field {KEY}");
    // Body rules (mandatory members).
    let empty = b"{}".to_vec();
    let a = env
        .send("POST", path, ayopop_headers(&creds, &empty), empty)
        .await;
    assert_eq!(a.status, 400);
    assert_eq!(a.json["success"], false);
    env.running.shutdown().await;
}

fn ipg_headers(key: &IpgKey, body: &[u8]) -> HeaderMap {
    let mut h = HeaderMap::new();
    h.insert("content-type", "application/json".parse().unwrap());
    h.insert("accept", "application/json".parse().unwrap());
    h.insert("signature", key.sign(body).parse().unwrap());
    h
}

#[tokio::test]
async fn ipg_reversal_answers_in_ipg_format() {
    let env = start().await;
    let key = IpgKey::new(SECRET.as_bytes()).unwrap();
    let body = json!({"payment_ref": "1234567890", "amount": 10000, "virtual_account": "1234567890", "prefix": "857399"})
        .to_string()
        .into_bytes();
    let a = env
        .send(
            "POST",
            "/ipg/reversal",
            ipg_headers(&key, &body),
            body.clone(),
        )
        .await;
    assert_eq!(a.status, 200, "{:?}", a.json);
    assert_eq!(a.json["rc"], "SUCCESS");
    assert_eq!(a.json["data"]["va_number"], "8573991234567890");
    assert_eq!(a.json["data"]["status"], "reversal");
    let a = env
        .send(
            "POST",
            "/ipg/reversal",
            ipg_headers(&key, &body),
            body.clone(),
        )
        .await;
    assert_eq!(
        (a.status, a.json["rc"].clone()),
        (409, json!("ALREADY_REVERSED"))
    );
    // Signed with another key.
    let wrong = IpgKey::new(b"not-the-api-key").unwrap();
    let a = env
        .send(
            "POST",
            "/ipg/reversal",
            ipg_headers(&wrong, &body),
            body.clone(),
        )
        .await;
    assert_eq!(
        (a.status, a.json["rc"].clone()),
        (401, json!("UNAUTHORIZED"))
    );
    // The other partner's key works (IPG names no caller; the key does).
    let other = IpgKey::new(OTHER_SECRET.as_bytes()).unwrap();
    let a = env
        .send(
            "POST",
            "/ipg/reversal",
            ipg_headers(&other, &body),
            body.clone(),
        )
        .await;
    assert_eq!(
        a.json["rc"], "SUCCESS",
        "another partner's reversal is its own"
    );
    // No reversal key at all.
    let empty = b"{}".to_vec();
    let a = env
        .send("POST", "/ipg/reversal", ipg_headers(&key, &empty), empty)
        .await;
    assert_eq!(
        (a.status, a.json["rc"].clone()),
        (400, json!("BAD_REQUEST"))
    );
    let v: Value = a.json;
    assert!(v["message"].as_str().unwrap().contains("payment_ref"));
    // Missing Signature.
    let mut h = ipg_headers(&key, &body);
    h.remove("signature");
    let a = env.send("POST", "/ipg/reversal", h, body).await;
    assert_eq!(
        (a.status, a.json["rc"].clone()),
        (400, json!("BAD_REQUEST"))
    );
    env.running.shutdown().await;
}

#[tokio::test]
async fn bi_debit_cancel_qr_cancel_and_delete_va() {
    let (env, token, cust) = setup().await;
    // 57 (BI) is B2B2C: the customer token is required.
    let r1 = authorize(&env, &token, &cust, "bi57-1", "40.00").await;
    let cancel = json!({"originalPartnerReferenceNo": "bi57-1", "originalReferenceNo": r1, "amount": {"value": "40.00", "currency": "IDR"}});
    let a = env.post("/v1.0/debit/cancel", &cancel, &token, None).await;
    assert_eq!(a.code(), "4015704");
    let a = env
        .post("/v1.0/debit/cancel", &cancel, &token, Some(&cust))
        .await;
    assert_eq!((a.status, a.code()), (200, "2005700"), "{:?}", a.json);
    assert!(a.json["transactionDate"].is_string());
    let a = env
        .post("/v1.0/debit/cancel", &cancel, &token, Some(&cust))
        .await;
    assert_eq!((a.status, a.code()), (404, "4045700"));

    let r2 = authorize(&env, &token, &cust, "bi77-1", "15.00").await;
    let qr = json!({"originalReferenceNo": r2, "merchantId": "m", "reason": "x", "amount": {"value": "14.00", "currency": "IDR"}});
    assert_eq!(
        env.post("/v1.0/qr/qr-mpm-cancel", &qr, &token, None)
            .await
            .code(),
        "4047713"
    );
    let qr = json!({"originalPartnerReferenceNo": "bi77-1", "merchantId": "m", "reason": "x"});
    let a = env.post("/v1.0/qr/qr-mpm-cancel", &qr, &token, None).await;
    assert_eq!((a.status, a.code()), (200, "2007700"), "{:?}", a.json);
    assert_eq!(a.json["originalReferenceNo"], r2.as_str());

    // 31 (BI) is a DELETE with a JSON body.
    let va = json!({"partnerServiceId": "  088899", "customerNo": "12345", "virtualAccountNo": "  08889912345", "trxId": "trx-1"});
    let bytes = va.to_string().into_bytes();
    let sign = |ext: &str| {
        let key = snap_core::sign::HmacKey::new(SECRET.as_bytes()).unwrap();
        let ts = now();
        let sig = sign_symmetric(
            &key,
            "DELETE",
            "/v1.0/transfer-va/delete-va",
            &token,
            &bytes,
            &ts,
        )
        .unwrap();
        let mut h = env.headers("/v1.0/transfer-va/delete-va", &bytes, &token, None, ext);
        h.insert("x-timestamp", ts.parse().unwrap());
        h.insert("x-signature", sig.parse().unwrap());
        h
    };
    let a = env
        .send(
            "DELETE",
            "/v1.0/transfer-va/delete-va",
            sign(&ext_id()),
            bytes.clone(),
        )
        .await;
    assert_eq!((a.status, a.code()), (200, "2003100"), "{:?}", a.json);
    assert_eq!(a.json["virtualAccountData"]["trxId"], "trx-1");
    let a = env
        .send(
            "DELETE",
            "/v1.0/transfer-va/delete-va",
            sign(&ext_id()),
            bytes.clone(),
        )
        .await;
    assert_eq!((a.status, a.code()), (404, "4043112"));
    let a = env
        .send(
            "POST",
            "/v1.0/transfer-va/delete-va",
            sign(&ext_id()),
            bytes,
        )
        .await;
    assert_eq!((a.status, a.code()), (405, "4053100"));
    env.running.shutdown().await;
}

#[tokio::test]
async fn answers_leave_absent_optional_fields_out_rather_than_null() {
    let (env, token, cust) = setup().await;
    let a = env
        .post(
            "/v1.0/auth/payment",
            &payment("nn-1", "1.00"),
            &token,
            Some(&cust),
        )
        .await;
    assert_eq!(a.code(), "2006300");
    assert!(a.json.get("additionalInfo").is_none(), "{:?}", a.json);
    assert!(
        !String::from_utf8_lossy(&a.raw).contains("null"),
        "{:?}",
        a.json
    );
    env.running.shutdown().await;
}
