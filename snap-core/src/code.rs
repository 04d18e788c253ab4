//! SNAP response codes: `HTTP status (3) + service code (2) + case (2)`.
//!
//! [`ResponseCode::parse`] takes exactly seven ASCII digits. Anything else is
//! a [`ResponseCodeError`] that says what is wrong; provider documents
//! contain 8-digit typos (`20057000`, `20054000`), which get a specific hint.
//! No input panics.
//!
//! The 63 general cases of the BI table are [`GeneralCase`] (message,
//! description and [`Category`] verbatim from the table, typos included);
//! services 01-81 have their names ([`ServiceCode::name`]).
//!
//! ```
//! use snap_core::code::{Category, GeneralCase, ResponseCode, ServiceCode};
//!
//! let code = ResponseCode::parse("4017300")?;
//! assert_eq!(code.http_status(), 401);
//! assert_eq!(code.service().name(), Some("Access Token B2B"));
//! assert_eq!(code.general_case(), Some(GeneralCase::Unauthorized));
//! assert_eq!(code.category(), Some(Category::System));
//! assert!(code.check_http(401).is_ok());
//! assert!(code.check_http(200).is_err());
//!
//! let err = ResponseCode::parse("20057000").unwrap_err();
//! assert!(err.to_string().contains("typos like 20057000"));
//!
//! const VOID: ServiceCode = ServiceCode::new_const(67);
//! let missing = GeneralCase::InvalidMandatoryField.error_body(VOID, Some("partnerVoidNo"));
//! assert_eq!(missing.response_code, "4006702");
//! assert_eq!(missing.response_message, "Invalid Mandatory Field {partnerVoidNo}");
//! # Ok::<(), snap_core::code::ResponseCodeError>(())
//! ```
//!
//! Placeholders in messages ([`GeneralCase::message_for`]): the BI table
//! writes `{field name}`, `[reason]`, `[Reason]` and `[info]`. A field name
//! replaces `{field name}` *inside the braces* (`Invalid Field Format
//! {amount.value}`, the form of the portal's own examples such as `Invalid
//! Mandatory Field {X-TIMESTAMP}`); a reason or info replaces the bracketed
//! word without brackets (`Unauthorized. Invalid signature`, GoPay's form).
//! With no detail the placeholder and the space before it are dropped
//! (`Unauthorized.`, Paydia's form).

use std::fmt;
use std::str::FromStr;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

mod general_table;

pub use general_table::GeneralCase;
use general_table::TABLE;

/// Names of services 01-81 (SNAP-FACTS.md section 2), index = code - 1.
const SERVICE_NAMES: [&str; 81] = [
    "Card Registration",
    "Card Registration – Set Limit",
    "Card Registration Inquiry",
    "Verify OTP (Direct Integration)",
    "Card Registration Unbinding",
    "Account Creation",
    "Account Binding",
    "Account Binding Inquiry",
    "Account Unbinding",
    "Get OAuth URL",
    "Balance Inquiry",
    "Transaction History List",
    "Transaction History Detail",
    "Bank Statement",
    "Internal Account Inquiry",
    "External Account Inquiry",
    "Intrabank Transfer",
    "Interbank Transfer",
    "Request for Payment",
    "Interbank Bulk Transfer",
    "Interbank Bulk Transfer – Notification",
    "Transfer RTGS",
    "Transfer SKNBI",
    "Virtual Account – Inquiry",
    "Virtual Account – Payment",
    "Virtual Account – Inquiry Status",
    "Virtual Account – Create VA",
    "Virtual Account – Update VA",
    "Virtual Account – Update Status VA",
    "Virtual Account – Inquiry VA",
    "Virtual Account – Delete VA",
    "VA – Inquiry Payment to VA from Intra Bank",
    "VA – Payment to VA from Intra Bank",
    "VA – Notification for Payment to VA from Intra Bank",
    "VA – Get Report",
    "Transaction Status Inquiry (Bank)",
    "Account Inquiry – Customer Top Up",
    "Customer Top Up",
    "Customer Top Up Inquiry Status",
    "Submit Bulk Cash In",
    "Notify Bulk Cash In",
    "Transfer To Bank – Account Inquiry",
    "Transfer To Bank – Payment",
    "Transfer to OTC – Create Payment",
    "Transfer to OTC – Transfer Status",
    "Transfer to OTC – Cancel Payment",
    "Generate QR MPM",
    "Decode QR MPM",
    "Payment Redirect – Apply OTT",
    "QR MPM Payment – Host to Host",
    "QR MPM Query Payment",
    "QR MPM Payment Notification",
    "Transaction Status Inquiry (Non-Bank)",
    "Direct Debit Payment",
    "Direct Debit Payment Status",
    "Direct Debit Payment Notification",
    "Direct Debit Payment Cancel",
    "Direct Debit Payment Refund",
    "Generate QR CPM",
    "CPM Payment",
    "CPM Query Payment",
    "CPM Cancel Payment",
    "Auth Payment",
    "Auth Payment Query",
    "Auth Capture",
    "Auth Capture Query",
    "Auth Void",
    "Auth Void Query",
    "Auth Refund",
    "Direct Debit BI-FAST – Registrasi e-Mandate",
    "Direct Debit BI-FAST – Trigger Direct Debit Transfer (Payment)",
    "Direct Debit BI-FAST – Notify",
    "Access Token B2B",
    "Access Token B2B2C",
    "SKNBI – Notification",
    "RTGS – Notification",
    "QR MPM Cancel Payment",
    "QR MPM Refund Payment",
    "CPM Payment Notification",
    "CPM Refund Payment",
    "OTP",
];

/// A SNAP service code, 01-99 (the middle two digits of a response code).
/// Codes 01-81 are published ([`ServiceCode::name`]); 82-99 are accepted as
/// unknown.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ServiceCode(u8);

/// A service code outside 01-99.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("service code {0} is not 01-99")]
#[non_exhaustive]
pub struct ServiceCodeError(pub u16);

impl ServiceCode {
    /// A service code from a literal; panics on 0 or above 99, which in a
    /// `const` is a compile error:
    ///
    /// ```compile_fail
    /// const BAD: snap_core::code::ServiceCode = snap_core::code::ServiceCode::new_const(100);
    /// ```
    pub const fn new_const(code: u8) -> ServiceCode {
        if code == 0 || code > 99 {
            panic!("a SNAP service code is 1..=99");
        }
        ServiceCode(code)
    }

    /// A service code; [`ServiceCodeError`] on 0 or above 99.
    pub const fn new(code: u8) -> Result<ServiceCode, ServiceCodeError> {
        if code == 0 || code > 99 {
            Err(ServiceCodeError(code as u16))
        } else {
            Ok(ServiceCode(code))
        }
    }

    /// The number.
    pub const fn get(self) -> u8 {
        self.0
    }

    /// The published name of services 01-81 (`67` is `"Auth Void"`).
    pub fn name(self) -> Option<&'static str> {
        SERVICE_NAMES
            .get(usize::from(self.0).wrapping_sub(1))
            .copied()
    }
}

impl fmt::Debug for ServiceCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ServiceCode({:02})", self.0)
    }
}

/// Two digits: `07`.
impl fmt::Display for ServiceCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}", self.0)
    }
}

/// As the two-digit string of a status query's `serviceCode` field (`"54"`).
impl Serialize for ServiceCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// From the two-digit string (`"54"`) or a JSON number (`54`).
impl<'de> Deserialize<'de> for ServiceCode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = ServiceCode;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a two-digit SNAP service code")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<ServiceCode, E> {
                let b = v.as_bytes();
                if b.len() != 2 || !b.iter().all(u8::is_ascii_digit) {
                    return Err(E::custom(format_args!(
                        "service code {v:?} is not two ASCII digits"
                    )));
                }
                ServiceCode::new((b[0] - b'0') * 10 + (b[1] - b'0')).map_err(E::custom)
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<ServiceCode, E> {
                u8::try_from(v)
                    .ok()
                    .and_then(|c| ServiceCode::new(c).ok())
                    .ok_or_else(|| {
                        E::custom(ServiceCodeError(u16::try_from(v).unwrap_or(u16::MAX)))
                    })
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<ServiceCode, E> {
                match u64::try_from(v) {
                    Ok(u) => self.visit_u64(u),
                    Err(_) => Err(E::custom(ServiceCodeError(0))),
                }
            }
        }
        deserializer.deserialize_any(V)
    }
}

/// The category column of the BI table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Category {
    /// 2xx.
    Success,
    /// Technical failures (authentication, routing, server).
    System,
    /// Malformed messages (field format, mandatory field).
    Message,
    /// Business refusals (limits, funds, state).
    Business,
}

impl Category {
    /// `"Success"`, `"System"`, `"Message"` or `"Business"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Category::Success => "Success",
            Category::System => "System",
            Category::Message => "Message",
            Category::Business => "Business",
        }
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl GeneralCase {
    fn row(self) -> &'static (GeneralCase, u16, u8, &'static str, &'static str, Category) {
        // The table is in declaration order (checked by a test).
        &TABLE[self as usize]
    }

    /// All 63 cases, in table order.
    pub fn all() -> impl ExactSizeIterator<Item = GeneralCase> {
        TABLE.iter().map(|r| r.0)
    }

    /// The case for an HTTP status and case code, whatever the service.
    pub fn from_parts(http: u16, case: u8) -> Option<GeneralCase> {
        TABLE
            .iter()
            .find(|r| r.1 == http && r.2 == case)
            .map(|r| r.0)
    }

    /// HTTP status (first three digits).
    pub fn http_status(self) -> u16 {
        self.row().1
    }

    /// Case code (last two digits).
    pub fn case(self) -> u8 {
        self.row().2
    }

    /// The message column, verbatim (placeholders such as `{field name}`
    /// included).
    pub fn message(self) -> &'static str {
        self.row().3
    }

    /// The description column, verbatim.
    pub fn description(self) -> &'static str {
        self.row().4
    }

    /// The category column.
    pub fn category(self) -> Category {
        self.row().5
    }

    /// This case's code for `service` (`InvalidFieldFormat` for 67 is
    /// `4006701`).
    pub fn code(self, service: ServiceCode) -> ResponseCode {
        ResponseCode {
            http: self.http_status(),
            service,
            case: self.case(),
        }
    }

    /// The message with its placeholder filled (see the module docs):
    /// `Invalid Field Format {amount.value}`, `Unauthorized. Invalid
    /// signature`, `Unauthorized.`. A message without a placeholder is
    /// returned as it is, whatever `detail` says.
    pub fn message_for(self, detail: Option<&str>) -> String {
        let msg = self.message();
        for (ph, braces) in [
            ("{field name}", true),
            ("[reason]", false),
            ("[Reason]", false),
            ("[info]", false),
        ] {
            let Some(at) = msg.find(ph) else { continue };
            let (before, after) = (&msg[..at], &msg[at + ph.len()..]);
            return match detail {
                Some(d) if braces => format!("{before}{{{d}}}{after}"),
                Some(d) if before.is_empty() || before.ends_with(' ') => {
                    format!("{before}{d}{after}")
                }
                Some(d) => format!("{before} {d}{after}"),
                None => format!("{}{after}", before.strip_suffix(' ').unwrap_or(before)),
            };
        }
        msg.to_owned()
    }

    /// The SNAP error body for this case and service, message filled with
    /// `detail` ([`GeneralCase::message_for`]).
    pub fn error_body(self, service: ServiceCode, detail: Option<&str>) -> ErrorBody {
        ErrorBody {
            response_code: self.code(service).to_string(),
            response_message: self.message_for(detail),
        }
    }
}

/// A parsed SNAP response code.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ResponseCode {
    http: u16,
    service: ServiceCode,
    case: u8,
}

/// Why a response code was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ResponseCodeError {
    /// The code is empty.
    #[error("response code is empty; expected 7 digits: HTTP(3)+service(2)+case(2)")]
    Empty,
    /// A character that is not an ASCII digit.
    #[error("response code has {found:?} at position {position}; only ASCII digits are allowed")]
    NonDigit {
        /// Character position (0-based).
        position: usize,
        /// The character.
        found: char,
    },
    /// Not seven digits.
    #[error("response code has {len} digits: {hint}")]
    WrongLength {
        /// How many digits.
        len: usize,
        /// What to make of it.
        hint: &'static str,
    },
    /// The first three digits are not an HTTP status (100-599).
    #[error("response code starts with {status}, which is not an HTTP status (100-599)")]
    BadHttpStatus {
        /// The first three digits.
        status: u16,
    },
    /// The service digits are `00`.
    #[error("response code has service code 00; SNAP service codes are 01-99")]
    ServiceZero,
    /// A case code above 99 given to [`ResponseCode::new`].
    #[error("case code {case} is not 00-99")]
    BadCase {
        /// The case code.
        case: u8,
    },
}

/// A response code that disagrees with its context.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CodeMismatch {
    /// The first three digits are not the HTTP status of the response.
    #[error("response code {code} says HTTP {code_http} but the response status is {status}")]
    Http {
        /// The code.
        code: ResponseCode,
        /// Its first three digits.
        code_http: u16,
        /// The HTTP status received.
        status: u16,
    },
    /// The service digits are not the endpoint's service.
    #[error("response code {code} carries service {found} but the endpoint is service {expected}")]
    Service {
        /// The code.
        code: ResponseCode,
        /// Its service digits.
        found: ServiceCode,
        /// The endpoint's service.
        expected: ServiceCode,
    },
}

const HINT_8: &str =
    "provider documents contain typos like 20057000; expected HTTP(3)+service(2)+case(2)";
const HINT_OTHER: &str = "expected exactly 7, HTTP(3)+service(2)+case(2)";

impl ResponseCode {
    /// Parses exactly seven ASCII digits.
    pub fn parse(text: &str) -> Result<ResponseCode, ResponseCodeError> {
        if text.is_empty() {
            return Err(ResponseCodeError::Empty);
        }
        if let Some((position, found)) = text.chars().enumerate().find(|(_, c)| !c.is_ascii_digit())
        {
            return Err(ResponseCodeError::NonDigit { position, found });
        }
        let d = text.as_bytes();
        if d.len() != 7 {
            return Err(ResponseCodeError::WrongLength {
                len: d.len(),
                hint: if d.len() == 8 { HINT_8 } else { HINT_OTHER },
            });
        }
        let n = |i: usize| u16::from(d[i] - b'0');
        let http = n(0) * 100 + n(1) * 10 + n(2);
        let service = (d[3] - b'0') * 10 + (d[4] - b'0');
        let case = (d[5] - b'0') * 10 + (d[6] - b'0');
        ResponseCode::build(http, service, case)
    }

    /// A code from its parts (`new(401, ServiceCode::new_const(73), 0)` is
    /// `4017300`).
    pub fn new(
        http: u16,
        service: ServiceCode,
        case: u8,
    ) -> Result<ResponseCode, ResponseCodeError> {
        ResponseCode::build(http, service.get(), case)
    }

    fn build(http: u16, service: u8, case: u8) -> Result<ResponseCode, ResponseCodeError> {
        if !(100..=599).contains(&http) {
            return Err(ResponseCodeError::BadHttpStatus { status: http });
        }
        if case > 99 {
            return Err(ResponseCodeError::BadCase { case });
        }
        let service = ServiceCode::new(service).map_err(|_| ResponseCodeError::ServiceZero)?;
        Ok(ResponseCode {
            http,
            service,
            case,
        })
    }

    /// The first three digits.
    pub fn http_status(&self) -> u16 {
        self.http
    }

    /// The middle two digits.
    pub fn service(&self) -> ServiceCode {
        self.service
    }

    /// The last two digits.
    pub fn case(&self) -> u8 {
        self.case
    }

    /// True for a 2xx code.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.http)
    }

    /// The general case with this HTTP status and case code, if the BI
    /// table has one (providers also define their own).
    pub fn general_case(&self) -> Option<GeneralCase> {
        GeneralCase::from_parts(self.http, self.case)
    }

    /// The general case's verbatim message.
    pub fn message(&self) -> Option<&'static str> {
        self.general_case().map(GeneralCase::message)
    }

    /// The general case's description.
    pub fn description(&self) -> Option<&'static str> {
        self.general_case().map(GeneralCase::description)
    }

    /// The general case's category.
    pub fn category(&self) -> Option<Category> {
        self.general_case().map(GeneralCase::category)
    }

    /// Checks the first three digits against the response's HTTP status.
    pub fn check_http(&self, status: u16) -> Result<(), CodeMismatch> {
        if self.http == status {
            Ok(())
        } else {
            Err(CodeMismatch::Http {
                code: *self,
                code_http: self.http,
                status,
            })
        }
    }

    /// Checks the service digits against the endpoint's service.
    pub fn check_service(&self, expected: ServiceCode) -> Result<(), CodeMismatch> {
        if self.service == expected {
            Ok(())
        } else {
            Err(CodeMismatch::Service {
                code: *self,
                found: self.service,
                expected,
            })
        }
    }

    /// An error body with this code and `message`.
    pub fn error_body(&self, message: impl Into<String>) -> ErrorBody {
        ErrorBody {
            response_code: self.to_string(),
            response_message: message.into(),
        }
    }
}

impl fmt::Debug for ResponseCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ResponseCode({self})")
    }
}

/// The seven digits.
impl fmt::Display for ResponseCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:03}{}{:02}", self.http, self.service, self.case)
    }
}

impl FromStr for ResponseCode {
    type Err = ResponseCodeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ResponseCode::parse(s)
    }
}

/// As the seven-digit string.
impl Serialize for ResponseCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// From the seven-digit string, or from a JSON number (BI's VA samples send
/// `"responseCode":2003000`); the number's decimal digits must then be the
/// seven digits.
impl<'de> Deserialize<'de> for ResponseCode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = string_or_number(deserializer)?;
        ResponseCode::parse(&text).map_err(de::Error::custom)
    }
}

/// A serde helper that reads a string, or an integer JSON number as its
/// decimal text: `#[serde(deserialize_with = "snap_core::code::string_or_number")]`
/// on a `String` `responseCode` field keeps what was sent and tolerates BI's
/// bare-number samples (`2003000`).
pub fn string_or_number<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    struct V;
    impl Visitor<'_> for V {
        type Value = String;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string or an integer")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
            Ok(v.to_owned())
        }
        fn visit_string<E: de::Error>(self, v: String) -> Result<String, E> {
            Ok(v)
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
            Ok(v.to_string())
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
            Ok(v.to_string())
        }
    }
    deserializer.deserialize_any(V)
}

/// [`string_or_number`] for an `Option<String>` field (absent or `null` is
/// `None`; add `#[serde(default)]`).
pub fn option_string_or_number<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    struct Wrap(#[serde(deserialize_with = "string_or_number")] String);
    Ok(Option::<Wrap>::deserialize(deserializer)?.map(|w| w.0))
}

/// The body of a SNAP error answer, on the wire: `{"responseCode":"4006701",
/// "responseMessage":"Invalid Field Format {amount.value}"}`. The one type
/// for it: what a provider answers (`snap_server::ErrorReply::to_body`,
/// [`Violations::to_error_body`](crate::rules::Violations::to_error_body),
/// [`GeneralCase::error_body`]) and what a client reads. A received error
/// answer, decoded with its HTTP status, is an
/// [`ErrorAnswer`](crate::endpoint::ErrorAnswer).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ErrorBody {
    /// Seven digits (read leniently from a JSON number too).
    #[serde(deserialize_with = "string_or_number")]
    pub response_code: String,
    /// Free text; never branch on it.
    pub response_message: String,
}

impl ErrorBody {
    /// A body with this code and message.
    pub fn new(response_code: impl Into<String>, response_message: impl Into<String>) -> Self {
        ErrorBody {
            response_code: response_code.into(),
            response_message: response_message.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_seven_digits() {
        let c = ResponseCode::parse("2005700").unwrap();
        assert_eq!((c.http_status(), c.service().get(), c.case()), (200, 57, 0));
        assert_eq!(c.to_string(), "2005700");
        assert!(c.is_success());
        assert_eq!(c.general_case(), Some(GeneralCase::Successful));
        assert_eq!(c.service().name(), Some("Direct Debit Payment Cancel"));
        let c: ResponseCode = "4046718".parse().unwrap();
        assert_eq!(c.general_case(), Some(GeneralCase::InconsistentRequest));
        assert_eq!(c.category(), Some(Category::Business));
        assert!(!c.is_success());
        let c = ResponseCode::parse("4039999").unwrap();
        assert_eq!(c.general_case(), None, "provider-defined case");
        assert_eq!(c.service().name(), None);
        assert_eq!(c.message(), None);
    }

    #[test]
    fn eight_digits_get_the_typo_hint() {
        for s in ["20057000", "20054000"] {
            let e = ResponseCode::parse(s).unwrap_err();
            assert_eq!(
                e,
                ResponseCodeError::WrongLength {
                    len: 8,
                    hint: HINT_8
                }
            );
            assert!(e.to_string().contains("typos like 20057000"), "{e}");
        }
    }

    #[test]
    fn malformed_codes() {
        use ResponseCodeError as E;
        assert_eq!(ResponseCode::parse(""), Err(E::Empty));
        assert_eq!(
            ResponseCode::parse("200570"),
            Err(E::WrongLength {
                len: 6,
                hint: HINT_OTHER
            })
        );
        assert_eq!(
            ResponseCode::parse("400670100"),
            Err(E::WrongLength {
                len: 9,
                hint: HINT_OTHER
            })
        );
        assert_eq!(
            ResponseCode::parse("40067O1"),
            Err(E::NonDigit {
                position: 5,
                found: 'O'
            })
        );
        assert_eq!(
            ResponseCode::parse(" 4006701"),
            Err(E::NonDigit {
                position: 0,
                found: ' '
            })
        );
        assert_eq!(
            ResponseCode::parse("-400670"),
            Err(E::NonDigit {
                position: 0,
                found: '-'
            })
        );
        assert_eq!(
            ResponseCode::parse("４００６７０１"),
            Err(E::NonDigit {
                position: 0,
                found: '４'
            })
        );
        assert_eq!(
            ResponseCode::parse("SUCCESS"),
            Err(E::NonDigit {
                position: 0,
                found: 'S'
            })
        );
        assert_eq!(
            ResponseCode::parse("0996700"),
            Err(E::BadHttpStatus { status: 99 })
        );
        assert_eq!(
            ResponseCode::parse("6006700"),
            Err(E::BadHttpStatus { status: 600 })
        );
        assert_eq!(ResponseCode::parse("4000001"), Err(E::ServiceZero));
        // no panic on odd input
        for s in ["😀", "4006701😀", "\u{0}", "9999999", "1000100", "é6700"] {
            let _ = ResponseCode::parse(s);
        }
    }

    #[test]
    fn http_and_service_mismatch_are_detectable() {
        let c = ResponseCode::parse("4036515").unwrap();
        assert!(c.check_http(403).is_ok());
        let e = c.check_http(200).unwrap_err();
        assert!(
            e.to_string()
                .contains("says HTTP 403 but the response status is 200"),
            "{e}"
        );
        let void = ServiceCode::new_const(67);
        assert!(matches!(
            c.check_service(void),
            Err(CodeMismatch::Service { found, expected, .. }) if found.get() == 65 && expected == void
        ));
        assert!(c.check_service(ServiceCode::new_const(65)).is_ok());
    }

    #[test]
    fn service_codes() {
        assert_eq!(ServiceCode::new(0), Err(ServiceCodeError(0)));
        assert_eq!(ServiceCode::new(100), Err(ServiceCodeError(100)));
        assert_eq!(ServiceCode::new(99).map(ServiceCode::get), Ok(99));
        assert_eq!(ServiceCode::new_const(1).name(), Some("Card Registration"));
        assert_eq!(ServiceCode::new_const(7).name(), Some("Account Binding"));
        assert_eq!(ServiceCode::new_const(67).name(), Some("Auth Void"));
        assert_eq!(ServiceCode::new_const(73).name(), Some("Access Token B2B"));
        assert_eq!(ServiceCode::new_const(81).name(), Some("OTP"));
        assert_eq!(ServiceCode::new_const(82).name(), None);
        assert_eq!(ServiceCode::new_const(99).name(), None);
        assert_eq!(
            (1..=81)
                .filter_map(|c| ServiceCode::new_const(c).name())
                .count(),
            81
        );
        assert_eq!(ServiceCode::new_const(7).to_string(), "07");
        assert_eq!(
            serde_json::to_string(&ServiceCode::new_const(4)).unwrap(),
            "\"04\""
        );
        assert_eq!(
            serde_json::from_str::<ServiceCode>("\"54\"").unwrap().get(),
            54
        );
        assert_eq!(serde_json::from_str::<ServiceCode>("44").unwrap().get(), 44);
        for bad in ["\"5\"", "\"540\"", "\"00\"", "0", "100", "-1", "\"ab\""] {
            assert!(serde_json::from_str::<ServiceCode>(bad).is_err(), "{bad}");
        }
    }

    /// The committed table equals the CSV copy, row by row.
    #[test]
    fn general_cases_match_the_csv() {
        let csv = include_str!("../data/response_codes.csv");
        let rows = parse_csv(csv);
        assert_eq!(
            rows[0],
            ["http", "case", "message", "description", "category"]
        );
        let rows = &rows[1..];
        assert_eq!(rows.len(), 63);
        assert_eq!(GeneralCase::all().len(), 63);
        for (i, (row, case)) in rows.iter().zip(GeneralCase::all()).enumerate() {
            assert_eq!(case as usize, i, "declaration order");
            assert_eq!(case.http_status().to_string(), row[0], "{case:?}");
            assert_eq!(format!("{:02}", case.case()), row[1], "{case:?}");
            assert_eq!(case.message(), row[2], "{case:?}");
            assert_eq!(case.description(), row[3], "{case:?}");
            assert_eq!(case.category().as_str(), row[4], "{case:?}");
            assert_eq!(
                GeneralCase::from_parts(case.http_status(), case.case()),
                Some(case)
            );
        }
        assert_eq!(
            GeneralCase::RequestedOperationIsNotAllowed.message(),
            "Requested Opearation Is Not Allowed"
        );
        assert_eq!(
            GeneralCase::OtpSentToCardholder.message(),
            "OTP Sent To Cardholer"
        );
    }

    /// Minimal RFC 4180 reader (quoted fields with commas; no embedded
    /// quotes or newlines occur in the file).
    fn parse_csv(text: &str) -> Vec<Vec<String>> {
        text.lines()
            .filter(|l| !l.is_empty())
            .map(|line| {
                let mut fields = vec![String::new()];
                let mut quoted = false;
                for c in line.chars() {
                    match c {
                        '"' => quoted = !quoted,
                        ',' if !quoted => fields.push(String::new()),
                        c => fields.last_mut().unwrap().push(c),
                    }
                }
                fields
            })
            .collect()
    }

    #[test]
    fn messages_with_placeholders() {
        use GeneralCase as G;
        assert_eq!(
            G::InvalidFieldFormat.message_for(Some("amount.value")),
            "Invalid Field Format {amount.value}"
        );
        assert_eq!(
            G::InvalidMandatoryField.message_for(Some("X-TIMESTAMP")),
            "Invalid Mandatory Field {X-TIMESTAMP}"
        );
        assert_eq!(
            G::InvalidFieldFormat.message_for(None),
            "Invalid Field Format"
        );
        assert_eq!(
            G::Unauthorized.message_for(Some("Invalid signature")),
            "Unauthorized. Invalid signature"
        );
        assert_eq!(G::Unauthorized.message_for(None), "Unauthorized.");
        assert_eq!(
            G::TransactionNotPermitted.message_for(None),
            "Transaction Not Permitted."
        );
        assert_eq!(
            G::TransactionNotPermitted.message_for(Some("limit")),
            "Transaction Not Permitted. limit"
        );
        assert_eq!(
            G::FeatureNotAllowed.message_for(Some("x")),
            "Feature Not Allowed x"
        );
        assert_eq!(
            G::InvalidCardAccountCustomerVirtualAccount.message_for(None),
            "Invalid Card/Account/Customer/Virtual Account"
        );
        assert_eq!(G::Conflict.message_for(Some("ignored")), "Conflict");
        let body =
            G::Unauthorized.error_body(ServiceCode::new_const(73), Some("Invalid Signature"));
        assert_eq!(
            serde_json::to_string(&body).unwrap(),
            r#"{"responseCode":"4017300","responseMessage":"Unauthorized. Invalid Signature"}"#
        );
    }

    #[test]
    fn serde_of_codes() {
        let c: ResponseCode = serde_json::from_str("\"4006701\"").unwrap();
        assert_eq!(serde_json::to_string(&c).unwrap(), "\"4006701\"");
        let n: ResponseCode = serde_json::from_str("2003000").unwrap();
        assert_eq!(n.to_string(), "2003000");
        let e = serde_json::from_str::<ResponseCode>("\"20057000\"")
            .unwrap_err()
            .to_string();
        assert!(e.contains("8 digits"), "{e}");
        assert!(serde_json::from_str::<ResponseCode>("2003000.5").is_err());
        let b: ErrorBody =
            serde_json::from_str(r#"{"responseCode":2003400,"responseMessage":"Successful"}"#)
                .unwrap();
        assert_eq!(b.response_code, "2003400");
        #[derive(Deserialize)]
        struct Opt {
            #[serde(default, deserialize_with = "option_string_or_number")]
            code: Option<String>,
        }
        assert_eq!(serde_json::from_str::<Opt>("{}").unwrap().code, None);
        assert_eq!(
            serde_json::from_str::<Opt>(r#"{"code":null}"#)
                .unwrap()
                .code,
            None
        );
        assert_eq!(
            serde_json::from_str::<Opt>(r#"{"code":2007300}"#)
                .unwrap()
                .code
                .as_deref(),
            Some("2007300")
        );
        assert_eq!(
            serde_json::from_str::<Opt>(r#"{"code":"2007300"}"#)
                .unwrap()
                .code
                .as_deref(),
            Some("2007300")
        );
    }

    #[test]
    fn new_from_parts() {
        let c = ResponseCode::new(401, ServiceCode::new_const(73), 0).unwrap();
        assert_eq!(c.to_string(), "4017300");
        assert_eq!(
            ResponseCode::new(401, ServiceCode::new_const(73), 100),
            Err(ResponseCodeError::BadCase { case: 100 })
        );
        assert_eq!(
            ResponseCode::new(99, ServiceCode::new_const(73), 0),
            Err(ResponseCodeError::BadHttpStatus { status: 99 })
        );
        assert_eq!(
            GeneralCase::InvalidFieldFormat
                .code(ServiceCode::new_const(67))
                .to_string(),
            "4006701"
        );
        assert_eq!(
            GeneralCase::Timeout
                .code(ServiceCode::new_const(5))
                .to_string(),
            "5040500"
        );
    }
}
