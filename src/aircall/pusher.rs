//! Pusher Channels: `POST /pusher/auth` (signs subscriptions to the private
//! channel `private-aircall`), and publishing `update-call` after every note
//! and archive change, in the background, through the realtime backend (the
//! built-in server or Pusher's hosted service: `realtime/`).

use axum::response::Response;
use bytes::Bytes;
use http::{HeaderMap, StatusCode};
use serde_json::json;

use super::tokens::AccessToken;
use super::{text_field, AircallError, Call};
use crate::http::{parse, Ctx, TextField};
use crate::ports::ChannelEvent;
use crate::realtime::protocol;

/// The one channel this API signs for and publishes on.
pub const CHANNEL: &str = "private-aircall";
/// The event sent after each change of a call.
pub const EVENT: &str = "update-call";
/// Pusher refuses event data over 10 KB.
pub const MAX_DATA: usize = 10 * 1024;

/// The body of `/pusher/auth`, as pusher-js sends it.
#[derive(Default, serde::Deserialize)]
#[serde(default)]
struct ChannelAuth {
    socket_id: TextField,
    channel_name: TextField,
}

/// `POST /pusher/auth` with the Bearer access token and the form fields
/// `socket_id` and `channel_name` (JSON too): 200
/// `{"auth":"<key>:<hex HMAC-SHA256(secret, "<socket_id>:<channel_name>")>"}`
/// for `private-aircall`, 403 for any other channel, 503 when realtime is
/// off (`REALTIME_BACKEND=off`, or the Pusher app's settings missing).
pub async fn auth(
    _: AccessToken,
    ctx: Ctx,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AircallError> {
    let body: ChannelAuth = parse(&headers, &body)?;
    let mut messages = Vec::new();
    let socket_id = text_field(body.socket_id, "socket_id", 64, &mut messages);
    let channel = text_field(body.channel_name, "channel_name", 200, &mut messages);
    let (Some(socket_id), Some(channel)) = (socket_id, channel) else {
        return Err(AircallError::Invalid(messages));
    };
    if !protocol::is_socket_id(&socket_id) {
        return Err(AircallError::Invalid(vec![
            "socket_id must look like 1234.5678".into(),
        ]));
    }
    if channel != CHANNEL {
        return Err(AircallError::Forbidden);
    }
    let app = ctx.config.realtime.app().ok_or_else(|| {
        AircallError::Message(
            StatusCode::SERVICE_UNAVAILABLE,
            "Pusher is not configured".into(),
        )
    })?;
    let app = protocol::App::from(app);
    Ok(super::json(
        StatusCode::OK,
        &json!({ "auth": protocol::channel_auth(&app, &socket_id, &channel) }),
    ))
}

/// Sends `update-call` with `call` on `private-aircall` after the response
/// (the background port), through the realtime backend (the built-in server,
/// Pusher's service, or none when realtime is off). The event embeds the
/// newest notes only ([`Call::summarized`]), so that it stays under
/// Pusher's 10 KB. A failure is logged, never answered.
pub fn publish_update(ctx: &Ctx, call: &Call) {
    if ctx.config.realtime.app().is_none() {
        return;
    }
    let summary = call.clone().summarized(call.notes.len());
    let data = match serde_json::to_string(&summary) {
        Ok(data) if data.len() <= MAX_DATA => data,
        Ok(data) => {
            let message = format!("event data of {} bytes is over {MAX_DATA}", data.len());
            ctx.log.emit(&failure(&call.id, &message));
            return;
        }
        Err(e) => {
            ctx.log.emit(&failure(&call.id, &e.to_string()));
            return;
        }
    };
    let event = ChannelEvent {
        name: EVENT.into(),
        channels: vec![CHANNEL.into()],
        data,
        socket_id: None,
    };
    let (channels, log) = (ctx.channels.clone(), ctx.log.clone());
    let call_id = call.id.clone();
    ctx.background.spawn(Box::pin(async move {
        if let Err(e) = channels.publish(event).await {
            log.emit(&failure(&call_id, &e.to_string()));
        }
    }));
}

fn failure(call_id: &str, message: &str) -> serde_json::Value {
    json!({
        "level": "error",
        "event": "pusher",
        "message": format!("update-call for call {call_id} not published: {message}"),
    })
}
