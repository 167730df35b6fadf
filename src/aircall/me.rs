//! The current user: `GET /me`.

use axum::response::Response;
use http::StatusCode;

use super::auth::User;
use super::tokens::AccessToken;

/// `GET /me`: `{"id","username"}` of the access token's user.
pub async fn show(AccessToken(token): AccessToken) -> Response {
    super::json(StatusCode::OK, &User::new(&token.session.username))
}
