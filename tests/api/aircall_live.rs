//! The live page, `GET /aircall/live` and its script: served with the app
//! key and the realtime backend, under a policy that loads scripts from this
//! origin only. (The page itself runs in Chromium against `wrangler dev`:
//! `tests/realtime/live.mjs`.)

use crate::helpers::{spawn_app, TestApp};
use crate::realtime_events::{spawn_builtin, KEY};

/// The text of the live page.
async fn page(app: &TestApp) -> String {
    let response = app.get("/aircall/live").send().await.unwrap();
    response.text().await.unwrap()
}

#[tokio::test]
async fn the_live_page_carries_the_key_and_the_backend() {
    let app = spawn_builtin(&[]).await;

    let response = app.get("/aircall/live").send().await.unwrap();

    assert_eq!(response.status(), 200);
    let headers = response.headers().clone();
    assert_eq!(headers["content-type"], "text/html; charset=utf-8");
    let policy = headers["content-security-policy"].to_str().unwrap();
    assert!(policy.contains("script-src 'self'"), "{policy}");
    let html = response.text().await.unwrap();
    assert!(
        html.contains(&format!(r#"data-key="{KEY}" data-backend="builtin""#)),
        "{html}"
    );
    assert!(html.contains(r#"<script src="/aircall/live/pusher.min.js"></script>"#));
    assert!(html.contains(r#"<script src="/aircall/live/live.js"></script>"#));
    assert!(!html.contains("{{"));
}

#[tokio::test]
async fn the_key_is_escaped_and_a_page_without_realtime_says_off() {
    let app = spawn_builtin(&[("PUSHER_KEY", r#"k"><script>"#)]).await;
    let html = page(&app).await;
    assert!(
        html.contains(r#"data-key="k&quot;&gt;&lt;script&gt;""#),
        "{html}"
    );

    let html = page(&spawn_app().await).await;
    assert!(html.contains(r#"data-key="" data-backend="off""#));
}

#[tokio::test]
async fn the_script_subscribes_to_private_aircall_with_pusher_js() {
    let app = spawn_app().await;

    let response = app.get("/aircall/live/live.js").send().await.unwrap();

    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "text/javascript; charset=utf-8"
    );
    let script = response.text().await.unwrap();
    for needle in [
        "new Pusher(",
        "'private-aircall'",
        "'update-call'",
        "'/pusher/auth'",
    ] {
        assert!(script.contains(needle), "{needle}");
    }
}
