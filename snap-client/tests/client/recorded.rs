//! The client over the recorded-answers transport (`snap_client::mock`):
//! what needs no network, or precise control of every answer.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::json;
use snap_client::mock::{Recorded, RecordedTransport};
use snap_client::{
    CallOptions, ClientConfig, ClientError, RetryPolicy, RetryRules, SnapClient, TransportErrorKind,
};
use snap_core::SnapRequest;
use snap_core::endpoint::{Endpoint, RequestContext, StatusQueried, prepare};
use snap_core::secret::SecretString;
use snap_core::sign::{HmacKey, Symmetric};
use snap_core::time::SnapTimestamp;

use super::server::{AUTH_CODE, CLIENT_ID, CLIENT_SECRET, PRIVATE_KEY};
use super::{CustomerPayRequest, IDR, PayQueryRequest, PayRequest, PayResponse, pay};

const B2B: &str = "/v1.0/access-token/b2b";
const B2B2C: &str = "/v1.0/access-token/b2b2c";
const PAY: &str = "/v1.0/test/pay-63";
const QUERY: &str = "/v1.0/test/query-64";

fn token_ok() -> Recorded {
    Recorded::json(
        200,
        json!({"responseCode": "2007300", "responseMessage": "Successful",
               "accessToken": "recorded-b2b-token", "tokenType": "Bearer", "expiresIn": "900"}),
    )
}

fn paid(reference: &str) -> Recorded {
    Recorded::json(
        200,
        json!({"responseCode": "2006300", "responseMessage": "Successful",
               "referenceNo": "R-1", "partnerReferenceNo": reference}),
    )
}

fn config() -> ClientConfig {
    ClientConfig::new("https://provider.example", CLIENT_ID)
        .with_client_secret(CLIENT_SECRET)
        .with_private_key_pem(PRIVATE_KEY)
        .unwrap()
        .with_retry(RetryRules::new(
            RetryPolicy::default()
                .with_max_attempts(3)
                .with_backoff(Duration::from_millis(1), Duration::from_millis(5)),
        ))
}

/// N callers find no token; the token endpoint refuses (slowly): exactly one
/// token request is made, and every caller gets that refusal.
#[tokio::test]
async fn a_failed_token_refresh_is_shared_by_every_waiter() {
    let transport = RecordedTransport::new().on(
        B2B,
        Recorded::json(
            401,
            json!({"responseCode": "4017300", "responseMessage": "Unauthorized. [Unknown client]"}),
        )
        .after(Duration::from_millis(100)),
    );
    let client = SnapClient::with_transport(config(), transport.clone()).unwrap();
    let calls: Vec<_> = (0..8)
        .map(|i| {
            let client = client.clone();
            tokio::spawn(async move { client.call(&pay(&format!("w-{i}"))).await })
        })
        .collect();
    for call in calls {
        match call.await.unwrap() {
            Err(ClientError::Token {
                http_status: Some(401),
                response_code,
                ..
            }) => assert_eq!(response_code.as_deref(), Some("4017300")),
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(transport.count(B2B), 1, "one token request for 8 waiters");
    assert_eq!(transport.count(PAY), 0);
    // A caller that comes after the failure tries again.
    transport.push(B2B, token_ok());
    transport.push(PAY, paid("later"));
    client.call(&pay("later")).await.unwrap();
    assert_eq!(transport.count(B2B), 2);
    assert_eq!(transport.count(PAY), 1);
}

/// The token path uses the same retry decision: a 503 to the token request
/// is resent, a timeout too, and the call then goes through.
#[tokio::test]
async fn token_requests_follow_the_retry_decision() {
    let transport = RecordedTransport::new()
        .on(B2B, Recorded::json(503, json!({"responseCode": "5037300"})))
        .on(B2B, Recorded::silence())
        .on(B2B, token_ok())
        .on(PAY, paid("t"));
    let client = SnapClient::with_transport(
        config().with_timeout(Duration::from_millis(100)),
        transport.clone(),
    )
    .unwrap();
    client.call(&pay("t")).await.unwrap();
    assert_eq!(transport.count(B2B), 3);
    // Policies are per endpoint type: the token request can have its own.
    let transport =
        RecordedTransport::new().on(B2B, Recorded::json(503, json!({"responseCode": "5037300"})));
    let rules = RetryRules::new(RetryPolicy::default())
        .for_endpoint::<snap_core::token::AccessTokenB2bRequest>(RetryPolicy::never());
    let client = SnapClient::with_transport(config().with_retry(rules), transport.clone()).unwrap();
    let err = client.call(&pay("t")).await.unwrap_err();
    assert!(
        matches!(
            err,
            ClientError::Token {
                http_status: Some(503),
                retryable: true,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(transport.count(B2B), 1);
}

/// A TLS refusal is never resent (nothing reached the provider), is not
/// retryable, and says which side refused.
#[tokio::test]
async fn a_tls_refusal_is_not_retried_and_names_the_side() {
    let transport = RecordedTransport::new().on(B2B, token_ok()).on(
        PAY,
        Recorded::failure(
            TransportErrorKind::TlsClientRejected,
            "received TLS alert CertificateRequired",
        ),
    );
    let client = SnapClient::with_transport(config(), transport.clone()).unwrap();
    let err = client.call(&pay("tls")).await.unwrap_err();
    match &err {
        ClientError::Transport {
            kind,
            attempts,
            message,
            ..
        } => {
            assert_eq!(*kind, TransportErrorKind::TlsClientRejected);
            assert_eq!(*attempts, 1);
            assert!(
                message.contains("the server refused this client"),
                "{message}"
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(!err.is_retryable());
    assert_eq!(transport.count(PAY), 1);
}

/// A connection never made is retried, and a 409 after only such failures is
/// the caller's own reuse of the id, not "already processed".
#[tokio::test]
async fn a_409_after_connection_failures_only_is_a_plain_answer() {
    let transport = RecordedTransport::new()
        .on(B2B, token_ok())
        .on(
            PAY,
            Recorded::failure(TransportErrorKind::Connect, "connection refused"),
        )
        .on(
            PAY,
            Recorded::json(
                409,
                json!({"responseCode": "4096300", "responseMessage": "Conflict"}),
            ),
        );
    let client = SnapClient::with_transport(config(), transport.clone()).unwrap();
    let err = client.call(&pay("c")).await.unwrap_err();
    assert!(
        matches!(&err, ClientError::Snap(a) if a.http_status == 409),
        "{err:?}"
    );
    assert_eq!(transport.count(PAY), 2);
}

impl StatusQueried for PayRequest {
    type Query = PayQueryRequest;
    fn status_query(&self) -> Option<PayQueryRequest> {
        Some(PayQueryRequest {
            original_partner_reference_no: self.partner_reference_no.clone(),
        })
    }
}

/// `RetryRules::status_query::<E>()`: a 409 to a retry is settled with E's
/// own status query (snap-core's `StatusQueried`), built from the typed
/// request; a type-erased call (`call_json`) finds the same rule by its
/// declaration and builds the query from the body.
#[tokio::test]
async fn status_queried_settles_a_409_to_a_retry() {
    let transport = RecordedTransport::new()
        .on(B2B, token_ok())
        .on(PAY, Recorded::silence())
        .on(
            PAY,
            Recorded::json(
                409,
                json!({"responseCode": "4096300", "responseMessage": "Conflict"}),
            ),
        )
        .on(
            QUERY,
            Recorded::json(
                200,
                json!({"responseCode": "2006400", "responseMessage": "Successful",
                       "partnerReferenceNo": "q-1"}),
            ),
        );
    let rules = RetryRules::new(
        RetryPolicy::default().with_backoff(Duration::from_millis(1), Duration::from_millis(5)),
    )
    .status_query::<PayRequest>();
    let client = SnapClient::with_transport(
        config()
            .with_timeout(Duration::from_millis(100))
            .with_retry(rules),
        transport.clone(),
    )
    .unwrap();
    let err = client.call(&pay("q-1")).await.unwrap_err();
    let ClientError::AlreadyProcessed(a) = &err else {
        panic!("{err:?}")
    };
    let r = a.resolution.as_ref().expect("the status query answered");
    assert_eq!(r.endpoint, "Test Pay Query");
    assert_eq!(r.response_code.as_deref(), Some("2006400"));
    let query = transport.requests_to(QUERY);
    assert_eq!(query.len(), 1);
    assert_eq!(query[0].body, br#"{"originalPartnerReferenceNo":"q-1"}"#);

    // Type-erased: the same rule, found by the declaration.
    transport.push(PAY, Recorded::silence());
    transport.push(
        PAY,
        Recorded::json(
            409,
            json!({"responseCode": "4096300", "responseMessage": "Conflict"}),
        ),
    );
    let body = serde_json::to_vec(&pay("q-2")).unwrap();
    let err = client
        .call_json(&PayRequest::META, &body, |_| Ok(()), CallOptions::default())
        .await
        .unwrap_err();
    let ClientError::AlreadyProcessed(a) = &err else {
        panic!("{err:?}")
    };
    assert!(a.resolution.is_some(), "{err}");
    let query = transport.requests_to(QUERY);
    assert_eq!(query[1].body, br#"{"originalPartnerReferenceNo":"q-2"}"#);
}

/// The device headers are part of the request context: the config's
/// X-DEVICE-ID on B2B2C calls, the call's own device headers, each checked
/// by the header table's rule before anything is sent.
#[tokio::test]
async fn device_headers_come_from_the_context_and_are_checked() {
    let transport = RecordedTransport::new()
        .on(B2B, token_ok())
        .on(
            B2B2C,
            Recorded::json(
                200,
                json!({"responseCode": "2007400", "responseMessage": "Successful",
                       "accessToken": "recorded-customer-token", "tokenType": "Bearer",
                       "accessTokenExpiryTime": "2099-01-01T00:00:00+07:00",
                       "refreshToken": "recorded-refresh", "refreshTokenExpiryTime": "2099-01-01T00:00:00+07:00"}),
            ),
        )
        .on("/v1.0/test/cpay-63", paid("d"))
        .on(PAY, paid("p"));
    let client = SnapClient::with_transport(
        config()
            .with_device_id("device-7")
            .with_origin("www.merchant.example"),
        transport.clone(),
    )
    .unwrap();
    let customer = client
        .customer_token(&SecretString::from(AUTH_CODE))
        .await
        .unwrap();
    let request = CustomerPayRequest {
        partner_reference_no: "d".to_owned(),
        amount: snap_core::money::Money::parse("1.00", IDR).unwrap(),
    };
    let options = CallOptions::default()
        .customer(&customer)
        .ip_address("203.0.113.9")
        .location("-6.2088", "106.8456");
    client.call_with(&request, options).await.unwrap();
    let sent = &transport.requests_to("/v1.0/test/cpay-63")[0];
    assert_eq!(sent.header("x-device-id"), Some("device-7"));
    assert_eq!(sent.header("origin"), Some("www.merchant.example"));
    assert_eq!(sent.header("x-ip-address"), Some("203.0.113.9"));
    assert_eq!(sent.header("x-latitude"), Some("-6.2088"));
    assert_eq!(sent.header("x-longitude"), Some("106.8456"));
    assert_eq!(
        sent.header("authorization-customer"),
        Some("Bearer recorded-customer-token")
    );
    // B2B: no device id unless the call sets one; ORIGIN from the config.
    client.call(&pay("p")).await.unwrap();
    let sent = &transport.requests_to(PAY)[0];
    assert_eq!(sent.header("x-device-id"), None);
    assert_eq!(sent.header("origin"), Some("www.merchant.example"));
    // A bad value is refused before sending, naming the header.
    let before = transport.requests().len();
    let err = client
        .call_with(
            &request,
            CallOptions::default()
                .customer(&customer)
                .ip_address("172.24.281.24"),
        )
        .await
        .unwrap_err();
    assert!(err.nothing_sent(), "{err:?}");
    assert!(err.to_string().contains("X-IP-ADDRESS"), "{err}");
    assert_eq!(transport.requests().len(), before);
}

/// A free-form JSON member keeps the caller's key order: `prepare` of a
/// fixture sends exactly that fixture's bytes, minified.
#[derive(Debug, Clone, Serialize, Deserialize, SnapRequest)]
#[snap(service = 63, method = "POST", path = "/v1.0/test/pay-63", response = PayResponse, name = "Test Pay With Info")]
#[serde(rename_all = "camelCase")]
struct PayWithInfo {
    #[snap(max = 64)]
    partner_reference_no: String,
    amount: snap_core::money::Money,
    #[serde(skip_serializing_if = "Option::is_none")]
    additional_info: Option<serde_json::Map<String, serde_json::Value>>,
}

#[test]
fn prepare_sends_the_fixture_bytes_minified() {
    // Keys deliberately out of alphabetical order, nested and in an array;
    // numbers a float would re-render (serde_json's `arbitrary_precision`
    // keeps their text: 1.10 is not sent as 1.1). One rendering it does
    // change: an exponent, `1E2`, is sent as `1e+2`.
    let fixture = r#"{
      "partnerReferenceNo": "ORDER-9",
      "amount": {"value": "10000.00", "currency": "IDR"},
      "additionalInfo": {
        "zeta": "last letter, first key",
        "deviceId": "12345679237",
        "channel": "mobilephone",
        "nested": {"y": 1, "b": [ {"k2": true, "k1": null} ], "a": "x"},
        "numbers": [1.10, 2999.9999999999999, 12345678901234567890123, -0.50]
      }
    }"#;
    let request: PayWithInfo = serde_json::from_str(fixture).unwrap();
    let key = HmacKey::new(CLIENT_SECRET.as_bytes()).unwrap();
    let token = SecretString::from("t");
    let ts = SnapTimestamp::parse("2024-01-01T00:00:00+07:00").unwrap();
    let ctx = RequestContext::new(&ts)
        .with_external_id("1")
        .with_partner_id(CLIENT_ID)
        .with_channel_id("95221")
        .with_signer::<Symmetric>(&key)
        .with_access_token(&token);
    let prepared = prepare(&request, &ctx).unwrap();
    let minified = snap_core::sign::minify(fixture.as_bytes()).unwrap();
    assert_eq!(
        String::from_utf8(prepared.body).unwrap(),
        String::from_utf8(minified).unwrap()
    );
}
