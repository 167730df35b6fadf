//! Authentication: `POST /auth/login`, `POST /auth/refresh-token-v2` (refresh
//! tokens rotate: each works once) and the deprecated `POST /auth/refresh-token`.

use axum::response::Response;
use bytes::Bytes;
use http::{HeaderMap, StatusCode};
use serde::Serialize;

use super::tokens::{self, AccessToken, RefreshToken, TokenUse};
use super::{passwords, text_field, AircallError};
use crate::config::{LoginMode, Secret};
use crate::http::{fields, Ctx};
use crate::ports::Statement;

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
/// new id), answered 201 as NestJS answers a POST.
fn answer(ctx: &Ctx, username: &str, refresh: bool) -> Result<Response, AircallError> {
    let secret = secret(ctx)?;
    let now = ctx.clock.now().timestamp();
    let access_token = tokens::issue(secret, TokenUse::Access, username, now, None)?;
    let refresh_token = refresh
        .then(|| {
            tokens::issue(
                secret,
                TokenUse::Refresh,
                username,
                now,
                Some(ctx.ids.uuid()),
            )
        })
        .transpose()?;
    Ok(super::json(
        StatusCode::CREATED,
        &Tokens {
            access_token,
            refresh_token,
            user: User::new(username),
        },
    ))
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

/// `POST /auth/login`: `{"username","password"}` (JSON or a form) →
/// 201 `{"access_token","refresh_token","user"}`. Any username and password
/// by default, as the original; with `AIRCALL_LOGIN=registered`, only the
/// users of `aircall_users`, by password.
pub async fn login(ctx: Ctx, headers: HeaderMap, body: Bytes) -> Result<Response, AircallError> {
    let fields = fields(&headers, &body)?;
    let mut messages = Vec::new();
    let username = text_field(&fields, "username", MAX_USERNAME, &mut messages);
    let password = text_field(&fields, "password", MAX_PASSWORD, &mut messages);
    let (Some(username), Some(password)) = (username, password) else {
        return Err(AircallError::Invalid(messages));
    };
    secret(&ctx)?;
    if ctx.config.aircall_login == LoginMode::Registered
        && !registered(&ctx, &username, &password).await?
    {
        return Err(AircallError::Unauthorized);
    }
    answer(&ctx, &username, true)
}

/// `POST /auth/refresh-token-v2` with `Authorization: Bearer <refresh token>`
/// → 201 `{"access_token","refresh_token","user"}`. The refresh token is spent:
/// its id goes into `aircall_spent_refresh_tokens` with one conditional
/// INSERT, so of two requests with the same token only the first succeeds;
/// the other is 401.
pub async fn refresh_v2(
    RefreshToken(token): RefreshToken,
    ctx: Ctx,
) -> Result<Response, AircallError> {
    let jti = token.jti.clone().ok_or(AircallError::Unauthorized)?;
    let now = ctx.clock.now().timestamp();
    let results = ctx
        .db
        .batch(vec![
            Statement::new(
                "INSERT INTO aircall_spent_refresh_tokens (jti, expires_at) VALUES (?, ?) \
                 ON CONFLICT (jti) DO NOTHING",
            )
            .bind(jti)
            .bind(token.expires_at),
            // Ids of expired tokens need not be kept: those tokens fail anyway.
            Statement::new("DELETE FROM aircall_spent_refresh_tokens WHERE expires_at < ?")
                .bind(now),
        ])
        .await?;
    let first_use = results.first().is_some_and(|r| r.meta.changes == 1);
    if !first_use {
        return Err(AircallError::Unauthorized);
    }
    answer(&ctx, &token.username, true)
}

/// `POST /auth/refresh-token` (deprecated) with `Authorization: Bearer
/// <access token>` → 201 `{"access_token","user"}`: a new access token, for
/// another 10 minutes.
pub async fn refresh(AccessToken(token): AccessToken, ctx: Ctx) -> Result<Response, AircallError> {
    answer(&ctx, &token.username, false)
}
