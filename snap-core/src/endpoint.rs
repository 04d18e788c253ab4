//! The traits the declaration macros implement, and the generic machinery
//! built on them.
//!
//! - [`Validate`]: every field type implements it; the declarations
//!   ([`request`](crate::request), [`response`](crate::response),
//!   [`model`](crate::model), or the derives behind them) generate it for
//!   structs. [`Validate::validate`] returns **all** violations with wire paths.
//! - [`Endpoint`]: a [`request`](crate::request) implements it: the
//!   endpoint's [`EndpointMeta`] (service code, method, path, signature
//!   scheme, ...), its response type, its result-code scheme
//!   ([`CodeScheme`]) and the path as sent ([`Endpoint::target`]).
//! - [`decode_response`]: an answer's bytes and HTTP status -> the typed
//!   response or a typed error answer, with the result code checked against
//!   the HTTP status and the endpoint's service code.
//! - [`prepare`]: validate, serialize once, sign exactly those bytes, build
//!   the SNAP headers.
//! - [`parse_request`]: a received body -> the typed request, or **every**
//!   violation with its wire path (the provider side, `snap validate` and
//!   the sandbox all use this one function).
//!
//! The client and the provider side both build on these generic functions.
//!
//! # Declaring an endpoint
//!
//! The example of the README's "Declare your own endpoint" (kept identical
//! by a test in the `tests` crate): declare, validate, sign, decode. The
//! keys are listed in [`request`](crate::request).
//!
//! ```
//! use snap_core as snap;
//! use snap::endpoint::{Endpoint, RequestContext, Validate, decode_response, prepare};
//! use snap::money::{Currency, Money};
//! use snap::secret::SecretString;
//! use snap::sign::{HmacKey, SigningInput, Symmetric};
//! use snap::time::SnapTimestamp;
//!
//! /// API Void — SNAP service 67 (BI Auth Payment page).
//! #[snap::request(service = 67, method = "POST", path = "/v1.0/auth/void",
//!                 response = AuthVoidResponse, name = "Auth Void", customer_token)]
//! pub struct AuthVoidRequest {
//!     #[snap(max = 64)]
//!     pub original_reference_no: String,         // not an Option: mandatory
//!     #[snap(max = 64)]
//!     pub original_partner_reference_no: String,
//!     #[snap(max = 64)]
//!     pub merchant_id: String,
//!     #[snap(max = 32)]
//!     pub sub_merchant_id: Option<String>,       // an Option: optional, left out when absent
//!     pub void_amount: Option<Money>,            // {"value":"10000.00","currency":"IDR"}
//!     #[snap(max = 64)]
//!     pub partner_void_no: String,
//!     #[snap(max = 256)]
//!     pub reason: Option<String>,
//! }
//!
//! /// Answer to [`AuthVoidRequest`].
//! #[snap::response]                              // responseCode (7 digits), responseMessage (150)
//! pub struct AuthVoidResponse {
//!     #[snap(max = 64)]
//!     pub void_no: Option<String>,
//!     #[snap(max = 64)]
//!     pub partner_void_no: String,
//! }
//!
//! fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     // 1. Validate: every violation, named by its wire path, and the SNAP answer.
//!     let mut req = AuthVoidRequest {
//!         original_reference_no: "2020102977770000000009".into(),
//!         original_partner_reference_no: "2020102900000000000001".into(),
//!         merchant_id: "M".repeat(65),
//!         sub_merchant_id: None,
//!         void_amount: Some(Money::parse("10000.00", Currency::IDR)?),
//!         partner_void_no: String::new(),
//!         reason: None,
//!     };
//!     let violations = req.validate().unwrap_err();
//!     let paths: Vec<&str> = violations.iter().map(|v| v.path.as_str()).collect();
//!     assert_eq!(paths, ["merchantId", "partnerVoidNo"]);
//!     let service = AuthVoidRequest::META.service.ok_or("a SNAP endpoint")?;
//!     let answer = violations.to_error_body(service);
//!     assert_eq!(answer.response_code, "4006702");
//!     assert_eq!(answer.response_message, "Invalid Mandatory Field {partnerVoidNo}");
//!
//!     // 2. Sign: serialized once, those exact bytes signed with the path as sent.
//!     req.merchant_id = "00007100010926".into();
//!     req.partner_void_no = "310928924945645".into();
//!     let key = HmacKey::new(b"my-client-secret")?; // once per credential
//!     let (b2b, customer) = (SecretString::from("b2b-token"), SecretString::from("customer-token"));
//!     let ts = SnapTimestamp::parse("2020-12-23T09:19:47+07:00")?;
//!     let ctx = RequestContext::new(&ts)
//!         .with_path_prefix("/snap")
//!         .with_external_id("41807553358950093184162180797837")
//!         .with_partner_id("82150823919040624621823174737537")
//!         .with_channel_id("95221")
//!         .with_signer::<Symmetric>(&key)
//!         .with_access_token(&b2b)
//!         .with_customer_token(&customer)
//!         .with_device_id("device-1"); // B2B2C: X-DEVICE-ID is mandatory
//!     let prepared = prepare(&req, &ctx)?;
//!     assert_eq!(prepared.path, "/snap/v1.0/auth/void");
//!     let signature = prepared.headers["x-signature"].to_str()?;
//!     let sent = SigningInput::new("POST", &prepared.path)
//!         .access_token("b2b-token")
//!         .body(&prepared.body)
//!         .timestamp(ts.as_str());
//!     Symmetric::verify_signature(&key, &sent, signature)?;
//!
//!     // 3. Decode the answer: responseCode checked against HTTP status and service 67.
//!     let body = br#"{"responseCode":"2006700","responseMessage":"Successful","voidNo":"V1","partnerVoidNo":"310928924945645"}"#;
//!     let response = decode_response::<AuthVoidRequest>(200, body)?.into_result()?;
//!     assert_eq!(response.void_no.as_deref(), Some("V1"));
//!     let typo = br#"{"responseCode":"20067000","responseMessage":"Successful","partnerVoidNo":"P"}"#;
//!     assert!(decode_response::<AuthVoidRequest>(200, typo).is_err()); // 8 digits: an error, not a guess
//!     Ok(())
//! }
//! ```

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

use crate::code::ServiceCode;
use crate::rules::{Path, Report, Violations};
use crate::schema::{self, SchemaGen};
use crate::sign::{Asymmetric, SchemeRef, SignatureScheme, Symmetric, Unsigned};

mod decode;
mod parse;
mod paths;
mod prepare;
mod prepared_headers;

pub use decode::{
    Answer, AnswerCode, CodeOutcome, DecodeError, DecodeWarning, Decoded, ErrorAnswer, Snap7,
    decode_response,
};
pub use parse::{RequestError, parse_request};
pub use paths::{PathMap, PathMapError};
pub use prepare::{
    BearerToken, PartnerHeaders, PrepareError, PreparedRequest, RequestContext, header, prepare,
    prepare_bytes,
};
pub use prepared_headers::{PreparedHeaders, PreparedHeadersIter};

/// A value that can check itself against SNAP field rules.
///
/// Implemented by core for strings, integers, `bool`, [`Money`](crate::money::Money),
/// [`SnapTimestamp`](crate::time::SnapTimestamp), `serde_json::Value` / `Map`
/// (no rules), `Option<T>`, `Vec<T>` and slices (elements at `[i]`), `Box<T>`,
/// string-keyed maps; derived for structs by `SnapModel` / `SnapRequest`.
/// Floats are deliberately not covered: SNAP amounts are decimal strings.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be validated as a SNAP field",
    label = "this field's type does not implement `snap_core::endpoint::Validate`",
    note = "derive `SnapModel` on nested structs, use `Money` for amounts (never floats), or mark the field `#[snap(skip)]`"
)]
pub trait Validate {
    /// Records every violation of `self` and its members under `path`.
    fn validate_at(&self, path: &Path<'_>, report: &mut Report);

    /// True when this value counts as absent for a mandatory field: an empty
    /// string, `None`, JSON `null`. Defaults to false.
    fn is_missing(&self) -> bool {
        false
    }

    /// Validates from the root: `Ok` or every violation, with wire paths.
    fn validate(&self) -> Result<(), Violations> {
        let mut report = Report::new();
        self.validate_at(&Path::root(), &mut report);
        report.finish()
    }

    /// The JSON Schema of this type's wire form ([`crate::schema`]): core
    /// implements it for its field types, the derives for structs (a `$ref`
    /// to a definition built from [`Fields::FIELDS`]). Defaults to `{}`
    /// (anything), so a hand-written `Validate` needs nothing new.
    fn schema(generator: &mut SchemaGen) -> serde_json::Value
    where
        Self: Sized,
    {
        schema::any(generator)
    }
}

impl Validate for str {
    fn validate_at(&self, _: &Path<'_>, _: &mut Report) {}
    fn is_missing(&self) -> bool {
        self.is_empty()
    }
}

impl Validate for String {
    fn validate_at(&self, _: &Path<'_>, _: &mut Report) {}
    fn is_missing(&self) -> bool {
        self.is_empty()
    }
    fn schema(_: &mut SchemaGen) -> serde_json::Value {
        schema::string()
    }
}

impl Validate for std::borrow::Cow<'_, str> {
    fn validate_at(&self, _: &Path<'_>, _: &mut Report) {}
    fn is_missing(&self) -> bool {
        self.is_empty()
    }
    fn schema(_: &mut SchemaGen) -> serde_json::Value {
        schema::string()
    }
}

macro_rules! no_rules {
    ($($t:ty => $schema:expr),* $(,)?) => {$(
        impl Validate for $t {
            fn validate_at(&self, _: &Path<'_>, _: &mut Report) {}
            fn schema(generator: &mut SchemaGen) -> serde_json::Value {
                let schema: fn(&mut SchemaGen) -> serde_json::Value = $schema;
                schema(generator)
            }
        }
    )*};
}

macro_rules! integers {
    ($($t:ty),*) => {
        no_rules!($($t => |_| schema::integer(<$t>::MIN as i128, <$t>::MAX as i128)),*);
    };
}

integers!(u8, u16, u32, u64, usize, i8, i16, i32, i64, i128, isize);

no_rules!(
    u128 => |_| schema::integer(0, i128::MAX),
    bool => |_| serde_json::json!({ "type": "boolean" }),
    char => |_| serde_json::json!({ "type": "string", "minLength": 1, "maxLength": 1 }),
    serde_json::Map<String, serde_json::Value> => |_| serde_json::json!({ "type": "object" }),
    crate::money::Money => schema::money,
    crate::money::Currency => |_| schema::currency(),
    crate::time::SnapTimestamp => |_| schema::timestamp(),
);

impl Validate for serde_json::Value {
    fn validate_at(&self, _: &Path<'_>, _: &mut Report) {}
    fn is_missing(&self) -> bool {
        self.is_null()
    }
}

impl<T: Validate> Validate for &T {
    fn validate_at(&self, path: &Path<'_>, report: &mut Report) {
        (**self).validate_at(path, report)
    }
    fn is_missing(&self) -> bool {
        (**self).is_missing()
    }
    fn schema(generator: &mut SchemaGen) -> serde_json::Value {
        T::schema(generator)
    }
}

impl Validate for &str {
    fn validate_at(&self, _: &Path<'_>, _: &mut Report) {}
    fn is_missing(&self) -> bool {
        self.is_empty()
    }
    fn schema(_: &mut SchemaGen) -> serde_json::Value {
        schema::string()
    }
}

impl<T: Validate> Validate for &[T] {
    fn validate_at(&self, path: &Path<'_>, report: &mut Report) {
        (**self).validate_at(path, report)
    }
    fn schema(generator: &mut SchemaGen) -> serde_json::Value {
        array::<T>(generator)
    }
}

impl<T: Validate> Validate for Box<T> {
    fn validate_at(&self, path: &Path<'_>, report: &mut Report) {
        (**self).validate_at(path, report)
    }
    fn is_missing(&self) -> bool {
        (**self).is_missing()
    }
    fn schema(generator: &mut SchemaGen) -> serde_json::Value {
        T::schema(generator)
    }
}

impl Validate for Box<str> {
    fn validate_at(&self, _: &Path<'_>, _: &mut Report) {}
    fn is_missing(&self) -> bool {
        self.is_empty()
    }
    fn schema(_: &mut SchemaGen) -> serde_json::Value {
        schema::string()
    }
}

impl<T: Validate> Validate for Box<[T]> {
    fn validate_at(&self, path: &Path<'_>, report: &mut Report) {
        (**self).validate_at(path, report)
    }
    fn schema(generator: &mut SchemaGen) -> serde_json::Value {
        array::<T>(generator)
    }
}

/// A secret validates as its value; violations never contain values.
impl<T: Validate> Validate for crate::secret::Secret<T> {
    fn validate_at(&self, path: &Path<'_>, report: &mut Report) {
        self.expose().validate_at(path, report)
    }
    fn is_missing(&self) -> bool {
        self.expose().is_missing()
    }
    fn schema(generator: &mut SchemaGen) -> serde_json::Value {
        T::schema(generator)
    }
}

impl<T: Validate> Validate for Option<T> {
    fn validate_at(&self, path: &Path<'_>, report: &mut Report) {
        if let Some(v) = self {
            v.validate_at(path, report)
        }
    }
    fn is_missing(&self) -> bool {
        self.as_ref().is_none_or(Validate::is_missing)
    }
    fn schema(generator: &mut SchemaGen) -> serde_json::Value {
        T::schema(generator)
    }
}

fn array<T: Validate>(generator: &mut SchemaGen) -> serde_json::Value {
    serde_json::json!({ "type": "array", "items": T::schema(generator) })
}

impl<T: Validate> Validate for [T] {
    fn validate_at(&self, path: &Path<'_>, report: &mut Report) {
        for (i, v) in self.iter().enumerate() {
            v.validate_at(&path.index(i), report);
        }
    }
}

impl<T: Validate> Validate for Vec<T> {
    fn validate_at(&self, path: &Path<'_>, report: &mut Report) {
        self.as_slice().validate_at(path, report)
    }
    fn schema(generator: &mut SchemaGen) -> serde_json::Value {
        array::<T>(generator)
    }
}

fn map<T: Validate>(generator: &mut SchemaGen) -> serde_json::Value {
    serde_json::json!({ "type": "object", "additionalProperties": T::schema(generator) })
}

impl<T: Validate, S> Validate for HashMap<String, T, S> {
    fn validate_at(&self, path: &Path<'_>, report: &mut Report) {
        for (k, v) in self {
            v.validate_at(&path.field(k), report);
        }
    }
    fn schema(generator: &mut SchemaGen) -> serde_json::Value {
        map::<T>(generator)
    }
}

impl<T: Validate> Validate for BTreeMap<String, T> {
    fn validate_at(&self, path: &Path<'_>, report: &mut Report) {
        for (k, v) in self {
            v.validate_at(&path.field(k), report);
        }
    }
    fn schema(generator: &mut SchemaGen) -> serde_json::Value {
        map::<T>(generator)
    }
}

/// One declared field, as the derive saw it: wire name and rules, as data
/// (for listings, tests, the sandbox).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldMeta {
    /// The Rust field name (`original_reference_no`).
    pub name: &'static str,
    /// The wire name (`originalReferenceNo`).
    pub wire: &'static str,
    /// Not an `Option` (and not skipped): must be present and non-empty.
    pub mandatory: bool,
    /// `max = N`.
    pub max: Option<usize>,
    /// `len = N`.
    pub len: Option<usize>,
    /// `digits`.
    pub digits: bool,
    /// `one_of = "group"`.
    pub one_of: Option<&'static str>,
    /// `required_if`: (the other field's wire name, the value).
    pub required_if: Option<(&'static str, &'static str)>,
    /// `skip` / `#[serde(skip)]`: not validated.
    pub skipped: bool,
    /// `accept_number`: a `String` field that also accepts a JSON number
    /// (kept as its text) on input.
    pub accept_number: bool,
    /// `accept_string`: an integer field that also accepts a JSON string of
    /// digits on input.
    pub accept_string: bool,
    /// The field is an integer (`u8`..`u64`, `i8`..`i64`, `usize`, `isize`,
    /// or an `Option` of one): `max` / `len` count its decimal digits.
    pub integer: bool,
    /// `path_param`: sent in the `{wire}` segment of the path, not in the body.
    pub path_param: bool,
    /// `query`: sent in the query string, not in the body.
    pub query: bool,
}

/// The declared fields of a `SnapModel` / `SnapRequest` type, in declaration order.
pub trait Fields {
    /// One entry per field.
    const FIELDS: &'static [FieldMeta];

    /// The wire name of the Rust field `name`.
    fn wire_name(name: &str) -> Option<&'static str> {
        Self::FIELDS.iter().find(|f| f.name == name).map(|f| f.wire)
    }
}

/// The wire name of Rust field `name` in `fields`, at compile time (used by
/// `one_of = "..", via = ".."`). Panics, which in a `const` is a compile
/// error, when there is no such field.
#[doc(hidden)]
pub const fn field_wire(fields: &'static [FieldMeta], name: &str) -> &'static str {
    let mut i = 0;
    while i < fields.len() {
        if const_str_eq(fields[i].name, name) {
            return fields[i].wire;
        }
        i += 1;
    }
    panic!("`via` names no field of the nested type (it must derive SnapModel)");
}

const fn const_str_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// HTTP method of an endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    /// GET
    Get,
    /// POST
    Post,
    /// PUT
    Put,
    /// DELETE
    Delete,
    /// PATCH
    Patch,
}

impl Method {
    /// The upper-case token, as signed (`"POST"`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Delete => "DELETE",
            Method::Patch => "PATCH",
        }
    }

    /// As an `http::Method`.
    pub fn to_http(self) -> http::Method {
        match self {
            Method::Get => http::Method::GET,
            Method::Post => http::Method::POST,
            Method::Put => http::Method::PUT,
            Method::Delete => http::Method::DELETE,
            Method::Patch => http::Method::PATCH,
        }
    }
}

impl std::fmt::Display for Method {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who calls whom (`direction = "..."`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Direction {
    /// `"outbound"` (the default): the partner (merchant) calls the provider.
    #[default]
    Outbound,
    /// `"inbound"`: the bank / provider calls the partner, which serves the
    /// endpoint (Virtual Account inquiry and payment notification, ...).
    Inbound,
}

/// What a [`CodeScheme`] is called and which body member carries its code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CodeSchemeInfo {
    /// Human name, e.g. `"SNAP 7-digit responseCode"`.
    pub name: &'static str,
    /// The body member holding the code, e.g. `"responseCode"`, `"rc"`.
    pub field: &'static str,
}

/// How an answer's result code is read and judged. SNAP endpoints use
/// [`Snap7`]; a non-SNAP endpoint names its own with `code_scheme = Type`
/// (Ayopop: integer `responseCode` such as 600 with a bilingual `message`;
/// IPG: string `rc` such as `"SUCCESS"` / `"00"`).
pub trait CodeScheme {
    /// Name and code field.
    const INFO: CodeSchemeInfo;

    /// Reads the code from a parsed answer and decides whether it is a
    /// success. May normalize `body` in place (e.g. a numeric code turned into
    /// the string the typed response expects) before it is deserialized.
    /// Errors when the answer cannot be trusted (malformed code, a code that
    /// contradicts the HTTP status).
    fn read(
        meta: &EndpointMeta,
        http_status: u16,
        body: &mut serde_json::Value,
    ) -> Result<CodeOutcome, DecodeError>;
}

/// What `#[derive(SnapRequest)]` records about an endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EndpointMeta {
    /// Human name, `"Auth Void"`.
    pub name: &'static str,
    /// Provider the declaration follows: `"BI"`, `"GoPay"`, `"Paydia"`, ...
    pub provider: &'static str,
    /// SNAP service code; `None` for non-SNAP endpoints.
    pub service: Option<ServiceCode>,
    /// HTTP method.
    pub method: Method,
    /// Path without a deployment prefix: `"/v1.0/auth/void"`.
    pub path: &'static str,
    /// How requests are signed (`signature = ..`): the scheme's
    /// [`SchemeInfo`](crate::sign::SchemeInfo) and type-erased sign / verify.
    pub signature: SchemeRef,
    /// B2B2C: the `Authorization-Customer` header is required.
    pub customer_token: bool,
    /// `X-DEVICE-ID` is required: every B2B2C endpoint, as BI's header table
    /// says, unless its declaration says `device_id = "optional"` (a
    /// provider whose documentation leaves it out, such as Paydia).
    pub device_id: bool,
    /// How the answer's result code is read.
    pub code_scheme: CodeSchemeInfo,
    /// Who calls whom.
    pub direction: Direction,
}

impl EndpointMeta {
    /// The scheme of SNAP signature type 2 ("asymmetric signature without
    /// get token") for this endpoint: [`Asymmetric`] for a [`Symmetric`]
    /// endpoint that needs no customer token. A partner onboarded that way
    /// signs its B2B transactions with its private key and sends no B2B
    /// token; B2B2C (customer-token) endpoints stay symmetric, as BI allows
    /// only that form for them.
    pub fn type2_scheme(&self) -> Option<SchemeRef> {
        (self.signature.is::<Symmetric>() && !self.customer_token).then(SchemeRef::of::<Asymmetric>)
    }

    /// Whether a request to this endpoint may be signed with `scheme`: the
    /// endpoint's own scheme, or its [type 2](EndpointMeta::type2_scheme)
    /// alternative.
    pub fn accepts_signature(&self, scheme: SchemeRef) -> bool {
        scheme == self.signature || self.type2_scheme() == Some(scheme)
    }

    /// Placeholder used by the derives' error fallback only.
    #[doc(hidden)]
    pub const FALLBACK: EndpointMeta = EndpointMeta {
        name: "",
        provider: "",
        service: None,
        method: Method::Post,
        path: "/",
        signature: SchemeRef::of::<Unsigned>(),
        customer_token: false,
        device_id: false,
        code_scheme: Snap7::INFO,
        direction: Direction::Outbound,
    };
}

/// An endpoint: implemented by `#[derive(SnapRequest)]` on its request type.
pub trait Endpoint: Validate {
    /// Everything the declaration says.
    const META: EndpointMeta;
    /// The success answer.
    type Response: serde::de::DeserializeOwned + Validate;
    /// How the answer's result code is read ([`Snap7`] for SNAP endpoints).
    type Codes: CodeScheme;

    /// The path of this request as sent, without a deployment prefix: the
    /// declared [`EndpointMeta::path`] with every `{name}` segment replaced
    /// by its `path_param` field (percent-encoded), then `?` and the `query`
    /// fields (`wireName=value` in field order, absent `Option`s left out,
    /// percent-encoded) when there are any. [`prepare`] signs and sends this.
    ///
    /// The default (a declaration without `path_param` / `query` fields) is
    /// the declared path; the derive implements it otherwise.
    ///
    /// ```
    /// use snap_core as snap;
    /// use snap::endpoint::Endpoint;
    ///
    /// /// Card Registration Inquiry — SNAP service 03.
    /// #[snap::request(service = 3, method = "GET", response = CardInquiryResponse,
    ///                 path = "/v1.0/registration-card-inquiry/custIdMerchant/{custIdMerchant}")]
    /// pub struct CardInquiry {
    ///     #[snap(max = 18, path_param)]
    ///     pub cust_id_merchant: String,
    ///     #[snap(max = 2, query)]
    ///     pub lang: Option<String>,
    /// }
    ///
    /// /// Answer to [`CardInquiry`].
    /// #[snap::response]
    /// pub struct CardInquiryResponse {}
    ///
    /// let req = CardInquiry { cust_id_merchant: "C 1/2".into(), lang: Some("id".into()) };
    /// assert_eq!(req.target(), "/v1.0/registration-card-inquiry/custIdMerchant/C%201%2F2?lang=id");
    /// ```
    fn target(&self) -> Cow<'static, str> {
        Cow::Borrowed(Self::META.path)
    }

    /// Provider side: copies the `path_param` and `query` fields of a
    /// received request into `body`, its parsed JSON body (`null` for none),
    /// under their wire names, so that deserializing `body` gives the whole
    /// request. `path` is the received path (a deployment prefix before the
    /// declared path is ignored), `query` the query string without `?`.
    /// See [`crate::wire::fill_target`] for the details and errors.
    ///
    /// The default (no such fields) leaves `body` as it is.
    fn from_target(
        body: &mut serde_json::Value,
        path: &str,
        query: &str,
    ) -> Result<(), Violations> {
        let _ = (body, path, query);
        Ok(())
    }
    /// How requests are signed; [`EndpointMeta::signature`] is its
    /// [`SchemeRef`].
    type Signature: SignatureScheme;
}

/// An operation whose outcome a status query can establish: Virtual Account
/// Payment (25) by Virtual Account Inquiry Status (26), Direct Debit Payment
/// (54) by its status (55), Auth Payment (63) by Auth Query (64), ...
///
/// Implemented next to the declarations (snap-endpoints); the client uses it
/// to settle a `409` answered to a retry (an earlier attempt got through) or
/// an unknown outcome, by asking the provider what became of the original.
///
/// ```
/// use snap_core as snap;
/// use snap::endpoint::StatusQueried;
///
/// /// A payment.
/// #[snap::request(service = 63, method = "POST", path = "/v1.0/pay", response = PayAnswer)]
/// pub struct PayRequest { #[snap(max = 64)] pub partner_reference_no: String }
/// /// Answer to [`PayRequest`].
/// #[snap::response]
/// pub struct PayAnswer {}
/// /// Its status query.
/// #[snap::request(service = 64, method = "POST", path = "/v1.0/pay/query", response = QueryAnswer)]
/// pub struct QueryRequest { #[snap(max = 64)] pub original_partner_reference_no: String }
/// /// Answer to [`QueryRequest`].
/// #[snap::response]
/// pub struct QueryAnswer {}
///
/// impl StatusQueried for PayRequest {
///     type Query = QueryRequest;
///     fn status_query(&self) -> Option<QueryRequest> {
///         Some(QueryRequest { original_partner_reference_no: self.partner_reference_no.clone() })
///     }
/// }
/// let q = PayRequest { partner_reference_no: "ORDER-1".into() }.status_query().unwrap();
/// assert_eq!(q.original_partner_reference_no, "ORDER-1");
/// ```
pub trait StatusQueried: Endpoint {
    /// The status query endpoint.
    type Query: Endpoint + serde::Serialize;

    /// The status query for this request: its identifiers copied into the
    /// query. `None` when the request lacks what the query needs.
    fn status_query(&self) -> Option<Self::Query>;
}
