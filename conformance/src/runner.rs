//! The runner: turns steps into HTTP requests, loads provider states, records
//! and judges the answers. Cases of one API run one after another (they may
//! share its data); the APIs run side by side.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use indexmap::IndexMap;
use serde::Serialize;
use serde_json::Value;

use crate::compare;
use crate::digest;
use crate::load::{ExpectedFailures, Fixtures};
use crate::model::{Auth, Capture, Case, DigestAuth, Step};
use crate::problem::{Against, Difference, Problem};
use crate::record::{render, RawResponse, Record};
use crate::shell::{self, SentRequest};
use crate::vars::{self, Unresolved};

/// How to reach the implementation under test.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// E.g. `http://127.0.0.1:8787`, without a trailing slash.
    pub base_url: String,
    /// The run's settings (`{{xivo_username}}`, ...).
    pub vars: IndexMap<String, String>,
    /// How the datasets cases ask for are loaded.
    pub states: StateLoading,
    /// What is checked.
    pub level: Level,
    /// How long one request may take.
    pub timeout: Duration,
    /// The instant `{{now}}`, `{{now-7d}}`, ... count from, for every case;
    /// `None` (a real run) takes the clock as each case starts.
    pub now: Option<DateTime<Utc>>,
}

/// How the dataset a case names (its provider state) is loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StateLoading {
    /// `POST` it to the implementation's state route, with a bearer token.
    Route {
        /// Default: `<base URL>/__conformance/state`.
        url: Option<String>,
        token: Option<String>,
    },
    /// Run a command: `sh -c '<command> "$@"'` with the API's name and the
    /// path of a file holding the dataset; exit code 0 means loaded.
    Command(String),
    /// Load none: the cases that need one are skipped.
    Skip,
}

/// What a run checks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Only what the documents show: each step's `documented` block, on the
    /// raw answer.
    Documented,
    /// That, and the whole answer against the reviewed snapshot.
    #[default]
    Snapshot,
}

/// A captured value this long or longer (a token, a nonce) is never shown
/// in a report, in case it is a credential; shorter ones (ids) are.
const HIDDEN_CAPTURE_LENGTH: usize = 20;

/// How long a state command may take.
const STATE_COMMAND_TIMEOUT: Duration = Duration::from_secs(120);

/// What running a case's steps gave, before any snapshot is looked at.
#[derive(Debug, Clone, Default)]
pub struct Execution {
    pub records: Vec<Record>,
    /// Problems found while running: documented answers, forms, JSON, time.
    pub problems: Vec<Problem>,
    /// The run could not go on for a reason that is not the implementation's
    /// answer (unreachable server, missing setting, refused provider state).
    pub harness_error: Option<String>,
    /// The requests sent, one per step run, with secret settings shown as
    /// `${CONFORMANCE_<NAME>}`.
    pub requests: Vec<SentRequest>,
    /// The case stopped before its last step (a timeout, a failed capture).
    pub stopped: bool,
    /// Why the case was not run (it needs a state and none is loaded).
    pub skipped: Option<String>,
    /// Values captured during the run that reports must not show (a
    /// login's token), each with the shell variable shown instead.
    pub hidden: Vec<(String, String)>,
}

impl Execution {
    /// The snapshot text of the records.
    pub fn rendered(&self) -> String {
        render(&self.records)
    }
}

/// A case's verdict against its snapshot.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Pass,
    Fail(Vec<Problem>),
    MissingSnapshot,
    HarnessError(String),
    /// Not run, for this reason.
    Skipped(String),
}

impl Outcome {
    /// Replaces each of `hidden`'s values by what reports show instead,
    /// wherever the outcome tells of it (an error naming a URL with a key,
    /// an answer echoing a token).
    pub fn hide(&mut self, hidden: &[(String, String)]) {
        if hidden.is_empty() {
            return;
        }
        let hide = |text: &str| crate::problem::hide(text, hidden);
        match self {
            Self::HarnessError(error) | Self::Skipped(error) => *error = hide(error),
            Self::Fail(problems) => problems.iter_mut().for_each(|p| p.map_text(&hide)),
            Self::Pass | Self::MissingSnapshot => {}
        }
    }
}

/// The verdict once the list of expected failures is applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Pass,
    Fail,
    MissingSnapshot,
    HarnessError,
    ExpectedFailure,
    UnexpectedPass,
    Skipped,
}

/// A case, what it gave, and the verdict.
#[derive(Debug, Clone)]
pub struct CaseResult {
    pub case: Case,
    pub execution: Execution,
    pub outcome: Outcome,
    pub expected_failure: Option<String>,
    pub duration: Duration,
}

impl CaseResult {
    pub fn verdict(&self) -> Verdict {
        match (&self.outcome, &self.expected_failure) {
            (Outcome::Skipped(_), _) => Verdict::Skipped,
            (Outcome::Pass, Some(_)) => Verdict::UnexpectedPass,
            (_, Some(_)) => Verdict::ExpectedFailure,
            (Outcome::Pass, None) => Verdict::Pass,
            (Outcome::Fail(_), None) => Verdict::Fail,
            (Outcome::MissingSnapshot, None) => Verdict::MissingSnapshot,
            (Outcome::HarnessError(_), None) => Verdict::HarnessError,
        }
    }

    /// The request to reproduce: the step of the first problem, or the last sent.
    pub fn failing_request(&self) -> Option<&SentRequest> {
        self.execution.requests.get(self.failing_step()?)
    }

    /// The index of the request to reproduce.
    fn failing_step(&self) -> Option<usize> {
        let step = match &self.outcome {
            Outcome::Fail(problems) => problems.iter().find_map(Problem::step),
            _ => None,
        };
        let sent = self.execution.requests.len();
        match step {
            Some(step) if (1..=sent).contains(&step) => Some(step - 1),
            _ => sent.checked_sub(1),
        }
    }

    /// Shell lines that send the case's requests again up to the one to
    /// reproduce, which shows its answer: captured values (a login's token)
    /// are shell variables set from the step that captured them, secret
    /// settings are read from `CONFORMANCE_<NAME>`.
    pub fn reproduce(&self) -> Option<String> {
        let last = self.failing_step()?;
        let mut notes = Vec::new();
        if let Some(state) = &self.case.state {
            notes.push(format!(
                "first load provider state {state:?} (datasets/{state}.json)"
            ));
        }
        Some(shell::reproduce(&self.execution.requests[..=last], &notes))
    }
}

pub struct Runner {
    client: reqwest::Client,
    options: RunOptions,
    fixtures: Arc<Fixtures>,
}

enum Sent {
    Answer(RawResponse),
    Timeout,
}

impl Runner {
    pub fn new(fixtures: Arc<Fixtures>, mut options: RunOptions) -> Result<Self, String> {
        options.base_url = options.base_url.trim_end_matches('/').to_owned();
        url::Url::parse(&options.base_url)
            .map_err(|e| format!("base URL {:?}: {e}", options.base_url))?;
        let client = reqwest::Client::builder()
            .timeout(options.timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| format!("HTTP client: {e}"))?;
        Ok(Self {
            client,
            options,
            fixtures,
        })
    }

    pub fn fixtures(&self) -> &Fixtures {
        &self.fixtures
    }

    pub fn options(&self) -> &RunOptions {
        &self.options
    }

    /// Runs a case's steps in order (after loading its state, if any). Its
    /// dataset and its steps count their instants from one `now`.
    pub async fn execute(&self, case: &Case) -> Execution {
        let mut execution = Execution::default();
        let now = self.options.now.unwrap_or_else(Utc::now);
        if self.options.level == Level::Documented
            && case.steps.iter().all(|s| s.documented.is_none())
        {
            execution.skipped = Some(
                "the document shows no answer for these requests: nothing to check at level documented"
                    .into(),
            );
            return execution;
        }
        if let Some(state) = &case.state {
            if self.options.states == StateLoading::Skip {
                execution.skipped = Some(format!(
                    "needs provider state {state:?}, and the run loads none (--no-state)"
                ));
                return execution;
            }
            if let Err(error) = self.load_state(state, now).await {
                execution.harness_error = Some(error);
                return execution;
            }
        }
        let mut vars = self.options.vars.clone();
        let mut shown = self.shown(&vars);
        for (i, step) in case.steps.iter().enumerate() {
            let number = i + 1;
            let request = match self.build(step, &vars, now) {
                Ok(request) => request,
                Err(error) => {
                    execution.harness_error =
                        Some(error.describe(&format!("step {number}"), |name| {
                            format!(
                                "set it with --var {name}=... or CONFORMANCE_{}",
                                name.to_ascii_uppercase()
                            )
                        }));
                    return execution;
                }
            };
            execution.requests.push(
                self.build(step, &shown, now)
                    .unwrap_or_else(|_| request.clone()),
            );
            let response = match self.send_step(&request).await {
                Ok(Sent::Answer(response)) => response,
                Ok(Sent::Timeout) => {
                    execution.problems.push(Problem::Timeout {
                        step: number,
                        seconds: self.options.timeout.as_secs(),
                    });
                    execution.stopped = true;
                    return execution;
                }
                Err(error) => {
                    execution.harness_error = Some(error);
                    return execution;
                }
            };
            let (record, problems) = Record::of(step, number, &response);
            execution.problems.extend(problems);
            execution
                .problems
                .extend(documented_problems(step, number, &response));
            execution.records.push(record);
            for (name, capture) in &step.capture {
                match captured(capture, &response) {
                    Ok(value) => {
                        shown.insert(name.clone(), shell::reference(name));
                        if value.len() >= HIDDEN_CAPTURE_LENGTH {
                            execution
                                .hidden
                                .push((value.clone(), format!("${{{}}}", shell::variable(name))));
                        }
                        vars.insert(name.clone(), value);
                    }
                    Err(reason) => {
                        execution.problems.push(Problem::Capture {
                            step: number,
                            name: name.clone(),
                            reason,
                        });
                        execution.stopped = number < case.steps.len();
                        return execution;
                    }
                }
            }
        }
        execution
    }

    /// Compares an execution with the case's snapshot file.
    pub fn judge(&self, case: &Case, execution: &Execution) -> Outcome {
        if let Some(error) = &execution.harness_error {
            return Outcome::HarnessError(error.clone());
        }
        if let Some(reason) = &execution.skipped {
            return Outcome::Skipped(reason.clone());
        }
        if self.options.level == Level::Documented {
            let problems: Vec<Problem> = execution
                .problems
                .iter()
                .filter(|p| p.is_documented())
                .cloned()
                .collect();
            return if problems.is_empty() {
                Outcome::Pass
            } else {
                Outcome::Fail(problems)
            };
        }
        let stored = match self.fixtures.snapshot(case) {
            Ok(stored) => stored,
            Err(error) => return Outcome::HarnessError(error),
        };
        let mut problems = execution.problems.clone();
        match stored {
            None if problems.is_empty() => return Outcome::MissingSnapshot,
            None => {}
            Some(stored) => {
                let actual = serde_json::to_value(&execution.records).unwrap_or(Value::Null);
                let actual = crate::record::canonical(&actual);
                match compare::against_snapshot(&stored, &actual, !execution.stopped) {
                    Ok(found) => problems.extend(found),
                    Err(error) => return Outcome::HarnessError(error),
                }
            }
        }
        if problems.is_empty() {
            Outcome::Pass
        } else {
            Outcome::Fail(problems)
        }
    }

    pub async fn run(&self, case: &Case, expected: &ExpectedFailures) -> CaseResult {
        let started = Instant::now();
        let mut execution = self.execute(case).await;
        let mut outcome = self.judge(case, &execution);
        let mut hidden = self.secrets();
        hidden.extend(execution.hidden.iter().cloned());
        outcome.hide(&hidden);
        // What is shown or recorded of the answers hides them too.
        for record in &mut execution.records {
            record.hide(&hidden);
        }
        CaseResult {
            expected_failure: expected.reason(&case.id).map(str::to_owned),
            case: case.clone(),
            execution,
            outcome,
            duration: started.elapsed(),
        }
    }

    /// Runs `cases`: each API's cases in order, at most `jobs` APIs at once,
    /// calling `progress` as each case ends. Results come in case order.
    pub async fn run_all(
        self: Arc<Self>,
        cases: Vec<Case>,
        expected: Arc<ExpectedFailures>,
        jobs: usize,
        progress: Arc<dyn Fn(&CaseResult) + Send + Sync>,
    ) -> Vec<CaseResult> {
        let all = cases.clone();
        let mut lanes: IndexMap<String, Vec<Case>> = IndexMap::new();
        for case in cases {
            lanes.entry(case.api.clone()).or_default().push(case);
        }
        let permits = Arc::new(tokio::sync::Semaphore::new(jobs.max(1)));
        let mut handles = Vec::new();
        for (_, lane) in lanes {
            let runner = self.clone();
            let expected = expected.clone();
            let permits = permits.clone();
            let progress = progress.clone();
            handles.push(tokio::spawn(async move {
                let _permit = permits.acquire_owned().await;
                let mut results = Vec::new();
                for case in lane {
                    let result = runner.run(&case, &expected).await;
                    progress(&result);
                    results.push(result);
                }
                results
            }));
        }
        let mut finished: IndexMap<String, CaseResult> = IndexMap::new();
        for handle in handles {
            if let Ok(lane) = handle.await {
                finished.extend(lane.into_iter().map(|r| (r.case.id.clone(), r)));
            }
        }
        // In case order; a case whose lane stopped early is a harness error,
        // never a silent gap in the results.
        all.into_iter()
            .map(|case| {
                finished
                    .shift_remove(&case.id)
                    .unwrap_or_else(|| CaseResult {
                        outcome: Outcome::HarnessError(
                            "the run stopped before this case finished".into(),
                        ),
                        expected_failure: None,
                        execution: Execution::default(),
                        duration: Duration::ZERO,
                        case,
                    })
            })
            .collect()
    }

    /// The values of the secret settings, each with the reference a report
    /// shows instead (`${CONFORMANCE_<NAME>}`).
    fn secrets(&self) -> Vec<(String, String)> {
        self.options
            .vars
            .iter()
            .filter(|(name, value)| {
                !value.is_empty() && self.fixtures.settings.get(*name).is_some_and(|s| s.secret)
            })
            .map(|(name, value)| {
                (
                    value.clone(),
                    format!("${{CONFORMANCE_{}}}", name.to_ascii_uppercase()),
                )
            })
            .collect()
    }

    /// The variables as a reproduced request shows them: secret settings as
    /// references to their environment variables.
    pub fn shown(&self, vars: &IndexMap<String, String>) -> IndexMap<String, String> {
        vars.iter()
            .map(|(name, value)| {
                let secret = self.fixtures.settings.get(name).is_some_and(|s| s.secret);
                let value = if secret {
                    shell::reference(&format!("CONFORMANCE_{}", name.to_ascii_uppercase()))
                } else {
                    value.clone()
                };
                (name.clone(), value)
            })
            .collect()
    }

    async fn load_state(&self, name: &str, now: DateTime<Utc>) -> Result<(), String> {
        let text = self.fixtures.dataset(name)?;
        let text = vars::substitute(&text, &self.options.vars, now).map_err(|error| {
            error.describe(&format!("dataset {name:?}"), |missing| {
                format!("set it with --var {missing}=...")
            })
        })?;
        let dataset: Value = serde_json::from_str(&text).map_err(|e| {
            format!(
                "{}: {e}",
                self.fixtures
                    .source
                    .describe(&format!("datasets/{name}.json"))
            )
        })?;
        match &self.options.states {
            StateLoading::Route { url, token } => {
                self.post_state(name, dataset, url.as_deref(), token.as_deref())
                    .await
            }
            StateLoading::Command(command) => run_state_command(command, name, &dataset).await,
            StateLoading::Skip => Ok(()),
        }
    }

    async fn post_state(
        &self,
        name: &str,
        dataset: Value,
        url: Option<&str>,
        token: Option<&str>,
    ) -> Result<(), String> {
        let token = token.ok_or_else(|| {
            format!("the case needs provider state {name:?}: give --state-token (or CONFORMANCE_STATE_TOKEN), --state-command, or --no-state")
        })?;
        let body = serde_json::json!({ "state": name, "dataset": dataset }).to_string();
        let url = url
            .map(str::to_owned)
            .unwrap_or_else(|| format!("{}/__conformance/state", self.options.base_url));
        let request = SentRequest {
            method: "POST".into(),
            url,
            headers: vec![
                ("authorization".into(), format!("Bearer {token}")),
                ("content-type".into(), "application/json".into()),
            ],
            basic: None,
            body: Some(body),
            omit: Vec::new(),
            digest: None,
            wait: None,
            captures: Vec::new(),
        };
        let mut answer = self.send(&request).await?;
        // A state route that says it is briefly unavailable (503 with
        // Retry-After in seconds, as a server restarting says it) is asked
        // once more after that wait. Only the loading of data is retried:
        // the case's own requests are what is judged.
        if let Sent::Answer(response) = &answer {
            if let Some(seconds) = retry_after(response) {
                tokio::time::sleep(Duration::from_secs(seconds)).await;
                answer = self.send(&request).await?;
            }
        }
        match answer {
            Sent::Answer(response) if (200..300).contains(&response.status) => Ok(()),
            Sent::Answer(response) => Err(format!(
                "the implementation refused provider state {name:?}: {} {}",
                response.status,
                String::from_utf8_lossy(&response.body)
            )),
            Sent::Timeout => Err(format!("loading provider state {name:?} timed out")),
        }
    }

    /// The request a step becomes with `vars` and the case's `now`.
    pub fn build(
        &self,
        step: &Step,
        vars: &IndexMap<String, String>,
        now: DateTime<Utc>,
    ) -> Result<SentRequest, Unresolved> {
        let sub = |text: &str| vars::substitute(text, vars, now);
        let path = sub(&step.path)?;
        // A captured Location may be a whole URL: its path and query are
        // asked of the implementation under test, whatever host it names (a
        // server behind a proxy may name its own).
        let path = match url::Url::parse(&path) {
            Ok(whole) if whole.has_host() => match whole.query() {
                Some(query) => format!("{}?{query}", whole.path()),
                None => whole.path().to_owned(),
            },
            _ => path,
        };
        let mut url = format!("{}{path}", self.options.base_url);
        if !step.query.is_empty() {
            let mut query = url::form_urlencoded::Serializer::new(String::new());
            for (name, value) in &step.query {
                query.append_pair(name, &sub(value)?);
            }
            url = format!("{url}?{}", query.finish());
        }
        let mut headers = Vec::new();
        for (name, value) in &step.headers {
            headers.push((name.to_ascii_lowercase(), sub(value)?));
        }
        let mut basic = None;
        let mut digest = None;
        match &step.auth {
            Some(Auth::Basic(user, password)) => basic = Some((sub(user)?, sub(password)?)),
            Some(Auth::Digest(given)) => {
                let optional = |text: &Option<String>| text.as_deref().map(sub).transpose();
                digest = Some(DigestAuth {
                    user: sub(&given.user)?,
                    password: sub(&given.password)?,
                    nonce: optional(&given.nonce)?,
                    uri: optional(&given.uri)?,
                    method: optional(&given.method)?,
                });
            }
            Some(Auth::Bearer(token)) => {
                headers.push(("authorization".into(), format!("Bearer {}", sub(token)?)));
            }
            None => {}
        }
        let has_type = headers.iter().any(|(n, _)| n == "content-type");
        let body = if let Some(json) = &step.json {
            if !has_type {
                headers.push(("content-type".into(), "application/json".into()));
            }
            Some(sub(json)?)
        } else if let Some(form) = &step.form {
            if !has_type {
                headers.push((
                    "content-type".into(),
                    "application/x-www-form-urlencoded".into(),
                ));
            }
            let mut encoded = url::form_urlencoded::Serializer::new(String::new());
            for (name, value) in form {
                encoded.append_pair(name, &sub(value)?);
            }
            Some(encoded.finish())
        } else {
            step.body.as_deref().map(sub).transpose()?
        };
        Ok(SentRequest {
            method: step.method.clone(),
            url,
            headers,
            basic,
            body,
            omit: step.omit_headers.clone(),
            digest,
            captures: step
                .capture
                .iter()
                .map(|(name, capture)| (name.clone(), capture.clone()))
                .collect(),
            wait: match &step.wait {
                Some(seconds) => {
                    Some(
                        sub(seconds)?
                            .trim()
                            .parse()
                            .map_err(|_| Unresolved::Instant {
                                expression: seconds.clone(),
                                reason: "is not a whole number of seconds to wait".into(),
                            })?,
                    )
                }
                None => None,
            },
        })
    }

    /// Sends a step's request: after its wait, and, with Digest
    /// credentials, as a challenge and its answer (a stale nonce answered
    /// once more with the fresh one).
    async fn send_step(&self, request: &SentRequest) -> Result<Sent, String> {
        if let Some(seconds) = request.wait {
            tokio::time::sleep(Duration::from_secs(seconds)).await;
        }
        let Some(credentials) = &request.digest else {
            return self.send(request).await;
        };
        let mut answer = self.send(request).await?;
        let cnonce = uuid::Uuid::new_v4().simple().to_string();
        for attempt in 0..2 {
            let Sent::Answer(response) = &answer else {
                return Ok(answer);
            };
            let found = digest::challenges(response.headers_named("www-authenticate"));
            let Some(challenge) = digest::choose(&found) else {
                return Ok(answer);
            };
            // The first answer is a challenge; a later one only when it says
            // the nonce went stale (and the case does not bring its own).
            let retry = attempt == 0 || (challenge.stale && credentials.nonce.is_none());
            if response.status != 401 || !retry {
                return Ok(answer);
            }
            let uri = credentials
                .uri
                .clone()
                .unwrap_or_else(|| target(&request.url));
            let header = digest::authorization(
                challenge,
                &digest::Answer {
                    user: &credentials.user,
                    password: &credentials.password,
                    method: credentials.method.as_deref().unwrap_or(&request.method),
                    uri: &uri,
                    nonce: credentials.nonce.as_deref().unwrap_or(&challenge.nonce),
                    cnonce: &cnonce,
                    count: 1,
                },
            );
            let mut authorized = request.clone();
            authorized.headers.push(("authorization".into(), header));
            answer = self.send(&authorized).await?;
        }
        Ok(answer)
    }

    async fn send(&self, request: &SentRequest) -> Result<Sent, String> {
        if !request.omit.is_empty() {
            let answer = crate::bare::send(
                &request.method,
                &request.url,
                &request.headers,
                request.basic.as_ref(),
                request.body.as_deref(),
                self.options.timeout,
            )
            .await?;
            return Ok(answer.map_or(Sent::Timeout, Sent::Answer));
        }
        let method = reqwest::Method::from_bytes(request.method.as_bytes())
            .map_err(|e| format!("method {:?}: {e}", request.method))?;
        let mut builder = self.client.request(method, &request.url);
        if let Some((user, password)) = &request.basic {
            builder = builder.basic_auth(user, Some(password));
        }
        for (name, value) in &request.headers {
            builder = builder.header(name, value);
        }
        if let Some(body) = &request.body {
            builder = builder.body(body.clone());
        }
        let response = match builder.send().await {
            Ok(response) => response,
            Err(e) if e.is_timeout() => return Ok(Sent::Timeout),
            Err(e) if e.is_connect() => {
                return Err(format!(
                    "cannot connect to {}: {}",
                    request.url,
                    error_chain(&e)
                ))
            }
            Err(e) => {
                return Err(format!(
                    "{} {}: {}",
                    request.method,
                    request.url,
                    error_chain(&e)
                ))
            }
        };
        let status = response.status().as_u16();
        let headers = RawResponse::header_pairs(response.headers());
        match response.bytes().await {
            Ok(body) => Ok(Sent::Answer(RawResponse {
                status,
                headers,
                body: body.to_vec(),
            })),
            Err(e) if e.is_timeout() => Ok(Sent::Timeout),
            Err(e) => Err(format!(
                "reading the answer of {}: {}",
                request.url,
                error_chain(&e)
            )),
        }
    }
}

/// Loads a dataset by running the user's command: `sh -c '<command> "$@"'
/// conformance <api> <file>`, the file holding the dataset (variables and
/// instants replaced), with `CONFORMANCE_STATE`, `CONFORMANCE_API` and
/// `CONFORMANCE_DATASET` set. Exit code 0 means loaded.
async fn run_state_command(command: &str, name: &str, dataset: &Value) -> Result<(), String> {
    let api = dataset
        .get("api")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let file = std::env::temp_dir().join(format!(
        "conformance-state-{}-{name}.json",
        uuid::Uuid::new_v4().simple()
    ));
    let text = serde_json::to_string_pretty(dataset).map_err(|e| e.to_string())?;
    std::fs::write(&file, text).map_err(|e| format!("{}: {e}", file.display()))?;
    let child = tokio::process::Command::new("sh")
        .arg("-c")
        .arg(format!("{command} \"$@\""))
        .arg("conformance")
        .arg(&api)
        .arg(&file)
        .env("CONFORMANCE_STATE", name)
        .env("CONFORMANCE_API", &api)
        .env("CONFORMANCE_DATASET", &file)
        .stdin(std::process::Stdio::null())
        .kill_on_drop(true)
        .output();
    let finished = tokio::time::timeout(STATE_COMMAND_TIMEOUT, child).await;
    let _ = std::fs::remove_file(&file);
    let output = match finished {
        Err(_) => {
            return Err(format!(
                "the state command did not finish loading {name:?} within {} s",
                STATE_COMMAND_TIMEOUT.as_secs()
            ))
        }
        Ok(Err(e)) => return Err(format!("the state command cannot start: {e}")),
        Ok(Ok(output)) => output,
    };
    if output.status.success() {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    let tail: Vec<&str> = stderr.lines().rev().take(10).collect();
    let tail: Vec<&str> = tail.into_iter().rev().collect();
    Err(format!(
        "the state command failed to load {name:?} ({}){}",
        output.status,
        if tail.is_empty() {
            String::new()
        } else {
            format!(": {}", tail.join("\n"))
        }
    ))
}

/// The wait a `503` asks for with `Retry-After` in seconds, at most
/// `MAX_STATE_RETRY_WAIT`; `None` for any other answer.
fn retry_after(response: &RawResponse) -> Option<u64> {
    if response.status != 503 {
        return None;
    }
    let seconds: u64 = response.header("retry-after")?.trim().parse().ok()?;
    Some(seconds.min(MAX_STATE_RETRY_WAIT))
}

/// The longest wait asked of a state route that is briefly unavailable.
const MAX_STATE_RETRY_WAIT: u64 = 10;

/// The request target of `url`: its path and query.
fn target(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(url) => match url.query() {
            Some(query) => format!("{}?{query}", url.path()),
            None => url.path().to_owned(),
        },
        Err(_) => url.to_owned(),
    }
}

fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    text
}

fn captured(capture: &Capture, response: &RawResponse) -> Result<String, String> {
    match capture {
        Capture::Challenge(parameter) => {
            let found = digest::challenges(response.headers_named("www-authenticate"));
            let challenge = digest::choose(&found)
                .or(found.first())
                .ok_or("no Digest challenge in the answer")?;
            match parameter.as_str() {
                "nonce" => Ok(challenge.nonce.clone()),
                "realm" => Ok(challenge.realm.clone()),
                "opaque" => challenge.opaque.clone().ok_or_else(|| "no opaque".into()),
                "algorithm" => Ok(challenge.algorithm.clone()),
                other => Err(format!("a challenge has no parameter {other:?} to capture")),
            }
        }
        Capture::Header(name) => response
            .header(name)
            .map(str::to_owned)
            .ok_or_else(|| format!("no {name} header in the answer")),
        Capture::Json(pointer) => {
            let body = response.json().ok_or("the answer is not JSON")?;
            match body.pointer(pointer) {
                Some(Value::String(s)) => Ok(s.clone()),
                Some(Value::Null) | None => Err(format!("nothing at {pointer}")),
                Some(other) => Ok(other.to_string()),
            }
        }
    }
}

fn normalize_header(value: &str) -> String {
    value
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_lowercase()
}

/// Checks an answer against what the document shows for the step.
fn documented_problems(step: &Step, number: usize, response: &RawResponse) -> Vec<Problem> {
    let Some(documented) = &step.documented else {
        return Vec::new();
    };
    let problem = |difference| Problem::Differs {
        step: number,
        against: Against::Document,
        difference,
    };
    let mut problems = Vec::new();
    if let Some(status) = documented.status.filter(|s| *s != response.status) {
        problems.push(problem(Difference::Value {
            path: "$.status".into(),
            expected: status.into(),
            actual: response.status.into(),
        }));
    }
    for (name, want) in &documented.headers {
        let path = format!("$.headers.{}", name.to_ascii_lowercase());
        match response.header(name) {
            None => problems.push(problem(Difference::Missing {
                path,
                expected: want.clone().into(),
            })),
            // A value with a placeholder is a template (`[origin]/1.0/users/67`).
            Some(got)
                if crate::redact::fits_placeholder(want, &Value::String(got.to_owned()))
                    .unwrap_or_else(|| normalize_header(got) == normalize_header(want)) => {}
            Some(got) => problems.push(problem(Difference::Value {
                path,
                expected: want.clone().into(),
                actual: got.into(),
            })),
        }
    }
    if let Some(body) = &documented.body {
        let Ok(want) = serde_json::from_str::<Value>(body) else {
            return problems;
        };
        let text = String::from_utf8_lossy(&response.body);
        let got = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or_else(|_| Value::String(text.into_owned()))
        };
        problems.extend(
            compare::diff_documented(&want, &got)
                .into_iter()
                .map(|d| problem(d.moved(|path| format!("$.body{}", &path[1..])))),
        );
    }
    problems
}
