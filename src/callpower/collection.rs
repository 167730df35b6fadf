//! The flask-restless collections (`/api/call`, `/api/campaign`, ...): a page
//! of a table's rows that a search finds, `{"num_results", "objects", "page",
//! "total_pages"}` with a `Link` header, the one object a `single` search
//! finds, and one row by id. A page is one D1 round trip: its count and its
//! rows in one batch.

use axum::extract::rejection::PathRejection;
use axum::extract::Path;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, MethodRouter};
use axum::Json;
use http::header::LINK;
use http::{HeaderMap, HeaderValue, Uri};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{json, Value};

use super::auth::ApiKey;
use super::schema::Table;
use super::search::{self, Search};
use super::CallPowerError;
use crate::http::{origin, path_id, query_pairs, query_param, AppState, Ctx};
use crate::ports::{SqlValue, Statement, MAX_EXACT_INTEGER};

/// Objects per page when `results_per_page` is not a positive integer.
pub const DEFAULT_RESULTS_PER_PAGE: i64 = 10;
/// The most objects a page holds.
pub const MAX_RESULTS_PER_PAGE: i64 = 100;
/// The highest page asked for that is read as such (far past any real list;
/// it keeps offsets exact).
pub const MAX_PAGE: i64 = 1_000_000_000;

/// The routes of a collection: `GET` the list at `path`, one row at `/<id>`.
pub fn routes(table: &'static Table) -> (MethodRouter<AppState>, MethodRouter<AppState>) {
    let list = get(
        move |ctx: Ctx, key: ApiKey, uri: Uri, headers: HeaderMap| async move {
            list(ctx, key, table, uri, headers).await
        },
    );
    let one = get(
        move |ctx: Ctx, key: ApiKey, id: Result<Path<String>, PathRejection>| async move {
            one(ctx, key, table, id).await
        },
    );
    (list, one)
}

/// The rows a statement answers: each the object as JSON text.
#[derive(Deserialize)]
struct Object {
    object: String,
}

impl Object {
    /// The object as it is, without reading it into a map (which would lose
    /// the order of its members).
    fn json(self) -> Result<Box<RawValue>, CallPowerError> {
        RawValue::from_string(self.object)
            .map_err(|e| CallPowerError::Internal(format!("an object SQL wrote is not JSON: {e}")))
    }
}

#[derive(Deserialize)]
struct Total {
    total: i64,
}

/// A query parameter that must be a positive integer, else `default`.
fn positive(pairs: &[(String, String)], name: &str, default: i64) -> i64 {
    query_param(pairs, name)
        .and_then(|v| v.trim().parse::<i64>().ok())
        .filter(|n| *n > 0)
        .unwrap_or(default)
}

/// The rows `search` finds, ordered, its own `limit` and `offset` applied:
/// SQL to put after `FROM`, and its values.
fn found(table: &Table, search: &Search) -> (String, Vec<SqlValue>) {
    let mut binds = search.binds.clone();
    let source = if search.limit.is_none() && search.offset.is_none() {
        format!("{} AS c WHERE {}", table.sql, search.condition)
    } else {
        binds.push(SqlValue::Integer(search.limit.unwrap_or(-1)));
        binds.push(SqlValue::Integer(search.offset.unwrap_or(0)));
        format!(
            "(SELECT * FROM {} AS c WHERE {} ORDER BY {} LIMIT ? OFFSET ?) AS c",
            table.sql, search.condition, search.order
        )
    };
    (source, binds)
}

/// `GET /api/<collection>`: a page of the rows `q` finds (every row, in id
/// order, without it), `page` and `results_per_page` (default 10, at most
/// 100); with `"single": true` in `q`, the one row found itself.
pub async fn list(
    ctx: Ctx,
    _: ApiKey,
    table: &'static Table,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, CallPowerError> {
    let pairs = query_pairs(&uri);
    let search = search::compile(table, query_param(&pairs, "q"))?;
    let (source, binds) = found(table, &search);
    if search.single {
        let rows: Vec<Object> = ctx
            .db
            .all(
                Statement::new(format!(
                    "SELECT {} AS object FROM {source} ORDER BY {} LIMIT 2",
                    table.object, search.order
                ))
                .bind_all(binds),
            )
            .await?
            .decode()?;
        let mut rows = rows.into_iter();
        return match (rows.next(), rows.next()) {
            (Some(row), None) => Ok(Json(row.json()?).into_response()),
            (None, _) => Err(CallPowerError::NotFound("No result found".into())),
            (Some(_), Some(_)) => Err(CallPowerError::BadRequest("Multiple results found".into())),
        };
    }

    let size =
        positive(&pairs, "results_per_page", DEFAULT_RESULTS_PER_PAGE).min(MAX_RESULTS_PER_PAGE);
    let page = positive(&pairs, "page", 1).min(MAX_PAGE);
    let count =
        Statement::new(format!("SELECT COUNT(*) AS total FROM {source}")).bind_all(binds.clone());
    let rows = Statement::new(format!(
        "SELECT {} AS object FROM {source} ORDER BY {} LIMIT ? OFFSET ?",
        table.object, search.order
    ))
    .bind_all(binds)
    .bind(size)
    .bind((page - 1) * size);
    let mut results = ctx.db.batch(vec![count, rows]).await?.into_iter();
    let (Some(count), Some(rows)) = (results.next(), results.next()) else {
        return Err(CallPowerError::Internal(
            "a batch of two statements answered fewer results".into(),
        ));
    };
    let total = count
        .decode::<Total>()?
        .first()
        .map_or(0, |t| t.total.clamp(0, MAX_EXACT_INTEGER));
    let objects = rows
        .decode::<Object>()?
        .into_iter()
        .map(Object::json)
        .collect::<Result<Vec<_>, _>>()?;
    let total_pages = (total + size - 1) / size;
    let mut response = Json(json!({
        "num_results": total,
        "objects": objects,
        "page": page,
        "total_pages": total_pages,
    }))
    .into_response();
    if let Ok(link) = HeaderValue::from_str(&links(&uri, &headers, &pairs, page, size, total_pages))
    {
        response.headers_mut().insert(LINK, link);
    }
    Ok(response)
}

/// The `Link` header: `rel="next"` when there is a next page, and
/// `rel="last"`; each URL keeps the request's other parameters.
fn links(
    uri: &Uri,
    headers: &HeaderMap,
    pairs: &[(String, String)],
    page: i64,
    size: i64,
    total_pages: i64,
) -> String {
    let base = format!("{}{}", origin(uri, headers), uri.path());
    let link = |number: i64, rel: &str| {
        let mut query = form_urlencoded::Serializer::new(String::new());
        for (name, value) in pairs
            .iter()
            .filter(|(k, _)| k != "page" && k != "results_per_page")
        {
            query.append_pair(name, value);
        }
        query.append_pair("page", &number.to_string());
        query.append_pair("results_per_page", &size.to_string());
        format!("<{base}?{}>; rel=\"{rel}\"", query.finish())
    };
    let last = link(total_pages.max(1), "last");
    if page < total_pages {
        format!("{}, {last}", link(page + 1, "next"))
    } else {
        last
    }
}

/// `GET /api/<collection>/<id>`: the row's object, or 404 `{}`.
pub async fn one(
    ctx: Ctx,
    _: ApiKey,
    table: &'static Table,
    path: Result<Path<String>, PathRejection>,
) -> Result<Response, CallPowerError> {
    let id = path_id(path).ok_or(CallPowerError::NoSuchRow)?;
    let row: Option<Object> = ctx
        .db
        .first(
            Statement::new(format!(
                "SELECT {} AS object FROM {} AS c WHERE c.id = ? LIMIT 1",
                table.object, table.sql
            ))
            .bind(id),
        )
        .await?;
    let row = row.ok_or(CallPowerError::NoSuchRow)?;
    Ok(Json(row.json()?).into_response())
}

/// A JSON value as an answer.
pub fn answer(value: Value) -> Response {
    Json(value).into_response()
}
