use serde::{Deserialize, Serialize};
#[allow(unused_imports)]
use snap_core::{SnapModel, SnapRequest};

#[derive(Serialize, Deserialize, SnapModel)]
#[serde(rename_all = "camelCase")]
struct Resp {
    response_code: String,
}

#[derive(Serialize, Deserialize, SnapRequest)]
#[snap(service = 67, method = "POST", path = "/v1.0/auth/void", response = Resp, service = 68)]
struct Req {
    partner_void_no: String,
}

fn main() {}
