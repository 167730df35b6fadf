//! Upcall campaigns: `GET/POST /api/v1/campaigns`, `GET/PATCH/DELETE
//! /api/v1/campaigns/:id` and the document's `PATCH /api/v1/campaigns`, on
//! the demo data (account 1: campaigns 101 to 112; account 2: 201 to 203).

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{answer, spawn_app, TestApp};

const ONE: &str = "upcall-demo-token-account-1";
const TWO: &str = "upcall-demo-token-account-2";

const CAMPAIGN: fn() -> Value = || {
    json!({"data": {"type": "campaigns", "attributes": {
        "name": "My Campaign",
        "instructions": "Call people and ask about product satisfaction",
        "pitch": "Be friendly",
        "start_datetime": "2016-07-11T00:04:58Z",
        "end_datetime": "2016-07-12T00:04:58Z",
        "language": "en",
        "status": "pending",
        "from_number": "+16501231234"
    }}})
};

impl TestApp {
    /// An Upcall request with `token` as `auth_token`.
    fn upcall(&self, method: Method, path: &str, token: &str) -> reqwest::RequestBuilder {
        let separator = if path.contains('?') { '&' } else { '?' };
        self.request(method, &format!("{path}{separator}auth_token={token}"))
    }

    async fn campaign_ids(&self, path: &str, token: &str) -> Vec<String> {
        let (status, body) = answer(self.upcall(Method::GET, path, token)).await;
        assert_eq!(status, 200, "{path}: {body}");
        body["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_str().unwrap().to_owned())
            .collect()
    }

    async fn campaigns_count(&self) -> i64 {
        self.sql_count("SELECT COUNT(*) FROM upcall_campaigns")
            .await
    }
}

fn ids(range: std::ops::RangeInclusive<u32>) -> Vec<String> {
    range.map(|i| i.to_string()).collect()
}

#[tokio::test]
async fn a_list_is_the_accounts_campaigns_in_id_order_as_json_api() {
    let app = spawn_app().await;

    let response = app
        .upcall(Method::GET, "/api/v1/campaigns", ONE)
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "application/vnd.api+json"
    );
    let line = app.log_of(&response);
    let body: Value = response.json().await.unwrap();
    let got: Vec<&str> = body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(got, ids(101..=112));
    assert_eq!(
        body["data"][0],
        json!({"id": "101", "type": "campaigns", "attributes": {
            "name": "Spring survey", "pitch": "Be friendly", "language": "en", "status": "pending",
            "updated_at": "2016-07-11T15:30:00.000Z", "created_at": "2016-07-01T09:00:00.000Z",
            "start_datetime": "2016-08-01T08:00:00.000Z", "end_datetime": "2016-08-08T18:00:00.000Z",
            "instructions": "Call people and ask about product satisfaction",
            "from_number": "+16501231234", "questions": []
        }})
    );
    let base = format!("{}/api/v1/campaigns?auth_token={ONE}", app.base);
    assert_eq!(
        body["links"],
        json!({
            "self": format!("{base}&page%5Bnumber%5D=1&page%5Bsize%5D=25"),
            "last": format!("{base}&page%5Bnumber%5D=1&page%5Bsize%5D=25")
        })
    );
    assert_eq!(
        line["d1_round_trips"], 1,
        "page, count and token in one round trip"
    );
}

#[tokio::test]
async fn pages_link_to_the_next_and_the_last_and_keep_every_filter() {
    let app = spawn_app().await;

    let (_, first) = answer(app.upcall(Method::GET, "/api/v1/campaigns?page[size]=5", ONE)).await;
    let (_, last) = answer(app.upcall(
        Method::GET,
        "/api/v1/campaigns?page[number]=3&page[size]=5",
        ONE,
    ))
    .await;
    let (_, past) = answer(app.upcall(
        Method::GET,
        "/api/v1/campaigns?page[number]=9&page[size]=5",
        ONE,
    ))
    .await;
    let (_, filtered) = answer(app.request(
        Method::GET,
        &format!("/api/v1/campaigns?language=fr&page%5Bsize%5D=2&auth_token={ONE}&status=ready"),
    ))
    .await;

    let base = format!("{}/api/v1/campaigns?auth_token={ONE}", app.base);
    assert_eq!(first["data"].as_array().unwrap().len(), 5);
    assert_eq!(
        first["links"]["next"],
        format!("{base}&page%5Bnumber%5D=2&page%5Bsize%5D=5")
    );
    assert_eq!(
        first["links"]["last"],
        format!("{base}&page%5Bnumber%5D=3&page%5Bsize%5D=5")
    );
    assert_eq!(last["data"].as_array().unwrap().len(), 2);
    assert!(
        last["links"].get("next").is_none(),
        "no next on the last page"
    );
    assert_eq!(past["data"], json!([]));
    assert!(past["links"].get("next").is_none());
    // auth_token first, then the filters in the request's order, then the page.
    assert_eq!(
        filtered["links"]["self"],
        format!("{base}&language=fr&status=ready&page%5Bnumber%5D=1&page%5Bsize%5D=2")
    );
    assert_eq!(filtered["data"][0]["id"], "102");
}

#[tokio::test]
async fn the_token_may_come_in_an_authorization_header_and_then_stays_out_of_links() {
    let app = spawn_app().await;

    let (status, body) = answer(
        app.get("/api/v1/campaigns?page[size]=2")
            .header("authorization", format!("Token token=\"{TWO}\"")),
    )
    .await;

    assert_eq!(status, 200);
    assert_eq!(body["data"].as_array().unwrap().len(), 2);
    assert_eq!(body["data"][0]["id"], "201");
    let link = body["links"]["self"].as_str().unwrap();
    assert!(!link.contains("auth_token"), "{link}");
}

#[tokio::test]
async fn each_filter_narrows_the_list() {
    let app = spawn_app().await;
    let list = |query: &str| {
        let app = &app;
        let path = format!("/api/v1/campaigns?{query}");
        async move { app.campaign_ids(&path, ONE).await }
    };

    assert_eq!(list("name=Win-back").await, ["106"]);
    assert_eq!(list("language=es").await, ["103", "106", "109", "112"]);
    assert_eq!(list("status=archived").await, ["105", "110"]);
    assert_eq!(list("language=en&status=pending").await, ["101"]);
    // Inclusive bounds, with or without milliseconds, in any offset.
    assert_eq!(
        list("min_start_datetime=2016-08-11T08:00:00Z&max_start_datetime=2016-08-12T08:00:00.000Z")
            .await,
        ["111", "112"]
    );
    assert_eq!(
        list("max_created_datetime=2016-07-02T11:00:00%2B02:00").await,
        ["101", "102"]
    );
    assert_eq!(
        list("min_updated_datetime=2016-07-22T15:30:00Z").await,
        ["112"]
    );
    assert!(list("name=nobody").await.is_empty());
}

#[tokio::test]
async fn bad_filters_and_pages_are_400_naming_each_parameter() {
    let app = spawn_app().await;

    let (status, body) = answer(app.upcall(
        Method::GET,
        "/api/v1/campaigns?status=running&min_created_datetime=yesterday&page[size]=101&page[number]=0&language=en&language=fr",
        ONE,
    ))
    .await;

    assert_eq!(status, 400);
    assert_eq!(
        body,
        json!({"errors": {
            "status": ["must be one of pending, ready, paused, completed, archived"],
            "min_created_datetime": ["must be an ISO 8601 datetime, e.g. 2016-07-18T10:49:18.000Z".replace("10:49:18", "10:59:30")],
            "page[size]": ["must be an integer from 1 to 100"],
            "page[number]": ["must be an integer from 1 to 1000000000"],
            "language": ["is given more than once"]
        }})
    );
    let (status, _) = answer(app.upcall(
        Method::GET,
        "/api/v1/campaigns?name=x'%20OR%201=1%20--",
        ONE,
    ))
    .await;
    assert_eq!(status, 200, "SQL-looking values are values");
    assert!(app
        .campaign_ids("/api/v1/campaigns?name=x'%20OR%201=1%20--", ONE)
        .await
        .is_empty());
}

#[tokio::test]
async fn a_missing_unknown_or_conflicting_token_is_401_in_the_upcall_shape() {
    let app = spawn_app().await;
    let unauthorized = json!({"errors": {"auth_token": ["is missing or not valid"]}});

    for request in [
        app.get("/api/v1/campaigns"),
        app.get("/api/v1/campaigns?auth_token="),
        app.get("/api/v1/campaigns?auth_token=not-a-token"),
        app.get("/api/v1/campaigns/101")
            .header("authorization", "Token token=wrong"),
        app.get(&format!("/api/v1/campaigns?auth_token={ONE}"))
            .header("authorization", format!("Token token={TWO}")),
        app.request(Method::POST, "/api/v1/campaigns?auth_token=wrong")
            .json(&CAMPAIGN()),
        app.request(Method::PATCH, "/api/v1/campaigns/101?auth_token=wrong")
            .json(&CAMPAIGN()),
        app.request(Method::DELETE, "/api/v1/campaigns/101?auth_token=wrong"),
    ] {
        let (status, body) = answer(request).await;
        assert_eq!((status, &body), (401, &unauthorized));
    }
    assert_eq!(app.campaigns_count().await, 15, "nothing written");
}

#[tokio::test]
async fn another_accounts_campaigns_cannot_be_read_changed_or_deleted_nor_seen_to_exist() {
    let app = spawn_app().await;
    let before = app
        .sql("SELECT * FROM upcall_campaigns WHERE id = 201")
        .await;

    let (get, got) = answer(app.upcall(Method::GET, "/api/v1/campaigns/201", ONE)).await;
    let (_, unknown) = answer(app.upcall(Method::GET, "/api/v1/campaigns/9999", ONE)).await;
    let (patch, _) = answer(
        app.upcall(Method::PATCH, "/api/v1/campaigns/201", ONE)
            .json(&json!({"data": {"type": "campaigns", "attributes": {"name": "mine now"}}})),
    )
    .await;
    let (patch_by_body, _) = answer(app.upcall(Method::PATCH, "/api/v1/campaigns", ONE).json(
        &json!({"data": {"type": "campaigns", "id": "201", "attributes": {"name": "mine"}}}),
    ))
    .await;
    let (delete, _) = answer(app.upcall(Method::DELETE, "/api/v1/campaigns/201", ONE)).await;
    let listed = app
        .campaign_ids("/api/v1/campaigns?name=Relances%20clients", ONE)
        .await;

    assert_eq!((get, patch, patch_by_body, delete), (404, 404, 404, 404));
    assert_eq!(
        got, unknown,
        "the same answer as for an id that does not exist"
    );
    assert_eq!(got, json!({"errors": {"id": ["Campaign not found"]}}));
    assert!(listed.is_empty());
    assert_eq!(
        app.sql("SELECT * FROM upcall_campaigns WHERE id = 201")
            .await,
        before
    );
    assert_eq!(
        app.campaign_ids("/api/v1/campaigns", TWO).await,
        ["201", "202", "203"]
    );
}

#[tokio::test]
async fn a_campaign_is_created_with_201_and_read_back() {
    let app = spawn_app().await;
    let now = chrono::DateTime::parse_from_rfc3339("2026-12-01T10:00:00.123Z").unwrap();
    app.platform.clock.set(now.into());

    let response = app
        .upcall(Method::POST, "/api/v1/campaigns", ONE)
        .json(&CAMPAIGN())
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 201);
    assert_eq!(app.log_of(&response)["d1_round_trips"], 1);
    let body: Value = response.json().await.unwrap();
    let id = body["data"]["id"].as_str().unwrap().to_owned();
    assert_eq!(
        body["data"]["attributes"],
        json!({
            "name": "My Campaign", "pitch": "Be friendly", "language": "en", "status": "pending",
            "updated_at": "2026-12-01T10:00:00.123Z", "created_at": "2026-12-01T10:00:00.123Z",
            "start_datetime": "2016-07-11T00:04:58.000Z", "end_datetime": "2016-07-12T00:04:58.000Z",
            "instructions": "Call people and ask about product satisfaction",
            "from_number": "+16501231234", "questions": []
        })
    );
    let (status, again) =
        answer(app.upcall(Method::GET, &format!("/api/v1/campaigns/{id}"), ONE)).await;
    assert_eq!(status, 200);
    assert_eq!(again, body);
    let (status, _) =
        answer(app.upcall(Method::GET, &format!("/api/v1/campaigns/{id}"), TWO)).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn bodies_are_read_as_json_under_every_json_type_and_without_one() {
    let app = spawn_app().await;
    let text = CAMPAIGN().to_string();

    for content_type in [
        Some("application/json"),
        Some("application/vnd.api+json"),
        Some("text/json; charset=utf-8"),
        None,
    ] {
        let mut request = app
            .upcall(Method::POST, "/api/v1/campaigns", ONE)
            .body(text.clone());
        if let Some(content_type) = content_type {
            request = request.header("content-type", content_type);
        }
        let (status, _) = answer(request).await;
        assert_eq!(status, 201, "{content_type:?}");
    }
    let (status, body) = answer(
        app.upcall(Method::POST, "/api/v1/campaigns", ONE)
            .header("content-type", "text/plain")
            .body(text),
    )
    .await;
    assert_eq!(status, 415);
    assert_eq!(
        body,
        json!({"errors": {"body": ["Content-Type must be JSON"]}})
    );
}

#[tokio::test]
async fn bad_bodies_are_400_list_every_failing_field_and_write_nothing() {
    let app = spawn_app().await;
    let post = |body: &str| {
        answer(
            app.upcall(Method::POST, "/api/v1/campaigns", ONE)
                .header("content-type", "application/json")
                .body(body.to_owned()),
        )
    };

    let (status, body) = post(r#"{"data": {"type": "campaigns","#).await;
    assert_eq!(status, 400);
    assert!(body["errors"]["body"][0]
        .as_str()
        .unwrap()
        .starts_with("is not valid JSON"));
    assert_eq!(
        post(r#"{"campaign": {}}"#).await,
        (400, json!({"errors": {"data": ["is required"]}}))
    );
    assert_eq!(
        post("").await,
        (400, json!({"errors": {"data": ["is required"]}}))
    );
    assert_eq!(
        post(r#"{"data": {"type": "numbers", "attributes": {"name": "x"}}}"#).await,
        (400, json!({"errors": {"type": ["must be campaigns"]}}))
    );
    let (status, body) = post(
        r#"{"data": {"type": "campaigns", "attributes": {
            "pitch": 5, "status": "running", "start_datetime": "2016-07-12T00:00:00Z",
            "end_datetime": "2016-07-11T00:00:00Z", "from_number": "650-123-1234",
            "colour": "red", "language": ["en"]}}}"#,
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(
        body,
        json!({"errors": {
            "colour": ["is not an attribute of campaigns"],
            "name": ["Campaign name is a required field"],
            "status": ["must be one of pending, ready, paused, completed, archived"],
            "end_datetime": ["must not be before start_datetime"],
            "from_number": ["must be a phone number in E.164 format, e.g. +16501231234"],
            "pitch": ["must be a string"],
            "language": ["must be a string"]
        }})
    );
    let (status, body) = post(
        r#"{"data": {"type": "campaigns", "attributes": {"name": "x", "start_datetime": "soon"}}}"#,
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(
        body["errors"]["start_datetime"][0],
        "must be an ISO 8601 datetime, e.g. 2016-07-18T10:59:30.000Z"
    );
    assert_eq!(app.campaigns_count().await, 15);
}

#[tokio::test]
async fn a_patch_changes_only_what_it_sends_and_bumps_updated_at() {
    let app = spawn_app().await;
    let now = chrono::DateTime::parse_from_rfc3339("2026-12-01T10:00:00.000Z").unwrap();
    app.platform.clock.set(now.into());
    let (_, before) = answer(app.upcall(Method::GET, "/api/v1/campaigns/104", ONE)).await;

    let response = app
        .upcall(Method::PATCH, "/api/v1/campaigns/104", ONE)
        .json(&json!({"data": {"type": "campaigns", "id": "104", "attributes": {"status": "paused", "pitch": "Be quick"}}}))
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 200);
    assert_eq!(app.log_of(&response)["d1_round_trips"], 1);
    let after: Value = response.json().await.unwrap();
    let mut expected = before.clone();
    expected["data"]["attributes"]["status"] = json!("paused");
    expected["data"]["attributes"]["pitch"] = json!("Be quick");
    expected["data"]["attributes"]["updated_at"] = json!("2026-12-01T10:00:00.000Z");
    assert_eq!(after, expected);
}

#[tokio::test]
async fn the_documents_patch_takes_the_id_from_the_body() {
    let app = spawn_app().await;

    let (status, body) = answer(app.upcall(Method::PATCH, "/api/v1/campaigns", ONE).json(
        &json!({"data": {"type": "campaigns", "id": "107", "attributes": {"name": "Renamed"}}}),
    ))
    .await;
    let (missing, missing_body) = answer(
        app.upcall(Method::PATCH, "/api/v1/campaigns", ONE)
            .json(&json!({"data": {"type": "campaigns", "attributes": {"name": "Renamed"}}})),
    )
    .await;
    let (other, _) = answer(
        app.upcall(Method::PATCH, "/api/v1/campaigns/108", ONE)
            .json(
                &json!({"data": {"type": "campaigns", "id": "107", "attributes": {"name": "x"}}}),
            ),
    )
    .await;

    assert_eq!(status, 200);
    assert_eq!(body["data"]["id"], "107");
    assert_eq!(body["data"]["attributes"]["name"], "Renamed");
    assert_eq!(
        (missing, missing_body),
        (400, json!({"errors": {"id": ["is required"]}}))
    );
    assert_eq!(other, 400, "a data.id other than the URL's");
}

#[tokio::test]
async fn a_patch_cannot_put_the_end_before_the_stored_start_nor_empty_the_name() {
    let app = spawn_app().await;
    let before = app
        .sql("SELECT * FROM upcall_campaigns WHERE id = 101")
        .await;

    let (status, body) = answer(
        app.upcall(Method::PATCH, "/api/v1/campaigns/101", ONE)
            .json(&json!({"data": {"type": "campaigns", "attributes": {"end_datetime": "2016-07-01T00:00:00Z"}}})),
    )
    .await;
    let (empty, empty_body) = answer(
        app.upcall(Method::PATCH, "/api/v1/campaigns/101", ONE)
            .json(&json!({"data": {"type": "campaigns", "attributes": {"name": " "}}})),
    )
    .await;

    assert_eq!(
        (status, body),
        (
            400,
            json!({"errors": {"end_datetime": ["must not be before start_datetime"]}})
        )
    );
    assert_eq!(
        (empty, empty_body),
        (
            400,
            json!({"errors": {"name": ["Campaign name is a required field"]}})
        )
    );
    assert_eq!(
        app.sql("SELECT * FROM upcall_campaigns WHERE id = 101")
            .await,
        before
    );
}

#[tokio::test]
async fn a_delete_is_204_with_no_body_and_the_campaign_is_gone() {
    let app = spawn_app().await;

    let response = app
        .upcall(Method::DELETE, "/api/v1/campaigns/105", ONE)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
    assert_eq!(app.log_of(&response)["d1_round_trips"], 1);
    assert!(response.bytes().await.unwrap().is_empty());

    let (again, _) = answer(app.upcall(Method::DELETE, "/api/v1/campaigns/105", ONE)).await;
    let (get, _) = answer(app.upcall(Method::GET, "/api/v1/campaigns/105", ONE)).await;
    assert_eq!((again, get), (404, 404));
    assert_eq!(app.campaigns_count().await, 14);
}

#[tokio::test]
async fn ids_that_are_not_positive_integers_name_no_campaign() {
    let app = spawn_app().await;

    for id in [
        "abc",
        "0",
        "-1",
        "1e2",
        "99999999999999999999",
        "101%20OR%201=1",
    ] {
        let (status, body) =
            answer(app.upcall(Method::GET, &format!("/api/v1/campaigns/{id}"), ONE)).await;
        assert_eq!(
            (status, body),
            (404, json!({"errors": {"id": ["Campaign not found"]}})),
            "{id}"
        );
    }
}

#[tokio::test]
async fn unknown_paths_and_methods_answer_in_the_upcall_shape() {
    let app = spawn_app().await;

    let (status, body) = answer(app.upcall(Method::GET, "/api/v1/nothing", ONE)).await;
    assert_eq!(
        (status, body),
        (
            404,
            json!({"errors": {"path": ["Cannot GET /api/v1/nothing"]}})
        )
    );
    let (status, body) = answer(app.upcall(Method::PUT, "/api/v1/campaigns/101", ONE)).await;
    assert_eq!(status, 405);
    assert!(body["errors"]["method"].is_array());
}
