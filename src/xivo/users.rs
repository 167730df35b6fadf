//! Users: `GET` and `POST /1.0/users/`, `GET`, `PUT` and `DELETE
//! /1.0/users/<id>` (each also with or without its trailing slash), and the
//! reading of the bodies users and voicemails share: properties in request
//! order, each checked against its kind, unknown ones named.

use std::fmt;

use axum::body::Bytes;
use axum::extract::rejection::PathRejection;
use axum::extract::Path;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use http::header::LOCATION;
use http::{StatusCode, Uri};
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use super::listing::{self, Filter};
use super::XivoError;
use crate::http::{decode_records, parse_json, query_pairs, AppState, Ctx};
use crate::ports::{QueryResult, SqlValue, Statement, MAX_EXACT_INTEGER};

/// The tables this resource fills, emptied before a provider state loads.
pub const TABLES: &[&str] = &["xivo_users"];

/// The routes of this resource, with and without their trailing slash.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/1.0/users/", get(list).post(create))
        .route("/1.0/users", get(list).post(create))
        .route("/1.0/users/{id}", get(show).put(update).delete(delete))
        .route("/1.0/users/{id}/", get(show).put(update).delete(delete))
}

/// The statements that store a provider state's records of this resource.
pub fn dataset(resource: &str, items: &Value) -> Result<Vec<Statement>, String> {
    Ok(decode_records::<User>(resource, items)?
        .iter()
        .map(insert)
        .collect())
}

// ---------------------------------------------------------------- the user

/// A user's properties, in the document's order, then `email` (which the
/// document's `PUT` example sends).
#[derive(Debug, Serialize, Deserialize)]
pub struct Properties {
    pub id: i64,
    pub firstname: String,
    pub lastname: String,
    pub callerid: String,
    pub username: String,
    pub password: String,
    pub enableclient: i64,
    pub musiconhold: String,
    pub outcallerid: String,
    pub mobilephonenumber: String,
    pub userfield: String,
    pub timezone: String,
    pub language: String,
    pub description: String,
    pub ctiprofileid: Option<i64>,
    pub voicemailid: Option<i64>,
    pub agentid: Option<i64>,
    pub entityid: Option<i64>,
    pub email: String,
}

/// A user's line, as the API shows it.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Line {
    pub number: String,
}

/// A user as the API shows it: `line` only when the user has one.
#[derive(Debug, Serialize, Deserialize)]
pub struct User {
    #[serde(flatten)]
    pub properties: Properties,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<Line>,
}

/// A row of [`COLUMNS`].
#[derive(Deserialize)]
struct Stored {
    #[serde(flatten)]
    properties: Properties,
    line_number: Option<String>,
}

impl From<Stored> for User {
    fn from(stored: Stored) -> Self {
        Self {
            properties: stored.properties,
            line: stored.line_number.map(|number| Line { number }),
        }
    }
}

/// A user's columns, in the order of [`Properties`], then its line.
const COLUMNS: &str = "id, firstname, lastname, callerid, username, password, enableclient, \
     musiconhold, outcallerid, mobilephonenumber, userfield, timezone, language, description, \
     ctiprofileid, voicemailid, agentid, entityid, email, line_number";

/// The statement that stores `user` (a provider state's record).
fn insert(user: &User) -> Statement {
    let p = &user.properties;
    Statement::new(format!(
        "INSERT INTO xivo_users ({COLUMNS}) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    ))
    .bind(p.id)
    .bind(p.firstname.as_str())
    .bind(p.lastname.as_str())
    .bind(p.callerid.as_str())
    .bind(p.username.as_str())
    .bind(p.password.as_str())
    .bind(p.enableclient)
    .bind(p.musiconhold.as_str())
    .bind(p.outcallerid.as_str())
    .bind(p.mobilephonenumber.as_str())
    .bind(p.userfield.as_str())
    .bind(p.timezone.as_str())
    .bind(p.language.as_str())
    .bind(p.description.as_str())
    .bind(p.ctiprofileid)
    .bind(p.voicemailid)
    .bind(p.agentid)
    .bind(p.entityid)
    .bind(p.email.as_str())
    .bind(user.line.as_ref().map(|line| line.number.as_str()))
}

// ---------------------------------------------------------------- reading

/// The list's equality filters: every property but `line`.
const FILTERS: &[Filter] = &[
    Filter::new("id", "id"),
    Filter::new("firstname", "firstname"),
    Filter::new("lastname", "lastname"),
    Filter::new("callerid", "callerid"),
    Filter::new("username", "username"),
    Filter::new("password", "password"),
    Filter::new("enableclient", "enableclient"),
    Filter::new("musiconhold", "musiconhold"),
    Filter::new("outcallerid", "outcallerid"),
    Filter::new("mobilephonenumber", "mobilephonenumber"),
    Filter::new("userfield", "userfield"),
    Filter::new("timezone", "timezone"),
    Filter::new("language", "language"),
    Filter::new("description", "description"),
    Filter::new("ctiprofileid", "ctiprofileid"),
    Filter::new("voicemailid", "voicemailid"),
    Filter::new("agentid", "agentid"),
    Filter::new("entityid", "entityid"),
    Filter::new("email", "email"),
];

/// The count of a list, before paging.
#[derive(Deserialize)]
struct Total {
    total: i64,
}

/// Reads a list of `table` in id order, narrowed by `filters` and paged as
/// the request asks: the count and the page in one batch, one D1 round trip.
pub(super) async fn read_list<T: serde::de::DeserializeOwned>(
    ctx: &Ctx,
    uri: &Uri,
    table: &str,
    columns: &str,
    filters: &[Filter],
) -> Result<(i64, Vec<T>), XivoError> {
    let listing = listing::read(uri, filters, &[])?;
    let (limit, limit_binds) = listing.limit();
    let count = Statement::new(format!(
        "SELECT COUNT(*) AS total FROM {table} WHERE 1 = 1{}",
        listing.conditions
    ))
    .bind_all(listing.binds.clone());
    let page = Statement::new(format!(
        "SELECT {columns} FROM {table} WHERE 1 = 1{} ORDER BY id{limit}",
        listing.conditions
    ))
    .bind_all(listing.binds)
    .bind_all(limit_binds);
    let mut results = ctx.db.batch(vec![count, page]).await?.into_iter();
    let total = next(&mut results)?
        .decode::<Total>()?
        .first()
        .map_or(0, |t| t.total);
    let items = next(&mut results)?.decode::<T>()?;
    Ok((total, items))
}

/// The next result of a batch, which has one per statement.
fn next(results: &mut impl Iterator<Item = QueryResult>) -> Result<QueryResult, XivoError> {
    results
        .next()
        .ok_or_else(|| XivoError::Internal("a batch answered fewer results than statements".into()))
}

/// `GET /1.0/users/`: `{"total", "items"}`, every user in id order, with
/// the equality filters of [`FILTERS`] and `_page`/`_pagesize` paging. One
/// D1 round trip.
pub async fn list(ctx: Ctx, uri: Uri) -> Result<Response, XivoError> {
    let (total, stored) = read_list::<Stored>(&ctx, &uri, "xivo_users", COLUMNS, FILTERS).await?;
    let users: Vec<User> = stored.into_iter().map(User::from).collect();
    listing::answer(total, &users)
}

/// `GET /1.0/users/<id>`: the user, or 404 with an empty body. One D1 round
/// trip.
pub async fn show(
    ctx: Ctx,
    path: Result<Path<String>, PathRejection>,
) -> Result<Response, XivoError> {
    let id = path_id(path)?;
    let stored: Option<Stored> = ctx
        .db
        .first(Statement::new(format!("SELECT {COLUMNS} FROM xivo_users WHERE id = ?")).bind(id))
        .await?;
    let user = User::from(stored.ok_or(XivoError::NotFound)?);
    super::json(&user)
}

// ---------------------------------------------------------------- writing

/// The user properties that are text, by column.
const TEXT: [&str; 12] = [
    "lastname",
    "callerid",
    "username",
    "password",
    "musiconhold",
    "outcallerid",
    "mobilephonenumber",
    "userfield",
    "timezone",
    "language",
    "description",
    "email",
];

/// The user properties that refer to another object by id, or to none.
const REFERENCES: [&str; 4] = ["ctiprofileid", "voicemailid", "agentid", "entityid"];

/// What a valid user body sets, in request order.
#[derive(Debug, Default)]
struct UserChanges {
    /// Column and value of each property given.
    columns: Vec<(&'static str, SqlValue)>,
    firstname: Option<String>,
    lastname: Option<String>,
    /// `Some(None)`: the voicemail is dissociated.
    voicemail: Option<Option<i64>>,
}

impl UserChanges {
    fn set(&mut self, column: &'static str, value: impl Into<SqlValue>) {
        self.columns.push((column, value.into()));
    }

    fn has(&self, column: &str) -> bool {
        self.columns.iter().any(|(c, _)| *c == column)
    }

    /// Whether the user's name changes (its voicemail is renamed then).
    fn renames(&self) -> bool {
        self.firstname.is_some() || self.lastname.is_some()
    }
}

/// Reads a user body. `url_id` is the id of the URL of a `PUT` (a body's
/// `id` must be it); a `POST` has none, and its body's `id` is ignored (the
/// server chooses the id), but it must have a `firstname`.
fn read_user(body: &[u8], url_id: Option<i64>) -> Result<UserChanges, XivoError> {
    let Body(properties) = read_body(body)?;
    let mut checks = Checks::default();
    let mut changes = UserChanges::default();
    for (key, sent) in properties {
        match key.as_str() {
            "id" => {
                if let Some(id) = url_id {
                    checks.same_id(&sent, id);
                }
            }
            "firstname" => {
                if let Some(name) = checks.name(&key, sent) {
                    changes.set("firstname", name.as_str());
                    changes.firstname = Some(name);
                }
            }
            "enableclient" => {
                if let Some(flag) = checks.flag(&key, sent) {
                    changes.set("enableclient", flag);
                }
            }
            "line" => {
                if let Some(number) = checks.line(sent) {
                    changes.set("line_number", number);
                }
            }
            other => {
                if let Some(column) = TEXT.iter().copied().find(|c| *c == other) {
                    if let Some(text) = checks.text(&key, sent) {
                        if column == "lastname" {
                            changes.lastname = Some(text.clone());
                        }
                        changes.set(column, text);
                    }
                } else if let Some(column) = REFERENCES.iter().copied().find(|c| *c == other) {
                    if let Some(reference) = checks.reference(&key, sent) {
                        if column == "voicemailid" {
                            changes.voicemail = Some(reference);
                        }
                        changes.set(column, reference);
                    }
                } else {
                    checks.unknown(key);
                }
            }
        }
    }
    if url_id.is_none() && changes.firstname.is_none() && !checks.named("firstname") {
        checks.missing("firstname");
    }
    checks.finish()?;
    Ok(changes)
}

/// The statement that says what the checks of a user write found: whether
/// user `user` exists (none for a new one), whether voicemail `voicemail`
/// exists, and whether another user has it.
fn check(user: Option<i64>, voicemail: Option<i64>) -> Statement {
    Statement::new(
        "SELECT EXISTS (SELECT 1 FROM xivo_users WHERE id IS ?) AS user_found, \
         EXISTS (SELECT 1 FROM xivo_voicemails WHERE id IS ?) AS voicemail_found, \
         EXISTS (SELECT 1 FROM xivo_users WHERE voicemailid IS ? AND id IS NOT ?) \
           AS voicemail_taken",
    )
    .bind(user)
    .bind(voicemail)
    .bind(voicemail)
    .bind(user)
}

/// What [`check`] found.
#[derive(Debug, Deserialize)]
struct Checked {
    user_found: i64,
    voicemail_found: i64,
    voicemail_taken: i64,
}

/// ` AND <voicemail may be given to user>` with its values, for the writes
/// that give user `user` (none for a new one) voicemail `voicemail`: it
/// exists and no other user has it. The same condition as [`check`]'s, so
/// that in one batch the check and the write agree.
fn voicemail_free(user: Option<i64>, voicemail: i64) -> (&'static str, [SqlValue; 3]) {
    (
        " AND EXISTS (SELECT 1 FROM xivo_voicemails WHERE id = ?) \
          AND NOT EXISTS (SELECT 1 FROM xivo_users WHERE voicemailid = ? AND id IS NOT ?)",
        [voicemail.into(), voicemail.into(), user.into()],
    )
}

/// The refusal of a voicemail that [`check`] found unusable, if it is.
fn voicemail_refusal(checked: &Checked) -> Option<XivoError> {
    if checked.voicemail_found == 0 {
        Some(XivoError::BadRequest(vec!["No such voicemail".into()]))
    } else if checked.voicemail_taken != 0 {
        Some(XivoError::BadRequest(vec![
            "Voicemail already associated with another user".into(),
        ]))
    } else {
        None
    }
}

/// An empty answer with `status` and `Location: <path>`.
pub(super) fn located(status: StatusCode, path: String) -> Response {
    (status, [(LOCATION, path)]).into_response()
}

/// `POST /1.0/users/`: creates a user, 201 with `Location: /1.0/users/<id>`
/// and an empty body. `firstname` is required; `callerid` defaults to
/// "<firstname> <lastname>", other properties to the table's defaults. One
/// statement (`INSERT … RETURNING id`), or, with a `voicemailid`, one batch:
/// the check of the voicemail, then the INSERT, on the same condition.
pub async fn create(ctx: Ctx, body: Bytes) -> Result<Response, XivoError> {
    let mut changes = read_user(&body, None)?;
    if !changes.has("callerid") {
        let name = full_name(
            changes.firstname.as_deref().unwrap_or_default(),
            changes.lastname.as_deref().unwrap_or_default(),
        );
        changes.set("callerid", name);
    }
    let columns: Vec<&str> = changes.columns.iter().map(|(c, _)| *c).collect();
    let placeholders = vec!["?"; columns.len()].join(", ");
    let values = changes.columns.into_iter().map(|(_, v)| v);
    let voicemail = changes.voicemail.flatten();
    let (guard, guard_binds) = match voicemail {
        Some(voicemail) => {
            let (sql, binds) = voicemail_free(None, voicemail);
            (sql, binds.to_vec())
        }
        None => ("", Vec::new()),
    };
    let insert = Statement::new(format!(
        "INSERT INTO xivo_users ({}) SELECT {placeholders} WHERE 1 = 1{guard} RETURNING id",
        columns.join(", ")
    ))
    .bind_all(values)
    .bind_all(guard_binds);
    let result = match voicemail {
        None => ctx.db.all(insert).await?,
        Some(voicemail) => {
            let mut results = ctx
                .db
                .batch(vec![check(None, Some(voicemail)), insert])
                .await?
                .into_iter();
            let checked = first_checked(next(&mut results)?)?;
            if let Some(refusal) = voicemail_refusal(&checked) {
                return Err(refusal);
            }
            next(&mut results)?
        }
    };
    #[derive(Deserialize)]
    struct Created {
        id: i64,
    }
    let created = result
        .decode::<Created>()?
        .into_iter()
        .next()
        .ok_or_else(|| XivoError::Internal("the INSERT of a user returned no id".into()))?;
    Ok(located(
        StatusCode::CREATED,
        format!("/1.0/users/{}", created.id),
    ))
}

/// The row of a [`check`].
fn first_checked(result: QueryResult) -> Result<Checked, XivoError> {
    result
        .decode::<Checked>()?
        .into_iter()
        .next()
        .ok_or_else(|| XivoError::Internal("the check of a user write returned no row".into()))
}

/// "<firstname> <lastname>", without spaces at either end, cut at
/// [`MAX_TEXT`] characters (so that a user read can be sent back as is).
/// [`RENAMED`] says the same in SQL.
fn full_name(firstname: &str, lastname: &str) -> String {
    format!("{firstname} {lastname}")
        .trim_matches(' ')
        .chars()
        .take(MAX_TEXT)
        .collect()
}

/// [`full_name`] of the user `u`, in SQL.
const RENAMED: &str = "SUBSTR(TRIM(u.firstname || ' ' || u.lastname), 1, 255)";

/// `PUT /1.0/users/<id>`: changes the properties given, 200 with
/// `Location: /1.0/users/<id>` and an empty body; 404 for an unknown user.
/// One batch, so one atomic write and one D1 round trip: the check, the
/// UPDATE (on the same condition as the check when a voicemail is given),
/// and, when `firstname` or `lastname` is given, the rename of the user's
/// voicemail to "<firstname> <lastname>".
pub async fn update(
    ctx: Ctx,
    path: Result<Path<String>, PathRejection>,
    body: Bytes,
) -> Result<Response, XivoError> {
    let id = path_id(path)?;
    let changes = read_user(&body, Some(id))?;
    let renames = changes.renames();
    let voicemail = changes.voicemail.flatten();
    let (guard, guard_binds) = match voicemail {
        Some(voicemail) => {
            let (sql, binds) = voicemail_free(Some(id), voicemail);
            (sql, binds.to_vec())
        }
        None => ("", Vec::new()),
    };
    let sets = if changes.columns.is_empty() {
        "id = id".to_owned()
    } else {
        changes
            .columns
            .iter()
            .map(|(column, _)| format!("{column} = ?"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let values = changes.columns.into_iter().map(|(_, v)| v);
    let mut statements = vec![
        check(Some(id), voicemail),
        Statement::new(format!("UPDATE xivo_users SET {sets} WHERE id = ?{guard}"))
            .bind_all(values)
            .bind(id)
            .bind_all(guard_binds.clone()),
    ];
    if renames {
        statements.push(
            Statement::new(format!(
                "UPDATE xivo_voicemails \
                 SET fullname = (SELECT {RENAMED} FROM xivo_users AS u WHERE u.id = ?) \
                 WHERE id = (SELECT voicemailid FROM xivo_users WHERE id = ?){guard}"
            ))
            .bind(id)
            .bind(id)
            .bind_all(guard_binds),
        );
    }
    let mut results = ctx.db.batch(statements).await?.into_iter();
    let checked = first_checked(next(&mut results)?)?;
    if checked.user_found == 0 {
        return Err(XivoError::NotFound);
    }
    if voicemail.is_some() {
        if let Some(refusal) = voicemail_refusal(&checked) {
            return Err(refusal);
        }
    }
    Ok(located(StatusCode::OK, format!("/1.0/users/{id}")))
}

/// `DELETE /1.0/users/<id>`: 200 and an empty body; 404 for an unknown user;
/// 412 while the user has a voicemail, unless the query has
/// `deleteVoicemail` (any value, or none): then the voicemail goes too. One
/// batch, so the check and the deletion are one atomic write: the user's
/// voicemail read, then either the DELETE of a user without voicemail, or
/// the DELETE of the user's voicemail (which dissociates it) and of the user.
pub async fn delete(
    ctx: Ctx,
    path: Result<Path<String>, PathRejection>,
    uri: Uri,
) -> Result<Response, XivoError> {
    let id = path_id(path)?;
    let with_voicemail = query_pairs(&uri)
        .iter()
        .any(|(name, _)| name == "deleteVoicemail");
    let mut statements =
        vec![Statement::new("SELECT voicemailid FROM xivo_users WHERE id = ?").bind(id)];
    if with_voicemail {
        statements.push(
            Statement::new(
                "DELETE FROM xivo_voicemails \
                 WHERE id = (SELECT voicemailid FROM xivo_users WHERE id = ?)",
            )
            .bind(id),
        );
        statements.push(Statement::new("DELETE FROM xivo_users WHERE id = ?").bind(id));
    } else {
        statements.push(
            Statement::new("DELETE FROM xivo_users WHERE id = ? AND voicemailid IS NULL").bind(id),
        );
    }
    #[derive(Deserialize)]
    struct Found {
        voicemailid: Option<i64>,
    }
    let mut results = ctx.db.batch(statements).await?.into_iter();
    let found = next(&mut results)?.decode::<Found>()?;
    let Some(found) = found.first() else {
        return Err(XivoError::NotFound);
    };
    if found.voicemailid.is_some() && !with_voicemail {
        return Err(XivoError::PreconditionFailed(vec![
            "Cannot remove a user with a voicemail. Delete the voicemail or dissociate it from \
             the user."
                .into(),
        ]));
    }
    Ok(StatusCode::OK.into_response())
}

// ------------------------------------------- bodies and ids, shared with voicemails

/// The message of a body that is not a JSON object, or of an id that is not
/// an integer.
pub(super) fn unparsable() -> XivoError {
    XivoError::BadRequest(vec!["No parsable data in the request".into()])
}

/// An id as the API takes it: decimal digits, at most 2^53 − 1 (what D1
/// stores exactly). No sign: no object has a negative id.
fn parse_id(text: &str) -> Option<i64> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse::<i64>()
        .ok()
        .filter(|id| *id <= MAX_EXACT_INTEGER)
}

/// The id of a URL (`/1.0/users/<id>`): 400 `["No parsable data in the
/// request"]` unless it is one.
pub(super) fn path_id(path: Result<Path<String>, PathRejection>) -> Result<i64, XivoError> {
    path.ok()
        .and_then(|Path(id)| parse_id(&id))
        .ok_or_else(unparsable)
}

/// The longest text a property takes, in characters.
pub(super) const MAX_TEXT: usize = 255;

/// A property's value as the client sent it: what the checks need, no more.
/// Arrays are skipped, and objects are read one level down only (`line`).
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Sent {
    Null,
    Text(String),
    /// A number without fraction or exponent, within `i64`.
    Integer(i64),
    /// The properties of an object, in order.
    Object(Vec<(String, Sent)>),
    /// Anything else: `true`, `1.5`, `[...]`, an object in an object.
    Other,
}

/// A body: one JSON object's properties, in request order. A property given
/// twice makes it unreadable.
#[derive(Debug)]
pub(super) struct Body(pub Vec<(String, Sent)>);

/// Reads a body: 400 `["No parsable data in the request"]` unless it is one
/// JSON object.
pub(super) fn read_body(body: &[u8]) -> Result<Body, XivoError> {
    parse_json::<Body>(body).map_err(|_| unparsable())
}

/// Reads an object's properties, each value `depth` levels deep at most.
fn properties<'de, A: MapAccess<'de>>(
    mut map: A,
    depth: u8,
) -> Result<Vec<(String, Sent)>, A::Error> {
    let mut properties: Vec<(String, Sent)> = Vec::new();
    while let Some(key) = map.next_key::<String>()? {
        if properties.iter().any(|(k, _)| *k == key) {
            return Err(de::Error::custom(format!("{key} is given twice")));
        }
        let value = map.next_value_seed(SentSeed { depth })?;
        properties.push((key, value));
    }
    Ok(properties)
}

impl<'de> Deserialize<'de> for Body {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct BodyVisitor;
        impl<'de> Visitor<'de> for BodyVisitor {
            type Value = Body;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }

            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Body, A::Error> {
                Ok(Body(properties(map, 1)?))
            }
        }
        deserializer.deserialize_map(BodyVisitor)
    }
}

/// Reads a [`Sent`]; an object is read if `depth` is not 0.
#[derive(Clone, Copy)]
struct SentSeed {
    depth: u8,
}

impl<'de> DeserializeSeed<'de> for SentSeed {
    type Value = Sent;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Sent, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for SentSeed {
    type Value = Sent;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Sent, E> {
        Ok(Sent::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Sent, E> {
        Ok(Sent::Null)
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Sent, E> {
        Ok(Sent::Text(text.to_owned()))
    }

    fn visit_string<E: de::Error>(self, text: String) -> Result<Sent, E> {
        Ok(Sent::Text(text))
    }

    fn visit_i64<E: de::Error>(self, n: i64) -> Result<Sent, E> {
        Ok(Sent::Integer(n))
    }

    fn visit_u64<E: de::Error>(self, n: u64) -> Result<Sent, E> {
        Ok(i64::try_from(n).map_or(Sent::Other, Sent::Integer))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Sent, E> {
        Ok(Sent::Other)
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Sent, E> {
        Ok(Sent::Other)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Sent, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Sent::Other)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Sent, A::Error> {
        if self.depth == 0 {
            while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
            return Ok(Sent::Other);
        }
        Ok(Sent::Object(properties(map, self.depth - 1)?))
    }
}

/// The checks of a body's properties: each returns the value to store, or
/// notes why there is none. The messages: the properties the resource does
/// not have, in one message (the document's, `Incorrect parameters sent: a,
/// b`), then one `<name> must be <what>` for each value of the wrong kind,
/// then the properties missing; each in request order.
#[derive(Debug, Default)]
pub(super) struct Checks {
    unknown: Vec<String>,
    problems: Vec<String>,
    missing: Vec<String>,
    /// Every property read, known or not.
    seen: Vec<String>,
}

impl Checks {
    /// Notes that the body has property `key`; its value is `value`, or,
    /// when `None`, not what `expected` says.
    fn checked<T>(&mut self, key: &str, value: Option<T>, expected: &str) -> Option<T> {
        self.seen.push(key.to_owned());
        if value.is_none() {
            self.problems.push(format!("{key} must be {expected}"));
        }
        value
    }

    /// Whether the body has property `key`.
    pub fn named(&self, key: &str) -> bool {
        self.seen.iter().any(|k| k == key)
    }

    /// A property the resource does not have.
    pub fn unknown(&mut self, key: String) {
        self.seen.push(key.clone());
        self.unknown.push(key);
    }

    /// A required property the body does not have.
    pub fn missing(&mut self, key: &str) {
        self.missing.push(key.to_owned());
    }

    /// Text of at most [`MAX_TEXT`] characters.
    pub fn text(&mut self, key: &str, sent: Sent) -> Option<String> {
        let value = match sent {
            Sent::Text(text) if text.chars().count() <= MAX_TEXT => Some(text),
            _ => None,
        };
        let expected = format!("a string of at most {MAX_TEXT} characters");
        self.checked(key, value, &expected)
    }

    /// Text that is not blank, of at most [`MAX_TEXT`] characters.
    pub fn name(&mut self, key: &str, sent: Sent) -> Option<String> {
        let value = match sent {
            Sent::Text(text) if !text.trim().is_empty() && text.chars().count() <= MAX_TEXT => {
                Some(text)
            }
            _ => None,
        };
        let expected = format!("a non-blank string of at most {MAX_TEXT} characters");
        self.checked(key, value, &expected)
    }

    /// 0 or 1.
    pub fn flag(&mut self, key: &str, sent: Sent) -> Option<i64> {
        let value = match sent {
            Sent::Integer(flag @ (0 | 1)) => Some(flag),
            _ => None,
        };
        self.checked(key, value, "0 or 1")
    }

    /// An id (1 to 2^53 − 1), or `null` for none.
    pub fn reference(&mut self, key: &str, sent: Sent) -> Option<Option<i64>> {
        let value = match sent {
            Sent::Null => Some(None),
            Sent::Integer(id) if (1..=MAX_EXACT_INTEGER).contains(&id) => Some(Some(id)),
            _ => None,
        };
        let expected = format!("null or an integer from 1 to {MAX_EXACT_INTEGER}");
        self.checked(key, value, &expected)
    }

    /// `line`: `{"number": "<1 to MAX_TEXT characters>"}`, or `null` for none.
    pub fn line(&mut self, sent: Sent) -> Option<Option<String>> {
        let value = match sent {
            Sent::Null => Some(None),
            Sent::Object(properties) => match properties.as_slice() {
                [(key, Sent::Text(number))]
                    if key == "number" && (1..=MAX_TEXT).contains(&number.chars().count()) =>
                {
                    Some(Some(number.clone()))
                }
                _ => None,
            },
            _ => None,
        };
        let expected = format!("null or {{\"number\": \"<1 to {MAX_TEXT} characters>\"}}");
        self.checked("line", value, &expected)
    }

    /// A body's `id` on a `PUT`: the id of the URL, as a number or a string
    /// (the document's examples write ids both ways).
    pub fn same_id(&mut self, sent: &Sent, id: i64) {
        let given = match sent {
            Sent::Integer(given) => Some(*given),
            Sent::Text(given) => parse_id(given),
            _ => None,
        };
        self.checked(
            "id",
            given.filter(|given| *given == id),
            "the id of the URL",
        );
    }

    /// 400 with every message, if there is any.
    pub fn finish(self) -> Result<(), XivoError> {
        let mut messages = Vec::new();
        if !self.unknown.is_empty() {
            messages.push(format!(
                "Incorrect parameters sent: {}",
                self.unknown.join(", ")
            ));
        }
        messages.extend(self.problems);
        if !self.missing.is_empty() {
            messages.push(format!(
                "Missing parameters sent: {}",
                self.missing.join(", ")
            ));
        }
        if messages.is_empty() {
            Ok(())
        } else {
            Err(XivoError::BadRequest(messages))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn messages(result: Result<UserChanges, XivoError>) -> Vec<String> {
        match result {
            Err(XivoError::BadRequest(messages)) => messages,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn ids_are_digits_up_to_two_to_the_53_minus_one() {
        assert_eq!(parse_id("1"), Some(1));
        assert_eq!(parse_id("007"), Some(7));
        assert_eq!(parse_id("9007199254740991"), Some(MAX_EXACT_INTEGER));
        for bad in [
            "",
            "john",
            "-1",
            "+1",
            " 1",
            "1.0",
            "9007199254740992",
            "99999999999999999999",
        ] {
            assert_eq!(parse_id(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn bodies_keep_the_request_order_and_refuse_repeated_properties() {
        let Body(properties) =
            read_body(br#"{"b": 1, "a": "x", "c": null, "d": [1], "e": {"f": {"g": 1}}}"#).unwrap();
        assert_eq!(
            properties,
            vec![
                ("b".into(), Sent::Integer(1)),
                ("a".into(), Sent::Text("x".into())),
                ("c".into(), Sent::Null),
                ("d".into(), Sent::Other),
                ("e".into(), Sent::Object(vec![("f".into(), Sent::Other)])),
            ]
        );
        for bad in [
            &b""[..],
            b"[]",
            b"null",
            b"{\"a\": 1,",
            br#"{"a": 1, "a": 2}"#,
            br#"{"line": {"number": "1", "number": "2"}}"#,
        ] {
            assert!(read_body(bad).is_err(), "{}", String::from_utf8_lossy(bad));
        }
    }

    #[test]
    fn a_new_user_needs_a_firstname_and_every_problem_is_named() {
        assert_eq!(
            messages(read_user(b"{}", None)),
            ["Missing parameters sent: firstname"]
        );
        assert_eq!(
            messages(read_user(br#"{"lastname": "Doe", "nickname": "JD"}"#, None)),
            [
                "Incorrect parameters sent: nickname",
                "Missing parameters sent: firstname"
            ]
        );
        assert_eq!(
            messages(read_user(
                br#"{"zeta": 1, "enableclient": true, "alpha": 2, "voicemailid": "1", "firstname": ""}"#,
                None
            )),
            [
                "Incorrect parameters sent: zeta, alpha",
                "enableclient must be 0 or 1",
                "voicemailid must be null or an integer from 1 to 9007199254740991",
                "firstname must be a non-blank string of at most 255 characters",
            ]
        );
    }

    #[test]
    fn an_update_sets_what_it_is_given_and_null_dissociates() {
        let changes = read_user(
            br#"{"id": "67", "lastname": "Martin", "voicemailid": null, "line": {"number": "44"}}"#,
            Some(67),
        )
        .unwrap();
        assert_eq!(
            changes.columns,
            vec![
                ("lastname", SqlValue::Text("Martin".into())),
                ("voicemailid", SqlValue::Null),
                ("line_number", SqlValue::Text("44".into())),
            ]
        );
        assert_eq!(changes.voicemail, Some(None));
        assert!(changes.renames());
        assert_eq!(
            messages(read_user(br#"{"id": 68}"#, Some(67))),
            ["id must be the id of the URL"]
        );
        assert_eq!(
            messages(read_user(br#"{"line": {"number": ""}}"#, Some(67))),
            ["line must be null or {\"number\": \"<1 to 255 characters>\"}"]
        );
    }

    #[test]
    fn full_names_have_no_space_at_either_end() {
        assert_eq!(full_name("John", "Doe"), "John Doe");
        assert_eq!(full_name("John", ""), "John");
        assert_eq!(
            full_name(&"a".repeat(200), &"b".repeat(200)).len(),
            MAX_TEXT
        );
        assert!(RENAMED.contains(&format!(", 1, {MAX_TEXT})")));
    }
}
