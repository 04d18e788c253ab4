//! The dashboard: a page at `/` and `/dashboard` (same port as the
//! endpoints, assets embedded, no build step) showing the partners, their
//! payments of every family, the request log and the fault knobs, with
//! buttons that call the sandbox's helper API (`/sandbox/v1.0/...`).
//!
//! - [`RequestLog`]: the last [`RequestLog::CAPACITY`] requests (method,
//!   path, endpoint, HTTP status, responseCode, latency, and for a refused
//!   signature the signature doctor's one-line summary). No header, body,
//!   secret or token is kept.
//! - [`Family`]: one payment family (auth payments; VAs, direct debits,
//!   QRIS and transfers when the sandbox plays them) rendered as generic
//!   [`FamilyRow`]s; the page draws every family the same way, so a new
//!   family is one `Family` impl added to [`FAMILIES`].
//! - [`DashboardPassword`]: when set, the page and every helper endpoint
//!   need HTTP Basic authentication with it (any user name).
//!
//! The page polls `GET /sandbox/v1.0/dashboard/state` once a second.

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use base64::Engine;
use serde::Serialize;
use serde_json::{Value, json};
use snap_core::sign::doctor;
use snap_core::sign::{AccessToken, Asymmetric, Symmetric};
use snap_server::Provider;

use crate::faults::Faults;
use crate::routes::State;

/// The page (HTML, CSS and JS in one file, no dependency).
pub const INDEX_HTML: &str = include_str!("index.html");

/// The dashboard password: the page and the helper API then need HTTP
/// Basic authentication with it. Redacted in `Debug`.
///
/// A request admitted by password gets a session cookie (random per
/// process, `HttpOnly`, `SameSite=Strict`) that admits the page's own
/// helper calls, whose `Authorization` header carries a partner's B2B
/// token instead.
#[derive(Clone)]
pub struct DashboardPassword {
    password: String,
    session: String,
}

/// Name of the dashboard's session cookie.
pub const SESSION_COOKIE: &str = "snap_sandbox_dashboard";

impl DashboardPassword {
    /// A password; `None` when empty.
    pub fn new(password: impl Into<String>) -> Option<Self> {
        let p = password.into();
        if p.is_empty() {
            return None;
        }
        let mut raw = [0u8; 32];
        aws_lc_rs::rand::fill(&mut raw).ok()?;
        let session = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(raw);
        Some(DashboardPassword {
            password: p,
            session,
        })
    }

    /// The `Set-Cookie` value of the session.
    pub fn session_cookie(&self) -> String {
        format!(
            "{SESSION_COOKIE}={}; Path=/; HttpOnly; SameSite=Strict",
            self.session
        )
    }

    /// True when `headers` carry the session cookie (compared in constant time).
    pub fn has_session(&self, headers: &HeaderMap) -> bool {
        headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|c| c.trim().strip_prefix(SESSION_COOKIE)?.strip_prefix('='))
            .any(|v| {
                aws_lc_rs::constant_time::verify_slices_are_equal(
                    v.as_bytes(),
                    self.session.as_bytes(),
                )
                .is_ok()
            })
    }

    /// True when `headers` carry `Authorization: Basic` with this password
    /// (any user name), compared in constant time.
    pub fn admits(&self, headers: &HeaderMap) -> bool {
        let Some(v) = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
        else {
            return false;
        };
        let Some(b64) = v
            .strip_prefix("Basic ")
            .or_else(|| v.strip_prefix("basic "))
        else {
            return false;
        };
        let Ok(raw) = base64::engine::general_purpose::STANDARD.decode(b64.trim()) else {
            return false;
        };
        let Some(colon) = raw.iter().position(|b| *b == b':') else {
            return false;
        };
        let given = &raw[colon + 1..];
        aws_lc_rs::constant_time::verify_slices_are_equal(given, self.password.as_bytes()).is_ok()
    }
}

impl fmt::Debug for DashboardPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DashboardPassword(<redacted>)")
    }
}

/// The answer to a request without the dashboard password.
pub fn unauthorized() -> Response {
    let mut res = Response::new(Body::from(
        json!({"error": "the sandbox dashboard and helper API need the dashboard password (HTTP Basic, any user name)"})
            .to_string(),
    ));
    *res.status_mut() = StatusCode::UNAUTHORIZED;
    res.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static("Basic realm=\"snap sandbox\", charset=\"UTF-8\""),
    );
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    res
}

/// The page.
pub fn page() -> Response {
    let mut res = Response::new(Body::from(INDEX_HTML));
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

// ------------------------------------------------------------ request log

/// One logged request. Holds no header, body, secret or token.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct LogEntry {
    /// Sequence number (1, 2, ...).
    pub id: u64,
    /// When it arrived (SNAP timestamp).
    pub time: String,
    /// HTTP method.
    pub method: String,
    /// Path, without the query string.
    pub path: String,
    /// Endpoint name, when the path is one of the sandbox's endpoints.
    pub endpoint: Option<String>,
    /// `X-PARTNER-ID` or `X-CLIENT-KEY`, when sent.
    pub partner: Option<String>,
    /// HTTP status answered.
    pub http: u16,
    /// `responseCode` of the answer, when it has one.
    pub response_code: Option<String>,
    /// `responseMessage` of the answer, when it has one (at most 150 chars).
    pub response_message: Option<String>,
    /// Time from arrival to the complete answer, microseconds.
    pub latency_us: u64,
    /// For a refused signature: the signature doctor's one-line summary.
    pub diagnosis: Option<String>,
}

/// The last requests, bounded.
#[derive(Debug)]
pub struct RequestLog {
    entries: Mutex<VecDeque<LogEntry>>,
    seq: AtomicU64,
}

impl Default for RequestLog {
    fn default() -> Self {
        RequestLog {
            entries: Mutex::new(VecDeque::with_capacity(Self::CAPACITY)),
            seq: AtomicU64::new(0),
        }
    }
}

impl RequestLog {
    /// How many requests are kept (older ones are dropped).
    pub const CAPACITY: usize = 200;

    fn lock(&self) -> std::sync::MutexGuard<'_, VecDeque<LogEntry>> {
        // Entries are whole values: a poisoned lock still holds valid ones.
        self.entries.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Adds an entry (its `id` is assigned here), dropping the oldest when full.
    pub fn push(&self, mut entry: LogEntry) {
        entry.id = self.seq.fetch_add(1, Ordering::Relaxed) + 1;
        let mut q = self.lock();
        if q.len() == Self::CAPACITY {
            q.pop_front();
        }
        q.push_back(entry);
    }

    /// The entries, newest first.
    pub fn newest_first(&self) -> Vec<LogEntry> {
        self.lock().iter().rev().cloned().collect()
    }
}

/// What the log middleware needs: endpoint names by path, the partners'
/// keys (for the doctor), the body limit.
#[derive(Debug)]
pub(crate) struct LogContext {
    pub(crate) endpoints: HashMap<String, &'static str>,
    pub(crate) log: std::sync::Arc<RequestLog>,
    pub(crate) provider: std::sync::Arc<Provider>,
}

/// Paths the log skips: the page and its polling.
fn unlogged(path: &str) -> bool {
    path == "/"
        || path == "/dashboard"
        || path == "/favicon.ico"
        || path.starts_with("/sandbox/v1.0/dashboard/")
}

fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// The axum middleware recording every request but the dashboard's own.
pub(crate) async fn record(
    ctx: std::sync::Arc<LogContext>,
    req: Request,
    next: axum::middleware::Next,
) -> Response {
    let path = req.uri().path().to_owned();
    if unlogged(&path) {
        return next.run(req).await;
    }
    let start = Instant::now();
    let time = snap_core::time::SnapTimestamp::now().into_string();
    let method = req.method().as_str().to_owned();
    let path_and_query = req
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| path.clone());
    let headers = req.headers().clone();
    let limit = ctx.provider.config().body_limit();
    let declared = header_str(&headers, "content-length").and_then(|v| v.parse::<usize>().ok());
    // Keep a copy of the body only when its declared length is within the
    // provider's limit (the doctor needs it for a refused signature); other
    // bodies pass untouched to the provider's own checks.
    let (req, body) = match declared {
        Some(n) if n <= limit => {
            let (parts, body) = req.into_parts();
            match axum::body::to_bytes(body, limit).await {
                Ok(b) => (Request::from_parts(parts, Body::from(b.clone())), Some(b)),
                Err(_) => {
                    let mut res = Response::new(Body::from(
                        json!({"error": "the request body could not be read"}).to_string(),
                    ));
                    *res.status_mut() = StatusCode::BAD_REQUEST;
                    return res;
                }
            }
        }
        _ => (req, None),
    };
    let res = next.run(req).await;
    let (parts, res_body) = res.into_parts();
    let bytes = axum::body::to_bytes(res_body, 1 << 20)
        .await
        .unwrap_or_default();
    let answer: Option<Value> = serde_json::from_slice(&bytes).ok();
    let field = |name: &str| {
        answer
            .as_ref()
            .and_then(|a| a.get(name))
            .and_then(|v| v.as_str())
            .map(|s| s.chars().take(150).collect::<String>())
    };
    // BI's string code; Ayopop's integer `responseCode`; IPG's `rc`.
    let response_code = answer
        .as_ref()
        .and_then(|a| a.get("responseCode").or_else(|| a.get("rc")))
        .and_then(|v| match v {
            Value::String(s) => Some(s.chars().take(32).collect()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        });
    let response_message = field("responseMessage");
    let partner = header_str(&headers, "x-partner-id")
        .or_else(|| header_str(&headers, "x-client-key"))
        .map(|s| s.chars().take(64).collect::<String>());
    let endpoint = endpoint_of(&ctx.endpoints, &path).map(str::to_owned);
    let diagnosis = if parts.status == StatusCode::UNAUTHORIZED
        && response_message
            .as_deref()
            .is_some_and(|m| m.contains("Signature"))
    {
        match body.as_deref() {
            Some(b) => {
                diagnose(
                    &ctx.provider,
                    &method,
                    &path_and_query,
                    &headers,
                    b,
                    partner.as_deref(),
                )
                .await
            }
            None => None,
        }
    } else {
        None
    };
    ctx.log.push(LogEntry {
        id: 0,
        time,
        method,
        path,
        endpoint,
        partner,
        http: parts.status.as_u16(),
        response_code,
        response_message,
        latency_us: u64::try_from(start.elapsed().as_micros()).unwrap_or(u64::MAX),
        diagnosis,
    });
    Response::from_parts(parts, Body::from(bytes))
}

fn endpoint_of<'a>(endpoints: &'a HashMap<String, &'static str>, path: &str) -> Option<&'a str> {
    if let Some(name) = endpoints.get(path) {
        return Some(name);
    }
    ["/gopay", "/paydia"]
        .iter()
        .find_map(|p| path.strip_prefix(p))
        .and_then(|rest| endpoints.get(rest))
        .copied()
}

/// The signature doctor's one-line summary for a refused request.
async fn diagnose(
    provider: &Provider,
    method: &str,
    path: &str,
    headers: &HeaderMap,
    body: &[u8],
    partner: Option<&str>,
) -> Option<String> {
    let p = provider.partners().get(partner?).await.ok()??;
    let received = doctor::Received::from_headers(method, path, headers, body);
    let token_request = path.contains("/access-token/");
    let bearer = header_str(headers, "authorization").and_then(|a| {
        a.strip_prefix("Bearer ")
            .or_else(|| a.strip_prefix("bearer "))
    });
    let d = if token_request {
        let k = p.verifier::<AccessToken>()?;
        doctor::diagnose_token(k, &p.client_id, received.timestamp, received.signature)
    } else if !p.asymmetric_transactions && p.verifier::<Symmetric>().is_some() {
        let k = p.verifier::<Symmetric>()?;
        doctor::diagnose_symmetric(k, bearer.unwrap_or(""), &received)
    } else {
        let k = p.verifier::<Asymmetric>()?;
        doctor::diagnose_asymmetric(k, &received)
    };
    Some(d.summary())
}

// ------------------------------------------------------------- families

/// One event in a payment's history.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct HistoryEntry {
    /// When (SNAP timestamp).
    pub time: String,
    /// What happened (`authorized`, `captured`, `paid`...).
    pub event: String,
    /// Amount of the event (`"10000.00 IDR"`), when it has one.
    pub amount: Option<String>,
    /// The event's own reference (capture, void, refund number...).
    pub reference: Option<String>,
}

/// A button on a row: a POST of `body` (JSON) to the helper API `path`.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RowAction {
    /// Button label (`pay`).
    pub label: String,
    /// Helper API path (`/sandbox/v1.0/...`).
    pub path: String,
    /// JSON body sent.
    pub body: Value,
}

/// One payment of a family, as the page draws it.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct FamilyRow {
    /// The sandbox's reference number (or the family's key: a VA number...).
    pub reference: String,
    /// The partner's reference number, when there is one.
    pub partner_reference: Option<String>,
    /// Amount and currency (`"10000.00 IDR"`); money is never a float.
    pub amount: String,
    /// Status, as the family names it (`Success`, `Paid`, `Pending`...).
    pub status: String,
    /// When it was created (SNAP timestamp); rows are sorted on it, newest first.
    pub time: String,
    /// What happened to it, oldest first.
    pub history: Vec<HistoryEntry>,
    /// Buttons (pay...).
    pub actions: Vec<RowAction>,
}

/// A payment family the dashboard shows.
pub trait Family: Send + Sync {
    /// Name shown as the section title (`Auth payments`).
    fn name(&self) -> &'static str;
    /// The partner's payments of this family (any order; sorted by the caller).
    fn rows<'a>(
        &'a self,
        state: &'a State,
        partner: &'a str,
    ) -> snap_server::store::BoxFuture<'a, Vec<FamilyRow>>;
}

/// Auth payments (the ledger: 63-69; direct debits 54-58 are ledger
/// payments too and are listed here).
#[derive(Debug)]
pub struct AuthPayments;

/// Minor units as `"10000.00 IDR"` (the books other than the ledger keep
/// rupiah in minor units).
fn idr(minor: u64) -> String {
    format!("{}.{:02} IDR", minor / 100, minor % 100)
}

/// `"10000.00"` or `"10000"` as minor units; `None` for anything else.
pub fn parse_minor(s: &str) -> Option<u64> {
    let (units, cents) = match s.split_once('.') {
        Some((u, c)) if c.len() == 2 => (u, c),
        Some(_) => return None,
        None => (s, "00"),
    };
    if units.is_empty()
        || !units.bytes().all(|b| b.is_ascii_digit())
        || !cents.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    units
        .parse::<u64>()
        .ok()?
        .checked_mul(100)?
        .checked_add(cents.parse::<u64>().ok()?)
}

fn event(time: &str, what: &str, amount: Option<String>, reference: Option<&str>) -> HistoryEntry {
    HistoryEntry {
        time: time.to_owned(),
        event: what.to_owned(),
        amount,
        reference: reference.map(str::to_owned),
    }
}

fn amount_of(m: &snap_core::money::Money) -> String {
    format!("{} {}", m.value_string(), m.currency().as_str())
}

impl Family for AuthPayments {
    fn name(&self) -> &'static str {
        "Auth payments"
    }

    fn rows<'a>(
        &'a self,
        state: &'a State,
        partner: &'a str,
    ) -> snap_server::store::BoxFuture<'a, Vec<FamilyRow>> {
        Box::pin(async move {
            state
                .ledger
                .payments(partner)
                .await
                .into_iter()
                .map(|p| {
                    let mut history = vec![HistoryEntry {
                        time: p.paid_time.clone(),
                        event: "authorized".into(),
                        amount: Some(amount_of(&p.amount)),
                        reference: None,
                    }];
                    // The ledger keeps sums (operations are records of their
                    // own): one line per kind with its total.
                    let currency = p.amount.currency().as_str().to_owned();
                    for (what, minor) in [
                        ("captured (total)", p.captured),
                        ("voided (total)", p.voided),
                        ("refunded (total)", p.refunded),
                    ] {
                        if minor > 0 {
                            history.push(HistoryEntry {
                                time: String::new(),
                                event: what.into(),
                                amount: Some(format!(
                                    "{}.{:02} {currency}",
                                    minor / 100,
                                    minor % 100
                                )),
                                reference: None,
                            });
                        }
                    }
                    FamilyRow {
                        reference: p.reference_no.clone(),
                        partner_reference: Some(p.partner_reference_no.clone()),
                        amount: amount_of(&p.amount),
                        status: p.status().description().to_owned(),
                        time: p.paid_time.clone(),
                        history,
                        actions: Vec::new(),
                    }
                })
                .collect()
        })
    }
}

/// Virtual accounts (27 create, 25 paid by the bank, 31 delete); "pay" is
/// the bank's payment through `POST /sandbox/v1.0/va/pay`.
#[derive(Debug)]
pub struct VirtualAccounts;

impl Family for VirtualAccounts {
    fn name(&self) -> &'static str {
        "Virtual accounts"
    }

    fn rows<'a>(
        &'a self,
        state: &'a State,
        partner: &'a str,
    ) -> snap_server::store::BoxFuture<'a, Vec<FamilyRow>> {
        Box::pin(self.rows_now(state, partner))
    }
}

impl VirtualAccounts {
    async fn rows_now(&self, state: &State, partner: &str) -> Vec<FamilyRow> {
        use crate::va::TrxType;
        state
            .vas
            .all(partner)
            .await
            .into_iter()
            .map(|v| {
                let mut history = vec![event(
                    &v.created,
                    &format!("created (type {})", v.spec.trx_type.code()),
                    v.spec.total.map(idr),
                    None,
                )];
                history.extend(v.payments.iter().map(|p| {
                    event(
                        &p.time,
                        "paid",
                        Some(idr(p.amount)),
                        Some(&p.payment_request_id),
                    )
                }));
                if v.deleted {
                    let at = v.deleted_time.as_deref().unwrap_or("");
                    history.push(event(at, "deleted", None, None));
                }
                let status = if v.deleted {
                    "Deleted"
                } else if v.settled() || (v.paid > 0 && v.spec.trx_type != TrxType::Partial) {
                    "Paid"
                } else if v.paid > 0 {
                    "Partly paid"
                } else {
                    "Unpaid"
                };
                let outstanding = v.outstanding();
                let actions = if !v.deleted && outstanding > 0 {
                    vec![RowAction {
                        label: "pay".into(),
                        path: "/sandbox/v1.0/va/pay".into(),
                        body: json!({
                            "clientId": partner,
                            "virtualAccountNo": v.virtual_account_no,
                            "amount": format!("{}.{:02}", outstanding / 100, outstanding % 100),
                        }),
                    }]
                } else {
                    Vec::new()
                };
                FamilyRow {
                    reference: v.virtual_account_no.clone(),
                    partner_reference: v.spec.trx_id.clone(),
                    amount: v.spec.total.map(idr).unwrap_or_else(|| "open".into()),
                    status: status.to_owned(),
                    time: v.created.clone(),
                    history,
                    actions,
                }
            })
            .collect()
    }
}

/// QRIS MPM (47 generate, paid by the customer, 77 cancel, 78 refund);
/// "pay" is the customer's payment through `POST /sandbox/v1.0/qris/pay`.
#[derive(Debug)]
pub struct Qris;

impl Family for Qris {
    fn name(&self) -> &'static str {
        "QRIS"
    }

    fn rows<'a>(
        &'a self,
        state: &'a State,
        partner: &'a str,
    ) -> snap_server::store::BoxFuture<'a, Vec<FamilyRow>> {
        Box::pin(self.rows_now(state, partner))
    }
}

impl Qris {
    async fn rows_now(&self, state: &State, partner: &str) -> Vec<FamilyRow> {
        use crate::qris::QrStatus;
        state
            .qris
            .all(partner)
            .await
            .into_iter()
            .map(|q| {
                let mut history = vec![event(&q.created, "generated", Some(idr(q.amount)), None)];
                if let Some(t) = &q.paid_time {
                    history.push(event(t, "paid", Some(idr(q.amount)), None));
                }
                history.extend(q.refunds.iter().map(|r| {
                    event(
                        &r.time,
                        "refunded",
                        Some(idr(r.amount)),
                        Some(&r.partner_refund_no),
                    )
                }));
                if q.canceled {
                    let at = q.canceled_time.as_deref().unwrap_or("");
                    history.push(event(at, "cancelled", None, None));
                }
                let actions = if q.status() == QrStatus::Pending {
                    vec![RowAction {
                        label: "pay".into(),
                        path: "/sandbox/v1.0/qris/pay".into(),
                        body: json!({ "clientId": partner, "referenceNo": q.reference_no }),
                    }]
                } else {
                    Vec::new()
                };
                FamilyRow {
                    reference: q.reference_no.clone(),
                    partner_reference: Some(q.partner_reference_no.clone()),
                    amount: idr(q.amount),
                    status: q.status().description().to_owned(),
                    time: q.created.clone(),
                    history,
                    actions,
                }
            })
            .collect()
    }
}

/// Transfers (17 intrabank, 18 interbank, 22 RTGS, 23 SKN).
#[derive(Debug)]
pub struct Transfers;

impl Family for Transfers {
    fn name(&self) -> &'static str {
        "Transfers"
    }

    fn rows<'a>(
        &'a self,
        state: &'a State,
        partner: &'a str,
    ) -> snap_server::store::BoxFuture<'a, Vec<FamilyRow>> {
        Box::pin(self.rows_now(state, partner))
    }
}

impl Transfers {
    async fn rows_now(&self, state: &State, partner: &str) -> Vec<FamilyRow> {
        state
            .accounts
            .transfers(partner)
            .await
            .into_iter()
            .map(|t| FamilyRow {
                reference: t.reference_no.clone(),
                partner_reference: Some(t.partner_reference_no.clone()),
                amount: idr(t.amount),
                status: "Success".into(),
                time: t.time.clone(),
                history: vec![event(
                    &t.time,
                    &format!("{:?} {} -> {}", t.rail, t.source, t.beneficiary),
                    Some(idr(t.amount)),
                    None,
                )],
                actions: Vec::new(),
            })
            .collect()
    }
}

/// Every family the dashboard shows, in page order.
pub static FAMILIES: &[&dyn Family] = &[&AuthPayments, &VirtualAccounts, &Qris, &Transfers];

/// What `GET /sandbox/v1.0/dashboard/state` answers.
pub(crate) async fn state_json(
    state: &State,
    provider: &Provider,
    faults: &Faults,
    log: &RequestLog,
) -> Value {
    let mut ids: Vec<String> = provider
        .partners()
        .all()
        .await
        .unwrap_or_default()
        .iter()
        .map(|p| p.client_id.clone())
        .collect();
    ids.sort();
    let mut partners: Vec<Value> = Vec::with_capacity(ids.len());
    for id in &ids {
        let mut families: Vec<Value> = Vec::with_capacity(FAMILIES.len());
        for f in FAMILIES {
            let mut rows = f.rows(state, id).await;
            rows.sort_by(|a, b| {
                b.time
                    .cmp(&a.time)
                    .then_with(|| b.reference.cmp(&a.reference))
            });
            families.push(json!({ "name": f.name(), "rows": rows }));
        }
        partners.push(json!({ "clientId": id, "families": families }));
    }
    json!({
        "partners": partners,
        "faults": faults.config(),
        "requests": log.newest_first(),
        "requestLogCapacity": RequestLog::CAPACITY,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(path: &str) -> LogEntry {
        LogEntry {
            id: 0,
            time: String::new(),
            method: "POST".into(),
            path: path.into(),
            endpoint: None,
            partner: None,
            http: 200,
            response_code: None,
            response_message: None,
            latency_us: 1,
            diagnosis: None,
        }
    }

    #[test]
    fn the_log_is_bounded_and_newest_first() {
        let log = RequestLog::default();
        for i in 0..RequestLog::CAPACITY + 5 {
            log.push(entry(&format!("/p{i}")));
        }
        let all = log.newest_first();
        assert_eq!(all.len(), RequestLog::CAPACITY);
        assert_eq!(all[0].path, format!("/p{}", RequestLog::CAPACITY + 4));
        assert_eq!(all[0].id, (RequestLog::CAPACITY + 5) as u64);
        assert_eq!(all.last().unwrap().path, "/p5");
    }

    #[test]
    fn the_password_needs_basic_auth_with_the_right_secret() {
        let pw = DashboardPassword::new("s3cret").unwrap();
        assert!(DashboardPassword::new("").is_none());
        let mut h = HeaderMap::new();
        assert!(!pw.admits(&h));
        let basic = |s: &str| {
            HeaderValue::from_str(&format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(s)
            ))
            .unwrap()
        };
        h.insert(header::AUTHORIZATION, basic("any:s3cret"));
        assert!(pw.admits(&h));
        h.insert(header::AUTHORIZATION, basic("any:s3cre"));
        assert!(!pw.admits(&h));
        h.insert(header::AUTHORIZATION, basic("s3cret"));
        assert!(!pw.admits(&h));
        assert!(!format!("{pw:?}").contains("s3cret"));
    }
}
