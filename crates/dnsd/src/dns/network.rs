//! The DNS servers the current network hands out, as the computer's network manager learns them.
//!
//! "This computer's usual DNS" is not the resolvers in use when Vigie was installed: a laptop
//! that moves from home to school gets other servers, and the home router's address means
//! nothing there. Each network manager writes the servers it learned to a file of its own, in
//! resolv.conf form, and rewrites it when the network changes:
//!
//! - systemd-resolved: `/run/systemd/resolve/resolv.conf` (the links' servers, not its stub);
//! - NetworkManager: `/run/NetworkManager/no-stub-resolv.conf` (written even though Vigie's
//!   install tells it to leave `/etc/resolv.conf` alone);
//! - dhclient: Vigie's hook writes the lease's servers to [`DHCLIENT_FILE`];
//! - a static set-up: the `/etc/resolv.conf` saved when Vigie was installed;
//! - last, `/etc/resolv.conf` itself, which names the computer's resolvers when Vigie is not
//!   installed (`run --dev`), and only Vigie (left out, see below) when it is.
//!
//! The first source that names a usable server wins. Vigie's own addresses and every loopback
//! address are left out: a loopback server is a stub (systemd-resolved's 127.0.0.53, a
//! NetworkManager dnsmasq on 127.0.1.1) that forwards to Vigie, so asking it would loop.
//!
//! With systemd-resolved, the offer also carries the domains a link routes to its own servers (a
//! VPN's), read from resolved over D-Bus ([`super::links`]).
//!
//! [`follow`] watches the sources' folders (the managers replace the files by renaming), so a
//! change applies within a few milliseconds; a slow re-read every [`RECHECK`] is the safety net,
//! and picks up a folder that appears later (NetworkManager started after Vigie).

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use notify::{RecursiveMode, Watcher};
use tokio::sync::{mpsc, watch};

/// Where Vigie's dhclient hook writes the servers of the current lease.
pub(crate) const DHCLIENT_FILE: &str = "/run/vigie-network/resolv.conf";
/// The copy of `/etc/resolv.conf` taken at install, for computers whose DNS is written by hand.
pub(crate) const SAVED_FILE: &str = "/var/lib/vigie/resolv.conf.before-vigie";

/// Quiet time after a file event before the sources are read again.
const DEBOUNCE: Duration = Duration::from_millis(50);
/// How often the sources are read again without any event.
const RECHECK: Duration = Duration::from_secs(30);
/// After a change, when systemd-resolved's link routes are read once more (see [`follow`]).
const ROUTES_AGAIN: Duration = Duration::from_secs(2);

/// Which file, written by whom, the network's servers were read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Source {
    Resolved,
    NetworkManager,
    Dhclient,
    /// The resolv.conf saved at install.
    Saved,
    /// `/etc/resolv.conf` as it is (useful when Vigie is not installed).
    ResolvConf,
    /// A file named on the command line (`--network-dns-from`).
    Given,
}

impl Source {
    /// Its name in status.
    pub(crate) fn id(self) -> &'static str {
        match self {
            Source::Resolved => "systemd-resolved",
            Source::NetworkManager => "NetworkManager",
            Source::Dhclient => "dhclient",
            Source::Saved => "saved-resolv-conf",
            Source::ResolvConf => "resolv-conf",
            Source::Given => "file",
        }
    }
}

/// The files to read, in order of preference.
#[derive(Debug, Clone)]
pub(crate) struct Sources {
    files: Vec<(Source, PathBuf)>,
}

/// What the network offers now.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Offer {
    /// Which manager said so; `None` when no source names a usable server.
    pub(crate) source: Option<Source>,
    /// The servers, on port 53, in the manager's order.
    pub(crate) servers: Vec<SocketAddr>,
    /// The domains that one link routes to its own servers (a VPN's), when systemd-resolved
    /// manages DNS: see [`super::links`].
    pub(crate) routes: Vec<super::links::Route>,
}

impl Offer {
    /// systemd-resolved's stub, when resolved is the one that named the servers: it manages DNS
    /// here and answers some names itself (see [`super::local_names`]).
    pub(crate) fn resolved_stub(&self) -> Option<SocketAddr> {
        (self.source == Some(Source::Resolved)).then_some(super::local_names::RESOLVED_STUB)
    }
}

impl Sources {
    /// The network managers' files on this computer.
    pub(crate) fn system() -> Sources {
        let mut files = vec![
            (
                Source::Resolved,
                PathBuf::from("/run/systemd/resolve/resolv.conf"),
            ),
            (
                Source::NetworkManager,
                PathBuf::from("/run/NetworkManager/no-stub-resolv.conf"),
            ),
            (Source::Dhclient, PathBuf::from(DHCLIENT_FILE)),
        ];
        // Installed, `/etc/resolv.conf` names only Vigie and gives nothing; not installed
        // (`run --dev`), it names the computer's resolvers.
        files.push((Source::Saved, PathBuf::from(SAVED_FILE)));
        files.push((Source::ResolvConf, PathBuf::from("/etc/resolv.conf")));
        Sources { files }
    }

    /// Only these files (tests, and set-ups that keep the network's servers elsewhere).
    pub(crate) fn given(paths: &[PathBuf]) -> Sources {
        Sources {
            files: paths.iter().map(|p| (Source::Given, p.clone())).collect(),
        }
    }

    /// What the network offers now, minus Vigie itself and loopback stubs.
    pub(crate) fn read(&self, listen: &[SocketAddr]) -> Offer {
        for (source, path) in &self.files {
            let Ok(text) = std::fs::read_to_string(path) else {
                continue;
            };
            let servers: Vec<SocketAddr> = nameservers(&text)
                .into_iter()
                .filter(|a| usable(*a, listen))
                .collect();
            if !servers.is_empty() {
                return Offer {
                    source: Some(*source),
                    servers,
                    routes: Vec::new(),
                };
            }
        }
        Offer::default()
    }

    /// The folders to watch: each source's parent, where it exists.
    fn folders(&self) -> Vec<PathBuf> {
        let mut out: Vec<PathBuf> = Vec::new();
        for (_, path) in &self.files {
            if let Some(dir) = path.parent()
                && dir.is_dir()
                && !out.iter().any(|d| d == dir)
            {
                out.push(dir.to_path_buf());
            }
        }
        out
    }
}

/// Whether Vigie may forward to `server`: not itself, not a loopback stub, not "any".
pub(crate) fn usable(server: SocketAddr, listen: &[SocketAddr]) -> bool {
    let ip = server.ip();
    !(ip.is_loopback() || ip.is_unspecified() || super::upstream::is_self(server, listen))
}

/// The `nameserver` lines of a resolv.conf, in order, without repeats.
fn nameservers(text: &str) -> Vec<SocketAddr> {
    let mut out: Vec<SocketAddr> = Vec::new();
    for line in text.lines() {
        let mut words = line.split_whitespace();
        if words.next() != Some("nameserver") {
            continue;
        }
        if let Some(addr) = words.next().and_then(super::upstream::nameserver)
            && !out.contains(&addr)
        {
            out.push(addr);
        }
    }
    out
}

/// Watches the sources until `stop` turns true, and sends each new offer (the first at once).
pub(crate) fn follow(
    sources: Sources,
    listen: Vec<SocketAddr>,
    offers: watch::Sender<Offer>,
    mut stop: watch::Receiver<bool>,
) {
    let (tx, mut rx) = mpsc::channel::<()>(16);
    let watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        if let Ok(event) = event
            && !event.kind.is_access()
        {
            let _ = tx.try_send(());
        }
    });
    let mut watcher = match watcher {
        Ok(w) => Some(w),
        Err(e) => {
            tracing::warn!("network changes are not watched, only re-read every {RECHECK:?}: {e}");
            None
        }
    };
    let mut watched: Vec<PathBuf> = Vec::new();
    // Folders that appear later (NetworkManager started after Vigie) are added at a re-read.
    let mut watch_new = move |sources: &Sources| {
        let Some(w) = watcher.as_mut() else { return };
        for dir in sources.folders() {
            if !watched.contains(&dir) && w.watch(&dir, RecursiveMode::NonRecursive).is_ok() {
                watched.push(dir);
            }
        }
    };
    watch_new(&sources);
    // Start-up does not wait on D-Bus: the files first, resolved's link routes a moment later.
    offers.send_replace(sources.read(&listen));
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(RECHECK);
        tick.tick().await;
        let mut routes: Vec<super::links::Route> = Vec::new();
        let mut first = true;
        // A link's servers and its domains reach resolved in two calls (NetworkManager sets one,
        // then the other), and only the servers change a file: the routes are read once more a
        // moment after each change.
        let mut again: Option<tokio::time::Instant> = None;
        loop {
            if !first {
                tokio::select! {
                    _ = stop.changed() => return,
                    got = rx.recv() => {
                        if got.is_none() { return }
                        // Managers write in several steps; read once they are done.
                        tokio::time::sleep(DEBOUNCE).await;
                        while rx.try_recv().is_ok() {}
                        again = Some(tokio::time::Instant::now() + ROUTES_AGAIN);
                    }
                    () = sleep_until(again), if again.is_some() => again = None,
                    _ = tick.tick() => watch_new(&sources),
                }
            }
            first = false;
            let mut offer = sources.read(&listen);
            if offer.source == Some(Source::Resolved) {
                // Kept as they were when resolved does not answer this time.
                if let Some(now) = super::links::from_resolved(&listen).await {
                    routes = now;
                }
                offer.routes = routes.clone();
            }
            offers.send_if_modified(|current| {
                if *current == offer {
                    false
                } else {
                    *current = offer;
                    true
                }
            });
        }
    });
}

/// Waits until `at` (never, for `None`: the branch is then off).
async fn sleep_until(at: Option<tokio::time::Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}

/// A server's address as status shows it: without the port when it is 53.
pub(crate) fn show(server: SocketAddr) -> String {
    match (server.ip(), server.port()) {
        (IpAddr::V4(ip), 53) => ip.to_string(),
        (IpAddr::V6(ip), 53) => ip.to_string(),
        _ => server.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_source_with_a_usable_server_wins() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.conf");
        let b = dir.path().join("b.conf");
        let listen: Vec<SocketAddr> = vec!["127.0.0.1:53".parse().unwrap()];
        // The first names only Vigie and a stub: it offers nothing.
        std::fs::write(&a, "nameserver 127.0.0.1\nnameserver 127.0.0.53\n").unwrap();
        std::fs::write(
            &b,
            "nameserver 192.0.2.1\nnameserver 192.0.2.1\nnameserver ::1\n",
        )
        .unwrap();
        let sources = Sources::given(&[a.clone(), b.clone()]);
        let offer = sources.read(&listen);
        assert_eq!(offer.source, Some(Source::Given));
        assert_eq!(offer.servers, ["192.0.2.1:53".parse().unwrap()]);

        std::fs::write(&a, "# moved\nnameserver 198.51.100.7\n").unwrap();
        assert_eq!(
            sources.read(&listen).servers,
            ["198.51.100.7:53".parse().unwrap()]
        );

        std::fs::remove_file(&a).unwrap();
        std::fs::remove_file(&b).unwrap();
        assert_eq!(sources.read(&listen), Offer::default());
    }

    #[tokio::test]
    async fn a_rewritten_file_is_a_new_offer() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("resolv.conf");
        std::fs::write(&file, "nameserver 192.0.2.1\n").unwrap();
        let (tx, mut rx) = watch::channel(Offer::default());
        let (_stop_tx, stop) = watch::channel(false);
        follow(
            Sources::given(std::slice::from_ref(&file)),
            vec![],
            tx,
            stop,
        );
        assert_eq!(rx.borrow_and_update().servers.len(), 1);
        // Written as managers do: a temporary file renamed into place.
        let tmp = dir.path().join(".tmp");
        std::fs::write(&tmp, "nameserver 192.0.2.2\n").unwrap();
        std::fs::rename(&tmp, &file).unwrap();
        tokio::time::timeout(Duration::from_secs(5), rx.changed())
            .await
            .expect("a new offer within 5 s")
            .unwrap();
        assert_eq!(
            rx.borrow().servers,
            ["192.0.2.2:53".parse::<SocketAddr>().unwrap()]
        );
    }
}
