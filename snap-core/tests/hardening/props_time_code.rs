//! Timestamps and response codes: round trips, and arbitrary text is either
//! refused or kept exactly.

use proptest::prelude::*;
use snap_core::code::ResponseCode;
use snap_core::time::{SnapTimestamp, TimestampProfile};

use crate::cfg;

fn profile() -> impl Strategy<Value = TimestampProfile> {
    (-18 * 60..=18 * 60i32, any::<bool>(), any::<bool>()).prop_map(|(offset, millis, utc_z)| {
        TimestampProfile::jakarta()
            .with_offset_minutes(offset)
            .with_millis(millis)
            .with_utc_z(utc_z)
    })
}

proptest! {
    #![proptest_config(cfg(256))]

    /// Any instant in years 0001-9998, written by any profile, parses back
    /// to the same instant (to the profile's precision) and keeps its text.
    #[test]
    fn timestamp_format_then_parse(
        secs in -62_135_596_800i64..253_370_764_800, nanos in 0u32..1_000_000_000, p in profile(),
    ) {
        let t = p.at(secs, nanos).unwrap();
        let back = SnapTimestamp::parse(t.as_str()).unwrap();
        prop_assert_eq!(back.as_str(), t.as_str());
        prop_assert_eq!(back.unix_seconds(), secs);
        let expected_nanos = if p.millis { nanos / 1_000_000 * 1_000_000 } else { 0 };
        prop_assert_eq!(back.subsec_nanos(), expected_nanos);
        let offset = if p.utc_z { 0 } else { p.offset_minutes };
        prop_assert_eq!(back.offset_minutes(), offset);
        // serde keeps the exact text
        let json = serde_json::to_string(&back).unwrap();
        let again: SnapTimestamp = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(again.as_str(), t.as_str());
    }

    /// Arbitrary text: parse never panics; whatever it accepts it keeps
    /// byte for byte, and it looks like `YYYY-MM-DDTHH:mm:ss...`.
    #[test]
    fn timestamp_parse_arbitrary(s in prop_oneof![
        "\\PC{0,40}",
        "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{0,11})?(Z|[+-][0-9]{2}:[0-9]{2})?",
    ]) {
        if let Ok(t) = SnapTimestamp::parse(&s) {
            prop_assert_eq!(t.as_str(), s.as_str());
            let b = s.as_bytes();
            prop_assert!(b.len() >= 20 && b[4] == b'-' && b[7] == b'-' && b[10] == b'T');
            // the same instant written back in UTC parses to the same seconds
            let u = TimestampProfile::utc_millis().at(t.unix_seconds(), t.subsec_nanos()).unwrap();
            prop_assert_eq!(SnapTimestamp::parse(u.as_str()).unwrap().unix_seconds(), t.unix_seconds());
        }
    }

    /// Response codes: any valid parts format to seven digits and parse back.
    #[test]
    fn response_code_round_trip(http in 100u16..=599, service in 1u8..=99, case in 0u8..=99) {
        let s = format!("{http:03}{service:02}{case:02}");
        let c = ResponseCode::parse(&s).unwrap();
        prop_assert_eq!(c.to_string(), s.clone());
        prop_assert_eq!(c.http_status(), http);
        prop_assert_eq!(c.case(), case);
        prop_assert_eq!(c.service().to_string(), format!("{service:02}"));
        prop_assert!(c.check_http(http).is_ok());
        let other = if http == 200 { 500 } else { 200 };
        prop_assert!(c.check_http(other).is_err());
    }

    /// Arbitrary text: accepted only when it is seven ASCII digits (HTTP
    /// 100-599, service 01-99), and then it prints back unchanged.
    #[test]
    fn response_code_parse_arbitrary(s in prop_oneof!["\\PC{0,12}", "[0-9]{0,9}", "[0-9٠-٩０-９]{7}"]) {
        let ok_shape = s.len() == 7
            && s.bytes().all(|b| b.is_ascii_digit())
            && (b'1'..=b'5').contains(&s.as_bytes()[0])
            && &s[3..5] != "00";
        match ResponseCode::parse(&s) {
            Ok(c) => {
                prop_assert!(ok_shape, "accepted {:?}", s);
                prop_assert_eq!(c.to_string(), s);
            }
            Err(e) => prop_assert!(!ok_shape, "refused {:?}: {}", s, e),
        }
    }
}
