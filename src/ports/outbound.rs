//! The outbound HTTP port: a request to another service (Workers: `fetch`;
//! natively: reqwest), with its whole answer read.

use async_trait::async_trait;

use super::PlatformError;

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
    /// an error is a request that got no answer.
    async fn send(&self, request: OutboundRequest) -> Result<OutboundResponse, PlatformError>;
}
