//! In-memory stand-ins for Workers KV, the Cache API, the clock, randomness,
//! the log and the built-in realtime server (a recorder of what is
//! published). Expiry follows the (settable) clock.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::ports::{
    CachedResponse, ChannelEvent, Channels, Clock, Delivery, EdgeCache, Ids, Kv, Log, PlatformError,
};

fn poisoned() -> PlatformError {
    PlatformError::new("an in-memory store was poisoned")
}

fn expiry(clock: &dyn Clock, ttl: Duration) -> DateTime<Utc> {
    let ttl = chrono::Duration::from_std(ttl).unwrap_or(chrono::Duration::MAX);
    clock
        .now()
        .checked_add_signed(ttl)
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// A value and when it expires, if ever.
type Entry<V> = (V, Option<DateTime<Utc>>);

/// A map of entries that expire by the clock.
struct Expiring<V> {
    clock: Arc<dyn Clock>,
    entries: Mutex<HashMap<String, Entry<V>>>,
}

impl<V: Clone> Expiring<V> {
    fn new(clock: Arc<dyn Clock>) -> Self {
        Self {
            clock,
            entries: Mutex::new(HashMap::new()),
        }
    }

    fn get(&self, key: &str) -> Result<Option<V>, PlatformError> {
        let now = self.clock.now();
        let entries = self.entries.lock().map_err(|_| poisoned())?;
        Ok(entries
            .get(key)
            .filter(|(_, expires)| expires.is_none_or(|at| at > now))
            .map(|(value, _)| value.clone()))
    }

    fn put(&self, key: &str, value: V, ttl: Option<Duration>) -> Result<(), PlatformError> {
        let expires = ttl.map(|ttl| expiry(self.clock.as_ref(), ttl));
        let mut entries = self.entries.lock().map_err(|_| poisoned())?;
        entries.insert(key.to_owned(), (value, expires));
        Ok(())
    }

    fn delete(&self, key: &str) -> Result<(), PlatformError> {
        self.entries.lock().map_err(|_| poisoned())?.remove(key);
        Ok(())
    }
}

pub struct MemoryKv(Expiring<String>);

impl MemoryKv {
    pub fn new(clock: Arc<dyn Clock>) -> Self {
        Self(Expiring::new(clock))
    }
}

#[async_trait]
impl Kv for MemoryKv {
    async fn get(&self, key: &str) -> Result<Option<String>, PlatformError> {
        self.0.get(key)
    }

    async fn put(
        &self,
        key: &str,
        value: &str,
        ttl: Option<Duration>,
    ) -> Result<(), PlatformError> {
        self.0.put(key, value.to_owned(), ttl)
    }

    async fn delete(&self, key: &str) -> Result<(), PlatformError> {
        self.0.delete(key)
    }
}

pub struct MemoryCache(Expiring<CachedResponse>);

impl MemoryCache {
    pub fn new(clock: Arc<dyn Clock>) -> Self {
        Self(Expiring::new(clock))
    }
}

#[async_trait]
impl EdgeCache for MemoryCache {
    async fn get(&self, url: &str) -> Result<Option<CachedResponse>, PlatformError> {
        self.0.get(url)
    }

    async fn put(
        &self,
        url: &str,
        response: CachedResponse,
        ttl: Duration,
    ) -> Result<(), PlatformError> {
        self.0.put(url, response, Some(ttl))
    }

    async fn delete(&self, url: &str) -> Result<(), PlatformError> {
        self.0.delete(url)
    }
}

/// A clock that tells real time until a test sets it, then stays put.
#[derive(Default)]
pub struct ManualClock {
    fixed: Mutex<Option<DateTime<Utc>>>,
}

impl ManualClock {
    pub fn set(&self, at: DateTime<Utc>) {
        if let Ok(mut fixed) = self.fixed.lock() {
            *fixed = Some(at);
        }
    }

    /// Moves the clock forward (fixing it first, at the current time).
    pub fn advance(&self, by: Duration) {
        let next = expiry(self, by);
        self.set(next);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        self.fixed
            .lock()
            .ok()
            .and_then(|fixed| *fixed)
            .unwrap_or_else(Utc::now)
    }
}

/// Version 4 UUIDs from the operating system's randomness.
pub struct RandomIds;

impl Ids for RandomIds {
    fn uuid(&self) -> Uuid {
        Uuid::new_v4()
    }
}

/// Keeps every log line (for tests to read) and echoes it to stderr when
/// `SWITCHBOARD_LOG` is set.
#[derive(Default)]
pub struct MemoryLog {
    lines: Mutex<Vec<serde_json::Value>>,
}

impl MemoryLog {
    pub fn lines(&self) -> Vec<serde_json::Value> {
        self.lines
            .lock()
            .map(|lines| lines.clone())
            .unwrap_or_default()
    }
}

impl Log for MemoryLog {
    fn emit(&self, line: &serde_json::Value) {
        if std::env::var_os("SWITCHBOARD_LOG").is_some() {
            eprintln!("{line}");
        }
        if let Ok(mut lines) = self.lines.lock() {
            lines.push(line.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clock_at_noon() -> Arc<ManualClock> {
        let clock = Arc::new(ManualClock::default());
        clock.set(
            DateTime::parse_from_rfc3339("2026-01-01T12:00:00Z")
                .unwrap()
                .into(),
        );
        clock
    }

    #[tokio::test]
    async fn kv_values_expire_by_the_clock_and_can_be_deleted() {
        let clock = clock_at_noon();
        let kv = MemoryKv::new(clock.clone());
        kv.put("short", "a", Some(Duration::from_secs(60)))
            .await
            .unwrap();
        kv.put("forever", "b", None).await.unwrap();

        clock.advance(Duration::from_secs(59));
        assert_eq!(kv.get("short").await.unwrap().as_deref(), Some("a"));
        clock.advance(Duration::from_secs(1));
        assert_eq!(kv.get("short").await.unwrap(), None);
        assert_eq!(kv.get("forever").await.unwrap().as_deref(), Some("b"));

        kv.delete("forever").await.unwrap();
        assert_eq!(kv.get("forever").await.unwrap(), None);
    }

    #[tokio::test]
    async fn cached_responses_expire_by_the_clock() {
        let clock = clock_at_noon();
        let cache = MemoryCache::new(clock.clone());
        let response = CachedResponse {
            status: 200,
            headers: vec![("content-type".into(), "application/json".into())],
            body: bytes::Bytes::from_static(b"{}"),
        };
        cache
            .put(
                "https://x/count.json",
                response.clone(),
                Duration::from_secs(600),
            )
            .await
            .unwrap();

        clock.advance(Duration::from_secs(599));
        assert_eq!(
            cache.get("https://x/count.json").await.unwrap(),
            Some(response)
        );
        assert_eq!(cache.get("https://x/other.json").await.unwrap(), None);
        clock.advance(Duration::from_secs(1));
        assert_eq!(cache.get("https://x/count.json").await.unwrap(), None);
    }
}

/// The built-in realtime server on the native host: it serves no socket
/// (WebSockets are the Durable Object's, in Workers) and records every event
/// published, for tests to read.
#[derive(Default)]
pub struct MemoryChannels {
    events: Mutex<Vec<ChannelEvent>>,
}

impl MemoryChannels {
    /// The events published so far, oldest first.
    pub fn published(&self) -> Vec<ChannelEvent> {
        self.events
            .lock()
            .map(|events| events.clone())
            .unwrap_or_default()
    }
}

#[async_trait]
impl Channels for MemoryChannels {
    async fn publish(&self, event: ChannelEvent) -> Result<Delivery, PlatformError> {
        self.events.lock().map_err(|_| poisoned())?.push(event);
        Ok(Delivery::default())
    }

    async fn connect(
        &self,
        _: http::Request<axum::body::Body>,
    ) -> Option<Result<axum::response::Response, PlatformError>> {
        None
    }
}
