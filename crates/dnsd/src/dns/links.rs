//! The DNS routes that systemd-resolved keeps per network link: a VPN's servers for the VPN's
//! own domains (`corp.example` on `wg0`), a second network's servers for its search domains.
//!
//! With the nftables redirect, resolved's own queries to those servers reach Vigie (resolved's
//! user is not exempt: a link that routes `~com` to a server of a child's choosing would
//! otherwise skip Vigie). Vigie then answers them as it answers every query, and forwards what
//! the policy lets through to the network's general servers, which do not know a VPN's private
//! names: split DNS would stop working. So Vigie asks resolved, over D-Bus, which domains each
//! link routes to which servers, and sends the allowed lookups under those domains to the same
//! servers resolved would have asked. The policy, the brand rules and the CNAME check come
//! first, whoever answers; nothing that the lists block reaches any server.
//!
//! Only links that route named domains count: the catch-all `~.` (Vigie's own drop-in) and the
//! links without domains are the general servers that `network` already follows. Loopback
//! servers and Vigie's own addresses are left out, as there. Read with the properties `DNS`
//! (`a(iiay)`: link, address family, address) and `Domains` (`a(isb)`: link, domain, routing
//! only) of `org.freedesktop.resolve1.Manager`, which any local user may read.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;

use hickory_proto::rr::Name;

/// How long resolved may take to answer over D-Bus before the routes are left as they were.
const DBUS_TIMEOUT: Duration = Duration::from_secs(2);

/// One domain a link routes, and the link's servers for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Route {
    /// The domain; names at or below it go to `servers`.
    pub(crate) domain: Name,
    /// The link's servers, on port 53, in resolved's order.
    pub(crate) servers: Vec<SocketAddr>,
}

/// The routes resolved keeps now, or `None` when it could not be asked (no system bus, no
/// resolved, no answer in time).
pub(crate) async fn from_resolved(listen: &[SocketAddr]) -> Option<Vec<Route>> {
    let read = async {
        let bus = zbus::Connection::system().await?;
        let manager = zbus::Proxy::new(
            &bus,
            "org.freedesktop.resolve1",
            "/org/freedesktop/resolve1",
            "org.freedesktop.resolve1.Manager",
        )
        .await?;
        let servers: Vec<(i32, i32, Vec<u8>)> = manager.get_property("DNS").await?;
        let domains: Vec<(i32, String, bool)> = manager.get_property("Domains").await?;
        Ok::<_, zbus::Error>((servers, domains))
    };
    match tokio::time::timeout(DBUS_TIMEOUT, read).await {
        Ok(Ok((servers, domains))) => Some(routes(&servers, &domains, listen)),
        Ok(Err(e)) => {
            tracing::debug!("systemd-resolved's link routes could not be read: {e}");
            None
        }
        Err(_) => {
            tracing::debug!(
                "systemd-resolved did not tell its link routes within {DBUS_TIMEOUT:?}"
            );
            None
        }
    }
}

/// The routes in resolved's two lists: each named domain of a link (not the global entries,
/// link 0, nor `.`) with that link's usable servers.
fn routes(
    servers: &[(i32, i32, Vec<u8>)],
    domains: &[(i32, String, bool)],
    listen: &[SocketAddr],
) -> Vec<Route> {
    let mut out: Vec<Route> = Vec::new();
    for (link, domain, _routing_only) in domains {
        if *link <= 0 {
            continue;
        }
        // `~.` (or `.`) is the catch-all, not a domain: those servers are the general ones.
        let domain = domain.trim_start_matches('~').trim_end_matches('.');
        if domain.is_empty() {
            continue;
        }
        let Ok(mut name) = Name::from_utf8(domain) else {
            continue;
        };
        name.set_fqdn(true);
        let link_servers: Vec<SocketAddr> = servers
            .iter()
            .filter(|(l, _, _)| l == link)
            .filter_map(|(_, family, bytes)| address(*family, bytes))
            .map(|ip| SocketAddr::new(ip, 53))
            .filter(|a| super::network::usable(*a, listen))
            .collect();
        if link_servers.is_empty() {
            continue;
        }
        match out.iter_mut().find(|r| r.domain == name) {
            Some(route) => {
                for s in link_servers {
                    if !route.servers.contains(&s) {
                        route.servers.push(s);
                    }
                }
            }
            None => out.push(Route {
                domain: name,
                servers: link_servers,
            }),
        }
    }
    out
}

/// An address from resolved's `(family, bytes)`: `AF_INET` is 2, `AF_INET6` is 10 on Linux.
fn address(family: i32, bytes: &[u8]) -> Option<IpAddr> {
    match (family, bytes.len()) {
        (2, 4) => Some(IpAddr::V4(Ipv4Addr::new(
            bytes[0], bytes[1], bytes[2], bytes[3],
        ))),
        (10, 16) => {
            let octets: [u8; 16] = bytes.try_into().ok()?;
            Some(IpAddr::V6(Ipv6Addr::from(octets)))
        }
        _ => None,
    }
}

/// The route of the most specific domain that `name` is at or below, as resolved chooses.
pub(crate) fn route_for<'r, T>(routes: &'r [(Name, T)], name: &Name) -> Option<&'r T> {
    routes
        .iter()
        .filter(|(domain, _)| domain.zone_of(name))
        .max_by_key(|(domain, _)| domain.num_labels())
        .map(|(_, servers)| servers)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(text: &str) -> Name {
        Name::from_ascii(text).unwrap()
    }

    #[test]
    fn a_links_named_domains_go_to_its_own_servers() {
        let listen: Vec<SocketAddr> = vec!["127.0.0.1:53".parse().unwrap()];
        let servers = vec![
            // The global entry: Vigie itself, from its own drop-in.
            (0, 2, vec![127, 0, 0, 1]),
            // A VPN (link 5) with two servers, one of them IPv6; a Wi-Fi (link 2).
            (5, 2, vec![10, 8, 0, 1]),
            (
                5,
                10,
                "fd00::53".parse::<Ipv6Addr>().unwrap().octets().to_vec(),
            ),
            (2, 2, vec![192, 168, 1, 1]),
            // A link whose only server is a loopback stub.
            (7, 2, vec![127, 0, 0, 53]),
        ];
        let domains = vec![
            (0, ".".to_string(), true),
            (5, "corp.example".to_string(), true),
            (5, "~.".to_string(), true),
            (5, "Lab.Corp.Example.".to_string(), false),
            (2, ".".to_string(), true),
            (7, "stub.example".to_string(), true),
            (9, "no-servers.example".to_string(), true),
        ];
        let got = routes(&servers, &domains, &listen);
        let vpn: Vec<SocketAddr> = vec![
            "10.8.0.1:53".parse().unwrap(),
            "[fd00::53]:53".parse().unwrap(),
        ];
        assert_eq!(
            got,
            [
                Route {
                    domain: name("corp.example."),
                    servers: vpn.clone()
                },
                Route {
                    domain: name("lab.corp.example."),
                    servers: vpn
                },
            ]
        );
    }

    #[test]
    fn the_most_specific_route_wins_on_label_boundaries() {
        let table = vec![
            (name("corp.example."), "vpn"),
            (name("lab.corp.example."), "lab"),
            (name("com."), "child's link"),
        ];
        assert_eq!(
            route_for(&table, &name("intranet.corp.example.")),
            Some(&"vpn")
        );
        assert_eq!(
            route_for(&table, &name("a.lab.corp.example.")),
            Some(&"lab")
        );
        assert_eq!(route_for(&table, &name("CORP.example.")), Some(&"vpn"));
        assert_eq!(route_for(&table, &name("notcorp.example.")), None);
        assert_eq!(
            route_for(&table, &name("www.omegle.com.")),
            Some(&"child's link")
        );
        assert_eq!(route_for(&table, &name("example.")), None);
    }
}
