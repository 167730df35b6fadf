//! reqwest behind the outbound HTTP port, and tokio tasks behind the
//! background port.

use std::time::Duration;

use async_trait::async_trait;

use crate::ports::{
    Background, HttpClient, OutboundRequest, OutboundResponse, PlatformError, Task,
};

/// Plain HTTP only (the native host talks to local mocks); 10 s at most per
/// request.
pub struct ReqwestHttp(reqwest::Client);

impl ReqwestHttp {
    pub fn new() -> Result<Self, PlatformError> {
        reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .map(Self)
            .map_err(PlatformError::new)
    }
}

#[async_trait]
impl HttpClient for ReqwestHttp {
    async fn send(&self, request: OutboundRequest) -> Result<OutboundResponse, PlatformError> {
        let mut builder = self.0.request(request.method, &request.url);
        for (name, value) in request.headers {
            builder = builder.header(name, value);
        }
        if let Some(body) = request.body {
            builder = builder.body(body);
        }
        let response = builder.send().await.map_err(PlatformError::new)?;
        let status = response.status().as_u16();
        let body = response.text().await.map_err(PlatformError::new)?;
        Ok(OutboundResponse { status, body })
    }
}

/// Each task on the tokio runtime, not awaited by the request.
pub struct TokioBackground;

impl Background for TokioBackground {
    fn spawn(&self, task: Task) {
        tokio::spawn(task);
    }
}
