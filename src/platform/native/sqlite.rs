//! SQLite (bundled, through rusqlite) behind the SQL port, running the same
//! migrations and queries as D1.

use std::path::Path;
use std::sync::{Mutex, MutexGuard};

use async_trait::async_trait;
use rusqlite::types::{Value, ValueRef};
use rusqlite::{Connection, StatementStatus};

use crate::ports::{Meta, PlatformError, QueryResult, Row, Sql, SqlValue, Statement};

pub struct SqliteDb {
    conn: Mutex<Connection>,
}

impl SqliteDb {
    pub fn open_in_memory() -> Result<Self, PlatformError> {
        let conn = Connection::open_in_memory().map_err(PlatformError::new)?;
        conn.execute_batch("PRAGMA foreign_keys = ON;")
            .map_err(PlatformError::new)?;
        Ok(Self {
            conn: Mutex::new(conn),
        })
    }

    /// Executes every `*.sql` file of `dir`, in file-name order, as wrangler
    /// applies migrations.
    pub fn execute_dir(&self, dir: &Path) -> Result<(), PlatformError> {
        let mut files: Vec<_> = std::fs::read_dir(dir)
            .map_err(|e| PlatformError::new(format!("{}: {e}", dir.display())))?
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .filter(|path| path.extension().is_some_and(|ext| ext == "sql"))
            .collect();
        files.sort();
        let conn = self.lock()?;
        for file in files {
            let sql = std::fs::read_to_string(&file)
                .map_err(|e| PlatformError::new(format!("{}: {e}", file.display())))?;
            conn.execute_batch(&sql)
                .map_err(|e| PlatformError::new(format!("{}: {e}", file.display())))?;
        }
        Ok(())
    }

    /// Executes a script of statements, as `wrangler d1 execute --file` does.
    pub fn execute_script(&self, sql: &str) -> Result<(), PlatformError> {
        self.lock()?.execute_batch(sql).map_err(PlatformError::new)
    }

    fn lock(&self) -> Result<MutexGuard<'_, Connection>, PlatformError> {
        self.conn
            .lock()
            .map_err(|_| PlatformError::new("the SQLite connection was poisoned"))
    }
}

fn to_sqlite(value: &SqlValue) -> Value {
    match value {
        SqlValue::Null => Value::Null,
        SqlValue::Integer(i) => Value::Integer(*i),
        SqlValue::Real(f) => Value::Real(*f),
        SqlValue::Text(s) => Value::Text(s.clone()),
    }
}

fn to_json(value: ValueRef<'_>) -> Result<serde_json::Value, PlatformError> {
    Ok(match value {
        ValueRef::Null => serde_json::Value::Null,
        ValueRef::Integer(i) => i.into(),
        ValueRef::Real(f) => {
            serde_json::Number::from_f64(f).map_or(serde_json::Value::Null, Into::into)
        }
        ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned().into(),
        ValueRef::Blob(_) => return Err(PlatformError::new("BLOB columns are not supported")),
    })
}

/// Runs one statement. `rows_read` approximates D1's figure (rows scanned): a
/// scan that stepped N times visited N + 1 rows, and every row returned was
/// read, so a list, a count and an indexed lookup read what they read on D1.
fn execute(conn: &Connection, statement: &Statement) -> Result<QueryResult, PlatformError> {
    // What D1 cannot bind exactly, SQLite refuses too.
    for value in &statement.params {
        value.check_exact()?;
    }
    let mut stmt = conn.prepare(&statement.sql).map_err(PlatformError::new)?;
    let names: Vec<String> = stmt.column_names().into_iter().map(String::from).collect();
    let params = rusqlite::params_from_iter(statement.params.iter().map(to_sqlite));
    let mut rows = stmt.query(params).map_err(PlatformError::new)?;
    let mut out = Vec::new();
    while let Some(row) = rows.next().map_err(PlatformError::new)? {
        let mut object = Row::new();
        for (i, name) in names.iter().enumerate() {
            let value = row.get_ref(i).map_err(PlatformError::new)?;
            object.insert(name.clone(), to_json(value)?);
        }
        out.push(object);
    }
    drop(rows);
    let scanned = stmt.get_status(StatementStatus::FullscanStep);
    let readonly = stmt.readonly();
    drop(stmt);
    let changes = if readonly { 0 } else { conn.changes() };
    let meta = Meta {
        rows_read: (out.len() as u64).max(u64::try_from(scanned).map_or(0, |s| {
            if s > 0 {
                s + 1
            } else {
                0
            }
        })),
        rows_written: changes,
        changes,
        last_row_id: (!readonly).then(|| conn.last_insert_rowid()),
    };
    Ok(QueryResult { rows: out, meta })
}

#[async_trait]
impl Sql for SqliteDb {
    async fn all(&self, statement: Statement) -> Result<QueryResult, PlatformError> {
        execute(&*self.lock()?, &statement)
    }

    async fn batch(&self, statements: Vec<Statement>) -> Result<Vec<QueryResult>, PlatformError> {
        let mut conn = self.lock()?;
        let tx = conn.transaction().map_err(PlatformError::new)?;
        let results = statements
            .iter()
            .map(|statement| execute(&tx, statement))
            .collect::<Result<Vec<_>, _>>()?;
        tx.commit().map_err(PlatformError::new)?;
        Ok(results)
    }
}
