//! The books (VA, QRIS, accounts and transfers, bindings) as one provider
//! whichever instance a request reaches: each test body runs against two
//! handles, twice — one in-memory sandbox as both, and two sandboxes on one
//! redis-server (`SNAP_TEST_REDIS_URL`). Invariants under concurrency
//! across the instances: a VA is paid at most what its billing type allows;
//! a deleted or inactive VA is not payable; money is conserved across
//! accounts; a QR is refunded at most what was paid. And the services added
//! over the books: account creation (06), transaction history (12, 13),
//! account inquiry (15, 16), VA update status (29), unbinding (09)
//! revoking the binding's customer tokens.

use std::sync::Arc;

use http::HeaderMap;
use serde_json::{Value, json};

use crate::support::{Answer, CLIENT_ID, Env, ext_id, redis_url, start, start_on_redis};

fn va_body(cust: &str) -> Value {
    json!({
        "partnerServiceId": "   77001",
        "customerNo": cust,
        "virtualAccountNo": format!("   77001{cust}"),
    })
}

fn with(mut base: Value, extra: Value) -> Value {
    for (k, v) in extra.as_object().unwrap() {
        base[k] = v.clone();
    }
    base
}

fn idr(value: &str) -> Value {
    json!({"value": value, "currency": "IDR"})
}

async fn create_va(env: &Env, token: &str, cust: &str, trx_type: &str, total: &str) {
    let body = with(
        va_body(cust),
        json!({
            "virtualAccountName": "Budi",
            "trxId": format!("trx-{cust}"),
            "totalAmount": idr(total),
            "virtualAccountTrxType": trx_type,
        }),
    );
    let a = env
        .post("/v1.0/transfer-va/create-va", &body, token, None)
        .await;
    assert_eq!(a.code(), "2002700", "{:?}", a.json);
}

async fn pay_va(env: &Env, token: &str, cust: &str, pid: &str, value: &str) -> Answer {
    let body = with(
        va_body(cust),
        json!({"paymentRequestId": pid, "paidAmount": idr(value)}),
    );
    env.post("/v1.0/transfer-va/payment", &body, token, None)
        .await
}

/// Sends a signed `PUT` or `DELETE` with a body.
async fn send_with(env: &Env, method: &str, path: &str, body: &Value, token: &str) -> Answer {
    let bytes = body.to_string().into_bytes();
    let h = env.headers_for(method, path, &bytes, token);
    env.send(method, path, h, bytes).await
}

fn bearer(token: &str) -> HeaderMap {
    let mut h = HeaderMap::new();
    h.insert("content-type", "application/json".parse().unwrap());
    h.insert("authorization", format!("Bearer {token}").parse().unwrap());
    h
}

/// Both instances, in turn.
fn pick<'a>(a: &'a Arc<Env>, b: &'a Arc<Env>, i: usize) -> &'a Env {
    if i.is_multiple_of(2) { a } else { b }
}

async fn vas(a: &Arc<Env>, b: &Arc<Env>, tag: &str) {
    let token = a.b2b_token().await;
    // A partial VA paid by 8 banks at once, each request id sent twice and
    // to both instances: 10000.00 / 70.00 = 142 payments fit.
    let partial = format!("{tag}01");
    create_va(a, &token, &partial, "I", "10000.00").await;
    let tasks: Vec<_> = (0..8)
        .map(|t| {
            let (a, b, token, cust) = (a.clone(), b.clone(), token.clone(), partial.clone());
            tokio::spawn(async move {
                let mut ok = 0;
                for i in 0..20 {
                    let id = format!("t{t}-{i}");
                    let first = pay_va(pick(&a, &b, t + i), &token, &cust, &id, "70.00").await;
                    let again = pay_va(pick(&a, &b, t + i + 1), &token, &cust, &id, "70.00").await;
                    assert_eq!(
                        first.code(),
                        again.code(),
                        "{id}: {:?} / {:?}",
                        first.json,
                        again.json
                    );
                    if first.code() == "2002500" {
                        assert_eq!(
                            first.json["virtualAccountData"]["paidAmount"]["value"],
                            "70.00"
                        );
                        ok += 1;
                    } else {
                        assert_eq!(first.code(), "4042513", "{:?}", first.json);
                    }
                }
                ok
            })
        })
        .collect();
    let mut accepted = 0;
    for t in tasks {
        accepted += t.await.unwrap();
    }
    assert_eq!(accepted, 142);
    let inq = b
        .post(
            "/v1.0/transfer-va/inquiry",
            &with(va_body(&partial), json!({"inquiryRequestId": "i-1"})),
            &token,
            None,
        )
        .await;
    assert_eq!(inq.code(), "2002400", "{:?}", inq.json);
    assert_eq!(
        inq.json["virtualAccountData"]["totalAmount"]["value"],
        "60.00"
    );
    for env in [a, b] {
        let st = env.running.sandbox().state();
        assert_eq!(
            st.vas
                .get(CLIENT_ID, &format!("   77001{partial}"))
                .await
                .unwrap()
                .paid,
            142 * 7000
        );
        st.vas.check_invariants().await.unwrap();
    }

    // A closed VA raced by 8 banks on both instances: one payment.
    let closed = format!("{tag}02");
    create_va(b, &token, &closed, "C", "500.00").await;
    let tasks: Vec<_> = (0..8)
        .map(|t| {
            let (a, b, token, cust) = (a.clone(), b.clone(), token.clone(), closed.clone());
            tokio::spawn(async move {
                pay_va(pick(&a, &b, t), &token, &cust, &format!("c{t}"), "500.00")
                    .await
                    .code()
                    == "2002500"
            })
        })
        .collect();
    let mut wins = 0;
    for t in tasks {
        wins += usize::from(t.await.unwrap());
    }
    assert_eq!(wins, 1);

    // Deleted on one instance: not payable on the other; the history has
    // the deletion's time.
    let gone = format!("{tag}03");
    create_va(a, &token, &gone, "O", "1.00").await;
    let del = send_with(
        b,
        "DELETE",
        "/v1.0/transfer-va/delete-va",
        &with(va_body(&gone), json!({"trxId": format!("trx-{gone}")})),
        &token,
    )
    .await;
    assert_eq!(del.code(), "2003100", "{:?}", del.json);
    assert_eq!(
        pay_va(a, &token, &gone, "g-1", "5.00").await.code(),
        "4042512"
    );
    let v = a
        .running
        .sandbox()
        .state()
        .vas
        .get(CLIENT_ID, &format!("   77001{gone}"))
        .await
        .unwrap();
    assert!(v.deleted && v.deleted_time.is_some(), "{v:?}");

    // Payments racing a delete on both instances: every payment answered
    // Successful is in the VA, none is accepted once the delete answered.
    let raced = format!("{tag}05");
    create_va(a, &token, &raced, "O", "1.00").await;
    let deleted = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let tasks: Vec<_> = (0..4)
        .map(|t| {
            let (a, b, token, cust, deleted) = (
                a.clone(),
                b.clone(),
                token.clone(),
                raced.clone(),
                deleted.clone(),
            );
            tokio::spawn(async move {
                let mut ok = 0u64;
                for i in 0..40 {
                    let after_delete = deleted.load(std::sync::atomic::Ordering::SeqCst);
                    let r = pay_va(
                        pick(&a, &b, t + i),
                        &token,
                        &cust,
                        &format!("r{t}-{i}"),
                        "2.00",
                    )
                    .await;
                    match r.code() {
                        "2002500" => {
                            assert!(
                                !after_delete,
                                "paid after the delete answered: {:?}",
                                r.json
                            );
                            ok += 1;
                        }
                        "4042512" => {}
                        other => panic!("{other}: {:?}", r.json),
                    }
                }
                ok
            })
        })
        .collect();
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let del = send_with(
        a,
        "DELETE",
        "/v1.0/transfer-va/delete-va",
        &with(va_body(&raced), json!({"trxId": format!("trx-{raced}")})),
        &token,
    )
    .await;
    assert_eq!(del.code(), "2003100", "{:?}", del.json);
    deleted.store(true, std::sync::atomic::Ordering::SeqCst);
    let mut ok = 0;
    for t in tasks {
        ok += t.await.unwrap();
    }
    let v = b
        .running
        .sandbox()
        .state()
        .vas
        .get(CLIENT_ID, &format!("   77001{raced}"))
        .await
        .unwrap();
    assert_eq!((u64::from(v.count), v.paid), (ok, ok * 200), "{v:?}");
    assert!(v.deleted);

    // Update status (29) Y on one instance: the other refuses payment (Paid
    // Bill); N makes it payable again.
    let held = format!("{tag}04");
    create_va(a, &token, &held, "O", "1.00").await;
    let path = "/v1.0/transfer-va/update-status";
    let status = |paid: &str| {
        with(
            va_body(&held),
            json!({"trxId": format!("trx-{held}"), "paidStatus": paid}),
        )
    };
    let set = send_with(b, "PUT", path, &status("Y"), &token).await;
    assert_eq!(set.code(), "2002900", "{:?}", set.json);
    assert_eq!(
        set.json["virtualAccountData"]["trxId"],
        format!("trx-{held}")
    );
    assert_eq!(
        pay_va(a, &token, &held, "h-1", "5.00").await.code(),
        "4042514"
    );
    let inq = a
        .post(
            "/v1.0/transfer-va/inquiry",
            &with(va_body(&held), json!({"inquiryRequestId": "i-2"})),
            &token,
            None,
        )
        .await;
    assert_eq!(inq.code(), "4042414", "{:?}", inq.json);
    let bad = send_with(
        b,
        "PUT",
        path,
        &with(status("N"), json!({"trxId": "other"})),
        &token,
    )
    .await;
    assert_eq!(bad.code(), "4042912", "{:?}", bad.json);
    let bad = send_with(b, "PUT", path, &status("X"), &token).await;
    assert_eq!(bad.code(), "4002901", "{:?}", bad.json);
    let set = send_with(b, "PUT", path, &status("N"), &token).await;
    assert_eq!(set.code(), "2002900", "{:?}", set.json);
    assert_eq!(
        pay_va(a, &token, &held, "h-1", "5.00").await.code(),
        "2002500"
    );
    let missing = send_with(
        b,
        "PUT",
        path,
        &with(
            va_body(&format!("{tag}99")),
            json!({"trxId": "t", "paidStatus": "Y"}),
        ),
        &token,
    )
    .await;
    assert_eq!(missing.code(), "4042912", "{:?}", missing.json);
}

async fn transfers(a: &Arc<Env>, b: &Arc<Env>, tag: &str) {
    let token = a.b2b_token().await;
    let accounts: Vec<String> = (1..=4).map(|i| format!("7{tag}{i:05}")).collect();
    let tasks: Vec<_> = (0..8)
        .map(|t| {
            let (a, b, token, accounts) = (a.clone(), b.clone(), token.clone(), accounts.clone());
            tokio::spawn(async move {
                let mut ok = 0;
                for i in 0..12usize {
                    let (from, to) = (&accounts[(t + i) % 4], &accounts[(t + i + 1) % 4]);
                    let value = format!("{}.00", 1_000 + (i * 7_919) % 3_000_000);
                    let (path, extra) = if i % 5 == 0 {
                        (
                            "/v1.0/transfer-interbank",
                            json!({"beneficiaryBankCode": "014", "beneficiaryAccountName": "Sari"}),
                        )
                    } else {
                        ("/v1.0/transfer-intrabank", json!({}))
                    };
                    let body = with(
                        json!({
                            "partnerReferenceNo": format!("tr-{t}-{i}"),
                            "amount": idr(&value),
                            "beneficiaryAccountNo": to,
                            "sourceAccountNo": from,
                            "transactionDate": crate::support::now(),
                        }),
                        extra,
                    );
                    let env = pick(&a, &b, t + i);
                    let r = env.post(path, &body, &token, None).await;
                    match r.code() {
                        "2001700" | "2001800" => ok += 1,
                        "4031714" | "4031814" => {}
                        other => panic!("{other}: {:?}", r.json),
                    }
                    // The same reference on the other instance: a duplicate.
                    let again = pick(&a, &b, t + i + 1)
                        .post(path, &body, &token, None)
                        .await;
                    assert!(again.code().starts_with("409"), "{:?}", again.json);
                }
                ok
            })
        })
        .collect();
    let mut ok = 0;
    for t in tasks {
        ok += t.await.unwrap();
    }
    assert!(ok > 40, "{ok} transfers went through");
    let cust = a.customer_token(&format!("acct-{tag}")).await;
    let mut sum = 0u64;
    for (i, acct) in accounts.iter().enumerate() {
        let r = pick(a, b, i)
            .post(
                "/v1.0/balance-inquiry",
                &json!({"accountNo": acct}),
                &token,
                Some(&cust),
            )
            .await;
        assert_eq!(r.code(), "2001100", "{:?}", r.json);
        let v = r.json["accountInfos"][0]["availableBalance"]["value"]
            .as_str()
            .unwrap();
        let (units, cents) = v.split_once('.').unwrap();
        sum += units.parse::<u64>().unwrap() * 100 + cents.parse::<u64>().unwrap();
    }
    // Money is conserved: what the four hold plus what left through
    // clearing is what they opened with.
    let st = b.running.sandbox().state();
    st.accounts.check_invariants().await.unwrap();
    let clearing = st.accounts.balance_of_clearing().await;
    assert!(clearing > 0, "some interbank transfers went through");
    assert_eq!(sum + clearing, 4 * snap_sandbox::accounts::OPENING_BALANCE);
}

async fn qris(a: &Arc<Env>, b: &Arc<Env>, tag: &str) {
    let token = a.b2b_token().await;
    let pref = format!("qr-{tag}");
    let generated = a
        .post(
            "/v1.0/qr/qr-mpm-generate",
            &json!({"partnerReferenceNo": pref, "merchantId": "M1", "amount": idr("100.00")}),
            &token,
            None,
        )
        .await;
    assert_eq!(generated.code(), "2004700", "{:?}", generated.json);
    let paid = b
        .send(
            "POST",
            "/sandbox/v1.0/qris/pay",
            bearer(&token),
            json!({"referenceNo": pref}).to_string().into_bytes(),
        )
        .await;
    assert_eq!(paid.status, 200, "{:?}", paid.json);
    let again = a
        .send(
            "POST",
            "/sandbox/v1.0/qris/pay",
            bearer(&token),
            json!({"referenceNo": pref}).to_string().into_bytes(),
        )
        .await;
    assert_eq!(again.status, 404, "paid once: {:?}", again.json);
    // 8 refunders on both instances, 0.90 each: 100.00 / 0.90 = 111 fit.
    let tasks: Vec<_> = (0..8)
        .map(|t| {
            let (a, b, token, pref) = (a.clone(), b.clone(), token.clone(), pref.clone());
            tokio::spawn(async move {
                let mut ok = 0;
                for i in 0..16 {
                    let r = pick(&a, &b, t + i)
                        .post(
                            "/v1.0/qr/qr-mpm-refund",
                            &json!({"originalPartnerReferenceNo": pref, "partnerRefundNo": format!("r{t}-{i}"), "refundAmount": idr("0.90")}),
                            &token,
                            None,
                        )
                        .await;
                    match r.code() {
                        "2007800" => ok += 1,
                        "4047813" => {}
                        other => panic!("{other}: {:?}", r.json),
                    }
                }
                ok
            })
        })
        .collect();
    let mut ok = 0;
    for t in tasks {
        ok += t.await.unwrap();
    }
    assert_eq!(ok, 111);
    let q = b
        .post(
            "/v1.0/qr/qr-mpm-query",
            &json!({"originalPartnerReferenceNo": pref, "serviceCode": "47"}),
            &token,
            None,
        )
        .await;
    assert_eq!(q.code(), "2005100", "{:?}", q.json);
    assert_eq!(q.json["additionalInfo"]["refundedAmount"]["value"], "99.90");
    let dup = a
        .post(
            "/v1.0/qr/qr-mpm-refund",
            &json!({"originalPartnerReferenceNo": pref, "partnerRefundNo": "r0-0", "refundAmount": idr("0.01")}),
            &token,
            None,
        )
        .await;
    assert_eq!(dup.code(), "4097801", "{:?}", dup.json);
    let st = a.running.sandbox().state();
    let qr = st.qris.get(CLIENT_ID, &pref).await.unwrap();
    assert_eq!(qr.refunds.len(), 111);
    assert!(qr.refunds.iter().all(|r| !r.time.is_empty()));
    st.qris.check_invariants().await.unwrap();
}

async fn registration(a: &Arc<Env>, b: &Arc<Env>, tag: &str) {
    let token = a.b2b_token().await;
    let customer = format!("cust-{tag}");
    // 06 on one instance: an account and an auth code; 74 on the other.
    let created = a
        .post(
            "/v1.0/registration-account-creation",
            &json!({"partnerReferenceNo": "reg-1", "customerId": customer, "name": "Budi Santoso"}),
            &token,
            None,
        )
        .await;
    assert_eq!(created.code(), "2000600", "{:?}", created.json);
    let account = created.json["accountId"].as_str().unwrap().to_owned();
    let code = created.json["authCode"].as_str().unwrap().to_owned();
    let t = b
        .token_request(
            "/v1.0/access-token/b2b2c",
            CLIENT_ID,
            &json!({"grantType": "AUTHORIZATION_CODE", "authCode": code}),
        )
        .await;
    assert_eq!(t.code(), "2007400", "{:?}", t.json);
    let cust = t.json["accessToken"].as_str().unwrap().to_owned();
    let again = b
        .post(
            "/v1.0/registration-account-creation",
            &json!({"customerId": customer}),
            &token,
            None,
        )
        .await;
    assert_eq!(again.json["accountId"], account, "one account per customer");

    // 15/16 find it; an unknown account is 404{SS}11.
    let inq = b
        .post(
            "/v1.0/account-inquiry-internal",
            &json!({"beneficiaryAccountNo": account}),
            &token,
            None,
        )
        .await;
    assert_eq!(inq.code(), "2001500", "{:?}", inq.json);
    assert_eq!(inq.json["beneficiaryAccountName"], "Budi Santoso");
    let unknown = format!("6{tag}000001");
    let inq = b
        .post(
            "/v1.0/account-inquiry-internal",
            &json!({"beneficiaryAccountNo": unknown}),
            &token,
            None,
        )
        .await;
    assert_eq!(inq.code(), "4041511", "{:?}", inq.json);
    let ext = a
        .post(
            "/v1.0/account-inquiry-external",
            &json!({"beneficiaryBankCode": "014", "beneficiaryAccountNo": account}),
            &token,
            None,
        )
        .await;
    assert_eq!(ext.code(), "2001600", "{:?}", ext.json);
    assert_eq!(ext.json["beneficiaryBankCode"], "014");
    let ext = a
        .post(
            "/v1.0/account-inquiry-external",
            &json!({"beneficiaryBankCode": "014", "beneficiaryAccountNo": unknown}),
            &token,
            None,
        )
        .await;
    assert_eq!(ext.code(), "4041611", "{:?}", ext.json);

    // The created account transfers at once; 12/13 list what moved.
    let other = format!("5{tag}000002");
    for (i, (from, to, value)) in [(&account, &other, "700.00"), (&other, &account, "200.00")]
        .into_iter()
        .enumerate()
    {
        let r = pick(a, b, i)
            .post(
                "/v1.0/transfer-intrabank",
                &json!({
                    "partnerReferenceNo": format!("h-{tag}-{i}"),
                    "amount": idr(value),
                    "beneficiaryAccountNo": to,
                    "sourceAccountNo": from,
                    "transactionDate": crate::support::now(),
                }),
                &token,
                None,
            )
            .await;
        assert_eq!(r.code(), "2001700", "{:?}", r.json);
    }
    let list = b
        .post(
            "/v1.0/transaction-history-list",
            &json!({"partnerReferenceNo": "hl-1", "pageSize": "1"}),
            &token,
            Some(&cust),
        )
        .await;
    assert_eq!(list.code(), "2001200", "{:?}", list.json);
    let items = list.json["detailData"].as_array().unwrap();
    assert_eq!(items.len(), 1, "page size 1: {items:?}");
    assert_eq!(items[0]["amount"]["value"], "200.00", "newest first");
    assert_eq!(items[0]["type"], "TOPUP");
    let page2 = a
        .post(
            "/v1.0/transaction-history-list",
            &json!({"pageSize": 1, "pageNumber": 2}),
            &token,
            Some(&cust),
        )
        .await;
    assert_eq!(
        page2.json["detailData"][0]["amount"]["value"], "700.00",
        "{:?}",
        page2.json
    );
    assert_eq!(page2.json["detailData"][0]["type"], "PAYMENT");
    let detail = a
        .post(
            "/v1.0/transaction-history-detail",
            &json!({"originalPartnerReferenceNo": format!("h-{tag}-0")}),
            &token,
            Some(&cust),
        )
        .await;
    assert_eq!(detail.code(), "2001300", "{:?}", detail.json);
    assert_eq!(detail.json["amount"]["value"], "700.00");
    let detail = a
        .post(
            "/v1.0/transaction-history-detail",
            &json!({"originalPartnerReferenceNo": "never"}),
            &token,
            Some(&cust),
        )
        .await;
    assert_eq!(detail.code(), "4041301", "{:?}", detail.json);
    let stranger = a.customer_token(&format!("nobody-{tag}")).await;
    let none = b
        .post(
            "/v1.0/transaction-history-list",
            &json!({}),
            &token,
            Some(&stranger),
        )
        .await;
    assert_eq!(none.code(), "4041211", "{:?}", none.json);

    // Binding (07) on one instance, unbinding (09) on the other: the
    // binding's customer token is refused everywhere, a fresh binding's works.
    let bind = a
        .post(
            "/v1.0/registration-account-binding",
            &json!({"merchantId": "M1", "phoneNo": customer}),
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
    let t = a
        .token_request(
            "/v1.0/access-token/b2b2c",
            CLIENT_ID,
            &json!({"grantType": "AUTHORIZATION_CODE", "authCode": code}),
        )
        .await;
    let bound = t.json["accessToken"].as_str().unwrap().to_owned();
    let refresh = t.json["refreshToken"].as_str().unwrap().to_owned();
    let ok = b
        .post(
            "/v1.0/transaction-history-list",
            &json!({}),
            &token,
            Some(&bound),
        )
        .await;
    assert_eq!(ok.code(), "2001200", "{:?}", ok.json);
    let un = b
        .post(
            "/v1.0/registration-account-unbinding",
            &json!({"merchantId": "M1", "linkId": link}),
            &token,
            None,
        )
        .await;
    assert_eq!(un.code(), "2000900", "{:?}", un.json);
    for (env, t) in [(a, &bound), (b, &bound), (a, &cust)] {
        let r = env
            .post(
                "/v1.0/transaction-history-list",
                &json!({}),
                &token,
                Some(t),
            )
            .await;
        assert_eq!((r.status, r.code()), (401, "4011202"), "{:?}", r.json);
    }
    let r = b
        .token_request(
            "/v1.0/access-token/b2b2c",
            CLIENT_ID,
            &json!({"grantType": "REFRESH_TOKEN", "refreshToken": refresh}),
        )
        .await;
    assert_eq!(r.status, 401, "a revoked refresh token: {:?}", r.json);
    let rebind = b
        .post(
            "/v1.0/registration-account-binding",
            &json!({"merchantId": "M1", "phoneNo": customer}),
            &token,
            None,
        )
        .await;
    let code = rebind.json["additionalInfo"]["authCode"]
        .as_str()
        .unwrap()
        .to_owned();
    let t = a
        .token_request(
            "/v1.0/access-token/b2b2c",
            CLIENT_ID,
            &json!({"grantType": "AUTHORIZATION_CODE", "authCode": code}),
        )
        .await;
    let fresh = t.json["accessToken"].as_str().unwrap().to_owned();
    let r = b
        .post(
            "/v1.0/transaction-history-list",
            &json!({}),
            &token,
            Some(&fresh),
        )
        .await;
    assert_eq!(r.code(), "2001200", "{:?}", r.json);
}

async fn every_book(a: &Arc<Env>, b: &Arc<Env>) {
    let tag = "4242";
    vas(a, b, tag).await;
    transfers(a, b, tag).await;
    qris(a, b, tag).await;
    registration(a, b, tag).await;
}

async fn stop(env: Arc<Env>) {
    if let Ok(env) = Arc::try_unwrap(env) {
        env.running.shutdown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_books_in_memory() {
    let env = Arc::new(start().await);
    every_book(&env, &env).await;
    stop(env).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_sandboxes_on_one_redis_share_the_books() {
    let Some(url) = redis_url() else { return };
    let prefix = format!("snaptest:{}:{}:books:", std::process::id(), ext_id());
    let a = Arc::new(start_on_redis(&url, &prefix).await);
    let b = Arc::new(start_on_redis(&url, &prefix).await);
    every_book(&a, &b).await;
    stop(a).await;
    stop(b).await;
}
