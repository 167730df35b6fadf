//! What every route gets from the edge layer: request ids, the body limits
//! (1 MiB at most, less on the routes that take small bodies, none on reads),
//! errors in the right dialect for unknown paths, and the access log.

use futures_util::stream;
use reqwest::Method;
use switchboard::http::{BODY_LIMIT, SMALL_BODY};

use crate::helpers::{answer, spawn_app};

/// A body of `count` chunks of `size` spaces, sent chunked (no length).
fn streamed(count: usize, size: usize) -> reqwest::Body {
    let chunks = (0..count).map(move |_| Ok::<_, std::io::Error>(vec![b' '; size]));
    reqwest::Body::wrap_stream(stream::iter(chunks))
}

#[tokio::test]
async fn every_response_carries_a_generated_uuid_request_id() {
    let app = spawn_app().await;

    let first = app.get("/healthz").send().await.unwrap();
    let second = app.get("/nowhere").send().await.unwrap();

    let ids: Vec<String> = [&first, &second]
        .iter()
        .map(|r| r.headers()["x-request-id"].to_str().unwrap().to_owned())
        .collect();
    for id in &ids {
        assert!(uuid::Uuid::parse_str(id).is_ok(), "{id} is not a UUID");
    }
    assert_ne!(ids[0], ids[1]);
}

#[tokio::test]
async fn a_plain_request_id_from_the_client_is_kept() {
    let app = spawn_app().await;

    let response = app
        .get("/healthz")
        .header("x-request-id", "trace-42.a:b")
        .send()
        .await
        .unwrap();

    assert_eq!(response.headers()["x-request-id"], "trace-42.a:b");
}

#[tokio::test]
async fn an_unfit_request_id_is_replaced() {
    let app = spawn_app().await;

    for unfit in ["", "has spaces", "quote\"d", &"x".repeat(129)] {
        let response = app
            .get("/healthz")
            .header("x-request-id", unfit)
            .send()
            .await
            .unwrap();
        let id = response.headers()["x-request-id"].to_str().unwrap();
        assert!(
            uuid::Uuid::parse_str(id).is_ok(),
            "{unfit:?} was kept as {id:?}"
        );
    }
}

#[tokio::test]
async fn an_unknown_path_outside_the_apis_is_a_json_404() {
    let app = spawn_app().await;

    let response = app.get("/no/such/thing?x=1").send().await.unwrap();

    assert_eq!(response.status(), 404);
    assert_eq!(response.headers()["content-type"], "application/json");
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(
        body,
        serde_json::json!({"status": 404, "message": "Cannot GET /no/such/thing"})
    );
}

#[tokio::test]
async fn a_declared_body_over_one_mebibyte_is_413_in_the_apis_dialect() {
    let app = spawn_app().await;
    let body = vec![b' '; BODY_LIMIT + 1];

    let xivo = app
        .xivo(Method::POST, "/1.0/CallCenter/queues/")
        .header("content-type", "application/json")
        .body(body.clone())
        .send()
        .await
        .unwrap();
    let host = app
        .request(Method::POST, "/healthz")
        .body(body)
        .send()
        .await
        .unwrap();

    assert_eq!(xivo.status(), 413);
    let messages: Vec<String> = xivo.json().await.unwrap();
    assert_eq!(
        messages,
        [format!("Request body larger than {BODY_LIMIT} bytes")]
    );
    assert_eq!(host.status(), 413);
    let body: serde_json::Value = host.json().await.unwrap();
    assert_eq!(body["status"], 413);
}

#[tokio::test]
async fn a_streamed_body_over_one_mebibyte_is_413_too() {
    let app = spawn_app().await;
    // No Content-Length: 17 chunks of 64 KiB, sent chunked.
    let response = app
        .xivo(Method::POST, "/1.0/CallCenter/queues/")
        .header("content-type", "application/json")
        .body(streamed(17, 64 * 1024))
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 413);
}

#[tokio::test]
async fn a_body_of_exactly_one_mebibyte_is_accepted() {
    let app = spawn_app().await;

    let response = app
        .xivo(Method::POST, "/1.0/CallCenter/queues/")
        .header("content-type", "application/json")
        .body(vec![b' '; BODY_LIMIT])
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn a_known_path_with_the_wrong_method_is_405_in_the_apis_dialect() {
    let app = spawn_app().await;

    let response = app
        .xivo(Method::DELETE, "/1.0/CallCenter/agents/")
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 405);
    let messages: Vec<String> = response.json().await.unwrap();
    assert_eq!(
        messages,
        ["Method DELETE is not allowed on /1.0/CallCenter/agents/"]
    );
}

#[tokio::test]
async fn each_request_writes_one_access_log_line_with_its_d1_cost() {
    let app = spawn_app().await;

    let response = app
        .xivo(Method::GET, "/1.0/CallCenter/agents/?auth_token=secret")
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 200);
    let line = app.log_of(&response);
    assert_eq!(line["method"], "GET");
    assert_eq!(
        line["path"], "/1.0/CallCenter/agents/",
        "no query string in the log"
    );
    assert_eq!(line["status"], 200);
    assert_eq!(line["d1_round_trips"], 1);
    assert_eq!(
        line["d1_rows_read"], 5,
        "five demo agents, read through the index"
    );
    assert_eq!(line["d1_rows_written"], 0);
    assert!(line["duration_ms"].is_i64());
    assert!(!line.to_string().contains("secret"));
    assert_eq!(app.log().len(), 1);
}

#[tokio::test]
async fn aircall_bodies_over_sixteen_kibibytes_are_413_before_the_route_runs() {
    let app = spawn_app().await;
    let content = "x".repeat(SMALL_BODY);

    for (method, path) in [
        (Method::POST, "/auth/login".to_owned()),
        (Method::POST, "/auth/refresh-token-v2".to_owned()),
        (Method::POST, "/pusher/auth".to_owned()),
        (
            Method::POST,
            format!("/calls/{}/note", uuid::Uuid::new_v4()),
        ),
    ] {
        let (status, body) = answer(
            app.request(method, &path)
                .json(&serde_json::json!({ "content": content })),
        )
        .await;
        assert_eq!(status, 413, "{path}");
        assert_eq!(
            body,
            serde_json::json!({
                "statusCode": 413,
                "message": format!("Request body larger than {SMALL_BODY} bytes"),
                "error": "Payload Too Large"
            }),
            "{path}"
        );
    }
    // Streamed without a length, the same.
    let response = app
        .request(Method::POST, "/auth/login")
        .header("content-type", "application/json")
        .body(streamed(5, 4 * 1024))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413);
    assert_eq!(
        app.sql_count("SELECT COUNT(*) FROM aircall_notes").await,
        47
    );
}

#[tokio::test]
async fn a_read_takes_no_body_outside_the_apis_that_document_one() {
    let app = spawn_app().await;
    let (access, _) = app.login().await;

    let (status, body) = answer(
        app.get("/calls")
            .bearer_auth(access)
            .header("content-type", "application/json")
            .body("{}"),
    )
    .await;
    assert_eq!(status, 413);
    assert_eq!(body["message"], "A GET request takes no body");

    let (status, body) = answer(app.get("/healthz").body("x")).await;
    assert_eq!(status, 413);
    assert_eq!(
        body,
        serde_json::json!({"status": 413, "message": "A GET request takes no body"})
    );

    // XiVO's document answers a GET with a body that is not JSON with 415.
    let response = app
        .xivo(Method::GET, "/1.0/CallCenter/agents/")
        .header("content-type", "text/plain")
        .body("agents please")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 415);
}
