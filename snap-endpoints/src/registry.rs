//! The list of every declared endpoint, for tools: `snap endpoints`,
//! `snap validate`, the sandbox's routing.
//!
//! Everything an entry says about an endpoint comes from the request type's
//! generated [`Endpoint::META`]; the registry only adds the sandbox path and a
//! type-erased body validator.
//!
//! # Looking an endpoint up
//!
//! [`find`] accepts either
//! - the endpoint's `name` (`"Auth Void"`, `"GoPay Pre-Auth Void"`), compared
//!   case-insensitively and ignoring spaces, `-` and `_`, so `auth-void`,
//!   `AUTH_VOID` and `"Auth Void"` are the same; or
//! - `provider:service` (`BI:67`, `gopay:67`, `Paydia:67`), the provider
//!   compared case-insensitively, the service as a number (`67`, `067`).
//!
//! # Sandbox paths
//!
//! A sandbox serves every endpoint on one host, so two providers declaring
//! the same path (BI, GoPay and Paydia all declare `/v1.0/auth/void`) need
//! distinct routes. The rule: BI endpoints are served at their declared path;
//! every other provider's endpoints are served under `/<provider in
//! lower case>`, always (not only on a collision, so adding an endpoint never
//! moves an existing one): `/gopay/v1.0/auth/void`, `/paydia/v1.0/auth/void`,
//! `/ayopop/api/v2/bill/cancel`, `/ipg/reversal`.
//!
//! ```
//! let void = snap_endpoints::registry::find("GoPay:67").unwrap();
//! assert_eq!(void.meta.name, "GoPay Pre-Auth Void");
//! assert_eq!(void.sandbox_path, "/gopay/v1.0/auth/void");
//! assert!(void.validate(br#"{"originalPartnerReferenceNo":"a","merchantId":"m","partnerVoidNo":"v","originalReferenceNo":"r"}"#).is_ok());
//! ```

use std::fmt;
use std::sync::LazyLock;

use serde::de::DeserializeOwned;
use snap_core::code::{GeneralCase, ResponseCode, SnapErrorBody};
pub use snap_core::endpoint::RequestError;
use snap_core::endpoint::{Endpoint, EndpointMeta, Validate};
use snap_core::rules::{Rule, Violation, Violations};

use crate::{ayopop, bi, gopay, ipg, paydia};

/// One declared endpoint.
#[derive(Debug, Clone)]
pub struct EntryInfo {
    /// What the declaration says: name, provider, service code, method, path,
    /// signature scheme, customer token, result-code scheme.
    pub meta: EndpointMeta,
    /// Where a sandbox serves it (see the module docs for the rule).
    pub sandbox_path: String,
    /// The Rust request type, e.g. `snap_endpoints::bi::auth::AuthVoidRequest`.
    pub request_type: &'static str,
    /// The Rust success-response type.
    pub response_type: &'static str,
    /// Parses and validates a request body against the request type.
    pub validate_fn: fn(&[u8]) -> Result<(), RequestError>,
}

impl EntryInfo {
    fn of<E>() -> EntryInfo
    where
        E: Endpoint + DeserializeOwned,
    {
        let meta = E::META;
        let sandbox_path = sandbox_path(&meta);
        EntryInfo {
            meta,
            sandbox_path,
            request_type: std::any::type_name::<E>(),
            response_type: std::any::type_name::<E::Response>(),
            validate_fn: validate_body::<E>,
        }
    }

    /// Parses `body` as this endpoint's request and checks every rule.
    pub fn validate(&self, body: &[u8]) -> Result<(), RequestError> {
        (self.validate_fn)(body)
    }

    /// `provider:service` (`"GoPay:67"`), or `None` for a non-SNAP endpoint.
    pub fn key(&self) -> Option<String> {
        self.meta
            .service
            .map(|s| format!("{}:{:02}", self.meta.provider, s.get()))
    }

    /// The SNAP response code a provider answers for `violation` on this
    /// endpoint: `400{SS}02` for a missing mandatory field, `400{SS}01` for
    /// anything else. `None` for a non-SNAP endpoint (its provider documents
    /// no such code).
    pub fn code_for(&self, violation: &Violation) -> Option<ResponseCode> {
        let service = self.meta.service?;
        let case = if violation.rule.is_missing() {
            GeneralCase::InvalidMandatoryField
        } else {
            GeneralCase::InvalidFieldFormat
        };
        Some(case.code(service))
    }

    /// The answer a provider gives for a rejected body
    /// ([`Violations::to_snap_error`]: `4006702` `Invalid Mandatory Field
    /// {partnerVoidNo}`). `None` for a non-SNAP endpoint.
    pub fn answer_for(&self, violations: &Violations) -> Option<SnapErrorBody> {
        self.meta.service.map(|s| violations.to_snap_error(s))
    }
}

/// The type-erased validator behind [`EntryInfo::validate_fn`].
fn validate_body<E>(body: &[u8]) -> Result<(), RequestError>
where
    E: Endpoint + DeserializeOwned,
{
    parse_request::<E>(body).map(drop)
}

/// Parses a request body as `T` and validates it, reporting **every**
/// violation with its wire path — also those serde finds (a missing
/// non-`Option` member anywhere, `voidAmount.value` included, is
/// [`Rule::Missing`]; a member of the wrong
/// JSON type or format, e.g. a malformed money value, is
/// [`Rule::Format`] at its path).
///
/// serde stops at the first problem, so each missing or badly typed member
/// is recorded, replaced by a placeholder of the shape serde accepts, and the
/// body parsed again; the placeholders never reach the caller (a body with a
/// violation is never returned) and violations under a reported member are
/// not reported twice.
pub fn parse_request<T>(body: &[u8]) -> Result<T, RequestError>
where
    T: DeserializeOwned + Validate,
{
    // Fast path: a JSON object that parses straight into `T` and passes every
    // rule is the value the slow path below would return. Anything else
    // (not an object, a serde error, a rule violation) goes the slow way, so
    // every refusal is reported exactly as before.
    let is_object = body
        .iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|&b| b == b'{');
    if is_object
        && let Ok(typed) = serde_json::from_slice::<T>(body)
        && typed.validate().is_ok()
    {
        return Ok(typed);
    }
    let mut value: serde_json::Value =
        serde_json::from_slice(body).map_err(|e| RequestError::NotJson(e.to_string()))?;
    if !value.is_object() {
        // serde would read a struct from an array too; SNAP bodies are objects.
        return Err(RequestError::Invalid(Violations::one(Violation {
            path: String::new(),
            rule: Rule::Format("the body must be a JSON object".to_owned()),
        })));
    }
    let mut found: Vec<Violation> = Vec::new();
    // Where placeholders were put (reported or under a reported member).
    let mut filled: Vec<String> = Vec::new();
    // Each round fills one member or changes one placeholder's shape.
    for _ in 0..MAX_ROUNDS {
        match serde_path_to_error::deserialize::<_, T>(&value) {
            Ok(typed) => {
                if let Err(rules) = typed.validate() {
                    for v in rules.into_vec() {
                        if !found.iter().any(|f| covers(&f.path, &v.path)) {
                            found.push(v);
                        }
                    }
                }
                return match Violations::from_vec(found) {
                    None => Ok(typed),
                    Some(all) => Err(RequestError::Invalid(all)),
                };
            }
            Err(err) => {
                let at = render(err.path());
                let message = err.inner().to_string();
                if let Some(field) = missing_field(&message) {
                    let path = join(&at, field);
                    if filled.contains(&path) {
                        break;
                    }
                    if !found.iter().any(|f| covers(&f.path, &path)) {
                        found.push(Violation {
                            path: path.clone(),
                            rule: Rule::Missing,
                        });
                    }
                    filled.push(path);
                    if !insert_placeholder(&mut value, err.path(), field, PLACEHOLDERS[0]) {
                        break;
                    }
                    continue;
                }
                // A placeholder of the wrong shape: try the next shape.
                if filled.contains(&at)
                    && let Some(next) = next_placeholder(&value, err.path())
                {
                    replace_at(&mut value, err.path(), next);
                    continue;
                }
                if !found.iter().any(|f| covers(&f.path, &at)) {
                    found.push(Violation {
                        path: at.clone(),
                        rule: Rule::Format(message),
                    });
                }
                // Go on past a badly typed member to find the others.
                if at.is_empty() || filled.contains(&at) {
                    break;
                }
                replace_at(&mut value, err.path(), PLACEHOLDERS[0]);
                filled.push(at);
            }
        }
    }
    Err(RequestError::Invalid(
        Violations::from_vec(found).unwrap_or_else(|| {
            Violations::one(Violation {
                path: String::new(),
                rule: Rule::Format("the body does not fit the request type".to_owned()),
            })
        }),
    ))
}

const MAX_ROUNDS: usize = 256;

/// The shapes tried, in order, for a missing or refused member: the JSON
/// kinds, then one valid value of each string-encoded snap-core type
/// (currency, money value, timestamp), so that parsing can go on past it.
const PLACEHOLDERS: &[fn() -> serde_json::Value] = &[
    || serde_json::Value::String(String::new()),
    || serde_json::Value::Object(serde_json::Map::new()),
    || serde_json::Value::Array(Vec::new()),
    || serde_json::Value::from(0),
    || serde_json::Value::Bool(false),
    || serde_json::Value::from("IDR"),
    || serde_json::Value::from("0.00"),
    || serde_json::Value::from("2000-01-01T00:00:00+07:00"),
];

/// `path` is `prefix` or lies under it.
fn covers(prefix: &str, path: &str) -> bool {
    path == prefix
        || path
            .strip_prefix(prefix)
            .is_some_and(|rest| rest.starts_with('.') || rest.starts_with('['))
}

fn missing_field(message: &str) -> Option<&str> {
    message
        .strip_prefix("missing field `")
        .and_then(|rest| rest.split('`').next())
}

fn join(parent: &str, field: &str) -> String {
    if parent.is_empty() {
        field.to_owned()
    } else {
        format!("{parent}.{field}")
    }
}

/// A serde path as SNAP writes wire paths: `items[0].price.value`.
fn render(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for seg in path.iter() {
        match seg {
            Segment::Seq { index } => out.push_str(&format!("[{index}]")),
            Segment::Map { key } | Segment::Enum { variant: key } => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            Segment::Unknown => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push('?');
            }
        }
    }
    out
}

/// The JSON value a serde path points at.
fn pointer_mut<'a>(
    root: &'a mut serde_json::Value,
    path: &serde_path_to_error::Path,
) -> Option<&'a mut serde_json::Value> {
    use serde_path_to_error::Segment;
    let mut cur = root;
    for seg in path.iter() {
        cur = match seg {
            Segment::Seq { index } => cur.get_mut(*index)?,
            Segment::Map { key } => cur.get_mut(key.as_str())?,
            Segment::Enum { .. } | Segment::Unknown => return None,
        };
    }
    Some(cur)
}

fn insert_placeholder(
    root: &mut serde_json::Value,
    parent: &serde_path_to_error::Path,
    field: &str,
    make: fn() -> serde_json::Value,
) -> bool {
    match pointer_mut(root, parent).and_then(serde_json::Value::as_object_mut) {
        Some(obj) => {
            obj.insert(field.to_owned(), make());
            true
        }
        None => false,
    }
}

/// The placeholder after the one now at `path`, if it is a placeholder.
fn next_placeholder(
    root: &serde_json::Value,
    path: &serde_path_to_error::Path,
) -> Option<fn() -> serde_json::Value> {
    let mut copy = root.clone();
    let current = pointer_mut(&mut copy, path)?.clone();
    let pos = PLACEHOLDERS.iter().position(|make| make() == current)?;
    PLACEHOLDERS.get(pos + 1).copied()
}

fn replace_at(
    root: &mut serde_json::Value,
    path: &serde_path_to_error::Path,
    make: fn() -> serde_json::Value,
) {
    if let Some(slot) = pointer_mut(root, path) {
        *slot = make();
    }
}

fn sandbox_path(meta: &EndpointMeta) -> String {
    if meta.provider == "BI" {
        meta.path.to_owned()
    } else {
        format!("/{}{}", meta.provider.to_ascii_lowercase(), meta.path)
    }
}

static REGISTRY: LazyLock<Vec<EntryInfo>> = LazyLock::new(|| {
    vec![
        // BI standard, by service code.
        EntryInfo::of::<bi::DeleteVaRequest>(),
        EntryInfo::of::<bi::DebitCancelRequest>(),
        EntryInfo::of::<bi::AuthPaymentRequest>(),
        EntryInfo::of::<bi::AuthQueryRequest>(),
        EntryInfo::of::<bi::AuthCaptureRequest>(),
        EntryInfo::of::<bi::AuthCaptureQueryRequest>(),
        EntryInfo::of::<bi::AuthVoidRequest>(),
        EntryInfo::of::<bi::AuthVoidQueryRequest>(),
        EntryInfo::of::<bi::AuthRefundRequest>(),
        EntryInfo::of::<bi::AccessTokenB2bRequest>(),
        EntryInfo::of::<bi::AccessTokenB2b2cRequest>(),
        EntryInfo::of::<bi::QrMpmCancelRequest>(),
        // GoPay / Midtrans.
        EntryInfo::of::<gopay::DeleteVaRequest>(),
        EntryInfo::of::<gopay::DebitCancelRequest>(),
        EntryInfo::of::<gopay::PreAuthVoidRequest>(),
        EntryInfo::of::<gopay::QrisCancelRequest>(),
        // Paydia.
        EntryInfo::of::<paydia::AuthVoidRequest>(),
        // Not SNAP.
        EntryInfo::of::<ayopop::BillCancelRequest>(),
        EntryInfo::of::<ipg::VaReversalRequest>(),
    ]
});

/// Every declared endpoint: BI first, then the providers, each by service
/// code.
pub fn registry() -> &'static [EntryInfo] {
    &REGISTRY
}

/// Why [`find`] found nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotFound {
    /// What was asked for.
    pub query: String,
    /// Every accepted name and `provider:service` key, for the user.
    pub known: Vec<String>,
}

impl fmt::Display for NotFound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown endpoint `{}`; known: {}",
            self.query,
            self.known.join(", ")
        )
    }
}

impl std::error::Error for NotFound {}

/// Lowercase letters and digits only: `"GoPay Pre-Auth Void"` ->
/// `"gopaypreauthvoid"`.
fn squash(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Looks an endpoint up by name or `provider:service` (rules in the module
/// docs).
pub fn find(query: &str) -> Result<&'static EntryInfo, NotFound> {
    let all = registry();
    let query_trimmed = query.trim();
    let by_key = query_trimmed
        .split_once(':')
        .and_then(|(provider, service)| {
            let service: u8 = service.trim().parse().ok()?;
            all.iter().find(|e| {
                e.meta.provider.eq_ignore_ascii_case(provider.trim())
                    && e.meta.service.is_some_and(|s| s.get() == service)
            })
        });
    let wanted = squash(query_trimmed);
    by_key
        .or_else(|| {
            (!wanted.is_empty())
                .then(|| all.iter().find(|e| squash(e.meta.name) == wanted))
                .flatten()
        })
        .ok_or_else(|| NotFound {
            query: query.to_owned(),
            known: all
                .iter()
                .flat_map(|e| std::iter::once(e.meta.name.to_owned()).chain(e.key()))
                .collect(),
        })
}
