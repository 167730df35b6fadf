//! Redaction: placeholders for values that are dynamic by nature, the forms
//! they check, and templates such as `/1.0/users/[id]`.

use serde_json::Value;

/// The form a placeholder stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    Uuid,
    Datetime,
    Date,
    Jwt,
    Id,
    Number,
    String,
    Any,
    /// `https://host:port`, or nothing: a URL's origin, which a server may
    /// give or leave out (an absolute or a relative `Location`).
    Origin,
}

pub const FORMS: [Form; 9] = [
    Form::Uuid,
    Form::Datetime,
    Form::Date,
    Form::Jwt,
    Form::Id,
    Form::Number,
    Form::String,
    Form::Any,
    Form::Origin,
];

impl Form {
    pub fn placeholder(self) -> &'static str {
        match self {
            Self::Uuid => "[uuid]",
            Self::Datetime => "[datetime]",
            Self::Date => "[date]",
            Self::Jwt => "[jwt]",
            Self::Id => "[id]",
            Self::Number => "[number]",
            Self::String => "[string]",
            Self::Any => "[any]",
            Self::Origin => "[origin]",
        }
    }

    pub fn from_placeholder(text: &str) -> Option<Self> {
        FORMS.into_iter().find(|form| form.placeholder() == text)
    }

    /// Whether a JSON value has this form.
    pub fn matches(self, value: &Value) -> bool {
        match (self, value) {
            (Self::Any, _) => true,
            (Self::Number, Value::Number(_)) => true,
            (Self::Number, _) => false,
            (Self::Id, Value::Number(n)) => n.as_u64().is_some_and(|n| n > 0),
            (_, Value::String(s)) => self.matches_text(s),
            _ => false,
        }
    }

    /// Whether a piece of text has this form.
    pub fn matches_text(self, text: &str) -> bool {
        match self {
            Self::Uuid => is_uuid(text),
            Self::Datetime => is_datetime(text),
            Self::Date => {
                chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").is_ok() && text.len() == 10
            }
            Self::Jwt => is_jwt(text),
            Self::Id => {
                !text.is_empty()
                    && text
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            }
            Self::Number => text.parse::<f64>().is_ok_and(f64::is_finite),
            Self::String | Self::Any => true,
            Self::Origin => text.is_empty() || is_origin(text),
        }
    }

    /// Whether nothing at all has this form.
    fn may_be_empty(self) -> bool {
        self == Self::Origin
    }
}

/// `http://` or `https://`, a host, maybe a port, and nothing after.
fn is_origin(text: &str) -> bool {
    let Some(authority) = text
        .strip_prefix("https://")
        .or_else(|| text.strip_prefix("http://"))
    else {
        return false;
    };
    !authority.is_empty()
        && authority
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
}

fn is_uuid(text: &str) -> bool {
    text.len() == 36 && uuid::Uuid::try_parse(text).is_ok()
}

fn is_datetime(text: &str) -> bool {
    if chrono::DateTime::parse_from_rfc3339(text).is_ok() {
        return true;
    }
    [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M",
    ]
    .iter()
    .any(|format| chrono::NaiveDateTime::parse_from_str(text, format).is_ok())
}

fn is_jwt(text: &str) -> bool {
    let parts: Vec<&str> = text.split('.').collect();
    parts.len() == 3
        && text.starts_with("eyJ")
        && parts.iter().take(2).all(|p| !p.is_empty())
        && parts.iter().all(|p| {
            p.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        })
}

/// The placeholder a string gets by default: UUIDs, JWTs and ISO 8601 date
/// times (with a `T`) are dynamic by nature.
pub fn default_placeholder(text: &str) -> Option<&'static str> {
    [Form::Uuid, Form::Jwt, Form::Datetime]
        .into_iter()
        .find(|form| form.matches_text(text))
        .map(Form::placeholder)
}

/// Replaces, everywhere in `value`, the strings that are dynamic by nature.
pub fn redact_defaults(value: &mut Value) {
    match value {
        Value::String(s) => {
            if let Some(placeholder) = default_placeholder(s) {
                *s = placeholder.to_owned();
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact_defaults),
        Value::Object(members) => members.values_mut().for_each(redact_defaults),
        _ => {}
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Text(String),
    Hole(Form),
}

/// A redaction's replacement: one placeholder, or text with placeholders in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    source: String,
    parts: Vec<Part>,
}

impl Template {
    /// Parses a template; it must hold at least one known placeholder.
    pub fn parse(source: &str) -> Result<Self, String> {
        let mut parts = Vec::new();
        let mut text = String::new();
        let mut rest = source;
        while let Some(start) = rest.find('[') {
            let candidate = rest[start..]
                .find(']')
                .map(|end| &rest[start..=start + end]);
            match candidate.and_then(Form::from_placeholder) {
                Some(form) => {
                    text.push_str(&rest[..start]);
                    if !text.is_empty() {
                        parts.push(Part::Text(std::mem::take(&mut text)));
                    }
                    parts.push(Part::Hole(form));
                    rest = &rest[start + candidate.map_or(1, str::len)..];
                }
                None => {
                    text.push_str(&rest[..=start]);
                    rest = &rest[start + 1..];
                }
            }
        }
        text.push_str(rest);
        if !text.is_empty() {
            parts.push(Part::Text(text));
        }
        if !parts.iter().any(|p| matches!(p, Part::Hole(_))) {
            return Err(format!(
                "{source:?} holds no placeholder ({})",
                placeholder_list()
            ));
        }
        Ok(Self {
            source: source.to_owned(),
            parts,
        })
    }

    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// Whether `value` fits: a lone placeholder checks the value's form; a
    /// template with text checks a string piece by piece.
    pub fn matches(&self, value: &Value) -> bool {
        match (self.parts.as_slice(), value) {
            ([Part::Hole(form)], value) => form.matches(value),
            (parts, Value::String(s)) => matches_parts(parts, s),
            _ => false,
        }
    }
}

fn matches_parts(parts: &[Part], text: &str) -> bool {
    match parts.split_first() {
        None => text.is_empty(),
        Some((Part::Text(literal), rest)) => text
            .strip_prefix(literal.as_str())
            .is_some_and(|tail| matches_parts(rest, tail)),
        Some((Part::Hole(form), rest)) => (usize::from(!form.may_be_empty())..=text.len())
            .filter(|&end| text.is_char_boundary(end))
            .any(|end| form.matches_text(&text[..end]) && matches_parts(rest, &text[end..])),
    }
}

pub fn placeholder_list() -> String {
    FORMS.map(Form::placeholder).join(", ")
}

/// Whether a string in an expected value is a placeholder (or a template
/// holding one) that `actual` fits.
pub fn fits_placeholder(expected: &str, actual: &Value) -> Option<bool> {
    if !expected.contains('[') {
        return None;
    }
    Template::parse(expected).ok().map(|t| t.matches(actual))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn forms_accept_their_values_and_refuse_others() {
        assert!(Form::Uuid.matches(&json!("0b6c1f53-8a5d-4f65-9d0e-6a0f3f4c2b1a")));
        assert!(!Form::Uuid.matches(&json!("0b6c1f538a5d4f659d0e6a0f3f4c2b1a")));
        assert!(Form::Datetime.matches(&json!("2016-07-18T10:49:18.000Z")));
        assert!(Form::Datetime.matches(&json!("2016-07-18T10:49:18")));
        assert!(!Form::Datetime.matches(&json!("2016-07-18 10:49:18")));
        assert!(Form::Date.matches(&json!("2016-07-18")));
        assert!(Form::Jwt.matches(&json!("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.sig-_x")));
        assert!(!Form::Jwt.matches(&json!("eyJ.only-two")));
        assert!(Form::Id.matches(&json!(12)) && Form::Id.matches(&json!("a-1_b")));
        assert!(!Form::Id.matches(&json!(0)) && !Form::Id.matches(&json!("")));
        assert!(!Form::Id.matches(&json!("has space")));
        assert!(Form::Number.matches(&json!(1.5)) && !Form::Number.matches(&json!("1.5")));
    }

    #[test]
    fn defaults_replace_only_dynamic_strings() {
        let mut value = json!({
            "id": "0b6c1f53-8a5d-4f65-9d0e-6a0f3f4c2b1a",
            "at": ["2016-07-18T10:49:18.000Z", "2013-01-22 14:53:33"],
            "name": "Chuck", "n": 3
        });
        redact_defaults(&mut value);
        assert_eq!(
            value,
            json!({"id": "[uuid]", "at": ["[datetime]", "2013-01-22 14:53:33"], "name": "Chuck", "n": 3})
        );
    }

    #[test]
    fn an_origin_may_be_given_or_left_out() {
        let location = Template::parse("[origin]/1.0/users/[id]").unwrap();
        for fits in [
            "/1.0/users/38",
            "https://xivoserver:50051/1.0/users/38",
            "http://127.0.0.1:8787/1.0/users/38",
        ] {
            assert!(location.matches(&json!(fits)), "{fits}");
        }
        for misfit in [
            "ftp://x/1.0/users/38",
            "https:///1.0/users/38",
            "1.0/users/38",
            "/1.0/users/",
        ] {
            assert!(!location.matches(&json!(misfit)), "{misfit}");
        }
    }

    #[test]
    fn templates_check_text_around_placeholders() {
        let template = Template::parse("/1.0/users/[id]").unwrap();
        assert!(template.matches(&json!("/1.0/users/42")));
        assert!(!template.matches(&json!("/1.0/voicemails/42")));
        assert!(!template.matches(&json!("/1.0/users/")));
        let two = Template::parse("[id]:[id]").unwrap();
        assert!(two.matches(&json!("key:abc")));
        assert!(Template::parse("no placeholder").is_err());
        assert!(Template::parse("[unknown]").is_err());
        assert!(Template::parse("a[b[id]").unwrap().matches(&json!("a[b7")));
    }
}
