//! `POST /__conformance/state`: the conformance harness's provider states.

use reqwest::Method;
use serde_json::json;

use crate::helpers::{answer, config_with, spawn_app, spawn_app_with};

/// At least 32 bytes, as the route requires.
const TOKEN: &str = "state-token-for-tests-of-32-bytes-or-more";

async fn app_with_states() -> crate::helpers::TestApp {
    spawn_app_with(config_with(&[("CONFORMANCE_STATE_TOKEN", TOKEN)]), |s| s).await
}

fn agents_dataset() -> serde_json::Value {
    json!({"state": "one-agent", "dataset": {"api": "xivo", "records": {"agents": [{
        "id": 7, "autologoff": 0, "group": null, "language": "", "firstname": "Solo",
        "passwd": "", "lastname": "Agent", "number": "7000", "context": "default",
        "numgroup": 1, "preprocess_subroutine": null, "description": ""
    }]}}})
}

#[tokio::test]
async fn without_a_configured_token_the_route_does_not_exist() {
    let app = spawn_app().await;

    for method in [Method::GET, Method::POST] {
        let mut request = app
            .request(method.clone(), "/__conformance/state")
            .bearer_auth("anything");
        if method == Method::POST {
            request = request.json(&agents_dataset());
        }
        let (status, body) = answer(request).await;
        assert_eq!(status, 404, "{method}");
        assert_eq!(
            body["message"],
            format!("Cannot {method} /__conformance/state")
        );
    }
}

#[tokio::test]
async fn production_or_a_short_token_serves_no_such_route_and_says_so_at_start() {
    let short = &TOKEN[..31];
    for settings in [
        vec![
            ("ENVIRONMENT", "production"),
            ("CONFORMANCE_STATE_TOKEN", TOKEN),
        ],
        vec![("CONFORMANCE_STATE_TOKEN", short)],
    ] {
        let config = config_with(&settings);
        let (_, problems) = switchboard::config::Config::load(|name| {
            settings
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
                .into()
        });
        assert!(
            problems
                .iter()
                .any(|p| p.setting == "CONFORMANCE_STATE_TOKEN"),
            "{settings:?}"
        );
        let app = spawn_app_with(config, |s| s).await;
        let bearer = settings[settings.len() - 1].1;
        let (status, body) = answer(
            app.request(Method::POST, "/__conformance/state")
                .bearer_auth(bearer)
                .json(&agents_dataset()),
        )
        .await;
        assert_eq!(status, 404, "{settings:?}");
        assert_eq!(body["message"], "Cannot POST /__conformance/state");
        assert_eq!(
            app.sql_count("SELECT COUNT(*) AS n FROM xivo_agents").await,
            5,
            "{settings:?}"
        );
    }
}

#[tokio::test]
async fn a_missing_or_wrong_token_is_401_and_changes_nothing() {
    let app = app_with_states().await;

    for request in [
        app.request(Method::POST, "/__conformance/state"),
        app.request(Method::POST, "/__conformance/state")
            .bearer_auth("wrong"),
        app.request(Method::POST, "/__conformance/state")
            .basic_auth(TOKEN, None::<&str>),
    ] {
        let (status, _) = answer(request.json(&agents_dataset())).await;
        assert_eq!(status, 401);
    }
    assert_eq!(
        app.sql_count("SELECT COUNT(*) AS n FROM xivo_agents").await,
        5
    );
}

#[tokio::test]
async fn a_dataset_replaces_all_of_its_apis_data() {
    let app = app_with_states().await;

    let (status, _) = answer(
        app.request(Method::POST, "/__conformance/state")
            .bearer_auth(TOKEN)
            .json(&agents_dataset()),
    )
    .await;

    assert_eq!(status, 204);
    let agents = app.xivo_list(Method::GET, "/1.0/CallCenter/agents/").await;
    assert_eq!(agents.len(), 1);
    assert_eq!(agents[0]["firstname"], "Solo");
    assert_eq!(
        app.sql_count("SELECT COUNT(*) AS n FROM xivo_queues").await,
        0
    );
}

#[tokio::test]
async fn ids_created_after_a_state_continue_above_its_highest() {
    // The demo data has had users up to 67; a state with users 1 and 5.
    let app = app_with_states().await;
    let user = |id: i64| {
        json!({"id": id, "firstname": "F", "lastname": "L", "callerid": "F L", "username": "",
            "password": "", "enableclient": 0, "musiconhold": "default", "outcallerid": "default",
            "mobilephonenumber": "", "userfield": "", "timezone": "", "language": "",
            "description": "", "ctiprofileid": null, "voicemailid": null, "agentid": null,
            "entityid": null, "email": ""})
    };
    let users = json!({"state": "two-users", "dataset": {"api": "xivo", "records": {
        "users": [user(1), user(5)]
    }}});
    let load = || {
        app.request(Method::POST, "/__conformance/state")
            .bearer_auth(TOKEN)
            .json(&users)
    };
    let create = || {
        app.xivo(Method::POST, "/1.0/users/")
            .json(&json!({"firstname": "New"}))
    };

    let loaded = answer(load()).await;
    assert_eq!(loaded.0, 204, "{}", loaded.1);
    let first = create().send().await.unwrap();
    assert_eq!(answer(load()).await.0, 204);
    let again = create().send().await.unwrap();

    assert_eq!(first.status(), 201);
    assert_eq!(first.headers()["location"], "/1.0/users/6");
    assert_eq!(again.headers()["location"], "/1.0/users/6");
}

#[tokio::test]
async fn bad_requests_are_400_and_change_nothing() {
    let app = app_with_states().await;
    let mut wrong_field = agents_dataset();
    wrong_field["dataset"]["records"]["agents"][0]["number"] = json!(7000);
    let mut unknown_resource = agents_dataset();
    unknown_resource["dataset"]["records"]["things"] = json!([]);

    for (body, expected) in [
        (
            json!("not an object"),
            "The body is {\"state\", \"dataset\"}",
        ),
        (
            json!({"state": "x"}),
            "The body is {\"state\", \"dataset\"}",
        ),
        (
            json!({"state": "x", "dataset": {"api": "nope"}}),
            "No datasets can be loaded for API \"nope\"",
        ),
        (wrong_field, "agents[0]: invalid type"),
        (unknown_resource, "not \"things\""),
    ] {
        let (status, answer_body) = answer(
            app.request(Method::POST, "/__conformance/state")
                .bearer_auth(TOKEN)
                .json(&body),
        )
        .await;
        assert_eq!(status, 400, "{body}");
        let message = answer_body["message"].as_str().unwrap_or_default();
        assert!(message.contains(expected), "{message:?} lacks {expected:?}");
    }
    assert_eq!(
        app.sql_count("SELECT COUNT(*) AS n FROM xivo_agents").await,
        5
    );
}
