//! The conformance harness: replays the requests shown in the four API documents
//! against any implementation and compares the answers with reviewed snapshots.
//!
//! This crate is a skeleton until the harness lands (fixture model, loading,
//! variables, redaction and comparison here; HTTP and reports in the runner).

/// The four API documents a case may come from, by their file names in the
/// project's `seeds/` folder.
pub const DOCUMENTS: [&str; 4] = [
    "aircall-api.md",
    "callpower-api.md",
    "upcall-api.md",
    "xivo-restapi.rst",
];
