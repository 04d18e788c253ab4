//! Rules across keys and fields. Single-value checks happen in `attr.rs`.

use std::collections::BTreeMap;

use syn::ext::IdentExt;

use crate::ast::{Errors, Field, Input, Kind};
use crate::attr::{
    ACCEPT_HELPERS, ACCEPT_NUMBER, ACCEPT_STRING, CODE_SCHEME, METHOD, MODEL_KEYS, PATH,
    PATH_PARAM, QUERY, RESPONSE, SERVICE, placeholders,
};

/// Adds every problem found to `errors`.
pub fn check(input: &Input, errors: &mut Errors) {
    match input.kind {
        Kind::Request => {
            check_request(input, errors);
            check_target(input, errors);
        }
        Kind::Model => {
            for (key, span) in &input.container.seen {
                if MODEL_KEYS.contains(key) {
                    continue;
                }
                errors.at(
                    *span,
                    format!(
                        "`{key}` is an endpoint key: only a request (#[snap::request] / #[derive(SnapRequest)]) takes it; a model or response has field rules only"
                    ),
                );
            }
            for f in &input.fields {
                for (key, span) in [(PATH_PARAM, f.attrs.path_param), (QUERY, f.attrs.query)] {
                    if let Some(span) = span {
                        errors.at(
                            span,
                            format!("`{key}` belongs to a request's field: a model or response has no path or query"),
                        );
                    }
                }
            }
        }
    }
    check_fields(input, errors);
}

/// `path_param` / `query` fields against the path's `{placeholders}` and the method.
fn check_target(input: &Input, errors: &mut Errors) {
    let c = &input.container;
    let names = c
        .path
        .as_ref()
        .map(|p| {
            placeholders(&p.value)
                .into_iter()
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    let params: Vec<&Field> = input
        .fields
        .iter()
        .filter(|f| f.attrs.path_param.is_some())
        .collect();
    if let Some(path) = &c.path {
        for name in &names {
            if !params.iter().any(|f| f.wire == *name) {
                let have = params
                    .iter()
                    .map(|f| format!("`{}`", f.wire))
                    .collect::<Vec<_>>();
                let have = if have.is_empty() {
                    "none".to_owned()
                } else {
                    have.join(", ")
                };
                errors.at(
                    path.span,
                    format!(
                        "`{{{name}}}` in the path has no `path_param` field with wire name `{name}` (path_param fields: {have})"
                    ),
                );
            }
        }
    }
    for f in &params {
        let Some(span) = f.attrs.path_param else {
            continue;
        };
        if c.path.is_some() && !names.contains(&f.wire) {
            let path = c.path.as_ref().map(|p| p.value.as_str()).unwrap_or("");
            errors.at(
                span,
                format!(
                    "`path_param` field `{}` has no `{{{}}}` segment in the path \"{path}\": add `/{{{}}}` where it goes",
                    f.ident, f.wire, f.wire
                ),
            );
        }
        if f.is_option {
            errors.at(
                span,
                format!(
                    "a path parameter is always sent: `{}` must be mandatory (not an Option)",
                    f.ident
                ),
            );
        }
        if let Some(q) = f.attrs.query {
            errors.at(q, "a field is either `path_param` or `query`, not both");
        }
    }
    if let Some(method) = &c.method
        && method.value != "GET"
    {
        for f in &input.fields {
            if let Some(span) = f.attrs.query {
                errors.at(
                    span,
                    format!(
                        "`query` fields are for GET endpoints; this one is {}: send `{}` in the body (remove `query`)",
                        method.value, f.ident
                    ),
                );
            }
        }
    }
    for f in &input.fields {
        for (key, span) in [(PATH_PARAM, f.attrs.path_param), (QUERY, f.attrs.query)] {
            if let Some(span) = span
                && !f.serde.skip_serializing
            {
                errors.at(
                    span,
                    format!(
                        "a `{key}` field is not in the JSON body: add `#[serde(skip_serializing, default)]` to `{}` (#[snap::request] writes it for you)",
                        f.ident
                    ),
                );
            }
        }
    }
}

/// `accept_number` / `accept_string`: the field's type, and the serde
/// attribute that makes the second form readable.
fn check_accept(f: &Field, errors: &mut Errors) {
    if let Some(span) = f.attrs.accept_number
        && !f.string
    {
        let msg = if f.integer {
            "`accept_number` is for `String` fields (a JSON number kept as its text); this field is an integer already: to accept a string of digits too, use `accept_string`"
        } else {
            "`accept_number` is for `String` fields (or `Option<String>`): a JSON number is accepted and kept as its text"
        };
        errors.at(span, msg);
    }
    if let Some(span) = f.attrs.accept_string
        && !f.integer
    {
        let msg = if f.string {
            "`accept_string` is for integer fields (a JSON string of digits read as a number); on a `String` field that providers send as a number, use `accept_number`"
        } else {
            "`accept_string` is for integer fields (`u8`..`u64`, `i8`..`i64`, `usize`, or an `Option` of one): a JSON string of digits is read as the number"
        };
        errors.at(span, msg);
    }
    if let (Some(a), Some(_)) = (f.attrs.accept_number, f.attrs.accept_string) {
        errors.at(a, "`accept_number` and `accept_string` exclude each other");
    }
    for (key, plain, opt) in ACCEPT_HELPERS {
        // On the wrong type, that is the error; the serde attribute is moot.
        let span = match *key {
            ACCEPT_NUMBER if f.string => f.attrs.accept_number,
            ACCEPT_STRING if f.integer => f.attrs.accept_string,
            _ => None,
        };
        if let Some(span) = span
            && f.serde.deserialize_with.is_none()
        {
            let write = if f.is_option {
                format!("#[serde(default, deserialize_with = \"snap_core::wire::{opt}\")]")
            } else {
                format!("#[serde(deserialize_with = \"snap_core::wire::{plain}\")]")
            };
            errors.at(
                span,
                format!(
                    "`{key}` needs serde to read both forms: add `{write}` to `{}` (the attribute macros #[snap::request] / #[snap::model] write it for you)",
                    f.ident
                ),
            );
        }
    }
}

fn check_request(input: &Input, errors: &mut Errors) {
    let c = &input.container;
    let anchor = c.attr_span.unwrap_or_else(|| input.ident.span());
    let seen = |k: &str| c.seen.iter().any(|(s, _)| *s == k);
    let no_attr = c.attr_span.is_none();
    for (key, example) in [
        (METHOD, "method = \"POST\""),
        (PATH, "path = \"/v1.0/auth/void\""),
        (RESPONSE, "response = MyResponse"),
    ] {
        // A key that was present but invalid has already been reported.
        if !seen(key) {
            let msg = if no_attr {
                format!(
                    "#[derive(SnapRequest)] needs #[snap(...)] on the struct, with at least `{}`, `{}` and `{}`",
                    "method = \"POST\"", "path = \"/v1.0/...\"", "response = MyResponse"
                )
            } else {
                format!("missing `{key}`: write `{example}`")
            };
            errors.at(anchor, msg);
            if no_attr {
                return;
            }
        }
    }
    match (seen(SERVICE), seen(CODE_SCHEME)) {
        (true, true) => {
            let span = c
                .seen
                .iter()
                .find(|(k, _)| *k == CODE_SCHEME)
                .map(|(_, s)| *s)
                .unwrap_or(anchor);
            errors.at(
                span,
                "`code_scheme` is for non-SNAP endpoints: an endpoint with a `service` code uses SNAP's 7-digit responseCode",
            );
        }
        (false, false) => errors.at(
            anchor,
            "missing `service = NN` (a SNAP endpoint) or `code_scheme = Type` (a non-SNAP endpoint with its own result codes)",
        ),
        _ => {}
    }
    if let (Some(d), None) = (&c.device_id, c.customer_token) {
        errors.at(
            d.span,
            "`device_id` concerns B2B2C endpoints: add `customer_token`, or leave `device_id` out (a B2B call sends no X-DEVICE-ID)",
        );
    }
}

fn check_fields(input: &Input, errors: &mut Errors) {
    let mut groups: BTreeMap<String, Vec<&syn::LitStr>> = BTreeMap::new();
    for f in &input.fields {
        check_accept(f, errors);
        let a = &f.attrs;
        if let (Some(len), Some(_)) = (&a.len, &a.max) {
            errors.at(
                len.span,
                "`len` and `max` exclude each other: `len = N` already fixes the length to exactly N characters",
            );
        }
        if let Some(skip) = a.skip
            && (a.max.is_some()
                || a.len.is_some()
                || a.digits.is_some()
                || a.one_of.is_some()
                || a.via.is_some()
                || a.required_if.is_some())
        {
            errors.at(skip, "`skip` turns validation off for this field: remove its other rules, or remove `skip`");
        }
        if let (Some(via), None) = (&a.via, &a.one_of) {
            errors.at(
                via.span(),
                "`via` belongs to a `one_of` member: write `one_of = \"group\", via = \"nested_field\"`",
            );
        }
        if let Some(group) = &a.one_of {
            if f.is_option {
                groups.entry(group.value()).or_default().push(group);
            } else {
                errors.at(
                    group.span(),
                    format!(
                        "`one_of` needs an `Option<..>` field: `{}` is not an Option, so it is always mandatory",
                        f.ident
                    ),
                );
            }
        }
        if let Some(rif) = &a.required_if {
            if !f.is_option {
                errors.at(
                    rif.key_span,
                    format!(
                        "`required_if` needs an `Option<..>` field: `{}` is not an Option, so it is always mandatory",
                        f.ident
                    ),
                );
            }
            let target = rif.field.value();
            if f.ident.unraw() == target {
                errors.at(
                    rif.field.span(),
                    "`required_if` cannot name the field it is on",
                );
            } else if !input
                .fields
                .iter()
                .any(|o| o.ident.unraw() == target.as_str())
            {
                let names = input
                    .fields
                    .iter()
                    .map(|o| format!("`{}`", o.ident))
                    .collect::<Vec<_>>()
                    .join(", ");
                errors.at(
                    rif.field.span(),
                    format!("`required_if` names no field `{target}` of this struct (Rust field names: {names})"),
                );
            }
        }
    }
    for (name, members) in groups {
        if members.len() == 1 {
            errors.at(
                members[0].span(),
                format!(
                    "`one_of` group \"{name}\" has one member: a group means at least one of two or more fields; make the field mandatory (not an Option) instead"
                ),
            );
        }
    }
}
