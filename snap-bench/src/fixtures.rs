//! Bodies, keys and credentials shared by the benchmarks.
//!
//! The Auth Payment bodies are the BI page samples that snap-endpoints keeps
//! as test fixtures (seed 004); the RSA key is the test-only 2048-bit PKCS#8
//! key of snap-core's signature vectors. Never use these credentials for
//! anything real.

/// BI Auth Payment (63) sample request, as printed in the BI page (pretty,
/// 623 bytes): what a provider receives from a client that indents.
pub const AUTH_PAYMENT_REQUEST: &[u8] =
    include_bytes!("../../snap-endpoints/tests/fixtures/bi/auth_payment.request.json");

/// BI Auth Payment (63) sample success response (`2006300`).
pub const AUTH_PAYMENT_RESPONSE: &[u8] =
    include_bytes!("../../snap-endpoints/tests/fixtures/bi/auth_payment.response.json");

/// A VA-inquiry-sized request body (about 200 bytes once minified).
pub const VA_INQUIRY_REQUEST: &str = r#"{
  "partnerServiceId": "   12345",
  "customerNo": "0812345678",
  "virtualAccountNo": "   123450812345678",
  "channelCode": 6011,
  "amount": {"value": "150000.00", "currency": "IDR"},
  "inquiryRequestId": "abcdef-123456-abcdef"
}"#;

/// Test-only 2048-bit RSA private key (PKCS#8 PEM) from snap-core's vectors.
pub const TEST_PRIVATE_KEY_PEM: &str =
    include_str!("../../snap-core/tests/vectors/test-b-pkcs8.pem");

/// The public half of [`TEST_PRIVATE_KEY_PEM`] (SPKI PEM).
pub const TEST_PUBLIC_KEY_PEM: &str =
    include_str!("../../snap-core/tests/vectors/test-b-spki.pub.pem");

/// Client secret of the benchmark partner (test only).
pub const CLIENT_SECRET: &str = "bench-client-secret-0123456789abcdef";

/// Client id / X-PARTNER-ID / X-CLIENT-KEY of the benchmark partner.
pub const CLIENT_ID: &str = "bench-partner";

/// A B2B access token as a client would hold it.
pub const ACCESS_TOKEN: &str = "gp9HjjEj813Y9JGoqwOeOPWbnt4CUpvIJbU1mMU4a11MNDZ7Sg5u9a";

/// A fixed X-TIMESTAMP, so every iteration signs the same string.
pub const TIMESTAMP: &str = "2024-03-05T10:37:16+07:00";

/// Auth Payment path (service 63), without a deployment prefix.
pub const AUTH_PAYMENT_PATH: &str = "/v1.0/auth/payment";

/// VA inquiry path (service 24), without a deployment prefix.
pub const VA_INQUIRY_PATH: &str = "/v1.0/transfer-va/inquiry";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_parse_and_have_the_documented_sizes() {
        let ap: serde_json::Value = serde_json::from_slice(AUTH_PAYMENT_REQUEST).unwrap();
        let min = serde_json::to_vec(&ap).unwrap();
        assert!(
            AUTH_PAYMENT_REQUEST.len() > 550,
            "{}",
            AUTH_PAYMENT_REQUEST.len()
        );
        assert!(min.len() > 350 && min.len() < AUTH_PAYMENT_REQUEST.len());
        let va: serde_json::Value = serde_json::from_str(VA_INQUIRY_REQUEST).unwrap();
        let n = serde_json::to_vec(&va).unwrap().len();
        assert!((170..=230).contains(&n), "{n}");
    }

    #[test]
    fn test_key_parses_as_2048_bit() {
        let k = snap_core::sign::RsaPrivateKey::from_pem(TEST_PRIVATE_KEY_PEM).unwrap();
        assert_eq!(k.bits(), 2048);
    }
}
