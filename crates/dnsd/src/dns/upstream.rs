//! Forwarding allowed lookups to the upstream resolvers, through hickory-resolver.
//!
//! Vigie forwards whole queries rather than resolving names itself. hickory speaks plain DNS,
//! DNS-over-TLS and DNS-over-HTTPS with the right TLS server name and retries over TCP when an
//! answer is truncated; Vigie keeps one hickory pool per server and chooses among them itself,
//! because it must know which server answered and which is silent, both to say so in status and
//! to stop waiting on a silent one:
//!
//! - the servers are tried in order of health (answering first, then the fastest);
//! - when the one asked has not answered within its usual time ([`hedge_after`]), the next is
//!   asked too, and the first answer wins: a server that drops packets costs a few hundred
//!   milliseconds, not the whole deadline;
//! - a parent's chosen servers come first; the network's own servers are asked only when all
//!   of the chosen ones fail (a hotel's Wi-Fi that lets no other DNS through until its login page
//!   is passed, or an outage), so that a family filter the parent chose is not bypassed while it
//!   works.
//!
//! Each lookup is bounded in time ([`DEADLINE`]): a child's browser should get an answer (stale
//! if need be, see the cache) or SERVFAIL quickly rather than hang when the network is down.

use std::collections::VecDeque;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{Context, Result, bail};
use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;
use hickory_proto::op::{DnsRequestOptions, Query, ResponseCode};
use hickory_proto::rr::{Name, RData, RecordType};
use hickory_resolver::config::{ConnectionConfig, NameServerConfig, ResolverOpts};
use hickory_resolver::net::runtime::TokioRuntimeProvider;
use hickory_resolver::net::{DnsError, DnsHandle, NetError};
use hickory_resolver::{NameServerPool, PoolContext, TlsConfig};
use tokio::time::Instant;
use vigie_policy::{Protocol, Upstream as UpstreamSetting};

use super::wire::Answer;
use crate::clock::since_boot;

/// Longest Vigie waits for an upstream answer before it answers from the stale cache or with
/// SERVFAIL (RFC 8767's "client response timer").
pub(crate) const DEADLINE: Duration = Duration::from_millis(1800);
/// Bounds of the wait before the next server is asked too.
const HEDGE_MIN: Duration = Duration::from_millis(150);
const HEDGE_MAX: Duration = Duration::from_millis(500);
/// A server's expected answer time before it has answered anything.
const FIRST_RTT_MS: u32 = 120;
/// Lookups in a row without an answer after which a server counts as failing (in status, and
/// asked after the others).
const FAILING_AFTER: u32 = 1;

/// Where a server's address came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    /// A parent's choice in settings, or `--upstream`.
    Chosen,
    /// Handed out by the network the computer is on.
    Network,
    /// A link's own server for the domains it routes (a VPN's), as systemd-resolved keeps them.
    Link,
}

/// How one server has been doing, on the boot clock.
#[derive(Debug, Clone, Default)]
pub(crate) struct Health {
    /// Smoothed answer time.
    pub(crate) rtt_ms: u32,
    pub(crate) last_answer: Option<Duration>,
    /// Lookups in a row that got nothing from it.
    pub(crate) misses: u32,
    /// The first of those lookups.
    pub(crate) failing_since: Option<Duration>,
    pub(crate) last_error: Option<String>,
}

impl Health {
    pub(crate) fn failing(&self) -> bool {
        self.misses >= FAILING_AFTER
    }
}

/// One upstream server and its health.
pub(crate) struct Server {
    pub(crate) setting: UpstreamSetting,
    pub(crate) role: Role,
    pool: NameServerPool<TokioRuntimeProvider>,
    health: Mutex<Health>,
}

impl Server {
    pub(crate) fn health(&self) -> Health {
        self.health.lock().expect("upstream health").clone()
    }

    pub(crate) fn describe(&self) -> String {
        describe(&self.setting)
    }

    fn answered(&self, took: Duration) {
        let mut h = self.health.lock().expect("upstream health");
        let sample = took.as_millis().min(u128::from(u32::MAX)) as u32;
        h.rtt_ms = if h.last_answer.is_none() {
            sample
        } else {
            (h.rtt_ms * 7 + sample) / 8
        };
        h.last_answer = Some(since_boot());
        h.misses = 0;
        h.failing_since = None;
        h.last_error = None;
    }

    fn missed(&self, why: &Failure) {
        let mut h = self.health.lock().expect("upstream health");
        if h.misses == 0 {
            h.failing_since = Some(since_boot());
        }
        h.misses = h.misses.saturating_add(1);
        h.last_error = Some(why.to_string());
    }

    /// How long to wait on this server before asking the next one too.
    fn hedge_after(&self) -> Duration {
        let h = self.health.lock().expect("upstream health");
        let rtt = if h.last_answer.is_some() {
            h.rtt_ms
        } else {
            FIRST_RTT_MS
        };
        (Duration::from_millis(u64::from(rtt)) * 3).clamp(HEDGE_MIN, HEDGE_MAX)
    }

    /// The order key: answering servers first, then the fastest.
    fn rank(&self) -> (u32, u32) {
        let h = self.health.lock().expect("upstream health");
        (h.misses.min(FAILING_AFTER), h.rtt_ms)
    }

    async fn ask(&self, query: Query, dnssec_ok: bool) -> Result<Answer, Failure> {
        let mut options = DnsRequestOptions::default();
        options.use_edns = true;
        options.edns_payload_len = super::wire::MAX_UDP;
        options.edns_set_dnssec_ok = dnssec_ok;
        options.recursion_desired = true;
        let result = {
            let mut stream = self.pool.lookup(query, options);
            match stream.next().await {
                None => return Err(Failure::Unreachable("no answer".into())),
                Some(result) => result,
            }
        };
        answer_of(result)
    }
}

/// The upstream resolvers: a parent's choice or the network's, in force until the next change.
#[derive(Clone)]
pub(crate) struct Upstream {
    /// Asked first, in order of health.
    first: Arc<[Arc<Server>]>,
    /// The network's servers when a parent chose others: asked when all of those fail.
    fallback: Arc<[Arc<Server>]>,
    /// systemd-resolved's stub, when resolved manages this computer's DNS: asked, and only it,
    /// for the names it answers itself (see [`super::local_names`]).
    stub: Option<Arc<Server>>,
    /// The domains a link routes to its own servers (a VPN's), with those servers: asked, in
    /// order, for the names under them (see [`super::links`]).
    routes: Arc<[(Name, Vec<Arc<Server>>)]>,
}

impl std::fmt::Debug for Upstream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Upstream")
            .field("servers", &self.describe())
            .finish()
    }
}

/// Why an upstream lookup gave no answer.
#[derive(Debug)]
pub(crate) enum Failure {
    Timeout,
    Unreachable(String),
    /// There is no server to ask: none chosen, and the network offers none.
    NoServer,
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Timeout => write!(f, "no answer within {DEADLINE:?}"),
            Failure::Unreachable(why) => f.write_str(why),
            Failure::NoServer => f.write_str("no DNS server is known"),
        }
    }
}

impl Upstream {
    /// The servers to use: `chosen` when a parent chose some, else the network's; with a choice,
    /// the network's servers are the fallback. A server already in `previous` keeps its pool
    /// and its health, so a change drops nothing that is in flight or learned. Must be called
    /// inside the tokio runtime.
    pub(crate) fn new(
        chosen: &[UpstreamSetting],
        offer: &super::network::Offer,
        previous: Option<&Upstream>,
    ) -> Result<Upstream> {
        let network = &offer.servers;
        let stub = offer.resolved_stub();
        let mut options = ResolverOpts::default();
        // hickory's own deadline sits just inside Vigie's, so it reports a timeout itself.
        options.timeout = DEADLINE - Duration::from_millis(100);
        options.attempts = 1;
        options.num_concurrent_reqs = 1;
        options.edns0 = true;
        options.case_randomization = false;
        let tls = TlsConfig::new().context("TLS for encrypted upstreams could not be set up")?;
        let cx = Arc::new(PoolContext::new(options, tls));
        let old: Vec<Arc<Server>> = previous
            .map(|p| {
                p.first
                    .iter()
                    .chain(p.fallback.iter())
                    .chain(p.routes.iter().flat_map(|(_, servers)| servers))
                    .cloned()
                    .collect()
            })
            .unwrap_or_default();
        let make = |setting: UpstreamSetting, role: Role| -> Arc<Server> {
            if let Some(s) = old.iter().find(|s| s.setting == setting && s.role == role) {
                return Arc::clone(s);
            }
            let pool = NameServerPool::from_config(
                [name_server_config(&setting)],
                Arc::clone(&cx),
                TokioRuntimeProvider::new(),
            );
            Arc::new(Server {
                setting,
                role,
                pool,
                health: Mutex::new(Health {
                    rtt_ms: FIRST_RTT_MS,
                    ..Health::default()
                }),
            })
        };
        let network: Vec<Arc<Server>> = plain(network)
            .into_iter()
            .map(|s| make(s, Role::Network))
            .collect();
        let stub = stub.map(|address| match previous.and_then(|p| p.stub.as_ref()) {
            Some(old) if old.setting.address == address => Arc::clone(old),
            _ => make(plain(&[address]).remove(0), Role::Network),
        });
        let routes: Arc<[(Name, Vec<Arc<Server>>)]> = offer
            .routes
            .iter()
            .map(|route| {
                let servers = plain(&route.servers)
                    .into_iter()
                    .map(|s| make(s, Role::Link))
                    .collect();
                (route.domain.clone(), servers)
            })
            .collect();
        Ok(if chosen.is_empty() {
            Upstream {
                first: network.into(),
                fallback: Arc::new([]),
                stub,
                routes,
            }
        } else {
            Upstream {
                first: chosen
                    .iter()
                    .map(|s| make(s.clone(), Role::Chosen))
                    .collect(),
                fallback: network
                    .into_iter()
                    .filter(|n| !chosen.iter().any(|c| c.address == n.setting.address))
                    .collect(),
                stub,
                routes,
            }
        })
    }

    /// Every server, the first-asked ones first, then the links' own (a VPN's).
    pub(crate) fn servers(&self) -> impl Iterator<Item = &Arc<Server>> {
        self.first
            .iter()
            .chain(self.fallback.iter())
            .chain(self.routes.iter().flat_map(|(_, servers)| servers))
    }

    /// Whether any server is known at all.
    pub(crate) fn is_empty(&self) -> bool {
        self.first.is_empty() && self.fallback.is_empty()
    }

    /// One line per server asked first, for the start-up banner and status.
    pub(crate) fn describe(&self) -> Vec<String> {
        self.first.iter().map(|s| s.describe()).collect()
    }

    /// Asks the servers as the module header says. A negative answer (NXDOMAIN, NODATA,
    /// REFUSED) is an answer, not a failure; only silence, SERVFAIL and broken transports are
    /// failures.
    pub(crate) async fn ask(&self, query: Query, dnssec_ok: bool) -> Result<Answer, Failure> {
        if let Some(stub) = &self.stub
            && super::local_names::answered_by_resolved(query.name())
        {
            return match tokio::time::timeout(DEADLINE, stub.ask(query, dnssec_ok)).await {
                Ok(result) => result,
                Err(_) => Err(Failure::Timeout),
            };
        }
        let ranked = |servers: &[Arc<Server>]| {
            let mut v: Vec<Arc<Server>> = servers.to_vec();
            v.sort_by_key(|s| s.rank());
            v
        };
        // A VPN's domain goes to the VPN's servers only, as resolved would send it: the general
        // servers do not know its private names.
        if let Some(servers) = super::links::route_for(&self.routes, query.name()) {
            return Self::ask_in_turn(ranked(servers).into(), VecDeque::new(), query, dnssec_ok)
                .await;
        }
        let mut queue: VecDeque<Arc<Server>> = ranked(&self.first).into();
        let mut reserve: VecDeque<Arc<Server>> = ranked(&self.fallback).into();
        // When every chosen server missed its last lookup, the network's are asked in turn
        // (after the chosen ones' usual time), not only once those have given up.
        if self.first.iter().all(|s| s.health().misses > 0) {
            queue.append(&mut reserve);
        }
        Self::ask_in_turn(queue, reserve, query, dnssec_ok).await
    }

    /// Asks `queue` in turn, the next one too when one is slower than usual, then `reserve`
    /// once everything asked has failed; the first answer wins.
    async fn ask_in_turn(
        mut queue: VecDeque<Arc<Server>>,
        mut reserve: VecDeque<Arc<Server>>,
        query: Query,
        dnssec_ok: bool,
    ) -> Result<Answer, Failure> {
        let deadline = Instant::now() + DEADLINE;
        // Each server is asked on a task of its own, which records how the server did even
        // after another one has answered: a silent server is seen as silent, not just slower.
        let mut running = FuturesUnordered::new();
        let mut last = Failure::NoServer;
        let mut hedge_at = Instant::now();
        loop {
            let start_next = running.is_empty() || Instant::now() >= hedge_at;
            if start_next {
                let next = queue.pop_front().or_else(|| {
                    // The reserve only once every server asked so far has failed.
                    if running.is_empty() {
                        reserve.pop_front()
                    } else {
                        None
                    }
                });
                match next {
                    Some(server) => {
                        hedge_at = Instant::now() + server.hedge_after();
                        let q = query.clone();
                        running.push(tokio::spawn(async move {
                            let started = Instant::now();
                            let result = server.ask(q, dnssec_ok).await;
                            match &result {
                                Ok(_) => server.answered(started.elapsed()),
                                Err(failure) => server.missed(failure),
                            }
                            result
                        }));
                    }
                    None if running.is_empty() => return Err(last),
                    None => {}
                }
            }
            let can_hedge = !queue.is_empty();
            tokio::select! {
                Some(joined) = running.next() => match joined {
                    Ok(Ok(answer)) => return Ok(answer),
                    Ok(Err(failure)) => {
                        last = failure;
                        // Ask the next one now rather than at its hedge time.
                        hedge_at = Instant::now();
                    }
                    Err(e) => {
                        last = Failure::Unreachable(format!("the lookup task failed: {e}"));
                        hedge_at = Instant::now();
                    }
                },
                _ = tokio::time::sleep_until(hedge_at), if can_hedge => {}
                _ = tokio::time::sleep_until(deadline) => return Err(Failure::Timeout),
            }
        }
    }
}

/// hickory's result as Vigie's answer or failure.
fn answer_of(result: Result<hickory_proto::op::DnsResponse, NetError>) -> Result<Answer, Failure> {
    match result {
        Ok(response) => {
            let mut message = response.into_message();
            Ok(Answer {
                code: message.metadata.response_code,
                answers: std::mem::take(&mut message.answers),
                authorities: std::mem::take(&mut message.authorities),
                additionals: message
                    .additionals
                    .into_iter()
                    .filter(|r| r.record_type() != RecordType::OPT)
                    .collect(),
            })
        }
        Err(NetError::Dns(DnsError::NoRecordsFound(no))) => {
            let mut authorities: Vec<_> = no.authorities.map(|a| a.to_vec()).unwrap_or_default();
            if let Some(soa) = no.soa
                && !authorities.iter().any(|r| matches!(r.data, RData::SOA(_)))
            {
                authorities.push(soa.into_record_of_rdata());
            }
            Ok(Answer {
                code: no.response_code,
                answers: vec![],
                authorities,
                additionals: vec![],
            })
        }
        Err(NetError::Dns(DnsError::ResponseCode(code))) if code != ResponseCode::ServFail => {
            Ok(Answer {
                code,
                answers: vec![],
                authorities: vec![],
                additionals: vec![],
            })
        }
        Err(NetError::Timeout) => Err(Failure::Timeout),
        Err(e) => Err(Failure::Unreachable(e.to_string())),
    }
}

fn name_server_config(s: &UpstreamSetting) -> NameServerConfig {
    let name = || Arc::<str>::from(s.server_name.clone().unwrap_or_default());
    let mut connections = match s.protocol {
        Protocol::Udp => vec![ConnectionConfig::udp(), ConnectionConfig::tcp()],
        Protocol::Tcp => vec![ConnectionConfig::tcp()],
        Protocol::Tls => vec![ConnectionConfig::tls(name())],
        Protocol::Https => vec![ConnectionConfig::https(
            name(),
            Some(Arc::from(s.path.as_str())),
        )],
    };
    for c in &mut connections {
        c.port = s.address.port();
    }
    NameServerConfig::new(s.address.ip(), true, connections)
}

fn describe(s: &UpstreamSetting) -> String {
    match (&s.protocol, &s.server_name) {
        (Protocol::Udp, _) => format!("{} (udp+tcp)", s.address),
        (Protocol::Tcp, _) => format!("{} (tcp)", s.address),
        (Protocol::Tls, Some(n)) => format!("{} (tls, {n})", s.address),
        (Protocol::Https, Some(n)) => format!("https://{n}{} at {}", s.path, s.address),
        (p, None) => format!("{} ({p:?})", s.address),
    }
}

/// Plain UDP/TCP upstreams for these addresses (the `--upstream` flag).
pub(crate) fn plain(addresses: &[SocketAddr]) -> Vec<UpstreamSetting> {
    addresses
        .iter()
        .map(|&address| UpstreamSetting {
            address,
            protocol: Protocol::Udp,
            server_name: None,
            path: "/dns-query".into(),
        })
        .collect()
}

/// One `nameserver` value as an address to send to. A link-local IPv6 address only means
/// something on its link, so `fe80::1%eth0` keeps its interface as the scope; one without a
/// scope, or whose interface is not there, cannot be reached and is left out.
pub(crate) fn nameserver(text: &str) -> Option<SocketAddr> {
    let (addr, scope) = match text.split_once('%') {
        Some((addr, scope)) => (addr, Some(scope)),
        None => (text, None),
    };
    match addr.parse::<IpAddr>().ok()? {
        IpAddr::V6(v6) if v6.is_unicast_link_local() => {
            let scope = scope?;
            let index = scope
                .parse::<u32>()
                .ok()
                .or_else(|| nix::net::if_::if_nametoindex(scope).ok())?;
            Some(SocketAddr::V6(std::net::SocketAddrV6::new(
                v6, 53, 0, index,
            )))
        }
        ip => Some(SocketAddr::new(ip, 53)),
    }
}

/// Whether sending to `upstream` would reach one of Vigie's own listeners.
pub(crate) fn is_self(upstream: SocketAddr, listen: &[SocketAddr]) -> bool {
    listen.iter().any(|l| {
        l.port() == upstream.port()
            && (l.ip() == upstream.ip() || (l.ip().is_unspecified() && upstream.ip().is_loopback()))
    })
}

/// Refuses a configuration that forwards to Vigie itself.
pub(crate) fn refuse_loops(upstreams: &[UpstreamSetting], listen: &[SocketAddr]) -> Result<()> {
    if let Some(u) = upstreams.iter().find(|u| is_self(u.address, listen)) {
        bail!(
            "upstream {} is Vigie's own listener: lookups would go round in a loop; choose another resolver",
            u.address
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_local_servers_keep_their_link() {
        let lo = nix::net::if_::if_nametoindex("lo").unwrap();
        assert_eq!(
            nameserver("192.0.2.53"),
            Some("192.0.2.53:53".parse().unwrap())
        );
        assert_eq!(
            nameserver("fe80::1%lo"),
            Some(SocketAddr::V6(std::net::SocketAddrV6::new(
                "fe80::1".parse().unwrap(),
                53,
                0,
                lo
            )))
        );
        // One without a link, or on a link that is not there, cannot be reached.
        assert_eq!(nameserver("fe80::2"), None);
        assert_eq!(nameserver("fe80::3%no-such-link"), None);
        assert_eq!(nameserver("not-an-address"), None);
    }

    #[test]
    fn loops_are_refused() {
        let listen: Vec<SocketAddr> = vec!["0.0.0.0:5353".parse().unwrap()];
        let e = refuse_loops(&plain(&["127.0.0.1:5353".parse().unwrap()]), &listen).unwrap_err();
        assert!(e.to_string().contains("loop"), "{e}");
        assert!(refuse_loops(&plain(&["127.0.0.1:53".parse().unwrap()]), &listen).is_ok());
    }
}
