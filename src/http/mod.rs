//! Shared HTTP pieces, written once for every API: the edge middleware
//! (request id, body limit, access log), the handler context with metered D1
//! access, the table of error dialects, and request bodies read as fields.

mod body;
mod credentials;
mod ctx;
mod dialect;
mod edge;

pub use body::{fields, BodyError};
pub use credentials::{basic, bearer, same_secret};
pub use ctx::{Ctx, Db, Meter};
pub use dialect::{host_error, method_not_allowed, not_found, Dialects, ErrorResponder};
pub use edge::{edge, InternalError, BODY_LIMIT, REQUEST_ID};
