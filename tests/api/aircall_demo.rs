//! The Aircall demo data: `demo/aircall.sql` is its generator's output, and
//! loading it again changes nothing.

use std::path::Path;

#[allow(dead_code)]
#[path = "../../examples/aircall_demo.rs"]
mod generator;

use crate::helpers::spawn_app;

#[test]
fn the_committed_demo_file_is_the_generators_output() {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("demo/aircall.sql");
    let committed = std::fs::read_to_string(file).unwrap();
    assert!(
        committed == generator::sql(),
        "demo/aircall.sql is stale: run `cargo run --example aircall_demo > demo/aircall.sql`"
    );
}

#[tokio::test]
async fn loading_the_demo_data_twice_changes_nothing() {
    let app = spawn_app().await;
    let snapshot = "SELECT (SELECT COUNT(*) FROM aircall_calls) * 1000 + \
                    (SELECT COUNT(*) FROM aircall_notes) AS n";
    let before = app.sql_count(snapshot).await;
    let first = app
        .sql("SELECT id, created_at FROM aircall_calls ORDER BY id")
        .await;

    app.platform
        .db
        .execute_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("demo"))
        .unwrap();

    assert_eq!(before, 100_000 + before % 1000);
    assert_eq!(app.sql_count(snapshot).await, before);
    let again = app
        .sql("SELECT id, created_at FROM aircall_calls ORDER BY id")
        .await;
    assert_eq!(first, again);
}
