//! A service code written as a constant is checked at compile time: SNAP
//! service codes are 01-99.
use snap_core::code::ServiceCode;

const VOID: ServiceCode = ServiceCode::new_const(67);
const BAD: ServiceCode = ServiceCode::new_const(100);

fn main() {
    let _ = (VOID, BAD);
}
