//! Campaigns: `GET /api/v1/campaigns` (filtered, paged), `GET`, `PATCH` and
//! `DELETE /api/v1/campaigns/:id`, `POST /api/v1/campaigns`, and the
//! document's `PATCH /api/v1/campaigns` with the id in `data.id`. Every
//! statement is scoped by the token's account and checks it in the same D1
//! round trip.

use std::collections::BTreeMap;

use axum::extract::rejection::PathRejection;
use axum::extract::Path;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use http::{HeaderMap, StatusCode, Uri};
use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};

use super::jsonapi::{self, Resource};
use super::query::{self, Filter, Kind};
use super::token::{Token, ACCOUNT};
use super::UpcallError;
use crate::http::{format_millis, is_e164, normalize_datetime, Ctx, TextField};
use crate::ports::{QueryResult, Statement};

/// The resource type.
pub const TYPE: &str = "campaigns";
/// A campaign's statuses.
pub const STATUSES: [&str; 5] = ["pending", "ready", "paused", "completed", "archived"];

/// The longest name, language, and pitch or instructions accepted.
const MAX_NAME: usize = 255;
const MAX_LANGUAGE: usize = 35;
const MAX_TEXT: usize = 10_000;

/// A campaign's attributes, in the document's order, then the later
/// versions' `from_number` and `questions`.
#[derive(Debug, Serialize)]
pub struct Attributes {
    pub name: String,
    pub pitch: Option<String>,
    pub language: Option<String>,
    pub status: String,
    pub updated_at: String,
    pub created_at: String,
    pub start_datetime: Option<String>,
    pub end_datetime: Option<String>,
    pub instructions: Option<String>,
    pub from_number: Option<String>,
    pub questions: serde_json::Value,
}

/// The columns of a campaign `c`.
const COLUMNS: &str = "c.id, c.name, c.pitch, c.language, c.status, c.updated_at, c.created_at, \
     c.start_datetime, c.end_datetime, c.instructions, c.from_number, c.questions";

/// A row of [`COLUMNS`], possibly empty (a `LEFT JOIN` that found nothing).
#[derive(Deserialize)]
struct Row {
    id: Option<i64>,
    name: Option<String>,
    pitch: Option<String>,
    language: Option<String>,
    status: Option<String>,
    updated_at: Option<String>,
    created_at: Option<String>,
    start_datetime: Option<String>,
    end_datetime: Option<String>,
    instructions: Option<String>,
    from_number: Option<String>,
    questions: Option<String>,
}

impl query::Row for Row {
    type Attributes = Attributes;

    fn resource(self) -> Option<Resource<Attributes>> {
        Some(Resource {
            id: self.id?.to_string(),
            kind: TYPE,
            attributes: Attributes {
                name: self.name?,
                pitch: self.pitch,
                language: self.language,
                status: self.status?,
                updated_at: self.updated_at?,
                created_at: self.created_at?,
                start_datetime: self.start_datetime,
                end_datetime: self.end_datetime,
                instructions: self.instructions,
                from_number: self.from_number,
                questions: self
                    .questions
                    .and_then(|q| serde_json::from_str(&q).ok())
                    .unwrap_or_else(|| serde_json::json!([])),
            },
        })
    }
}

// ---------------------------------------------------------------- reading

/// The list's filters, the document's: inclusive datetime bounds.
const FILTERS: &[Filter] = &[
    Filter::new("name", "name = ?", Kind::Text),
    Filter::new("language", "language = ?", Kind::Text),
    Filter::new("status", "status = ?", Kind::OneOf(&STATUSES)),
    Filter::new("min_start_datetime", "start_datetime >= ?", Kind::Datetime),
    Filter::new("max_start_datetime", "start_datetime <= ?", Kind::Datetime),
    Filter::new("min_created_datetime", "created_at >= ?", Kind::Datetime),
    Filter::new("max_created_datetime", "created_at <= ?", Kind::Datetime),
    Filter::new("min_updated_datetime", "updated_at >= ?", Kind::Datetime),
    Filter::new("max_updated_datetime", "updated_at <= ?", Kind::Datetime),
];

/// `GET /api/v1/campaigns`: the account's campaigns in id order, filtered by
/// `name`, `language`, `status` and the `min_`/`max_` start, created and
/// updated datetimes (inclusive), paged. The page, the count and the token
/// check are one statement: one D1 round trip.
pub async fn list(
    token: Token,
    ctx: Ctx,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, UpcallError> {
    let (page, filters) = query::read_list(&uri, &[FILTERS])?;
    let list = query::List::of("upcall_campaigns", COLUMNS, filters);
    query::answer::<Row>(&ctx, &token, list, page, &uri, &headers).await
}

/// The statement that reads campaign `id` of the token's account: no row for
/// an unknown token, a row without a campaign for an unknown campaign.
fn select(token: &Token, id: i64) -> Statement {
    Statement::new(format!(
        "SELECT a.id AS me, {COLUMNS} FROM upcall_accounts AS a \
         LEFT JOIN upcall_campaigns AS c ON c.account_id = a.id AND c.id = ? \
         WHERE a.token_hash = ?"
    ))
    .bind(id)
    .bind(token.hash.as_str())
}

/// The campaign of a [`select`] result: 401 without an account, 404 without
/// a campaign.
fn selected(result: Option<QueryResult>) -> Result<Resource<Attributes>, UpcallError> {
    query::one::<Row>(result, "Campaign")
}

/// `GET /api/v1/campaigns/:id`: the campaign, or 404 (also for another
/// account's campaign, and for an id that is not one).
pub async fn show(
    token: Token,
    ctx: Ctx,
    path: Result<Path<String>, PathRejection>,
) -> Result<Response, UpcallError> {
    let id = jsonapi::path_id(path, "Campaign")?;
    let result = ctx.db.all(select(&token, id)).await?;
    Ok(jsonapi::one(StatusCode::OK, selected(Some(result))?))
}

// ---------------------------------------------------------------- writing

/// The attributes a request may send. Any other is refused.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Input {
    name: TextField,
    instructions: TextField,
    pitch: TextField,
    start_datetime: TextField,
    end_datetime: TextField,
    language: TextField,
    status: TextField,
    from_number: TextField,
    #[serde(flatten)]
    other: BTreeMap<String, IgnoredAny>,
}

/// What a valid request sets (`None`: left as it is).
#[derive(Debug, Default)]
struct Changes {
    name: Option<String>,
    pitch: Option<String>,
    language: Option<String>,
    status: Option<String>,
    instructions: Option<String>,
    start_datetime: Option<String>,
    end_datetime: Option<String>,
    from_number: Option<String>,
}

fn datetime_message() -> String {
    "must be an ISO 8601 datetime, e.g. 2016-07-18T10:59:30.000Z".into()
}

fn status_message() -> String {
    format!("must be one of {}", STATUSES.join(", "))
}

/// Checks every attribute at once; `creating` requires a name.
fn validate(input: Input, creating: bool) -> Result<Changes, UpcallError> {
    let mut failures = jsonapi::unknown_attributes(&input.other, TYPE);
    let name = jsonapi::text(input.name, "name", MAX_NAME, &mut failures);
    let name = match name {
        Some(name) if name.trim().is_empty() => {
            failures.push(("name".into(), "Campaign name is a required field".into()));
            None
        }
        None if creating && !failures.iter().any(|(f, _)| f == "name") => {
            failures.push(("name".into(), "Campaign name is a required field".into()));
            None
        }
        name => name,
    };
    let status = jsonapi::text(input.status, "status", MAX_NAME, &mut failures);
    if status.as_deref().is_some_and(|s| !STATUSES.contains(&s)) {
        failures.push(("status".into(), status_message()));
    }
    let mut datetime = |field: TextField, name: &str| {
        jsonapi::text(field, name, MAX_NAME, &mut failures).and_then(|given| {
            let read = normalize_datetime(&given);
            if read.is_none() {
                failures.push((name.into(), datetime_message()));
            }
            read
        })
    };
    let start_datetime = datetime(input.start_datetime, "start_datetime");
    let end_datetime = datetime(input.end_datetime, "end_datetime");
    if let (Some(start), Some(end)) = (&start_datetime, &end_datetime) {
        if end < start {
            failures.push((
                "end_datetime".into(),
                "must not be before start_datetime".into(),
            ));
        }
    }
    let from_number = jsonapi::text(input.from_number, "from_number", MAX_NAME, &mut failures);
    if from_number.as_deref().is_some_and(|n| !is_e164(n)) {
        failures.push((
            "from_number".into(),
            "must be a phone number in E.164 format, e.g. +16501231234".into(),
        ));
    }
    let changes = Changes {
        name,
        pitch: jsonapi::text(input.pitch, "pitch", MAX_TEXT, &mut failures),
        language: jsonapi::text(input.language, "language", MAX_LANGUAGE, &mut failures),
        status,
        instructions: jsonapi::text(input.instructions, "instructions", MAX_TEXT, &mut failures),
        start_datetime,
        end_datetime,
        from_number,
    };
    if failures.is_empty() {
        Ok(changes)
    } else {
        Err(UpcallError::Invalid(failures))
    }
}

/// `POST /api/v1/campaigns` with `{"data": {"type": "campaigns",
/// "attributes": {...}}}`: 201 and the campaign. `name` is required;
/// `status` defaults to `pending`. One statement (the INSERT reads the
/// token's account): one D1 round trip.
pub async fn create(
    token: Token,
    ctx: Ctx,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, UpcallError> {
    let data = jsonapi::read::<Input>(&headers, &body, TYPE)?;
    let changes = validate(data.attributes, true)?;
    let now = format_millis(ctx.clock.now());
    let returning = COLUMNS.replace("c.", "");
    let statement = Statement::new(format!(
        "INSERT INTO upcall_campaigns (account_id, name, pitch, language, status, instructions, \
         start_datetime, end_datetime, from_number, created_at, updated_at) \
         SELECT id, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? FROM upcall_accounts WHERE token_hash = ? \
         RETURNING 1 AS me, {returning}"
    ))
    .bind(changes.name)
    .bind(changes.pitch)
    .bind(changes.language)
    .bind(changes.status.unwrap_or_else(|| "pending".into()))
    .bind(changes.instructions)
    .bind(changes.start_datetime)
    .bind(changes.end_datetime)
    .bind(changes.from_number)
    .bind(now.as_str())
    .bind(now.as_str())
    .bind(token.hash.as_str());
    let result = ctx.db.all(statement).await?;
    // No row: no account has the token.
    let created = query::one::<Row>(Some(result), "Campaign")?;
    Ok(jsonapi::one(StatusCode::CREATED, created))
}

/// Applies `data` to campaign `id`: only the attributes given change, and
/// `updated_at` with them. One batch: the campaign as it was (401, 404),
/// then the UPDATE, which also checks that the end is not before the start
/// once merged with what is stored.
async fn apply(
    token: &Token,
    ctx: &Ctx,
    id: i64,
    changes: Changes,
) -> Result<Response, UpcallError> {
    let now = format_millis(ctx.clock.now());
    let returning = COLUMNS.replace("c.", "");
    let (start, end) = (changes.start_datetime, changes.end_datetime);
    let update = Statement::new(format!(
        "UPDATE upcall_campaigns SET name = COALESCE(?, name), pitch = COALESCE(?, pitch), \
         language = COALESCE(?, language), status = COALESCE(?, status), \
         instructions = COALESCE(?, instructions), \
         start_datetime = COALESCE(?, start_datetime), end_datetime = COALESCE(?, end_datetime), \
         from_number = COALESCE(?, from_number), updated_at = ? \
         WHERE id = ? AND account_id = {ACCOUNT} \
           AND (COALESCE(?, start_datetime) IS NULL OR COALESCE(?, end_datetime) IS NULL \
                OR COALESCE(?, end_datetime) >= COALESCE(?, start_datetime)) \
         RETURNING 1 AS me, {returning}"
    ))
    .bind(changes.name)
    .bind(changes.pitch)
    .bind(changes.language)
    .bind(changes.status)
    .bind(changes.instructions)
    .bind(start.clone())
    .bind(end.clone())
    .bind(changes.from_number)
    .bind(now)
    .bind(id)
    .bind(token.hash.as_str())
    .bind(start.clone())
    .bind(end.clone())
    .bind(end)
    .bind(start);
    let mut results = ctx
        .db
        .batch(vec![select(token, id), update])
        .await?
        .into_iter();
    selected(results.next())?;
    // The campaign is there (checked above): no row means the dates refused it.
    let updated = query::one::<Row>(results.next(), "Campaign")
        .map_err(|_| UpcallError::invalid("end_datetime", "must not be before start_datetime"))?;
    Ok(jsonapi::one(StatusCode::OK, updated))
}

/// `PATCH /api/v1/campaigns/:id` with `{"data": {"type": "campaigns",
/// "attributes": {...}}}` (a `data.id`, if given, must be the path's):
/// changes the attributes given, 200 and the whole campaign.
pub async fn update(
    token: Token,
    ctx: Ctx,
    path: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, UpcallError> {
    let id = jsonapi::path_id(path, "Campaign")?;
    let input = jsonapi::read_update::<Input>(&headers, &body, TYPE, id)?;
    let changes = validate(input, false)?;
    apply(&token, &ctx, id, changes).await
}

/// `PATCH /api/v1/campaigns` with the campaign's id in `data.id`: the
/// document's form of the update (its example URL has no id).
pub async fn update_by_body(
    token: Token,
    ctx: Ctx,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, UpcallError> {
    let data = jsonapi::read::<Input>(&headers, &body, TYPE)?;
    let id = match &data.id {
        TextField::Text(given) => jsonapi::id(given).ok_or(UpcallError::NotFound("Campaign"))?,
        TextField::Missing => return Err(UpcallError::invalid("id", "is required")),
        TextField::NotText => return Err(UpcallError::invalid("id", "must be a string")),
    };
    let changes = validate(data.attributes, false)?;
    apply(&token, &ctx, id, changes).await
}

/// `DELETE /api/v1/campaigns/:id`: 204 and an empty body; its numbers go with
/// it, its calls stay (without a campaign). One batch.
pub async fn delete(
    token: Token,
    ctx: Ctx,
    path: Result<Path<String>, PathRejection>,
) -> Result<Response, UpcallError> {
    let id = jsonapi::path_id(path, "Campaign")?;
    let delete = Statement::new(format!(
        "DELETE FROM upcall_campaigns WHERE id = ? AND account_id = {ACCOUNT}"
    ))
    .bind(id)
    .bind(token.hash.as_str());
    let mut results = ctx
        .db
        .batch(vec![select(&token, id), delete])
        .await?
        .into_iter();
    selected(results.next())?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
