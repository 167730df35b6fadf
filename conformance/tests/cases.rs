//! Every fixture as an insta snapshot test, one test per case, against the
//! worker's native host (the same router as in Workers, SQLite for D1), each
//! case on a fresh app. `cargo insta review` accepts a snapshot; the CLI
//! compares other implementations with the very same files.
//!
//! Cases in `fixtures/expected-failures.toml` must fail: one that passes fails
//! the run, so the list cannot go stale.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use conformance::load::ExpectedFailures;
use conformance::runner::{Level, StateLoading};
use conformance::{Case, Fixtures, Outcome, RunOptions, Runner};
use indexmap::IndexMap;
use libtest_mimic::{Arguments, Failed, Trial};
use switchboard::config::Config;
use switchboard::platform::native::{self, NativePlatform};

/// At least 32 bytes: a shorter token serves no provider states.
const STATE_TOKEN: &str = "conformance-state-token-of-32-bytes-at-least";

/// The settings of the native app (the XiVO credentials are run variables
/// too). The Pusher app is configured so that `/pusher/auth` signs; events go
/// to the built-in realtime server, in memory on the native host.
const SETTINGS: [(&str, &str); 10] = [
    ("ENVIRONMENT", "development"),
    ("XIVO_USERNAME", "conformance-xivo"),
    ("XIVO_PASSWORD", "conformance-xivo-password"),
    ("JWT_SECRET", "conformance-jwt-secret-of-at-least-32-bytes"),
    ("CONFORMANCE_STATE_TOKEN", STATE_TOKEN),
    ("PUSHER_APP_ID", "conformance"),
    ("PUSHER_KEY", "conformance-key"),
    ("PUSHER_SECRET", "conformance-pusher-secret"),
    (
        "ADMIN_API_KEY",
        "conformance-admin-api-key-of-32-bytes-at-least",
    ),
    // Short, so that the stale-nonce case waits 3 s, not 5 min.
    ("XIVO_NONCE_LIFETIME", "2"),
];

/// One of the app's settings.
fn setting(name: &str) -> String {
    SETTINGS
        .iter()
        .find(|(key, _)| *key == name)
        .map(|(_, value)| (*value).to_owned())
        .unwrap_or_else(|| panic!("no setting {name}"))
}

fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A fresh app without demo data, on a free port; returns its base URL.
async fn spawn_app() -> String {
    let (config, _) = Config::load(|name| {
        SETTINGS
            .iter()
            .any(|(key, _)| *key == name)
            .then(|| setting(name))
            .into()
    });
    let platform =
        NativePlatform::new(&project_root(), config, false).expect("the native platform starts");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a free port");
    let base = format!("http://{}", listener.local_addr().expect("an address"));
    tokio::spawn(native::serve(listener, platform.state()));
    base
}

fn run_variables(fixtures: &Fixtures) -> IndexMap<String, String> {
    let mut vars: IndexMap<String, String> = fixtures
        .settings
        .iter()
        .filter_map(|(name, s)| s.default.clone().map(|d| (name.clone(), d)))
        .collect();
    vars.insert("xivo_username".into(), setting("XIVO_USERNAME"));
    vars.insert("xivo_password".into(), setting("XIVO_PASSWORD"));
    vars.insert("callpower_api_key".into(), setting("ADMIN_API_KEY"));
    vars.insert("xivo_nonce_wait".into(), "3".into());
    vars
}

fn check(fixtures: Arc<Fixtures>, expected: &ExpectedFailures, case: &Case) -> Result<(), Failed> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    runtime.block_on(async {
        let base_url = spawn_app().await;
        let vars = run_variables(&fixtures);
        let runner = Runner::new(
            fixtures.clone(),
            RunOptions {
                base_url,
                vars,
                states: StateLoading::Route {
                    url: None,
                    token: Some(STATE_TOKEN.to_owned()),
                },
                level: Level::Snapshot,
                timeout: Duration::from_secs(10),
                now: None,
            },
        )?;
        let execution = runner.execute(case).await;

        if let Some(reason) = expected.reason(&case.id) {
            return match runner.judge(case, &execution) {
                Outcome::Pass => Err(format!(
                    "passes, but fixtures/expected-failures.toml says it fails ({reason}): remove it from the list"
                )
                .into()),
                _ => Ok(()),
            };
        }
        if let Some(error) = &execution.harness_error {
            return Err(format!("harness error: {error}").into());
        }
        if !execution.problems.is_empty() {
            let problems: Vec<String> = execution.problems.iter().map(ToString::to_string).collect();
            return Err(problems.join("\n").into());
        }
        let name = case.id.rsplit('/').next().unwrap_or_default().to_owned();
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_path(fixtures.snapshot_dir(&case.api));
        settings.set_prepend_module_to_snapshot(false);
        settings.set_omit_expression(true);
        settings.set_description(format!("{}\n{}", case.title, case.provenance()));
        settings.bind(|| insta::assert_snapshot!(name, execution.rendered()));
        Ok(())
    })
}

fn main() {
    let args = Arguments::from_args();
    let root = project_root().join("fixtures");
    let fixtures = match Fixtures::load(&root) {
        Ok(fixtures) => Arc::new(fixtures),
        Err(errors) => {
            eprintln!("the fixtures do not load:\n{}", errors.join("\n"));
            std::process::exit(101);
        }
    };
    let expected = match fixtures.expected_failures(&root.join("expected-failures.toml")) {
        Ok(list) => Arc::new(list),
        Err(errors) => {
            eprintln!("{}", errors.join("\n"));
            std::process::exit(101);
        }
    };
    let trials = fixtures
        .cases
        .iter()
        .map(|case| {
            let (fixtures, expected, case) = (fixtures.clone(), expected.clone(), case.clone());
            let ignored = expected.reason(&case.id).is_some();
            Trial::test(case.id.clone(), move || check(fixtures, &expected, &case))
                .with_kind(if ignored { "xfail" } else { "" })
        })
        .collect();
    libtest_mimic::run(&args, trials).exit();
}
