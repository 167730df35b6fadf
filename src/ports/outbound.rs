//! The outbound HTTP port: a request to another service (Workers: `fetch`;
//! natively: reqwest), with its whole answer read.

use std::time::Duration;

use async_trait::async_trait;

use super::PlatformError;

/// How long a request to another service may take, answer read, in both
/// hosts. Pusher answers in milliseconds; a request still waiting after this
/// is abandoned (and its caller logs why), so no background task waits
/// until the platform cuts it off.
pub const OUTBOUND_TIMEOUT: Duration = Duration::from_secs(5);

/// The error of a request abandoned after `timeout`.
pub fn timed_out(timeout: Duration) -> PlatformError {
    PlatformError::new(format!(
        "timed out: no answer within {} ms",
        timeout.as_millis()
    ))
}

/// A request to send. The body is text: every caller sends JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboundRequest {
    pub method: http::Method,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Option<String>,
}

/// The answer, read whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboundResponse {
    pub status: u16,
    pub body: String,
}

#[async_trait]
pub trait HttpClient: Send + Sync {
    /// Sends `request`. A status of 400 or more is an answer, not an error;
    /// an error is a request that got no answer, in time or at all.
    async fn send(&self, request: OutboundRequest) -> Result<OutboundResponse, PlatformError>;
}
