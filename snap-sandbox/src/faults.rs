//! Fault knobs for testing clients: induced delay, a timeout rate, a 5xx
//! rate, and a seed so a run is reproducible.
//!
//! Rates are whole percentages (0-100), drawn per request from a seeded
//! generator (SplitMix64): the same seed and the same order of requests give
//! the same faults. What each fault does:
//!
//! - **delay**: every request waits this long before it is processed.
//! - **5xx**: the request is answered `500{SS}01 Internal Server Error`
//!   **before** it is processed (nothing happened; a retry is safe).
//! - **timeout**: the request **is** processed (its answer is stored for an
//!   idempotent replay), then the answer is held back for
//!   [`Faults::timeout_hold`], longer than any sensible client timeout. A
//!   client that retries with the same `X-EXTERNAL-ID` and body gets the
//!   original answer; this is the case SNAP's idempotency rules are for.

use std::sync::Mutex;
use std::time::Duration;

use serde::Deserialize;

/// The knobs. All off by default.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct FaultConfig {
    /// Fixed delay before every request is processed, milliseconds.
    pub delay_ms: u64,
    /// Percentage (0-100) of requests answered late (processed, answer held).
    pub timeout_percent: u8,
    /// Percentage (0-100) of requests answered `500{SS}01` unprocessed.
    pub error_percent: u8,
    /// How long a "timed out" answer is held back, milliseconds.
    pub timeout_hold_ms: u64,
    /// Seed of the fault generator.
    pub seed: u64,
    /// Apply faults to the access-token endpoints too (off: tokens are
    /// always served promptly, so a client test exercises its retries on
    /// transactions).
    pub include_token_endpoints: bool,
}

impl Default for FaultConfig {
    fn default() -> Self {
        FaultConfig {
            delay_ms: 0,
            timeout_percent: 0,
            error_percent: 0,
            timeout_hold_ms: 30_000,
            seed: 0,
            include_token_endpoints: false,
        }
    }
}

/// A fault config that does not make sense.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FaultConfigError {
    /// A percentage above 100.
    #[error("{field} must be a percentage 0-100, got {value}")]
    Percent {
        /// `timeoutPercent` or `errorPercent`.
        field: &'static str,
        /// The value given.
        value: u8,
    },
    /// Both percentages together above 100.
    #[error("timeoutPercent + errorPercent must not exceed 100, got {0}")]
    Sum(u16),
}

impl FaultConfig {
    /// Checks the ranges.
    pub fn validate(&self) -> Result<(), FaultConfigError> {
        for (field, value) in [
            ("timeoutPercent", self.timeout_percent),
            ("errorPercent", self.error_percent),
        ] {
            if value > 100 {
                return Err(FaultConfigError::Percent { field, value });
            }
        }
        let sum = u16::from(self.timeout_percent) + u16::from(self.error_percent);
        if sum > 100 {
            return Err(FaultConfigError::Sum(sum));
        }
        Ok(())
    }
}

/// What happens to one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Processed and answered normally (after the delay, if any).
    None,
    /// Answered `500{SS}01` without being processed.
    ServerError,
    /// Processed, answer held back.
    Timeout,
}

/// The knobs plus the generator state.
#[derive(Debug)]
pub struct Faults {
    config: Mutex<FaultConfig>,
    state: Mutex<u64>,
}

fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl Faults {
    /// Knobs from a (validated) config.
    pub fn new(config: FaultConfig) -> Result<Self, FaultConfigError> {
        config.validate()?;
        let seed = config.seed;
        Ok(Faults {
            config: Mutex::new(config),
            state: Mutex::new(seed),
        })
    }

    /// No faults at all.
    pub fn off() -> Self {
        Faults {
            config: Mutex::new(FaultConfig::default()),
            state: Mutex::new(0),
        }
    }

    fn current(&self) -> std::sync::MutexGuard<'_, FaultConfig> {
        // Plain data replaced whole: a poisoned lock still holds a valid config.
        self.config.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The config now (knobs can change while the sandbox runs).
    pub fn config(&self) -> FaultConfig {
        self.current().clone()
    }

    /// Whether the access-token endpoints are faulted too (read per
    /// request: a change while running takes effect at once).
    pub fn includes_token_endpoints(&self) -> bool {
        self.current().include_token_endpoints
    }

    /// Replaces the knobs while the sandbox runs (the dashboard's and the
    /// helper API's `POST /sandbox/v1.0/faults`); the generator restarts
    /// from the new seed. A config that does not validate is refused and
    /// the old one kept.
    pub fn set(&self, config: FaultConfig) -> Result<(), FaultConfigError> {
        config.validate()?;
        let seed = config.seed;
        *self.current() = config;
        *self.state.lock().unwrap_or_else(|p| p.into_inner()) = seed;
        Ok(())
    }

    /// Delay before processing.
    pub fn delay(&self) -> Duration {
        Duration::from_millis(self.current().delay_ms)
    }

    /// How long a timed-out answer is held.
    pub fn timeout_hold(&self) -> Duration {
        Duration::from_millis(self.current().timeout_hold_ms)
    }

    /// True when no knob is set (no draw is made).
    pub fn is_off(&self) -> bool {
        let c = self.current();
        c.delay_ms == 0 && c.timeout_percent == 0 && c.error_percent == 0
    }

    /// Draws the fault for the next request.
    pub fn draw(&self) -> Fault {
        let (timeout, error) = {
            let c = self.current();
            (u64::from(c.timeout_percent), u64::from(c.error_percent))
        };
        if timeout == 0 && error == 0 {
            return Fault::None;
        }
        let roll = {
            // The state is a plain integer: a poisoned lock still holds a valid one.
            let mut st = self.state.lock().unwrap_or_else(|p| p.into_inner());
            splitmix64(&mut st) % 100
        };
        if roll < timeout {
            Fault::Timeout
        } else if roll < timeout + error {
            Fault::ServerError
        } else {
            Fault::None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(seed: u64, n: usize) -> Vec<Fault> {
        let f = Faults::new(FaultConfig {
            timeout_percent: 20,
            error_percent: 30,
            seed,
            ..FaultConfig::default()
        })
        .unwrap();
        (0..n).map(|_| f.draw()).collect()
    }

    #[test]
    fn same_seed_same_faults() {
        assert_eq!(run(7, 200), run(7, 200));
        assert_ne!(run(7, 200), run(8, 200));
    }

    #[test]
    fn rates_are_roughly_honoured() {
        let faults = run(42, 10_000);
        let timeouts = faults.iter().filter(|f| **f == Fault::Timeout).count();
        let errors = faults.iter().filter(|f| **f == Fault::ServerError).count();
        assert!((1_700..2_300).contains(&timeouts), "{timeouts}");
        assert!((2_700..3_300).contains(&errors), "{errors}");
    }

    #[test]
    fn zero_rates_never_fault_and_full_rate_always() {
        let f = Faults::off();
        assert!((0..100).all(|_| f.draw() == Fault::None));
        let all = Faults::new(FaultConfig {
            error_percent: 100,
            ..FaultConfig::default()
        })
        .unwrap();
        assert!((0..100).all(|_| all.draw() == Fault::ServerError));
    }

    #[test]
    fn bad_percentages_are_refused() {
        let e = FaultConfig {
            error_percent: 101,
            ..FaultConfig::default()
        }
        .validate()
        .unwrap_err();
        assert_eq!(
            e,
            FaultConfigError::Percent {
                field: "errorPercent",
                value: 101
            }
        );
        let e = FaultConfig {
            error_percent: 60,
            timeout_percent: 60,
            ..FaultConfig::default()
        }
        .validate()
        .unwrap_err();
        assert_eq!(e, FaultConfigError::Sum(120));
    }

    #[test]
    fn knobs_change_at_run_time_and_bad_ones_are_refused() {
        let f = Faults::off();
        assert_eq!(f.draw(), Fault::None);
        f.set(FaultConfig {
            error_percent: 100,
            ..FaultConfig::default()
        })
        .unwrap();
        assert_eq!(f.draw(), Fault::ServerError);
        let bad = FaultConfig {
            error_percent: 101,
            ..FaultConfig::default()
        };
        assert!(f.set(bad).is_err());
        assert_eq!(f.config().error_percent, 100);
    }

    #[test]
    fn config_reads_from_json() {
        let c: FaultConfig =
            serde_json::from_str(r#"{"delayMs":5,"timeoutPercent":10,"errorPercent":5,"seed":3}"#)
                .unwrap();
        assert_eq!(c.delay_ms, 5);
        assert_eq!(c.timeout_hold_ms, 30_000);
        assert!(serde_json::from_str::<FaultConfig>(r#"{"delay":5}"#).is_err());
    }
}
