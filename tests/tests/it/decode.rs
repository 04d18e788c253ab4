//! Decoding answers to Auth Void: the seed's success sample, provider typos,
//! and disagreements between the HTTP status and the responseCode.

use snap_core::endpoint::{Answer, AnswerCode, DecodeError, DecodeWarning, decode_response};

use crate::auth_void::{AuthVoidRequest, SAMPLE_RESPONSE};

#[test]
fn success_sample_decodes_to_the_typed_response() {
    let d = decode_response::<AuthVoidRequest>(200, SAMPLE_RESPONSE.as_bytes()).unwrap();
    assert!(d.warnings.is_empty(), "{:?}", d.warnings);
    assert_eq!(d.code.to_string(), "2006700");
    assert_eq!(
        d.message.as_deref(),
        Some("Request has been processed successfully")
    );
    let Answer::Success(r) = d.answer else {
        panic!("expected success")
    };
    assert_eq!(r.void_no.as_deref(), Some("202010173821904898012234423"));
    assert_eq!(r.partner_void_no, "310928924945645");
    assert_eq!(
        r.void_time.map(|t| t.as_str().to_owned()).as_deref(),
        Some("2009-07-03T12:08:56+07:00")
    );
}

#[test]
fn an_eight_digit_code_is_a_clear_error_not_a_guess() {
    // GoPay's sample for service 67 carries "20054000".
    let body = SAMPLE_RESPONSE.replace("\"2006700\"", "\"20067000\"");
    let err = decode_response::<AuthVoidRequest>(200, body.as_bytes()).unwrap_err();
    match &err {
        DecodeError::MalformedCode {
            raw,
            field,
            http_status,
            ..
        } => {
            assert_eq!(raw, "20067000");
            assert_eq!(*field, "responseCode");
            assert_eq!(*http_status, 200);
        }
        other => panic!("unexpected {other:?}"),
    }
    let text = err.to_string();
    assert!(text.contains("20067000"), "{text}");
}

#[test]
fn http_success_with_a_failure_code_is_a_contradiction() {
    let body =
        br#"{"responseCode":"4006701","responseMessage":"Invalid Field Format {partnerVoidNo}"}"#;
    let err = decode_response::<AuthVoidRequest>(200, body).unwrap_err();
    assert_eq!(
        err,
        DecodeError::Contradiction {
            http_status: 200,
            code: "4006701".into(),
            message: Some("Invalid Field Format {partnerVoidNo}".into())
        }
    );
    // And the other way round: HTTP failure, success code.
    let err = decode_response::<AuthVoidRequest>(500, SAMPLE_RESPONSE.as_bytes()).unwrap_err();
    assert!(
        matches!(
            err,
            DecodeError::Contradiction {
                http_status: 500,
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn error_answer_is_typed_and_smaller_mismatches_are_warnings() {
    let body = br#"{"responseCode":"4046701","responseMessage":"Transaction Not Found"}"#;
    let d = decode_response::<AuthVoidRequest>(400, body).unwrap();
    assert_eq!(
        d.warnings,
        vec![DecodeWarning::StatusMismatch {
            http_status: 400,
            code_status: 404
        }]
    );
    let Answer::Failure(e) = &d.answer else {
        panic!("expected failure")
    };
    assert_eq!(e.http_status, 400);
    assert_eq!(e.message.as_deref(), Some("Transaction Not Found"));
    assert!(matches!(e.code, AnswerCode::Snap(_)));
    assert!(d.into_result().is_err());
}

#[test]
fn a_code_for_another_service_is_reported() {
    // GoPay's list has 4036515 for a void (67).
    let body = br#"{"responseCode":"4036515","responseMessage":"Transaction Expired"}"#;
    let d = decode_response::<AuthVoidRequest>(403, body).unwrap();
    assert_eq!(d.warnings.len(), 1);
    assert!(
        matches!(&d.warnings[0], DecodeWarning::ServiceMismatch { expected, got }
            if expected.to_string() == "67" && got.to_string() == "65"),
        "{:?}",
        d.warnings
    );
}

#[test]
fn a_bare_json_number_code_is_accepted_and_noted() {
    // BI's VA samples send "responseCode":2003000.
    let body = SAMPLE_RESPONSE.replace("\"2006700\"", "2006700");
    let d = decode_response::<AuthVoidRequest>(200, body.as_bytes()).unwrap();
    assert_eq!(d.warnings, vec![DecodeWarning::NumericCode]);
    let r = d.into_result().unwrap();
    assert_eq!(r.response_code, "2006700");
}

#[test]
fn a_success_body_that_breaks_field_rules_is_kept_with_warnings() {
    let long = "9".repeat(65);
    let body = SAMPLE_RESPONSE.replace("202010173821904898012234423", &long);
    let d = decode_response::<AuthVoidRequest>(200, body.as_bytes()).unwrap();
    assert!(d.is_success());
    assert_eq!(d.warnings.len(), 1);
    assert!(
        matches!(&d.warnings[0], DecodeWarning::InvalidField(v) if v.path == "voidNo"),
        "{:?}",
        d.warnings
    );
}

#[test]
fn garbage_and_wrong_shapes_are_errors() {
    assert!(matches!(
        decode_response::<AuthVoidRequest>(200, b"<html>502</html>"),
        Err(DecodeError::NotJson {
            http_status: 200,
            ..
        })
    ));
    assert!(matches!(
        decode_response::<AuthVoidRequest>(200, b"[1,2]"),
        Err(DecodeError::NotJson { .. })
    ));
    // Success code, but a mandatory member is absent.
    let err = decode_response::<AuthVoidRequest>(
        200,
        br#"{"responseCode":"2006700","responseMessage":"ok"}"#,
    )
    .unwrap_err();
    assert!(
        matches!(&err, DecodeError::Body { code, .. } if code == "2006700"),
        "{err:?}"
    );
    assert!(err.to_string().contains("partnerVoidNo"), "{err}");
}
