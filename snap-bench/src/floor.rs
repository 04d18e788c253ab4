//! The hand-written floor: the least code that signs (client side) or checks
//! (provider side) a SNAP symmetric request, on plain `serde` structs.
//!
//! Nothing here goes through snap-core: the HMAC key is a pre-keyed
//! `Hmac<Sha512>` (the keyed state is cloned per call, as a careful hand
//! implementation would do), the hex and the string-to-sign are built by hand,
//! and the request types are plain `#[derive(Serialize, Deserialize)]` structs
//! with `String` amounts, no validation and no money type.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256, Sha512};

/// A pre-keyed HMAC-SHA512 state (the client secret applied once).
pub type FloorKey = Hmac<Sha512>;

/// Keys HMAC-SHA512 with `secret` once.
///
/// # Errors
/// Never in practice (HMAC accepts any key length); the `hmac` crate's
/// signature is fallible, so the error is passed on.
pub fn key(secret: &[u8]) -> Result<FloorKey, hmac::digest::InvalidLength> {
    FloorKey::new_from_slice(secret)
}

/// A money object as plain strings (`{"value":"10000.00","currency":"IDR"}`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PlainAmount {
    /// Decimal string with two fraction digits.
    pub value: String,
    /// ISO 4217 code.
    pub currency: String,
}

/// One `items` element of Auth Payment, as plain strings.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlainItem {
    /// `goodsId`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub goods_id: Option<String>,
    /// `price`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub price: Option<PlainAmount>,
    /// `category`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// `unit`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// `quantity`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quantity: Option<String>,
}

/// BI Auth Payment (service 63) request as a plain serde struct: the same wire
/// shape as `snap_endpoints::bi::auth::AuthPaymentRequest`, without rules.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlainAuthPayment {
    /// `partnerReferenceNo`.
    pub partner_reference_no: String,
    /// `merchantId`.
    pub merchant_id: String,
    /// `subMerchantId`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sub_merchant_id: Option<String>,
    /// `amount`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount: Option<PlainAmount>,
    /// `feeType`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fee_type: Option<String>,
    /// `mcc`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mcc: Option<String>,
    /// `productCode`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product_code: Option<String>,
    /// `title`.
    pub title: String,
    /// `items`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub items: Option<Vec<PlainItem>>,
    /// `additionalInfo`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub additional_info: Option<serde_json::Map<String, serde_json::Value>>,
}

/// A VA-inquiry-sized request (about 200 bytes) as a plain serde struct: the
/// same wire shape as the small endpoint declared in [`crate::models`].
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlainVaInquiry {
    /// `partnerServiceId`.
    pub partner_service_id: String,
    /// `customerNo`.
    pub customer_no: String,
    /// `virtualAccountNo`.
    pub virtual_account_no: String,
    /// `channelCode`.
    pub channel_code: u32,
    /// `amount`.
    pub amount: PlainAmount,
    /// `inquiryRequestId`.
    pub inquiry_request_id: String,
}

/// Lower-case hex of `bytes`, by hand.
pub fn lower_hex(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        s.push(char::from(HEX[usize::from(b >> 4)]));
        s.push(char::from(HEX[usize::from(b & 0x0f)]));
    }
    s
}

/// `METHOD:path:token:hexhash:timestamp` into one pre-sized buffer.
fn string_to_sign(method: &str, path: &str, token: &str, hash_hex: &str, ts: &str) -> Vec<u8> {
    let mut s = Vec::with_capacity(method.len() + path.len() + token.len() + 64 + ts.len() + 4);
    for (i, part) in [method, path, token, hash_hex, ts].into_iter().enumerate() {
        if i > 0 {
            s.push(b':');
        }
        s.extend_from_slice(part.as_bytes());
    }
    s
}

/// Floor, client side: `serde_json::to_vec` + SHA-256 hex + HMAC-SHA512
/// (cloned pre-keyed state) + base64. Returns the body bytes and X-SIGNATURE.
///
/// # Errors
/// A `serde_json` error if `req` cannot be serialized.
pub fn sign_request<T: Serialize>(
    key: &FloorKey,
    method: &str,
    path: &str,
    token: &str,
    timestamp: &str,
    req: &T,
) -> Result<(Vec<u8>, String), serde_json::Error> {
    let body = serde_json::to_vec(req)?;
    let hash = lower_hex(&Sha256::digest(&body));
    let mut mac = key.clone();
    mac.update(&string_to_sign(method, path, token, &hash, timestamp));
    let signature = STANDARD.encode(mac.finalize().into_bytes());
    Ok((body, signature))
}

/// Removes JSON whitespace outside strings, keeping every other byte: the
/// hand-written minify of the provider-side floor (no JSON validation; the
/// parse that follows does that).
pub fn minify(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len());
    let (mut in_string, mut escaped) = (false, false);
    for &b in raw {
        if in_string {
            out.push(b);
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
        } else {
            match b {
                b' ' | b'\n' | b'\r' | b'\t' => {}
                b'"' => {
                    in_string = true;
                    out.push(b);
                }
                _ => out.push(b),
            }
        }
    }
    out
}

/// Why the provider-side floor refused a request.
#[derive(Debug)]
pub enum FloorError {
    /// X-SIGNATURE is not base64.
    SignatureEncoding,
    /// The HMAC does not match.
    Mismatch,
    /// The body does not parse into the request type.
    Parse(serde_json::Error),
}

/// Floor, provider side: minify + SHA-256 hex + HMAC-SHA512 check (constant
/// time, on decoded bytes) + `serde_json::from_slice`.
///
/// # Errors
/// [`FloorError`] when the signature is not base64, does not match, or the
/// body does not parse.
#[allow(clippy::too_many_arguments)]
pub fn verify_and_parse<T: DeserializeOwned>(
    key: &FloorKey,
    method: &str,
    path: &str,
    token: &str,
    timestamp: &str,
    raw: &[u8],
    signature: &str,
) -> Result<T, FloorError> {
    let hash = lower_hex(&Sha256::digest(minify(raw)));
    let tag = STANDARD
        .decode(signature)
        .map_err(|_| FloorError::SignatureEncoding)?;
    let mut mac = key.clone();
    mac.update(&string_to_sign(method, path, token, &hash, timestamp));
    mac.verify_slice(&tag).map_err(|_| FloorError::Mismatch)?;
    serde_json::from_slice(raw).map_err(FloorError::Parse)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lower_hex_matches_known_sha256_of_empty() {
        assert_eq!(
            lower_hex(&Sha256::digest(b"")),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn minify_keeps_strings_and_drops_outside_whitespace() {
        let raw = b"{ \"a b\" : \"x\\\" y\" ,\n\t\"c\": [1, 2] }";
        assert_eq!(minify(raw), b"{\"a b\":\"x\\\" y\",\"c\":[1,2]}".to_vec());
    }

    #[test]
    fn floor_signature_matches_snap_core_and_round_trips() {
        let key = key(b"secret").unwrap();
        let req = serde_json::json!({"partnerReferenceNo": "1", "title": "a b"});
        let (body, sig) = sign_request(
            &key,
            "POST",
            "/v1.0/x",
            "tok",
            "2024-01-01T00:00:00+07:00",
            &req,
        )
        .unwrap();
        let core_key = snap_core::sign::HmacKey::new(b"secret").unwrap();
        let input = snap_core::sign::SigningInput::new("POST", "/v1.0/x")
            .access_token("tok")
            .body(&body)
            .timestamp("2024-01-01T00:00:00+07:00");
        let core_sig = snap_core::sign::Symmetric::signature(&core_key, &input).unwrap();
        assert_eq!(sig, core_sig);
        let back: serde_json::Value = verify_and_parse(
            &key,
            "POST",
            "/v1.0/x",
            "tok",
            "2024-01-01T00:00:00+07:00",
            &body,
            &sig,
        )
        .unwrap();
        assert_eq!(back, req);
        let bad = verify_and_parse::<serde_json::Value>(
            &key,
            "POST",
            "/v1.0/y",
            "tok",
            "2024-01-01T00:00:00+07:00",
            &body,
            &sig,
        );
        assert!(matches!(bad, Err(FloorError::Mismatch)));
    }
}
