//! Property tests of Call Power's `q` compiler: random filter trees over the
//! calls, sent to `GET /api/calls`, find the same calls in the same order as
//! an evaluation of the same tree over the same rows held in memory, written
//! here from the documented semantics (not from `src/callpower/search.rs`);
//! random invalid searches are 400 with flask-restless's message, never 500.

use std::cmp::Ordering;

use chrono::{NaiveDateTime, TimeDelta};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::{select, Index};
use proptest::strategy::Union;
use proptest::string::string_regex;
use proptest::test_runner::{Config, TestCaseResult, TestRunner};
use serde_json::{json, Map, Value};

use crate::helpers::{answer, config_with, spawn_app_with, TestApp};

/// The administrators' key the app is started with.
const KEY: &str = "callpower-search-props-admin-key-0123456789";

/// The largest integer the API binds exactly (2^53 − 1).
const MAX_EXACT: i64 = (1 << 53) - 1;

/// How calls' timestamps are written (and stored).
const STORED: &str = "%Y-%m-%dT%H:%M:%S";

// ---------------------------------------------------------------------------
// The dataset, inserted into the app's database and kept here for the model.
// ---------------------------------------------------------------------------

/// A row of `callpower_campaigns`.
#[derive(Debug)]
struct Campaign {
    id: i64,
    name: &'static str,
    country: &'static str,
    state: Option<&'static str>,
    kind: &'static str,
    subtype: Option<&'static str>,
    ordering: &'static str,
    status: &'static str,
    allow_call_in: bool,
    call_maximum: Option<i64>,
}

/// A row of `callpower_targets`.
#[derive(Debug)]
struct Target {
    id: i64,
    name: &'static str,
    title: Option<&'static str>,
    phone: Option<&'static str>,
}

/// A row of `callpower_calls`.
#[derive(Debug)]
struct Call {
    id: i64,
    timestamp: &'static str,
    campaign_id: i64,
    target_id: Option<i64>,
    call_id: Option<&'static str>,
    status: &'static str,
    duration: Option<i64>,
}

static CAMPAIGNS: [Campaign; 3] = [
    Campaign {
        id: 1,
        name: "Save the Bees",
        country: "US",
        state: Some("CA"),
        kind: "congress",
        subtype: Some("both"),
        ordering: "in-order",
        status: "live",
        allow_call_in: true,
        call_maximum: None,
    },
    Campaign {
        id: 2,
        name: "fund the library",
        country: "US",
        state: None,
        kind: "local",
        subtype: None,
        ordering: "shuffle",
        status: "paused",
        allow_call_in: false,
        call_maximum: Some(10),
    },
    Campaign {
        id: 3,
        name: "Custom_Calls%",
        country: "CA",
        state: Some("ON"),
        kind: "custom",
        subtype: None,
        ordering: "upper-first",
        status: "archived",
        allow_call_in: true,
        call_maximum: Some(0),
    },
];

static TARGETS: [Target; 4] = [
    Target {
        id: 1,
        name: "Jane Doe",
        title: Some("Senator"),
        phone: Some("+12025550101"),
    },
    Target {
        id: 2,
        name: "john SMITH",
        title: None,
        phone: Some("+12025550102"),
    },
    Target {
        id: 3,
        name: "O'Brien [Jr.]*",
        title: Some("Rep."),
        phone: None,
    },
    Target {
        id: 4,
        name: "Zoë ÉTIENNE 100%_?",
        title: Some("mayor"),
        phone: Some("+1 555*"),
    },
];

const fn call(
    id: i64,
    timestamp: &'static str,
    campaign_id: i64,
    target_id: Option<i64>,
    call_id: Option<&'static str>,
    status: &'static str,
    duration: Option<i64>,
) -> Call {
    Call {
        id,
        timestamp,
        campaign_id,
        target_id,
        call_id,
        status,
        duration,
    }
}

/// Calls 10 and 64 name target 99, which does not exist.
#[rustfmt::skip]
static CALLS: [Call; 42] = [
    call(1, "2024-02-27T10:10:10", 3, Some(1), Some("cA0001"), "completed", Some(3)),
    call(2, "2024-02-28T09:00:00", 1, Some(1), Some("CA0002"), "completed", Some(45)),
    call(3, "2024-02-28T09:00:00", 1, Some(2), Some("CA0003"), "no-answer", Some(0)),
    call(4, "2024-02-28T23:59:59", 2, None, Some("ca0004"), "canceled", None),
    call(5, "2024-02-29T00:00:00", 3, Some(3), Some("CA%05"), "failed", Some(3)),
    call(6, "2024-02-29T12:30:00", 1, Some(4), Some("CA_06"), "busy", Some(1)),
    call(7, "2024-03-01T00:00:00", 2, Some(1), Some("ca*07"), "completed", Some(120)),
    call(8, "2024-03-01T14:05:00", 2, Some(2), Some("CA?08"), "completed", Some(2)),
    call(9, "2024-03-01T14:05:00", 3, None, None, "completed", Some(7)),
    call(10, "2024-03-01T14:05:01", 1, Some(99), Some("CA[10]"), "no-answer", None),
    call(11, "2024-03-02T08:15:30", 3, Some(3), Some("completed"), "completed", Some(11)),
    call(12, "2024-03-02T08:15:30", 1, Some(1), Some("CA\\12"), "failed", Some(0)),
    call(13, "2024-03-02T18:45:00", 2, Some(4), Some("Ca0013"), "busy", Some(13)),
    call(14, "2024-03-03T06:00:00", 1, Some(2), Some("CA0014"), "canceled", Some(1)),
    call(15, "2024-03-04T00:00:00", 1, None, Some("busy"), "busy", None),
    call(16, "2024-03-01T09:30:00", 2, Some(3), Some("CAé16"), "completed", Some(300)),
    call(17, "2024-03-01T09:30:00", 2, Some(3), Some("CAÉ17"), "failed", Some(17)),
    call(18, "2024-02-29T23:00:00", 3, Some(4), Some("ca_%18"), "no-answer", Some(0)),
    call(19, "2024-03-02T00:00:00", 1, Some(1), Some("CA0019 "), "completed", Some(59)),
    call(20, "2024-03-02T00:00:01", 1, Some(2), Some("CA 0020"), "completed", Some(60)),
    call(21, "2024-03-03T23:59:59", 3, None, Some("CANCELED"), "canceled", Some(4)),
    call(22, "2024-02-28T12:00:00", 2, Some(1), Some("Completed"), "completed", Some(5)),
    call(23, "2024-02-28T12:00:00", 2, Some(2), Some("ca]23"), "failed", None),
    call(24, "2024-03-01T14:05:00", 1, Some(3), Some("CA-24"), "busy", Some(24)),
    call(25, "2024-03-02T12:00:00", 3, Some(1), Some("CA0025"), "no-answer", Some(0)),
    call(26, "2024-03-02T12:00:00", 3, Some(2), Some("ca0026"), "completed", Some(33)),
    call(27, "2024-03-03T15:45:00", 2, Some(4), Some("CA0027"), "completed", Some(2)),
    call(28, "2024-03-03T15:45:00", 2, None, Some("CA0028"), "failed", Some(28)),
    call(29, "2024-02-29T08:00:00", 1, Some(1), Some("%"), "completed", Some(8)),
    call(30, "2024-02-29T08:00:00", 1, Some(2), Some("_"), "busy", Some(1)),
    call(31, "2024-03-01T18:00:00", 3, Some(3), Some(""), "completed", Some(90)),
    call(32, "2024-03-01T18:00:00", 3, Some(4), Some("CA\\%32"), "canceled", None),
    call(33, "2024-03-04T10:00:00", 2, Some(1), Some("ca0033"), "completed", Some(42)),
    call(34, "2024-02-27T00:00:00", 1, Some(2), Some("CA0034"), "failed", Some(3)),
    call(35, "2024-03-02T08:15:29", 2, Some(3), Some("CA0035"), "no-answer", Some(35)),
    call(40, "2024-03-02T08:15:31", 3, Some(4), Some("CA0040"), "completed", Some(2)),
    call(41, "2024-03-01T14:05:00", 1, None, Some("CA0041"), "completed", Some(0)),
    call(57, "2024-03-03T06:00:00", 2, Some(1), Some("cA0057"), "busy", Some(57)),
    call(63, "2024-02-28T09:00:00", 3, Some(2), Some("CA0063"), "completed", Some(1)),
    call(64, "2024-03-04T23:59:59", 1, Some(99), Some("CA0064"), "failed", Some(64)),
    call(80, "2024-03-01T00:00:00", 2, Some(3), None, "no-answer", None),
    call(99, "2024-02-29T12:30:00", 3, Some(4), Some("ca0099"), "completed", Some(99)),
];

/// A text as an SQL literal.
fn sql_text(text: Option<&str>) -> String {
    text.map_or("NULL".into(), |t| format!("'{}'", t.replace('\'', "''")))
}

/// An integer as an SQL literal.
fn sql_int(n: Option<i64>) -> String {
    n.map_or("NULL".into(), |n| n.to_string())
}

/// Replaces any Call Power rows with the dataset.
async fn load(app: &TestApp) {
    for table in [
        "callpower_campaign_audio",
        "callpower_schedules",
        "callpower_calls",
        "callpower_sessions",
        "callpower_audiorecordings",
        "callpower_targets",
        "callpower_campaigns",
    ] {
        app.sql(&format!("DELETE FROM {table}")).await;
    }
    let campaigns: Vec<String> = CAMPAIGNS
        .iter()
        .map(|c| {
            format!(
                "({}, {}, {}, {}, {}, {}, {}, {}, {}, {})",
                c.id,
                sql_text(Some(c.name)),
                sql_text(Some(c.country)),
                sql_text(c.state),
                sql_text(Some(c.kind)),
                sql_text(c.subtype),
                sql_text(Some(c.ordering)),
                sql_text(Some(c.status)),
                i64::from(c.allow_call_in),
                sql_int(c.call_maximum),
            )
        })
        .collect();
    app.sql(&format!(
        "INSERT INTO callpower_campaigns (id, name, campaign_country, campaign_state, \
         campaign_type, campaign_subtype, target_ordering, status, allow_call_in, \
         call_maximum) VALUES {}",
        campaigns.join(", ")
    ))
    .await;
    let targets: Vec<String> = TARGETS
        .iter()
        .map(|t| {
            format!(
                "({}, {}, {}, {})",
                t.id,
                sql_text(Some(t.name)),
                sql_text(t.title),
                sql_text(t.phone)
            )
        })
        .collect();
    app.sql(&format!(
        "INSERT INTO callpower_targets (id, name, title, phone_number) VALUES {}",
        targets.join(", ")
    ))
    .await;
    let calls: Vec<String> = CALLS
        .iter()
        .map(|c| {
            format!(
                "({}, {}, {}, {}, {}, {}, {}, 'ref')",
                c.id,
                sql_text(Some(c.timestamp)),
                c.campaign_id,
                sql_int(c.target_id),
                sql_text(c.call_id),
                sql_text(Some(c.status)),
                sql_int(c.duration),
            )
        })
        .collect();
    // Target 99 does not exist: the foreign key is lifted for the insert.
    app.sql("PRAGMA foreign_keys = OFF").await;
    app.sql(&format!(
        "INSERT INTO callpower_calls (id, timestamp, campaign_id, target_id, call_id, \
         status, duration, referral_code) VALUES {}",
        calls.join(", ")
    ))
    .await;
    app.sql("PRAGMA foreign_keys = ON").await;
}

/// One app per test function, on a runtime of its own, with the dataset.
fn start() -> (tokio::runtime::Runtime, TestApp) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    let app = runtime.block_on(async {
        let app = spawn_app_with(config_with(&[("ADMIN_API_KEY", KEY)]), |s| s).await;
        load(&app).await;
        app
    });
    let (status, body) = runtime.block_on(search(&app, None));
    let all: Vec<i64> = CALLS.iter().map(|c| c.id).collect();
    assert_eq!((status, ids(&body)), (200, Some(all)), "the dataset is in");
    (runtime, app)
}

/// `GET /api/calls` with `q` (if any), one page of 100: status and body.
async fn search(app: &TestApp, q: Option<&str>) -> (u16, Value) {
    let mut query = vec![("api_key", KEY), ("results_per_page", "100")];
    if let Some(q) = q {
        query.push(("q", q));
    }
    answer(app.get("/api/calls").query(&query)).await
}

/// The ids of a page's objects, in order.
fn ids(body: &Value) -> Option<Vec<i64>> {
    body["objects"]
        .as_array()?
        .iter()
        .map(|o| o["id"].as_i64())
        .collect()
}

/// Runs `cases` cases of `strategy` through `test`, without writing
/// regression files; panics with the minimal failing case.
fn check<S: Strategy>(cases: u32, strategy: S, test: impl Fn(S::Value) -> TestCaseResult) {
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    if let Err(error) = runner.run(&strategy, test) {
        panic!("{error}");
    }
}

// ---------------------------------------------------------------------------
// The model: the documented semantics of a search, over the rows above.
// ---------------------------------------------------------------------------

/// A value of a row's field, or one a filter compares it with. Integers and
/// booleans (0, 1) compare as numbers; texts and timestamps by their bytes.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Val {
    Null,
    Int(i64),
    Text(String),
}

impl Val {
    fn text(text: Option<&str>) -> Self {
        text.map_or(Self::Null, |t| Self::Text(t.to_owned()))
    }

    fn int(n: Option<i64>) -> Self {
        n.map_or(Self::Null, Self::Int)
    }
}

/// What a field holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Int,
    Text,
    Time,
    Bool,
}

/// The collections a filter may be about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Table {
    Calls,
    Campaigns,
    Targets,
}

const CALL_FIELDS: &[(&str, Kind)] = &[
    ("id", Kind::Int),
    ("timestamp", Kind::Time),
    ("campaign_id", Kind::Int),
    ("target_id", Kind::Int),
    ("call_id", Kind::Text),
    ("status", Kind::Text),
    ("duration", Kind::Int),
];

const CAMPAIGN_FIELDS: &[(&str, Kind)] = &[
    ("id", Kind::Int),
    ("name", Kind::Text),
    ("campaign_country", Kind::Text),
    ("campaign_state", Kind::Text),
    ("campaign_type", Kind::Text),
    ("campaign_subtype", Kind::Text),
    ("target_ordering", Kind::Text),
    ("status", Kind::Text),
    ("allow_call_in", Kind::Bool),
    ("call_maximum", Kind::Int),
];

const TARGET_FIELDS: &[(&str, Kind)] = &[
    ("id", Kind::Int),
    ("name", Kind::Text),
    ("title", Kind::Text),
    ("phone_number", Kind::Text),
];

impl Table {
    fn fields(self) -> &'static [(&'static str, Kind)] {
        match self {
            Self::Calls => CALL_FIELDS,
            Self::Campaigns => CAMPAIGN_FIELDS,
            Self::Targets => TARGET_FIELDS,
        }
    }

    fn rows(self) -> Vec<Row> {
        match self {
            Self::Calls => CALLS.iter().map(Row::Call).collect(),
            Self::Campaigns => CAMPAIGNS.iter().map(Row::Campaign).collect(),
            Self::Targets => TARGETS.iter().map(Row::Target).collect(),
        }
    }

    /// The values a field holds in the dataset, NULL left out.
    fn column(self, field: &str) -> Vec<Val> {
        let mut values: Vec<Val> = self
            .rows()
            .into_iter()
            .map(|row| row.get(field))
            .filter(|v| *v != Val::Null)
            .collect();
        values.sort();
        values.dedup();
        values
    }

    fn texts(self, field: &str) -> Vec<String> {
        self.column(field)
            .into_iter()
            .filter_map(|v| match v {
                Val::Text(t) => Some(t),
                _ => None,
            })
            .collect()
    }

    fn ints(self, field: &str) -> Vec<i64> {
        self.column(field)
            .into_iter()
            .filter_map(|v| match v {
                Val::Int(n) => Some(n),
                _ => None,
            })
            .collect()
    }
}

/// A row of one of the tables.
#[derive(Clone, Copy, Debug)]
enum Row {
    Call(&'static Call),
    Campaign(&'static Campaign),
    Target(&'static Target),
}

impl Row {
    fn get(self, field: &str) -> Val {
        match (self, field) {
            (Self::Call(c), "id") => Val::Int(c.id),
            (Self::Call(c), "timestamp") => Val::text(Some(c.timestamp)),
            (Self::Call(c), "campaign_id") => Val::Int(c.campaign_id),
            (Self::Call(c), "target_id") => Val::int(c.target_id),
            (Self::Call(c), "call_id") => Val::text(c.call_id),
            (Self::Call(c), "status") => Val::text(Some(c.status)),
            (Self::Call(c), "duration") => Val::int(c.duration),
            (Self::Campaign(c), "id") => Val::Int(c.id),
            (Self::Campaign(c), "name") => Val::text(Some(c.name)),
            (Self::Campaign(c), "campaign_country") => Val::text(Some(c.country)),
            (Self::Campaign(c), "campaign_state") => Val::text(c.state),
            (Self::Campaign(c), "campaign_type") => Val::text(Some(c.kind)),
            (Self::Campaign(c), "campaign_subtype") => Val::text(c.subtype),
            (Self::Campaign(c), "target_ordering") => Val::text(Some(c.ordering)),
            (Self::Campaign(c), "status") => Val::text(Some(c.status)),
            (Self::Campaign(c), "allow_call_in") => Val::Int(i64::from(c.allow_call_in)),
            (Self::Campaign(c), "call_maximum") => Val::int(c.call_maximum),
            (Self::Target(t), "id") => Val::Int(t.id),
            (Self::Target(t), "name") => Val::text(Some(t.name)),
            (Self::Target(t), "title") => Val::text(t.title),
            (Self::Target(t), "phone_number") => Val::text(t.phone),
            (row, field) => panic!("no field {field} in {row:?}"),
        }
    }
}

/// The to-one relations of a call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Rel {
    Campaign,
    Target,
}

impl Rel {
    fn name(self) -> &'static str {
        match self {
            Self::Campaign => "campaign",
            Self::Target => "target",
        }
    }

    fn table(self) -> Table {
        match self {
            Self::Campaign => Table::Campaigns,
            Self::Target => Table::Targets,
        }
    }

    /// The call's related row, if there is one.
    fn of(self, row: Row) -> Option<Row> {
        let Row::Call(call) = row else {
            panic!("{self:?} is a relation of a call, not of {row:?}")
        };
        match self {
            Self::Campaign => CAMPAIGNS
                .iter()
                .find(|c| c.id == call.campaign_id)
                .map(Row::Campaign),
            Self::Target => call
                .target_id
                .and_then(|id| TARGETS.iter().find(|t| t.id == id))
                .map(Row::Target),
        }
    }
}

/// An operator, whatever its spelling.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
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
}

const COMPARISONS: [Op; 6] = [Op::Eq, Op::Ne, Op::Gt, Op::Lt, Op::Ge, Op::Le];

impl Op {
    /// Every spelling of the operator.
    fn names(self) -> &'static [&'static str] {
        match self {
            Self::IsNull => &["is_null"],
            Self::IsNotNull => &["is_not_null"],
            Self::Eq => &["==", "eq", "equals", "equal_to"],
            Self::Ne => &["!=", "ne", "neq", "not_equal_to", "does_not_equal"],
            Self::Gt => &[">", "gt"],
            Self::Lt => &["<", "lt"],
            Self::Ge => &[">=", "ge", "gte", "geq"],
            Self::Le => &["<=", "le", "lte", "leq"],
            Self::Like => &["like"],
            Self::Ilike => &["ilike"],
            Self::In => &["in"],
            Self::NotIn => &["not_in"],
        }
    }

    /// `a OP b` for two values that are not NULL.
    fn compare(self, a: &Val, b: &Val) -> bool {
        match self {
            Self::Eq => a == b,
            Self::Ne => a != b,
            Self::Gt => a > b,
            Self::Lt => a < b,
            Self::Ge => a >= b,
            Self::Le => a <= b,
            _ => panic!("{self:?} is not a comparison"),
        }
    }
}

/// What a leaf compares with, as the model reads its `val`.
#[derive(Clone, Debug)]
enum Arg {
    /// `is_null` and `is_not_null` ignore `val`.
    Ignored,
    /// `val` is `null`.
    Null,
    One(Val),
    Pattern(String),
    List(Vec<Val>),
}

/// `{"name": field, "op": op_name, "val": val}` on a row's own field.
#[derive(Clone, Debug)]
struct Leaf {
    field: &'static str,
    op: Op,
    op_name: &'static str,
    /// The `val` sent (absent when `None`).
    val: Option<Value>,
    /// The same, for the model (timestamps already as stored).
    arg: Arg,
}

impl Leaf {
    fn json(&self, name: &str) -> Value {
        let mut filter = Map::new();
        filter.insert("name".into(), name.into());
        filter.insert("op".into(), self.op_name.into());
        if let Some(val) = &self.val {
            filter.insert("val".into(), val.clone());
        }
        Value::Object(filter)
    }

    fn holds(&self, row: Row) -> bool {
        let value = row.get(self.field);
        match (self.op, &self.arg) {
            (Op::IsNull, _) | (Op::Eq, Arg::Null) => value == Val::Null,
            (Op::IsNotNull, _) | (Op::Ne, Arg::Null) => value != Val::Null,
            // `not_in []` holds for every row; any other comparison with
            // NULL does not hold.
            (Op::NotIn, Arg::List(list)) if list.is_empty() => true,
            _ if value == Val::Null => false,
            (op, Arg::One(other)) => op.compare(&value, other),
            (Op::Like, Arg::Pattern(pattern)) => like(&text_of(&value), pattern),
            (Op::Ilike, Arg::Pattern(pattern)) => like(
                &text_of(&value).to_ascii_lowercase(),
                &pattern.to_ascii_lowercase(),
            ),
            (Op::In, Arg::List(list)) => list.contains(&value),
            (Op::NotIn, Arg::List(list)) => !list.contains(&value),
            (op, arg) => panic!("the generator makes no {op:?} with {arg:?}"),
        }
    }
}

fn text_of(value: &Val) -> String {
    match value {
        Val::Text(text) => text.clone(),
        other => panic!("like on {other:?}"),
    }
}

/// One element of a LIKE pattern.
#[derive(Debug, PartialEq)]
enum Token {
    /// `%`.
    Any,
    /// `_`.
    One,
    Literal(char),
}

/// PostgreSQL's LIKE, case-sensitive, whole string: `%` any text, `_` one
/// character, `\x` the character x (a lone `\` at the end is itself).
fn like(text: &str, pattern: &str) -> bool {
    let mut tokens = Vec::new();
    let mut chars = pattern.chars();
    while let Some(ch) = chars.next() {
        tokens.push(match ch {
            '%' => Token::Any,
            '_' => Token::One,
            '\\' => Token::Literal(chars.next().unwrap_or('\\')),
            ch => Token::Literal(ch),
        });
    }
    let text: Vec<char> = text.chars().collect();
    matches(&tokens, &text)
}

fn matches(tokens: &[Token], text: &[char]) -> bool {
    match tokens.split_first() {
        None => text.is_empty(),
        Some((Token::Any, rest)) => (0..=text.len()).any(|skip| matches(rest, &text[skip..])),
        Some((Token::One, rest)) => !text.is_empty() && matches(rest, &text[1..]),
        Some((Token::Literal(ch), rest)) => text.first() == Some(ch) && matches(rest, &text[1..]),
    }
}

/// A filter.
#[derive(Clone, Debug)]
enum Cond {
    And(Vec<Cond>),
    Or(Vec<Cond>),
    /// On the row's own field.
    Leaf(Leaf),
    /// `{"name": a, "op": op_name, "field": b}`.
    Fields {
        a: &'static str,
        op: Op,
        op_name: &'static str,
        b: &'static str,
    },
    /// `relation__field`.
    Related {
        rel: Rel,
        leaf: Leaf,
    },
    /// `{"name": relation, "op": "has", "val": inner}`.
    Has {
        rel: Rel,
        inner: Box<Cond>,
    },
    /// `{"name": relation, "op": "is_null" | "is_not_null"}`.
    RelNull {
        rel: Rel,
        null: bool,
        val: Option<Value>,
    },
}

impl Cond {
    fn json(&self) -> Value {
        match self {
            Self::And(list) => json!({"and": list.iter().map(Self::json).collect::<Vec<_>>()}),
            Self::Or(list) => json!({"or": list.iter().map(Self::json).collect::<Vec<_>>()}),
            Self::Leaf(leaf) => leaf.json(leaf.field),
            Self::Fields { a, op_name, b, .. } => json!({"name": a, "op": op_name, "field": b}),
            Self::Related { rel, leaf } => leaf.json(&format!("{}__{}", rel.name(), leaf.field)),
            Self::Has { rel, inner } => {
                json!({"name": rel.name(), "op": "has", "val": inner.json()})
            }
            Self::RelNull { rel, null, val } => {
                let mut filter = json!({
                    "name": rel.name(),
                    "op": if *null { "is_null" } else { "is_not_null" },
                });
                if let Some(val) = val {
                    filter["val"] = val.clone();
                }
                filter
            }
        }
    }

    fn holds(&self, row: Row) -> bool {
        match self {
            Self::And(list) => list.iter().all(|c| c.holds(row)),
            Self::Or(list) => list.iter().any(|c| c.holds(row)),
            Self::Leaf(leaf) => leaf.holds(row),
            Self::Fields { a, op, b, .. } => {
                let (a, b) = (row.get(a), row.get(b));
                a != Val::Null && b != Val::Null && op.compare(&a, &b)
            }
            Self::Related { rel, leaf } => rel.of(row).is_some_and(|r| leaf.holds(r)),
            Self::Has { rel, inner } => rel.of(row).is_some_and(|r| inner.holds(r)),
            Self::RelNull { rel, null, .. } => rel.of(row).is_none() == *null,
        }
    }
}

/// Keeps the first `budget` leaves of `cond` (a `has` counts as one, and so
/// do its inner leaves), dropping the others.
fn prune(cond: Cond, budget: &mut usize) -> Option<Cond> {
    match cond {
        Cond::And(list) => Some(Cond::And(
            list.into_iter().filter_map(|c| prune(c, budget)).collect(),
        )),
        Cond::Or(list) => Some(Cond::Or(
            list.into_iter().filter_map(|c| prune(c, budget)).collect(),
        )),
        _ if *budget == 0 => None,
        Cond::Has { rel, inner } => {
            *budget -= 1;
            let inner = prune(*inner, budget).unwrap_or(Cond::And(Vec::new()));
            Some(Cond::Has {
                rel,
                inner: Box::new(inner),
            })
        }
        leaf => {
            *budget -= 1;
            Some(leaf)
        }
    }
}

/// A search: its filters (the key left out when `None`) and its order.
#[derive(Clone, Debug)]
struct Query {
    filters: Option<Vec<Cond>>,
    /// Fields of a call, each descending when `true`.
    order_by: Option<Vec<(&'static str, bool)>>,
}

impl Query {
    fn json(&self) -> Value {
        let mut q = Map::new();
        if let Some(filters) = &self.filters {
            q.insert(
                "filters".into(),
                filters.iter().map(Cond::json).collect::<Vec<_>>().into(),
            );
        }
        if let Some(order) = &self.order_by {
            let order: Vec<Value> = order
                .iter()
                .map(|(field, desc)| {
                    json!({"field": field, "direction": if *desc { "desc" } else { "asc" }})
                })
                .collect();
            q.insert("order_by".into(), order.into());
        }
        Value::Object(q)
    }

    /// The ids of the calls the search finds, in its order: the fields asked
    /// (NULL last going up, first going down), then the id.
    fn expected(&self) -> Vec<i64> {
        let filters = self.filters.as_deref().unwrap_or_default();
        let mut found: Vec<&Call> = CALLS
            .iter()
            .filter(|c| filters.iter().all(|f| f.holds(Row::Call(c))))
            .collect();
        let order = self.order_by.as_deref().unwrap_or_default();
        found.sort_by(|x, y| {
            for (field, desc) in order {
                let (a, b) = (Row::Call(x).get(field), Row::Call(y).get(field));
                let ordering = match (&a, &b) {
                    (Val::Null, Val::Null) => Ordering::Equal,
                    (Val::Null, _) if *desc => Ordering::Less,
                    (Val::Null, _) => Ordering::Greater,
                    (_, Val::Null) if *desc => Ordering::Greater,
                    (_, Val::Null) => Ordering::Less,
                    _ if *desc => b.cmp(&a),
                    _ => a.cmp(&b),
                };
                if ordering != Ordering::Equal {
                    return ordering;
                }
            }
            x.id.cmp(&y.id)
        });
        found.into_iter().map(|c| c.id).collect()
    }
}

// ---------------------------------------------------------------------------
// Generators.
// ---------------------------------------------------------------------------

/// `text` upper-cased, lower-cased, with each letter's case swapped, or as is.
fn recase(text: &str, how: u8) -> String {
    match how {
        0 => text.to_uppercase(),
        1 => text.to_lowercase(),
        2 => text
            .chars()
            .flat_map(|c| {
                if c.is_uppercase() {
                    c.to_lowercase().collect::<Vec<_>>()
                } else {
                    c.to_uppercase().collect()
                }
            })
            .collect(),
        _ => text.to_owned(),
    }
}

/// Odd characters for texts and patterns: LIKE's and GLOB's specials, a
/// backslash, a quote, a non-ASCII letter in both cases.
const ODD_TEXT: &str = r"[a-cA-C0-9 %_*?\[\]\\'éÉ-]{0,8}";

/// A text compared with `field`: one of its values, one with its case
/// changed, or odd characters.
fn text_value(table: Table, field: &'static str) -> BoxedStrategy<String> {
    let column = table.texts(field);
    prop_oneof![
        3 => select(column.clone()),
        2 => (select(column), 0..3u8).prop_map(|(text, how)| recase(&text, how)),
        2 => string_regex(ODD_TEXT).expect("a regex"),
    ]
    .boxed()
}

/// A LIKE pattern for `field`: one of its values edited (letters' case,
/// `_` for a character, `%` for a prefix, a suffix or nothing, `\` before a
/// character or at the end), or odd characters.
fn like_pattern(table: Table, field: &'static str) -> BoxedStrategy<String> {
    let column = table.texts(field);
    let edited = (select(column), 0..4u8, vec((0..6u8, any::<Index>()), 0..4)).prop_map(
        |(text, how, edits)| {
            let mut chars: Vec<char> = recase(&text, how).chars().collect();
            for (edit, at) in edits {
                if edit == 5 {
                    chars.push('\\');
                    continue;
                }
                if chars.is_empty() || edit == 4 {
                    let i = at.index(chars.len() + 1);
                    chars.insert(i, '%');
                    continue;
                }
                let i = at.index(chars.len());
                match edit {
                    0 => chars[i] = '_',
                    1 => {
                        chars.truncate(i);
                        chars.push('%');
                    }
                    2 => {
                        chars.drain(..i);
                        chars.insert(0, '%');
                    }
                    _ => chars.insert(i, '\\'),
                }
            }
            chars.into_iter().collect::<String>()
        },
    );
    prop_oneof![
        3 => edited,
        1 => string_regex(r"[aAcC0 %_*?\[\]\\éÉ]{0,6}").expect("a regex"),
    ]
    .boxed()
}

/// A timestamp as sent (naive, with a space, with `Z`, with an offset, a
/// date, without seconds) and as stored (naive UTC).
fn time_value() -> BoxedStrategy<(String, String)> {
    let data: Vec<NaiveDateTime> = CALLS
        .iter()
        .map(|c| NaiveDateTime::parse_from_str(c.timestamp, STORED).expect("a timestamp"))
        .collect();
    let start = NaiveDateTime::parse_from_str("2024-02-26T00:00:00", STORED).expect("a start");
    let instant = prop_oneof![
        3 => select(data.clone()),
        2 => (select(data), -120i64..120).prop_map(|(at, s)| at + TimeDelta::seconds(s)),
        2 => (0i64..8 * 86_400).prop_map(move |s| start + TimeDelta::seconds(s)),
    ];
    let offsets = vec![-480i64, -300, -30, 60, 120, 330, 540];
    (instant, 0..6u8, select(offsets))
        .prop_map(|(at, form, offset)| {
            let stored = at.format(STORED).to_string();
            match form {
                0 => (stored.clone(), stored),
                1 => (at.format("%Y-%m-%d %H:%M:%S").to_string(), stored),
                2 => (format!("{stored}Z"), stored),
                3 => {
                    let local = at + TimeDelta::minutes(offset);
                    let sign = if offset < 0 { '-' } else { '+' };
                    let (h, m) = (offset.abs() / 60, offset.abs() % 60);
                    let sent = format!("{}{sign}{h:02}:{m:02}", local.format(STORED));
                    (sent, stored)
                }
                4 => {
                    let date = at.format("%Y-%m-%d").to_string();
                    (date.clone(), format!("{date}T00:00:00"))
                }
                _ => {
                    let minute = at.format("%Y-%m-%dT%H:%M").to_string();
                    (minute.clone(), format!("{minute}:00"))
                }
            }
        })
        .boxed()
}

/// A value for `field` of `kind`: as sent, and as the model compares it.
fn scalar(table: Table, field: &'static str, kind: Kind) -> BoxedStrategy<(Value, Val)> {
    match kind {
        Kind::Int => prop_oneof![
            3 => select(table.ints(field)),
            2 => -5i64..130,
            1 => select(vec![MAX_EXACT, -MAX_EXACT, 0]),
        ]
        .prop_map(|n| (json!(n), Val::Int(n)))
        .boxed(),
        Kind::Text => text_value(table, field)
            .prop_map(|t| (json!(t), Val::Text(t)))
            .boxed(),
        Kind::Time => time_value()
            .prop_map(|(sent, stored)| (json!(sent), Val::Text(stored)))
            .boxed(),
        Kind::Bool => any::<bool>()
            .prop_map(|b| (json!(b), Val::Int(i64::from(b))))
            .boxed(),
    }
}

/// The `val` of an operator on `field`.
fn argument(
    table: Table,
    field: &'static str,
    kind: Kind,
    op: Op,
) -> BoxedStrategy<(Option<Value>, Arg)> {
    match op {
        Op::IsNull | Op::IsNotNull => select(vec![
            None,
            Some(Value::Null),
            Some(json!("ignored")),
            Some(json!(3)),
        ])
        .prop_map(|val| (val, Arg::Ignored))
        .boxed(),
        Op::Eq | Op::Ne => prop_oneof![
            1 => Just((Some(Value::Null), Arg::Null)),
            4 => scalar(table, field, kind).prop_map(|(j, v)| (Some(j), Arg::One(v))),
        ]
        .boxed(),
        Op::Gt | Op::Lt | Op::Ge | Op::Le => scalar(table, field, kind)
            .prop_map(|(j, v)| (Some(j), Arg::One(v)))
            .boxed(),
        Op::Like | Op::Ilike => like_pattern(table, field)
            .prop_map(|p| (Some(json!(p)), Arg::Pattern(p)))
            .boxed(),
        Op::In | Op::NotIn => {
            prop_oneof![1 => Just(Vec::new()), 4 => vec(scalar(table, field, kind), 1..=4)]
                .prop_map(|items| {
                    let (sent, model): (Vec<Value>, Vec<Val>) = items.into_iter().unzip();
                    (Some(Value::Array(sent)), Arg::List(model))
                })
                .boxed()
        }
    }
}

/// A filter on a field of `table` with any operator that fits its kind.
fn leaf(table: Table) -> BoxedStrategy<Leaf> {
    select(table.fields().to_vec())
        .prop_flat_map(move |(field, kind)| {
            let mut ops = vec![
                Op::IsNull,
                Op::IsNotNull,
                Op::Eq,
                Op::Ne,
                Op::Gt,
                Op::Lt,
                Op::Ge,
                Op::Le,
                Op::In,
                Op::NotIn,
            ];
            if kind == Kind::Text {
                ops.extend([
                    Op::Like,
                    Op::Ilike,
                    Op::Like,
                    Op::Ilike,
                    Op::Like,
                    Op::Ilike,
                ]);
            }
            (select(ops), any::<Index>()).prop_flat_map(move |(op, spelling)| {
                let op_name = op.names()[spelling.index(op.names().len())];
                argument(table, field, kind, op).prop_map(move |(val, arg)| Leaf {
                    field,
                    op,
                    op_name,
                    val,
                    arg,
                })
            })
        })
        .boxed()
}

/// Two fields of `table` of one kind compared.
fn fields_compared(table: Table) -> BoxedStrategy<Cond> {
    let fields = table.fields();
    let pairs: Vec<(&'static str, &'static str)> = fields
        .iter()
        .flat_map(|(a, ka)| {
            fields
                .iter()
                .filter(move |(_, kb)| kb == ka)
                .map(move |(b, _)| (*a, *b))
        })
        .collect();
    (select(pairs), select(COMPARISONS.to_vec()), any::<Index>())
        .prop_map(|((a, b), op, spelling)| Cond::Fields {
            a,
            op,
            op_name: op.names()[spelling.index(op.names().len())],
            b,
        })
        .boxed()
}

/// A filter on `table` nesting at most `depth` more levels.
fn cond(table: Table, depth: u32) -> BoxedStrategy<Cond> {
    let mut choices: Vec<(u32, BoxedStrategy<Cond>)> = vec![
        (6, leaf(table).prop_map(Cond::Leaf).boxed()),
        (2, fields_compared(table)),
    ];
    if table == Table::Calls {
        for rel in [Rel::Campaign, Rel::Target] {
            choices.push((
                2,
                leaf(rel.table())
                    .prop_map(move |leaf| Cond::Related { rel, leaf })
                    .boxed(),
            ));
            choices.push((
                1,
                (any::<bool>(), select(vec![None, Some(json!(1))]))
                    .prop_map(move |(null, val)| Cond::RelNull { rel, null, val })
                    .boxed(),
            ));
        }
    }
    if depth > 0 {
        let inner = cond(table, depth - 1);
        choices.push((2, vec(inner.clone(), 0..=3).prop_map(Cond::And).boxed()));
        choices.push((2, vec(inner, 0..=3).prop_map(Cond::Or).boxed()));
        if table == Table::Calls {
            for rel in [Rel::Campaign, Rel::Target] {
                choices.push((
                    1,
                    cond(rel.table(), depth - 1)
                        .prop_map(move |inner| Cond::Has {
                            rel,
                            inner: Box::new(inner),
                        })
                        .boxed(),
                ));
            }
        }
    }
    Union::new_weighted(choices).boxed()
}

/// A search of the calls: up to three top-level filters nesting three
/// levels at most, six leaves at most, and maybe an order.
fn query() -> BoxedStrategy<Query> {
    let fields: Vec<&'static str> = CALL_FIELDS.iter().map(|(f, _)| *f).collect();
    (
        proptest::option::weighted(0.95, vec(cond(Table::Calls, 2), 0..=3)),
        proptest::option::weighted(0.6, vec((select(fields), any::<bool>()), 0..=3)),
    )
        .prop_map(|(filters, order_by)| {
            let mut budget = 6;
            Query {
                filters: filters.map(|list| {
                    list.into_iter()
                        .filter_map(|c| prune(c, &mut budget))
                        .collect()
                }),
                order_by,
            }
        })
        .boxed()
}

/// Mostly searches that find some calls but not all of them (or all of
/// them in another order), where a wrong filter or order shows.
fn telling_query() -> BoxedStrategy<Query> {
    let telling = query().prop_filter("finds some calls, not all in id order", |query| {
        let found = query.expected().len();
        found > 0 && (found < CALLS.len() || query.order_by.as_ref().is_some_and(|o| !o.is_empty()))
    });
    prop_oneof![1 => query(), 4 => telling].boxed()
}

/// The valid filters' JSON, to put beside an invalid one.
fn valid_filters() -> BoxedStrategy<Vec<Value>> {
    vec(cond(Table::Calls, 1), 0..=2)
        .prop_map(|list| {
            let mut budget = 4;
            list.into_iter()
                .filter_map(|c| prune(c, &mut budget))
                .map(|c| c.json())
                .collect()
        })
        .boxed()
}

/// One filter the compiler must refuse.
fn invalid_filter() -> BoxedStrategy<Value> {
    let not_text = vec![
        "id",
        "campaign_id",
        "target_id",
        "duration",
        "timestamp",
        "campaign__id",
        "campaign__call_maximum",
        "campaign__allow_call_in",
        "target__id",
    ];
    let integers = vec![
        "id",
        "campaign_id",
        "target_id",
        "duration",
        "campaign__id",
        "campaign__call_maximum",
        "target__id",
    ];
    let texts = vec![
        "call_id",
        "status",
        "campaign__name",
        "campaign__campaign_state",
        "campaign__status",
        "target__name",
        "target__title",
        "target__phone_number",
    ];
    let comparisons: Vec<&str> = COMPARISONS
        .iter()
        .flat_map(|op| op.names().iter().copied())
        .collect();
    let orders: Vec<&str> = [Op::Gt, Op::Lt, Op::Ge, Op::Le]
        .iter()
        .flat_map(|op| op.names().iter().copied())
        .collect();
    let lists = vec!["in", "not_in"];
    let leaf_json = |name: &str, op: &str, val: Value| json!({"name": name, "op": op, "val": val});
    let mismatched = vec![
        ("duration", "status"),
        ("timestamp", "call_id"),
        ("id", "timestamp"),
        ("call_id", "target_id"),
        ("status", "timestamp"),
    ];
    let same_kind = vec![
        ("duration", "id"),
        ("call_id", "status"),
        ("timestamp", "timestamp"),
    ];
    let choices: Vec<BoxedStrategy<Value>> = vec![
        // LIKE on a field that is not text.
        (select(not_text), select(vec!["like", "ilike"]), select(vec!["1%", "%", "x"]))
            .prop_map(move |(f, op, v)| leaf_json(f, op, json!(v)))
            .boxed(),
        // A value of the wrong JSON type.
        (
            select(integers.clone()),
            select(comparisons.clone()),
            select(vec![json!("5"), json!(true), json!([1]), json!({"a": 1})]),
        )
            .prop_map(move |(f, op, v)| leaf_json(f, op, v))
            .boxed(),
        (
            select(texts.clone()),
            select(comparisons.clone()),
            select(vec![json!(5), json!(false), json!(["completed"]), json!({})]),
        )
            .prop_map(move |(f, op, v)| leaf_json(f, op, v))
            .boxed(),
        (
            select(comparisons.clone()),
            select(vec![
                json!(5),
                json!(true),
                json!("yesterday"),
                json!("2024-13-01"),
                json!("2024-02-30"),
                json!(""),
                json!("03/01/2024"),
                json!("2024-03-01T25:00:00"),
                json!(["2024-03-01"]),
            ]),
        )
            .prop_map(move |(op, v)| leaf_json("timestamp", op, v))
            .boxed(),
        (
            select(comparisons.clone()),
            select(vec![json!(1), json!(0), json!("true"), json!([true])]),
        )
            .prop_map(move |(op, v)| leaf_json("campaign__allow_call_in", op, v))
            .boxed(),
        // An order against null.
        (
            select(CALL_FIELDS.iter().map(|(f, _)| *f).collect::<Vec<_>>()),
            select(orders),
        )
            .prop_map(move |(f, op)| leaf_json(f, op, Value::Null))
            .boxed(),
        // A list that is not one, or holds a wrong value.
        (
            select(integers.clone()),
            select(lists.clone()),
            select(vec![
                json!(5),
                json!("1"),
                json!(null),
                json!({}),
                json!([1, "2"]),
                json!([null]),
                json!([1, true]),
            ]),
        )
            .prop_map(move |(f, op, v)| leaf_json(f, op, v))
            .boxed(),
        (
            select(texts.clone()),
            select(lists.clone()),
            select(vec![json!("completed"), json!(["completed", 5]), json!([null])]),
        )
            .prop_map(move |(f, op, v)| leaf_json(f, op, v))
            .boxed(),
        // Past the limits: too many values, integers D1 would round.
        (select(integers.clone()), select(lists)).prop_map(move |(f, op)| {
            leaf_json(f, op, json!((0..61).collect::<Vec<i64>>()))
        })
        .boxed(),
        (
            select(integers),
            select(comparisons.clone()),
            select(vec![MAX_EXACT + 1, -MAX_EXACT - 1, i64::MAX, i64::MIN]),
        )
            .prop_map(move |(f, op, n)| leaf_json(f, op, json!(n)))
            .boxed(),
        // Unknown names, some of them real columns the API does not show.
        (
            select(vec![
                "durations",
                "Status",
                "ID",
                "target_display",
                "session_id",
                "referral_code",
                "campaign__nope",
                "nope__name",
                "campaign__",
                "__name",
                "campaign__calls",
                "target__uid",
                "target__district",
                "campaign__phone_numbers",
                "calls",
                "",
            ]),
            select(vec!["==", "is_null", "is_not_null"]),
        )
            .prop_map(move |(f, op)| leaf_json(f, op, json!(1)))
            .boxed(),
        // Unknown operators, and `has` / `any` on a field.
        (
            select(vec!["id", "status", "timestamp", "campaign__name"]),
            select(vec![
                "=", "===", "contains", "LIKE", "EQ", "startswith", "", "not", "is", "has",
                "any", "in_", "Is_Null",
            ]),
        )
            .prop_map(move |(f, op)| leaf_json(f, op, json!(1)))
            .boxed(),
        // Relations used as they cannot be.
        select(vec![
            json!({"name": "campaign", "op": "has", "val":
                {"name": "calls", "op": "has", "val": {"name": "id", "op": "==", "val": 1}}}),
            json!({"name": "campaign", "op": "has", "val":
                {"name": "audio_recordings", "op": "has", "val": {"name": "id", "op": "==", "val": 1}}}),
            json!({"name": "campaign", "op": "any", "val": {"name": "id", "op": "==", "val": 1}}),
            json!({"name": "target", "op": "any", "val": {"name": "id", "op": "==", "val": 1}}),
            json!({"name": "target", "op": "has"}),
            json!({"name": "target", "op": "has", "val": 5}),
            json!({"name": "target", "op": "has", "val": [{"name": "id", "op": "==", "val": 1}]}),
            json!({"name": "target", "op": "has", "val": {"name": "status", "op": "==", "val": "x"}}),
            json!({"name": "campaign", "op": "has", "val": {"name": "name", "op": "like", "val": 5}}),
            json!({"name": "target", "op": "==", "val": 1}),
            json!({"name": "campaign", "op": "like", "val": "S%"}),
            json!({"name": "campaign", "op": "in", "val": [1]}),
        ])
        .boxed(),
        // Fields compared: of different kinds, by an operator that is not a
        // comparison, with an unknown field, or with a value too.
        (select(mismatched), select(comparisons.clone()))
            .prop_map(|((a, b), op)| json!({"name": a, "op": op, "field": b}))
            .boxed(),
        (
            select(same_kind),
            select(vec!["like", "ilike", "in", "not_in", "is_null", "is_not_null", "has"]),
        )
            .prop_map(|((a, b), op)| json!({"name": a, "op": op, "field": b}))
            .boxed(),
        select(vec![
            json!({"name": "duration", "op": "==", "field": "nope"}),
            json!({"name": "duration", "op": "==", "field": 5}),
            json!({"name": "duration", "op": "==", "field": "campaign__call_maximum"}),
            json!({"name": "duration", "op": "==", "val": 1, "field": "id"}),
            json!({"name": "campaign__name", "op": "==", "field": "status"}),
            json!({"name": "target", "op": "is_null", "field": "id"}),
        ])
        .boxed(),
        // Filters of the wrong shape.
        select(vec![
            json!({"name": "id", "op": "==", "val": 1, "value": 1}),
            json!({"or": [], "name": "id"}),
            json!({"or": [], "and": []}),
            json!({"and": {}}),
            json!({"or": "x"}),
            json!({"and": null}),
            json!("id"),
            json!(5),
            json!(null),
            json!([]),
            json!({}),
            json!({"name": "id"}),
            json!({"op": "=="}),
            json!({"name": 5, "op": "=="}),
            json!({"name": "id", "op": 5}),
            json!({"name": "id", "op": null, "val": 1}),
        ])
        .boxed(),
        // Nested deeper than the compiler allows.
        (cond(Table::Calls, 0), 8usize..=10, any::<bool>())
            .prop_map(|(leaf, levels, or)| {
                (0..levels).fold(leaf.json(), |inner, _| {
                    if or {
                        json!({"or": [inner]})
                    } else {
                        json!({"and": [inner]})
                    }
                })
            })
            .boxed(),
        // More filters than the compiler allows.
        vec(cond(Table::Calls, 0), 41..=45)
            .prop_map(|list| json!({"and": list.iter().map(Cond::json).collect::<Vec<_>>()}))
            .boxed(),
    ];
    Union::new(choices).boxed()
}

/// A search with one invalid part: a filter (at the top, or in an `and` /
/// `or` beside valid ones), or the search's other keys.
fn invalid_query() -> BoxedStrategy<String> {
    let in_filters = (
        invalid_filter(),
        valid_filters(),
        0..3u8,
        any::<Index>(),
        valid_filters(),
    )
        .prop_map(|(bad, siblings, place, at, top)| {
            let mut siblings = siblings;
            siblings.insert(at.index(siblings.len() + 1), bad);
            let placed = match place {
                0 => siblings,
                1 => vec![json!({ "and": siblings })],
                _ => vec![json!({ "or": siblings })],
            };
            let mut filters = top;
            let i = at.index(filters.len() + 1);
            for (n, filter) in placed.into_iter().enumerate() {
                filters.insert(i + n, filter);
            }
            json!({ "filters": filters }).to_string()
        });
    let in_keys = (
        valid_filters(),
        select(vec![
            (
                "order_by",
                json!([{"field": "campaign__name", "direction": "asc"}]),
            ),
            ("order_by", json!([{"field": "id", "direction": "up"}])),
            ("order_by", json!([{"field": "id", "direction": "ASC"}])),
            ("order_by", json!([{"field": "id"}])),
            ("order_by", json!([{"field": "nope", "direction": "asc"}])),
            (
                "order_by",
                json!([{"field": "target_display", "direction": "desc"}]),
            ),
            (
                "order_by",
                json!([{"field": "id", "direction": "asc", "nulls": "first"}]),
            ),
            ("order_by", json!({"field": "id", "direction": "asc"})),
            ("order_by", json!(["id"])),
            ("filter", json!([])),
            ("sort", json!(1)),
            ("limit", json!(-1)),
            ("limit", json!("5")),
            ("offset", json!(1.5)),
            ("single", json!("yes")),
        ]),
    )
        .prop_map(|(filters, (key, value))| {
            let mut q = json!({ "filters": filters });
            q[key] = value;
            q.to_string()
        });
    let whole = select(vec![
        json!({"filters": {}}).to_string(),
        json!({"filters": "x"}).to_string(),
        json!({"filters": null}).to_string(),
        json!({"filters": [[]]}).to_string(),
    ]);
    prop_oneof![8 => in_filters, 3 => in_keys, 1 => whole].boxed()
}

/// A `q` that is not a JSON object.
fn undecodable_query() -> BoxedStrategy<String> {
    let not_objects = select(vec![
        String::new(),
        " ".into(),
        "[]".into(),
        r#"[{"filters": []}]"#.into(),
        "1".into(),
        "null".into(),
        "true".into(),
        r#""filters""#.into(),
        "{".into(),
        "not json".into(),
        "{filters: []}".into(),
        r#"{"filters": []} {}"#.into(),
        r#"{"filters": [],}"#.into(),
    ]);
    // A valid search cut short is not JSON.
    let cut = query().prop_map(|q| {
        let mut text = q.json().to_string();
        text.pop();
        text
    });
    let random = string_regex(r"[ -~]{0,12}")
        .expect("a regex")
        .prop_filter("not a JSON object", |text| {
            !matches!(serde_json::from_str::<Value>(text), Ok(Value::Object(_)))
        });
    prop_oneof![not_objects, cut, random].boxed()
}

// ---------------------------------------------------------------------------
// The properties.
// ---------------------------------------------------------------------------

/// Any valid search finds the calls the model finds, in the model's order.
#[test]
fn searches_find_what_the_semantics_say_in_order() {
    let (runtime, app) = start();
    check(1024, telling_query(), |query| {
        let q = query.json().to_string();
        let expected = query.expected();
        let (status, body) = runtime.block_on(search(&app, Some(&q)));
        prop_assert_eq!(status, 200, "q = {}\nbody = {}", q, body);
        prop_assert_eq!(
            ids(&body),
            Some(expected.clone()),
            "left: the app, right: the model; q = {}",
            q
        );
        prop_assert_eq!(
            body["num_results"].as_u64(),
            Some(expected.len() as u64),
            "q = {}",
            q
        );
        Ok(())
    });
}

/// Any search with an invalid part is 400 "Unable to construct query".
#[test]
fn invalid_searches_are_refused_with_400() {
    let (runtime, app) = start();
    check(512, invalid_query(), |q| {
        let answer = runtime.block_on(search(&app, Some(&q)));
        prop_assert_eq!(
            answer,
            (400, json!({"message": "Unable to construct query"})),
            "q = {}",
            q
        );
        Ok(())
    });
}

/// A `q` that is not a JSON object is 400 "Unable to decode data".
#[test]
fn undecodable_searches_are_refused_with_400() {
    let (runtime, app) = start();
    check(128, undecodable_query(), |q| {
        let answer = runtime.block_on(search(&app, Some(&q)));
        prop_assert_eq!(
            answer,
            (400, json!({"message": "Unable to decode data"})),
            "q = {:?}",
            q
        );
        Ok(())
    });
}

/// The model's LIKE on its own edge cases, so that a bug in the model does
/// not hide one in the app.
#[test]
fn the_model_reads_like_patterns_as_postgresql() {
    assert!(like("CA%05", r"CA\%05"));
    assert!(!like("CA005", r"CA\%05"));
    assert!(like("CA_06", "CA_06"));
    assert!(like("CAx06", "CA_06"));
    assert!(!like("CA\\12", r"CA\12"));
    assert!(like("CA\\12", r"CA\\12"));
    assert!(like("a\\", "a\\"));
    assert!(like("", "%"));
    assert!(!like("", "_"));
    assert!(like("Zoë", "Zo_"));
    assert!(!like("Save the Bees", "save%"));
    assert!(like("[*?]", "[*?]"));
}
