//! Known-answer tests: every vector of `tests/vectors/public-kat.json` (copied
//! from the project reference) and `tests/vectors/own-kat.json` (computed by
//! `tests/vectors/gen.sh` with python3 and openssl, not with snap-rs).

use serde_json::Value;
use snap_core::sign::{
    AccessToken, Asymmetric, HmacKey, RsaPrivateKey, RsaPublicKey, SignatureError, SigningInput,
    Symmetric, body_sha256_hex, minify,
};

const PUBLIC_KAT: &str = include_str!("../vectors/public-kat.json");
const OWN_KAT: &str = include_str!("../vectors/own-kat.json");

fn vectors(json: &str) -> Vec<Value> {
    let v: Value = serde_json::from_str(json).expect("KAT file is JSON");
    v["vectors"].as_array().expect("vectors array").clone()
}

fn s<'a>(v: &'a Value, k: &str) -> &'a str {
    v[k].as_str()
        .unwrap_or_else(|| panic!("{}: missing `{k}`", v["id"]))
}

fn key_file(name: &str) -> String {
    let p = format!("{}/tests/vectors/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{p}: {e}"))
}

/// Flips one bit of the decoded signature and re-encodes it.
fn tamper(sig_b64: &str) -> String {
    use base64::Engine as _;
    let e = &base64::engine::general_purpose::STANDARD;
    let mut raw = e.decode(sig_b64).unwrap();
    raw[0] ^= 1;
    e.encode(raw)
}

/// Checks one transaction vector (symmetric or asymmetric); returns its id.
fn check_transaction(v: &Value, private: Option<&RsaPrivateKey>, public: Option<&RsaPublicKey>) {
    let id = s(v, "id");
    let body = s(v, "request_body").as_bytes();
    let minified = minify(body).unwrap();
    if let Some(m) = v.get("expected_minified_body").and_then(Value::as_str) {
        assert_eq!(
            String::from_utf8(minified.clone()).unwrap(),
            m,
            "{id}: minified body"
        );
    }
    assert_eq!(
        body_sha256_hex(&minified),
        s(v, "expected_body_sha256_hex"),
        "{id}: hash"
    );
    let (method, path, ts) = (
        s(v, "http_method"),
        s(v, "endpoint_url"),
        s(v, "x_timestamp"),
    );
    let expected = s(v, "expected_signature_base64");
    let input = SigningInput::new(method, path).body(body).timestamp(ts);
    match s(v, "kind") {
        "transaction_symmetric" => {
            let input = input.access_token(s(v, "access_token"));
            let sts = Symmetric::string_to_sign(&input).unwrap();
            assert_eq!(sts, s(v, "expected_string_to_sign"), "{id}: string-to-sign");
            let key = HmacKey::new(s(v, "client_secret").as_bytes()).unwrap();
            assert_eq!(
                Symmetric::signature(&key, &input).unwrap(),
                expected,
                "{id}"
            );
            Symmetric::verify_signature(&key, &input, expected).unwrap();
            let bad = tamper(expected);
            assert!(
                Symmetric::verify_signature(&key, &input, &bad)
                    .unwrap_err()
                    .is_mismatch()
            );
            // a different timestamp must not verify either
            assert!(
                Symmetric::verify_signature(
                    &key,
                    &input.timestamp("2000-01-01T00:00:00+07:00"),
                    expected
                )
                .unwrap_err()
                .is_mismatch()
            );
        }
        "transaction_asymmetric" => {
            let sts = Asymmetric::string_to_sign(&input).unwrap();
            assert_eq!(sts, s(v, "expected_string_to_sign"), "{id}: string-to-sign");
            if let Some(k) = private {
                assert_eq!(Asymmetric::signature(k, &input).unwrap(), expected, "{id}");
            }
            let public = public.expect("a public key for every asymmetric vector");
            Asymmetric::verify_signature(public, &input, expected).unwrap();
            let bad = tamper(expected);
            assert!(
                Asymmetric::verify_signature(public, &input, &bad)
                    .unwrap_err()
                    .is_mismatch()
            );
            assert!(
                Asymmetric::verify_signature(public, &input.body(b"{}"), expected)
                    .unwrap_err()
                    .is_mismatch()
            );
        }
        other => panic!("{id}: unexpected kind {other}"),
    }
}

fn token_input(v: &Value) -> SigningInput<'_> {
    SigningInput::default()
        .client_id(s(v, "client_id"))
        .timestamp(s(v, "x_timestamp"))
}

fn check_token(v: &Value, private: Option<&RsaPrivateKey>, public: &RsaPublicKey) {
    let id = s(v, "id");
    let input = token_input(v);
    assert_eq!(
        AccessToken::string_to_sign(&input).unwrap(),
        s(v, "expected_string_to_sign"),
        "{id}"
    );
    let expected = s(v, "expected_signature_base64");
    if let Some(k) = private {
        assert_eq!(AccessToken::signature(k, &input).unwrap(), expected, "{id}");
    }
    AccessToken::verify_signature(public, &input, expected).unwrap();
    assert!(
        AccessToken::verify_signature(public, &input.client_id("other-client"), expected)
            .unwrap_err()
            .is_mismatch()
    );
    assert!(
        AccessToken::verify_signature(public, &input, &tamper(expected))
            .unwrap_err()
            .is_mismatch()
    );
}

#[test]
fn public_kat_every_vector() {
    let mut seen = Vec::new();
    // the Midtrans demo key (PKCS#8, 2048) and its published public half
    let midtrans_private = vectors(PUBLIC_KAT)
        .iter()
        .find(|v| v["id"] == "midtrans_b2b_token")
        .map(|v| RsaPrivateKey::from_pem(s(v, "private_key_pem")).unwrap())
        .unwrap();
    let midtrans_public = midtrans_private.public_key().unwrap();
    for v in vectors(PUBLIC_KAT) {
        let id = s(&v, "id").to_owned();
        match id.as_str() {
            "qoinhub_b2b_token" => {
                // 1024-bit PKCS#1 key: refused for signing, with its size
                let err = RsaPrivateKey::from_pem(s(&v, "private_key_pem")).unwrap_err();
                assert_eq!(
                    err,
                    SignatureError::KeyTooSmall {
                        bits: 1024,
                        min: 2048
                    }
                );
                assert!(err.to_string().contains("1024 bits"), "{err}");
                assert_eq!(
                    AccessToken::string_to_sign(&token_input(&v)).unwrap(),
                    s(&v, "expected_string_to_sign")
                );
                // its public half: refused by default, verifies with the legacy opt-in
                let pem = key_file("qoinhub-1024.pub.pem");
                assert_eq!(
                    RsaPublicKey::from_pem(&pem).unwrap_err(),
                    SignatureError::KeyTooSmall {
                        bits: 1024,
                        min: 2048
                    }
                );
                let legacy = RsaPublicKey::from_pem_allow_legacy_1024(&pem).unwrap();
                assert_eq!(legacy.bits(), 1024);
                check_token(&v, None, &legacy);
            }
            "midtrans_b2b_token" => check_token(&v, Some(&midtrans_private), &midtrans_public),
            "midtrans_symmetric_qr_mpm_generate" => check_transaction(&v, None, None),
            "midtrans_notification_sign" => {
                let k = RsaPrivateKey::from_pem(s(&v, "private_key_pem")).unwrap();
                assert_eq!(k.bits(), 2048);
                check_transaction(&v, Some(&k), Some(&midtrans_public));
            }
            "midtrans_notification_verify" => {
                let public = RsaPublicKey::from_pem(s(&v, "public_key_pem")).unwrap();
                check_transaction(&v, None, Some(&public));
                // the published public key is the half of the demo private key
                check_transaction(&v, None, Some(&midtrans_public));
            }
            "empty_body_hash" => {
                assert_eq!(
                    body_sha256_hex(&minify(b"").unwrap()),
                    s(&v, "expected_body_sha256_hex")
                );
            }
            other => panic!("public KAT vector `{other}` has no test: add one"),
        }
        seen.push(id);
    }
    assert_eq!(seen.len(), 6, "{seen:?}");
}

#[test]
fn own_kat_every_vector() {
    let mut n = 0;
    for v in vectors(OWN_KAT) {
        let id = s(&v, "id");
        match s(&v, "kind") {
            "transaction_symmetric" => check_transaction(&v, None, None),
            "transaction_asymmetric" => {
                let private =
                    RsaPrivateKey::from_pem(&key_file(s(&v, "private_key_file"))).unwrap();
                let public = RsaPublicKey::from_pem(&key_file(s(&v, "public_key_file"))).unwrap();
                check_transaction(&v, Some(&private), Some(&public));
            }
            "access_token_asymmetric" => {
                let private =
                    RsaPrivateKey::from_pem(&key_file(s(&v, "private_key_file"))).unwrap();
                let public = RsaPublicKey::from_pem(&key_file(s(&v, "public_key_file"))).unwrap();
                check_token(&v, Some(&private), &public);
            }
            // The provider schemes live with their declarations: these
            // vectors are checked by snap-endpoints (tests/it/provider_kat.rs).
            "ipg_hmac_sha256_hex" | "ayopop_jwt_hs256" => {}
            other => panic!("{id}: unknown kind {other}"),
        }
        n += 1;
    }
    assert_eq!(n, 10);
}

#[test]
fn own_kat_covers_the_required_cases() {
    let all = vectors(OWN_KAT);
    let has = |pred: &dyn Fn(&Value) -> bool| all.iter().any(pred);
    let body = |v: &Value| v["request_body"].as_str().unwrap_or("").to_owned();
    let ts = |v: &Value| v["x_timestamp"].as_str().unwrap_or("").to_owned();
    assert!(has(&|v| body(v).contains('/')
        && body(v).contains('é')
        && body(v).contains('中')));
    assert!(has(&|v| v["http_method"] == "GET"
        && body(v).is_empty()
        && v["endpoint_url"].as_str().unwrap().contains('?')));
    assert!(has(&|v| ts(v).ends_with('Z') && !ts(v).contains('.')));
    assert!(has(&|v| ts(v).contains('.') && ts(v).ends_with('Z')));
    assert!(has(&|v| ts(v).contains('.') && ts(v).ends_with("+07:00")));
    assert!(has(&|v| body(v).contains("\n    ")));
    assert!(has(&|v| v["private_key_file"]
        .as_str()
        .is_some_and(|f| f.contains("pkcs1"))));
    assert!(has(&|v| v["private_key_file"]
        .as_str()
        .is_some_and(|f| f.contains("pkcs8"))));
}

#[test]
fn pem_forms_parse_to_the_same_key() {
    // PKCS#1 and SPKI public halves of key A verify the same signature
    let a = RsaPrivateKey::from_pem(&key_file("test-a-pkcs1.pem")).unwrap();
    let sig = a.sign(b"hello").unwrap();
    for f in ["test-a-spki.pub.pem", "test-a-pkcs1.pub.pem"] {
        RsaPublicKey::from_pem(&key_file(f))
            .unwrap()
            .verify(b"hello", &sig)
            .unwrap();
    }
    a.public_key().unwrap().verify(b"hello", &sig).unwrap();
    // key B's public key does not
    let b = RsaPublicKey::from_pem(&key_file("test-b-spki.pub.pem")).unwrap();
    assert!(b.verify(b"hello", &sig).unwrap_err().is_mismatch());
    // a public key where a private one is expected, and vice versa
    assert!(matches!(
        RsaPrivateKey::from_pem(&key_file("test-a-spki.pub.pem")),
        Err(SignatureError::Pem { .. })
    ));
    assert!(matches!(
        RsaPublicKey::from_pem(&key_file("test-a-pkcs1.pem")),
        Err(SignatureError::Pem { .. })
    ));
    // garbage DER inside valid armor
    let junk = "-----BEGIN PRIVATE KEY-----\nAAECAwQ=\n-----END PRIVATE KEY-----\n";
    assert!(matches!(
        RsaPrivateKey::from_pem(junk),
        Err(SignatureError::KeyRejected { .. })
    ));
}

#[test]
fn private_key_debug_is_redacted() {
    let pem = key_file("test-b-pkcs8.pem");
    let k = RsaPrivateKey::from_pem(&pem).unwrap();
    let d = format!("{k:?}");
    assert_eq!(d, "RsaPrivateKey(2048 bits, [redacted])");
}

#[test]
fn keys_are_reusable_across_threads() {
    let k = std::sync::Arc::new(RsaPrivateKey::from_pem(&key_file("test-a-pkcs1.pem")).unwrap());
    let pubk = k.public_key().unwrap();
    let sigs: Vec<String> = (0..2)
        .map(|_| {
            let k = k.clone();
            std::thread::spawn(move || {
                let input = SigningInput::default()
                    .client_id("c")
                    .timestamp("2024-01-01T00:00:00+07:00");
                AccessToken::signature(&k, &input).unwrap()
            })
        })
        .map(|h| h.join().unwrap())
        .collect();
    assert_eq!(sigs[0], sigs[1]);
    let input = SigningInput::default()
        .client_id("c")
        .timestamp("2024-01-01T00:00:00+07:00");
    AccessToken::verify_signature(&pubk, &input, &sigs[0]).unwrap();
}
