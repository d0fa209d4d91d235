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

/// Skips the rest of a test for `reason`, visibly: one `SKIP:` line on standard error and, when
/// `VIGIE_SKIP_LOG` names a file, one line appended there, which `.ci/run` counts and prints.
///
/// Where the environment says CI (`CI` set), every tool a test needs has been installed, so a
/// skip there is a broken set-up: it panics, and the test fails with the reason.
pub fn skip(test: &str, reason: &str) {
    let line = format!("SKIP: {test}: {reason}");
    eprintln!("{line}");
    if let Some(log) = std::env::var_os("VIGIE_SKIP_LOG") {
        use std::io::Write;
        if let Ok(mut f) = std::fs::OpenOptions::new()
            .append(true)
            .create(true)
            .open(log)
        {
            let _ = writeln!(f, "{line}");
        }
    }
    if std::env::var_os("CI").is_some() {
        panic!("{test} must run in CI, but skipped: {reason}");
    }
}

/// Whether this process runs as root (the install and network-namespace tests need it).
pub fn is_root() -> bool {
    std::process::Command::new("id")
        .arg("-u")
        .output()
        .map(|o| o.stdout == b"0\n")
        .unwrap_or(false)
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
