//! `snap_server` used directly, as a real provider would: own routes,
//! own handlers, own error format. A panicking handler is a SNAP 500.

use std::sync::Arc;

use serde_json::json;
use snap_core::endpoint::EndpointMeta;
use snap_endpoints::bi;
use snap_endpoints::ipg::{IpgKey, IpgSignature};
use snap_server::tokens::{MemoryTokens, TokenLifetimes};
use snap_server::{
    ErrorReply, Inbound, Partner, Provider, ProviderConfig, Reply, SnapLayer, SnapReply,
    StaticPartners, route, route_with,
};

use crate::support::*;

struct App {
    base: String,
    tokens: MemoryTokens,
    task: tokio::task::JoinHandle<()>,
}

async fn serve_app() -> App {
    let partner = Partner::new(
        CLIENT_ID,
        SECRET.as_bytes(),
        Some(KEY.public_key().unwrap()),
    )
    .unwrap();
    let tokens = MemoryTokens::new(TokenLifetimes::default());
    let provider = Arc::new(Provider::new(
        ProviderConfig::default(),
        Arc::new(StaticPartners::default().with(partner)),
        Arc::new(tokens.clone()),
    ));
    fn plain(_: &EndpointMeta, err: &ErrorReply) -> Reply {
        Reply::json(err.http, &json!({ "error": err.message }))
    }
    async fn buggy(_req: Inbound<bi::AuthVoidQueryRequest>) -> SnapReply<bi::AuthVoidQueryRequest> {
        panic!("a bug in the provider's handler");
    }
    // Any axum response works too (here: not the declared answer, unchecked).
    async fn query(req: Inbound<bi::AuthQueryRequest>) -> (axum::http::StatusCode, String) {
        (
            axum::http::StatusCode::OK,
            json!({
                    "responseCode": "2006400",
                    "responseMessage": "Successful",
                    "partner": req.partner_id(),
                    "customer": req.customer.as_ref().map(|c| c.customer.clone()),
                    "externalId": req.external_id,
                    "path": req.path,
                    "raw": String::from_utf8_lossy(&req.raw_body),
            })
            .to_string(),
        )
    }
    let app = axum::Router::new()
        .route(
            "/v1.0/auth/void-query",
            route::<bi::AuthVoidQueryRequest, _, _, _>(buggy),
        )
        .route(
            "/v1.0/auth/query",
            route_with::<bi::AuthQueryRequest, _, _, _>(query, plain),
        )
        .layer(SnapLayer::new(provider));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    App { base, tokens, task }
}

#[tokio::test]
async fn a_provider_built_on_snap_core_server() {
    let app = serve_app().await;
    // Reuse the test client helpers against this app.
    let env = Env {
        running: start().await.running,
        base: app.base.clone(),
        http: reqwest::Client::new(),
    };
    let token = app.tokens.issue_b2b_now(CLIENT_ID, None).token;
    let cust = app
        .tokens
        .issue_customer_now(CLIENT_ID, "cust-7")
        .access
        .token;

    let body = json!({"originalReferenceNo": "R1"});
    let a = env
        .post("/v1.0/auth/query", &body, &token, Some(&cust))
        .await;
    assert_eq!(a.status, 200, "{:?}", a.json);
    assert_eq!(a.json["partner"], CLIENT_ID);
    assert_eq!(a.json["customer"], "cust-7");
    assert_eq!(a.json["raw"], body.to_string());
    assert_eq!(a.json["path"], "/v1.0/auth/query");

    // Its own error format through `route_with`.
    let a = env
        .post("/v1.0/auth/query", &json!({}), &token, Some(&cust))
        .await;
    assert_eq!(a.status, 400);
    assert_eq!(
        a.json["error"],
        "Invalid Mandatory Field {originalPartnerReferenceNo}"
    );

    // A handler that panics: a SNAP 500, the server keeps serving.
    let vq = json!({"originalReferenceNo": "R1", "merchantId": "m", "partnerVoidNo": "v"});
    let a = env
        .post("/v1.0/auth/void-query", &vq, &token, Some(&cust))
        .await;
    assert_eq!((a.status, a.code()), (500, "5006801"));
    assert_eq!(a.message(), "Internal Server Error");
    let a = env
        .post("/v1.0/auth/query", &body, &token, Some(&cust))
        .await;
    assert_eq!(a.status, 200);

    // Partner's Debug hides its secrets.
    let p = Partner::new(CLIENT_ID, SECRET.as_bytes(), None)
        .unwrap()
        .with_verifier::<IpgSignature>(IpgKey::new(b"ipg-key").unwrap());
    let shown = format!("{p:?}");
    assert!(
        !shown.contains(SECRET) && !shown.contains("ipg-key"),
        "{shown}"
    );
    assert!(shown.contains("[redacted]"));
    app.task.abort();
    env.running.shutdown().await;
}
