//! The kernel's socket diagnostics (`NETLINK_SOCK_DIAG`, the interface `ss` reads): which local
//! socket sent a query, and that socket's owner (uid) and inode.
//!
//! One dump per lookup of the sockets of one protocol and family, matched here. The kernel can
//! also look up one socket by its four addresses, but for UDP it swaps source and destination
//! "for historical reasons" and an unconnected socket has no remote address to give, so
//! matching a dump is the form that means the same for UDP and TCP. A family computer has a few
//! hundred sockets; a dump of them costs well under a millisecond, and it is asked only for a
//! blocked query whose sender is not cached (see `owner`).

use std::io;
use std::net::{IpAddr, SocketAddr};

use netlink_packet_core::{
    NLM_F_DUMP, NLM_F_REQUEST, NetlinkHeader, NetlinkMessage, NetlinkPayload,
};
use netlink_packet_sock_diag::SockDiagMessage;
use netlink_packet_sock_diag::constants::{AF_INET, AF_INET6, IPPROTO_TCP, IPPROTO_UDP};
use netlink_packet_sock_diag::inet::{ExtensionFlags, InetRequest, SocketId, StateFlags};
use netlink_sys::protocols::NETLINK_SOCK_DIAG;
use netlink_sys::{Socket, SocketAddr as NetlinkAddr};

/// The transport a query came over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Proto {
    Udp,
    Tcp,
}

/// The local socket that sent a query, as the kernel describes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Sender {
    pub(crate) uid: u32,
    pub(crate) inode: u32,
}

/// What a dump found for one sender address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Found {
    One(Sender),
    /// No socket has that address (it closed, or the query came from elsewhere).
    None,
    /// Several sockets could have sent it, owned by different accounts: no guess is made.
    Ambiguous,
}

/// The socket on this computer whose local address is `peer` (the query's source) and, for
/// TCP, whose remote address is `server` (Vigie's end of the connection).
pub(crate) fn sender(proto: Proto, peer: SocketAddr, server: SocketAddr) -> io::Result<Found> {
    let mut candidates = Vec::new();
    // A v4 query may come from an IPv6 socket that sent to a v4-mapped address.
    let families: &[u8] = match peer.ip() {
        IpAddr::V4(_) => &[AF_INET, AF_INET6],
        IpAddr::V6(_) => &[AF_INET6],
    };
    for &family in families {
        for (id, sender) in dump(proto, family)? {
            let local = SocketAddr::new(plain(id.source_address), id.source_port);
            let remote = SocketAddr::new(plain(id.destination_address), id.destination_port);
            if local.port() != peer.port() {
                continue;
            }
            let exact = local.ip() == peer.ip();
            let wildcard = local.ip().is_unspecified();
            let fits = match proto {
                // A connected UDP socket names its server; an unconnected one names none.
                Proto::Udp => exact || wildcard,
                Proto::Tcp => exact && remote == server,
            };
            if fits {
                candidates.push((exact, sender));
            }
        }
        if !candidates.is_empty() {
            break;
        }
    }
    // A socket bound to the very address beats one bound to every address (the kernel would
    // have sent from the former).
    if candidates.iter().any(|(exact, _)| *exact) {
        candidates.retain(|(exact, _)| *exact);
    }
    let mut senders = candidates.into_iter().map(|(_, s)| s);
    let Some(first) = senders.next() else {
        return Ok(Found::None);
    };
    // Two sockets on one port (SO_REUSEPORT) of one account are still that account.
    if senders.all(|s| s.uid == first.uid) {
        Ok(Found::One(first))
    } else {
        Ok(Found::Ambiguous)
    }
}

/// IPv4-mapped IPv6 as IPv4, so that a dual-stack socket compares with the query's source.
fn plain(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// Every socket of `proto` and `family`: its address pair and owner.
fn dump(proto: Proto, family: u8) -> io::Result<Vec<(SocketId, Sender)>> {
    let mut socket = Socket::new(NETLINK_SOCK_DIAG)?;
    socket.bind_auto()?;
    socket.connect(&NetlinkAddr::new(0, 0))?;
    let mut header = NetlinkHeader::default();
    header.flags = NLM_F_REQUEST | NLM_F_DUMP;
    let (protocol, states) = match proto {
        // UDP sockets are "closed" (unconnected) or "established" (connected).
        Proto::Udp => (IPPROTO_UDP, StateFlags::all()),
        // A client waiting for its answer is connected; listening sockets send nothing.
        Proto::Tcp => (
            IPPROTO_TCP,
            StateFlags::ESTABLISHED | StateFlags::CLOSE_WAIT,
        ),
    };
    let mut request = NetlinkMessage::new(
        header,
        SockDiagMessage::InetRequest(InetRequest {
            family,
            protocol,
            extensions: ExtensionFlags::empty(),
            states,
            socket_id: if family == AF_INET {
                SocketId::new_v4()
            } else {
                SocketId::new_v6()
            },
        })
        .into(),
    );
    request.finalize();
    let mut bytes = vec![0; request.buffer_len()];
    request.serialize(&mut bytes);
    socket.send(&bytes, 0)?;

    let mut found = Vec::new();
    let mut buffer = vec![0u8; 64 * 1024];
    loop {
        let size = socket.recv(&mut &mut buffer[..], 0)?;
        let mut at = 0;
        while at < size {
            let message = NetlinkMessage::<SockDiagMessage>::deserialize(&buffer[at..size])
                .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e.to_string()))?;
            let length = message.header.length as usize;
            match message.payload {
                NetlinkPayload::InnerMessage(SockDiagMessage::InetResponse(r)) => {
                    found.push((
                        r.header.socket_id,
                        Sender {
                            uid: r.header.uid,
                            inode: r.header.inode,
                        },
                    ));
                }
                NetlinkPayload::Done(_) => return Ok(found),
                NetlinkPayload::Error(e) => {
                    return Err(e
                        .code
                        .map(|c| io::Error::from_raw_os_error(-c.get()))
                        .unwrap_or_else(|| io::Error::other("socket diagnostics failed")));
                }
                _ => {}
            }
            if length == 0 {
                break;
            }
            at += length;
        }
    }
}
