//! `fetch` behind the outbound HTTP port, abandoned (and aborted) after a
//! timeout, and `ctx.wait_until` behind the background port.

use std::pin::pin;
use std::time::Duration;

use async_trait::async_trait;
use futures_util::future::{select, Either};
use worker::send::{SendFuture, SendWrapper};
use worker::wasm_bindgen::JsValue;
use worker::{AbortController, Context, Delay, Fetch, Headers, Method, Request, RequestInit};

use crate::ports::{
    timed_out, Background, HttpClient, OutboundRequest, OutboundResponse, PlatformError, Task,
};

/// `fetch`, given up after `timeout`: Workers set no timeout of their own, so
/// a peer that never answers would hold a background task until the
/// platform cuts it off, silently.
pub struct WorkersFetch {
    pub timeout: Duration,
}

/// Sends `request` and reads its answer whole; aborted through `controller`.
async fn exchange(
    request: OutboundRequest,
    controller: &AbortController,
) -> Result<OutboundResponse, PlatformError> {
    let headers = Headers::new();
    for (name, value) in &request.headers {
        headers.set(name, value).map_err(PlatformError::new)?;
    }
    let mut init = RequestInit::new();
    init.with_method(method(&request.method))
        .with_headers(headers)
        .with_body(request.body.as_deref().map(JsValue::from_str));
    let outbound = Request::new_with_init(&request.url, &init).map_err(PlatformError::new)?;
    let mut response = Fetch::Request(outbound)
        .send_with_signal(&controller.signal())
        .await
        .map_err(PlatformError::new)?;
    let body = response.text().await.map_err(PlatformError::new)?;
    Ok(OutboundResponse {
        status: response.status_code(),
        body,
    })
}

fn method(method: &http::Method) -> Method {
    Method::from(method.as_str().to_owned())
}

#[async_trait]
impl HttpClient for WorkersFetch {
    async fn send(&self, request: OutboundRequest) -> Result<OutboundResponse, PlatformError> {
        let timeout = self.timeout;
        SendFuture::new(async move {
            let controller = AbortController::default();
            let outcome = {
                let exchange = pin!(exchange(request, &controller));
                let deadline = pin!(Delay::from(timeout));
                match select(exchange, deadline).await {
                    Either::Left((outcome, _)) => Some(outcome),
                    Either::Right(((), _)) => None,
                }
            };
            match outcome {
                Some(outcome) => outcome,
                None => {
                    controller.abort();
                    Err(timed_out(timeout))
                }
            }
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
