//! The single writer task: it turns queued attempts into groups, one entry per client and site
//! within the merge window, and hands the disk work to the blocking pool.

use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use time::{Date, OffsetDateTime};
use tokio::sync::{mpsc, watch};
use tokio::time::Instant;

use super::store::StoreError;
use super::*;

/// One client, one account on it (when known), one site.
pub(super) type GroupKey = (IpAddr, Option<u32>, Arc<str>);

/// Most groups open at once. Each open group is one client and site within the merge window, so
/// a household needs a handful; a flood of distinct sites beyond this goes to the summaries.
pub(super) const MAX_OPEN_GROUPS: usize = 4096;
/// How often the summaries of a lasting flood are written again with their new counts (and
/// always at the day's end and at shutdown).
pub(super) const SUMMARY_EVERY: Duration = Duration::from_secs(600);

#[derive(Debug)]
pub(super) struct Group {
    pub(super) entry: Entry,
    pub(super) opened: Instant,
    /// Count or types changed since the first line.
    pub(super) dirty: bool,
    /// The first line reached the disk; if not, closing the group tries again.
    pub(super) persisted: bool,
    /// The count of the first line, once it is on disk.
    pub(super) on_disk: u32,
}

impl Group {
    pub(super) fn merge(&mut self, attempt: &Attempt) {
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

/// The single task that owns grouping decisions; the disk work it hands to the blocking pool.
pub(super) struct Writer {
    pub(super) rx: mpsc::Receiver<Msg>,
    pub(super) config: watch::Receiver<JournalConfig>,
    pub(super) config_open: bool,
    pub(super) window: Duration,
    pub(super) state: Arc<State>,
    pub(super) store: Arc<Mutex<Store>>,
    pub(super) last_id: u64,
    /// What did not fit today (see `overflow`).
    pub(super) overflow: super::overflow::Overflow,
    /// When the summaries were last written.
    pub(super) last_summaries: Instant,
    /// The wall clock and the boot clock when the writer started, to notice a clock set ahead.
    pub(super) clock_base: (OffsetDateTime, Duration),
    pub(super) day: Date,
    pub(super) last_maintenance: Instant,
    pub(super) next_tick: Instant,
}

/// What [`Writer::take_queued`] left in the queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Queued {
    Empty,
    More,
    Shutdown,
}

impl Writer {
    pub(super) async fn run(mut self) {
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
        self.write_summaries().await;
        self.with_store(Store::sync).await;
    }

    /// Journals attempts already waiting in the queue, at most [`BATCH`] of them so that ticks
    /// and setting changes still get their turn. Under a burst of blocked queries, going round
    /// the main loop for each one (scanning the open groups, re-arming the timer) cost more than
    /// journaling the attempt itself.
    pub(super) async fn take_queued(&mut self) -> Queued {
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
    pub(super) fn next_wake(&self) -> Instant {
        let window = self.window;
        lock(&self.state.groups)
            .values()
            // A window too long to add to an instant just waits for the ticks.
            .filter_map(|g| g.opened.checked_add(window))
            .fold(self.next_tick, Instant::min)
    }

    pub(super) async fn on_attempt(&mut self, attempt: Attempt, at: Instant) {
        let key = (attempt.client, attempt.uid(), attempt.site.clone());
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
        let full = lock(&self.state.groups).len() >= MAX_OPEN_GROUPS;

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
            summary: false,
            paused: attempt.paused,
            brand: attempt.brand,
            local: attempt.owner.is_some() || attempt.client.is_loopback(),
            account: attempt.owner.as_ref().and_then(|o| o.account.clone()),
            program: attempt.owner.as_ref().and_then(|o| o.program.clone()),
            via: attempt.owner.as_ref().and_then(|o| o.via.clone()),
        };
        // Nobody is told "blocked" about a site that opened during a pause.
        let tell = !entry.paused;
        let notice = Notice {
            time,
            site: entry.site.clone(),
            name: entry.name.clone(),
            brand: entry.brand.clone(),
            local: entry.local,
            account: entry.account.clone(),
        };
        if full {
            // No room for another open group: counted in the day's summary for the site.
            self.state.stats.refused();
            let mut next = self.last_id;
            self.overflow.add(&entry, |_| {
                next = next.saturating_add(1);
                next
            });
            self.last_id = next;
            if tell {
                let _ = self.state.notices.send(notice);
            }
            return;
        }
        lock(&self.state.groups).insert(
            key.clone(),
            Group {
                entry: entry.clone(),
                opened: at,
                dirty: false,
                persisted: false,
                on_disk: 0,
            },
        );
        if self.write(&entry, None, false).await
            && let Some(group) = lock(&self.state.groups).get_mut(&key)
            && group.entry.id == id
        {
            group.persisted = true;
            group.on_disk = entry.count;
        }
        // Published even if the line could not be written: the child was blocked all the same.
        // An error only means nobody is listening.
        if tell {
            let _ = self.state.notices.send(notice);
        }
    }

    /// Ids must be unique across restarts without reading old files: the wall clock in
    /// nanoseconds does that, bumped to stay strictly increasing within this process.
    pub(super) fn next_id(&mut self, time: OffsetDateTime) -> u64 {
        let nanos = u64::try_from(time.unix_timestamp_nanos()).unwrap_or(0);
        let id = nanos.max(self.last_id.saturating_add(1));
        self.last_id = id;
        id
    }

    pub(super) async fn on_tick(&mut self) {
        let now = Instant::now();
        if now >= self.next_tick {
            self.next_tick = now + TICK;
        }
        let window = self.window;
        self.close_where(|(_, g)| now.saturating_duration_since(g.opened) >= window)
            .await;
        let new_day = today() != self.day;
        if new_day || self.last_summaries.elapsed() >= SUMMARY_EVERY {
            self.write_summaries().await;
            self.last_summaries = Instant::now();
        }
        if new_day {
            self.overflow.clear();
        }
        if today() != self.day || self.last_maintenance.elapsed() >= MAINTENANCE_EVERY {
            self.maintain().await;
        }
    }

    pub(super) async fn apply_config(&mut self) {
        let config = self.config.borrow_and_update().clone();
        self.window = config.merge_window;
        self.with_store(move |store| store.configure(&config)).await;
        self.maintain().await;
    }

    pub(super) async fn maintain(&mut self) {
        let today = today();
        self.day = today;
        self.last_maintenance = Instant::now();
        let trusted = self.trusted_today(today);
        self.with_store(move |store| store.maintain(trusted)).await;
    }

    /// Today for retention: the wall clock's date, unless the wall clock ran ahead of the boot
    /// clock since the writer started (someone set it forward), then the date the boot clock
    /// says. No day is deleted because the clock jumped.
    fn trusted_today(&self, today: Date) -> Date {
        let (wall0, boot0) = self.clock_base;
        let by_boot = wall0 + crate::clock::since_boot().saturating_sub(boot0);
        if OffsetDateTime::now_utc() - by_boot > time::Duration::hours(1) {
            tracing::warn!(
                "the clock moved ahead by itself; old attempts are kept until it is right again"
            );
            by_boot.date().min(today)
        } else {
            today
        }
    }

    /// Writes the final line of the matching groups, then forgets them. They stay visible in
    /// `open_entries` until their line is on disk, so "attempts today" never dips.
    pub(super) async fn close_where(&mut self, due: impl Fn((&GroupKey, &Group)) -> bool) {
        let closing: Vec<(GroupKey, Entry, bool, Option<u32>)> = lock(&self.state.groups)
            .iter()
            .filter(|(k, g)| due((k, g)))
            .map(|(k, g)| {
                let on_disk = g.persisted.then_some(g.on_disk);
                (k.clone(), g.entry.clone(), g.dirty, on_disk)
            })
            .collect();
        for (key, entry, dirty, on_disk) in closing {
            if dirty || on_disk.is_none() {
                self.write(&entry, on_disk, true).await;
            }
            let mut groups = lock(&self.state.groups);
            if groups.get(&key).is_some_and(|g| g.entry.id == entry.id) {
                groups.remove(&key);
            }
        }
    }

    /// Appends one line; true if it reached the file. Failures are counted, never returned:
    /// nothing upstream could do better than carry on. A line refused because the journal is
    /// full goes into the day's summaries instead.
    /// `on_disk` is the count of the entry's line already on disk, if one is; `last` says this
    /// is the group's closing line, whose count is final (only then does a refused line go to
    /// the summaries, so that nothing is counted twice).
    pub(super) async fn write(&mut self, entry: &Entry, on_disk: Option<u32>, last: bool) -> bool {
        match self.append(entry, false).await {
            Some(Ok(())) => {
                if on_disk.is_none() {
                    Counters::bump(&self.state.stats.entries_written);
                }
                true
            }
            Some(Err(StoreError::Full)) => {
                self.state.stats.refused();
                if !last {
                    return false;
                }
                // Only what the disk does not already show.
                let mut missing = entry.clone();
                missing.count = entry.count.saturating_sub(on_disk.unwrap_or(0));
                let mut next = self.last_id;
                self.overflow.add(&missing, |time| {
                    let nanos = u64::try_from(time.unix_timestamp_nanos()).unwrap_or(0);
                    next = nanos.max(next.saturating_add(1));
                    next
                });
                self.last_id = next;
                false
            }
            Some(Err(e)) => {
                self.state.stats.error(e.to_string());
                false
            }
            None => false,
        }
    }

    /// Writes the summaries that changed, into the room kept for them.
    pub(super) async fn write_summaries(&mut self) {
        for summary in self.overflow.changed() {
            match self.append(&summary, true).await {
                Some(Ok(())) | None => {}
                Some(Err(StoreError::Full)) => self.state.stats.refused(),
                Some(Err(e)) => self.state.stats.error(e.to_string()),
            }
        }
    }

    async fn append(&self, entry: &Entry, summary: bool) -> Option<Result<(), StoreError>> {
        let mut line = match serde_json::to_vec(entry) {
            Ok(line) => line,
            Err(e) => {
                self.state
                    .stats
                    .error(format!("cannot encode journal entry: {e}"));
                return None;
            }
        };
        line.push(b'\n');
        let date = entry.time.date();
        self.with_store(move |store| store.append(date, &line, summary))
            .await
    }

    /// Runs file I/O on the blocking pool so that a slow or stuck disk never stalls the
    /// runtime threads that answer DNS.
    pub(super) async fn with_store<R: Send + 'static>(
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
