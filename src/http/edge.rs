//! The edge middleware around every route: a request id, the body limit of the
//! route (413 in the API's own dialect, before more of the body is read), and
//! one JSON access-log line per request with what it cost in D1.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use bytes::BytesMut;
use http::header::{HeaderName, HeaderValue, CONTENT_LENGTH};
use http::StatusCode;
use http_body_util::BodyExt;
use serde_json::json;

use super::{AppState, BodyLimits, Dialects, Meter, BODY_LIMIT};

/// What the edge layer knows of the APIs behind it: who answers errors for
/// which paths, and how large a body each route takes.
pub struct EdgeRules {
    pub dialects: Dialects,
    pub body_limits: BodyLimits,
}

/// The edge middleware's state: the app's ports and the rules.
#[derive(Clone)]
pub struct Edge {
    pub state: AppState,
    pub rules: &'static EdgeRules,
}

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// An internal error behind a 500, put in the response's extensions by the
/// API that answered it, so the access log tells what the client is not told.
#[derive(Debug, Clone)]
pub struct InternalError(pub String);

impl InternalError {
    /// `response` (a 500 in some API's dialect) with its `cause` for the log.
    pub fn attach(mut response: Response, cause: String) -> Response {
        response.extensions_mut().insert(Self(cause));
        response
    }
}

/// A client's request id is kept when it is short and plain; otherwise the
/// request gets a fresh UUID.
fn request_id(request: &Request, state: &AppState) -> HeaderValue {
    request
        .headers()
        .get(&REQUEST_ID)
        .filter(|value| {
            let bytes = value.as_bytes();
            !bytes.is_empty()
                && bytes.len() <= 128
                && bytes
                    .iter()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_.:/+=".contains(b))
        })
        .cloned()
        .unwrap_or_else(|| {
            HeaderValue::from_str(&state.ids.uuid().to_string())
                .unwrap_or(HeaderValue::from_static("unknown"))
        })
}

fn declared_length(request: &Request) -> Option<u64> {
    request
        .headers()
        .get(CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
}

/// How much of a refused body is still read (and dropped) before the 413, so
/// that the connection it came on stays usable: `wrangler dev`'s proxy
/// answers 503 to the next request on a connection whose body was left unread.
const DRAIN_LIMIT: usize = 4 * BODY_LIMIT;

/// Reads and drops what is left of `body`, up to [`DRAIN_LIMIT`] bytes.
async fn drain(mut body: Body) {
    let mut read = 0;
    while let Some(Ok(frame)) = body.frame().await {
        read += frame.data_ref().map_or(0, |data| data.len());
        if read > DRAIN_LIMIT {
            break;
        }
    }
}

/// Reads the whole body (at most `limit` bytes, the route's) before the route
/// runs, so that no route ever sees more, whether the length was declared or
/// not; a declared length over the limit is refused before any of it is read.
async fn buffer_body(
    request: Request,
    limit: usize,
    rules: &EdgeRules,
) -> Result<Request, Response> {
    let path = request.uri().path().to_owned();
    let method = request.method().clone();
    let too_large = || {
        let message = if limit == 0 {
            format!("A {method} request takes no body")
        } else {
            format!("Request body larger than {limit} bytes")
        };
        rules.dialects.for_path(&path)(StatusCode::PAYLOAD_TOO_LARGE, &message)
    };
    let declared_too_large = declared_length(&request).is_some_and(|length| length > limit as u64);
    let (parts, mut body) = request.into_parts();
    if declared_too_large {
        drain(body).await;
        return Err(too_large());
    }
    let mut buffer = BytesMut::new();
    while let Some(frame) = body.frame().await {
        let Ok(frame) = frame else {
            return Err(rules.dialects.for_path(&path)(
                StatusCode::BAD_REQUEST,
                "The request body could not be read",
            ));
        };
        if let Some(data) = frame.data_ref() {
            if buffer.len() + data.len() > limit {
                drain(body).await;
                return Err(too_large());
            }
            buffer.extend_from_slice(data);
        }
    }
    Ok(Request::from_parts(parts, Body::from(buffer.freeze())))
}

pub async fn edge(State(edge): State<Edge>, mut request: Request, next: Next) -> Response {
    let Edge { state, rules } = edge;
    let started = state.clock.now();
    let method = request.method().clone();
    // The path only: query strings may carry credentials (`auth_token`).
    let path = request.uri().path().to_owned();
    let id = request_id(&request, &state);
    let meter = Arc::new(Meter::default());
    request.headers_mut().insert(REQUEST_ID, id.clone());
    request.extensions_mut().insert(meter.clone());

    let limit = rules.body_limits.for_request(&method, &path);
    let mut response = match buffer_body(request, limit, rules).await {
        Ok(request) => next.run(request).await,
        Err(response) => response,
    };
    response.headers_mut().insert(REQUEST_ID, id.clone());

    let duration = state.clock.now().signed_duration_since(started);
    let mut line = json!({
        "ts": started.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        "request_id": id.to_str().unwrap_or_default(),
        "method": method.as_str(),
        "path": path,
        "status": response.status().as_u16(),
        "duration_ms": duration.num_milliseconds(),
        "d1_round_trips": meter.round_trips(),
        "d1_rows_read": meter.rows_read(),
        "d1_rows_written": meter.rows_written(),
    });
    if let (Some(InternalError(cause)), Some(fields)) = (
        response.extensions().get::<InternalError>(),
        line.as_object_mut(),
    ) {
        fields.insert("error".into(), cause.clone().into());
    }
    state.log.emit(&line);
    response
}
