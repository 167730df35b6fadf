//! The parts of a request's URL every API reads: the origin its links start
//! with, the query string's pairs, and ids in paths.

use axum::extract::rejection::PathRejection;
use axum::extract::Path;
use http::header::HOST;
use http::{HeaderMap, Uri};

use crate::ports::MAX_EXACT_INTEGER;

/// An id from a path or a body: a positive integer (digits only) that D1
/// binds exactly. Anything else names no row.
pub fn positive_id(text: &str) -> Option<i64> {
    let text = text.trim();
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse::<i64>()
        .ok()
        .filter(|id| (1..=MAX_EXACT_INTEGER).contains(id))
}

/// The [`positive_id`] of a path's one parameter; a segment that is not even
/// text (`%FF`) names no row either.
pub fn path_id(path: Result<Path<String>, PathRejection>) -> Option<i64> {
    path.ok().and_then(|Path(id)| positive_id(&id))
}

/// The query string's pairs, decoded, in order.
pub fn query_pairs(uri: &Uri) -> Vec<(String, String)> {
    form_urlencoded::parse(uri.query().unwrap_or_default().as_bytes())
        .into_owned()
        .collect()
}

/// The last value of the query parameter `name`.
pub fn query_param<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .rev()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// The request's origin: the URI's own (Workers give absolute URIs), or
/// `http://` and the `Host` header (the native host).
pub fn origin(uri: &Uri, headers: &HeaderMap) -> String {
    if let (Some(scheme), Some(authority)) = (uri.scheme_str(), uri.authority()) {
        return format!("{scheme}://{authority}");
    }
    let host = headers
        .get(HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    format!("http://{host}")
}
