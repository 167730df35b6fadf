//! Aircall calls: `GET /calls?offset=&limit=`, `GET /calls/:id` and
//! `PUT /calls/:id/archive`, on the demo data (100 calls).

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{answer, spawn_app, spawn_app_without_database};

async fn page(app: &crate::helpers::TestApp, query: &str) -> (u16, Value) {
    let response = app
        .aircall(Method::GET, &format!("/calls{query}"))
        .await
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

fn ids(body: &Value) -> Vec<String> {
    body["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn the_first_page_is_ten_calls_newest_first_with_the_total() {
    let app = spawn_app().await;

    let (status, body) = page(&app, "").await;

    assert_eq!(status, 200);
    assert_eq!(body["totalCount"], 100);
    assert_eq!(body["hasNextPage"], true);
    assert_eq!(ids(&body), app.call_ids().await[..10]);
}

#[tokio::test]
async fn a_call_has_the_originals_fields_in_its_order() {
    let app = spawn_app().await;

    let response = app
        .aircall(Method::GET, "/calls?limit=100")
        .await
        .send()
        .await
        .unwrap();
    let text = response.text().await.unwrap();
    let body: Value = serde_json::from_str(&text).unwrap();

    // The first call's keys, in the order they are sent.
    let fields = [
        "id",
        "direction",
        "from",
        "to",
        "duration",
        "is_archived",
        "call_type",
        "via",
        "created_at",
        "notes",
    ];
    let positions: Vec<usize> = fields
        .iter()
        .map(|f| text.find(&format!("\"{f}\":")).unwrap())
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{text}");
    for call in body["nodes"].as_array().unwrap() {
        assert_eq!(call.as_object().unwrap().len(), fields.len());
        assert!(uuid::Uuid::parse_str(call["id"].as_str().unwrap()).is_ok());
        assert!(["inbound", "outbound"].contains(&call["direction"].as_str().unwrap()));
        for number in ["from", "to", "via"] {
            let n = call[number].as_str().unwrap();
            assert!(n.starts_with("+331") && n.len() == 12, "{n}");
        }
        assert!(call["duration"].is_i64());
        assert!(call["is_archived"].is_boolean());
        assert!(["missed", "answered", "voicemail"].contains(&call["call_type"].as_str().unwrap()));
        let created = call["created_at"].as_str().unwrap();
        assert!(
            chrono::DateTime::parse_from_rfc3339(created).is_ok(),
            "{created}"
        );
        assert!(created.ends_with('Z') && created.len() == 24, "{created}");
        assert!(call["notes"].as_array().unwrap().len() <= 1);
    }
}

#[tokio::test]
async fn the_demo_calls_span_the_last_week_and_about_half_are_archived() {
    let app = spawn_app().await;

    let (_, body) = page(&app, "?limit=100").await;

    let calls = body["nodes"].as_array().unwrap();
    let archived = calls.iter().filter(|c| c["is_archived"] == true).count();
    assert!((35..=65).contains(&archived), "{archived} archived");
    let with_notes = calls.iter().filter(|c| c["notes"] != json!([])).count();
    assert!((30..=70).contains(&with_notes), "{with_notes} with a note");
    let now = chrono::Utc::now();
    for call in calls {
        let at =
            chrono::DateTime::parse_from_rfc3339(call["created_at"].as_str().unwrap()).unwrap();
        let age = now.signed_duration_since(at);
        assert!(age > chrono::Duration::zero() && age < chrono::Duration::days(7));
    }
}

#[tokio::test]
async fn offset_and_limit_page_through_every_call_once() {
    let app = spawn_app().await;

    let mut seen = Vec::new();
    let mut offset = 0;
    loop {
        let (status, body) = page(&app, &format!("?offset={offset}&limit=30")).await;
        assert_eq!(status, 200);
        seen.extend(ids(&body));
        offset += 30;
        if body["hasNextPage"] == false {
            break;
        }
    }

    assert_eq!(seen, app.call_ids().await);
}

#[tokio::test]
async fn a_page_past_the_end_is_empty_but_tells_the_total() {
    let app = spawn_app().await;

    let (status, body) = page(&app, "?offset=500&limit=5").await;

    assert_eq!(status, 200);
    assert_eq!(
        body,
        json!({"nodes": [], "totalCount": 100, "hasNextPage": false})
    );
}

#[tokio::test]
async fn the_list_is_one_d1_round_trip() {
    let app = spawn_app().await;
    let request = app.aircall(Method::GET, "/calls?offset=20&limit=10").await;

    let response = request.send().await.unwrap();

    assert_eq!(response.status(), 200);
    let line = app.log_of(&response);
    assert_eq!(line["d1_round_trips"], 1);
    assert_eq!(line["d1_rows_written"], 0);
}

#[tokio::test]
async fn bad_paging_parameters_are_400s_with_readable_messages() {
    let app = spawn_app().await;

    for (query, messages) in [
        ("?offset=-1", json!(["offset must not be less than 0"])),
        ("?limit=ten", json!(["limit must be an integer number"])),
        ("?limit=2.5", json!(["limit must be an integer number"])),
        ("?limit=0", json!(["limit must not be less than 1"])),
        ("?limit=101", json!(["limit must not be greater than 100"])),
        (
            "?limit=100000000000000000000000",
            json!(["limit must not be greater than 100"]),
        ),
        (
            "?offset=9007199254740992",
            json!(["offset must not be greater than 9007199254740991"]),
        ),
        (
            "?offset=x&limit=-3",
            json!([
                "offset must be an integer number",
                "limit must not be less than 1"
            ]),
        ),
    ] {
        let (status, body) = page(&app, query).await;
        assert_eq!(status, 400, "{query}");
        assert_eq!(
            body,
            json!({"statusCode": 400, "message": messages, "error": "Bad Request"}),
            "{query}"
        );
    }
}

#[tokio::test]
async fn a_call_is_found_by_its_id() {
    let app = spawn_app().await;
    let id = app.call_ids().await[3].clone();

    let response = app
        .aircall(Method::GET, &format!("/calls/{id}"))
        .await
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 200);
    let line = app.log_of(&response);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["id"], id.as_str());
    let (_, list) = page(&app, "").await;
    assert_eq!(body, list["nodes"][3]);
    assert_eq!(line["d1_round_trips"], 1);
}

#[tokio::test]
async fn an_uppercase_id_finds_the_same_call() {
    let app = spawn_app().await;
    let id = app.call_ids().await[0].clone();

    let (status, body) = answer(
        app.aircall(Method::GET, &format!("/calls/{}", id.to_uppercase()))
            .await,
    )
    .await;

    assert_eq!(status, 200);
    assert_eq!(body["id"], id.as_str());
}

#[tokio::test]
async fn an_unknown_or_malformed_call_id_is_a_404_the_call_does_not_exist() {
    let app = spawn_app().await;

    for id in [
        "3c3f3b44-1b7b-4c1e-9d7b-3a3c1f0e0d00",
        "42",
        "not-a-uuid",
        "%FF%FE",
    ] {
        for method in [Method::GET, Method::PUT] {
            let path = if method == Method::GET {
                format!("/calls/{id}")
            } else {
                format!("/calls/{id}/archive")
            };
            let response = app.aircall(method, &path).await.send().await.unwrap();
            assert_eq!(response.status(), 404, "{path}");
            let body: Value = response.json().await.unwrap();
            assert_eq!(
                body,
                json!({"statusCode": 404, "message": "The call does not exist!", "error": "Not Found"}),
                "{path}"
            );
        }
    }
}

#[tokio::test]
async fn archive_toggles_the_call_and_returns_it() {
    let app = spawn_app().await;
    let id = app.call_ids().await[0].clone();
    let path = format!("/calls/{id}/archive");
    let (_, before) = page(&app, "?limit=1").await;
    let was = before["nodes"][0]["is_archived"].as_bool().unwrap();

    let first = app.aircall(Method::PUT, &path).await.send().await.unwrap();
    assert_eq!(first.status(), 200);
    let line = app.log_of(&first);
    let first: Value = first.json().await.unwrap();
    let second: Value = app
        .aircall(Method::PUT, &path)
        .await
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();

    assert_eq!(first["id"], id.as_str());
    assert_eq!(first["is_archived"], !was);
    assert_eq!(second["is_archived"], was);
    assert_eq!(line["d1_round_trips"], 1);
    assert_eq!(line["d1_rows_written"], 1);
}

#[tokio::test]
async fn archiving_an_unknown_call_writes_nothing() {
    let app = spawn_app().await;

    let response = app
        .aircall(
            Method::PUT,
            "/calls/3c3f3b44-1b7b-4c1e-9d7b-3a3c1f0e0d00/archive",
        )
        .await
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 404);
    assert_eq!(app.log_of(&response)["d1_rows_written"], 0);
}

#[tokio::test]
async fn parallel_archives_of_one_call_each_toggle_it() {
    let app = spawn_app().await;
    let id = app.call_ids().await[0].clone();
    let before = app
        .sql_count(&format!(
            "SELECT is_archived FROM aircall_calls WHERE id = '{id}'"
        ))
        .await;
    let (access, _) = app.login().await;
    let path = format!("/calls/{id}/archive");

    let requests = (0..7).map(|_| app.request(Method::PUT, &path).bearer_auth(&access).send());
    let responses = futures_util::future::join_all(requests).await;

    assert!(responses
        .iter()
        .all(|r| r.as_ref().unwrap().status() == 200));
    let after = app
        .sql_count(&format!(
            "SELECT is_archived FROM aircall_calls WHERE id = '{id}'"
        ))
        .await;
    assert_eq!(after, 1 - before, "seven toggles flip it once");
}

#[tokio::test]
async fn a_failing_database_is_the_nestjs_500_that_hides_the_cause_and_logs_it() {
    let app = spawn_app_without_database().await;

    let response = app
        .aircall(Method::GET, "/calls")
        .await
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 500);
    let line = app.log_of(&response);
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        body,
        json!({"statusCode": 500, "message": "Internal server error"})
    );
    assert_eq!(line["error"], "D1_ERROR: the database is unreachable");
}
