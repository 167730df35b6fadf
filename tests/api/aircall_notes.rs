//! Aircall notes: `POST /calls/:id/note`, and how many of a call's notes
//! its answers embed.

use futures_util::future::join_all;
use reqwest::Method;
use serde_json::{json, Value};
use switchboard::aircall::{MAX_NOTES, MAX_NOTES_BYTES};

use crate::helpers::{answer, spawn_app, TestApp};

const UNKNOWN: &str = "3c3f3b44-1b7b-4c1e-9d7b-3a3c1f0e0d00";

async fn notes(app: &TestApp) -> i64 {
    app.sql_count("SELECT COUNT(*) FROM aircall_notes").await
}

#[tokio::test]
async fn a_note_is_added_first_and_the_call_returned() {
    let app = spawn_app().await;
    let id = app.call_ids().await[5].clone();
    let path = format!("/calls/{id}/note");

    let first = app
        .aircall(Method::POST, &path)
        .await
        .json(&json!({"content": "first"}))
        .send()
        .await
        .unwrap();
    assert_eq!(first.status(), 201);
    let line = app.log_of(&first);
    let second = app
        .aircall(Method::POST, &path)
        .await
        .json(&json!({"content": "second"}))
        .send()
        .await
        .unwrap();

    let call: Value = second.json().await.unwrap();
    assert_eq!(call["id"], id.as_str());
    let contents: Vec<&str> = call["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["content"].as_str().unwrap())
        .collect();
    assert_eq!(contents[..2], ["second", "first"]);
    let note = &call["notes"][0];
    assert_eq!(
        note.as_object().unwrap().len(),
        2,
        "a note is {{id, content}}"
    );
    assert!(uuid::Uuid::parse_str(note["id"].as_str().unwrap()).is_ok());
    assert_eq!(line["d1_round_trips"], 1);
    assert_eq!(line["d1_rows_written"], 1);
}

#[tokio::test]
async fn a_note_is_kept_as_given() {
    let app = spawn_app().await;
    let id = app.call_ids().await[0].clone();
    let content = "Rappeler M. O'Brien — \"urgent\" 📞 <b>\n";

    let call: Value = app
        .aircall(Method::POST, &format!("/calls/{id}/note"))
        .await
        .json(&json!({ "content": content }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();

    assert_eq!(call["notes"][0]["content"], content);
}

#[tokio::test]
async fn parallel_notes_on_one_call_are_all_kept() {
    let app = spawn_app().await;
    let id = app.call_ids().await[1].clone();
    let before = app
        .sql_count(&format!(
            "SELECT COUNT(*) FROM aircall_notes WHERE call_id = '{id}'"
        ))
        .await;
    let (access, _) = app.login().await;
    let path = format!("/calls/{id}/note");
    const N: i64 = 20;

    let requests = (0..N).map(|i| {
        app.request(Method::POST, &path)
            .bearer_auth(&access)
            .json(&json!({ "content": format!("note {i}") }))
            .send()
    });
    let responses = futures_util::future::join_all(requests).await;

    assert!(responses
        .iter()
        .all(|r| r.as_ref().unwrap().status() == 201));
    let after = app
        .sql_count(&format!(
            "SELECT COUNT(*) FROM aircall_notes WHERE call_id = '{id}'"
        ))
        .await;
    assert_eq!(after - before, N);
    let call: Value = app
        .aircall(Method::GET, &format!("/calls/{id}"))
        .await
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(call["notes"].as_array().unwrap().len() as i64, before + N);
}

#[tokio::test]
async fn a_bad_note_body_is_a_400_with_the_documented_messages_and_writes_nothing() {
    let app = spawn_app().await;
    let id = app.call_ids().await[0].clone();
    let path = format!("/calls/{id}/note");
    let before = notes(&app).await;

    for (body, messages) in [
        (
            json!({}),
            json!(["content must be a string", "content should not be empty"]),
        ),
        (
            json!({"content": null}),
            json!(["content must be a string", "content should not be empty"]),
        ),
        (json!({"content": 42}), json!(["content must be a string"])),
        (
            json!({"content": ["a"]}),
            json!(["content must be a string"]),
        ),
        (
            json!({"content": ""}),
            json!(["content should not be empty"]),
        ),
        (
            json!({"content": "x".repeat(1001)}),
            json!(["content must be shorter than or equal to 1000 characters"]),
        ),
    ] {
        let response = app
            .aircall(Method::POST, &path)
            .await
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400, "{body}");
        assert_eq!(app.log_of(&response)["d1_round_trips"], 0);
        let answer: Value = response.json().await.unwrap();
        assert_eq!(
            answer,
            json!({"statusCode": 400, "message": messages, "error": "Bad Request"}),
            "{body}"
        );
    }
    assert_eq!(notes(&app).await, before);
}

#[tokio::test]
async fn a_note_of_exactly_the_limit_is_accepted() {
    let app = spawn_app().await;
    let id = app.call_ids().await[0].clone();

    let response = app.add_note(&id, "é".repeat(1000)).await;

    assert_eq!(response.status(), 201);
}

#[tokio::test]
async fn a_missing_broken_or_mistyped_body_is_refused_in_the_nestjs_shape() {
    let app = spawn_app().await;
    let id = app.call_ids().await[0].clone();
    let path = format!("/calls/{id}/note");
    let before = notes(&app).await;

    let missing = app.aircall(Method::POST, &path).await.send().await.unwrap();
    let broken = app
        .aircall(Method::POST, &path)
        .await
        .header("content-type", "application/json")
        .body("{\"content\": \"unterminated")
        .send()
        .await
        .unwrap();
    let not_object = app
        .aircall(Method::POST, &path)
        .await
        .header("content-type", "application/json")
        .body("\"just a string\"")
        .send()
        .await
        .unwrap();
    let text = app
        .aircall(Method::POST, &path)
        .await
        .header("content-type", "text/plain")
        .body("content=hello")
        .send()
        .await
        .unwrap();

    assert_eq!(missing.status(), 400);
    let body: Value = missing.json().await.unwrap();
    assert_eq!(
        body["message"],
        json!(["content must be a string", "content should not be empty"])
    );
    for response in [broken, not_object] {
        assert_eq!(response.status(), 400);
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"], "Bad Request");
        assert!(body["message"].is_string());
    }
    assert_eq!(text.status(), 415);
    let body: Value = text.json().await.unwrap();
    assert_eq!(
        body,
        json!({
            "statusCode": 415,
            "message": "Content-Type must be application/json or application/x-www-form-urlencoded",
            "error": "Unsupported Media Type"
        })
    );
    assert_eq!(notes(&app).await, before);
}

#[tokio::test]
async fn a_note_on_an_unknown_or_malformed_call_is_a_404_and_writes_nothing() {
    let app = spawn_app().await;
    let before = notes(&app).await;

    for id in [UNKNOWN, "nope"] {
        let response = app.add_note(id, "hello").await;
        assert_eq!(response.status(), 404);
        assert_eq!(app.log_of(&response)["d1_rows_written"], 0);
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["message"], "The call does not exist!");
    }
    assert_eq!(notes(&app).await, before);
}

#[tokio::test]
async fn a_note_without_a_token_is_a_401_before_anything_else() {
    let app = spawn_app().await;

    let (status, body) = answer(
        app.request(Method::POST, &format!("/calls/{UNKNOWN}/note"))
            .header("content-type", "text/plain")
            .body("x"),
    )
    .await;

    assert_eq!(status, 401);
    assert_eq!(body, json!({"statusCode": 401, "message": "Unauthorized"}));
}

async fn notes_of(app: &TestApp, id: &str) -> i64 {
    app.sql_count(&format!(
        "SELECT COUNT(*) FROM aircall_notes WHERE call_id = '{id}'"
    ))
    .await
}

/// A call of the demo data without notes.
async fn call_without_notes(app: &TestApp) -> String {
    app.sql(
        "SELECT id FROM aircall_calls WHERE id NOT IN (SELECT call_id FROM aircall_notes) LIMIT 1",
    )
    .await[0]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn parallel_notes_never_take_a_call_past_its_most_notes() {
    let app = spawn_app().await;
    let id = call_without_notes(&app).await;
    app.prefill_notes(&id, MAX_NOTES - 5, "old").await;

    let responses = join_all((0..20).map(|i| app.add_note(&id, format!("note {i}")))).await;

    let statuses: Vec<u16> = responses.iter().map(|r| r.status().as_u16()).collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        5,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 409).count(),
        15,
        "{statuses:?}"
    );
    assert_eq!(notes_of(&app, &id).await, MAX_NOTES);
    let refused = responses.into_iter().find(|r| r.status() == 409).unwrap();
    let body: Value = refused.json().await.unwrap();
    assert_eq!(
        body,
        json!({
            "statusCode": 409,
            "message": format!(
                "The call already holds its most notes ({MAX_NOTES} notes, {MAX_NOTES_BYTES} bytes in all)"
            ),
            "error": "Conflict"
        })
    );
}

#[tokio::test]
async fn a_note_that_would_take_a_call_past_its_most_bytes_is_refused() {
    let app = spawn_app().await;
    let id = call_without_notes(&app).await;
    // 16 notes of 4,000 bytes (1,000 four-byte characters): 64,000 bytes.
    let wide = "𝄞".repeat(1000);
    app.prefill_notes(&id, 16, &wide).await;
    let room = usize::try_from(MAX_NOTES_BYTES - 16 * 4000).unwrap();
    assert_eq!(room % 4, 0);

    // Counted in bytes, not characters: one four-byte character too many.
    let too_much = app.add_note(&id, "𝄞".repeat(room / 4 + 1)).await;
    let just_fits = app.add_note(&id, "𝄞".repeat(room / 4)).await;

    assert_eq!(too_much.status(), 409);
    assert_eq!(just_fits.status(), 201);
    assert_eq!(notes_of(&app, &id).await, 17);
}

#[tokio::test]
async fn control_characters_in_a_note_are_a_400_and_write_nothing() {
    let app = spawn_app().await;
    let id = app.call_ids().await[0].clone();
    let before = notes(&app).await;

    for content in [
        "nul\u{0}",
        "\u{1b}[2Jcleared",
        "bell\u{7}",
        "del\u{7f}",
        "c1\u{9b}",
    ] {
        let response = app.add_note(&id, content).await;
        assert_eq!(response.status(), 400, "{content:?}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(
            body,
            json!({
                "statusCode": 400,
                "message": ["content must not contain control characters"],
                "error": "Bad Request"
            })
        );
    }
    assert_eq!(notes(&app).await, before);
    // Line breaks and tabs are text.
    assert_eq!(
        app.add_note(&id, "two\nlines\twith a tab\r\n")
            .await
            .status(),
        201
    );
}

#[tokio::test]
async fn a_list_embeds_a_calls_newest_notes_and_says_how_many_it_leaves_out() {
    let app = spawn_app().await;
    let id = app.call_ids().await[0].clone();
    let had = notes_of(&app, &id).await;
    app.prefill_notes(&id, 12, "older").await;
    assert_eq!(app.add_note(&id, "newest").await.status(), 201);
    let total = had + 13;

    let (status, page) = answer(app.aircall(Method::GET, "/calls?limit=1").await).await;
    let (_, call) = answer(app.aircall(Method::GET, &format!("/calls/{id}")).await).await;

    assert_eq!(status, 200);
    let listed = &page["nodes"][0];
    assert_eq!(listed["id"], id.as_str());
    assert_eq!(listed["notes"].as_array().unwrap().len(), 5);
    assert_eq!(listed["notes"][0]["content"], "newest");
    assert_eq!(listed["notes_omitted"], total - 5);
    // The call itself shows every note, and no count.
    assert_eq!(call["notes"].as_array().unwrap().len() as i64, total);
    assert!(call.get("notes_omitted").is_none());
    // A call with few notes is listed as it always was.
    let (_, page) = answer(app.aircall(Method::GET, "/calls?offset=1&limit=1").await).await;
    assert!(page["nodes"][0].get("notes_omitted").is_none());
}

#[tokio::test]
async fn a_listed_call_stays_under_ten_kilobytes_whatever_its_notes_hold() {
    let app = spawn_app().await;
    let id = app.call_ids().await[0].clone();
    let had = notes_of(&app, &id).await;
    let wide = "𝄞".repeat(1000);
    app.prefill_notes(&id, 10, &wide).await;

    let (_, page) = answer(app.aircall(Method::GET, "/calls?limit=1").await).await;

    let listed = &page["nodes"][0];
    let weight = serde_json::to_vec(listed).unwrap().len();
    assert!(weight <= 10_000, "{weight} bytes");
    // Two notes of 4,000 bytes fit, a third would not.
    assert_eq!(listed["notes"].as_array().unwrap().len(), 2);
    assert_eq!(listed["notes_omitted"], had + 10 - 2);
}
