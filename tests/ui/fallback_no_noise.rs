//! A declaration with a mistake reports that mistake only: the derive still
//! emits stand-in impls, so code using the type (validate, META, prepare)
//! adds no "trait not implemented" noise.
use serde::{Deserialize, Serialize};
use snap_core::endpoint::{Endpoint, Validate};
use snap_core::{SnapModel, SnapRequest};

#[derive(Serialize, Deserialize, SnapModel)]
struct Resp {
    a: String,
}

#[derive(Serialize, Deserialize, SnapRequest)]
#[snap(service = 67, method = "POST", path = "/v1.0/auth/void", respons = Resp)]
struct Req {
    partner_void_no: String,
}

fn main() {
    let req = Req { partner_void_no: String::new() };
    let _ = req.validate();
    let _ = Req::META.name;
    let _ = snap_core::endpoint::decode_response::<Req>(200, b"{}");
}
