//! Recording campaigns: `GET` and `POST /1.0/recording_campaigns/`, `GET`,
//! `PUT` and `DELETE /1.0/recording_campaigns/<id>`. The checks that look at
//! other campaigns (`concurrent_campaigns`, `duplicated_name`) and at the
//! recordings (`campaign_not_empty`) run inside the write itself: one D1
//! batch of [the statement that says which reasons apply, the write guarded
//! by the same conditions], so two concurrent requests can never both write
//! into an overlap. Also the pieces the recordings share (paged lists,
//! dataset ids). Bodies, ids and dates are read by `body.rs`.

use axum::extract::rejection::PathRejection;
use axum::extract::Path;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, put};
use axum::Router;
use bytes::Bytes;
use chrono::{DateTime, Utc};
use http::{StatusCode, Uri};
use serde::de::{DeserializeOwned, IgnoredAny};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::body::{
    format_date, incorrect, parse_id, path_id, read_body, read_date, truth, Body, Checks, Empty,
    Given, Objects, Sent,
};
use super::listing::{self, Filter, Listing};
use super::XivoError;
use crate::http::{decode_records, AppState, Ctx};
use crate::ports::{QueryResult, SqlValue, Statement};

/// The tables this resource fills, emptied before a provider state loads.
pub const TABLES: &[&str] = &["xivo_recording_campaigns"];

/// The routes of this resource. `POST /1.0/recording_campaigns/<id>` creates
/// a recording (`recordings.rs`); `PUT` also answers on `<id>/`, the
/// document's general form of an update.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/1.0/recording_campaigns/", get(list).post(create))
        .route("/1.0/recording_campaigns", get(list).post(create))
        .route(
            "/1.0/recording_campaigns/{id}",
            get(show).put(update).delete(delete),
        )
        .route("/1.0/recording_campaigns/{id}/", put(update))
}

// ---------------------------------------------------------------- shared

/// At most this many filters in one list request: each is a bound value, and
/// D1 takes at most 100 per statement.
const MAX_FILTERS: usize = 32;

/// `now` as a stored date (UTC).
fn date_of(now: DateTime<Utc>) -> String {
    format_date(now.naive_utc())
}

/// Today at midnight (UTC): a missing start or end date.
fn today(now: DateTime<Utc>) -> String {
    now.format("%Y-%m-%d 00:00:00").to_string()
}

/// Refuses a list with more filters than one statement can bind.
pub(super) fn check_filters(listing: &Listing) -> Result<(), XivoError> {
    if listing.binds.len() > MAX_FILTERS {
        return Err(XivoError::BadRequest(vec![format!(
            "Too many filters: at most {MAX_FILTERS}"
        )]));
    }
    Ok(())
}

/// A page of a list and its total: `columns` of `from` (its `FROM`, joins
/// and `WHERE`, whose `?` take `binds`) in `order`. Without paging the
/// page is the whole list and one statement; with paging, the count and the
/// page are one batch. Either way one D1 round trip.
pub(super) async fn page<R: DeserializeOwned, T: Serialize + From<R>>(
    ctx: &Ctx,
    columns: &str,
    from: &str,
    binds: Vec<SqlValue>,
    order: &str,
    listing: &Listing,
) -> Result<Response, XivoError> {
    let (limit, limit_binds) = listing.limit();
    let rows = Statement::new(format!("SELECT {columns} {from} ORDER BY {order}{limit}"))
        .bind_all(binds.clone())
        .bind_all(limit_binds);
    if listing.page.is_none() {
        let items: Vec<T> = decode(ctx.db.all(rows).await?)?;
        let total = i64::try_from(items.len()).unwrap_or(i64::MAX);
        return listing::answer(total, &items);
    }
    #[derive(Deserialize)]
    struct Count {
        total: i64,
    }
    let count = Statement::new(format!("SELECT COUNT(*) AS total {from}")).bind_all(binds);
    let mut results = ctx.db.batch(vec![count, rows]).await?.into_iter();
    let total = first::<Count>(results.next())?.map_or(0, |c| c.total);
    let items: Vec<T> = decode(results.next().unwrap_or_default())?;
    listing::answer(total, &items)
}

/// Rows decoded as `R`, each made a `T`.
fn decode<R: DeserializeOwned, T: From<R>>(result: QueryResult) -> Result<Vec<T>, XivoError> {
    Ok(result.decode::<R>()?.into_iter().map(T::from).collect())
}

/// The first row of a batch's result, decoded.
pub(super) fn first<T: DeserializeOwned>(
    result: Option<QueryResult>,
) -> Result<Option<T>, XivoError> {
    Ok(result.unwrap_or_default().decode::<T>()?.into_iter().next())
}

/// `response` with another status.
fn with_status(status: StatusCode, mut response: Response) -> Response {
    *response.status_mut() = status;
    response
}

/// An id given in a dataset: a number or a string of one, as the API writes
/// them.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub(super) enum DatasetId {
    Number(i64),
    Text(String),
}

impl DatasetId {
    pub(super) fn value(&self) -> Option<i64> {
        match self {
            Self::Number(n) => Some(*n),
            Self::Text(text) => parse_id(text),
        }
    }
}

// ---------------------------------------------------------------- reading

/// A campaign with its queue, as stored.
#[derive(Debug, Deserialize)]
struct Row {
    id: i64,
    campaign_name: String,
    activated: i64,
    base_filename: String,
    queue_id: Option<i64>,
    start_date: String,
    end_date: String,
    queue_name: Option<String>,
    queue_display_name: Option<String>,
    queue_number: Option<String>,
}

/// A campaign as the document writes it: every value a string, in the order
/// of its properties block, then its queue's name, display name and number
/// when it has a queue.
#[derive(Debug, Serialize)]
struct Campaign {
    id: String,
    campaign_name: String,
    start_date: String,
    end_date: String,
    queue_id: Option<String>,
    activated: &'static str,
    base_filename: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    queue_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    queue_display_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    queue_number: Option<String>,
}

impl From<Row> for Campaign {
    fn from(row: Row) -> Self {
        Self {
            id: row.id.to_string(),
            campaign_name: row.campaign_name,
            start_date: row.start_date,
            end_date: row.end_date,
            queue_id: row.queue_id.map(|q| q.to_string()),
            activated: if row.activated != 0 { "True" } else { "False" },
            base_filename: row.base_filename,
            queue_name: row.queue_name,
            queue_display_name: row.queue_display_name,
            queue_number: row.queue_number,
        }
    }
}

const COLUMNS: &str = "c.id, c.campaign_name, c.activated, c.base_filename, c.queue_id, \
     c.start_date, c.end_date, q.name AS queue_name, q.displayname AS queue_display_name, \
     q.number AS queue_number";

const FROM: &str =
    "FROM xivo_recording_campaigns AS c LEFT JOIN xivo_queues AS q ON q.id = c.queue_id";

/// The list's filters, the document's (and `running`, read apart).
const FILTERS: &[Filter] = &[
    Filter::new("campaign_name", "c.campaign_name"),
    Filter::new("queue_id", "c.queue_id"),
    Filter::new("queue_number", "q.number"),
];

/// `GET /1.0/recording_campaigns/`: the campaigns in id order, filtered by
/// `campaign_name`, `queue_id`, `queue_number` (equality) and `running`
/// (`true`: start_date <= now <= end_date; `false`: the others), paged by
/// `_page` and `_pagesize`; `total` counts before paging. One round trip.
pub async fn list(ctx: Ctx, uri: Uri) -> Result<Response, XivoError> {
    let listing = listing::read(&uri, FILTERS, &["running"])?;
    check_filters(&listing)?;
    let mut conditions = listing.conditions.clone();
    let mut binds = listing.binds.clone();
    // In id order, unless the running ones are asked for: then sorted after
    // the index on end dates has found them (`+` keeps SQLite from scanning
    // the table in id order instead).
    let mut order = "c.id";
    if let Some(running) = listing.own("running") {
        let now = date_of(ctx.clock.now());
        if running.eq_ignore_ascii_case("true") {
            conditions.push_str(" AND c.start_date <= ? AND c.end_date >= ?");
            order = "+c.id";
        } else if running.eq_ignore_ascii_case("false") {
            conditions.push_str(" AND NOT (c.start_date <= ? AND c.end_date >= ?)");
        } else {
            return Err(XivoError::BadRequest(vec![incorrect(&[
                "running".to_owned()
            ])]));
        }
        binds.extend([SqlValue::Text(now.clone()), SqlValue::Text(now)]);
    }
    let from = format!("{FROM} WHERE 1 = 1{conditions}");
    page::<Row, Campaign>(&ctx, COLUMNS, &from, binds, order, &listing).await
}

/// `GET /1.0/recording_campaigns/<id>`: `{"total": 1, "items": [campaign]}`,
/// or `{"total": 0, "items": []}` for an unknown campaign (as the original).
pub async fn show(
    ctx: Ctx,
    path: Result<Path<String>, PathRejection>,
) -> Result<Response, XivoError> {
    let id = path_id(path)?;
    let items: Vec<Campaign> = decode::<Row, Campaign>(
        ctx.db
            .all(Statement::new(format!("SELECT {COLUMNS} {FROM} WHERE c.id = ?")).bind(id))
            .await?,
    )?;
    let total = i64::try_from(items.len()).unwrap_or(0);
    listing::answer(total, &items)
}

// ---------------------------------------------------------------- writing

/// The properties of a campaign a request sets (`None`: not given).
#[derive(Debug, Default)]
struct Changes {
    name: Given<String>,
    activated: Given<bool>,
    base_filename: Given<String>,
    queue: Given<i64>,
    start: Given<String>,
    end: Given<String>,
}

/// Reads a campaign body: 400 for a body that is not a JSON object (an
/// empty one has no properties), for unknown or mistyped properties and bad
/// dates. `id`, when given, must be an id, and `path_id` on an update; the
/// queue's properties are read-only (ignored).
fn read_changes(body: &[u8], path_id: Option<i64>) -> Result<Changes, XivoError> {
    let Body(properties) = read_body(body, Empty::NoProperties, Objects::Skipped)?;
    let mut checks = Checks::default();
    let mut changes = Changes::default();
    for (key, sent) in properties {
        match key.as_str() {
            "campaign_name" => changes.name = checks.nullable(&key, sent, Checks::text),
            "activated" => changes.activated = checks.nullable(&key, sent, Checks::boolean),
            "base_filename" => changes.base_filename = checks.nullable(&key, sent, Checks::text),
            "queue_id" => changes.queue = checks.id_or_empty(&key, sent),
            "start_date" => changes.start = checks.date(&key, sent),
            "end_date" => changes.end = checks.date(&key, sent),
            "id" => {
                let given = checks.nullable(&key, sent, Checks::id).flatten();
                if path_id
                    .zip(given)
                    .is_some_and(|(path_id, given)| path_id != given)
                {
                    checks.refuse(&key, "the id of the URL");
                }
            }
            "queue_name" | "queue_display_name" | "queue_number" => checks.ignore(&key),
            _ => checks.unknown(key),
        }
    }
    checks.finish()?;
    Ok(changes)
}

/// Which reasons apply to the campaign a request would leave, as one row:
/// `proposed` (its values) is a CTE the caller writes, `verdict` adds a
/// column per reason. The `concurrent` check reads the index on
/// `(queue_id, end_date, start_date)`: the queue's campaigns not over before
/// the new start. Intervals are closed, `[start, end]`; an interval written
/// backwards is checked as the span between its dates.
const VERDICT: &str = "verdict AS (SELECT p.*, \
       p.start_date > p.end_date AS backwards, \
       EXISTS (SELECT 1 FROM xivo_recording_campaigns AS o \
               WHERE o.queue_id = p.queue_id AND o.id IS NOT p.id \
                 AND o.end_date >= MIN(p.start_date, p.end_date) \
                 AND o.start_date <= MAX(p.start_date, p.end_date)) AS concurrent, \
       EXISTS (SELECT 1 FROM xivo_recording_campaigns AS o \
               WHERE o.campaign_name = p.campaign_name AND o.id IS NOT p.id) AS duplicated, \
       (p.queue_id IS NULL OR EXISTS (SELECT 1 FROM xivo_queues AS q WHERE q.id = p.queue_id)) \
         AS queue_known \
     FROM proposed AS p)";

/// The condition on `verdict` under which the write happens.
const ACCEPTED: &str = "NOT v.empty_name AND NOT v.backwards AND NOT v.concurrent \
     AND NOT v.duplicated AND v.queue_known";

#[derive(Debug, Deserialize)]
struct Verdict {
    empty_name: i64,
    backwards: i64,
    concurrent: i64,
    duplicated: i64,
    queue_known: i64,
}

impl Verdict {
    /// The reasons, in their fixed order.
    fn reasons(&self) -> Vec<String> {
        [
            (self.empty_name != 0, "empty_name"),
            (self.backwards != 0, "start_greater_than_end"),
            (self.concurrent != 0, "concurrent_campaigns"),
            (self.duplicated != 0, "duplicated_name"),
            (self.queue_known == 0, "No such queue"),
        ]
        .into_iter()
        .filter(|(applies, _)| *applies)
        .map(|(_, reason)| reason.to_owned())
        .collect()
    }
}

/// The verdict statement and the guarded write, for `proposed` (a CTE and
/// its values) and `write` (an INSERT or UPDATE reading `verdict AS v`,
/// with its own values after the CTE's).
fn verdict_and_write(
    proposed: &str,
    binds: &[SqlValue],
    write: &str,
    write_binds: Vec<SqlValue>,
) -> [Statement; 2] {
    let with = format!("WITH proposed AS ({proposed}), {VERDICT}");
    [
        Statement::new(format!(
            "{with} SELECT empty_name, backwards, concurrent, duplicated, queue_known \
             FROM verdict"
        ))
        .bind_all(binds.to_vec()),
        Statement::new(format!("{with} {write}"))
            .bind_all(binds.to_vec())
            .bind_all(write_binds),
    ]
}

/// `POST /1.0/recording_campaigns/`: 201 and the new id as a JSON string
/// (`"3"`). A missing date is today at midnight; `activated` defaults to
/// `True`, `base_filename` to the name and `-file-`. Refused with 400 and
/// every reason that applies: `empty_name`, `start_greater_than_end`,
/// `concurrent_campaigns`, `duplicated_name` (and `No such queue`). One
/// batch: the reasons, then the INSERT guarded by the same conditions.
pub async fn create(ctx: Ctx, body: Bytes) -> Result<Response, XivoError> {
    let changes = read_changes(&body, None)?;
    let today = today(ctx.clock.now());
    let name = changes.name.flatten().unwrap_or_default();
    let empty_name = name.trim().is_empty();
    let base_filename = changes
        .base_filename
        .flatten()
        .unwrap_or_else(|| format!("{name}-file-"));
    let binds = vec![
        SqlValue::from(name),
        SqlValue::from(changes.activated.flatten().unwrap_or(true)),
        SqlValue::from(base_filename),
        SqlValue::from(changes.queue.flatten()),
        SqlValue::from(changes.start.flatten().unwrap_or_else(|| today.clone())),
        SqlValue::from(changes.end.flatten().unwrap_or(today)),
        SqlValue::from(empty_name),
    ];
    let [verdict, insert] = verdict_and_write(
        "SELECT NULL AS id, ? AS campaign_name, ? AS activated, ? AS base_filename, \
         ? AS queue_id, ? AS start_date, ? AS end_date, ? AS empty_name",
        &binds,
        &format!(
            "INSERT INTO xivo_recording_campaigns \
             (campaign_name, activated, base_filename, queue_id, start_date, end_date) \
             SELECT campaign_name, activated, base_filename, queue_id, start_date, end_date \
             FROM verdict AS v WHERE {ACCEPTED} RETURNING id"
        ),
        Vec::new(),
    );
    let mut results = ctx.db.batch(vec![verdict, insert]).await?.into_iter();
    let verdict = first::<Verdict>(results.next())?
        .ok_or_else(|| XivoError::Internal("the verdict has no row".into()))?;
    let reasons = verdict.reasons();
    if !reasons.is_empty() {
        return Err(XivoError::BadRequest(reasons));
    }
    #[derive(Deserialize)]
    struct Created {
        id: i64,
    }
    let created = first::<Created>(results.next())?
        .ok_or_else(|| XivoError::Internal("the campaign was not inserted".into()))?;
    Ok(with_status(
        StatusCode::CREATED,
        super::json(&created.id.to_string())?,
    ))
}

/// `PUT /1.0/recording_campaigns/<id>`: changes the properties given (the
/// others stay), 200 and an empty body; 404 (empty) for an unknown campaign;
/// 400 as a creation, the campaign checked against the others. One batch:
/// the reasons (no row: unknown), then the UPDATE guarded by the same
/// conditions.
pub async fn update(
    ctx: Ctx,
    path: Result<Path<String>, PathRejection>,
    body: Bytes,
) -> Result<Response, XivoError> {
    let id = path_id(path)?;
    let changes = read_changes(&body, Some(id))?;
    let empty_name = changes
        .name
        .as_ref()
        .is_some_and(|name| name.as_deref().unwrap_or_default().trim().is_empty());
    let (queue_given, queue) = match changes.queue {
        Some(queue) => (true, queue),
        None => (false, None),
    };
    let binds = vec![
        SqlValue::from(changes.name.flatten()),
        SqlValue::from(changes.activated.flatten()),
        SqlValue::from(changes.base_filename.flatten()),
        SqlValue::from(queue_given),
        SqlValue::from(queue),
        SqlValue::from(changes.start.flatten()),
        SqlValue::from(changes.end.flatten()),
        SqlValue::from(empty_name),
        SqlValue::from(id),
    ];
    let [verdict, update] = verdict_and_write(
        "SELECT id, COALESCE(?, campaign_name) AS campaign_name, \
         COALESCE(?, activated) AS activated, COALESCE(?, base_filename) AS base_filename, \
         CASE WHEN ? THEN ? ELSE queue_id END AS queue_id, \
         COALESCE(?, start_date) AS start_date, COALESCE(?, end_date) AS end_date, \
         ? AS empty_name FROM xivo_recording_campaigns WHERE id = ?",
        &binds,
        &format!(
            "UPDATE xivo_recording_campaigns AS t SET campaign_name = v.campaign_name, \
             activated = v.activated, base_filename = v.base_filename, queue_id = v.queue_id, \
             start_date = v.start_date, end_date = v.end_date \
             FROM verdict AS v WHERE t.id = v.id AND {ACCEPTED} RETURNING id"
        ),
        Vec::new(),
    );
    let mut results = ctx.db.batch(vec![verdict, update]).await?.into_iter();
    let verdict = first::<Verdict>(results.next())?.ok_or(XivoError::NotFound)?;
    let reasons = verdict.reasons();
    if !reasons.is_empty() {
        return Err(XivoError::BadRequest(reasons));
    }
    if results.next().is_none_or(|r| r.rows.is_empty()) {
        return Err(XivoError::Internal("the campaign was not updated".into()));
    }
    Ok(StatusCode::OK.into_response())
}

/// `DELETE /1.0/recording_campaigns/<id>`: 200 and an empty body; 404
/// (empty) for an unknown campaign; 412 `["campaign_not_empty"]` while it
/// has recordings. One batch: whether it exists and has recordings, then
/// the DELETE guarded by "has no recordings".
pub async fn delete(
    ctx: Ctx,
    path: Result<Path<String>, PathRejection>,
) -> Result<Response, XivoError> {
    let id = path_id(path)?;
    let state = Statement::new(
        "SELECT EXISTS (SELECT 1 FROM xivo_recording_campaigns WHERE id = ?) AS found, \
         EXISTS (SELECT 1 FROM xivo_recordings WHERE campaign_id = ?) AS used",
    )
    .bind(id)
    .bind(id);
    let delete = Statement::new(
        "DELETE FROM xivo_recording_campaigns WHERE id = ? \
         AND NOT EXISTS (SELECT 1 FROM xivo_recordings WHERE campaign_id = ?)",
    )
    .bind(id)
    .bind(id);
    #[derive(Deserialize)]
    struct State {
        found: i64,
        used: i64,
    }
    let mut results = ctx.db.batch(vec![state, delete]).await?.into_iter();
    let state = first::<State>(results.next())?
        .ok_or_else(|| XivoError::Internal("the campaign's state has no row".into()))?;
    if state.found == 0 {
        return Err(XivoError::NotFound);
    }
    if state.used != 0 {
        return Err(XivoError::PreconditionFailed(vec![
            "campaign_not_empty".into()
        ]));
    }
    Ok(StatusCode::OK.into_response())
}

// ---------------------------------------------------------------- datasets

/// A campaign of a dataset, as the API writes it (the queue's properties,
/// derived, may be given and are not read).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Record {
    id: DatasetId,
    campaign_name: String,
    #[serde(default)]
    activated: Option<Sent>,
    #[serde(default)]
    base_filename: Option<String>,
    #[serde(default)]
    queue_id: Option<DatasetId>,
    start_date: String,
    end_date: String,
    #[serde(default, rename = "queue_name")]
    _queue_name: Option<IgnoredAny>,
    #[serde(default, rename = "queue_display_name")]
    _queue_display_name: Option<IgnoredAny>,
    #[serde(default, rename = "queue_number")]
    _queue_number: Option<IgnoredAny>,
}

/// The statements that store a provider state's campaigns, with their ids.
pub fn dataset(resource: &str, items: &Value) -> Result<Vec<Statement>, String> {
    decode_records::<Record>(resource, items)?
        .into_iter()
        .enumerate()
        .map(|(i, record)| {
            let at = |what: &str| format!("{resource}[{i}]: {what}");
            let id = record
                .id
                .value()
                .ok_or_else(|| at("id is not an integer"))?;
            let queue = match &record.queue_id {
                None => None,
                Some(DatasetId::Text(text)) if text.is_empty() => None,
                Some(queue) => Some(
                    queue
                        .value()
                        .ok_or_else(|| at("queue_id is not an integer"))?,
                ),
            };
            let activated = match &record.activated {
                None | Some(Sent::Null) => true,
                Some(sent) => truth(sent).ok_or_else(|| at("activated is not True or False"))?,
            };
            let start = read_date(&record.start_date)
                .ok_or_else(|| at("start_date is not YYYY-MM-DD HH:MM:SS"))?;
            let end = read_date(&record.end_date)
                .ok_or_else(|| at("end_date is not YYYY-MM-DD HH:MM:SS"))?;
            let base_filename = record
                .base_filename
                .clone()
                .unwrap_or_else(|| format!("{}-file-", record.campaign_name));
            Ok(Statement::new(
                "INSERT INTO xivo_recording_campaigns \
                 (id, campaign_name, activated, base_filename, queue_id, start_date, end_date) \
                 VALUES (?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(id)
            .bind(record.campaign_name)
            .bind(activated)
            .bind(base_filename)
            .bind(queue)
            .bind(start)
            .bind(end))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_campaign_body_is_checked_in_request_order() {
        match read_changes(
            br#"{"zeta": 1, "id": "3", "campaign_name": 5, "end_date": "x", "queue_name": "q"}"#,
            Some(4),
        ) {
            Err(XivoError::BadRequest(messages)) => assert_eq!(
                messages,
                [
                    "Incorrect parameters sent: zeta",
                    "id must be the id of the URL",
                    "campaign_name must be a string of at most 255 characters",
                    "invalid_date_format",
                ]
            ),
            other => panic!("{other:?}"),
        }
        let changes = read_changes(
            br#"{"id": 3, "queue_id": "", "activated": "true", "start_date": null}"#,
            None,
        )
        .unwrap();
        assert_eq!(changes.queue, Some(None));
        assert_eq!(changes.activated, Some(Some(true)));
        assert_eq!(changes.start, Some(None));
        assert_eq!(changes.name, None);
        assert!(read_changes(b" \n", None).is_ok());
        assert!(read_changes(br#"{"id": -1}"#, None).is_err());
    }

    #[test]
    fn dataset_records_are_checked_and_read_as_the_api_writes_them() {
        let items = serde_json::json!([{
            "id": "4", "campaign_name": "c", "queue_id": "", "activated": "False",
            "start_date": "2013-01-01", "end_date": "2013-01-02 10:00:00",
            "queue_name": "ignored"
        }]);
        let statements = dataset("recording_campaigns", &items).unwrap();
        assert_eq!(
            statements[0].params,
            [
                SqlValue::Integer(4),
                SqlValue::Text("c".into()),
                SqlValue::Integer(0),
                SqlValue::Text("c-file-".into()),
                SqlValue::Null,
                SqlValue::Text("2013-01-01 00:00:00".into()),
                SqlValue::Text("2013-01-02 10:00:00".into()),
            ]
        );
        for (bad, why) in [
            (
                serde_json::json!([{"id": 1, "campaign_name": "c",
                    "start_date": "01/01/2013", "end_date": "2013-01-02"}]),
                "recording_campaigns[0]: start_date",
            ),
            (
                serde_json::json!([{"id": 1, "campaign_name": "c", "colour": 1,
                    "start_date": "2013-01-01", "end_date": "2013-01-02"}]),
                "recording_campaigns[0]: unknown field",
            ),
        ] {
            let error = dataset("recording_campaigns", &bad).unwrap_err();
            assert!(error.starts_with(why), "{error}");
        }
    }
}
