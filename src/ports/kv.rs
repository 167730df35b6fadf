//! The KV port: small text values by key, with an optional time to live.
//! Workers KV is eventually consistent across locations (about 60 s).

use std::time::Duration;

use async_trait::async_trait;

use super::PlatformError;

#[async_trait]
pub trait Kv: Send + Sync {
    async fn get(&self, key: &str) -> Result<Option<String>, PlatformError>;

    /// Stores `value`; with a `ttl` it expires then (Workers KV's floor is 60 s).
    async fn put(&self, key: &str, value: &str, ttl: Option<Duration>)
        -> Result<(), PlatformError>;

    async fn delete(&self, key: &str) -> Result<(), PlatformError>;
}
