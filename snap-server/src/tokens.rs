//! Access tokens a provider issues (73 B2B, 74 B2B2C) and checks on every
//! transaction, behind the async [`TokenStore`] trait: [`MemoryTokens`] (one
//! instance) or the Redis store (feature `redis`, shared by instances).
//!
//! Tokens are 256-bit random values (base64url, 43 characters). A store
//! distinguishes an unknown token from an expired one, so that the provider
//! side can answer `401{SS}01 Invalid Token (B2B)` / `401{SS}02 Invalid
//! Customer Token` with a precise reason in its log.
//!
//! Bounds: a token request replayed within the timestamp window (same
//! client, `X-TIMESTAMP` and `X-SIGNATURE`: a [`ReplayKey`]) gets the token
//! the first one minted, not a new one; a partner holds at most
//! [`TokenPolicy::max_live_per_partner`] live tokens of each kind (issuing
//! one more retires its oldest), so that issuing and checking cost the same
//! whatever a partner did before.

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use base64::Engine as _;
use sha2::{Digest, Sha256};

use crate::store::{BoxFuture, StoreError};

/// Why a token was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TokenProblem {
    /// Never issued here (or forgotten).
    #[error("token unknown")]
    Unknown,
    /// Issued, but its lifetime is over.
    #[error("token expired")]
    Expired,
    /// Issued to another partner than the one calling.
    #[error("token issued to another partner")]
    WrongPartner,
}

/// What a valid B2B token stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct B2bGrant {
    /// The partner (client id) it was issued to.
    pub partner: String,
}

/// What a valid customer token stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerGrant {
    /// The partner (client id) it was issued to.
    pub partner: String,
    /// The customer who consented.
    pub customer: String,
}

/// A freshly issued token and its lifetime. `Debug` hides the token.
#[derive(Clone)]
pub struct IssuedToken {
    /// The token, to send in `accessToken` (never log it).
    pub token: String,
    /// Lifetime.
    pub expires_in: Duration,
}

impl fmt::Debug for IssuedToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IssuedToken")
            .field("token", &"[redacted]")
            .field("expires_in", &self.expires_in)
            .finish()
    }
}

/// Access and refresh token of a customer (74). `Debug` hides the tokens.
#[derive(Clone)]
pub struct CustomerTokens {
    /// `accessToken`.
    pub access: IssuedToken,
    /// `refreshToken`.
    pub refresh: IssuedToken,
    /// The customer.
    pub customer: String,
}

impl fmt::Debug for CustomerTokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CustomerTokens")
            .field("access", &self.access)
            .field("refresh", &self.refresh)
            .field("customer", &self.customer)
            .finish()
    }
}

/// The longest token lifetime a [`TokenStore`] uses: 366 days. Longer
/// lifetimes are shortened to it (an expiry instant that far is always
/// representable); [`ProviderConfigBuilder`](crate::ProviderConfigBuilder)
/// refuses them.
pub const MAX_TOKEN_LIFETIME: Duration = Duration::from_secs(366 * 86_400);

/// Lifetimes of issued tokens (set them with
/// [`ProviderConfigBuilder`](crate::ProviderConfigBuilder), which checks
/// them, or from [`TokenLifetimes::default`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct TokenLifetimes {
    /// B2B access token (SNAP: 900 s).
    pub b2b: Duration,
    /// Customer access token.
    pub customer: Duration,
    /// Customer refresh token.
    pub refresh: Duration,
}

impl Default for TokenLifetimes {
    fn default() -> Self {
        TokenLifetimes {
            b2b: Duration::from_secs(900),
            customer: Duration::from_secs(900),
            refresh: Duration::from_secs(86_400),
        }
    }
}

/// Lifetimes and bounds of a token store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct TokenPolicy {
    /// Token lifetimes (each at most [`MAX_TOKEN_LIFETIME`]).
    pub lifetimes: TokenLifetimes,
    /// Live tokens of one kind a partner may hold (default 1,000); issuing
    /// one more retires the partner's oldest of that kind.
    pub max_live_per_partner: usize,
}

impl Default for TokenPolicy {
    fn default() -> Self {
        TokenPolicy {
            lifetimes: TokenLifetimes::default(),
            max_live_per_partner: 1000,
        }
    }
}

impl TokenPolicy {
    /// A policy with these lifetimes (each shortened to
    /// [`MAX_TOKEN_LIFETIME`]) and the default cap.
    pub fn new(lifetimes: TokenLifetimes) -> Self {
        let cap = |d: Duration| d.min(MAX_TOKEN_LIFETIME);
        TokenPolicy {
            lifetimes: TokenLifetimes {
                b2b: cap(lifetimes.b2b),
                customer: cap(lifetimes.customer),
                refresh: cap(lifetimes.refresh),
            },
            max_live_per_partner: 1000,
        }
    }

    /// With another cap (at least 1).
    pub fn with_max_live_per_partner(mut self, n: usize) -> Self {
        self.max_live_per_partner = n.max(1);
        self
    }
}

/// What identifies one token request: SHA-256 over client id,
/// `X-TIMESTAMP` and `X-SIGNATURE`. The same request replayed (within the
/// timestamp window; its signature is then still valid) gets the token the
/// first one got.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ReplayKey(pub [u8; 32]);

impl ReplayKey {
    /// The key of a token request.
    pub fn of(client_id: &str, timestamp: &str, signature: &str) -> Self {
        let mut h = Sha256::new();
        for part in [client_id, timestamp, signature] {
            h.update(part.as_bytes());
            h.update([0]);
        }
        ReplayKey(h.finalize().into())
    }

    /// Lower-case hex, for store keys.
    pub fn hex(&self) -> String {
        hex(&self.0)
    }
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// Hex SHA-256 of a token: how a shared store names it (the token itself is
/// never stored there).
pub fn token_digest(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// A fresh random token (256 bits, base64url).
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    // The OS random source only fails when the OS has no entropy source; a
    // token from a fallback would be guessable, so make that loud.
    if aws_lc_rs::rand::fill(&mut bytes).is_err() {
        panic!("the operating system's random source failed");
    }
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Why a refresh (74 with `REFRESH_TOKEN`) was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RefreshError {
    /// The refresh token is not valid for this partner.
    #[error(transparent)]
    Token(#[from] TokenProblem),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Where a provider keeps the tokens it issued.
pub trait TokenStore: Send + Sync + 'static {
    /// The lifetimes it issues with.
    fn lifetimes(&self) -> TokenLifetimes;

    /// Issues a B2B token (73) to `partner`; a request with a `replay` key
    /// seen before gets that request's token again.
    fn issue_b2b<'a>(
        &'a self,
        partner: &'a str,
        replay: Option<ReplayKey>,
    ) -> BoxFuture<'a, Result<IssuedToken, StoreError>>;

    /// Checks a B2B token.
    fn check_b2b<'a>(
        &'a self,
        token: &'a str,
    ) -> BoxFuture<'a, Result<Result<B2bGrant, TokenProblem>, StoreError>>;

    /// Issues customer access and refresh tokens (74, auth code redeemed).
    fn issue_customer<'a>(
        &'a self,
        partner: &'a str,
        customer: &'a str,
        replay: Option<ReplayKey>,
    ) -> BoxFuture<'a, Result<CustomerTokens, StoreError>>;

    /// Exchanges a refresh token (single use) for new customer tokens.
    fn refresh_customer<'a>(
        &'a self,
        partner: &'a str,
        refresh: &'a str,
        replay: Option<ReplayKey>,
    ) -> BoxFuture<'a, Result<CustomerTokens, RefreshError>>;

    /// Checks a customer token presented by `partner`.
    fn check_customer<'a>(
        &'a self,
        partner: &'a str,
        token: &'a str,
    ) -> BoxFuture<'a, Result<Result<CustomerGrant, TokenProblem>, StoreError>>;

    /// Expires every token of `partner` now; how many.
    fn expire_partner<'a>(&'a self, partner: &'a str) -> BoxFuture<'a, Result<usize, StoreError>>;
}

#[derive(Debug, Clone)]
struct Record {
    partner: Arc<str>,
    customer: Option<Arc<str>>,
    expires: Instant,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Kind {
    B2b,
    Customer,
    Refresh,
}

#[derive(Debug, Default)]
struct Queues {
    /// Per kind, the partner's tokens oldest first (a kind has one lifetime,
    /// so this is expiry order too).
    by_kind: [VecDeque<String>; 3],
}

#[derive(Debug, Default)]
struct Maps {
    tokens: HashMap<String, (Kind, Record)>,
    partners: HashMap<Arc<str>, Queues>,
    /// Replayed token requests: key -> the tokens the first one got.
    replays: HashMap<ReplayKey, (Instant, Arc<str>, Replayed)>,
    replay_order: VecDeque<ReplayKey>,
}

#[derive(Debug, Clone)]
enum Replayed {
    B2b(IssuedToken),
    Customer(CustomerTokens),
}

/// The in-memory token store. Cheap to clone (shared). Checks take a read
/// lock; issuing takes the write lock for O(1) work.
#[derive(Debug, Clone, Default)]
pub struct MemoryTokens {
    maps: Arc<RwLock<Maps>>,
    policy: TokenPolicy,
}

fn kind_index(k: Kind) -> usize {
    match k {
        Kind::B2b => 0,
        Kind::Customer => 1,
        Kind::Refresh => 2,
    }
}

fn check(map: &Maps, kind: Kind, token: &str, now: Instant) -> Result<Record, TokenProblem> {
    let (k, rec) = map.tokens.get(token).ok_or(TokenProblem::Unknown)?;
    if *k != kind {
        return Err(TokenProblem::Unknown);
    }
    if now >= rec.expires {
        return Err(TokenProblem::Expired);
    }
    Ok(rec.clone())
}

impl MemoryTokens {
    /// A store with the given lifetimes, each at most
    /// [`MAX_TOKEN_LIFETIME`] (a longer one is shortened to it), and the
    /// default cap.
    pub fn new(lifetimes: TokenLifetimes) -> Self {
        Self::with_policy(TokenPolicy::new(lifetimes))
    }

    /// A store with `policy` (lifetimes shortened to [`MAX_TOKEN_LIFETIME`]).
    pub fn with_policy(policy: TokenPolicy) -> Self {
        let cap = policy.max_live_per_partner;
        MemoryTokens {
            maps: Arc::default(),
            policy: TokenPolicy::new(policy.lifetimes).with_max_live_per_partner(cap),
        }
    }

    /// The lifetimes in use.
    pub fn lifetimes(&self) -> TokenLifetimes {
        self.policy.lifetimes
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, Maps> {
        // Each critical section leaves the maps consistent.
        self.maps.write().unwrap_or_else(|p| p.into_inner())
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, Maps> {
        self.maps.read().unwrap_or_else(|p| p.into_inner())
    }

    /// Tokens held (live or expired, not yet swept).
    pub fn len(&self) -> usize {
        self.read().tokens.len()
    }

    /// True when no token is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lifetime(&self, kind: Kind) -> Duration {
        match kind {
            Kind::B2b => self.policy.lifetimes.b2b,
            Kind::Customer => self.policy.lifetimes.customer,
            Kind::Refresh => self.policy.lifetimes.refresh,
        }
    }

    /// Adds a token of `kind`: sweeps the partner's expired tokens of that
    /// kind and retires its oldest past the cap (both O(1) amortized).
    fn insert(maps: &mut Maps, cap: usize, kind: Kind, token: String, rec: Record, now: Instant) {
        let partner = rec.partner.clone();
        let q = maps.partners.entry(partner).or_default();
        let queue = &mut q.by_kind[kind_index(kind)];
        let mut retire = Vec::new();
        while let Some(front) = queue.front() {
            let expired = maps.tokens.get(front).is_none_or(|(_, r)| r.expires <= now);
            if expired || queue.len() >= cap {
                if let Some(t) = queue.pop_front() {
                    retire.push(t);
                }
            } else {
                break;
            }
        }
        queue.push_back(token.clone());
        for t in retire {
            maps.tokens.remove(&t);
        }
        maps.tokens.insert(token, (kind, rec));
    }

    fn replayed(maps: &Maps, key: Option<&ReplayKey>, now: Instant) -> Option<Replayed> {
        let (until, _, r) = maps.replays.get(key?)?;
        (*until > now).then(|| r.clone())
    }

    fn remember(
        &self,
        maps: &mut Maps,
        partner: &str,
        key: Option<ReplayKey>,
        r: Replayed,
        now: Instant,
    ) {
        let Some(key) = key else { return };
        // A replay is only accepted within the timestamp window (at most a
        // day); remember it as long as the token lives, bounded in count.
        let until = now + self.policy.lifetimes.b2b.min(Duration::from_secs(86_400));
        while let Some(front) = maps.replay_order.front() {
            let stale = maps.replays.get(front).is_none_or(|(u, _, _)| *u <= now);
            if stale || maps.replay_order.len() >= self.policy.max_live_per_partner * 4 + 64 {
                if let Some(k) = maps.replay_order.pop_front() {
                    maps.replays.remove(&k);
                }
            } else {
                break;
            }
        }
        maps.replays.insert(key, (until, Arc::from(partner), r));
        maps.replay_order.push_back(key);
    }

    /// Issues a B2B token (73) to `partner`.
    pub fn issue_b2b_now(&self, partner: &str, replay: Option<ReplayKey>) -> IssuedToken {
        self.issue_b2b_at(partner, replay, Instant::now())
    }

    /// [`MemoryTokens::issue_b2b_now`] at a given instant.
    pub fn issue_b2b_at(
        &self,
        partner: &str,
        replay: Option<ReplayKey>,
        now: Instant,
    ) -> IssuedToken {
        let mut maps = self.write();
        if let Some(Replayed::B2b(t)) = Self::replayed(&maps, replay.as_ref(), now) {
            return t;
        }
        let token = random_token();
        let rec = Record {
            partner: Arc::from(partner),
            customer: None,
            expires: now + self.lifetime(Kind::B2b),
        };
        Self::insert(
            &mut maps,
            self.policy.max_live_per_partner,
            Kind::B2b,
            token.clone(),
            rec,
            now,
        );
        let issued = IssuedToken {
            token,
            expires_in: self.lifetime(Kind::B2b),
        };
        self.remember(
            &mut maps,
            partner,
            replay,
            Replayed::B2b(issued.clone()),
            now,
        );
        issued
    }

    /// Checks a B2B token.
    pub fn check_b2b_now(&self, token: &str) -> Result<B2bGrant, TokenProblem> {
        self.check_b2b_at(token, Instant::now())
    }

    /// [`MemoryTokens::check_b2b_now`] at a given instant.
    pub fn check_b2b_at(&self, token: &str, now: Instant) -> Result<B2bGrant, TokenProblem> {
        let rec = check(&self.read(), Kind::B2b, token, now)?;
        Ok(B2bGrant {
            partner: rec.partner.to_string(),
        })
    }

    /// Issues a customer access token and refresh token (74).
    pub fn issue_customer_now(&self, partner: &str, customer: &str) -> CustomerTokens {
        self.issue_customer_at(partner, customer, None, Instant::now())
    }

    /// Issues customer tokens at a given instant.
    pub fn issue_customer_at(
        &self,
        partner: &str,
        customer: &str,
        replay: Option<ReplayKey>,
        now: Instant,
    ) -> CustomerTokens {
        let mut maps = self.write();
        if let Some(Replayed::Customer(t)) = Self::replayed(&maps, replay.as_ref(), now) {
            return t;
        }
        let t = self.mint_customer(&mut maps, partner, customer, now);
        self.remember(
            &mut maps,
            partner,
            replay,
            Replayed::Customer(t.clone()),
            now,
        );
        t
    }

    fn mint_customer(
        &self,
        maps: &mut Maps,
        partner: &str,
        customer: &str,
        now: Instant,
    ) -> CustomerTokens {
        let access = random_token();
        let refresh = random_token();
        let p: Arc<str> = Arc::from(partner);
        let c: Arc<str> = Arc::from(customer);
        let cap = self.policy.max_live_per_partner;
        for (kind, token) in [(Kind::Customer, &access), (Kind::Refresh, &refresh)] {
            let rec = Record {
                partner: p.clone(),
                customer: Some(c.clone()),
                expires: now + self.lifetime(kind),
            };
            Self::insert(maps, cap, kind, token.clone(), rec, now);
        }
        CustomerTokens {
            access: IssuedToken {
                token: access,
                expires_in: self.lifetime(Kind::Customer),
            },
            refresh: IssuedToken {
                token: refresh,
                expires_in: self.lifetime(Kind::Refresh),
            },
            customer: customer.to_owned(),
        }
    }

    /// Exchanges a refresh token for new customer tokens at a given instant.
    /// The refresh token is single-use.
    pub fn refresh_customer_at(
        &self,
        partner: &str,
        refresh: &str,
        replay: Option<ReplayKey>,
        now: Instant,
    ) -> Result<CustomerTokens, TokenProblem> {
        let mut maps = self.write();
        if let Some(Replayed::Customer(t)) = Self::replayed(&maps, replay.as_ref(), now) {
            return Ok(t);
        }
        let rec = check(&maps, Kind::Refresh, refresh, now)?;
        if &*rec.partner != partner {
            return Err(TokenProblem::WrongPartner);
        }
        maps.tokens.remove(refresh);
        let customer = rec.customer.as_deref().unwrap_or_default().to_owned();
        let t = self.mint_customer(&mut maps, partner, &customer, now);
        self.remember(
            &mut maps,
            partner,
            replay,
            Replayed::Customer(t.clone()),
            now,
        );
        Ok(t)
    }

    /// Checks a customer token presented by `partner`.
    pub fn check_customer_now(
        &self,
        partner: &str,
        token: &str,
    ) -> Result<CustomerGrant, TokenProblem> {
        self.check_customer_at(partner, token, Instant::now())
    }

    /// [`MemoryTokens::check_customer_now`] at a given instant.
    pub fn check_customer_at(
        &self,
        partner: &str,
        token: &str,
        now: Instant,
    ) -> Result<CustomerGrant, TokenProblem> {
        let rec = check(&self.read(), Kind::Customer, token, now)?;
        if &*rec.partner != partner {
            return Err(TokenProblem::WrongPartner);
        }
        Ok(CustomerGrant {
            partner: rec.partner.to_string(),
            customer: rec.customer.as_deref().unwrap_or_default().to_owned(),
        })
    }

    /// Expires every token (B2B, customer, refresh) issued to `partner` now:
    /// they are answered as expired from then on.
    pub fn expire_partner_now(&self, partner: &str) -> usize {
        let now = Instant::now();
        let mut guard = self.write();
        let maps = &mut *guard;
        let Some(q) = maps.partners.get(partner) else {
            return 0;
        };
        let mut n = 0;
        for queue in &q.by_kind {
            for t in queue {
                if let Some((_, r)) = maps.tokens.get_mut(t)
                    && r.expires > now
                {
                    r.expires = now;
                    n += 1;
                }
            }
        }
        maps.replays.retain(|_, (_, p, _)| &**p != partner);
        n
    }
}

fn ready<T: Send + 'static>(v: T) -> BoxFuture<'static, T> {
    Box::pin(std::future::ready(v))
}

impl TokenStore for MemoryTokens {
    fn lifetimes(&self) -> TokenLifetimes {
        self.policy.lifetimes
    }

    fn issue_b2b<'a>(
        &'a self,
        partner: &'a str,
        replay: Option<ReplayKey>,
    ) -> BoxFuture<'a, Result<IssuedToken, StoreError>> {
        ready(Ok(self.issue_b2b_now(partner, replay)))
    }

    fn check_b2b<'a>(
        &'a self,
        token: &'a str,
    ) -> BoxFuture<'a, Result<Result<B2bGrant, TokenProblem>, StoreError>> {
        ready(Ok(self.check_b2b_now(token)))
    }

    fn issue_customer<'a>(
        &'a self,
        partner: &'a str,
        customer: &'a str,
        replay: Option<ReplayKey>,
    ) -> BoxFuture<'a, Result<CustomerTokens, StoreError>> {
        ready(Ok(self.issue_customer_at(
            partner,
            customer,
            replay,
            Instant::now(),
        )))
    }

    fn refresh_customer<'a>(
        &'a self,
        partner: &'a str,
        refresh: &'a str,
        replay: Option<ReplayKey>,
    ) -> BoxFuture<'a, Result<CustomerTokens, RefreshError>> {
        ready(
            self.refresh_customer_at(partner, refresh, replay, Instant::now())
                .map_err(RefreshError::from),
        )
    }

    fn check_customer<'a>(
        &'a self,
        partner: &'a str,
        token: &'a str,
    ) -> BoxFuture<'a, Result<Result<CustomerGrant, TokenProblem>, StoreError>> {
        ready(Ok(self.check_customer_now(partner, token)))
    }

    fn expire_partner<'a>(&'a self, partner: &'a str) -> BoxFuture<'a, Result<usize, StoreError>> {
        ready(Ok(self.expire_partner_now(partner)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_nonsense_lifetime_is_shortened_not_a_panic() {
        let forever = Duration::from_secs(u64::MAX);
        let s = MemoryTokens::new(TokenLifetimes {
            b2b: forever,
            customer: forever,
            refresh: forever,
        });
        assert_eq!(s.lifetimes().b2b, MAX_TOKEN_LIFETIME);
        let t = s.issue_b2b_now("p", None);
        assert_eq!(t.expires_in, MAX_TOKEN_LIFETIME);
        assert!(s.check_b2b_now(&t.token).is_ok());
    }

    #[test]
    fn b2b_token_lifecycle() {
        let s = MemoryTokens::new(TokenLifetimes::default());
        let t0 = Instant::now();
        let tok = s.issue_b2b_at("p1", None, t0);
        assert_eq!(tok.token.len(), 43);
        assert_eq!(s.check_b2b_at(&tok.token, t0).unwrap().partner, "p1");
        assert_eq!(
            s.check_b2b_at(&tok.token, t0 + Duration::from_secs(900)),
            Err(TokenProblem::Expired)
        );
        assert_eq!(s.check_b2b_at("nope", t0), Err(TokenProblem::Unknown));
        assert_ne!(s.issue_b2b_at("p1", None, t0).token, tok.token);
    }

    #[test]
    fn a_replayed_request_gets_the_same_token_and_the_cap_holds() {
        let s = MemoryTokens::with_policy(
            TokenPolicy::new(TokenLifetimes::default()).with_max_live_per_partner(10),
        );
        let t0 = Instant::now();
        let key = ReplayKey::of("p1", "2026-11-22T10:00:00+07:00", "sig");
        let a = s.issue_b2b_at("p1", Some(key), t0);
        for _ in 0..100 {
            assert_eq!(s.issue_b2b_at("p1", Some(key), t0).token, a.token);
        }
        assert_eq!(s.len(), 1, "replays mint nothing");
        let first = s.issue_b2b_at("p1", None, t0);
        for _ in 0..50 {
            s.issue_b2b_at("p1", None, t0);
        }
        assert_eq!(s.len(), 10, "at most 10 live B2B tokens for p1");
        assert_eq!(s.check_b2b_at(&first.token, t0), Err(TokenProblem::Unknown));
        // Another partner keeps its own.
        let b = s.issue_b2b_at("p2", None, t0);
        assert!(s.check_b2b_at(&b.token, t0).is_ok());
    }

    #[test]
    fn customer_tokens_and_refresh() {
        let s = MemoryTokens::new(TokenLifetimes::default());
        let t0 = Instant::now();
        let ct = s.issue_customer_at("p1", "cust-9", None, t0);
        let g = s.check_customer_at("p1", &ct.access.token, t0).unwrap();
        assert_eq!(g.customer, "cust-9");
        assert_eq!(
            s.check_customer_at("p2", &ct.access.token, t0),
            Err(TokenProblem::WrongPartner)
        );
        assert_eq!(
            s.check_customer_at("p1", &ct.access.token, t0 + Duration::from_secs(901)),
            Err(TokenProblem::Expired)
        );
        // A B2B token is not a customer token.
        let b2b = s.issue_b2b_at("p1", None, t0);
        assert_eq!(
            s.check_customer_at("p1", &b2b.token, t0),
            Err(TokenProblem::Unknown)
        );
        let fresh = s
            .refresh_customer_at("p1", &ct.refresh.token, None, t0)
            .unwrap();
        assert_eq!(fresh.customer, "cust-9");
        assert!(s.check_customer_at("p1", &fresh.access.token, t0).is_ok());
        // single use
        assert_eq!(
            s.refresh_customer_at("p1", &ct.refresh.token, None, t0)
                .unwrap_err(),
            TokenProblem::Unknown
        );
    }

    #[test]
    fn expire_partner_expires_only_that_partner() {
        let s = MemoryTokens::new(TokenLifetimes::default());
        let a = s.issue_b2b_now("a", None);
        let b = s.issue_b2b_now("b", None);
        assert_eq!(s.expire_partner_now("a"), 1);
        assert_eq!(s.check_b2b_now(&a.token), Err(TokenProblem::Expired));
        assert!(s.check_b2b_now(&b.token).is_ok());
    }

    #[test]
    fn debug_hides_tokens() {
        let s = MemoryTokens::new(TokenLifetimes::default());
        let t = s.issue_customer_now("p", "c");
        let shown = format!("{t:?}");
        assert!(!shown.contains(&t.access.token));
        assert!(!shown.contains(&t.refresh.token));
        assert!(shown.contains("[redacted]"));
    }
}
