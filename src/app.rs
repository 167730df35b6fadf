//! The one router both hosts serve: every API merged at its documented paths,
//! the cross-cutting edge layer around them, and the state handlers extract.

use std::sync::Arc;

use axum::routing::{get, post};
use axum::Router;

use crate::config::Config;
use crate::http::{self, Dialects};
use crate::ports::{Background, Clock, EdgeCache, HttpClient, Ids, Kv, Log, Sql};
use crate::{aircall, health, provider_state, xivo};

/// The ports and the configuration. Cheap to clone; handlers take what they
/// need through [`crate::http::Ctx`].
#[derive(Clone)]
pub struct AppState {
    pub sql: Arc<dyn Sql>,
    pub kv: Arc<dyn Kv>,
    pub cache: Arc<dyn EdgeCache>,
    pub clock: Arc<dyn Clock>,
    pub ids: Arc<dyn Ids>,
    pub log: Arc<dyn Log>,
    pub http: Arc<dyn HttpClient>,
    pub background: Arc<dyn Background>,
    pub config: Arc<Config>,
}

/// Which API answers errors for which paths (the first match wins). Paths
/// outside every API get the host's own JSON errors.
pub const DIALECTS: Dialects = Dialects(&[
    (xivo::PREFIX, xivo::error_response),
    ("/auth", aircall::error_response),
    ("/me", aircall::error_response),
    ("/calls", aircall::error_response),
    ("/pusher", aircall::error_response),
]);

pub fn router(state: AppState) -> Router {
    let mut router = Router::new().route("/healthz", get(health::healthz));
    // Provider states exist only where a token is configured (never in
    // production): elsewhere the path is as unknown as any other.
    if state.config.conformance_state_token.is_some() {
        router = router.route(provider_state::PATH, post(provider_state::load));
    }
    router
        .merge(xivo::router(state.clone()))
        .merge(aircall::router())
        .fallback(http::not_found)
        .method_not_allowed_fallback(http::method_not_allowed)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            http::edge,
        ))
        .with_state(state)
}
