//! Credentials in the `Authorization` header, read once for every API: the
//! scheme is matched without regard to case (RFC 9110); and the one helper
//! that compares a secret, in constant time over SHA-256 digests.

use base64::Engine;
use http::header::AUTHORIZATION;
use http::HeaderMap;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// The credentials of `scheme` (`Bearer`, `Basic`), if the header has them.
fn credentials<'a>(headers: &'a HeaderMap, scheme: &str) -> Option<&'a str> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?.trim();
    let (given, rest) = value.split_once(' ')?;
    let rest = rest.trim();
    (given.eq_ignore_ascii_case(scheme) && !rest.is_empty()).then_some(rest)
}

/// The token of `Authorization: Bearer <token>`.
pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    credentials(headers, "Bearer")
}

/// The user name and password of `Authorization: Basic <base64>`.
pub fn basic(headers: &HeaderMap) -> Option<(String, String)> {
    let encoded = credentials(headers, "Basic")?;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (user, password) = text.split_once(':')?;
    Some((user.to_owned(), password.to_owned()))
}

/// Whether a given secret is the expected one. Both sides are hashed first
/// (SHA-256) and the digests compared in constant time, so the time taken
/// tells neither where they differ nor how long the expected secret is. Every
/// comparison of a client's secret with a configured one goes through here.
pub fn same_secret(given: &str, expected: &str) -> bool {
    let given = Sha256::digest(given.as_bytes());
    let expected = Sha256::digest(expected.as_bytes());
    given.ct_eq(&expected).into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn with(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(AUTHORIZATION, HeaderValue::from_str(value).unwrap());
        headers
    }

    #[test]
    fn schemes_are_read_without_regard_to_case() {
        assert_eq!(bearer(&with("Bearer abc")), Some("abc"));
        assert_eq!(bearer(&with("bearer  abc ")), Some("abc"));
        assert_eq!(bearer(&with("Bearer ")), None);
        assert_eq!(bearer(&with("Basic abc")), None);
        assert_eq!(
            basic(&with("basic YTpiOmM=")),
            Some(("a".into(), "b:c".into()))
        );
        assert_eq!(basic(&with("Basic !!")), None);
        assert_eq!(basic(&with("Basic YWJj")), None, "no colon");
    }

    #[test]
    fn secrets_must_be_equal_in_full() {
        assert!(same_secret("token", "token"));
        assert!(same_secret("", ""));
        assert!(!same_secret("toke", "token"));
        assert!(!same_secret("tokens", "token"));
        assert!(!same_secret("token\0", "token"));
        assert!(!same_secret("", "token"));
        assert!(!same_secret("TOKEN", "token"));
    }
}
