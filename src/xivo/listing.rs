//! XiVO's lists: `{"total", "items"}`, paged by `_page` and `_pagesize` as
//! the original reads them, and narrowed by equality filters on a resource's
//! known properties (any other parameter not starting with `_` is a 400, so
//! that a misspelt filter never answers everything).

use axum::response::Response;
use http::Uri;
use serde::Serialize;

use super::body::{incorrect, unparsable};
use super::XivoError;
use crate::http::query_pairs;
use crate::ports::SqlValue;

/// A property a list may be filtered on, by equality: the query parameter
/// and the SQL expression it is compared with (`c.campaign_name`).
#[derive(Debug, Clone, Copy)]
pub struct Filter {
    pub param: &'static str,
    pub column: &'static str,
}

impl Filter {
    pub const fn new(param: &'static str, column: &'static str) -> Self {
        Self { param, column }
    }
}

/// What a list request asks for.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Listing {
    /// ` AND <column> = ?` for each filter given, in the request's order.
    pub conditions: String,
    /// The filters' values, for the conditions' `?`.
    pub binds: Vec<SqlValue>,
    /// `(LIMIT, OFFSET)` when `_page` and `_pagesize` ask for a page.
    pub page: Option<(i64, i64)>,
    /// The parameters the resource reads itself (`running`, `key`).
    pub own: Vec<(String, String)>,
}

impl Listing {
    /// The value of one of the resource's own parameters.
    pub fn own(&self, name: &str) -> Option<&str> {
        self.own
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// ` LIMIT ? OFFSET ?` with its values when a page is asked for, else
    /// nothing.
    pub fn limit(&self) -> (&'static str, Vec<SqlValue>) {
        match self.page {
            Some((limit, offset)) => (
                " LIMIT ? OFFSET ?",
                vec![SqlValue::Integer(limit), SqlValue::Integer(offset)],
            ),
            None => ("", Vec::new()),
        }
    }
}

/// The largest page size and page read as such (beyond, the offset could
/// not be exact); larger values are refused like other bad parameters.
const MAX_PAGING: i64 = 1_000_000_000;

/// The page of `_page` and `_pagesize`, as the original: both must be given;
/// `_page` counts from 1; with `_page` below 1 or `_pagesize` below 0 the list
/// is whole. A value that is not an integer is 400.
fn page(page: Option<&str>, size: Option<&str>) -> Result<Option<(i64, i64)>, XivoError> {
    let (Some(page), Some(size)) = (page, size) else {
        return Ok(None);
    };
    let read = |value: &str| {
        value
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|n| n.abs() <= MAX_PAGING)
            .ok_or_else(unparsable)
    };
    let (page, size) = (read(page)?, read(size)?);
    Ok((page > 0 && size >= 0).then(|| (size, (page - 1) * size)))
}

/// Reads a list request: `filters` are the properties it may be filtered on,
/// `own` the other parameters the resource reads itself.
pub fn read(uri: &Uri, filters: &[Filter], own: &[&str]) -> Result<Listing, XivoError> {
    let pairs = query_pairs(uri);
    let mut listing = Listing::default();
    let mut unknown = Vec::new();
    let last = |name: &str| {
        pairs
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    listing.page = page(last("_page"), last("_pagesize"))?;
    for (name, value) in &pairs {
        if name.starts_with('_') {
            continue;
        }
        if own.contains(&name.as_str()) {
            listing.own.push((name.clone(), value.clone()));
        } else if let Some(filter) = filters.iter().find(|f| f.param == name) {
            listing
                .conditions
                .push_str(&format!(" AND {} = ?", filter.column));
            listing.binds.push(SqlValue::Text(value.clone()));
        } else if !unknown.contains(name) {
            unknown.push(name.clone());
        }
    }
    if !unknown.is_empty() {
        return Err(XivoError::BadRequest(vec![incorrect(&unknown)]));
    }
    Ok(listing)
}

/// `{"total": total, "items": items}`, with XiVO's content type.
pub fn answer<T: Serialize>(total: i64, items: &[T]) -> Result<Response, XivoError> {
    #[derive(Serialize)]
    struct List<'a, T> {
        total: i64,
        items: &'a [T],
    }
    super::json(&List { total, items })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listing(query: &str) -> Result<Listing, XivoError> {
        let uri: Uri = format!("/x?{query}").parse().unwrap();
        read(
            &uri,
            &[Filter::new("campaign_name", "c.campaign_name")],
            &["running"],
        )
    }

    #[test]
    fn paging_needs_both_parameters_and_counts_pages_from_one() {
        assert_eq!(
            listing("_page=2&_pagesize=10").unwrap().page,
            Some((10, 10))
        );
        assert_eq!(listing("_page=1&_pagesize=0").unwrap().page, Some((0, 0)));
        for whole in [
            "_page=2",
            "_pagesize=3",
            "_page=0&_pagesize=3",
            "_page=1&_pagesize=-1",
        ] {
            assert_eq!(listing(whole).unwrap().page, None, "{whole}");
        }
        for bad in ["_page=x&_pagesize=1", "_page=1&_pagesize=99999999999"] {
            assert!(listing(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn known_filters_compare_unknown_ones_are_named_and_own_ones_kept() {
        let read = listing("campaign_name=a&running=true&_other=1").unwrap();
        assert_eq!(read.conditions, " AND c.campaign_name = ?");
        assert_eq!(read.binds, vec![SqlValue::Text("a".into())]);
        assert_eq!(read.own("running"), Some("true"));
        match listing("colour=red&size=1&colour=blue") {
            Err(XivoError::BadRequest(messages)) => {
                assert_eq!(messages, ["Incorrect parameters sent: colour, size"]);
            }
            other => panic!("{other:?}"),
        }
    }
}
