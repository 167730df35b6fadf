//! The channels port: realtime events for the subscribers of Pusher-style
//! channels, and the WebSocket connections of a server of our own. Workers:
//! the built-in Pusher-compatible server (a Durable Object), Pusher's hosted
//! service (its HTTP API), or nothing; natively: a recorder that tests read.

use async_trait::async_trait;
use axum::body::Body;
use axum::response::Response;
use serde::{Deserialize, Serialize};

use super::PlatformError;

/// One event to publish: `data` (usually a JSON text) as event `name` on
/// each of `channels`, to every subscriber but the socket `socket_id` (the
/// sender's own, when the publisher names one).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelEvent {
    pub name: String,
    pub channels: Vec<String>,
    pub data: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub socket_id: Option<String>,
}

/// What a publication reached, when the backend can tell (the built-in
/// server counts its sockets; Pusher's service and the recorder say zero).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delivery {
    /// Sockets that were sent at least one frame.
    pub sockets: u64,
    /// Frames sent (a socket subscribed to two of the channels gets two).
    pub frames: u64,
    /// Frames that could not be sent (a socket closing meanwhile).
    pub failed: u64,
}

#[async_trait]
pub trait Channels: Send + Sync {
    /// Publishes `event` now; an error says why it was not delivered.
    async fn publish(&self, event: ChannelEvent) -> Result<Delivery, PlatformError>;

    /// Serves a WebSocket upgrade of `/app/{key}` (Pusher's protocol 7) when
    /// this backend holds sockets of its own: the answer (101 with its
    /// socket), or `None` when it holds none (Pusher's hosted service, off,
    /// the native host).
    async fn connect(
        &self,
        request: http::Request<Body>,
    ) -> Option<Result<Response, PlatformError>>;
}
