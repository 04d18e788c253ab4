//! The registry: built from each type's META, unique names and keys, lookup
//! rules, sandbox paths.

use snap_core::endpoint::{Endpoint, Method, RequestError, parse_request};
use snap_core::sign::AccessToken;
use snap_endpoints::ayopop::AyopopSignature;
use snap_endpoints::ipg::IpgSignature;
use snap_endpoints::registry::{self, find};
use snap_endpoints::{ayopop, bi, gopay, ipg, paydia};

#[test]
fn entries_are_the_declarations_meta() {
    let all = registry::registry();
    // The BI standard first: the 81 services, by service code.
    let bi_services: Vec<u8> = all[..81]
        .iter()
        .map(|e| {
            assert_eq!(e.meta.provider, "BI", "{}", e.meta.name);
            e.meta.service.expect("a SNAP service").get()
        })
        .collect();
    assert_eq!(bi_services, (1..=81).collect::<Vec<u8>>());
    // The hand-written BI declarations are among them, as declared.
    for meta in [
        bi::DeleteVaRequest::META,
        bi::DebitCancelRequest::META,
        bi::AuthPaymentRequest::META,
        bi::AuthQueryRequest::META,
        bi::AuthCaptureRequest::META,
        bi::AuthCaptureQueryRequest::META,
        bi::AuthVoidRequest::META,
        bi::AuthVoidQueryRequest::META,
        bi::AuthRefundRequest::META,
        bi::AccessTokenB2bRequest::META,
        bi::AccessTokenB2b2cRequest::META,
        bi::QrMpmCancelRequest::META,
        bi::va::VaInquiryRequest::META,
    ] {
        let service = meta.service.expect("a SNAP service").get();
        assert_eq!(all[usize::from(service) - 1].meta, meta, "{}", meta.name);
    }
    // Then the providers.
    let metas = [
        gopay::DeleteVaRequest::META,
        gopay::DebitCancelRequest::META,
        gopay::PreAuthVoidRequest::META,
        gopay::QrisCancelRequest::META,
        paydia::AuthVoidRequest::META,
        ayopop::BillCancelRequest::META,
        ipg::VaReversalRequest::META,
    ];
    let got: Vec<_> = all[81..].iter().map(|e| e.meta).collect();
    assert_eq!(got, metas);
}

#[test]
fn names_and_provider_service_keys_are_unique() {
    let all = registry::registry();
    for (i, a) in all.iter().enumerate() {
        for b in &all[i + 1..] {
            assert_ne!(a.meta.name.to_lowercase(), b.meta.name.to_lowercase());
            if a.key().is_some() {
                assert_ne!(
                    a.key().map(|k| k.to_lowercase()),
                    b.key().map(|k| k.to_lowercase())
                );
            }
            assert_ne!(
                a.sandbox_path, b.sandbox_path,
                "{} / {}",
                a.meta.name, b.meta.name
            );
        }
    }
}

#[test]
fn lookup_by_name_ignores_case_spaces_dashes_and_underscores() {
    for q in [
        "GoPay Pre-Auth Void",
        "gopay pre-auth void",
        "GOPAY_PRE_AUTH_VOID",
        "gopay-preauth-void",
    ] {
        assert_eq!(find(q).unwrap().meta.name, "GoPay Pre-Auth Void", "{q}");
    }
    assert_eq!(find("auth void").unwrap().meta.provider, "BI");
    assert_eq!(
        find("Auth Void Query").unwrap().meta.service.unwrap().get(),
        68
    );
}

#[test]
fn lookup_by_provider_and_service() {
    assert_eq!(find("BI:67").unwrap().meta.name, "Auth Void");
    assert_eq!(find("gopay:67").unwrap().meta.name, "GoPay Pre-Auth Void");
    assert_eq!(find("Paydia:067").unwrap().meta.name, "Paydia Auth Void");
    assert_eq!(find("GoPay:31").unwrap().meta.name, "GoPay Delete VA");
    assert!(find("bi:73").unwrap().meta.signature.is::<AccessToken>());
    let err = find("GoPay:63").unwrap_err();
    assert!(err.known.iter().any(|k| k == "GoPay:67"), "{err}");
    assert!(err.known.iter().any(|k| k == "IPG VA Reversal"), "{err}");
    assert!(find("").is_err());
    assert!(find(":").is_err());
}

#[test]
fn sandbox_paths_keep_bi_and_prefix_providers() {
    let path = |q: &str| find(q).unwrap().sandbox_path.clone();
    assert_eq!(path("BI:67"), "/v1.0/auth/void");
    assert_eq!(path("BI:31"), "/v1.0/transfer-va/delete-va");
    assert_eq!(path("GoPay:67"), "/gopay/v1.0/auth/void");
    assert_eq!(path("Paydia:67"), "/paydia/v1.0/auth/void");
    assert_eq!(path("GoPay:31"), "/gopay/v1.0/transfer-va/delete-va");
    assert_eq!(path("Ayopop Bill Cancel"), "/ayopop/api/v2/bill/cancel");
    assert_eq!(path("IPG VA Reversal"), "/ipg/reversal");
}

#[test]
fn declared_methods_signatures_and_tokens() {
    // The generated BI services are checked against the catalogue in
    // `catalogue.rs`; here the seed documents' declarations.
    let hand_written = [31, 57, 63, 64, 65, 66, 67, 68, 69, 73, 74, 77];
    let seed = registry::registry().iter().filter(|e| {
        e.meta.provider != "BI"
            || e.meta
                .service
                .is_some_and(|s| hand_written.contains(&s.get()))
    });
    for e in seed {
        // BI's Delete VA is the only DELETE (with a JSON body); Midtrans
        // uses POST for the same service.
        let method = if e.meta.name == "Delete VA" {
            Method::Delete
        } else {
            Method::Post
        };
        assert_eq!(e.meta.method, method, "{}", e.meta.name);
        assert!(e.meta.path.starts_with('/'), "{}", e.meta.name);
        let b2b2c = e.meta.provider == "BI"
            && (e.meta.path.starts_with("/v1.0/auth/") || e.meta.path == "/v1.0/debit/cancel")
            || e.meta.provider == "Paydia";
        assert_eq!(e.meta.customer_token, b2b2c, "{}", e.meta.name);
    }
    assert!(
        find("Ayopop Bill Cancel")
            .unwrap()
            .meta
            .signature
            .is::<AyopopSignature>()
    );
    assert!(
        find("IPG VA Reversal")
            .unwrap()
            .meta
            .signature
            .is::<IpgSignature>()
    );
    assert_eq!(find("Ayopop Bill Cancel").unwrap().meta.service, None);
    assert_eq!(
        find("Ayopop Bill Cancel").unwrap().meta.code_scheme.field,
        "responseCode"
    );
    assert_eq!(
        find("IPG VA Reversal").unwrap().meta.code_scheme.field,
        "rc"
    );
}

#[test]
fn not_json_is_told_apart_from_invalid() {
    let entry = find("BI:67").unwrap();
    assert!(matches!(
        entry.validate(b"{\"a\":"),
        Err(RequestError::NotJson(_))
    ));
    assert!(matches!(
        entry.validate(b"{}"),
        Err(RequestError::Invalid(_))
    ));
}

#[test]
fn every_violation_is_reported_not_only_the_first_serde_error() {
    // A refused currency, a missing money value and six missing members: serde
    // alone stops at the first; the registry goes on past each of them.
    let body = br#"{"voidAmount":{"currency":"IDRX"},"voidTime":5}"#;
    let got = match find("Paydia:67").unwrap().validate(body) {
        Err(RequestError::Invalid(v)) => v.into_vec(),
        other => panic!("{other:?}"),
    };
    let paths: Vec<(&str, bool)> = got
        .iter()
        .map(|v| (v.path.as_str(), v.rule.is_missing()))
        .collect();
    assert_eq!(
        paths,
        [
            ("voidAmount.currency", false),
            ("voidAmount.value", true),
            ("originalPartnerReferenceNo", true),
            ("originalReferenceNo", true),
            ("merchantId", true),
            ("partnerVoidNo", true),
            ("reason", true),
        ]
    );
}

#[test]
fn a_missing_container_is_reported_once_not_with_its_members() {
    let body = br#"{"originalPartnerReferenceNo":"a","originalReferenceNo":"b","merchantId":"m","partnerVoidNo":"v","reason":"r"}"#;
    let got = match find("Paydia:67").unwrap().validate(body) {
        Err(RequestError::Invalid(v)) => v.into_vec(),
        other => panic!("{other:?}"),
    };
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].path, "voidAmount");
    assert!(got[0].rule.is_missing());
}

#[test]
fn a_body_must_be_an_object() {
    for body in [&b"[1,2]"[..], b"\"x\"", b"null", b"42"] {
        match find("GoPay:31").unwrap().validate(body) {
            Err(RequestError::Invalid(v)) => {
                assert_eq!(v.len(), 1);
                assert_eq!(v.primary().path, "");
                assert!(!v.primary().rule.is_missing());
            }
            other => panic!("{}: {other:?}", String::from_utf8_lossy(body)),
        }
    }
}

#[test]
fn a_typed_request_comes_back_only_when_valid() {
    let ok = parse_request::<paydia::AuthVoidRequest>(
        br#"{"originalPartnerReferenceNo":"a","originalReferenceNo":"b","merchantId":"m",
             "partnerVoidNo":"v","reason":"r","voidAmount":{"value":"3000.00","currency":"IDR"}}"#,
    )
    .expect("valid");
    assert_eq!(ok.void_amount.to_string(), "3000.00 IDR");
    assert!(parse_request::<paydia::AuthVoidRequest>(br#"{"reason":"r"}"#).is_err());
}
