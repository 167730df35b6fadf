//! JSON:API as Upcall speaks it: resources `{"id", "type", "attributes"}` in
//! a `data` document, lists with `links.self/next/last` paged by
//! `page[number]` and `page[size]`, and request bodies
//! `{"data": {"type", "id"?, "attributes"}}` sent as JSON of any of the
//! document's media types.

use axum::response::{IntoResponse, Response};
use http::header::CONTENT_TYPE;
use http::{HeaderMap, StatusCode, Uri};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::UpcallError;
use crate::http::{content_type, origin, parse_json, query_pairs, BodyError, TextField};

/// The media type of every answer.
pub const MEDIA_TYPE: &str = "application/vnd.api+json";
/// Page size when `page[size]` is not given.
pub const DEFAULT_PAGE_SIZE: i64 = 25;
/// The largest `page[size]` accepted.
pub const MAX_PAGE_SIZE: i64 = 100;
/// The largest `page[number]` accepted (far past any real list; it keeps the
/// offset an exact integer).
pub const MAX_PAGE_NUMBER: i64 = 1_000_000_000;

/// One resource object.
#[derive(Debug, Serialize)]
pub struct Resource<A> {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub attributes: A,
}

#[derive(Serialize)]
struct Document<D> {
    data: D,
}

fn answer<T: Serialize>(status: StatusCode, value: &T) -> Response {
    match serde_json::to_vec(value) {
        Ok(body) => (status, [(CONTENT_TYPE, MEDIA_TYPE)], body).into_response(),
        Err(e) => UpcallError::Internal(format!("serializing an answer: {e}")).into_response(),
    }
}

/// `{"data": resource}` with `status`.
pub fn one<A: Serialize>(status: StatusCode, resource: Resource<A>) -> Response {
    answer(status, &Document { data: resource })
}

/// The page a list is asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub number: i64,
    pub size: i64,
}

impl Page {
    pub fn offset(self) -> i64 {
        (self.number - 1) * self.size
    }
}

fn page_parameter(
    pairs: &[(String, String)],
    name: &str,
    default: i64,
    max: i64,
    failures: &mut Vec<(String, String)>,
) -> i64 {
    let Some((_, value)) = pairs.iter().rev().find(|(k, _)| k == name) else {
        return default;
    };
    match value.trim().parse::<i64>() {
        Ok(n) if (1..=max).contains(&n) => n,
        _ => {
            failures.push((
                name.to_owned(),
                format!("must be an integer from 1 to {max}"),
            ));
            default
        }
    }
}

/// `page[number]` (from 1, default 1) and `page[size]` (default
/// [`DEFAULT_PAGE_SIZE`], at most [`MAX_PAGE_SIZE`]); anything else is a
/// failure on that parameter.
pub fn page(pairs: &[(String, String)], failures: &mut Vec<(String, String)>) -> Page {
    Page {
        number: page_parameter(pairs, "page[number]", 1, MAX_PAGE_NUMBER, failures),
        size: page_parameter(
            pairs,
            "page[size]",
            DEFAULT_PAGE_SIZE,
            MAX_PAGE_SIZE,
            failures,
        ),
    }
}

/// A list's links.
#[derive(Debug, Serialize)]
pub struct Links {
    #[serde(rename = "self")]
    pub this: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
    pub last: String,
}

#[derive(Serialize)]
struct ListDocument<A> {
    data: Vec<Resource<A>>,
    links: Links,
}

/// A page of `total` items as a list document: the links keep `auth_token`
/// (when the request had it in its query), then every other parameter in the
/// request's order, then `page[number]` and `page[size]`. `next` only when
/// there is a next page.
pub fn list<A: Serialize>(
    uri: &Uri,
    headers: &HeaderMap,
    page: Page,
    total: i64,
    items: Vec<Resource<A>>,
) -> Response {
    let pairs = query_pairs(uri);
    let base = format!("{}{}", origin(uri, headers), uri.path());
    let last_number = ((total + page.size - 1) / page.size).max(1);
    let link = |number: i64| {
        let mut query = form_urlencoded::Serializer::new(String::new());
        for (name, value) in pairs.iter().filter(|(k, _)| k == "auth_token") {
            query.append_pair(name, value);
        }
        for (name, value) in pairs
            .iter()
            .filter(|(k, _)| !matches!(k.as_str(), "auth_token" | "page[number]" | "page[size]"))
        {
            query.append_pair(name, value);
        }
        query.append_pair("page[number]", &number.to_string());
        query.append_pair("page[size]", &page.size.to_string());
        format!("{base}?{}", query.finish())
    };
    let links = Links {
        this: link(page.number),
        next: (page.number < last_number).then(|| link(page.number + 1)),
        last: link(last_number),
    };
    answer(StatusCode::OK, &ListDocument { data: items, links })
}

/// A request body's resource object: its `type`, `id` and `attributes`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Data<A: Default> {
    #[serde(rename = "type")]
    pub kind: TextField,
    pub id: TextField,
    pub attributes: A,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, bound = "A: Deserialize<'de> + Default")]
struct Envelope<A: Default> {
    data: Option<Data<A>>,
}

/// Whether a body of this `Content-Type` is read as JSON: the JSON media
/// types (`application/json`, `application/vnd.api+json`, any `+json`), the
/// document's `text/json`, and none at all (the document's Ruby example sends
/// its JSON without one).
fn is_json(headers: &HeaderMap) -> bool {
    if !headers.contains_key(CONTENT_TYPE) {
        return true;
    }
    content_type(headers)
        .is_some_and(|t| t == "application/json" || t == "text/json" || t.ends_with("+json"))
}

/// Reads `{"data": {"type": kind, ...}}` with attributes `A`: 415 for a body
/// that is not JSON, 400 for malformed JSON, a missing `data` or a `type`
/// other than `kind`.
pub fn read<A: DeserializeOwned + Default>(
    headers: &HeaderMap,
    body: &[u8],
    kind: &str,
) -> Result<Data<A>, UpcallError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(UpcallError::invalid("data", "is required"));
    }
    if !is_json(headers) {
        return Err(BodyError::UnsupportedMediaType.into());
    }
    let envelope: Envelope<A> = parse_json(body)?;
    let data = envelope
        .data
        .ok_or_else(|| UpcallError::invalid("data", "is required"))?;
    match &data.kind {
        TextField::Text(given) if given == kind => Ok(data),
        _ => Err(UpcallError::invalid("type", format!("must be {kind}"))),
    }
}

/// The id of a path (`/campaigns/:id`), or 404 naming `resource` for
/// anything that is not one.
pub fn path_id(
    path: Result<axum::extract::Path<String>, axum::extract::rejection::PathRejection>,
    resource: &'static str,
) -> Result<i64, UpcallError> {
    crate::http::path_id(path).ok_or(UpcallError::NotFound(resource))
}

/// Reads an update of resource `id`: [`read`], and a `data.id`, when given,
/// must be `id`.
pub fn read_update<A: DeserializeOwned + Default>(
    headers: &HeaderMap,
    body: &[u8],
    kind: &str,
    id: i64,
) -> Result<A, UpcallError> {
    let data = read::<A>(headers, body, kind)?;
    match &data.id {
        TextField::Missing => Ok(data.attributes),
        TextField::Text(given) if self::id(given) == Some(id) => Ok(data.attributes),
        _ => Err(UpcallError::invalid("id", "must be the id of the URL")),
    }
}

/// A failure for each attribute of `other` (those a request may not send).
pub fn unknown_attributes<V>(
    other: &std::collections::BTreeMap<String, V>,
    kind: &str,
) -> Vec<(String, String)> {
    other
        .keys()
        .map(|name| (name.clone(), format!("is not an attribute of {kind}")))
        .collect()
}

/// A text attribute of at most `max` characters (`None` when not given), or
/// a failure on `name`.
pub fn text(
    field: TextField,
    name: &str,
    max: usize,
    failures: &mut Vec<(String, String)>,
) -> Option<String> {
    match field {
        TextField::Missing => None,
        TextField::NotText => {
            failures.push((name.into(), "must be a string".into()));
            None
        }
        TextField::Text(text) if text.chars().count() > max => {
            failures.push((name.into(), format!("must be at most {max} characters")));
            None
        }
        TextField::Text(text) => Some(text),
    }
}

/// An id from the path or a body: a positive integer that D1 binds exactly.
/// Anything else names no resource.
pub use crate::http::positive_id as id;

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(query: &str) -> Vec<(String, String)> {
        query_pairs(&format!("/x?{query}").parse::<Uri>().unwrap())
    }

    #[test]
    fn pages_default_to_the_first_of_twenty_five_and_refuse_the_rest() {
        let mut failures = Vec::new();
        assert_eq!(
            page(&pairs(""), &mut failures),
            Page {
                number: 1,
                size: 25
            }
        );
        assert_eq!(
            page(&pairs("page%5Bnumber%5D=3&page[size]=100"), &mut failures),
            Page {
                number: 3,
                size: 100
            }
        );
        assert!(failures.is_empty());
        for bad in [
            "page[size]=0",
            "page[size]=101",
            "page[number]=-1",
            "page[number]=x",
            "page[size]=1.5",
        ] {
            let mut failures = Vec::new();
            page(&pairs(bad), &mut failures);
            assert_eq!(failures.len(), 1, "{bad}");
        }
    }

    #[test]
    fn ids_are_positive_integers_only() {
        assert_eq!(id("123"), Some(123));
        for bad in [
            "",
            "0",
            "-1",
            "1e3",
            "12a",
            "99999999999999999999",
            "9007199254740992",
        ] {
            assert_eq!(id(bad), None, "{bad}");
        }
    }
}
