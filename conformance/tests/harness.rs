//! The harness itself, against mock implementations (wiremock): a conforming
//! one passes, and every kind of deviation is reported precisely; the CLI's
//! exit codes and its JUnit report.

use std::path::Path;
use std::process::Output;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, NaiveDateTime, TimeDelta, Utc};
use conformance::load::ExpectedFailures;
use conformance::problem::{Against, Difference};
use conformance::runner::{Level, StateLoading};
use conformance::{Fixtures, Outcome, Problem, RunOptions, Runner};
use serde_json::json;
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A fixtures folder with one XiVO case, `xivo/thing`.
fn fixtures_with(case: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write_fixtures(dir.path(), case);
    dir
}

/// A repository: a fixtures folder named `folder` with one XiVO case,
/// `xivo/thing`, beside `docs/xivo.md` when `xivo_docs` is given.
fn repository_with(folder: &str, case: &str, xivo_docs: Option<&str>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let fixtures = dir.path().join(folder);
    std::fs::create_dir_all(&fixtures).unwrap();
    write_fixtures(&fixtures, case);
    if let Some(text) = xivo_docs {
        std::fs::create_dir_all(dir.path().join("docs")).unwrap();
        std::fs::write(dir.path().join("docs/xivo.md"), text).unwrap();
    }
    dir
}

/// Writes the settings, endpoints, a dataset and the case `xivo/thing`.
fn write_fixtures(root: &Path, case: &str) {
    std::fs::write(
        root.join("settings.toml"),
        "[user]\ndescription = \"a user name\"\ndefault = \"jane\"\n\n\
         [password]\ndescription = \"a password\"\nsecret = true\n",
    )
    .unwrap();
    std::fs::write(
        root.join("endpoints.toml"),
        "[\"xivo-restapi.rst\"]\napi = \"xivo\"\nendpoints = [\"GET /things\", \"POST /login\"]\n",
    )
    .unwrap();
    std::fs::create_dir_all(root.join("xivo/snapshots")).unwrap();
    std::fs::create_dir_all(root.join("datasets")).unwrap();
    std::fs::write(
        root.join("datasets/two-things.json"),
        r#"{"api": "xivo", "description": "two things", "records": {"things": [{"id": 1, "owner": "{{user}}"}]}}"#,
    )
    .unwrap();
    std::fs::write(root.join("xivo/thing.toml"), case).unwrap();
}

const THING_CASE: &str = r#"
title = "Get a thing"
document = "xivo-restapi.rst"
endpoint = "GET /things"
tags = ["xivo", "things", "reads"]

[[steps]]
method = "GET"
path = "/things"
query = { owner = "{{user}}" }
headers_kept = ["content-type", "location"]
redact = { "/id" = "[uuid]" }

[steps.documented]
status = 200
body = '''{"id": "[uuid]", "name": "lamp", "...": "..."}'''
"#;

fn thing() -> serde_json::Value {
    json!({
        "id": "0b6c1f53-8a5d-4f65-9d0e-6a0f3f4c2b1a",
        "name": "lamp",
        "count": 3,
        "created_at": "2016-07-18T10:49:18.000Z"
    })
}

fn answer(body: serde_json::Value) -> ResponseTemplate {
    ResponseTemplate::new(200)
        .set_body_json(body)
        .insert_header("location", "/things/1")
}

async fn serving(response: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/things"))
        .respond_with(response)
        .mount(&server)
        .await;
    server
}

fn runner(root: &Path, base_url: &str, timeout: Duration) -> Runner {
    runner_at(root, base_url, timeout, None)
}

/// A runner whose cases count `{{now...}}` from `now` (the clock if `None`).
fn runner_at(root: &Path, base_url: &str, timeout: Duration, now: Option<DateTime<Utc>>) -> Runner {
    let fixtures = Arc::new(Fixtures::load(root).expect("valid fixtures"));
    let vars = [
        ("user".to_owned(), "jane".to_owned()),
        ("password".to_owned(), "hunter2".to_owned()),
    ]
    .into_iter()
    .collect();
    Runner::new(
        fixtures,
        RunOptions {
            base_url: base_url.to_owned(),
            vars,
            states: StateLoading::Route {
                url: None,
                token: Some("state-secret".to_owned()),
            },
            level: Level::Snapshot,
            timeout,
            now,
        },
    )
    .unwrap()
}

/// Runs the case once against a conforming mock and stores its answer as the
/// snapshot, as a reviewer accepting it would.
async fn accepted_fixtures() -> tempfile::TempDir {
    let dir = fixtures_with(THING_CASE);
    let server = serving(answer(thing())).await;
    let runner = runner(dir.path(), &server.uri(), Duration::from_secs(5));
    let case = &runner.fixtures().cases[0];
    let execution = runner.execute(case).await;
    assert_eq!(runner.judge(case, &execution), Outcome::MissingSnapshot);
    let snap = format!("---\nsource: tests\n---\n{}\n", execution.rendered());
    std::fs::write(dir.path().join("xivo/snapshots/thing.snap"), snap).unwrap();
    dir
}

async fn problems_against(response: ResponseTemplate) -> Vec<Problem> {
    let dir = accepted_fixtures().await;
    let server = serving(response).await;
    let runner = runner(dir.path(), &server.uri(), Duration::from_secs(1));
    let case = &runner.fixtures().cases[0];
    let execution = runner.execute(case).await;
    match runner.judge(case, &execution) {
        Outcome::Fail(problems) => problems,
        other => panic!("expected a failure, got {other:?}"),
    }
}

fn snapshot_difference(problems: &[Problem]) -> Vec<&Difference> {
    problems
        .iter()
        .filter_map(|p| match p {
            Problem::Differs {
                against: Against::Snapshot,
                difference,
                ..
            } => Some(difference),
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn a_conforming_implementation_passes() {
    let dir = accepted_fixtures().await;
    let server = serving(answer(thing())).await;
    let runner = runner(dir.path(), &server.uri(), Duration::from_secs(5));
    let case = &runner.fixtures().cases[0];

    let execution = runner.execute(case).await;

    assert_eq!(runner.judge(case, &execution), Outcome::Pass);
    let snapshot = std::fs::read_to_string(dir.path().join("xivo/snapshots/thing.snap")).unwrap();
    assert!(snapshot.contains("\"id\": \"[uuid]\""), "{snapshot}");
    assert!(
        snapshot.contains("\"created_at\": \"[datetime]\""),
        "{snapshot}"
    );
    assert!(
        snapshot.contains("\"request\": \"GET /things\""),
        "{snapshot}"
    );
    assert!(execution.requests[0].url.ends_with("/things?owner=jane"));
}

#[tokio::test]
async fn a_wrong_status_is_reported_against_snapshot_and_document() {
    let problems = problems_against(
        ResponseTemplate::new(201)
            .set_body_json(thing())
            .insert_header("location", "/things/1"),
    )
    .await;

    let messages: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert!(
        messages.contains(&"step 1: $.status: the snapshot has 200, got 201".to_owned()),
        "{messages:?}"
    );
    assert!(
        messages.contains(&"step 1: $.status: the document has 200, got 201".to_owned()),
        "{messages:?}"
    );
}

#[tokio::test]
async fn a_missing_field_is_located() {
    let mut body = thing();
    body.as_object_mut().unwrap().remove("count");

    let problems = problems_against(answer(body)).await;

    assert_eq!(
        snapshot_difference(&problems),
        [&Difference::Missing {
            path: "$.body.count".into(),
            expected: json!(3)
        }]
    );
}

#[tokio::test]
async fn an_extra_field_is_located() {
    let mut body = thing();
    body["secret"] = json!("s3cr3t");

    let problems = problems_against(answer(body)).await;

    assert_eq!(
        snapshot_difference(&problems),
        [&Difference::Extra {
            path: "$.body.secret".into(),
            actual: json!("s3cr3t")
        }]
    );
}

#[tokio::test]
async fn a_wrong_type_is_located() {
    let mut body = thing();
    body["count"] = json!("3");

    let problems = problems_against(answer(body)).await;

    assert_eq!(
        snapshot_difference(&problems),
        [&Difference::Type {
            path: "$.body.count".into(),
            expected: json!(3),
            actual: json!("3")
        }]
    );
    assert_eq!(
        problems[0].to_string(),
        "step 1: $.body.count: the snapshot has a number 3, got a string \"3\""
    );
}

#[tokio::test]
async fn a_wrong_value_is_reported_against_snapshot_and_document() {
    let mut body = thing();
    body["name"] = json!("chair");

    let problems = problems_against(answer(body)).await;

    let located: Vec<(Against, &str)> = problems
        .iter()
        .filter_map(|p| match p {
            Problem::Differs {
                against,
                difference,
                ..
            } => Some((*against, difference.path())),
            _ => None,
        })
        .collect();
    assert!(
        located.contains(&(Against::Snapshot, "$.body.name")),
        "{located:?}"
    );
    assert!(
        located.contains(&(Against::Document, "$.body.name")),
        "{located:?}"
    );
}

#[tokio::test]
async fn malformed_json_is_named() {
    let response = ResponseTemplate::new(200)
        .set_body_raw("{\"id\": ", "application/json")
        .insert_header("location", "/things/1");

    let problems = problems_against(response).await;

    assert!(
        problems
            .iter()
            .any(|p| matches!(p, Problem::MalformedJson { step: 1, .. })),
        "{problems:?}"
    );
}

#[tokio::test]
async fn a_redacted_value_of_the_wrong_form_fails_with_the_value_named() {
    let mut body = thing();
    body["id"] = json!("42");

    let problems = problems_against(answer(body)).await;

    assert!(problems.contains(&Problem::Form {
        step: 1,
        location: "$.body.id".into(),
        placeholder: "[uuid]".into(),
        value: json!("42"),
    }));
    assert!(problems
        .iter()
        .any(|p| p.to_string() == "step 1: $.body.id: \"42\" does not have the form [uuid]"));
}

#[tokio::test]
async fn a_missing_header_is_named() {
    let problems = problems_against(ResponseTemplate::new(200).set_body_json(thing())).await;

    assert_eq!(
        problems.iter().map(ToString::to_string).collect::<Vec<_>>(),
        ["step 1: missing header location (per the snapshot)"]
    );
}

#[tokio::test]
async fn a_slow_answer_is_a_timeout() {
    let problems = problems_against(answer(thing()).set_delay(Duration::from_secs(3))).await;

    assert_eq!(
        problems,
        [Problem::Timeout {
            step: 1,
            seconds: 1
        }]
    );
}

#[tokio::test]
async fn a_refused_connection_is_a_harness_error() {
    let dir = accepted_fixtures().await;
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let runner = runner(dir.path(), &url, Duration::from_secs(2));
    let case = &runner.fixtures().cases[0];

    let execution = runner.execute(case).await;

    match runner.judge(case, &execution) {
        Outcome::HarnessError(error) => assert!(error.starts_with("cannot connect to"), "{error}"),
        other => panic!("expected a harness error, got {other:?}"),
    }
}

#[tokio::test]
async fn captures_feed_later_steps_and_states_are_loaded_first() {
    let dir = fixtures_with(
        r#"
title = "Log in, then read with the token"
document = "xivo-restapi.rst"
endpoint = "POST /login"
tags = ["xivo", "things", "mutates"]
state = "two-things"

[[steps]]
method = "POST"
path = "/login"
json = '''{"user": "{{user}}", "tries": 1}'''
capture = { token = { json = "/token" }, next = { header = "location" } }

[[steps]]
method = "GET"
path = "{{next}}"
auth = { bearer = "{{token}}" }
"#,
    );
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/__conformance/state"))
        .and(header("authorization", "Bearer state-secret"))
        .and(body_json(json!({
            "state": "two-things",
            "dataset": {"api": "xivo", "description": "two things", "records": {"things": [{"id": 1, "owner": "jane"}]}}
        })))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/login"))
        .and(body_json(json!({"user": "jane", "tries": 1})))
        .and(header("content-type", "application/json"))
        .respond_with(
            ResponseTemplate::new(201)
                .set_body_json(json!({"token": "t-123"}))
                .insert_header("location", "/things"),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/things"))
        .and(header("authorization", "Bearer t-123"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .expect(1)
        .mount(&server)
        .await;
    let runner = runner(dir.path(), &server.uri(), Duration::from_secs(5));

    let execution = runner.execute(&runner.fixtures().cases[0]).await;

    assert_eq!(execution.harness_error, None);
    assert_eq!(execution.problems, []);
    assert_eq!(execution.records.len(), 2);
    assert_eq!(execution.records[1].status, 200);
}

#[tokio::test]
async fn a_raw_body_is_sent_as_is_without_a_content_type() {
    let dir = fixtures_with(
        r#"
title = "A raw body"
document = "xivo-restapi.rst"
endpoint = "POST /login"
tags = ["xivo", "things", "mutates"]

[[steps]]
method = "POST"
path = "/login"
body = '{"user": "{{user}}"}'
"#,
    );
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/login"))
        .respond_with(ResponseTemplate::new(201))
        .expect(1)
        .mount(&server)
        .await;
    let runner = runner(dir.path(), &server.uri(), Duration::from_secs(5));

    let execution = runner.execute(&runner.fixtures().cases[0]).await;

    assert_eq!(execution.harness_error, None);
    let received = server.received_requests().await.unwrap();
    assert_eq!(received[0].body, br#"{"user": "jane"}"#);
    assert!(
        !received[0].headers.contains_key("content-type"),
        "{:?}",
        received[0].headers
    );
}

#[tokio::test]
async fn a_reproduced_request_names_secrets_without_showing_them() {
    let dir = fixtures_with(
        r#"
title = "Basic auth"
document = "xivo-restapi.rst"
endpoint = "GET /things"
tags = ["xivo", "things", "reads"]

[[steps]]
method = "GET"
path = "/things"
auth = { basic = ["{{user}}", "{{password}}"] }
"#,
    );
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/things"))
        .and(header("authorization", "Basic amFuZTpodW50ZXIy"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let runner = runner(dir.path(), &server.uri(), Duration::from_secs(5));

    let execution = runner.execute(&runner.fixtures().cases[0]).await;

    assert_eq!(execution.harness_error, None);
    let curl = execution.requests[0].curl();
    assert!(!curl.contains("hunter2"), "{curl}");
    assert!(
        curl.contains(" -u 'jane:'\"${CONFORMANCE_PASSWORD}\""),
        "{curl}"
    );
}

#[tokio::test]
async fn a_failed_capture_stops_the_case_there() {
    let dir = fixtures_with(
        r#"
title = "Capture what is not there"
document = "xivo-restapi.rst"
endpoint = "GET /things"
tags = ["xivo", "things", "reads"]

[[steps]]
method = "GET"
path = "/things"
capture = { token = { json = "/token" } }

[[steps]]
method = "GET"
path = "/things/{{token}}"
"#,
    );
    let server = serving(answer(thing())).await;
    let runner = runner(dir.path(), &server.uri(), Duration::from_secs(5));

    let execution = runner.execute(&runner.fixtures().cases[0]).await;

    assert_eq!(execution.requests.len(), 1);
    assert_eq!(
        execution.problems,
        [Problem::Capture {
            step: 1,
            name: "token".into(),
            reason: "nothing at /token".into()
        }]
    );
}

#[tokio::test]
async fn a_redaction_can_cover_the_whole_body() {
    let dir = fixtures_with(
        r#"
title = "A bare id"
document = "xivo-restapi.rst"
endpoint = "GET /things"
tags = ["xivo", "things", "reads"]

[[steps]]
method = "GET"
path = "/things"
redact = { "" = "[id]" }
"#,
    );
    let server = serving(ResponseTemplate::new(201).set_body_json(json!("17"))).await;
    let runner = runner(dir.path(), &server.uri(), Duration::from_secs(5));

    let execution = runner.execute(&runner.fixtures().cases[0]).await;

    assert_eq!(execution.problems, []);
    assert_eq!(execution.records[0].body, json!("[id]"));
}

// Instants relative to the run: `{{now}}`, `{{now-2h}}`, ...

/// The case `xivo/thing` loading the dataset `recent`, asking for the things
/// started since `start`.
fn recent_things(dataset: &str, start: &str) -> tempfile::TempDir {
    let case = format!(
        r#"
title = "Things started lately"
document = "xivo-restapi.rst"
endpoint = "GET /things"
tags = ["xivo", "things", "reads"]
state = "recent"

[[steps]]
method = "GET"
path = "/things"
query = {{ start = "{start}" }}
"#
    );
    let dir = fixtures_with(&case);
    std::fs::write(dir.path().join("datasets/recent.json"), dataset).unwrap();
    dir
}

const RECENT: &str = r#"{"api": "xivo", "description": "one thing started two hours ago",
    "records": {"things": [{"id": 1, "owner": "{{user}}", "started_at": "{{now-2h}}", "seen_at": "{{ now }}"}]}}"#;

fn instant(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap()
        .with_timezone(&Utc)
}

#[tokio::test]
async fn instants_reach_the_server_counted_from_the_cases_one_now() {
    let dir = recent_things(RECENT, "{{now-7d}}");
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/__conformance/state"))
        .and(body_json(json!({
            "state": "recent",
            "dataset": {"api": "xivo", "description": "one thing started two hours ago",
                "records": {"things": [{"id": 1, "owner": "jane",
                    "started_at": "2024-03-10T10:34:56", "seen_at": "2024-03-10T12:34:56"}]}}
        })))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/things"))
        .and(query_param("start", "2024-03-03T12:34:56"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .expect(1)
        .mount(&server)
        .await;
    let now = instant("2024-03-10T12:34:56.789Z");
    let runner = runner_at(dir.path(), &server.uri(), Duration::from_secs(5), Some(now));

    let execution = runner.execute(&runner.fixtures().cases[0]).await;

    assert_eq!(execution.harness_error, None);
    assert_eq!(execution.records[0].status, 200);
    assert!(
        execution.requests[0]
            .url
            .ends_with("/things?start=2024-03-03T12%3A34%3A56"),
        "{}",
        execution.requests[0].url
    );
}

#[tokio::test]
async fn without_a_given_now_each_case_takes_the_clock_as_it_starts() {
    let dir = recent_things(RECENT, "{{now}}");
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/__conformance/state"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/things"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .mount(&server)
        .await;
    let runner = runner(dir.path(), &server.uri(), Duration::from_secs(5));
    let to_the_second = |t: DateTime<Utc>| t.naive_utc().format("%Y-%m-%dT%H:%M:%S").to_string();
    let before = to_the_second(Utc::now());

    let execution = runner.execute(&runner.fixtures().cases[0]).await;

    let after = to_the_second(Utc::now());
    assert_eq!(execution.harness_error, None);
    let received = server.received_requests().await.unwrap();
    let loaded: serde_json::Value = serde_json::from_slice(&received[0].body).unwrap();
    let thing = &loaded["dataset"]["records"]["things"][0];
    let read = |field: &str| {
        NaiveDateTime::parse_from_str(thing[field].as_str().unwrap(), "%Y-%m-%dT%H:%M:%S").unwrap()
    };
    let (started, seen) = (read("started_at"), read("seen_at"));
    assert_eq!(seen - started, TimeDelta::hours(2));
    let seen = thing["seen_at"].as_str().unwrap();
    assert!(
        before.as_str() <= seen && seen <= after.as_str(),
        "{before} {seen} {after}"
    );
    let start = received[1]
        .url
        .query_pairs()
        .find(|(k, _)| k == "start")
        .unwrap()
        .1;
    assert_eq!(start, seen, "the step's now is the dataset's");
}

#[tokio::test]
async fn a_malformed_instant_in_a_dataset_is_a_harness_error_and_nothing_is_sent() {
    for expression in ["now-2x", "now-", "now-99999999999d"] {
        let dataset = RECENT.replace("now-2h", expression);
        let dir = recent_things(&dataset, "{{now}}");
        let server = MockServer::start().await;
        let runner = runner(dir.path(), &server.uri(), Duration::from_secs(5));
        let case = &runner.fixtures().cases[0];

        let execution = runner.execute(case).await;

        let error = execution.harness_error.clone().expect("a harness error");
        assert!(
            error.starts_with(&format!("dataset \"recent\": {{{{{expression}}}}} ")),
            "{error}"
        );
        assert!(matches!(
            runner.judge(case, &execution),
            Outcome::HarnessError(_)
        ));
        assert!(server.received_requests().await.unwrap().is_empty());
    }
}

#[tokio::test]
async fn an_instant_out_of_range_in_a_step_is_a_harness_error_and_nothing_is_sent() {
    let dir = recent_things(RECENT, "{{now+500000w}}");
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/__conformance/state"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let runner = runner(dir.path(), &server.uri(), Duration::from_secs(5));

    let execution = runner.execute(&runner.fixtures().cases[0]).await;

    assert_eq!(
        execution.harness_error.as_deref(),
        Some("step 1: {{now+500000w}} falls outside the years 1 to 9999")
    );
    assert!(execution.requests.is_empty());
    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 1, "only the state: {received:?}");
}

#[test]
fn a_malformed_instant_in_a_case_is_refused_with_the_case_named() {
    let dir = recent_things(RECENT, "{{now-2x}}");

    let errors = Fixtures::load(dir.path()).unwrap_err();

    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].starts_with("xivo/thing: step 1: {{now-2x}} is not an instant"),
        "{errors:?}"
    );
}

#[test]
fn broken_fixtures_are_refused_with_every_problem_named() {
    let dir = fixtures_with(
        r#"
title = "Broken"
document = "xivo-restapi.rst"
endpoint = "GET /nowhere"
tags = ["aircall", "reads"]
state = "missing"

[[steps]]
method = "FETCH"
path = "things?x=1"
json = '''{"a": }'''
body = "also"
redact = { "id" = "[unknown]" }
"#,
    );

    let errors = Fixtures::load(dir.path()).unwrap_err();

    let all = errors.join("\n");
    for expected in [
        "endpoint \"GET /nowhere\" is not listed",
        "the first tag must be the API",
        "tags name the API, at least one resource",
        "state \"missing\" has no datasets/missing.json",
        "method \"FETCH\"",
        "the path starts with /",
        "at most one of json, body and form",
        "json is not JSON",
        "redact key \"id\" is a JSON pointer",
        "holds no placeholder",
    ] {
        assert!(all.contains(expected), "{expected:?} not in:\n{all}");
    }
}

/// The thing case citing `choices` (a TOML array's inside).
fn thing_citing(choices: &str) -> String {
    THING_CASE.replace("tags = [", &format!("choices = [{choices}]\ntags = ["))
}

const XIVO_DOCS: &str = "# XiVO: choices\n\n## Agents and queues\nSorted as text.\n\n\
                         ```sh\n# Routes\n```\n";

#[test]
fn a_citation_of_a_heading_in_docs_loads() {
    let case = thing_citing(r#""docs/xivo.md#agents-and-queues""#);
    for folder in ["fixtures", "elsewhere"] {
        let dir = repository_with(folder, &case, Some(XIVO_DOCS));

        let fixtures = Fixtures::load(&dir.path().join(folder)).expect("valid fixtures");

        assert_eq!(
            fixtures.cases[0].choices,
            ["docs/xivo.md#agents-and-queues"]
        );
    }
}

#[test]
fn a_citation_outside_docs_is_refused() {
    let case = thing_citing(r#""reference/xivo.md#routes", "docs/xivo.md""#);
    let dir = repository_with("fixtures", &case, Some(XIVO_DOCS));

    let errors = Fixtures::load(&dir.path().join("fixtures")).unwrap_err();

    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(
        errors[0].starts_with(
            "xivo/thing: citation \"reference/xivo.md#routes\" is not of the form docs/<api>.md#<anchor>"
        ),
        "{errors:?}"
    );
    assert!(
        errors[1].starts_with("xivo/thing: citation \"docs/xivo.md\" is not of the form"),
        "{errors:?}"
    );
}

#[test]
fn a_citation_of_a_missing_docs_file_is_refused() {
    let case = thing_citing(r#""docs/xivo.md#agents-and-queues""#);
    let dir = repository_with("fixtures", &case, None);

    let errors = Fixtures::load(&dir.path().join("fixtures")).unwrap_err();

    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].starts_with(
            "xivo/thing: citation \"docs/xivo.md#agents-and-queues\": docs/xivo.md does not exist"
        ),
        "{errors:?}"
    );
}

#[test]
fn a_citation_of_an_anchor_no_heading_has_is_refused() {
    // `# Routes` is a comment in a code block, not a heading.
    let case = thing_citing(r#""docs/xivo.md#routes""#);
    let dir = repository_with("fixtures", &case, Some(XIVO_DOCS));

    let errors = Fixtures::load(&dir.path().join("fixtures")).unwrap_err();

    assert_eq!(
        errors,
        ["xivo/thing: citation \"docs/xivo.md#routes\": no heading of docs/xivo.md has the anchor \"routes\""]
    );
}

#[test]
fn an_expected_failure_must_name_a_case() {
    let dir = fixtures_with(THING_CASE);
    let list = dir.path().join("xfail.toml");
    std::fs::write(
        &list,
        "\"xivo/nope\" = \"why\"\n\"upcall/*\" = \"not yet\"\n",
    )
    .unwrap();
    let fixtures = Fixtures::load(dir.path()).unwrap();

    let errors = fixtures.expected_failures(&list).unwrap_err();

    assert_eq!(errors.len(), 1);
    assert!(errors[0].contains("\"xivo/nope\" names no case"));
    let _: ExpectedFailures = ExpectedFailures::default();
}

// The command line.

async fn cli(dir: &Path, base_url: &str, extra: &[&str]) -> Output {
    let mut args: Vec<String> = vec![
        "--fixtures".into(),
        dir.display().to_string(),
        "run".into(),
        "--base-url".into(),
        base_url.into(),
        "--timeout".into(),
        "2".into(),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    tokio::task::spawn_blocking(move || {
        std::process::Command::new(env!("CARGO_BIN_EXE_conformance"))
            .args(args)
            .output()
            .unwrap()
    })
    .await
    .unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[tokio::test]
async fn the_cli_exits_0_when_conformant_and_writes_valid_junit() {
    let dir = accepted_fixtures().await;
    let server = serving(answer(thing())).await;
    let junit = dir.path().join("report.xml");

    let output = cli(
        dir.path(),
        &server.uri(),
        &["--junit", junit.to_str().unwrap()],
    )
    .await;

    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert!(stdout(&output).contains("1 passed, 0 failed"));
    let xml = std::fs::read_to_string(junit).unwrap();
    let document = roxmltree::Document::parse(&xml).expect("valid XML");
    let case = document
        .descendants()
        .find(|n| n.has_tag_name("testcase"))
        .unwrap();
    assert_eq!(case.attribute("name"), Some("xivo/thing"));
    assert_eq!(case.attribute("classname"), Some("xivo"));
    assert!(!case.children().any(|n| n.has_tag_name("failure")));
}

#[tokio::test]
async fn the_cli_exits_1_when_not_conformant_with_a_diff_and_a_curl_line() {
    let dir = accepted_fixtures().await;
    let mut body = thing();
    body["name"] = json!("chair");
    let server = serving(answer(body)).await;
    let junit = dir.path().join("report.xml");
    let json_report = dir.path().join("report.json");

    let output = cli(
        dir.path(),
        &server.uri(),
        &[
            "--junit",
            junit.to_str().unwrap(),
            "--json",
            json_report.to_str().unwrap(),
        ],
    )
    .await;

    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    assert!(
        text.contains("step 1: $.body.name: the snapshot has \"lamp\", got \"chair\""),
        "{text}"
    );
    assert!(
        text.contains("reproduce:\n        curl -i -X GET '"),
        "{text}"
    );
    assert!(text.contains("/things?owner=jane'"), "{text}");
    let xml = std::fs::read_to_string(junit).unwrap();
    let document = roxmltree::Document::parse(&xml).expect("valid XML");
    let failure = document
        .descendants()
        .find(|n| n.has_tag_name("failure"))
        .expect("a failure element");
    assert_eq!(failure.attribute("message"), Some("FAIL"));
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(json_report).unwrap()).unwrap();
    assert_eq!(report["exit_code"], 1);
    assert_eq!(report["cases"][0]["verdict"], "fail");
    assert_eq!(report["cases"][0]["problems"][0]["path"], "$.body.name");
}

#[tokio::test]
async fn the_cli_exits_3_when_a_snapshot_is_missing() {
    let dir = fixtures_with(THING_CASE);
    let server = serving(answer(thing())).await;

    let output = cli(dir.path(), &server.uri(), &[]).await;

    assert_eq!(output.status.code(), Some(3));
    assert!(stdout(&output).contains("no snapshot yet; the answer was:"));
}

#[tokio::test]
async fn the_cli_exits_2_when_the_server_cannot_be_reached() {
    let dir = accepted_fixtures().await;
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);

    let output = cli(dir.path(), &url, &[]).await;

    assert_eq!(output.status.code(), Some(2));
    assert!(stdout(&output).contains("harness error: cannot connect to"));
}

#[tokio::test]
async fn the_cli_exits_2_on_bad_options() {
    let dir = accepted_fixtures().await;

    let output = cli(dir.path(), "not a url", &["--var", "novalue"]).await;

    assert_eq!(output.status.code(), Some(2));
}

#[tokio::test]
async fn expected_failures_are_skipped_while_they_fail_and_an_error_once_they_pass() {
    let dir = accepted_fixtures().await;
    let list = dir.path().join("xfail.toml");
    std::fs::write(&list, "\"xivo/thing\" = \"not built yet\"\n").unwrap();
    let broken = serving(ResponseTemplate::new(500)).await;
    let conforming = serving(answer(thing())).await;
    let junit = dir.path().join("report.xml");

    let failing = cli(
        dir.path(),
        &broken.uri(),
        &[
            "--expected-failures",
            list.to_str().unwrap(),
            "--junit",
            junit.to_str().unwrap(),
        ],
    )
    .await;
    let passing = cli(
        dir.path(),
        &conforming.uri(),
        &["--expected-failures", list.to_str().unwrap()],
    )
    .await;

    assert_eq!(failing.status.code(), Some(0), "{}", stdout(&failing));
    let xml = std::fs::read_to_string(junit).unwrap();
    let document = roxmltree::Document::parse(&xml).unwrap();
    let skipped = document
        .descendants()
        .find(|n| n.has_tag_name("skipped"))
        .expect("skipped");
    assert_eq!(
        skipped.attribute("message"),
        Some("expected failure: not built yet")
    );
    assert_eq!(passing.status.code(), Some(1));
    assert!(stdout(&passing).contains("remove it from the list"));
}

#[tokio::test]
async fn a_step_can_leave_out_the_accept_header_the_client_would_add() {
    let dir = fixtures_with(
        r#"
title = "No Accept at all"
document = "xivo-restapi.rst"
endpoint = "GET /things"
tags = ["xivo", "things", "reads"]

[[steps]]
method = "GET"
path = "/things"
omit_headers = ["accept"]
auth = { basic = ["{{user}}", "{{password}}"] }

[[steps]]
method = "GET"
path = "/things"
"#,
    );
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/things"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .expect(2)
        .mount(&server)
        .await;
    let runner = runner(dir.path(), &server.uri(), Duration::from_secs(5));

    let execution = runner.execute(&runner.fixtures().cases[0]).await;

    assert_eq!(execution.harness_error, None);
    let received = server.received_requests().await.unwrap();
    assert!(
        !received[0].headers.contains_key("accept"),
        "{:?}",
        received[0].headers
    );
    assert_eq!(
        received[0].headers["authorization"],
        "Basic amFuZTpodW50ZXIy"
    );
    // Other steps keep the client's usual Accept.
    assert_eq!(received[1].headers["accept"], "*/*");
    assert!(
        execution.requests[0].curl().contains("-H 'accept:'"),
        "{}",
        execution.requests[0].curl()
    );
}

#[test]
fn only_the_accept_header_can_be_left_out_and_not_while_given() {
    let dir = fixtures_with(&THING_CASE.replace(
        "headers_kept = [",
        "omit_headers = [\"accept\", \"host\"]\nheaders = { Accept = \"*/*\" }\nheaders_kept = [",
    ));

    let all = Fixtures::load(dir.path()).unwrap_err().join("\n");

    assert!(
        all.contains("omit_headers \"host\": only \"accept\""),
        "{all}"
    );
    assert!(
        all.contains("omit_headers \"accept\": the step's headers give it"),
        "{all}"
    );
}

#[tokio::test]
async fn an_absolute_location_is_followed_at_the_implementation_under_test() {
    let dir = fixtures_with(
        r#"
title = "Create, then follow the Location"
document = "xivo-restapi.rst"
endpoint = "POST /login"
tags = ["xivo", "things", "mutates"]

[[steps]]
method = "POST"
path = "/login"
capture = { next = { header = "location" } }
headers_kept = ["location"]
redact = { "header:location" = "[origin]/things/[id]?full=1" }

[steps.documented]
status = 201
headers = { location = "[origin]/things/[id]?full=1" }

[[steps]]
method = "GET"
path = "{{next}}"
"#,
    );
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/login"))
        .respond_with(
            ResponseTemplate::new(201)
                .insert_header("location", "https://xivoserver:50051/things/38?full=1"),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/things/38"))
        .and(query_param("full", "1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .expect(1)
        .mount(&server)
        .await;
    let runner = runner(dir.path(), &server.uri(), Duration::from_secs(5));

    let execution = runner.execute(&runner.fixtures().cases[0]).await;

    assert_eq!(execution.harness_error, None);
    assert_eq!(execution.problems, []);
    assert_eq!(execution.records[1].status, 200);
    assert!(
        execution
            .rendered()
            .contains("\"[origin]/things/[id]?full=1\""),
        "{}",
        execution.rendered()
    );
}

/// A Digest server: 401 with SHA-256 and MD5 challenges unless the request
/// answers one of them right for its own method and URI; a request without
/// credentials is given the nonce `first`, and a right answer with the nonce
/// `old` is told it is stale (and given `fresh`).
struct DigestServer {
    first: &'static str,
}

impl wiremock::Respond for DigestServer {
    fn respond(&self, request: &wiremock::Request) -> ResponseTemplate {
        use conformance::digest::{authorization, challenges, Answer};
        let challenge = |nonce: &str, stale: bool| {
            let stale = if stale { ", stale=true" } else { "" };
            ResponseTemplate::new(401)
                .append_header(
                    "www-authenticate",
                    format!(r#"Digest realm="things", qop="auth", algorithm=MD5, nonce="{nonce}", opaque="op"{stale}"#),
                )
                .append_header(
                    "www-authenticate",
                    format!(r#"Digest realm="things", qop="auth", algorithm=SHA-256, nonce="{nonce}", opaque="op"{stale}"#),
                )
        };
        let Some(given) = request
            .headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
        else {
            return challenge(self.first, false);
        };
        // An answer's parameters read as a challenge's: realm, nonce, algorithm.
        let Some(answered) = challenges([given]).into_iter().next() else {
            return challenge("fresh", false);
        };
        let param = |name: &str| {
            given
                .split(&format!("{name}=\""))
                .nth(1)
                .and_then(|rest| rest.split('"').next())
                .unwrap_or_default()
                .to_owned()
        };
        let target = match request.url.query() {
            Some(query) => format!("{}?{query}", request.url.path()),
            None => request.url.path().to_owned(),
        };
        let expected = authorization(
            &answered,
            &Answer {
                user: "jane",
                password: "hunter2",
                method: request.method.as_str(),
                uri: &target,
                nonce: &answered.nonce,
                cnonce: &param("cnonce"),
                count: 1,
            },
        );
        let response = |header: &str| param_of(header, "response");
        if param("uri") != target || response(&expected) != response(given) {
            return challenge("fresh", false);
        }
        match answered.nonce.as_str() {
            "fresh" => ResponseTemplate::new(200).set_body_json(json!({"ok": answered.algorithm})),
            "old" => challenge("fresh", true),
            _ => challenge("fresh", false),
        }
    }
}

fn param_of(header: &str, name: &str) -> String {
    header
        .split(&format!("{name}=\""))
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_default()
        .to_owned()
}

async fn digest_server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(path("/things"))
        .respond_with(DigestServer { first: "fresh" })
        .mount(&server)
        .await;
    Mock::given(path("/aging"))
        .respond_with(DigestServer { first: "old" })
        .mount(&server)
        .await;
    server
}

fn digest_case(auth: &str) -> String {
    format!(
        r#"
title = "A thing behind Digest"
document = "xivo-restapi.rst"
endpoint = "GET /things"
tags = ["xivo", "things", "reads"]

[[steps]]
method = "GET"
path = "/things"
query = {{ page = "1" }}
auth = {{ digest = {{ {auth} }} }}
headers_kept = ["www-authenticate"]
"#
    )
}

async fn digest_run(auth: &str) -> (conformance::runner::Execution, Vec<wiremock::Request>) {
    let dir = fixtures_with(&digest_case(auth));
    let server = digest_server().await;
    let runner = runner(dir.path(), &server.uri(), Duration::from_secs(5));
    let execution = runner.execute(&runner.fixtures().cases[0]).await;
    (execution, server.received_requests().await.unwrap())
}

#[tokio::test]
async fn a_digest_step_answers_the_challenge_with_sha_256() {
    let (execution, received) = digest_run(r#"user = "{{user}}", password = "{{password}}""#).await;

    assert_eq!(execution.harness_error, None);
    assert_eq!(execution.records[0].status, 200);
    assert_eq!(execution.records[0].body, json!({"ok": "SHA-256"}));
    assert_eq!(received.len(), 2);
    assert!(!received[0].headers.contains_key("authorization"));
    let answer = received[1].headers["authorization"].to_str().unwrap();
    assert!(answer.contains("uri=\"/things?page=1\""), "{answer}");
    assert!(answer.contains("qop=auth, nc=00000001"), "{answer}");
    let curl = execution.requests[0].curl();
    assert!(
        curl.contains("--digest -u 'jane:'\"${CONFORMANCE_PASSWORD}\""),
        "{curl}"
    );
}

#[tokio::test]
async fn a_wrong_password_is_answered_once_and_its_401_recorded() {
    let (execution, received) = digest_run(r#"user = "{{user}}", password = "wrong""#).await;

    assert_eq!(execution.harness_error, None);
    assert_eq!(execution.records[0].status, 401);
    assert!(execution.records[0].headers["www-authenticate"].contains("algorithm=MD5"));
    assert!(execution.records[0].headers["www-authenticate"].contains("algorithm=SHA-256"));
    assert_eq!(received.len(), 2);
}

#[tokio::test]
async fn a_stale_nonce_is_answered_again_unless_the_case_brings_its_own() {
    let dir = fixtures_with(
        &digest_case(r#"user = "{{user}}", password = "{{password}}""#)
            .replace("path = \"/things\"", "path = \"/aging\""),
    );
    let server = digest_server().await;
    let runner = runner(dir.path(), &server.uri(), Duration::from_secs(5));
    let execution = runner.execute(&runner.fixtures().cases[0]).await;
    assert_eq!(execution.records[0].status, 200);
    let received = server.received_requests().await.unwrap();
    assert_eq!(
        received.len(),
        3,
        "a challenge, a stale answer, a fresh one"
    );

    // The case's own old nonce: the stale answer is what the case wants to see.
    let (execution, received) =
        digest_run(r#"user = "{{user}}", password = "{{password}}", nonce = "old""#).await;
    assert_eq!(execution.records[0].status, 401);
    assert!(execution.records[0].headers["www-authenticate"].contains("stale=true"));
    assert_eq!(received.len(), 2);
    assert!(received[1].headers["authorization"]
        .to_str()
        .unwrap()
        .contains("nonce=\"old\""));
}

#[tokio::test]
async fn a_response_for_another_uri_or_method_is_sent_as_asked() {
    let (execution, received) = digest_run(
        r#"user = "{{user}}", password = "{{password}}", uri = "/elsewhere", method = "DELETE""#,
    )
    .await;
    assert_eq!(execution.records[0].status, 401);
    let answer = received[1].headers["authorization"].to_str().unwrap();
    assert!(answer.contains("uri=\"/elsewhere\""), "{answer}");
}

#[tokio::test]
async fn a_challenges_nonce_can_be_captured_and_a_step_can_wait() {
    let dir = fixtures_with(
        r#"
title = "Capture a nonce, wait, answer with it"
document = "xivo-restapi.rst"
endpoint = "GET /things"
tags = ["xivo", "things", "reads"]

[[steps]]
method = "GET"
path = "/things"
capture = { nonce = { challenge = "nonce" } }

[[steps]]
method = "GET"
path = "/things"
wait = "1"
auth = { digest = { user = "{{user}}", password = "{{password}}", nonce = "{{nonce}}" } }
"#,
    );
    let server = digest_server().await;
    let runner = runner(dir.path(), &server.uri(), Duration::from_secs(5));
    let started = std::time::Instant::now();

    let execution = runner.execute(&runner.fixtures().cases[0]).await;

    assert_eq!(execution.harness_error, None);
    assert!(started.elapsed() >= Duration::from_secs(1));
    assert_eq!(execution.records[1].status, 200);
    let received = server.received_requests().await.unwrap();
    assert!(received[2].headers["authorization"]
        .to_str()
        .unwrap()
        .contains("nonce=\"fresh\""));
}

#[tokio::test]
async fn a_documented_header_with_a_placeholder_is_a_template() {
    let dir = fixtures_with(
        r#"
title = "A documented Location"
document = "xivo-restapi.rst"
endpoint = "POST /login"
tags = ["xivo", "things", "mutates"]

[[steps]]
method = "POST"
path = "/login"

[steps.documented]
status = 201
headers = { location = "[origin]/things/[id]" }
"#,
    );
    for (location, fits) in [
        ("/things/38", true),
        ("https://xivoserver:50051/things/38", true),
        ("/elsewhere/38", false),
    ] {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/login"))
            .respond_with(ResponseTemplate::new(201).insert_header("location", location))
            .mount(&server)
            .await;
        let runner = runner(dir.path(), &server.uri(), Duration::from_secs(5));
        let execution = runner.execute(&runner.fixtures().cases[0]).await;
        assert_eq!(
            execution.problems.is_empty(),
            fits,
            "{location}: {:?}",
            execution.problems
        );
    }
}

// What a team with its own implementation uses: levels, its own snapshots,
// its own way of loading data, the built-in fixtures, reports that keep
// credentials out.

/// Runs the binary with these arguments in `cwd`, with `CI` set.
async fn conformance_in(cwd: &Path, args: Vec<String>) -> Output {
    let cwd = cwd.to_owned();
    tokio::task::spawn_blocking(move || {
        std::process::Command::new(env!("CARGO_BIN_EXE_conformance"))
            .args(args)
            .current_dir(cwd)
            .env("CI", "true")
            .env_remove("CONFORMANCE_FIXTURES")
            .output()
            .unwrap()
    })
    .await
    .unwrap()
}

/// `conformance --fixtures <dir> <command> --base-url <url> --timeout 2 <extra>`.
async fn command(dir: &Path, command: &str, base_url: &str, extra: &[&str]) -> Output {
    let mut args: Vec<String> = vec![
        "--fixtures".into(),
        dir.display().to_string(),
        command.into(),
        "--base-url".into(),
        base_url.into(),
        "--timeout".into(),
        "2".into(),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    conformance_in(dir, args).await
}

/// Asserts that the run printed `text`.
fn says(output: &Output, text: &str) {
    let printed = stdout(output);
    assert!(printed.contains(text), "{printed}");
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn json_file(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[tokio::test]
async fn level_documented_checks_what_the_document_shows_and_ignores_the_snapshot() {
    let dir = accepted_fixtures().await;
    // The document shows the id and the name; the count is only in the
    // snapshot.
    let mut body = thing();
    body["count"] = json!(4);
    let server = serving(answer(body)).await;
    let report = dir.path().join("report.json");

    let snapshot = cli(dir.path(), &server.uri(), &[]).await;
    let documented = cli(
        dir.path(),
        &server.uri(),
        &["--level", "documented", "--json", report.to_str().unwrap()],
    )
    .await;

    assert_eq!(snapshot.status.code(), Some(1), "{}", stdout(&snapshot));
    assert_eq!(documented.status.code(), Some(0), "{}", stdout(&documented));
    assert!(stdout(&documented).contains("level: documented"));
    let report = json_file(&report);
    assert_eq!(report["level"], "documented");
    let expectations = &report["cases"][0]["expectations"];
    assert_eq!(expectations["snapshot"], false);
    assert_eq!(
        expectations["document"],
        json!([
            "step 1: status 200",
            "step 1: the body the document shows (the parts it elides may differ)"
        ])
    );
}

#[tokio::test]
async fn level_documented_still_fails_what_differs_from_the_document() {
    let dir = fixtures_with(THING_CASE);
    let mut body = thing();
    body["name"] = json!("chair");
    let server = serving(answer(body)).await;

    // No snapshot at all: the documented level does not need one.
    let output = cli(dir.path(), &server.uri(), &["--level", "documented"]).await;

    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    says(
        &output,
        "step 1: $.body.name: the document has \"lamp\", got \"chair\"",
    );
}

#[tokio::test]
async fn level_documented_skips_a_case_the_document_shows_nothing_of() {
    let dir = fixtures_with(&THING_CASE.replace(
        "[steps.documented]\nstatus = 200\nbody = '''{\"id\": \"[uuid]\", \"name\": \"lamp\", \"...\": \"...\"}'''\n",
        "",
    ));
    let server = serving(answer(thing())).await;

    let output = cli(dir.path(), &server.uri(), &["--level", "documented"]).await;

    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    says(&output, "0 passed, 0 failed, 1 skipped");
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_team_records_its_own_snapshots_and_checks_against_them_later() {
    let dir = fixtures_with(THING_CASE);
    let own = tempfile::tempdir().unwrap();
    let server = serving(answer(thing())).await;
    let snapshots = own.path().to_str().unwrap();

    let first = command(
        dir.path(),
        "record",
        &server.uri(),
        &["--snapshots", snapshots],
    )
    .await;
    let again = command(
        dir.path(),
        "record",
        &server.uri(),
        &["--snapshots", snapshots],
    )
    .await;
    let checked = cli(dir.path(), &server.uri(), &["--snapshots", snapshots]).await;

    assert_eq!(
        first.status.code(),
        Some(0),
        "{}{}",
        stdout(&first),
        stderr(&first)
    );
    assert!(
        stdout(&first).contains("      new  xivo/thing"),
        "{}",
        stdout(&first)
    );
    assert!(stdout(&again).contains("1 unchanged"), "{}", stdout(&again));
    let written = std::fs::read_to_string(own.path().join("xivo/thing.snap")).unwrap();
    assert!(
        written.starts_with("---\nsource: conformance record\n"),
        "{written}"
    );
    assert!(written.contains("\"name\": \"lamp\""), "{written}");
    // The fixtures' own snapshot folder was left alone.
    assert!(!dir.path().join("xivo/snapshots/thing.snap").exists());
    assert_eq!(checked.status.code(), Some(0), "{}", stdout(&checked));

    // A regression of the implementation is caught against them.
    let mut body = thing();
    body["count"] = json!(4);
    let changed = serving(answer(body)).await;
    let regressed = cli(dir.path(), &changed.uri(), &["--snapshots", snapshots]).await;
    assert_eq!(regressed.status.code(), Some(1));
    assert!(stdout(&regressed).contains("$.body.count: the snapshot has 3, got 4"));
    // Re-recording is what accepting the change looks like.
    let accepted = command(
        dir.path(),
        "record",
        &changed.uri(),
        &["--snapshots", snapshots],
    )
    .await;
    assert!(
        stdout(&accepted).contains("  changed  xivo/thing"),
        "{}",
        stdout(&accepted)
    );
}

#[tokio::test]
async fn a_case_that_cannot_run_through_is_not_recorded() {
    let dir = fixtures_with(THING_CASE);
    let own = tempfile::tempdir().unwrap();
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);

    let output = command(
        dir.path(),
        "record",
        &url,
        &["--snapshots", own.path().to_str().unwrap()],
    )
    .await;

    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("not recorded: xivo/thing: cannot connect"),
        "{}",
        stderr(&output)
    );
    assert!(!own.path().join("xivo/thing.snap").exists());
}

const STATEFUL_CASE: &str = r#"
title = "Get the things of a state"
document = "xivo-restapi.rst"
endpoint = "GET /things"
tags = ["xivo", "things", "reads"]
state = "two-things"

[[steps]]
method = "GET"
path = "/things"

[steps.documented]
status = 200
"#;

/// A state command in `dir`: it keeps its arguments, its environment and
/// the dataset it is given, then exits with `code` (saying why on stderr).
fn state_script(dir: &Path, code: i32) -> String {
    let script = dir.join("load.sh");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\nout=\"$(dirname \"$0\")\"\ncp \"$2\" \"$out/loaded.json\"\n\
             printf '%s %s %s' \"$1\" \"$CONFORMANCE_STATE\" \"$CONFORMANCE_API\" > \"$out/args\"\n\
             [ \"$CONFORMANCE_DATASET\" = \"$2\" ] || exit 9\n\
             [ {code} = 0 ] || echo 'the database is read-only' >&2\nexit {code}\n"
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    script.display().to_string()
}

/// Runs the stateful case with a state command exiting with `code`.
async fn run_with_state_command(code: i32) -> (tempfile::TempDir, MockServer, Output) {
    let dir = fixtures_with(STATEFUL_CASE);
    let server = serving(answer(thing())).await;
    let script = state_script(dir.path(), code);
    let output = cli(
        dir.path(),
        &server.uri(),
        &["--level", "documented", "--state-command", &script],
    )
    .await;
    (dir, server, output)
}

#[tokio::test]
async fn a_state_command_loads_the_dataset_instead_of_the_route() {
    let (dir, server, output) = run_with_state_command(0).await;

    assert_eq!(
        output.status.code(),
        Some(0),
        "{}{}",
        stdout(&output),
        stderr(&output)
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("args")).unwrap(),
        "xivo two-things xivo"
    );
    // Variables replaced, as the route would have received it.
    assert_eq!(
        json_file(&dir.path().join("loaded.json")),
        json!({"api": "xivo", "description": "two things", "records": {"things": [{"id": 1, "owner": "jane"}]}})
    );
    let requests = server.received_requests().await.unwrap();
    assert!(
        requests.iter().all(|r| r.url.path() == "/things"),
        "the route was not used"
    );
}

#[tokio::test]
async fn a_failing_state_command_is_a_harness_error_with_its_reason() {
    let (_dir, server, output) = run_with_state_command(3).await;

    assert_eq!(output.status.code(), Some(2));
    let text = stdout(&output);
    assert!(
        text.contains("the state command failed to load \"two-things\""),
        "{text}"
    );
    assert!(text.contains("the database is read-only"), "{text}");
    assert!(
        server.received_requests().await.unwrap().is_empty(),
        "no step was sent"
    );
}

#[tokio::test]
async fn without_states_the_cases_that_need_one_are_skipped_with_the_reason() {
    let dir = fixtures_with(STATEFUL_CASE);
    let server = serving(answer(thing())).await;
    let report = dir.path().join("report.json");
    let junit = dir.path().join("report.xml");

    let output = cli(
        dir.path(),
        &server.uri(),
        &[
            "--no-state",
            "--json",
            report.to_str().unwrap(),
            "--junit",
            junit.to_str().unwrap(),
        ],
    )
    .await;

    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert!(stdout(&output).contains("0 passed, 0 failed, 1 skipped"));
    let report = json_file(&report);
    assert_eq!(report["cases"][0]["verdict"], "skipped");
    assert_eq!(
        report["cases"][0]["skipped"],
        "needs provider state \"two-things\", and the run loads none (--no-state)"
    );
    assert_eq!(report["totals"]["skipped"], 1);
    let xml = std::fs::read_to_string(junit).unwrap();
    assert!(
        xml.contains("<skipped message=\"skipped: needs provider state"),
        "{xml}"
    );
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_reproduced_failure_shows_a_captured_token_as_a_variable_set_by_its_step() {
    let dir = fixtures_with(
        r#"
title = "Log in, then fail"
document = "xivo-restapi.rst"
endpoint = "POST /login"
tags = ["xivo", "things", "mutates"]

[[steps]]
method = "POST"
path = "/login"
json = '''{"user": "{{user}}", "password": "{{password}}"}'''
capture = { token = { json = "/token" } }

[[steps]]
method = "GET"
path = "/things"
auth = { bearer = "{{token}}" }

[steps.documented]
status = 200
"#,
    );
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/login"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"token": "live-token-4f2a"})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/things"))
        .respond_with(ResponseTemplate::new(500))
        .mount(&server)
        .await;
    let report = dir.path().join("report.json");
    let junit = dir.path().join("report.xml");
    let html = dir.path().join("report.html");

    let output = cli(
        dir.path(),
        &server.uri(),
        &[
            "--level",
            "documented",
            "--var",
            "password=hunter2",
            "--json",
            report.to_str().unwrap(),
            "--junit",
            junit.to_str().unwrap(),
            "--html",
            html.to_str().unwrap(),
        ],
    )
    .await;

    assert_eq!(output.status.code(), Some(1));
    let lines = json_file(&report)["cases"][0]["reproduce"]
        .as_str()
        .unwrap()
        .to_owned();
    let lines: Vec<&str> = lines.lines().collect();
    assert!(
        lines[0].starts_with("response=$(curl -s -X POST '"),
        "{lines:?}"
    );
    assert!(
        lines[0].contains("\"password\": \"'\"${CONFORMANCE_PASSWORD}\"'\"}'"),
        "{lines:?}"
    );
    assert!(lines[1].starts_with("token=$("), "{lines:?}");
    assert!(
        lines[2].ends_with("/things' -H 'authorization: Bearer '\"${token}\""),
        "{lines:?}"
    );
    for written in [
        stdout(&output),
        std::fs::read_to_string(&junit).unwrap(),
        std::fs::read_to_string(&html).unwrap(),
    ] {
        assert!(
            !written.contains("live-token-4f2a"),
            "a captured token leaked: {written}"
        );
        assert!(!written.contains("hunter2"), "a secret leaked: {written}");
        assert!(written.contains("${token}"), "{written}");
    }
}

#[tokio::test]
async fn a_reproduced_failure_runs_in_a_shell_against_the_implementation() {
    let dir = accepted_fixtures().await;
    let mut body = thing();
    body["name"] = json!("chair");
    let server = serving(answer(body)).await;
    let report = dir.path().join("report.json");

    cli(
        dir.path(),
        &server.uri(),
        &["--json", report.to_str().unwrap()],
    )
    .await;
    let lines = json_file(&report)["cases"][0]["reproduce"]
        .as_str()
        .unwrap()
        .to_owned();
    let ran = tokio::task::spawn_blocking(move || {
        std::process::Command::new("sh")
            .args(["-c", &lines])
            .output()
            .unwrap()
    })
    .await
    .unwrap();

    let answer = stdout(&ran);
    assert!(
        answer.starts_with("HTTP/1.1 200"),
        "{answer}{}",
        stderr(&ran)
    );
    assert!(answer.contains("\"name\":\"chair\""), "{answer}");
}

#[tokio::test]
async fn a_run_in_ci_is_quiet_until_its_report() {
    let dir = accepted_fixtures().await;
    let server = serving(answer(thing())).await;

    let output = cli(dir.path(), &server.uri(), &[]).await;

    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        stderr(&output),
        "",
        "no progress in CI or without a terminal"
    );
}

#[tokio::test]
async fn the_html_report_is_one_page_with_the_counts_and_nothing_to_fetch() {
    let dir = accepted_fixtures().await;
    let mut body = thing();
    body["name"] = json!("chair");
    let server = serving(answer(body)).await;
    let html = dir.path().join("report.html");

    let output = cli(
        dir.path(),
        &server.uri(),
        &["--html", html.to_str().unwrap()],
    )
    .await;

    assert_eq!(output.status.code(), Some(1));
    let page = std::fs::read_to_string(html).unwrap();
    assert!(
        page.to_ascii_lowercase().starts_with("<!doctype html>"),
        "{page}"
    );
    assert!(page.contains("xivo/thing"));
    assert!(page.contains("$.body.name"));
    for external in ["src=\"http", "href=\"http", "@import", "url(http"] {
        assert!(!page.contains(external), "the page fetches {external}");
    }
}

#[tokio::test]
async fn the_built_in_fixtures_need_no_checkout() {
    let empty = tempfile::tempdir().unwrap();

    let listed = conformance_in(
        empty.path(),
        vec!["list".into(), "--api".into(), "aircall".into()],
    )
    .await;
    let shown = conformance_in(
        empty.path(),
        vec!["show".into(), "aircall/calls_note_add".into()],
    )
    .await;

    assert_eq!(listed.status.code(), Some(0), "{}", stderr(&listed));
    let cases = stdout(&listed);
    assert!(cases.lines().count() > 20, "{cases}");
    assert!(cases.lines().all(|l| l.starts_with("aircall/")), "{cases}");
    let shown_text = stdout(&shown);
    // A script: every line is a command or a comment.
    assert!(
        shown_text.starts_with("# aircall/calls_note_add: "),
        "{shown_text}"
    );
    assert!(shown_text.contains("# step 2"), "{shown_text}");
    assert!(
        shown_text.contains("token=$(printf '%s' \"$response\""),
        "{shown_text}"
    );
    assert!(
        shown_text.contains("-H 'authorization: Bearer '\"${token}\""),
        "{shown_text}"
    );
    assert!(
        shown_text.contains("# the document shows (no status):\n#   body: {"),
        "{shown_text}"
    );
    assert!(
        std::fs::read_dir(empty.path()).unwrap().next().is_none(),
        "nothing written"
    );
}

#[tokio::test]
async fn a_run_on_a_terminal_shows_its_progress() {
    let dir = accepted_fixtures().await;
    let server = serving(answer(thing())).await;
    // `script` gives the run a terminal, as a person's shell would.
    let line = format!(
        "{} --fixtures {} run --base-url {}",
        env!("CARGO_BIN_EXE_conformance"),
        dir.path().display(),
        server.uri()
    );

    let output = tokio::task::spawn_blocking(move || {
        std::process::Command::new("script")
            .args(["-qec", &line, "/dev/null"])
            .env_remove("CI")
            .output()
            .unwrap()
    })
    .await
    .unwrap();

    let seen = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{seen}");
    assert!(seen.contains("[1/1] 0 failed  xivo/thing"), "{seen}");
}

#[tokio::test]
async fn no_report_shows_a_secret_or_a_captured_token_even_in_an_error() {
    let dir = fixtures_with(
        r#"
title = "Log in, then read with the token and the password"
document = "xivo-restapi.rst"
endpoint = "POST /login"
tags = ["xivo", "things", "mutates"]

[[steps]]
method = "POST"
path = "/login"
query = { key = "{{password}}" }
capture = { token = { json = "/token" } }

[[steps]]
method = "GET"
path = "/things"
query = { key = "{{password}}" }
auth = { bearer = "{{token}}" }

[steps.documented]
status = 200
body = '''{"echo": "nothing"}'''
"#,
    );
    let token = "live-token-0123456789abcdef";
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/login"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"token": token})))
        .mount(&server)
        .await;
    // The answer echoes both: they must not reach a report through a
    // difference either.
    Mock::given(method("GET"))
        .and(path("/things"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"echo": format!("hunter2 {token}")})),
        )
        .mount(&server)
        .await;
    let runner = runner(dir.path(), &server.uri(), Duration::from_secs(2));
    let case = &runner.fixtures().cases[0];

    let echoed = runner.run(case, &ExpectedFailures::default()).await;
    // A server gone after the login: the error names the URL it asked.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let gone = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let unreachable = runner_at(dir.path(), &gone, Duration::from_secs(2), None)
        .run(case, &ExpectedFailures::default())
        .await;

    let Outcome::Fail(problems) = &echoed.outcome else {
        panic!("{:?}", echoed.outcome)
    };
    let shown: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert!(
        shown
            .iter()
            .any(|p| p.contains("got \"${CONFORMANCE_PASSWORD} ${token}\"")),
        "{shown:?}"
    );
    assert!(!echoed.execution.rendered().contains("hunter2"));
    let Outcome::HarnessError(error) = &unreachable.outcome else {
        panic!("{:?}", unreachable.outcome)
    };
    assert!(
        error.contains("/login?key=${CONFORMANCE_PASSWORD}"),
        "{error}"
    );
    assert!(!error.contains("hunter2"), "{error}");
}

#[tokio::test]
async fn a_document_that_gives_no_status_is_checked_on_what_it_shows() {
    let case = THING_CASE.replace("[steps.documented]\nstatus = 200\n", "[steps.documented]\n");
    let dir = fixtures_with(&case);
    let created = serving(ResponseTemplate::new(201).set_body_json(thing())).await;
    let mut body = thing();
    body["name"] = json!("chair");
    let other = serving(ResponseTemplate::new(201).set_body_json(body)).await;

    let passes = cli(dir.path(), &created.uri(), &["--level", "documented"]).await;
    let fails = cli(dir.path(), &other.uri(), &["--level", "documented"]).await;

    assert_eq!(passes.status.code(), Some(0), "{}", stdout(&passes));
    assert_eq!(fails.status.code(), Some(1), "{}", stdout(&fails));
    says(
        &fails,
        "$.body.name: the document has \"lamp\", got \"chair\"",
    );
}

#[test]
fn a_documented_block_that_shows_nothing_is_refused() {
    let dir = fixtures_with(&THING_CASE.replace(
        "status = 200\nbody = '''{\"id\": \"[uuid]\", \"name\": \"lamp\", \"...\": \"...\"}'''\n",
        "",
    ));

    let errors = Fixtures::load(dir.path()).unwrap_err();

    assert_eq!(
        errors,
        ["xivo/thing: step 1: documented shows nothing: give its status, headers or body, or leave it out"]
    );
}

/// A server whose state route answers `first` once, then `then`; and the
/// requests the route received when the stateful case has run.
async fn state_route_answering(
    first: ResponseTemplate,
    then: ResponseTemplate,
) -> (Option<String>, usize) {
    let dir = fixtures_with(STATEFUL_CASE);
    let server = serving(answer(thing())).await;
    Mock::given(method("POST"))
        .and(path("/__conformance/state"))
        .respond_with(first)
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/__conformance/state"))
        .respond_with(then)
        .with_priority(2)
        .mount(&server)
        .await;
    let runner = runner(dir.path(), &server.uri(), Duration::from_secs(2));

    let execution = runner.execute(&runner.fixtures().cases[0]).await;

    let loads = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.url.path() == "/__conformance/state")
        .count();
    (execution.harness_error, loads)
}

#[tokio::test]
async fn a_state_route_briefly_unavailable_is_asked_once_more_after_its_retry_after() {
    let unavailable = || ResponseTemplate::new(503).insert_header("retry-after", "0");

    let (recovered, asked) = state_route_answering(unavailable(), ResponseTemplate::new(204)).await;
    let (still_down, asked_twice) = state_route_answering(unavailable(), unavailable()).await;
    let (no_hint, asked_once) =
        state_route_answering(ResponseTemplate::new(503), ResponseTemplate::new(204)).await;

    assert_eq!((recovered, asked), (None, 2));
    assert!(still_down.is_some_and(|e| e.contains("refused provider state \"two-things\": 503")));
    assert_eq!(asked_twice, 2);
    assert!(
        no_hint.is_some(),
        "a 503 without Retry-After is not retried"
    );
    assert_eq!(asked_once, 1);
}
