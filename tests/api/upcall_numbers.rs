//! Upcall numbers and a campaign's numbers: `GET/POST /api/v1/numbers`,
//! `GET/PATCH /api/v1/numbers/:id`, `GET/POST /api/v1/campaigns/:id/numbers`,
//! on the demo data (account 1: numbers 301 to 306, all in campaign 101 as
//! 1301 to 1306; account 2: numbers 401 and 402, in its campaign 201).

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{answer, spawn_app, TestApp};

const ONE: &str = "upcall-demo-token-account-1";
const TWO: &str = "upcall-demo-token-account-2";

async fn get(app: &TestApp, path: &str, token: &str) -> (u16, Value) {
    let separator = if path.contains('?') { '&' } else { '?' };
    answer(app.get(&format!("{path}{separator}auth_token={token}"))).await
}

async fn send(app: &TestApp, method: Method, path: &str, token: &str, body: Value) -> (u16, Value) {
    answer(
        app.request(method, &format!("{path}?auth_token={token}"))
            .json(&body),
    )
    .await
}

fn ids(body: &Value) -> Vec<&str> {
    body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["id"].as_str().unwrap())
        .collect()
}

async fn counts(app: &TestApp) -> (i64, i64) {
    (
        app.sql_count("SELECT COUNT(*) FROM upcall_numbers").await,
        app.sql_count("SELECT COUNT(*) FROM upcall_campaign_numbers")
            .await,
    )
}

#[tokio::test]
async fn numbers_are_listed_per_account_and_filtered_by_any_field() {
    let app = spawn_app().await;

    let (status, all) = get(&app, "/api/v1/numbers", ONE).await;
    assert_eq!(status, 200);
    assert_eq!(ids(&all), ["301", "302", "303", "304", "305", "306"]);
    assert_eq!(
        all["data"][1],
        json!({"id": "302", "type": "number", "attributes": {
            "list_id": 1, "first_name": "Bob", "last_name": "Jones", "title": "Buyer",
            "company": "Globex", "email": "bob@globex.example", "status": "active",
            "phone": "+16507991145", "extension": "12",
            "address": {"recipient": null, "line1": "200 Main St", "line2": null, "city": "Austin",
                        "region": "TX", "postal_code": "73301", "country": "US"}
        }})
    );
    assert_eq!(
        ids(&get(&app, "/api/v1/numbers?status=disabled", ONE).await.1),
        ["303"]
    );
    assert_eq!(
        ids(&get(&app, "/api/v1/numbers?city=Palo%20Alto", ONE).await.1),
        ["301", "303"]
    );
    assert_eq!(
        ids(&get(&app, "/api/v1/numbers?country=GB&extension=7", ONE)
            .await
            .1),
        ["305"]
    );
    assert_eq!(
        ids(&get(&app, "/api/v1/numbers", TWO).await.1),
        ["401", "402"]
    );
    let (status, body) = get(&app, "/api/v1/numbers?status=deleted", ONE).await;
    assert_eq!(
        (status, body),
        (
            400,
            json!({"errors": {"status": ["must be one of active, disabled"]}})
        )
    );
}

#[tokio::test]
async fn another_accounts_number_is_404_like_an_unknown_one() {
    let app = spawn_app().await;

    let (status, body) = get(&app, "/api/v1/numbers/401", ONE).await;
    let (_, unknown) = get(&app, "/api/v1/numbers/9999", ONE).await;
    let (patch, _) = send(
        &app,
        Method::PATCH,
        "/api/v1/numbers/401",
        ONE,
        json!({"data": {"type": "numbers", "attributes": {"title": "mine"}}}),
    )
    .await;

    assert_eq!(
        (status, &body),
        (404, &json!({"errors": {"id": ["Number not found"]}}))
    );
    assert_eq!(body, unknown);
    assert_eq!(patch, 404);
    assert_eq!(
        get(&app, "/api/v1/numbers/401", TWO).await.1["data"]["attributes"]["title"],
        "Gérante"
    );
}

#[tokio::test]
async fn a_number_is_created_and_with_a_campaign_id_added_to_that_campaign() {
    let app = spawn_app().await;
    let number = json!({"data": {"type": "numbers", "attributes": {
        "list_id": 1, "campaign_id": 102, "first_name": "Ada", "last_name": "Lovelace",
        "phone": "+442071234568", "address": {"city": "London", "country": "GB"}
    }}});

    let response = app
        .request(Method::POST, &format!("/api/v1/numbers?auth_token={ONE}"))
        .json(&number)
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 201);
    assert_eq!(app.log_of(&response)["d1_round_trips"], 1);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["data"]["type"], "number");
    assert_eq!(body["data"]["attributes"]["status"], "active");
    assert_eq!(body["data"]["attributes"]["address"]["city"], "London");
    let id = body["data"]["id"].as_str().unwrap();
    let (_, in_campaign) = get(&app, "/api/v1/campaigns/102/numbers", ONE).await;
    assert_eq!(in_campaign["data"].as_array().unwrap().len(), 1);
    assert_eq!(in_campaign["data"][0]["attributes"]["status"], "untried");
    assert_eq!(
        in_campaign["data"][0]["attributes"]["list_contact_id"].to_string(),
        id
    );
}

#[tokio::test]
async fn a_number_for_another_accounts_campaign_or_with_bad_fields_writes_nothing() {
    let app = spawn_app().await;
    let before = counts(&app).await;

    let (status, body) = send(
        &app,
        Method::POST,
        "/api/v1/numbers",
        ONE,
        json!({"data": {"type": "numbers", "attributes": {"campaign_id": 201, "phone": "+16507990000"}}}),
    )
    .await;
    assert_eq!(
        (status, body),
        (
            404,
            json!({"errors": {"campaign_id": ["Campaign not found"]}})
        )
    );

    let (status, body) = send(
        &app,
        Method::POST,
        "/api/v1/numbers",
        ONE,
        json!({"data": {"type": "numbers", "attributes": {
            "status": "gone", "list_id": -1, "email": 5, "nickname": "x",
            "address": {"city": "Paris", "planet": "Earth"}}}}),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(
        body,
        json!({"errors": {
            "nickname": ["is not an attribute of numbers"],
            "list_id": ["must be a positive integer"],
            "status": ["must be one of active, disabled"],
            "phone": ["is required"],
            "address.planet": ["is not a field of an address"],
            "email": ["must be a string"]
        }})
    );
    let (status, body) = send(
        &app,
        Method::POST,
        "/api/v1/numbers",
        ONE,
        json!({"data": {"type": "numbers", "attributes": {"phone": "650 799 1144"}}}),
    )
    .await;
    assert_eq!(status, 400);
    assert!(body["errors"]["phone"][0]
        .as_str()
        .unwrap()
        .contains("E.164"));
    assert_eq!(counts(&app).await, before);
}

#[tokio::test]
async fn a_number_patch_changes_only_what_it_sends() {
    let app = spawn_app().await;
    let (_, before) = get(&app, "/api/v1/numbers/301", ONE).await;

    let (status, after) = send(
        &app,
        Method::PATCH,
        "/api/v1/numbers/301",
        ONE,
        json!({"data": {"type": "numbers", "id": "301", "attributes": {"title": "Chair", "address": {"line2": "Suite 5"}}}}),
    )
    .await;
    let (refused, body) = send(
        &app,
        Method::PATCH,
        "/api/v1/numbers/301",
        ONE,
        json!({"data": {"type": "numbers", "attributes": {"campaign_id": 101}}}),
    )
    .await;

    assert_eq!(status, 200);
    let mut expected = before.clone();
    expected["data"]["attributes"]["title"] = json!("Chair");
    expected["data"]["attributes"]["address"]["line2"] = json!("Suite 5");
    assert_eq!(after, expected);
    assert_eq!(
        (refused, body),
        (
            400,
            json!({"errors": {"campaign_id": ["can be given only when creating"]}})
        )
    );
}

#[tokio::test]
async fn a_campaigns_numbers_are_listed_and_filtered_and_only_for_its_account() {
    let app = spawn_app().await;

    let (status, all) = get(&app, "/api/v1/campaigns/101/numbers", ONE).await;
    assert_eq!(status, 200);
    assert_eq!(ids(&all), ["1301", "1302", "1303", "1304", "1305", "1306"]);
    assert_eq!(all["data"][0]["type"], "campaign_numbers");
    assert_eq!(all["data"][0]["attributes"]["status"], "untried");
    assert_eq!(
        ids(&get(&app, "/api/v1/campaigns/101/numbers?status=dnc", ONE)
            .await
            .1),
        ["1303"]
    );
    assert_eq!(
        ids(&get(&app, "/api/v1/campaigns/101/numbers?city=Austin", ONE)
            .await
            .1),
        ["1302"]
    );
    assert!(ids(&get(&app, "/api/v1/campaigns/102/numbers", ONE).await.1).is_empty());
    let not_found = json!({"errors": {"id": ["Campaign not found"]}});
    assert_eq!(
        get(&app, "/api/v1/campaigns/201/numbers", ONE).await,
        (404, not_found.clone())
    );
    assert_eq!(
        get(&app, "/api/v1/campaigns/9999/numbers", ONE).await,
        (404, not_found)
    );
    assert_eq!(
        get(&app, "/api/v1/campaigns/101/numbers?status=active", ONE)
            .await
            .0,
        400
    );
}

#[tokio::test]
async fn a_contact_number_is_added_to_a_campaign_once_and_only_its_accounts() {
    let app = spawn_app().await;
    let add = |campaign: &str, contact: Value| {
        let app = &app;
        let path = format!("/api/v1/campaigns/{campaign}/numbers");
        async move {
            send(
                app,
                Method::POST,
                &path,
                ONE,
                json!({"data": {"type": "numbers", "attributes": {"list_contact_id": contact}}}),
            )
            .await
        }
    };
    let before = counts(&app).await;

    let (status, added) = add("102", json!(304)).await;
    assert_eq!(status, 201);
    assert_eq!(added["data"]["type"], "campaign_numbers");
    assert_eq!(added["data"]["attributes"]["status"], "untried");
    assert_eq!(added["data"]["attributes"]["first_name"], "Maria");

    assert_eq!(
        add("102", json!(304)).await,
        (
            400,
            json!({"errors": {"list_contact_id": ["is already in this campaign"]}})
        )
    );
    assert_eq!(
        add("102", json!(401)).await,
        (
            404,
            json!({"errors": {"list_contact_id": ["Number not found"]}})
        )
    );
    assert_eq!(
        add("201", json!(304)).await,
        (404, json!({"errors": {"id": ["Campaign not found"]}}))
    );
    assert_eq!(add("102", json!("304")).await.0, 400);
    assert_eq!(
        add("102", Value::Null).await,
        (400, json!({"errors": {"list_contact_id": ["is required"]}}))
    );
    assert_eq!(counts(&app).await, (before.0, before.1 + 1));
}
