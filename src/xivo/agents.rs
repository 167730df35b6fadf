//! Agents: `GET /1.0/CallCenter/agents/`.

use axum::response::Response;
use serde::{Deserialize, Serialize};

use super::XivoError;
use crate::http::Ctx;
use crate::ports::Statement;

/// An agent, with the fields and order of the document.
#[derive(Debug, Serialize, Deserialize)]
pub struct Agent {
    pub id: i64,
    pub autologoff: i64,
    pub group: Option<String>,
    pub language: String,
    pub firstname: String,
    pub passwd: String,
    pub lastname: String,
    pub number: String,
    pub context: String,
    pub numgroup: i64,
    pub preprocess_subroutine: Option<String>,
    pub description: String,
}

/// `GET /1.0/CallCenter/agents/`: every agent, a bare array sorted by number
/// (compared as strings, as the original did).
pub async fn list(ctx: Ctx) -> Result<Response, XivoError> {
    let agents: Vec<Agent> = ctx
        .db
        .all(Statement::new(
            "SELECT id, autologoff, \"group\", language, firstname, passwd, lastname, number, \
             context, numgroup, preprocess_subroutine, description \
             FROM xivo_agents ORDER BY number, id",
        ))
        .await?
        .decode()?;
    super::json(&agents)
}

/// The statement that stores `agent` (a provider state's record).
pub fn insert(agent: &Agent) -> Statement {
    Statement::new(
        "INSERT INTO xivo_agents (id, autologoff, \"group\", language, firstname, passwd, \
         lastname, number, context, numgroup, preprocess_subroutine, description) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(agent.id)
    .bind(agent.autologoff)
    .bind(agent.group.clone())
    .bind(agent.language.clone())
    .bind(agent.firstname.clone())
    .bind(agent.passwd.clone())
    .bind(agent.lastname.clone())
    .bind(agent.number.clone())
    .bind(agent.context.clone())
    .bind(agent.numgroup)
    .bind(agent.preprocess_subroutine.clone())
    .bind(agent.description.clone())
}
