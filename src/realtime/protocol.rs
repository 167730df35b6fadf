//! The WebSocket side of a Pusher Channels server (protocol 7): the frames
//! pusher-js expects, and the state machine that answers each client frame.
//!
//! Pure: no I/O, no clock, no platform types. The Durable Object that holds
//! the sockets calls [`open`] when a socket connects and [`handle`] for every
//! text frame, keeps each socket's [`SocketState`] as its hibernation
//! attachment, and sends what the returned [`Reply`] says.
//!
//! Supported: public channels and `private-*` channels, authorized with the
//! app secret exactly as `/pusher/auth` signs them. Not supported, and refused
//! with `pusher:subscription_error`: presence channels (`presence-*`, which
//! need member lists shared between sockets) and end-to-end encrypted channels
//! (`private-encrypted-*`, whose keys the auth endpoint would have to hand
//! out). Also unsupported: client events (`client-*`) and user sign-in
//! (`pusher:signin`), both answered with `pusher:error`. Cache channels
//! (`cache-*`, `private-cache-*`) act as plain channels: no replay, no
//! `pusher:cache_miss`.
//!
//! # Error codes
//!
//! Pusher's codes describe why a *connection is closed*: 4000–4099 the client
//! must not reconnect with the same parameters, 4100–4199 it may reconnect
//! after a back-off, 4200–4299 it may reconnect at once, 4300–4399 any other
//! error. pusher-js acts on a code only when a socket closes, or when a
//! `pusher:error` arrives in place of the handshake. So:
//! - [`open`] refuses a connection with `pusher:error` and a close, both with
//!   the documented code: 4001 unknown app key, 4006 a protocol version that
//!   is not a number, 4007 a version other than 7, 4008 no version. These are
//!   4000-range codes: pusher-js must not retry a request that cannot succeed.
//! - [`handle`] never closes a socket (the protocol closes only for the
//!   reasons above, for capacity, and for a missing pong, which are the
//!   Durable Object's business: see [`OVER_CAPACITY`], [`RECONNECT`],
//!   [`PONG_TIMEOUT`]). A frame it cannot serve — too large, not JSON, not
//!   an object, without an event name, an unknown event, a client event — is
//!   answered with `pusher:error` and `"code": null`, as Pusher itself does
//!   for errors that leave the connection open (a refused client event, an
//!   existing subscription): a 4000–4299 code there would claim a close that
//!   does not happen, and 4301, the one documented 4300-range code, means a
//!   rate limit.
//! - A `pusher:subscribe` that cannot be served is answered with
//!   `pusher:subscription_error` on its channel (pusher-js emits it on the
//!   channel object), with an HTTP-like `status` as pusher-js 8 reports for a
//!   failed authorization: 401 bad or missing `auth`, 400 an invalid channel
//!   name, 501 presence and encrypted channels, 429 the per-socket channel
//!   budget spent. A subscribe without a channel name (no channel to report
//!   on) gets `pusher:error` instead. (pusher-js 8 leaves a channel refused
//!   this way pending: it subscribes again only after a reconnection.)

use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sha2::Sha256;

use crate::config::PusherApp;
use crate::http::same_secret;

/// The Pusher protocol version served; pusher-js 8 connects with
/// `?protocol=7`.
pub const PROTOCOL: u8 = 7;

/// Seconds of silence after which the client should send `pusher:ping`,
/// announced in `pusher:connection_established` (Pusher's own value; pusher-js
/// uses the smaller of this and its own default, also 120 s).
pub const ACTIVITY_TIMEOUT: u32 = 120;

/// The largest client frame served, in bytes (Pusher's message limit, 10 KB).
pub const MAX_MESSAGE: usize = 10 * 1024;

/// The longest channel name, in bytes (Pusher's limit: 164 characters, which
/// are all ASCII).
pub const MAX_CHANNEL_NAME: usize = 164;

/// The most channels one socket may be subscribed to.
pub const MAX_CHANNELS: usize = 100;

/// The most bytes of channel names one socket may be subscribed to, all names
/// together. With [`MAX_CHANNELS`] it bounds the socket's state: see
/// [`MAX_STATE_JSON`].
pub const MAX_CHANNEL_BYTES: usize = 1600;

/// The longest socket id [`new_socket_id`] makes: two `u64` of 20 digits and a
/// dot.
pub const MAX_SOCKET_ID: usize = 41;

/// The most bytes a Durable Object may keep with one hibernatable WebSocket
/// (`serializeAttachment`), after serialization.
pub const ATTACHMENT_LIMIT: usize = 2048;

/// The longest compact JSON text of a [`SocketState`] that [`handle`] can
/// produce: `{"s":"","c":[]}` (15 bytes), a socket id of at most
/// [`MAX_SOCKET_ID`] (41), names of at most [`MAX_CHANNEL_BYTES`] (1600) in
/// all, and for each of at most [`MAX_CHANNELS`] (100) names two quotes and a
/// comma, less the last comma (299): 1955 bytes, within the 2048 of
/// [`ATTACHMENT_LIMIT`]. The Workers runtime keeps an attachment by structured
/// clone (V8's serializer; `worker` hands it the object `serde_wasm_bindgen`
/// makes), which spends on an ASCII string a tag and a 1-byte length (2 bytes
/// from 128 bytes on) where JSON spends two quotes and a comma: measured with
/// Node 20's `v8.serialize`, 1859 bytes for the 100-channel worst case above
/// and 1870 for the worst one (eleven 128-byte names among the 100), also
/// within the limit. (Without the byte budget, 164-byte names would allow
/// only 11 channels: 100 of them take 16.7 KB.)
pub const MAX_STATE_JSON: usize =
    r#"{"s":"","c":[]}"#.len() + MAX_SOCKET_ID + MAX_CHANNEL_BYTES + 3 * MAX_CHANNELS - 1;

// The bound above holds, or the crate does not build.
const _: () = assert!(MAX_STATE_JSON <= ATTACHMENT_LIMIT);

/// Close code: the app key in the URL is not this server's (Pusher: 4001
/// "Application does not exist"; pusher-js does not retry).
pub const APP_NOT_FOUND: u16 = 4001;
/// Close code: `protocol` is not a number (Pusher: 4006).
pub const INVALID_VERSION: u16 = 4006;
/// Close code: a protocol other than [`PROTOCOL`] (Pusher: 4007).
pub const UNSUPPORTED_PROTOCOL: u16 = 4007;
/// Close code: no `protocol` parameter (Pusher: 4008).
pub const NO_PROTOCOL: u16 = 4008;
/// Close code for the Durable Object: too many sockets, reconnect after a
/// back-off (Pusher: 4100 "Over capacity").
pub const OVER_CAPACITY: u16 = 4100;
/// Close code for the Durable Object: closing for a reason of the server's
/// own (a redeploy), reconnect at once (Pusher: 4200).
pub const RECONNECT: u16 = 4200;
/// Close code for the Durable Object: a `pusher:ping` it sent was not answered
/// (Pusher: 4201 "Pong reply not received").
pub const PONG_TIMEOUT: u16 = 4201;

/// The text pusher-js sends as `pusher:ping` (`JSON.stringify({event, data})`
/// with `data` `{}`): exact, so that the Durable Object can answer it with
/// `setWebSocketAutoResponse` without waking.
const PING_FRAME: &str = r#"{"event":"pusher:ping","data":{}}"#;
/// The text of `pusher:pong`, as pusher-js sends it and as it is answered.
const PONG_FRAME: &str = r#"{"event":"pusher:pong","data":{}}"#;

/// The answer to client events, which this server does not relay.
const NO_CLIENT_EVENTS: &str = "Client events are not supported by this server";

/// An app as its sockets see it: the public key clients connect with and the
/// secret private channels are signed with.
#[derive(Clone, PartialEq, Eq)]
pub struct App {
    /// The app key (`/app/{key}` in the socket URL; the prefix of `auth`).
    pub key: String,
    /// The app secret (HMAC key of channel authorizations).
    pub secret: String,
}

impl From<&PusherApp> for App {
    fn from(app: &PusherApp) -> Self {
        Self {
            key: app.key.clone(),
            secret: app.secret.0.clone(),
        }
    }
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App")
            .field("key", &self.key)
            .field("secret", &"<redacted>")
            .finish()
    }
}

/// What one socket needs across frames, kept as its hibernation attachment:
/// its id and the channels it is subscribed to (valid names, no duplicates,
/// at most [`MAX_CHANNELS`] of at most [`MAX_CHANNEL_BYTES`] in all).
/// Serialized with one-letter field names to save attachment bytes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SocketState {
    /// Pusher's `"<digits>.<digits>"` socket id.
    #[serde(rename = "s")]
    pub socket_id: String,
    /// The channels subscribed to, in subscription order.
    #[serde(rename = "c", default)]
    pub channels: Vec<String>,
}

impl SocketState {
    /// A socket subscribed to nothing yet.
    pub fn new(socket_id: String) -> Self {
        Self {
            socket_id,
            channels: Vec::new(),
        }
    }

    /// The bytes of all subscribed channel names.
    pub fn channel_bytes(&self) -> usize {
        self.channels.iter().map(String::len).sum()
    }
}

/// What to do after a frame: send these texts in order, then close with this
/// code and reason when there is one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reply {
    /// Text frames to send back to the socket.
    pub send: Vec<String>,
    /// Close the socket with this code and reason (at most 123 bytes).
    pub close: Option<(u16, String)>,
}

impl Reply {
    /// Send one frame and keep the socket.
    fn one(frame: String) -> Self {
        Self {
            send: vec![frame],
            close: None,
        }
    }

    /// A `pusher:error` without a code, the socket kept.
    fn error(message: &str) -> Self {
        Self::one(error(None, message))
    }
}

/// The kinds of channel Pusher distinguishes by prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChannelKind {
    /// Anyone may subscribe.
    Public,
    /// `private-*`: needs an `auth` signed with the app secret.
    Private,
    /// `presence-*`: not supported here.
    Presence,
    /// `private-encrypted-*`: not supported here.
    PrivateEncrypted,
}

/// The kind of `channel`, by its prefix.
pub fn channel_kind(channel: &str) -> ChannelKind {
    if channel.starts_with("private-encrypted-") {
        ChannelKind::PrivateEncrypted
    } else if channel.starts_with("private-") {
        ChannelKind::Private
    } else if channel.starts_with("presence-") {
        ChannelKind::Presence
    } else {
        ChannelKind::Public
    }
}

/// Whether `channel` is a name Pusher accepts: 1 to 164 of
/// `A-Z a-z 0-9 _ - = @ , . ;`.
pub fn valid_channel(channel: &str) -> bool {
    !channel.is_empty()
        && channel.len() <= MAX_CHANNEL_NAME
        && channel
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || b"_-=@,.;".contains(&c))
}

/// A socket id in Pusher's form, `"<a>.<b>"`; the Durable Object draws `a`
/// and `b` at random.
pub fn new_socket_id(a: u64, b: u64) -> String {
    format!("{a}.{b}")
}

/// Whether `value` is a socket id as [`new_socket_id`] makes them: two runs of
/// ASCII digits joined by a dot, at most [`MAX_SOCKET_ID`] bytes.
pub fn is_socket_id(value: &str) -> bool {
    value.len() <= MAX_SOCKET_ID
        && value.split_once('.').is_some_and(|(a, b)| {
            [a, b]
                .iter()
                .all(|part| !part.is_empty() && part.bytes().all(|c| c.is_ascii_digit()))
        })
}

/// Hex (lower case) HMAC-SHA256 of `message` with `secret`: Pusher's one
/// signature, for channel authorizations and for the HTTP API.
pub fn hmac_sha256_hex(secret: &str, message: &str) -> String {
    // HMAC takes keys of any length: this never fails.
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else {
        return String::new();
    };
    mac.update(message.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// The `auth` that authorizes `socket_id` on the private `channel`:
/// `"<key>:<hex HMAC-SHA256(secret, "<socket_id>:<channel>")>"`, as
/// `/pusher/auth` answers it.
pub fn channel_auth(app: &App, socket_id: &str, channel: &str) -> String {
    let signature = hmac_sha256_hex(&app.secret, &format!("{socket_id}:{channel}"));
    format!("{}:{signature}", app.key)
}

/// `text` as a JSON string literal.
fn quote(text: &str) -> String {
    Value::from(text).to_string()
}

/// At most `max` characters of `text`, for echoing client input in messages.
fn excerpt(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}

/// `pusher:connection_established`, the first frame of every socket; `data` is
/// a JSON string: `{"socket_id":"1.2","activity_timeout":120}`.
pub fn connection_established(state: &SocketState) -> String {
    let data = format!(
        r#"{{"socket_id":{},"activity_timeout":{ACTIVITY_TIMEOUT}}}"#,
        quote(&state.socket_id)
    );
    format!(
        r#"{{"event":"pusher:connection_established","data":{}}}"#,
        quote(&data)
    )
}

/// `pusher_internal:subscription_succeeded` on `channel`, with `data` the JSON
/// string `"{}"` (presence data would go there).
pub fn subscription_succeeded(channel: &str) -> String {
    format!(
        r#"{{"event":"pusher_internal:subscription_succeeded","channel":{},"data":"{{}}"}}"#,
        quote(channel)
    )
}

/// The `type` of a subscription error with `status`: `AuthError` for 401 and
/// 403 (the type pusher-js 8 itself gives a failed authorization),
/// `InvalidChannel` for 400, `LimitReached` for 429, `UnsupportedChannel` for
/// 501, `SubscriptionError` otherwise.
fn subscription_error_type(status: u16) -> &'static str {
    match status {
        401 | 403 => "AuthError",
        400 => "InvalidChannel",
        429 => "LimitReached",
        501 => "UnsupportedChannel",
        _ => "SubscriptionError",
    }
}

/// `pusher:subscription_error` on `channel`, with `data` an object as pusher-js
/// 8 emits it on the channel: `{"type":"AuthError","error":"…","status":401}`
/// (the type follows the status: see the module's documentation).
pub fn subscription_error(channel: &str, status: u16, message: &str) -> String {
    format!(
        r#"{{"event":"pusher:subscription_error","channel":{},"data":{{"type":{},"error":{},"status":{status}}}}}"#,
        quote(channel),
        quote(subscription_error_type(status)),
        quote(message)
    )
}

/// The text of `pusher:ping` exactly as pusher-js sends it,
/// `{"event":"pusher:ping","data":{}}`: the request half of the Durable
/// Object's `setWebSocketAutoResponse` pair.
pub fn ping_frame() -> &'static str {
    PING_FRAME
}

/// The text of `pusher:pong`, `{"event":"pusher:pong","data":{}}`: the response
/// half of the auto-response pair, and what pusher-js answers a server ping
/// with.
pub fn pong_frame() -> &'static str {
    PONG_FRAME
}

/// `pusher:pong`, the answer to `pusher:ping`.
pub fn pong() -> String {
    PONG_FRAME.to_owned()
}

/// `pusher:error` with `data` an object: `{"code":4001,"message":"…"}`, or
/// `"code":null` for an error that does not close the socket.
pub fn error(code: Option<u16>, message: &str) -> String {
    let code = code.map_or_else(|| "null".to_owned(), |code| code.to_string());
    format!(
        r#"{{"event":"pusher:error","data":{{"code":{code},"message":{}}}}}"#,
        quote(message)
    )
}

/// An event published on `channel`; `data` (the publisher's text, usually
/// JSON) travels as a JSON string, which pusher-js parses when it can.
pub fn channel_event(channel: &str, event: &str, data: &str) -> String {
    format!(
        r#"{{"event":{},"channel":{},"data":{}}}"#,
        quote(event),
        quote(channel),
        quote(data)
    )
}

/// Whether the socket is subscribed to `channel` (an event published there is
/// for it).
pub fn wants(state: &SocketState, channel: &str) -> bool {
    state.channels.iter().any(|c| c == channel)
}

/// A socket connecting to `/app/{key}?protocol=…`: `pusher:connection_established`
/// when the key is the app's and the protocol is [`PROTOCOL`]; otherwise
/// `pusher:error` and a close, both with Pusher's code (4001, 4006, 4007,
/// 4008), so that pusher-js gives up rather than retry.
pub fn open(state: &SocketState, key: &str, protocol: Option<&str>, app: &App) -> Reply {
    let refusal = if key != app.key {
        Some((APP_NOT_FOUND, "Application does not exist"))
    } else {
        match protocol.map(str::parse::<u32>) {
            None => Some((NO_PROTOCOL, "No protocol version supplied")),
            Some(Err(_)) => Some((INVALID_VERSION, "Invalid version string format")),
            Some(Ok(version)) if version != u32::from(PROTOCOL) => {
                Some((UNSUPPORTED_PROTOCOL, "Unsupported protocol version"))
            }
            Some(Ok(_)) => None,
        }
    };
    match refusal {
        None => Reply::one(connection_established(state)),
        Some((code, message)) => Reply {
            send: vec![error(Some(code), message)],
            close: Some((code, message.to_owned())),
        },
    }
}

/// The `data` of a client frame as an object: pusher-js sends an object; a
/// JSON string holding an object (what some clients send) is read too.
fn frame_data(message: &Map<String, Value>) -> Option<Map<String, Value>> {
    match message.get("data")? {
        Value::Object(data) => Some(data.clone()),
        Value::String(text) => match serde_json::from_str(text) {
            Ok(Value::Object(data)) => Some(data),
            _ => None,
        },
        _ => None,
    }
}

/// The string `data.channel` of a client frame.
fn frame_channel(data: Option<&Map<String, Value>>) -> Option<&str> {
    data?.get("channel")?.as_str()
}

/// Answers one text frame of the socket whose state is `state` (updated in
/// place): `pusher:subscribe`, `pusher:unsubscribe`, `pusher:ping` and
/// `pusher:pong` are served; anything else gets `pusher:error` with no code.
/// Never closes the socket and never panics, whatever the frame.
pub fn handle(state: &mut SocketState, frame: &str, app: &App) -> Reply {
    if frame.len() > MAX_MESSAGE {
        return Reply::error(&format!(
            "Message too large: {} bytes, the limit is {MAX_MESSAGE}",
            frame.len()
        ));
    }
    let Ok(value) = serde_json::from_str::<Value>(frame) else {
        return Reply::error("Invalid JSON");
    };
    let Value::Object(message) = value else {
        return Reply::error("A message must be a JSON object");
    };
    let Some(event) = message.get("event").and_then(Value::as_str) else {
        return Reply::error("A message needs an event name (a string)");
    };
    match event {
        "pusher:ping" => Reply::one(pong()),
        "pusher:pong" => Reply::default(),
        "pusher:subscribe" => subscribe(state, frame_data(&message).as_ref(), app),
        "pusher:unsubscribe" => {
            let data = frame_data(&message);
            let Some(channel) = frame_channel(data.as_ref()) else {
                return Reply::error("pusher:unsubscribe needs data.channel, a string");
            };
            state.channels.retain(|c| c != channel);
            Reply::default()
        }
        event if event.starts_with("client-") => Reply::error(NO_CLIENT_EVENTS),
        event => Reply::error(&format!("Unsupported event: {}", excerpt(event, 64))),
    }
}

/// `pusher:subscribe` with `data` `{channel, auth?, channel_data?}`: the state
/// changes only on success; a repeated subscription succeeds again without a
/// duplicate; a refused one leaves an earlier subscription in place.
fn subscribe(state: &mut SocketState, data: Option<&Map<String, Value>>, app: &App) -> Reply {
    let Some(channel) = frame_channel(data) else {
        return Reply::error("pusher:subscribe needs data.channel, a string");
    };
    if !valid_channel(channel) {
        return Reply::one(subscription_error(
            channel,
            400,
            "Invalid channel name: 1 to 164 characters of A-Z a-z 0-9 _ - = @ , . ;",
        ));
    }
    match channel_kind(channel) {
        ChannelKind::Public => {}
        ChannelKind::Private => {
            let auth = data.and_then(|d| d.get("auth")).and_then(Value::as_str);
            // One comparison of the whole `key:signature`, in constant time.
            let expected = channel_auth(app, &state.socket_id, channel);
            if !auth.is_some_and(|auth| same_secret(auth, &expected)) {
                return Reply::one(subscription_error(
                    channel,
                    401,
                    &format!(
                        "Invalid signature: expected the app key, a colon and the HMAC SHA256 \
                         hex digest of {}:{channel}",
                        state.socket_id
                    ),
                ));
            }
        }
        ChannelKind::Presence => {
            return Reply::one(subscription_error(
                channel,
                501,
                "Presence channels are not supported by this server",
            ));
        }
        ChannelKind::PrivateEncrypted => {
            return Reply::one(subscription_error(
                channel,
                501,
                "Encrypted channels are not supported by this server",
            ));
        }
    }
    if wants(state, channel) {
        return Reply::one(subscription_succeeded(channel));
    }
    if state.channels.len() >= MAX_CHANNELS
        || state.channel_bytes() + channel.len() > MAX_CHANNEL_BYTES
    {
        return Reply::one(subscription_error(
            channel,
            429,
            &format!(
                "Too many channels: a socket may subscribe to {MAX_CHANNELS} channels \
                 of {MAX_CHANNEL_BYTES} bytes of names in all"
            ),
        ));
    }
    state.channels.push(channel.to_owned());
    Reply::one(subscription_succeeded(channel))
}

/// Pusher's documented example credentials, for tests.
#[cfg(test)]
pub(crate) fn example_app() -> App {
    App {
        key: "278d425bdf160c739803".into(),
        secret: "7ad3773142a6692b25b8".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn app() -> App {
        example_app()
    }

    fn socket() -> SocketState {
        SocketState::new("1234.1234".into())
    }

    fn subscribe_frame(channel: &str, auth: Option<&str>) -> String {
        match auth {
            Some(auth) => {
                json!({"event": "pusher:subscribe", "data": {"channel": channel, "auth": auth}})
            }
            None => json!({"event": "pusher:subscribe", "data": {"channel": channel}}),
        }
        .to_string()
    }

    fn parse(text: &str) -> Value {
        serde_json::from_str(text).unwrap()
    }

    /// The one frame of `reply`, parsed; the socket is kept.
    fn only(reply: &Reply) -> Value {
        assert_eq!(reply.close, None);
        assert_eq!(reply.send.len(), 1, "{reply:?}");
        parse(&reply.send[0])
    }

    /// Asserts `reply` is one `pusher:error` with no code, and returns its
    /// message.
    fn pusher_error(reply: &Reply) -> String {
        let frame = only(reply);
        assert_eq!(frame["event"], "pusher:error", "{frame}");
        assert_eq!(frame["data"]["code"], Value::Null, "{frame}");
        frame["data"]["message"].as_str().unwrap().to_owned()
    }

    /// Asserts `reply` is one `pusher:subscription_error` on `channel` with
    /// `status`.
    fn refused(reply: &Reply, channel: &str, status: u16) {
        let frame = only(reply);
        assert_eq!(frame["event"], "pusher:subscription_error", "{frame}");
        assert_eq!(frame["channel"], channel);
        assert_eq!(frame["data"]["status"], status, "{frame}");
        assert!(frame["data"]["error"]
            .as_str()
            .is_some_and(|e| !e.is_empty()));
    }

    fn succeeded(reply: &Reply, channel: &str) {
        assert_eq!(reply.send, vec![subscription_succeeded(channel)]);
        assert_eq!(reply.close, None);
    }

    #[test]
    fn frames_are_the_exact_texts_pusher_js_reads() {
        let state = SocketState::new(new_socket_id(123, 456));
        assert_eq!(
            connection_established(&state),
            r#"{"event":"pusher:connection_established","data":"{\"socket_id\":\"123.456\",\"activity_timeout\":120}"}"#
        );
        assert_eq!(
            subscription_succeeded("private-aircall"),
            r#"{"event":"pusher_internal:subscription_succeeded","channel":"private-aircall","data":"{}"}"#
        );
        assert_eq!(
            subscription_error("private-aircall", 401, "Invalid signature"),
            r#"{"event":"pusher:subscription_error","channel":"private-aircall","data":{"type":"AuthError","error":"Invalid signature","status":401}}"#
        );
        assert_eq!(pong(), r#"{"event":"pusher:pong","data":{}}"#);
        assert_eq!(ping_frame(), r#"{"event":"pusher:ping","data":{}}"#);
        assert_eq!(pong_frame(), pong());
        assert_eq!(
            error(Some(4001), "Application does not exist"),
            r#"{"event":"pusher:error","data":{"code":4001,"message":"Application does not exist"}}"#
        );
        assert_eq!(
            error(None, "Invalid JSON"),
            r#"{"event":"pusher:error","data":{"code":null,"message":"Invalid JSON"}}"#
        );
        assert_eq!(
            channel_event("private-aircall", "update-call", r#"{"id":"a"}"#),
            r#"{"event":"update-call","channel":"private-aircall","data":"{\"id\":\"a\"}"}"#
        );
    }

    #[test]
    fn frames_escape_what_they_embed() {
        let frame = parse(&channel_event("c", "e\"\n", "\u{0}é\\"));
        assert_eq!(
            frame,
            json!({"event": "e\"\n", "channel": "c", "data": "\u{0}é\\"})
        );
        let frame = parse(&subscription_error("a\"b", 400, "x\ny"));
        assert_eq!(frame["channel"], "a\"b");
        assert_eq!(frame["data"]["error"], "x\ny");
        assert_eq!(frame["data"]["type"], "InvalidChannel");
        let frame = parse(&error(None, "\"quoted\""));
        assert_eq!(frame["data"]["message"], "\"quoted\"");
    }

    #[test]
    fn the_handshake_data_is_a_json_string_with_what_pusher_js_needs() {
        let frame = parse(&connection_established(&socket()));
        let data: Value = parse(frame["data"].as_str().unwrap());
        assert_eq!(
            data,
            json!({"socket_id": "1234.1234", "activity_timeout": 120})
        );
    }

    #[test]
    fn subscription_error_types_follow_the_status() {
        for (status, kind) in [
            (401, "AuthError"),
            (403, "AuthError"),
            (400, "InvalidChannel"),
            (429, "LimitReached"),
            (501, "UnsupportedChannel"),
            (500, "SubscriptionError"),
        ] {
            assert_eq!(
                parse(&subscription_error("c", status, "m"))["data"]["type"],
                kind
            );
        }
    }

    #[test]
    fn socket_ids_are_two_numbers_joined_by_a_dot() {
        assert_eq!(new_socket_id(0, 7), "0.7");
        let longest = new_socket_id(u64::MAX, u64::MAX);
        assert_eq!(longest.len(), MAX_SOCKET_ID);
        assert!(is_socket_id(&longest));
        assert!(is_socket_id("1234.5678"));
        for bad in ["", "1234", "1234.", ".5", "12a.4", "1.2.3", " 1.2", "١.٢"] {
            assert!(!is_socket_id(bad), "{bad}");
        }
        assert!(!is_socket_id(&format!("{longest}0")));
    }

    #[test]
    fn channel_names_follow_pushers_rules() {
        for good in ["a", "private-aircall", "A-Z_a-z=0@9,.;", &"x".repeat(164)] {
            assert!(valid_channel(good), "{good}");
        }
        for bad in [
            "",
            &"x".repeat(165),
            "with space",
            "slash/",
            "#server-to-user-1",
            "é",
            "chan\u{0}",
            "emoji😀",
            "a:b",
        ] {
            assert!(!valid_channel(bad), "{bad}");
        }
        assert_eq!(
            channel_kind("private-encrypted-x"),
            ChannelKind::PrivateEncrypted
        );
        assert_eq!(channel_kind("private-x"), ChannelKind::Private);
        assert_eq!(channel_kind("private-cache-x"), ChannelKind::Private);
        assert_eq!(channel_kind("presence-x"), ChannelKind::Presence);
        assert_eq!(channel_kind("cache-x"), ChannelKind::Public);
        assert_eq!(channel_kind("privatex"), ChannelKind::Public);
    }

    #[test]
    fn the_channel_authorization_is_pushers_documented_example() {
        assert_eq!(
            channel_auth(&app(), "1234.1234", "private-foobar"),
            "278d425bdf160c739803:58df8b0c36d6982b82c3ecf6b4662e34fe8c25bba48f5369f135bf843651c3a4"
        );
    }

    #[test]
    fn a_public_channel_subscribes_once_and_unsubscribes() {
        let mut state = socket();
        succeeded(
            &handle(&mut state, &subscribe_frame("news", None), &app()),
            "news",
        );
        assert!(wants(&state, "news"));
        assert!(!wants(&state, "other"));
        // Again: succeeded again, not duplicated.
        succeeded(
            &handle(&mut state, &subscribe_frame("news", None), &app()),
            "news",
        );
        assert_eq!(state.channels, vec!["news".to_owned()]);
        // An auth on a public channel is ignored.
        succeeded(
            &handle(&mut state, &subscribe_frame("b", Some("junk")), &app()),
            "b",
        );
        let unsubscribe = r#"{"event":"pusher:unsubscribe","data":{"channel":"news"}}"#;
        assert_eq!(handle(&mut state, unsubscribe, &app()), Reply::default());
        assert!(!wants(&state, "news"));
        assert_eq!(state.channels, vec!["b".to_owned()]);
        // Unsubscribing from a channel not subscribed to: nothing.
        assert_eq!(handle(&mut state, unsubscribe, &app()), Reply::default());
    }

    #[test]
    fn a_private_channel_needs_the_right_auth() {
        let mut state = socket();
        let auth = channel_auth(&app(), "1234.1234", "private-foobar");
        succeeded(
            &handle(
                &mut state,
                &subscribe_frame("private-foobar", Some(&auth)),
                &app(),
            ),
            "private-foobar",
        );
        assert!(wants(&state, "private-foobar"));
    }

    #[test]
    fn a_private_channel_refuses_every_other_auth() {
        let right = channel_auth(&app(), "1234.1234", "private-foobar");
        let (_, signature) = right.split_once(':').unwrap();
        let other_app = App {
            key: "other-key".into(),
            secret: app().secret,
        };
        let other_secret = App {
            key: app().key,
            secret: "not-the-secret".into(),
        };
        let cases = [
            ("wrong key", format!("other-key:{signature}")),
            (
                "key of another app",
                channel_auth(&other_app, "1234.1234", "private-foobar"),
            ),
            (
                "wrong secret",
                channel_auth(&other_secret, "1234.1234", "private-foobar"),
            ),
            (
                "other socket",
                channel_auth(&app(), "1234.1235", "private-foobar"),
            ),
            (
                "other channel",
                channel_auth(&app(), "1234.1234", "private-other"),
            ),
            ("signature only", signature.to_owned()),
            ("empty", String::new()),
            ("key only", format!("{}:", app().key)),
            ("truncated", right[..right.len() - 1].to_owned()),
            ("extended", format!("{right}0")),
            (
                "upper-case hex",
                format!("{}:{}", app().key, signature.to_uppercase()),
            ),
            ("padded", format!(" {right}")),
            ("the secret", format!("{}:{}", app().key, app().secret)),
        ];
        for (case, auth) in cases {
            let mut state = socket();
            let reply = handle(
                &mut state,
                &subscribe_frame("private-foobar", Some(&auth)),
                &app(),
            );
            refused(&reply, "private-foobar", 401);
            assert_eq!(only(&reply)["data"]["type"], "AuthError", "{case}");
            assert!(state.channels.is_empty(), "{case}");
        }
        // Missing, or not a string.
        for data in [
            json!({"channel": "private-foobar"}),
            json!({"channel": "private-foobar", "auth": null}),
            json!({"channel": "private-foobar", "auth": 1}),
            json!({"channel": "private-foobar", "auth": [right]}),
        ] {
            let mut state = socket();
            let frame = json!({"event": "pusher:subscribe", "data": data}).to_string();
            refused(&handle(&mut state, &frame, &app()), "private-foobar", 401);
            assert!(state.channels.is_empty());
        }
    }

    #[test]
    fn a_refused_resubscription_keeps_the_earlier_one() {
        let mut state = socket();
        let auth = channel_auth(&app(), "1234.1234", "private-foobar");
        handle(
            &mut state,
            &subscribe_frame("private-foobar", Some(&auth)),
            &app(),
        );
        let reply = handle(
            &mut state,
            &subscribe_frame("private-foobar", Some("x")),
            &app(),
        );
        refused(&reply, "private-foobar", 401);
        assert_eq!(state.channels, vec!["private-foobar".to_owned()]);
    }

    #[test]
    fn presence_and_encrypted_channels_are_not_supported() {
        for channel in ["presence-room", "private-encrypted-room"] {
            let mut state = socket();
            // Even with an auth that would pass as a private channel's.
            let auth = channel_auth(&app(), "1234.1234", channel);
            let reply = handle(&mut state, &subscribe_frame(channel, Some(&auth)), &app());
            refused(&reply, channel, 501);
            assert!(state.channels.is_empty());
        }
    }

    #[test]
    fn invalid_channel_names_are_refused() {
        let long = "x".repeat(165);
        for channel in [
            "",
            long.as_str(),
            "a b",
            "é",
            "#server-to-user-1",
            "private-é",
        ] {
            let mut state = socket();
            refused(
                &handle(&mut state, &subscribe_frame(channel, None), &app()),
                channel,
                400,
            );
            assert!(state.channels.is_empty());
        }
        let mut state = socket();
        let longest = "x".repeat(164);
        succeeded(
            &handle(&mut state, &subscribe_frame(&longest, None), &app()),
            &longest,
        );
    }

    #[test]
    fn a_socket_subscribes_to_at_most_max_channels() {
        let mut state = socket();
        for i in 0..MAX_CHANNELS {
            let channel = format!("c{i}");
            succeeded(
                &handle(&mut state, &subscribe_frame(&channel, None), &app()),
                &channel,
            );
        }
        refused(
            &handle(&mut state, &subscribe_frame("one-more", None), &app()),
            "one-more",
            429,
        );
        assert_eq!(
            only(&handle(&mut state, &subscribe_frame("x", None), &app()))["data"]["type"],
            "LimitReached"
        );
        // Already subscribed: still succeeds.
        succeeded(
            &handle(&mut state, &subscribe_frame("c0", None), &app()),
            "c0",
        );
        assert_eq!(state.channels.len(), MAX_CHANNELS);
        // One out, one in.
        handle(
            &mut state,
            r#"{"event":"pusher:unsubscribe","data":{"channel":"c0"}}"#,
            &app(),
        );
        succeeded(
            &handle(&mut state, &subscribe_frame("one-more", None), &app()),
            "one-more",
        );
    }

    #[test]
    fn a_socket_subscribes_to_at_most_max_channel_bytes_of_names() {
        let mut state = socket();
        let mut i = 0;
        loop {
            let channel = format!("{i:03}{}", "x".repeat(MAX_CHANNEL_NAME - 3));
            let fits = state.channel_bytes() + channel.len() <= MAX_CHANNEL_BYTES;
            let reply = handle(&mut state, &subscribe_frame(&channel, None), &app());
            if !fits {
                refused(&reply, &channel, 429);
                break;
            }
            succeeded(&reply, &channel);
            i += 1;
        }
        assert_eq!(state.channels.len(), MAX_CHANNEL_BYTES / MAX_CHANNEL_NAME);
        // A shorter name still fits in what is left.
        let rest = MAX_CHANNEL_BYTES - state.channel_bytes();
        let fits = "y".repeat(rest);
        succeeded(
            &handle(&mut state, &subscribe_frame(&fits, None), &app()),
            &fits,
        );
        assert_eq!(state.channel_bytes(), MAX_CHANNEL_BYTES);
        refused(
            &handle(&mut state, &subscribe_frame("z", None), &app()),
            "z",
            429,
        );
    }

    /// The compact JSON of `state`, as the attachment would hold it.
    fn attachment(state: &SocketState) -> String {
        serde_json::to_string(state).unwrap()
    }

    #[test]
    fn a_full_socket_state_fits_the_hibernation_attachment() {
        assert_eq!(MAX_STATE_JSON, 1955);
        let socket_id = new_socket_id(u64::MAX, u64::MAX);
        // As many channels as allowed, names sharing the byte budget.
        let many = SocketState {
            socket_id: socket_id.clone(),
            channels: (0..MAX_CHANNELS)
                .map(|i| format!("{i:02}{}", "x".repeat(14)))
                .collect(),
        };
        assert_eq!(many.channel_bytes(), MAX_CHANNEL_BYTES);
        assert_eq!(attachment(&many).len(), MAX_STATE_JSON);
        // The longest names allowed.
        let mut long = SocketState::new(socket_id);
        while long.channel_bytes() + MAX_CHANNEL_NAME <= MAX_CHANNEL_BYTES {
            long.channels
                .push(format!("{:03}{}", long.channels.len(), "x".repeat(161)));
        }
        let rest = MAX_CHANNEL_BYTES - long.channel_bytes();
        long.channels.push("y".repeat(rest));
        assert!(attachment(&long).len() <= MAX_STATE_JSON);
        for state in [&many, &long] {
            let text = attachment(state);
            assert!(text.len() <= ATTACHMENT_LIMIT, "{}", text.len());
            assert_eq!(&serde_json::from_str::<SocketState>(&text).unwrap(), state);
        }
        assert_eq!(
            attachment(&SocketState::new("1.2".into())),
            r#"{"s":"1.2","c":[]}"#
        );
    }

    #[test]
    fn a_state_filled_through_handle_fits_the_attachment() {
        // Subscribing with the longest names, then many short ones, until
        // refused: whatever order, the state stays within the bound.
        let mut state = SocketState::new(new_socket_id(u64::MAX, u64::MAX));
        for i in 0..200 {
            let channel = if i % 3 == 0 {
                format!("{i:03}{}", "x".repeat(MAX_CHANNEL_NAME - 3))
            } else {
                format!("c{i}")
            };
            handle(&mut state, &subscribe_frame(&channel, None), &app());
            assert!(attachment(&state).len() <= MAX_STATE_JSON);
        }
        assert!(state.channels.len() <= MAX_CHANNELS);
        assert!(state.channel_bytes() <= MAX_CHANNEL_BYTES);
    }

    #[test]
    fn ping_is_answered_and_pong_is_not() {
        let mut state = socket();
        assert_eq!(handle(&mut state, ping_frame(), &app()), Reply::one(pong()));
        // Whatever the data, or none.
        assert_eq!(
            handle(&mut state, r#"{"event":"pusher:ping"}"#, &app()),
            Reply::one(pong())
        );
        assert_eq!(handle(&mut state, pong_frame(), &app()), Reply::default());
    }

    #[test]
    fn client_events_are_refused_with_an_error_that_keeps_the_socket() {
        let mut state = socket();
        handle(&mut state, &subscribe_frame("news", None), &app());
        let frame = r#"{"event":"client-typing","channel":"news","data":{"a":1}}"#;
        assert_eq!(
            pusher_error(&handle(&mut state, frame, &app())),
            NO_CLIENT_EVENTS
        );
        assert_eq!(state.channels, vec!["news".to_owned()]);
    }

    #[test]
    fn every_bad_frame_gets_a_pusher_error() {
        let huge_list = format!(
            r#"{{"event":"pusher:subscribe","data":{{"channel":[{}]}}}}"#,
            vec!["\"a\""; 2000].join(",")
        );
        let nested = format!("{}{}", "[".repeat(5000), "]".repeat(5000));
        let oversize = format!(
            r#"{{"event":"pusher:subscribe","data":{{"channel":"{}"}}}}"#,
            "x".repeat(MAX_MESSAGE)
        );
        let frames = [
            "",
            "not json",
            "{",
            r#"{"event":"pusher:ping""#,
            "[]",
            r#"["pusher:ping"]"#,
            "42",
            "null",
            r#""pusher:ping""#,
            "{}",
            r#"{"data":{}}"#,
            r#"{"event":42}"#,
            r#"{"event":null}"#,
            r#"{"event":"unknown"}"#,
            r#"{"event":"pusher:unknown"}"#,
            r#"{"event":"pusher:signin","data":{"auth":"a","user_data":"{}"}}"#,
            r#"{"event":"pusher_internal:subscription_succeeded","channel":"x"}"#,
            r#"{"event":"pusher:connection_established","data":"{}"}"#,
            r#"{"event":"pusher:subscribe"}"#,
            r#"{"event":"pusher:subscribe","data":null}"#,
            r#"{"event":"pusher:subscribe","data":[]}"#,
            r#"{"event":"pusher:subscribe","data":"not json"}"#,
            r#"{"event":"pusher:subscribe","data":"[1]"}"#,
            r#"{"event":"pusher:subscribe","data":{}}"#,
            r#"{"event":"pusher:subscribe","data":{"channel":42}}"#,
            r#"{"event":"pusher:subscribe","data":{"channel":null}}"#,
            r#"{"event":"pusher:subscribe","data":{"channel":{"name":"x"}}}"#,
            r#"{"event":"pusher:unsubscribe"}"#,
            r#"{"event":"pusher:unsubscribe","data":{"channel":1}}"#,
            r#"{"event":"Pusher:Ping"}"#,
            "\u{feff}{}",
            huge_list.as_str(),
            nested.as_str(),
            oversize.as_str(),
        ];
        for frame in frames {
            let mut state = socket();
            let message = pusher_error(&handle(&mut state, frame, &app()));
            assert!(!message.is_empty(), "{frame}");
            assert!(state.channels.is_empty(), "{frame}");
        }
        let mut state = socket();
        assert!(
            pusher_error(&handle(&mut state, &oversize, &app())).starts_with("Message too large")
        );
    }

    #[test]
    fn a_frame_of_exactly_max_message_bytes_is_read() {
        let head = r#"{"event":"pusher:ping","data":""#;
        let frame = format!("{head}{}\"}}", " ".repeat(MAX_MESSAGE - head.len() - 2));
        assert_eq!(frame.len(), MAX_MESSAGE);
        assert_eq!(handle(&mut socket(), &frame, &app()), Reply::one(pong()));
    }

    #[test]
    fn unsupported_event_names_are_echoed_short() {
        let event = "pusher:".to_owned() + &"é".repeat(1000);
        let frame = json!({"event": event}).to_string();
        let message = pusher_error(&handle(&mut socket(), &frame, &app()));
        assert!(message.chars().count() < 100, "{message}");
    }

    #[test]
    fn subscribe_data_may_be_a_json_string() {
        let mut state = socket();
        let auth = channel_auth(&app(), "1234.1234", "private-foobar");
        let data = json!({"channel": "private-foobar", "auth": auth}).to_string();
        let frame = json!({"event": "pusher:subscribe", "data": data}).to_string();
        succeeded(&handle(&mut state, &frame, &app()), "private-foobar");
        // pusher-js's own shape, with channel_data left empty.
        let frame = json!({"event": "pusher:subscribe", "data": {"auth": "", "channel_data": null, "channel": "news"}});
        succeeded(&handle(&mut state, &frame.to_string(), &app()), "news");
    }

    #[test]
    fn a_connection_is_opened_with_the_app_key_and_protocol_7() {
        let state = socket();
        assert_eq!(
            open(&state, "278d425bdf160c739803", Some("7"), &app()),
            Reply::one(connection_established(&state))
        );
        for (key, protocol, code) in [
            ("other", Some("7"), APP_NOT_FOUND),
            ("", Some("7"), APP_NOT_FOUND),
            ("278d425bdf160c739803", None, NO_PROTOCOL),
            ("278d425bdf160c739803", Some(""), INVALID_VERSION),
            ("278d425bdf160c739803", Some("7.0"), INVALID_VERSION),
            ("278d425bdf160c739803", Some("seven"), INVALID_VERSION),
            ("278d425bdf160c739803", Some("6"), UNSUPPORTED_PROTOCOL),
            ("278d425bdf160c739803", Some("8"), UNSUPPORTED_PROTOCOL),
        ] {
            let reply = open(&state, key, protocol, &app());
            let (close, reason) = reply.close.clone().unwrap();
            assert_eq!(close, code);
            assert!(reason.len() <= 123);
            assert_eq!(reply.send, vec![error(Some(code), &reason)]);
            // pusher-js must not retry: a 4000-range code.
            assert!((4000..4100).contains(&code));
        }
    }

    #[test]
    fn the_secret_is_not_in_debug_output() {
        assert!(!format!("{:?}", app()).contains("7ad3773142a6692b25b8"));
    }

    /// Checks what must hold after any frame: no close, every frame sent is a
    /// JSON object with an event name, the state within its bounds.
    fn check_invariants(state: &SocketState, reply: &Reply) {
        assert_eq!(reply.close, None);
        assert!(reply.send.len() <= 1);
        for frame in &reply.send {
            let value = parse(frame);
            assert!(value["event"].is_string(), "{frame}");
        }
        assert!(state.channels.len() <= MAX_CHANNELS);
        assert!(state.channel_bytes() <= MAX_CHANNEL_BYTES);
        assert!(state.channels.iter().all(|c| valid_channel(c)));
        let mut sorted = state.channels.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), state.channels.len(), "no duplicates");
        assert!(attachment(state).len() <= MAX_STATE_JSON);
    }

    /// xorshift64*: a fixed-seed generator, so that failures reproduce.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    #[test]
    fn random_bytes_and_mutated_frames_never_panic() {
        let mut rng = Rng(0x5eed_1234_abcd_0001);
        let auth = channel_auth(&app(), "1234.1234", "private-foobar");
        let seeds = [
            subscribe_frame("private-foobar", Some(&auth)),
            subscribe_frame("news", None),
            subscribe_frame("presence-x", None),
            r#"{"event":"pusher:unsubscribe","data":{"channel":"news"}}"#.to_owned(),
            ping_frame().to_owned(),
            r#"{"event":"client-x","channel":"news","data":"{}"}"#.to_owned(),
        ];
        let alphabet = b"{}[]\":,\\ pusher:subscribechannelauth-_.0123456789\xc3\xa9\x00\xff";
        let mut state = socket();
        for round in 0..20_000 {
            let bytes: Vec<u8> = if round % 2 == 0 {
                // Random bytes of a JSON-ish alphabet, or of any value.
                let len = rng.below(64);
                (0..len)
                    .map(|_| {
                        if rng.below(4) == 0 {
                            rng.next() as u8
                        } else {
                            alphabet[rng.below(alphabet.len())]
                        }
                    })
                    .collect()
            } else {
                // A valid frame with a few bytes changed, dropped or added.
                let mut bytes = seeds[rng.below(seeds.len())].clone().into_bytes();
                for _ in 0..=rng.below(3) {
                    let at = rng.below(bytes.len() + 1);
                    match rng.below(3) {
                        0 if at < bytes.len() => bytes[at] = alphabet[rng.below(alphabet.len())],
                        1 if at < bytes.len() => {
                            bytes.remove(at);
                        }
                        _ => bytes.insert(at, rng.next() as u8),
                    }
                }
                bytes
            };
            let frame = String::from_utf8_lossy(&bytes);
            let reply = handle(&mut state, &frame, &app());
            check_invariants(&state, &reply);
        }
    }

    // proptest is a dev-dependency of the native host only.
    #[cfg(not(target_arch = "wasm32"))]
    mod props {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn any_text_is_answered_without_a_panic(frame in any::<String>()) {
                let mut state = socket();
                let reply = handle(&mut state, &frame, &app());
                check_invariants(&state, &reply);
            }

            #[test]
            fn any_subscription_keeps_the_state_valid(
                channels in prop::collection::vec("[a-z\\-=@,.;é ]{0,170}", 0..40),
                auth in prop::option::of(".{0,90}"),
            ) {
                let mut state = socket();
                for channel in &channels {
                    let reply = handle(&mut state, &subscribe_frame(channel, auth.as_deref()), &app());
                    check_invariants(&state, &reply);
                    let frame = parse(&reply.send[0]);
                    prop_assert!(
                        frame["event"] == "pusher_internal:subscription_succeeded"
                            || frame["event"] == "pusher:subscription_error"
                    );
                }
            }
        }
    }
}
