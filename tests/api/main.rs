//! The worker's routes over real HTTP, on the native host: the same router as
//! in Workers, SQLite with the same migrations and demo data standing in for D1.

#![cfg(not(target_arch = "wasm32"))]

mod aircall_auth;
mod aircall_calls;
mod aircall_demo;
mod aircall_live;
mod aircall_notes;
mod aircall_pusher;
mod aircall_sessions;
mod aircall_users;
mod callpower_collections;
mod callpower_count;
mod callpower_import;
mod callpower_search_props;
mod callpower_statistics;
mod edge;
mod health;
mod helpers;
mod provider_state;
mod realtime_events;
mod realtime_sockets;
mod upcall_accounts;
mod upcall_calls;
mod upcall_campaigns;
mod upcall_numbers;
mod xivo_agents;
mod xivo_digest;
mod xivo_negotiation;
mod xivo_queues;
mod xivo_recording_campaigns;
mod xivo_recordings;
mod xivo_users;
mod xivo_voicemails;
