//! Fuzz target bodies for the snap-core primitives. Shared, via `#[path]`,
//! by the cargo-fuzz targets in `fuzz/fuzz_targets/` and by the corpus
//! replay test in `snap-core/tests/hardening/` (so CI runs every corpus
//! input through exactly the code the fuzzer ran).
//!
//! Each function must never panic on any input; the assertions inside are
//! the properties the fuzzer checks besides "no panic".

#![allow(dead_code)]
#![forbid(unsafe_code)]

use snap_core::code::ResponseCode;
use snap_core::money::{Currency, Money};
use snap_core::sign::{HmacKey, SigningInput, Symmetric, minify};
use snap_core::time::SnapTimestamp;

/// `ResponseCode::parse` on the bytes as text, and as a JSON value (string
/// or number); whatever is accepted prints back as the same seven digits.
pub fn response_code(data: &[u8]) {
    if let Ok(s) = std::str::from_utf8(data)
        && let Ok(c) = ResponseCode::parse(s)
    {
        assert_eq!(c.to_string(), s, "accepted code prints differently");
        assert!(c.check_http(c.http_status()).is_ok());
        let _ = (
            c.general_case(),
            c.message(),
            c.category(),
            c.service().name(),
        );
    }
    if let Ok(c) = serde_json::from_slice::<ResponseCode>(data) {
        let again = ResponseCode::parse(&c.to_string()).expect("printed code reparses");
        assert_eq!(again, c);
    }
}

/// `Money::parse` on the bytes as text, and `Money` decoded from the bytes
/// as JSON; accepted amounts round-trip through the string form.
pub fn money(data: &[u8]) {
    const IDR: Currency = Currency::new_const("IDR");
    if let Ok(s) = std::str::from_utf8(data) {
        if let Ok(m) = Money::parse(s, IDR) {
            let back = Money::parse(&m.value_string(), IDR).expect("formatted money reparses");
            assert_eq!(back.minor(), m.minor());
            assert!(s.len() <= 17, "accepted a value longer than DECIMAL(16,2)");
        }
        let _ = Currency::new(s);
    }
    if let Ok(m) = serde_json::from_slice::<Money>(data) {
        let json = serde_json::to_string(&m).expect("money serializes");
        let back: Money = serde_json::from_str(&json).expect("serialized money reparses");
        assert_eq!(back, m);
    }
}

/// `SnapTimestamp::parse` on the bytes as text; an accepted timestamp keeps
/// its exact text and its instant survives a re-format.
pub fn timestamp(data: &[u8]) {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(t) = SnapTimestamp::parse(s) {
        assert_eq!(t.as_str(), s);
        let _ = (t.jakarta_day(), t.day_key(), t.unix_nanos());
        let u = snap_core::time::TimestampProfile::utc_millis()
            .at(t.unix_seconds(), t.subsec_nanos())
            .expect("an accepted instant can be written in UTC");
        let back = SnapTimestamp::parse(u.as_str()).expect("written timestamp reparses");
        assert_eq!(back.unix_seconds(), t.unix_seconds());
    }
    let _ = serde_json::from_slice::<SnapTimestamp>(data);
}

/// `minify` on arbitrary bytes: idempotent, only whitespace removed; then
/// the HMAC sign/verify path over the result (never panics, verifies).
pub fn minify_and_sign(data: &[u8]) {
    let Ok(m) = minify(data) else {
        return;
    };
    assert_eq!(
        minify(&m).expect("minified output minifies"),
        m,
        "minify is not idempotent"
    );
    let keep = |b: &&u8| !b" \t\r\n".contains(*b);
    assert!(
        data.iter().filter(keep).eq(m.iter().filter(keep)),
        "minify changed a non-whitespace byte"
    );
    let key = HmacKey::new(b"fuzz-secret").expect("static key");
    let ts = "2024-01-01T00:00:00+07:00";
    let input = SigningInput::new("POST", "/v1.0/x")
        .access_token("tok")
        .timestamp(ts);
    let sig = Symmetric::signature(&key, &input.body(data)).expect("a minifiable body signs");
    Symmetric::verify_signature(&key, &input.body(&m), &sig)
        .expect("signature over the raw body verifies over its minified form");
}

/// Signature verification with attacker-controlled everything: the bytes
/// are split into method, path, token, timestamp, signature and body. Never
/// panics and never verifies (the key is fixed and unknown to the input).
pub fn verify_inbound(data: &[u8]) {
    let mut parts = data.splitn(6, |b| *b == 0);
    let mut next = || std::str::from_utf8(parts.next().unwrap_or_default()).unwrap_or("");
    let (method, path, token, ts, sig) = (next(), next(), next(), next(), next());
    let body = data.rsplit(|b| *b == 0).next().unwrap_or_default();
    let key = HmacKey::new(b"fuzz-secret").expect("static key");
    let input = SigningInput::new(method, path)
        .access_token(token)
        .body(body)
        .timestamp(ts);
    let r = Symmetric::verify_signature(&key, &input, sig);
    if let Ok(()) = r {
        // only possible if the input carries the right HMAC: recompute to be sure
        let expect = Symmetric::signature(&key, &input).expect("verified inputs sign");
        assert_eq!(expect, sig);
    }
}
