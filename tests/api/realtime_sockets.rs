//! The built-in realtime server's socket endpoint, `GET /app/{key}`, as far
//! as the native host goes: the checks made before an upgrade is handed to
//! the Durable Object (which exists in Workers only: `tests/realtime/`
//! drives it with pusher-js under `wrangler dev`).

use reqwest::Method;

use crate::helpers::{answer_with_header, TestApp};
use crate::realtime_events::{spawn_builtin, KEY};

/// Status, `Upgrade` header and body text of `request`.
async fn answer(request: reqwest::RequestBuilder) -> (u16, String, String) {
    answer_with_header(request, "upgrade").await
}

fn upgrade(app: &TestApp, path: &str) -> reqwest::RequestBuilder {
    app.get(path)
        .header("connection", "Upgrade")
        .header("upgrade", "websocket")
        .header("sec-websocket-version", "13")
        .header("sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ==")
}

#[tokio::test]
async fn a_plain_get_is_told_to_upgrade() {
    let app = spawn_builtin(&[]).await;

    let (status, upgrade, body) = answer(app.get(&format!("/app/{KEY}?protocol=7"))).await;

    assert_eq!(status, 426);
    assert_eq!(upgrade, "websocket");
    assert!(body.starts_with("Expected a WebSocket upgrade"), "{body}");
}

#[tokio::test]
async fn an_upgrade_goes_to_the_channels_port_which_natively_holds_no_socket() {
    let app = spawn_builtin(&[]).await;

    let (status, _, body) = answer(upgrade(&app, &format!("/app/{KEY}?protocol=7"))).await;

    assert_eq!(status, 501, "{body}");
    assert!(body.contains("Workers host only"), "{body}");
}

#[tokio::test]
async fn without_the_built_in_backend_there_is_no_socket_endpoint() {
    for backend in ["off", "pusher"] {
        let app = spawn_builtin(&[("REALTIME_BACKEND", backend), ("PUSHER_CLUSTER", "eu")]).await;

        let (status, _, body) = answer(upgrade(&app, &format!("/app/{KEY}?protocol=7"))).await;

        assert_eq!(status, 404, "{backend}");
        assert!(
            body.contains(&format!("REALTIME_BACKEND is {backend}")),
            "{body}"
        );
    }
}

#[tokio::test]
async fn other_methods_and_paths_answer_in_pushers_plain_text() {
    let app = spawn_builtin(&[]).await;

    let post = app
        .request(Method::POST, &format!("/app/{KEY}"))
        .send()
        .await
        .unwrap();
    let deeper = app.get(&format!("/app/{KEY}/more")).send().await.unwrap();

    assert_eq!(post.status(), 405);
    assert_eq!(deeper.status(), 404);
    for response in [post, deeper] {
        assert!(response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain"));
    }
}
