//! The service and systemd: `READY=1` once it serves, `WATCHDOG=1` from its working parts, and a
//! failed worker never leaves a half-alive service. The test plays systemd's part: it binds the
//! datagram socket that `NOTIFY_SOCKET` names and sets `WATCHDOG_USEC`, as systemd does for a
//! unit with `Type=notify` and `WatchdogSec=`. The failures are asked for through
//! `VIGIE_TEST_FAULT`, which only the service's own environment carries.

use std::net::UdpSocket;
use std::os::unix::net::UnixDatagram;
use std::time::{Duration, Instant};

use hickory_proto::rr::RecordType;

use crate::upstream::Upstream;
use crate::util::{Vigie, query_message};

/// The watchdog's time in the tests: hearts beat every 100 ms, pings every 200 ms.
const WATCHDOG_USEC: &str = "800000";
/// The longest any message is waited for (a bound for a broken service, never a measure).
const PATIENCE: Duration = Duration::from_secs(20);

/// systemd's side of the notification socket.
struct Manager {
    socket: UnixDatagram,
    _dir: tempfile::TempDir,
    path: String,
}

impl Manager {
    fn new() -> Manager {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("notify");
        let socket = UnixDatagram::bind(&path).unwrap();
        socket.set_read_timeout(Some(PATIENCE)).unwrap();
        Manager {
            socket,
            path: path.to_str().unwrap().to_owned(),
            _dir: dir,
        }
    }

    /// The next message's lines.
    fn next(&self) -> Vec<String> {
        let mut buf = [0u8; 4096];
        let n = self
            .socket
            .recv(&mut buf)
            .expect("a message from the service in time");
        String::from_utf8_lossy(&buf[..n])
            .lines()
            .map(str::to_owned)
            .collect()
    }

    /// Reads messages until one holds `line`; the ones before it.
    fn until(&self, line: &str) -> Vec<String> {
        let start = Instant::now();
        let mut before = Vec::new();
        loop {
            assert!(start.elapsed() < PATIENCE, "no {line:?}; got {before:?}");
            let message = self.next();
            if message.iter().any(|l| l == line) {
                return before;
            }
            before.extend(message);
        }
    }

    fn start(&self, upstream: &Upstream, fault: Option<&str>) -> Vigie {
        let mut env = vec![
            ("NOTIFY_SOCKET", self.path.as_str()),
            ("WATCHDOG_USEC", WATCHDOG_USEC),
        ];
        if let Some(fault) = fault {
            env.push(("VIGIE_TEST_FAULT", fault));
        }
        Vigie::start_env(upstream.addr(), None, &[], &env)
    }
}

#[test]
fn the_service_says_it_is_ready_then_that_it_is_alive_until_it_stops() {
    let upstream = Upstream::start();
    let manager = Manager::new();
    let mut v = manager.start(&upstream, None);
    let before = manager.until("READY=1");
    assert!(
        !before.iter().any(|l| l == "WATCHDOG=1"),
        "pings before ready: {before:?}"
    );
    // Pings keep coming while the service answers, idle or busy.
    for round in 0..3 {
        let answer = v.udp("omegle.com", RecordType::A);
        assert!(!answer.answers.is_empty(), "round {round}: {answer:?}");
        manager.until("WATCHDOG=1");
        manager.until("WATCHDOG=1");
    }
    assert!(v.terminate().success());
    manager.until("STOPPING=1");
}

#[test]
fn a_hung_udp_thread_is_named_and_systemd_is_asked_to_act() {
    let upstream = Upstream::start();
    let manager = Manager::new();
    let v = manager.start(&upstream, Some("udp-hang"));
    manager.until("READY=1");
    manager.until("WATCHDOG=1");
    // The thread stops on this datagram, without panicking: the process stays up.
    let client = UdpSocket::bind("127.0.0.1:0").unwrap();
    let query = query_message("example.com", RecordType::A, false);
    client.send_to(&query.to_vec().unwrap(), v.dns).unwrap();
    let before = manager.until("WATCHDOG=trigger");
    let stderr = v.stderr();
    assert!(
        stderr.contains("the udp thread has not answered"),
        "{stderr}\nbefore the trigger: {before:?}"
    );
}

#[test]
fn a_panicking_udp_thread_ends_the_service_so_that_systemd_starts_it_again() {
    let upstream = Upstream::start();
    let manager = Manager::new();
    let mut v = manager.start(&upstream, Some("udp-panic"));
    manager.until("READY=1");
    let client = UdpSocket::bind("127.0.0.1:0").unwrap();
    let query = query_message("example.com", RecordType::A, false);
    client.send_to(&query.to_vec().unwrap(), v.dns).unwrap();
    let status = v.wait_exit(PATIENCE).expect("the service ends");
    assert_eq!(status.code(), Some(70), "{}", v.stderr());
    assert!(
        v.stderr().contains("stopping so that it is started again"),
        "{}",
        v.stderr()
    );
}

#[test]
fn a_panicking_tcp_task_ends_the_service_too() {
    let upstream = Upstream::start();
    let manager = Manager::new();
    let mut v = manager.start(&upstream, Some("tcp-panic"));
    manager.until("READY=1");
    // UDP is unaffected by the TCP fault until the TCP task fails.
    assert!(!v.udp("omegle.com", RecordType::A).answers.is_empty());
    assert!(
        crate::util::query_tcp(v.dns, "omegle.com", RecordType::A).is_none(),
        "a failed task sends no answer"
    );
    let status = v.wait_exit(PATIENCE).expect("the service ends");
    assert_eq!(status.code(), Some(70), "{}", v.stderr());
}
