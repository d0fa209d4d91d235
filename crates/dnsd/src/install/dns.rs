//! Who manages DNS on a Linux computer, what it was using, and the files that point it at Vigie.
//!
//! Three cases, told apart by the files themselves: systemd-resolved (`/etc/resolv.conf` is its
//! link), NetworkManager writing `/etc/resolv.conf` itself, or a plain `/etc/resolv.conf`
//! (written by hand, by dhclient, or by resolvconf through a link). Each needs its own change,
//! and in each the resolvers in use before become Vigie's upstreams.

use std::net::IpAddr;

use anyhow::Result;

use super::system::System;

pub(crate) const RESOLV_CONF: &str = "/etc/resolv.conf";
/// The list of upstream servers that systemd-resolved keeps (not its stub).
const RESOLVED_UPSTREAMS: &str = "/run/systemd/resolve/resolv.conf";
pub(crate) const RESOLVED_DROP_IN: &str = "/etc/systemd/resolved.conf.d/vigie.conf";
pub(crate) const NM_CONF: &str = "/etc/NetworkManager/NetworkManager.conf";
pub(crate) const NM_DROP_IN: &str = "/etc/NetworkManager/conf.d/90-vigie.conf";
pub(crate) const DHCLIENT_HOOKS: &str = "/etc/dhcp/dhclient-enter-hooks.d";
pub(crate) const DHCLIENT_HOOK: &str = "/etc/dhcp/dhclient-enter-hooks.d/vigie";

/// What manages the computer's DNS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dns {
    /// systemd-resolved: programs ask its stub, which forwards to the link's servers.
    Resolved,
    /// NetworkManager writes `/etc/resolv.conf` from each connection's servers.
    NetworkManager,
    /// `/etc/resolv.conf` as it is.
    Plain,
}

impl Dns {
    pub(crate) fn describe(self) -> &'static str {
        match self {
            Dns::Resolved => "systemd-resolved",
            Dns::NetworkManager => "NetworkManager",
            Dns::Plain => "/etc/resolv.conf",
        }
    }
}

/// Tells the DNS manager from the state before Vigie.
pub(crate) fn detect(sys: &System) -> Result<Dns> {
    if sys
        .original_link(RESOLV_CONF)
        .is_some_and(|t| t.to_string_lossy().contains("/systemd/resolve/"))
    {
        return Ok(Dns::Resolved);
    }
    let text =
        String::from_utf8_lossy(&sys.original(RESOLV_CONF)?.unwrap_or_default()).into_owned();
    if sys.path(NM_CONF).exists() && text.contains("NetworkManager") {
        return Ok(Dns::NetworkManager);
    }
    Ok(Dns::Plain)
}

/// The resolvers in use before Vigie. Loopback addresses are left out: they are stubs (like
/// systemd-resolved's 127.0.0.53) or Vigie itself, and forwarding to them would loop.
pub(crate) fn previous_resolvers(sys: &System, manager: Dns) -> Result<Vec<IpAddr>> {
    let mut found = Vec::new();
    if manager == Dns::Resolved
        && let Some(bytes) = sys.read_following(RESOLVED_UPSTREAMS, None)?
    {
        found = nameservers(&String::from_utf8_lossy(&bytes));
    }
    if found.is_empty()
        && let Some(bytes) = sys.original(RESOLV_CONF)?
    {
        found = nameservers(&String::from_utf8_lossy(&bytes));
    }
    Ok(found)
}

/// The non-loopback `nameserver` addresses of a resolv.conf, in order, without repeats.
pub(crate) fn nameservers(text: &str) -> Vec<IpAddr> {
    let mut out = Vec::new();
    for line in text.lines() {
        let mut words = line.split_whitespace();
        if words.next() != Some("nameserver") {
            continue;
        }
        // A scoped IPv6 address (fe80::1%eth0) cannot be forwarded to by address alone.
        let Some(ip) = words.next().and_then(|w| w.parse::<IpAddr>().ok()) else {
            continue;
        };
        if !ip.is_loopback() && !ip.is_unspecified() && !out.contains(&ip) {
            out.push(ip);
        }
    }
    out
}

/// `/etc/resolv.conf` pointing at Vigie.
pub(crate) fn resolv_conf() -> String {
    "# Written by Vigie: this computer's lookups go through Vigie's filter.\n\
     # `vigie uninstall` puts the previous file back.\n\
     nameserver 127.0.0.1\n\
     nameserver ::1\n\
     options edns0 trust-ad\n"
        .into()
}

/// systemd-resolved: every name (`~.`) goes to Vigie, ahead of each network's own servers.
pub(crate) fn resolved_drop_in() -> String {
    "# Written by Vigie: every lookup goes through Vigie's filter. `vigie uninstall` removes it.\n\
     [Resolve]\n\
     DNS=127.0.0.1 ::1\n\
     Domains=~.\n\
     DNSOverTLS=no\n\
     DNSSEC=no\n"
        .into()
}

/// NetworkManager: leave `/etc/resolv.conf` alone (Vigie's file stays in place), but go on
/// working out each network's servers: it writes them to `/run/NetworkManager/no-stub-resolv.conf`
/// whatever `rc-manager` says, and Vigie follows that file.
pub(crate) fn nm_drop_in() -> String {
    "# Written by Vigie: /etc/resolv.conf points at Vigie and NetworkManager leaves it so.\n\
     # `vigie uninstall` removes this file.\n\
     [main]\n\
     dns=default\n\
     rc-manager=unmanaged\n"
        .into()
}

/// dhclient: keep the lease's DNS servers out of `/etc/resolv.conf`, and hand them to Vigie,
/// which forwards to them (`dns::network` follows the file).
pub(crate) fn dhclient_hook() -> String {
    let file = crate::dns::network::DHCLIENT_FILE;
    let dir = std::path::Path::new(file)
        .parent()
        .map(|d| d.display().to_string())
        .unwrap_or_default();
    format!(
        "# Written by Vigie: /etc/resolv.conf points at Vigie; dhclient must not rewrite it.\n\
         # The lease's DNS servers go to {file}, where Vigie finds them.\n\
         # `vigie uninstall` removes this file.\n\
         make_resolv_conf() {{\n\
         \tservers=\"$new_domain_name_servers $new_dhcp6_name_servers\"\n\
         \t[ -n \"${{servers# }}\" ] || return 0\n\
         \tmkdir -p {dir} && {{\n\
         \t\tfor ns in $servers; do echo \"nameserver $ns\"; done\n\
         \t}} > {file}.new && mv -f {file}.new {file}\n\
         }}\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nameservers_skip_loopback_scoped_and_repeats() {
        let text = "# comment\nnameserver 192.0.2.1\nnameserver 127.0.0.53\nnameserver ::1\n\
                    nameserver fe80::1%eth0\nnameserver 2001:db8::1\nnameserver 192.0.2.1\n\
                    search home\n";
        let got = nameservers(text);
        assert_eq!(
            got,
            vec![
                "192.0.2.1".parse::<IpAddr>().unwrap(),
                "2001:db8::1".parse().unwrap()
            ]
        );
    }
}
