//! DNS that follows the network, end to end: a "laptop" network namespace joined by veth pairs
//! to "network" namespaces the test makes, each with its own DNS server (the test zone, bound
//! from a thread inside it). Vigie runs in the laptop namespace and reads the network's servers
//! from a resolv.conf-style file, written as the network managers write theirs (a temporary
//! file renamed into place). Nothing leaves the namespaces. Needs root and `ip`; says why when
//! skipped.
//!
//! The tests that need no namespace (a silent upstream, stale answers, refused choices) run on
//! loopback against the local upstream.

use std::net::{SocketAddr, UdpSocket};
use std::path::Path;
use std::time::{Duration, Instant};

use hickory_proto::op::{Message, ResponseCode};
use hickory_proto::rr::{RData, RecordType};

use crate::install::is_root;
use crate::netns::Netns;
use crate::netns::a_records;
use crate::upstream::Upstream;
use crate::util::{Vigie, ede_text, eventually, query_message, query_udp};

/// Runs one client call to completion.
fn block<T>(f: impl std::future::Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(f)
}

/// One UDP query from inside `ns`; `None` when nothing answers within 3 s.
fn ask_in(ns: &Netns, server: SocketAddr, name: &str) -> Option<Message> {
    let name = name.to_string();
    ns.enter(move || {
        let sock = UdpSocket::bind("127.0.0.1:0").unwrap();
        sock.set_read_timeout(Some(Duration::from_secs(3))).unwrap();
        let q = query_message(&name, RecordType::A, true);
        sock.send_to(&q.to_vec().unwrap(), server).ok()?;
        let mut buf = vec![0u8; 4096];
        let (n, _) = sock.recv_from(&mut buf).ok()?;
        Some(Message::from_vec(&buf[..n]).unwrap())
    })
}

/// Writes `text` to `path` the way network managers do: a temporary file renamed into place.
fn rewrite(path: &Path, text: &str) {
    let tmp = path.with_extension("new");
    std::fs::write(&tmp, text).unwrap();
    std::fs::rename(&tmp, path).unwrap();
}

/// A "network": a namespace with address `.1` on a /24, joined to the laptop by a veth pair
/// whose laptop end gets `.2`.
struct Network {
    ns: Netns,
    laptop_link: String,
    server: SocketAddr,
}

impl Network {
    fn join(laptop: &Netns, tag: &str, subnet: u8) -> Network {
        let ns = Netns::create().expect("a network namespace");
        // Interface names are at most 15 bytes; the namespaces keep them apart.
        let laptop_link = format!("lap{tag}");
        laptop.ip(&[
            "link",
            "add",
            &laptop_link,
            "type",
            "veth",
            "peer",
            "name",
            "net0",
            "netns",
            &ns.name,
        ]);
        laptop.ip(&[
            "addr",
            "add",
            &format!("10.91.{subnet}.2/24"),
            "dev",
            &laptop_link,
        ]);
        laptop.ip(&["link", "set", &laptop_link, "up"]);
        ns.ip(&[
            "addr",
            "add",
            &format!("10.91.{subnet}.1/24"),
            "dev",
            "net0",
        ]);
        ns.ip(&["link", "set", "net0", "up"]);
        let server: SocketAddr = format!("10.91.{subnet}.1:53").parse().unwrap();
        Network {
            ns,
            laptop_link,
            server,
        }
    }
}

fn skip_unless_root(line: u32) -> bool {
    if is_root() {
        return false;
    }
    vigie_testkit::skip(
        &format!("{}:{line}", file!()),
        "network namespaces need root (CI runs as root)",
    );
    true
}

#[test]
fn a_laptop_that_moves_resolves_through_the_new_network_and_blocks_throughout() {
    if skip_unless_root(line!()) {
        return;
    }
    let laptop = Netns::create().expect("the laptop's namespace");
    let home = Network::join(&laptop, "a", 1);
    let school = Network::join(&laptop, "b", 2);
    let home_dns = {
        let at = home.server;
        home.ns.enter(move || Upstream::start_at(at))
    };
    let school_dns = {
        let at = school.server;
        school.ns.enter(move || Upstream::start_at(at))
    };

    let dir = tempfile::tempdir().unwrap();
    let offered = dir.path().join("network-resolv.conf");
    rewrite(&offered, "# home\nnameserver 10.91.1.1\n");
    let wrapper = ["ip", "netns", "exec", laptop.name.as_str()];
    let args = [
        "--network-dns-from".to_string(),
        offered.display().to_string(),
    ];
    let v = Vigie::start_with(&wrapper, &args, None, &[], &[]);
    // The start-up banner names the network's server (its lines arrive one by one).
    v.wait_for_output("10.91.1.1:53", Duration::from_secs(5));

    let at_home = ask_in(&laptop, v.dns, "first.moving.test").expect("an answer at home");
    assert_eq!(a_records(&at_home), ["192.0.2.99"]);
    assert_eq!(home_dns.queries_for("first.moving.test"), 1);
    let blocked = ask_in(&laptop, v.dns, "www.omegle.com").expect("an answer");
    assert_eq!(a_records(&blocked), ["127.0.0.88"]);
    let status = block(v.client().status()).unwrap();
    assert_eq!(status.upstream_mode, "network");
    let network = status.network_dns.expect("the network's servers in status");
    assert_eq!(network.servers, ["10.91.1.1"]);

    // The laptop leaves home (its link goes down) and joins the school's network, whose
    // manager writes the new server.
    laptop.ip(&["link", "set", &home.laptop_link, "down"]);
    let moved = Instant::now();
    rewrite(&offered, "# school\nnameserver 10.91.2.1\n");
    let mut n = 0;
    let took = eventually(Duration::from_secs(2), || {
        n += 1;
        let name = format!("after{n}.moving.test");
        let answered = ask_in(&laptop, v.dns, &name)
            .is_some_and(|m| m.metadata.response_code == ResponseCode::NoError);
        answered && school_dns.queries_for(&name) == 1
    });
    let took = took.map(|_| moved.elapsed());
    eprintln!("network change to first answer through the new network's server: {took:?}");
    assert!(
        took.is_some(),
        "allowed names resolve through the new network within 2 s\n{}",
        v.stderr()
    );
    let blocked = ask_in(&laptop, v.dns, "www.omegle.com").expect("an answer");
    assert_eq!(
        a_records(&blocked),
        ["127.0.0.88"],
        "blocked names stay blocked"
    );
    let status = block(v.client().status()).unwrap();
    assert_eq!(status.network_dns.unwrap().servers, ["10.91.2.1"]);
    assert!(
        status
            .upstream_servers
            .iter()
            .any(|u| u.address.starts_with("10.91.2.1:53") && u.state == "answering"),
        "{:?}",
        status.upstream_servers
    );
    // Restarted (a reboot) with the same choice, it resolves through the network it is on.
    drop(v);
    let v = Vigie::start_with(&wrapper, &args, None, &[], &[]);
    let m = ask_in(&laptop, v.dns, "rebooted.moving.test").expect("an answer after restart");
    assert_eq!(a_records(&m), ["192.0.2.99"]);
    assert_eq!(school_dns.queries_for("rebooted.moving.test"), 1);
    drop(home_dns);
    drop(school_dns);
}

/// A hotel's Wi-Fi before its login page is passed: its DNS answers only the portal's name,
/// and DNS sent anywhere else is dropped without a word.
#[test]
fn a_captive_portal_opens_with_the_networks_dns_and_with_a_parents_choice() {
    if skip_unless_root(line!()) {
        return;
    }
    let laptop = Netns::create().expect("the laptop's namespace");
    let hotel = Network::join(&laptop, "h", 3);
    laptop.ip(&["route", "add", "default", "via", "10.91.3.1"]);
    let portal = {
        let at = hotel.server;
        hotel.ns.enter(move || PortalDns::start(at))
    };
    let dir = tempfile::tempdir().unwrap();
    let offered = dir.path().join("network-resolv.conf");
    rewrite(&offered, "nameserver 10.91.3.1\n");
    let wrapper = ["ip", "netns", "exec", laptop.name.as_str()];
    let args = [
        "--network-dns-from".to_string(),
        offered.display().to_string(),
    ];

    // With "this computer's usual DNS", the portal's name resolves through the hotel's DNS.
    let v = Vigie::start_with(&wrapper, &args, None, &[], &[]);
    let m = ask_in(&laptop, v.dns, "login.hotel-portal.test").expect("an answer");
    assert_eq!(a_records(&m), ["10.91.3.1"]);
    let blocked = ask_in(&laptop, v.dns, "www.omegle.com").expect("an answer");
    assert_eq!(a_records(&blocked), ["127.0.0.88"], "the lists still hold");
    drop(v);

    // With a parent's choice of resolver, which the hotel drops until login (10.91.9.9 is
    // routed to the hotel, which forwards nothing): the hotel's own DNS opens the portal.
    let settings = "[[upstream]]\naddress = \"10.91.9.9\"\n";
    let v = Vigie::start_with(&wrapper, &args, Some(settings), &[], &[]);
    let opened = eventually(Duration::from_secs(10), || {
        ask_in(&laptop, v.dns, "login.hotel-portal.test")
            .is_some_and(|m| a_records(&m) == ["10.91.3.1"])
    });
    assert!(
        opened.is_some(),
        "the portal's name resolves through the network's DNS while the chosen one is silent\n{}",
        v.stderr()
    );
    let blocked = ask_in(&laptop, v.dns, "www.omegle.com").expect("an answer");
    assert_eq!(a_records(&blocked), ["127.0.0.88"], "the lists still hold");
    let status = block(v.client().status()).unwrap();
    let chosen = status
        .upstream_servers
        .iter()
        .find(|u| u.role == "chosen")
        .expect("the chosen server in status");
    assert_eq!(chosen.state, "failing", "{:?}", status.upstream_servers);
    assert!(chosen.failing_since.is_some());
    assert!(
        status
            .upstream_servers
            .iter()
            .any(|u| u.role == "network" && u.state == "answering"),
        "{:?}",
        status.upstream_servers
    );
    assert!(portal.asked() > 0);
}

/// A captive portal's DNS: the portal's name gets the portal's address; every other name is
/// refused, as such networks do before login.
struct PortalDns {
    socket: std::sync::Arc<UdpSocket>,
    asked: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl PortalDns {
    fn start(at: SocketAddr) -> PortalDns {
        use std::sync::atomic::Ordering;
        let socket = std::sync::Arc::new(UdpSocket::bind(at).unwrap());
        socket
            .set_read_timeout(Some(Duration::from_millis(50)))
            .unwrap();
        let asked = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let (s, a, st) = (socket.clone(), asked.clone(), stop.clone());
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while !st.load(Ordering::SeqCst) {
                let Ok((n, from)) = s.recv_from(&mut buf) else {
                    continue;
                };
                let Ok(q) = Message::from_vec(&buf[..n]) else {
                    continue;
                };
                a.fetch_add(1, Ordering::SeqCst);
                let mut reply = q.clone();
                reply.metadata.message_type = hickory_proto::op::MessageType::Response;
                reply.metadata.recursion_available = true;
                let name = q.queries[0].name().to_ascii().to_ascii_lowercase();
                if name == "login.hotel-portal.test." {
                    reply.answers.push(hickory_proto::rr::Record::from_rdata(
                        q.queries[0].name().clone(),
                        60,
                        RData::A(hickory_proto::rr::rdata::A::new(10, 91, 3, 1)),
                    ));
                } else {
                    reply.metadata.response_code = ResponseCode::Refused;
                }
                let _ = s.send_to(&reply.to_vec().unwrap(), from);
            }
        });
        PortalDns {
            socket,
            asked,
            stop,
        }
    }

    fn asked(&self) -> usize {
        self.asked.load(std::sync::atomic::Ordering::SeqCst)
    }
}

impl Drop for PortalDns {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::SeqCst);
        let _ = &self.socket;
    }
}

#[test]
fn a_silent_upstream_costs_a_moment_and_the_next_one_answers() {
    // A server that takes queries and never answers (not one that refuses).
    let silent = UdpSocket::bind("127.0.0.1:0").unwrap();
    let good = Upstream::start();
    let args = [
        "--upstream".to_string(),
        silent.local_addr().unwrap().to_string(),
        "--upstream".to_string(),
        good.addr().to_string(),
    ];
    let v = Vigie::start_with(&[], &args, None, &[], &[]);
    for n in 0..6 {
        let name = format!("q{n}.silent.test");
        let start = Instant::now();
        let m = query_udp(v.dns, &name, RecordType::A, true).expect("an answer");
        eprintln!(
            "{name}: {:?} after {:?}",
            m.metadata.response_code,
            start.elapsed()
        );
        // SERVFAIL would mean Vigie waited on the silent server until its deadline.
        assert_eq!(m.metadata.response_code, ResponseCode::NoError, "{name}");
        assert_eq!(a_records(&m), ["192.0.2.99"]);
        assert_eq!(good.queries_for(&name), 1);
    }
    // Status says which one is silent once its own wait has run out.
    let silent_address = silent.local_addr().unwrap().to_string();
    let mut status = None;
    eventually(Duration::from_secs(4), || {
        let s = block(v.client().status()).unwrap();
        let failing = s.upstream_servers.iter().any(|u| {
            u.address.starts_with(&silent_address)
                && u.state == "failing"
                && u.failing_since.is_some()
        });
        status = Some(s);
        failing
    })
    .unwrap_or_else(|| panic!("the silent server shown failing: {status:?}"));
    let status = status.unwrap();
    let good_state = status
        .upstream_servers
        .iter()
        .find(|u| u.address.starts_with(&good.addr().to_string()))
        .unwrap();
    assert_eq!(good_state.state, "answering");
}

#[test]
fn with_every_upstream_silent_cached_names_are_served_stale() {
    let mut upstream = Upstream::start();
    let v = Vigie::start(upstream.addr(), None, &[]);
    // `short.example.test` lives 1 second.
    let fresh = v.udp("short.example.test", RecordType::A);
    assert_eq!(a_records(&fresh), ["192.0.2.11"]);
    // The server goes silent: its port now takes queries and never answers.
    upstream.stop();
    let _silent = UdpSocket::bind(upstream.addr()).expect("the upstream's port, now silent");
    std::thread::sleep(Duration::from_millis(2100));
    let stale = query_udp(v.dns, "short.example.test", RecordType::A, true).expect("an answer");
    assert_eq!(stale.metadata.response_code, ResponseCode::NoError);
    assert_eq!(
        a_records(&stale),
        ["192.0.2.11"],
        "the last answer, served stale"
    );
    assert_eq!(
        stale.answers[0].ttl, 30,
        "RFC 8767: a stale answer lives 30 s"
    );
    assert!(
        ede_text(&stale).is_some_and(|t| t.contains("no upstream answered")),
        "the answer says it is stale (EDE 3)"
    );
    // A name never seen before has nothing to serve: SERVFAIL, as before.
    let unknown = query_udp(v.dns, "never.example.test", RecordType::A, true).expect("an answer");
    assert_eq!(unknown.metadata.response_code, ResponseCode::ServFail);
    // Blocking never depends on the upstream.
    assert_eq!(
        a_records(&v.udp("www.omegle.com", RecordType::A)),
        ["127.0.0.88"]
    );
    let status = block(v.client().status()).unwrap();
    assert_eq!(status.stale_answers, 1);
}

#[test]
fn the_usual_dns_choice_applies_at_once_and_survives_a_restart() {
    // Not installed, "this computer's usual DNS" is the network's servers as a network
    // manager file names them; here a file the test writes, pointing at the local upstream
    // through a namespace-free trick is impossible (loopback servers are stubs and left out),
    // so the check is that the service starts and serves blocking without any server, and that
    // choosing it through the API is applied, not ignored.
    let upstream = Upstream::start();
    let dir = tempfile::tempdir().unwrap();
    let offered = dir.path().join("none.conf");
    rewrite(&offered, "# no network yet\n");
    let settings = format!("[[upstream]]\naddress = \"{}\"\n", upstream.addr());
    let args = [
        "--network-dns-from".to_string(),
        offered.display().to_string(),
    ];
    let v = Vigie::start_with(&[], &args, Some(&settings), &[], &[]);
    assert_eq!(
        a_records(&v.udp("www.example.test", RecordType::A)),
        ["192.0.2.10"]
    );
    let mut client = v.client();
    block(client.setup("correct horse battery")).unwrap();
    let current = block(client.settings()).unwrap();
    let mut raw = current.value;
    raw.upstream.clear();
    block(client.put_settings(&raw, &current.etag)).unwrap();
    // Applied at once: the chosen server is no longer asked, and there is no other yet.
    let applied = eventually(Duration::from_secs(3), || {
        block(client.status()).is_ok_and(|s| s.upstream_mode == "network" && s.upstreams.is_empty())
    });
    assert!(
        applied.is_some(),
        "the choice is applied while the service runs"
    );
    let m = query_udp(v.dns, "new.example.test", RecordType::A, true).expect("an answer");
    assert_eq!(m.metadata.response_code, ResponseCode::ServFail);
    assert_eq!(upstream.queries_for("new.example.test"), 0);
    assert_eq!(
        a_records(&v.udp("www.omegle.com", RecordType::A)),
        ["127.0.0.88"]
    );
    let stored = std::fs::read_to_string(v.config.join("settings.toml")).unwrap();
    drop(v);
    // Started again on the stored choice, with no server on the network: it starts (no crash
    // loop), blocks, and says it has no server yet.
    assert!(!stored.contains("[[upstream]]"), "{stored}");
    let v = Vigie::start_with(&[], &args, Some(&stored), &[], &[]);
    v.wait_for_output("upstream: none yet", Duration::from_secs(5));
    assert_eq!(
        a_records(&v.udp("www.omegle.com", RecordType::A)),
        ["127.0.0.88"]
    );
}

#[test]
fn a_choice_that_cannot_work_is_refused_and_not_stored() {
    let upstream = Upstream::start();
    let v = Vigie::start(upstream.addr(), None, &[]);
    let mut client = v.client();
    block(client.setup("correct horse battery")).unwrap();
    for (address, why) in [
        (v.dns.to_string(), "api-upstream-loop"),
        ("127.0.0.53".to_string(), "api-upstream-stub"),
    ] {
        let current = block(client.settings()).unwrap();
        let mut raw = current.value;
        raw.upstream = vec![vigie_policy::RawUpstream {
            address: address.clone(),
            protocol: vigie_policy::Protocol::Udp,
            server_name: None,
            path: None,
        }];
        match block(client.put_settings(&raw, &current.etag)) {
            Err(vigie_localapi::Error::Api { status, i18n, .. }) => {
                assert_eq!(status, 422, "{address}");
                assert_eq!(i18n.as_ref().map(|m| m.id.as_str()), Some(why), "{address}");
            }
            other => panic!("{address}: {other:?}"),
        }
        let stored = std::fs::read_to_string(v.config.join("settings.toml")).unwrap_or_default();
        assert!(!stored.contains(&address), "{address} was stored: {stored}");
    }
}

#[test]
fn a_popular_name_is_refreshed_before_it_expires() {
    let upstream = Upstream::start();
    // `short.example.test` lives 1 s upstream; held at least 10 s here.
    let v = Vigie::start(upstream.addr(), Some("[cache]\nmin-ttl = 10\n"), &[]);
    for _ in 0..4 {
        assert_eq!(
            a_records(&v.udp("short.example.test", RecordType::A)),
            ["192.0.2.11"]
        );
    }
    assert_eq!(
        upstream.queries_for("short.example.test"),
        1,
        "served from the cache"
    );
    // In its last second, a lookup is answered from the cache and starts a refresh.
    std::thread::sleep(Duration::from_millis(9200));
    let m = v.udp("short.example.test", RecordType::A);
    assert_eq!(a_records(&m), ["192.0.2.11"]);
    let refreshed = eventually(Duration::from_secs(2), || {
        upstream.queries_for("short.example.test") == 2
    });
    assert!(
        refreshed.is_some(),
        "the popular name was asked again ahead of its end"
    );
    // Past the old answer's end, the refreshed one is served without asking again.
    std::thread::sleep(Duration::from_millis(1500));
    let m = v.udp("short.example.test", RecordType::A);
    assert_eq!(a_records(&m), ["192.0.2.11"]);
    assert_eq!(upstream.queries_for("short.example.test"), 2);
}
