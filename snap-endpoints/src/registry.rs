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

use serde::Serialize;
use serde::de::DeserializeOwned;
use snap_core::code::{ErrorBody, GeneralCase, ResponseCode};
use snap_core::endpoint::{Endpoint, EndpointMeta, Fields, RequestError, parse_request};
use snap_core::rules::{Violation, Violations};
use snap_core::schema::{EndpointSchema, SchemaGen, endpoint_schema};

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
    /// For a BI service, the module of its portal page under
    /// `snap_endpoints::bi` (`"va"`, `"registration"`); `None` for a provider
    /// variant or a non-SNAP API.
    pub page: Option<&'static str>,
    /// Parses and validates a request body against the request type.
    pub validate_fn: fn(&[u8]) -> Result<(), RequestError>,
    /// The request's and response's JSON Schemas, from the declarations'
    /// metadata ([`snap_core::schema::endpoint_schema`]); `snap openapi`
    /// and `snap conformance` read them.
    pub schema_fn: fn(&mut SchemaGen) -> EndpointSchema,
    /// The typed operations behind [`validate_response`](Self::validate_response),
    /// [`to_wire`](Self::to_wire) and [`reserialize`](Self::reserialize).
    ops: Ops,
}

/// The type-erased operations of one entry.
#[derive(Debug, Clone, Copy)]
struct Ops {
    validate_response: fn(&[u8]) -> Result<(), RequestError>,
    to_wire: fn(&[u8]) -> Result<WireRequest, RequestError>,
    /// A `path_param` or `query` field.
    target_params: bool,
    reserialize: fn(Body, &[u8]) -> Result<serde_json::Value, serde_json::Error>,
}

/// Which body of an endpoint: its request or its success response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Body {
    /// The request body.
    Request,
    /// The success answer.
    Response,
}

/// A request body as it goes on the wire: the path as declared with its
/// `path_param` values and `?query` ([`Endpoint::target`]), and the body
/// without them ([`EntryInfo::to_wire`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WireRequest {
    /// The declared path with its parameters filled, and the query.
    pub target: String,
    /// The JSON body, minified (`{}` for a GET whose fields are all
    /// parameters; [`prepare`](snap_core::endpoint::prepare) sends it empty).
    pub body: Vec<u8>,
}

impl EntryInfo {
    fn of<E>() -> EntryInfo
    where
        E: Endpoint + Fields + DeserializeOwned + Serialize,
        E::Response: Serialize,
    {
        let meta = E::META;
        let sandbox_path = sandbox_path(&meta);
        EntryInfo {
            meta,
            sandbox_path,
            request_type: std::any::type_name::<E>(),
            response_type: std::any::type_name::<E::Response>(),
            page: None,
            validate_fn: validate_body::<E>,
            schema_fn: endpoint_schema::<E>,
            ops: Ops {
                validate_response: validate_response::<E>,
                to_wire: to_wire::<E>,
                target_params: E::FIELDS.iter().any(|f| f.path_param || f.query),
                reserialize: reserialize::<E>,
            },
        }
    }

    /// Parses a success answer's body as this endpoint's response type and
    /// checks its rules (`responseCode`, `responseMessage` and every
    /// declared member), with [`parse_request`]'s error reporting.
    pub fn validate_response(&self, body: &[u8]) -> Result<(), RequestError> {
        (self.ops.validate_response)(body)
    }

    /// Parses and validates a request body, then splits it as it is sent:
    /// the path with its `path_param` fields and `query` fields
    /// ([`Endpoint::target`]), and the body without them. For an endpoint
    /// without parameters the target is the declared path.
    pub fn to_wire(&self, body: &[u8]) -> Result<WireRequest, RequestError> {
        (self.ops.to_wire)(body)
    }

    /// Whether the request has `path_param` or `query` fields: its path as
    /// sent depends on the body ([`to_wire`](Self::to_wire)).
    pub fn has_target_params(&self) -> bool {
        self.ops.target_params
    }

    /// What the declaration writes back for `body`: deserialized into the
    /// request or response type (without checking its rules) and serialized
    /// again. It differs from `body` where the declaration normalizes: a
    /// number read by an `accept_number` field is written as a string, a
    /// key read through a serde alias is written with its declared
    /// spelling, undeclared keys are left out.
    ///
    /// # Errors
    /// The body does not deserialize into the type.
    pub fn reserialize(
        &self,
        which: Body,
        body: &[u8],
    ) -> Result<serde_json::Value, serde_json::Error> {
        (self.ops.reserialize)(which, body)
    }

    /// The request's and response's schemas, their definitions added to
    /// `generator` (see [`snap_core::schema`]).
    pub fn schema(&self, generator: &mut SchemaGen) -> EndpointSchema {
        (self.schema_fn)(generator)
    }

    /// Parses `body` as this endpoint's request and checks every rule, with
    /// [`parse_request`]: exactly what the provider side does.
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
    /// ([`Violations::to_error_body`]: `4006702` `Invalid Mandatory Field
    /// {partnerVoidNo}`). `None` for a non-SNAP endpoint.
    pub fn answer_for(&self, violations: &Violations) -> Option<ErrorBody> {
        self.meta.service.map(|s| violations.to_error_body(s))
    }
}

/// The type-erased validator behind [`EntryInfo::validate_fn`]: snap-core's
/// [`parse_request`], the provider side's parser.
fn validate_body<E>(body: &[u8]) -> Result<(), RequestError>
where
    E: Endpoint + DeserializeOwned,
{
    parse_request::<E>(body).map(drop)
}

fn validate_response<E: Endpoint>(body: &[u8]) -> Result<(), RequestError> {
    parse_request::<E::Response>(body).map(drop)
}

fn to_wire<E>(body: &[u8]) -> Result<WireRequest, RequestError>
where
    E: Endpoint + DeserializeOwned + Serialize,
{
    let request = parse_request::<E>(body)?;
    let body = serde_json::to_vec(&request).map_err(|e| RequestError::NotJson(e.to_string()))?;
    Ok(WireRequest {
        target: request.target().into_owned(),
        body,
    })
}

fn reserialize<E>(which: Body, body: &[u8]) -> Result<serde_json::Value, serde_json::Error>
where
    E: Endpoint + DeserializeOwned + Serialize,
    E::Response: Serialize,
{
    match which {
        Body::Request => serde_json::to_value(serde_json::from_slice::<E>(body)?),
        Body::Response => serde_json::to_value(serde_json::from_slice::<E::Response>(body)?),
    }
}

fn sandbox_path(meta: &EndpointMeta) -> String {
    if meta.provider == "BI" {
        meta.path.to_owned()
    } else {
        format!("/{}{}", meta.provider.to_ascii_lowercase(), meta.path)
    }
}

/// `EntryInfo::of` for each listed BI request type (`module::Type` under
/// `crate::bi`), with its page.
macro_rules! bi_entries {
    ($([$($cfg:tt)*] $module:ident :: $ty:ident),* $(,)?) => {{
        // One push per service, each under its feature.
        let mut all = Vec::with_capacity(81);
        $(
            #[cfg($($cfg)*)]
            all.push(EntryInfo {
                page: Some(stringify!($module)),
                ..EntryInfo::of::<bi::$module::$ty>()
            });
        )*
        all
    }};
}

// `bi_entries!` pushes one entry per service, each under its feature.
#[allow(clippy::vec_init_then_push)]
static REGISTRY: LazyLock<Vec<EntryInfo>> = LazyLock::new(|| {
    // BI standard, all 81 services by service code (the generated list).
    let mut all = bi::list::bi_requests!(bi_entries);
    all.extend([
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
    ]);
    all
});

/// Every declared endpoint: BI first, then the providers, each by service
/// code.
pub fn registry() -> &'static [EntryInfo] {
    &REGISTRY
}

/// A generic operation run once per declared BI request type, with the type
/// itself (what a type-erased [`EntryInfo`] cannot give: an axum extractor,
/// a typed answer). [`visit_bi`] calls it for every BI service compiled in.
///
/// ```
/// use snap_core::endpoint::Endpoint;
/// use snap_endpoints::registry::{VisitEndpoint, visit_bi};
///
/// struct Count(Vec<u8>);
/// impl VisitEndpoint for Count {
///     fn visit<E: snap_endpoints::registry::Declared>(&mut self) {
///         self.0.extend(E::META.service.map(|s| s.get()));
///     }
/// }
/// let mut c = Count(Vec::new());
/// visit_bi(&mut c);
/// assert_eq!(c.0.first(), Some(&1));
/// assert!(c.0.contains(&67));
/// ```
pub trait VisitEndpoint {
    /// Called with one declared request type.
    fn visit<E: Declared>(&mut self);
}

/// What every declared request type is: an endpoint with its field table,
/// (de)serializable both ways, its answer too.
pub trait Declared:
    Endpoint<Response: Serialize + Send + 'static>
    + Fields
    + DeserializeOwned
    + Serialize
    + Send
    + Sync
    + 'static
{
}

impl<E> Declared for E where
    E: Endpoint<Response: Serialize + Send + 'static>
        + Fields
        + DeserializeOwned
        + Serialize
        + Send
        + Sync
        + 'static
{
}

/// `visitor.visit::<E>()` for each listed BI request type.
macro_rules! bi_visits {
    ($([$($cfg:tt)*] $module:ident :: $ty:ident),* $(,)?) => {
        /// Runs `visitor` on every BI request type compiled in, in
        /// service-code order (the registry's BI entries, typed).
        pub fn visit_bi<V: VisitEndpoint>(visitor: &mut V) {
            $(
                #[cfg($($cfg)*)]
                visitor.visit::<bi::$module::$ty>();
            )*
        }
    };
}

bi::list::bi_requests!(bi_visits);

/// The Rust request type as a user names it: `bi::va::VaInquiryRequest`,
/// `gopay::PreAuthVoidRequest` (BI types at their page module, also the
/// access tokens snap-core declares).
pub fn type_path(entry: &EntryInfo) -> String {
    let name = entry
        .request_type
        .rsplit("::")
        .next()
        .unwrap_or(entry.request_type);
    match entry.page {
        Some(page) => format!("bi::{page}::{name}"),
        None => entry
            .request_type
            .strip_prefix("snap_endpoints::")
            .unwrap_or(entry.request_type)
            .to_owned(),
    }
}

/// The signature column of the listings: the scheme, `+ customer token` for
/// B2B2C endpoints.
pub fn signature_label(entry: &EntryInfo) -> String {
    let scheme = entry.meta.signature.name();
    if entry.meta.customer_token {
        format!("{scheme} + customer token")
    } else {
        scheme.to_owned()
    }
}

/// `outbound` / `inbound`.
pub fn direction_label(entry: &EntryInfo) -> &'static str {
    match entry.meta.direction {
        snap_core::endpoint::Direction::Outbound => "outbound",
        snap_core::endpoint::Direction::Inbound => "inbound",
    }
}

/// Every endpoint as Markdown tables: the BI services grouped by category
/// and portal page, then the provider variants and non-SNAP APIs (what
/// `snap endpoints --markdown` prints and the README's endpoint table is).
pub fn markdown() -> String {
    use std::fmt::Write as _;
    let all = registry();
    let mut out = String::new();
    let mut category = "";
    for (module, cat, page) in bi::list::PAGES {
        let entries: Vec<&EntryInfo> = all.iter().filter(|e| e.page == Some(*module)).collect();
        if entries.is_empty() {
            continue; // a page whose feature is off
        }
        if *cat != category {
            category = cat;
            let _ = writeln!(out, "### {cat}\n");
        }
        let services: Vec<String> = entries.iter().filter_map(|e| e.key()).collect();
        let _ = writeln!(
            out,
            "{page} (`bi::{module}`, {} service{}):\n",
            services.len(),
            if services.len() == 1 { "" } else { "s" }
        );
        out.push_str("| SC | name | method | path | signature | direction | request type |\n");
        out.push_str("|---|---|---|---|---|---|---|\n");
        for e in entries {
            let _ = writeln!(
                out,
                "| {:02} | {} | {} | `{}` | {} | {} | `{}` |",
                e.meta.service.map_or(0, |s| s.get()),
                e.meta.name,
                e.meta.method,
                e.meta.path,
                signature_label(e),
                direction_label(e),
                type_path(e),
            );
        }
        out.push('\n');
    }
    out.push_str("### Provider variants and non-SNAP APIs\n\n");
    out.push_str(
        "| provider | SC | name | method | path | sandbox path | signature | request type |\n",
    );
    out.push_str("|---|---|---|---|---|---|---|---|\n");
    for e in all.iter().filter(|e| e.page.is_none()) {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | `{}` | `{}` | {} | `{}` |",
            e.meta.provider,
            e.meta
                .service
                .map_or_else(|| "–".to_owned(), |s| format!("{:02}", s.get())),
            e.meta.name,
            e.meta.method,
            e.meta.path,
            e.sandbox_path,
            signature_label(e),
            type_path(e),
        );
    }
    out
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
