//! Ayopop / Ayoconnect bill-payment OpenAPI — bill cancel (seed 000,
//! <https://docs.payments.of.ayoconnect.id/reference/cancelation>). **Not
//! SNAP**: headers `KEY` / `TOKEN` / `VERSION` instead of the SNAP set, an
//! integer `responseCode` such as `600`, a bilingual `message`, integer rupiah
//! amounts, snake_case and camelCase mixed on the wire.

use snap_core as snap;

pub use codes::AyopopCodes;

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
    signature = "ayopop",
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
