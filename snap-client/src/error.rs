//! The one error type of the client.

use std::fmt;
use std::time::Duration;

use snap_core::headers::HeaderError;
use snap_core::rules::Violations;
use snap_core::sign::SignatureError;

use super::transport::TransportErrorKind;

/// Why the client is not set up for a call: found before anything is sent.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The base URL is not `https://host[:port]` (or `http://` to a loopback
    /// host).
    #[error("base URL {url:?}: {problem}")]
    BaseUrl {
        /// The URL as configured.
        url: String,
        /// What is wrong with it.
        problem: &'static str,
    },
    /// The path prefix does not start with `/`.
    #[error("path prefix {0:?} must start with `/`")]
    PathPrefix(String),
    /// A configured header value breaks the SNAP header table's rule.
    #[error("{setting}: {error}")]
    Header {
        /// The setting (`"partner id"`, `"device id"`).
        setting: &'static str,
        /// The header and the rule.
        error: HeaderError,
    },
    /// Symmetric signatures need the client secret.
    #[error("a client secret is required (symmetric signatures)")]
    MissingClientSecret,
    /// Token requests and asymmetric signatures need the private key.
    #[error("a private key is required (token requests and asymmetric signatures)")]
    MissingPrivateKey,
    /// An endpoint is signed with a scheme that has no signer.
    #[error(
        "{endpoint}: no signer configured for the `{scheme}` signature scheme (ClientConfig::with_signer)"
    )]
    MissingSigner {
        /// The endpoint's declared name.
        endpoint: &'static str,
        /// The scheme's name.
        scheme: &'static str,
    },
    /// The private key PEM could not be read (its content is never shown).
    #[error("private key: {0}")]
    PrivateKey(SignatureError),
    /// The client secret cannot key the HMAC.
    #[error("client secret: {0}")]
    ClientSecret(SignatureError),
    /// A B2B2C endpoint was called without a customer token.
    #[error("{endpoint} needs a customer token (B2B2C): pass CallOptions::customer")]
    CustomerTokenRequired {
        /// The endpoint's declared name.
        endpoint: &'static str,
    },
    /// A PEM file for TLS (a root certificate or the client identity) could
    /// not be used.
    #[error("{what}: {reason}")]
    Tls {
        /// `"root certificate"` or `"client identity"`.
        what: &'static str,
        /// What is wrong (never the key).
        reason: String,
    },
    /// The HTTP client could not be built.
    #[error("HTTP client: {0}")]
    HttpClient(String),
    /// The request could not be serialized or prepared (a header value of
    /// the call that breaks its rule, a token missing).
    #[error("{endpoint}: {reason}")]
    Request {
        /// The endpoint's declared name.
        endpoint: &'static str,
        /// What is wrong.
        reason: String,
    },
    /// The status query of a resolver could not be built from the request
    /// that met a `409`.
    #[error("status query {query} cannot be built from the {endpoint} request")]
    StatusQueryNotBuilt {
        /// The query endpoint's name.
        query: &'static str,
        /// The original endpoint's name.
        endpoint: &'static str,
    },
}

/// Why a call did not produce the endpoint's typed success response.
///
/// Every variant that happens after the first byte was sent carries the
/// `X-EXTERNAL-ID` that was used, and (where the body has one) the
/// `partnerReferenceNo`, so the caller can reconcile with the endpoint's status
/// query (Payment Query 64, Capture Query 66, Void Query 68).
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum ClientError {
    /// The request breaks the endpoint's rules; nothing was sent. Holds every
    /// violation, with wire paths.
    #[error("{endpoint}: invalid request, nothing sent: {violations}")]
    Validation {
        /// The endpoint's declared name.
        endpoint: String,
        /// All violations.
        violations: Violations,
    },
    /// The request body is not JSON (type-erased calls only); nothing was sent.
    #[error("{endpoint}: request body is not JSON, nothing sent: {reason}")]
    NotJson {
        /// The endpoint's declared name.
        endpoint: String,
        /// What the JSON parser said.
        reason: String,
    },
    /// The client is not set up for this call (missing key, an endpoint that
    /// needs a customer token called without one, an unsupported signature
    /// scheme, a bad base URL): see [`ConfigError`]. Nothing was sent.
    #[error("client configuration: {0}")]
    Config(#[from] ConfigError),
    /// Connection-level failure (refused, reset, TLS handshake refused) on
    /// every attempt; [`TransportErrorKind`] says which, and for a TLS
    /// refusal the message says which side refused.
    #[error(
        "{endpoint}: transport error after {attempts} attempt(s) ({}{}): {message}",
        shown_id(external_id),
        partner_ref(partner_reference)
    )]
    Transport {
        /// The endpoint's declared name.
        endpoint: String,
        /// The `X-EXTERNAL-ID` every attempt carried.
        external_id: String,
        /// The body's `partnerReferenceNo`, if any.
        partner_reference: Option<String>,
        /// Attempts made.
        attempts: u32,
        /// What failed on the last attempt.
        kind: TransportErrorKind,
        /// What failed on the last attempt.
        message: String,
    },
    /// No answer within the timeout, on every attempt.
    #[error(
        "{endpoint}: no answer within {timeout:?} after {attempts} attempt(s) ({}{}); reconcile with the endpoint's status query",
        shown_id(external_id),
        partner_ref(partner_reference)
    )]
    Timeout {
        /// The endpoint's declared name.
        endpoint: String,
        /// The `X-EXTERNAL-ID` every attempt carried.
        external_id: String,
        /// The body's `partnerReferenceNo`, if any.
        partner_reference: Option<String>,
        /// Attempts made.
        attempts: u32,
        /// The per-attempt timeout.
        timeout: Duration,
    },
    /// The provider answered with a SNAP error (or with a status the retry
    /// policy retries, on every attempt).
    #[error("{0}")]
    Snap(Box<RefusedCall>),
    /// A retry was answered `409{SS}00` (X-EXTERNAL-ID already used): an
    /// earlier attempt reached the provider. `resolution` holds the answer of
    /// the endpoint's status query when a resolver is configured.
    #[error(
        "{}: an earlier attempt reached the provider (409 on retry {}, {}{}){}",
        .0.answer.endpoint, .0.answer.attempts, shown_id(&.0.answer.external_id),
        partner_ref(&.0.partner_reference),
        match (&.0.resolution, &.0.resolution_error) { (Some(r), _) => format!("; status query: {r}"), (None, Some(e)) => format!("; status query failed: {e}"), (None, None) => "; no status query configured: reconcile manually".to_owned() }
    )]
    AlreadyProcessed(Box<AlreadyProcessed>),
    /// An access token (B2B 73 or customer B2B2C 74) could not be obtained;
    /// the call itself was not sent.
    #[error("{endpoint}: {message}{}{}", http_status.map(|s| format!(" (HTTP {s})")).unwrap_or_default(), response_code.as_ref().map(|c| format!(" responseCode {c}")).unwrap_or_default())]
    Token {
        /// `"Access Token B2B"` or `"Access Token B2B2C"`.
        endpoint: String,
        /// HTTP status of the token answer, if one came.
        http_status: Option<u16>,
        /// Its `responseCode`, if any.
        response_code: Option<String>,
        /// What went wrong.
        message: String,
        /// Whether trying again later may succeed (timeout, 5xx).
        retryable: bool,
        /// When no answer came: how the exchange failed (a TLS handshake
        /// refusal names the side that refused in `message`).
        transport: Option<TransportErrorKind>,
    },
    /// Signing failed (bad key, body that cannot be minified).
    #[error("signature: {0}")]
    Signature(String),
    /// The answer could not be read: not JSON, a response code that cannot
    /// be parsed, a success body that does not match the response type.
    #[error(
        "{endpoint}: cannot decode the answer (HTTP {http_status}, {}): {message}",
        shown_id(external_id)
    )]
    Decode {
        /// The endpoint's declared name.
        endpoint: String,
        /// HTTP status of the answer.
        http_status: u16,
        /// The `X-EXTERNAL-ID` of the call.
        external_id: String,
        /// What is wrong.
        message: String,
        /// The raw answer body.
        raw_body: Vec<u8>,
    },
}

/// `X-EXTERNAL-ID 123`, or `no X-EXTERNAL-ID` for schemes that send none
/// (token requests, IPG, Ayopop).
fn shown_id(id: &str) -> String {
    if id.is_empty() {
        "no X-EXTERNAL-ID".to_owned()
    } else {
        format!("X-EXTERNAL-ID {id}")
    }
}

fn partner_ref(r: &Option<String>) -> String {
    match r {
        Some(r) => format!(", partnerReferenceNo {r}"),
        None => String::new(),
    }
}

impl ClientError {
    /// Whether sending the same request again (same X-EXTERNAL-ID, same body)
    /// may succeed: timeouts, transport failures and 5xx answers. Business
    /// answers (4xx), TLS handshake refusals, validation, configuration,
    /// signature and decode errors are not retryable.
    pub fn is_retryable(&self) -> bool {
        match self {
            ClientError::Timeout { .. } => true,
            ClientError::Transport { kind, .. } => !kind.is_tls_refusal(),
            ClientError::Snap(a) => a.http_status >= 500,
            ClientError::Token { retryable, .. } => *retryable,
            _ => false,
        }
    }

    /// The `X-EXTERNAL-ID` sent, when one was (SNAP transactions).
    pub fn external_id(&self) -> Option<&str> {
        let id = match self {
            ClientError::Transport { external_id, .. }
            | ClientError::Timeout { external_id, .. }
            | ClientError::Decode { external_id, .. } => external_id,
            ClientError::Snap(a) => &a.external_id,
            ClientError::AlreadyProcessed(a) => &a.answer.external_id,
            _ => return None,
        };
        (!id.is_empty()).then_some(id.as_str())
    }

    /// Whether nothing was sent (validation, configuration, signature).
    pub fn nothing_sent(&self) -> bool {
        matches!(
            self,
            ClientError::Validation { .. }
                | ClientError::NotJson { .. }
                | ClientError::Config(_)
                | ClientError::Signature(_)
        )
    }
}

/// A call the provider answered with an error: the decoded error answer
/// (HTTP status, `responseCode`, message, raw body; the body itself is a
/// `snap_core::code::ErrorBody` on the wire) together with what the caller
/// needs to reconcile it: the endpoint, the `X-EXTERNAL-ID`, the
/// `partnerReferenceNo`, the attempts.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct RefusedCall {
    /// The endpoint's declared name.
    pub endpoint: String,
    /// The HTTP status: authoritative for the class of the failure
    /// (retryable, business, auth) when it disagrees with `response_code`.
    pub http_status: u16,
    /// The `responseCode` as received (`"4016301"`), if the body had one.
    pub response_code: Option<String>,
    /// Its parts, when it is a well-formed 7-digit SNAP code.
    pub code: Option<snap_core::code::ResponseCode>,
    /// The provider's `responseMessage`, if any.
    pub message: Option<String>,
    /// What the general case table says about the code (`"Invalid Token
    /// (B2B)"`), if the case is a known one.
    pub meaning: Option<String>,
    /// When the response code and the HTTP status (or the endpoint's service
    /// code) disagree, or the code cannot be parsed: what is wrong.
    pub disagreement: Option<String>,
    /// The raw answer body.
    pub raw_body: Vec<u8>,
    /// The `X-EXTERNAL-ID` of the call.
    pub external_id: String,
    /// The body's `partnerReferenceNo`, if any.
    pub partner_reference: Option<String>,
    /// Attempts made (the answer is the last one's).
    pub attempts: u32,
}

impl RefusedCall {
    /// The 2-digit case of the response code (`01` of `4017301`).
    pub fn case(&self) -> Option<u8> {
        self.code.as_ref().map(|c| c.case())
    }

    /// Whether this is `{status}{SS}{case}` for the given HTTP status and case.
    pub fn is(&self, http_status: u16, case: u8) -> bool {
        self.http_status == http_status && self.case() == Some(case)
    }
}

impl fmt::Display for RefusedCall {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: HTTP {}", self.endpoint, self.http_status)?;
        if let Some(code) = &self.response_code {
            write!(f, ", responseCode {code}")?;
        }
        if let Some(meaning) = &self.meaning {
            write!(f, " ({meaning})")?;
        }
        if let Some(message) = &self.message {
            write!(f, ": {message}")?;
        }
        if let Some(d) = &self.disagreement {
            write!(f, " [{d}]")?;
        }
        write!(f, " ({}", shown_id(&self.external_id))?;
        if let Some(r) = &self.partner_reference {
            write!(f, ", partnerReferenceNo {r}")?;
        }
        write!(f, ", attempts {})", self.attempts)
    }
}

/// A `409{SS}00` answer to a retry, and what the status query said.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct AlreadyProcessed {
    /// The 409 answer itself.
    pub answer: RefusedCall,
    /// The body's `partnerReferenceNo`, if any.
    pub partner_reference: Option<String>,
    /// The status query's answer, when a resolver is configured and answered.
    pub resolution: Option<super::resolve::Resolution>,
    /// Why the configured status query gave no answer, if it failed.
    pub resolution_error: Option<String>,
}
