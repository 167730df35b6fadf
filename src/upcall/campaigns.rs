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
use super::token::{Token, ACCOUNT};
use super::UpcallError;
use crate::http::{format_millis, normalize_datetime, Ctx, TextField};
use crate::ports::{QueryResult, SqlValue, Statement};

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

/// A row of [`COLUMNS`], possibly empty (a `LEFT JOIN` that found nothing),
/// with the token's account (`me`) and a list's `total` when asked.
#[derive(Deserialize)]
struct Row {
    me: Option<i64>,
    total: Option<i64>,
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

impl Row {
    /// The campaign of the row, if it has one.
    fn campaign(self) -> Option<Resource<Attributes>> {
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

fn rows(result: Option<QueryResult>) -> Result<Vec<Row>, UpcallError> {
    Ok(result
        .map(QueryResult::decode)
        .transpose()?
        .unwrap_or_default())
}

/// The campaign id of the path, or 404 for anything that is not one.
fn path_id(path: Result<Path<String>, PathRejection>) -> Result<i64, UpcallError> {
    path.ok()
        .and_then(|Path(id)| jsonapi::id(&id))
        .ok_or(UpcallError::NotFound("Campaign"))
}

// ---------------------------------------------------------------- reading

/// The filters of the list and their SQL: each known parameter, at most once.
fn filters(
    pairs: &[(String, String)],
    failures: &mut Vec<(String, String)>,
) -> (String, Vec<SqlValue>) {
    let mut sql = String::new();
    let mut binds = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    for (name, value) in pairs {
        let condition = match name.as_str() {
            "name" => "name = ?",
            "language" => "language = ?",
            "status" => "status = ?",
            "min_start_datetime" => "start_datetime >= ?",
            "max_start_datetime" => "start_datetime <= ?",
            "min_created_datetime" => "created_at >= ?",
            "max_created_datetime" => "created_at <= ?",
            "min_updated_datetime" => "updated_at >= ?",
            "max_updated_datetime" => "updated_at <= ?",
            _ => continue,
        };
        if seen.contains(&name.as_str()) {
            failures.push((name.clone(), "is given more than once".into()));
            continue;
        }
        seen.push(name);
        let value = if name.ends_with("_datetime") {
            match normalize_datetime(value) {
                Some(at) => at,
                None => {
                    failures.push((name.clone(), datetime_message()));
                    continue;
                }
            }
        } else if name == "status" && !STATUSES.contains(&value.as_str()) {
            failures.push((name.clone(), status_message()));
            continue;
        } else {
            value.clone()
        };
        sql.push_str(" AND ");
        sql.push_str(condition);
        binds.push(SqlValue::Text(value));
    }
    (sql, binds)
}

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
    let pairs = jsonapi::query_pairs(&uri);
    let mut failures = Vec::new();
    let page = jsonapi::page(&pairs, &mut failures);
    let (conditions, binds) = filters(&pairs, &mut failures);
    if !failures.is_empty() {
        return Err(UpcallError::Invalid(failures));
    }
    let mut statement = Statement::new(format!(
        "SELECT a.id AS me, t.total, {COLUMNS} \
         FROM upcall_accounts AS a \
         LEFT JOIN (SELECT COUNT(*) AS total FROM upcall_campaigns \
                    WHERE account_id = {ACCOUNT}{conditions}) AS t ON 1 \
         LEFT JOIN (SELECT * FROM upcall_campaigns WHERE account_id = {ACCOUNT}{conditions} \
                    ORDER BY id LIMIT ? OFFSET ?) AS c ON 1 \
         WHERE a.token_hash = ? \
         ORDER BY c.id"
    ))
    .bind(token.hash.as_str());
    for bind in binds.iter().cloned() {
        statement = statement.bind(bind);
    }
    statement = statement.bind(token.hash.as_str());
    for bind in binds {
        statement = statement.bind(bind);
    }
    let statement = statement
        .bind(page.size)
        .bind(page.offset())
        .bind(token.hash.as_str());
    let rows = rows(Some(ctx.db.all(statement).await?))?;
    let Some(first) = rows.first() else {
        return Err(UpcallError::Unauthorized);
    };
    let total = first.total.unwrap_or(0);
    let items = rows.into_iter().filter_map(Row::campaign).collect();
    Ok(jsonapi::list(&uri, &headers, page, total, items))
}

/// The statement that reads campaign `id` of the token's account: no row for
/// an unknown token, a row without a campaign for an unknown campaign.
fn select(token: &Token, id: i64) -> Statement {
    Statement::new(format!(
        "SELECT a.id AS me, NULL AS total, {COLUMNS} FROM upcall_accounts AS a \
         LEFT JOIN upcall_campaigns AS c ON c.account_id = a.id AND c.id = ? \
         WHERE a.token_hash = ?"
    ))
    .bind(id)
    .bind(token.hash.as_str())
}

/// The campaign of a [`select`] result: 401 without an account, 404 without
/// a campaign.
fn selected(result: Option<QueryResult>) -> Result<Resource<Attributes>, UpcallError> {
    let row = rows(result)?
        .into_iter()
        .next()
        .ok_or(UpcallError::Unauthorized)?;
    if row.me.is_none() {
        return Err(UpcallError::Unauthorized);
    }
    row.campaign().ok_or(UpcallError::NotFound("Campaign"))
}

/// `GET /api/v1/campaigns/:id`: the campaign, or 404 (also for another
/// account's campaign, and for an id that is not one).
pub async fn show(
    token: Token,
    ctx: Ctx,
    path: Result<Path<String>, PathRejection>,
) -> Result<Response, UpcallError> {
    let id = path_id(path)?;
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

/// Whether `phone` is in E.164: `+`, then 2 to 15 digits, the first not 0.
pub fn is_e164(phone: &str) -> bool {
    let Some(digits) = phone.strip_prefix('+') else {
        return false;
    };
    (2..=15).contains(&digits.len())
        && digits.bytes().all(|b| b.is_ascii_digit())
        && !digits.starts_with('0')
}

/// Text of at most `max` characters, or a failure on `name`.
fn text(
    field: TextField,
    name: &str,
    max: usize,
    failures: &mut Vec<(String, String)>,
) -> Option<String> {
    match field {
        TextField::Missing => None,
        TextField::NotText => {
            failures.push((name.into(), "must be a string".into()));
            None
        }
        TextField::Text(text) if text.chars().count() > max => {
            failures.push((name.into(), format!("must be at most {max} characters")));
            None
        }
        TextField::Text(text) => Some(text),
    }
}

/// Checks every attribute at once; `creating` requires a name.
fn validate(input: Input, creating: bool) -> Result<Changes, UpcallError> {
    let mut failures: Vec<(String, String)> = input
        .other
        .keys()
        .map(|name| (name.clone(), format!("is not an attribute of {TYPE}")))
        .collect();
    let name = text(input.name, "name", MAX_NAME, &mut failures);
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
    let status = text(input.status, "status", MAX_NAME, &mut failures);
    if status.as_deref().is_some_and(|s| !STATUSES.contains(&s)) {
        failures.push(("status".into(), status_message()));
    }
    let mut datetime = |field: TextField, name: &str| {
        text(field, name, MAX_NAME, &mut failures).and_then(|given| {
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
    let from_number = text(input.from_number, "from_number", MAX_NAME, &mut failures);
    if from_number.as_deref().is_some_and(|n| !is_e164(n)) {
        failures.push((
            "from_number".into(),
            "must be a phone number in E.164 format, e.g. +16501231234".into(),
        ));
    }
    let changes = Changes {
        name,
        pitch: text(input.pitch, "pitch", MAX_TEXT, &mut failures),
        language: text(input.language, "language", MAX_LANGUAGE, &mut failures),
        status,
        instructions: text(input.instructions, "instructions", MAX_TEXT, &mut failures),
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
         RETURNING 1 AS me, NULL AS total, {returning}"
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
    let created = rows(Some(result))?
        .into_iter()
        .next()
        .and_then(Row::campaign)
        .ok_or(UpcallError::Unauthorized)?;
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
         RETURNING 1 AS me, NULL AS total, {returning}"
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
    let updated = rows(results.next())?
        .into_iter()
        .next()
        .and_then(Row::campaign)
        .ok_or_else(|| UpcallError::invalid("end_datetime", "must not be before start_datetime"))?;
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
    let id = path_id(path)?;
    let data = jsonapi::read::<Input>(&headers, &body, TYPE)?;
    match &data.id {
        TextField::Missing => {}
        TextField::Text(given) if jsonapi::id(given) == Some(id) => {}
        _ => return Err(UpcallError::invalid("id", "must be the id of the URL")),
    }
    let changes = validate(data.attributes, false)?;
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
    let id = path_id(path)?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_numbers_are_e164() {
        for good in ["+16501231234", "+33123456789", "+12"] {
            assert!(is_e164(good), "{good}");
        }
        for bad in [
            "16501231234",
            "+0650",
            "+1",
            "+1 650 123",
            "+1234567890123456",
            "+1-650",
        ] {
            assert!(!is_e164(bad), "{bad}");
        }
    }
}
