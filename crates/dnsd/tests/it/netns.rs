//! End to end in a network namespace the test makes itself (`lo`, plus for the redirect a veth
//! pair with both ends inside it; nothing leaves it): the files `vigie install` writes are put to
//! use, and programs' lookups are seen to go through Vigie.
//!
//! The namespace gets the installed `/etc/resolv.conf` (through `/etc/netns/NAME/`, which
//! `ip netns exec` mounts over `/etc`), the local upstream DNS server (bound from a thread that
//! entered the namespace), and `vigie run` with the installed settings, started as the service
//! user with only CAP_NET_BIND_SERVICE, as the systemd unit does. Then `getent` (the C library's
//! resolver, the path every program takes) must get the block address for omegle.com and real
//! answers for the test zone, status must report the computer's lookups reaching Vigie, another
//! user can neither stop the service nor change anything through the API, and, with nftables,
//! a query sent straight to another server's port 53 is answered by Vigie (except the service's
//! own, which goes where it was sent) while port 853 is refused. Headless Chromium, when
//! installed, opens http://omegle.com/ there and shows the block page. Needs root and `ip`; says
//! why when skipped.

use std::net::{SocketAddr, TcpStream, UdpSocket};
use std::os::fd::AsFd;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use hickory_proto::op::Message;
use hickory_proto::rr::{RData, RecordType};

use crate::install::{Seed, as_nobody, is_root, seeded_root, vigie};
use crate::upstream::Upstream;
use crate::util::{eventually, query_message, run_with_stdin, tcp_exchange};

/// A network namespace, deleted on drop with its `/etc/netns` folder.
pub(crate) struct Netns {
    pub(crate) name: String,
}

impl Netns {
    pub(crate) fn create() -> Result<Netns, String> {
        // One name per namespace: the tests that make one run in parallel in one process.
        static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let name = format!("vigie-it-{}-{n}", std::process::id());
        let out = Command::new("ip")
            .args(["netns", "add", &name])
            .output()
            .map_err(|e| format!("`ip` cannot run ({e}); install iproute2"))?;
        if !out.status.success() {
            return Err(format!(
                "`ip netns add` failed: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            ));
        }
        let ns = Netns { name };
        ns.ip(&["link", "set", "lo", "up"]);
        Ok(ns)
    }

    /// `ip -n NAME ARGS`, which must succeed.
    pub(crate) fn ip(&self, args: &[&str]) -> String {
        let out = Command::new("ip")
            .arg("-n")
            .arg(&self.name)
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "ip {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// A command run inside the namespace.
    pub(crate) fn command(&self, program: &str) -> Command {
        let mut c = Command::new("ip");
        c.args(["netns", "exec", &self.name, program]);
        c
    }

    fn run(&self, program: &str, args: &[&str]) -> (i32, String, String) {
        let mut c = self.command(program);
        c.args(args);
        run_with_stdin(c, "")
    }

    /// Runs `f` on a thread that entered the namespace: sockets it opens live there.
    pub(crate) fn enter<T: Send + 'static>(&self, f: impl FnOnce() -> T + Send + 'static) -> T {
        let path = format!("/run/netns/{}", self.name);
        std::thread::spawn(move || {
            let fd = std::fs::File::open(&path).unwrap();
            rustix::thread::move_into_link_name_space(
                fd.as_fd(),
                Some(rustix::thread::LinkNameSpaceType::Network),
            )
            .expect("setns into the test namespace");
            f()
        })
        .join()
        .unwrap()
    }
}

impl Drop for Netns {
    fn drop(&mut self) {
        let _ = Command::new("ip")
            .args(["netns", "del", &self.name])
            .status();
        let _ = std::fs::remove_dir_all(format!("/etc/netns/{}", self.name));
    }
}

/// A process killed on drop, with its output collected.
struct Running {
    child: Child,
    out: Arc<Mutex<String>>,
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn spawn(mut cmd: Command) -> Running {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let out = Arc::new(Mutex::new(String::new()));
    for stream in [
        Box::new(child.stdout.take().unwrap()) as Box<dyn std::io::Read + Send>,
        Box::new(child.stderr.take().unwrap()),
    ] {
        let out = out.clone();
        std::thread::spawn(move || {
            use std::io::BufRead;
            for line in std::io::BufReader::new(stream)
                .lines()
                .map_while(Result::ok)
            {
                let mut s = out.lock().unwrap();
                s.push_str(&line);
                s.push('\n');
            }
        });
    }
    Running { child, out }
}

/// One UDP query to `server` from inside the namespace; `None` when nothing answers in 2 s.
pub(crate) fn udp_from(ns: &Netns, server: SocketAddr, name: &'static str) -> Option<Message> {
    ns.enter(move || {
        let sock = UdpSocket::bind("0.0.0.0:0").unwrap();
        sock.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
        let q = query_message(name, RecordType::A, true);
        sock.send_to(&q.to_vec().unwrap(), server).ok()?;
        let mut buf = vec![0u8; 4096];
        let (n, _) = sock.recv_from(&mut buf).ok()?;
        Some(Message::from_vec(&buf[..n]).unwrap())
    })
}

pub(crate) fn a_records(m: &Message) -> Vec<String> {
    m.answers
        .iter()
        .filter_map(|r| match &r.data {
            RData::A(a) => Some(a.0.to_string()),
            _ => None,
        })
        .collect()
}

#[test]
fn programs_in_a_network_namespace_go_through_the_installed_vigie() {
    if !is_root() {
        vigie_testkit::skip(
            &format!("{}:{}", file!(), line!()),
            "making a network namespace needs root (CI runs as root)",
        );
        return;
    }
    if Command::new("setpriv").arg("--version").output().is_err() {
        vigie_testkit::skip(
            &format!("{}:{}", file!(), line!()),
            "setpriv (util-linux) is needed to run Vigie as its own user",
        );
        return;
    }
    let ns = match Netns::create() {
        Ok(ns) => ns,
        Err(reason) => {
            vigie_testkit::skip(&format!("{}:{}", file!(), line!()), &reason);
            return;
        }
    };
    let has_v6 = ns.ip(&["-6", "addr", "show", "dev", "lo"]).contains("::1");
    let upstream = ns.enter(Upstream::start);

    // Install into a temporary root, forwarding to the test's upstream.
    let dir = seeded_root(Seed::Plain);
    let root = dir.path();
    let r = root.to_str().unwrap();
    let (code, out, err) = vigie(&[
        "install",
        "--root",
        r,
        "--upstream",
        &upstream.addr().to_string(),
        "--redirect",
        "on",
    ]);
    assert_eq!(code, 0, "{out}{err}");
    let passwd = std::fs::read_to_string(root.join("etc/passwd")).unwrap();
    let ids: Vec<&str> = passwd
        .lines()
        .find(|l| l.starts_with("vigie:"))
        .unwrap()
        .split(':')
        .collect();
    let (uid, gid) = (ids[2], ids[3]);

    // The namespace's /etc/resolv.conf is the one install wrote.
    let etc = format!("/etc/netns/{}", ns.name);
    std::fs::create_dir_all(&etc).unwrap();
    std::fs::copy(root.join("etc/resolv.conf"), format!("{etc}/resolv.conf")).unwrap();

    // systemd's RuntimeDirectory=vigie, made by hand.
    let runtime = root.join("run/vigie");
    std::fs::create_dir_all(&runtime).unwrap();
    std::os::unix::fs::chown(
        &runtime,
        Some(uid.parse().unwrap()),
        Some(gid.parse().unwrap()),
    )
    .unwrap();
    std::fs::set_permissions(&runtime, std::fs::Permissions::from_mode(0o755)).unwrap();

    // The service as the unit runs it: its own user, only the capability to bind port 53/80.
    let mut cmd = ns.command("setpriv");
    cmd.args([
        &format!("--reuid={uid}"),
        &format!("--regid={gid}"),
        "--clear-groups",
        "--inh-caps=+net_bind_service",
        "--ambient-caps=+net_bind_service",
        env!("CARGO_BIN_EXE_vigie"),
        "run",
        "--probe-system-dns",
        "--config-dir",
        &format!("{r}/etc/vigie"),
        "--data-dir",
        &format!("{r}/var/lib/vigie"),
        "--runtime-dir",
        runtime.to_str().unwrap(),
        "--listen",
        "127.0.0.1:53",
    ]);
    if has_v6 {
        cmd.args(["--listen", "[::1]:53"]);
    }
    let service = spawn(cmd);
    let started = eventually(Duration::from_secs(20), || {
        service
            .out
            .lock()
            .unwrap()
            .contains("Vigie is filtering DNS")
    });
    assert!(
        started.is_some(),
        "vigie did not start in the namespace:\n{}",
        service.out.lock().unwrap()
    );

    // getent: the C library's resolver, as every program uses it.
    let (code, out, err) = ns.run("getent", &["hosts", "omegle.com"]);
    println!(
        "netns: getent hosts omegle.com → exit {code}: {}",
        out.trim()
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("127.0.0.88"), "the block address: {out}");
    assert!(
        !out.contains("192.0.2.99") && !out.contains("2001:db8::99"),
        "{out}"
    );
    let (code, out, _) = ns.run("getent", &["hosts", "chat.omegle.com"]);
    assert_eq!((code, out.contains("127.0.0.88")), (0, true), "{out}");
    // `getent hosts`, not `ahosts`: getaddrinfo's AI_ADDRCONFIG finds no address but loopback
    // in this namespace and would not even ask.
    let (code, out, err) = ns.run("getent", &["hosts", "example.test"]);
    println!(
        "netns: getent hosts example.test → exit {code}: {}",
        out.trim()
    );
    assert_eq!(
        code,
        0,
        "{err}\nupstream saw {} queries; service output:\n{}",
        upstream.queries(),
        service.out.lock().unwrap()
    );
    assert!(out.contains("192.0.2.1 "), "{out}");
    let (code, out, _) = ns.run("getent", &["hosts", "www.example.test"]);
    assert_eq!((code, out.contains("2001:db8::10")), (0, true), "{out}");
    let (code, _, _) = ns.run("getent", &["hosts", "nothing.nx.example.test"]);
    assert_eq!(code, 2, "a name that does not exist is not found");
    assert!(upstream.queries_for("example.test") >= 1);
    assert_eq!(
        upstream.queries_for("omegle.com"),
        0,
        "a blocked name never leaves"
    );

    // Status: the computer's (here, the namespace's) own lookups reach Vigie.
    let rt = runtime.to_str().unwrap();
    let mut status = String::new();
    let ok = eventually(Duration::from_secs(15), || {
        let (_, out, _) = vigie(&["status", "--json", "--runtime-dir", rt]);
        status = out;
        status.contains("\"system_dns_ok\": true")
    });
    assert!(ok.is_some(), "status: {status}");
    let (_, text, _) = vigie(&["status", "--runtime-dir", rt]);
    println!("netns: vigie status →\n{text}");
    assert!(
        text.contains("This computer's own lookups go through Vigie."),
        "{text}"
    );

    // Another user: cannot stop the service, cannot change anything without the password.
    let mut c = Command::new(env!("CARGO_BIN_EXE_vigie"));
    c.args(["password", "set", "--runtime-dir", rt]);
    let (code, out, err) = run_with_stdin(c, "a parent password\n");
    assert_eq!(code, 0, "{out}{err}");
    let bin = env!("CARGO_BIN_EXE_vigie");
    let pid = service.child.id().to_string();
    let (code, _, err) = as_nobody("kill", &["-TERM", &pid], "");
    assert_ne!(code, 0, "nobody stopped the service: {err}");
    // Refused for the right reason (not, say, a mistyped pid): the kernel said no.
    assert!(
        err.contains("Operation not permitted"),
        "the kernel refused the signal: {err}"
    );
    assert!(
        std::path::Path::new(&format!("/proc/{pid}")).exists(),
        "the service still runs"
    );
    for args in [
        &["pause", "30m", "--runtime-dir", rt][..],
        &["sites", "add", "example-chat.test", "--runtime-dir", rt],
        &["lists", "disable", "stranger-chat", "--runtime-dir", rt],
    ] {
        let (code, out, err) = as_nobody(bin, args, "a wrong guess\n");
        assert_ne!(code, 0, "{args:?} as nobody: {out}{err}");
    }
    let (_, out, _) = ns.run("getent", &["hosts", "omegle.com"]);
    assert!(
        out.contains("127.0.0.88"),
        "still blocked after the tries: {out}"
    );
    assert!(!root.join("etc/vigie/lists/my-sites.toml").exists());

    // nftables: a program that brings its own DNS server is answered by Vigie anyway.
    let has_nft = Command::new("nft").arg("--version").output().is_ok();
    if !has_nft {
        vigie_testkit::skip(
            &format!("{}:{}", file!(), line!()),
            "nft is not installed (apt-get install nftables), so the redirect was not tried",
        );
    } else {
        // A way out for addresses beyond the namespace: a veth pair with both ends inside it,
        // so what is sent there goes nowhere.
        ns.ip(&[
            "link", "add", "vout", "type", "veth", "peer", "name", "vsink",
        ]);
        ns.ip(&["addr", "add", "10.199.0.1/24", "dev", "vout"]);
        ns.ip(&["link", "set", "vout", "up"]);
        ns.ip(&["link", "set", "vsink", "up"]);
        ns.ip(&["route", "add", "default", "dev", "vout"]);
        let elsewhere: SocketAddr = "192.0.2.53:53".parse().unwrap();
        assert!(
            udp_from(&ns, elsewhere, "omegle.com").is_none(),
            "without the redirect nothing answers at {elsewhere}"
        );
        let rules = format!("{r}/usr/local/lib/vigie/redirect.nft");
        let (code, out, err) = ns.run("nft", &["-f", &rules]);
        assert_eq!(code, 0, "nft -f {rules}: {out}{err}");
        let m = udp_from(&ns, elsewhere, "omegle.com").expect("redirected to Vigie");
        println!(
            "netns: UDP query for omegle.com sent to {elsewhere} → {:?}",
            a_records(&m)
        );
        assert_eq!(a_records(&m), vec!["127.0.0.88".to_string()]);
        // The service's own user is exempt: its upstream lookups must go where they are sent.
        let vigie_uid: u32 = uid.parse().unwrap();
        let own = ns.enter(move || {
            rustix::thread::set_thread_uid(rustix::process::Uid::from_raw(vigie_uid))
                .expect("this thread takes the service's uid");
            let sock = UdpSocket::bind("0.0.0.0:0").unwrap();
            sock.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
            let q = query_message("omegle.com", RecordType::A, true);
            sock.send_to(&q.to_vec().unwrap(), elsewhere).unwrap();
            let mut buf = [0u8; 512];
            sock.recv_from(&mut buf).is_ok()
        });
        assert!(
            !own,
            "a query from the service's own user was redirected back to Vigie"
        );
        let m = udp_from(&ns, elsewhere, "www.example.test").expect("redirected to Vigie");
        assert_eq!(a_records(&m), vec!["192.0.2.10".to_string()]);
        let tcp = ns.enter(move || {
            let mut s = match TcpStream::connect_timeout(&elsewhere, Duration::from_secs(2)) {
                Ok(s) => s,
                Err(e) => {
                    eprintln!("netns: TCP connect to {elsewhere}: {e}");
                    return None;
                }
            };
            tcp_exchange(&mut s, &query_message("omegle.com", RecordType::A, true))
        });
        assert_eq!(
            a_records(&tcp.expect("TCP redirected to Vigie")),
            vec!["127.0.0.88".to_string()]
        );
        // DNS over TLS is refused at once, so the program falls back to plain DNS.
        let (refused, took) = ns.enter(|| {
            let start = Instant::now();
            let r = TcpStream::connect_timeout(
                &"192.0.2.53:853".parse().unwrap(),
                Duration::from_secs(3),
            );
            (r.err().map(|e| e.kind()), start.elapsed())
        });
        println!("netns: TCP connect to 192.0.2.53:853 → {refused:?} in {took:?}");
        assert_eq!(refused, Some(std::io::ErrorKind::ConnectionRefused));

        // DNS over HTTPS by address: every port of a public resolver's address is refused. The
        // rules hold the real resolvers' addresses; the test adds a documentation address to the
        // same set so that nothing is ever sent towards a real one, even inside the namespace.
        let (code, out, err) = ns.run(
            "nft",
            &[
                "add",
                "element",
                "inet",
                "vigie",
                "resolvers4",
                "{ 192.0.2.77 }",
            ],
        );
        assert_eq!(code, 0, "{out}{err}");
        for port in [443u16, 5353, 8443] {
            let to: SocketAddr = SocketAddr::new("192.0.2.77".parse().unwrap(), port);
            let refused = ns.enter(move || {
                TcpStream::connect_timeout(&to, Duration::from_secs(3))
                    .err()
                    .map(|e| e.kind())
            });
            assert_eq!(
                refused,
                Some(std::io::ErrorKind::ConnectionRefused),
                "TCP to a public resolver's address, port {port}"
            );
        }
        let udp_refused = ns.enter(|| {
            let sock = UdpSocket::bind("0.0.0.0:0").unwrap();
            sock.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
            let sent = sock.send_to(b"x", "192.0.2.77:443");
            let mut buf = [0u8; 16];
            // A rejected datagram comes back as an error on the send or on the next receive.
            sent.is_err()
                || sock
                    .recv_from(&mut buf)
                    .is_err_and(|e| e.kind() == std::io::ErrorKind::ConnectionRefused)
        });
        assert!(
            udp_refused,
            "UDP (QUIC, DNSCrypt) to a public resolver's address"
        );

        // `nft flush ruleset` (Debian's nftables.service on restart) removes the table; the
        // installed check puts it back.
        let (code, out, err) = ns.run("nft", &["flush", "ruleset"]);
        assert_eq!(code, 0, "{out}{err}");
        assert!(
            udp_from(&ns, elsewhere, "omegle.com").is_none(),
            "the redirect is gone"
        );
        let check = std::fs::read_to_string(format!(
            "{r}/etc/systemd/system/vigie-redirect-check.service"
        ))
        .unwrap();
        let command = check
            .lines()
            .find_map(|l| l.strip_prefix("ExecStart=/bin/sh -c '"))
            .and_then(|c| c.strip_suffix('\''))
            .expect("the check's command")
            .replace(
                "/usr/local/lib/vigie/",
                &format!("{r}/usr/local/lib/vigie/"),
            )
            .replace("/run/vigie/redirect.state", &format!("{r}/redirect.state"));
        let (code, out, err) = ns.run("sh", &["-c", &command]);
        assert_eq!(code, 0, "{command}: {out}{err}");
        assert_eq!(
            std::fs::read_to_string(format!("{r}/redirect.state"))
                .unwrap()
                .trim(),
            "restored",
            "the check says what it did, for status"
        );
        let m = udp_from(&ns, elsewhere, "omegle.com").expect("the redirect is back");
        assert_eq!(a_records(&m), vec!["127.0.0.88".to_string()]);
        assert!(
            std::fs::read_to_string(format!("{r}/etc/systemd/system/vigie-redirect-check.timer"))
                .unwrap()
                .contains("OnUnitActiveSec=30s")
        );
    }

    browser_shows_the_block_page(&ns);
    drop(service);
    drop(ns);
    let (code, out, err) = vigie(&["uninstall", "--root", r]);
    assert_eq!(code, 0, "{out}{err}");
}

/// Headless Chromium in the namespace: `http://omegle.com/` shows Vigie's block page (a
/// screenshot is saved), `https://omegle.com/` fails at once (nothing listens on the block
/// address's port 443) instead of hanging.
fn browser_shows_the_block_page(ns: &Netns) {
    let Some(browser) = ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|b| {
            Command::new(b)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        })
    else {
        vigie_testkit::skip(
            &format!("{}:{}", file!(), line!()),
            "no Chromium installed (apt-get install chromium), so the block page was not opened in a browser",
        );
        return;
    };
    let profile = tempfile::tempdir().unwrap();
    let shot = Path::new(env!("CARGO_TARGET_TMPDIR")).join("vigie-blockpage.png");
    let _ = std::fs::remove_file(&shot);
    let chromium = |extra: &[&str], url: &str| {
        let mut args = vec![
            "--headless".to_string(),
            // Chromium refuses its sandbox as root; the namespace is the test's own.
            "--no-sandbox".into(),
            "--disable-gpu".into(),
            format!("--user-data-dir={}", profile.path().display()),
        ];
        args.extend(extra.iter().map(|s| s.to_string()));
        args.push(url.into());
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        ns.run(browser, &refs)
    };
    let (code, page, err) = chromium(&["--dump-dom"], "http://omegle.com/");
    assert_eq!(code, 0, "{err}");
    assert!(
        page.contains("<h1>Omegle is blocked on this computer</h1>")
            && page.contains("talk to a parent"),
        "the browser did not show the block page:\n{page}\n{err}"
    );
    println!("netns: {browser} opened http://omegle.com/ → Vigie's block page");
    let (code, _, err) = chromium(
        &[
            "--window-size=900,600",
            &format!("--screenshot={}", shot.display()),
        ],
        "http://omegle.com/",
    );
    assert_eq!(code, 0, "{err}");
    let png = std::fs::read(&shot).expect("the screenshot was written");
    assert!(png.starts_with(b"\x89PNG"), "not a PNG");
    println!("netns: screenshot of the block page: {}", shot.display());
    let (_, page, err) = chromium(&["--dump-dom"], "https://omegle.com/");
    assert!(!page.contains("blocked on this computer"), "{page}");
    assert!(
        err.contains("ERR_CONNECTION_REFUSED"),
        "https://omegle.com/ should fail at once: {err}"
    );
    println!("netns: {browser} opened https://omegle.com/ → net::ERR_CONNECTION_REFUSED");
}

/// A computer with IPv6 turned off: the default `[::1]:53` cannot be bound, and the service must
/// start on 127.0.0.1 all the same, saying what it could not listen on.
#[test]
fn with_ipv6_off_the_service_starts_on_what_exists() {
    if !is_root() {
        return vigie_testkit::skip(
            "with_ipv6_off_the_service_starts_on_what_exists",
            "needs root for a network namespace",
        );
    }
    let ns = match Netns::create() {
        Ok(ns) => ns,
        Err(e) => {
            return vigie_testkit::skip("with_ipv6_off_the_service_starts_on_what_exists", &e);
        }
    };
    let (code, _, err) = ns.run("sysctl", &["-w", "net.ipv6.conf.lo.disable_ipv6=1"]);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = ns.run("sysctl", &["-w", "net.ipv6.conf.all.disable_ipv6=1"]);
    assert_eq!(code, 0, "{err}");
    let dirs = tempfile::tempdir().unwrap();
    for d in ["config", "data", "run"] {
        std::fs::create_dir_all(dirs.path().join(d)).unwrap();
    }
    let mut cmd = ns.command(env!("CARGO_BIN_EXE_vigie"));
    cmd.args(["run", "--listen", "127.0.0.1:53", "--listen", "[::1]:53"])
        .args([
            "--upstream",
            "127.0.0.1:5300",
            "--block-page",
            "127.0.0.1:8053",
        ])
        .arg("--config-dir")
        .arg(dirs.path().join("config"))
        .arg("--data-dir")
        .arg(dirs.path().join("data"))
        .arg("--runtime-dir")
        .arg(dirs.path().join("run"));
    let running = spawn(cmd);
    let server: SocketAddr = "127.0.0.1:53".parse().unwrap();
    let answered = eventually(Duration::from_secs(10), || {
        udp_from(&ns, server, "www.omegle.com").is_some_and(|m| a_records(&m) == ["127.0.0.88"])
    });
    let out = running.out.lock().unwrap().clone();
    assert!(answered.is_some(), "no answer on 127.0.0.1:53: {out}");
    assert!(
        out.contains("not listening on [::1]:53"),
        "says what it could not listen on: {out}"
    );
    assert!(out.contains("filtering DNS on 127.0.0.1:53 "), "{out}");
}
