//! Open signing: a provider's scheme declared here (not in snap-core) signs
//! through the generic `prepare` and verifies through `Verifiers`; a missing
//! or mismatched credential is a typed error naming endpoint and scheme; SNAP
//! signature type 2 (a symmetric B2B endpoint signed asymmetrically) still
//! works, and never for customer-token endpoints.

use http::HeaderMap;
use serde::{Deserialize, Serialize};
use snap_core::endpoint::{Endpoint, PrepareError, RequestContext, prepare};
use snap_core::secret::SecretString;
use snap_core::sign::{
    Asymmetric, Credential, HmacKey, HmacSha256Key, RsaPrivateKey, SchemeInfo, SchemeRef,
    SignatureError, SignatureScheme, Signers, SigningInput, Symmetric, Verifiers, constant_time_eq,
    read_header, write_header,
};
use snap_core::time::SnapTimestamp;
use snap_core::{SnapModel, SnapRequest};

/// A provider's own scheme: `X-PROVIDER-SIG = base64url(HMAC-SHA256(key,
/// METHOD + " " + path + "\n" + body))`, sent with the SNAP transaction
/// headers; the caller is named by `X-PARTNER-ID`.
struct ProviderSig;

fn tag(key: &HmacSha256Key, input: &SigningInput<'_>) -> String {
    use base64::Engine as _;
    let mut msg = format!("{} {}\n", input.method, input.path).into_bytes();
    msg.extend_from_slice(input.body);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(key.tag(&msg))
}

impl SignatureScheme for ProviderSig {
    const INFO: SchemeInfo = SchemeInfo::new("provider-sig")
        .with_transaction_headers()
        .with_headers(&["X-PROVIDER-SIG"])
        .with_partner_header("X-PARTNER-ID");
    type Signer = HmacSha256Key;
    type Verifier = HmacSha256Key;

    fn sign(
        key: &HmacSha256Key,
        input: &SigningInput<'_>,
        headers: &mut HeaderMap,
    ) -> Result<(), SignatureError> {
        write_header(headers, "X-PROVIDER-SIG", &tag(key, input), true)
    }

    fn verify(
        key: &HmacSha256Key,
        input: &SigningInput<'_>,
        headers: &HeaderMap,
    ) -> Result<(), SignatureError> {
        let received = read_header(headers, "X-PROVIDER-SIG")?;
        if constant_time_eq(received.as_bytes(), tag(key, input).as_bytes()) {
            Ok(())
        } else {
            Err(SignatureError::Mismatch)
        }
    }
}

#[derive(Debug, Serialize, Deserialize, SnapModel)]
#[serde(rename_all = "camelCase")]
struct Ack {
    #[snap(len = 7, digits)]
    response_code: String,
}

/// An endpoint of that provider, declared with its scheme by type.
#[derive(Debug, Serialize, Deserialize, SnapRequest)]
#[snap(service = 47, method = "POST", path = "/v1.0/emoney/topup", response = Ack,
       name = "Provider Top Up", provider = "Provider", signature = ProviderSig)]
#[serde(rename_all = "camelCase")]
struct TopUpRequest {
    #[snap(max = 64)]
    partner_reference_no: String,
}

/// A BI B2B endpoint (symmetric, no customer token): type 2 applies.
#[derive(Debug, Serialize, Deserialize, SnapRequest)]
#[snap(service = 47, method = "POST", path = "/v1.0/emoney/topup", response = Ack, name = "Top Up")]
#[serde(rename_all = "camelCase")]
struct BiTopUpRequest {
    partner_reference_no: String,
}

/// A BI B2B2C endpoint (symmetric, customer token): type 2 does not apply.
#[derive(Debug, Serialize, Deserialize, SnapRequest)]
#[snap(service = 63, method = "POST", path = "/v1.0/auth/payment", response = Ack,
       name = "Auth Payment", customer_token)]
#[serde(rename_all = "camelCase")]
struct CustomerPayRequest {
    partner_reference_no: String,
}

/// A BI endpoint declared asymmetric.
#[derive(Debug, Serialize, Deserialize, SnapRequest)]
#[snap(service = 11, method = "POST", path = "/v1.0/balance-inquiry", response = Ack,
       name = "Balance Inquiry", signature = "asymmetric")]
#[serde(rename_all = "camelCase")]
struct BalanceRequest {
    account_no: String,
}

fn ts() -> SnapTimestamp {
    SnapTimestamp::parse("2024-06-01T10:00:00+07:00").unwrap()
}

fn snap_ctx(ts: &SnapTimestamp) -> RequestContext<'_> {
    RequestContext::new(ts)
        .with_path_prefix("/snap")
        .with_external_id("41807553358950093184162180797837")
        .with_partner_id("partner-1")
        .with_channel_id("95221")
}

fn private_key() -> RsaPrivateKey {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/vectors/test-b-pkcs8.pem"
    );
    RsaPrivateKey::from_pem(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn a_scheme_defined_outside_snap_core_signs_and_verifies() {
    let meta = TopUpRequest::META;
    assert!(meta.signature.is::<ProviderSig>());
    assert_eq!(
        meta.signature,
        SchemeRef::of::<<TopUpRequest as Endpoint>::Signature>()
    );
    assert_eq!(meta.signature.name(), "provider-sig");

    let key = HmacSha256Key::new(b"provider-api-key", "apiKey").unwrap();
    let ts = ts();
    let req = TopUpRequest {
        partner_reference_no: "ref-1".into(),
    };
    let prepared = prepare(&req, &snap_ctx(&ts).with_signer::<ProviderSig>(&key)).unwrap();
    assert_eq!(prepared.path, "/snap/v1.0/emoney/topup");
    // The custom header, and the SNAP headers its SchemeInfo asks for.
    let sig = prepared.headers["x-provider-sig"]
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(sig.len(), 43);
    assert!(prepared.headers["x-provider-sig"].is_sensitive());
    assert_eq!(prepared.headers["x-partner-id"], "partner-1");
    assert_eq!(prepared.headers["x-timestamp"], ts.as_str());
    assert!(prepared.headers.get("x-signature").is_none());
    assert!(prepared.headers.get("authorization").is_none());
    assert_eq!(prepared.external_id(), "41807553358950093184162180797837");
    assert!(!format!("{prepared:?}").contains(&sig));

    // Provider side, knowing the endpoint by its metadata only.
    let verifiers = Verifiers::new().with::<ProviderSig>(key.clone());
    let received = SigningInput::new("POST", &prepared.path).body(&prepared.body);
    assert_eq!(
        verifiers.verify(meta.signature, &received, &prepared.headers.to_header_map()),
        Some(Ok(()))
    );
    // The same bytes under another path, or other bytes, do not verify.
    let moved = SigningInput::new("POST", "/v1.0/emoney/topup").body(&prepared.body);
    assert_eq!(
        verifiers.verify(meta.signature, &moved, &prepared.headers.to_header_map()),
        Some(Err(SignatureError::Mismatch))
    );
    let other = received.body(br#"{"partnerReferenceNo":"ref-2"}"#);
    assert_eq!(
        verifiers.verify(meta.signature, &other, &prepared.headers.to_header_map()),
        Some(Err(SignatureError::Mismatch))
    );
    // Without the header: a named header error, not a mismatch.
    let mut stripped = prepared.headers.to_header_map();
    stripped.remove("x-provider-sig");
    assert_eq!(
        verifiers.verify(meta.signature, &received, &stripped),
        Some(Err(SignatureError::Header {
            name: "X-PROVIDER-SIG",
            reason: "missing"
        }))
    );
    // A partner without a key for this scheme: nothing to verify with.
    let hmac_only = Verifiers::new().with::<Symmetric>(HmacKey::new(b"k").unwrap());
    assert_eq!(
        hmac_only.verify(meta.signature, &received, &prepared.headers.to_header_map()),
        None
    );
    // The typed accessors give the key back.
    assert!(verifiers.get::<ProviderSig>().is_some());
    assert!(verifiers.get::<Symmetric>().is_none());
}

#[test]
fn wrong_and_missing_credentials_name_endpoint_and_scheme() {
    let ts = ts();
    let hmac = HmacKey::new(b"client-secret").unwrap();
    let token = SecretString::from("b2b-token");
    let req = TopUpRequest {
        partner_reference_no: "ref-1".into(),
    };
    // A SNAP key for the provider's endpoint.
    let err = prepare(
        &req,
        &snap_ctx(&ts)
            .with_signer::<Symmetric>(&hmac)
            .with_access_token(&token),
    )
    .unwrap_err();
    assert!(
        matches!(
            err,
            PrepareError::WrongCredential {
                endpoint: "Provider Top Up",
                expected: "provider-sig",
                given: "symmetric",
            }
        ),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "endpoint `Provider Top Up` is signed `provider-sig`, but the context holds a `symmetric` credential"
    );
    // The provider's key for a BI endpoint.
    let key = HmacSha256Key::new(b"provider-api-key", "apiKey").unwrap();
    let bi = BiTopUpRequest {
        partner_reference_no: "ref-1".into(),
    };
    let err = prepare(&bi, &snap_ctx(&ts).with_signer::<ProviderSig>(&key)).unwrap_err();
    assert!(
        matches!(
            err,
            PrepareError::WrongCredential {
                endpoint: "Top Up",
                expected: "symmetric",
                given: "provider-sig",
            }
        ),
        "{err:?}"
    );
    // No credential at all.
    let err = prepare(&req, &snap_ctx(&ts)).unwrap_err();
    assert!(
        matches!(
            err,
            PrepareError::MissingCredential {
                endpoint: "Provider Top Up",
                scheme: "provider-sig",
            }
        ),
        "{err:?}"
    );
    // A set of signers hands out the right one, or none.
    let signers = Signers::new().with::<Symmetric>(hmac);
    assert!(signers.credential(TopUpRequest::META.signature).is_none());
    let c = signers.credential(BiTopUpRequest::META.signature).unwrap();
    let p = prepare(
        &bi,
        &snap_ctx(&ts).with_credential(c).with_access_token(&token),
    )
    .unwrap();
    assert_eq!(p.headers["x-signature"].len(), 88);
}

#[test]
fn type_2_signs_a_symmetric_b2b_endpoint_asymmetrically() {
    let ts = ts();
    let key = private_key();
    let public = key.public_key().unwrap();
    let bi = BiTopUpRequest {
        partner_reference_no: "ref-1".into(),
    };
    assert_eq!(
        BiTopUpRequest::META.type2_scheme(),
        Some(SchemeRef::of::<Asymmetric>())
    );
    // RSA key, no B2B token: accepted, signed asymmetrically, no Authorization.
    let p = prepare(&bi, &snap_ctx(&ts).with_signer::<Asymmetric>(&key)).unwrap();
    assert!(p.headers.get("authorization").is_none());
    assert_eq!(p.headers["x-partner-id"], "partner-1");
    let sent = SigningInput::new("POST", &p.path)
        .body(&p.body)
        .timestamp(ts.as_str());
    Asymmetric::verify_signature(&public, &sent, p.headers["x-signature"].to_str().unwrap())
        .unwrap();
    let verifiers = Verifiers::new().with::<Asymmetric>(public);
    assert_eq!(
        verifiers.verify(
            SchemeRef::of::<Asymmetric>(),
            &sent,
            &p.headers.to_header_map()
        ),
        Some(Ok(()))
    );

    // Never for a customer-token (B2B2C) endpoint.
    let customer = SecretString::from("customer-token");
    let pay = CustomerPayRequest {
        partner_reference_no: "ref-1".into(),
    };
    assert_eq!(CustomerPayRequest::META.type2_scheme(), None);
    let err = prepare(
        &pay,
        &snap_ctx(&ts)
            .with_credential(Credential::new::<Asymmetric>(&key))
            .with_customer_token(&customer),
    )
    .unwrap_err();
    assert!(
        matches!(
            err,
            PrepareError::WrongCredential {
                endpoint: "Auth Payment",
                expected: "symmetric",
                given: "asymmetric",
            }
        ),
        "{err:?}"
    );
    // And never the other way round: a symmetric key for an asymmetric endpoint.
    let hmac = HmacKey::new(b"client-secret").unwrap();
    let token = SecretString::from("b2b-token");
    let balance = BalanceRequest {
        account_no: "123".into(),
    };
    let err = prepare(
        &balance,
        &snap_ctx(&ts)
            .with_signer::<Symmetric>(&hmac)
            .with_access_token(&token),
    )
    .unwrap_err();
    assert!(
        matches!(
            err,
            PrepareError::WrongCredential {
                expected: "asymmetric",
                given: "symmetric",
                ..
            }
        ),
        "{err:?}"
    );
}
