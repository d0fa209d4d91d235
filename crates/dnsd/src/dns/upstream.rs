//! Forwarding allowed lookups to the upstream resolvers, through hickory-resolver.
//!
//! Vigie forwards whole queries rather than resolving names itself, so it uses hickory's name
//! server pool directly: it picks the fastest healthy server, retries over TCP when an answer is
//! truncated, and speaks plain DNS, DNS-over-TLS and DNS-over-HTTPS with the right TLS server
//! name. Each lookup is bounded in time: a child's browser should get SERVFAIL quickly rather
//! than hang when the network is down.
//!
//! With no upstream configured, Vigie uses the resolvers of `/etc/resolv.conf`, minus its own
//! addresses; pointing Vigie at itself is refused with a clear error rather than spun in a loop.

use std::net::{IpAddr, SocketAddr};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use futures_util::StreamExt;
use hickory_proto::op::{DnsRequestOptions, Query, ResponseCode};
use hickory_proto::rr::{RData, RecordType};
use hickory_resolver::config::{ConnectionConfig, NameServerConfig, ResolverOpts};
use hickory_resolver::net::runtime::TokioRuntimeProvider;
use hickory_resolver::net::{DnsError, DnsHandle, NetError};
use hickory_resolver::{NameServerPool, PoolContext, TlsConfig};
use vigie_policy::{Protocol, Upstream as UpstreamSetting};

use super::wire::Answer;

/// Longest Vigie waits for an upstream answer before it answers SERVFAIL.
pub(crate) const DEADLINE: Duration = Duration::from_millis(1800);

/// The upstream resolvers.
#[derive(Clone)]
pub(crate) struct Upstream {
    pool: NameServerPool<TokioRuntimeProvider>,
    servers: Arc<[UpstreamSetting]>,
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
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Timeout => write!(f, "no answer within {DEADLINE:?}"),
            Failure::Unreachable(why) => f.write_str(why),
        }
    }
}

impl Upstream {
    /// A pool over these servers. Must be called inside the tokio runtime.
    pub(crate) fn new(servers: &[UpstreamSetting]) -> Result<Upstream> {
        let mut options = ResolverOpts::default();
        // The pool's own deadline sits just inside ours, so it reports a timeout itself.
        options.timeout = DEADLINE - Duration::from_millis(200);
        options.attempts = 1;
        options.num_concurrent_reqs = 2;
        options.edns0 = true;
        options.case_randomization = false;
        let configs = servers.iter().map(name_server_config);
        let tls = TlsConfig::new().context("TLS for encrypted upstreams could not be set up")?;
        let cx = Arc::new(PoolContext::new(options, tls));
        let pool = NameServerPool::from_config(configs, cx, TokioRuntimeProvider::new());
        Ok(Upstream {
            pool,
            servers: servers.into(),
        })
    }

    /// One line per server, for the start-up banner and status.
    pub(crate) fn describe(&self) -> Vec<String> {
        self.servers.iter().map(describe).collect()
    }

    /// Asks the upstreams. A negative answer (NXDOMAIN, NODATA, REFUSED) is an answer, not a
    /// failure; only silence and broken transports are failures.
    pub(crate) async fn ask(&self, query: Query, dnssec_ok: bool) -> Result<Answer, Failure> {
        let mut options = DnsRequestOptions::default();
        options.use_edns = true;
        options.edns_payload_len = super::wire::MAX_UDP;
        options.edns_set_dnssec_ok = dnssec_ok;
        options.recursion_desired = true;
        let lookup = async {
            let mut stream = self.pool.lookup(query, options);
            stream.next().await
        };
        let result = match tokio::time::timeout(DEADLINE, lookup).await {
            Err(_) => return Err(Failure::Timeout),
            Ok(None) => return Err(Failure::Unreachable("no answer".into())),
            Ok(Some(result)) => result,
        };
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
                let mut authorities: Vec<_> =
                    no.authorities.map(|a| a.to_vec()).unwrap_or_default();
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

/// The name servers of a resolv.conf file, on port 53.
pub(crate) fn from_resolv_conf(path: &Path) -> Result<Vec<SocketAddr>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("{} could not be read", path.display()))?;
    Ok(text
        .lines()
        .filter_map(|line| {
            let mut words = line.split_whitespace();
            (words.next() == Some("nameserver"))
                .then(|| words.next())
                .flatten()
        })
        .filter_map(nameserver)
        .collect())
}

/// One `nameserver` value as an address to send to. A link-local IPv6 address only means
/// something on its link, so `fe80::1%eth0` keeps its interface as the scope; one without a
/// scope, or whose interface is not there, cannot be reached and is left out.
fn nameserver(text: &str) -> Option<SocketAddr> {
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
fn is_self(upstream: SocketAddr, listen: &[SocketAddr]) -> bool {
    listen.iter().any(|l| {
        l.port() == upstream.port()
            && (l.ip() == upstream.ip() || (l.ip().is_unspecified() && upstream.ip().is_loopback()))
    })
}

/// Drops Vigie's own addresses from resolv.conf's servers; fails if none is left.
pub(crate) fn system_default(resolv_conf: &Path, listen: &[SocketAddr]) -> Result<Vec<SocketAddr>> {
    let found = from_resolv_conf(resolv_conf)?;
    let usable: Vec<_> = found
        .iter()
        .copied()
        .filter(|a| !is_self(*a, listen))
        .collect();
    if usable.is_empty() {
        bail!(
            "no upstream resolver: {} lists {} and none other; add an [[upstream]] to settings.toml or pass --upstream ADDR:PORT",
            resolv_conf.display(),
            if found.is_empty() {
                "no name server".to_string()
            } else {
                "only Vigie itself".to_string()
            }
        );
    }
    Ok(usable)
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
    fn resolv_conf_servers_minus_vigie() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("resolv.conf");
        std::fs::write(&path, "# test\nnameserver 127.0.0.1\nnameserver 192.0.2.53\nnameserver fe80::1%lo\nnameserver fe80::2\nnameserver fe80::3%no-such-link\nsearch lan\n").unwrap();
        let listen: Vec<SocketAddr> = vec!["127.0.0.1:53".parse().unwrap()];
        let got = system_default(&path, &listen).unwrap();
        let lo = nix::net::if_::if_nametoindex("lo").unwrap();
        // The link-local server keeps its link; one without a link, or on a link that is not
        // there, cannot be reached and is left out.
        assert_eq!(
            got,
            [
                "192.0.2.53:53".parse().unwrap(),
                SocketAddr::V6(std::net::SocketAddrV6::new(
                    "fe80::1".parse().unwrap(),
                    53,
                    0,
                    lo
                )),
            ]
        );

        std::fs::write(&path, "nameserver 127.0.0.1\n").unwrap();
        let e = system_default(&path, &listen).unwrap_err().to_string();
        assert!(e.contains("only Vigie itself"), "{e}");
    }

    #[test]
    fn loops_are_refused() {
        let listen: Vec<SocketAddr> = vec!["0.0.0.0:5353".parse().unwrap()];
        let e = refuse_loops(&plain(&["127.0.0.1:5353".parse().unwrap()]), &listen).unwrap_err();
        assert!(e.to_string().contains("loop"), "{e}");
        assert!(refuse_loops(&plain(&["127.0.0.1:53".parse().unwrap()]), &listen).is_ok());
    }
}
