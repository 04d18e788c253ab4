use snap_core as snap;

#[snap::model]
pub struct Channel {
    #[snap(max = 4, accept_number)]
    pub channel_code: u32,
    #[snap(accept_string)]
    pub customer_no: Option<String>,
    #[snap(accept_string)]
    pub amount: snap_core::money::Money,
}

fn main() {}
