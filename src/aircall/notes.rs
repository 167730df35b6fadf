//! Notes: `POST /calls/:id/note`. A note is a row of `aircall_notes`, so
//! notes added at the same moment are all kept.

use axum::extract::rejection::PathRejection;
use axum::extract::Path;
use axum::response::Response;
use bytes::Bytes;
use http::{HeaderMap, StatusCode};

use super::calls::{call_id, select_call, the_call};
use super::tokens::AccessToken;
use super::{pusher, text_field, AircallError};
use crate::http::{fields, Ctx};
use crate::ports::Statement;

/// The longest note accepted, in characters.
pub const MAX_CONTENT: usize = 1000;

/// `POST /calls/:id/note` with `{"content": String}`: adds the note (a new
/// UUID) before the call's others and returns the call (201); then publishes
/// `update-call`. The insert and the read-back are one round trip; an unknown
/// call is 404 and nothing is written.
pub async fn add(
    _: AccessToken,
    ctx: Ctx,
    path: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AircallError> {
    // The body is checked before the call, as NestJS runs its validation
    // pipe before the handler looks the call up.
    let fields = fields(&headers, &body)?;
    let mut messages = Vec::new();
    let Some(content) = text_field(&fields, "content", MAX_CONTENT, &mut messages) else {
        return Err(AircallError::Invalid(messages));
    };
    let id = call_id(path)?;
    let note_id = ctx.ids.uuid().to_string();
    let created_at = ctx
        .clock
        .now()
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let results = ctx
        .db
        .batch(vec![
            // Inserts only when the call exists.
            Statement::new(
                "INSERT INTO aircall_notes (id, call_id, content, created_at) \
                 SELECT ?, id, ?, ? FROM aircall_calls WHERE id = ?",
            )
            .bind(note_id)
            .bind(content)
            .bind(created_at)
            .bind(id.as_str()),
            select_call(&id),
        ])
        .await?;
    let call = the_call(results.into_iter().nth(1))?;
    pusher::publish_update(&ctx, &call);
    Ok(super::json(StatusCode::CREATED, &call))
}
