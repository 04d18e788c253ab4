//! minify: idempotent, value-preserving, and it never changes a byte inside a
//! string.

use proptest::prelude::*;
use serde_json::{Map, Value};
use snap_core::sign::minify;

use crate::cfg;

/// Strings that stress a minifier: whitespace of every kind, quotes,
/// backslashes, `/`, control characters, non-ASCII (2-, 3- and 4-byte).
pub fn nasty_string() -> impl Strategy<Value = String> {
    let ch = prop_oneof![
        4 => proptest::char::range('a', 'z'),
        2 => Just(' '),
        1 => Just('\t'),
        1 => Just('\n'),
        1 => Just('\r'),
        2 => Just('"'),
        2 => Just('\\'),
        2 => Just('/'),
        1 => Just('\u{0}'),
        1 => Just('\u{1f}'),
        1 => Just('{'),
        1 => Just(':'),
        1 => Just(','),
        1 => Just('é'),
        1 => Just('–'),
        1 => Just('\u{2028}'),
        1 => Just('😀'),
        1 => any::<char>(),
    ];
    proptest::collection::vec(ch, 0..24).prop_map(|v| v.into_iter().collect())
}

/// Arbitrary JSON values (depth <= 4) with [`nasty_string`] keys and strings.
pub fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| Value::Number(n.into())),
        any::<u64>().prop_map(|n| Value::Number(n.into())),
        // fractions that are exact in binary, so parsing back is exact too
        (
            any::<i32>(),
            prop::sample::select(vec!["0", "5", "25", "125", "375", "875"])
        )
            .prop_map(|(i, f)| serde_json::from_str::<Value>(&format!("{i}.{f}")).unwrap()),
        nasty_string().prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::vec((nasty_string(), inner), 0..6)
                .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// Writes `v` as JSON tokens, choosing escape styles from `style` (so the
/// same string may be written raw, `\uXXXX`-escaped or with `\/`), and
/// returns the tokens: the minified text must be exactly their concatenation.
fn tokens(v: &Value, style: &mut impl Iterator<Item = u8>, out: &mut Vec<String>) {
    match v {
        Value::Null | Value::Bool(_) | Value::Number(_) => out.push(v.to_string()),
        Value::String(s) => out.push(string_token(s, style)),
        Value::Array(a) => {
            out.push("[".into());
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push(",".into());
                }
                tokens(x, style, out);
            }
            out.push("]".into());
        }
        Value::Object(m) => {
            out.push("{".into());
            for (i, (k, x)) in m.iter().enumerate() {
                if i > 0 {
                    out.push(",".into());
                }
                out.push(string_token(k, style));
                out.push(":".into());
                tokens(x, style, out);
            }
            out.push("}".into());
        }
    }
}

fn string_token(s: &str, style: &mut impl Iterator<Item = u8>) -> String {
    let mut t = String::from("\"");
    for c in s.chars() {
        let pick = style.next().unwrap_or(0) % 4;
        match c {
            '"' => t.push_str("\\\""),
            '\\' => t.push_str("\\\\"),
            '/' if pick == 0 => t.push_str("\\/"),
            '\n' if pick < 2 => t.push_str("\\n"),
            '\t' if pick < 2 => t.push_str("\\t"),
            '\r' if pick < 2 => t.push_str("\\r"),
            c if (c as u32) < 0x20 || pick == 3 => {
                let mut buf = [0u16; 2];
                for unit in c.encode_utf16(&mut buf) {
                    t.push_str(&format!("\\u{unit:04X}"));
                }
            }
            c => t.push(c),
        }
    }
    t.push('"');
    t
}

/// JSON insignificant whitespace, 0 to 3 characters.
fn ws() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![Just(' '), Just('\t'), Just('\n'), Just('\r')],
        0..4,
    )
    .prop_map(|v| v.into_iter().collect())
}

proptest! {
    #![proptest_config(cfg(256))]

    /// Pretty-printed JSON minifies to serde_json's compact form, byte for
    /// byte, and parses back to the same value.
    #[test]
    fn minify_pretty_equals_compact(v in json_value()) {
        let pretty = serde_json::to_string_pretty(&v).unwrap();
        let compact = serde_json::to_string(&v).unwrap();
        let m = minify(pretty.as_bytes()).unwrap();
        prop_assert_eq!(std::str::from_utf8(&m).unwrap(), compact.as_str());
        let back: Value = serde_json::from_slice(&m).unwrap();
        prop_assert_eq!(back, v);
        // idempotent
        prop_assert_eq!(minify(&m).unwrap(), m);
    }

    /// With any escape style and any whitespace between tokens, minify
    /// returns exactly the concatenated tokens: every byte inside every
    /// string (escapes, raw non-ASCII, spaces, `\/`) is kept as written.
    #[test]
    fn minify_keeps_string_bytes(
        v in json_value(),
        style in proptest::collection::vec(any::<u8>(), 1..64),
        gaps in proptest::collection::vec(ws(), 1..64),
    ) {
        let mut toks = Vec::new();
        let mut st = style.iter().copied().cycle();
        tokens(&v, &mut st, &mut toks);
        let mut doc = String::new();
        for (i, t) in toks.iter().enumerate() {
            doc.push_str(&gaps[i % gaps.len()]);
            doc.push_str(t);
        }
        doc.push_str(&gaps[0]);
        let expected: String = toks.concat();
        let m = minify(doc.as_bytes()).unwrap();
        prop_assert_eq!(std::str::from_utf8(&m).unwrap(), expected.as_str());
        // the document is still the same JSON value
        let back: Value = serde_json::from_slice(&m).unwrap();
        prop_assert_eq!(back, v);
    }

    /// Any bytes: minify never panics, is idempotent when it succeeds, only
    /// ever removes bytes, and keeps every non-whitespace byte in order.
    #[test]
    fn minify_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
        if let Ok(m) = minify(&bytes) {
            prop_assert_eq!(minify(&m).unwrap(), m.clone());
            prop_assert!(m.len() <= bytes.len());
            let non_ws: Vec<u8> = bytes.iter().copied().filter(|b| !b" \t\r\n".contains(b)).collect();
            let m_non_ws: Vec<u8> = m.iter().copied().filter(|b| !b" \t\r\n".contains(b)).collect();
            prop_assert_eq!(non_ws, m_non_ws);
        }
    }

    /// Arbitrary text made of JSON-ish characters (quotes, escapes, spaces):
    /// the same three properties, with many more successful minifications.
    #[test]
    fn minify_arbitrary_jsonish_text(s in "[ \t\r\n\"\\\\{}\\[\\]:,a0é/]{0,64}") {
        if let Ok(m) = minify(s.as_bytes()) {
            prop_assert_eq!(minify(&m).unwrap(), m.clone());
            let non_ws: Vec<u8> = s.bytes().filter(|b| !b" \t\r\n".contains(b)).collect();
            let m_non_ws: Vec<u8> = m.iter().copied().filter(|b| !b" \t\r\n".contains(b)).collect();
            prop_assert_eq!(non_ws, m_non_ws);
        }
    }
}
