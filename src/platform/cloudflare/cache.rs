//! The Cache API (the data center's default cache) behind the edge cache port.

use std::time::Duration;

use async_trait::async_trait;
use bytes::Bytes;
use worker::send::SendFuture;
use worker::{Cache, Headers, Response};

use crate::ports::{CachedResponse, EdgeCache, PlatformError};

pub struct EdgeCacheApi;

#[async_trait]
impl EdgeCache for EdgeCacheApi {
    async fn get(&self, url: &str) -> Result<Option<CachedResponse>, PlatformError> {
        let url = url.to_owned();
        SendFuture::new(async move {
            let Some(mut response) = Cache::default()
                .get(url, false)
                .await
                .map_err(PlatformError::new)?
            else {
                return Ok(None);
            };
            let body = response.bytes().await.map_err(PlatformError::new)?;
            Ok(Some(CachedResponse {
                status: response.status_code(),
                headers: response.headers().entries().collect(),
                body: Bytes::from(body),
            }))
        })
        .await
    }

    async fn put(
        &self,
        url: &str,
        response: CachedResponse,
        ttl: Duration,
    ) -> Result<(), PlatformError> {
        let url = url.to_owned();
        SendFuture::new(async move {
            let headers = Headers::new();
            for (name, value) in &response.headers {
                headers.set(name, value).map_err(PlatformError::new)?;
            }
            // The Cache API keeps a response only with a max-age.
            headers
                .set("cache-control", &format!("max-age={}", ttl.as_secs()))
                .map_err(PlatformError::new)?;
            let stored = Response::from_bytes(response.body.to_vec())
                .map_err(PlatformError::new)?
                .with_status(response.status)
                .with_headers(headers);
            Cache::default()
                .put(url, stored)
                .await
                .map_err(PlatformError::new)
        })
        .await
    }

    async fn delete(&self, url: &str) -> Result<(), PlatformError> {
        let url = url.to_owned();
        SendFuture::new(async move {
            Cache::default()
                .delete(url, false)
                .await
                .map(|_| ())
                .map_err(PlatformError::new)
        })
        .await
    }
}
