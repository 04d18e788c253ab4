use serde::{Deserialize, Serialize};
#[allow(unused_imports)]
use snap_core::{SnapModel, SnapRequest};

#[derive(Serialize, Deserialize, SnapModel)]
#[serde(rename_all = "camelCase")]
struct Resp {
    response_code: String,
}

#[derive(Serialize, Deserialize, SnapRequest)]
#[snap(service = 74, method = "POST", path = "/v1.0/access-token/b2b2c", response = Resp, signature = "token")]
#[serde(rename_all = "camelCase")]
struct Req {
    grant_type: String,
    #[snap(max = 256, required_if(field = "grantType", value = "AUTHORIZATION_CODE"))]
    auth_code: Option<String>,
}

fn main() {}
