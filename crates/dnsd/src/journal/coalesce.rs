//! Folding a busy DNS thread's blocked queries together before they reach the journal.
//!
//! The journal turns one client's queries for one site into one entry in any case. Sent one by
//! one from the UDP thread, a stream of blocked queries (a browser's retries, or a flood meant to
//! drown the journal) would cost a queue message, a wake-up and a group lookup each, and could
//! fill the journal's queue. So the thread holds the attempts it answered in a small table, one
//! slot per client and site, and a repeat only adds to the held attempt's count and types. The
//! table goes to the journal before the thread waits for more queries and every
//! [`FLUSH_EVERY`] while it is busy: an attempt is held for milliseconds, never while the
//! service is idle. The price is that a count can land in the journal's next entry instead of
//! the one whose window closed within those milliseconds.
//!
//! Readers must still see every attempt already answered: each table has a [`Gate`] that
//! `Journal::settled` waits on while the table holds anything.

use std::net::IpAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use tokio::sync::Notify;
use tokio::time::Instant;

use super::{Attempt, Journal};

/// Longest a busy thread holds an attempt back.
pub(crate) const FLUSH_EVERY: Duration = Duration::from_millis(10);
/// Slots in the table; two attempts whose client and site share a slot just take turns.
const SLOTS: usize = 64;

/// What a reader needs to know of one thread's table.
#[derive(Debug, Default)]
pub(crate) struct Gate {
    holding: AtomicBool,
    flushes: AtomicU64,
    /// Woken at every flush, so a reader waits without polling.
    flushed: Notify,
}

impl Gate {
    /// Returns once everything the table held at the call has gone to the journal.
    pub(crate) async fn passed(&self) {
        let flushes = self.flushes.load(Ordering::Acquire);
        loop {
            // Registered before the check, so a flush between the check and the wait still
            // wakes this reader.
            let flushed = self.flushed.notified();
            let mut flushed = std::pin::pin!(flushed);
            flushed.as_mut().enable();
            if !self.holding.load(Ordering::Acquire)
                || self.flushes.load(Ordering::Acquire) != flushes
            {
                return;
            }
            flushed.await;
        }
    }
}

/// One thread's table of held attempts.
#[derive(Debug)]
pub(crate) struct Coalescer {
    journal: Journal,
    slots: Box<[Option<(Attempt, Instant)>]>,
    held: usize,
    /// When the oldest held attempt arrived.
    oldest: Instant,
    gate: Arc<Gate>,
}

impl Coalescer {
    pub(crate) fn new(journal: Journal) -> Self {
        let gate = Arc::new(Gate::default());
        journal.watch_gate(&gate);
        Coalescer {
            journal,
            slots: (0..SLOTS).map(|_| None).collect(),
            held: 0,
            oldest: Instant::now(),
            gate,
        }
    }

    /// Takes the attempt of a query that arrived at `at` and has been answered.
    pub(crate) fn record(&mut self, attempt: Attempt, at: Instant) {
        let slot = &mut self.slots[slot_of(attempt.client, &attempt.site)];
        let attempt = match slot {
            Some((held, _))
                if held.client == attempt.client
                    && held.uid() == attempt.uid()
                    && Arc::ptr_eq(&held.site, &attempt.site) =>
            {
                match held.fold(attempt) {
                    None => return,
                    Some(attempt) => attempt,
                }
            }
            _ => attempt,
        };
        match slot.replace((attempt, at)) {
            Some((before, before_at)) => self.journal.record_at(before, before_at),
            None => {
                if self.held == 0 {
                    self.oldest = at;
                    // Before the answer goes out, so that a reader who saw it sees this too.
                    self.gate.holding.store(true, Ordering::Release);
                }
                self.held += 1;
            }
        }
    }

    /// Flushes if the oldest held attempt has waited [`FLUSH_EVERY`] by `now`.
    pub(crate) fn flush_if_due(&mut self, now: Instant) {
        if self.held > 0 && now.saturating_duration_since(self.oldest) >= FLUSH_EVERY {
            self.flush();
        }
    }

    /// Sends every held attempt to the journal.
    pub(crate) fn flush(&mut self) {
        if self.held == 0 {
            return;
        }
        for slot in self.slots.iter_mut() {
            if let Some((attempt, at)) = slot.take() {
                self.journal.record_at(attempt, at);
            }
        }
        self.held = 0;
        self.gate.holding.store(false, Ordering::Release);
        self.gate.flushes.fetch_add(1, Ordering::Release);
        self.gate.flushed.notify_waiters();
    }
}

impl Drop for Coalescer {
    fn drop(&mut self) {
        self.flush();
    }
}

/// The slot of a client and site. The site is known by its address in the policy, so a reload
/// starts new slots; the journal still merges by the site's name.
fn slot_of(client: IpAddr, site: &Arc<str>) -> usize {
    let client = match client {
        IpAddr::V4(a) => u64::from(a.to_bits()),
        IpAddr::V6(a) => {
            let bits = a.to_bits();
            (bits as u64) ^ ((bits >> 64) as u64)
        }
    };
    let site = Arc::as_ptr(site).cast::<u8>().addr() as u64;
    let mixed = (client ^ site.rotate_left(32)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    (mixed >> (64 - SLOTS.trailing_zeros())) as usize
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use tempfile::TempDir;

    use super::*;
    use crate::journal::Entry;
    use crate::journal::tests::{LONG_WINDOW, config};

    fn journal(dir: &TempDir) -> Journal {
        Journal::start(config(dir.path(), LONG_WINDOW))
    }

    fn attempt(client: &str, site: &Arc<str>, qtype: &str) -> Attempt {
        Attempt::new(
            client.parse().unwrap(),
            format!("www.{site}"),
            Arc::clone(site),
            "stranger-chat".into(),
            site,
            qtype.parse().unwrap(),
            None,
        )
    }

    fn summary(entries: &[Entry]) -> Vec<(String, String, u32, Vec<String>)> {
        let mut rows: Vec<_> = entries
            .iter()
            .map(|e| (e.client.clone(), e.site.clone(), e.count, e.types.clone()))
            .collect();
        rows.sort();
        rows
    }

    fn row(
        client: &str,
        site: &str,
        count: u32,
        types: &[&str],
    ) -> (String, String, u32, Vec<String>) {
        let types = types.iter().map(|t| t.to_string()).collect();
        (client.into(), site.into(), count, types)
    }

    #[tokio::test]
    async fn repeats_fold_into_one_attempt_per_client_and_site() {
        let tmp = TempDir::new().unwrap();
        let journal = journal(&tmp);
        let omegle: Arc<str> = "omegle.com".into();
        let chat: Arc<str> = "chatroulette.com".into();
        let mut table = Coalescer::new(journal.clone());
        let now = Instant::now();
        for qtype in ["A", "AAAA", "HTTPS", "A", "AAAA"] {
            table.record(attempt("192.168.1.20", &omegle, qtype), now);
        }
        table.record(attempt("192.168.1.21", &omegle, "A"), now);
        table.record(attempt("192.168.1.20", &chat, "A"), now);
        // Held, not yet sent.
        journal.settled().await;
        assert_eq!(journal.stats().merged, 0);
        table.flush_if_due(now);
        assert_eq!(journal.stats().merged, 0, "not due yet");

        table.flush_if_due(now + FLUSH_EVERY);
        journal.settled().await;
        assert_eq!(
            summary(&journal.open_entries()),
            [
                row("192.168.1.20", "chatroulette.com", 1, &["A"]),
                row("192.168.1.20", "omegle.com", 5, &["A", "AAAA", "HTTPS"]),
                row("192.168.1.21", "omegle.com", 1, &["A"]),
            ]
        );
        assert_eq!(journal.stats().merged, 4);
        journal.shutdown().await;
    }

    #[tokio::test]
    async fn an_attempt_with_too_many_types_goes_on_and_nothing_is_lost() {
        let tmp = TempDir::new().unwrap();
        let journal = journal(&tmp);
        let site: Arc<str> = "omegle.com".into();
        let types = [
            "A", "AAAA", "HTTPS", "SVCB", "MX", "TXT", "NS", "SOA", "CAA", "A",
        ];
        let mut table = Coalescer::new(journal.clone());
        for qtype in types {
            table.record(attempt("192.168.1.20", &site, qtype), Instant::now());
        }
        // Dropping the table sends what it holds.
        drop(table);
        journal.settled().await;
        let open = journal.open_entries();
        assert_eq!(open.len(), 1, "{open:?}");
        assert_eq!(open[0].count, 10);
        assert_eq!(open[0].types.len(), 9);
        assert_eq!(open[0].types.last().map(String::as_str), Some("CAA"));
        journal.shutdown().await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn readers_wait_for_what_a_busy_thread_holds() {
        let tmp = TempDir::new().unwrap();
        let journal = journal(&tmp);
        let site: Arc<str> = "omegle.com".into();
        let mut table = Coalescer::new(journal.clone());
        table.record(attempt("192.168.1.20", &site, "A"), Instant::now());
        table.record(attempt("192.168.1.20", &site, "AAAA"), Instant::now());
        // The thread is busy elsewhere for a while before its next flush.
        let thread = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(100));
            table.flush();
        });
        tokio::time::timeout(Duration::from_secs(5), journal.settled())
            .await
            .unwrap();
        let open = journal.open_entries();
        assert_eq!(open.len(), 1, "settled before the held attempt was sent");
        assert_eq!(open[0].count, 2);
        thread.join().unwrap();
        journal.shutdown().await;
    }
}
