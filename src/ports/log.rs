//! The log port: one JSON object per line (the Workers console, or stderr and
//! memory natively).

pub trait Log: Send + Sync {
    fn emit(&self, line: &serde_json::Value);
}
