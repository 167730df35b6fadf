//! Pusher Channels for the Aircall API: `POST /pusher/auth`, and the
//! `update-call` events published through Pusher's hosted service
//! (`REALTIME_BACKEND=pusher`: a wiremock server stands in for Pusher and
//! checks path, signature, `body_md5` and body) or the built-in server (the
//! default: the native host's recorder shows what it was given).

use std::sync::Arc;
use std::time::{Duration, Instant};

use hmac::{Hmac, Mac};
use md5::{Digest, Md5};
use reqwest::Method;
use serde_json::{json, Value};
use sha2::Sha256;
use switchboard::aircall::{EMBEDDED_BYTES, EMBEDDED_NOTES};
use switchboard::config::{PusherApp, Secret};
use switchboard::platform::native::{ManualClock, ReqwestHttp};
use switchboard::ports::{ChannelEvent, Channels, OUTBOUND_TIMEOUT};
use switchboard::realtime::{self, hosted::HostedPusher};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use crate::helpers::{answer, config_with, spawn_app, spawn_app_with, TestApp};

const APP_ID: &str = "1234";
const KEY: &str = "d44e3d910d38a928e0be";
const SECRET: &str = "pusher-test-secret";

fn hmac_hex(message: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
    mac.update(message.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// Matches a request signed as Pusher's HTTP API requires, with our app's
/// credentials.
struct SignedByPusherRules;

impl wiremock::Match for SignedByPusherRules {
    fn matches(&self, request: &Request) -> bool {
        let mut params: Vec<(String, String)> = request
            .url
            .query_pairs()
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        let Some(at) = params.iter().position(|(k, _)| k == "auth_signature") else {
            return false;
        };
        let (_, signature) = params.remove(at);
        params.sort();
        let get = |name: &str| {
            params
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
        };
        let query = params
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("&");
        let expected = hmac_hex(&format!("POST\n{}\n{query}", request.url.path()));
        get("auth_key") == Some(KEY)
            && get("auth_version") == Some("1.0")
            && get("auth_timestamp").is_some_and(|t| t.parse::<i64>().is_ok())
            && get("body_md5") == Some(hex::encode(Md5::digest(&request.body)).as_str())
            && signature == expected
    }
}

async fn pusher_mock(answer: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!("/apps/{APP_ID}/events")))
        .and(SignedByPusherRules)
        .respond_with(answer)
        .mount(&server)
        .await;
    server
}

fn pusher_config(host: &str) -> Vec<(&'static str, String)> {
    vec![
        ("REALTIME_BACKEND", "pusher".into()),
        ("PUSHER_APP_ID", APP_ID.into()),
        ("PUSHER_KEY", KEY.into()),
        ("PUSHER_SECRET", SECRET.into()),
        ("PUSHER_HOST", host.into()),
    ]
}

async fn app_publishing_to(host: &str) -> TestApp {
    let settings = pusher_config(host);
    let pairs: Vec<(&str, &str)> = settings.iter().map(|(k, v)| (*k, v.as_str())).collect();
    spawn_app_with(config_with(&pairs), |s| s).await
}

/// The requests `server` has received, once there are `n` (at most 5 s).
async fn received(server: &MockServer, n: usize) -> Vec<Request> {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let requests = server.received_requests().await.unwrap_or_default();
        if requests.len() >= n || Instant::now() > deadline {
            return requests;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The log lines about Pusher, once there is one (at most 5 s).
async fn pusher_failures(app: &TestApp) -> Vec<Value> {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let lines: Vec<Value> = app
            .log()
            .into_iter()
            .filter(|l| l["event"] == "pusher")
            .collect();
        if !lines.is_empty() || Instant::now() > deadline {
            return lines;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The hosted backend publishing to `server`, its clock at `at`.
fn hosted(server: &MockServer, at: i64) -> HostedPusher {
    let clock = ManualClock::default();
    clock.set(chrono::DateTime::from_timestamp(at, 0).unwrap());
    HostedPusher {
        http: Arc::new(ReqwestHttp::new(OUTBOUND_TIMEOUT).unwrap()),
        clock: Arc::new(clock),
        app: PusherApp {
            app_id: APP_ID.into(),
            key: KEY.into(),
            secret: Secret(SECRET.into()),
        },
        api: server.uri(),
    }
}

fn update_call(data: &str) -> ChannelEvent {
    ChannelEvent {
        name: "update-call".into(),
        channels: vec!["private-aircall".into()],
        data: data.into(),
        socket_id: None,
    }
}

#[tokio::test]
async fn the_publisher_sends_a_signed_event_that_pusher_accepts() {
    let server = pusher_mock(ResponseTemplate::new(200).set_body_string("{}")).await;

    let result = hosted(&server, 1_700_000_000)
        .publish(update_call(r#"{"id":"x"}"#))
        .await;

    assert!(result.is_ok(), "{result:?}");
    let requests = received(&server, 1).await;
    assert_eq!(requests.len(), 1);
    let body: Value = serde_json::from_slice(&requests[0].body).unwrap();
    assert_eq!(
        body,
        json!({"name": "update-call", "channels": ["private-aircall"], "data": "{\"id\":\"x\"}"})
    );
    assert!(requests[0]
        .url
        .query()
        .unwrap()
        .contains("auth_timestamp=1700000000"));
}

#[tokio::test]
async fn the_publisher_reports_a_refusal() {
    // A mock that takes no request: wiremock answers 404.
    let server = MockServer::start().await;

    let result = hosted(&server, 0).publish(update_call("{}")).await;

    assert!(result.unwrap_err().0.starts_with("Pusher answered 404"));
}

#[tokio::test]
async fn a_note_publishes_update_call_with_the_call() {
    let server = pusher_mock(ResponseTemplate::new(200).set_body_string("{}")).await;
    let app = app_publishing_to(&server.uri()).await;
    let id = app.call_ids().await[0].clone();

    let response = app.add_note(&id, "published").await;

    assert_eq!(response.status(), 201);
    let call: Value = response.json().await.unwrap();
    let requests = received(&server, 1).await;
    assert_eq!(requests.len(), 1);
    let body: Value = serde_json::from_slice(&requests[0].body).unwrap();
    assert_eq!(body["name"], "update-call");
    assert_eq!(body["channels"], json!(["private-aircall"]));
    let data: Value = serde_json::from_str(body["data"].as_str().unwrap()).unwrap();
    assert_eq!(data, call);
}

#[tokio::test]
async fn an_archive_publishes_update_call_with_the_call() {
    let server = pusher_mock(ResponseTemplate::new(200).set_body_string("{}")).await;
    let app = app_publishing_to(&server.uri()).await;
    let id = app.call_ids().await[0].clone();

    let response = app
        .aircall(Method::PUT, &format!("/calls/{id}/archive"))
        .await
        .send()
        .await
        .unwrap();

    let call: Value = response.json().await.unwrap();
    let requests = received(&server, 1).await;
    assert_eq!(requests.len(), 1);
    let body: Value = serde_json::from_slice(&requests[0].body).unwrap();
    let data: Value = serde_json::from_str(body["data"].as_str().unwrap()).unwrap();
    assert_eq!(data, call);
}

#[tokio::test]
async fn nothing_is_published_for_a_failed_change() {
    let server = pusher_mock(ResponseTemplate::new(200)).await;
    let app = app_publishing_to(&server.uri()).await;

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
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_slow_pusher_does_not_slow_the_request() {
    let server = pusher_mock(ResponseTemplate::new(200).set_delay(Duration::from_secs(3))).await;
    let app = app_publishing_to(&server.uri()).await;
    let id = app.call_ids().await[0].clone();
    let request = app
        .aircall(Method::PUT, &format!("/calls/{id}/archive"))
        .await;

    let started = Instant::now();
    let response = request.send().await.unwrap();

    assert_eq!(response.status(), 200);
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    // The event reaches the mock before the test ends: wiremock hands its
    // servers to later tests, which must not receive this one.
    assert_eq!(received(&server, 1).await.len(), 1);
}

#[tokio::test]
async fn a_failing_pusher_does_not_fail_the_request_and_is_logged() {
    let server = pusher_mock(ResponseTemplate::new(500).set_body_string("boom")).await;
    let app = app_publishing_to(&server.uri()).await;
    let id = app.call_ids().await[0].clone();

    let response = app.add_note(&id, "still saved").await;

    assert_eq!(response.status(), 201);
    let failures = pusher_failures(&app).await;
    assert_eq!(failures.len(), 1);
    assert_eq!(failures[0]["level"], "error");
    let message = failures[0]["message"].as_str().unwrap();
    assert!(
        message.contains(&id) && message.contains("Pusher answered 500: boom"),
        "{message}"
    );
}

#[tokio::test]
async fn an_unreachable_pusher_is_logged_too() {
    let app = app_publishing_to("http://127.0.0.1:9").await;
    let id = app.call_ids().await[0].clone();

    let response = app
        .aircall(Method::PUT, &format!("/calls/{id}/archive"))
        .await
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 200);
    assert_eq!(pusher_failures(&app).await.len(), 1);
}

#[tokio::test]
async fn pusher_auth_signs_the_private_aircall_channel() {
    let app = app_publishing_to("http://127.0.0.1:9").await;

    let (status, body) = answer(app.aircall(Method::POST, "/pusher/auth").await.form(&[
        ("socket_id", "1234.5678"),
        ("channel_name", "private-aircall"),
    ]))
    .await;

    assert_eq!(status, 200);
    let expected = format!("{KEY}:{}", hmac_hex("1234.5678:private-aircall"));
    assert_eq!(body, json!({ "auth": expected }));
}

#[tokio::test]
async fn pusher_auth_refuses_other_channels_with_403() {
    let app = app_publishing_to("http://127.0.0.1:9").await;

    for channel in ["private-other", "presence-aircall", "aircall"] {
        let response = app
            .aircall(Method::POST, "/pusher/auth")
            .await
            .form(&[("socket_id", "1234.5678"), ("channel_name", channel)])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 403, "{channel}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(
            body,
            json!({"statusCode": 403, "message": "Forbidden resource", "error": "Forbidden"})
        );
    }
}

#[tokio::test]
async fn pusher_auth_needs_an_access_token() {
    let app = app_publishing_to("http://127.0.0.1:9").await;
    let (_, refresh) = app.login().await;

    let none = app
        .request(Method::POST, "/pusher/auth")
        .form(&[("socket_id", "1.2"), ("channel_name", "private-aircall")])
        .send()
        .await
        .unwrap();
    let wrong_kind = app
        .request(Method::POST, "/pusher/auth")
        .bearer_auth(refresh)
        .form(&[("socket_id", "1.2"), ("channel_name", "private-aircall")])
        .send()
        .await
        .unwrap();

    assert_eq!(none.status(), 401);
    assert_eq!(wrong_kind.status(), 401);
}

#[tokio::test]
async fn pusher_auth_with_missing_or_bad_fields_is_a_400() {
    let app = app_publishing_to("http://127.0.0.1:9").await;

    let missing = app
        .aircall(Method::POST, "/pusher/auth")
        .await
        .form(&[("socket_id", "1234.5678")])
        .send()
        .await
        .unwrap();
    let bad_socket = app
        .aircall(Method::POST, "/pusher/auth")
        .await
        .form(&[("socket_id", "abc"), ("channel_name", "private-aircall")])
        .send()
        .await
        .unwrap();

    assert_eq!(missing.status(), 400);
    let body: Value = missing.json().await.unwrap();
    assert_eq!(
        body["message"],
        json!([
            "channel_name must be a string",
            "channel_name should not be empty"
        ])
    );
    assert_eq!(bad_socket.status(), 400);
    let body: Value = bad_socket.json().await.unwrap();
    assert_eq!(
        body["message"],
        json!(["socket_id must look like 1234.5678"])
    );
}

#[tokio::test]
async fn without_pusher_credentials_pusher_auth_is_a_503_and_nothing_is_published() {
    let app = spawn_app().await;
    let id = app.call_ids().await[0].clone();

    let auth = app
        .aircall(Method::POST, "/pusher/auth")
        .await
        .form(&[
            ("socket_id", "1234.5678"),
            ("channel_name", "private-aircall"),
        ])
        .send()
        .await
        .unwrap();
    let archive = app
        .aircall(Method::PUT, &format!("/calls/{id}/archive"))
        .await
        .send()
        .await
        .unwrap();

    assert_eq!(auth.status(), 503);
    let body: Value = auth.json().await.unwrap();
    assert_eq!(body["message"], "Pusher is not configured");
    assert_eq!(archive.status(), 200);
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(app.log().iter().all(|l| l["event"] != "pusher"));
}

#[tokio::test]
async fn an_event_embeds_the_newest_notes_and_stays_under_ten_kilobytes() {
    let server = pusher_mock(ResponseTemplate::new(200).set_body_string("{}")).await;
    let app = app_publishing_to(&server.uri()).await;
    let id = app.call_ids().await[0].clone();
    // Eight notes of 4,000 bytes each: 32 KB of notes on one call.
    app.prefill_notes(&id, 8, &"𝄞".repeat(1000)).await;

    let response = app.add_note(&id, "the newest").await;

    assert_eq!(response.status(), 201);
    let call: Value = response.json().await.unwrap();
    let total = call["notes"].as_array().unwrap().len();
    assert!(total >= 9, "the answer holds every note");
    let requests = received(&server, 1).await;
    assert_eq!(requests.len(), 1, "the event was sent");
    let body: Value = serde_json::from_slice(&requests[0].body).unwrap();
    let data = body["data"].as_str().unwrap();
    assert!(data.len() <= EMBEDDED_BYTES, "{} bytes", data.len());
    let event: Value = serde_json::from_str(data).unwrap();
    let embedded = event["notes"].as_array().unwrap();
    assert!(!embedded.is_empty() && embedded.len() <= EMBEDDED_NOTES);
    assert_eq!(embedded[0]["content"], "the newest");
    assert_eq!(event["notes_omitted"], total - embedded.len());
    assert_eq!(event["id"], call["id"]);
    assert_eq!(event["is_archived"], call["is_archived"]);
}

#[tokio::test]
async fn a_pusher_that_does_not_answer_in_time_is_given_up_and_logged() {
    let server = pusher_mock(ResponseTemplate::new(200).set_delay(Duration::from_secs(5))).await;
    let settings = pusher_config(&server.uri());
    let pairs: Vec<(&str, &str)> = settings.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let timeout = Duration::from_millis(300);
    let app = spawn_app_with(config_with(&pairs), |mut state| {
        let http = Arc::new(ReqwestHttp::new(timeout).unwrap());
        // The hosted backend publishes through this client.
        state.channels = realtime::channels(
            &state.config,
            state.channels.clone(),
            http.clone(),
            state.clock.clone(),
        );
        state.http = http;
        state
    })
    .await;
    let id = app.call_ids().await[0].clone();

    let started = Instant::now();
    assert_eq!(app.add_note(&id, "into the void").await.status(), 201);
    let failures = pusher_failures(&app).await;

    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(failures.len(), 1, "{failures:?}");
    assert_eq!(failures[0]["level"], "error");
    let message = failures[0]["message"].as_str().unwrap();
    assert!(
        message.contains("timed out: no answer within 300 ms"),
        "{message}"
    );
}
