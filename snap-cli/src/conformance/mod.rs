//! `snap conformance`: runs the SNAP standard's provider-side behaviour
//! checks against a live provider.
//!
//! ```text
//! snap conformance --base-url URL --client-id ID --client-secret S --private-key PEMFILE
//!     [--endpoint NAME ...] [--path-prefix P] [--body FILE] [--channel-id ID] [--json]
//!     [--auth-code CODE] [--device-id ID] [--partner-id ID]
//! ```
//!
//! Prints one line per check (name, endpoint, expected, observed, pass or
//! fail), then a summary; `--json` prints `{"checks": [{"name", "endpoint",
//! "expected", "observed", "pass"}, ...], "passed": N, "failed": M}`.
//! Exit status: 0 every check passed, 1 at least one failed, 2 usage error
//! or provider unreachable.
//!
//! The checks (`{SS}` is the endpoint's service code):
//!
//! - the token endpoint (73): a good signature gets a token (and a
//!   well-formed answer); a bad signature `401{SS}00`; a stale X-TIMESTAMP
//!   and an unknown client are refused; each mandatory header missing
//!   `400{SS}02` naming it;
//! - per endpoint: each mandatory header missing `400{SS}02` naming it
//!   (`Authorization` `401{SS}03`, `Authorization-Customer` `401{SS}04`),
//!   each malformed `400{SS}01` naming it; a bad signature `401{SS}00`; a
//!   stale X-TIMESTAMP refused; an unknown B2B token `401{SS}01` (customer
//!   token `401{SS}02`); the same X-EXTERNAL-ID and body again gets the same
//!   answer; the same X-EXTERNAL-ID with another body `409{SS}00`; each
//!   missing mandatory field `400{SS}02` naming it; each over-long field
//!   `400{SS}01` naming it; the answer's shape (responseCode of seven digits
//!   with the HTTP status and the service code, the mandatory members,
//!   `Content-Type: application/json`, a valid `X-TIMESTAMP`).
//!
//! Safety: bodies are built from the declaration with identifiers that
//! cannot exist (see [`body`]), and the default endpoints are those that act
//! on an existing transaction or only read (cancel, void, refund, capture,
//! query, delete): none of their probes can move money, even at a provider
//! that wrongly accepts a probe built to be refused. `--body` replaces the
//! built body: then its identifiers are the user's responsibility.

mod body;
mod wire;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use serde::Serialize;
use serde_json::{Value, json};
use snap_core::endpoint::{Direction, Method};
use snap_core::headers::{self, HeaderProfile, HeaderRule, HeaderSpec};
use snap_core::schema::{EndpointSchema, ParamIn, SchemaGen};
use snap_core::sign::{AccessToken, Asymmetric, HmacKey, RsaPrivateKey, SigningInput, Symmetric};
use snap_core::time::{SnapTimestamp, TimestampProfile};
use snap_endpoints::registry::{self, EntryInfo};

use self::body::Ids;
use self::wire::{Answer, Probe, Sender};
use crate::shape;

/// Arguments of `snap conformance` (`Debug` redacts the client secret).
#[derive(clap::Args)]
pub struct Args {
    /// The provider: `https://host[:port]` (`http://` only for a loopback
    /// host, e.g. a local `snap sandbox`).
    #[arg(long, value_name = "URL")]
    pub base_url: String,
    /// Client id (X-CLIENT-KEY; X-PARTNER-ID unless --partner-id).
    #[arg(long, value_name = "ID")]
    pub client_id: String,
    /// Client secret (HMAC key). Omit it to read SNAP_CLIENT_SECRET from the
    /// environment instead (keeps it out of the process list).
    #[arg(long, value_name = "S")]
    pub client_secret: Option<String>,
    /// Private key, PKCS#8 or PKCS#1 PEM (token signatures).
    #[arg(long, value_name = "PEMFILE")]
    pub private_key: PathBuf,
    /// An endpoint to check, named as `snap validate` names it (`BI:77`,
    /// `"QR MPM Cancel"`); repeat for several. Default: every BI endpoint
    /// that is safe to probe (see the README).
    #[arg(long = "endpoint", value_name = "NAME")]
    pub endpoints: Vec<String>,
    /// Deployment prefix put before every path (`/snap`); part of the
    /// signed path.
    #[arg(long, value_name = "P", default_value = "")]
    pub path_prefix: String,
    /// The request body to probe with (one --endpoint only), instead of the
    /// one built from the declaration. Its identifiers must not exist at the
    /// provider.
    #[arg(long, value_name = "FILE")]
    pub body: Option<PathBuf>,
    /// CHANNEL-ID.
    #[arg(long, value_name = "ID", default_value = "95221")]
    pub channel_id: String,
    /// Print one JSON object instead of lines.
    #[arg(long)]
    pub json: bool,
    /// B2B2C endpoints: exchange this authorization code for a customer
    /// token (service 74); without it they are skipped.
    #[arg(long, value_name = "CODE")]
    pub auth_code: Option<String>,
    /// X-DEVICE-ID for B2B2C endpoints.
    #[arg(long, value_name = "ID", default_value = "snap-conformance")]
    pub device_id: String,
    /// X-PARTNER-ID, when it differs from the client id.
    #[arg(long, value_name = "ID")]
    pub partner_id: Option<String>,
}

impl std::fmt::Debug for Args {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Args")
            .field("base_url", &self.base_url)
            .field("client_id", &self.client_id)
            .field(
                "client_secret",
                &self.client_secret.as_ref().map(|_| "[redacted]"),
            )
            .field("private_key", &self.private_key)
            .field("endpoints", &self.endpoints)
            .field("path_prefix", &self.path_prefix)
            .field("body", &self.body)
            .field("channel_id", &self.channel_id)
            .field("json", &self.json)
            .field("auth_code", &self.auth_code.as_ref().map(|_| "[redacted]"))
            .field("device_id", &self.device_id)
            .field("partner_id", &self.partner_id)
            .finish()
    }
}

/// One check's outcome, as `--json` prints it.
#[derive(Debug, Clone, Serialize)]
pub struct Check {
    /// `missing-header:X-PARTNER-ID`, `bad-signature`, ...
    pub name: String,
    /// `provider:service` (`BI:67`).
    pub endpoint: String,
    /// What the standard asks for.
    pub expected: String,
    /// What the provider did.
    pub observed: String,
    /// Whether they agree.
    pub pass: bool,
}

fn usage(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("snap conformance: {message}");
    ExitCode::from(2)
}

/// Everything a probe is built from.
struct Ctx {
    sender: Sender,
    client_id: String,
    partner_id: String,
    hmac: HmacKey,
    rsa: RsaPrivateKey,
    prefix: String,
    channel_id: String,
    device_id: String,
    ids: Ids,
    checks: Vec<Check>,
}

/// `{http}{ss}{case}`, e.g. `4006702`.
fn code(http: u16, ss: u8, case: u8) -> String {
    format!("{http:03}{ss:02}{case:02}")
}

fn now() -> String {
    SnapTimestamp::now().into_string()
}

/// An X-TIMESTAMP an hour old (Jakarta time), well formed.
fn stale() -> String {
    let t = SnapTimestamp::now();
    TimestampProfile::jakarta().format(t.unix_seconds() - 3600, 0)
}

fn observed(a: &Result<Answer, String>) -> String {
    match a {
        Ok(a) => a.describe(),
        Err(e) => e.clone(),
    }
}

/// The answer is `expect` (`http` and the full 7-digit code) and, when
/// `naming` is given, its message names it.
fn is_code(a: &Result<Answer, String>, expect: &str, naming: Option<&str>) -> bool {
    let Ok(a) = a else { return false };
    let status_ok = expect.get(..3).and_then(|s| s.parse::<u16>().ok()) == Some(a.status);
    let named = naming.is_none_or(|n| {
        a.message()
            .is_some_and(|m| m.to_ascii_lowercase().contains(&n.to_ascii_lowercase()))
    });
    status_ok && a.code().as_deref() == Some(expect) && named
}

/// Refused: a 4xx answer whose responseCode carries that status and the
/// service code.
fn is_refusal(a: &Result<Answer, String>, ss: u8) -> bool {
    let Ok(a) = a else { return false };
    let Some(c) = a.code() else { return false };
    (400..500).contains(&a.status)
        && c.len() == 7
        && c.get(..3) == Some(a.status.to_string().as_str())
        && c.get(3..5) == Some(format!("{ss:02}").as_str())
}

impl Ctx {
    fn record(
        &mut self,
        name: &str,
        endpoint: &str,
        expected: String,
        observed: String,
        pass: bool,
    ) {
        self.checks.push(Check {
            name: name.to_owned(),
            endpoint: endpoint.to_owned(),
            expected,
            observed,
            pass,
        });
    }

    fn expect_code(
        &mut self,
        name: &str,
        endpoint: &str,
        a: &Result<Answer, String>,
        want: &str,
        naming: Option<&str>,
    ) {
        let expected = match naming {
            Some(n) => format!("HTTP {} {want} naming {n}", &want[..3]),
            None => format!("HTTP {} {want}", &want[..3]),
        };
        let pass = is_code(a, want, naming);
        self.record(name, endpoint, expected, observed(a), pass);
    }

    fn expect_refusal(
        &mut self,
        name: &str,
        endpoint: &str,
        a: &Result<Answer, String>,
        ss: u8,
        hint: &str,
    ) {
        let pass = is_refusal(a, ss);
        self.record(
            name,
            endpoint,
            format!("refused: HTTP 4xx, 4xx{ss:02}xx ({hint})"),
            observed(a),
            pass,
        );
    }

    /// The four checks of an answer's own shape.
    fn answer_shape(
        &mut self,
        endpoint: &str,
        a: &Answer,
        ss: u8,
        generator: &SchemaGen,
        response: &Value,
    ) {
        let c = a.code().unwrap_or_default();
        let pass = c.len() == 7
            && c.bytes().all(|b| b.is_ascii_digit())
            && c.get(..3) == Some(a.status.to_string().as_str())
            && c.get(3..5) == Some(format!("{ss:02}").as_str());
        self.record(
            "answer:response-code",
            endpoint,
            format!("7 digits: the HTTP status, service code {ss:02}, a case"),
            a.describe(),
            pass,
        );
        let problems = match &a.json {
            None => vec!["body is not JSON".to_owned()],
            Some(v) if (200..300).contains(&a.status) => shape::problems(generator, response, v),
            Some(v) => ["responseCode", "responseMessage"]
                .iter()
                .filter(|m| !v.get(**m).is_some_and(Value::is_string))
                .map(|m| format!("{m}: missing"))
                .collect(),
        };
        self.record(
            "answer:mandatory-fields",
            endpoint,
            if (200..300).contains(&a.status) {
                "every mandatory member of the declared answer, well formed".to_owned()
            } else {
                "responseCode and responseMessage (strings)".to_owned()
            },
            if problems.is_empty() {
                "all present".to_owned()
            } else {
                problems.join("; ")
            },
            problems.is_empty(),
        );
        let ct = a.content_type.clone().unwrap_or_default();
        self.record(
            "answer:content-type",
            endpoint,
            "Content-Type: application/json".to_owned(),
            if ct.is_empty() {
                "(none)".to_owned()
            } else {
                ct.clone()
            },
            ct.split(';')
                .next()
                .is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json")),
        );
        let ts = a.timestamp.clone().unwrap_or_default();
        let valid = SnapTimestamp::parse(&ts).is_ok();
        self.record(
            "answer:x-timestamp",
            endpoint,
            "X-TIMESTAMP: ISO 8601 with offset".to_owned(),
            if ts.is_empty() {
                "(none)".to_owned()
            } else {
                ts
            },
            valid,
        );
    }

    // ------------------------------------------------------------ token

    /// An access-token request (73 / 74), signed `clientId|X-TIMESTAMP`.
    fn token_probe(&self, path: &str, ts: &str, client_id: &str, body: &Value) -> Probe {
        let input = SigningInput::default().client_id(client_id).timestamp(ts);
        let sig = AccessToken::signature(&self.rsa, &input).unwrap_or_default();
        Probe {
            method: "POST".to_owned(),
            path: format!("{}{path}", self.prefix),
            headers: vec![
                ("Content-Type".to_owned(), b"application/json".to_vec()),
                (
                    headers::X_TIMESTAMP.canonical.to_owned(),
                    ts.as_bytes().to_vec(),
                ),
                (
                    headers::X_CLIENT_KEY.canonical.to_owned(),
                    client_id.as_bytes().to_vec(),
                ),
                (headers::X_SIGNATURE.canonical.to_owned(), sig.into_bytes()),
            ],
            body: serde_json::to_vec(body).unwrap_or_default(),
        }
    }

    /// The token checks; the B2B token. `Err`: the provider cannot be
    /// reached.
    fn token_checks(&mut self) -> Result<Option<String>, String> {
        let entry = registry::find("BI:73").map_err(|e| e.to_string())?;
        let label = entry.key().unwrap_or_default();
        let ss = entry.meta.service.map_or(0, |s| s.get());
        let mut generator = SchemaGen::new();
        let schema = entry.schema(&mut generator);
        let path = entry.meta.path;
        let body = json!({ "grantType": "client_credentials" });
        let id = self.client_id.clone();

        let good = self.token_probe(path, &now(), &id, &body);
        let answer = self.sender.send(&good)?;
        let token = answer
            .json
            .as_ref()
            .and_then(|v| v.get("accessToken"))
            .and_then(Value::as_str)
            .filter(|t| !t.is_empty())
            .map(str::to_owned);
        let want = code(200, ss, 0);
        self.record(
            "token:good-signature",
            &label,
            format!("HTTP 200 {want} with an accessToken"),
            answer.describe(),
            answer.status == 200 && answer.code().as_deref() == Some(&want) && token.is_some(),
        );
        self.answer_shape(&label, &answer, ss, &generator, &schema.response);

        let mut bad = self.token_probe(path, &now(), &id, &body);
        let wrong = self
            .rsa
            .sign(b"snap-conformance:not-the-string-to-sign")
            .unwrap_or_default();
        bad.set(headers::X_SIGNATURE.canonical, wrong);
        let a = self.sender.send(&bad);
        self.expect_code("token:bad-signature", &label, &a, &code(401, ss, 0), None);

        let old = self.token_probe(path, &stale(), &id, &body);
        let a = self.sender.send(&old);
        self.expect_refusal(
            "token:stale-timestamp",
            &label,
            &a,
            ss,
            "X-TIMESTAMP an hour old",
        );

        let stranger = self.ids.make(24, false);
        let unknown = self.token_probe(path, &now(), &stranger, &body);
        let a = self.sender.send(&unknown);
        self.expect_refusal(
            "token:unknown-client",
            &label,
            &a,
            ss,
            "X-CLIENT-KEY of no partner",
        );

        let required: Vec<&'static str> = std::iter::once("Content-Type")
            .chain(HeaderProfile::AccessToken.required().map(|h| h.canonical))
            .collect();
        for h in required {
            let mut p = self.token_probe(path, &now(), &id, &body);
            p.remove(h);
            let a = self.sender.send(&p);
            self.expect_code(
                &format!("token:missing-header:{h}"),
                &label,
                &a,
                &code(400, ss, 2),
                Some(h),
            );
        }
        Ok(token)
    }

    /// A customer token for B2B2C endpoints (74), from `auth_code`.
    fn customer_token(&mut self, auth_code: &str) -> Option<String> {
        let entry = registry::find("BI:74").ok()?;
        let label = entry.key().unwrap_or_default();
        let ss = entry.meta.service.map_or(0, |s| s.get());
        let body = json!({ "grantType": "AUTHORIZATION_CODE", "authCode": auth_code });
        let id = self.client_id.clone();
        let p = self.token_probe(entry.meta.path, &now(), &id, &body);
        let a = self.sender.send(&p);
        let token = a
            .as_ref()
            .ok()
            .and_then(|a| a.json.as_ref())
            .and_then(|v| v.get("accessToken"))
            .and_then(Value::as_str)
            .filter(|t| !t.is_empty())
            .map(str::to_owned);
        let want = code(200, ss, 0);
        let pass = token.is_some() && is_code(&a, &want, None);
        self.record(
            "customer-token:issued",
            &label,
            format!("HTTP 200 {want} with an accessToken for --auth-code"),
            observed(&a),
            pass,
        );
        token.filter(|_| pass)
    }

    // ------------------------------------------------------------ transactions

    /// A transaction request for `entry` with `body` (path and query
    /// parameters taken out of it), signed per the endpoint's scheme.
    fn tx_probe(&self, t: &Target<'_>, body: &Value, ext: &str, ts: &str) -> Probe {
        let meta = &t.entry.meta;
        let mut rest = body.clone();
        let mut path = meta.path.to_owned();
        let mut query = Vec::new();
        for p in &t.schema.params {
            let v = rest.as_object_mut().and_then(|o| o.remove(p.name));
            let text = match &v {
                Some(Value::String(s)) => Some(s.clone()),
                Some(Value::Number(n)) => Some(n.to_string()),
                Some(other) if !other.is_null() => Some(other.to_string()),
                _ => None,
            };
            match (p.location, text) {
                (ParamIn::Path, t) => {
                    path =
                        path.replace(&format!("{{{}}}", p.name), &encode(&t.unwrap_or_default()));
                }
                (ParamIn::Query, Some(t)) => query.push(format!("{}={}", p.name, encode(&t))),
                (ParamIn::Query, None) => {}
            }
        }
        if !query.is_empty() {
            path = format!("{path}?{}", query.join("&"));
        }
        let path = format!("{}{path}", self.prefix);
        let empty = rest.as_object().is_some_and(|o| o.is_empty());
        let bytes = if meta.method == Method::Get && empty {
            Vec::new()
        } else {
            serde_json::to_vec(&rest).unwrap_or_default()
        };
        let mut p = Probe {
            method: meta.method.as_str().to_owned(),
            path,
            headers: Vec::new(),
            body: bytes,
        };
        if meta.method != Method::Get {
            p.set("Content-Type", "application/json");
        }
        p.set(headers::X_TIMESTAMP.canonical, ts);
        p.set(headers::X_PARTNER_ID.canonical, self.partner_id.as_str());
        p.set(headers::X_EXTERNAL_ID.canonical, ext);
        p.set(headers::CHANNEL_ID.canonical, self.channel_id.as_str());
        if t.symmetric {
            p.set(
                headers::AUTHORIZATION.canonical,
                format!("Bearer {}", t.b2b),
            );
        }
        if let Some(c) = t.customer {
            p.set(
                headers::AUTHORIZATION_CUSTOMER.canonical,
                format!("Bearer {c}"),
            );
            p.set(headers::X_DEVICE_ID.canonical, self.device_id.as_str());
        }
        self.sign(&mut p, t.symmetric.then_some(t.b2b));
        p
    }

    /// (Re)computes X-SIGNATURE over the probe as it stands: HMAC with the
    /// B2B `token` (symmetric), else RSA (asymmetric).
    fn sign(&self, p: &mut Probe, token: Option<&str>) {
        let ts = String::from_utf8_lossy(p.header(headers::X_TIMESTAMP.canonical).unwrap_or(b""))
            .into_owned();
        let input = SigningInput::new(&p.method, &p.path)
            .body(&p.body)
            .timestamp(&ts);
        let sig = match token {
            Some(t) => Symmetric::signature(&self.hmac, &input.access_token(t)),
            None => Asymmetric::signature(&self.rsa, &input),
        }
        .unwrap_or_default();
        p.set(headers::X_SIGNATURE.canonical, sig);
    }

    fn fresh_ext(&mut self) -> String {
        self.ids.make(32, true)
    }

    /// [`Ctx::tx_probe`] with a fresh X-EXTERNAL-ID.
    fn fresh_probe(&mut self, t: &Target<'_>, body: &Value, ts: &str) -> Probe {
        let ext = self.fresh_ext();
        self.tx_probe(t, body, &ext, ts)
    }

    fn endpoint_checks(&mut self, t: &Target<'_>, base: &Value) {
        let label = t.entry.key().unwrap_or_default();
        let ss = t.ss;

        // The baseline, twice with the same X-EXTERNAL-ID: the answer's
        // shape, then the replay.
        let ext = self.fresh_ext();
        let first = self.tx_probe(t, base, &ext, &now());
        let a1 = self.sender.send(&first);
        match &a1 {
            Ok(a) => self.answer_shape(&label, a, ss, &t.generator, &t.schema.response),
            Err(e) => self.record(
                "answer:response-code",
                &label,
                "a SNAP answer to a well-formed request".to_owned(),
                e.clone(),
                false,
            ),
        }
        let a2 = self.sender.send(&first);
        let same = match (&a1, &a2) {
            (Ok(x), Ok(y)) => {
                x.status == y.status
                    && match (&x.json, &y.json) {
                        (Some(p), Some(q)) => p == q,
                        _ => x.body == y.body,
                    }
            }
            _ => false,
        };
        self.record(
            "idempotency:same-answer",
            &label,
            match &a1 {
                Ok(a) => format!(
                    "the first answer again (HTTP {} {})",
                    a.status,
                    a.code().unwrap_or_default()
                ),
                Err(_) => "the first answer again".to_owned(),
            },
            observed(&a2),
            same,
        );
        let other = body::another(base, &mut self.ids);
        let p = self.tx_probe(t, &other, &ext, &now());
        let a = self.sender.send(&p);
        self.expect_code(
            "idempotency:other-body-409",
            &label,
            &a,
            &code(409, ss, 0),
            None,
        );

        // Headers: each mandatory one missing, each malformed.
        let profile = if t.customer.is_some() {
            HeaderProfile::CustomerTransaction
        } else {
            HeaderProfile::Transaction { token: t.symmetric }
        };
        let mut required: Vec<&'static HeaderSpec> = profile.required().collect();
        // X-SIGNATURE is the scheme's; a scheme that signs nothing has none.
        required.retain(|h| h.canonical != headers::X_SIGNATURE.canonical || t.signed);
        // A B2B2C declaration whose provider leaves X-DEVICE-ID out
        // (`device_id = "optional"`) is not held to BI's table there.
        required
            .retain(|h| h.canonical != headers::X_DEVICE_ID.canonical || t.entry.meta.device_id);
        let with_ct = t.entry.meta.method != Method::Get;
        if with_ct {
            let mut p = self.fresh_probe(t, base, &now());
            p.remove("Content-Type");
            let a = self.sender.send(&p);
            self.expect_code(
                "missing-header:Content-Type",
                &label,
                &a,
                &code(400, ss, 2),
                Some("Content-Type"),
            );
        }
        for h in &required {
            let mut p = self.fresh_probe(t, base, &now());
            p.remove(h.canonical);
            let a = self.sender.send(&p);
            let name = format!("missing-header:{}", h.canonical);
            if h.canonical == headers::AUTHORIZATION.canonical {
                self.expect_code(&name, &label, &a, &code(401, ss, 3), None);
            } else if h.canonical == headers::AUTHORIZATION_CUSTOMER.canonical {
                self.expect_code(&name, &label, &a, &code(401, ss, 4), None);
            } else {
                self.expect_code(&name, &label, &a, &code(400, ss, 2), Some(h.canonical));
            }
        }
        if with_ct {
            let mut p = self.fresh_probe(t, base, &now());
            p.set("Content-Type", "text/plain");
            let a = self.sender.send(&p);
            self.expect_code(
                "malformed-header:Content-Type",
                &label,
                &a,
                &code(400, ss, 1),
                Some("Content-Type"),
            );
        }
        for h in &required {
            let Some(bad) = self.malformed(h) else {
                continue;
            };
            let mut p = self.fresh_probe(t, base, &now());
            p.set(h.canonical, bad);
            if h.canonical == headers::X_TIMESTAMP.canonical {
                self.sign(&mut p, t.symmetric.then_some(t.b2b));
            }
            let a = self.sender.send(&p);
            self.expect_code(
                &format!("malformed-header:{}", h.canonical),
                &label,
                &a,
                &code(400, ss, 1),
                Some(h.canonical),
            );
        }

        // Signature, timestamp, tokens.
        if t.signed {
            let mut p = self.fresh_probe(t, base, &now());
            let wrong = self.hmac.sign(b"snap-conformance:not-the-string-to-sign");
            p.set(headers::X_SIGNATURE.canonical, wrong);
            let a = self.sender.send(&p);
            self.expect_code("bad-signature", &label, &a, &code(401, ss, 0), None);
        }
        let p = self.fresh_probe(t, base, &stale());
        let a = self.sender.send(&p);
        self.expect_refusal("stale-timestamp", &label, &a, ss, "X-TIMESTAMP an hour old");
        if t.symmetric {
            let unknown = self.ids.make(40, false);
            let mut p = self.fresh_probe(t, base, &now());
            p.set(
                headers::AUTHORIZATION.canonical,
                format!("Bearer {unknown}"),
            );
            self.sign(&mut p, Some(&unknown));
            let a = self.sender.send(&p);
            self.expect_code("unknown-token", &label, &a, &code(401, ss, 1), None);
        }
        if t.customer.is_some() {
            let unknown = self.ids.make(40, false);
            let mut p = self.fresh_probe(t, base, &now());
            p.set(
                headers::AUTHORIZATION_CUSTOMER.canonical,
                format!("Bearer {unknown}"),
            );
            let a = self.sender.send(&p);
            self.expect_code(
                "unknown-customer-token",
                &label,
                &a,
                &code(401, ss, 2),
                None,
            );
        }

        // Body fields: each mandatory one missing, each bounded one too long.
        let request = t.generator.resolve(&t.schema.request).clone();
        let required_fields: Vec<String> = request
            .get("required")
            .and_then(Value::as_array)
            .map(|r| {
                r.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        for f in &required_fields {
            let mut b = base.clone();
            if let Some(o) = b.as_object_mut() {
                o.remove(f);
            }
            let p = self.fresh_probe(t, &b, &now());
            let a = self.sender.send(&p);
            self.expect_code(
                &format!("missing-field:{f}"),
                &label,
                &a,
                &code(400, ss, 2),
                Some(f),
            );
        }
        let props: Vec<(String, Value)> = request
            .get("properties")
            .and_then(Value::as_object)
            .map(|o| o.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            .unwrap_or_default();
        for (f, s) in props {
            let s = t.generator.resolve(&s).clone();
            let (Some("string"), Some(max)) = (
                s.get("type").and_then(Value::as_str),
                s.get("maxLength").and_then(Value::as_u64),
            ) else {
                continue;
            };
            let mut b = base.clone();
            let long = self.ids.make(max as usize + 1, body::digits_only(&s));
            if let Some(o) = b.as_object_mut() {
                o.insert(f.clone(), long.into());
            }
            let p = self.fresh_probe(t, &b, &now());
            let a = self.sender.send(&p);
            self.expect_code(
                &format!("over-long-field:{f}"),
                &label,
                &a,
                &code(400, ss, 1),
                Some(&f),
            );
        }
    }

    /// A value breaking `h`'s format rule, for the rules a format check can
    /// tell (not for free text or tokens).
    fn malformed(&mut self, h: &HeaderSpec) -> Option<String> {
        match h.rule {
            HeaderRule::Timestamp => Some("not-a-timestamp".to_owned()),
            HeaderRule::MaxChars(n) => Some(self.ids.make(n + 1, true)),
            HeaderRule::Channel => Some("CONF01".to_owned()),
            _ => None,
        }
    }
}

/// Percent-encodes everything but unreserved characters.
fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// An endpoint under test.
struct Target<'a> {
    entry: &'a EntryInfo,
    ss: u8,
    generator: SchemaGen,
    schema: EndpointSchema,
    /// Symmetric (HMAC with the B2B token) rather than asymmetric.
    symmetric: bool,
    /// Sends X-SIGNATURE.
    signed: bool,
    b2b: &'a str,
    customer: Option<&'a str>,
}

/// Why an endpoint cannot be checked (a usage error when named).
fn unsupported(e: &EntryInfo) -> Option<String> {
    let m = &e.meta;
    if m.service.is_none() {
        return Some(format!("{} is not a SNAP endpoint", m.name));
    }
    if m.signature.is::<AccessToken>() {
        return Some(format!(
            "{} is an access-token endpoint: the token checks run on every call (73), and B2B2C endpoints use 74 through --auth-code",
            m.name
        ));
    }
    if m.direction == Direction::Inbound {
        return Some(format!(
            "{} is inbound: the provider calls the partner, not the other way",
            m.name
        ));
    }
    if !(m.signature.is::<Symmetric>() || m.signature.is::<Asymmetric>()) {
        return Some(format!(
            "{} is signed with `{}`, not a BI scheme",
            m.name,
            m.signature.name()
        ));
    }
    None
}

/// Safe to probe by default: it reads, or acts on an existing transaction
/// or account named by the body (cancel, void, refund, capture, delete,
/// query, inquiry, status) or by an `original*` member; with identifiers
/// that cannot exist, nothing is found and nothing moves.
pub fn safe_by_default(e: &EntryInfo) -> bool {
    if unsupported(e).is_some() {
        return false;
    }
    let name = e.meta.name.to_ascii_lowercase();
    let acts_on_existing = [
        "cancel", "void", "refund", "capture", "delete", "query", "inquiry", "status",
    ]
    .iter()
    .any(|w| name.contains(w));
    let mut g = SchemaGen::new();
    let s = e.schema(&mut g);
    let def = g.resolve(&s.request);
    let names_original = def
        .get("required")
        .and_then(Value::as_array)
        .is_some_and(|r| {
            r.iter()
                .filter_map(Value::as_str)
                .any(|f| f.starts_with("original"))
        });
    acts_on_existing || names_original
}

fn read_secret(args: &Args) -> Option<String> {
    args.client_secret
        .clone()
        .or_else(|| std::env::var("SNAP_CLIENT_SECRET").ok())
        .filter(|s| !s.is_empty())
}

/// Runs `snap conformance`.
pub fn run(args: Args) -> ExitCode {
    // Endpoints.
    let mut chosen: Vec<&'static EntryInfo> = Vec::new();
    for name in &args.endpoints {
        match registry::find(name) {
            Ok(e) => {
                if let Some(why) = unsupported(e) {
                    return usage(why);
                }
                if args.body.is_none() && !safe_by_default(e) {
                    return usage(format_args!(
                        "{} could start a payment: probe it only with --body FILE whose identifiers do not exist at the provider",
                        e.meta.name
                    ));
                }
                if !chosen.iter().any(|c| std::ptr::eq(*c, e)) {
                    chosen.push(e);
                }
            }
            Err(nf) => return usage(nf),
        }
    }
    if chosen.is_empty() {
        // The standard: BI's declarations. A provider's own variants are
        // named with --endpoint (`GoPay:67`).
        chosen = registry::registry()
            .iter()
            .filter(|e| e.meta.provider == "BI" && safe_by_default(e))
            .collect();
    }
    let user_body = match &args.body {
        None => None,
        Some(_) if chosen.len() != 1 || args.endpoints.len() != 1 => {
            return usage("--body needs exactly one --endpoint");
        }
        Some(path) => {
            let text = match std::fs::read(path) {
                Ok(t) => t,
                Err(e) => return usage(format_args!("cannot read {}: {e}", path.display())),
            };
            if let Err(e) = chosen[0].validate(&text) {
                return usage(format_args!(
                    "{} breaks the rules of {}: {e}",
                    path.display(),
                    chosen[0].meta.name
                ));
            }
            match serde_json::from_slice::<Value>(&text) {
                Ok(v) if v.is_object() => Some(v),
                _ => return usage(format_args!("{} is not a JSON object", path.display())),
            }
        }
    };

    // Credentials.
    let Some(secret) = read_secret(&args) else {
        return usage("no client secret: pass --client-secret or set SNAP_CLIENT_SECRET");
    };
    let hmac = match HmacKey::new(secret.as_bytes()) {
        Ok(k) => k,
        Err(e) => return usage(format_args!("client secret: {e}")),
    };
    let pem = match std::fs::read_to_string(&args.private_key) {
        Ok(p) => p,
        Err(e) => {
            return usage(format_args!(
                "cannot read {}: {e}",
                args.private_key.display()
            ));
        }
    };
    let rsa = match RsaPrivateKey::from_pem(&pem) {
        Ok(k) => k,
        Err(e) => return usage(format_args!("{}: {e}", args.private_key.display())),
    };
    if let Err(e) = headers::CHANNEL_ID.check(&args.channel_id) {
        return usage(format_args!("--channel-id: {e}"));
    }
    let sender = match Sender::new(&args.base_url, Duration::from_secs(15)) {
        Ok(s) => s,
        Err(e) => return usage(e),
    };
    let prefix = args.path_prefix.trim_end_matches('/').to_owned();
    if !prefix.is_empty() && !prefix.starts_with('/') {
        return usage("--path-prefix starts with `/` (e.g. /snap)");
    }
    let mut ctx = Ctx {
        sender,
        client_id: args.client_id.clone(),
        partner_id: args
            .partner_id
            .clone()
            .unwrap_or_else(|| args.client_id.clone()),
        hmac,
        rsa,
        prefix,
        channel_id: args.channel_id.clone(),
        device_id: args.device_id.clone(),
        ids: Ids::new(),
        checks: Vec::new(),
    };

    let b2b = match ctx.token_checks() {
        Ok(t) => t,
        Err(e) => {
            return usage(format_args!(
                "the provider at {} cannot be reached: {e}",
                args.base_url
            ));
        }
    };
    let Some(b2b) = b2b else {
        eprintln!("snap conformance: no B2B token was issued; the endpoint checks need one");
        return finish(&ctx.checks, args.json);
    };
    let needs_customer = chosen.iter().any(|e| e.meta.customer_token);
    let customer = match (&args.auth_code, needs_customer) {
        (Some(code), true) => ctx.customer_token(code),
        _ => None,
    };
    for e in chosen {
        if e.meta.customer_token && customer.is_none() {
            eprintln!(
                "snap conformance: skipped {} ({}): a B2B2C endpoint needs a customer token: pass --auth-code",
                e.key().unwrap_or_default(),
                e.meta.name
            );
            continue;
        }
        let mut generator = SchemaGen::new();
        let schema = e.schema(&mut generator);
        let base = match &user_body {
            Some(b) => b.clone(),
            None => {
                let mut b = body::build(&generator, &schema.request, &mut ctx.ids);
                for p in schema.params.iter().filter(|p| p.required) {
                    let v = body::build(&generator, &p.schema, &mut ctx.ids);
                    if let Some(o) = b.as_object_mut() {
                        o.insert(p.name.to_owned(), v);
                    }
                }
                if let Err(err) = e.validate(&serde_json::to_vec(&b).unwrap_or_default()) {
                    eprintln!(
                        "snap conformance: skipped {} ({}): no valid body could be built from the declaration ({err}); pass --endpoint with --body FILE",
                        e.key().unwrap_or_default(),
                        e.meta.name
                    );
                    continue;
                }
                b
            }
        };
        let target = Target {
            entry: e,
            ss: e.meta.service.map_or(0, |s| s.get()),
            generator,
            schema,
            symmetric: e.meta.signature.is::<Symmetric>(),
            signed: e.meta.signature.info().is_signed(),
            b2b: &b2b,
            customer: if e.meta.customer_token {
                customer.as_deref()
            } else {
                None
            },
        };
        ctx.endpoint_checks(&target, &base);
    }
    finish(&ctx.checks, args.json)
}

/// Prints the checks and the summary; the exit status.
fn finish(checks: &[Check], as_json: bool) -> ExitCode {
    let passed = checks.iter().filter(|c| c.pass).count();
    let failed = checks.len() - passed;
    if as_json {
        let doc = json!({ "checks": checks, "passed": passed, "failed": failed });
        println!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
    } else {
        let w_name = checks.iter().map(|c| c.name.len()).max().unwrap_or(0);
        let w_ep = checks.iter().map(|c| c.endpoint.len()).max().unwrap_or(0);
        for c in checks {
            println!(
                "{:<w_name$}  {:<w_ep$}  expected: {}  observed: {}  {}",
                c.name,
                c.endpoint,
                c.expected,
                c.observed,
                if c.pass { "PASS" } else { "FAIL" }
            );
        }
        println!("{} checks: {passed} passed, {failed} failed", checks.len());
    }
    if failed == 0 && !checks.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser as _;

    #[derive(clap::Parser)]
    struct Cli {
        #[command(flatten)]
        args: Args,
    }

    #[test]
    fn debug_redacts_the_secret_and_the_auth_code() {
        let cli = Cli::try_parse_from([
            "snap",
            "--base-url",
            "http://127.0.0.1:1",
            "--client-id",
            "c",
            "--client-secret",
            "very-secret-value",
            "--private-key",
            "k.pem",
            "--auth-code",
            "code-123",
        ])
        .unwrap();
        let shown = format!("{:?}", cli.args);
        assert!(
            !shown.contains("very-secret-value") && !shown.contains("code-123"),
            "{shown}"
        );
        assert!(shown.contains("[redacted]"), "{shown}");
    }

    #[test]
    fn codes_and_refusals() {
        let answer = |status: u16, code: &str, message: &str| -> Result<Answer, String> {
            Ok(Answer {
                status,
                content_type: Some("application/json".into()),
                timestamp: None,
                json: Some(json!({ "responseCode": code, "responseMessage": message })),
                body: Vec::new(),
            })
        };
        let a = answer(400, "4006702", "Invalid Mandatory Field {X-PARTNER-ID}");
        assert!(is_code(&a, "4006702", Some("X-PARTNER-ID")));
        assert!(is_code(&a, "4006702", Some("x-partner-id")));
        assert!(!is_code(&a, "4006702", Some("X-EXTERNAL-ID")));
        assert!(!is_code(&a, "4006701", None));
        // The HTTP status must agree with the code.
        assert!(!is_code(&answer(200, "4006702", "x"), "4006702", None));
        assert!(is_refusal(&answer(401, "4016700", "Unauthorized"), 67));
        assert!(!is_refusal(&answer(401, "4016300", "Unauthorized"), 67));
        assert!(!is_refusal(&answer(200, "2006700", "ok"), 67));
        assert!(!is_refusal(&Err("timed out".into()), 67));
        assert_eq!(code(409, 7, 0), "4090700");
        assert_eq!(encode("a b/ü"), "a%20b%2F%C3%BC");
    }
}
