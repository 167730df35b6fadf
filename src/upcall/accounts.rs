//! Accounts: `POST /api/v1/admin/accounts`, the administrators' way to open an
//! Upcall account and get its auth token (shown once: only its hash is kept).
//! The route exists only when `ADMIN_API_KEY` is set.

use axum::response::Response;
use bytes::Bytes;
use http::{HeaderMap, StatusCode};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::jsonapi::{self, Resource};
use super::token;
use super::UpcallError;
use crate::http::{bearer, format_millis, same_secret, Ctx, TextField};
use crate::ports::Statement;

/// The resource type.
pub const TYPE: &str = "accounts";

/// The attributes a new account may be given.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Input {
    currency: TextField,
    #[serde(flatten)]
    other: std::collections::BTreeMap<String, serde::de::IgnoredAny>,
}

/// A new account, with its token: the only time the token is shown.
#[derive(Debug, Serialize)]
struct Created {
    currency: String,
    credit_balance: Value,
    auth_token: String,
}

/// Whether `currency` is an ISO 4217 code: three capital letters.
fn is_currency(currency: &str) -> bool {
    currency.len() == 3 && currency.bytes().all(|b| b.is_ascii_uppercase())
}

/// `POST /api/v1/admin/accounts` with `Authorization: Bearer <ADMIN_API_KEY>`
/// and, optionally, `{"data": {"type": "accounts", "attributes": {"currency":
/// "EUR"}}}` (default `USD`): 201 with the account and its new `auth_token`,
/// two fresh v4 UUIDs in hex (244 random bits, 64 characters). 401 for a
/// missing or wrong key.
pub async fn create(ctx: Ctx, headers: HeaderMap, body: Bytes) -> Result<Response, UpcallError> {
    let authorized = match (ctx.config.admin_api_key.as_ref(), bearer(&headers)) {
        (Some(key), Some(given)) => same_secret(given, &key.0),
        _ => false,
    };
    if !authorized {
        return Err(UpcallError::Field(
            StatusCode::UNAUTHORIZED,
            "authorization".into(),
            "must be Bearer and the administrators' key".into(),
        ));
    }
    let input = if body.iter().all(u8::is_ascii_whitespace) {
        Input::default()
    } else {
        jsonapi::read::<Input>(&headers, &body, TYPE)?.attributes
    };
    let mut failures = jsonapi::unknown_attributes(&input.other, TYPE);
    let currency = match input.currency {
        TextField::Missing => "USD".to_owned(),
        TextField::Text(c) if is_currency(&c) => c,
        _ => {
            failures.push((
                "currency".into(),
                "must be an ISO 4217 code, e.g. USD".into(),
            ));
            String::new()
        }
    };
    if !failures.is_empty() {
        return Err(UpcallError::Invalid(failures));
    }
    let auth_token = format!("{}{}", ctx.ids.uuid().simple(), ctx.ids.uuid().simple());
    let result = ctx
        .db
        .all(
            Statement::new(
                "INSERT INTO upcall_accounts (token_hash, currency, credit_balance, created_at) \
                 VALUES (?, ?, 0, ?) RETURNING id",
            )
            .bind(token::hash(&auth_token))
            .bind(currency.as_str())
            .bind(format_millis(ctx.clock.now())),
        )
        .await?;
    let id = result
        .rows
        .first()
        .and_then(|row| row.get("id"))
        .and_then(Value::as_i64)
        .ok_or_else(|| UpcallError::Internal("the new account has no id".into()))?;
    Ok(jsonapi::one(
        StatusCode::CREATED,
        Resource {
            id: id.to_string(),
            kind: TYPE,
            attributes: Created {
                currency,
                credit_balance: Value::from(0),
                auth_token,
            },
        },
    ))
}
