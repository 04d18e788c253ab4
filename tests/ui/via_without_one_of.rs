use serde::{Deserialize, Serialize};
#[allow(unused_imports)]
use snap_core::{SnapModel, SnapRequest};

#[derive(Serialize, Deserialize, SnapModel)]
#[serde(rename_all = "camelCase")]
struct Resp {
    response_code: String,
}

#[derive(Serialize, Deserialize, SnapModel)]
#[serde(rename_all = "camelCase")]
struct Info {
    original_external_id: Option<String>,
}

#[derive(Serialize, Deserialize, SnapRequest)]
#[snap(service = 67, method = "POST", path = "/v1.0/auth/void", response = Resp)]
#[serde(rename_all = "camelCase")]
struct Req {
    #[snap(via = "original_external_id")]
    additional_info: Option<Info>,
}

fn main() {}
