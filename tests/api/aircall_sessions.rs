//! Aircall sessions end: production admits registered users only by default,
//! no token outlives its login's maximum age however often it is refreshed, a
//! registered user's refreshes stop once the user is gone, and refresh tokens
//! rotate safely whatever the database says of changed rows or clocks.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use reqwest::Method;
use serde_json::{json, Value};
use switchboard::aircall::passwords;
use switchboard::ports::{PlatformError, QueryResult, Sql, Statement};

use crate::helpers::{answer, config_with, jwt_claims, spawn_app, spawn_app_with, TestApp};

/// `POST /auth/refresh-token-v2` with `token`: the status and the answer.
async fn refresh_v2(app: &TestApp, token: &str) -> (u16, Value) {
    answer(
        app.request(Method::POST, "/auth/refresh-token-v2")
            .bearer_auth(token),
    )
    .await
}

/// `POST /auth/refresh-token` (deprecated) with `token`.
async fn refresh(app: &TestApp, token: &str) -> (u16, Value) {
    answer(
        app.request(Method::POST, "/auth/refresh-token")
            .bearer_auth(token),
    )
    .await
}

async fn register(app: &TestApp, username: &str, password: &str) {
    let hash = passwords::hash(password, uuid::Uuid::new_v4().as_bytes());
    app.sql(&format!(
        "INSERT INTO aircall_users (username, password_hash) VALUES ('{username}', '{hash}')"
    ))
    .await;
}

async fn login(app: &TestApp, username: &str, password: &str) -> (u16, Value) {
    answer(
        app.request(Method::POST, "/auth/login")
            .json(&json!({"username": username, "password": password})),
    )
    .await
}

#[tokio::test]
async fn production_logs_in_registered_users_only_unless_told_otherwise() {
    let app = spawn_app_with(config_with(&[("ENVIRONMENT", "production")]), |s| s).await;
    register(&app, "ada", "s3cret").await;

    assert_eq!(login(&app, "grace", "anything").await.0, 401);
    assert_eq!(login(&app, "ada", "wrong").await.0, 401);
    assert_eq!(login(&app, "ada", "s3cret").await.0, 201);

    let open = spawn_app_with(
        config_with(&[("ENVIRONMENT", "production"), ("AIRCALL_LOGIN", "open")]),
        |s| s,
    )
    .await;
    assert_eq!(login(&open, "grace", "anything").await.0, 201);
}

#[tokio::test]
async fn a_session_refreshed_every_fifty_minutes_ends_seven_days_after_its_login() {
    let app = spawn_app().await;
    let start = chrono::Utc::now();
    app.platform.clock.set(start);
    let (_, mut token) = app.login().await;
    let auth_time = jwt_claims(&token)["auth_time"].as_i64().unwrap();
    assert_eq!(auth_time, start.timestamp());

    let mut refreshes = 0;
    let last = loop {
        app.platform.clock.advance(Duration::from_secs(50 * 60));
        let (status, body) = refresh_v2(&app, &token).await;
        if status != 201 {
            break (status, body);
        }
        refreshes += 1;
        token = body["refresh_token"].as_str().unwrap().to_owned();
        assert_eq!(jwt_claims(&token)["auth_time"], auth_time, "carried over");
        assert!(refreshes < 1000, "the session never ends");
    };

    // 201 refreshes fit in 7 days (201 × 50 min = 6.98 days); the last
    // refresh token expires with the session, before the next one is asked.
    assert_eq!(refreshes, 201);
    assert_eq!(jwt_claims(&token)["exp"], auth_time + 7 * 24 * 3600);
    assert_eq!(
        last,
        (401, json!({"statusCode": 401, "message": "Unauthorized"}))
    );
}

#[tokio::test]
async fn the_deprecated_refresh_cannot_extend_a_session_past_its_maximum_age() {
    let app = spawn_app_with(config_with(&[("AIRCALL_SESSION_MAX_AGE", "3600")]), |s| s).await;
    app.platform.clock.set(chrono::Utc::now());
    let (mut access, _) = app.login().await;

    let mut refreshes = 0;
    loop {
        app.platform.clock.advance(Duration::from_secs(9 * 60));
        let (status, body) = refresh(&app, &access).await;
        if status != 201 {
            assert_eq!(status, 401);
            break;
        }
        refreshes += 1;
        access = body["access_token"].as_str().unwrap().to_owned();
        assert!(refreshes < 100, "the session never ends");
    }

    // Six refreshes fit in the hour (6 × 9 = 54 min); the sixth token ends
    // with the session, at 60 minutes, not at 64.
    assert_eq!(refreshes, 6);
    let auth_time = jwt_claims(&access)["auth_time"].as_i64().unwrap();
    assert_eq!(jwt_claims(&access)["exp"], auth_time + 3600);
}

#[tokio::test]
async fn once_a_registered_user_is_gone_no_refresh_succeeds_and_nothing_is_spent() {
    let app = spawn_app_with(config_with(&[("AIRCALL_LOGIN", "registered")]), |s| s).await;
    register(&app, "ada", "s3cret").await;
    let (_, body) = login(&app, "ada", "s3cret").await;
    let access = body["access_token"].as_str().unwrap().to_owned();
    let refresh_token = body["refresh_token"].as_str().unwrap().to_owned();

    app.sql("DELETE FROM aircall_users WHERE username = 'ada'")
        .await;

    let v2 = app
        .request(Method::POST, "/auth/refresh-token-v2")
        .bearer_auth(&refresh_token)
        .send()
        .await
        .unwrap();
    assert_eq!(v2.status(), 401);
    assert_eq!(app.log_of(&v2)["d1_round_trips"], 1, "one round trip still");
    assert_eq!(refresh(&app, &access).await.0, 401);
    assert_eq!(
        app.sql_count("SELECT COUNT(*) FROM aircall_spent_refresh_tokens")
            .await,
        0
    );
    // An access token already issued lives out its ten minutes.
    assert_eq!(
        app.get("/me")
            .bearer_auth(&access)
            .send()
            .await
            .unwrap()
            .status(),
        200
    );

    // Registered again, the same refresh token works (it was never spent).
    register(&app, "ada", "new password").await;
    assert_eq!(refresh_v2(&app, &refresh_token).await.0, 201);
}

/// SQL that reports a fixed count of changed rows, as a database with a
/// trigger, or another way of counting, would.
struct MiscountingSql {
    inner: Arc<dyn Sql>,
    changes: u64,
}

#[async_trait]
impl Sql for MiscountingSql {
    async fn all(&self, statement: Statement) -> Result<QueryResult, PlatformError> {
        let mut result = self.inner.all(statement).await?;
        result.meta.changes = self.changes;
        Ok(result)
    }

    async fn batch(&self, statements: Vec<Statement>) -> Result<Vec<QueryResult>, PlatformError> {
        let mut results = self.inner.batch(statements).await?;
        for result in &mut results {
            result.meta.changes = self.changes;
        }
        Ok(results)
    }
}

#[tokio::test]
async fn rotation_does_not_depend_on_the_count_of_changed_rows() {
    for changes in [0, 2] {
        let app = spawn_app_with(config_with(&[]), |mut state| {
            state.sql = Arc::new(MiscountingSql {
                inner: state.sql.clone(),
                changes,
            });
            state
        })
        .await;
        let (_, token) = app.login().await;

        assert_eq!(refresh_v2(&app, &token).await.0, 201, "changes = {changes}");
        assert_eq!(refresh_v2(&app, &token).await.0, 401, "changes = {changes}");
    }
}

#[tokio::test]
async fn a_spent_id_is_kept_past_its_tokens_expiry_for_clocks_that_run_behind() {
    let app = spawn_app().await;
    let start = chrono::Utc::now();
    app.platform.clock.set(start);
    let (_, stolen) = app.login().await;
    assert_eq!(refresh_v2(&app, &stolen).await.0, 201);

    // An isolate whose clock runs two minutes ahead refreshes another session
    // just after the first token's expiry, and sweeps spent ids.
    app.platform
        .clock
        .set(start + chrono::Duration::seconds(3600 + 120));
    let (_, other) = app.login().await;
    assert_eq!(refresh_v2(&app, &other).await.0, 201);

    // An isolate on time, a minute before that expiry, is shown the spent
    // token again: its id must still be there.
    app.platform
        .clock
        .set(start + chrono::Duration::seconds(3600 - 60));
    assert_eq!(refresh_v2(&app, &stolen).await.0, 401);

    // Well after the grace period the id is swept.
    app.platform
        .clock
        .set(start + chrono::Duration::seconds(3600 + 600));
    let (_, late) = app.login().await;
    assert_eq!(refresh_v2(&app, &late).await.0, 201);
    let ids = app
        .sql_count("SELECT COUNT(*) FROM aircall_spent_refresh_tokens")
        .await;
    assert_eq!(ids, 2, "the first id is gone, the two later ones stay");
}
