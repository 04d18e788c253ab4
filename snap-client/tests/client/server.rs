//! A small SNAP provider on 127.0.0.1 for the client tests: real HTTP (axum),
//! real signature verification over the raw received bytes, token issuing,
//! and a script of per-request behaviours (delay, fixed answer) to induce
//! timeouts, 5xx and business answers. It records every request it gets.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::{Value, json};
use snap_core::sign::{AccessToken, Asymmetric, HmacKey, RsaPublicKey, SigningInput, Symmetric};

pub const CLIENT_ID: &str = "client-under-test";
pub const CLIENT_SECRET: &str = "client-secret-under-test-5e1f";
pub const PRIVATE_KEY: &str = include_str!("test-key.pem");
pub const PUBLIC_KEY: &str = include_str!("test-key.pub.pem");
pub const AUTH_CODE: &str = "auth-code-from-consent-77";

/// What the server does with the next transaction request.
#[derive(Debug, Clone)]
pub enum Step {
    /// Sleep this long, then answer success.
    Delay(Duration),
    /// Answer this status and body.
    Answer(u16, Value),
}

/// One transaction request as received.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    pub path: String,
    pub external_id: Option<String>,
    pub timestamp: Option<String>,
    pub body: Vec<u8>,
    pub signature_ok: bool,
    pub authorization: Option<String>,
    pub customer: Option<String>,
    pub device_id: Option<String>,
}

pub struct Provider {
    hmac: HmacKey,
    public: RsaPublicKey,
    /// Every transaction request.
    pub seen: Mutex<Vec<Seen>>,
    /// Requests of any kind (tokens included).
    pub requests: AtomicUsize,
    /// B2B token requests.
    pub b2b_tokens: AtomicUsize,
    /// B2B2C token requests, by grant type.
    pub customer_grants: Mutex<Vec<String>>,
    /// `expiresIn` of the next B2B tokens, in order; the last one repeats.
    pub expires_in: Mutex<VecDeque<Value>>,
    /// Tokens currently accepted.
    pub valid_tokens: Mutex<Vec<String>>,
    /// Customer tokens currently accepted.
    pub valid_customer: Mutex<Vec<String>>,
    /// Refresh tokens issued.
    refresh_tokens: Mutex<Vec<String>>,
    /// Behaviours of the next transaction requests; success when empty.
    pub script: Mutex<VecDeque<Step>>,
    /// Delay of token answers (widens the window for concurrent callers).
    pub token_delay: Mutex<Duration>,
}

impl Provider {
    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
    pub fn push(&self, step: Step) {
        self.script.lock().unwrap().push_back(step);
    }
    pub fn revoke_tokens(&self) {
        self.valid_tokens.lock().unwrap().clear();
    }
    pub fn revoke_customer_tokens(&self) {
        self.valid_customer.lock().unwrap().clear();
    }
}

pub struct Server {
    pub base_url: String,
    pub provider: Arc<Provider>,
}

pub async fn start() -> Server {
    let provider = Arc::new(Provider {
        hmac: HmacKey::new(CLIENT_SECRET.as_bytes()).unwrap(),
        public: RsaPublicKey::from_pem(PUBLIC_KEY).unwrap(),
        seen: Mutex::default(),
        requests: AtomicUsize::new(0),
        b2b_tokens: AtomicUsize::new(0),
        customer_grants: Mutex::default(),
        expires_in: Mutex::new(VecDeque::from([json!("900")])),
        valid_tokens: Mutex::default(),
        valid_customer: Mutex::default(),
        refresh_tokens: Mutex::default(),
        script: Mutex::default(),
        token_delay: Mutex::new(Duration::ZERO),
    });
    let app = Router::new()
        .route("/v1.0/access-token/b2b", post(b2b_token))
        .route("/v1.0/access-token/b2b2c", post(customer_token))
        .route("/v1.0/test/moved-63", post(moved))
        .fallback(transaction)
        .with_state(provider.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    Server {
        base_url: format!("http://{addr}"),
        provider,
    }
}

/// A provider that moved an endpoint: 307 to the payment path.
async fn moved() -> Response {
    (
        StatusCode::TEMPORARY_REDIRECT,
        [("location", "/v1.0/test/pay-63")],
    )
        .into_response()
}

fn header(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

fn answer(status: u16, body: Value) -> Response {
    let status = StatusCode::from_u16(status).unwrap();
    (
        status,
        [("content-type", "application/json")],
        body.to_string(),
    )
        .into_response()
}

fn snap_error(status: u16, service: u8, case: u8, message: &str) -> Response {
    answer(
        status,
        json!({"responseCode": format!("{status}{service:02}{case:02}"), "responseMessage": message}),
    )
}

/// Checks the token signature (`clientId|timestamp`) of a 73/74 request.
fn token_signature_ok(p: &Provider, headers: &HeaderMap) -> bool {
    let (Some(client), Some(ts), Some(sig)) = (
        header(headers, "x-client-key"),
        header(headers, "x-timestamp"),
        header(headers, "x-signature"),
    ) else {
        return false;
    };
    let input = SigningInput::default().client_id(&client).timestamp(&ts);
    client == CLIENT_ID && AccessToken::verify_signature(&p.public, &input, &sig).is_ok()
}

async fn b2b_token(State(p): State<Arc<Provider>>, headers: HeaderMap, body: Bytes) -> Response {
    p.requests.fetch_add(1, Ordering::SeqCst);
    let n = p.b2b_tokens.fetch_add(1, Ordering::SeqCst) + 1;
    let delay = *p.token_delay.lock().unwrap();
    tokio::time::sleep(delay).await;
    if !token_signature_ok(&p, &headers) {
        return snap_error(401, 73, 0, "Unauthorized. Signature");
    }
    let req: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    if req["grantType"] != "client_credentials" {
        return snap_error(400, 73, 1, "Invalid Field Format {grantType}");
    }
    let expires_in = {
        let mut q = p.expires_in.lock().unwrap();
        if q.len() > 1 {
            q.pop_front().unwrap()
        } else {
            q.front().cloned().unwrap_or(json!("900"))
        }
    };
    let token = format!("b2b-token-{n}-secretish");
    p.valid_tokens.lock().unwrap().push(token.clone());
    answer(
        200,
        json!({"responseCode": "2007300", "responseMessage": "Successful", "accessToken": token,
               "tokenType": "Bearer", "expiresIn": expires_in}),
    )
}

async fn customer_token(
    State(p): State<Arc<Provider>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    p.requests.fetch_add(1, Ordering::SeqCst);
    if !token_signature_ok(&p, &headers) {
        return snap_error(401, 74, 0, "Unauthorized. Signature");
    }
    let req: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let grant = req["grantType"].as_str().unwrap_or("").to_owned();
    let ok = match grant.as_str() {
        "AUTHORIZATION_CODE" => req["authCode"] == AUTH_CODE,
        "REFRESH_TOKEN" => req["refreshToken"]
            .as_str()
            .is_some_and(|r| p.refresh_tokens.lock().unwrap().iter().any(|t| t == r)),
        _ => false,
    };
    p.customer_grants.lock().unwrap().push(grant);
    if !ok {
        return snap_error(401, 74, 1, "Invalid Token");
    }
    let n = p.customer_grants.lock().unwrap().len();
    let access = format!("customer-token-{n}-secretish");
    let refresh = format!("refresh-token-{n}-secretish");
    p.valid_customer.lock().unwrap().push(access.clone());
    p.refresh_tokens.lock().unwrap().push(refresh.clone());
    answer(
        200,
        json!({"responseCode": "2007400", "responseMessage": "Successful", "accessToken": access,
               "tokenType": "Bearer", "accessTokenExpiryTime": "2999-01-01T00:00:00+07:00",
               "refreshToken": refresh, "refreshTokenExpiryTime": "2999-01-01T00:00:00+07:00"}),
    )
}

/// Service code from the path (the test endpoints' paths end with their
/// service, e.g. `/v1.0/test/pay-63`), else 63.
fn service_of(path: &str) -> u8 {
    path.rsplit('-')
        .next()
        .and_then(|s| s.parse().ok())
        .unwrap_or(63)
}

async fn transaction(
    State(p): State<Arc<Provider>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    p.requests.fetch_add(1, Ordering::SeqCst);
    let path = uri
        .path_and_query()
        .map(|pq| pq.as_str().to_owned())
        .unwrap_or_default();
    let service = service_of(uri.path());
    let authorization = header(&headers, "authorization");
    let token = authorization
        .as_deref()
        .and_then(|a| a.strip_prefix("Bearer "))
        .map(str::to_owned);
    let timestamp = header(&headers, "x-timestamp");
    let signature = header(&headers, "x-signature").unwrap_or_default();
    let ts = timestamp.clone().unwrap_or_default();
    let input = SigningInput::new(method.as_str(), &path)
        .body(&body)
        .timestamp(&ts);
    let signature_ok = match &token {
        Some(t) => Symmetric::verify_signature(&p.hmac, &input.access_token(t), &signature).is_ok(),
        None => Asymmetric::verify_signature(&p.public, &input, &signature).is_ok(),
    };
    let customer = header(&headers, "authorization-customer");
    p.seen.lock().unwrap().push(Seen {
        method: method.to_string(),
        path: path.clone(),
        external_id: header(&headers, "x-external-id"),
        timestamp,
        body: body.to_vec(),
        signature_ok,
        authorization,
        customer: customer.clone(),
        device_id: header(&headers, "x-device-id"),
    });
    if let Some(t) = &token
        && !p.valid_tokens.lock().unwrap().contains(t)
    {
        return snap_error(401, service, 1, "Invalid Token (B2B)");
    }
    if !signature_ok {
        return snap_error(401, service, 0, "Unauthorized. Signature");
    }
    if let Some(c) = customer {
        let c = c.strip_prefix("Bearer ").unwrap_or(&c).to_owned();
        if !p.valid_customer.lock().unwrap().contains(&c) {
            return snap_error(401, service, 2, "Invalid Customer Token");
        }
    }
    let step = p.script.lock().unwrap().pop_front();
    match step {
        Some(Step::Delay(d)) => tokio::time::sleep(d).await,
        Some(Step::Answer(status, body)) => return answer(status, body),
        None => {}
    }
    let req: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    answer(
        200,
        json!({"responseCode": format!("200{service:02}00"), "responseMessage": "Successful",
               "referenceNo": "ref-1", "partnerReferenceNo": req["partnerReferenceNo"]}),
    )
}
