//! Building and running the sandbox: routes at their sandbox paths, fault
//! knobs, sandbox-only helper endpoints, graceful shutdown.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use axum::routing::post;
use serde::de::DeserializeOwned;
use serde_json::json;
use snap_core::endpoint::{Endpoint, EndpointMeta};
use snap_core::time::SnapTimestamp;
use snap_endpoints::{ayopop, bi, gopay, ipg, paydia};
use snap_server::tokens::TokenStore;
use snap_server::{
    ErrorRenderer, ErrorReply, Inbound, Provider, Reply, StaticPartners, route_with, snap_renderer,
};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::auth_codes::{AuthCodes, CODE_LIFETIME, valid_customer_id};
use crate::config::{ConfigError, SandboxConfig};
use crate::faults::{Fault, Faults};
use crate::ledger::Ledger;
use crate::profile::Profile;
use crate::routes::{self, State};

/// The sandbox: provider side, state and fault knobs.
#[derive(Debug, Clone)]
pub struct Sandbox {
    provider: Arc<Provider>,
    state: Arc<State>,
    faults: Arc<Faults>,
    profile: Option<Profile>,
}

/// Where the sandbox serves `E`: the registry's `sandbox_path` (BI at the
/// declared path, other providers under `/<provider>`).
pub fn sandbox_path_of(meta: &EndpointMeta) -> String {
    snap_endpoints::registry::registry()
        .iter()
        .find(|e| e.meta == *meta)
        .map(|e| e.sandbox_path.clone())
        .unwrap_or_else(|| meta.path.to_owned())
}

/// The SNAP providers whose token endpoints are also served under their
/// prefix (a client configured with base path `/gopay` asks
/// `/gopay/v1.0/access-token/b2b`).
const TOKEN_PREFIXES: [&str; 3] = ["", "/gopay", "/paydia"];

fn json_response(status: u16, body: Vec<u8>) -> Response {
    let mut res = Response::new(Body::from(body));
    *res.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    res
}

impl Sandbox {
    /// A sandbox for this configuration.
    pub fn new(config: SandboxConfig) -> Result<Self, ConfigError> {
        let faults = Faults::new(config.faults.clone())?;
        let mut partners = StaticPartners::default();
        for p in config.partners {
            partners.insert(p);
        }
        let tokens = TokenStore::new(config.provider.token_lifetimes());
        let provider = Arc::new(Provider::new(
            config.provider,
            Arc::new(partners),
            Arc::new(tokens.clone()),
        ));
        let state = Arc::new(State {
            tokens,
            ledger: Ledger::new(),
            auth_codes: AuthCodes::default(),
            closed: Mutex::default(),
            vas: Default::default(),
            qris: Default::default(),
            accounts: Default::default(),
            bindings: Mutex::default(),
        });
        Ok(Sandbox {
            provider,
            state,
            faults: Arc::new(faults),
            profile: None,
        })
    }

    /// Serves only `profile`'s provider, at that provider's own paths (no
    /// `/<provider>` prefix), with its deviations (see [`crate::profile`]).
    /// Without a profile the combined layout is served.
    pub fn with_profile(mut self, profile: Profile) -> Self {
        self.profile = Some(profile);
        self
    }

    /// The profile set with [`Sandbox::with_profile`], if any.
    pub fn profile(&self) -> Option<Profile> {
        self.profile
    }

    /// Where this sandbox serves `meta`: its combined-layout path without a
    /// profile; its declared path when the profile is its provider's; `None`
    /// when the profile leaves it out.
    pub fn path_of(&self, meta: &EndpointMeta) -> Option<String> {
        match self.profile {
            None => Some(sandbox_path_of(meta)),
            Some(p) if p.serves(meta.provider) => Some(meta.path.to_owned()),
            Some(_) => None,
        }
    }

    /// The shared state (ledger, tokens), for inspection.
    pub fn state(&self) -> &Arc<State> {
        &self.state
    }

    /// The provider side (partners, idempotency store).
    pub fn provider(&self) -> &Arc<Provider> {
        &self.provider
    }

    fn add<E, F>(
        &self,
        router: Router,
        path: &str,
        f: F,
        render: ErrorRenderer,
        token_endpoint: bool,
    ) -> Router
    where
        E: Endpoint + DeserializeOwned + Send + 'static,
        F: Fn(&State, Inbound<E>) -> Reply + Clone + Send + Sync + 'static,
    {
        let st = self.state.clone();
        let handler = move |req: Inbound<E>| {
            let st = st.clone();
            let f = f.clone();
            async move { f(&st, req) }
        };
        let meta = E::META;
        let mut method_router = route_with::<E, _>(self.provider.clone(), handler, render);
        if !token_endpoint || self.faults.config().include_token_endpoints {
            let faults = self.faults.clone();
            method_router = method_router.layer(axum::middleware::from_fn(
                move |req: Request, next: Next| {
                    let faults = faults.clone();
                    async move { with_faults(&faults, &meta, render, req, next).await }
                },
            ));
        }
        if token_endpoint && self.profile.is_some_and(Profile::accepts_snake_grant_type) {
            let limit = self.provider.config().body_limit();
            method_router = method_router.layer(axum::middleware::from_fn(
                move |req: Request, next: Next| async move {
                    next.run(snake_grant_type(req, limit).await).await
                },
            ));
        }
        router.route(path, method_router)
    }

    fn add_at<E, F>(&self, router: Router, f: F, render: ErrorRenderer) -> Router
    where
        E: Endpoint + DeserializeOwned + Send + 'static,
        F: Fn(&State, Inbound<E>) -> Reply + Clone + Send + Sync + 'static,
    {
        match self.path_of(&E::META) {
            Some(path) => self.add::<E, F>(router, &path, f, render, false),
            None => router,
        }
    }

    /// The axum router: every endpoint of snap-endpoints at its sandbox
    /// path, the token endpoints also under `/gopay` and `/paydia`, and the
    /// sandbox-only helpers under `/sandbox/v1.0/`. With a profile, only
    /// that provider's endpoints, at its own paths (and the helpers).
    pub fn router(&self) -> Router {
        let mut r = Router::new();
        let prefixes: &[&str] = match self.profile {
            None => &TOKEN_PREFIXES,
            Some(p) if p.has_tokens() => &[""],
            Some(_) => &[],
        };
        for prefix in prefixes {
            let p73 = format!("{prefix}{}", bi::AccessTokenB2bRequest::META.path);
            let p74 = format!("{prefix}{}", bi::AccessTokenB2b2cRequest::META.path);
            r = self.add::<bi::AccessTokenB2bRequest, _>(
                r,
                &p73,
                routes::access_token_b2b,
                snap_renderer,
                true,
            );
            r = self.add::<bi::AccessTokenB2b2cRequest, _>(
                r,
                &p74,
                routes::access_token_b2b2c,
                snap_renderer,
                true,
            );
        }
        r = self.add_at::<bi::AuthPaymentRequest, _>(r, routes::auth_payment, snap_renderer);
        r = self.add_at::<bi::AuthQueryRequest, _>(r, routes::auth_query, snap_renderer);
        r = self.add_at::<bi::AuthCaptureRequest, _>(r, routes::auth_capture, snap_renderer);
        r = self.add_at::<bi::AuthCaptureQueryRequest, _>(
            r,
            routes::auth_capture_query,
            snap_renderer,
        );
        r = self.add_at::<bi::AuthVoidRequest, _>(r, routes::auth_void, snap_renderer);
        r = self.add_at::<bi::AuthVoidQueryRequest, _>(r, routes::auth_void_query, snap_renderer);
        r = self.add_at::<bi::AuthRefundRequest, _>(r, routes::auth_refund, snap_renderer);
        r = self.add_at::<bi::DebitCancelRequest, _>(r, routes::bi_debit_cancel, snap_renderer);
        // The stateful families: VA, direct debit, QRIS MPM.
        r = self.add_at::<bi::va::CreateVaRequest, _>(r, routes::va_create, snap_renderer);
        r = self.add_at::<bi::va::VaInquiryRequest, _>(r, routes::va_inquiry, snap_renderer);
        r = self.add_at::<bi::va::VaPaymentRequest, _>(r, routes::va_payment, snap_renderer);
        r = self.add_at::<bi::va::VaStatusRequest, _>(r, routes::va_status, snap_renderer);
        r = self.add_at::<bi::va::InquiryVaRequest, _>(r, routes::va_inquiry_va, snap_renderer);
        r = self.add_at::<bi::va::UpdateVaRequest, _>(r, routes::va_update, snap_renderer);
        r = self.add_at::<bi::va::VaIntrabankInquiryRequest, _>(
            r,
            routes::va_intrabank_inquiry,
            snap_renderer,
        );
        r = self.add_at::<bi::va::VaIntrabankPaymentRequest, _>(
            r,
            routes::va_intrabank_payment,
            snap_renderer,
        );
        r = self.add_at::<bi::va::VaReportRequest, _>(r, routes::va_report, snap_renderer);
        r = self.add_at::<bi::registration::AccountBindingRequest, _>(
            r,
            routes::account_binding,
            snap_renderer,
        );
        r = self.add_at::<bi::registration::AccountBindingInquiryRequest, _>(
            r,
            routes::account_binding_inquiry,
            snap_renderer,
        );
        r = self.add_at::<bi::registration::AccountUnbindingRequest, _>(
            r,
            routes::account_unbinding,
            snap_renderer,
        );
        r = self.add_at::<bi::direct_debit::DebitPaymentRequest, _>(
            r,
            routes::debit_payment,
            snap_renderer,
        );
        r = self.add_at::<bi::direct_debit::DebitStatusRequest, _>(
            r,
            routes::debit_status,
            snap_renderer,
        );
        r = self.add_at::<bi::direct_debit::DebitRefundRequest, _>(
            r,
            routes::debit_refund,
            snap_renderer,
        );
        r = self.add_at::<bi::mpm::QrMpmGenerateRequest, _>(r, routes::qr_generate, snap_renderer);
        r = self.add_at::<bi::mpm::QrMpmQueryRequest, _>(r, routes::qr_query, snap_renderer);
        r = self.add_at::<bi::mpm::QrMpmRefundRequest, _>(r, routes::qr_refund, snap_renderer);
        r = self.add_at::<bi::balance::BalanceInquiryRequest, _>(
            r,
            routes::balance_inquiry,
            snap_renderer,
        );
        r = self.add_at::<bi::history::BankStatementRequest, _>(
            r,
            routes::bank_statement,
            snap_renderer,
        );
        r = self.add_at::<bi::trigger_transfer::IntrabankTransferRequest, _>(
            r,
            routes::transfer_intrabank,
            snap_renderer,
        );
        r = self.add_at::<bi::trigger_transfer::InterbankTransferRequest, _>(
            r,
            routes::transfer_interbank,
            snap_renderer,
        );
        r = self.add_at::<bi::trigger_transfer::RtgsTransferRequest, _>(
            r,
            routes::transfer_rtgs,
            snap_renderer,
        );
        r = self.add_at::<bi::trigger_transfer::SknTransferRequest, _>(
            r,
            routes::transfer_skn,
            snap_renderer,
        );
        r = self.add_at::<bi::transaction_status_bank::TransferStatusRequest, _>(
            r,
            routes::transfer_status,
            snap_renderer,
        );
        r = self.add_at::<bi::QrMpmCancelRequest, _>(r, routes::bi_qr_cancel, snap_renderer);
        r = self.add_at::<bi::DeleteVaRequest, _>(r, routes::bi_delete_va, snap_renderer);
        r = self.add_at::<gopay::DebitCancelRequest, _>(
            r,
            routes::gopay_debit_cancel,
            snap_renderer,
        );
        r = self.add_at::<gopay::QrisCancelRequest, _>(r, routes::gopay_qris_cancel, snap_renderer);
        r = self.add_at::<gopay::PreAuthVoidRequest, _>(
            r,
            routes::gopay_preauth_void,
            snap_renderer,
        );
        r = self.add_at::<gopay::DeleteVaRequest, _>(r, routes::gopay_delete_va, snap_renderer);
        r = self.add_at::<paydia::AuthVoidRequest, _>(r, routes::paydia_void, snap_renderer);
        r = self.add_at::<ayopop::BillCancelRequest, _>(
            r,
            routes::ayopop_cancel,
            routes::ayopop_render,
        );
        r = self.add_at::<ipg::VaReversalRequest, _>(r, routes::ipg_reversal, routes::ipg_render);

        let st = self.state.clone();
        let provider = self.provider.clone();
        r = r.route(
            "/sandbox/v1.0/auth-code",
            post(move |body: axum::body::Bytes| {
                let st = st.clone();
                let provider = provider.clone();
                async move { issue_auth_code(&st, &provider, &body) }
            }),
        );
        let st = self.state.clone();
        let provider = self.provider.clone();
        r = r.route(
            "/sandbox/v1.0/qris/pay",
            post(move |body: axum::body::Bytes| {
                let st = st.clone();
                let provider = provider.clone();
                async move { customer_pays_qr(&st, &provider, &body) }
            }),
        );
        let st = self.state.clone();
        r = r.route(
            "/sandbox/v1.0/expire-tokens",
            post(move |body: axum::body::Bytes| {
                let st = st.clone();
                async move { expire_tokens(&st, &body) }
            }),
        );
        r.fallback(|req: Request| async move {
            let reply = json!({
                "responseCode": "4040002",
                "responseMessage": format!("Invalid Routing. no sandbox endpoint at {} {}", req.method(), req.uri().path()),
            });
            tracing::info!(target: "snap::server", "{} {} -> 404 4040002 (no route)", req.method(), req.uri().path());
            json_response(404, reply.to_string().into_bytes())
        })
    }

    /// Binds `addr` (use port 0 for an ephemeral port) and serves until
    /// [`RunningSandbox::shutdown`].
    pub async fn bind(self, addr: SocketAddr) -> std::io::Result<RunningSandbox> {
        let listener = TcpListener::bind(addr).await?;
        let local = listener.local_addr()?;
        let (tx, rx) = oneshot::channel::<()>();
        let router = self.router();
        let task = tokio::spawn(serve(listener, router, async {
            let _ = rx.await;
        }));
        Ok(RunningSandbox {
            addr: local,
            shutdown: Some(tx),
            task,
            sandbox: self,
        })
    }
}

/// Serves `router` on `listener` until `shutdown` resolves, then finishes
/// in-flight requests.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router)
        .with_graceful_shutdown(shutdown)
        .await
}

/// A sandbox serving in the background.
#[derive(Debug)]
pub struct RunningSandbox {
    addr: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
    task: JoinHandle<std::io::Result<()>>,
    sandbox: Sandbox,
}

impl RunningSandbox {
    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The sandbox (state, provider).
    pub fn sandbox(&self) -> &Sandbox {
        &self.sandbox
    }

    /// Stops accepting connections, lets in-flight requests finish for up to
    /// two seconds, then stops.
    pub async fn shutdown(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if tokio::time::timeout(Duration::from_secs(2), &mut self.task)
            .await
            .is_err()
        {
            self.task.abort();
        }
    }
}

async fn with_faults(
    faults: &Faults,
    meta: &EndpointMeta,
    render: ErrorRenderer,
    req: Request,
    next: Next,
) -> Response {
    let delay = faults.delay();
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    match faults.draw() {
        Fault::None => next.run(req).await,
        Fault::ServerError => {
            let reply = render(meta, &ErrorReply::internal().with_log("fault knob: 5xx"));
            tracing::info!(target: "snap::server", "{} {} -> {} (fault: 5xx)", req.method(), req.uri().path(), reply.status);
            json_response(reply.status, reply.body)
        }
        Fault::Timeout => {
            let method = req.method().clone();
            let path = req.uri().path().to_owned();
            let res = next.run(req).await;
            tracing::info!(target: "snap::server", "{method} {path}: answer held {} ms (fault: timeout)", faults.timeout_hold().as_millis());
            tokio::time::sleep(faults.timeout_hold()).await;
            res
        }
    }
}

/// GoPay profile: a token request spelling `grant_type` (Midtrans' Node
/// SDK) is read as `grantType`. The token request's signature covers
/// `clientId|timestamp`, not the body, so renaming the member changes no
/// signed byte. A body that is not a JSON object, or already has
/// `grantType`, passes unchanged; one over `limit` arrives empty (and is
/// refused as a bad request).
async fn snake_grant_type(req: Request, limit: usize) -> Request {
    let (parts, body) = req.into_parts();
    let bytes = match axum::body::to_bytes(body, limit.saturating_add(1)).await {
        Ok(b) => b,
        Err(_) => return Request::from_parts(parts, Body::empty()),
    };
    let renamed = serde_json::from_slice::<serde_json::Map<String, serde_json::Value>>(&bytes)
        .ok()
        .filter(|m| m.contains_key("grant_type") && !m.contains_key("grantType"))
        .map(|mut m| {
            if let Some(v) = m.remove("grant_type") {
                m.insert("grantType".to_owned(), v);
            }
            serde_json::Value::Object(m).to_string()
        });
    let mut parts = parts;
    let body = match renamed {
        Some(text) => {
            parts.headers.remove(header::CONTENT_LENGTH);
            Body::from(text)
        }
        None => Body::from(bytes),
    };
    Request::from_parts(parts, body)
}

fn bad(reason: &str) -> Response {
    json_response(400, json!({ "error": reason }).to_string().into_bytes())
}

fn issue_auth_code(st: &State, provider: &Provider, body: &[u8]) -> Response {
    let Ok(v) = serde_json::from_slice::<serde_json::Value>(body) else {
        return bad("body must be JSON: {\"clientId\":\"...\",\"customerId\":\"...\"}");
    };
    let client = v.get("clientId").and_then(|c| c.as_str()).unwrap_or("");
    let customer = v.get("customerId").and_then(|c| c.as_str()).unwrap_or("");
    if provider.partners().get(client).is_none() {
        return bad("clientId is not a configured partner");
    }
    if !valid_customer_id(customer) {
        return bad("customerId must be 1-64 letters, digits, '-', '_' or '.'");
    }
    let code = st.auth_codes.issue(client, customer);
    tracing::info!(target: "snap::server", "POST /sandbox/v1.0/auth-code -> 200 (partner {client}, customer {customer})");
    json_response(
        200,
        json!({ "authCode": code, "customerId": customer, "expiresIn": CODE_LIFETIME.as_secs().to_string() })
            .to_string()
            .into_bytes(),
    )
}

/// The customer pays a generated QR: `{"clientId":"...","referenceNo":"..."}`
/// (`referenceNo` or the merchant's `partnerReferenceNo`).
fn customer_pays_qr(st: &State, provider: &Provider, body: &[u8]) -> Response {
    let Ok(v) = serde_json::from_slice::<serde_json::Value>(body) else {
        return bad("body must be JSON: {\"clientId\":\"...\",\"referenceNo\":\"...\"}");
    };
    let client = v.get("clientId").and_then(|c| c.as_str()).unwrap_or("");
    let reference = v.get("referenceNo").and_then(|c| c.as_str()).unwrap_or("");
    if provider.partners().get(client).is_none() {
        return bad("clientId is not a configured partner");
    }
    let paid = st.qris.get(client, reference).and_then(|q| {
        st.qris
            .pay(&q.reference_no, &SnapTimestamp::now().into_string())
    });
    match paid {
        Ok(q) => {
            tracing::info!(target: "snap::server", "POST /sandbox/v1.0/qris/pay -> 200 (partner {client}, QR {})", q.reference_no);
            json_response(
                200,
                json!({
                    "referenceNo": q.reference_no,
                    "partnerReferenceNo": q.partner_reference_no,
                    "latestTransactionStatus": q.status().code(),
                    "paidTime": q.paid_time,
                })
                .to_string()
                .into_bytes(),
            )
        }
        Err(e) => {
            let (status, _) = e.case();
            json_response(
                status,
                json!({ "error": e.to_string() }).to_string().into_bytes(),
            )
        }
    }
}

fn expire_tokens(st: &State, body: &[u8]) -> Response {
    let Ok(v) = serde_json::from_slice::<serde_json::Value>(body) else {
        return bad("body must be JSON: {\"clientId\":\"...\"}");
    };
    let client = v.get("clientId").and_then(|c| c.as_str()).unwrap_or("");
    let n = st.tokens.expire_partner(client);
    tracing::info!(target: "snap::server", "POST /sandbox/v1.0/expire-tokens -> 200 (partner {client}, {n} tokens)");
    json_response(200, json!({ "expired": n }).to_string().into_bytes())
}
