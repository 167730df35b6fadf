//! XiVO's request guard, in the original's order: a body that is not JSON is
//! 415, an `Accept` that excludes JSON is 406, then the credentials (401).

use axum::body::HttpBody as _;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::header::ACCEPT;
use http::HeaderMap;

use super::XivoError;
use crate::config::Credentials;
use crate::http::{basic, content_type, media_type, same_secret, AppState};

/// Whether the request has a body. The edge layer has read it whole already,
/// so its size is known exactly, whatever the headers said.
fn carries_body(request: &Request) -> bool {
    request.body().size_hint().lower() > 0
}

fn is_json(headers: &HeaderMap) -> bool {
    content_type(headers).is_some_and(|t| t == "application/json")
}

/// A missing (or blank) `Accept` is fine; otherwise it must list
/// `application/json`, or be nothing but `*/*`.
fn accepts_json(headers: &HeaderMap) -> bool {
    let mut types = Vec::new();
    for value in headers.get_all(ACCEPT) {
        let Ok(value) = value.to_str() else {
            return false;
        };
        types.extend(value.split(',').map(media_type).filter(|t| !t.is_empty()));
    }
    types.is_empty()
        || types.iter().any(|t| t == "application/json")
        || types.iter().all(|t| t == "*/*")
}

/// HTTP Basic credentials, compared in constant time (both halves always).
fn authorized(headers: &HeaderMap, expected: Option<&Credentials>) -> bool {
    let (Some(expected), Some((username, password))) = (expected, basic(headers)) else {
        return false;
    };
    let user_ok = same_secret(&username, &expected.username);
    let password_ok = same_secret(&password, &expected.password);
    user_ok & password_ok
}

pub async fn guard(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let headers = request.headers();
    if carries_body(&request) && !is_json(headers) {
        return XivoError::UnsupportedMediaType.into_response();
    }
    if !accepts_json(headers) {
        return XivoError::NotAcceptable.into_response();
    }
    if !authorized(headers, state.config.xivo.as_ref()) {
        return XivoError::Unauthorized.into_response();
    }
    next.run(request).await
}
