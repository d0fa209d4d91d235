//! Names that systemd-resolved answers itself, and so must be asked of resolved, not of a
//! network's DNS server.
//!
//! With the nftables redirect, a program's lookup sent to resolved's stub (127.0.0.53) reaches
//! Vigie instead, from the program's own socket, which is how Vigie tells which account asked.
//! The price is that names no DNS server knows stop working: resolved makes them up itself or
//! asks the local network by multicast. They are single-label names (`_gateway`, `_outbound`,
//! `_localdnsstub`, the computer's own host name, LLMNR names of the local network) and mDNS names
//! under `.local`. Vigie sends those, once the policy has passed them, to resolved's stub: Vigie's
//! own user is exempt from the redirect, so they reach resolved, and resolved sends none of them
//! on to a unicast DNS server (single-label names stay on LLMNR unless
//! `ResolveUnicastSingleLabel=` says otherwise, `.local` stays on mDNS), so nothing loops back.

use std::net::{Ipv4Addr, SocketAddr};

use hickory_proto::rr::Name;

/// systemd-resolved's stub listener.
pub(crate) const RESOLVED_STUB: SocketAddr =
    SocketAddr::new(std::net::IpAddr::V4(Ipv4Addr::new(127, 0, 0, 53)), 53);

/// Whether resolved answers `name` itself rather than through a DNS server.
pub(crate) fn answered_by_resolved(name: &Name) -> bool {
    match name.num_labels() {
        0 => false,
        1 => true,
        _ => name
            .iter()
            .next_back()
            .is_some_and(|label| label.eq_ignore_ascii_case(b"local")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn by_resolved(text: &str) -> bool {
        answered_by_resolved(&Name::from_ascii(text).unwrap())
    }

    #[test]
    fn single_labels_and_mdns_names_stay_with_resolved() {
        assert!(by_resolved("_gateway"));
        assert!(by_resolved("_outbound."));
        assert!(by_resolved("vigiecheck"));
        assert!(by_resolved("printer.local"));
        assert!(by_resolved("Printer.LOCAL."));
        assert!(!by_resolved("."), "the root is a DNS server's");
        assert!(!by_resolved("omegle.com"));
        assert!(!by_resolved("local.example.com"));
        assert!(!by_resolved("printer.localhost.example"));
    }
}
