//! `conformance`: run the documented cases against a base URL, record one's
//! own snapshots, list the cases, show one as `curl` lines, or show which
//! documented endpoints they cover.

use std::io::{IsTerminal as _, Write as _};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use clap::{Parser, Subcommand};
use conformance::load::ExpectedFailures;
use conformance::report::{self, RunInfo, EXIT_HARNESS_ERROR};
use conformance::runner::{CaseResult, Level, StateLoading};
use conformance::snapshot::{self, Written};
use conformance::{shell, Case, Fixtures, RunOptions, Runner};
use indexmap::IndexMap;

#[derive(Parser)]
#[command(
    version,
    about = "Checks an implementation of the Upcall, Call Power, Aircall and XiVO APIs against their documents"
)]
struct Cli {
    /// A fixtures folder to use instead of the fixtures built into this
    /// binary (the cases cite `docs/` beside it).
    #[arg(long, global = true, env = "CONFORMANCE_FIXTURES")]
    fixtures: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Args)]
struct Filter {
    /// Only the cases of this API (repeatable): aircall, callpower, upcall, xivo.
    #[arg(long = "api")]
    apis: Vec<String>,
    /// Only the cases with this tag (repeatable: all must be present).
    #[arg(long = "tag")]
    tags: Vec<String>,
}

impl Filter {
    fn keeps(&self, case: &Case) -> bool {
        (self.apis.is_empty() || self.apis.contains(&case.api))
            && self.tags.iter().all(|t| case.tags.contains(t))
    }
}

/// How to reach the implementation, and how to load its data.
#[derive(clap::Args)]
struct Target {
    /// The implementation's base URL, e.g. http://127.0.0.1:8787
    #[arg(long, env = "CONFORMANCE_BASE_URL")]
    base_url: String,
    #[command(flatten)]
    filter: Filter,
    /// How many APIs to run at once (an API's cases run in order).
    #[arg(long, default_value_t = 4)]
    jobs: usize,
    /// Set a run variable (repeatable): --var xivo_password=secret
    #[arg(long = "var", value_parser = parse_var)]
    vars: Vec<(String, String)>,
    /// Where provider states are posted (default: <base URL>/__conformance/state).
    #[arg(long, conflicts_with_all = ["state_command", "no_state"])]
    state_url: Option<String>,
    /// The bearer token of the provider-state URL.
    #[arg(long, env = "CONFORMANCE_STATE_TOKEN", hide_env_values = true)]
    state_token: Option<String>,
    /// Load provider states by running this command instead, through
    /// `sh -c`, with the API and the dataset file as arguments.
    #[arg(long, conflicts_with = "no_state")]
    state_command: Option<String>,
    /// Load no provider state: the cases that need one are skipped.
    #[arg(long)]
    no_state: bool,
    /// Seconds one request may take.
    #[arg(long, default_value_t = 10)]
    timeout: u64,
}

#[derive(Subcommand)]
enum Command {
    /// Run the cases against an implementation.
    Run {
        #[command(flatten)]
        target: Target,
        /// What to check: what the documents show, or that and the reviewed
        /// snapshots.
        #[arg(long, value_enum, default_value_t = Level::Snapshot)]
        level: Level,
        /// Snapshots of one's own (written by `record`) to check against,
        /// instead of the fixtures' own.
        #[arg(long)]
        snapshots: Option<PathBuf>,
        /// Cases known not to pass, and why (TOML: case id or <api>/* = reason).
        #[arg(long)]
        expected_failures: Option<PathBuf>,
        /// Write a JUnit XML report here.
        #[arg(long)]
        junit: Option<PathBuf>,
        /// Write a JSON report here.
        #[arg(long)]
        json: Option<PathBuf>,
        /// Write a self-contained HTML report here.
        #[arg(long)]
        html: Option<PathBuf>,
    },
    /// Run the cases and write their answers as snapshots to review and
    /// keep: `run --snapshots DIR` checks against them later.
    Record {
        #[command(flatten)]
        target: Target,
        /// The folder the snapshots are written to (`<api>/<case>.snap`).
        #[arg(long)]
        snapshots: PathBuf,
    },
    /// List the cases.
    List {
        #[command(flatten)]
        filter: Filter,
    },
    /// Show one case: its requests as `curl` lines and what is expected of
    /// each answer.
    Show {
        /// The case's id, e.g. aircall/calls_note_add
        case: String,
        /// The base URL the lines use (default: "${CONFORMANCE_BASE_URL}").
        #[arg(long)]
        base_url: Option<String>,
    },
    /// Show every documented endpoint and the cases that cover it.
    Coverage,
}

fn parse_var(text: &str) -> Result<(String, String), String> {
    text.split_once('=')
        .map(|(k, v)| (k.trim().to_owned(), v.to_owned()))
        .filter(|(k, _)| !k.is_empty())
        .ok_or_else(|| format!("{text:?} is not name=value"))
}

fn harness_error(lines: &[String]) -> ExitCode {
    for line in lines {
        eprintln!("conformance: {line}");
    }
    ExitCode::from(EXIT_HARNESS_ERROR as u8)
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            return if error.use_stderr() {
                ExitCode::from(EXIT_HARNESS_ERROR as u8)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    let loaded = match &cli.fixtures {
        Some(folder) => Fixtures::load(folder),
        None => Fixtures::embedded(),
    };
    let fixtures = match loaded {
        Ok(fixtures) => fixtures,
        Err(errors) => return harness_error(&errors),
    };
    match cli.command {
        Command::List { filter } => {
            for case in fixtures.cases.iter().filter(|c| filter.keeps(c)) {
                let state = case
                    .state
                    .as_deref()
                    .map(|s| format!("  [state {s}]"))
                    .unwrap_or_default();
                println!(
                    "{:<48} {}  ({}){state}",
                    case.id,
                    case.provenance(),
                    case.tags.join(", ")
                );
            }
            ExitCode::SUCCESS
        }
        Command::Show { case, base_url } => show(fixtures, &case, base_url),
        Command::Coverage => coverage(&fixtures),
        Command::Record { target, snapshots } => {
            let fixtures = fixtures.with_snapshots(snapshots);
            match start(fixtures, &target, Level::Snapshot) {
                Ok((runner, cases)) => {
                    let results = run(
                        runner.clone(),
                        cases,
                        ExpectedFailures::default(),
                        target.jobs,
                    );
                    record(runner.fixtures(), &results)
                }
                Err(code) => code,
            }
        }
        Command::Run {
            target,
            level,
            snapshots,
            expected_failures,
            junit,
            json,
            html,
        } => {
            let expected = match expected_failures.map(|path| fixtures.expected_failures(&path)) {
                None => ExpectedFailures::default(),
                Some(Ok(list)) => list,
                Some(Err(errors)) => return harness_error(&errors),
            };
            let fixtures = match snapshots {
                Some(folder) => fixtures.with_snapshots(folder),
                None => fixtures,
            };
            let info = RunInfo {
                level,
                base_url: target.base_url.clone(),
                started_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            };
            match start(fixtures, &target, level) {
                Ok((runner, cases)) => {
                    let results = run(runner.clone(), cases, expected, target.jobs);
                    finish(&results, runner.fixtures(), &info, [junit, json, html])
                }
                Err(code) => code,
            }
        }
    }
}

/// The runner and the cases a `run` or `record` asks for.
fn start(
    fixtures: Fixtures,
    target: &Target,
    level: Level,
) -> Result<(Arc<Runner>, Vec<Case>), ExitCode> {
    let states = if target.no_state {
        StateLoading::Skip
    } else if let Some(command) = &target.state_command {
        StateLoading::Command(command.clone())
    } else {
        StateLoading::Route {
            url: target.state_url.clone(),
            token: target.state_token.clone(),
        }
    };
    let options = RunOptions {
        base_url: target.base_url.clone(),
        vars: settings(&fixtures, target.vars.clone()),
        states,
        level,
        timeout: Duration::from_secs(target.timeout.max(1)),
        now: None,
    };
    let cases: Vec<Case> = fixtures
        .cases
        .iter()
        .filter(|c| target.filter.keeps(c))
        .cloned()
        .collect();
    if cases.is_empty() {
        return Err(harness_error(&["no case matches the filter".to_owned()]));
    }
    match Runner::new(Arc::new(fixtures), options) {
        Ok(runner) => Ok((Arc::new(runner), cases)),
        Err(error) => Err(harness_error(&[error])),
    }
}

/// The run's variables: defaults, then `CONFORMANCE_<NAME>`, then `--var`.
fn settings(fixtures: &Fixtures, given: Vec<(String, String)>) -> IndexMap<String, String> {
    let mut vars = IndexMap::new();
    for (name, setting) in &fixtures.settings {
        let from_env = std::env::var(format!("CONFORMANCE_{}", name.to_ascii_uppercase())).ok();
        if let Some(value) = from_env.or_else(|| setting.default.clone()) {
            vars.insert(name.clone(), value);
        }
    }
    vars.extend(given);
    vars
}

/// Whether to show progress: on a terminal, and not in CI.
fn interactive() -> bool {
    std::io::stderr().is_terminal()
        && std::env::var("CI").map_or(true, |v| v.is_empty() || v == "false" || v == "0")
}

fn run(
    runner: Arc<Runner>,
    cases: Vec<Case>,
    expected: ExpectedFailures,
    jobs: usize,
) -> Vec<CaseResult> {
    let total = cases.len();
    let done = Arc::new(AtomicUsize::new(0));
    let failed = Arc::new(AtomicUsize::new(0));
    let shown = interactive();
    let progress = Arc::new(move |result: &CaseResult| {
        let done = done.fetch_add(1, Ordering::SeqCst) + 1;
        if report::is_failure(result.verdict()) {
            failed.fetch_add(1, Ordering::SeqCst);
        }
        if shown {
            let failed = failed.load(Ordering::SeqCst);
            eprint!(
                "\r\x1b[K[{done:>width$}/{total}] {failed} failed  {}",
                result.case.id,
                width = total.to_string().len()
            );
            if done == total {
                eprintln!();
            }
        }
    });
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("conformance: cannot start the async runtime: {error}");
            return Vec::new();
        }
    };
    runtime.block_on(runner.run_all(cases, Arc::new(expected), jobs, progress))
}

fn finish(
    results: &[CaseResult],
    fixtures: &Fixtures,
    info: &RunInfo,
    [junit, json, html]: [Option<PathBuf>; 3],
) -> ExitCode {
    if results.is_empty() {
        return ExitCode::from(EXIT_HARNESS_ERROR as u8);
    }
    let mut out = std::io::stdout().lock();
    for detail in results.iter().filter_map(report::details) {
        let _ = writeln!(out, "\n{detail}");
    }
    let level = match info.level {
        Level::Documented => "documented (what the documents show)",
        Level::Snapshot => "snapshot (what the documents show, and the reviewed snapshots)",
    };
    let _ = writeln!(out, "\nlevel: {level}\n{}", report::summary(results));
    let written = [
        (junit, report::junit(results)),
        (json, report::json(results, fixtures, info)),
        (html, report::html(results, fixtures, info)),
    ]
    .into_iter()
    .filter_map(|(path, text)| path.map(|p| (p, text)))
    .map(|(path, text)| {
        text.and_then(|t| std::fs::write(&path, t).map_err(|e| format!("{}: {e}", path.display())))
    })
    .collect::<Result<Vec<()>, String>>();
    if let Err(error) = written {
        return harness_error(&[error]);
    }
    ExitCode::from(report::exit_code(results) as u8)
}

/// Writes the snapshot of every case that ran through.
fn record(fixtures: &Fixtures, results: &[CaseResult]) -> ExitCode {
    let mut counts: IndexMap<&str, usize> = IndexMap::new();
    let mut errors = 0;
    for result in results {
        let execution = &result.execution;
        let status = if let Some(error) = &execution.harness_error {
            errors += 1;
            eprintln!("not recorded: {}: {error}", result.case.id);
            "not recorded"
        } else if execution.skipped.is_some() {
            "skipped"
        } else if execution.stopped {
            errors += 1;
            let why: Vec<String> = execution.problems.iter().map(ToString::to_string).collect();
            eprintln!("not recorded: {}: {}", result.case.id, why.join("; "));
            "not recorded"
        } else {
            let path = fixtures
                .snapshot_dir(&result.case.api)
                .join(Fixtures::snapshot_name(&result.case));
            let description = format!("{}\n{}", result.case.title, result.case.provenance());
            match snapshot::write(&path, &description, &execution.rendered()) {
                Ok(Written::New) => "new",
                Ok(Written::Changed) => "changed",
                Ok(Written::Unchanged) => "unchanged",
                Err(error) => {
                    errors += 1;
                    eprintln!("not recorded: {}: {error}", result.case.id);
                    "not recorded"
                }
            }
        };
        if status == "new" || status == "changed" {
            println!("{status:>9}  {}", result.case.id);
        }
        for problem in execution.problems.iter().filter(|p| p.is_documented()) {
            println!("  warning  {}: {problem}", result.case.id);
        }
        *counts.entry(status).or_default() += 1;
    }
    let parts: Vec<String> = counts.iter().map(|(k, v)| format!("{v} {k}")).collect();
    println!("{}", parts.join(", "));
    if errors > 0 {
        ExitCode::from(EXIT_HARNESS_ERROR as u8)
    } else {
        ExitCode::SUCCESS
    }
}

/// Prints one case: where it comes from, its requests as shell lines, and
/// what is expected of each answer.
fn show(fixtures: Fixtures, id: &str, base_url: Option<String>) -> ExitCode {
    let Some(case) = fixtures.cases.iter().find(|c| c.id == id).cloned() else {
        return harness_error(&[format!("no case {id:?} (see `conformance list`)")]);
    };
    let base_url = base_url.unwrap_or_else(|| shell::reference("CONFORMANCE_BASE_URL"));
    let stored = fixtures.snapshot(&case).ok().flatten();
    let records: Vec<serde_json::Value> = stored
        .as_deref()
        .and_then(|text| serde_json::from_str(text).ok())
        .unwrap_or_default();
    let titles = fixtures.titles.clone();
    let runner = match Runner::new(
        Arc::new(fixtures),
        RunOptions {
            base_url: "http://base.invalid".into(),
            vars: IndexMap::new(),
            states: StateLoading::Skip,
            level: Level::Snapshot,
            timeout: Duration::from_secs(10),
            now: None,
        },
    ) {
        Ok(runner) => runner,
        Err(error) => return harness_error(&[error]),
    };
    // Every setting and capture is shown as a shell variable.
    let mut vars: IndexMap<String, String> = runner
        .fixtures()
        .settings
        .iter()
        .map(|(name, setting)| {
            let value = match (&setting.default, setting.secret) {
                (Some(default), false) => default.clone(),
                _ => shell::reference(&format!("CONFORMANCE_{}", name.to_ascii_uppercase())),
            };
            (name.clone(), value)
        })
        .collect();
    let mut out = String::new();
    let mut line = |text: String| {
        out.push_str(&text);
        out.push('\n');
    };
    line(format!("# {}: {}", case.id, case.title));
    line(format!("# from {}", case.provenance()));
    for (kind, list) in [
        ("reference behaviour", &case.reference),
        ("choice", &case.choices),
    ] {
        for cite in list {
            let title = titles
                .get(cite)
                .map(|t| format!(" ({t})"))
                .unwrap_or_default();
            line(format!("# {kind}: {cite}{title}"));
        }
    }
    if let Some(state) = &case.state {
        line(format!(
            "# first load provider state {state:?} (datasets/{state}.json)"
        ));
    }
    let now = chrono::Utc::now();
    for (i, step) in case.steps.iter().enumerate() {
        let number = i + 1;
        line(String::new());
        line(format!("# step {number}"));
        match runner.build(step, &vars, now) {
            Ok(mut request) => {
                let base = "http://base.invalid";
                if let Some(rest) = request.url.strip_prefix(base) {
                    request.url = format!("{base_url}{rest}");
                }
                line(request.lines());
            }
            Err(error) => line(format!("# cannot build: {error:?}")),
        }
        for name in step.capture.keys() {
            vars.insert(name.clone(), shell::reference(name));
        }
        if let Some(documented) = &step.documented {
            line(match documented.status {
                Some(status) => format!("# the document shows: status {status}"),
                None => "# the document shows (no status):".to_owned(),
            });
            for (name, value) in &documented.headers {
                line(format!("#   {name}: {value}"));
            }
            if let Some(body) = &documented.body {
                line(format!("#   body: {}", compact(body)));
            }
        }
        if let Some(record) = records.get(i) {
            let pretty = serde_json::to_string_pretty(record).unwrap_or_default();
            line("# the snapshot holds:".into());
            for text in pretty.lines() {
                line(format!("#   {text}"));
            }
        }
    }
    print!("{out}");
    ExitCode::SUCCESS
}

/// A documented body on one line.
fn compact(body: &str) -> String {
    serde_json::from_str::<serde_json::Value>(body)
        .map(|v| v.to_string())
        .unwrap_or_else(|_| body.to_owned())
}

fn coverage(fixtures: &Fixtures) -> ExitCode {
    let mut uncovered = 0;
    for (document, listed) in &fixtures.endpoints {
        println!("{document}");
        for endpoint in &listed.endpoints {
            let cases: Vec<&str> = fixtures
                .cases
                .iter()
                .filter(|c| &c.document == document && &c.endpoint == endpoint)
                .map(|c| c.id.as_str())
                .collect();
            if cases.is_empty() {
                uncovered += 1;
                println!("  {endpoint:<44} NOT COVERED");
            } else {
                println!("  {endpoint:<44} {}", cases.join(", "));
            }
        }
    }
    if uncovered > 0 {
        eprintln!("{uncovered} documented endpoints have no case");
        ExitCode::from(report::EXIT_NOT_CONFORMANT as u8)
    } else {
        ExitCode::SUCCESS
    }
}
