//! The signature doctor: one test per known mistake. Each test writes the
//! sender's wrong string-to-sign out literally, signs it, checks that strict
//! verification rejects it, and that the diagnosis names the mistake and shows
//! that exact string (access token redacted).

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use snap_core::sign::doctor::{
    Diagnosis, DoctorOptions, Encoding, Received, Variant, diagnose_asymmetric, diagnose_symmetric,
    diagnose_symmetric_with, diagnose_token,
};
use snap_core::sign::{
    AccessToken, Asymmetric, HmacKey, RsaPrivateKey, RsaPublicKey, SignatureError, SigningInput,
    Symmetric, body_sha256_hex,
};

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

fn verify_token(
    key: &RsaPublicKey,
    client_id: &str,
    ts: &str,
    sig: &str,
) -> Result<(), SignatureError> {
    let input = SigningInput::default().client_id(client_id).timestamp(ts);
    AccessToken::verify_signature(key, &input, sig)
}

const SECRET: &[u8] = b"doctor-client-secret";
const TOKEN: &str = "eyJhbGciOiJIUzI1NiJ9.doctor.token";
const TS: &str = "2024-06-01T10:00:00+07:00";
const PATH: &str = "/snap/v1.0/transfer-va/payment";
/// What the sender put on the wire (pretty, `/`, non-ASCII, numbers, padded string).
const PRETTY: &str = "{\n  \"partnerReferenceNo\": \"A1\",\n  \"url\": \"https://m.example/cb\",\n  \"name\": \"José 中\",\n  \"amount\": 1.50,\n  \"n\": 1e2,\n  \"pad\": \"  12\"\n}\n";
/// minify(PRETTY), written out by hand.
const MIN: &str = r#"{"partnerReferenceNo":"A1","url":"https://m.example/cb","name":"José 中","amount":1.50,"n":1e2,"pad":"  12"}"#;

fn h(body: &str) -> String {
    body_sha256_hex(body.as_bytes())
}

fn hmac_b64(s: &str) -> String {
    HmacKey::new(SECRET).unwrap().sign(s.as_bytes())
}

fn redacted(s: &str) -> String {
    s.replace(TOKEN, "{accessToken}")
}

/// Signs `signed` with HMAC, checks rejection and the diagnosis.
fn sym_case(
    method: &str,
    path: &str,
    body: &str,
    ts: &str,
    signed: &str,
    expect: Variant,
) -> Diagnosis {
    let key = HmacKey::new(SECRET).unwrap();
    let sig = hmac_b64(signed);
    let err = verify_symmetric(&key, method, path, TOKEN, body.as_bytes(), ts, &sig).unwrap_err();
    assert!(err.is_mismatch(), "{err}");
    let r = Received {
        method,
        path,
        body: body.as_bytes(),
        timestamp: ts,
        signature: &sig,
    };
    let d = diagnose_symmetric(&key, TOKEN, &r);
    assert!(!d.valid);
    let m = d
        .matched
        .clone()
        .unwrap_or_else(|| panic!("no match for {expect:?}:\n{d}"));
    assert_eq!(m.variant, expect, "{d}");
    assert_eq!(m.encoding, Encoding::Base64);
    assert_eq!(m.string_to_sign, redacted(signed));
    assert!(d.is_known_mistake());
    let report = d.to_string();
    assert!(report.contains(&format!("`{}`", expect.id())), "{report}");
    assert!(report.contains(&m.explanation));
    assert!(!report.contains(TOKEN), "token leaked:\n{report}");
    assert!(!report.contains("doctor-client-secret"));
    d
}

fn spec_sym(method: &str, path: &str, body_hash: &str, ts: &str) -> String {
    format!("{method}:{path}:{TOKEN}:{body_hash}:{ts}")
}

#[test]
fn spec_form_is_reported_for_a_correct_signature() {
    let key = HmacKey::new(SECRET).unwrap();
    let sig = sign_symmetric(&key, "POST", PATH, TOKEN, PRETTY.as_bytes(), TS).unwrap();
    let r = Received {
        method: "POST",
        path: PATH,
        body: PRETTY.as_bytes(),
        timestamp: TS,
        signature: &sig,
    };
    let d = diagnose_symmetric(&key, TOKEN, &r);
    assert!(d.valid);
    let m = d.matched.clone().unwrap();
    assert_eq!((m.variant, m.encoding), (Variant::Spec, Encoding::Base64));
    assert!(!d.is_known_mistake());
    assert_eq!(
        d.spec_string_to_sign,
        redacted(&spec_sym("POST", PATH, &h(MIN), TS))
    );
    assert_eq!(d.tried, vec!["spec"]);
    assert!(d.to_string().contains("matches the SNAP form"), "{d}");
}

#[test]
fn body_not_minified() {
    sym_case(
        "POST",
        PATH,
        PRETTY,
        TS,
        &spec_sym("POST", PATH, &h(PRETTY), TS),
        Variant::BodyNotMinified,
    );
}

#[test]
fn php_escaped_slashes() {
    let php = r#"{"partnerReferenceNo":"A1","url":"https:\/\/m.example\/cb","name":"José 中","amount":1.50,"n":1e2,"pad":"  12"}"#;
    let d = sym_case(
        "POST",
        PATH,
        PRETTY,
        TS,
        &spec_sym("POST", PATH, &h(php), TS),
        Variant::PhpEscapedSlashes,
    );
    assert_eq!(d.matched.clone().unwrap().hashed_body.as_deref(), Some(php));
    assert_eq!(
        d.summary(),
        format!(
            "symmetric signature invalid: sender mistake `php-escaped-slashes` (signature as base64): {}",
            Variant::PhpEscapedSlashes.explanation()
        )
    );
    assert!(
        !d.summary().contains("m.example"),
        "no body in the log line"
    );
}

#[test]
fn php_default_escaping() {
    let php = r#"{"partnerReferenceNo":"A1","url":"https:\/\/m.example\/cb","name":"Jos\u00e9 \u4e2d","amount":1.50,"n":1e2,"pad":"  12"}"#;
    sym_case(
        "POST",
        PATH,
        PRETTY,
        TS,
        &spec_sym("POST", PATH, &h(php), TS),
        Variant::PhpDefaultEscaping,
    );
}

#[test]
fn unicode_escaped() {
    let b = r#"{"partnerReferenceNo":"A1","url":"https://m.example/cb","name":"Jos\u00e9 \u4e2d","amount":1.50,"n":1e2,"pad":"  12"}"#;
    sym_case(
        "POST",
        PATH,
        PRETTY,
        TS,
        &spec_sym("POST", PATH, &h(b), TS),
        Variant::UnicodeEscaped,
    );
}

#[test]
fn python_json_dumps_defaults() {
    let b = r#"{"partnerReferenceNo": "A1", "url": "https://m.example/cb", "name": "Jos\u00e9 \u4e2d", "amount": 1.50, "n": 1e2, "pad": "  12"}"#;
    sym_case(
        "POST",
        PATH,
        PRETTY,
        TS,
        &spec_sym("POST", PATH, &h(b), TS),
        Variant::PythonJsonDumps,
    );
}

#[test]
fn js_reserialized() {
    // JSON.stringify(JSON.parse(PRETTY))
    let b = r#"{"partnerReferenceNo":"A1","url":"https://m.example/cb","name":"José 中","amount":1.5,"n":100,"pad":"  12"}"#;
    sym_case(
        "POST",
        PATH,
        PRETTY,
        TS,
        &spec_sym("POST", PATH, &h(b), TS),
        Variant::JsReserialized,
    );
}

#[test]
fn numbers_rerendered() {
    let b = r#"{"partnerReferenceNo":"A1","url":"https://m.example/cb","name":"José 中","amount":1.5,"n":100.0,"pad":"  12"}"#;
    sym_case(
        "POST",
        PATH,
        PRETTY,
        TS,
        &spec_sym("POST", PATH, &h(b), TS),
        Variant::NumbersRerendered,
    );
}

#[test]
fn whitespace_stripped_in_strings() {
    let b = r#"{"partnerReferenceNo":"A1","url":"https://m.example/cb","name":"José中","amount":1.50,"n":1e2,"pad":"12"}"#;
    sym_case(
        "POST",
        PATH,
        PRETTY,
        TS,
        &spec_sym("POST", PATH, &h(b), TS),
        Variant::WhitespaceStrippedInStrings,
    );
}

#[test]
fn empty_body_hashed_as_object_array_null() {
    let p = "/v1.0/balance-inquiry";
    for (hashed, v) in [
        ("{}", Variant::EmptyBodyAsObject),
        ("[]", Variant::EmptyBodyAsArray),
        ("null", Variant::EmptyBodyAsNull),
    ] {
        sym_case("GET", p, "", TS, &spec_sym("GET", p, &h(hashed), TS), v);
    }
}

#[test]
fn hash_omitted_and_empty_and_uppercase() {
    let p = "/v1.0/balance-inquiry";
    sym_case(
        "GET",
        p,
        "",
        TS,
        &format!("GET:{p}:{TOKEN}:{TS}"),
        Variant::HashOmitted,
    );
    sym_case(
        "GET",
        p,
        "",
        TS,
        &format!("GET:{p}:{TOKEN}::{TS}"),
        Variant::HashEmpty,
    );
    sym_case(
        "POST",
        PATH,
        MIN,
        TS,
        &spec_sym("POST", PATH, &h(MIN).to_uppercase(), TS),
        Variant::HashUppercase,
    );
}

#[test]
fn query_dropped_sorted_decoded_encoded() {
    let p = "/v1.0/history?to=2024-06-02&from=2024-06-01T00:00:00+07:00";
    let e = h("");
    sym_case(
        "GET",
        p,
        "",
        TS,
        &spec_sym("GET", "/v1.0/history", &e, TS),
        Variant::QueryDropped,
    );
    sym_case(
        "GET",
        p,
        "",
        TS,
        &spec_sym(
            "GET",
            "/v1.0/history?from=2024-06-01T00:00:00+07:00&to=2024-06-02",
            &e,
            TS,
        ),
        Variant::QuerySorted,
    );
    sym_case(
        "GET",
        p,
        "",
        TS,
        &spec_sym(
            "GET",
            "/v1.0/history?to=2024-06-02&from=2024-06-01T00%3A00%3A00%2B07%3A00",
            &e,
            TS,
        ),
        Variant::QueryEncoded,
    );
    let enc = "/v1.0/history?to=2024-06-02&from=2024-06-01T00%3A00%3A00%2B07%3A00";
    sym_case(
        "GET",
        enc,
        "",
        TS,
        &spec_sym(
            "GET",
            "/v1.0/history?to=2024-06-02&from=2024-06-01T00:00:00+07:00",
            &e,
            TS,
        ),
        Variant::QueryDecoded,
    );
}

#[test]
fn path_prefix_added_or_dropped() {
    let e = h("");
    sym_case(
        "GET",
        "/v1.0/x",
        "",
        TS,
        &spec_sym("GET", "/snap/v1.0/x", &e, TS),
        Variant::PrefixAdded("/snap"),
    );
    sym_case(
        "GET",
        "/v1.0/x",
        "",
        TS,
        &spec_sym("GET", "/openapi/v1.0/x", &e, TS),
        Variant::PrefixAdded("/openapi"),
    );
    sym_case(
        "GET",
        "/v1.0/x",
        "",
        TS,
        &spec_sym("GET", "/api/v1.0/x", &e, TS),
        Variant::PrefixAdded("/api"),
    );
    sym_case(
        "GET",
        "/snap/v1.0/x",
        "",
        TS,
        &spec_sym("GET", "/v1.0/x", &e, TS),
        Variant::PrefixDropped,
    );
}

#[test]
fn bearer_kept_and_token_omitted() {
    let hm = h(MIN);
    sym_case(
        "POST",
        PATH,
        MIN,
        TS,
        &format!("POST:{PATH}:Bearer {TOKEN}:{hm}:{TS}"),
        Variant::BearerKept,
    );
    sym_case(
        "POST",
        PATH,
        MIN,
        TS,
        &format!("POST:{PATH}:{hm}:{TS}"),
        Variant::TokenOmitted,
    );
}

#[test]
fn double_colon_at_each_separator() {
    let hm = h(MIN);
    let cases = [
        (format!("POST::{PATH}:{TOKEN}:{hm}:{TS}"), 1),
        (format!("POST:{PATH}::{TOKEN}:{hm}:{TS}"), 2),
        (format!("POST:{PATH}:{TOKEN}::{hm}:{TS}"), 3),
        (format!("POST:{PATH}:{TOKEN}:{hm}::{TS}"), 4),
    ];
    for (s, n) in cases {
        sym_case("POST", PATH, MIN, TS, &s, Variant::DoubleColon(n));
    }
}

#[test]
fn method_lowercase() {
    sym_case(
        "POST",
        PATH,
        MIN,
        TS,
        &spec_sym("post", PATH, &h(MIN), TS),
        Variant::MethodLowercase,
    );
}

#[test]
fn timestamp_reformatted() {
    let hm = h(MIN);
    let sent = "2024-06-01T10:00:00.123+07:00";
    for (signed, v) in [
        ("2024-06-01T03:00:00Z", Variant::TimestampUtcZ),
        ("2024-06-01T03:00:00.123Z", Variant::TimestampUtcZMillis),
    ] {
        sym_case(
            "POST",
            PATH,
            MIN,
            sent,
            &spec_sym("POST", PATH, &hm, signed),
            v,
        );
    }
    // sent in UTC, signed in Jakarta time (with and without millis)
    let sent = "2024-06-01T03:00:00.500Z";
    sym_case(
        "POST",
        PATH,
        MIN,
        sent,
        &spec_sym("POST", PATH, &hm, "2024-06-01T10:00:00+07:00"),
        Variant::TimestampJakarta,
    );
    sym_case(
        "POST",
        PATH,
        MIN,
        sent,
        &spec_sym("POST", PATH, &hm, "2024-06-01T10:00:00.500+07:00"),
        Variant::TimestampJakartaMillis,
    );
    // sent with a fraction and a non-Jakarta offset, signed without the fraction
    let sent = "2024-06-01T05:00:00.5+02:00";
    sym_case(
        "POST",
        PATH,
        MIN,
        sent,
        &spec_sym("POST", PATH, &hm, "2024-06-01T05:00:00+02:00"),
        Variant::TimestampNoFraction,
    );
}

#[test]
fn hex_and_base64url_signatures_are_named() {
    let key = HmacKey::new(SECRET).unwrap();
    let spec = spec_sym("POST", PATH, &h(MIN), TS);
    let raw = STANDARD.decode(hmac_b64(&spec)).unwrap();
    let hex: String = raw.iter().map(|b| format!("{b:02x}")).collect();
    for (sig, enc) in [
        (hex.clone(), Encoding::Hex),
        (hex.to_uppercase(), Encoding::Hex),
        (URL_SAFE_NO_PAD.encode(&raw), Encoding::Base64Url),
    ] {
        let v = verify_symmetric(&key, "POST", PATH, TOKEN, MIN.as_bytes(), TS, &sig);
        assert!(v.is_err(), "strict verification must refuse {enc:?}");
        let r = Received {
            method: "POST",
            path: PATH,
            body: MIN.as_bytes(),
            timestamp: TS,
            signature: &sig,
        };
        let d = diagnose_symmetric(&key, TOKEN, &r);
        let m = d.matched.clone().unwrap();
        assert_eq!((m.variant, m.encoding), (Variant::Spec, enc), "{d}");
        assert!(d.is_known_mistake());
        assert!(d.to_string().contains("instead of standard base64"), "{d}");
    }
    // a combined mistake: PHP slashes AND hex
    let php = r#"{"partnerReferenceNo":"A1","url":"https:\/\/m.example\/cb","name":"José 中","amount":1.50,"n":1e2,"pad":"  12"}"#;
    let raw = STANDARD
        .decode(hmac_b64(&spec_sym("POST", PATH, &h(php), TS)))
        .unwrap();
    let hex: String = raw.iter().map(|b| format!("{b:02x}")).collect();
    let r = Received {
        method: "POST",
        path: PATH,
        body: PRETTY.as_bytes(),
        timestamp: TS,
        signature: &hex,
    };
    let m = diagnose_symmetric(&key, TOKEN, &r).matched.unwrap();
    assert_eq!(
        (m.variant, m.encoding),
        (Variant::PhpEscapedSlashes, Encoding::Hex)
    );
}

#[test]
fn wrong_secret_matches_nothing_and_lists_what_was_tried() {
    let other = HmacKey::new(b"another-secret").unwrap();
    let sig = sign_symmetric(&other, "POST", PATH, TOKEN, PRETTY.as_bytes(), TS).unwrap();
    let key = HmacKey::new(SECRET).unwrap();
    let r = Received {
        method: "POST",
        path: PATH,
        body: PRETTY.as_bytes(),
        timestamp: TS,
        signature: &sig,
    };
    let d = diagnose_symmetric(&key, TOKEN, &r);
    assert!(!d.valid && d.matched.is_none());
    assert!(
        d.tried.len() >= 25 && d.tried.len() <= 45,
        "bounded list: {}",
        d.tried.len()
    );
    for id in [
        "spec",
        "body-not-minified",
        "php-escaped-slashes",
        "bearer-kept",
        "double-colon:1",
        "timestamp-utc-z",
        "prefix-dropped",
    ] {
        assert!(
            d.tried.iter().any(|t| t == id),
            "{id} not tried: {:?}",
            d.tried
        );
    }
    // Every combination of the applicable mistakes fits the default
    // budget: only then is the secret named.
    assert!(d.exhausted, "{d}");
    assert_eq!(d.untried(), 0);
    assert!(d.strings_tried > d.tried.len(), "pairs and more were tried");
    let report = d.to_string();
    assert!(report.contains("no known mistake matches"), "{report}");
    assert!(report.contains("every combination"), "{report}");
    assert!(report.contains("different client secret"), "{report}");
    assert!(report.contains("tried:"), "{report}");
    assert!(
        d.summary().contains("no known mistake matches")
            && d.summary().contains("every combination"),
        "{}",
        d.summary()
    );
    assert!(!report.contains(TOKEN));
}

fn keys() -> (RsaPrivateKey, RsaPublicKey) {
    let p = format!(
        "{}/tests/vectors/test-b-pkcs8.pem",
        env!("CARGO_MANIFEST_DIR")
    );
    let k = RsaPrivateKey::from_pem(&std::fs::read_to_string(p).unwrap()).unwrap();
    let pubk = k.public_key().unwrap();
    (k, pubk)
}

#[test]
fn asymmetric_spec_and_mistakes() {
    let (k, pubk) = keys();
    let diag = |method: &str, path: &str, body: &str, ts: &str, signed: &str| {
        let sig = k.sign(signed.as_bytes()).unwrap();
        let strict = verify_asymmetric(&pubk, method, path, body.as_bytes(), ts, &sig);
        let r = Received {
            method,
            path,
            body: body.as_bytes(),
            timestamp: ts,
            signature: &sig,
        };
        (strict, diagnose_asymmetric(&pubk, &r))
    };
    let (ok, d) = diag(
        "POST",
        PATH,
        PRETTY,
        TS,
        &format!("POST:{PATH}:{}:{TS}", h(MIN)),
    );
    assert!(ok.is_ok() && d.valid && !d.is_known_mistake(), "{d}");
    let php = r#"{"partnerReferenceNo":"A1","url":"https:\/\/m.example\/cb","name":"José 中","amount":1.50,"n":1e2,"pad":"  12"}"#;
    for (signed, v) in [
        (
            format!("POST:{PATH}:{}:{TS}", h(php)),
            Variant::PhpEscapedSlashes,
        ),
        (
            format!("POST:{PATH}:{}:{TS}", h(PRETTY)),
            Variant::BodyNotMinified,
        ),
        (
            format!("POST:/v1.0/transfer-va/payment:{}:{TS}", h(MIN)),
            Variant::PrefixDropped,
        ),
        (
            format!("POST:{PATH}::{}:{TS}", h(MIN)),
            Variant::DoubleColon(2),
        ),
        (
            format!("post:{PATH}:{}:{TS}", h(MIN)),
            Variant::MethodLowercase,
        ),
    ] {
        let (strict, d) = diag("POST", PATH, PRETTY, TS, &signed);
        assert!(strict.unwrap_err().is_mismatch());
        let m = d.matched.clone().unwrap_or_else(|| panic!("{v:?}: {d}"));
        assert_eq!(m.variant, v, "{d}");
        assert_eq!(m.string_to_sign, signed);
    }
    // no token variants for the asymmetric kind
    let (_, d) = diag("POST", PATH, PRETTY, TS, "unrelated");
    assert!(d.matched.is_none());
    assert!(
        !d.tried
            .iter()
            .any(|t| t == "bearer-kept" || t == "token-omitted")
    );
}

#[test]
fn token_spec_and_mistakes() {
    let (k, pubk) = keys();
    let cid = "client-7";
    let ts = "2024-06-01T10:00:00+07:00";
    for (signed, expect) in [
        (format!("{cid}|{ts}"), Some(Variant::Spec)),
        (format!("{cid}:{ts}"), Some(Variant::PipeAsColon)),
        (
            format!("{cid}|2024-06-01T03:00:00Z"),
            Some(Variant::TimestampUtcZ),
        ),
        (
            format!("{cid}|2024-06-01T10:00:00.000+07:00"),
            Some(Variant::TimestampJakartaMillis),
        ),
        ("other|2024-06-01T10:00:00+07:00".to_owned(), None),
    ] {
        let sig = k.sign(signed.as_bytes()).unwrap();
        let strict = verify_token(&pubk, cid, ts, &sig);
        assert_eq!(strict.is_ok(), expect == Some(Variant::Spec));
        let d = diagnose_token(&pubk, cid, ts, &sig);
        assert_eq!(d.matched.as_ref().map(|m| m.variant), expect, "{d}");
        assert_eq!(d.spec_string_to_sign, format!("{cid}|{ts}"));
        if expect.is_none() {
            assert!(d.to_string().contains("pipe-as-colon"), "{d}");
        }
    }
}

#[test]
fn received_from_headers() {
    let mut hm = http::HeaderMap::new();
    hm.insert("X-TIMESTAMP", http::HeaderValue::from_static(TS));
    hm.insert("X-SIGNATURE", http::HeaderValue::from_static("abc="));
    let r = Received::from_headers("POST", PATH, &hm, b"{}");
    assert_eq!((r.timestamp, r.signature), (TS, "abc="));
}

/// Arbitrary bytes and strings never make the minifier, the verifier or the
/// doctor panic (a tiny deterministic generator; no extra dependency).
#[test]
fn arbitrary_input_never_panics() {
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let alphabet: Vec<char> = "{}[]:,\"\\/ \n\tué中0123456789.eE+-abcdZT%?&=|"
        .chars()
        .collect();
    let key = HmacKey::new(SECRET).unwrap();
    let (_, pubk) = keys();
    for _ in 0..300 {
        let mut gen_str = |max: u64| -> String {
            let n = next() % max;
            (0..n)
                .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
                .collect()
        };
        let body = gen_str(40);
        let path = format!("/{}", gen_str(20));
        let ts = gen_str(30);
        let sig = gen_str(90);
        let method = ["POST", "get", "", "P0ST"][(next() % 4) as usize];
        let _ = snap_core::sign::minify(body.as_bytes());
        let r = Received {
            method,
            path: &path,
            body: body.as_bytes(),
            timestamp: &ts,
            signature: &sig,
        };
        let d = diagnose_symmetric(&key, TOKEN, &r);
        assert!(!d.valid);
        let _ = d.to_string();
        let _ = diagnose_asymmetric(&pubk, &r).to_string();
        let _ = diagnose_token(&pubk, &path, &ts, &sig).to_string();
        let _ = verify_symmetric(&key, method, &path, &ts, body.as_bytes(), &ts, &sig);
    }
    // a raw invalid-UTF-8 body
    let r = Received {
        method: "POST",
        path: PATH,
        body: b"{\"a\":\"\xff\"}",
        timestamp: TS,
        signature: "AAAA",
    };
    let d = diagnose_symmetric(&key, TOKEN, &r);
    assert!(d.input_error.is_some(), "{d}");
}

// ------------------------------------------------------------ issue 17:
// every matching mistake ranked, combinations, more renderings, and no
// blame on the secret while combinations remain.

/// A symmetric diagnosis of a signature over `signed`, with `opts`.
fn sym_diag(path: &str, body: &str, signed: &str, opts: &DoctorOptions) -> Diagnosis {
    let key = HmacKey::new(SECRET).unwrap();
    let sig = hmac_b64(signed);
    let r = Received {
        method: "POST",
        path,
        body: body.as_bytes(),
        timestamp: TS,
        signature: &sig,
    };
    diagnose_symmetric_with(&key, TOKEN, &r, opts)
}

fn ids(d: &Diagnosis) -> Vec<String> {
    d.matches.iter().map(|m| m.id()).collect()
}

#[test]
fn same_bytes_from_php_and_python_likelier_first_with_the_reason() {
    // No "/" in the body: PHP's default escaping and Python's ensure_ascii
    // (compact) give the same bytes.
    let sent = r#"{"partnerReferenceNo":"A1","name":"José"}"#;
    let hashed = r#"{"partnerReferenceNo":"A1","name":"Jos\u00e9"}"#;
    let signed = spec_sym("POST", PATH, &h(hashed), TS);
    let d = sym_diag(PATH, sent, &signed, &DoctorOptions::new());
    assert_eq!(
        ids(&d),
        ["php-default-escaping", "php-reencoded", "unicode-escaped"],
        "{d}"
    );
    let top = &d.matches[0];
    assert_eq!(d.matched.as_ref(), Some(top));
    assert!(top.likelihood > d.matches[2].likelihood);
    assert!(
        top.reason.contains("likelier than `php-reencoded`")
            && top.reason.contains("PHP's json_encode() escapes"),
        "{}",
        top.reason
    );
    assert!(
        d.matches[2].reason.contains("ensure_ascii"),
        "{}",
        d.matches[2].reason
    );
    assert!(
        d.matches
            .iter()
            .all(|m| m.hashed_body.as_deref() == Some(hashed))
    );
    let report = d.to_string();
    assert!(
        report.contains("3 explanations give these exact bytes"),
        "{report}"
    );
    assert!(report.contains("1. `php-default-escaping`"), "{report}");
    assert!(report.contains("3. `unicode-escaped`"), "{report}");
    assert!(
        d.summary()
            .contains("(also matches: `php-reencoded`, `unicode-escaped`)"),
        "{}",
        d.summary()
    );

    // A Python User-Agent is evidence: ensure_ascii comes first.
    let opts = DoctorOptions::new().with_user_agent("python-requests/2.32.3");
    let d = sym_diag(PATH, sent, &signed, &opts);
    assert_eq!(d.matches[0].variant, Variant::UnicodeEscaped, "{d}");
    assert!(
        d.matches[0]
            .reason
            .contains("User-Agent \"python-requests/2.32.3\""),
        "{}",
        d.matches[0].reason
    );
    // ... and a PHP one keeps PHP first, more surely.
    let opts = DoctorOptions::from_headers(&{
        let mut h = http::HeaderMap::new();
        h.insert("user-agent", http::HeaderValue::from_static("GuzzleHttp/7"));
        h
    });
    assert_eq!(opts.user_agent.as_deref(), Some("GuzzleHttp/7"));
    let d = sym_diag(PATH, sent, &signed, &opts);
    assert_eq!(d.matches[0].variant, Variant::PhpDefaultEscaping);
    assert!(
        d.matches[0].reason.contains("guzzle"),
        "{}",
        d.matches[0].reason
    );

    // The body as sent is evidence too: Python's ", " separators.
    let spaced = r#"{"partnerReferenceNo": "A1", "name": "José"}"#;
    let d = sym_diag(PATH, spaced, &signed, &DoctorOptions::new());
    let unicode = d
        .matches
        .iter()
        .find(|m| m.variant == Variant::UnicodeEscaped)
        .unwrap();
    assert!(
        unicode.reason.contains("Python's default"),
        "{}",
        unicode.reason
    );
}

#[test]
fn a_pair_of_mistakes_empty_hash_and_sorted_query() {
    let path = "/v1.0/history?to=2024-06-02&from=2024-06-01";
    let signed = format!("GET:/v1.0/history?from=2024-06-01&to=2024-06-02:{TOKEN}::{TS}");
    let key = HmacKey::new(SECRET).unwrap();
    let sig = hmac_b64(&signed);
    let r = Received {
        method: "GET",
        path,
        body: b"",
        timestamp: TS,
        signature: &sig,
    };
    let d = diagnose_symmetric(&key, TOKEN, &r);
    let m = d.matched.clone().unwrap_or_else(|| panic!("{d}"));
    assert_eq!(
        m.mistakes,
        [Variant::HashEmpty, Variant::QuerySorted],
        "{d}"
    );
    assert_eq!(m.id(), "hash-empty+query-sorted");
    assert_eq!(m.string_to_sign, redacted(&signed));
    assert_eq!(d.complete_up_to, 2);
    assert!(
        m.explanation.starts_with("2 mistakes together: (1) "),
        "{}",
        m.explanation
    );
    assert!(
        d.summary()
            .contains("sender mistakes `hash-empty+query-sorted`"),
        "{}",
        d.summary()
    );
    let report = d.to_string();
    assert!(report.contains("2 known mistakes together"), "{report}");
    assert!(!report.contains("different client secret"), "{report}");
}

#[test]
fn three_mistakes_together_are_found_too() {
    // PHP slashes + a /snap prefix the receiver never sees + UTC timestamp.
    let path = "/v1.0/transfer-va/payment";
    let php = r#"{"partnerReferenceNo":"A1","url":"https:\/\/m.example\/cb","name":"José 中","amount":1.50,"n":1e2,"pad":"  12"}"#;
    let signed = format!("POST:/snap{path}:{TOKEN}:{}:2024-06-01T03:00:00Z", h(php));
    let d = sym_diag(path, PRETTY, &signed, &DoctorOptions::new());
    let m = d.matched.clone().unwrap_or_else(|| panic!("{d}"));
    assert_eq!(
        m.mistakes,
        [
            Variant::PhpEscapedSlashes,
            Variant::PrefixAdded("/snap"),
            Variant::TimestampUtcZ
        ],
        "{d}"
    );
    assert_eq!(m.hashed_body.as_deref(), Some(php));
}

#[test]
fn php_rerendered_numbers_and_other_renderings() {
    // PHP: a 20-digit integer becomes 1.2345678901234567e+19.
    let sent = r#"{"partnerReferenceNo":"A1","ref":12345678901234567890,"rate":1.50}"#;
    let php = r#"{"partnerReferenceNo":"A1","ref":1.2345678901234567e+19,"rate":1.5}"#;
    let d = sym_diag(
        PATH,
        sent,
        &spec_sym("POST", PATH, &h(php), TS),
        &DoctorOptions::new(),
    );
    assert_eq!(ids(&d), ["php-reencoded", "php-numbers-rerendered"], "{d}");
    assert_eq!(d.matches[1].hashed_body.as_deref(), Some(php));
    // JavaScript writes the same integer differently: not a PHP match.
    let js = r#"{"partnerReferenceNo":"A1","ref":12345678901234567000,"rate":1.5}"#;
    let d = sym_diag(
        PATH,
        sent,
        &spec_sym("POST", PATH, &h(js), TS),
        &DoctorOptions::new(),
    );
    assert_eq!(d.matches[0].variant, Variant::JsReserialized, "{d}");
    assert!(!ids(&d).iter().any(|i| i.starts_with("php")), "{d}");
    // Java's Double.toString.
    let sent = r#"{"a":1e7,"b":2}"#;
    let java = r#"{"a":1.0E7,"b":2}"#;
    let d = sym_diag(
        PATH,
        sent,
        &spec_sym("POST", PATH, &h(java), TS),
        &DoctorOptions::new(),
    );
    assert_eq!(ids(&d), ["java-numbers-rerendered"], "{d}");
    // Go: sorted keys and HTML escaping.
    let sent = r#"{"z":"<b>","a":1}"#;
    let go = r#"{"a":1,"z":"\u003cb\u003e"}"#;
    let d = sym_diag(
        PATH,
        sent,
        &spec_sym("POST", PATH, &h(go), TS),
        &DoctorOptions::new(),
    );
    assert_eq!(ids(&d), ["go-reencoded"], "{d}");
    // Keys sorted alone (Go gives the same bytes when nothing needs escaping).
    let sent = r#"{"z":"b","a":1}"#;
    let sorted = r#"{"a":1,"z":"b"}"#;
    let d = sym_diag(
        PATH,
        sent,
        &spec_sym("POST", PATH, &h(sorted), TS),
        &DoctorOptions::new(),
    );
    assert_eq!(ids(&d), ["go-reencoded", "keys-sorted"], "{d}");
}

#[test]
fn the_secret_is_not_blamed_while_combinations_remain() {
    let other = HmacKey::new(b"another-secret").unwrap();
    let sig = sign_symmetric(&other, "POST", PATH, TOKEN, PRETTY.as_bytes(), TS).unwrap();
    let key = HmacKey::new(SECRET).unwrap();
    let r = Received {
        method: "POST",
        path: PATH,
        body: PRETTY.as_bytes(),
        timestamp: TS,
        signature: &sig,
    };
    let d = diagnose_symmetric_with(&key, TOKEN, &r, &DoctorOptions::new().with_max_strings(200));
    assert!(d.matched.is_none() && !d.exhausted, "{d}");
    assert_eq!(d.strings_tried, 200);
    assert!(d.untried() > 1000, "{}", d.untried());
    assert_eq!(d.complete_up_to, 1, "every single mistake, not every pair");
    let report = d.to_string();
    assert!(report.contains("not established"), "{report}");
    assert!(!report.contains("likely cause"), "{report}");
    assert!(d.summary().contains("not established"), "{}", d.summary());
    assert!(
        !d.summary().contains("likely a different secret"),
        "{}",
        d.summary()
    );
}

#[test]
fn token_pairs() {
    let (k, pubk) = keys();
    let cid = "client-7";
    let ts = "2024-06-01T10:00:00+07:00";
    let signed = format!("{cid}:2024-06-01T03:00:00Z");
    let sig = k.sign(signed.as_bytes()).unwrap();
    let d = diagnose_token(&pubk, cid, ts, &sig);
    let m = d.matched.clone().unwrap_or_else(|| panic!("{d}"));
    assert_eq!(m.mistakes, [Variant::PipeAsColon, Variant::TimestampUtcZ]);
    // The token space is small: a wrong key is named once it is exhausted.
    let sig = k.sign(b"unrelated").unwrap();
    let d = diagnose_token(&pubk, cid, ts, &sig);
    assert!(d.exhausted && d.matched.is_none(), "{d}");
    assert!(d.to_string().contains("likely cause"), "{d}");
}
