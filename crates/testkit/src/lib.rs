//! Helpers that the service's and the desktop app's tests share, so each rule exists once.

use std::net::{TcpListener, UdpSocket};
use std::sync::atomic::{AtomicU32, Ordering};

/// A loopback port free for both TCP and UDP at the time of the call.
///
/// Ports come from below the kernel's ephemeral range (32768 and up): there, a port found free
/// can be handed to any outgoing socket (an upstream query, a WebDriver connection) before the
/// test's server binds it. Each test process starts at its own place in 20000..32000 and walks
/// on from there, so parallel test binaries rarely try the same port.
pub fn free_port() -> u16 {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let start = std::process::id() % 1_000 * 12;
    loop {
        let port = (20_000 + (start + NEXT.fetch_add(1, Ordering::Relaxed)) % 12_000) as u16;
        let Ok(_tcp) = TcpListener::bind(("127.0.0.1", port)) else {
            continue;
        };
        if UdpSocket::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports_are_free_below_the_ephemeral_range_and_differ() {
        let a = free_port();
        let b = free_port();
        assert_ne!(a, b);
        for p in [a, b] {
            assert!((20_000..32_000).contains(&p));
            TcpListener::bind(("127.0.0.1", p)).unwrap();
            UdpSocket::bind(("127.0.0.1", p)).unwrap();
        }
    }
}
