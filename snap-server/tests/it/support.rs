//! A small provider app (state, nest, token endpoints) and a signing client.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, LazyLock};
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use serde_json::Value;
use snap_core::money::Money;
use snap_core::secret::SecretString;
use snap_core::sign::{AccessToken, HmacKey, RsaPrivateKey, SigningInput, Symmetric};
use snap_core::time::SnapTimestamp;
use snap_server::tokens::{MemoryTokens, TokenStore};
use snap_server::{
    Inbound, Partner, Provider, ProviderConfig, SnapLayer, SnapReply, StaticPartners, route,
    token_routes,
};
use tokio::net::TcpListener;
use tokio::sync::oneshot;

pub const CLIENT_ID: &str = "srv-merchant";
pub const SECRET: &str = "srv-client-secret-0123456789";

pub static KEY: LazyLock<Arc<RsaPrivateKey>> = LazyLock::new(|| {
    use aws_lc_rs::encoding::AsDer;
    let pair = aws_lc_rs::rsa::KeyPair::generate(aws_lc_rs::rsa::KeySize::Rsa2048).expect("keygen");
    let der = pair.as_der().expect("pkcs8");
    Arc::new(RsaPrivateKey::from_pkcs8_der(der.as_ref()).expect("key"))
});

/// Pay — a made-up endpoint of this test provider (service 54).
#[snap_core::request(service = 54, method = "POST", path = "/v1.0/debit/pay", response = PayAnswer)]
pub struct PayRequest {
    #[snap(max = 64)]
    pub partner_reference_no: String,
    pub amount: Money,
}

/// Answer to [`PayRequest`].
#[snap_core::response]
pub struct PayAnswer {
    #[snap(max = 64)]
    pub reference_no: String,
    #[snap(max = 64)]
    pub partner_reference_no: String,
    pub amount: Money,
}

/// Refund — its handler has a bug: it leaves out a mandatory field.
#[snap_core::request(service = 58, method = "POST", path = "/v1.0/debit/refund", response = RefundAnswer)]
pub struct RefundRequest {
    #[snap(max = 64)]
    pub partner_refund_no: String,
}

/// Answer to [`RefundRequest`].
#[snap_core::response]
pub struct RefundAnswer {
    #[snap(max = 64)]
    pub refund_no: String,
}

/// The provider's own state.
#[derive(Clone)]
pub struct AppState {
    pub name: &'static str,
    pub executed: Arc<AtomicUsize>,
    pub delay: Duration,
}

async fn pay(State(st): State<AppState>, req: Inbound<PayRequest>) -> SnapReply<PayRequest> {
    let n = st.executed.fetch_add(1, Ordering::SeqCst) + 1;
    tracing::info!(target: "app", instance = st.name, "paying");
    if !st.delay.is_zero() {
        tokio::time::sleep(st.delay).await;
    }
    SnapReply::ok(&PayAnswer {
        response_code: "2005400".into(),
        response_message: "Successful".into(),
        reference_no: format!("{}-{n}", st.name),
        partner_reference_no: req.request.partner_reference_no,
        amount: req.request.amount,
    })
}

async fn refund(_req: Inbound<RefundRequest>) -> SnapReply<RefundRequest> {
    SnapReply::json(
        200,
        serde_json::json!({"responseCode": "2005800", "responseMessage": "Successful"}),
    )
}

pub fn partners() -> StaticPartners {
    let partner = Partner::new(
        CLIENT_ID,
        SECRET.as_bytes(),
        Some(KEY.public_key().expect("public key")),
    )
    .expect("partner");
    StaticPartners::default().with(partner)
}

/// The app: `/snap/v1.0/...` (nested), token endpoints, `AppState`.
pub fn app(provider: Arc<Provider>, state: AppState) -> Router {
    let snap: Router<AppState> = Router::new()
        .route("/v1.0/debit/pay", route::<PayRequest, _, _, _>(pay))
        .route(
            "/v1.0/debit/refund",
            route::<RefundRequest, _, _, _>(refund),
        )
        .merge(token_routes());
    Router::new()
        .nest("/snap", snap)
        .layer(SnapLayer::new(provider))
        .with_state(state)
}

pub fn memory_provider(config: ProviderConfig) -> Arc<Provider> {
    let tokens: Arc<dyn TokenStore> = Arc::new(MemoryTokens::with_policy(config.token_policy()));
    Arc::new(Provider::new(config, Arc::new(partners()), tokens))
}

pub struct Running {
    pub base: String,
    pub addr: std::net::SocketAddr,
    pub state: AppState,
    stop: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Running {
    pub async fn stop(mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        let _ = tokio::time::timeout(Duration::from_secs(3), &mut self.task).await;
        self.task.abort();
    }
}

pub async fn serve_app(provider: Arc<Provider>, name: &'static str, delay: Duration) -> Running {
    let state = AppState {
        name,
        executed: Arc::default(),
        delay,
    };
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let (tx, rx) = oneshot::channel::<()>();
    let config = provider.config().clone();
    let router = app(provider, state.clone());
    let task = tokio::spawn(async move {
        snap_server::serve(
            listener,
            router,
            &config,
            async {
                let _ = rx.await;
            },
            Duration::from_secs(1),
        )
        .await
    });
    Running {
        base: format!("http://{addr}"),
        addr,
        state,
        stop: Some(tx),
        task,
    }
}

#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub json: Value,
    pub raw: Vec<u8>,
    pub headers: http::HeaderMap,
}

impl Answer {
    pub fn code(&self) -> &str {
        self.json["responseCode"].as_str().unwrap_or("")
    }
}

pub fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .expect("client")
}

async fn answer(res: reqwest::Response) -> Answer {
    let status = res.status().as_u16();
    let headers = res.headers().clone();
    let raw = res.bytes().await.expect("body").to_vec();
    let json = serde_json::from_slice(&raw).unwrap_or(Value::Null);
    Answer {
        status,
        json,
        raw,
        headers,
    }
}

/// A B2B token from `base`'s 73 endpoint; `ts` fixes the request (a replay
/// when repeated).
pub async fn token_at(base: &str, ts: &str) -> Answer {
    let sig = AccessToken::signature(
        &KEY,
        &SigningInput::default().client_id(CLIENT_ID).timestamp(ts),
    )
    .expect("sign");
    let res = http()
        .post(format!("{base}/snap/v1.0/access-token/b2b"))
        .header("content-type", "application/json")
        .header("x-timestamp", ts)
        .header("x-client-key", CLIENT_ID)
        .header("x-signature", sig)
        .body(r#"{"grantType":"client_credentials"}"#)
        .send()
        .await
        .expect("send");
    answer(res).await
}

pub async fn token(base: &str) -> String {
    let a = token_at(base, SnapTimestamp::now().as_str()).await;
    assert_eq!(a.status, 200, "{:?}", a.json);
    a.json["accessToken"].as_str().expect("token").to_owned()
}

static EXT: AtomicU64 = AtomicU64::new(1);

pub fn ext_id() -> String {
    let n = EXT.fetch_add(1, Ordering::Relaxed);
    format!("{}{:08}{}", std::process::id(), n, unix_nanos() % 1_000_000)
}

fn unix_nanos() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0)
}

/// A signed transaction of endpoint `E` to `base` (prefix `/snap`).
pub async fn call<E>(base: &str, token: &str, ext: &str, req: &E) -> Answer
where
    E: snap_core::endpoint::Endpoint + serde::Serialize,
{
    let key = HmacKey::new(SECRET.as_bytes()).expect("key");
    let tok = SecretString::from(token.to_owned());
    let ts = SnapTimestamp::now();
    let ctx = snap_core::endpoint::RequestContext::new(&ts)
        .with_path_prefix("/snap")
        .with_external_id(ext)
        .with_partner_id(CLIENT_ID)
        .with_channel_id("95221")
        .with_signer::<Symmetric>(&key)
        .with_access_token(&tok);
    let prepared = snap_core::endpoint::prepare(req, &ctx).expect("prepare");
    let mut rb = http().post(format!("{base}{}", prepared.path));
    for (k, v) in prepared.headers.iter() {
        rb = rb.header(k, v);
    }
    answer(rb.body(prepared.body.to_vec()).send().await.expect("send")).await
}

/// Raw signed POST of `body` to `path` (prefix included) with extra headers.
pub async fn raw(
    base: &str,
    path: &str,
    token: &str,
    ext: &str,
    body: &[u8],
    extra: &[(&str, &str)],
) -> Answer {
    let key = HmacKey::new(SECRET.as_bytes()).expect("key");
    let ts = SnapTimestamp::now().into_string();
    let input = SigningInput::new("POST", path)
        .access_token(token)
        .body(body)
        .timestamp(&ts);
    let sig = Symmetric::signature(&key, &input).expect("sign");
    let mut rb = http()
        .post(format!("{base}{path}"))
        .header("x-timestamp", &ts)
        .header("x-signature", sig)
        .header("x-partner-id", CLIENT_ID)
        .header("x-external-id", ext)
        .header("channel-id", "95221")
        .header("authorization", format!("Bearer {token}"));
    let mut has_ct = false;
    for (k, v) in extra {
        has_ct |= k.eq_ignore_ascii_case("content-type");
        rb = rb.header(*k, *v);
    }
    if !has_ct {
        rb = rb.header("content-type", "application/json");
    }
    answer(rb.body(body.to_vec()).send().await.expect("send")).await
}

pub fn pay_request(reference: &str, value: &str) -> PayRequest {
    PayRequest {
        partner_reference_no: reference.to_owned(),
        amount: Money::parse(value, snap_core::money::Currency::IDR).expect("money"),
    }
}

#[cfg(feature = "redis")]
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

#[cfg(feature = "redis")]
/// A key prefix of its own for each test (tests share one redis-server).
pub fn prefix(test: &str) -> String {
    format!("snaptest:{}:{}:{test}:", std::process::id(), unix_nanos())
}
