//! The native host: the same router on tokio, with SQLite standing in for D1,
//! maps in memory for KV and the edge cache, a settable clock, a log kept in
//! memory, reqwest for outbound HTTP, tokio tasks for background work and a
//! recorder for realtime events, so that integration tests run over real HTTP
//! in milliseconds.

mod memory;
mod outbound;
mod sqlite;

use std::path::Path;
use std::sync::Arc;

pub use memory::{ManualClock, MemoryCache, MemoryChannels, MemoryKv, MemoryLog, RandomIds};
pub use outbound::{ReqwestHttp, TokioBackground};
pub use sqlite::SqliteDb;

use crate::app;
use crate::config::Config;
use crate::http::AppState;
use crate::ports::{PlatformError, OUTBOUND_TIMEOUT};
use crate::realtime;

/// Every native adapter, each kept concrete so that a test can reach in (set the
/// clock, read the log, query the database directly).
#[derive(Clone)]
pub struct NativePlatform {
    pub db: Arc<SqliteDb>,
    pub kv: Arc<MemoryKv>,
    pub cache: Arc<MemoryCache>,
    pub clock: Arc<ManualClock>,
    pub log: Arc<MemoryLog>,
    pub http: Arc<ReqwestHttp>,
    /// What the built-in realtime backend was asked to publish.
    pub channels: Arc<MemoryChannels>,
    pub config: Arc<Config>,
}

impl NativePlatform {
    /// A fresh in-memory database with the project's `migrations/*.sql`
    /// applied, then, when `with_demo` is set, its `demo/*.sql`: the very files
    /// `wrangler d1` applies to D1.
    pub fn new(
        project_root: &Path,
        config: Config,
        with_demo: bool,
    ) -> Result<Self, PlatformError> {
        let db = SqliteDb::open_in_memory()?;
        db.execute_dir(&project_root.join("migrations"))?;
        if with_demo {
            db.execute_dir(&project_root.join("demo"))?;
        }
        let clock = Arc::new(ManualClock::default());
        Ok(Self {
            db: Arc::new(db),
            kv: Arc::new(MemoryKv::new(clock.clone())),
            cache: Arc::new(MemoryCache::new(clock.clone())),
            clock,
            log: Arc::new(MemoryLog::default()),
            http: Arc::new(ReqwestHttp::new(OUTBOUND_TIMEOUT)?),
            channels: Arc::new(MemoryChannels::default()),
            config: Arc::new(config),
        })
    }

    /// The state routes are served with: the ports, the realtime backend the
    /// configuration picks (the recorder stands for the built-in server).
    pub fn state(&self) -> AppState {
        let channels = realtime::channels(
            &self.config,
            self.channels.clone(),
            self.http.clone(),
            self.clock.clone(),
        );
        AppState {
            sql: self.db.clone(),
            kv: self.kv.clone(),
            cache: self.cache.clone(),
            clock: self.clock.clone(),
            ids: Arc::new(RandomIds),
            log: self.log.clone(),
            http: self.http.clone(),
            background: Arc::new(TokioBackground),
            channels,
            config: self.config.clone(),
        }
    }
}

/// Serves the router on `listener` until the task is dropped.
pub async fn serve(listener: tokio::net::TcpListener, state: AppState) -> std::io::Result<()> {
    axum::serve(listener, app::router(state)).await
}
