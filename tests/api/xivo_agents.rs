//! `GET /1.0/CallCenter/agents/`.

use reqwest::Method;
use serde_json::json;

use crate::helpers::{spawn_app, spawn_app_without_database};

#[tokio::test]
async fn agents_are_a_bare_array_sorted_by_number_as_text() {
    let app = spawn_app().await;

    let response = app
        .xivo(Method::GET, "/1.0/CallCenter/agents/")
        .header("accept", "application/json")
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "application/json;charset=UTF-8"
    );
    let agents: Vec<serde_json::Value> = response.json().await.unwrap();
    let numbers: Vec<&str> = agents
        .iter()
        .map(|a| a["number"].as_str().unwrap())
        .collect();
    assert_eq!(numbers, ["10", "1001", "2123", "2124", "900"]);
}

#[tokio::test]
async fn an_agent_has_exactly_the_documented_fields() {
    let app = spawn_app().await;

    let agents = app.xivo_list(Method::GET, "/1.0/CallCenter/agents/").await;

    let chuck = agents
        .iter()
        .find(|a| a["id"] == 19)
        .expect("the document's agent 19");
    assert_eq!(
        *chuck,
        json!({
            "id": 19,
            "autologoff": 0,
            "group": null,
            "language": "",
            "firstname": "Chuck",
            "passwd": "",
            "lastname": "N",
            "number": "2123",
            "context": "default",
            "numgroup": 1,
            "preprocess_subroutine": null,
            "description": ""
        })
    );
    let grace = agents.iter().find(|a| a["id"] == 21).unwrap();
    assert_eq!(grace["group"], "support");
    assert_eq!(grace["autologoff"], 60);
}

#[tokio::test]
async fn the_list_is_served_without_the_trailing_slash_too() {
    let app = spawn_app().await;

    let with = app.xivo_list(Method::GET, "/1.0/CallCenter/agents/").await;
    let without = app.xivo_list(Method::GET, "/1.0/CallCenter/agents").await;

    assert_eq!(without, with);
}

#[tokio::test]
async fn a_failing_database_is_a_500_list_that_hides_the_cause_and_logs_it() {
    let app = spawn_app_without_database().await;

    let response = app
        .xivo(Method::GET, "/1.0/CallCenter/agents/")
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 500);
    let line = app.log_of(&response);
    let messages: Vec<String> = response.json().await.unwrap();
    assert_eq!(messages, ["Internal server error"]);
    assert_eq!(line["status"], 500);
    assert_eq!(line["error"], "D1_ERROR: the database is unreachable");
}

#[tokio::test]
async fn an_unknown_path_under_1_0_is_an_empty_404() {
    let app = spawn_app().await;

    let response = app
        .xivo(Method::GET, "/1.0/CallCenter/agents/19")
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 404);
    assert_eq!(response.text().await.unwrap(), "");
}
