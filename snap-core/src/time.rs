//! SNAP timestamps (`X-TIMESTAMP` and the ISO 8601 body fields).
//!
//! Accepted form (parsing): `YYYY-MM-DDTHH:mm:ss`, an optional fraction of 1
//! to 9 digits after a `.`, then `Z`, `+HH:MM` or `-HH:MM`. The calendar is
//! checked (month 1-12, day within the month, leap years by the Gregorian
//! rule, hour < 24, minute < 60, second < 60: no leap second), and the offset
//! is at most ±18:00. The `T` and `Z` must be upper-case. A time without an
//! offset (`2020-10-20T17:56:57`, seen in some BI VA samples) is refused:
//! it names no instant.
//!
//! A [`SnapTimestamp`] keeps the exact text it was parsed from
//! ([`SnapTimestamp::as_str`]): that text is what gets signed and echoed.
//!
//! Output ([`TimestampProfile`]): by default Jakarta time without fraction,
//! `2024-03-01T15:27:49+07:00`; [`TimestampProfile::utc_millis`] gives
//! `2024-03-01T08:27:49.024Z` for providers that send UTC with milliseconds.
//!
//! Calendar arithmetic is hand-rolled (days from civil date and back, after
//! Howard Hinnant's public-domain algorithms); no date crate.
//!
//! ```
//! use snap_core::time::{SnapTimestamp, TimestampProfile};
//!
//! let t: SnapTimestamp = "2020-12-17T10:55:00+07:00".parse()?;
//! assert_eq!(t.as_str(), "2020-12-17T10:55:00+07:00");
//! assert_eq!(t.unix_seconds(), 1_608_177_300);
//! assert_eq!(t.offset_minutes(), 420);
//!
//! let utc = TimestampProfile::utc_millis().format(1_709_281_669, 24_000_000);
//! assert_eq!(utc, "2024-03-01T08:27:49.024Z");
//! let wib = TimestampProfile::jakarta().format(1_709_281_669, 24_000_000);
//! assert_eq!(wib, "2024-03-01T15:27:49+07:00");
//! # Ok::<(), snap_core::time::TimestampError>(())
//! ```

use std::fmt;
use std::str::FromStr;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Jakarta (WIB) is UTC+07:00 all year.
pub const JAKARTA_OFFSET_MINUTES: i32 = 7 * 60;

/// Largest offset accepted, in minutes (±18:00).
pub const MAX_OFFSET_MINUTES: i32 = 18 * 60;

/// What is wrong with a timestamp.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TimestampError {
    /// A character is not what the format needs at that place.
    #[error(
        "timestamp: expected {expected} at byte {position} (format YYYY-MM-DDTHH:mm:ss[.fraction](Z|+HH:MM|-HH:MM))"
    )]
    Format {
        /// Byte offset.
        position: usize,
        /// What was expected there.
        expected: &'static str,
    },
    /// Month outside 1-12.
    #[error("timestamp: month {0} is not 01-12")]
    Month(u8),
    /// Day outside the month (`2023-02-29`, `2024-04-31`).
    #[error("timestamp: day {day} does not exist in {year:04}-{month:02}")]
    Day {
        /// Year.
        year: i32,
        /// Month.
        month: u8,
        /// Day.
        day: u8,
    },
    /// Hour 24 or above.
    #[error("timestamp: hour {0} is not 00-23")]
    Hour(u8),
    /// Minute 60 or above.
    #[error("timestamp: minute {0} is not 00-59")]
    Minute(u8),
    /// Second 60 or above (leap seconds are not accepted).
    #[error("timestamp: second {0} is not 00-59")]
    Second(u8),
    /// A `.` followed by no digit or by more than nine.
    #[error("timestamp: fraction has {0} digits; 1 to 9 are allowed")]
    FractionLength(usize),
    /// The text ends where `Z`, `+HH:MM` or `-HH:MM` must come.
    #[error("timestamp: no offset; add Z, +HH:MM or -HH:MM (e.g. +07:00)")]
    MissingOffset,
    /// Offset beyond ±18:00, or its minutes 60 or above.
    #[error("timestamp: offset {0} is out of range (at most ±18:00, minutes 00-59)")]
    Offset(String),
    /// Text after a complete timestamp.
    #[error("timestamp: unexpected text after the offset at byte {0}")]
    Trailing(usize),
    /// An instant outside years 0000-9999, or a profile offset beyond ±18:00.
    #[error("timestamp: instant or offset out of range (years 0000-9999, offset at most ±18:00)")]
    OutOfRange,
}

/// A parsed SNAP timestamp that remembers its exact text.
///
/// Equality is equality of the text (two spellings of one instant are
/// different timestamps: they sign differently); compare instants with
/// [`SnapTimestamp::cmp_instant`].
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct SnapTimestamp {
    raw: String,
    unix_seconds: i64,
    nanos: u32,
    offset_minutes: i32,
}

impl SnapTimestamp {
    /// Parses `text` (module-doc rules) and keeps it as is.
    pub fn parse(text: &str) -> Result<SnapTimestamp, TimestampError> {
        parse(text)
    }

    /// The current time in the default profile, Jakarta without fraction
    /// (`2024-03-01T15:27:49+07:00`).
    pub fn now() -> SnapTimestamp {
        TimestampProfile::jakarta().now()
    }

    /// The exact text: what is signed and sent.
    pub fn as_str(&self) -> &str {
        &self.raw
    }

    /// The text, owned.
    pub fn into_string(self) -> String {
        self.raw
    }

    /// Whole seconds since 1970-01-01T00:00:00Z (negative before).
    pub fn unix_seconds(&self) -> i64 {
        self.unix_seconds
    }

    /// Nanoseconds within the second (the written fraction, 0 if none).
    pub fn subsec_nanos(&self) -> u32 {
        self.nanos
    }

    /// Nanoseconds since the Unix epoch.
    pub fn unix_nanos(&self) -> i128 {
        i128::from(self.unix_seconds) * 1_000_000_000 + i128::from(self.nanos)
    }

    /// The written offset in minutes east of UTC (`+07:00` is 420, `Z` is 0).
    pub fn offset_minutes(&self) -> i32 {
        self.offset_minutes
    }

    /// Orders two timestamps by instant, whatever their offsets.
    pub fn cmp_instant(&self, other: &SnapTimestamp) -> std::cmp::Ordering {
        self.unix_nanos().cmp(&other.unix_nanos())
    }

    /// Signed distance `self - other` in nanoseconds (for skew checks).
    pub fn nanos_since(&self, other: &SnapTimestamp) -> i128 {
        self.unix_nanos() - other.unix_nanos()
    }

    /// The calendar day of this instant in Jakarta (UTC+07:00), as
    /// `(year, month, day)`: the day in which an `X-EXTERNAL-ID` must be
    /// unique ("same day" is read as the WIB day).
    pub fn jakarta_day(&self) -> (i32, u8, u8) {
        jakarta_day_of(self.unix_seconds)
    }

    /// [`SnapTimestamp::jakarta_day`] as the number `yyyymmdd`
    /// (`20240301`), handy as a map key.
    pub fn day_key(&self) -> u32 {
        let (y, m, d) = self.jakarta_day();
        // Years are 0000-9999 here (parsing guarantees it, ±1 day at the
        // edges), so the key is non-negative.
        (y.max(0) as u32) * 10_000 + u32::from(m) * 100 + u32::from(d)
    }
}

impl fmt::Debug for SnapTimestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SnapTimestamp({:?})", self.raw)
    }
}

/// The exact text.
impl fmt::Display for SnapTimestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}

impl AsRef<str> for SnapTimestamp {
    fn as_ref(&self) -> &str {
        &self.raw
    }
}

impl FromStr for SnapTimestamp {
    type Err = TimestampError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse(s)
    }
}

impl TryFrom<String> for SnapTimestamp {
    type Error = TimestampError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        parse(&s)
    }
}

impl Serialize for SnapTimestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.raw)
    }
}

impl<'de> Deserialize<'de> for SnapTimestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = SnapTimestamp;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an ISO 8601 timestamp like 2020-12-17T10:55:00+07:00")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<SnapTimestamp, E> {
                parse(v).map_err(E::custom)
            }
        }
        deserializer.deserialize_str(V)
    }
}

/// How timestamps are written: offset, milliseconds, `Z`. Built from
/// [`TimestampProfile::jakarta`] or [`TimestampProfile::utc_millis`] and the
/// `with_*` methods.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct TimestampProfile {
    /// Offset written, minutes east of UTC (420 for `+07:00`). Ignored when
    /// `utc_z` is set.
    pub offset_minutes: i32,
    /// Write milliseconds (`.SSS`); otherwise no fraction.
    pub millis: bool,
    /// Write UTC with `Z` (offset 0) instead of `+HH:MM`.
    pub utc_z: bool,
}

impl Default for TimestampProfile {
    fn default() -> Self {
        TimestampProfile::jakarta()
    }
}

impl TimestampProfile {
    /// The default: `2024-03-01T15:27:49+07:00` (the BI samples' form).
    pub const fn jakarta() -> TimestampProfile {
        TimestampProfile {
            offset_minutes: JAKARTA_OFFSET_MINUTES,
            millis: false,
            utc_z: false,
        }
    }

    /// UTC with milliseconds: `2024-03-01T08:27:49.024Z` (Midtrans demo,
    /// DOKU-style UTC).
    pub const fn utc_millis() -> TimestampProfile {
        TimestampProfile {
            offset_minutes: 0,
            millis: true,
            utc_z: true,
        }
    }

    /// This profile, writing the offset `offset_minutes` east of UTC
    /// (`+07:00` is 420).
    pub const fn with_offset_minutes(mut self, offset_minutes: i32) -> TimestampProfile {
        self.offset_minutes = offset_minutes;
        self
    }

    /// This profile, with milliseconds (`.SSS`) or without a fraction.
    pub const fn with_millis(mut self, millis: bool) -> TimestampProfile {
        self.millis = millis;
        self
    }

    /// This profile, writing UTC with `Z` or the offset as `+HH:MM`.
    pub const fn with_utc_z(mut self, utc_z: bool) -> TimestampProfile {
        self.utc_z = utc_z;
        self
    }

    /// Writes the instant `unix_seconds` + `nanos` (nanoseconds, values
    /// above 999 999 999 carry into the seconds) in this profile. Fractions
    /// finer than the profile's are truncated.
    pub fn format(&self, unix_seconds: i64, nanos: u32) -> String {
        self.build(unix_seconds, nanos).raw
    }

    /// Like [`TimestampProfile::format`], as a [`SnapTimestamp`];
    /// [`TimestampError::OutOfRange`] outside years 0000-9999 or for an
    /// offset beyond ±18:00.
    pub fn at(&self, unix_seconds: i64, nanos: u32) -> Result<SnapTimestamp, TimestampError> {
        let offset = self.effective_offset();
        if offset.abs() > MAX_OFFSET_MINUTES {
            return Err(TimestampError::OutOfRange);
        }
        let t = self.build(unix_seconds, nanos);
        let local = t.unix_seconds.checked_add(i64::from(offset) * 60);
        match local.map(|l| civil_from_days(l.div_euclid(86_400)).0) {
            Some(0..=9999) => Ok(t),
            _ => Err(TimestampError::OutOfRange),
        }
    }

    /// The current time in this profile (system clock).
    pub fn now(&self) -> SnapTimestamp {
        let (secs, nanos) = match SystemTime::now().duration_since(UNIX_EPOCH) {
            Ok(d) => (
                i64::try_from(d.as_secs()).unwrap_or(i64::MAX / 4),
                d.subsec_nanos(),
            ),
            Err(e) => {
                // Clock before 1970: negative instant.
                let d = e.duration();
                let secs = -i64::try_from(d.as_secs()).unwrap_or(i64::MAX / 4);
                if d.subsec_nanos() == 0 {
                    (secs, 0)
                } else {
                    (secs - 1, 1_000_000_000 - d.subsec_nanos())
                }
            }
        };
        self.build(secs, nanos)
    }

    fn effective_offset(&self) -> i32 {
        if self.utc_z { 0 } else { self.offset_minutes }
    }

    /// Total: builds the text and the matching instant (the instant is the
    /// one the text names, i.e. after truncating the fraction).
    fn build(&self, unix_seconds: i64, nanos: u32) -> SnapTimestamp {
        let unix_seconds = unix_seconds.saturating_add(i64::from(nanos / 1_000_000_000));
        let nanos = nanos % 1_000_000_000;
        let nanos = if self.millis {
            nanos / 1_000_000 * 1_000_000
        } else {
            0
        };
        let offset = self.effective_offset();
        let local = unix_seconds.saturating_add(i64::from(offset) * 60);
        let (y, mo, d) = civil_from_days(local.div_euclid(86_400));
        let sod = local.rem_euclid(86_400);
        let (h, mi, s) = (sod / 3600, sod / 60 % 60, sod % 60);
        let mut raw = format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}");
        if self.millis {
            raw.push_str(&format!(".{:03}", nanos / 1_000_000));
        }
        if self.utc_z {
            raw.push('Z');
        } else {
            let sign = if offset < 0 { '-' } else { '+' };
            let a = offset.unsigned_abs();
            raw.push_str(&format!("{sign}{:02}:{:02}", a / 60, a % 60));
        }
        SnapTimestamp {
            raw,
            unix_seconds,
            nanos,
            offset_minutes: offset,
        }
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(y: i32, m: u8, d: u8) -> i64 {
    let y = i64::from(y) - i64::from(m <= 2);
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The proleptic Gregorian date of a day count since 1970-01-01.
fn civil_from_days(z: i64) -> (i32, u8, u8) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    // Callers stay within ±10^9 years of 1970, far inside i32.
    (
        y.clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32,
        m as u8,
        d as u8,
    )
}

/// The Jakarta (UTC+07:00) calendar day `(year, month, day)` of an instant
/// given in seconds since the Unix epoch.
pub fn jakarta_day_of(unix_seconds: i64) -> (i32, u8, u8) {
    let local = unix_seconds.saturating_add(i64::from(JAKARTA_OFFSET_MINUTES) * 60);
    civil_from_days(local.div_euclid(86_400))
}

/// Gregorian leap year.
pub fn is_leap_year(y: i32) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

/// Days in `month` (1-12) of `year`; 0 for a month outside 1-12.
pub fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap_year(year) => 29,
        2 => 28,
        _ => 0,
    }
}

struct Cursor<'a> {
    b: &'a [u8],
    pos: usize,
}

impl Cursor<'_> {
    fn digits(&mut self, n: usize) -> Result<u32, TimestampError> {
        let mut v = 0u32;
        for _ in 0..n {
            match self.b.get(self.pos) {
                Some(c) if c.is_ascii_digit() => {
                    v = v * 10 + u32::from(c - b'0');
                    self.pos += 1;
                }
                _ => {
                    return Err(TimestampError::Format {
                        position: self.pos,
                        expected: "a digit",
                    });
                }
            }
        }
        Ok(v)
    }

    fn lit(&mut self, c: u8, expected: &'static str) -> Result<(), TimestampError> {
        if self.b.get(self.pos) == Some(&c) {
            self.pos += 1;
            Ok(())
        } else {
            Err(TimestampError::Format {
                position: self.pos,
                expected,
            })
        }
    }
}

fn parse(text: &str) -> Result<SnapTimestamp, TimestampError> {
    let mut c = Cursor {
        b: text.as_bytes(),
        pos: 0,
    };
    let year = c.digits(4)? as i32;
    c.lit(b'-', "'-'")?;
    let month = c.digits(2)? as u8;
    c.lit(b'-', "'-'")?;
    let day = c.digits(2)? as u8;
    c.lit(b'T', "'T'")?;
    let hour = c.digits(2)? as u8;
    c.lit(b':', "':'")?;
    let minute = c.digits(2)? as u8;
    c.lit(b':', "':'")?;
    let second = c.digits(2)? as u8;

    let mut nanos = 0u32;
    if c.b.get(c.pos) == Some(&b'.') {
        c.pos += 1;
        let start = c.pos;
        while c.b.get(c.pos).is_some_and(u8::is_ascii_digit) {
            c.pos += 1;
        }
        let n = c.pos - start;
        if n == 0 || n > 9 {
            return Err(TimestampError::FractionLength(n));
        }
        for &d in &c.b[start..c.pos] {
            nanos = nanos * 10 + u32::from(d - b'0');
        }
        nanos *= 10u32.pow((9 - n) as u32);
    }

    let offset_start = c.pos;
    let offset_minutes = match c.b.get(c.pos) {
        None => return Err(TimestampError::MissingOffset),
        Some(b'Z') => {
            c.pos += 1;
            0
        }
        Some(&sign @ (b'+' | b'-')) => {
            c.pos += 1;
            let oh = c.digits(2)? as i32;
            c.lit(b':', "':' in the offset")?;
            let om = c.digits(2)? as i32;
            let total = oh * 60 + om;
            if om >= 60 || total > MAX_OFFSET_MINUTES {
                return Err(TimestampError::Offset(text[offset_start..c.pos].to_owned()));
            }
            if sign == b'-' { -total } else { total }
        }
        Some(_) => {
            return Err(TimestampError::Format {
                position: c.pos,
                expected: "'.', 'Z', '+' or '-'",
            });
        }
    };
    if c.pos != c.b.len() {
        return Err(TimestampError::Trailing(c.pos));
    }

    if !(1..=12).contains(&month) {
        return Err(TimestampError::Month(month));
    }
    if day == 0 || day > days_in_month(year, month) {
        return Err(TimestampError::Day { year, month, day });
    }
    if hour >= 24 {
        return Err(TimestampError::Hour(hour));
    }
    if minute >= 60 {
        return Err(TimestampError::Minute(minute));
    }
    if second >= 60 {
        return Err(TimestampError::Second(second));
    }

    let local = days_from_civil(year, month, day) * 86_400
        + i64::from(hour) * 3600
        + i64::from(minute) * 60
        + i64::from(second);
    Ok(SnapTimestamp {
        raw: text.to_owned(),
        unix_seconds: local - i64::from(offset_minutes) * 60,
        nanos,
        offset_minutes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(s: &str) -> SnapTimestamp {
        SnapTimestamp::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[test]
    fn parses_the_sample_forms() {
        let t = ok("2020-12-17T10:55:00+07:00");
        assert_eq!(t.unix_seconds(), 1_608_177_300);
        assert_eq!(t.subsec_nanos(), 0);
        assert_eq!(t.offset_minutes(), 420);
        assert_eq!(t.as_str(), "2020-12-17T10:55:00+07:00");

        let z = ok("2020-12-17T03:55:00Z");
        assert_eq!(z.unix_seconds(), 1_608_177_300);
        assert_eq!(z.cmp_instant(&t), std::cmp::Ordering::Equal);
        assert_ne!(z, t, "different text, different timestamp");

        let ms = ok("2024-03-05T10:37:16.196Z");
        assert_eq!(ms.subsec_nanos(), 196_000_000);
        let neg = ok("2024-08-20T13:57:59-07:00");
        assert_eq!(neg.offset_minutes(), -420);
        assert_eq!(
            neg.unix_seconds(),
            ok("2024-08-20T20:57:59Z").unix_seconds()
        );
        assert_eq!(ok("1970-01-01T00:00:00Z").unix_seconds(), 0);
        assert_eq!(ok("1969-12-31T23:59:59Z").unix_seconds(), -1);
        assert_eq!(ok("0000-01-01T00:00:00Z").unix_seconds(), -62_167_219_200);
        assert_eq!(ok("9999-12-31T23:59:59Z").unix_seconds(), 253_402_300_799);
    }

    #[test]
    fn fraction_lengths() {
        for (s, n) in [
            ("2024-01-01T00:00:00.1Z", 100_000_000),
            ("2024-01-01T00:00:00.12Z", 120_000_000),
            ("2024-01-01T00:00:00.123+07:00", 123_000_000),
            ("2024-01-01T00:00:00.123456Z", 123_456_000),
            ("2024-01-01T00:00:00.123456789Z", 123_456_789),
            ("2024-01-01T00:00:00.000000001Z", 1),
        ] {
            assert_eq!(ok(s).subsec_nanos(), n, "{s}");
        }
        assert_eq!(
            SnapTimestamp::parse("2024-01-01T00:00:00.Z"),
            Err(TimestampError::FractionLength(0))
        );
        assert_eq!(
            SnapTimestamp::parse("2024-01-01T00:00:00.1234567890Z"),
            Err(TimestampError::FractionLength(10))
        );
    }

    #[test]
    fn leap_years() {
        ok("2024-02-29T00:00:00+07:00");
        ok("2000-02-29T00:00:00+07:00");
        ok("1600-02-29T00:00:00Z");
        for y in ["2023", "1900", "2100"] {
            let s = format!("{y}-02-29T00:00:00+07:00");
            assert!(
                matches!(
                    SnapTimestamp::parse(&s),
                    Err(TimestampError::Day {
                        day: 29,
                        month: 2,
                        ..
                    })
                ),
                "{s}"
            );
        }
        assert!(
            is_leap_year(2024) && is_leap_year(2000) && !is_leap_year(1900) && !is_leap_year(2023)
        );
        // Every day of 400 years round-trips through the day arithmetic.
        for z in days_from_civil(1800, 1, 1)..days_from_civil(2200, 1, 1) {
            let (y, m, d) = civil_from_days(z);
            assert!(d >= 1 && d <= days_in_month(y, m));
            assert_eq!(days_from_civil(y, m, d), z);
        }
    }

    #[test]
    fn calendar_and_clock_rejects() {
        use TimestampError as E;
        let cases: &[(&str, TimestampError)] = &[
            ("2024-13-01T00:00:00Z", E::Month(13)),
            ("2024-00-01T00:00:00Z", E::Month(0)),
            (
                "2024-04-31T00:00:00Z",
                E::Day {
                    year: 2024,
                    month: 4,
                    day: 31,
                },
            ),
            (
                "2024-01-00T00:00:00Z",
                E::Day {
                    year: 2024,
                    month: 1,
                    day: 0,
                },
            ),
            ("2024-01-01T24:00:00Z", E::Hour(24)),
            ("2024-01-01T23:60:00Z", E::Minute(60)),
            ("2024-01-01T23:59:60Z", E::Second(60)),
            ("2020-10-20T17:56:57", E::MissingOffset),
            ("2024-01-01T00:00:00+18:01", E::Offset("+18:01".into())),
            ("2024-01-01T00:00:00+07:60", E::Offset("+07:60".into())),
            ("2024-01-01T00:00:00Zjunk", E::Trailing(20)),
            ("2024-01-01T00:00:00+07:00 ", E::Trailing(25)),
        ];
        for (s, e) in cases {
            assert_eq!(SnapTimestamp::parse(s).as_ref(), Err(e), "{s}");
        }
        ok("2024-01-01T00:00:00+18:00");
        ok("2024-01-01T00:00:00-18:00");
    }

    #[test]
    fn format_rejects() {
        for s in [
            "",
            "2024",
            "2024-01-01",
            "2024-01-01 00:00:00+07:00",
            "2024-01-01t00:00:00Z",
            "2024-01-01T00:00:00z",
            "20201231T235959Z",
            "2024-1-01T00:00:00Z",
            "+2024-01-01T00:00:00Z",
            "2024-01-01T00:00:00+0700",
            "2024-01-01T00:00:00+07",
            "2024-01-01T00:00:00 +07:00",
            "2024-01-01T00:00Z",
        ] {
            assert!(
                matches!(
                    SnapTimestamp::parse(s),
                    Err(TimestampError::Format { .. } | TimestampError::MissingOffset)
                ),
                "{s:?} -> {:?}",
                SnapTimestamp::parse(s)
            );
        }
    }

    #[test]
    fn garbage_never_panics() {
        let mut inputs: Vec<String> = vec![
            "２０２４-01-01T00:00:00Z".into(),
            "2024-01-01T00:00:00+07:0é".into(),
            "2024-01-01T00:00:00.１Z".into(),
            "2024-01-01T00:00:00.😀".into(),
            "😀😀😀😀-01-01T00:00:00Z".into(),
            "\0\0\0\0".into(),
            "9999-99-99T99:99:99.999999999+99:99".into(),
        ];
        // Every prefix of a valid timestamp, and a simple LCG's bytes.
        let full = "2024-02-29T23:59:59.123456789+07:00";
        for i in 0..full.len() {
            inputs.push(full[..i].to_owned());
        }
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        let alphabet: Vec<char> = "0123456789-:T.Z+ é😀".chars().collect();
        for _ in 0..2000 {
            let len = (x % 40) as usize;
            let mut s = String::new();
            for _ in 0..len {
                x = x
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                s.push(alphabet[(x >> 33) as usize % alphabet.len()]);
            }
            inputs.push(s);
        }
        for s in &inputs {
            let _ = SnapTimestamp::parse(s);
        }
        assert!(SnapTimestamp::parse(full).is_ok());
    }

    #[test]
    fn profiles_format() {
        // 2024-03-01T08:27:49.024Z
        let (secs, nanos) = (1_709_281_669, 24_999_999);
        assert_eq!(
            TimestampProfile::jakarta().format(secs, nanos),
            "2024-03-01T15:27:49+07:00"
        );
        assert_eq!(
            TimestampProfile::utc_millis().format(secs, nanos),
            "2024-03-01T08:27:49.024Z"
        );
        let wib_ms = TimestampProfile {
            millis: true,
            ..TimestampProfile::jakarta()
        };
        assert_eq!(wib_ms.format(secs, nanos), "2024-03-01T15:27:49.024+07:00");
        let minus = TimestampProfile {
            offset_minutes: -(5 * 60 + 30),
            millis: false,
            utc_z: false,
        };
        assert_eq!(minus.format(secs, 0), "2024-03-01T02:57:49-05:30");
        let plus0 = TimestampProfile {
            offset_minutes: 0,
            millis: false,
            utc_z: false,
        };
        assert_eq!(plus0.format(0, 0), "1970-01-01T00:00:00+00:00");
        // Jakarta midnight crosses the date.
        assert_eq!(
            TimestampProfile::jakarta().format(1_709_312_400, 0),
            "2024-03-02T00:00:00+07:00"
        );
        assert_eq!(TimestampProfile::default(), TimestampProfile::jakarta());
    }

    #[test]
    fn formatted_text_parses_back_to_the_same_instant() {
        let profiles = [
            TimestampProfile::jakarta(),
            TimestampProfile::utc_millis(),
            TimestampProfile {
                offset_minutes: -600,
                millis: true,
                utc_z: false,
            },
        ];
        let mut secs: i64 = -86_400 * 365 * 3;
        while secs < 4_102_444_800 {
            for p in &profiles {
                let t = p.at(secs, 123_456_789).unwrap();
                let back = ok(t.as_str());
                assert_eq!(back, t);
                assert_eq!(back.unix_seconds(), secs);
            }
            secs += 7_777_777;
        }
        assert_eq!(
            TimestampProfile::jakarta().at(253_402_300_799, 0),
            Err(TimestampError::OutOfRange),
            "10000-01-01 in Jakarta"
        );
        let bad = TimestampProfile {
            offset_minutes: 19 * 60,
            ..TimestampProfile::jakarta()
        };
        assert_eq!(bad.at(0, 0), Err(TimestampError::OutOfRange));
    }

    #[test]
    fn now_is_parseable_in_each_profile() {
        let t = SnapTimestamp::now();
        assert_eq!(t.as_str().len(), 25);
        assert!(t.as_str().ends_with("+07:00"));
        assert_eq!(ok(t.as_str()), t);
        let u = TimestampProfile::utc_millis().now();
        assert_eq!(u.as_str().len(), 24);
        assert_eq!(ok(u.as_str()), u);
    }

    #[test]
    fn jakarta_day_key() {
        // 16:59:59Z is 23:59:59 WIB; 17:00:00Z is the next WIB day.
        assert_eq!(ok("2024-02-29T16:59:59Z").jakarta_day(), (2024, 2, 29));
        assert_eq!(ok("2024-02-29T17:00:00Z").jakarta_day(), (2024, 3, 1));
        assert_eq!(ok("2024-03-01T00:30:00+07:00").day_key(), 20240301);
        assert_eq!(ok("2024-02-29T23:30:00-05:00").day_key(), 20240301);
    }

    #[test]
    fn serde_keeps_the_text() {
        #[derive(Serialize, Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Body {
            void_time: SnapTimestamp,
        }
        let json = r#"{"voidTime":"2024-08-20T13:57:59.5-07:00"}"#;
        let b: Body = serde_json::from_str(json).unwrap();
        assert_eq!(b.void_time.subsec_nanos(), 500_000_000);
        assert_eq!(serde_json::to_string(&b).unwrap(), json);
        let err = serde_json::from_str::<Body>(r#"{"voidTime":"2024-02-30T00:00:00Z"}"#)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("day 30 does not exist"), "{err}");
        assert!(serde_json::from_str::<Body>(r#"{"voidTime":1700000000}"#).is_err());
    }
}
