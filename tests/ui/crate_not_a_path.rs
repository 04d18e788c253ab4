use snap_core as snap;

#[snap::model(crate = "not a path")]
pub struct A {
    pub a: String,
}

#[snap::model(crate = snap_core)]
pub struct B {
    pub b: String,
}

fn main() {}
