//! [`ProviderConfig`], the provider side's knobs, built and checked by
//! [`ProviderConfigBuilder`].

use std::time::Duration;

use super::tokens::{MAX_TOKEN_LIFETIME, TokenLifetimes};

/// The widest accepted `X-TIMESTAMP` window: one day. X-EXTERNAL-IDs are
/// unique per day, so a wider window would accept a replay the idempotency
/// store no longer remembers.
pub const MAX_TIMESTAMP_WINDOW: Duration = Duration::from_secs(86_400);

/// The largest accepted body limit: 16 MiB (SNAP bodies are a few KiB; the
/// body is held in memory).
pub const MAX_BODY_LIMIT: usize = 16 * 1024 * 1024;

/// Knobs of the provider side: the `X-TIMESTAMP` window, the body limit and
/// the lifetimes of issued tokens.
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
}

impl Default for ProviderConfig {
    /// A 5-minute window, a 64 KiB body limit, [`TokenLifetimes::default`].
    fn default() -> Self {
        ProviderConfig {
            timestamp_window: Duration::from_secs(300),
            body_limit: 64 * 1024,
            token_lifetimes: TokenLifetimes::default(),
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
        for (setting, value, max) in durations {
            if !(second..=max).contains(&value) {
                return Err(ProviderConfigError::Duration {
                    setting,
                    value,
                    min: second,
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
}

impl ProviderConfigError {
    /// The setting out of range, as the builder method that sets it is
    /// named (`"timestamp_window"`, `"body_limit"`, `"b2b_token_lifetime"`,
    /// ...).
    pub fn setting(&self) -> &'static str {
        match self {
            ProviderConfigError::Duration { setting, .. }
            | ProviderConfigError::Size { setting, .. } => setting,
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
