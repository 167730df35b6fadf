//! `POST /api/import`: a deployment's call log in, as NDJSON (one record per
//! line: `{"type": "campaign" | "target" | "session" | "call", ...}`),
//! guarded by the `api_key`. Campaigns, targets and sessions are known by
//! their `id`, calls by Twilio's `call_id`: importing a line again updates
//! its row, never adds a second one. Every line is checked first; the good
//! ones are written in one atomic D1 batch of chunked statements, and the
//! answer counts what was inserted, updated and rejected, with each
//! rejection's line and reason.

use std::collections::{HashMap, HashSet};

use axum::body::Bytes;
use axum::response::Response;
use http::{HeaderMap, Uri};
use serde::Deserialize;
use serde_json::json;

use super::auth::ApiKey;
use super::collection::answer;
use super::count;
use super::records::{self, Call, Campaign, Record, Session, Target};
use super::CallPowerError;
use crate::http::{content_type, origin, Ctx};
use crate::ports::Statement;

/// The most rejections the answer lists (it counts them all).
pub const MAX_LISTED_REJECTIONS: usize = 100;

/// The media types an import may come as (or none).
const MEDIA_TYPES: [&str; 5] = [
    "application/x-ndjson",
    "application/jsonl",
    "application/json",
    "text/plain",
    "application/octet-stream",
];

/// What a line is known by: its kind and its id (a call's `call_id`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Campaign(i64),
    Target(i64),
    Session(i64),
    Call(String),
}

impl Record {
    fn key(&self) -> Key {
        match self {
            Self::Campaign(c) => Key::Campaign(c.id),
            Self::Target(t) => Key::Target(t.id),
            Self::Session(s) => Key::Session(s.id),
            Self::Call(c) => Key::Call(c.call_id.clone()),
        }
    }

    /// The rows the record points to, which must exist.
    fn references(&self) -> Vec<Key> {
        match self {
            Self::Session(s) => vec![Key::Campaign(s.campaign_id)],
            Self::Call(c) => [
                Some(Key::Campaign(c.campaign_id)),
                c.target_id.map(Key::Target),
                c.session_id.map(Key::Session),
            ]
            .into_iter()
            .flatten()
            .collect(),
            Self::Campaign(_) | Self::Target(_) => Vec::new(),
        }
    }
}

impl Key {
    fn kind(&self) -> &'static str {
        match self {
            Self::Campaign(_) => "campaign",
            Self::Target(_) => "target",
            Self::Session(_) => "session",
            Self::Call(_) => "call",
        }
    }

    fn describe(&self) -> String {
        match self {
            Self::Campaign(id) | Self::Target(id) | Self::Session(id) => {
                format!("{} {id}", self.kind())
            }
            Self::Call(call_id) => format!("call {call_id}"),
        }
    }
}

/// One row of the lookup of what exists already.
#[derive(Deserialize)]
struct Existing {
    kind: String,
    key: String,
}

/// The keys among `keys` that have a row already: one round trip, each kind's
/// keys bound as one JSON array.
async fn existing(ctx: &Ctx, keys: &HashSet<Key>) -> Result<HashSet<Key>, CallPowerError> {
    let of = |kind: &str| {
        let values: Vec<serde_json::Value> = keys
            .iter()
            .filter(|k| k.kind() == kind)
            .map(|k| match k {
                Key::Campaign(id) | Key::Target(id) | Key::Session(id) => json!(id),
                Key::Call(call_id) => json!(call_id),
            })
            .collect();
        serde_json::Value::Array(values).to_string()
    };
    let rows: Vec<Existing> = ctx
        .db
        .all(
            Statement::new(
                "SELECT 'campaign' AS kind, CAST(id AS TEXT) AS key FROM callpower_campaigns \
                   WHERE id IN (SELECT value FROM json_each(?)) \
                 UNION ALL SELECT 'target', CAST(id AS TEXT) FROM callpower_targets \
                   WHERE id IN (SELECT value FROM json_each(?)) \
                 UNION ALL SELECT 'session', CAST(id AS TEXT) FROM callpower_sessions \
                   WHERE id IN (SELECT value FROM json_each(?)) \
                 UNION ALL SELECT 'call', call_id FROM callpower_calls \
                   WHERE call_id IN (SELECT value FROM json_each(?))",
            )
            .bind(of("campaign"))
            .bind(of("target"))
            .bind(of("session"))
            .bind(of("call")),
        )
        .await?
        .decode()?;
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            let id = || row.key.parse::<i64>().ok();
            Some(match row.kind.as_str() {
                "campaign" => Key::Campaign(id()?),
                "target" => Key::Target(id()?),
                "session" => Key::Session(id()?),
                _ => Key::Call(row.key),
            })
        })
        .collect())
}

/// The lines read: the records that can be written, and the rejections.
struct Lines {
    records: Vec<(usize, Record)>,
    rejected: Vec<(usize, String)>,
}

/// Reads every non-blank line as a record, and checks it alone; a key met
/// again is rejected, naming the line that had it first.
fn read_lines(text: &str) -> Lines {
    let mut lines = Lines {
        records: Vec::new(),
        rejected: Vec::new(),
    };
    let mut first: HashMap<Key, usize> = HashMap::new();
    for (index, line) in text.lines().enumerate() {
        let number = index + 1;
        if line.trim().is_empty() {
            continue;
        }
        let mut record = match serde_json::from_str::<Record>(line) {
            Ok(record) => record,
            Err(e) => {
                lines.rejected.push((number, format!("not a record: {e}")));
                continue;
            }
        };
        if matches!(&record, Record::Call(call) if call.id.is_some()) {
            lines.rejected.push((
                number,
                "a call has no id to import: it is known by its call_id".into(),
            ));
            continue;
        }
        if let Err(reason) = record.check() {
            lines.rejected.push((number, reason));
            continue;
        }
        let key = record.key();
        if let Some(earlier) = first.get(&key) {
            lines.rejected.push((
                number,
                format!("{} is on line {earlier} already", key.describe()),
            ));
            continue;
        }
        first.insert(key, number);
        lines.records.push((number, record));
    }
    lines
}

/// `POST /api/import?api_key=...` with NDJSON: 200 with `{"inserted",
/// "updated", "rejected", "rows": {"<kind>": {"inserted", "updated"}},
/// "rejections": [{"line", "reason"}]}` (at most 100 listed). A line whose
/// campaign, target or session is neither stored nor imported with it is
/// rejected. Nothing is written unless the whole batch is.
pub async fn import(
    ctx: Ctx,
    _: ApiKey,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, CallPowerError> {
    if let Some(media) = content_type(&headers) {
        if !MEDIA_TYPES.contains(&media.as_str()) {
            return Err(CallPowerError::UnsupportedMediaType(format!(
                "An import is NDJSON (application/x-ndjson), not {media}"
            )));
        }
    }
    let text = std::str::from_utf8(&body)
        .map_err(|_| CallPowerError::BadRequest("An import is UTF-8 text".into()))?;
    if text.trim().is_empty() {
        return Err(CallPowerError::BadRequest(
            "An import holds NDJSON records, one per line".into(),
        ));
    }
    let Lines {
        records,
        mut rejected,
    } = read_lines(text);

    let mut wanted: HashSet<Key> = HashSet::new();
    for (_, record) in &records {
        wanted.insert(record.key());
        wanted.extend(record.references());
    }
    let stored = existing(&ctx, &wanted).await?;

    // Lines are taken in order of dependency, so that a call may point to a
    // session imported on a later line.
    let mut known = stored.clone();
    let mut accepted: Vec<(bool, Record)> = Vec::new();
    let mut ordered = records;
    ordered.sort_by_key(|(line, record)| {
        let rank = match record {
            Record::Campaign(_) => 0,
            Record::Target(_) => 1,
            Record::Session(_) => 2,
            Record::Call(_) => 3,
        };
        (rank, *line)
    });
    for (line, record) in ordered {
        if let Some(missing) = record.references().into_iter().find(|k| !known.contains(k)) {
            rejected.push((line, format!("{} does not exist", missing.describe())));
            continue;
        }
        let key = record.key();
        let updated = stored.contains(&key);
        known.insert(key);
        accepted.push((updated, record));
    }

    let mut campaigns: Vec<Campaign> = Vec::new();
    let mut targets: Vec<Target> = Vec::new();
    let mut sessions: Vec<Session> = Vec::new();
    let mut calls: Vec<Call> = Vec::new();
    let mut rows: HashMap<&str, (u64, u64)> = HashMap::new();
    let mut touched: HashSet<i64> = HashSet::new();
    for (updated, record) in accepted {
        let kind = record.key().kind();
        let counts = rows.entry(kind).or_default();
        if updated {
            counts.1 += 1;
        } else {
            counts.0 += 1;
        }
        match record {
            Record::Campaign(c) => {
                touched.insert(c.id);
                campaigns.push(c);
            }
            Record::Target(t) => targets.push(t),
            Record::Session(s) => {
                touched.insert(s.campaign_id);
                sessions.push(s);
            }
            Record::Call(c) => {
                touched.insert(c.campaign_id);
                calls.push(c);
            }
        }
    }
    let mut statements = records::write_campaigns(&campaigns);
    statements.extend(records::write_targets(&targets));
    statements.extend(records::write_sessions(&sessions));
    statements.extend(records::write_calls(&calls));
    if !statements.is_empty() {
        ctx.db.batch(statements).await?;
    }
    // The counts of the campaigns that changed are computed afresh.
    if !touched.is_empty() {
        let origin = origin(&uri, &headers);
        let touched: Vec<i64> = touched.into_iter().collect();
        let purge_ctx = ctx.clone();
        ctx.background.spawn(Box::pin(async move {
            count::purge(&purge_ctx, &origin, &touched).await;
        }));
    }

    rejected.sort();
    let total = |pick: fn(&(u64, u64)) -> u64| rows.values().map(pick).sum::<u64>();
    let by_kind: serde_json::Map<String, serde_json::Value> =
        ["campaign", "target", "session", "call"]
            .iter()
            .map(|kind| {
                let (inserted, updated) = rows.get(kind).copied().unwrap_or_default();
                (
                    (*kind).to_owned(),
                    json!({"inserted": inserted, "updated": updated}),
                )
            })
            .collect();
    Ok(answer(json!({
        "inserted": total(|c| c.0),
        "updated": total(|c| c.1),
        "rejected": rejected.len(),
        "rows": by_kind,
        "rejections": rejected
            .iter()
            .take(MAX_LISTED_REJECTIONS)
            .map(|(line, reason)| json!({"line": line, "reason": reason}))
            .collect::<Vec<_>>(),
    })))
}
