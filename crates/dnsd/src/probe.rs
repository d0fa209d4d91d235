//! Whether this computer's own lookups really reach Vigie (`system_dns_ok` in status).
//!
//! Listening on 127.0.0.1:53 proves nothing about the rest of the computer: another program may
//! own DNS, NetworkManager may have rewritten `/etc/resolv.conf`, systemd-resolved may send
//! names elsewhere. So the service looks up a name nobody else could ask for
//! (`p<random>.vigie-probe.test`) the way every program does (the C library's resolver, through
//! whatever `/etc/nsswitch.conf` and `/etc/resolv.conf` say), and checks that the pipeline saw
//! that very name. Probe names are answered NXDOMAIN by the pipeline and never forwarded.
//!
//! Only the installed service probes (`--probe-system-dns`): a service on a test port is not the
//! computer's resolver, and its probe would go to whatever resolver the computer uses.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicI64, AtomicU8, Ordering};
use std::time::Duration;

/// Names under these zones are probes. Besides the reserved `.test`, one under each of several
/// real endings: a network connection may route one ending to its own DNS server (a routing
/// domain `~com` added through NetworkManager, say), and every name there would skip Vigie while
/// a `.test` probe still reached it. These names are answered by Vigie and never forwarded, so a
/// real site by that name could not be reached on this computer; the names are chosen to be
/// nobody's.
pub(crate) const ZONES: [&str; 6] = [
    "vigie-probe.test",
    "vigie-dns-probe.com",
    "vigie-dns-probe.net",
    "vigie-dns-probe.org",
    "vigie-dns-probe.fr",
    "vigie-dns-probe.de",
];
/// How long a lookup may take before the answer counts as "not through Vigie".
const LOOKUP_LIMIT: Duration = Duration::from_secs(4);
/// How often the background check runs.
pub(crate) const INTERVAL: Duration = Duration::from_secs(60);
/// After a miss the next check comes this soon, then twice as late each time up to
/// [`INTERVAL`]: DNS may have been changing under the check (the installer restarts
/// systemd-resolved right after starting Vigie), and a parent reading status then should not
/// see a false warning for a whole minute.
const RETRY: Duration = Duration::from_secs(5);
/// A status request runs a fresh check when the last one is older than this.
const FRESH: Duration = Duration::from_secs(15);

/// What the last check found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reach {
    /// No check has finished yet.
    Unknown = 0,
    /// The probe name reached Vigie.
    Reached = 1,
    /// It did not: the computer's lookups go somewhere else.
    Missed = 2,
}

/// The probe's state, shared with the pipeline.
#[derive(Debug, Default)]
pub(crate) struct Probe {
    enabled: bool,
    /// Probe names being looked up, and whether the pipeline saw each.
    pending: Mutex<HashMap<String, bool>>,
    /// The last [`Reach`], as a byte.
    result: AtomicU8,
    /// Unix time of the last finished check.
    checked_at: AtomicI64,
    /// The last result as [`Probe::result`] gives it, for the notice stream's status events.
    seen: tokio::sync::watch::Sender<Option<bool>>,
}

impl Probe {
    pub(crate) fn new(enabled: bool) -> Probe {
        Probe {
            enabled,
            ..Probe::default()
        }
    }

    /// Whether `name` (normalized) is a probe name; marks it seen if it is one being waited for.
    pub(crate) fn saw(&self, name: &str) -> bool {
        let is_probe = ZONES.iter().any(|zone| {
            name.strip_suffix(zone)
                .is_some_and(|head| head.ends_with('.'))
        });
        if is_probe && let Some(seen) = self.pending.lock().expect("probe state").get_mut(name) {
            *seen = true;
        }
        is_probe
    }

    /// Changes of [`Probe::result`].
    pub(crate) fn subscribe(&self) -> tokio::sync::watch::Receiver<Option<bool>> {
        self.seen.subscribe()
    }

    /// The last result, `None` when not probing or not known yet.
    pub(crate) fn result(&self) -> Option<bool> {
        match self.reach() {
            Reach::Reached => Some(true),
            Reach::Missed => Some(false),
            Reach::Unknown => None,
        }
    }

    fn reach(&self) -> Reach {
        match self.result.load(Ordering::Relaxed) {
            r if r == Reach::Reached as u8 => Reach::Reached,
            r if r == Reach::Missed as u8 => Reach::Missed,
            _ => Reach::Unknown,
        }
    }

    /// A fresh result, checking again when the last one is old (never for a service that does
    /// not probe).
    pub(crate) async fn current(&self) -> Option<bool> {
        if !self.enabled {
            return None;
        }
        let age = now() - self.checked_at.load(Ordering::Relaxed);
        if age > FRESH.as_secs() as i64 {
            self.check().await;
        }
        self.result()
    }

    /// One check: looks a new name up through the system resolver and records whether it
    /// reached this service.
    pub(crate) async fn check(&self) -> bool {
        let mut random = [0u8; 8];
        rand::fill(&mut random);
        let hex: String = random.iter().map(|b| format!("{b:02x}")).collect();
        let names: Vec<String> = ZONES.iter().map(|zone| format!("p{hex}.{zone}")).collect();
        {
            let mut pending = self.pending.lock().expect("probe state");
            for name in &names {
                pending.insert(name.clone(), false);
            }
        }
        // The C library's resolver blocks; the answer itself does not matter (it is NXDOMAIN
        // when it comes from Vigie), only whether Vigie saw the question. All at once, so a
        // check takes one lookup's time.
        let lookups = names.iter().cloned().map(|lookup| {
            tokio::task::spawn_blocking(move || {
                std::net::ToSocketAddrs::to_socket_addrs(&(lookup.as_str(), 0))
            })
        });
        let _ = tokio::time::timeout(LOOKUP_LIMIT, futures_util::future::join_all(lookups)).await;
        let missed: Vec<String> = {
            let mut pending = self.pending.lock().expect("probe state");
            names
                .iter()
                .filter(|name| !pending.remove(*name).unwrap_or(false))
                .cloned()
                .collect()
        };
        let seen = missed.is_empty();
        let reach = if seen { Reach::Reached } else { Reach::Missed };
        self.result.store(reach as u8, Ordering::Relaxed);
        self.checked_at.store(now(), Ordering::Relaxed);
        self.seen.send_if_modified(|last| {
            let changed = *last != Some(seen);
            *last = Some(seen);
            changed
        });
        if !seen {
            tracing::warn!(
                "some of this computer's own lookups do not reach Vigie ({} not seen): check /etc/resolv.conf and the network's DNS settings, or run `vigie install` again",
                missed.join(", ")
            );
        }
        seen
    }

    /// Checks now and then until `stop`.
    pub(crate) async fn run(
        self: std::sync::Arc<Self>,
        mut stop: tokio::sync::watch::Receiver<bool>,
    ) {
        // Let the listeners settle and the system resolver pick Vigie up.
        let mut wait = Duration::from_secs(2);
        loop {
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                _ = stop.changed() => return,
            }
            wait = if self.check().await {
                INTERVAL
            } else {
                (wait * 2).clamp(RETRY, INTERVAL)
            };
        }
    }
}

fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_names_under_the_zone_are_probes() {
        let p = Probe::new(true);
        p.pending
            .lock()
            .unwrap()
            .insert("pab.vigie-probe.test".into(), false);
        assert!(p.saw("pab.vigie-probe.test"));
        assert!(p.pending.lock().unwrap()["pab.vigie-probe.test"]);
        assert!(p.saw("pab.vigie-dns-probe.com"), "under a real ending too");
        assert!(!p.saw("vigie-dns-probe.com"));
        assert!(!p.saw("xvigie-dns-probe.com"));
        assert!(p.saw("other.vigie-probe.test"));
        assert!(!p.saw("vigie-probe.test"));
        assert!(!p.saw("xvigie-probe.test"));
        assert!(!p.saw("omegle.com"));
    }
}
