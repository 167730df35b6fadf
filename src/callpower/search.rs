//! The `q` search parameter as flask-restless 0.17 reads it, compiled to
//! parameterized SQL over one of the [`schema`](super::schema) tables: filters
//! (every operator, nested `and` / `or`, field-to-field comparison,
//! `relation__field`, `has` and `any`), `order_by`, `limit`, `offset` and
//! `single`. Only the schema's names ever reach SQL; every value is bound.
//! The semantics are written down in `docs/callpower.md`.

use serde_json::{Map, Value};

use super::period;
use super::schema::{Cardinality, Field, Kind, Relation, Table};
use crate::ports::{SqlValue, MAX_EXACT_INTEGER};

/// How deep `and`, `or`, `has` and `any` may nest.
pub const MAX_DEPTH: usize = 8;
/// How many filters one search may hold.
pub const MAX_FILTERS: usize = 40;
/// How many values one search may bind (D1 binds 100 per query at most, and
/// the page's statement needs a few of its own).
pub const MAX_VALUES: usize = 60;

/// Why a search is refused: flask-restless's two messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchError {
    /// `q` is not a JSON object.
    Decode,
    /// A name, an operator, a value or a form the search cannot use.
    Construct,
}

/// A compiled search over the row alias `c`.
#[derive(Debug, Clone, PartialEq)]
pub struct Search {
    /// A condition on `c` (`1` without filters).
    pub condition: String,
    pub binds: Vec<SqlValue>,
    /// The order: the asked one, then the id.
    pub order: String,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
    /// The one matching object is asked for, not a page.
    pub single: bool,
}

impl Search {
    /// No filter, in id order.
    pub fn everything() -> Self {
        Self {
            condition: "1".into(),
            binds: Vec::new(),
            order: "c.id".into(),
            limit: None,
            offset: None,
            single: false,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    IsNull,
    IsNotNull,
    Eq,
    Ne,
    Gt,
    Lt,
    Ge,
    Le,
    Like,
    Ilike,
    In,
    NotIn,
    Has,
    Any,
}

impl Op {
    fn named(name: &str) -> Option<Self> {
        Some(match name {
            "is_null" => Self::IsNull,
            "is_not_null" => Self::IsNotNull,
            "==" | "eq" | "equals" | "equal_to" => Self::Eq,
            "!=" | "ne" | "neq" | "not_equal_to" | "does_not_equal" => Self::Ne,
            ">" | "gt" => Self::Gt,
            "<" | "lt" => Self::Lt,
            ">=" | "ge" | "gte" | "geq" => Self::Ge,
            "<=" | "le" | "lte" | "leq" => Self::Le,
            "like" => Self::Like,
            "ilike" => Self::Ilike,
            "in" => Self::In,
            "not_in" => Self::NotIn,
            "has" => Self::Has,
            "any" => Self::Any,
            _ => return None,
        })
    }

    /// The SQL of a comparison.
    fn comparison(self) -> Option<&'static str> {
        Some(match self {
            Self::Eq => "=",
            Self::Ne => "!=",
            Self::Gt => ">",
            Self::Lt => "<",
            Self::Ge => ">=",
            Self::Le => "<=",
            _ => return None,
        })
    }
}

/// Compiles `q` (absent: everything, in id order) for `table`.
pub fn compile(table: &'static Table, q: Option<&str>) -> Result<Search, SearchError> {
    let Some(q) = q else {
        return Ok(Search::everything());
    };
    let Ok(Value::Object(q)) = serde_json::from_str::<Value>(q) else {
        return Err(SearchError::Decode);
    };
    let mut compiler = Compiler::default();
    let mut search = Search::everything();
    for (key, value) in &q {
        match key.as_str() {
            "filters" => {
                let filters = value.as_array().ok_or(SearchError::Construct)?;
                search.condition = compiler.all(table, "c", filters, " AND ", 0)?;
            }
            "order_by" => search.order = order_by(table, value)?,
            "limit" => search.limit = Some(count(value)?),
            "offset" => search.offset = Some(count(value)?),
            "single" => search.single = value.as_bool().ok_or(SearchError::Construct)?,
            _ => return Err(SearchError::Construct),
        }
    }
    search.binds = compiler.binds;
    Ok(search)
}

/// A `limit` or an `offset`: a whole number from 0 to 2^53.
fn count(value: &Value) -> Result<i64, SearchError> {
    value
        .as_i64()
        .filter(|n| (0..=MAX_EXACT_INTEGER).contains(n))
        .ok_or(SearchError::Construct)
}

fn order_by(table: &Table, value: &Value) -> Result<String, SearchError> {
    let mut order = Vec::new();
    for item in value.as_array().ok_or(SearchError::Construct)? {
        let item = item.as_object().ok_or(SearchError::Construct)?;
        if item.keys().any(|k| k != "field" && k != "direction") {
            return Err(SearchError::Construct);
        }
        let field = item
            .get("field")
            .and_then(Value::as_str)
            .and_then(|name| table.field(name))
            .ok_or(SearchError::Construct)?;
        // PostgreSQL's places for NULL: last going up, first going down.
        let direction = match item.get("direction").and_then(Value::as_str) {
            Some("asc") => "ASC NULLS LAST",
            Some("desc") => "DESC NULLS FIRST",
            _ => return Err(SearchError::Construct),
        };
        order.push(format!("c.{} {direction}", field.name));
    }
    order.push("c.id".into());
    Ok(order.join(", "))
}

/// The state of one compilation: the values bound so far, the filters met,
/// and the aliases of related rows handed out.
#[derive(Default)]
struct Compiler {
    binds: Vec<SqlValue>,
    filters: usize,
    aliases: usize,
}

impl Compiler {
    /// The filters `list` on the row `alias` of `table`, joined by `glue`.
    fn all(
        &mut self,
        table: &'static Table,
        alias: &str,
        list: &[Value],
        glue: &str,
        depth: usize,
    ) -> Result<String, SearchError> {
        if list.is_empty() {
            // An empty `and` holds, an empty `or` does not.
            return Ok(if glue == " OR " { "0" } else { "1" }.into());
        }
        let parts = list
            .iter()
            .map(|filter| self.filter(table, alias, filter, depth))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(format!("({})", parts.join(glue)))
    }

    fn filter(
        &mut self,
        table: &'static Table,
        alias: &str,
        filter: &Value,
        depth: usize,
    ) -> Result<String, SearchError> {
        if depth >= MAX_DEPTH {
            return Err(SearchError::Construct);
        }
        let filter = filter.as_object().ok_or(SearchError::Construct)?;
        for (glue, key) in [(" OR ", "or"), (" AND ", "and")] {
            if let Some(list) = filter.get(key) {
                if filter.len() != 1 {
                    return Err(SearchError::Construct);
                }
                let list = list.as_array().ok_or(SearchError::Construct)?;
                return self.all(table, alias, list, glue, depth + 1);
            }
        }
        if filter
            .keys()
            .any(|k| !matches!(k.as_str(), "name" | "op" | "val" | "field"))
        {
            return Err(SearchError::Construct);
        }
        self.filters += 1;
        if self.filters > MAX_FILTERS {
            return Err(SearchError::Construct);
        }
        let name = text(filter, "name")?;
        let op = Op::named(text(filter, "op")?).ok_or(SearchError::Construct)?;
        let val = filter.get("val");

        if let Some((relation, rest)) = name.split_once("__") {
            let relation = table.relation(relation).ok_or(SearchError::Construct)?;
            let field = relation.table.field(rest).ok_or(SearchError::Construct)?;
            if filter.contains_key("field") {
                return Err(SearchError::Construct);
            }
            let related = self.alias();
            let condition = self.leaf(&related, field, op, val)?;
            return Ok(exists(relation, alias, &related, &condition));
        }
        if let Some(field) = table.field(name) {
            return match filter.get("field") {
                Some(other) if val.is_none() => {
                    let other = other
                        .as_str()
                        .and_then(|name| table.field(name))
                        .ok_or(SearchError::Construct)?;
                    compare_fields(alias, field, op, other)
                }
                Some(_) => Err(SearchError::Construct),
                None => self.leaf(alias, field, op, val),
            };
        }
        let relation = table.relation(name).ok_or(SearchError::Construct)?;
        if filter.contains_key("field") {
            return Err(SearchError::Construct);
        }
        let related = self.alias();
        match (op, relation.cardinality) {
            (Op::IsNull, _) => Ok(format!("NOT {}", exists(relation, alias, &related, "1"))),
            (Op::IsNotNull, _) => Ok(exists(relation, alias, &related, "1")),
            (Op::Has, Cardinality::One) | (Op::Any, Cardinality::Many) => {
                let nested = val.ok_or(SearchError::Construct)?;
                let condition = self.filter(relation.table, &related, nested, depth + 1)?;
                Ok(exists(relation, alias, &related, &condition))
            }
            _ => Err(SearchError::Construct),
        }
    }

    /// A fresh alias for a related row.
    fn alias(&mut self) -> String {
        self.aliases += 1;
        format!("r{}", self.aliases)
    }

    /// Binds `value`; `?` to put in the SQL.
    fn bind(&mut self, value: SqlValue) -> Result<&'static str, SearchError> {
        if self.binds.len() >= MAX_VALUES {
            return Err(SearchError::Construct);
        }
        self.binds.push(value);
        Ok("?")
    }

    /// `field` of the row `alias` compared by `op` with `val`.
    fn leaf(
        &mut self,
        alias: &str,
        field: &Field,
        op: Op,
        val: Option<&Value>,
    ) -> Result<String, SearchError> {
        let column = format!("{alias}.{}", field.name);
        let val = val.unwrap_or(&Value::Null);
        match op {
            Op::IsNull => Ok(format!("{column} IS NULL")),
            Op::IsNotNull => Ok(format!("{column} IS NOT NULL")),
            // `== null` is SQLAlchemy's IS NULL.
            Op::Eq if val.is_null() => Ok(format!("{column} IS NULL")),
            Op::Ne if val.is_null() => Ok(format!("{column} IS NOT NULL")),
            Op::Eq | Op::Ne | Op::Gt | Op::Lt | Op::Ge | Op::Le => {
                let sql = op.comparison().ok_or(SearchError::Construct)?;
                let value = self.bind(value(field.kind, val)?)?;
                Ok(format!("{column} {sql} {value}"))
            }
            Op::Like | Op::Ilike => {
                let pattern = match (field.kind, val) {
                    (Kind::Text, Value::String(pattern)) => pattern,
                    _ => return Err(SearchError::Construct),
                };
                let fold = op == Op::Ilike;
                let value = self.bind(SqlValue::Text(glob(pattern, fold)))?;
                Ok(if fold {
                    format!("lower({column}) GLOB {value}")
                } else {
                    format!("{column} GLOB {value}")
                })
            }
            Op::In | Op::NotIn => {
                let values = val.as_array().ok_or(SearchError::Construct)?;
                if values.is_empty() {
                    return Ok(if op == Op::In { "0" } else { "1" }.into());
                }
                let mut marks = Vec::with_capacity(values.len());
                for item in values {
                    marks.push(self.bind(value(field.kind, item)?)?);
                }
                let not = if op == Op::NotIn { "NOT " } else { "" };
                Ok(format!("{column} {not}IN ({})", marks.join(", ")))
            }
            Op::Has | Op::Any => Err(SearchError::Construct),
        }
    }
}

fn text<'a>(filter: &'a Map<String, Value>, key: &str) -> Result<&'a str, SearchError> {
    filter
        .get(key)
        .and_then(Value::as_str)
        .ok_or(SearchError::Construct)
}

/// Whether a row `related` of `relation` exists for the row `alias` and meets
/// `condition`.
fn exists(relation: &Relation, alias: &str, related: &str, condition: &str) -> String {
    let join = relation.join.replace("{r}", related).replace("{o}", alias);
    format!(
        "EXISTS (SELECT 1 FROM {} AS {related} WHERE {join} AND {condition})",
        relation.table.sql
    )
}

/// Two fields of one row compared: both must hold the same kind of value.
fn compare_fields(
    alias: &str,
    field: &Field,
    op: Op,
    other: &Field,
) -> Result<String, SearchError> {
    let sql = op.comparison().ok_or(SearchError::Construct)?;
    if field.kind != other.kind {
        return Err(SearchError::Construct);
    }
    Ok(format!(
        "{alias}.{} {sql} {alias}.{}",
        field.name, other.name
    ))
}

/// `val` as a value of a field of `kind`: a number for a number, text for
/// text, an ISO date or datetime for a datetime, `true` or `false` for a
/// boolean. Anything else cannot be compared.
fn value(kind: Kind, val: &Value) -> Result<SqlValue, SearchError> {
    let value = match (kind, val) {
        // A whole number is exact or refused (beyond 2^53, D1 would round
        // it); a fraction compares as a real number.
        (Kind::Integer, Value::Number(n)) if n.is_u64() || n.is_i64() => {
            SqlValue::Integer(n.as_i64().ok_or(SearchError::Construct)?)
        }
        (Kind::Integer, Value::Number(n)) => {
            SqlValue::Real(n.as_f64().ok_or(SearchError::Construct)?)
        }
        (Kind::Text, Value::String(text)) => SqlValue::Text(text.clone()),
        (Kind::Datetime, Value::String(text)) => {
            SqlValue::Text(period::parse(text).ok_or(SearchError::Construct)?.stored())
        }
        (Kind::Boolean, Value::Bool(b)) => SqlValue::Integer(i64::from(*b)),
        _ => return Err(SearchError::Construct),
    };
    match value {
        SqlValue::Real(f) if !f.is_finite() => Err(SearchError::Construct),
        value => value
            .check_exact()
            .map(|()| value)
            .map_err(|_| SearchError::Construct),
    }
}

/// A LIKE pattern (`%` any text, `_` any one character, `\` escaping the
/// next) as a GLOB pattern, which, unlike SQLite's LIKE, tells upper from
/// lower case as PostgreSQL's LIKE does; `fold` lowers ASCII letters (ILIKE,
/// against `lower(column)`).
pub fn glob(pattern: &str, fold: bool) -> String {
    let mut out = String::with_capacity(pattern.len());
    let literal = |ch: char, out: &mut String| match ch {
        '*' => out.push_str("[*]"),
        '?' => out.push_str("[?]"),
        '[' => out.push_str("[[]"),
        ch if fold => out.push(ch.to_ascii_lowercase()),
        ch => out.push(ch),
    };
    let mut chars = pattern.chars();
    while let Some(ch) = chars.next() {
        match ch {
            '\\' => literal(chars.next().unwrap_or('\\'), &mut out),
            '%' => out.push('*'),
            '_' => out.push('?'),
            ch => literal(ch, &mut out),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::schema::CALLS;
    use super::*;

    fn compiled(q: &str) -> Result<Search, SearchError> {
        compile(&CALLS, Some(q))
    }

    #[test]
    fn like_patterns_become_case_sensitive_globs_with_glob_characters_kept_literal() {
        assert_eq!(glob("CA%", false), "CA*");
        assert_eq!(glob("a_c", false), "a?c");
        assert_eq!(glob(r"100\%", false), "100%");
        assert_eq!(glob("*?[", false), "[*][?][[]");
        assert_eq!(glob("Ab%", true), "ab*");
    }

    #[test]
    fn only_the_schemas_names_reach_sql_and_values_are_bound() {
        let search = compiled(
            r#"{"filters":[{"name":"status","op":"==","val":"x'; DROP TABLE callpower_calls; --"}]}"#,
        )
        .unwrap();
        assert_eq!(search.condition, "(c.status = ?)");
        assert_eq!(
            search.binds,
            vec![SqlValue::Text("x'; DROP TABLE callpower_calls; --".into())]
        );
        for q in [
            r#"{"filters":[{"name":"status; --","op":"==","val":1}]}"#,
            r#"{"filters":[{"name":"status","op":"==","field":"id) OR (1"}]}"#,
            r#"{"order_by":[{"field":"id; DROP","direction":"asc"}]}"#,
            r#"{"filters":[{"name":"campaign__name) OR 1 --","op":"==","val":1}]}"#,
        ] {
            assert_eq!(compiled(q), Err(SearchError::Construct), "{q}");
        }
    }

    #[test]
    fn limits_on_depth_filters_and_values_hold() {
        let mut deep = r#"{"name":"id","op":"==","val":1}"#.to_owned();
        for _ in 0..MAX_DEPTH {
            deep = format!(r#"{{"or":[{deep}]}}"#);
        }
        assert_eq!(
            compiled(&format!(r#"{{"filters":[{deep}]}}"#)),
            Err(SearchError::Construct)
        );
        let many: Vec<String> = (0..=MAX_VALUES).map(|n| n.to_string()).collect();
        let q = format!(
            r#"{{"filters":[{{"name":"id","op":"in","val":[{}]}}]}}"#,
            many.join(",")
        );
        assert_eq!(compiled(&q), Err(SearchError::Construct));
    }
}
