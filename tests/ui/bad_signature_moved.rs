use serde::{Deserialize, Serialize};
#[allow(unused_imports)]
use snap_core::{SnapModel, SnapRequest};

#[derive(Serialize, Deserialize, SnapModel)]
struct Resp {
    rc: String,
}

// The IPG scheme is no longer a built-in string: it is a type in snap-endpoints.
#[derive(Serialize, Deserialize, SnapRequest)]
#[snap(method = "POST", path = "/reversal", response = Resp, provider = "IPG", signature = "ipg", code_scheme = snap_core::endpoint::Snap7)]
struct Req {
    payment_ref: Option<String>,
}

fn main() {}
