//! `--profile`: one provider at its own paths, nothing else; the combined
//! layout without a profile; GoPay's token request may say `grant_type`.

use serde_json::json;
use snap_sandbox::Sandbox;
use snap_sandbox::config::{SandboxConfig, sandbox_partner};
use snap_sandbox::profile::Profile;

use crate::support::{CLIENT_ID, Env, KEY, SECRET};

async fn start(profile: Option<Profile>) -> Env {
    let public = KEY.public_key().expect("public key");
    let config =
        SandboxConfig::single(sandbox_partner(CLIENT_ID, SECRET, Some(public)).expect("partner"));
    let mut sandbox = Sandbox::new(config).expect("sandbox");
    if let Some(p) = profile {
        sandbox = sandbox.with_profile(p);
    }
    let running = sandbox
        .bind("127.0.0.1:0".parse().expect("addr"))
        .await
        .expect("bind");
    let base = running.base_url();
    Env {
        running,
        base,
        http: reqwest::Client::new(),
    }
}

/// True when the sandbox routes `path` (an unsigned POST is refused by the
/// endpoint's checks, not by the no-route fallback).
async fn routed(env: &Env, path: &str) -> bool {
    let a = env
        .send("POST", path, http::HeaderMap::new(), b"{}".to_vec())
        .await;
    !(a.status == 404 && a.code() == "4040002")
}

#[tokio::test]
async fn each_profile_serves_its_provider_at_its_own_paths() {
    let table: [(Option<Profile>, &[&str], &[&str]); 6] = [
        (
            None,
            &[
                "/v1.0/access-token/b2b",
                "/gopay/v1.0/access-token/b2b",
                "/v1.0/auth/payment",
                // answered generically (snap_sandbox::generic)
                "/v1.0/emoney/topup",
                "/gopay/v1.0/debit/cancel",
                "/paydia/v1.0/auth/void",
                "/ayopop/api/v2/bill/cancel",
                "/ipg/reversal",
            ],
            &["/api/v2/bill/cancel", "/reversal"],
        ),
        (
            Some(Profile::Bi),
            &[
                "/v1.0/access-token/b2b",
                "/v1.0/auth/payment",
                "/v1.0/debit/cancel",
                "/v1.0/emoney/topup",
            ],
            &[
                "/gopay/v1.0/debit/cancel",
                "/gopay/v1.0/access-token/b2b",
                "/reversal",
            ],
        ),
        (
            Some(Profile::Gopay),
            &[
                "/v1.0/access-token/b2b",
                "/v1.0/debit/cancel",
                "/v1.0/qr/qr-mpm-cancel",
                "/v1.0/auth/void",
                "/v1.0/transfer-va/delete-va",
            ],
            &[
                "/gopay/v1.0/debit/cancel",
                "/v1.0/auth/payment",
                "/v1.0/emoney/topup",
                "/reversal",
            ],
        ),
        (
            Some(Profile::Paydia),
            &["/v1.0/access-token/b2b", "/v1.0/auth/void"],
            &["/paydia/v1.0/auth/void", "/v1.0/debit/cancel"],
        ),
        (
            Some(Profile::Ayopop),
            &["/api/v2/bill/cancel"],
            &["/v1.0/access-token/b2b", "/ayopop/api/v2/bill/cancel"],
        ),
        (
            Some(Profile::Ipg),
            &["/reversal"],
            &["/v1.0/access-token/b2b", "/ipg/reversal"],
        ),
    ];
    for (profile, served, absent) in table {
        let env = start(profile).await;
        for p in served {
            assert!(routed(&env, p).await, "{profile:?}: {p} should be served");
        }
        for p in absent {
            assert!(
                !routed(&env, p).await,
                "{profile:?}: {p} should not be served"
            );
        }
        env.running.shutdown().await;
    }
}

#[tokio::test]
async fn gopay_token_accepts_grant_type_and_bi_does_not() {
    for (profile, expect) in [(Profile::Gopay, "2007300"), (Profile::Bi, "4007302")] {
        let env = start(Some(profile)).await;
        let a = env
            .token_request(
                "/v1.0/access-token/b2b",
                CLIENT_ID,
                &json!({"grant_type": "client_credentials"}),
            )
            .await;
        assert_eq!(a.code(), expect, "{profile}: {:?}", a.json);
        // The standard spelling works everywhere.
        let a = env
            .token_request(
                "/v1.0/access-token/b2b",
                CLIENT_ID,
                &json!({"grantType": "client_credentials"}),
            )
            .await;
        assert_eq!(a.code(), "2007300", "{profile}: {:?}", a.json);
        env.running.shutdown().await;
    }
}

#[test]
fn profile_names_round_trip() {
    for p in Profile::ALL {
        assert_eq!(p.name().parse::<Profile>(), Ok(p));
        assert_eq!(p.to_string(), p.name());
    }
    let e = "midtrans".parse::<Profile>().unwrap_err();
    assert!(
        e.to_string().contains("bi, gopay, paydia, ayopop, ipg"),
        "{e}"
    );
}

/// The customer's side of QRIS: `/sandbox/v1.0/qris/pay` pays a generated
/// QR once, for its owner only, under every profile.
#[tokio::test]
async fn the_customer_pays_a_qr_through_the_helper() {
    let env = start(Some(Profile::Gopay)).await;
    let st = env.running.sandbox().state().clone();
    let now = crate::support::now();
    let qr = st
        .qris
        .generate(CLIENT_ID, "order-77", "M1", 12_345, &now)
        .await
        .expect("generate");
    let token = env.b2b_token().await;
    let pay = |client: &'static str, reference: String| {
        let env = &env;
        let token = token.clone();
        async move {
            let mut h = http::HeaderMap::new();
            h.insert("content-type", "application/json".parse().unwrap());
            h.insert("authorization", format!("Bearer {token}").parse().unwrap());
            let body = json!({ "clientId": client, "referenceNo": reference });
            env.send(
                "POST",
                "/sandbox/v1.0/qris/pay",
                h,
                body.to_string().into_bytes(),
            )
            .await
        }
    };
    let a = pay("nobody", qr.reference_no.clone()).await;
    assert_eq!(a.status, 403, "another partner's clientId: {:?}", a.json);
    let a = pay(CLIENT_ID, "order-77".to_owned()).await;
    assert_eq!(a.status, 200, "{:?}", a.json);
    assert_eq!(a.json["latestTransactionStatus"], "00");
    assert_eq!(a.json["referenceNo"], qr.reference_no.as_str());
    let again = pay(CLIENT_ID, qr.reference_no.clone()).await;
    assert_eq!(again.status, 404, "paid once: {:?}", again.json);
    let unknown = pay(CLIENT_ID, "QR-NOPE".to_owned()).await;
    assert_eq!(unknown.status, 404, "{:?}", unknown.json);
    assert_eq!(
        st.qris.get(CLIENT_ID, "order-77").await.unwrap().status(),
        snap_sandbox::qris::QrStatus::Success
    );
    env.running.shutdown().await;
}

/// Delete VA (31, here GoPay's through the Midtrans path) deletes a VA of the
/// VA book: it takes no more payments.
#[tokio::test]
async fn a_deleted_va_cannot_be_paid() {
    use snap_sandbox::va::{NewVa, TrxType};
    let env = start(Some(Profile::Gopay)).await;
    let st = env.running.sandbox().state().clone();
    let now = crate::support::now();
    let va = st
        .vas
        .create(
            CLIENT_ID,
            NewVa::new("   70012", "0812345678", "Budi", TrxType::Open, None),
            &now,
        )
        .await
        .expect("create");
    let token = env.b2b_token().await;
    let body = json!({
        "partnerServiceId": "   70012",
        "customerNo": "0812345678",
        "virtualAccountNo": va.virtual_account_no,
        "trxId": "trx-1",
        "additionalInfo": {"merchantId": "M1"},
    });
    let a = env
        .post("/v1.0/transfer-va/delete-va", &body, &token, None)
        .await;
    assert_eq!(a.code(), "2003100", "{:?}", a.json);
    let refused = st
        .vas
        .pay(CLIENT_ID, &va.virtual_account_no, "p-1", 10_000, &now)
        .await
        .unwrap_err();
    assert_eq!(refused.case(), (404, 12));
    let a = env
        .post("/v1.0/transfer-va/delete-va", &body, &token, None)
        .await;
    assert_eq!(a.code(), "4043112", "{:?}", a.json);
    env.running.shutdown().await;
}
