//! The handler context: the ports, with SQL access metered per request (D1
//! round trips, rows read and written) for the access log.

use std::convert::Infallible;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use axum::extract::FromRequestParts;
use http::request::Parts;

use super::AppState;
use crate::config::Config;
use crate::ports::{
    Background, Channels, Clock, EdgeCache, HttpClient, Ids, Kv, Log, Meta, PlatformError,
    QueryResult, Sql, Statement,
};

/// What one request cost in D1.
#[derive(Debug, Default)]
pub struct Meter {
    round_trips: AtomicU64,
    rows_read: AtomicU64,
    rows_written: AtomicU64,
}

impl Meter {
    fn record(&self, metas: impl IntoIterator<Item = Meta>) {
        self.round_trips.fetch_add(1, Ordering::Relaxed);
        for meta in metas {
            self.rows_read.fetch_add(meta.rows_read, Ordering::Relaxed);
            self.rows_written
                .fetch_add(meta.rows_written, Ordering::Relaxed);
        }
    }

    pub fn round_trips(&self) -> u64 {
        self.round_trips.load(Ordering::Relaxed)
    }

    pub fn rows_read(&self) -> u64 {
        self.rows_read.load(Ordering::Relaxed)
    }

    pub fn rows_written(&self) -> u64 {
        self.rows_written.load(Ordering::Relaxed)
    }
}

/// SQL access for one request. Every call is one round trip to D1; a failed
/// call counts as one too.
#[derive(Clone)]
pub struct Db {
    sql: Arc<dyn Sql>,
    meter: Arc<Meter>,
}

impl Db {
    pub async fn all(&self, statement: Statement) -> Result<QueryResult, PlatformError> {
        let result = self.sql.all(statement).await;
        self.meter.record(result.as_ref().map(|r| r.meta).ok());
        result
    }

    /// The first row, decoded; the query should say `LIMIT 1` itself.
    pub async fn first<T: serde::de::DeserializeOwned>(
        &self,
        statement: Statement,
    ) -> Result<Option<T>, PlatformError> {
        Ok(self.all(statement).await?.decode()?.into_iter().next())
    }

    pub async fn run(&self, statement: Statement) -> Result<Meta, PlatformError> {
        let result = self.sql.run(statement).await;
        self.meter.record(result.as_ref().ok().copied());
        result
    }

    pub async fn batch(
        &self,
        statements: Vec<Statement>,
    ) -> Result<Vec<QueryResult>, PlatformError> {
        let result = self.sql.batch(statements).await;
        let metas: Vec<Meta> = result.iter().flatten().map(|r| r.meta).collect();
        self.meter.record(metas);
        result
    }
}

/// Everything a handler needs from the platform, in one extractor.
#[derive(Clone)]
pub struct Ctx {
    pub db: Db,
    pub kv: Arc<dyn Kv>,
    pub cache: Arc<dyn EdgeCache>,
    pub clock: Arc<dyn Clock>,
    pub ids: Arc<dyn Ids>,
    pub log: Arc<dyn Log>,
    /// Outbound HTTP, for calls to other services (best made in `background`).
    pub http: Arc<dyn HttpClient>,
    /// Work that runs after the response is sent.
    pub background: Arc<dyn Background>,
    /// Realtime events, and the built-in server's sockets.
    pub channels: Arc<dyn Channels>,
    pub config: Arc<Config>,
}

impl FromRequestParts<AppState> for Ctx {
    type Rejection = Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        // The edge middleware puts the request's meter in; without it (a
        // router used bare) the costs are simply not logged.
        let meter = parts
            .extensions
            .get::<Arc<Meter>>()
            .cloned()
            .unwrap_or_default();
        Ok(Self {
            db: Db {
                sql: state.sql.clone(),
                meter,
            },
            kv: state.kv.clone(),
            cache: state.cache.clone(),
            clock: state.clock.clone(),
            ids: state.ids.clone(),
            log: state.log.clone(),
            http: state.http.clone(),
            background: state.background.clone(),
            channels: state.channels.clone(),
            config: state.config.clone(),
        })
    }
}
