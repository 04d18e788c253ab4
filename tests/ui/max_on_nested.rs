use serde::{Deserialize, Serialize};
#[allow(unused_imports)]
use snap_core::{SnapModel, SnapRequest};

#[derive(Serialize, Deserialize, SnapModel)]
#[serde(rename_all = "camelCase")]
struct Resp {
    response_code: String,
}

#[derive(Serialize, Deserialize, SnapModel)]
struct Item {
    goods_id: String,
}

#[derive(Serialize, Deserialize, SnapRequest)]
#[snap(service = 63, method = "POST", path = "/v1.0/auth/payment", response = Resp)]
struct Req {
    #[snap(max = 10)]
    items: Vec<Item>,
}

fn main() {}
