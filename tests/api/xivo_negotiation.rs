//! XiVO's request guard on every route: 415 for a body that is not JSON, then
//! 406 for an Accept without JSON, then 401 for missing or wrong credentials
//! (HTTP Basic here, as development allows; Digest: `xivo_digest.rs`).

use reqwest::Method;

use crate::helpers::{spawn_app, spawn_app_with, XIVO_PASSWORD, XIVO_USER};
use switchboard::config::Config;

const AGENTS: &str = "/1.0/CallCenter/agents/";
const QUEUES: &str = "/1.0/CallCenter/queues/";

#[tokio::test]
async fn accept_headers_that_allow_json_are_served() {
    let app = spawn_app().await;

    for accept in [
        "application/json",
        "application/json;charset=UTF-8",
        "APPLICATION/JSON",
        "text/html, application/json;q=0.1",
        "*/*",
        "*/*, */*",
        "  ",
    ] {
        let response = app
            .xivo(Method::GET, AGENTS)
            .header("accept", accept)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "Accept: {accept:?}");
    }
}

#[tokio::test]
async fn accept_headers_without_json_are_an_empty_406() {
    let app = spawn_app().await;

    for accept in [
        "text/html",
        "application/xml",
        "application/*",
        "text/html, */*",
        "application/jsonx",
    ] {
        let response = app
            .xivo(Method::GET, AGENTS)
            .header("accept", accept)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 406, "Accept: {accept:?}");
        assert_eq!(response.text().await.unwrap(), "");
    }
}

#[tokio::test]
async fn a_body_that_is_not_json_is_an_empty_415_before_any_other_check() {
    let app = spawn_app().await;

    for content_type in [
        None,
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
    ] {
        // Wrong Accept and no credentials too: 415 is checked first.
        let mut request = app
            .request(Method::POST, QUEUES)
            .header("accept", "text/html")
            .body("{}");
        if let Some(content_type) = content_type {
            request = request.header("content-type", content_type);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 415, "Content-Type: {content_type:?}");
        assert_eq!(response.text().await.unwrap(), "");
    }
}

#[tokio::test]
async fn a_post_without_a_body_needs_no_content_type() {
    let app = spawn_app().await;

    // The document's queue-list example, exactly as printed.
    let response = app.xivo(Method::POST, QUEUES).send().await.unwrap();

    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn a_body_without_content_length_is_still_checked() {
    let app = spawn_app().await;
    let chunks = futures_util::stream::iter([Ok::<_, std::io::Error>(b"{}".to_vec())]);

    let response = app
        .xivo(Method::POST, QUEUES)
        .header("content-type", "text/plain")
        .body(reqwest::Body::wrap_stream(chunks))
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 415);
}

#[tokio::test]
async fn the_accept_check_comes_before_the_credentials() {
    let app = spawn_app().await;

    let response = app
        .request(Method::GET, AGENTS)
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 406);
}

#[tokio::test]
async fn missing_or_wrong_credentials_are_401_with_digest_and_basic_challenges() {
    let app = spawn_app().await;

    let requests = [
        app.request(Method::GET, AGENTS),
        app.request(Method::GET, AGENTS)
            .basic_auth(XIVO_USER, Some("wrong")),
        app.request(Method::GET, AGENTS)
            .basic_auth("someone", Some(XIVO_PASSWORD)),
        app.request(Method::GET, AGENTS)
            .basic_auth(XIVO_USER, None::<&str>),
        app.request(Method::GET, AGENTS)
            .header("authorization", "Basic !!not-base64!!"),
        app.request(Method::GET, AGENTS)
            .header("authorization", "Bearer abc"),
    ];
    for request in requests {
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 401);
        // Digest first (SHA-256, MD5: tests/api/xivo_digest.rs), then Basic,
        // which development allows by default.
        let challenges: Vec<&str> = response
            .headers()
            .get_all("www-authenticate")
            .iter()
            .map(|v| v.to_str().unwrap())
            .collect();
        assert_eq!(challenges.len(), 3, "{challenges:?}");
        assert!(challenges[0]
            .starts_with("Digest realm=\"XiVO REST API\", qop=\"auth\", algorithm=SHA-256, "));
        assert!(challenges[1]
            .starts_with("Digest realm=\"XiVO REST API\", qop=\"auth\", algorithm=MD5, "));
        assert_eq!(
            challenges[2],
            "Basic realm=\"XiVO REST API\", charset=\"UTF-8\""
        );
        assert_eq!(response.text().await.unwrap(), "");
    }
}

#[tokio::test]
async fn the_basic_scheme_is_read_without_regard_to_case() {
    let app = spawn_app().await;
    use base64::Engine;
    let pair =
        base64::engine::general_purpose::STANDARD.encode(format!("{XIVO_USER}:{XIVO_PASSWORD}"));

    let response = app
        .request(Method::GET, AGENTS)
        .header("authorization", format!("basic {pair}"))
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn without_configured_credentials_the_xivo_api_refuses_everyone() {
    let (config, problems) =
        Config::load(|name| (name == "ENVIRONMENT").then(|| "production".into()).into());
    assert!(!problems.is_empty());
    let app = spawn_app_with(config, |state| state).await;

    let response = app.xivo(Method::GET, AGENTS).send().await.unwrap();

    assert_eq!(response.status(), 401);
}

#[tokio::test]
async fn query_strings_do_not_reach_the_database() {
    let app = spawn_app().await;

    let plain: serde_json::Value = app
        .xivo(Method::GET, AGENTS)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let response = app
        .xivo(
            Method::GET,
            "/1.0/CallCenter/agents/?number=1'%20OR%201=1;--&_page=-1",
        )
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 200);
    assert_eq!(response.json::<serde_json::Value>().await.unwrap(), plain);
}
