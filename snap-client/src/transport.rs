//! The HTTP exchange, behind a trait: bring your own HTTP stack.
//!
//! [`SnapClient`](super::SnapClient) builds, signs and judges requests; a
//! [`Transport`] only carries one signed request to the provider and brings
//! back the status and the body. The default is [`ReqwestTransport`] over a
//! `reqwest::Client` (rustls, certificate verification always on, no
//! redirects followed), which you can also configure yourself (proxy, user
//! agent, mutual TLS, a private root CA) and hand to
//! [`SnapClient::with_http_client`](super::SnapClient::with_http_client).
//! Tests and unusual stacks implement [`Transport`] directly; the crate ships
//! one, [`RecordedTransport`](super::mock::RecordedTransport), that answers
//! from a script and records what it was sent.
//!
//! The client puts its own per-attempt timeout
//! ([`ClientConfig::timeout`](super::ClientConfig::timeout)) around every
//! [`Transport::send`], so a transport need not implement one.

use std::fmt;
use std::time::Duration;

use snap_core::endpoint::PreparedHeaders;

use super::resolve::BoxFuture;

/// One signed request, ready to go: send these headers and exactly these
/// body bytes (they are what the signature covers).
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct HttpRequest<'a> {
    /// The HTTP method.
    pub method: &'a http::Method,
    /// The full URL: base URL + the path as signed.
    pub url: &'a str,
    /// The path as signed (prefix, declared path and query).
    pub path: &'a str,
    /// The headers (Content-Type, SNAP headers, signature): write them into
    /// the outgoing request with [`PreparedHeaders::write_into`] (or convert
    /// with [`PreparedHeaders::to_header_map`]).
    pub headers: &'a PreparedHeaders,
    /// The body bytes, as signed.
    pub body: &'a [u8],
    /// The per-attempt time limit (the client enforces it too).
    pub timeout: Duration,
}

/// What came back: the HTTP status and the body bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct HttpAnswer {
    /// The HTTP status.
    pub status: u16,
    /// The body bytes.
    pub body: Vec<u8>,
}

impl HttpAnswer {
    /// An answer with this status and body.
    pub fn new(status: u16, body: impl Into<Vec<u8>>) -> Self {
        HttpAnswer {
            status,
            body: body.into(),
        }
    }
}

/// How an exchange failed, as far as retrying and reporting go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// No answer within the time limit: the request may have reached the
    /// provider.
    Timeout,
    /// The connection could not be made (refused, unreachable, DNS): the
    /// request did not reach the provider.
    Connect,
    /// The TLS handshake failed because **this client** refused the server's
    /// certificate (unknown issuer, wrong name, expired). Nothing was sent;
    /// resending will not help.
    TlsServerRejected,
    /// The TLS handshake failed because **the server** refused this client
    /// (it sent a TLS alert, e.g. `CertificateRequired` when it requires a
    /// client certificate, `UnknownCA` / `BadCertificate` when it does not
    /// accept the one presented). Nothing was processed; resending will not
    /// help.
    TlsClientRejected,
    /// Anything else (connection reset mid-request, a broken answer): the
    /// request may have reached the provider.
    Other,
}

impl TransportErrorKind {
    /// Whether the failure proves that the provider did not process the
    /// request (a connection never made, a handshake refused).
    pub fn nothing_sent(self) -> bool {
        matches!(
            self,
            TransportErrorKind::Connect
                | TransportErrorKind::TlsServerRejected
                | TransportErrorKind::TlsClientRejected
        )
    }

    /// Whether this is a TLS handshake refusal (by either side).
    pub fn is_tls_refusal(self) -> bool {
        matches!(
            self,
            TransportErrorKind::TlsServerRejected | TransportErrorKind::TlsClientRejected
        )
    }
}

/// A failed exchange: its kind and a description (no secrets: transports
/// never see more than the signed request).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct TransportError {
    /// The kind (decides retrying and reporting).
    pub kind: TransportErrorKind,
    /// What happened.
    pub message: String,
}

impl TransportError {
    /// A failure of this kind.
    pub fn new(kind: TransportErrorKind, message: impl Into<String>) -> Self {
        TransportError {
            kind,
            message: message.into(),
        }
    }

    /// No answer in time.
    pub fn timeout() -> Self {
        TransportError::new(TransportErrorKind::Timeout, "no answer in time")
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            TransportErrorKind::TlsServerRejected => write!(
                f,
                "TLS handshake failed: this client refused the server's certificate ({}); nothing was sent",
                self.message
            ),
            TransportErrorKind::TlsClientRejected => write!(
                f,
                "TLS handshake failed: the server refused this client ({}); it may require a client certificate (mutual TLS) or not accept the one presented; nothing was processed",
                self.message
            ),
            _ => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for TransportError {}

/// Carries one signed request and brings back the answer. Implement it to
/// use another HTTP stack, or to answer from a script in tests
/// ([`RecordedTransport`](super::mock::RecordedTransport)).
///
/// ```
/// use snap_client::{BoxFuture, HttpAnswer, HttpRequest, Transport, TransportError};
///
/// /// Answers every request with a fixed success.
/// struct Always200;
///
/// impl Transport for Always200 {
///     fn send<'a>(
///         &'a self,
///         _request: HttpRequest<'a>,
///     ) -> BoxFuture<'a, Result<HttpAnswer, TransportError>> {
///         Box::pin(async {
///             Ok(HttpAnswer::new(200, br#"{"responseCode":"2007300"}"#.to_vec()))
///         })
///     }
/// }
/// ```
pub trait Transport: Send + Sync + 'static {
    /// Sends `request` and returns the status and body, or why no answer came.
    fn send<'a>(
        &'a self,
        request: HttpRequest<'a>,
    ) -> BoxFuture<'a, Result<HttpAnswer, TransportError>>;
}

/// The default transport: a `reqwest::Client`.
///
/// Built by [`SnapClient::new`](super::SnapClient::new) from the config
/// (rustls with the platform's roots plus
/// [`ClientConfig::with_root_certificate_pem`](super::ClientConfig::with_root_certificate_pem),
/// the client certificate of
/// [`ClientConfig::with_identity_pem`](super::ClientConfig::with_identity_pem),
/// no redirects), or wrapping a client you configured
/// ([`SnapClient::with_http_client`](super::SnapClient::with_http_client)).
/// An answer that comes from another URL than the one requested (a client
/// that follows redirects) is refused as a transport error: the signed path
/// would not be the path that answered.
#[derive(Debug, Clone)]
pub struct ReqwestTransport {
    client: reqwest::Client,
}

impl ReqwestTransport {
    /// Wraps `client`.
    pub fn new(client: reqwest::Client) -> Self {
        ReqwestTransport { client }
    }
}

impl Transport for ReqwestTransport {
    fn send<'a>(
        &'a self,
        request: HttpRequest<'a>,
    ) -> BoxFuture<'a, Result<HttpAnswer, TransportError>> {
        Box::pin(async move {
            // Parsed as reqwest parses it (host case, default port), to
            // compare with the URL that answered.
            let requested = reqwest::Url::parse(request.url).map_err(|e| {
                TransportError::new(
                    TransportErrorKind::Other,
                    format!("bad URL {}: {e}", request.url),
                )
            })?;
            let mut outgoing = self
                .client
                .request(request.method.clone(), requested.clone())
                .body(request.body.to_vec())
                .timeout(request.timeout)
                .build()
                .map_err(|e| classify(&e))?;
            // Straight into reqwest's own header map: no intermediate map.
            request.headers.write_into(outgoing.headers_mut());
            let response = self
                .client
                .execute(outgoing)
                .await
                .map_err(|e| classify(&e))?;
            if *response.url() != requested {
                return Err(TransportError::new(
                    TransportErrorKind::Other,
                    format!(
                        "the answer came from {} after a redirect; the signed path was {} (configure the reqwest client with redirect::Policy::none())",
                        response.url(),
                        request.path
                    ),
                ));
            }
            let status = response.status().as_u16();
            let body = response.bytes().await.map_err(|e| classify(&e))?;
            Ok(HttpAnswer::new(status, body.to_vec()))
        })
    }
}

/// The whole chain of `err`'s sources, as one line.
pub(crate) fn describe(err: &(dyn std::error::Error + 'static)) -> String {
    let mut out = err.to_string();
    let mut source = err.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        source = s.source();
    }
    out
}

/// The rustls error somewhere in `err`'s chain (`io::Error` hides its inner
/// error from `source()`, so it is opened by hand).
fn find_tls_error<'e>(err: &'e (dyn std::error::Error + 'static)) -> Option<&'e rustls::Error> {
    let mut next = Some(err);
    while let Some(e) = next {
        if let Some(tls) = e.downcast_ref::<rustls::Error>() {
            return Some(tls);
        }
        if let Some(io) = e.downcast_ref::<std::io::Error>()
            && let Some(inner) = io.get_ref()
            && let Some(tls) = find_tls_error(inner)
        {
            return Some(tls);
        }
        next = e.source();
    }
    None
}

/// Which side a TLS failure came from.
pub(crate) fn tls_kind(err: &rustls::Error) -> TransportErrorKind {
    match err {
        rustls::Error::AlertReceived(_) => TransportErrorKind::TlsClientRejected,
        rustls::Error::InvalidCertificate(_)
        | rustls::Error::NoCertificatesPresented
        | rustls::Error::InvalidCertRevocationList(_)
        | rustls::Error::UnsupportedNameType => TransportErrorKind::TlsServerRejected,
        _ => TransportErrorKind::Other,
    }
}

fn classify(err: &reqwest::Error) -> TransportError {
    let message = describe(err);
    if let Some(tls) = find_tls_error(err) {
        let kind = tls_kind(tls);
        if kind != TransportErrorKind::Other {
            let detail = match tls {
                rustls::Error::AlertReceived(alert) => format!("received TLS alert {alert:?}"),
                other => other.to_string(),
            };
            return TransportError::new(kind, detail);
        }
    }
    let kind = if err.is_timeout() {
        TransportErrorKind::Timeout
    } else if err.is_connect() {
        TransportErrorKind::Connect
    } else {
        TransportErrorKind::Other
    };
    TransportError::new(kind, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tls_errors_name_the_side_that_refused() {
        let alert = rustls::Error::AlertReceived(rustls::AlertDescription::CertificateRequired);
        assert_eq!(tls_kind(&alert), TransportErrorKind::TlsClientRejected);
        let unknown = rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer);
        assert_eq!(tls_kind(&unknown), TransportErrorKind::TlsServerRejected);
        // Found inside an io::Error, as hyper wraps it.
        let io = std::io::Error::other(alert);
        assert!(find_tls_error(&io).is_some());
        let shown = TransportError::new(TransportErrorKind::TlsClientRejected, "alert").to_string();
        assert!(shown.contains("the server refused this client"), "{shown}");
        let shown = TransportError::new(TransportErrorKind::TlsServerRejected, "x").to_string();
        assert!(shown.contains("this client refused the server"), "{shown}");
        assert!(TransportErrorKind::Connect.nothing_sent());
        assert!(!TransportErrorKind::Timeout.nothing_sent());
    }
}
