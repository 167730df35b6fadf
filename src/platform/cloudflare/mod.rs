//! The Workers host: the fetch entry point, the adapters from the ports to
//! D1, Workers KV, the Cache API, `fetch`, `waitUntil` and the console, and
//! the built-in realtime server's Durable Object. The only code that touches
//! `worker::Env`.

mod cache;
mod channels;
mod d1;
mod kv;
mod outbound;

use std::sync::{Arc, OnceLock};

use tower_service::Service;
use worker::wasm_bindgen::JsValue;
use worker::{event, js_sys, Context, Env, HttpRequest};

use crate::config::{Config, Setting};
use crate::http::{host_error, AppState};
use crate::ports::{Clock, HttpClient, Ids, Log, OUTBOUND_TIMEOUT};
use crate::{aircall, app, realtime};

/// The binding names in `wrangler.toml`.
const D1_BINDING: &str = "DB";
const KV_BINDING: &str = "KV";
const ASSETS_BINDING: &str = "ASSETS";

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
    let config = config(env);
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let http: Arc<dyn HttpClient> = Arc::new(outbound::WorkersFetch {
        timeout: OUTBOUND_TIMEOUT,
    });
    // Without the binding, the built-in server answers every use with an
    // error that names it (logged), rather than failing every request.
    let builtin = Arc::new(channels::DurableChannels {
        namespace: env.durable_object(channels::BINDING).ok(),
        app: config.realtime.builtin().cloned(),
    });
    Ok(AppState {
        sql: Arc::new(d1::D1::new(env.d1(D1_BINDING)?)),
        kv: Arc::new(kv::WorkersKv::new(env.kv(KV_BINDING)?)),
        cache: Arc::new(cache::EdgeCacheApi),
        clock: clock.clone(),
        ids: Arc::new(RandomIds),
        log: Arc::new(ConsoleLog),
        channels: realtime::channels(&config, builtin, http.clone(), clock),
        http,
        background: Arc::new(outbound::WaitUntil::new(context)),
        config,
    })
}

#[event(start)]
fn start() {
    console_error_panic_hook::set_once();
}

/// A file of the `ASSETS` binding (`wrangler.toml`'s `[assets]`, npm's
/// `pusher-js/dist/web`): the one static file the worker serves, pusher-js
/// for the live page. Without the binding or the file: the host's 404.
async fn static_asset(env: &Env, file: &str) -> worker::Result<http::Response<axum::body::Body>> {
    let not_found = || {
        host_error(
            http::StatusCode::NOT_FOUND,
            &format!("{file} is not deployed with this worker"),
        )
    };
    let Ok(assets) = env.assets(ASSETS_BINDING) else {
        return Ok(not_found());
    };
    let response = assets
        .fetch(format!("https://assets.invalid/{file}"), None)
        .await?;
    if response.status() != http::StatusCode::OK {
        return Ok(not_found());
    }
    Ok(response.map(axum::body::Body::new))
}

#[event(fetch)]
async fn fetch(
    request: HttpRequest,
    env: Env,
    context: Context,
) -> worker::Result<http::Response<axum::body::Body>> {
    if matches!(*request.method(), http::Method::GET | http::Method::HEAD)
        && request.uri().path() == aircall::live::PUSHER_JS_PATH
    {
        return static_asset(&env, "pusher.min.js").await;
    }
    let mut router = app::router(state(&env, context)?);
    Ok(router.call(request).await?)
}
