//! Adding a registered Aircall user with the SQL the password tool writes
//! (`examples/aircall_password.rs`): whatever the user name holds, the SQL
//! adds exactly that user and does nothing else.

use reqwest::Method;
use serde_json::json;
use switchboard::aircall::passwords;

use crate::helpers::{answer, config_with, spawn_app_with};

const SALT: &[u8] = b"0123456789abcdef";

#[tokio::test]
async fn a_user_name_cannot_break_out_of_the_sql_that_adds_it() {
    let app = spawn_app_with(config_with(&[("AIRCALL_LOGIN", "registered")]), |s| s).await;
    let calls = app.sql_count("SELECT COUNT(*) FROM aircall_calls").await;
    let names = [
        "x'); DROP TABLE aircall_calls; --",
        "o'brien",
        "\"$(touch /tmp/pwned)\"",
        "back\\slash`tick`",
        "émile 📞",
    ];

    for name in names {
        let sql = passwords::upsert_user_sql(name, "pa'ss\"word", SALT).unwrap();
        assert!(!sql.contains(name), "{sql}");
        app.platform.db.execute_script(&sql).unwrap();
    }

    assert_eq!(
        app.sql_count("SELECT COUNT(*) FROM aircall_calls").await,
        calls
    );
    let stored: Vec<String> = app
        .sql("SELECT username FROM aircall_users ORDER BY rowid")
        .await
        .into_iter()
        .map(|row| row["username"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(stored, names);
    let (status, body) = answer(
        app.request(Method::POST, "/auth/login")
            .json(&json!({"username": names[0], "password": "pa'ss\"word"})),
    )
    .await;
    assert_eq!(status, 201);
    assert_eq!(body["user"]["username"], names[0]);
}

#[tokio::test]
async fn running_the_sql_again_replaces_the_password() {
    let app = spawn_app_with(config_with(&[("AIRCALL_LOGIN", "registered")]), |s| s).await;
    for password in ["first", "second"] {
        let sql = passwords::upsert_user_sql("ada", password, SALT).unwrap();
        app.platform.db.execute_script(&sql).unwrap();
    }
    let login = |password: &'static str| {
        answer(
            app.request(Method::POST, "/auth/login")
                .json(&json!({"username": "ada", "password": password})),
        )
    };

    assert_eq!(login("first").await.0, 401);
    assert_eq!(login("second").await.0, 201);
}

#[test]
fn names_a_login_would_refuse_are_refused_here_too() {
    for (name, password) in [
        ("", "pw"),
        ("tab\tname", "pw"),
        ("nul\0", "pw"),
        (&*"n".repeat(101), "pw"),
        ("ada", ""),
    ] {
        assert!(
            passwords::upsert_user_sql(name, password, SALT).is_err(),
            "{name:?}"
        );
    }
}
