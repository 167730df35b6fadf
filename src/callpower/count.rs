//! `GET /api/campaign/<id>/count.json`, the public call count, read by every
//! visitor of the sites that embed a campaign: served from the data center's
//! cache when it can be; on a miss from the copy in KV (global, so one
//! location's work serves all); only then computed in D1, after which both
//! copies are filled once the answer is on its way. An answer is at most
//! [`COUNT_LIFETIME`] old, says how much longer it may be kept, and has an
//! `ETag` (`304` on `If-None-Match`). The query string is not part of the
//! key, as in the original.

use std::time::Duration;

use axum::body::Body;
use axum::extract::rejection::PathRejection;
use axum::extract::Path;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use chrono::{DateTime, Utc};
use http::header::{CACHE_CONTROL, CONTENT_TYPE, ETAG, IF_NONE_MATCH};
use http::{HeaderMap, HeaderValue, StatusCode, Uri};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};

use super::period::Instant;
use super::CallPowerError;
use crate::http::{origin, path_id, Ctx};
use crate::ports::{CachedResponse, EdgeCache, Kv, Log, Statement};

/// How long an answer may be served: the document's 10 minutes.
pub const COUNT_LIFETIME: Duration = Duration::from_secs(600);

/// The key of a campaign's copy in KV.
fn kv_key(campaign: i64) -> String {
    format!("callpower:count:{campaign}")
}

/// The key of a campaign's copy in the edge cache: the route's URL without
/// its query string.
fn cache_key(origin: &str, campaign: i64) -> String {
    format!("{origin}/api/campaign/{campaign}/count.json")
}

/// A computed answer as both copies keep it.
#[derive(Debug, Serialize, Deserialize)]
struct Copy {
    body: String,
    etag: String,
    /// When D1 was read, in milliseconds since the epoch.
    computed_at: i64,
}

impl Copy {
    fn new(body: String, now: DateTime<Utc>) -> Self {
        let digest = Sha256::digest(body.as_bytes());
        let etag = format!("\"{}\"", hex::encode(digest.get(..16).unwrap_or_default()));
        Self {
            body,
            etag,
            computed_at: now.timestamp_millis(),
        }
    }

    /// The seconds it may still be kept at `now`, if any.
    fn remaining(&self, now: DateTime<Utc>) -> Option<u64> {
        let age_ms = now
            .timestamp_millis()
            .saturating_sub(self.computed_at)
            .max(0);
        let lifetime_ms = COUNT_LIFETIME.as_millis() as i64;
        (age_ms < lifetime_ms).then(|| ((lifetime_ms - age_ms) / 1000) as u64)
    }

    /// The answer to a request with `headers`: 304 when it holds our ETag.
    fn answer(&self, headers: &HeaderMap, remaining: u64) -> Response {
        let matches = headers
            .get_all(IF_NONE_MATCH)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(|tag| tag.trim().trim_start_matches("W/"))
            .any(|tag| tag == self.etag || tag == "*");
        let mut response = if matches {
            StatusCode::NOT_MODIFIED.into_response()
        } else {
            let mut response = Response::new(Body::from(self.body.clone()));
            response
                .headers_mut()
                .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
            response
        };
        let headers = response.headers_mut();
        if let Ok(etag) = HeaderValue::from_str(&self.etag) {
            headers.insert(ETAG, etag);
        }
        if let Ok(control) = HeaderValue::from_str(&format!("public, max-age={remaining}")) {
            headers.insert(CACHE_CONTROL, control);
        }
        response
    }

    fn cached(&self) -> Result<CachedResponse, serde_json::Error> {
        Ok(CachedResponse {
            status: 200,
            headers: vec![("content-type".into(), "application/json".into())],
            body: Bytes::from(serde_json::to_vec(self)?),
        })
    }

    fn from_cached(cached: &CachedResponse) -> Option<Self> {
        serde_json::from_slice(&cached.body).ok()
    }
}

/// The completed calls of one referral code (or none), as D1 answers them;
/// a campaign without completed calls is one row without them.
#[derive(Deserialize)]
struct Group {
    referral_code: Option<String>,
    completed: Option<i64>,
    last_24h: Option<i64>,
    last_week: Option<i64>,
}

/// `GET /api/campaign/<id>/count.json`, no key needed: `completed`,
/// `last_24h`, `last_week` (completed calls) and `referral_codes` (those with
/// at least two completed calls). 404 `{"message"}` for an unknown campaign.
pub async fn show(
    ctx: Ctx,
    path: Result<Path<String>, PathRejection>,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, CallPowerError> {
    let campaign = path_id(path).ok_or_else(CallPowerError::no_campaign)?;
    let now = ctx.clock.now();
    let url = cache_key(&origin(&uri, &headers), campaign);

    match ctx.cache.get(&url).await {
        Ok(Some(cached)) => {
            if let Some((copy, remaining)) =
                Copy::from_cached(&cached).and_then(|copy| copy.remaining(now).map(|r| (copy, r)))
            {
                return Ok(copy.answer(&headers, remaining));
            }
        }
        Ok(None) => {}
        Err(e) => report(ctx.log.as_ref(), "reading the edge cache", &e),
    }

    match ctx.kv.get(&kv_key(campaign)).await {
        Ok(Some(text)) => {
            if let Some((copy, remaining)) = serde_json::from_str::<Copy>(&text)
                .ok()
                .and_then(|copy| copy.remaining(now).map(|r| (copy, r)))
            {
                let response = copy.answer(&headers, remaining);
                fill(&ctx, url, None, copy, remaining);
                return Ok(response);
            }
        }
        Ok(None) => {}
        Err(e) => report(ctx.log.as_ref(), "reading KV", &e),
    }

    let copy = Copy::new(compute(&ctx, campaign, now).await?, now);
    let remaining = COUNT_LIFETIME.as_secs();
    let response = copy.answer(&headers, remaining);
    fill(&ctx, url, Some(kv_key(campaign)), copy, remaining);
    Ok(response)
}

/// Reads the counts in D1: one round trip, one pass over the campaign's
/// completed calls (an index holds their time and referral code), grouped by
/// referral code; the totals are the groups' sums.
async fn compute(ctx: &Ctx, campaign: i64, now: DateTime<Utc>) -> Result<String, CallPowerError> {
    let since = |hours: i64| Instant::from_utc(now - chrono::Duration::hours(hours)).stored();
    let groups: Vec<Group> = ctx
        .db
        .all(
            Statement::new(
                "SELECT g.referral_code, g.completed, g.last_24h, g.last_week \
                 FROM callpower_campaigns AS k \
                 LEFT JOIN (SELECT referral_code, COUNT(*) AS completed, \
                              SUM(timestamp >= ?) AS last_24h, SUM(timestamp >= ?) AS last_week \
                            FROM callpower_calls \
                            WHERE campaign_id = ? AND status = 'completed' \
                            GROUP BY referral_code) AS g ON 1 \
                 WHERE k.id = ?",
            )
            .bind(since(24))
            .bind(since(24 * 7))
            .bind(campaign)
            .bind(campaign),
        )
        .await?
        .decode()?;
    if groups.is_empty() {
        return Err(CallPowerError::no_campaign());
    }
    let sum = |pick: fn(&Group) -> Option<i64>| groups.iter().filter_map(pick).sum::<i64>();
    // The codes with at least two completed calls, in order (a map sorts them).
    let referral_codes: serde_json::Map<String, serde_json::Value> = groups
        .iter()
        .filter_map(|g| match (&g.referral_code, g.completed) {
            (Some(code), Some(n)) if n >= 2 => Some((code.clone(), n.into())),
            _ => None,
        })
        .collect();
    Ok(json!({
        "completed": sum(|g| g.completed),
        "last_24h": sum(|g| g.last_24h),
        "last_week": sum(|g| g.last_week),
        "referral_codes": referral_codes,
    })
    .to_string())
}

/// After the answer: the edge cache's copy (for the time `copy` has left)
/// and, when given, KV's (for the whole lifetime: it was just computed).
fn fill(ctx: &Ctx, url: String, kv_key: Option<String>, copy: Copy, remaining: u64) {
    let (cache, kv, log) = (ctx.cache.clone(), ctx.kv.clone(), ctx.log.clone());
    ctx.background.spawn(Box::pin(async move {
        store(
            cache.as_ref(),
            kv.as_ref(),
            log.as_ref(),
            &url,
            kv_key,
            &copy,
            remaining,
        )
        .await;
    }));
}

async fn store(
    cache: &dyn EdgeCache,
    kv: &dyn Kv,
    log: &dyn Log,
    url: &str,
    kv_key: Option<String>,
    copy: &Copy,
    remaining: u64,
) {
    if let Some(key) = kv_key {
        match serde_json::to_string(copy) {
            Ok(text) => {
                if let Err(e) = kv.put(&key, &text, Some(COUNT_LIFETIME)).await {
                    report(log, "filling KV", &e);
                }
            }
            Err(e) => report(log, "writing KV's copy", &e),
        }
    }
    match copy.cached() {
        Ok(cached) => {
            if let Err(e) = cache.put(url, cached, Duration::from_secs(remaining)).await {
                report(log, "filling the edge cache", &e);
            }
        }
        Err(e) => report(log, "writing the edge cache's copy", &e),
    }
}

fn report(log: &dyn Log, doing: &str, error: &dyn std::fmt::Display) {
    log.emit(&json!({
        "level": "error",
        "event": "callpower_count",
        "message": format!("{doing}: {error}"),
    }));
}

/// Forgets both copies of the counts of `campaigns` (their data was just
/// replaced), for the origin `origin`.
pub async fn purge(ctx: &Ctx, origin: &str, campaigns: &[i64]) {
    for &campaign in campaigns {
        if let Err(e) = ctx.cache.delete(&cache_key(origin, campaign)).await {
            report(ctx.log.as_ref(), "purging the edge cache", &e);
        }
        if let Err(e) = ctx.kv.delete(&kv_key(campaign)).await {
            report(ctx.log.as_ref(), "purging KV", &e);
        }
    }
}
