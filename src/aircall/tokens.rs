//! The Aircall API's tokens: JWT HS256 signed with `JWT_SECRET`, access tokens
//! for 10 minutes and refresh tokens for 1 hour, told apart by the
//! `token_use` claim; and the extractors that check them on a request.

use axum::extract::FromRequestParts;
use http::request::Parts;
use jwt_simple::prelude::{
    Duration as JwtDuration, HS256Key, JWTClaims, MACLike, UnixTimeStamp, VerificationOptions,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::AircallError;
use crate::app::AppState;
use crate::config::Secret;
use crate::http::bearer;

/// How long an access token lives, in seconds.
pub const ACCESS_TTL: u64 = 10 * 60;
/// How long a refresh token lives, in seconds.
pub const REFRESH_TTL: u64 = 60 * 60;

/// The two kinds of token. Each is refused where the other is expected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TokenUse {
    Access,
    Refresh,
}

/// The claims beyond the registered ones (`sub`, `iat`, `exp`, `jti`).
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Custom {
    username: String,
    token_use: TokenUse,
}

/// A token that checked out: signed with our key, of the kind expected, not
/// expired.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    pub username: String,
    /// The refresh token's id (refresh tokens only).
    pub jti: Option<String>,
    /// When the token expires (seconds since the epoch).
    pub expires_at: i64,
}

fn key(secret: &Secret) -> HS256Key {
    HS256Key::from_bytes(secret.0.as_bytes())
}

fn seconds(now: i64) -> u64 {
    u64::try_from(now).unwrap_or(0)
}

/// Signs a token of `kind` for `username`, issued at `now` (seconds since the
/// epoch). A refresh token carries `jti`, its id.
pub fn issue(
    secret: &Secret,
    kind: TokenUse,
    username: &str,
    now: i64,
    jti: Option<Uuid>,
) -> Result<String, AircallError> {
    let ttl = match kind {
        TokenUse::Access => ACCESS_TTL,
        TokenUse::Refresh => REFRESH_TTL,
    };
    let issued_at: UnixTimeStamp = JwtDuration::from_secs(seconds(now));
    let claims = JWTClaims {
        issued_at: Some(issued_at),
        expires_at: Some(issued_at + JwtDuration::from_secs(ttl)),
        invalid_before: None,
        issuer: None,
        subject: Some(username.to_owned()),
        audiences: None,
        jwt_id: jti.map(|id| id.to_string()),
        nonce: None,
        custom: Custom {
            username: username.to_owned(),
            token_use: kind,
        },
    };
    key(secret)
        .authenticate(claims)
        .map_err(|e| AircallError::Internal(format!("signing a token: {e}")))
}

/// Checks `token` as a token of `kind` at `now`. Any failure is `None`: the
/// client is told 401 and nothing more.
pub fn verify(secret: &Secret, token: &str, kind: TokenUse, now: i64) -> Option<Verified> {
    let options = VerificationOptions {
        // The worker's clock is the only one: no drift to tolerate.
        time_tolerance: Some(JwtDuration::from_secs(0)),
        artificial_time: Some(JwtDuration::from_secs(seconds(now))),
        ..VerificationOptions::default()
    };
    let claims = key(secret)
        .verify_token::<Custom>(token, Some(options))
        .ok()?;
    let expires_at = i64::try_from(claims.expires_at?.as_secs()).ok()?;
    let subject_matches = claims.subject.as_deref() == Some(claims.custom.username.as_str());
    let complete = match kind {
        TokenUse::Access => true,
        TokenUse::Refresh => claims.jwt_id.is_some(),
    };
    (claims.custom.token_use == kind && subject_matches && complete).then_some(Verified {
        username: claims.custom.username,
        jti: claims.jwt_id,
        expires_at,
    })
}

fn verified(parts: &Parts, state: &AppState, kind: TokenUse) -> Result<Verified, AircallError> {
    let secret = state
        .config
        .jwt_secret
        .as_ref()
        .ok_or(AircallError::Unauthorized)?;
    // The scheme in any case, as passport-jwt reads it.
    let token = bearer(&parts.headers).ok_or(AircallError::Unauthorized)?;
    verify(secret, token, kind, state.clock.now().timestamp()).ok_or(AircallError::Unauthorized)
}

/// A request with a valid access token in its `Authorization` header; every
/// route but login and the v2 refresh needs one. Put it first among a
/// handler's arguments, so that 401 comes before any other error (as NestJS
/// runs guards before pipes).
#[derive(Debug, Clone)]
pub struct AccessToken(pub Verified);

impl FromRequestParts<AppState> for AccessToken {
    type Rejection = AircallError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        verified(parts, state, TokenUse::Access).map(Self)
    }
}

/// A request with a valid refresh token in its `Authorization` header.
#[derive(Debug, Clone)]
pub struct RefreshToken(pub Verified);

impl FromRequestParts<AppState> for RefreshToken {
    type Rejection = AircallError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        verified(parts, state, TokenUse::Refresh).map(Self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret() -> Secret {
        Secret("a-test-secret-of-at-least-32-bytes!".into())
    }

    const NOW: i64 = 1_700_000_000;

    #[test]
    fn an_access_token_checks_out_as_access_only() {
        let token = issue(&secret(), TokenUse::Access, "ada", NOW, None).unwrap();
        let verified = verify(&secret(), &token, TokenUse::Access, NOW).unwrap();
        assert_eq!(verified.username, "ada");
        assert_eq!(verified.expires_at, NOW + 600);
        assert_eq!(verify(&secret(), &token, TokenUse::Refresh, NOW), None);
    }

    #[test]
    fn a_refresh_token_checks_out_as_refresh_only_and_carries_its_id() {
        let id = Uuid::new_v4();
        let token = issue(&secret(), TokenUse::Refresh, "ada", NOW, Some(id)).unwrap();
        let verified = verify(&secret(), &token, TokenUse::Refresh, NOW).unwrap();
        assert_eq!(verified.jti, Some(id.to_string()));
        assert_eq!(verified.expires_at, NOW + 3600);
        assert_eq!(verify(&secret(), &token, TokenUse::Access, NOW), None);
    }

    #[test]
    fn a_token_is_good_until_its_expiry_second_and_not_after() {
        let token = issue(&secret(), TokenUse::Access, "ada", NOW, None).unwrap();
        assert!(verify(&secret(), &token, TokenUse::Access, NOW + 600).is_some());
        assert!(verify(&secret(), &token, TokenUse::Access, NOW + 601).is_none());
        assert!(verify(&secret(), &token, TokenUse::Access, NOW - 1).is_none());
    }

    #[test]
    fn a_token_signed_with_another_secret_is_refused() {
        let other = Secret("another-secret-of-at-least-32-bytes".into());
        let token = issue(&other, TokenUse::Access, "ada", NOW, None).unwrap();
        assert_eq!(verify(&secret(), &token, TokenUse::Access, NOW), None);
    }

    #[test]
    fn the_claims_are_the_originals_plus_the_kind() {
        use base64::Engine;
        let token = issue(&secret(), TokenUse::Access, "ada", NOW, None).unwrap();
        let payload = token.split('.').nth(1).unwrap();
        let payload = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload)
            .unwrap();
        let claims: serde_json::Value = serde_json::from_slice(&payload).unwrap();
        assert_eq!(
            claims,
            serde_json::json!({
                "sub": "ada", "username": "ada", "iat": NOW, "exp": NOW + 600,
                "token_use": "access"
            })
        );
    }
}
