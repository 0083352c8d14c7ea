//! Normalization of exported values into the model's forms: dates, ids,
//! numbers, comment statuses. Each function says what it does with a value
//! it cannot use; callers turn `Err` into a warning, never a guess.

use chrono::NaiveDateTime;

/// A value that cannot be read as what it should be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Invalid;

/// The wall-clock formats WordPress has written for `post_date` and friends.
const DATE_FORMATS: [&str; 3] = ["%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"];

/// Parses a WordPress date. `Ok(None)` for an empty value or the zero date
/// `0000-00-00 00:00:00` (drafts); `Err` for anything unparseable, and for
/// a year outside 1–9999 (WordPress's MySQL `DATETIME` cannot hold one, and
/// neither can PostgreSQL's year 0 or a five-digit year in MariaDB).
pub(crate) fn parse_date(s: &str) -> Result<Option<NaiveDateTime>, Invalid> {
    use chrono::Datelike;
    let s = s.trim();
    if s.is_empty() || s.starts_with("0000-00-00") {
        return Ok(None);
    }
    let parsed = parse_date_fast(s.as_bytes()).or_else(|| {
        DATE_FORMATS
            .iter()
            .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
    });
    match parsed {
        Some(d) if (1..=9999).contains(&d.year()) => Ok(Some(d)),
        _ => Err(Invalid),
    }
}

/// `YYYY-MM-DD HH:MM:SS`, the form every WordPress writes, without
/// chrono's format machinery (dates are in every item and comment).
fn parse_date_fast(b: &[u8]) -> Option<NaiveDateTime> {
    if b.len() != 19
        || b[4] != b'-'
        || b[7] != b'-'
        || (b[10] != b' ' && b[10] != b'T')
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        b[r].iter()
            .try_fold(0u32, |n, &c| c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0')))
    };
    let date = chrono::NaiveDate::from_ymd_opt(num(0..4)? as i32, num(5..7)?, num(8..10)?)?;
    date.and_hms_opt(num(11..13)?, num(14..16)?, num(17..19)?)
}

/// Site-local form: `YYYY-MM-DDTHH:MM:SS`.
pub(crate) fn local_form(d: NaiveDateTime) -> String {
    form(d, "")
}

/// UTC form: `YYYY-MM-DDTHH:MM:SSZ`.
pub(crate) fn utc_form(d: NaiveDateTime) -> String {
    form(d, "Z")
}

/// Formats digit by digit: `format!` costs more than the parse, and every
/// item and comment has two dates.
fn form(d: NaiveDateTime, suffix: &str) -> String {
    use chrono::{Datelike, Timelike};
    let year = d.year();
    if !(0..=9999).contains(&year) {
        return format!("{}{suffix}", d.format("%Y-%m-%dT%H:%M:%S"));
    }
    let mut s = String::with_capacity(20);
    let mut push = |n: u32, width: u32, sep: Option<char>| {
        for i in (0..width).rev() {
            s.push(char::from(b'0' + ((n / 10u32.pow(i)) % 10) as u8));
        }
        if let Some(c) = sep {
            s.push(c);
        }
    };
    push(year as u32, 4, Some('-'));
    push(d.month(), 2, Some('-'));
    push(d.day(), 2, Some('T'));
    push(d.hour(), 2, Some(':'));
    push(d.minute(), 2, Some(':'));
    push(d.second(), 2, None);
    s.push_str(suffix);
    s
}

/// Parses an integer. `Ok(None)` for an empty value; `Err` when not a number.
pub(crate) fn parse_int(s: &str) -> Result<Option<i64>, Invalid> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    s.parse::<i64>().map(Some).map_err(|_| Invalid)
}

/// An id: like [`parse_int`], and `0` (WordPress's "none") becomes `None`.
pub(crate) fn parse_id(s: &str) -> Result<Option<i64>, Invalid> {
    parse_int(s).map(|v| v.filter(|&n| n != 0))
}

/// `wp:comment_approved` in words.
pub(crate) fn comment_status(s: &str) -> String {
    match s.trim() {
        "1" | "approve" | "approved" => "approved".to_string(),
        "0" | "hold" | "" => "pending".to_string(),
        other => other.to_string(),
    }
}

/// A trimmed value, `None` when empty.
pub(crate) fn non_empty(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

/// A value kept exactly as exported, `None` when it is empty.
pub(crate) fn exact(s: String) -> Option<String> {
    (!s.is_empty()).then_some(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        let d = parse_date("2010-02-01 10:23:45").unwrap().unwrap();
        assert_eq!(local_form(d), "2010-02-01T10:23:45");
        assert_eq!(utc_form(d), "2010-02-01T10:23:45Z");
        assert_eq!(parse_date("0000-00-00 00:00:00"), Ok(None));
        assert_eq!(parse_date(""), Ok(None));
        assert!(parse_date("2010-02-30 10:00:00").is_err());
        assert!(parse_date("yesterday").is_err());
        assert!(parse_date("2010-02-01").is_err());
        assert!(parse_date("2010-02-01 10:23").unwrap().is_some());
        let d = parse_date("0999-01-09 03:04:05").unwrap().unwrap();
        assert_eq!(utc_form(d), "0999-01-09T03:04:05Z");
    }

    #[test]
    fn years_a_database_cannot_hold_are_invalid() {
        for bad in ["0000-01-01 10:00:00", "+10000-01-01 00:00:00", "-0001-01-01 00:00:00"] {
            assert_eq!(parse_date(bad), Err(Invalid), "{bad}");
        }
        let first = parse_date("0001-01-01 00:00:00").unwrap().unwrap();
        assert_eq!(local_form(first), "0001-01-01T00:00:00");
        assert!(parse_date("9999-12-31 23:59:59").unwrap().is_some());
    }

    #[test]
    fn ids_and_statuses() {
        assert_eq!(parse_id("0"), Ok(None));
        assert_eq!(parse_id(" 42 "), Ok(Some(42)));
        assert_eq!(parse_id("x"), Err(Invalid));
        assert_eq!(parse_int("0"), Ok(Some(0)));
        assert_eq!(comment_status("1"), "approved");
        assert_eq!(comment_status("0"), "pending");
        assert_eq!(comment_status("spam"), "spam");
        assert_eq!(comment_status("post-trashed"), "post-trashed");
    }
}
