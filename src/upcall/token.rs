//! Authentication: the `auth_token` query parameter (the document) or
//! `Authorization: Token token=<token>` (later versions). Only the token's
//! SHA-256 is ever looked up or stored; each route checks it in the same D1
//! round trip as its own query (see [`ACCOUNT`]).

use axum::extract::FromRequestParts;
use http::header::AUTHORIZATION;
use http::request::Parts;
use sha2::{Digest, Sha256};

use super::UpcallError;
use crate::http::AppState;

/// The account of the request's token, as SQL: binds the token's hash.
pub const ACCOUNT: &str = "(SELECT id FROM upcall_accounts WHERE token_hash = ?)";

/// The request's token, hashed. Whether an account has it is for the route's
/// query to say: a token alone proves nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// Lower-case hex SHA-256 of the token.
    pub hash: String,
    /// Whether it came as `auth_token` in the query (page links keep it).
    pub in_query: bool,
}

/// Lower-case hex SHA-256 of `token`, as `upcall_accounts.token_hash` keeps it.
pub fn hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// The `auth_token` of a query string, if given (and not empty).
fn from_query(query: &str) -> Option<String> {
    form_urlencoded::parse(query.as_bytes())
        .find(|(name, _)| name == "auth_token")
        .map(|(_, value)| value.into_owned())
        .filter(|value| !value.is_empty())
}

/// The token of `Authorization: Token token=<token>` (or `token="<token>"`).
fn from_header(parts: &Parts) -> Option<String> {
    let value = parts.headers.get(AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, params) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("Token") {
        return None;
    }
    let token = params.trim().strip_prefix("token=")?;
    let token = token
        .strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .unwrap_or(token);
    (!token.is_empty()).then(|| token.to_owned())
}

impl FromRequestParts<AppState> for Token {
    type Rejection = UpcallError;

    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, Self::Rejection> {
        let query = from_query(parts.uri.query().unwrap_or_default());
        let header = from_header(parts);
        match (query, header) {
            (Some(q), Some(h)) if q != h => Err(UpcallError::Unauthorized),
            (Some(token), _) => Ok(Self {
                hash: hash(&token),
                in_query: true,
            }),
            (None, Some(token)) => Ok(Self {
                hash: hash(&token),
                in_query: false,
            }),
            (None, None) => Err(UpcallError::Unauthorized),
        }
    }
}
