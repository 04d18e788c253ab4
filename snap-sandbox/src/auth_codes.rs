//! Auth codes for B2B2C (Access Token B2B2C, 74).
//!
//! In production a customer consents in the provider's app and the partner
//! receives an auth code. The sandbox hands codes out in two scriptable ways:
//!
//! 1. `POST /sandbox/v1.0/auth-code` with `{"clientId":"ID","customerId":"C"}`
//!    and the partner's B2B token (`Authorization: Bearer ...`, from 73)
//!    answers `{"authCode":"...","customerId":"C","expiresIn":"300"}`: a
//!    random, single-use code for that partner, valid 5 minutes, kept in the
//!    sandbox's record store (shared through Redis with `--redis`).
//! 2. The deterministic rule: the code `sandbox:C` (C = 1-64 letters, digits,
//!    `-`, `_`, `.`) is always accepted, for any partner, as customer C.
//!    Handy in scripts and CI, where no extra request is wanted.

use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use snap_server::store::{BoxFuture, Expect, RecordStore, StoreError};

/// Prefix of the deterministic codes.
pub const RULE_PREFIX: &str = "sandbox:";

/// Lifetime of a handed-out code.
pub const CODE_LIFETIME: Duration = Duration::from_secs(300);

/// Handed-out codes, kept in the sandbox's record store (shared by every
/// process on a Redis store) for [`CODE_LIFETIME`].
#[derive(Clone)]
pub struct AuthCodes {
    store: Arc<dyn RecordStore>,
}

impl std::fmt::Debug for AuthCodes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AuthCodes")
    }
}

/// A customer id usable in the deterministic rule and in issued codes.
pub fn valid_customer_id(c: &str) -> bool {
    (1..=64).contains(&c.len())
        && c.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

const SEP: char = '\u{1f}';

impl AuthCodes {
    /// Codes kept in `store`.
    pub fn new(store: Arc<dyn RecordStore>) -> Self {
        AuthCodes { store }
    }

    /// Hands out a single-use code for `partner` and `customer`.
    ///
    /// # Errors
    /// The store failed.
    pub async fn issue(&self, partner: &str, customer: &str) -> Result<String, StoreError> {
        let mut bytes = [0u8; 24];
        if aws_lc_rs::rand::fill(&mut bytes).is_err() {
            // Without entropy a code would be guessable; refuse loudly.
            panic!("the operating system's random source failed");
        }
        let code = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
        let value = format!("{partner}{SEP}{customer}").into_bytes();
        self.store
            .put(
                &format!("authcode:{code}"),
                value,
                Expect::Absent,
                Some(CODE_LIFETIME),
            )
            .await?;
        Ok(code)
    }

    /// The customer behind `code` for `partner`, consuming a handed-out code
    /// (once: of two redeemers, one wins).
    ///
    /// # Errors
    /// The store failed.
    pub async fn redeem(&self, partner: &str, code: &str) -> Result<Option<String>, StoreError> {
        if let Some(customer) = code.strip_prefix(RULE_PREFIX) {
            return Ok(valid_customer_id(customer).then(|| customer.to_owned()));
        }
        let key = format!("authcode:{code}");
        let Some(rec) = self.store.get(&key).await? else {
            return Ok(None);
        };
        let text = String::from_utf8_lossy(&rec.value).into_owned();
        let Some((p, customer)) = text.split_once(SEP) else {
            return Ok(None);
        };
        // Consume: mark used with compare-and-set, whoever the caller.
        if !self
            .store
            .put(
                &key,
                b"used".to_vec(),
                Expect::Version(rec.version),
                Some(CODE_LIFETIME),
            )
            .await?
        {
            return Ok(None);
        }
        Ok((p == partner).then(|| customer.to_owned()))
    }
}

impl snap_server::AuthCodes for AuthCodes {
    fn redeem<'a>(
        &'a self,
        partner: &'a str,
        code: &'a str,
    ) -> BoxFuture<'a, Result<Option<String>, StoreError>> {
        Box::pin(AuthCodes::redeem(self, partner, code))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use snap_server::store::MemoryRecords;

    #[tokio::test]
    async fn issued_codes_are_single_use_and_bound_to_the_partner() {
        let c = AuthCodes::new(Arc::new(MemoryRecords::new(100)));
        let code = c.issue("p1", "cust-1").await.unwrap();
        assert_eq!(
            c.redeem("p2", &code).await.unwrap(),
            None,
            "another partner"
        );
        let code = c.issue("p1", "cust-1").await.unwrap();
        assert_eq!(
            c.redeem("p1", &code).await.unwrap().as_deref(),
            Some("cust-1")
        );
        assert_eq!(c.redeem("p1", &code).await.unwrap(), None, "single use");
        assert_eq!(c.redeem("p1", "made-up").await.unwrap(), None);
    }

    #[tokio::test]
    async fn deterministic_rule() {
        let c = AuthCodes::new(Arc::new(MemoryRecords::new(100)));
        assert_eq!(
            c.redeem("any", "sandbox:cust-7").await.unwrap().as_deref(),
            Some("cust-7")
        );
        assert_eq!(
            c.redeem("any", "sandbox:cust-7").await.unwrap().as_deref(),
            Some("cust-7")
        );
        assert_eq!(c.redeem("any", "sandbox:").await.unwrap(), None);
        assert_eq!(c.redeem("any", "sandbox:a b").await.unwrap(), None);
    }
}
