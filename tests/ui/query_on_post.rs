use serde::{Deserialize, Serialize};
use snap_core as snap;

#[snap::response]
pub struct Resp {}

#[snap::request(service = 10, method = "POST", path = "/v1.0/get-auth-code", response = Resp)]
pub struct GetAuthCode {
    #[snap(max = 32, query)]
    pub state: String,
}

/// The bare derive: a query field must be kept out of the body.
#[derive(Serialize, Deserialize, snap::SnapRequest)]
#[snap(service = 10, method = "GET", path = "/v1.0/get-auth-code", response = Resp)]
pub struct GetAuthCode2 {
    #[snap(max = 32, query)]
    pub state: String,
}

fn main() {}
