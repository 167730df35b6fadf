//! The Call Power collections as SQL sees them: each table's fields (the only
//! names a search may use), its relations, and the expression that writes one
//! of its rows (alias `c`) as the API's JSON object, so that a page is one
//! query whatever the collection.

/// What a field holds, which decides the values a search may compare it with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Integer,
    Text,
    /// Naive UTC, stored as `YYYY-MM-DDTHH:MM:SS`.
    Datetime,
    /// Stored as 0 or 1.
    Boolean,
}

/// A column a search may filter and order by; its SQL name is its API name.
#[derive(Debug)]
pub struct Field {
    pub name: &'static str,
    pub kind: Kind,
}

const fn field(name: &'static str, kind: Kind) -> Field {
    Field { name, kind }
}

/// How many related rows a row has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cardinality {
    /// At most one (`has`).
    One,
    /// Any number (`any`).
    Many,
}

/// A relation a search may reach through (`campaign__name`, `has`, `any`).
#[derive(Debug)]
pub struct Relation {
    pub name: &'static str,
    pub table: &'static Table,
    pub cardinality: Cardinality,
    /// The condition tying a related row `{r}` to the row `{o}`.
    pub join: &'static str,
}

/// One collection.
#[derive(Debug)]
pub struct Table {
    /// The SQL table.
    pub sql: &'static str,
    pub fields: &'static [Field],
    pub relations: &'static [Relation],
    /// The row `c` as the API's JSON object (SQLite's JSON functions; a value
    /// from a subquery goes through `json()`, or it would be quoted as text).
    pub object: &'static str,
}

impl Table {
    pub fn field(&self, name: &str) -> Option<&'static Field> {
        let fields: &'static [Field] = self.fields;
        fields.iter().find(|f| f.name == name)
    }

    pub fn relation(&self, name: &str) -> Option<&'static Relation> {
        let relations: &'static [Relation] = self.relations;
        relations.iter().find(|r| r.name == name)
    }
}

pub static CALLS: Table = Table {
    sql: "callpower_calls",
    fields: &[
        field("id", Kind::Integer),
        field("timestamp", Kind::Datetime),
        field("campaign_id", Kind::Integer),
        field("target_id", Kind::Integer),
        field("call_id", Kind::Text),
        field("status", Kind::Text),
        field("duration", Kind::Integer),
    ],
    relations: &[
        Relation {
            name: "campaign",
            table: &CAMPAIGNS,
            cardinality: Cardinality::One,
            join: "{r}.id = {o}.campaign_id",
        },
        Relation {
            name: "target",
            table: &TARGETS,
            cardinality: Cardinality::One,
            join: "{r}.id = {o}.target_id",
        },
    ],
    object: "json_object('id', c.id, 'timestamp', c.timestamp, 'campaign_id', c.campaign_id, \
             'target_id', c.target_id, 'call_id', c.call_id, 'status', c.status, \
             'duration', c.duration, 'target_display', \
             (SELECT trim(coalesce(t.title, '') || ' ' || t.name) \
              FROM callpower_targets AS t WHERE t.id = c.target_id))",
};

pub static CAMPAIGNS: Table = Table {
    sql: "callpower_campaigns",
    fields: &[
        field("id", Kind::Integer),
        field("name", Kind::Text),
        field("campaign_country", Kind::Text),
        field("campaign_state", Kind::Text),
        field("campaign_type", Kind::Text),
        field("campaign_subtype", Kind::Text),
        field("target_ordering", Kind::Text),
        field("status", Kind::Text),
        field("allow_call_in", Kind::Boolean),
        field("call_maximum", Kind::Integer),
    ],
    relations: &[
        Relation {
            name: "calls",
            table: &CALLS,
            cardinality: Cardinality::Many,
            join: "{r}.campaign_id = {o}.id",
        },
        Relation {
            name: "audio_recordings",
            table: &AUDIO_RECORDINGS,
            cardinality: Cardinality::Many,
            join: "{r}.id IN (SELECT recording_id FROM callpower_campaign_audio \
                   WHERE campaign_id = {o}.id)",
        },
    ],
    // audio_msgs: each selected recording's key, with its file's URL or else
    // its text, as the original derives it.
    object: "json_object('id', c.id, 'name', c.name, 'campaign_country', c.campaign_country, \
             'campaign_state', c.campaign_state, 'campaign_type', c.campaign_type, \
             'campaign_subtype', c.campaign_subtype, 'target_ordering', c.target_ordering, \
             'status', c.status, 'phone_numbers', json(c.phone_numbers), \
             'audio_msgs', json((SELECT json_group_object(key, message) FROM \
               (SELECT r.key AS key, coalesce(r.file_url, r.text_to_speech) AS message \
                FROM callpower_campaign_audio AS s \
                JOIN callpower_audiorecordings AS r ON r.id = s.recording_id \
                WHERE s.campaign_id = c.id ORDER BY r.key))), \
             'required_fields', json(c.required_fields), \
             'allow_call_in', json(CASE WHEN c.allow_call_in THEN 'true' ELSE 'false' END), \
             'call_maximum', c.call_maximum, 'embed', json(c.embed))",
};

pub static TARGETS: Table = Table {
    sql: "callpower_targets",
    fields: &[
        field("id", Kind::Integer),
        field("name", Kind::Text),
        field("title", Kind::Text),
        field("phone_number", Kind::Text),
    ],
    relations: &[Relation {
        name: "calls",
        table: &CALLS,
        cardinality: Cardinality::Many,
        join: "{r}.target_id = {o}.id",
    }],
    object: "json_object('id', c.id, 'name', c.name, 'title', c.title, \
             'phone_number', c.phone_number)",
};

pub static AUDIO_RECORDINGS: Table = Table {
    sql: "callpower_audiorecordings",
    fields: &[
        field("id", Kind::Integer),
        field("key", Kind::Text),
        field("version", Kind::Integer),
        field("description", Kind::Text),
        field("file_url", Kind::Text),
        field("text_to_speech", Kind::Text),
        field("hidden", Kind::Boolean),
    ],
    relations: &[Relation {
        name: "campaigns",
        table: &CAMPAIGNS,
        cardinality: Cardinality::Many,
        join: "{r}.id IN (SELECT campaign_id FROM callpower_campaign_audio \
               WHERE recording_id = {o}.id)",
    }],
    object: "json_object('id', c.id, 'key', c.key, 'version', c.version, \
             'description', c.description, 'file_url', c.file_url, \
             'text_to_speech', c.text_to_speech, \
             'hidden', json(CASE WHEN c.hidden THEN 'true' ELSE 'false' END), \
             'selected_campaigns', json((SELECT json_group_array(name) FROM \
               (SELECT k.name AS name FROM callpower_campaign_audio AS s \
                JOIN callpower_campaigns AS k ON k.id = s.campaign_id \
                WHERE s.recording_id = c.id ORDER BY k.id))), \
             'selected_campaign_ids', json((SELECT json_group_array(campaign_id) FROM \
               (SELECT campaign_id FROM callpower_campaign_audio \
                WHERE recording_id = c.id ORDER BY campaign_id))))",
};

pub static SCHEDULES: Table = Table {
    sql: "callpower_schedules",
    fields: &[
        field("id", Kind::Integer),
        field("created_at", Kind::Datetime),
        field("campaign_id", Kind::Integer),
        field("user_phone", Kind::Text),
        field("time_to_call", Kind::Text),
        field("last_called", Kind::Datetime),
        field("num_calls", Kind::Integer),
        field("subscribed", Kind::Boolean),
    ],
    relations: &[Relation {
        name: "campaign",
        table: &CAMPAIGNS,
        cardinality: Cardinality::One,
        join: "{r}.id = {o}.campaign_id",
    }],
    object: "json_object('id', c.id, 'created_at', c.created_at, 'campaign_id', c.campaign_id, \
             'user_phone', c.user_phone, 'time_to_call', c.time_to_call, \
             'last_called', c.last_called, 'num_calls', c.num_calls, \
             'subscribed', json(CASE WHEN c.subscribed THEN 'true' ELSE 'false' END))",
};
