//! Reports: a line per case while running, the problems and a `curl` line for
//! each failure, a summary per API, JUnit XML and JSON files, and the exit code.

use std::fmt::Write as _;

use indexmap::IndexMap;
use serde::Serialize;

use crate::runner::{CaseResult, Outcome, Verdict};

/// Exit codes: every case conformant.
pub const EXIT_CONFORMANT: i32 = 0;
/// Some case is not conformant (or an expected failure passed).
pub const EXIT_NOT_CONFORMANT: i32 = 1;
/// The harness could not do its work: unreachable server, bad fixtures or
/// options, a refused provider state.
pub const EXIT_HARNESS_ERROR: i32 = 2;
/// Nothing failed, but some case has no snapshot to compare with.
pub const EXIT_SNAPSHOT_MISSING: i32 = 3;

fn label(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Pass => "ok",
        Verdict::Fail => "FAIL",
        Verdict::MissingSnapshot => "NO SNAPSHOT",
        Verdict::HarnessError => "ERROR",
        Verdict::ExpectedFailure => "xfail",
        Verdict::UnexpectedPass => "XPASS",
    }
}

/// The progress line of a finished case.
pub fn progress_line(result: &CaseResult) -> String {
    format!(
        "{:>11}  {}  ({} ms)",
        label(result.verdict()),
        result.case.id,
        result.duration.as_millis()
    )
}

/// What went wrong with a case that did not pass, for the terminal.
pub fn details(result: &CaseResult) -> Option<String> {
    let mut text = String::new();
    let case = &result.case;
    let _ = writeln!(text, "--- {}: {}", case.id, case.title);
    let _ = writeln!(text, "    from {}", case.provenance());
    match (result.verdict(), &result.outcome) {
        (Verdict::Pass | Verdict::ExpectedFailure, _) => return None,
        (Verdict::UnexpectedPass, _) => {
            let _ = writeln!(
                text,
                "    passes, but is listed as an expected failure ({}): remove it from the list",
                result.expected_failure.as_deref().unwrap_or_default()
            );
            return Some(text);
        }
        (_, Outcome::Fail(problems)) => {
            for problem in problems {
                let _ = writeln!(text, "    {problem}");
            }
        }
        (_, Outcome::HarnessError(error)) => {
            let _ = writeln!(text, "    harness error: {error}");
        }
        (_, Outcome::MissingSnapshot) => {
            let _ = writeln!(
                text,
                "    no snapshot yet; the answer was:\n{}",
                indent(&result.execution.rendered(), 8)
            );
        }
        (_, Outcome::Pass) => {}
    }
    if let Some(request) = result.failing_request() {
        let _ = writeln!(text, "    reproduce: {}", request.curl());
    }
    Some(text)
}

fn indent(text: &str, by: usize) -> String {
    let pad = " ".repeat(by);
    text.lines()
        .map(|l| format!("{pad}{l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Counts per API and in all.
pub fn summary(results: &[CaseResult]) -> String {
    let mut per_api: IndexMap<&str, IndexMap<&'static str, usize>> = IndexMap::new();
    for result in results {
        *per_api
            .entry(result.case.api.as_str())
            .or_default()
            .entry(label(result.verdict()))
            .or_default() += 1;
    }
    let mut text = String::new();
    for (api, counts) in &per_api {
        let parts: Vec<String> = counts.iter().map(|(k, v)| format!("{v} {k}")).collect();
        let _ = writeln!(text, "{api:>10}: {}", parts.join(", "));
    }
    let count = |v: Verdict| results.iter().filter(|r| r.verdict() == v).count();
    let _ = writeln!(
        text,
        "{} passed, {} failed",
        count(Verdict::Pass),
        count(Verdict::Fail)
            + count(Verdict::UnexpectedPass)
            + count(Verdict::HarnessError)
            + count(Verdict::MissingSnapshot)
    );
    let _ = write!(
        text,
        "({} expected failures, {} without snapshot, {} harness errors)",
        count(Verdict::ExpectedFailure),
        count(Verdict::MissingSnapshot),
        count(Verdict::HarnessError)
    );
    text
}

/// The exit code of a run: harness errors first, then failures, then missing
/// snapshots.
pub fn exit_code(results: &[CaseResult]) -> i32 {
    let any = |v: Verdict| results.iter().any(|r| r.verdict() == v);
    if any(Verdict::HarnessError) {
        EXIT_HARNESS_ERROR
    } else if any(Verdict::Fail) || any(Verdict::UnexpectedPass) {
        EXIT_NOT_CONFORMANT
    } else if any(Verdict::MissingSnapshot) {
        EXIT_SNAPSHOT_MISSING
    } else {
        EXIT_CONFORMANT
    }
}

/// A JUnit XML report: a suite per API, a test case per case; expected
/// failures are skipped tests.
pub fn junit(results: &[CaseResult]) -> Result<String, String> {
    use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};
    let mut report = Report::new("conformance");
    let mut suites: IndexMap<String, TestSuite> = IndexMap::new();
    for result in results {
        let status = match result.verdict() {
            Verdict::Pass => TestCaseStatus::success(),
            Verdict::ExpectedFailure => {
                let mut status = TestCaseStatus::skipped();
                status.set_message(format!(
                    "expected failure: {}",
                    result.expected_failure.as_deref().unwrap_or_default()
                ));
                status
            }
            verdict => {
                let kind = if verdict == Verdict::HarnessError {
                    NonSuccessKind::Error
                } else {
                    NonSuccessKind::Failure
                };
                let mut status = TestCaseStatus::non_success(kind);
                status.set_message(label(verdict));
                status.set_description(details(result).unwrap_or_default());
                status
            }
        };
        let mut case = TestCase::new(result.case.id.clone(), status);
        case.set_classname(result.case.api.clone());
        case.set_time(result.duration);
        suites
            .entry(result.case.api.clone())
            .or_insert_with(|| TestSuite::new(result.case.api.clone()))
            .add_test_case(case);
    }
    report.add_test_suites(suites.into_values());
    report.to_string().map_err(|e| e.to_string())
}

#[derive(Serialize)]
struct JsonCase<'a> {
    id: &'a str,
    title: &'a str,
    from: String,
    tags: &'a [String],
    verdict: Verdict,
    expected_failure: Option<&'a str>,
    problems: Vec<JsonProblem<'a>>,
    harness_error: Option<&'a str>,
    reproduce: Option<String>,
    duration_ms: u128,
}

#[derive(Serialize)]
struct JsonProblem<'a> {
    message: String,
    #[serde(flatten)]
    detail: &'a crate::Problem,
}

/// A JSON report: every case with its verdict and problems.
pub fn json(results: &[CaseResult]) -> Result<String, String> {
    let cases: Vec<JsonCase> = results
        .iter()
        .map(|r| JsonCase {
            id: &r.case.id,
            title: &r.case.title,
            from: r.case.provenance(),
            tags: &r.case.tags,
            verdict: r.verdict(),
            expected_failure: r.expected_failure.as_deref(),
            problems: match &r.outcome {
                Outcome::Fail(problems) => problems
                    .iter()
                    .map(|p| JsonProblem {
                        message: p.to_string(),
                        detail: p,
                    })
                    .collect(),
                _ => Vec::new(),
            },
            harness_error: match &r.outcome {
                Outcome::HarnessError(e) => Some(e),
                _ => None,
            },
            reproduce: match r.verdict() {
                Verdict::Pass | Verdict::ExpectedFailure => None,
                _ => r.failing_request().map(|q| q.curl()),
            },
            duration_ms: r.duration.as_millis(),
        })
        .collect();
    serde_json::to_string_pretty(&serde_json::json!({
        "exit_code": exit_code(results),
        "cases": cases,
    }))
    .map_err(|e| e.to_string())
}
