//! Shared HTTP pieces, written once for every API: the edge middleware
//! (request id, body limit, access log), the handler context with metered D1
//! access, and the table of error dialects.

mod ctx;
mod dialect;
mod edge;

pub use ctx::{Ctx, Db, Meter};
pub use dialect::{host_error, method_not_allowed, not_found, Dialects, ErrorResponder};
pub use edge::{edge, InternalError, BODY_LIMIT, REQUEST_ID};
