//! Credits: `GET /api/v1/credits`, the account's balance, and
//! `POST /api/v1/credits`, which adds to it.

use std::collections::BTreeMap;

use axum::response::Response;
use bytes::Bytes;
use http::{HeaderMap, StatusCode};
use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::jsonapi::{self, Resource};
use super::query;
use super::token::Token;
use super::UpcallError;
use crate::http::{Ctx, NumberField, TextField};
use crate::ports::Statement;

/// The type of a balance.
pub const TYPE: &str = "credits";
/// The most one addition adds.
pub const MAX_AMOUNT: f64 = 1_000_000.0;

/// A balance's attributes.
#[derive(Debug, Serialize)]
pub struct Attributes {
    currency: String,
    credit_balance: Value,
}

#[derive(Debug, Deserialize)]
struct Row {
    id: Option<i64>,
    currency: Option<String>,
    credit_balance: Option<f64>,
}

/// A whole amount as an integer (`20`, not `20.0`), whatever the database
/// gives back: both hosts then answer alike.
fn amount(value: f64) -> Value {
    if value.fract() == 0.0 && value.abs() < 9_007_199_254_740_992.0 {
        Value::from(value as i64)
    } else {
        Value::from(value)
    }
}

impl query::Row for Row {
    type Attributes = Attributes;

    fn resource(self) -> Option<Resource<Attributes>> {
        Some(Resource {
            id: self.id?.to_string(),
            kind: TYPE,
            attributes: Attributes {
                currency: self.currency?,
                credit_balance: amount(self.credit_balance?),
            },
        })
    }
}

const COLUMNS: &str = "id, currency, credit_balance";

/// `GET /api/v1/credits`: `{"data": {"id": <the account's id>, "type":
/// "credits", "attributes": {"currency", "credit_balance"}}}`.
pub async fn show(token: Token, ctx: Ctx) -> Result<Response, UpcallError> {
    let result = ctx
        .db
        .all(
            Statement::new(format!(
                "SELECT id AS me, {COLUMNS} FROM upcall_accounts WHERE token_hash = ?"
            ))
            .bind(token.hash.as_str()),
        )
        .await?;
    Ok(jsonapi::one(
        StatusCode::OK,
        query::one::<Row>(Some(result), "Account")?,
    ))
}

/// The body of an addition.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Input {
    amount: NumberField,
    currency: TextField,
    #[serde(flatten)]
    other: BTreeMap<String, IgnoredAny>,
}

/// What the check of an addition found.
#[derive(Deserialize)]
struct Account {
    currency: Option<String>,
}

/// `POST /api/v1/credits` with `{"data": {"type": "credits", "attributes":
/// {"amount": 10, "currency": "USD"}}}`: adds `amount` (a positive number,
/// at most a million) to the balance, 201 and the new balance. `currency`,
/// if given, must be the account's: nothing is converted. One batch.
pub async fn add(
    token: Token,
    ctx: Ctx,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, UpcallError> {
    let data = jsonapi::read::<Input>(&headers, &body, TYPE)?;
    let input = data.attributes;
    let mut failures = jsonapi::unknown_attributes(&input.other, TYPE);
    let value = match &input.amount {
        NumberField::Number(n) => n.as_f64().filter(|v| *v > 0.0 && *v <= MAX_AMOUNT),
        _ => None,
    };
    if value.is_none() {
        failures.push((
            "amount".into(),
            format!("must be a positive number of at most {MAX_AMOUNT}"),
        ));
    }
    let currency = match input.currency {
        TextField::Missing => None,
        TextField::Text(c) => Some(c),
        TextField::NotText => {
            failures.push(("currency".into(), "must be a string".into()));
            None
        }
    };
    let (Some(value), true) = (value, failures.is_empty()) else {
        return Err(UpcallError::Invalid(failures));
    };
    let check =
        Statement::new("SELECT id AS me, currency FROM upcall_accounts WHERE token_hash = ?")
            .bind(token.hash.as_str());
    let update = Statement::new(format!(
        "UPDATE upcall_accounts SET credit_balance = credit_balance + ? \
         WHERE token_hash = ? AND (? IS NULL OR currency = ?) RETURNING 1 AS me, {COLUMNS}"
    ))
    .bind(value)
    .bind(token.hash.as_str())
    .bind(currency.clone())
    .bind(currency.clone());
    let mut results = ctx.db.batch(vec![check, update]).await?.into_iter();
    let account = query::rows::<Account>(results.next())?;
    let own = account
        .first()
        .and_then(|a| a.row.currency.clone())
        .unwrap_or_default();
    if currency.as_deref().is_some_and(|c| c != own) {
        return Err(UpcallError::invalid(
            "currency",
            format!("must be the account's, {own}"),
        ));
    }
    let balance = query::one::<Row>(results.next(), "Account")?;
    Ok(jsonapi::one(StatusCode::CREATED, balance))
}
