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
use axum::routing::{get, post};
use serde::de::DeserializeOwned;
use serde_json::json;
use snap_core::endpoint::{Endpoint, EndpointMeta};
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
use crate::dashboard::{self, DashboardPassword, LogContext, RequestLog};
use crate::faults::{Fault, Faults};
use crate::ledger::Ledger;
use crate::routes::{self, State};

/// The sandbox: provider side, state and fault knobs.
#[derive(Debug, Clone)]
pub struct Sandbox {
    provider: Arc<Provider>,
    state: Arc<State>,
    faults: Arc<Faults>,
    log: Arc<RequestLog>,
    password: Option<DashboardPassword>,
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
        });
        Ok(Sandbox {
            provider,
            state,
            faults: Arc::new(faults),
            log: Arc::default(),
            password: None,
        })
    }

    /// Requires HTTP Basic authentication with `password` (any user name)
    /// for the dashboard and the helper API (`/sandbox/v1.0/...`); needed
    /// when the sandbox listens on a non-loopback address.
    pub fn with_dashboard_password(mut self, password: DashboardPassword) -> Self {
        self.password = Some(password);
        self
    }

    /// The request log the dashboard shows.
    pub fn request_log(&self) -> &Arc<RequestLog> {
        &self.log
    }

    /// The fault knobs (settable while running).
    pub fn faults(&self) -> &Arc<Faults> {
        &self.faults
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
        router.route(path, method_router)
    }

    fn add_at<E, F>(&self, router: Router, f: F, render: ErrorRenderer) -> Router
    where
        E: Endpoint + DeserializeOwned + Send + 'static,
        F: Fn(&State, Inbound<E>) -> Reply + Clone + Send + Sync + 'static,
    {
        let path = sandbox_path_of(&E::META);
        self.add::<E, F>(router, &path, f, render, false)
    }

    /// The axum router: every endpoint of snap-endpoints at its sandbox
    /// path, the token endpoints also under `/gopay` and `/paydia`, and the
    /// sandbox-only helpers under `/sandbox/v1.0/`.
    pub fn router(&self) -> Router {
        let mut r = Router::new();
        for prefix in TOKEN_PREFIXES {
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

        r = r.merge(self.helper_routes());
        let mut endpoints: std::collections::HashMap<String, &'static str> =
            snap_endpoints::registry::registry()
                .iter()
                .map(|e| (e.sandbox_path.clone(), e.meta.name))
                .collect();
        endpoints.insert(
            bi::AccessTokenB2bRequest::META.path.to_owned(),
            bi::AccessTokenB2bRequest::META.name,
        );
        endpoints.insert(
            bi::AccessTokenB2b2cRequest::META.path.to_owned(),
            bi::AccessTokenB2b2cRequest::META.name,
        );
        let ctx = Arc::new(LogContext {
            endpoints,
            log: self.log.clone(),
            provider: self.provider.clone(),
        });
        r.fallback(|req: Request| async move {
            let reply = json!({
                "responseCode": "4040002",
                "responseMessage": format!("Invalid Routing. no sandbox endpoint at {} {}", req.method(), req.uri().path()),
            });
            tracing::info!(target: "snap::server", "{} {} -> 404 4040002 (no route)", req.method(), req.uri().path());
            json_response(404, reply.to_string().into_bytes())
        })
        .layer(axum::middleware::from_fn(move |req: Request, next: Next| {
            let ctx = ctx.clone();
            async move { dashboard::record(ctx, req, next).await }
        }))
    }

    /// The dashboard and the helper API (`/sandbox/v1.0/...`), behind the
    /// dashboard password when one is set.
    fn helper_routes(&self) -> Router {
        let mut r = Router::new()
            .route("/", get(|| async { dashboard::page() }))
            .route("/dashboard", get(|| async { dashboard::page() }))
            .route("/favicon.ico", get(|| async { StatusCode::NO_CONTENT }));
        let (st, provider, faults, log) = (
            self.state.clone(),
            self.provider.clone(),
            self.faults.clone(),
            self.log.clone(),
        );
        r = r.route(
            "/sandbox/v1.0/dashboard/state",
            get(move || {
                let body = dashboard::state_json(&st, &provider, &faults, &log);
                async move { json_response(200, body.to_string().into_bytes()) }
            }),
        );
        let faults = self.faults.clone();
        r = r.route(
            "/sandbox/v1.0/faults",
            get({
                let faults = faults.clone();
                move || async move {
                    json_response(200, json!(faults.config()).to_string().into_bytes())
                }
            })
            .post(move |body: axum::body::Bytes| {
                let faults = faults.clone();
                async move { set_faults(&faults, &body) }
            }),
        );
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
        r = r.route(
            "/sandbox/v1.0/expire-tokens",
            post(move |body: axum::body::Bytes| {
                let st = st.clone();
                async move { expire_tokens(&st, &body) }
            }),
        );
        match self.password.clone() {
            None => r,
            Some(pw) => r.layer(axum::middleware::from_fn(
                move |req: Request, next: Next| {
                    let pw = pw.clone();
                    async move {
                        if pw.admits(req.headers()) {
                            next.run(req).await
                        } else {
                            dashboard::unauthorized()
                        }
                    }
                },
            )),
        }
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

/// `POST /sandbox/v1.0/faults`: the members given replace the current
/// knobs (`{"errorPercent": 20}` changes only that one).
fn set_faults(faults: &Faults, body: &[u8]) -> Response {
    let Ok(serde_json::Value::Object(given)) = serde_json::from_slice::<serde_json::Value>(body)
    else {
        return bad("body must be a JSON object of fault knobs, e.g. {\"errorPercent\":20}");
    };
    let mut merged = json!(faults.config());
    if let Some(obj) = merged.as_object_mut() {
        obj.extend(given);
    }
    let config = match serde_json::from_value::<crate::faults::FaultConfig>(merged) {
        Ok(c) => c,
        Err(e) => return bad(&format!("fault knobs: {e}")),
    };
    if let Err(e) = faults.set(config) {
        return bad(&format!("fault knobs: {e}"));
    }
    let now = faults.config();
    tracing::info!(target: "snap::server", "POST /sandbox/v1.0/faults -> 200 ({now:?})");
    json_response(200, json!(now).to_string().into_bytes())
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
