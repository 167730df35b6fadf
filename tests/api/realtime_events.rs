//! The built-in realtime server's HTTP trigger API, `POST
//! /apps/{app_id}/events`, as Pusher's server libraries call it: requests
//! signed here independently of the worker's own signer, published to the
//! native host's recorder (which stands for the Durable Object), and every
//! refusal in Pusher's plain-text errors with nothing published.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use hmac::{Hmac, Mac};
use md5::{Digest, Md5};
use reqwest::Method;
use serde_json::{json, Value};
use sha2::Sha256;
use switchboard::ports::ChannelEvent;

use crate::helpers::{answer_with_header, config_with, spawn_app_with, TestApp};

pub const APP_ID: &str = "4242";
pub const KEY: &str = "b1a7e5c0ffee00112233";
pub const SECRET: &str = "builtin-test-secret-0123";

/// A development app whose realtime backend is the built-in server (the
/// default), with `extra` settings (which win over these).
pub async fn spawn_builtin(extra: &[(&str, &str)]) -> TestApp {
    let mut pairs = extra.to_vec();
    pairs.extend([
        ("PUSHER_APP_ID", APP_ID),
        ("PUSHER_KEY", KEY),
        ("PUSHER_SECRET", SECRET),
    ]);
    spawn_app_with(config_with(&pairs), |state| state).await
}

fn hmac_hex(secret: &str, message: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(message.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// The query string Pusher's libraries send for `body` on `path` at
/// `timestamp`, signed with `secret`: the parameters sorted, signed
/// unencoded, then `auth_signature`.
fn signed_query(secret: &str, path: &str, body: &str, timestamp: i64) -> String {
    let params = BTreeMap::from([
        ("auth_key", KEY.to_owned()),
        ("auth_timestamp", timestamp.to_string()),
        ("auth_version", "1.0".to_owned()),
        ("body_md5", hex::encode(Md5::digest(body.as_bytes()))),
    ]);
    let query = params
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&");
    let signature = hmac_hex(secret, &format!("POST\n{path}\n{query}"));
    format!("{query}&auth_signature={signature}")
}

fn events_path() -> String {
    format!("/apps/{APP_ID}/events")
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// `POST /apps/{APP_ID}/events` with `body`, signed right: status, content
/// type and body text.
async fn trigger(app: &TestApp, body: &str) -> (u16, String, String) {
    let path = events_path();
    let query = signed_query(SECRET, &path, body, now());
    send(app, &format!("{path}?{query}"), body).await
}

async fn send(app: &TestApp, path_and_query: &str, body: &str) -> (u16, String, String) {
    let request = app
        .request(Method::POST, path_and_query)
        .header("content-type", "application/json")
        .body(body.to_owned());
    answer_with_header(request, "content-type").await
}

fn update_call() -> String {
    json!({"name": "update-call", "channels": ["private-aircall"], "data": "{\"id\":\"x\"}"})
        .to_string()
}

/// Asserts `status` with a plain-text message starting with `start`.
fn refused(answer: &(u16, String, String), status: u16, start: &str) {
    assert_eq!(answer.0, status, "{answer:?}");
    assert!(answer.1.starts_with("text/plain"), "{answer:?}");
    assert!(answer.2.starts_with(start), "{answer:?}");
}

#[tokio::test]
async fn a_signed_trigger_is_published_to_the_built_in_server() {
    let app = spawn_builtin(&[]).await;

    let (status, content_type, body) = trigger(&app, &update_call()).await;

    assert_eq!((status, body.as_str()), (200, "{}"));
    assert!(content_type.starts_with("application/json"));
    assert_eq!(
        app.platform.channels.published(),
        [ChannelEvent {
            name: "update-call".into(),
            channels: vec!["private-aircall".into()],
            data: r#"{"id":"x"}"#.into(),
            socket_id: None,
        }]
    );
}

#[tokio::test]
async fn one_channel_several_channels_and_a_socket_to_skip_are_read() {
    let app = spawn_builtin(&[]).await;
    let one = json!({"name": "e", "channel": "news", "data": "d"}).to_string();
    let many = json!({"name": "e", "channels": ["a", "b", "a"], "data": "", "socket_id": "12.34"})
        .to_string();

    assert_eq!(trigger(&app, &one).await.0, 200);
    assert_eq!(trigger(&app, &many).await.0, 200);

    let published = app.platform.channels.published();
    assert_eq!(published[0].channels, ["news"]);
    assert_eq!(published[1].channels, ["a", "b"]);
    assert_eq!(published[1].socket_id.as_deref(), Some("12.34"));
}

#[tokio::test]
async fn a_wrong_signature_key_or_version_is_a_401_and_nothing_is_published() {
    let app = spawn_builtin(&[]).await;
    let body = update_call();
    let path = events_path();
    let good = signed_query(SECRET, &path, &body, now());

    let answers = [
        (
            send(
                &app,
                &format!("{path}?{}", signed_query("wrong", &path, &body, now())),
                &body,
            )
            .await,
            "Invalid signature",
        ),
        (
            send(
                &app,
                &format!("{path}?{}", good.replace(KEY, "another-key")),
                &body,
            )
            .await,
            "Unknown auth_key",
        ),
        (
            send(
                &app,
                &format!(
                    "{path}?{}",
                    good.replace("auth_version=1.0", "auth_version=2.0")
                ),
                &body,
            )
            .await,
            "Unsupported auth_version",
        ),
        (
            send(&app, &format!("{path}?auth_key={KEY}"), &body).await,
            "Missing parameter",
        ),
    ];

    for (answer, start) in &answers {
        refused(answer, 401, start);
    }
    assert!(app.platform.channels.published().is_empty());
}

#[tokio::test]
async fn a_body_that_is_not_the_one_signed_is_a_401() {
    let app = spawn_builtin(&[]).await;
    let path = events_path();
    let query = signed_query(SECRET, &path, &update_call(), now());
    let other = update_call().replace("x", "y");

    let answer = send(&app, &format!("{path}?{query}"), &other).await;

    refused(&answer, 401, "Invalid body_md5");
    assert!(app.platform.channels.published().is_empty());
}

#[tokio::test]
async fn a_timestamp_more_than_600_seconds_away_is_a_401() {
    let app = spawn_builtin(&[]).await;
    let path = events_path();
    let body = update_call();

    for (offset, status) in [(-601, 401), (601, 401), (-590, 200), (590, 200)] {
        let query = signed_query(SECRET, &path, &body, now() + offset);
        let answer = send(&app, &format!("{path}?{query}"), &body).await;
        assert_eq!(answer.0, status, "{offset}: {answer:?}");
        if status == 401 {
            refused(&answer, 401, "Timestamp expired");
        }
    }
    assert_eq!(app.platform.channels.published().len(), 2);
}

#[tokio::test]
async fn another_app_or_method_is_refused_in_pushers_words() {
    let app = spawn_builtin(&[]).await;
    let body = update_call();
    let other = "/apps/1/events";
    let query = signed_query(SECRET, other, &body, now());

    refused(
        &send(&app, &format!("{other}?{query}"), &body).await,
        404,
        "Unknown app_id",
    );
    let get = app.get(&events_path()).send().await.unwrap();
    assert_eq!(get.status(), 405);
    assert!(get.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/plain"));
    assert!(app.platform.channels.published().is_empty());
}

#[tokio::test]
async fn bad_bodies_are_400_and_large_data_413() {
    let app = spawn_builtin(&[]).await;
    let large = json!({"name": "e", "channels": ["c"], "data": "x".repeat(10 * 1024 + 1)});

    refused(
        &trigger(&app, "not json").await,
        400,
        "The body must be JSON",
    );
    refused(
        &trigger(
            &app,
            &json!({"name": "pusher:x", "channels": ["c"], "data": ""}).to_string(),
        )
        .await,
        400,
        "Event names starting with pusher:",
    );
    refused(
        &trigger(
            &app,
            &json!({"name": "e", "channels": ["a b"], "data": ""}).to_string(),
        )
        .await,
        400,
        "Invalid channel name",
    );
    refused(
        &trigger(&app, &large.to_string()).await,
        413,
        "Event data too large",
    );
    assert!(app.platform.channels.published().is_empty());
}

#[tokio::test]
async fn a_body_over_100_kilobytes_is_refused_before_it_is_read() {
    let app = spawn_builtin(&[]).await;
    let body = " ".repeat(100 * 1024 + 1);

    let (status, content_type, _) = trigger(&app, &body).await;

    assert_eq!(status, 413);
    assert!(content_type.starts_with("text/plain"));
    assert!(app.platform.channels.published().is_empty());
}

#[tokio::test]
async fn without_the_built_in_backend_there_is_no_trigger_api() {
    for backend in ["off", "pusher"] {
        let app = spawn_builtin(&[
            ("REALTIME_BACKEND", backend),
            ("PUSHER_HOST", "http://127.0.0.1:9"),
        ])
        .await;

        refused(
            &trigger(&app, &update_call()).await,
            404,
            "No realtime server here",
        );
    }
}

/// The events `app`'s recorder holds, once there are `n` (at most 5 s).
pub async fn published(app: &TestApp, n: usize) -> Vec<ChannelEvent> {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let events = app.platform.channels.published();
        if events.len() >= n || Instant::now() > deadline {
            return events;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn a_note_publishes_update_call_to_the_built_in_server() {
    let app = spawn_builtin(&[]).await;
    let id = app.call_ids().await[0].clone();

    let response = app.add_note(&id, "live").await;

    assert_eq!(response.status(), 201);
    let call: Value = response.json().await.unwrap();
    let events = published(&app, 1).await;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].name, "update-call");
    assert_eq!(events[0].channels, ["private-aircall"]);
    let data: Value = serde_json::from_str(&events[0].data).unwrap();
    assert_eq!(data, call);
}

#[tokio::test]
async fn an_archive_publishes_update_call_to_the_built_in_server() {
    let app = spawn_builtin(&[]).await;
    let id = app.call_ids().await[0].clone();

    let response = app
        .aircall(Method::PUT, &format!("/calls/{id}/archive"))
        .await
        .send()
        .await
        .unwrap();

    let call: Value = response.json().await.unwrap();
    let events = published(&app, 1).await;
    assert_eq!(events.len(), 1);
    let data: Value = serde_json::from_str(&events[0].data).unwrap();
    assert_eq!(data, call);
    assert_eq!(data["is_archived"], true);
}

#[tokio::test]
async fn with_realtime_off_nothing_is_published_and_pusher_auth_is_a_503() {
    let app = spawn_builtin(&[("REALTIME_BACKEND", "off")]).await;
    let id = app.call_ids().await[0].clone();

    assert_eq!(app.add_note(&id, "unseen").await.status(), 201);
    let auth = app
        .aircall(Method::POST, "/pusher/auth")
        .await
        .form(&[("socket_id", "1.2"), ("channel_name", "private-aircall")])
        .send()
        .await
        .unwrap();

    assert_eq!(auth.status(), 503);
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(app.platform.channels.published().is_empty());
}

#[tokio::test]
async fn the_hosted_publisher_is_accepted_by_the_built_in_server_of_another_app() {
    // One app is the realtime server; another publishes to it as to Pusher.
    let server = spawn_builtin(&[]).await;
    let publisher = spawn_builtin(&[
        ("REALTIME_BACKEND", "pusher"),
        ("PUSHER_HOST", server.base.as_str()),
    ])
    .await;
    let id = publisher.call_ids().await[0].clone();

    let response = publisher.add_note(&id, "through the HTTP API").await;

    assert_eq!(response.status(), 201);
    let call: Value = response.json().await.unwrap();
    let events = published(&server, 1).await;
    assert_eq!(events.len(), 1, "{:?}", publisher.log());
    let data: Value = serde_json::from_str(&events[0].data).unwrap();
    assert_eq!(data, call);
    assert!(publisher.platform.channels.published().is_empty());
}
