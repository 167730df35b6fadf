//! Aircall's error dialect, NestJS-shaped: `{"statusCode", "message", "error"}`,
//! where `message` is a string, or the list of validation messages of a 400.
//! A 401 is exactly `{"statusCode":401,"message":"Unauthorized"}`, and a 500
//! `{"statusCode":500,"message":"Internal server error"}`, as NestJS sends them.

use axum::response::{IntoResponse, Response};
use axum::Json;
use http::StatusCode;
use serde_json::{json, Value};

use crate::http::{BodyError, InternalError};
use crate::ports::PlatformError;

/// The message of every unknown or malformed call id.
pub const CALL_NOT_FOUND: &str = "The call does not exist!";

/// What an Aircall route can answer instead of its data.
#[derive(Debug)]
pub enum AircallError {
    /// 400 with the validation messages, e.g. `["content must be a string"]`.
    Invalid(Vec<String>),
    /// Any status with one message, e.g. a body that is not JSON (400).
    Message(StatusCode, String),
    /// 401: no token, a bad one, an expired one, or one of the wrong kind.
    Unauthorized,
    /// 403: a Pusher channel this API does not sign for.
    Forbidden,
    /// 404: `The call does not exist!`
    CallNotFound,
    /// 500: logged with its cause, answered without it.
    Internal(String),
}

impl From<PlatformError> for AircallError {
    fn from(error: PlatformError) -> Self {
        Self::Internal(error.0)
    }
}

impl From<BodyError> for AircallError {
    fn from(error: BodyError) -> Self {
        match error {
            BodyError::UnsupportedMediaType => {
                Self::Message(StatusCode::UNSUPPORTED_MEDIA_TYPE, error.to_string())
            }
            BodyError::Malformed(_) | BodyError::MalformedForm(_) => {
                Self::Message(StatusCode::BAD_REQUEST, error.to_string())
            }
        }
    }
}

fn body(status: StatusCode, message: Value) -> Response {
    let error = status.canonical_reason().unwrap_or("Error");
    (
        status,
        Json(json!({ "statusCode": status.as_u16(), "message": message, "error": error })),
    )
        .into_response()
}

impl IntoResponse for AircallError {
    fn into_response(self) -> Response {
        match self {
            Self::Invalid(messages) => body(StatusCode::BAD_REQUEST, messages.into()),
            Self::Message(status, message) => error_response(status, &message),
            Self::Unauthorized => error_response(StatusCode::UNAUTHORIZED, "Unauthorized"),
            Self::Forbidden => body(StatusCode::FORBIDDEN, "Forbidden resource".into()),
            Self::CallNotFound => body(StatusCode::NOT_FOUND, CALL_NOT_FOUND.into()),
            Self::Internal(cause) => {
                InternalError::attach(error_response(StatusCode::INTERNAL_SERVER_ERROR, ""), cause)
            }
        }
    }
}

/// Any status in Aircall's shape, for errors raised outside an Aircall route
/// (unknown path, wrong method, body too large) as well as inside.
pub fn error_response(status: StatusCode, message: &str) -> Response {
    match status {
        // NestJS sends these two without an `error` field.
        StatusCode::UNAUTHORIZED => (
            status,
            Json(json!({ "statusCode": 401, "message": "Unauthorized" })),
        )
            .into_response(),
        StatusCode::INTERNAL_SERVER_ERROR => (
            status,
            Json(json!({ "statusCode": 500, "message": "Internal server error" })),
        )
            .into_response(),
        _ => body(status, message.into()),
    }
}
