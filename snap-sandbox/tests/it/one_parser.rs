//! The provider side (`Provider::admit`) and `snap validate` (the registry)
//! read a body with snap-core's one `parse_request`: for every request sample
//! of `snap-endpoints/tests/fixtures`, and for bodies broken from them, they
//! accept the same bodies and refuse the others with the same violations.
//!
//! The provider is driven in-process, its endpoint's signature turned off:
//! what is compared is step 9 (parse + validate), not signing.

use std::sync::Arc;

use axum::body::Bytes;
use serde::de::DeserializeOwned;
use serde_json::Value;
use snap_core::endpoint::{Endpoint, EndpointMeta, RequestError};
use snap_core::sign::{SchemeRef, Unsigned};
use snap_endpoints::{ayopop, bi, gopay, ipg, paydia, registry};
use snap_server::tokens::{MemoryTokens, TokenLifetimes};
use snap_server::{Admitted, ErrorReply, Provider, ProviderConfig, StaticPartners};

fn provider() -> Provider {
    Provider::new(
        ProviderConfig::default(),
        Arc::new(StaticPartners::default()),
        Arc::new(MemoryTokens::new(TokenLifetimes::default())),
    )
}

/// What the provider side does with `body` for endpoint `E`: `None` when it
/// admits it, else its refusal.
fn provider_refusal<E>(provider: &Provider, body: &[u8]) -> Option<ErrorReply>
where
    E: Endpoint + DeserializeOwned + std::fmt::Debug,
{
    let meta = EndpointMeta {
        signature: SchemeRef::of::<Unsigned>(),
        ..E::META
    };
    let (parts, ()) = http::Request::builder()
        .method(meta.method.to_http())
        .uri(meta.path)
        .header("content-type", "application/json")
        .body(())
        .expect("request")
        .into_parts();
    let head = provider.check_head(&meta, &parts, meta.path);
    let head = crate::support::block_on(head).expect("head checks pass");
    match crate::support::block_on(provider.admit::<E>(head, Bytes::copy_from_slice(body))) {
        Ok(Admitted::Proceed { .. }) => None,
        Ok(Admitted::Refused { error, .. }) => Some(error),
        Ok(other) => panic!("{}: unexpected {other:?}", meta.name),
        Err(error) => Some(error),
    }
}

/// Provider and registry agree on `body`.
fn agree<E>(provider: &Provider, body: &[u8]) -> Result<(), String>
where
    E: Endpoint + DeserializeOwned + std::fmt::Debug,
{
    let entry = registry::find(E::META.name).expect("registered");
    let shown = String::from_utf8_lossy(body);
    match (entry.validate(body), provider_refusal::<E>(provider, body)) {
        (Ok(()), None) => Ok(()),
        (Err(RequestError::Invalid(v)), Some(refusal)) => {
            // The provider answers what `snap validate` prints as the
            // provider answer, and logs every violation it lists.
            assert_eq!(refusal.http, 400, "{shown}");
            assert_eq!(refusal.case, v.snap_case().case(), "{shown}: {v}");
            if let Some(answer) = entry.answer_for(&v) {
                assert_eq!(refusal.message, answer.response_message, "{shown}");
            }
            assert_eq!(
                refusal.log.as_deref(),
                Some(v.to_string().as_str()),
                "{shown}"
            );
            Err(v.to_string())
        }
        (Err(RequestError::NotJson(_)), Some(refusal)) => {
            assert_eq!((refusal.http, refusal.case), (400, 0), "{shown}");
            Err("not JSON".to_owned())
        }
        (validate, provider) => panic!(
            "{}: {shown}\n  snap validate: {validate:?}\n  provider: {provider:?}",
            E::META.name
        ),
    }
}

/// Every leaf of a JSON tree, as a path of keys and indexes.
fn leaves(v: &Value, at: &mut Vec<Value>, out: &mut Vec<Vec<Value>>) {
    match v {
        Value::Object(m) => {
            for (k, child) in m {
                at.push(Value::from(k.as_str()));
                out.push(at.clone());
                leaves(child, at, out);
                at.pop();
            }
        }
        Value::Array(a) => {
            for (i, child) in a.iter().enumerate() {
                at.push(Value::from(i));
                leaves(child, at, out);
                at.pop();
            }
        }
        _ => {}
    }
}

fn slot<'a>(root: &'a mut Value, path: &[Value]) -> Option<&'a mut Value> {
    path.iter().try_fold(root, |cur, seg| match seg {
        Value::String(k) => cur.get_mut(k.as_str()),
        Value::Number(i) => cur.get_mut(usize::try_from(i.as_u64()?).ok()?),
        _ => None,
    })
}

fn remove(root: &Value, path: &[Value]) -> Value {
    let mut copy = root.clone();
    let (last, parent) = path.split_last().expect("a member");
    if let (Some(Value::Object(m)), Value::String(k)) = (slot(&mut copy, parent), last) {
        m.remove(k);
    }
    copy
}

fn set(root: &Value, path: &[Value], value: Value) -> Value {
    let mut copy = root.clone();
    if let Some(s) = slot(&mut copy, path) {
        *s = value;
    }
    copy
}

/// The sample, then for each member: without it, with a value of another
/// JSON type, and (strings) 300 characters long; then not JSON, not an
/// object. Every body is compared.
fn every_variant_of<E>(file: &str)
where
    E: Endpoint + DeserializeOwned + std::fmt::Debug,
{
    let provider = provider();
    let path = format!(
        "{}/../snap-endpoints/tests/fixtures/{file}",
        env!("CARGO_MANIFEST_DIR")
    );
    let raw = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    assert_eq!(
        agree::<E>(&provider, &raw),
        Ok(()),
        "{file}: the sample is valid"
    );
    let sample: Value = serde_json::from_slice(&raw).expect("JSON");
    let mut paths = Vec::new();
    leaves(&sample, &mut Vec::new(), &mut paths);
    let mut refused = 0;
    for p in &paths {
        let current = slot(&mut sample.clone(), p).cloned().unwrap_or(Value::Null);
        let mut bodies = vec![remove(&sample, p)];
        bodies.push(set(
            &sample,
            p,
            if current.is_string() {
                Value::from(7)
            } else {
                Value::from("seven")
            },
        ));
        if current.is_string() {
            bodies.push(set(&sample, p, Value::from("x".repeat(300))));
        }
        for body in bodies {
            if agree::<E>(&provider, body.to_string().as_bytes()).is_err() {
                refused += 1;
            }
        }
    }
    assert!(refused > 0, "{file}: no variant was refused");
    for body in [&b"{\"a\":"[..], b"[1,2]", b"null"] {
        assert!(agree::<E>(&provider, body).is_err(), "{file}");
    }
}

#[test]
fn provider_and_validate_agree_on_every_fixture_and_its_variants() {
    every_variant_of::<bi::AuthPaymentRequest>("bi/auth_payment.request.json");
    every_variant_of::<bi::AuthQueryRequest>("bi/auth_query.request.json");
    every_variant_of::<bi::AuthCaptureRequest>("bi/auth_capture.request.json");
    every_variant_of::<bi::AuthCaptureQueryRequest>("bi/auth_capture_query.request.json");
    every_variant_of::<bi::AuthVoidRequest>("bi/auth_void.request.json");
    every_variant_of::<bi::AuthVoidQueryRequest>("bi/auth_void_query.request.json");
    every_variant_of::<bi::AuthRefundRequest>("bi/auth_refund.request.json");
    every_variant_of::<bi::AccessTokenB2bRequest>("bi/access_token_b2b.request.json");
    every_variant_of::<bi::AccessTokenB2b2cRequest>("bi/access_token_b2b2c.request.json");
    every_variant_of::<gopay::DebitCancelRequest>("gopay/debit_cancel.request.json");
    every_variant_of::<gopay::QrisCancelRequest>("gopay/qris_cancel.request.json");
    every_variant_of::<gopay::PreAuthVoidRequest>("gopay/preauth_void.request.json");
    every_variant_of::<gopay::DeleteVaRequest>("gopay/delete_va.request.json");
    every_variant_of::<paydia::AuthVoidRequest>("paydia/auth_void.request.json");
    every_variant_of::<ayopop::BillCancelRequest>("ayopop/bill_cancel.request.json");
    every_variant_of::<ipg::VaReversalRequest>("ipg/va_reversal.request.json");
}

/// A type error, a too-long member and a missing member in one body: the
/// provider side reports all three, with wire paths, and answers with the
/// missing one (`snap validate`'s side is in snap-cli's tests).
#[test]
fn the_provider_reports_a_type_error_a_too_long_member_and_a_missing_one() {
    let body = serde_json::json!({
        "originalPartnerReferenceNo": "2020102900000000000001",
        "originalReferenceNo": 2020102977770000u64,
        "merchantId": "m".repeat(65),
        "reason": "customer cancelled",
        "voidAmount": {"value": "10000.00", "currency": "IDR"},
    });
    let provider = provider();
    let refusal =
        provider_refusal::<paydia::AuthVoidRequest>(&provider, body.to_string().as_bytes())
            .expect("refused");
    assert_eq!((refusal.http, refusal.case), (400, 2), "{refusal:?}");
    assert!(log_has_three(&refusal), "{refusal:?}");
    assert_eq!(refusal.message, "Invalid Mandatory Field {partnerVoidNo}");
}

fn log_has_three(refusal: &ErrorReply) -> bool {
    let log = refusal.log.as_deref().unwrap_or("");
    assert!(log.starts_with("3 invalid field(s)"), "{log}");
    for expected in [
        "originalReferenceNo: invalid type: integer",
        "partnerVoidNo: mandatory field is missing",
        "merchantId: at most 64 characters allowed, got 65",
    ] {
        assert!(log.contains(expected), "{expected:?} not in {log}");
    }
    true
}
