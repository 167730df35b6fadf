//! The one router both hosts serve: every API merged at its documented paths,
//! and the cross-cutting edge layer around them with the rules it needs from
//! each API (its error dialect, its routes' body limits). Nothing below this
//! module imports it: the state lives in `http/`.

use ::http::{Method, Uri};
use axum::routing::{get, post};
use axum::Router;

use crate::http::{self, AppState, BodyLimits, Dialects, Edge, EdgeRules};
use crate::{aircall, callpower, health, provider_state, realtime, upcall, xivo};

/// What the edge layer needs from each API: which API answers errors for
/// which paths (the first match wins; paths outside every API get the host's
/// own JSON errors), and the body limits of the routes that take a body.
pub static RULES: EdgeRules = EdgeRules {
    dialects: Dialects(&[
        (xivo::PREFIX, xivo::error_response),
        (upcall::PREFIX, upcall::error_response),
        // Below Upcall's /api/v1, which the first match keeps.
        (callpower::PREFIX, callpower::error_response),
        ("/auth", aircall::error_response),
        ("/me", aircall::error_response),
        ("/calls", aircall::error_response),
        ("/pusher", aircall::error_response),
        // The built-in realtime server: Pusher's sockets and HTTP API.
        ("/app", realtime::error_response),
        ("/apps", realtime::error_response),
    ]),
    body_limits: BodyLimits(&[
        xivo::BODY_LIMITS,
        aircall::BODY_LIMITS,
        upcall::BODY_LIMITS,
        callpower::BODY_LIMITS,
        realtime::BODY_LIMITS,
    ]),
};

pub fn router(state: AppState) -> Router {
    let mut router = Router::new().route("/healthz", get(health::healthz));
    // Provider states exist only in development with a long enough token
    // (`Config` decides): elsewhere the path is as unknown as any other.
    if state.config.conformance_state_token.is_some() {
        router = router.route(provider_state::PATH, post(provider_state::load));
    }
    router
        .merge(xivo::router(state.clone()))
        .merge(aircall::router())
        .merge(upcall::router(&state.config))
        .merge(callpower::router())
        .merge(realtime::router())
        .fallback(|method: Method, uri: Uri| async move { RULES.dialects.not_found(&method, &uri) })
        .method_not_allowed_fallback(|method: Method, uri: Uri| async move {
            RULES.dialects.method_not_allowed(&method, &uri)
        })
        .layer(axum::middleware::from_fn_with_state(
            Edge {
                state: state.clone(),
                rules: &RULES,
            },
            http::edge,
        ))
        .with_state(state)
}
