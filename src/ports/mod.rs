//! The platform's ports: the small traits through which handlers reach storage,
//! KV, the edge cache, the clock, randomness, the log, outbound HTTP, work
//! that runs after the response, and realtime channels.
//!
//! Two sets of adapters implement them: `platform::cloudflare` (D1, Workers KV,
//! the Cache API; the only code that touches `worker::Env`) and
//! `platform::native` (SQLite, maps in memory, a settable clock) for `cargo test`.

mod background;
mod cache;
mod channels;
mod clock;
mod kv;
mod log;
mod outbound;
mod sql;

pub use background::{Background, Task};
pub use cache::{CachedResponse, EdgeCache};
pub use channels::{ChannelEvent, Channels, Delivery};
pub use clock::{Clock, Ids};
pub use kv::Kv;
pub use log::Log;
pub use outbound::{timed_out, HttpClient, OutboundRequest, OutboundResponse, OUTBOUND_TIMEOUT};
pub use sql::{Meta, QueryResult, Row, Sql, SqlValue, Statement, MAX_EXACT_INTEGER};

/// A failure of the platform underneath a port (D1, KV, the cache).
///
/// It is never shown to a client: the API layers log it and answer their own
/// dialect's 500.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlatformError(pub String);

impl PlatformError {
    pub fn new(message: impl std::fmt::Display) -> Self {
        Self(message.to_string())
    }
}

impl std::fmt::Display for PlatformError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for PlatformError {}
