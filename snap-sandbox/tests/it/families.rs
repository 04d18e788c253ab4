//! The stateful families over HTTP: VA (27 -> 24 -> 25 -> 26, 30, 31),
//! direct debit (54 -> 55 -> 58), QRIS MPM (47 -> customer pays -> 51 ->
//! 78, 77), each with the standard's codes and invariants, and concurrent
//! VA payments never paying more than the billing type allows.

use serde_json::{Value, json};

use crate::support::{CLIENT_ID, Env, start};

fn va_body(cust: &str) -> Value {
    json!({
        "partnerServiceId": "   12345",
        "customerNo": cust,
        "virtualAccountNo": format!("   12345{cust}"),
    })
}

fn with(mut base: Value, extra: Value) -> Value {
    for (k, v) in extra.as_object().unwrap() {
        base[k] = v.clone();
    }
    base
}

async fn create_va(env: &Env, token: &str, cust: &str, trx_type: &str, total: &str) -> Value {
    let body = with(
        va_body(cust),
        json!({
            "virtualAccountName": "Budi",
            "trxId": format!("trx-{cust}"),
            "totalAmount": {"value": total, "currency": "IDR"},
            "virtualAccountTrxType": trx_type,
        }),
    );
    let a = env
        .post("/v1.0/transfer-va/create-va", &body, token, None)
        .await;
    assert_eq!(a.code(), "2002700", "{:?}", a.json);
    a.json
}

async fn pay_va(
    env: &Env,
    token: &str,
    cust: &str,
    pid: &str,
    value: &str,
) -> crate::support::Answer {
    let body = with(
        va_body(cust),
        json!({
            "paymentRequestId": pid,
            "paidAmount": {"value": value, "currency": "IDR"},
        }),
    );
    env.post("/v1.0/transfer-va/payment", &body, token, None)
        .await
}

#[tokio::test]
async fn va_flow_create_inquiry_pay_status_delete() {
    let env = start().await;
    let token = env.b2b_token().await;
    let created = create_va(&env, &token, "0001", "C", "150000.00").await;
    assert_eq!(created["virtualAccountData"]["virtualAccountTrxType"], "C");
    let again = env
        .post(
            "/v1.0/transfer-va/create-va",
            &with(va_body("0001"), json!({"virtualAccountName": "X", "trxId": "t", "totalAmount": {"value": "1.00", "currency": "IDR"}})),
            &token,
            None,
        )
        .await;
    assert_eq!(again.code(), "4092700", "{:?}", again.json);

    let inq = env
        .post(
            "/v1.0/transfer-va/inquiry",
            &with(va_body("0001"), json!({"inquiryRequestId": "inq-1"})),
            &token,
            None,
        )
        .await;
    assert_eq!(inq.code(), "2002400", "{:?}", inq.json);
    assert_eq!(
        inq.json["virtualAccountData"]["totalAmount"]["value"],
        "150000.00"
    );
    assert_eq!(inq.json["virtualAccountData"]["inquiryRequestId"], "inq-1");

    let wrong = pay_va(&env, &token, "0001", "pay-0", "100000.00").await;
    assert_eq!(wrong.code(), "4042513", "{:?}", wrong.json);
    let paid = pay_va(&env, &token, "0001", "pay-1", "150000.00").await;
    assert_eq!(paid.code(), "2002500", "{:?}", paid.json);
    let twice = pay_va(&env, &token, "0001", "pay-2", "150000.00").await;
    assert_eq!(twice.code(), "4042514", "Paid Bill: {:?}", twice.json);

    let status = env
        .post(
            "/v1.0/transfer-va/status",
            &with(va_body("0001"), json!({"paymentRequestId": "pay-1"})),
            &token,
            None,
        )
        .await;
    assert_eq!(status.code(), "2002600", "{:?}", status.json);
    assert_eq!(
        status.json["virtualAccountData"]["paidAmount"]["value"],
        "150000.00"
    );
    let inq_va = env
        .post(
            "/v1.0/transfer-va/inquiry-va",
            &with(va_body("0001"), json!({"trxId": "trx-0001"})),
            &token,
            None,
        )
        .await;
    assert_eq!(inq_va.code(), "2003000", "{:?}", inq_va.json);

    // Delete (31, DELETE with a body), then the VA takes no payment.
    create_va(&env, &token, "0002", "O", "1.00").await;
    let body = with(va_body("0002"), json!({"trxId": "trx-0002"}))
        .to_string()
        .into_bytes();
    let path = "/v1.0/transfer-va/delete-va";
    let h = env.headers_for("DELETE", path, &body, &token);
    let del = env.send("DELETE", path, h, body).await;
    assert_eq!(del.code(), "2003100", "{:?}", del.json);
    let after = pay_va(&env, &token, "0002", "pay-3", "10.00").await;
    assert_eq!(after.code(), "4042512", "{:?}", after.json);
    env.running
        .sandbox()
        .state()
        .vas
        .check_invariants()
        .await
        .unwrap();
    env.running.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_va_payments_keep_the_billing_type() {
    let env = start().await;
    let token = env.b2b_token().await;
    create_va(&env, &token, "0003", "I", "1000.00").await;
    let mut tasks = Vec::new();
    for i in 0..24 {
        let http = env.http.clone();
        let base = env.base.clone();
        let body = with(
            va_body("0003"),
            json!({"paymentRequestId": format!("p-{i}"), "paidAmount": {"value": "100.00", "currency": "IDR"}}),
        );
        let bytes = body.to_string().into_bytes();
        let h = env.headers(
            "/v1.0/transfer-va/payment",
            &bytes,
            &token,
            None,
            &crate::support::ext_id(),
        );
        tasks.push(tokio::spawn(async move {
            let res = http
                .post(format!("{base}/v1.0/transfer-va/payment"))
                .headers(h)
                .body(bytes)
                .send()
                .await
                .expect("send");
            let bytes = res.bytes().await.expect("body");
            let v: Value = serde_json::from_slice(&bytes).expect("json");
            v["responseCode"].as_str().unwrap_or("").to_owned()
        }));
    }
    let mut ok = 0;
    for t in tasks {
        let code = t.await.expect("join");
        if code == "2002500" {
            ok += 1;
        } else {
            assert!(code == "4042514" || code == "4042513", "{code}");
        }
    }
    assert_eq!(
        ok, 10,
        "a partial VA of 1000.00 takes ten payments of 100.00"
    );
    let st = env.running.sandbox().state();
    assert_eq!(
        st.vas.get(CLIENT_ID, "   123450003").await.unwrap().paid,
        100_000,
        "1000.00 in minor units"
    );
    st.vas.check_invariants().await.unwrap();
    env.running.shutdown().await;
}

#[tokio::test]
async fn direct_debit_pay_status_refund() {
    let env = start().await;
    let token = env.b2b_token().await;
    let cust = env.customer_token("cust-dd").await;
    let pay = env
        .post(
            "/v1.0/debit/payment-host-to-host",
            &json!({"partnerReferenceNo": "dd-1", "merchantId": "M1", "amount": {"value": "50000.00", "currency": "IDR"}}),
            &token,
            Some(&cust),
        )
        .await;
    assert_eq!(pay.code(), "2005400", "{:?}", pay.json);
    let refund = |no: &'static str, value: &'static str| {
        let env = &env;
        let token = token.clone();
        async move {
            env.post(
                "/v1.0/debit/refund",
                &json!({"originalPartnerReferenceNo": "dd-1", "partnerRefundNo": no, "refundAmount": {"value": value, "currency": "IDR"}}),
                &token,
                None,
            )
            .await
        }
    };
    assert_eq!(refund("rf-1", "20000.00").await.code(), "2005800");
    let over = refund("rf-2", "30000.01").await;
    assert_eq!(over.code(), "4045813", "{:?}", over.json);
    assert_eq!(refund("rf-3", "30000.00").await.code(), "2005800");
    let status = env
        .post(
            "/v1.0/debit/status",
            &json!({"originalPartnerReferenceNo": "dd-1", "serviceCode": "54"}),
            &token,
            None,
        )
        .await;
    assert_eq!(status.code(), "2005500", "{:?}", status.json);
    assert_eq!(
        status.json["latestTransactionStatus"], "04",
        "{:?}",
        status.json
    );
    assert_eq!(
        status.json["additionalInfo"]["refundedAmount"]["value"], "50000.00",
        "{:?}",
        status.json
    );
    env.running.shutdown().await;
}

#[tokio::test]
async fn qris_generate_pay_query_refund_cancel() {
    let env = start().await;
    let token = env.b2b_token().await;
    let gen_qr = env
        .post(
            "/v1.0/qr/qr-mpm-generate",
            &json!({"partnerReferenceNo": "qr-1", "merchantId": "M1", "amount": {"value": "25000.00", "currency": "IDR"}}),
            &token,
            None,
        )
        .await;
    assert_eq!(gen_qr.code(), "2004700", "{:?}", gen_qr.json);
    let query = || {
        let env = &env;
        let token = token.clone();
        async move {
            env.post(
                "/v1.0/qr/qr-mpm-query",
                &json!({"originalPartnerReferenceNo": "qr-1", "serviceCode": "47"}),
                &token,
                None,
            )
            .await
        }
    };
    assert_eq!(query().await.json["latestTransactionStatus"], "03");
    let mut h = http::HeaderMap::new();
    h.insert("content-type", "application/json".parse().unwrap());
    h.insert("authorization", format!("Bearer {token}").parse().unwrap());
    let paid = env
        .send(
            "POST",
            "/sandbox/v1.0/qris/pay",
            h,
            json!({"clientId": CLIENT_ID, "referenceNo": "qr-1"})
                .to_string()
                .into_bytes(),
        )
        .await;
    assert_eq!(paid.status, 200, "{:?}", paid.json);
    let q = query().await;
    assert_eq!(q.code(), "2005100", "{:?}", q.json);
    assert_eq!(q.json["latestTransactionStatus"], "00");
    let refund = env
        .post(
            "/v1.0/qr/qr-mpm-refund",
            &json!({"originalPartnerReferenceNo": "qr-1", "partnerRefundNo": "r1", "refundAmount": {"value": "25000.01", "currency": "IDR"}}),
            &token,
            None,
        )
        .await;
    assert_eq!(refund.code(), "4047813", "{:?}", refund.json);
    // A second QR, cancelled before it is paid (77).
    let g = env
        .post(
            "/v1.0/qr/qr-mpm-generate",
            &json!({"partnerReferenceNo": "qr-2", "merchantId": "M1", "amount": {"value": "1000.00", "currency": "IDR"}}),
            &token,
            None,
        )
        .await;
    assert_eq!(g.code(), "2004700");
    let c = env
        .post(
            "/v1.0/qr/qr-mpm-cancel",
            &json!({"originalPartnerReferenceNo": "qr-2", "merchantId": "M1", "reason": "customer left"}),
            &token,
            None,
        )
        .await;
    assert_eq!(c.code(), "2007700", "{:?}", c.json);
    env.running
        .sandbox()
        .state()
        .qris
        .check_invariants()
        .await
        .unwrap();
    env.running.shutdown().await;
}

#[tokio::test]
async fn transfers_move_balances_and_statements_list_them() {
    let env = start().await;
    let token = env.b2b_token().await;
    let cust = env.customer_token("cust-acct").await;
    let balance = |acct: &'static str| {
        let env = &env;
        let token = token.clone();
        let cust = cust.clone();
        async move {
            let a = env
                .post(
                    "/v1.0/balance-inquiry",
                    &json!({"partnerReferenceNo": "bal-1", "accountNo": acct}),
                    &token,
                    Some(&cust),
                )
                .await;
            assert_eq!(a.code(), "2001100", "{:?}", a.json);
            a.json["accountInfos"][0]["availableBalance"]["value"]
                .as_str()
                .unwrap()
                .to_owned()
        }
    };
    assert_eq!(balance("1234567890").await, "10000000.00");
    let intra = env
        .post(
            "/v1.0/transfer-intrabank",
            &json!({
                "partnerReferenceNo": "tr-1",
                "amount": {"value": "250000.00", "currency": "IDR"},
                "beneficiaryAccountNo": "9876543210",
                "sourceAccountNo": "1234567890",
                "transactionDate": crate::support::now(),
            }),
            &token,
            None,
        )
        .await;
    assert_eq!(intra.code(), "2001700", "{:?}", intra.json);
    let inter = env
        .post(
            "/v1.0/transfer-interbank",
            &json!({
                "partnerReferenceNo": "tr-2",
                "amount": {"value": "9800000.00", "currency": "IDR"},
                "beneficiaryAccountName": "Sari",
                "beneficiaryAccountNo": "555000111",
                "beneficiaryBankCode": "014",
                "sourceAccountNo": "1234567890",
                "transactionDate": crate::support::now(),
            }),
            &token,
            None,
        )
        .await;
    assert_eq!(
        inter.code(),
        "4031814",
        "Insufficient Funds: {:?}",
        inter.json
    );
    assert_eq!(balance("1234567890").await, "9750000.00");
    assert_eq!(balance("9876543210").await, "10250000.00");
    let status = env
        .post(
            "/v1.0/transfer/status",
            &json!({"originalPartnerReferenceNo": "tr-1", "serviceCode": "17"}),
            &token,
            None,
        )
        .await;
    assert_eq!(status.code(), "2003600", "{:?}", status.json);
    let stmt = env
        .post(
            "/v1.0/bank-statement",
            &json!({"partnerReferenceNo": "st-1", "accountNo": "9876543210"}),
            &token,
            Some(&cust),
        )
        .await;
    assert_eq!(stmt.code(), "2001400", "{:?}", stmt.json);
    assert_eq!(stmt.json["detailData"][0]["type"], "CREDIT");
    assert_eq!(stmt.json["detailData"][0]["amount"]["value"], "250000.00");
    env.running
        .sandbox()
        .state()
        .accounts
        .check_invariants()
        .await
        .unwrap();
    env.running.shutdown().await;
}

#[tokio::test]
async fn va_update_intrabank_payment_and_report() {
    let env = start().await;
    let token = env.b2b_token().await;
    create_va(&env, &token, "0004", "I", "1000.00").await;
    // Intrabank payment (33) of 600.00, then the bill lowered below it is refused.
    let pay = env
        .post(
            "/v1.0/transfer-va/payment-intrabank",
            &with(
                va_body("0004"),
                json!({"partnerReferenceNo": "ib-1", "paidAmount": {"value": "600.00", "currency": "IDR"}}),
            ),
            &token,
            None,
        )
        .await;
    assert_eq!(pay.code(), "2003300", "{:?}", pay.json);
    let update = |total: &str| {
        with(
            va_body("0004"),
            json!({"virtualAccountName": "Budi", "trxId": "trx-0004", "totalAmount": {"value": total, "currency": "IDR"}}),
        )
        .to_string()
        .into_bytes()
    };
    let path = "/v1.0/transfer-va/update-va";
    let body = update("500.00");
    let a = env
        .send(
            "PUT",
            path,
            env.headers_for("PUT", path, &body, &token),
            body,
        )
        .await;
    assert_eq!(a.code(), "4042813", "{:?}", a.json);
    let body = update("800.00");
    let a = env
        .send(
            "PUT",
            path,
            env.headers_for("PUT", path, &body, &token),
            body,
        )
        .await;
    assert_eq!(a.code(), "2002800", "{:?}", a.json);
    let inq = env
        .post(
            "/v1.0/transfer-va/inquiry-intrabank",
            &va_body("0004"),
            &token,
            None,
        )
        .await;
    assert_eq!(inq.code(), "2003200", "{:?}", inq.json);
    assert_eq!(
        inq.json["virtualAccountData"]["totalAmount"]["value"],
        "200.00"
    );
    let report = env
        .post(
            "/v1.0/transfer-va/report",
            &json!({"partnerServiceId": "   12345"}),
            &token,
            None,
        )
        .await;
    assert_eq!(report.code(), "2003500", "{:?}", report.json);
    assert_eq!(
        report.json["virtualAccountdata"].as_array().map(Vec::len),
        Some(1)
    );
    env.running.shutdown().await;
}

#[tokio::test]
async fn binding_gives_the_customer_token() {
    let env = start().await;
    let token = env.b2b_token().await;
    let bind = env
        .post(
            "/v1.0/registration-account-binding",
            &json!({"merchantId": "M1", "phoneNo": "628123456789"}),
            &token,
            None,
        )
        .await;
    assert_eq!(bind.code(), "2000700", "{:?}", bind.json);
    let code = bind.json["additionalInfo"]["authCode"]
        .as_str()
        .unwrap()
        .to_owned();
    let link = bind.json["linkId"].as_str().unwrap().to_owned();
    // The binding's auth code is redeemed once for a customer token (74).
    let t = env
        .token_request(
            "/v1.0/access-token/b2b2c",
            CLIENT_ID,
            &json!({"grantType": "AUTHORIZATION_CODE", "authCode": code}),
        )
        .await;
    assert_eq!(t.code(), "2007400", "{:?}", t.json);
    assert_eq!(t.json["additionalInfo"]["customerId"], "628123456789");
    let cust = t.json["accessToken"].as_str().unwrap().to_owned();
    let again = env
        .token_request(
            "/v1.0/access-token/b2b2c",
            CLIENT_ID,
            &json!({"grantType": "AUTHORIZATION_CODE", "authCode": code}),
        )
        .await;
    assert_eq!(again.code(), "4017400", "{:?}", again.json);
    let inq = env
        .post(
            "/v1.0/registration-account-inquiry",
            &json!({"partnerReferenceNo": "inq-1"}),
            &token,
            Some(&cust),
        )
        .await;
    assert_eq!(inq.code(), "2000800", "{:?}", inq.json);
    assert_eq!(inq.json["accountNo"], "628123456789");
    let unbind = json!({"merchantId": "M1", "linkId": link});
    let a = env
        .post(
            "/v1.0/registration-account-unbinding",
            &unbind,
            &token,
            None,
        )
        .await;
    assert_eq!(a.code(), "2000900", "{:?}", a.json);
    let a = env
        .post(
            "/v1.0/registration-account-unbinding",
            &unbind,
            &token,
            None,
        )
        .await;
    assert_eq!(a.code(), "4040911", "{:?}", a.json);
    let inq = env
        .post(
            "/v1.0/registration-account-inquiry",
            &json!({"partnerReferenceNo": "inq-2"}),
            &token,
            Some(&cust),
        )
        .await;
    assert_eq!(inq.code(), "4040811", "unbound: {:?}", inq.json);
    env.running.shutdown().await;
}
