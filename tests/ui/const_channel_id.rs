//! A CHANNEL-ID written as a constant is checked at compile time: "9522x!"
//! is not 1 to 5 letters or digits.
use snap_core::headers::ChannelId;

const OK: ChannelId = ChannelId::new_const("95221");
const BAD: ChannelId = ChannelId::new_const("9522x!");

fn main() {
    let _ = (OK, BAD);
}
