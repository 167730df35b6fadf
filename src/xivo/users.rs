//! Users: `GET` and `POST /1.0/users/`, `GET`, `PUT` and `DELETE
//! /1.0/users/<id>` (each also with or without its trailing slash). Bodies
//! and ids are read by `body.rs`.

use axum::body::Bytes;
use axum::extract::rejection::PathRejection;
use axum::extract::Path;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use http::header::LOCATION;
use http::{StatusCode, Uri};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::body::{path_id, read_body, Body, Checks, Empty, Objects, MAX_TEXT};
use super::listing::{self, Filter};
use super::XivoError;
use crate::http::{decode_records, query_pairs, AppState, Ctx};
use crate::ports::{QueryResult, SqlValue, Statement};

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
/// the request asks: one D1 round trip (with a page, the count and the page
/// in one batch; without, the rows count themselves).
pub(super) async fn read_list<T: serde::de::DeserializeOwned>(
    ctx: &Ctx,
    uri: &Uri,
    table: &str,
    columns: &str,
    filters: &[Filter],
) -> Result<(i64, Vec<T>), XivoError> {
    let listing = listing::read(uri, filters, &[])?;
    let (limit, limit_binds) = listing.limit();
    if listing.page.is_none() {
        // A whole list counts itself: no COUNT(*) to read every row again.
        let items = ctx
            .db
            .all(
                Statement::new(format!(
                    "SELECT {columns} FROM {table} WHERE 1 = 1{} ORDER BY id",
                    listing.conditions
                ))
                .bind_all(listing.binds),
            )
            .await?
            .decode::<T>()?;
        return Ok((i64::try_from(items.len()).unwrap_or(i64::MAX), items));
    }
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
    let Body(properties) = read_body(body, Empty::Refused, Objects::Read)?;
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
