//! Call Power provider states for the conformance harness: every campaign,
//! target, session, call, audio recording and schedule replaced by a
//! dataset's records (`campaigns`, `targets`, `sessions`, `calls`,
//! `audiorecordings`, `schedules`), checked as the import checks its lines,
//! references included.

use std::collections::HashSet;

use serde_json::{Map, Value};

use super::records::{self, check_all, AudioRecording, Call, Campaign, Schedule, Session, Target};
use crate::http::{decode_records, Ctx};
use crate::ports::{PlatformError, Statement};

const RESOURCES: [&str; 6] = [
    "campaigns",
    "targets",
    "sessions",
    "calls",
    "audiorecordings",
    "schedules",
];

/// Every id of `items` once, or the one met twice.
fn unique<T>(resource: &str, items: &[T], id: impl Fn(&T) -> i64) -> Result<HashSet<i64>, String> {
    let mut seen = HashSet::new();
    for item in items {
        if !seen.insert(id(item)) {
            return Err(format!("{resource}: id {} is given twice", id(item)));
        }
    }
    Ok(seen)
}

fn known(set: &HashSet<i64>, id: Option<i64>, what: &str) -> Result<(), String> {
    match id {
        Some(id) if !set.contains(&id) => Err(format!("{what} {id} is not in the dataset")),
        _ => Ok(()),
    }
}

/// The statements that replace Call Power's data with `records`, in one
/// batch.
pub fn statements(records: &Map<String, Value>) -> Result<Vec<Statement>, String> {
    if let Some(other) = records.keys().find(|k| !RESOURCES.contains(&k.as_str())) {
        return Err(format!(
            "Call Power datasets hold {}, not {other:?}",
            RESOURCES.join(", ")
        ));
    }
    let empty = Value::Array(Vec::new());
    let of = |name: &str| records.get(name).unwrap_or(&empty);
    let mut campaigns = decode_records::<Campaign>("campaigns", of("campaigns"))?;
    let mut targets = decode_records::<Target>("targets", of("targets"))?;
    let mut sessions = decode_records::<Session>("sessions", of("sessions"))?;
    let mut calls = decode_records::<Call>("calls", of("calls"))?;
    let mut audio = decode_records::<AudioRecording>("audiorecordings", of("audiorecordings"))?;
    let mut schedules = decode_records::<Schedule>("schedules", of("schedules"))?;
    check_all("campaigns", &mut campaigns, Campaign::check)?;
    check_all("targets", &mut targets, Target::check)?;
    check_all("sessions", &mut sessions, Session::check)?;
    check_all("calls", &mut calls, Call::check)?;
    check_all("audiorecordings", &mut audio, AudioRecording::check)?;
    check_all("schedules", &mut schedules, Schedule::check)?;

    let campaign_ids = unique("campaigns", &campaigns, |c| c.id)?;
    let target_ids = unique("targets", &targets, |t| t.id)?;
    let session_ids = unique("sessions", &sessions, |s| s.id)?;
    unique("audiorecordings", &audio, |a| a.id)?;
    unique("schedules", &schedules, |s| s.id)?;
    for (i, session) in sessions.iter().enumerate() {
        known(&campaign_ids, Some(session.campaign_id), "campaign")
            .map_err(|e| format!("sessions[{i}]: {e}"))?;
    }
    let mut call_ids = HashSet::new();
    for (i, call) in calls.iter().enumerate() {
        let place = |e: String| format!("calls[{i}]: {e}");
        let id = call
            .id
            .ok_or_else(|| place("id is required in a dataset".into()))?;
        if !call_ids.insert(id) {
            return Err(place(format!("id {id} is given twice")));
        }
        known(&campaign_ids, Some(call.campaign_id), "campaign").map_err(place)?;
        known(&target_ids, call.target_id, "target").map_err(place)?;
        known(&session_ids, call.session_id, "session").map_err(place)?;
    }
    // A campaign selects one recording per key: its audio_msgs.
    let mut selected = HashSet::new();
    for (i, recording) in audio.iter().enumerate() {
        for campaign in &recording.selected_campaign_ids {
            let place = |e: String| format!("audiorecordings[{i}]: {e}");
            known(&campaign_ids, Some(*campaign), "campaign").map_err(place)?;
            if !selected.insert((*campaign, recording.key.as_str())) {
                return Err(place(format!(
                    "campaign {campaign} already selected a recording of key {:?}",
                    recording.key
                )));
            }
        }
    }
    for (i, schedule) in schedules.iter().enumerate() {
        known(&campaign_ids, Some(schedule.campaign_id), "campaign")
            .map_err(|e| format!("schedules[{i}]: {e}"))?;
    }

    // Children first, for the foreign keys.
    let mut statements: Vec<Statement> = [
        "callpower_schedules",
        "callpower_campaign_audio",
        "callpower_audiorecordings",
        "callpower_calls",
        "callpower_sessions",
        "callpower_targets",
        "callpower_campaigns",
    ]
    .iter()
    .map(|table| Statement::new(format!("DELETE FROM {table}")))
    .collect();
    statements.extend(records::write_campaigns(&campaigns));
    statements.extend(records::write_targets(&targets));
    statements.extend(records::write_sessions(&sessions));
    statements.extend(records::write_calls(&calls));
    statements.extend(records::write_audio(&audio));
    statements.extend(records::write_schedules(&schedules));
    Ok(statements)
}

#[derive(serde::Deserialize)]
struct Id {
    id: i64,
}

/// The ids of every campaign stored now.
pub async fn campaign_ids(ctx: &Ctx) -> Result<Vec<i64>, PlatformError> {
    Ok(ctx
        .db
        .all(Statement::new("SELECT id FROM callpower_campaigns"))
        .await?
        .decode::<Id>()?
        .into_iter()
        .map(|row| row.id)
        .collect())
}
