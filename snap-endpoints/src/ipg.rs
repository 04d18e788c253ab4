//! IPG Switching (Islamic Payment Gateway) — VA Reversal (seed 002,
//! <https://ipg-switching.apidog.io/api-4367521>, marked "Obsolete"). **Not
//! SNAP**: snake_case fields, integer amounts, a string `rc` (`"SUCCESS"`),
//! and one `Signature` header = HMAC-SHA256 keyed with the API key over the
//! request body or query string.

use snap_core as snap;
use snap_core::time::SnapTimestamp;

pub use codes::IpgCodes;

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
    signature = "ipg",
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
