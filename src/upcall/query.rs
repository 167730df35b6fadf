//! The SQL every Upcall list shares: filters declared per resource and read
//! from the query string, and one statement that answers a page, the count of
//! all that match, the token's account and (for a campaign's lists) whether
//! the campaign is the account's: one D1 round trip.

use axum::response::Response;
use http::{HeaderMap, Uri};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::jsonapi::{self, Page, Resource};
use super::token::{Token, ACCOUNT};
use super::UpcallError;
use crate::http::{normalize_datetime, query_pairs, Ctx};
use crate::ports::{QueryResult, SqlValue, Statement};

/// What a filter's value must be.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    /// Any text, compared as it is.
    Text,
    /// One of these values.
    OneOf(&'static [&'static str]),
    /// An ISO 8601 datetime, compared in the stored form.
    Datetime,
    /// An integer.
    Integer,
    /// A decimal number.
    Decimal,
}

/// A query parameter that narrows a list: `condition` has one `?`, bound to
/// the parameter's value read as `kind`.
#[derive(Debug, Clone, Copy)]
pub struct Filter {
    pub param: &'static str,
    pub condition: &'static str,
    pub kind: Kind,
}

impl Filter {
    pub const fn new(param: &'static str, condition: &'static str, kind: Kind) -> Self {
        Self {
            param,
            condition,
            kind,
        }
    }

    /// The value as SQL binds it, or the failure's message.
    fn read(&self, value: &str) -> Result<SqlValue, String> {
        match self.kind {
            Kind::Text => Ok(SqlValue::Text(value.to_owned())),
            Kind::OneOf(values) if values.contains(&value) => Ok(SqlValue::Text(value.to_owned())),
            Kind::OneOf(values) => Err(format!("must be one of {}", values.join(", "))),
            Kind::Datetime => normalize_datetime(value)
                .map(SqlValue::Text)
                .ok_or_else(|| {
                    "must be an ISO 8601 datetime, e.g. 2016-07-18T10:59:30.000Z".into()
                }),
            Kind::Integer => value
                .trim()
                .parse::<i64>()
                .ok()
                .filter(|n| SqlValue::Integer(*n).check_exact().is_ok())
                .map(SqlValue::Integer)
                .ok_or_else(|| "must be an integer".into()),
            Kind::Decimal => value
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|n| n.is_finite())
                .map(SqlValue::Real)
                .ok_or_else(|| "must be a number".into()),
        }
    }
}

/// The conditions (each ` AND ...`) and values of the filters `pairs` use;
/// a filter given twice, or with a value it cannot read, is a failure. Other
/// parameters are no filters of this list, and are left alone.
pub fn conditions(
    filters: &[&[Filter]],
    pairs: &[(String, String)],
    failures: &mut Vec<(String, String)>,
) -> (String, Vec<SqlValue>) {
    let mut sql = String::new();
    let mut binds = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    for (name, value) in pairs {
        let Some(filter) = filters
            .iter()
            .flat_map(|f| f.iter())
            .find(|f| f.param == name)
        else {
            continue;
        };
        if seen.contains(&filter.param) {
            failures.push((name.clone(), "is given more than once".into()));
            continue;
        }
        seen.push(filter.param);
        match filter.read(value) {
            Ok(bind) => {
                sql.push_str(" AND ");
                sql.push_str(filter.condition);
                binds.push(bind);
            }
            Err(message) => failures.push((name.clone(), message)),
        }
    }
    (sql, binds)
}

/// A list's statement: rows of `columns` (of `c`, a row of `table`) on the
/// page, each with `me` (the token's account, no row at all without one),
/// `total` (every match) and, with `campaign`, `campaign_found` (the
/// campaign when the account's); a page with no item is one row without `c`.
pub struct List<'a> {
    pub table: &'a str,
    pub columns: &'a str,
    pub campaign: Option<i64>,
    /// The scope's condition within the account, e.g. ` AND campaign_id = ?`.
    pub scope: (&'a str, Vec<SqlValue>),
    pub filters: (String, Vec<SqlValue>),
}

impl<'a> List<'a> {
    /// The account's rows of `table` that match `filters`.
    pub fn of(table: &'a str, columns: &'a str, filters: (String, Vec<SqlValue>)) -> Self {
        Self {
            table,
            columns,
            campaign: None,
            scope: ("", Vec::new()),
            filters,
        }
    }

    /// Only the rows of `campaign`, which must be the account's (404).
    pub fn in_campaign(self, campaign: i64) -> Self {
        Self {
            campaign: Some(campaign),
            scope: (" AND campaign_id = ?", vec![SqlValue::Integer(campaign)]),
            ..self
        }
    }

    pub fn statement(self, token: &Token, page: Page) -> Statement {
        let Self {
            table,
            columns,
            campaign,
            scope: (scope, scope_binds),
            filters: (conditions, binds),
        } = self;
        let (campaign_column, campaign_join) = match campaign {
            Some(_) => (
                ", k.id AS campaign_found",
                " LEFT JOIN upcall_campaigns AS k ON k.id = ? AND k.account_id = a.id",
            ),
            None => ("", ""),
        };
        let matching = format!("FROM {table} WHERE account_id = {ACCOUNT}{scope}{conditions}");
        let mut statement = Statement::new(format!(
            "SELECT a.id AS me, t.total{campaign_column}, {columns} \
             FROM upcall_accounts AS a{campaign_join} \
             LEFT JOIN (SELECT COUNT(*) AS total {matching}) AS t ON 1 \
             LEFT JOIN (SELECT * {matching} ORDER BY id LIMIT ? OFFSET ?) AS c ON 1 \
             WHERE a.token_hash = ? \
             ORDER BY c.id"
        ));
        if let Some(campaign) = campaign {
            statement = statement.bind(campaign);
        }
        for _ in 0..2 {
            statement = statement.bind(token.hash.as_str());
            for bind in scope_binds.iter().chain(&binds).cloned() {
                statement = statement.bind(bind);
            }
        }
        // The page's LIMIT and OFFSET follow the second copy of the filters.
        statement
            .bind(page.size)
            .bind(page.offset())
            .bind(token.hash.as_str())
    }
}

/// A row of a resource's columns, as SQL returns it.
pub trait Row: DeserializeOwned {
    type Attributes: Serialize;

    /// The resource, when the row has one (a `LEFT JOIN` may find none).
    fn resource(self) -> Option<Resource<Self::Attributes>>;
}

/// A row of a list's or a lookup's statement: the resource's columns and
/// what the statement says beside them.
#[derive(Deserialize)]
pub struct Listed<R> {
    pub me: Option<i64>,
    pub total: Option<i64>,
    pub campaign_found: Option<i64>,
    #[serde(flatten)]
    pub row: R,
}

/// The rows of a statement: 401 when there are none or the first has no
/// account (the token is unknown).
pub fn rows<R: DeserializeOwned>(
    result: Option<QueryResult>,
) -> Result<Vec<Listed<R>>, UpcallError> {
    let rows: Vec<Listed<R>> = result
        .map(QueryResult::decode)
        .transpose()?
        .unwrap_or_default();
    match rows.first() {
        Some(first) if first.me.is_some() => Ok(rows),
        _ => Err(UpcallError::Unauthorized),
    }
}

/// The one resource of a lookup's result, or 404 naming `resource`.
pub fn one<R: Row>(
    result: Option<QueryResult>,
    resource: &'static str,
) -> Result<Resource<R::Attributes>, UpcallError> {
    rows::<R>(result)?
        .into_iter()
        .next()
        .and_then(|listed| listed.row.resource())
        .ok_or(UpcallError::NotFound(resource))
}

/// Runs `list` and answers its page: 401 for an unknown token, 404 for a
/// campaign that is not the account's.
pub async fn answer<R: Row>(
    ctx: &Ctx,
    token: &Token,
    list: List<'_>,
    page: Page,
    uri: &Uri,
    headers: &HeaderMap,
) -> Result<Response, UpcallError> {
    let campaign = list.campaign;
    let result = ctx.db.all(list.statement(token, page)).await?;
    let rows = rows::<R>(Some(result))?;
    let (total, found) = rows.first().map_or((0, None), |first| {
        (first.total.unwrap_or(0), first.campaign_found)
    });
    if campaign.is_some() && found.is_none() {
        return Err(UpcallError::NotFound("Campaign"));
    }
    let items = rows
        .into_iter()
        .filter_map(|listed| listed.row.resource())
        .collect();
    Ok(jsonapi::list(uri, headers, page, total, items))
}

/// Reads a list request's page and filters (the lists of `filters`
/// together): 400 listing every failure.
pub fn read_list(
    uri: &Uri,
    filters: &[&[Filter]],
) -> Result<(Page, (String, Vec<SqlValue>)), UpcallError> {
    let pairs = query_pairs(uri);
    let mut failures = Vec::new();
    let page = jsonapi::page(&pairs, &mut failures);
    let conditions = conditions(filters, &pairs, &mut failures);
    if failures.is_empty() {
        Ok((page, conditions))
    } else {
        Err(UpcallError::Invalid(failures))
    }
}
