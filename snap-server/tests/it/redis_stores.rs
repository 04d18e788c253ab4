//! The Redis stores against a real redis-server: two store handles (two
//! instances) over one server behave as one store.

use std::sync::Arc;
use std::time::Duration;

use snap_server::ProviderConfig;
use snap_server::idempotency::{Claim, Fingerprint, IdempotencyStore, StoredAnswer};
use snap_server::limits::{RateLimit, RateLimiter};
use snap_server::redis::RedisStores;
use snap_server::store::{Expect, RecordStore, unix_millis, update};
use snap_server::tokens::{ReplayKey, TokenProblem, TokenStore};

use crate::support::*;

async fn pair(test: &str, config: &ProviderConfig) -> Option<(RedisStores, RedisStores)> {
    let url = redis_url()?;
    let prefix = prefix(test);
    let a = RedisStores::connect(&url, &prefix, config)
        .await
        .expect("connect A");
    let b = RedisStores::connect(&url, &prefix, config)
        .await
        .expect("connect B");
    Some((a, b))
}

#[tokio::test]
async fn tokens_are_shared_replays_mint_nothing_and_the_cap_holds() {
    let config = ProviderConfig::builder()
        .max_tokens_per_partner(5)
        .build()
        .unwrap();
    let Some((a, b)) = pair("tokens", &config).await else {
        return;
    };
    let t = a.issue_b2b("p1", None).await.unwrap();
    assert_eq!(b.check_b2b(&t.token).await.unwrap().unwrap().partner, "p1");
    assert_eq!(
        b.check_b2b("nope").await.unwrap(),
        Err(TokenProblem::Unknown)
    );
    let key = ReplayKey::of("p1", "2026-11-22T10:00:00+07:00", "sig");
    let r1 = a.issue_b2b("p1", Some(key)).await.unwrap();
    let r2 = b.issue_b2b("p1", Some(key)).await.unwrap();
    assert_eq!(
        r1.token, r2.token,
        "a replay on another instance gets the same token"
    );
    let mut all = Vec::new();
    for _ in 0..10 {
        all.push(a.issue_b2b("p1", None).await.unwrap().token);
    }
    assert_eq!(
        b.check_b2b(&all[0]).await.unwrap(),
        Err(TokenProblem::Unknown),
        "retired past the cap"
    );
    assert!(b.check_b2b(&all[9]).await.unwrap().is_ok());

    let c = a.issue_customer("p1", "cust-1", None).await.unwrap();
    let g = b
        .check_customer("p1", &c.access.token)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(g.customer, "cust-1");
    assert_eq!(
        b.check_customer("p2", &c.access.token).await.unwrap(),
        Err(TokenProblem::WrongPartner)
    );
    let fresh = b
        .refresh_customer("p1", &c.refresh.token, None)
        .await
        .unwrap();
    assert_eq!(fresh.customer, "cust-1");
    assert!(
        a.refresh_customer("p1", &c.refresh.token, None)
            .await
            .is_err(),
        "single use"
    );

    assert!(a.expire_partner("p1").await.unwrap() >= 1);
    assert_eq!(
        b.check_b2b(&all[9]).await.unwrap(),
        Err(TokenProblem::Expired)
    );
}

fn answer(body: &str) -> StoredAnswer {
    StoredAnswer {
        status: 200,
        body: body.as_bytes().to_vec().into(),
    }
}

#[tokio::test]
async fn an_external_id_is_claimed_once_across_instances_and_retries_wait() {
    let Some((a, b)) = pair("xid", &ProviderConfig::default()).await else {
        return;
    };
    let f = Fingerprint::of("POST", "/x", b"{\"a\":1}");
    let g = Fingerprint::of("POST", "/x", b"{\"a\":2}");
    let now = unix_millis();
    let Claim::New(ticket) = a.claim("p", "ext-1", f, now).await.unwrap() else {
        panic!("first claim")
    };
    assert!(matches!(
        b.claim("p", "ext-1", g, now).await.unwrap(),
        Claim::Conflict
    ));
    let Claim::InFlight(waiter) = b.claim("p", "ext-1", f, now).await.unwrap() else {
        panic!("B waits for A")
    };
    let waiting = tokio::spawn(waiter.wait());
    tokio::time::sleep(Duration::from_millis(100)).await;
    ticket.complete(answer("from A")).await.unwrap();
    let got = waiting.await.unwrap().expect("A's answer");
    assert_eq!(&got.body[..], b"from A");
    match b.claim("p", "ext-1", f, now).await.unwrap() {
        Claim::Replay(r) => assert_eq!(&r.body[..], b"from A"),
        other => panic!("{other:?}"),
    }
    // Abandoned: the waiter learns it and the next claim is new.
    let Claim::New(t2) = a.claim("p", "ext-2", f, now).await.unwrap() else {
        panic!()
    };
    let Claim::InFlight(w2) = b.claim("p", "ext-2", f, now).await.unwrap() else {
        panic!()
    };
    drop(t2);
    assert!(w2.wait().await.is_none());
    assert!(matches!(
        b.claim("p", "ext-2", f, now).await.unwrap(),
        Claim::New(_)
    ));
    // Another partner is independent.
    assert!(matches!(
        b.claim("q", "ext-1", g, now).await.unwrap(),
        Claim::New(_)
    ));
}

#[tokio::test]
async fn records_compare_and_set_and_counters_are_shared() {
    let Some((a, b)) = pair("records", &ProviderConfig::default()).await else {
        return;
    };
    let ttl = Some(Duration::from_secs(60));
    assert!(
        a.put("k", b"one".to_vec(), Expect::Absent, ttl)
            .await
            .unwrap()
    );
    assert!(
        !b.put("k", b"two".to_vec(), Expect::Absent, ttl)
            .await
            .unwrap()
    );
    let r = b.get("k").await.unwrap().unwrap();
    assert_eq!((r.value.as_slice(), r.version), (&b"one"[..], 1));
    assert!(
        !b.put("k", b"x".to_vec(), Expect::Version(9), ttl)
            .await
            .unwrap()
    );
    assert!(
        b.put("k", b"two".to_vec(), Expect::Version(1), ttl)
            .await
            .unwrap()
    );
    // Concurrent read-modify-writes from both instances: none is lost.
    let a = Arc::new(a);
    let b = Arc::new(b);
    assert!(
        a.put("n", b"0".to_vec(), Expect::Absent, ttl)
            .await
            .unwrap()
    );
    let mut tasks = Vec::new();
    for i in 0..20 {
        let s = if i % 2 == 0 { a.clone() } else { b.clone() };
        tasks.push(tokio::spawn(async move {
            update(&*s, "n", ttl, |v| {
                let n: u64 = std::str::from_utf8(v.unwrap()).unwrap().parse().unwrap();
                Ok::<_, ()>(Some((n + 1).to_string().into_bytes()))
            })
            .await
            .unwrap()
            .unwrap();
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    assert_eq!(a.get("n").await.unwrap().unwrap().value, b"20");
    assert_eq!(a.next("seq").await.unwrap(), 1);
    assert_eq!(b.next("seq").await.unwrap(), 2);
    assert!(a.delete("k").await.unwrap());
    assert!(b.get("k").await.unwrap().is_none());
}

#[tokio::test]
async fn the_rate_limit_is_shared() {
    let config = ProviderConfig::builder()
        .rate_limit(Some(RateLimit {
            requests: 4,
            per: Duration::from_secs(60),
        }))
        .build()
        .unwrap();
    let Some((a, b)) = pair("rate", &config).await else {
        return;
    };
    let mut admitted = 0;
    for i in 0..10 {
        let s = if i % 2 == 0 { &a } else { &b };
        if s.admit("p").await.unwrap() {
            admitted += 1;
        }
    }
    // A window boundary may split the run: at most two windows' worth.
    assert!((4..=8).contains(&admitted), "{admitted}");
}
