//! `snap openapi`: the document's content, the published copy
//! (`docs/openapi.json`) kept current, and a real OpenAPI validator
//! (Python `openapi-spec-validator` + `jsonschema`, from the environment
//! `scripts/test.sh` prepares: `SNAP_TEST_OPENAPI_VALIDATOR` names its
//! Python).

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

const REGENERATE: &str = "cargo run -q -p snap-cli -- openapi > docs/openapi.json";

fn snap_openapi(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_snap"))
        .arg("openapi")
        .args(args)
        .output()
        .expect("the snap binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn document(args: &[&str]) -> Value {
    let (code, out, err) = snap_openapi(args);
    assert_eq!(code, 0, "{err}");
    serde_json::from_str(&out).expect("snap openapi prints JSON")
}

fn published() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/openapi.json")
}

/// The committed `docs/openapi.json` is what `snap openapi` prints now.
/// `SNAP_UPDATE_OPENAPI=1` rewrites it instead of failing.
#[test]
fn published_document_is_current() {
    let (code, now, err) = snap_openapi(&[]);
    assert_eq!(code, 0, "{err}");
    let path = published();
    if std::env::var_os("SNAP_UPDATE_OPENAPI").is_some_and(|v| v == "1") {
        std::fs::write(&path, &now).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    if committed != now {
        let old: Value = serde_json::from_str(&committed).unwrap_or(Value::Null);
        let new: Value = serde_json::from_str(&now).unwrap();
        let old_paths: Vec<&String> = old["paths"]
            .as_object()
            .map(|o| o.keys().collect())
            .unwrap_or_default();
        let added: Vec<&String> = new["paths"]
            .as_object()
            .unwrap()
            .keys()
            .filter(|k| !old_paths.contains(k))
            .collect();
        panic!(
            "docs/openapi.json is stale (the declarations changed; {} new path(s): {added:?}).\n\
             Regenerate it from the workspace root with:\n    {REGENERATE}\n\
             (or run this test with SNAP_UPDATE_OPENAPI=1)",
            added.len()
        );
    }
}

/// Every declared endpoint is an operation, with method, path, headers per
/// B2B / B2B2C, security, schemas with the rules and the SNAP error answer.
#[test]
fn document_describes_every_declaration() {
    let doc = document(&[]);
    assert_eq!(doc["openapi"], "3.1.0");
    let registry = snap_endpoints::registry::registry();
    let mut operations = 0;
    for e in registry {
        let method = e.meta.method.as_str().to_ascii_lowercase();
        let op = &doc["paths"][e.sandbox_path.as_str()][method.as_str()];
        assert!(op.is_object(), "{} {} missing", method, e.sandbox_path);
        assert_eq!(op["summary"], e.meta.name);
        operations += 1;
        if let Some(s) = e.meta.service {
            assert_eq!(op["x-snap-service"], s.get());
        }
    }
    let count: usize = doc["paths"]
        .as_object()
        .unwrap()
        .values()
        .map(|p| p.as_object().unwrap().len())
        .sum();
    assert_eq!(count, operations);

    let params = |op: &Value| -> Vec<(String, bool)> {
        op["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                let p = match p["$ref"].as_str() {
                    Some(r) => {
                        &doc["components"]["parameters"]
                            [r.trim_start_matches("#/components/parameters/")]
                    }
                    None => p,
                };
                (
                    p["name"].as_str().unwrap().to_owned(),
                    p["required"].as_bool().unwrap(),
                )
            })
            .collect()
    };
    // B2B2C (Auth Void, 67): X-DEVICE-ID required, both tokens.
    let void = &doc["paths"]["/v1.0/auth/void"]["post"];
    let p = params(void);
    for h in [
        "X-TIMESTAMP",
        "X-SIGNATURE",
        "X-PARTNER-ID",
        "X-EXTERNAL-ID",
        "CHANNEL-ID",
        "X-DEVICE-ID",
    ] {
        assert!(p.contains(&(h.to_owned(), true)), "{h} in {p:?}");
    }
    assert!(p.contains(&("X-IP-ADDRESS".to_owned(), false)), "{p:?}");
    assert_eq!(
        void["security"],
        serde_json::json!([{"B2BToken": [], "CustomerToken": []}])
    );
    // B2B (QR MPM Cancel, 77): no X-DEVICE-ID, the B2B token only.
    let qr = &doc["paths"]["/v1.0/qr/qr-mpm-cancel"]["post"];
    let p = params(qr);
    assert!(!p.iter().any(|(n, _)| n == "X-DEVICE-ID"), "{p:?}");
    assert!(p.contains(&("X-PARTNER-ID".to_owned(), true)));
    assert_eq!(qr["security"], serde_json::json!([{"B2BToken": []}]));
    // Access token (73): X-CLIENT-KEY, no transaction headers, no token.
    let token = &doc["paths"]["/v1.0/access-token/b2b"]["post"];
    let p = params(token);
    assert!(p.contains(&("X-CLIENT-KEY".to_owned(), true)), "{p:?}");
    assert!(!p.iter().any(|(n, _)| n == "X-PARTNER-ID"), "{p:?}");
    assert_eq!(token["security"], serde_json::json!([]));
    // IPG: its own signature header, not SNAP's.
    let ipg = &doc["paths"]["/ipg/reversal"]["post"];
    let p = params(ipg);
    assert!(p.iter().any(|(n, _)| n == "Signature"), "{p:?}");
    assert!(!p.iter().any(|(n, _)| n == "X-SIGNATURE"), "{p:?}");
    assert!(ipg["responses"]["default"]["content"].is_null());

    // The request schema: rules as data, nested Money by reference.
    let schemas = &doc["components"]["schemas"];
    let req = &schemas["bi.auth.AuthVoidRequest"];
    assert_eq!(req["properties"]["partnerVoidNo"]["maxLength"], 64);
    assert_eq!(req["properties"]["partnerVoidNo"]["minLength"], 1);
    assert_eq!(req["properties"]["reason"]["maxLength"], 256);
    assert!(
        req["required"]
            .as_array()
            .unwrap()
            .contains(&"merchantId".into())
    );
    assert!(
        !req["required"]
            .as_array()
            .unwrap()
            .contains(&"reason".into())
    );
    assert_eq!(
        req["properties"]["voidAmount"]["$ref"],
        "#/components/schemas/Money"
    );
    assert_eq!(
        schemas["Money"]["properties"]["value"]["pattern"],
        "^[0-9]{1,14}\\.[0-9]{2}$"
    );
    // A response: responseCode is exactly 7 characters.
    let resp = &schemas["bi.auth.AuthVoidResponse"];
    assert_eq!(resp["properties"]["responseCode"]["minLength"], 7);
    assert_eq!(resp["properties"]["responseCode"]["maxLength"], 7);
    // Nested objects: GoPay Delete VA's answer holds virtualAccountData.
    let va = &schemas["gopay.va.DeleteVaResponse"];
    assert_eq!(
        va["properties"]["virtualAccountData"]["$ref"],
        "#/components/schemas/gopay.va.DeleteVaData"
    );
    // one_of: GoPay's QRIS cancel needs one of its original references.
    let qr_req = &schemas["gopay.mpm.QrisCancelRequest"];
    assert_eq!(
        qr_req["anyOf"],
        serde_json::json!([{"required": ["originalReferenceNo"]}, {"required": ["originalExternalId"]}]),
        "{qr_req}"
    );
    // The SNAP error answer, with the service code in the pattern.
    let default = &void["responses"]["default"]["content"]["application/json"];
    assert_eq!(
        default["schema"]["allOf"][1]["properties"]["responseCode"]["pattern"],
        "^[1-5][0-9]{2}67[0-9]{2}$"
    );
    assert_eq!(
        default["examples"]["missing-header"]["value"]["responseCode"],
        "4006702"
    );
    // Portal samples as examples.
    assert_eq!(
        void["requestBody"]["content"]["application/json"]["examples"]["portal"]["value"]["partnerVoidNo"],
        "310928924945645"
    );
    assert!(
        doc["components"]["securitySchemes"]["B2BToken"]["scheme"] == "bearer"
            && doc["components"]["securitySchemes"]["CustomerToken"]["name"]
                == "Authorization-Customer"
    );
}

#[test]
fn one_provider_at_its_declared_paths() {
    let doc = document(&["--provider", "gopay"]);
    let paths: Vec<&String> = doc["paths"].as_object().unwrap().keys().collect();
    assert!(paths.contains(&&"/v1.0/auth/void".to_owned()), "{paths:?}");
    assert!(paths.iter().all(|p| !p.starts_with("/gopay")), "{paths:?}");
    assert_eq!(
        doc["paths"]["/v1.0/auth/void"]["post"]["summary"],
        "GoPay Pre-Auth Void"
    );
    assert!(doc["servers"].is_null());
    let (code, out, err) = snap_openapi(&["--provider", "nobank"]);
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(
        err.contains("unknown provider `nobank`") && err.contains("GoPay"),
        "{err}"
    );
}

/// `SNAP_TEST_OPENAPI_VALIDATOR` (a Python with openapi-spec-validator and
/// jsonschema) or, when unset, a skip notice; with
/// `SNAP_REQUIRE_SERVICES=1` a missing validator is a failure.
fn validator() -> Option<String> {
    match std::env::var("SNAP_TEST_OPENAPI_VALIDATOR") {
        Ok(p) if !p.is_empty() => Some(p),
        _ => {
            assert!(
                std::env::var_os("SNAP_REQUIRE_SERVICES").is_none_or(|v| v != "1"),
                "SNAP_REQUIRE_SERVICES=1 but SNAP_TEST_OPENAPI_VALIDATOR is not set (scripts/test.sh sets it)"
            );
            eprintln!(
                "skipped: SNAP_TEST_OPENAPI_VALIDATOR is not set (scripts/test.sh creates the validator)"
            );
            None
        }
    }
}

fn run_validator(python: &str, doc: &str, name: &str) -> (bool, String) {
    let dir = std::env::temp_dir().join(format!("snap-openapi-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join(name);
    std::fs::write(&file, doc).unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cli/validate_openapi.py");
    let out = Command::new(python)
        .arg(&script)
        .arg(&file)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {python}: {e}"));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

/// A real validator accepts the document (every provider, and each one
/// alone), every example fits its schema, and the validator is not a
/// rubber stamp: a broken document is refused.
#[test]
fn a_real_validator_accepts_the_document() {
    let Some(python) = validator() else { return };
    let mut docs = vec![("all".to_owned(), snap_openapi(&[]).1)];
    for p in ["BI", "GoPay", "Paydia", "Ayopop", "IPG"] {
        docs.push((p.to_owned(), snap_openapi(&["--provider", p]).1));
    }
    for (name, doc) in &docs {
        let (ok, text) = run_validator(&python, doc, &format!("{name}.json"));
        assert!(ok, "{name}: {text}");
        assert!(text.contains("valid OpenAPI 3.1.0"), "{text}");
    }
    // A dangling reference and an example that breaks its schema.
    let mut broken: Value = serde_json::from_str(&docs[0].1).unwrap();
    broken["paths"]["/v1.0/auth/void"]["post"]["requestBody"]["content"]["application/json"]["schema"]
        ["$ref"] = "#/components/schemas/Nowhere".into();
    let (ok, text) = run_validator(&python, &broken.to_string(), "broken-ref.json");
    assert!(!ok, "a dangling $ref passed: {text}");
    let mut broken: Value = serde_json::from_str(&docs[0].1).unwrap();
    broken["paths"]["/v1.0/auth/void"]["post"]["requestBody"]["content"]["application/json"]["examples"]
        ["portal"]["value"]["partnerVoidNo"] = "x".repeat(65).into();
    let (ok, text) = run_validator(&python, &broken.to_string(), "broken-example.json");
    assert!(!ok, "an over-long example passed: {text}");
    assert!(text.contains("partnerVoidNo"), "{text}");
}
