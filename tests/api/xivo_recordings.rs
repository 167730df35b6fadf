//! A campaign's recordings: `GET` and `POST /1.0/recording_campaigns/<id>/`,
//! `POST` without the slash, `GET .../<id>/search?key=...` and `DELETE
//! .../<id>/<cid>`, over the demo data: campaign 1 holds `1357545600.1`
//! (agent 19, number 2123, caller 0231156897), `1357549200.7` and
//! `1357632000.3` (agents 20 and 19, caller 0611111111); campaign 2 holds
//! `demo-support-1` and `demo-support-2` (agents 21 and 22, numbers 1001
//! and 900).

use futures_util::future::join_all;
use reqwest::Method;
use serde_json::{json, Map, Value};

use crate::helpers::{answer, spawn_app, TestApp};

fn recordings_of(campaign: &str) -> String {
    format!("/1.0/recording_campaigns/{campaign}/")
}

async fn get(app: &TestApp, path: &str) -> (u16, Value) {
    answer(app.xivo(Method::GET, path)).await
}

async fn create(app: &TestApp, path: &str, body: Value) -> (u16, Value) {
    answer(app.xivo(Method::POST, path).json(&body)).await
}

async fn delete(app: &TestApp, path: &str) -> (u16, Value) {
    answer(app.xivo(Method::DELETE, path)).await
}

async fn stored(app: &TestApp) -> Vec<Map<String, Value>> {
    app.sql("SELECT * FROM xivo_recordings ORDER BY cid").await
}

fn cids(list: &Value) -> Vec<&str> {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["cid"].as_str().unwrap())
        .collect()
}

/// The document's recording, for `agent_no`.
fn recording(cid: &str, agent_no: &str) -> Value {
    json!({
        "cid": cid,
        "start_time": "2013-01-22 14:53:33",
        "end_time": "2013-01-22 14:58:02",
        "caller": "0231156897",
        "callee": "2000",
        "client_id": "abcd",
        "filename": "file.wav",
        "agent_no": agent_no
    })
}

// ---------------------------------------------------------------- reading

#[tokio::test]
async fn a_campaigns_recordings_in_cid_order_with_their_agents_number() {
    let app = spawn_app().await;

    let response = app
        .xivo(Method::GET, &recordings_of("1"))
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "application/json;charset=UTF-8"
    );
    let list: Value = response.json().await.unwrap();
    assert_eq!(list["total"], 3);
    assert_eq!(
        cids(&list),
        ["1357545600.1", "1357549200.7", "1357632000.3"]
    );
    assert_eq!(
        list["items"][0],
        json!({
            "cid": "1357545600.1",
            "start_time": "2013-01-07 08:12:40",
            "end_time": "2013-01-07 08:15:02",
            "caller": "0231156897",
            "callee": "3000",
            "client_id": "client-17",
            "filename": "winter-sales-file-1357545600.1.wav",
            "campaign_id": 1,
            "agent_id": 19,
            "agent_no": "2123"
        })
    );
    assert_eq!(list["items"][2]["client_id"], Value::Null);
}

#[tokio::test]
async fn an_unknown_campaign_has_no_recordings_and_a_bad_id_is_400() {
    let app = spawn_app().await;

    assert_eq!(
        get(&app, &recordings_of("99")).await,
        (200, json!({"total": 0, "items": []}))
    );
    assert_eq!(
        get(&app, "/1.0/recording_campaigns/99/search?key=0231156897").await,
        (200, json!({"total": 0, "items": []}))
    );
    for id in ["x", "-2", "1e2", "99999999999999999999"] {
        assert_eq!(
            get(&app, &recordings_of(id)).await,
            (400, json!(["No parsable data in the request"])),
            "{id}"
        );
    }
}

#[tokio::test]
async fn the_list_is_filtered_by_property_and_paged() {
    let app = spawn_app().await;

    for (query, expected, total) in [
        ("caller=0611111111", vec!["1357549200.7", "1357632000.3"], 2),
        ("agent_no=2123", vec!["1357545600.1", "1357632000.3"], 2),
        ("agent_id=20", vec!["1357549200.7"], 1),
        ("agent_id=twenty", vec![], 0),
        ("_page=2&_pagesize=2", vec!["1357632000.3"], 3),
        (
            "_page=1&_pagesize=1&caller=0611111111",
            vec!["1357549200.7"],
            2,
        ),
        ("caller=%27%20OR%20%271%27%3D%271", vec![], 0),
    ] {
        let (status, list) = get(&app, &format!("{}?{query}", recordings_of("1"))).await;
        assert_eq!(status, 200, "{query}");
        assert_eq!(cids(&list), expected, "{query}");
        assert_eq!(list["total"], total, "{query}");
    }
    assert_eq!(
        get(&app, &format!("{}?colour=red", recordings_of("1"))).await,
        (400, json!(["Incorrect parameters sent: colour"]))
    );
}

// ---------------------------------------------------------------- search

#[tokio::test]
async fn a_search_matches_the_caller_or_the_agents_number_exactly() {
    let app = spawn_app().await;

    for (query, expected) in [
        ("key=0231156897", vec!["1357545600.1"]),
        ("key=0611111111", vec!["1357549200.7", "1357632000.3"]),
        ("key=2123", vec!["1357545600.1", "1357632000.3"]),
        ("key=2124", vec!["1357549200.7"]),
        ("key=212", vec![]),
        ("key=", vec![]),
        ("key=1001", vec![]),
        ("key=2123&_page=2&_pagesize=1", vec!["1357632000.3"]),
        ("key=2123&caller=0611111111", vec!["1357632000.3"]),
    ] {
        for search in ["search", "search/"] {
            let path = format!("/1.0/recording_campaigns/1/{search}?{query}");
            let (status, list) = get(&app, &path).await;
            assert_eq!(status, 200, "{path}");
            assert_eq!(cids(&list), expected, "{path}");
        }
    }
    let (_, list) = get(
        &app,
        "/1.0/recording_campaigns/1/search?key=2123&_page=2&_pagesize=1",
    )
    .await;
    assert_eq!(list["total"], 2);
    let (_, list) = get(&app, "/1.0/recording_campaigns/2/search?key=900").await;
    assert_eq!(cids(&list), ["demo-support-2"]);
}

#[tokio::test]
async fn a_search_without_a_key_or_with_an_unknown_parameter_is_400() {
    let app = spawn_app().await;

    assert_eq!(
        get(&app, "/1.0/recording_campaigns/1/search").await,
        (400, json!(["Missing parameter: key"]))
    );
    assert_eq!(
        get(&app, "/1.0/recording_campaigns/1/search/?keys=1").await,
        (400, json!(["Incorrect parameters sent: keys"]))
    );
}

// ---------------------------------------------------------------- creating

#[tokio::test]
async fn a_created_recording_is_listed_with_its_agent() {
    let app = spawn_app().await;

    let response = app
        .xivo(Method::POST, &recordings_of("2"))
        .json(&json!({
            "cid": "123.456",
            "campaign_id": 2,
            "start_time": "2013-01-22 14:53:33",
            "end_time": "2013-01-22",
            "caller": "0231156897",
            "agent_no": "2124",
            "agent_id": 999
        }))
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 201);
    assert_eq!(response.text().await.unwrap(), "");
    let (_, list) = get(&app, &format!("{}?cid=123.456", recordings_of("2"))).await;
    assert_eq!(
        list["items"][0],
        json!({
            "cid": "123.456",
            "start_time": "2013-01-22 14:53:33",
            "end_time": "2013-01-22 00:00:00",
            "caller": "0231156897",
            "callee": null,
            "client_id": null,
            "filename": null,
            "campaign_id": 2,
            "agent_id": 20,
            "agent_no": "2124"
        })
    );
}

#[tokio::test]
async fn a_recording_is_created_at_the_section_titles_path_too() {
    let app = spawn_app().await;

    let (status, _) = create(
        &app,
        "/1.0/recording_campaigns/1",
        json!({"cid": "9.9", "agent_no": "10", "campaign_id": "1"}),
    )
    .await;

    assert_eq!(status, 201);
    let (_, list) = get(&app, &format!("{}?agent_no=10", recordings_of("1"))).await;
    assert_eq!(cids(&list), ["9.9"]);
}

#[tokio::test]
async fn refusals_name_every_reason_and_change_nothing() {
    let app = spawn_app().await;
    let before = stored(&app).await;

    for (path, body, status, messages) in [
        (
            recordings_of("1"),
            recording("new.1", "7777"),
            400,
            vec!["No such agent"],
        ),
        (
            recordings_of("1"),
            json!({"cid": "new.1"}),
            400,
            vec!["No such agent"],
        ),
        (
            recordings_of("1"),
            recording("demo-support-1", "2123"),
            400,
            vec!["duplicated_cid"],
        ),
        (
            recordings_of("1"),
            recording(" ", "2123"),
            400,
            vec!["empty_cid"],
        ),
        (
            recordings_of("1"),
            json!({"agent_no": null}),
            400,
            vec!["empty_cid", "No such agent"],
        ),
        (
            recordings_of("1"),
            recording("1357545600.1", "0000"),
            400,
            vec!["No such agent", "duplicated_cid"],
        ),
        (
            recordings_of("99"),
            recording(" ", "0000"),
            404,
            vec!["No such campaign"],
        ),
        (
            recordings_of("1"),
            json!({"cid": "n", "agent_no": "2123", "start_time": "2013-01-22T14:53:33"}),
            400,
            vec!["invalid_date_format"],
        ),
        (
            recordings_of("1"),
            json!({"cid": "x".repeat(256), "agent_no": "2123"}),
            400,
            vec!["cid must be a string of at most 255 characters"],
        ),
    ] {
        assert_eq!(
            create(&app, &path, body.clone()).await,
            (status, json!(messages)),
            "{path} {body}"
        );
    }
    // Raw text: the properties' order is the request's (a `json!` object
    // sorts them).
    let request = app
        .xivo(Method::POST, &recordings_of("99"))
        .header("content-type", "application/json")
        .body(
            r#"{"cid": 5, "agent_no": 2123, "caller": ["x"], "colour": "red",
                "campaign_id": 1, "end_time": 1, "size": 2}"#,
        );
    assert_eq!(
        answer(request).await,
        (
            400,
            json!([
                "Incorrect parameters sent: colour, size",
                "cid must be a string of at most 255 characters",
                "agent_no must be a string of at most 255 characters",
                "caller must be a string of at most 255 characters",
                "campaign_id must be the campaign of the URL",
                "invalid_date_format",
            ])
        )
    );
    for body in ["{", "[1]", r#"{"cid": "a", "cid": "b"}"#] {
        let request = app
            .xivo(Method::POST, &recordings_of("1"))
            .header("content-type", "application/json")
            .body(body);
        assert_eq!(
            answer(request).await,
            (400, json!(["No parsable data in the request"])),
            "{body}"
        );
    }
    assert_eq!(stored(&app).await, before);
}

#[tokio::test]
async fn sql_looking_text_is_stored_as_text() {
    let app = spawn_app().await;
    let caller = "'; DELETE FROM xivo_recordings; --";

    let (status, _) = create(
        &app,
        &recordings_of("2"),
        json!({"cid": "a'b", "caller": caller, "agent_no": "900"}),
    )
    .await;

    assert_eq!(status, 201);
    let path = format!(
        "/1.0/recording_campaigns/2/search?key={}",
        form_urlencoded::byte_serialize(caller.as_bytes()).collect::<String>()
    );
    let (_, list) = get(&app, &path).await;
    assert_eq!(cids(&list), ["a'b"]);
    assert_eq!(stored(&app).await.len(), 6);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn of_concurrent_creations_of_one_cid_exactly_one_succeeds() {
    let app = spawn_app().await;

    let path = recordings_of("2");
    let answers = join_all((0..10).map(|i| {
        create(
            &app,
            &path,
            recording("rush", if i % 2 == 0 { "2123" } else { "2124" }),
        )
    }))
    .await;

    let statuses: Vec<u16> = answers.iter().map(|(status, _)| *status).collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        1,
        "{answers:?}"
    );
    assert!(answers
        .iter()
        .filter(|(status, _)| *status != 201)
        .all(|answer| *answer == (400, json!(["duplicated_cid"]))));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_campaign_deleted_while_recordings_arrive_never_keeps_a_recording() {
    let app = spawn_app().await;
    let (status, _) = answer(
        app.xivo(Method::POST, "/1.0/recording_campaigns/")
            .json(&json!({"campaign_name": "short", "start_date": "2013-05-01"})),
    )
    .await;
    assert_eq!(status, 201);

    let deletion = answer(app.xivo(Method::DELETE, "/1.0/recording_campaigns/3"));
    let path = recordings_of("3");
    let creations =
        join_all((0..6).map(|i| create(&app, &path, recording(&format!("late.{i}"), "2123"))));
    let ((deleted, _), created) = tokio::join!(deletion, creations);

    let kept = app
        .sql_count("SELECT COUNT(*) FROM xivo_recordings WHERE campaign_id = 3")
        .await;
    let campaign = app
        .sql_count("SELECT COUNT(*) FROM xivo_recording_campaigns WHERE id = 3")
        .await;
    let made = created.iter().filter(|(status, _)| *status == 201).count();
    assert_eq!(usize::try_from(kept).unwrap(), made);
    if deleted == 200 {
        assert_eq!((campaign, kept), (0, 0));
        assert!(created
            .iter()
            .filter(|(status, _)| *status != 201)
            .all(|answer| *answer == (404, json!(["No such campaign"]))));
    } else {
        assert_eq!(deleted, 412);
        assert_eq!(campaign, 1);
        assert!(kept > 0);
    }
}

// ---------------------------------------------------------------- deleting

#[tokio::test]
async fn a_recording_is_deleted_from_its_campaign_only() {
    let app = spawn_app().await;

    assert_eq!(
        delete(&app, "/1.0/recording_campaigns/2/1357545600.1").await,
        (404, json!(["No such recording"]))
    );
    let response = app
        .xivo(Method::DELETE, "/1.0/recording_campaigns/1/1357545600.1")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.unwrap(), "");
    let (_, list) = get(&app, &recordings_of("1")).await;
    assert_eq!(cids(&list), ["1357549200.7", "1357632000.3"]);
    assert_eq!(
        delete(&app, "/1.0/recording_campaigns/1/1357545600.1").await,
        (404, json!(["No such recording"]))
    );
    assert_eq!(
        delete(&app, "/1.0/recording_campaigns/99/1357549200.7").await,
        (404, json!(["No such recording"]))
    );
    assert_eq!(
        delete(&app, "/1.0/recording_campaigns/one/1357549200.7").await,
        (400, json!(["No parsable data in the request"]))
    );
}

#[tokio::test]
async fn cids_that_look_like_routes_or_need_escaping_can_be_deleted() {
    let app = spawn_app().await;
    for cid in ["search", "a/b", "' OR 1=1 --"] {
        let (status, _) = create(&app, &recordings_of("2"), recording(cid, "2123")).await;
        assert_eq!(status, 201, "{cid}");
    }

    for cid in ["search", "a%2Fb", "%27%20OR%201%3D1%20--"] {
        let (status, _) = delete(&app, &format!("/1.0/recording_campaigns/2/{cid}")).await;
        assert_eq!(status, 200, "{cid}");
    }
    let (_, list) = get(&app, &recordings_of("2")).await;
    assert_eq!(cids(&list), ["demo-support-1", "demo-support-2"]);
}

// ---------------------------------------------------------------- costs

#[tokio::test]
async fn every_route_is_one_round_trip() {
    let app = spawn_app().await;
    let mut costs = Vec::new();
    for (method, path, body) in [
        (Method::GET, recordings_of("1"), None),
        (
            Method::GET,
            format!("{}?_page=1&_pagesize=2", recordings_of("1")),
            None,
        ),
        (
            Method::GET,
            "/1.0/recording_campaigns/1/search?key=2123".to_owned(),
            None,
        ),
        (
            Method::GET,
            "/1.0/recording_campaigns/1/search?key=0611111111".to_owned(),
            None,
        ),
        (
            Method::POST,
            recordings_of("1"),
            Some(recording("n.1", "2123")),
        ),
        (
            Method::POST,
            recordings_of("1"),
            Some(recording("n.1", "2123")),
        ),
        (
            Method::DELETE,
            "/1.0/recording_campaigns/1/n.1".to_owned(),
            None,
        ),
        (
            Method::DELETE,
            "/1.0/recording_campaigns/1/n.1".to_owned(),
            None,
        ),
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
