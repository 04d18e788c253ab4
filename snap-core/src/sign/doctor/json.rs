//! Re-serializations of a minified JSON body the way other languages' SDKs do
//! it (parse, then encode again), used to recognise a sender that hashed a
//! re-serialized body instead of the bytes it sent. Key order is kept (PHP
//! arrays, Python dicts and JS objects all keep insertion order) unless the
//! style sorts keys (Go maps, `sort_keys=True`).
//!
//! The body is read into a small tree that keeps every number's text, so a
//! style decides how numbers come out: as written, as JavaScript / Go
//! doubles, as Python floats, as PHP's `json_encode` writes them (integers
//! beyond 64 bits become `1.2345678901234567e+19`), or as Java's
//! `Double.toString`.

/// How strings are escaped on output.
#[derive(Clone, Copy)]
pub(super) struct Escaping {
    /// `/` -> `\/` (PHP without `JSON_UNESCAPED_SLASHES`).
    pub slash: bool,
    /// non-ASCII -> `\uXXXX`, lower-case hex, surrogate pairs (PHP default, Python `ensure_ascii`).
    pub non_ascii: bool,
    /// DEL (0x7f) -> `\u007f` (Python `ensure_ascii`).
    pub del: bool,
    /// `<`, `>`, `&`, U+2028, U+2029 -> `\u003c`, ... (Go's `encoding/json`).
    pub html: bool,
}

impl Escaping {
    /// Nothing beyond what JSON requires.
    pub const PLAIN: Escaping = Escaping {
        slash: false,
        non_ascii: false,
        del: false,
        html: false,
    };
}

/// How numbers are rendered on output.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Numbers {
    /// As written (the sender re-encoded strings only).
    Keep,
    /// JavaScript and Go: every number is a double, shortest form, `1e2` -> `100`.
    Js,
    /// Python: integers kept, other numbers become floats (`1e2` -> `100.0`).
    PyFloat,
    /// PHP `json_encode(json_decode($body))`: integers that fit 64 bits
    /// kept, others floats in PHP's form (`1.50` -> `1.5`, `1e2` -> `100`,
    /// `12345678901234567890` -> `1.2345678901234567e+19`, `1e-5` -> `1.0e-5`).
    Php,
    /// Java (Jackson, `Double.toString`): integers kept, floats as `1.5`,
    /// `100.0`, `1.0E7`, `1.2345678901234567E19`.
    Java,
}

/// A re-serializer.
#[derive(Clone, Copy)]
pub(super) struct Style {
    pub escaping: Escaping,
    pub numbers: Numbers,
    /// Python's default separators `", "` and `": "`.
    pub spaced: bool,
    /// Object members sorted by key (byte order).
    pub sort_keys: bool,
}

/// A parsed body: strings decoded, numbers and literals as written.
enum Node {
    Object(Vec<(String, Node)>),
    Array(Vec<Node>),
    Str(String),
    /// A number, `true`, `false` or `null`, as written.
    Literal(String),
}

/// Nesting deeper than this is not re-serialized (the variant does not
/// apply): bounded recursion.
const MAX_DEPTH: usize = 128;

struct Parser<'a> {
    text: &'a str,
    pos: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    fn value(&mut self, depth: usize) -> Option<Node> {
        if depth > MAX_DEPTH {
            return None;
        }
        match self.peek()? {
            b'{' => {
                self.pos += 1;
                let mut members = Vec::new();
                if self.peek()? == b'}' {
                    self.pos += 1;
                    return Some(Node::Object(members));
                }
                loop {
                    let Node::Str(key) = self.string()? else {
                        return None;
                    };
                    if self.peek()? != b':' {
                        return None;
                    }
                    self.pos += 1;
                    members.push((key, self.value(depth + 1)?));
                    match self.peek()? {
                        b',' => self.pos += 1,
                        b'}' => {
                            self.pos += 1;
                            return Some(Node::Object(members));
                        }
                        _ => return None,
                    }
                }
            }
            b'[' => {
                self.pos += 1;
                let mut items = Vec::new();
                if self.peek()? == b']' {
                    self.pos += 1;
                    return Some(Node::Array(items));
                }
                loop {
                    items.push(self.value(depth + 1)?);
                    match self.peek()? {
                        b',' => self.pos += 1,
                        b']' => {
                            self.pos += 1;
                            return Some(Node::Array(items));
                        }
                        _ => return None,
                    }
                }
            }
            b'"' => self.string(),
            _ => {
                let b = self.text.as_bytes();
                let start = self.pos;
                while self.pos < b.len()
                    && !matches!(b[self.pos], b',' | b':' | b'{' | b'}' | b'[' | b']' | b'"')
                {
                    self.pos += 1;
                }
                let lit = &self.text[start..self.pos];
                if lit.is_empty() {
                    return None;
                }
                Some(Node::Literal(lit.to_owned()))
            }
        }
    }

    fn string(&mut self) -> Option<Node> {
        let b = self.text.as_bytes();
        if b.get(self.pos) != Some(&b'"') {
            return None;
        }
        let end = super::super::minify::string_end(b, self.pos).ok()?;
        let s = decode_string(self.text.get(self.pos + 1..end - 1)?)?;
        self.pos = end;
        Some(Node::Str(s))
    }
}

/// Re-serializes `minified` (the output of `minify`). `None` if the body is not
/// JSON this reader can take (then the variant is not applicable).
pub(super) fn reserialize(minified: &[u8], style: Style) -> Option<Vec<u8>> {
    let text = std::str::from_utf8(minified).ok()?;
    if text.is_empty() {
        return None;
    }
    let mut p = Parser { text, pos: 0 };
    let root = p.value(0)?;
    if p.pos != text.len() {
        return None;
    }
    let mut out = String::with_capacity(minified.len() + 16);
    render(&root, style, &mut out)?;
    Some(out.into_bytes())
}

fn render(node: &Node, style: Style, out: &mut String) -> Option<()> {
    let (comma, colon) = if style.spaced {
        (", ", ": ")
    } else {
        (",", ":")
    };
    match node {
        Node::Object(members) => {
            let mut order: Vec<&(String, Node)> = members.iter().collect();
            if style.sort_keys {
                order.sort_by(|a, b| a.0.cmp(&b.0));
            }
            out.push('{');
            for (i, (k, v)) in order.into_iter().enumerate() {
                if i > 0 {
                    out.push_str(comma);
                }
                encode_string(k, style.escaping, out);
                out.push_str(colon);
                render(v, style, out)?;
            }
            out.push('}');
        }
        Node::Array(items) => {
            out.push('[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(comma);
                }
                render(v, style, out)?;
            }
            out.push(']');
        }
        Node::Str(s) => encode_string(s, style.escaping, out),
        Node::Literal(lit) => match lit.as_str() {
            "true" | "false" | "null" => out.push_str(lit),
            _ => out.push_str(&render_number(lit, style.numbers)?),
        },
    }
    Some(())
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
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' if e.html => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
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
        Numbers::PyFloat | Numbers::Java if is_int => Some(lit.to_owned()),
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
        Numbers::Php => {
            if is_int && let Ok(i) = lit.parse::<i64>() {
                return Some(i.to_string());
            }
            php_double(lit.parse().ok()?)
        }
        Numbers::Java => java_double(lit.parse().ok()?),
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

/// The shortest digits of a finite, non-zero double and its decimal point
/// position (`value = 0.d1d2... * 10^decpt`), with the sign.
fn digits(v: f64) -> Option<(bool, String, i32)> {
    let (mantissa, exp) = sci(v)?;
    let negative = mantissa.starts_with('-');
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    Some((negative, digits, exp + 1))
}

/// PHP's `json_encode` of a float (`php_gcvt` with `serialize_precision`
/// -1): shortest digits; exponential when the point is more than 17 digits
/// right or more than 3 zeros left (`1.0e+25`, `1.0e-5`, exponent
/// unpadded); no `.0` on whole numbers.
fn php_double(v: f64) -> Option<String> {
    if v == 0.0 {
        return Some(if v.is_sign_negative() { "-0" } else { "0" }.to_owned());
    }
    let (negative, d, decpt) = digits(v)?;
    let mut s = String::new();
    if negative {
        s.push('-');
    }
    if !(-3..=17).contains(&decpt) {
        let (first, rest) = d.split_at(1);
        let e = decpt - 1;
        s.push_str(first);
        s.push('.');
        s.push_str(if rest.is_empty() { "0" } else { rest });
        s.push_str(&format!("e{}{}", if e < 0 { '-' } else { '+' }, e.abs()));
    } else if decpt <= 0 {
        s.push_str("0.");
        s.extend(std::iter::repeat_n('0', decpt.unsigned_abs() as usize));
        s.push_str(&d);
    } else {
        let point = decpt as usize;
        if d.len() <= point {
            s.push_str(&d);
            s.extend(std::iter::repeat_n('0', point - d.len()));
        } else {
            s.push_str(&d[..point]);
            s.push('.');
            s.push_str(&d[point..]);
        }
    }
    Some(s)
}

/// Java's `Double.toString` (shortest digits, as JDK 19+): plain with at
/// least one fraction digit for 10^-3 <= |v| < 10^7 (`100.0`), else
/// `1.0E7`, `1.2345678901234567E19`, `1.0E-4`.
fn java_double(v: f64) -> Option<String> {
    if v == 0.0 {
        return Some(if v.is_sign_negative() { "-0.0" } else { "0.0" }.to_owned());
    }
    let (negative, d, decpt) = digits(v)?;
    let mut s = String::new();
    if negative {
        s.push('-');
    }
    let abs = v.abs();
    if (1e-3..1e7).contains(&abs) {
        if decpt <= 0 {
            s.push_str("0.");
            s.extend(std::iter::repeat_n('0', decpt.unsigned_abs() as usize));
            s.push_str(&d);
        } else {
            let point = decpt as usize;
            if d.len() <= point {
                s.push_str(&d);
                s.extend(std::iter::repeat_n('0', point - d.len()));
                s.push_str(".0");
            } else {
                s.push_str(&d[..point]);
                s.push('.');
                s.push_str(&d[point..]);
            }
        }
    } else {
        let (first, rest) = d.split_at(1);
        s.push_str(first);
        s.push('.');
        s.push_str(if rest.is_empty() { "0" } else { rest });
        s.push_str(&format!("E{}", decpt - 1));
    }
    Some(s)
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

    const fn style(escaping: Escaping, numbers: Numbers, spaced: bool, sort_keys: bool) -> Style {
        Style {
            escaping,
            numbers,
            spaced,
            sort_keys,
        }
    }

    const PHP_ESC: Escaping = Escaping {
        slash: true,
        non_ascii: true,
        del: false,
        html: false,
    };
    const PY_ESC: Escaping = Escaping {
        slash: false,
        non_ascii: true,
        del: true,
        html: false,
    };
    const GO_ESC: Escaping = Escaping {
        slash: false,
        non_ascii: false,
        del: false,
        html: true,
    };

    fn run(s: &str, style: Style) -> String {
        String::from_utf8(reserialize(s.as_bytes(), style).unwrap()).unwrap()
    }

    #[test]
    fn php_default() {
        // what PHP 8 json_encode(json_decode($x)) prints
        assert_eq!(
            run(
                r#"{"u":"a/b é 😀","n":1e2,"i":10,"f":1.50,"big":12345678901234567890,"s":0.00001,"z":1.0}"#,
                style(PHP_ESC, Numbers::Php, false, false)
            ),
            r#"{"u":"a\/b \u00e9 \ud83d\ude00","n":100,"i":10,"f":1.5,"big":1.2345678901234567e+19,"s":1.0e-5,"z":1}"#
        );
    }

    #[test]
    fn php_numbers() {
        let php = |s| render_number(s, Numbers::Php).unwrap();
        assert_eq!(php("12345678901234567890"), "1.2345678901234567e+19");
        assert_eq!(php("-12345678901234567890"), "-1.2345678901234567e+19");
        assert_eq!(php("9223372036854775807"), "9223372036854775807");
        assert_eq!(php("9223372036854775808"), "9.223372036854776e+18");
        assert_eq!(php("1e25"), "1.0e+25");
        assert_eq!(php("1e17"), "1.0e+17");
        assert_eq!(php("1e16"), "10000000000000000");
        assert_eq!(php("0.0001"), "0.0001");
        assert_eq!(php("0.1"), "0.1");
        assert_eq!(php("-2.50"), "-2.5");
        assert_eq!(php("1E2"), "100");
        assert_eq!(php("0.0"), "0");
        assert_eq!(php("-0.0"), "-0");
    }

    #[test]
    fn java_numbers() {
        let java = |s| render_number(s, Numbers::Java).unwrap();
        assert_eq!(java("1e2"), "100.0");
        assert_eq!(java("1.50"), "1.5");
        assert_eq!(java("1e7"), "1.0E7");
        assert_eq!(java("12345678.5"), "1.23456785E7");
        assert_eq!(java("0.001"), "0.001");
        assert_eq!(java("0.0001"), "1.0E-4");
        assert_eq!(java("12345678901234567890"), "12345678901234567890");
        assert_eq!(java("1.2345678901234567e19"), "1.2345678901234567E19");
        assert_eq!(java("0.0"), "0.0");
    }

    #[test]
    fn python_default() {
        // what Python 3 json.dumps(json.loads(x)) prints
        assert_eq!(
            run(
                r#"{"u":"a/b é","l":[1,2.0,3e-5],"t":true}"#,
                style(PY_ESC, Numbers::PyFloat, true, false)
            ),
            r#"{"u": "a/b \u00e9", "l": [1, 2.0, 3e-05], "t": true}"#
        );
    }

    #[test]
    fn js_roundtrip() {
        // what JSON.stringify(JSON.parse(x)) prints
        assert_eq!(
            run(
                r#"{"u":"a\/b \u00e9","n":1e2,"f":1.50,"b":1e21,"s":1e-7}"#,
                style(Escaping::PLAIN, Numbers::Js, false, false)
            ),
            r#"{"u":"a/b é","n":100,"f":1.5,"b":1e+21,"s":1e-7}"#
        );
    }

    #[test]
    fn go_roundtrip() {
        // what Go's json.Marshal of a decoded map[string]any prints
        assert_eq!(
            run(
                r#"{"z":"<a&b>","a":{"y":1.50,"b":[true,null]},"m":12345678901234567890}"#,
                style(GO_ESC, Numbers::Js, false, true)
            ),
            r#"{"a":{"b":[true,null],"y":1.5},"m":12345678901234567000,"z":"\u003ca\u0026b\u003e"}"#
        );
    }

    #[test]
    fn bad_input_is_not_applicable() {
        let plain = style(Escaping::PLAIN, Numbers::Js, false, false);
        assert!(reserialize(br#"{"a":"\ud800"}"#, plain).is_none());
        assert!(reserialize(br#"{"a":"\q"}"#, plain).is_none());
        assert!(reserialize(br#"{"a":1}x"#, plain).is_none());
        assert!(reserialize(br#"{"a":}"#, plain).is_none());
        assert!(reserialize(b"", plain).is_none());
        let deep = "[".repeat(500) + &"]".repeat(500);
        assert!(reserialize(deep.as_bytes(), plain).is_none());
    }
}
