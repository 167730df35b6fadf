//! Recordings of a campaign: `GET` and `POST /1.0/recording_campaigns/<id>/`
//! (also `POST` without the slash, the section title's form), `GET
//! /1.0/recording_campaigns/<id>/search?key=...` (with or without a slash)
//! and `DELETE /1.0/recording_campaigns/<id>/<cid>`. A creation checks the
//! campaign, the agent and the cid inside the INSERT itself (one D1 batch).

use axum::extract::rejection::PathRejection;
use axum::extract::Path;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use bytes::Bytes;
use http::{StatusCode, Uri};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::body::{
    parse_id, path_id, read_body, read_date, unparsable, Body, Checks, Empty, Objects,
};
use super::listing::{self, Filter};
use super::recording_campaigns::{check_filters, first, page, DatasetId};
use super::XivoError;
use crate::http::{decode_records, AppState, Ctx};
use crate::ports::{SqlValue, Statement};

/// The tables this resource fills, emptied before a provider state loads.
pub const TABLES: &[&str] = &["xivo_recordings"];

/// The routes of this resource. `GET`, `PUT` and `DELETE
/// /1.0/recording_campaigns/<id>` are the campaign's.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/1.0/recording_campaigns/{id}/", get(list).post(create))
        .route("/1.0/recording_campaigns/{id}", post(create))
        // A static segment wins over `{cid}`: the recording whose cid is
        // `search` is deleted there.
        .route(
            "/1.0/recording_campaigns/{id}/search",
            get(search).delete(delete_search),
        )
        .route("/1.0/recording_campaigns/{id}/search/", get(search))
        .route(
            "/1.0/recording_campaigns/{id}/{cid}",
            axum::routing::delete(delete),
        )
}

/// A recording, in the order of the document's properties block, then the
/// original's `campaign_id`, `agent_id` and `agent_no` (the agent's number).
#[derive(Debug, Serialize, Deserialize)]
struct Recording {
    cid: String,
    start_time: Option<String>,
    end_time: Option<String>,
    caller: Option<String>,
    callee: Option<String>,
    client_id: Option<String>,
    filename: Option<String>,
    campaign_id: i64,
    agent_id: i64,
    agent_no: Option<String>,
}

const COLUMNS: &str = "r.cid, r.start_time, r.end_time, r.caller, r.callee, r.client_id, \
     r.filename, r.campaign_id, r.agent_id, a.number AS agent_no";

const FROM: &str = "FROM xivo_recordings AS r LEFT JOIN xivo_agents AS a ON a.id = r.agent_id";

/// The properties a list may be filtered on, by equality.
const FILTERS: &[Filter] = &[
    Filter::new("cid", "r.cid"),
    Filter::new("start_time", "r.start_time"),
    Filter::new("end_time", "r.end_time"),
    Filter::new("caller", "r.caller"),
    Filter::new("callee", "r.callee"),
    Filter::new("client_id", "r.client_id"),
    Filter::new("filename", "r.filename"),
    Filter::new("campaign_id", "r.campaign_id"),
    Filter::new("agent_id", "r.agent_id"),
    Filter::new("agent_no", "a.number"),
];

/// The recordings `WHERE` `base` (with its values) says, narrowed by the
/// request's filters, in cid order, paged. One round trip.
async fn answer(
    ctx: &Ctx,
    listing: &listing::Listing,
    base: &str,
    base_binds: Vec<SqlValue>,
) -> Result<Response, XivoError> {
    let from = format!("{FROM} WHERE {base}{}", listing.conditions);
    let mut binds = base_binds;
    binds.extend(listing.binds.iter().cloned());
    page::<Recording, Recording>(ctx, COLUMNS, &from, binds, "r.cid", listing).await
}

/// `GET /1.0/recording_campaigns/<id>/`: the campaign's recordings in cid
/// order, filtered by their properties (equality), paged; an unknown
/// campaign has none (an empty list, as an unknown campaign's `GET`).
pub async fn list(
    ctx: Ctx,
    path: Result<Path<String>, PathRejection>,
    uri: Uri,
) -> Result<Response, XivoError> {
    let id = path_id(path)?;
    let listing = listing::read(&uri, FILTERS, &[])?;
    check_filters(&listing)?;
    answer(&ctx, &listing, "r.campaign_id = ?", vec![id.into()]).await
}

/// `GET /1.0/recording_campaigns/<id>/search?key=...`: the campaign's
/// recordings whose caller, or whose agent's number, is `key` exactly;
/// filtered and paged as the list. Without `key`: 400. The matches are
/// found through the indexes on `(campaign_id, caller)` and on
/// `(campaign_id, agent_id)` (from the agents with that number), so a search
/// reads what it finds, not the whole campaign.
pub async fn search(
    ctx: Ctx,
    path: Result<Path<String>, PathRejection>,
    uri: Uri,
) -> Result<Response, XivoError> {
    let id = path_id(path)?;
    let listing = listing::read(&uri, FILTERS, &["key"])?;
    check_filters(&listing)?;
    let key = listing
        .own("key")
        .ok_or_else(|| XivoError::BadRequest(vec!["Missing parameter: key".into()]))?
        .to_owned();
    let matches = "r.rowid IN (\
         SELECT rowid FROM xivo_recordings WHERE campaign_id = ? AND caller = ? \
         UNION SELECT s.rowid FROM xivo_agents AS g CROSS JOIN xivo_recordings AS s \
         ON s.campaign_id = ? AND s.agent_id = g.id WHERE g.number = ?)";
    let binds = vec![
        SqlValue::from(id),
        SqlValue::from(key.as_str()),
        SqlValue::from(id),
        SqlValue::from(key),
    ];
    answer(&ctx, &listing, matches, binds).await
}

/// What a creation found, as one row.
#[derive(Debug, Deserialize)]
struct Verdict {
    campaign: i64,
    agent_id: Option<i64>,
    duplicated: i64,
}

/// What a recording body gives (`None`: absent, `null` or refused).
#[derive(Debug, Default)]
struct NewRecording {
    cid: Option<String>,
    agent_no: Option<String>,
    start_time: Option<String>,
    end_time: Option<String>,
    caller: Option<String>,
    callee: Option<String>,
    client_id: Option<String>,
    filename: Option<String>,
}

impl NewRecording {
    /// The text property `key`, if it is one.
    fn text_mut(&mut self, key: &str) -> Option<&mut Option<String>> {
        Some(match key {
            "cid" => &mut self.cid,
            "agent_no" => &mut self.agent_no,
            "caller" => &mut self.caller,
            "callee" => &mut self.callee,
            "client_id" => &mut self.client_id,
            "filename" => &mut self.filename,
            _ => return None,
        })
    }
}

/// Reads a recording body of campaign `campaign` (the URL's): 400 for a
/// body that is not a JSON object (an empty one has no properties), for
/// unknown or mistyped properties and bad dates. `campaign_id`, if given,
/// must be the URL's; `agent_id` is read-only (ignored).
fn read_recording(body: &[u8], campaign: i64) -> Result<NewRecording, XivoError> {
    let Body(properties) = read_body(body, Empty::NoProperties, Objects::Skipped)?;
    let mut checks = Checks::default();
    let mut recording = NewRecording::default();
    for (key, sent) in properties {
        match key.as_str() {
            "start_time" => recording.start_time = checks.date(&key, sent).flatten(),
            "end_time" => recording.end_time = checks.date(&key, sent).flatten(),
            "campaign_id" => {
                let given = checks.nullable(&key, sent, Checks::id).flatten();
                if given.is_some_and(|given| given != campaign) {
                    checks.refuse(&key, "the campaign of the URL");
                }
            }
            "agent_id" => checks.ignore(&key),
            _ => match recording.text_mut(&key) {
                Some(text) => *text = checks.nullable(&key, sent, Checks::text).flatten(),
                None => checks.unknown(key),
            },
        }
    }
    checks.finish()?;
    Ok(recording)
}

/// `POST /1.0/recording_campaigns/<id>/` (or without the slash): 201 and an
/// empty body. The agent is given by its number, `agent_no`; `campaign_id`,
/// if given, must be the path's. 404 `["No such campaign"]` for an unknown
/// campaign; else 400 with every reason that applies: `empty_cid`, `No such
/// agent`, `duplicated_cid`. One batch: the reasons, then the INSERT guarded
/// by the same conditions.
pub async fn create(
    ctx: Ctx,
    path: Result<Path<String>, PathRejection>,
    body: Bytes,
) -> Result<Response, XivoError> {
    let id = path_id(path)?;
    let recording = read_recording(&body, id)?;
    let cid = recording.cid.unwrap_or_default();
    let empty_cid = cid.trim().is_empty();
    let with = "WITH verdict AS (SELECT \
         EXISTS (SELECT 1 FROM xivo_recording_campaigns WHERE id = ?) AS campaign, \
         (SELECT id FROM xivo_agents WHERE number = ? ORDER BY id LIMIT 1) AS agent_id, \
         EXISTS (SELECT 1 FROM xivo_recordings WHERE cid = ?) AS duplicated)";
    let with_binds = [
        SqlValue::from(id),
        SqlValue::from(recording.agent_no),
        SqlValue::from(cid.as_str()),
    ];
    let mut statements = vec![Statement::new(format!(
        "{with} SELECT campaign, agent_id, duplicated FROM verdict"
    ))
    .bind_all(with_binds.clone())];
    if !empty_cid {
        statements.push(
            Statement::new(format!(
                "{with} INSERT INTO xivo_recordings (cid, campaign_id, agent_id, start_time, \
                 end_time, caller, callee, client_id, filename) \
                 SELECT ?, ?, agent_id, ?, ?, ?, ?, ?, ? FROM verdict \
                 WHERE campaign AND agent_id IS NOT NULL AND NOT duplicated RETURNING cid"
            ))
            .bind_all(with_binds)
            .bind(cid)
            .bind(id)
            .bind(recording.start_time)
            .bind(recording.end_time)
            .bind(recording.caller)
            .bind(recording.callee)
            .bind(recording.client_id)
            .bind(recording.filename),
        );
    }
    let mut results = ctx.db.batch(statements).await?.into_iter();
    let verdict = first::<Verdict>(results.next())?
        .ok_or_else(|| XivoError::Internal("the verdict has no row".into()))?;
    if verdict.campaign == 0 {
        return Err(no_such_campaign());
    }
    let reasons: Vec<String> = [
        (empty_cid, "empty_cid"),
        (verdict.agent_id.is_none(), "No such agent"),
        (!empty_cid && verdict.duplicated != 0, "duplicated_cid"),
    ]
    .into_iter()
    .filter(|(applies, _)| *applies)
    .map(|(_, reason)| reason.to_owned())
    .collect();
    if !reasons.is_empty() {
        return Err(XivoError::BadRequest(reasons));
    }
    if results.next().is_none_or(|r| r.rows.is_empty()) {
        return Err(XivoError::Internal("the recording was not inserted".into()));
    }
    Ok(StatusCode::CREATED.into_response())
}

fn no_such_campaign() -> XivoError {
    XivoError::NotFoundMessages(vec!["No such campaign".into()])
}

/// `DELETE /1.0/recording_campaigns/<id>/<cid>`: 200 and an empty body; 404
/// `["No such recording"]` when the campaign has no recording `cid`. One
/// statement.
pub async fn delete(
    ctx: Ctx,
    path: Result<Path<(String, String)>, PathRejection>,
) -> Result<Response, XivoError> {
    let Path((id, cid)) = path.map_err(|_| unparsable())?;
    remove(&ctx, &id, cid).await
}

/// `DELETE /1.0/recording_campaigns/<id>/search`: the recording whose cid
/// is `search` (the path the search route takes).
pub async fn delete_search(
    ctx: Ctx,
    path: Result<Path<String>, PathRejection>,
) -> Result<Response, XivoError> {
    let Path(id) = path.map_err(|_| unparsable())?;
    remove(&ctx, &id, "search".to_owned()).await
}

async fn remove(ctx: &Ctx, id: &str, cid: String) -> Result<Response, XivoError> {
    let no_such = || XivoError::NotFoundMessages(vec!["No such recording".into()]);
    let id = parse_id(id).ok_or_else(unparsable)?;
    let deleted = ctx
        .db
        .all(
            Statement::new(
                "DELETE FROM xivo_recordings WHERE campaign_id = ? AND cid = ? RETURNING cid",
            )
            .bind(id)
            .bind(cid),
        )
        .await?;
    if deleted.rows.is_empty() {
        return Err(no_such());
    }
    Ok(StatusCode::OK.into_response())
}

// ---------------------------------------------------------------- datasets

/// A recording of a dataset, as the API writes it. The agent is `agent_id`,
/// or else the agent whose number is `agent_no`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Record {
    cid: String,
    #[serde(default)]
    start_time: Option<String>,
    #[serde(default)]
    end_time: Option<String>,
    #[serde(default)]
    caller: Option<String>,
    #[serde(default)]
    callee: Option<String>,
    #[serde(default)]
    client_id: Option<String>,
    #[serde(default)]
    filename: Option<String>,
    campaign_id: DatasetId,
    #[serde(default)]
    agent_id: Option<DatasetId>,
    #[serde(default)]
    agent_no: Option<String>,
}

/// The statements that store a provider state's recordings.
pub fn dataset(resource: &str, items: &Value) -> Result<Vec<Statement>, String> {
    decode_records::<Record>(resource, items)?
        .into_iter()
        .enumerate()
        .map(|(i, record)| {
            let at = |what: &str| format!("{resource}[{i}]: {what}");
            let campaign = record
                .campaign_id
                .value()
                .ok_or_else(|| at("campaign_id is not an integer"))?;
            let agent = match &record.agent_id {
                Some(agent) => Some(
                    agent
                        .value()
                        .ok_or_else(|| at("agent_id is not an integer"))?,
                ),
                None => None,
            };
            if agent.is_none() && record.agent_no.is_none() {
                return Err(at("give agent_id or agent_no"));
            }
            let date = |value: &Option<String>, name: &str| match value {
                Some(text) => read_date(text)
                    .map(Some)
                    .ok_or_else(|| at(&format!("{name} is not YYYY-MM-DD HH:MM:SS"))),
                None => Ok(None),
            };
            let start = date(&record.start_time, "start_time")?;
            let end = date(&record.end_time, "end_time")?;
            Ok(Statement::new(
                "INSERT INTO xivo_recordings (cid, campaign_id, agent_id, start_time, end_time, \
                 caller, callee, client_id, filename) VALUES (?, ?, \
                 COALESCE(?, (SELECT id FROM xivo_agents WHERE number = ? ORDER BY id LIMIT 1)), \
                 ?, ?, ?, ?, ?, ?)",
            )
            .bind(record.cid)
            .bind(campaign)
            .bind(agent)
            .bind(record.agent_no)
            .bind(start)
            .bind(end)
            .bind(record.caller)
            .bind(record.callee)
            .bind(record.client_id)
            .bind(record.filename))
        })
        .collect()
}
