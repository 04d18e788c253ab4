//! Access Token B2B (73) and B2B2C (74): RSA signature, expiry, auth codes.

use http::HeaderMap;
use serde_json::json;

use crate::support::*;

const B2B: &str = "/v1.0/access-token/b2b";
const B2B2C: &str = "/v1.0/access-token/b2b2c";

fn token_headers(client_key: &str, signed_id: &str, ts: &str) -> HeaderMap {
    let mut h = HeaderMap::new();
    h.insert("content-type", "application/json".parse().unwrap());
    h.insert("x-timestamp", ts.parse().unwrap());
    h.insert("x-client-key", client_key.parse().unwrap());
    h.insert(
        "x-signature",
        sign_token(&KEY, signed_id, ts).unwrap().parse().unwrap(),
    );
    h
}

#[tokio::test]
async fn b2b_token_is_issued_after_the_rsa_signature_verifies() {
    let env = start().await;
    let a = env
        .token_request(B2B, CLIENT_ID, &json!({"grantType": "client_credentials"}))
        .await;
    assert_eq!((a.status, a.code()), (200, "2007300"));
    assert_eq!(a.json["tokenType"], "Bearer");
    assert_eq!(a.json["expiresIn"], "900");
    assert_eq!(a.json["accessToken"].as_str().unwrap().len(), 43);
    assert_eq!(
        a.headers["x-client-key"], CLIENT_ID,
        "BI's 73 response headers"
    );
    assert!(a.headers.contains_key("x-timestamp"));

    let body = json!({"grantType": "client_credentials"})
        .to_string()
        .into_bytes();
    // Signed for another client id than X-CLIENT-KEY.
    let a = env
        .send(
            "POST",
            B2B,
            token_headers(CLIENT_ID, "someone-else", &now()),
            body.clone(),
        )
        .await;
    assert_eq!((a.status, a.code()), (401, "4017300"));
    assert_eq!(a.message(), "Unauthorized. Invalid Signature");
    // Unknown client.
    let a = env
        .send(
            "POST",
            B2B,
            token_headers("stranger", "stranger", &now()),
            body.clone(),
        )
        .await;
    assert_eq!((a.status, a.code()), (401, "4017300"));
    assert_eq!(a.message(), "Unauthorized. Unknown Client");
    // Missing X-CLIENT-KEY.
    let mut h = token_headers(CLIENT_ID, CLIENT_ID, &now());
    h.remove("x-client-key");
    let a = env.send("POST", B2B, h, body.clone()).await;
    assert_eq!((a.status, a.code()), (400, "4007302"));
    assert_eq!(a.message(), "Invalid Mandatory Field {X-CLIENT-KEY}");
    // Stale timestamp.
    let a = env
        .send(
            "POST",
            B2B,
            token_headers(CLIENT_ID, CLIENT_ID, &shifted(-900)),
            body.clone(),
        )
        .await;
    assert_eq!(a.code(), "4017300");
    // Wrong grant type.
    let a = env
        .token_request(B2B, CLIENT_ID, &json!({"grantType": "password"}))
        .await;
    assert_eq!((a.status, a.code()), (400, "4007301"));
    assert_eq!(a.message(), "Invalid Field Format {grantType}");
    // Missing grant type.
    let a = env.token_request(B2B, CLIENT_ID, &json!({})).await;
    assert_eq!(a.code(), "4007302");
    env.running.shutdown().await;
}

#[tokio::test]
async fn token_endpoints_are_also_served_under_provider_prefixes() {
    let env = start().await;
    for prefix in ["/gopay", "/paydia"] {
        let a = env
            .token_request(
                &format!("{prefix}{B2B}"),
                CLIENT_ID,
                &json!({"grantType": "client_credentials"}),
            )
            .await;
        assert_eq!(a.code(), "2007300", "{prefix}");
    }
    env.running.shutdown().await;
}

#[tokio::test]
async fn a_partner_without_a_public_key_cannot_get_tokens() {
    let env = start_with(|c| {
        c.partners
            .push(snap_sandbox::config::sandbox_partner("keyless", "s3cret", None).unwrap())
    })
    .await;
    let a = env
        .token_request(B2B, "keyless", &json!({"grantType": "client_credentials"}))
        .await;
    assert_eq!((a.status, a.code()), (401, "4017300"));
    assert_eq!(a.message(), "Unauthorized. Key not Found");
    env.running.shutdown().await;
}

#[tokio::test]
async fn customer_tokens_from_auth_codes_and_refresh_tokens() {
    let env = start().await;
    // The handout endpoint: a single-use code for this partner, asked for
    // with the partner's B2B token.
    let mut h = HeaderMap::new();
    h.insert("content-type", "application/json".parse().unwrap());
    let unauthenticated = env
        .send(
            "POST",
            "/sandbox/v1.0/auth-code",
            h.clone(),
            json!({"clientId": CLIENT_ID, "customerId": "cust-42"})
                .to_string()
                .into_bytes(),
        )
        .await;
    assert_eq!(unauthenticated.status, 401, "{:?}", unauthenticated.json);
    let token = env.b2b_token().await;
    h.insert("authorization", format!("Bearer {token}").parse().unwrap());
    let code = env
        .send(
            "POST",
            "/sandbox/v1.0/auth-code",
            h.clone(),
            json!({"clientId": CLIENT_ID, "customerId": "cust-42"})
                .to_string()
                .into_bytes(),
        )
        .await;
    assert_eq!(code.status, 200);
    assert_eq!(code.json["expiresIn"], "300");
    let auth_code = code.json["authCode"].as_str().unwrap().to_owned();

    let body = json!({"grantType": "AUTHORIZATION_CODE", "authCode": auth_code});
    let a = env.token_request(B2B2C, CLIENT_ID, &body).await;
    assert_eq!((a.status, a.code()), (200, "2007400"), "{:?}", a.json);
    assert_eq!(a.json["additionalInfo"]["customerId"], "cust-42");
    for field in ["accessTokenExpiryTime", "refreshTokenExpiryTime"] {
        let t = a.json[field].as_str().unwrap();
        assert!(
            snap_core::time::SnapTimestamp::parse(t).is_ok(),
            "{field}: {t}"
        );
    }
    let refresh = a.json["refreshToken"].as_str().unwrap().to_owned();

    // Single use.
    let again = env.token_request(B2B2C, CLIENT_ID, &body).await;
    assert_eq!((again.status, again.code()), (401, "4017400"));
    assert_eq!(again.message(), "Unauthorized. Invalid authCode");

    // Refresh: new tokens, the refresh token is consumed.
    let r = env
        .token_request(
            B2B2C,
            CLIENT_ID,
            &json!({"grantType": "REFRESH_TOKEN", "refreshToken": refresh}),
        )
        .await;
    assert_eq!(r.code(), "2007400");
    assert_ne!(r.json["accessToken"], a.json["accessToken"]);
    let r2 = env
        .token_request(
            B2B2C,
            CLIENT_ID,
            &json!({"grantType": "REFRESH_TOKEN", "refreshToken": refresh}),
        )
        .await;
    assert_eq!(r2.code(), "4017400");

    // Conditional mandatory field.
    let m = env
        .token_request(
            B2B2C,
            CLIENT_ID,
            &json!({"grantType": "AUTHORIZATION_CODE"}),
        )
        .await;
    assert_eq!((m.status, m.code()), (400, "4007402"));
    assert_eq!(m.message(), "Invalid Mandatory Field {authCode}");

    // A code handed out to another partner does not work for us.
    let mut oh = h.clone();
    let other_token = env.b2b_token_for(OTHER_ID).await;
    oh.insert(
        "authorization",
        format!("Bearer {other_token}").parse().unwrap(),
    );
    let other = env
        .send(
            "POST",
            "/sandbox/v1.0/auth-code",
            oh,
            json!({"clientId": OTHER_ID, "customerId": "cust-43"})
                .to_string()
                .into_bytes(),
        )
        .await;
    let foreign = json!({"grantType": "AUTHORIZATION_CODE", "authCode": other.json["authCode"]});
    assert_eq!(
        env.token_request(B2B2C, CLIENT_ID, &foreign).await.code(),
        "4017400"
    );

    // Bad handout requests: another partner's clientId, a bad customer id.
    let bad = env
        .send(
            "POST",
            "/sandbox/v1.0/auth-code",
            h.clone(),
            json!({"clientId": "nobody", "customerId": "c"})
                .to_string()
                .into_bytes(),
        )
        .await;
    assert_eq!(bad.status, 403);
    let bad = env
        .send(
            "POST",
            "/sandbox/v1.0/auth-code",
            h,
            json!({"customerId": "a b"}).to_string().into_bytes(),
        )
        .await;
    assert_eq!(bad.status, 400);
    env.running.shutdown().await;
}
