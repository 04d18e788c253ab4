//! Request bodies built from an endpoint's schema, with identifiers that
//! cannot exist at the provider.
//!
//! Every string is a fresh random value that no provider issued: `SNAPCONF`
//! followed by random upper-case hex (or, where the field allows digits
//! only, random digits after a leading `9`), cut to the field's length.
//! Amounts are `1.00 IDR`. A probe built on such a body names a
//! transaction, merchant, customer or account that does not exist, so it
//! cannot move money even at a provider that wrongly accepts it.

use serde_json::{Map, Value, json};
use snap_core::schema::SchemaGen;
use snap_core::time::SnapTimestamp;

/// Fresh random identifiers.
pub struct Ids {
    counter: u64,
}

/// Random bytes from the OS (aws-lc-rs); a counter-derived fallback keeps a
/// run going if the OS source fails (the values stay distinct, not secret).
fn random_bytes(n: usize, counter: u64) -> Vec<u8> {
    let mut b = vec![0u8; n];
    if aws_lc_rs::rand::fill(&mut b).is_err() {
        let seed = counter.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ u64::from(std::process::id());
        for (i, x) in b.iter_mut().enumerate() {
            *x = (seed >> ((i % 8) * 8)) as u8 ^ i as u8;
        }
    }
    b
}

impl Ids {
    /// A generator.
    pub fn new() -> Ids {
        Ids { counter: 0 }
    }

    /// An identifier of `len` characters: `SNAPCONF` + random hex (digits
    /// only: `9` + random digits).
    pub fn make(&mut self, len: usize, digits: bool) -> String {
        self.counter += 1;
        let bytes = random_bytes(len.max(1), self.counter);
        if digits {
            let mut s = String::from("9");
            s.extend(bytes.iter().map(|b| char::from(b'0' + b % 10)));
            s.truncate(len);
            s
        } else {
            let mut s = String::from("SNAPCONF");
            for b in &bytes {
                s.push_str(&format!("{b:02X}"));
            }
            s.truncate(len);
            s
        }
    }
}

/// Only digits allowed by this string schema.
pub fn digits_only(schema: &Value) -> bool {
    schema.get("pattern").and_then(Value::as_str) == Some("^[0-9]*$")
}

/// A value of `schema`: every required member, the first member of each
/// `anyOf` group, strings as fresh identifiers (24 characters, or the
/// field's length).
pub fn build(generator: &SchemaGen, schema: &Value, ids: &mut Ids) -> Value {
    build_at(generator, schema, ids, 0)
}

fn build_at(generator: &SchemaGen, schema: &Value, ids: &mut Ids, depth: usize) -> Value {
    if depth > 16 {
        return Value::Null;
    }
    if schema.get("$ref").and_then(Value::as_str) == Some("#/components/schemas/Money") {
        return json!({ "value": "1.00", "currency": "IDR" });
    }
    let s = generator.resolve(schema);
    if let Some(first) = s
        .get("anyOf")
        .and_then(Value::as_array)
        .and_then(|a| a.first())
        && s.get("type").is_none()
    {
        return build_at(generator, first, ids, depth + 1);
    }
    match s.get("type").and_then(Value::as_str) {
        Some("object") => {
            let props = s.get("properties").and_then(Value::as_object);
            let mut wanted: Vec<String> = s
                .get("required")
                .and_then(Value::as_array)
                .map(|r| {
                    r.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default();
            // one_of groups: the first member of each.
            let mut groups: Vec<&Value> = Vec::new();
            if let Some(any) = s.get("anyOf") {
                groups.push(any);
            }
            if let Some(all) = s.get("allOf").and_then(Value::as_array) {
                groups.extend(all.iter().filter_map(|a| a.get("anyOf")));
            }
            // one_of groups: one member each, a plain string when there is
            // one (a member reached through a nested object, `via`, needs
            // more than the object).
            for g in groups {
                let members: Vec<&str> = g
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .filter_map(|f| f.get("required")?.get(0)?.as_str())
                            .collect()
                    })
                    .unwrap_or_default();
                let is_string = |m: &&&str| {
                    props
                        .and_then(|p| p.get(**m))
                        .map(|s| generator.resolve(s))
                        .and_then(|s| s.get("type"))
                        .and_then(Value::as_str)
                        == Some("string")
                };
                let pick = members.iter().find(is_string).or(members.first()).copied();
                if let Some(m) = pick
                    && !wanted.iter().any(|w| w == m)
                {
                    wanted.push(m.to_owned());
                }
            }
            // Optional references to an original transaction too: a probe
            // then names one that does not exist (a "not found" answer)
            // rather than none.
            if let Some(props) = props {
                for (name, sub) in props {
                    let is_string = generator.resolve(sub).get("type").and_then(Value::as_str)
                        == Some("string");
                    if name.starts_with("original") && is_string && !wanted.contains(name) {
                        wanted.push(name.clone());
                    }
                }
            }
            let mut out = Map::new();
            for name in wanted {
                let sub = props
                    .and_then(|p| p.get(&name))
                    .cloned()
                    .unwrap_or_else(|| json!({ "type": "string" }));
                out.insert(name, build_at(generator, &sub, ids, depth + 1));
            }
            Value::Object(out)
        }
        Some("string") => {
            if s.get("format").and_then(Value::as_str) == Some("date-time") {
                return SnapTimestamp::now().into_string().into();
            }
            if s.get("pattern").and_then(Value::as_str) == Some("^[A-Z]{3}$") {
                return "IDR".into();
            }
            let max = s.get("maxLength").and_then(Value::as_u64).unwrap_or(24) as usize;
            let min = s.get("minLength").and_then(Value::as_u64).unwrap_or(1) as usize;
            let len = 24.min(max).max(min);
            ids.make(len, digits_only(s)).into()
        }
        Some("integer") => {
            let min = s.get("minimum").and_then(Value::as_i64).unwrap_or(1);
            json!(min.max(1))
        }
        Some("number") => json!(1),
        Some("boolean") => json!(false),
        Some("array") => json!([]),
        Some(_) => json!({}),
        // No rules known (a hand-written `Validate`): an identifier is the
        // likeliest thing to fit.
        None => ids.make(24, false).into(),
    }
}

/// `body` with the first top-level string member set to another fresh
/// identifier of the same length (or a `conformanceProbe` member added):
/// the same request kind, another body.
pub fn another(body: &Value, ids: &mut Ids) -> Value {
    let mut b = body.clone();
    if let Some(o) = b.as_object_mut() {
        // The first string member a fresh identifier actually changes (a
        // short member such as an 8-character partnerServiceId may come out
        // as the same prefix again).
        let strings: Vec<(String, String)> = o
            .iter()
            .filter_map(|(k, v)| {
                v.as_str()
                    .filter(|s| !s.is_empty())
                    .map(|s| (k.clone(), s.to_owned()))
            })
            .collect();
        let mut changed = false;
        for (k, old) in strings {
            let digits = old.bytes().all(|c| c.is_ascii_digit());
            let fresh = (0..2)
                .map(|_| ids.make(old.chars().count(), digits))
                .find(|new| *new != old);
            if let Some(new) = fresh {
                o.insert(k, new.into());
                changed = true;
                break;
            }
        }
        if !changed {
            o.insert("conformanceProbe".into(), ids.make(12, false).into());
        }
    }
    b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_fresh_and_fit() {
        let mut ids = Ids::new();
        let a = ids.make(24, false);
        let b = ids.make(24, false);
        assert_ne!(a, b);
        assert!(a.starts_with("SNAPCONF") && a.len() == 24, "{a}");
        let d = ids.make(12, true);
        assert!(d.len() == 12 && d.starts_with('9') && d.bytes().all(|c| c.is_ascii_digit()));
        assert_eq!(ids.make(3, false), "SNA");
    }

    /// Every SNAP endpoint declared when this was written gets a body its
    /// declaration accepts; one declared later that does not is printed (the
    /// tool then skips it with a note and asks for --body).
    #[test]
    fn every_snap_endpoint_gets_a_valid_body() {
        const KNOWN: [&str; 17] = [
            "BI:31",
            "BI:57",
            "BI:63",
            "BI:64",
            "BI:65",
            "BI:66",
            "BI:67",
            "BI:68",
            "BI:69",
            "BI:73",
            "BI:74",
            "BI:77",
            "GoPay:31",
            "GoPay:57",
            "GoPay:67",
            "GoPay:77",
            "Paydia:67",
        ];
        for e in snap_endpoints::registry::registry() {
            let Some(key) = e.key() else { continue };
            let mut g = SchemaGen::new();
            let s = e.schema(&mut g);
            let body = build(&g, &s.request, &mut Ids::new());
            let bytes = serde_json::to_vec(&body).unwrap();
            let result = e.validate(&bytes);
            if KNOWN.contains(&key.as_str()) {
                assert_eq!(result, Ok(()), "{key}: {}", String::from_utf8_lossy(&bytes));
            } else if let Err(err) = result {
                eprintln!("{key}: no valid body from the schema: {err}");
            }
            let other = another(&body, &mut Ids::new());
            assert_ne!(other, body, "{}", e.meta.name);
        }
    }
}
