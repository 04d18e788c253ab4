//! Auth codes for B2B2C (Access Token B2B2C, 74).
//!
//! In production a customer consents in the provider's app and the partner
//! receives an auth code. The sandbox hands codes out in two scriptable ways:
//!
//! 1. `POST /sandbox/v1.0/auth-code` with `{"clientId":"ID","customerId":"C"}`
//!    answers `{"authCode":"...","customerId":"C","expiresIn":"300"}`: a
//!    random, single-use code for that partner, valid 5 minutes.
//! 2. The deterministic rule: the code `sandbox:C` (C = 1-64 letters, digits,
//!    `-`, `_`, `.`) is always accepted, for any partner, as customer C.
//!    Handy in scripts and CI, where no extra request is wanted.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use base64::Engine as _;

/// Prefix of the deterministic codes.
pub const RULE_PREFIX: &str = "sandbox:";

/// Lifetime of a handed-out code.
pub const CODE_LIFETIME: Duration = Duration::from_secs(300);

#[derive(Debug)]
struct Issued {
    partner: String,
    customer: String,
    expires: Instant,
}

/// Handed-out codes. `Debug` shows only how many there are.
#[derive(Default)]
pub struct AuthCodes {
    codes: Mutex<HashMap<String, Issued>>,
}

impl std::fmt::Debug for AuthCodes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n = self.codes.lock().map(|c| c.len()).unwrap_or(0);
        write!(f, "AuthCodes({n} outstanding)")
    }
}

/// A customer id usable in the deterministic rule and in issued codes.
pub fn valid_customer_id(c: &str) -> bool {
    (1..=64).contains(&c.len())
        && c.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

impl AuthCodes {
    /// Hands out a single-use code for `partner` and `customer`.
    pub fn issue(&self, partner: &str, customer: &str) -> String {
        let mut bytes = [0u8; 24];
        if aws_lc_rs::rand::fill(&mut bytes).is_err() {
            // Without entropy a code would be guessable; refuse loudly.
            panic!("the operating system's random source failed");
        }
        let code = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
        let now = Instant::now();
        let mut codes = self.codes.lock().unwrap_or_else(|p| p.into_inner());
        codes.retain(|_, i| i.expires > now);
        codes.insert(
            code.clone(),
            Issued {
                partner: partner.to_owned(),
                customer: customer.to_owned(),
                expires: now + CODE_LIFETIME,
            },
        );
        code
    }

    /// The customer behind `code` for `partner`, consuming a handed-out code.
    pub fn redeem(&self, partner: &str, code: &str) -> Option<String> {
        if let Some(customer) = code.strip_prefix(RULE_PREFIX) {
            return valid_customer_id(customer).then(|| customer.to_owned());
        }
        let mut codes = self.codes.lock().unwrap_or_else(|p| p.into_inner());
        let issued = codes.remove(code)?;
        (issued.partner == partner && issued.expires > Instant::now()).then_some(issued.customer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issued_codes_are_single_use_and_bound_to_the_partner() {
        let c = AuthCodes::default();
        let code = c.issue("p1", "cust-1");
        assert_eq!(c.redeem("p2", &code), None, "another partner");
        let code = c.issue("p1", "cust-1");
        assert_eq!(c.redeem("p1", &code).as_deref(), Some("cust-1"));
        assert_eq!(c.redeem("p1", &code), None, "single use");
        assert_eq!(c.redeem("p1", "made-up"), None);
    }

    #[test]
    fn deterministic_rule() {
        let c = AuthCodes::default();
        assert_eq!(c.redeem("any", "sandbox:cust-7").as_deref(), Some("cust-7"));
        assert_eq!(c.redeem("any", "sandbox:cust-7").as_deref(), Some("cust-7"));
        assert_eq!(c.redeem("any", "sandbox:"), None);
        assert_eq!(c.redeem("any", "sandbox:a b"), None);
    }
}
