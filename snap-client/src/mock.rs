//! A [`Transport`] that answers from a script and records what it was sent:
//! for testing code that uses [`SnapClient`](super::SnapClient) without a
//! network (this crate's own tests use it).
//!
//! Answers are recorded per path (the path as signed, without the query);
//! each request to a path takes the next answer queued for it; once the
//! queue is empty, the last answer taken is repeated. A path with no answer
//! at all gets a 404 with a SNAP-shaped body.
//!
//! ```
//! use snap_client::mock::{Recorded, RecordedTransport};
//! use snap_client::{ClientConfig, SnapClient};
//!
//! let transport = RecordedTransport::new()
//!     .on("/v1.0/access-token/b2b", Recorded::json(200, serde_json::json!({
//!         "responseCode": "2007300", "responseMessage": "Successful",
//!         "accessToken": "token-1", "tokenType": "Bearer", "expiresIn": "900"
//!     })));
//! let pem = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/client/test-key.pem"))?;
//! let config = ClientConfig::new("https://provider.example", "client-1")
//!     .with_client_secret("secret")
//!     .with_private_key_pem(&pem)?;
//! let client = SnapClient::with_transport(config, transport.clone())?;
//! # let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
//! # rt.block_on(async {
//! client.b2b_token().await?;
//! assert_eq!(transport.count("/v1.0/access-token/b2b"), 1);
//! assert!(transport.requests()[0].header("x-signature").is_some());
//! # Ok::<(), snap_client::ClientError>(())
//! # })?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use super::resolve::BoxFuture;
use super::transport::{HttpAnswer, HttpRequest, Transport, TransportError, TransportErrorKind};

/// One scripted reaction.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Recorded {
    /// Waited before reacting (to widen races, or to outlast the client's
    /// timeout).
    pub delay: Duration,
    /// The answer, or the failure.
    pub result: Result<HttpAnswer, TransportError>,
}

impl Recorded {
    /// Answers `status` with `body`.
    pub fn answer(status: u16, body: impl Into<Vec<u8>>) -> Self {
        Recorded {
            delay: Duration::ZERO,
            result: Ok(HttpAnswer::new(status, body)),
        }
    }

    /// Answers `status` with `body` as JSON.
    pub fn json(status: u16, body: serde_json::Value) -> Self {
        Recorded::answer(status, body.to_string())
    }

    /// Fails with `kind` (a refused connection, a TLS refusal, ...).
    pub fn failure(kind: TransportErrorKind, message: &str) -> Self {
        Recorded {
            delay: Duration::ZERO,
            result: Err(TransportError::new(kind, message)),
        }
    }

    /// Never answers (the client's timeout ends the attempt).
    pub fn silence() -> Self {
        Recorded {
            delay: Duration::from_secs(3600),
            result: Err(TransportError::timeout()),
        }
    }

    /// This reaction after `delay`.
    pub fn after(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }
}

/// A request as the transport received it.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct SentRequest {
    /// The HTTP method.
    pub method: http::Method,
    /// The path as signed (query included).
    pub path: String,
    /// The headers (tokens included: keep recordings out of logs).
    pub headers: http::HeaderMap,
    /// The body bytes.
    pub body: Vec<u8>,
}

impl SentRequest {
    /// A header's value as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

#[derive(Debug, Default)]
struct Script {
    /// Per path: the answers still queued, and the last one taken.
    answers: HashMap<String, (VecDeque<Recorded>, Option<Recorded>)>,
    sent: Vec<SentRequest>,
}

/// A scripted, recording [`Transport`]. Cheap to clone: clones share the
/// script and the recording.
#[derive(Debug, Clone, Default)]
pub struct RecordedTransport {
    script: Arc<Mutex<Script>>,
}

impl RecordedTransport {
    /// A transport with an empty script.
    pub fn new() -> Self {
        RecordedTransport::default()
    }

    /// Queues `reaction` for the next request to `path`.
    pub fn on(self, path: &str, reaction: Recorded) -> Self {
        self.push(path, reaction);
        self
    }

    /// Queues `reaction` for the next request to `path` (on a shared clone).
    pub fn push(&self, path: &str, reaction: Recorded) {
        self.lock()
            .answers
            .entry(path.to_owned())
            .or_default()
            .0
            .push_back(reaction);
    }

    /// Every request received, in order.
    pub fn requests(&self) -> Vec<SentRequest> {
        self.lock().sent.clone()
    }

    /// The requests received for `path`.
    pub fn requests_to(&self, path: &str) -> Vec<SentRequest> {
        self.lock()
            .sent
            .iter()
            .filter(|r| r.path.split('?').next() == Some(path))
            .cloned()
            .collect()
    }

    /// How many requests `path` received.
    pub fn count(&self, path: &str) -> usize {
        self.requests_to(path).len()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Script> {
        self.script.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn next(&self, request: &HttpRequest<'_>) -> Recorded {
        let mut script = self.lock();
        script.sent.push(SentRequest {
            method: request.method.clone(),
            path: request.path.to_owned(),
            headers: request.headers.to_header_map(),
            body: request.body.to_vec(),
        });
        let path = request.path.split('?').next().unwrap_or_default();
        match script.answers.get_mut(path) {
            Some((queue, last)) => {
                if let Some(next) = queue.pop_front() {
                    *last = Some(next);
                }
                last.clone()
            }
            None => None,
        }
        .unwrap_or_else(|| {
            Recorded::json(
                404,
                serde_json::json!({
                    "responseCode": "4040000",
                    "responseMessage": format!("RecordedTransport: nothing recorded for {path}"),
                }),
            )
        })
    }
}

impl Transport for RecordedTransport {
    fn send<'a>(
        &'a self,
        request: HttpRequest<'a>,
    ) -> BoxFuture<'a, Result<HttpAnswer, TransportError>> {
        let reaction = self.next(&request);
        Box::pin(async move {
            if !reaction.delay.is_zero() {
                tokio::time::sleep(reaction.delay).await;
            }
            reaction.result
        })
    }
}
