//! [`ProviderConfig`], the provider side's knobs, built and checked by
//! [`ProviderConfigBuilder`].

use std::time::Duration;

use super::idempotency::IdempotencyPolicy;
use super::limits::RateLimit;
use super::tokens::{MAX_TOKEN_LIFETIME, TokenLifetimes, TokenPolicy};

/// The widest accepted `X-TIMESTAMP` window: one day. X-EXTERNAL-IDs are
/// unique per day, so a wider window would accept a replay the idempotency
/// store no longer remembers.
pub const MAX_TIMESTAMP_WINDOW: Duration = Duration::from_secs(86_400);

/// The largest accepted body limit: 16 MiB (SNAP bodies are a few KiB; the
/// body is held in memory).
pub const MAX_BODY_LIMIT: usize = 16 * 1024 * 1024;

/// Knobs of the provider side: the `X-TIMESTAMP` window, the body limit,
/// the lifetimes and caps of issued tokens, the X-EXTERNAL-ID store's
/// bounds, and connection safety (header, body and idle timeouts, the
/// connection cap, the per-partner rate limit).
///
/// [`ProviderConfig::default`] or [`ProviderConfig::builder`], which checks
/// every value: a value out of range is a [`ProviderConfigError`] naming the
/// setting, never a panic later.
///
/// ```
/// use std::time::Duration;
/// use snap_server::{ProviderConfig, ProviderConfigError};
///
/// let config = ProviderConfig::builder()
///     .timestamp_window(Duration::from_secs(60))
///     .body_limit(8 * 1024)
///     .b2b_token_lifetime(Duration::from_secs(600))
///     .build()?;
/// assert_eq!(config.timestamp_window(), Duration::from_secs(60));
/// assert_eq!(config.token_lifetimes().b2b, Duration::from_secs(600));
///
/// let e = ProviderConfig::builder().timestamp_window(Duration::ZERO).build().unwrap_err();
/// assert_eq!(e.setting(), "timestamp_window");
/// let e = ProviderConfig::builder()
///     .b2b_token_lifetime(Duration::from_secs(u64::MAX))
///     .build()
///     .unwrap_err();
/// assert!(matches!(e, ProviderConfigError::Duration { setting: "b2b_token_lifetime", .. }));
/// # Ok::<(), ProviderConfigError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ProviderConfig {
    timestamp_window: Duration,
    body_limit: usize,
    token_lifetimes: TokenLifetimes,
    max_tokens_per_partner: usize,
    idempotency: IdempotencyPolicy,
    header_read_timeout: Duration,
    body_read_timeout: Duration,
    idle_timeout: Duration,
    max_connections: usize,
    rate_limit: Option<RateLimit>,
}

impl Default for ProviderConfig {
    /// A 5-minute window, a 64 KiB body limit, [`TokenLifetimes::default`],
    /// 1,000 live tokens per partner and kind, [`IdempotencyPolicy::default`],
    /// header read timeout 10 s, body read timeout 30 s, idle timeout 60 s,
    /// 1,024 connections, 1,000 requests per second per partner.
    fn default() -> Self {
        ProviderConfig {
            timestamp_window: Duration::from_secs(300),
            body_limit: 64 * 1024,
            token_lifetimes: TokenLifetimes::default(),
            max_tokens_per_partner: 1000,
            idempotency: IdempotencyPolicy::default(),
            header_read_timeout: Duration::from_secs(10),
            body_read_timeout: Duration::from_secs(30),
            idle_timeout: Duration::from_secs(60),
            max_connections: 1024,
            rate_limit: Some(RateLimit::per_second(1000)),
        }
    }
}

impl ProviderConfig {
    /// A builder starting from the defaults.
    pub fn builder() -> ProviderConfigBuilder {
        ProviderConfig::default().to_builder()
    }

    /// A builder starting from this config's values.
    pub fn to_builder(&self) -> ProviderConfigBuilder {
        ProviderConfigBuilder {
            config: self.clone(),
        }
    }

    /// How far `X-TIMESTAMP` may be from the provider's clock, either way.
    /// BI fixes no value; default 5 minutes.
    pub fn timestamp_window(&self) -> Duration {
        self.timestamp_window
    }

    /// Largest accepted body, bytes (default 64 KiB). Larger bodies are
    /// refused as soon as the limit is passed (or from `Content-Length`).
    pub fn body_limit(&self) -> usize {
        self.body_limit
    }

    /// The lifetimes of the tokens a [`TokenStore`](crate::tokens::TokenStore)
    /// built for this provider issues: `TokenStore::new(config.token_lifetimes())`.
    pub fn token_lifetimes(&self) -> TokenLifetimes {
        self.token_lifetimes
    }

    /// Lifetimes and the per-partner cap, for a token store.
    pub fn token_policy(&self) -> TokenPolicy {
        TokenPolicy::new(self.token_lifetimes)
            .with_max_live_per_partner(self.max_tokens_per_partner)
    }

    /// The X-EXTERNAL-ID store's bounds.
    pub fn idempotency(&self) -> IdempotencyPolicy {
        self.idempotency
    }

    /// How long a client may take to send a request's head, and how long a
    /// kept-alive connection may wait for its next request (default 10 s).
    pub fn header_read_timeout(&self) -> Duration {
        self.header_read_timeout
    }

    /// How long a client may take to send a whole body once its head is in
    /// (default 30 s); a body that is late (a `Content-Length` larger than
    /// what is sent) is refused `400{SS}00`.
    pub fn body_read_timeout(&self) -> Duration {
        self.body_read_timeout
    }

    /// How long a connection may make no progress either way (default 60 s):
    /// also closes a client that stops reading its answer.
    pub fn idle_timeout(&self) -> Duration {
        self.idle_timeout
    }

    /// Connections served at once (default 1,024); more wait in the
    /// listener's backlog.
    pub fn max_connections(&self) -> usize {
        self.max_connections
    }

    /// The per-partner budget (default 1,000 requests per second), `None`
    /// for none.
    pub fn rate_limit(&self) -> Option<RateLimit> {
        self.rate_limit
    }
}

/// Builds a [`ProviderConfig`]; [`ProviderConfigBuilder::build`] checks
/// every value.
#[derive(Debug, Clone)]
#[must_use]
pub struct ProviderConfigBuilder {
    config: ProviderConfig,
}

impl ProviderConfigBuilder {
    /// The `X-TIMESTAMP` window: 1 s to [`MAX_TIMESTAMP_WINDOW`].
    pub fn timestamp_window(mut self, window: Duration) -> Self {
        self.config.timestamp_window = window;
        self
    }

    /// The body limit in bytes: 1 to [`MAX_BODY_LIMIT`].
    pub fn body_limit(mut self, bytes: usize) -> Self {
        self.config.body_limit = bytes;
        self
    }

    /// All token lifetimes at once (each 1 s to [`MAX_TOKEN_LIFETIME`]).
    pub fn token_lifetimes(mut self, lifetimes: TokenLifetimes) -> Self {
        self.config.token_lifetimes = lifetimes;
        self
    }

    /// The B2B access token's lifetime: 1 s to [`MAX_TOKEN_LIFETIME`].
    pub fn b2b_token_lifetime(mut self, lifetime: Duration) -> Self {
        self.config.token_lifetimes.b2b = lifetime;
        self
    }

    /// The customer access token's lifetime: 1 s to [`MAX_TOKEN_LIFETIME`].
    pub fn customer_token_lifetime(mut self, lifetime: Duration) -> Self {
        self.config.token_lifetimes.customer = lifetime;
        self
    }

    /// The customer refresh token's lifetime: 1 s to [`MAX_TOKEN_LIFETIME`].
    pub fn refresh_token_lifetime(mut self, lifetime: Duration) -> Self {
        self.config.token_lifetimes.refresh = lifetime;
        self
    }

    /// Live tokens of each kind per partner: 1 to 1,000,000.
    pub fn max_tokens_per_partner(mut self, n: usize) -> Self {
        self.config.max_tokens_per_partner = n;
        self
    }

    /// X-EXTERNAL-ID records kept per partner in memory: 1 to 100,000,000.
    pub fn max_external_ids_per_partner(mut self, n: usize) -> Self {
        self.config.idempotency.max_per_partner = n;
        self
    }

    /// How long after midnight yesterday's X-EXTERNAL-IDs still replay: 0 to
    /// 24 h.
    pub fn external_id_grace(mut self, grace: Duration) -> Self {
        self.config.idempotency.grace = grace;
        self
    }

    /// How long a retry waits for its original: 1 ms to 10 min.
    pub fn external_id_wait_limit(mut self, wait: Duration) -> Self {
        self.config.idempotency.wait_limit = wait;
        self
    }

    /// Header read timeout: 1 ms to 10 min.
    pub fn header_read_timeout(mut self, t: Duration) -> Self {
        self.config.header_read_timeout = t;
        self
    }

    /// Body read timeout: 1 ms to 1 h.
    pub fn body_read_timeout(mut self, t: Duration) -> Self {
        self.config.body_read_timeout = t;
        self
    }

    /// Idle timeout: 1 ms to 1 h.
    pub fn idle_timeout(mut self, t: Duration) -> Self {
        self.config.idle_timeout = t;
        self
    }

    /// Connections at once: 1 to 1,000,000.
    pub fn max_connections(mut self, n: usize) -> Self {
        self.config.max_connections = n;
        self
    }

    /// The per-partner budget (`None`: no limit); `requests` at least 1,
    /// `per` 1 ms to 1 h.
    pub fn rate_limit(mut self, limit: Option<RateLimit>) -> Self {
        self.config.rate_limit = limit;
        self
    }

    /// The config, or the first setting out of range.
    ///
    /// # Errors
    /// [`ProviderConfigError`] naming the setting, its value and the range.
    pub fn build(self) -> Result<ProviderConfig, ProviderConfigError> {
        let c = self.config;
        let second = Duration::from_secs(1);
        let durations = [
            ("timestamp_window", c.timestamp_window, MAX_TIMESTAMP_WINDOW),
            (
                "b2b_token_lifetime",
                c.token_lifetimes.b2b,
                MAX_TOKEN_LIFETIME,
            ),
            (
                "customer_token_lifetime",
                c.token_lifetimes.customer,
                MAX_TOKEN_LIFETIME,
            ),
            (
                "refresh_token_lifetime",
                c.token_lifetimes.refresh,
                MAX_TOKEN_LIFETIME,
            ),
        ];
        let ms = Duration::from_millis(1);
        let mut checks: Vec<(&'static str, Duration, Duration, Duration)> = durations
            .into_iter()
            .map(|(s, v, max)| (s, v, second, max))
            .collect();
        checks.extend([
            (
                "external_id_grace",
                c.idempotency.grace,
                Duration::ZERO,
                Duration::from_secs(86_400),
            ),
            (
                "external_id_wait_limit",
                c.idempotency.wait_limit,
                ms,
                Duration::from_secs(600),
            ),
            (
                "header_read_timeout",
                c.header_read_timeout,
                ms,
                Duration::from_secs(600),
            ),
            (
                "body_read_timeout",
                c.body_read_timeout,
                ms,
                Duration::from_secs(3600),
            ),
            (
                "idle_timeout",
                c.idle_timeout,
                ms,
                Duration::from_secs(3600),
            ),
        ]);
        if let Some(r) = c.rate_limit {
            checks.push(("rate_limit", r.per, ms, Duration::from_secs(3600)));
        }
        for (setting, value, min, max) in checks {
            if !(min..=max).contains(&value) {
                return Err(ProviderConfigError::Duration {
                    setting,
                    value,
                    min,
                    max,
                });
            }
        }
        let sizes = [
            (
                "max_tokens_per_partner",
                c.max_tokens_per_partner,
                1_000_000,
            ),
            (
                "max_external_ids_per_partner",
                c.idempotency.max_per_partner,
                100_000_000,
            ),
            ("max_connections", c.max_connections, 1_000_000),
            (
                "rate_limit",
                c.rate_limit.map_or(1, |r| r.requests as usize),
                u32::MAX as usize,
            ),
        ];
        for (setting, value, max) in sizes {
            if !(1..=max).contains(&value) {
                return Err(ProviderConfigError::Count {
                    setting,
                    value,
                    min: 1,
                    max,
                });
            }
        }
        if !(1..=MAX_BODY_LIMIT).contains(&c.body_limit) {
            return Err(ProviderConfigError::Size {
                setting: "body_limit",
                value: c.body_limit,
                min: 1,
                max: MAX_BODY_LIMIT,
            });
        }
        Ok(c)
    }
}

/// A [`ProviderConfig`] setting out of range.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ProviderConfigError {
    /// A duration out of range.
    #[error("{setting} must be {min:?} to {max:?}, got {value:?}")]
    Duration {
        /// The builder method that set it (`timestamp_window`).
        setting: &'static str,
        /// The value given.
        value: Duration,
        /// The least accepted.
        min: Duration,
        /// The most accepted.
        max: Duration,
    },
    /// A size out of range.
    #[error("{setting} must be {min} to {max} bytes, got {value}")]
    Size {
        /// The builder method that set it (`body_limit`).
        setting: &'static str,
        /// The value given.
        value: usize,
        /// The least accepted.
        min: usize,
        /// The most accepted.
        max: usize,
    },
    /// A count out of range.
    #[error("{setting} must be {min} to {max}, got {value}")]
    Count {
        /// The builder method that set it (`max_connections`).
        setting: &'static str,
        /// The value given.
        value: usize,
        /// The least accepted.
        min: usize,
        /// The most accepted.
        max: usize,
    },
}

impl ProviderConfigError {
    /// The setting out of range, as the builder method that sets it is
    /// named (`"timestamp_window"`, `"body_limit"`, `"b2b_token_lifetime"`,
    /// ...).
    pub fn setting(&self) -> &'static str {
        match self {
            ProviderConfigError::Duration { setting, .. }
            | ProviderConfigError::Size { setting, .. }
            | ProviderConfigError::Count { setting, .. } => setting,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_pass_their_own_checks() {
        assert_eq!(
            ProviderConfig::builder().build(),
            Ok(ProviderConfig::default())
        );
        let c = ProviderConfig::default();
        assert_eq!(c.to_builder().build(), Ok(c));
    }

    #[test]
    fn connection_and_store_settings_are_checked() {
        let ms = Duration::from_millis;
        type Set = fn(ProviderConfigBuilder) -> ProviderConfigBuilder;
        let bad: [(&str, Set); 8] = [
            ("header_read_timeout", |b| {
                b.header_read_timeout(Duration::ZERO)
            }),
            ("body_read_timeout", |b| {
                b.body_read_timeout(Duration::from_secs(u64::MAX))
            }),
            ("idle_timeout", |b| b.idle_timeout(Duration::ZERO)),
            ("max_connections", |b| b.max_connections(0)),
            ("max_tokens_per_partner", |b| b.max_tokens_per_partner(0)),
            ("max_external_ids_per_partner", |b| {
                b.max_external_ids_per_partner(usize::MAX)
            }),
            ("external_id_grace", |b| {
                b.external_id_grace(Duration::from_secs(86_401))
            }),
            ("rate_limit", |b| {
                b.rate_limit(Some(RateLimit {
                    requests: 0,
                    per: Duration::from_secs(1),
                }))
            }),
        ];
        for (name, set) in bad {
            let e = set(ProviderConfig::builder()).build().unwrap_err();
            assert_eq!(e.setting(), name, "{e}");
        }
        let c = ProviderConfig::builder()
            .header_read_timeout(ms(500))
            .max_connections(8)
            .rate_limit(None)
            .build()
            .unwrap();
        assert_eq!(c.header_read_timeout(), ms(500));
        assert_eq!(c.max_connections(), 8);
        assert_eq!(c.rate_limit(), None);
    }

    #[test]
    fn every_setting_has_a_range_and_nonsense_is_a_typed_error() {
        let secs = Duration::from_secs;
        type Set = fn(ProviderConfigBuilder, Duration) -> ProviderConfigBuilder;
        let durations: [(&str, Set, Duration); 4] = [
            (
                "timestamp_window",
                |b, d| b.timestamp_window(d),
                MAX_TIMESTAMP_WINDOW,
            ),
            (
                "b2b_token_lifetime",
                |b, d| b.b2b_token_lifetime(d),
                MAX_TOKEN_LIFETIME,
            ),
            (
                "customer_token_lifetime",
                |b, d| b.customer_token_lifetime(d),
                MAX_TOKEN_LIFETIME,
            ),
            (
                "refresh_token_lifetime",
                |b, d| b.refresh_token_lifetime(d),
                MAX_TOKEN_LIFETIME,
            ),
        ];
        for (name, set, max) in durations {
            for ok in [secs(1), max] {
                assert!(
                    set(ProviderConfig::builder(), ok).build().is_ok(),
                    "{name} {ok:?}"
                );
            }
            for bad in [
                Duration::ZERO,
                Duration::from_millis(999),
                max + secs(1),
                secs(u64::MAX),
            ] {
                let e = set(ProviderConfig::builder(), bad).build().unwrap_err();
                assert_eq!(e.setting(), name);
                assert!(e.to_string().starts_with(name), "{e}");
            }
        }
        for ok in [1, MAX_BODY_LIMIT] {
            assert_eq!(
                ProviderConfig::builder()
                    .body_limit(ok)
                    .build()
                    .map(|c| c.body_limit()),
                Ok(ok)
            );
        }
        for bad in [0, MAX_BODY_LIMIT + 1, usize::MAX] {
            let e = ProviderConfig::builder()
                .body_limit(bad)
                .build()
                .unwrap_err();
            assert_eq!(
                e,
                ProviderConfigError::Size {
                    setting: "body_limit",
                    value: bad,
                    min: 1,
                    max: MAX_BODY_LIMIT
                }
            );
        }
    }
}
