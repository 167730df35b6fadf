//! What can be wrong with a step's answer, told precisely: where (a JSON path
//! in the step's record), against what (the snapshot or the document), and how.

use std::fmt;

use serde::Serialize;
use serde_json::Value;

/// What an answer was compared with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Against {
    Snapshot,
    Document,
}

/// How a value differs from what was expected.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Difference {
    /// Expected, absent from the answer.
    Missing { path: String, expected: Value },
    /// In the answer, not expected.
    Extra { path: String, actual: Value },
    /// Another JSON type.
    Type {
        path: String,
        expected: Value,
        actual: Value,
    },
    /// Same type, another value.
    Value {
        path: String,
        expected: Value,
        actual: Value,
    },
}

impl Difference {
    /// The same difference at another path.
    pub fn moved(self, to: impl FnOnce(&str) -> String) -> Self {
        match self {
            Self::Missing { path, expected } => Self::Missing {
                path: to(&path),
                expected,
            },
            Self::Extra { path, actual } => Self::Extra {
                path: to(&path),
                actual,
            },
            Self::Type {
                path,
                expected,
                actual,
            } => Self::Type {
                path: to(&path),
                expected,
                actual,
            },
            Self::Value {
                path,
                expected,
                actual,
            } => Self::Value {
                path: to(&path),
                expected,
                actual,
            },
        }
    }

    pub fn path(&self) -> &str {
        match self {
            Self::Missing { path, .. }
            | Self::Extra { path, .. }
            | Self::Type { path, .. }
            | Self::Value { path, .. } => path,
        }
    }
}

/// A JSON value's type, as a person would say it.
pub fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// One thing wrong with one step (steps count from 1).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum Problem {
    Differs {
        step: usize,
        against: Against,
        #[serde(flatten)]
        difference: Difference,
    },
    /// A redacted value does not have its placeholder's form.
    Form {
        step: usize,
        location: String,
        placeholder: String,
        value: Value,
    },
    /// The answer says it is JSON and is not.
    MalformedJson { step: usize, error: String },
    /// No answer in time.
    Timeout { step: usize, seconds: u64 },
    /// A capture found nothing, so the case stopped there.
    Capture {
        step: usize,
        name: String,
        reason: String,
    },
    /// The snapshot and the run have different numbers of steps.
    StepCount { expected: usize, actual: usize },
}

/// `text` with each of `hidden`'s values replaced by what is shown instead.
pub fn hide(text: &str, hidden: &[(String, String)]) -> String {
    hidden
        .iter()
        .filter(|(value, _)| !value.is_empty())
        .fold(text.to_owned(), |text, (value, shown)| {
            text.replace(value, shown)
        })
}

/// Applies `f` to every string of a JSON value.
pub fn map_value(value: &mut Value, f: &dyn Fn(&str) -> String) {
    match value {
        Value::String(text) => *text = f(text),
        Value::Array(items) => items.iter_mut().for_each(|v| map_value(v, f)),
        Value::Object(members) => members.values_mut().for_each(|v| map_value(v, f)),
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

impl Problem {
    /// Applies `f` to every text the problem holds: paths, values, reasons.
    pub fn map_text(&mut self, f: &dyn Fn(&str) -> String) {
        match self {
            Self::Differs { difference, .. } => match difference {
                Difference::Missing { path, expected } => {
                    *path = f(path);
                    map_value(expected, f);
                }
                Difference::Extra { path, actual } => {
                    *path = f(path);
                    map_value(actual, f);
                }
                Difference::Type {
                    path,
                    expected,
                    actual,
                }
                | Difference::Value {
                    path,
                    expected,
                    actual,
                } => {
                    *path = f(path);
                    map_value(expected, f);
                    map_value(actual, f);
                }
            },
            Self::Form {
                location, value, ..
            } => {
                *location = f(location);
                map_value(value, f);
            }
            Self::MalformedJson { error, .. } => *error = f(error),
            Self::Capture { reason, .. } => *reason = f(reason),
            Self::Timeout { .. } | Self::StepCount { .. } => {}
        }
    }

    /// Whether the problem counts at level documented: a difference from
    /// what the document shows, or a step that could not be run through.
    pub fn is_documented(&self) -> bool {
        matches!(
            self,
            Self::Differs {
                against: Against::Document,
                ..
            } | Self::Timeout { .. }
                | Self::Capture { .. }
        )
    }

    /// The step the problem is in, if it is in one.
    pub fn step(&self) -> Option<usize> {
        match self {
            Self::Differs { step, .. }
            | Self::Form { step, .. }
            | Self::MalformedJson { step, .. }
            | Self::Timeout { step, .. }
            | Self::Capture { step, .. } => Some(*step),
            Self::StepCount { .. } => None,
        }
    }
}

fn short(value: &Value) -> String {
    let text = value.to_string();
    if text.chars().count() > 80 {
        format!("{}…", text.chars().take(79).collect::<String>())
    } else {
        text
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Differs {
                step,
                against,
                difference,
            } => {
                let against = match against {
                    Against::Snapshot => "snapshot",
                    Against::Document => "document",
                };
                let path = difference.path();
                let header = path
                    .strip_prefix("$.headers.")
                    .map(|h| h.trim_matches(['"', '[', ']']));
                match (difference, header) {
                    (Difference::Missing { .. }, Some(header)) => {
                        write!(
                            f,
                            "step {step}: missing header {header} (per the {against})"
                        )
                    }
                    (Difference::Missing { expected, .. }, None) => write!(
                        f,
                        "step {step}: {path}: missing (the {against} has {})",
                        short(expected)
                    ),
                    (Difference::Extra { actual, .. }, _) => write!(
                        f,
                        "step {step}: {path}: not in the {against} (got {})",
                        short(actual)
                    ),
                    (
                        Difference::Type {
                            expected, actual, ..
                        },
                        _,
                    ) => write!(
                        f,
                        "step {step}: {path}: the {against} has {} {}, got {} {}",
                        type_name(expected),
                        short(expected),
                        type_name(actual),
                        short(actual)
                    ),
                    (
                        Difference::Value {
                            expected, actual, ..
                        },
                        _,
                    ) => write!(
                        f,
                        "step {step}: {path}: the {against} has {}, got {}",
                        short(expected),
                        short(actual)
                    ),
                }
            }
            Self::Form {
                step,
                location,
                placeholder,
                value,
            } => write!(
                f,
                "step {step}: {location}: {} does not have the form {placeholder}",
                short(value)
            ),
            Self::MalformedJson { step, error } => {
                write!(
                    f,
                    "step {step}: the body says it is JSON but does not parse: {error}"
                )
            }
            Self::Timeout { step, seconds } => {
                write!(f, "step {step}: no answer within {seconds} s")
            }
            Self::Capture { step, name, reason } => {
                write!(f, "step {step}: cannot capture {{{{{name}}}}}: {reason}")
            }
            Self::StepCount { expected, actual } => write!(
                f,
                "the snapshot has {expected} steps, the case ran {actual}"
            ),
        }
    }
}
