//! Call Power's error dialect: `{"message": "..."}` with the original's
//! messages (flask-restless's for searches), `{}` for an unknown row, and
//! `Access-Control-Allow-Origin: *` on every one, as on every `/api` answer.

use axum::response::{IntoResponse, Response};
use axum::Json;
use http::StatusCode;
use serde_json::json;

use super::cors;
use super::search::SearchError;
use crate::http::InternalError;
use crate::ports::PlatformError;

/// The message of a request without the right `api_key`.
pub const UNAUTHORIZED: &str = "A valid api_key is required";

/// What a Call Power route can answer instead of its data.
#[derive(Debug)]
pub enum CallPowerError {
    /// 401: no `api_key`, or not the right one.
    Unauthorized,
    /// 404 `{}`: no row has this id (flask-restless's answer).
    NoSuchRow,
    /// 404 with a message.
    NotFound(String),
    /// 400 with a message.
    BadRequest(String),
    /// 415 with a message.
    UnsupportedMediaType(String),
    /// 400: a search that cannot be read or built.
    Search(SearchError),
    /// 500: logged with its cause, answered without it.
    Internal(String),
}

impl CallPowerError {
    /// 404 `{"message": "No such campaign"}`: a statistic of a campaign that
    /// is not there (or of an id that names none).
    pub fn no_campaign() -> Self {
        Self::NotFound("No such campaign".into())
    }
}

impl From<PlatformError> for CallPowerError {
    fn from(error: PlatformError) -> Self {
        Self::Internal(error.0)
    }
}

impl From<SearchError> for CallPowerError {
    fn from(error: SearchError) -> Self {
        Self::Search(error)
    }
}

impl IntoResponse for CallPowerError {
    fn into_response(self) -> Response {
        match self {
            Self::Unauthorized => error_response(StatusCode::UNAUTHORIZED, UNAUTHORIZED),
            Self::NoSuchRow => cors((StatusCode::NOT_FOUND, Json(json!({}))).into_response()),
            Self::NotFound(message) => error_response(StatusCode::NOT_FOUND, &message),
            Self::BadRequest(message) => error_response(StatusCode::BAD_REQUEST, &message),
            Self::UnsupportedMediaType(message) => {
                error_response(StatusCode::UNSUPPORTED_MEDIA_TYPE, &message)
            }
            Self::Search(SearchError::Decode) => {
                error_response(StatusCode::BAD_REQUEST, "Unable to decode data")
            }
            Self::Search(SearchError::Construct) => {
                error_response(StatusCode::BAD_REQUEST, "Unable to construct query")
            }
            Self::Internal(cause) => InternalError::attach(
                error_response(StatusCode::INTERNAL_SERVER_ERROR, "Internal server error"),
                cause,
            ),
        }
    }
}

/// Any status in Call Power's shape, for errors raised outside a Call Power
/// route (unknown path, wrong method, body too large) as well as inside.
pub fn error_response(status: StatusCode, message: &str) -> Response {
    cors((status, Json(json!({ "message": message }))).into_response())
}
