//! XiVO provider states for the conformance harness: every XiVO table
//! emptied, then filled with a dataset's records (`agents`, `queues`,
//! `voicemails`, `users`, `recording_campaigns`, `recordings`), each
//! resource writing its own.

use serde_json::{Map, Value};

use super::agents::{self, Agent};
use super::queues::{self, Queue};
use super::{recording_campaigns, recordings, users, voicemails};
use crate::http::decode_records;
use crate::ports::Statement;

/// How a resource's records are written.
type Writer = fn(&str, &Value) -> Result<Vec<Statement>, String>;

fn write_agents(resource: &str, items: &Value) -> Result<Vec<Statement>, String> {
    Ok(decode_records::<Agent>(resource, items)?
        .iter()
        .map(agents::insert)
        .collect())
}

fn write_queues(resource: &str, items: &Value) -> Result<Vec<Statement>, String> {
    Ok(decode_records::<Queue>(resource, items)?
        .iter()
        .map(queues::insert)
        .collect())
}

/// The resources, those that point to others first: tables are emptied in
/// this order, and filled in the reverse one.
const RESOURCES: [(&str, &[&str], Writer); 6] = [
    ("recordings", recordings::TABLES, recordings::dataset),
    (
        "recording_campaigns",
        recording_campaigns::TABLES,
        recording_campaigns::dataset,
    ),
    ("users", users::TABLES, users::dataset),
    ("voicemails", voicemails::TABLES, voicemails::dataset),
    ("agents", &["xivo_agents"], write_agents),
    ("queues", &["xivo_queues"], write_queues),
];

/// The statements that replace every XiVO table's rows by `records`.
pub fn statements(records: &Map<String, Value>) -> Result<Vec<Statement>, String> {
    if let Some(other) = records
        .keys()
        .find(|k| !RESOURCES.iter().any(|(name, _, _)| name == k))
    {
        let names: Vec<&str> = RESOURCES.iter().rev().map(|(name, _, _)| *name).collect();
        return Err(format!(
            "XiVO datasets hold {}, not {other:?}",
            names.join(", ")
        ));
    }
    let mut statements: Vec<Statement> = RESOURCES
        .iter()
        .flat_map(|(_, tables, _)| tables.iter())
        .map(|table| Statement::new(format!("DELETE FROM {table}")))
        .collect();
    // Ids are never reused within one state (AUTOINCREMENT), but a new
    // state starts over: ids created after it continue above its highest.
    statements.push(Statement::new(
        "DELETE FROM sqlite_sequence WHERE name LIKE 'xivo\\_%' ESCAPE '\\'",
    ));
    for (name, _, write) in RESOURCES.iter().rev() {
        if let Some(items) = records.get(*name) {
            statements.extend(write(name, items)?);
        }
    }
    Ok(statements)
}
