//! Nested models shared by several endpoints, where the documents agree.

use serde::{Deserialize, Serialize};
use snap_core::SnapModel;
use snap_core::money::Money;

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
