//! Re-serializations of a minified JSON body the way other languages' SDKs do
//! it (parse, then encode again), used to recognise a sender that hashed a
//! re-serialized body instead of the bytes it sent. Key order is kept (PHP
//! arrays, Python dicts and JS objects all keep insertion order).

/// How strings are escaped on output.
#[derive(Clone, Copy)]
pub(super) struct Escaping {
    /// `/` -> `\/` (PHP without `JSON_UNESCAPED_SLASHES`).
    pub slash: bool,
    /// non-ASCII -> `\uXXXX`, lower-case hex, surrogate pairs (PHP default, Python `ensure_ascii`).
    pub non_ascii: bool,
    /// DEL (0x7f) -> `\u007f` (Python `ensure_ascii`).
    pub del: bool,
}

/// How numbers are rendered on output.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Numbers {
    /// As written (the sender re-encoded strings only).
    Keep,
    /// JavaScript: every number is a double, shortest form, `1e2` -> `100`.
    Js,
    /// Python / PHP: integers kept, other numbers become floats (`1e2` -> `100.0`).
    PyFloat,
}

/// A re-serializer.
#[derive(Clone, Copy)]
pub(super) struct Style {
    pub escaping: Escaping,
    pub numbers: Numbers,
    /// Python's default separators `", "` and `": "`.
    pub spaced: bool,
}

/// Re-serializes `minified` (the output of `minify`). `None` if the body is not
/// JSON this simple tokenizer can read (then the variant is not applicable).
pub(super) fn reserialize(minified: &[u8], style: Style) -> Option<Vec<u8>> {
    let text = std::str::from_utf8(minified).ok()?;
    let b = text.as_bytes();
    let mut out = String::with_capacity(b.len() + 16);
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'"' => {
                let end = super::super::minify::string_end(b, i).ok()?;
                let decoded = decode_string(&text[i + 1..end - 1])?;
                encode_string(&decoded, style.escaping, &mut out);
                i = end;
            }
            b',' => {
                out.push_str(if style.spaced { ", " } else { "," });
                i += 1;
            }
            b':' => {
                out.push_str(if style.spaced { ": " } else { ":" });
                i += 1;
            }
            b'{' | b'}' | b'[' | b']' => {
                out.push(char::from(b[i]));
                i += 1;
            }
            _ => {
                let start = i;
                while i < b.len() && !matches!(b[i], b',' | b':' | b'{' | b'}' | b'[' | b']' | b'"')
                {
                    i += 1;
                }
                let lit = &text[start..i];
                match lit {
                    "true" | "false" | "null" => out.push_str(lit),
                    _ => out.push_str(&render_number(lit, style.numbers)?),
                }
            }
        }
    }
    Some(out.into_bytes())
}

/// Decodes the inside of a JSON string (without quotes). `None` on a bad
/// escape or a lone surrogate.
fn decode_string(s: &str) -> Option<String> {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next()? {
            '"' => out.push('"'),
            '\\' => out.push('\\'),
            '/' => out.push('/'),
            'b' => out.push('\u{8}'),
            'f' => out.push('\u{c}'),
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            't' => out.push('\t'),
            'u' => {
                let hi = hex4(&mut chars)?;
                if (0xD800..0xDC00).contains(&hi) {
                    if chars.next()? != '\\' || chars.next()? != 'u' {
                        return None;
                    }
                    let lo = hex4(&mut chars)?;
                    if !(0xDC00..0xE000).contains(&lo) {
                        return None;
                    }
                    let cp = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
                    out.push(char::from_u32(cp)?);
                } else {
                    out.push(char::from_u32(hi)?);
                }
            }
            _ => return None,
        }
    }
    Some(out)
}

fn hex4(chars: &mut std::str::Chars<'_>) -> Option<u32> {
    let mut v = 0;
    for _ in 0..4 {
        v = (v << 4) | chars.next()?.to_digit(16)?;
    }
    Some(v)
}

fn encode_string(s: &str, e: Escaping, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '/' if e.slash => out.push_str("\\/"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || (e.del && c as u32 == 0x7f) => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c if e.non_ascii && !c.is_ascii() => {
                let mut buf = [0u16; 2];
                for unit in c.encode_utf16(&mut buf) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Renders a JSON number literal in the given style; `None` if it is not a number.
pub(super) fn render_number(lit: &str, style: Numbers) -> Option<String> {
    let is_number = {
        let b = lit.as_bytes();
        !b.is_empty()
            && b.iter()
                .all(|c| c.is_ascii_digit() || matches!(c, b'-' | b'+' | b'.' | b'e' | b'E'))
    };
    if !is_number {
        return None;
    }
    let is_int = !lit.contains(['.', 'e', 'E']);
    match style {
        Numbers::Keep => Some(lit.to_owned()),
        Numbers::PyFloat if is_int => Some(lit.to_owned()),
        Numbers::PyFloat => {
            let v: f64 = lit.parse().ok()?;
            let (mantissa, exp) = sci(v)?;
            Some(if (-4..16).contains(&exp) {
                let s = format!("{v}");
                if s.contains('.') { s } else { format!("{s}.0") }
            } else {
                format!(
                    "{mantissa}e{}{:02}",
                    if exp < 0 { '-' } else { '+' },
                    exp.abs()
                )
            })
        }
        Numbers::Js => {
            let v: f64 = lit.parse().ok()?;
            let (mantissa, exp) = sci(v)?;
            Some(if (-6..21).contains(&exp) {
                if v == 0.0 {
                    "0".to_owned()
                } else {
                    format!("{v}")
                }
            } else {
                format!(
                    "{mantissa}e{}{}",
                    if exp < 0 { '-' } else { '+' },
                    exp.abs()
                )
            })
        }
    }
}

/// Shortest round-trip mantissa and decimal exponent of a finite double.
fn sci(v: f64) -> Option<(String, i32)> {
    if !v.is_finite() {
        return None;
    }
    let s = format!("{v:e}");
    let (m, e) = s.split_once('e')?;
    Some((m.to_owned(), e.parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    const PHP: Style = Style {
        escaping: Escaping {
            slash: true,
            non_ascii: true,
            del: false,
        },
        numbers: Numbers::PyFloat,
        spaced: false,
    };
    const PY: Style = Style {
        escaping: Escaping {
            slash: false,
            non_ascii: true,
            del: true,
        },
        numbers: Numbers::PyFloat,
        spaced: true,
    };
    const JS: Style = Style {
        escaping: Escaping {
            slash: false,
            non_ascii: false,
            del: false,
        },
        numbers: Numbers::Js,
        spaced: false,
    };

    fn run(s: &str, style: Style) -> String {
        String::from_utf8(reserialize(s.as_bytes(), style).unwrap()).unwrap()
    }

    #[test]
    fn php_default() {
        // what PHP 8 json_encode(json_decode($x)) prints
        assert_eq!(
            run(r#"{"u":"a/b é 😀","n":1e2,"i":10,"f":1.50}"#, PHP),
            r#"{"u":"a\/b \u00e9 \ud83d\ude00","n":100.0,"i":10,"f":1.5}"#
        );
    }

    #[test]
    fn python_default() {
        // what Python 3 json.dumps(json.loads(x)) prints
        assert_eq!(
            run(r#"{"u":"a/b é","l":[1,2.0,3e-5],"t":true}"#, PY),
            r#"{"u": "a/b \u00e9", "l": [1, 2.0, 3e-05], "t": true}"#
        );
    }

    #[test]
    fn js_roundtrip() {
        // what JSON.stringify(JSON.parse(x)) prints
        assert_eq!(
            run(
                r#"{"u":"a\/b \u00e9","n":1e2,"f":1.50,"b":1e21,"s":1e-7}"#,
                JS
            ),
            r#"{"u":"a/b é","n":100,"f":1.5,"b":1e+21,"s":1e-7}"#
        );
    }

    #[test]
    fn bad_escapes_are_not_applicable() {
        assert!(reserialize(br#"{"a":"\ud800"}"#, JS).is_none());
        assert!(reserialize(br#"{"a":"\q"}"#, JS).is_none());
    }
}
