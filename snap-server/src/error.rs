//! The answers the provider side gives when a check fails, and the reply type
//! handlers return.

use std::fmt;

use snap_core::code::{ErrorBody, GeneralCase, ServiceCode};

/// The BI table's message for `(http, case)` with its placeholder filled by
/// `detail`; a detail for a message without a placeholder is appended after
/// `". "` (`Bad Request. body is not valid JSON`).
fn table_message(http: u16, case: u8, detail: Option<&str>) -> String {
    match GeneralCase::from_parts(http, case) {
        Some(g) => {
            let msg = g.message_for(detail);
            match detail {
                Some(d) if msg == g.message() => format!("{msg}. {d}"),
                _ => msg,
            }
        }
        None => detail.unwrap_or("").to_owned(),
    }
}

/// The error a provider answers a request with: HTTP status, SNAP case code
/// and message. The service code is the endpoint's and is added when the
/// answer is rendered ([`ErrorReply::response_code`]) into the wire body,
/// snap-core's [`ErrorBody`] ([`ErrorReply::to_body`], [`Reply::error`]).
///
/// `log` is a reason for the provider's own log, never sent (it may name
/// the check that failed in more detail than the message does).
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ErrorReply {
    /// HTTP status (`400`, `401`, `404`, `409`, `500`, ...).
    pub http: u16,
    /// Case code (`00`-`99`).
    pub case: u8,
    /// `responseMessage`.
    pub message: String,
    /// Detail for the provider's log (not sent).
    pub log: Option<String>,
}

impl fmt::Debug for ErrorReply {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}xx{:02} {}", self.http, self.case, self.message)?;
        if let Some(log) = &self.log {
            write!(f, " ({log})")?;
        }
        Ok(())
    }
}

impl fmt::Display for ErrorReply {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

impl std::error::Error for ErrorReply {}

impl ErrorReply {
    /// Any status and case.
    pub fn new(http: u16, case: u8, message: impl Into<String>) -> Self {
        ErrorReply {
            http,
            case,
            message: message.into(),
            log: None,
        }
    }

    /// Adds a detail for the log.
    pub fn with_log(mut self, log: impl Into<String>) -> Self {
        self.log = Some(log.into());
        self
    }

    /// `400{SS}00 Bad Request` (message parsing failed, body too large, ...).
    pub fn bad_request(reason: &str) -> Self {
        ErrorReply::new(400, 0, table_message(400, 0, Some(reason)))
    }

    /// `400{SS}01 Invalid Field Format {field}`.
    pub fn invalid_field(field: &str) -> Self {
        ErrorReply::new(400, 1, table_message(400, 1, Some(field)))
    }

    /// `400{SS}02 Invalid Mandatory Field {field}`.
    pub fn missing_field(field: &str) -> Self {
        ErrorReply::new(400, 2, table_message(400, 2, Some(field)))
    }

    /// `401{SS}00 Unauthorized. [reason]`.
    pub fn unauthorized(reason: &str) -> Self {
        ErrorReply::new(401, 0, table_message(401, 0, Some(reason)))
    }

    /// `401{SS}01 Invalid Token (B2B)`: unknown or expired B2B token.
    pub fn invalid_b2b_token() -> Self {
        ErrorReply::new(401, 1, table_message(401, 1, None))
    }

    /// `401{SS}02 Invalid Customer Token`: unknown or expired customer token.
    pub fn invalid_customer_token() -> Self {
        ErrorReply::new(401, 2, table_message(401, 2, None))
    }

    /// `401{SS}03 Token Not Found (B2B)`: no B2B token in the request.
    pub fn b2b_token_not_found() -> Self {
        ErrorReply::new(401, 3, table_message(401, 3, None))
    }

    /// `401{SS}04 Customer Token Not Found`: no customer token in the request.
    pub fn customer_token_not_found() -> Self {
        ErrorReply::new(401, 4, table_message(401, 4, None))
    }

    /// `404{SS}00 Invalid Transaction Status`.
    pub fn invalid_status() -> Self {
        ErrorReply::new(404, 0, table_message(404, 0, None))
    }

    /// `404{SS}01 Transaction Not Found`.
    pub fn not_found() -> Self {
        ErrorReply::new(404, 1, table_message(404, 1, None))
    }

    /// `404{SS}13 Invalid Amount`.
    pub fn invalid_amount() -> Self {
        ErrorReply::new(404, 13, table_message(404, 13, None))
    }

    /// `405{SS}00 Requested Function Is Not Supported`.
    pub fn not_supported() -> Self {
        ErrorReply::new(405, 0, table_message(405, 0, None))
    }

    /// `409{SS}00 Conflict`: the X-EXTERNAL-ID was used today with another request.
    pub fn conflict() -> Self {
        ErrorReply::new(409, 0, table_message(409, 0, None))
    }

    /// `409{SS}01 Duplicate partnerReferenceNo`.
    pub fn duplicate_reference() -> Self {
        ErrorReply::new(409, 1, table_message(409, 1, None))
    }

    /// `429{SS}00 Too Many Requests`: a partner over its rate limit.
    pub fn too_many_requests() -> Self {
        ErrorReply::new(429, 0, table_message(429, 0, None))
    }

    /// `500{SS}00 General Error`.
    pub fn general_error() -> Self {
        ErrorReply::new(500, 0, table_message(500, 0, None))
    }

    /// `500{SS}01 Internal Server Error`.
    pub fn internal() -> Self {
        ErrorReply::new(500, 1, table_message(500, 1, None))
    }

    /// The 7-digit `responseCode` for `service`; `"{http}00{case}"` when the
    /// endpoint has no service code.
    pub fn response_code(&self, service: Option<ServiceCode>) -> String {
        let sc = service.map(|s| s.get()).unwrap_or(0);
        format!("{:03}{:02}{:02}", self.http, sc, self.case)
    }

    /// The SNAP error answer's body for an endpoint with `service`:
    /// `{"responseCode":"4016701","responseMessage":"..."}`.
    pub fn to_body(&self, service: Option<ServiceCode>) -> ErrorBody {
        ErrorBody::new(self.response_code(service), self.message.clone())
    }
}

/// What a handler answers: HTTP status and a JSON body (serialized once).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// HTTP status.
    pub status: u16,
    /// The JSON body bytes.
    pub body: Vec<u8>,
}

impl Reply {
    /// `status` with `value` serialized as JSON.
    pub fn json<T: serde::Serialize + ?Sized>(status: u16, value: &T) -> Self {
        match serde_json::to_vec(value) {
            Ok(body) => Reply { status, body },
            Err(e) => {
                let err = ErrorReply::internal().with_log(format!("serializing the answer: {e}"));
                Reply {
                    status: 500,
                    // Two strings always serialize.
                    body: serde_json::to_vec(&err.to_body(None)).unwrap_or_default(),
                }
            }
        }
    }

    /// `200` with `value` as JSON.
    pub fn ok<T: serde::Serialize + ?Sized>(value: &T) -> Self {
        Reply::json(200, value)
    }

    /// `err` as a SNAP error answer on an endpoint with `service`: its HTTP
    /// status and [`ErrorReply::to_body`].
    pub fn error(service: Option<ServiceCode>, err: &ErrorReply) -> Self {
        Reply::json(err.http, &err.to_body(service))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_come_from_the_bi_table() {
        assert_eq!(
            ErrorReply::missing_field("X-PARTNER-ID").message,
            "Invalid Mandatory Field {X-PARTNER-ID}"
        );
        assert_eq!(
            ErrorReply::invalid_field("amount.value").message,
            "Invalid Field Format {amount.value}"
        );
        assert_eq!(
            ErrorReply::unauthorized("Invalid Signature").message,
            "Unauthorized. Invalid Signature"
        );
        assert_eq!(
            ErrorReply::bad_request("body is not valid JSON").message,
            "Bad Request. body is not valid JSON"
        );
        assert_eq!(
            ErrorReply::invalid_b2b_token().message,
            "Invalid Token (B2B)"
        );
        assert_eq!(ErrorReply::conflict().message, "Conflict");
        assert_eq!(ErrorReply::internal().message, "Internal Server Error");
    }

    #[test]
    fn the_body_carries_the_service_code() {
        let e = ErrorReply::invalid_customer_token();
        let body: serde_json::Value =
            serde_json::from_slice(&Reply::error(ServiceCode::new(63).ok(), &e).body).unwrap();
        assert_eq!(body["responseCode"], "4016302");
        assert_eq!(body["responseMessage"], "Invalid Customer Token");
        assert_eq!(e.response_code(None), "4010002");
        let shown = format!("{:?}", ErrorReply::conflict().with_log("X-EXTERNAL-ID 42"));
        assert_eq!(shown, "409xx00 Conflict (X-EXTERNAL-ID 42)");
    }
}
