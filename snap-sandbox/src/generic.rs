//! The BI services no family of the sandbox keeps state for, answered by
//! one generic handler built from their declarations.
//!
//! Every BI request type of `snap-endpoints` ([`visit_bi`]) whose path no
//! dedicated handler serves gets a route here (the sandbox's router puts
//! this one behind its own as the fallback, so a dedicated handler always
//! wins and a family added later takes its service over without a change
//! here). A request passes the same checks as every sandbox route
//! (headers, tokens, timestamp, signature, X-EXTERNAL-ID, the fault knobs,
//! [`parse_request`](snap_core::endpoint::parse_request) with the
//! declaration's rules: the standard's `400{SS}01` / `400{SS}02` naming
//! the field), then is answered with a success built from the **response
//! declaration's** schema ([`snap_core::schema`], the same metadata `snap
//! openapi` prints):
//!
//! - `responseCode` `200{SS}00`, `responseMessage` `"Successful"`;
//! - a member the request also carries (at the same place, or at the top)
//!   is echoed when its value keeps the answer's rules (`partnerReferenceNo`,
//!   amounts, account numbers, ...);
//! - `referenceNo` is generated (unique across the sandbox's store);
//! - every other mandatory member (and the first of a `one_of` group none
//!   of whose members is there, and a conditional one) gets a value that
//!   keeps its declared length, digits, money (`{"value": "10000.00",
//!   "currency": "IDR"}`) or timestamp format; optional members are left
//!   out;
//! - the answer is checked against the response declaration before it is
//!   sent (a broken one would be a `500`).
//!
//! The one refusal with state: a status query, cancel or refund (its name
//! says so) naming an `original*` reference is answered `404{SS}01
//! Transaction Not Found` unless a generic service of the same partner
//! answered that `referenceNo` or `partnerReferenceNo` before (kept in the
//! sandbox's record store, so `--redis` shares it); a known one's answer
//! echoes the original transaction's members (its amount, say).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::Router;
use axum::extract::State as AxumState;
use serde_json::{Map, Value, json};
use snap_core::endpoint::{Endpoint, EndpointMeta, Fields, parse_request};
use snap_core::schema::{SchemaGen, endpoint_schema};
use snap_core::time::SnapTimestamp;
use snap_endpoints::registry::{Declared, VisitEndpoint, visit_bi};
use snap_server::store::{Escaped, Expect};
use snap_server::{ErrorReply, Inbound, SnapReply, snap_renderer};

use crate::app::Sandbox;
use crate::routes::{Shared, State};

/// How long an answered generic transaction can be queried.
const KEPT: std::time::Duration = std::time::Duration::from_secs(2 * 86_400);

/// Largest original transaction kept for a later query's echo (bytes).
const KEPT_MAX: usize = 16 * 1024;

/// Items of a request list echoed into the answer's list, at most.
const MAX_ITEMS: usize = 100;

/// Nesting followed when building an answer (a type that contains itself
/// stops here).
const MAX_DEPTH: usize = 8;

/// What the generic handler knows of one endpoint: its response schema,
/// built once when the router is.
#[derive(Debug)]
pub struct Plan {
    meta: EndpointMeta,
    generator: SchemaGen,
    response: Value,
    lookup: bool,
}

impl Plan {
    /// The plan of `E`.
    pub fn of<E: Endpoint + Fields>() -> Plan {
        let mut generator = SchemaGen::with_ref_prefix("#/$defs/");
        let schema = endpoint_schema::<E>(&mut generator);
        let name = E::META.name.to_ascii_lowercase();
        let names_original = E::FIELDS
            .iter()
            .any(|f| f.wire == "originalReferenceNo" || f.wire == "originalPartnerReferenceNo");
        let lookup = names_original
            && ["status", "query", "cancel", "refund"]
                .iter()
                .any(|w| name.contains(w));
        Plan {
            meta: E::META,
            generator,
            response: schema.response,
            lookup,
        }
    }

    /// Whether a request must name a transaction the sandbox answered
    /// before (a status query, cancel or refund with `original*` members).
    pub fn is_lookup(&self) -> bool {
        self.lookup
    }

    /// The success answer for `request` (its JSON form), with `reference_no`
    /// and, for a query, the `original` transaction's members to echo
    /// (`{"request": ..., "answer": ...}` as the sandbox keeps it).
    pub fn answer(&self, request: &Value, original: Option<&Value>, reference_no: &str) -> Value {
        let sc = self.meta.service.map_or(0, |s| s.get());
        let synth = Synth {
            generator: &self.generator,
            code: format!("200{sc:02}00"),
            reference_no,
            now: SnapTimestamp::now().into_string(),
        };
        let mut sources: Vec<&Map<String, Value>> = Vec::new();
        if let Value::Object(o) = request {
            sources.push(o);
        }
        for part in ["request", "answer"] {
            if let Some(Value::Object(o)) = original.and_then(|v| v.get(part)) {
                sources.push(o);
            }
        }
        Value::Object(synth.object(&self.response, &sources, 0))
    }
}

/// Builds one answer from a response schema.
struct Synth<'a> {
    generator: &'a SchemaGen,
    code: String,
    reference_no: &'a str,
    now: String,
}

fn str_list(v: Option<&Value>) -> Vec<&str> {
    v.and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

/// The members a schema object requires: `required`, the `then` of its
/// conditions (filled whether or not the condition holds: a valid value
/// either way), and its `one_of` groups (`anyOf` of `required`).
fn requirements(s: &Value) -> (Vec<&str>, Vec<Vec<&str>>) {
    let mut required = str_list(s.get("required"));
    let mut groups = Vec::new();
    let mut parts = vec![s];
    if let Some(Value::Array(all)) = s.get("allOf") {
        parts.extend(all.iter());
    }
    for p in parts {
        required.extend(str_list(p.get("then").and_then(|t| t.get("required"))));
        if let Some(Value::Array(any)) = p.get("anyOf") {
            let members: Vec<&str> = any
                .iter()
                .flat_map(|a| str_list(a.get("required")))
                .collect();
            if !members.is_empty() {
                groups.push(members);
            }
        }
    }
    (required, groups)
}

impl Synth<'_> {
    fn resolve<'s>(&'s self, schema: &'s Value) -> &'s Value {
        self.generator.resolve(schema)
    }

    /// The answer object for `schema`, members echoed from `sources` (the
    /// nearest first).
    fn object(
        &self,
        schema: &Value,
        sources: &[&Map<String, Value>],
        depth: usize,
    ) -> Map<String, Value> {
        let s = self.resolve(schema);
        let mut out = Map::new();
        let Some(props) = s.get("properties").and_then(Value::as_object) else {
            return out;
        };
        let (required, groups) = requirements(s);
        for (name, p) in props {
            let must = required.contains(&name.as_str()) || name == "referenceNo";
            if let Some(v) = self.member(name, p, sources, must, depth) {
                out.insert(name.clone(), v);
            }
        }
        for group in groups {
            if group.iter().any(|m| out.contains_key(*m)) {
                continue;
            }
            if let Some((name, p)) = group
                .first()
                .and_then(|m| props.get_key_value(*m))
                .and_then(|(n, p)| self.member(n, p, sources, true, depth).map(|v| (n, v)))
            {
                out.insert(name.clone(), p);
            }
        }
        out
    }

    /// One member: echoed, built, or (optional, nothing to echo) left out.
    fn member(
        &self,
        name: &str,
        schema: &Value,
        sources: &[&Map<String, Value>],
        must: bool,
        depth: usize,
    ) -> Option<Value> {
        match name {
            "responseCode" => return Some(Value::from(self.code.as_str())),
            "responseMessage" => return Some(Value::from("Successful")),
            // The partner's own data: not echoed, an empty object if needed.
            "additionalInfo" => return must.then(|| json!({})),
            _ => {}
        }
        let s = self.resolve(schema);
        let echo = sources.iter().find_map(|src| src.get(name));
        if depth < MAX_DEPTH && s.get("properties").is_some() {
            return match echo {
                Some(Value::Object(o)) => {
                    let mut nested = vec![o];
                    nested.extend_from_slice(sources);
                    Some(Value::Object(self.object(s, &nested, depth + 1)))
                }
                _ if must => Some(Value::Object(self.object(s, sources, depth + 1))),
                _ => None,
            };
        }
        if is_type(s, "array") {
            let items = s.get("items").unwrap_or(&Value::Null);
            let item = self.resolve(items);
            let list: Vec<Value> = match echo {
                Some(Value::Array(given)) => given
                    .iter()
                    .take(MAX_ITEMS)
                    .filter_map(|v| self.item(item, v, sources, depth))
                    .collect(),
                _ => Vec::new(),
            };
            return if !list.is_empty() {
                Some(Value::Array(list))
            } else if must {
                Some(Value::Array(
                    self.item(item, &Value::Null, sources, depth)
                        .into_iter()
                        .collect(),
                ))
            } else {
                None
            };
        }
        if let Some(v) = echo
            && fits(v, s, self.generator)
        {
            return Some(v.clone());
        }
        must.then(|| self.scalar(name, s))
    }

    /// One item of a list: an object built with `given` (an item of the
    /// request's list) as its nearest source, or `given` itself when it
    /// keeps the item's rules.
    fn item(
        &self,
        item: &Value,
        given: &Value,
        sources: &[&Map<String, Value>],
        depth: usize,
    ) -> Option<Value> {
        if item.get("properties").is_some() {
            if depth >= MAX_DEPTH {
                return None;
            }
            let mut nested: Vec<&Map<String, Value>> = Vec::new();
            if let Value::Object(o) = given {
                nested.push(o);
            }
            nested.extend_from_slice(sources);
            return Some(Value::Object(self.object(item, &nested, depth + 1)));
        }
        if !given.is_null() && fits(given, item, self.generator) {
            return Some(given.clone());
        }
        Some(self.scalar("", item))
    }

    /// A value of a scalar schema (string, integer, boolean, free object).
    fn scalar(&self, name: &str, s: &Value) -> Value {
        if let Some(Value::Array(alts)) = s.get("anyOf")
            && let Some(first) = alts.first()
        {
            return self.scalar(name, self.resolve(first));
        }
        match s.get("type").and_then(Value::as_str) {
            Some("string") => Value::from(self.string(name, s)),
            Some("integer") => {
                let min = s.get("minimum").and_then(Value::as_i64).unwrap_or(0);
                let max = s.get("maximum").and_then(Value::as_i64).unwrap_or(i64::MAX);
                Value::from(min.max(0).min(max).max(min))
            }
            Some("number") => Value::from(0),
            Some("boolean") => Value::from(true),
            Some("object") => json!({}),
            Some("array") => json!([]),
            _ => Value::from("SANDBOX"),
        }
    }

    /// A string keeping `s`'s length, digits, money, currency and timestamp
    /// rules, chosen by the member's name where the name says what it is.
    fn string(&self, name: &str, s: &Value) -> String {
        let min = s.get("minLength").and_then(Value::as_u64).unwrap_or(0) as usize;
        let max = s
            .get("maxLength")
            .and_then(Value::as_u64)
            .map_or(64, |m| m as usize);
        let pattern = s.get("pattern").and_then(Value::as_str).unwrap_or("");
        let words = words(name);
        let has = |w: &str| words.iter().any(|x| x == w);
        let last = words.last().map(String::as_str).unwrap_or("");
        let text = if s.get("format").and_then(Value::as_str) == Some("date-time") {
            self.now.clone()
        } else if pattern == MONEY_PATTERN {
            "10000.00".to_owned()
        } else if pattern == CURRENCY_PATTERN || last == "currency" {
            "IDR".to_owned()
        } else if pattern == DIGITS_PATTERN {
            let want = if min == max { min } else { 12.clamp(min, max) };
            let digits = if has("status") || last == "code" {
                "0".repeat(want)
            } else {
                self.reference_no
                    .chars()
                    .filter(char::is_ascii_digit)
                    .collect::<String>()
            };
            return fit_digits(&digits, want);
        } else if name == "responseCode" {
            self.code.clone()
        } else if name == "responseMessage" {
            "Successful".to_owned()
        } else if has("status") {
            "00".to_owned()
        } else if matches!(last, "desc" | "description" | "message") {
            "Success".to_owned()
        } else if has("date") || has("time") || has("datetime") {
            date_for(&self.now, max)
        } else if matches!(last, "no" | "id" | "number" | "ref" | "code" | "token") {
            // An identifier: unique, as the referenceNo is.
            let tail = self.reference_no.len().saturating_sub(max);
            self.reference_no[tail..].to_owned()
        } else if last == "name" {
            "Sandbox".to_owned()
        } else if last == "amount" || last == "value" {
            "10000.00".to_owned()
        } else {
            "SANDBOX".to_owned()
        };
        fit(&text, min, max)
    }
}

const DIGITS_PATTERN: &str = "^[0-9]*$";
const MONEY_PATTERN: &str = "^[0-9]{1,14}\\.[0-9]{2}$";
const CURRENCY_PATTERN: &str = "^[A-Z]{3}$";

/// The lower-case words of a camelCase member name (`eMandateReffId` ->
/// `e`, `mandate`, `reff`, `id`).
fn words(name: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut cur = String::new();
    for c in name.chars() {
        if (c.is_ascii_uppercase() || c == '_') && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
        if c != '_' {
            cur.push(c.to_ascii_lowercase());
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// `text` cut to `max` characters, padded with `0` to `min`.
fn fit(text: &str, min: usize, max: usize) -> String {
    let mut s: String = text.chars().take(max).collect();
    while s.chars().count() < min {
        s.push('0');
    }
    s
}

/// The last `want` digits of `digits` (left-padded with `0`).
fn fit_digits(digits: &str, want: usize) -> String {
    let tail: String = digits
        .chars()
        .rev()
        .take(want)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    format!("{tail:0>want$}")
}

/// The timestamp `now` (`2024-03-01T15:27:49+07:00`) in the longest form
/// that fits `max` characters: itself, `2024-03-01T15:27:49`, `2024-03-01`,
/// `20240301`.
fn date_for(now: &str, max: usize) -> String {
    if max >= now.len() {
        now.to_owned()
    } else if max >= 19 {
        now.chars().take(19).collect()
    } else if max >= 10 {
        now.chars().take(10).collect()
    } else {
        now.chars().filter(char::is_ascii_digit).take(max).collect()
    }
}

fn is_type(s: &Value, t: &str) -> bool {
    s.get("type").and_then(Value::as_str) == Some(t)
}

/// Whether `v` keeps schema `s`'s rules, as far as the response's own
/// validation checks them (type, lengths in characters, digits, money,
/// currency, timestamp, integer bounds).
fn fits(v: &Value, s: &Value, generator: &SchemaGen) -> bool {
    let s = generator.resolve(s);
    if let Some(Value::Array(alts)) = s.get("anyOf")
        && s.get("type").is_none()
    {
        return alts.iter().any(|a| fits(v, a, generator));
    }
    match s.get("type").and_then(Value::as_str) {
        Some("string") => {
            let Some(text) = v.as_str() else { return false };
            let n = text.chars().count() as u64;
            let min = s.get("minLength").and_then(Value::as_u64).unwrap_or(0);
            let max = s
                .get("maxLength")
                .and_then(Value::as_u64)
                .unwrap_or(u64::MAX);
            if n < min || n > max {
                return false;
            }
            if s.get("format").and_then(Value::as_str) == Some("date-time") {
                return SnapTimestamp::parse(text).is_ok();
            }
            match s.get("pattern").and_then(Value::as_str) {
                Some(DIGITS_PATTERN) => text.bytes().all(|b| b.is_ascii_digit()),
                Some(MONEY_PATTERN) => {
                    snap_core::money::Money::parse(text, snap_core::money::Currency::IDR).is_ok()
                }
                Some(CURRENCY_PATTERN) => {
                    text.len() == 3 && text.bytes().all(|b| b.is_ascii_uppercase())
                }
                Some(p) if p.starts_with("^-?[0-9]") => {
                    let d = text.strip_prefix('-').unwrap_or(text);
                    !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit())
                }
                _ => true,
            }
        }
        Some("integer") => {
            let (min, max) = (
                s.get("minimum").and_then(Value::as_i64).unwrap_or(i64::MIN),
                s.get("maximum").and_then(Value::as_i64).unwrap_or(i64::MAX),
            );
            v.as_i64().is_some_and(|n| n >= min && n <= max)
                || (v.as_u64().is_some() && max == i64::MAX)
        }
        Some("number") => v.is_number(),
        Some("boolean") => v.is_boolean(),
        Some("object") => v.is_object() && s.get("properties").is_none(),
        Some("array") => false,
        _ => !v.is_null(),
    }
}

/// The record key of a generic transaction of `partner`.
fn key(partner: &str, kind: &str, value: &str) -> String {
    format!("generic:{}:{partner}:{kind}:{value}", partner.len())
}

static LOCAL_SEQ: AtomicU64 = AtomicU64::new(1);

/// A `referenceNo`: the service code and a number unique across the store.
async fn reference_no(st: &State, plan: &Plan) -> String {
    let n = match st.records.next("generic:referenceNo").await {
        Ok(n) => n,
        Err(_) => LOCAL_SEQ.fetch_add(1, Ordering::Relaxed),
    };
    let sc = plan.meta.service.map_or(0, |s| s.get());
    format!("{sc:02}{n:010}")
}

/// The generic handler: the checked request `req` of `plan`'s endpoint.
async fn answer<E: Declared>(plan: &Plan, st: &State, req: Inbound<E>) -> SnapReply<E> {
    let mut request = serde_json::to_value(&req.request).unwrap_or(Value::Null);
    // Path and query parameters are not in the body form: copied back in,
    // so that they are echoed too.
    let (path, query) = req.path.split_once('?').unwrap_or((&req.path, ""));
    let _ = E::from_target(&mut request, path, query);
    let partner = req.partner_id();
    let mut original = None;
    if plan.lookup {
        let wanted: Vec<(&str, &str)> = [
            ("ref", "originalReferenceNo"),
            ("pref", "originalPartnerReferenceNo"),
        ]
        .into_iter()
        .filter_map(|(kind, field)| {
            request
                .get(field)
                .and_then(Value::as_str)
                .filter(|v| !v.is_empty())
                .map(|v| (kind, v))
        })
        .collect();
        for (kind, value) in &wanted {
            match st.records.get(&key(partner, kind, value)).await {
                Ok(Some(r)) => {
                    original = Some(serde_json::from_slice::<Value>(&r.value).unwrap_or_default());
                    break;
                }
                Ok(None) => {}
                Err(e) => {
                    return SnapReply::error(&ErrorReply::internal().with_log(e.to_string()));
                }
            }
        }
        if original.is_none() && !wanted.is_empty() {
            let named: Vec<String> = wanted.iter().map(|(_, v)| v.to_string()).collect();
            tracing::info!(target: "snap::server", endpoint = plan.meta.name, reference = %Escaped(&named.join(",")), "generic: no such transaction");
            return SnapReply::error(&ErrorReply::not_found().with_log(format!(
                "no transaction {} of partner {partner} answered by the sandbox",
                named.join(" / ")
            )));
        }
    }
    let reference = reference_no(st, plan).await;
    let answer = plan.answer(&request, original.as_ref(), &reference);
    let bytes = serde_json::to_vec(&answer).unwrap_or_default();
    if let Err(e) = parse_request::<E::Response>(&bytes) {
        tracing::error!(target: "snap::server", endpoint = plan.meta.name, error = %e, "generic answer breaks the response declaration");
        return SnapReply::error(&ErrorReply::internal().with_log(e.to_string()));
    }
    if !plan.lookup {
        let kept = json!({ "request": request, "answer": answer }).to_string();
        let kept = if kept.len() <= KEPT_MAX {
            kept.into_bytes()
        } else {
            b"{}".to_vec()
        };
        let refs = [
            ("ref", answer.get("referenceNo")),
            ("pref", request.get("partnerReferenceNo")),
        ];
        for (kind, value) in refs {
            if let Some(v) = value.and_then(Value::as_str).filter(|v| !v.is_empty()) {
                let k = key(partner, kind, v);
                if let Err(e) = st
                    .records
                    .put(&k, kept.clone(), Expect::Any, Some(KEPT))
                    .await
                {
                    return SnapReply::error(&ErrorReply::internal().with_log(e.to_string()));
                }
            }
        }
    }
    SnapReply::json(200, answer)
}

/// Adds the generic route of every BI service to `router`.
struct Routes<'a> {
    sandbox: &'a Sandbox,
    router: Router<Shared>,
}

impl VisitEndpoint for Routes<'_> {
    fn visit<E: Declared>(&mut self) {
        let meta = E::META;
        // The token endpoints are always the sandbox's own.
        if meta.provider != "BI" || matches!(meta.service.map(|s| s.get()), Some(73 | 74)) {
            return;
        }
        let plan = Arc::new(Plan::of::<E>());
        let handler = move |AxumState(st): AxumState<Shared>, req: Inbound<E>| {
            let plan = plan.clone();
            async move { answer(&plan, &st, req).await }
        };
        let router = std::mem::take(&mut self.router);
        self.router = self
            .sandbox
            .add_at::<E, _, _>(router, handler, snap_renderer);
    }
}

/// The generic routes of `sandbox` (every BI service at its sandbox path
/// under the sandbox's profile). The sandbox's router serves them behind
/// its dedicated routes.
pub(crate) fn router(sandbox: &Sandbox) -> Router<Shared> {
    let mut routes = Routes {
        sandbox,
        router: Router::new(),
    };
    visit_bi(&mut routes);
    routes.router
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn member_names_in_words() {
        assert_eq!(words("eMandateReffId"), ["e", "mandate", "reff", "id"]);
        assert_eq!(words("referenceNo"), ["reference", "no"]);
        assert_eq!(words("bulkid"), ["bulkid"]);
    }

    #[test]
    fn fitting_strings() {
        assert_eq!(fit("SANDBOX", 0, 3), "SAN");
        assert_eq!(fit("AB", 4, 8), "AB00");
        assert_eq!(fit_digits("1234567", 4), "4567");
        assert_eq!(fit_digits("12", 4), "0012");
        assert_eq!(date_for("2024-03-01T15:27:49+07:00", 8), "20240301");
        assert_eq!(date_for("2024-03-01T15:27:49+07:00", 10), "2024-03-01");
        assert_eq!(
            date_for("2024-03-01T15:27:49+07:00", 25),
            "2024-03-01T15:27:49+07:00"
        );
    }

    #[test]
    fn echo_only_what_keeps_the_rules() {
        let g = SchemaGen::new();
        let s = json!({"type": "string", "maxLength": 4, "pattern": DIGITS_PATTERN});
        assert!(fits(&json!("1234"), &s, &g));
        assert!(!fits(&json!("12345"), &s, &g));
        assert!(!fits(&json!("12a4"), &s, &g));
        assert!(!fits(&json!(12), &s, &g));
        let money = json!({"type": "string", "pattern": MONEY_PATTERN});
        assert!(fits(&json!("10.00"), &money, &g));
        assert!(!fits(&json!("10.0"), &money, &g));
    }
}
