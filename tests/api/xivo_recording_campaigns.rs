//! `GET` and `POST /1.0/recording_campaigns/`, `GET`, `PUT` and `DELETE
//! /1.0/recording_campaigns/<id>`, over the demo data: campaign 1
//! (`winter-sales`, queue 2, January 2013, over, three recordings) and
//! campaign 2 (`support-quality`, queue 3, running from a week before the
//! load to a year after it, two recordings).

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use futures_util::future::join_all;
use reqwest::Method;
use serde_json::{json, Map, Value};
use switchboard::ports::{PlatformError, QueryResult, Sql, Statement};

use crate::helpers::{answer, dev_config, spawn_app, spawn_app_with, TestApp};

const LIST: &str = "/1.0/recording_campaigns/";

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).unwrap().into()
}

async fn create(app: &TestApp, body: Value) -> (u16, Value) {
    answer(app.xivo(Method::POST, LIST).json(&body)).await
}

/// A creation whose body is sent as written (a `json!` object sorts its
/// properties).
async fn create_text(app: &TestApp, path: &str, body: &str) -> (u16, Value) {
    answer(
        app.xivo(Method::POST, path)
            .header("content-type", "application/json")
            .body(body.to_owned()),
    )
    .await
}

async fn get(app: &TestApp, path: &str) -> (u16, Value) {
    answer(app.xivo(Method::GET, path)).await
}

async fn update(app: &TestApp, id: &str, body: Value) -> (u16, Value) {
    answer(app.xivo(Method::PUT, &format!("{LIST}{id}")).json(&body)).await
}

/// Every campaign as stored, to show that a refused request changed nothing.
async fn stored(app: &TestApp) -> Vec<Map<String, Value>> {
    app.sql("SELECT * FROM xivo_recording_campaigns ORDER BY id")
        .await
}

/// The ids of a list's items.
fn ids(list: &Value) -> Vec<&str> {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["id"].as_str().unwrap())
        .collect()
}

/// A campaign on queue 1 (which the demo leaves free) in February 2013.
fn february(name: &str) -> Value {
    json!({
        "campaign_name": name,
        "queue_id": "1",
        "start_date": "2013-02-01 08:00:00",
        "end_date": "2013-02-28 18:00:00"
    })
}

// ---------------------------------------------------------------- reading

#[tokio::test]
async fn the_list_has_every_campaign_with_string_values_and_its_queue() {
    let app = spawn_app().await;

    let response = app.xivo(Method::GET, LIST).send().await.unwrap();

    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "application/json;charset=UTF-8"
    );
    let list: Value = response.json().await.unwrap();
    assert_eq!(list["total"], 2);
    assert_eq!(ids(&list), ["1", "2"]);
    assert_eq!(
        list["items"][0],
        json!({
            "id": "1",
            "campaign_name": "winter-sales",
            "start_date": "2013-01-07 08:00:00",
            "end_date": "2013-01-31 18:00:00",
            "queue_id": "2",
            "activated": "True",
            "base_filename": "winter-sales-file-",
            "queue_name": "your_queue",
            "queue_display_name": "Your queue",
            "queue_number": "3000"
        })
    );
}

#[tokio::test]
async fn the_list_is_served_without_the_trailing_slash_too() {
    let app = spawn_app().await;

    assert_eq!(
        get(&app, "/1.0/recording_campaigns").await,
        get(&app, LIST).await
    );
}

#[tokio::test]
async fn one_campaign_is_a_list_of_one_and_an_unknown_one_an_empty_list() {
    let app = spawn_app().await;

    let (status, one) = get(&app, "/1.0/recording_campaigns/2").await;
    assert_eq!(status, 200);
    assert_eq!(one["total"], 1);
    assert_eq!(one["items"][0]["campaign_name"], "support-quality");
    assert_eq!(one["items"][0]["queue_number"], "1500");

    let (status, none) = get(&app, "/1.0/recording_campaigns/99").await;
    assert_eq!(status, 200);
    assert_eq!(none, json!({"total": 0, "items": []}));
}

#[tokio::test]
async fn ids_that_are_not_decimal_integers_up_to_2_53_are_400() {
    let app = spawn_app().await;

    for id in [
        "abc",
        "-1",
        "1.5",
        "%2B1",
        "99999999999999999999",
        "9007199254740992",
    ] {
        let path = format!("{LIST}{id}");
        assert_eq!(
            get(&app, &path).await,
            (400, json!(["No parsable data in the request"])),
            "GET {id}"
        );
        let (status, _) = answer(app.xivo(Method::DELETE, &path)).await;
        assert_eq!(status, 400, "DELETE {id}");
        let (status, _) = update(&app, id, json!({})).await;
        assert_eq!(status, 400, "PUT {id}");
    }
    assert_eq!(
        get(&app, "/1.0/recording_campaigns/9007199254740991").await,
        (200, json!({"total": 0, "items": []}))
    );
}

// ---------------------------------------------------------------- filters

#[tokio::test]
async fn filters_on_name_queue_id_and_queue_number() {
    let app = spawn_app().await;

    for (query, expected) in [
        ("campaign_name=winter-sales", vec!["1"]),
        ("campaign_name=nothing", vec![]),
        ("queue_id=3", vec!["2"]),
        ("queue_id=1", vec![]),
        ("queue_number=3000", vec!["1"]),
        ("queue_number=1500&campaign_name=support-quality", vec!["2"]),
        ("queue_number=1500&campaign_name=winter-sales", vec![]),
        ("campaign_name=%27%20OR%201%3D1%20--", vec![]),
    ] {
        let (status, list) = get(&app, &format!("{LIST}?{query}")).await;
        assert_eq!(status, 200, "{query}");
        assert_eq!(ids(&list), expected, "{query}");
        assert_eq!(list["total"], expected.len(), "{query}");
    }
}

#[tokio::test]
async fn running_compares_the_clocks_now_with_the_dates_bounds_included() {
    let app = spawn_app().await;

    for (now, running, not_running) in [
        ("2013-01-15T12:00:00Z", vec!["1"], vec!["2"]),
        ("2013-01-07T08:00:00Z", vec!["1"], vec!["2"]),
        ("2013-01-31T18:00:00Z", vec!["1"], vec!["2"]),
        ("2013-01-07T07:59:59Z", vec![], vec!["1", "2"]),
        ("2013-01-31T18:00:01Z", vec![], vec!["1", "2"]),
    ] {
        app.platform.clock.set(at(now));
        let (_, list) = get(&app, &format!("{LIST}?running=true")).await;
        assert_eq!(ids(&list), running, "running at {now}");
        let (_, list) = get(&app, &format!("{LIST}?running=True")).await;
        assert_eq!(ids(&list), running, "running (True) at {now}");
        let (_, list) = get(&app, &format!("{LIST}?running=false")).await;
        assert_eq!(ids(&list), not_running, "not running at {now}");
    }
}

#[tokio::test]
async fn the_demos_running_campaign_runs_now() {
    let app = spawn_app().await;

    let (_, list) = get(&app, &format!("{LIST}?running=true")).await;

    assert_eq!(ids(&list), ["2"]);
}

#[tokio::test]
async fn unknown_filters_and_running_values_are_400() {
    let app = spawn_app().await;

    for (query, message) in [
        ("colour=blue", "Incorrect parameters sent: colour"),
        ("running=yes", "Incorrect parameters sent: running"),
        ("id=1&colour=red", "Incorrect parameters sent: id, colour"),
    ] {
        assert_eq!(
            get(&app, &format!("{LIST}?{query}")).await,
            (400, json!([message])),
            "{query}"
        );
    }
    let many: Vec<String> = (0..33).map(|i| format!("campaign_name={i}")).collect();
    let (status, _) = get(&app, &format!("{LIST}?{}", many.join("&"))).await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn pages_count_from_one_and_the_total_is_counted_before_paging() {
    let app = spawn_app().await;
    for i in 0..5 {
        let (status, _) = create(&app, json!({"campaign_name": format!("extra {i}")})).await;
        assert_eq!(status, 201);
    }

    for (query, expected) in [
        ("_page=1&_pagesize=3", vec!["1", "2", "3"]),
        ("_page=2&_pagesize=3", vec!["4", "5", "6"]),
        ("_page=3&_pagesize=3", vec!["7"]),
        ("_page=4&_pagesize=3", vec![]),
        ("_page=1&_pagesize=0", vec![]),
        (
            "_page=0&_pagesize=3",
            vec!["1", "2", "3", "4", "5", "6", "7"],
        ),
        ("_page=2", vec!["1", "2", "3", "4", "5", "6", "7"]),
    ] {
        let (status, list) = get(&app, &format!("{LIST}?{query}")).await;
        assert_eq!(status, 200, "{query}");
        assert_eq!(ids(&list), expected, "{query}");
        assert_eq!(list["total"], 7, "{query}");
    }
    let (_, list) = get(&app, &format!("{LIST}?_page=2&_pagesize=1&queue_id=3")).await;
    assert_eq!(list, json!({"total": 1, "items": []}));
    let (status, _) = get(&app, &format!("{LIST}?_page=x&_pagesize=1")).await;
    assert_eq!(status, 400);
}

// ---------------------------------------------------------------- creating

#[tokio::test]
async fn a_creation_answers_its_id_as_a_json_string_and_is_stored_as_given() {
    let app = spawn_app().await;

    let response = app
        .xivo(Method::POST, LIST)
        .json(&json!({
            "campaign_name": "my campaign",
            "queue_id": "1",
            "activated": "False",
            "base_filename": "mine-",
            "start_date": "2013-02-01 08:00:00",
            "end_date": "2013-02-28"
        }))
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 201);
    assert_eq!(
        response.headers()["content-type"],
        "application/json;charset=UTF-8"
    );
    assert_eq!(response.text().await.unwrap(), "\"3\"");
    let (_, got) = get(&app, "/1.0/recording_campaigns/3").await;
    assert_eq!(
        got,
        json!({"total": 1, "items": [{
            "id": "3",
            "campaign_name": "my campaign",
            "start_date": "2013-02-01 08:00:00",
            "end_date": "2013-02-28 00:00:00",
            "queue_id": "1",
            "activated": "False",
            "base_filename": "mine-",
            "queue_name": "my_queue",
            "queue_display_name": "My queue",
            "queue_number": "2000"
        }]})
    );
}

#[tokio::test]
async fn defaults_today_at_midnight_activated_a_file_name_and_no_queue() {
    let app = spawn_app().await;
    app.platform.clock.set(at("2030-05-06T15:04:05Z"));

    let (status, id) = create(&app, json!({"campaign_name": "quick", "id": "77"})).await;

    assert_eq!((status, id.clone()), (201, json!("3")));
    let (_, got) = get(&app, "/1.0/recording_campaigns/3").await;
    assert_eq!(
        got["items"][0],
        json!({
            "id": "3",
            "campaign_name": "quick",
            "start_date": "2030-05-06 00:00:00",
            "end_date": "2030-05-06 00:00:00",
            "queue_id": null,
            "activated": "True",
            "base_filename": "quick-file-"
        })
    );
    // Without a queue, campaigns never overlap.
    let (status, _) = create(&app, json!({"campaign_name": "quick too", "queue_id": ""})).await;
    assert_eq!(status, 201);
    // Numbers and booleans are taken where the document writes strings.
    let (status, _) = create(
        &app,
        json!({"campaign_name": "typed", "queue_id": 4, "activated": true}),
    )
    .await;
    assert_eq!(status, 201);
    let (_, got) = get(&app, "/1.0/recording_campaigns/5").await;
    assert_eq!(got["items"][0]["queue_id"], "4");
    assert_eq!(got["items"][0]["activated"], "True");
}

#[tokio::test]
async fn each_reason_alone() {
    let app = spawn_app().await;
    let before = stored(&app).await;

    for (body, reasons) in [
        (json!({"queue_id": "1"}), vec!["empty_name"]),
        (json!({"campaign_name": null}), vec!["empty_name"]),
        (json!({"campaign_name": ""}), vec!["empty_name"]),
        (json!({"campaign_name": " \t"}), vec!["empty_name"]),
        (
            json!({"campaign_name": "b", "start_date": "2013-02-02", "end_date": "2013-02-01"}),
            vec!["start_greater_than_end"],
        ),
        (
            json!({"campaign_name": "c", "queue_id": "2", "start_date": "2013-01-31 18:00:00",
                   "end_date": "2013-02-05"}),
            vec!["concurrent_campaigns"],
        ),
        (
            json!({"campaign_name": "c", "queue_id": 2, "start_date": "2012-12-01",
                   "end_date": "2013-01-07 08:00:00"}),
            vec!["concurrent_campaigns"],
        ),
        (
            json!({"campaign_name": "c", "queue_id": "2", "start_date": "2012-12-01",
                   "end_date": "2013-03-01"}),
            vec!["concurrent_campaigns"],
        ),
        (
            json!({"campaign_name": "winter-sales", "start_date": "2013-02-01",
                   "end_date": "2013-02-02"}),
            vec!["duplicated_name"],
        ),
        (
            json!({"campaign_name": "q", "queue_id": "99"}),
            vec!["No such queue"],
        ),
        (
            json!({"campaign_name": "d", "start_date": "01/02/2013"}),
            vec!["invalid_date_format"],
        ),
    ] {
        assert_eq!(
            create(&app, body.clone()).await,
            (400, json!(reasons)),
            "{body}"
        );
    }
    assert_eq!(stored(&app).await, before);
}

#[tokio::test]
async fn every_reason_that_applies_in_a_fixed_order() {
    let app = spawn_app().await;
    let before = stored(&app).await;

    for (body, reasons) in [
        (
            json!({"campaign_name": "winter-sales", "queue_id": "2",
                   "start_date": "2013-01-20", "end_date": "2013-01-10"}),
            vec![
                "start_greater_than_end",
                "concurrent_campaigns",
                "duplicated_name",
            ],
        ),
        (
            json!({"campaign_name": "", "queue_id": "2",
                   "start_date": "2013-01-20", "end_date": "2013-01-10"}),
            vec![
                "empty_name",
                "start_greater_than_end",
                "concurrent_campaigns",
            ],
        ),
        (
            json!({"campaign_name": "winter-sales", "queue_id": "2",
                   "start_date": "2013-01-10", "end_date": "2013-01-20"}),
            vec!["concurrent_campaigns", "duplicated_name"],
        ),
        (
            json!({"queue_id": "42", "start_date": "2013-01-20", "end_date": "2013-01-10"}),
            vec!["empty_name", "start_greater_than_end", "No such queue"],
        ),
    ] {
        assert_eq!(
            create(&app, body.clone()).await,
            (400, json!(reasons)),
            "{body}"
        );
    }
    assert_eq!(stored(&app).await, before);
}

#[tokio::test]
async fn the_requests_form_comes_first_and_a_bad_date_never_with_the_reasons() {
    let app = spawn_app().await;
    let before = stored(&app).await;

    for (body, messages) in [
        (
            json!({"campaign_name": "", "start_date": "2013-01-22T14:53:33"})
                .to_string(),
            vec!["invalid_date_format"],
        ),
        (
            json!({"campaign_name": "winter-sales", "queue_id": "2",
                   "start_date": "2013-01-10", "end_date": 20130120})
                .to_string(),
            vec!["invalid_date_format"],
        ),
        (
            // Raw text: the properties' order is the request's.
            r#"{"zeta": 1, "campaign_name": 5, "alpha": "x", "queue_id": true,
                "activated": "yes", "base_filename": ["a"], "start_date": "tomorrow"}"#
                .to_owned(),
            vec![
                "Incorrect parameters sent: zeta, alpha",
                "campaign_name must be a string of at most 255 characters",
                "queue_id must be null, \"\" or an integer (or a string of one) from 0 to 9007199254740991",
                "activated must be True or False",
                "base_filename must be a string of at most 255 characters",
                "invalid_date_format",
            ],
        ),
        (
            json!({"campaign_name": "x".repeat(256)})
                .to_string(),
            vec!["campaign_name must be a string of at most 255 characters"],
        ),
        (
            json!({"campaign_name": "n", "queue_id": "-1"})
                .to_string(),
            vec!["queue_id must be null, \"\" or an integer (or a string of one) from 0 to 9007199254740991"],
        ),
        (
            json!({"campaign_name": "n", "queue_id": 1.5})
                .to_string(),
            vec!["queue_id must be null, \"\" or an integer (or a string of one) from 0 to 9007199254740991"],
        ),
        (
            json!({"campaign_name": "n", "id": "abc"})
                .to_string(),
            vec!["id must be an integer (or a string of one) from 0 to 9007199254740991"],
        ),
    ] {
        assert_eq!(
            create_text(&app, LIST, &body).await,
            (400, json!(messages)),
            "{body}"
        );
    }
    assert_eq!(stored(&app).await, before);
}

#[tokio::test]
async fn bodies_that_are_not_one_json_object_are_unparsable() {
    let app = spawn_app().await;
    let before = stored(&app).await;

    for body in [
        "{nope",
        "[]",
        "\"campaign\"",
        "null",
        r#"{"campaign_name": "a", "campaign_name": "b"}"#,
    ] {
        let request = app
            .xivo(Method::POST, LIST)
            .header("content-type", "application/json")
            .body(body);
        assert_eq!(
            answer(request).await,
            (400, json!(["No parsable data in the request"])),
            "{body}"
        );
    }
    let (status, _) = answer(
        app.xivo(Method::POST, LIST)
            .header("content-type", "text/plain")
            .body("campaign_name=x"),
    )
    .await;
    assert_eq!(status, 415);
    assert_eq!(stored(&app).await, before);
}

#[tokio::test]
async fn sql_looking_text_is_stored_and_read_back_as_text() {
    let app = spawn_app().await;
    let name = "x'); DROP TABLE xivo_recording_campaigns; --";

    let (status, id) = create(
        &app,
        json!({"campaign_name": name, "base_filename": "' OR 1=1"}),
    )
    .await;

    assert_eq!(status, 201);
    let (_, got) = get(&app, &format!("{LIST}{}", id.as_str().unwrap())).await;
    assert_eq!(got["items"][0]["campaign_name"], name);
    assert_eq!(got["items"][0]["base_filename"], "' OR 1=1");
    let (_, found) = get(&app, &format!("{LIST}?campaign_name={}", urlencode(name))).await;
    assert_eq!(found["total"], 1);
    assert_eq!(stored(&app).await.len(), 3);
}

fn urlencode(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

// ---------------------------------------------------------------- concurrency

/// SQL that lets other requests run between any two statements (as D1's
/// round trips do), so that a check made apart from its write would race.
struct Interleaving(Arc<dyn Sql>);

#[async_trait]
impl Sql for Interleaving {
    async fn all(&self, statement: Statement) -> Result<QueryResult, PlatformError> {
        tokio::time::sleep(Duration::from_millis(5)).await;
        let result = self.0.all(statement).await;
        tokio::time::sleep(Duration::from_millis(5)).await;
        result
    }

    async fn batch(&self, statements: Vec<Statement>) -> Result<Vec<QueryResult>, PlatformError> {
        tokio::time::sleep(Duration::from_millis(5)).await;
        let result = self.0.batch(statements).await;
        tokio::time::sleep(Duration::from_millis(5)).await;
        result
    }
}

async fn spawn_interleaving_app() -> TestApp {
    spawn_app_with(dev_config(), |mut state| {
        state.sql = Arc::new(Interleaving(state.sql.clone()));
        state
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn of_concurrent_overlapping_creations_exactly_one_succeeds() {
    let app = spawn_interleaving_app().await;

    let requests = (0..12).map(|i| {
        create(
            &app,
            json!({
                "campaign_name": format!("rush {i}"),
                "queue_id": "1",
                "start_date": format!("2013-03-{:02} 00:00:00", i + 1),
                "end_date": "2013-03-20 00:00:00"
            }),
        )
    });
    let answers = join_all(requests).await;

    let created: Vec<_> = answers
        .iter()
        .filter(|(status, _)| *status == 201)
        .collect();
    assert_eq!(created.len(), 1, "{answers:?}");
    for (status, body) in answers.iter().filter(|(status, _)| *status != 201) {
        assert_eq!((*status, body), (400, &json!(["concurrent_campaigns"])));
    }
    assert_eq!(
        app.sql_count("SELECT COUNT(*) FROM xivo_recording_campaigns WHERE queue_id = 1")
            .await,
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn of_concurrent_creations_with_one_name_exactly_one_succeeds() {
    let app = spawn_interleaving_app().await;

    let answers = join_all((0..12).map(|_| create(&app, json!({"campaign_name": "same"})))).await;

    let statuses: Vec<u16> = answers.iter().map(|(status, _)| *status).collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        1,
        "{answers:?}"
    );
    assert!(answers
        .iter()
        .filter(|(status, _)| *status != 201)
        .all(|answer| *answer == (400, json!(["duplicated_name"]))));
    assert_eq!(
        app.sql_count("SELECT COUNT(*) FROM xivo_recording_campaigns WHERE campaign_name = 'same'")
            .await,
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_updates_cannot_move_two_campaigns_into_one_period() {
    let app = spawn_interleaving_app().await;
    for (name, month) in [("a", "03"), ("b", "04"), ("c", "05")] {
        let mut body = february(name);
        body["start_date"] = json!(format!("2013-{month}-01 00:00:00"));
        body["end_date"] = json!(format!("2013-{month}-10 00:00:00"));
        assert_eq!(create(&app, body).await.0, 201);
    }

    // Campaigns 3, 4 and 5 all asked to move to June at once.
    let moves = ["3", "4", "5"].map(|id| {
        update(
            &app,
            id,
            json!({"start_date": "2013-06-01", "end_date": "2013-06-30"}),
        )
    });
    let answers = join_all(moves).await;

    assert_eq!(
        answers.iter().filter(|(status, _)| *status == 200).count(),
        1,
        "{answers:?}"
    );
    assert_eq!(
        app.sql_count(
            "SELECT COUNT(*) FROM xivo_recording_campaigns WHERE start_date = '2013-06-01 00:00:00'"
        )
        .await,
        1
    );
}

// ---------------------------------------------------------------- updating

#[tokio::test]
async fn an_update_changes_the_properties_given_only() {
    let app = spawn_app().await;

    let response = app
        .xivo(Method::PUT, "/1.0/recording_campaigns/1")
        .json(&json!({"campaign_name": "renamed", "queue_id": "1", "id": "1"}))
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.unwrap(), "");
    let (_, got) = get(&app, "/1.0/recording_campaigns/1").await;
    assert_eq!(
        got["items"][0],
        json!({
            "id": "1",
            "campaign_name": "renamed",
            "start_date": "2013-01-07 08:00:00",
            "end_date": "2013-01-31 18:00:00",
            "queue_id": "1",
            "activated": "True",
            "base_filename": "winter-sales-file-",
            "queue_name": "my_queue",
            "queue_display_name": "My queue",
            "queue_number": "2000"
        })
    );
    // An item read can be sent back as it is.
    let item = got["items"][0].clone();
    assert_eq!(update(&app, "1", item).await, (200, Value::Null));
    // "" removes the queue; PUT on <id>/ is the general section's form.
    let response = app
        .xivo(Method::PUT, "/1.0/recording_campaigns/1/")
        .json(&json!({"queue_id": "", "activated": "false", "end_date": "2013-02-01"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let (_, got) = get(&app, "/1.0/recording_campaigns/1").await;
    assert_eq!(got["items"][0]["queue_id"], Value::Null);
    assert_eq!(got["items"][0]["activated"], "False");
    assert_eq!(got["items"][0]["end_date"], "2013-02-01 00:00:00");
    assert!(got["items"][0].get("queue_name").is_none());
}

#[tokio::test]
async fn an_update_is_checked_as_it_would_leave_the_campaign_against_the_others() {
    let app = spawn_app().await;
    assert_eq!(create(&app, february("feb")).await.0, 201);
    let before = stored(&app).await;

    for (id, body, reasons) in [
        (
            "3",
            json!({"start_date": "2013-03-01"}),
            vec!["start_greater_than_end"],
        ),
        (
            "3",
            json!({"campaign_name": "winter-sales"}),
            vec!["duplicated_name"],
        ),
        (
            "1",
            json!({"queue_id": "1", "end_date": "2013-02-01 08:00:00"}),
            vec!["concurrent_campaigns"],
        ),
        (
            "1",
            json!({"campaign_name": "  ", "queue_id": 1, "end_date": "2013-02-10"}),
            vec!["empty_name", "concurrent_campaigns"],
        ),
        ("1", json!({"queue_id": "12"}), vec!["No such queue"]),
        (
            "1",
            json!({"end_date": "soon"}),
            vec!["invalid_date_format"],
        ),
        ("1", json!({"id": 2}), vec!["id must be the id of the URL"]),
        (
            "1",
            json!({"colour": "red"}),
            vec!["Incorrect parameters sent: colour"],
        ),
    ] {
        assert_eq!(
            update(&app, id, body.clone()).await,
            (400, json!(reasons)),
            "{id} {body}"
        );
    }
    assert_eq!(stored(&app).await, before);
    // Its own name, and its own period, are no conflict.
    assert_eq!(
        update(
            &app,
            "3",
            json!({"campaign_name": "feb", "start_date": "2013-02-02"})
        )
        .await,
        (200, Value::Null)
    );
}

#[tokio::test]
async fn updating_an_unknown_campaign_is_an_empty_404_after_the_form_is_checked() {
    let app = spawn_app().await;

    let response = app
        .xivo(Method::PUT, "/1.0/recording_campaigns/99")
        .json(&json!({"campaign_name": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    assert_eq!(response.text().await.unwrap(), "");

    assert_eq!(
        update(&app, "99", json!({"start_date": "x"})).await,
        (400, json!(["invalid_date_format"]))
    );
}

// ---------------------------------------------------------------- deleting

#[tokio::test]
async fn a_campaign_with_recordings_is_412_and_stays() {
    let app = spawn_app().await;
    let before = stored(&app).await;

    let (status, body) = answer(app.xivo(Method::DELETE, "/1.0/recording_campaigns/1")).await;

    assert_eq!((status, body), (412, json!(["campaign_not_empty"])));
    assert_eq!(stored(&app).await, before);
}

#[tokio::test]
async fn a_campaign_without_recordings_is_deleted_and_an_unknown_one_is_404() {
    let app = spawn_app().await;
    assert_eq!(create(&app, february("feb")).await.0, 201);

    let response = app
        .xivo(Method::DELETE, "/1.0/recording_campaigns/3")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.unwrap(), "");
    assert_eq!(
        get(&app, "/1.0/recording_campaigns/3").await,
        (200, json!({"total": 0, "items": []}))
    );

    let response = app
        .xivo(Method::DELETE, "/1.0/recording_campaigns/3")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    assert_eq!(response.text().await.unwrap(), "");
}

// ---------------------------------------------------------------- costs

#[tokio::test]
async fn every_route_is_one_round_trip() {
    let app = spawn_app().await;
    let mut costs = Vec::new();
    for (method, path, body) in [
        (Method::GET, LIST.to_owned(), None),
        (Method::GET, format!("{LIST}?running=true"), None),
        (Method::GET, format!("{LIST}?_page=1&_pagesize=1"), None),
        (Method::GET, format!("{LIST}?queue_number=3000"), None),
        (Method::GET, format!("{LIST}1"), None),
        (Method::POST, LIST.to_owned(), Some(february("feb"))),
        (Method::POST, LIST.to_owned(), Some(february("feb"))),
        (
            Method::PUT,
            format!("{LIST}3"),
            Some(json!({"campaign_name": "march"})),
        ),
        (Method::DELETE, format!("{LIST}1"), None),
        (Method::DELETE, format!("{LIST}3"), None),
    ] {
        let mut request = app.xivo(method.clone(), &path);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let line = app.log_of(&response);
        assert_eq!(line["d1_round_trips"], 1, "{method} {path}");
        costs.push(format!(
            "{method} {path} -> {}: {} rows read, {} written",
            response.status(),
            line["d1_rows_read"],
            line["d1_rows_written"]
        ));
    }
    println!("{}", costs.join("\n"));
}
