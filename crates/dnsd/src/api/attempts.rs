//! The attempt log for parents: pages, CSV export and the 30-day summary.
//!
//! Day files are read on the blocking pool (a month of a busy journal is a few megabytes), and
//! the groups still open in memory are folded in, so a parent sees an attempt the moment it
//! happens with its count so far.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use time::macros::format_description;
use time::{Date, Duration, OffsetDateTime};
use vigie_localapi as v1;

use super::{Api, Failure, Peer};
use crate::journal::{Entry, read_entries};

const DEFAULT_DAYS: i64 = 30;
const MAX_DAYS: i64 = 366;
const DEFAULT_LIMIT: u32 = 100;
const MAX_LIMIT: u32 = 1000;

/// The query string of the attempts routes: the client's own type.
type Filters = vigie_localapi::AttemptQuery;

fn day(text: &str, field: &str) -> Result<Date, Failure> {
    Date::parse(text, format_description!("[year]-[month]-[day]")).map_err(|_| {
        Failure::bad(format!(
            "{field} must be a date like 2026-01-31, not \"{}\"",
            text.chars().take(40).collect::<String>()
        ))
    })
}

fn today() -> Date {
    OffsetDateTime::now_utc().date()
}

/// The days asked for, checked.
fn range(f: &Filters) -> Result<(Date, Date), Failure> {
    let to =
        f.to.as_deref()
            .map(|t| day(t, "to"))
            .transpose()?
            .unwrap_or_else(today);
    let from = match f.from.as_deref() {
        Some(t) => day(t, "from")?,
        None => to - Duration::days(DEFAULT_DAYS - 1),
    };
    if from > to {
        return Err(Failure::bad("from must not be after to"));
    }
    if (to - from).whole_days() >= MAX_DAYS {
        return Err(Failure::bad(format!(
            "ask for at most {MAX_DAYS} days at once"
        )));
    }
    Ok((from, to))
}

/// Every attempt of the days, open groups included (they win over their first line on disk),
/// newest first.
async fn load(api: &Arc<Api>, from: Date, to: Date) -> Result<Vec<Entry>, Failure> {
    api.shared.journal.settled().await;
    let dir = api.journal.clone();
    let read = tokio::task::spawn_blocking(move || read_entries(&dir, from, to))
        .await
        .map_err(|e| Failure::internal(e.to_string()))?
        .map_err(|e| Failure::internal(format!("the journal cannot be read: {e}")))?;
    if read.skipped_lines > 0 {
        // A torn last line after a crash, or a hand edit: the rest is still shown.
        tracing::debug!(
            lines = read.skipped_lines,
            "unreadable journal lines skipped"
        );
    }
    let mut by_id: HashMap<u64, Entry> = read.entries.into_iter().map(|e| (e.id, e)).collect();
    for open in api.shared.journal.open_entries() {
        let d = open.time.date();
        if d >= from && d <= to {
            by_id.insert(open.id, open);
        }
    }
    let mut entries: Vec<Entry> = by_id.into_values().collect();
    entries.sort_by(|a, b| b.time.cmp(&a.time).then(b.id.cmp(&a.id)));
    Ok(entries)
}

/// The `account` filter's word for attempts whose account cannot be told.
const THIS_COMPUTER: &str = "this-computer";

fn matches(e: &Entry, f: &Filters) -> bool {
    if let Some(site) = &f.site
        && !e.site.eq_ignore_ascii_case(site)
    {
        return false;
    }
    if let Some(account) = &f.account {
        let uid = e.account.as_ref().map(|a| a.uid.to_string());
        let fits = match uid {
            Some(uid) => *account == uid,
            None => account == THIS_COMPUTER && e.local,
        };
        if !fits {
            return false;
        }
    }
    if let Some(q) = &f.q {
        let q = q.to_lowercase();
        return e.name.contains(&q)
            || e.site.to_lowercase().contains(&q)
            || e.client.contains(&q)
            || e.account.as_ref().is_some_and(|a| {
                a.name.to_lowercase().contains(&q)
                    || a.full_name
                        .as_ref()
                        .is_some_and(|n| n.to_lowercase().contains(&q))
            })
            || e.program
                .as_ref()
                .is_some_and(|p| p.to_lowercase().contains(&q));
    }
    true
}

fn view(e: Entry) -> v1::Attempt {
    v1::Attempt {
        id: e.id,
        time: e.time,
        client: e.client,
        name: e.name,
        site: e.site,
        list: e.list,
        rule: e.rule,
        types: e.types,
        count: e.count,
        cname: e.cname,
        summary: e.summary,
        paused: e.paused,
        brand: e.brand,
        local: e.local,
        account: e.account.map(|a| v1::Account {
            uid: a.uid,
            name: a.name,
            full_name: a.full_name,
        }),
        program: e.program,
        via: e.via,
    }
}

type Filtered = Result<Query<Filters>, axum::extract::rejection::QueryRejection>;

fn filters(q: Filtered) -> Result<Filters, Failure> {
    q.map(|Query(f)| f).map_err(|e| Failure::bad(e.to_string()))
}

/// `GET /v1/attempts`.
pub(super) async fn page(
    State(api): State<Arc<Api>>,
    ConnectInfo(peer): ConnectInfo<Peer>,
    headers: HeaderMap,
    q: Filtered,
) -> Result<axum::Json<v1::AttemptsPage>, Failure> {
    api.parent(peer, &headers)?;
    let f = filters(q)?;
    let limit = f.limit.unwrap_or(DEFAULT_LIMIT);
    if limit == 0 || limit > MAX_LIMIT {
        return Err(Failure::bad(format!("limit must be 1 to {MAX_LIMIT}")));
    }
    let after: Option<u64> = match &f.cursor {
        None => None,
        Some(c) => Some(
            c.parse()
                .map_err(|_| Failure::bad("cursor must be a next_cursor from an earlier page"))?,
        ),
    };
    let (from, to) = range(&f)?;
    let mut entries = load(&api, from, to)
        .await?
        .into_iter()
        .filter(|e| matches(e, &f))
        .peekable();
    if let Some(after) = after {
        for e in entries.by_ref() {
            if e.id == after {
                break;
            }
        }
    }
    let page: Vec<Entry> = entries.by_ref().take(limit as usize).collect();
    let next_cursor = match (entries.peek(), page.last()) {
        (Some(_), Some(last)) => Some(last.id.to_string()),
        _ => None,
    };
    Ok(axum::Json(v1::AttemptsPage {
        entries: page.into_iter().map(view).collect(),
        next_cursor,
    }))
}

fn csv_field(s: &str) -> String {
    // Quote everything; a leading formula sign is defused so a spreadsheet shows it as text.
    let s = if s.starts_with(['=', '+', '-', '@']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    format!("\"{}\"", s.replace('"', "\"\""))
}

/// `GET /v1/attempts.csv`: every attempt that matches, oldest first, for a spreadsheet.
pub(super) async fn csv(
    State(api): State<Arc<Api>>,
    ConnectInfo(peer): ConnectInfo<Peer>,
    headers: HeaderMap,
    q: Filtered,
) -> Result<Response, Failure> {
    api.parent(peer, &headers)?;
    let f = filters(q)?;
    let (from, to) = range(&f)?;
    let mut out =
        String::from("time,client,name,site,list,rule,types,count,cname,uid,account,program,via\n");
    let entries: Vec<Entry> = load(&api, from, to)
        .await?
        .into_iter()
        .filter(|e| matches(e, &f))
        .collect();
    for e in entries.into_iter().rev() {
        let time = e
            .time
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default();
        let row = [
            time,
            e.client,
            e.name,
            e.site,
            e.list,
            e.rule,
            e.types.join(" "),
            e.count.to_string(),
            e.cname.unwrap_or_default(),
            e.account
                .as_ref()
                .map(|a| a.uid.to_string())
                .unwrap_or_default(),
            e.account.map(|a| a.name).unwrap_or_default(),
            e.program.unwrap_or_default(),
            e.via.unwrap_or_default(),
        ];
        out.push_str(
            &row.iter()
                .map(|c| csv_field(c))
                .collect::<Vec<_>>()
                .join(","),
        );
        out.push('\n');
    }
    let mut r = out.into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    r.headers_mut().insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"vigie-attempts.csv\""),
    );
    Ok(r)
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct SummaryQuery {
    days: Option<u32>,
}

/// `GET /v1/attempts/summary?days=30`.
pub(super) async fn summary(
    State(api): State<Arc<Api>>,
    ConnectInfo(peer): ConnectInfo<Peer>,
    headers: HeaderMap,
    q: Result<Query<SummaryQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<axum::Json<v1::Summary>, Failure> {
    api.parent(peer, &headers)?;
    let Query(q) = q.map_err(|e| Failure::bad(e.to_string()))?;
    let days = i64::from(q.days.unwrap_or(30));
    if !(1..=MAX_DAYS).contains(&days) {
        return Err(Failure::bad(format!("days must be 1 to {MAX_DAYS}")));
    }
    let to = today();
    let from = to - Duration::days(days - 1);
    let entries = load(&api, from, to).await?;
    let mut per_day: BTreeMap<Date, u64> =
        (0..days).map(|i| (from + Duration::days(i), 0)).collect();
    // By site, with the brand behind it when a brand rule named it (the label is the key).
    let mut per_site: HashMap<String, (u64, Option<String>)> = HashMap::new();
    let mut per_account: HashMap<Option<u32>, (Option<v1::Account>, u64)> = HashMap::new();
    for e in &entries {
        *per_day.entry(e.time.date()).or_default() += 1;
        let (count, brand) = per_site.entry(e.site.clone()).or_default();
        *count += 1;
        if brand.is_none() {
            brand.clone_from(&e.brand);
        }
        if e.local {
            let uid = e.account.as_ref().map(|a| a.uid);
            let slot = per_account.entry(uid).or_insert_with(|| {
                let account = e.account.clone().map(|a| v1::Account {
                    uid: a.uid,
                    name: a.name,
                    full_name: a.full_name,
                });
                (account, 0)
            });
            slot.1 += 1;
        }
    }
    let mut accounts: Vec<v1::AccountCount> = per_account
        .into_values()
        .map(|(account, count)| v1::AccountCount { account, count })
        .collect();
    accounts.sort_by(|a, b| {
        let uid = |c: &v1::AccountCount| c.account.as_ref().map(|a| a.uid);
        b.count.cmp(&a.count).then(uid(a).cmp(&uid(b)))
    });
    let mut sites: Vec<v1::SiteCount> = per_site
        .into_iter()
        .map(|(site, (count, brand))| v1::SiteCount { site, count, brand })
        .collect();
    sites.sort_by(|a, b| b.count.cmp(&a.count).then(a.site.cmp(&b.site)));
    let days = per_day
        .into_iter()
        .map(|(d, count)| v1::DayCount {
            date: d.to_string(),
            count,
        })
        .collect();
    Ok(axum::Json(v1::Summary {
        days,
        sites,
        accounts,
    }))
}

/// Attempts since midnight UTC, for status.
pub(super) fn count_today(dir: &std::path::Path, open: Vec<Entry>) -> u64 {
    let d = today();
    let mut ids: std::collections::HashSet<u64> = read_entries(dir, d, d)
        .map(|r| r.entries.into_iter().map(|e| e.id).collect())
        .unwrap_or_default();
    ids.extend(
        open.into_iter()
            .filter(|e| e.time.date() == d)
            .map(|e| e.id),
    );
    ids.len() as u64
}
