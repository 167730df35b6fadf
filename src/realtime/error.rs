//! Pusher's error dialect over HTTP: the status and a plain-text message,
//! as Pusher's HTTP API answers (`401 Invalid signature: …`), for the
//! trigger API and for a socket URL asked without a WebSocket upgrade.

use axum::response::{IntoResponse, Response};
use http::header::CONTENT_TYPE;
use http::StatusCode;

use crate::http::InternalError;
use crate::ports::PlatformError;

/// `status` with `message` as a `text/plain` body.
pub fn error_response(status: StatusCode, message: &str) -> Response {
    (
        status,
        [(CONTENT_TYPE, "text/plain; charset=utf-8")],
        format!("{message}\n"),
    )
        .into_response()
}

/// A 500 that says nothing of its cause, which goes to the access log.
pub fn internal(error: &PlatformError) -> Response {
    InternalError::attach(
        error_response(StatusCode::INTERNAL_SERVER_ERROR, "Internal server error"),
        error.to_string(),
    )
}
