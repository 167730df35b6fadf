//! switchboard: four telephony and call-center REST APIs (Upcall, Call Power,
//! Aircall, XiVO 1.0) served by one Cloudflare Worker.
//!
//! Read `app.rs` first (the one router), then `ports/` (what handlers may ask
//! of the platform), then one API module such as `xivo/`.

// A panic kills the Workers isolate (no unwinding on wasm32): request paths
// must not have any way to panic.
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::todo,
        clippy::unimplemented,
        clippy::indexing_slicing
    )
)]

pub mod aircall;
pub mod app;
pub mod callpower;
pub mod config;
pub mod health;
pub mod http;
pub mod platform;
pub mod ports;
pub mod provider_state;
pub mod realtime;
pub mod upcall;
pub mod xivo;

/// The crate's version, as `/healthz` reports it.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
