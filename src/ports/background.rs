//! The background port: work that runs after the response is sent (Workers:
//! `ctx.wait_until`; natively: a tokio task), so that a slow or failing side
//! effect never slows or fails the request that caused it.

use std::future::Future;
use std::pin::Pin;

/// A unit of background work. It reports its own failures (to the log): no one
/// awaits it.
pub type Task = Pin<Box<dyn Future<Output = ()> + Send + 'static>>;

pub trait Background: Send + Sync {
    /// Runs `task` to completion after (or while) the response is sent.
    fn spawn(&self, task: Task);
}
