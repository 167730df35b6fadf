//! The Aircall phone test API: JWT login and refresh (`/auth/*`), `/me`,
//! calls with notes and archiving (`/calls*`), and Pusher Channels
//! (`/pusher/auth`, and an `update-call` event after every change), with a
//! live page that shows those events (`/aircall/live`). Errors are
//! NestJS-shaped. One file per resource; choices where the document is
//! silent: `docs/aircall.md`.

mod auth;
mod calls;
mod dataset;
mod error;
pub mod live;
mod me;
mod notes;
pub mod passwords;
pub mod pusher;
pub mod tokens;

use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use http::StatusCode;

use crate::http::{AppState, BodyLimit, TextField, SMALL_BODY};

pub use calls::{Call, Note, EMBEDDED_BYTES, EMBEDDED_NOTES};
pub use dataset::statements as dataset;
pub use error::{error_response, AircallError, CALL_NOT_FOUND};
pub use notes::{MAX_CONTENT, MAX_NOTES, MAX_NOTES_BYTES};

/// The Aircall routes, at the document's paths.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/auth/login", post(auth::login))
        .route("/auth/refresh-token-v2", post(auth::refresh_v2))
        .route("/auth/refresh-token", post(auth::refresh))
        .route("/me", get(me::show))
        .route("/calls", get(calls::list))
        .route("/calls/{id}", get(calls::show))
        .route("/calls/{id}/note", post(notes::add))
        .route("/calls/{id}/archive", put(calls::archive))
        .route("/pusher/auth", post(pusher::auth))
        .route("/aircall/live", get(live::page))
        .route("/aircall/live/live.js", get(live::script))
}

/// The routes that take a body, and how much: small objects and forms only.
/// Archiving takes none, but a client may send an empty object.
pub const BODY_LIMITS: &[BodyLimit] = &[
    BodyLimit::new("POST", "/auth/login", SMALL_BODY),
    BodyLimit::new("POST", "/auth/refresh-token-v2", SMALL_BODY),
    BodyLimit::new("POST", "/auth/refresh-token", SMALL_BODY),
    BodyLimit::new("POST", "/calls/*/note", SMALL_BODY),
    BodyLimit::new("PUT", "/calls/*/archive", SMALL_BODY),
    BodyLimit::new("POST", "/pusher/auth", SMALL_BODY),
];

/// A JSON answer with `status`.
fn json<T: serde::Serialize>(status: StatusCode, value: &T) -> Response {
    (status, Json(value)).into_response()
}

/// Reads the text field `name` as class-validator's `@IsString()`,
/// `@IsNotEmpty()` and `@MaxLength(max)` would, adding their messages to
/// `messages` when it does not fit.
fn text_field(
    field: TextField,
    name: &str,
    max: usize,
    messages: &mut Vec<String>,
) -> Option<String> {
    match field {
        TextField::Missing => {
            messages.push(format!("{name} must be a string"));
            messages.push(format!("{name} should not be empty"));
            None
        }
        TextField::Text(text) if text.is_empty() => {
            messages.push(format!("{name} should not be empty"));
            None
        }
        TextField::Text(text) if text.chars().count() > max => {
            messages.push(format!(
                "{name} must be shorter than or equal to {max} characters"
            ));
            None
        }
        TextField::Text(text) => Some(text),
        TextField::NotText => {
            messages.push(format!("{name} must be a string"));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    #[derive(Default, serde::Deserialize)]
    #[serde(default)]
    struct Body {
        content: TextField,
    }

    fn read(body: Value) -> (Option<String>, Vec<String>) {
        let mut messages = Vec::new();
        let body: Body = serde_json::from_value(body).unwrap();
        let value = text_field(body.content, "content", 5, &mut messages);
        (value, messages)
    }

    #[test]
    fn text_fields_are_checked_as_class_validator_does() {
        assert_eq!(
            read(json!({"content": "hello"})),
            (Some("hello".into()), vec![])
        );
        assert_eq!(
            read(json!({})).1,
            ["content must be a string", "content should not be empty"]
        );
        assert_eq!(read(json!({"content": 5})).1, ["content must be a string"]);
        assert_eq!(
            read(json!({"content": ""})).1,
            ["content should not be empty"]
        );
        assert_eq!(
            read(json!({"content": "héllo!"})).1,
            ["content must be shorter than or equal to 5 characters"]
        );
        assert_eq!(read(json!({"content": "héllo"})).1, Vec::<String>::new());
    }
}
