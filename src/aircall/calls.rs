//! Calls: `GET /calls?offset=&limit=`, `GET /calls/:id` and
//! `PUT /calls/:id/archive`, and the SQL that reads a call with its notes:
//! all of them for one call, the newest few in a list or an event.

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery};
use axum::response::Response;
use http::StatusCode;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::tokens::AccessToken;
use super::{pusher, AircallError};
use crate::http::Ctx;
use crate::ports::{QueryResult, Row, Statement, MAX_EXACT_INTEGER};

/// Page size when `limit` is not given, as the original.
pub const DEFAULT_LIMIT: i64 = 10;
/// The largest `limit` accepted.
pub const MAX_LIMIT: i64 = 100;
/// The largest `offset` accepted: the largest integer D1 binds exactly.
pub const MAX_OFFSET: i64 = MAX_EXACT_INTEGER;

/// A note, as the document shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Note {
    pub id: String,
    pub content: String,
}

/// How many notes (the newest) a call embeds in a list or an event.
pub const EMBEDDED_NOTES: usize = 5;

/// The most a call may weigh, as JSON, in a list or an event: under Pusher's
/// 10 KB limit on an event's data, whatever its notes hold.
pub const EMBEDDED_BYTES: usize = 10_000;

/// A call, with the fields and order of the original; notes newest first.
/// In a list or an event, only its newest notes are embedded, and
/// `notes_omitted` (only then, and only when above 0) says how many are not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Call {
    pub id: String,
    pub direction: String,
    pub from: String,
    pub to: String,
    pub duration: i64,
    pub is_archived: bool,
    pub call_type: String,
    pub via: String,
    pub created_at: String,
    pub notes: Vec<Note>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes_omitted: Option<usize>,
}

impl Call {
    /// The call as a list or an event shows it, out of its newest notes and
    /// the number it has in all: at most [`EMBEDDED_NOTES`] of them, fewer
    /// when the call would otherwise weigh over [`EMBEDDED_BYTES`], and the
    /// count of those left out.
    pub fn summarized(mut self, total_notes: usize) -> Self {
        self.notes.truncate(EMBEDDED_NOTES);
        loop {
            let omitted = total_notes.saturating_sub(self.notes.len());
            self.notes_omitted = (omitted > 0).then_some(omitted);
            let weight = serde_json::to_vec(&self).map_or(usize::MAX, |json| json.len());
            if weight <= EMBEDDED_BYTES || self.notes.pop().is_none() {
                return self;
            }
        }
    }
}

/// A call as SQL returns it: D1 gives INTEGER columns as numbers (not bools)
/// and the notes as a JSON text; a list also counts every note of the call.
#[derive(Deserialize)]
struct CallRow {
    id: String,
    direction: String,
    from: String,
    to: String,
    duration: i64,
    is_archived: i64,
    call_type: String,
    via: String,
    created_at: String,
    notes: String,
    notes_total: Option<i64>,
}

impl TryFrom<CallRow> for Call {
    type Error = AircallError;

    fn try_from(row: CallRow) -> Result<Self, Self::Error> {
        let notes = serde_json::from_str(&row.notes)
            .map_err(|e| AircallError::Internal(format!("notes of call {}: {e}", row.id)))?;
        let call = Self {
            id: row.id,
            direction: row.direction,
            from: row.from,
            to: row.to,
            duration: row.duration,
            is_archived: row.is_archived != 0,
            call_type: row.call_type,
            via: row.via,
            created_at: row.created_at,
            notes,
            notes_omitted: None,
        };
        Ok(match row.notes_total {
            Some(total) => call.summarized(usize::try_from(total).unwrap_or(0)),
            None => call,
        })
    }
}

/// The columns of a call `c`, and its notes (newest first) gathered into one
/// JSON text through the `aircall_notes_by_call` index: all of them (a call
/// has at most [`super::notes::MAX_NOTES`]), or, for a list, the newest
/// [`EMBEDDED_NOTES`] and the count of all (read on the index alone).
fn call_columns(summary: bool) -> String {
    let (limit, total) = if summary {
        (
            format!(" LIMIT {EMBEDDED_NOTES}"),
            ", (SELECT COUNT(*) FROM aircall_notes WHERE call_id = c.id) AS notes_total",
        )
    } else {
        (String::new(), "")
    };
    format!(
        "c.id, c.direction, c.\"from\", c.\"to\", c.duration, \
         c.is_archived, c.call_type, c.via, c.created_at, \
         (SELECT json_group_array(json_object('id', n.id, 'content', n.content)) \
          FROM (SELECT id, content FROM aircall_notes WHERE call_id = c.id \
                ORDER BY seq DESC{limit}) AS n) AS notes{total}"
    )
}

/// Reads one call by its (normalized) id.
pub(super) fn select_call(id: &str) -> Statement {
    Statement::new(format!(
        "SELECT {} FROM aircall_calls AS c WHERE c.id = ?",
        call_columns(false)
    ))
    .bind(id)
}

fn decode_row(row: Row) -> Result<Call, AircallError> {
    let row: CallRow = serde_json::from_value(serde_json::Value::Object(row))
        .map_err(|e| AircallError::Internal(format!("a call row does not decode: {e}")))?;
    Call::try_from(row)
}

/// The call of a [`select_call`] result, or 404.
pub(super) fn the_call(result: Option<QueryResult>) -> Result<Call, AircallError> {
    result
        .and_then(|r| r.rows.into_iter().next())
        .ok_or(AircallError::CallNotFound)
        .and_then(decode_row)
}

/// A call id from the path, normalized (lower-case, hyphenated). Anything
/// that is not a UUID is a call that does not exist.
pub(super) fn call_id(path: Result<Path<String>, PathRejection>) -> Result<String, AircallError> {
    let Ok(Path(id)) = path else {
        return Err(AircallError::CallNotFound);
    };
    Uuid::try_parse(&id)
        .map(|id| id.hyphenated().to_string())
        .map_err(|_| AircallError::CallNotFound)
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Page {
    nodes: Vec<Call>,
    total_count: i64,
    has_next_page: bool,
}

/// Reads an integer parameter as `@Type(() => Number) @IsInt() @Min(min)
/// @Max(max)` would: absent or empty is `default`.
fn integer(
    query: &[(String, String)],
    name: &str,
    default: i64,
    (min, max): (i64, i64),
    messages: &mut Vec<String>,
) -> i64 {
    let Some((_, value)) = query.iter().find(|(k, _)| k == name) else {
        return default;
    };
    let value = value.trim();
    if value.is_empty() {
        return default;
    }
    match value.parse::<i64>() {
        Ok(n) if n < min => messages.push(format!("{name} must not be less than {min}")),
        Ok(n) if n > max => messages.push(format!("{name} must not be greater than {max}")),
        Ok(n) => return n,
        // Digits beyond i64 are still a number, and too big.
        Err(_) if value.bytes().all(|b| b.is_ascii_digit()) => {
            messages.push(format!("{name} must not be greater than {max}"));
        }
        Err(_) => messages.push(format!("{name} must be an integer number")),
    }
    default
}

/// `GET /calls?offset=&limit=`: `{"nodes","totalCount","hasNextPage"}`, newest
/// call first, each with its newest notes only ([`Call::summarized`]). `offset` defaults to 0, `limit` to 10 (at most 100). The page
/// and the count come from one statement: one D1 round trip.
pub async fn list(
    _: AccessToken,
    ctx: Ctx,
    RawQuery(query): RawQuery,
) -> Result<Response, AircallError> {
    let query: Vec<(String, String)> = form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .into_owned()
        .collect();
    let mut messages = Vec::new();
    let offset = integer(&query, "offset", 0, (0, MAX_OFFSET), &mut messages);
    let limit = integer(
        &query,
        "limit",
        DEFAULT_LIMIT,
        (1, MAX_LIMIT),
        &mut messages,
    );
    if !messages.is_empty() {
        return Err(AircallError::Invalid(messages));
    }

    // One row per call of the page, each with the total; a page past the end
    // is one row with the total and no call.
    let result = ctx
        .db
        .all(
            Statement::new(format!(
                "SELECT t.total_count, {} \
                 FROM (SELECT COUNT(*) AS total_count FROM aircall_calls) AS t \
                 LEFT JOIN (SELECT * FROM aircall_calls ORDER BY created_at DESC, id DESC \
                            LIMIT ? OFFSET ?) AS c ON 1 \
                 ORDER BY c.created_at DESC, c.id DESC",
                call_columns(true)
            ))
            .bind(limit)
            .bind(offset),
        )
        .await?;
    let total_count = result
        .rows
        .first()
        .and_then(|row| row.get("total_count"))
        .and_then(serde_json::Value::as_i64)
        .unwrap_or(0);
    let nodes = result
        .rows
        .into_iter()
        .filter(|row| row.get("id").is_some_and(|id| !id.is_null()))
        .map(decode_row)
        .collect::<Result<Vec<_>, _>>()?;
    let has_next_page =
        offset.saturating_add(i64::try_from(nodes.len()).unwrap_or(0)) < total_count;
    Ok(super::json(
        StatusCode::OK,
        &Page {
            nodes,
            total_count,
            has_next_page,
        },
    ))
}

/// `GET /calls/:id`: the call with its notes, or 404 `The call does not
/// exist!` (also for an id that is not a UUID).
pub async fn show(
    _: AccessToken,
    ctx: Ctx,
    path: Result<Path<String>, PathRejection>,
) -> Result<Response, AircallError> {
    let id = call_id(path)?;
    let result = ctx.db.all(select_call(&id)).await?;
    let call = the_call(Some(result))?;
    Ok(super::json(StatusCode::OK, &call))
}

/// `PUT /calls/:id/archive`: toggles `is_archived` (one atomic UPDATE, read
/// back in the same round trip) and returns the call; then publishes
/// `update-call`. An unknown call is 404 and changes nothing.
pub async fn archive(
    _: AccessToken,
    ctx: Ctx,
    path: Result<Path<String>, PathRejection>,
) -> Result<Response, AircallError> {
    let id = call_id(path)?;
    let results = ctx
        .db
        .batch(vec![
            Statement::new("UPDATE aircall_calls SET is_archived = 1 - is_archived WHERE id = ?")
                .bind(id.as_str()),
            select_call(&id),
        ])
        .await?;
    let call = the_call(results.into_iter().nth(1))?;
    pusher::publish_update(&ctx, &call);
    Ok(super::json(StatusCode::OK, &call))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    fn read(value: &str) -> Result<i64, Vec<String>> {
        let mut messages = Vec::new();
        let n = integer(
            &query(&[("limit", value)]),
            "limit",
            10,
            (1, 100),
            &mut messages,
        );
        if messages.is_empty() {
            Ok(n)
        } else {
            Err(messages)
        }
    }

    #[test]
    fn integers_are_read_with_readable_messages() {
        assert_eq!(read("25"), Ok(25));
        assert_eq!(read(""), Ok(10));
        assert_eq!(read("0"), Err(vec!["limit must not be less than 1".into()]));
        assert_eq!(
            read("-5"),
            Err(vec!["limit must not be less than 1".into()])
        );
        assert_eq!(
            read("101"),
            Err(vec!["limit must not be greater than 100".into()])
        );
        assert_eq!(
            read("99999999999999999999999"),
            Err(vec!["limit must not be greater than 100".into()])
        );
        for bad in ["ten", "1.5", "1e3", "0x10"] {
            assert_eq!(
                read(bad),
                Err(vec!["limit must be an integer number".into()]),
                "{bad}"
            );
        }
    }
}
