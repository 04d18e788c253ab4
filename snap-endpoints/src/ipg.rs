//! IPG Switching (Islamic Payment Gateway) — VA Reversal (seed 002,
//! <https://ipg-switching.apidog.io/api-4367521>, marked "Obsolete"). **Not
//! SNAP**: snake_case fields, integer amounts, a string `rc` (`"SUCCESS"`),
//! and one `Signature` header = HMAC-SHA256 keyed with the API key over the
//! request body or query string ([`IpgSignature`]).

use snap_core as snap;
use snap_core::time::SnapTimestamp;

pub use codes::IpgCodes;
pub use scheme::{IpgKey, IpgSignature};

/// The header IPG's scheme writes (as sent; header names are
/// case-insensitive on the wire).
pub mod header {
    /// IPG's `Signature`.
    pub const SIGNATURE: &str = "signature";
}

/// Reversal (single) — `POST /reversal` (seed 002).
///
/// Every body field is optional in the schema, so the document defines no
/// reversal key (`payment_ref` vs `reference_id` vs `virtual_account` +
/// `prefix`) and no lengths: this declaration has no mandatory field and no
/// length rule to check.
#[snap::request(
    method = "POST",
    path = "/reversal",
    response = VaReversalResponse,
    name = "IPG VA Reversal",
    provider = "IPG",
    signature = IpgSignature,
    code_scheme = IpgCodes
)]
#[serde(rename_all = "snake_case")]
pub struct VaReversalRequest {
    /// Payment reference (sample `"1234567890"`). O.
    pub payment_ref: Option<String>,
    /// Amount, a JSON number of rupiah (sample `10000`), never a float here. O.
    pub amount: Option<i64>,
    /// Partner reference (sample `"abcRef13456789"`). O.
    pub reference_id: Option<String>,
    /// Virtual account number without prefix. O.
    pub virtual_account: Option<String>,
    /// Channel, default `bank_name`. O.
    pub channel: Option<String>,
    /// VA prefix (sample `"857399"`). O.
    pub prefix: Option<String>,
}

/// Answer to [`VaReversalRequest`]: every top-level member is optional.
#[snap::model]
#[serde(rename_all = "snake_case")]
pub struct VaReversalResponse {
    /// Result code, a string (`"SUCCESS"`).
    pub rc: Option<String>,
    /// Result message (`"success"`).
    pub message: Option<String>,
    /// Answer time, ISO 8601 with offset.
    pub timestamp: Option<SnapTimestamp>,
    /// The bill ("Payment Model").
    pub data: Option<PaymentModel>,
}

/// IPG's "Payment Model" (the `data` of a reversal answer).
///
/// Document defects: the schema marks `invoice_number` and
/// `transaction_ref_id` required, but the response example omits both — they
/// are optional here so IPG's own example is read; `additional_data` is an
/// object in the schema and an array in the example (kept as raw JSON). The
/// example of a *reversal* shows status `active` and `paid_amount` 0.
#[snap::model]
#[serde(rename_all = "snake_case")]
pub struct PaymentModel {
    /// Bill hash. M.
    pub hash: String,
    /// Full VA number (prefix + virtual account). M.
    pub va_number: String,
    /// Invoice number (schema: required; absent in the example).
    pub invoice_number: Option<String>,
    /// `open`, `close` or `partial`. M.
    #[serde(rename = "type")]
    pub bill_type: String,
    /// Transaction reference (schema: required; absent in the example).
    pub transaction_ref_id: Option<String>,
    /// Bill name (`"SPP Januari 2022"`). M.
    pub name: String,
    /// Customer name. M.
    pub customer_name: String,
    /// Customer e-mail. O.
    pub customer_email: Option<String>,
    /// Customer phone. O.
    pub customer_phone: Option<String>,
    /// Customer address. O.
    pub customer_address: Option<String>,
    /// Total amount, integer rupiah. M.
    pub total_amount: i64,
    /// Billed amount, integer rupiah. M.
    pub billed_amount: i64,
    /// Paid amount, integer rupiah. M.
    pub paid_amount: i64,
    /// `paid`, `active`, `void`, `reversal` or `expired`. M.
    pub status: String,
    /// Extended description. O.
    pub ext_description: Option<String>,
    /// Description. O.
    pub description: Option<String>,
    /// Validity end, ISO 8601. M.
    pub valid_until: SnapTimestamp,
    /// Creation time, ISO 8601. M.
    pub created_at: SnapTimestamp,
    /// The bill's components. M.
    pub components: Vec<BillComponent>,
    /// Display data for the channel (`{key, label, value}`; an array in the
    /// example). O.
    pub additional_data: Option<serde_json::Value>,
    /// Payment details. O.
    pub payment: Option<serde_json::Value>,
}

/// One "Bill's component" of a [`PaymentModel`].
///
/// `qty` is a number in the schema example (`1`) and a string in the response
/// example (`"1"`), so it is kept as raw JSON; `price` and `total` are strings
/// in both, although amounts elsewhere are numbers.
#[snap::model]
#[serde(rename_all = "snake_case")]
pub struct BillComponent {
    /// Component id.
    pub id: String,
    /// Component name.
    pub name: String,
    /// Quantity, number or numeric string.
    pub qty: serde_json::Value,
    /// Unit price as a string.
    pub price: String,
    /// Line total as a string.
    pub total: String,
}

mod codes {
    //! IPG's result-code scheme.

    use serde_json::Value;
    use snap_core::endpoint::{
        AnswerCode, CodeOutcome, CodeScheme, CodeSchemeInfo, DecodeError, EndpointMeta,
    };

    /// IPG's string `rc` scheme, used instead of the 7-digit SNAP code. Only
    /// `"SUCCESS"` is documented; it is the success code (compared ASCII
    /// case-insensitively), any other `rc` is a failure answer. `rc` is
    /// "optional, read-only" in the schema: without it the HTTP status
    /// decides. An `rc` of `"SUCCESS"` on a non-2xx status is a
    /// contradiction.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub struct IpgCodes;

    const FIELD: &str = "rc";

    impl CodeScheme for IpgCodes {
        const INFO: CodeSchemeInfo = CodeSchemeInfo {
            name: "IPG string rc",
            field: FIELD,
        };

        fn read(
            _meta: &EndpointMeta,
            http_status: u16,
            body: &mut Value,
        ) -> Result<CodeOutcome, DecodeError> {
            let message = body
                .get("message")
                .and_then(Value::as_str)
                .map(str::to_owned);
            let http_ok = (200..300).contains(&http_status);
            let (code, success) = match body.get(FIELD) {
                None | Some(Value::Null) => (AnswerCode::Absent, http_ok),
                Some(Value::String(rc)) => {
                    let ok = rc.eq_ignore_ascii_case("SUCCESS");
                    if ok && !http_ok {
                        return Err(DecodeError::Contradiction {
                            http_status,
                            code: rc.clone(),
                            message,
                        });
                    }
                    (AnswerCode::Provider(rc.clone()), ok && http_ok)
                }
                Some(other) => {
                    return Err(DecodeError::MalformedCode {
                        http_status,
                        field: FIELD,
                        raw: other.to_string(),
                        reason: "IPG's rc is a string (e.g. \"SUCCESS\")".to_owned(),
                    });
                }
            };
            Ok(CodeOutcome {
                code,
                success,
                message,
                warnings: Vec::new(),
            })
        }
    }
}

mod scheme {
    //! IPG's signature scheme: the `Signature` header (seed 002).
    //!
    //! The document says, for the `Signature` header: "request body or query
    //! string — hash value using HMAC method. algorithm=sha256, key = API_KEY".
    //! This crate reads it as:
    //! * message = the **exact request body bytes as sent** (POST), or the
    //!   query string without the leading `?` (GET, or no body). Not minified:
    //!   the document says "request body", not a canonical form, and a sender
    //!   hashes what it sends. The client serializes once and sends exactly
    //!   the signed bytes.
    //! * `Signature = lowerhex(HMAC-SHA256(API_KEY, message))`: **hex**,
    //!   because the document calls it a "hash value" and shows no base64, and
    //!   the common implementation of that phrase in these gateways (PHP
    //!   `hash_hmac('sha256', $body, $key)`, which returns lower-case hex) is
    //!   hex. Verification accepts either hex case and compares the decoded
    //!   bytes in constant time.
    //!
    //! Uncertain: the document gives no worked example; check the first
    //! exchange with the provider (the signature doctor does not cover this
    //! scheme). The request names no caller: a provider finds the partner by
    //! trying each partner's key.

    use http::HeaderMap;
    use snap_core::sign::{
        HmacSha256Key, SchemeInfo, SignatureError, SignatureScheme, SigningInput, constant_time_eq,
        read_header, write_header,
    };

    /// `Signature`, as the document spells it.
    const SIGNATURE: &str = "Signature";

    /// IPG's scheme (`signature = IpgSignature`): one `Signature` header,
    /// lower-case hex HMAC-SHA256 with the API key over the body (or the
    /// query string when there is no body). No SNAP headers, no token.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub struct IpgSignature;

    /// What IPG signs: the body bytes, or the query string (without `?`)
    /// for a GET or a request without a body.
    fn message<'a>(input: &SigningInput<'a>) -> &'a [u8] {
        if input.body.is_empty() || input.method == "GET" {
            input.query().as_bytes()
        } else {
            input.body
        }
    }

    impl SignatureScheme for IpgSignature {
        const INFO: SchemeInfo = SchemeInfo::new("ipg").with_headers(&[SIGNATURE]);
        type Signer = IpgKey;
        type Verifier = IpgKey;

        fn sign(
            key: &IpgKey,
            input: &SigningInput<'_>,
            headers: &mut HeaderMap,
        ) -> Result<(), SignatureError> {
            write_header(headers, SIGNATURE, &key.sign(message(input)), false)
        }

        fn verify(
            key: &IpgKey,
            input: &SigningInput<'_>,
            headers: &HeaderMap,
        ) -> Result<(), SignatureError> {
            key.verify(message(input), read_header(headers, SIGNATURE)?)
        }
    }

    /// The IPG API key as an HMAC-SHA256 key (keyed once). `Debug` prints
    /// `[redacted]`.
    #[derive(Clone)]
    pub struct IpgKey {
        key: HmacSha256Key,
    }

    impl IpgKey {
        /// Keys HMAC-SHA256 with the API key.
        ///
        /// # Errors
        /// [`SignatureError::InvalidInput`] for an empty key.
        pub fn new(api_key: &[u8]) -> Result<Self, SignatureError> {
            Ok(Self {
                key: HmacSha256Key::new(api_key, "API_KEY")?,
            })
        }

        /// The `Signature` header: lower-case hex HMAC-SHA256 of `message`
        /// (the exact body bytes sent, or the query string without `?`).
        pub fn sign(&self, message: &[u8]) -> String {
            hex_lower(&self.key.tag(message))
        }

        /// Checks a received `Signature` header (hex, either case) in
        /// constant time.
        ///
        /// # Errors
        /// [`SignatureError::SignatureEncoding`] if it is not 64 hex digits,
        /// [`SignatureError::Mismatch`] if it does not match.
        pub fn verify(&self, message: &[u8], signature: &str) -> Result<(), SignatureError> {
            let received = hex_decode(signature).filter(|b| b.len() == 32).ok_or(
                SignatureError::SignatureEncoding {
                    reason: "IPG Signature must be 64 hex digits (HMAC-SHA256)",
                },
            )?;
            if constant_time_eq(&self.key.tag(message), &received) {
                Ok(())
            } else {
                Err(SignatureError::Mismatch)
            }
        }
    }

    impl std::fmt::Debug for IpgKey {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("IpgKey([redacted])")
        }
    }

    fn hex_lower(bytes: &[u8]) -> String {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut s = String::with_capacity(bytes.len() * 2);
        for b in bytes {
            s.push(char::from(HEX[usize::from(b >> 4)]));
            s.push(char::from(HEX[usize::from(b & 0xf)]));
        }
        s
    }

    fn hex_decode(s: &str) -> Option<Vec<u8>> {
        fn nibble(c: u8) -> Option<u8> {
            match c {
                b'0'..=b'9' => Some(c - b'0'),
                b'a'..=b'f' => Some(c - b'a' + 10),
                b'A'..=b'F' => Some(c - b'A' + 10),
                _ => None,
            }
        }
        if !s.len().is_multiple_of(2) {
            return None;
        }
        s.as_bytes()
            .chunks(2)
            .map(|p| Some((nibble(p[0])? << 4) | nibble(p[1])?))
            .collect()
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn debug_is_redacted() {
            let k = IpgKey::new(b"s3cr3t").unwrap();
            assert_eq!(format!("{k:?}"), "IpgKey([redacted])");
        }

        #[test]
        fn ipg_accepts_both_hex_cases() {
            let k = IpgKey::new(b"key").unwrap();
            let sig = k.sign(b"{}");
            assert!(k.verify(b"{}", &sig).is_ok());
            assert!(k.verify(b"{}", &sig.to_uppercase()).is_ok());
            assert!(k.verify(b"{ }", &sig).unwrap_err().is_mismatch());
            assert!(matches!(
                k.verify(b"{}", "abcd"),
                Err(SignatureError::SignatureEncoding { .. })
            ));
            assert!(k.verify(b"{}", &format!("{}zz", &sig[..62])).is_err());
        }

        #[test]
        fn get_and_empty_bodies_sign_the_query() {
            let input = SigningInput::new("GET", "/ipg/reversal?va=1&prefix=8");
            assert_eq!(message(&input), b"va=1&prefix=8");
            let post = SigningInput::new("POST", "/ipg/reversal?x=1").body(b"{}");
            assert_eq!(message(&post), b"{}");
            assert_eq!(message(&SigningInput::new("POST", "/r")), b"");
        }

        #[test]
        fn hex_roundtrip() {
            assert_eq!(hex_lower(&[0, 0xab, 0xff]), "00abff");
            assert_eq!(hex_decode("00ABff"), Some(vec![0, 0xab, 0xff]));
            assert_eq!(hex_decode("0"), None);
            assert_eq!(hex_decode("zz"), None);
        }
    }
}
