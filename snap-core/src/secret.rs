//! Secrets: values that must never reach a log.
//!
//! [`Secret<T>`] wraps a client secret, a private key, an access token or any
//! other credential. Its `Debug` and `Display` print `[redacted]`; the value
//! is reachable only through [`Secret::expose`], so every place that reads it
//! is visible in the code.
//!
//! Serialization *does* write the value (an access-token response has to put
//! the token on the wire); keep secrets out of structures that are logged as
//! JSON.
//!
//! The memory is not wiped on drop: that needs either `unsafe` (forbidden in
//! this workspace) or a new dependency (`zeroize`), and the values are
//! `String`s that may already have been copied by the allocator.
//!
//! ```
//! use snap_core::secret::SecretString;
//!
//! let token = SecretString::new("eyJhbGciOi".to_owned());
//! assert_eq!(format!("{token:?}"), "[redacted]");
//! assert_eq!(token.to_string(), "[redacted]");
//! assert_eq!(token.expose(), "eyJhbGciOi");
//! ```

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use subtle::ConstantTimeEq;

/// What `Debug` and `Display` print for every secret.
pub const REDACTED: &str = "[redacted]";

/// A value whose `Debug` and `Display` print `[redacted]`.
#[derive(Clone, Default)]
pub struct Secret<T>(T);

/// A secret string: client secret, token, PEM text.
pub type SecretString = Secret<String>;

impl<T> Secret<T> {
    /// Wraps `value`.
    pub const fn new(value: T) -> Self {
        Secret(value)
    }

    /// The wrapped value. Every call site is a place where the secret leaves
    /// its wrapper: keep them few.
    pub fn expose(&self) -> &T {
        &self.0
    }

    /// Unwraps the value.
    pub fn into_exposed(self) -> T {
        self.0
    }
}

impl<T: AsRef<[u8]>> Secret<T> {
    /// Compares two secrets in time independent of where they differ (the
    /// length is not hidden). Use this to check a presented token.
    pub fn ct_eq(&self, other: &[u8]) -> bool {
        self.0.as_ref().ct_eq(other).into()
    }
}

/// Constant-time equality (see [`Secret::ct_eq`]).
impl<T: AsRef<[u8]>> PartialEq for Secret<T> {
    fn eq(&self, other: &Self) -> bool {
        self.ct_eq(other.0.as_ref())
    }
}

impl<T: AsRef<[u8]>> Eq for Secret<T> {}

impl From<String> for SecretString {
    fn from(value: String) -> Self {
        Secret(value)
    }
}

impl From<&str> for SecretString {
    fn from(value: &str) -> Self {
        Secret(value.to_owned())
    }
}

impl<T> fmt::Debug for Secret<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl<T> fmt::Display for Secret<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

/// Writes the value itself (the wire needs it); see the module docs.
impl<T: Serialize> Serialize for Secret<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Secret<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        T::deserialize(deserializer).map(Secret)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_are_redacted() {
        let s = SecretString::new("client-secret-123".into());
        assert_eq!(format!("{s:?}"), "[redacted]");
        assert_eq!(format!("{s:#?}"), "[redacted]");
        assert_eq!(format!("{s}"), "[redacted]");
        assert_eq!(s.expose(), "client-secret-123");
    }

    #[test]
    fn redacted_inside_a_derived_debug() {
        #[derive(Debug)]
        #[allow(dead_code)]
        struct Creds {
            client_id: String,
            secret: SecretString,
        }
        let c = Creds {
            client_id: "abc".into(),
            secret: "s3cr3t-value".into(),
        };
        let text = format!("{c:?}");
        assert!(text.contains("abc"));
        assert!(text.contains("[redacted]"));
        assert!(!text.contains("s3cr3t"), "{text}");
    }

    #[test]
    fn serde_round_trip_carries_the_value() {
        let s: SecretString = serde_json::from_str("\"tok\"").unwrap();
        assert_eq!(s.expose(), "tok");
        assert_eq!(serde_json::to_string(&s).unwrap(), "\"tok\"");
    }

    #[test]
    fn constant_time_compare() {
        let s = SecretString::from("token-a");
        assert!(s.ct_eq(b"token-a"));
        assert!(!s.ct_eq(b"token-b"));
        assert!(!s.ct_eq(b"token-a-longer"));
        assert_eq!(s, SecretString::from("token-a"));
        assert_ne!(s, SecretString::from("token-b"));
        assert_eq!(s.clone().into_exposed(), "token-a");
    }
}
