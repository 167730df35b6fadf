//! Voicemails: `GET /1.0/voicemails/` and `PUT /1.0/voicemails/<id>` (each
//! also with or without its trailing slash). Bodies are read as users' are
//! (`body.rs`).

use axum::body::Bytes;
use axum::extract::rejection::PathRejection;
use axum::extract::Path;
use axum::response::Response;
use axum::routing::{get, put};
use axum::Router;
use http::{StatusCode, Uri};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::body::{path_id, read_body, Body, Checks, Empty, Objects};
use super::listing::{self, Filter};
use super::users::{located, read_list};
use super::XivoError;
use crate::http::{decode_records, AppState, Ctx};
use crate::ports::{SqlValue, Statement};

/// The tables this resource fills, emptied before a provider state loads.
pub const TABLES: &[&str] = &["xivo_voicemails"];

/// The routes of this resource, with and without their trailing slash.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/1.0/voicemails/", get(list))
        .route("/1.0/voicemails", get(list))
        .route("/1.0/voicemails/{id}", put(update))
        .route("/1.0/voicemails/{id}/", put(update))
}

/// The statements that store a provider state's records of this resource.
pub fn dataset(resource: &str, items: &Value) -> Result<Vec<Statement>, String> {
    Ok(decode_records::<Voicemail>(resource, items)?
        .iter()
        .map(insert)
        .collect())
}

/// A voicemail, with the properties and order of the document.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Voicemail {
    pub id: i64,
    pub email: String,
    pub fullname: String,
    pub mailbox: String,
    pub password: String,
    pub attach: i64,
    pub skipcheckpass: i64,
    pub deleteaftersend: i64,
}

/// A voicemail's columns, in the order of [`Voicemail`].
const COLUMNS: &str = "id, email, fullname, mailbox, password, attach, skipcheckpass, \
     deleteaftersend";

/// The statement that stores `voicemail` (a provider state's record).
fn insert(voicemail: &Voicemail) -> Statement {
    Statement::new(format!(
        "INSERT INTO xivo_voicemails ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
    ))
    .bind(voicemail.id)
    .bind(voicemail.email.as_str())
    .bind(voicemail.fullname.as_str())
    .bind(voicemail.mailbox.as_str())
    .bind(voicemail.password.as_str())
    .bind(voicemail.attach)
    .bind(voicemail.skipcheckpass)
    .bind(voicemail.deleteaftersend)
}

/// The list's equality filters: every property.
const FILTERS: &[Filter] = &[
    Filter::new("id", "id"),
    Filter::new("email", "email"),
    Filter::new("fullname", "fullname"),
    Filter::new("mailbox", "mailbox"),
    Filter::new("password", "password"),
    Filter::new("attach", "attach"),
    Filter::new("skipcheckpass", "skipcheckpass"),
    Filter::new("deleteaftersend", "deleteaftersend"),
];

/// `GET /1.0/voicemails/`: `{"total", "items"}`, every voicemail in id
/// order, with the equality filters of [`FILTERS`] and `_page`/`_pagesize`
/// paging. One D1 round trip.
pub async fn list(ctx: Ctx, uri: Uri) -> Result<Response, XivoError> {
    let (total, voicemails) =
        read_list::<Voicemail>(&ctx, &uri, "xivo_voicemails", COLUMNS, FILTERS).await?;
    listing::answer(total, &voicemails)
}

/// The voicemail properties that are text.
const TEXT: [&str; 4] = ["email", "fullname", "mailbox", "password"];

/// The voicemail properties that are 0 or 1.
const FLAGS: [&str; 3] = ["attach", "skipcheckpass", "deleteaftersend"];

/// Reads a voicemail update of voicemail `id`: the column and value of each
/// property given, in request order.
fn read_voicemail(body: &[u8], id: i64) -> Result<Vec<(&'static str, SqlValue)>, XivoError> {
    let Body(properties) = read_body(body, Empty::Refused, Objects::Read)?;
    let mut checks = Checks::default();
    let mut columns: Vec<(&'static str, SqlValue)> = Vec::new();
    for (key, sent) in properties {
        if key == "id" {
            checks.same_id(&sent, id);
        } else if let Some(column) = TEXT.iter().copied().find(|c| *c == key) {
            if let Some(text) = checks.text(&key, sent) {
                columns.push((column, text.into()));
            }
        } else if let Some(column) = FLAGS.iter().copied().find(|c| *c == key) {
            if let Some(flag) = checks.flag(&key, sent) {
                columns.push((column, flag.into()));
            }
        } else {
            checks.unknown(key);
        }
    }
    checks.finish()?;
    Ok(columns)
}

/// `PUT /1.0/voicemails/<id>`: changes the properties given, 200 with
/// `Location: /1.0/voicemails/<id>` and an empty body; 404 with an empty
/// body for an unknown voicemail. One statement (`UPDATE … RETURNING id`).
pub async fn update(
    ctx: Ctx,
    path: Result<Path<String>, PathRejection>,
    body: Bytes,
) -> Result<Response, XivoError> {
    let id = path_id(path)?;
    let columns = read_voicemail(&body, id)?;
    let sets = if columns.is_empty() {
        "id = id".to_owned()
    } else {
        columns
            .iter()
            .map(|(column, _)| format!("{column} = ?"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let statement = Statement::new(format!(
        "UPDATE xivo_voicemails SET {sets} WHERE id = ? RETURNING id"
    ))
    .bind_all(columns.into_iter().map(|(_, value)| value))
    .bind(id);
    let result = ctx.db.all(statement).await?;
    if result.rows.is_empty() {
        return Err(XivoError::NotFound);
    }
    Ok(located(StatusCode::OK, format!("/1.0/voicemails/{id}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_update_takes_the_voicemail_properties_only() {
        let columns = read_voicemail(
            br#"{"password": "7895", "attach": 0, "id": 37, "email": "x@y.z"}"#,
            37,
        )
        .unwrap();
        assert_eq!(
            columns,
            vec![
                ("password", SqlValue::Text("7895".into())),
                ("attach", SqlValue::Integer(0)),
                ("email", SqlValue::Text("x@y.z".into())),
            ]
        );
        match read_voicemail(
            br#"{"pin": 1, "attach": 2, "greeting": "busy", "fullname": 3}"#,
            37,
        ) {
            Err(XivoError::BadRequest(messages)) => assert_eq!(
                messages,
                [
                    "Incorrect parameters sent: pin, greeting",
                    "attach must be 0 or 1",
                    "fullname must be a string of at most 255 characters",
                ]
            ),
            other => panic!("{other:?}"),
        }
    }
}
