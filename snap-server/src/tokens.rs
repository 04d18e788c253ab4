//! Access tokens a provider issues (73 B2B, 74 B2B2C) and checks on every
//! transaction: an in-memory store usable by any provider and by the sandbox.
//!
//! Tokens are 256-bit random values (base64url, 43 characters). The store
//! distinguishes an unknown token from an expired one, so that the provider
//! side can answer `401{SS}01 Invalid Token (B2B)` / `401{SS}02 Invalid
//! Customer Token` with a precise reason in its log.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use base64::Engine as _;

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
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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

#[derive(Debug, Clone)]
struct Record {
    partner: String,
    customer: Option<String>,
    expires: Instant,
}

#[derive(Debug, Default)]
struct Maps {
    b2b: HashMap<String, Record>,
    customer: HashMap<String, Record>,
    refresh: HashMap<String, Record>,
}

/// The in-memory token store. Cheap to clone (shared).
#[derive(Debug, Clone, Default)]
pub struct TokenStore {
    maps: Arc<Mutex<Maps>>,
    lifetimes: TokenLifetimes,
}

fn random_token() -> String {
    let mut bytes = [0u8; 32];
    // SystemRandom only fails when the OS has no entropy source; a token
    // from a fallback would be guessable, so make that loud.
    if aws_lc_rs::rand::fill(&mut bytes).is_err() {
        panic!("the operating system's random source failed");
    }
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

fn check(map: &HashMap<String, Record>, token: &str, now: Instant) -> Result<Record, TokenProblem> {
    let rec = map.get(token).ok_or(TokenProblem::Unknown)?;
    if now >= rec.expires {
        return Err(TokenProblem::Expired);
    }
    Ok(rec.clone())
}

impl TokenStore {
    /// A store with the given lifetimes, each at most
    /// [`MAX_TOKEN_LIFETIME`] (a longer one is shortened to it).
    pub fn new(lifetimes: TokenLifetimes) -> Self {
        let cap = |d: Duration| d.min(MAX_TOKEN_LIFETIME);
        TokenStore {
            maps: Arc::default(),
            lifetimes: TokenLifetimes {
                b2b: cap(lifetimes.b2b),
                customer: cap(lifetimes.customer),
                refresh: cap(lifetimes.refresh),
            },
        }
    }

    /// The lifetimes in use.
    pub fn lifetimes(&self) -> TokenLifetimes {
        self.lifetimes
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Maps> {
        // Each critical section is a single insert/lookup: never half-done.
        self.maps.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Issues a B2B token (73) to `partner`.
    pub fn issue_b2b(&self, partner: &str) -> IssuedToken {
        self.issue_b2b_at(partner, Instant::now())
    }

    /// [`TokenStore::issue_b2b`] at a given instant.
    pub fn issue_b2b_at(&self, partner: &str, now: Instant) -> IssuedToken {
        let token = random_token();
        let mut maps = self.lock();
        maps.b2b.retain(|_, r| r.expires > now);
        maps.b2b.insert(
            token.clone(),
            Record {
                partner: partner.to_owned(),
                customer: None,
                expires: now + self.lifetimes.b2b,
            },
        );
        IssuedToken {
            token,
            expires_in: self.lifetimes.b2b,
        }
    }

    /// Checks a B2B token.
    pub fn check_b2b(&self, token: &str) -> Result<B2bGrant, TokenProblem> {
        self.check_b2b_at(token, Instant::now())
    }

    /// [`TokenStore::check_b2b`] at a given instant.
    pub fn check_b2b_at(&self, token: &str, now: Instant) -> Result<B2bGrant, TokenProblem> {
        let rec = check(&self.lock().b2b, token, now)?;
        Ok(B2bGrant {
            partner: rec.partner,
        })
    }

    /// Issues a customer access token and refresh token (74).
    pub fn issue_customer(&self, partner: &str, customer: &str) -> CustomerTokens {
        self.issue_customer_at(partner, customer, Instant::now())
    }

    /// [`TokenStore::issue_customer`] at a given instant.
    pub fn issue_customer_at(&self, partner: &str, customer: &str, now: Instant) -> CustomerTokens {
        let access = random_token();
        let refresh = random_token();
        let mut maps = self.lock();
        maps.customer.retain(|_, r| r.expires > now);
        maps.refresh.retain(|_, r| r.expires > now);
        let rec = |ttl| Record {
            partner: partner.to_owned(),
            customer: Some(customer.to_owned()),
            expires: now + ttl,
        };
        maps.customer
            .insert(access.clone(), rec(self.lifetimes.customer));
        maps.refresh
            .insert(refresh.clone(), rec(self.lifetimes.refresh));
        CustomerTokens {
            access: IssuedToken {
                token: access,
                expires_in: self.lifetimes.customer,
            },
            refresh: IssuedToken {
                token: refresh,
                expires_in: self.lifetimes.refresh,
            },
            customer: customer.to_owned(),
        }
    }

    /// Exchanges a refresh token for new customer tokens (74 with
    /// `grantType` REFRESH_TOKEN). The refresh token is single-use.
    pub fn refresh_customer(
        &self,
        partner: &str,
        refresh: &str,
    ) -> Result<CustomerTokens, TokenProblem> {
        self.refresh_customer_at(partner, refresh, Instant::now())
    }

    /// [`TokenStore::refresh_customer`] at a given instant.
    pub fn refresh_customer_at(
        &self,
        partner: &str,
        refresh: &str,
        now: Instant,
    ) -> Result<CustomerTokens, TokenProblem> {
        let rec = {
            let mut maps = self.lock();
            let rec = check(&maps.refresh, refresh, now)?;
            if rec.partner != partner {
                return Err(TokenProblem::WrongPartner);
            }
            maps.refresh.remove(refresh);
            rec
        };
        let customer = rec.customer.unwrap_or_default();
        Ok(self.issue_customer_at(partner, &customer, now))
    }

    /// Checks a customer token presented by `partner`.
    pub fn check_customer(
        &self,
        partner: &str,
        token: &str,
    ) -> Result<CustomerGrant, TokenProblem> {
        self.check_customer_at(partner, token, Instant::now())
    }

    /// [`TokenStore::check_customer`] at a given instant.
    pub fn check_customer_at(
        &self,
        partner: &str,
        token: &str,
        now: Instant,
    ) -> Result<CustomerGrant, TokenProblem> {
        let rec = check(&self.lock().customer, token, now)?;
        if rec.partner != partner {
            return Err(TokenProblem::WrongPartner);
        }
        Ok(CustomerGrant {
            partner: rec.partner,
            customer: rec.customer.unwrap_or_default(),
        })
    }

    /// Expires every token (B2B, customer, refresh) issued to `partner` now:
    /// they are answered as expired from then on. For tests of token refresh.
    pub fn expire_partner(&self, partner: &str) -> usize {
        let now = Instant::now();
        let mut guard = self.lock();
        let maps = &mut *guard;
        let mut n = 0;
        for map in [&mut maps.b2b, &mut maps.customer, &mut maps.refresh] {
            for r in map.values_mut().filter(|r| r.partner == partner) {
                r.expires = now;
                n += 1;
            }
        }
        n
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_nonsense_lifetime_is_shortened_not_a_panic() {
        let forever = Duration::from_secs(u64::MAX);
        let s = TokenStore::new(TokenLifetimes {
            b2b: forever,
            customer: forever,
            refresh: forever,
        });
        assert_eq!(s.lifetimes().b2b, MAX_TOKEN_LIFETIME);
        let t = s.issue_b2b("p");
        assert_eq!(t.expires_in, MAX_TOKEN_LIFETIME);
        assert!(s.check_b2b(&t.token).is_ok());
    }

    #[test]
    fn b2b_token_lifecycle() {
        let s = TokenStore::new(TokenLifetimes::default());
        let t0 = Instant::now();
        let tok = s.issue_b2b_at("p1", t0);
        assert_eq!(tok.token.len(), 43);
        assert_eq!(s.check_b2b_at(&tok.token, t0).unwrap().partner, "p1");
        assert_eq!(
            s.check_b2b_at(&tok.token, t0 + Duration::from_secs(900)),
            Err(TokenProblem::Expired)
        );
        assert_eq!(s.check_b2b_at("nope", t0), Err(TokenProblem::Unknown));
        assert_ne!(s.issue_b2b_at("p1", t0).token, tok.token);
    }

    #[test]
    fn customer_tokens_and_refresh() {
        let s = TokenStore::new(TokenLifetimes::default());
        let t0 = Instant::now();
        let ct = s.issue_customer_at("p1", "cust-9", t0);
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
        let b2b = s.issue_b2b_at("p1", t0);
        assert_eq!(
            s.check_customer_at("p1", &b2b.token, t0),
            Err(TokenProblem::Unknown)
        );
        let fresh = s.refresh_customer_at("p1", &ct.refresh.token, t0).unwrap();
        assert_eq!(fresh.customer, "cust-9");
        assert!(s.check_customer_at("p1", &fresh.access.token, t0).is_ok());
        // single use
        assert_eq!(
            s.refresh_customer_at("p1", &ct.refresh.token, t0)
                .unwrap_err(),
            TokenProblem::Unknown
        );
    }

    #[test]
    fn expire_partner_expires_only_that_partner() {
        let s = TokenStore::new(TokenLifetimes::default());
        let a = s.issue_b2b("a");
        let b = s.issue_b2b("b");
        assert_eq!(s.expire_partner("a"), 1);
        assert_eq!(s.check_b2b(&a.token), Err(TokenProblem::Expired));
        assert!(s.check_b2b(&b.token).is_ok());
    }

    #[test]
    fn debug_hides_tokens() {
        let s = TokenStore::new(TokenLifetimes::default());
        let t = s.issue_customer("p", "c");
        let shown = format!("{t:?}");
        assert!(!shown.contains(&t.access.token));
        assert!(!shown.contains(&t.refresh.token));
        assert!(shown.contains("[redacted]"));
    }
}
