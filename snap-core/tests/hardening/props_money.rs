//! Money: parse/format round-trips, nothing outside the wire grammar is
//! accepted, arithmetic never overflows silently.

use proptest::prelude::*;
use snap_core::money::{Currency, MAX_MINOR, Money, MoneyError};

use crate::cfg;

const IDR: Currency = Currency::new_const("IDR");
const USD: Currency = Currency::new_const("USD");

/// The wire grammar, checked independently of the implementation:
/// `[0-9]+ "." [0-9]{2}`, at most 16 digits in all.
fn is_wire_value(s: &str) -> bool {
    let Some((int, frac)) = s.split_once('.') else {
        return false;
    };
    !int.is_empty()
        && frac.len() == 2
        && int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit())
        && int.len() + frac.len() <= 16
}

/// Amounts across the whole range, with the edges well represented.
fn minor() -> impl Strategy<Value = u64> {
    prop_oneof![
        0u64..=MAX_MINOR,
        0u64..1000,
        (MAX_MINOR - 1000)..=MAX_MINOR,
        Just(MAX_MINOR),
    ]
}

proptest! {
    #![proptest_config(cfg(512))]

    /// format then parse gives the same amount; the string form is canonical.
    #[test]
    fn format_then_parse(m in minor()) {
        let a = Money::from_minor(m, IDR).unwrap();
        let s = a.value_string();
        prop_assert!(is_wire_value(&s), "{} is not wire form", s);
        let b = Money::parse(&s, IDR).unwrap();
        prop_assert_eq!(b.minor(), m);
        prop_assert_eq!(b.value_string(), s.clone());
        // JSON round trip, string form on output
        let json = serde_json::to_string(&a).unwrap();
        prop_assert_eq!(&json, &format!(r#"{{"value":"{s}","currency":"IDR"}}"#));
        let c: Money = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(c.minor(), m);
    }

    /// Any wire-form string parses, to the amount its digits say; leading
    /// zeros are accepted and dropped on output.
    #[test]
    fn parse_then_format(int in "[0-9]{1,14}", frac in "[0-9]{2}") {
        let s = format!("{int}.{frac}");
        let a = Money::parse(&s, IDR).unwrap();
        let expected: u64 = format!("{int}{frac}").parse().unwrap();
        prop_assert_eq!(a.minor(), expected);
        let canonical = format!("{}.{frac}", int.parse::<u64>().unwrap());
        prop_assert_eq!(a.value_string(), canonical);
    }

    /// Any string at all: accepted only when it is in the wire grammar, and
    /// then it formats back to itself up to leading zeros.
    #[test]
    fn parse_accepts_only_wire_form(s in prop_oneof![
        "\\PC{0,24}",
        "[0-9.+eE -]{0,20}",
        "[0-9]{0,18}\\.[0-9]{0,4}",
    ]) {
        match Money::parse(&s, IDR) {
            Ok(a) => {
                prop_assert!(is_wire_value(&s), "accepted {:?}", s);
                prop_assert_eq!(Money::parse(&a.value_string(), IDR).unwrap().minor(), a.minor());
            }
            Err(_) => prop_assert!(!is_wire_value(&s), "refused wire value {:?}", s),
        }
    }

    /// JSON input: a string value follows the wire grammar; a JSON integer
    /// is whole units, read exactly or refused, never wrapped.
    #[test]
    fn json_number_input_is_exact_or_refused(n in prop_oneof![any::<u64>(), 0u64..1_000_000_000_000_000]) {
        let json = format!(r#"{{"value":{n},"currency":"IDR"}}"#);
        match serde_json::from_str::<Money>(&json) {
            Ok(m) => prop_assert_eq!(Some(m.minor()), n.checked_mul(100).filter(|x| *x <= MAX_MINOR)),
            Err(_) => prop_assert!(n.checked_mul(100).is_none_or(|x| x > MAX_MINOR),
                "refused in-range integer {}", n),
        }
    }

    /// checked_add is exact or Overflow; checked_sub is exact or Underflow;
    /// checked_cmp agrees with the integers; another currency is refused.
    #[test]
    fn arithmetic_is_checked(a in minor(), b in minor()) {
        let x = Money::from_minor(a, IDR).unwrap();
        let y = Money::from_minor(b, IDR).unwrap();
        match x.checked_add(&y) {
            Ok(s) => {
                prop_assert_eq!(Some(s.minor()), a.checked_add(b));
                prop_assert!(s.minor() <= MAX_MINOR);
            }
            Err(e) => {
                prop_assert_eq!(e, MoneyError::Overflow);
                prop_assert!(a + b > MAX_MINOR);
            }
        }
        match x.checked_sub(&y) {
            Ok(d) => prop_assert_eq!(d.minor() + b, a),
            Err(e) => {
                prop_assert_eq!(e, MoneyError::Underflow);
                prop_assert!(a < b);
            }
        }
        prop_assert_eq!(x.checked_cmp(&y).unwrap(), a.cmp(&b));
        let z = Money::from_minor(b, USD).unwrap();
        let mismatch = matches!(x.checked_add(&z), Err(MoneyError::CurrencyMismatch { .. }));
        prop_assert!(mismatch);
        let mismatch = matches!(x.checked_sub(&z), Err(MoneyError::CurrencyMismatch { .. }));
        prop_assert!(mismatch);
        let mismatch = matches!(x.checked_cmp(&z), Err(MoneyError::CurrencyMismatch { .. }));
        prop_assert!(mismatch);
    }

    /// from_minor refuses everything above the DECIMAL(16,2) maximum.
    #[test]
    fn from_minor_bounds(m in any::<u64>()) {
        match Money::from_minor(m, IDR) {
            Ok(a) => { prop_assert!(m <= MAX_MINOR); prop_assert_eq!(a.minor(), m); }
            Err(e) => { prop_assert_eq!(e, MoneyError::Overflow); prop_assert!(m > MAX_MINOR); }
        }
    }
}
