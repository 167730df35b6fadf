//! Password hashes for `AIRCALL_LOGIN=registered`: PBKDF2-HMAC-SHA256 with a
//! 16-byte random salt, stored as `pbkdf2-sha256$<iterations>$<salt>$<hash>`
//! (base64 without padding). The iteration count is kept in each hash, so it
//! can be raised later without invalidating the stored ones. It is sized for
//! the Workers CPU budget (10 ms per request on the free plan): see
//! `docs/aircall.md` and `examples/aircall_password.rs` (the tool that adds a
//! user with [`upsert_user_sql`], and the benchmark).

use base64::engine::general_purpose::STANDARD_NO_PAD as B64;
use base64::Engine;
use sha2::Sha256;
use subtle::ConstantTimeEq;

/// The iterations of new hashes.
pub const ITERATIONS: u32 = 5_000;

/// The scheme's name, first in every stored hash.
const SCHEME: &str = "pbkdf2-sha256";

/// The derived key's length, in bytes.
const HASH_LEN: usize = 32;

/// Verification refuses stored hashes above this (a typo in a hand-made row
/// must not burn a request's CPU).
const MAX_ITERATIONS: u32 = 100_000;

fn derive(password: &str, salt: &[u8], iterations: u32) -> [u8; HASH_LEN] {
    let mut out = [0u8; HASH_LEN];
    pbkdf2::pbkdf2_hmac::<Sha256>(password.as_bytes(), salt, iterations, &mut out);
    out
}

/// The stored form of `password` with `salt` (16 random bytes: a v4 UUID's
/// bytes will do).
pub fn hash(password: &str, salt: &[u8]) -> String {
    hash_with(password, salt, ITERATIONS)
}

/// [`hash`] with another iteration count (for the benchmark and tests).
pub fn hash_with(password: &str, salt: &[u8], iterations: u32) -> String {
    let derived = derive(password, salt, iterations);
    format!(
        "{SCHEME}${iterations}${}${}",
        B64.encode(salt),
        B64.encode(derived)
    )
}

/// Whether `password` matches `stored`, compared in constant time. A stored
/// value that is not a hash of this scheme matches nothing.
pub fn verify(password: &str, stored: &str) -> bool {
    let mut parts = stored.split('$');
    let (Some(SCHEME), Some(iterations), Some(salt), Some(expected), None) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return false;
    };
    let (Ok(iterations), Ok(salt), Ok(expected)) = (
        iterations.parse::<u32>(),
        B64.decode(salt),
        B64.decode(expected),
    ) else {
        return false;
    };
    if iterations == 0 || iterations > MAX_ITERATIONS || expected.len() != HASH_LEN {
        return false;
    }
    derive(password, &salt, iterations).ct_eq(&expected).into()
}

/// The SQL that adds (or updates) a registered user, for
/// `wrangler d1 execute --file`. Nothing the user name holds can end its
/// literal: both values are written as hexadecimal blobs cast to text. The
/// name follows the login's rule (1 to [`super::auth::MAX_USERNAME`]
/// characters), without control characters.
pub fn upsert_user_sql(username: &str, password: &str, salt: &[u8]) -> Result<String, String> {
    let length = username.chars().count();
    if length == 0 || length > super::auth::MAX_USERNAME {
        return Err(format!(
            "a user name has 1 to {} characters",
            super::auth::MAX_USERNAME
        ));
    }
    if username.chars().any(char::is_control) {
        return Err("a user name has no control characters".into());
    }
    if password.is_empty() || password.chars().count() > super::auth::MAX_PASSWORD {
        return Err(format!(
            "a password has 1 to {} characters",
            super::auth::MAX_PASSWORD
        ));
    }
    let text = |value: &str| format!("CAST(X'{}' AS TEXT)", hex::encode(value.as_bytes()));
    Ok(format!(
        "INSERT INTO aircall_users (username, password_hash) VALUES ({}, {}) \
         ON CONFLICT (username) DO UPDATE SET password_hash = excluded.password_hash;\n",
        text(username),
        text(&hash(password, salt)),
    ))
}

/// A hash that no password matches in practice, verified against when the
/// user is unknown, so that an unknown name costs as much time as a wrong
/// password.
pub const DECOY: &str =
    "pbkdf2-sha256$5000$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_password_only() {
        let stored = hash("correct horse", b"0123456789abcdef");
        assert!(stored.starts_with("pbkdf2-sha256$5000$"));
        assert!(verify("correct horse", &stored));
        assert!(!verify("correct horsf", &stored));
    }

    #[test]
    fn the_same_password_with_another_salt_hashes_differently() {
        assert_ne!(
            hash("pw", b"0123456789abcdef"),
            hash("pw", b"fedcba9876543210")
        );
    }

    #[test]
    fn the_iterations_are_read_from_the_stored_hash() {
        let stored = hash_with("pw", b"0123456789abcdef", 10);
        assert!(verify("pw", &stored));
    }

    #[test]
    fn malformed_or_costly_stored_values_match_nothing() {
        for stored in [
            "",
            "plain-text",
            "pbkdf2-sha256$x$AAAA$AAAA",
            "pbkdf2-sha256$0$AAAA$AAAA",
            "pbkdf2-sha256$1000000$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            "md5$1$AAAA$AAAA",
        ] {
            assert!(!verify("", stored), "{stored:?}");
        }
    }

    #[test]
    fn the_decoy_is_a_well_formed_hash_of_the_current_cost() {
        assert!(DECOY.starts_with(&format!("{SCHEME}${ITERATIONS}$")));
        let mut parts = DECOY.split('$').skip(2);
        assert_eq!(B64.decode(parts.next().unwrap()).unwrap().len(), 16);
        assert_eq!(B64.decode(parts.next().unwrap()).unwrap().len(), HASH_LEN);
    }
}
