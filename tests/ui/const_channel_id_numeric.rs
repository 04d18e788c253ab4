//! A SNAP numeric CHANNEL-ID written as a constant is checked at compile
//! time: "9522" is not exactly 5 digits.
use snap_core::headers::ChannelId;

const OK: ChannelId = ChannelId::numeric_const("95221");
const BAD: ChannelId = ChannelId::numeric_const("9522");

fn main() {
    let _ = (OK, BAD);
}
