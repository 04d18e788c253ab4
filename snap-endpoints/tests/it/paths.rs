//! Provider paths: the presets are well formed and name registered
//! services, and `prepare` signs the mapped path, as sent.

use snap_core::endpoint::{Endpoint, PathMap, RequestContext, prepare};
use snap_core::secret::SecretString;
use snap_core::sign::{HmacKey, SigningInput, Symmetric};
use snap_core::time::SnapTimestamp;
use snap_endpoints::bi::registration::CardBindInquiryRequest;
use snap_endpoints::bi::va::VaInquiryRequest;
use snap_endpoints::{paths, registry};

use crate::common;

#[test]
fn presets_are_well_formed_and_name_registered_services() {
    assert_eq!(paths::PRESETS.len(), 5);
    for (name, make) in paths::PRESETS {
        let map = make();
        map.check().unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(paths::preset(name), Some(map.clone()));
        for (key, _) in map.templates() {
            let entry = registry::find(key).unwrap_or_else(|e| panic!("{name}: {e}"));
            // The template places the service.
            let mapped = map.path_for(&entry.meta, entry.meta.path);
            assert!(mapped.is_ok(), "{name} {key}: {mapped:?}");
        }
    }
    assert_eq!(paths::preset("ASPI_Sandbox"), Some(paths::aspi_sandbox()));
    assert_eq!(paths::preset("mandiri"), None);
}

#[test]
fn the_presets_place_the_documented_paths() {
    let at = |map: &PathMap, key: &str| {
        let e = registry::find(key).unwrap();
        map.path_for(&e.meta, e.meta.path).unwrap()
    };
    let bca = paths::bca();
    assert_eq!(at(&bca, "BI:24"), "/openapi/v1.0/transfer-va/inquiry");
    assert_eq!(at(&bca, "BI:16"), "/openapi/v2.0/account-inquiry-external");
    assert_eq!(at(&bca, "BI:18"), "/openapi/v2.0/transfer-interbank");
    assert_eq!(at(&bca, "BI:73"), "/openapi/v1.0/access-token/b2b");
    let bri = paths::bri();
    assert_eq!(at(&bri, "BI:14"), "/snap/v1.1/bank-statement");
    assert_eq!(
        at(&bri, "BI:32"),
        "/snap/v1.1/transfer-va/inquiry-intrabank"
    );
    assert_eq!(at(&bri, "BI:11"), "/snap/v1.0/balance-inquiry");
    let doku = paths::doku();
    assert_eq!(
        at(&doku, "BI:27"),
        "/virtual-accounts/bi-snap-va/v1.1/transfer-va/create-va"
    );
    assert_eq!(at(&doku, "BI:73"), "/authorization/v1/access-token/b2b");
    let dana = paths::dana();
    assert_eq!(at(&dana, "BI:42"), "/v1.0/emoney/bank-account-inquiry.htm");
    assert_eq!(at(&dana, "BI:54"), "/v1.0/debit/payment.htm");
    assert_eq!(
        at(&paths::aspi_sandbox(), "BI:74"),
        "/api/v1.0/access-token/b2b2c"
    );
}

/// A BCA-mapped VA inquiry is signed over the path as sent.
#[test]
fn a_bca_mapped_va_inquiry_is_signed_over_the_path_as_sent() {
    let mut body = common::value("bi/24_va_inquiry.request.json");
    body["partnerServiceId"] = "  088899".into();
    let req: VaInquiryRequest = serde_json::from_value(body).unwrap();
    let key = HmacKey::new(b"client-secret").unwrap();
    let token = SecretString::from("b2b-token");
    let ts = SnapTimestamp::parse("2024-03-05T17:37:16+07:00").unwrap();
    let bca = paths::bca();
    let ctx = RequestContext::new(&ts)
        .with_paths(&bca)
        .with_external_id("41807553358950093184162180797837")
        .with_partner_id("partner")
        .with_channel_id("95221")
        .with_signer::<Symmetric>(&key)
        .with_access_token(&token);
    let prepared = prepare(&req, &ctx).unwrap();
    assert_eq!(prepared.path, "/openapi/v1.0/transfer-va/inquiry");
    let signature = prepared.headers["x-signature"].to_str().unwrap();
    let sent = SigningInput::new("POST", "/openapi/v1.0/transfer-va/inquiry")
        .access_token("b2b-token")
        .body(&prepared.body)
        .timestamp(ts.as_str());
    Symmetric::verify_signature(&key, &sent, signature).expect("signed over the BCA path");
    // Not over the declared path.
    let declared = SigningInput::new("POST", VaInquiryRequest::META.path)
        .access_token("b2b-token")
        .body(&prepared.body)
        .timestamp(ts.as_str());
    assert!(Symmetric::verify_signature(&key, &declared, signature).is_err());

    // A call-level template wins over the map; a deployment prefix comes first.
    let ctx = ctx
        .with_path_prefix("/gw")
        .with_path_template("/va/{x}/inquiry");
    match prepare(&req, &ctx) {
        Err(snap_core::endpoint::PrepareError::Path(e)) => {
            assert!(e.to_string().contains("{x}"), "{e}");
        }
        other => panic!("{other:?}"),
    }
    let ctx = ctx.with_path_template("/va/inquiry");
    assert_eq!(prepare(&req, &ctx).unwrap().path, "/gw/va/inquiry");
}

/// A template's placeholders take the declaration's path parameters.
#[test]
fn a_template_takes_the_path_parameter() {
    let req = CardBindInquiryRequest {
        cust_id_merchant: "C 1".into(),
    };
    let ts = SnapTimestamp::parse("2024-03-05T17:37:16+07:00").unwrap();
    let key = HmacKey::new(b"k").unwrap();
    let token = SecretString::from("t");
    let map = PathMap::new().with_path("Card Registration Inquiry", "/cards/{custIdMerchant}");
    let ctx = RequestContext::new(&ts)
        .with_paths(&map)
        .with_external_id("1")
        .with_partner_id("p")
        .with_channel_id("95221")
        .with_signer::<Symmetric>(&key)
        .with_access_token(&token);
    let prepared = prepare(&req, &ctx).unwrap();
    assert_eq!(prepared.path, "/cards/C%201");
    assert!(prepared.body.is_empty(), "a GET sends no body");
}
