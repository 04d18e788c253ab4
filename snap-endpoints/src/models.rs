//! Nested models shared by several endpoints, where the documents agree.

use serde::{Deserialize, Serialize};
use snap_core::SnapModel;
use snap_core::money::Money;
use snap_core::time::SnapTimestamp;

/// `additionalInfo`: "Additional information for custom use that are not
/// provided by SNAP" — a free JSON object on every BI request and response.
pub type AdditionalInfo = serde_json::Map<String, serde_json::Value>;

/// One element of `items` in Auth Payment (63): "Purchased goods/service
/// information". The BI table types `items` only as `List` (O, length N/A); the
/// member names and shapes come from the page's sample request, so every
/// member is optional and has no documented length.
#[derive(Debug, Clone, Serialize, Deserialize, SnapModel)]
#[serde(rename_all = "camelCase")]
pub struct Item {
    /// Goods identifier (sample `"908132"`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub goods_id: Option<String>,
    /// Unit price, a SNAP money object.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub price: Option<Money>,
    /// Goods category (sample `"food"`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// Unit of measure (sample `"ekor"`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// Quantity, a numeric string in the sample (`"2"`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quantity: Option<String>,
}

/// The answer of BI Direct Debit Payment Cancel (57) and QR MPM Cancel
/// Payment (77): the two BI pages document the same table.
#[derive(Debug, Clone, Serialize, Deserialize, SnapModel)]
#[serde(rename_all = "camelCase")]
pub struct CancelResponse {
    /// Response code. M, 7.
    #[snap(len = 7, digits)]
    pub response_code: String,
    /// Response description. M, 150.
    #[snap(max = 150)]
    pub response_message: String,
    /// Original transaction identifier on service consumer system. O, 64.
    #[snap(max = 64)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub original_partner_reference_no: Option<String>,
    /// Original transaction identifier on service provider system. C, 64.
    #[snap(max = 64)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub original_reference_no: Option<String>,
    /// Original `X-EXTERNAL-ID`. O, 32.
    #[snap(max = 32)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub original_external_id: Option<String>,
    /// Cancel time (ISO 8601). C (filled if the cancellation succeeded), 25.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cancel_time: Option<SnapTimestamp>,
    /// Transaction date (ISO 8601). O, 25.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transaction_date: Option<SnapTimestamp>,
    /// Additional information. O.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub additional_info: Option<AdditionalInfo>,
}
