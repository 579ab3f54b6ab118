//! Halo's date and date-time strings: every known form, and the "no date" sentinels.

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};

/// What a date or date-time string turned out to be.
pub(super) enum Parsed {
    /// Blank: Halo's way of saying "no value" in some places.
    Empty,
    /// A placeholder date meaning "no value".
    Sentinel,
    /// A real value: as written (local) and converted to UTC.
    Value(NaiveDateTime, DateTime<Utc>),
}

/// Parses every timestamp form Halo is known to send; `None` if unreadable.
pub(super) fn parse_datetime(text: &str) -> Option<Parsed> {
    let text = text.trim();
    if text.is_empty() {
        return Some(Parsed::Empty);
    }
    let (local, utc) = if let Ok(dt) = DateTime::parse_from_rfc3339(text) {
        (dt.naive_local(), dt.with_timezone(&Utc))
    } else {
        let local = parse_naive(text)?;
        (local, local.and_utc())
    };
    if is_sentinel(local) {
        Some(Parsed::Sentinel)
    } else {
        Some(Parsed::Value(local, utc))
    }
}

/// Offset-less forms: full timestamps (`T` or space) and plain dates.
fn parse_naive(text: &str) -> Option<NaiveDateTime> {
    const FORMATS: [&str; 4] = [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
    ];
    FORMATS
        .iter()
        .find_map(|format| NaiveDateTime::parse_from_str(text, format).ok())
        .or_else(|| {
            NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .ok()
                .map(|date| date.and_time(NaiveTime::MIN))
        })
}

/// Midnight on 1900-01-01 (Halo's "no date"), 1899-12-30 (the OLE
/// automation zero date, which Halo sends in fields such as `auditdate` and
/// `reviewed_date`) or 0001-01-01 (.NET's minimum).
fn is_sentinel(local: NaiveDateTime) -> bool {
    use chrono::{Datelike, Timelike};
    let midnight = local.hour() == 0 && local.minute() == 0 && local.second() == 0;
    let placeholder_day = matches!(
        (local.year(), local.month(), local.day()),
        (1900 | 1, 1, 1) | (1899, 12, 30)
    );
    midnight && placeholder_day
}
