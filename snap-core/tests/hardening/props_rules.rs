//! Validation never accepts a string longer than its max, counted in
//! characters (multi-byte characters included), and never refuses one that
//! fits.

use proptest::prelude::*;
use snap_core::rules::{self, Path, Report, Rule};

use crate::cfg;

/// Strings mixing 1-, 2-, 3- and 4-byte characters and combining marks.
fn mixed() -> impl Strategy<Value = String> {
    let ch = prop_oneof![
        Just('a'),
        Just('é'),
        Just('\u{301}'),
        Just('–'),
        Just('中'),
        Just('😀'),
        any::<char>(),
    ];
    proptest::collection::vec(ch, 0..80).prop_map(|v| v.into_iter().collect())
}

proptest! {
    #![proptest_config(cfg(512))]

    /// max_chars: a violation exactly when chars > max; it reports the char count.
    #[test]
    fn max_chars_counts_characters(s in mixed(), max in 1usize..70) {
        let mut report = Report::new();
        let root = Path::root();
        rules::max_chars(s.as_str(), max, &root.field("partnerReferenceNo"), &mut report);
        let n = s.chars().count();
        let v = report.into_vec();
        if n > max {
            prop_assert_eq!(v.len(), 1);
            prop_assert_eq!(&v[0].path, "partnerReferenceNo");
            prop_assert_eq!(&v[0].rule, &Rule::MaxChars { max, actual: n });
        } else {
            prop_assert!(v.is_empty(), "refused {} chars with max {}", n, max);
        }
        // Option<String> behaves the same; None is not a length violation
        let mut report = Report::new();
        rules::max_chars(&Some(s.clone()), max, &root, &mut report);
        prop_assert_eq!(report.into_vec().len(), usize::from(n > max));
        let mut report = Report::new();
        rules::max_chars(&None::<String>, max, &root, &mut report);
        prop_assert!(report.is_empty());
    }

    /// len_chars: a violation exactly when a non-empty value's chars != len.
    #[test]
    fn len_chars_counts_characters(s in mixed(), len in 1usize..70) {
        let mut report = Report::new();
        rules::len_chars(s.as_str(), len, &Path::root(), &mut report);
        let n = s.chars().count();
        prop_assert_eq!(report.into_vec().len(), usize::from(n != 0 && n != len));
    }

    /// digits: only ASCII 0-9 (Arabic-Indic and full-width digits refused).
    #[test]
    fn digits_ascii_only(s in "[0-9٠-٩０-９a ]{1,20}") {
        let mut report = Report::new();
        rules::digits(s.as_str(), &Path::root(), &mut report);
        prop_assert_eq!(report.is_empty(), s.bytes().all(|b| b.is_ascii_digit()));
    }
}
