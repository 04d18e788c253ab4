use snap_core as snap;

#[snap::response]
pub struct Resp {}

/// The field is a path parameter, but the path has no `{custIdMerchant}`.
#[snap::request(service = 3, method = "GET", response = Resp,
                path = "/v1.0/registration-card-inquiry")]
pub struct CardInquiry {
    #[snap(max = 18, path_param)]
    pub cust_id_merchant: String,
}

/// The path has a placeholder no field fills, and one that is not a whole segment.
#[snap::request(service = 3, method = "GET", response = Resp,
                path = "/v1.0/registration-card-inquiry/{custId}")]
pub struct CardInquiry2 {
    #[snap(max = 18, path_param)]
    pub cust_id_merchant: Option<String>,
}

#[snap::request(service = 3, method = "GET", response = Resp,
                path = "/v1.0/registration-card-inquiry/id-{custId}")]
pub struct CardInquiry3 {
    #[snap(path_param)]
    pub cust_id: String,
}

fn main() {}
