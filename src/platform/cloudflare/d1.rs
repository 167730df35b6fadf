//! D1 behind the SQL port.

use async_trait::async_trait;
use worker::send::{SendFuture, SendWrapper};
use worker::wasm_bindgen::JsValue;
use worker::{D1Database, D1PreparedStatement, D1Result};

use crate::ports::{Meta, PlatformError, QueryResult, Row, Sql, SqlValue, Statement};

/// D1 is `Send` already; the prepared statements and futures are not, and are
/// wrapped (Workers run one thread).
pub struct D1(D1Database);

impl D1 {
    pub fn new(database: D1Database) -> Self {
        Self(database)
    }

    fn prepare(&self, statement: &Statement) -> Result<D1PreparedStatement, PlatformError> {
        let params: Vec<JsValue> = statement
            .params
            .iter()
            .map(|value| {
                // D1 takes JavaScript numbers: an integer beyond 2^53 would
                // be rounded, so it is refused instead.
                value.check_exact()?;
                Ok(match value {
                    SqlValue::Null => JsValue::NULL,
                    SqlValue::Integer(i) => JsValue::from_f64(*i as f64),
                    SqlValue::Real(f) => JsValue::from_f64(*f),
                    SqlValue::Text(s) => JsValue::from_str(s),
                })
            })
            .collect::<Result<_, PlatformError>>()?;
        self.0
            .prepare(statement.sql.as_ref())
            .bind(&params)
            .map_err(PlatformError::new)
    }
}

fn convert(result: &D1Result) -> Result<QueryResult, PlatformError> {
    let rows = result.results::<Row>().map_err(PlatformError::new)?;
    let meta = result
        .meta()
        .map_err(PlatformError::new)?
        .map(|m| Meta {
            rows_read: m.rows_read.unwrap_or(0) as u64,
            rows_written: m.rows_written.unwrap_or(0) as u64,
            changes: m.changes.unwrap_or(0) as u64,
            last_row_id: m.last_row_id,
        })
        .unwrap_or_default();
    Ok(QueryResult { rows, meta })
}

#[async_trait]
impl Sql for D1 {
    async fn all(&self, statement: Statement) -> Result<QueryResult, PlatformError> {
        let prepared = SendWrapper::new(self.prepare(&statement)?);
        SendFuture::new(async move {
            let result = prepared.all().await.map_err(PlatformError::new)?;
            convert(&result)
        })
        .await
    }

    async fn batch(&self, statements: Vec<Statement>) -> Result<Vec<QueryResult>, PlatformError> {
        let prepared = SendWrapper::new(
            statements
                .iter()
                .map(|s| self.prepare(s))
                .collect::<Result<Vec<_>, _>>()?,
        );
        SendFuture::new(async move {
            let results = self.0.batch(prepared.0).await.map_err(PlatformError::new)?;
            results.iter().map(convert).collect()
        })
        .await
    }
}
