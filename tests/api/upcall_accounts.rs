//! Upcall accounts: `POST /api/v1/admin/accounts` opens an account and shows
//! its token once; only the token's hash is stored.

use reqwest::Method;
use serde_json::json;

use crate::helpers::{answer, config_with, spawn_app, spawn_app_with, TestApp};

const KEY: &str = "admin-key-for-tests-of-32-bytes-at-least";

async fn app_with_admin() -> TestApp {
    spawn_app_with(config_with(&[("ADMIN_API_KEY", KEY)]), |s| s).await
}

#[tokio::test]
async fn an_account_is_opened_with_a_token_that_works_and_is_stored_hashed() {
    let app = app_with_admin().await;

    let (status, body) = answer(
        app.request(Method::POST, "/api/v1/admin/accounts")
            .bearer_auth(KEY)
            .json(&json!({"data": {"type": "accounts", "attributes": {"currency": "EUR"}}})),
    )
    .await;

    assert_eq!(status, 201);
    assert_eq!(body["data"]["type"], "accounts");
    assert_eq!(body["data"]["attributes"]["currency"], "EUR");
    assert_eq!(body["data"]["attributes"]["credit_balance"], 0);
    let token = body["data"]["attributes"]["auth_token"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(token.len(), 64);
    let stored = app.sql("SELECT token_hash FROM upcall_accounts").await;
    assert!(stored.iter().all(|row| row["token_hash"] != token.as_str()));
    let (status, list) = answer(app.get(&format!("/api/v1/campaigns?auth_token={token}"))).await;
    assert_eq!(
        (status, list["data"].clone()),
        (200, json!([])),
        "a new account has nothing yet"
    );
}

#[tokio::test]
async fn without_the_key_nothing_is_opened() {
    let app = app_with_admin().await;
    let before = app.sql_count("SELECT COUNT(*) FROM upcall_accounts").await;

    for request in [
        app.request(Method::POST, "/api/v1/admin/accounts"),
        app.request(Method::POST, "/api/v1/admin/accounts")
            .bearer_auth("wrong"),
        app.request(Method::POST, "/api/v1/admin/accounts")
            .bearer_auth(&KEY[..31]),
    ] {
        let (status, body) = answer(request).await;
        assert_eq!(status, 401);
        assert!(body["errors"]["authorization"].is_array());
    }
    let (status, body) = answer(
        app.request(Method::POST, "/api/v1/admin/accounts")
            .bearer_auth(KEY)
            .json(&json!({"data": {"type": "accounts", "attributes": {"currency": "euros", "owner": "x"}}})),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(
        body,
        json!({"errors": {"currency": ["must be an ISO 4217 code, e.g. USD"], "owner": ["is not an attribute of accounts"]}})
    );
    assert_eq!(
        app.sql_count("SELECT COUNT(*) FROM upcall_accounts").await,
        before
    );
}

#[tokio::test]
async fn without_an_admin_key_of_32_bytes_the_route_does_not_exist() {
    for app in [
        spawn_app().await,
        spawn_app_with(config_with(&[("ADMIN_API_KEY", "short-key")]), |s| s).await,
    ] {
        let (status, body) = answer(
            app.request(Method::POST, "/api/v1/admin/accounts")
                .bearer_auth("short-key"),
        )
        .await;
        assert_eq!(status, 404);
        assert_eq!(
            body,
            json!({"errors": {"path": ["Cannot POST /api/v1/admin/accounts"]}})
        );
    }
}
