//! Aircall authentication: `POST /auth/login`, `POST /auth/refresh-token-v2`,
//! `POST /auth/refresh-token`, `GET /me`, and what every protected route
//! does with a missing, wrong, expired or mistyped token.

use std::time::Duration;

use reqwest::Method;
use serde_json::{json, Value};
use switchboard::aircall::passwords;

use crate::helpers::{answer, config_with, jwt_claims, spawn_app, spawn_app_with};

const UNAUTHORIZED: fn() -> Value = || json!({"statusCode": 401, "message": "Unauthorized"});

#[tokio::test]
async fn any_username_and_password_log_in_with_both_tokens_and_the_user() {
    let app = spawn_app().await;

    let body = app.login_as("grace").await;

    assert_eq!(body["user"], json!({"id": "grace", "username": "grace"}));
    let access = jwt_claims(body["access_token"].as_str().unwrap());
    let refresh = jwt_claims(body["refresh_token"].as_str().unwrap());
    assert_eq!(access["sub"], "grace");
    assert_eq!(access["username"], "grace");
    assert_eq!(access["token_use"], "access");
    assert_eq!(
        access["exp"].as_i64().unwrap() - access["iat"].as_i64().unwrap(),
        600
    );
    assert_eq!(refresh["token_use"], "refresh");
    assert_eq!(
        refresh["exp"].as_i64().unwrap() - refresh["iat"].as_i64().unwrap(),
        3600
    );
    assert!(uuid::Uuid::parse_str(refresh["jti"].as_str().unwrap()).is_ok());
}

#[tokio::test]
async fn login_takes_a_form_as_well_as_json() {
    let app = spawn_app().await;

    let (status, body) = answer(
        app.request(Method::POST, "/auth/login")
            .header("content-type", "application/x-www-form-urlencoded")
            .body("username=ada&password=secret"),
    )
    .await;

    assert_eq!(status, 201);
    assert_eq!(body["user"]["username"], "ada");
}

#[tokio::test]
async fn login_without_credentials_is_a_400_listing_what_is_missing() {
    let app = spawn_app().await;

    let response = app
        .request(Method::POST, "/auth/login")
        .json(&json!({"username": 42, "password": ""}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        body,
        json!({
            "statusCode": 400,
            "message": ["username must be a string", "password should not be empty"],
            "error": "Bad Request"
        })
    );

    let empty = app
        .request(Method::POST, "/auth/login")
        .send()
        .await
        .unwrap();
    assert_eq!(empty.status(), 400);
    let body: Value = empty.json().await.unwrap();
    assert_eq!(body["message"].as_array().unwrap().len(), 4);
}

#[tokio::test]
async fn login_with_a_body_that_is_not_json_is_a_400_and_another_type_a_415() {
    let app = spawn_app().await;

    let broken = app
        .request(Method::POST, "/auth/login")
        .header("content-type", "application/json")
        .body("{\"username\": ")
        .send()
        .await
        .unwrap();
    let text = app
        .request(Method::POST, "/auth/login")
        .header("content-type", "text/plain")
        .body("ada:secret")
        .send()
        .await
        .unwrap();

    assert_eq!(broken.status(), 400);
    let body: Value = broken.json().await.unwrap();
    assert_eq!(body["error"], "Bad Request");
    assert!(body["message"]
        .as_str()
        .unwrap()
        .starts_with("The request body is not a JSON object"));
    assert_eq!(text.status(), 415);
    let body: Value = text.json().await.unwrap();
    assert_eq!(body["statusCode"], 415);
    assert_eq!(body["error"], "Unsupported Media Type");
}

#[tokio::test]
async fn me_is_the_user_of_the_access_token() {
    let app = spawn_app().await;
    let (access, _) = app.login().await;

    let response = app.get("/me").bearer_auth(access).send().await.unwrap();

    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body, json!({"id": "ada", "username": "ada"}));
}

#[tokio::test]
async fn a_missing_or_wrong_token_is_exactly_the_nestjs_401() {
    let app = spawn_app().await;

    for (path, authorization) in [
        ("/me", None),
        ("/me", Some("Bearer")),
        ("/me", Some("Bearer not.a.jwt")),
        ("/calls", Some("Basic YWRhOnNlY3JldA==")),
        (
            "/calls",
            Some("Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZGEifQ."),
        ),
    ] {
        let mut request = app.get(path);
        if let Some(value) = authorization {
            request = request.header("authorization", value);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 401, "{authorization:?}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body, UNAUTHORIZED());
    }
}

#[tokio::test]
async fn the_bearer_scheme_is_read_in_any_case() {
    let app = spawn_app().await;
    let (access, _) = app.login().await;

    let response = app
        .get("/me")
        .header("authorization", format!("bearer {access}"))
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn a_refresh_token_is_refused_where_an_access_token_is_expected() {
    let app = spawn_app().await;
    let (_, refresh) = app.login().await;

    for (method, path) in [
        (Method::GET, "/me"),
        (Method::GET, "/calls"),
        (Method::POST, "/auth/refresh-token"),
    ] {
        let response = app
            .request(method, path)
            .bearer_auth(&refresh)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 401, "{path}");
    }
}

#[tokio::test]
async fn an_access_token_is_refused_where_a_refresh_token_is_expected() {
    let app = spawn_app().await;
    let (access, _) = app.login().await;

    let (status, body) = answer(
        app.request(Method::POST, "/auth/refresh-token-v2")
            .bearer_auth(access),
    )
    .await;

    assert_eq!(status, 401);
    assert_eq!(body, UNAUTHORIZED());
}

#[tokio::test]
async fn refresh_v2_gives_new_tokens_that_work() {
    let app = spawn_app().await;
    let (_, refresh) = app.login().await;

    let (status, body) = answer(
        app.request(Method::POST, "/auth/refresh-token-v2")
            .bearer_auth(&refresh),
    )
    .await;

    assert_eq!(status, 201);
    assert_eq!(body["user"], json!({"id": "ada", "username": "ada"}));
    let new_refresh = body["refresh_token"].as_str().unwrap();
    assert_ne!(new_refresh, refresh);
    let me = app
        .get("/me")
        .bearer_auth(body["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), 200);
    let again = app
        .request(Method::POST, "/auth/refresh-token-v2")
        .bearer_auth(new_refresh)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 201);
}

#[tokio::test]
async fn a_refresh_token_works_once_and_its_reuse_is_a_401() {
    let app = spawn_app().await;
    let (_, refresh) = app.login().await;
    let refresh_with = |token: String| {
        app.request(Method::POST, "/auth/refresh-token-v2")
            .bearer_auth(token)
            .send()
    };

    let first = refresh_with(refresh.clone()).await.unwrap();
    let second = refresh_with(refresh).await.unwrap();

    assert_eq!(first.status(), 201);
    assert_eq!(second.status(), 401);
    let body: Value = second.json().await.unwrap();
    assert_eq!(body, UNAUTHORIZED());
}

#[tokio::test]
async fn of_parallel_refreshes_with_one_token_exactly_one_succeeds() {
    let app = spawn_app().await;
    let (_, refresh) = app.login().await;

    let requests = (0..8).map(|_| {
        app.request(Method::POST, "/auth/refresh-token-v2")
            .bearer_auth(&refresh)
            .send()
    });
    let statuses: Vec<u16> = futures_util::future::join_all(requests)
        .await
        .into_iter()
        .map(|r| r.unwrap().status().as_u16())
        .collect();

    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 401).count(),
        7,
        "{statuses:?}"
    );
}

#[tokio::test]
async fn the_deprecated_refresh_gives_a_new_access_token_for_an_access_token() {
    let app = spawn_app().await;
    let (access, _) = app.login().await;

    let (status, body) = answer(
        app.request(Method::POST, "/auth/refresh-token")
            .bearer_auth(access),
    )
    .await;

    assert_eq!(status, 201);
    assert_eq!(body["user"]["username"], "ada");
    assert!(body.get("refresh_token").is_none());
    let fresh = body["access_token"].as_str().unwrap();
    assert_eq!(jwt_claims(fresh)["token_use"], "access");
}

#[tokio::test]
async fn an_access_token_expires_after_ten_minutes() {
    let app = spawn_app().await;
    let start = chrono::Utc::now();
    app.platform.clock.set(start);
    let (access, _) = app.login().await;

    app.platform.clock.advance(Duration::from_secs(600));
    let at_expiry = app.get("/me").bearer_auth(&access).send().await.unwrap();
    app.platform.clock.advance(Duration::from_secs(1));
    let after = app.get("/me").bearer_auth(&access).send().await.unwrap();

    assert_eq!(at_expiry.status(), 200);
    assert_eq!(after.status(), 401);
}

#[tokio::test]
async fn a_refresh_token_expires_after_an_hour() {
    let app = spawn_app().await;
    app.platform.clock.set(chrono::Utc::now());
    let (_, refresh) = app.login().await;

    app.platform.clock.advance(Duration::from_secs(3601));
    let response = app
        .request(Method::POST, "/auth/refresh-token-v2")
        .bearer_auth(refresh)
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 401);
}

#[tokio::test]
async fn a_token_signed_with_another_secret_is_refused() {
    let other = spawn_app_with(
        config_with(&[("JWT_SECRET", "another-secret-0123456789abcdef0123")]),
        |s| s,
    )
    .await;
    let app = spawn_app().await;
    let (access, _) = other.login().await;

    let response = app.get("/me").bearer_auth(access).send().await.unwrap();

    assert_eq!(response.status(), 401);
}

#[tokio::test]
async fn without_a_jwt_secret_login_is_a_503_and_no_token_is_accepted() {
    let app = spawn_app_with(config_with(&[("JWT_SECRET", "")]), |s| s).await;

    let login = app
        .request(Method::POST, "/auth/login")
        .json(&json!({"username": "ada", "password": "x"}))
        .send()
        .await
        .unwrap();
    let me = app
        .get("/me")
        .bearer_auth("eyJhbGciOiJIUzI1NiJ9.e30.x")
        .send()
        .await
        .unwrap();

    assert_eq!(login.status(), 503);
    let body: Value = login.json().await.unwrap();
    assert_eq!(
        body,
        json!({"statusCode": 503, "message": "Login is not configured", "error": "Service Unavailable"})
    );
    assert_eq!(me.status(), 401);
}

#[tokio::test]
async fn in_registered_mode_only_a_registered_user_with_the_right_password_logs_in() {
    let app = spawn_app_with(config_with(&[("AIRCALL_LOGIN", "registered")]), |s| s).await;
    let hash = passwords::hash("s3cret", uuid::Uuid::new_v4().as_bytes());
    app.sql(&format!(
        "INSERT INTO aircall_users (username, password_hash) VALUES ('ada', '{hash}')"
    ))
    .await;
    let login = |username: &str, password: &str| {
        app.request(Method::POST, "/auth/login")
            .json(&json!({"username": username, "password": password}))
            .send()
    };

    let right = login("ada", "s3cret").await.unwrap();
    let wrong = login("ada", "s3cret!").await.unwrap();
    let unknown = login("grace", "s3cret").await.unwrap();

    assert_eq!(right.status(), 201);
    let line = app.log_of(&right);
    assert_eq!(line["d1_round_trips"], 1);
    assert_eq!(line["d1_rows_read"], 1);
    assert_eq!(wrong.status(), 401);
    let body: Value = wrong.json().await.unwrap();
    assert_eq!(body, UNAUTHORIZED());
    assert_eq!(unknown.status(), 401);
}

#[tokio::test]
async fn an_unknown_aircall_path_is_a_nestjs_404() {
    let app = spawn_app().await;

    let response = app.get("/auth/nothing").send().await.unwrap();

    assert_eq!(response.status(), 404);
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        body,
        json!({"statusCode": 404, "message": "Cannot GET /auth/nothing", "error": "Not Found"})
    );
}

#[tokio::test]
async fn a_wrong_method_on_an_aircall_path_is_a_405_in_the_nestjs_shape() {
    let app = spawn_app().await;

    let (status, body) = answer(app.request(Method::GET, "/auth/login")).await;

    assert_eq!(status, 405);
    assert_eq!(body["statusCode"], 405);
    assert_eq!(body["error"], "Method Not Allowed");
}

#[tokio::test]
async fn login_writes_nothing_to_d1() {
    let app = spawn_app().await;

    let response = app
        .request(Method::POST, "/auth/login")
        .json(&json!({"username": "ada", "password": "x"}))
        .send()
        .await
        .unwrap();

    let line = app.log_of(&response);
    assert_eq!(line["d1_round_trips"], 0);
}

#[tokio::test]
async fn a_field_given_twice_is_refused_rather_than_one_copy_winning() {
    let app = spawn_app().await;

    let (json_status, json_body) = answer(
        app.request(Method::POST, "/auth/login")
            .header("content-type", "application/json")
            .body(r#"{"username": "ada", "password": "x", "username": "root"}"#),
    )
    .await;
    let (form_status, form_body) = answer(
        app.request(Method::POST, "/auth/login")
            .header("content-type", "application/x-www-form-urlencoded")
            .body("username=ada&password=x&username=root"),
    )
    .await;

    assert_eq!(json_status, 400);
    assert!(json_body["message"]
        .as_str()
        .unwrap()
        .contains("duplicate field `username`"));
    assert_eq!(form_status, 400);
    assert!(form_body["message"]
        .as_str()
        .unwrap()
        .starts_with("The request body is not a readable form"));
}
