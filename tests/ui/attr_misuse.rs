//! `optional_code` is the response's; a response declares no code fields of its own.
use snap_core as snap;

#[snap::response]
pub struct Resp {
    pub response_code: String,
}

#[snap::request(service = 24, method = "POST", path = "/v1.0/x", response = Resp, optional_code)]
pub struct Req {
    pub a: String,
}

fn main() {}
