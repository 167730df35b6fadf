//! `fetch` behind the outbound HTTP port, and `ctx.wait_until` behind the
//! background port.

use async_trait::async_trait;
use worker::send::{SendFuture, SendWrapper};
use worker::wasm_bindgen::JsValue;
use worker::{Context, Fetch, Headers, Method, Request, RequestInit};

use crate::ports::{
    Background, HttpClient, OutboundRequest, OutboundResponse, PlatformError, Task,
};

pub struct WorkersFetch;

fn method(method: &http::Method) -> Method {
    Method::from(method.as_str().to_owned())
}

#[async_trait]
impl HttpClient for WorkersFetch {
    async fn send(&self, request: OutboundRequest) -> Result<OutboundResponse, PlatformError> {
        SendFuture::new(async move {
            let headers = Headers::new();
            for (name, value) in &request.headers {
                headers.set(name, value).map_err(PlatformError::new)?;
            }
            let mut init = RequestInit::new();
            init.with_method(method(&request.method))
                .with_headers(headers)
                .with_body(request.body.as_deref().map(JsValue::from_str));
            let outbound =
                Request::new_with_init(&request.url, &init).map_err(PlatformError::new)?;
            let mut response = Fetch::Request(outbound)
                .send()
                .await
                .map_err(PlatformError::new)?;
            let body = response.text().await.map_err(PlatformError::new)?;
            Ok(OutboundResponse {
                status: response.status_code(),
                body,
            })
        })
        .await
    }
}

/// The request's execution context: tasks given to it run after the response
/// is sent, for as long as Workers allow (`waitUntil`).
pub struct WaitUntil(SendWrapper<Context>);

impl WaitUntil {
    pub fn new(context: Context) -> Self {
        Self(SendWrapper::new(context))
    }
}

impl Background for WaitUntil {
    fn spawn(&self, task: Task) {
        self.0.wait_until(task);
    }
}
