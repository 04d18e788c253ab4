//! A small checker of a JSON value against the schemas `snap_core::schema`
//! generates: `$ref`, `type`, `properties`, `required`, `items`,
//! `additionalProperties`, `anyOf`, `allOf`, `minLength` / `maxLength`,
//! `minimum` / `maximum`. Patterns, formats and `if` / `then` are not
//! checked (a real validator runs over the published document in the tests).
//!
//! `snap conformance` uses it for an answer's mandatory members, `snap
//! openapi` to keep only portal samples that fit their schema.

use serde_json::Value;
use snap_core::schema::SchemaGen;

/// Every problem of `value` against `schema`, each as `path: problem`
/// (`partnerVoidNo: missing`, `amount.value: expected string`).
pub fn problems(generator: &SchemaGen, schema: &Value, value: &Value) -> Vec<String> {
    let mut out = Vec::new();
    walk(generator, schema, value, "", &mut out, 0);
    out
}

fn at(path: &str, member: &str) -> String {
    if path.is_empty() {
        member.to_owned()
    } else {
        format!("{path}.{member}")
    }
}

fn shown(path: &str) -> &str {
    if path.is_empty() { "(body)" } else { path }
}

fn type_ok(t: &str, v: &Value) -> bool {
    match t {
        "object" => v.is_object(),
        "array" => v.is_array(),
        "string" => v.is_string(),
        "integer" => v.is_i64() || v.is_u64(),
        "number" => v.is_number(),
        "boolean" => v.is_boolean(),
        "null" => v.is_null(),
        _ => true,
    }
}

fn walk(
    generator: &SchemaGen,
    schema: &Value,
    value: &Value,
    path: &str,
    out: &mut Vec<String>,
    depth: usize,
) {
    if depth > 64 {
        return;
    }
    let schema = generator.resolve(schema);
    let Some(s) = schema.as_object() else {
        return;
    };
    if let Some(t) = s.get("type").and_then(Value::as_str)
        && !type_ok(t, value)
    {
        out.push(format!("{}: expected {t}", shown(path)));
        return;
    }
    if let Some(all) = s.get("allOf").and_then(Value::as_array) {
        for sub in all {
            walk(generator, sub, value, path, out, depth + 1);
        }
    }
    if let Some(any) = s.get("anyOf").and_then(Value::as_array) {
        let fits = any.iter().any(|sub| {
            let mut v = Vec::new();
            walk(generator, sub, value, path, &mut v, depth + 1);
            v.is_empty()
        });
        if !fits {
            out.push(format!("{}: fits none of its alternatives", shown(path)));
        }
    }
    if let Some(text) = value.as_str() {
        let n = text.chars().count() as u64;
        if let Some(max) = s.get("maxLength").and_then(Value::as_u64)
            && n > max
        {
            out.push(format!(
                "{}: {n} characters, at most {max} allowed",
                shown(path)
            ));
        }
        if let Some(min) = s.get("minLength").and_then(Value::as_u64)
            && n < min
        {
            out.push(format!(
                "{}: {n} characters, at least {min} needed",
                shown(path)
            ));
        }
    }
    if let Some(n) = value.as_f64() {
        // Bounds are integers here: compare as integers when both are.
        let below = |bound: &Value| match (value.as_i64(), bound.as_i64()) {
            (Some(a), Some(b)) => a < b,
            _ => bound.as_f64().is_some_and(|b| n < b),
        };
        let above = |bound: &Value| match (value.as_u64(), bound.as_u64()) {
            (Some(a), Some(b)) => a > b,
            _ => bound.as_f64().is_some_and(|b| n > b),
        };
        if s.get("minimum").is_some_and(below) || s.get("maximum").is_some_and(above) {
            out.push(format!("{}: out of range", shown(path)));
        }
    }
    if let Some(obj) = value.as_object() {
        if let Some(required) = s.get("required").and_then(Value::as_array) {
            for r in required.iter().filter_map(Value::as_str) {
                if !obj.contains_key(r) {
                    out.push(format!("{}: missing", at(path, r)));
                }
            }
        }
        let props = s.get("properties").and_then(Value::as_object);
        for (k, v) in obj {
            match props.and_then(|p| p.get(k)) {
                Some(sub) => walk(generator, sub, v, &at(path, k), out, depth + 1),
                None => {
                    if let Some(extra) = s.get("additionalProperties")
                        && extra.is_object()
                    {
                        walk(generator, extra, v, &at(path, k), out, depth + 1);
                    }
                }
            }
        }
    }
    if let (Some(items), Some(list)) = (s.get("items"), value.as_array()) {
        for (i, v) in list.iter().enumerate() {
            walk(generator, items, v, &format!("{path}[{i}]"), out, depth + 1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn required_types_lengths_and_refs() {
        let mut g = SchemaGen::new();
        let money = snap_core::schema::money(&mut g);
        let schema = json!({
            "type": "object",
            "required": ["a", "m"],
            "properties": {
                "a": {"type": "string", "maxLength": 3, "minLength": 1},
                "m": money,
                "n": {"type": "integer", "minimum": 0, "maximum": 99},
                "l": {"type": "array", "items": {"type": "string"}},
                "o": {"anyOf": [{"type": "string"}, {"type": "number"}]},
            }
        });
        assert!(
            problems(
                &g,
                &schema,
                &json!({"a": "abc", "m": {"value": "1.00", "currency": "IDR"}})
            )
            .is_empty()
        );
        let p = problems(
            &g,
            &schema,
            &json!({"a": "abcd", "m": {"value": 1}, "n": 100, "l": ["x", 2], "o": true}),
        );
        assert_eq!(
            p,
            [
                "a: 4 characters, at most 3 allowed",
                "m.currency: missing",
                "m.value: expected string",
                "n: out of range",
                "l[1]: expected string",
                "o: fits none of its alternatives",
            ]
        );
        assert_eq!(
            problems(&g, &schema, &json!([])),
            ["(body): expected object"]
        );
    }
}
