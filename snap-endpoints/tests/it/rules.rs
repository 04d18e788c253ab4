//! Every endpoint's request rules, driven from the registry: a missing
//! mandatory field is `400{SS}02` naming the wire field, an over-length field
//! `400{SS}01`, a one-of group with no member present is caught.
//!
//! The expected rules below are written from the documents' tables, not read
//! from the declarations, so a declaration that drifts from its document
//! fails here.

use serde_json::Value;
use snap_core::endpoint::RequestError;
use snap_core::rules::{Rule, Violation};
use snap_endpoints::registry::{self, EntryInfo};

use crate::common::{self, Edit};

/// Where a valid request comes from.
enum Sample {
    /// The document's own sample (`tests/fixtures/...`).
    File(&'static str),
    /// Built from the table, for the BI reference pages that publish no
    /// request sample (`seed_endpoints.json` has none for 31, 57, 77).
    Inline(&'static str),
}

/// What a document's request table says.
struct Expected {
    /// Registry name.
    endpoint: &'static str,
    /// A valid request.
    sample: Sample,
    /// Spelling fixes that turn the sample into the declared wire names.
    canonical: &'static [Edit],
    /// Mandatory members, dotted wire paths (`amount.value`: M inside an O
    /// container that the sample has).
    mandatory: &'static [&'static str],
    /// Members with a maximum length.
    max: &'static [(&'static str, usize)],
    /// One-of groups.
    one_of: &'static [&'static [&'static str]],
}

const TABLE: &[Expected] = &[
    Expected {
        endpoint: "Delete VA",
        sample: Sample::Inline(
            r#"{"partnerServiceId":"  088899","customerNo":"12345678901234567890",
                "virtualAccountNo":"  08889912345678901234567890",
                "trxId":"91919644194391346361915387229113","additionalInfo":{}}"#,
        ),
        canonical: &[],
        mandatory: &["partnerServiceId", "customerNo", "virtualAccountNo"],
        max: &[
            ("partnerServiceId", 8),
            ("customerNo", 20),
            ("virtualAccountNo", 28),
            ("trxId", 64),
        ],
        one_of: &[],
    },
    Expected {
        endpoint: "Direct Debit Cancel",
        sample: Sample::Inline(
            r#"{"originalPartnerReferenceNo":"2020102900000000000001",
                "originalReferenceNo":"2020102977770000000009","approvalCode":"123456",
                "originalExternalId":"30443786930722726463280097920912",
                "merchantId":"00007100010926","subMerchantId":"310928924949487",
                "reason":"cancel reason","externalStoreId":"124928924949487",
                "amount":{"value":"10000.00","currency":"IDR"},"additionalInfo":{}}"#,
        ),
        canonical: &[],
        mandatory: &[
            "originalPartnerReferenceNo",
            "amount.value",
            "amount.currency",
        ],
        max: &[
            ("originalPartnerReferenceNo", 64),
            ("originalReferenceNo", 64),
            ("approvalCode", 20),
            ("originalExternalId", 32),
            ("merchantId", 64),
            ("subMerchantId", 32),
            ("reason", 256),
            ("externalStoreId", 64),
        ],
        one_of: &[],
    },
    Expected {
        endpoint: "QR MPM Cancel",
        sample: Sample::Inline(
            r#"{"originalPartnerReferenceNo":"2020102900000000000001",
                "originalReferenceNo":"2020102977770000000009",
                "originalExternalId":"30443786930722726463280097920912",
                "merchantId":"00007100010926","subMerchantId":"310928924949487",
                "externalStoreId":"124928924949487","reason":"cancel reason",
                "amount":{"value":"10000.00","currency":"IDR"},"additionalInfo":{}}"#,
        ),
        canonical: &[],
        mandatory: &["merchantId", "reason", "amount.value", "amount.currency"],
        max: &[
            ("originalPartnerReferenceNo", 64),
            ("originalReferenceNo", 64),
            ("originalExternalId", 32),
            ("merchantId", 64),
            ("subMerchantId", 32),
            ("externalStoreId", 64),
            ("reason", 256),
        ],
        one_of: &[],
    },
    Expected {
        endpoint: "Access Token B2B",
        sample: Sample::File("bi/access_token_b2b.request.json"),
        canonical: &[],
        mandatory: &["grantType"],
        max: &[],
        one_of: &[],
    },
    Expected {
        endpoint: "Access Token B2B2C",
        sample: Sample::File("bi/access_token_b2b2c.request.json"),
        canonical: &[],
        mandatory: &["grantType"],
        max: &[("authCode", 256), ("refreshToken", 512)],
        one_of: &[],
    },
    Expected {
        endpoint: "Auth Payment",
        sample: Sample::File("bi/auth_payment.request.json"),
        canonical: &[],
        mandatory: &[
            "partnerReferenceNo",
            "merchantId",
            "title",
            "amount.value",
            "amount.currency",
        ],
        max: &[
            ("partnerReferenceNo", 64),
            ("merchantId", 64),
            ("subMerchantId", 32),
            ("feeType", 25),
            ("mcc", 32),
            ("productCode", 64),
            ("title", 256),
        ],
        one_of: &[],
    },
    Expected {
        endpoint: "Auth Payment Query",
        sample: Sample::File("bi/auth_query.request.json"),
        canonical: &[],
        mandatory: &[],
        max: &[
            ("originalPartnerReferenceNo", 64),
            ("originalReferenceNo", 64),
            ("merchantId", 64),
            ("subMerchantId", 32),
            ("externalStoreId", 64),
        ],
        one_of: &[&["originalPartnerReferenceNo", "originalReferenceNo"]],
    },
    Expected {
        endpoint: "Auth Capture",
        sample: Sample::File("bi/auth_capture.request.json"),
        canonical: &[],
        mandatory: &[
            "originalReferenceNo",
            "originalPartnerReferenceNo",
            "merchantId",
            "partnerCaptureNo",
            "title",
            "captureAmount.value",
            "captureAmount.currency",
        ],
        max: &[
            ("originalReferenceNo", 64),
            ("originalPartnerReferenceNo", 64),
            ("merchantId", 64),
            ("subMerchantId", 32),
            ("partnerCaptureNo", 64),
            ("title", 256),
            ("lastCapture", 8),
        ],
        one_of: &[],
    },
    Expected {
        endpoint: "Auth Capture Query",
        sample: Sample::File("bi/auth_capture_query.request.json"),
        canonical: &[],
        mandatory: &["originalReferenceNo", "merchantId", "partnerCaptureNo"],
        max: &[
            ("originalReferenceNo", 64),
            ("originalPartnerReferenceNo", 64),
            ("merchantId", 64),
            ("subMerchantId", 32),
            ("captureNo", 64),
            ("partnerCaptureNo", 64),
        ],
        one_of: &[],
    },
    Expected {
        endpoint: "Auth Void",
        sample: Sample::File("bi/auth_void.request.json"),
        canonical: &[],
        mandatory: &[
            "originalReferenceNo",
            "originalPartnerReferenceNo",
            "merchantId",
            "partnerVoidNo",
            "voidAmount.value",
            "voidAmount.currency",
        ],
        max: &[
            ("originalReferenceNo", 64),
            ("originalPartnerReferenceNo", 64),
            ("merchantId", 64),
            ("subMerchantId", 32),
            ("partnerVoidNo", 64),
            ("voidRemainingAmount", 8),
            ("reason", 256),
        ],
        one_of: &[],
    },
    Expected {
        endpoint: "Auth Void Query",
        sample: Sample::File("bi/auth_void_query.request.json"),
        canonical: &[],
        mandatory: &["originalReferenceNo", "merchantId", "partnerVoidNo"],
        max: &[
            ("originalReferenceNo", 64),
            ("originalPartnerReferenceNo", 64),
            ("merchantId", 64),
            ("subMerchantId", 32),
            ("voidNo", 64),
            ("partnerVoidNo", 64),
        ],
        one_of: &[],
    },
    Expected {
        endpoint: "Auth Refund",
        sample: Sample::File("bi/auth_refund.request.json"),
        canonical: &[],
        mandatory: &[
            "originalPartnerReferenceNo",
            "partnerRefundNo",
            "refundAmount.value",
            "refundAmount.currency",
        ],
        max: &[
            ("originalPartnerReferenceNo", 64),
            ("originalReferenceNo", 64),
            ("partnerRefundNo", 64),
            ("merchantId", 64),
            ("subMerchantId", 32),
            ("originalCaptureNo", 64),
            ("externalStoreId", 64),
            ("reason", 256),
        ],
        one_of: &[],
    },
    Expected {
        endpoint: "GoPay Delete VA",
        sample: Sample::File("gopay/delete_va.request.json"),
        canonical: &[Edit::Rename {
            parent: "additionalInfo",
            from: "merchant_id",
            to: "merchantId",
        }],
        mandatory: &[
            "partnerServiceId",
            "customerNo",
            "virtualAccountNo",
            "trxId",
            "additionalInfo.merchantId",
        ],
        max: &[
            ("partnerServiceId", 8),
            ("customerNo", 20),
            ("virtualAccountNo", 28),
            ("trxId", 64),
        ],
        one_of: &[],
    },
    Expected {
        endpoint: "GoPay Direct Debit Cancel",
        sample: Sample::File("gopay/debit_cancel.request.json"),
        canonical: &[],
        mandatory: &["originalPartnerReferenceNo"],
        max: &[
            ("originalReferenceNo", 64),
            ("originalExternalId", 36),
            ("originalPartnerReferenceNo", 64),
        ],
        one_of: &[&["originalReferenceNo", "originalExternalId"]],
    },
    Expected {
        endpoint: "GoPay Pre-Auth Void",
        sample: Sample::File("gopay/preauth_void.request.json"),
        canonical: &[
            Edit::Drop {
                parent: "",
                key: "title",
            },
            Edit::Rename {
                parent: "",
                from: "additionalData",
                to: "additionalInfo",
            },
        ],
        mandatory: &["originalPartnerReferenceNo", "merchantId", "partnerVoidNo"],
        max: &[
            ("originalReferenceNo", 64),
            ("originalPartnerReferenceNo", 64),
            ("merchantId", 64),
            ("partnerVoidNo", 64),
            ("reason", 256),
            ("additionalInfo.originalExternalId", 36),
        ],
        one_of: &[&["originalReferenceNo", "additionalInfo.originalExternalId"]],
    },
    Expected {
        endpoint: "GoPay QRIS MPM Cancel",
        sample: Sample::File("gopay/qris_cancel.request.json"),
        canonical: &[],
        mandatory: &["merchantId", "reason", "amount.value", "amount.currency"],
        max: &[
            ("originalPartnerReferenceNo", 64),
            ("originalReferenceNo", 64),
            ("originalExternalId", 36),
            ("merchantId", 64),
            ("subMerchantId", 32),
            ("externalStoreId", 64),
            ("reason", 256),
        ],
        one_of: &[&["originalReferenceNo", "originalExternalId"]],
    },
    Expected {
        endpoint: "Paydia Auth Void",
        sample: Sample::File("paydia/auth_void.request.json"),
        canonical: &[],
        mandatory: &[
            "originalPartnerReferenceNo",
            "originalReferenceNo",
            "merchantId",
            "partnerVoidNo",
            "voidAmount",
            "voidAmount.value",
            "voidAmount.currency",
            "reason",
        ],
        max: &[
            ("originalPartnerReferenceNo", 64),
            ("originalReferenceNo", 64),
            ("merchantId", 64),
            ("partnerVoidNo", 64),
            ("reason", 256),
        ],
        one_of: &[],
    },
    Expected {
        endpoint: "Ayopop Bill Cancel",
        sample: Sample::File("ayopop/bill_cancel.request.json"),
        canonical: &[],
        mandatory: &["partnerId", "account_number", "ref_number"],
        max: &[],
        one_of: &[],
    },
    Expected {
        // Every member optional, no lengths: nothing to break but the types.
        endpoint: "IPG VA Reversal",
        sample: Sample::File("ipg/va_reversal.request.json"),
        canonical: &[],
        mandatory: &[],
        max: &[],
        one_of: &[],
    },
];

fn expected_for(entry: &EntryInfo) -> &'static Expected {
    TABLE
        .iter()
        .find(|e| e.endpoint == entry.meta.name)
        .unwrap_or_else(|| {
            panic!(
                "no expected rules for registered endpoint {:?}",
                entry.meta.name
            )
        })
}

fn violations(entry: &EntryInfo, body: &Value) -> Vec<Violation> {
    match entry.validate(body.to_string().as_bytes()) {
        Ok(()) => Vec::new(),
        Err(RequestError::Invalid(v)) => v.into_vec(),
        Err(other) => panic!("{}: {other}", entry.meta.name),
    }
}

/// The code a SNAP provider answers, from the service code alone.
fn snap_code(entry: &EntryInfo, case: u8) -> Option<String> {
    entry
        .meta
        .service
        .map(|s| format!("400{:02}{case:02}", s.get()))
}

fn base(exp: &Expected) -> Value {
    let sample = match exp.sample {
        Sample::File(file) => common::value(file),
        Sample::Inline(json) => serde_json::from_str(json).expect("inline sample is JSON"),
    };
    common::apply(sample, exp.canonical)
}

/// The entries this table covers: the seed documents' declarations. The
/// other BI services are driven from the catalogue tables (`catalogue.rs`).
fn seed_entries() -> impl Iterator<Item = &'static EntryInfo> {
    registry::registry()
        .iter()
        .filter(|e| TABLE.iter().any(|t| t.endpoint == e.meta.name))
}

#[test]
fn every_registered_endpoint_has_expected_rules_and_a_valid_sample() {
    assert_eq!(seed_entries().count(), TABLE.len());
    for entry in registry::registry() {
        let in_table = TABLE.iter().any(|t| t.endpoint == entry.meta.name);
        assert!(
            in_table || entry.meta.provider == "BI",
            "{}: neither in this table nor a catalogue service",
            entry.meta.name
        );
    }
    for entry in seed_entries() {
        let exp = expected_for(entry);
        let v = violations(entry, &base(exp));
        assert!(v.is_empty(), "{}: sample is not valid: {v:?}", exp.endpoint);
    }
}

#[test]
fn a_missing_mandatory_field_is_case_02_naming_the_wire_field() {
    let mut checked = 0;
    for entry in seed_entries() {
        let exp = expected_for(entry);
        for path in exp.mandatory {
            let mut body = base(exp);
            common::remove(&mut body, path);
            let v = violations(entry, &body);
            assert_eq!(
                v,
                vec![Violation {
                    path: (*path).to_owned(),
                    rule: Rule::Missing
                }],
                "{}: without {path}",
                exp.endpoint
            );
            let answer = entry
                .answer_for(&snap_core::rules::Violations::one(v[0].clone()))
                .map(|b| (b.response_code, b.response_message));
            assert_eq!(
                answer,
                snap_code(entry, 2).map(|c| (c, format!("Invalid Mandatory Field {{{path}}}"))),
                "{}: without {path}",
                exp.endpoint
            );
            checked += 1;
        }
    }
    // Every SNAP request table has a mandatory member except Payment Query
    // (all O) and IPG (all O).
    assert!(checked >= 40, "only {checked} cases");
}

#[test]
fn an_empty_mandatory_string_counts_as_missing() {
    for entry in seed_entries() {
        let exp = expected_for(entry);
        for path in exp.mandatory {
            let mut body = base(exp);
            if !common::get(&body, path).is_some_and(Value::is_string) {
                continue;
            }
            // A currency "" is a malformed money object, not an empty field.
            if path.ends_with(".currency") || path.ends_with(".value") {
                continue;
            }
            common::set(&mut body, path, Value::from(""));
            let v = violations(entry, &body);
            assert_eq!(
                v,
                vec![Violation {
                    path: (*path).to_owned(),
                    rule: Rule::Missing
                }],
                "{}: {path} = \"\"",
                exp.endpoint
            );
        }
    }
}

#[test]
fn an_over_length_field_is_case_01_and_the_limit_itself_passes() {
    let mut checked = 0;
    for entry in seed_entries() {
        let exp = expected_for(entry);
        for &(path, max) in exp.max {
            // Digits satisfy every `digits` rule, so only the length breaks.
            let mut body = base(exp);
            common::set(&mut body, path, Value::from("1".repeat(max)));
            assert_eq!(
                violations(entry, &body),
                vec![],
                "{}: {path} at {max}",
                exp.endpoint
            );

            common::set(&mut body, path, Value::from("1".repeat(max + 1)));
            let v = violations(entry, &body);
            assert_eq!(
                v,
                vec![Violation {
                    path: path.to_owned(),
                    rule: Rule::MaxChars {
                        max,
                        actual: max + 1
                    }
                }],
                "{}: {path} at {}",
                exp.endpoint,
                max + 1
            );
            let answer = entry
                .answer_for(&snap_core::rules::Violations::one(v[0].clone()))
                .map(|b| (b.response_code, b.response_message));
            assert_eq!(
                answer,
                snap_code(entry, 1).map(|c| (c, format!("Invalid Field Format {{{path}}}"))),
                "{}: {path}",
                exp.endpoint
            );
            checked += 1;
        }
    }
    assert!(checked >= 60, "only {checked} cases");
}

#[test]
fn a_one_of_group_with_no_member_is_caught() {
    let mut checked = 0;
    for entry in seed_entries() {
        let exp = expected_for(entry);
        for group in exp.one_of {
            // Each member alone satisfies the group.
            for keep in *group {
                let mut body = base(exp);
                for other in group.iter().filter(|m| *m != keep) {
                    if common::get(&body, other).is_some() {
                        common::remove(&mut body, other);
                    }
                }
                assert_eq!(
                    violations(entry, &body),
                    vec![],
                    "{}: only {keep}",
                    exp.endpoint
                );
            }
            let mut body = base(exp);
            for member in *group {
                common::remove(&mut body, member);
            }
            let v = violations(entry, &body);
            assert_eq!(v.len(), 1, "{}: {v:?}", exp.endpoint);
            assert_eq!(v[0].path, group[0], "{}", exp.endpoint);
            match &v[0].rule {
                Rule::OneOf { members, .. } => assert_eq!(members.as_slice(), *group),
                other => panic!("{}: {other:?}", exp.endpoint),
            }
            let answer = entry
                .answer_for(&snap_core::rules::Violations::one(v[0].clone()))
                .map(|b| (b.response_code, b.response_message));
            assert_eq!(answer.map(|a| a.0), snap_code(entry, 2), "{}", exp.endpoint);
            checked += 1;
        }
    }
    assert_eq!(checked, 4, "Payment Query, GoPay 57, 67, 77");
}

#[test]
fn b2b2c_auth_code_and_refresh_token_follow_the_grant_type() {
    let entry = registry::find("BI:74").unwrap();
    let exp = expected_for(entry);
    let cases = [
        ("AUTHORIZATION_CODE", "authCode", true),
        ("authorization_code", "authCode", true),
        ("REFRESH_TOKEN", "authCode", false),
        ("REFRESH_TOKEN", "refreshToken", true),
        ("refresh_token", "refreshToken", true),
        ("AUTHORIZATION_CODE", "refreshToken", false),
    ];
    for (grant, removed, caught) in cases {
        let mut body = base(exp);
        common::set(&mut body, "grantType", Value::from(grant));
        common::remove(&mut body, removed);
        let v = violations(entry, &body);
        if caught {
            assert_eq!(v.len(), 1, "{grant} without {removed}: {v:?}");
            assert_eq!(v[0].path, removed);
            assert!(matches!(
                v[0].rule,
                Rule::RequiredIf {
                    field: "grantType",
                    ..
                }
            ));
            let answer = entry
                .answer_for(&snap_core::rules::Violations::one(v[0].clone()))
                .map(|b| (b.response_code, b.response_message));
            assert_eq!(
                answer,
                Some((
                    "4007402".to_owned(),
                    format!("Invalid Mandatory Field {{{removed}}}")
                ))
            );
        } else {
            assert_eq!(v, vec![], "{grant} without {removed}");
        }
    }
}

#[test]
fn a_wrong_json_type_is_a_format_violation() {
    let entry = registry::find("BI:67").unwrap();
    let exp = expected_for(entry);
    let mut body = base(exp);
    common::set(&mut body, "merchantId", Value::from(12345));
    let v = violations(entry, &body);
    assert_eq!(v.len(), 1, "{v:?}");
    assert!(!v[0].rule.is_missing(), "{v:?}");
    let answer = entry
        .answer_for(&snap_core::rules::Violations::one(v[0].clone()))
        .map(|b| (b.response_code, b.response_message));
    assert_eq!(answer.map(|a| a.0), Some("4006701".to_owned()));
}

#[test]
fn digits_only_customer_no() {
    let entry = registry::find("GoPay:31").unwrap();
    let exp = expected_for(entry);
    let mut body = base(exp);
    common::set(&mut body, "customerNo", Value::from("12345A"));
    assert_eq!(
        violations(entry, &body),
        vec![Violation {
            path: "customerNo".to_owned(),
            rule: Rule::Digits
        }]
    );
}

#[test]
fn non_snap_endpoints_report_violations_without_a_snap_code() {
    let entry = registry::find("Ayopop Bill Cancel").unwrap();
    let exp = expected_for(entry);
    let mut body = base(exp);
    common::remove(&mut body, "ref_number");
    let v = violations(entry, &body);
    assert_eq!(v.len(), 1);
    assert_eq!(entry.code_for(&v[0]), None);
    assert_eq!(
        entry.answer_for(&snap_core::rules::Violations::one(v[0].clone())),
        None
    );
}
