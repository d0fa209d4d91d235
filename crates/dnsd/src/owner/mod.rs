//! Who on this computer made a blocked lookup: the account (uid and name) and, where the
//! system tells, the program, found from the socket that sent the query.
//!
//! Only blocked queries are looked up (an attempt is what a parent reads), and only those from
//! this computer (a loopback source, or one of this computer's own addresses, which is what a
//! query redirected by the nftables rules carries). The kernel's socket diagnostics give the
//! sending socket's owner and inode (`diag`); `/proc` gives the program that holds the inode
//! (`procfs`).
//!
//! The lookup must happen while the sender's socket is still open, and a resolver library
//! closes it as soon as it has its answer: looked up after answering, most senders would be
//! gone. So a blocked answer to a sender not seen in the last [`REMEMBER`] waits for the lookup,
//! at most [`HOLD`], on the blocking pool; every other answer (allowed, cached, special, and
//! blocked ones whose sender is remembered) goes out as before, and the DNS threads never wait.
//! At most [`LOOKUPS`] run at once, so a flood of blocked queries from new ports costs a
//! bounded amount: past it the attempt says "this computer" unlooked-up, and the answer is
//! not held.
//!
//! Where the account cannot be known the entry says "this computer", never a guess: the query
//! came through a stub resolver that asks on everyone's behalf (systemd-resolved, dnsmasq…, see
//! [`stub`]), the socket closed before the lookup, or two accounts share the sending port.

mod diag;
mod procfs;

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use tokio::sync::Semaphore;

use diag::Found;
pub(crate) use diag::Proto;

/// How long a blocked answer may wait for its sender's lookup. A person does not notice 50 ms on
/// a page that fails anyway; the lookup itself usually takes well under a millisecond, and the
/// walk through `/proc` stops at this deadline.
pub(crate) const HOLD: Duration = Duration::from_millis(50);
/// How long a sender (protocol, address, port) is remembered: a resolver library sends A and
/// AAAA from one socket, a browser retries; after this the port may belong to someone else.
pub(crate) const REMEMBER: Duration = Duration::from_secs(2);
/// Lookups running at once.
const LOOKUPS: usize = 8;
/// Senders remembered at once.
const SENDERS: usize = 1024;
/// How long this computer's own addresses are trusted before they are read again.
const ADDRESSES_FOR: Duration = Duration::from_secs(10);
/// Processes remembered per account as where its lookups came from last.
const HINTS: usize = 4;

/// An account of this computer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Account {
    pub(crate) uid: u32,
    /// The login name (`lea`), or the uid in digits when the system has no entry for it.
    pub(crate) name: String,
    /// The person's name from the account's entry (`Léa`), where it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) full_name: Option<String>,
}

impl Account {
    /// The account with this uid, named from the system's user database; the uid in digits
    /// when the system has no entry for it.
    pub(crate) fn of_uid(uid: u32) -> Account {
        let (name, full_name) =
            procfs::account_names(uid).unwrap_or_else(|| (uid.to_string(), None));
        Account {
            uid,
            name,
            full_name,
        }
    }

    /// The same account in the API's words.
    pub(crate) fn into_api(self) -> vigie_localapi::Account {
        vigie_localapi::Account {
            uid: self.uid,
            name: self.name,
            full_name: self.full_name,
        }
    }

    /// How a person is named in a notice: the full name, else the login name.
    pub(crate) fn label(&self) -> &str {
        self.full_name.as_deref().unwrap_or(&self.name)
    }
}

/// Who on this computer made a lookup, as far as the system tells. Having one at all means the
/// query came from this computer; with no account it is "this computer".
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Owner {
    pub(crate) account: Option<Account>,
    /// The program's name (`firefox-esr`), where the service may see it.
    pub(crate) program: Option<String>,
    /// The stub resolver the query came through (`systemd-resolved`): it asks for everyone,
    /// so it hides who did.
    pub(crate) via: Option<String>,
}

/// The stub resolvers known by program name (as the executable or `comm` names it) and by
/// the account they run as, with the name an entry gives them. A socket of one of these
/// accounts, or held by one of these programs, is a stub asking for someone it does not name.
///
/// Root is not a stub: a root-owned socket is an administrator's own lookup (`sudo apt`), and
/// the entry says root, unless the program holding it is one of these. `nobody` is not a stub
/// account either (it is not used by people, but a stub running as `nobody` is told by its
/// program); see docs/attribution.md.
const STUBS: &[(&str, &str)] = &[
    ("systemd-resolved", "systemd-resolved"),
    // `comm` keeps 15 bytes, and systemd-resolved's account is spelled so.
    ("systemd-resolve", "systemd-resolved"),
    ("dnsmasq", "dnsmasq"),
    ("unbound", "unbound"),
    ("named", "named"),
    ("bind", "named"),
    ("nscd", "nscd"),
    ("stubby", "stubby"),
    ("dnscrypt-proxy", "dnscrypt-proxy"),
    ("_dnscrypt-proxy", "dnscrypt-proxy"),
    ("pdns_recursor", "pdns-recursor"),
    ("pdns", "pdns-recursor"),
    ("kresd", "knot-resolver"),
    ("knot-resolver", "knot-resolver"),
];

/// The stub's name when `program` or `account` is a stub resolver's.
pub(crate) fn stub(program: Option<&str>, account: Option<&str>) -> Option<&'static str> {
    let known = |name: &str| STUBS.iter().find(|(n, _)| *n == name).map(|(_, s)| *s);
    program.and_then(known).or_else(|| account.and_then(known))
}

/// What is known of a sender without any system call.
#[derive(Debug)]
pub(crate) enum Known {
    /// Not this computer: another device, no account to look for.
    Elsewhere,
    /// Looked up within [`REMEMBER`].
    Remembered(Arc<Owner>),
    /// Needs a lookup.
    Ask,
}

/// The service's lookups of senders, shared by the DNS front ends.
#[derive(Debug)]
pub(crate) struct Owners {
    senders: quick_cache::sync::Cache<(Proto, SocketAddr), (Instant, Arc<Owner>)>,
    /// Per account, the processes its lookups came from last, looked at first next time.
    hints: Mutex<HashMap<u32, Vec<u32>>>,
    /// This computer's own addresses and when they were read.
    addresses: Mutex<Option<(Instant, Vec<IpAddr>)>>,
    lookups: Arc<Semaphore>,
}

impl Default for Owners {
    fn default() -> Self {
        Owners {
            senders: quick_cache::sync::Cache::new(SENDERS),
            hints: Mutex::new(HashMap::new()),
            addresses: Mutex::new(None),
            lookups: Arc::new(Semaphore::new(LOOKUPS)),
        }
    }
}

impl Owners {
    /// What is known of `peer` now, without a system call: the DNS threads ask this inline.
    pub(crate) fn known(&self, proto: Proto, peer: SocketAddr) -> Known {
        if !peer.ip().is_loopback() {
            let addresses = self
                .addresses
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            match &*addresses {
                Some((at, list)) if at.elapsed() < ADDRESSES_FOR => {
                    if !list.contains(&unmapped(peer.ip())) {
                        return Known::Elsewhere;
                    }
                }
                // Stale: the lookup reads them again.
                _ => return Known::Ask,
            }
        }
        match self.senders.get(&(proto, peer)) {
            Some((at, owner)) if at.elapsed() < REMEMBER => Known::Remembered(owner),
            _ => Known::Ask,
        }
    }

    /// Who sent the blocked query from `peer` to `server`, waiting at most [`HOLD`]; `None`
    /// when it did not come from this computer.
    pub(crate) async fn owner(
        self: &Arc<Self>,
        proto: Proto,
        peer: SocketAddr,
        server: SocketAddr,
    ) -> Option<Arc<Owner>> {
        let unknown = || peer.ip().is_loopback().then(|| Arc::new(Owner::default()));
        match self.known(proto, peer) {
            Known::Elsewhere => return None,
            Known::Remembered(owner) => return Some(owner),
            Known::Ask => {}
        }
        // Past the bound the attempt is journaled unlooked-up, and the answer is not held.
        let Ok(permit) = Arc::clone(&self.lookups).try_acquire_owned() else {
            return unknown();
        };
        let owners = Arc::clone(self);
        let deadline = Instant::now() + HOLD;
        let lookup = tokio::task::spawn_blocking(move || {
            let _permit = permit;
            owners.look_up(proto, peer, server, deadline)
        });
        match tokio::time::timeout(HOLD + Duration::from_millis(10), lookup).await {
            Ok(Ok(found)) => found,
            _ => unknown(),
        }
    }

    /// Who holds the client end of a TCP connection from `peer` to `server`, for sharing out
    /// TCP places: `None` when it comes from another device, `Some(None)` when it is this
    /// computer's but the kernel does not tell whose. One netlink dump: call it off the
    /// runtime's threads.
    pub(crate) fn tcp_client(&self, peer: SocketAddr, server: SocketAddr) -> Option<Option<u32>> {
        if !peer.ip().is_loopback() && !self.is_this_computer(peer.ip()) {
            return None;
        }
        match diag::sender(Proto::Tcp, peer, server) {
            Ok(Found::One(sender)) => Some(Some(sender.uid)),
            Ok(Found::None | Found::Ambiguous) => Some(None),
            Err(e) => {
                tracing::debug!(error = %e, "socket diagnostics failed");
                Some(None)
            }
        }
    }

    /// The lookup itself, on the blocking pool.
    fn look_up(
        &self,
        proto: Proto,
        peer: SocketAddr,
        server: SocketAddr,
        deadline: Instant,
    ) -> Option<Arc<Owner>> {
        if !peer.ip().is_loopback() && !self.is_this_computer(peer.ip()) {
            return None;
        }
        let owner = match diag::sender(proto, peer, server) {
            Ok(Found::One(sender)) => self.describe(sender, deadline),
            Ok(Found::None | Found::Ambiguous) => Owner::default(),
            Err(e) => {
                tracing::debug!(error = %e, "socket diagnostics failed");
                Owner::default()
            }
        };
        let owner = Arc::new(owner);
        self.senders
            .insert((proto, peer), (Instant::now(), Arc::clone(&owner)));
        Some(owner)
    }

    /// The account and program behind a sending socket, or the stub it is.
    fn describe(&self, sender: diag::Sender, deadline: Instant) -> Owner {
        let names = procfs::account_names(sender.uid);
        let hints = self
            .hints
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&sender.uid)
            .cloned()
            .unwrap_or_default();
        let pid = procfs::holder(sender.inode, sender.uid, &hints, deadline);
        let program = pid.and_then(procfs::program);
        if let Some(pid) = pid {
            let mut all = self.hints.lock().unwrap_or_else(PoisonError::into_inner);
            if all.len() >= SENDERS && !all.contains_key(&sender.uid) {
                all.clear();
            }
            let mine = all.entry(sender.uid).or_default();
            mine.retain(|&p| p != pid);
            mine.insert(0, pid);
            mine.truncate(HINTS);
        }
        if let Some(via) = stub(
            program.as_deref(),
            names.as_ref().map(|(name, _)| name.as_str()),
        ) {
            return Owner {
                account: None,
                program: None,
                via: Some(via.to_owned()),
            };
        }
        let (name, full_name) = names.unwrap_or_else(|| (sender.uid.to_string(), None));
        Owner {
            account: Some(Account {
                uid: sender.uid,
                name,
                full_name,
            }),
            program,
            via: None,
        }
    }

    /// Whether `ip` is one of this computer's addresses, read again when stale.
    fn is_this_computer(&self, ip: IpAddr) -> bool {
        let mut addresses = self
            .addresses
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let fresh = addresses
            .as_ref()
            .is_some_and(|(at, _)| at.elapsed() < ADDRESSES_FOR);
        if !fresh {
            let list = nix::ifaddrs::getifaddrs()
                .map(|all| {
                    all.filter_map(|a| {
                        let a = a.address?;
                        a.as_sockaddr_in()
                            .map(|v4| IpAddr::V4(v4.ip()))
                            .or_else(|| a.as_sockaddr_in6().map(|v6| IpAddr::V6(v6.ip())))
                    })
                    .collect()
                })
                .unwrap_or_default();
            *addresses = Some((Instant::now(), list));
        }
        addresses
            .as_ref()
            .is_some_and(|(_, list)| list.contains(&unmapped(ip)))
    }
}

fn unmapped(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stubs_are_told_by_program_first_then_by_account() {
        assert_eq!(
            stub(Some("systemd-resolve"), None),
            Some("systemd-resolved")
        );
        assert_eq!(
            stub(None, Some("systemd-resolve")),
            Some("systemd-resolved")
        );
        assert_eq!(stub(Some("dnsmasq"), Some("nobody")), Some("dnsmasq"));
        // Root's own lookups and a browser's are people's, not a stub's.
        assert_eq!(stub(Some("apt"), Some("root")), None);
        assert_eq!(stub(Some("firefox-esr"), Some("lea")), None);
        assert_eq!(stub(None, Some("nobody")), None);
    }

    #[test]
    fn a_socket_of_this_process_is_found_with_its_account_and_program() {
        let socket = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        let peer = socket.local_addr().unwrap();
        let server: SocketAddr = "127.0.0.1:53".parse().unwrap();
        let owners = Owners::default();
        let owner = owners
            .look_up(
                Proto::Udp,
                peer,
                server,
                Instant::now() + Duration::from_secs(5),
            )
            .expect("loopback is this computer");
        let uid = rustix::process::getuid().as_raw();
        let account = owner.account.as_ref().expect("an account");
        assert_eq!(account.uid, uid);
        let exe = std::env::current_exe().unwrap();
        let name = exe.file_name().unwrap().to_str().unwrap();
        assert_eq!(owner.program.as_deref(), Some(name));
        assert!(matches!(
            owners.known(Proto::Udp, peer),
            Known::Remembered(_)
        ));
        drop(socket);
        // A closed socket has no owner left to tell: "this computer", never a guess.
        let gone = owners
            .look_up(
                Proto::Tcp,
                peer,
                server,
                Instant::now() + Duration::from_secs(5),
            )
            .unwrap();
        assert_eq!(*gone, Owner::default());
    }
}
