//! Ayopop / Ayoconnect bill-payment OpenAPI — bill cancel (seed 000,
//! <https://docs.payments.of.ayoconnect.id/reference/cancelation>). **Not
//! SNAP**: headers `KEY` / `TOKEN` / `VERSION` instead of the SNAP set, an
//! integer `responseCode` such as `600`, a bilingual `message`, integer rupiah
//! amounts, snake_case and camelCase mixed on the wire.

use snap_core as snap;

pub use codes::AyopopCodes;
pub use scheme::{AyopopCredentials, AyopopHeaders, AyopopSignature};

/// The headers Ayopop's scheme writes (as sent; header names are
/// case-insensitive on the wire).
pub mod header {
    /// Ayopop's `KEY`.
    pub const KEY: &str = "key";
    /// Ayopop's `TOKEN`.
    pub const TOKEN: &str = "token";
    /// Ayopop's `VERSION`.
    pub const VERSION: &str = "version";
}

/// Cancelation — `POST {api-url}/api/v2/bill/cancel` (seed 000).
///
/// Document defects: the table spells `account_Number`, the sample
/// `account_number` (the sample's spelling is the wire name, the table's is
/// accepted as an alias); the headings say "Sample Inquiry"; the code samples
/// send the body `{}` although all three fields are mandatory.
#[snap::request(
    method = "POST",
    path = "/api/v2/bill/cancel",
    response = BillCancelResponse,
    name = "Ayopop Bill Cancel",
    provider = "Ayopop",
    signature = AyopopSignature,
    code_scheme = AyopopCodes
)]
#[serde(rename_all = "snake_case")]
pub struct BillCancelRequest {
    /// Partner API key provided. M.
    #[serde(rename = "partnerId")]
    pub partner_id: String,
    /// `enrollmentId` received in the enrollment callback. M.
    #[serde(rename = "account_number", alias = "account_Number")]
    pub account_number: String,
    /// Partner `ref_number` sent in the enrollment request. M.
    pub ref_number: String,
}

/// Answer to [`BillCancelRequest`]. Requirement flags are not documented; the
/// four top-level members are treated as mandatory (inferred), the `data`
/// members as optional.
#[snap::model]
pub struct BillCancelResponse {
    /// Provider result code, an integer (`600` = cancellation successful). M.
    pub response_code: i64,
    /// Status of the request. M.
    pub success: bool,
    /// The result in Bahasa Indonesia and English. M.
    pub message: BilingualMessage,
    /// The bill details. M.
    pub data: BillCancelData,
}

/// `message` of an Ayopop answer.
#[snap::model]
#[serde(rename_all = "snake_case")]
pub struct BilingualMessage {
    /// Message in Bahasa Indonesia (`"Pembatalan Sukses"`).
    #[serde(rename = "ID")]
    pub id: String,
    /// Message in English (`"Cancellation Successful"`).
    #[serde(rename = "EN")]
    pub en: String,
}

/// `data` of [`BillCancelResponse`]. `refNumber`, `transactionId`, `denom` and
/// `token` appear only in the sample, not in the table. The four "Key / Value
/// nested JSON object" members are arrays (`[]`) in the sample, so they are
/// kept as raw JSON.
#[snap::model]
pub struct BillCancelData {
    /// Partner reference number (sample only).
    pub ref_number: Option<String>,
    /// Transaction id, an integer (sample only).
    pub transaction_id: Option<i64>,
    /// The enrollmentId received in the enrollment callback.
    pub account_number: Option<String>,
    /// Final amount incl. total admin fee, integer rupiah.
    pub amount: Option<i64>,
    /// Total administrative charges, integer rupiah.
    pub total_admin: Option<i64>,
    /// Processing fee added by the partner, integer rupiah.
    pub processing_fee: Option<i64>,
    /// Denomination (sample only).
    pub denom: Option<String>,
    /// Product code sent by the partner.
    pub product_code: Option<String>,
    /// Brand and product name.
    pub product_name: Option<String>,
    /// Category of the product.
    pub category: Option<String>,
    /// Product token, e.g. a prepaid electricity token (sample only).
    pub token: Option<String>,
    /// Customer-specific details (key/value; `[]` in the sample).
    pub customer_details: Option<serde_json::Value>,
    /// Bill-specific details (key/value; `[]` in the sample).
    pub bill_details: Option<serde_json::Value>,
    /// Product-specific details (key/value; `[]` in the sample).
    pub product_details: Option<serde_json::Value>,
    /// Extra details (key/value; `[]` in the sample).
    pub extra_fields: Option<serde_json::Value>,
}

mod codes {
    //! Ayopop's result-code scheme.

    use serde_json::Value;
    use snap_core::endpoint::{
        AnswerCode, CodeOutcome, CodeScheme, CodeSchemeInfo, DecodeError, EndpointMeta,
    };

    /// Ayopop's integer `responseCode` scheme (`600` = "Pembatalan Sukses /
    /// Cancellation Successful"), used instead of the 7-digit SNAP code.
    ///
    /// Success is what the answer's boolean `success` says, and it must agree
    /// with the HTTP status (a 2xx with `"success": false` is a failure
    /// answer; a non-2xx with `"success": true` is a contradiction). The code
    /// must be a JSON integer; the message is the English one (`message.EN`),
    /// else the Indonesian one.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub struct AyopopCodes;

    const FIELD: &str = "responseCode";

    impl CodeScheme for AyopopCodes {
        const INFO: CodeSchemeInfo = CodeSchemeInfo {
            name: "Ayopop integer responseCode",
            field: FIELD,
        };

        fn read(
            _meta: &EndpointMeta,
            http_status: u16,
            body: &mut Value,
        ) -> Result<CodeOutcome, DecodeError> {
            let code = match body.get(FIELD) {
                None | Some(Value::Null) => {
                    return Err(DecodeError::MissingCode {
                        http_status,
                        field: FIELD,
                    });
                }
                Some(Value::Number(n)) if n.is_i64() || n.is_u64() => n.to_string(),
                Some(other) => {
                    return Err(DecodeError::MalformedCode {
                        http_status,
                        field: FIELD,
                        raw: other.to_string(),
                        reason: "Ayopop codes are JSON integers (e.g. 600)".to_owned(),
                    });
                }
            };
            let message = body.get("message").and_then(|m| {
                m.get("EN")
                    .or_else(|| m.get("ID"))
                    .and_then(Value::as_str)
                    .map(str::to_owned)
            });
            let http_ok = (200..300).contains(&http_status);
            let success = match body.get("success") {
                Some(Value::Bool(b)) => *b,
                _ => http_ok,
            };
            if success && !http_ok {
                return Err(DecodeError::Contradiction {
                    http_status,
                    code,
                    message,
                });
            }
            Ok(CodeOutcome {
                code: AnswerCode::Provider(code),
                success,
                message,
                warnings: Vec::new(),
            })
        }
    }
}

mod scheme {
    //! Ayopop's signature scheme: `KEY` / `TOKEN` / `VERSION` (seed 000).
    //!
    //! The seed shows only `KEY: API Key`, `TOKEN: token`, `VERSION: 2.0`. It
    //! does not define the token. This crate implements the scheme
    //! Ayoconnect's public authentication page describes (not part of the
    //! seed, so **uncertain**): the token is a JWT, `HS256` with the
    //! partner's secret key, whose payload is the request body:
    //! `base64url({"alg":"HS256","typ":"JWT"}) + "." + base64url(body bytes
    //! as sent) + "." + base64url(HMAC-SHA256(secret, first two parts))`,
    //! unpadded base64url (RFC 7519). `VERSION` is `2.0` (the seed's value
    //! for `/api/v2/...`).

    use base64::Engine as _;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use http::HeaderMap;
    use snap_core::sign::{
        HmacSha256Key, SchemeInfo, SignatureError, SignatureScheme, SigningInput, constant_time_eq,
        read_header, write_header,
    };

    const KEY: &str = "KEY";
    const TOKEN: &str = "TOKEN";
    const VERSION: &str = "VERSION";

    /// Ayopop's scheme (`signature = AyopopSignature`): `KEY` (the API key,
    /// which names the partner), `TOKEN` (an HS256 JWT over the body) and
    /// `VERSION: 2.0`. No SNAP headers, no B2B token.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub struct AyopopSignature;

    impl SignatureScheme for AyopopSignature {
        const INFO: SchemeInfo = SchemeInfo::new("ayopop")
            .with_headers(&[KEY, TOKEN, VERSION])
            .with_partner_header(KEY);
        type Signer = AyopopCredentials;
        type Verifier = AyopopCredentials;

        fn sign(
            creds: &AyopopCredentials,
            input: &SigningInput<'_>,
            headers: &mut HeaderMap,
        ) -> Result<(), SignatureError> {
            let h = creds.headers(input.body);
            write_header(headers, KEY, &h.key, true)?;
            write_header(headers, TOKEN, &h.token, true)?;
            write_header(headers, VERSION, h.version, false)
        }

        fn verify(
            creds: &AyopopCredentials,
            input: &SigningInput<'_>,
            headers: &HeaderMap,
        ) -> Result<(), SignatureError> {
            creds.verify_token(input.body, read_header(headers, TOKEN)?)
        }
    }

    /// The three Ayopop request headers (values).
    #[derive(Clone, PartialEq, Eq)]
    pub struct AyopopHeaders {
        /// `KEY`: the partner API key.
        pub key: String,
        /// `TOKEN`: the HS256 JWT over the body.
        pub token: String,
        /// `VERSION`: `2.0`.
        pub version: &'static str,
    }

    impl std::fmt::Debug for AyopopHeaders {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.debug_struct("AyopopHeaders")
                .field("key", &"[redacted]")
                .field("token", &"[redacted]")
                .field("version", &self.version)
                .finish()
        }
    }

    /// Ayopop credentials: API key (sent as `KEY`) and secret (keys the
    /// JWT). `Debug` prints `[redacted]`.
    #[derive(Clone)]
    pub struct AyopopCredentials {
        api_key: String,
        secret: HmacSha256Key,
    }

    /// The JWT header this crate emits, base64url of `{"alg":"HS256","typ":"JWT"}`.
    const AYOPOP_JWT_HEADER: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9";

    impl AyopopCredentials {
        /// The Ayopop `VERSION` header value.
        pub const VERSION: &'static str = "2.0";

        /// Builds the credentials (the secret is keyed once).
        ///
        /// # Errors
        /// [`SignatureError::InvalidInput`] for an empty key or secret.
        pub fn new(api_key: &str, secret_key: &[u8]) -> Result<Self, SignatureError> {
            if api_key.is_empty() {
                return Err(SignatureError::InvalidInput {
                    field: "KEY",
                    rule: "must not be empty",
                });
            }
            Ok(Self {
                api_key: api_key.to_owned(),
                secret: HmacSha256Key::new(secret_key, "secretKey")?,
            })
        }

        /// The `TOKEN` value for this exact body: an HS256 JWT whose payload
        /// is the body.
        pub fn token(&self, body: &[u8]) -> String {
            let signing_input = format!("{AYOPOP_JWT_HEADER}.{}", URL_SAFE_NO_PAD.encode(body));
            let sig = URL_SAFE_NO_PAD.encode(self.secret.tag(signing_input.as_bytes()));
            format!("{signing_input}.{sig}")
        }

        /// `KEY`, `TOKEN`, `VERSION` for this exact body.
        pub fn headers(&self, body: &[u8]) -> AyopopHeaders {
            AyopopHeaders {
                key: self.api_key.clone(),
                token: self.token(body),
                version: Self::VERSION,
            }
        }

        /// Checks a received `TOKEN`: HS256 over its own first two parts, and
        /// its payload equal to the received body bytes. Any JWT header with
        /// `"alg":"HS256"` is accepted (other libraries order or space it
        /// differently).
        ///
        /// # Errors
        /// [`SignatureError::SignatureEncoding`] for a token that is not a
        /// three-part HS256 JWT, [`SignatureError::Mismatch`] otherwise.
        pub fn verify_token(&self, body: &[u8], token: &str) -> Result<(), SignatureError> {
            let bad = SignatureError::SignatureEncoding {
                reason: "TOKEN must be an HS256 JWT (three base64url parts)",
            };
            let mut parts = token.split('.');
            let (Some(h), Some(p), Some(s), None) =
                (parts.next(), parts.next(), parts.next(), parts.next())
            else {
                return Err(bad);
            };
            let header = URL_SAFE_NO_PAD.decode(h).map_err(|_| bad.clone())?;
            let header: serde_json::Value =
                serde_json::from_slice(&header).map_err(|_| bad.clone())?;
            if header.get("alg").and_then(|a| a.as_str()) != Some("HS256") {
                return Err(bad);
            }
            let sig = URL_SAFE_NO_PAD.decode(s).map_err(|_| bad.clone())?;
            let expected = self.secret.tag(&token.as_bytes()[..h.len() + 1 + p.len()]);
            if !constant_time_eq(&expected, &sig) {
                return Err(SignatureError::Mismatch);
            }
            let payload = URL_SAFE_NO_PAD.decode(p).map_err(|_| bad)?;
            if payload == body {
                Ok(())
            } else {
                Err(SignatureError::Mismatch)
            }
        }
    }

    impl std::fmt::Debug for AyopopCredentials {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("AyopopCredentials([redacted])")
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn jwt_header_constant_is_the_documented_json() {
            assert_eq!(
                URL_SAFE_NO_PAD.decode(AYOPOP_JWT_HEADER).unwrap(),
                br#"{"alg":"HS256","typ":"JWT"}"#
            );
        }

        #[test]
        fn debug_is_redacted() {
            let c = AyopopCredentials::new("k-123", b"s3cr3t").unwrap();
            assert!(!format!("{c:?}").contains("k-123"));
            assert!(!format!("{:?}", c.headers(b"{}")).contains("k-123"));
        }

        #[test]
        fn ayopop_roundtrip_and_tamper() {
            let c = AyopopCredentials::new("k", b"s").unwrap();
            let body = br#"{"partnerId":"ayopop"}"#;
            let t = c.token(body);
            assert!(c.verify_token(body, &t).is_ok());
            assert!(
                c.verify_token(br#"{"partnerId":"other"}"#, &t)
                    .unwrap_err()
                    .is_mismatch()
            );
            assert!(matches!(
                c.verify_token(body, "a.b"),
                Err(SignatureError::SignatureEncoding { .. })
            ));
            let other = AyopopCredentials::new("k", b"t").unwrap();
            assert!(other.verify_token(body, &t).unwrap_err().is_mismatch());
        }
    }
}
