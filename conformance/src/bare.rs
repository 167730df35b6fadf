//! Requests sent with exactly the headers a step gives, for the steps that
//! must leave out one the usual client always adds (reqwest sends `Accept:
//! */*` with every request; a case may need to send no `Accept` at all).
//! Plain hyper over rustls, which adds nothing but `Host`.

use std::time::Duration;

use base64::Engine;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;

use crate::record::RawResponse;

/// Sends `method url` with `headers` (and HTTP Basic credentials, if any)
/// and `body`; `Ok(None)` when `timeout` passes first.
pub async fn send(
    method: &str,
    url: &str,
    headers: &[(String, String)],
    basic: Option<&(String, String)>,
    body: Option<&str>,
    timeout: Duration,
) -> Result<Option<RawResponse>, String> {
    let connector = hyper_rustls::HttpsConnectorBuilder::new()
        .with_webpki_roots()
        .https_or_http()
        .enable_http1()
        .build();
    let client: Client<_, Full<Bytes>> = Client::builder(TokioExecutor::new()).build(connector);
    let mut request = http::Request::builder().method(method).uri(url);
    for (name, value) in headers {
        request = request.header(name, value);
    }
    if let Some((user, password)) = basic {
        let token = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
        request = request.header("authorization", format!("Basic {token}"));
    }
    let request = request
        .body(Full::new(Bytes::from(body.unwrap_or_default().to_owned())))
        .map_err(|e| format!("{method} {url}: {e}"))?;
    let exchange = async {
        let response = client
            .request(request)
            .await
            .map_err(|e| format!("{method} {url}: {e}"))?;
        let status = response.status().as_u16();
        let headers = RawResponse::header_pairs(response.headers());
        let body = response
            .into_body()
            .collect()
            .await
            .map_err(|e| format!("reading the answer of {url}: {e}"))?
            .to_bytes()
            .to_vec();
        Ok::<_, String>(RawResponse {
            status,
            headers,
            body,
        })
    };
    match tokio::time::timeout(timeout, exchange).await {
        Ok(answer) => answer.map(Some),
        Err(_) => Ok(None),
    }
}
