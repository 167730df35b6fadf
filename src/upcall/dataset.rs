//! Upcall provider states for the conformance harness: every account and
//! what it owns replaced by a dataset's records (`accounts`, `campaigns`,
//! `numbers`, `campaign_numbers`, `calls`). Records are flat: `account_id`,
//! `campaign_id`, `list_contact_id` and `to_number_id` tie them together, and
//! an account's `auth_token` is stored as its hash only.

use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};

use super::token;
use crate::http::decode_records;
use crate::ports::{SqlValue, Statement};

/// An id as datasets write it: a string of digits, or a number.
#[derive(Debug, Clone, Copy)]
struct Id(i64);

impl<'de> Deserialize<'de> for Id {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Given {
            Number(i64),
            Text(String),
        }
        match Given::deserialize(deserializer)? {
            Given::Number(n) => Ok(Self(n)),
            Given::Text(text) => text
                .parse()
                .map(Self)
                .map_err(|_| serde::de::Error::custom(format!("{text:?} is not an id"))),
        }
    }
}

impl From<Id> for SqlValue {
    fn from(id: Id) -> Self {
        Self::Integer(id.0)
    }
}

#[derive(Deserialize)]
struct Account {
    id: Id,
    auth_token: String,
    currency: String,
    credit_balance: f64,
}

#[derive(Deserialize)]
struct Campaign {
    id: Id,
    account_id: Id,
    name: String,
    pitch: Option<String>,
    language: Option<String>,
    status: String,
    updated_at: String,
    created_at: String,
    start_datetime: Option<String>,
    end_datetime: Option<String>,
    instructions: Option<String>,
    from_number: Option<String>,
    #[serde(default)]
    questions: Vec<Value>,
}

#[derive(Default, Deserialize)]
#[serde(default)]
struct Address {
    recipient: Option<String>,
    line1: Option<String>,
    line2: Option<String>,
    city: Option<String>,
    region: Option<String>,
    postal_code: Option<String>,
    country: Option<String>,
}

/// A contact-list number, or a campaign's number (which adds
/// `campaign_id` and `list_contact_id`).
#[derive(Deserialize)]
struct Number {
    id: Id,
    account_id: Id,
    campaign_id: Option<Id>,
    list_contact_id: Option<Id>,
    list_id: Option<i64>,
    first_name: Option<String>,
    last_name: Option<String>,
    title: Option<String>,
    company: Option<String>,
    email: Option<String>,
    status: String,
    phone: String,
    extension: Option<String>,
    #[serde(default)]
    address: Address,
}

#[derive(Deserialize)]
struct Call {
    id: Id,
    account_id: Id,
    campaign_id: Option<Id>,
    campaign_number_id: Option<Id>,
    to_number_id: Option<Id>,
    note: Option<String>,
    status: String,
    #[serde(default)]
    duration: i64,
    cost: Option<String>,
    from: Option<String>,
    to: Option<String>,
    transcript: Option<String>,
    datetime_called: Option<String>,
    cost_currency: Option<String>,
    #[serde(default)]
    recording_urls: Vec<String>,
    caller: Option<Value>,
}

fn number_insert(table: &str, number: Number, campaign: bool) -> Statement {
    let (extra_columns, extra_values) = if campaign {
        ("campaign_id, list_contact_id, ", "?, ?, ")
    } else {
        ("list_id, ", "?, ")
    };
    let mut statement = Statement::new(format!(
        "INSERT INTO {table} (id, account_id, {extra_columns}status, first_name, last_name, \
         title, company, email, phone, extension, address_recipient, address_line1, \
         address_line2, address_city, address_region, address_postal_code, address_country) \
         VALUES (?, ?, {extra_values}?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    ))
    .bind(number.id)
    .bind(number.account_id);
    statement = if campaign {
        statement
            .bind(number.campaign_id)
            .bind(number.list_contact_id)
    } else {
        statement.bind(number.list_id)
    };
    let address = number.address;
    statement
        .bind(number.status)
        .bind(number.first_name)
        .bind(number.last_name)
        .bind(number.title)
        .bind(number.company)
        .bind(number.email)
        .bind(number.phone)
        .bind(number.extension)
        .bind(address.recipient)
        .bind(address.line1)
        .bind(address.line2)
        .bind(address.city)
        .bind(address.region)
        .bind(address.postal_code)
        .bind(address.country)
}

/// The statements that replace every Upcall row by `records`, parents first.
pub fn statements(records: &Map<String, Value>) -> Result<Vec<Statement>, String> {
    let mut statements: Vec<Statement> = [
        "upcall_calls",
        "upcall_campaign_numbers",
        "upcall_numbers",
        "upcall_campaigns",
        "upcall_accounts",
    ]
    .iter()
    .map(|table| Statement::new(format!("DELETE FROM {table}")))
    .collect();
    for resource in records.keys() {
        if ![
            "accounts",
            "campaigns",
            "numbers",
            "campaign_numbers",
            "calls",
        ]
        .contains(&resource.as_str())
        {
            return Err(format!(
                "Upcall datasets hold accounts, campaigns, numbers, campaign_numbers and calls, not {resource:?}"
            ));
        }
    }
    let empty = Value::Array(Vec::new());
    let of = |name: &str| records.get(name).unwrap_or(&empty);
    for account in decode_records::<Account>("accounts", of("accounts"))? {
        statements.push(
            Statement::new(
                "INSERT INTO upcall_accounts (id, token_hash, currency, credit_balance, created_at) \
                 VALUES (?, ?, ?, ?, '2016-01-01T00:00:00.000Z')",
            )
            .bind(account.id)
            .bind(token::hash(&account.auth_token))
            .bind(account.currency)
            .bind(account.credit_balance),
        );
    }
    for campaign in decode_records::<Campaign>("campaigns", of("campaigns"))? {
        let questions = serde_json::to_string(&campaign.questions).map_err(|e| e.to_string())?;
        statements.push(
            Statement::new(
                "INSERT INTO upcall_campaigns (id, account_id, name, pitch, language, status, \
                 instructions, start_datetime, end_datetime, from_number, questions, created_at, \
                 updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(campaign.id)
            .bind(campaign.account_id)
            .bind(campaign.name)
            .bind(campaign.pitch)
            .bind(campaign.language)
            .bind(campaign.status)
            .bind(campaign.instructions)
            .bind(campaign.start_datetime)
            .bind(campaign.end_datetime)
            .bind(campaign.from_number)
            .bind(questions)
            .bind(campaign.created_at)
            .bind(campaign.updated_at),
        );
    }
    for number in decode_records::<Number>("numbers", of("numbers"))? {
        statements.push(number_insert("upcall_numbers", number, false));
    }
    for number in decode_records::<Number>("campaign_numbers", of("campaign_numbers"))? {
        statements.push(number_insert("upcall_campaign_numbers", number, true));
    }
    for call in decode_records::<Call>("calls", of("calls"))? {
        let urls = serde_json::to_string(&call.recording_urls).map_err(|e| e.to_string())?;
        let caller = call.caller.map(|c| c.to_string());
        statements.push(
            Statement::new(
                "INSERT INTO upcall_calls (id, account_id, campaign_id, campaign_number_id, \
                 to_number_id, note, status, duration, cost, \"from\", \"to\", transcript, \
                 datetime_called, cost_currency, recording_urls, caller) \
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, COALESCE(?, '0.0'), ?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(call.id)
            .bind(call.account_id)
            .bind(call.campaign_id)
            .bind(call.campaign_number_id)
            .bind(call.to_number_id)
            .bind(call.note)
            .bind(call.status)
            .bind(call.duration)
            .bind(call.cost)
            .bind(call.from)
            .bind(call.to)
            .bind(call.transcript)
            .bind(call.datetime_called)
            .bind(call.cost_currency)
            .bind(urls)
            .bind(caller),
        );
    }
    Ok(statements)
}
