//! The Upcall API v1, under `/api/v1`: campaigns, numbers, a campaign's
//! numbers, calls and credits as JSON:API resources, per account (each request's `auth_token`, or `Authorization: Token
//! token=...`), and the admin route that opens accounts. Errors are `{"errors": {"<field>": [...]}}`. One file per
//! resource; choices where the document is silent: `docs/upcall.md`.

mod accounts;
mod calls;
mod campaign_numbers;
mod campaigns;
mod credits;
mod dataset;
mod error;
pub mod jsonapi;
mod numbers;
mod query;
pub mod token;

use axum::routing::{get, post};
use axum::Router;

use crate::config::Config;
use crate::http::{AppState, BodyLimit, SMALL_BODY};

pub use campaigns::STATUSES;
pub use dataset::statements as dataset;
pub use error::{error_response, UpcallError};

/// Every Upcall path starts here.
pub const PREFIX: &str = "/api/v1";

/// Upcall's bodies are one resource object each.
pub const BODY_LIMITS: &[BodyLimit] = &[
    BodyLimit::new("POST", "/api/v1/**", SMALL_BODY),
    BodyLimit::new("PATCH", "/api/v1/**", SMALL_BODY),
];

/// The Upcall routes, at the reference's paths; the admin route only with an
/// `ADMIN_API_KEY`.
pub fn router(config: &Config) -> Router<AppState> {
    let mut router = Router::new();
    if config.admin_api_key.is_some() {
        router = router.route("/api/v1/admin/accounts", post(accounts::create));
    }
    router
        .route(
            "/api/v1/campaigns",
            get(campaigns::list)
                .post(campaigns::create)
                .patch(campaigns::update_by_body),
        )
        .route(
            "/api/v1/campaigns/{id}",
            get(campaigns::show)
                .patch(campaigns::update)
                .delete(campaigns::delete),
        )
        .route(
            "/api/v1/campaigns/{id}/numbers",
            get(campaign_numbers::list).post(campaign_numbers::add),
        )
        .route(
            "/api/v1/campaigns/{id}/numbers/calls",
            get(calls::of_campaign),
        )
        .route("/api/v1/numbers", get(numbers::list).post(numbers::create))
        .route(
            "/api/v1/numbers/{id}",
            get(numbers::show).patch(numbers::update),
        )
        .route("/api/v1/calls", get(calls::list))
        .route("/api/v1/calls/{id}", get(calls::show))
        .route("/api/v1/credits", get(credits::show).post(credits::add))
}
