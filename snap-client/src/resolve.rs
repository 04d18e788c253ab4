//! Settling a `409{SS}00` answer to a retry.
//!
//! When an attempt times out (or the connection drops, or a retryable 5xx
//! comes back) the client resends the same `X-EXTERNAL-ID` with the same body.
//! A provider that follows the BI standard strictly answers such a retry with
//! `409{SS}00 Conflict` ("Cannot use same X-EXTERNAL-ID in same day"), which
//! means an earlier attempt *did* reach it: the transaction may exist. The
//! client then asks the endpoint's status query, if one is configured for the
//! endpoint type in [`RetryRules`](super::RetryRules), and returns
//! [`ClientError::AlreadyProcessed`](super::ClientError::AlreadyProcessed)
//! with the query's answer; otherwise it reports the 409 plainly with the
//! `X-EXTERNAL-ID` and the partner reference.
//!
//! Core knows no concrete endpoint; the declarations say which query settles
//! which operation by implementing
//! [`StatusQueried`](snap_core::endpoint::StatusQueried) (Auth Payment 63 ->
//! Auth Query 64, Virtual Account Payment 25 -> Inquiry Status 26, ...), and
//! [`RetryRules::status_query`](super::RetryRules::status_query) plugs that
//! in. [`StatusQuery`] builds a query by hand, for an operation without the
//! trait.

use std::any::Any;
use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::Arc;

use serde::de::DeserializeOwned;

use super::error::{ClientError, ConfigError};
use super::{CallOptions, CustomerToken, RawAnswer, SnapClient};
use snap_core::endpoint::{Endpoint, EndpointMeta, StatusQueried};

/// A boxed future, as [`ConflictResolver`] returns.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// What a resolver is told about the call that met a `409{SS}00`.
#[derive(Debug, Clone, Copy)]
pub struct ConflictContext<'a> {
    /// The endpoint that was called.
    pub endpoint: &'a EndpointMeta,
    /// The `X-EXTERNAL-ID` all attempts carried.
    pub external_id: &'a str,
    /// The exact body bytes all attempts carried.
    pub body: &'a [u8],
    /// The body's `partnerReferenceNo`, if any.
    pub partner_reference: Option<&'a str>,
    /// The customer token of the call (B2B2C), for a status query that
    /// needs one too.
    pub customer: Option<&'a CustomerToken>,
    /// The typed request of the call (`None` for type-erased calls such as
    /// `snap call`): downcast it to the endpoint's request type.
    pub request: Option<&'a (dyn Any + Send + Sync)>,
}

/// Finds out what became of a call whose retry was answered `409{SS}00`.
pub trait ConflictResolver: Send + Sync {
    /// Asks the provider (usually through a status query) and returns its
    /// answer.
    fn resolve<'a>(
        &'a self,
        client: &'a SnapClient,
        ctx: ConflictContext<'a>,
    ) -> BoxFuture<'a, Result<Resolution, ClientError>>;
}

/// A status query's answer.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Resolution {
    /// The query endpoint's name (`"Auth Query"`).
    pub endpoint: String,
    /// HTTP status of its answer.
    pub http_status: u16,
    /// Its `responseCode`, if any.
    pub response_code: Option<String>,
    /// Its `responseMessage`, if any.
    pub message: Option<String>,
    /// Its raw body (the transaction status is in there, in the query's
    /// own fields).
    pub body: Vec<u8>,
}

impl Resolution {
    pub(crate) fn from_raw(endpoint: &str, raw: &RawAnswer) -> Resolution {
        let json: Option<serde_json::Value> = serde_json::from_slice(&raw.body).ok();
        let field = |name: &str| {
            json.as_ref()
                .and_then(|j| j.get(name))
                .and_then(|v| v.as_str())
                .map(str::to_owned)
        };
        Resolution {
            endpoint: endpoint.to_owned(),
            http_status: raw.http_status,
            response_code: field("responseCode"),
            message: field("responseMessage"),
            body: raw.body.clone(),
        }
    }
}

impl fmt::Display for Resolution {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} answered HTTP {}", self.endpoint, self.http_status)?;
        if let Some(c) = &self.response_code {
            write!(f, " {c}")?;
        }
        if let Some(m) = &self.message {
            write!(f, " {m}")?;
        }
        write!(f, ": {}", String::from_utf8_lossy(&self.body))
    }
}

/// Builds a status query from the original request body.
type BuildQuery<Q> = Box<dyn Fn(&serde_json::Value) -> Option<Q> + Send + Sync>;

/// A resolver that calls the status query `Q`, built from the original
/// request body (as JSON) by a function. When the function returns `None`
/// (the body lacks what the query needs), nothing is asked and the 409 is
/// reported plainly.
pub struct StatusQuery<Q> {
    build: BuildQuery<Q>,
    _query: PhantomData<fn() -> Q>,
}

impl<Q> StatusQuery<Q>
where
    Q: Endpoint + serde::Serialize + Send + Sync + 'static,
{
    /// A resolver that builds `Q` with `build` and calls it, ready for
    /// [`RetryRules::resolver`](super::RetryRules::resolver). For an
    /// operation that implements [`StatusQueried`], prefer
    /// [`RetryRules::status_query`](super::RetryRules::status_query).
    pub fn resolver(
        build: impl Fn(&serde_json::Value) -> Option<Q> + Send + Sync + 'static,
    ) -> Arc<dyn ConflictResolver> {
        Arc::new(StatusQuery {
            build: Box::new(build),
            _query: PhantomData,
        })
    }
}

impl<Q> ConflictResolver for StatusQuery<Q>
where
    Q: Endpoint + serde::Serialize + Send + Sync + 'static,
{
    fn resolve<'a>(
        &'a self,
        client: &'a SnapClient,
        ctx: ConflictContext<'a>,
    ) -> BoxFuture<'a, Result<Resolution, ClientError>> {
        Box::pin(async move {
            let original: serde_json::Value =
                serde_json::from_slice(ctx.body).map_err(|e| ClientError::Decode {
                    endpoint: ctx.endpoint.name.to_owned(),
                    http_status: 0,
                    external_id: ctx.external_id.to_owned(),
                    message: format!("original body is not JSON: {e}"),
                    raw_body: ctx.body.to_vec(),
                })?;
            let query = (self.build)(&original).ok_or(ConfigError::StatusQueryNotBuilt {
                query: Q::META.name,
                endpoint: ctx.endpoint.name,
            })?;
            ask(client, &query, &ctx).await
        })
    }
}

/// Sends `query` with the call's customer token.
async fn ask<Q>(
    client: &SnapClient,
    query: &Q,
    ctx: &ConflictContext<'_>,
) -> Result<Resolution, ClientError>
where
    Q: Endpoint + serde::Serialize + Send + Sync + 'static,
{
    let mut options = CallOptions::default();
    if let Some(customer) = ctx.customer {
        options = options.customer(customer);
    }
    let raw = client.send(query, options).await?;
    Ok(Resolution::from_raw(Q::META.name, &raw))
}

/// The resolver of [`RetryRules::status_query`](super::RetryRules::status_query):
/// `E`'s own [`StatusQueried::status_query`], built from the typed request
/// of the call (or, for a type-erased call, from its body bytes).
pub(crate) struct ByStatusQuery<E>(PhantomData<fn() -> E>);

impl<E> ByStatusQuery<E> {
    pub(crate) fn new() -> Self {
        ByStatusQuery(PhantomData)
    }
}

impl<E> ConflictResolver for ByStatusQuery<E>
where
    E: StatusQueried + DeserializeOwned + Send + Sync + 'static,
    E::Query: Send + Sync + 'static,
{
    fn resolve<'a>(
        &'a self,
        client: &'a SnapClient,
        ctx: ConflictContext<'a>,
    ) -> BoxFuture<'a, Result<Resolution, ClientError>> {
        Box::pin(async move {
            let typed = ctx.request.and_then(|r| r.downcast_ref::<E>());
            let query = match typed {
                Some(original) => original.status_query(),
                None => serde_json::from_slice::<E>(ctx.body)
                    .ok()
                    .and_then(|original| original.status_query()),
            }
            .ok_or(ConfigError::StatusQueryNotBuilt {
                query: <E::Query as Endpoint>::META.name,
                endpoint: ctx.endpoint.name,
            })?;
            ask(client, &query, &ctx).await
        })
    }
}
