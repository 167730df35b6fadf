//! Notes: `POST /calls/:id/note`. A note is a row of `aircall_notes`, so
//! notes added at the same moment are all kept; a call holds a bounded number
//! of them, checked by the very statement that inserts one.

use axum::extract::rejection::PathRejection;
use axum::extract::Path;
use axum::response::Response;
use bytes::Bytes;
use http::{HeaderMap, StatusCode};
use serde::Deserialize;

use super::calls::{call_id, select_call, the_call};
use super::tokens::AccessToken;
use super::{pusher, text_field, AircallError};
use crate::http::{parse, Ctx, TextField};
use crate::ports::Statement;

/// The longest note accepted, in characters.
pub const MAX_CONTENT: usize = 1000;
/// The most notes a call holds.
pub const MAX_NOTES: i64 = 100;
/// The most bytes (UTF-8) the notes of one call hold together.
pub const MAX_NOTES_BYTES: i64 = 64 * 1024;

/// The body of a note.
#[derive(Default, Deserialize)]
#[serde(default)]
struct NoteBody {
    content: TextField,
}

/// Control characters have no place in a note: they hide text in logs and
/// terminals, and cost six bytes each in JSON. Tabs and line breaks are text.
fn has_control_characters(text: &str) -> bool {
    text.chars()
        .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
}

/// `POST /calls/:id/note` with `{"content": String}`: adds the note (a new
/// UUID) before the call's others and returns the call (201); then publishes
/// `update-call`. The insert and the read-back are one round trip; an unknown
/// call is 404, a call that holds [`MAX_NOTES`] notes or would hold over
/// [`MAX_NOTES_BYTES`] is 409, and neither writes anything.
pub async fn add(
    _: AccessToken,
    ctx: Ctx,
    path: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AircallError> {
    // The body is checked before the call, as NestJS runs its validation
    // pipe before the handler looks the call up.
    let body: NoteBody = parse(&headers, &body)?;
    let mut messages = Vec::new();
    let Some(content) = text_field(body.content, "content", MAX_CONTENT, &mut messages) else {
        return Err(AircallError::Invalid(messages));
    };
    if has_control_characters(&content) {
        return Err(AircallError::Invalid(vec![
            "content must not contain control characters".into(),
        ]));
    }
    let id = call_id(path)?;
    let note_id = ctx.ids.uuid().to_string();
    let bytes = i64::try_from(content.len()).unwrap_or(i64::MAX);
    let created_at = ctx
        .clock
        .now()
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let results = ctx
        .db
        .batch(vec![
            // Inserts only when the call exists and has room: the limits are
            // checked by the INSERT itself, so notes added in parallel (D1
            // runs writes one at a time) cannot overshoot them.
            Statement::new(
                "INSERT INTO aircall_notes (id, call_id, content, created_at) \
                 SELECT ?, c.id, ?, ? FROM aircall_calls AS c \
                 WHERE c.id = ? AND (\
                   SELECT COUNT(*) < ? AND COALESCE(SUM(length(CAST(content AS BLOB))), 0) + ? <= ? \
                   FROM aircall_notes WHERE call_id = c.id) \
                 RETURNING id",
            )
            .bind(note_id)
            .bind(content)
            .bind(created_at)
            .bind(id.as_str())
            .bind(MAX_NOTES)
            .bind(bytes)
            .bind(MAX_NOTES_BYTES),
            select_call(&id),
        ])
        .await?;
    let mut results = results.into_iter();
    let added = results.next().is_some_and(|r| !r.rows.is_empty());
    let call = the_call(results.next())?;
    if !added {
        return Err(AircallError::Message(
            StatusCode::CONFLICT,
            format!(
                "The call already holds its most notes ({MAX_NOTES} notes, \
                 {MAX_NOTES_BYTES} bytes in all)"
            ),
        ));
    }
    pusher::publish_update(&ctx, &call);
    Ok(super::json(StatusCode::CREATED, &call))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_refused_but_tabs_and_line_breaks_are_text() {
        for bad in [
            "a\0b",
            "\u{1b}[31mred",
            "bell\u{7}",
            "del\u{7f}",
            "c1\u{85}",
        ] {
            assert!(has_control_characters(bad), "{bad:?}");
        }
        for good in ["plain", "two\nlines", "tab\there", "crlf\r\n", "émoji 📞"] {
            assert!(!has_control_characters(good), "{good:?}");
        }
    }
}
