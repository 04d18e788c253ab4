use snap_core as snap;

#[snap::model]
pub struct Rate {
    #[snap(max = 8)]
    pub rate: f64,
    #[snap(len = 1)]
    pub active: Option<bool>,
}

fn main() {}
