//! Building and running the sandbox: routes at their sandbox paths, fault
//! knobs, sandbox-only helper endpoints, connection limits, graceful
//! shutdown.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::Request;
use axum::handler::Handler;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use axum::routing::{get, post};
use serde_json::json;
use snap_core::endpoint::{Endpoint, EndpointMeta};
use snap_core::time::SnapTimestamp;
use snap_endpoints::{ayopop, bi, gopay, ipg, paydia};
use snap_server::store::{Escaped, MemoryRecords, RecordStore};
use snap_server::tokens::{MemoryTokens, TokenStore};
use snap_server::{
    ErrorRenderer, ErrorReply, Provider, ProviderConfig, SnapLayer, StaticPartners,
    access_token_b2b, access_token_b2b2c, route_with, snap_renderer,
};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::auth_codes::{AuthCodes, CODE_LIFETIME, valid_customer_id};
use crate::config::{ConfigError, SandboxConfig};
use crate::dashboard::{self, DashboardPassword, LogContext, RequestLog};
use crate::faults::{Fault, Faults};
use crate::ledger::Ledger;
use crate::profile::Profile;
use crate::routes::{self, Shared, State, handlers};

/// Records the in-memory sandbox keeps (payments, their operations, auth
/// codes, closed VAs and bills); past it the oldest go first.
pub const MEMORY_RECORDS: usize = 300_000;

/// The sandbox: provider side, state and fault knobs.
#[derive(Debug, Clone)]
pub struct Sandbox {
    provider: Arc<Provider>,
    state: Arc<State>,
    faults: Arc<Faults>,
    log: Arc<RequestLog>,
    password: Option<DashboardPassword>,
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
    /// An in-memory sandbox for this configuration (a configuration naming
    /// a Redis URL needs [`Sandbox::connect`]).
    pub fn new(config: SandboxConfig) -> Result<Self, ConfigError> {
        if let Some(url) = &config.redis {
            return Err(ConfigError::Redis {
                url: url.clone(),
                reason: "use Sandbox::connect for a Redis-backed sandbox".to_owned(),
            });
        }
        let tokens: Arc<dyn TokenStore> =
            Arc::new(MemoryTokens::with_policy(config.provider.token_policy()));
        let records: Arc<dyn RecordStore> = Arc::new(MemoryRecords::new(MEMORY_RECORDS));
        Self::assemble(config, tokens, records, None)
    }

    /// A sandbox for this configuration: in memory, or, when it names a
    /// Redis URL (`snap sandbox --redis`), with tokens, X-EXTERNAL-ID
    /// records, rate limits, the ledger, auth codes, the VA, QRIS and
    /// account books and the bindings in Redis, so that several sandbox
    /// processes on one Redis act as one provider.
    pub async fn connect(config: SandboxConfig) -> Result<Self, ConfigError> {
        let Some(url) = config.redis.clone() else {
            return Self::new(config);
        };
        let stores =
            snap_server::redis::RedisStores::connect(&url, &config.redis_prefix, &config.provider)
                .await
                .map_err(|e| ConfigError::Redis {
                    url: url.clone(),
                    reason: e.to_string(),
                })?;
        let tokens: Arc<dyn TokenStore> = Arc::new(stores.clone());
        let records: Arc<dyn RecordStore> = Arc::new(stores.clone());
        Self::assemble(config, tokens, records, Some(stores))
    }

    fn assemble(
        config: SandboxConfig,
        tokens: Arc<dyn TokenStore>,
        records: Arc<dyn RecordStore>,
        redis: Option<snap_server::redis::RedisStores>,
    ) -> Result<Self, ConfigError> {
        let faults = Faults::new(config.faults.clone())?;
        let mut partners = StaticPartners::default();
        for p in config.partners {
            partners.insert(p);
        }
        let notifier =
            crate::bank::Notifier::new(config.merchant_calls.clone()).map_err(ConfigError::Bank)?;
        let auth_codes = AuthCodes::new(records.clone());
        // Customer tokens issued before an unbinding (09) are refused.
        let bindings = crate::bindings::Bindings::new(records.clone());
        let tokens: Arc<dyn TokenStore> = Arc::new(crate::bindings::RevocableTokens::new(
            tokens,
            bindings.clone(),
        ));
        let mut provider = Provider::new(config.provider, Arc::new(partners), tokens.clone())
            .with_auth_codes(Arc::new(auth_codes.clone()));
        if let Some(stores) = redis {
            let limiter = provider
                .config()
                .rate_limit()
                .map(|_| Arc::new(stores.clone()) as Arc<dyn snap_server::limits::RateLimiter>);
            provider = provider
                .with_idempotency(Arc::new(stores))
                .with_rate_limiter(limiter);
        }
        let state = Arc::new(State {
            tokens,
            ledger: Ledger::with_store(records.clone()),
            auth_codes,
            vas: crate::va::VaBook::with_store(records.clone()),
            qris: crate::qris::QrBook::with_store(records.clone()),
            accounts: crate::accounts::Accounts::with_store(records.clone()),
            bindings,
            records,
            merchant_calls: Arc::new(notifier),
        });
        Ok(Sandbox {
            provider: Arc::new(provider),
            state,
            faults: Arc::new(faults),
            log: Arc::default(),
            password: None,
            profile: None,
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

    /// The route of `E` at `path` with `handler`, behind the fault knobs
    /// (token endpoints only when the knobs include them).
    fn add<E, H, T>(
        &self,
        router: Router<Shared>,
        path: &str,
        handler: H,
        render: ErrorRenderer,
        token_endpoint: bool,
    ) -> Router<Shared>
    where
        E: Endpoint,
        H: Handler<T, Shared>,
        T: 'static,
    {
        let meta = E::META;
        let mut method_router = route_with::<E, H, T, Shared>(handler, render);
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

    pub(crate) fn add_at<E, H, T>(
        &self,
        router: Router<Shared>,
        handler: H,
        render: ErrorRenderer,
    ) -> Router<Shared>
    where
        E: Endpoint,
        H: Handler<T, Shared>,
        T: 'static,
    {
        match self.path_of(&E::META) {
            Some(path) => self.add::<E, H, T>(router, &path, handler, render, false),
            None => router,
        }
    }

    /// The axum router: every endpoint of snap-endpoints at its sandbox
    /// path, the token endpoints also under `/gopay` and `/paydia`, the
    /// sandbox-only helpers under `/sandbox/v1.0/`, all behind
    /// [`SnapLayer`].
    pub fn router(&self) -> Router {
        let mut r: Router<Shared> = Router::new();
        let prefixes: &[&str] = match self.profile {
            None => &TOKEN_PREFIXES,
            Some(p) if p.has_tokens() => &[""],
            Some(_) => &[],
        };
        for prefix in prefixes {
            let p73 = format!("{prefix}{}", bi::AccessTokenB2bRequest::META.path);
            let p74 = format!("{prefix}{}", bi::AccessTokenB2b2cRequest::META.path);
            r = self.add::<bi::AccessTokenB2bRequest, _, _>(
                r,
                &p73,
                access_token_b2b,
                snap_renderer,
                true,
            );
            r = self.add::<bi::AccessTokenB2b2cRequest, _, _>(
                r,
                &p74,
                access_token_b2b2c,
                snap_renderer,
                true,
            );
        }
        let snap = snap_renderer;
        r = self.add_at::<bi::AuthPaymentRequest, _, _>(r, handlers::auth_payment, snap);
        r = self.add_at::<bi::AuthQueryRequest, _, _>(r, handlers::auth_query, snap);
        r = self.add_at::<bi::AuthCaptureRequest, _, _>(r, handlers::auth_capture, snap);
        r = self.add_at::<bi::AuthCaptureQueryRequest, _, _>(r, handlers::auth_capture_query, snap);
        r = self.add_at::<bi::AuthVoidRequest, _, _>(r, handlers::auth_void, snap);
        r = self.add_at::<bi::AuthVoidQueryRequest, _, _>(r, handlers::auth_void_query, snap);
        r = self.add_at::<bi::AuthRefundRequest, _, _>(r, handlers::auth_refund, snap);
        r = self.add_at::<bi::DebitCancelRequest, _, _>(r, handlers::bi_debit_cancel, snap);
        r = self.add_at::<bi::QrMpmCancelRequest, _, _>(r, handlers::bi_qr_cancel, snap);
        r = self.add_at::<bi::DeleteVaRequest, _, _>(r, handlers::bi_delete_va, snap);
        // The stateful families: VA, direct debit, QRIS MPM, accounts and
        // transfers, registration.
        use bi::{balance, direct_debit as dd, history, mpm, registration as reg, va};
        use bi::{transaction_status_bank as tsb, trigger_transfer as tt};
        r = self.add_at::<va::CreateVaRequest, _, _>(r, handlers::va_create, snap);
        r = self.add_at::<va::VaInquiryRequest, _, _>(r, handlers::va_inquiry, snap);
        r = self.add_at::<va::VaPaymentRequest, _, _>(r, handlers::va_payment, snap);
        r = self.add_at::<va::VaStatusRequest, _, _>(r, handlers::va_status, snap);
        r = self.add_at::<va::InquiryVaRequest, _, _>(r, handlers::va_inquiry_va, snap);
        r = self.add_at::<va::UpdateVaRequest, _, _>(r, handlers::va_update, snap);
        r = self.add_at::<va::VaIntrabankInquiryRequest, _, _>(
            r,
            handlers::va_intrabank_inquiry,
            snap,
        );
        r = self.add_at::<va::VaIntrabankPaymentRequest, _, _>(
            r,
            handlers::va_intrabank_payment,
            snap,
        );
        r = self.add_at::<va::VaReportRequest, _, _>(r, handlers::va_report, snap);
        r = self.add_at::<dd::DebitPaymentRequest, _, _>(r, handlers::debit_payment, snap);
        r = self.add_at::<dd::DebitStatusRequest, _, _>(r, handlers::debit_status, snap);
        r = self.add_at::<dd::DebitRefundRequest, _, _>(r, handlers::debit_refund, snap);
        r = self.add_at::<mpm::QrMpmGenerateRequest, _, _>(r, handlers::qr_generate, snap);
        r = self.add_at::<mpm::QrMpmQueryRequest, _, _>(r, handlers::qr_query, snap);
        r = self.add_at::<mpm::QrMpmRefundRequest, _, _>(r, handlers::qr_refund, snap);
        r = self.add_at::<balance::BalanceInquiryRequest, _, _>(r, handlers::balance_inquiry, snap);
        r = self.add_at::<history::BankStatementRequest, _, _>(r, handlers::bank_statement, snap);
        r = self.add_at::<tt::IntrabankTransferRequest, _, _>(
            r,
            handlers::transfer_intrabank,
            snap,
        );
        r = self.add_at::<tt::InterbankTransferRequest, _, _>(
            r,
            handlers::transfer_interbank,
            snap,
        );
        r = self.add_at::<tt::RtgsTransferRequest, _, _>(r, handlers::transfer_rtgs, snap);
        r = self.add_at::<tt::SknTransferRequest, _, _>(r, handlers::transfer_skn, snap);
        r = self.add_at::<tsb::TransferStatusRequest, _, _>(r, handlers::transfer_status, snap);
        r = self.add_at::<reg::AccountBindingRequest, _, _>(r, handlers::account_binding, snap);
        r = self.add_at::<reg::AccountBindingInquiryRequest, _, _>(
            r,
            handlers::account_binding_inquiry,
            snap,
        );
        r = self.add_at::<reg::AccountUnbindingRequest, _, _>(r, handlers::account_unbinding, snap);
        r = self.add_at::<reg::AccountCreationRequest, _, _>(r, handlers::account_creation, snap);
        r = self.add_at::<va::UpdateVaStatusRequest, _, _>(r, handlers::va_update_status, snap);
        r = self.add_at::<history::TransactionHistoryListRequest, _, _>(
            r,
            handlers::history_list,
            snap,
        );
        r = self.add_at::<history::TransactionHistoryDetailRequest, _, _>(
            r,
            handlers::history_detail,
            snap,
        );
        {
            use bi::account_inquiry as ai;
            r = self.add_at::<ai::InternalAccountInquiryRequest, _, _>(
                r,
                handlers::account_inquiry_internal,
                snap,
            );
            r = self.add_at::<ai::ExternalAccountInquiryRequest, _, _>(
                r,
                handlers::account_inquiry_external,
                snap,
            );
        }
        r = self.add_at::<gopay::DebitCancelRequest, _, _>(r, handlers::gopay_debit_cancel, snap);
        r = self.add_at::<gopay::QrisCancelRequest, _, _>(r, handlers::gopay_qris_cancel, snap);
        r = self.add_at::<gopay::PreAuthVoidRequest, _, _>(r, handlers::gopay_preauth_void, snap);
        r = self.add_at::<gopay::DeleteVaRequest, _, _>(r, handlers::gopay_delete_va, snap);
        r = self.add_at::<paydia::AuthVoidRequest, _, _>(r, handlers::paydia_void, snap);
        r = self.add_at::<ayopop::BillCancelRequest, _, _>(
            r,
            handlers::ayopop_cancel,
            routes::ayopop_render,
        );
        r = self.add_at::<ipg::VaReversalRequest, _, _>(
            r,
            handlers::ipg_reversal,
            routes::ipg_render,
        );

        r = r.merge(self.helper_routes());
        let endpoints: std::collections::HashMap<String, &'static str> =
            snap_endpoints::registry::registry()
                .iter()
                .filter_map(|e| self.path_of(&e.meta).map(|p| (p, e.meta.name)))
                .chain([
                    (
                        bi::AccessTokenB2bRequest::META.path.to_owned(),
                        bi::AccessTokenB2bRequest::META.name,
                    ),
                    (
                        bi::AccessTokenB2b2cRequest::META.path.to_owned(),
                        bi::AccessTokenB2b2cRequest::META.name,
                    ),
                ])
                .collect();
        let ctx = Arc::new(LogContext {
            endpoints,
            log: self.log.clone(),
            provider: self.provider.clone(),
        });
        // Behind the dedicated routes: the generic answer of every other
        // BI service (crate::generic), then the 404.
        let generic = crate::generic::router(self)
            .fallback(|req: Request| async move {
                let reply = json!({
                    "responseCode": "4040002",
                    "responseMessage": format!("Invalid Routing. no sandbox endpoint at {} {}", req.method(), req.uri().path()),
                });
                json_response(404, reply.to_string().into_bytes())
            })
            .with_state(self.state.clone());
        r.fallback_service(generic)
            .layer(SnapLayer::new(self.provider.clone()))
            .with_state(self.state.clone())
            .layer(axum::middleware::from_fn(
                move |req: Request, next: Next| {
                    let ctx = ctx.clone();
                    async move { dashboard::record(ctx, req, next).await }
                },
            ))
    }

    /// The dashboard and the helper API (`/sandbox/v1.0/...`), behind the
    /// dashboard password when one is set.
    fn helper_routes(&self) -> Router<Shared> {
        let mut r: Router<Shared> = Router::new()
            .route("/", get(|| async { dashboard::page() }))
            .route("/dashboard", get(|| async { dashboard::page() }))
            .route("/favicon.ico", get(|| async { StatusCode::NO_CONTENT }));
        let (provider, faults, log) =
            (self.provider.clone(), self.faults.clone(), self.log.clone());
        r = r.route(
            "/sandbox/v1.0/dashboard/state",
            get(move |st: axum::extract::State<Shared>| {
                let (provider, faults, log) = (provider.clone(), faults.clone(), log.clone());
                async move {
                    let body = dashboard::state_json(&st, &provider, &faults, &log).await;
                    json_response(200, body.to_string().into_bytes())
                }
            }),
        );
        let provider = self.provider.clone();
        r = r.route(
            "/sandbox/v1.0/dashboard/token",
            post(move |body: axum::body::Bytes| {
                let provider = provider.clone();
                async move { dashboard_token(&provider, &body).await }
            }),
        );
        let faults = self.faults.clone();
        let provider = self.provider.clone();
        r = r.route(
            "/sandbox/v1.0/faults",
            get({
                let faults = faults.clone();
                move || async move {
                    json_response(200, json!(faults.config()).to_string().into_bytes())
                }
            })
            .post(move |headers: HeaderMap, body: axum::body::Bytes| {
                let (faults, provider) = (faults.clone(), provider.clone());
                async move { set_faults(&faults, &provider, &headers, &body).await }
            }),
        );
        let provider = self.provider.clone();
        r = r.route(
            "/sandbox/v1.0/auth-code",
            post(
                move |st: axum::extract::State<Shared>,
                      headers: HeaderMap,
                      body: axum::body::Bytes| {
                    let provider = provider.clone();
                    async move { issue_auth_code(&st, &provider, &headers, &body).await }
                },
            ),
        );
        let provider = self.provider.clone();
        r = r.route(
            "/sandbox/v1.0/va/pay",
            post(
                move |st: axum::extract::State<Shared>,
                      headers: HeaderMap,
                      body: axum::body::Bytes| {
                    let provider = provider.clone();
                    async move { bank_pays_va(&st, &provider, &headers, &body).await }
                },
            ),
        );
        let provider = self.provider.clone();
        r = r.route(
            "/sandbox/v1.0/qris/pay",
            post(
                move |st: axum::extract::State<Shared>,
                      headers: HeaderMap,
                      body: axum::body::Bytes| {
                    let provider = provider.clone();
                    async move { customer_pays_qr(&st, &provider, &headers, &body).await }
                },
            ),
        );
        // The bank's calls to the merchants: what was sent, how it went;
        // the bank's public key (the merchant verifies its token requests).
        r = r.route(
            "/sandbox/v1.0/merchant-calls",
            get(|st: axum::extract::State<Shared>| async move {
                let n = &st.merchant_calls;
                let body = json!({
                    "bankClientId": n.calls().bank_client_id,
                    "calls": n.list(),
                });
                json_response(200, body.to_string().into_bytes())
            }),
        );
        r = r.route(
            "/sandbox/v1.0/bank/public-key",
            get(|st: axum::extract::State<Shared>| async move {
                match st.merchant_calls.public_key_pem() {
                    Some(pem) => {
                        let mut res = Response::new(Body::from(pem.to_owned()));
                        res.headers_mut().insert(
                            header::CONTENT_TYPE,
                            HeaderValue::from_static("application/x-pem-file"),
                        );
                        res
                    }
                    None => bad(
                        404,
                        "no generated bank key: the sandbox has no merchant URL, or was given --bank-private-key",
                    ),
                }
            }),
        );
        let provider = self.provider.clone();
        r = r.route(
            "/sandbox/v1.0/expire-tokens",
            post(
                move |st: axum::extract::State<Shared>,
                      headers: HeaderMap,
                      body: axum::body::Bytes| {
                    let provider = provider.clone();
                    async move { expire_tokens(&st, &provider, &headers, &body).await }
                },
            ),
        );
        match self.password.clone() {
            None => r,
            Some(pw) => r.layer(axum::middleware::from_fn(
                move |req: Request, next: Next| {
                    let pw = pw.clone();
                    async move {
                        if pw.has_session(req.headers()) {
                            next.run(req).await
                        } else if pw.admits(req.headers()) {
                            let mut res = next.run(req).await;
                            if let Ok(v) = HeaderValue::from_str(&pw.session_cookie()) {
                                res.headers_mut().append(header::SET_COOKIE, v);
                            }
                            res
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
        let config = self.provider.config().clone();
        let task = tokio::spawn(async move {
            serve(listener, router, &config, async {
                let _ = rx.await;
            })
            .await
        });
        Ok(RunningSandbox {
            addr: local,
            shutdown: Some(tx),
            task,
            sandbox: self,
        })
    }
}

/// Serves `router` on `listener` with the connection limits of `config`
/// (header, body and idle timeouts, the connection cap) until `shutdown`
/// resolves, then lets in-flight requests finish for up to two seconds.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    config: &ProviderConfig,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    snap_server::serve(listener, router, config, shutdown, Duration::from_secs(2)).await
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
            tracing::info!(target: "snap::server", fault = "5xx", status = reply.status, "fault injected");
            json_response(reply.status, reply.body)
        }
        Fault::Timeout => {
            let res = next.run(req).await;
            tracing::info!(
                target: "snap::server",
                fault = "timeout",
                held_ms = u64::try_from(faults.timeout_hold().as_millis()).unwrap_or(u64::MAX),
                "fault injected: answer held"
            );
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

static VA_PAY_SEQ: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

/// The bank pays a VA (its payment 25, recorded in the VA book):
/// `{"clientId":"...","virtualAccountNo":"...","amount":"10000.00"}`;
/// `amount` defaults to what is outstanding, `paymentRequestId` to a fresh
/// one (the same id again is the same payment, as for 25).
async fn bank_pays_va(
    st: &State,
    provider: &Provider,
    headers: &HeaderMap,
    body: &[u8],
) -> Response {
    let Ok(v) = serde_json::from_slice::<serde_json::Value>(body) else {
        return bad(
            400,
            "body must be JSON: {\"clientId\":\"...\",\"virtualAccountNo\":\"...\",\"amount\":\"10000.00\"}",
        );
    };
    let client = match helper_partner(provider, headers, &v).await {
        Ok(c) => c,
        Err(res) => return res,
    };
    let client = client.as_str();
    let va_no = v
        .get("virtualAccountNo")
        .and_then(|c| c.as_str())
        .unwrap_or("");
    let Ok(Some(va)) = st.vas.find(client, va_no).await else {
        return json_response(
            404,
            json!({ "error": format!("no VA {va_no:?} of partner {client}") })
                .to_string()
                .into_bytes(),
        );
    };
    let amount = match v.get("amount").and_then(|a| a.as_str()) {
        Some(a) => match dashboard::parse_minor(a) {
            Some(m) => m,
            None => {
                return bad(
                    400,
                    "amount must be a decimal with two digits, e.g. \"10000.00\"",
                );
            }
        },
        None => va.outstanding(),
    };
    let request_id = match v.get("paymentRequestId").and_then(|a| a.as_str()) {
        Some(id) if !id.is_empty() && id.len() <= 128 => id.to_owned(),
        Some(_) => return bad(400, "paymentRequestId must be 1-128 characters"),
        None => format!(
            "sandbox-pay-{}",
            VA_PAY_SEQ.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        ),
    };
    match st
        .vas
        .pay(
            client,
            va_no,
            &request_id,
            amount,
            &SnapTimestamp::now().into_string(),
        )
        .await
    {
        Ok((va, p)) => {
            tracing::info!(target: "snap::server", helper = "va-pay", partner = %Escaped(client), va = %Escaped(va_no), amount = p.amount, "VA paid");
            // The bank's payment 25 to the partner's merchant, if it has one.
            let call = st.merchant_calls.va_paid(
                client,
                &crate::bank::VaPaymentCall {
                    partner_service_id: &va.spec.partner_service_id,
                    customer_no: &va.spec.customer_no,
                    virtual_account_name: &va.spec.name,
                    payment_request_id: &p.payment_request_id,
                    paid_amount: crate::bank::money_minor(p.amount, "IDR"),
                    total_amount: crate::bank::money_minor(
                        va.spec.total.unwrap_or(p.amount),
                        "IDR",
                    ),
                    trx_date_time: &p.time,
                    reference_no: &p.payment_request_id,
                },
            );
            let mut answer = json!({
                "virtualAccountNo": va.virtual_account_no,
                "paymentRequestId": p.payment_request_id,
                "paidAmount": format!("{}.{:02}", p.amount / 100, p.amount % 100),
                "totalPaid": format!("{}.{:02}", va.paid / 100, va.paid % 100),
                "trxDateTime": p.time,
            });
            if let Some(call) = call {
                answer["merchantCall"] = json!(call);
            }
            json_response(200, answer.to_string().into_bytes())
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

/// The customer pays a generated QR: `{"referenceNo":"..."}`
/// (`referenceNo` or the merchant's `partnerReferenceNo`), with the
/// partner's B2B token as every helper.
async fn customer_pays_qr(
    st: &State,
    provider: &Provider,
    headers: &HeaderMap,
    body: &[u8],
) -> Response {
    let Ok(v) = serde_json::from_slice::<serde_json::Value>(body) else {
        return bad(400, "body must be JSON: {\"referenceNo\":\"...\"}");
    };
    let client = match helper_partner(provider, headers, &v).await {
        Ok(c) => c,
        Err(res) => return res,
    };
    let reference = v.get("referenceNo").and_then(|c| c.as_str()).unwrap_or("");
    let paid = match st.qris.get(&client, reference).await {
        Ok(q) => {
            st.qris
                .pay(&q.reference_no, &SnapTimestamp::now().into_string())
                .await
        }
        Err(e) => Err(e),
    };
    match paid {
        Ok(q) => {
            tracing::info!(target: "snap::server", helper = "qris-pay", partner = %Escaped(&client), qr = %Escaped(&q.reference_no), "QR paid");
            // The notification 52 to the partner's merchant, if it has one.
            let call = st.merchant_calls.qris_paid(
                &client,
                &q.reference_no,
                &q.partner_reference_no,
                &crate::bank::money_minor(q.amount, "IDR"),
            );
            let mut answer = json!({
                "referenceNo": q.reference_no,
                "partnerReferenceNo": q.partner_reference_no,
                "latestTransactionStatus": q.status().code(),
                "paidTime": q.paid_time,
            });
            if let Some(call) = call {
                answer["merchantCall"] = json!(call);
            }
            json_response(200, answer.to_string().into_bytes())
        }
        Err(e) => bad(e.case().0, &e.to_string()),
    }
}

fn bad(status: u16, reason: &str) -> Response {
    json_response(status, json!({ "error": reason }).to_string().into_bytes())
}

/// The partner a helper request is made by: its B2B token (`Authorization:
/// Bearer ...`, from 73) must be live, and a `clientId` in the body, when
/// given, must be that partner.
async fn helper_partner(
    provider: &Provider,
    headers: &HeaderMap,
    body: &serde_json::Value,
) -> Result<String, Response> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .unwrap_or("");
    if token.is_empty() {
        tracing::info!(target: "snap::server", helper = true, "sandbox helper refused: no B2B token");
        return Err(bad(
            401,
            "sandbox helpers need the partner's B2B token: Authorization: Bearer <token from /v1.0/access-token/b2b>",
        ));
    }
    let grant = match provider.tokens().check_b2b(token).await {
        Ok(Ok(g)) => g,
        Ok(Err(p)) => {
            tracing::info!(target: "snap::server", helper = true, problem = %p, "sandbox helper refused: token");
            return Err(bad(401, &format!("B2B token: {p}")));
        }
        Err(e) => return Err(bad(500, &e.to_string())),
    };
    if let Some(client) = body.get("clientId").and_then(|c| c.as_str())
        && client != grant.partner
    {
        tracing::info!(
            target: "snap::server",
            helper = true,
            client_id = %Escaped(client),
            partner = %Escaped(&grant.partner),
            "sandbox helper refused: clientId is not the token's partner"
        );
        return Err(bad(403, "clientId is not the partner of this B2B token"));
    }
    Ok(grant.partner)
}

async fn issue_auth_code(
    st: &State,
    provider: &Provider,
    headers: &HeaderMap,
    body: &[u8],
) -> Response {
    let Ok(v) = serde_json::from_slice::<serde_json::Value>(body) else {
        return bad(
            400,
            "body must be JSON: {\"clientId\":\"...\",\"customerId\":\"...\"}",
        );
    };
    let client = match helper_partner(provider, headers, &v).await {
        Ok(c) => c,
        Err(res) => return res,
    };
    let customer = v.get("customerId").and_then(|c| c.as_str()).unwrap_or("");
    if !valid_customer_id(customer) {
        return bad(
            400,
            "customerId must be 1-64 letters, digits, '-', '_' or '.'",
        );
    }
    let code = match st.auth_codes.issue(&client, customer).await {
        Ok(c) => c,
        Err(e) => return bad(500, &e.to_string()),
    };
    tracing::info!(target: "snap::server", helper = "auth-code", partner = %Escaped(&client), customer = %Escaped(customer), "auth code issued");
    json_response(
        200,
        json!({ "authCode": code, "customerId": customer, "expiresIn": CODE_LIFETIME.as_secs().to_string() })
            .to_string()
            .into_bytes(),
    )
}

/// `POST /sandbox/v1.0/dashboard/token` with `{"clientId":"..."}`: a B2B
/// token of that partner for the dashboard's helper calls. Reachable only
/// where the dashboard is (loopback, or behind the dashboard password).
async fn dashboard_token(provider: &Provider, body: &[u8]) -> Response {
    let v = serde_json::from_slice::<serde_json::Value>(body).unwrap_or(json!({}));
    let client = v.get("clientId").and_then(|c| c.as_str()).unwrap_or("");
    match provider.partners().get(client).await {
        Ok(Some(_)) => {}
        Ok(None) => return bad(400, "clientId is not a configured partner"),
        Err(e) => return bad(500, &e.to_string()),
    }
    match provider.tokens().issue_b2b(client, None).await {
        Ok(t) => json_response(
            200,
            json!({ "accessToken": t.token, "expiresIn": t.expires_in.as_secs().to_string() })
                .to_string()
                .into_bytes(),
        ),
        Err(e) => bad(500, &e.to_string()),
    }
}

/// `POST /sandbox/v1.0/faults` (with a partner's B2B token): the members
/// given replace the current knobs (`{"errorPercent": 20}` changes only
/// that one).
async fn set_faults(
    faults: &Faults,
    provider: &Provider,
    headers: &HeaderMap,
    body: &[u8],
) -> Response {
    let Ok(serde_json::Value::Object(given)) = serde_json::from_slice::<serde_json::Value>(body)
    else {
        return bad(
            400,
            "body must be a JSON object of fault knobs, e.g. {\"errorPercent\":20}",
        );
    };
    if let Err(res) = helper_partner(provider, headers, &json!({})).await {
        return res;
    }
    let mut merged = json!(faults.config());
    if let Some(obj) = merged.as_object_mut() {
        obj.extend(given);
    }
    let config = match serde_json::from_value::<crate::faults::FaultConfig>(merged) {
        Ok(c) => c,
        Err(e) => return bad(400, &format!("fault knobs: {e}")),
    };
    if let Err(e) = faults.set(config) {
        return bad(400, &format!("fault knobs: {e}"));
    }
    let now = faults.config();
    tracing::info!(target: "snap::server", helper = "faults", "fault knobs set: {now:?}");
    json_response(200, json!(now).to_string().into_bytes())
}

async fn expire_tokens(
    st: &State,
    provider: &Provider,
    headers: &HeaderMap,
    body: &[u8],
) -> Response {
    let v = serde_json::from_slice::<serde_json::Value>(body).unwrap_or(json!({}));
    let client = match helper_partner(provider, headers, &v).await {
        Ok(c) => c,
        Err(res) => return res,
    };
    let n = match st.tokens.expire_partner(&client).await {
        Ok(n) => n,
        Err(e) => return bad(500, &e.to_string()),
    };
    tracing::info!(target: "snap::server", helper = "expire-tokens", partner = %Escaped(&client), expired = n, "tokens expired");
    json_response(200, json!({ "expired": n }).to_string().into_bytes())
}
