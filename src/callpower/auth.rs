//! The key every Call Power route but the public count asks for: an
//! `api_key` query parameter equal to `ADMIN_API_KEY`, compared in constant
//! time. Without that setting no key opens the API.

use axum::extract::FromRequestParts;
use http::request::Parts;

use super::CallPowerError;
use crate::http::{query_pairs, query_param, same_secret, AppState};

/// Proof that the request carried the administrators' key.
pub struct ApiKey;

impl FromRequestParts<AppState> for ApiKey {
    type Rejection = CallPowerError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let pairs = query_pairs(&parts.uri);
        match (
            state.config.admin_api_key.as_ref(),
            query_param(&pairs, "api_key"),
        ) {
            (Some(key), Some(given)) if same_secret(given, &key.0) => Ok(Self),
            _ => Err(CallPowerError::Unauthorized),
        }
    }
}
