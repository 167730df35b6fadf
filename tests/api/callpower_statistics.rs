//! Call Power's statistics: `/api/campaign/<id>/stats.json`,
//! `date_calls.json` (one campaign's and every campaign's),
//! `target_calls.json` and `/api/campaigns.json`, with their periods,
//! timespans and errors, on the conformance dataset `callpower`.

use serde_json::{json, Value};

use crate::helpers::{answer, spawn_callpower};

#[tokio::test]
async fn stats_give_the_documents_fields_and_the_later_ones() {
    let app = spawn_callpower().await;
    let (status, body) = answer(app.callpower("/api/campaign/1/stats.json")).await;
    assert_eq!(status, 200);
    assert_eq!(
        body,
        json!({
            "id": 1, "name": "Save the Bees", "completed": 7,
            "total_counts": {"busy": 1, "canceled": 1, "completed": 7, "failed": 1, "no-answer": 2},
            "sessions_started": 8, "sessions_completed": 6, "queue_avg_seconds": 5,
            "calls_per_session": {"avg": "1.17", "med": 1},
            "calls_completed": 7, "date_start": "2024-03-01", "date_end": "2024-04-06"
        })
    );

    // Campaign 2: one session of one call, two calls without a session.
    let (_, body) = answer(app.callpower("/api/campaign/2/stats.json")).await;
    assert_eq!(body["calls_per_session"], json!({"avg": "1.00", "med": 1}));
    assert_eq!(body["total_counts"], json!({"completed": 2, "failed": 1}));

    // Campaign 3 has no call and no session.
    let (_, body) = answer(app.callpower("/api/campaign/3/stats.json")).await;
    assert_eq!(
        body,
        json!({
            "id": 3, "name": "Custom Calls", "completed": 0, "total_counts": {},
            "sessions_started": 0, "sessions_completed": 0, "queue_avg_seconds": null,
            "calls_per_session": {"avg": "0.00", "med": 0},
            "calls_completed": 0, "date_start": null, "date_end": null
        })
    );
}

#[tokio::test]
async fn the_median_of_calls_per_session_is_the_middle_one_or_the_mean_of_two() {
    let app = spawn_callpower().await;
    // Campaign 3's sessions get 1, 3 and 4 completed calls: median 3. A
    // session counts by its completed calls, whatever its own status (33),
    // and a call that did not complete counts for nothing (the failed one).
    app.sql(
        "INSERT INTO callpower_sessions (id, campaign_id, timestamp, status) VALUES \
           (31, 3, '2024-05-01T00:00:00', 'completed'), (32, 3, '2024-05-01T00:00:00', 'completed'), \
           (33, 3, '2024-05-01T00:00:00', 'initiated')",
    )
    .await;
    app.sql(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 8) \
         INSERT INTO callpower_calls (id, timestamp, campaign_id, session_id, call_id, status) \
         SELECT 300 + i, '2024-05-01T00:00:00', 3, CASE WHEN i = 1 THEN 31 WHEN i <= 4 THEN 32 ELSE 33 END, \
                'CAm' || i, 'completed' FROM n",
    )
    .await;
    app.sql(
        "INSERT INTO callpower_calls (id, timestamp, campaign_id, session_id, call_id, status) \
         VALUES (399, '2024-05-01T00:00:00', 3, 31, 'CAfailed', 'failed')",
    )
    .await;
    let (_, body) = answer(app.callpower("/api/campaign/3/stats.json")).await;
    assert_eq!(body["calls_per_session"], json!({"avg": "2.67", "med": 3}));
    assert_eq!(body["sessions_started"], 3);
    assert_eq!(body["sessions_completed"], 3);
}

#[tokio::test]
async fn calls_by_date_follow_the_timespan_and_the_period() {
    let app = spawn_callpower().await;
    let objects = |query: &'static str| {
        let app = &app;
        async move {
            let (status, body) =
                answer(app.callpower(&format!("/api/campaign/1/date_calls.json?{query}"))).await;
            assert_eq!(status, 200, "{query}: {body}");
            body["objects"].clone()
        }
    };
    let by_day = objects("").await;
    assert_eq!(
        by_day,
        json!({
            "2024-03-01": {"completed": 2, "no-answer": 1},
            "2024-03-02": {"busy": 1, "completed": 2},
            "2024-03-03": {"completed": 1, "failed": 1},
            "2024-03-04": {"canceled": 1},
            "2024-04-04": {"completed": 1},
            "2024-04-05": {"completed": 1, "no-answer": 1}
        })
    );
    assert_eq!(objects("timespan=day").await, by_day);
    assert_eq!(
        objects("timespan=year").await,
        json!({"2024": {"busy": 1, "canceled": 1, "completed": 7, "failed": 1, "no-answer": 2}})
    );
    assert_eq!(
        objects("timespan=month&start=2024-04-01").await,
        json!({"2024-04": {"completed": 2, "no-answer": 1}})
    );
    assert_eq!(
        objects("timespan=minute&start=2024-03-01T14:00:00Z&end=2024-03-01T15:00:00Z").await,
        json!({"2024-03-01 14:05": {"completed": 1}, "2024-03-01 14:20": {"completed": 1}})
    );
    assert_eq!(
        objects("timespan=hour&start=2024-03-02T11:00:00%2B02:00&end=2024-03-02T12:00:00").await,
        json!({"2024-03-02 09:00": {"busy": 1, "completed": 1}})
    );
    // An end equal to the start is one day from it; an end alone is kept.
    assert_eq!(
        objects("start=2024-03-04&end=2024-03-04").await,
        json!({"2024-03-04": {"canceled": 1}})
    );
    assert_eq!(
        objects("end=2024-03-01T15:00").await,
        json!({"2024-03-01": {"completed": 2}})
    );
    assert_eq!(objects("start=2025-01-01").await, json!({}));
    assert_eq!(objects("start=&end=").await, by_day);

    let (status, body) = answer(app.callpower("/api/campaign/3/date_calls.json")).await;
    assert_eq!((status, body), (200, json!({"objects": {}})));

    // Every campaign's: calls by campaign, as the original counted them
    // (these are its answers on the same dataset).
    let (status, body) =
        answer(app.callpower("/api/campaign/date_calls.json?timespan=month")).await;
    assert_eq!(status, 200);
    assert_eq!(
        body,
        json!({
            "meta": {"calls_completed": 9},
            "objects": {"2024-03": {"1": 9, "2": 3}, "2024-04": {"1": 3}}
        })
    );
    let (_, body) =
        answer(app.callpower("/api/campaign/date_calls.json?start=2024-03-02&end=2024-03-03"))
            .await;
    assert_eq!(
        body,
        json!({"meta": {"calls_completed": 3}, "objects": {"2024-03-02": {"1": 3, "2": 1}}})
    );
}

#[tokio::test]
async fn bad_periods_and_timespans_are_400_with_the_originals_messages() {
    let app = spawn_callpower().await;
    let message = |text: &str| json!({"message": text});
    for path in [
        "/api/campaign/1/date_calls.json",
        "/api/campaign/date_calls.json",
        "/api/campaign/1/target_calls.json",
    ] {
        for (query, expected) in [
            (
                "start=yesterday",
                message("start should be in isostring format"),
            ),
            (
                "start=2024-02-30",
                message("start should be in isostring format"),
            ),
            (
                "start=2024-03-01&end=soon",
                message("end should be in isostring format"),
            ),
            (
                "end=1709301900",
                message("end should be in isostring format"),
            ),
            (
                "start=2024-03-02&end=2024-03-01",
                message("end should be after start"),
            ),
            (
                "start=2024-03-01T12:00:00%2B01:00&end=2024-03-01T10:30:00Z",
                message("end should be after start"),
            ),
        ] {
            let (status, body) = answer(app.callpower(&format!("{path}?{query}"))).await;
            assert_eq!((status, body), (400, expected), "{path}?{query}");
        }
    }
    for query in [
        "timespan=week",
        "timespan=",
        "timespan=DAY",
        "timespan=day%27--",
    ] {
        let (status, body) =
            answer(app.callpower(&format!("/api/campaign/1/date_calls.json?{query}"))).await;
        assert_eq!(
            (status, body),
            (
                400,
                message("timespan should be one of minute,hour,day,month,year")
            ),
            "{query}"
        );
    }
}

#[tokio::test]
async fn calls_by_target_count_each_status_under_the_targets_key() {
    let app = spawn_callpower().await;
    app.sql(
        "INSERT INTO callpower_calls (id, timestamp, campaign_id, target_id, call_id, status) \
         VALUES (16, '2024-03-01T10:00:00', 1, NULL, 'CAnotarget', 'completed')",
    )
    .await;
    let (status, body) = answer(app.callpower("/api/campaign/1/target_calls.json")).await;
    assert_eq!(status, 200);
    assert_eq!(
        body,
        json!({"objects": {
            "S000101": {"title": "Senator", "name": "Alice Adams", "district": "CA",
                        "completed": 4, "no-answer": 1, "busy": 1, "failed": 1},
            "B000102": {"title": "Representative", "name": "Bob Brown", "district": "CA-12",
                        "completed": 3, "canceled": 1, "no-answer": 1}
        }})
    );
    let (_, body) =
        answer(app.callpower("/api/campaign/1/target_calls.json?start=2024-04-05&end=2024-04-05"))
            .await;
    assert_eq!(
        body["objects"],
        json!({
            "S000101": {"title": "Senator", "name": "Alice Adams", "district": "CA", "completed": 1},
            "B000102": {"title": "Representative", "name": "Bob Brown", "district": "CA-12", "no-answer": 1}
        })
    );
    let (_, body) = answer(app.callpower("/api/campaign/3/target_calls.json")).await;
    assert_eq!(body, json!({"objects": {}}));
}

#[tokio::test]
async fn an_unknown_campaign_is_404_with_a_message() {
    let app = spawn_callpower().await;
    for route in [
        "stats.json",
        "date_calls.json",
        "target_calls.json",
        "count.json",
    ] {
        for id in ["99", "0", "abc", "99999999999999999999", "%FF"] {
            let (status, body) =
                answer(app.callpower(&format!("/api/campaign/{id}/{route}"))).await;
            assert_eq!(
                (status, body),
                (404, json!({"message": "No such campaign"})),
                "{id}/{route}"
            );
        }
    }
}

#[tokio::test]
async fn campaigns_json_names_every_campaign_in_id_order() {
    let app = spawn_callpower().await;
    app.sql(
        "INSERT INTO callpower_campaigns (id, name, campaign_type) VALUES (10, 'Tenth', 'local')",
    )
    .await;
    let response = app.callpower("/api/campaigns.json").send().await.unwrap();
    assert_eq!(response.status(), 200);
    let text = response.text().await.unwrap();
    // In id order, as text: "10" after "3", not after "1".
    assert_eq!(
        text,
        r#"{"count":4,"objects":{"1":"Save the Bees","2":"Fund the Library","3":"Custom Calls","10":"Tenth"}}"#
    );
    let body: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(body["count"], 4);
}

#[tokio::test]
async fn one_campaigns_statistics_read_its_own_rows_through_indexes_not_the_table() {
    let app = spawn_callpower().await;
    app.sql(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000) \
         INSERT INTO callpower_calls (id, timestamp, campaign_id, target_id, call_id, status) \
         SELECT 100 + i, '2024-03-02T10:00:00', 3, 3, 'CAother' || i, 'completed' FROM n",
    )
    .await;
    for path in [
        "/api/campaign/1/stats.json",
        "/api/campaign/1/date_calls.json?timespan=hour",
        "/api/campaign/1/date_calls.json?start=2024-03-02&end=2024-03-03",
        "/api/campaign/1/target_calls.json",
        "/api/campaign/1/count.json",
    ] {
        let response = app.callpower(path).send().await.unwrap();
        assert_eq!(response.status(), 200, "{path}");
        let line = app.log_of(&response);
        assert_eq!(line["d1_round_trips"], 1, "{path}");
        // Campaign 1 has 12 calls and 8 sessions; a scan of the table
        // would read the 3000 others.
        let read = line["d1_rows_read"].as_u64().unwrap();
        assert!(read < 100, "{path} read {read} rows");
    }
}
