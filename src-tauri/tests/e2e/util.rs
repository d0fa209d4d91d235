//! Helpers: a local upstream DNS server, a local web server for list feeds, the `vigie`
//! service, an X server, and DNS queries.

use std::io::{Read, Write};
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener, UdpSocket};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::Ordering;
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

pub(crate) use vigie_testkit::{Vigie, collect, free_port, terminate};

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
