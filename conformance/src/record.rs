//! The record of a step: the status, the kept headers and the body of its
//! answer, redacted, and the snapshot text of a case's records.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::model::Step;
use crate::problem::Problem;
use crate::redact::{self, Template};

/// An answer as it came over the wire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawResponse {
    pub status: u16,
    /// Names in lower case, in the order received.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl RawResponse {
    /// A header map as the record keeps it: names in lower case, in order,
    /// values read as text whatever their bytes.
    pub fn header_pairs(headers: &http::HeaderMap) -> Vec<(String, String)> {
        headers
            .iter()
            .map(|(name, value)| {
                (
                    name.as_str().to_owned(),
                    String::from_utf8_lossy(value.as_bytes()).into_owned(),
                )
            })
            .collect()
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Every value of the header `name`, in the order received.
    pub fn headers_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.headers
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body as JSON, if it is JSON.
    pub fn json(&self) -> Option<Value> {
        serde_json::from_slice(&self.body).ok()
    }
}

/// What is kept of one step's answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// The step's method and path as the case writes them (variables unreplaced).
    pub request: String,
    pub status: u16,
    pub headers: BTreeMap<String, String>,
    pub body: Value,
}

impl Record {
    /// Replaces each of `hidden`'s values by what reports show instead, in
    /// the kept headers and the body's strings.
    pub fn hide(&mut self, hidden: &[(String, String)]) {
        let hide = |text: &str| crate::problem::hide(text, hidden);
        for value in self.headers.values_mut() {
            *value = hide(value);
        }
        crate::problem::map_value(&mut self.body, &hide);
    }
}

fn says_json(content_type: Option<&str>) -> bool {
    content_type.is_some_and(|ct| {
        let media = ct
            .split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        media == "application/json" || media.ends_with("+json")
    })
}

impl Record {
    /// Records `response` for `step` (the `number`th, from 1) and redacts it.
    /// Returns the problems found on the way: malformed JSON, redacted values
    /// of the wrong form.
    pub fn of(step: &Step, number: usize, response: &RawResponse) -> (Self, Vec<Problem>) {
        let mut problems = Vec::new();
        let text = String::from_utf8_lossy(&response.body).into_owned();
        let body = if text.is_empty() {
            Value::Null
        } else {
            match serde_json::from_str::<Value>(&text) {
                Ok(value) => value,
                Err(error) => {
                    if says_json(response.header("content-type")) {
                        problems.push(Problem::MalformedJson {
                            step: number,
                            error: error.to_string(),
                        });
                    }
                    Value::String(text)
                }
            }
        };
        let headers = step
            .headers_kept
            .iter()
            .filter_map(|name| {
                // A header sent several times is kept as one, its values
                // joined by ", " (RFC 9110's combination).
                let name = name.to_ascii_lowercase();
                let values: Vec<String> =
                    response.headers_named(&name).map(str::to_owned).collect();
                (!values.is_empty()).then(|| (name, values.join(", ")))
            })
            .collect();
        let mut record = Self {
            request: format!("{} {}", step.method, step.path),
            status: response.status,
            headers,
            body,
        };
        problems.extend(record.redact(step, number));
        (record, problems)
    }

    /// Applies the step's redactions by location, then the defaults.
    fn redact(&mut self, step: &Step, number: usize) -> Vec<Problem> {
        let mut problems = Vec::new();
        for (location, template) in &step.redact {
            // The loader has checked every template.
            let Ok(template) = Template::parse(template) else {
                continue;
            };
            let mut check = |label: String, value: &mut Value| {
                if template.matches(value) {
                    *value = Value::String(template.as_str().to_owned());
                } else {
                    problems.push(Problem::Form {
                        step: number,
                        location: label,
                        placeholder: template.as_str().to_owned(),
                        value: value.clone(),
                    });
                }
            };
            if let Some(header) = location.strip_prefix("header:") {
                let header = header.to_ascii_lowercase();
                if let Some(text) = self.headers.get_mut(&header) {
                    let mut value = Value::String(std::mem::take(text));
                    check(format!("header {header}"), &mut value);
                    *text = value.as_str().unwrap_or_default().to_owned();
                }
            } else {
                for pointer in expand(&self.body, location) {
                    if let Some(value) = self.body.pointer_mut(&pointer) {
                        check(json_path(&format!("/body{pointer}")), value);
                    }
                }
            }
        }
        redact::redact_defaults(&mut self.body);
        for value in self.headers.values_mut() {
            if let Some(placeholder) = redact::default_placeholder(value) {
                *value = placeholder.to_owned();
            }
        }
        problems
    }
}

/// The concrete pointers a pattern names in `value` (`*` is every element).
pub fn expand(value: &Value, pattern: &str) -> Vec<String> {
    let segments: Vec<&str> = pattern.split('/').skip(1).collect();
    let mut out = Vec::new();
    walk(value, &segments, String::new(), &mut out);
    out
}

fn walk(value: &Value, segments: &[&str], prefix: String, out: &mut Vec<String>) {
    let Some((first, rest)) = segments.split_first() else {
        out.push(prefix);
        return;
    };
    match (*first, value) {
        ("*", Value::Array(items)) => {
            for (i, item) in items.iter().enumerate() {
                walk(item, rest, format!("{prefix}/{i}"), out);
            }
        }
        ("*", Value::Object(members)) => {
            for (key, item) in members {
                let key = key.replace('~', "~0").replace('/', "~1");
                walk(item, rest, format!("{prefix}/{key}"), out);
            }
        }
        (segment, value) => {
            let here = format!("{prefix}/{segment}");
            if let Some(item) = value.pointer(&format!("/{segment}")) {
                walk(item, rest, here, out);
            }
        }
    }
}

/// A JSON pointer as a JSON path: `/body/nodes/0/id` → `$.body.nodes[0].id`.
pub fn json_path(pointer: &str) -> String {
    let mut path = String::from("$");
    for segment in pointer.split('/').skip(1) {
        let segment = segment.replace("~1", "/").replace("~0", "~");
        path.push_str(&path_segment(&segment));
    }
    path
}

/// One step of a JSON path: `.name`, `[3]`, or `["odd name"]`.
pub fn path_segment(segment: &str) -> String {
    if !segment.is_empty() && segment.chars().all(|c| c.is_ascii_digit()) {
        format!("[{segment}]")
    } else if !segment.is_empty()
        && segment
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_')
    {
        format!(".{segment}")
    } else {
        format!("[{}]", Value::String(segment.to_owned()))
    }
}

/// Sorts every object's members, so that the text never depends on the order
/// an implementation writes them in.
pub fn canonical(value: &Value) -> Value {
    match value {
        Value::Object(members) => {
            let mut sorted: Vec<_> = members.iter().collect();
            sorted.sort_by(|a, b| a.0.cmp(b.0));
            Value::Object(
                sorted
                    .into_iter()
                    .map(|(k, v)| (k.clone(), canonical(v)))
                    .collect(),
            )
        }
        Value::Array(items) => Value::Array(items.iter().map(canonical).collect()),
        other => other.clone(),
    }
}

/// The snapshot text of a case: its records as pretty JSON, members sorted.
pub fn render(records: &[Record]) -> String {
    let value = serde_json::to_value(records).unwrap_or(Value::Null);
    serde_json::to_string_pretty(&canonical(&value)).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn patterns_expand_over_every_element() {
        let body = json!({"nodes": [{"id": 1}, {"id": 2}], "x": {"a/b": {"id": 3}}});
        assert_eq!(expand(&body, "/nodes/*/id"), ["/nodes/0/id", "/nodes/1/id"]);
        assert_eq!(expand(&body, "/x/*/id"), ["/x/a~1b/id"]);
        assert!(expand(&body, "/missing/id").is_empty());
    }

    #[test]
    fn pointers_read_as_json_paths() {
        assert_eq!(json_path("/body/nodes/0/id"), "$.body.nodes[0].id");
        assert_eq!(json_path("/body/page[size]"), "$.body[\"page[size]\"]");
    }
}
