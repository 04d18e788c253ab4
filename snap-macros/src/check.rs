//! Rules across keys and fields. Single-value checks happen in `attr.rs`.

use std::collections::BTreeMap;

use syn::ext::IdentExt;

use crate::ast::{Errors, Input, Kind};
use crate::attr::{CODE_SCHEME, METHOD, PATH, RESPONSE, SERVICE};

/// Adds every problem found to `errors`.
pub fn check(input: &Input, errors: &mut Errors) {
    match input.kind {
        Kind::Request => check_request(input, errors),
        Kind::Model => {
            for (key, span) in &input.container.seen {
                errors.at(
                    *span,
                    format!(
                        "`{key}` is an endpoint key: only #[derive(SnapRequest)] takes it (SnapModel has field rules only)"
                    ),
                );
            }
        }
    }
    check_fields(input, errors);
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
                format!("missing `{key}` in #[snap(...)]: write `{example}`")
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
}

fn check_fields(input: &Input, errors: &mut Errors) {
    let mut groups: BTreeMap<String, Vec<&syn::LitStr>> = BTreeMap::new();
    for f in &input.fields {
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
