//! XiVO provider states for the conformance harness: agents and queues
//! replaced by a dataset's records.

use serde_json::{Map, Value};

use super::agents::{self, Agent};
use super::queues::{self, Queue};
use crate::http::decode_records;
use crate::ports::Statement;

/// The statements that replace every agent and queue by `records`.
pub fn statements(records: &Map<String, Value>) -> Result<Vec<Statement>, String> {
    let mut statements = vec![
        Statement::new("DELETE FROM xivo_agents"),
        Statement::new("DELETE FROM xivo_queues"),
    ];
    for (resource, items) in records {
        match resource.as_str() {
            "agents" => statements.extend(
                decode_records::<Agent>(resource, items)?
                    .iter()
                    .map(agents::insert),
            ),
            "queues" => statements.extend(
                decode_records::<Queue>(resource, items)?
                    .iter()
                    .map(queues::insert),
            ),
            other => {
                return Err(format!(
                    "XiVO datasets hold agents and queues, not {other:?}"
                ))
            }
        }
    }
    Ok(statements)
}
