//! Shared HTTP pieces, written once for every API: the state routes are served
//! with, the edge middleware (request id, per-route body limits, access log),
//! the handler context with metered D1 access, the table of error dialects,
//! request bodies read into typed fields, credentials and secret comparison,
//! ISO 8601 datetimes, URLs' origins, query strings and path ids, and the decoding of conformance datasets.

mod body;
mod credentials;
mod ctx;
mod dataset;
mod datetime;
mod dialect;
mod edge;
mod limits;
mod phone;
mod state;
mod url;

pub use body::{content_type, media_type, parse, parse_json, BodyError, NumberField, TextField};
pub use credentials::{basic, bearer, same_secret};
pub use ctx::{Ctx, Db, Meter};
pub use dataset::decode_records;
pub use datetime::{format_millis, normalize as normalize_datetime, parse_iso8601};
pub use dialect::{host_error, Dialects, ErrorResponder};
pub use edge::{edge, Edge, EdgeRules, InternalError, REQUEST_ID};
pub use limits::{BodyLimit, BodyLimits, BODY_LIMIT, SMALL_BODY};
pub use phone::is_e164;
pub use state::AppState;
pub use url::{origin, path_id, positive_id, query_pairs, query_param};
