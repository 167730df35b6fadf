//! `{{name}}` variables: listing them in a text and replacing them, with the
//! instants of [`crate::clock`] (`{{now-7d}}`) among them.

use chrono::{DateTime, Utc};
use indexmap::IndexMap;

use crate::clock;

/// What keeps a text from being completed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unresolved {
    /// `{{name}}`: a variable nobody set.
    Missing(String),
    /// `{{now...}}` that names no instant: the expression, and why.
    Instant { expression: String, reason: String },
}

impl Unresolved {
    /// Says what is wrong in `place` (`step 2`, `dataset "calls"`), with
    /// `missing` telling how to set a missing variable.
    pub fn describe(&self, place: &str, missing: impl FnOnce(&str) -> String) -> String {
        match self {
            Self::Missing(name) => format!("{place} needs {{{{{name}}}}}: {}", missing(name)),
            Self::Instant { expression, reason } => {
                format!("{place}: {{{{{expression}}}}} {reason}")
            }
        }
    }
}

/// The variable names a text uses, in order of appearance (clock expressions
/// such as `now-7d` included).
pub fn names(text: &str) -> Vec<&str> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else { break };
        found.push(after[..end].trim());
        rest = &after[end + 2..];
    }
    found
}

/// Replaces every `{{name}}` of `text`, each `{{now...}}` by its instant
/// relative to `now`; the first name that cannot be replaced is the error.
pub fn substitute(
    text: &str,
    vars: &IndexMap<String, String>,
    now: DateTime<Utc>,
) -> Result<String, Unresolved> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else { break };
        let name = after[..end].trim();
        let value = if clock::is_expression(name) {
            clock::resolve(name, now).map_err(|reason| Unresolved::Instant {
                expression: name.to_owned(),
                reason,
            })?
        } else {
            vars.get(name)
                .cloned()
                .ok_or_else(|| Unresolved::Missing(name.to_owned()))?
        };
        out.push_str(&rest[..start]);
        out.push_str(&value);
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2024-03-10T12:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn variables_are_found_and_replaced_in_order() {
        let text = "/calls/{{id}}/note?x={{ token }}&y={{id}}";
        assert_eq!(names(text), ["id", "token", "id"]);
        let vars = IndexMap::from([
            ("id".to_owned(), "7".to_owned()),
            ("token".to_owned(), "t".to_owned()),
        ]);
        assert_eq!(
            substitute(text, &vars, now()).unwrap(),
            "/calls/7/note?x=t&y=7"
        );
    }

    #[test]
    fn an_unknown_variable_is_named() {
        assert_eq!(
            substitute("a{{b}}c", &IndexMap::new(), now()),
            Err(Unresolved::Missing("b".to_owned()))
        );
    }

    #[test]
    fn unclosed_braces_are_left_alone() {
        assert_eq!(
            substitute("{{open", &IndexMap::new(), now()).unwrap(),
            "{{open"
        );
    }

    #[test]
    fn instants_are_replaced_against_the_one_now() {
        let vars = IndexMap::from([("id".to_owned(), "7".to_owned())]);
        let text = r#"{"id": {{id}}, "at": "{{now}}", "since": "{{ now-1d }}"}"#;
        assert_eq!(
            substitute(text, &vars, now()).unwrap(),
            r#"{"id": 7, "at": "2024-03-10T12:00:00", "since": "2024-03-09T12:00:00"}"#
        );
    }

    #[test]
    fn a_setting_named_like_an_instant_is_never_used() {
        let vars = IndexMap::from([("nowhere".to_owned(), "x".to_owned())]);
        match substitute("{{nowhere}}", &vars, now()) {
            Err(Unresolved::Instant { expression, .. }) => assert_eq!(expression, "nowhere"),
            other => panic!("expected a bad instant, got {other:?}"),
        }
    }

    #[test]
    fn a_malformed_instant_is_named_with_its_place() {
        let error = substitute("start={{now-2x}}", &IndexMap::new(), now()).unwrap_err();
        assert_eq!(
            error.describe("step 1", |_| unreachable!()),
            format!(
                "step 1: {{{{now-2x}}}} {}",
                clock::resolve("now-2x", now()).unwrap_err()
            )
        );
        let missing = Unresolved::Missing("user".to_owned());
        assert_eq!(
            missing.describe("dataset \"d\"", |name| format!("set {name}")),
            "dataset \"d\" needs {{user}}: set user"
        );
    }
}
