//! Aircall provider states for the conformance harness: calls and their notes
//! replaced by a dataset's records (users and spent refresh tokens are kept).

use serde_json::{Map, Value};

use super::calls::Call;
use crate::http::decode_records;
use crate::ports::Statement;

/// The statements that replace every call and note by `records`.
pub fn statements(records: &Map<String, Value>) -> Result<Vec<Statement>, String> {
    let mut statements = vec![
        Statement::new("DELETE FROM aircall_notes"),
        Statement::new("DELETE FROM aircall_calls"),
    ];
    for (resource, items) in records {
        if resource != "calls" {
            return Err(format!("Aircall datasets hold calls, not {resource:?}"));
        }
        for call in decode_records::<Call>(resource, items)? {
            statements.push(
                Statement::new(
                    "INSERT INTO aircall_calls (id, direction, \"from\", \"to\", duration, \
                     is_archived, call_type, via, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                )
                .bind(call.id.clone())
                .bind(call.direction)
                .bind(call.from)
                .bind(call.to)
                .bind(call.duration)
                .bind(call.is_archived)
                .bind(call.call_type)
                .bind(call.via)
                .bind(call.created_at.clone()),
            );
            // A call lists its notes newest first; the newest gets the highest seq.
            for note in call.notes.iter().rev() {
                statements.push(
                    Statement::new(
                        "INSERT INTO aircall_notes (id, call_id, content, created_at) VALUES (?, ?, ?, ?)",
                    )
                    .bind(note.id.clone())
                    .bind(call.id.clone())
                    .bind(note.content.clone())
                    .bind(call.created_at.clone()),
                );
            }
        }
    }
    Ok(statements)
}
