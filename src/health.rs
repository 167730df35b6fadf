//! `GET /healthz`: the running version, and whether D1 answers.

use axum::response::{IntoResponse, Response};
use axum::Json;
use http::header::CACHE_CONTROL;
use http::StatusCode;
use serde_json::json;

use crate::http::Ctx;
use crate::ports::Statement;

/// `GET /healthz`: 200 when D1 answers a trivial query, 503 when it does not.
pub async fn healthz(ctx: Ctx) -> Response {
    let d1 = ctx.db.all(Statement::new("SELECT 1 AS ok")).await.is_ok();
    let status = if d1 {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let body = json!({
        "status": if d1 { "ok" } else { "unavailable" },
        "version": crate::VERSION,
        "environment": ctx.config.environment.as_str(),
        "d1": d1,
    });
    (status, [(CACHE_CONTROL, "no-store")], Json(body)).into_response()
}
