//! The documented response-code lists (`*.codes.json`): each error code
//! decodes through the endpoint's own decoding with the right HTTP status and
//! service; the documented typos are reported, not accepted silently.

use serde_json::{Value, json};
use snap_core::code::ResponseCode;
use snap_core::endpoint::{Answer, DecodeWarning, Endpoint, decode_response};
use snap_endpoints::{gopay, paydia};

use crate::common;

/// Decodes every non-2xx entry of `file` as an error answer of `E` and returns
/// the codes whose decoding carried a warning, with the warnings.
fn check_list<E: Endpoint>(file: &str) -> Vec<(String, Vec<DecodeWarning>)> {
    let list = common::value(file);
    let entries = list.as_array().expect("a list");
    assert!(!entries.is_empty());
    let mut flagged = Vec::new();
    for entry in entries {
        let code = entry["code"].as_str().expect("code");
        let http = entry["http"].as_u64().expect("http") as u16;
        let parsed = ResponseCode::parse(code).unwrap_or_else(|e| panic!("{file} {code}: {e}"));
        assert_eq!(parsed.http_status(), http, "{file} {code}");
        if (200..300).contains(&http) {
            assert_eq!(Some(parsed.service()), E::META.service, "{file} {code}");
            continue;
        }
        let body = json!({
            "responseCode": code,
            "responseMessage": entry["message"].clone(),
        });
        let decoded = decode_response::<E>(http, body.to_string().as_bytes())
            .unwrap_or_else(|e| panic!("{file} {code}: {e}"));
        match &decoded.answer {
            Answer::Failure(err) => {
                assert_eq!(err.snap_code(), Some(&parsed), "{file} {code}");
                assert_eq!(err.message.as_deref(), entry["message"].as_str());
            }
            Answer::Success(_) => panic!("{file} {code}: decoded as success"),
        }
        if !decoded.warnings.is_empty() {
            flagged.push((code.to_owned(), decoded.warnings));
        }
    }
    flagged
}

#[test]
fn gopay_direct_debit_cancel_codes_all_name_service_57() {
    assert_eq!(
        check_list::<gopay::DebitCancelRequest>("gopay/debit_cancel.codes.json"),
        vec![]
    );
}

#[test]
fn gopay_pre_auth_void_list_has_a_service_65_code() {
    let flagged = check_list::<gopay::PreAuthVoidRequest>("gopay/preauth_void.codes.json");
    assert_eq!(flagged.len(), 1, "{flagged:?}");
    let (code, warnings) = &flagged[0];
    assert_eq!(code, "4036515");
    match warnings.as_slice() {
        [DecodeWarning::ServiceMismatch { expected, got }] => {
            assert_eq!(expected.to_string(), "67");
            assert_eq!(got.to_string(), "65");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn paydia_auth_void_codes_all_name_service_67() {
    let list: Value = common::value("paydia/auth_void.codes.json");
    assert_eq!(list.as_array().map(Vec::len), Some(12));
    assert_eq!(
        check_list::<paydia::AuthVoidRequest>("paydia/auth_void.codes.json"),
        vec![]
    );
}
