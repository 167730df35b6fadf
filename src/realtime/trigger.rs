//! Pusher's HTTP trigger API, `POST /apps/{app_id}/events`, verified as
//! Pusher's servers verify it ([`verify`]), and signed as Pusher's libraries
//! sign it ([`sign_trigger`]), so that the worker's own publisher and this
//! server share one definition.
//!
//! The signature: `auth_signature` is the hex HMAC-SHA256, with the app
//! secret, of `"POST\n<path>\n"` and every other query parameter, keys in
//! lower case, sorted by key, as `k=v` joined by `&`, *not* URL-encoded
//! (values are percent-decoded first, `+` as a space, as a query string is
//! read). `auth_key` is the app key, `auth_version` is `1.0`, `auth_timestamp`
//! is within [`AUTH_WINDOW`] seconds of the server's clock, `body_md5` is the
//! hex MD5 of the body (required unless the body is empty).
//!
//! The event itself is in the JSON body, `{"name", "channels": [...] or
//! "channel", "data": "<string>", "socket_id"?}`; parameters in the query
//! string instead (allowed by Pusher, "discouraged") are not read.
//!
//! Statuses, as Pusher's HTTP API answers: 404 for another app's path, 405
//! for a method other than POST, 401 for any authentication failure, 400 for
//! a malformed body, 413 for data over 10 KB (and for a body over
//! [`MAX_BODY`]).

use std::collections::BTreeMap;

use md5::{Digest, Md5};
use serde_json::Value;

use super::protocol::{self, channel_event, hmac_sha256_hex, is_socket_id, valid_channel};
use crate::config::PusherApp;
use crate::http::same_secret;
use crate::ports::ChannelEvent;

/// How far `auth_timestamp` may be from the server's clock, in seconds, either
/// way (Pusher: 600).
pub const AUTH_WINDOW: i64 = 600;
/// The longest event name, in characters (Pusher: 200).
pub const MAX_EVENT_NAME: usize = 200;
/// The most channels one trigger may name (Pusher: 100).
pub const MAX_TRIGGER_CHANNELS: usize = 100;
/// The largest event data, in bytes (Pusher: 10 KB).
pub const MAX_DATA: usize = 10 * 1024;
/// The largest body read, in bytes: room for the largest valid event even
/// with its data fully `\u`-escaped (6 bytes a byte: 60 KB), the longest name
/// likewise (1.2 KB) and 100 channels of 164 bytes (17 KB). Larger bodies are
/// refused (413) before any hashing.
pub const MAX_BODY: usize = 100 * 1024;

/// An app as the HTTP API sees it.
#[derive(Clone, PartialEq, Eq)]
pub struct App {
    /// The app id, in the path: `/apps/{app_id}/events`.
    pub app_id: String,
    /// The app key (`auth_key`).
    pub key: String,
    /// The app secret (HMAC key of `auth_signature`).
    pub secret: String,
}

impl App {
    /// The same app as its sockets see it.
    pub fn sockets(&self) -> protocol::App {
        protocol::App {
            key: self.key.clone(),
            secret: self.secret.clone(),
        }
    }
}

impl From<&PusherApp> for App {
    fn from(app: &PusherApp) -> Self {
        Self {
            app_id: app.app_id.clone(),
            key: app.key.clone(),
            secret: app.secret.0.clone(),
        }
    }
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App")
            .field("app_id", &self.app_id)
            .field("key", &self.key)
            .field("secret", &"<redacted>")
            .finish()
    }
}

/// A verified trigger: publish `data` as event `name` on each of `channels`,
/// to every subscribed socket but `socket_id`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trigger {
    /// The event name (at most 200 characters, never `pusher:` or
    /// `pusher_internal:`).
    pub name: String,
    /// 1 to 100 valid channel names, without duplicates, in the given order.
    pub channels: Vec<String>,
    /// The event data, at most 10 KB, as given (usually a JSON text).
    pub data: String,
    /// The socket that must not receive the event (its own sender's).
    pub socket_id: Option<String>,
}

impl Trigger {
    /// The frame that carries this event to a socket subscribed to `channel`.
    pub fn frame(&self, channel: &str) -> String {
        channel_event(channel, &self.name, &self.data)
    }
}

impl From<Trigger> for ChannelEvent {
    fn from(trigger: Trigger) -> Self {
        Self {
            name: trigger.name,
            channels: trigger.channels,
            data: trigger.data,
            socket_id: trigger.socket_id,
        }
    }
}

/// Why a trigger was refused: the HTTP status and a message for the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TriggerError {
    /// 400, 401, 404, 405 or 413.
    pub status: u16,
    /// What was wrong, in Pusher's words where they are known.
    pub message: String,
}

impl TriggerError {
    fn new(status: u16, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
        }
    }
}

impl std::fmt::Display for TriggerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.status, self.message)
    }
}

impl std::error::Error for TriggerError {}

/// The path events of `app_id` are triggered at: `/apps/{app_id}/events`.
pub fn events_path(app_id: &str) -> String {
    format!("/apps/{app_id}/events")
}

/// Hex MD5 of `body`, the `body_md5` parameter.
pub fn body_md5(body: &[u8]) -> String {
    hex::encode(Md5::digest(body))
}

/// The text HMAC-signed for a request: `"<METHOD>\n<path>\n"` and the
/// parameters (keys in lower case, without `auth_signature`) sorted by key as
/// `k=v` joined by `&`.
fn string_to_sign(method: &str, path: &str, params: &BTreeMap<String, String>) -> String {
    let query = params
        .iter()
        .filter(|(key, _)| *key != "auth_signature")
        .map(|(key, value)| format!("{key}={value}"))
        .collect::<Vec<_>>()
        .join("&");
    format!("{method}\n{path}\n{query}")
}

/// The query string a publisher sends with `POST {path}` and `body` at
/// `timestamp` (seconds since the epoch):
/// `auth_key=…&auth_timestamp=…&auth_version=1.0&body_md5=…&auth_signature=…`,
/// values URL-encoded (they are signed decoded). For the hex keys Pusher
/// issues: the query the Aircall API's publisher sends.
pub fn sign_trigger(app: &App, path: &str, body: &[u8], timestamp: i64) -> String {
    let params = BTreeMap::from([
        ("auth_key".to_owned(), app.key.clone()),
        ("auth_timestamp".to_owned(), timestamp.to_string()),
        ("auth_version".to_owned(), "1.0".to_owned()),
        ("body_md5".to_owned(), body_md5(body)),
    ]);
    let signature = hmac_sha256_hex(&app.secret, &string_to_sign("POST", path, &params));
    let mut query = form_urlencoded::Serializer::new(String::new());
    for (key, value) in &params {
        query.append_pair(key, value);
    }
    query.append_pair("auth_signature", &signature);
    query.finish()
}

/// The query's parameters, percent-decoded, keys in lower case; a key given
/// twice (in any case) is refused, so that no value is signed but another
/// used.
fn query_params(query: &str) -> Result<BTreeMap<String, String>, TriggerError> {
    let mut params = BTreeMap::new();
    for (key, value) in form_urlencoded::parse(query.as_bytes()) {
        let key = key.to_lowercase();
        if params.contains_key(&key) {
            return Err(TriggerError::new(
                400,
                format!(
                    "Duplicate query parameter: {}",
                    key.chars().take(64).collect::<String>()
                ),
            ));
        }
        params.insert(key, value.into_owned());
    }
    Ok(params)
}

/// Checks the authentication of a trigger: key, version, timestamp, signature,
/// then `body_md5` (which the signature covers).
fn authenticate(
    app: &App,
    path: &str,
    params: &BTreeMap<String, String>,
    body: &[u8],
    now: i64,
) -> Result<(), TriggerError> {
    let param = |name: &str| params.get(name).map(String::as_str);
    let unauthorized = |message: String| TriggerError::new(401, message);
    for name in [
        "auth_key",
        "auth_timestamp",
        "auth_version",
        "auth_signature",
    ] {
        if param(name).is_none() {
            return Err(unauthorized(format!("Missing parameter: {name}")));
        }
    }
    if param("auth_key") != Some(app.key.as_str()) {
        return Err(unauthorized("Unknown auth_key".into()));
    }
    if param("auth_version") != Some("1.0") {
        return Err(unauthorized("Unsupported auth_version: 1.0 is".into()));
    }
    let Some(timestamp) = param("auth_timestamp").and_then(|t| t.parse::<i64>().ok()) else {
        return Err(unauthorized(
            "Invalid auth_timestamp: seconds since the epoch".into(),
        ));
    };
    if now.abs_diff(timestamp) > AUTH_WINDOW.unsigned_abs() {
        return Err(unauthorized(format!(
            "Timestamp expired: Given timestamp ({timestamp}) not within {AUTH_WINDOW}s of server time ({now})"
        )));
    }
    let to_sign = string_to_sign("POST", path, params);
    let expected = hmac_sha256_hex(&app.secret, &to_sign);
    if !param("auth_signature").is_some_and(|given| same_secret(given, &expected)) {
        return Err(unauthorized(format!(
            "Invalid signature: you should have sent HmacSHA256Hex({to_sign:?}, your_secret_key)"
        )));
    }
    match param("body_md5") {
        Some(given) if given == body_md5(body) => Ok(()),
        Some(_) => Err(unauthorized(
            "Invalid body_md5: it is not the MD5 hex digest of the body".into(),
        )),
        None if body.is_empty() => Ok(()),
        None => Err(unauthorized("Missing parameter: body_md5".into())),
    }
}

/// Reads the event from a body already authenticated.
fn parse_body(body: &[u8]) -> Result<Trigger, TriggerError> {
    let bad = |message: String| TriggerError::new(400, message);
    let value: Value =
        serde_json::from_slice(body).map_err(|_| bad("The body must be JSON".into()))?;
    let Value::Object(event) = value else {
        return Err(bad("The body must be a JSON object".into()));
    };
    let field = |name: &str| event.get(name).filter(|value| !value.is_null());

    let Some(name) = field("name").and_then(Value::as_str) else {
        return Err(bad("Missing name: the event name, a string".into()));
    };
    if name.is_empty() {
        return Err(bad("The event name must not be empty".into()));
    }
    if name.chars().count() > MAX_EVENT_NAME {
        return Err(bad(format!(
            "Event name too long: at most {MAX_EVENT_NAME} characters"
        )));
    }
    if name.starts_with("pusher:") || name.starts_with("pusher_internal:") {
        return Err(bad(
            "Event names starting with pusher: or pusher_internal: are reserved".into(),
        ));
    }

    let given: Vec<&Value> = match (field("channels"), field("channel")) {
        (Some(Value::Array(channels)), None) => channels.iter().collect(),
        (None, Some(channel)) => vec![channel],
        (Some(_), Some(_)) => return Err(bad("Give channels or channel, not both".into())),
        (Some(_), None) => return Err(bad("channels must be an array of channel names".into())),
        (None, None) => return Err(bad("Missing channels: an array of channel names".into())),
    };
    if given.is_empty() {
        return Err(bad("channels must name at least one channel".into()));
    }
    if given.len() > MAX_TRIGGER_CHANNELS {
        return Err(bad(format!(
            "Too many channels: at most {MAX_TRIGGER_CHANNELS} per trigger"
        )));
    }
    let mut channels: Vec<String> = Vec::with_capacity(given.len());
    for channel in given {
        let Some(channel) = channel.as_str().filter(|c| valid_channel(c)) else {
            return Err(bad(
                "Invalid channel name: 1 to 164 characters of A-Z a-z 0-9 _ - = @ , . ;".into(),
            ));
        };
        if !channels.iter().any(|c| c == channel) {
            channels.push(channel.to_owned());
        }
    }

    let Some(data) = field("data").and_then(Value::as_str) else {
        return Err(bad("Missing data: the event data, a string".into()));
    };
    if data.len() > MAX_DATA {
        return Err(TriggerError::new(
            413,
            format!(
                "Event data too large: {} bytes, the limit is {MAX_DATA}",
                data.len()
            ),
        ));
    }

    let socket_id = match field("socket_id") {
        None => None,
        Some(Value::String(id)) if is_socket_id(id) => Some(id.clone()),
        Some(_) => return Err(bad("Invalid socket_id: digits, a dot, digits".into())),
    };

    Ok(Trigger {
        name: name.to_owned(),
        channels,
        data: data.to_owned(),
        socket_id,
    })
}

/// Verifies a request to Pusher's trigger API for `app` at `now` (seconds
/// since the epoch): `method`, the raw `path` and `query` (without `?`) and
/// the `body` as received. In this order: the path must be
/// `/apps/{app.app_id}/events` (404), the method POST (405), the body at most
/// [`MAX_BODY`] (413); then the authentication (401: see the module's
/// documentation); then the body (400, or 413 for data over 10 KB).
pub fn verify(
    app: &App,
    method: &str,
    path: &str,
    query: &str,
    body: &[u8],
    now: i64,
) -> Result<Trigger, TriggerError> {
    let app_id = path
        .strip_prefix("/apps/")
        .and_then(|rest| rest.strip_suffix("/events"));
    match app_id {
        Some(id) if id == app.app_id => {}
        Some(_) => return Err(TriggerError::new(404, "Unknown app_id")),
        None => return Err(TriggerError::new(404, "Not found")),
    }
    if method != "POST" {
        return Err(TriggerError::new(405, "Method not allowed: POST only"));
    }
    if body.len() > MAX_BODY {
        return Err(TriggerError::new(
            413,
            format!("Request body too large: the limit is {MAX_BODY} bytes"),
        ));
    }
    let params = query_params(query)?;
    authenticate(app, path, &params, body, now)?;
    parse_body(body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    // Pusher's documented example credentials.
    fn app() -> App {
        App {
            app_id: "3".into(),
            key: "278d425bdf160c739803".into(),
            secret: "7ad3773142a6692b25b8".into(),
        }
    }

    const PATH: &str = "/apps/3/events";
    const NOW: i64 = 1_353_088_179;

    fn body() -> String {
        json!({"name": "update-call", "channels": ["private-aircall"], "data": "{\"id\":1}"})
            .to_string()
    }

    /// A query signed over `params` (in any case and order) with `secret`.
    fn signed(secret: &str, path: &str, params: &[(&str, &str)]) -> String {
        let map: BTreeMap<String, String> = params
            .iter()
            .map(|(k, v)| (k.to_lowercase(), (*v).to_owned()))
            .collect();
        let signature = hmac_sha256_hex(secret, &string_to_sign("POST", path, &map));
        let mut query = form_urlencoded::Serializer::new(String::new());
        for (key, value) in params {
            query.append_pair(key, value);
        }
        query.append_pair("auth_signature", &signature);
        query.finish()
    }

    fn md5_of(body: &str) -> String {
        body_md5(body.as_bytes())
    }

    fn check(query: &str, body: &str, now: i64) -> Result<Trigger, TriggerError> {
        verify(&app(), "POST", PATH, query, body.as_bytes(), now)
    }

    fn status(result: Result<Trigger, TriggerError>) -> u16 {
        result.unwrap_err().status
    }

    #[test]
    fn the_signature_is_pushers_documented_example() {
        let body = r#"{"name":"foo","channels":["project-3"],"data":"{\"some\":\"data\"}"}"#;
        assert_eq!(
            sign_trigger(&app(), PATH, body.as_bytes(), 1_353_088_179),
            "auth_key=278d425bdf160c739803&auth_timestamp=1353088179&auth_version=1.0\
             &body_md5=ec365a775a4cd0599faeb73354201b6f\
             &auth_signature=da454824c97ba181a32ccc17a72625ba02771f50b50e1e7430e47a1f3f457e6c"
        );
        let trigger = check(&sign_trigger(&app(), PATH, body.as_bytes(), NOW), body, NOW).unwrap();
        assert_eq!(
            trigger,
            Trigger {
                name: "foo".into(),
                channels: vec!["project-3".into()],
                data: r#"{"some":"data"}"#.into(),
                socket_id: None,
            }
        );
    }

    #[test]
    fn verify_accepts_what_sign_trigger_makes() {
        let body = body();
        let query = sign_trigger(&app(), PATH, body.as_bytes(), NOW);
        assert!(check(&query, &body, NOW).is_ok());
        // Keys that need encoding round-trip too.
        let odd = App {
            app_id: "3".into(),
            key: "a key&=+%".into(),
            secret: "s".into(),
        };
        let query = sign_trigger(&odd, PATH, body.as_bytes(), NOW);
        assert!(verify(&odd, "POST", PATH, &query, body.as_bytes(), NOW).is_ok());
    }

    #[test]
    fn parameters_are_read_in_any_order_and_case_and_decoded() {
        let body = body();
        let md5 = md5_of(&body);
        let params = [
            ("body_md5", md5.as_str()),
            ("AUTH_VERSION", "1.0"),
            ("auth_Key", "278d425bdf160c739803"),
            ("auth_timestamp", "1353088179"),
            ("info", "user count,subscription_count"),
        ];
        let query = signed(&app().secret, PATH, &params);
        assert!(
            query.contains("info=user+count%2Csubscription_count"),
            "{query}"
        );
        assert!(check(&query, &body, NOW).is_ok());
        // `%20` for the space decodes alike.
        let query = query.replace("user+count", "user%20count");
        assert!(check(&query, &body, NOW).is_ok());
    }

    #[test]
    fn every_part_of_the_signature_counts() {
        let body = body();
        let md5 = md5_of(&body);
        let good = [
            ("auth_key", "278d425bdf160c739803"),
            ("auth_timestamp", "1353088179"),
            ("auth_version", "1.0"),
            ("body_md5", md5.as_str()),
        ];
        let query = signed(&app().secret, PATH, &good);
        assert!(check(&query, &body, NOW).is_ok());
        let signature = query.rsplit_once("auth_signature=").unwrap().1.to_owned();

        // Each parameter changed after signing.
        let tampered = [
            query.replace("auth_timestamp=1353088179", "auth_timestamp=1353088180"),
            query.replace(&md5, &md5_of("{}")),
            format!("{query}&socket_id=1.2"),
            query.replace(&signature, &signature.to_uppercase()),
            query.replace(&signature, &signature[..63]),
            query.replace(&signature, &format!("{signature}0")),
            query.replace(&format!("&auth_signature={signature}"), "&auth_signature="),
        ];
        for query in tampered {
            let error = check(&query, &body, NOW).unwrap_err();
            assert_eq!(error.status, 401, "{query}: {error}");
        }
        // Missing signature.
        let unsigned = query.replace(&format!("&auth_signature={signature}"), "");
        assert_eq!(status(check(&unsigned, &body, NOW)), 401);
        // Signed with another secret.
        assert_eq!(
            status(check(&signed("other", PATH, &good), &body, NOW)),
            401
        );
        // Signed for another path (another app's): refused even if routed here.
        let other_path = signed(&app().secret, "/apps/4/events", &good);
        assert_eq!(status(check(&other_path, &body, NOW)), 401);
        // Another key, signed correctly with our secret.
        let mut other_key = good;
        other_key[0] = ("auth_key", "other");
        let error = check(&signed(&app().secret, PATH, &other_key), &body, NOW).unwrap_err();
        assert_eq!(error, TriggerError::new(401, "Unknown auth_key"));
        // Another version, signed correctly.
        let mut other_version = good;
        other_version[2] = ("auth_version", "2.0");
        assert_eq!(
            status(check(
                &signed(&app().secret, PATH, &other_version),
                &body,
                NOW
            )),
            401
        );
        // Each required parameter left out (and the rest signed).
        for skip in 0..3 {
            let params: Vec<_> = good
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != skip)
                .map(|(_, p)| *p)
                .collect();
            let error = check(&signed(&app().secret, PATH, &params), &body, NOW).unwrap_err();
            assert_eq!(error.status, 401);
            assert!(error.message.starts_with("Missing parameter"), "{error}");
        }
        let without_md5 = signed(&app().secret, PATH, &good[..3]);
        assert_eq!(
            check(&without_md5, &body, NOW).unwrap_err(),
            TriggerError::new(401, "Missing parameter: body_md5")
        );
        // An invalid signature does not tell the secret.
        let error = check(&query.replace("1353088179", "1353088178"), &body, NOW).unwrap_err();
        assert!(error.message.starts_with("Invalid signature"));
        assert!(!error.message.contains(&app().secret));
    }

    #[test]
    fn the_timestamp_may_be_600_seconds_off_either_way() {
        let body = body();
        let query = sign_trigger(&app(), PATH, body.as_bytes(), NOW);
        for now in [NOW - 600, NOW - 1, NOW, NOW + 1, NOW + 600] {
            assert!(check(&query, &body, now).is_ok(), "{now}");
        }
        for now in [NOW - 601, NOW + 601, 0, i64::MIN, i64::MAX] {
            let error = check(&query, &body, now).unwrap_err();
            assert_eq!(error.status, 401, "{now}");
            assert!(error.message.starts_with("Timestamp expired"), "{error}");
        }
        // Extreme timestamps do not overflow.
        for timestamp in [i64::MIN, i64::MAX] {
            let query = sign_trigger(&app(), PATH, body.as_bytes(), timestamp);
            assert!(check(&query, &body, timestamp).is_ok());
            assert_eq!(status(check(&query, &body, 0)), 401);
        }
        // Not a number.
        let md5 = md5_of(&body);
        for timestamp in ["", "soon", "1.5", "1353088179 "] {
            let params = [
                ("auth_key", "278d425bdf160c739803"),
                ("auth_timestamp", timestamp),
                ("auth_version", "1.0"),
                ("body_md5", md5.as_str()),
            ];
            let error = check(&signed(&app().secret, PATH, &params), &body, NOW).unwrap_err();
            assert_eq!(error.status, 401);
            assert!(
                error.message.starts_with("Invalid auth_timestamp"),
                "{error}"
            );
        }
    }

    #[test]
    fn the_body_must_be_the_one_signed() {
        let body = body();
        let query = sign_trigger(&app(), PATH, body.as_bytes(), NOW);
        let other = body.replace("update-call", "other-call");
        assert_eq!(
            check(&query, &other, NOW).unwrap_err(),
            TriggerError::new(
                401,
                "Invalid body_md5: it is not the MD5 hex digest of the body"
            )
        );
        // An upper-case digest is not the digest.
        let md5 = md5_of(&body).to_uppercase();
        let params = [
            ("auth_key", "278d425bdf160c739803"),
            ("auth_timestamp", "1353088179"),
            ("auth_version", "1.0"),
            ("body_md5", md5.as_str()),
        ];
        assert_eq!(
            status(check(&signed(&app().secret, PATH, &params), &body, NOW)),
            401
        );
    }

    #[test]
    fn only_post_to_this_apps_events_path() {
        let body = body();
        let query = sign_trigger(&app(), PATH, body.as_bytes(), NOW);
        let at = |method: &str, path: &str| {
            verify(&app(), method, path, &query, body.as_bytes(), NOW).map_err(|e| e.status)
        };
        assert!(at("POST", PATH).is_ok());
        assert_eq!(at("POST", "/apps/4/events"), Err(404));
        assert_eq!(at("POST", "/apps/33/events"), Err(404));
        assert_eq!(at("POST", "/apps//events"), Err(404));
        assert_eq!(at("POST", "/apps/3/events/"), Err(404));
        assert_eq!(at("POST", "/apps/3/batch_events"), Err(404));
        assert_eq!(at("POST", "/apps/3/x/events"), Err(404));
        assert_eq!(at("POST", ""), Err(404));
        assert_eq!(at("GET", PATH), Err(405));
        assert_eq!(at("post", PATH), Err(405));
    }

    #[test]
    fn duplicate_parameters_are_refused() {
        let body = body();
        let query = sign_trigger(&app(), PATH, body.as_bytes(), NOW);
        for extra in [
            "auth_key=278d425bdf160c739803",
            "AUTH_KEY=x",
            "auth_signature=0",
        ] {
            let error = check(&format!("{query}&{extra}"), &body, NOW).unwrap_err();
            assert_eq!(error.status, 400, "{extra}");
            assert!(error.message.starts_with("Duplicate query parameter"));
        }
    }

    /// Verifies `body` signed correctly.
    fn with_body(body: &str) -> Result<Trigger, TriggerError> {
        check(&sign_trigger(&app(), PATH, body.as_bytes(), NOW), body, NOW)
    }

    #[test]
    fn data_up_to_10_kilobytes_is_accepted() {
        let event = |data: &str| json!({"name": "e", "channel": "c", "data": data}).to_string();
        assert_eq!(
            with_body(&event(&"x".repeat(MAX_DATA))).unwrap().data.len(),
            MAX_DATA
        );
        let error = with_body(&event(&"x".repeat(MAX_DATA + 1))).unwrap_err();
        assert_eq!(error.status, 413);
        // Measured in bytes, not characters.
        assert_eq!(
            status(with_body(&event(&"é".repeat(MAX_DATA / 2 + 1)))),
            413
        );
        // The largest valid event, escaped as far as it goes, is within MAX_BODY.
        let worst = format!(
            r#"{{"name":"{}","channels":[{}],"data":"{}"}}"#,
            "\\u0001".repeat(MAX_EVENT_NAME),
            vec![format!("\"{}\"", "x".repeat(164)); MAX_TRIGGER_CHANNELS].join(","),
            "\\u0001".repeat(MAX_DATA)
        );
        assert!(worst.len() <= MAX_BODY, "{}", worst.len());
        let trigger = with_body(&worst).unwrap();
        assert_eq!(trigger.data.len(), MAX_DATA);
        // The 100 equal channels merge into one.
        assert_eq!(trigger.channels.len(), 1);
    }

    #[test]
    fn a_body_over_max_body_is_refused_before_anything() {
        let body = " ".repeat(MAX_BODY + 1);
        let error = verify(&app(), "POST", PATH, "", body.as_bytes(), NOW).unwrap_err();
        assert_eq!(error.status, 413);
    }

    #[test]
    fn bad_bodies_are_refused() {
        let long_name = "n".repeat(MAX_EVENT_NAME + 1);
        let too_many: Vec<String> = (0..=MAX_TRIGGER_CHANNELS)
            .map(|i| format!("c{i}"))
            .collect();
        let bodies = [
            String::new(),
            "not json".into(),
            "[]".into(),
            "\"text\"".into(),
            "null".into(),
            json!({}).to_string(),
            json!({"channels": ["c"], "data": "d"}).to_string(),
            json!({"name": 1, "channels": ["c"], "data": "d"}).to_string(),
            json!({"name": "", "channels": ["c"], "data": "d"}).to_string(),
            json!({"name": long_name, "channels": ["c"], "data": "d"}).to_string(),
            json!({"name": "pusher:error", "channels": ["c"], "data": "d"}).to_string(),
            json!({"name": "pusher_internal:subscription_succeeded", "channels": ["c"], "data": "d"}).to_string(),
            json!({"name": "e", "data": "d"}).to_string(),
            json!({"name": "e", "channels": [], "data": "d"}).to_string(),
            json!({"name": "e", "channels": "c", "data": "d"}).to_string(),
            json!({"name": "e", "channels": too_many, "data": "d"}).to_string(),
            json!({"name": "e", "channels": ["c", 1], "data": "d"}).to_string(),
            json!({"name": "e", "channels": ["c", "a b"], "data": "d"}).to_string(),
            json!({"name": "e", "channels": ["é"], "data": "d"}).to_string(),
            json!({"name": "e", "channels": ["x".repeat(165)], "data": "d"}).to_string(),
            json!({"name": "e", "channels": ["c"], "channel": "c", "data": "d"}).to_string(),
            json!({"name": "e", "channel": 1, "data": "d"}).to_string(),
            json!({"name": "e", "channel": "", "data": "d"}).to_string(),
            json!({"name": "e", "channels": ["c"]}).to_string(),
            json!({"name": "e", "channels": ["c"], "data": {"a": 1}}).to_string(),
            json!({"name": "e", "channels": ["c"], "data": 1}).to_string(),
            json!({"name": "e", "channels": ["c"], "data": "d", "socket_id": "abc"}).to_string(),
            json!({"name": "e", "channels": ["c"], "data": "d", "socket_id": 1.2}).to_string(),
        ];
        for body in bodies {
            let error = with_body(&body).unwrap_err();
            assert_eq!(error.status, 400, "{body}: {error}");
            assert!(!error.message.is_empty());
        }
    }

    #[test]
    fn good_bodies_are_read() {
        let names = (0..MAX_TRIGGER_CHANNELS)
            .map(|i| format!("c{i}"))
            .collect::<Vec<_>>();
        let trigger =
            with_body(&json!({"name": "e", "channels": names, "data": ""}).to_string()).unwrap();
        assert_eq!(trigger.channels, names);
        let trigger = with_body(
            &json!({
                "name": "n".repeat(MAX_EVENT_NAME),
                "channel": "private-aircall",
                "data": "{}",
                "socket_id": "123.456",
                "info": "ignored"
            })
            .to_string(),
        )
        .unwrap();
        assert_eq!(trigger.channels, vec!["private-aircall".to_owned()]);
        assert_eq!(trigger.socket_id.as_deref(), Some("123.456"));
        // Names count characters.
        let name = "é".repeat(MAX_EVENT_NAME);
        assert!(with_body(&json!({"name": name, "channel": "c", "data": ""}).to_string()).is_ok());
        // Duplicates merge; null socket_id and channel are absent.
        let trigger = with_body(
            &json!({"name": "e", "channels": ["b", "a", "b"], "channel": null, "data": "d", "socket_id": null})
                .to_string(),
        )
        .unwrap();
        assert_eq!(trigger.channels, vec!["b".to_owned(), "a".to_owned()]);
        assert_eq!(trigger.socket_id, None);
    }

    #[test]
    fn an_empty_body_needs_no_md5_but_is_no_event() {
        let params = [
            ("auth_key", "278d425bdf160c739803"),
            ("auth_timestamp", "1353088179"),
            ("auth_version", "1.0"),
        ];
        let error = check(&signed(&app().secret, PATH, &params), "", NOW).unwrap_err();
        assert_eq!(error, TriggerError::new(400, "The body must be JSON"));
    }

    #[test]
    fn authentication_comes_before_the_body() {
        // A bad body with a bad signature: 401, telling nothing of the body.
        let body = "not json";
        let query = sign_trigger(&app(), PATH, body.as_bytes(), NOW)
            .replace("auth_signature=", "auth_signature=0");
        assert_eq!(status(check(&query, body, NOW)), 401);
    }

    #[test]
    fn sockets_see_the_same_app() {
        assert_eq!(
            app().sockets(),
            protocol::App {
                key: app().key,
                secret: app().secret,
            }
        );
        assert!(!format!("{:?}", app()).contains(&app().secret));
        assert_eq!(events_path("3"), PATH);
        assert_eq!(
            TriggerError::new(404, "Unknown app_id").to_string(),
            "404 Unknown app_id"
        );
    }
}
