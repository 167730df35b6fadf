//! XiVO's error dialect: a JSON list of messages (`["message_1", ...]`), or an
//! empty body where the document says so (404, 406, 415).

use axum::response::{IntoResponse, Response};
use http::header::{CONTENT_TYPE, WWW_AUTHENTICATE};
use http::{HeaderValue, StatusCode};

use crate::http::InternalError;
use crate::ports::PlatformError;

/// What a XiVO route can answer instead of its data.
#[derive(Debug)]
pub enum XivoError {
    /// 400 with the messages, e.g. `["No parsable data in the request"]`.
    BadRequest(Vec<String>),
    /// 401 with an empty body: missing or wrong credentials. Each value is
    /// one `WWW-Authenticate` challenge, sent in order (`digest.rs`).
    Unauthorized(Vec<HeaderValue>),
    /// 404 with an empty body.
    NotFound,
    /// 404 with messages, e.g. `["No such recording"]`.
    NotFoundMessages(Vec<String>),
    /// 412 with messages, e.g. `["campaign_not_empty"]`.
    PreconditionFailed(Vec<String>),
    /// 406 with an empty body: the client accepts no JSON.
    NotAcceptable,
    /// 415 with an empty body: a body that is not JSON.
    UnsupportedMediaType,
    /// 500: logged with its cause, answered without it.
    Internal(String),
}

impl From<PlatformError> for XivoError {
    fn from(error: PlatformError) -> Self {
        Self::Internal(error.0)
    }
}

fn empty(status: StatusCode) -> Response {
    status.into_response()
}

fn messages(status: StatusCode, messages: &[String]) -> Response {
    let body = serde_json::to_vec(messages).unwrap_or_else(|_| b"[]".to_vec());
    (status, [(CONTENT_TYPE, super::CONTENT_TYPE)], body).into_response()
}

impl IntoResponse for XivoError {
    fn into_response(self) -> Response {
        match self {
            Self::BadRequest(list) => messages(StatusCode::BAD_REQUEST, &list),
            Self::Unauthorized(challenges) => {
                let mut response = empty(StatusCode::UNAUTHORIZED);
                for challenge in challenges {
                    response.headers_mut().append(WWW_AUTHENTICATE, challenge);
                }
                response
            }
            Self::NotFound => empty(StatusCode::NOT_FOUND),
            Self::NotFoundMessages(list) => messages(StatusCode::NOT_FOUND, &list),
            Self::PreconditionFailed(list) => messages(StatusCode::PRECONDITION_FAILED, &list),
            Self::NotAcceptable => empty(StatusCode::NOT_ACCEPTABLE),
            Self::UnsupportedMediaType => empty(StatusCode::UNSUPPORTED_MEDIA_TYPE),
            Self::Internal(cause) => InternalError::attach(
                messages(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    &["Internal server error".to_owned()],
                ),
                cause,
            ),
        }
    }
}

/// Any status in XiVO's shape, for errors raised outside a XiVO route
/// (unknown path, wrong method, body too large).
pub fn error_response(status: StatusCode, message: &str) -> Response {
    match status {
        StatusCode::NOT_FOUND | StatusCode::NOT_ACCEPTABLE | StatusCode::UNSUPPORTED_MEDIA_TYPE => {
            empty(status)
        }
        _ => messages(status, &[message.to_owned()]),
    }
}
