//! reqwest behind the outbound HTTP port, and tokio tasks behind the
//! background port.

use std::time::Duration;

use async_trait::async_trait;

use crate::ports::{
    timed_out, Background, HttpClient, OutboundRequest, OutboundResponse, PlatformError, Task,
};

/// Plain HTTP only (the native host talks to local mocks), abandoned after a
/// timeout (the platform's [`crate::ports::OUTBOUND_TIMEOUT`], or a shorter
/// one in tests).
pub struct ReqwestHttp {
    client: reqwest::Client,
    timeout: Duration,
}

impl ReqwestHttp {
    pub fn new(timeout: Duration) -> Result<Self, PlatformError> {
        reqwest::Client::builder()
            .timeout(timeout)
            .build()
            .map(|client| Self { client, timeout })
            .map_err(PlatformError::new)
    }

    fn error(&self, error: reqwest::Error) -> PlatformError {
        if error.is_timeout() {
            timed_out(self.timeout)
        } else {
            PlatformError::new(error)
        }
    }
}

#[async_trait]
impl HttpClient for ReqwestHttp {
    async fn send(&self, request: OutboundRequest) -> Result<OutboundResponse, PlatformError> {
        let mut builder = self.client.request(request.method, &request.url);
        for (name, value) in request.headers {
            builder = builder.header(name, value);
        }
        if let Some(body) = request.body {
            builder = builder.body(body);
        }
        let response = builder.send().await.map_err(|e| self.error(e))?;
        let status = response.status().as_u16();
        let body = response.text().await.map_err(|e| self.error(e))?;
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
