//! Request bodies read straight into each route's typed struct, for APIs that
//! take JSON objects (and, like Express, URL-encoded forms): one reader, so
//! every API treats a missing, malformed or mistyped body the same way, and no
//! body is ever built into a tree of values first.

use std::fmt;

use http::header::CONTENT_TYPE;
use http::HeaderMap;
use serde::de::{self, DeserializeOwned, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};

/// Why a body could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BodyError {
    /// A body whose `Content-Type` is neither JSON nor a URL-encoded form.
    UnsupportedMediaType,
    /// A body that says it is JSON but does not read as one object of the
    /// route's fields.
    Malformed(String),
    /// A body that says it is a form but does not read as the route's
    /// fields (a field given twice, bytes that are not UTF-8).
    MalformedForm(String),
}

impl fmt::Display for BodyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UnsupportedMediaType => f.write_str(
                "Content-Type must be application/json or application/x-www-form-urlencoded",
            ),
            Self::Malformed(why) => write!(f, "The request body is not a JSON object: {why}"),
            Self::MalformedForm(why) => write!(f, "The request body is not a readable form: {why}"),
        }
    }
}

/// The media type of a header value (`Content-Type`, an `Accept` entry),
/// lower-cased, without its parameters.
pub fn media_type(value: &str) -> String {
    value
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

/// The media type of the request's `Content-Type`, if it has a readable one.
pub fn content_type(headers: &HeaderMap) -> Option<String> {
    Some(media_type(headers.get(CONTENT_TYPE)?.to_str().ok()?))
}

/// Reads a body into `T`, a struct whose fields all have defaults (so that a
/// missing field is the route's to report, in its own words). An empty body
/// is no fields, whatever its type. A JSON body (`application/json` or
/// `*/*+json`) must be one object; a form (`application/x-www-form-urlencoded`)
/// gives text fields. A field given twice is malformed, in either. Unknown
/// fields are skipped without being kept. Any other body is
/// [`BodyError::UnsupportedMediaType`].
pub fn parse<T: DeserializeOwned + Default>(
    headers: &HeaderMap,
    body: &[u8],
) -> Result<T, BodyError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    match content_type(headers).as_deref() {
        Some(t) if t == "application/json" || t.ends_with("+json") => parse_json(body),
        Some("application/x-www-form-urlencoded") => {
            serde_urlencoded::from_bytes(body).map_err(|e| BodyError::MalformedForm(e.to_string()))
        }
        _ => Err(BodyError::UnsupportedMediaType),
    }
}

/// Reads a JSON body, whatever its declared type, into `T`: it must be one
/// object (a struct would also read from an array, by position, so anything
/// else is refused before serde sees it).
pub fn parse_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, BodyError> {
    if body.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return Err(BodyError::Malformed("not an object".into()));
    }
    serde_json::from_slice(body).map_err(|e| BodyError::Malformed(e.to_string()))
}

/// A field meant to be text, as the client sent it: absent (or `null`), text,
/// or something else, which is skipped without being kept. Validation (as
/// class-validator words it) is then the route's.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum TextField {
    #[default]
    Missing,
    Text(String),
    NotText,
}

impl<'de> Deserialize<'de> for TextField {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(TextVisitor)
    }
}

struct TextVisitor;

impl<'de> Visitor<'de> for TextVisitor {
    type Value = TextField;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<TextField, E> {
        Ok(TextField::Text(text.to_owned()))
    }

    fn visit_string<E: de::Error>(self, text: String) -> Result<TextField, E> {
        Ok(TextField::Text(text))
    }

    fn visit_unit<E: de::Error>(self) -> Result<TextField, E> {
        Ok(TextField::Missing)
    }

    fn visit_none<E: de::Error>(self) -> Result<TextField, E> {
        Ok(TextField::Missing)
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<TextField, E> {
        Ok(TextField::NotText)
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<TextField, E> {
        Ok(TextField::NotText)
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<TextField, E> {
        Ok(TextField::NotText)
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<TextField, E> {
        Ok(TextField::NotText)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<TextField, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(TextField::NotText)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<TextField, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(TextField::NotText)
    }
}

/// A field meant to be a number, as the client sent it: absent (or `null`),
/// a JSON number, or something else (skipped without being kept).
#[derive(Debug, Clone, Default, PartialEq)]
pub enum NumberField {
    #[default]
    Missing,
    Number(serde_json::Number),
    NotNumber,
}

impl NumberField {
    /// The number as an integer, if it is one exactly.
    pub fn integer(&self) -> Option<i64> {
        match self {
            Self::Number(n) => n.as_i64(),
            _ => None,
        }
    }
}

impl<'de> Deserialize<'de> for NumberField {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(NumberVisitor)
    }
}

struct NumberVisitor;

impl<'de> Visitor<'de> for NumberVisitor {
    type Value = NumberField;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_i64<E: de::Error>(self, n: i64) -> Result<NumberField, E> {
        Ok(NumberField::Number(n.into()))
    }

    fn visit_u64<E: de::Error>(self, n: u64) -> Result<NumberField, E> {
        Ok(NumberField::Number(n.into()))
    }

    fn visit_f64<E: de::Error>(self, n: f64) -> Result<NumberField, E> {
        Ok(serde_json::Number::from_f64(n).map_or(NumberField::NotNumber, NumberField::Number))
    }

    fn visit_unit<E: de::Error>(self) -> Result<NumberField, E> {
        Ok(NumberField::Missing)
    }

    fn visit_none<E: de::Error>(self) -> Result<NumberField, E> {
        Ok(NumberField::Missing)
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<NumberField, E> {
        Ok(NumberField::NotNumber)
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<NumberField, E> {
        Ok(NumberField::NotNumber)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<NumberField, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(NumberField::NotNumber)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<NumberField, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(NumberField::NotNumber)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    #[derive(Debug, Default, PartialEq, Deserialize)]
    #[serde(default)]
    struct Fields {
        a: TextField,
        b: TextField,
    }

    fn with_type(content_type: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_TYPE, HeaderValue::from_str(content_type).unwrap());
        headers
    }

    fn text(value: &str) -> TextField {
        TextField::Text(value.into())
    }

    #[test]
    fn an_empty_body_has_no_fields_whatever_its_type() {
        assert_eq!(
            parse::<Fields>(&HeaderMap::new(), b""),
            Ok(Fields::default())
        );
        assert_eq!(
            parse::<Fields>(&with_type("text/plain"), b"  \n"),
            Ok(Fields::default())
        );
    }

    #[test]
    fn json_and_forms_give_their_fields() {
        let json: Fields = parse(
            &with_type("application/json; charset=utf-8"),
            br#"{"a":"x","c":[1]}"#,
        )
        .unwrap();
        assert_eq!(
            json,
            Fields {
                a: text("x"),
                b: TextField::Missing
            }
        );
        let form: Fields = parse(
            &with_type("application/x-www-form-urlencoded"),
            b"a=x+y&b=%2F",
        )
        .unwrap();
        assert_eq!(
            form,
            Fields {
                a: text("x y"),
                b: text("/")
            }
        );
    }

    #[test]
    fn values_of_other_types_are_not_text_and_null_is_missing() {
        let fields: Fields = parse(
            &with_type("application/vnd.api+json"),
            br#"{"a": {"deep": [[[{"x": 1}]]]}, "b": null}"#,
        )
        .unwrap();
        assert_eq!(
            fields,
            Fields {
                a: TextField::NotText,
                b: TextField::Missing
            }
        );
        for value in ["1", "1.5", "true", "[\"x\"]"] {
            let body = format!(r#"{{"a": {value}}}"#);
            let fields: Fields = parse(&with_type("application/json"), body.as_bytes()).unwrap();
            assert_eq!(fields.a, TextField::NotText, "{value}");
        }
    }

    #[test]
    fn numbers_are_kept_and_anything_else_is_not_a_number() {
        #[derive(Debug, Default, Deserialize)]
        #[serde(default)]
        struct Amounts {
            a: NumberField,
            b: NumberField,
            c: NumberField,
        }
        let read: Amounts = parse(
            &with_type("application/json"),
            br#"{"a": 12, "b": 2.5, "c": "3"}"#,
        )
        .unwrap();
        assert_eq!(read.a.integer(), Some(12));
        assert_eq!(read.b.integer(), None);
        assert!(matches!(read.b, NumberField::Number(_)));
        assert_eq!(read.c, NumberField::NotNumber);
    }

    #[test]
    fn bad_json_repeated_fields_and_other_types_are_refused() {
        for body in [
            &b"{nope"[..],
            b"[\"x\", \"y\"]",
            b"\"x\"",
            br#"{"a":"x","a":"y"}"#,
        ] {
            assert!(
                matches!(
                    parse::<Fields>(&with_type("application/json"), body),
                    Err(BodyError::Malformed(_))
                ),
                "{}",
                String::from_utf8_lossy(body)
            );
        }
        assert!(matches!(
            parse::<Fields>(&with_type("application/x-www-form-urlencoded"), b"a=1&a=2"),
            Err(BodyError::MalformedForm(_))
        ));
        assert_eq!(
            parse::<Fields>(&with_type("text/plain"), b"hello"),
            Err(BodyError::UnsupportedMediaType)
        );
        assert_eq!(
            parse::<Fields>(&HeaderMap::new(), b"{}"),
            Err(BodyError::UnsupportedMediaType)
        );
    }
}
