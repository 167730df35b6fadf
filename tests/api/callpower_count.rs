//! `GET /api/campaign/<id>/count.json`, public and cached: the counts, and
//! the path of an answer (edge cache, then KV, then D1, with both copies
//! filled after the response), proven by counting every call to the ports.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{TimeZone, Utc};
use serde_json::{json, Value};
use switchboard::http::AppState;
use switchboard::ports::{
    CachedResponse, EdgeCache, Kv, PlatformError, QueryResult, Sql, Statement,
};

use crate::helpers::{answer, spawn_callpower, spawn_callpower_with, TestApp};

/// Calls made to one port.
#[derive(Default)]
struct Calls {
    reads: AtomicUsize,
    writes: AtomicUsize,
}

impl Calls {
    fn read(&self) {
        self.reads.fetch_add(1, Ordering::SeqCst);
    }
    fn wrote(&self) {
        self.writes.fetch_add(1, Ordering::SeqCst);
    }
    fn get(&self) -> (usize, usize) {
        (
            self.reads.load(Ordering::SeqCst),
            self.writes.load(Ordering::SeqCst),
        )
    }
}

/// How KV and the edge cache behave, beside counting.
#[derive(Clone, Copy, Default)]
struct Behaviour {
    /// Every read fails.
    fail_reads: bool,
    /// Every write takes a second.
    slow_writes: bool,
}

/// The ports of an app, each counting its calls.
struct Counted<T: ?Sized> {
    inner: Arc<T>,
    calls: Arc<Calls>,
    behaviour: Behaviour,
}

impl<T: ?Sized> Counted<T> {
    async fn write(&self) {
        if self.behaviour.slow_writes {
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
        self.calls.wrote();
    }
}

#[async_trait]
impl Sql for Counted<dyn Sql> {
    async fn all(&self, statement: Statement) -> Result<QueryResult, PlatformError> {
        self.calls.read();
        self.inner.all(statement).await
    }

    async fn batch(&self, statements: Vec<Statement>) -> Result<Vec<QueryResult>, PlatformError> {
        self.calls.wrote();
        self.inner.batch(statements).await
    }
}

#[async_trait]
impl Kv for Counted<dyn Kv> {
    async fn get(&self, key: &str) -> Result<Option<String>, PlatformError> {
        self.calls.read();
        if self.behaviour.fail_reads {
            return Err(PlatformError::new("KV is unreachable"));
        }
        self.inner.get(key).await
    }

    async fn put(
        &self,
        key: &str,
        value: &str,
        ttl: Option<Duration>,
    ) -> Result<(), PlatformError> {
        self.write().await;
        self.inner.put(key, value, ttl).await
    }

    async fn delete(&self, key: &str) -> Result<(), PlatformError> {
        self.calls.wrote();
        self.inner.delete(key).await
    }
}

#[async_trait]
impl EdgeCache for Counted<dyn EdgeCache> {
    async fn get(&self, url: &str) -> Result<Option<CachedResponse>, PlatformError> {
        self.calls.read();
        if self.behaviour.fail_reads {
            return Err(PlatformError::new("the cache is unreachable"));
        }
        self.inner.get(url).await
    }

    async fn put(
        &self,
        url: &str,
        response: CachedResponse,
        ttl: Duration,
    ) -> Result<(), PlatformError> {
        self.write().await;
        self.inner.put(url, response, ttl).await
    }

    async fn delete(&self, url: &str) -> Result<(), PlatformError> {
        self.calls.wrote();
        self.inner.delete(url).await
    }
}

/// The counters of an app's SQL, KV and edge cache.
struct Meters {
    sql: Arc<Calls>,
    kv: Arc<Calls>,
    cache: Arc<Calls>,
}

impl Meters {
    /// (SQL reads, KV reads, KV writes, cache reads, cache writes).
    fn now(&self) -> (usize, usize, usize, usize, usize) {
        let (kv_reads, kv_writes) = self.kv.get();
        let (cache_reads, cache_writes) = self.cache.get();
        (
            self.sql.get().0,
            kv_reads,
            kv_writes,
            cache_reads,
            cache_writes,
        )
    }
}

/// An app on the dataset `callpower`, its ports counted from now on.
async fn counted_app(behaviour: Behaviour) -> (TestApp, Meters) {
    let meters = Meters {
        sql: Arc::default(),
        kv: Arc::default(),
        cache: Arc::default(),
    };
    let (sql, kv, cache) = (meters.sql.clone(), meters.kv.clone(), meters.cache.clone());
    let app = spawn_callpower_with("callpower", move |state: AppState| AppState {
        sql: Arc::new(Counted {
            inner: state.sql.clone(),
            calls: sql,
            behaviour: Behaviour::default(),
        }),
        kv: Arc::new(Counted {
            inner: state.kv.clone(),
            calls: kv,
            behaviour,
        }),
        cache: Arc::new(Counted {
            inner: state.cache.clone(),
            calls: cache,
            behaviour,
        }),
        ..state
    })
    .await;
    (app, meters_after_setup(meters))
}

/// The meters, zeroed after the dataset's load.
fn meters_after_setup(meters: Meters) -> Meters {
    for calls in [&meters.sql, &meters.kv, &meters.cache] {
        calls.reads.store(0, Ordering::SeqCst);
        calls.writes.store(0, Ordering::SeqCst);
    }
    meters
}

/// Lets the work after the response (filling the copies) finish.
async fn settle() {
    tokio::time::sleep(Duration::from_millis(100)).await;
}

const COUNT: &str = "/api/campaign/1/count.json";

#[tokio::test]
async fn the_count_is_public_and_counts_completed_calls_and_referral_codes() {
    let app = spawn_callpower().await;
    // After every call of the dataset: April 5th, 20:00 UTC.
    app.platform
        .clock
        .set(Utc.with_ymd_and_hms(2024, 4, 5, 20, 0, 0).unwrap());
    let expected = json!({
        "completed": 7, "last_24h": 1, "last_week": 2,
        "referral_codes": {"bees-fb": 3, "bees-tw": 2}
    });
    assert_eq!(answer(app.get(COUNT)).await, (200, expected.clone()));
    assert_eq!(answer(app.callpower(COUNT)).await, (200, expected));
    assert_eq!(
        answer(app.get("/api/campaign/3/count.json")).await,
        (
            200,
            json!({"completed": 0, "last_24h": 0, "last_week": 0, "referral_codes": {}})
        )
    );
}

#[tokio::test]
async fn a_cache_hit_touches_neither_kv_nor_d1_whatever_the_query_string() {
    let (app, meters) = counted_app(Behaviour::default()).await;

    let (status, first) = answer(app.get(COUNT)).await;
    assert_eq!(status, 200);
    settle().await;
    // A miss: the cache, then KV, then one D1 query; both copies filled.
    assert_eq!(meters.now(), (1, 1, 1, 1, 1));

    for path in [COUNT, "/api/campaign/1/count.json?callback=x&_=123", COUNT] {
        assert_eq!(answer(app.get(path)).await, (200, first.clone()), "{path}");
    }
    settle().await;
    // Three hits: three cache reads, nothing else.
    assert_eq!(meters.now(), (1, 1, 1, 4, 1));
}

#[tokio::test]
async fn the_copies_are_filled_after_the_answer_not_before_it() {
    let (app, meters) = counted_app(Behaviour {
        fail_reads: false,
        slow_writes: true,
    })
    .await;
    let started = std::time::Instant::now();
    let (status, _) = answer(app.get(COUNT)).await;
    assert_eq!(status, 200);
    assert!(
        started.elapsed() < Duration::from_millis(900),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(meters.now(), (1, 1, 0, 1, 0));
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(meters.now(), (1, 1, 1, 1, 1));
}

#[tokio::test]
async fn another_location_is_served_from_kv_and_fills_its_own_cache() {
    let (app, meters) = counted_app(Behaviour::default()).await;
    let (_, first) = answer(app.get(COUNT)).await;
    settle().await;
    assert_eq!(meters.now(), (1, 1, 1, 1, 1));

    // Another host name keys another cache entry: as a data center whose
    // cache is empty, it reads KV's copy, not D1.
    let elsewhere = || app.get(COUNT).header("host", "elsewhere.example");
    assert_eq!(answer(elsewhere()).await, (200, first.clone()));
    settle().await;
    assert_eq!(meters.now(), (1, 2, 1, 2, 2));
    assert_eq!(answer(elsewhere()).await, (200, first));
    assert_eq!(meters.now(), (1, 2, 1, 3, 2));
}

#[tokio::test]
async fn an_answer_lives_ten_minutes_says_how_long_is_left_and_has_an_etag() {
    let (app, meters) = counted_app(Behaviour::default()).await;
    let start = Utc.with_ymd_and_hms(2024, 4, 5, 20, 0, 0).unwrap();
    app.platform.clock.set(start);

    let response = app.get(COUNT).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["cache-control"], "public, max-age=600");
    assert_eq!(response.headers()["content-type"], "application/json");
    let etag = response.headers()["etag"].to_str().unwrap().to_owned();
    assert!(
        etag.starts_with('"') && etag.ends_with('"') && etag.len() == 34,
        "{etag}"
    );
    settle().await;

    app.platform
        .clock
        .set(start + chrono::Duration::seconds(100));
    let response = app.get(COUNT).send().await.unwrap();
    assert_eq!(response.headers()["cache-control"], "public, max-age=500");
    assert_eq!(response.headers()["etag"], etag.as_str());

    for given in [
        etag.clone(),
        format!("\"other\", {etag}"),
        format!("W/{etag}"),
        "*".into(),
    ] {
        let response = app
            .get(COUNT)
            .header("if-none-match", &given)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 304, "{given}");
        assert_eq!(response.headers()["etag"], etag.as_str());
        assert_eq!(response.headers()["access-control-allow-origin"], "*");
        assert!(response.bytes().await.unwrap().is_empty());
    }
    let response = app
        .get(COUNT)
        .header("if-none-match", "\"other\"")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(meters.now().0, 1, "every answer so far came from the cache");

    // Past ten minutes both copies are stale: D1 is read again.
    app.platform
        .clock
        .set(start + chrono::Duration::seconds(601));
    let response = app.get(COUNT).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["cache-control"], "public, max-age=600");
    assert_eq!(meters.now().0, 2);
}

#[tokio::test]
async fn when_kv_and_the_cache_fail_the_count_comes_from_d1_and_the_failure_is_logged() {
    let (app, meters) = counted_app(Behaviour {
        fail_reads: true,
        slow_writes: false,
    })
    .await;
    let (status, body) = answer(app.get(COUNT)).await;
    assert_eq!(status, 200);
    assert_eq!(body["completed"], 7);
    assert_eq!(meters.now().0, 1);
    let errors: Vec<Value> = app
        .log()
        .into_iter()
        .filter(|line| line["event"] == "callpower_count")
        .collect();
    assert_eq!(errors.len(), 2, "{errors:?}");
}

#[tokio::test]
async fn an_unknown_campaign_is_not_cached() {
    let (app, meters) = counted_app(Behaviour::default()).await;
    for _ in 0..2 {
        let (status, body) = answer(app.get("/api/campaign/42/count.json")).await;
        assert_eq!(
            (status, body),
            (404, json!({"message": "No such campaign"}))
        );
    }
    settle().await;
    assert_eq!(meters.now(), (2, 2, 0, 2, 0));
}

#[tokio::test]
async fn loading_a_provider_state_purges_the_counts_it_replaces() {
    let app = spawn_callpower().await;
    app.platform
        .clock
        .set(Utc.with_ymd_and_hms(2024, 4, 5, 20, 0, 0).unwrap());
    let (_, before) = answer(app.get(COUNT)).await;
    assert_eq!(before["completed"], 7);
    settle().await;

    app.load_callpower("callpower-many-calls").await;
    let (_, after) = answer(app.get(COUNT)).await;
    assert_eq!(after["completed"], 80);
}
