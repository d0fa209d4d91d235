//! The resolvers that sit in front of Vigie on a family PC or a home network, run for real on
//! loopback and forwarding to the real `vigie`: glibc's stub with the usual resolv.conf options,
//! dnsmasq 2.90 and unbound 1.17 (iterator only, as a home router's cache; a validator would
//! need signatures Vigie cannot make for block answers, see the README's DNSSEC paragraph; the
//! validating case is `dnssec.rs`). Through each, a blocked name must get the block address, an
//! allowed one its real answer, a CNAME into a blocked domain the block address, and Vigie must
//! keep answering after the forwarder's own probes (EDNS, DO, case). Says why when a forwarder
//! is not installed.

use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use hickory_proto::op::ResponseCode;
use hickory_proto::rr::RecordType;

use crate::netns::a_records;
use crate::upstream::Upstream;
use crate::util::{Vigie, eventually, free_port, query_udp};

/// A server process (a forwarder, an authoritative server), killed on drop.
pub(crate) struct Forwarder(pub(crate) Child);

impl Drop for Forwarder {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub(crate) fn installed(program: &str) -> bool {
    ["/usr/sbin", "/usr/bin", "/sbin", "/bin"]
        .iter()
        .any(|d| Path::new(d).join(program).exists())
}

/// What every forwarder in front of Vigie must pass on.
fn check_through(front: SocketAddr, what: &str) {
    let ready = eventually(Duration::from_secs(10), || {
        query_udp(front, "www.example.test", RecordType::A, true).is_some()
    });
    assert!(ready.is_some(), "{what} answers");
    let allowed = query_udp(front, "www.example.test", RecordType::A, true).unwrap();
    assert_eq!(
        a_records(&allowed),
        ["192.0.2.10"],
        "{what}: an allowed name"
    );
    let blocked = query_udp(front, "www.omegle.com", RecordType::A, true).unwrap();
    assert_eq!(
        a_records(&blocked),
        ["127.0.0.88"],
        "{what}: a blocked name"
    );
    let sneaky = query_udp(front, "sneaky.example.test", RecordType::A, true).unwrap();
    assert_eq!(
        a_records(&sneaky),
        ["127.0.0.88"],
        "{what}: a CNAME into a blocked domain"
    );
    let nx = query_udp(front, "gone.nx.test", RecordType::A, true).unwrap();
    assert_eq!(nx.metadata.response_code, ResponseCode::NXDomain, "{what}");
    // Without EDNS too (a forwarder falls back to it after a timeout).
    let plain = query_udp(front, "omegle.com", RecordType::A, false).unwrap();
    assert_eq!(a_records(&plain), ["127.0.0.88"], "{what}: without EDNS");
}

#[test]
fn dnsmasq_in_front_of_vigie_passes_blocks_and_answers_on() {
    if !installed("dnsmasq") {
        vigie_testkit::skip(
            &format!("{}:{}", file!(), line!()),
            "dnsmasq is not installed (apt-get install dnsmasq-base)",
        );
        return;
    }
    let upstream = Upstream::start();
    let v = Vigie::start(upstream.addr(), None, &[]);
    let port = free_port();
    let dir = tempfile::tempdir().unwrap();
    let child = Command::new("dnsmasq")
        .args([
            "--keep-in-foreground",
            "--no-resolv",
            "--no-hosts",
            "--no-poll",
            "--bind-interfaces",
            "--listen-address=127.0.0.1",
            &format!("--port={port}"),
            &format!("--server=127.0.0.1#{}", v.dns.port()),
            &format!("--pid-file={}", dir.path().join("pid").display()),
            // As a home router: a cache in front, with DNSSEC records asked for and passed on.
            "--cache-size=150",
            "--proxy-dnssec",
        ])
        .args(if crate::install::is_root() {
            vec!["--user=root"]
        } else {
            vec![]
        })
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("dnsmasq starts");
    let _dnsmasq = Forwarder(child);
    check_through(SocketAddr::from(([127, 0, 0, 1], port)), "dnsmasq");
}

#[test]
fn unbound_in_front_of_vigie_passes_blocks_and_answers_on() {
    if !installed("unbound") {
        vigie_testkit::skip(
            &format!("{}:{}", file!(), line!()),
            "unbound is not installed (apt-get install unbound)",
        );
        return;
    }
    let upstream = Upstream::start();
    let v = Vigie::start(upstream.addr(), None, &[]);
    let port = free_port();
    let dir = tempfile::tempdir().unwrap();
    let conf = dir.path().join("unbound.conf");
    // unbound answers `.test` itself (a special-use name, RFC 6761) unless told not to; the
    // test zone lives there.
    std::fs::write(
        &conf,
        format!(
            "server:\n  interface: 127.0.0.1\n  port: {port}\n  do-daemonize: no\n  username: \"\"\n  chroot: \"\"\n  directory: \"{dir}\"\n  pidfile: \"{dir}/pid\"\n  use-syslog: no\n  do-ip6: no\n  do-not-query-localhost: no\n  module-config: \"iterator\"\n  qname-minimisation: no\n  use-caps-for-id: yes\n  edns-buffer-size: 1232\n  domain-insecure: \"test\"\n  domain-insecure: \"com\"\n  local-zone: \"test.\" nodefault\nforward-zone:\n  name: \".\"\n  forward-addr: 127.0.0.1@{vport}\n",
            dir = dir.path().display(),
            vport = v.dns.port()
        ),
    )
    .unwrap();
    let child = Command::new("unbound")
        .args(["-d", "-c"])
        .arg(&conf)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("unbound starts");
    let _unbound = Forwarder(child);
    check_through(SocketAddr::from(([127, 0, 0, 1], port)), "unbound");
}

/// glibc's own resolver (`getaddrinfo`, through `getent ahosts`) with the resolv.conf options
/// families' systems use, in a network namespace whose `/etc/resolv.conf` names Vigie on port 53
/// (`ip netns exec` mounts `/etc/netns/NAME/resolv.conf` over it). `use-vc` sends every query
/// over TCP; `single-request` asks A and AAAA one after the other; `edns0` and `trust-ad` add
/// an OPT record and the AD bit. Needs root.
#[test]
fn glibc_with_the_usual_resolv_conf_options_gets_blocks_and_answers() {
    if !crate::install::is_root() {
        vigie_testkit::skip(
            &format!("{}:{}", file!(), line!()),
            "a network namespace with Vigie on port 53 needs root (CI runs as root)",
        );
        return;
    }
    let ns = crate::netns::Netns::create().expect("a network namespace");
    // getaddrinfo's AI_ADDRCONFIG ignores loopback: the namespace needs an address of its own
    // (a veth pair with both ends inside it; nothing leaves it).
    ns.ip(&["link", "add", "v0", "type", "veth", "peer", "name", "v1"]);
    ns.ip(&["addr", "add", "10.93.0.2/24", "dev", "v0"]);
    ns.ip(&["link", "set", "v0", "up"]);
    ns.ip(&["link", "set", "v1", "up"]);
    let upstream = ns.enter(Upstream::start);
    let wrapper = ["ip", "netns", "exec", ns.name.as_str()];
    let args = [
        "--listen".to_string(),
        "127.0.0.1:53".to_string(),
        "--upstream".to_string(),
        upstream.addr().to_string(),
    ];
    let _v = Vigie::start_with(&wrapper, &args, None, &[], &[]);
    let etc = format!("/etc/netns/{}", ns.name);
    std::fs::create_dir_all(&etc).unwrap();
    for options in [
        "",
        "options edns0 trust-ad",
        "options single-request",
        "options use-vc",
        "options edns0 trust-ad single-request use-vc",
    ] {
        std::fs::write(
            format!("{etc}/resolv.conf"),
            format!("nameserver 127.0.0.1\n{options}\n"),
        )
        .unwrap();
        let ahosts = |name: &str| {
            let out = ns
                .command("getent")
                .args(["ahostsv4", name])
                .output()
                .expect("getent runs");
            String::from_utf8_lossy(&out.stdout)
                .lines()
                .filter_map(|l| l.split_whitespace().next().map(str::to_string))
                .collect::<std::collections::BTreeSet<String>>()
        };
        assert_eq!(
            ahosts("www.omegle.com").into_iter().collect::<Vec<_>>(),
            ["127.0.0.88"],
            "blocked, with `{options}`"
        );
        assert_eq!(
            ahosts("www.example.test").into_iter().collect::<Vec<_>>(),
            ["192.0.2.10"],
            "allowed, with `{options}`"
        );
    }
}
