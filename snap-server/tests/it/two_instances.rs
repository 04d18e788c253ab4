//! Two provider instances on two ports over one redis-server act as one
//! provider.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use snap_server::redis::RedisStores;
use snap_server::tokens::TokenStore;
use snap_server::{Provider, ProviderConfig};

use crate::support::*;

async fn redis_provider(url: &str, prefix: &str) -> Arc<Provider> {
    let config = ProviderConfig::default();
    let stores = RedisStores::connect(url, prefix, &config)
        .await
        .expect("redis");
    let tokens: Arc<dyn TokenStore> = Arc::new(stores.clone());
    Arc::new(
        Provider::new(config, Arc::new(partners()), tokens)
            .with_idempotency(Arc::new(stores.clone()))
            .with_rate_limiter(Some(Arc::new(stores))),
    )
}

#[tokio::test]
async fn two_instances_one_provider() {
    let Some(url) = redis_url() else { return };
    let prefix = prefix("two");
    let a = serve_app(redis_provider(&url, &prefix).await, "A", Duration::ZERO).await;
    let b = serve_app(redis_provider(&url, &prefix).await, "B", Duration::ZERO).await;

    // A token issued by A works on B.
    let token = token(&a.base).await;
    let ext = ext_id();
    let first = call(&a.base, &token, &ext, &pay_request("order-1", "10000.00")).await;
    assert_eq!(
        (first.status, first.code()),
        (200, "2005400"),
        "{:?}",
        first.json
    );
    // The same X-EXTERNAL-ID and body on B: A's bytes, not executed again.
    let again = call(&b.base, &token, &ext, &pay_request("order-1", "10000.00")).await;
    assert_eq!(again.status, 200);
    assert_eq!(again.raw, first.raw);
    assert_eq!(again.headers["x-idempotent-replay"], "true");
    assert_eq!(a.state.executed.load(Ordering::SeqCst), 1);
    assert_eq!(b.state.executed.load(Ordering::SeqCst), 0);
    // Another body on B: 409.
    let other = call(&b.base, &token, &ext, &pay_request("order-2", "10000.00")).await;
    assert_eq!((other.status, other.code()), (409, "4095400"));
    a.stop().await;
    b.stop().await;
}

#[tokio::test]
async fn a_retry_reaching_another_instance_while_the_original_runs_waits_for_it() {
    let Some(url) = redis_url() else { return };
    let prefix = prefix("wait");
    let a = serve_app(
        redis_provider(&url, &prefix).await,
        "A",
        Duration::from_millis(600),
    )
    .await;
    let b = serve_app(redis_provider(&url, &prefix).await, "B", Duration::ZERO).await;
    let token = token(&b.base).await;
    let ext = ext_id();
    let (base_a, t, e) = (a.base.clone(), token.clone(), ext.clone());
    let original =
        tokio::spawn(async move { call(&base_a, &t, &e, &pay_request("slow", "5.00")).await });
    tokio::time::sleep(Duration::from_millis(200)).await;
    let retry = call(&b.base, &token, &ext, &pay_request("slow", "5.00")).await;
    let original = original.await.unwrap();
    assert_eq!(original.status, 200);
    assert_eq!(retry.raw, original.raw, "B answered A's bytes");
    assert_eq!(
        a.state.executed.load(Ordering::SeqCst) + b.state.executed.load(Ordering::SeqCst),
        1
    );
    a.stop().await;
    b.stop().await;
}
