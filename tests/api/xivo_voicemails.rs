//! `GET /1.0/voicemails/` and `PUT /1.0/voicemails/<id>`, on the demo
//! voicemails 1 (John Doe's), 2 (Alice Houet's), 17 (nobody's) and 37 (Jean
//! Dupond's).

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{answer, spawn_app, spawn_app_without_database, TestApp};

const NOT_PARSABLE: &str = "No parsable data in the request";

fn ids(list: &Value) -> Vec<i64> {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["id"].as_i64().unwrap())
        .collect()
}

async fn voicemails(app: &TestApp) -> Vec<serde_json::Map<String, Value>> {
    app.sql("SELECT * FROM xivo_voicemails ORDER BY id").await
}

/// Voicemail `id` as the list shows it.
async fn voicemail(app: &TestApp, id: i64) -> Value {
    let (status, list) = answer(app.xivo(Method::GET, &format!("/1.0/voicemails/?id={id}"))).await;
    assert_eq!(status, 200);
    list["items"][0].clone()
}

#[tokio::test]
async fn the_list_is_every_voicemail_with_its_properties_at_both_paths() {
    let app = spawn_app().await;

    for path in ["/1.0/voicemails/", "/1.0/voicemails"] {
        let response = app.xivo(Method::GET, path).send().await.unwrap();
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(
            response.headers()["content-type"],
            "application/json;charset=UTF-8"
        );
        assert_eq!(app.log_of(&response)["d1_round_trips"], 1);
        let list: Value = response.json().await.unwrap();
        assert_eq!(list["total"], 4);
        assert_eq!(ids(&list), [1, 2, 17, 37]);
        assert_eq!(
            list["items"][0],
            json!({
                "id": 1,
                "email": "foo@bar.com",
                "fullname": "John Doe",
                "mailbox": "123",
                "password": "123",
                "attach": 1,
                "skipcheckpass": 0,
                "deleteaftersend": 0
            })
        );
    }
}

#[tokio::test]
async fn the_list_pages_and_filters_like_the_users_list() {
    let app = spawn_app().await;

    for (query, total, expected) in [
        ("_page=2&_pagesize=3", 4, vec![37]),
        ("_page=1&_pagesize=2", 4, vec![1, 2]),
        ("attach=1", 3, vec![1, 17, 37]),
        ("attach=1&deleteaftersend=1", 1, vec![37]),
        ("mailbox=456", 1, vec![2]),
        ("fullname=John%20Doe&_page=1&_pagesize=5", 1, vec![1]),
        ("email=%27%20OR%201%3D1%20--", 0, vec![]),
    ] {
        let (status, list) =
            answer(app.xivo(Method::GET, &format!("/1.0/voicemails/?{query}"))).await;
        assert_eq!(status, 200, "{query}");
        assert_eq!(list["total"], total, "{query}");
        assert_eq!(ids(&list), expected, "{query}");
    }
    let (status, body) = answer(app.xivo(Method::GET, "/1.0/voicemails?uniqueid=1")).await;
    assert_eq!(
        (status, body),
        (400, json!(["Incorrect parameters sent: uniqueid"]))
    );
}

#[tokio::test]
async fn an_update_changes_only_what_it_is_given_as_the_document_s_example() {
    let app = spawn_app().await;
    let before = voicemail(&app, 37).await;

    for path in ["/1.0/voicemails/37", "/1.0/voicemails/37/"] {
        let response = app
            .xivo(Method::PUT, path)
            .json(&json!({"password": "7895", "email": "xivo@avencall.com"}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(response.headers()["location"], "/1.0/voicemails/37");
        assert_eq!(app.log_of(&response)["d1_round_trips"], 1);
        assert_eq!(response.text().await.unwrap(), "");
    }
    let mut expected = before;
    expected["password"] = json!("7895");
    expected["email"] = json!("xivo@avencall.com");
    assert_eq!(voicemail(&app, 37).await, expected);
    assert_eq!(voicemail(&app, 17).await["password"], "1017");
}

#[tokio::test]
async fn every_property_can_change_and_a_voicemail_read_can_be_sent_back() {
    let app = spawn_app().await;
    let changed = json!({
        "id": 17,
        "email": "standby@example.com",
        "fullname": "Standby",
        "mailbox": "2017",
        "password": "",
        "attach": 0,
        "skipcheckpass": 1,
        "deleteaftersend": 1
    });

    let (status, _) = answer(app.xivo(Method::PUT, "/1.0/voicemails/17").json(&changed)).await;
    assert_eq!(status, 200);
    assert_eq!(voicemail(&app, 17).await, changed);

    let (status, _) = answer(
        app.xivo(Method::PUT, "/1.0/voicemails/17")
            .json(&json!({"id": "17"})),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(voicemail(&app, 17).await, changed);
}

#[tokio::test]
async fn updating_an_unknown_voicemail_is_an_empty_404() {
    let app = spawn_app().await;
    let before = voicemails(&app).await;

    for path in ["/1.0/voicemails/999", "/1.0/voicemails/0/"] {
        let response = app
            .xivo(Method::PUT, path)
            .json(&json!({"password": "7895"}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 404, "{path}");
        assert_eq!(response.text().await.unwrap(), "");
    }
    assert_eq!(voicemails(&app).await, before);
}

#[tokio::test]
async fn a_refused_update_is_a_400_and_changes_nothing() {
    let app = spawn_app().await;
    let before = voicemails(&app).await;

    for (path, body, expected) in [
        (
            "/1.0/voicemails/37",
            r#"{"password": "7895", "pin": "1234", "greeting": "busy"}"#,
            json!(["Incorrect parameters sent: pin, greeting"]),
        ),
        (
            "/1.0/voicemails/37",
            r#"{"uniqueid": 37, "attach": 2, "fullname": null, "mailbox": 1037, "skipcheckpass": true}"#,
            json!([
                "Incorrect parameters sent: uniqueid",
                "attach must be 0 or 1",
                "fullname must be a string of at most 255 characters",
                "mailbox must be a string of at most 255 characters",
                "skipcheckpass must be 0 or 1"
            ]),
        ),
        (
            "/1.0/voicemails/37",
            r#"{"id": 17, "password": "1"}"#,
            json!(["id must be the id of the URL"]),
        ),
        (
            "/1.0/voicemails/37",
            r#"{"password": "7895""#,
            json!([NOT_PARSABLE]),
        ),
        ("/1.0/voicemails/37", "", json!([NOT_PARSABLE])),
        (
            "/1.0/voicemails/37",
            r#"["password"]"#,
            json!([NOT_PARSABLE]),
        ),
        (
            "/1.0/voicemails/abc",
            r#"{"password": "1"}"#,
            json!([NOT_PARSABLE]),
        ),
        (
            "/1.0/voicemails/-37",
            r#"{"password": "1"}"#,
            json!([NOT_PARSABLE]),
        ),
        (
            "/1.0/voicemails/9007199254740993",
            r#"{"password": "1"}"#,
            json!([NOT_PARSABLE]),
        ),
    ] {
        let response = app
            .xivo(Method::PUT, path)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400, "{path} {body}");
        assert_eq!(app.log_of(&response)["d1_round_trips"], 0);
        assert!(response.headers().get("location").is_none());
        assert_eq!(
            response.json::<Value>().await.unwrap(),
            expected,
            "{path} {body}"
        );
    }
    assert_eq!(voicemails(&app).await, before);
}

#[tokio::test]
async fn sql_in_values_is_stored_as_text() {
    let app = spawn_app().await;
    let injected = "'; UPDATE xivo_voicemails SET password = 'x'; --";

    let (status, _) = answer(
        app.xivo(Method::PUT, "/1.0/voicemails/2")
            .json(&json!({"fullname": injected})),
    )
    .await;

    assert_eq!(status, 200);
    assert_eq!(voicemail(&app, 2).await["fullname"], injected);
    assert_eq!(voicemail(&app, 1).await["password"], "123");
}

#[tokio::test]
async fn the_other_methods_are_405_and_the_guard_comes_first() {
    let app = spawn_app().await;

    let (status, _) = answer(app.xivo(Method::DELETE, "/1.0/voicemails/17")).await;
    assert_eq!(status, 405);
    let (status, _) = answer(app.xivo(Method::POST, "/1.0/voicemails/").json(&json!({}))).await;
    assert_eq!(status, 405);
    let response = app
        .xivo(Method::PUT, "/1.0/voicemails/37")
        .header("content-type", "text/plain")
        .body("{\"password\": \"7895\"}")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 415);
    assert_eq!(voicemail(&app, 37).await["password"], "1037");
}

#[tokio::test]
async fn a_failing_database_is_a_500_list() {
    let app = spawn_app_without_database().await;

    let (status, body) = answer(app.xivo(Method::GET, "/1.0/voicemails/")).await;

    assert_eq!((status, body), (500, json!(["Internal server error"])));
}
