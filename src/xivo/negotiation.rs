//! XiVO's request guard, in the original's order: a body that is not JSON is
//! 415, an `Accept` that excludes JSON is 406, then the credentials (401):
//! HTTP Digest (`digest.rs`), or HTTP Basic where `XIVO_BASIC_AUTH` allows.

use axum::body::HttpBody as _;
use axum::extract::{FromRequestParts as _, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::header::{ACCEPT, AUTHORIZATION};
use http::request::Parts;
use http::{HeaderMap, Method};

use super::digest::{self, NonceKey, Verdict};
use super::XivoError;
use crate::config::Credentials;
use crate::http::{basic, content_type, media_type, same_secret, AppState, Ctx};
use crate::ports::{PlatformError, Statement};

/// Whether the request has a body. The edge layer has read it whole already,
/// so its size is known exactly, whatever the headers said.
fn carries_body(request: &Request) -> bool {
    request.body().size_hint().lower() > 0
}

fn is_json(headers: &HeaderMap) -> bool {
    content_type(headers).is_some_and(|t| t == "application/json")
}

/// A missing (or blank) `Accept` is fine; otherwise it must list
/// `application/json`, or be nothing but `*/*`.
fn accepts_json(headers: &HeaderMap) -> bool {
    let mut types = Vec::new();
    for value in headers.get_all(ACCEPT) {
        let Ok(value) = value.to_str() else {
            return false;
        };
        types.extend(value.split(',').map(media_type).filter(|t| !t.is_empty()));
    }
    types.is_empty()
        || types.iter().any(|t| t == "application/json")
        || types.iter().all(|t| t == "*/*")
}

/// HTTP Basic credentials, compared in constant time (both halves always).
fn basic_authorized(headers: &HeaderMap, expected: &Credentials) -> bool {
    let Some((username, password)) = basic(headers) else {
        return false;
    };
    let user_ok = same_secret(&username, &expected.username);
    let password_ok = same_secret(&password, &expected.password);
    user_ok & password_ok
}

/// What the credentials of a request come to.
enum Outcome {
    Allowed,
    Refused { stale: bool },
}

const REFUSED: Outcome = Outcome::Refused { stale: false };

/// Methods whose replay repeats nothing: their Digest answers are not
/// remembered (no D1 round trip).
fn is_safe(method: &Method) -> bool {
    *method == Method::GET || *method == Method::HEAD
}

/// How long after its nonce expired a `(nonce, nc)` pair is still kept, in
/// seconds: room for isolates whose clocks differ a little.
const SWEEP_GRACE: i64 = 60;

/// Records that `used` has been used; `false` when it was already: a replay.
/// One D1 round trip (a batch): the pair is inserted unless present, and the
/// pairs of expired nonces are swept.
async fn first_use(ctx: &Ctx, used: &digest::NonceUse) -> Result<bool, PlatformError> {
    let now = ctx.clock.now().timestamp();
    let results = ctx
        .db
        .batch(vec![
            Statement::new(
                "INSERT INTO xivo_digest_nonce_counts (nonce, nc, expires_at) VALUES (?, ?, ?) \
                 ON CONFLICT (nonce, nc) DO NOTHING RETURNING nc",
            )
            .bind(used.nonce.as_str())
            .bind(i64::from(used.nc))
            .bind(used.expires_at),
            Statement::new("DELETE FROM xivo_digest_nonce_counts WHERE expires_at < ?")
                .bind(now.saturating_sub(SWEEP_GRACE)),
        ])
        .await?;
    Ok(results
        .first()
        .is_some_and(|result| !result.rows.is_empty()))
}

/// HTTP Digest, or HTTP Basic where the configuration allows it. The
/// `Authorization` header must be one, of one of these schemes.
async fn authenticate(ctx: &Ctx, parts: &Parts) -> Result<Outcome, PlatformError> {
    let config = &ctx.config;
    let Some(credentials) = config.xivo.as_ref() else {
        return Ok(REFUSED);
    };
    let mut values = parts.headers.get_all(AUTHORIZATION).iter();
    let (Some(value), None) = (values.next(), values.next()) else {
        return Ok(REFUSED);
    };
    let Some(params) = digest::digest_params(value.as_bytes()) else {
        let basic_ok = config.xivo_basic_auth && basic_authorized(&parts.headers, credentials);
        return Ok(if basic_ok { Outcome::Allowed } else { REFUSED });
    };
    let Some(key) = NonceKey::for_config(config) else {
        return Ok(REFUSED);
    };
    let target = digest::Target {
        method: parts.method.as_str(),
        uri: parts.uri.path_and_query().map_or("/", |p| p.as_str()),
        now: ctx.clock.now().timestamp(),
    };
    match digest::verify(credentials, &key, params, &target) {
        Verdict::Accepted(used) => {
            if is_safe(&parts.method) || first_use(ctx, &used).await? {
                Ok(Outcome::Allowed)
            } else {
                Ok(REFUSED)
            }
        }
        Verdict::Stale => Ok(Outcome::Refused { stale: true }),
        Verdict::Refused => Ok(REFUSED),
    }
}

/// The 401: Digest challenges with a fresh nonce, and Basic's where allowed.
fn unauthorized(ctx: &Ctx, stale: bool) -> Response {
    let challenges = NonceKey::for_config(&ctx.config)
        .map(|key| {
            digest::challenges(
                &key,
                ctx.clock.now().timestamp(),
                ctx.ids.uuid().as_bytes(),
                stale,
                ctx.config.xivo_basic_auth,
            )
        })
        .unwrap_or_default();
    XivoError::Unauthorized(challenges).into_response()
}

pub async fn guard(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let headers = request.headers();
    if carries_body(&request) && !is_json(headers) {
        return XivoError::UnsupportedMediaType.into_response();
    }
    if !accepts_json(headers) {
        return XivoError::NotAcceptable.into_response();
    }
    let (mut parts, body) = request.into_parts();
    // The context meters the replay check's D1 round trip for the access log.
    let Ok(ctx) = Ctx::from_request_parts(&mut parts, &state).await;
    match authenticate(&ctx, &parts).await {
        Ok(Outcome::Allowed) => next.run(Request::from_parts(parts, body)).await,
        Ok(Outcome::Refused { stale }) => unauthorized(&ctx, stale),
        Err(error) => XivoError::from(error).into_response(),
    }
}
