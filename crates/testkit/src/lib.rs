//! Helpers that the service's and the desktop app's tests share, so each rule exists once.

mod service;

pub use service::{Vigie, collect, signal, terminate};

use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener, UdpSocket};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::time::Duration;

use hickory_proto::op::{Message, MessageType, ResponseCode};
use hickory_proto::rr::rdata::{A, AAAA};
use hickory_proto::rr::{RData, Record, RecordType};

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

/// A program on PATH, if installed: tests that need an outside tool skip without it.
pub fn which(program: &str) -> Option<PathBuf> {
    std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .map(|d| d.join(program))
        .find(|p| p.is_file())
}

/// A local upstream DNS server over UDP on 127.0.0.1, so that a test can point the real `vigie`
/// at it without touching the internet: every A is one address, every AAAA another or none,
/// every other type an empty NOERROR. It stops (within 50 ms) when dropped.
///
/// The service's own tests need a richer zone (NXDOMAIN, CNAME, TCP, counters) and keep theirs.
#[derive(Debug)]
pub struct Upstream {
    /// Where it listens.
    pub addr: SocketAddr,
    stop: Arc<AtomicBool>,
}

impl Upstream {
    /// Answers every A with `a` and every AAAA with `aaaa` (no answer when `None`).
    pub fn start(a: Ipv4Addr, aaaa: Option<Ipv6Addr>) -> Upstream {
        let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
        // The read timeout is how often the thread looks at the stop flag.
        socket
            .set_read_timeout(Some(Duration::from_millis(50)))
            .unwrap();
        let addr = socket.local_addr().unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while !flag.load(Ordering::Relaxed) {
                let Ok((n, from)) = socket.recv_from(&mut buf) else {
                    continue;
                };
                // Input that is not DNS gets no answer, as from a real server.
                let Ok(q) = Message::from_vec(&buf[..n]) else {
                    continue;
                };
                let _ = socket.send_to(&answer(&q, a, aaaa).to_vec().unwrap(), from);
            }
        });
        Upstream { addr, stop }
    }
}

impl Drop for Upstream {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// The reply to `q`: its id, opcode, RD and questions echoed, recursion available.
fn answer(q: &Message, a: Ipv4Addr, aaaa: Option<Ipv6Addr>) -> Message {
    let mut m = Message::response(q.metadata.id, q.metadata.op_code);
    m.metadata.message_type = MessageType::Response;
    m.metadata.recursion_desired = q.metadata.recursion_desired;
    m.metadata.recursion_available = true;
    m.metadata.response_code = ResponseCode::NoError;
    for query in q.queries.iter() {
        m.add_query(query.clone());
        let data = match (query.query_type(), aaaa) {
            (RecordType::A, _) => RData::A(A(a)),
            (RecordType::AAAA, Some(v6)) => RData::AAAA(AAAA(v6)),
            _ => continue,
        };
        m.answers
            .push(Record::from_rdata(query.name().clone(), 300, data));
    }
    m
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

    #[test]
    fn upstream_answers_a_and_aaaa_as_told() {
        use hickory_proto::op::Query;
        use hickory_proto::rr::Name;
        let v6 = Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0x99);
        let ask = |up: &Upstream, t: RecordType| {
            let sock = UdpSocket::bind("127.0.0.1:0").unwrap();
            sock.set_read_timeout(Some(Duration::from_secs(3))).unwrap();
            let mut q = Message::query();
            q.metadata.id = 7;
            q.add_query(Query::query(Name::from_ascii("a.test.").unwrap(), t));
            sock.send_to(&q.to_vec().unwrap(), up.addr).unwrap();
            let mut buf = [0u8; 4096];
            let (n, _) = sock.recv_from(&mut buf).unwrap();
            let m = Message::from_vec(&buf[..n]).unwrap();
            assert_eq!(m.metadata.id, 7);
            m.answers.into_iter().map(|r| r.data).collect::<Vec<_>>()
        };
        let with = Upstream::start(Ipv4Addr::new(192, 0, 2, 99), Some(v6));
        assert_eq!(
            ask(&with, RecordType::A),
            [RData::A(A(Ipv4Addr::new(192, 0, 2, 99)))]
        );
        assert_eq!(ask(&with, RecordType::AAAA), [RData::AAAA(AAAA(v6))]);
        assert_eq!(ask(&with, RecordType::MX), []);
        let without = Upstream::start(Ipv4Addr::new(192, 0, 2, 1), None);
        assert_eq!(ask(&without, RecordType::AAAA), []);
    }
}
