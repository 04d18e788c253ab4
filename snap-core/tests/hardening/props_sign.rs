//! sign then verify holds; any single-byte change to what is signed breaks it.

use proptest::prelude::*;
use snap_core::sign::{
    AccessToken, Asymmetric, HmacKey, RsaPrivateKey, RsaPublicKey, SignatureError, SigningInput,
    Symmetric, minify,
};
use std::sync::OnceLock;

// Test helpers: the positional signatures these tests were written with,
// over `SigningInput` and the scheme types.

fn sign_symmetric(
    key: &HmacKey,
    method: &str,
    path: &str,
    token: &str,
    body: &[u8],
    ts: &str,
) -> Result<String, SignatureError> {
    let input = SigningInput::new(method, path)
        .access_token(token)
        .body(body)
        .timestamp(ts);
    Symmetric::signature(key, &input)
}

fn verify_symmetric(
    key: &HmacKey,
    method: &str,
    path: &str,
    token: &str,
    body: &[u8],
    ts: &str,
    sig: &str,
) -> Result<(), SignatureError> {
    let input = SigningInput::new(method, path)
        .access_token(token)
        .body(body)
        .timestamp(ts);
    Symmetric::verify_signature(key, &input, sig)
}

fn sign_asymmetric(
    key: &RsaPrivateKey,
    method: &str,
    path: &str,
    body: &[u8],
    ts: &str,
) -> Result<String, SignatureError> {
    let input = SigningInput::new(method, path).body(body).timestamp(ts);
    Asymmetric::signature(key, &input)
}

fn verify_asymmetric(
    key: &RsaPublicKey,
    method: &str,
    path: &str,
    body: &[u8],
    ts: &str,
    sig: &str,
) -> Result<(), SignatureError> {
    let input = SigningInput::new(method, path).body(body).timestamp(ts);
    Asymmetric::verify_signature(key, &input, sig)
}

fn sign_token(key: &RsaPrivateKey, client_id: &str, ts: &str) -> Result<String, SignatureError> {
    let input = SigningInput::default().client_id(client_id).timestamp(ts);
    AccessToken::signature(key, &input)
}

fn verify_token(
    key: &RsaPublicKey,
    client_id: &str,
    ts: &str,
    sig: &str,
) -> Result<(), SignatureError> {
    let input = SigningInput::default().client_id(client_id).timestamp(ts);
    AccessToken::verify_signature(key, &input, sig)
}

use crate::props_minify::json_value;

use crate::cfg;

fn rsa_keys() -> &'static (RsaPrivateKey, RsaPublicKey) {
    static KEYS: OnceLock<(RsaPrivateKey, RsaPublicKey)> = OnceLock::new();
    KEYS.get_or_init(|| {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors/");
        let read = |f: &str| std::fs::read_to_string(format!("{dir}{f}")).unwrap();
        let private = RsaPrivateKey::from_pem(&read("test-b-pkcs8.pem")).unwrap();
        let public = RsaPublicKey::from_pem(&read("test-b-spki.pub.pem")).unwrap();
        (private, public)
    })
}

/// A relative path with query, as sent: `/`, then URL-safe characters.
fn path() -> impl Strategy<Value = String> {
    "/[A-Za-z0-9._~%/-]{0,40}(\\?[A-Za-z0-9=&._%-]{0,30})?"
}

/// A raw B2B token (never `Bearer ...`, no whitespace).
fn token() -> impl Strategy<Value = String> {
    "[A-Za-z0-9._-]{1,80}".prop_filter("no Bearer prefix", |t| {
        !t.to_ascii_lowercase().starts_with("bearer")
    })
}

/// A timestamp: either one written by a profile (any instant in 1970-2100)
/// or any printable text without whitespace (signing treats it as opaque).
fn timestamp() -> impl Strategy<Value = String> {
    prop_oneof![
        (0i64..4_102_444_800, 0u32..1_000_000_000, any::<bool>()).prop_map(|(s, n, utc)| {
            let p = if utc {
                snap_core::time::TimestampProfile::utc_millis()
            } else {
                snap_core::time::TimestampProfile::jakarta()
            };
            p.format(s, n)
        }),
        "[!-~\u{a1}-\u{17f}]{1,40}"
            .prop_filter("no whitespace", |s| { !s.chars().any(char::is_whitespace) }),
    ]
}

fn method() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("POST".to_string()),
        Just("GET".to_string()),
        Just("PUT".to_string()),
        Just("DELETE".to_string()),
        Just("PATCH".to_string()),
    ]
}

/// A JSON body, compact or pretty, of an arbitrary value (never empty).
fn json_body() -> impl Strategy<Value = Vec<u8>> {
    (json_value(), any::<bool>()).prop_map(|(v, pretty)| {
        if pretty {
            serde_json::to_vec_pretty(&v).unwrap()
        } else {
            serde_json::to_vec(&v).unwrap()
        }
    })
}

/// A body: [`json_body`], or empty (GET requests sign the empty body).
fn body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![1 => Just(Vec::new()), 4 => json_body()]
}

/// Flips bits of one byte of `text` (ASCII-preserving mask), keeping it a String.
fn flip_ascii(text: &str, index: usize, mask: u8) -> Option<String> {
    let mut bytes = text.as_bytes().to_vec();
    if bytes.is_empty() {
        return None;
    }
    let i = index % bytes.len();
    bytes[i] ^= mask;
    String::from_utf8(bytes).ok()
}

proptest! {
    #![proptest_config(cfg(128))]

    /// HMAC: sign then verify holds for any body, path, token, timestamp, and
    /// also against the pretty-printed or compact form of the same body.
    #[test]
    fn symmetric_sign_then_verify(
        secret in proptest::collection::vec(any::<u8>(), 1..100),
        m in method(), p in path(), t in token(), b in body(), ts in timestamp(),
    ) {
        let key = HmacKey::new(&secret).unwrap();
        let sig = sign_symmetric(&key, &m, &p, &t, &b, &ts).unwrap();
        prop_assert_eq!(sig.len(), 88);
        prop_assert!(verify_symmetric(&key, &m, &p, &t, &b, &ts, &sig).is_ok());
        // the minified body is what is hashed: its minified form verifies too
        let mb = minify(&b).unwrap();
        prop_assert!(verify_symmetric(&key, &m, &p, &t, &mb, &ts, &sig).is_ok());
        // a different key never verifies
        let mut other = secret.clone();
        other.push(0x55);
        let key2 = HmacKey::new(&other).unwrap();
        prop_assert!(verify_symmetric(&key2, &m, &p, &t, &b, &ts, &sig).unwrap_err().is_mismatch());
    }

    /// HMAC: flipping any byte of the body changes the verdict exactly when it
    /// changes the minified body; for a minified body every flip is refused.
    #[test]
    fn symmetric_body_flip_fails(
        p in path(), t in token(), b in json_body(), ts in timestamp(),
        index in any::<usize>(), mask in 1u8..=255,
    ) {
        let key = HmacKey::new(b"client-secret").unwrap();
        let compact = minify(&b).unwrap();
        prop_assert!(!compact.is_empty());
        let sig = sign_symmetric(&key, "POST", &p, &t, &compact, &ts).unwrap();
        // flip in the compact (as-hashed) body: always refused
        let mut flipped = compact.clone();
        let i = index % flipped.len();
        flipped[i] ^= mask;
        prop_assert!(verify_symmetric(&key, "POST", &p, &t, &flipped, &ts, &sig).is_err(),
            "flip at {} with {:#04x} verified", i, mask);
        // flip anywhere in the raw (maybe pretty) body: refused unless only
        // insignificant whitespace changed
        let mut raw = b.clone();
        let j = index % raw.len();
        raw[j] ^= mask;
        let same = minify(&raw).map(|m| m == compact).unwrap_or(false);
        let verdict = verify_symmetric(&key, "POST", &p, &t, &raw, &ts, &sig);
        prop_assert_eq!(verdict.is_ok(), same);
        if same {
            // only whitespace-to-whitespace outside strings may be harmless
            prop_assert!(b" \t\r\n".contains(&b[j]) && b" \t\r\n".contains(&raw[j]));
        }
    }

    /// HMAC: flipping any byte of method, path, token, timestamp or signature
    /// makes verification fail.
    #[test]
    fn symmetric_header_flip_fails(
        m in method(), p in path(), t in token(), b in body(), ts in timestamp(),
        which in 0usize..5, index in any::<usize>(), mask in 1u8..=127,
    ) {
        let key = HmacKey::new(b"client-secret").unwrap();
        let sig = sign_symmetric(&key, &m, &p, &t, &b, &ts).unwrap();
        let (mut m2, mut p2, mut t2, mut ts2, mut sig2) =
            (m.clone(), p.clone(), t.clone(), ts.clone(), sig.clone());
        let target = match which {
            0 => &mut m2,
            1 => &mut p2,
            2 => &mut t2,
            3 => &mut ts2,
            _ => &mut sig2,
        };
        let Some(f) = flip_ascii(target, index, mask) else { return Ok(()); };
        *target = f;
        prop_assert!(verify_symmetric(&key, &m2, &p2, &t2, &b, &ts2, &sig2).is_err());
    }

    /// HMAC: a signature whose decoded tag differs in any one byte is a mismatch.
    #[test]
    fn symmetric_tag_byte_flip_is_mismatch(index in 0usize..64, mask in 1u8..=255) {
        use base64::Engine as _;
        let key = HmacKey::new(b"client-secret").unwrap();
        let sig = sign_symmetric(&key, "POST", "/v1.0/debit/payment-host-to-host", "tok", b"{}",
            "2024-01-01T00:00:00+07:00").unwrap();
        let mut raw = base64::engine::general_purpose::STANDARD.decode(&sig).unwrap();
        raw[index] ^= mask;
        let forged = base64::engine::general_purpose::STANDARD.encode(&raw);
        let e = verify_symmetric(&key, "POST", "/v1.0/debit/payment-host-to-host", "tok", b"{}",
            "2024-01-01T00:00:00+07:00", &forged).unwrap_err();
        prop_assert!(e.is_mismatch());
    }
}

proptest! {
    // RSA signing is ~1 ms; a few cases suffice.
    #![proptest_config(cfg(16))]

    /// RSA (asymmetric transaction): sign then verify holds; flipping a byte
    /// of the minified body, path, timestamp or signature fails.
    #[test]
    fn asymmetric_sign_verify_and_flip(
        m in method(), p in path(), b in body(), ts in timestamp(),
        which in 0usize..4, index in any::<usize>(), mask in 1u8..=127,
    ) {
        let (private, public) = rsa_keys();
        let sig = sign_asymmetric(private, &m, &p, &b, &ts).unwrap();
        prop_assert!(verify_asymmetric(public, &m, &p, &b, &ts, &sig).is_ok());
        let mut body2 = minify(&b).unwrap();
        let (mut p2, mut ts2, mut sig2) = (p.clone(), ts.clone(), sig.clone());
        match which {
            0 => {
                if body2.is_empty() { body2.push(b'x'); } else {
                    let i = index % body2.len();
                    body2[i] ^= mask;
                }
            }
            1 => p2 = flip_ascii(&p, index, mask).unwrap(),
            2 => ts2 = match flip_ascii(&ts, index, mask) { Some(x) => x, None => return Ok(()) },
            _ => sig2 = flip_ascii(&sig, index, mask).unwrap(),
        }
        prop_assert!(verify_asymmetric(public, &m, &p2, &body2, &ts2, &sig2).is_err());
    }

    /// RSA (access token): sign then verify holds for any client id and
    /// timestamp; a changed byte in either fails.
    #[test]
    fn token_sign_verify_and_flip(
        client_id in "[!-~]{1,40}", ts in timestamp(), index in any::<usize>(), mask in 1u8..=127,
    ) {
        let (private, public) = rsa_keys();
        let sig = sign_token(private, &client_id, &ts).unwrap();
        prop_assert!(verify_token(public, &client_id, &ts, &sig).is_ok());
        let cid2 = flip_ascii(&client_id, index, mask).unwrap();
        prop_assert!(verify_token(public, &cid2, &ts, &sig).is_err());
        if let Some(ts2) = flip_ascii(&ts, index, mask) {
            prop_assert!(verify_token(public, &client_id, &ts2, &sig).is_err());
        }
    }
}
