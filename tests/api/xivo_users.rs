//! `GET` and `POST /1.0/users/`, `GET`, `PUT` and `DELETE /1.0/users/<id>`,
//! on the demo users (1 John Doe: line 44500, voicemail 1; 2 Alice Houet:
//! voicemail 2, no line; 3 Grace Hopper: line 44503, no voicemail; 4 Alan
//! Turing: neither; 67 Jean Dupond: line 44567, voicemail 37) and voicemails
//! (1, 2, 17 attached to nobody, 37).

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{
    answer, answer_with_header, config_with, spawn_app, spawn_app_with, spawn_app_without_database,
    TestApp,
};

const NOT_PARSABLE: &str = "No parsable data in the request";
const LINE: &str = "line must be null or {\"number\": \"<1 to 255 characters>\"}";
const HAS_VOICEMAIL: &str =
    "Cannot remove a user with a voicemail. Delete the voicemail or dissociate it from the user.";

/// Every row of both tables, to show that a refused request changed nothing.
async fn everything(app: &TestApp) -> Value {
    json!({
        "users": app.sql("SELECT * FROM xivo_users ORDER BY id").await,
        "voicemails": app.sql("SELECT * FROM xivo_voicemails ORDER BY id").await,
    })
}

/// The ids of a list's items.
fn ids(list: &Value) -> Vec<i64> {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["id"].as_i64().unwrap())
        .collect()
}

/// The full name of voicemail `id`.
async fn fullname(app: &TestApp, id: i64) -> String {
    let rows = app
        .sql(&format!(
            "SELECT fullname FROM xivo_voicemails WHERE id = {id}"
        ))
        .await;
    rows[0]["fullname"].as_str().unwrap().to_owned()
}

/// Sends `body` with `method` to `path` as JSON: the status, the Location,
/// and the body as text.
async fn send(app: &TestApp, method: Method, path: &str, body: &str) -> (u16, String, String) {
    let request = app
        .xivo(method, path)
        .header("content-type", "application/json;charset=UTF-8")
        .body(body.to_owned());
    answer_with_header(request, "location").await
}

fn john() -> Value {
    json!({
        "id": 1,
        "firstname": "John",
        "lastname": "Doe",
        "callerid": "John Doe",
        "username": "1234",
        "password": "1234",
        "enableclient": 1,
        "musiconhold": "my_music",
        "outcallerid": "1234",
        "mobilephonenumber": "0611111111",
        "userfield": "",
        "timezone": "Europe/Paris",
        "language": "fr_FR",
        "description": "une description",
        "ctiprofileid": 1,
        "voicemailid": 1,
        "agentid": 19,
        "entityid": 1,
        "email": "john.doe@bar.com",
        "line": {"number": "44500"}
    })
}

// ---------------------------------------------------------------- GET

#[tokio::test]
async fn the_list_is_every_user_in_id_order_with_its_total_at_both_paths() {
    let app = spawn_app().await;

    for path in ["/1.0/users/", "/1.0/users"] {
        let response = app.xivo(Method::GET, path).send().await.unwrap();
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(
            response.headers()["content-type"],
            "application/json;charset=UTF-8"
        );
        assert_eq!(app.log_of(&response)["d1_round_trips"], 1);
        let list: Value = response.json().await.unwrap();
        assert_eq!(list["total"], 5);
        assert_eq!(ids(&list), [1, 2, 3, 4, 67]);
        assert_eq!(list["items"][0], john());
        assert!(
            list["items"][1].get("line").is_none(),
            "{}",
            list["items"][1]
        );
        assert_eq!(list["items"][2]["line"], json!({"number": "44503"}));
    }
}

#[tokio::test]
async fn the_list_pages_with_page_and_pagesize_counting_pages_from_one() {
    let app = spawn_app().await;

    for (query, expected) in [
        ("_page=2&_pagesize=2", vec![3, 4]),
        ("_page=1&_pagesize=1", vec![1]),
        ("_page=3&_pagesize=2", vec![67]),
        ("_page=4&_pagesize=2", vec![]),
        ("_page=1&_pagesize=0", vec![]),
        // Only one of the two, or a page below 1: the whole list.
        ("_page=2", vec![1, 2, 3, 4, 67]),
        ("_pagesize=2", vec![1, 2, 3, 4, 67]),
        ("_page=0&_pagesize=2", vec![1, 2, 3, 4, 67]),
    ] {
        let (status, list) = answer(app.xivo(Method::GET, &format!("/1.0/users/?{query}"))).await;
        assert_eq!(status, 200, "{query}");
        assert_eq!(list["total"], 5, "{query}");
        assert_eq!(ids(&list), expected, "{query}");
    }
    let (status, body) = answer(app.xivo(Method::GET, "/1.0/users/?_page=x&_pagesize=1")).await;
    assert_eq!((status, body), (400, json!([NOT_PARSABLE])));
}

#[tokio::test]
async fn the_list_takes_equality_filters_on_its_properties_and_names_unknown_ones() {
    let app = spawn_app().await;

    for (query, expected) in [
        ("lastname=Doe", vec![1]),
        ("enableclient=1", vec![1, 3, 67]),
        ("voicemailid=37", vec![67]),
        ("language=en_US&timezone=Europe%2FLondon", vec![4]),
        ("email=", vec![4]),
        ("firstname=x%27%20OR%20%271%27%3D%271", vec![]),
    ] {
        let (status, list) = answer(app.xivo(Method::GET, &format!("/1.0/users/?{query}"))).await;
        assert_eq!(status, 200, "{query}");
        assert_eq!(ids(&list), expected, "{query}");
        assert_eq!(list["total"], expected.len(), "{query}");
    }
    let (status, list) =
        answer(app.xivo(Method::GET, "/1.0/users/?entityid=1&_page=2&_pagesize=3")).await;
    assert_eq!(status, 200);
    assert_eq!((list["total"].clone(), ids(&list)), (json!(5), vec![4, 67]));

    let (status, body) = answer(app.xivo(Method::GET, "/1.0/users/?colour=red&line=44500")).await;
    assert_eq!(
        (status, body),
        (400, json!(["Incorrect parameters sent: colour, line"]))
    );
}

#[tokio::test]
async fn a_user_is_its_properties_with_its_line_at_both_paths() {
    let app = spawn_app().await;

    for path in ["/1.0/users/1", "/1.0/users/1/"] {
        let response = app.xivo(Method::GET, path).send().await.unwrap();
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(
            response.headers()["content-type"],
            "application/json;charset=UTF-8"
        );
        assert_eq!(app.log_of(&response)["d1_round_trips"], 1);
        assert_eq!(response.json::<Value>().await.unwrap(), john());
    }
}

#[tokio::test]
async fn a_user_without_a_line_has_no_line_property() {
    let app = spawn_app().await;

    let (status, alice) = answer(app.xivo(Method::GET, "/1.0/users/2")).await;

    assert_eq!(status, 200);
    assert_eq!(
        alice,
        json!({
            "id": 2, "firstname": "Alice", "lastname": "Houet", "callerid": "Alice Houet",
            "username": "", "password": "", "enableclient": 0, "musiconhold": "default",
            "outcallerid": "default", "mobilephonenumber": "", "userfield": "",
            "timezone": "Europe/Paris", "language": "fr_FR", "description": "",
            "ctiprofileid": null, "voicemailid": 2, "agentid": null, "entityid": 1,
            "email": "alice.houet@example.com"
        })
    );
}

#[tokio::test]
async fn an_unknown_user_is_an_empty_404() {
    let app = spawn_app().await;

    for path in [
        "/1.0/users/999",
        "/1.0/users/0",
        "/1.0/users/9007199254740991/",
    ] {
        let response = app.xivo(Method::GET, path).send().await.unwrap();
        assert_eq!(response.status(), 404, "{path}");
        assert_eq!(response.text().await.unwrap(), "", "{path}");
    }
}

#[tokio::test]
async fn an_id_that_is_not_an_integer_is_a_400_on_every_route() {
    let app = spawn_app().await;
    let before = everything(&app).await;

    for id in [
        "john",
        "-1",
        "%2B1",
        "1.5",
        "1e3",
        "9007199254740992",
        "99999999999999999999",
        "1%20OR%201%3D1",
        "1%3B%20DROP%20TABLE%20xivo_users",
    ] {
        for method in [Method::GET, Method::PUT, Method::DELETE] {
            let path = format!("/1.0/users/{id}");
            let mut request = app.xivo(method.clone(), &path);
            if method == Method::PUT {
                request = request.json(&json!({"firstname": "X"}));
            }
            let response = request.send().await.unwrap();
            assert_eq!(response.status(), 400, "{method} {path}");
            assert_eq!(app.log_of(&response)["d1_round_trips"], 0);
            assert_eq!(
                response.json::<Value>().await.unwrap(),
                json!([NOT_PARSABLE]),
                "{method} {path}"
            );
        }
    }
    assert_eq!(everything(&app).await, before);
}

#[tokio::test]
async fn a_failing_database_is_a_500_list() {
    let app = spawn_app_without_database().await;

    let (status, body) = answer(app.xivo(Method::GET, "/1.0/users/1")).await;

    assert_eq!((status, body), (500, json!(["Internal server error"])));
}

// ---------------------------------------------------------------- POST

#[tokio::test]
async fn a_new_user_is_201_with_its_location_and_the_defaults() {
    let app = spawn_app().await;

    let response = app
        .xivo(Method::POST, "/1.0/users/")
        .json(&json!({"firstname": "John", "lastname": "Smith"}))
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 201);
    assert_eq!(app.log_of(&response)["d1_round_trips"], 1);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(location, "/1.0/users/68");
    assert_eq!(response.text().await.unwrap(), "");
    let (status, user) = answer(app.xivo(Method::GET, &location)).await;
    assert_eq!(status, 200);
    assert_eq!(
        user,
        json!({
            "id": 68, "firstname": "John", "lastname": "Smith", "callerid": "John Smith",
            "username": "", "password": "", "enableclient": 0, "musiconhold": "default",
            "outcallerid": "default", "mobilephonenumber": "", "userfield": "",
            "timezone": "", "language": "", "description": "",
            "ctiprofileid": null, "voicemailid": null, "agentid": null, "entityid": null,
            "email": ""
        })
    );
}

#[tokio::test]
async fn a_new_user_takes_every_property_and_the_path_without_slash() {
    let app = spawn_app().await;
    let mut sent = json!({
        "firstname": "Ada",
        "lastname": "Lovelace",
        "callerid": "\"Ada\" <2124>",
        "username": "ada",
        "password": "secret",
        "enableclient": 1,
        "musiconhold": "jazz",
        "outcallerid": "anonymous",
        "mobilephonenumber": "0633333333",
        "userfield": "x",
        "timezone": "Europe/London",
        "language": "en_GB",
        "description": "Ünïcödé, \"quotes\" and '; DROP TABLE xivo_users; --",
        "ctiprofileid": 2,
        "voicemailid": 17,
        "agentid": 20,
        "entityid": 3,
        "email": "ada@example.com",
        "line": {"number": "44600"}
    });

    let (status, location, body) = send(&app, Method::POST, "/1.0/users", &sent.to_string()).await;

    assert_eq!((status, body.as_str()), (201, ""));
    let (_, user) = answer(app.xivo(Method::GET, &location)).await;
    sent["id"] = user["id"].clone();
    assert_eq!(user, sent);
    // Creating a user does not rename the voicemail it is given.
    assert_eq!(fullname(&app, 17).await, "Standby mailbox");
}

#[tokio::test]
async fn a_new_user_ignores_a_given_id_and_ids_are_never_reused() {
    let app = spawn_app().await;

    let (_, first, _) = send(
        &app,
        Method::POST,
        "/1.0/users/",
        r#"{"id": 1, "firstname": "A"}"#,
    )
    .await;
    assert_eq!(first, "/1.0/users/68");
    let (status, ..) = send(&app, Method::DELETE, &first, "").await;
    assert_eq!(status, 200);
    let (_, second, _) = send(&app, Method::POST, "/1.0/users/", r#"{"firstname": "B"}"#).await;

    assert_eq!(second, "/1.0/users/69");
    let (_, john) = answer(app.xivo(Method::GET, "/1.0/users/1")).await;
    assert_eq!(john["firstname"], "John");
}

#[tokio::test]
async fn a_new_user_that_is_not_json_is_400_and_nothing_is_created() {
    let app = spawn_app().await;
    let before = everything(&app).await;

    for body in [
        "{\"firstname\": \"John\",",
        "",
        "[]",
        "null",
        "\"John\"",
        "{\"firstname\": \"John\", \"firstname\": \"Jack\"}",
        "{\"firstname\": \"John\"} trailing",
    ] {
        let response = app
            .xivo(Method::POST, "/1.0/users/")
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400, "{body:?}");
        assert_eq!(app.log_of(&response)["d1_round_trips"], 0);
        assert_eq!(
            response.json::<Value>().await.unwrap(),
            json!([NOT_PARSABLE]),
            "{body:?}"
        );
    }
    assert_eq!(everything(&app).await, before);
}

#[tokio::test]
async fn incorrect_and_missing_properties_are_named_and_nothing_is_created() {
    let app = spawn_app().await;
    let before = everything(&app).await;

    let long = "x".repeat(256);
    for (body, expected) in [
        (
            r#"{"firstname": "John", "lastname": "Doe", "phone": "1234", "nickname": "JD"}"#
                .to_owned(),
            json!(["Incorrect parameters sent: phone, nickname"]),
        ),
        (
            "{}".to_owned(),
            json!(["Missing parameters sent: firstname"]),
        ),
        (
            r#"{"lastname": "Doe", "Firstname": "John"}"#.to_owned(),
            json!([
                "Incorrect parameters sent: Firstname",
                "Missing parameters sent: firstname"
            ]),
        ),
        (
            format!(
                r#"{{"firstname": "   ", "lastname": 12, "enableclient": 2, "voicemailid": "17",
                    "ctiprofileid": 0, "agentid": -1, "entityid": 9007199254740992,
                    "musiconhold": null, "description": "{long}", "email": ["a@b.c"],
                    "line": "44500", "userfield": {{"a": 1}}, "timezone": false}}"#
            ),
            json!([
                "firstname must be a non-blank string of at most 255 characters",
                "lastname must be a string of at most 255 characters",
                "enableclient must be 0 or 1",
                "voicemailid must be null or an integer from 1 to 9007199254740991",
                "ctiprofileid must be null or an integer from 1 to 9007199254740991",
                "agentid must be null or an integer from 1 to 9007199254740991",
                "entityid must be null or an integer from 1 to 9007199254740991",
                "musiconhold must be a string of at most 255 characters",
                "description must be a string of at most 255 characters",
                "email must be a string of at most 255 characters",
                LINE,
                "userfield must be a string of at most 255 characters",
                "timezone must be a string of at most 255 characters",
            ]),
        ),
        (
            r#"{"nickname": 1, "firstname": "J", "enableclient": true, "line": {"number": "1", "type": "sip"}, "phone": 2}"#
                .to_owned(),
            json!([
                "Incorrect parameters sent: nickname, phone",
                "enableclient must be 0 or 1",
                LINE
            ]),
        ),
        (
            r#"{"firstname": "J", "enableclient": 1.0, "line": {"number": ""}}"#.to_owned(),
            json!(["enableclient must be 0 or 1", LINE]),
        ),
        (
            r#"{"line": {"number": 44500}, "mobilephonenumber": 611111111, "x": 0}"#.to_owned(),
            json!([
                "Incorrect parameters sent: x",
                LINE,
                "mobilephonenumber must be a string of at most 255 characters",
                "Missing parameters sent: firstname"
            ]),
        ),
    ] {
        let response = app
            .xivo(Method::POST, "/1.0/users/")
            .header("content-type", "application/json")
            .body(body.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400, "{body}");
        assert_eq!(app.log_of(&response)["d1_round_trips"], 0);
        assert_eq!(response.json::<Value>().await.unwrap(), expected, "{body}");
    }
    assert_eq!(everything(&app).await, before);

    // 255 characters (not bytes) are taken.
    let name = "é".repeat(255);
    let (status, location, _) = send(
        &app,
        Method::POST,
        "/1.0/users/",
        &json!({"firstname": name}).to_string(),
    )
    .await;
    assert_eq!(status, 201);
    let (_, user) = answer(app.xivo(Method::GET, &location)).await;
    assert_eq!(user["firstname"], name.as_str());
}

#[tokio::test]
async fn a_new_user_s_voicemail_must_exist_and_be_nobody_else_s() {
    let app = spawn_app().await;
    let before = everything(&app).await;

    for (voicemail, message) in [
        (99, "No such voicemail"),
        (1, "Voicemail already associated with another user"),
    ] {
        let response = app
            .xivo(Method::POST, "/1.0/users/")
            .json(&json!({"firstname": "John", "voicemailid": voicemail}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400, "{voicemail}");
        assert_eq!(app.log_of(&response)["d1_round_trips"], 1);
        assert_eq!(response.json::<Value>().await.unwrap(), json!([message]));
    }
    assert_eq!(everything(&app).await, before);

    let (status, location, _) = send(
        &app,
        Method::POST,
        "/1.0/users/",
        r#"{"firstname": "John", "voicemailid": 17}"#,
    )
    .await;
    assert_eq!((status, location.as_str()), (201, "/1.0/users/68"));
}

// ---------------------------------------------------------------- PUT

#[tokio::test]
async fn an_update_changes_only_what_it_is_given_as_the_document_s_example() {
    let app = spawn_app().await;
    let (_, before) = answer(app.xivo(Method::GET, "/1.0/users/67")).await;

    let response = app
        .xivo(Method::PUT, "/1.0/users/67")
        .json(&json!({"email": "John@amaryt.com", "voicemailid": 17}))
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["location"], "/1.0/users/67");
    assert_eq!(app.log_of(&response)["d1_round_trips"], 1);
    assert_eq!(response.text().await.unwrap(), "");
    let (_, after) = answer(app.xivo(Method::GET, "/1.0/users/67")).await;
    let mut expected = before;
    expected["email"] = json!("John@amaryt.com");
    expected["voicemailid"] = json!(17);
    assert_eq!(after, expected);
    // No name given: no voicemail renamed.
    assert_eq!(fullname(&app, 17).await, "Standby mailbox");
    assert_eq!(fullname(&app, 37).await, "Jean Dupond");
}

#[tokio::test]
async fn an_update_at_the_path_with_a_slash_and_an_id_in_the_body() {
    let app = spawn_app().await;

    for body in [
        json!({"id": 3, "description": "a"}),
        json!({"id": "3", "description": "b"}),
        json!({}),
    ] {
        let response = app
            .xivo(Method::PUT, "/1.0/users/3/")
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{body}");
        assert_eq!(response.headers()["location"], "/1.0/users/3");
    }
    let (_, grace) = answer(app.xivo(Method::GET, "/1.0/users/3")).await;
    assert_eq!(grace["description"], "b");
}

#[tokio::test]
async fn a_user_read_can_be_sent_back_as_is() {
    let app = spawn_app().await;
    let (_, mut john) = answer(app.xivo(Method::GET, "/1.0/users/1")).await;
    john["mobilephonenumber"] = json!("0699999999");

    let (status, ..) = send(&app, Method::PUT, "/1.0/users/1", &john.to_string()).await;

    assert_eq!(status, 200);
    let (_, after) = answer(app.xivo(Method::GET, "/1.0/users/1")).await;
    assert_eq!(after, john);
}

#[tokio::test]
async fn a_new_name_renames_the_user_s_voicemail_in_the_same_write() {
    let app = spawn_app().await;

    let response = app
        .xivo(Method::PUT, "/1.0/users/67")
        .json(&json!({"firstname": "Jacques"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(app.log_of(&response)["d1_round_trips"], 1);
    assert_eq!(fullname(&app, 37).await, "Jacques Dupond");

    let (status, ..) = send(
        &app,
        Method::PUT,
        "/1.0/users/67",
        r#"{"lastname": "Martin"}"#,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(fullname(&app, 37).await, "Jacques Martin");

    // A name given unchanged renames too (the voicemail had another name).
    app.sql("UPDATE xivo_voicemails SET fullname = 'Mailbox' WHERE id = 37")
        .await;
    let (status, ..) = send(
        &app,
        Method::PUT,
        "/1.0/users/67",
        r#"{"lastname": "Martin"}"#,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(fullname(&app, 37).await, "Jacques Martin");

    // An empty last name leaves no space behind.
    let (status, ..) = send(&app, Method::PUT, "/1.0/users/67", r#"{"lastname": ""}"#).await;
    assert_eq!(status, 200);
    assert_eq!(fullname(&app, 37).await, "Jacques");

    // Long names are cut at 255 characters, as a property may have.
    let (a, b) = ("a".repeat(200), "b".repeat(200));
    let (status, ..) = send(
        &app,
        Method::PUT,
        "/1.0/users/67",
        &json!({"firstname": a, "lastname": b}).to_string(),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(fullname(&app, 37).await, format!("{a} {}", &b[..54]));

    // The other voicemails keep their names; the callerid is not renamed.
    assert_eq!(fullname(&app, 1).await, "John Doe");
    assert_eq!(fullname(&app, 17).await, "Standby mailbox");
    let (_, jean) = answer(app.xivo(Method::GET, "/1.0/users/67")).await;
    assert_eq!(jean["callerid"], "Jean Dupond");
}

#[tokio::test]
async fn a_new_name_with_a_new_voicemail_renames_the_new_one_only() {
    let app = spawn_app().await;

    let (status, ..) = send(
        &app,
        Method::PUT,
        "/1.0/users/67",
        r#"{"voicemailid": 17, "firstname": "Jacques", "lastname": "Brel"}"#,
    )
    .await;

    assert_eq!(status, 200);
    assert_eq!(fullname(&app, 17).await, "Jacques Brel");
    assert_eq!(fullname(&app, 37).await, "Jean Dupond");
}

#[tokio::test]
async fn renaming_a_user_without_voicemail_renames_nothing() {
    let app = spawn_app().await;
    let voicemails = app.sql("SELECT * FROM xivo_voicemails ORDER BY id").await;

    let (status, ..) = send(
        &app,
        Method::PUT,
        "/1.0/users/3",
        r#"{"firstname": "Amazing"}"#,
    )
    .await;

    assert_eq!(status, 200);
    assert_eq!(
        app.sql("SELECT * FROM xivo_voicemails ORDER BY id").await,
        voicemails
    );
}

#[tokio::test]
async fn a_line_is_set_changed_and_removed_with_the_user() {
    let app = spawn_app().await;

    let (status, ..) = send(
        &app,
        Method::PUT,
        "/1.0/users/4",
        r#"{"line": {"number": "44504"}}"#,
    )
    .await;
    assert_eq!(status, 200);
    let (_, alan) = answer(app.xivo(Method::GET, "/1.0/users/4")).await;
    assert_eq!(alan["line"], json!({"number": "44504"}));

    let (status, ..) = send(&app, Method::PUT, "/1.0/users/4", r#"{"line": null}"#).await;
    assert_eq!(status, 200);
    let (_, alan) = answer(app.xivo(Method::GET, "/1.0/users/4")).await;
    assert!(alan.get("line").is_none(), "{alan}");
}

#[tokio::test]
async fn updating_an_unknown_user_is_an_empty_404_and_changes_nothing() {
    let app = spawn_app().await;
    let before = everything(&app).await;

    for body in [
        json!({"email": "John@amaryt.com"}),
        json!({"firstname": "Jacques", "voicemailid": 17}),
        json!({"voicemailid": 99}),
    ] {
        let response = app
            .xivo(Method::PUT, "/1.0/users/999")
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 404, "{body}");
        assert_eq!(response.text().await.unwrap(), "");
    }
    assert_eq!(everything(&app).await, before);
}

#[tokio::test]
async fn a_refused_update_is_a_400_and_changes_nothing() {
    let app = spawn_app().await;
    let before = everything(&app).await;

    for (body, expected) in [
        (
            r#"{"email": "John@amaryt.com", "nickname": "JD", "phone": "1234"}"#,
            json!(["Incorrect parameters sent: nickname, phone"]),
        ),
        (
            r#"{"firstname": "Jacques", "lastname": null, "enableclient": "1"}"#,
            json!([
                "lastname must be a string of at most 255 characters",
                "enableclient must be 0 or 1"
            ]),
        ),
        (
            r#"{"id": 68, "firstname": "Jacques"}"#,
            json!(["id must be the id of the URL"]),
        ),
        (
            r#"{"id": null, "firstname": ""}"#,
            json!([
                "id must be the id of the URL",
                "firstname must be a non-blank string of at most 255 characters"
            ]),
        ),
        (r#"{"firstname": "Jacques""#, json!([NOT_PARSABLE])),
        (r#"[{"firstname": "Jacques"}]"#, json!([NOT_PARSABLE])),
        (
            r#"{"firstname": "Jacques", "voicemailid": 99}"#,
            json!(["No such voicemail"]),
        ),
        (
            r#"{"firstname": "Jacques", "voicemailid": 1}"#,
            json!(["Voicemail already associated with another user"]),
        ),
    ] {
        let (status, location, text) = send(&app, Method::PUT, "/1.0/users/67", body).await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(location, "", "{body}");
        assert_eq!(
            serde_json::from_str::<Value>(&text).unwrap(),
            expected,
            "{body}"
        );
    }
    assert_eq!(everything(&app).await, before);
}

#[tokio::test]
async fn a_user_keeps_its_own_voicemail_and_null_dissociates_it() {
    let app = spawn_app().await;

    let (status, ..) = send(&app, Method::PUT, "/1.0/users/1", r#"{"voicemailid": 1}"#).await;
    assert_eq!(status, 200);

    let (status, ..) = send(
        &app,
        Method::PUT,
        "/1.0/users/1",
        r#"{"voicemailid": null}"#,
    )
    .await;
    assert_eq!(status, 200);
    let (_, john) = answer(app.xivo(Method::GET, "/1.0/users/1")).await;
    assert_eq!(john["voicemailid"], Value::Null);
    // Voicemail 1 is free now: another user may have it.
    let (status, ..) = send(&app, Method::PUT, "/1.0/users/4", r#"{"voicemailid": 1}"#).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn sql_in_values_is_stored_as_text() {
    let app = spawn_app().await;
    let injected = "x', lastname = 'pwned' WHERE 1 = 1; DELETE FROM xivo_users; --";

    let (status, ..) = send(
        &app,
        Method::PUT,
        "/1.0/users/4",
        &json!({"firstname": injected}).to_string(),
    )
    .await;

    assert_eq!(status, 200);
    let (_, list) = answer(app.xivo(Method::GET, "/1.0/users/")).await;
    assert_eq!(list["total"], 5);
    assert_eq!(list["items"][3]["firstname"], injected);
    assert_eq!(list["items"][3]["lastname"], "Turing");
    assert_eq!(list["items"][0]["lastname"], "Doe");
}

// ---------------------------------------------------------------- DELETE

#[tokio::test]
async fn deleting_a_user_without_voicemail_is_200_then_it_is_gone() {
    let app = spawn_app().await;

    for path in ["/1.0/users/4", "/1.0/users/3/"] {
        let response = app.xivo(Method::DELETE, path).send().await.unwrap();
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(app.log_of(&response)["d1_round_trips"], 1);
        assert_eq!(response.text().await.unwrap(), "");
        let (status, _) = answer(app.xivo(Method::GET, path)).await;
        assert_eq!(status, 404, "{path}");
    }
    let (_, list) = answer(app.xivo(Method::GET, "/1.0/users/")).await;
    assert_eq!(ids(&list), [1, 2, 67]);
}

#[tokio::test]
async fn deleting_an_unknown_user_is_an_empty_404() {
    let app = spawn_app().await;

    for path in ["/1.0/users/999", "/1.0/users/999?deleteVoicemail"] {
        let response = app.xivo(Method::DELETE, path).send().await.unwrap();
        assert_eq!(response.status(), 404, "{path}");
        assert_eq!(response.text().await.unwrap(), "");
    }
}

#[tokio::test]
async fn deleting_a_user_with_a_voicemail_is_412_and_changes_nothing() {
    let app = spawn_app().await;
    let before = everything(&app).await;

    for path in [
        "/1.0/users/1",
        "/1.0/users/1/",
        "/1.0/users/1?deletevoicemail",
    ] {
        let response = app.xivo(Method::DELETE, path).send().await.unwrap();
        assert_eq!(response.status(), 412, "{path}");
        assert_eq!(app.log_of(&response)["d1_round_trips"], 1);
        assert_eq!(
            response.json::<Value>().await.unwrap(),
            json!([HAS_VOICEMAIL])
        );
    }
    assert_eq!(everything(&app).await, before);
}

#[tokio::test]
async fn delete_voicemail_deletes_the_user_and_its_voicemail_whatever_its_value() {
    let app = spawn_app().await;

    for (path, user, voicemail) in [
        ("/1.0/users/1?deleteVoicemail", 1, 1),
        ("/1.0/users/2/?deleteVoicemail=", 2, 2),
        ("/1.0/users/67?deleteVoicemail=false", 67, 37),
    ] {
        let response = app.xivo(Method::DELETE, path).send().await.unwrap();
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(app.log_of(&response)["d1_round_trips"], 1);
        assert_eq!(
            app.sql_count(&format!(
                "SELECT COUNT(*) FROM xivo_users WHERE id = {user}"
            ))
            .await,
            0
        );
        assert_eq!(
            app.sql_count(&format!(
                "SELECT COUNT(*) FROM xivo_voicemails WHERE id = {voicemail}"
            ))
            .await,
            0
        );
    }
    // A user without voicemail goes as well; the other voicemail stays.
    let (status, _) = answer(app.xivo(Method::DELETE, "/1.0/users/4?deleteVoicemail")).await;
    assert_eq!(status, 200);
    let (_, list) = answer(app.xivo(Method::GET, "/1.0/voicemails/")).await;
    assert_eq!(ids(&list), [17]);
}

#[tokio::test]
async fn a_dissociated_voicemail_stays_when_its_user_goes() {
    let app = spawn_app().await;

    let (status, ..) = send(
        &app,
        Method::PUT,
        "/1.0/users/2",
        r#"{"voicemailid": null}"#,
    )
    .await;
    assert_eq!(status, 200);
    let (status, _) = answer(app.xivo(Method::DELETE, "/1.0/users/2")).await;
    assert_eq!(status, 200);

    assert_eq!(fullname(&app, 2).await, "Alice Houet");
}

// ---------------------------------------------------------------- guard and state

#[tokio::test]
async fn other_methods_are_405() {
    let app = spawn_app().await;

    for (method, path) in [
        (Method::POST, "/1.0/users/1"),
        (Method::DELETE, "/1.0/users/"),
        (Method::PUT, "/1.0/users"),
        (Method::PATCH, "/1.0/users/1/"),
    ] {
        let (status, _) = answer(app.xivo(method.clone(), path).json(&json!({}))).await;
        assert_eq!(status, 405, "{method} {path}");
    }
}

#[tokio::test]
async fn writes_pass_the_negotiation_guard_first() {
    let app = spawn_app().await;
    let before = everything(&app).await;

    let response = app
        .xivo(Method::POST, "/1.0/users/")
        .header("content-type", "application/x-www-form-urlencoded")
        .body("firstname=John")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 415);
    let response = app
        .xivo(Method::PUT, "/1.0/users/1")
        .header("accept", "text/html")
        .json(&json!({"firstname": "X"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 406);
    let response = app
        .request(Method::DELETE, "/1.0/users/4")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);

    assert_eq!(everything(&app).await, before);
}

#[tokio::test]
async fn a_provider_state_replaces_the_users_and_voicemails() {
    const TOKEN: &str = "xivo-users-test-state-token-of-32-bytes";
    let app = spawn_app_with(config_with(&[("CONFORMANCE_STATE_TOKEN", TOKEN)]), |s| s).await;
    let dataset: Value =
        serde_json::from_str(include_str!("../../fixtures/datasets/xivo-users.json")).unwrap();

    let response = app
        .request(Method::POST, "/__conformance/state")
        .bearer_auth(TOKEN)
        .json(&json!({"state": "xivo-users", "dataset": dataset}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204, "{}", response.text().await.unwrap());

    let (_, users) = answer(app.xivo(Method::GET, "/1.0/users/")).await;
    assert_eq!(users["items"], dataset["records"]["users"]);
    let (_, voicemails) = answer(app.xivo(Method::GET, "/1.0/voicemails/")).await;
    assert_eq!(voicemails["items"], dataset["records"]["voicemails"]);
}
