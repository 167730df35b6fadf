//! Queues: `GET /1.0/CallCenter/queues/` (and the document's `POST` example).

use axum::response::Response;
use serde::{Deserialize, Serialize};

use super::XivoError;
use crate::http::Ctx;
use crate::ports::Statement;

/// A queue, with the fields and order of the document.
#[derive(Debug, Serialize, Deserialize)]
pub struct Queue {
    pub id: i64,
    pub name: String,
    pub displayname: String,
    pub number: String,
    pub context: String,
    pub data_quality: i64,
    pub hitting_callee: i64,
    pub hitting_caller: i64,
    pub retries: i64,
    pub ring: i64,
    pub transfer_user: i64,
    pub transfer_call: i64,
    pub write_caller: i64,
    pub write_calling: i64,
    pub url: String,
    pub announceoverride: String,
    pub timeout: i64,
    pub preprocess_subroutine: Option<String>,
    pub announce_holdtime: i64,
    pub waittime: i64,
    pub waitratio: i64,
}

/// `GET /1.0/CallCenter/queues/`: every queue, a bare array sorted by number
/// (compared as strings). Also answers the document's `POST` example.
pub async fn list(ctx: Ctx) -> Result<Response, XivoError> {
    let queues: Vec<Queue> = ctx
        .db
        .all(Statement::new(
            "SELECT id, name, displayname, number, context, data_quality, hitting_callee, \
             hitting_caller, retries, ring, transfer_user, transfer_call, write_caller, \
             write_calling, url, announceoverride, timeout, preprocess_subroutine, \
             announce_holdtime, waittime, waitratio \
             FROM xivo_queues ORDER BY number, id",
        ))
        .await?
        .decode()?;
    super::json(&queues)
}

/// The statement that stores `queue` (a provider state's record).
pub fn insert(queue: &Queue) -> Statement {
    Statement::new(
        "INSERT INTO xivo_queues (id, name, displayname, number, context, data_quality, \
         hitting_callee, hitting_caller, retries, ring, transfer_user, transfer_call, \
         write_caller, write_calling, url, announceoverride, timeout, preprocess_subroutine, \
         announce_holdtime, waittime, waitratio) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(queue.id)
    .bind(queue.name.clone())
    .bind(queue.displayname.clone())
    .bind(queue.number.clone())
    .bind(queue.context.clone())
    .bind(queue.data_quality)
    .bind(queue.hitting_callee)
    .bind(queue.hitting_caller)
    .bind(queue.retries)
    .bind(queue.ring)
    .bind(queue.transfer_user)
    .bind(queue.transfer_call)
    .bind(queue.write_caller)
    .bind(queue.write_calling)
    .bind(queue.url.clone())
    .bind(queue.announceoverride.clone())
    .bind(queue.timeout)
    .bind(queue.preprocess_subroutine.clone())
    .bind(queue.announce_holdtime)
    .bind(queue.waittime)
    .bind(queue.waitratio)
}
