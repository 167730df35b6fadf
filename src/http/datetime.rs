//! ISO 8601 datetimes as the APIs write and read them: out in UTC with
//! milliseconds and `Z` (`2016-07-18T10:49:18.000Z`, whose text order is
//! time order); in with or without fractional seconds, with `Z`, an offset,
//! or none (read as UTC).

use chrono::{DateTime, NaiveDateTime, SecondsFormat, Utc};

/// `at` as `2016-07-18T10:49:18.000Z`.
pub fn format_millis(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Reads an ISO 8601 datetime (`2016-07-11T00:04:58Z`,
/// `2016-07-11T00:04:58.000Z`, `2016-07-11T02:04:58+02:00`,
/// `2016-07-11T00:04:58`), as UTC. Anything else is `None`.
pub fn parse_iso8601(text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim();
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Some(at.with_timezone(&Utc));
    }
    NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f")
        .ok()
        .map(|naive| naive.and_utc())
}

/// [`parse_iso8601`], written back as [`format_millis`].
pub fn normalize(text: &str) -> Option<String> {
    parse_iso8601(text).map(format_millis)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn with_or_without_milliseconds_zone_or_offset_it_reads_as_utc() {
        for (given, read) in [
            ("2016-07-11T00:04:58Z", "2016-07-11T00:04:58.000Z"),
            ("2016-07-11T00:04:58.5Z", "2016-07-11T00:04:58.500Z"),
            ("2016-07-11T00:04:58.000Z", "2016-07-11T00:04:58.000Z"),
            ("2016-07-11T02:04:58+02:00", "2016-07-11T00:04:58.000Z"),
            ("2016-07-11T00:04:58", "2016-07-11T00:04:58.000Z"),
        ] {
            assert_eq!(normalize(given).as_deref(), Some(read), "{given}");
        }
    }

    #[test]
    fn anything_else_is_refused() {
        for bad in [
            "",
            "yesterday",
            "2016-07-11",
            "2016-13-01T00:00:00Z",
            "1468195498",
            "2016-07-11T25:00:00Z",
        ] {
            assert_eq!(parse_iso8601(bad), None, "{bad}");
        }
    }
}
