//! The attempt log for parents: pages, CSV export and the 30-day summary.
//!
//! Day files are read on the blocking pool, streaming (see `journal::read`): a page holds only
//! its own entries, the CSV goes out while it is read, and the summary counts in one pass with
//! bounded tables, so reading a journal that a flood filled costs the service no more memory
//! than reading an empty one. The groups still open in memory are folded in, so a parent sees
//! an attempt the moment it happens with its count so far.

use std::collections::{BTreeMap, BinaryHeap, HashMap};
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use time::macros::format_description;
use time::{Date, Duration, OffsetDateTime};
use vigie_localapi as v1;

use super::{Api, Failure, Peer};
use crate::journal::{Entry, Order, each_entry};

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

/// The groups still open in memory, once every attempt recorded so far has reached them, so
/// that a parent sees an attempt the moment it happens with its count so far.
async fn open_entries(api: &Arc<Api>) -> Vec<Entry> {
    api.shared.journal.settled().await;
    api.shared.journal.open_entries()
}

/// Runs `read` on the blocking pool: the day files are read there.
async fn blocking<T: Send + 'static>(
    read: impl FnOnce() -> std::io::Result<T> + Send + 'static,
) -> Result<T, Failure> {
    tokio::task::spawn_blocking(read)
        .await
        .map_err(|e| Failure::internal(e.to_string()))?
        .map_err(unreadable)
}

fn unreadable(e: std::io::Error) -> Failure {
    Failure::internal(format!("the journal cannot be read: {e}"))
}

fn skipped(lines: usize) {
    if lines > 0 {
        // A torn last line after a crash, or a hand edit: the rest is still shown.
        tracing::debug!(lines, "unreadable journal lines skipped");
    }
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
        account: e.account.map(crate::owner::Account::into_api),
        program: e.program,
        via: e.via,
    }
}

type Filtered = Result<Query<Filters>, axum::extract::rejection::QueryRejection>;

fn filters(q: Filtered) -> Result<Filters, Failure> {
    q.map(|Query(f)| f).map_err(|e| Failure::bad(e.to_string()))
}

/// An attempt's place in the log, which pages go down: by time, then by id.
type Key = (OffsetDateTime, u64);

fn key(e: &Entry) -> Key {
    (e.time, e.id)
}

/// The `next_cursor` of a page that ends with `last`: its place, so that the next page starts
/// below it however many attempts came in meanwhile.
fn cursor_of(last: &Entry) -> String {
    format!("{}.{}", last.time.unix_timestamp_nanos(), last.id)
}

fn parse_cursor(text: &str) -> Result<Key, Failure> {
    let bad = || Failure::bad("cursor must be a next_cursor from an earlier page");
    let (nanos, id) = text.split_once('.').ok_or_else(bad)?;
    let time = nanos
        .parse()
        .ok()
        .and_then(|n| OffsetDateTime::from_unix_timestamp_nanos(n).ok())
        .ok_or_else(bad)?;
    Ok((time, id.parse().map_err(|_| bad())?))
}

/// An entry ranked by its [`Key`], for the page's heap.
struct Ranked(Entry);

impl PartialEq for Ranked {
    fn eq(&self, other: &Self) -> bool {
        key(&self.0) == key(&other.0)
    }
}

impl Eq for Ranked {}

impl PartialOrd for Ranked {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Ranked {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        key(&self.0).cmp(&key(&other.0))
    }
}

/// The `limit` newest entries below `below` that match, and whether more follow. Days are read
/// newest first, and only as many as the page needs; only `limit + 1` entries are held.
fn newest(
    dir: &std::path::Path,
    (from, to): (Date, Date),
    open: Vec<Entry>,
    f: &Filters,
    below: Option<Key>,
    limit: usize,
) -> std::io::Result<(Vec<Entry>, bool)> {
    use std::cmp::Reverse;
    use std::ops::ControlFlow;
    let mut heap: BinaryHeap<Reverse<Ranked>> = BinaryHeap::with_capacity(limit + 2);
    let lines = each_entry(dir, from, to, Order::Newest, open, |e| {
        if let Some(Reverse(Ranked(lowest))) = heap.peek()
            && heap.len() > limit
        {
            // A day's lines are that day's attempts: once the page is full, an entry of an
            // older day means every one still to come is older than the whole page.
            if e.time.date() < lowest.time.date() {
                return ControlFlow::Break(());
            }
            if key(&e) <= key(lowest) {
                return ControlFlow::Continue(());
            }
        }
        if below.is_some_and(|b| key(&e) >= b) || !matches(&e, f) {
            return ControlFlow::Continue(());
        }
        heap.push(Reverse(Ranked(e)));
        if heap.len() > limit + 1 {
            heap.pop();
        }
        ControlFlow::Continue(())
    })?;
    skipped(lines);
    let more = heap.len() > limit;
    // Ascending by `Reverse`: the newest first.
    let mut page: Vec<Entry> = heap
        .into_sorted_vec()
        .into_iter()
        .map(|Reverse(Ranked(e))| e)
        .collect();
    page.truncate(limit);
    Ok((page, more))
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
    let below = f.cursor.as_deref().map(parse_cursor).transpose()?;
    let (from, mut to) = range(&f)?;
    // The days after the cursor's hold only attempts above it: not even read.
    if let Some((time, _)) = below {
        to = to.min(time.date());
    }
    let days = (from, to);
    let open = open_entries(&api).await;
    let dir = api.journal.clone();
    let (page, more) =
        blocking(move || newest(&dir, days, open, &f, below, limit as usize)).await?;
    let next_cursor = match (more, page.last()) {
        (true, Some(last)) => Some(cursor_of(last)),
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

const CSV_HEADER: &str =
    "time,client,name,site,list,rule,types,count,cname,uid,account,program,via\n";
/// The CSV goes out in pieces of about this size, at most [`CSV_PIECES`] of them waiting for a
/// slow reader: the export of a full journal never sits in memory.
const CSV_PIECE: usize = 64 * 1024;
const CSV_PIECES: usize = 4;

fn csv_row(e: Entry, out: &mut String) {
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
    for (i, cell) in row.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&csv_field(cell));
    }
    out.push('\n');
}

/// `GET /v1/attempts.csv`: every attempt that matches, oldest first (in the order they were
/// journaled), for a spreadsheet. The body is written while the day files are read.
pub(super) async fn csv(
    State(api): State<Arc<Api>>,
    ConnectInfo(peer): ConnectInfo<Peer>,
    headers: HeaderMap,
    q: Filtered,
) -> Result<Response, Failure> {
    use std::ops::ControlFlow;
    api.parent(peer, &headers)?;
    let f = filters(q)?;
    let (from, to) = range(&f)?;
    let open = open_entries(&api).await;
    let dir = api.journal.clone();
    let (tx, rx) = tokio::sync::mpsc::channel::<std::io::Result<Bytes>>(CSV_PIECES);
    tokio::task::spawn_blocking(move || {
        let mut out = String::with_capacity(CSV_PIECE + 1024);
        out.push_str(CSV_HEADER);
        let mut gone = false;
        let read = each_entry(&dir, from, to, Order::Oldest, open, |e| {
            if matches(&e, &f) {
                csv_row(e, &mut out);
            }
            if out.len() >= CSV_PIECE {
                let piece = Bytes::from(std::mem::take(&mut out));
                // The reader went away: stop reading for nobody.
                if tx.blocking_send(Ok(piece)).is_err() {
                    gone = true;
                    return ControlFlow::Break(());
                }
            }
            ControlFlow::Continue(())
        });
        if gone {
            return;
        }
        let last = match read {
            Ok(lines) => {
                skipped(lines);
                Ok(Bytes::from(out))
            }
            // Past the headers there is no status to give: the body ends with an error, and
            // the reader sees an unfinished export rather than a short one that looks whole.
            Err(e) => Err(e),
        };
        let _ = tx.blocking_send(last);
    });
    let body = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|piece| (piece, rx))
    });
    let mut r = axum::body::Body::from_stream(body).into_response();
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

/// Sites the summary names; the rest are counted together in `other_sites`.
const SITES_SHOWN: usize = 100;
/// Different sites counted one by one; a flood of thousands of names (an imported list, brand
/// look-alikes) counts the sites first seen past this together, so the summary's memory stays
/// bounded.
const SITES_COUNTED: usize = 4096;
/// Accounts counted one by one, likewise.
const ACCOUNTS_COUNTED: usize = 256;

/// The summary's counts, made in one pass over the days.
#[derive(Default)]
struct Tally {
    per_day: BTreeMap<Date, u64>,
    /// By site, with the brand behind it when a brand rule named it (the label is the key).
    per_site: HashMap<String, (u64, Option<String>)>,
    other_sites: u64,
    per_account: HashMap<Option<u32>, (Option<v1::Account>, u64)>,
}

impl Tally {
    fn add(&mut self, e: Entry) {
        let Some(day) = self.per_day.get_mut(&e.time.date()) else {
            return;
        };
        *day += 1;
        if let Some((count, brand)) = self.per_site.get_mut(&e.site) {
            *count += 1;
            if brand.is_none() {
                *brand = e.brand;
            }
        } else if self.per_site.len() < SITES_COUNTED {
            self.per_site.insert(e.site, (1, e.brand));
        } else {
            self.other_sites += 1;
        }
        if e.local {
            let uid = e.account.as_ref().map(|a| a.uid);
            if let Some(slot) = self.per_account.get_mut(&uid) {
                slot.1 += 1;
            } else if self.per_account.len() < ACCOUNTS_COUNTED {
                let account = e.account.map(crate::owner::Account::into_api);
                self.per_account.insert(uid, (account, 1));
            }
        }
    }

    fn summary(self) -> v1::Summary {
        let mut accounts: Vec<v1::AccountCount> = self
            .per_account
            .into_values()
            .map(|(account, count)| v1::AccountCount { account, count })
            .collect();
        accounts.sort_by(|a, b| {
            let uid = |c: &v1::AccountCount| c.account.as_ref().map(|a| a.uid);
            b.count.cmp(&a.count).then(uid(a).cmp(&uid(b)))
        });
        let mut sites: Vec<v1::SiteCount> = self
            .per_site
            .into_iter()
            .map(|(site, (count, brand))| v1::SiteCount { site, count, brand })
            .collect();
        sites.sort_by(|a, b| b.count.cmp(&a.count).then(a.site.cmp(&b.site)));
        let other_sites = sites
            .iter()
            .skip(SITES_SHOWN)
            .fold(self.other_sites, |n, s| n + s.count);
        sites.truncate(SITES_SHOWN);
        let days = self
            .per_day
            .into_iter()
            .map(|(d, count)| v1::DayCount {
                date: d.to_string(),
                count,
            })
            .collect();
        v1::Summary {
            days,
            sites,
            other_sites,
            accounts,
        }
    }
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
    let open = open_entries(&api).await;
    let dir = api.journal.clone();
    let summary = blocking(move || {
        let mut tally = Tally {
            per_day: (0..days).map(|i| (from + Duration::days(i), 0)).collect(),
            ..Tally::default()
        };
        let lines = each_entry(&dir, from, to, Order::Oldest, open, |e| {
            tally.add(e);
            std::ops::ControlFlow::Continue(())
        })?;
        skipped(lines);
        Ok(tally.summary())
    })
    .await?;
    Ok(axum::Json(summary))
}

/// Attempts since midnight UTC, for status: counted while today's file is read, never held.
pub(super) fn count_today(dir: &std::path::Path, open: Vec<Entry>) -> u64 {
    let d = today();
    let mut n = 0;
    let _ = each_entry(dir, d, d, Order::Oldest, open, |_| {
        n += 1;
        std::ops::ControlFlow::Continue(())
    });
    n
}
