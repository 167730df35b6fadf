//! The records Call Power's data is written from, by the import and by the
//! conformance datasets alike: campaigns, targets, sessions, calls, audio
//! recordings and schedules, each read strictly (unknown fields, wrong types
//! and values outside the original's choices are refused with the reason)
//! and written with statements that take a whole chunk of records as one
//! bound JSON array (`json_each`), so a chunk costs one bound value whatever
//! its size.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::period;
use crate::http::is_e164;
use crate::ports::{Statement, MAX_EXACT_INTEGER};

pub const CAMPAIGN_TYPES: [&str; 5] = ["executive", "congress", "state", "local", "custom"];
pub const TARGET_ORDERINGS: [&str; 4] = ["in-order", "shuffle", "upper-first", "lower-first"];
pub const CAMPAIGN_STATUSES: [&str; 3] = ["archived", "paused", "live"];
/// Every status Twilio gives a call, as the original stores them.
pub const CALL_STATUSES: [&str; 9] = [
    "completed",
    "no-answer",
    "canceled",
    "failed",
    "busy",
    "queued",
    "ringing",
    "in-progress",
    "unknown",
];
pub const SESSION_STATUSES: [&str; 3] = ["initiated", "completed", "canceled"];
/// Records per statement.
pub const CHUNK: usize = 500;
/// The longest text a field takes.
pub const MAX_TEXT: usize = 1000;

/// The subtypes a campaign type takes (none: the subtype must be absent).
fn subtypes(kind: &str) -> &'static [&'static str] {
    match kind {
        "executive" => &["exec", "office"],
        "congress" => &["both", "upper", "lower"],
        "state" => &["exec", "both", "upper", "lower"],
        _ => &[],
    }
}

fn id(value: i64, name: &str) -> Result<i64, String> {
    if (1..=MAX_EXACT_INTEGER).contains(&value) {
        Ok(value)
    } else {
        Err(format!("{name} must be a positive integer up to 2^53"))
    }
}

fn one_of(value: &str, name: &str, choices: &[&str]) -> Result<(), String> {
    if choices.contains(&value) {
        Ok(())
    } else {
        Err(format!("{name} must be one of {}", choices.join(", ")))
    }
}

fn text(value: &str, name: &str) -> Result<(), String> {
    if value.trim().is_empty() {
        Err(format!("{name} must not be empty"))
    } else if value.chars().count() > MAX_TEXT {
        Err(format!("{name} must be at most {MAX_TEXT} characters"))
    } else if value.chars().any(char::is_control) {
        Err(format!("{name} must not hold control characters"))
    } else {
        Ok(())
    }
}

fn optional_text(value: Option<&str>, name: &str) -> Result<(), String> {
    value.map_or(Ok(()), |v| text(v, name))
}

fn timestamp(value: &str, name: &str) -> Result<String, String> {
    period::parse(value)
        .map(|at| at.stored())
        .ok_or_else(|| format!("{name} must be an ISO 8601 date and time"))
}

fn country(value: &str, name: &str) -> Result<(), String> {
    if value.len() == 2 && value.bytes().all(|b| b.is_ascii_uppercase()) {
        Ok(())
    } else {
        Err(format!("{name} must be two capital letters"))
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RequiredFields {
    #[serde(rename = "userCountry", default = "us")]
    user_country: String,
    #[serde(rename = "userLocation", default = "postal")]
    user_location: String,
}

fn us() -> String {
    "US".into()
}

fn postal() -> String {
    "postal".into()
}

fn in_order() -> String {
    "in-order".into()
}

fn paused() -> String {
    "paused".into()
}

impl Default for RequiredFields {
    fn default() -> Self {
        Self {
            user_country: us(),
            user_location: postal(),
        }
    }
}

/// A campaign. Its `audio_msgs` are not written: they are the recordings the
/// campaign selected (`selected_campaign_ids` of an audio recording).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Campaign {
    pub id: i64,
    name: String,
    #[serde(default = "us")]
    campaign_country: String,
    #[serde(default)]
    campaign_state: Option<String>,
    campaign_type: String,
    #[serde(default)]
    campaign_subtype: Option<String>,
    #[serde(default = "in_order")]
    target_ordering: String,
    #[serde(default = "paused")]
    status: String,
    #[serde(default)]
    phone_numbers: Vec<String>,
    #[serde(default)]
    required_fields: RequiredFields,
    #[serde(default)]
    allow_call_in: bool,
    #[serde(default)]
    call_maximum: Option<i64>,
    #[serde(default)]
    embed: Map<String, Value>,
}

impl Campaign {
    pub fn check(&mut self) -> Result<(), String> {
        id(self.id, "id")?;
        text(&self.name, "name")?;
        country(&self.campaign_country, "campaign_country")?;
        if let Some(state) = &self.campaign_state {
            country(state, "campaign_state")?;
        }
        one_of(&self.campaign_type, "campaign_type", &CAMPAIGN_TYPES)?;
        let allowed = subtypes(&self.campaign_type);
        match &self.campaign_subtype {
            Some(subtype) if allowed.is_empty() => {
                return Err(format!(
                    "campaign_subtype {subtype:?}: a {} campaign has none",
                    self.campaign_type
                ))
            }
            Some(subtype) => one_of(subtype, "campaign_subtype", allowed)?,
            None => {}
        }
        one_of(&self.target_ordering, "target_ordering", &TARGET_ORDERINGS)?;
        one_of(&self.status, "status", &CAMPAIGN_STATUSES)?;
        if let Some(bad) = self.phone_numbers.iter().find(|p| !is_e164(p)) {
            return Err(format!("phone_numbers: {bad:?} is not E.164"));
        }
        country(
            &self.required_fields.user_country,
            "required_fields.userCountry",
        )?;
        one_of(
            &self.required_fields.user_location,
            "required_fields.userLocation",
            &["postal", "latlon"],
        )?;
        if self
            .call_maximum
            .is_some_and(|n| !(0..=MAX_EXACT_INTEGER).contains(&n))
        {
            return Err("call_maximum must be a whole number from 0".into());
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Target {
    pub id: i64,
    name: String,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    phone_number: Option<String>,
    #[serde(default)]
    uid: Option<String>,
    #[serde(default)]
    district: Option<String>,
}

impl Target {
    pub fn check(&mut self) -> Result<(), String> {
        id(self.id, "id")?;
        text(&self.name, "name")?;
        optional_text(self.title.as_deref(), "title")?;
        optional_text(self.uid.as_deref(), "uid")?;
        optional_text(self.district.as_deref(), "district")?;
        match &self.phone_number {
            Some(phone) if !is_e164(phone) => Err(format!("phone_number {phone:?} is not E.164")),
            _ => Ok(()),
        }
    }
}

/// A caller's visit: its calls share its referral code.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Session {
    pub id: i64,
    pub campaign_id: i64,
    timestamp: String,
    #[serde(default = "initiated")]
    status: String,
    #[serde(default)]
    queue_delay: Option<f64>,
    #[serde(default)]
    referral_code: Option<String>,
}

fn initiated() -> String {
    "initiated".into()
}

impl Session {
    pub fn check(&mut self) -> Result<(), String> {
        id(self.id, "id")?;
        id(self.campaign_id, "campaign_id")?;
        self.timestamp = timestamp(&self.timestamp, "timestamp")?;
        one_of(&self.status, "status", &SESSION_STATUSES)?;
        if self.queue_delay.is_some_and(|d| !(0.0..=1e9).contains(&d)) {
            return Err("queue_delay must be a number of seconds from 0".into());
        }
        optional_text(self.referral_code.as_deref(), "referral_code")
    }
}

/// One call to one target. `id` is the database's: datasets give it, the
/// import does not (a call is known by Twilio's `call_id`).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Call {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    pub call_id: String,
    timestamp: String,
    pub campaign_id: i64,
    #[serde(default)]
    pub target_id: Option<i64>,
    #[serde(default)]
    pub session_id: Option<i64>,
    status: String,
    #[serde(default)]
    duration: Option<i64>,
}

impl Call {
    pub fn check(&mut self) -> Result<(), String> {
        if let Some(value) = self.id {
            id(value, "id")?;
        }
        if self.call_id.is_empty()
            || self.call_id.len() > 64
            || !self.call_id.bytes().all(|b| b.is_ascii_alphanumeric())
        {
            return Err("call_id must be 1 to 64 letters and digits (Twilio's call SID)".into());
        }
        self.timestamp = timestamp(&self.timestamp, "timestamp")?;
        id(self.campaign_id, "campaign_id")?;
        if let Some(target) = self.target_id {
            id(target, "target_id")?;
        }
        if let Some(session) = self.session_id {
            id(session, "session_id")?;
        }
        one_of(&self.status, "status", &CALL_STATUSES)?;
        if self
            .duration
            .is_some_and(|d| !(0..=MAX_EXACT_INTEGER).contains(&d))
        {
            return Err("duration must be a whole number of seconds from 0".into());
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AudioRecording {
    pub id: i64,
    pub key: String,
    #[serde(default = "first_version")]
    version: i64,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    file_url: Option<String>,
    #[serde(default)]
    text_to_speech: Option<String>,
    #[serde(default)]
    hidden: bool,
    /// The campaigns that selected it (a campaign selects one per key).
    #[serde(default)]
    pub selected_campaign_ids: Vec<i64>,
}

fn first_version() -> i64 {
    1
}

impl AudioRecording {
    pub fn check(&mut self) -> Result<(), String> {
        id(self.id, "id")?;
        text(&self.key, "key")?;
        id(self.version, "version")?;
        optional_text(self.description.as_deref(), "description")?;
        optional_text(self.file_url.as_deref(), "file_url")?;
        optional_text(self.text_to_speech.as_deref(), "text_to_speech")?;
        for campaign in &self.selected_campaign_ids {
            id(*campaign, "selected_campaign_ids")?;
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Schedule {
    pub id: i64,
    created_at: String,
    pub campaign_id: i64,
    user_phone: String,
    #[serde(default)]
    time_to_call: Option<String>,
    #[serde(default)]
    last_called: Option<String>,
    #[serde(default)]
    num_calls: i64,
    #[serde(default)]
    subscribed: bool,
}

impl Schedule {
    pub fn check(&mut self) -> Result<(), String> {
        id(self.id, "id")?;
        self.created_at = timestamp(&self.created_at, "created_at")?;
        id(self.campaign_id, "campaign_id")?;
        if !is_e164(&self.user_phone) {
            return Err(format!("user_phone {:?} is not E.164", self.user_phone));
        }
        optional_text(self.time_to_call.as_deref(), "time_to_call")?;
        if let Some(last) = &self.last_called {
            self.last_called = Some(timestamp(last, "last_called")?);
        }
        if !(0..=MAX_EXACT_INTEGER).contains(&self.num_calls) {
            return Err("num_calls must be a whole number from 0".into());
        }
        Ok(())
    }
}

/// A record of any kind, as an import line names it (`"type": "call"`).
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Record {
    Campaign(Campaign),
    Target(Target),
    Session(Session),
    Call(Call),
}

impl Record {
    /// Checks the record, and writes its times in the stored form.
    pub fn check(&mut self) -> Result<(), String> {
        match self {
            Self::Campaign(campaign) => campaign.check(),
            Self::Target(target) => target.check(),
            Self::Session(session) => session.check(),
            Self::Call(call) => call.check(),
        }
    }
}

/// Checks every record of a list, naming the first that fails.
pub fn check_all<T>(
    resource: &str,
    records: &mut [T],
    check: impl Fn(&mut T) -> Result<(), String>,
) -> Result<(), String> {
    for (i, record) in records.iter_mut().enumerate() {
        check(record).map_err(|e| format!("{resource}[{i}]: {e}"))?;
    }
    Ok(())
}

/// One statement per chunk of `records`: `sql` reads each record as `value`
/// of `json_each(?)`.
fn chunked<T: Serialize>(sql: &str, records: &[T]) -> Vec<Statement> {
    records
        .chunks(CHUNK)
        .map(|chunk| {
            let json = serde_json::to_string(chunk).unwrap_or_else(|_| "[]".into());
            Statement::new(sql.to_owned()).bind(json)
        })
        .collect()
}

/// Campaigns, new or changed (by id).
pub fn write_campaigns(campaigns: &[Campaign]) -> Vec<Statement> {
    chunked(
        "INSERT INTO callpower_campaigns (id, name, campaign_country, campaign_state, \
           campaign_type, campaign_subtype, target_ordering, status, phone_numbers, \
           required_fields, allow_call_in, call_maximum, embed) \
         SELECT value ->> '$.id', value ->> '$.name', value ->> '$.campaign_country', \
           value ->> '$.campaign_state', value ->> '$.campaign_type', \
           value ->> '$.campaign_subtype', value ->> '$.target_ordering', value ->> '$.status', \
           value -> '$.phone_numbers', value -> '$.required_fields', \
           value ->> '$.allow_call_in', value ->> '$.call_maximum', value -> '$.embed' \
         FROM json_each(?) WHERE 1 \
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, \
           campaign_country = excluded.campaign_country, campaign_state = excluded.campaign_state, \
           campaign_type = excluded.campaign_type, campaign_subtype = excluded.campaign_subtype, \
           target_ordering = excluded.target_ordering, status = excluded.status, \
           phone_numbers = excluded.phone_numbers, required_fields = excluded.required_fields, \
           allow_call_in = excluded.allow_call_in, call_maximum = excluded.call_maximum, \
           embed = excluded.embed",
        campaigns,
    )
}

/// Targets, new or changed (by id).
pub fn write_targets(targets: &[Target]) -> Vec<Statement> {
    chunked(
        "INSERT INTO callpower_targets (id, name, title, phone_number, uid, district) \
         SELECT value ->> '$.id', value ->> '$.name', value ->> '$.title', \
           value ->> '$.phone_number', value ->> '$.uid', value ->> '$.district' \
         FROM json_each(?) WHERE 1 \
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, title = excluded.title, \
           phone_number = excluded.phone_number, uid = excluded.uid, district = excluded.district",
        targets,
    )
}

/// Sessions, new or changed (by id), and the referral code of their calls.
pub fn write_sessions(sessions: &[Session]) -> Vec<Statement> {
    let mut statements = chunked(
        "INSERT INTO callpower_sessions (id, campaign_id, timestamp, status, queue_delay, \
           referral_code) \
         SELECT value ->> '$.id', value ->> '$.campaign_id', value ->> '$.timestamp', \
           value ->> '$.status', value ->> '$.queue_delay', value ->> '$.referral_code' \
         FROM json_each(?) WHERE 1 \
         ON CONFLICT (id) DO UPDATE SET campaign_id = excluded.campaign_id, \
           timestamp = excluded.timestamp, status = excluded.status, \
           queue_delay = excluded.queue_delay, referral_code = excluded.referral_code",
        sessions,
    );
    statements.extend(chunked(
        "UPDATE callpower_calls SET referral_code = \
           (SELECT referral_code FROM callpower_sessions AS s WHERE s.id = session_id) \
         WHERE session_id IN (SELECT value ->> '$.id' FROM json_each(?))",
        sessions,
    ));
    statements
}

/// Calls, new or changed (by Twilio's `call_id`), each with its session's
/// referral code.
pub fn write_calls(calls: &[Call]) -> Vec<Statement> {
    chunked(
        "INSERT INTO callpower_calls (id, call_id, timestamp, campaign_id, target_id, \
           session_id, status, duration, referral_code) \
         SELECT value ->> '$.id', value ->> '$.call_id', value ->> '$.timestamp', \
           value ->> '$.campaign_id', value ->> '$.target_id', value ->> '$.session_id', \
           value ->> '$.status', value ->> '$.duration', \
           (SELECT referral_code FROM callpower_sessions AS s \
            WHERE s.id = value ->> '$.session_id') \
         FROM json_each(?) WHERE 1 \
         ON CONFLICT (call_id) DO UPDATE SET timestamp = excluded.timestamp, \
           campaign_id = excluded.campaign_id, target_id = excluded.target_id, \
           session_id = excluded.session_id, status = excluded.status, \
           duration = excluded.duration, referral_code = excluded.referral_code",
        calls,
    )
}

/// Audio recordings and the campaigns that selected them.
pub fn write_audio(recordings: &[AudioRecording]) -> Vec<Statement> {
    let mut statements = chunked(
        "INSERT INTO callpower_audiorecordings (id, key, version, description, file_url, \
           text_to_speech, hidden) \
         SELECT value ->> '$.id', value ->> '$.key', value ->> '$.version', \
           value ->> '$.description', value ->> '$.file_url', value ->> '$.text_to_speech', \
           value ->> '$.hidden' \
         FROM json_each(?)",
        recordings,
    );
    statements.extend(chunked(
        "INSERT INTO callpower_campaign_audio (campaign_id, recording_id) \
         SELECT c.value, r.value ->> '$.id' \
         FROM json_each(?) AS r, json_each(r.value -> '$.selected_campaign_ids') AS c",
        recordings,
    ));
    statements
}

/// Scheduled calls.
pub fn write_schedules(schedules: &[Schedule]) -> Vec<Statement> {
    chunked(
        "INSERT INTO callpower_schedules (id, created_at, campaign_id, user_phone, \
           time_to_call, last_called, num_calls, subscribed) \
         SELECT value ->> '$.id', value ->> '$.created_at', value ->> '$.campaign_id', \
           value ->> '$.user_phone', value ->> '$.time_to_call', value ->> '$.last_called', \
           value ->> '$.num_calls', value ->> '$.subscribed' \
         FROM json_each(?)",
        schedules,
    )
}
