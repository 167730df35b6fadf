//! Instants relative to a case's run: `{{now}}`, `{{now-7d}}`, `{{now+2h}}`,
//! written as the Call Power API stores timestamps (naive UTC, to the second).
//!
//! Every `{{name}}` whose name starts with `now` is such an expression, never
//! a variable: a malformed one is an error, not a missing setting.

use chrono::{DateTime, Datelike, TimeDelta, Utc};

/// How a resolved instant is written: `2024-03-10T10:34:56`, no fraction and
/// no zone.
pub const FORMAT: &str = "%Y-%m-%dT%H:%M:%S";

/// Why an expression does not parse, as the error of [`offset`] says it.
const SYNTAX: &str = "is not an instant: write now, now-<N><unit> or now+<N><unit>, \
                      N a whole number, the unit one of s, m, h, d and w";

/// Whether `{{name}}` names an instant rather than a variable.
pub fn is_expression(name: &str) -> bool {
    name.starts_with("now")
}

/// How far from the run's instant `expression` is (`now-2h` is minus two
/// hours); the error says what is wrong with it.
pub fn offset(expression: &str) -> Result<TimeDelta, String> {
    let rest = expression.strip_prefix("now").ok_or(SYNTAX)?;
    if rest.is_empty() {
        return Ok(TimeDelta::zero());
    }
    let (negative, amount) = match (rest.strip_prefix('-'), rest.strip_prefix('+')) {
        (Some(amount), _) => (true, amount),
        (_, Some(amount)) => (false, amount),
        _ => return Err(SYNTAX.to_owned()),
    };
    let unit = amount.chars().last().ok_or(SYNTAX)?;
    let digits = &amount[..amount.len() - unit.len_utf8()];
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(SYNTAX.to_owned());
    }
    let seconds_per_unit: i64 = match unit {
        's' => 1,
        'm' => 60,
        'h' => 60 * 60,
        'd' => 24 * 60 * 60,
        'w' => 7 * 24 * 60 * 60,
        _ => return Err(SYNTAX.to_owned()),
    };
    let delta = digits
        .parse::<i64>()
        .ok()
        .and_then(|count| count.checked_mul(seconds_per_unit))
        .and_then(TimeDelta::try_seconds)
        .ok_or("is too far from now")?;
    Ok(if negative { -delta } else { delta })
}

/// The instant `expression` names, `now` being the run's, written as
/// [`FORMAT`] says; the error says what is wrong with it.
pub fn resolve(expression: &str, now: DateTime<Utc>) -> Result<String, String> {
    let instant = now
        .checked_add_signed(offset(expression)?)
        .filter(|instant| (1..=9999).contains(&instant.year()))
        .ok_or("falls outside the years 1 to 9999")?;
    Ok(instant.format(FORMAT).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2024-03-10T00:30:15.75Z: a fraction to drop, a day boundary near.
    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2024-03-10T00:30:15.75Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    fn at(expression: &str) -> Result<String, String> {
        resolve(expression, now())
    }

    #[test]
    fn now_is_written_to_the_second_without_a_zone() {
        assert_eq!(at("now").unwrap(), "2024-03-10T00:30:15");
    }

    #[test]
    fn every_unit_goes_back_and_forward() {
        for (expression, expected) in [
            ("now-5s", "2024-03-10T00:30:10"),
            ("now+45s", "2024-03-10T00:31:00"),
            ("now-31m", "2024-03-09T23:59:15"),
            ("now+30m", "2024-03-10T01:00:15"),
            ("now-2h", "2024-03-09T22:30:15"),
            ("now+24h", "2024-03-11T00:30:15"),
            ("now-10d", "2024-02-29T00:30:15"),
            ("now+1d", "2024-03-11T00:30:15"),
            ("now-1w", "2024-03-03T00:30:15"),
            ("now+4w", "2024-04-07T00:30:15"),
            ("now-0d", "2024-03-10T00:30:15"),
            ("now+007m", "2024-03-10T00:37:15"),
        ] {
            assert_eq!(at(expression).unwrap(), expected, "{expression}");
        }
    }

    #[test]
    fn only_names_starting_with_now_are_expressions() {
        assert!(is_expression("now"));
        assert!(is_expression("now-2h"));
        assert!(is_expression("nowhere"));
        assert!(!is_expression("xivo_username"));
        assert!(!is_expression("Now"));
    }

    #[test]
    fn malformed_expressions_are_refused() {
        for expression in [
            "nowhere", "now-", "now+", "now-h", "now-2", "now-2x", "now-2H", "now2h", "now--2h",
            "now-+2h", "now+-2h", "now- 2h", "now-2 h", "now-2hh", "now-1.5h", "now-٣h", "now-2é",
            "now*2h",
        ] {
            let error = at(expression).unwrap_err();
            assert!(
                error.starts_with("is not an instant"),
                "{expression}: {error}"
            );
        }
    }

    #[test]
    fn offsets_too_large_to_count_are_refused() {
        for expression in [
            "now-999999999999d",
            "now+9223372036854775807s",
            "now-99999999999999999999s",
            "now+15250284452472w",
        ] {
            let error = at(expression).unwrap_err();
            assert!(
                error.starts_with("is too far from now"),
                "{expression}: {error}"
            );
        }
    }

    #[test]
    fn instants_outside_four_digit_years_are_refused() {
        for expression in [
            "now+500000w",
            "now-106000w",
            "now+99999999d",
            "now-99999999999d",
        ] {
            assert_eq!(
                at(expression),
                Err("falls outside the years 1 to 9999".to_owned()),
                "{expression}"
            );
        }
        assert_eq!(at("now+400000w").unwrap(), "9690-04-30T00:30:15");
    }
}
