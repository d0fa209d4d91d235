//! Helpers: where the binaries are, a local upstream DNS server, the `vigie` service, DNS
//! queries, and waiting.

use std::net::{Ipv4Addr, SocketAddr, UdpSocket};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use hickory_proto::op::{Message, Query, ResponseCode};
use hickory_proto::rr::{Name, RecordType};

use vigie_testkit::Upstream;
pub(crate) use vigie_testkit::{Vigie, collect, signal, skip, terminate, which};

/// The notifier under test.
pub(crate) fn notifier_binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_vigie-notifier"))
}

/// A binary of another package of the workspace, built next to the notifier by
/// `cargo test --workspace`.
pub(crate) fn sibling_binary(name: &str) -> Result<PathBuf, String> {
    let bin = notifier_binary().with_file_name(name);
    if bin.exists() {
        Ok(bin)
    } else {
        Err(format!(
            "{} is missing: run `cargo test --workspace` (or `cargo build -p {}` first)",
            bin.display(),
            if name == "vigie" { "vigie" } else { name }
        ))
    }
}

/// The local upstream DNS server: every A is 192.0.2.99, everything else empty.
pub(crate) fn upstream() -> Upstream {
    Upstream::start(Ipv4Addr::new(192, 0, 2, 99), None)
}

/// One A query over UDP; the answer's rcode.
pub(crate) fn query_a(server: SocketAddr, name: &str) -> ResponseCode {
    let sock = UdpSocket::bind("127.0.0.1:0").unwrap();
    sock.set_read_timeout(Some(Duration::from_secs(3))).unwrap();
    let mut q = Message::query();
    q.metadata.id = std::process::id() as u16 ^ Instant::now().elapsed().subsec_nanos() as u16;
    q.metadata.recursion_desired = true;
    q.add_query(Query::query(Name::from_ascii(name).unwrap(), RecordType::A));
    sock.send_to(&q.to_vec().unwrap(), server).unwrap();
    let mut buf = vec![0u8; 4096];
    let (n, _) = sock.recv_from(&mut buf).expect("an answer from vigie");
    Message::from_vec(&buf[..n]).unwrap().metadata.response_code
}

/// Polls `f` every 50 ms until it returns true or `limit` passes.
pub(crate) fn eventually(limit: Duration, mut f: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    while start.elapsed() <= limit {
        if f() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    false
}

/// An Xvfb server on a free display, for the notification server; stopped on drop.
pub(crate) struct Xvfb {
    child: Child,
    pub(crate) display: String,
}

impl Xvfb {
    pub(crate) fn start() -> Xvfb {
        for n in 90..200 {
            let socket = PathBuf::from(format!("/tmp/.X11-unix/X{n}"));
            if socket.exists() || PathBuf::from(format!("/tmp/.X{n}-lock")).exists() {
                continue;
            }
            let mut child = Command::new("Xvfb")
                .arg(format!(":{n}"))
                .args(["-screen", "0", "1280x900x24", "-nolisten", "tcp"])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("Xvfb starts");
            if eventually(Duration::from_secs(10), || {
                socket.exists() || matches!(child.try_wait(), Ok(Some(_)))
            }) && socket.exists()
            {
                return Xvfb {
                    child,
                    display: format!(":{n}"),
                };
            }
            // Another server took the display meanwhile: try the next.
            let _ = child.kill();
            let _ = child.wait();
        }
        panic!("no free X display between :90 and :199");
    }
}

impl Drop for Xvfb {
    fn drop(&mut self) {
        terminate(&mut self.child);
    }
}

/// The processes that `pid` started.
pub(crate) fn children(pid: u32) -> Vec<u32> {
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return Vec::new();
    };
    tasks
        .flatten()
        .filter_map(|t| std::fs::read_to_string(t.path().join("children")).ok())
        .flat_map(|s| {
            s.split_whitespace()
                .filter_map(|p| p.parse().ok())
                .collect::<Vec<_>>()
        })
        .collect()
}
