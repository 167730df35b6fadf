//! Workers KV behind the KV port.

use std::time::Duration;

use async_trait::async_trait;
use worker::send::SendFuture;
use worker::KvStore;

use crate::ports::{Kv, PlatformError};

/// Workers KV refuses expirations shorter than this.
const MIN_TTL: Duration = Duration::from_secs(60);

pub struct WorkersKv(KvStore);

impl WorkersKv {
    pub fn new(store: KvStore) -> Self {
        Self(store)
    }
}

#[async_trait]
impl Kv for WorkersKv {
    async fn get(&self, key: &str) -> Result<Option<String>, PlatformError> {
        SendFuture::new(self.0.get(key).text())
            .await
            .map_err(PlatformError::new)
    }

    async fn put(
        &self,
        key: &str,
        value: &str,
        ttl: Option<Duration>,
    ) -> Result<(), PlatformError> {
        let mut put = self.0.put(key, value).map_err(PlatformError::new)?;
        if let Some(ttl) = ttl {
            put = put.expiration_ttl(ttl.max(MIN_TTL).as_secs());
        }
        SendFuture::new(put.execute())
            .await
            .map_err(PlatformError::new)
    }

    async fn delete(&self, key: &str) -> Result<(), PlatformError> {
        SendFuture::new(self.0.delete(key))
            .await
            .map_err(PlatformError::new)
    }
}
