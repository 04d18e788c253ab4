//! JSON Schema of the declared types, from the metadata the macros generate
//! (no second source of truth): the dialect of OpenAPI 3.1 (JSON Schema
//! draft 2020-12).
//!
//! Every field type answers [`Validate::schema`]; the derives
//! (`SnapModel`, `SnapRequest`, and the attribute macros behind them) build a
//! struct's schema from its [`Fields::FIELDS`] (wire names, `mandatory`,
//! `max`, `len`, `digits`, `one_of`, `required_if`, `accept_number`,
//! `accept_string`) and each field type's own schema, so nested objects,
//! lists and [`Money`](crate::money::Money) come out as they are on the wire.
//!
//! | rule | schema |
//! |---|---|
//! | mandatory (not an `Option`) | listed in `required`; a string gets `minLength: 1` (an empty string counts as missing) |
//! | `max = N` | string: `maxLength: N`; integer: `maximum: 10^N - 1` (N digits) |
//! | `len = N` | string: `minLength` = `maxLength` = N; integer: N digits |
//! | `digits` | `pattern: ^[0-9]*$` |
//! | `one_of = "g"` | `anyOf` of one `required` per member |
//! | `required_if` | `if` (the other field equals the value, case-insensitively) / `then` (`required`) |
//! | `accept_number` / `accept_string` | `anyOf` with the other JSON type |
//! | `path_param` / `query` | not in the body: [`endpoint_schema`] moves them to [`EndpointSchema::params`] |
//!
//! A struct becomes a named definition (`$ref`), so a recursive type is
//! finite; [`SchemaGen::definitions`] holds them all (OpenAPI puts them under
//! `components/schemas`).
//!
//! ```
//! use snap_core as snap;
//! use snap::schema::SchemaGen;
//!
//! /// A payment.
//! #[snap::model]
//! pub struct Payment {
//!     #[snap(max = 64)]
//!     pub partner_reference_no: String,
//!     pub amount: snap::money::Money,
//!     #[snap(max = 6, digits)]
//!     pub pin: Option<String>,
//! }
//!
//! let mut generator = SchemaGen::new();
//! let root = generator.subschema::<Payment>();
//! // named after the type's path without its crate: `#/components/schemas/module.Payment`
//! assert!(root["$ref"].as_str().unwrap().ends_with("Payment"));
//! let payment = generator.resolve(&root);
//! assert_eq!(payment["required"], serde_json::json!(["partnerReferenceNo", "amount"]));
//! assert_eq!(payment["properties"]["partnerReferenceNo"]["maxLength"], 64);
//! assert_eq!(payment["properties"]["pin"]["pattern"], "^[0-9]*$");
//! let money = generator.resolve(&payment["properties"]["amount"]);
//! assert_eq!(money["properties"]["value"]["type"], "string");
//! ```

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use crate::endpoint::{Endpoint, FieldMeta, Fields, Validate};

/// Where `$ref`s point by default: OpenAPI's `components/schemas`.
pub const OPENAPI_REF_PREFIX: &str = "#/components/schemas/";

/// A field type's schema function, as the derives list them.
pub type SchemaFn = fn(&mut SchemaGen) -> Value;

/// Collects the named definitions while schemas are built.
#[derive(Debug, Clone)]
pub struct SchemaGen {
    prefix: String,
    /// Definition name -> schema (absent while it is being built).
    defs: BTreeMap<String, Value>,
    /// Definition name -> the Rust type it was made for.
    owners: BTreeMap<String, String>,
}

impl Default for SchemaGen {
    fn default() -> Self {
        SchemaGen::new()
    }
}

impl SchemaGen {
    /// A generator whose `$ref`s point into OpenAPI's `components/schemas`.
    pub fn new() -> SchemaGen {
        SchemaGen::with_ref_prefix(OPENAPI_REF_PREFIX)
    }

    /// A generator whose `$ref`s are `prefix` + name (`"#/$defs/"` for a
    /// standalone JSON Schema).
    pub fn with_ref_prefix(prefix: &str) -> SchemaGen {
        SchemaGen {
            prefix: prefix.to_owned(),
            defs: BTreeMap::new(),
            owners: BTreeMap::new(),
        }
    }

    /// The schema of `T` (a `$ref` for a struct).
    pub fn subschema<T: Validate>(&mut self) -> Value {
        T::schema(self)
    }

    /// A `$ref` to the definition of the Rust type `type_path`
    /// (`"snap_endpoints::bi::auth::AuthVoidRequest"`), built with `build`
    /// the first time. The definition's name is the path without its crate,
    /// dots for `::` (`bi.auth.AuthVoidRequest`); a second type with the
    /// same name gets `_2`, `_3`, ... A type that refers to itself gets the
    /// `$ref` while it is being built.
    pub fn named(&mut self, type_path: &str, build: impl FnOnce(&mut SchemaGen) -> Value) -> Value {
        let base = definition_name(type_path);
        let mut name = base.clone();
        let mut n = 1;
        loop {
            match self.owners.get(&name) {
                Some(owner) if owner == type_path => return self.reference(&name),
                Some(_) => {
                    n += 1;
                    name = format!("{base}_{n}");
                }
                None => break,
            }
        }
        self.owners.insert(name.clone(), type_path.to_owned());
        let schema = build(self);
        self.defs.insert(name.clone(), schema);
        self.reference(&name)
    }

    fn reference(&self, name: &str) -> Value {
        json!({ "$ref": format!("{}{name}", self.prefix) })
    }

    /// The named definitions built so far, by name.
    pub fn definitions(&self) -> &BTreeMap<String, Value> {
        &self.defs
    }

    /// The definitions, owned.
    pub fn into_definitions(self) -> BTreeMap<String, Value> {
        self.defs
    }

    /// The definition a `$ref` schema points to (the schema itself when it
    /// is not a `$ref` into this generator; `{}`-like `Null` when the name
    /// is unknown).
    pub fn resolve<'a>(&'a self, schema: &'a Value) -> &'a Value {
        static MISSING: Value = Value::Null;
        match schema.get("$ref").and_then(Value::as_str) {
            Some(r) => match r.strip_prefix(self.prefix.as_str()) {
                Some(name) => self.defs.get(name).unwrap_or(&MISSING),
                None => schema,
            },
            None => schema,
        }
    }

    fn resolve_mut(&mut self, schema: &Value) -> Option<&mut Value> {
        let name = schema
            .get("$ref")?
            .as_str()?
            .strip_prefix(self.prefix.as_str())?;
        self.defs.get_mut(name)
    }
}

/// `snap_endpoints::bi::auth::AuthVoidRequest` -> `bi.auth.AuthVoidRequest`;
/// characters OpenAPI does not allow in a component name become `_`.
fn definition_name(type_path: &str) -> String {
    let segments: Vec<&str> = type_path.split("::").collect();
    let kept = if segments.len() > 1 {
        &segments[1..]
    } else {
        &segments[..]
    };
    kept.join(".")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// The schema of a value with no rules: `{}` (anything).
pub fn any(_: &mut SchemaGen) -> Value {
    json!({})
}

/// `{"type": "string"}`.
pub fn string() -> Value {
    json!({ "type": "string" })
}

/// [`Currency`](crate::money::Currency): three upper-case letters.
pub fn currency() -> Value {
    json!({ "type": "string", "pattern": "^[A-Z]{3}$", "minLength": 3, "maxLength": 3 })
}

/// [`Money`](crate::money::Money), the definition `Money`:
/// `{"value": "10000.00", "currency": "IDR"}`, the value at most 16 digits
/// with exactly two after the point.
pub fn money(generator: &mut SchemaGen) -> Value {
    generator.named("snap_core::Money", |_| {
        json!({
            "type": "object",
            "properties": {
                "value": {
                    "type": "string",
                    "pattern": "^[0-9]{1,14}\\.[0-9]{2}$",
                    "maxLength": crate::money::MAX_DIGITS + 1,
                    "examples": ["10000.00"],
                },
                "currency": currency(),
            },
            "required": ["value", "currency"],
        })
    })
}

/// [`SnapTimestamp`](crate::time::SnapTimestamp): ISO 8601 with an offset
/// (`2024-03-01T15:27:49+07:00`), an optional fraction of 1 to 9 digits.
pub fn timestamp() -> Value {
    json!({
        "type": "string",
        "format": "date-time",
        "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?(Z|[+-][0-9]{2}:[0-9]{2})$",
        "examples": ["2024-03-01T15:27:49+07:00"],
    })
}

/// An integer between `min` and `max`.
pub fn integer(min: i128, max: i128) -> Value {
    json!({ "type": "integer", "minimum": number(min), "maximum": number(max) })
}

fn number(n: i128) -> Value {
    if let Ok(u) = u64::try_from(n) {
        Value::from(u)
    } else if let Ok(i) = i64::try_from(n) {
        Value::from(i)
    } else {
        // Beyond 64 bits (i128/u128 bounds): the text, as JSON allows.
        serde_json::from_str(&n.to_string()).unwrap_or(Value::Null)
    }
}

fn is_type(schema: &Value, t: &str) -> bool {
    schema.get("type").and_then(Value::as_str) == Some(t)
}

fn pow10_minus_1(digits: usize) -> i128 {
    if digits >= 38 {
        i128::MAX
    } else {
        10i128.pow(digits as u32) - 1
    }
}

/// `base` (a field type's schema) with the field's rules applied (see the
/// module docs).
pub fn field(meta: &FieldMeta, base: Value) -> Value {
    let mut s = base;
    if let Value::Object(o) = &mut s {
        let string = o.get("type").and_then(Value::as_str) == Some("string");
        let integer = o.get("type").and_then(Value::as_str) == Some("integer");
        if string {
            if let Some(max) = meta.max {
                o.insert("maxLength".into(), max.into());
            }
            if let Some(len) = meta.len {
                o.insert("minLength".into(), len.into());
                o.insert("maxLength".into(), len.into());
            }
            if meta.digits {
                o.insert("pattern".into(), "^[0-9]*$".into());
            }
            if meta.mandatory {
                let min = o.get("minLength").and_then(Value::as_u64).unwrap_or(0);
                o.insert("minLength".into(), min.max(1).into());
            }
        } else if integer {
            let digits = meta.len.or(meta.max);
            if let Some(d) = digits {
                let top = pow10_minus_1(d);
                let cur_max = o.get("maximum").and_then(value_i128).unwrap_or(i128::MAX);
                let cur_min = o.get("minimum").and_then(value_i128).unwrap_or(i128::MIN);
                o.insert("maximum".into(), number(cur_max.min(top)));
                let floor = match meta.len {
                    Some(len) if cur_min >= 0 && len > 1 => pow10_minus_1(len - 1) + 1,
                    _ => -top,
                };
                o.insert("minimum".into(), number(cur_min.max(floor)));
            }
        }
    }
    if meta.accept_number && is_type(&s, "string") {
        s = json!({ "anyOf": [s, { "type": "number" }] });
    }
    if meta.accept_string && is_type(&s, "integer") {
        let pattern = match meta.len.or(meta.max) {
            Some(n) => format!("^-?[0-9]{{1,{n}}}$"),
            None => "^-?[0-9]+$".to_owned(),
        };
        s = json!({ "anyOf": [s, { "type": "string", "pattern": pattern }] });
    }
    s
}

fn value_i128(v: &Value) -> Option<i128> {
    v.as_i64()
        .map(i128::from)
        .or_else(|| v.as_u64().map(i128::from))
}

/// A pattern matching `value` in any letter case (`Y` -> `^[Yy]$`).
fn case_insensitive_pattern(value: &str) -> String {
    let mut p = String::from("^");
    for c in value.chars() {
        if c.is_alphabetic() && c.to_lowercase().ne(c.to_uppercase()) {
            p.push('[');
            p.extend(c.to_uppercase());
            p.extend(c.to_lowercase());
            p.push(']');
        } else if "\\^$.|?*+()[]{}/-".contains(c) {
            p.push('\\');
            p.push(c);
        } else {
            p.push(c);
        }
    }
    p.push('$');
    p
}

/// The object schema of a declared struct: `fields` (its
/// [`Fields::FIELDS`]) zipped with each field type's schema function
/// (`None`: not on the wire, `#[serde(skip)]`). Called by the derives.
pub fn object(
    generator: &mut SchemaGen,
    fields: &[FieldMeta],
    schemas: &[Option<SchemaFn>],
) -> Value {
    let mut properties = Map::new();
    let mut required = Vec::new();
    let mut groups: Vec<(&str, Vec<&str>)> = Vec::new();
    let mut conditions = Vec::new();
    for (meta, schema) in fields.iter().zip(schemas) {
        let Some(schema) = schema else { continue };
        let s = field(meta, schema(generator));
        properties.insert(meta.wire.to_owned(), s);
        if meta.mandatory {
            required.push(Value::from(meta.wire));
        }
        if let Some(g) = meta.one_of {
            match groups.iter_mut().find(|(n, _)| *n == g) {
                Some((_, members)) => members.push(meta.wire),
                None => groups.push((g, vec![meta.wire])),
            }
        }
        if let Some((other, value)) = meta.required_if {
            conditions.push(json!({
                "if": {
                    "properties": { other: { "type": "string", "pattern": case_insensitive_pattern(value) } },
                    "required": [other],
                },
                "then": { "required": [meta.wire] },
            }));
        }
    }
    let mut o = Map::new();
    o.insert("type".into(), "object".into());
    o.insert("properties".into(), Value::Object(properties));
    if !required.is_empty() {
        o.insert("required".into(), Value::Array(required));
    }
    let mut all: Vec<Value> = groups
        .into_iter()
        .map(|(_, members)| {
            json!({ "anyOf": members.iter().map(|m| json!({ "required": [m] })).collect::<Vec<_>>() })
        })
        .collect();
    all.extend(conditions);
    if all.len() == 1 {
        if let Some(Value::Object(one)) = all.pop() {
            o.extend(one);
        }
    } else if !all.is_empty() {
        o.insert("allOf".into(), Value::Array(all));
    }
    Value::Object(o)
}

/// The derives' way to name a field type's schema function without
/// requiring [`Validate`] a second time (a type without it already fails at
/// its validation call, with one error): `(&Probe::<T>::new()).schema_fn()`
/// is `T::schema` when `T: Validate`, else [`any`].
#[doc(hidden)]
pub struct Probe<T>(std::marker::PhantomData<fn() -> T>);

impl<T> Probe<T> {
    /// A probe.
    #[doc(hidden)]
    pub const fn new() -> Self {
        Probe(std::marker::PhantomData)
    }
}

impl<T> Default for Probe<T> {
    fn default() -> Self {
        Probe::new()
    }
}

/// The preferred candidate: `T: Validate`.
#[doc(hidden)]
pub trait ViaValidate {
    /// `T::schema`.
    fn schema_fn(&self) -> SchemaFn;
}

impl<T: Validate> ViaValidate for Probe<T> {
    fn schema_fn(&self) -> SchemaFn {
        T::schema
    }
}

/// The fallback candidate (one autoref further): anything.
#[doc(hidden)]
pub trait ViaAny {
    /// [`any`].
    fn schema_fn(&self) -> SchemaFn;
}

impl<T> ViaAny for &Probe<T> {
    fn schema_fn(&self) -> SchemaFn {
        any
    }
}

/// Where a request parameter travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ParamIn {
    /// A `{name}` segment of the path (`path_param`).
    Path,
    /// The query string (`query`).
    Query,
}

impl ParamIn {
    /// `"path"` or `"query"`, as OpenAPI spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            ParamIn::Path => "path",
            ParamIn::Query => "query",
        }
    }
}

/// A `path_param` or `query` field of a request.
#[derive(Debug, Clone, PartialEq)]
pub struct ParamSchema {
    /// The wire name.
    pub name: &'static str,
    /// Path or query.
    pub location: ParamIn,
    /// Must be sent (always true for a path parameter).
    pub required: bool,
    /// Its schema, rules applied.
    pub schema: Value,
}

/// An endpoint's request and response, as schemas.
#[derive(Debug, Clone, PartialEq)]
pub struct EndpointSchema {
    /// The request body (a `$ref`): the request's fields without its path
    /// and query parameters.
    pub request: Value,
    /// True when the body has at least one member.
    pub has_body: bool,
    /// The path and query parameters.
    pub params: Vec<ParamSchema>,
    /// The success answer (a `$ref` for a declared response).
    pub response: Value,
}

/// The schemas of endpoint `E` (its request's definition is stripped of the
/// path and query parameters, which become [`EndpointSchema::params`]).
///
/// ```
/// use snap_core as snap;
/// use snap::schema::{ParamIn, SchemaGen, endpoint_schema};
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
/// let mut generator = SchemaGen::new();
/// let e = endpoint_schema::<CardInquiry>(&mut generator);
/// assert!(!e.has_body);
/// assert_eq!(e.params[0].name, "custIdMerchant");
/// assert_eq!(e.params[0].location, ParamIn::Path);
/// assert_eq!(e.params[1].schema["maxLength"], 2);
/// assert_eq!(generator.resolve(&e.response)["required"][0], "responseCode");
/// ```
pub fn endpoint_schema<E>(generator: &mut SchemaGen) -> EndpointSchema
where
    E: Endpoint + Fields,
{
    let request = generator.subschema::<E>();
    let mut params = Vec::new();
    let mut has_body = false;
    if let Some(Value::Object(def)) = generator.resolve_mut(&request) {
        for f in E::FIELDS {
            let location = if f.path_param {
                ParamIn::Path
            } else if f.query {
                ParamIn::Query
            } else {
                continue;
            };
            let schema = def
                .get_mut("properties")
                .and_then(Value::as_object_mut)
                .and_then(|p| p.remove(f.wire))
                .unwrap_or_else(|| json!({}));
            if let Some(Value::Array(req)) = def.get_mut("required") {
                req.retain(|r| r.as_str() != Some(f.wire));
                if req.is_empty() {
                    def.remove("required");
                }
            }
            params.push(ParamSchema {
                name: f.wire,
                location,
                required: f.mandatory || location == ParamIn::Path,
                schema,
            });
        }
        has_body = def
            .get("properties")
            .and_then(Value::as_object)
            .is_some_and(|p| !p.is_empty());
    }
    let response = generator.subschema::<E::Response>();
    EndpointSchema {
        request,
        has_body,
        params,
        response,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn definition_names_drop_the_crate_and_use_dots() {
        assert_eq!(
            definition_name("snap_endpoints::bi::auth::AuthVoidRequest"),
            "bi.auth.AuthVoidRequest"
        );
        assert_eq!(definition_name("Local"), "Local");
        assert_eq!(definition_name("a::Wrap<b::C>"), "Wrap_b.C_");
    }

    #[test]
    fn same_name_other_type_is_suffixed_and_self_reference_is_a_ref() {
        let mut g = SchemaGen::new();
        let a = g.named("x::m::T", |g| {
            let inner = g.named("x::m::T", |_| json!({"never": true}));
            json!({"type": "object", "properties": {"next": inner}})
        });
        let b = g.named("y::m::T", |_| json!({"type": "string"}));
        assert_eq!(a["$ref"], "#/components/schemas/m.T");
        assert_eq!(b["$ref"], "#/components/schemas/m.T_2");
        assert_eq!(
            g.resolve(&a)["properties"]["next"]["$ref"],
            "#/components/schemas/m.T"
        );
        assert_eq!(g.definitions().len(), 2);
    }

    #[test]
    fn case_insensitive_patterns() {
        assert_eq!(case_insensitive_pattern("Y"), "^[Yy]$");
        assert_eq!(case_insensitive_pattern("a.1"), "^[Aa]\\.1$");
    }

    fn meta(mandatory: bool) -> FieldMeta {
        FieldMeta {
            name: "f",
            wire: "f",
            mandatory,
            max: None,
            len: None,
            digits: false,
            one_of: None,
            required_if: None,
            skipped: false,
            accept_number: false,
            accept_string: false,
            integer: false,
            path_param: false,
            query: false,
        }
    }

    #[test]
    fn rules_on_strings_and_integers() {
        let mut m = meta(true);
        m.max = Some(5);
        m.digits = true;
        assert_eq!(
            field(&m, string()),
            json!({"type": "string", "maxLength": 5, "minLength": 1, "pattern": "^[0-9]*$"})
        );
        let mut m = meta(false);
        m.len = Some(3);
        m.integer = true;
        assert_eq!(
            field(&m, integer(0, 255)),
            json!({"type": "integer", "minimum": 100, "maximum": 255})
        );
        let mut m = meta(false);
        m.max = Some(2);
        assert_eq!(
            field(&m, integer(-128, 127)),
            json!({"type": "integer", "minimum": -99, "maximum": 99})
        );
        let mut m = meta(false);
        m.accept_number = true;
        assert_eq!(
            field(&m, string()),
            json!({"anyOf": [{"type": "string"}, {"type": "number"}]})
        );
        let mut m = meta(false);
        m.accept_string = true;
        m.max = Some(4);
        assert_eq!(
            field(&m, integer(0, 65535)),
            json!({"anyOf": [{"type": "integer", "minimum": 0, "maximum": 9999},
                             {"type": "string", "pattern": "^-?[0-9]{1,4}$"}]})
        );
        assert_eq!(integer(0, u64::MAX.into())["maximum"], json!(u64::MAX));
        assert!(integer(i128::MIN, i128::MAX)["maximum"].is_number());
    }
}
