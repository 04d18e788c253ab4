//! axum glue: [`SnapLayer`] (per-request span, replay storage, structured
//! log line, panics as SNAP 500s), the [`Inbound`] extractor, the typed
//! reply [`SnapReply`], route helpers and the ready token endpoints.

use std::convert::Infallible;
use std::marker::PhantomData;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, OriginalUri, Request};
use axum::handler::Handler;
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::MethodRouter;
use serde::de::DeserializeOwned;
use tracing::Instrument as _;

use super::check::{Admitted, Inbound, Provider};
use super::error::{ErrorReply, Reply};
use super::idempotency::{StoredAnswer, Ticket};
use super::store::{BoxFuture, Escaped};
use super::tokens::ReplayKey;
use snap_core::endpoint::{Endpoint, EndpointMeta, Method};
use snap_core::time::{SnapTimestamp, TimestampProfile};
use snap_core::token::{AccessTokenB2b2cRequest, AccessTokenB2bRequest};

/// Renders a refusal for an endpoint. [`snap_renderer`] writes the SNAP body
/// (`responseCode` + `responseMessage`); a non-SNAP endpoint passes its
/// provider's format to [`route_with`].
pub type ErrorRenderer = fn(&EndpointMeta, &ErrorReply) -> Reply;

/// The SNAP error body with the endpoint's service code.
pub fn snap_renderer(meta: &EndpointMeta, err: &ErrorReply) -> Reply {
    Reply::error(meta.service, err)
}

/// The renderer of a route (a request extension set by [`route_with`]).
#[derive(Clone, Copy)]
struct Render(ErrorRenderer);

/// What the extractor tells the layer about its request.
#[derive(Default)]
struct SlotData {
    ticket: Option<Ticket>,
    meta: Option<(EndpointMeta, ErrorRenderer)>,
    partner: Option<String>,
    replay: bool,
}

#[derive(Default)]
struct Slot(Mutex<SlotData>);

impl Slot {
    fn with<R>(&self, f: impl FnOnce(&mut SlotData) -> R) -> R {
        // Each use is a field assignment: never half-done.
        f(&mut self.0.lock().unwrap_or_else(|p| p.into_inner()))
    }
}

/// Request extension inserted by [`SnapLayer`].
#[derive(Clone)]
struct Ctx {
    provider: Arc<Provider>,
    slot: Arc<Slot>,
}

/// The tower layer of the provider side; put it on the router (after the
/// routes) whose handlers take [`Inbound`] extractors. Works with any state
/// type and under `Router::nest`:
///
/// ```no_run
/// # async fn demo() {
/// use std::sync::Arc;
/// use axum::Router;
/// use axum::extract::State;
/// use snap_server::tokens::MemoryTokens;
/// use snap_server::{Inbound, Provider, ProviderConfig, SnapLayer, SnapReply, StaticPartners, route, token_routes};
/// # #[snap_core::request(service = 67, method = "POST", path = "/v1.0/auth/void", response = VoidAnswer)]
/// # pub struct VoidRequest { #[snap(max = 64)] pub partner_void_no: String }
/// # /// Answer.
/// # #[snap_core::response]
/// # pub struct VoidAnswer { #[snap(max = 64)] pub partner_void_no: String }
///
/// #[derive(Clone)]
/// struct Db; // the provider's own state
///
/// async fn void(State(_db): State<Db>, req: Inbound<VoidRequest>) -> SnapReply<VoidRequest> {
///     SnapReply::ok(&VoidAnswer {
///         response_code: "2006700".into(),
///         response_message: "Successful".into(),
///         partner_void_no: req.request.partner_void_no,
///     })
/// }
///
/// let partners = StaticPartners::default();
/// let tokens = MemoryTokens::new(Default::default());
/// let provider = Arc::new(Provider::new(ProviderConfig::default(), Arc::new(partners), Arc::new(tokens)));
/// let snap: Router<Db> = Router::new()
///     .route("/v1.0/auth/void", route::<VoidRequest, _, _, _>(void))
///     .merge(token_routes());
/// let app: Router = Router::new()
///     .nest("/snap", snap) // signatures are checked against /snap/v1.0/...
///     .layer(SnapLayer::new(provider))
///     .with_state(Db);
/// # let _ = app;
/// # }
/// ```
#[derive(Clone)]
pub struct SnapLayer {
    provider: Arc<Provider>,
}

impl SnapLayer {
    /// The layer for `provider`.
    pub fn new(provider: Arc<Provider>) -> Self {
        SnapLayer { provider }
    }
}

impl<S> tower_layer::Layer<S> for SnapLayer {
    type Service = SnapService<S>;
    fn layer(&self, inner: S) -> SnapService<S> {
        SnapService {
            inner,
            provider: self.provider.clone(),
        }
    }
}

/// The service of [`SnapLayer`].
#[derive(Clone)]
pub struct SnapService<S> {
    inner: S,
    provider: Arc<Provider>,
}

impl<S> tower_service::Service<Request> for SnapService<S>
where
    S: tower_service::Service<Request, Response = Response, Error = Infallible>
        + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
{
    type Response = Response;
    type Error = Infallible;
    type Future = BoxFuture<'static, Result<Response, Infallible>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut req: Request) -> Self::Future {
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let slot = Arc::new(Slot::default());
        req.extensions_mut().insert(Ctx {
            provider: self.provider.clone(),
            slot: slot.clone(),
        });
        let method = req.method().clone();
        let path = req
            .extensions()
            .get::<OriginalUri>()
            .map(|u| u.0.path().to_owned())
            .unwrap_or_else(|| req.uri().path().to_owned());
        let span = tracing::info_span!(
            target: "snap::server",
            "snap_request",
            method = %method,
            path = %Escaped(&path),
            partner = tracing::field::Empty,
        );
        let started = Instant::now();
        let task_slot = slot.clone();
        // The handler runs on its own task: it finishes (and its answer is
        // stored for replays) even when the client hangs up.
        let task = tokio::spawn(
            async move {
                let res = match inner.call(req).await {
                    Ok(r) => r,
                    Err(never) => match never {},
                };
                finish(res, &task_slot).await
            }
            .instrument(span.clone()),
        );
        Box::pin(
            async move {
                let (res, code) = match task.await {
                    Ok(done) => done,
                    Err(e) => {
                        // A panicking handler: nothing is stored (a retry
                        // runs again), the client gets a SNAP 500.
                        let (ticket, meta) = slot.with(|d| (d.ticket.take(), d.meta));
                        drop(ticket);
                        let (meta, render) = meta.unwrap_or((EndpointMeta::FALLBACK, snap_renderer));
                        let err = ErrorReply::internal().with_log(format!("handler failed: {e}"));
                        tracing::error!(target: "snap::server", endpoint = meta.name, error = %e, "handler panicked");
                        let reply = render(&meta, &err);
                        let code = response_code_of(&reply.body);
                        (respond(&reply, false), code)
                    }
                };
                let (endpoint, partner, replay) = slot.with(|d| {
                    (
                        d.meta.map(|m| m.0.name).unwrap_or("-"),
                        d.partner.take(),
                        d.replay,
                    )
                });
                tracing::info!(
                    target: "snap::server",
                    status = res.status().as_u16(),
                    response_code = %Escaped(&code),
                    endpoint,
                    partner = %Escaped(partner.as_deref().unwrap_or("-")),
                    replay,
                    elapsed_us = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX),
                    "answered"
                );
                Ok(res)
            }
            .instrument(span),
        )
    }
}

/// Largest answer the layer buffers to store for replays.
const MAX_ANSWER: usize = 16 * 1024 * 1024;

/// Buffers the answer, stores it for replays (when the request claimed an
/// X-EXTERNAL-ID and the route did not store it already), adds
/// `Content-Type` and `X-TIMESTAMP` when missing.
async fn finish(res: Response, slot: &Slot) -> (Response, String) {
    let (mut parts, bytes) = store_answer(res, slot).await;
    // Read only for the log line.
    let code = if tracing::enabled!(target: "snap::server", tracing::Level::INFO) {
        response_code_of(&bytes)
    } else {
        String::new()
    };
    let h = &mut parts.headers;
    if !h.contains_key(header::CONTENT_TYPE) {
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
    }
    if !h.contains_key(snap_core::headers::X_TIMESTAMP.wire)
        && let Some(v) = timestamp_header()
    {
        h.insert(snap_core::headers::X_TIMESTAMP.name(), v);
    }
    (Response::from_parts(parts, Body::from(bytes)), code)
}

/// Buffers `res`; when the slot holds a claimed X-EXTERNAL-ID, stores the
/// answer for replays.
async fn store_answer(res: Response, slot: &Slot) -> (http::response::Parts, Bytes) {
    let ticket = slot.with(|d| d.ticket.take());
    let (parts, body) = res.into_parts();
    let bytes = axum::body::to_bytes(body, MAX_ANSWER)
        .await
        .unwrap_or_default();
    if let Some(t) = ticket {
        let answer = StoredAnswer {
            status: parts.status.as_u16(),
            body: bytes.clone(),
        };
        if let Err(e) = t.complete(answer).await {
            tracing::warn!(target: "snap::server", error = %e, "answer not stored for replays");
        }
    }
    (parts, bytes)
}

/// Route middleware (innermost, around the handler): the handler's answer
/// is stored for replays as soon as it is made, before any outer layer
/// (a delay, a proxy) holds it back.
async fn store_at_handler(req: Request, next: axum::middleware::Next) -> Response {
    let slot = req.extensions().get::<Ctx>().map(|c| c.slot.clone());
    let res = next.run(req).await;
    match slot {
        Some(slot) if slot.with(|d| d.ticket.is_some()) => {
            let (parts, bytes) = store_answer(res, &slot).await;
            Response::from_parts(parts, Body::from(bytes))
        }
        _ => res,
    }
}

/// The `responseCode` (or IPG's `rc`) of an answer, for the log: a scan,
/// not a parse.
fn response_code_of(body: &[u8]) -> String {
    for key in [&b"\"responseCode\":"[..], b"\"rc\":"] {
        let found = body
            .iter()
            .enumerate()
            .filter(|(_, b)| **b == b'"')
            .map(|(i, _)| i)
            .find(|&i| body[i..].starts_with(key));
        if let Some(i) = found {
            let rest = &body[i + key.len()..];
            let rest = rest
                .iter()
                .position(|b| !b.is_ascii_whitespace())
                .map_or(&rest[..0], |s| &rest[s..]);
            let v: Vec<u8> = if rest.first() == Some(&b'"') {
                rest[1..]
                    .iter()
                    .take_while(|b| **b != b'"')
                    .copied()
                    .collect()
            } else {
                rest.iter()
                    .take_while(|b| b.is_ascii_alphanumeric())
                    .copied()
                    .collect()
            };
            return String::from_utf8_lossy(&v[..v.len().min(16)]).into_owned();
        }
    }
    "-".to_owned()
}

/// `X-TIMESTAMP` for an answer sent now (Jakarta, second precision),
/// formatted once per second per thread.
fn timestamp_header() -> Option<HeaderValue> {
    thread_local! {
        static CACHE: std::cell::RefCell<Option<(u64, HeaderValue)>> =
            const { std::cell::RefCell::new(None) };
    }
    let second = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    CACHE.with(|c| {
        let mut c = c.borrow_mut();
        if let Some((s, v)) = c.as_ref()
            && *s == second
        {
            return Some(v.clone());
        }
        let v = HeaderValue::from_str(&super::check::now_timestamp()).ok()?;
        *c = Some((second, v.clone()));
        Some(v)
    })
}

/// Builds the HTTP response of a reply: JSON body, `X-TIMESTAMP` now
/// (Jakarta), and `X-Idempotent-Replay: true` on a replayed answer.
fn respond(reply: &Reply, replay: bool) -> Response {
    respond_bytes(reply.status, Bytes::from(reply.body.clone()), replay)
}

fn respond_bytes(status: u16, body: Bytes, replay: bool) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut res = Response::new(Body::from(body));
    *res.status_mut() = status;
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    if let Some(v) = timestamp_header() {
        h.insert(snap_core::headers::X_TIMESTAMP.name(), v);
    }
    if replay {
        h.insert("x-idempotent-replay", HeaderValue::from_static("true"));
    }
    res
}

/// Why the [`Inbound`] extractor did not hand a request to the handler:
/// a refusal (rendered as the endpoint's error answer) or the replayed
/// answer of an X-EXTERNAL-ID seen before.
#[derive(Debug)]
pub struct Rejection {
    kind: RejectionKind,
}

#[derive(Debug)]
enum RejectionKind {
    Refused {
        meta: EndpointMeta,
        render: ErrorRenderer,
        error: ErrorReply,
    },
    Replay(Arc<StoredAnswer>),
}

impl Rejection {
    fn refused(meta: EndpointMeta, render: ErrorRenderer, error: ErrorReply) -> Self {
        Rejection {
            kind: RejectionKind::Refused {
                meta,
                render,
                error,
            },
        }
    }

    /// The refusal, when it is one (not a replay).
    pub fn error(&self) -> Option<&ErrorReply> {
        match &self.kind {
            RejectionKind::Refused { error, .. } => Some(error),
            RejectionKind::Replay(_) => None,
        }
    }
}

impl IntoResponse for Rejection {
    fn into_response(self) -> Response {
        match self.kind {
            RejectionKind::Refused {
                meta,
                render,
                error,
            } => {
                tracing::debug!(
                    target: "snap::server",
                    endpoint = meta.name,
                    refusal = %Escaped(&error.to_string()),
                    "request refused"
                );
                respond(&render(&meta, &error), false)
            }
            RejectionKind::Replay(a) => respond_bytes(a.status, a.body.clone(), true),
        }
    }
}

fn target_of(parts: &http::request::Parts) -> String {
    let uri = parts
        .extensions
        .get::<OriginalUri>()
        .map(|u| &u.0)
        .unwrap_or(&parts.uri);
    uri.path_and_query()
        .map(|pq| pq.as_str().to_owned())
        .unwrap_or_else(|| uri.path().to_owned())
}

impl<E, S> FromRequest<S> for Inbound<E>
where
    E: Endpoint + DeserializeOwned + Send + 'static,
    S: Send + Sync,
{
    type Rejection = Rejection;

    async fn from_request(req: Request, _state: &S) -> Result<Self, Rejection> {
        let meta = E::META;
        let (parts, body) = req.into_parts();
        let render = parts
            .extensions
            .get::<Render>()
            .map(|r| r.0)
            .unwrap_or(snap_renderer);
        let refuse = |e: ErrorReply| Rejection::refused(meta, render, e);
        let Some(ctx) = parts.extensions.get::<Ctx>().cloned() else {
            tracing::error!(target: "snap::server", endpoint = meta.name, "SnapLayer is not installed on this router");
            return Err(refuse(
                ErrorReply::internal().with_log("SnapLayer is not installed on this router"),
            ));
        };
        ctx.slot.with(|d| d.meta = Some((meta, render)));
        let target = target_of(&parts);
        let provider = ctx.provider;
        let head = provider
            .check_head(&meta, &parts, &target)
            .await
            .map_err(refuse)?;
        if let Some(p) = head.partner_id() {
            tracing::Span::current().record("partner", tracing::field::display(Escaped(p)));
            let p = p.to_owned();
            ctx.slot.with(|d| d.partner = Some(p));
        }
        let config = provider.config();
        let limit = config.body_limit();
        let read = axum::body::to_bytes(body, limit);
        let bytes = match tokio::time::timeout(config.body_read_timeout(), read).await {
            Ok(Ok(b)) => b,
            Ok(Err(_)) => {
                return Err(refuse(ErrorReply::bad_request(&format!(
                    "body larger than {limit} bytes, or unreadable"
                ))));
            }
            Err(_) => {
                return Err(refuse(ErrorReply::bad_request(&format!(
                    "body not received within {} ms",
                    config.body_read_timeout().as_millis()
                ))));
            }
        };
        let wait_limit = config.idempotency().wait_limit;
        let (mut head, mut bytes) = (Box::new(head), bytes);
        // A retry that waited for an abandoned original claims again; bounded.
        for _ in 0..3 {
            match provider.admit::<E>(*head, bytes).await {
                Err(e) | Ok(Admitted::Rejected(e)) => return Err(refuse(e)),
                Ok(Admitted::Refused { error, ticket }) => {
                    ctx.slot.with(|d| d.ticket = ticket);
                    return Err(refuse(error));
                }
                Ok(Admitted::Replay(answer)) => {
                    ctx.slot.with(|d| d.replay = true);
                    return Err(Rejection {
                        kind: RejectionKind::Replay(answer),
                    });
                }
                Ok(Admitted::Wait {
                    waiter,
                    head: h,
                    body: b,
                }) => match tokio::time::timeout(wait_limit, waiter.wait()).await {
                    Ok(Some(answer)) => {
                        ctx.slot.with(|d| d.replay = true);
                        return Err(Rejection {
                            kind: RejectionKind::Replay(answer),
                        });
                    }
                    Ok(None) => {
                        head = h;
                        bytes = b;
                    }
                    Err(_) => {
                        return Err(refuse(
                            ErrorReply::conflict()
                                .with_log("the original request is still running"),
                        ));
                    }
                },
                Ok(Admitted::Proceed {
                    mut inbound,
                    ticket,
                }) => {
                    ctx.slot.with(|d| d.ticket = ticket);
                    inbound.provider = Some(provider);
                    return Ok(*inbound);
                }
            }
        }
        Err(refuse(
            ErrorReply::conflict().with_log("original request abandoned repeatedly"),
        ))
    }
}

/// A typed answer of endpoint `E`, checked against `E::Response` before it
/// is sent: an answer that breaks the declaration (a mandatory field
/// missing, a field too long) is a handler bug, logged at error level and
/// answered `500{SS}01` with the SNAP body; it is never sent.
///
/// ```
/// use axum::response::IntoResponse;
/// use snap_server::SnapReply;
/// # #[snap_core::request(service = 67, method = "POST", path = "/v1.0/auth/void", response = VoidAnswer)]
/// # pub struct VoidRequest { #[snap(max = 64)] pub partner_void_no: String }
/// # /// Answer.
/// # #[snap_core::response]
/// # pub struct VoidAnswer { #[snap(max = 64)] pub partner_void_no: String }
///
/// let good = SnapReply::<VoidRequest>::ok(&VoidAnswer {
///     response_code: "2006700".into(),
///     response_message: "Successful".into(),
///     partner_void_no: "V1".into(),
/// });
/// assert_eq!(good.into_response().status(), 200);
/// // The partnerVoidNo the declaration makes mandatory is missing:
/// let bug = SnapReply::<VoidRequest>::json(200, serde_json::json!({
///     "responseCode": "2006700", "responseMessage": "Successful",
/// }));
/// assert_eq!(bug.into_response().status(), 500);
/// ```
pub struct SnapReply<E> {
    status: u16,
    body: Result<Bytes, String>,
    headers: Vec<(HeaderName, HeaderValue)>,
    _endpoint: PhantomData<fn() -> E>,
}

impl<E> std::fmt::Debug for SnapReply<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SnapReply")
            .field("status", &self.status)
            .field("valid", &self.body.is_ok())
            .finish_non_exhaustive()
    }
}

impl<E: Endpoint> SnapReply<E> {
    /// `200` with `response` (validated, serialized once).
    pub fn ok(response: &E::Response) -> Self
    where
        E::Response: serde::Serialize,
    {
        Self::with_status(200, response)
    }

    /// `status` with `response`.
    pub fn with_status(status: u16, response: &E::Response) -> Self
    where
        E::Response: serde::Serialize,
    {
        use snap_core::endpoint::Validate as _;
        let body = match response.validate() {
            Err(v) => Err(v.to_string()),
            Ok(()) => serde_json::to_vec(response)
                .map(Bytes::from)
                .map_err(|e| format!("serializing the answer: {e}")),
        };
        SnapReply {
            status,
            body,
            headers: Vec::new(),
            _endpoint: PhantomData,
        }
    }

    /// `status` with a JSON body; a `2xx` body must parse and validate as
    /// `E::Response` (snap-core's `parse_request`: every mandatory member
    /// present, every rule kept).
    pub fn json(status: u16, value: serde_json::Value) -> Self {
        Self::from_reply(Reply::json(status, &value))
    }

    /// An untyped [`Reply`], its `2xx` body checked as in [`SnapReply::json`];
    /// error answers pass as they are.
    pub fn from_reply(reply: Reply) -> Self {
        let body = if (200..300).contains(&reply.status) {
            match snap_core::endpoint::parse_request::<E::Response>(&reply.body) {
                Ok(_) => Ok(Bytes::from(reply.body)),
                Err(e) => Err(e.to_string()),
            }
        } else {
            Ok(Bytes::from(reply.body))
        };
        SnapReply {
            status: reply.status,
            body,
            headers: Vec::new(),
            _endpoint: PhantomData,
        }
    }

    /// The SNAP error answer `err` with `E`'s service code.
    pub fn error(err: &ErrorReply) -> Self {
        let r = Reply::error(E::META.service, err);
        SnapReply {
            status: r.status,
            body: Ok(Bytes::from(r.body)),
            headers: Vec::new(),
            _endpoint: PhantomData,
        }
    }

    /// Adds a response header.
    pub fn with_header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.headers.push((name, value));
        self
    }

    /// The HTTP status it will be sent with (`500` when the answer broke
    /// the declaration).
    pub fn status(&self) -> u16 {
        if self.body.is_ok() { self.status } else { 500 }
    }
}

impl<E: Endpoint> IntoResponse for SnapReply<E> {
    fn into_response(self) -> Response {
        match self.body {
            Ok(bytes) => {
                let mut res = respond_bytes(self.status, bytes, false);
                for (k, v) in self.headers {
                    res.headers_mut().insert(k, v);
                }
                res
            }
            Err(why) => {
                tracing::error!(
                    target: "snap::server",
                    endpoint = E::META.name,
                    violations = %Escaped(&why),
                    "handler answer breaks the response declaration; answered 500 instead"
                );
                let err = ErrorReply::internal().with_log(why);
                respond(&Reply::error(E::META.service, &err), false)
            }
        }
    }
}

fn method_filter(m: Method) -> axum::routing::MethodFilter {
    use axum::routing::MethodFilter;
    match m {
        Method::Get => MethodFilter::GET,
        Method::Post => MethodFilter::POST,
        Method::Put => MethodFilter::PUT,
        Method::Delete => MethodFilter::DELETE,
        Method::Patch => MethodFilter::PATCH,
    }
}

/// The route of endpoint `E` (its declared method; any other method is
/// answered `405{SS}00`) with SNAP error bodies. `handler` is any axum
/// handler; it takes [`Inbound<E>`] (and `State<S>` or other extractors).
pub fn route<E, H, T, S>(handler: H) -> MethodRouter<S>
where
    E: Endpoint,
    H: Handler<T, S>,
    T: 'static,
    S: Clone + Send + Sync + 'static,
{
    route_with::<E, H, T, S>(handler, snap_renderer)
}

/// [`route`] with refusals rendered by `render` (a provider's own error
/// format).
pub fn route_with<E, H, T, S>(handler: H, render: ErrorRenderer) -> MethodRouter<S>
where
    E: Endpoint,
    H: Handler<T, S>,
    T: 'static,
    S: Clone + Send + Sync + 'static,
{
    let meta = E::META;
    let wrong_method = move |req: Request| async move {
        let err = ErrorReply::not_supported()
            .with_log(format!("method {}", Escaped(req.method().as_str())));
        Rejection::refused(meta, render, err)
    };
    let router: MethodRouter<S> =
        axum::routing::on(method_filter(meta.method), handler).fallback(wrong_method);
    // One layer: the route's renderer for the extractor, and the answer
    // stored right at the handler.
    router.layer::<_, Infallible>(axum::middleware::from_fn(
        move |mut req: Request, next: axum::middleware::Next| {
            req.extensions_mut().insert(Render(render));
            store_at_handler(req, next)
        },
    ))
}

/// Access Token B2B (73), ready: checks `grantType` and issues a token from
/// the provider's token store; a replayed request (same client,
/// `X-TIMESTAMP`, `X-SIGNATURE`) gets the same token. Answers carry
/// `X-CLIENT-KEY`.
pub async fn access_token_b2b(
    req: Inbound<AccessTokenB2bRequest>,
) -> SnapReply<AccessTokenB2bRequest> {
    if !req
        .request
        .grant_type
        .eq_ignore_ascii_case("client_credentials")
    {
        return SnapReply::error(
            &ErrorReply::invalid_field("grantType").with_log("must be client_credentials"),
        );
    }
    let Some(provider) = req.provider.clone() else {
        return SnapReply::error(&ErrorReply::internal().with_log("no provider"));
    };
    let partner = req.partner_id().to_owned();
    let issued = match provider
        .tokens()
        .issue_b2b(&partner, Some(replay_key(&req)))
        .await
    {
        Ok(t) => t,
        Err(e) => return SnapReply::error(&ErrorReply::internal().with_log(e.to_string())),
    };
    SnapReply::json(
        200,
        serde_json::json!({
            "responseCode": "2007300",
            "responseMessage": "Successful",
            "accessToken": issued.token,
            "tokenType": "Bearer",
            "expiresIn": issued.expires_in.as_secs().to_string(),
            "additionalInfo": {},
        }),
    )
    .with_client_key(&partner)
}

fn replay_key<E>(req: &Inbound<E>) -> ReplayKey {
    let h = |name: &str| {
        req.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    };
    ReplayKey::of(
        req.partner_id(),
        h(snap_core::headers::X_TIMESTAMP.wire),
        h(snap_core::headers::X_SIGNATURE.wire),
    )
}

impl<E: Endpoint> SnapReply<E> {
    fn with_client_key(self, partner: &str) -> Self {
        match HeaderValue::from_str(partner) {
            Ok(v) => self.with_header(snap_core::headers::X_CLIENT_KEY.name(), v),
            Err(_) => self,
        }
    }
}

fn expiry(after: Duration) -> String {
    let now = SnapTimestamp::now();
    let secs = i64::try_from(after.as_secs()).unwrap_or(i64::MAX / 4);
    TimestampProfile::jakarta().format(now.unix_seconds().saturating_add(secs), 0)
}

/// Access Token B2B2C (74), ready: `AUTHORIZATION_CODE` (redeemed with the
/// provider's [`AuthCodes`](crate::AuthCodes)) or `REFRESH_TOKEN` (single
/// use); a replayed request gets the same tokens.
pub async fn access_token_b2b2c(
    req: Inbound<AccessTokenB2b2cRequest>,
) -> SnapReply<AccessTokenB2b2cRequest> {
    let Some(provider) = req.provider.clone() else {
        return SnapReply::error(&ErrorReply::internal().with_log("no provider"));
    };
    let partner = req.partner_id().to_owned();
    let key = replay_key(&req);
    let grant = req.request.grant_type.to_ascii_uppercase();
    let tokens = match grant.as_str() {
        "AUTHORIZATION_CODE" => {
            let code = req
                .request
                .auth_code
                .as_ref()
                .map(|c| c.expose().as_str())
                .unwrap_or("");
            let customer = match provider.auth_codes() {
                Some(codes) => match codes.redeem(&partner, code).await {
                    Ok(c) => c,
                    Err(e) => {
                        return SnapReply::error(&ErrorReply::internal().with_log(e.to_string()));
                    }
                },
                None => None,
            };
            let Some(customer) = customer else {
                return SnapReply::error(&ErrorReply::unauthorized("Invalid authCode"));
            };
            match provider
                .tokens()
                .issue_customer(&partner, &customer, Some(key))
                .await
            {
                Ok(t) => t,
                Err(e) => {
                    return SnapReply::error(&ErrorReply::internal().with_log(e.to_string()));
                }
            }
        }
        "REFRESH_TOKEN" => {
            let refresh = req
                .request
                .refresh_token
                .as_ref()
                .map(|c| c.expose().as_str())
                .unwrap_or("");
            match provider
                .tokens()
                .refresh_customer(&partner, refresh, Some(key))
                .await
            {
                Ok(t) => t,
                Err(crate::tokens::RefreshError::Token(p)) => {
                    return SnapReply::error(
                        &ErrorReply::unauthorized("Invalid refreshToken").with_log(p.to_string()),
                    );
                }
                Err(e) => {
                    return SnapReply::error(&ErrorReply::internal().with_log(e.to_string()));
                }
            }
        }
        _ => {
            return SnapReply::error(
                &ErrorReply::invalid_field("grantType")
                    .with_log("AUTHORIZATION_CODE or REFRESH_TOKEN"),
            );
        }
    };
    SnapReply::json(
        200,
        serde_json::json!({
            "responseCode": "2007400",
            "responseMessage": "Successful",
            "accessToken": tokens.access.token,
            "tokenType": "Bearer",
            "accessTokenExpiryTime": expiry(tokens.access.expires_in),
            "refreshToken": tokens.refresh.token,
            "refreshTokenExpiryTime": expiry(tokens.refresh.expires_in),
            "additionalInfo": { "customerId": tokens.customer },
        }),
    )
    .with_client_key(&partner)
}

/// The token endpoints 73 and 74 at their BI paths
/// (`/v1.0/access-token/b2b`, `/v1.0/access-token/b2b2c`), backed by the
/// provider's token store. Merge into a router that has [`SnapLayer`].
pub fn token_routes<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
{
    Router::new()
        .route(
            AccessTokenB2bRequest::META.path,
            route::<AccessTokenB2bRequest, _, _, S>(access_token_b2b),
        )
        .route(
            AccessTokenB2b2cRequest::META.path,
            route::<AccessTokenB2b2cRequest, _, _, S>(access_token_b2b2c),
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_logged_code_is_read_without_parsing() {
        assert_eq!(
            response_code_of(br#"{"responseCode":"2006300","responseMessage":"x"}"#),
            "2006300"
        );
        assert_eq!(
            response_code_of(br#"{"a":"\"","rc": "SUCCESS"}"#),
            "SUCCESS"
        );
        assert_eq!(
            response_code_of(br#"{"responseCode":600,"success":true}"#),
            "600"
        );
        assert_eq!(response_code_of(b"not json"), "-");
    }
}
