//! The parts of a request's URL every API reads: the origin its links start
//! with and the query string's pairs.

use http::header::HOST;
use http::{HeaderMap, Uri};

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
