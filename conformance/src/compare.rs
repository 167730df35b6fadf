//! Comparison of a record with its snapshot (everything must be equal) and with
//! what the document shows (elisions and placeholders allowed).

use serde_json::Value;

use crate::problem::{Against, Difference, Problem};
use crate::record::path_segment;
use crate::redact::fits_placeholder;

/// The elision markers of documented bodies.
const ELIDED: &str = "...";

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Every member and element, every value.
    Exact,
    /// Subset where the document elides, placeholders match by form.
    Documented,
}

/// The differences between an expected value and an actual one, by JSON path.
pub fn diff_exact(expected: &Value, actual: &Value) -> Vec<Difference> {
    let mut out = Vec::new();
    walk(expected, actual, "$".to_owned(), Mode::Exact, &mut out);
    out
}

/// The differences between what a document shows and an actual value.
pub fn diff_documented(documented: &Value, actual: &Value) -> Vec<Difference> {
    let mut out = Vec::new();
    walk(
        documented,
        actual,
        "$".to_owned(),
        Mode::Documented,
        &mut out,
    );
    out
}

fn numbers_equal(a: &Value, b: &Value) -> bool {
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => x == y,
        _ => false,
    }
}

fn same_type(a: &Value, b: &Value) -> bool {
    std::mem::discriminant(a) == std::mem::discriminant(b)
}

fn walk(expected: &Value, actual: &Value, path: String, mode: Mode, out: &mut Vec<Difference>) {
    if mode == Mode::Documented {
        if let Value::String(text) = expected {
            if let Some(fits) = fits_placeholder(text, actual) {
                if !fits {
                    out.push(Difference::Value {
                        path,
                        expected: expected.clone(),
                        actual: actual.clone(),
                    });
                }
                return;
            }
        }
    }
    match (expected, actual) {
        (Value::Object(want), Value::Object(got)) => {
            let open = mode == Mode::Documented && want.get(ELIDED).is_some();
            for (key, value) in want {
                if mode == Mode::Documented && key == ELIDED {
                    continue;
                }
                let here = format!("{path}{}", path_segment(key));
                match got.get(key) {
                    Some(actual) => walk(value, actual, here, mode, out),
                    None => out.push(Difference::Missing {
                        path: here,
                        expected: value.clone(),
                    }),
                }
            }
            if !open {
                for (key, value) in got {
                    if !want.contains_key(key) {
                        out.push(Difference::Extra {
                            path: format!("{path}{}", path_segment(key)),
                            actual: value.clone(),
                        });
                    }
                }
            }
        }
        (Value::Array(want), Value::Array(got)) => {
            let elided = mode == Mode::Documented && want.iter().any(|v| v == ELIDED);
            let shown: Vec<&Value> = want
                .iter()
                .filter(|v| !(mode == Mode::Documented && *v == ELIDED))
                .collect();
            for (i, value) in shown.iter().enumerate() {
                let here = format!("{path}[{i}]");
                match got.get(i) {
                    Some(actual) => walk(value, actual, here, mode, out),
                    None => out.push(Difference::Missing {
                        path: here,
                        expected: (*value).clone(),
                    }),
                }
            }
            if !elided {
                for (i, value) in got.iter().enumerate().skip(shown.len()) {
                    out.push(Difference::Extra {
                        path: format!("{path}[{i}]"),
                        actual: value.clone(),
                    });
                }
            }
        }
        (want, got) if !same_type(want, got) => out.push(Difference::Type {
            path,
            expected: want.clone(),
            actual: got.clone(),
        }),
        (Value::Number(_), Value::Number(_)) if numbers_equal(expected, actual) => {}
        (want, got) if want != got => out.push(Difference::Value {
            path,
            expected: want.clone(),
            actual: got.clone(),
        }),
        _ => {}
    }
}

/// Compares a case's records (as rendered JSON) with its snapshot text.
/// When the run stopped early (`complete` is false) only the steps it ran are
/// compared.
pub fn against_snapshot(
    snapshot: &str,
    actual: &Value,
    complete: bool,
) -> Result<Vec<Problem>, String> {
    let expected: Value =
        serde_json::from_str(snapshot).map_err(|e| format!("the snapshot is not JSON: {e}"))?;
    let (Some(want), Some(got)) = (expected.as_array(), actual.as_array()) else {
        return Err("a snapshot holds a list of steps".to_owned());
    };
    let mut problems = Vec::new();
    if complete && want.len() != got.len() {
        problems.push(Problem::StepCount {
            expected: want.len(),
            actual: got.len(),
        });
    }
    for (i, (want, got)) in want.iter().zip(got).enumerate() {
        problems.extend(
            diff_exact(want, got)
                .into_iter()
                .map(|difference| Problem::Differs {
                    step: i + 1,
                    against: Against::Snapshot,
                    difference,
                }),
        );
    }
    Ok(problems)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn exact_comparison_names_each_kind_of_difference() {
        let expected = json!({"a": 1, "b": "x", "c": [1, 2], "d": {"e": true}});
        let actual = json!({"a": "1", "b": "y", "c": [1], "d": {"e": true, "f": null}});
        let differences = diff_exact(&expected, &actual);
        let kinds: Vec<(&str, &str)> = differences
            .iter()
            .map(|d| {
                let kind = match d {
                    Difference::Missing { .. } => "missing",
                    Difference::Extra { .. } => "extra",
                    Difference::Type { .. } => "type",
                    Difference::Value { .. } => "value",
                };
                (kind, d.path())
            })
            .collect();
        assert_eq!(
            kinds,
            [
                ("type", "$.a"),
                ("value", "$.b"),
                ("missing", "$.c[1]"),
                ("extra", "$.d.f")
            ]
        );
    }

    #[test]
    fn documented_bodies_allow_what_they_elide_and_match_placeholders() {
        let documented = json!({"id": "[uuid]", "notes": [{"content": "hi"}, "..."], "...": "..."});
        let actual = json!({
            "id": "0b6c1f53-8a5d-4f65-9d0e-6a0f3f4c2b1a",
            "notes": [{"content": "hi"}, {"content": "older"}],
            "via": "+33100000000"
        });
        assert!(diff_documented(&documented, &actual).is_empty());

        let closed = json!({"id": "[uuid]", "notes": [{"content": "hi"}]});
        let differences = diff_documented(&closed, &actual);
        let paths: Vec<&str> = differences.iter().map(Difference::path).collect();
        assert_eq!(paths, ["$.notes[1]", "$.via"]);
    }

    #[test]
    fn a_placeholder_refuses_a_value_of_another_form() {
        let differences = diff_documented(&json!({"id": "[uuid]"}), &json!({"id": "42"}));
        assert_eq!(differences.len(), 1);
        assert_eq!(differences[0].path(), "$.id");
    }

    #[test]
    fn numbers_compare_by_value() {
        assert!(diff_exact(&json!(1), &json!(1.0)).is_empty());
    }
}
