//! Realtime: a Pusher Channels server of our own, and the choice of where
//! the Aircall API's events go (`REALTIME_BACKEND`).
//!
//! - `protocol`: the WebSocket side of Pusher's protocol 7 (frames,
//!   subscriptions, private-channel signatures), pure.
//! - `trigger`: Pusher's HTTP trigger API, verified and signed, pure.
//! - `hub`: the built-in server's sockets (open, frames, close, fan-out),
//!   platform-free; the Durable Object in `platform/cloudflare/channels.rs`
//!   runs it over hibernatable WebSockets.
//! - `hosted`: the backends without sockets (Pusher's hosted service, off).
//! - `sockets`, `events`: the built-in server's routes, `GET /app/{key}` and
//!   `POST /apps/{app_id}/events`; `error`: Pusher's plain-text errors.
//!
//! The Aircall API signs its `/pusher/auth` answers with `protocol` and
//! publishes through the channels port (`ports::Channels`), whichever
//! backend [`channels`] picked.

mod error;
mod events;
pub mod hosted;
pub mod hub;
pub mod protocol;
mod sockets;
pub mod trigger;

use std::sync::Arc;

use axum::routing::{get, post};
use axum::Router;

use crate::config::{Config, Realtime};
use crate::http::{AppState, BodyLimit};
use crate::ports::{Channels, Clock, HttpClient};

pub use error::error_response;

/// The built-in server's routes. They answer 404 unless the backend is
/// `builtin`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/app/{key}", get(sockets::connect))
        .route("/apps/{app_id}/events", post(events::trigger))
}

/// The trigger API takes a body of at most `trigger::MAX_BODY` (100 KB).
pub const BODY_LIMITS: &[BodyLimit] =
    &[BodyLimit::new("POST", "/apps/*/events", trigger::MAX_BODY)];

/// The channels backend `config` asks for: the host's `builtin` server (a
/// Durable Object in Workers, a recorder natively), Pusher's hosted service
/// through `http`, or off.
pub fn channels(
    config: &Config,
    builtin: Arc<dyn Channels>,
    http: Arc<dyn HttpClient>,
    clock: Arc<dyn Clock>,
) -> Arc<dyn Channels> {
    match &config.realtime {
        Realtime::Builtin(_) => builtin,
        Realtime::Hosted { app, api } => Arc::new(hosted::HostedPusher {
            http,
            clock,
            app: app.clone(),
            api: api.clone(),
        }),
        Realtime::Off => Arc::new(hosted::Off),
    }
}
