//! The SNAP request and response headers: ONE table, and the typed set.
//!
//! Every SNAP header is one row of the table below, written once in one
//! `snap_headers!` invocation (as hyperium/http's `standard_headers!` writes
//! HTTP's): its constant ([`X_PARTNER_ID`], a [`HeaderSpec`]), its wire name
//! (`x-partner-id`), its canonical case (`X-PARTNER-ID`, [`names`]), its rule
//! ([`HeaderRule`]) and whether access-token requests, B2B and B2B2C
//! transactions and responses carry it ([`Need`]). Everything that names or
//! checks a SNAP header reads this table: [`SnapHeaders`] (to and from an
//! [`http::HeaderMap`]), `prepare`'s header constants and checks, the
//! client's configuration check, the provider side's presence and format
//! checks, the signature doctor.
//!
//! | header | rule (lengths are characters) | token (73/74) | B2B | B2B2C | response |
//! |---|---|---|---|---|---|
//! | Authorization | `Bearer <token>`, token at most 2048, no spaces | - | C (symmetric mode) | M | - |
//! | Authorization-Customer | `Bearer <token>` or the bare token (Paydia's sample), at most 2048 | - | - | M | - |
//! | X-TIMESTAMP | a [`SnapTimestamp`] | M | M | M | M |
//! | X-CLIENT-KEY | non-empty | M | - | - | O (access-token answers) |
//! | X-SIGNATURE | non-empty | M | M | M | O |
//! | X-PARTNER-ID | at most 36 | - | M | M | - |
//! | X-EXTERNAL-ID | at most 36 (not checked to be numeric on input: GoPay sends UUIDs) | - | M | M | - |
//! | CHANNEL-ID | a [`ChannelId`]: 1-5 ASCII letters or digits | - | M | M | - |
//! | X-DEVICE-ID | at most 400 | - | - | M | - |
//! | ORIGIN | non-empty | - | O | O | - |
//! | X-IP-ADDRESS | at most 15, an IPv4 dotted quad (BI's own sample `172.24.281.24` is refused: 281 is not an octet) | - | - | O | - |
//! | X-LATITUDE | at most 10, ISO 6709 `±DD.DDDD`, within ±90 | - | - | O | - |
//! | X-LONGITUDE | at most 10, `±DDD.DDDD`, within ±180 | - | - | O | - |
//!
//! (BI *Keamanan* page header tables.) Every value must be visible ASCII,
//! without leading or trailing spaces; an empty value counts as missing; a
//! header sent twice is refused. The rows
//! are in the order a missing mandatory header is reported. `Content-Type`
//! is HTTP's own header (`http::header::CONTENT_TYPE`), not in this table.
//!
//! [`SnapHeaders`] holds the thirteen headers; [`SnapHeaders::from_header_map`]
//! reads them from an [`http::HeaderMap`] and checks each one's rule,
//! [`SnapHeaders::to_header_map`] checks the same rules and writes them.
//! Which headers are mandatory depends on the call ([`HeaderProfile`]:
//! access token, B2B transaction, B2B2C transaction, response).
//!
//! A [`HeaderError`] names the header and the rule, and tells a missing
//! header (`400xx02 Invalid Mandatory Field {X-PARTNER-ID}`) from a bad one
//! (`400xx01 Invalid Field Format {X-PARTNER-ID}`):
//! [`HeaderError::error_body`]. Tokens are [`SecretString`]s: `Debug` of a
//! `SnapHeaders` prints `[redacted]` for them.
//!
//! ```
//! use snap_core::headers::{self, ChannelId, ExternalIdGenerator, HeaderProfile, SnapHeaders};
//! use snap_core::time::SnapTimestamp;
//!
//! assert_eq!(headers::X_PARTNER_ID.wire, "x-partner-id");
//! assert_eq!(headers::X_PARTNER_ID.canonical, "X-PARTNER-ID");
//! assert!(headers::X_PARTNER_ID.check(&"1".repeat(37)).is_err());
//! assert_eq!(headers::lookup("X-Partner-Id"), Some(&headers::X_PARTNER_ID));
//!
//! let mut h = SnapHeaders::new(SnapTimestamp::parse("2020-12-17T10:55:00+07:00")?);
//! h.signature = Some("c2lnbmF0dXJl".into());
//! h.partner_id = Some("82150823919040624621823174737537".into());
//! h.external_id = Some(ExternalIdGenerator::new().next_id());
//! h.channel_id = Some(ChannelId::new_const("95221"));
//! h.authorization = Some("eyJraWQiOi".into());
//! let map = h.to_header_map()?;
//! assert_eq!(map[headers::AUTHORIZATION.wire], "Bearer eyJraWQiOi");
//!
//! let back = SnapHeaders::from_header_map_for(&map, HeaderProfile::Transaction { token: true })?;
//! assert_eq!(back.timestamp.as_str(), "2020-12-17T10:55:00+07:00");
//! assert!(format!("{back:?}").contains("[redacted]"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::borrow::Cow;
use std::fmt;
use std::hash::{BuildHasher, RandomState};
use std::net::Ipv4Addr;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use http::header::{HeaderMap, HeaderName, HeaderValue};

use crate::code::{ErrorBody, GeneralCase, ServiceCode};
use crate::secret::SecretString;
use crate::time::{JAKARTA_OFFSET_MINUTES, SnapTimestamp, TimestampError, jakarta_day_of};

/// Whether a kind of call carries a header (the M / C / O columns of BI's
/// header tables).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Need {
    /// Mandatory (M).
    Mandatory,
    /// Mandatory when the call carries a B2B access token, i.e. in the
    /// symmetric signature mode; absent in the asymmetric mode (C).
    WithToken,
    /// Optional (O).
    Optional,
    /// Not part of this kind of call.
    Unused,
}

/// The format rule of a header's value (lengths are characters; every value
/// is non-empty visible ASCII).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum HeaderRule {
    /// A [`SnapTimestamp`].
    Timestamp,
    /// Any non-empty visible ASCII.
    Text,
    /// At most this many characters.
    MaxChars(usize),
    /// A [`ChannelId`]: 1 to 5 ASCII letters or digits.
    Channel,
    /// `Bearer <token>`, the token at most [`MAX_TOKEN_CHARS`] and without
    /// spaces; the checked value is the token. `bare`: the token alone is
    /// accepted on input too.
    Bearer {
        /// The token may come without `Bearer `.
        bare: bool,
    },
    /// An IPv4 address, at most 15 characters.
    Ipv4,
    /// ISO 6709 `±DD.DDDD` within ±90, at most 10 characters.
    Latitude,
    /// ISO 6709 `±DDD.DDDD` within ±180, at most 10 characters.
    Longitude,
}

impl HeaderRule {
    /// The most characters a value may have, when the rule bounds it.
    pub const fn max_chars(self) -> Option<usize> {
        match self {
            HeaderRule::MaxChars(n) => Some(n),
            HeaderRule::Channel => Some(5),
            HeaderRule::Bearer { .. } => Some(MAX_TOKEN_CHARS),
            HeaderRule::Ipv4 => Some(15),
            HeaderRule::Latitude | HeaderRule::Longitude => Some(10),
            HeaderRule::Timestamp | HeaderRule::Text => None,
        }
    }
}

/// One row of the SNAP header table (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct HeaderSpec {
    /// The name as sent, lower-case (`x-partner-id`): what
    /// `HeaderName::from_static` takes.
    pub wire: &'static str,
    /// The name as the SNAP documents spell it (`X-PARTNER-ID`): what errors
    /// and answers quote.
    pub canonical: &'static str,
    /// The value's format rule.
    pub rule: HeaderRule,
    /// Access-token requests (73, 74).
    pub access_token: Need,
    /// B2B transaction requests.
    pub b2b: Need,
    /// B2B2C (customer-token) transaction requests.
    pub b2b2c: Need,
    /// Responses.
    pub response: Need,
}

impl HeaderSpec {
    /// The parsed header name (a `const fn`: usable in constants).
    pub const fn name(&self) -> HeaderName {
        HeaderName::from_static(self.wire)
    }

    /// Checks `value` against this header's rule. For `Bearer` headers the
    /// value is the token, without `Bearer `.
    ///
    /// # Errors
    /// A [`HeaderError`] naming this header: [`HeaderProblem::Missing`] for
    /// an empty value, else the rule broken.
    pub fn check(&self, value: &str) -> Result<(), HeaderError> {
        let name = self.canonical;
        match self.rule {
            HeaderRule::Timestamp => {
                visible(name, value)?;
                SnapTimestamp::parse(value)
                    .map(drop)
                    .map_err(|e| HeaderError::new(name, HeaderProblem::Timestamp(e)))
            }
            HeaderRule::Text => visible(name, value),
            HeaderRule::MaxChars(max) => max_len(name, value, max),
            HeaderRule::Channel => check_channel_id(name, value),
            HeaderRule::Bearer { .. } => check_token(name, value),
            HeaderRule::Ipv4 => check_ip(name, value),
            HeaderRule::Latitude => check_coordinate(name, value, 2, 90),
            HeaderRule::Longitude => check_coordinate(name, value, 3, 180),
        }
    }
}

/// The SNAP header named `name`, compared case-insensitively
/// (`"X-Partner-Id"` finds [`X_PARTNER_ID`]).
pub fn lookup(name: &str) -> Option<&'static HeaderSpec> {
    TABLE.iter().find(|h| h.wire.eq_ignore_ascii_case(name))
}

/// Longest access token accepted (BI: `accessToken` String(2048)).
pub const MAX_TOKEN_CHARS: usize = 2048;

macro_rules! snap_headers {
    ($(
        $(#[$doc:meta])*
        ($konst:ident, $field:ident, $wire:literal, $canonical:literal, $rule:expr,
         token: $token:ident, b2b: $b2b:ident, b2b2c: $b2b2c:ident, response: $response:ident);
    )+) => {
        $(
            $(#[$doc])*
            pub const $konst: HeaderSpec = HeaderSpec {
                wire: $wire,
                canonical: $canonical,
                rule: $rule,
                access_token: Need::$token,
                b2b: Need::$b2b,
                b2b2c: Need::$b2b2c,
                response: Need::$response,
            };
        )+

        /// Every SNAP header, in the order a missing mandatory one is reported.
        pub const TABLE: &[HeaderSpec] = &[$($konst),+];

        /// Header names as the SNAP documents spell them (each row's
        /// [`HeaderSpec::canonical`]; an [`HeaderMap`] compares names
        /// case-insensitively and sends them lower-case).
        pub mod names {
            $(
                #[doc = concat!("`", $canonical, "`")]
                pub const $konst: &str = $canonical;
            )+
        }

        impl SnapHeaders {
            /// Each row with the value this set holds for it (tokens without
            /// `Bearer `).
            fn values(&self) -> [(&'static HeaderSpec, Option<&str>); TABLE.len()] {
                [$((&$konst, HeaderField::text(&self.$field))),+]
            }

            /// Reads every row from `map`, checking each present value.
            fn read(map: &HeaderMap) -> Result<SnapHeaders, HeaderError> {
                Ok(SnapHeaders {
                    $($field: HeaderField::read(&$konst, get(map, &$konst)?)?,)+
                })
            }
        }
    };
}

snap_headers! {
    /// `Authorization`: `Bearer <B2B access token>`.
    (AUTHORIZATION, authorization, "authorization", "Authorization",
     HeaderRule::Bearer { bare: false },
     token: Unused, b2b: WithToken, b2b2c: Mandatory, response: Unused);
    /// `Authorization-Customer`: `Bearer <customer token>` (B2B2C).
    (AUTHORIZATION_CUSTOMER, authorization_customer, "authorization-customer",
     "Authorization-Customer", HeaderRule::Bearer { bare: true },
     token: Unused, b2b: Unused, b2b2c: Mandatory, response: Unused);
    /// `X-TIMESTAMP`: ISO-8601 with offset, signed exactly as written.
    (X_TIMESTAMP, timestamp, "x-timestamp", "X-TIMESTAMP", HeaderRule::Timestamp,
     token: Mandatory, b2b: Mandatory, b2b2c: Mandatory, response: Mandatory);
    /// `X-CLIENT-KEY`: the client id, on access-token requests and answers.
    (X_CLIENT_KEY, client_key, "x-client-key", "X-CLIENT-KEY", HeaderRule::Text,
     token: Mandatory, b2b: Unused, b2b2c: Unused, response: Optional);
    /// `X-SIGNATURE`: base64.
    (X_SIGNATURE, signature, "x-signature", "X-SIGNATURE", HeaderRule::Text,
     token: Mandatory, b2b: Mandatory, b2b2c: Mandatory, response: Optional);
    /// `X-PARTNER-ID`: String(36).
    (X_PARTNER_ID, partner_id, "x-partner-id", "X-PARTNER-ID", HeaderRule::MaxChars(36),
     token: Unused, b2b: Mandatory, b2b2c: Mandatory, response: Unused);
    /// `X-EXTERNAL-ID`: String(36), unique per partner per day.
    (X_EXTERNAL_ID, external_id, "x-external-id", "X-EXTERNAL-ID", HeaderRule::MaxChars(36),
     token: Unused, b2b: Mandatory, b2b2c: Mandatory, response: Unused);
    /// `CHANNEL-ID`: String(5).
    (CHANNEL_ID, channel_id, "channel-id", "CHANNEL-ID", HeaderRule::Channel,
     token: Unused, b2b: Mandatory, b2b2c: Mandatory, response: Unused);
    /// `X-DEVICE-ID`: String(400).
    (X_DEVICE_ID, device_id, "x-device-id", "X-DEVICE-ID", HeaderRule::MaxChars(400),
     token: Unused, b2b: Unused, b2b2c: Mandatory, response: Unused);
    /// `ORIGIN`.
    (ORIGIN, origin, "origin", "ORIGIN", HeaderRule::Text,
     token: Unused, b2b: Optional, b2b2c: Optional, response: Unused);
    /// `X-IP-ADDRESS`: String(15), IPv4.
    (X_IP_ADDRESS, ip_address, "x-ip-address", "X-IP-ADDRESS", HeaderRule::Ipv4,
     token: Unused, b2b: Unused, b2b2c: Optional, response: Unused);
    /// `X-LATITUDE`: String(10), ISO 6709.
    (X_LATITUDE, latitude, "x-latitude", "X-LATITUDE", HeaderRule::Latitude,
     token: Unused, b2b: Unused, b2b2c: Optional, response: Unused);
    /// `X-LONGITUDE`: String(10), ISO 6709.
    (X_LONGITUDE, longitude, "x-longitude", "X-LONGITUDE", HeaderRule::Longitude,
     token: Unused, b2b: Unused, b2b2c: Optional, response: Unused);
}

/// What is wrong with a header.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum HeaderProblem {
    /// Absent or empty where the call needs it.
    #[error("is missing")]
    Missing,
    /// Longer than allowed.
    #[error("has {len} characters; at most {max} are allowed")]
    TooLong {
        /// The limit.
        max: usize,
        /// The length given.
        len: usize,
    },
    /// Not visible ASCII.
    #[error("is not visible ASCII")]
    NotAscii,
    /// Sent more than once.
    #[error("is sent more than once")]
    Repeated,
    /// Breaks the header's format rule (named).
    #[error("breaks its format rule: {0}")]
    Format(&'static str),
    /// Not a SNAP timestamp.
    #[error("{0}")]
    Timestamp(TimestampError),
}

/// A header and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("header {header} {problem}")]
#[non_exhaustive]
pub struct HeaderError {
    /// The header, spelled as in [`names`] ([`HeaderSpec::canonical`]).
    pub header: &'static str,
    /// The rule it breaks.
    pub problem: HeaderProblem,
}

impl HeaderError {
    fn new(header: &'static str, problem: HeaderProblem) -> HeaderError {
        HeaderError { header, problem }
    }

    /// True when the header is absent or empty.
    pub fn is_missing(&self) -> bool {
        self.problem == HeaderProblem::Missing
    }

    /// The SNAP case: [`GeneralCase::InvalidMandatoryField`] for a missing
    /// header, [`GeneralCase::InvalidFieldFormat`] otherwise.
    pub fn general_case(&self) -> GeneralCase {
        if self.is_missing() {
            GeneralCase::InvalidMandatoryField
        } else {
            GeneralCase::InvalidFieldFormat
        }
    }

    /// The SNAP answer for `service`: `400xx02 Invalid Mandatory Field
    /// {X-TIMESTAMP}` or `400xx01 Invalid Field Format {X-TIMESTAMP}`.
    pub fn error_body(&self, service: ServiceCode) -> ErrorBody {
        self.general_case().error_body(service, Some(self.header))
    }
}

/// A `CHANNEL-ID`: 1 to 5 ASCII letters or digits.
///
/// BI types it String(5) ("PJP's channel id"); Midtrans says "5 digits
/// numeric" (`95221`), DOKU sends `H2H`, Winpay `WEB`: so letters are
/// allowed, and anything else (spaces, punctuation) is refused.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct ChannelId(Cow<'static, str>);

impl ChannelId {
    /// A channel id from a literal; panics on a bad one, which in a `const`
    /// is a compile error:
    ///
    /// ```compile_fail
    /// const BAD: snap_core::headers::ChannelId = snap_core::headers::ChannelId::new_const("952210");
    /// ```
    ///
    /// ```
    /// const WEB: snap_core::headers::ChannelId = snap_core::headers::ChannelId::new_const("WEB");
    /// assert_eq!(WEB.as_str(), "WEB");
    /// ```
    pub const fn new_const(id: &'static str) -> ChannelId {
        if !ChannelId::valid(id.as_bytes()) {
            panic!("a CHANNEL-ID is 1 to 5 ASCII letters or digits");
        }
        ChannelId(Cow::Borrowed(id))
    }

    /// A SNAP-standard numeric channel id from a literal: exactly 5 ASCII
    /// digits (Midtrans: "5 digits numeric string", `95221`). Panics on any
    /// other literal, which in a `const` is a compile error, so a truncated
    /// `"9522"` never reaches a provider:
    ///
    /// ```compile_fail
    /// const BAD: snap_core::headers::ChannelId = snap_core::headers::ChannelId::numeric_const("9522");
    /// ```
    ///
    /// ```
    /// const GOPAY: snap_core::headers::ChannelId = snap_core::headers::ChannelId::numeric_const("95221");
    /// assert_eq!(GOPAY.as_str(), "95221");
    /// ```
    ///
    /// Use [`ChannelId::new_const`] for providers with letter ids (`H2H`).
    pub const fn numeric_const(id: &'static str) -> ChannelId {
        let b = id.as_bytes();
        if b.len() != 5 {
            panic!("a numeric CHANNEL-ID is exactly 5 digits");
        }
        let mut i = 0;
        while i < b.len() {
            if !b[i].is_ascii_digit() {
                panic!("a numeric CHANNEL-ID is exactly 5 digits");
            }
            i += 1;
        }
        ChannelId(Cow::Borrowed(id))
    }

    /// A channel id from text ([`CHANNEL_ID`]'s rule).
    pub fn new(id: &str) -> Result<ChannelId, HeaderError> {
        CHANNEL_ID.check(id)?;
        Ok(ChannelId(Cow::Owned(id.to_owned())))
    }

    const fn valid(b: &[u8]) -> bool {
        if b.is_empty() || b.len() > 5 {
            return false;
        }
        let mut i = 0;
        while i < b.len() {
            if !b[i].is_ascii_alphanumeric() {
                return false;
            }
            i += 1;
        }
        true
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn check_channel_id(name: &'static str, id: &str) -> Result<(), HeaderError> {
    let err = |p| Err(HeaderError::new(name, p));
    let len = id.chars().count();
    if len == 0 {
        return err(HeaderProblem::Missing);
    }
    if len > 5 {
        return err(HeaderProblem::TooLong { max: 5, len });
    }
    if !ChannelId::valid(id.as_bytes()) {
        return err(HeaderProblem::Format("1 to 5 ASCII letters or digits"));
    }
    Ok(())
}

impl fmt::Debug for ChannelId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ChannelId({:?})", self.0)
    }
}

impl fmt::Display for ChannelId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Which headers a call must carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HeaderProfile {
    /// Access token B2B/B2B2C (73, 74): X-TIMESTAMP, X-CLIENT-KEY,
    /// X-SIGNATURE.
    AccessToken,
    /// B2B transaction: X-TIMESTAMP, X-SIGNATURE, X-PARTNER-ID,
    /// X-EXTERNAL-ID, CHANNEL-ID, and Authorization when `token` (symmetric
    /// signature with a B2B token; the asymmetric mode has none).
    Transaction {
        /// Authorization is required.
        token: bool,
    },
    /// B2B2C transaction: the B2B set with Authorization, plus
    /// Authorization-Customer and X-DEVICE-ID.
    CustomerTransaction,
    /// A response: X-TIMESTAMP.
    Response,
}

impl HeaderProfile {
    /// The mandatory headers, read from the table, in the order they are
    /// checked.
    pub fn required(self) -> impl Iterator<Item = &'static HeaderSpec> {
        TABLE.iter().filter(move |h| {
            let need = match self {
                HeaderProfile::AccessToken => h.access_token,
                HeaderProfile::Transaction { token } => match h.b2b {
                    Need::WithToken if token => Need::Mandatory,
                    other => other,
                },
                HeaderProfile::CustomerTransaction => match h.b2b2c {
                    Need::WithToken => Need::Mandatory,
                    other => other,
                },
                HeaderProfile::Response => h.response,
            };
            need == Need::Mandatory
        })
    }
}

/// The SNAP headers of one request or response: one field per row of the
/// table (the `snap_headers!` invocation reads and writes them, so a row
/// without a field, or a field without a row, does not compile).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapHeaders {
    /// `X-TIMESTAMP`: always present.
    pub timestamp: SnapTimestamp,
    /// `X-SIGNATURE` (base64 as sent).
    pub signature: Option<String>,
    /// `X-PARTNER-ID`, at most 36.
    pub partner_id: Option<String>,
    /// `X-EXTERNAL-ID`, at most 36.
    pub external_id: Option<String>,
    /// `CHANNEL-ID`.
    pub channel_id: Option<ChannelId>,
    /// `Authorization`: the B2B token alone (written as `Bearer <token>`).
    pub authorization: Option<SecretString>,
    /// `Authorization-Customer`: the customer token alone (written as
    /// `Bearer <token>`).
    pub authorization_customer: Option<SecretString>,
    /// `X-CLIENT-KEY` (the client id, on access-token calls).
    pub client_key: Option<String>,
    /// `ORIGIN`.
    pub origin: Option<String>,
    /// `X-DEVICE-ID`, at most 400.
    pub device_id: Option<String>,
    /// `X-IP-ADDRESS`, IPv4.
    pub ip_address: Option<String>,
    /// `X-LATITUDE`, `±DD.DDDD`.
    pub latitude: Option<String>,
    /// `X-LONGITUDE`, `±DDD.DDDD`.
    pub longitude: Option<String>,
}

/// How a [`SnapHeaders`] field holds its header's value.
trait HeaderField: Sized {
    /// The value as text (a token without `Bearer `).
    fn text(&self) -> Option<&str>;
    /// The field from the received value (`None`: absent or empty), checked
    /// against `spec`'s rule.
    fn read(spec: &'static HeaderSpec, value: Option<&str>) -> Result<Self, HeaderError>;
}

impl HeaderField for SnapTimestamp {
    fn text(&self) -> Option<&str> {
        Some(self.as_str())
    }
    fn read(spec: &'static HeaderSpec, value: Option<&str>) -> Result<Self, HeaderError> {
        let v = value.ok_or_else(|| HeaderError::new(spec.canonical, HeaderProblem::Missing))?;
        SnapTimestamp::parse(v)
            .map_err(|e| HeaderError::new(spec.canonical, HeaderProblem::Timestamp(e)))
    }
}

impl HeaderField for Option<String> {
    fn text(&self) -> Option<&str> {
        self.as_deref()
    }
    fn read(spec: &'static HeaderSpec, value: Option<&str>) -> Result<Self, HeaderError> {
        value
            .map(|v| spec.check(v).map(|()| v.to_owned()))
            .transpose()
    }
}

impl HeaderField for Option<ChannelId> {
    fn text(&self) -> Option<&str> {
        self.as_ref().map(ChannelId::as_str)
    }
    fn read(spec: &'static HeaderSpec, value: Option<&str>) -> Result<Self, HeaderError> {
        value
            .map(|v| spec.check(v).map(|()| ChannelId(Cow::Owned(v.to_owned()))))
            .transpose()
    }
}

impl HeaderField for Option<SecretString> {
    fn text(&self) -> Option<&str> {
        self.as_ref().map(|t| t.expose().as_str())
    }
    fn read(spec: &'static HeaderSpec, value: Option<&str>) -> Result<Self, HeaderError> {
        let Some(v) = value else {
            return Ok(None);
        };
        let bare = matches!(spec.rule, HeaderRule::Bearer { bare: true });
        let token = match v.split_once(' ') {
            Some((scheme, rest)) if scheme.eq_ignore_ascii_case("Bearer") => rest,
            _ if !bare => {
                return Err(HeaderError::new(
                    spec.canonical,
                    HeaderProblem::Format("Bearer <token>"),
                ));
            }
            _ => v,
        };
        spec.check(token)?;
        Ok(Some(SecretString::new(token.to_owned())))
    }
}

impl SnapHeaders {
    /// Headers with only `X-TIMESTAMP`.
    pub fn new(timestamp: SnapTimestamp) -> SnapHeaders {
        SnapHeaders {
            timestamp,
            signature: None,
            partner_id: None,
            external_id: None,
            channel_id: None,
            authorization: None,
            authorization_customer: None,
            client_key: None,
            origin: None,
            device_id: None,
            ip_address: None,
            latitude: None,
            longitude: None,
        }
    }

    /// Checks every present header's rule, then that the headers `profile`
    /// needs are present.
    pub fn validate(&self, profile: HeaderProfile) -> Result<(), HeaderError> {
        self.check_formats()?;
        self.require(profile)
    }

    /// Checks that the headers `profile` needs are present (non-empty); the
    /// first missing one, in [`HeaderProfile::required`] order, is the error.
    pub fn require(&self, profile: HeaderProfile) -> Result<(), HeaderError> {
        let values = self.values();
        for spec in profile.required() {
            let present = values
                .iter()
                .any(|(s, v)| s.wire == spec.wire && v.is_some_and(|v| !v.is_empty()));
            if !present {
                return Err(HeaderError::new(spec.canonical, HeaderProblem::Missing));
            }
        }
        Ok(())
    }

    fn check_formats(&self) -> Result<(), HeaderError> {
        for (spec, value) in self.values() {
            if let Some(v) = value {
                spec.check(v)?;
            }
        }
        Ok(())
    }

    /// Checks every present header's rule and writes them to a map
    /// (`Authorization` values as `Bearer <token>`). Presence is not
    /// checked: use [`SnapHeaders::validate`] for that.
    pub fn to_header_map(&self) -> Result<HeaderMap, HeaderError> {
        self.check_formats()?;
        let mut map = HeaderMap::new();
        for (spec, value) in self.values() {
            let Some(v) = value else { continue };
            let text = match spec.rule {
                HeaderRule::Bearer { .. } => Cow::Owned(format!("Bearer {v}")),
                _ => Cow::Borrowed(v),
            };
            let v = HeaderValue::from_str(&text)
                .map_err(|_| HeaderError::new(spec.canonical, HeaderProblem::NotAscii))?;
            map.insert(spec.name(), v);
        }
        Ok(map)
    }

    /// Reads the SNAP headers from a map and checks each present one's
    /// rule. Only `X-TIMESTAMP` is required here; use
    /// [`SnapHeaders::from_header_map_for`] to require a call's set.
    pub fn from_header_map(map: &HeaderMap) -> Result<SnapHeaders, HeaderError> {
        SnapHeaders::read(map)
    }

    /// [`SnapHeaders::from_header_map`], then [`SnapHeaders::require`] for
    /// `profile`.
    pub fn from_header_map_for(
        map: &HeaderMap,
        profile: HeaderProfile,
    ) -> Result<SnapHeaders, HeaderError> {
        // Formats of the present headers first (one pass), then presence;
        // a missing X-TIMESTAMP is reported as missing either way.
        let h = SnapHeaders::from_header_map(map)?;
        h.require(profile)?;
        Ok(h)
    }
}

/// The single, non-empty, visible-ASCII value of `spec`, if present.
fn get<'m>(map: &'m HeaderMap, spec: &'static HeaderSpec) -> Result<Option<&'m str>, HeaderError> {
    let name = spec.canonical;
    let mut all = map.get_all(spec.wire).iter();
    let Some(v) = all.next() else {
        return Ok(None);
    };
    if all.next().is_some() {
        return Err(HeaderError::new(name, HeaderProblem::Repeated));
    }
    let s = v
        .to_str()
        .map_err(|_| HeaderError::new(name, HeaderProblem::NotAscii))?;
    if s.bytes().any(|b| !(0x20..0x7f).contains(&b)) {
        return Err(HeaderError::new(name, HeaderProblem::NotAscii));
    }
    Ok(if s.is_empty() { None } else { Some(s) })
}

/// Every byte in `lo..0x7f`, in one branch-free pass (prepare runs the
/// header checks on every call).
fn all_in(v: &str, lo: u8) -> bool {
    let span = 0x7f - lo;
    v.bytes()
        .fold(true, |ok, b| ok & (b.wrapping_sub(lo) < span))
}

fn visible(name: &'static str, v: &str) -> Result<(), HeaderError> {
    let b = v.as_bytes();
    if !b.is_empty() && b[0] != b' ' && b[b.len() - 1] != b' ' && all_in(v, 0x20) {
        return Ok(());
    }
    if v.is_empty() {
        return Err(HeaderError::new(name, HeaderProblem::Missing));
    }
    if v.bytes().any(|b| !(0x20..0x7f).contains(&b)) {
        return Err(HeaderError::new(name, HeaderProblem::NotAscii));
    }
    // HTTP drops a value's outer whitespace on the way: what is sent (and
    // signed) would not be what arrives.
    if v.starts_with(' ') || v.ends_with(' ') {
        return Err(HeaderError::new(
            name,
            HeaderProblem::Format("no leading or trailing spaces"),
        ));
    }
    Ok(())
}

fn max_len(name: &'static str, v: &str, max: usize) -> Result<(), HeaderError> {
    visible(name, v)?;
    // Visible ASCII: one byte per character.
    let len = v.len();
    if len > max {
        return Err(HeaderError::new(name, HeaderProblem::TooLong { max, len }));
    }
    Ok(())
}

fn check_token(name: &'static str, t: &str) -> Result<(), HeaderError> {
    // The common case in one pass: visible ASCII without spaces.
    if !t.is_empty() && t.len() <= MAX_TOKEN_CHARS && all_in(t, 0x21) {
        return Ok(());
    }
    max_len(name, t, MAX_TOKEN_CHARS)?;
    if t.contains(' ') {
        return Err(HeaderError::new(
            name,
            HeaderProblem::Format("the token has no spaces"),
        ));
    }
    Ok(())
}

fn check_ip(name: &'static str, v: &str) -> Result<(), HeaderError> {
    max_len(name, v, 15)?;
    if v.parse::<Ipv4Addr>().is_err() {
        return Err(HeaderError::new(
            name,
            HeaderProblem::Format("an IPv4 address, four octets 0-255"),
        ));
    }
    Ok(())
}

/// ISO 6709 decimal degrees: optional sign, 1 to `int_digits` digits,
/// optionally `.` and digits; absolute value at most `limit`.
fn check_coordinate(
    name: &'static str,
    v: &str,
    int_digits: usize,
    limit: u32,
) -> Result<(), HeaderError> {
    max_len(name, v, 10)?;
    let rule = if int_digits == 2 {
        "decimal degrees ±DD.DDDD within ±90"
    } else {
        "decimal degrees ±DDD.DDDD within ±180"
    };
    let bad = || Err(HeaderError::new(name, HeaderProblem::Format(rule)));
    let unsigned = v.strip_prefix(['+', '-']).unwrap_or(v);
    let (int, frac) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if int.is_empty() || int.len() > int_digits || !digits(int) || !digits(frac) {
        return bad();
    }
    if unsigned.contains('.') && frac.is_empty() {
        return bad();
    }
    let whole: u32 = int.bytes().fold(0, |a, b| a * 10 + u32::from(b - b'0'));
    if whole > limit || (whole == limit && frac.bytes().any(|b| b != b'0')) {
        return bad();
    }
    Ok(())
}

/// Generates `X-EXTERNAL-ID` values: 32 decimal digits.
///
/// Layout: `yyyymmdd` (Jakarta date) + nanoseconds since Jakarta midnight
/// (14 digits) + process id (7 digits) + a random per-process salt (3
/// digits).
///
/// Why it is unique:
/// - *within a process*: every id, from every generator instance, takes a
///   nanosecond instant from one process-wide atomic that strictly increases
///   (`max(clock, previous + 1)`), and date + nanoseconds-of-day is a
///   one-to-one spelling of that instant;
/// - *across restarts on the same day*: a restarted process reads a later
///   clock than any id the previous process issued (ids run ahead of the
///   clock only at more than one id per nanosecond), so its instants are
///   new even if the process id is reused. This relies on the system clock
///   not being set back;
/// - *concurrent processes*: their process ids differ on one host; across
///   hosts the salt makes a collision need the same nanosecond and a 1 in
///   1000 salt match.
///
/// 32 digits and not the 36 that X-EXTERNAL-ID allows: a later request
/// quotes the id as `originalExternalId`, which BI types String(32).
#[derive(Debug, Clone, Default)]
pub struct ExternalIdGenerator {
    _private: (),
}

/// The instant behind the last id issued in this process (ns since epoch).
static LAST_NANOS: AtomicU64 = AtomicU64::new(0);

impl ExternalIdGenerator {
    /// A generator (all instances share the process-wide sequence).
    pub fn new() -> ExternalIdGenerator {
        ExternalIdGenerator { _private: () }
    }

    /// The next id: 32 ASCII digits.
    pub fn next_id(&self) -> String {
        let nanos = next_instant();
        format_id(nanos, process_tag())
    }
}

fn next_instant() -> u64 {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX / 2))
        .unwrap_or(0);
    let mut prev = LAST_NANOS.load(Ordering::Relaxed);
    loop {
        let next = now.max(prev.saturating_add(1));
        match LAST_NANOS.compare_exchange_weak(prev, next, Ordering::AcqRel, Ordering::Relaxed) {
            Ok(_) => return next,
            Err(p) => prev = p,
        }
    }
}

/// Process id (7 digits) and salt (3 digits), as one 10-digit number.
fn process_tag() -> u64 {
    static TAG: OnceLock<u64> = OnceLock::new();
    *TAG.get_or_init(|| {
        let pid = u64::from(std::process::id()) % 10_000_000;
        let salt = RandomState::new().hash_one((pid, next_instant())) % 1000;
        pid * 1000 + salt
    })
}

fn format_id(nanos: u64, tag: u64) -> String {
    const DAY: u64 = 86_400 * 1_000_000_000;
    let offset = JAKARTA_OFFSET_MINUTES as u64 * 60 * 1_000_000_000;
    let local = nanos.saturating_add(offset);
    let (y, m, d) = jakarta_day_of(i64::try_from(nanos / 1_000_000_000).unwrap_or(i64::MAX / 2));
    format!("{y:04}{m:02}{d:02}{:014}{tag:010}", local % DAY)
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    fn ts() -> SnapTimestamp {
        SnapTimestamp::parse("2020-12-17T10:55:00+07:00").unwrap()
    }

    fn full() -> SnapHeaders {
        let mut h = SnapHeaders::new(ts());
        h.signature = Some("YWJj".into());
        h.partner_id = Some("82150823919040624621823174737537".into());
        h.external_id = Some("41807553358950093184162180797837".into());
        h.channel_id = Some(ChannelId::new_const("95221"));
        h.authorization = Some("b2b-token".into());
        h.authorization_customer = Some("customer-token".into());
        h.client_key = Some("client-id".into());
        h.origin = Some("www.hostname.com".into());
        h.device_id = Some("09864ADCASA".into());
        h.ip_address = Some("172.24.28.24".into());
        h.latitude = Some("-6.2088".into());
        h.longitude = Some("+106.8456".into());
        h
    }

    fn map(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut m = HeaderMap::new();
        for (k, v) in pairs {
            m.append(
                HeaderName::from_static(k),
                HeaderValue::from_bytes(v.as_bytes()).unwrap(),
            );
        }
        m
    }

    #[test]
    fn round_trip_all_thirteen() {
        let h = full();
        let m = h.to_header_map().unwrap();
        assert_eq!(m.len(), 13);
        assert_eq!(m["x-timestamp"], "2020-12-17T10:55:00+07:00");
        assert_eq!(m["authorization"], "Bearer b2b-token");
        assert_eq!(m["authorization-customer"], "Bearer customer-token");
        assert_eq!(m["channel-id"], "95221");
        let back =
            SnapHeaders::from_header_map_for(&m, HeaderProfile::CustomerTransaction).unwrap();
        assert_eq!(back, h);
        h.validate(HeaderProfile::CustomerTransaction).unwrap();
    }

    #[test]
    fn tokens_are_redacted_in_debug() {
        let text = format!("{:?}", full());
        assert!(!text.contains("b2b-token"), "{text}");
        assert!(!text.contains("customer-token"), "{text}");
        assert!(text.contains("[redacted]"));
        assert!(text.contains("95221"));
    }

    #[test]
    fn missing_versus_format() {
        let m = map(&[("x-timestamp", "2020-12-17T10:55:00+07:00")]);
        let e = SnapHeaders::from_header_map_for(&m, HeaderProfile::Transaction { token: false })
            .unwrap_err();
        assert_eq!(
            e,
            HeaderError::new(names::X_SIGNATURE, HeaderProblem::Missing)
        );
        let body = e.error_body(ServiceCode::new_const(67));
        assert_eq!(body.response_code, "4006702");
        assert_eq!(
            body.response_message,
            "Invalid Mandatory Field {X-SIGNATURE}"
        );

        let m = map(&[
            ("x-timestamp", "2020-12-17T10:55:00+07:00"),
            ("x-partner-id", &"1".repeat(37)),
        ]);
        let e = SnapHeaders::from_header_map(&m).unwrap_err();
        assert_eq!(e.header, names::X_PARTNER_ID);
        assert_eq!(e.problem, HeaderProblem::TooLong { max: 36, len: 37 });
        let body = e.error_body(ServiceCode::new_const(67));
        assert_eq!(body.response_code, "4006701");
        assert_eq!(body.response_message, "Invalid Field Format {X-PARTNER-ID}");
        assert_eq!(
            e.to_string(),
            "header X-PARTNER-ID has 37 characters; at most 36 are allowed"
        );

        let e = SnapHeaders::from_header_map(&HeaderMap::new()).unwrap_err();
        assert!(e.is_missing());
        assert_eq!(e.header, names::X_TIMESTAMP);
        let e = SnapHeaders::from_header_map(&map(&[("x-timestamp", "2020-12-17 10:55:00")]))
            .unwrap_err();
        assert!(matches!(e.problem, HeaderProblem::Timestamp(_)), "{e}");
        assert_eq!(e.general_case(), GeneralCase::InvalidFieldFormat);
    }

    #[test]
    fn required_sets() {
        let mut h = SnapHeaders::new(ts());
        assert!(h.require(HeaderProfile::Response).is_ok());
        let e = h.require(HeaderProfile::AccessToken).unwrap_err();
        assert_eq!(e.header, names::X_CLIENT_KEY);
        h.client_key = Some("id".into());
        h.signature = Some("sig".into());
        assert!(h.require(HeaderProfile::AccessToken).is_ok());
        let e = full_without(
            |h| h.authorization = None,
            HeaderProfile::Transaction { token: true },
        );
        assert_eq!(e, names::AUTHORIZATION);
        assert!(full_ok(
            |h| h.authorization = None,
            HeaderProfile::Transaction { token: false }
        ));
        let e = full_without(|h| h.device_id = None, HeaderProfile::CustomerTransaction);
        assert_eq!(e, names::X_DEVICE_ID);
        let e = full_without(
            |h| h.external_id = Some(String::new()),
            HeaderProfile::CustomerTransaction,
        );
        assert_eq!(e, names::X_EXTERNAL_ID);
    }

    #[test]
    fn the_table_gives_the_documented_required_sets() {
        let names = |p: HeaderProfile| p.required().map(|h| h.canonical).collect::<Vec<_>>();
        assert_eq!(
            names(HeaderProfile::AccessToken),
            ["X-TIMESTAMP", "X-CLIENT-KEY", "X-SIGNATURE"]
        );
        let b2b = [
            "X-TIMESTAMP",
            "X-SIGNATURE",
            "X-PARTNER-ID",
            "X-EXTERNAL-ID",
            "CHANNEL-ID",
        ];
        assert_eq!(names(HeaderProfile::Transaction { token: false }), b2b);
        let mut with_token = vec!["Authorization"];
        with_token.extend(b2b);
        assert_eq!(
            names(HeaderProfile::Transaction { token: true }),
            with_token
        );
        let mut b2b2c = vec!["Authorization", "Authorization-Customer"];
        b2b2c.extend(b2b);
        b2b2c.push("X-DEVICE-ID");
        assert_eq!(names(HeaderProfile::CustomerTransaction), b2b2c);
        assert_eq!(names(HeaderProfile::Response), ["X-TIMESTAMP"]);
    }

    #[test]
    fn every_row_is_named_once_and_found_by_either_spelling() {
        assert_eq!(TABLE.len(), 13);
        for (i, h) in TABLE.iter().enumerate() {
            assert_eq!(h.wire, h.canonical.to_ascii_lowercase());
            assert_eq!(h.name().as_str(), h.wire);
            assert_eq!(lookup(h.canonical), Some(h));
            assert_eq!(lookup(h.wire), Some(h));
            assert!(TABLE[..i].iter().all(|o| o.wire != h.wire));
        }
        assert_eq!(names::X_PARTNER_ID, X_PARTNER_ID.canonical);
        assert_eq!(lookup("content-type"), None);
        assert_eq!(CHANNEL_ID.rule.max_chars(), Some(5));
        assert_eq!(X_TIMESTAMP.rule.max_chars(), None);
    }

    fn full_without(f: impl FnOnce(&mut SnapHeaders), p: HeaderProfile) -> &'static str {
        let mut h = full();
        f(&mut h);
        h.require(p).unwrap_err().header
    }

    fn full_ok(f: impl FnOnce(&mut SnapHeaders), p: HeaderProfile) -> bool {
        let mut h = full();
        f(&mut h);
        h.validate(p).is_ok()
    }

    fn wire(canonical: &str) -> &'static str {
        TABLE
            .iter()
            .find(|h| h.canonical == canonical)
            .unwrap()
            .wire
    }

    fn bad(name: &'static str, value: &str) -> HeaderError {
        let m = map(&[
            ("x-timestamp", "2020-12-17T10:55:00+07:00"),
            (wire(name), value),
        ]);
        SnapHeaders::from_header_map(&m).unwrap_err()
    }

    fn good(name: &'static str, value: &str) {
        let m = map(&[
            ("x-timestamp", "2020-12-17T10:55:00+07:00"),
            (wire(name), value),
        ]);
        SnapHeaders::from_header_map(&m).unwrap_or_else(|e| panic!("{name}: {value:?}: {e}"));
    }

    #[test]
    fn per_header_rules() {
        use names::*;
        good(X_EXTERNAL_ID, "550e8400-e29b-41d4-a716-446655440000");
        assert!(matches!(
            bad(X_EXTERNAL_ID, &"9".repeat(37)).problem,
            HeaderProblem::TooLong { max: 36, .. }
        ));
        for ok in ["95221", "H2H", "WEB", "VA004", "1"] {
            good(CHANNEL_ID, ok);
        }
        assert!(matches!(
            bad(CHANNEL_ID, "952210").problem,
            HeaderProblem::TooLong { max: 5, len: 6 }
        ));
        assert!(matches!(
            bad(CHANNEL_ID, "H-2H").problem,
            HeaderProblem::Format(_)
        ));
        good(X_DEVICE_ID, &"d".repeat(400));
        assert!(matches!(
            bad(X_DEVICE_ID, &"d".repeat(401)).problem,
            HeaderProblem::TooLong { max: 400, .. }
        ));
        good(X_IP_ADDRESS, "255.255.255.255");
        assert!(matches!(
            bad(X_IP_ADDRESS, "172.24.281.24").problem,
            HeaderProblem::Format(_)
        ));
        assert!(matches!(
            bad(X_IP_ADDRESS, "1.2.3").problem,
            HeaderProblem::Format(_)
        ));
        assert!(matches!(
            bad(X_IP_ADDRESS, "2001:db8::1:2:3:4:5").problem,
            HeaderProblem::TooLong { max: 15, .. }
        ));
        for ok in ["-6.2088", "+89.9999", "90", "-90.0000", "6", "0.5"] {
            good(X_LATITUDE, ok);
        }
        for no in [
            "91.0",
            "90.0001",
            "123.45",
            "6.",
            ".5",
            "6,2",
            "+-6.2",
            "6.2088N",
            "-6.20881234",
        ] {
            assert!(
                bad(X_LATITUDE, no).problem != HeaderProblem::Missing,
                "{no}"
            );
        }
        for ok in ["+106.8456", "-180", "179.9999", "0"] {
            good(X_LONGITUDE, ok);
        }
        for no in ["180.1", "1060.8", "abc"] {
            assert!(
                matches!(bad(X_LONGITUDE, no).problem, HeaderProblem::Format(_)),
                "{no}"
            );
        }
        good(AUTHORIZATION, "bearer abc.def.ghi");
        assert!(matches!(
            bad(AUTHORIZATION, "abc.def.ghi").problem,
            HeaderProblem::Format("Bearer <token>")
        ));
        assert!(matches!(
            bad(AUTHORIZATION, "Basic dXNlcg==").problem,
            HeaderProblem::Format(_)
        ));
        assert!(matches!(
            bad(AUTHORIZATION, "Bearer ").problem,
            HeaderProblem::Missing
        ));
        assert!(matches!(
            bad(AUTHORIZATION, &format!("Bearer {}", "t".repeat(2049))).problem,
            HeaderProblem::TooLong { .. }
        ));
        // Paydia's sample sends the customer token without "Bearer ".
        let m = map(&[
            ("x-timestamp", "2020-12-17T10:55:00+07:00"),
            ("authorization-customer", "eyJhbGciOiJIUzI1NiJ9.e30.x"),
        ]);
        let h = SnapHeaders::from_header_map(&m).unwrap();
        assert_eq!(
            h.authorization_customer.unwrap().expose(),
            "eyJhbGciOiJIUzI1NiJ9.e30.x"
        );
        assert!(matches!(
            bad(X_SIGNATURE, "caf\u{e9}").problem,
            HeaderProblem::NotAscii
        ));
        assert!(matches!(
            bad(ORIGIN, "a\tb").problem,
            HeaderProblem::NotAscii
        ));
    }

    #[test]
    fn repeated_and_empty_headers() {
        let m = map(&[
            ("x-timestamp", "2020-12-17T10:55:00+07:00"),
            ("x-timestamp", "2020-12-17T10:55:01+07:00"),
        ]);
        assert_eq!(
            SnapHeaders::from_header_map(&m).unwrap_err(),
            HeaderError::new(names::X_TIMESTAMP, HeaderProblem::Repeated)
        );
        let m = map(&[
            ("x-timestamp", "2020-12-17T10:55:00+07:00"),
            ("x-partner-id", ""),
        ]);
        let h = SnapHeaders::from_header_map(&m).unwrap();
        assert_eq!(h.partner_id, None, "empty counts as absent");
        let e = SnapHeaders::from_header_map_for(&m, HeaderProfile::Transaction { token: false });
        assert!(e.is_err());
    }

    #[test]
    fn to_header_map_checks_rules() {
        let mut h = full();
        h.partner_id = Some("x".repeat(37));
        assert_eq!(h.to_header_map().unwrap_err().header, names::X_PARTNER_ID);
        let mut h = full();
        h.origin = Some("bad\nvalue".into());
        assert_eq!(
            h.to_header_map().unwrap_err().problem,
            HeaderProblem::NotAscii
        );
        let mut h = full();
        h.authorization = Some("has space".into());
        assert!(matches!(
            h.to_header_map().unwrap_err().problem,
            HeaderProblem::Format(_)
        ));
    }

    #[test]
    fn channel_id_rules() {
        assert!(ChannelId::new("95221").is_ok());
        assert!(ChannelId::new("H2H").is_ok());
        assert!(ChannelId::new("").unwrap_err().is_missing());
        assert!(ChannelId::new("ab cd").is_err());
        assert!(ChannelId::new("ÀBC").is_err());
        const C: ChannelId = ChannelId::new_const("VA004");
        assert_eq!(C.to_string(), "VA004");
    }

    #[test]
    fn external_ids_are_32_digits_and_unique() {
        let a = ExternalIdGenerator::new();
        let b = ExternalIdGenerator::default();
        let mut seen = HashSet::with_capacity(200_000);
        for _ in 0..100_000 {
            for g in [&a, &b] {
                let id = g.next_id();
                assert_eq!(id.len(), 32, "{id}");
                assert!(id.bytes().all(|c| c.is_ascii_digit()), "{id}");
                assert!(seen.insert(id));
            }
        }
    }

    #[test]
    fn external_ids_are_unique_across_threads() {
        let handles: Vec<_> = (0..4)
            .map(|_| {
                std::thread::spawn(|| {
                    let g = ExternalIdGenerator::new();
                    (0..20_000).map(|_| g.next_id()).collect::<Vec<_>>()
                })
            })
            .collect();
        let mut seen = HashSet::new();
        for h in handles {
            for id in h.join().unwrap() {
                assert!(seen.insert(id));
            }
        }
        assert_eq!(seen.len(), 80_000);
    }

    #[test]
    fn external_id_layout() {
        // 2024-02-29T16:59:59.5Z is 23:59:59.5 WIB; +0.5 s is the next WIB day.
        let t = 1_709_225_999u64 * 1_000_000_000 + 500_000_000;
        assert_eq!(
            format_id(t, 1_234_567_089),
            "20240229863995000000001234567089"
        );
        assert_eq!(
            format_id(t + 500_000_000, 42),
            "20240301000000000000000000000042"
        );
        // Ids are ordered by instant within a day and across the midnight.
        assert!(format_id(t, 7) < format_id(t + 1, 7));
        assert!(format_id(t, 7) < format_id(t + 500_000_000, 7));
        let id = ExternalIdGenerator::new().next_id();
        let today = SnapTimestamp::now().day_key().to_string();
        // The date prefix is today's Jakarta date (or, at midnight, the day before).
        assert!(
            id.starts_with(&today) || id[..8] < *today,
            "{id} vs {today}"
        );
    }
}
