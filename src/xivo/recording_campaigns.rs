//! Recording campaigns: `GET` and `POST /1.0/recording_campaigns/`, `GET`,
//! `PUT` and `DELETE /1.0/recording_campaigns/<id>`. The checks that look at
//! other campaigns (`concurrent_campaigns`, `duplicated_name`) and at the
//! recordings (`campaign_not_empty`) run inside the write itself: one D1
//! batch of [the statement that says which reasons apply, the write guarded
//! by the same conditions], so two concurrent requests can never both write
//! into an overlap. Also the pieces the recordings share (ids in paths,
//! bodies read property by property, dates, paged lists).

use std::collections::BTreeSet;
use std::fmt;

use axum::extract::rejection::PathRejection;
use axum::extract::Path;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, put};
use axum::Router;
use bytes::Bytes;
use chrono::{DateTime, NaiveDate, NaiveDateTime, Timelike, Utc};
use http::{StatusCode, Uri};
use serde::de::{self, DeserializeOwned, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use super::listing::{self, Filter, Listing};
use super::XivoError;
use crate::http::{decode_records, parse_json, AppState, Ctx};
use crate::ports::{QueryResult, SqlValue, Statement, MAX_EXACT_INTEGER};

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

/// The longest text property accepted (names, file names, numbers).
pub(super) const MAX_TEXT: usize = 255;

/// At most this many filters in one list request: each is a bound value, and
/// D1 takes at most 100 per statement.
const MAX_FILTERS: usize = 32;

/// 400 `["No parsable data in the request"]`: a body that is not one JSON
/// object, or an id that is not an integer.
pub(super) fn unparsable() -> XivoError {
    XivoError::BadRequest(vec!["No parsable data in the request".into()])
}

/// 400 `["Incorrect parameters sent: a, b"]`.
pub(super) fn incorrect(names: &[String]) -> XivoError {
    XivoError::BadRequest(vec![format!(
        "Incorrect parameters sent: {}",
        names.join(", ")
    )])
}

/// An id as the API takes it: decimal digits, at most 2^53 − 1 (what D1
/// stores exactly), as the users' ids. No sign: no object has a negative id.
pub(super) fn parse_id(text: &str) -> Option<i64> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse::<i64>()
        .ok()
        .filter(|id| *id <= MAX_EXACT_INTEGER)
}

/// The id of a path (`/1.0/recording_campaigns/<id>`): 400 `["No parsable
/// data in the request"]` unless it is one.
pub(super) fn path_id(path: Result<Path<String>, PathRejection>) -> Result<i64, XivoError> {
    path.ok()
        .and_then(|Path(id)| parse_id(&id))
        .ok_or_else(unparsable)
}

/// A date as XiVO writes it, `YYYY-MM-DD HH:MM:SS`, from that form or from
/// `YYYY-MM-DD` (midnight). Anything else (other separators, spaces around,
/// a leap second, a day that does not exist) is `None`.
pub(super) fn read_date(text: &str) -> Option<String> {
    const FULL: &[u8] = b"dddd-dd-dd dd:dd:dd";
    let shape = match text.len() {
        19 => FULL,
        10 => FULL.get(..10)?,
        _ => return None,
    };
    let fits = text.bytes().zip(shape).all(|(byte, &want)| match want {
        b'd' => byte.is_ascii_digit(),
        other => byte == other,
    });
    if !fits {
        return None;
    }
    let at = if text.len() == 10 {
        NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .ok()?
            .and_hms_opt(0, 0, 0)?
    } else {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S").ok()?
    };
    (at.nanosecond() == 0).then(|| format_date(at))
}

fn format_date(at: NaiveDateTime) -> String {
    at.format("%Y-%m-%d %H:%M:%S").to_string()
}

/// `now` as a stored date (UTC).
fn date_of(now: DateTime<Utc>) -> String {
    format_date(now.naive_utc())
}

/// Today at midnight (UTC): a missing start or end date.
fn today(now: DateTime<Utc>) -> String {
    now.format("%Y-%m-%d 00:00:00").to_string()
}

/// A JSON value as a body property holds it: a scalar, or something else
/// (skipped without being kept).
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Scalar {
    Null,
    Bool(bool),
    Integer(i64),
    Text(String),
    /// A fraction, an integer beyond i64, an array or an object.
    Other,
}

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ScalarVisitor)
    }
}

struct ScalarVisitor;

impl<'de> Visitor<'de> for ScalarVisitor {
    type Value = Scalar;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Scalar, E> {
        Ok(Scalar::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Scalar, E> {
        Ok(Scalar::Null)
    }

    fn visit_bool<E: de::Error>(self, value: bool) -> Result<Scalar, E> {
        Ok(Scalar::Bool(value))
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Scalar, E> {
        Ok(Scalar::Integer(value))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Scalar, E> {
        Ok(i64::try_from(value).map_or(Scalar::Other, Scalar::Integer))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Scalar, E> {
        Ok(Scalar::Other)
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Scalar, E> {
        Ok(Scalar::Text(value.to_owned()))
    }

    fn visit_string<E: de::Error>(self, value: String) -> Result<Scalar, E> {
        Ok(Scalar::Text(value))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Scalar, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Scalar::Other)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Scalar, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Scalar::Other)
    }
}

/// One property of a body, and what reading it found.
#[derive(Debug)]
struct Property {
    name: String,
    value: Scalar,
    /// Read by the route (a property it knows).
    known: bool,
    /// Why its value is refused (a type or form the route does not take).
    problem: Option<String>,
}

/// A JSON object body, property by property in the request's order (so
/// that the incorrect ones are named in that order). A property given twice
/// makes the body unparsable.
#[derive(Debug, Default)]
pub(super) struct Body {
    properties: Vec<Property>,
    /// A date property that is not `YYYY-MM-DD[ HH:MM:SS]`.
    invalid_date: bool,
}

impl<'de> Deserialize<'de> for Body {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(BodyVisitor)
    }
}

struct BodyVisitor;

impl<'de> Visitor<'de> for BodyVisitor {
    type Value = Body;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Body, A::Error> {
        let mut seen = BTreeSet::new();
        let mut body = Body::default();
        while let Some(name) = map.next_key::<String>()? {
            if !seen.insert(name.clone()) {
                return Err(de::Error::custom(format!("{name} given twice")));
            }
            let value = map.next_value::<Scalar>()?;
            body.properties.push(Property {
                name,
                value,
                known: false,
                problem: None,
            });
        }
        Ok(body)
    }
}

/// What a body says of one property: `None` when it is absent (or of a type
/// the route does not take: then it is named as incorrect), `Some(None)` for
/// `null`, `Some(Some(value))` otherwise.
pub(super) type Given<T> = Option<Option<T>>;

impl Body {
    /// Reads a body: an empty one has no properties; otherwise it must be
    /// one JSON object, else 400 `["No parsable data in the request"]`.
    pub(super) fn read(body: &[u8]) -> Result<Self, XivoError> {
        if body.iter().all(u8::is_ascii_whitespace) {
            return Ok(Self::default());
        }
        parse_json(body).map_err(|_| unparsable())
    }

    /// The property `name`, converted by `read`: `None` when of the wrong
    /// type or form (then refused with `expected`: "`<name>` must be ..."),
    /// `Some(None)` for `null` and what means no value as `null` does.
    fn property<T>(
        &mut self,
        name: &str,
        expected: &str,
        read: impl FnOnce(&Scalar) -> Option<Option<T>>,
    ) -> Given<T> {
        let property = self.properties.iter_mut().find(|p| p.name == name)?;
        property.known = true;
        if property.value == Scalar::Null {
            return Some(None);
        }
        let read = read(&property.value);
        if read.is_none() {
            property.problem = Some(format!("{name} must be {expected}"));
        }
        read
    }

    /// A text property of at most [`MAX_TEXT`] characters.
    pub(super) fn text(&mut self, name: &str) -> Given<String> {
        let expected = format!("a string of at most {MAX_TEXT} characters");
        self.property(name, &expected, |value| match value {
            Scalar::Text(text) if text.chars().count() <= MAX_TEXT => Some(Some(text.clone())),
            _ => None,
        })
    }

    /// An id: a JSON integer, or a string of one (`"2"`, as the document
    /// writes them), from 0 to 2^53 − 1. With `empty_is_null`, `""` is no id.
    pub(super) fn id(&mut self, name: &str, empty_is_null: bool) -> Given<i64> {
        let expected = if empty_is_null {
            "null, \"\" or an integer (or a string of one) from 0 to 9007199254740991"
        } else {
            "an integer (or a string of one) from 0 to 9007199254740991"
        };
        self.property(name, expected, |value| match value {
            Scalar::Integer(n) if (0..=MAX_EXACT_INTEGER).contains(n) => Some(Some(*n)),
            Scalar::Text(text) if empty_is_null && text.is_empty() => Some(None),
            Scalar::Text(text) => parse_id(text).map(Some),
            _ => None,
        })
    }

    /// A flag: `true`, `false`, or the strings `"True"` and `"False"` (in any
    /// case), as the document writes `activated`.
    fn flag(&mut self, name: &str) -> Given<bool> {
        self.property(name, "True or False", |value| match value {
            Scalar::Bool(b) => Some(Some(*b)),
            Scalar::Text(text) if text.eq_ignore_ascii_case("true") => Some(Some(true)),
            Scalar::Text(text) if text.eq_ignore_ascii_case("false") => Some(Some(false)),
            _ => None,
        })
    }

    /// A date property, stored as `YYYY-MM-DD HH:MM:SS`. Any other form, or
    /// type, is `invalid_date_format` (not an incorrect parameter).
    pub(super) fn date(&mut self, name: &str) -> Given<String> {
        let property = self.properties.iter_mut().find(|p| p.name == name)?;
        property.known = true;
        match &property.value {
            Scalar::Null => Some(None),
            Scalar::Text(text) => match read_date(text) {
                Some(date) => Some(Some(date)),
                None => {
                    self.invalid_date = true;
                    None
                }
            },
            _ => {
                self.invalid_date = true;
                None
            }
        }
    }

    /// Properties the route takes and leaves as they are: the read-only ones
    /// a client may send back as it got them.
    pub(super) fn ignore(&mut self, names: &[&str]) {
        for property in &mut self.properties {
            if names.contains(&property.name.as_str()) {
                property.known = true;
            }
        }
    }

    /// Refuses a property that was read but does not fit (an id other than
    /// the path's): "`<name>` must be `expected`".
    pub(super) fn refuse(&mut self, name: &str, expected: &str) {
        if let Some(property) = self.properties.iter_mut().find(|p| p.name == name) {
            property.problem = Some(format!("{name} must be {expected}"));
        }
    }

    /// Once every property is read: 400 if the request's form is wrong, with
    /// every message that applies: the unknown properties (`Incorrect
    /// parameters sent: a, b`, in the request's order), then each value of
    /// the wrong type or form (in the request's order), then
    /// `invalid_date_format` for a date not `YYYY-MM-DD[ HH:MM:SS]`.
    pub(super) fn finish(&self) -> Result<(), XivoError> {
        let unknown: Vec<String> = self
            .properties
            .iter()
            .filter(|p| !p.known)
            .map(|p| p.name.clone())
            .collect();
        let mut messages = Vec::new();
        if !unknown.is_empty() {
            messages.push(format!("Incorrect parameters sent: {}", unknown.join(", ")));
        }
        messages.extend(self.properties.iter().filter_map(|p| p.problem.clone()));
        if self.invalid_date {
            messages.push("invalid_date_format".into());
        }
        if messages.is_empty() {
            Ok(())
        } else {
            Err(XivoError::BadRequest(messages))
        }
    }
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
            return Err(incorrect(&["running".to_owned()]));
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

/// Reads a campaign body: 400 for a body that is not a JSON object, for
/// unknown or mistyped properties and bad dates. `id` must be `path_id`
/// when given (an update; ignored on a creation); the queue's properties
/// are read-only (ignored).
fn read_changes(body: &[u8], path_id: Option<i64>) -> Result<Changes, XivoError> {
    let mut body = Body::read(body)?;
    let changes = Changes {
        name: body.text("campaign_name"),
        activated: body.flag("activated"),
        base_filename: body.text("base_filename"),
        queue: body.id("queue_id", true),
        start: body.date("start_date"),
        end: body.date("end_date"),
    };
    let given_id = body.id("id", false).flatten();
    if let (Some(path_id), Some(given)) = (path_id, given_id) {
        if path_id != given {
            body.refuse("id", "the id of the URL");
        }
    }
    body.ignore(&["queue_name", "queue_display_name", "queue_number"]);
    body.finish()?;
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
    activated: Option<Scalar>,
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
                None | Some(Scalar::Null) => true,
                Some(Scalar::Bool(b)) => *b,
                Some(Scalar::Text(t)) if t.eq_ignore_ascii_case("true") => true,
                Some(Scalar::Text(t)) if t.eq_ignore_ascii_case("false") => false,
                Some(_) => return Err(at("activated is not True or False")),
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
    fn dates_are_read_in_the_two_forms_and_written_in_the_long_one() {
        assert_eq!(
            read_date("2013-01-22 14:53:33").as_deref(),
            Some("2013-01-22 14:53:33")
        );
        assert_eq!(
            read_date("2013-01-22").as_deref(),
            Some("2013-01-22 00:00:00")
        );
        for bad in [
            "",
            "01/02/2013",
            "2013-01-22T14:53:33",
            " 2013-01-22",
            "2013-01-22 14:53",
            "2013-02-30",
            "2013-13-01 00:00:00",
            "2013-01-22 24:00:00",
            "2013-01-22 23:59:60",
            "+013-01-22",
            "2013-01-22 14:53:33.5",
            "２０１３-01-22",
        ] {
            assert_eq!(read_date(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn ids_are_decimal_digits_up_to_2_53() {
        assert_eq!(parse_id("12"), Some(12));
        assert_eq!(parse_id("007"), Some(7));
        assert_eq!(parse_id("9007199254740991"), Some(MAX_EXACT_INTEGER));
        for bad in [
            "",
            "-1",
            "1.5",
            "+1",
            "1e3",
            " 1",
            "abc",
            "1;DROP",
            "9007199254740992",
            "99999999999999999999",
        ] {
            assert_eq!(parse_id(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn a_body_names_unknown_and_mistyped_properties_in_request_order() {
        let mut body =
            Body::read(br#"{"zeta": 1, "campaign_name": 5, "alpha": [1], "queue_id": "2"}"#)
                .unwrap();
        assert_eq!(body.text("campaign_name"), None);
        assert_eq!(body.id("queue_id", true), Some(Some(2)));
        assert_eq!(body.id("absent", true), None);
        match body.finish() {
            Err(XivoError::BadRequest(messages)) => assert_eq!(
                messages,
                [
                    "Incorrect parameters sent: zeta, alpha",
                    "campaign_name must be a string of at most 255 characters"
                ]
            ),
            other => panic!("{other:?}"),
        }
        assert!(Body::read(br#"{"a": 1, "a": 2}"#).is_err());
        assert!(Body::read(b"[]").is_err());
        assert!(Body::read(b"  ").unwrap().properties.is_empty());
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
