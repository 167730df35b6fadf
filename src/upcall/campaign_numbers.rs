//! A campaign's numbers: `GET /api/v1/campaigns/:id/numbers` (filtered,
//! paged) and `POST /api/v1/campaigns/:id/numbers`, which adds a number of
//! the account's contact lists to the campaign.

use std::collections::BTreeMap;

use axum::extract::rejection::PathRejection;
use axum::extract::Path;
use axum::response::Response;
use bytes::Bytes;
use http::{HeaderMap, StatusCode, Uri};
use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};

use super::jsonapi::{self, Resource};
use super::numbers::{Contact, ContactRow, CONTACT_COLUMNS, CONTACT_FILTERS, INPUT_TYPE};
use super::query::{self, Filter, Kind};
use super::token::{Token, ACCOUNT};
use super::UpcallError;
use crate::http::{Ctx, NumberField};
use crate::ports::Statement;

/// The type of a campaign's number.
pub const TYPE: &str = "campaign_numbers";
/// A campaign number's statuses.
pub const STATUSES: [&str; 6] = [
    "untried",
    "incompleted",
    "dnc",
    "failed",
    "completed",
    "voicemail",
];

const STATUS_FILTER: &[Filter] = &[Filter::new("status", "status = ?", Kind::OneOf(&STATUSES))];

/// A campaign number's attributes: its status in the campaign, the contact's
/// fields, and the contact-list number it came from.
#[derive(Debug, Serialize)]
pub struct Attributes {
    status: String,
    #[serde(flatten)]
    contact: Contact,
    list_contact_id: Option<i64>,
}

#[derive(Debug, Deserialize)]
struct Row {
    id: Option<i64>,
    status: Option<String>,
    list_contact_id: Option<i64>,
    #[serde(flatten)]
    contact: ContactRow,
}

impl query::Row for Row {
    type Attributes = Attributes;

    fn resource(self) -> Option<Resource<Attributes>> {
        Some(Resource {
            id: self.id?.to_string(),
            kind: TYPE,
            attributes: Attributes {
                status: self.status?,
                contact: self.contact.into_contact()?,
                list_contact_id: self.list_contact_id,
            },
        })
    }
}

fn columns() -> String {
    format!("c.id, c.status, c.list_contact_id, {CONTACT_COLUMNS}")
}

/// `GET /api/v1/campaigns/:id/numbers`: the campaign's numbers in id order,
/// filtered by `status` and each contact field, paged; 404 for a campaign
/// that is not the account's. One D1 round trip.
pub async fn list(
    token: Token,
    ctx: Ctx,
    path: Result<Path<String>, PathRejection>,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, UpcallError> {
    let campaign = jsonapi::path_id(path, "Campaign")?;
    let (page, filters) = query::read_list(&uri, &[CONTACT_FILTERS, STATUS_FILTER])?;
    let columns = columns();
    let list = query::List::of("upcall_campaign_numbers", &columns, filters).in_campaign(campaign);
    query::answer::<Row>(&ctx, &token, list, page, &uri, &headers).await
}

/// The body of an addition.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Input {
    list_contact_id: NumberField,
    #[serde(flatten)]
    other: BTreeMap<String, IgnoredAny>,
}

/// What the checks of an addition found.
#[derive(Deserialize)]
struct Found {
    number_found: Option<i64>,
    already: Option<i64>,
}

/// `POST /api/v1/campaigns/:id/numbers` with `{"data": {"type": "numbers",
/// "attributes": {"list_contact_id": 245}}}`: adds that contact-list number
/// to the campaign as `untried`, 201 and the campaign's number. 404 for a
/// campaign or a number that is not the account's, 400 for a number already
/// in the campaign; nothing is written then. One batch.
pub async fn add(
    token: Token,
    ctx: Ctx,
    path: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, UpcallError> {
    let campaign = jsonapi::path_id(path, "Campaign")?;
    let data = jsonapi::read::<Input>(&headers, &body, INPUT_TYPE)?;
    let mut failures = jsonapi::unknown_attributes(&data.attributes.other, INPUT_TYPE);
    let contact = match &data.attributes.list_contact_id {
        NumberField::Missing => {
            failures.push(("list_contact_id".into(), "is required".into()));
            0
        }
        field => field.integer().filter(|n| *n > 0).unwrap_or_else(|| {
            failures.push((
                "list_contact_id".into(),
                "must be a positive integer".into(),
            ));
            0
        }),
    };
    if !failures.is_empty() {
        return Err(UpcallError::Invalid(failures));
    }
    let check = Statement::new(
        "SELECT a.id AS me, k.id AS campaign_found, n.id AS number_found, \
         (SELECT id FROM upcall_campaign_numbers WHERE campaign_id = k.id \
          AND list_contact_id = n.id) AS already \
         FROM upcall_accounts AS a \
         LEFT JOIN upcall_campaigns AS k ON k.id = ? AND k.account_id = a.id \
         LEFT JOIN upcall_numbers AS n ON n.id = ? AND n.account_id = a.id \
         WHERE a.token_hash = ?",
    )
    .bind(campaign)
    .bind(contact)
    .bind(token.hash.as_str());
    let insert = Statement::new(format!(
        "INSERT INTO upcall_campaign_numbers (account_id, campaign_id, list_contact_id, status, \
         {contact_columns}) \
         SELECT n.account_id, k.id, n.id, 'untried', {number_columns} \
         FROM upcall_numbers AS n JOIN upcall_campaigns AS k \
           ON k.id = ? AND k.account_id = n.account_id \
         WHERE n.id = ? AND n.account_id = {ACCOUNT} \
         ON CONFLICT (campaign_id, list_contact_id) DO NOTHING \
         RETURNING 1 AS me, {returning}",
        contact_columns = CONTACT_COLUMNS.replace("c.", ""),
        number_columns = CONTACT_COLUMNS.replace("c.", "n."),
        returning = columns().replace("c.", ""),
    ))
    .bind(campaign)
    .bind(contact)
    .bind(token.hash.as_str());
    let mut results = ctx.db.batch(vec![check, insert]).await?.into_iter();
    let checked = query::rows::<Found>(results.next())?;
    let first = checked.first();
    if first.and_then(|c| c.campaign_found).is_none() {
        return Err(UpcallError::NotFound("Campaign"));
    }
    if first.and_then(|c| c.row.number_found).is_none() {
        return Err(UpcallError::Field(
            StatusCode::NOT_FOUND,
            "list_contact_id".into(),
            "Number not found".into(),
        ));
    }
    if first.and_then(|c| c.row.already).is_some() {
        return Err(UpcallError::invalid(
            "list_contact_id",
            "is already in this campaign",
        ));
    }
    let added = query::one::<Row>(results.next(), "Number")?;
    Ok(jsonapi::one(StatusCode::CREATED, added))
}
