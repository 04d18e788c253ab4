//! Field rules and violations: the runtime the `SnapRequest` / `SnapModel`
//! derives call.
//!
//! SNAP semantics live here, once:
//! - lengths count **characters** (`char`s), not bytes: `"Rp 1.000 – café"`
//!   is 15 characters and 18 bytes;
//! - a mandatory string must be non-empty; an empty optional string counts as
//!   absent, so length and digit rules do not fire on it;
//! - `max` / `len` on an integer field count its **decimal digits** (SNAP's
//!   `Numeric(4)`): `6011` has 4, `-42` has 2 (the sign does not count);
//! - every violation carries the **wire path** (`voidAmount.value`,
//!   `items[2].price`), and validation returns all of them, not the first;
//! - [`Violations::to_error_body`] maps them to the SNAP answer: a missing
//!   mandatory field is `400{SS}02 Invalid Mandatory Field {path}`, anything
//!   else `400{SS}01 Invalid Field Format {path}`.
//!
//! ```
//! use snap_core::rules::{Path, Report, Rule};
//!
//! let mut report = Report::new();
//! let root = Path::root();
//! let amount = root.field("voidAmount");
//! snap_core::rules::max_chars("12345678901", 10, &amount.field("value"), &mut report);
//! let violations = report.finish().unwrap_err();
//! assert_eq!(violations.iter().next().unwrap().path, "voidAmount.value");
//! assert_eq!(violations.iter().next().unwrap().rule, Rule::MaxChars { max: 10, actual: 11 });
//! ```

use std::fmt;

use crate::code::{ErrorBody, GeneralCase, ServiceCode};
use crate::endpoint::Validate;

/// Where a value sits in a message, by wire names. Built on the stack while
/// validation descends; rendered to a string only when a violation is found.
#[derive(Debug, Clone, Copy)]
pub struct Path<'a> {
    parent: Option<&'a Path<'a>>,
    seg: Seg<'a>,
}

#[derive(Debug, Clone, Copy)]
enum Seg<'a> {
    Root,
    Field(&'a str),
    Index(usize),
}

impl Path<'static> {
    /// The message itself (renders as the empty string).
    pub const fn root() -> Self {
        Path {
            parent: None,
            seg: Seg::Root,
        }
    }
}

impl<'a> Path<'a> {
    /// The member `name` (a wire name, or a map key) of this value.
    pub fn field<'b>(&'b self, name: &'b str) -> Path<'b> {
        Path {
            parent: Some(self),
            seg: Seg::Field(name),
        }
    }

    /// The element `index` of this list.
    pub fn index(&self, index: usize) -> Path<'_> {
        Path {
            parent: Some(self),
            seg: Seg::Index(index),
        }
    }

    /// The path as SNAP messages write it: `items[2].price.value`.
    pub fn render(&self) -> String {
        let mut out = String::new();
        self.render_into(&mut out);
        out
    }

    fn render_into(&self, out: &mut String) {
        if let Some(parent) = self.parent {
            parent.render_into(out);
        }
        match self.seg {
            Seg::Root => {}
            Seg::Field(name) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(name);
            }
            Seg::Index(i) => {
                out.push('[');
                out.push_str(&i.to_string());
                out.push(']');
            }
        }
    }
}

impl fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render())
    }
}

/// The rule a value broke.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Rule {
    /// A mandatory field is absent, `null`, or an empty string.
    Missing,
    /// More than `max` characters.
    MaxChars {
        /// The limit, in characters.
        max: usize,
        /// The value's length, in characters.
        actual: usize,
    },
    /// Not exactly `len` characters.
    LenChars {
        /// The required length, in characters.
        len: usize,
        /// The value's length, in characters.
        actual: usize,
    },
    /// More than `max` decimal digits (an integer field).
    MaxDigits {
        /// The limit, in digits.
        max: usize,
        /// The value's digit count (without a sign).
        actual: usize,
    },
    /// Not exactly `len` decimal digits (an integer field).
    LenDigits {
        /// The required digit count.
        len: usize,
        /// The value's digit count (without a sign).
        actual: usize,
    },
    /// Not ASCII digits only.
    Digits,
    /// None of a group's fields is present (at least one must be).
    OneOf {
        /// The group name from `one_of = "..."`.
        group: &'static str,
        /// The group's wire paths (relative to the object holding the group).
        members: Vec<String>,
    },
    /// Mandatory because another field has a given value.
    RequiredIf {
        /// The other field's wire name.
        field: &'static str,
        /// The value that makes this field mandatory.
        value: &'static str,
    },
    /// A format rule of a value type (money, timestamp, ...), with its reason.
    Format(String),
}

impl Rule {
    /// True for rules that say "this mandatory value is missing" (SNAP case
    /// 02); false for format rules (SNAP case 01).
    pub fn is_missing(&self) -> bool {
        matches!(
            self,
            Rule::Missing | Rule::OneOf { .. } | Rule::RequiredIf { .. }
        )
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rule::Missing => f.write_str("mandatory field is missing or empty"),
            Rule::MaxChars { max, actual } => {
                write!(f, "at most {max} characters allowed, got {actual}")
            }
            Rule::LenChars { len, actual } => {
                write!(f, "exactly {len} characters required, got {actual}")
            }
            Rule::MaxDigits { max, actual } => {
                write!(f, "at most {max} digits allowed, got {actual}")
            }
            Rule::LenDigits { len, actual } => {
                write!(f, "exactly {len} digits required, got {actual}")
            }
            Rule::Digits => f.write_str("digits (0-9) only"),
            Rule::OneOf { group, members } => write!(
                f,
                "at least one of {} is required (group \"{group}\")",
                members.join(", ")
            ),
            Rule::RequiredIf { field, value } => {
                write!(f, "mandatory when {field} is {value}")
            }
            Rule::Format(reason) => f.write_str(reason),
        }
    }
}

/// One broken rule, at a wire path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// Wire path, e.g. `voidAmount.value` or `items[2].price`.
    pub path: String,
    /// What was wrong.
    pub rule: Rule,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.rule)
    }
}

/// All violations found in a value (never empty when returned as an error).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violations(Vec<Violation>);

impl Violations {
    /// Wraps a list; `None` when it is empty.
    pub fn from_vec(list: Vec<Violation>) -> Option<Self> {
        if list.is_empty() {
            None
        } else {
            Some(Violations(list))
        }
    }

    /// Exactly one violation.
    pub fn one(violation: Violation) -> Self {
        Violations(vec![violation])
    }

    /// The violations, in the order found (declaration order).
    pub fn iter(&self) -> std::slice::Iter<'_, Violation> {
        self.0.iter()
    }

    /// How many.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Always false for a value returned by validation.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The list.
    pub fn into_vec(self) -> Vec<Violation> {
        self.0
    }

    /// The SNAP case of the answer: [`GeneralCase::InvalidMandatoryField`]
    /// (`400SS02`) when a mandatory field is missing, else
    /// [`GeneralCase::InvalidFieldFormat`] (`400SS01`). Its HTTP status is 400.
    pub fn snap_case(&self) -> GeneralCase {
        if self.primary().rule.is_missing() {
            GeneralCase::InvalidMandatoryField
        } else {
            GeneralCase::InvalidFieldFormat
        }
    }

    /// The SNAP error answer for these violations on endpoint `service`:
    /// `{"responseCode":"4006702","responseMessage":"Invalid Mandatory Field {partnerVoidNo}"}`
    /// for a missing mandatory field, else
    /// `{"responseCode":"4006701","responseMessage":"Invalid Field Format {voidAmount.value}"}`.
    /// It names one field (see [`Violations::primary`]); send the rest in
    /// logs, not in the answer.
    pub fn to_error_body(&self, service: ServiceCode) -> ErrorBody {
        let path = self.primary().path.as_str();
        let detail = if path.is_empty() { None } else { Some(path) };
        self.snap_case().error_body(service, detail)
    }

    /// The violation a SNAP answer names: the first missing mandatory field
    /// if there is one (case 02), else the first violation (case 01).
    pub fn primary(&self) -> &Violation {
        self.0
            .iter()
            .find(|v| v.rule.is_missing())
            .unwrap_or(&self.0[0])
    }
}

impl<'a> IntoIterator for &'a Violations {
    type Item = &'a Violation;
    type IntoIter = std::slice::Iter<'a, Violation>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl fmt::Display for Violations {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} invalid field(s): ", self.0.len())?;
        for (i, v) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{v}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Violations {}

/// Collects violations during one validation.
#[derive(Debug, Default)]
pub struct Report {
    violations: Vec<Violation>,
}

impl Report {
    /// An empty report.
    pub fn new() -> Self {
        Report::default()
    }

    /// Records a violation at `path`.
    pub fn push(&mut self, path: &Path<'_>, rule: Rule) {
        self.violations.push(Violation {
            path: path.render(),
            rule,
        });
    }

    /// True when nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.violations.is_empty()
    }

    /// `Ok` when nothing was recorded, else every violation.
    pub fn finish(self) -> Result<(), Violations> {
        match Violations::from_vec(self.violations) {
            None => Ok(()),
            Some(v) => Err(v),
        }
    }

    /// The recorded violations (possibly none).
    pub fn into_vec(self) -> Vec<Violation> {
        self.violations
    }
}

/// A string-valued field: what `digits` applies to (and what `max` / `len`
/// count characters of, through [`LenField`]). `None` means absent (rules
/// skip absent values; presence is a separate rule).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a string field, which this rule needs",
    label = "`digits` (and the field a `required_if` compares) needs a string field (`String`, `&str`, or an `Option` of one)",
    note = "an integer field is digits by its type (limit its digit count with `max = N` / `len = N`); money and nested objects have their own format"
)]
pub trait StrField {
    /// The string, or `None` when the field is absent.
    fn as_field_str(&self) -> Option<&str>;
}

impl StrField for str {
    fn as_field_str(&self) -> Option<&str> {
        Some(self)
    }
}

impl StrField for String {
    fn as_field_str(&self) -> Option<&str> {
        Some(self)
    }
}

impl StrField for Box<str> {
    fn as_field_str(&self) -> Option<&str> {
        Some(self)
    }
}

impl StrField for std::borrow::Cow<'_, str> {
    fn as_field_str(&self) -> Option<&str> {
        Some(self)
    }
}

/// `max`/`len`/`digits` on a secret count its exposed value; a violation
/// records lengths only, never the value.
impl<T: StrField> StrField for crate::secret::Secret<T> {
    fn as_field_str(&self) -> Option<&str> {
        self.expose().as_field_str()
    }
}

impl<T: StrField + ?Sized> StrField for &T {
    fn as_field_str(&self) -> Option<&str> {
        (**self).as_field_str()
    }
}

impl<T: StrField> StrField for Option<T> {
    fn as_field_str(&self) -> Option<&str> {
        self.as_ref().and_then(StrField::as_field_str)
    }
}

/// The non-empty string of a field, or `None` (absent or empty).
fn non_empty<T: StrField + ?Sized>(value: &T) -> Option<&str> {
    value.as_field_str().filter(|s| !s.is_empty())
}

/// What `max = N` / `len = N` measure in a field (see [`LenField`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measured<'a> {
    /// A string: its characters are counted.
    Text(&'a str),
    /// An integer: the number of its decimal digits, without a sign.
    Digits(usize),
}

/// A field `max` and `len` apply to: a string (characters counted) or an
/// integer `u8`..`u64`, `i8`..`i64`, `usize`, `isize` (decimal digits
/// counted, a minus sign not counted), or an `Option` of one. `None` means
/// absent: the rules skip it.
#[diagnostic::on_unimplemented(
    message = "`max` and `len` apply to string and integer fields, and `{Self}` is neither",
    label = "`max`/`len` count the characters of a string or the decimal digits of an integer",
    note = "floats, bools, money, timestamps and nested objects have no length; remove the rule from this field"
)]
pub trait LenField {
    /// The value to measure, or `None` when the field is absent.
    fn measured(&self) -> Option<Measured<'_>>;
}

macro_rules! len_field_str {
    ($($t:ty),*) => {$(
        impl LenField for $t {
            fn measured(&self) -> Option<Measured<'_>> {
                Some(Measured::Text(self))
            }
        }
    )*};
}

len_field_str!(str, String, Box<str>, std::borrow::Cow<'_, str>);

macro_rules! len_field_int {
    ($($t:ty => |$v:ident| $abs:expr),*) => {$(
        impl LenField for $t {
            fn measured(&self) -> Option<Measured<'_>> {
                let $v = *self;
                Some(Measured::Digits(digit_count($abs)))
            }
        }
    )*};
}

len_field_int!(
    u8 => |v| u64::from(v),
    u16 => |v| u64::from(v),
    u32 => |v| u64::from(v),
    u64 => |v| v,
    usize => |v| v as u64,
    i8 => |v| u64::from(v.unsigned_abs()),
    i16 => |v| u64::from(v.unsigned_abs()),
    i32 => |v| u64::from(v.unsigned_abs()),
    i64 => |v| v.unsigned_abs(),
    isize => |v| v.unsigned_abs() as u64
);

/// `max`/`len` on a secret measure its exposed value; a violation records
/// lengths only, never the value.
impl<T: StrField> LenField for crate::secret::Secret<T> {
    fn measured(&self) -> Option<Measured<'_>> {
        self.expose().as_field_str().map(Measured::Text)
    }
}

impl<T: LenField + ?Sized> LenField for &T {
    fn measured(&self) -> Option<Measured<'_>> {
        (**self).measured()
    }
}

impl<T: LenField> LenField for Option<T> {
    fn measured(&self) -> Option<Measured<'_>> {
        self.as_ref().and_then(LenField::measured)
    }
}

/// Decimal digits of `n` (`0` has one).
pub fn digit_count(mut n: u64) -> usize {
    let mut count = 1;
    while n >= 10 {
        n /= 10;
        count += 1;
    }
    count
}

/// Mandatory presence: records [`Rule::Missing`] and returns false when the
/// value is missing (see [`Validate::is_missing`]).
pub fn present<T: Validate + ?Sized>(value: &T, path: &Path<'_>, report: &mut Report) -> bool {
    if value.is_missing() {
        report.push(path, Rule::Missing);
        false
    } else {
        true
    }
}

/// A mandatory field: records [`Rule::Missing`] and returns false when the
/// value is missing; otherwise validates the value itself (nested members,
/// list elements) and returns true, so that the field's own rules run next.
pub fn mandatory<T: Validate + ?Sized>(value: &T, path: &Path<'_>, report: &mut Report) -> bool {
    if present(value, path, report) {
        value.validate_at(path, report);
        true
    } else {
        false
    }
}

/// True when the value is present (not `None`, not empty, not `null`).
pub fn is_present<T: Validate + ?Sized>(value: &T) -> bool {
    !value.is_missing()
}

/// At most `max` characters.
pub fn max_chars<T: StrField + ?Sized>(
    value: &T,
    max: usize,
    path: &Path<'_>,
    report: &mut Report,
) {
    // A string of at most `max` bytes has at most `max` characters.
    if let Some(s) = non_empty(value)
        && s.len() > max
    {
        let actual = s.chars().count();
        if actual > max {
            report.push(path, Rule::MaxChars { max, actual });
        }
    }
}

/// Exactly `len` characters.
pub fn len_chars<T: StrField + ?Sized>(
    value: &T,
    len: usize,
    path: &Path<'_>,
    report: &mut Report,
) {
    if let Some(s) = non_empty(value) {
        let actual = s.chars().count();
        if actual != len {
            report.push(path, Rule::LenChars { len, actual });
        }
    }
}

/// At most `max` digits (an integer, sign not counted).
pub fn max_digits(digits: usize, max: usize, path: &Path<'_>, report: &mut Report) {
    if digits > max {
        report.push(
            path,
            Rule::MaxDigits {
                max,
                actual: digits,
            },
        );
    }
}

/// Exactly `len` digits (an integer, sign not counted).
pub fn len_digits(digits: usize, len: usize, path: &Path<'_>, report: &mut Report) {
    if digits != len {
        report.push(
            path,
            Rule::LenDigits {
                len,
                actual: digits,
            },
        );
    }
}

/// `max = N`: at most `max` characters of a string ([`max_chars`]) or
/// decimal digits of an integer ([`max_digits`]); absent values and empty
/// strings pass.
pub fn max<T: LenField + ?Sized>(value: &T, max: usize, path: &Path<'_>, report: &mut Report) {
    match value.measured() {
        Some(Measured::Text(s)) => max_chars(s, max, path, report),
        Some(Measured::Digits(n)) => max_digits(n, max, path, report),
        None => {}
    }
}

/// `len = N`: exactly `len` characters of a string ([`len_chars`]) or
/// decimal digits of an integer ([`len_digits`]); absent values and empty
/// strings pass.
pub fn len<T: LenField + ?Sized>(value: &T, len: usize, path: &Path<'_>, report: &mut Report) {
    match value.measured() {
        Some(Measured::Text(s)) => len_chars(s, len, path, report),
        Some(Measured::Digits(n)) => len_digits(n, len, path, report),
        None => {}
    }
}

/// ASCII digits only.
pub fn digits<T: StrField + ?Sized>(value: &T, path: &Path<'_>, report: &mut Report) {
    if let Some(s) = non_empty(value)
        && !s.bytes().all(|b| b.is_ascii_digit())
    {
        report.push(path, Rule::Digits);
    }
}

/// At least one member of the group is present. Each member is its wire
/// name, the wire name of a nested member (`one_of = "..", via = ".."`: the
/// member is `additionalInfo.originalExternalId`) or `None`, and its
/// presence; the violation is reported at the first member.
pub fn one_of(
    group: &'static str,
    members: &[(&'static str, Option<&'static str>, bool)],
    path: &Path<'_>,
    report: &mut Report,
) {
    if members.iter().any(|(_, _, present)| *present) {
        return;
    }
    let Some((first, first_inner, _)) = members.first() else {
        return;
    };
    let outer = path.field(first);
    let at = match first_inner {
        Some(inner) => outer.field(inner),
        None => outer,
    };
    report.push(
        &at,
        Rule::OneOf {
            group,
            members: members
                .iter()
                .map(|(n, inner, _)| match inner {
                    Some(i) => format!("{n}.{i}"),
                    None => (*n).to_owned(),
                })
                .collect(),
        },
    );
}

/// `value` is mandatory when the field `other` (wire name `other_wire`)
/// equals `expected`, compared ASCII case-insensitively (BI's own sample sends
/// `authorization_code` for `AUTHORIZATION_CODE`).
pub fn required_if<T: Validate + ?Sized, S: StrField + ?Sized>(
    value: &T,
    path: &Path<'_>,
    other: &S,
    other_wire: &'static str,
    expected: &'static str,
    report: &mut Report,
) {
    let triggered = other
        .as_field_str()
        .is_some_and(|s| s.trim().eq_ignore_ascii_case(expected));
    if triggered && value.is_missing() {
        report.push(
            path,
            Rule::RequiredIf {
                field: other_wire,
                value: expected,
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(f: impl FnOnce(&Path<'_>, &mut Report)) -> Vec<Violation> {
        let mut r = Report::new();
        f(&Path::root(), &mut r);
        r.into_vec()
    }

    #[test]
    fn paths_render_with_wire_names_and_indices() {
        let root = Path::root();
        let items = root.field("items");
        let second = items.index(2);
        let price = second.field("price");
        assert_eq!(price.field("value").render(), "items[2].price.value");
        assert_eq!(root.render(), "");
        assert_eq!(root.index(0).field("a").render(), "[0].a");
    }

    #[test]
    fn lengths_count_characters_not_bytes() {
        // 5 characters, 8 bytes.
        let s = "café€";
        assert_eq!(s.chars().count(), 5);
        assert!(s.len() > 5);
        assert!(run(|p, r| max_chars(s, 5, p, r)).is_empty());
        assert_eq!(
            run(|p, r| max_chars(s, 4, &p.field("x"), r)),
            vec![Violation {
                path: "x".into(),
                rule: Rule::MaxChars { max: 4, actual: 5 }
            }]
        );
        assert!(run(|p, r| len_chars(s, 5, p, r)).is_empty());
        assert_eq!(
            run(|p, r| len_chars(s, 7, p, r))[0].rule,
            Rule::LenChars { len: 7, actual: 5 }
        );
    }

    #[test]
    fn absent_and_empty_optionals_skip_format_rules() {
        let none: Option<String> = None;
        let empty = Some(String::new());
        assert!(run(|p, r| len_chars(&none, 7, p, r)).is_empty());
        assert!(run(|p, r| len_chars(&empty, 7, p, r)).is_empty());
        assert!(run(|p, r| digits(&empty, p, r)).is_empty());
        assert_eq!(
            run(|p, r| digits(&Some("12a".to_owned()), p, r))[0].rule,
            Rule::Digits
        );
        assert!(run(|p, r| digits("0123456789", p, r)).is_empty());
        // Non-ASCII digits are not digits.
        assert_eq!(run(|p, r| digits("١٢", p, r))[0].rule, Rule::Digits);
    }

    #[test]
    fn integer_lengths_count_decimal_digits_without_the_sign() {
        assert_eq!(digit_count(0), 1);
        assert_eq!(digit_count(9), 1);
        assert_eq!(digit_count(10), 2);
        assert_eq!(digit_count(6011), 4);
        assert_eq!(digit_count(u64::MAX), 20);
        assert!(run(|p, r| max(&6011u32, 4, p, r)).is_empty());
        assert_eq!(
            run(|p, r| max(&60110u32, 4, &p.field("channelCode"), r)),
            vec![Violation {
                path: "channelCode".into(),
                rule: Rule::MaxDigits { max: 4, actual: 5 }
            }]
        );
        // The minus sign does not count.
        assert!(run(|p, r| max(&-9999i32, 4, p, r)).is_empty());
        assert_eq!(
            run(|p, r| max(&i64::MIN, 4, p, r))[0].rule,
            Rule::MaxDigits { max: 4, actual: 19 }
        );
        assert!(run(|p, r| len(&-42i8, 2, p, r)).is_empty());
        assert_eq!(
            run(|p, r| len(&7usize, 2, p, r))[0].rule,
            Rule::LenDigits { len: 2, actual: 1 }
        );
        // Absent integers pass; present ones are measured.
        assert!(run(|p, r| max(&None::<u16>, 1, p, r)).is_empty());
        assert_eq!(run(|p, r| len(&Some(123u64), 2, p, r)).len(), 1);
        assert_eq!(
            Rule::MaxDigits { max: 4, actual: 5 }.to_string(),
            "at most 4 digits allowed, got 5"
        );
        assert!(!Rule::LenDigits { len: 2, actual: 1 }.is_missing());
    }

    #[test]
    fn max_and_len_on_strings_count_characters() {
        assert_eq!(
            run(|p, r| max("café€", 4, p, r))[0].rule,
            Rule::MaxChars { max: 4, actual: 5 }
        );
        assert!(run(|p, r| len(&Some(String::new()), 3, p, r)).is_empty());
        let secret = crate::secret::SecretString::from("abc");
        assert_eq!(
            run(|p, r| len(&secret, 2, p, r))[0].rule,
            Rule::LenChars { len: 2, actual: 3 }
        );
    }

    #[test]
    fn presence() {
        assert_eq!(
            run(|p, r| assert!(!present("", p, r)))[0].rule,
            Rule::Missing
        );
        assert!(run(|p, r| assert!(present("x", p, r))).is_empty());
        assert!(!is_present(&None::<String>));
        assert!(!is_present(&Some(String::new())));
        assert!(is_present(&Some("a".to_owned())));
    }

    #[test]
    fn one_of_reports_once_at_the_first_member() {
        let v = run(|p, r| one_of("orig", &[("a", None, false), ("b", None, false)], p, r));
        assert_eq!(
            v,
            vec![Violation {
                path: "a".into(),
                rule: Rule::OneOf {
                    group: "orig",
                    members: vec!["a".to_owned(), "b".to_owned()]
                }
            }]
        );
        assert!(
            run(|p, r| one_of("orig", &[("a", None, false), ("b", None, true)], p, r)).is_empty()
        );
        let v = run(|p, r| {
            one_of(
                "orig",
                &[("info", Some("extId"), false), ("b", None, false)],
                p,
                r,
            )
        });
        assert_eq!(v[0].path, "info.extId");
        assert_eq!(
            v[0].rule,
            Rule::OneOf {
                group: "orig",
                members: vec!["info.extId".to_owned(), "b".to_owned()]
            }
        );
    }

    #[test]
    fn required_if_is_case_insensitive_on_the_trigger() {
        let missing: Option<String> = None;
        for grant in ["AUTHORIZATION_CODE", "authorization_code"] {
            let v = run(|p, r| {
                required_if(
                    &missing,
                    &p.field("authCode"),
                    grant,
                    "grantType",
                    "AUTHORIZATION_CODE",
                    r,
                )
            });
            assert_eq!(v.len(), 1, "{grant}");
            assert_eq!(v[0].path, "authCode");
            assert!(v[0].rule.is_missing());
        }
        let v = run(|p, r| {
            required_if(
                &missing,
                p,
                "REFRESH_TOKEN",
                "grantType",
                "AUTHORIZATION_CODE",
                r,
            )
        });
        assert!(v.is_empty());
        let given = Some("abc".to_owned());
        let v = run(|p, r| {
            required_if(
                &given,
                p,
                "AUTHORIZATION_CODE",
                "grantType",
                "AUTHORIZATION_CODE",
                r,
            )
        });
        assert!(v.is_empty());
    }

    #[test]
    fn primary_violation_prefers_missing_fields() {
        let vs = Violations::from_vec(vec![
            Violation {
                path: "a".into(),
                rule: Rule::Digits,
            },
            Violation {
                path: "b".into(),
                rule: Rule::Missing,
            },
        ])
        .unwrap();
        assert_eq!(vs.primary().path, "b");
        let vs = Violations::from_vec(vec![Violation {
            path: "a".into(),
            rule: Rule::Digits,
        }])
        .unwrap();
        assert_eq!(vs.primary().path, "a");
        assert!(Violations::from_vec(vec![]).is_none());
        assert_eq!(vs.to_string(), "1 invalid field(s): a: digits (0-9) only");
    }

    #[test]
    fn snap_error_answers() {
        let void = ServiceCode::new_const(67);
        let missing = Violations::from_vec(vec![
            Violation {
                path: "reason".into(),
                rule: Rule::MaxChars {
                    max: 256,
                    actual: 300,
                },
            },
            Violation {
                path: "partnerVoidNo".into(),
                rule: Rule::Missing,
            },
        ])
        .unwrap();
        let body = missing.to_error_body(void);
        assert_eq!(body.response_code, "4006702");
        assert_eq!(
            body.response_message,
            "Invalid Mandatory Field {partnerVoidNo}"
        );
        let format = Violations::one(Violation {
            path: "voidAmount.value".into(),
            rule: Rule::Digits,
        });
        let body = format.to_error_body(void);
        assert_eq!(body.response_code, "4006701");
        assert_eq!(
            body.response_message,
            "Invalid Field Format {voidAmount.value}"
        );
        let root = Violations::one(Violation {
            path: String::new(),
            rule: Rule::Format("x".into()),
        });
        assert_eq!(
            root.to_error_body(void).response_message,
            "Invalid Field Format"
        );
        assert_eq!(format.snap_case().http_status(), 400);
    }
}
