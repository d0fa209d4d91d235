//! Helpers: where the binaries are, a local upstream DNS server, the `vigie` service, DNS
//! queries, and waiting.

use std::io::{BufRead, BufReader, Read};
use std::net::{Ipv4Addr, SocketAddr, UdpSocket};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use hickory_proto::op::{Message, Query, ResponseCode};
use hickory_proto::rr::{Name, RecordType};

use vigie_testkit::Upstream;
pub(crate) use vigie_testkit::{free_port, skip, which};

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

/// The `vigie` service on loopback ports with temporary folders; restartable with the same
/// folders and ports.
pub(crate) struct Vigie {
    bin: PathBuf,
    child: Option<Child>,
    pub(crate) dns: SocketAddr,
    page: SocketAddr,
    upstream: SocketAddr,
    config: PathBuf,
    data: PathBuf,
    pub(crate) runtime: PathBuf,
    _dirs: tempfile::TempDir,
    stdout: Arc<Mutex<String>>,
}

impl Vigie {
    pub(crate) fn start(bin: PathBuf, upstream: SocketAddr, settings: Option<&str>) -> Vigie {
        let dirs = tempfile::tempdir().unwrap();
        let config = dirs.path().join("config");
        let data = dirs.path().join("data");
        std::fs::create_dir_all(config.join("lists")).unwrap();
        std::fs::create_dir_all(&data).unwrap();
        if let Some(s) = settings {
            std::fs::write(config.join("settings.toml"), s).unwrap();
        }
        let mut v = Vigie {
            bin,
            child: None,
            dns: SocketAddr::from(([127, 0, 0, 1], free_port())),
            page: SocketAddr::from(([127, 0, 0, 1], free_port())),
            upstream,
            config,
            data,
            runtime: dirs.path().join("run"),
            _dirs: dirs,
            stdout: Arc::new(Mutex::new(String::new())),
        };
        v.restart();
        v
    }

    /// Starts the service (again) and waits until it filters.
    pub(crate) fn restart(&mut self) {
        assert!(self.child.is_none(), "vigie is already running");
        self.stdout.lock().unwrap().clear();
        let mut child = Command::new(&self.bin)
            .arg("run")
            .arg("--config-dir")
            .arg(&self.config)
            .arg("--data-dir")
            .arg(&self.data)
            .arg("--runtime-dir")
            .arg(&self.runtime)
            .arg("--listen")
            .arg(self.dns.to_string())
            .arg("--upstream")
            .arg(self.upstream.to_string())
            .arg("--block-page")
            .arg(self.page.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("vigie starts");
        collect(child.stdout.take().unwrap(), self.stdout.clone());
        self.child = Some(child);
        let out = self.stdout.clone();
        assert!(
            eventually(Duration::from_secs(30), || out
                .lock()
                .unwrap()
                .contains("Vigie is filtering DNS")),
            "vigie did not start: {}",
            self.stdout.lock().unwrap()
        );
    }

    /// Stops the service with SIGTERM and waits for it.
    pub(crate) fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            terminate(&mut child);
        }
    }

    /// A client of the service's local API.
    pub(crate) fn client(&self) -> vigie_localapi::Client {
        vigie_localapi::Client::new(self.runtime.join(vigie_localapi::SOCKET_NAME))
    }
}

impl Drop for Vigie {
    fn drop(&mut self) {
        self.stop();
    }
}

/// SIGTERM, then wait up to 10 s (SIGKILL after that).
pub(crate) fn terminate(child: &mut Child) {
    signal(child.id(), "TERM");
    if !eventually(Duration::from_secs(10), || {
        matches!(child.try_wait(), Ok(Some(_)))
    }) {
        let _ = child.kill();
    }
    let _ = child.wait();
}

/// Sends a signal to one process by its id.
pub(crate) fn signal(pid: u32, name: &str) {
    let _ = Command::new("kill")
        .arg(format!("-{name}"))
        .arg(pid.to_string())
        .status();
}

/// Appends each line of a stream to a shared string.
pub(crate) fn collect(stream: impl Read + Send + 'static, into: Arc<Mutex<String>>) {
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines().map_while(Result::ok) {
            let mut s = into.lock().unwrap();
            s.push_str(&line);
            s.push('\n');
        }
    });
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
