//! The dashboard: its state endpoint (payments, request log with the
//! doctor's diagnosis, fault knobs), its password, and the page itself
//! rendered by a real headless Chromium (`SNAP_TEST_CHROMIUM`, installed
//! and exported by scripts/test.sh).

use std::path::{Path, PathBuf};
use std::process::Command;

use axum::http::HeaderValue;
use base64::Engine;
use http::HeaderMap;
use serde_json::{Value, json};
use snap_client::CallOptions;
use snap_core::secret::SecretString;
use snap_endpoints::bi::AuthPaymentRequest;
use snap_sandbox::Sandbox;
use snap_sandbox::config::{SandboxConfig, sandbox_partner};
use snap_sandbox::dashboard::DashboardPassword;

use crate::support::{self, CLIENT_ID, Env, SECRET};

async fn state(env: &Env) -> Value {
    let a = env
        .send(
            "GET",
            "/sandbox/v1.0/dashboard/state",
            HeaderMap::new(),
            Vec::new(),
        )
        .await;
    assert_eq!(a.status, 200, "{:?}", a.json);
    a.json
}

/// Pays through the client (customer token, Auth Payment) and returns the
/// sandbox's referenceNo.
async fn pay_through_client(env: &Env, partner_reference: &str) -> String {
    let client = env.client("");
    let customer = client
        .customer_token(&SecretString::from("sandbox:cust-dash"))
        .await
        .expect("customer token");
    let request: AuthPaymentRequest = serde_json::from_value(json!({
        "partnerReferenceNo": partner_reference,
        "merchantId": "merch00001",
        "amount": {"value": "12345.00", "currency": "IDR"},
        "title": "dashboard test"
    }))
    .unwrap();
    let raw = client
        .send(&request, CallOptions::default().customer(&customer))
        .await
        .expect("payment");
    let body: Value = serde_json::from_slice(&raw.body).unwrap();
    assert_eq!(body["responseCode"], "2006300", "{body}");
    body["referenceNo"]
        .as_str()
        .expect("referenceNo")
        .to_owned()
}

#[tokio::test]
async fn state_shows_payments_newest_first_and_the_request_log_without_secrets() {
    let env = support::start().await;
    let first = pay_through_client(&env, "DASH-A").await;
    let token = env.b2b_token().await;
    let cust = env.customer_token("cust-2").await;
    let second = support::authorize(&env, &token, &cust, "DASH-B", "500.00").await;
    // A refused signature: headers signed for one body, another body sent.
    let signed = support::payment("DASH-C", "1.00").to_string().into_bytes();
    let sent = support::payment("DASH-C", "2.00").to_string().into_bytes();
    let h = env.headers(
        "/v1.0/auth/payment",
        &signed,
        &token,
        Some(&cust),
        &support::ext_id(),
    );
    let refused = env.send("POST", "/v1.0/auth/payment", h, sent).await;
    assert_eq!(refused.status, 401, "{:?}", refused.json);

    let s = state(&env).await;
    let partner = s["partners"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["clientId"] == CLIENT_ID)
        .expect("partner listed");
    let auth = &partner["families"][0];
    assert_eq!(auth["name"], "Auth payments");
    let refs: Vec<&str> = auth["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["reference"].as_str().unwrap())
        .collect();
    assert_eq!(refs, [second.as_str(), first.as_str()], "newest first");
    let row = &auth["rows"][1];
    assert_eq!(row["amount"], "12345.00 IDR");
    assert_eq!(row["status"], "Success");
    assert_eq!(row["partnerReference"], "DASH-A");
    assert_eq!(row["history"][0]["event"], "authorized");

    let log = s["requests"].as_array().unwrap();
    let newest = &log[0];
    assert_eq!(newest["path"], "/v1.0/auth/payment");
    assert_eq!(newest["endpoint"], "Auth Payment");
    assert_eq!(newest["http"], 401);
    assert_eq!(newest["partner"], CLIENT_ID);
    let diagnosis = newest["diagnosis"]
        .as_str()
        .expect("diagnosis of a refused signature");
    eprintln!("diagnosis: {diagnosis}");
    assert!(
        diagnosis.starts_with("symmetric signature invalid"),
        "{diagnosis}"
    );
    let ok = log
        .iter()
        .find(|e| e["http"] == 200 && e["endpoint"] == "Auth Payment")
        .expect("a logged payment");
    assert_eq!(ok["responseCode"], "2006300");
    assert!(ok["latencyUs"].as_u64().is_some());
    assert!(ok["diagnosis"].is_null());
    // Never a secret or a token.
    let text = s.to_string();
    for secret in [SECRET, token.as_str(), cust.as_str()] {
        assert!(!text.contains(secret), "the dashboard state leaks {secret}");
    }
    env.running.shutdown().await;
}

/// A flood of refused signatures is diagnosed within the log's budget; the
/// rest are logged as not diagnosed.
#[tokio::test]
async fn refused_signatures_are_diagnosed_within_a_budget() {
    let env = support::start().await;
    // Two per hour: whatever the machine's speed, the third refusal is
    // past the budget.
    env.running
        .sandbox()
        .request_log()
        .set_diagnosis_limit(2, std::time::Duration::from_secs(3600));
    let token = env.b2b_token().await;
    let cust = env.customer_token("cust-rl").await;
    for i in 0..3 {
        let signed = support::payment(&format!("DASH-RL-{i}"), "1.00")
            .to_string()
            .into_bytes();
        let sent = support::payment(&format!("DASH-RL-{i}"), "2.00")
            .to_string()
            .into_bytes();
        let h = env.headers(
            "/v1.0/auth/payment",
            &signed,
            &token,
            Some(&cust),
            &support::ext_id(),
        );
        let refused = env.send("POST", "/v1.0/auth/payment", h, sent).await;
        assert_eq!(refused.status, 401, "{:?}", refused.json);
    }
    let s = state(&env).await;
    let refused: Vec<&Value> = s["requests"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["http"] == 401)
        .collect();
    assert_eq!(refused.len(), 3);
    // Newest first: the third was not diagnosed, the first two were.
    assert_eq!(
        refused[0]["diagnosis"],
        "not diagnosed: rate limit (at most 2 diagnoses per 3600000 ms)"
    );
    for e in &refused[1..] {
        let d = e["diagnosis"].as_str().unwrap();
        assert!(d.starts_with("symmetric signature invalid"), "{d}");
    }
    eprintln!(
        "latency with the doctor: {} us, {} us; without: {} us",
        refused[2]["latencyUs"], refused[1]["latencyUs"], refused[0]["latencyUs"]
    );
    env.running.shutdown().await;
}

#[tokio::test]
async fn fault_knobs_and_token_expiry_through_the_helper_api() {
    let env = support::start().await;
    let token = env.b2b_token().await;
    let bearer = || {
        let mut h = HeaderMap::new();
        h.insert("authorization", format!("Bearer {token}").parse().unwrap());
        h
    };
    // Without a partner's B2B token the helper refuses.
    let refused = env
        .send(
            "POST",
            "/sandbox/v1.0/faults",
            HeaderMap::new(),
            br#"{"errorPercent":100}"#.to_vec(),
        )
        .await;
    assert_eq!(refused.status, 401, "{:?}", refused.json);
    assert_eq!(state(&env).await["faults"]["errorPercent"], 0);
    let set = env
        .send(
            "POST",
            "/sandbox/v1.0/faults",
            bearer(),
            br#"{"errorPercent":100}"#.to_vec(),
        )
        .await;
    assert_eq!(set.status, 200, "{:?}", set.json);
    assert_eq!(set.json["errorPercent"], 100);
    assert_eq!(set.json["timeoutHoldMs"], 30_000, "other knobs kept");
    let cust = env.customer_token("cust-f").await;
    let a = env
        .post(
            "/v1.0/auth/payment",
            &support::payment("DASH-F", "1.00"),
            &token,
            Some(&cust),
        )
        .await;
    assert_eq!(a.status, 500, "{:?}", a.json);
    let bad = env
        .send(
            "POST",
            "/sandbox/v1.0/faults",
            bearer(),
            br#"{"errorPercent":101}"#.to_vec(),
        )
        .await;
    assert_eq!(bad.status, 400);
    assert!(
        bad.raw
            .starts_with(b"{\"error\":\"fault knobs: errorPercent"),
        "{:?}",
        bad.json
    );
    assert_eq!(state(&env).await["faults"]["errorPercent"], 100);
    env.send(
        "POST",
        "/sandbox/v1.0/faults",
        bearer(),
        br#"{"errorPercent":0}"#.to_vec(),
    )
    .await;
    let a = env
        .post(
            "/v1.0/auth/payment",
            &support::payment("DASH-G", "1.00"),
            &token,
            Some(&cust),
        )
        .await;
    assert_eq!(a.code(), "2006300", "{:?}", a.json);
    env.running.shutdown().await;
}

fn basic(user_pass: &str) -> HeaderMap {
    let mut h = HeaderMap::new();
    h.insert(
        "authorization",
        HeaderValue::from_str(&format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(user_pass)
        ))
        .unwrap(),
    );
    h
}

#[tokio::test]
async fn a_dashboard_password_guards_the_page_and_the_helper_api() {
    let partner = sandbox_partner(CLIENT_ID, SECRET, None).unwrap();
    let running = Sandbox::new(SandboxConfig::single(partner))
        .unwrap()
        .with_dashboard_password(DashboardPassword::new("open-sesame").unwrap())
        .bind("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let http = reqwest::Client::new();
    for path in ["/", "/dashboard", "/sandbox/v1.0/dashboard/state"] {
        let url = format!("{}{path}", running.base_url());
        let r = http.get(&url).send().await.unwrap();
        assert_eq!(r.status(), 401, "{path}");
        assert!(r.headers().contains_key("www-authenticate"));
        let r = http
            .get(&url)
            .headers(basic("x:wrong"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 401, "{path}");
        let r = http
            .get(&url)
            .headers(basic("x:open-sesame"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{path}");
    }
    // The page's helper calls carry a B2B token in Authorization: the
    // session cookie set on a password-admitted answer lets them through.
    let token_url = format!("{}/sandbox/v1.0/dashboard/token", running.base_url());
    let body = format!(r#"{{"clientId":"{CLIENT_ID}"}}"#);
    let r = http
        .post(&token_url)
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let r = http
        .post(&token_url)
        .headers(basic("x:open-sesame"))
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let cookie = r
        .headers()
        .get("set-cookie")
        .expect("session cookie")
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let token = serde_json::from_slice::<Value>(&r.bytes().await.unwrap()).unwrap()["accessToken"]
        .as_str()
        .unwrap()
        .to_owned();
    let url = format!("{}/sandbox/v1.0/expire-tokens", running.base_url());
    let r = http
        .post(&url)
        .header("authorization", format!("Bearer {token}"))
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401, "a token alone does not pass the password");
    let r = http
        .post(&url)
        .header("authorization", format!("Bearer {token}"))
        .header("cookie", "snap_sandbox_dashboard=forged")
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401, "a forged session does not either");
    let r = http
        .post(&url)
        .header("authorization", format!("Bearer {token}"))
        .header("cookie", cookie)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    running.shutdown().await;
}

// ---------------------------------------------------------- real browser

/// `SNAP_TEST_CHROMIUM` or, when unset, a skip notice; with
/// `SNAP_REQUIRE_SERVICES=1` a missing browser is a failure.
fn chromium() -> Option<PathBuf> {
    match std::env::var("SNAP_TEST_CHROMIUM") {
        Ok(p) if !p.is_empty() => Some(PathBuf::from(p)),
        _ => {
            assert!(
                std::env::var_os("SNAP_REQUIRE_SERVICES").is_none_or(|v| v != "1"),
                "SNAP_REQUIRE_SERVICES=1 but SNAP_TEST_CHROMIUM is not set (scripts/test.sh sets it)"
            );
            eprintln!("skipped: SNAP_TEST_CHROMIUM is not set (scripts/test.sh installs Chromium)");
            None
        }
    }
}

/// The DOM after the page's scripts ran for `budget_ms` of virtual time.
async fn rendered(browser: &PathBuf, url: &str, budget_ms: u32) -> String {
    let profile = std::env::temp_dir().join(format!(
        "snap-dash-chromium-{}-{}",
        std::process::id(),
        support::ext_id()
    ));
    let mut cmd = Command::new(browser);
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        &format!("--user-data-dir={}", profile.display()),
        &format!("--virtual-time-budget={budget_ms}"),
        "--dump-dom",
        url,
    ]);
    let out = tokio::task::spawn_blocking(move || cmd.output())
        .await
        .unwrap()
        .expect("run chromium");
    let _ = std::fs::remove_dir_all(&profile);
    assert!(
        out.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 DOM")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chromium_shows_a_payment_made_through_the_client() {
    let Some(browser) = chromium() else { return };
    let env = support::start().await;
    let reference = pay_through_client(&env, "DASH-BROWSER-1").await;
    let dom = rendered(&browser, &format!("{}/dashboard", env.base), 3000).await;
    assert!(
        dom.contains(&format!("data-reference=\"{reference}\"")),
        "the rendered page has no row for {reference}:\n{dom}"
    );
    assert!(dom.contains("DASH-BROWSER-1"));
    assert!(dom.contains("12345.00 IDR"));
    // The request log rendered too, with the payment's responseCode.
    assert!(dom.contains("2006300"), "{dom}");
    // Filtered by reference number (`?ref=` fills the filter box): only
    // the matching payment is left.
    let other = pay_through_client(&env, "DASH-BROWSER-2").await;
    let dom = rendered(&browser, &format!("{}/?ref=browser-2", env.base), 3000).await;
    assert!(
        dom.contains(&format!("data-reference=\"{other}\"")),
        "{dom}"
    );
    assert!(
        !dom.contains(&format!("data-reference=\"{reference}\"")),
        "{dom}"
    );
    assert!(dom.contains("Auth payments (1 matching)"), "{dom}");
    env.running.shutdown().await;
}

/// Opens the dashboard in a DevTools-driven Chromium, presses button `id`
/// with real mouse events once it is shown, and waits until the page says
/// what the action did (`#result` starts with `said`); then, when given,
/// waits in the same page for the JavaScript expression `after` to be
/// non-null. Returns what the page said and `after`'s value.
async fn press(
    browser: &Path,
    url: String,
    id: String,
    said: String,
    after: Option<String>,
) -> (String, Value) {
    let browser = browser.to_owned();
    tokio::task::spawn_blocking(move || {
        let mut b = crate::cdp::Browser::start(&browser);
        b.navigate(&url);
        b.click(&id);
        let said_js = serde_json::to_string(&said).unwrap();
        let result = b.wait_for(
            &format!("the page saying {said:?}"),
            &format!(
                "(() => {{ const t = document.getElementById('result').textContent; return t.startsWith({said_js}) ? t : null; }})()"
            ),
        );
        let after = match after {
            Some(expr) => b.wait_for(&expr, &expr),
            None => Value::Null,
        };
        (result.as_str().unwrap_or_default().to_owned(), after)
    })
    .await
    .expect("browser session")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chromium_presses_expire_tokens_and_the_page_says_what_it_did() {
    let Some(browser) = chromium() else { return };
    let env = support::start().await;
    let token = env.b2b_token().await;
    let (said, _) = press(
        &browser,
        format!("{}/", env.base),
        format!("expire-{CLIENT_ID}"),
        format!("expire tokens of {CLIENT_ID}:"),
        None,
    )
    .await;
    // The page's own token and the test's: both expired.
    assert_eq!(
        said,
        format!("expire tokens of {CLIENT_ID}: HTTP 200 {{\"expired\":2}}")
    );
    // The token is gone: a transaction with it is refused.
    let cust = env.customer_token("cust-x").await;
    let a = env
        .post(
            "/v1.0/auth/payment",
            &support::payment("DASH-X", "1.00"),
            &token,
            Some(&cust),
        )
        .await;
    assert_eq!(a.status, 401, "{:?}", a.json);
    env.running.shutdown().await;
}
// ------------------------------------------------------------ families

async fn create_va(env: &Env, token: &str, cust: &str, total: &str) -> String {
    let body = json!({
        "partnerServiceId": "   12345",
        "customerNo": cust,
        "virtualAccountNo": format!("   12345{cust}"),
        "virtualAccountName": "Budi",
        "trxId": format!("trx-{cust}"),
        "totalAmount": {"value": total, "currency": "IDR"},
        "virtualAccountTrxType": "C",
    });
    let a = env
        .post("/v1.0/transfer-va/create-va", &body, token, None)
        .await;
    assert_eq!(a.code(), "2002700", "{:?}", a.json);
    format!("   12345{cust}")
}

async fn family_rows(env: &Env, family: &str) -> Vec<Value> {
    let s = state(env).await;
    let partner = s["partners"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["clientId"] == CLIENT_ID)
        .expect("partner listed")
        .clone();
    partner["families"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == family)
        .unwrap_or_else(|| panic!("no family {family}"))["rows"]
        .as_array()
        .unwrap()
        .clone()
}

#[tokio::test]
async fn vas_and_qris_appear_with_a_pay_action_that_the_helper_api_performs() {
    let env = support::start().await;
    let token = env.b2b_token().await;
    let va = create_va(&env, &token, "7001", "15000.00").await;
    let rows = family_rows(&env, "Virtual accounts").await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["reference"], va.as_str());
    assert_eq!(rows[0]["status"], "Unpaid");
    assert_eq!(rows[0]["amount"], "15000.00 IDR");
    let pay = &rows[0]["actions"][0];
    assert_eq!(pay["label"], "pay");
    let bearer = || {
        let mut h = HeaderMap::new();
        h.insert("authorization", format!("Bearer {token}").parse().unwrap());
        h
    };
    // The action is a helper call: perform it as the page would (with the
    // partner's B2B token; without one it is refused).
    let refused = env
        .send(
            "POST",
            pay["path"].as_str().unwrap(),
            HeaderMap::new(),
            pay["body"].to_string().into_bytes(),
        )
        .await;
    assert_eq!(refused.status, 401, "{:?}", refused.json);
    let a = env
        .send(
            "POST",
            pay["path"].as_str().unwrap(),
            bearer(),
            pay["body"].to_string().into_bytes(),
        )
        .await;
    assert_eq!(a.status, 200, "{:?}", a.json);
    assert_eq!(a.json["paidAmount"], "15000.00");
    let rows = family_rows(&env, "Virtual accounts").await;
    assert_eq!(rows[0]["status"], "Paid");
    assert!(rows[0]["actions"].as_array().unwrap().is_empty());
    // A closed VA is paid once: the helper refuses a second payment.
    let again = env
        .send(
            "POST",
            "/sandbox/v1.0/va/pay",
            bearer(),
            json!({"clientId": CLIENT_ID, "virtualAccountNo": va, "amount": "15000.00"})
                .to_string()
                .into_bytes(),
        )
        .await;
    assert_eq!(again.status, 404, "{:?}", again.json);

    let qr = env
        .post(
            "/v1.0/qr/qr-mpm-generate",
            &json!({"partnerReferenceNo": "dash-qr-1", "merchantId": "M1", "amount": {"value": "25000.00", "currency": "IDR"}}),
            &token,
            None,
        )
        .await;
    assert_eq!(qr.code(), "2004700", "{:?}", qr.json);
    let rows = family_rows(&env, "QRIS").await;
    assert_eq!(rows[0]["status"], "Pending");
    let pay = &rows[0]["actions"][0];
    let a = env
        .send(
            "POST",
            pay["path"].as_str().unwrap(),
            bearer(),
            pay["body"].to_string().into_bytes(),
        )
        .await;
    assert_eq!(a.status, 200, "{:?}", a.json);
    assert_eq!(family_rows(&env, "QRIS").await[0]["status"], "Success");
    env.running.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chromium_presses_pay_on_a_va_and_shows_it_paid() {
    let Some(browser) = chromium() else { return };
    let env = support::start().await;
    let token = env.b2b_token().await;
    let va = create_va(&env, &token, "7002", "42000.00").await;
    // The button's id is `action-pay-` + the VA number's slug; after the
    // action the page re-reads the state and shows the VA's row Paid.
    let va_js = serde_json::to_string(&va).unwrap();
    let paid_row = format!(
        "(() => {{ const r = [...document.querySelectorAll('tr[data-reference]')].find(r => r.dataset.reference === {va_js}); \
         return r && r.querySelector('.status').textContent === 'Paid' ? r.outerHTML : null; }})()"
    );
    let (said, row) = press(
        &browser,
        format!("{}/dashboard", env.base),
        format!("action-pay-{}", va.trim()),
        format!("pay {va}:"),
        Some(paid_row),
    )
    .await;
    assert!(said.starts_with(&format!("pay {va}: HTTP 200")), "{said}");
    let row = row.as_str().unwrap_or_default();
    assert!(row.contains("42000.00 IDR"), "{row}");
    // And the sandbox's state agrees.
    let rows = family_rows(&env, "Virtual accounts").await;
    assert_eq!(rows[0]["status"], "Paid");
    env.running.shutdown().await;
}

// ------------------------------------------------------- merchant calls

/// A sandbox whose partner's merchant is at a port nobody listens on: the
/// bank's calls fail after 2 attempts (a short backoff).
async fn sandbox_with_merchant_down() -> Env {
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    support::start_with(move |c| {
        let mut calls = c
            .merchant_calls
            .clone()
            .with_partner(CLIENT_ID, SECRET, Some(&url))
            .expect("merchant");
        calls.attempts = 2;
        calls.backoff = std::time::Duration::from_millis(20);
        calls.timeout = std::time::Duration::from_secs(5);
        c.merchant_calls = calls;
    })
    .await
}

/// The bank's call to the merchant that paying a VA queues shows in the
/// VA's history with its outcome.
#[tokio::test]
async fn a_merchant_call_shows_in_the_history_of_what_it_is_about() {
    let env = sandbox_with_merchant_down().await;
    let token = env.b2b_token().await;
    let va = create_va(&env, &token, "7010", "1000.00").await;
    let mut h = HeaderMap::new();
    h.insert("authorization", format!("Bearer {token}").parse().unwrap());
    let paid = env
        .send(
            "POST",
            "/sandbox/v1.0/va/pay",
            h,
            json!({"virtualAccountNo": va}).to_string().into_bytes(),
        )
        .await;
    assert_eq!(paid.status, 200, "{:?}", paid.json);
    let ext = paid.json["merchantCall"]["externalId"]
        .as_str()
        .expect("merchantCall")
        .to_owned();
    let mut last = Value::Null;
    for _ in 0..400 {
        let rows = family_rows(&env, "Virtual accounts").await;
        last = rows[0]["history"].clone();
        let settled = last.as_array().unwrap().iter().find(|e| {
            e["event"]
                .as_str()
                .is_some_and(|t| t.starts_with("merchant call 25: failed after 2 attempts: "))
        });
        if let Some(e) = settled {
            assert_eq!(e["reference"], ext.as_str(), "{e}");
            let s = state(&env).await;
            let call = &s["merchantCalls"][0];
            assert_eq!(call["state"], "failed", "{call}");
            env.running.shutdown().await;
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the VA's history never showed the failed merchant call: {last}");
}

/// Pressing "pay" in the browser: the page says what the helper answered,
/// then what became of the merchant call it queued.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chromium_shows_the_merchant_calls_outcome_after_pay() {
    let Some(browser) = chromium() else { return };
    let env = sandbox_with_merchant_down().await;
    let token = env.b2b_token().await;
    let va = create_va(&env, &token, "7011", "3000.00").await;
    let settled = "(() => { const t = document.getElementById('result').textContent; \
                   return t.includes('merchant call 25: failed') ? t : null; })()";
    let (said, outcome) = press(
        &browser,
        format!("{}/dashboard", env.base),
        format!("action-pay-{}", va.trim()),
        format!("pay {va}: HTTP 200"),
        Some(settled.to_owned()),
    )
    .await;
    assert!(said.contains("\"merchantCall\""), "{said}");
    let outcome = outcome.as_str().unwrap_or_default();
    assert!(
        outcome.contains("merchant call 25: failed after 2 attempts: "),
        "{outcome}"
    );
    env.running.shutdown().await;
}
