//! The state every route is served with: the platform's ports and the
//! configuration. It lives here, below the API modules, so that they and the
//! router that merges them (`app.rs`) all import it from one place.

use std::sync::Arc;

use crate::config::Config;
use crate::ports::{Background, Channels, Clock, EdgeCache, HttpClient, Ids, Kv, Log, Sql};

/// The ports and the configuration. Cheap to clone; handlers take what they
/// need through [`crate::http::Ctx`].
#[derive(Clone)]
pub struct AppState {
    pub sql: Arc<dyn Sql>,
    pub kv: Arc<dyn Kv>,
    pub cache: Arc<dyn EdgeCache>,
    pub clock: Arc<dyn Clock>,
    pub ids: Arc<dyn Ids>,
    pub log: Arc<dyn Log>,
    pub http: Arc<dyn HttpClient>,
    pub background: Arc<dyn Background>,
    /// Realtime events (the backend `config.realtime` picks).
    pub channels: Arc<dyn Channels>,
    pub config: Arc<Config>,
}
