//! Wire helpers the declarations name: fields that accept two JSON forms on
//! input, and the path / query parameters of a request.
//!
//! **Two forms on input, the documented form on output.** Provider documents
//! and samples disagree about some scalar types; a declaration states the
//! documented type and accepts the other form:
//!
//! - `#[snap(accept_number)]` on a `String` field: a JSON number is accepted
//!   and kept as its exact text (`6011` -> `"6011"`, `10.50` -> `"10.50"`,
//!   never through a float); the field is sent as a string.
//! - `#[snap(accept_string)]` on an integer field: a JSON string of ASCII
//!   digits is accepted (`"6011"` -> `6011`); the field is sent as a number.
//!
//! `#[snap::request]` / `#[snap::model]` / `#[snap::response]` write the
//! `#[serde(deserialize_with = "...")]` for these keys; with the bare derives
//! write it yourself (the derive refuses an `accept_*` key without it):
//!
//! | field | serde attribute |
//! |---|---|
//! | `String` + `accept_number` | `#[serde(deserialize_with = "snap_core::wire::accept_number")]` |
//! | `Option<String>` + `accept_number` | `#[serde(default, deserialize_with = "snap_core::wire::accept_number_opt")]` |
//! | integer + `accept_string` | `#[serde(deserialize_with = "snap_core::wire::accept_string")]` |
//! | `Option<integer>` + `accept_string` | `#[serde(default, deserialize_with = "snap_core::wire::accept_string_opt")]` |
//!
//! ```
//! use snap_core as snap;
//!
//! #[snap::model]
//! pub struct Channel {
//!     #[snap(max = 4, accept_string)]
//!     pub channel_code: Option<u32>,
//!     #[snap(max = 20, accept_number)]
//!     pub customer_no: Option<String>,
//! }
//!
//! let a: Channel = serde_json::from_str(r#"{"channelCode":"6011","customerNo":62812}"#).unwrap();
//! let b: Channel = serde_json::from_str(r#"{"channelCode":6011,"customerNo":"62812"}"#).unwrap();
//! assert_eq!(a, b);
//! assert_eq!(serde_json::to_string(&a).unwrap(), r#"{"channelCode":6011,"customerNo":"62812"}"#);
//! ```
//!
//! The exact text of a number is kept when the body is parsed from its bytes
//! (`serde_json::from_slice`, what the provider side does). A body that went
//! through a `serde_json::Value` first keeps integers exactly, but a
//! fraction or an exponent is the `Value`'s rendering of it unless
//! serde_json's `arbitrary_precision` feature is on.
//!
//! **Path and query parameters.** `#[snap(path_param)]` puts a field into its
//! `{wireName}` path segment, `#[snap(query)]` into the query string; neither
//! is in the JSON body. [`Endpoint::target`](crate::endpoint::Endpoint::target)
//! builds the path as sent from them (with [`push_path_param`] and
//! [`Query`]); [`fill_target`] is the provider side: it copies them from a
//! received path and query into the parsed body before it is deserialized.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, Unexpected, Visitor};

use crate::endpoint::FieldMeta;
use crate::rules::{Path, Rule, Violation, Violations};

/// The text of a JSON string or number, exactly as written (strings
/// unescaped). Anything else is an error.
fn string_or_number_text<E: de::Error>(raw: &serde_json::value::RawValue) -> Result<String, E> {
    let text = raw.get();
    match text.as_bytes().first() {
        Some(b'"') => serde_json::from_str::<String>(text).map_err(E::custom),
        Some(b'-' | b'0'..=b'9') => Ok(text.to_owned()),
        _ => Err(E::invalid_type(
            unexpected_json(text),
            &"a string, or a number kept as its text",
        )),
    }
}

fn unexpected_json(text: &str) -> Unexpected<'_> {
    match text.as_bytes().first() {
        Some(b'{') => Unexpected::Map,
        Some(b'[') => Unexpected::Seq,
        Some(b't') => Unexpected::Bool(true),
        Some(b'f') => Unexpected::Bool(false),
        Some(b'n') => Unexpected::Unit,
        _ => Unexpected::Other(text),
    }
}

/// `accept_number` on a `String` field: a JSON string, or a JSON number kept
/// as its exact text (`6011` -> `"6011"`, `1.50` -> `"1.50"`, `1e3` ->
/// `"1e3"`); never through a float. JSON only (it reads the raw text).
pub fn accept_number<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    let raw = Box::<serde_json::value::RawValue>::deserialize(deserializer)?;
    string_or_number_text(&raw)
}

/// [`accept_number`] for an `Option<String>` field: absent (with
/// `#[serde(default)]`) or `null` is `None`.
pub fn accept_number_opt<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<String>, D::Error> {
    match Option::<Box<serde_json::value::RawValue>>::deserialize(deserializer)? {
        Some(raw) => string_or_number_text(&raw).map(Some),
        None => Ok(None),
    }
}

/// The integer types `accept_string` applies to.
#[diagnostic::on_unimplemented(
    message = "`accept_string` applies to integer fields, and `{Self}` is not one",
    label = "a JSON string of digits is read into an integer (`u8`..`u64`, `i8`..`i64`, `usize`)",
    note = "on a `String` field that providers send as a number, use `accept_number`"
)]
pub trait WireInteger: Sized {
    /// `v` if it fits.
    fn from_u64(v: u64) -> Option<Self>;
    /// `v` if it fits.
    fn from_i64(v: i64) -> Option<Self>;
    /// Decimal text (an optional `-`, then ASCII digits), if it fits.
    fn from_digits(text: &str) -> Option<Self>;
}

macro_rules! wire_integer {
    ($($t:ty),*) => {$(
        impl WireInteger for $t {
            fn from_u64(v: u64) -> Option<Self> {
                Self::try_from(v).ok()
            }
            fn from_i64(v: i64) -> Option<Self> {
                Self::try_from(v).ok()
            }
            fn from_digits(text: &str) -> Option<Self> {
                let digits = text.strip_prefix('-').unwrap_or(text);
                if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                text.parse().ok()
            }
        }
    )*};
}

wire_integer!(u8, u16, u32, u64, usize, i8, i16, i32, i64, isize);

struct IntegerVisitor<T>(std::marker::PhantomData<T>);

impl<T: WireInteger> Visitor<'_> for IntegerVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "an integer, or a string of ASCII digits, that fits {}",
            std::any::type_name::<T>()
        )
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<T, E> {
        T::from_u64(v).ok_or_else(|| E::invalid_value(Unexpected::Unsigned(v), &self))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<T, E> {
        T::from_i64(v).ok_or_else(|| E::invalid_value(Unexpected::Signed(v), &self))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<T, E> {
        Err(E::invalid_type(Unexpected::Float(v), &self))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        T::from_digits(v).ok_or_else(|| E::invalid_value(Unexpected::Str(v), &self))
    }
}

/// `accept_string` on an integer field: a JSON integer, or a JSON string of
/// ASCII digits (`"6011"`, `"-5"` for a signed type). Any other string, a
/// fraction or a value out of range is an error (the provider side reports it
/// at the field's wire path).
pub fn accept_string<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: WireInteger,
{
    deserializer.deserialize_any(IntegerVisitor(std::marker::PhantomData))
}

/// [`accept_string`] for an `Option<integer>` field: absent (with
/// `#[serde(default)]`) or `null` is `None`.
pub fn accept_string_opt<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: WireInteger,
{
    struct Wrap<T>(T);
    impl<'de, T: WireInteger> Deserialize<'de> for Wrap<T> {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            accept_string(d).map(Wrap)
        }
    }
    Ok(Option::<Wrap<T>>::deserialize(deserializer)?.map(|w| w.0))
}

/// A value a `path_param` or `query` field can hold: strings, integers,
/// `bool`, and `Option` of those (`None`: left out of the query).
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be sent as a path or query parameter",
    label = "`path_param` and `query` fields are strings, integers or bools (or an `Option` of one, for `query`)"
)]
pub trait TargetValue {
    /// The text to send (not yet percent-encoded), or `None` when absent.
    fn target_text(&self) -> Option<Cow<'_, str>>;
}

macro_rules! target_str {
    ($($t:ty),*) => {$(
        impl TargetValue for $t {
            fn target_text(&self) -> Option<Cow<'_, str>> {
                Some(Cow::Borrowed(self))
            }
        }
    )*};
}

target_str!(str, String, Box<str>, Cow<'_, str>);

macro_rules! target_display {
    ($($t:ty),*) => {$(
        impl TargetValue for $t {
            fn target_text(&self) -> Option<Cow<'_, str>> {
                Some(Cow::Owned(self.to_string()))
            }
        }
    )*};
}

target_display!(
    u8, u16, u32, u64, u128, usize, i8, i16, i32, i64, i128, isize, bool
);

impl<T: TargetValue + ?Sized> TargetValue for &T {
    fn target_text(&self) -> Option<Cow<'_, str>> {
        (**self).target_text()
    }
}

impl<T: TargetValue> TargetValue for Option<T> {
    fn target_text(&self) -> Option<Cow<'_, str>> {
        self.as_ref().and_then(TargetValue::target_text)
    }
}

/// RFC 3986 unreserved characters: everything else is percent-encoded.
fn unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')
}

/// Appends `text` percent-encoded: every byte outside the RFC 3986
/// unreserved set (`A-Z a-z 0-9 - . _ ~`) as `%XX` (upper-case hex, UTF-8
/// bytes), so `/`, `?`, `&`, `=`, space and non-ASCII never change the
/// path's or the query's structure.
pub fn push_encoded(out: &mut String, text: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for &b in text.as_bytes() {
        if unreserved(b) {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0xF)]));
        }
    }
}

/// Decodes `%XX` escapes (a `+` stays a `+`). `None` for a malformed escape
/// or bytes that are not UTF-8.
pub fn percent_decode(text: &str) -> Option<Cow<'_, str>> {
    if !text.contains('%') {
        return Some(Cow::Borrowed(text));
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            let hex = std::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok().map(Cow::Owned)
}

/// Appends a `path_param` field's value, percent-encoded, for its `{name}`
/// segment. An absent value appends nothing (validation has already refused
/// it: a path parameter is mandatory).
pub fn push_path_param<T: TargetValue + ?Sized>(out: &mut String, value: &T) {
    if let Some(text) = value.target_text() {
        push_encoded(out, &text);
    }
}

/// Appends `query` fields to a path: `?name=value&name=value`, in the order
/// of the calls, percent-encoded, absent values left out.
#[derive(Debug)]
pub struct Query<'a> {
    out: &'a mut String,
    first: bool,
}

impl<'a> Query<'a> {
    /// Starts a query after the path in `out`.
    pub fn new(out: &'a mut String) -> Self {
        let first = !out.contains('?');
        Query { out, first }
    }

    /// Appends `name=value` when `value` is present.
    pub fn pair<T: TargetValue + ?Sized>(&mut self, name: &str, value: &T) {
        if let Some(text) = value.target_text() {
            self.out.push(if self.first { '?' } else { '&' });
            self.first = false;
            push_encoded(self.out, name);
            self.out.push('=');
            push_encoded(self.out, &text);
        }
    }
}

/// The placeholder name of a path segment `{name}`, if it is one.
pub fn placeholder(segment: &str) -> Option<&str> {
    segment
        .strip_prefix('{')
        .and_then(|s| s.strip_suffix('}'))
        .filter(|s| !s.is_empty())
}

fn format_violation(path: &Path<'_>, reason: String) -> Violations {
    Violations::one(Violation {
        path: path.render(),
        rule: Rule::Format(reason),
    })
}

/// The value a received parameter becomes in the body: a JSON number for an
/// integer field whose text is an integer, else a JSON string (an integer
/// field then fails to deserialize, at its wire path).
fn param_value(field: &FieldMeta, text: &str) -> serde_json::Value {
    if field.integer {
        let digits = text.strip_prefix('-').unwrap_or(text);
        if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
            if let Ok(n) = text.parse::<u64>() {
                return n.into();
            }
            if let Ok(n) = text.parse::<i64>() {
                return n.into();
            }
        }
    }
    serde_json::Value::String(text.to_owned())
}

/// Provider side: copies the `path_param` and `query` fields of a received
/// request into `body`, its parsed JSON body, under their wire names, so
/// that deserializing `body` gives the whole request. What
/// [`Endpoint::from_target`](crate::endpoint::Endpoint::from_target)
/// runs for a declaration with such fields.
///
/// - `template` is the declared path (`/v1.0/x/{custIdMerchant}`); `path` the
///   received one, matched segment by segment from its end, so a deployment
///   prefix (`/snap`) is ignored; a `?query` on `path` is ignored (pass it as
///   `query`).
/// - `query` is the query string without `?` (`""` for none): `name=value`
///   pairs joined by `&`, percent-decoded (`+` is kept as `+`); names that
///   are not `query` fields are ignored; a `query` field named twice is a
///   violation.
/// - `body` is the parsed body: `null` (no body) becomes an object; any other
///   non-object is a violation. A parameter replaces a body member of the
///   same name.
///
/// Errors: a path that does not fit the template (a violation at the root),
/// a malformed percent-escape (at the parameter's wire name).
pub fn fill_target(
    template: &str,
    fields: &[FieldMeta],
    body: &mut serde_json::Value,
    path: &str,
    query: &str,
) -> Result<(), Violations> {
    let root = Path::root();
    if body.is_null() {
        *body = serde_json::Value::Object(serde_json::Map::new());
    }
    let Some(object) = body.as_object_mut() else {
        return Err(format_violation(
            &root,
            "the body must be a JSON object".to_owned(),
        ));
    };
    let path = path.split_once('?').map_or(path, |(p, _)| p);
    // Segments after the leading `/`: whatever comes before them in the
    // received path is the deployment prefix.
    let declared: Vec<&str> = template.split('/').skip(1).collect();
    let received: Vec<&str> = path.split('/').collect();
    if received.len() < declared.len() {
        return Err(format_violation(
            &root,
            format!("path `{path}` does not fit `{template}`"),
        ));
    }
    let received = &received[received.len() - declared.len()..];
    for (want, got) in declared.iter().zip(received) {
        match placeholder(want) {
            Some(name) => {
                let Some(field) = fields.iter().find(|f| f.path_param && f.wire == name) else {
                    continue;
                };
                let at = root.field(field.wire);
                let text = percent_decode(got).ok_or_else(|| {
                    format_violation(&at, "malformed percent-encoding".to_owned())
                })?;
                object.insert(field.wire.to_owned(), param_value(field, &text));
            }
            None if want == got => {}
            None => {
                return Err(format_violation(
                    &root,
                    format!("path `{path}` does not fit `{template}`"),
                ));
            }
        }
    }
    let mut seen: Vec<&str> = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let Some(name) = percent_decode(name) else {
            continue;
        };
        let Some(field) = fields.iter().find(|f| f.query && f.wire == name) else {
            continue;
        };
        let at = root.field(field.wire);
        if seen.contains(&field.wire) {
            return Err(format_violation(
                &at,
                "query parameter given more than once".to_owned(),
            ));
        }
        seen.push(field.wire);
        let text = percent_decode(value)
            .ok_or_else(|| format_violation(&at, "malformed percent-encoding".to_owned()))?;
        object.insert(field.wire.to_owned(), param_value(field, &text));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(serde::Deserialize, Debug, PartialEq)]
    struct Num {
        #[serde(deserialize_with = "accept_number")]
        a: String,
        #[serde(default, deserialize_with = "accept_number_opt")]
        b: Option<String>,
    }

    #[derive(serde::Deserialize, Debug, PartialEq)]
    struct Int {
        #[serde(deserialize_with = "accept_string")]
        a: u16,
        #[serde(default, deserialize_with = "accept_string_opt")]
        b: Option<i32>,
    }

    #[test]
    fn accept_number_keeps_the_exact_text() {
        for (json, want) in [
            (r#"{"a":6011}"#, "6011"),
            (r#"{"a":"6011"}"#, "6011"),
            (r#"{"a":10.50}"#, "10.50"),
            (r#"{"a":1e3}"#, "1e3"),
            (r#"{"a":-0.0}"#, "-0.0"),
            (
                r#"{"a":123456789012345678901234567890}"#,
                "123456789012345678901234567890",
            ),
            (r#"{"a":"a\"b"}"#, "a\"b"),
        ] {
            let v: Num = serde_json::from_str(json).unwrap();
            assert_eq!(v.a, want, "{json}");
            assert_eq!(v.b, None);
        }
        let v: Num = serde_json::from_slice(br#"{"a":"x","b":0.10}"#).unwrap();
        assert_eq!(v.b.as_deref(), Some("0.10"));
        let v: Num = serde_json::from_str(r#"{"a":"x","b":null}"#).unwrap();
        assert_eq!(v.b, None);
        for bad in [
            r#"{"a":true}"#,
            r#"{"a":{}}"#,
            r#"{"a":[1]}"#,
            r#"{"a":null}"#,
        ] {
            let err = serde_json::from_str::<Num>(bad).unwrap_err().to_string();
            assert!(err.contains("a string, or a number"), "{bad}: {err}");
        }
        // Through a Value: integers stay exact.
        let v: Num = serde_json::from_value(json!({"a": 6011, "b": 7})).unwrap();
        assert_eq!((v.a.as_str(), v.b.as_deref()), ("6011", Some("7")));
    }

    #[test]
    fn accept_string_reads_digits_into_integers() {
        let v: Int = serde_json::from_str(r#"{"a":"6011","b":"-5"}"#).unwrap();
        assert_eq!(
            v,
            Int {
                a: 6011,
                b: Some(-5)
            }
        );
        let v: Int = serde_json::from_str(r#"{"a":6011}"#).unwrap();
        assert_eq!(v, Int { a: 6011, b: None });
        let v: Int = serde_json::from_value(json!({"a": "7", "b": null})).unwrap();
        assert_eq!(v, Int { a: 7, b: None });
        for bad in [
            r#"{"a":"60a1"}"#,
            r#"{"a":""}"#,
            r#"{"a":" 1"}"#,
            r#"{"a":"+1"}"#,
            r#"{"a":"-1"}"#,
            r#"{"a":"70000"}"#,
            r#"{"a":70000}"#,
            r#"{"a":1.5}"#,
            r#"{"a":true}"#,
        ] {
            let err = serde_json::from_str::<Int>(bad).unwrap_err().to_string();
            assert!(err.contains("a string of ASCII digits"), "{bad}: {err}");
        }
    }

    #[test]
    fn encoding_keeps_unreserved_and_escapes_the_rest() {
        let mut out = String::new();
        push_encoded(&mut out, "aZ09-._~ /?&=%+é");
        assert_eq!(out, "aZ09-._~%20%2F%3F%26%3D%25%2B%C3%A9");
        assert_eq!(percent_decode(&out).as_deref(), Some("aZ09-._~ /?&=%+é"));
        assert_eq!(percent_decode("a+b").as_deref(), Some("a+b"));
        assert_eq!(percent_decode("%2"), None);
        assert_eq!(percent_decode("%zz"), None);
        assert_eq!(percent_decode("%FF"), None);
    }

    #[test]
    fn query_pairs_in_order_absent_left_out() {
        let mut out = String::from("/v1.0/get-auth-code");
        let mut q = Query::new(&mut out);
        q.pair("redirectUrl", "https://m.example/cb?x=1");
        q.pair("lang", &None::<String>);
        q.pair("seamlessData", &Some(12u32));
        q.pair("allowRegistration", &true);
        assert_eq!(
            out,
            "/v1.0/get-auth-code?redirectUrl=https%3A%2F%2Fm.example%2Fcb%3Fx%3D1&seamlessData=12&allowRegistration=true"
        );
        let mut none = String::from("/p");
        Query::new(&mut none).pair("a", &None::<u8>);
        assert_eq!(none, "/p");
    }

    fn meta(wire: &'static str, path_param: bool, query: bool, integer: bool) -> FieldMeta {
        FieldMeta {
            name: wire,
            wire,
            mandatory: true,
            max: None,
            len: None,
            digits: false,
            one_of: None,
            required_if: None,
            skipped: false,
            accept_number: false,
            accept_string: false,
            integer,
            path_param,
            query,
        }
    }

    #[test]
    fn fill_target_copies_params_into_the_body() {
        let fields = [
            meta("custIdMerchant", true, false, false),
            meta("lang", false, true, false),
            meta("limit", false, true, true),
            meta("other", false, false, false),
        ];
        let template = "/v1.0/registration-card-inquiry/custIdMerchant/{custIdMerchant}";
        let mut body = serde_json::Value::Null;
        fill_target(
            template,
            &fields,
            &mut body,
            "/snap/v1.0/registration-card-inquiry/custIdMerchant/a%20b%2Fc",
            "lang=id&limit=20&other=x&unknown=1",
        )
        .unwrap();
        assert_eq!(
            body,
            json!({"custIdMerchant": "a b/c", "lang": "id", "limit": 20})
        );

        let mut body = json!({"custIdMerchant": "from-body"});
        fill_target(
            template,
            &fields,
            &mut body,
            &template.replace("{custIdMerchant}", "P"),
            "limit=x",
        )
        .unwrap();
        assert_eq!(body, json!({"custIdMerchant": "P", "limit": "x"}));

        let err = fill_target(
            template,
            &fields,
            &mut json!({}),
            "/v1.0/other/custIdMerchant/1",
            "",
        )
        .unwrap_err();
        assert_eq!(err.primary().path, "");
        let err = fill_target(template, &fields, &mut json!({}), "/1", "").unwrap_err();
        assert!(err.to_string().contains("does not fit"), "{err}");
        let err = fill_target(
            template,
            &fields,
            &mut json!({}),
            &template.replace("{custIdMerchant}", "%zz"),
            "",
        )
        .unwrap_err();
        assert_eq!(err.primary().path, "custIdMerchant");
        let err = fill_target(
            template,
            &fields,
            &mut json!({}),
            &template.replace("{custIdMerchant}", "1"),
            "lang=a&lang=b",
        )
        .unwrap_err();
        assert_eq!(err.primary().path, "lang");
        let err = fill_target(template, &fields, &mut json!([]), template, "").unwrap_err();
        assert!(err.to_string().contains("JSON object"), "{err}");
    }
}
