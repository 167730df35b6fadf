//! The edge cache port: whole responses by URL, for a time (the Cache API, one
//! copy per data center).

use std::time::Duration;

use async_trait::async_trait;
use bytes::Bytes;

use super::PlatformError;

/// A response as the cache keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CachedResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Bytes,
}

#[async_trait]
pub trait EdgeCache: Send + Sync {
    /// The response stored under `url`, unless it has expired.
    async fn get(&self, url: &str) -> Result<Option<CachedResponse>, PlatformError>;

    /// Stores `response` under `url` for `ttl`.
    async fn put(
        &self,
        url: &str,
        response: CachedResponse,
        ttl: Duration,
    ) -> Result<(), PlatformError>;

    /// Forgets the response stored under `url`, if any.
    async fn delete(&self, url: &str) -> Result<(), PlatformError>;
}
