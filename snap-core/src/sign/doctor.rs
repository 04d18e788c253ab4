//! The signature doctor (issue 9, sharpened in issue 17): why does a
//! received signature not match?
//!
//! Off the request path and separate from verification: [`diagnose_symmetric`],
//! [`diagnose_asymmetric`] and [`diagnose_token`] never make a signature
//! valid. They rebuild the SNAP string-to-sign, then strings-to-sign with
//! known sender mistakes, and report the mistakes that reproduce the
//! received signature, with both strings-to-sign and a one-sentence
//! explanation. Each candidate is also checked with the signature encoded as
//! hex and as base64url.
//!
//! # The search
//!
//! The known mistakes fall in dimensions, one per part of the
//! string-to-sign: the body that was hashed, the form of the hash, the path,
//! the access token, the separators, the method, the timestamp. A candidate
//! picks at most one mistake per dimension, so mistakes combine: an empty
//! hash **and** a sorted query is a candidate like either alone. Candidates
//! are tried by number of mistakes (the SNAP form, then every single
//! mistake, then every pair, then triples, ...) until one reproduces the
//! signature or the budget ([`DoctorOptions::max_strings`]) is spent.
//! Mistakes that change nothing in this request (escaping `/` in a body
//! without `/`) are left out; candidates that give the same string are
//! checked once.
//!
//! Every mistake (or combination) at the first level that matches is
//! reported, ranked by likelihood with the reason: two mistakes can give the
//! same bytes (PHP's default `json_encode` escaping and Python's
//! `ensure_ascii` on a body without `/`), and the likelier one comes first.
//! Likelihood is a prior per mistake (how often senders make it) times the
//! evidence in the request: a `User-Agent` naming the sender's language
//! ([`DoctorOptions::with_user_agent`]), or the body as sent (PHP's `\/`,
//! Python's `", "` separators).
//!
//! A different client secret or key is named as the cause only when every
//! combination of the applicable mistakes was tried
//! ([`Diagnosis::exhausted`]); while combinations remain untried, the
//! diagnosis says how many and blames nothing.
//!
//! The mistakes ([`Variant`] ids):
//!
//! | id | kinds | the sender... |
//! |---|---|---|
//! | `spec` | all | followed SNAP (only the encoding may differ) |
//! | `body-not-minified` | sym, asym | hashed the raw (pretty) body |
//! | `php-escaped-slashes` | sym, asym | re-encoded the body with PHP `json_encode(.., JSON_UNESCAPED_UNICODE)`: `/` -> `\/` |
//! | `php-default-escaping` | sym, asym | PHP `json_encode` defaults: `\/` and `\uXXXX` |
//! | `unicode-escaped` | sym, asym | non-ASCII as `\uXXXX` (PHP `JSON_UNESCAPED_SLASHES`, Python `ensure_ascii` compact) |
//! | `python-json-dumps` | sym, asym | Python `json.dumps` defaults: `", "`/`": "` separators and `\uXXXX` |
//! | `python-reencoded` | sym, asym | `json.dumps(json.loads(body))`: the same plus numbers as Python floats |
//! | `js-reserialized` | sym, asym | `JSON.stringify(JSON.parse(body))`: escapes normalised, numbers as doubles |
//! | `numbers-rerendered` | sym, asym | numbers re-rendered as Python floats (`1e2` -> `100.0`, `1.50` -> `1.5`) |
//! | `php-numbers-rerendered` | sym, asym | numbers as PHP `json_encode(json_decode(..))` writes them (`12345678901234567890` -> `1.2345678901234567e+19`, `1e2` -> `100`) |
//! | `php-reencoded` | sym, asym | `json_encode(json_decode($body))` with default flags: `\/`, `\uXXXX` and PHP numbers |
//! | `java-numbers-rerendered` | sym, asym | numbers as Java's `Double.toString` (`100.0`, `1.0E7`) |
//! | `go-reencoded` | sym, asym | Go `json.Marshal` of a decoded map: keys sorted, `<>&` as `\u003c`..., numbers as doubles |
//! | `keys-sorted` | sym, asym | sorted the members by key |
//! | `whitespace-stripped-in-strings` | sym, asym | removed spaces inside string values too |
//! | `empty-body-as-{}` / `[]` / `null` | sym, asym | hashed `{}`, `[]` or `null` for an empty body |
//! | `hash-omitted` | sym, asym | left the hash segment out (`M:path:token:ts`) |
//! | `hash-empty` | sym, asym | left the hash empty (`M:path:token::ts`) |
//! | `hash-uppercase` | sym, asym | upper-case hex hash |
//! | `query-dropped` / `query-sorted` / `query-decoded` / `query-encoded` | sym, asym | changed the query string |
//! | `prefix-added:/snap`, `:/openapi`, `:/api` | sym, asym | signed a path with that prefix |
//! | `prefix-dropped` | sym, asym | signed the path without the part before `/vN.N` |
//! | `bearer-kept` | sym | signed `Bearer <token>` |
//! | `token-omitted` | sym | signed the asymmetric form with the HMAC key |
//! | `double-colon:N` | sym, asym | wrote `::` at separator N (1-based) |
//! | `pipe-as-colon` | token | wrote `clientId:timestamp` |
//! | `method-lowercase` | sym, asym | signed `post` instead of `POST` |
//! | `timestamp-utc-z`, `timestamp-utc-z-millis`, `timestamp-jakarta`, `timestamp-jakarta-millis`, `timestamp-no-fraction` | all | signed the same instant in another format than the `X-TIMESTAMP` it sent |
//!
//! The diagnosis holds no secret: the access token is shown as `{accessToken}`
//! in every string, the client secret and keys never appear.

mod json;

use std::collections::HashSet;
use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE, URL_SAFE_NO_PAD};

use self::json::{Escaping, Numbers, Style};
use super::minify::{body_sha256_hex, hex_decode, minify};
#[cfg(feature = "rsa")]
use super::{AccessToken, Asymmetric, RsaPublicKey};
use super::{HmacKey, SignatureKind, SigningInput, Symmetric};

/// What was received, as the verifier sees it.
#[derive(Debug, Clone, Copy)]
pub struct Received<'a> {
    /// HTTP method as received (`POST`).
    pub method: &'a str,
    /// Relative path with query string, as received.
    pub path: &'a str,
    /// Raw body bytes as received.
    pub body: &'a [u8],
    /// `X-TIMESTAMP` as received.
    pub timestamp: &'a str,
    /// `X-SIGNATURE` as received.
    pub signature: &'a str,
}

impl<'a> Received<'a> {
    /// What was signed, as the BI schemes read it (no token, no client id).
    pub fn input(&self) -> SigningInput<'a> {
        SigningInput::new(self.method, self.path)
            .body(self.body)
            .timestamp(self.timestamp)
    }

    /// Reads `X-TIMESTAMP` and `X-SIGNATURE` from the request headers
    /// (missing or non-ASCII headers become empty strings: the diagnosis then
    /// reports that nothing matched).
    pub fn from_headers(
        method: &'a str,
        path: &'a str,
        headers: &'a http::HeaderMap,
        body: &'a [u8],
    ) -> Self {
        let get = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
        };
        Self {
            method,
            path,
            body,
            timestamp: get(crate::headers::X_TIMESTAMP.wire),
            signature: get(crate::headers::X_SIGNATURE.wire),
        }
    }
}
/// One known sender mistake (see the module docs for the full list).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Variant {
    /// The SNAP form.
    Spec,
    /// Raw body hashed, not minified.
    BodyNotMinified,
    /// PHP `\/` escaping.
    PhpEscapedSlashes,
    /// PHP default escaping (`\/` and `\uXXXX`).
    PhpDefaultEscaping,
    /// Non-ASCII as `\uXXXX`.
    UnicodeEscaped,
    /// Python `json.dumps` defaults.
    PythonJsonDumps,
    /// `JSON.stringify(JSON.parse(body))`.
    JsReserialized,
    /// Numbers re-rendered as Python floats.
    NumbersRerendered,
    /// Spaces removed inside string values.
    WhitespaceStrippedInStrings,
    /// Empty body hashed as `{}`.
    EmptyBodyAsObject,
    /// Empty body hashed as `[]`.
    EmptyBodyAsArray,
    /// Empty body hashed as `null`.
    EmptyBodyAsNull,
    /// Hash segment left out.
    HashOmitted,
    /// Hash segment empty.
    HashEmpty,
    /// Upper-case hex hash.
    HashUppercase,
    /// Query string left out.
    QueryDropped,
    /// Query parameters sorted.
    QuerySorted,
    /// Query string percent-decoded.
    QueryDecoded,
    /// Query string percent-encoded (`encodeURIComponent`).
    QueryEncoded,
    /// A deployment prefix added.
    PrefixAdded(&'static str),
    /// The deployment prefix dropped.
    PrefixDropped,
    /// `Bearer ` kept in the token.
    BearerKept,
    /// Token left out (asymmetric form under HMAC).
    TokenOmitted,
    /// `::` at separator N (1-based).
    DoubleColon(u8),
    /// `clientId:timestamp` instead of `clientId|timestamp`.
    PipeAsColon,
    /// Lower-case method.
    MethodLowercase,
    /// Timestamp signed in UTC `Z`, no fraction.
    TimestampUtcZ,
    /// Timestamp signed in UTC `Z` with milliseconds.
    TimestampUtcZMillis,
    /// Timestamp signed in `+07:00`, no fraction.
    TimestampJakarta,
    /// Timestamp signed in `+07:00` with milliseconds.
    TimestampJakartaMillis,
    /// Timestamp signed without its fraction.
    TimestampNoFraction,
    /// Numbers re-rendered as PHP's `json_encode(json_decode(..))` writes
    /// them.
    PhpNumbersRerendered,
    /// PHP `json_encode(json_decode($body))` with default flags.
    PhpReencoded,
    /// Python `json.dumps(json.loads(body))` with defaults.
    PythonReencoded,
    /// Numbers re-rendered as Java's `Double.toString`.
    JavaNumbersRerendered,
    /// Go `json.Marshal` of a decoded `map[string]any`.
    GoReencoded,
    /// Object members sorted by key.
    KeysSorted,
}

const PREFIXES: [&str; 3] = ["/snap", "/openapi", "/api"];

/// The language whose defaults a mistake follows (for the evidence).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Family {
    Php,
    Python,
    Js,
    Java,
    Go,
    Any,
}

impl Variant {
    /// Stable kebab-case id (`php-escaped-slashes`, `prefix-added:/snap`, ...).
    pub fn id(&self) -> String {
        match self {
            Self::Spec => "spec".into(),
            Self::BodyNotMinified => "body-not-minified".into(),
            Self::PhpEscapedSlashes => "php-escaped-slashes".into(),
            Self::PhpDefaultEscaping => "php-default-escaping".into(),
            Self::UnicodeEscaped => "unicode-escaped".into(),
            Self::PythonJsonDumps => "python-json-dumps".into(),
            Self::JsReserialized => "js-reserialized".into(),
            Self::NumbersRerendered => "numbers-rerendered".into(),
            Self::WhitespaceStrippedInStrings => "whitespace-stripped-in-strings".into(),
            Self::EmptyBodyAsObject => "empty-body-as-{}".into(),
            Self::EmptyBodyAsArray => "empty-body-as-[]".into(),
            Self::EmptyBodyAsNull => "empty-body-as-null".into(),
            Self::HashOmitted => "hash-omitted".into(),
            Self::HashEmpty => "hash-empty".into(),
            Self::HashUppercase => "hash-uppercase".into(),
            Self::QueryDropped => "query-dropped".into(),
            Self::QuerySorted => "query-sorted".into(),
            Self::QueryDecoded => "query-decoded".into(),
            Self::QueryEncoded => "query-encoded".into(),
            Self::PrefixAdded(p) => format!("prefix-added:{p}"),
            Self::PrefixDropped => "prefix-dropped".into(),
            Self::BearerKept => "bearer-kept".into(),
            Self::TokenOmitted => "token-omitted".into(),
            Self::DoubleColon(n) => format!("double-colon:{n}"),
            Self::PipeAsColon => "pipe-as-colon".into(),
            Self::MethodLowercase => "method-lowercase".into(),
            Self::TimestampUtcZ => "timestamp-utc-z".into(),
            Self::TimestampUtcZMillis => "timestamp-utc-z-millis".into(),
            Self::TimestampJakarta => "timestamp-jakarta".into(),
            Self::TimestampJakartaMillis => "timestamp-jakarta-millis".into(),
            Self::TimestampNoFraction => "timestamp-no-fraction".into(),
            Self::PhpNumbersRerendered => "php-numbers-rerendered".into(),
            Self::PhpReencoded => "php-reencoded".into(),
            Self::PythonReencoded => "python-reencoded".into(),
            Self::JavaNumbersRerendered => "java-numbers-rerendered".into(),
            Self::GoReencoded => "go-reencoded".into(),
            Self::KeysSorted => "keys-sorted".into(),
        }
    }

    /// One sentence: the sender's mistake and the fix.
    pub fn explanation(&self) -> String {
        match self {
            Self::Spec => "The string-to-sign follows SNAP.".into(),
            Self::BodyNotMinified => "The sender hashed the body as it was sent, with its whitespace, instead of minify(body); hash the body with whitespace outside strings removed (or send compact JSON).".into(),
            Self::PhpEscapedSlashes => "The sender re-serialized the body PHP-style before hashing, escaping \"/\" as \"\\/\", so it hashed other bytes than it sent; hash the exact bytes sent (PHP: json_encode with JSON_UNESCAPED_SLASHES).".into(),
            Self::PhpDefaultEscaping => "The sender hashed PHP json_encode's default output (\"/\" as \"\\/\" and non-ASCII as \\uXXXX) instead of the bytes it sent; use JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE and hash what is sent.".into(),
            Self::UnicodeEscaped => "The sender hashed the body with non-ASCII characters escaped as \\uXXXX (PHP without JSON_UNESCAPED_UNICODE, or Python ensure_ascii=True) while sending them as UTF-8; hash the exact bytes sent.".into(),
            Self::PythonJsonDumps => "The sender hashed Python json.dumps() default output (\", \" and \": \" separators, \\uXXXX escapes) instead of the bytes it sent; hash the exact bytes sent (separators=(',', ':'), ensure_ascii=False).".into(),
            Self::JsReserialized => "The sender hashed JSON.stringify(JSON.parse(body)), which changes escapes and number formatting, instead of the bytes it sent; hash the exact bytes sent.".into(),
            Self::NumbersRerendered => "The sender re-rendered JSON numbers before hashing (e.g. 1e2 as 100.0, 1.50 as 1.5); hash the numbers exactly as sent.".into(),
            Self::WhitespaceStrippedInStrings => "The sender's minify also removed spaces inside string values (e.g. \"   12345\" became \"12345\"); minify removes whitespace outside strings only.".into(),
            Self::EmptyBodyAsObject => "The request has no body but the sender hashed \"{}\"; SNAP hashes the empty string for an empty body.".into(),
            Self::EmptyBodyAsArray => "The request has no body but the sender hashed \"[]\"; SNAP hashes the empty string for an empty body.".into(),
            Self::EmptyBodyAsNull => "The request has no body but the sender hashed \"null\"; SNAP hashes the empty string for an empty body.".into(),
            Self::HashOmitted => "The sender left the body-hash segment out of the string-to-sign; SNAP always includes it (the SHA-256 of the empty string for no body).".into(),
            Self::HashEmpty => "The sender left the body hash empty (\"::\"); SNAP puts the SHA-256 of the minified body there, of the empty string for no body.".into(),
            Self::HashUppercase => "The sender wrote the body hash in upper-case hex; SNAP uses lower-case hex.".into(),
            Self::QueryDropped => "The sender signed the path without its query string; SNAP signs the path with the query string as sent.".into(),
            Self::QuerySorted => "The sender sorted the query parameters before signing; SNAP signs the query string exactly as sent.".into(),
            Self::QueryDecoded => "The sender signed the percent-decoded query string; SNAP signs the query string exactly as sent.".into(),
            Self::QueryEncoded => "The sender signed a re-encoded query string (encodeURIComponent); SNAP signs the query string exactly as sent.".into(),
            Self::PrefixAdded(p) => format!("The sender signed the path with a \"{p}\" prefix that the verifier does not receive (a proxy strips it, or the sender's base URL differs); sign the path exactly as the receiver sees it."),
            Self::PrefixDropped => "The sender signed the path without its deployment prefix (the part before /vN.N); sign the full relative path as sent.".into(),
            Self::BearerKept => "The sender signed \"Bearer <token>\"; the string-to-sign takes the raw access token without \"Bearer \".".into(),
            Self::TokenOmitted => "The sender left the access token out (the asymmetric form) but signed with HMAC; the symmetric string-to-sign includes the access token.".into(),
            Self::DoubleColon(n) => format!("The sender wrote \"::\" at separator {n} of the string-to-sign (an empty field or a doubled separator); SNAP joins the fields with single colons."),
            Self::PipeAsColon => "The sender joined client id and timestamp with \":\"; the access-token string-to-sign is clientId + \"|\" + X-TIMESTAMP.".into(),
            Self::MethodLowercase => "The sender signed the HTTP method in lower case; SNAP signs the upper-case method.".into(),
            Self::TimestampUtcZ
            | Self::TimestampUtcZMillis
            | Self::TimestampJakarta
            | Self::TimestampJakartaMillis
            | Self::TimestampNoFraction => "The sender signed the same instant written differently from the X-TIMESTAMP header it sent (the timestamp was re-formatted after signing); sign the exact X-TIMESTAMP string.".into(),
            Self::PhpNumbersRerendered => "The sender hashed the body after PHP's json_decode/json_encode, which rewrites numbers (1.50 as 1.5, 1e2 as 100, integers beyond 64 bits as 1.2345678901234567e+19); hash the exact bytes sent.".into(),
            Self::PhpReencoded => "The sender hashed json_encode(json_decode($body)) with default flags (\"/\" as \"\\/\", non-ASCII as \\uXXXX, numbers rewritten) instead of the bytes it sent; hash the exact bytes sent.".into(),
            Self::PythonReencoded => "The sender hashed json.dumps(json.loads(body)) with Python's defaults (\", \" / \": \" separators, \\uXXXX escapes, numbers as floats) instead of the bytes it sent; hash the exact bytes sent.".into(),
            Self::JavaNumbersRerendered => "The sender hashed the body after a Java (Jackson) round trip, which writes floating-point numbers with Double.toString (1e2 as 100.0, 1e7 as 1.0E7); hash the exact bytes sent.".into(),
            Self::GoReencoded => "The sender hashed Go's json.Marshal of the decoded body (members sorted by key, <, > and & escaped as \\u003c..., numbers as doubles) instead of the bytes it sent; hash the exact bytes sent.".into(),
            Self::KeysSorted => "The sender sorted the body's members by key before hashing (sort_keys, a sorted map) but sent them in another order; hash the exact bytes sent.".into(),
        }
    }

    fn family(&self) -> Family {
        match self {
            Self::PhpEscapedSlashes
            | Self::PhpDefaultEscaping
            | Self::PhpNumbersRerendered
            | Self::PhpReencoded => Family::Php,
            Self::UnicodeEscaped
            | Self::PythonJsonDumps
            | Self::PythonReencoded
            | Self::NumbersRerendered => Family::Python,
            Self::JsReserialized => Family::Js,
            Self::JavaNumbersRerendered => Family::Java,
            Self::GoReencoded => Family::Go,
            _ => Family::Any,
        }
    }

    /// How often senders make this mistake (a relative weight, 1-100) and
    /// why: the prior of the ranking.
    fn prior(&self) -> (u64, &'static str) {
        match self {
            Self::Spec => (100, "the SNAP form"),
            Self::BodyNotMinified => (
                60,
                "hashing the pretty body as sent is the most common body slip",
            ),
            Self::PhpDefaultEscaping => (
                60,
                "PHP's json_encode() escapes \"/\" and non-ASCII by default: a PHP sender gets these bytes without passing any flag",
            ),
            Self::PhpEscapedSlashes => (
                45,
                "PHP's json_encode() with JSON_UNESCAPED_UNICODE but without JSON_UNESCAPED_SLASHES, a common half-fix",
            ),
            Self::PhpReencoded => (
                45,
                "PHP's json_encode(json_decode($body)) with default flags, common in PHP gateways",
            ),
            Self::PythonJsonDumps => (40, "Python's json.dumps() with all its defaults"),
            Self::PythonReencoded => (
                35,
                "Python's json.dumps(json.loads(body)) with its defaults",
            ),
            Self::JsReserialized => (35, "JavaScript's JSON.stringify(JSON.parse(body))"),
            Self::PhpNumbersRerendered => (
                30,
                "PHP's json_decode/json_encode with both unescaped flags set",
            ),
            Self::UnicodeEscaped => (
                25,
                "Python writes these bytes only with ensure_ascii left on and compact separators=(',', ':') set by hand, PHP only with JSON_UNESCAPED_SLASHES alone",
            ),
            Self::JavaNumbersRerendered => (25, "a Java (Jackson) round trip of the body"),
            Self::GoReencoded => (25, "Go's json.Marshal of a decoded map"),
            Self::NumbersRerendered => (
                20,
                "Python with compact separators and ensure_ascii=False re-rendering numbers",
            ),
            Self::WhitespaceStrippedInStrings => {
                (20, "a hand-written minify that strips every space")
            }
            Self::KeysSorted => (15, "sorting keys on one side only is rare"),
            Self::EmptyBodyAsObject | Self::EmptyBodyAsArray | Self::EmptyBodyAsNull => {
                (40, "serializing an absent body as a JSON value is common")
            }
            Self::HashOmitted | Self::HashEmpty => {
                (30, "skipping the hash when the body is empty or unknown")
            }
            Self::HashUppercase => (25, "an upper-case hex helper"),
            Self::QueryDropped => (35, "signing the route without its query"),
            Self::QuerySorted | Self::QueryDecoded => {
                (30, "a client library that normalises the query")
            }
            Self::QueryEncoded => (25, "encodeURIComponent on the query"),
            Self::PrefixAdded(_) | Self::PrefixDropped => (
                35,
                "a gateway or base URL that adds or strips a path prefix",
            ),
            Self::BearerKept => (30, "signing the Authorization header value as is"),
            Self::TokenOmitted => (25, "signing the asymmetric form with the HMAC key"),
            Self::DoubleColon(_) => (20, "an empty field joined with colons"),
            Self::PipeAsColon => (40, "the transaction separator used in the token string"),
            Self::MethodLowercase => (20, "a lower-case method from the HTTP library"),
            Self::TimestampUtcZ
            | Self::TimestampUtcZMillis
            | Self::TimestampJakarta
            | Self::TimestampJakartaMillis
            | Self::TimestampNoFraction => (
                30,
                "a timestamp formatted twice, once for the header and once for the signature",
            ),
        }
    }
}

/// How the received signature was encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// Standard base64 with padding (SNAP).
    Base64,
    /// Hex (either case).
    Hex,
    /// URL-safe base64 (padded or not).
    Base64Url,
}

impl Encoding {
    /// `base64`, `hex`, `base64url`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Base64 => "base64",
            Self::Hex => "hex",
            Self::Base64Url => "base64url",
        }
    }
}

/// A combination of mistakes that reproduced the received signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Match {
    /// The sender's (first) mistake; [`Variant::Spec`] for the SNAP form.
    pub variant: Variant,
    /// Every mistake of the combination, in dimension order (body, hash,
    /// path, token, separators, method, timestamp); `[Spec]` for the SNAP
    /// form.
    pub mistakes: Vec<Variant>,
    /// The encoding of the received signature.
    pub encoding: Encoding,
    /// The string the sender signed (access token shown as `{accessToken}`).
    pub string_to_sign: String,
    /// The body bytes the sender hashed, when the mistake is in the body.
    pub hashed_body: Option<String>,
    /// What the sender did wrong and the fix: one sentence per mistake.
    pub explanation: String,
    /// Relative likelihood among the matches of one diagnosis (higher is
    /// likelier): the mistakes' priors times the request's evidence.
    pub likelihood: u64,
    /// Why this match ranks where it does.
    pub reason: String,
}

impl Match {
    /// The mistakes' ids joined with `+` (`hash-empty+query-sorted`).
    pub fn id(&self) -> String {
        self.mistakes
            .iter()
            .map(Variant::id)
            .collect::<Vec<_>>()
            .join("+")
    }
}

/// How far the doctor searches, and what it knows about the sender.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct DoctorOptions {
    /// Most distinct strings-to-sign checked against the signature; 0
    /// means the kind's default ([`DoctorOptions::HMAC_STRINGS`] for HMAC,
    /// [`DoctorOptions::RSA_STRINGS`] for RSA, whose checks cost more).
    pub max_strings: usize,
    /// The request's `User-Agent`: evidence of the sender's language.
    pub user_agent: Option<String>,
}

impl DoctorOptions {
    /// Default budget of an HMAC diagnosis (a check is one HMAC-SHA512).
    pub const HMAC_STRINGS: usize = 20_000;
    /// Default budget of an RSA diagnosis (a check is an RSA public-key
    /// operation).
    pub const RSA_STRINGS: usize = 2_000;

    /// The defaults.
    pub fn new() -> DoctorOptions {
        DoctorOptions::default()
    }

    /// Checks at most `n` distinct strings-to-sign.
    pub fn with_max_strings(mut self, n: usize) -> DoctorOptions {
        self.max_strings = n;
        self
    }

    /// The sender's `User-Agent`.
    pub fn with_user_agent(mut self, user_agent: impl Into<String>) -> DoctorOptions {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// The evidence a request's headers give (its `User-Agent`).
    pub fn from_headers(headers: &http::HeaderMap) -> DoctorOptions {
        let ua = headers
            .get(http::header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        DoctorOptions {
            max_strings: 0,
            user_agent: ua,
        }
    }

    fn budget(&self, rsa: bool) -> usize {
        match self.max_strings {
            0 if rsa => Self::RSA_STRINGS,
            0 => Self::HMAC_STRINGS,
            n => n,
        }
    }
}

/// The result of a diagnosis. `Display` prints the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnosis {
    /// Which signature kind was checked.
    pub kind: SignatureKind,
    /// The result of the real (strict) verification.
    pub valid: bool,
    /// Why the strict verification refused its input, if it did not get as far as comparing.
    pub input_error: Option<String>,
    /// The SNAP string-to-sign (access token shown as `{accessToken}`).
    pub spec_string_to_sign: String,
    /// The likeliest match ([`Diagnosis::matches`]' first), if any.
    pub matched: Option<Match>,
    /// Every combination of mistakes at the fewest mistakes that reproduces
    /// the signature, likeliest first (several when they give the same
    /// bytes).
    pub matches: Vec<Match>,
    /// Ids of the SNAP form and of every single mistake checked, in order
    /// (mistakes that gave the same string as an earlier one are not
    /// repeated).
    pub tried: Vec<String>,
    /// Distinct strings-to-sign checked, combinations included.
    pub strings_tried: usize,
    /// All combinations of the mistakes that apply to this request (at most
    /// one per dimension), the SNAP form included.
    pub combinations: usize,
    /// Every combination was tried: only then is a different secret or key
    /// named as the cause.
    pub exhausted: bool,
    /// Every combination of up to this many mistakes was tried.
    pub complete_up_to: usize,
}

impl Diagnosis {
    /// One line for a provider's debug log: the verdict and the matched
    /// mistake, without the body or any secret (the full report, `Display`,
    /// also prints the body the sender hashed).
    pub fn summary(&self) -> String {
        let kind = self.kind.as_str();
        match &self.matched {
            _ if self.valid => format!("{kind} signature valid"),
            Some(m) => {
                let also = if self.matches.len() > 1 {
                    format!(
                        " (also matches: {})",
                        self.matches[1..]
                            .iter()
                            .map(|m| format!("`{}`", m.id()))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                } else {
                    String::new()
                };
                let word = if m.mistakes.len() > 1 {
                    "mistakes"
                } else {
                    "mistake"
                };
                format!(
                    "{kind} signature invalid: sender {word} `{}` (signature as {}): {}{also}",
                    m.id(),
                    m.encoding.as_str(),
                    m.explanation
                )
            }
            None if self.exhausted => format!(
                "{kind} signature invalid: no known mistake matches ({} tried, every combination); likely a different secret or key",
                self.strings_tried
            ),
            None => format!(
                "{kind} signature invalid: no combination of up to {} known mistakes matches ({} strings tried; {} combinations untried, so a wrong secret or key is not established)",
                self.complete_up_to,
                self.strings_tried,
                self.untried()
            ),
        }
    }

    /// Combinations not tried (0 when [`Diagnosis::exhausted`]).
    pub fn untried(&self) -> usize {
        if self.exhausted {
            0
        } else {
            self.combinations.saturating_sub(self.strings_tried)
        }
    }

    /// True when the signature matched only through a known mistake (not the spec form).
    pub fn is_known_mistake(&self) -> bool {
        self.matched
            .as_ref()
            .is_some_and(|m| m.variant != Variant::Spec || m.encoding != Encoding::Base64)
    }
}

impl fmt::Display for Diagnosis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.kind {
            SignatureKind::Symmetric => "symmetric (HMAC-SHA512 with the client secret)",
            SignatureKind::Asymmetric => "asymmetric (SHA256withRSA, METHOD:path:hash:timestamp)",
            SignatureKind::Token => "access token (SHA256withRSA, clientId|timestamp)",
        };
        writeln!(f, "signature kind:  {kind}")?;
        writeln!(
            f,
            "verification:    {}",
            if self.valid { "valid" } else { "invalid" }
        )?;
        if let Some(e) = &self.input_error {
            writeln!(f, "input problem:   {e}")?;
        }
        writeln!(f, "SNAP string-to-sign:\n  {}", self.spec_string_to_sign)?;
        match &self.matched {
            Some(m) if m.variant == Variant::Spec && m.encoding == Encoding::Base64 => {
                writeln!(f, "diagnosis:       matches the SNAP form")?;
            }
            Some(m) if m.variant == Variant::Spec => {
                writeln!(
                    f,
                    "diagnosis:       the SNAP string-to-sign, but the signature is encoded as {} instead of standard base64",
                    m.encoding.as_str()
                )?;
                writeln!(
                    f,
                    "why:             The sender encoded the signature as {}; SNAP sends base64(signature bytes) with the standard alphabet and padding.",
                    m.encoding.as_str()
                )?;
            }
            Some(m) => {
                let what = if m.mistakes.len() > 1 {
                    format!("{} known mistakes together", m.mistakes.len())
                } else {
                    "known mistake".to_owned()
                };
                writeln!(
                    f,
                    "diagnosis:       matches {what} `{}` (signature encoded as {})",
                    m.id(),
                    m.encoding.as_str()
                )?;
                writeln!(f, "sender's string-to-sign:\n  {}", m.string_to_sign)?;
                if let Some(b) = &m.hashed_body {
                    let shown: String = b.chars().take(300).collect();
                    let more = if shown.len() < b.len() { " ..." } else { "" };
                    writeln!(f, "sender hashed this body:\n  {shown}{more}")?;
                }
                let mut why = m.explanation.clone();
                if m.encoding != Encoding::Base64 {
                    why.push_str(&format!(
                        " The signature is also encoded as {} instead of standard base64.",
                        m.encoding.as_str()
                    ));
                }
                writeln!(f, "why:             {why}")?;
                if self.matches.len() > 1 {
                    writeln!(
                        f,
                        "ranking:         {} explanations give these exact bytes, likeliest first:",
                        self.matches.len()
                    )?;
                    for (i, other) in self.matches.iter().enumerate() {
                        writeln!(f, "  {}. `{}`: {}", i + 1, other.id(), other.reason)?;
                    }
                }
            }
            None if self.exhausted => {
                writeln!(
                    f,
                    "diagnosis:       no known mistake matches: every combination of the {} mistakes that apply here was tried ({} distinct strings, each against the signature read as base64, hex and base64url)",
                    self.tried.len().saturating_sub(1),
                    self.strings_tried
                )?;
                writeln!(
                    f,
                    "likely cause:    a different client secret / key pair than the verifier's, or a different request (method, path, body or timestamp) than the one received"
                )?;
                writeln!(f, "tried:           {}", self.tried.join(", "))?;
            }
            None => {
                writeln!(
                    f,
                    "diagnosis:       no known variant matches the SNAP form, any single mistake{} ({} distinct strings tried)",
                    if self.complete_up_to >= 2 {
                        format!(" or any combination of up to {}", self.complete_up_to)
                    } else {
                        String::new()
                    },
                    self.strings_tried
                )?;
                writeln!(
                    f,
                    "not established: {} combinations of more mistakes were not tried (budget {}), so a different client secret or key is not established; raise the budget (DoctorOptions::max_strings) to try them",
                    self.untried(),
                    self.strings_tried
                )?;
                writeln!(f, "tried:           {}", self.tried.join(", "))?;
            }
        }
        Ok(())
    }
}
fn split_query(path: &str) -> (&str, Option<&str>) {
    match path.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (path, None),
    }
}

fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let h = s.get(i + 1..i + 3)?;
            out.extend(hex_decode(h)?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// `encodeURIComponent`.
fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for &b in s.as_bytes() {
        if b.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn path_variants(path: &str) -> Vec<(Variant, String)> {
    let mut v = Vec::new();
    let (base, query) = split_query(path);
    if let Some(q) = query {
        v.push((Variant::QueryDropped, base.to_owned()));
        let mut params: Vec<&str> = q.split('&').collect();
        params.sort_by_key(|p| p.split_once('=').map_or(*p, |(k, _)| k));
        v.push((Variant::QuerySorted, format!("{base}?{}", params.join("&"))));
        if let Some(d) = percent_decode(q) {
            v.push((Variant::QueryDecoded, format!("{base}?{d}")));
        }
        let encoded: Vec<String> = q
            .split('&')
            .map(|p| {
                let (k, val) = p.split_once('=').unwrap_or((p, ""));
                let k = percent_decode(k).unwrap_or_else(|| k.to_owned());
                let val = percent_decode(val).unwrap_or_else(|| val.to_owned());
                if p.contains('=') {
                    format!("{}={}", percent_encode(&k), percent_encode(&val))
                } else {
                    percent_encode(&k)
                }
            })
            .collect();
        v.push((
            Variant::QueryEncoded,
            format!("{base}?{}", encoded.join("&")),
        ));
    }
    for p in PREFIXES {
        if !path.starts_with(&format!("{p}/")) {
            v.push((Variant::PrefixAdded(p), format!("{p}{path}")));
        }
    }
    // the first `/v<digit>` segment after position 0
    let bytes = base.as_bytes();
    if let Some(pos) = (1..bytes.len().saturating_sub(1)).find(|&i| {
        bytes[i] == b'/' && bytes[i + 1] == b'v' && bytes.get(i + 2).is_some_and(u8::is_ascii_digit)
    }) {
        v.push((Variant::PrefixDropped, path[pos..].to_owned()));
    }
    v
}

/// A parsed `YYYY-MM-DDTHH:MM:SS[.f](Z|±HH:MM)`.
struct Instant {
    /// Seconds since the epoch (UTC).
    secs: i64,
    /// Fraction digits as received (may be empty).
    fraction: String,
    /// The received string without its fraction.
    without_fraction: String,
}

fn parse_instant(ts: &str) -> Option<Instant> {
    let b = ts.as_bytes();
    if b.len() < 20
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b'T'
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let s = ts.get(r)?;
        if s.bytes().all(|c| c.is_ascii_digit()) {
            s.parse().ok()
        } else {
            None
        }
    };
    let (y, mo, d, h, mi, s) = (
        num(0..4)?,
        num(5..7)?,
        num(8..10)?,
        num(11..13)?,
        num(14..16)?,
        num(17..19)?,
    );
    let mut i = 19;
    let mut fraction = String::new();
    if b[i] == b'.' {
        i += 1;
        while i < b.len() && b[i].is_ascii_digit() {
            fraction.push(char::from(b[i]));
            i += 1;
        }
        if fraction.is_empty() {
            return None;
        }
    }
    let zone = ts.get(i..)?;
    let offset = if zone == "Z" {
        0
    } else {
        let zb = zone.as_bytes();
        if zb.len() != 6 || zb[3] != b':' || !matches!(zb[0], b'+' | b'-') {
            return None;
        }
        let oh: i64 = zone.get(1..3)?.parse().ok()?;
        let om: i64 = zone.get(4..6)?.parse().ok()?;
        let o = oh * 3600 + om * 60;
        if zb[0] == b'-' { -o } else { o }
    };
    let days = days_from_civil(y, mo, d);
    let secs = days * 86_400 + h * 3600 + mi * 60 + s - offset;
    let without_fraction = format!("{}{}", &ts[..19], zone);
    Some(Instant {
        secs,
        fraction,
        without_fraction,
    })
}

/// Howard Hinnant's days_from_civil.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn format_instant(secs: i64, offset: i64, millis: Option<&str>) -> String {
    let local = secs + offset;
    let (y, mo, d) = civil_from_days(local.div_euclid(86_400));
    let sod = local.rem_euclid(86_400);
    let frac = millis.map(|m| format!(".{m}")).unwrap_or_default();
    let zone = if offset == 0 {
        "Z".to_owned()
    } else {
        "+07:00".to_owned()
    };
    format!(
        "{y:04}-{mo:02}-{d:02}T{:02}:{:02}:{:02}{frac}{zone}",
        sod / 3600,
        sod % 3600 / 60,
        sod % 60
    )
}

fn timestamp_variants(ts: &str) -> Vec<(Variant, String)> {
    let Some(i) = parse_instant(ts) else {
        return Vec::new();
    };
    let millis: String = format!("{:0<3}", i.fraction).chars().take(3).collect();
    vec![
        (Variant::TimestampUtcZ, format_instant(i.secs, 0, None)),
        (
            Variant::TimestampUtcZMillis,
            format_instant(i.secs, 0, Some(&millis)),
        ),
        (
            Variant::TimestampJakarta,
            format_instant(i.secs, 7 * 3600, None),
        ),
        (
            Variant::TimestampJakartaMillis,
            format_instant(i.secs, 7 * 3600, Some(&millis)),
        ),
        (Variant::TimestampNoFraction, i.without_fraction),
    ]
}

// ------------------------------------------------------------------ the search

/// The form of the body-hash field.
#[derive(Clone, Copy, PartialEq, Eq)]
enum HashForm {
    Lower,
    Upper,
    Empty,
    Omitted,
}

/// One mistake's change to the string-to-sign.
enum Edit {
    /// The sender hashed these bytes (with this hash).
    Body { bytes: Vec<u8>, hash: String },
    /// The hash field's form.
    Hash(HashForm),
    /// Another path.
    Path(String),
    /// `Bearer <token>`.
    Bearer,
    /// No token field.
    NoToken,
    /// `::` at separator N.
    DoubleColon(u8),
    /// Another method spelling.
    Method(String),
    /// Another timestamp spelling.
    Timestamp(String),
    /// `clientId:timestamp`.
    Colon,
}

/// The alternatives to the SNAP value of one part of the string-to-sign.
struct Dim {
    options: Vec<(Variant, Edit)>,
}

/// What kind of string-to-sign.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// `METHOD:path[:token]:hash:timestamp`.
    Transaction,
    /// `clientId|timestamp`.
    Token,
}

/// The SNAP parts and the mistakes that apply to this request.
struct Space {
    shape: Shape,
    method: String,
    path: String,
    token: Option<String>,
    hash: String,
    timestamp: String,
    client_id: String,
    dims: Vec<Dim>,
}

/// One mistake of a candidate: (dimension, option).
type Pick = (usize, usize);

/// A candidate: at most one mistake per dimension.
type Choice = Vec<Pick>;

impl Space {
    /// The string-to-sign of a choice and the body it hashed, if changed;
    /// `None` when the choice cannot be written (`::` at a separator that
    /// the other mistakes removed).
    fn render(&self, choice: &[(usize, usize)]) -> Option<(String, Option<&[u8]>)> {
        let mut method = self.method.as_str();
        let mut path = self.path.as_str();
        let mut token = self.token.as_deref();
        let mut bearer = false;
        let mut hash = self.hash.as_str();
        let mut form = HashForm::Lower;
        let mut timestamp = self.timestamp.as_str();
        let mut double = None;
        let mut pipe = true;
        let mut body = None;
        for &(d, o) in choice {
            match &self.dims[d].options[o].1 {
                Edit::Body { bytes, hash: h } => {
                    hash = h;
                    body = Some(bytes.as_slice());
                }
                Edit::Hash(f) => {
                    // Omitted / empty win over upper case.
                    if form == HashForm::Lower || *f != HashForm::Upper {
                        form = *f;
                    }
                }
                Edit::Path(p) => path = p,
                Edit::Bearer => bearer = true,
                Edit::NoToken => token = None,
                Edit::DoubleColon(n) => double = Some(usize::from(*n)),
                Edit::Method(m) => method = m,
                Edit::Timestamp(t) => timestamp = t,
                Edit::Colon => pipe = false,
            }
        }
        if self.shape == Shape::Token {
            let sep = if pipe { '|' } else { ':' };
            return Some((format!("{}{sep}{timestamp}", self.client_id), None));
        }
        let upper;
        let bearer_token;
        let mut fields: Vec<&str> = vec![method, path];
        if let Some(t) = token {
            if bearer {
                bearer_token = format!("Bearer {t}");
                fields.push(&bearer_token);
            } else {
                fields.push(t);
            }
        }
        match form {
            HashForm::Lower => fields.push(hash),
            HashForm::Upper => {
                upper = hash.to_uppercase();
                fields.push(&upper);
            }
            HashForm::Empty => fields.push(""),
            HashForm::Omitted => {}
        }
        fields.push(timestamp);
        let mut s = String::with_capacity(fields.iter().map(|f| f.len() + 2).sum());
        if let Some(n) = double
            && n >= fields.len()
        {
            return None;
        }
        for (i, f) in fields.iter().enumerate() {
            if i > 0 {
                s.push(':');
                if double == Some(i) {
                    s.push(':');
                }
            }
            s.push_str(f);
        }
        Some((s, body))
    }

    /// All combinations, the SNAP form included (saturating).
    fn combinations(&self) -> usize {
        self.dims
            .iter()
            .fold(1usize, |acc, d| acc.saturating_mul(d.options.len() + 1))
    }

    fn mistakes(&self, choice: &[(usize, usize)]) -> Vec<Variant> {
        if choice.is_empty() {
            return vec![Variant::Spec];
        }
        choice
            .iter()
            .map(|&(d, o)| self.dims[d].options[o].0)
            .collect()
    }
}

/// Calls `f` with every choice of exactly the dimensions in `mask` (one
/// option each), until `f` returns false. Returns false when stopped.
fn each_choice(space: &Space, mask: u32, f: &mut dyn FnMut(&[Pick]) -> bool) -> bool {
    let dims: Vec<usize> = (0..space.dims.len())
        .filter(|d| mask & (1 << d) != 0)
        .collect();
    let mut idx = vec![0usize; dims.len()];
    loop {
        let choice: Choice = dims.iter().zip(&idx).map(|(&d, &o)| (d, o)).collect();
        if !f(&choice) {
            return false;
        }
        // odometer
        let mut i = dims.len();
        loop {
            if i == 0 {
                return true;
            }
            i -= 1;
            idx[i] += 1;
            if idx[i] < space.dims[dims[i]].options.len() {
                break;
            }
            idx[i] = 0;
        }
    }
}

/// What the search found.
struct Found {
    /// Choices at the first level that matched, all giving one string.
    matches: Vec<(Choice, Encoding)>,
    /// The matched string and the body it hashed.
    string: String,
    hashed_body: Option<Vec<u8>>,
}

struct Search {
    found: Option<Found>,
    tried: Vec<String>,
    strings: usize,
    exhausted: bool,
    complete_up_to: usize,
}

/// Tries the candidates level by level (fewest mistakes first) within
/// `budget` distinct strings; `check(string, decoded_signature)`.
fn search(
    space: &Space,
    sigs: &[(Encoding, Vec<u8>)],
    budget: usize,
    check: &dyn Fn(&[u8], &[u8]) -> bool,
) -> Search {
    let n = space.dims.len().min(16);
    // Rendering is cheap but not free: at most this many candidates are
    // written, checked or not.
    let cap = budget.saturating_mul(16).max(64);
    let mut seen: HashSet<String> = HashSet::new();
    let mut out = Search {
        found: None,
        tried: Vec::new(),
        strings: 0,
        exhausted: false,
        complete_up_to: 0,
    };
    let mut written = 0usize;
    for k in 0..=n {
        let mut stopped = false;
        let mut matched: Option<(String, Encoding)> = None;
        let mut level: Vec<(Choice, Encoding)> = Vec::new();
        let mut hashed_body = None;
        for mask in 0u32..(1u32 << n) {
            if mask.count_ones() as usize != k {
                continue;
            }
            let go_on = each_choice(space, mask, &mut |choice| {
                written += 1;
                if written > cap {
                    stopped = true;
                    return false;
                }
                let Some((s, body)) = space.render(choice) else {
                    return true;
                };
                if let Some((ms, enc)) = &matched {
                    if s == *ms {
                        level.push((choice.to_vec(), *enc));
                    }
                    return true;
                }
                if seen.contains(&s) {
                    return true;
                }
                if out.strings >= budget {
                    stopped = true;
                    return false;
                }
                out.strings += 1;
                if k <= 1 {
                    out.tried.push(
                        space
                            .mistakes(choice)
                            .iter()
                            .map(Variant::id)
                            .collect::<Vec<_>>()
                            .join("+"),
                    );
                }
                if let Some((enc, _)) = sigs.iter().find(|(_, sig)| check(s.as_bytes(), sig)) {
                    hashed_body = body.map(<[u8]>::to_vec);
                    level.push((choice.to_vec(), *enc));
                    matched = Some((s.clone(), *enc));
                }
                seen.insert(s);
                true
            });
            if !go_on {
                break;
            }
        }
        if let Some((string, _)) = matched {
            out.complete_up_to = k;
            out.found = Some(Found {
                matches: level,
                string,
                hashed_body,
            });
            return out;
        }
        if stopped {
            return out;
        }
        out.complete_up_to = k;
    }
    out.exhausted = true;
    out
}

/// The sender's language, as far as the request tells: factors for the
/// mistakes of that language, with the reason.
fn evidence(opts: &DoctorOptions, raw_body: &[u8]) -> Vec<(Family, u64, String)> {
    let mut ev = Vec::new();
    if let Some(ua) = &opts.user_agent {
        let l = ua.to_ascii_lowercase();
        let families: [(Family, &[&str]); 5] = [
            (
                Family::Php,
                &["php", "guzzle", "laravel", "symfony", "wordpress"],
            ),
            (
                Family::Python,
                &["python", "requests", "aiohttp", "httpx", "urllib"],
            ),
            (
                Family::Java,
                &[
                    "java",
                    "okhttp",
                    "apache-httpclient",
                    "spring",
                    "jersey",
                    "retrofit",
                ],
            ),
            (Family::Go, &["go-http-client", "resty"]),
            (
                Family::Js,
                &["node", "axios", "undici", "got (", "deno", "bun/"],
            ),
        ];
        for (family, words) in families {
            if let Some(w) = words.iter().find(|w| l.contains(*w)) {
                ev.push((family, 4, format!("the User-Agent \"{ua}\" names {w}")));
            }
        }
    }
    if raw_body.windows(2).any(|w| w == b"\\/") {
        ev.push((
            Family::Php,
            2,
            "the body as sent escapes \"/\" as \"\\/\", PHP's default".to_owned(),
        ));
    }
    if python_separators(raw_body) {
        ev.push((
            Family::Python,
            2,
            "the body as sent uses Python's default \", \" and \": \" separators".to_owned(),
        ));
    }
    ev
}

/// `", "` or `": "` outside strings, as Python's json.dumps writes.
fn python_separators(body: &[u8]) -> bool {
    let mut in_string = false;
    let mut escaped = false;
    for w in body.windows(2) {
        let b = w[0];
        if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
            continue;
        }
        if b == b'"' {
            in_string = true;
        } else if (b == b',' || b == b':') && w[1] == b' ' {
            return true;
        }
    }
    false
}

/// The found choices as [`Match`]es, likeliest first.
fn rank(
    space: &Space,
    found: &Found,
    ev: &[(Family, u64, String)],
    redact: &dyn Fn(&str) -> String,
) -> Vec<Match> {
    let mut out: Vec<Match> = found
        .matches
        .iter()
        .map(|(choice, enc)| {
            let mistakes = space.mistakes(choice);
            let mut likelihood: u64 = 1;
            let mut whys = Vec::new();
            let mut families = Vec::new();
            for m in &mistakes {
                let (w, why) = m.prior();
                likelihood = likelihood.saturating_mul(w);
                whys.push(why.to_owned());
                let fam = m.family();
                if fam != Family::Any && !families.contains(&fam) {
                    families.push(fam);
                }
            }
            for (fam, factor, why) in ev {
                if families.contains(fam) {
                    likelihood = likelihood.saturating_mul(*factor);
                    whys.push(why.clone());
                }
            }
            let explanation = if mistakes.len() == 1 {
                mistakes[0].explanation()
            } else {
                let parts: Vec<String> = mistakes
                    .iter()
                    .enumerate()
                    .map(|(i, m)| format!("({}) {}", i + 1, m.explanation()))
                    .collect();
                format!("{} mistakes together: {}", mistakes.len(), parts.join(" "))
            };
            Match {
                variant: mistakes[0],
                mistakes,
                encoding: *enc,
                string_to_sign: redact(&found.string),
                hashed_body: found
                    .hashed_body
                    .as_ref()
                    .map(|b| String::from_utf8_lossy(b).into_owned()),
                explanation,
                likelihood,
                reason: whys.join("; "),
            }
        })
        .collect();
    // Stable: equal likelihoods keep the search order.
    out.sort_by_key(|m| std::cmp::Reverse(m.likelihood));
    let n = out.len();
    if n > 1 {
        let ids: Vec<String> = out.iter().map(Match::id).collect();
        let top_l = out[0].likelihood;
        let next_l = out[1].likelihood;
        let top_reason = out[0].reason.clone();
        out[0].reason = if top_l > next_l {
            format!(
                "likeliest of the {n} explanations of these bytes (likelier than `{}`): {top_reason}",
                ids[1]
            )
        } else {
            format!(
                "as likely as `{}` (the request gives no evidence to tell them apart, e.g. a User-Agent): {top_reason}",
                ids[1]
            )
        };
        for (i, m) in out.iter_mut().enumerate().skip(1) {
            m.reason = format!("gives the same bytes; ranked {}: {}", i + 1, m.reason);
        }
    }
    out
}

fn body_variants(minified: &[u8], raw: &[u8]) -> Vec<(Variant, Vec<u8>)> {
    let esc = |slash, non_ascii, del| Escaping {
        slash,
        non_ascii,
        del,
        html: false,
    };
    let style = |escaping, numbers, spaced| Style {
        escaping,
        numbers,
        spaced,
        sort_keys: false,
    };
    let mut v = vec![(Variant::BodyNotMinified, raw.to_vec())];
    let reser = [
        (
            Variant::PhpEscapedSlashes,
            style(esc(true, false, false), Numbers::Keep, false),
        ),
        (
            Variant::PhpDefaultEscaping,
            style(esc(true, true, false), Numbers::Keep, false),
        ),
        (
            Variant::UnicodeEscaped,
            style(esc(false, true, true), Numbers::Keep, false),
        ),
        (
            Variant::PythonJsonDumps,
            style(esc(false, true, true), Numbers::Keep, true),
        ),
        (
            Variant::JsReserialized,
            style(Escaping::PLAIN, Numbers::Js, false),
        ),
        (
            Variant::NumbersRerendered,
            style(Escaping::PLAIN, Numbers::PyFloat, false),
        ),
        (
            Variant::PhpNumbersRerendered,
            style(Escaping::PLAIN, Numbers::Php, false),
        ),
        (
            Variant::PhpReencoded,
            style(esc(true, true, false), Numbers::Php, false),
        ),
        (
            Variant::PythonReencoded,
            style(esc(false, true, true), Numbers::PyFloat, true),
        ),
        (
            Variant::JavaNumbersRerendered,
            style(Escaping::PLAIN, Numbers::Java, false),
        ),
        (
            Variant::GoReencoded,
            Style {
                escaping: Escaping {
                    html: true,
                    ..Escaping::PLAIN
                },
                numbers: Numbers::Js,
                spaced: false,
                sort_keys: true,
            },
        ),
        (
            Variant::KeysSorted,
            Style {
                escaping: Escaping::PLAIN,
                numbers: Numbers::Keep,
                spaced: false,
                sort_keys: true,
            },
        ),
    ];
    for (variant, st) in reser {
        if let Some(b) = json::reserialize(minified, st) {
            v.push((variant, b));
        }
    }
    let stripped: Vec<u8> = minified
        .iter()
        .copied()
        .filter(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
        .collect();
    v.push((Variant::WhitespaceStrippedInStrings, stripped));
    if minified.is_empty() {
        v.push((Variant::EmptyBodyAsObject, b"{}".to_vec()));
        v.push((Variant::EmptyBodyAsArray, b"[]".to_vec()));
        v.push((Variant::EmptyBodyAsNull, b"null".to_vec()));
    }
    v
}

/// The mistakes of a transaction signature (`token` is `Some` for
/// symmetric); a note when the body is not JSON.
fn transaction_space(r: &Received<'_>, token: Option<&str>) -> (Space, Option<String>) {
    let mut note = None;
    let minified = match minify(r.body) {
        Ok(m) => m,
        Err(e) => {
            note = Some(format!("{e}; the SNAP form below hashes the raw body"));
            r.body.to_vec()
        }
    };
    let hash = body_sha256_hex(&minified);
    let mut dims = Vec::new();

    // 1. what was hashed (body bytes, or no hash at all)
    let mut body = Dim {
        options: Vec::new(),
    };
    for (variant, bytes) in body_variants(&minified, r.body) {
        if bytes != minified {
            let hash = body_sha256_hex(&bytes);
            body.options.push((variant, Edit::Body { bytes, hash }));
        }
    }
    body.options
        .push((Variant::HashOmitted, Edit::Hash(HashForm::Omitted)));
    body.options
        .push((Variant::HashEmpty, Edit::Hash(HashForm::Empty)));
    dims.push(body);
    // 2. the hash's case
    if hash.to_uppercase() != hash {
        dims.push(Dim {
            options: vec![(Variant::HashUppercase, Edit::Hash(HashForm::Upper))],
        });
    }
    // 3. the path
    dims.push(Dim {
        options: path_variants(r.path)
            .into_iter()
            .filter(|(_, p)| p != r.path)
            .map(|(v, p)| (v, Edit::Path(p)))
            .collect(),
    });
    // 4. the token
    if token.is_some() {
        dims.push(Dim {
            options: vec![
                (Variant::BearerKept, Edit::Bearer),
                (Variant::TokenOmitted, Edit::NoToken),
            ],
        });
    }
    // 5. the separators
    let separators: u8 = if token.is_some() { 4 } else { 3 };
    dims.push(Dim {
        options: (1..=separators)
            .map(|n| (Variant::DoubleColon(n), Edit::DoubleColon(n)))
            .collect(),
    });
    // 6. the method
    let lower = r.method.to_lowercase();
    if lower != r.method {
        dims.push(Dim {
            options: vec![(Variant::MethodLowercase, Edit::Method(lower))],
        });
    }
    // 7. the timestamp
    dims.push(Dim {
        options: timestamp_variants(r.timestamp)
            .into_iter()
            .filter(|(_, t)| t != r.timestamp)
            .map(|(v, t)| (v, Edit::Timestamp(t)))
            .collect(),
    });
    dims.retain(|d| !d.options.is_empty());
    let space = Space {
        shape: Shape::Transaction,
        method: r.method.to_owned(),
        path: r.path.to_owned(),
        token: token.map(str::to_owned),
        hash,
        timestamp: r.timestamp.to_owned(),
        client_id: String::new(),
        dims,
    };
    (space, note)
}

#[cfg(feature = "rsa")]
fn token_space(client_id: &str, ts: &str) -> Space {
    let mut dims = vec![Dim {
        options: vec![(Variant::PipeAsColon, Edit::Colon)],
    }];
    let times: Vec<(Variant, Edit)> = timestamp_variants(ts)
        .into_iter()
        .filter(|(_, t)| t != ts)
        .map(|(v, t)| (v, Edit::Timestamp(t)))
        .collect();
    if !times.is_empty() {
        dims.push(Dim { options: times });
    }
    Space {
        shape: Shape::Token,
        method: String::new(),
        path: String::new(),
        token: None,
        hash: String::new(),
        timestamp: ts.to_owned(),
        client_id: client_id.to_owned(),
        dims,
    }
}

/// The received signature under each encoding it decodes as.
fn decodings(signature: &str) -> Vec<(Encoding, Vec<u8>)> {
    let mut v = Vec::new();
    if let Ok(b) = STANDARD.decode(signature) {
        v.push((Encoding::Base64, b));
    }
    if let Some(b) = hex_decode(signature) {
        v.push((Encoding::Hex, b));
    }
    if (signature.contains(['-', '_']) || !signature.ends_with('='))
        && let Ok(b) = URL_SAFE_NO_PAD
            .decode(signature)
            .or_else(|_| URL_SAFE.decode(signature))
        && !v.iter().any(|(_, x)| *x == b)
    {
        v.push((Encoding::Base64Url, b));
    }
    v
}
fn outcome(r: Result<(), super::SignatureError>) -> (bool, Option<String>) {
    match r {
        Ok(()) => (true, None),
        Err(e) if e.is_mismatch() => (false, None),
        Err(e) => (false, Some(e.to_string())),
    }
}
/// Runs the search over `space` and writes the diagnosis.
#[allow(clippy::too_many_arguments)]
fn run(
    kind: SignatureKind,
    valid: bool,
    input_error: Option<String>,
    space: &Space,
    signature: &str,
    raw_body: &[u8],
    opts: &DoctorOptions,
    redact: &dyn Fn(&str) -> String,
    check: &dyn Fn(&[u8], &[u8]) -> bool,
) -> Diagnosis {
    let sigs = decodings(signature);
    let spec_string_to_sign = space
        .render(&[])
        .map(|(s, _)| redact(&s))
        .unwrap_or_default();
    let rsa = kind != SignatureKind::Symmetric;
    let s = search(space, &sigs, opts.budget(rsa), check);
    let matches = match &s.found {
        Some(found) => rank(space, found, &evidence(opts, raw_body), redact),
        None => Vec::new(),
    };
    Diagnosis {
        kind,
        valid,
        input_error,
        spec_string_to_sign,
        matched: matches.first().cloned(),
        matches,
        tried: s.tried,
        strings_tried: s.strings,
        combinations: space.combinations(),
        exhausted: s.exhausted,
        complete_up_to: s.complete_up_to,
    }
}

/// Diagnoses a symmetric (HMAC-SHA512) X-SIGNATURE. `access_token` is the raw
/// B2B token the request carried (without `Bearer `); it is shown as
/// `{accessToken}` in the report.
pub fn diagnose_symmetric(key: &HmacKey, access_token: &str, received: &Received<'_>) -> Diagnosis {
    diagnose_symmetric_with(key, access_token, received, &DoctorOptions::new())
}

/// [`diagnose_symmetric`] with a budget and what is known of the sender.
pub fn diagnose_symmetric_with(
    key: &HmacKey,
    access_token: &str,
    received: &Received<'_>,
    opts: &DoctorOptions,
) -> Diagnosis {
    let r = received;
    let input = r.input().access_token(access_token);
    let (valid, mut input_error) = outcome(Symmetric::verify_signature(key, &input, r.signature));
    let (space, note) = transaction_space(r, Some(access_token));
    input_error = input_error.or(note);
    let redact = |s: &str| {
        if access_token.is_empty() {
            s.to_owned()
        } else {
            s.replace(access_token, "{accessToken}")
        }
    };
    run(
        SignatureKind::Symmetric,
        valid,
        input_error,
        &space,
        r.signature,
        r.body,
        opts,
        &redact,
        &|msg, sig| super::hmac::ct_eq(&key.tag(msg), sig),
    )
}

#[cfg(feature = "rsa")]
#[cfg_attr(docsrs, doc(cfg(feature = "rsa")))]
/// Diagnoses an asymmetric (SHA256withRSA) transaction or notification X-SIGNATURE.
pub fn diagnose_asymmetric(key: &RsaPublicKey, received: &Received<'_>) -> Diagnosis {
    diagnose_asymmetric_with(key, received, &DoctorOptions::new())
}

#[cfg(feature = "rsa")]
#[cfg_attr(docsrs, doc(cfg(feature = "rsa")))]
/// [`diagnose_asymmetric`] with a budget and what is known of the sender.
pub fn diagnose_asymmetric_with(
    key: &RsaPublicKey,
    received: &Received<'_>,
    opts: &DoctorOptions,
) -> Diagnosis {
    let r = received;
    let (valid, mut input_error) =
        outcome(Asymmetric::verify_signature(key, &r.input(), r.signature));
    let (space, note) = transaction_space(r, None);
    input_error = input_error.or(note);
    run(
        SignatureKind::Asymmetric,
        valid,
        input_error,
        &space,
        r.signature,
        r.body,
        opts,
        &|s| s.to_owned(),
        &|msg, sig| key.verify_raw(msg, sig).is_ok(),
    )
}

#[cfg(feature = "rsa")]
#[cfg_attr(docsrs, doc(cfg(feature = "rsa")))]
/// Diagnoses an access-token X-SIGNATURE (`clientId|X-TIMESTAMP`).
pub fn diagnose_token(
    key: &RsaPublicKey,
    client_id: &str,
    timestamp: &str,
    signature: &str,
) -> Diagnosis {
    diagnose_token_with(key, client_id, timestamp, signature, &DoctorOptions::new())
}

#[cfg(feature = "rsa")]
#[cfg_attr(docsrs, doc(cfg(feature = "rsa")))]
/// [`diagnose_token`] with a budget and what is known of the sender.
pub fn diagnose_token_with(
    key: &RsaPublicKey,
    client_id: &str,
    timestamp: &str,
    signature: &str,
    opts: &DoctorOptions,
) -> Diagnosis {
    let input = SigningInput::default()
        .client_id(client_id)
        .timestamp(timestamp);
    let (valid, input_error) = outcome(AccessToken::verify_signature(key, &input, signature));
    run(
        SignatureKind::Token,
        valid,
        input_error,
        &token_space(client_id, timestamp),
        signature,
        b"",
        opts,
        &|s| s.to_owned(),
        &|msg, sig| key.verify_raw(msg, sig).is_ok(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamp_reformatting() {
        let v = timestamp_variants("2024-06-01T03:00:00.123Z");
        let get = |w: Variant| {
            v.iter()
                .find(|(x, _)| *x == w)
                .map(|(_, s)| s.clone())
                .unwrap()
        };
        assert_eq!(get(Variant::TimestampUtcZ), "2024-06-01T03:00:00Z");
        assert_eq!(get(Variant::TimestampJakarta), "2024-06-01T10:00:00+07:00");
        assert_eq!(
            get(Variant::TimestampJakartaMillis),
            "2024-06-01T10:00:00.123+07:00"
        );
        assert_eq!(get(Variant::TimestampNoFraction), "2024-06-01T03:00:00Z");
        let v = timestamp_variants("2024-01-01T02:30:00+07:00");
        assert!(v.iter().any(|(_, s)| s == "2023-12-31T19:30:00.000Z"));
        assert!(timestamp_variants("yesterday").is_empty());
    }

    #[test]
    fn path_variants_cover_query_and_prefix() {
        let v = path_variants("/snap/v1.0/x?b=2&a=1%3A");
        let ids: Vec<String> = v.iter().map(|(x, s)| format!("{}={s}", x.id())).collect();
        assert!(
            ids.contains(&"query-dropped=/snap/v1.0/x".to_owned()),
            "{ids:?}"
        );
        assert!(
            ids.contains(&"query-sorted=/snap/v1.0/x?a=1%3A&b=2".to_owned()),
            "{ids:?}"
        );
        assert!(
            ids.contains(&"query-decoded=/snap/v1.0/x?b=2&a=1:".to_owned()),
            "{ids:?}"
        );
        assert!(
            ids.contains(&"prefix-dropped=/v1.0/x?b=2&a=1%3A".to_owned()),
            "{ids:?}"
        );
        assert!(ids.contains(&"prefix-added:/openapi=/openapi/snap/v1.0/x?b=2&a=1%3A".to_owned()));
        assert!(!ids.iter().any(|s| s.starts_with("prefix-added:/snap=")));
    }

    #[test]
    fn civil_roundtrip() {
        for days in [-1000, 0, 19_000, 20_000, 60_000] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
    }
}
