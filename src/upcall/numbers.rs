//! Numbers, the account's contact-list entries: `GET /api/v1/numbers`
//! (filtered, paged), `GET` and `PATCH /api/v1/numbers/:id`, and
//! `POST /api/v1/numbers` (with `campaign_id`, added to that campaign too);
//! and the contact fields, columns and filters campaign numbers share.

use std::collections::BTreeMap;

use axum::extract::rejection::PathRejection;
use axum::extract::Path;
use axum::response::Response;
use bytes::Bytes;
use http::{HeaderMap, StatusCode, Uri};
use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};

use super::jsonapi::{self, Resource};
use super::query::{self, Filter, Kind};
use super::token::{Token, ACCOUNT};
use super::UpcallError;
use crate::http::{is_e164, Ctx, NumberField, TextField};
use crate::ports::Statement;

/// The type of a number in answers, as the later references show it.
pub const TYPE: &str = "number";
/// The type requests send.
pub const INPUT_TYPE: &str = "numbers";
/// A number's statuses.
pub const STATUSES: [&str; 2] = ["active", "disabled"];

/// The longest text of a field.
const MAX_TEXT: usize = 255;

/// A postal address.
#[derive(Debug, Serialize)]
pub struct Address {
    pub recipient: Option<String>,
    pub line1: Option<String>,
    pub line2: Option<String>,
    pub city: Option<String>,
    pub region: Option<String>,
    pub postal_code: Option<String>,
    pub country: Option<String>,
}

/// The columns of a contact `c` (a number or a campaign's number) but its id
/// and status.
pub const CONTACT_COLUMNS: &str = "c.first_name, c.last_name, c.title, c.company, c.email, \
     c.phone, c.extension, c.address_recipient, c.address_line1, c.address_line2, \
     c.address_city, c.address_region, c.address_postal_code, c.address_country";

/// The contact's columns as SQL returns them.
#[derive(Debug, Deserialize)]
pub struct ContactRow {
    first_name: Option<String>,
    last_name: Option<String>,
    title: Option<String>,
    company: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    extension: Option<String>,
    address_recipient: Option<String>,
    address_line1: Option<String>,
    address_line2: Option<String>,
    address_city: Option<String>,
    address_region: Option<String>,
    address_postal_code: Option<String>,
    address_country: Option<String>,
}

/// A contact's fields, as numbers and a campaign's numbers show them (both
/// flatten it into their attributes).
#[derive(Debug, Serialize)]
pub struct Contact {
    first_name: Option<String>,
    last_name: Option<String>,
    title: Option<String>,
    company: Option<String>,
    email: Option<String>,
    phone: String,
    extension: Option<String>,
    address: Address,
}

impl ContactRow {
    /// The contact of the row, when it has one (a phone).
    pub fn into_contact(self) -> Option<Contact> {
        Some(Contact {
            first_name: self.first_name,
            last_name: self.last_name,
            title: self.title,
            company: self.company,
            email: self.email,
            phone: self.phone?,
            extension: self.extension,
            address: Address {
                recipient: self.address_recipient,
                line1: self.address_line1,
                line2: self.address_line2,
                city: self.address_city,
                region: self.address_region,
                postal_code: self.address_postal_code,
                country: self.address_country,
            },
        })
    }
}

/// The filters of every list of contacts: each field, and each address field
/// by its own name (exact values).
pub const CONTACT_FILTERS: &[Filter] = &[
    Filter::new("phone", "phone = ?", Kind::Text),
    Filter::new("extension", "extension = ?", Kind::Text),
    Filter::new("first_name", "first_name = ?", Kind::Text),
    Filter::new("last_name", "last_name = ?", Kind::Text),
    Filter::new("title", "title = ?", Kind::Text),
    Filter::new("company", "company = ?", Kind::Text),
    Filter::new("email", "email = ?", Kind::Text),
    Filter::new("recipient", "address_recipient = ?", Kind::Text),
    Filter::new("line1", "address_line1 = ?", Kind::Text),
    Filter::new("line2", "address_line2 = ?", Kind::Text),
    Filter::new("city", "address_city = ?", Kind::Text),
    Filter::new("region", "address_region = ?", Kind::Text),
    Filter::new("postal_code", "address_postal_code = ?", Kind::Text),
    Filter::new("country", "address_country = ?", Kind::Text),
];

const STATUS_FILTER: &[Filter] = &[Filter::new("status", "status = ?", Kind::OneOf(&STATUSES))];

/// A number's attributes: its list and status, and the contact's fields.
#[derive(Debug, Serialize)]
pub struct Attributes {
    list_id: Option<i64>,
    status: String,
    #[serde(flatten)]
    contact: Contact,
}

#[derive(Debug, Deserialize)]
struct Row {
    id: Option<i64>,
    list_id: Option<i64>,
    status: Option<String>,
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
                list_id: self.list_id,
                status: self.status?,
                contact: self.contact.into_contact()?,
            },
        })
    }
}

fn columns() -> String {
    format!("c.id, c.list_id, c.status, {CONTACT_COLUMNS}")
}

/// `GET /api/v1/numbers`: the account's numbers in id order, filtered by
/// `status` and each contact field, paged; one D1 round trip.
pub async fn list(
    token: Token,
    ctx: Ctx,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, UpcallError> {
    let (page, filters) = query::read_list(&uri, &[CONTACT_FILTERS, STATUS_FILTER])?;
    let columns = columns();
    let list = query::List::of("upcall_numbers", &columns, filters);
    query::answer::<Row>(&ctx, &token, list, page, &uri, &headers).await
}

/// Reads number `id` of the token's account.
fn select(token: &Token, id: i64) -> Statement {
    Statement::new(format!(
        "SELECT a.id AS me, {} FROM upcall_accounts AS a \
         LEFT JOIN upcall_numbers AS c ON c.account_id = a.id AND c.id = ? \
         WHERE a.token_hash = ?",
        columns()
    ))
    .bind(id)
    .bind(token.hash.as_str())
}

/// `GET /api/v1/numbers/:id`: the number, or 404 (another account's too).
pub async fn show(
    token: Token,
    ctx: Ctx,
    path: Result<Path<String>, PathRejection>,
) -> Result<Response, UpcallError> {
    let id = jsonapi::path_id(path, "Number")?;
    let result = ctx.db.all(select(&token, id)).await?;
    Ok(jsonapi::one(
        StatusCode::OK,
        query::one::<Row>(Some(result), "Number")?,
    ))
}

/// An address as a request sends it.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AddressInput {
    recipient: TextField,
    line1: TextField,
    line2: TextField,
    city: TextField,
    region: TextField,
    postal_code: TextField,
    country: TextField,
    #[serde(flatten)]
    other: BTreeMap<String, IgnoredAny>,
}

/// The attributes a request may send; `campaign_id` only when creating.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Input {
    list_id: NumberField,
    campaign_id: NumberField,
    first_name: TextField,
    last_name: TextField,
    title: TextField,
    company: TextField,
    email: TextField,
    status: TextField,
    phone: TextField,
    extension: TextField,
    address: Option<AddressInput>,
    #[serde(flatten)]
    other: BTreeMap<String, IgnoredAny>,
}

/// Text of at most [`MAX_TEXT`] characters, or a failure on `name`.
fn text(field: TextField, name: &str, failures: &mut Vec<(String, String)>) -> Option<String> {
    jsonapi::text(field, name, MAX_TEXT, failures)
}

/// A positive integer id, or a failure on `name`.
fn positive(field: &NumberField, name: &str, failures: &mut Vec<(String, String)>) -> Option<i64> {
    match field {
        NumberField::Missing => None,
        _ => match field
            .integer()
            .filter(|n| jsonapi::id(&n.to_string()).is_some())
        {
            Some(n) => Some(n),
            None => {
                failures.push((name.into(), "must be a positive integer".into()));
                None
            }
        },
    }
}

/// What a valid request sets (`None`: left as it is), in the columns' order.
struct Changes {
    list_id: Option<i64>,
    campaign_id: Option<i64>,
    status: Option<String>,
    /// first_name, last_name, title, company, email, phone, extension, then
    /// the address's seven fields.
    contact: [Option<String>; 14],
}

fn validate(input: Input, creating: bool) -> Result<Changes, UpcallError> {
    let mut failures = jsonapi::unknown_attributes(&input.other, INPUT_TYPE);
    if !creating && input.campaign_id != NumberField::Missing {
        failures.push((
            "campaign_id".into(),
            "can be given only when creating".into(),
        ));
    }
    let list_id = positive(&input.list_id, "list_id", &mut failures);
    let campaign_id = positive(&input.campaign_id, "campaign_id", &mut failures);
    let status = text(input.status, "status", &mut failures);
    if status.as_deref().is_some_and(|s| !STATUSES.contains(&s)) {
        failures.push((
            "status".into(),
            format!("must be one of {}", STATUSES.join(", ")),
        ));
    }
    let phone = text(input.phone, "phone", &mut failures);
    match &phone {
        Some(phone) if !is_e164(phone) => failures.push((
            "phone".into(),
            "must be a phone number in E.164 format, e.g. +16507991144".into(),
        )),
        None if creating && !failures.iter().any(|(f, _)| f == "phone") => {
            failures.push(("phone".into(), "is required".into()));
        }
        _ => {}
    }
    let address = input.address.unwrap_or_default();
    for name in address.other.keys() {
        failures.push((
            format!("address.{name}"),
            "is not a field of an address".into(),
        ));
    }
    let contact = [
        text(input.first_name, "first_name", &mut failures),
        text(input.last_name, "last_name", &mut failures),
        text(input.title, "title", &mut failures),
        text(input.company, "company", &mut failures),
        text(input.email, "email", &mut failures),
        phone,
        text(input.extension, "extension", &mut failures),
        text(address.recipient, "address.recipient", &mut failures),
        text(address.line1, "address.line1", &mut failures),
        text(address.line2, "address.line2", &mut failures),
        text(address.city, "address.city", &mut failures),
        text(address.region, "address.region", &mut failures),
        text(address.postal_code, "address.postal_code", &mut failures),
        text(address.country, "address.country", &mut failures),
    ];
    if failures.is_empty() {
        Ok(Changes {
            list_id,
            campaign_id,
            status,
            contact,
        })
    } else {
        Err(UpcallError::Invalid(failures))
    }
}

/// The contact columns, unprefixed, in [`Changes::contact`]'s order.
fn contact_columns() -> String {
    CONTACT_COLUMNS.replace("c.", "")
}

/// `POST /api/v1/numbers` with `{"data": {"type": "numbers", "attributes":
/// {...}}}`: 201 and the number (`phone` required, in E.164; `status`
/// `active` unless given). With `campaign_id`, the number is also added to
/// that campaign (as `untried`), which must be the account's (404 on
/// `campaign_id`, nothing written). One batch: the checks, the number, the
/// campaign's number.
pub async fn create(
    token: Token,
    ctx: Ctx,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, UpcallError> {
    let data = jsonapi::read::<Input>(&headers, &body, INPUT_TYPE)?;
    let changes = validate(data.attributes, true)?;
    let campaign = changes.campaign_id;
    let check = Statement::new(
        "SELECT a.id AS me, k.id AS campaign_found FROM upcall_accounts AS a \
         LEFT JOIN upcall_campaigns AS k ON k.id = ? AND k.account_id = a.id \
         WHERE a.token_hash = ?",
    )
    .bind(campaign)
    .bind(token.hash.as_str());
    let contact = contact_columns();
    let placeholders = ["?"; 14].join(", ");
    // Inserts only for a known token, and a campaign of its account if one
    // is named.
    let campaign_ok = "(? IS NULL OR EXISTS (SELECT 1 FROM upcall_campaigns \
                       WHERE id = ? AND account_id = a.id))";
    let mut insert = Statement::new(format!(
        "INSERT INTO upcall_numbers (account_id, list_id, status, {contact}) \
         SELECT a.id, ?, ?, {placeholders} FROM upcall_accounts AS a \
         WHERE a.token_hash = ? AND {campaign_ok} \
         RETURNING 1 AS me, {}",
        columns().replace("c.", "")
    ))
    .bind(changes.list_id)
    .bind(changes.status.unwrap_or_else(|| "active".into()));
    for value in changes.contact {
        insert = insert.bind(value);
    }
    insert = insert
        .bind(token.hash.as_str())
        .bind(campaign)
        .bind(campaign);
    let mut statements = vec![check, insert];
    if let Some(campaign) = campaign {
        // The batch runs alone: the account's highest number is the one
        // just inserted.
        statements.push(
            Statement::new(format!(
                "INSERT INTO upcall_campaign_numbers (account_id, campaign_id, list_contact_id, \
                 status, {contact}) \
                 SELECT n.account_id, k.id, n.id, 'untried', {} \
                 FROM upcall_numbers AS n JOIN upcall_campaigns AS k \
                   ON k.id = ? AND k.account_id = n.account_id \
                 WHERE n.id = (SELECT MAX(id) FROM upcall_numbers WHERE account_id = {ACCOUNT})",
                CONTACT_COLUMNS.replace("c.", "n.")
            ))
            .bind(campaign)
            .bind(token.hash.as_str()),
        );
    }
    let mut results = ctx.db.batch(statements).await?.into_iter();
    let checked = query::rows::<CheckRow>(results.next())?;
    if campaign.is_some() && checked.first().and_then(|c| c.campaign_found).is_none() {
        return Err(UpcallError::Field(
            StatusCode::NOT_FOUND,
            "campaign_id".into(),
            "Campaign not found".into(),
        ));
    }
    let created = query::one::<Row>(results.next(), "Number")?;
    Ok(jsonapi::one(StatusCode::CREATED, created))
}

/// A check's row: nothing beside what [`query::Listed`] reads.
#[derive(Deserialize)]
struct CheckRow {}

/// `PATCH /api/v1/numbers/:id` with the attributes to change (a `data.id`, if
/// given, must be the URL's): 200 and the whole number. One batch: the
/// number as it was (401, 404), then the UPDATE.
pub async fn update(
    token: Token,
    ctx: Ctx,
    path: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, UpcallError> {
    let id = jsonapi::path_id(path, "Number")?;
    let input = jsonapi::read_update::<Input>(&headers, &body, INPUT_TYPE, id)?;
    let changes = validate(input, false)?;
    let sets: Vec<String> = contact_columns()
        .split(", ")
        .map(|column| format!("{column} = COALESCE(?, {column})"))
        .collect();
    let mut update = Statement::new(format!(
        "UPDATE upcall_numbers SET list_id = COALESCE(?, list_id), \
         status = COALESCE(?, status), {} \
         WHERE id = ? AND account_id = {ACCOUNT} RETURNING 1 AS me, {}",
        sets.join(", "),
        columns().replace("c.", "")
    ))
    .bind(changes.list_id)
    .bind(changes.status);
    for value in changes.contact {
        update = update.bind(value);
    }
    let update = update.bind(id).bind(token.hash.as_str());
    let mut results = ctx
        .db
        .batch(vec![select(&token, id), update])
        .await?
        .into_iter();
    query::one::<Row>(results.next(), "Number")?;
    let updated = query::one::<Row>(results.next(), "Number")?;
    Ok(jsonapi::one(StatusCode::OK, updated))
}
