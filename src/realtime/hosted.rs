//! The channels backends that hold no socket: Pusher's hosted service (its
//! HTTP trigger API, signed as Pusher's libraries sign it) and `off`.

use std::sync::Arc;

use async_trait::async_trait;
use axum::body::Body;
use axum::response::Response;
use serde_json::json;

use super::trigger;
use crate::config::PusherApp;
use crate::ports::{
    ChannelEvent, Channels, Clock, Delivery, HttpClient, OutboundRequest, PlatformError,
};

/// Pusher refuses event data over 10 KB.
pub const MAX_DATA: usize = trigger::MAX_DATA;

/// Pusher's hosted service: each event is one signed
/// `POST {api}/apps/{app_id}/events`.
pub struct HostedPusher {
    pub http: Arc<dyn HttpClient>,
    pub clock: Arc<dyn Clock>,
    pub app: PusherApp,
    /// `https://api-<cluster>.pusher.com`, or `PUSHER_HOST`.
    pub api: String,
}

/// The signed request that triggers `event` through the HTTP API at `api`,
/// at `timestamp` (seconds since the epoch), as Pusher's HTTP API specifies:
/// `POST /apps/{app_id}/events?auth_key=…&auth_timestamp=…&auth_version=1.0&
/// body_md5=…&auth_signature=…` with `{"name","channels","data"}` (and
/// `socket_id` when the event names one).
pub fn event_request(
    app: &PusherApp,
    api: &str,
    event: &ChannelEvent,
    timestamp: i64,
) -> Result<OutboundRequest, String> {
    if event.data.len() > MAX_DATA {
        return Err(format!(
            "event data of {} bytes is over Pusher's {MAX_DATA}",
            event.data.len()
        ));
    }
    let mut body = json!({ "name": event.name, "channels": event.channels, "data": event.data });
    if let (Some(socket_id), Some(object)) = (&event.socket_id, body.as_object_mut()) {
        object.insert("socket_id".into(), socket_id.clone().into());
    }
    let body = body.to_string();
    let app = trigger::App {
        app_id: app.app_id.clone(),
        key: app.key.clone(),
        secret: app.secret.0.clone(),
    };
    let path = trigger::events_path(&app.app_id);
    let query = trigger::sign_trigger(&app, &path, body.as_bytes(), timestamp);
    Ok(OutboundRequest {
        method: http::Method::POST,
        url: format!("{api}{path}?{query}"),
        headers: vec![("content-type".into(), "application/json".into())],
        body: Some(body),
    })
}

#[async_trait]
impl Channels for HostedPusher {
    async fn publish(&self, event: ChannelEvent) -> Result<Delivery, PlatformError> {
        let timestamp = self.clock.now().timestamp();
        let request =
            event_request(&self.app, &self.api, &event, timestamp).map_err(PlatformError)?;
        let response = self.http.send(request).await?;
        if (200..300).contains(&response.status) {
            Ok(Delivery::default())
        } else {
            Err(PlatformError(format!(
                "Pusher answered {}: {}",
                response.status,
                response.body.chars().take(200).collect::<String>()
            )))
        }
    }

    async fn connect(&self, _: http::Request<Body>) -> Option<Result<Response, PlatformError>> {
        None
    }
}

/// Realtime off: nothing is published, no socket is served.
pub struct Off;

#[async_trait]
impl Channels for Off {
    async fn publish(&self, _: ChannelEvent) -> Result<Delivery, PlatformError> {
        Ok(Delivery::default())
    }

    async fn connect(&self, _: http::Request<Body>) -> Option<Result<Response, PlatformError>> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Secret;
    use crate::realtime::protocol;

    fn app() -> PusherApp {
        PusherApp {
            app_id: "3".into(),
            key: "278d425bdf160c739803".into(),
            secret: Secret("7ad3773142a6692b25b8".into()),
        }
    }

    fn event(data: &str) -> ChannelEvent {
        ChannelEvent {
            name: "update-call".into(),
            channels: vec!["private-aircall".into()],
            data: data.into(),
            socket_id: None,
        }
    }

    #[test]
    fn an_event_request_is_signed_over_its_sorted_query() {
        let request = event_request(
            &app(),
            "https://api-eu.pusher.com",
            &event("{}"),
            1_353_088_179,
        )
        .unwrap();
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
        assert!(event_request(&app(), "https://x", &event(&data), 0).is_err());
    }

    #[test]
    fn the_built_in_server_accepts_what_the_publisher_sends() {
        let data = r#"{"id":"a","notes":[]}"#;
        let mut sent = event(data);
        sent.socket_id = Some("1.2".into());
        let request = event_request(&app(), "https://x", &sent, 1_353_088_179).unwrap();
        let body = request.body.unwrap();
        let (_, query) = request.url.split_once('?').unwrap();
        let verifier = trigger::App {
            app_id: "3".into(),
            key: "278d425bdf160c739803".into(),
            secret: "7ad3773142a6692b25b8".into(),
        };
        let accepted = trigger::verify(
            &verifier,
            "POST",
            "/apps/3/events",
            query,
            body.as_bytes(),
            1_353_088_179,
        )
        .unwrap();
        assert_eq!(ChannelEvent::from(accepted), sent);
    }
}
