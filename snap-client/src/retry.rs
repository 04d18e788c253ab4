//! When and how often a call is sent again.
//!
//! A retry resends the **same** `X-EXTERNAL-ID` and the **identical** body
//! bytes, with a fresh `X-TIMESTAMP` and a fresh signature, so that a provider
//! that already processed an earlier attempt can recognise it (see
//! [`SnapClient`](super::SnapClient)). Only failures where the outcome is
//! unknown or the provider says "try again" are retried: timeouts, connection
//! errors and the HTTP statuses in [`RetryPolicy::retry_statuses`] (by default
//! 500, 502, 503 and 504). A 4xx business answer is never retried.
//!
//! The pause before attempt `n + 1` is bounded exponential backoff with
//! "equal jitter": half of `min(max_backoff, initial_backoff * 2^(n-1))` plus
//! a random part of up to the other half, so concurrent clients do not retry
//! in lock step.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::resolve::ConflictResolver;

/// How one endpoint (or every endpoint of a provider) is retried.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Attempts in all, the first one included; `1` means "never retry".
    /// Values below 1 are treated as 1.
    pub max_attempts: u32,
    /// Pause before the first retry (before jitter).
    pub initial_backoff: Duration,
    /// Upper bound of any single pause (before jitter).
    pub max_backoff: Duration,
    /// HTTP statuses whose answer is retried (the provider did not complete
    /// the request). Default: 500, 502, 503, 504.
    pub retry_statuses: Vec<u16>,
}

impl Default for RetryPolicy {
    /// Three attempts, 200 ms then 400 ms (plus jitter), at most 5 s per pause.
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(5),
            retry_statuses: vec![500, 502, 503, 504],
        }
    }
}

impl RetryPolicy {
    /// A policy that sends once and never retries.
    pub fn never() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        }
    }

    /// This policy with `attempts` attempts in all.
    pub fn with_max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts;
        self
    }

    /// This policy with the given backoff bounds.
    pub fn with_backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.initial_backoff = initial;
        self.max_backoff = max;
        self
    }

    /// Attempts in all (at least 1).
    pub fn attempts(&self) -> u32 {
        self.max_attempts.max(1)
    }

    /// Whether an answer with this HTTP status is retried.
    pub fn retries_status(&self, status: u16) -> bool {
        self.retry_statuses.contains(&status)
    }

    /// The pause before attempt `next_attempt` (2 for the first retry), with
    /// jitter drawn from `rng`. Never longer than `max_backoff`.
    pub fn backoff(&self, next_attempt: u32, rng: &Jitter) -> Duration {
        let exponent = next_attempt.saturating_sub(2).min(31);
        let base = self
            .initial_backoff
            .checked_mul(1u32 << exponent)
            .unwrap_or(self.max_backoff)
            .min(self.max_backoff);
        let half = base / 2;
        let half_nanos = u64::try_from(half.as_nanos()).unwrap_or(u64::MAX);
        let extra = if half_nanos == 0 {
            0
        } else {
            rng.next() % (half_nanos + 1)
        };
        half + Duration::from_nanos(extra)
    }
}

/// Retry policies per endpoint and per provider, and the resolvers of
/// `409{SS}00` answers (see [`ConflictResolver`]).
///
/// Lookup order for an endpoint: its name, then its provider, then the
/// default.
#[derive(Clone, Default)]
pub struct RetryRules {
    /// The policy of any endpoint without an override.
    pub default: RetryPolicy,
    by_provider: HashMap<String, RetryPolicy>,
    by_endpoint: HashMap<String, RetryPolicy>,
    resolvers: HashMap<String, Arc<dyn ConflictResolver>>,
}

impl std::fmt::Debug for RetryRules {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RetryRules")
            .field("default", &self.default)
            .field("by_provider", &self.by_provider)
            .field("by_endpoint", &self.by_endpoint)
            .field("resolvers", &self.resolvers.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl RetryRules {
    /// Rules with `default` for every endpoint.
    pub fn new(default: RetryPolicy) -> Self {
        RetryRules {
            default,
            ..RetryRules::default()
        }
    }

    /// Overrides the policy of every endpoint of `provider` (`"GoPay"`,
    /// compared case-insensitively).
    pub fn provider(mut self, provider: &str, policy: RetryPolicy) -> Self {
        self.by_provider
            .insert(provider.to_ascii_lowercase(), policy);
        self
    }

    /// Overrides the policy of one endpoint, by its declared name
    /// (`"Auth Payment"`, compared case-insensitively).
    pub fn endpoint(mut self, name: &str, policy: RetryPolicy) -> Self {
        self.by_endpoint.insert(name.to_ascii_lowercase(), policy);
        self
    }

    /// Names the resolver that settles a `409{SS}00` answer to a retry of the
    /// endpoint `name` (e.g. a Payment Query for Auth Payment).
    pub fn resolver(mut self, name: &str, resolver: Arc<dyn ConflictResolver>) -> Self {
        self.resolvers.insert(name.to_ascii_lowercase(), resolver);
        self
    }

    /// The policy in force for an endpoint.
    pub fn policy_for(&self, name: &str, provider: &str) -> &RetryPolicy {
        self.by_endpoint
            .get(&name.to_ascii_lowercase())
            .or_else(|| self.by_provider.get(&provider.to_ascii_lowercase()))
            .unwrap_or(&self.default)
    }

    /// The resolver named for an endpoint, if any.
    pub fn resolver_for(&self, name: &str) -> Option<&Arc<dyn ConflictResolver>> {
        self.resolvers.get(&name.to_ascii_lowercase())
    }
}

/// A small xorshift64* generator for backoff jitter: not for anything
/// secret, only to spread retries of concurrent clients apart.
#[derive(Debug)]
pub struct Jitter(AtomicU64);

impl Jitter {
    /// Seeded from the clock and the address of a stack value.
    pub fn from_time() -> Self {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0x9E37_79B9_7F4A_7C15);
        let local = 0u8;
        let addr = std::ptr::addr_of!(local) as usize as u64;
        Jitter::seeded(nanos ^ addr.rotate_left(32))
    }

    /// A reproducible generator (a zero seed is replaced by a constant).
    pub fn seeded(seed: u64) -> Self {
        Jitter(AtomicU64::new(if seed == 0 {
            0x2545_F491_4F6C_DD1D
        } else {
            seed
        }))
    }

    /// The next pseudo-random number.
    pub fn next(&self) -> u64 {
        let mut x = self.0.load(Ordering::Relaxed);
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0.store(x, Ordering::Relaxed);
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_bounded() {
        let p = RetryPolicy::default()
            .with_backoff(Duration::from_millis(100), Duration::from_millis(350));
        let rng = Jitter::seeded(7);
        for _ in 0..200 {
            let b2 = p.backoff(2, &rng);
            assert!(b2 >= Duration::from_millis(50) && b2 <= Duration::from_millis(100));
            let b3 = p.backoff(3, &rng);
            assert!(b3 >= Duration::from_millis(100) && b3 <= Duration::from_millis(200));
            let b9 = p.backoff(9, &rng);
            assert!(b9 >= Duration::from_millis(175) && b9 <= Duration::from_millis(350));
            let huge = p.backoff(u32::MAX, &rng);
            assert!(huge <= Duration::from_millis(350));
        }
    }

    #[test]
    fn jitter_varies() {
        let p = RetryPolicy::default();
        let rng = Jitter::seeded(42);
        let draws: std::collections::HashSet<_> = (0..20).map(|_| p.backoff(2, &rng)).collect();
        assert!(draws.len() > 10, "jitter should spread pauses: {draws:?}");
    }

    #[test]
    fn overrides_by_endpoint_then_provider() {
        let rules = RetryRules::new(RetryPolicy::default())
            .provider("GoPay", RetryPolicy::never())
            .endpoint("Auth Payment", RetryPolicy::default().with_max_attempts(5));
        assert_eq!(rules.policy_for("auth payment", "BI").attempts(), 5);
        assert_eq!(
            rules.policy_for("GoPay Pre-Auth Void", "gopay").attempts(),
            1
        );
        assert_eq!(rules.policy_for("Auth Void", "BI").attempts(), 3);
        assert_eq!(RetryPolicy::default().with_max_attempts(0).attempts(), 1);
    }

    #[test]
    fn default_statuses() {
        let p = RetryPolicy::default();
        assert!(p.retries_status(503) && p.retries_status(500));
        assert!(!p.retries_status(400) && !p.retries_status(409) && !p.retries_status(501));
    }
}
