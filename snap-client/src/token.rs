//! Access-token caching with single flight, failures included.
//!
//! The B2B token (service 73) is cached for its `expiresIn` minus a safety
//! margin; a customer token (74) until its expiry time minus the margin. Each
//! cache sits behind an async mutex that is held while a token is fetched, so
//! N callers that find the token expired at the same time cause exactly one
//! token request: the first fetches, the others wait. When that fetch fails,
//! every caller that was waiting for it gets the same error (they do not
//! each try again in turn); a caller that arrives after the failure starts a
//! new fetch.

use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use tokio::sync::Mutex;

use super::error::ClientError;
use snap_core::endpoint::BearerToken;
use snap_core::secret::SecretString;

/// A B2B token and until when it is used.
#[derive(Debug, Clone)]
pub(crate) struct CachedToken {
    pub(crate) token: BearerToken,
    pub(crate) fresh_until: Instant,
}

/// One cached value, fetched by one caller at a time, with the failure of
/// the last fetch kept for the callers that waited for it.
#[derive(Debug)]
pub(crate) struct SingleFlight<T> {
    slot: Mutex<Slot<T>>,
    /// Fetches finished so far (success or failure).
    finished: AtomicU64,
}

#[derive(Debug)]
struct Slot<T> {
    value: Option<T>,
    /// The failure of the last fetch, with its sequence number.
    failure: Option<(u64, ClientError)>,
}

impl<T: Clone> SingleFlight<T> {
    pub(crate) fn new(value: Option<T>) -> Self {
        SingleFlight {
            slot: Mutex::new(Slot {
                value,
                failure: None,
            }),
            finished: AtomicU64::new(0),
        }
    }

    /// The value if `fresh` says it is still usable, else the result of
    /// `fetch` (given the current value, e.g. for its refresh token; called
    /// with the lock held: one fetch at a time). A caller that waited while
    /// a fetch failed gets that fetch's error.
    pub(crate) async fn get<F, Fut>(
        &self,
        fresh: impl Fn(&T) -> bool,
        fetch: F,
    ) -> Result<T, ClientError>
    where
        F: FnOnce(Option<T>) -> Fut,
        Fut: Future<Output = Result<T, ClientError>>,
    {
        let seen = self.finished.load(Ordering::Acquire);
        let mut slot = self.slot.lock().await;
        if let Some(v) = slot.value.as_ref().filter(|v| fresh(v)) {
            return Ok(v.clone());
        }
        if let Some((n, e)) = &slot.failure
            && *n > seen
        {
            return Err(e.clone());
        }
        let result = fetch(slot.value.clone()).await;
        let n = self.finished.fetch_add(1, Ordering::AcqRel) + 1;
        match &result {
            Ok(v) => {
                slot.value = Some(v.clone());
                slot.failure = None;
            }
            Err(e) => slot.failure = Some((n, e.clone())),
        }
        result
    }

    /// Marks the value stale when `is_stale` says it is the one a provider
    /// rejected; a value another caller already replaced is left alone, so N
    /// calls rejected with the same stale token cause one refresh, not N.
    pub(crate) async fn invalidate(&self, is_stale: impl Fn(&T) -> bool, expire: impl Fn(&mut T)) {
        let mut slot = self.slot.lock().await;
        if let Some(v) = slot.value.as_mut()
            && is_stale(v)
        {
            expire(v);
        }
    }

    /// A look at the value, without fetching.
    pub(crate) async fn peek<R>(&self, f: impl Fn(Option<&T>) -> R) -> R {
        f(self.slot.lock().await.value.as_ref())
    }
}

/// Whether `a` and `b` hold the same token.
pub(crate) fn same_token(a: &SecretString, b: &SecretString) -> bool {
    a.expose() == b.expose()
}

/// How long a token with lifetime `expires_in` is used: `expires_in - margin`,
/// or half the lifetime when the lifetime is not more than twice the margin.
pub(crate) fn usable_for(expires_in: Duration, margin: Duration) -> Duration {
    if expires_in > margin.saturating_mul(2) {
        expires_in - margin
    } else {
        expires_in / 2
    }
}

/// Reads `expiresIn`, a string of digits (`"900"`, as BI documents) or a
/// non-negative JSON integer (as some providers send).
pub(crate) fn parse_expires_in(value: Option<&serde_json::Value>) -> Result<u64, String> {
    match value {
        Some(serde_json::Value::String(s))
            if !s.is_empty() && s.len() <= 12 && s.bytes().all(|b| b.is_ascii_digit()) =>
        {
            s.parse::<u64>()
                .map_err(|e| format!("expiresIn {s:?}: {e}"))
        }
        Some(serde_json::Value::Number(n)) => n
            .as_u64()
            .ok_or_else(|| format!("expiresIn {n} is not a non-negative integer")),
        Some(other) => Err(format!(
            "expiresIn must be a number of seconds (string or integer), got {other}"
        )),
        None => Err("expiresIn is missing".to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::sync::Arc;
    use std::sync::atomic::AtomicUsize;

    fn refused() -> ClientError {
        ClientError::Token {
            endpoint: "Access Token B2B".to_owned(),
            http_status: Some(401),
            response_code: Some("4017300".to_owned()),
            message: "Unauthorized".to_owned(),
            retryable: false,
            transport: None,
        }
    }

    /// N waiters of one failing fetch share its failure: one fetch, N errors;
    /// the next caller fetches again.
    #[tokio::test]
    async fn waiters_share_a_failed_fetch() {
        let flight = Arc::new(SingleFlight::<u32>::new(None));
        let fetches = Arc::new(AtomicUsize::new(0));
        let tasks: Vec<_> = (0..8)
            .map(|_| {
                let (flight, fetches) = (flight.clone(), fetches.clone());
                tokio::spawn(async move {
                    flight
                        .get(
                            |_| true,
                            |_| async move {
                                fetches.fetch_add(1, Ordering::SeqCst);
                                tokio::time::sleep(Duration::from_millis(50)).await;
                                Err::<u32, _>(refused())
                            },
                        )
                        .await
                })
            })
            .collect();
        for t in tasks {
            assert!(matches!(t.await.unwrap(), Err(ClientError::Token { .. })));
        }
        assert_eq!(fetches.load(Ordering::SeqCst), 1);
        // A later caller tries again, and a success is cached.
        let v = flight.get(|_| true, |_| async { Ok(7) }).await.unwrap();
        assert_eq!(v, 7);
        let v = flight.get(|_| true, |_| async { Ok(8) }).await.unwrap();
        assert_eq!(v, 7);
    }

    #[test]
    fn expires_in_string_or_number() {
        assert_eq!(parse_expires_in(Some(&json!("900"))), Ok(900));
        assert_eq!(parse_expires_in(Some(&json!(86400))), Ok(86400));
        assert!(parse_expires_in(Some(&json!(-1))).is_err());
        assert!(parse_expires_in(Some(&json!(9.5))).is_err());
        assert!(parse_expires_in(Some(&json!("15m"))).is_err());
        assert!(parse_expires_in(Some(&json!(""))).is_err());
        assert!(parse_expires_in(None).is_err());
    }

    #[test]
    fn margin() {
        let m = Duration::from_secs(60);
        assert_eq!(
            usable_for(Duration::from_secs(900), m),
            Duration::from_secs(840)
        );
        assert_eq!(
            usable_for(Duration::from_secs(100), m),
            Duration::from_secs(50)
        );
        assert_eq!(usable_for(Duration::ZERO, m), Duration::ZERO);
    }
}
