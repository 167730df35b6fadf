//! Pusher Channels: `POST /pusher/auth` (signs subscriptions to the private
//! channel `private-aircall`), and publishing `update-call` through Pusher's
//! HTTP API after every note and archive change, in the background.

use axum::response::Response;
use bytes::Bytes;
use hmac::{Hmac, Mac};
use http::{HeaderMap, StatusCode};
use md5::{Digest, Md5};
use serde_json::json;
use sha2::Sha256;

use super::tokens::AccessToken;
use super::{text_field, AircallError, Call};
use crate::config::Pusher;
use crate::http::{parse, Ctx, TextField};
use crate::ports::{HttpClient, OutboundRequest};

/// The one channel this API signs for and publishes on.
pub const CHANNEL: &str = "private-aircall";
/// The event sent after each change of a call.
pub const EVENT: &str = "update-call";
/// Pusher refuses event data over 10 KB.
pub const MAX_DATA: usize = 10 * 1024;

/// Hex HMAC-SHA256 of `message` with `secret`.
pub fn sign(secret: &str, message: &str) -> String {
    // HMAC takes keys of any length: this never fails.
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else {
        return String::new();
    };
    mac.update(message.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

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
    if !is_socket_id(&socket_id) {
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
    let signature = sign(&pusher.secret.0, &format!("{socket_id}:{channel}"));
    Ok(super::json(
        StatusCode::OK,
        &json!({ "auth": format!("{}:{signature}", pusher.key) }),
    ))
}

/// Pusher's socket ids are two numbers joined by a dot.
fn is_socket_id(value: &str) -> bool {
    value.split_once('.').is_some_and(|(a, b)| {
        [a, b]
            .iter()
            .all(|part| !part.is_empty() && part.bytes().all(|c| c.is_ascii_digit()))
    })
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
    let body_md5 = hex::encode(Md5::digest(body.as_bytes()));
    let path = format!("/apps/{}/events", pusher.app_id);
    // Sorted by name, as the signature requires.
    let query = format!(
        "auth_key={}&auth_timestamp={timestamp}&auth_version=1.0&body_md5={body_md5}",
        pusher.key
    );
    let signature = sign(&pusher.secret.0, &format!("POST\n{path}\n{query}"));
    Ok(OutboundRequest {
        method: http::Method::POST,
        url: format!(
            "{}{path}?{query}&auth_signature={signature}",
            pusher.base_url
        ),
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
    fn a_channel_signature_is_pushers_documented_example() {
        // Pusher's documentation: socket 1234.1234 on private-foobar.
        assert_eq!(
            sign("7ad3773142a6692b25b8", "1234.1234:private-foobar"),
            "58df8b0c36d6982b82c3ecf6b4662e34fe8c25bba48f5369f135bf843651c3a4"
        );
    }

    #[test]
    fn an_event_request_is_signed_over_its_sorted_query() {
        let request = event_request(&pusher(), EVENT, CHANNEL, "{}", 1_353_088_179).unwrap();
        let body = request.body.unwrap();
        let md5 = hex::encode(Md5::digest(body.as_bytes()));
        let query = format!(
            "auth_key=278d425bdf160c739803&auth_timestamp=1353088179&auth_version=1.0&body_md5={md5}"
        );
        let signature = sign(
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
    fn socket_ids_are_two_numbers_joined_by_a_dot() {
        assert!(is_socket_id("1234.5678"));
        for bad in ["", "1234", "1234.", ".5", "12a.4", "1.2.3"] {
            assert!(!is_socket_id(bad), "{bad}");
        }
    }
}
