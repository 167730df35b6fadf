//! The built-in realtime server in Workers: the Durable Object that holds
//! every socket of the app (`PusherChannels`, one object per app id), and the
//! channels port over it (`DurableChannels`), which hands it WebSocket
//! upgrades and events to fan out.
//!
//! The object uses the WebSocket hibernation API: sockets are accepted with
//! `state.acceptWebSocket`, each socket's `SocketState` (its id and
//! channels, at most 2 KB: `realtime::protocol::MAX_STATE_JSON`) is its
//! attachment, and pusher-js's exact `pusher:ping` frame is answered by the
//! runtime (`setWebSocketAutoResponse`) without waking the object. So the
//! object keeps nothing in memory and costs nothing while its sockets are
//! idle; the platform-free work is `realtime::hub`'s.

use std::pin::pin;
use std::time::Duration;

use async_trait::async_trait;
use axum::body::Body;
use axum::response::Response;
use futures_util::future::{select, Either};
use serde_json::json;
use worker::send::SendFuture;
use worker::{
    durable_object, DurableObject, Env, Headers, Method, ObjectNamespace, Request, RequestInit,
    State, WebSocket, WebSocketIncomingMessage, WebSocketPair, WebSocketRequestResponsePair,
};

use crate::config::PusherApp;
use crate::ports::{
    timed_out, ChannelEvent, Channels, Delivery, Log, PlatformError, OUTBOUND_TIMEOUT,
};
use crate::realtime::hub::{self, Frame, Socket};
use crate::realtime::protocol::{self, new_socket_id, SocketState};

/// The binding of the Durable Object namespace in `wrangler.toml`.
pub const BINDING: &str = "REALTIME";

/// Where the worker posts events for the object to fan out. The object is
/// reachable only through its stub, and the worker forwards nothing but
/// `GET /app/{key}` upgrades to it, so no client can reach this path.
const PUBLISH_URL: &str = "https://realtime.internal/__publish";
const PUBLISH_PATH: &str = "/__publish";

/// The name of the object that holds the sockets of `app`.
fn object_name(app: &PusherApp) -> String {
    format!("pusher-app:{}", app.app_id)
}

/// A hibernatable WebSocket as `realtime::hub` sees it.
struct Hibernating<'a>(&'a WebSocket);

impl Socket for Hibernating<'_> {
    fn send(&self, text: &str) -> Result<(), String> {
        self.0.send_with_str(text).map_err(|e| e.to_string())
    }

    fn close(&self, code: u16, reason: &str) -> Result<(), String> {
        self.0
            .close(Some(code), Some(reason))
            .map_err(|e| e.to_string())
    }

    fn load(&self) -> Option<SocketState> {
        self.0.deserialize_attachment().ok().flatten()
    }

    fn store(&self, state: &SocketState) -> Result<(), String> {
        self.0
            .serialize_attachment(state)
            .map_err(|e| e.to_string())
    }
}

/// Two random `u64`, from the runtime's cryptographic randomness.
fn random_pair() -> (u64, u64) {
    uuid::Uuid::new_v4().as_u64_pair()
}

/// The Durable Object holding every socket of one app.
#[durable_object(websocket)]
pub struct PusherChannels {
    state: State,
    env: Env,
}

impl PusherChannels {
    /// The app the sockets are served for, when the built-in server is the
    /// backend.
    fn app(&self) -> Option<protocol::App> {
        super::config(&self.env)
            .realtime
            .builtin()
            .map(protocol::App::from)
    }

    fn log(&self, level: &str, message: &str) {
        super::ConsoleLog.emit(&json!({
            "level": level,
            "event": "realtime",
            "message": message,
        }));
    }

    /// A WebSocket upgrade of `/app/{key}?protocol=…`: a new socket, kept
    /// (hibernatable) when the key and protocol are right.
    fn connect(&self, request: &Request, app: &protocol::App) -> worker::Result<worker::Response> {
        let url = request.url()?;
        let key = url
            .path()
            .strip_prefix("/app/")
            .unwrap_or_default()
            .to_owned();
        let version = url
            .query_pairs()
            .find(|(name, _)| name == "protocol")
            .map(|(_, value)| value.into_owned());
        let pair = WebSocketPair::new()?;
        let (a, b) = random_pair();
        let socket_state = SocketState::new(new_socket_id(a, b));
        // Refused sockets too are hibernatable: told why and closed at once,
        // their peer's answering close reaches `websocket_close`.
        self.state.as_raw().accept_websocket(pair.server.as_ref())?;
        if let Err(error) = hub::open(
            &Hibernating(&pair.server),
            &socket_state,
            &key,
            version.as_deref(),
            app,
        ) {
            self.log("warn", &format!("a new socket failed: {error}"));
        }
        worker::Response::from_websocket(pair.client)
    }

    /// An event posted by the worker: fanned out to the subscribed sockets.
    async fn publish(&self, mut request: Request) -> worker::Result<worker::Response> {
        let event: ChannelEvent = match request.json().await {
            Ok(event) => event,
            Err(error) => {
                return worker::Response::error(format!("not an event: {error}"), 400);
            }
        };
        let sockets = self.state.as_raw().get_websockets()?;
        let sockets: Vec<WebSocket> = sockets.into_iter().map(WebSocket::from).collect();
        let delivery = hub::publish(sockets.iter().map(Hibernating), &event);
        worker::Response::from_json(&delivery)
    }
}

impl DurableObject for PusherChannels {
    fn new(state: State, env: Env) -> Self {
        // pusher-js's ping, answered by the runtime even while the object
        // hibernates. Should the runtime refuse it, pings wake the object and
        // `hub::message` answers them.
        if let Ok(pair) =
            WebSocketRequestResponsePair::new(protocol::ping_frame(), protocol::pong_frame())
        {
            let _ = state.as_raw().set_websocket_auto_response(&pair);
        }
        Self { state, env }
    }

    async fn fetch(&self, request: Request) -> worker::Result<worker::Response> {
        let path = request.path();
        if request.method() == Method::Post && path == PUBLISH_PATH {
            return self.publish(request).await;
        }
        let upgrade = request.headers().get("upgrade")?.unwrap_or_default();
        if !path.starts_with("/app/") || !upgrade.eq_ignore_ascii_case("websocket") {
            return worker::Response::error("Not found", 404);
        }
        let Some(app) = self.app() else {
            return worker::Response::error("The built-in realtime server is off", 404);
        };
        self.connect(&request, &app)
    }

    async fn websocket_message(
        &self,
        ws: WebSocket,
        message: WebSocketIncomingMessage,
    ) -> worker::Result<()> {
        let socket = Hibernating(&ws);
        let Some(app) = self.app() else {
            // The backend changed under a live socket (a redeploy): reconnect.
            let _ = socket.close(protocol::RECONNECT, "The realtime server is off");
            return Ok(());
        };
        let frame = match &message {
            WebSocketIncomingMessage::String(text) => Frame::Text(text),
            WebSocketIncomingMessage::Binary(bytes) => Frame::Binary(bytes),
        };
        if let Err(error) = hub::message(&socket, frame, &app) {
            self.log("warn", &format!("a frame could not be answered: {error}"));
        }
        Ok(())
    }

    async fn websocket_close(
        &self,
        ws: WebSocket,
        code: usize,
        _reason: String,
        _was_clean: bool,
    ) -> worker::Result<()> {
        // Answering the close completes it; the socket may be gone already.
        let _ = hub::closed(&Hibernating(&ws), u16::try_from(code).unwrap_or(1000));
        Ok(())
    }

    async fn websocket_error(&self, _ws: WebSocket, error: worker::Error) -> worker::Result<()> {
        self.log("warn", &format!("a socket failed: {error}"));
        Ok(())
    }
}

/// The channels port over the Durable Object: one object per app.
pub struct DurableChannels {
    /// The namespace; `None` when `wrangler.toml` has no binding for it.
    pub namespace: Option<ObjectNamespace>,
    /// The app; `None` when the built-in server is not the backend.
    pub app: Option<PusherApp>,
}

impl DurableChannels {
    fn stub(&self) -> Result<worker::Stub, PlatformError> {
        let (Some(namespace), Some(app)) = (&self.namespace, &self.app) else {
            return Err(PlatformError::new(format!(
                "the built-in realtime server needs the Durable Object binding {BINDING} \
                 and REALTIME_BACKEND=builtin with the Pusher app's settings"
            )));
        };
        namespace
            .get_by_name(&object_name(app))
            .map_err(PlatformError::new)
    }
}

/// Sends `request` to the object, abandoned after `timeout`.
async fn exchange(
    stub: &worker::Stub,
    request: Request,
    timeout: Duration,
) -> Result<worker::Response, PlatformError> {
    let fetch = pin!(stub.fetch_with_request(request));
    let deadline = pin!(worker::Delay::from(timeout));
    match select(fetch, deadline).await {
        Either::Left((outcome, _)) => outcome.map_err(PlatformError::new),
        Either::Right(((), _)) => Err(timed_out(timeout)),
    }
}

#[async_trait]
impl Channels for DurableChannels {
    async fn publish(&self, event: ChannelEvent) -> Result<Delivery, PlatformError> {
        let stub = self.stub()?;
        SendFuture::new(async move {
            let body = serde_json::to_string(&event).map_err(PlatformError::new)?;
            let headers = Headers::new();
            headers
                .set("content-type", "application/json")
                .map_err(PlatformError::new)?;
            let mut init = RequestInit::new();
            init.with_method(Method::Post)
                .with_headers(headers)
                .with_body(Some(body.into()));
            let request = Request::new_with_init(PUBLISH_URL, &init).map_err(PlatformError::new)?;
            let mut response = exchange(&stub, request, OUTBOUND_TIMEOUT).await?;
            if response.status_code() != 200 {
                let text = response.text().await.unwrap_or_default();
                return Err(PlatformError::new(format!(
                    "the realtime object answered {}: {text}",
                    response.status_code()
                )));
            }
            response.json().await.map_err(PlatformError::new)
        })
        .await
    }

    async fn connect(
        &self,
        request: http::Request<Body>,
    ) -> Option<Result<Response, PlatformError>> {
        let stub = match self.stub() {
            Ok(stub) => stub,
            Err(error) => return Some(Err(error)),
        };
        // Only the URL and headers go on: an upgrade has no body.
        let url = request.uri().to_string();
        let pairs: Vec<(String, String)> = request
            .headers()
            .iter()
            .filter_map(|(name, value)| Some((name.to_string(), value.to_str().ok()?.to_owned())))
            .collect();
        Some(
            SendFuture::new(async move {
                let headers = Headers::new();
                for (name, value) in &pairs {
                    headers.set(name, value).map_err(PlatformError::new)?;
                }
                let mut init = RequestInit::new();
                init.with_method(Method::Get).with_headers(headers);
                let forwarded = Request::new_with_init(&url, &init).map_err(PlatformError::new)?;
                let response = stub
                    .fetch_with_request(forwarded)
                    .await
                    .map_err(PlatformError::new)?;
                let response =
                    worker::HttpResponse::try_from(response).map_err(PlatformError::new)?;
                Ok(response.map(Body::new))
            })
            .await,
        )
    }
}
