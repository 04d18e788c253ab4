//! Account bindings (registration 07-09) and the customer tokens that come
//! from them.
//!
//! A binding (07) links a customer to the partner under a `linkId` and
//! hands out an auth code that Access Token B2B2C (74) redeems for the
//! customer's tokens. Unbinding (09) ends the binding and revokes every
//! customer token of that customer issued to the partner before it: a
//! later call carrying one is refused as any invalid customer token
//! (`401{SS}02 Invalid Customer Token`), and its refresh token no longer
//! refreshes. A new binding (and the tokens from it) works again.
//!
//! Bindings, and what [`RevocableTokens`] records about issued customer
//! tokens, live in the sandbox's [`RecordStore`] (see [`crate::books`]):
//! with `snap sandbox --redis`, an unbinding on one instance revokes the
//! tokens on every instance.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use snap_server::store::{BoxFuture, Expect, RecordStore, StoreError};
use snap_server::tokens::{
    B2bGrant, CustomerGrant, CustomerTokens, IssuedToken, RefreshError, ReplayKey, TokenLifetimes,
    TokenProblem, TokenStore, token_digest,
};

use crate::books::{self, part};

/// One binding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Binding {
    /// The sandbox's `linkId`.
    pub link_id: String,
    /// The customer bound.
    pub customer: String,
    /// Bound at.
    pub created: String,
    /// Unbound at (09), if it was.
    pub unbound: Option<String>,
}

/// The bindings of every partner, in a [`RecordStore`].
#[derive(Clone)]
pub struct Bindings {
    store: Arc<dyn RecordStore>,
}

impl std::fmt::Debug for Bindings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Bindings")
    }
}

fn link_key(partner: &str, link: &str) -> String {
    format!("bind:{}:{link}", part(partner))
}

fn customer_key(partner: &str, customer: &str) -> String {
    format!("bind:customer:{}:{customer}", part(partner))
}

/// The revocation generation of a customer's tokens: raised by every
/// unbinding.
fn generation_key(partner: &str, customer: &str) -> String {
    format!("bind:generation:{}:{customer}", part(partner))
}

impl Bindings {
    /// Bindings kept in `store`.
    pub fn new(store: Arc<dyn RecordStore>) -> Self {
        Bindings { store }
    }

    /// Binds `customer` to `partner` (07): a new `linkId`.
    pub async fn bind(
        &self,
        partner: &str,
        customer: &str,
        now: &str,
    ) -> Result<Binding, StoreError> {
        let n = self.store.next("bind:seq").await?;
        let b = Binding {
            link_id: format!("LNK{n:012}"),
            customer: customer.to_owned(),
            created: now.to_owned(),
            unbound: None,
        };
        books::save(&*self.store, &link_key(partner, &b.link_id), &b).await?;
        self.store
            .put(
                &customer_key(partner, customer),
                b.link_id.clone().into_bytes(),
                Expect::Any,
                books::ttl(),
            )
            .await?;
        Ok(b)
    }

    /// The binding `link`, if it exists (unbound ones included).
    pub async fn get(&self, partner: &str, link: &str) -> Result<Option<Binding>, StoreError> {
        books::load(&*self.store, &link_key(partner, link)).await
    }

    /// The customer's current binding (08), if it is bound.
    pub async fn of_customer(
        &self,
        partner: &str,
        customer: &str,
    ) -> Result<Option<Binding>, StoreError> {
        let Some(r) = self.store.get(&customer_key(partner, customer)).await? else {
            return Ok(None);
        };
        let link = String::from_utf8_lossy(&r.value).into_owned();
        Ok(self
            .get(partner, &link)
            .await?
            .filter(|b| b.unbound.is_none()))
    }

    /// Unbinds `link` (09), once: `Ok(None)` when it is not bound. Revokes
    /// the customer's tokens issued to `partner` so far.
    pub async fn unbind(
        &self,
        partner: &str,
        link: &str,
        now: &str,
    ) -> Result<Option<Binding>, StoreError> {
        let done = books::modify(
            &*self.store,
            &link_key(partner, link),
            |cur: Option<Binding>| match cur {
                Some(mut b) if b.unbound.is_none() => {
                    b.unbound = Some(now.to_owned());
                    Ok((b, ()))
                }
                _ => Err(()),
            },
        )
        .await?;
        let Ok((b, ())) = done else {
            return Ok(None);
        };
        books::modify(
            &*self.store,
            &generation_key(partner, &b.customer),
            |g: Option<u64>| Ok::<_, ()>((g.unwrap_or(0) + 1, ())),
        )
        .await?
        .ok();
        Ok(Some(b))
    }

    async fn generation(&self, partner: &str, customer: &str) -> Result<u64, StoreError> {
        Ok(
            books::load::<u64>(&*self.store, &generation_key(partner, customer))
                .await?
                .unwrap_or(0),
        )
    }
}

/// What is recorded about an issued customer token.
#[derive(Debug, Serialize, Deserialize)]
struct Issued {
    partner: String,
    customer: String,
    generation: u64,
}

/// A [`TokenStore`] that honours unbinding: customer tokens issued before
/// the customer was unbound (09) are refused (`TokenProblem::Expired`, so
/// `401{SS}02`), their refresh tokens too. Everything else is the inner
/// store's.
pub struct RevocableTokens {
    inner: Arc<dyn TokenStore>,
    bindings: Bindings,
}

impl std::fmt::Debug for RevocableTokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RevocableTokens")
    }
}

impl RevocableTokens {
    /// `inner`, with revocations recorded in `bindings`' store.
    pub fn new(inner: Arc<dyn TokenStore>, bindings: Bindings) -> Self {
        RevocableTokens { inner, bindings }
    }

    fn key(token: &str) -> String {
        format!("ctok:{}", token_digest(token))
    }

    async fn remember(&self, partner: &str, t: &CustomerTokens) -> Result<(), StoreError> {
        let generation = self.bindings.generation(partner, &t.customer).await?;
        let rec = Issued {
            partner: partner.to_owned(),
            customer: t.customer.clone(),
            generation,
        };
        let store = &*self.bindings.store;
        for (token, life) in [
            (&t.access.token, t.access.expires_in),
            (&t.refresh.token, t.refresh.expires_in),
        ] {
            // Kept when already there: a replayed token request gets the
            // first one's tokens, which keep the generation they were
            // issued in (a replay after an unbinding does not revive them).
            let key = Self::key(token);
            store
                .put(&key, books::encode(&key, &rec)?, Expect::Absent, Some(life))
                .await?;
        }
        Ok(())
    }

    /// True when `token` was issued before its customer's latest unbinding.
    async fn revoked(&self, token: &str) -> Result<bool, StoreError> {
        let Some(rec) = books::load::<Issued>(&*self.bindings.store, &Self::key(token)).await?
        else {
            return Ok(false);
        };
        let now = self
            .bindings
            .generation(&rec.partner, &rec.customer)
            .await?;
        Ok(now > rec.generation)
    }
}

impl TokenStore for RevocableTokens {
    fn lifetimes(&self) -> TokenLifetimes {
        self.inner.lifetimes()
    }

    fn issue_b2b<'a>(
        &'a self,
        partner: &'a str,
        replay: Option<ReplayKey>,
    ) -> BoxFuture<'a, Result<IssuedToken, StoreError>> {
        self.inner.issue_b2b(partner, replay)
    }

    fn check_b2b<'a>(
        &'a self,
        token: &'a str,
    ) -> BoxFuture<'a, Result<Result<B2bGrant, TokenProblem>, StoreError>> {
        self.inner.check_b2b(token)
    }

    fn issue_customer<'a>(
        &'a self,
        partner: &'a str,
        customer: &'a str,
        replay: Option<ReplayKey>,
    ) -> BoxFuture<'a, Result<CustomerTokens, StoreError>> {
        Box::pin(async move {
            let t = self.inner.issue_customer(partner, customer, replay).await?;
            self.remember(partner, &t).await?;
            Ok(t)
        })
    }

    fn refresh_customer<'a>(
        &'a self,
        partner: &'a str,
        refresh: &'a str,
        replay: Option<ReplayKey>,
    ) -> BoxFuture<'a, Result<CustomerTokens, RefreshError>> {
        Box::pin(async move {
            if self.revoked(refresh).await? {
                return Err(RefreshError::Token(TokenProblem::Expired));
            }
            let t = self
                .inner
                .refresh_customer(partner, refresh, replay)
                .await?;
            self.remember(partner, &t).await?;
            Ok(t)
        })
    }

    fn check_customer<'a>(
        &'a self,
        partner: &'a str,
        token: &'a str,
    ) -> BoxFuture<'a, Result<Result<CustomerGrant, TokenProblem>, StoreError>> {
        Box::pin(async move {
            let grant = match self.inner.check_customer(partner, token).await? {
                Ok(g) => g,
                Err(p) => return Ok(Err(p)),
            };
            if self.revoked(token).await? {
                return Ok(Err(TokenProblem::Expired));
            }
            Ok(Ok(grant))
        })
    }

    fn expire_partner<'a>(&'a self, partner: &'a str) -> BoxFuture<'a, Result<usize, StoreError>> {
        self.inner.expire_partner(partner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use snap_server::store::MemoryRecords;
    use snap_server::tokens::MemoryTokens;

    const NOW: &str = "2026-11-29T10:00:00+07:00";

    #[tokio::test]
    async fn unbinding_revokes_the_customers_tokens() {
        let store: Arc<dyn RecordStore> = Arc::new(MemoryRecords::new(1000));
        let bindings = Bindings::new(store);
        let tokens = RevocableTokens::new(Arc::new(MemoryTokens::default()), bindings.clone());
        let b = bindings.bind("p", "cust-1", NOW).await.unwrap();
        let t = tokens.issue_customer("p", "cust-1", None).await.unwrap();
        let other = tokens.issue_customer("p", "cust-2", None).await.unwrap();
        assert!(
            tokens
                .check_customer("p", &t.access.token)
                .await
                .unwrap()
                .is_ok()
        );
        assert_eq!(
            bindings
                .of_customer("p", "cust-1")
                .await
                .unwrap()
                .unwrap()
                .link_id,
            b.link_id
        );
        assert!(
            bindings
                .unbind("p", &b.link_id, NOW)
                .await
                .unwrap()
                .is_some()
        );
        assert!(
            bindings
                .unbind("p", &b.link_id, NOW)
                .await
                .unwrap()
                .is_none(),
            "once"
        );
        assert!(bindings.of_customer("p", "cust-1").await.unwrap().is_none());
        assert_eq!(
            tokens.check_customer("p", &t.access.token).await.unwrap(),
            Err(TokenProblem::Expired)
        );
        assert!(matches!(
            tokens.refresh_customer("p", &t.refresh.token, None).await,
            Err(RefreshError::Token(TokenProblem::Expired))
        ));
        // A replayed token request after the unbinding gets the revoked
        // tokens again; they stay revoked.
        let key = ReplayKey::of("p", "2026-11-29T10:00:00+07:00", "sig");
        let b = bindings.bind("p", "cust-3", NOW).await.unwrap();
        let first = tokens
            .issue_customer("p", "cust-3", Some(key))
            .await
            .unwrap();
        bindings.unbind("p", &b.link_id, NOW).await.unwrap();
        let replayed = tokens
            .issue_customer("p", "cust-3", Some(key))
            .await
            .unwrap();
        assert_eq!(replayed.access.token, first.access.token);
        assert_eq!(
            tokens
                .check_customer("p", &replayed.access.token)
                .await
                .unwrap(),
            Err(TokenProblem::Expired)
        );
        // Another customer's tokens stand; a new binding's tokens work.
        assert!(
            tokens
                .check_customer("p", &other.access.token)
                .await
                .unwrap()
                .is_ok()
        );
        bindings.bind("p", "cust-1", NOW).await.unwrap();
        let fresh = tokens.issue_customer("p", "cust-1", None).await.unwrap();
        assert!(
            tokens
                .check_customer("p", &fresh.access.token)
                .await
                .unwrap()
                .is_ok()
        );
    }
}
