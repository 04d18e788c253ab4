//! The signature doctor (issue 9): why does a received signature not match?
//!
//! Off the request path and separate from verification: [`diagnose_symmetric`],
//! [`diagnose_asymmetric`] and [`diagnose_token`] never make a signature
//! valid. They rebuild the SNAP string-to-sign, then a **fixed list** of
//! known sender mistakes, one mistake at a time, and report the first that
//! reproduces the received signature, with both strings-to-sign and a
//! one-sentence explanation. Each candidate is also checked with the
//! signature encoded as hex and as base64url, the one mistake that is combined
//! with all others.
//!
//! The list, in the order tried ([`Variant`] ids):
//!
//! | id | kinds | the sender... |
//! |---|---|---|
//! | `spec` | all | followed SNAP (only the encoding may differ) |
//! | `body-not-minified` | sym, asym | hashed the raw (pretty) body |
//! | `php-escaped-slashes` | sym, asym | re-encoded the body with PHP `json_encode(.., JSON_UNESCAPED_UNICODE)`: `/` -> `\/` |
//! | `php-default-escaping` | sym, asym | PHP `json_encode` defaults: `\/` and `\uXXXX` |
//! | `unicode-escaped` | sym, asym | non-ASCII as `\uXXXX` (PHP `JSON_UNESCAPED_SLASHES`, Python `ensure_ascii` compact) |
//! | `python-json-dumps` | sym, asym | Python `json.dumps` defaults: `", "`/`": "` separators and `\uXXXX` |
//! | `js-reserialized` | sym, asym | `JSON.stringify(JSON.parse(body))`: escapes normalised, numbers as doubles |
//! | `numbers-rerendered` | sym, asym | numbers re-rendered as floats (`1e2` -> `100.0`, `1.50` -> `1.5`) |
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
//! When nothing matches, the remaining known cause is a different client
//! secret / private key (or a different request); the diagnosis says so and
//! lists what was tried. Bounded: at most about 40 strings-to-sign, each
//! checked against at most 3 decodings of the signature.
//!
//! The diagnosis holds no secret: the access token is shown as `{accessToken}`
//! in every string, the client secret and keys never appear.

mod json;

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
    /// Numbers re-rendered as floats.
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
}

const PREFIXES: [&str; 3] = ["/snap", "/openapi", "/api"];

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

/// The variant that reproduced the received signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Match {
    /// The sender's mistake.
    pub variant: Variant,
    /// The encoding of the received signature.
    pub encoding: Encoding,
    /// The string the sender signed (access token shown as `{accessToken}`).
    pub string_to_sign: String,
    /// The body bytes the sender hashed, when the mistake is in the body.
    pub hashed_body: Option<String>,
    /// One sentence: what the sender did wrong and the fix.
    pub explanation: String,
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
    /// The first variant that reproduced the signature, if any.
    pub matched: Option<Match>,
    /// Ids of every variant tried, in order (variants that produced the same
    /// string as an earlier one are not repeated).
    pub tried: Vec<String>,
}

impl Diagnosis {
    /// One line for a provider's debug log: the verdict and the matched
    /// mistake, without the body or any secret (the full report, `Display`,
    /// also prints the body the sender hashed).
    pub fn summary(&self) -> String {
        let kind = self.kind.as_str();
        match &self.matched {
            _ if self.valid => format!("{kind} signature valid"),
            Some(m) => format!(
                "{kind} signature invalid: sender mistake `{}` (signature as {}): {}",
                m.variant.id(),
                m.encoding.as_str(),
                m.explanation
            ),
            None => format!(
                "{kind} signature invalid: no known mistake matches ({} tried); likely a different secret or key",
                self.tried.len()
            ),
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
                writeln!(
                    f,
                    "diagnosis:       matches known mistake `{}` (signature encoded as {})",
                    m.variant.id(),
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
            }
            None => {
                writeln!(
                    f,
                    "diagnosis:       no known variant matches ({} distinct strings tried, each against the signature read as base64, hex and base64url)",
                    self.tried.len()
                )?;
                writeln!(
                    f,
                    "likely cause:    a different client secret / key pair than the verifier's, or a different request (method, path, body or timestamp) than the one received"
                )?;
                writeln!(f, "tried:           {}", self.tried.join(", "))?;
            }
        }
        Ok(())
    }
}

/// A candidate string-to-sign.
struct Candidate {
    variant: Variant,
    string: String,
    hashed_body: Option<Vec<u8>>,
}

/// The parts of a transaction string-to-sign.
#[derive(Clone)]
struct Parts<'a> {
    method: String,
    path: String,
    token: Option<&'a str>,
    hash: String,
    timestamp: String,
}

impl Parts<'_> {
    fn join(&self) -> String {
        let mut f: Vec<&str> = vec![&self.method, &self.path];
        if let Some(t) = self.token {
            f.push(t);
        }
        f.push(&self.hash);
        f.push(&self.timestamp);
        f.join(":")
    }
}

fn body_variants(minified: &[u8], raw: &[u8]) -> Vec<(Variant, Vec<u8>)> {
    let esc = |slash, non_ascii, del| Escaping {
        slash,
        non_ascii,
        del,
    };
    let style = |escaping, numbers, spaced| Style {
        escaping,
        numbers,
        spaced,
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
            style(esc(false, false, false), Numbers::Js, false),
        ),
        (
            Variant::NumbersRerendered,
            style(esc(false, false, false), Numbers::PyFloat, false),
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

/// All candidate strings for a transaction signature (`token` is `Some` for symmetric).
fn transaction_candidates(
    r: &Received<'_>,
    token: Option<&str>,
) -> (Vec<Candidate>, Option<String>) {
    let mut note = None;
    let minified = match minify(r.body) {
        Ok(m) => m,
        Err(e) => {
            note = Some(format!("{e}; the SNAP form below hashes the raw body"));
            r.body.to_vec()
        }
    };
    let spec = Parts {
        method: r.method.to_owned(),
        path: r.path.to_owned(),
        token,
        hash: body_sha256_hex(&minified),
        timestamp: r.timestamp.to_owned(),
    };
    let mut c = vec![Candidate {
        variant: Variant::Spec,
        string: spec.join(),
        hashed_body: None,
    }];
    let with = |f: &dyn Fn(&mut Parts<'_>)| {
        let mut p = spec.clone();
        f(&mut p);
        p.join()
    };
    for (variant, body) in body_variants(&minified, r.body) {
        let hash = body_sha256_hex(&body);
        c.push(Candidate {
            variant,
            string: with(&|p| p.hash = hash.clone()),
            hashed_body: Some(body),
        });
    }
    let mut no_hash = spec.clone();
    let ts = no_hash.timestamp.clone();
    no_hash.hash = ts;
    no_hash.timestamp = String::new();
    let omitted = no_hash.join();
    c.push(Candidate {
        variant: Variant::HashOmitted,
        string: omitted[..omitted.len() - 1].to_owned(),
        hashed_body: None,
    });
    c.push(Candidate {
        variant: Variant::HashEmpty,
        string: with(&|p| p.hash.clear()),
        hashed_body: None,
    });
    c.push(Candidate {
        variant: Variant::HashUppercase,
        string: with(&|p| p.hash = p.hash.to_uppercase()),
        hashed_body: None,
    });
    for (variant, path) in path_variants(r.path) {
        c.push(Candidate {
            variant,
            string: with(&|p| p.path = path.clone()),
            hashed_body: None,
        });
    }
    if let Some(t) = token {
        let bearer = format!("Bearer {t}");
        c.push(Candidate {
            variant: Variant::BearerKept,
            string: format!(
                "{}:{}:{bearer}:{}:{}",
                spec.method, spec.path, spec.hash, spec.timestamp
            ),
            hashed_body: None,
        });
        c.push(Candidate {
            variant: Variant::TokenOmitted,
            string: with(&|p| p.token = None),
            hashed_body: None,
        });
    }
    let spec_string = spec.join();
    let seps: Vec<usize> = spec_string.match_indices(':').map(|(i, _)| i).collect();
    // the separators between fields (paths and timestamps contain colons too):
    let fields = if token.is_some() { 4 } else { 3 };
    let mut field_seps = Vec::new();
    let mut pos = spec.method.len();
    field_seps.push(pos);
    pos += 1 + spec.path.len();
    field_seps.push(pos);
    if let Some(t) = token {
        pos += 1 + t.len();
        field_seps.push(pos);
    }
    pos += 1 + spec.hash.len();
    field_seps.push(pos);
    debug_assert_eq!(field_seps.len(), fields);
    debug_assert!(field_seps.iter().all(|p| seps.contains(p)));
    for (n, at) in field_seps.iter().enumerate() {
        let mut s = spec_string.clone();
        s.insert(*at, ':');
        c.push(Candidate {
            variant: Variant::DoubleColon(u8::try_from(n + 1).unwrap_or(u8::MAX)),
            string: s,
            hashed_body: None,
        });
    }
    c.push(Candidate {
        variant: Variant::MethodLowercase,
        string: with(&|p| p.method = p.method.to_lowercase()),
        hashed_body: None,
    });
    for (variant, ts) in timestamp_variants(r.timestamp) {
        c.push(Candidate {
            variant,
            string: with(&|p| p.timestamp = ts.clone()),
            hashed_body: None,
        });
    }
    (c, note)
}

#[cfg(feature = "rsa")]
fn token_candidates(client_id: &str, ts: &str) -> Vec<Candidate> {
    let mut c = vec![
        Candidate {
            variant: Variant::Spec,
            string: format!("{client_id}|{ts}"),
            hashed_body: None,
        },
        Candidate {
            variant: Variant::PipeAsColon,
            string: format!("{client_id}:{ts}"),
            hashed_body: None,
        },
    ];
    for (variant, t) in timestamp_variants(ts) {
        c.push(Candidate {
            variant,
            string: format!("{client_id}|{t}"),
            hashed_body: None,
        });
    }
    c
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

/// Tries the candidates in order; `check(string, decoded_signature)`.
fn run(
    kind: SignatureKind,
    valid: bool,
    input_error: Option<String>,
    candidates: Vec<Candidate>,
    signature: &str,
    redact: &dyn Fn(&str) -> String,
    check: &dyn Fn(&[u8], &[u8]) -> bool,
) -> Diagnosis {
    let sigs = decodings(signature);
    let spec_string_to_sign = candidates
        .first()
        .map(|c| redact(&c.string))
        .unwrap_or_default();
    let mut tried = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    let mut matched = None;
    for c in &candidates {
        if seen.contains(&c.string.as_str()) {
            continue;
        }
        seen.push(&c.string);
        tried.push(c.variant.id());
        if let Some((enc, _)) = sigs.iter().find(|(_, sig)| check(c.string.as_bytes(), sig)) {
            matched = Some(Match {
                variant: c.variant,
                encoding: *enc,
                string_to_sign: redact(&c.string),
                hashed_body: c
                    .hashed_body
                    .as_ref()
                    .map(|b| String::from_utf8_lossy(b).into_owned()),
                explanation: c.variant.explanation(),
            });
            break;
        }
    }
    Diagnosis {
        kind,
        valid,
        input_error,
        spec_string_to_sign,
        matched,
        tried,
    }
}

fn outcome(r: Result<(), super::SignatureError>) -> (bool, Option<String>) {
    match r {
        Ok(()) => (true, None),
        Err(e) if e.is_mismatch() => (false, None),
        Err(e) => (false, Some(e.to_string())),
    }
}

/// Diagnoses a symmetric (HMAC-SHA512) X-SIGNATURE. `access_token` is the raw
/// B2B token the request carried (without `Bearer `); it is shown as
/// `{accessToken}` in the report.
pub fn diagnose_symmetric(key: &HmacKey, access_token: &str, received: &Received<'_>) -> Diagnosis {
    let r = received;
    let input = r.input().access_token(access_token);
    let (valid, mut input_error) = outcome(Symmetric::verify_signature(key, &input, r.signature));
    let (candidates, note) = transaction_candidates(r, Some(access_token));
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
        candidates,
        r.signature,
        &redact,
        &|msg, sig| super::hmac::ct_eq(&key.tag(msg), sig),
    )
}

#[cfg(feature = "rsa")]
#[cfg_attr(docsrs, doc(cfg(feature = "rsa")))]
/// Diagnoses an asymmetric (SHA256withRSA) transaction or notification X-SIGNATURE.
pub fn diagnose_asymmetric(key: &RsaPublicKey, received: &Received<'_>) -> Diagnosis {
    let r = received;
    let (valid, mut input_error) =
        outcome(Asymmetric::verify_signature(key, &r.input(), r.signature));
    let (candidates, note) = transaction_candidates(r, None);
    input_error = input_error.or(note);
    run(
        SignatureKind::Asymmetric,
        valid,
        input_error,
        candidates,
        r.signature,
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
    let input = SigningInput::default()
        .client_id(client_id)
        .timestamp(timestamp);
    let (valid, input_error) = outcome(AccessToken::verify_signature(key, &input, signature));
    run(
        SignatureKind::Token,
        valid,
        input_error,
        token_candidates(client_id, timestamp),
        signature,
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
