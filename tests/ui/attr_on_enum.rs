use snap_core as snap;

#[snap::model]
pub enum Status {
    Paid,
    Open,
}

#[snap::response]
pub struct Pair(String, String);

fn main() {}
