//! The generic answer of the BI services without a stateful family: every
//! one answers its portal sample with `200{SS}00`, an answer that parses
//! into the response declaration and keeps its rules, members echoed from
//! the request; a missing mandatory field is `400{SS}02` naming it; a
//! status query, cancel or refund of an unknown reference is `404{SS}01`.

use http::HeaderMap;
use serde_json::{Value, json};
use snap_core::schema::SchemaGen;
use snap_core::sign::HmacKey;
use snap_endpoints::registry::{self, EntryInfo};

use crate::support::{Answer, CLIENT_ID, Env, SECRET, ext_id, now, sign_symmetric, start};

/// The services the generic handler answers (no family keeps their state).
const GENERIC: &[u8] = &[
    1, 2, 3, 4, 5, 10, 19, 20, 21, 34, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 48, 49, 50, 52, 53,
    56, 59, 60, 61, 62, 70, 71, 72, 75, 76, 79, 80, 81,
];

/// A status query, cancel or refund and the service whose transaction it
/// names.
const LOOKUPS: &[(u8, u8)] = &[
    (39, 38),
    (45, 44),
    (46, 44),
    (53, 50),
    (61, 60),
    (62, 60),
    (80, 60),
];

fn fixtures() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../snap-endpoints/tests/fixtures/bi")
}

/// The portal sample request of service `sc` (`{}` for a GET without one),
/// with the sample's two over-long members (04, 05) cut to their length.
fn sample(sc: u8) -> Value {
    let prefix = format!("{sc:02}_");
    let file = std::fs::read_dir(fixtures())
        .expect("fixtures")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            name.starts_with(&prefix) && name.ends_with(".request.json")
        });
    let mut v: Value = match file {
        Some(f) => serde_json::from_slice(&std::fs::read(f).expect("read")).expect("json"),
        None => json!({}),
    };
    match sc {
        3 => v = json!({"custIdMerchant": "cust-0001"}),
        10 => {
            v = json!({"redirectUrl": "https://merchant.example/cb", "scopes": "PAYMENT", "state": "st-1"})
        }
        4 => v["chargeToken"] = json!("chg-0001"),
        5 => v["tokenRequestorId"] = json!("req-0001"),
        _ => {}
    }
    v
}

fn entry(sc: u8) -> &'static EntryInfo {
    registry::find(&format!("BI:{sc}")).expect("declared")
}

impl Env {
    /// Signs and sends `body` to service `sc` as the declaration says
    /// (method, path and query parameters), with a customer token where
    /// the endpoint takes one.
    async fn call(&self, sc: u8, body: &Value, token: &str, customer: &str) -> Answer {
        let e = entry(sc);
        let wire = e
            .to_wire(body.to_string().as_bytes())
            .unwrap_or_else(|err| {
                panic!("{sc:02}: the request does not validate: {err}");
            });
        self.call_raw(e, &wire.target, wire.body, token, customer)
            .await
    }

    async fn call_raw(
        &self,
        e: &EntryInfo,
        target: &str,
        body: Vec<u8>,
        token: &str,
        customer: &str,
    ) -> Answer {
        let method = e.meta.method.as_str();
        let body = if method == "GET" { Vec::new() } else { body };
        let key = HmacKey::new(SECRET.as_bytes()).unwrap();
        let ts = now();
        let sig = sign_symmetric(&key, method, target, token, &body, &ts).expect("sign");
        let mut h = HeaderMap::new();
        h.insert("content-type", "application/json".parse().unwrap());
        h.insert("authorization", format!("Bearer {token}").parse().unwrap());
        if e.meta.customer_token {
            h.insert(
                "authorization-customer",
                format!("Bearer {customer}").parse().unwrap(),
            );
        }
        h.insert("x-timestamp", ts.parse().unwrap());
        h.insert("x-signature", sig.parse().unwrap());
        h.insert("x-partner-id", CLIENT_ID.parse().unwrap());
        h.insert("x-external-id", ext_id().parse().unwrap());
        h.insert("channel-id", "95221".parse().unwrap());
        h.insert("x-device-id", "it-device".parse().unwrap());
        self.send(method, target, h, body).await
    }
}

/// The answer is the success of service `sc`, and parses into its
/// response declaration with every rule kept.
fn assert_success(sc: u8, request: &Value, a: &Answer) {
    let e = entry(sc);
    assert_eq!(a.status, 200, "{sc:02} {}: {}", e.meta.name, a.json);
    assert_eq!(a.code(), format!("200{sc:02}00"), "{sc:02}: {}", a.json);
    assert_eq!(a.message(), "Successful");
    e.validate_response(&a.raw).unwrap_or_else(|err| {
        panic!(
            "{sc:02}: the answer breaks the declaration: {err}\n{}",
            a.json
        )
    });
    // Echoed from the request, generated where declared.
    let mut g = SchemaGen::new();
    let s = e.schema(&mut g);
    let props = g.resolve(&s.response)["properties"].clone();
    for member in ["partnerReferenceNo", "virtualAccountNo", "customerNumber"] {
        if props.get(member).is_some()
            && let Some(sent) = request.get(member).and_then(Value::as_str)
            && sent.chars().count() as u64
                <= g.resolve(&props[member])["maxLength"]
                    .as_u64()
                    .unwrap_or(u64::MAX)
        {
            assert_eq!(
                a.json[member], sent,
                "{sc:02}: {member} not echoed: {}",
                a.json
            );
        }
    }
    if props.get("referenceNo").is_some() {
        assert!(
            a.json["referenceNo"]
                .as_str()
                .is_some_and(|r| !r.is_empty()),
            "{sc:02}: no referenceNo: {}",
            a.json
        );
    }
}

#[tokio::test]
async fn every_generic_service_answers_its_sample_with_a_declared_success() {
    let env = start().await;
    let token = env.b2b_token().await;
    let customer = env.customer_token("cust-generic").await;
    let lookups: Vec<u8> = LOOKUPS.iter().map(|(q, _)| *q).collect();
    for &sc in GENERIC.iter().filter(|sc| !lookups.contains(sc)) {
        let body = sample(sc);
        let a = env.call(sc, &body, &token, &customer).await;
        assert_success(sc, &body, &a);
    }
    // A status query, cancel or refund of what its service answered.
    for &(query, original) in LOOKUPS {
        let first = sample(original);
        let made = env.call(original, &first, &token, &customer).await;
        assert_success(original, &first, &made);
        let mut body = sample(query);
        let obj = body.as_object_mut().expect("object");
        if obj.contains_key("originalReferenceNo") || query == 80 || query == 62 {
            obj.insert(
                "originalReferenceNo".into(),
                made.json["referenceNo"].clone(),
            );
        }
        match first.get("partnerReferenceNo") {
            Some(p) if obj.contains_key("originalPartnerReferenceNo") => {
                obj.insert("originalPartnerReferenceNo".into(), p.clone());
            }
            _ => {
                obj.remove("originalPartnerReferenceNo");
            }
        }
        let a = env.call(query, &body, &token, &customer).await;
        assert_success(query, &body, &a);
    }
    env.running.shutdown().await;
}

#[tokio::test]
async fn unknown_references_are_not_found_and_missing_fields_are_named() {
    let env = start().await;
    let token = env.b2b_token().await;
    let customer = env.customer_token("cust-generic-2").await;
    for &(query, _) in LOOKUPS {
        let mut body = sample(query);
        let obj = body.as_object_mut().expect("object");
        for f in ["originalReferenceNo", "originalPartnerReferenceNo"] {
            obj.insert(f.into(), json!("NO-SUCH-REF-0001"));
        }
        let a = env.call(query, &body, &token, &customer).await;
        assert_eq!(a.status, 404, "{query}: {}", a.json);
        assert_eq!(a.code(), format!("404{query:02}01"), "{}", a.json);
        assert_eq!(a.message(), "Transaction Not Found");
    }
    // Every generic service with a mandatory body member: left out, it is
    // named in 400{SS}02.
    for &sc in GENERIC {
        let e = entry(sc);
        let mut g = SchemaGen::new();
        let s = e.schema(&mut g);
        let def = g.resolve(&s.request);
        let body = sample(sc);
        let Some(field) = def["required"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .find(|f| body.get(*f).is_some())
        else {
            continue;
        };
        let mut without = body.clone();
        without.as_object_mut().unwrap().remove(field);
        let target = e.meta.path;
        let a = env
            .call_raw(
                e,
                target,
                without.to_string().into_bytes(),
                &token,
                &customer,
            )
            .await;
        assert_eq!(a.status, 400, "{sc:02} without {field}: {}", a.json);
        assert_eq!(a.code(), format!("400{sc:02}02"), "{sc:02}: {}", a.json);
        assert!(
            a.message().contains(field),
            "{sc:02}: {field} not named: {}",
            a.message()
        );
    }
    env.running.shutdown().await;
}

#[tokio::test]
async fn a_generic_answer_replays_and_every_bi_service_is_served() {
    let env = start().await;
    let token = env.b2b_token().await;
    // The same X-EXTERNAL-ID and body: the same answer (same referenceNo).
    let e = entry(38);
    let body = sample(38).to_string().into_bytes();
    let mut h = env.headers(e.meta.path, &body, &token, None, &ext_id());
    let customer = env.customer_token("cust-generic-3").await;
    h.insert(
        "authorization-customer",
        format!("Bearer {customer}").parse().unwrap(),
    );
    let a1 = env.send("POST", e.meta.path, h.clone(), body.clone()).await;
    let a2 = env.send("POST", e.meta.path, h, body).await;
    assert_eq!(a1.code(), "2003800", "{}", a1.json);
    assert_eq!(a1.raw, a2.raw);
    // No BI service falls through to the 404 of an unknown path.
    for e in registry::registry()
        .iter()
        .filter(|e| e.meta.provider == "BI")
    {
        let a = env
            .call_raw(e, e.meta.path, b"{}".to_vec(), &token, &customer)
            .await;
        assert_ne!(a.code(), "4040002", "{}: {}", e.meta.name, a.json);
    }
    env.running.shutdown().await;
}

#[tokio::test]
async fn on_one_redis_a_generic_transaction_is_found_by_the_other_sandbox() {
    let Some(url) = crate::support::redis_url() else {
        return;
    };
    let prefix = format!("snaptest:{}:{}:generic:", std::process::id(), ext_id());
    let a = crate::support::start_on_redis(&url, &prefix).await;
    let b = crate::support::start_on_redis(&url, &prefix).await;
    let token = a.b2b_token().await;
    let customer = a.customer_token("cust-generic-redis").await;
    let first = sample(44);
    let made = a.call(44, &first, &token, &customer).await;
    assert_success(44, &first, &made);
    let mut q = sample(45);
    q["originalReferenceNo"] = made.json["referenceNo"].clone();
    q["originalPartnerReferenceNo"] = first["partnerReferenceNo"].clone();
    let found = b.call(45, &q, &token, &customer).await;
    assert_success(45, &q, &found);
    assert_eq!(found.json["originalReferenceNo"], made.json["referenceNo"]);
    // Unique referenceNos across both (one counter in the store).
    let again = b.call(44, &first, &token, &customer).await;
    assert_ne!(again.json["referenceNo"], made.json["referenceNo"]);
    a.running.shutdown().await;
    b.running.shutdown().await;
}
