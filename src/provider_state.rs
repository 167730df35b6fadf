//! `POST /__conformance/state`: loads a dataset of the conformance harness (a
//! provider state, as Pact calls it) in place of one API's data. The route
//! exists only in development with a `CONFORMANCE_STATE_TOKEN` of at least 32
//! bytes (`Config` reports any other case at start), for callers bearing it.

use axum::body::Bytes;
use axum::response::{IntoResponse, Response};
use http::{HeaderMap, StatusCode, Uri};
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::http::{bearer, host_error, origin, same_secret, Ctx, InternalError};
use crate::{aircall, callpower, upcall, xivo};

pub const PATH: &str = "/__conformance/state";

/// The harness's request: the state's name and the dataset itself.
#[derive(Deserialize)]
struct StateRequest {
    state: String,
    dataset: Dataset,
}

/// A dataset file of `fixtures/datasets/`: records spelled as the API
/// represents them, by resource.
#[derive(Deserialize)]
struct Dataset {
    api: String,
    #[serde(default)]
    records: Map<String, Value>,
}

fn failed(cause: String) -> Response {
    InternalError::attach(
        host_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "The state was not loaded",
        ),
        cause,
    )
}

/// `POST /__conformance/state`: replaces the data of the dataset's API by the
/// dataset, atomically (one D1 batch). 204 when done. For Call Power, the
/// cached counts of the campaigns replaced and loaded are purged too.
pub async fn load(ctx: Ctx, uri: Uri, headers: HeaderMap, body: Bytes) -> Response {
    let Some(token) = ctx.config.conformance_state_token.as_ref() else {
        return host_error(StatusCode::NOT_FOUND, &format!("Cannot POST {PATH}"));
    };
    if !bearer(&headers).is_some_and(|given| same_secret(given, &token.0)) {
        return host_error(StatusCode::UNAUTHORIZED, "A valid bearer token is required");
    }
    let request: StateRequest = match serde_json::from_slice(&body) {
        Ok(request) => request,
        Err(e) => {
            return host_error(
                StatusCode::BAD_REQUEST,
                &format!("The body is {{\"state\", \"dataset\"}}: {e}"),
            )
        }
    };
    let statements = match request.dataset.api.as_str() {
        "aircall" => aircall::dataset(&request.dataset.records),
        "xivo" => xivo::dataset(&request.dataset.records),
        "upcall" => upcall::dataset(&request.dataset.records),
        "callpower" => callpower::dataset(&request.dataset.records),
        other => Err(format!("No datasets can be loaded for API {other:?}")),
    };
    let statements = match statements {
        Ok(statements) => statements,
        Err(message) => {
            return host_error(
                StatusCode::BAD_REQUEST,
                &format!("State {:?}: {message}", request.state),
            )
        }
    };
    let callpower = request.dataset.api == "callpower";
    let mut campaigns = Vec::new();
    if callpower {
        match callpower::campaign_ids(&ctx).await {
            Ok(ids) => campaigns = ids,
            Err(error) => return failed(error.0),
        }
    }
    if let Err(error) = ctx.db.batch(statements).await {
        return failed(error.0);
    }
    if callpower {
        match callpower::campaign_ids(&ctx).await {
            Ok(ids) => campaigns.extend(ids),
            Err(error) => return failed(error.0),
        }
        callpower::purge_counts(&ctx, &origin(&uri, &headers), &campaigns).await;
    }
    StatusCode::NO_CONTENT.into_response()
}
