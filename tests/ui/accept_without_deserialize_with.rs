//! With the bare derives, a field that accepts two forms needs the serde
//! attribute that reads them; the error says what to write.
use serde::{Deserialize, Serialize};
use snap_core::SnapModel;

#[derive(Serialize, Deserialize, SnapModel)]
#[serde(rename_all = "camelCase")]
pub struct Channel {
    #[snap(max = 4, accept_string)]
    pub channel_code: Option<u32>,
    #[snap(accept_number)]
    pub customer_no: String,
}

fn main() {}
