//! Request bodies as a map of fields, for APIs that take JSON objects (and,
//! like Express, URL-encoded forms): one reader, so every API treats a
//! missing, malformed or mistyped body the same way.

use http::header::CONTENT_TYPE;
use http::HeaderMap;
use serde_json::{Map, Value};

/// Why a body could not be read as fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BodyError {
    /// A body whose `Content-Type` is neither JSON nor a URL-encoded form.
    UnsupportedMediaType,
    /// A body that says it is JSON but is not a JSON object.
    Malformed(String),
}

impl std::fmt::Display for BodyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::UnsupportedMediaType => f.write_str(
                "Content-Type must be application/json or application/x-www-form-urlencoded",
            ),
            Self::Malformed(why) => write!(f, "The request body is not a JSON object: {why}"),
        }
    }
}

/// The media type of a `Content-Type`, lower-cased, without parameters.
fn media_type(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(CONTENT_TYPE)?.to_str().ok()?;
    Some(
        value
            .split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase(),
    )
}

/// The fields of a request body. An empty body is no fields, whatever its
/// type. A JSON body (`application/json` or `*/*+json`) must be an object; a
/// form (`application/x-www-form-urlencoded`) gives text fields (the last of
/// a repeated name wins). Any other body is [`BodyError::UnsupportedMediaType`].
pub fn fields(headers: &HeaderMap, body: &[u8]) -> Result<Map<String, Value>, BodyError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    match media_type(headers).as_deref() {
        Some(t) if t == "application/json" || t.ends_with("+json") => {
            match serde_json::from_slice::<Value>(body) {
                Ok(Value::Object(fields)) => Ok(fields),
                Ok(_) => Err(BodyError::Malformed("not an object".into())),
                Err(e) => Err(BodyError::Malformed(e.to_string())),
            }
        }
        Some("application/x-www-form-urlencoded") => Ok(form_urlencoded::parse(body)
            .map(|(k, v)| (k.into_owned(), Value::String(v.into_owned())))
            .collect()),
        _ => Err(BodyError::UnsupportedMediaType),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn with_type(content_type: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_TYPE, HeaderValue::from_str(content_type).unwrap());
        headers
    }

    #[test]
    fn an_empty_body_has_no_fields_whatever_its_type() {
        assert_eq!(fields(&HeaderMap::new(), b""), Ok(Map::new()));
        assert_eq!(fields(&with_type("text/plain"), b"  \n"), Ok(Map::new()));
    }

    #[test]
    fn json_and_forms_give_their_fields() {
        let json = fields(&with_type("application/json; charset=utf-8"), br#"{"a":1}"#).unwrap();
        assert_eq!(json["a"], 1);
        let form = fields(
            &with_type("application/x-www-form-urlencoded"),
            b"a=x+y&b=%2F",
        )
        .unwrap();
        assert_eq!(form["a"], "x y");
        assert_eq!(form["b"], "/");
    }

    #[test]
    fn bad_json_and_other_types_are_refused() {
        assert!(matches!(
            fields(&with_type("application/json"), b"{nope"),
            Err(BodyError::Malformed(_))
        ));
        assert!(matches!(
            fields(&with_type("application/json"), b"[1]"),
            Err(BodyError::Malformed(_))
        ));
        assert_eq!(
            fields(&with_type("text/plain"), b"hello"),
            Err(BodyError::UnsupportedMediaType)
        );
        assert_eq!(
            fields(&HeaderMap::new(), b"{}"),
            Err(BodyError::UnsupportedMediaType)
        );
    }
}
