//! Nested models shared by several endpoints, where the documents agree.

use snap_core as snap;
use snap_core::money::Money;
use snap_core::time::SnapTimestamp;

/// `additionalInfo`: "Additional information for custom use that are not
/// provided by SNAP" — a free JSON object on every BI request and response.
pub type AdditionalInfo = serde_json::Map<String, serde_json::Value>;

/// One element of `items` in Auth Payment (63): "Purchased goods/service
/// information". The BI table types `items` only as `List` (O, length N/A); the
/// member names and shapes come from the page's sample request, so every
/// member is optional and has no documented length.
#[snap::model]
pub struct Item {
    /// Goods identifier (sample `"908132"`).
    pub goods_id: Option<String>,
    /// Unit price, a SNAP money object.
    pub price: Option<Money>,
    /// Goods category (sample `"food"`).
    pub category: Option<String>,
    /// Unit of measure (sample `"ekor"`).
    pub unit: Option<String>,
    /// Quantity, a numeric string in the sample (`"2"`).
    pub quantity: Option<String>,
}

/// The answer of BI Direct Debit Payment Cancel (57) and QR MPM Cancel
/// Payment (77): the two BI pages document the same table.
#[snap::response]
pub struct CancelResponse {
    /// Original transaction identifier on service consumer system. O, 64.
    #[snap(max = 64)]
    pub original_partner_reference_no: Option<String>,
    /// Original transaction identifier on service provider system. C, 64.
    #[snap(max = 64)]
    pub original_reference_no: Option<String>,
    /// Original `X-EXTERNAL-ID`. O, 32.
    #[snap(max = 32)]
    pub original_external_id: Option<String>,
    /// Cancel time (ISO 8601). C (filled if the cancellation succeeded), 25.
    pub cancel_time: Option<SnapTimestamp>,
    /// Transaction date (ISO 8601). O, 25.
    pub transaction_date: Option<SnapTimestamp>,
    /// Additional information. O.
    pub additional_info: Option<AdditionalInfo>,
}
