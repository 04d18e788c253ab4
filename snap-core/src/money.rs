//! Money: `{"value":"10000.00","currency":"IDR"}`.
//!
//! The SNAP money object carries its value as a string with exactly two
//! fraction digits (portal: "String(16,2)", read as SQL `DECIMAL(16,2)`: at
//! most 16 digits in all, so at most 14 before the point). [`Money`] keeps
//! the amount as integer minor units (`10000.00` is `1_000_000`) and never
//! touches a float.
//!
//! Input rules ([`Money::parse`], and the `value` member when deserializing):
//! ASCII digits, one `.`, exactly two digits after it, at least one before it,
//! at most 16 digits in all (counted as written, leading zeros included);
//! no sign, no exponent, no whitespace. Each broken rule is its own
//! [`MoneyError`] variant.
//!
//! JSON numbers: some providers send `"value": 10000` or `10000.5`. From
//! JSON text (`serde_json::from_slice` / `from_str`, what every receiver of
//! snap-rs uses) the number is read **from its text**, never through a
//! float: serde_json hands the member's exact text over (its `RawValue`),
//! and that text must be digits with at most two fraction digits and no
//! exponent (`1000`, `1000.5`, `1000.50`); `2999.9999999999999`, `1E2` and
//! `1.005` are refused, so a signed body is never booked as something else.
//! The same holds through a `serde_json::Value` (snap-core turns on
//! serde_json's `arbitrary_precision`, so a Value keeps a number's text; the
//! client decodes answers through one). Only from other deserializers
//! (another format) a number with a fraction arrives as an `f64`; it is then
//! formatted with
//! `{}` (the shortest text that reads back as the same `f64`), must have at
//! most two fraction digits, and must be below 10^13 (where every such
//! decimal survives the `f64` round trip). Output is always the string
//! form.
//!
//! The two-decimal rule is the portal's, phrased for IDR; it is applied to
//! every currency.
//!
//! ```
//! use snap_core::money::{Currency, Money};
//!
//! let m = Money::parse("10000.00", Currency::IDR)?;
//! assert_eq!(m.minor(), 1_000_000);
//! assert_eq!(m.value_string(), "10000.00");
//! assert_eq!(
//!     serde_json::to_string(&m).unwrap(),
//!     r#"{"value":"10000.00","currency":"IDR"}"#
//! );
//! let fee = Money::from_minor(250, Currency::IDR)?;
//! assert_eq!(m.checked_add(&fee)?.to_string(), "10002.50 IDR");
//! # Ok::<(), snap_core::money::MoneyError>(())
//! ```

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use serde::de::{self, Visitor};
use serde::ser::SerializeStruct;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// At most this many digits in a value (`DECIMAL(16,2)`).
pub const MAX_DIGITS: usize = 16;

/// The largest amount in minor units: `99999999999999.99`.
pub const MAX_MINOR: u64 = 9_999_999_999_999_999;

/// JSON numbers with a fraction are accepted below this bound only
/// (10^13, in whole units); see the module docs.
const MAX_FLOAT_UNITS: f64 = 1e13;

/// Why a money value or currency was refused. Each variant names one rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MoneyError {
    /// The value is the empty string.
    #[error("money value is empty; expected digits, '.', two digits (e.g. 10000.00)")]
    Empty,
    /// The value starts with `-` (amounts are never negative).
    #[error("money value is negative; amounts have no sign")]
    Negative,
    /// The value starts with `+`.
    #[error("money value has a '+' sign; amounts have no sign")]
    PlusSign,
    /// The value uses an exponent (`1e5`, `1.00E+2`).
    #[error("money value uses an exponent ('e' or 'E'); write the plain decimal")]
    Exponent,
    /// The value contains whitespace (leading, trailing or inside).
    #[error("money value contains whitespace at byte {position}")]
    Whitespace {
        /// Byte offset of the first whitespace character.
        position: usize,
    },
    /// A character other than an ASCII digit or the one decimal point.
    #[error(
        "money value has {found:?} at byte {position}; only ASCII digits and one '.' are allowed"
    )]
    NonDigit {
        /// Byte offset of the character.
        position: usize,
        /// The character.
        found: char,
    },
    /// No `.` in the value (`10000`): the two decimals are mandatory.
    #[error(
        "money value has no decimal point; exactly two fraction digits are required (10000.00)"
    )]
    MissingDecimals,
    /// A `.` but not exactly two digits after it.
    #[error("money value has {found} fraction digits; exactly two are required")]
    WrongDecimals {
        /// How many fraction digits were given.
        found: usize,
    },
    /// Nothing before the `.` (`.50`).
    #[error("money value has no digit before the decimal point (write 0.50)")]
    MissingIntegerPart,
    /// More than 16 digits in all.
    #[error("money value has {digits} digits; at most {MAX_DIGITS} are allowed (DECIMAL(16,2))")]
    TooManyDigits {
        /// How many digits were given.
        digits: usize,
    },
    /// An amount above `99999999999999.99` (from minor units or arithmetic).
    #[error("money amount overflows DECIMAL(16,2) (max 99999999999999.99)")]
    Overflow,
    /// A subtraction would go below zero.
    #[error("money subtraction would go below zero")]
    Underflow,
    /// Arithmetic or comparison across two currencies.
    #[error("currency mismatch: {left} vs {right}")]
    CurrencyMismatch {
        /// Currency of the left operand.
        left: Currency,
        /// Currency of the right operand.
        right: Currency,
    },
    /// The currency is not three upper-case ASCII letters.
    #[error("currency {found:?} is not three upper-case ASCII letters (ISO 4217, e.g. IDR)")]
    BadCurrency {
        /// The refused text.
        found: String,
    },
    /// A JSON number that cannot be read exactly (more than two decimals, too
    /// large for an exact `f64` round trip, or not finite).
    #[error(
        "money value {found} sent as a JSON number is not exact with two decimals; send it as a string"
    )]
    InexactNumber {
        /// The number as read.
        found: String,
    },
}

/// An ISO 4217 currency code: three upper-case ASCII letters.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Currency([u8; 3]);

impl Currency {
    /// Indonesian rupiah.
    pub const IDR: Currency = Currency::new_const("IDR");

    /// A currency from a literal; panics on a bad literal, which in a
    /// `const` is a compile error:
    ///
    /// ```compile_fail
    /// const BAD: snap_core::money::Currency = snap_core::money::Currency::new_const("IDRX");
    /// ```
    ///
    /// ```
    /// const USD: snap_core::money::Currency = snap_core::money::Currency::new_const("USD");
    /// assert_eq!(USD.as_str(), "USD");
    /// ```
    pub const fn new_const(code: &str) -> Currency {
        match Currency::check(code.as_bytes()) {
            Some(c) => c,
            None => panic!("a currency is three upper-case ASCII letters"),
        }
    }

    /// A currency from text; [`MoneyError::BadCurrency`] unless it is three
    /// upper-case ASCII letters.
    pub fn new(code: &str) -> Result<Currency, MoneyError> {
        Currency::check(code.as_bytes()).ok_or_else(|| MoneyError::BadCurrency {
            found: code.to_owned(),
        })
    }

    const fn check(b: &[u8]) -> Option<Currency> {
        if b.len() != 3 {
            return None;
        }
        if !b[0].is_ascii_uppercase() || !b[1].is_ascii_uppercase() || !b[2].is_ascii_uppercase() {
            return None;
        }
        Some(Currency([b[0], b[1], b[2]]))
    }

    /// The three letters.
    pub fn as_str(&self) -> &str {
        // Always ASCII by construction; the fallback is unreachable.
        std::str::from_utf8(&self.0).unwrap_or("???")
    }
}

impl fmt::Debug for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Currency({})", self.as_str())
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Currency {
    type Err = MoneyError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Currency::new(s)
    }
}

impl Serialize for Currency {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Currency;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a currency code of three upper-case letters")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Currency, E> {
                Currency::new(v).map_err(E::custom)
            }
        }
        deserializer.deserialize_str(V)
    }
}

/// An amount of money: integer minor units (hundredths) and a currency.
///
/// Equality compares both; ordering is only defined within one currency
/// ([`Money::checked_cmp`]), so `Money` does not implement `Ord`.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Money {
    minor: u64,
    currency: Currency,
}

impl Money {
    /// An amount in minor units (`1_000_000` is `10000.00`);
    /// [`MoneyError::Overflow`] above [`MAX_MINOR`].
    pub fn from_minor(minor: u64, currency: Currency) -> Result<Money, MoneyError> {
        if minor > MAX_MINOR {
            return Err(MoneyError::Overflow);
        }
        Ok(Money { minor, currency })
    }

    /// Zero in `currency`.
    pub const fn zero(currency: Currency) -> Money {
        Money { minor: 0, currency }
    }

    /// Parses the wire value (`"10000.00"`) under the rules in the module
    /// docs.
    pub fn parse(value: &str, currency: Currency) -> Result<Money, MoneyError> {
        parse_value(value).map(|minor| Money { minor, currency })
    }

    /// The amount in minor units.
    pub const fn minor(&self) -> u64 {
        self.minor
    }

    /// The currency.
    pub const fn currency(&self) -> Currency {
        self.currency
    }

    /// The wire value: integer part, `.`, two digits (`"10000.00"`).
    pub fn value_string(&self) -> String {
        self.value_str(&mut [0; 24]).to_owned()
    }

    /// [`Money::value_string`] written into `buf` (no allocation: what
    /// serialization uses).
    fn value_str<'b>(&self, buf: &'b mut [u8; 24]) -> &'b str {
        // The digits of `minor` (at least three: `0.05`), from the end, with
        // the point before the last two.
        let mut n = self.minor;
        let mut at = buf.len();
        let mut written = 0;
        while n > 0 || written < 3 {
            if written == 2 {
                at -= 1;
                buf[at] = b'.';
            }
            at -= 1;
            buf[at] = b'0' + (n % 10) as u8;
            n /= 10;
            written += 1;
        }
        // ASCII digits and a point: always UTF-8.
        std::str::from_utf8(&buf[at..]).unwrap_or("0.00")
    }

    /// `self + other`; same currency only, [`MoneyError::Overflow`] past
    /// [`MAX_MINOR`].
    pub fn checked_add(&self, other: &Money) -> Result<Money, MoneyError> {
        self.same_currency(other)?;
        let sum = self
            .minor
            .checked_add(other.minor)
            .ok_or(MoneyError::Overflow)?;
        Money::from_minor(sum, self.currency)
    }

    /// `self - other`; same currency only, [`MoneyError::Underflow`] below
    /// zero.
    pub fn checked_sub(&self, other: &Money) -> Result<Money, MoneyError> {
        self.same_currency(other)?;
        let minor = self
            .minor
            .checked_sub(other.minor)
            .ok_or(MoneyError::Underflow)?;
        Ok(Money {
            minor,
            currency: self.currency,
        })
    }

    /// Compares two amounts of the same currency.
    pub fn checked_cmp(&self, other: &Money) -> Result<Ordering, MoneyError> {
        self.same_currency(other)?;
        Ok(self.minor.cmp(&other.minor))
    }

    fn same_currency(&self, other: &Money) -> Result<(), MoneyError> {
        if self.currency == other.currency {
            Ok(())
        } else {
            Err(MoneyError::CurrencyMismatch {
                left: self.currency,
                right: other.currency,
            })
        }
    }
}

/// Parses a wire value into minor units (module-doc rules).
fn parse_value(v: &str) -> Result<u64, MoneyError> {
    if v.is_empty() {
        return Err(MoneyError::Empty);
    }
    if let Some((position, _)) = v.char_indices().find(|(_, c)| c.is_whitespace()) {
        return Err(MoneyError::Whitespace { position });
    }
    if v.starts_with('-') {
        return Err(MoneyError::Negative);
    }
    if v.starts_with('+') {
        return Err(MoneyError::PlusSign);
    }
    if v.contains(['e', 'E']) {
        return Err(MoneyError::Exponent);
    }
    let mut dot = None;
    for (position, c) in v.char_indices() {
        match c {
            '0'..='9' => {}
            '.' if dot.is_none() => dot = Some(position),
            found => return Err(MoneyError::NonDigit { position, found }),
        }
    }
    let Some(dot) = dot else {
        return Err(MoneyError::MissingDecimals);
    };
    let (int, frac) = (&v[..dot], &v[dot + 1..]);
    if int.is_empty() {
        return Err(MoneyError::MissingIntegerPart);
    }
    if frac.len() != 2 {
        return Err(MoneyError::WrongDecimals { found: frac.len() });
    }
    let digits = int.len() + 2;
    if digits > MAX_DIGITS {
        return Err(MoneyError::TooManyDigits { digits });
    }
    // At most 16 ASCII digits: fits u64 without overflow.
    let minor = v
        .bytes()
        .filter(u8::is_ascii_digit)
        .fold(0u64, |acc, d| acc * 10 + u64::from(d - b'0'));
    Ok(minor)
}

/// A JSON number's text (integer or shortest `f64` form): at most two
/// fraction digits, no exponent.
fn parse_number_text(text: &str) -> Result<u64, MoneyError> {
    let inexact = || MoneyError::InexactNumber {
        found: text.to_owned(),
    };
    let (int, frac) = match text.split_once('.') {
        Some((i, f)) => (i, f),
        None => (text, ""),
    };
    if frac.len() > 2
        || int.is_empty()
        || !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit())
    {
        return Err(inexact());
    }
    parse_value(&format!("{int}.{frac:0<2}"))
}

impl fmt::Debug for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Money({} {})", self.value_string(), self.currency)
    }
}

/// `10000.00 IDR`.
impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.value_string(), self.currency)
    }
}

impl Serialize for Money {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("Money", 2)?;
        s.serialize_field("value", self.value_str(&mut [0; 24]))?;
        s.serialize_field("currency", &self.currency)?;
        s.end()
    }
}

/// The `value` member: a string under the wire rules, or a JSON number.
struct Value(u64);

/// serde_json's name for its raw-value protocol: a deserializer asked for a
/// newtype struct of this name hands over the member's exact text.
const RAW_VALUE_TOKEN: &str = "$serde_json::private::RawValue";

/// The exact JSON text of the `value` member: a string under the wire
/// rules, or a number with at most two fraction digits and no exponent,
/// read from its digits.
fn parse_raw(text: &str) -> Result<u64, String> {
    let text = text.trim();
    match text.as_bytes().first() {
        Some(b'"') => {
            let s: String = serde_json::from_str(text).map_err(|e| e.to_string())?;
            parse_value(&s).map_err(|e| e.to_string())
        }
        Some(b'-') => Err(MoneyError::Negative.to_string()),
        Some(b'0'..=b'9') => {
            if text.contains(['e', 'E']) {
                return Err(MoneyError::InexactNumber {
                    found: text.to_owned(),
                }
                .to_string()
                    + " (no exponent)");
            }
            parse_number_text(text).map_err(|e| e.to_string())
        }
        _ => Err(format!(
            "expected a money value string like \"10000.00\" or a JSON number, got {}",
            text.chars().take(32).collect::<String>()
        )),
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Value;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a money value string like \"10000.00\" (or a JSON number with at most two decimals)")
            }
            /// A deserializer without raw values (a `serde_json::Value`'s
            /// own is not one of them; other formats): the value as it is.
            fn visit_newtype_struct<D: Deserializer<'de>>(
                self,
                deserializer: D,
            ) -> Result<Value, D::Error> {
                deserializer.deserialize_any(self)
            }
            /// serde_json's raw-value protocol: the member's exact text.
            fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<Value, A::Error> {
                let raw: Box<serde_json::value::RawValue> =
                    Deserialize::deserialize(de::value::MapAccessDeserializer::new(map))?;
                parse_raw(raw.get()).map(Value).map_err(de::Error::custom)
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
                parse_value(v).map(Value).map_err(E::custom)
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
                parse_number_text(&v.to_string())
                    .map(Value)
                    .map_err(E::custom)
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
                match u64::try_from(v) {
                    Ok(u) => self.visit_u64(u),
                    Err(_) => Err(E::custom(MoneyError::Negative)),
                }
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
                if v.is_sign_negative() && v != 0.0 {
                    return Err(E::custom(MoneyError::Negative));
                }
                let text = format!("{v}");
                if !v.is_finite() || v.abs() >= MAX_FLOAT_UNITS {
                    return Err(E::custom(MoneyError::InexactNumber { found: text }));
                }
                parse_number_text(text.trim_start_matches('-'))
                    .map(Value)
                    .map_err(E::custom)
            }
        }
        deserializer.deserialize_newtype_struct(RAW_VALUE_TOKEN, V)
    }
}

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(rename = "Money")]
        struct Wire {
            value: Value,
            currency: Currency,
        }
        let w = Wire::deserialize(deserializer)?;
        Ok(Money {
            minor: w.value.0,
            currency: w.currency,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_string_is_integer_point_two_digits() {
        let mut cases: Vec<u64> = (0..=1234).collect();
        cases.extend([99_999, 100_000, 1_000_000_007, MAX_MINOR, u64::MAX]);
        for minor in cases {
            let m = Money {
                minor,
                currency: Currency::IDR,
            };
            assert_eq!(
                m.value_string(),
                format!("{}.{:02}", minor / 100, minor % 100),
                "{minor}"
            );
        }
    }

    fn p(v: &str) -> Result<u64, MoneyError> {
        Money::parse(v, Currency::IDR).map(|m| m.minor())
    }

    #[test]
    fn accepts_the_wire_form() {
        assert_eq!(p("10000.00"), Ok(1_000_000));
        assert_eq!(p("0.00"), Ok(0));
        assert_eq!(p("0.05"), Ok(5));
        assert_eq!(p("12345678.90"), Ok(1_234_567_890));
        assert_eq!(p("99999999999999.99"), Ok(MAX_MINOR));
        // leading zeros count toward the 16 digits but are accepted
        assert_eq!(p("0010.00"), Ok(1000));
    }

    #[test]
    fn rejects_each_rule() {
        assert_eq!(p(""), Err(MoneyError::Empty));
        assert_eq!(p("-1.00"), Err(MoneyError::Negative));
        assert_eq!(p("+1.00"), Err(MoneyError::PlusSign));
        assert_eq!(p("1e5"), Err(MoneyError::Exponent));
        assert_eq!(p("1.00E+2"), Err(MoneyError::Exponent));
        assert_eq!(p("10000"), Err(MoneyError::MissingDecimals));
        assert_eq!(p("10000."), Err(MoneyError::WrongDecimals { found: 0 }));
        assert_eq!(p("10000.0"), Err(MoneyError::WrongDecimals { found: 1 }));
        assert_eq!(p("10000.000"), Err(MoneyError::WrongDecimals { found: 3 }));
        assert_eq!(p(".50"), Err(MoneyError::MissingIntegerPart));
        assert_eq!(p(" 1.00"), Err(MoneyError::Whitespace { position: 0 }));
        assert_eq!(p("1.00\n"), Err(MoneyError::Whitespace { position: 4 }));
        assert_eq!(p("1 000.00"), Err(MoneyError::Whitespace { position: 1 }));
        assert_eq!(
            p("1,000.00"),
            Err(MoneyError::NonDigit {
                position: 1,
                found: ','
            })
        );
        assert_eq!(
            p("1.0.0"),
            Err(MoneyError::NonDigit {
                position: 3,
                found: '.'
            })
        );
        assert_eq!(
            p("Rp1.00"),
            Err(MoneyError::NonDigit {
                position: 0,
                found: 'R'
            })
        );
        assert_eq!(
            p("1.0x"),
            Err(MoneyError::NonDigit {
                position: 3,
                found: 'x'
            })
        );
        assert_eq!(
            p("١.00"),
            Err(MoneyError::NonDigit {
                position: 0,
                found: '١'
            })
        );
        assert_eq!(
            p("100000000000000.00"),
            Err(MoneyError::TooManyDigits { digits: 17 })
        );
        assert_eq!(
            p("99999999999999999999999999.00"),
            Err(MoneyError::TooManyDigits { digits: 28 })
        );
    }

    #[test]
    fn error_messages_name_the_rule() {
        assert!(
            MoneyError::MissingDecimals
                .to_string()
                .contains("two fraction digits")
        );
        assert!(
            MoneyError::TooManyDigits { digits: 17 }
                .to_string()
                .contains("at most 16")
        );
    }

    #[test]
    fn currency_rules() {
        assert_eq!(Currency::new("IDR"), Ok(Currency::IDR));
        assert_eq!(
            Currency::new("USD").map(|c| c.to_string()),
            Ok("USD".to_owned())
        );
        for bad in ["", "ID", "IDRX", "idr", "Idr", "I R", "1DR", "ÍDR"] {
            assert!(
                matches!(Currency::new(bad), Err(MoneyError::BadCurrency { .. })),
                "{bad:?}"
            );
        }
        const USD: Currency = Currency::new_const("USD");
        assert_eq!(USD.as_str(), "USD");
    }

    #[test]
    fn from_minor_and_value_string() {
        let m = Money::from_minor(5, Currency::IDR).unwrap();
        assert_eq!(m.value_string(), "0.05");
        assert_eq!(
            Money::from_minor(123_456, Currency::IDR)
                .unwrap()
                .value_string(),
            "1234.56"
        );
        assert_eq!(
            Money::from_minor(MAX_MINOR + 1, Currency::IDR),
            Err(MoneyError::Overflow)
        );
        assert_eq!(Money::zero(Currency::IDR).to_string(), "0.00 IDR");
    }

    #[test]
    fn string_round_trip_for_many_values() {
        for minor in [
            0u64,
            1,
            9,
            10,
            99,
            100,
            101,
            1_000_000,
            123_456_789,
            MAX_MINOR,
        ] {
            let m = Money::from_minor(minor, Currency::IDR).unwrap();
            assert_eq!(Money::parse(&m.value_string(), Currency::IDR), Ok(m));
            let json = serde_json::to_string(&m).unwrap();
            assert_eq!(serde_json::from_str::<Money>(&json).unwrap(), m);
        }
    }

    #[test]
    fn serde_shape() {
        let m = Money::parse("10000.00", Currency::IDR).unwrap();
        assert_eq!(
            serde_json::to_string(&m).unwrap(),
            r#"{"value":"10000.00","currency":"IDR"}"#
        );
        let back: Money = serde_json::from_str(r#"{"currency":"IDR","value":"10000.00"}"#).unwrap();
        assert_eq!(back, m);
    }

    fn from_json(v: &str) -> Result<u64, String> {
        serde_json::from_str::<Money>(&format!(r#"{{"value":{v},"currency":"IDR"}}"#))
            .map(|m| m.minor())
            .map_err(|e| e.to_string())
    }

    #[test]
    fn json_numbers_with_at_most_two_decimals() {
        assert_eq!(from_json("10000"), Ok(1_000_000));
        assert_eq!(from_json("10000.5"), Ok(1_000_050));
        assert_eq!(from_json("10000.25"), Ok(1_000_025));
        assert_eq!(from_json("10000.0"), Ok(1_000_000));
        assert_eq!(from_json("0.1"), Ok(10));
        assert_eq!(from_json("0.07"), Ok(7));
        assert_eq!(from_json("9999999999999.99"), Ok(999_999_999_999_999));
        assert_eq!(from_json("99999999999999"), Ok(9_999_999_999_999_900));
        // Read from the text: exact up to the 16 digits of DECIMAL(16,2).
        assert_eq!(from_json("12345678901234.56"), Ok(1_234_567_890_123_456));
        assert_eq!(from_json("1000.50"), Ok(100_050));
    }

    #[test]
    fn json_numbers_are_read_from_their_text_never_through_a_float() {
        // As floats these read as 3000, 100 and 1.00 (or 1.01): refused.
        for bad in [
            "2999.9999999999999",
            "1E2",
            "1e2",
            "1.005",
            "1.0e1",
            "3000.000",
        ] {
            let e = from_json(bad).unwrap_err();
            assert!(
                e.contains("not exact") || e.contains("fraction"),
                "{bad}: {e}"
            );
        }
        // Through a serde_json::Value too: serde_json's
        // `arbitrary_precision` keeps the number's text in the Value, so it
        // is read from its digits, never through a float.
        let v: serde_json::Value =
            serde_json::from_str(r#"{"value":1000.5,"currency":"IDR"}"#).unwrap();
        assert_eq!(serde_json::from_value::<Money>(v).unwrap().minor(), 100_050);
        for bad in ["2999.9999999999999", "1.005", "1E2", "3000.000"] {
            let v: serde_json::Value =
                serde_json::from_str(&format!(r#"{{"value":{bad},"currency":"IDR"}}"#)).unwrap();
            let e = serde_json::from_value::<Money>(v).unwrap_err().to_string();
            assert!(
                e.contains("not exact") || e.contains("fraction") || e.contains("exponent"),
                "{bad}: {e}"
            );
        }
        let v: serde_json::Value =
            serde_json::from_str(r#"{"value":"7.00","currency":"IDR"}"#).unwrap();
        assert_eq!(serde_json::from_value::<Money>(v).unwrap().minor(), 700);
    }

    #[test]
    fn json_numbers_refused() {
        let e = from_json("10000.123").unwrap_err();
        assert!(e.contains("not exact"), "{e}");
        assert!(from_json("-5").unwrap_err().contains("negative"));
        assert!(from_json("-5.5").unwrap_err().contains("negative"));
        assert!(from_json("1e20").unwrap_err().contains("no exponent"));
        // 15 integer digits: too many digits for DECIMAL(16,2)
        assert!(
            from_json("100000000000000")
                .unwrap_err()
                .contains("at most 16")
        );
        assert!(
            from_json("null")
                .unwrap_err()
                .contains("expected a money value")
        );
        assert!(
            from_json("{}")
                .unwrap_err()
                .contains("expected a money value")
        );
        assert!(
            from_json("18446744073709551615")
                .unwrap_err()
                .contains("at most 16")
        );
    }

    #[test]
    fn json_shape_errors() {
        assert!(serde_json::from_str::<Money>(r#"{"value":"1.00"}"#).is_err());
        assert!(serde_json::from_str::<Money>(r#"{"value":"1.00","currency":"idr"}"#).is_err());
        assert!(serde_json::from_str::<Money>(r#"{"value":"1.0","currency":"IDR"}"#).is_err());
        assert!(serde_json::from_str::<Money>(r#"{"value":true,"currency":"IDR"}"#).is_err());
        assert!(serde_json::from_str::<Money>(r#""10000.00""#).is_err());
    }

    #[test]
    fn checked_arithmetic() {
        let a = Money::parse("10.50", Currency::IDR).unwrap();
        let b = Money::parse("0.75", Currency::IDR).unwrap();
        assert_eq!(a.checked_add(&b).unwrap().value_string(), "11.25");
        assert_eq!(a.checked_sub(&b).unwrap().value_string(), "9.75");
        assert_eq!(b.checked_sub(&a), Err(MoneyError::Underflow));
        assert_eq!(a.checked_cmp(&b), Ok(Ordering::Greater));
        assert_eq!(a.checked_cmp(&a), Ok(Ordering::Equal));
        let max = Money::from_minor(MAX_MINOR, Currency::IDR).unwrap();
        assert_eq!(
            max.checked_add(&Money::from_minor(1, Currency::IDR).unwrap()),
            Err(MoneyError::Overflow)
        );
        let usd = Money::parse("1.00", Currency::new_const("USD")).unwrap();
        let mismatch = MoneyError::CurrencyMismatch {
            left: Currency::IDR,
            right: Currency::new_const("USD"),
        };
        assert_eq!(a.checked_add(&usd), Err(mismatch.clone()));
        assert_eq!(a.checked_sub(&usd), Err(mismatch.clone()));
        assert_eq!(a.checked_cmp(&usd), Err(mismatch));
    }
}
