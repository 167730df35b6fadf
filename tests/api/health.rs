//! `GET /healthz`.

use crate::helpers::{spawn_app, spawn_app_without_database};

#[tokio::test]
async fn healthz_reports_the_version_and_that_d1_answers() {
    let app = spawn_app().await;

    let response = app.get("/healthz").send().await.unwrap();

    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(
        body,
        serde_json::json!({
            "status": "ok",
            "version": env!("CARGO_PKG_VERSION"),
            "environment": "development",
            "d1": true,
        })
    );
}

#[tokio::test]
async fn healthz_is_503_when_d1_does_not_answer() {
    let app = spawn_app_without_database().await;

    let response = app.get("/healthz").send().await.unwrap();

    assert_eq!(response.status(), 503);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["status"], "unavailable");
    assert_eq!(body["d1"], false);
}
