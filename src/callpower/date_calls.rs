//! Calls counted by period: `/api/campaign/<id>/date_calls.json` (by
//! `timespan` and status), `/api/campaign/date_calls.json` (by `timespan`
//! and campaign) and
//! `/api/campaign/<id>/target_calls.json` (by target), each limited by
//! `start` and `end`.

use axum::extract::rejection::PathRejection;
use axum::extract::Path;
use axum::response::Response;
use http::Uri;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::auth::ApiKey;
use super::collection::answer;
use super::period::{timespan, Period};
use super::CallPowerError;
use crate::http::{path_id, query_pairs, query_param, Ctx};
use crate::ports::{SqlValue, Statement};

/// One count: the calls of `status` in one bucket; a campaign without calls
/// is one row without them.
#[derive(Deserialize)]
struct Count {
    bucket: Option<String>,
    status: Option<String>,
    n: Option<i64>,
}

/// The request's period and timespan format.
fn read(uri: &Uri, with_timespan: bool) -> Result<(Period, &'static str), CallPowerError> {
    let pairs = query_pairs(uri);
    let format = if with_timespan {
        timespan(query_param(&pairs, "timespan"))?
    } else {
        "%Y-%m-%d"
    };
    let period = Period::read(query_param(&pairs, "start"), query_param(&pairs, "end"))?;
    Ok((period, format))
}

/// `{"objects": {"<bucket>": {"<status>": n}}}`, buckets and statuses in
/// order.
fn by_bucket(counts: Vec<Count>) -> Response {
    let mut objects = Map::new();
    for count in counts {
        if let (Some(bucket), Some(status), Some(n)) = (count.bucket, count.status, count.n) {
            if let Value::Object(statuses) = objects.entry(bucket).or_insert_with(|| json!({})) {
                statuses.insert(status, n.into());
            }
        }
    }
    answer(json!({ "objects": objects }))
}

/// The rows of `sql`, a statement about the campaign `id` over `period`:
/// `{period}` in it is where the period's conditions go. Its values are
/// `before`, the period's, then the id again (for the campaign's own row,
/// which every answer has: none means no campaign).
async fn of_one<T: DeserializeOwned>(
    ctx: &Ctx,
    id: i64,
    sql: &str,
    before: Vec<SqlValue>,
    period: &Period,
) -> Result<Vec<T>, CallPowerError> {
    let (conditions, binds) = period.conditions("timestamp");
    let statement = Statement::new(sql.replace("{period}", &conditions))
        .bind_all(before)
        .bind_all(binds)
        .bind(id);
    let rows: Vec<T> = ctx.db.all(statement).await?.decode()?;
    if rows.is_empty() {
        return Err(CallPowerError::no_campaign());
    }
    Ok(rows)
}

/// `GET /api/campaign/<id>/date_calls.json`: the campaign's calls by
/// `timespan` (`minute`, `hour`, `day`, `month` or `year`; `day` by default)
/// and status, from `start` to `end`.
pub async fn of_campaign(
    ctx: Ctx,
    _: ApiKey,
    path: Result<Path<String>, PathRejection>,
    uri: Uri,
) -> Result<Response, CallPowerError> {
    let id = path_id(path).ok_or_else(CallPowerError::no_campaign)?;
    let (period, format) = read(&uri, true)?;
    let counts: Vec<Count> = of_one(
        &ctx,
        id,
        "SELECT d.bucket, d.status, d.n FROM callpower_campaigns AS k \
         LEFT JOIN (SELECT strftime(?, timestamp) AS bucket, status, COUNT(*) AS n \
                    FROM callpower_calls WHERE campaign_id = ?{period} \
                    GROUP BY bucket, status) AS d ON 1 \
         WHERE k.id = ?",
        vec![format.into(), id.into()],
        &period,
    )
    .await?;
    Ok(by_bucket(counts))
}

/// One campaign's calls in one bucket; the first row (no bucket) holds the
/// completed calls of the period instead.
#[derive(Deserialize)]
struct CampaignCount {
    bucket: Option<String>,
    campaign_id: Option<i64>,
    n: i64,
}

/// `GET /api/campaign/date_calls.json`: the calls of each campaign by
/// `timespan`, from `start` to `end`, as the original counted them:
/// `{"meta": {"calls_completed": n}, "objects": {"<bucket>": {"<campaign
/// id>": n}}}`, buckets in time order.
pub async fn of_all(ctx: Ctx, _: ApiKey, uri: Uri) -> Result<Response, CallPowerError> {
    let (period, format) = read(&uri, true)?;
    let (conditions, binds) = period.conditions("timestamp");
    let statement = Statement::new(format!(
        "SELECT NULL AS bucket, NULL AS campaign_id, COUNT(*) AS n \
         FROM callpower_calls WHERE status = 'completed'{conditions} \
         UNION ALL \
         SELECT * FROM (SELECT strftime(?, timestamp) AS bucket, campaign_id, COUNT(*) AS n \
                        FROM callpower_calls WHERE 1{conditions} \
                        GROUP BY bucket, campaign_id ORDER BY bucket, campaign_id)"
    ))
    .bind_all(binds.clone())
    .bind(format)
    .bind_all(binds);
    let rows: Vec<CampaignCount> = ctx.db.all(statement).await?.decode()?;
    let mut completed = 0;
    let mut objects = Map::new();
    for row in rows {
        match (row.bucket, row.campaign_id) {
            (Some(bucket), Some(campaign)) => {
                if let Value::Object(campaigns) = objects.entry(bucket).or_insert_with(|| json!({}))
                {
                    campaigns.insert(campaign.to_string(), row.n.into());
                }
            }
            _ => completed = row.n,
        }
    }
    Ok(answer(json!({
        "meta": {"calls_completed": completed},
        "objects": objects,
    })))
}

/// One target's count of one status; a campaign without calls is one row
/// without them.
#[derive(Deserialize)]
struct TargetCount {
    target_id: Option<i64>,
    uid: Option<String>,
    title: Option<String>,
    name: Option<String>,
    district: Option<String>,
    status: Option<String>,
    n: Option<i64>,
}

/// `GET /api/campaign/<id>/target_calls.json`: the campaign's calls by
/// target and status, from `start` to `end`: `{"objects": {"<uid>":
/// {"title", "name", "district", "<status>": n}}}`. Calls without a target
/// are not counted, as in the original.
pub async fn by_target(
    ctx: Ctx,
    _: ApiKey,
    path: Result<Path<String>, PathRejection>,
    uri: Uri,
) -> Result<Response, CallPowerError> {
    let id = path_id(path).ok_or_else(CallPowerError::no_campaign)?;
    let (period, _) = read(&uri, false)?;
    let counts: Vec<TargetCount> = of_one(
        &ctx,
        id,
        "SELECT d.target_id, t.uid, t.title, t.name, t.district, d.status, d.n \
         FROM callpower_campaigns AS k \
         LEFT JOIN (SELECT target_id, status, COUNT(*) AS n FROM callpower_calls \
                    WHERE campaign_id = ?{period} AND target_id IS NOT NULL \
                    GROUP BY target_id, status) AS d ON 1 \
         LEFT JOIN callpower_targets AS t ON t.id = d.target_id \
         WHERE k.id = ?",
        vec![id.into()],
        &period,
    )
    .await?;
    let mut objects = Map::new();
    for count in counts {
        let (Some(target), Some(status), Some(n)) = (count.target_id, count.status, count.n) else {
            continue;
        };
        // A target's political key, or its id when it has none.
        let key = count.uid.unwrap_or_else(|| target.to_string());
        let entry = objects.entry(key).or_insert_with(
            || json!({"title": count.title, "name": count.name, "district": count.district}),
        );
        if let Value::Object(fields) = entry {
            fields.insert(status, n.into());
        }
    }
    Ok(answer(json!({ "objects": objects })))
}
