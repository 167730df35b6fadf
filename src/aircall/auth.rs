//! Authentication: `POST /auth/login`, `POST /auth/refresh-token-v2` (refresh
//! tokens rotate: each works once) and the deprecated `POST /auth/refresh-token`.
//! Every token carries its login's time: a session ends at its maximum age,
//! and, for registered users, as soon as the user is gone.

use axum::response::Response;
use bytes::Bytes;
use http::{HeaderMap, StatusCode};
use serde::{Deserialize, Serialize};

use super::tokens::{self, AccessToken, RefreshToken, Session, TokenUse};
use super::{passwords, text_field, AircallError};
use crate::config::{LoginMode, Secret};
use crate::http::{parse, Ctx, TextField};
use crate::ports::Statement;

/// How long after its token expired a spent refresh token's id is kept: the
/// clocks of two isolates may disagree by this much, and one that runs behind
/// must still find the id of a token it takes for unexpired.
pub const SPENT_ID_GRACE: i64 = 5 * 60;

/// The longest username accepted (it is copied into every token).
pub const MAX_USERNAME: usize = 100;
/// The longest password accepted (a registered login hashes it).
pub const MAX_PASSWORD: usize = 200;

/// The user as every auth answer and `/me` show it: the username is the id.
#[derive(Debug, Serialize)]
pub struct User {
    pub id: String,
    pub username: String,
}

impl User {
    pub fn new(username: &str) -> Self {
        Self {
            id: username.to_owned(),
            username: username.to_owned(),
        }
    }
}

#[derive(Serialize)]
struct Tokens {
    access_token: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    refresh_token: Option<String>,
    user: User,
}

fn secret(ctx: &Ctx) -> Result<&Secret, AircallError> {
    ctx.config.jwt_secret.as_ref().ok_or_else(|| {
        AircallError::Message(
            StatusCode::SERVICE_UNAVAILABLE,
            "Login is not configured".into(),
        )
    })
}

/// A fresh access token and, with `refresh`, a fresh refresh token (with a
/// new id), for `session`; answered 201 as NestJS answers a POST.
fn answer(ctx: &Ctx, session: &Session, refresh: bool) -> Result<Response, AircallError> {
    let secret = secret(ctx)?;
    let now = ctx.clock.now().timestamp();
    let max_age = ctx.config.aircall_session_max_age;
    let access_token = tokens::issue(secret, TokenUse::Access, session, now, max_age, None)?;
    let refresh_token = refresh
        .then(|| {
            let jti = Some(ctx.ids.uuid());
            tokens::issue(secret, TokenUse::Refresh, session, now, max_age, jti)
        })
        .transpose()?;
    Ok(super::json(
        StatusCode::CREATED,
        &Tokens {
            access_token,
            refresh_token,
            user: User::new(&session.username),
        },
    ))
}

/// The condition, appended to a statement that binds the username next, that
/// the user still exists: nothing in open login, a row of `aircall_users` in
/// registered login.
fn user_exists(ctx: &Ctx) -> &'static str {
    match ctx.config.aircall_login {
        LoginMode::Open => "? IS NOT NULL",
        LoginMode::Registered => "EXISTS (SELECT 1 FROM aircall_users WHERE username = ?)",
    }
}

/// Checks a registered user's password. An unknown user costs the same time
/// as a wrong password (a decoy hash is checked).
async fn registered(ctx: &Ctx, username: &str, password: &str) -> Result<bool, AircallError> {
    #[derive(serde::Deserialize)]
    struct Row {
        password_hash: String,
    }
    let row: Option<Row> = ctx
        .db
        .first(
            Statement::new("SELECT password_hash FROM aircall_users WHERE username = ? LIMIT 1")
                .bind(username),
        )
        .await?;
    Ok(match row {
        Some(row) => passwords::verify(password, &row.password_hash),
        None => {
            passwords::verify(password, passwords::DECOY);
            false
        }
    })
}

/// The body of a login.
#[derive(Default, Deserialize)]
#[serde(default)]
struct Credentials {
    username: TextField,
    password: TextField,
}

/// `POST /auth/login`: `{"username","password"}` (JSON or a form) →
/// 201 `{"access_token","refresh_token","user"}`. With
/// `AIRCALL_LOGIN=registered` (the default in production), only the users of
/// `aircall_users`, by password; with `open` (the default in development, as
/// the original), any username and password.
pub async fn login(ctx: Ctx, headers: HeaderMap, body: Bytes) -> Result<Response, AircallError> {
    let body: Credentials = parse(&headers, &body)?;
    let mut messages = Vec::new();
    let username = text_field(body.username, "username", MAX_USERNAME, &mut messages);
    let password = text_field(body.password, "password", MAX_PASSWORD, &mut messages);
    let (Some(username), Some(password)) = (username, password) else {
        return Err(AircallError::Invalid(messages));
    };
    secret(&ctx)?;
    if ctx.config.aircall_login == LoginMode::Registered
        && !registered(&ctx, &username, &password).await?
    {
        return Err(AircallError::Unauthorized);
    }
    let session = Session {
        username,
        auth_time: ctx.clock.now().timestamp(),
    };
    answer(&ctx, &session, true)
}

/// `POST /auth/refresh-token-v2` with `Authorization: Bearer <refresh token>`
/// → 201 `{"access_token","refresh_token","user"}`, of the same session (its
/// login time carried over). The refresh token is spent: one
/// `INSERT … ON CONFLICT DO NOTHING RETURNING` adds its id to
/// `aircall_spent_refresh_tokens`, and only a request that gets the row back
/// may proceed, so of two requests with the same token only the first
/// succeeds; the other is 401. In registered login the same INSERT adds
/// nothing once the user is gone (401 too). Ids are swept
/// [`SPENT_ID_GRACE`] after their token expired, in the same batch: one
/// round trip.
pub async fn refresh_v2(
    RefreshToken(token): RefreshToken,
    ctx: Ctx,
) -> Result<Response, AircallError> {
    let jti = token.jti.clone().ok_or(AircallError::Unauthorized)?;
    let now = ctx.clock.now().timestamp();
    let results = ctx
        .db
        .batch(vec![
            // The WHERE clause also keeps SQLite from reading ON CONFLICT as
            // part of a join.
            Statement::new(format!(
                "INSERT INTO aircall_spent_refresh_tokens (jti, expires_at) \
                 SELECT ?, ? WHERE {} \
                 ON CONFLICT (jti) DO NOTHING RETURNING jti",
                user_exists(&ctx)
            ))
            .bind(jti)
            .bind(token.expires_at)
            .bind(token.session.username.as_str()),
            Statement::new("DELETE FROM aircall_spent_refresh_tokens WHERE expires_at < ?")
                .bind(now.saturating_sub(SPENT_ID_GRACE)),
        ])
        .await?;
    let spent_now = results.first().is_some_and(|r| !r.rows.is_empty());
    if !spent_now {
        return Err(AircallError::Unauthorized);
    }
    answer(&ctx, &token.session, true)
}

/// `POST /auth/refresh-token` (deprecated) with `Authorization: Bearer
/// <access token>` → 201 `{"access_token","user"}`: a new access token of the
/// same session, for another 10 minutes (never past the session's maximum
/// age). In registered login the user must still exist (one round trip).
pub async fn refresh(AccessToken(token): AccessToken, ctx: Ctx) -> Result<Response, AircallError> {
    if ctx.config.aircall_login == LoginMode::Registered {
        let found = ctx
            .db
            .all(
                Statement::new("SELECT 1 AS found FROM aircall_users WHERE username = ? LIMIT 1")
                    .bind(token.session.username.as_str()),
            )
            .await?;
        if found.rows.is_empty() {
            return Err(AircallError::Unauthorized);
        }
    }
    answer(&ctx, &token.session, false)
}
