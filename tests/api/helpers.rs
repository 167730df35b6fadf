//! `spawn_app()`: a fresh app with its own database on a free port, and typed
//! helpers to ask it things.

use std::path::Path;
use std::sync::Arc;

use async_trait::async_trait;
use switchboard::config::{Config, Setting};
use switchboard::http::AppState;
use switchboard::platform::native::{self, NativePlatform};
use switchboard::ports::{PlatformError, QueryResult, Sql, Statement};

pub const XIVO_USER: &str = "xivo-test";
pub const XIVO_PASSWORD: &str = "xivo-test-password";
pub const JWT_SECRET: &str = "jwt-test-secret-0123456789abcdef0123";

pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    pub platform: NativePlatform,
}

/// The configuration of a development run with every secret set (but
/// Pusher's: no event is published).
pub fn dev_config() -> Config {
    config_with(&[])
}

/// [`dev_config`] with more settings, or other values (an empty value unsets).
pub fn config_with(extra: &[(&str, &str)]) -> Config {
    Config::load(|name| {
        if let Some((_, value)) = extra.iter().find(|(k, _)| *k == name) {
            return Setting::Text((*value).to_owned());
        }
        match name {
            "ENVIRONMENT" => Some("development"),
            "XIVO_USERNAME" => Some(XIVO_USER),
            "XIVO_PASSWORD" => Some(XIVO_PASSWORD),
            "JWT_SECRET" => Some(JWT_SECRET),
            _ => None,
        }
        .map(String::from)
        .into()
    })
    .0
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(dev_config(), |state| state).await
}

/// An app whose state `adjust` may change (another configuration, a failing
/// port) before it serves.
pub async fn spawn_app_with(config: Config, adjust: impl FnOnce(AppState) -> AppState) -> TestApp {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let platform = NativePlatform::new(root, config, true).expect("the native platform starts");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a free port");
    let base = format!("http://{}", listener.local_addr().expect("an address"));
    let state = adjust(platform.state());
    tokio::spawn(native::serve(listener, state));
    TestApp {
        base,
        client: reqwest::Client::new(),
        platform,
    }
}

impl TestApp {
    pub fn get(&self, path: &str) -> reqwest::RequestBuilder {
        self.client.get(format!("{}{path}", self.base))
    }

    pub fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.client.request(method, format!("{}{path}", self.base))
    }

    /// A XiVO request with the right credentials.
    pub fn xivo(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.request(method, path)
            .basic_auth(XIVO_USER, Some(XIVO_PASSWORD))
    }

    /// A XiVO list asked with the right credentials: asserts a 200 with XiVO's
    /// content type, and returns the items.
    pub async fn xivo_list(&self, method: reqwest::Method, path: &str) -> Vec<serde_json::Value> {
        let response = self
            .xivo(method, path)
            .header("content-type", "application/json")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(
            response.headers()["content-type"],
            "application/json;charset=UTF-8"
        );
        response.json().await.unwrap()
    }

    /// Logs in to the Aircall API as `username` (any password, the default
    /// mode): asserts a 201, and returns the answer.
    pub async fn login_as(&self, username: &str) -> serde_json::Value {
        let response = self
            .request(reqwest::Method::POST, "/auth/login")
            .json(&serde_json::json!({"username": username, "password": "any password"}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 201);
        response.json().await.unwrap()
    }

    /// Logs in as `ada`: the answer's `access_token` and `refresh_token`.
    pub async fn login(&self) -> (String, String) {
        let body = self.login_as("ada").await;
        (
            body["access_token"].as_str().unwrap().to_owned(),
            body["refresh_token"].as_str().unwrap().to_owned(),
        )
    }

    /// An Aircall request with a fresh access token.
    pub async fn aircall(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        let (access, _) = self.login().await;
        self.request(method, path).bearer_auth(access)
    }

    /// Runs one SQL statement on the app's database (for setup and checks).
    pub async fn sql(&self, sql: &str) -> Vec<serde_json::Map<String, serde_json::Value>> {
        self.platform
            .db
            .all(Statement::new(sql.to_owned()))
            .await
            .unwrap()
            .rows
    }

    /// A number that one SQL query answers, such as a `COUNT(*)`.
    pub async fn sql_count(&self, sql: &str) -> i64 {
        let rows = self.sql(sql).await;
        rows[0].values().next().unwrap().as_i64().unwrap()
    }

    /// The ids of the demo calls, newest first.
    pub async fn call_ids(&self) -> Vec<String> {
        self.sql("SELECT id FROM aircall_calls ORDER BY created_at DESC, id DESC")
            .await
            .into_iter()
            .map(|row| row["id"].as_str().unwrap().to_owned())
            .collect()
    }

    /// `POST /calls/:id/note` with `{"content": content}`, logged in.
    pub async fn add_note(
        &self,
        call_id: &str,
        content: impl serde::Serialize,
    ) -> reqwest::Response {
        self.aircall(reqwest::Method::POST, &format!("/calls/{call_id}/note"))
            .await
            .json(&serde_json::json!({ "content": content }))
            .send()
            .await
            .unwrap()
    }

    /// Gives the call `id` `count` more notes (`pre-1` … `pre-<count>`, older
    /// than any added over HTTP) of `content` each, straight in the database.
    pub async fn prefill_notes(&self, id: &str, count: i64, content: &str) {
        self.sql(&format!(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {count}) \
             INSERT INTO aircall_notes (id, call_id, content, created_at) \
             SELECT 'pre-' || i, '{id}', '{content}', '2024-01-01T00:00:00.000Z' FROM n"
        ))
        .await;
    }

    /// The access-log lines written so far.
    pub fn log(&self) -> Vec<serde_json::Value> {
        self.platform.log.lines()
    }

    /// The access-log line of the request that got `response`.
    pub fn log_of(&self, response: &reqwest::Response) -> serde_json::Value {
        let id = response.headers()["x-request-id"]
            .to_str()
            .unwrap()
            .to_owned();
        self.log()
            .into_iter()
            .find(|line| line["request_id"] == id.as_str())
            .unwrap_or_else(|| panic!("no log line for request {id}"))
    }
}

/// The claims of a JWT, decoded without checking its signature.
pub fn jwt_claims(token: &str) -> serde_json::Value {
    use base64::Engine;
    let payload = token.split('.').nth(1).expect("a JWT has three parts");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .expect("base64url");
    serde_json::from_slice(&bytes).expect("JSON claims")
}

/// Sends `request`; its status and JSON body (`null` when empty or not JSON).
pub async fn answer(request: reqwest::RequestBuilder) -> (u16, serde_json::Value) {
    let response = request.send().await.expect("the app answers");
    let status = response.status().as_u16();
    let text = response.text().await.expect("a readable body");
    (
        status,
        serde_json::from_str(&text).unwrap_or(serde_json::Value::Null),
    )
}

/// The status, the value of the header `name` (empty without one) and the
/// body as text, of the answer to `request`.
pub async fn answer_with_header(
    request: reqwest::RequestBuilder,
    name: &str,
) -> (u16, String, String) {
    let response = request.send().await.expect("the app answers");
    let status = response.status().as_u16();
    let value = response
        .headers()
        .get(name)
        .map(|v| v.to_str().expect("a text header").to_owned())
        .unwrap_or_default();
    (
        status,
        value,
        response.text().await.expect("a readable body"),
    )
}

/// A database that is down: every call fails.
pub struct DownSql;

#[async_trait]
impl Sql for DownSql {
    async fn all(&self, _: Statement) -> Result<QueryResult, PlatformError> {
        Err(PlatformError::new("D1_ERROR: the database is unreachable"))
    }

    async fn batch(&self, _: Vec<Statement>) -> Result<Vec<QueryResult>, PlatformError> {
        Err(PlatformError::new("D1_ERROR: the database is unreachable"))
    }
}

/// An app whose database is down.
pub async fn spawn_app_without_database() -> TestApp {
    spawn_app_with(dev_config(), |mut state| {
        state.sql = Arc::new(DownSql);
        state
    })
    .await
}

/// Call Power's `api_key` in the apps [`spawn_callpower`] starts.
pub const CALLPOWER_KEY: &str = "callpower-test-admin-key-of-32-bytes-at-least";
const CALLPOWER_STATE_TOKEN: &str = "callpower-test-state-token-of-32-bytes";

/// The settings of a Call Power test app: the admin key, provider states.
pub fn callpower_config() -> Config {
    config_with(&[
        ("ADMIN_API_KEY", CALLPOWER_KEY),
        ("CONFORMANCE_STATE_TOKEN", CALLPOWER_STATE_TOKEN),
    ])
}

/// An app holding the conformance dataset `fixtures/datasets/<name>.json`
/// (Call Power's data replaced by it), its state adjusted by `adjust`.
pub async fn spawn_callpower_with(
    name: &str,
    adjust: impl FnOnce(AppState) -> AppState,
) -> TestApp {
    let app = spawn_app_with(callpower_config(), adjust).await;
    app.load_callpower(name).await;
    app
}

/// An app holding the conformance dataset `callpower`: campaigns 1 to 3,
/// targets 1 to 3, sessions 1 to 9, calls 1 to 15 (12 of campaign 1),
/// audio recordings 1 to 4.
pub async fn spawn_callpower() -> TestApp {
    spawn_callpower_with("callpower", |state| state).await
}

impl TestApp {
    /// Replaces Call Power's data with the conformance dataset `name`.
    pub async fn load_callpower(&self, name: &str) {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/datasets")
            .join(format!("{name}.json"));
        let dataset: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let response = self
            .request(reqwest::Method::POST, "/__conformance/state")
            .bearer_auth(CALLPOWER_STATE_TOKEN)
            .json(&serde_json::json!({"state": name, "dataset": dataset}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 204, "{}", response.text().await.unwrap());
    }

    /// `GET path` with the right `api_key` added to its query.
    pub fn callpower(&self, path: &str) -> reqwest::RequestBuilder {
        let separator = if path.contains('?') { '&' } else { '?' };
        self.get(&format!("{path}{separator}api_key={CALLPOWER_KEY}"))
    }

    /// `GET /api/calls` (with the key) searched with `q`, 100 a page: the
    /// status and the ids found, in order (none unless 200).
    pub async fn call_ids_found(&self, q: &serde_json::Value) -> (u16, Vec<i64>) {
        let (status, body) = answer(
            self.callpower("/api/calls")
                .query(&[("q", q.to_string()), ("results_per_page", "100".into())]),
        )
        .await;
        let ids = body["objects"]
            .as_array()
            .map(|objects| objects.iter().map(|o| o["id"].as_i64().unwrap()).collect())
            .unwrap_or_default();
        (status, ids)
    }
}
