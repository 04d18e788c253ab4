//! The `#[snap(...)]` vocabulary, and the parts of `#[serde(...)]` that decide
//! wire names. Every attribute name lives here, once. Checks that concern a
//! single value (a service code's range, a path's first character) happen while
//! parsing; checks across keys or fields live in `check.rs`.

use proc_macro2::{Span, TokenStream};
use syn::spanned::Spanned as _;
use syn::{Attribute, LitInt, LitStr, Token, meta::ParseNestedMeta};

use crate::ast::Errors;

/// The attribute this crate reads.
pub const SNAP: &str = "snap";
/// serde's attribute, read for wire names.
pub const SERDE: &str = "serde";

// Struct-level keys (SnapRequest).
pub const SERVICE: &str = "service";
pub const METHOD: &str = "method";
pub const PATH: &str = "path";
pub const RESPONSE: &str = "response";
pub const NAME: &str = "name";
pub const PROVIDER: &str = "provider";
pub const SIGNATURE: &str = "signature";
pub const CUSTOMER_TOKEN: &str = "customer_token";
/// `device_id = "optional"`: a B2B2C endpoint whose provider does not require
/// `X-DEVICE-ID` (BI's table makes it mandatory with the customer token).
pub const DEVICE_ID: &str = "device_id";
pub const CODE_SCHEME: &str = "code_scheme";
pub const DIRECTION: &str = "direction";
/// `crate = "path"`: where generated code finds snap-core (all derives).
pub const CRATE: &str = "crate";
/// `#[snap::response(optional_code)]` only: `responseCode` / `responseMessage` are C.
pub const OPTIONAL_CODE: &str = "optional_code";

/// Every struct-level key, in the order error messages list them.
pub const CONTAINER_KEYS: &[&str] = &[
    SERVICE,
    METHOD,
    PATH,
    RESPONSE,
    NAME,
    PROVIDER,
    SIGNATURE,
    CUSTOMER_TOKEN,
    DEVICE_ID,
    CODE_SCHEME,
    DIRECTION,
    CRATE,
];

/// Struct keys a model (`SnapModel`, `#[snap::model]`, `#[snap::response]`) takes.
pub const MODEL_KEYS: &[&str] = &[CRATE];

/// `direction = "..."` values and the `Direction` variant each selects.
pub const DIRECTIONS: &[(&str, &str)] = &[("outbound", "Outbound"), ("inbound", "Inbound")];

// Field-level keys (SnapRequest and SnapModel).
pub const MAX: &str = "max";
pub const LEN: &str = "len";
pub const DIGITS: &str = "digits";
pub const ONE_OF: &str = "one_of";
pub const VIA: &str = "via";
pub const REQUIRED_IF: &str = "required_if";
pub const SKIP: &str = "skip";
pub const ACCEPT_NUMBER: &str = "accept_number";
pub const ACCEPT_STRING: &str = "accept_string";
pub const PATH_PARAM: &str = "path_param";
pub const QUERY: &str = "query";
/// Keys inside `required_if(...)`.
pub const REQUIRED_IF_FIELD: &str = "field";
pub const REQUIRED_IF_VALUE: &str = "value";

/// Every field-level key, in the order error messages list them.
pub const FIELD_KEYS: &[&str] = &[
    MAX,
    LEN,
    DIGITS,
    ONE_OF,
    VIA,
    REQUIRED_IF,
    SKIP,
    ACCEPT_NUMBER,
    ACCEPT_STRING,
    PATH_PARAM,
    QUERY,
];

/// The integer types `max` / `len` count digits of (and `accept_string` reads).
pub const INTEGERS: &[&str] = &[
    "u8", "u16", "u32", "u64", "usize", "i8", "i16", "i32", "i64", "isize",
];

/// The runtime's helpers for `accept_number` / `accept_string`:
/// (key, helper for `T`, helper for `Option<T>`).
pub const ACCEPT_HELPERS: &[(&str, &str, &str)] = &[
    (ACCEPT_NUMBER, "accept_number", "accept_number_opt"),
    (ACCEPT_STRING, "accept_string", "accept_string_opt"),
];

/// HTTP methods a declaration may name.
pub const METHODS: &[&str] = &["GET", "POST", "PUT", "DELETE", "PATCH"];

/// `signature = "..."` shorthands for the BI schemes, and the
/// `snap_core::sign` type each names. Any other scheme is named by its type.
pub const SIGNATURES: &[(&str, &str)] = &[
    ("symmetric", "Symmetric"),
    ("asymmetric", "Asymmetric"),
    ("token", "AccessToken"),
    ("none", "Unsigned"),
];

/// Former shorthands of provider schemes, now types next to their
/// declarations: the string, and the type to name instead.
pub const MOVED_SIGNATURES: &[(&str, &str)] = &[
    ("ipg", "snap_endpoints::ipg::IpgSignature"),
    ("ayopop", "snap_endpoints::ayopop::AyopopSignature"),
];

/// What `signature = ..` names.
pub enum Signature {
    /// A BI shorthand: the `snap_core::sign` type name, and the string's span.
    Builtin(Spanned<&'static str>),
    /// A scheme type (`signature = crate::ipg::IpgSignature`).
    Type(syn::Type),
}

// serde keys we read.
const SERDE_RENAME: &str = "rename";
const SERDE_RENAME_ALL: &str = "rename_all";
const SERDE_FLATTEN: &str = "flatten";
const SERDE_SKIP: &str = "skip";
const SERDE_SKIP_SERIALIZING: &str = "skip_serializing";
const SERDE_SKIP_SERIALIZING_IF: &str = "skip_serializing_if";
const SERDE_DEFAULT: &str = "default";
const SERDE_DESERIALIZE_WITH: &str = "deserialize_with";
const SERDE_WITH: &str = "with";
const SERDE_SERIALIZE: &str = "serialize";
const SERDE_DESERIALIZE: &str = "deserialize";

/// A parsed value together with the token it came from (for error spans).
#[derive(Clone)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

/// The struct-level `#[snap(...)]` keys.
#[derive(Default)]
pub struct ContainerAttrs {
    /// Span of the first `#[snap(...)]` attribute on the struct, if any.
    pub attr_span: Option<Span>,
    /// Keys seen, with the span of the key (for duplicate and misplacement errors).
    pub seen: Vec<(&'static str, Span)>,
    pub service: Option<Spanned<u8>>,
    pub method: Option<Spanned<String>>,
    pub path: Option<Spanned<String>>,
    pub response: Option<syn::Type>,
    pub name: Option<Spanned<String>>,
    pub provider: Option<Spanned<String>>,
    /// The signature scheme.
    pub signature: Option<Signature>,
    pub customer_token: Option<Span>,
    /// `device_id = "mandatory" | "optional"`: whether `X-DEVICE-ID` is
    /// required (value) on a B2B2C endpoint.
    pub device_id: Option<Spanned<bool>>,
    pub code_scheme: Option<syn::Path>,
    /// The `Direction` variant name.
    pub direction: Option<Spanned<&'static str>>,
    /// `crate = "..."`: the path generated code names snap-core by.
    pub krate: Option<syn::Path>,
}

/// `required_if(field = "...", value = "...")`.
#[derive(Clone)]
pub struct RequiredIf {
    /// The `required_if` key itself.
    pub key_span: Span,
    pub field: LitStr,
    pub value: LitStr,
}

/// The field-level `#[snap(...)]` keys.
#[derive(Default)]
pub struct FieldAttrs {
    pub max: Option<Spanned<usize>>,
    pub len: Option<Spanned<usize>>,
    pub digits: Option<Span>,
    pub one_of: Option<LitStr>,
    /// `via = "rust_field"`: the `one_of` member is that field of this
    /// (optional, nested) field.
    pub via: Option<LitStr>,
    pub required_if: Option<RequiredIf>,
    pub skip: Option<Span>,
    pub accept_number: Option<Span>,
    pub accept_string: Option<Span>,
    pub path_param: Option<Span>,
    pub query: Option<Span>,
    seen: Vec<&'static str>,
}

/// What `#[serde(...)]` says about a field.
#[derive(Default)]
pub struct SerdeField {
    /// The serialized name, if renamed.
    pub rename: Option<String>,
    /// `#[serde(skip)]`: not on the wire.
    pub skip: bool,
    /// `skip_serializing` (or `skip`): not in the serialized body.
    pub skip_serializing: bool,
    /// `skip_serializing_if = ".."` is written.
    pub skip_serializing_if: bool,
    /// `default` is written.
    pub default: bool,
    /// `deserialize_with = ".."` or `with = ".."` is written: the function's
    /// path as written.
    pub deserialize_with: Option<String>,
}

/// The rename conventions serde knows (`#[serde(rename_all = "...")]`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum RenameRule {
    Lower,
    Upper,
    Pascal,
    Camel,
    Snake,
    ScreamingSnake,
    Kebab,
    ScreamingKebab,
}

impl RenameRule {
    const ALL: &'static [(&'static str, RenameRule)] = &[
        ("lowercase", RenameRule::Lower),
        ("UPPERCASE", RenameRule::Upper),
        ("PascalCase", RenameRule::Pascal),
        ("camelCase", RenameRule::Camel),
        ("snake_case", RenameRule::Snake),
        ("SCREAMING_SNAKE_CASE", RenameRule::ScreamingSnake),
        ("kebab-case", RenameRule::Kebab),
        ("SCREAMING-KEBAB-CASE", RenameRule::ScreamingKebab),
    ];

    fn from_str(s: &str) -> Option<Self> {
        Self::ALL.iter().find(|(n, _)| *n == s).map(|(_, r)| *r)
    }

    /// The wire name of a snake_case Rust field, as serde computes it.
    pub fn apply_to_field(self, field: &str) -> String {
        match self {
            RenameRule::Lower | RenameRule::Snake => field.to_owned(),
            RenameRule::Upper | RenameRule::ScreamingSnake => field.to_ascii_uppercase(),
            RenameRule::Pascal => {
                let mut out = String::with_capacity(field.len());
                let mut capitalize = true;
                for ch in field.chars() {
                    if ch == '_' {
                        capitalize = true;
                    } else if capitalize {
                        out.push(ch.to_ascii_uppercase());
                        capitalize = false;
                    } else {
                        out.push(ch);
                    }
                }
                out
            }
            RenameRule::Camel => {
                let pascal = RenameRule::Pascal.apply_to_field(field);
                let mut chars = pascal.chars();
                match chars.next() {
                    Some(first) => first.to_ascii_lowercase().to_string() + chars.as_str(),
                    None => pascal,
                }
            }
            RenameRule::Kebab => field.replace('_', "-"),
            RenameRule::ScreamingKebab => field.to_ascii_uppercase().replace('_', "-"),
        }
    }
}

fn is(attr: &Attribute, name: &str) -> bool {
    attr.path().is_ident(name)
}

fn key_name(meta: &ParseNestedMeta) -> String {
    meta.path
        .get_ident()
        .map(|i| i.to_string())
        .unwrap_or_else(|| {
            let p = &meta.path;
            quote::quote!(#p).to_string()
        })
}

/// Consumes whatever follows a key we reject (`= value` or `(...)`), so that
/// parsing can go on and report the next problem too.
fn skip_value(meta: &ParseNestedMeta) -> syn::Result<()> {
    if meta.input.peek(Token![=]) {
        let value = meta.value()?;
        let _: syn::Expr = value.parse()?;
    } else if meta.input.peek(syn::token::Paren) {
        let content;
        syn::parenthesized!(content in meta.input);
        let _: TokenStream = content.parse()?;
    }
    Ok(())
}

/// Edit distance, for "did you mean" hints.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// `; did you mean `x`?` when a known key is close to `name`.
fn suggestion(name: &str, keys: &[&str]) -> String {
    keys.iter()
        .map(|k| (distance(name, k), *k))
        .filter(|(d, _)| *d <= 2)
        .min()
        .map(|(_, k)| format!(" (did you mean `{k}`?)"))
        .unwrap_or_default()
}

fn list(keys: &[&str]) -> String {
    keys.iter()
        .map(|k| format!("`{k}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn parse_int<T: std::str::FromStr>(meta: &ParseNestedMeta, key: &str) -> syn::Result<(T, LitInt)>
where
    T::Err: std::fmt::Display,
{
    let value = meta.value()?;
    let lit: syn::Lit = value.parse()?;
    match lit {
        syn::Lit::Int(i) => {
            let n = i.base10_parse::<T>()?;
            Ok((n, i))
        }
        other => Err(syn::Error::new(
            other.span(),
            format!("`{key}` takes an integer, like `{key} = 64`"),
        )),
    }
}

fn parse_str(meta: &ParseNestedMeta, key: &str, example: &str) -> syn::Result<LitStr> {
    let value = meta.value()?;
    let expr: syn::Expr = value.parse()?;
    match expr {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(s),
            ..
        }) => Ok(s),
        other => Err(syn::Error::new(
            other.span(),
            format!("`{key}` takes a string, like `{key} = {example}`"),
        )),
    }
}

/// Reads every struct-level `#[snap(...)]`. Errors go to `errors`; parsing
/// continues past them.
pub fn container(attrs: &[Attribute], errors: &mut Errors) -> ContainerAttrs {
    let mut out = ContainerAttrs::default();
    for attr in attrs.iter().filter(|a| is(a, SNAP)) {
        out.attr_span.get_or_insert(attr.path().span());
        if let Err(e) = attr.parse_nested_meta(|meta| container_key(&meta, &mut out, errors)) {
            errors.push(e);
        }
    }
    out
}

fn container_key(
    meta: &ParseNestedMeta,
    out: &mut ContainerAttrs,
    errors: &mut Errors,
) -> syn::Result<()> {
    let name = key_name(meta);
    let span = meta.path.span();
    let Some(key) = CONTAINER_KEYS.iter().copied().find(|k| *k == name) else {
        let hint = if FIELD_KEYS.contains(&name.as_str()) {
            format!("`{name}` is a field rule: put it on a field")
        } else if name == OPTIONAL_CODE {
            format!(
                "`{OPTIONAL_CODE}` belongs to `#[snap::response({OPTIONAL_CODE})]`, which adds `responseCode` / `responseMessage` as optional fields"
            )
        } else {
            format!(
                "unknown snap key `{name}`{}; expected one of: {}",
                suggestion(&name, CONTAINER_KEYS),
                list(CONTAINER_KEYS)
            )
        };
        errors.push(syn::Error::new(span, hint));
        return skip_value(meta);
    };
    if out.seen.iter().any(|(k, _)| *k == key) {
        errors.push(syn::Error::new(span, format!("duplicate snap key `{key}`")));
        return skip_value(meta);
    }
    out.seen.push((key, span));
    match key {
        SERVICE => {
            let (n, lit) = parse_int::<u64>(meta, SERVICE)?;
            if (1..=99).contains(&n) {
                out.service = Some(Spanned {
                    value: n as u8,
                    span: lit.span(),
                });
            } else {
                errors.push(syn::Error::new(
                    lit.span(),
                    format!(
                        "service code {n} is outside 01-99: a SNAP service code is the 2 middle digits of the 7-digit responseCode"
                    ),
                ));
            }
        }
        METHOD => {
            let lit = parse_str(meta, METHOD, "\"POST\"")?;
            let m = lit.value();
            if METHODS.contains(&m.as_str()) {
                out.method = Some(Spanned {
                    value: m,
                    span: lit.span(),
                });
            } else if METHODS.contains(&m.to_ascii_uppercase().as_str()) {
                errors.push(syn::Error::new(
                    lit.span(),
                    format!(
                        "write the HTTP method upper-case: \"{}\"",
                        m.to_ascii_uppercase()
                    ),
                ));
            } else {
                errors.push(syn::Error::new(
                    lit.span(),
                    format!(
                        "unknown HTTP method \"{m}\"; expected one of: {}",
                        list(METHODS)
                    ),
                ));
            }
        }
        PATH => {
            let lit = parse_str(meta, PATH, "\"/v1.0/auth/void\"")?;
            let p = lit.value();
            let problem = if !p.starts_with('/') {
                Some(
                    "the path must start with `/` (a relative path such as \"/v1.0/auth/void\"; the deployment prefix comes from the caller's context)",
                )
            } else if p.chars().any(char::is_whitespace) {
                Some("the path must not contain whitespace")
            } else if p.contains('?') || p.contains('#') {
                Some("the path must not contain a query or fragment; declare the path only")
            } else {
                path_placeholder_problem(&p)
            };
            match problem {
                Some(msg) => errors.push(syn::Error::new(lit.span(), msg)),
                None => {
                    out.path = Some(Spanned {
                        value: p,
                        span: lit.span(),
                    })
                }
            }
        }
        RESPONSE => {
            let value = meta.value()?;
            out.response = Some(value.parse()?);
        }
        NAME | PROVIDER => {
            let lit = parse_str(meta, key, "\"Auth Void\"")?;
            if lit.value().trim().is_empty() {
                errors.push(syn::Error::new(
                    lit.span(),
                    format!("`{key}` must not be empty"),
                ));
            }
            let v = Some(Spanned {
                value: lit.value(),
                span: lit.span(),
            });
            if key == NAME {
                out.name = v;
            } else {
                out.provider = v;
            }
        }
        SIGNATURE => {
            let value = meta.value()?;
            if !value.peek(LitStr) {
                out.signature = Some(Signature::Type(value.parse()?));
                return Ok(());
            }
            let lit: LitStr = value.parse()?;
            let s = lit.value();
            if let Some((_, ty)) = SIGNATURES.iter().find(|(n, _)| *n == s) {
                out.signature = Some(Signature::Builtin(Spanned {
                    value: ty,
                    span: lit.span(),
                }));
            } else if let Some((_, path)) = MOVED_SIGNATURES.iter().find(|(n, _)| *n == s) {
                errors.push(syn::Error::new(
                    lit.span(),
                    format!(
                        "signature = \"{s}\" is not built in: the scheme is a type next to its declarations; name it, like `signature = {path}`"
                    ),
                ));
            } else {
                errors.push(syn::Error::new(
                    lit.span(),
                    format!(
                        "unknown signature scheme \"{s}\"; expected one of: {}, or a type that implements `snap_core::sign::SignatureScheme` (`signature = my::Scheme`)",
                        SIGNATURES
                            .iter()
                            .map(|(n, _)| format!("\"{n}\""))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ));
            }
        }
        CUSTOMER_TOKEN => {
            if !meta.input.is_empty() && !meta.input.peek(Token![,]) {
                errors.push(syn::Error::new(
                    span,
                    "`customer_token` is a flag: write `customer_token` alone",
                ));
                return skip_value(meta);
            }
            out.customer_token = Some(span);
        }
        DEVICE_ID => {
            let lit = parse_str(meta, DEVICE_ID, "\"optional\"")?;
            let required = match lit.value().as_str() {
                "mandatory" => Some(true),
                "optional" => Some(false),
                other => {
                    errors.push(syn::Error::new(
                        lit.span(),
                        format!(
                            "unknown device_id rule \"{other}\"; expected \"mandatory\" (BI's table, the default with `customer_token`) or \"optional\" (a provider that does not require X-DEVICE-ID)"
                        ),
                    ));
                    None
                }
            };
            if let Some(value) = required {
                out.device_id = Some(Spanned {
                    value,
                    span: lit.span(),
                });
            }
        }
        CODE_SCHEME => {
            let value = meta.value()?;
            out.code_scheme = Some(value.parse()?);
        }
        DIRECTION => {
            let lit = parse_str(meta, DIRECTION, "\"inbound\"")?;
            let d = lit.value();
            match DIRECTIONS.iter().find(|(n, _)| *n == d) {
                Some((_, variant)) => {
                    out.direction = Some(Spanned {
                        value: variant,
                        span: lit.span(),
                    })
                }
                None => errors.push(syn::Error::new(
                    lit.span(),
                    format!(
                        "unknown direction \"{d}\"; expected \"outbound\" (the partner calls the provider, the default) or \"inbound\" (the bank calls the partner)"
                    ),
                )),
            }
        }
        CRATE => match crate_value(meta)? {
            Ok(path) => out.krate = Some(path),
            Err(e) => errors.push(e),
        },
        _ => unreachable_key(span, errors),
    }
    Ok(())
}

/// The value of `crate = "path"`: `Ok(Ok(path))`, `Ok(Err(..))` for a string
/// that is not a path (reported, parsing goes on), `Err` for no string.
fn crate_value(meta: &ParseNestedMeta) -> syn::Result<syn::Result<syn::Path>> {
    let lit = parse_str(meta, CRATE, "\"::snap_core\"")?;
    Ok(lit.parse_with(syn::Path::parse_mod_style).map_err(|_| {
        syn::Error::new(
            lit.span(),
            format!(
                "`crate` takes the path snap-core is reachable by, like `crate = \"::snap_core\"` or `crate = \"::my_renamed_snap_core\"`; \"{}\" is not a path",
                lit.value()
            ),
        )
    }))
}

/// The `crate = "..."` of a struct's `#[snap(...)]`, ignoring every error
/// (they are reported by `container`): for the error fallback, which must
/// name the runtime the same way.
pub fn crate_path(attrs: &[Attribute]) -> Option<syn::Path> {
    let mut found = None;
    for attr in attrs.iter().filter(|a| is(a, SNAP)) {
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident(CRATE) {
                if let Ok(Ok(p)) = crate_value(&meta) {
                    found = Some(p);
                }
                Ok(())
            } else {
                skip_value(&meta)
            }
        });
    }
    found
}

/// The `{name}` placeholders of a path, in order.
pub fn placeholders(path: &str) -> Vec<&str> {
    path.split('/')
        .filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
        .collect()
}

/// Braces in a path must form whole `{name}` segments, each name once.
fn path_placeholder_problem(path: &str) -> Option<&'static str> {
    let mut names: Vec<&str> = Vec::new();
    for seg in path.split('/') {
        if !seg.contains('{') && !seg.contains('}') {
            continue;
        }
        let name = seg.strip_prefix('{').and_then(|s| s.strip_suffix('}'));
        match name {
            Some(n) if !n.is_empty() && !n.contains(['{', '}']) => {
                if names.contains(&n) {
                    return Some("a `{placeholder}` appears twice in the path");
                }
                names.push(n);
            }
            _ => {
                return Some(
                    "a placeholder is a whole path segment, `/{wireName}/`, filled by the `path_param` field of that wire name",
                );
            }
        }
    }
    None
}

fn unreachable_key(span: Span, errors: &mut Errors) {
    errors.push(syn::Error::new(
        span,
        "internal: key listed but not handled",
    ));
}

/// Reads a field's `#[snap(...)]`. Errors go to `errors`; parsing continues.
pub fn field(attrs: &[Attribute], errors: &mut Errors) -> FieldAttrs {
    let mut out = FieldAttrs::default();
    for attr in attrs.iter().filter(|a| is(a, SNAP)) {
        if let Err(e) = attr.parse_nested_meta(|meta| field_key(&meta, &mut out, errors)) {
            errors.push(e);
        }
    }
    out
}

fn field_key(meta: &ParseNestedMeta, out: &mut FieldAttrs, errors: &mut Errors) -> syn::Result<()> {
    let name = key_name(meta);
    let span = meta.path.span();
    let Some(key) = FIELD_KEYS.iter().copied().find(|k| *k == name) else {
        let hint = if CONTAINER_KEYS.contains(&name.as_str()) {
            format!("`{name}` is an endpoint key: put it in the struct's #[snap(...)]")
        } else {
            format!(
                "unknown snap field rule `{name}`{}; expected one of: {}",
                suggestion(&name, FIELD_KEYS),
                list(FIELD_KEYS)
            )
        };
        errors.push(syn::Error::new(span, hint));
        return skip_value(meta);
    };
    if out.seen.contains(&key) {
        errors.push(syn::Error::new(span, format!("duplicate snap key `{key}`")));
        return skip_value(meta);
    }
    out.seen.push(key);
    match key {
        MAX | LEN => {
            let (n, lit) = parse_int::<usize>(meta, key)?;
            if n == 0 {
                errors.push(syn::Error::new(
                    lit.span(),
                    format!("`{key} = 0` allows no value at all; use a length of 1 or more"),
                ));
            }
            // Keep the key's span: rule errors point at the rule name.
            let v = Some(Spanned { value: n, span });
            if key == MAX {
                out.max = v;
            } else {
                out.len = v;
            }
        }
        DIGITS | SKIP | ACCEPT_NUMBER | ACCEPT_STRING | PATH_PARAM | QUERY => {
            if !meta.input.is_empty() && !meta.input.peek(Token![,]) {
                errors.push(syn::Error::new(
                    span,
                    format!("`{key}` is a flag: write `{key}` alone"),
                ));
                return skip_value(meta);
            }
            let slot = match key {
                DIGITS => &mut out.digits,
                SKIP => &mut out.skip,
                ACCEPT_NUMBER => &mut out.accept_number,
                ACCEPT_STRING => &mut out.accept_string,
                PATH_PARAM => &mut out.path_param,
                _ => &mut out.query,
            };
            *slot = Some(span);
        }
        ONE_OF => {
            let lit = parse_str(meta, ONE_OF, "\"original\"")?;
            if lit.value().is_empty() {
                errors.push(syn::Error::new(
                    lit.span(),
                    "the group name must not be empty",
                ));
            }
            out.one_of = Some(lit);
        }
        VIA => {
            let lit = parse_str(meta, VIA, "\"original_external_id\"")?;
            if syn::parse_str::<syn::Ident>(&lit.value()).is_err() {
                errors.push(syn::Error::new(
                    lit.span(),
                    "`via` names a Rust field of the nested type, like `via = \"original_external_id\"`",
                ));
            } else {
                out.via = Some(lit);
            }
        }
        REQUIRED_IF => {
            let mut field = None;
            let mut value = None;
            meta.parse_nested_meta(|inner| {
                let n = key_name(&inner);
                if n == REQUIRED_IF_FIELD && field.is_none() {
                    field = Some(parse_str(&inner, REQUIRED_IF_FIELD, "\"grant_type\"")?);
                } else if n == REQUIRED_IF_VALUE && value.is_none() {
                    value = Some(parse_str(&inner, REQUIRED_IF_VALUE, "\"AUTHORIZATION_CODE\"")?);
                } else if n == REQUIRED_IF_FIELD || n == REQUIRED_IF_VALUE {
                    errors.push(inner.error(format!("duplicate key `{n}` in `required_if`")));
                    skip_value(&inner)?;
                } else {
                    errors.push(inner.error(format!(
                        "unknown key `{n}` in `required_if`; expected `field = \"rust_field\"` and `value = \"...\"`"
                    )));
                    skip_value(&inner)?;
                }
                Ok(())
            })?;
            match (field, value) {
                (Some(field), Some(value)) => {
                    out.required_if = Some(RequiredIf {
                        key_span: span,
                        field,
                        value,
                    })
                }
                _ => errors.push(syn::Error::new(
                    span,
                    "`required_if` needs both keys: `required_if(field = \"rust_field\", value = \"...\")`",
                )),
            }
        }
        _ => unreachable_key(span, errors),
    }
    Ok(())
}

/// One name from `rename = "x"` or `rename(serialize = "x", deserialize = "y")`.
/// Returns the serialized name; a serialize/deserialize pair that differs is an
/// error, since a violation path needs one wire name.
fn serde_name(
    meta: &ParseNestedMeta,
    key: &str,
    errors: &mut Errors,
) -> syn::Result<Option<LitStr>> {
    if meta.input.peek(Token![=]) {
        return Ok(Some(parse_str(meta, key, "\"x\"")?));
    }
    let mut ser: Option<LitStr> = None;
    let mut de: Option<LitStr> = None;
    meta.parse_nested_meta(|inner| {
        if inner.path.is_ident(SERDE_SERIALIZE) {
            ser = Some(parse_str(&inner, SERDE_SERIALIZE, "\"x\"")?);
        } else if inner.path.is_ident(SERDE_DESERIALIZE) {
            de = Some(parse_str(&inner, SERDE_DESERIALIZE, "\"x\"")?);
        } else {
            skip_value(&inner)?;
        }
        Ok(())
    })?;
    match (ser, de) {
        (Some(s), Some(d)) if s.value() != d.value() => {
            errors.push(syn::Error::new(
                meta.path.span(),
                format!(
                    "snap needs one wire name per field, but serde's `{key}` serializes \"{}\" and deserializes \"{}\"",
                    s.value(),
                    d.value()
                ),
            ));
            Ok(Some(s))
        }
        (Some(s), _) => Ok(Some(s)),
        (None, Some(d)) => {
            errors.push(syn::Error::new(
                meta.path.span(),
                format!(
                    "snap needs one wire name per field, but serde's `{key}` only renames deserialization (\"{}\"); use `{key} = \"{}\"`",
                    d.value(),
                    d.value()
                ),
            ));
            Ok(Some(d))
        }
        (None, None) => Ok(None),
    }
}

/// True when the struct has a `#[serde(..)]` with key `key` (`rename_all`, `crate`).
pub fn serde_container_has(attrs: &[Attribute], key: &str) -> bool {
    let mut found = false;
    for attr in attrs.iter().filter(|a| is(a, SERDE)) {
        let _ = attr.parse_nested_meta(|meta| {
            if key_name(&meta) == key {
                found = true;
            }
            skip_value(&meta)
        });
    }
    found
}

/// Reads the struct's `#[serde(rename_all = ...)]`.
pub fn serde_container(attrs: &[Attribute], errors: &mut Errors) -> Option<RenameRule> {
    let mut rule = None;
    for attr in attrs.iter().filter(|a| is(a, SERDE)) {
        let res = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident(SERDE_RENAME_ALL) {
                if let Some(lit) = serde_name(&meta, SERDE_RENAME_ALL, errors)? {
                    match RenameRule::from_str(&lit.value()) {
                        Some(r) => rule = Some(r),
                        None => errors.push(syn::Error::new(
                            lit.span(),
                            format!("unknown serde rename rule \"{}\"", lit.value()),
                        )),
                    }
                }
                Ok(())
            } else {
                skip_value(&meta)
            }
        });
        if let Err(e) = res {
            errors.push(e);
        }
    }
    rule
}

/// Reads a field's `#[serde(...)]`: rename, skip; rejects flatten.
pub fn serde_field(attrs: &[Attribute], errors: &mut Errors) -> SerdeField {
    let mut out = SerdeField::default();
    for attr in attrs.iter().filter(|a| is(a, SERDE)) {
        let res = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident(SERDE_RENAME) {
                if let Some(lit) = serde_name(&meta, SERDE_RENAME, errors)? {
                    out.rename = Some(lit.value());
                }
                Ok(())
            } else if meta.path.is_ident(SERDE_FLATTEN) {
                errors.push(meta.error(
                    "#[serde(flatten)] is not supported by snap: a flattened field has no wire path of its own; declare its fields here, or keep extra keys in `additionalInfo`",
                ));
                Ok(())
            } else if meta.path.is_ident(SERDE_SKIP) {
                out.skip = true;
                out.skip_serializing = true;
                Ok(())
            } else if meta.path.is_ident(SERDE_SKIP_SERIALIZING) {
                out.skip_serializing = true;
                Ok(())
            } else if meta.path.is_ident(SERDE_DEFAULT) {
                out.default = true;
                skip_value(&meta)
            } else if meta.path.is_ident(SERDE_SKIP_SERIALIZING_IF) {
                out.skip_serializing_if = true;
                skip_value(&meta)
            } else if meta.path.is_ident(SERDE_DESERIALIZE_WITH) || meta.path.is_ident(SERDE_WITH)
            {
                let key = key_name(&meta);
                let lit = parse_str(&meta, &key, "\"snap_core::wire::accept_number\"")?;
                out.deserialize_with = Some(lit.value());
                Ok(())
            } else {
                skip_value(&meta)
            }
        });
        if let Err(e) = res {
            errors.push(e);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::RenameRule::*;

    #[test]
    fn suggestions_for_near_misses_only() {
        use super::{CONTAINER_KEYS, FIELD_KEYS, suggestion};
        assert_eq!(
            suggestion("respons", CONTAINER_KEYS),
            " (did you mean `response`?)"
        );
        assert_eq!(suggestion("maxx", FIELD_KEYS), " (did you mean `max`?)");
        assert_eq!(suggestion("timeout", CONTAINER_KEYS), "");
    }

    #[test]
    fn rename_rules_match_serde() {
        let f = "original_reference_no";
        assert_eq!(Camel.apply_to_field(f), "originalReferenceNo");
        assert_eq!(Pascal.apply_to_field(f), "OriginalReferenceNo");
        assert_eq!(Snake.apply_to_field(f), f);
        assert_eq!(Lower.apply_to_field(f), f);
        assert_eq!(Upper.apply_to_field(f), "ORIGINAL_REFERENCE_NO");
        assert_eq!(ScreamingSnake.apply_to_field(f), "ORIGINAL_REFERENCE_NO");
        assert_eq!(Kebab.apply_to_field(f), "original-reference-no");
        assert_eq!(ScreamingKebab.apply_to_field(f), "ORIGINAL-REFERENCE-NO");
        assert_eq!(Camel.apply_to_field("x"), "x");
    }
}
