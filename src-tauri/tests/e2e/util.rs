//! Helpers: a local upstream DNS server, a local web server for list feeds, the `vigie`
//! service, an X server, and DNS queries.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener, UdpSocket};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use hickory_proto::op::{Message, Query, ResponseCode};
use hickory_proto::rr::{Name, RData, RecordType};

/// The address every name resolves to upstream.
pub(crate) const UPSTREAM_A: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 99);

/// The app binary under test.
pub(crate) fn app_binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_vigie-app"))
}

/// The target folder (where screenshots go).
pub(crate) fn target_dir() -> PathBuf {
    app_binary()
        .parent()
        .and_then(Path::parent)
        .expect("the binary sits in target/<profile>/")
        .to_path_buf()
}

/// The `vigie` service binary, built by `cargo test --workspace` next to the app.
pub(crate) fn vigie_binary() -> Result<PathBuf, String> {
    let bin = app_binary().with_file_name("vigie");
    if bin.exists() {
        Ok(bin)
    } else {
        Err(format!(
            "{} is missing: run `cargo test --workspace` (or `cargo build -p vigie` first)",
            bin.display()
        ))
    }
}

/// A program on PATH or, failing that, in ~/.cargo/bin, where `cargo install tauri-driver` puts
/// it even when that folder is not on PATH.
pub(crate) fn which(program: &str) -> Option<PathBuf> {
    vigie_testkit::which(program).or_else(|| {
        let home = std::env::var_os("HOME")?;
        Some(PathBuf::from(home).join(".cargo/bin").join(program)).filter(|p| p.is_file())
    })
}

/// Says why a test is skipped, countably (and fails it under CI).
pub(crate) use vigie_testkit::skip;

pub(crate) use vigie_testkit::free_port;

use vigie_testkit::Upstream;

/// The local upstream DNS server: every A is [`UPSTREAM_A`], every AAAA 2001:db8::99.
pub(crate) fn upstream() -> Upstream {
    Upstream::start(
        UPSTREAM_A,
        Some(Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0x99)),
    )
}

/// A web server on 127.0.0.1 serving a few files (plain text; 404 for any other path), the
/// remote side of list feeds. It counts the files it served.
pub(crate) struct ListServer {
    pub(crate) addr: SocketAddr,
    pub(crate) served: Arc<std::sync::atomic::AtomicUsize>,
}

impl ListServer {
    pub(crate) fn start(files: Vec<(&str, String)>) -> ListServer {
        let files: std::collections::HashMap<String, String> = files
            .into_iter()
            .map(|(path, body)| (path.to_string(), body))
            .collect();
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let served = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let count = served.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
                // The request's head, up to its blank line; a feed's GET has no body.
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") && head.len() < 16 * 1024 {
                    match stream.read(&mut byte) {
                        Ok(1) => head.push(byte[0]),
                        _ => break,
                    }
                }
                let head = String::from_utf8_lossy(&head);
                let path = head.split_whitespace().nth(1).unwrap_or("");
                let (status, body) = match files.get(path) {
                    Some(body) => ("200 OK", body.as_str()),
                    None => ("404 Not Found", "not here\n"),
                };
                let answer = format!(
                    "HTTP/1.1 {status}\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                if stream.write_all(answer.as_bytes()).is_ok() && status.starts_with("200") {
                    count.fetch_add(1, Ordering::Relaxed);
                }
            }
        });
        ListServer { addr, served }
    }

    pub(crate) fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }
}

/// The answer to one A query over UDP: the rcode and the IPv4 addresses.
pub(crate) fn query_a(server: SocketAddr, name: &str) -> (ResponseCode, Vec<Ipv4Addr>) {
    let sock = UdpSocket::bind("127.0.0.1:0").unwrap();
    sock.set_read_timeout(Some(Duration::from_secs(3))).unwrap();
    let mut q = Message::query();
    q.metadata.id = (std::process::id() as u16) ^ (Instant::now().elapsed().subsec_nanos() as u16);
    q.metadata.recursion_desired = true;
    q.add_query(Query::query(Name::from_ascii(name).unwrap(), RecordType::A));
    sock.send_to(&q.to_vec().unwrap(), server).unwrap();
    let mut buf = vec![0u8; 4096];
    let (n, _) = sock.recv_from(&mut buf).expect("an answer from vigie");
    let m = Message::from_vec(&buf[..n]).unwrap();
    let ips = m
        .answers
        .iter()
        .filter_map(|r| match &r.data {
            RData::A(a) => Some(a.0),
            _ => None,
        })
        .collect();
    (m.metadata.response_code, ips)
}

/// The `vigie` service on loopback ports with temporary folders; restartable with the same
/// folders and ports.
pub(crate) struct Vigie {
    bin: PathBuf,
    child: Option<Child>,
    pub(crate) dns: SocketAddr,
    page: SocketAddr,
    upstream: SocketAddr,
    pub(crate) config: PathBuf,
    data: PathBuf,
    pub(crate) runtime: PathBuf,
    _dirs: tempfile::TempDir,
    stdout: Arc<Mutex<String>>,
    /// More arguments of `vigie run`, kept for a restart.
    extra: Vec<String>,
}

impl Vigie {
    pub(crate) fn start(bin: PathBuf, upstream: SocketAddr, settings: Option<&str>) -> Vigie {
        Vigie::start_with(bin, upstream, settings, &[])
    }

    /// With more arguments of `vigie run` (such as `--feed-url`).
    pub(crate) fn start_with(
        bin: PathBuf,
        upstream: SocketAddr,
        settings: Option<&str>,
        extra: &[String],
    ) -> Vigie {
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
            extra: extra.to_vec(),
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
            .args(&self.extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("vigie starts");
        collect(child.stdout.take().unwrap(), self.stdout.clone());
        self.child = Some(child);
        let start = Instant::now();
        while !self
            .stdout
            .lock()
            .unwrap()
            .contains("Vigie is filtering DNS")
        {
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "vigie did not start: {}",
                self.stdout.lock().unwrap()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
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
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// SIGTERM, then wait up to 10 s (SIGKILL after that).
pub(crate) fn terminate(child: &mut Child) {
    let _ = Command::new("kill")
        .arg("-TERM")
        .arg(child.id().to_string())
        .status();
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(10) {
        if let Ok(Some(_)) = child.try_wait() {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
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

/// An Xvfb server on a free display, stopped on drop.
pub(crate) struct Xvfb {
    child: Child,
    pub(crate) display: String,
}

impl Xvfb {
    pub(crate) fn start() -> Result<Xvfb, String> {
        let bin = which("Xvfb").ok_or("Xvfb is not installed (apt-get install xvfb)")?;
        for n in 90..200 {
            let socket = PathBuf::from(format!("/tmp/.X11-unix/X{n}"));
            let lock = PathBuf::from(format!("/tmp/.X{n}-lock"));
            if socket.exists() || lock.exists() {
                continue;
            }
            let mut child = Command::new(&bin)
                .arg(format!(":{n}"))
                .args(["-screen", "0", "1280x900x24", "-nolisten", "tcp"])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .map_err(|e| format!("Xvfb did not start: {e}"))?;
            let start = Instant::now();
            while start.elapsed() < Duration::from_secs(10) {
                if socket.exists() {
                    return Ok(Xvfb {
                        child,
                        display: format!(":{n}"),
                    });
                }
                if let Ok(Some(_)) = child.try_wait() {
                    break; // another server took the display meanwhile: try the next
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            let _ = child.kill();
            let _ = child.wait();
        }
        Err("no free X display between :90 and :199".into())
    }
}

impl Drop for Xvfb {
    fn drop(&mut self) {
        terminate(&mut self.child);
    }
}
