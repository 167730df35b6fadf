//! `GET /app/{key}`: the WebSocket endpoint of the built-in realtime server
//! (Pusher's protocol 7), handed to the channels port, whose Workers adapter
//! passes the upgrade on to the Durable Object that holds the sockets.

use axum::extract::Request;
use axum::response::Response;
use http::header::{CONNECTION, UPGRADE};
use http::{HeaderMap, HeaderValue, StatusCode};

use super::error::{error_response, internal};
use crate::http::Ctx;

/// Whether `headers` ask for a WebSocket (`Upgrade: websocket`).
fn is_websocket_upgrade(headers: &HeaderMap) -> bool {
    headers
        .get(UPGRADE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.trim().eq_ignore_ascii_case("websocket"))
}

/// `GET /app/{key}?protocol=7&client=js&version=8.x` with
/// `Upgrade: websocket`: a pusher-js connection to the built-in server. The
/// Durable Object checks the key and protocol (and closes with Pusher's
/// 4001 to 4008 when they are wrong). Without an upgrade: 426. When the
/// backend is not `builtin`: 404, as an unknown path.
pub async fn connect(ctx: Ctx, request: Request) -> Response {
    if ctx.config.realtime.builtin().is_none() {
        return error_response(
            StatusCode::NOT_FOUND,
            &format!(
                "No realtime server here: REALTIME_BACKEND is {}, not builtin",
                ctx.config.realtime.name()
            ),
        );
    }
    if !is_websocket_upgrade(request.headers()) {
        let mut response = error_response(
            StatusCode::UPGRADE_REQUIRED,
            "Expected a WebSocket upgrade: connect with a Pusher client (protocol 7)",
        );
        let headers = response.headers_mut();
        headers.insert(UPGRADE, HeaderValue::from_static("websocket"));
        headers.insert(CONNECTION, HeaderValue::from_static("Upgrade"));
        return response;
    }
    match ctx.channels.connect(request).await {
        Some(Ok(response)) => response,
        Some(Err(error)) => internal(&error),
        None => error_response(
            StatusCode::NOT_IMPLEMENTED,
            "WebSocket connections are served by the Workers host only",
        ),
    }
}
