//! The provider side: bytes in -> typed request or the SNAP error answer.

use snap_core::endpoint::{RequestError, parse_request};
use snap_core::rules::Rule;

use crate::auth_void::{AuthVoidRequest, SAMPLE_REQUEST};

#[test]
fn the_sample_parses_and_validates() {
    let req = parse_request::<AuthVoidRequest>(SAMPLE_REQUEST.as_bytes()).unwrap();
    assert_eq!(req.partner_void_no, "310928924945645");
}

#[test]
fn a_missing_member_is_named_by_its_wire_path() {
    let body = SAMPLE_REQUEST.replace("\"partnerVoidNo\":\"310928924945645\",", "");
    let Err(RequestError::Invalid(v)) = parse_request::<AuthVoidRequest>(body.as_bytes()) else {
        panic!("expected violations")
    };
    let first = v.iter().next().unwrap();
    assert_eq!(
        (first.path.as_str(), &first.rule),
        ("partnerVoidNo", &Rule::Missing)
    );
}

#[test]
fn a_wrong_type_is_a_format_violation_at_its_path() {
    let body = SAMPLE_REQUEST.replace(
        "\"merchantId\":\"00007100010926\"",
        "\"merchantId\":7100010926",
    );
    let Err(RequestError::Invalid(v)) = parse_request::<AuthVoidRequest>(body.as_bytes()) else {
        panic!("expected violations")
    };
    let first = v.iter().next().unwrap();
    assert_eq!(first.path, "merchantId");
    assert!(matches!(first.rule, Rule::Format(_)));
}

#[test]
fn broken_json_is_not_a_field_violation() {
    let trailing = format!("{SAMPLE_REQUEST} x");
    for body in [&b"{\"a\":"[..], b"not json", trailing.as_bytes()] {
        assert!(
            matches!(
                parse_request::<AuthVoidRequest>(body),
                Err(RequestError::NotJson(_))
            ),
            "{}",
            String::from_utf8_lossy(body)
        );
    }
}

#[test]
fn every_rule_violation_is_returned_after_parsing() {
    let body = SAMPLE_REQUEST
        .replace("\"merchantId\":\"00007100010926\"", "\"merchantId\":\"\"")
        .replace(
            "\"subMerchantId\":\"310928924949487\"",
            &format!("\"subMerchantId\":\"{}\"", "1".repeat(40)),
        );
    let Err(RequestError::Invalid(v)) = parse_request::<AuthVoidRequest>(body.as_bytes()) else {
        panic!("expected violations")
    };
    let paths: Vec<&str> = v.iter().map(|v| v.path.as_str()).collect();
    assert_eq!(paths, ["merchantId", "subMerchantId"]);
}
