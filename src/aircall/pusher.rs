//! Pusher Channels: `POST /pusher/auth` (signs subscriptions to the private
//! channel `private-aircall`), and publishing `update-call` through Pusher's
//! HTTP API after every note and archive change, in the background.

use axum::response::Response;
use bytes::Bytes;
use http::{HeaderMap, StatusCode};
use serde_json::json;

use super::tokens::AccessToken;
use super::{text_field, AircallError, Call};
use crate::config::Pusher;
use crate::http::{parse, Ctx, TextField};
use crate::ports::{HttpClient, OutboundRequest};
use crate::realtime::{protocol, trigger};

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
/// for `private-aircall`, 403 for any other channel, 503 without Pusher
/// credentials.
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
    let pusher = ctx.config.pusher.as_ref().ok_or_else(|| {
        AircallError::Message(
            StatusCode::SERVICE_UNAVAILABLE,
            "Pusher is not configured".into(),
        )
    })?;
    let app = protocol::App {
        key: pusher.key.clone(),
        secret: pusher.secret.0.clone(),
    };
    Ok(super::json(
        StatusCode::OK,
        &json!({ "auth": protocol::channel_auth(&app, &socket_id, &channel) }),
    ))
}

/// The signed request that triggers `event` on `channel` with `data` (a JSON
/// text), at `timestamp` (seconds since the epoch), as Pusher's HTTP API
/// specifies: `POST /apps/{app_id}/events?auth_key=…&auth_timestamp=…&
/// auth_version=1.0&body_md5=…&auth_signature=…`.
pub fn event_request(
    pusher: &Pusher,
    event: &str,
    channel: &str,
    data: &str,
    timestamp: i64,
) -> Result<OutboundRequest, String> {
    if data.len() > MAX_DATA {
        return Err(format!(
            "event data of {} bytes is over Pusher's {MAX_DATA}",
            data.len()
        ));
    }
    let body = json!({ "name": event, "channels": [channel], "data": data }).to_string();
    let app = trigger::App {
        app_id: pusher.app_id.clone(),
        key: pusher.key.clone(),
        secret: pusher.secret.0.clone(),
    };
    let path = trigger::events_path(&app.app_id);
    let query = trigger::sign_trigger(&app, &path, body.as_bytes(), timestamp);
    Ok(OutboundRequest {
        method: http::Method::POST,
        url: format!("{}{path}?{query}", pusher.base_url),
        headers: vec![("content-type".into(), "application/json".into())],
        body: Some(body),
    })
}

/// Publishes `event` with `data` on `channel` now; an error says why it was
/// not accepted.
pub async fn publish(
    http: &dyn HttpClient,
    pusher: &Pusher,
    event: &str,
    channel: &str,
    data: &str,
    timestamp: i64,
) -> Result<(), String> {
    let request = event_request(pusher, event, channel, data, timestamp)?;
    let response = http.send(request).await.map_err(|e| e.to_string())?;
    if (200..300).contains(&response.status) {
        Ok(())
    } else {
        Err(format!(
            "Pusher answered {}: {}",
            response.status,
            response.body.chars().take(200).collect::<String>()
        ))
    }
}

/// Sends `update-call` with `call` (all its notes) after the response (the
/// background port), when Pusher is configured. The event embeds the newest
/// notes only ([`Call::summarized`]), so that it stays under Pusher's 10 KB.
/// A failure is logged, never answered.
pub fn publish_update(ctx: &Ctx, call: &Call) {
    let Some(pusher) = ctx.config.pusher.clone() else {
        return;
    };
    let summary = call.clone().summarized(call.notes.len());
    let data = match serde_json::to_string(&summary) {
        Ok(data) => data,
        Err(e) => {
            ctx.log.emit(&failure(&call.id, &e.to_string()));
            return;
        }
    };
    let (http, log) = (ctx.http.clone(), ctx.log.clone());
    let timestamp = ctx.clock.now().timestamp();
    let call_id = call.id.clone();
    ctx.background.spawn(Box::pin(async move {
        if let Err(e) = publish(http.as_ref(), &pusher, EVENT, CHANNEL, &data, timestamp).await {
            log.emit(&failure(&call_id, &e));
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Secret;

    fn pusher() -> Pusher {
        Pusher {
            app_id: "3".into(),
            key: "278d425bdf160c739803".into(),
            secret: Secret("7ad3773142a6692b25b8".into()),
            base_url: "https://api-eu.pusher.com".into(),
        }
    }

    #[test]
    fn an_event_request_is_signed_over_its_sorted_query() {
        let request = event_request(&pusher(), EVENT, CHANNEL, "{}", 1_353_088_179).unwrap();
        let body = request.body.unwrap();
        let md5 = trigger::body_md5(body.as_bytes());
        let query = format!(
            "auth_key=278d425bdf160c739803&auth_timestamp=1353088179&auth_version=1.0&body_md5={md5}"
        );
        let signature = protocol::hmac_sha256_hex(
            "7ad3773142a6692b25b8",
            &format!("POST\n/apps/3/events\n{query}"),
        );
        assert_eq!(
            request.url,
            format!("https://api-eu.pusher.com/apps/3/events?{query}&auth_signature={signature}")
        );
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&body).unwrap(),
            json!({"name": "update-call", "channels": ["private-aircall"], "data": "{}"})
        );
    }

    #[test]
    fn data_over_ten_kilobytes_is_not_sent() {
        let data = "x".repeat(MAX_DATA + 1);
        assert!(event_request(&pusher(), EVENT, CHANNEL, &data, 0).is_err());
    }

    #[test]
    fn the_built_in_server_accepts_what_the_publisher_sends() {
        let data = r#"{"id":"a","notes":[]}"#;
        let request = event_request(&pusher(), EVENT, CHANNEL, data, 1_353_088_179).unwrap();
        let body = request.body.unwrap();
        let (_, query) = request.url.split_once('?').unwrap();
        let app = trigger::App {
            app_id: "3".into(),
            key: "278d425bdf160c739803".into(),
            secret: "7ad3773142a6692b25b8".into(),
        };
        let accepted = trigger::verify(
            &app,
            "POST",
            "/apps/3/events",
            query,
            body.as_bytes(),
            1_353_088_179,
        )
        .unwrap();
        assert_eq!(accepted.name, EVENT);
        assert_eq!(accepted.channels, [CHANNEL]);
        assert_eq!(accepted.data, data);
    }
}
