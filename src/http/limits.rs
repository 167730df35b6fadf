//! How large a body each route takes, decided before any of it is read: each
//! API lists its routes and their limit; a route it does not list takes up to
//! [`BODY_LIMIT`] if it is not a `GET` or `HEAD`, which take none.

use http::Method;

/// The largest request body any route accepts.
pub const BODY_LIMIT: usize = 1024 * 1024;

/// The limit for routes that take a small JSON object or form (credentials, a
/// note, a channel to sign): 16 KiB.
pub const SMALL_BODY: usize = 16 * 1024;

/// One route's limit. `path` is the route's template, one `*` for each
/// segment that varies (`/calls/*/note`), or a final `**` for whatever
/// follows (`/1.0/**`).
#[derive(Debug, Clone, Copy)]
pub struct BodyLimit {
    pub method: &'static str,
    pub path: &'static str,
    pub bytes: usize,
}

impl BodyLimit {
    /// `path` asked with `method` takes at most `bytes`.
    pub const fn new(method: &'static str, path: &'static str, bytes: usize) -> Self {
        Self {
            method,
            path,
            bytes,
        }
    }

    fn matches(&self, method: &Method, path: &str) -> bool {
        if self.method != method.as_str() {
            return false;
        }
        let mut want = self.path.split('/');
        let mut got = path.split('/');
        loop {
            match (want.next(), got.next()) {
                (None, None) | (Some("**"), Some(_)) => return true,
                (Some("*"), Some(segment)) if !segment.is_empty() => {}
                (Some(a), Some(b)) if a == b => {}
                _ => return false,
            }
        }
    }
}

/// Every API's list of limits.
pub struct BodyLimits(pub &'static [&'static [BodyLimit]]);

impl BodyLimits {
    /// The most a request of `method` on `path` may carry, in bytes: the
    /// first limit that matches, else none for a read, else [`BODY_LIMIT`].
    pub fn for_request(&self, method: &Method, path: &str) -> usize {
        let listed = self
            .0
            .iter()
            .flat_map(|limits| limits.iter())
            .find(|limit| limit.matches(method, path));
        match listed {
            Some(limit) => limit.bytes.min(BODY_LIMIT),
            None if method == Method::GET || method == Method::HEAD => 0,
            None => BODY_LIMIT,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: BodyLimits = BodyLimits(&[&[
        BodyLimit::new("POST", "/calls/*/note", 10),
        BodyLimit::new("POST", "/huge", usize::MAX),
        BodyLimit::new("GET", "/api/**", 20),
    ]]);

    #[test]
    fn a_template_matches_one_segment_per_star_and_nothing_longer() {
        assert_eq!(LIMITS.for_request(&Method::POST, "/calls/abc/note"), 10);
        assert_eq!(
            LIMITS.for_request(&Method::POST, "/calls//note"),
            BODY_LIMIT
        );
        assert_eq!(
            LIMITS.for_request(&Method::POST, "/calls/a/b/note"),
            BODY_LIMIT
        );
        assert_eq!(
            LIMITS.for_request(&Method::POST, "/calls/abc/note/"),
            BODY_LIMIT
        );
        assert_eq!(
            LIMITS.for_request(&Method::PUT, "/calls/abc/note"),
            BODY_LIMIT
        );
    }

    #[test]
    fn reads_take_no_body_and_nothing_goes_past_the_ceiling() {
        assert_eq!(LIMITS.for_request(&Method::GET, "/calls/abc/note"), 0);
        assert_eq!(LIMITS.for_request(&Method::HEAD, "/anything"), 0);
        assert_eq!(LIMITS.for_request(&Method::POST, "/huge"), BODY_LIMIT);
    }

    #[test]
    fn a_double_star_covers_everything_below_its_prefix() {
        assert_eq!(LIMITS.for_request(&Method::GET, "/api/"), 20);
        assert_eq!(LIMITS.for_request(&Method::GET, "/api/a/b/"), 20);
        assert_eq!(LIMITS.for_request(&Method::GET, "/api"), 0);
        assert_eq!(LIMITS.for_request(&Method::GET, "/apis/x"), 0);
    }
}
