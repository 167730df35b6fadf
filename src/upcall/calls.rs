//! Calls, read only: `GET /api/v1/calls` (filtered, paged),
//! `GET /api/v1/calls/:id`, and a campaign's calls,
//! `GET /api/v1/campaigns/:id/numbers/calls`.

use axum::extract::rejection::PathRejection;
use axum::extract::Path;
use axum::response::Response;
use http::{HeaderMap, StatusCode, Uri};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::jsonapi::{self, Resource};
use super::query::{self, Filter, Kind};
use super::token::Token;
use super::UpcallError;
use crate::http::Ctx;
use crate::ports::Statement;

/// The type of a call, as the later references show it.
pub const TYPE: &str = "call";
/// A call's statuses.
pub const STATUSES: [&str; 15] = [
    "completed",
    "completed_fu_call",
    "completed_fu_email",
    "completed_fu_inperson",
    "call_back_later",
    "busy",
    "no_answer",
    "voicemail",
    "hungup",
    "not_interested",
    "dnc",
    "no_service",
    "technical_issue",
    "wrong_number",
    "untried",
];

/// The filters of every list of calls; the bounds are inclusive.
const FILTERS: &[Filter] = &[
    Filter::new("status", "status = ?", Kind::OneOf(&STATUSES)),
    Filter::new("to_number_id", "to_number_id = ?", Kind::Integer),
    Filter::new("campaign_id", "campaign_id = ?", Kind::Integer),
    Filter::new("min_duration", "duration >= ?", Kind::Integer),
    Filter::new("max_duration", "duration <= ?", Kind::Integer),
    Filter::new("min_cost", "CAST(cost AS REAL) >= ?", Kind::Decimal),
    Filter::new("max_cost", "CAST(cost AS REAL) <= ?", Kind::Decimal),
];

/// A call's attributes, in the later references' order.
#[derive(Debug, Serialize)]
pub struct Attributes {
    note: Option<String>,
    status: String,
    duration: i64,
    cost: String,
    campaign_number_id: Option<i64>,
    from: Option<String>,
    to: Option<String>,
    transcript: Option<String>,
    datetime_called: Option<String>,
    cost_currency: Option<String>,
    recording_urls: Value,
    caller: Value,
}

#[derive(Debug, Deserialize)]
struct Row {
    id: Option<i64>,
    note: Option<String>,
    status: Option<String>,
    duration: Option<i64>,
    cost: Option<String>,
    campaign_number_id: Option<i64>,
    from: Option<String>,
    to: Option<String>,
    transcript: Option<String>,
    datetime_called: Option<String>,
    cost_currency: Option<String>,
    recording_urls: Option<String>,
    caller: Option<String>,
}

/// A JSON text of a column, or `fallback` when there is none or it is not JSON.
fn json_column(text: Option<String>, fallback: Value) -> Value {
    text.and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or(fallback)
}

impl query::Row for Row {
    type Attributes = Attributes;

    fn resource(self) -> Option<Resource<Attributes>> {
        Some(Resource {
            id: self.id?.to_string(),
            kind: TYPE,
            attributes: Attributes {
                note: self.note,
                status: self.status?,
                duration: self.duration.unwrap_or(0),
                cost: self.cost.unwrap_or_else(|| "0.0".into()),
                campaign_number_id: self.campaign_number_id,
                from: self.from,
                to: self.to,
                transcript: self.transcript,
                datetime_called: self.datetime_called,
                cost_currency: self.cost_currency,
                recording_urls: json_column(self.recording_urls, Value::Array(Vec::new())),
                caller: json_column(self.caller, Value::Null),
            },
        })
    }
}

const COLUMNS: &str = "c.id, c.note, c.status, c.duration, c.cost, c.campaign_number_id, \
     c.\"from\", c.\"to\", c.transcript, c.datetime_called, c.cost_currency, \
     c.recording_urls, c.caller";

/// `GET /api/v1/calls`: the account's calls in id order, filtered by
/// `status`, `to_number_id`, `campaign_id` and the duration and cost bounds,
/// paged. One D1 round trip.
pub async fn list(
    token: Token,
    ctx: Ctx,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, UpcallError> {
    let (page, filters) = query::read_list(&uri, &[FILTERS])?;
    let list = query::List::of("upcall_calls", COLUMNS, filters);
    query::answer::<Row>(&ctx, &token, list, page, &uri, &headers).await
}

/// `GET /api/v1/campaigns/:id/numbers/calls`: the campaign's calls, filtered
/// as every list of calls; 404 for a campaign that is not the account's.
pub async fn of_campaign(
    token: Token,
    ctx: Ctx,
    path: Result<Path<String>, PathRejection>,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, UpcallError> {
    let campaign = jsonapi::path_id(path, "Campaign")?;
    let (page, filters) = query::read_list(&uri, &[FILTERS])?;
    let list = query::List::of("upcall_calls", COLUMNS, filters).in_campaign(campaign);
    query::answer::<Row>(&ctx, &token, list, page, &uri, &headers).await
}

/// `GET /api/v1/calls/:id`: the call, wrapped in `data` like every resource
/// (the later references' page shows it bare: a slip), or 404.
pub async fn show(
    token: Token,
    ctx: Ctx,
    path: Result<Path<String>, PathRejection>,
) -> Result<Response, UpcallError> {
    let id = jsonapi::path_id(path, "Call")?;
    let statement = Statement::new(format!(
        "SELECT a.id AS me, {COLUMNS} FROM upcall_accounts AS a \
         LEFT JOIN upcall_calls AS c ON c.account_id = a.id AND c.id = ? \
         WHERE a.token_hash = ?"
    ))
    .bind(id)
    .bind(token.hash.as_str());
    let result = ctx.db.all(statement).await?;
    Ok(jsonapi::one(
        StatusCode::OK,
        query::one::<Row>(Some(result), "Call")?,
    ))
}
