//! A currency written as a constant is checked at compile time: "IDRX" is
//! not three upper-case letters.
use snap_core::money::Currency;

const IDR: Currency = Currency::new_const("IDR");
const BAD: Currency = Currency::new_const("IDRX");

fn main() {
    let _ = (IDR, BAD);
}
