//! Probes on the wire: a request written header by header (so that a
//! check can leave one out or spoil it) and the answer as received.

use std::time::Duration;

use serde_json::Value;

/// One request, exactly as it will be sent.
#[derive(Debug, Clone)]
pub struct Probe {
    /// `POST`, `GET`, ...
    pub method: String,
    /// The path as sent and signed: prefix, path, query.
    pub path: String,
    /// Headers in order, names as the documents spell them.
    pub headers: Vec<(String, Vec<u8>)>,
    /// The body bytes.
    pub body: Vec<u8>,
}

impl Probe {
    /// The value of header `name` (any case), if set.
    pub fn header(&self, name: &str) -> Option<&[u8]> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_slice())
    }

    /// Sets header `name` (replacing it, any case).
    pub fn set(&mut self, name: &str, value: impl Into<Vec<u8>>) {
        let value = value.into();
        match self
            .headers
            .iter_mut()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
        {
            Some(slot) => slot.1 = value,
            None => self.headers.push((name.to_owned(), value)),
        }
    }

    /// Removes header `name` (any case).
    pub fn remove(&mut self, name: &str) {
        self.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
    }
}

/// An answer as received.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    /// HTTP status.
    pub status: u16,
    /// `Content-Type`, if sent.
    pub content_type: Option<String>,
    /// `X-TIMESTAMP`, if sent.
    pub timestamp: Option<String>,
    /// The body, parsed (`None`: not JSON).
    pub json: Option<Value>,
    /// The body bytes.
    pub body: Vec<u8>,
}

impl Answer {
    /// `responseCode`, as text (a JSON number too).
    pub fn code(&self) -> Option<String> {
        match self.json.as_ref()?.get("responseCode")? {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    }

    /// `responseMessage`.
    pub fn message(&self) -> Option<&str> {
        self.json.as_ref()?.get("responseMessage")?.as_str()
    }

    /// `HTTP 401 4016700 Unauthorized. Invalid Signature` (the message cut
    /// at 80 characters).
    pub fn describe(&self) -> String {
        let mut s = format!("HTTP {}", self.status);
        match (self.code(), self.message()) {
            (Some(c), m) => {
                s.push(' ');
                s.push_str(&c);
                if let Some(m) = m {
                    let cut: String = m.chars().take(80).collect();
                    s.push(' ');
                    s.push_str(&cut);
                }
            }
            (None, _) if self.json.is_none() => s.push_str(" (body not JSON)"),
            (None, _) => s.push_str(" (no responseCode)"),
        }
        s
    }
}

/// Sends probes to one provider.
pub struct Sender {
    client: reqwest::Client,
    base: String,
    runtime: tokio::runtime::Runtime,
}

impl Sender {
    /// A sender to `base_url` (`http://` only for loopback hosts, as for
    /// `snap call`), each request bounded by `timeout`.
    pub fn new(base_url: &str, timeout: Duration) -> Result<Sender, String> {
        let base = base_url.trim_end_matches('/').to_owned();
        let url = reqwest::Url::parse(&base).map_err(|e| format!("--base-url {base_url}: {e}"))?;
        let host = url.host_str().unwrap_or("");
        let loopback = host == "localhost"
            || host
                .trim_matches(['[', ']'])
                .parse::<std::net::IpAddr>()
                .is_ok_and(|ip| ip.is_loopback());
        match url.scheme() {
            "https" => {}
            "http" if loopback => {}
            "http" => {
                return Err(format!(
                    "--base-url {base_url}: http:// only for a loopback host (a local snap sandbox); use https://"
                ));
            }
            other => return Err(format!("--base-url {base_url}: unsupported scheme {other}")),
        }
        let client = reqwest::Client::builder()
            .timeout(timeout)
            .build()
            .map_err(|e| format!("HTTP client: {e}"))?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| format!("cannot start the async runtime: {e}"))?;
        Ok(Sender {
            client,
            base,
            runtime,
        })
    }

    /// Sends `probe`; `Err` for a transport failure (refused, timeout, ...).
    pub fn send(&self, probe: &Probe) -> Result<Answer, String> {
        self.runtime.block_on(self.send_async(probe))
    }

    async fn send_async(&self, probe: &Probe) -> Result<Answer, String> {
        let method = reqwest::Method::from_bytes(probe.method.as_bytes())
            .map_err(|e| format!("method {}: {e}", probe.method))?;
        let url = format!("{}{}", self.base, probe.path);
        let mut headers = reqwest::header::HeaderMap::new();
        for (name, value) in &probe.headers {
            let name = reqwest::header::HeaderName::from_bytes(name.as_bytes())
                .map_err(|e| format!("header {name}: {e}"))?;
            let value = reqwest::header::HeaderValue::from_bytes(value)
                .map_err(|e| format!("header {name}: {e}"))?;
            headers.append(name, value);
        }
        let response = self
            .client
            .request(method, &url)
            .headers(headers)
            .body(probe.body.clone())
            .send()
            .await
            .map_err(|e| transport(&e))?;
        let status = response.status().as_u16();
        let get = |n: &str| {
            response
                .headers()
                .get(n)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let content_type = get("content-type");
        let timestamp = get("x-timestamp");
        let body = response.bytes().await.map_err(|e| transport(&e))?.to_vec();
        let json = serde_json::from_slice(&body).ok();
        Ok(Answer {
            status,
            content_type,
            timestamp,
            json,
            body,
        })
    }
}

/// A transport error with its causes, without the URL's query.
fn transport(e: &reqwest::Error) -> String {
    let mut s = if e.is_timeout() {
        "timed out".to_owned()
    } else if e.is_connect() {
        "cannot connect".to_owned()
    } else {
        "transport error".to_owned()
    };
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        s.push_str(": ");
        s.push_str(&cause.to_string());
        source = cause.source();
    }
    s
}
