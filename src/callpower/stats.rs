//! The statistics of one campaign (`/api/campaign/<id>/stats.json`: the
//! document's fields and the later original's beside them) and the list of
//! campaigns (`/api/campaigns.json`).

use axum::extract::rejection::PathRejection;
use axum::extract::Path;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::{json, Value};

use super::auth::ApiKey;
use super::collection::answer;
use super::CallPowerError;
use crate::http::{path_id, Ctx};
use crate::ports::Statement;

/// The statistics as D1 answers them: one row, or none for no campaign.
#[derive(Deserialize)]
struct Row {
    id: i64,
    name: String,
    completed: i64,
    total_counts: String,
    sessions_started: i64,
    sessions_completed: Option<i64>,
    queue_avg_seconds: Option<f64>,
    per_session_avg: Option<f64>,
    per_session_median: Option<f64>,
    first_completed: Option<String>,
    last_completed: Option<String>,
}

/// One statement: the counts of calls by status, the sessions, and the
/// completed calls per session that has any, as the original counted them
/// (their median as the middle one or two of the sorted counts). A session
/// is completed when one of its calls is, as the original joined them.
const STATS: &str = "\
WITH per_session AS (
  SELECT COUNT(*) AS n FROM callpower_calls
  WHERE campaign_id = ?1 AND status = 'completed' AND session_id IS NOT NULL
  GROUP BY session_id
)
SELECT k.id, k.name,
  (SELECT COUNT(*) FROM callpower_calls
   WHERE campaign_id = k.id AND status = 'completed') AS completed,
  (SELECT json_group_object(status, n) FROM
    (SELECT status, COUNT(*) AS n FROM callpower_calls
     WHERE campaign_id = k.id GROUP BY status ORDER BY status)) AS total_counts,
  s.started AS sessions_started, s.completed AS sessions_completed,
  s.queue_avg AS queue_avg_seconds,
  (SELECT AVG(n) FROM per_session) AS per_session_avg,
  (SELECT AVG(n) FROM (SELECT n FROM per_session ORDER BY n
     LIMIT 2 - (SELECT COUNT(*) FROM per_session) % 2
     OFFSET ((SELECT COUNT(*) FROM per_session) - 1) / 2)) AS per_session_median,
  (SELECT MIN(timestamp) FROM callpower_calls
   WHERE campaign_id = k.id AND status = 'completed') AS first_completed,
  (SELECT MAX(timestamp) FROM callpower_calls
   WHERE campaign_id = k.id AND status = 'completed') AS last_completed
FROM callpower_campaigns AS k
JOIN (SELECT COUNT(*) AS started, (SELECT COUNT(*) FROM per_session) AS completed,
        AVG(queue_delay) AS queue_avg
      FROM callpower_sessions WHERE campaign_id = ?1) AS s
WHERE k.id = ?1";

/// A number as JSON: an integer when it is one (a median of 2, not 2.0).
fn number(value: f64) -> Value {
    if value.fract() == 0.0 && value.abs() < 9e15 {
        json!(value as i64)
    } else {
        json!(value)
    }
}

/// The day of a stored timestamp, `days` later.
fn day(timestamp: Option<&str>, days: i64) -> Option<String> {
    let date = chrono::NaiveDate::parse_from_str(timestamp?.get(..10)?, "%Y-%m-%d").ok()?;
    Some(
        (date + chrono::Duration::days(days))
            .format("%Y-%m-%d")
            .to_string(),
    )
}

/// `GET /api/campaign/<id>/stats.json`: `name`, `completed` (completed
/// calls) and `total_counts` (calls by status), as the document says; beside
/// them `id`, `sessions_started`, `sessions_completed`, `queue_avg_seconds`,
/// `calls_per_session` (`avg` as text with two decimals, `med`),
/// `calls_completed`, `date_start` and `date_end` (the days of the first
/// completed call and after the last), as the later original.
pub async fn of_campaign(
    ctx: Ctx,
    _: ApiKey,
    path: Result<Path<String>, PathRejection>,
) -> Result<Response, CallPowerError> {
    let id = path_id(path).ok_or_else(CallPowerError::no_campaign)?;
    let row: Row = ctx
        .db
        .first(Statement::new(STATS).bind(id))
        .await?
        .ok_or_else(CallPowerError::no_campaign)?;
    let total_counts: Value = serde_json::from_str(&row.total_counts)
        .map_err(|e| CallPowerError::Internal(format!("total_counts is not JSON: {e}")))?;
    Ok(answer(json!({
        "id": row.id,
        "name": row.name,
        "completed": row.completed,
        "total_counts": total_counts,
        "sessions_started": row.sessions_started,
        "sessions_completed": row.sessions_completed.unwrap_or(0),
        "queue_avg_seconds": row.queue_avg_seconds.map(number),
        "calls_per_session": {
            "avg": format!("{:.2}", row.per_session_avg.unwrap_or(0.0)),
            "med": number(row.per_session_median.unwrap_or(0.0)),
        },
        "calls_completed": row.completed,
        "date_start": day(row.first_completed.as_deref(), 0),
        "date_end": day(row.last_completed.as_deref(), 1),
    })))
}

#[derive(Deserialize)]
struct Campaigns {
    count: i64,
    objects: String,
}

/// `GET /api/campaigns.json`: `{"count": N, "objects": {"<id>": "<name>"}}`,
/// in id order.
pub async fn campaigns(ctx: Ctx, _: ApiKey) -> Result<Response, CallPowerError> {
    let row: Option<Campaigns> = ctx
        .db
        .first(Statement::new(
            "SELECT COUNT(*) AS count, json_group_object(CAST(id AS TEXT), name) AS objects \
             FROM (SELECT id, name FROM callpower_campaigns ORDER BY id)",
        ))
        .await?;
    let row = row.ok_or_else(|| CallPowerError::Internal("COUNT(*) answered no row".into()))?;
    let objects = RawValue::from_string(row.objects)
        .map_err(|e| CallPowerError::Internal(format!("objects are not JSON: {e}")))?;
    // Serialized as it is: a map would put "10" before "2".
    #[derive(Serialize)]
    struct Answer {
        count: i64,
        objects: Box<RawValue>,
    }
    Ok(Json(Answer {
        count: row.count,
        objects,
    })
    .into_response())
}
