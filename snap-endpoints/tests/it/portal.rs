//! Every sample request and response of the BI portal (ASPI SNAP Developer
//! Site, `tests/catalogue/aspi-portal`) as a fixture (`tests/fixtures/bi`,
//! `NOTES-bi.md`): it deserializes into its declared type, validates clean
//! or reports exactly the defect the document contains, and re-serializes to
//! the same JSON value, or differs exactly as listed (numbers read by
//! `accept_number` written as strings, aliases written in the table's
//! spelling, undeclared keys left out).
//!
//! What to expect per fixture is `tests/fixtures/bi/expected.json`, written
//! by `scripts/gen-catalogue/gen.py` from the catalogue tables; the test
//! runs the declarations (through the registry, so the type-erased paths
//! `snap validate` takes are the ones proven).

use std::collections::BTreeSet;

use serde::Deserialize;
use serde_json::Value;
use snap_core::endpoint::{Endpoint, RequestError, StatusQueried, Validate};
use snap_core::rules::Rule;
use snap_endpoints::bi;
use snap_endpoints::registry::{self, Body, EntryInfo};

use crate::common;

#[derive(Debug, Deserialize)]
struct Expected {
    file: String,
    service: u8,
    #[serde(rename = "type")]
    side: String,
    expected_violations: Vec<ExpectedViolation>,
    parse_fails: bool,
    reserialize: Vec<Reserialize>,
}

#[derive(Debug, Deserialize, PartialEq, Eq, PartialOrd, Ord, Clone)]
struct ExpectedViolation {
    path: String,
    rule: String,
}

/// A documented difference of the written-back value (`at`: the object's
/// path, as members and array indices).
#[derive(Debug, Deserialize)]
struct Reserialize {
    at: Vec<Value>,
    edit: String,
    #[serde(default)]
    key: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

fn expected() -> Vec<Expected> {
    serde_json::from_value(common::value("bi/expected.json")).expect("expected.json")
}

fn entry(service: u8) -> &'static EntryInfo {
    registry::find(&format!("BI:{service}")).expect("every BI service is registered")
}

/// The rule's name as expected.json writes it.
fn rule_name(rule: &Rule) -> &'static str {
    match rule {
        Rule::Missing => "missing",
        Rule::MaxChars { .. } | Rule::MaxDigits { .. } => "max",
        Rule::LenChars { .. } | Rule::LenDigits { .. } => "len",
        Rule::Digits => "digits",
        Rule::OneOf { .. } => "one_of",
        Rule::RequiredIf { .. } => "required_if",
        Rule::Format(_) => "format",
        _ => "other",
    }
}

fn found_violations(e: &Expected, entry: &EntryInfo, bytes: &[u8]) -> BTreeSet<ExpectedViolation> {
    let result = if e.side == "request" {
        entry.validate(bytes)
    } else {
        entry.validate_response(bytes)
    };
    match result {
        Ok(()) => BTreeSet::new(),
        Err(RequestError::Invalid(v)) => v
            .iter()
            .map(|v| ExpectedViolation {
                path: v.path.clone(),
                rule: rule_name(&v.rule).to_owned(),
            })
            .collect(),
        Err(other) => panic!("{}: {other}", e.file),
    }
}

fn step<'a>(v: &'a mut Value, seg: &Value) -> &'a mut Value {
    match seg {
        Value::String(k) => v.get_mut(k.as_str()),
        Value::Number(i) => v.get_mut(i.as_u64().expect("an index") as usize),
        _ => None,
    }
    .unwrap_or_else(|| panic!("no {seg} on the edit's path"))
}

/// The sample with the documented edits applied: what the declaration
/// must write back.
fn apply(mut v: Value, edits: &[Reserialize]) -> Value {
    for edit in edits {
        match edit.edit.as_str() {
            "to_string" | "to_number" => {
                let target = edit.at.iter().fold(&mut v, step);
                *target = match (&edit.edit[..], &*target) {
                    ("to_string", Value::Number(n)) => Value::String(n.to_string()),
                    ("to_number", Value::String(s)) => {
                        Value::from(s.parse::<u64>().expect("a string of digits"))
                    }
                    other => panic!("edit {other:?} does not apply"),
                };
            }
            "rename" | "drop" => {
                let object = edit
                    .at
                    .iter()
                    .fold(&mut v, step)
                    .as_object_mut()
                    .expect("an object");
                if edit.edit == "rename" {
                    let moved = object.remove(&edit.from).expect("the aliased key");
                    object.insert(edit.to.clone(), moved);
                } else {
                    object.remove(&edit.key).expect("the dropped key");
                }
            }
            other => panic!("unknown edit {other}"),
        }
    }
    v
}

#[test]
fn every_portal_sample_validates_as_documented_and_round_trips() {
    let all = expected();
    // 143 portal samples + the 17 that the seed documents gave first.
    assert_eq!(all.len(), 160);
    let mut clean = 0;
    let mut edited = 0;
    for e in &all {
        let entry = entry(e.service);
        let bytes = common::bytes(&e.file);
        let want: BTreeSet<ExpectedViolation> = e.expected_violations.iter().cloned().collect();
        let got = found_violations(e, entry, &bytes);
        assert_eq!(got, want, "{}: violations", e.file);
        if want.is_empty() {
            clean += 1;
        }
        let side = if e.side == "request" {
            Body::Request
        } else {
            Body::Response
        };
        match entry.reserialize(side, &bytes) {
            Err(err) => assert!(e.parse_fails, "{}: does not deserialize: {err}", e.file),
            Ok(back) => {
                assert!(!e.parse_fails, "{}: deserialized, expected not to", e.file);
                let want = apply(common::value(&e.file), &e.reserialize);
                assert_eq!(back, want, "{}: written back", e.file);
                edited += usize::from(!e.reserialize.is_empty());
            }
        }
    }
    // What the generator's report counts; a change here is a change of the
    // declarations or of the samples, to be looked at.
    assert!(clean >= 140, "{clean} clean samples");
    assert!(edited > 0);
}

/// Wire drift (catalogue README §2): `channelCode` a number in the table and
/// a string in samples, `paymentType` / `customerNo` strings sent as numbers;
/// both forms are read, the documented one is written.
#[test]
fn drifting_json_types_are_read_in_both_forms_and_written_in_the_documented_one() {
    let va = entry(24);
    let mut base = common::value("bi/24_va_inquiry.request.json");
    // The sample sends channelCode as the number 6011 (table: Number(4)).
    assert_eq!(base["channelCode"], Value::from(6011));
    // Its partnerServiceId has 7 characters (a documented defect): 8 here.
    base["partnerServiceId"] = Value::from("  088899");
    for (member, sent, written) in [
        ("channelCode", Value::from("6011"), Value::from(6011)),
        ("channelCode", Value::from(6011), Value::from(6011)),
        (
            "customerNo",
            Value::from(12345678901234567890u64),
            Value::from("12345678901234567890"),
        ),
        (
            "customerNo",
            Value::from("12345678901234567890"),
            Value::from("12345678901234567890"),
        ),
    ] {
        let mut body = base.clone();
        body[member] = sent.clone();
        let bytes = body.to_string();
        assert_eq!(va.validate(bytes.as_bytes()), Ok(()), "{member} = {sent}");
        let back = va.reserialize(Body::Request, bytes.as_bytes()).unwrap();
        assert_eq!(back[member], written, "{member} = {sent}");
    }
    // A string that is not digits is refused at the member, not misread.
    let mut body = base.clone();
    body["channelCode"] = Value::from("60x1");
    match va.validate(body.to_string().as_bytes()) {
        Err(RequestError::Invalid(v)) => {
            assert_eq!(
                v.iter().map(|v| v.path.as_str()).collect::<Vec<_>>(),
                ["channelCode"]
            );
        }
        other => panic!("{other:?}"),
    }
    // paymentType: String(1) sent as the number 1 by VA Payment's sample.
    let pay = entry(25);
    let sample = common::value("bi/25_va_payment.request.json");
    assert_eq!(sample["paymentType"], Value::from(1));
    let back = pay
        .reserialize(Body::Request, sample.to_string().as_bytes())
        .unwrap();
    assert_eq!(back["paymentType"], Value::from("1"));
    // pageSize / pageNumber: Number in the table, strings in samples.
    let history = entry(12);
    for value in [Value::from("10"), Value::from(10)] {
        let mut body = common::value("bi/12_transaction_history_list.request.json");
        body["pageSize"] = value.clone();
        let back = history
            .reserialize(Body::Request, body.to_string().as_bytes())
            .unwrap();
        assert_eq!(back["pageSize"], Value::from(10), "pageSize = {value}");
    }
}

/// Services the bank or provider calls on the partner are declared inbound.
#[test]
fn callbacks_are_declared_inbound() {
    use snap_core::endpoint::Direction;
    let inbound: Vec<u8> = registry::registry()
        .iter()
        .filter(|e| e.meta.provider == "BI" && e.meta.direction == Direction::Inbound)
        .filter_map(|e| e.meta.service.map(|s| s.get()))
        .collect();
    assert_eq!(inbound, [21, 24, 25, 34, 41, 52, 56, 72, 75, 76, 79]);
    assert_eq!(bi::va::VaInquiryRequest::META.direction, Direction::Inbound);
    assert_eq!(bi::va::VaPaymentRequest::META.direction, Direction::Inbound);
    assert_eq!(
        bi::mpm::QrMpmNotifyRequest::META.direction,
        Direction::Inbound
    );
    assert_eq!(
        bi::direct_debit::DebitNotifyRequest::META.direction,
        Direction::Inbound
    );
    assert_eq!(bi::va::VaStatusRequest::META.direction, Direction::Outbound);
}

/// Secrets are `SecretString`: a request's Debug output never shows them.
#[test]
fn secrets_are_redacted_in_debug_output() {
    let inquiry: bi::va::VaInquiryRequest = serde_json::from_value(serde_json::json!({
        "partnerServiceId": "   12345", "customerNo": "1", "virtualAccountNo": "   123451",
        "inquiryRequestId": "r", "passApp": "pass-app-secret-value"
    }))
    .unwrap();
    let debug = format!("{inquiry:?}");
    assert!(!debug.contains("pass-app-secret-value"), "{debug}");
    let mut sample = common::value("bi/54_debit_payment.request.json");
    assert!(sample["otp"].is_string(), "the sample has an otp");
    let otp = "otp-value-4711";
    sample["otp"] = Value::from(otp);
    let payment: bi::direct_debit::DebitPaymentRequest = serde_json::from_value(sample).unwrap();
    let debug = format!("{payment:?}");
    assert!(!debug.contains(otp), "{debug}");
    // And the wire still carries the value.
    assert!(serde_json::to_string(&payment).unwrap().contains(otp));
}

/// One status query per operation, built from the portal sample of the
/// operation: it validates, and carries the operation's identifiers.
#[test]
fn status_queries_carry_the_operations_identifiers() {
    fn check<E>(file: &str, code: Option<&str>, copied: &[(&str, &str)])
    where
        E: StatusQueried + serde::de::DeserializeOwned + serde::Serialize,
    {
        let original: E =
            serde_json::from_slice(&common::bytes(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        let query = original
            .status_query()
            .unwrap_or_else(|| panic!("{file}: no status query"));
        assert_eq!(query.validate(), Ok(()), "{file}: the query validates");
        let o = serde_json::to_value(&original).unwrap();
        let q = serde_json::to_value(&query).unwrap();
        if let Some(code) = code {
            assert_eq!(q["serviceCode"], Value::from(code), "{file}");
            assert_eq!(
                Some(code.parse::<u8>().unwrap()),
                E::META.service.map(|s| s.get()),
                "{file}: serviceCode names the operation"
            );
        }
        for (in_query, in_original) in copied {
            let want = common::get(&o, in_original)
                .unwrap_or_else(|| panic!("{file}: the sample has {in_original}"));
            assert_eq!(
                common::get(&q, in_query),
                Some(want),
                "{file}: {in_query} = {in_original}"
            );
        }
        assert_eq!(
            <E::Query as Endpoint>::META.provider,
            "BI",
            "{file}: a BI query"
        );
    }
    const REF: (&str, &str) = ("originalPartnerReferenceNo", "partnerReferenceNo");
    use bi::*;
    check::<trigger_transfer::IntrabankTransferRequest>(
        "bi/17_intrabank_transfer.request.json",
        Some("17"),
        &[
            REF,
            ("amount", "amount"),
            ("transactionDate", "transactionDate"),
        ],
    );
    check::<trigger_transfer::InterbankTransferRequest>(
        "bi/18_interbank_transfer.request.json",
        Some("18"),
        &[REF, ("amount", "amount")],
    );
    check::<trigger_transfer::RtgsTransferRequest>(
        "bi/22_rtgs_transfer.request.json",
        Some("22"),
        &[REF, ("amount", "amount")],
    );
    check::<trigger_transfer::SknTransferRequest>(
        "bi/23_skn_transfer.request.json",
        Some("23"),
        &[REF, ("amount", "amount")],
    );
    let va = [
        ("partnerServiceId", "partnerServiceId"),
        ("customerNo", "customerNo"),
        ("virtualAccountNo", "virtualAccountNo"),
    ];
    check::<va::VaPaymentRequest>(
        "bi/25_va_payment.request.json",
        None,
        &[
            va[0],
            va[1],
            va[2],
            ("paymentRequestId", "paymentRequestId"),
        ],
    );
    check::<va::VaIntrabankPaymentRequest>(
        "bi/33_va_intrabank_payment.request.json",
        None,
        &[va[0], va[1], va[2]],
    );
    check::<customer_topup::CustomerTopUpRequest>(
        "bi/38_customer_top_up.request.json",
        Some("38"),
        &[REF],
    );
    check::<transfer_to_otc::OtcCashoutRequest>(
        "bi/44_otc_cashout.request.json",
        Some("44"),
        &[
            REF,
            ("customerNumber", "customerNumber"),
            ("amount", "amount"),
        ],
    );
    check::<mpm::QrMpmGenerateRequest>(
        "bi/47_qr_mpm_generate.request.json",
        Some("47"),
        &[REF, ("merchantId", "merchantId")],
    );
    check::<mpm::QrMpmPaymentRequest>(
        "bi/50_qr_mpm_payment.request.json",
        Some("50"),
        &[REF, ("merchantId", "merchantId")],
    );
    check::<direct_debit::DebitPaymentRequest>(
        "bi/54_debit_payment.request.json",
        Some("54"),
        &[REF, ("amount", "amount"), ("merchantId", "merchantId")],
    );
    check::<cpm::QrCpmPaymentRequest>(
        "bi/60_qr_cpm_payment.request.json",
        None,
        &[REF, ("merchantId", "merchantId")],
    );
    check::<auth::AuthPaymentRequest>(
        "bi/auth_payment.request.json",
        None,
        &[REF, ("merchantId", "merchantId")],
    );
    check::<auth::AuthCaptureRequest>(
        "bi/auth_capture.request.json",
        None,
        &[
            ("originalPartnerReferenceNo", "originalPartnerReferenceNo"),
            ("originalReferenceNo", "originalReferenceNo"),
            ("partnerCaptureNo", "partnerCaptureNo"),
        ],
    );
    check::<auth::AuthVoidRequest>(
        "bi/auth_void.request.json",
        None,
        &[
            ("originalPartnerReferenceNo", "originalPartnerReferenceNo"),
            ("originalReferenceNo", "originalReferenceNo"),
            ("partnerVoidNo", "partnerVoidNo"),
        ],
    );
}
