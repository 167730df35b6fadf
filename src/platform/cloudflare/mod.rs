//! The Workers host: the fetch entry point, and the adapters from the ports to
//! D1, Workers KV, the Cache API, `fetch`, `waitUntil` and the console. The
//! only code that touches `worker::Env`.

mod cache;
mod d1;
mod kv;
mod outbound;

use std::sync::{Arc, OnceLock};

use tower_service::Service;
use worker::wasm_bindgen::JsValue;
use worker::{event, js_sys, Context, Env, HttpRequest};

use crate::app;
use crate::config::{Config, Setting};
use crate::http::AppState;
use crate::ports::{Clock, Ids, Log, OUTBOUND_TIMEOUT};

/// The binding names in `wrangler.toml`.
const D1_BINDING: &str = "DB";
const KV_BINDING: &str = "KV";

struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> chrono::DateTime<chrono::Utc> {
        chrono::Utc::now()
    }
}

struct RandomIds;

impl Ids for RandomIds {
    fn uuid(&self) -> uuid::Uuid {
        uuid::Uuid::new_v4()
    }
}

struct ConsoleLog;

impl Log for ConsoleLog {
    fn emit(&self, line: &serde_json::Value) {
        worker::console_log!("{line}");
    }
}

/// A setting as the environment holds it. `env.var()` would turn a `[vars]`
/// value of another type (a number, a boolean, an object) into an error,
/// which reads as "missing": it is read as it is instead, and reported.
fn setting(env: &Env, name: &str) -> Setting {
    let Ok(value) = js_sys::Reflect::get(env, &JsValue::from_str(name)) else {
        return Setting::Absent;
    };
    if value.is_undefined() || value.is_null() {
        return Setting::Absent;
    }
    if let Some(text) = value.as_string() {
        return Setting::Text(text);
    }
    Setting::Other(match value.js_typeof().as_string().as_deref() {
        Some("number") => "a number",
        Some("boolean") => "a boolean",
        _ => "an object",
    })
}

/// The configuration, read once per isolate; its problems are logged then.
static CONFIG: OnceLock<Arc<Config>> = OnceLock::new();

fn config(env: &Env) -> Arc<Config> {
    CONFIG
        .get_or_init(|| {
            let (config, problems) = Config::load(|name| setting(env, name));
            for problem in &problems {
                ConsoleLog.emit(&config.problem_line(problem));
            }
            Arc::new(config)
        })
        .clone()
}

fn state(env: &Env, context: Context) -> worker::Result<AppState> {
    Ok(AppState {
        sql: Arc::new(d1::D1::new(env.d1(D1_BINDING)?)),
        kv: Arc::new(kv::WorkersKv::new(env.kv(KV_BINDING)?)),
        cache: Arc::new(cache::EdgeCacheApi),
        clock: Arc::new(SystemClock),
        ids: Arc::new(RandomIds),
        log: Arc::new(ConsoleLog),
        http: Arc::new(outbound::WorkersFetch {
            timeout: OUTBOUND_TIMEOUT,
        }),
        background: Arc::new(outbound::WaitUntil::new(context)),
        config: config(env),
    })
}

#[event(start)]
fn start() {
    console_error_panic_hook::set_once();
}

#[event(fetch)]
async fn fetch(
    request: HttpRequest,
    env: Env,
    context: Context,
) -> worker::Result<http::Response<axum::body::Body>> {
    let mut router = app::router(state(&env, context)?);
    Ok(router.call(request).await?)
}
