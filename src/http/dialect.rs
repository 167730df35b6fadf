//! Error dialects: each API answers errors in its own shape, including the ones
//! raised before a route is known (unknown path, wrong method, body too large).

use axum::response::{IntoResponse, Response};
use axum::Json;
use http::{Method, StatusCode, Uri};
use serde_json::json;

/// Renders an error in one API's shape.
pub type ErrorResponder = fn(StatusCode, &str) -> Response;

/// Path prefixes and the dialect that answers errors below each.
pub struct Dialects(pub &'static [(&'static str, ErrorResponder)]);

impl Dialects {
    /// The dialect for `path`: a prefix matches itself and whatever lies below
    /// it (`/calls` matches `/calls/1`, not `/callsX`).
    pub fn for_path(&self, path: &str) -> ErrorResponder {
        self.0
            .iter()
            .find(|(prefix, _)| {
                path.strip_prefix(prefix)
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
            })
            .map_or(host_error, |(_, responder)| *responder)
    }
}

/// The host's own errors, for paths outside the four APIs:
/// `{"status": 404, "message": "..."}`.
pub fn host_error(status: StatusCode, message: &str) -> Response {
    (
        status,
        Json(json!({ "status": status.as_u16(), "message": message })),
    )
        .into_response()
}

impl Dialects {
    /// Answers a path that no route serves, in the dialect of its API.
    pub fn not_found(&self, method: &Method, uri: &Uri) -> Response {
        let path = uri.path();
        self.for_path(path)(StatusCode::NOT_FOUND, &format!("Cannot {method} {path}"))
    }

    /// Answers a known path asked with a method it does not serve.
    pub fn method_not_allowed(&self, method: &Method, uri: &Uri) -> Response {
        let path = uri.path();
        self.for_path(path)(
            StatusCode::METHOD_NOT_ALLOWED,
            &format!("Method {method} is not allowed on {path}"),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A dialect that shows itself by answering 418 whatever it is asked.
    fn teapot(_: StatusCode, _: &str) -> Response {
        StatusCode::IM_A_TEAPOT.into_response()
    }

    fn answers_as_teapot(dialects: &Dialects, path: &str) -> bool {
        dialects.for_path(path)(StatusCode::NOT_FOUND, "x").status() == StatusCode::IM_A_TEAPOT
    }

    #[test]
    fn a_prefix_matches_itself_and_below_but_not_a_longer_name() {
        let dialects = Dialects(&[("/calls", teapot)]);
        assert!(answers_as_teapot(&dialects, "/calls"));
        assert!(answers_as_teapot(&dialects, "/calls/12/note"));
        assert!(!answers_as_teapot(&dialects, "/callsX"));
        assert!(!answers_as_teapot(&dialects, "/"));
    }
}
