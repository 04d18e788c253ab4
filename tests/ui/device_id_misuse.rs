use serde::{Deserialize, Serialize};
#[allow(unused_imports)]
use snap_core::{SnapModel, SnapRequest};

#[derive(Serialize, Deserialize, SnapModel)]
#[serde(rename_all = "camelCase")]
struct Resp {
    response_code: String,
}

// `device_id` on a B2B endpoint: there is no X-DEVICE-ID to speak of.
#[derive(Serialize, Deserialize, SnapRequest)]
#[snap(service = 77, method = "POST", path = "/v1.0/qr/qr-mpm-cancel", response = Resp, device_id = "optional")]
struct B2bReq {
    original_reference_no: String,
}

// An unknown rule.
#[derive(Serialize, Deserialize, SnapRequest)]
#[snap(service = 67, method = "POST", path = "/v1.0/auth/void", response = Resp, customer_token, device_id = "sometimes")]
struct B2b2cReq {
    partner_void_no: String,
}

fn main() {}
