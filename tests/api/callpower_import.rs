//! `POST /api/import`: a call log in as NDJSON, idempotent on Twilio's
//! `call_id`, checked line by line, written in one batch, on the conformance
//! dataset `callpower`.

use std::sync::Arc;

use async_trait::async_trait;
use reqwest::Method;
use serde_json::{json, Value};
use switchboard::ports::{PlatformError, QueryResult, Sql, Statement};

use crate::helpers::{answer, spawn_callpower, spawn_callpower_with, CALLPOWER_KEY};

/// `records` as NDJSON.
fn ndjson(records: &[Value]) -> String {
    records
        .iter()
        .map(Value::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

fn import(
    app: &crate::helpers::TestApp,
    body: impl Into<reqwest::Body>,
) -> reqwest::RequestBuilder {
    app.request(
        Method::POST,
        &format!("/api/import?api_key={CALLPOWER_KEY}"),
    )
    .header("content-type", "application/x-ndjson")
    .body(body)
}

fn call(call_id: &str, status: &str) -> Value {
    json!({"type": "call", "call_id": call_id, "timestamp": "2024-05-01T10:00:00Z",
           "campaign_id": 4, "target_id": 3, "session_id": 40, "status": status, "duration": 30})
}

fn log() -> Vec<Value> {
    vec![
        json!({"type": "campaign", "id": 4, "name": "Imported", "campaign_type": "congress",
               "campaign_subtype": "lower", "status": "live", "phone_numbers": ["+15005550009"]}),
        json!({"type": "session", "id": 40, "campaign_id": 4, "timestamp": "2024-05-01T09:59:00Z",
               "status": "completed", "referral_code": "imported-fb"}),
        call("CAimport0000000000000000000000000000001", "completed"),
        call("CAimport0000000000000000000000000000002", "completed"),
    ]
}

#[tokio::test]
async fn an_import_inserts_then_updates_and_never_duplicates() {
    let app = spawn_callpower().await;
    let (status, body) = answer(import(&app, ndjson(&log()))).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body,
        json!({
            "inserted": 4, "updated": 0, "rejected": 0,
            "rows": {"campaign": {"inserted": 1, "updated": 0}, "target": {"inserted": 0, "updated": 0},
                     "session": {"inserted": 1, "updated": 0}, "call": {"inserted": 2, "updated": 0}},
            "rejections": []
        })
    );
    let (_, campaign) = answer(app.callpower("/api/campaign/4")).await;
    assert_eq!(campaign["campaign_type"], "congress");
    assert_eq!(campaign["campaign_country"], "US");
    assert_eq!(campaign["target_ordering"], "in-order");
    let (_, count) = answer(app.get("/api/campaign/4/count.json")).await;
    assert_eq!(count["completed"], 2);
    assert_eq!(count["referral_codes"], json!({"imported-fb": 2}));

    // Again, with one call now failed: the same rows, changed.
    let mut again = log();
    again[3] = call("CAimport0000000000000000000000000000002", "failed");
    let (status, body) = answer(import(&app, ndjson(&again))).await;
    assert_eq!(status, 200);
    assert_eq!(
        (body["inserted"].clone(), body["updated"].clone()),
        (json!(0), json!(4))
    );
    assert_eq!(
        app.sql_count("SELECT COUNT(*) FROM callpower_calls WHERE campaign_id = 4")
            .await,
        2
    );
    let q = json!({"filters": [{"name": "call_id", "op": "like", "val": "CAimport%"}]});
    let (_, found) = answer(app.callpower("/api/calls").query(&[("q", q.to_string())])).await;
    let statuses: Vec<&str> = found["objects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["completed", "failed"]);
    assert_eq!(found["objects"][0]["timestamp"], "2024-05-01T10:00:00");

    // The import purged the cached count (after its answer).
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    let (_, count) = answer(app.get("/api/campaign/4/count.json")).await;
    assert_eq!(count["completed"], 1);
}

#[tokio::test]
async fn bad_lines_are_rejected_with_their_reasons_and_the_good_ones_written() {
    let app = spawn_callpower().await;
    let body = [
        r#"{"type": "target", "id": 9, "name": "Dan Dunn", "title": "Mayor", "uid": "M9"}"#
            .to_owned(),
        "not json".to_owned(),
        r#"{"type": "vote", "id": 1}"#.to_owned(),
        r#"{"type": "target", "id": 10, "name": "X", "password": "y"}"#.to_owned(),
        call("CAbad1", "answered").to_string(),
        json!({"type": "call", "call_id": "CAbad2", "timestamp": "2024-05-01T10:00:00",
               "campaign_id": 77, "status": "completed"})
        .to_string(),
        json!({"type": "call", "call_id": "CAok1", "timestamp": "2024-05-01T10:00:00",
               "campaign_id": 1, "target_id": 9, "status": "busy"})
        .to_string(),
        json!({"type": "call", "call_id": "CAok1", "timestamp": "2024-05-01T11:00:00",
               "campaign_id": 1, "status": "busy"})
        .to_string(),
        json!({"type": "call", "id": 3, "call_id": "CAbad3", "timestamp": "2024-05-01T10:00:00",
               "campaign_id": 1, "status": "busy"})
        .to_string(),
        json!({"type": "call", "call_id": "CA' OR 1=1 --", "timestamp": "2024-05-01T10:00:00",
               "campaign_id": 1, "status": "busy"})
        .to_string(),
        json!({"type": "campaign", "id": 5, "name": "Bad", "campaign_type": "custom",
               "campaign_subtype": "upper"})
        .to_string(),
        json!({"type": "session", "id": 50, "campaign_id": 1, "timestamp": "yesterday"})
            .to_string(),
        "".to_owned(),
        json!({"type": "call", "call_id": "CAbad4", "timestamp": "2024-05-01T10:00:00",
               "campaign_id": 1, "duration": -5, "status": "busy"})
        .to_string(),
    ]
    .join("\n");
    let (status, body) = answer(import(&app, body)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        (body["inserted"].clone(), body["rejected"].clone()),
        (json!(2), json!(11))
    );
    let lines: Vec<i64> = body["rejections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["line"].as_i64().unwrap())
        .collect();
    assert_eq!(lines, [2, 3, 4, 5, 6, 8, 9, 10, 11, 12, 14]);
    let reason = |line: i64| {
        body["rejections"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["line"] == line)
            .unwrap()["reason"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert!(reason(2).starts_with("not a record"), "{}", reason(2));
    assert!(
        reason(4).contains("unknown field `password`"),
        "{}",
        reason(4)
    );
    assert!(
        reason(5).starts_with("status must be one of completed"),
        "{}",
        reason(5)
    );
    assert_eq!(reason(6), "campaign 77 does not exist");
    assert_eq!(reason(8), "call CAok1 is on line 7 already");
    assert!(reason(9).contains("known by its call_id"), "{}", reason(9));
    assert!(reason(10).starts_with("call_id must be"), "{}", reason(10));
    assert!(
        reason(11).contains("a custom campaign has none"),
        "{}",
        reason(11)
    );
    assert!(
        reason(12).starts_with("timestamp must be"),
        "{}",
        reason(12)
    );
    assert!(reason(14).starts_with("duration must be"), "{}", reason(14));

    let (_, target) = answer(app.callpower("/api/target/9")).await;
    assert_eq!(target["name"], "Dan Dunn");
    assert_eq!(
        app.sql_count("SELECT COUNT(*) FROM callpower_calls").await,
        16
    );
    assert_eq!(
        app.sql_count("SELECT COUNT(*) FROM callpower_campaigns")
            .await,
        3
    );
}

#[tokio::test]
async fn a_call_may_name_a_session_imported_on_a_later_line() {
    let app = spawn_callpower().await;
    let mut lines = log();
    lines.reverse();
    let (status, body) = answer(import(&app, ndjson(&lines))).await;
    assert_eq!(
        (status, body["inserted"].clone(), body["rejected"].clone()),
        (200, json!(4), json!(0))
    );
}

#[tokio::test]
async fn a_large_import_is_written_in_chunks_within_one_batch() {
    let app = spawn_callpower().await;
    let lines: Vec<Value> = (0..1200)
        .map(|i| {
            json!({"type": "call", "call_id": format!("CAbulk{i:06}"),
                   "timestamp": "2024-06-01T00:00:00", "campaign_id": 3, "status": "completed"})
        })
        .collect();
    let (status, body) = answer(import(&app, ndjson(&lines))).await;
    assert_eq!((status, body["inserted"].clone()), (200, json!(1200)));
    assert_eq!(
        app.sql_count("SELECT COUNT(*) FROM callpower_calls WHERE campaign_id = 3")
            .await,
        1200
    );
}

#[tokio::test]
async fn a_body_that_is_no_import_is_refused_and_changes_nothing() {
    let app = spawn_callpower().await;
    for (request, status, message) in [
        (
            import(&app, ""),
            400,
            "An import holds NDJSON records, one per line",
        ),
        (
            import(&app, "\n  \n"),
            400,
            "An import holds NDJSON records, one per line",
        ),
        (
            import(&app, vec![0xff, 0xfe, b'{']),
            400,
            "An import is UTF-8 text",
        ),
        (
            app.request(
                Method::POST,
                &format!("/api/import?api_key={CALLPOWER_KEY}"),
            )
            .header("content-type", "application/x-www-form-urlencoded")
            .body(ndjson(&log())),
            415,
            "An import is NDJSON (application/x-ndjson), not application/x-www-form-urlencoded",
        ),
        (
            import(&app, vec![b' '; 1024 * 1024 + 1]),
            413,
            "Request body larger than 1048576 bytes",
        ),
    ] {
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), status, "{message}");
        assert_eq!(response.headers()["access-control-allow-origin"], "*");
        assert_eq!(
            response.json::<Value>().await.unwrap(),
            json!({"message": message})
        );
    }
    let (status, _) = answer(
        app.request(Method::POST, "/api/import?api_key=wrong")
            .body(ndjson(&log())),
    )
    .await;
    assert_eq!(status, 401);
    assert_eq!(
        app.sql_count("SELECT COUNT(*) FROM callpower_campaigns")
            .await,
        3
    );
}

/// A database whose batches fail (the write of an import), reads working.
struct FailingBatches(Arc<dyn Sql>);

#[async_trait]
impl Sql for FailingBatches {
    async fn all(&self, statement: Statement) -> Result<QueryResult, PlatformError> {
        self.0.all(statement).await
    }

    async fn batch(&self, statements: Vec<Statement>) -> Result<Vec<QueryResult>, PlatformError> {
        if statements
            .first()
            .is_some_and(|s| s.sql.contains("json_each"))
        {
            return Err(PlatformError::new("D1_ERROR: the batch failed"));
        }
        self.0.batch(statements).await
    }
}

#[tokio::test]
async fn when_the_write_fails_the_answer_is_500_and_nothing_is_half_written() {
    let app = spawn_callpower_with("callpower", |mut state| {
        state.sql = Arc::new(FailingBatches(state.sql.clone()));
        state
    })
    .await;
    // The dataset's own load is a batch too: it went through (no json_each
    // first), and this import's batch fails.
    let (status, body) = answer(import(&app, ndjson(&log()))).await;
    assert_eq!(
        (status, body),
        (500, json!({"message": "Internal server error"}))
    );
    assert_eq!(
        app.sql_count("SELECT COUNT(*) FROM callpower_campaigns")
            .await,
        3
    );
    assert_eq!(
        app.sql_count("SELECT COUNT(*) FROM callpower_calls").await,
        15
    );
}
