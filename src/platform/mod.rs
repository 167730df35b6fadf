//! Adapters: the implementations of the ports for each host.
//!
//! `cloudflare` (wasm32 only) is the only code that touches `worker::Env`;
//! `native` (everywhere else) is what `cargo test` runs the router on.

#[cfg(target_arch = "wasm32")]
pub mod cloudflare;
#[cfg(not(target_arch = "wasm32"))]
pub mod native;
