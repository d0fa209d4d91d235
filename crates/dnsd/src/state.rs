//! What every part of the running service shares: the policy in force, the cache, the
//! upstreams, the journal and the counters.
//!
//! The policy sits behind an `ArcSwap`: a query loads one `Arc<Generation>` at its start and
//! decides everything with it, so a reload swaps the whole policy between two queries and no
//! query is ever answered half by the old policy and half by the new one.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicI64, AtomicU8, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use arc_swap::ArcSwap;
use vigie_policy::{Policy, Reason, Settings, Verdict};

use crate::dns::cache::Cache;
use crate::dns::network::Offer;
use crate::dns::upstream::Upstream;
use crate::journal::Journal;
use crate::probe::Probe;

/// The shipped list of encrypted-DNS services, which a pause never lifts.
const BYPASS_LIST: &str = "dns-bypass";

/// One loaded policy and its number (the SOA serial of blocked answers).
#[derive(Debug)]
pub(crate) struct Generation {
    pub(crate) number: u32,
    pub(crate) policy: Policy,
}

/// Command-line flags that override `settings.toml`.
#[derive(Debug, Clone, Default)]
pub(crate) struct Overrides {
    pub(crate) listen: Vec<SocketAddr>,
    pub(crate) upstream: Vec<SocketAddr>,
    pub(crate) block_page: Option<SocketAddr>,
}

impl Overrides {
    /// Settings with the flags applied.
    pub(crate) fn apply(&self, mut s: Settings) -> Settings {
        if !self.listen.is_empty() {
            s.listen = self.listen.clone();
        }
        if !self.upstream.is_empty() {
            s.upstreams = crate::dns::upstream::plain(&self.upstream);
        }
        if let Some(page) = self.block_page {
            s.block_page = page;
        }
        s
    }
}

/// Counters for status; relaxed atomics, read rarely.
#[derive(Debug, Default)]
pub(crate) struct Stats {
    pub(crate) queries: AtomicU64,
    pub(crate) blocked: AtomicU64,
    pub(crate) special: AtomicU64,
    pub(crate) cache_hits: AtomicU64,
    pub(crate) forwarded: AtomicU64,
    pub(crate) servfail: AtomicU64,
    pub(crate) malformed: AtomicU64,
    /// Answers served from the stale cache because no upstream answered (RFC 8767).
    pub(crate) stale: AtomicU64,
    /// The last upstream lookup, an [`UpstreamHealth`].
    upstream: AtomicU8,
}

/// How the last upstream lookup went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum UpstreamHealth {
    /// No lookup has gone upstream yet.
    Unknown = 0,
    Answered = 1,
    Failed = 2,
}

impl Stats {
    pub(crate) fn bump(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }

    /// Records how the last upstream lookup went.
    pub(crate) fn upstream_health(&self, health: UpstreamHealth) {
        self.upstream.store(health as u8, Ordering::Relaxed);
    }

    /// How the last upstream lookup went.
    pub(crate) fn last_upstream(&self) -> UpstreamHealth {
        match self.upstream.load(Ordering::Relaxed) {
            1 => UpstreamHealth::Answered,
            2 => UpstreamHealth::Failed,
            _ => UpstreamHealth::Unknown,
        }
    }
}

/// The outcome of the last reload, for status.
#[derive(Debug, Default, Clone)]
pub(crate) struct ReloadState {
    /// The problems that kept the last attempted reload from taking effect.
    pub(crate) last_error: Option<String>,
    /// The same problems as a message (id and arguments), for the console.
    pub(crate) last_error_message: Option<vigie_policy::Message>,
    /// Warnings of the policy in force.
    pub(crate) warnings: Vec<String>,
}

/// The service's shared state.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) generation: ArcSwap<Generation>,
    pub(crate) cache: Cache,
    pub(crate) upstream: ArcSwap<Upstream>,
    pub(crate) journal: Journal,
    pub(crate) stats: Stats,
    pub(crate) reload: Mutex<ReloadState>,
    /// Held by a reload from reading the files to swapping the policy in, so that two reloads
    /// (the API's and the file watcher's) cannot overlap and leave the older read in force.
    pub(crate) reloading: tokio::sync::Mutex<()>,
    pub(crate) overrides: Overrides,
    pub(crate) started: Instant,
    /// Unix time at which a parent's pause ends, as the parent was told; 0 when protection is on.
    pub(crate) paused_until: AtomicI64,
    /// When the pause ends on the boot clock (milliseconds), which decides: setting the wall
    /// clock back cannot lengthen a pause, and sleep counts.
    pub(crate) pause_ends_ms: AtomicU64,
    /// Whether the computer's own lookups reach this service.
    pub(crate) probe: Arc<Probe>,
    /// What the network offers, and since when (boot clock).
    pub(crate) network: Mutex<(Offer, std::time::Duration)>,
    /// Popular cached answers to refresh before they end (see `dns::cache`); bounded, and a
    /// full queue only means one refresh fewer.
    pub(crate) refresh: tokio::sync::mpsc::Sender<Box<crate::dns::pipeline::Pending>>,
    /// Who sent blocked queries (see `owner`).
    pub(crate) owners: Arc<crate::owner::Owners>,
    /// Bumped when what the notice stream's status events show may have changed (a pause
    /// starts or ends, a reload); each stream then compares and tells its listener.
    pub(crate) changes: tokio::sync::watch::Sender<u64>,
    /// The list feeds: their kept copies and how their checks go (see `feeds`).
    pub(crate) feeds: crate::feeds::Feeds,
}

impl Shared {
    /// Puts the upstreams for `chosen` (a parent's choice; empty: the network's) and the
    /// network's current offer in force. Queries in flight finish with the servers they began
    /// with; servers that stay keep their connections and health.
    pub(crate) fn use_upstreams(&self, chosen: &[vigie_policy::Upstream]) -> anyhow::Result<()> {
        let offer = self.network.lock().expect("network offer").0.clone();
        let old = self.upstream.load_full();
        let new = Upstream::new(chosen, &offer, Some(&old))?;
        self.upstream.store(Arc::new(new));
        Ok(())
    }

    /// A new offer from the network: in force at once.
    pub(crate) fn network_changed(&self, offer: Offer) {
        let servers = offer
            .servers
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>();
        tracing::info!(
            source = offer.source.map_or("none", |m| m.id()),
            "the network's DNS servers: {}",
            if servers.is_empty() {
                "none".to_string()
            } else {
                servers.join(", ")
            }
        );
        *self.network.lock().expect("network offer") = (offer, crate::clock::since_boot());
        let chosen = self.current().policy.settings.upstreams.clone();
        if let Err(e) = self.use_upstreams(&chosen) {
            tracing::warn!("the network's DNS servers are not used: {e:#}");
        }
    }

    /// The policy in force.
    pub(crate) fn current(&self) -> Arc<Generation> {
        self.generation.load_full()
    }

    /// The policy's verdict for `name`, with a parent's pause applied: the one place where a
    /// pause lets blocked names through. It never touches special names, nor the DNS-bypass
    /// list: a paused half hour must not be enough to set up DNS over HTTPS for good.
    pub(crate) fn verdict<'p>(&self, policy: &'p Policy, name: &str) -> Verdict<'p> {
        self.decide(policy, name).0
    }

    /// [`Shared::verdict`], with the block a pause lifted, if it lifted one (so that the
    /// lookup is journaled as opened during a pause).
    pub(crate) fn decide<'p>(
        &self,
        policy: &'p Policy,
        name: &str,
    ) -> (Verdict<'p>, Option<Reason<'p>>) {
        match policy.verdict(name) {
            Verdict::Blocked(reason) if &*reason.list.id != BYPASS_LIST && self.paused() => {
                (Verdict::Unlisted, Some(reason))
            }
            verdict => (verdict, None),
        }
    }

    /// Whether a parent paused protection and the pause has not run out. It is read only for
    /// names that would be blocked, so allowed lookups never pay for the clock.
    pub(crate) fn paused(&self) -> bool {
        let ends = self.pause_ends_ms.load(Ordering::Relaxed);
        ends != 0 && (crate::clock::since_boot().as_millis() as u64) < ends
    }

    /// How long the pause still runs, if one is running.
    pub(crate) fn pause_left(&self) -> Option<std::time::Duration> {
        let ends = self.pause_ends_ms.load(Ordering::Relaxed);
        let now = crate::clock::since_boot().as_millis() as u64;
        (ends != 0 && now < ends).then(|| std::time::Duration::from_millis(ends - now))
    }

    /// When the pause ends, if one is running.
    pub(crate) fn paused_until(&self) -> Option<time::OffsetDateTime> {
        let until = self.paused_until.load(Ordering::Relaxed);
        self.paused()
            .then(|| time::OffsetDateTime::from_unix_timestamp(until).ok())
            .flatten()
    }

    /// Starts a pause of `length` (shown as ending at `until`), or ends it (`None`).
    pub(crate) fn pause(&self, pause: Option<(std::time::Duration, time::OffsetDateTime)>) {
        match pause {
            Some((length, until)) => {
                self.paused_until
                    .store(until.unix_timestamp(), Ordering::Relaxed);
                let ends = crate::clock::since_boot() + length;
                self.pause_ends_ms
                    .store(ends.as_millis() as u64, Ordering::Relaxed);
            }
            None => {
                self.pause_ends_ms.store(0, Ordering::Relaxed);
                self.paused_until.store(0, Ordering::Relaxed);
            }
        }
        self.status_changed();
    }

    /// Tells the notice streams that protection may have changed (see [`Shared::changes`]).
    pub(crate) fn status_changed(&self) {
        self.changes.send_modify(|n| *n = n.wrapping_add(1));
    }
}
