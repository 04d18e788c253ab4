//! A sandbox per test, a partner with a generated key, raw signed requests.

use std::sync::{Arc, LazyLock};
use std::time::Duration;

use http::HeaderMap;
use serde_json::{Value, json};
use snap_client::{ClientConfig, SnapClient};
use snap_core::sign::{
    AccessToken, Asymmetric, HmacKey, RsaPrivateKey, SignatureError, SigningInput, Symmetric,
};
use snap_core::time::{SnapTimestamp, TimestampProfile};
use snap_sandbox::config::{SandboxConfig, sandbox_partner};
use snap_sandbox::{RunningSandbox, Sandbox};

pub const CLIENT_ID: &str = "it-merchant";
pub const SECRET: &str = "it-client-secret-0123456789";
pub const OTHER_ID: &str = "it-other-merchant";
pub const OTHER_SECRET: &str = "it-other-secret-9876543210";

/// One RSA-2048 key per test binary (generation costs tens of ms).
pub static KEY: LazyLock<Arc<RsaPrivateKey>> = LazyLock::new(|| {
    use aws_lc_rs::encoding::AsDer;
    let pair = aws_lc_rs::rsa::KeyPair::generate(aws_lc_rs::rsa::KeySize::Rsa2048).expect("keygen");
    let der = pair.as_der().expect("pkcs8");
    Arc::new(RsaPrivateKey::from_pkcs8_der(der.as_ref()).expect("key"))
});

pub struct Env {
    pub running: RunningSandbox,
    pub base: String,
    pub http: reqwest::Client,
}

pub async fn start() -> Env {
    start_with(|_| {}).await
}

/// A sandbox on a Redis store (`redis_url`, keys under `prefix`): several
/// of them on one store act as one provider.
pub async fn start_on_redis(redis_url: &str, prefix: &str) -> Env {
    let public = KEY.public_key().expect("public key");
    let mut config = SandboxConfig::single(
        sandbox_partner(CLIENT_ID, SECRET, Some(public.clone())).expect("partner"),
    );
    config
        .partners
        .push(sandbox_partner(OTHER_ID, OTHER_SECRET, Some(public)).expect("partner"));
    config.redis = Some(redis_url.to_owned());
    config.redis_prefix = prefix.to_owned();
    let running = Sandbox::connect(config)
        .await
        .expect("sandbox on redis")
        .bind("127.0.0.1:0".parse().expect("addr"))
        .await
        .expect("bind");
    let base = running.base_url();
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .expect("http client");
    Env {
        running,
        base,
        http,
    }
}

/// The Redis URL of the service tests, or `None` (with a notice) when they
/// are off; a failure when `SNAP_REQUIRE_SERVICES=1`.
pub fn redis_url() -> Option<String> {
    match std::env::var("SNAP_TEST_REDIS_URL") {
        Ok(u) if !u.is_empty() => Some(u),
        _ => {
            if std::env::var("SNAP_REQUIRE_SERVICES").as_deref() == Ok("1") {
                panic!("SNAP_REQUIRE_SERVICES=1 but SNAP_TEST_REDIS_URL is not set");
            }
            eprintln!(
                "skipped: SNAP_TEST_REDIS_URL is not set (run scripts/test.sh for the Redis tests)"
            );
            None
        }
    }
}

pub async fn start_with(tweak: impl FnOnce(&mut SandboxConfig)) -> Env {
    let public = KEY.public_key().expect("public key");
    let mut config = SandboxConfig::single(
        sandbox_partner(CLIENT_ID, SECRET, Some(public.clone())).expect("partner"),
    );
    config
        .partners
        .push(sandbox_partner(OTHER_ID, OTHER_SECRET, Some(public)).expect("partner"));
    tweak(&mut config);
    let running = Sandbox::new(config)
        .expect("sandbox")
        .bind("127.0.0.1:0".parse().expect("addr"))
        .await
        .expect("bind");
    let base = running.base_url();
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .expect("http client");
    Env {
        running,
        base,
        http,
    }
}

/// An answer: status, JSON body (Null when not JSON), headers, raw bytes.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub json: Value,
    pub headers: HeaderMap,
    pub raw: Vec<u8>,
}

impl Answer {
    pub fn code(&self) -> &str {
        self.json["responseCode"].as_str().unwrap_or("")
    }
    pub fn message(&self) -> &str {
        self.json["responseMessage"].as_str().unwrap_or("")
    }
}

pub fn now() -> String {
    SnapTimestamp::now().into_string()
}

/// Now, with a fraction that differs on every call (a request of its own).
pub fn unique_now() -> String {
    static N: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed) % 1_000_000;
    let ts = now();
    let (head, offset) = ts.split_at(ts.len() - 6);
    format!("{head}.{n:06}{offset}")
}

/// A timestamp `secs` seconds away from now (negative: in the past).
pub fn shifted(secs: i64) -> String {
    let now = SnapTimestamp::now();
    TimestampProfile::jakarta().format(now.unix_seconds() + secs, 0)
}

static EXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

/// A fresh numeric X-EXTERNAL-ID.
pub fn ext_id() -> String {
    let n = EXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    format!("{}{:010}", std::process::id(), n)
}

impl Env {
    pub fn client(&self, prefix: &str) -> SnapClient {
        SnapClient::new(
            ClientConfig::new(self.base.clone(), CLIENT_ID)
                .with_client_secret(SECRET.to_owned())
                .with_private_key(KEY.clone())
                .with_path_prefix(prefix)
                .with_device_id("it-device"),
        )
        .expect("client")
    }

    pub async fn send(
        &self,
        method: &str,
        path: &str,
        headers: HeaderMap,
        body: Vec<u8>,
    ) -> Answer {
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
        let res = self
            .http
            .request(method, format!("{}{path}", self.base))
            .headers(headers)
            .body(body)
            .send()
            .await
            .expect("send");
        let status = res.status().as_u16();
        let headers = res.headers().clone();
        let raw = res.bytes().await.expect("body").to_vec();
        let json = serde_json::from_slice(&raw).unwrap_or(Value::Null);
        Answer {
            status,
            json,
            headers,
            raw,
        }
    }

    /// A token request (73 or 74) signed with the partner's key.
    pub async fn token_request(&self, path: &str, client_id: &str, body: &Value) -> Answer {
        // A distinct X-TIMESTAMP per request: the same request replayed
        // (same timestamp and signature) gets the first one's tokens.
        let ts = unique_now();
        let sig = sign_token(&KEY, client_id, &ts).expect("sign");
        let mut h = HeaderMap::new();
        h.insert("content-type", "application/json".parse().unwrap());
        h.insert("x-timestamp", ts.parse().unwrap());
        h.insert("x-client-key", client_id.parse().unwrap());
        h.insert("x-signature", sig.parse().unwrap());
        self.send("POST", path, h, body.to_string().into_bytes())
            .await
    }

    pub async fn b2b_token(&self) -> String {
        self.b2b_token_for(CLIENT_ID).await
    }

    pub async fn b2b_token_for(&self, client_id: &str) -> String {
        let a = self
            .token_request(
                "/v1.0/access-token/b2b",
                client_id,
                &json!({"grantType": "client_credentials"}),
            )
            .await;
        assert_eq!(a.status, 200, "{:?}", a.json);
        a.json["accessToken"]
            .as_str()
            .expect("accessToken")
            .to_owned()
    }

    pub async fn customer_token(&self, customer: &str) -> String {
        let a = self
            .token_request(
                "/v1.0/access-token/b2b2c",
                CLIENT_ID,
                &json!({"grantType": "AUTHORIZATION_CODE", "authCode": format!("sandbox:{customer}")}),
            )
            .await;
        assert_eq!(a.status, 200, "{:?}", a.json);
        a.json["accessToken"]
            .as_str()
            .expect("accessToken")
            .to_owned()
    }

    /// The headers of a correctly signed symmetric transaction.
    pub fn headers(
        &self,
        path: &str,
        body: &[u8],
        token: &str,
        customer: Option<&str>,
        ext: &str,
    ) -> HeaderMap {
        self.headers_as(CLIENT_ID, SECRET, path, body, token, customer, ext, &now())
    }

    #[allow(clippy::too_many_arguments)]
    pub fn headers_as(
        &self,
        partner: &str,
        secret: &str,
        path: &str,
        body: &[u8],
        token: &str,
        customer: Option<&str>,
        ext: &str,
        ts: &str,
    ) -> HeaderMap {
        let key = HmacKey::new(secret.as_bytes()).unwrap();
        // A body that cannot be minified cannot be signed: send a dummy signature.
        let sig = sign_symmetric(&key, "POST", path, token, body, ts)
            .unwrap_or_else(|_| "AAAA".to_owned());
        let mut h = HeaderMap::new();
        h.insert("content-type", "application/json".parse().unwrap());
        h.insert("authorization", format!("Bearer {token}").parse().unwrap());
        if let Some(c) = customer {
            h.insert(
                "authorization-customer",
                format!("Bearer {c}").parse().unwrap(),
            );
        }
        h.insert("x-timestamp", ts.parse().unwrap());
        h.insert("x-signature", sig.parse().unwrap());
        h.insert("x-partner-id", partner.parse().unwrap());
        h.insert("x-external-id", ext.parse().unwrap());
        h.insert("channel-id", "95221".parse().unwrap());
        h.insert("x-device-id", "it-device".parse().unwrap());
        h
    }

    /// The headers of a symmetric transaction signed for `method` (a
    /// `DELETE` or `PUT` with a body).
    pub fn headers_for(&self, method: &str, path: &str, body: &[u8], token: &str) -> HeaderMap {
        let key = HmacKey::new(SECRET.as_bytes()).unwrap();
        let ts = now();
        let sig = sign_symmetric(&key, method, path, token, body, &ts).expect("sign");
        let mut h = self.headers(path, body, token, None, &ext_id());
        h.insert("x-timestamp", ts.parse().unwrap());
        h.insert("x-signature", sig.parse().unwrap());
        h
    }

    /// Signs and posts a symmetric transaction.
    pub async fn post(
        &self,
        path: &str,
        body: &Value,
        token: &str,
        customer: Option<&str>,
    ) -> Answer {
        let bytes = body.to_string().into_bytes();
        let h = self.headers(path, &bytes, token, customer, &ext_id());
        self.send("POST", path, h, bytes).await
    }
}

/// An Auth Payment body.
pub fn payment(pref: &str, value: &str) -> Value {
    json!({
        "partnerReferenceNo": pref,
        "merchantId": "m-1",
        "amount": {"value": value, "currency": "IDR"},
        "title": "Ikan bakar bumbu kuning",
    })
}

/// Authorizes `value` and returns the referenceNo.
pub async fn authorize(env: &Env, token: &str, cust: &str, pref: &str, value: &str) -> String {
    let a = env
        .post(
            "/v1.0/auth/payment",
            &payment(pref, value),
            token,
            Some(cust),
        )
        .await;
    assert_eq!(a.code(), "2006300", "{:?}", a.json);
    a.json["referenceNo"]
        .as_str()
        .expect("referenceNo")
        .to_owned()
}

// The positional signing forms these tests were written with, over
// `SigningInput` and the scheme types.

pub fn sign_symmetric(
    key: &HmacKey,
    method: &str,
    path: &str,
    token: &str,
    body: &[u8],
    ts: &str,
) -> Result<String, SignatureError> {
    let input = SigningInput::new(method, path)
        .access_token(token)
        .body(body)
        .timestamp(ts);
    Symmetric::signature(key, &input)
}

pub fn sign_asymmetric(
    key: &RsaPrivateKey,
    method: &str,
    path: &str,
    body: &[u8],
    ts: &str,
) -> Result<String, SignatureError> {
    let input = SigningInput::new(method, path).body(body).timestamp(ts);
    Asymmetric::signature(key, &input)
}

pub fn sign_token(
    key: &RsaPrivateKey,
    client_id: &str,
    ts: &str,
) -> Result<String, SignatureError> {
    let input = SigningInput::default().client_id(client_id).timestamp(ts);
    AccessToken::signature(key, &input)
}

/// Runs a provider-side step to completion: with the in-memory stores every
/// step is ready at once.
pub fn block_on<F: std::future::Future>(f: F) -> F::Output {
    let mut f = std::pin::pin!(f);
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    for _ in 0..1_000_000 {
        if let std::task::Poll::Ready(v) = f.as_mut().poll(&mut cx) {
            return v;
        }
    }
    panic!("a provider-side step waited on I/O");
}
