//! The DNS path: sockets in ([`front`]), one decision per query ([`pipeline`]), the answer cache
//! ([`cache`]), forwarding ([`upstream`]) to the servers the network hands out ([`network`]) or
//! a parent chose, to systemd-resolved for the names it answers itself ([`local_names`]) or to a
//! link's own servers for the domains it routes, a VPN's ([`links`]), and the message format
//! ([`wire`]).
//!
//! Data flows one way: `front` hands bytes to `pipeline`, which reads them with `wire`, asks
//! the policy for a verdict, answers from `cache` or `upstream`, and has `wire` write the one
//! reply. Nothing below `pipeline` knows about the policy or the journal.

pub(crate) mod cache;
pub(crate) mod front;
pub(crate) mod links;
pub(crate) mod local_names;
pub(crate) mod network;
pub(crate) mod pipeline;
pub(crate) mod upstream;
pub(crate) mod wire;
