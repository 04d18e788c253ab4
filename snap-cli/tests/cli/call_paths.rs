//! `snap call` for services the sandbox does not serve yet, against a small
//! axum server of this test: a GET with query parameters (10), a path
//! parameter (03), and provider paths (`--paths bca`, a `--paths` file).
//! The server checks every transaction's X-SIGNATURE over the method and the
//! path as it received it (query included), so a path signed otherwise than
//! sent fails here.

use std::process::{Command, Output};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use snap_core::sign::{HmacKey, SigningInput, Symmetric};

const CLIENT_ID: &str = "cli-paths-partner";
const SECRET: &str = "cli-paths-secret-7e3a";
const TOKEN: &str = "paths-test-token";

/// What the server saw: method, path with query, body, whether the
/// signature verified.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Seen {
    method: String,
    path: String,
    body: String,
    signature_ok: bool,
}

type Log = Arc<Mutex<Vec<Seen>>>;

fn header<'a>(headers: &'a HeaderMap, name: &str) -> &'a str {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

/// Answers every token request with [`TOKEN`] and every other request with
/// the success code of the service its path belongs to ([`code_for`]),
/// after checking its signature.
async fn handle(State(log): State<Log>, req: Request) -> impl IntoResponse {
    let method = req.method().as_str().to_owned();
    let path = req
        .uri()
        .path_and_query()
        .map_or_else(String::new, |pq| pq.as_str().to_owned());
    let headers = req.headers().clone();
    let body: Bytes = axum::body::to_bytes(req.into_body(), 1 << 20)
        .await
        .unwrap_or_default();
    if path.contains("access-token/b2b") {
        log.lock().unwrap().push(Seen {
            method,
            path,
            body: String::from_utf8_lossy(&body).into_owned(),
            signature_ok: true,
        });
        let answer = serde_json::json!({
            "responseCode": "2007300", "responseMessage": "Successful",
            "accessToken": TOKEN, "tokenType": "Bearer", "expiresIn": "900"
        });
        return (StatusCode::OK, answer.to_string());
    }
    let key = HmacKey::new(SECRET.as_bytes()).unwrap();
    let input = SigningInput::new(&method, &path)
        .access_token(TOKEN)
        .body(&body)
        .timestamp(header(&headers, "x-timestamp"));
    let signature_ok =
        Symmetric::verify_signature(&key, &input, header(&headers, "x-signature")).is_ok();
    let code = code_for(&path);
    log.lock().unwrap().push(Seen {
        method,
        path,
        body: String::from_utf8_lossy(&body).into_owned(),
        signature_ok,
    });
    let answer = serde_json::json!({"responseCode": code, "responseMessage": "Successful"});
    (StatusCode::OK, answer.to_string())
}

/// The success code of the service a test path belongs to.
fn code_for(path: &str) -> &'static str {
    if path.contains("get-auth-code") {
        "2001000"
    } else if path.contains("card") {
        "2000300"
    } else if path.contains("transfer-va/inquiry") {
        "2002400"
    } else if path.contains("transfer-interbank") {
        "2001800"
    } else {
        "2001100"
    }
}

async fn server() -> (String, Log) {
    let log: Log = Arc::default();
    let app = Router::new().fallback(handle).with_state(log.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{addr}"), log)
}

fn key_file() -> String {
    concat!(env!("CARGO_MANIFEST_DIR"), "/tests/cli/call-key.pem").to_owned()
}

fn file(name: &str, text: &str) -> String {
    let dir = std::env::temp_dir().join(format!("snap-paths-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

async fn call(endpoint: &str, base: &str, body: String, extra: &[&str]) -> Output {
    let mut args: Vec<String> = [
        "call",
        endpoint,
        "--body",
        &body,
        "--base-url",
        base,
        "--client-id",
        CLIENT_ID,
        "--client-secret",
        SECRET,
        "--private-key",
        &key_file(),
        "--retries",
        "0",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    args.extend(extra.iter().map(|s| (*s).to_owned()));
    tokio::task::spawn_blocking(move || {
        Command::new(env!("CARGO_BIN_EXE_snap"))
            .args(&args)
            .output()
            .expect("the snap binary runs")
    })
    .await
    .unwrap()
}

fn last(log: &Log) -> Seen {
    log.lock().unwrap().last().cloned().expect("a request")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn get_with_query_and_path_parameter_are_sent_and_signed_as_sent() {
    let (base, log) = server().await;

    // 10: every field a query parameter, in declaration order, percent-encoded.
    let body = file(
        "10.json",
        r#"{"scopes":"QUERY_BALANCE,PUBLIC_ID","redirectUrl":"https://domain.com/authSuccess.htm",
            "state":"WodkkwijSDs","seamlessData":"{\"mobileNumber\":\"62822999999999\"}"}"#,
    );
    let out = call("BI:10", &base, body, &[]).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let seen = last(&log);
    assert_eq!(seen.method, "GET");
    assert!(
        seen.path.starts_with("/v1.0/get-auth-code?"),
        "{}",
        seen.path
    );
    assert!(
        seen.path.contains("scopes=QUERY_BALANCE%2CPUBLIC_ID"),
        "{}",
        seen.path
    );
    assert!(seen.path.contains("state=WodkkwijSDs"), "{}", seen.path);
    assert!(
        seen.path
            .contains("redirectUrl=https%3A%2F%2Fdomain.com%2FauthSuccess.htm"),
        "{}",
        seen.path
    );
    assert_eq!(seen.body, "", "a GET sends no body");
    assert!(seen.signature_ok, "signed over {}", seen.path);

    // 03: the path parameter in its segment, percent-encoded.
    let body = file("03.json", r#"{"custIdMerchant":"CUST 01/x"}"#);
    let out = call("BI:03", &base, body, &[]).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let seen = last(&log);
    assert_eq!(seen.method, "GET");
    assert_eq!(
        seen.path,
        "/v1.0/registration-card-inquiry/custIdMerchant/CUST%2001%2Fx"
    );
    assert!(seen.signature_ok, "signed over {}", seen.path);

    // A missing path parameter: nothing sent, the member named.
    let before = log.lock().unwrap().len();
    let out = call("BI:03", &base, file("03-bad.json", "{}"), &[]).await;
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stdout));
    assert!(
        text(&out.stderr).contains("custIdMerchant"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(log.lock().unwrap().len(), before, "nothing sent");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn provider_paths_move_the_call_and_the_token_request() {
    let (base, log) = server().await;
    let inquiry = file(
        "24.json",
        r#"{"partnerServiceId":"  088899","customerNo":"12345678901234567890",
            "virtualAccountNo":"  08889912345678901234567890","inquiryRequestId":"abcdef-123456"}"#,
    );

    // BCA: /openapi before every declared path, tokens included.
    let out = call("va-inquiry", &base, inquiry.clone(), &["--paths", "bca"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let seen = log.lock().unwrap().clone();
    assert!(
        seen.iter()
            .any(|s| s.path == "/openapi/v1.0/access-token/b2b"),
        "{seen:?}"
    );
    let sent = seen.last().unwrap();
    assert_eq!(sent.path, "/openapi/v1.0/transfer-va/inquiry");
    assert!(sent.signature_ok, "signed over {}", sent.path);

    // BCA's interbank transfer is a /openapi/v2.0 path of its own.
    let transfer = file(
        "18.json",
        r#"{"partnerReferenceNo":"2020102900000000000001","amount":{"value":"12345678.00","currency":"IDR"},
            "beneficiaryAccountName":"Yories Yolanda","beneficiaryAccountNo":"888801000003301",
            "beneficiaryBankCode":"002","sourceAccountNo":"888801000157508",
            "transactionDate":"2019-07-03T12:08:56+07:00"}"#,
    );
    let out = call("BI:18", &base, transfer, &["--paths", "BCA"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let sent = last(&log);
    assert_eq!(sent.path, "/openapi/v2.0/transfer-interbank");
    assert!(sent.signature_ok);

    // A file: a template with the path parameter, after --path-prefix.
    let map = file(
        "paths.json",
        r#"{"suffix": ".htm", "paths": {"BI:03": "/cards/{custIdMerchant}/inquiry"}}"#,
    );
    let body = file("03.json", r#"{"custIdMerchant":"C-1"}"#);
    let out = call(
        "BI:03",
        &base,
        body,
        &["--paths", &map, "--path-prefix", "/api"],
    )
    .await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let seen = log.lock().unwrap().clone();
    assert_eq!(seen.last().unwrap().path, "/api/cards/C-1/inquiry");
    assert!(seen.last().unwrap().signature_ok);
    // The token request took the suffix.
    assert!(
        seen.iter()
            .any(|s| s.path == "/api/v1.0/access-token/b2b.htm"),
        "{seen:?}"
    );

    // A bad map: nothing sent, the problem named.
    let before = log.lock().unwrap().len();
    let bad = file("bad.json", r#"{"paths": {"BI:24": "no-slash"}}"#);
    let out = call("va-inquiry", &base, inquiry, &["--paths", &bad]).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("must start with `/`"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(log.lock().unwrap().len(), before);
}
