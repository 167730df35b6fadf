//! The conformance harness: replays the requests shown in the four API
//! documents against any implementation and compares each answer with its
//! reviewed snapshot and with what the document shows, redacting only what is
//! dynamic by nature (and checking that it has the form it should).
//!
//! The core (fixture model, loading, variables and instants, redaction,
//! comparison) is pure; `runner` does the HTTP and `report` the output.

mod bare;
pub mod choices;
pub mod clock;
pub mod compare;
pub mod digest;
pub mod html;
pub mod load;
pub mod model;
pub mod problem;
pub mod record;
pub mod redact;
pub mod report;
pub mod runner;
pub mod shell;
pub mod snapshot;
pub mod source;
pub mod vars;

pub use load::Fixtures;
pub use model::{Case, Step};
pub use problem::Problem;
pub use record::{RawResponse, Record};
pub use runner::{Execution, Outcome, RunOptions, Runner};
