//! The notification verifier (merchant side): the three schemes.

use http::HeaderMap;
use snap_core::sign::HmacKey;
use snap_server::notify::{NotificationError, NotificationScheme, NotificationVerifier};

use crate::support::*;

const PATH: &str = "/callbacks/v1.0/debit/notify?src=gopay";
const BODY: &[u8] = br#"{ "originalReferenceNo": "A1", "latestTransactionStatus": "00" }"#;

fn headers(ts: &str, sig: &str) -> HeaderMap {
    let mut h = HeaderMap::new();
    h.insert("x-timestamp", ts.parse().unwrap());
    h.insert("x-signature", sig.parse().unwrap());
    h
}

#[test]
fn rsa_over_method_path_hash_timestamp() {
    let ts = now();
    let sig = sign_asymmetric(&KEY, "POST", PATH, BODY, &ts).unwrap();
    let v = NotificationVerifier::new(NotificationScheme::RsaRequest(KEY.public_key().unwrap()));
    assert!(v.verify("POST", PATH, &headers(&ts, &sig), BODY).is_ok());
    let e = v
        .verify(
            "POST",
            "/callbacks/v1.0/debit/notify",
            &headers(&ts, &sig),
            BODY,
        )
        .unwrap_err();
    assert!(matches!(e, NotificationError::Signature(_)));
    assert_eq!(e.to_error_reply().http, 401);
    // Outside the window.
    let old = shifted(-3600);
    let sig = sign_asymmetric(&KEY, "POST", PATH, BODY, &old).unwrap();
    let e = v
        .verify("POST", PATH, &headers(&old, &sig), BODY)
        .unwrap_err();
    assert!(matches!(e, NotificationError::OutOfWindow { .. }), "{e}");
    assert!(
        v.clone()
            .without_window()
            .verify("POST", PATH, &headers(&old, &sig), BODY)
            .is_ok()
    );
}

#[test]
fn hmac_with_the_bearer_token() {
    let key = HmacKey::new(SECRET.as_bytes()).unwrap();
    let ts = now();
    let sig = sign_symmetric(&key, "POST", PATH, "tok-1", BODY, &ts).unwrap();
    let v = NotificationVerifier::new(NotificationScheme::Hmac(Box::new(key)));
    let mut h = headers(&ts, &sig);
    let e = v.verify("POST", PATH, &h, BODY).unwrap_err();
    assert_eq!(e, NotificationError::MissingHeader("Authorization"));
    h.insert("authorization", "Bearer tok-1".parse().unwrap());
    assert!(v.verify("POST", PATH, &h, BODY).is_ok());
    h.insert("authorization", "Bearer tok-2".parse().unwrap());
    assert!(v.verify("POST", PATH, &h, BODY).is_err());
}

#[test]
fn rsa_over_client_id_and_timestamp() {
    let ts = now();
    let sig = sign_token(&KEY, "merchant-9", &ts).unwrap();
    let v = NotificationVerifier::new(NotificationScheme::RsaClientId {
        key: KEY.public_key().unwrap(),
        client_id: "merchant-9".to_owned(),
    });
    assert!(v.verify("POST", PATH, &headers(&ts, &sig), BODY).is_ok());
    let other = sign_token(&KEY, "merchant-8", &ts).unwrap();
    assert!(v.verify("POST", PATH, &headers(&ts, &other), BODY).is_err());
    let e = v.verify("POST", PATH, &HeaderMap::new(), BODY).unwrap_err();
    assert_eq!(e, NotificationError::MissingHeader("X-TIMESTAMP"));
    assert_eq!(e.to_error_reply().case, 2);
    let bad = headers("yesterday", &sig);
    assert!(matches!(
        v.verify("POST", PATH, &bad, BODY).unwrap_err(),
        NotificationError::Timestamp(_)
    ));
}
