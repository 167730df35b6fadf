//! The SQL storage port: statements with bound values, rows as JSON objects, and
//! the D1 `meta` (rows read, rows written) with every result.

use std::borrow::Cow;

use async_trait::async_trait;
use serde::de::DeserializeOwned;

use super::PlatformError;

/// One value bound to a `?` placeholder.
#[derive(Debug, Clone, PartialEq)]
pub enum SqlValue {
    Null,
    Integer(i64),
    Real(f64),
    Text(String),
}

/// The largest integer D1 binds exactly: D1 takes JavaScript numbers, whose
/// integers are exact up to 2^53 − 1 (`Number.MAX_SAFE_INTEGER`).
pub const MAX_EXACT_INTEGER: i64 = (1 << 53) - 1;

impl SqlValue {
    /// Refuses an integer D1 would round (beyond ±[`MAX_EXACT_INTEGER`]):
    /// a value bound must be the value stored. Both hosts check it, so a
    /// native test sees what D1 would do.
    pub fn check_exact(&self) -> Result<(), PlatformError> {
        match self {
            Self::Integer(i) if i.unsigned_abs() > MAX_EXACT_INTEGER.unsigned_abs() => {
                Err(PlatformError::new(format!(
                    "the integer {i} is beyond ±2^53 − 1: D1 would round it"
                )))
            }
            _ => Ok(()),
        }
    }
}

impl From<i64> for SqlValue {
    fn from(value: i64) -> Self {
        Self::Integer(value)
    }
}

impl From<bool> for SqlValue {
    fn from(value: bool) -> Self {
        Self::Integer(i64::from(value))
    }
}

impl From<f64> for SqlValue {
    fn from(value: f64) -> Self {
        Self::Real(value)
    }
}

impl From<&str> for SqlValue {
    fn from(value: &str) -> Self {
        Self::Text(value.to_owned())
    }
}

impl From<String> for SqlValue {
    fn from(value: String) -> Self {
        Self::Text(value)
    }
}

impl<T: Into<SqlValue>> From<Option<T>> for SqlValue {
    fn from(value: Option<T>) -> Self {
        value.map_or(Self::Null, Into::into)
    }
}

/// A statement and the values for its `?` placeholders, in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    pub sql: Cow<'static, str>,
    pub params: Vec<SqlValue>,
}

impl Statement {
    pub fn new(sql: impl Into<Cow<'static, str>>) -> Self {
        Self {
            sql: sql.into(),
            params: Vec::new(),
        }
    }

    /// Binds the next `?` placeholder.
    #[must_use]
    pub fn bind(mut self, value: impl Into<SqlValue>) -> Self {
        self.params.push(value.into());
        self
    }

    /// Binds the next placeholders, one value each, in order.
    #[must_use]
    pub fn bind_all<V: Into<SqlValue>>(mut self, values: impl IntoIterator<Item = V>) -> Self {
        self.params.extend(values.into_iter().map(Into::into));
        self
    }
}

/// A row: column name to value, as D1 returns it.
pub type Row = serde_json::Map<String, serde_json::Value>;

/// What a statement cost, as D1 reports it in `meta`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Meta {
    pub rows_read: u64,
    pub rows_written: u64,
    /// Rows changed by an INSERT, UPDATE or DELETE.
    pub changes: u64,
    pub last_row_id: Option<i64>,
}

/// The rows of one statement and its meta.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct QueryResult {
    pub rows: Vec<Row>,
    pub meta: Meta,
}

impl QueryResult {
    /// Decodes every row into `T`. A row that does not fit is a platform
    /// error (the schema and the model disagree), never a client's fault.
    pub fn decode<T: DeserializeOwned>(self) -> Result<Vec<T>, PlatformError> {
        self.rows
            .into_iter()
            .map(|row| {
                serde_json::from_value(serde_json::Value::Object(row))
                    .map_err(|e| PlatformError::new(format!("row does not decode: {e}")))
            })
            .collect()
    }
}

/// SQL storage with D1's semantics: every call is one round trip, and `batch`
/// runs its statements atomically (all or none) in one round trip.
#[async_trait]
pub trait Sql: Send + Sync {
    /// Runs a statement and returns its rows.
    async fn all(&self, statement: Statement) -> Result<QueryResult, PlatformError>;

    /// Runs a statement for its effect.
    async fn run(&self, statement: Statement) -> Result<Meta, PlatformError> {
        Ok(self.all(statement).await?.meta)
    }

    /// Runs statements atomically, in order, in one round trip.
    async fn batch(&self, statements: Vec<Statement>) -> Result<Vec<QueryResult>, PlatformError>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_beyond_two_to_the_53_are_refused_not_rounded() {
        for exact in [0, 1, -1, MAX_EXACT_INTEGER, -MAX_EXACT_INTEGER] {
            assert_eq!(SqlValue::Integer(exact).check_exact(), Ok(()), "{exact}");
        }
        for inexact in [
            MAX_EXACT_INTEGER + 1,
            -MAX_EXACT_INTEGER - 1,
            i64::MAX,
            i64::MIN,
        ] {
            assert!(
                SqlValue::Integer(inexact).check_exact().is_err(),
                "{inexact}"
            );
        }
        assert_eq!(SqlValue::Real(1e300).check_exact(), Ok(()));
    }
}
