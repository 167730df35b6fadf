//! Times as Call Power reads them (`start`, `end` and a search's datetimes: an
//! ISO 8601 date or datetime, with or without a zone) and stores them (naive
//! UTC, `YYYY-MM-DDTHH:MM:SS`, the original's form), and the statistics'
//! periods and timespans with the original's messages.

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, Utc};

use super::CallPowerError;

/// One instant, in UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Instant(NaiveDateTime);

impl Instant {
    pub fn from_utc(at: DateTime<Utc>) -> Self {
        Self(at.naive_utc())
    }

    /// As stored: `2024-03-01T14:05:00`, with a fraction only when there is one.
    pub fn stored(&self) -> String {
        if self.0.and_utc().timestamp_subsec_nanos() == 0 {
            self.0.format("%Y-%m-%dT%H:%M:%S").to_string()
        } else {
            self.0.format("%Y-%m-%dT%H:%M:%S%.f").to_string()
        }
    }

    pub fn plus(self, duration: Duration) -> Option<Self> {
        self.0.checked_add_signed(duration).map(Self)
    }
}

/// Reads `2024-03-01`, `2024-03-01T14:05`, `2024-03-01T14:05:00`, with a
/// fraction of a second, a space for the `T`, and `Z` or an offset (turned
/// into UTC). Anything else is `None`.
pub fn parse(text: &str) -> Option<Instant> {
    let text = text.trim();
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Some(Instant(at.naive_utc()));
    }
    for format in [
        "%Y-%m-%dT%H:%M:%S%.f%:z",
        "%Y-%m-%d %H:%M:%S%.f%:z",
        "%Y-%m-%dT%H:%M%:z",
    ] {
        if let Ok(at) = DateTime::parse_from_str(text, format) {
            return Some(Instant(at.naive_utc()));
        }
    }
    let naive = text.strip_suffix('Z').unwrap_or(text);
    for format in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(at) = NaiveDateTime::parse_from_str(naive, format) {
            return Some(Instant(at));
        }
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .and_then(|date| date.and_hms_opt(0, 0, 0))
        .map(Instant)
}

/// The calls a statistic covers: at or after `start`, at or before `end`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Period {
    pub start: Option<Instant>,
    pub end: Option<Instant>,
}

impl Period {
    /// Reads `start` and `end` (empty means absent, as the original's
    /// `if start:`): an `end` equal to `start` means one day from `start`.
    pub fn read(start: Option<&str>, end: Option<&str>) -> Result<Self, CallPowerError> {
        let read = |value: Option<&str>, name: &str| match value.filter(|v| !v.is_empty()) {
            None => Ok(None),
            Some(value) => parse(value).map(Some).ok_or_else(|| {
                CallPowerError::BadRequest(format!("{name} should be in isostring format"))
            }),
        };
        let start = read(start, "start")?;
        let mut end = read(end, "end")?;
        if let (Some(start), Some(until)) = (start, end) {
            if until < start {
                return Err(CallPowerError::BadRequest(
                    "end should be after start".into(),
                ));
            }
            if until == start {
                end = start.plus(Duration::days(1));
            }
        }
        Ok(Self { start, end })
    }

    /// The period's conditions on `column` (each ` AND ...`) and their values.
    pub fn conditions(&self, column: &str) -> (String, Vec<String>) {
        let mut sql = String::new();
        let mut binds = Vec::new();
        if let Some(start) = self.start {
            sql.push_str(&format!(" AND {column} >= ?"));
            binds.push(start.stored());
        }
        if let Some(end) = self.end {
            sql.push_str(&format!(" AND {column} <= ?"));
            binds.push(end.stored());
        }
        (sql, binds)
    }
}

/// The buckets of `date_calls.json`: SQLite `strftime` formats, the
/// original's.
pub const TIMESPANS: [(&str, &str); 5] = [
    ("minute", "%Y-%m-%d %H:%M"),
    ("hour", "%Y-%m-%d %H:00"),
    ("day", "%Y-%m-%d"),
    ("month", "%Y-%m"),
    ("year", "%Y"),
];

/// The format of `timespan` (`day` when absent).
pub fn timespan(given: Option<&str>) -> Result<&'static str, CallPowerError> {
    let given = given.unwrap_or("day");
    TIMESPANS
        .iter()
        .find(|(name, _)| *name == given)
        .map(|(_, format)| *format)
        .ok_or_else(|| {
            let names: Vec<&str> = TIMESPANS.iter().map(|(name, _)| *name).collect();
            CallPowerError::BadRequest(format!("timespan should be one of {}", names.join(",")))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_datetimes_in_every_iso_form_read_as_utc() {
        for (given, stored) in [
            ("2024-03-01", "2024-03-01T00:00:00"),
            ("2024-03-01T14:05", "2024-03-01T14:05:00"),
            ("2024-03-01 14:05:00", "2024-03-01T14:05:00"),
            ("2024-03-01T14:05:00Z", "2024-03-01T14:05:00"),
            ("2024-03-01T16:05:00+02:00", "2024-03-01T14:05:00"),
            ("2024-03-01T14:05:00.5", "2024-03-01T14:05:00.500"),
        ] {
            assert_eq!(
                parse(given).map(|i| i.stored()).as_deref(),
                Some(stored),
                "{given}"
            );
        }
        for bad in [
            "",
            "yesterday",
            "2024-13-01",
            "2024-03-01T25:00",
            "1709301900",
            "2024-03-01x",
        ] {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }
}
