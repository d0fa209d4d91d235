//! Helpers for the integration tests: start the real `vigie` binary on loopback ports with
//! temporary folders, and ask it questions over UDP and TCP.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream, UdpSocket};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use hickory_proto::op::{Edns, Message, Query};
use hickory_proto::rr::{Name, RecordType};

/// A running `vigie run`, stopped (SIGKILL) on drop if still running.
pub(crate) struct Vigie {
    child: Child,
    pub(crate) dns: SocketAddr,
    pub(crate) page: SocketAddr,
    pub(crate) config: PathBuf,
    pub(crate) data: PathBuf,
    pub(crate) runtime: PathBuf,
    _dirs: tempfile::TempDir,
    pub(crate) stdout: Arc<Mutex<String>>,
    pub(crate) stderr: Arc<Mutex<String>>,
}

pub(crate) use vigie_testkit::free_port;

impl Vigie {
    /// Starts Vigie forwarding to `upstream`, with `settings` as settings.toml (if any) and the
    /// given files written into the config folder before start.
    pub(crate) fn start(
        upstream: SocketAddr,
        settings: Option<&str>,
        files: &[(&str, &str)],
    ) -> Vigie {
        Vigie::start_env(upstream, settings, files, &[])
    }

    /// [`Vigie::start`] with extra environment variables.
    pub(crate) fn start_env(
        upstream: SocketAddr,
        settings: Option<&str>,
        files: &[(&str, &str)],
        env: &[(&str, &str)],
    ) -> Vigie {
        let upstream = ["--upstream".to_string(), upstream.to_string()];
        Vigie::start_with(&[], &upstream, settings, files, env)
    }

    /// Starts `vigie run` behind `wrapper` (e.g. `ip netns exec NAME`) with `args` added (the
    /// upstream flags among them), on loopback ports, with temporary folders.
    pub(crate) fn start_with(
        wrapper: &[&str],
        args: &[String],
        settings: Option<&str>,
        files: &[(&str, &str)],
        env: &[(&str, &str)],
    ) -> Vigie {
        let dirs = tempfile::tempdir().unwrap();
        // Other local users (the permission tests run clients as `nobody`) must reach the socket.
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dirs.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        let config = dirs.path().join("config");
        let data = dirs.path().join("data");
        std::fs::create_dir_all(config.join("lists")).unwrap();
        std::fs::create_dir_all(&data).unwrap();
        if let Some(s) = settings {
            std::fs::write(config.join("settings.toml"), s).unwrap();
        }
        for (name, text) in files {
            write_file(&config, name, text);
        }
        let runtime = dirs.path().join("run");
        let mut dirs = Some(dirs);
        // A port found free can be taken before Vigie binds it; Vigie then exits with code 4
        // (cannot listen), and starting again on other ports is the answer.
        for attempt in 1.. {
            let dns = SocketAddr::from(([127, 0, 0, 1], free_port()));
            let page = SocketAddr::from(([127, 0, 0, 1], free_port()));
            let mut command = match wrapper.split_first() {
                Some((program, rest)) => {
                    let mut c = Command::new(program);
                    c.args(rest).arg(env!("CARGO_BIN_EXE_vigie"));
                    c
                }
                None => Command::new(env!("CARGO_BIN_EXE_vigie")),
            };
            let mut child = command
                .envs(env.iter().copied())
                .arg("run")
                .arg("--config-dir")
                .arg(&config)
                .arg("--data-dir")
                .arg(&data)
                .arg("--runtime-dir")
                .arg(&runtime)
                .arg("--listen")
                .arg(dns.to_string())
                .args(args)
                .arg("--block-page")
                .arg(page.to_string())
                .env("VIGIE_LOG", "info")
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("the vigie binary starts");
            let stdout = Arc::new(Mutex::new(String::new()));
            let stderr = Arc::new(Mutex::new(String::new()));
            collect(child.stdout.take().unwrap(), stdout.clone());
            collect(child.stderr.take().unwrap(), stderr.clone());
            let mut v = Vigie {
                child,
                dns,
                page,
                config: config.clone(),
                data: data.clone(),
                runtime: runtime.clone(),
                _dirs: dirs.take().unwrap(),
                stdout,
                stderr,
            };
            let start = Instant::now();
            while start.elapsed() < Duration::from_secs(20) {
                if v.stdout.lock().unwrap().contains("Vigie is filtering DNS") {
                    return v;
                }
                if let Some(status) = v.child.try_wait().unwrap() {
                    if status.code() == Some(4) && attempt < 5 {
                        break;
                    }
                    std::thread::sleep(Duration::from_millis(50));
                    panic!(
                        "vigie exited ({status}) before it was ready\nstdout:\n{}\nstderr:\n{}",
                        v.stdout.lock().unwrap(),
                        v.stderr.lock().unwrap()
                    );
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            if v.child.try_wait().unwrap().is_none() {
                v.wait_for_output("Vigie is filtering DNS", Duration::ZERO);
            }
            eprintln!("vigie could not bind {dns} or {page} (taken meanwhile); starting again");
            dirs = Some(std::mem::replace(
                &mut v._dirs,
                tempfile::tempdir().unwrap(),
            ));
        }
        unreachable!("the loop returns or panics")
    }

    /// Waits until stdout contains `text`; panics with both streams after `limit`.
    pub(crate) fn wait_for_output(&self, text: &str, limit: Duration) {
        let start = Instant::now();
        while start.elapsed() < limit {
            if self.stdout.lock().unwrap().contains(text) {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!(
            "no {text:?} within {limit:?}\nstdout:\n{}\nstderr:\n{}",
            self.stdout.lock().unwrap(),
            self.stderr.lock().unwrap()
        );
    }

    /// Sends SIGTERM and waits for the process to exit.
    pub(crate) fn terminate(&mut self) -> ExitStatus {
        Command::new("kill")
            .arg("-TERM")
            .arg(self.child.id().to_string())
            .status()
            .unwrap();
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                // Let the reader threads drain the pipes.
                std::thread::sleep(Duration::from_millis(50));
                return status;
            }
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "vigie did not stop on SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Waits at most `limit` for the process to end by itself; its status, or `None` if it
    /// still runs.
    pub(crate) fn wait_exit(&mut self, limit: Duration) -> Option<ExitStatus> {
        let start = Instant::now();
        while start.elapsed() < limit {
            if let Some(status) = self.child.try_wait().unwrap() {
                // Let the reader threads drain the pipes.
                std::thread::sleep(Duration::from_millis(50));
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }

    /// Writes a file into the config folder atomically, as an editor or the API would.
    pub(crate) fn write_config(&self, rel: &str, text: &str) {
        write_file(&self.config, rel, text);
    }

    /// A client of this instance's local API.
    /// The service's process id.
    pub(crate) fn pid(&self) -> u32 {
        self.child.id()
    }

    pub(crate) fn client(&self) -> vigie_localapi::Client {
        vigie_localapi::Client::new(self.runtime.join(vigie_localapi::SOCKET_NAME))
    }

    /// Runs `vigie ARGS --runtime-dir …` with `stdin` as standard input; returns (exit code,
    /// stdout, stderr). `as_user` runs it as another user through `setpriv`.
    pub(crate) fn cli(
        &self,
        args: &[&str],
        stdin: &str,
        as_user: Option<&str>,
    ) -> (i32, String, String) {
        let bin = env!("CARGO_BIN_EXE_vigie");
        let mut cmd = match as_user {
            None => Command::new(bin),
            Some(user) => {
                let mut c = Command::new("setpriv");
                c.args([
                    &format!("--reuid={user}"),
                    "--regid=nogroup",
                    "--clear-groups",
                    bin,
                ]);
                c
            }
        };
        cmd.args(args).arg("--runtime-dir").arg(&self.runtime);
        run_with_stdin(cmd, stdin)
    }

    pub(crate) fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    pub(crate) fn udp(&self, name: &str, qtype: RecordType) -> Message {
        query_udp(self.dns, name, qtype, true).expect("an answer over UDP")
    }

    pub(crate) fn tcp(&self, name: &str, qtype: RecordType) -> Message {
        query_tcp(self.dns, name, qtype).expect("an answer over TCP")
    }
}

impl Drop for Vigie {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn write_file(dir: &Path, rel: &str, text: &str) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let tmp = path.with_extension("tmp-write");
    std::fs::write(&tmp, text).unwrap();
    std::fs::rename(&tmp, &path).unwrap();
}

fn collect(stream: impl Read + Send + 'static, into: Arc<Mutex<String>>) {
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines().map_while(Result::ok) {
            let mut s = into.lock().unwrap();
            s.push_str(&line);
            s.push('\n');
        }
    });
}

/// A query message.
pub(crate) fn query_message(name: &str, qtype: RecordType, edns: bool) -> Message {
    let mut m = Message::query();
    m.metadata.id = rand_id();
    m.metadata.recursion_desired = true;
    m.add_query(Query::query(Name::from_ascii(name).unwrap(), qtype));
    if edns {
        let mut e = Edns::new();
        e.set_max_payload(1232);
        m.set_edns(e);
    }
    m
}

fn rand_id() -> u16 {
    (Instant::now().elapsed().subsec_nanos() ^ std::process::id()) as u16
}

/// Sends raw bytes over UDP and waits up to 3 s for one reply.
pub(crate) fn udp_raw(server: SocketAddr, bytes: &[u8]) -> Option<Vec<u8>> {
    let sock = UdpSocket::bind("127.0.0.1:0").unwrap();
    sock.set_read_timeout(Some(Duration::from_secs(3))).unwrap();
    sock.send_to(bytes, server).unwrap();
    let mut buf = vec![0u8; 65_535];
    let (n, _) = sock.recv_from(&mut buf).ok()?;
    Some(buf[..n].to_vec())
}

pub(crate) fn query_udp(
    server: SocketAddr,
    name: &str,
    qtype: RecordType,
    edns: bool,
) -> Option<Message> {
    let q = query_message(name, qtype, edns);
    let reply = udp_raw(server, &q.to_vec().unwrap())?;
    let m = Message::from_vec(&reply).expect("a well-formed reply");
    assert_eq!(m.metadata.id, q.metadata.id, "reply id matches the query");
    Some(m)
}

pub(crate) fn query_tcp(server: SocketAddr, name: &str, qtype: RecordType) -> Option<Message> {
    let mut s = TcpStream::connect_timeout(&server, Duration::from_secs(3)).ok()?;
    tcp_exchange(&mut s, &query_message(name, qtype, true))
}

/// One query and its answer on an open TCP connection.
pub(crate) fn tcp_exchange(s: &mut TcpStream, q: &Message) -> Option<Message> {
    s.set_read_timeout(Some(Duration::from_secs(3))).unwrap();
    let bytes = q.to_vec().unwrap();
    let mut framed = (bytes.len() as u16).to_be_bytes().to_vec();
    framed.extend_from_slice(&bytes);
    s.write_all(&framed).ok()?;
    let mut len = [0u8; 2];
    s.read_exact(&mut len).ok()?;
    let mut body = vec![0u8; u16::from_be_bytes(len) as usize];
    s.read_exact(&mut body).ok()?;
    Some(Message::from_vec(&body).expect("a well-formed reply"))
}

/// The Extended DNS Error text of a reply, if any.
pub(crate) fn ede_text(m: &Message) -> Option<String> {
    use hickory_proto::rr::rdata::opt::{EdnsCode, EdnsOption};
    match m.edns.as_ref()?.options().get(EdnsCode::Unknown(15))? {
        EdnsOption::Unknown(_, data) if data.len() >= 2 => {
            Some(String::from_utf8_lossy(&data[2..]).into_owned())
        }
        _ => None,
    }
}

/// A list file with one site.
pub(crate) fn list_toml(id: &str, action: &str, site: &str, domains: &[&str]) -> String {
    let domains: Vec<String> = domains.iter().map(|d| format!("{d:?}")).collect();
    format!(
        "[list]\nid = \"{id}\"\nname = \"{id}\"\naction = \"{action}\"\n\n[[site]]\nname = \"{site}\"\ndomains = [{}]\n",
        domains.join(", ")
    )
}

/// Polls `f` every 20 ms until it returns true or `limit` passes; returns the time it took.
pub(crate) fn eventually(limit: Duration, mut f: impl FnMut() -> bool) -> Option<Duration> {
    let start = Instant::now();
    while start.elapsed() <= limit {
        if f() {
            return Some(start.elapsed());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    None
}

/// Runs a command with `stdin` as its standard input; returns (exit code, stdout, stderr).
pub(crate) fn run_with_stdin(mut cmd: Command, stdin: &str) -> (i32, String, String) {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the command starts");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}
