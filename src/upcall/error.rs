//! Upcall's error dialect: `{"errors": {"<field>": ["<message>", ...]}}`, every
//! failing field at once, as the vendor's reference shows
//! (`{"errors":{"name":["Campaign name is a required field"]}}`).

use std::collections::BTreeMap;

use axum::response::{IntoResponse, Response};
use axum::Json;
use http::StatusCode;
use serde_json::json;

use crate::http::{BodyError, InternalError};
use crate::ports::PlatformError;

/// The message of a missing or unknown token.
pub const BAD_TOKEN: &str = "is missing or not valid";

/// What an Upcall route can answer instead of its data.
#[derive(Debug)]
pub enum UpcallError {
    /// 400: each failing field with its message, in the order found.
    Invalid(Vec<(String, String)>),
    /// Any status, for one field.
    Field(StatusCode, String, String),
    /// 401: `auth_token` missing or unknown.
    Unauthorized,
    /// 404: the resource (`"Campaign"`) does not exist for this account.
    NotFound(&'static str),
    /// 500: logged with its cause, answered without it.
    Internal(String),
}

impl UpcallError {
    /// A 400 on one field.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        Self::Invalid(vec![(field.to_owned(), message.into())])
    }
}

impl From<PlatformError> for UpcallError {
    fn from(error: PlatformError) -> Self {
        Self::Internal(error.0)
    }
}

impl From<BodyError> for UpcallError {
    fn from(error: BodyError) -> Self {
        match error {
            BodyError::UnsupportedMediaType => Self::Field(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "body".into(),
                "Content-Type must be JSON".into(),
            ),
            BodyError::Malformed(why) | BodyError::MalformedForm(why) => {
                Self::invalid("body", format!("is not valid JSON: {why}"))
            }
        }
    }
}

fn body(status: StatusCode, errors: BTreeMap<String, Vec<String>>) -> Response {
    (status, Json(json!({ "errors": errors }))).into_response()
}

impl IntoResponse for UpcallError {
    fn into_response(self) -> Response {
        match self {
            Self::Invalid(failures) => {
                let mut errors: BTreeMap<String, Vec<String>> = BTreeMap::new();
                for (field, message) in failures {
                    errors.entry(field).or_default().push(message);
                }
                body(StatusCode::BAD_REQUEST, errors)
            }
            Self::Field(status, field, message) => {
                body(status, BTreeMap::from([(field, vec![message])]))
            }
            Self::Unauthorized => error_response(StatusCode::UNAUTHORIZED, BAD_TOKEN),
            Self::NotFound(resource) => body(
                StatusCode::NOT_FOUND,
                BTreeMap::from([("id".into(), vec![format!("{resource} not found")])]),
            ),
            Self::Internal(cause) => InternalError::attach(
                error_response(StatusCode::INTERNAL_SERVER_ERROR, "Internal server error"),
                cause,
            ),
        }
    }
}

/// Any status in Upcall's shape, for errors raised outside an Upcall route
/// (unknown path, wrong method, body too large) as well as inside: the field
/// is what the status is about.
pub fn error_response(status: StatusCode, message: &str) -> Response {
    let field = match status {
        StatusCode::UNAUTHORIZED => "auth_token",
        StatusCode::NOT_FOUND => "path",
        StatusCode::METHOD_NOT_ALLOWED => "method",
        StatusCode::PAYLOAD_TOO_LARGE
        | StatusCode::UNSUPPORTED_MEDIA_TYPE
        | StatusCode::BAD_REQUEST => "body",
        _ => "request",
    };
    body(
        status,
        BTreeMap::from([(field.to_owned(), vec![message.to_owned()])]),
    )
}
