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
//!
//! The parts, each in its file: [`attempt`] the model (an attempt as the resolver sees it, an
//! entry as a day file holds it, a notice as every user may see it); this file the handle the
//! service holds; [`writer`] the task that groups attempts into entries; [`store`] the day files
//! with retention and the size cap; [`read`] the readers; [`coalesce`] the DNS threads' folding;
//! [`config`] the journal's settings as the service's settings give them.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, Weak};
use std::time::Duration;

use serde::Serialize;
use time::format_description::BorrowedFormatItem;
use time::{Date, OffsetDateTime};
use tokio::sync::{broadcast, mpsc, oneshot, watch};
use tokio::task::JoinHandle;
use tokio::time::Instant;

mod attempt;
pub(crate) mod coalesce;
mod config;
mod overflow;
mod read;
mod store;
#[cfg(test)]
pub(crate) mod tests;
mod writer;

pub(crate) use attempt::{Attempt, Entry, Notice, client_ip};
use coalesce::Gate;
pub(crate) use config::journal_config;
use read::sort_newest_first;
pub(crate) use read::{Order, each_entry};
use store::Store;
use writer::{Group, GroupKey, Writer};

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

// Nearly every message is an attempt: boxing it to shrink the rare control messages would add
// an allocation per attempt and save nothing.
#[allow(clippy::large_enum_variant)]
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
            overflow: Default::default(),
            last_summaries: now,
            clock_base: (OffsetDateTime::now_utc(), crate::clock::since_boot()),
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
