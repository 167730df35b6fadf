//! `POST /apps/{app_id}/events`: Pusher's HTTP trigger API on the built-in
//! realtime server, so that Pusher's own server libraries publish to it.

use axum::extract::Request;
use axum::response::{IntoResponse, Response};
use axum::Json;
use http::StatusCode;
use http_body_util::BodyExt;
use serde_json::json;

use super::error::{error_response, internal};
use super::trigger;
use crate::http::Ctx;
use crate::ports::ChannelEvent;

/// `POST /apps/{app_id}/events?auth_key=…&auth_timestamp=…&auth_version=1.0&
/// body_md5=…&auth_signature=…` with `{"name", "channels" or "channel",
/// "data", "socket_id"?}`: verified as Pusher verifies it (`trigger::verify`:
/// 404 another app, 401 a bad key, version, signature, `body_md5` or a
/// timestamp more than 600 s away, 400 a bad body, 413 data over 10 KB),
/// then published to the built-in server's sockets before answering
/// `200 {}`. When the backend is not `builtin`: 404, as an unknown path.
pub async fn trigger(ctx: Ctx, request: Request) -> Response {
    let Some(app) = ctx.config.realtime.builtin() else {
        return error_response(
            StatusCode::NOT_FOUND,
            &format!(
                "No realtime server here: REALTIME_BACKEND is {}, not builtin",
                ctx.config.realtime.name()
            ),
        );
    };
    let (parts, body) = request.into_parts();
    // The edge layer has read the body already, within this route's limit.
    let body = match body.collect().await {
        Ok(body) => body.to_bytes(),
        Err(_) => return error_response(StatusCode::BAD_REQUEST, "The body could not be read"),
    };
    let verified = trigger::verify(
        &trigger::App::from(app),
        parts.method.as_str(),
        parts.uri.path(),
        parts.uri.query().unwrap_or_default(),
        &body,
        ctx.clock.now().timestamp(),
    );
    let event = match verified {
        Ok(trigger) => ChannelEvent::from(trigger),
        Err(refusal) => {
            let status = StatusCode::from_u16(refusal.status).unwrap_or(StatusCode::BAD_REQUEST);
            return error_response(status, &refusal.message);
        }
    };
    match ctx.channels.publish(event).await {
        Ok(_) => (StatusCode::OK, Json(json!({}))).into_response(),
        Err(error) => internal(&error),
    }
}
