//! Timestamps: milliseconds since the Unix epoch (UTC) in memory, RFC 3339 in files.
//!
//! The library keeps every time as `i64` milliseconds because comparing and sorting them is
//! cheap; files and exports carry RFC 3339 (`2025-02-08T10:15:14.135Z`) so people can read
//! them. Formatting then parsing gives back the same millisecond.

/// Days from 1970-01-01 to the given civil date (proleptic Gregorian; Howard Hinnant's
/// algorithm, exact for every `i64`-sized year we can meet).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date of a day count since 1970-01-01.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    // The casts are in range by construction: day 1..=31, month 1..=12.
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(month <= 2), month, day)
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// The earliest time a file can carry: 0000-01-01T00:00:00.000Z.
pub const MIN_MS: i64 = -62_167_219_200_000;
/// The latest time a file can carry: 9999-12-31T23:59:59.999Z.
pub const MAX_MS: i64 = 253_402_300_799_999;

/// Formats milliseconds since the epoch as RFC 3339 in UTC with milliseconds,
/// e.g. `2025-02-08T10:15:14.135Z`. Times outside years 0–9999 are clamped to them, so
/// [`parse_rfc3339`] can always read the result back.
pub fn format_rfc3339(ms: i64) -> String {
    let ms = ms.clamp(MIN_MS, MAX_MS);
    let days = ms.div_euclid(86_400_000);
    let in_day = ms.rem_euclid(86_400_000);
    let (y, m, d) = civil_from_days(days);
    let (h, min, s, milli) = (in_day / 3_600_000, in_day / 60_000 % 60, in_day / 1000 % 60, in_day % 1000);
    format!("{y:04}-{m:02}-{d:02}T{h:02}:{min:02}:{s:02}.{milli:03}Z")
}

/// The date part (`2025-02-08`) of a time, in UTC.
pub fn format_date(ms: i64) -> String {
    format_rfc3339(ms).chars().take(10).collect()
}

/// Serde helper: a time as RFC 3339.
pub(crate) fn serialize_ms<S: serde::Serializer>(ms: &i64, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&format_rfc3339(*ms))
}

/// Serde helper: an optional time as RFC 3339 (skip `None` with `skip_serializing_if`).
pub(crate) fn serialize_opt_ms<S: serde::Serializer>(ms: &Option<i64>, s: S) -> Result<S::Ok, S::Error> {
    match ms {
        Some(ms) => serialize_ms(ms, s),
        None => s.serialize_none(),
    }
}

/// Parses an RFC 3339 time (`2025-02-08T10:15:14.135Z`, `…+02:00`, any number of fraction
/// digits, no fraction) into milliseconds since the epoch. Digits past milliseconds are
/// dropped. `None` for anything else.
pub fn parse_rfc3339(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    let num = |from: usize, len: usize| -> Option<i64> {
        let digits = b.get(from..from + len)?;
        digits.iter().try_fold(0i64, |acc, &c| c.is_ascii_digit().then(|| acc * 10 + i64::from(c - b'0')))
    };
    let sep = |at: usize, ok: &[u8]| b.get(at).is_some_and(|c| ok.contains(c));
    if !(sep(4, b"-") && sep(7, b"-") && sep(10, b"Tt ") && sep(13, b":") && sep(16, b":")) {
        return None;
    }
    let (year, month, day) = (num(0, 4)?, u32::try_from(num(5, 2)?).ok()?, u32::try_from(num(8, 2)?).ok()?);
    let (hour, minute, second) = (num(11, 2)?, num(14, 2)?, num(17, 2)?);
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
        return None;
    }
    // 60 allows a leap second; it lands on the next second's millisecond.
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let mut at = 19;
    let mut millis = 0;
    if sep(at, b".") {
        at += 1;
        let start = at;
        while b.get(at).is_some_and(u8::is_ascii_digit) {
            at += 1;
        }
        if at == start {
            return None;
        }
        let frac = b.get(start..at.min(start + 3))?;
        millis =
            frac.iter().fold(0, |acc, &c| acc * 10 + i64::from(c - b'0')) * 10_i64.pow(3 - frac.len() as u32);
    }
    let offset_min = match b.get(at..)? {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), _, _, b':', _, _] => {
            let (oh, om) = (num(at + 1, 2)?, num(at + 4, 2)?);
            if oh > 23 || om > 59 {
                return None;
            }
            let off = oh * 60 + om;
            if *sign == b'-' {
                -off
            } else {
                off
            }
        }
        _ => return None,
    };
    let days = days_from_civil(year, month, day);
    let secs = days * 86_400 + hour * 3600 + minute * 60 + second - offset_min * 60;
    Some(secs * 1000 + millis)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_times() {
        assert_eq!(parse_rfc3339("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_rfc3339("2025-02-08T10:15:14.135Z"), Some(1_739_009_714_135));
        assert_eq!(parse_rfc3339("2025-02-08T12:15:14.135+02:00"), Some(1_739_009_714_135));
        assert_eq!(parse_rfc3339("2025-02-08T10:15:14.135999999Z"), Some(1_739_009_714_135));
        assert_eq!(parse_rfc3339("2025-02-08T10:15:14.1Z"), Some(1_739_009_714_100));
        assert_eq!(parse_rfc3339("2024-02-29T00:00:00Z"), Some(1_709_164_800_000));
        assert_eq!(format_rfc3339(1_739_009_714_135), "2025-02-08T10:15:14.135Z");
        assert_eq!(format_rfc3339(-1), "1969-12-31T23:59:59.999Z");
        assert_eq!(format_date(1_739_009_714_135), "2025-02-08");
        assert_eq!(format_rfc3339(i64::MAX), "9999-12-31T23:59:59.999Z");
        assert_eq!(format_rfc3339(i64::MIN), "0000-01-01T00:00:00.000Z");
    }

    #[test]
    fn rejects_what_is_not_a_time() {
        for bad in [
            "",
            "2025-02-08",
            "2025-02-08T10:15:14",
            "2025-13-08T10:15:14Z",
            "2025-02-30T10:15:14Z",
            "2023-02-29T10:15:14Z",
            "2025-02-08T24:00:00Z",
            "2025-02-08T10:15:14.Z",
            "2025-02-08T10:15:14+0200",
            "2025-02-08T10:15:14Zjunk",
            "２０２５-02-08T10:15:14Z",
            "+025-02-08T10:15:14Z",
        ] {
            assert_eq!(parse_rfc3339(bad), None, "{bad}");
        }
    }

    #[test]
    fn format_then_parse_is_exact() {
        for ms in
            [MIN_MS, MAX_MS, 0, 1, 999, 1_739_009_714_135, -86_400_001, 253_402_300_799_999, 951_782_400_000]
        {
            assert_eq!(parse_rfc3339(&format_rfc3339(ms)), Some(ms), "{ms}");
        }
    }
}
