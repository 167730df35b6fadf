//! Upcall calls and credits: `GET /api/v1/calls`, `GET /api/v1/calls/:id`,
//! `GET /api/v1/campaigns/:id/numbers/calls`, `GET/POST /api/v1/credits`, on
//! the demo data (account 1: calls 501 to 515, one in each status, all of
//! campaign 101, 20 USD; account 2: calls 601 and 602, 5 EUR).

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{answer, spawn_app, TestApp};

const ONE: &str = "upcall-demo-token-account-1";
const TWO: &str = "upcall-demo-token-account-2";

async fn get(app: &TestApp, path: &str, token: &str) -> (u16, Value) {
    let separator = if path.contains('?') { '&' } else { '?' };
    answer(app.get(&format!("{path}{separator}auth_token={token}"))).await
}

fn ids(body: &Value) -> Vec<String> {
    body["data"]
        .as_array()
        .unwrap_or_else(|| panic!("no list: {body}"))
        .iter()
        .map(|item| item["id"].as_str().unwrap().to_owned())
        .collect()
}

const STATUSES: [&str; 15] = [
    "completed",
    "completed_fu_call",
    "completed_fu_email",
    "completed_fu_inperson",
    "call_back_later",
    "busy",
    "no_answer",
    "voicemail",
    "hungup",
    "not_interested",
    "dnc",
    "no_service",
    "technical_issue",
    "wrong_number",
    "untried",
];

#[tokio::test]
async fn calls_are_listed_per_account_one_in_each_status() {
    let app = spawn_app().await;

    let response = app
        .get(&format!("/api/v1/calls?auth_token={ONE}"))
        .send()
        .await
        .unwrap();
    assert_eq!(app.log_of(&response)["d1_round_trips"], 1);
    let all: Value = response.json().await.unwrap();

    assert_eq!(
        ids(&all),
        (501..=515).map(|i| i.to_string()).collect::<Vec<_>>()
    );
    for (i, status) in STATUSES.iter().enumerate() {
        let (code, body) = get(&app, &format!("/api/v1/calls?status={status}"), ONE).await;
        assert_eq!(
            (code, ids(&body)),
            (200, vec![(501 + i).to_string()]),
            "{status}"
        );
    }
    assert_eq!(
        ids(&get(&app, "/api/v1/calls", TWO).await.1),
        ["601", "602"]
    );
}

#[tokio::test]
async fn a_call_is_wrapped_in_data_with_every_attribute() {
    let app = spawn_app().await;

    let (status, body) = get(&app, "/api/v1/calls/501", ONE).await;

    assert_eq!(status, 200);
    assert_eq!(
        body,
        json!({"data": {"id": "501", "type": "call", "attributes": {
            "note": "Call 1: completed", "status": "completed", "duration": 20, "cost": "0.04",
            "campaign_number_id": 1301, "from": "+16501231234", "to": "+16507991144",
            "transcript": null, "datetime_called": "2016-08-01T10:00:00.000Z",
            "cost_currency": "USD", "recording_urls": [],
            "caller": {"id": 77, "name": "Sam Caller", "profile_url": "https://upcall.example/callers/77"}
        }}})
    );
    let not_found = json!({"errors": {"id": ["Call not found"]}});
    assert_eq!(
        get(&app, "/api/v1/calls/601", ONE).await,
        (404, not_found.clone())
    );
    assert_eq!(get(&app, "/api/v1/calls/x", ONE).await, (404, not_found));
}

#[tokio::test]
async fn calls_are_filtered_by_number_campaign_duration_and_cost() {
    let app = spawn_app().await;
    let list = |query: &str| {
        let app = &app;
        let path = format!("/api/v1/calls?{query}");
        async move { ids(&get(app, &path, ONE).await.1) }
    };

    assert_eq!(list("to_number_id=302").await, ["502", "508", "514"]);
    assert_eq!(list("campaign_id=101").await.len(), 15);
    assert!(
        list("campaign_id=201").await.is_empty(),
        "another account's campaign"
    );
    // Inclusive bounds: 511 lasts 150 s and costs 0.30.
    assert_eq!(
        list("min_duration=150&max_duration=189").await,
        ["511", "513", "514"]
    );
    assert_eq!(list("min_cost=0.3&max_cost=0.36").await, ["511", "513"]);
    let (status, body) = get(
        &app,
        "/api/v1/calls?min_cost=cheap&max_duration=1.5&status=ringing",
        ONE,
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(body["errors"]["min_cost"], json!(["must be a number"]));
    assert_eq!(
        body["errors"]["max_duration"],
        json!(["must be an integer"])
    );
    assert!(body["errors"]["status"][0]
        .as_str()
        .unwrap()
        .starts_with("must be one of completed"));
}

#[tokio::test]
async fn a_campaigns_calls_are_its_own_and_only_its_accounts() {
    let app = spawn_app().await;

    let (status, body) = get(
        &app,
        "/api/v1/campaigns/101/numbers/calls?status=voicemail",
        ONE,
    )
    .await;
    assert_eq!((status, ids(&body)), (200, vec!["508".to_owned()]));
    assert_eq!(
        ids(&get(&app, "/api/v1/campaigns/101/numbers/calls", ONE)
            .await
            .1)
        .len(),
        15
    );
    assert!(ids(&get(&app, "/api/v1/campaigns/102/numbers/calls", ONE)
        .await
        .1)
    .is_empty());
    let (status, body) = get(&app, "/api/v1/campaigns/201/numbers/calls", ONE).await;
    assert_eq!(
        (status, body),
        (404, json!({"errors": {"id": ["Campaign not found"]}}))
    );
}

#[tokio::test]
async fn credits_are_the_accounts_balance_and_grow_in_its_currency_only() {
    let app = spawn_app().await;
    let add = |token: &'static str, attributes: Value| {
        let app = &app;
        async move {
            answer(
                app.request(Method::POST, &format!("/api/v1/credits?auth_token={token}"))
                    .json(&json!({"data": {"type": "credits", "attributes": attributes}})),
            )
            .await
        }
    };

    assert_eq!(
        get(&app, "/api/v1/credits", ONE).await,
        (
            200,
            json!({"data": {"id": "1", "type": "credits", "attributes": {"currency": "USD", "credit_balance": 20}}})
        )
    );
    let (status, body) = add(ONE, json!({"amount": 10.5, "currency": "USD"})).await;
    assert_eq!(
        (status, &body["data"]["attributes"]),
        (201, &json!({"currency": "USD", "credit_balance": 30.5}))
    );
    assert_eq!(
        add(ONE, json!({"amount": 1})).await.1["data"]["attributes"]["credit_balance"],
        31.5
    );

    assert_eq!(
        add(ONE, json!({"amount": 5, "currency": "EUR"})).await,
        (
            400,
            json!({"errors": {"currency": ["must be the account's, USD"]}})
        )
    );
    for bad in [
        json!({"amount": 0}),
        json!({"amount": -5}),
        json!({"amount": "10"}),
        json!({}),
        json!({"amount": 1e12}),
    ] {
        let (status, body) = add(ONE, bad.clone()).await;
        assert_eq!(status, 400, "{bad}");
        assert!(body["errors"]["amount"].is_array(), "{bad}");
    }
    assert_eq!(
        get(&app, "/api/v1/credits", ONE).await.1["data"]["attributes"]["credit_balance"],
        31.5
    );
    assert_eq!(
        get(&app, "/api/v1/credits", TWO).await.1["data"]["attributes"],
        json!({"currency": "EUR", "credit_balance": 5})
    );
    assert_eq!(
        answer(app.get("/api/v1/credits?auth_token=wrong")).await.0,
        401
    );
}
