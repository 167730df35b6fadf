//! Call Power's collections (`/api/calls`, `/api/call`, `/api/campaign`,
//! `/api/target`, `/api/audiorecording`, `/api/schedule`, each with `/<id>`):
//! pages, `Link`, every search operator, the errors, the key and the
//! cross-origin headers, on the conformance dataset `callpower`.

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{answer, spawn_callpower, CALLPOWER_KEY};

fn ids(body: &Value) -> Vec<i64> {
    body["objects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_i64().unwrap())
        .collect()
}

fn filter(name: &str, op: &str, val: Value) -> Value {
    json!({"filters": [{"name": name, "op": op, "val": val}]})
}

#[tokio::test]
async fn every_collection_pages_its_rows_in_id_order_with_their_fields() {
    let app = spawn_callpower().await;
    for (path, total, first_page) in [
        ("/api/calls", 15, (1..=10).collect::<Vec<i64>>()),
        ("/api/call", 15, (1..=10).collect()),
        ("/api/campaign", 3, vec![1, 2, 3]),
        ("/api/target", 3, vec![1, 2, 3]),
        ("/api/audiorecording", 4, vec![1, 2, 3, 4]),
        ("/api/schedule", 0, vec![]),
    ] {
        let (status, body) = answer(app.callpower(path)).await;
        assert_eq!(status, 200, "{path}: {body}");
        assert_eq!(body["num_results"], total, "{path}");
        assert_eq!(ids(&body), first_page, "{path}");
        assert_eq!(body["page"], 1);
        assert_eq!(body["total_pages"], (total + 9) / 10, "{path}");
    }

    let (_, call) = answer(app.callpower("/api/call/12")).await;
    assert_eq!(
        call,
        json!({"id": 12, "timestamp": "2024-04-05T13:45:00", "campaign_id": 1, "target_id": 1,
               "call_id": "CAeb64173c997e169c968db5f102ca921a553307", "status": "completed",
               "duration": 88, "target_display": "Senator Alice Adams"})
    );
    let (_, target) = answer(app.callpower("/api/target/3")).await;
    assert_eq!(
        target,
        json!({"id": 3, "name": "Carol Clark", "title": "State Senator", "phone_number": "+19165550103"})
    );
    let (_, recording) = answer(app.callpower("/api/audiorecording/1")).await;
    assert_eq!(recording["hidden"], true);
    assert_eq!(recording["selected_campaigns"], json!([]));
    let (_, campaign) = answer(app.callpower("/api/campaign/1")).await;
    assert_eq!(
        campaign["audio_msgs"],
        json!({"msg_intro": "https://audio.example/intro-v2.mp3",
               "msg_target_intro": "You will now be connected to your representative."})
    );
    assert_eq!(campaign["allow_call_in"], false);
    assert_eq!(campaign["phone_numbers"], json!(["+15005550006"]));
}

#[tokio::test]
async fn a_row_that_is_not_there_is_404_with_an_empty_object() {
    let app = spawn_callpower().await;
    for path in [
        "/api/calls/99",
        "/api/call/0",
        "/api/call/-1",
        "/api/call/abc",
        "/api/call/1.5",
        "/api/campaign/99999999999999999999",
        "/api/target/9007199254740993",
        "/api/schedule/1",
        "/api/audiorecording/%27%20OR%201=1",
        // Not even text: no row either, in the API's own shape.
        "/api/call/%FF",
        "/api/campaign/%C3%28",
    ] {
        let (status, body) = answer(app.callpower(path)).await;
        assert_eq!((status, body), (404, json!({})), "{path}");
    }
}

#[tokio::test]
async fn pages_are_ten_by_default_at_most_a_hundred_and_bad_values_fall_back() {
    let app = spawn_callpower().await;
    app.sql(
        "WITH RECURSIVE n(i) AS (SELECT 16 UNION ALL SELECT i + 1 FROM n WHERE i < 150) \
         INSERT INTO callpower_calls (id, timestamp, campaign_id, call_id, status) \
         SELECT i, '2024-06-01T00:00:00', 3, 'CAbulk' || i, 'completed' FROM n",
    )
    .await;
    for (query, size, page, total_pages) in [
        ("", 10, 1, 15),
        ("&results_per_page=1000", 100, 1, 2),
        ("&results_per_page=100", 100, 1, 2),
        ("&results_per_page=zero", 10, 1, 15),
        ("&results_per_page=-5", 10, 1, 15),
        ("&results_per_page=0", 10, 1, 15),
        ("&results_per_page=99999999999999999999", 10, 1, 15),
        ("&page=-2", 10, 1, 15),
        ("&page=two", 10, 1, 15),
        ("&page=3&results_per_page=7", 7, 3, 22),
    ] {
        let (status, body) = answer(app.callpower(&format!("/api/calls?x=1{query}"))).await;
        assert_eq!(status, 200, "{query}");
        assert_eq!(body["num_results"], 150, "{query}");
        assert_eq!(body["page"], page, "{query}");
        assert_eq!(body["total_pages"], total_pages, "{query}");
        let first = (page - 1) * size + 1;
        assert_eq!(
            ids(&body),
            (first..first + size).collect::<Vec<i64>>(),
            "{query}"
        );
    }
    let (status, body) = answer(app.callpower("/api/calls?page=99999999999999")).await;
    assert_eq!(status, 200);
    assert_eq!(body["objects"], json!([]));
    assert_eq!(body["page"], 1_000_000_000);
}

#[tokio::test]
async fn the_link_header_names_the_next_page_while_there_is_one_and_the_last() {
    let app = spawn_callpower().await;
    let q = filter("campaign_id", "==", json!(1)).to_string();
    let response = app
        .callpower("/api/calls")
        .query(&[("q", q.as_str()), ("results_per_page", "5")])
        .send()
        .await
        .unwrap();
    let link = response.headers()["link"].to_str().unwrap().to_owned();
    let base = format!("{}/api/calls?", app.base);
    let encoded: String = form_urlencoded::byte_serialize(q.as_bytes()).collect();
    let with = |page: i64| {
        format!("{base}api_key={CALLPOWER_KEY}&q={encoded}&page={page}&results_per_page=5")
    };
    assert_eq!(
        link,
        format!("<{}>; rel=\"next\", <{}>; rel=\"last\"", with(2), with(3))
    );

    let response = app
        .callpower("/api/calls?page=3&results_per_page=5")
        .send()
        .await
        .unwrap();
    let link = response.headers()["link"].to_str().unwrap();
    assert!(!link.contains("rel=\"next\""), "{link}");
    assert!(
        link.ends_with("page=3&results_per_page=5>; rel=\"last\""),
        "{link}"
    );
}

#[tokio::test]
async fn every_operator_and_its_aliases_find_what_they_say() {
    let app = spawn_callpower().await;
    let completed = vec![1, 2, 4, 6, 8, 10, 12, 13, 15];
    let not_completed = vec![3, 5, 7, 9, 11, 14];
    let unanswered = vec![3, 5, 7, 9, 11, 14];
    let cases: Vec<(Value, Vec<i64>)> = vec![
        (
            filter("status", "==", json!("completed")),
            completed.clone(),
        ),
        (
            filter("status", "eq", json!("completed")),
            completed.clone(),
        ),
        (
            filter("status", "equals", json!("completed")),
            completed.clone(),
        ),
        (
            filter("status", "equal_to", json!("completed")),
            completed.clone(),
        ),
        (
            filter("status", "!=", json!("completed")),
            not_completed.clone(),
        ),
        (
            filter("status", "ne", json!("completed")),
            not_completed.clone(),
        ),
        (
            filter("status", "neq", json!("completed")),
            not_completed.clone(),
        ),
        (
            filter("status", "not_equal_to", json!("completed")),
            not_completed.clone(),
        ),
        (
            filter("status", "does_not_equal", json!("completed")),
            not_completed,
        ),
        (filter("duration", ">", json!(100)), vec![2, 8]),
        (filter("duration", "gt", json!(100)), vec![2, 8]),
        (filter("duration", "<", json!(1)), unanswered.clone()),
        (filter("duration", "lt", json!(1)), unanswered.clone()),
        (filter("duration", ">=", json!(95)), vec![1, 2, 8]),
        (filter("duration", "ge", json!(95)), vec![1, 2, 8]),
        (filter("duration", "gte", json!(95)), vec![1, 2, 8]),
        (filter("duration", "geq", json!(95)), vec![1, 2, 8]),
        (filter("duration", "<=", json!(0)), unanswered.clone()),
        (filter("duration", "le", json!(0)), unanswered.clone()),
        (filter("duration", "lte", json!(0)), unanswered.clone()),
        (filter("duration", "leq", json!(0)), unanswered),
        (filter("duration", ">", json!(94.5)), vec![1, 2, 8]),
        (filter("duration", ">", json!(1e300)), vec![]),
        (
            filter("call_id", "like", json!("CA1%")),
            vec![3, 4, 7, 9, 11],
        ),
        (filter("call_id", "like", json!("ca1%")), vec![]),
        (
            filter("call_id", "ilike", json!("ca1%")),
            vec![3, 4, 7, 9, 11],
        ),
        (filter("call_id", "like", json!("CA_e%")), vec![6]),
        (filter("call_id", "like", json!("%[%")), vec![]),
        (filter("campaign_id", "in", json!([2])), vec![13, 14, 15]),
        (
            filter("status", "not_in", json!(["completed", "failed"])),
            vec![3, 5, 9, 11],
        ),
        (filter("status", "in", json!([])), vec![]),
        (filter("status", "not_in", json!([])), (1..=15).collect()),
        (
            filter("duration", "is_not_null", Value::Null),
            (1..=15).collect(),
        ),
        (filter("duration", "is_null", Value::Null), vec![]),
        (
            filter("timestamp", ">", json!("2024-04-01")),
            vec![10, 11, 12],
        ),
        (
            filter("timestamp", ">=", json!("2024-03-05T12:00:00+02:00")),
            vec![10, 11, 12, 15],
        ),
        (
            json!({"filters": [{"name": "target_id", "op": "gt", "field": "campaign_id"}]}),
            vec![2, 4, 6, 9, 11, 13, 14, 15],
        ),
        (
            json!({"filters": [{"or": [
                {"name": "status", "op": "eq", "val": "busy"},
                {"name": "status", "op": "eq", "val": "failed"}]}]}),
            vec![5, 7, 14],
        ),
        (
            json!({"filters": [{"or": [
                {"and": [{"name": "campaign_id", "op": "==", "val": 2},
                         {"name": "status", "op": "==", "val": "failed"}]},
                {"name": "duration", "op": ">", "val": 150}]}]}),
            vec![8, 14],
        ),
        (json!({"filters": [{"or": []}]}), vec![]),
        (json!({"filters": [{"and": []}]}), (1..=15).collect()),
        (
            filter("campaign__name", "==", json!("Fund the Library")),
            vec![13, 14, 15],
        ),
        (
            filter("target__title", "like", json!("State%")),
            vec![13, 14, 15],
        ),
        (
            json!({"filters": [{"name": "campaign", "op": "has",
                                "val": {"name": "status", "op": "==", "val": "paused"}}]}),
            vec![13, 14, 15],
        ),
        (
            json!({"filters": [
                {"name": "status", "op": "==", "val": "completed"},
                {"name": "target", "op": "has",
                 "val": {"or": [{"name": "name", "op": "ilike", "val": "%BROWN"},
                                {"name": "id", "op": "==", "val": 3}]}}]}),
            vec![2, 4, 6, 13, 15],
        ),
        (
            filter("status", "==", json!("completed' OR '1'='1")),
            vec![],
        ),
    ];
    for (q, expected) in cases {
        assert_eq!(app.call_ids_found(&q).await, (200, expected), "{q}");
    }
}

#[tokio::test]
async fn nulls_relations_and_other_collections_are_searched_too() {
    let app = spawn_callpower().await;
    app.sql(
        "INSERT INTO callpower_calls (id, timestamp, campaign_id, target_id, call_id, status, duration) \
         VALUES (16, '2024-03-06T10:00:00', 2, NULL, 'CAqueued16', 'queued', NULL)",
    )
    .await;
    for (q, expected) in [
        (filter("duration", "is_null", Value::Null), vec![16]),
        (filter("duration", "==", Value::Null), vec![16]),
        (filter("target_id", "!=", Value::Null), (1..=15).collect()),
        (
            json!({"filters": [{"name": "target", "op": "is_null"}]}),
            vec![16],
        ),
        (
            json!({"filters": [{"name": "target", "op": "is_not_null"}]}),
            (1..=15).collect(),
        ),
        // A comparison with a missing value finds nothing, as in SQL.
        (filter("duration", "<", json!(10)), vec![3, 5, 7, 9, 11, 14]),
    ] {
        assert_eq!(app.call_ids_found(&q).await, (200, expected), "{q}");
    }

    for (path, q, expected) in [
        (
            "/api/campaign",
            json!({"filters": [{"name": "calls", "op": "any",
                                "val": {"name": "status", "op": "==", "val": "busy"}}]}),
            vec![1],
        ),
        (
            "/api/campaign",
            json!({"filters": [{"name": "audio_recordings__key", "op": "==", "val": "msg_target_intro"}]}),
            vec![1, 2],
        ),
        (
            "/api/campaign",
            filter("allow_call_in", "==", json!(true)),
            vec![2],
        ),
        (
            "/api/campaign",
            filter("campaign_state", "is_null", Value::Null),
            vec![1, 3],
        ),
        (
            "/api/audiorecording",
            json!({"filters": [{"name": "campaigns__name", "op": "==", "val": "Fund the Library"}]}),
            vec![3, 4],
        ),
        (
            "/api/audiorecording",
            filter("hidden", "==", json!(false)),
            vec![2, 3, 4],
        ),
        (
            "/api/target",
            json!({"filters": [{"name": "calls", "op": "any",
                                "val": {"name": "status", "op": "==", "val": "canceled"}}]}),
            vec![2],
        ),
    ] {
        let (status, body) = answer(app.callpower(path).query(&[("q", q.to_string())])).await;
        assert_eq!(status, 200, "{path} {q}: {body}");
        assert_eq!(ids(&body), expected, "{path} {q}");
    }
}

#[tokio::test]
async fn order_limit_offset_and_single_shape_the_answer() {
    let app = spawn_callpower().await;
    let by_duration = json!({"order_by": [{"field": "duration", "direction": "desc"}], "limit": 3});
    assert_eq!(app.call_ids_found(&by_duration).await, (200, vec![8, 2, 1]));
    let ascending = json!({"order_by": [{"field": "status", "direction": "asc"},
                                        {"field": "duration", "direction": "asc"}]});
    assert_eq!(
        app.call_ids_found(&ascending).await,
        (200, vec![5, 9, 15, 6, 13, 4, 10, 12, 1, 2, 8, 7, 14, 3, 11])
    );

    // q's limit and offset choose the rows; the page is taken among them.
    let (status, body) = answer(app.callpower("/api/calls").query(&[
        ("q", r#"{"limit": 5, "offset": 2}"#),
        ("results_per_page", "2"),
        ("page", "2"),
    ]))
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        (
            body["num_results"].clone(),
            body["total_pages"].clone(),
            ids(&body)
        ),
        (json!(5), json!(3), vec![5, 6])
    );

    let single = |q: Value| app.callpower("/api/calls").query(&[("q", q.to_string())]);
    let (status, body) = answer(single(json!({
        "filters": [{"name": "call_id", "op": "==", "val": "CAcf72437ca625bf821b4292158f9318c0cc13c4"}],
        "single": true}))).await;
    assert_eq!(
        (status, body["id"].clone(), body["status"].clone()),
        (200, json!(5), json!("busy"))
    );
    assert_eq!(
        answer(single(
            json!({"filters": [{"name": "status", "op": "==", "val": "ringing"}], "single": true})
        ))
        .await,
        (404, json!({"message": "No result found"}))
    );
    assert_eq!(
        answer(single(json!({"filters": [{"name": "status", "op": "==", "val": "busy"}, {"name": "id", "op": ">", "val": 1}], "single": true}))).await.1["id"],
        5
    );
    assert_eq!(
        answer(single(
            json!({"filters": [{"name": "status", "op": "==", "val": "completed"}], "single": true})
        ))
        .await,
        (400, json!({"message": "Multiple results found"}))
    );
}

#[tokio::test]
async fn a_search_that_cannot_be_read_or_built_is_400_and_reaches_no_sql() {
    let app = spawn_callpower().await;
    let decode = json!({"message": "Unable to decode data"});
    let construct = json!({"message": "Unable to construct query"});
    let deep = (0..9).fold(
        json!({"name": "id", "op": "==", "val": 1}),
        |inner, _| json!({"or": [inner]}),
    );
    let many: Vec<i64> = (0..61).collect();
    for (q, expected) in [
        ("{filters:".to_owned(), &decode),
        ("[1, 2]".to_owned(), &decode),
        ("".to_owned(), &decode),
        ("\"filters\"".to_owned(), &decode),
        (filter("password", "==", json!("x")).to_string(), &construct),
        (
            filter("status) OR (1=1", "==", json!(1)).to_string(),
            &construct,
        ),
        (
            filter("status", "matches", json!("x")).to_string(),
            &construct,
        ),
        (
            filter("duration", "==", json!("long")).to_string(),
            &construct,
        ),
        (filter("status", "==", json!(5)).to_string(), &construct),
        (
            filter("duration", "like", json!("9%")).to_string(),
            &construct,
        ),
        (
            filter("status", "in", json!("completed")).to_string(),
            &construct,
        ),
        (
            filter("status", "in", json!([null])).to_string(),
            &construct,
        ),
        (filter("status", ">", Value::Null).to_string(), &construct),
        (
            filter("timestamp", ">", json!("yesterday")).to_string(),
            &construct,
        ),
        (
            filter("id", "==", json!(9007199254740993_i64)).to_string(),
            &construct,
        ),
        (
            filter(
                "campaign",
                "any",
                json!({"name": "id", "op": "==", "val": 1}),
            )
            .to_string(),
            &construct,
        ),
        (
            filter("campaign", "has", json!("x")).to_string(),
            &construct,
        ),
        (filter("campaign", "==", json!(1)).to_string(), &construct),
        (
            filter("nothing__name", "==", json!(1)).to_string(),
            &construct,
        ),
        (
            filter("campaign__password", "==", json!(1)).to_string(),
            &construct,
        ),
        (filter("status", "has", json!({})).to_string(), &construct),
        (
            json!({"filters": [{"name": "duration", "op": ">", "field": "status"}]}).to_string(),
            &construct,
        ),
        (
            json!({"filters": [{"name": "duration", "op": "like", "field": "id"}]}).to_string(),
            &construct,
        ),
        (
            json!({"filters": [{"name": "duration", "op": ">", "field": "id", "val": 1}]})
                .to_string(),
            &construct,
        ),
        (
            json!({"filters": [{"name": "id", "op": "==", "val": 1, "extra": 1}]}).to_string(),
            &construct,
        ),
        (
            json!({"filters": [{"or": [], "name": "id"}]}).to_string(),
            &construct,
        ),
        (json!({"filters": {"name": "id"}}).to_string(), &construct),
        (json!({"filters": [[]]}).to_string(), &construct),
        (json!({"filter": []}).to_string(), &construct),
        (
            json!({"order_by": [{"field": "duration", "direction": "up"}]}).to_string(),
            &construct,
        ),
        (
            json!({"order_by": [{"field": "secret", "direction": "asc"}]}).to_string(),
            &construct,
        ),
        (json!({"order_by": "duration"}).to_string(), &construct),
        (json!({"limit": -1}).to_string(), &construct),
        (json!({"limit": "5"}).to_string(), &construct),
        (json!({"offset": 1.5}).to_string(), &construct),
        (json!({"single": "yes"}).to_string(), &construct),
        (json!({"filters": [deep]}).to_string(), &construct),
        (filter("id", "in", json!(many)).to_string(), &construct),
    ] {
        let (status, body) = answer(app.callpower("/api/calls").query(&[("q", q.as_str())])).await;
        assert_eq!((status, &body), (400, expected), "{q}");
    }
    assert_eq!(
        app.sql_count("SELECT COUNT(*) FROM callpower_calls").await,
        15
    );
}

#[tokio::test]
async fn without_the_right_key_every_route_but_the_count_is_401_in_json() {
    let app = spawn_callpower().await;
    let unauthorized = json!({"message": "A valid api_key is required"});
    for path in [
        "/api/calls",
        "/api/call/1",
        "/api/campaign",
        "/api/campaign/1/stats.json",
        "/api/campaign/1/date_calls.json",
        "/api/campaign/1/target_calls.json",
        "/api/campaign/date_calls.json",
        "/api/campaigns.json",
        "/api/calls?api_key=",
        "/api/calls?api_key=wrong",
        "/api/calls?api_key=callpower-test-admin-key-of-32-bytes-at-leas",
        "/api/calls?api_key=callpower-test-admin-key-of-32-bytes-at-least-and-more",
        "/api/calls?api_key=CALLPOWER-TEST-ADMIN-KEY-OF-32-BYTES-AT-LEAST",
    ] {
        let response = app.get(path).send().await.unwrap();
        assert_eq!(response.status(), 401, "{path}");
        assert_eq!(response.headers()["access-control-allow-origin"], "*");
        assert_eq!(
            response.json::<Value>().await.unwrap(),
            unauthorized,
            "{path}"
        );
    }
    // The key counts in the query string only.
    let response = app
        .get("/api/calls")
        .header("x-api-key", CALLPOWER_KEY)
        .bearer_auth(CALLPOWER_KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
}

#[tokio::test]
async fn without_an_admin_key_set_no_key_opens_the_api() {
    let app = crate::helpers::spawn_app().await;
    for path in [
        "/api/calls",
        "/api/calls?api_key=",
        "/api/calls?api_key=anything",
    ] {
        let (status, _) = answer(app.get(path)).await;
        assert_eq!(status, 401, "{path}");
    }
}

#[tokio::test]
async fn every_answer_under_api_allows_any_origin_and_preflights_are_answered() {
    let app = spawn_callpower().await;
    for (method, path, status) in [
        (Method::GET, "/api/calls?api_key=x", 401),
        (
            Method::GET,
            &format!("/api/calls?api_key={CALLPOWER_KEY}") as &str,
            200,
        ),
        (Method::GET, "/api/campaign/1/count.json", 200),
        (Method::GET, "/api/nothing", 404),
        (Method::DELETE, "/api/calls", 405),
        (Method::POST, "/api/campaign/1", 405),
    ] {
        let response = app.request(method.clone(), path).send().await.unwrap();
        assert_eq!(response.status(), status, "{method} {path}");
        assert_eq!(
            response.headers()["access-control-allow-origin"],
            "*",
            "{method} {path}"
        );
        let body: Value = response.json().await.unwrap();
        if status >= 400 {
            assert!(body["message"].is_string(), "{method} {path}: {body}");
        }
    }

    for path in [
        "/api/calls",
        "/api/campaign/1/count.json",
        "/api/campaign/1/stats.json",
        "/api/import",
    ] {
        let response = app
            .request(Method::OPTIONS, path)
            .header("origin", "https://example.org")
            .header("access-control-request-method", "GET")
            .header("access-control-request-headers", "x-requested-with")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 204, "{path}");
        let headers = response.headers();
        assert_eq!(headers["access-control-allow-origin"], "*");
        assert_eq!(headers["access-control-allow-headers"], "x-requested-with");
        assert!(headers["access-control-allow-methods"]
            .to_str()
            .unwrap()
            .contains("GET"));
    }

    // Upcall's /api/v1 is another API: its own errors, no such header.
    let response = app.get("/api/v1/nothing").send().await.unwrap();
    assert_eq!(response.status(), 404);
    assert!(response
        .headers()
        .get("access-control-allow-origin")
        .is_none());
    assert!(response.json::<Value>().await.unwrap()["errors"].is_object());
}
