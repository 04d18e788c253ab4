use serde::{Deserialize, Serialize};
#[allow(unused_imports)]
use snap_core::{SnapModel, SnapRequest};

#[derive(Serialize, Deserialize, SnapModel)]
#[serde(rename_all = "camelCase")]
struct Resp {
    response_code: String,
}

#[derive(Serialize, Deserialize, SnapModel)]
struct Model {
    #[serde(rename(serialize = "accountNumber", deserialize = "account_Number"))]
    account_number: String,
}

fn main() {}
