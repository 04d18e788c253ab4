//! Access-token caching with single flight.
//!
//! The B2B token (service 73) is cached for its `expiresIn` minus a safety
//! margin. The cache sits behind an async mutex that is held while a token is
//! fetched, so N calls that find the token expired at the same time cause
//! exactly one token request: the first caller fetches, the others wait for
//! the lock and then find the fresh token.

use std::future::Future;
use std::time::{Duration, Instant};

use tokio::sync::Mutex;

use snap_core::secret::SecretString;

/// A token and until when it is used.
#[derive(Debug, Clone)]
pub(crate) struct CachedToken {
    pub(crate) token: SecretString,
    pub(crate) fresh_until: Instant,
}

/// A single-flight cache for one token.
#[derive(Debug, Default)]
pub(crate) struct TokenCache {
    slot: Mutex<Option<CachedToken>>,
}

impl TokenCache {
    /// The cached token if it is still fresh, else the result of `fetch`
    /// (called with the lock held: one fetch at a time).
    pub(crate) async fn get<F, Fut, E>(&self, fetch: F) -> Result<SecretString, E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<CachedToken, E>>,
    {
        let mut slot = self.slot.lock().await;
        if let Some(cached) = slot.as_ref()
            && Instant::now() < cached.fresh_until
        {
            return Ok(cached.token.clone());
        }
        let fresh = fetch().await?;
        let token = fresh.token.clone();
        *slot = Some(fresh);
        Ok(token)
    }

    /// Forgets `stale` (a token the provider rejected). A token that another
    /// caller already replaced is left alone, so N calls rejected with the
    /// same stale token cause one refresh, not N.
    pub(crate) async fn invalidate(&self, stale: &SecretString) {
        let mut slot = self.slot.lock().await;
        if slot
            .as_ref()
            .is_some_and(|c| c.token.expose() == stale.expose())
        {
            *slot = None;
        }
    }
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
