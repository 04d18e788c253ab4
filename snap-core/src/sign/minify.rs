//! `minify(body)`: the body bytes that SNAP hashes.
//!
//! SNAP never defines "minify". Every reference implementation (Go
//! `json.Compact`, `JSON.stringify(JSON.parse(x))`, PHP with
//! `JSON_UNESCAPED_SLASHES`) agrees on what matters: insignificant whitespace
//! *outside* strings goes, and nothing else changes. This module does exactly
//! that on bytes and nothing more:
//!
//! * removes space, `\t`, `\n` and `\r` outside JSON strings;
//! * keeps every other byte as it is: no re-escaping of `/` or non-ASCII, numbers
//!   as written, key order as received, escapes such as `\"`, `\\` and `\u00e9`
//!   left untouched (they are part of a string);
//! * an empty body (or one made only of whitespace) minifies to the empty string,
//!   whose SHA-256 is the SNAP "no body" hash.
//!
//! It does not re-serialize, so it cannot change what the sender meant; it is
//! also not a JSON validator. It reports a string that never ends
//! ([`MinifyError::UnterminatedString`]) rather than silently hashing a
//! truncated body, and rejects bytes that are not UTF-8
//! ([`MinifyError::InvalidUtf8`]; SNAP bodies are UTF-8 JSON).

use sha2::{Digest, Sha256};

/// Why a body cannot be minified.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MinifyError {
    /// A JSON string opened at `offset` never closes (or ends inside an escape).
    #[error("body: JSON string opened at byte {offset} is not terminated")]
    UnterminatedString {
        /// Byte offset of the opening quote.
        offset: usize,
    },
    /// The body is not UTF-8.
    #[error("body: not valid UTF-8 at byte {offset} (SNAP bodies are UTF-8 JSON)")]
    InvalidUtf8 {
        /// Byte offset of the first invalid byte.
        offset: usize,
    },
}

/// Removes JSON whitespace outside strings; every other byte is kept as is.
///
/// ```
/// use snap_core::sign::minify;
/// let raw = b"{\n  \"url\": \"https://x/\\\"a b\\\"\",\n  \"n\": 1e2 }";
/// assert_eq!(minify(raw).unwrap(), b"{\"url\":\"https://x/\\\"a b\\\"\",\"n\":1e2}");
/// assert_eq!(minify(b"  \n").unwrap(), b"");
/// ```
///
/// # Errors
/// [`MinifyError`] for an unterminated string or a body that is not UTF-8.
pub fn minify(body: &[u8]) -> Result<Vec<u8>, MinifyError> {
    if let Err(e) = std::str::from_utf8(body) {
        return Err(MinifyError::InvalidUtf8 {
            offset: e.valid_up_to(),
        });
    }
    let mut out = Vec::with_capacity(body.len());
    let mut i = 0;
    while i < body.len() {
        let b = body[i];
        match b {
            b' ' | b'\t' | b'\n' | b'\r' => i += 1,
            b'"' => {
                let end = string_end(body, i)?;
                out.extend_from_slice(&body[i..end]);
                i = end;
            }
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    Ok(out)
}

/// `minify(body)` without the copy when it would change nothing: borrowed
/// when `body` is UTF-8 and has no whitespace outside its (terminated)
/// strings, as `serde_json::to_vec` output normally is; otherwise
/// [`minify`]'s result, errors included. Either way the bytes are exactly
/// those [`minify`] returns.
pub(crate) fn minified(body: &[u8]) -> Result<std::borrow::Cow<'_, [u8]>, MinifyError> {
    if std::str::from_utf8(body).is_ok() && is_minified(body) {
        Ok(std::borrow::Cow::Borrowed(body))
    } else {
        minify(body).map(std::borrow::Cow::Owned)
    }
}

/// True when `body` has no whitespace outside strings and every string is
/// terminated: then `minify` keeps every byte (given UTF-8).
fn is_minified(body: &[u8]) -> bool {
    let mut i = 0;
    while i < body.len() {
        match body[i] {
            b' ' | b'\t' | b'\n' | b'\r' => return false,
            b'"' => match string_end(body, i) {
                Ok(end) => i = end,
                Err(_) => return false,
            },
            _ => i += 1,
        }
    }
    true
}

/// Given `body[start] == b'"'`, the index one past the closing quote.
pub(crate) fn string_end(body: &[u8], start: usize) -> Result<usize, MinifyError> {
    let mut j = start + 1;
    while j < body.len() {
        match body[j] {
            b'\\' => j += 2,
            b'"' => return Ok(j + 1),
            _ => j += 1,
        }
    }
    Err(MinifyError::UnterminatedString { offset: start })
}

/// Lower-case hex SHA-256 of `bytes` (64 characters). Pass the *minified* body.
///
/// ```
/// assert_eq!(
///     snap_core::sign::body_sha256_hex(b""),
///     "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
/// );
/// ```
pub fn body_sha256_hex(minified: &[u8]) -> String {
    hex_lower(&Sha256::digest(minified))
}

/// Lower-case hex of `bytes`.
pub(crate) fn hex_lower(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        s.push(char::from(HEX[usize::from(b >> 4)]));
        s.push(char::from(HEX[usize::from(b & 0x0f)]));
    }
    s
}

/// Decodes hex (either case); `None` if odd length or a non-hex digit.
pub(crate) fn hex_decode(s: &str) -> Option<Vec<u8>> {
    fn nibble(c: u8) -> Option<u8> {
        match c {
            b'0'..=b'9' => Some(c - b'0'),
            b'a'..=b'f' => Some(c - b'a' + 10),
            b'A'..=b'F' => Some(c - b'A' + 10),
            _ => None,
        }
    }
    let b = s.as_bytes();
    if !b.len().is_multiple_of(2) || b.is_empty() {
        return None;
    }
    b.chunks_exact(2)
        .map(|p| Some((nibble(p[0])? << 4) | nibble(p[1])?))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minified_is_minify_and_borrows_only_compact_bodies() {
        let cases: [&[u8]; 12] = [
            b"",
            b"  ",
            b"{}",
            b"{\"a\":\"x y\",\"b\":[1,2]}",
            b"{\"a\": 1}",
            b"{\"a\":\"\\\" \",\"b\":\"\\\\\"}",
            b"{\"a\":\"unterminated",
            b"{\"a\":\"ends in escape\\",
            b"\xff",
            b"{\"a\":\"\xc3\"}",
            b"\n{\"a\":\"\t\"}\r",
            b"{\"\xc3\xa9\":\"caf\xc3\xa9 au lait\"}",
        ];
        for body in cases {
            let fast = minified(body);
            assert_eq!(
                fast.as_deref().ok(),
                minify(body).as_deref().ok(),
                "{body:?}"
            );
            assert_eq!(fast.as_ref().err(), minify(body).as_ref().err(), "{body:?}");
            if let Ok(std::borrow::Cow::Borrowed(b)) = fast {
                assert_eq!(minify(b).unwrap(), b, "borrowed a body minify would change");
            }
        }
        assert!(matches!(
            minified(b"{\"a\":\"x y\"}"),
            Ok(std::borrow::Cow::Borrowed(_))
        ));
        assert!(matches!(
            minified(b"{\"a\": 1}"),
            Ok(std::borrow::Cow::Owned(_))
        ));
    }

    #[test]
    fn keeps_string_content_and_escapes() {
        let raw = "{ \"a\" : \"x y\\\\\" , \"b\":\"\\\" }\" }";
        assert_eq!(
            minify(raw.as_bytes()).unwrap(),
            b"{\"a\":\"x y\\\\\",\"b\":\"\\\" }\"}"
        );
    }

    #[test]
    fn keeps_slash_non_ascii_and_numbers() {
        let raw = "{ \"u\": \"a/b é 中\", \"n\": 1.50, \"e\": 1E2 }";
        assert_eq!(
            String::from_utf8(minify(raw.as_bytes()).unwrap()).unwrap(),
            "{\"u\":\"a/b é 中\",\"n\":1.50,\"e\":1E2}"
        );
    }

    #[test]
    fn unterminated_string_is_an_error() {
        assert_eq!(
            minify(b"{\"a\": \"abc}"),
            Err(MinifyError::UnterminatedString { offset: 6 })
        );
        // ends inside an escape
        assert!(minify(b"\"abc\\").is_err());
    }

    #[test]
    fn invalid_utf8_is_an_error() {
        assert_eq!(
            minify(b"{\"a\":\"\xff\"}"),
            Err(MinifyError::InvalidUtf8 { offset: 6 })
        );
    }

    #[test]
    fn empty_and_whitespace_bodies() {
        assert!(minify(b"").unwrap().is_empty());
        assert!(minify(b" \r\n\t").unwrap().is_empty());
    }

    #[test]
    fn hex_roundtrip() {
        assert_eq!(hex_lower(&[0, 0xab, 0xff]), "00abff");
        assert_eq!(hex_decode("00ABff"), Some(vec![0, 0xab, 0xff]));
        assert_eq!(hex_decode("0"), None);
        assert_eq!(hex_decode("zz"), None);
    }
}
