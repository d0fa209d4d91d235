//! Integration tests of the `vigie` service: the real binary on loopback ports, forwarding to a
//! local upstream server that the tests start themselves. Nothing leaves 127.0.0.1.

mod api;
mod attribution;
mod blocking;
mod browsers;
mod cli;
mod compat;
mod dnssec;
mod feed_cli;
mod feeds;
mod forwarding;
mod install;
mod journal;
mod lifecycle;
mod netns;
mod network;
mod package;
mod reload;
mod strict_clients;
mod tcp_shares;
mod upstream;
mod util;
mod watchdog;
