//! Telling systemd that the service is ready and still answering (`Type=notify`,
//! `WatchdogSec=` in the installed unit), through the `sd-notify` crate.
//!
//! A panic anywhere already ends the process (see `stop_on_any_panic` in `main.rs`), but a
//! worker can also hang without panicking: a UDP thread stuck in a loop leaves a process that
//! systemd sees running while the computer has no DNS. So the "still alive" pings come from the
//! workers themselves, not from a timer of their own: each part that must keep going (every UDP
//! thread, and the async runtime that serves TCP, forwarding and the API) holds a [`Heart`] and
//! beats it as it works and at least every [`Heart::idle_wait`] while idle. `WATCHDOG=1` goes
//! out only when every heart beat recently, so one stuck part stops the pings and systemd
//! restarts the service after `WatchdogSec`. The runtime's beat also looks at the others: a part
//! silent for half the watchdog's time is named in the log and `WATCHDOG=trigger` asks systemd to
//! act at once rather than wait out the rest.
//!
//! Outside systemd (`vigie run --dev`, the tests without `NOTIFY_SOCKET`) everything here does
//! nothing. Timings, with systemd's `WATCHDOG_USEC` as `T`: hearts beat at least every `T/8`,
//! pings go out every `T/4`, and a heart is stale after `T/2`, so a healthy service pings four
//! times per `T` and a stuck one is restarted within about `1.25 T`.
//!
//! Test-only faults ([`fault`]): the environment variable `VIGIE_TEST_FAULT` makes a worker
//! fail on purpose, so the tests can check that a failed worker ends the service. It is read
//! from the service's own environment only, which no DNS client or API caller can set.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::{Duration, Instant};

use sd_notify::NotifyState;

/// The service's watchdog: every heart, and when the last ping went out.
#[derive(Debug)]
pub(crate) struct Watchdog {
    /// `None` outside systemd, or when the unit has no `WatchdogSec=`.
    timing: Option<Timing>,
    start: Instant,
    hearts: Mutex<Vec<(&'static str, Arc<AtomicU64>)>>,
    /// Milliseconds since `start` of the last `WATCHDOG=1`.
    last_ping: AtomicU64,
    triggered: AtomicBool,
}

#[derive(Debug, Clone, Copy)]
struct Timing {
    beat_every: Duration,
    ping_every: Duration,
    stale_after: Duration,
}

/// One part's beat, given to the part that must keep going.
#[derive(Debug, Clone)]
pub(crate) struct Heart {
    dog: Arc<Watchdog>,
    stamp: Arc<AtomicU64>,
}

impl Watchdog {
    /// The watchdog systemd asked for (`WATCHDOG_USEC` for this process), or one that does
    /// nothing.
    pub(crate) fn from_env() -> Arc<Watchdog> {
        Arc::new(Watchdog::new(sd_notify::watchdog_enabled()))
    }

    fn new(period: Option<Duration>) -> Watchdog {
        Watchdog {
            timing: period.filter(|p| !p.is_zero()).map(|t| Timing {
                beat_every: t / 8,
                ping_every: t / 4,
                stale_after: t / 2,
            }),
            start: Instant::now(),
            hearts: Mutex::new(Vec::new()),
            last_ping: AtomicU64::new(0),
            triggered: AtomicBool::new(false),
        }
    }

    /// A heart for the part called `name` (named in the log when it stops).
    pub(crate) fn heart(self: &Arc<Self>, name: &'static str) -> Heart {
        let stamp = Arc::new(AtomicU64::new(self.now_ms()));
        self.hearts
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push((name, Arc::clone(&stamp)));
        Heart {
            dog: Arc::clone(self),
            stamp,
        }
    }

    /// Start-up is done: the listeners are bound and the API answers.
    pub(crate) fn ready(&self) {
        notify(&[NotifyState::Ready]);
    }

    /// The service is stopping on request, so a late ping is not a failure.
    pub(crate) fn stopping(&self) {
        notify(&[NotifyState::Stopping]);
    }

    fn now_ms(&self) -> u64 {
        u64::try_from(self.start.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    /// The name of a heart that has not beaten within `stale_after`, if any.
    fn stale(&self, now: u64, timing: Timing) -> Option<&'static str> {
        let stale = u64::try_from(timing.stale_after.as_millis()).unwrap_or(u64::MAX);
        self.hearts
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .find(|(_, stamp)| now.saturating_sub(stamp.load(Ordering::Relaxed)) > stale)
            .map(|(name, _)| *name)
    }

    /// After a beat: pings when one is due and every heart is fresh.
    fn maybe_ping(&self, now: u64, timing: Timing) {
        let every = u64::try_from(timing.ping_every.as_millis()).unwrap_or(u64::MAX);
        let last = self.last_ping.load(Ordering::Relaxed);
        if now.saturating_sub(last) < every {
            return;
        }
        // One beater pings; the others see the new time and go on.
        if self
            .last_ping
            .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
            .is_err()
        {
            return;
        }
        if self.stale(now, timing).is_none() {
            notify(&[NotifyState::Watchdog]);
        }
    }
}

impl Heart {
    /// This part is working. Costs a clock read and an atomic store; a ping when one is due.
    pub(crate) fn beat(&self) {
        let Some(timing) = self.dog.timing else {
            return;
        };
        let now = self.dog.now_ms();
        self.stamp.store(now, Ordering::Relaxed);
        self.dog.maybe_ping(now, timing);
    }

    /// The longest an idle part may wait before it beats again; `None` without a watchdog.
    pub(crate) fn idle_wait(&self) -> Option<Duration> {
        self.dog.timing.map(|t| t.beat_every)
    }

    /// Beats, and tells systemd at once when another part has stopped (named in the log): the
    /// runtime's own heart runs this.
    pub(crate) fn beat_and_check(&self) {
        self.beat();
        let Some(timing) = self.dog.timing else {
            return;
        };
        if let Some(name) = self.dog.stale(self.dog.now_ms(), timing)
            && !self.dog.triggered.swap(true, Ordering::Relaxed)
        {
            tracing::error!(
                "the {name} has not answered for {:?}; asking systemd to restart the service",
                timing.stale_after
            );
            notify(&[NotifyState::WatchdogTrigger]);
        }
    }
}

/// The runtime's heart: a task that beats while the async runtime runs its tasks.
pub(crate) async fn runtime_heart(heart: Heart) {
    let Some(every) = heart.idle_wait() else {
        return;
    };
    let mut ticks = tokio::time::interval(every);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        heart.beat_and_check();
    }
}

fn notify(state: &[NotifyState<'_>]) {
    // Without NOTIFY_SOCKET this does nothing; a failed send only means systemd is not told.
    if let Err(e) = sd_notify::notify(state) {
        tracing::debug!(error = %e, "cannot notify systemd");
    }
}

/// A failure the tests ask for through `VIGIE_TEST_FAULT` (never set by the installed unit).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fault {
    /// The UDP thread panics on the first datagram it receives.
    UdpPanic,
    /// The UDP thread stops answering, without panicking, on the first datagram it receives.
    UdpHang,
    /// A TCP connection's task panics on its first query.
    TcpPanic,
}

/// The fault this process was started with, read once.
pub(crate) fn fault() -> Option<Fault> {
    static FAULT: OnceLock<Option<Fault>> = OnceLock::new();
    *FAULT.get_or_init(|| match std::env::var("VIGIE_TEST_FAULT").ok()?.as_str() {
        "udp-panic" => Some(Fault::UdpPanic),
        "udp-hang" => Some(Fault::UdpHang),
        "tcp-panic" => Some(Fault::TcpPanic),
        other => {
            tracing::warn!("unknown VIGIE_TEST_FAULT {other:?} ignored");
            None
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stale_heart_is_found_and_fresh_ones_are_not() {
        let dog = Arc::new(Watchdog::new(Some(Duration::from_secs(8))));
        let timing = dog.timing.unwrap();
        let udp = dog.heart("udp thread");
        let _rt = dog.heart("runtime");
        assert_eq!(dog.stale(dog.now_ms(), timing), None);
        // Five seconds on, with only the runtime beating: the UDP thread is named.
        udp.stamp.store(0, Ordering::Relaxed);
        _rt.stamp.store(5000, Ordering::Relaxed);
        assert_eq!(dog.stale(5000, timing), Some("udp thread"));
        udp.stamp.store(4000, Ordering::Relaxed);
        assert_eq!(dog.stale(5000, timing), None);
    }

    #[test]
    fn without_systemd_nothing_is_timed() {
        let dog = Arc::new(Watchdog::new(None));
        let heart = dog.heart("udp thread");
        assert_eq!(heart.idle_wait(), None);
        heart.beat();
        heart.beat_and_check();
    }
}
