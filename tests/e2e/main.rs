//! End to end: the built worker under `wrangler dev` (workerd, local D1 with
//! the migrations and demo data applied). `scripts/test` starts it and runs
//! these with `--ignored`; they need `SWITCHBOARD_BASE_URL`, `XIVO_USERNAME`
//! and `XIVO_PASSWORD` (and the worker a `JWT_SECRET`, for Aircall),
//! `SWITCHBOARD_WORKER_LOG` (wrangler's output), and the worker's Pusher app
//! `PUSHER_APP_ID`, `PUSHER_KEY`, `PUSHER_SECRET` (its realtime backend is the
//! built-in server, the default).
//!
//! A second worker publishes to Pusher's hosted service instead
//! (`REALTIME_BACKEND=pusher`), at `SWITCHBOARD_HOSTED_BASE_URL` (its output
//! in `SWITCHBOARD_HOSTED_WORKER_LOG`), with `PUSHER_HOST` pointing at
//! `SWITCHBOARD_PUSHER_PORT`, where a test listens without ever answering.

#![cfg(not(target_arch = "wasm32"))]

use futures_util::StreamExt;
use reqwest::{Method, RequestBuilder};

fn setting(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("{name} must be set for the end-to-end tests"))
}

fn request(method: Method, path: &str) -> RequestBuilder {
    reqwest::Client::new().request(method, format!("{}{path}", setting("SWITCHBOARD_BASE_URL")))
}

fn xivo(method: Method, path: &str) -> RequestBuilder {
    request(method, path).basic_auth(setting("XIVO_USERNAME"), Some(setting("XIVO_PASSWORD")))
}

async fn json(request: RequestBuilder, status: u16) -> serde_json::Value {
    let response = request.send().await.expect("the worker answers");
    assert_eq!(response.status(), status);
    assert!(response.headers().contains_key("x-request-id"));
    response.json().await.expect("a JSON body")
}

#[tokio::test]
#[ignore = "end to end: needs a running worker (scripts/test starts one)"]
async fn healthz_says_d1_answers() {
    let body = json(request(Method::GET, "/healthz"), 200).await;
    assert_eq!(body["d1"], true);
    assert_eq!(body["version"], env!("CARGO_PKG_VERSION"));
}

#[tokio::test]
#[ignore = "end to end: needs a running worker (scripts/test starts one)"]
async fn agents_come_from_d1_sorted_by_number_as_text() {
    let agents = json(xivo(Method::GET, "/1.0/CallCenter/agents/"), 200).await;
    let ids: Vec<i64> = agents
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [23, 21, 19, 20, 22]);
    assert_eq!(agents[2]["firstname"], "Chuck");
    assert_eq!(agents[2]["group"], serde_json::Value::Null);
    assert_eq!(agents[1]["autologoff"], 60);
}

#[tokio::test]
#[ignore = "end to end: needs a running worker (scripts/test starts one)"]
async fn queues_come_from_d1_sorted_by_number_as_text() {
    let queues = json(xivo(Method::GET, "/1.0/CallCenter/queues/"), 200).await;
    let names: Vec<&str> = queues
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["support", "my_queue", "your_queue", "overflow"]);
    assert_eq!(queues[1]["preprocess_subroutine"], "test-subroutine");
}

#[tokio::test]
#[ignore = "end to end: needs a running worker (scripts/test starts one)"]
async fn xivo_negotiation_holds_in_workers() {
    let not_json = xivo(Method::GET, "/1.0/CallCenter/agents/")
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(not_json.status(), 406);
    assert_eq!(not_json.text().await.unwrap(), "");

    let no_credentials = request(Method::GET, "/1.0/CallCenter/agents/")
        .send()
        .await
        .unwrap();
    assert_eq!(no_credentials.status(), 401);
}

#[tokio::test]
#[ignore = "end to end: needs a running worker (scripts/test starts one)"]
async fn a_body_over_the_limit_is_413_in_workers() {
    let response = xivo(Method::POST, "/1.0/CallCenter/queues/")
        .header("content-type", "application/json")
        .body(vec![b' '; 1024 * 1024 + 1])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413);
    let messages: Vec<String> = response.json().await.unwrap();
    assert_eq!(messages.len(), 1);
}

#[tokio::test]
#[ignore = "end to end: needs a running worker (scripts/test starts one)"]
async fn unknown_paths_are_json_404s() {
    let body = json(request(Method::GET, "/nowhere"), 404).await;
    assert_eq!(body["message"], "Cannot GET /nowhere");
}

/// Logs in to the Aircall API: the access and refresh tokens.
async fn aircall_login() -> (String, String) {
    let body = json(
        request(Method::POST, "/auth/login")
            .json(&serde_json::json!({"username": "e2e", "password": "any"})),
        201,
    )
    .await;
    assert_eq!(body["user"]["username"], "e2e");
    (
        body["access_token"].as_str().unwrap().to_owned(),
        body["refresh_token"].as_str().unwrap().to_owned(),
    )
}

#[tokio::test]
#[ignore = "end to end: needs a running worker (scripts/test starts one)"]
async fn aircall_login_list_note_and_archive_work_on_d1() {
    let (access, _) = aircall_login().await;

    let page = json(
        request(Method::GET, "/calls?offset=0&limit=5").bearer_auth(&access),
        200,
    )
    .await;
    assert_eq!(page["totalCount"], 100);
    assert_eq!(page["hasNextPage"], true);
    let first = &page["nodes"][0];
    let id = first["id"].as_str().unwrap();
    assert!(first["is_archived"].is_boolean());
    assert!(first["notes"].is_array());

    let noted = json(
        request(Method::POST, &format!("/calls/{id}/note"))
            .bearer_auth(&access)
            .json(&serde_json::json!({"content": "from the e2e test"})),
        201,
    )
    .await;
    assert_eq!(noted["notes"][0]["content"], "from the e2e test");

    let archived = json(
        request(Method::PUT, &format!("/calls/{id}/archive")).bearer_auth(&access),
        200,
    )
    .await;
    assert_eq!(
        archived["is_archived"],
        !first["is_archived"].as_bool().unwrap()
    );

    let again = json(
        request(Method::GET, &format!("/calls/{id}")).bearer_auth(&access),
        200,
    )
    .await;
    assert_eq!(again, archived);
}

#[tokio::test]
#[ignore = "end to end: needs a running worker (scripts/test starts one)"]
async fn aircall_refresh_tokens_rotate_on_d1() {
    let (access, refresh) = aircall_login().await;

    let wrong_kind = json(
        request(Method::POST, "/auth/refresh-token-v2").bearer_auth(&access),
        401,
    )
    .await;
    assert_eq!(
        wrong_kind,
        serde_json::json!({"statusCode": 401, "message": "Unauthorized"})
    );
    let fresh = json(
        request(Method::POST, "/auth/refresh-token-v2").bearer_auth(&refresh),
        201,
    )
    .await;
    json(
        request(Method::POST, "/auth/refresh-token-v2").bearer_auth(&refresh),
        401,
    )
    .await;
    let me = json(
        request(Method::GET, "/me").bearer_auth(fresh["access_token"].as_str().unwrap()),
        200,
    )
    .await;
    assert_eq!(me, serde_json::json!({"id": "e2e", "username": "e2e"}));
}

#[tokio::test]
#[ignore = "end to end: needs a running worker (scripts/test starts one)"]
async fn aircall_errors_are_nestjs_shaped_in_workers() {
    let (access, _) = aircall_login().await;

    let missing = json(
        request(Method::GET, "/calls/3c3f3b44-1b7b-4c1e-9d7b-3a3c1f0e0d00").bearer_auth(&access),
        404,
    )
    .await;
    assert_eq!(missing["message"], "The call does not exist!");
    let bad = json(
        request(Method::GET, "/calls?limit=1000").bearer_auth(&access),
        400,
    )
    .await;
    assert_eq!(
        bad["message"],
        serde_json::json!(["limit must not be greater than 100"])
    );
    let unknown = json(request(Method::GET, "/calls/x/y"), 404).await;
    assert_eq!(unknown["message"], "Cannot GET /calls/x/y");
}

#[tokio::test]
#[ignore = "end to end: needs a running worker (scripts/test starts one)"]
async fn small_bodies_and_bodiless_reads_are_enforced_in_workers() {
    let big = serde_json::json!({"username": "e2e", "password": "x".repeat(16 * 1024)});
    let login = json(request(Method::POST, "/auth/login").json(&big), 413).await;
    assert_eq!(login["message"], "Request body larger than 16384 bytes");

    let (access, _) = aircall_login().await;
    let read = json(
        request(Method::GET, "/calls")
            .bearer_auth(&access)
            .header("content-type", "application/json")
            .body("{}"),
        413,
    )
    .await;
    assert_eq!(read["message"], "A GET request takes no body");
}

#[tokio::test]
#[ignore = "end to end: needs a running worker (scripts/test starts one)"]
async fn a_calls_notes_are_bounded_by_the_insert_itself_on_d1() {
    let (access, _) = aircall_login().await;
    let page = json(
        request(Method::GET, "/calls?offset=60&limit=1").bearer_auth(&access),
        200,
    )
    .await;
    let id = page["nodes"][0]["id"].as_str().unwrap().to_owned();
    let note = |content: String| {
        request(Method::POST, &format!("/calls/{id}/note"))
            .bearer_auth(&access)
            .json(&serde_json::json!({ "content": content }))
            .send()
    };

    let control = note("\u{1b}[2J".into()).await.unwrap();
    assert_eq!(control.status(), 400);

    // Eight at a time: more than the call has room for, in parallel.
    let statuses: Vec<u16> = futures_util::stream::iter((0..110).map(|i| note(format!("n{i}"))))
        .buffer_unordered(8)
        .map(|r| r.unwrap().status().as_u16())
        .collect()
        .await;
    assert!(
        statuses.iter().all(|s| *s == 201 || *s == 409),
        "{statuses:?}"
    );
    assert!(statuses.contains(&409), "{statuses:?}");

    let call = json(
        request(Method::GET, &format!("/calls/{id}")).bearer_auth(&access),
        200,
    )
    .await;
    assert_eq!(call["notes"].as_array().unwrap().len(), 100);
    let listed = json(
        request(Method::GET, "/calls?offset=60&limit=1").bearer_auth(&access),
        200,
    )
    .await;
    assert_eq!(listed["nodes"][0]["notes"].as_array().unwrap().len(), 5);
    assert_eq!(listed["nodes"][0]["notes_omitted"], 95);
}

/// Accepts connections on `port` and never answers them, until dropped.
async fn silent_server(port: u16) -> tokio::task::JoinHandle<()> {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .expect("the Pusher port of the test run is free");
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    })
}

/// A request to the second worker, whose realtime backend is Pusher's
/// hosted service.
fn hosted(method: Method, path: &str) -> RequestBuilder {
    reqwest::Client::new().request(
        method,
        format!("{}{path}", setting("SWITCHBOARD_HOSTED_BASE_URL")),
    )
}

#[tokio::test]
#[ignore = "end to end: needs a running worker (scripts/test starts one)"]
async fn a_pusher_that_never_answers_is_given_up_and_logged_in_workers() {
    let port: u16 = setting("SWITCHBOARD_PUSHER_PORT").parse().unwrap();
    let log = setting("SWITCHBOARD_HOSTED_WORKER_LOG");
    let server = silent_server(port).await;
    let login = json(
        hosted(Method::POST, "/auth/login")
            .json(&serde_json::json!({"username": "e2e", "password": "any"})),
        201,
    )
    .await;
    let access = login["access_token"].as_str().unwrap().to_owned();
    let page = json(
        hosted(Method::GET, "/calls?offset=70&limit=1").bearer_auth(&access),
        200,
    )
    .await;
    let id = page["nodes"][0]["id"].as_str().unwrap().to_owned();

    json(
        hosted(Method::POST, &format!("/calls/{id}/note"))
            .bearer_auth(&access)
            .json(&serde_json::json!({"content": "nobody listens"})),
        201,
    )
    .await;

    // The timeout is 5 s; Workers alone would wait until waitUntil's end
    // (30 s) and log nothing.
    let wanted = format!("update-call for call {id} not published: timed out");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    let found = loop {
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        if text.contains(&wanted) {
            break true;
        }
        if std::time::Instant::now() > deadline {
            break false;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    };
    server.abort();
    assert!(found, "no line saying {wanted:?} in {log}");
}

/// The worker's access-log line of the request `id`, once written.
async fn access_log_line(id: &str) -> serde_json::Value {
    let log = setting("SWITCHBOARD_WORKER_LOG");
    let wanted = format!("\"request_id\":\"{id}\"");
    for _ in 0..50 {
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        if let Some(line) = text.lines().find(|line| line.contains(&wanted)) {
            let start = line.find('{').expect("a JSON line");
            return serde_json::from_str(&line[start..]).expect("an access-log line");
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    panic!("no access-log line for {id} in {log}");
}

#[tokio::test]
#[ignore = "end to end: needs a running worker (scripts/test starts one)"]
async fn the_public_count_is_served_from_the_edge_cache_in_workers() {
    let path = "/api/campaign/1/count.json";
    let run = uuid::Uuid::new_v4().simple().to_string();
    let first = request(Method::GET, &format!("{path}?visit={run}"))
        .header("x-request-id", format!("count-{run}-1"))
        .send()
        .await
        .unwrap();
    assert_eq!(first.status(), 200);
    assert_eq!(first.headers()["access-control-allow-origin"], "*");
    let etag = first.headers()["etag"].to_str().unwrap().to_owned();
    let body: serde_json::Value = first.json().await.unwrap();
    assert!(body["completed"].is_u64(), "{body}");

    // Once the copies are filled (after the first answer), another query
    // string is the same entry: no D1 round trip.
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    let second = request(Method::GET, &format!("{path}?other={run}"))
        .header("x-request-id", format!("count-{run}-2"))
        .send()
        .await
        .unwrap();
    assert_eq!(second.status(), 200);
    assert_eq!(second.headers()["etag"], etag.as_str());
    assert_eq!(second.json::<serde_json::Value>().await.unwrap(), body);
    let line = access_log_line(&format!("count-{run}-2")).await;
    assert_eq!(line["d1_round_trips"], 0, "{line}");

    let not_modified = request(Method::GET, path)
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(not_modified.status(), 304);
}

/// The query Pusher's server libraries send with `body` for the worker's
/// app: signed with `PUSHER_SECRET` over the sorted parameters.
fn signed_trigger_query(path: &str, body: &str, secret: &str) -> String {
    use hmac::Mac;
    use md5::Digest;
    let query = format!(
        "auth_key={}&auth_timestamp={}&auth_version=1.0&body_md5={}",
        setting("PUSHER_KEY"),
        chrono::Utc::now().timestamp(),
        hex::encode(md5::Md5::digest(body.as_bytes()))
    );
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("POST\n{path}\n{query}").as_bytes());
    format!(
        "{query}&auth_signature={}",
        hex::encode(mac.finalize().into_bytes())
    )
}

#[tokio::test]
#[ignore = "end to end: needs a running worker (scripts/test starts one)"]
async fn the_trigger_api_publishes_through_the_durable_object_in_workers() {
    let path = format!("/apps/{}/events", setting("PUSHER_APP_ID"));
    let body = serde_json::json!({
        "name": "e2e-event",
        "channels": ["e2e-news", "private-aircall"],
        "data": "{\"from\":\"the e2e test\"}"
    })
    .to_string();

    let query = signed_trigger_query(&path, &body, &setting("PUSHER_SECRET"));
    let accepted = request(Method::POST, &format!("{path}?{query}"))
        .header("content-type", "application/json")
        .body(body.clone())
        .send()
        .await
        .unwrap();
    let query = signed_trigger_query(&path, &body, "not-the-secret");
    let forged = request(Method::POST, &format!("{path}?{query}"))
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();

    assert_eq!(accepted.status(), 200);
    assert_eq!(accepted.text().await.unwrap(), "{}");
    assert_eq!(forged.status(), 401);
    assert!(forged
        .text()
        .await
        .unwrap()
        .starts_with("Invalid signature"));
}

#[tokio::test]
#[ignore = "end to end: needs a running worker (scripts/test starts one)"]
async fn the_socket_endpoint_wants_an_upgrade_and_the_hosted_worker_has_none() {
    let path = format!("/app/{}?protocol=7", setting("PUSHER_KEY"));

    let plain = request(Method::GET, &path).send().await.unwrap();
    let on_hosted = hosted(Method::GET, &path).send().await.unwrap();

    // (workerd drops the hop-by-hop `Upgrade` header of a 426.)
    assert_eq!(plain.status(), 426);
    assert_eq!(on_hosted.status(), 404);
}
