//! Per-partner request budgets, answered `429{SS}00 Too Many Requests`.
//!
//! A [`RateLimiter`] counts the requests of each partner once the partner
//! is established (after its signature or token checked out), so that a
//! stranger cannot spend a partner's budget. [`MemoryRateLimiter`] is a
//! GCRA (a token bucket without a timer: one atomic per partner, no lock on
//! the hot path); the Redis store (feature `redis`) counts in fixed windows
//! shared by every instance.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use crate::store::{BoxFuture, StoreError};

/// A budget: at most `requests` per `per`, in bursts of up to `requests`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    /// Requests allowed per period (at least 1).
    pub requests: u32,
    /// The period (at least 1 ms).
    pub per: Duration,
}

impl RateLimit {
    /// `requests` per second.
    pub const fn per_second(requests: u32) -> Self {
        RateLimit {
            requests,
            per: Duration::from_secs(1),
        }
    }
}

/// Counts requests per partner.
pub trait RateLimiter: Send + Sync + 'static {
    /// Counts one request of `partner`; `Ok(false)` when it is over its
    /// budget (answer `429{SS}00`).
    fn admit<'a>(&'a self, partner: &'a str) -> BoxFuture<'a, Result<bool, StoreError>>;
}

/// GCRA in memory: per partner, the theoretical arrival time of the next
/// request, in nanoseconds since the limiter was made.
#[derive(Debug)]
pub struct MemoryRateLimiter {
    limit: RateLimit,
    start: Instant,
    partners: RwLock<HashMap<Arc<str>, Arc<AtomicU64>>>,
}

impl MemoryRateLimiter {
    /// A limiter enforcing `limit` on each partner.
    pub fn new(limit: RateLimit) -> Self {
        MemoryRateLimiter {
            limit,
            start: Instant::now(),
            partners: RwLock::default(),
        }
    }

    fn slot(&self, partner: &str) -> Arc<AtomicU64> {
        if let Some(s) = self
            .partners
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .get(partner)
        {
            return s.clone();
        }
        self.partners
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .entry(Arc::from(partner))
            .or_default()
            .clone()
    }

    /// [`RateLimiter::admit`] at `now`.
    pub fn admit_at(&self, partner: &str, now: Instant) -> bool {
        let per = u64::try_from(self.limit.per.as_nanos()).unwrap_or(u64::MAX / 2);
        let interval = (per / u64::from(self.limit.requests.max(1))).max(1);
        // A burst of `requests` may arrive at once.
        let tolerance = per.saturating_sub(interval);
        let now = u64::try_from(now.saturating_duration_since(self.start).as_nanos())
            .unwrap_or(u64::MAX / 2);
        let slot = self.slot(partner);
        let mut tat = slot.load(Ordering::Relaxed);
        loop {
            let base = tat.max(now);
            if base - now > tolerance {
                return false;
            }
            match slot.compare_exchange_weak(
                tat,
                base + interval,
                Ordering::AcqRel,
                Ordering::Relaxed,
            ) {
                Ok(_) => return true,
                Err(seen) => tat = seen,
            }
        }
    }
}

impl RateLimiter for MemoryRateLimiter {
    fn admit<'a>(&'a self, partner: &'a str) -> BoxFuture<'a, Result<bool, StoreError>> {
        Box::pin(std::future::ready(Ok(
            self.admit_at(partner, Instant::now())
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_then_the_rate() {
        let l = MemoryRateLimiter::new(RateLimit::per_second(10));
        let t0 = Instant::now();
        let admitted = (0..50).filter(|_| l.admit_at("p", t0)).count();
        assert_eq!(admitted, 10, "a burst of the budget");
        assert!(!l.admit_at("p", t0 + Duration::from_millis(50)));
        assert!(l.admit_at("p", t0 + Duration::from_millis(110)));
        // Another partner has its own budget.
        assert!(l.admit_at("q", t0));
        // One second later the bucket is full again.
        let t1 = t0 + Duration::from_secs(2);
        assert_eq!((0..50).filter(|_| l.admit_at("p", t1)).count(), 10);
    }
}
