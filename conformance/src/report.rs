//! Reports: the problems of each case that did not pass and the shell lines
//! that reproduce it, a summary per API, JUnit XML, JSON and HTML files, and
//! the exit code.

use std::fmt::Write as _;

use indexmap::IndexMap;
use serde::Serialize;

use crate::load::Fixtures;
use crate::runner::{CaseResult, Level, Outcome, Verdict};

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
        Verdict::Skipped => "skipped",
    }
}

/// Whether a verdict counts against the implementation (or the run).
pub fn is_failure(verdict: Verdict) -> bool {
    matches!(
        verdict,
        Verdict::Fail | Verdict::UnexpectedPass | Verdict::HarnessError | Verdict::MissingSnapshot
    )
}

/// What went wrong with a case that did not pass, for the terminal.
pub fn details(result: &CaseResult) -> Option<String> {
    let mut text = String::new();
    let case = &result.case;
    let _ = writeln!(text, "--- {}: {}", case.id, case.title);
    let _ = writeln!(text, "    from {}", case.provenance());
    match (result.verdict(), &result.outcome) {
        (Verdict::Pass | Verdict::ExpectedFailure | Verdict::Skipped, _) => return None,
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
            let against_snapshot = problems.iter().any(|p| {
                matches!(
                    p,
                    crate::Problem::Differs {
                        against: crate::problem::Against::Snapshot,
                        ..
                    }
                )
            });
            for (kind, cited) in [
                ("the original's behaviour", &case.reference),
                ("our choice", &case.choices),
            ] {
                for cite in cited.iter().filter(|_| against_snapshot) {
                    let _ = writeln!(text, "    the snapshot follows {kind}: {cite}");
                }
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
        (_, Outcome::Pass | Outcome::Skipped(_)) => {}
    }
    if let Some(lines) = result.reproduce() {
        let _ = writeln!(text, "    reproduce:\n{}", indent(&lines, 8));
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
    let failed = results.iter().filter(|r| is_failure(r.verdict())).count();
    let _ = writeln!(
        text,
        "{} passed, {failed} failed, {} skipped",
        count(Verdict::Pass),
        count(Verdict::Skipped)
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
            Verdict::Skipped => {
                let mut status = TestCaseStatus::skipped();
                if let Outcome::Skipped(reason) = &result.outcome {
                    status.set_message(format!("skipped: {reason}"));
                }
                status
            }
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

/// What a report says about the run as a whole.
#[derive(Debug, Clone, Serialize)]
pub struct RunInfo {
    /// What was checked.
    pub level: Level,
    pub base_url: String,
    /// RFC 3339, UTC.
    pub started_at: String,
}

#[derive(Serialize)]
struct JsonCase<'a> {
    id: &'a str,
    api: &'a str,
    title: &'a str,
    from: String,
    document: &'a str,
    endpoint: &'a str,
    section: Option<&'a str>,
    tags: &'a [String],
    verdict: Verdict,
    expected_failure: Option<&'a str>,
    skipped: Option<&'a str>,
    expectations: Expectations,
    problems: Vec<JsonProblem<'a>>,
    harness_error: Option<&'a str>,
    reproduce: Option<String>,
    duration_ms: u128,
}

/// Where a case's expectations come from.
#[derive(Serialize)]
struct Expectations {
    /// What the document shows, per step (the `documented` blocks).
    document: Vec<String>,
    /// Whether the whole answer was checked against the reviewed snapshot.
    snapshot: bool,
    /// Sections recording the original system's behaviour the case follows.
    reference: Vec<Cited>,
    /// Sections recording the project's own choices the case relies on.
    choices: Vec<Cited>,
}

#[derive(Serialize)]
struct Cited {
    cite: String,
    title: Option<String>,
}

#[derive(Serialize)]
struct JsonProblem<'a> {
    message: String,
    #[serde(flatten)]
    detail: &'a crate::Problem,
}

fn expectations(result: &CaseResult, fixtures: &Fixtures, level: Level) -> Expectations {
    let mut document = Vec::new();
    for (i, step) in result.case.steps.iter().enumerate() {
        let Some(shown) = &step.documented else {
            continue;
        };
        let number = i + 1;
        if let Some(status) = shown.status {
            document.push(format!("step {number}: status {status}"));
        }
        for (name, value) in &shown.headers {
            document.push(format!("step {number}: header {name}: {value}"));
        }
        if let Some(body) = &shown.body {
            let elided = if body.contains("\"...\"") {
                " (the parts it elides may differ)"
            } else {
                ""
            };
            document.push(format!(
                "step {number}: the body the document shows{elided}"
            ));
        }
    }
    let cited = |list: &[String]| {
        list.iter()
            .map(|cite| Cited {
                cite: cite.clone(),
                title: fixtures.titles.get(cite).cloned(),
            })
            .collect()
    };
    Expectations {
        document,
        snapshot: level == Level::Snapshot,
        reference: cited(&result.case.reference),
        choices: cited(&result.case.choices),
    }
}

/// A JSON report: the run, the counts per verdict, and every case with its
/// verdict, where its expectations come from, its problems and the lines
/// that reproduce it.
pub fn json_value(results: &[CaseResult], fixtures: &Fixtures, run: &RunInfo) -> serde_json::Value {
    let cases: Vec<JsonCase> = results
        .iter()
        .map(|r| JsonCase {
            id: &r.case.id,
            api: &r.case.api,
            title: &r.case.title,
            from: r.case.provenance(),
            document: &r.case.document,
            endpoint: &r.case.endpoint,
            section: r.case.section.as_deref(),
            tags: &r.case.tags,
            verdict: r.verdict(),
            expected_failure: r.expected_failure.as_deref(),
            skipped: match &r.outcome {
                Outcome::Skipped(reason) => Some(reason),
                _ => None,
            },
            expectations: expectations(r, fixtures, run.level),
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
            reproduce: if is_failure(r.verdict()) || r.verdict() == Verdict::ExpectedFailure {
                r.reproduce()
            } else {
                None
            },
            duration_ms: r.duration.as_millis(),
        })
        .collect();
    let mut totals: IndexMap<Verdict, usize> = [
        Verdict::Pass,
        Verdict::Fail,
        Verdict::Skipped,
        Verdict::ExpectedFailure,
        Verdict::UnexpectedPass,
        Verdict::MissingSnapshot,
        Verdict::HarnessError,
    ]
    .into_iter()
    .map(|v| (v, 0))
    .collect();
    for result in results {
        *totals.entry(result.verdict()).or_default() += 1;
    }
    serde_json::json!({
        "harness": concat!("conformance ", env!("CARGO_PKG_VERSION")),
        "level": run.level,
        "base_url": run.base_url,
        "started_at": run.started_at,
        "exit_code": exit_code(results),
        "totals": totals,
        "cases": cases,
    })
}

/// The JSON report as text.
pub fn json(results: &[CaseResult], fixtures: &Fixtures, run: &RunInfo) -> Result<String, String> {
    serde_json::to_string_pretty(&json_value(results, fixtures, run)).map_err(|e| e.to_string())
}

/// The HTML report: one self-contained page.
pub fn html(results: &[CaseResult], fixtures: &Fixtures, run: &RunInfo) -> Result<String, String> {
    Ok(crate::html::page(&json_value(results, fixtures, run)))
}
