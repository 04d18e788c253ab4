use serde::{Deserialize, Serialize};
#[allow(unused_imports)]
use snap_core::{SnapModel, SnapRequest};

#[derive(Serialize, Deserialize, SnapModel)]
#[serde(rename_all = "camelCase")]
struct Resp {
    response_code: String,
}

#[derive(Serialize, Deserialize, SnapRequest)]
#[snap(method = "POST", path = "/api/v2/bill/cancel", response = Resp, provider = "Ayopop", signature = "none")]
struct Req {
    partner_id: String,
}

fn main() {}
