//! The Aircall API's tokens: JWT HS256 signed with `JWT_SECRET`, access tokens
//! for 10 minutes and refresh tokens for 1 hour, told apart by the
//! `token_use` claim. Each carries `auth_time`, the login it descends from,
//! through every refresh: no token outlives the session's maximum age. And the
//! extractors that check them on a request.

use axum::extract::FromRequestParts;
use http::request::Parts;
use jwt_simple::prelude::{
    Duration as JwtDuration, HS256Key, JWTClaims, MACLike, VerificationOptions,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::AircallError;
use crate::config::Secret;
use crate::http::{bearer, AppState};

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
    /// When the user logged in (seconds since the epoch, as OpenID Connect
    /// names it): kept as it is by every refresh.
    auth_time: i64,
}

/// Who a token is for, and since when: what a refresh passes on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub username: String,
    /// The login's time (seconds since the epoch).
    pub auth_time: i64,
}

/// A token that checked out: signed with our key, of the kind expected, not
/// expired, and of a session younger than the maximum age.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    pub session: Session,
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

/// When a session that began at `auth_time` ends, with `max_age` seconds.
fn session_end(auth_time: i64, max_age: u64) -> i64 {
    auth_time.saturating_add(i64::try_from(max_age).unwrap_or(i64::MAX))
}

/// Signs a token of `kind` for `session`, issued at `now` (seconds since the
/// epoch). It expires after its kind's lifetime, or when the session reaches
/// `max_age` seconds, whichever comes first. A refresh token carries `jti`,
/// its id.
pub fn issue(
    secret: &Secret,
    kind: TokenUse,
    session: &Session,
    now: i64,
    max_age: u64,
    jti: Option<Uuid>,
) -> Result<String, AircallError> {
    let ttl = match kind {
        TokenUse::Access => ACCESS_TTL,
        TokenUse::Refresh => REFRESH_TTL,
    };
    let expires = (seconds(now) + ttl).min(seconds(session_end(session.auth_time, max_age)));
    let claims = JWTClaims {
        issued_at: Some(JwtDuration::from_secs(seconds(now))),
        expires_at: Some(JwtDuration::from_secs(expires)),
        invalid_before: None,
        issuer: None,
        subject: Some(session.username.clone()),
        audiences: None,
        jwt_id: jti.map(|id| id.to_string()),
        nonce: None,
        custom: Custom {
            username: session.username.clone(),
            token_use: kind,
            auth_time: session.auth_time,
        },
    };
    key(secret)
        .authenticate(claims)
        .map_err(|e| AircallError::Internal(format!("signing a token: {e}")))
}

/// Checks `token` as a token of `kind` at `now`, for sessions of at most
/// `max_age` seconds. Any failure is `None`: the client is told 401 and
/// nothing more.
pub fn verify(
    secret: &Secret,
    token: &str,
    kind: TokenUse,
    now: i64,
    max_age: u64,
) -> Option<Verified> {
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
    let auth_time = claims.custom.auth_time;
    let issued_at = i64::try_from(claims.issued_at?.as_secs()).ok()?;
    // A login cannot come after the token it gave, and a session ends at its
    // maximum age, whatever its tokens' own expiry says.
    let session_alive = auth_time <= issued_at && now <= session_end(auth_time, max_age);
    (claims.custom.token_use == kind && subject_matches && complete && session_alive).then_some(
        Verified {
            session: Session {
                username: claims.custom.username,
                auth_time,
            },
            jti: claims.jwt_id,
            expires_at,
        },
    )
}

fn verified(parts: &Parts, state: &AppState, kind: TokenUse) -> Result<Verified, AircallError> {
    let secret = state
        .config
        .jwt_secret
        .as_ref()
        .ok_or(AircallError::Unauthorized)?;
    // The scheme in any case, as passport-jwt reads it.
    let token = bearer(&parts.headers).ok_or(AircallError::Unauthorized)?;
    let now = state.clock.now().timestamp();
    verify(
        secret,
        token,
        kind,
        now,
        state.config.aircall_session_max_age,
    )
    .ok_or(AircallError::Unauthorized)
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
    const WEEK: u64 = 7 * 24 * 3600;

    fn ada(auth_time: i64) -> Session {
        Session {
            username: "ada".into(),
            auth_time,
        }
    }

    fn issue_now(kind: TokenUse, jti: Option<Uuid>) -> String {
        issue(&secret(), kind, &ada(NOW), NOW, WEEK, jti).unwrap()
    }

    #[test]
    fn an_access_token_checks_out_as_access_only() {
        let token = issue_now(TokenUse::Access, None);
        let verified = verify(&secret(), &token, TokenUse::Access, NOW, WEEK).unwrap();
        assert_eq!(verified.session, ada(NOW));
        assert_eq!(verified.expires_at, NOW + 600);
        assert_eq!(
            verify(&secret(), &token, TokenUse::Refresh, NOW, WEEK),
            None
        );
    }

    #[test]
    fn a_refresh_token_checks_out_as_refresh_only_and_carries_its_id() {
        let id = Uuid::new_v4();
        let token = issue_now(TokenUse::Refresh, Some(id));
        let verified = verify(&secret(), &token, TokenUse::Refresh, NOW, WEEK).unwrap();
        assert_eq!(verified.jti, Some(id.to_string()));
        assert_eq!(verified.expires_at, NOW + 3600);
        assert_eq!(verify(&secret(), &token, TokenUse::Access, NOW, WEEK), None);
    }

    #[test]
    fn a_token_is_good_until_its_expiry_second_and_not_after() {
        let token = issue_now(TokenUse::Access, None);
        assert!(verify(&secret(), &token, TokenUse::Access, NOW + 600, WEEK).is_some());
        assert!(verify(&secret(), &token, TokenUse::Access, NOW + 601, WEEK).is_none());
        assert!(verify(&secret(), &token, TokenUse::Access, NOW - 1, WEEK).is_none());
    }

    #[test]
    fn no_token_outlives_its_session() {
        // A refresh issued 30 minutes before the session's end expires with it.
        let late = NOW + 7 * 24 * 3600 - 1800;
        let token = issue(
            &secret(),
            TokenUse::Refresh,
            &ada(NOW),
            late,
            WEEK,
            Some(Uuid::nil()),
        )
        .unwrap();
        let verified = verify(&secret(), &token, TokenUse::Refresh, late, WEEK).unwrap();
        assert_eq!(verified.expires_at, NOW + 7 * 24 * 3600);
        // A shorter maximum age, set after the token was issued, ends it too.
        assert!(verify(&secret(), &token, TokenUse::Refresh, late, 3600).is_none());
    }

    #[test]
    fn a_login_time_after_the_token_is_refused() {
        let token = issue(&secret(), TokenUse::Access, &ada(NOW + 60), NOW, WEEK, None).unwrap();
        assert!(verify(&secret(), &token, TokenUse::Access, NOW, WEEK).is_none());
    }

    #[test]
    fn a_token_signed_with_another_secret_is_refused() {
        let other = Secret("another-secret-of-at-least-32-bytes".into());
        let token = issue(&other, TokenUse::Access, &ada(NOW), NOW, WEEK, None).unwrap();
        assert_eq!(verify(&secret(), &token, TokenUse::Access, NOW, WEEK), None);
    }

    #[test]
    fn the_claims_are_the_originals_plus_the_kind_and_the_login_time() {
        use base64::Engine;
        let token = issue_now(TokenUse::Access, None);
        let payload = token.split('.').nth(1).unwrap();
        let payload = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload)
            .unwrap();
        let claims: serde_json::Value = serde_json::from_slice(&payload).unwrap();
        assert_eq!(
            claims,
            serde_json::json!({
                "sub": "ada", "username": "ada", "iat": NOW, "exp": NOW + 600,
                "token_use": "access", "auth_time": NOW
            })
        );
    }
}
