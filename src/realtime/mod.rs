//! The Pusher Channels protocol, as a compatible server speaks it: the
//! WebSocket side (`protocol`: frames, subscriptions, private-channel
//! signatures) and the HTTP trigger API (`trigger`: signed publishing).
//! The Aircall API signs its `/pusher/auth` answers and the events it
//! publishes with these; the built-in realtime server (a Durable Object
//! serving `/app/{key}`) is to be built on them.

pub mod protocol;
pub mod trigger;
