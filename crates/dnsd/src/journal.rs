//! The attempt journal: what a parent reads to learn that a blocked site was tried, and the
//! notice stream the child's notifier listens to.
//!
//! This module owns the journal directory: one JSON Lines file per UTC day
//! (`YYYY-MM-DD.jsonl`), its retention and size cap, and the in-memory groups that turn the
//! packets of one attempt into one entry. A browser fires A, AAAA and HTTPS queries, retries
//! and prefetches; a parent wants to read "tried omegle.com at 16:02, 7 lookups", not seven
//! lines. So the first query of a group (same client, same site, within the merge window of
//! the group's first query) is written at once and published as a [`Notice`]; later queries
//! only update the open group, and when the window closes one more line with the same `id`
//! carries the final count and types. Readers fold lines by id, last line wins. Every line is
//! a complete entry, so a crash loses at most a count update, never an attempt.
//!
//! The DNS path must never wait on the disk: [`Journal::record`] is a non-blocking send into a
//! bounded queue, and all file I/O happens on the blocking pool on behalf of a single writer
//! task. Errors (disk full, read-only file system) are counted in [`JournalStats`] and never
//! stop the resolver.

use std::collections::{BTreeMap, HashMap};
use std::fs::{self, File, OpenOptions};
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::net::IpAddr;
#[cfg(unix)]
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, Weak};
use std::time::Duration;

use hickory_proto::rr::RecordType;
use serde::{Deserialize, Serialize};
use time::format_description::BorrowedFormatItem;
use time::{Date, OffsetDateTime};
use tokio::sync::{broadcast, mpsc, oneshot, watch};
use tokio::task::JoinHandle;
use tokio::time::Instant;

use crate::coalesce::Gate;

/// Large enough to absorb a burst from a whole household's browsers while the writer is busy
/// with the disk, small enough that a stuck disk cannot grow memory without bound.
const QUEUE_CAPACITY: usize = 4096;
/// Most queued attempts journaled in one go before the writer looks at its timers and settings
/// again.
const BATCH: usize = 256;
/// Longest a reader waits for the writer to catch up; a stuck disk must not hang the API.
const SETTLE_WAIT: std::time::Duration = std::time::Duration::from_secs(1);
/// How long the writer lets attempts gather once it has caught up. Attempts come from the DNS
/// threads; a sender wakes the writer only while it waits in the queue, so pausing here turns a
/// wake-up (a thread switch) per blocked query into one per pause when blocked queries stream
/// in. A notice waits at most this long.
const GATHER: std::time::Duration = std::time::Duration::from_millis(10);
/// Notices are for a live pop-up; a listener that falls this far behind has lost interest.
const NOTICE_CAPACITY: usize = 256;
/// Housekeeping cadence: day change and the hourly retention pass are checked this often. Groups
/// close on their own wake-up, so this only needs to be frequent enough for the day change; an
/// idle service then wakes once a minute.
const TICK: Duration = Duration::from_secs(60);
const MAINTENANCE_EVERY: Duration = Duration::from_secs(3600);
/// Shown to parents as is, so plain words rather than an error chain.
const SIZE_LIMIT_MESSAGE: &str = "journal size limit reached";
const DAY_FORMAT: &[BorrowedFormatItem<'static>] =
    time::macros::format_description!("[year]-[month]-[day]");

/// One blocked query as the resolver saw it, or several from one client for one site folded
/// together (see `coalesce`). One is built for every blocked query, so it copies no text: the
/// name is the query's own, the site and list are shared with the policy, and the rule is the
/// tail of the matched name that spells it.
#[derive(Clone, Debug)]
pub(crate) struct Attempt {
    pub(crate) client: IpAddr,
    /// The name that was asked for, e.g. `www.omegle.com`.
    pub(crate) name: String,
    /// The site it belongs to, e.g. `omegle.com`; attempts are grouped by it.
    pub(crate) site: Arc<str>,
    pub(crate) list: Arc<str>,
    rule: Rule,
    /// The record types asked for, e.g. `AAAA`, in order of first appearance.
    types: Types,
    /// Queries folded into this attempt, the first one included.
    count: u32,
    /// Set when the block came from a CNAME target rather than the name itself.
    pub(crate) cname: Option<String>,
}

/// Most record types one folded attempt keeps; a browser asks for three (A, AAAA, HTTPS).
const MAX_TYPES: usize = 8;

/// Record types in order of first appearance, kept inline: no allocation per query.
#[derive(Clone, Copy, Debug)]
struct Types {
    seen: [RecordType; MAX_TYPES],
    len: usize,
}

impl Types {
    fn one(qtype: RecordType) -> Self {
        // Only the first `len` entries count; the rest just need a value.
        Types {
            seen: [qtype; MAX_TYPES],
            len: 1,
        }
    }

    fn iter(&self) -> impl Iterator<Item = RecordType> + '_ {
        self.seen[..self.len].iter().copied()
    }

    /// Adds the types of `other` not seen yet; `false`, and nothing changed, if they do not fit.
    fn add(&mut self, other: &Types) -> bool {
        let mut merged = *self;
        for t in other.iter() {
            if !merged.iter().any(|s| s == t) {
                if merged.len == MAX_TYPES {
                    return false;
                }
                merged.seen[merged.len] = t;
                merged.len += 1;
            }
        }
        *self = merged;
        true
    }
}

/// The listed domain that matched. It is the matched name or one of its parents, so it is
/// almost always kept as where it starts in that name.
#[derive(Clone, Debug)]
enum Rule {
    Tail(usize),
    Text(String),
}

impl Attempt {
    /// `rule` is the listed domain that matched `cname` when there is one, else `name`.
    pub(crate) fn new(
        client: IpAddr,
        name: String,
        site: Arc<str>,
        list: Arc<str>,
        rule: &str,
        qtype: RecordType,
        cname: Option<String>,
    ) -> Self {
        let matched = cname.as_deref().unwrap_or(&name);
        let rule = if matched.as_bytes().ends_with(rule.as_bytes()) {
            Rule::Tail(matched.len() - rule.len())
        } else {
            Rule::Text(rule.to_owned())
        };
        Attempt {
            client,
            name,
            site,
            list,
            rule,
            types: Types::one(qtype),
            count: 1,
            cname,
        }
    }

    /// Folds `later`, a query from the same client for the same site, into this attempt, as
    /// the journal would fold it into this attempt's entry; gives it back if its record types
    /// do not fit.
    pub(crate) fn fold(&mut self, later: Attempt) -> Option<Attempt> {
        if !self.types.add(&later.types) {
            return Some(later);
        }
        self.count = self.count.saturating_add(later.count);
        if self.cname.is_none() {
            self.cname = later.cname;
        }
        None
    }

    /// The listed domain that matched: the name itself or one of its parents.
    pub(crate) fn rule(&self) -> &str {
        match &self.rule {
            Rule::Tail(at) => {
                let matched = self.cname.as_deref().unwrap_or(&self.name);
                // A tail that `new` checked; `get` only spares a panic path.
                matched.get(*at..).unwrap_or(matched)
            }
            Rule::Text(rule) => rule,
        }
    }
}

/// One line of a day file. Several lines may share an `id`; the last one is the truth.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub(crate) struct Entry {
    pub(crate) id: u64,
    /// When the attempt's first query arrived.
    #[serde(with = "time::serde::rfc3339")]
    pub(crate) time: OffsetDateTime,
    pub(crate) client: String,
    /// The first name asked for in this attempt.
    pub(crate) name: String,
    pub(crate) site: String,
    pub(crate) list: String,
    pub(crate) rule: String,
    /// Query types seen, in order of first appearance.
    pub(crate) types: Vec<String>,
    /// Queries folded into this attempt.
    pub(crate) count: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) cname: Option<String>,
}

/// What every local user may see about an attempt: deliberately no client, list or rule.
#[derive(Serialize, Clone, Debug, PartialEq)]
pub(crate) struct Notice {
    #[serde(with = "time::serde::rfc3339")]
    pub(crate) time: OffsetDateTime,
    pub(crate) site: String,
    pub(crate) name: String,
}

#[derive(Clone, Debug)]
pub(crate) struct JournalConfig {
    pub(crate) dir: PathBuf,
    /// Calendar days kept, today included; 0 is treated as 1 so today is never deleted.
    pub(crate) retention_days: u32,
    /// Cap on the day files' total size; the oldest days go first, today's never.
    pub(crate) max_bytes: u64,
    pub(crate) merge_window: Duration,
}

#[derive(Clone, Debug, Default, Serialize)]
pub(crate) struct JournalStats {
    /// Attempts whose entry reached the disk (update lines are not counted again).
    pub(crate) entries_written: u64,
    /// Queries folded into an already open attempt.
    pub(crate) merged: u64,
    /// Queries refused by a full queue or after shutdown, plus lines refused by the size cap.
    pub(crate) dropped: u64,
    /// File system errors: creating the directory, writing, syncing, deleting old days.
    pub(crate) write_errors: u64,
    pub(crate) last_error: Option<String>,
}

/// What [`read_entries`] found.
#[allow(
    dead_code,
    reason = "read by the local API (notices, attempts), built on this service next"
)]
#[derive(Clone, Debug, Default)]
pub(crate) struct ReadResult {
    /// Folded by id, newest first.
    pub(crate) entries: Vec<Entry>,
    /// Torn or corrupt lines that were ignored.
    pub(crate) skipped_lines: usize,
}

/// Cheap handle on the journal; clones share one writer. When the last handle is dropped the
/// writer flushes its open groups and stops, but only [`Journal::shutdown`] waits for it.
#[derive(Clone, Debug)]
pub(crate) struct Journal {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    queue: mpsc::Sender<Msg>,
    // A watch rather than a queued message so that a reload is never lost to a full queue.
    config: watch::Sender<JournalConfig>,
    state: Arc<State>,
    /// The DNS threads that fold attempts before recording them.
    gates: Mutex<Vec<Weak<Gate>>>,
    // An async mutex so that a second `shutdown` waits for the first one to finish.
    writer: tokio::sync::Mutex<Option<JoinHandle<()>>>,
}

#[derive(Debug)]
enum Msg {
    Attempt {
        attempt: Attempt,
        // Stamped in `record`, so that queueing delay does not stretch the merge window. Only
        // the monotonic clock: most attempts merge into an open group and never need the wall
        // time, which `wall_time` derives for the others.
        at: Instant,
    },
    /// Answered once every attempt queued before it is journaled.
    Settle(oneshot::Sender<()>),
    Shutdown,
}

/// Shared between the handles, the writer task and the blocking I/O.
#[derive(Debug)]
struct State {
    stats: Counters,
    groups: Mutex<HashMap<GroupKey, Group>>,
    notices: broadcast::Sender<Notice>,
}

type GroupKey = (IpAddr, Arc<str>);

#[derive(Debug)]
struct Group {
    entry: Entry,
    opened: Instant,
    /// Count or types changed since the first line.
    dirty: bool,
    /// The first line reached the disk; if not, closing the group tries again.
    persisted: bool,
}

impl Group {
    fn merge(&mut self, attempt: &Attempt) {
        self.entry.count = self.entry.count.saturating_add(attempt.count);
        for qtype in attempt.types.iter() {
            let qtype: &str = qtype.into();
            if !self.entry.types.iter().any(|t| t == qtype) {
                self.entry.types.push(qtype.to_owned());
            }
        }
        if self.entry.cname.is_none() {
            self.entry.cname.clone_from(&attempt.cname);
        }
        self.dirty = true;
    }
}

#[derive(Debug, Default)]
struct Counters {
    entries_written: AtomicU64,
    merged: AtomicU64,
    dropped: AtomicU64,
    write_errors: AtomicU64,
    last_error: Mutex<Option<String>>,
}

impl Counters {
    fn bump(counter: &AtomicU64) {
        Self::add(counter, 1);
    }

    fn add(counter: &AtomicU64, n: u32) {
        counter.fetch_add(u64::from(n), Ordering::Relaxed);
    }

    fn error(&self, message: String) {
        Self::bump(&self.write_errors);
        self.set_last_error(message);
    }

    fn refused(&self) {
        Self::bump(&self.dropped);
        self.set_last_error(SIZE_LIMIT_MESSAGE.to_owned());
    }

    fn set_last_error(&self, message: String) {
        let mut last = lock(&self.last_error);
        // A full disk fails every write; log the first, not thousands of identical lines.
        if last.as_deref() != Some(message.as_str()) {
            tracing::warn!("journal: {message}");
            *last = Some(message);
        }
    }

    fn snapshot(&self) -> JournalStats {
        JournalStats {
            entries_written: self.entries_written.load(Ordering::Relaxed),
            merged: self.merged.load(Ordering::Relaxed),
            dropped: self.dropped.load(Ordering::Relaxed),
            write_errors: self.write_errors.load(Ordering::Relaxed),
            last_error: lock(&self.last_error).clone(),
        }
    }
}

/// Nothing here can leave shared data half-updated, so a poisoned lock is still usable, and the
/// DNS path must not die because some other thread did.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The wall-clock time of the monotonic instant `at`, which is in the recent past.
fn wall_time(at: Instant) -> OffsetDateTime {
    OffsetDateTime::now_utc() - Instant::now().saturating_duration_since(at)
}

fn today() -> Date {
    OffsetDateTime::now_utc().date()
}

impl Journal {
    /// Spawns the writer on the current tokio runtime; panics outside one, like `tokio::spawn`.
    /// The directory is created by the writer, so a failure shows up in [`Journal::stats`].
    pub(crate) fn start(config: JournalConfig) -> Journal {
        let (queue, rx) = mpsc::channel(QUEUE_CAPACITY);
        let (config_tx, config_rx) = watch::channel(config.clone());
        let (notices, _) = broadcast::channel(NOTICE_CAPACITY);
        let state = Arc::new(State {
            stats: Counters::default(),
            groups: Mutex::new(HashMap::new()),
            notices,
        });
        let now = Instant::now();
        let writer = Writer {
            rx,
            config: config_rx,
            config_open: true,
            window: config.merge_window,
            store: Arc::new(Mutex::new(Store::new(&config, Arc::clone(&state)))),
            state: Arc::clone(&state),
            last_id: 0,
            day: today(),
            last_maintenance: now,
            next_tick: now + TICK,
        };
        let task = tokio::spawn(writer.run());
        Journal {
            inner: Arc::new(Inner {
                queue,
                config: config_tx,
                gates: Mutex::new(Vec::new()),
                state,
                writer: tokio::sync::Mutex::new(Some(task)),
            }),
        }
    }

    /// Never blocks: when the queue is full (or the journal is shut down) the query is counted
    /// in `dropped` and forgotten, because answering DNS matters more than the journal.
    pub(crate) fn record(&self, attempt: Attempt) {
        self.record_at(attempt, Instant::now());
    }

    /// [`Journal::record`] for an attempt whose first query arrived at `at`.
    pub(crate) fn record_at(&self, attempt: Attempt, at: Instant) {
        let count = attempt.count;
        if self
            .inner
            .queue
            .try_send(Msg::Attempt { attempt, at })
            .is_err()
        {
            Counters::add(&self.inner.state.stats.dropped, count);
        }
    }

    /// Lets [`Journal::settled`] wait for what the gate's thread holds back.
    pub(crate) fn watch_gate(&self, gate: &Arc<Gate>) {
        let mut gates = lock(&self.inner.gates);
        gates.retain(|g| g.strong_count() > 0);
        gates.push(Arc::downgrade(gate));
    }

    /// Returns once every attempt recorded before the call is journaled (or, at worst, after
    /// [`SETTLE_WAIT`]), so that a reader sees the attempts just answered: the writer lets
    /// attempts gather before it takes them, and a busy DNS thread holds some back (see
    /// `coalesce`).
    pub(crate) async fn settled(&self) {
        let (done, wait) = oneshot::channel();
        let gates: Vec<Arc<Gate>> = lock(&self.inner.gates)
            .iter()
            .filter_map(Weak::upgrade)
            .collect();
        let asked = async {
            for gate in gates {
                gate.passed().await;
            }
            if self.inner.queue.send(Msg::Settle(done)).await.is_ok() {
                let _ = wait.await;
            }
        };
        let _ = tokio::time::timeout(SETTLE_WAIT, asked).await;
    }

    /// One notice per attempt (not per query), sent when its first query arrives.
    #[allow(
        dead_code,
        reason = "read by the local API (notices, attempts), built on this service next"
    )]
    pub(crate) fn subscribe(&self) -> broadcast::Receiver<Notice> {
        self.inner.state.notices.subscribe()
    }

    pub(crate) fn stats(&self) -> JournalStats {
        self.inner.state.stats.snapshot()
    }

    /// Takes effect at once: old days are pruned again, and open groups close by the new window.
    pub(crate) fn reconfigure(&self, config: JournalConfig) {
        self.inner.config.send_replace(config);
    }

    /// Attempts still inside their merge window, with their current counts, newest first. An
    /// entry may be both here and on disk (same id); fold by id and prefer this one.
    #[allow(
        dead_code,
        reason = "read by the local API (notices, attempts), built on this service next"
    )]
    pub(crate) fn open_entries(&self) -> Vec<Entry> {
        let mut entries: Vec<Entry> = lock(&self.inner.state.groups)
            .values()
            .map(|g| g.entry.clone())
            .collect();
        sort_newest_first(&mut entries);
        entries
    }

    /// Journals everything recorded before the call, writes the final line of every open
    /// group, fsyncs, and returns once the writer has stopped. Later `record`s are dropped.
    pub(crate) async fn shutdown(&self) {
        let mut writer = self.inner.writer.lock().await;
        let Some(task) = writer.take() else {
            return;
        };
        // Through the queue, behind the attempts already in it, so none of them is lost. An
        // error only means the writer is already gone.
        let _ = self.inner.queue.send(Msg::Shutdown).await;
        if let Err(e) = task.await {
            self.inner
                .state
                .stats
                .error(format!("journal writer stopped abnormally: {e}"));
        }
    }
}

/// The single task that owns grouping decisions; the disk work it hands to the blocking pool.
struct Writer {
    rx: mpsc::Receiver<Msg>,
    config: watch::Receiver<JournalConfig>,
    config_open: bool,
    window: Duration,
    state: Arc<State>,
    store: Arc<Mutex<Store>>,
    last_id: u64,
    day: Date,
    last_maintenance: Instant,
    next_tick: Instant,
}

/// What [`Writer::take_queued`] left in the queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Queued {
    Empty,
    More,
    Shutdown,
}

impl Writer {
    async fn run(mut self) {
        self.maintain().await;
        loop {
            let wake = self.next_wake();
            tokio::select! {
                msg = self.rx.recv() => match msg {
                    Some(Msg::Attempt { attempt, at }) => {
                        self.on_attempt(attempt, at).await;
                        match self.take_queued().await {
                            Queued::Shutdown => break,
                            Queued::Empty => tokio::time::sleep(GATHER).await,
                            Queued::More => {}
                        }
                    }
                    Some(Msg::Settle(done)) => {
                        let _ = done.send(());
                    }
                    Some(Msg::Shutdown) | None => break,
                },
                changed = self.config.changed(), if self.config_open => match changed {
                    Ok(()) => self.apply_config().await,
                    // All handles are gone; `recv` will drain the queue and end the loop.
                    Err(_) => self.config_open = false,
                },
                () = tokio::time::sleep_until(wake) => self.on_tick().await,
            }
        }
        // Attempts queued before the shutdown request are real attempts: journal them too.
        self.rx.close();
        while let Some(msg) = self.rx.recv().await {
            match msg {
                Msg::Attempt { attempt, at } => self.on_attempt(attempt, at).await,
                Msg::Settle(done) => {
                    let _ = done.send(());
                }
                Msg::Shutdown => {}
            }
        }
        self.close_where(|_| true).await;
        self.with_store(Store::sync).await;
    }

    /// Journals attempts already waiting in the queue, at most [`BATCH`] of them so that ticks
    /// and setting changes still get their turn. Under a burst of blocked queries, going round
    /// the main loop for each one (scanning the open groups, re-arming the timer) cost more than
    /// journaling the attempt itself.
    async fn take_queued(&mut self) -> Queued {
        for _ in 0..BATCH {
            match self.rx.try_recv() {
                Ok(Msg::Attempt { attempt, at }) => self.on_attempt(attempt, at).await,
                Ok(Msg::Settle(done)) => {
                    let _ = done.send(());
                }
                Ok(Msg::Shutdown) => return Queued::Shutdown,
                // Empty, or closed: the main loop's `recv` sees the end itself.
                Err(_) => return Queued::Empty,
            }
        }
        Queued::More
    }

    /// The next housekeeping tick, or sooner if a group's window ends first, so that the
    /// final count lands on disk when the window closes rather than up to a tick later.
    fn next_wake(&self) -> Instant {
        let window = self.window;
        lock(&self.state.groups)
            .values()
            // A window too long to add to an instant just waits for the ticks.
            .filter_map(|g| g.opened.checked_add(window))
            .fold(self.next_tick, Instant::min)
    }

    async fn on_attempt(&mut self, attempt: Attempt, at: Instant) {
        let key = (attempt.client, attempt.site.clone());
        let expired = {
            let mut groups = lock(&self.state.groups);
            match groups.get_mut(&key) {
                Some(group) if at.saturating_duration_since(group.opened) < self.window => {
                    group.merge(&attempt);
                    Counters::add(&self.state.stats.merged, attempt.count);
                    return;
                }
                Some(_) => true,
                None => false,
            }
        };
        if expired {
            // The tick has not got to it yet; close it now so its final line precedes the new one.
            self.close_where(|(k, _)| *k == key).await;
        }

        // The queries folded in before it reached the writer are merged ones too.
        Counters::add(&self.state.stats.merged, attempt.count.saturating_sub(1));
        let time = wall_time(at);
        let id = self.next_id(time);
        let entry = Entry {
            id,
            time,
            client: attempt.client.to_string(),
            rule: attempt.rule().to_owned(),
            site: attempt.site.to_string(),
            list: attempt.list.to_string(),
            name: attempt.name,
            types: attempt
                .types
                .iter()
                .map(|t| <&str>::from(t).to_owned())
                .collect(),
            count: attempt.count,
            cname: attempt.cname,
        };
        let notice = Notice {
            time,
            site: entry.site.clone(),
            name: entry.name.clone(),
        };
        lock(&self.state.groups).insert(
            key.clone(),
            Group {
                entry: entry.clone(),
                opened: at,
                dirty: false,
                persisted: false,
            },
        );
        if self.write(&entry, false).await
            && let Some(group) = lock(&self.state.groups).get_mut(&key)
            && group.entry.id == id
        {
            group.persisted = true;
        }
        // Published even if the line could not be written: the child was blocked all the same.
        // An error only means nobody is listening.
        let _ = self.state.notices.send(notice);
    }

    /// Ids must be unique across restarts without reading old files: the wall clock in
    /// nanoseconds does that, bumped to stay strictly increasing within this process.
    fn next_id(&mut self, time: OffsetDateTime) -> u64 {
        let nanos = u64::try_from(time.unix_timestamp_nanos()).unwrap_or(0);
        let id = nanos.max(self.last_id.saturating_add(1));
        self.last_id = id;
        id
    }

    async fn on_tick(&mut self) {
        let now = Instant::now();
        if now >= self.next_tick {
            self.next_tick = now + TICK;
        }
        let window = self.window;
        self.close_where(|(_, g)| now.saturating_duration_since(g.opened) >= window)
            .await;
        if today() != self.day || self.last_maintenance.elapsed() >= MAINTENANCE_EVERY {
            self.maintain().await;
        }
    }

    async fn apply_config(&mut self) {
        let config = self.config.borrow_and_update().clone();
        self.window = config.merge_window;
        self.with_store(move |store| store.configure(&config)).await;
        self.maintain().await;
    }

    async fn maintain(&mut self) {
        let today = today();
        self.day = today;
        self.last_maintenance = Instant::now();
        self.with_store(move |store| store.maintain(today)).await;
    }

    /// Writes the final line of the matching groups, then forgets them. They stay visible in
    /// `open_entries` until their line is on disk, so "attempts today" never dips.
    async fn close_where(&mut self, due: impl Fn((&GroupKey, &Group)) -> bool) {
        let closing: Vec<(GroupKey, Entry, bool, bool)> = lock(&self.state.groups)
            .iter()
            .filter(|(k, g)| due((k, g)))
            .map(|(k, g)| (k.clone(), g.entry.clone(), g.dirty, g.persisted))
            .collect();
        for (key, entry, dirty, persisted) in closing {
            if dirty || !persisted {
                self.write(&entry, persisted).await;
            }
            let mut groups = lock(&self.state.groups);
            if groups.get(&key).is_some_and(|g| g.entry.id == entry.id) {
                groups.remove(&key);
            }
        }
    }

    /// Appends one line; true if it reached the file. Failures are counted, never returned:
    /// nothing upstream could do better than carry on.
    async fn write(&self, entry: &Entry, persisted: bool) -> bool {
        let mut line = match serde_json::to_vec(entry) {
            Ok(line) => line,
            Err(e) => {
                self.state
                    .stats
                    .error(format!("cannot encode journal entry: {e}"));
                return false;
            }
        };
        line.push(b'\n');
        let date = entry.time.date();
        let today = today();
        match self
            .with_store(move |store| store.append(date, today, &line))
            .await
        {
            Some(Ok(())) => {
                if !persisted {
                    Counters::bump(&self.state.stats.entries_written);
                }
                true
            }
            Some(Err(StoreError::Full)) => {
                self.state.stats.refused();
                false
            }
            Some(Err(e)) => {
                self.state.stats.error(e.to_string());
                false
            }
            None => false,
        }
    }

    /// Runs file I/O on the blocking pool so that a slow or stuck disk never stalls the
    /// runtime threads that answer DNS.
    async fn with_store<R: Send + 'static>(
        &self,
        work: impl FnOnce(&mut Store) -> R + Send + 'static,
    ) -> Option<R> {
        let store = Arc::clone(&self.store);
        match tokio::task::spawn_blocking(move || work(&mut lock(&store))).await {
            Ok(result) => Some(result),
            Err(e) => {
                self.state
                    .stats
                    .error(format!("journal I/O task failed: {e}"));
                None
            }
        }
    }
}

#[derive(Debug, thiserror::Error)]
enum StoreError {
    #[error("journal size limit reached")]
    Full,
    #[error("cannot {action} {}: {source}", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        source: io::Error,
    },
}

impl StoreError {
    fn io(action: &'static str, path: &Path) -> impl FnOnce(io::Error) -> StoreError {
        let path = path.to_path_buf();
        move |source| StoreError::Io {
            action,
            path,
            source,
        }
    }
}

/// The day files on disk. Only the writer uses it, always from the blocking pool.
#[derive(Debug)]
struct Store {
    dir: PathBuf,
    retention_days: u32,
    max_bytes: u64,
    open: Option<OpenDay>,
    /// Sizes of the day files, from the last scan plus what was appended since; keeps the size
    /// cap a sum rather than a directory listing per line.
    sizes: BTreeMap<Date, u64>,
    state: Arc<State>,
}

#[derive(Debug)]
struct OpenDay {
    date: Date,
    file: File,
}

impl Store {
    fn new(config: &JournalConfig, state: Arc<State>) -> Store {
        Store {
            dir: config.dir.clone(),
            retention_days: config.retention_days,
            max_bytes: config.max_bytes,
            open: None,
            sizes: BTreeMap::new(),
            state,
        }
    }

    fn report(&self, error: StoreError) {
        match error {
            StoreError::Full => self.state.stats.refused(),
            other => self.state.stats.error(other.to_string()),
        }
    }

    fn configure(&mut self, config: &JournalConfig) {
        if config.dir != self.dir {
            self.sync();
            self.open = None;
            self.sizes.clear();
            self.dir.clone_from(&config.dir);
        }
        self.retention_days = config.retention_days;
        self.max_bytes = config.max_bytes;
    }

    /// Creates the directory, then enforces retention and the size cap.
    fn maintain(&mut self, today: Date) {
        if let Err(e) = create_dir(&self.dir) {
            self.report(StoreError::io("create", &self.dir)(e));
            return;
        }
        match scan(&self.dir) {
            Ok(sizes) => self.sizes = sizes,
            Err(e) => {
                self.report(StoreError::io("list", &self.dir)(e));
                return;
            }
        }
        // Deleted behind our back: writing on would go to an unlinked file and vanish.
        if let Some(open) = &self.open
            && !self.sizes.contains_key(&open.date)
        {
            self.open = None;
        }
        let keep = i64::from(self.retention_days.max(1));
        let old: Vec<Date> = self
            .sizes
            .keys()
            .copied()
            .filter(|&date| (today - date).whole_days() >= keep)
            .collect();
        for date in old {
            self.delete_day(date);
        }
        self.evict(0, &[today]);
    }

    fn total(&self) -> u64 {
        self.sizes.values().fold(0, |a, &b| a.saturating_add(b))
    }

    /// Deletes the oldest days, never a protected one, until `extra` more bytes fit.
    fn evict(&mut self, extra: u64, protect: &[Date]) {
        let candidates: Vec<Date> = self
            .sizes
            .keys()
            .copied()
            .filter(|d| !protect.contains(d))
            .collect();
        for date in candidates {
            if self.total().saturating_add(extra) <= self.max_bytes {
                break;
            }
            self.delete_day(date);
        }
    }

    fn delete_day(&mut self, date: Date) {
        if self.open.as_ref().is_some_and(|o| o.date == date) {
            self.open = None;
        }
        let path = match day_path(&self.dir, date) {
            Ok(path) => path,
            Err(e) => {
                self.report(StoreError::io("name", &self.dir)(e));
                return;
            }
        };
        match fs::remove_file(&path) {
            Ok(()) => {
                self.sizes.remove(&date);
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                self.sizes.remove(&date);
            }
            Err(e) => self.report(StoreError::io("delete", &path)(e)),
        }
    }

    /// Appends one full line to `date`'s file. The line goes to the day of the attempt, not of
    /// the write, so that an update line written after midnight folds with its first line.
    fn append(&mut self, date: Date, today: Date, line: &[u8]) -> Result<(), StoreError> {
        let len = u64::try_from(line.len()).unwrap_or(u64::MAX);
        self.open_day(date)?;
        let size = self.sizes.get(&date).copied().unwrap_or(0);
        if size.saturating_add(len) > self.max_bytes {
            return Err(StoreError::Full);
        }
        if self.total().saturating_add(len) > self.max_bytes {
            self.evict(len, &[date, today]);
        }
        let path = day_path(&self.dir, date).map_err(StoreError::io("name", &self.dir))?;
        let Some(open) = self.open.as_mut() else {
            return Err(StoreError::Io {
                action: "write",
                path,
                source: io::Error::other("file closed while writing"),
            });
        };
        // One write call per line: with O_APPEND a crash leaves at worst one torn last line.
        match open.file.write_all(line) {
            Ok(()) => {
                *self.sizes.entry(date).or_default() += len;
                Ok(())
            }
            Err(e) => {
                // Part of the line may be on disk; reopening repairs the missing newline.
                self.open = None;
                Err(StoreError::io("write", &path)(e))
            }
        }
    }

    fn open_day(&mut self, date: Date) -> Result<(), StoreError> {
        if self.open.as_ref().is_some_and(|o| o.date == date) {
            return Ok(());
        }
        // Only around midnight (an update line for yesterday's attempt) do we switch back and
        // forth; make the day we leave durable.
        self.sync();
        self.open = None;
        let path = day_path(&self.dir, date).map_err(StoreError::io("name", &self.dir))?;
        let mut file = match open_append(&path) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                // The directory vanished or could not be created at start: try again.
                create_dir(&self.dir).map_err(StoreError::io("create", &self.dir))?;
                open_append(&path)
            }
            other => other,
        }
        .map_err(StoreError::io("open", &path))?;
        let mut size = file
            .metadata()
            .map_err(StoreError::io("open", &path))?
            .len();
        if size == 0 {
            // A new file: its directory entry must survive a crash too. Some file systems
            // cannot sync a directory; the file itself is still fine, so that is not an error.
            if let Ok(dir) = File::open(&self.dir) {
                let _ = dir.sync_all();
            }
        } else if !ends_with_newline(&mut file).map_err(StoreError::io("read", &path))? {
            // A torn line from a crash: end it, or our next line would be glued to it and
            // both would be lost to readers.
            file.write_all(b"\n")
                .map_err(StoreError::io("write", &path))?;
            size += 1;
        }
        self.sizes.insert(date, size);
        self.open = Some(OpenDay { date, file });
        Ok(())
    }

    fn sync(&mut self) {
        let Some(open) = &self.open else {
            return;
        };
        if let Err(e) = open.file.sync_all() {
            let error = match day_path(&self.dir, open.date) {
                Ok(path) => StoreError::io("sync", &path)(e),
                Err(_) => StoreError::io("sync", &self.dir)(e),
            };
            self.report(error);
        }
    }
}

fn create_dir(dir: &Path) -> io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    // Who tried which site, and when, is for parents' eyes only.
    #[cfg(unix)]
    builder.mode(0o700);
    builder.create(dir)
}

fn open_append(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.read(true).append(true).create(true);
    #[cfg(unix)]
    options.mode(0o600);
    options.open(path)
}

fn ends_with_newline(file: &mut File) -> io::Result<bool> {
    let mut last = [0u8; 1];
    file.seek(SeekFrom::End(-1))?;
    file.read_exact(&mut last)?;
    Ok(last[0] == b'\n')
}

fn day_path(dir: &Path, date: Date) -> io::Result<PathBuf> {
    let name = date.format(DAY_FORMAT).map_err(io::Error::other)?;
    Ok(dir.join(format!("{name}.jsonl")))
}

/// `Some(date)` only for names exactly like `2025-01-31.jsonl`: every other file in the
/// directory belongs to someone else and is never read, counted or deleted.
fn parse_day_name(name: &str) -> Option<Date> {
    let stem = name.strip_suffix(".jsonl")?;
    if stem.len() != 10 {
        return None;
    }
    let date = Date::parse(stem, DAY_FORMAT).ok()?;
    // Reject what the parser tolerates but we would never write.
    (date.format(DAY_FORMAT).ok()? == stem).then_some(date)
}

/// The regular day files in `dir` and their sizes.
fn scan(dir: &Path) -> io::Result<BTreeMap<Date, u64>> {
    let mut days = BTreeMap::new();
    for item in fs::read_dir(dir)? {
        let item = item?;
        let Some(date) = item.file_name().to_str().and_then(parse_day_name) else {
            continue;
        };
        // Not following symlinks: a link is not ours to delete or trust.
        if !item.file_type()?.is_file() {
            continue;
        }
        days.insert(date, item.metadata()?.len());
    }
    Ok(days)
}

#[allow(
    dead_code,
    reason = "read by the local API (notices, attempts), built on this service next"
)]
fn sort_newest_first(entries: &mut [Entry]) {
    entries.sort_by(|a, b| b.time.cmp(&a.time).then(b.id.cmp(&a.id)));
}

/// Reads the UTC days `from..=to` (inclusive), folding lines by id, last line wins. Torn or
/// corrupt lines are skipped and counted, never an error: the journal must stay readable after
/// a crash or a hand edit. A missing directory or day reads as empty. Blocking I/O: call it
/// from the blocking pool.
#[allow(
    dead_code,
    reason = "read by the local API (notices, attempts), built on this service next"
)]
pub(crate) fn read_entries(dir: &Path, from: Date, to: Date) -> io::Result<ReadResult> {
    let days = match scan(dir) {
        Ok(days) => days,
        Err(e) if e.kind() == io::ErrorKind::NotFound => BTreeMap::new(),
        Err(e) => return Err(e),
    };
    let mut folded: HashMap<u64, Entry> = HashMap::new();
    let mut skipped_lines = 0;
    if from <= to {
        for &date in days.range(from..=to).map(|(date, _)| date) {
            let file = match File::open(day_path(dir, date)?) {
                Ok(file) => file,
                // Deleted by retention between listing and opening.
                Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
                Err(e) => return Err(e),
            };
            skipped_lines += read_day(file, &mut folded)?;
        }
    }
    let mut entries: Vec<Entry> = folded.into_values().collect();
    sort_newest_first(&mut entries);
    Ok(ReadResult {
        entries,
        skipped_lines,
    })
}

/// Folds one day file into `folded`; returns how many lines were skipped.
#[allow(
    dead_code,
    reason = "read by the local API (notices, attempts), built on this service next"
)]
fn read_day(file: File, folded: &mut HashMap<u64, Entry>) -> io::Result<usize> {
    let mut reader = BufReader::new(file);
    let mut line = Vec::new();
    let mut skipped = 0;
    loop {
        line.clear();
        // Bytes, not `lines()`: invalid UTF-8 in one line must not make the whole day unreadable.
        if reader.read_until(b'\n', &mut line)? == 0 {
            return Ok(skipped);
        }
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        match serde_json::from_slice::<Entry>(&line) {
            Ok(entry) => {
                folded.insert(entry.id, entry);
            }
            Err(_) => skipped += 1,
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::future::Future;
    use tempfile::TempDir;

    const WINDOW: Duration = Duration::from_millis(200);
    pub(crate) const LONG_WINDOW: Duration = Duration::from_secs(600);

    pub(crate) fn config(dir: &Path, merge_window: Duration) -> JournalConfig {
        JournalConfig {
            dir: dir.to_path_buf(),
            retention_days: 90,
            max_bytes: 64 << 20,
            merge_window,
        }
    }

    fn attempt(client: &str, site: &str, qtype: &str) -> Attempt {
        Attempt::new(
            client.parse().expect("test IP"),
            format!("www.{site}"),
            site.into(),
            "stranger-chat".into(),
            site,
            qtype.parse().expect("test record type"),
            None,
        )
    }

    fn entry(id: u64, count: u32, types: &[&str]) -> Entry {
        Entry {
            id,
            time: OffsetDateTime::now_utc(),
            client: "192.168.1.20".to_owned(),
            name: "www.omegle.com".to_owned(),
            site: "omegle.com".to_owned(),
            list: "stranger-chat".to_owned(),
            rule: "omegle.com".to_owned(),
            types: types.iter().map(|t| (*t).to_owned()).collect(),
            count,
            cname: None,
        }
    }

    fn json_line(entry: &Entry) -> String {
        let mut line = serde_json::to_string(entry).expect("encode");
        line.push('\n');
        line
    }

    fn day_file(dir: &Path, date: Date) -> PathBuf {
        day_path(dir, date).expect("day path")
    }

    fn days_ago(n: i64) -> Date {
        today() - time::Duration::days(n)
    }

    fn read_all(dir: &Path) -> ReadResult {
        read_entries(dir, Date::MIN, Date::MAX).expect("read journal")
    }

    /// Every line of every day file, oldest day first.
    fn raw_lines(dir: &Path) -> Vec<String> {
        let Ok(days) = scan(dir) else {
            return Vec::new();
        };
        days.keys()
            .flat_map(|&d| {
                let text = fs::read_to_string(day_file(dir, d)).expect("read day file");
                text.lines().map(str::to_owned).collect::<Vec<_>>()
            })
            .collect()
    }

    /// Polls instead of sleeping a fixed time: fast when the writer is, and still bounded.
    async fn wait_for(mut done: impl FnMut() -> bool) -> bool {
        for _ in 0..300 {
            if done() {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        done()
    }

    async fn with_timeout<T>(fut: impl Future<Output = T>) -> T {
        tokio::time::timeout(Duration::from_secs(5), fut)
            .await
            .expect("timed out")
    }

    #[tokio::test]
    async fn merges_one_clients_queries_for_one_site_into_one_entry() {
        let tmp = TempDir::new().unwrap();
        let journal = Journal::start(config(tmp.path(), LONG_WINDOW));
        for qtype in ["A", "AAAA", "HTTPS"] {
            journal.record(attempt("192.168.1.20", "omegle.com", qtype));
        }
        assert!(wait_for(|| journal.open_entries().first().is_some_and(|e| e.count == 3)).await);
        // The first line is written at once, before the window closes.
        let first = read_all(tmp.path());
        assert_eq!(first.entries.len(), 1);
        assert_eq!(first.entries[0].count, 1);

        with_timeout(journal.shutdown()).await;
        let read = read_all(tmp.path());
        assert_eq!(read.skipped_lines, 0);
        assert_eq!(read.entries.len(), 1);
        let e = &read.entries[0];
        assert_eq!(e.count, 3);
        assert_eq!(e.types, ["A", "AAAA", "HTTPS"]);
        assert_eq!(e.client, "192.168.1.20");
        assert_eq!(e.name, "www.omegle.com");
        assert_eq!(
            raw_lines(tmp.path()).len(),
            2,
            "first line plus one update line"
        );
        let stats = journal.stats();
        assert_eq!(stats.entries_written, 1);
        assert_eq!(stats.merged, 2);
        assert_eq!(stats.write_errors, 0);
    }

    #[tokio::test]
    async fn other_client_or_other_site_is_another_entry() {
        let tmp = TempDir::new().unwrap();
        let journal = Journal::start(config(tmp.path(), LONG_WINDOW));
        journal.record(attempt("192.168.1.20", "omegle.com", "A"));
        journal.record(attempt("192.168.1.21", "omegle.com", "A"));
        journal.record(attempt("192.168.1.20", "chatroulette.com", "A"));
        journal.record(attempt("fe80::1", "omegle.com", "AAAA"));
        with_timeout(journal.shutdown()).await;

        let read = read_all(tmp.path());
        assert_eq!(read.entries.len(), 4);
        assert!(read.entries.iter().all(|e| e.count == 1));
        let mut ids: Vec<u64> = read.entries.iter().map(|e| e.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), 4, "ids are unique");
        assert_eq!(
            raw_lines(tmp.path()).len(),
            4,
            "no update lines for single queries"
        );
    }

    #[tokio::test]
    async fn a_query_after_the_window_starts_a_new_entry() {
        let tmp = TempDir::new().unwrap();
        let journal = Journal::start(config(tmp.path(), WINDOW));
        journal.record(attempt("192.168.1.20", "omegle.com", "A"));
        tokio::time::sleep(WINDOW + Duration::from_millis(100)).await;
        journal.record(attempt("192.168.1.20", "omegle.com", "A"));
        with_timeout(journal.shutdown()).await;

        let read = read_all(tmp.path());
        assert_eq!(read.entries.len(), 2);
        assert!(read.entries.iter().all(|e| e.count == 1));
        assert_ne!(read.entries[0].id, read.entries[1].id);
        assert!(read.entries[0].time > read.entries[1].time, "newest first");
        assert_eq!(journal.stats().merged, 0);
    }

    #[tokio::test]
    async fn the_window_counts_from_the_first_query_not_the_last() {
        let tmp = TempDir::new().unwrap();
        let journal = Journal::start(config(tmp.path(), WINDOW));
        // Queries every 80 ms: a sliding window would merge them all into one entry.
        for _ in 0..5 {
            journal.record(attempt("192.168.1.20", "omegle.com", "A"));
            tokio::time::sleep(Duration::from_millis(80)).await;
        }
        with_timeout(journal.shutdown()).await;
        let read = read_all(tmp.path());
        assert!(read.entries.len() >= 2, "got {:?}", read.entries);
        assert_eq!(read.entries.iter().map(|e| e.count).sum::<u32>(), 5);
    }

    #[tokio::test]
    async fn one_notice_per_group_and_only_time_site_name() {
        let tmp = TempDir::new().unwrap();
        let journal = Journal::start(config(tmp.path(), LONG_WINDOW));
        let mut notices = journal.subscribe();
        for qtype in ["A", "AAAA", "HTTPS", "A"] {
            journal.record(attempt("192.168.1.20", "omegle.com", qtype));
        }
        journal.record(attempt("192.168.1.20", "chatroulette.com", "A"));
        with_timeout(journal.shutdown()).await;

        let first = notices.try_recv().expect("first notice");
        let second = notices.try_recv().expect("second notice");
        assert_eq!(first.site, "omegle.com");
        assert_eq!(first.name, "www.omegle.com");
        assert_eq!(second.site, "chatroulette.com");
        assert!(
            matches!(
                notices.try_recv(),
                Err(broadcast::error::TryRecvError::Empty)
            ),
            "no notice for merged queries"
        );
        let json = serde_json::to_value(&first).unwrap();
        let mut keys: Vec<&str> = json
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort_unstable();
        assert_eq!(keys, ["name", "site", "time"]);
    }

    #[tokio::test]
    async fn window_close_appends_the_update_line_without_shutdown() {
        let tmp = TempDir::new().unwrap();
        let journal = Journal::start(config(tmp.path(), WINDOW));
        journal.record(attempt("192.168.1.20", "omegle.com", "A"));
        journal.record(attempt("192.168.1.20", "omegle.com", "AAAA"));
        assert!(wait_for(|| raw_lines(tmp.path()).len() == 2).await);
        assert!(wait_for(|| journal.open_entries().is_empty()).await);
        let read = read_all(tmp.path());
        assert_eq!(read.entries.len(), 1);
        assert_eq!(read.entries[0].count, 2);
        assert_eq!(read.entries[0].types, ["A", "AAAA"]);
        with_timeout(journal.shutdown()).await;
        assert_eq!(
            raw_lines(tmp.path()).len(),
            2,
            "shutdown adds nothing once closed"
        );
    }

    #[test]
    fn read_folds_lines_by_id_last_wins() {
        let tmp = TempDir::new().unwrap();
        let mut first = entry(7, 1, &["A"]);
        first.cname = Some("cdn.omegle.com".to_owned());
        let mut update = first.clone();
        update.count = 4;
        update.types = vec!["A".into(), "HTTPS".into()];
        let other = entry(8, 1, &["AAAA"]);
        let text = [json_line(&first), json_line(&other), json_line(&update)].concat();
        fs::write(day_file(tmp.path(), today()), text).unwrap();

        let read = read_entries(tmp.path(), today(), today()).unwrap();
        assert_eq!(read.skipped_lines, 0);
        assert_eq!(read.entries.len(), 2);
        let folded = read.entries.iter().find(|e| e.id == 7).unwrap();
        assert_eq!(folded, &update);
        // cname is omitted, not null, when absent, and still reads back.
        assert!(!json_line(&other).contains("cname"));
        assert_eq!(read.entries.iter().find(|e| e.id == 8), Some(&other));
    }

    #[test]
    fn read_only_looks_at_the_requested_days() {
        let tmp = TempDir::new().unwrap();
        let mut old = entry(1, 1, &["A"]);
        old.time -= time::Duration::days(3);
        fs::write(day_file(tmp.path(), days_ago(3)), json_line(&old)).unwrap();
        fs::write(
            day_file(tmp.path(), today()),
            json_line(&entry(2, 1, &["A"])),
        )
        .unwrap();

        let today_only = read_entries(tmp.path(), today(), today()).unwrap();
        assert_eq!(today_only.entries.len(), 1);
        assert_eq!(today_only.entries[0].id, 2);
        let both = read_entries(tmp.path(), days_ago(3), today()).unwrap();
        assert_eq!(
            both.entries.iter().map(|e| e.id).collect::<Vec<_>>(),
            [2, 1]
        );
        let reversed = read_entries(tmp.path(), today(), days_ago(3)).unwrap();
        assert!(reversed.entries.is_empty());
    }

    #[test]
    fn missing_dir_reads_as_empty() {
        let tmp = TempDir::new().unwrap();
        let read = read_entries(&tmp.path().join("nope"), Date::MIN, Date::MAX).unwrap();
        assert!(read.entries.is_empty());
        assert_eq!(read.skipped_lines, 0);
    }

    #[tokio::test]
    async fn torn_last_line_is_skipped_counted_and_not_glued_to_the_next() {
        let tmp = TempDir::new().unwrap();
        let whole = json_line(&entry(1, 1, &["A"]));
        let torn = json_line(&entry(2, 1, &["A"]));
        let torn = &torn[..torn.len() / 2];
        fs::write(day_file(tmp.path(), today()), format!("{whole}{torn}")).unwrap();

        let read = read_all(tmp.path());
        assert_eq!(read.entries.len(), 1);
        assert_eq!(read.entries[0].id, 1);
        assert_eq!(read.skipped_lines, 1);

        // The writer must end the torn line before appending, or its own line would be lost.
        let journal = Journal::start(config(tmp.path(), LONG_WINDOW));
        journal.record(attempt("192.168.1.20", "omegle.com", "A"));
        with_timeout(journal.shutdown()).await;
        let read = read_all(tmp.path());
        assert_eq!(read.entries.len(), 2);
        assert_eq!(read.skipped_lines, 1);
    }

    #[test]
    fn corrupt_middle_lines_are_skipped() {
        let tmp = TempDir::new().unwrap();
        let mut bytes = json_line(&entry(1, 1, &["A"])).into_bytes();
        bytes.extend_from_slice(b"{\"id\": 9, \"garbage\n");
        bytes.extend_from_slice(b"\xff\xfe not utf-8\n");
        bytes.extend_from_slice(b"\n");
        bytes.extend_from_slice(json_line(&entry(2, 1, &["A"])).as_bytes());
        fs::write(day_file(tmp.path(), today()), bytes).unwrap();

        let read = read_all(tmp.path());
        let mut ids: Vec<u64> = read.entries.iter().map(|e| e.id).collect();
        ids.sort_unstable();
        assert_eq!(ids, [1, 2]);
        assert_eq!(read.skipped_lines, 2, "the blank line is not counted");
    }

    #[tokio::test]
    async fn retention_deletes_old_days_and_nothing_else() {
        let tmp = TempDir::new().unwrap();
        let dir = tmp.path();
        let old = day_file(dir, days_ago(31));
        let kept = day_file(dir, days_ago(29));
        fs::write(&old, "x\n").unwrap();
        fs::write(&kept, "x\n").unwrap();
        let foreign = [
            "notes.txt",
            "1999-01-01.jsonl.bak",
            "old.jsonl",
            "1999-1-1.jsonl",
            "x1999-01-01.jsonl",
        ];
        for name in foreign {
            fs::write(dir.join(name), "x\n").unwrap();
        }
        fs::create_dir(dir.join("1999-01-02.jsonl")).unwrap();

        let mut cfg = config(dir, LONG_WINDOW);
        cfg.retention_days = 30;
        let journal = Journal::start(cfg);
        with_timeout(journal.shutdown()).await;

        assert!(!old.exists(), "31 days old with 30 days kept");
        assert!(kept.exists());
        for name in foreign {
            assert!(dir.join(name).exists(), "{name} is not ours");
        }
        assert!(dir.join("1999-01-02.jsonl").is_dir());
        assert_eq!(journal.stats().write_errors, 0);
    }

    #[tokio::test]
    async fn reconfigure_applies_a_shorter_retention() {
        let tmp = TempDir::new().unwrap();
        let old = day_file(tmp.path(), days_ago(40));
        fs::write(&old, "x\n").unwrap();
        let mut cfg = config(tmp.path(), LONG_WINDOW);
        cfg.retention_days = 3650;
        let journal = Journal::start(cfg.clone());
        journal.record(attempt("192.168.1.20", "omegle.com", "A"));
        // The start-up pass runs before the first attempt is handled.
        assert!(wait_for(|| journal.stats().entries_written == 1).await);
        assert!(old.exists());

        cfg.retention_days = 30;
        journal.reconfigure(cfg);
        assert!(wait_for(|| !old.exists()).await);
        with_timeout(journal.shutdown()).await;
    }

    #[tokio::test]
    async fn size_cap_deletes_the_oldest_days_first() {
        let tmp = TempDir::new().unwrap();
        let dir = tmp.path();
        let kb = "x".repeat(999) + "\n";
        let (d3, d2, d1) = (
            day_file(dir, days_ago(3)),
            day_file(dir, days_ago(2)),
            day_file(dir, days_ago(1)),
        );
        for path in [&d3, &d2, &d1] {
            fs::write(path, &kb).unwrap();
        }
        let mut cfg = config(dir, LONG_WINDOW);
        cfg.max_bytes = 2100;
        let journal = Journal::start(cfg);
        journal.record(attempt("192.168.1.20", "omegle.com", "A"));
        with_timeout(journal.shutdown()).await;

        // Start-up: 3000 > 2100, so the oldest went. The new line (over 100 bytes) then did not
        // fit next to the two remaining days, so the next oldest went too.
        assert!(!d3.exists());
        assert!(!d2.exists());
        assert!(d1.exists());
        assert_eq!(read_all(dir).entries.len(), 1);
        let stats = journal.stats();
        assert_eq!(stats.entries_written, 1);
        assert_eq!(stats.dropped, 0);
    }

    #[tokio::test]
    async fn today_alone_over_the_cap_stops_new_lines() {
        let tmp = TempDir::new().unwrap();
        let dir = tmp.path();
        let yesterday = day_file(dir, days_ago(1));
        let today_file = day_file(dir, today());
        fs::write(&yesterday, "y\n").unwrap();
        fs::write(&today_file, "x".repeat(2999) + "\n").unwrap();
        let mut cfg = config(dir, LONG_WINDOW);
        cfg.max_bytes = 2500;
        let journal = Journal::start(cfg);
        let mut notices = journal.subscribe();
        journal.record(attempt("192.168.1.20", "omegle.com", "A"));
        with_timeout(journal.shutdown()).await;

        assert!(
            !yesterday.exists(),
            "older days go before today's is refused"
        );
        assert_eq!(
            fs::metadata(&today_file).unwrap().len(),
            3000,
            "nothing appended"
        );
        let stats = journal.stats();
        assert!(stats.dropped >= 1);
        assert_eq!(stats.entries_written, 0);
        assert_eq!(stats.last_error.as_deref(), Some(SIZE_LIMIT_MESSAGE));
        // The child is still told why the site did not load.
        assert!(notices.try_recv().is_ok());
    }

    #[tokio::test]
    async fn unwritable_dir_counts_errors_and_record_still_returns() {
        // A path under a regular file cannot be created even by root, unlike a chmod.
        let tmp = TempDir::new().unwrap();
        let file = tmp.path().join("not-a-dir");
        fs::write(&file, "").unwrap();
        let journal = Journal::start(config(&file.join("journal"), LONG_WINDOW));
        let mut notices = journal.subscribe();
        // record() only queues (try_send), so this loop cannot wait on the broken disk.
        for i in 0..1000 {
            journal.record(attempt("192.168.1.20", &format!("site{i}.example"), "A"));
        }
        assert!(wait_for(|| journal.stats().write_errors > 1).await);
        let stats = journal.stats();
        assert!(stats.last_error.is_some_and(|e| e.contains("not-a-dir")));
        assert_eq!(stats.entries_written, 0);
        // 1000 notices overflow the channel, so "lagged" counts as notices having been sent.
        assert!(
            !matches!(
                notices.try_recv(),
                Err(tokio::sync::broadcast::error::TryRecvError::Empty)
            ),
            "notices do not depend on the disk"
        );
        with_timeout(journal.shutdown()).await;
    }

    #[cfg(unix)]
    #[tokio::test]
    async fn read_only_dir_counts_errors() {
        use std::os::unix::fs::PermissionsExt;
        let tmp = TempDir::new().unwrap();
        let dir = tmp.path().join("journal");
        fs::create_dir(&dir).unwrap();
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o500)).unwrap();
        let probe = dir.join("probe");
        if fs::write(&probe, "").is_ok() {
            let _ = fs::remove_file(&probe);
            fs::set_permissions(&dir, fs::Permissions::from_mode(0o700)).unwrap();
            eprintln!(
                "read_only_dir_counts_errors: skipped, a 0500 directory is still writable here \
                 (running as root or with CAP_DAC_OVERRIDE); \
                 unwritable_dir_counts_errors_and_record_still_returns covers the error path"
            );
            return;
        }
        let journal = Journal::start(config(&dir, LONG_WINDOW));
        journal.record(attempt("192.168.1.20", "omegle.com", "A"));
        let failed = wait_for(|| journal.stats().write_errors > 0).await;
        with_timeout(journal.shutdown()).await;
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o700)).unwrap();
        assert!(failed);
        assert!(journal.stats().last_error.is_some());
    }

    #[tokio::test]
    async fn shutdown_writes_the_final_count_of_open_groups() {
        let tmp = TempDir::new().unwrap();
        let journal = Journal::start(config(tmp.path(), LONG_WINDOW));
        for qtype in ["A", "AAAA", "HTTPS", "HTTPS", "A"] {
            journal.record(attempt("192.168.1.20", "omegle.com", qtype));
        }
        with_timeout(journal.shutdown()).await;
        let read = read_all(tmp.path());
        assert_eq!(read.entries.len(), 1);
        assert_eq!(read.entries[0].count, 5);
        assert_eq!(read.entries[0].types, ["A", "AAAA", "HTTPS"]);
        assert!(journal.open_entries().is_empty());

        // After shutdown: counted, not journaled, and no hang.
        journal.record(attempt("192.168.1.20", "omegle.com", "A"));
        assert_eq!(journal.stats().dropped, 1);
        with_timeout(journal.shutdown()).await;
    }

    #[tokio::test]
    async fn open_entries_shows_open_groups_with_current_counts() {
        let tmp = TempDir::new().unwrap();
        let journal = Journal::start(config(tmp.path(), LONG_WINDOW));
        journal.record(attempt("192.168.1.20", "omegle.com", "A"));
        journal.record(attempt("192.168.1.20", "omegle.com", "AAAA"));
        journal.record(attempt("192.168.1.21", "chatroulette.com", "A"));
        assert!(
            wait_for(|| {
                let open = journal.open_entries();
                open.len() == 2 && open.iter().map(|e| e.count).sum::<u32>() == 3
            })
            .await
        );
        let open = journal.open_entries();
        assert!(open[0].time >= open[1].time, "newest first");
        let omegle = open.iter().find(|e| e.site == "omegle.com").unwrap();
        assert_eq!(omegle.types, ["A", "AAAA"]);
        with_timeout(journal.shutdown()).await;
        assert!(journal.open_entries().is_empty());
    }

    #[tokio::test]
    async fn settled_waits_for_every_attempt_recorded_before_it() {
        let tmp = TempDir::new().unwrap();
        let journal = Journal::start(config(tmp.path(), LONG_WINDOW));
        // The first attempt sets the writer gathering; the next ones arrive while it pauses.
        journal.record(attempt("192.168.1.20", "omegle.com", "A"));
        tokio::task::yield_now().await;
        journal.record(attempt("192.168.1.20", "omegle.com", "AAAA"));
        journal.record(attempt("192.168.1.21", "chatroulette.com", "A"));
        with_timeout(journal.settled()).await;
        let open = journal.open_entries();
        assert_eq!(open.len(), 2, "{open:?}");
        assert_eq!(open.iter().map(|e| e.count).sum::<u32>(), 3);
        with_timeout(journal.shutdown()).await;
        // After shutdown there is no writer: settling gives up rather than hang.
        with_timeout(journal.settled()).await;
    }

    #[tokio::test]
    async fn full_queue_drops_and_shutdown_journals_what_was_queued() {
        let tmp = TempDir::new().unwrap();
        let journal = Journal::start(config(tmp.path(), LONG_WINDOW));
        // Single-threaded test runtime: the writer cannot run until we yield, so the queue
        // fills exactly.
        let extra = 500;
        for _ in 0..QUEUE_CAPACITY + extra {
            journal.record(attempt("192.168.1.20", "omegle.com", "A"));
        }
        assert_eq!(journal.stats().dropped, extra as u64);
        with_timeout(journal.shutdown()).await;
        let read = read_all(tmp.path());
        assert_eq!(read.entries.len(), 1);
        assert_eq!(read.entries[0].count as usize, QUEUE_CAPACITY);
    }

    #[tokio::test]
    async fn ids_stay_unique_across_restarts() {
        let tmp = TempDir::new().unwrap();
        for _ in 0..2 {
            let journal = Journal::start(config(tmp.path(), LONG_WINDOW));
            journal.record(attempt("192.168.1.20", "omegle.com", "A"));
            with_timeout(journal.shutdown()).await;
        }
        let read = read_all(tmp.path());
        assert_eq!(read.entries.len(), 2);
        assert_ne!(read.entries[0].id, read.entries[1].id);
    }

    #[tokio::test]
    async fn creates_missing_dir_private() {
        let tmp = TempDir::new().unwrap();
        let dir = tmp.path().join("a").join("journal");
        let journal = Journal::start(config(&dir, LONG_WINDOW));
        journal.record(attempt("192.168.1.20", "omegle.com", "A"));
        with_timeout(journal.shutdown()).await;
        assert_eq!(read_all(&dir).entries.len(), 1);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode(&dir), 0o700);
            assert_eq!(mode(&day_file(&dir, today())), 0o600);
        }
    }

    #[test]
    fn day_names_are_strict() {
        assert_eq!(
            parse_day_name("2025-01-31.jsonl"),
            Some(time::macros::date!(2025 - 01 - 31))
        );
        for name in [
            "2025-1-31.jsonl",
            "2025-01-32.jsonl",
            "2025-01-31.json",
            "2025-01-31.jsonl.bak",
            "+2025-01-31.jsonl",
            "notes.txt",
        ] {
            assert_eq!(parse_day_name(name), None, "{name}");
        }
    }
}
