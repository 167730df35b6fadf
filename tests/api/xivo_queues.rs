//! `GET /1.0/CallCenter/queues/` (and the document's `POST` example).

use reqwest::Method;
use serde_json::json;

use crate::helpers::spawn_app;

async fn queues(method: Method) -> Vec<serde_json::Value> {
    spawn_app()
        .await
        .xivo_list(method, "/1.0/CallCenter/queues/")
        .await
}

#[tokio::test]
async fn queues_are_a_bare_array_sorted_by_number_as_text() {
    let queues = queues(Method::GET).await;

    let numbers: Vec<&str> = queues
        .iter()
        .map(|q| q["number"].as_str().unwrap())
        .collect();
    assert_eq!(numbers, ["1500", "2000", "3000", "999"]);
}

#[tokio::test]
async fn the_documents_queue_example_has_every_documented_field() {
    let queues = queues(Method::GET).await;

    let my_queue = queues.iter().find(|q| q["id"] == 1).unwrap();
    assert_eq!(
        *my_queue,
        json!({
            "id": 1,
            "name": "my_queue",
            "displayname": "My queue",
            "number": "2000",
            "context": "default",
            "data_quality": 0,
            "hitting_callee": 0,
            "hitting_caller": 0,
            "retries": 0,
            "ring": 0,
            "transfer_user": 0,
            "transfer_call": 0,
            "write_caller": 0,
            "write_calling": 0,
            "url": "",
            "announceoverride": "",
            "timeout": 0,
            "preprocess_subroutine": "test-subroutine",
            "announce_holdtime": 0,
            "waittime": 0,
            "waitratio": 0
        })
    );
}

#[tokio::test]
async fn the_documents_post_example_lists_the_queues_too() {
    assert_eq!(queues(Method::POST).await, queues(Method::GET).await);
}
