//! Decoding an answer: HTTP status + body bytes -> typed response or typed
//! error answer, with the result code checked.
//!
//! Policy (SNAP, [`Snap7`]):
//! - the body's `responseCode` is read as a string, or as a bare JSON number
//!   (BI's own VA samples send `2003000`), and must be exactly 7 digits; an
//!   8-digit typo (`"20057000"`) or anything else malformed is
//!   [`DecodeError::MalformedCode`], never a guess;
//! - the HTTP status decides the shape that is decoded (2xx: the endpoint's
//!   response type; anything else: an [`ErrorAnswer`]);
//! - a code whose first three digits are on the other side of success/failure
//!   from the HTTP status (HTTP 200 with `4006701`, HTTP 500 with `2006700`)
//!   is [`DecodeError::Contradiction`]: neither reading is safe for a payment,
//!   so the caller must query the transaction's status;
//! - a smaller disagreement (HTTP 200 with `2026700`, HTTP 400 with
//!   `4046701`), a service code other than the endpoint's, a numeric code,
//!   and a success body that breaks the response's field rules are kept as
//!   [`DecodeWarning`]s on the decoded value: reported, not ignored, and not
//!   fatal for an answer that did happen;
//! - a success answer without `responseCode` (allowed for access tokens, whose
//!   code is "conditional") decodes with [`AnswerCode::Absent`].

use std::fmt;

use serde_json::Value;

use super::{CodeScheme, CodeSchemeInfo, Endpoint, EndpointMeta, Validate};
use crate::code::{ResponseCode, ResponseCodeError, ServiceCode};
use crate::rules::Violation;

/// The result code an answer carried.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AnswerCode {
    /// A SNAP 7-digit code.
    Snap(ResponseCode),
    /// A provider-defined code, as text (`"600"`, `"SUCCESS"`).
    Provider(String),
    /// No code in the body.
    Absent,
}

impl fmt::Display for AnswerCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AnswerCode::Snap(c) => write!(f, "{c}"),
            AnswerCode::Provider(c) => f.write_str(c),
            AnswerCode::Absent => f.write_str("(no code)"),
        }
    }
}

/// What a [`CodeScheme`] read from an answer.
#[derive(Debug, Clone, PartialEq)]
pub struct CodeOutcome {
    /// The code.
    pub code: AnswerCode,
    /// Whether the answer is a success (decoded as the response type).
    pub success: bool,
    /// The human message (`responseMessage`, or the English one).
    pub message: Option<String>,
    /// Disagreements found that do not make the answer unusable.
    pub warnings: Vec<DecodeWarning>,
}

/// Something wrong with an answer that was still decoded.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum DecodeWarning {
    /// The code's HTTP digits differ from the HTTP status, on the same side of
    /// success/failure (e.g. HTTP 400 with `4046701`).
    StatusMismatch {
        /// The status line's code.
        http_status: u16,
        /// The first three digits of the body's code.
        code_status: u16,
    },
    /// The code names another service than the endpoint's.
    ServiceMismatch {
        /// The endpoint's service code.
        expected: ServiceCode,
        /// The code's.
        got: ServiceCode,
    },
    /// The code was a JSON number, not a string.
    NumericCode,
    /// The success body breaks a field rule of the response type.
    InvalidField(Violation),
}

impl fmt::Display for DecodeWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeWarning::StatusMismatch {
                http_status,
                code_status,
            } => write!(
                f,
                "HTTP status {http_status} but the responseCode starts with {code_status}"
            ),
            DecodeWarning::ServiceMismatch { expected, got } => write!(
                f,
                "responseCode names service {got}, the endpoint is service {expected}"
            ),
            DecodeWarning::NumericCode => {
                f.write_str("responseCode was a JSON number, not a string")
            }
            DecodeWarning::InvalidField(v) => write!(f, "response field {v}"),
        }
    }
}

/// Why an answer could not be decoded.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum DecodeError {
    /// The body is not a JSON object.
    #[error("answer body (HTTP {http_status}) is not a JSON object: {reason}")]
    NotJson {
        /// HTTP status.
        http_status: u16,
        /// Parser message.
        reason: String,
    },
    /// The code member is missing where it is required.
    #[error("answer (HTTP {http_status}) has no `{field}`")]
    MissingCode {
        /// HTTP status.
        http_status: u16,
        /// The member that should hold the code.
        field: &'static str,
    },
    /// The code is malformed (e.g. 8 digits: a provider's typo).
    #[error("answer (HTTP {http_status}) carries a malformed `{field}` {raw:?}: {reason}")]
    MalformedCode {
        /// HTTP status.
        http_status: u16,
        /// The member that holds the code.
        field: &'static str,
        /// The code as received.
        raw: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The HTTP status and the code disagree on success vs failure.
    #[error(
        "HTTP status {http_status} contradicts responseCode {code}: one says success, the other failure; query the transaction status before acting"
    )]
    Contradiction {
        /// HTTP status.
        http_status: u16,
        /// The code as received.
        code: String,
        /// The answer's message, if any.
        message: Option<String>,
    },
    /// A success answer that does not fit the response type.
    #[error("success answer (code {code}) does not fit the response type: {reason}")]
    Body {
        /// The code.
        code: String,
        /// serde's message.
        reason: String,
    },
}

/// A non-success answer.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ErrorAnswer {
    /// HTTP status.
    pub http_status: u16,
    /// The code.
    pub code: AnswerCode,
    /// The human message.
    pub message: Option<String>,
    /// The whole body, as received (normalized code).
    pub body: Value,
}

impl ErrorAnswer {
    /// The SNAP code, when there is one.
    pub fn snap_code(&self) -> Option<&ResponseCode> {
        match &self.code {
            AnswerCode::Snap(c) => Some(c),
            _ => None,
        }
    }
}

impl fmt::Display for ErrorAnswer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HTTP {} code {}", self.http_status, self.code)?;
        if let Some(m) = &self.message {
            write!(f, ": {m}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ErrorAnswer {}

/// Success or failure.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer<R> {
    /// The endpoint's response type.
    Success(R),
    /// A non-success answer.
    Failure(ErrorAnswer),
}

/// A decoded answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded<R> {
    /// HTTP status.
    pub http_status: u16,
    /// The code.
    pub code: AnswerCode,
    /// The human message.
    pub message: Option<String>,
    /// Success or failure.
    pub answer: Answer<R>,
    /// Disagreements that did not prevent decoding: check them, log them.
    pub warnings: Vec<DecodeWarning>,
}

impl<R> Decoded<R> {
    /// True for a success answer.
    pub fn is_success(&self) -> bool {
        matches!(self.answer, Answer::Success(_))
    }

    /// The response, or the error answer (warnings dropped).
    #[allow(
        clippy::result_large_err,
        reason = "ErrorAnswer is what callers match on; it holds a serde_json::Value, whose map (an IndexMap with preserve_order) makes it large"
    )]
    pub fn into_result(self) -> Result<R, ErrorAnswer> {
        match self.answer {
            Answer::Success(r) => Ok(r),
            Answer::Failure(e) => Err(e),
        }
    }
}

/// SNAP's code scheme: `responseCode` = HTTP status (3) + service (2) + case (2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Snap7;

const RESPONSE_CODE: &str = "responseCode";
const RESPONSE_MESSAGE: &str = "responseMessage";

fn is_2xx(status: u16) -> bool {
    (200..300).contains(&status)
}

impl CodeScheme for Snap7 {
    const INFO: CodeSchemeInfo = CodeSchemeInfo {
        name: "SNAP 7-digit responseCode",
        field: RESPONSE_CODE,
    };

    fn read(
        meta: &EndpointMeta,
        http_status: u16,
        body: &mut Value,
    ) -> Result<CodeOutcome, DecodeError> {
        let mut warnings = Vec::new();
        let message = body
            .get(RESPONSE_MESSAGE)
            .and_then(Value::as_str)
            .map(str::to_owned);
        let raw = match body.get(RESPONSE_CODE) {
            None | Some(Value::Null) => {
                return Ok(CodeOutcome {
                    code: AnswerCode::Absent,
                    success: is_2xx(http_status),
                    message,
                    warnings,
                });
            }
            Some(Value::String(s)) => s.clone(),
            Some(Value::Number(n)) => {
                warnings.push(DecodeWarning::NumericCode);
                let s = n.to_string();
                if let Some(slot) = body.get_mut(RESPONSE_CODE) {
                    *slot = Value::String(s.clone());
                }
                s
            }
            Some(other) => {
                return Err(DecodeError::MalformedCode {
                    http_status,
                    field: RESPONSE_CODE,
                    raw: other.to_string(),
                    reason: "expected a string of 7 digits".to_owned(),
                });
            }
        };
        snap7_outcome(meta, http_status, raw, message, warnings)
    }
}

/// Judges a SNAP code read from an answer (see the module policy).
fn snap7_outcome(
    meta: &EndpointMeta,
    http_status: u16,
    raw: String,
    message: Option<String>,
    mut warnings: Vec<DecodeWarning>,
) -> Result<CodeOutcome, DecodeError> {
    let code =
        ResponseCode::parse(&raw).map_err(|e: ResponseCodeError| DecodeError::MalformedCode {
            http_status,
            field: RESPONSE_CODE,
            raw: raw.clone(),
            reason: e.to_string(),
        })?;
    let code_status = code.http_status();
    if is_2xx(code_status) != is_2xx(http_status) {
        return Err(DecodeError::Contradiction {
            http_status,
            code: raw,
            message,
        });
    }
    if code_status != http_status {
        warnings.push(DecodeWarning::StatusMismatch {
            http_status,
            code_status,
        });
    }
    if let Some(expected) = meta.service
        && code.service() != expected
    {
        warnings.push(DecodeWarning::ServiceMismatch {
            expected,
            got: code.service(),
        });
    }
    Ok(CodeOutcome {
        code: AnswerCode::Snap(code),
        success: is_2xx(http_status),
        message,
        warnings,
    })
}

/// A cursor over the first members of a JSON object.
struct Head<'b> {
    b: &'b [u8],
    i: usize,
}

impl<'b> Head<'b> {
    fn ws(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.b.get(self.i) {
            self.i += 1;
        }
    }

    fn eat(&mut self, c: u8) -> Option<()> {
        self.ws();
        (self.b.get(self.i) == Some(&c)).then(|| self.i += 1)
    }

    /// A string without escapes (anything else: `None`, the caller falls
    /// back to the full parse).
    fn plain_string(&mut self) -> Option<&'b str> {
        self.eat(b'"')?;
        let start = self.i;
        let len = self.b[start..]
            .iter()
            .position(|&c| c == b'"' || c == b'\\' || c < 0x20)?;
        self.i = start + len;
        self.eat(b'"')?;
        std::str::from_utf8(&self.b[start..start + len]).ok()
    }
}

/// `responseCode` and `responseMessage` when they are the first members of
/// the body (in either order), plain strings: what almost every SNAP answer
/// looks like. `None` for anything else (the caller takes the full path).
fn peek_head(body: &[u8]) -> Option<(&str, Option<&str>)> {
    let mut h = Head { b: body, i: 0 };
    h.eat(b'{')?;
    let (mut code, mut message) = (None, None);
    for n in 0..2 {
        if n > 0 {
            h.ws();
            if h.b.get(h.i) != Some(&b',') {
                break;
            }
            h.i += 1;
        }
        let key = h.plain_string()?;
        h.eat(b':')?;
        let slot = match key {
            RESPONSE_CODE if code.is_none() => &mut code,
            RESPONSE_MESSAGE if message.is_none() => &mut message,
            _ => break,
        };
        *slot = Some(h.plain_string()?);
    }
    // Without the message among the first two members, it may come later:
    // the full path finds it.
    Some((code?, Some(message?)))
}

/// The success path for SNAP answers whose head is plain
/// ([`peek_head`]): the typed response parsed straight from the bytes,
/// without an intermediate `Value`. `None` when it does not apply; the
/// caller then takes the general path (same results, slower).
fn decode_fast<E: Endpoint>(
    http_status: u16,
    body: &[u8],
) -> Option<Result<Decoded<E::Response>, DecodeError>> {
    if E::Codes::INFO != Snap7::INFO || !is_2xx(http_status) {
        return None;
    }
    let (raw, message) = peek_head(body)?;
    let code = ResponseCode::parse(raw).ok()?;
    if !is_2xx(code.http_status()) {
        return None;
    }
    let response: E::Response = serde_json::from_slice(body).ok()?;
    let outcome = snap7_outcome(
        &E::META,
        http_status,
        raw.to_owned(),
        message.map(str::to_owned),
        Vec::new(),
    );
    Some(outcome.map(|outcome| finish_success(http_status, outcome, response)))
}

/// A decoded success: the response's field rules checked (as warnings).
fn finish_success<R: Validate>(http_status: u16, outcome: CodeOutcome, response: R) -> Decoded<R> {
    let CodeOutcome {
        code,
        message,
        mut warnings,
        ..
    } = outcome;
    if let Err(violations) = response.validate() {
        warnings.extend(
            violations
                .into_vec()
                .into_iter()
                .map(DecodeWarning::InvalidField),
        );
    }
    Decoded {
        http_status,
        code,
        message,
        answer: Answer::Success(response),
        warnings,
    }
}

/// Decodes an answer to endpoint `E`: see the module documentation for the
/// policy. `body` is the raw body; `http_status` the status line's code.
///
/// A success body is deserialized into `E::Response` and validated; its
/// violations become [`DecodeWarning::InvalidField`]s.
pub fn decode_response<E: Endpoint>(
    http_status: u16,
    body: &[u8],
) -> Result<Decoded<E::Response>, DecodeError> {
    if let Some(decoded) = decode_fast::<E>(http_status, body) {
        return decoded;
    }
    let mut value: Value = serde_json::from_slice(body).map_err(|e| DecodeError::NotJson {
        http_status,
        reason: e.to_string(),
    })?;
    if !value.is_object() {
        return Err(DecodeError::NotJson {
            http_status,
            reason: "not an object".to_owned(),
        });
    }
    let outcome = E::Codes::read(&E::META, http_status, &mut value)?;
    if outcome.success {
        let response: E::Response =
            serde_json::from_value(value).map_err(|e| DecodeError::Body {
                code: outcome.code.to_string(),
                reason: e.to_string(),
            })?;
        return Ok(finish_success(http_status, outcome, response));
    }
    let CodeOutcome {
        code,
        message,
        warnings,
        ..
    } = outcome;
    Ok(Decoded {
        http_status,
        answer: Answer::Failure(ErrorAnswer {
            http_status,
            code: code.clone(),
            message: message.clone(),
            body: value,
        }),
        code,
        message,
        warnings,
    })
}

#[cfg(test)]
mod tests {
    use super::peek_head;

    #[test]
    fn head_is_read_only_when_plain() {
        let ok = br#" { "responseCode" : "2006300", "responseMessage":"Successful", "x": 1}"#;
        assert_eq!(peek_head(ok), Some(("2006300", Some("Successful"))));
        let swapped = br#"{"responseMessage":"Successful","responseCode":"2006300"}"#;
        // Only the head is read: the typed parse that follows judges the rest
        // (an unterminated body fails it, and the general path reports it).
        let unterminated = br#"{"responseCode":"2006300","responseMessage":"Successful""#;
        assert!(peek_head(unterminated).is_some());
        assert_eq!(peek_head(swapped), Some(("2006300", Some("Successful"))));
        for other in [
            &br#"{"responseCode":2006300,"responseMessage":"Successful"}"#[..],
            br#"{"responseCode":"2006300","x":1,"responseMessage":"Successful"}"#,
            br#"{"responseCode":"2006300","responseMessage":"Su\u0063cessful"}"#,
            br#"{"a":"b","responseCode":"2006300"}"#,
            br#"{"responseCode":"2006300"}"#,
            br#"[]"#,
            br#""#,
        ] {
            assert_eq!(peek_head(other), None, "{}", String::from_utf8_lossy(other));
        }
    }
}
