//! The clock and randomness ports, so that tests can set the time and know the
//! ids a request will be given.

use chrono::{DateTime, Utc};
use uuid::Uuid;

pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
}

pub trait Ids: Send + Sync {
    /// A fresh version 4 UUID.
    fn uuid(&self) -> Uuid;
}
