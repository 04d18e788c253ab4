//! axum glue: one `MethodRouter` per declared endpoint that runs the checks
//! of [`Provider`], the handler, and the idempotent replay.

use std::future::Future;
use std::sync::Arc;
use std::time::Instant;

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use axum::routing::MethodRouter;
use serde::de::DeserializeOwned;

use super::check::{Admitted, Inbound, Provider};
use super::error::{ErrorReply, Reply};
use super::idempotency::StoredAnswer;
use snap_core::endpoint::{Endpoint, EndpointMeta, Method};
use snap_core::sign::AccessToken;

/// Renders a refusal for an endpoint. [`snap_renderer`] writes the SNAP body
/// (`responseCode` + `responseMessage`); a non-SNAP endpoint passes its
/// provider's format to [`route_with`].
pub type ErrorRenderer = fn(&EndpointMeta, &ErrorReply) -> Reply;

/// The SNAP error body with the endpoint's service code.
pub fn snap_renderer(meta: &EndpointMeta, err: &ErrorReply) -> Reply {
    Reply::error(meta.service, err)
}

/// A handler of a checked request of endpoint `E`. Implemented for every
/// `Fn(Inbound<E>) -> impl Future<Output = Reply>` that is `Clone + Send +
/// Sync + 'static`.
pub trait SnapHandler<E>: Clone + Send + Sync + 'static {
    /// Answers a request that passed every check.
    fn call(&self, request: Inbound<E>) -> impl Future<Output = Reply> + Send + 'static;
}

impl<E, F, Fut> SnapHandler<E> for F
where
    F: Fn(Inbound<E>) -> Fut + Clone + Send + Sync + 'static,
    Fut: Future<Output = Reply> + Send + 'static,
{
    fn call(&self, request: Inbound<E>) -> impl Future<Output = Reply> + Send + 'static {
        self(request)
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

/// The route for endpoint `E` with SNAP error bodies.
pub fn route<E, H>(provider: Arc<Provider>, handler: H) -> MethodRouter
where
    E: Endpoint + DeserializeOwned + Send + 'static,
    H: SnapHandler<E>,
{
    route_with::<E, H>(provider, handler, snap_renderer)
}

/// The route for endpoint `E`, refusals rendered by `render`. Any other HTTP
/// method on the path is answered `405{SS}00`.
pub fn route_with<E, H>(provider: Arc<Provider>, handler: H, render: ErrorRenderer) -> MethodRouter
where
    E: Endpoint + DeserializeOwned + Send + 'static,
    H: SnapHandler<E>,
{
    let meta = E::META;
    let p = provider.clone();
    let serve_it = move |req: Request| {
        let provider = p.clone();
        let handler = handler.clone();
        async move { serve::<E, H>(provider, handler, render, req).await }
    };
    let wrong_method = move |req: Request| async move {
        let err = ErrorReply::not_supported().with_log(format!("method {}", req.method()));
        log_line(
            &meta,
            req.method().as_str(),
            req.uri().path(),
            &render(&meta, &err),
            None,
            Instant::now(),
        );
        respond(&render(&meta, &err), false)
    };
    axum::routing::on(method_filter(meta.method), serve_it).fallback(wrong_method)
}

async fn serve<E, H>(
    provider: Arc<Provider>,
    handler: H,
    render: ErrorRenderer,
    req: Request,
) -> Response
where
    E: Endpoint + DeserializeOwned + Send + 'static,
    H: SnapHandler<E>,
{
    let started = Instant::now();
    let meta = E::META;
    let method = req.method().as_str().to_owned();
    let path = req.uri().path().to_owned();
    let (parts, body) = req.into_parts();
    let refuse = |err: ErrorReply, partner: Option<&str>| {
        let reply = render(&meta, &err);
        tracing::debug!(endpoint = meta.name, refusal = %err, "request refused");
        log_line(&meta, &method, &path, &reply, partner, started);
        respond(&reply, false)
    };

    let head = match provider.check_head(&meta, &parts) {
        Ok(h) => h,
        Err(e) => return refuse(e, None),
    };
    let partner = head.partner_id().map(str::to_owned);
    let bytes = match axum::body::to_bytes(body, provider.config().body_limit()).await {
        Ok(b) => b,
        Err(_) => {
            let err = ErrorReply::bad_request(&format!(
                "body larger than {} bytes, or unreadable",
                provider.config().body_limit()
            ));
            return refuse(err, partner.as_deref());
        }
    };
    let mut head = Some(head);
    let mut bytes = Some(bytes);
    // A retry that waited for an abandoned original claims again; bounded.
    for _ in 0..3 {
        let (h, b) = match (head.take(), bytes.take()) {
            (Some(h), Some(b)) => (h, b),
            _ => break,
        };
        match provider.admit::<E>(h, b) {
            Err(e) => return refuse(e, partner.as_deref()),
            Ok(Admitted::Refused { error, ticket }) => {
                tracing::debug!(endpoint = meta.name, refusal = %error, "request refused");
                let reply = render(&meta, &error);
                if let Some(t) = ticket {
                    t.complete(StoredAnswer {
                        status: reply.status,
                        content_type: "application/json".to_owned(),
                        body: reply.body.clone(),
                    });
                }
                log_line(&meta, &method, &path, &reply, partner.as_deref(), started);
                return respond(&reply, false);
            }
            Ok(Admitted::Replay(answer)) => {
                let reply = Reply {
                    status: answer.status,
                    body: answer.body.clone(),
                };
                log_line(&meta, &method, &path, &reply, partner.as_deref(), started);
                return respond(&reply, true);
            }
            Ok(Admitted::Wait {
                waiter,
                head: h2,
                body: b2,
            }) => match waiter.wait().await {
                Some(answer) => {
                    let reply = Reply {
                        status: answer.status,
                        body: answer.body.clone(),
                    };
                    log_line(&meta, &method, &path, &reply, partner.as_deref(), started);
                    return respond(&reply, true);
                }
                None => {
                    head = Some(*h2);
                    bytes = Some(b2);
                }
            },
            Ok(Admitted::Proceed { inbound, ticket }) => {
                // Run the handler on its own task: it finishes (and its answer
                // is stored for replays) even when the client hangs up.
                let task = tokio::spawn(async move {
                    let reply = handler.call(*inbound).await;
                    if let Some(t) = ticket {
                        t.complete(StoredAnswer {
                            status: reply.status,
                            content_type: "application/json".to_owned(),
                            body: reply.body.clone(),
                        });
                    }
                    reply
                });
                let reply = match task.await {
                    Ok(r) => r,
                    Err(e) => render(
                        &meta,
                        &ErrorReply::internal().with_log(format!("handler failed: {e}")),
                    ),
                };
                log_line(&meta, &method, &path, &reply, partner.as_deref(), started);
                let mut res = respond(&reply, false);
                // Access-token answers carry X-CLIENT-KEY (BI 73/74 response headers).
                if meta.signature.is::<AccessToken>()
                    && let Some(v) = partner
                        .as_deref()
                        .and_then(|p| HeaderValue::from_str(p).ok())
                {
                    res.headers_mut()
                        .insert(snap_core::headers::X_CLIENT_KEY.name(), v);
                }
                return res;
            }
        }
    }
    refuse(
        ErrorReply::conflict().with_log("original request abandoned repeatedly"),
        partner.as_deref(),
    )
}

fn response_code_of(body: &[u8]) -> String {
    serde_json::from_slice::<serde_json::Value>(body)
        .ok()
        .and_then(|v| {
            v.get("responseCode")
                .or_else(|| v.get("rc"))
                .map(|c| match c {
                    serde_json::Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
        })
        .unwrap_or_else(|| "-".to_owned())
}

fn log_line(
    meta: &EndpointMeta,
    method: &str,
    path: &str,
    reply: &Reply,
    partner: Option<&str>,
    started: Instant,
) {
    tracing::info!(
        target: "snap::server",
        "{method} {path} -> {} {} ({}, partner {}, {} us)",
        reply.status,
        response_code_of(&reply.body),
        meta.name,
        partner.unwrap_or("-"),
        started.elapsed().as_micros()
    );
}

/// Builds the HTTP response: JSON body, `X-TIMESTAMP` now (Jakarta), and
/// `X-Idempotent-Replay: true` on a replayed answer.
fn respond(reply: &Reply, replay: bool) -> Response {
    let status = StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut res = Response::new(Body::from(reply.body.clone()));
    *res.status_mut() = status;
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    if let Ok(v) = HeaderValue::from_str(&super::check::now_timestamp()) {
        h.insert(snap_core::headers::X_TIMESTAMP.name(), v);
    }
    if replay {
        h.insert("x-idempotent-replay", HeaderValue::from_static("true"));
    }
    res
}
