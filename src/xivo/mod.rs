//! XiVO REST API 1.0, under `/1.0/`: content negotiation (415, then 406, then
//! HTTP Digest auth, `digest.rs`), JSON lists of messages as errors, and one
//! file per resource. Choices where the document is silent: `docs/xivo.md`.

mod agents;
mod body;
mod dataset;
mod digest;
mod error;
mod listing;
mod negotiation;
mod queues;
mod recording_campaigns;
mod recordings;
mod users;
mod voicemails;

use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use http::header::CONTENT_TYPE as CONTENT_TYPE_HEADER;

use crate::http::{AppState, BodyLimit, SMALL_BODY};

pub use dataset::statements as dataset;
pub use error::{error_response, XivoError};

/// Every XiVO path starts here.
pub const PREFIX: &str = "/1.0";

/// XiVO's document answers 415 to a `GET` whose body is not JSON, so its
/// reads take a small body (to be able to say so) instead of none.
pub const BODY_LIMITS: &[BodyLimit] = &[BodyLimit::new("GET", "/1.0/**", SMALL_BODY)];

/// The XiVO routes. Each list is also served without its trailing slash
/// (the original redirected; a redirect would cost clients a round trip).
pub fn router(state: AppState) -> Router<AppState> {
    Router::new()
        .route("/1.0/CallCenter/agents/", get(agents::list))
        .route("/1.0/CallCenter/agents", get(agents::list))
        // The document's example asks the queue list with POST: serve both.
        .route(
            "/1.0/CallCenter/queues/",
            get(queues::list).post(queues::list),
        )
        .route(
            "/1.0/CallCenter/queues",
            get(queues::list).post(queues::list),
        )
        .merge(users::routes())
        .merge(voicemails::routes())
        .merge(recording_campaigns::routes())
        .merge(recordings::routes())
        .route_layer(axum::middleware::from_fn_with_state(
            state,
            negotiation::guard,
        ))
}

/// The content type of every XiVO JSON body, as the document shows it.
pub const CONTENT_TYPE: &str = "application/json;charset=UTF-8";

/// A 200 JSON answer with XiVO's content type.
fn json<T: serde::Serialize>(value: &T) -> Result<Response, XivoError> {
    let body = serde_json::to_vec(value).map_err(|e| XivoError::Internal(e.to_string()))?;
    Ok(([(CONTENT_TYPE_HEADER, CONTENT_TYPE)], body).into_response())
}
