//! XiVO request bodies and ids, read once for every resource: ids in paths,
//! a body's properties in request order, the checks of their values, the
//! dates as XiVO writes them, and the messages they give.
//!
//! The rules: a body that is not one JSON object, or in which a property is
//! given twice, or an id that is not decimal digits up to 2^53 − 1, is 400
//! `["No parsable data in the request"]`; otherwise every message that
//! applies is given at once (see [`Checks`]).

use std::fmt;

use axum::extract::rejection::PathRejection;
use axum::extract::Path;
use chrono::{NaiveDate, NaiveDateTime, Timelike};
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};

use super::XivoError;
use crate::http::parse_json;
use crate::ports::MAX_EXACT_INTEGER;

/// The longest text a property takes, in characters.
pub(super) const MAX_TEXT: usize = 255;

// ---------------------------------------------------------------- messages

/// 400 `["No parsable data in the request"]`: a body that is not one JSON
/// object, or an id that is not one.
pub(super) fn unparsable() -> XivoError {
    XivoError::BadRequest(vec!["No parsable data in the request".into()])
}

/// The document's message for the properties (or query parameters) a
/// resource does not have, in the order given: `Incorrect parameters sent:
/// a, b`.
pub(super) fn incorrect(names: &[String]) -> String {
    format!("Incorrect parameters sent: {}", names.join(", "))
}

// ---------------------------------------------------------------- ids

/// An id as the API takes it: decimal digits, at most 2^53 − 1 (what D1
/// stores exactly). No sign: no object has a negative id.
pub(super) fn parse_id(text: &str) -> Option<i64> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse::<i64>()
        .ok()
        .filter(|id| *id <= MAX_EXACT_INTEGER)
}

/// The id of a URL (`/1.0/users/<id>`, `/1.0/recording_campaigns/<id>`): 400 `["No parsable data in the
/// request"]` unless it is one.
pub(super) fn path_id(path: Result<Path<String>, PathRejection>) -> Result<i64, XivoError> {
    path.ok()
        .and_then(|Path(id)| parse_id(&id))
        .ok_or_else(unparsable)
}

// ---------------------------------------------------------------- dates

/// A date as XiVO writes it, `YYYY-MM-DD HH:MM:SS`, from that form or from
/// `YYYY-MM-DD` (midnight). Anything else (other separators, spaces around,
/// a leap second, a day that does not exist) is `None`.
pub(super) fn read_date(text: &str) -> Option<String> {
    const FULL: &[u8] = b"dddd-dd-dd dd:dd:dd";
    let shape = match text.len() {
        19 => FULL,
        10 => FULL.get(..10)?,
        _ => return None,
    };
    let fits = text.bytes().zip(shape).all(|(byte, &want)| match want {
        b'd' => byte.is_ascii_digit(),
        other => byte == other,
    });
    if !fits {
        return None;
    }
    let at = if text.len() == 10 {
        NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .ok()?
            .and_hms_opt(0, 0, 0)?
    } else {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S").ok()?
    };
    (at.nanosecond() == 0).then(|| format_date(at))
}

/// `at` as XiVO writes (and D1 stores) a date: `YYYY-MM-DD HH:MM:SS`.
pub(super) fn format_date(at: NaiveDateTime) -> String {
    at.format("%Y-%m-%d %H:%M:%S").to_string()
}

// ---------------------------------------------------------------- bodies

/// A property's value as the client sent it: what the checks need, no more.
/// Arrays are skipped, and objects are read one level down at most (users'
/// `line`), as [`Objects`] says.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Sent {
    Null,
    Bool(bool),
    Text(String),
    /// A number without fraction or exponent, within `i64`.
    Integer(i64),
    /// The properties of an object, in order.
    Object(Vec<(String, Sent)>),
    /// Anything else: `1.5`, an integer beyond `i64`, `[...]`, an object
    /// that is not read.
    Other,
}

/// A value read alone (a dataset's property): objects are not read.
impl<'de> Deserialize<'de> for Sent {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        SentSeed { depth: 0 }.deserialize(deserializer)
    }
}

/// A body: one JSON object's properties, in request order. A property given
/// twice (in the body, or in an object it reads) makes it unparsable.
#[derive(Debug)]
pub(super) struct Body(pub Vec<(String, Sent)>);

/// What an empty body (nothing but white space) is: resources differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Empty {
    /// Unparsable, as any body that is not a JSON object (users, voicemails).
    Refused,
    /// A body without properties (recording campaigns, recordings).
    NoProperties,
}

/// Whether a property's object value is read: resources differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Objects {
    /// Read one level down as [`Sent::Object`], a property given twice in it
    /// making the body unparsable (users, voicemails).
    Read,
    /// Skipped as [`Sent::Other`], whatever it holds (recording campaigns,
    /// recordings).
    Skipped,
}

/// Reads a body: 400 `["No parsable data in the request"]` unless it is one
/// JSON object (or, when `empty` says so, nothing but white space).
pub(super) fn read_body(body: &[u8], empty: Empty, objects: Objects) -> Result<Body, XivoError> {
    if empty == Empty::NoProperties && body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Body(Vec::new()));
    }
    let properties = match objects {
        Objects::Read => parse_json::<Properties<1>>(body).map(|p| p.0),
        Objects::Skipped => parse_json::<Properties<0>>(body).map(|p| p.0),
    };
    properties.map(Body).map_err(|_| unparsable())
}

/// One JSON object's properties, each value read `DEPTH` objects deep.
struct Properties<const DEPTH: u8>(Vec<(String, Sent)>);

impl<'de, const DEPTH: u8> Deserialize<'de> for Properties<DEPTH> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ObjectVisitor<const DEPTH: u8>;
        impl<'de, const DEPTH: u8> Visitor<'de> for ObjectVisitor<DEPTH> {
            type Value = Properties<DEPTH>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }

            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                Ok(Properties(properties(map, DEPTH)?))
            }
        }
        deserializer.deserialize_map(ObjectVisitor::<DEPTH>)
    }
}

/// Reads an object's properties, each value `depth` objects deep at most.
fn properties<'de, A: MapAccess<'de>>(
    mut map: A,
    depth: u8,
) -> Result<Vec<(String, Sent)>, A::Error> {
    let mut properties: Vec<(String, Sent)> = Vec::new();
    while let Some(key) = map.next_key::<String>()? {
        if properties.iter().any(|(k, _)| *k == key) {
            return Err(de::Error::custom(format!("{key} is given twice")));
        }
        let value = map.next_value_seed(SentSeed { depth })?;
        properties.push((key, value));
    }
    Ok(properties)
}

/// Reads a [`Sent`]; an object is read if `depth` is not 0.
#[derive(Clone, Copy)]
struct SentSeed {
    depth: u8,
}

impl<'de> DeserializeSeed<'de> for SentSeed {
    type Value = Sent;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Sent, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for SentSeed {
    type Value = Sent;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Sent, E> {
        Ok(Sent::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Sent, E> {
        Ok(Sent::Null)
    }

    fn visit_bool<E: de::Error>(self, value: bool) -> Result<Sent, E> {
        Ok(Sent::Bool(value))
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Sent, E> {
        Ok(Sent::Text(text.to_owned()))
    }

    fn visit_string<E: de::Error>(self, text: String) -> Result<Sent, E> {
        Ok(Sent::Text(text))
    }

    fn visit_i64<E: de::Error>(self, n: i64) -> Result<Sent, E> {
        Ok(Sent::Integer(n))
    }

    fn visit_u64<E: de::Error>(self, n: u64) -> Result<Sent, E> {
        Ok(i64::try_from(n).map_or(Sent::Other, Sent::Integer))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Sent, E> {
        Ok(Sent::Other)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Sent, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Sent::Other)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Sent, A::Error> {
        if self.depth == 0 {
            while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
            return Ok(Sent::Other);
        }
        Ok(Sent::Object(properties(map, self.depth - 1)?))
    }
}

/// `true` or `false`, or the strings `"True"` and `"False"` in any case (as
/// the document writes recording campaigns' `activated`).
pub(super) fn truth(sent: &Sent) -> Option<bool> {
    match sent {
        Sent::Bool(b) => Some(*b),
        Sent::Text(text) if text.eq_ignore_ascii_case("true") => Some(true),
        Sent::Text(text) if text.eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    }
}

// ---------------------------------------------------------------- checks

/// What a body says of a property that may be `null`: `None` when it is
/// absent (or refused), `Some(None)` for no value, `Some(Some(value))`
/// otherwise.
pub(super) type Given<T> = Option<Option<T>>;

/// The message of a date property not `YYYY-MM-DD[ HH:MM:SS]`, given once
/// whatever the number of such dates.
const INVALID_DATE: &str = "invalid_date_format";

/// The checks of a body's properties, made in request order: each returns
/// the value to store, or notes why there is none. The messages: the
/// properties the resource does not have, in one message (the document's,
/// [`incorrect`]), then one `<name> must be <what>` for each value of the
/// wrong kind, then the properties missing, each in request order; then
/// `invalid_date_format` if a date is not one.
#[derive(Debug, Default)]
pub(super) struct Checks {
    unknown: Vec<String>,
    problems: Vec<String>,
    missing: Vec<String>,
    invalid_date: bool,
    /// Every property read, known or not.
    seen: Vec<String>,
}

impl Checks {
    /// Notes that the body has property `key`; its value is `value`, or,
    /// when `None`, not what `expected` says.
    fn checked<T>(&mut self, key: &str, value: Option<T>, expected: &str) -> Option<T> {
        self.seen.push(key.to_owned());
        if value.is_none() {
            self.refuse(key, expected);
        }
        value
    }

    /// Whether the body has property `key`.
    pub fn named(&self, key: &str) -> bool {
        self.seen.iter().any(|k| k == key)
    }

    /// A property the resource does not have.
    pub fn unknown(&mut self, key: String) {
        self.seen.push(key.clone());
        self.unknown.push(key);
    }

    /// A property the resource takes and leaves as it is: a read-only one a
    /// client may send back as it got it.
    pub fn ignore(&mut self, key: &str) {
        self.seen.push(key.to_owned());
    }

    /// A required property the body does not have.
    pub fn missing(&mut self, key: &str) {
        self.missing.push(key.to_owned());
    }

    /// Refuses a value read but that does not fit (an id other than the
    /// URL's): `<key> must be <expected>`.
    pub fn refuse(&mut self, key: &str, expected: &str) {
        self.problems.push(format!("{key} must be {expected}"));
    }

    /// `null` (no value), or what `check` takes.
    pub fn nullable<T>(
        &mut self,
        key: &str,
        sent: Sent,
        check: impl FnOnce(&mut Self, &str, Sent) -> Option<T>,
    ) -> Given<T> {
        if sent == Sent::Null {
            self.seen.push(key.to_owned());
            return Some(None);
        }
        check(self, key, sent).map(Some)
    }

    /// Text of at most [`MAX_TEXT`] characters.
    pub fn text(&mut self, key: &str, sent: Sent) -> Option<String> {
        let value = match sent {
            Sent::Text(text) if text.chars().count() <= MAX_TEXT => Some(text),
            _ => None,
        };
        let expected = format!("a string of at most {MAX_TEXT} characters");
        self.checked(key, value, &expected)
    }

    /// Text that is not blank, of at most [`MAX_TEXT`] characters.
    pub fn name(&mut self, key: &str, sent: Sent) -> Option<String> {
        let value = match sent {
            Sent::Text(text) if !text.trim().is_empty() && text.chars().count() <= MAX_TEXT => {
                Some(text)
            }
            _ => None,
        };
        let expected = format!("a non-blank string of at most {MAX_TEXT} characters");
        self.checked(key, value, &expected)
    }

    /// 0 or 1 (users' and voicemails' flags).
    pub fn flag(&mut self, key: &str, sent: Sent) -> Option<i64> {
        let value = match sent {
            Sent::Integer(flag @ (0 | 1)) => Some(flag),
            _ => None,
        };
        self.checked(key, value, "0 or 1")
    }

    /// [`truth`]: `True` or `False` (recording campaigns' `activated`).
    pub fn boolean(&mut self, key: &str, sent: Sent) -> Option<bool> {
        let value = truth(&sent);
        self.checked(key, value, "True or False")
    }

    /// An id (1 to 2^53 − 1), or `null` for none (users' references).
    pub fn reference(&mut self, key: &str, sent: Sent) -> Given<i64> {
        let value = match sent {
            Sent::Null => Some(None),
            Sent::Integer(id) if (1..=MAX_EXACT_INTEGER).contains(&id) => Some(Some(id)),
            _ => None,
        };
        let expected = format!("null or an integer from 1 to {MAX_EXACT_INTEGER}");
        self.checked(key, value, &expected)
    }

    /// An id, 0 to 2^53 − 1: a JSON integer, or a string of one (`"2"`, as
    /// the document writes them).
    pub fn id(&mut self, key: &str, sent: Sent) -> Option<i64> {
        let value = match sent {
            Sent::Integer(n) if (0..=MAX_EXACT_INTEGER).contains(&n) => Some(n),
            Sent::Text(text) => parse_id(&text),
            _ => None,
        };
        let expected = format!("an integer (or a string of one) from 0 to {MAX_EXACT_INTEGER}");
        self.checked(key, value, &expected)
    }

    /// An [`id`](Self::id), or `null` or `""` for none (recording campaigns'
    /// `queue_id`).
    pub fn id_or_empty(&mut self, key: &str, sent: Sent) -> Given<i64> {
        let value = match sent {
            Sent::Null => Some(None),
            Sent::Text(text) if text.is_empty() => Some(None),
            Sent::Integer(n) if (0..=MAX_EXACT_INTEGER).contains(&n) => Some(Some(n)),
            Sent::Text(text) => parse_id(&text).map(Some),
            _ => None,
        };
        let expected =
            format!("null, \"\" or an integer (or a string of one) from 0 to {MAX_EXACT_INTEGER}");
        self.checked(key, value, &expected)
    }

    /// `line`: `{"number": "<1 to MAX_TEXT characters>"}`, or `null` for none.
    pub fn line(&mut self, sent: Sent) -> Given<String> {
        let value = match sent {
            Sent::Null => Some(None),
            Sent::Object(properties) => match properties.as_slice() {
                [(key, Sent::Text(number))]
                    if key == "number" && (1..=MAX_TEXT).contains(&number.chars().count()) =>
                {
                    Some(Some(number.clone()))
                }
                _ => None,
            },
            _ => None,
        };
        let expected = format!("null or {{\"number\": \"<1 to {MAX_TEXT} characters>\"}}");
        self.checked("line", value, &expected)
    }

    /// A date, stored as `YYYY-MM-DD HH:MM:SS` ([`read_date`]), or `null`
    /// for none. Any other form, or type, is `invalid_date_format` (not a
    /// value of the wrong kind).
    pub fn date(&mut self, key: &str, sent: Sent) -> Given<String> {
        self.seen.push(key.to_owned());
        let value = match sent {
            Sent::Null => Some(None),
            Sent::Text(text) => read_date(&text).map(Some),
            _ => None,
        };
        if value.is_none() {
            self.invalid_date = true;
        }
        value
    }

    /// A body's `id` on a users' or voicemails' `PUT`: the id of the URL, as
    /// a number or a string (the document's examples write ids both ways).
    pub fn same_id(&mut self, sent: &Sent, id: i64) {
        let given = match sent {
            Sent::Integer(given) => Some(*given),
            Sent::Text(given) => parse_id(given),
            _ => None,
        };
        self.checked(
            "id",
            given.filter(|given| *given == id),
            "the id of the URL",
        );
    }

    /// 400 with every message, if there is any.
    pub fn finish(self) -> Result<(), XivoError> {
        let mut messages = Vec::new();
        if !self.unknown.is_empty() {
            messages.push(incorrect(&self.unknown));
        }
        messages.extend(self.problems);
        if !self.missing.is_empty() {
            messages.push(format!(
                "Missing parameters sent: {}",
                self.missing.join(", ")
            ));
        }
        if self.invalid_date {
            messages.push(INVALID_DATE.into());
        }
        if messages.is_empty() {
            Ok(())
        } else {
            Err(XivoError::BadRequest(messages))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn messages(checks: Checks) -> Vec<String> {
        match checks.finish() {
            Err(XivoError::BadRequest(messages)) => messages,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn ids_are_decimal_digits_up_to_2_53() {
        assert_eq!(parse_id("1"), Some(1));
        assert_eq!(parse_id("12"), Some(12));
        assert_eq!(parse_id("007"), Some(7));
        assert_eq!(parse_id("9007199254740991"), Some(MAX_EXACT_INTEGER));
        for bad in [
            "",
            "john",
            "abc",
            "-1",
            "+1",
            " 1",
            "1.0",
            "1.5",
            "1e3",
            "1;DROP",
            "9007199254740992",
            "99999999999999999999",
        ] {
            assert_eq!(parse_id(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn dates_are_read_in_the_two_forms_and_written_in_the_long_one() {
        assert_eq!(
            read_date("2013-01-22 14:53:33").as_deref(),
            Some("2013-01-22 14:53:33")
        );
        assert_eq!(
            read_date("2013-01-22").as_deref(),
            Some("2013-01-22 00:00:00")
        );
        for bad in [
            "",
            "01/02/2013",
            "2013-01-22T14:53:33",
            " 2013-01-22",
            "2013-01-22 14:53",
            "2013-02-30",
            "2013-13-01 00:00:00",
            "2013-01-22 24:00:00",
            "2013-01-22 23:59:60",
            "+013-01-22",
            "2013-01-22 14:53:33.5",
            "２０１３-01-22",
        ] {
            assert_eq!(read_date(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn bodies_keep_the_request_order_and_refuse_repeated_properties() {
        let Body(properties) = read_body(
            br#"{"b": 1, "a": "x", "c": null, "d": [1], "e": {"f": {"g": 1}}, "h": true}"#,
            Empty::Refused,
            Objects::Read,
        )
        .unwrap();
        assert_eq!(
            properties,
            vec![
                ("b".into(), Sent::Integer(1)),
                ("a".into(), Sent::Text("x".into())),
                ("c".into(), Sent::Null),
                ("d".into(), Sent::Other),
                ("e".into(), Sent::Object(vec![("f".into(), Sent::Other)])),
                ("h".into(), Sent::Bool(true)),
            ]
        );
        for bad in [
            &b""[..],
            b"  ",
            b"[]",
            b"null",
            b"{\"a\": 1,",
            br#"{"a": 1, "a": 2}"#,
            br#"{"line": {"number": "1", "number": "2"}}"#,
        ] {
            let read = read_body(bad, Empty::Refused, Objects::Read);
            assert!(read.is_err(), "{}", String::from_utf8_lossy(bad));
        }
    }

    #[test]
    fn an_empty_body_and_objects_are_read_as_the_resource_says() {
        let Body(properties) = read_body(b" \n", Empty::NoProperties, Objects::Skipped).unwrap();
        assert!(properties.is_empty());
        let Body(properties) = read_body(
            br#"{"line": {"number": "1", "number": "2"}}"#,
            Empty::NoProperties,
            Objects::Skipped,
        )
        .unwrap();
        assert_eq!(properties, vec![("line".into(), Sent::Other)]);
        for bad in [&b"[]"[..], br#"{"a": 1, "a": 2}"#] {
            let read = read_body(bad, Empty::NoProperties, Objects::Skipped);
            assert!(read.is_err(), "{}", String::from_utf8_lossy(bad));
        }
    }

    #[test]
    fn checks_name_unknown_then_mistyped_then_missing_then_dates() {
        let Body(properties) = read_body(
            br#"{"zeta": 1, "campaign_name": 5, "start_date": "soon", "alpha": [1],
                 "queue_id": "2", "activated": "FALSE", "id": null}"#,
            Empty::NoProperties,
            Objects::Skipped,
        )
        .unwrap();
        let mut checks = Checks::default();
        for (key, sent) in properties {
            match key.as_str() {
                "campaign_name" => assert_eq!(checks.nullable(&key, sent, Checks::text), None),
                "start_date" => assert_eq!(checks.date(&key, sent), None),
                "queue_id" => assert_eq!(checks.id_or_empty(&key, sent), Some(Some(2))),
                "activated" => assert_eq!(checks.boolean(&key, sent), Some(false)),
                "id" => assert_eq!(checks.nullable(&key, sent, Checks::id), Some(None)),
                _ => checks.unknown(key),
            }
        }
        checks.missing("cid");
        assert!(checks.named("id") && checks.named("zeta") && !checks.named("cid"));
        assert_eq!(
            messages(checks),
            [
                "Incorrect parameters sent: zeta, alpha",
                "campaign_name must be a string of at most 255 characters",
                "Missing parameters sent: cid",
                "invalid_date_format",
            ]
        );
        assert!(Checks::default().finish().is_ok());
    }
}
