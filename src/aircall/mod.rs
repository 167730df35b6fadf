//! The Aircall phone test API: JWT login and refresh (`/auth/*`), `/me`,
//! calls with notes and archiving (`/calls*`), and Pusher Channels
//! (`/pusher/auth`, and an `update-call` event after every change). Errors
//! are NestJS-shaped. One file per resource; choices where the document is
//! silent: `docs/aircall.md`.

mod auth;
mod calls;
mod dataset;
mod error;
mod me;
mod notes;
pub mod passwords;
pub mod pusher;
pub mod tokens;

use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use http::StatusCode;
use serde_json::{Map, Value};

use crate::app::AppState;

pub use calls::{Call, Note};
pub use dataset::statements as dataset;
pub use error::{error_response, AircallError, CALL_NOT_FOUND};

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
}

/// A JSON answer with `status`.
fn json<T: serde::Serialize>(status: StatusCode, value: &T) -> Response {
    (status, Json(value)).into_response()
}

/// Reads the text field `name` as class-validator's `@IsString()`,
/// `@IsNotEmpty()` and `@MaxLength(max)` would, adding their messages to
/// `messages` when it does not fit.
fn text_field(
    fields: &Map<String, Value>,
    name: &str,
    max: usize,
    messages: &mut Vec<String>,
) -> Option<String> {
    match fields.get(name) {
        None | Some(Value::Null) => {
            messages.push(format!("{name} must be a string"));
            messages.push(format!("{name} should not be empty"));
            None
        }
        Some(Value::String(text)) if text.is_empty() => {
            messages.push(format!("{name} should not be empty"));
            None
        }
        Some(Value::String(text)) if text.chars().count() > max => {
            messages.push(format!(
                "{name} must be shorter than or equal to {max} characters"
            ));
            None
        }
        Some(Value::String(text)) => Some(text.clone()),
        Some(_) => {
            messages.push(format!("{name} must be a string"));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn read(body: Value) -> (Option<String>, Vec<String>) {
        let mut messages = Vec::new();
        let fields = body.as_object().cloned().unwrap_or_default();
        let value = text_field(&fields, "content", 5, &mut messages);
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
