//! The Call Power API under `/api`: the read-only flask-restless collections
//! (calls, campaigns, targets, audio recordings, schedules) searched with
//! `q`, the campaign statistics, the public `count.json` cached at the edge,
//! and the import of a call log. Every route but the count needs the
//! `api_key`; every answer carries `Access-Control-Allow-Origin: *`. Errors
//! are `{"message": ...}`. Choices where the document is silent:
//! `docs/callpower.md`.

mod auth;
mod collection;
mod count;
mod dataset;
mod date_calls;
mod error;
mod import;
mod period;
mod records;
mod schema;
pub mod search;
mod stats;

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use http::header::{
    ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS, ACCESS_CONTROL_ALLOW_ORIGIN,
    ACCESS_CONTROL_MAX_AGE, ACCESS_CONTROL_REQUEST_HEADERS,
};
use http::{HeaderMap, HeaderValue, StatusCode};

use crate::http::{AppState, BodyLimit, BODY_LIMIT};

pub use count::{purge as purge_counts, COUNT_LIFETIME};
pub use dataset::{campaign_ids, statements as dataset};
pub use error::{error_response, CallPowerError};

/// Every Call Power path starts here (Upcall's `/api/v1` is matched first).
pub const PREFIX: &str = "/api";

/// The import takes a call log, as large as any body may be; the other
/// routes take none.
pub const BODY_LIMITS: &[BodyLimit] = &[BodyLimit::new("POST", "/api/import", BODY_LIMIT)];

/// `response` with the header every `/api` answer carries.
pub fn cors(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    response
}

/// `OPTIONS` on any Call Power route: a CORS preflight, allowed from any
/// origin, with whatever headers it asks for.
async fn preflight(headers: HeaderMap) -> Response {
    let mut response = cors(StatusCode::NO_CONTENT.into_response());
    let answer = response.headers_mut();
    answer.insert(
        ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static("GET, POST, OPTIONS"),
    );
    if let Some(asked) = headers.get(ACCESS_CONTROL_REQUEST_HEADERS) {
        answer.insert(ACCESS_CONTROL_ALLOW_HEADERS, asked.clone());
    }
    answer.insert(ACCESS_CONTROL_MAX_AGE, HeaderValue::from_static("86400"));
    response
}

/// Around every Call Power route: every answer allows any origin. (Errors
/// raised before a route is known, or for a method it does not serve, get the
/// header from [`error_response`].)
async fn cross_origin(request: Request, next: Next) -> Response {
    cors(next.run(request).await)
}

/// The Call Power routes: the document's `/api/calls`, and the original's
/// singular collections beside it.
pub fn router() -> Router<AppState> {
    let mut router = Router::new();
    for (path, table) in [
        ("/api/calls", &schema::CALLS),
        ("/api/call", &schema::CALLS),
        ("/api/campaign", &schema::CAMPAIGNS),
        ("/api/target", &schema::TARGETS),
        ("/api/audiorecording", &schema::AUDIO_RECORDINGS),
        ("/api/schedule", &schema::SCHEDULES),
    ] {
        let (list, one) = collection::routes(table);
        router = router
            .route(path, list.options(preflight))
            .route(&format!("{path}/{{id}}"), one.options(preflight));
    }
    router
        .route(
            "/api/campaigns.json",
            get(stats::campaigns).options(preflight),
        )
        .route(
            "/api/campaign/date_calls.json",
            get(date_calls::of_all).options(preflight),
        )
        .route(
            "/api/campaign/{id}/stats.json",
            get(stats::of_campaign).options(preflight),
        )
        .route(
            "/api/campaign/{id}/date_calls.json",
            get(date_calls::of_campaign).options(preflight),
        )
        .route(
            "/api/campaign/{id}/target_calls.json",
            get(date_calls::by_target).options(preflight),
        )
        .route(
            "/api/campaign/{id}/count.json",
            get(count::show).options(preflight),
        )
        .route("/api/import", post(import::import).options(preflight))
        .layer(axum::middleware::from_fn(cross_origin))
}
