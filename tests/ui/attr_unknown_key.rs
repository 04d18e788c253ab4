//! The attribute form reports its keys like the derive: at the token, with
//! the valid keys listed.
use snap_core as snap;

#[snap::response]
pub struct Resp {}

#[snap::request(servce = 24, method = "POST", path = "/v1.0/transfer-va/inquiry", response = Resp)]
pub struct Req {
    #[snap(max = 20, acept_number)]
    pub customer_no: String,
}

fn main() {}
