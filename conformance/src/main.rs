//! `conformance`: run the documented cases against a base URL, list them, or
//! show which documented endpoints they cover.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::{Parser, Subcommand};
use conformance::load::ExpectedFailures;
use conformance::report::{self, EXIT_HARNESS_ERROR};
use conformance::runner::CaseResult;
use conformance::{Case, Fixtures, RunOptions, Runner};
use indexmap::IndexMap;

#[derive(Parser)]
#[command(
    version,
    about = "Checks an implementation of the Upcall, Call Power, Aircall and XiVO APIs against their documents"
)]
struct Cli {
    /// The fixtures folder.
    #[arg(
        long,
        global = true,
        env = "CONFORMANCE_FIXTURES",
        default_value = "fixtures"
    )]
    fixtures: PathBuf,
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

#[derive(Subcommand)]
enum Command {
    /// Run the cases against an implementation.
    Run {
        /// The implementation's base URL, e.g. http://127.0.0.1:8787
        #[arg(long, env = "CONFORMANCE_BASE_URL")]
        base_url: String,
        #[command(flatten)]
        filter: Filter,
        /// How many APIs to run at once (an API's cases run in order).
        #[arg(long, default_value_t = 4)]
        jobs: usize,
        /// Write a JUnit XML report here.
        #[arg(long)]
        junit: Option<PathBuf>,
        /// Write a JSON report here.
        #[arg(long)]
        json: Option<PathBuf>,
        /// Set a run variable (repeatable): --var xivo_password=secret
        #[arg(long = "var", value_parser = parse_var)]
        vars: Vec<(String, String)>,
        /// Where provider states are loaded (default: <base URL>/__conformance/state).
        #[arg(long)]
        state_url: Option<String>,
        /// The bearer token of the provider-state URL.
        #[arg(long, env = "CONFORMANCE_STATE_TOKEN", hide_env_values = true)]
        state_token: Option<String>,
        /// Cases known not to pass, and why (TOML: case id or <api>/* = reason).
        #[arg(long)]
        expected_failures: Option<PathBuf>,
        /// Seconds one request may take.
        #[arg(long, default_value_t = 10)]
        timeout: u64,
    },
    /// List the cases.
    List {
        #[command(flatten)]
        filter: Filter,
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
    let fixtures = match Fixtures::load(&cli.fixtures) {
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
        Command::Coverage => coverage(&fixtures),
        Command::Run {
            base_url,
            filter,
            jobs,
            junit,
            json,
            vars,
            state_url,
            state_token,
            expected_failures,
            timeout,
        } => {
            let expected = match expected_failures.map(|path| fixtures.expected_failures(&path)) {
                None => ExpectedFailures::default(),
                Some(Ok(list)) => list,
                Some(Err(errors)) => return harness_error(&errors),
            };
            let vars = settings(&fixtures, vars);
            let options = RunOptions {
                base_url,
                vars,
                state_url,
                state_token,
                timeout: Duration::from_secs(timeout.max(1)),
                now: None,
            };
            let cases: Vec<Case> = fixtures
                .cases
                .iter()
                .filter(|c| filter.keeps(c))
                .cloned()
                .collect();
            if cases.is_empty() {
                return harness_error(&["no case matches the filter".to_owned()]);
            }
            let runner = match Runner::new(Arc::new(fixtures), options) {
                Ok(runner) => Arc::new(runner),
                Err(error) => return harness_error(&[error]),
            };
            let results = run(runner, cases, expected, jobs);
            finish(&results, junit, json)
        }
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

fn run(
    runner: Arc<Runner>,
    cases: Vec<Case>,
    expected: ExpectedFailures,
    jobs: usize,
) -> Vec<CaseResult> {
    let total = cases.len();
    eprintln!("running {total} cases");
    let progress = Arc::new(|result: &CaseResult| {
        eprintln!("{}", report::progress_line(result));
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

fn finish(results: &[CaseResult], junit: Option<PathBuf>, json: Option<PathBuf>) -> ExitCode {
    if results.is_empty() {
        return ExitCode::from(EXIT_HARNESS_ERROR as u8);
    }
    let mut out = std::io::stdout().lock();
    for detail in results.iter().filter_map(report::details) {
        let _ = writeln!(out, "\n{detail}");
    }
    let _ = writeln!(out, "\n{}", report::summary(results));
    let written = [
        (junit, report::junit(results)),
        (json, report::json(results)),
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
