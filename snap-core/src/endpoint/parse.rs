//! Reading a received body: [`parse_request`], the one parser every receiver
//! uses (the provider side's admit step, `snap validate` through the
//! registry, the sandbox).
//!
//! A valid body costs one `serde_json::from_slice` into the request type and
//! one validation, nothing more. Any other body is parsed again, as a
//! `serde_json::Value`, and deserialized into the request type through a
//! small deserializer of this module whose error type is structured: serde
//! itself tells it which member is missing (`de::Error::missing_field`),
//! which member is unknown (`de::Error::unknown_field`) and where a value was
//! refused (the deserializer tracks the path it is in). No message text of
//! serde's is ever read. Each problem is recorded, replaced by a placeholder
//! of a shape serde accepts, and the tree deserialized again, so that every
//! problem of the body is reported, not only serde's first.

use std::fmt;

use serde::de::value::BorrowedStrDeserializer;
use serde::de::{
    self, DeserializeOwned, DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess,
    Unexpected, VariantAccess, Visitor,
};
use serde_json::{Map, Value};

use super::Validate;
use crate::rules::{Rule, Violation, Violations};

/// Why a received body was refused by [`parse_request`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RequestError {
    /// Not JSON at all: a syntax error, a truncated body, bytes after the
    /// value (SNAP: `400{SS}00 Bad Request`).
    #[error("request body is not valid JSON: {0}")]
    NotJson(String),
    /// JSON, but members are missing, malformed or break their rules: every
    /// violation, with wire paths (SNAP: 400SS02 / 400SS01, see
    /// [`Violations::to_error_body`]).
    #[error("{0}")]
    Invalid(Violations),
}

/// Parses a received body into `T` and validates it, reporting **every**
/// violation with its wire path: the provider side's parse step, what
/// `snap validate` runs, what the sandbox answers with.
///
/// - invalid JSON (syntax, truncated, trailing bytes) -> [`RequestError::NotJson`];
/// - JSON that is not an object -> one [`Rule::Format`] violation at the
///   root (path `""`);
/// - otherwise [`RequestError::Invalid`] with, in the order found: every
///   missing non-`Option` member ([`Rule::Missing`] at its wire path,
///   `voidAmount.value` included), every member of the wrong JSON type or
///   refused by its type (a bad money amount, a bad timestamp:
///   [`Rule::Format`] at its path), every unknown member of a type that
///   denies them, and every field-rule violation of the members that did
///   parse. A violation under a reported member is not reported again (a
///   missing `voidAmount` is one violation, not one per member);
/// - a member sent twice in one object is refused ([`Rule::Format`] at the
///   root), as `serde_json` refuses it.
///
/// A body that parses and validates is returned as parsed by
/// `serde_json::from_slice::<T>`; no other value is ever returned.
///
/// ```
/// use serde::Deserialize;
/// use snap_core::SnapModel;
/// use snap_core::endpoint::{RequestError, parse_request};
/// use snap_core::money::Money;
///
/// #[derive(Debug, Deserialize, SnapModel)]
/// #[serde(rename_all = "camelCase")]
/// struct Refund {
///     #[snap(max = 8)]
///     partner_refund_no: String,
///     refund_amount: Money,
///     #[snap(max = 64)]
///     merchant_id: String,
/// }
///
/// // A type error, a too-long member and a missing member: all three.
/// let body = br#"{"partnerRefundNo":"123456789","refundAmount":{"value":10,"currency":7}}"#;
/// let Err(RequestError::Invalid(v)) = parse_request::<Refund>(body) else { panic!() };
/// let paths: Vec<&str> = v.iter().map(|v| v.path.as_str()).collect();
/// assert_eq!(paths, ["refundAmount.currency", "merchantId", "partnerRefundNo"]);
/// ```
pub fn parse_request<T>(body: &[u8]) -> Result<T, RequestError>
where
    T: DeserializeOwned + Validate,
{
    // Fast path: an object that parses straight into `T`. Its rule
    // violations are all there is to report.
    let is_object = body
        .iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|&b| b == b'{');
    let strict = if is_object {
        match serde_json::from_slice::<T>(body) {
            Ok(typed) => {
                return match typed.validate() {
                    Ok(()) => Ok(typed),
                    Err(v) => Err(RequestError::Invalid(v)),
                };
            }
            Err(e) => Some(e),
        }
    } else {
        None
    };

    let mut value: Value =
        serde_json::from_slice(body).map_err(|e| RequestError::NotJson(e.to_string()))?;
    if !value.is_object() {
        // serde would read a struct from an array too; SNAP bodies are objects.
        return Err(invalid_at_root("the body must be a JSON object".to_owned()));
    }
    match collect::<T>(&mut value) {
        Some(all) => Err(RequestError::Invalid(all)),
        // The tree fits `T` but the bytes did not: what only the bytes show,
        // a member sent twice (the tree keeps the last one), or a money
        // amount whose exact text is refused (a JSON number the tree holds
        // as a float). Where the bytes failed is found by deserializing
        // them again with the path tracked.
        None => Err(bytes_refusal::<T>(body).unwrap_or_else(|| {
            invalid_at_root(strict.map_or_else(
                || "the body does not fit the request type".to_owned(),
                |e| e.to_string(),
            ))
        })),
    }
}

/// The violation at the path where `body` itself (not its tree) is refused.
fn bytes_refusal<T: DeserializeOwned>(body: &[u8]) -> Option<RequestError> {
    let mut de = serde_json::Deserializer::from_slice(body);
    let err = serde_path_to_error::deserialize::<_, T>(&mut de).err()?;
    let mut path = Vec::new();
    for seg in err.path().iter() {
        match seg {
            serde_path_to_error::Segment::Map { key } => path.push(Seg::Key(key.clone())),
            serde_path_to_error::Segment::Seq { index } => path.push(Seg::Index(*index)),
            _ => {}
        }
    }
    Some(RequestError::Invalid(Violations::one(Violation {
        path: render(&path, None),
        rule: Rule::Format(err.into_inner().to_string()),
    })))
}

fn invalid_at_root(reason: String) -> RequestError {
    RequestError::Invalid(Violations::one(Violation {
        path: String::new(),
        rule: Rule::Format(reason),
    }))
}

/// Most deserialization rounds of one body: each round records one problem
/// or changes one placeholder's shape.
const MAX_ROUNDS: usize = 256;

/// The shapes tried, in order, for a missing or refused member: the JSON
/// kinds, then one valid value of each string-encoded snap-core type
/// (currency, money value, timestamp), so that parsing can go on past it.
const PLACEHOLDERS: &[fn() -> Value] = &[
    || Value::String(String::new()),
    || Value::Object(Map::new()),
    || Value::Array(Vec::new()),
    || Value::from(0),
    || Value::Bool(false),
    || Value::from("IDR"),
    || Value::from("0.00"),
    || Value::from("2000-01-01T00:00:00+07:00"),
];

/// Every violation of `value` as a `T`; `None` when it deserializes and
/// validates clean. Placeholders are written into `value` as problems are
/// found; they never reach the caller (a body with a violation is never
/// returned).
fn collect<T>(value: &mut Value) -> Option<Violations>
where
    T: DeserializeOwned + Validate,
{
    let mut found: Vec<Violation> = Vec::new();
    // Where placeholders were put (reported, or under a reported member).
    let mut filled: Vec<String> = Vec::new();
    for _ in 0..MAX_ROUNDS {
        let refusal = match T::deserialize(ValueDe(value)) {
            Ok(typed) => {
                // Rule violations under a member serde refused come from its
                // placeholder: dropped. The others are all kept, as the
                // fast path keeps them.
                if let Err(rules) = typed.validate() {
                    let refused = found.len();
                    for v in rules.into_vec() {
                        if !found[..refused].iter().any(|f| covers(&f.path, &v.path)) {
                            found.push(v);
                        }
                    }
                }
                return Violations::from_vec(found);
            }
            Err(refusal) => refusal,
        };
        let at = refusal.path();
        match refusal.kind {
            Problem::Missing(field) => {
                let path = render(&at, Some(field));
                if filled.contains(&path) {
                    break;
                }
                record(&mut found, path.clone(), Rule::Missing);
                filled.push(path);
                match object_at(value, &at) {
                    Some(obj) => obj.insert(field.to_owned(), PLACEHOLDERS[0]()),
                    None => break,
                };
            }
            Problem::Unknown { field, reason } => {
                record(&mut found, render(&at, Some(&field)), Rule::Format(reason));
                match object_at(value, &at) {
                    Some(obj) => obj.remove(&field),
                    None => break,
                };
            }
            Problem::Format(reason) => {
                let path = render(&at, None);
                // A placeholder of the wrong shape: try the next shape.
                if filled.contains(&path)
                    && let Some(next) = next_placeholder(value, &at)
                {
                    replace_at(value, &at, next);
                    continue;
                }
                record(&mut found, path.clone(), Rule::Format(reason));
                // Go on past a refused member to find the others.
                if at.is_empty() || filled.contains(&path) {
                    break;
                }
                replace_at(value, &at, PLACEHOLDERS[0]);
                filled.push(path);
            }
        }
    }
    Some(Violations::from_vec(found).unwrap_or_else(|| {
        Violations::one(Violation {
            path: String::new(),
            rule: Rule::Format("the body does not fit the request type".to_owned()),
        })
    }))
}

/// Records a violation unless it lies under one already recorded.
fn record(found: &mut Vec<Violation>, path: String, rule: Rule) {
    if !found.iter().any(|f| covers(&f.path, &path)) {
        found.push(Violation { path, rule });
    }
}

/// `path` is `prefix` or lies under it.
fn covers(prefix: &str, path: &str) -> bool {
    path == prefix
        || path
            .strip_prefix(prefix)
            .is_some_and(|rest| rest.starts_with(['.', '[']))
}

/// One step of a path into a JSON tree.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Seg {
    Key(String),
    Index(usize),
}

/// A path as SNAP writes wire paths (`items[0].price.value`), with `field`
/// appended when given.
fn render(path: &[Seg], field: Option<&str>) -> String {
    let mut out = String::new();
    let key = |out: &mut String, k: &str| {
        if !out.is_empty() {
            out.push('.');
        }
        out.push_str(k);
    };
    for seg in path {
        match seg {
            Seg::Key(k) => key(&mut out, k),
            Seg::Index(i) => {
                out.push('[');
                out.push_str(&i.to_string());
                out.push(']');
            }
        }
    }
    if let Some(f) = field {
        key(&mut out, f);
    }
    out
}

fn pointer<'a>(root: &'a Value, path: &[Seg]) -> Option<&'a Value> {
    path.iter().try_fold(root, |cur, seg| match seg {
        Seg::Key(k) => cur.get(k.as_str()),
        Seg::Index(i) => cur.get(*i),
    })
}

fn pointer_mut<'a>(root: &'a mut Value, path: &[Seg]) -> Option<&'a mut Value> {
    path.iter().try_fold(root, |cur, seg| match seg {
        Seg::Key(k) => cur.get_mut(k.as_str()),
        Seg::Index(i) => cur.get_mut(*i),
    })
}

fn object_at<'a>(root: &'a mut Value, path: &[Seg]) -> Option<&'a mut Map<String, Value>> {
    pointer_mut(root, path).and_then(Value::as_object_mut)
}

/// The placeholder after the one now at `path`, if a placeholder is there.
fn next_placeholder(root: &Value, path: &[Seg]) -> Option<fn() -> Value> {
    let current = pointer(root, path)?;
    let pos = PLACEHOLDERS.iter().position(|make| make() == *current)?;
    PLACEHOLDERS.get(pos + 1).copied()
}

fn replace_at(root: &mut Value, path: &[Seg], make: fn() -> Value) {
    if let Some(slot) = pointer_mut(root, path) {
        *slot = make();
    }
}

/// What serde refused, as serde said it (through [`de::Error`]'s methods),
/// and where.
#[derive(Debug)]
struct Refusal {
    kind: Problem,
    /// Innermost segment first (pushed while the error travels up).
    rev_path: Vec<Seg>,
}

#[derive(Debug)]
enum Problem {
    /// `de::Error::missing_field`: a non-`Option` member is absent from the
    /// object at the path.
    Missing(&'static str),
    /// `de::Error::unknown_field`: the object at the path has a member its
    /// type denies.
    Unknown { field: String, reason: String },
    /// Anything else: the value at the path was refused, for `reason`.
    Format(String),
}

impl Refusal {
    fn under(mut self, seg: Seg) -> Self {
        self.rev_path.push(seg);
        self
    }

    fn path(&self) -> Vec<Seg> {
        self.rev_path.iter().rev().cloned().collect()
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            Problem::Missing(field) => write!(f, "missing member `{field}`"),
            Problem::Unknown { reason, .. } | Problem::Format(reason) => f.write_str(reason),
        }
    }
}

impl std::error::Error for Refusal {}

impl de::Error for Refusal {
    fn custom<M: fmt::Display>(msg: M) -> Self {
        Refusal {
            kind: Problem::Format(msg.to_string()),
            rev_path: Vec::new(),
        }
    }

    fn missing_field(field: &'static str) -> Self {
        Refusal {
            kind: Problem::Missing(field),
            rev_path: Vec::new(),
        }
    }

    fn unknown_field(field: &str, expected: &'static [&'static str]) -> Self {
        let reason = if expected.is_empty() {
            "unknown member; this object has none".to_owned()
        } else {
            format!("unknown member; expected one of {}", expected.join(", "))
        };
        Refusal {
            kind: Problem::Unknown {
                field: field.to_owned(),
                reason,
            },
            rev_path: Vec::new(),
        }
    }
}

fn unexpected(v: &Value) -> Unexpected<'_> {
    match v {
        Value::Null => Unexpected::Unit,
        Value::Bool(b) => Unexpected::Bool(*b),
        Value::Number(n) => match (n.as_u64(), n.as_i64(), n.as_f64()) {
            (Some(u), _, _) => Unexpected::Unsigned(u),
            (None, Some(i), _) => Unexpected::Signed(i),
            (None, None, Some(f)) => Unexpected::Float(f),
            (None, None, None) => Unexpected::Other("number"),
        },
        Value::String(s) => Unexpected::Str(s),
        Value::Array(_) => Unexpected::Seq,
        Value::Object(_) => Unexpected::Map,
    }
}

/// The newtype name serde_json's `RawValue` asks its deserializer for
/// (`serde_json::raw::TOKEN`, not public).
const RAW_VALUE_TOKEN: &str = "$serde_json::private::RawValue";

/// Deserializes from a JSON tree as `serde_json::Value`'s own deserializer
/// does, with a [`Refusal`] for error.
struct ValueDe<'de>(&'de Value);

impl<'de> Deserializer<'de> for ValueDe<'de> {
    type Error = Refusal;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Refusal> {
        match self.0 {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::Number(n) => match (n.as_u64(), n.as_i64(), n.as_f64()) {
                (Some(u), _, _) => visitor.visit_u64(u),
                (None, Some(i), _) => visitor.visit_i64(i),
                (None, None, Some(f)) => visitor.visit_f64(f),
                (None, None, None) => Err(de::Error::custom("number out of range")),
            },
            Value::String(s) => visitor.visit_borrowed_str(s),
            Value::Array(a) => visit_array(a, visitor),
            Value::Object(m) => visit_object(m, visitor),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Refusal> {
        match self.0 {
            Value::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Refusal> {
        // serde_json's `RawValue` (what `accept_number` fields read): the
        // tree's own deserializer writes the member back as its JSON text.
        if name == RAW_VALUE_TOKEN {
            return Deserializer::deserialize_newtype_struct(self.0, name, visitor)
                .map_err(de::Error::custom);
        }
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Refusal> {
        match self.0 {
            Value::String(s) => visitor.visit_enum(BorrowedStrDeserializer::<Refusal>::new(s)),
            Value::Object(m) => {
                let mut it = m.iter();
                match (it.next(), it.next()) {
                    (Some((variant, value)), None) => visitor.visit_enum(EnumDe { variant, value }),
                    _ => Err(de::Error::invalid_value(
                        Unexpected::Map,
                        &"a map with a single key",
                    )),
                }
            }
            other => Err(de::Error::invalid_type(
                unexpected(other),
                &"a string or a map",
            )),
        }
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct seq tuple tuple_struct map struct
        identifier ignored_any
    }
}

fn visit_array<'de, V: Visitor<'de>>(a: &'de [Value], visitor: V) -> Result<V::Value, Refusal> {
    let mut seq = SeqDe {
        iter: a.iter(),
        index: 0,
    };
    let out = visitor.visit_seq(&mut seq)?;
    if seq.iter.len() == 0 {
        Ok(out)
    } else {
        Err(de::Error::invalid_length(
            a.len(),
            &"fewer elements in array",
        ))
    }
}

fn visit_object<'de, V: Visitor<'de>>(
    m: &'de Map<String, Value>,
    visitor: V,
) -> Result<V::Value, Refusal> {
    let mut map = MapDe {
        iter: m.iter(),
        value: None,
    };
    let out = visitor.visit_map(&mut map)?;
    if map.iter.len() == 0 {
        Ok(out)
    } else {
        Err(de::Error::invalid_length(m.len(), &"fewer elements in map"))
    }
}

struct SeqDe<'de> {
    iter: std::slice::Iter<'de, Value>,
    index: usize,
}

impl<'de> SeqAccess<'de> for SeqDe<'de> {
    type Error = Refusal;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Refusal> {
        let Some(v) = self.iter.next() else {
            return Ok(None);
        };
        let i = self.index;
        self.index += 1;
        seed.deserialize(ValueDe(v))
            .map(Some)
            .map_err(|e| e.under(Seg::Index(i)))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.iter.len())
    }
}

struct MapDe<'de> {
    iter: serde_json::map::Iter<'de>,
    value: Option<(&'de str, &'de Value)>,
}

impl<'de> MapAccess<'de> for MapDe<'de> {
    type Error = Refusal;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Refusal> {
        let Some((k, v)) = self.iter.next() else {
            return Ok(None);
        };
        self.value = Some((k, v));
        // A key refused (an unknown member) is reported at the object: the
        // member's name is in the refusal.
        seed.deserialize(BorrowedStrDeserializer::new(k)).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Refusal> {
        match self.value.take() {
            Some((k, v)) => seed
                .deserialize(ValueDe(v))
                .map_err(|e| e.under(Seg::Key(k.to_owned()))),
            None => Err(de::Error::custom(
                "a map value was asked for before its key",
            )),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.iter.len())
    }
}

struct EnumDe<'de> {
    variant: &'de str,
    value: &'de Value,
}

impl<'de> EnumAccess<'de> for EnumDe<'de> {
    type Error = Refusal;
    type Variant = VariantDe<'de>;

    fn variant_seed<V: DeserializeSeed<'de>>(
        self,
        seed: V,
    ) -> Result<(V::Value, VariantDe<'de>), Refusal> {
        let v = seed.deserialize(BorrowedStrDeserializer::<Refusal>::new(self.variant))?;
        Ok((
            v,
            VariantDe {
                variant: self.variant,
                value: self.value,
            },
        ))
    }
}

struct VariantDe<'de> {
    variant: &'de str,
    value: &'de Value,
}

impl<'de> VariantAccess<'de> for VariantDe<'de> {
    type Error = Refusal;

    fn unit_variant(self) -> Result<(), Refusal> {
        match self.value {
            Value::Null => Ok(()),
            other => Err(de::Error::invalid_type(unexpected(other), &"unit variant")),
        }
        .map_err(|e: Refusal| e.under(Seg::Key(self.variant.to_owned())))
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, Refusal> {
        seed.deserialize(ValueDe(self.value))
            .map_err(|e| e.under(Seg::Key(self.variant.to_owned())))
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, Refusal> {
        match self.value {
            Value::Array(a) => visit_array(a, visitor),
            other => Err(de::Error::invalid_type(unexpected(other), &"tuple variant")),
        }
        .map_err(|e| e.under(Seg::Key(self.variant.to_owned())))
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Refusal> {
        match self.value {
            Value::Object(m) => visit_object(m, visitor),
            other => Err(de::Error::invalid_type(
                unexpected(other),
                &"struct variant",
            )),
        }
        .map_err(|e| e.under(Seg::Key(self.variant.to_owned())))
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(rename_all = "camelCase")]
    struct Inner {
        value: String,
        count: u8,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    struct Outer {
        name: String,
        inner: Inner,
        items: Vec<Inner>,
        tag: Option<Tag>,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    enum Tag {
        A,
        B(u8),
    }

    impl Validate for Outer {
        fn validate_at(&self, _: &crate::rules::Path<'_>, _: &mut crate::rules::Report) {}
    }

    fn refusal(json: &str) -> (Vec<Seg>, Problem) {
        let v: Value = serde_json::from_str(json).unwrap();
        let e = Outer::deserialize(ValueDe(&v)).unwrap_err();
        (e.path(), e.kind)
    }

    fn violations(json: &str) -> Vec<(String, bool)> {
        match parse_request::<Outer>(json.as_bytes()) {
            Err(RequestError::Invalid(v)) => v
                .into_vec()
                .into_iter()
                .map(|v| (v.path, v.rule.is_missing()))
                .collect(),
            other => panic!("{other:?}"),
        }
    }

    /// serde reports a missing member through `de::Error::missing_field`
    /// with the member's name, an unknown one through `unknown_field`: no
    /// message text is read. If a serde release stopped calling them, these
    /// fail.
    #[test]
    fn serde_names_missing_and_unknown_members_through_the_error_trait() {
        let (at, kind) = refusal(r#"{"name":"n","inner":{"value":"v"},"items":[]}"#);
        assert_eq!(at, [Seg::Key("inner".into())]);
        assert!(matches!(kind, Problem::Missing("count")), "{kind:?}");

        let (at, kind) = refusal(r#"{"name":"n","nope":1}"#);
        assert!(at.is_empty());
        assert!(
            matches!(&kind, Problem::Unknown { field, .. } if field == "nope"),
            "{kind:?}"
        );

        let (at, kind) = refusal(
            r#"{"name":"n","inner":{"value":"v","count":1},"items":[{"value":"v","count":1},{"value":"v","count":300}]}"#,
        );
        assert_eq!(
            at,
            [
                Seg::Key("items".into()),
                Seg::Index(1),
                Seg::Key("count".into())
            ]
        );
        assert!(matches!(kind, Problem::Format(_)), "{kind:?}");
    }

    #[test]
    fn the_tree_deserializes_as_serde_json_does() {
        let json = r#"{"name":"n","inner":{"value":"v","count":1},"items":[{"value":"w","count":2}],"tag":{"B":7}}"#;
        let v: Value = serde_json::from_str(json).unwrap();
        let ours = Outer::deserialize(ValueDe(&v)).unwrap();
        let theirs: Outer = serde_json::from_str(json).unwrap();
        assert_eq!(ours, theirs);
        let v: Value = serde_json::from_str(
            r#"{"name":"n","inner":{"value":"v","count":1},"items":[],"tag":"A"}"#,
        )
        .unwrap();
        assert_eq!(Outer::deserialize(ValueDe(&v)).unwrap().tag, Some(Tag::A));
    }

    #[test]
    fn every_problem_is_reported_once() {
        assert_eq!(
            violations(r#"{"inner":{"value":5},"items":[{"count":"x"}],"extra":true}"#),
            // Members in the body's order (serde_json's `preserve_order`);
            // a missing member when its object has been read to the end.
            [
                ("inner.value".to_owned(), false),
                ("inner.count".to_owned(), true),
                ("items[0].count".to_owned(), false),
                ("items[0].value".to_owned(), true),
                ("extra".to_owned(), false),
                ("name".to_owned(), true),
            ]
        );
        // A missing container is one violation, not one per member.
        assert_eq!(
            violations(r#"{"name":"n","items":[]}"#),
            [("inner".to_owned(), true)]
        );
    }

    #[test]
    fn a_member_sent_twice_is_refused() {
        let body = r#"{"name":"n","name":"m","inner":{"value":"v","count":1},"items":[]}"#;
        assert_eq!(violations(body), [(String::new(), false)]);
    }

    #[test]
    fn not_json_and_not_an_object() {
        for body in [&b"{\"a\":"[..], b"", b"{} x"] {
            assert!(
                matches!(parse_request::<Outer>(body), Err(RequestError::NotJson(_))),
                "{body:?}"
            );
        }
        for body in ["[]", "1", "null", "\"s\""] {
            assert_eq!(violations(body), [(String::new(), false)], "{body}");
        }
    }

    /// `accept_number` reads serde_json's `RawValue`: a body with another
    /// problem (parsed again through `ValueDe`) still reads such members,
    /// as strings and as numbers, instead of refusing them.
    #[test]
    fn accept_number_members_read_on_the_slow_path_too() {
        #[derive(Debug, Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Drift {
            #[serde(deserialize_with = "crate::wire::accept_number")]
            customer_no: String,
            #[serde(default, deserialize_with = "crate::wire::accept_number_opt")]
            payment_type: Option<String>,
            count: u8,
        }
        impl Validate for Drift {
            fn validate_at(&self, _: &crate::rules::Path<'_>, _: &mut crate::rules::Report) {}
        }
        let ok = parse_request::<Drift>(br#"{"customerNo":812,"paymentType":"1","count":3}"#)
            .expect("valid");
        assert_eq!(
            (
                ok.customer_no.as_str(),
                ok.payment_type.as_deref(),
                ok.count
            ),
            ("812", Some("1"), 3)
        );
        let v: Value =
            serde_json::from_str(r#"{"customerNo":"0812","paymentType":1,"count":"x"}"#).unwrap();
        let e = Drift::deserialize(ValueDe(&v)).unwrap_err();
        assert_eq!(e.path(), [Seg::Key("count".into())]);
        match parse_request::<Drift>(br#"{"customerNo":812,"paymentType":"1","count":"x"}"#) {
            Err(RequestError::Invalid(v)) => {
                let paths: Vec<_> = v.iter().map(|v| v.path.as_str()).collect();
                assert_eq!(paths, ["count"]);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn covers_is_by_segment() {
        assert!(covers("a", "a"));
        assert!(covers("a", "a.b"));
        assert!(covers("a", "a[0]"));
        assert!(!covers("a", "ab"));
    }
}
