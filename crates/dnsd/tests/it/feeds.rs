//! List feeds that update themselves: the real `vigie run` subscribed to lists served by an
//! HTTP (and an HTTPS) server that the test starts on 127.0.0.1, the remote side of a feed.
//! Each test names what a parent would see: a new domain blocked, the last good copy kept
//! through failures, the failure in plain words in the API and in status.
//!
//! The service runs with `--feed-interval 1s --feed-timeout 2s` so that a refresh or a retry
//! comes within seconds instead of hours.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use hickory_proto::op::{Message, ResponseCode};
use hickory_proto::rr::rdata::A;
use hickory_proto::rr::{RData, Record, RecordType};
use vigie_localapi::{Client, FeedState, Subscription};

use crate::upstream::Upstream;
use crate::util::{Vigie, eventually};

const PASSWORD: &str = "correct horse battery";
/// Long enough for several refreshes at one a second, on a busy machine.
const WAIT: Duration = Duration::from_secs(20);

// ---- the remote side: a small HTTP/1.1 server ----

/// What the server answers for a path.
#[derive(Debug, Clone)]
enum Reply {
    /// 200 with this body and content type; the ETag is derived from the body, and a request
    /// that sends it back gets 304.
    Body(&'static str, String),
    /// This status, with a short body.
    Status(u16),
    /// Accepts the request and never answers.
    Hang,
    /// A body with no length that goes on until the client hangs up (about 80 MiB at most).
    Endless,
    /// 200 with this body gzip-compressed (`Content-Encoding: gzip`) when the request accepts
    /// gzip, as list hosts serve it; plain otherwise.
    Gzip(String),
}

/// One request the server received.
#[derive(Debug, Clone)]
struct Seen {
    path: String,
    if_none_match: Option<String>,
    accept_encoding: Option<String>,
    status: u16,
}

#[derive(Default)]
struct Site {
    replies: Mutex<HashMap<String, Reply>>,
    seen: Mutex<Vec<Seen>>,
}

struct FeedServer {
    addr: SocketAddr,
    site: Arc<Site>,
    stop: Arc<AtomicBool>,
}

impl FeedServer {
    /// Plain HTTP on 127.0.0.1.
    fn http() -> FeedServer {
        FeedServer::start(None)
    }

    /// HTTPS on 127.0.0.1 with a certificate signed by `ca`.
    fn https(ca: &TestCa) -> FeedServer {
        FeedServer::start(Some(ca.server_config()))
    }

    fn start(tls: Option<Arc<rustls::ServerConfig>>) -> FeedServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let site = Arc::new(Site::default());
        let stop = Arc::new(AtomicBool::new(false));
        let (s, st) = (site.clone(), stop.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                if st.load(Ordering::Relaxed) {
                    return;
                }
                let Ok(stream) = stream else { continue };
                let (site, tls) = (s.clone(), tls.clone());
                std::thread::spawn(move || {
                    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
                    match tls {
                        None => serve(stream, &site),
                        Some(config) => {
                            let conn = rustls::ServerConnection::new(config).unwrap();
                            serve(rustls::StreamOwned::new(conn, stream), &site);
                        }
                    }
                });
            }
        });
        FeedServer { addr, site, stop }
    }

    fn set(&self, path: &str, reply: Reply) {
        self.site
            .replies
            .lock()
            .unwrap()
            .insert(path.to_string(), reply);
    }

    fn list(&self, path: &str, domains: &[&str]) {
        let body: String = domains.iter().map(|d| format!("0.0.0.0 {d}\n")).collect();
        self.set(
            path,
            Reply::Body("text/plain", format!("# test list\n{body}")),
        );
    }

    fn seen(&self, path: &str) -> Vec<Seen> {
        let seen = self.site.seen.lock().unwrap();
        seen.iter().filter(|s| s.path == path).cloned().collect()
    }

    fn url(&self, scheme: &str, path: &str) -> String {
        format!("{scheme}://{}{path}", self.addr)
    }
}

impl Drop for FeedServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        let _ = TcpStream::connect(self.addr);
    }
}

fn etag_of(body: &str) -> String {
    format!(
        "\"{:x}-{}\"",
        body.len(),
        body.bytes().map(u32::from).sum::<u32>()
    )
}

/// Serves one connection: one request, then the connection closes.
fn serve(mut stream: impl Read + Write, site: &Site) {
    let mut reader = BufReader::new(&mut stream);
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() {
        return;
    }
    let path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
    let mut if_none_match = None;
    let mut accept_encoding = None;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).unwrap_or(0) == 0 || header.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            if name.eq_ignore_ascii_case("if-none-match") {
                if_none_match = Some(value.trim().to_string());
            } else if name.eq_ignore_ascii_case("accept-encoding") {
                accept_encoding = Some(value.trim().to_string());
            }
        }
    }
    drop(reader);
    let reply = site
        .replies
        .lock()
        .unwrap()
        .get(&path)
        .cloned()
        .unwrap_or(Reply::Status(404));
    let record = |status: u16| {
        site.seen.lock().unwrap().push(Seen {
            path: path.clone(),
            if_none_match: if_none_match.clone(),
            accept_encoding: accept_encoding.clone(),
            status,
        });
    };
    match reply {
        Reply::Body(kind, body) => {
            let tag = etag_of(&body);
            if if_none_match.as_deref() == Some(tag.as_str()) {
                record(304);
                let _ = write!(
                    stream,
                    "HTTP/1.1 304 Not Modified\r\nETag: {tag}\r\nConnection: close\r\n\r\n"
                );
            } else {
                record(200);
                let _ = write!(
                    stream,
                    "HTTP/1.1 200 OK\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nETag: {tag}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
            }
        }
        Reply::Status(code) => {
            record(code);
            let _ = write!(
                stream,
                "HTTP/1.1 {code} Oops\r\nContent-Length: 5\r\nConnection: close\r\n\r\noops\n"
            );
        }
        Reply::Hang => {
            record(0);
            std::thread::sleep(Duration::from_secs(8));
        }
        Reply::Gzip(body) => {
            record(200);
            let gzip = accept_encoding
                .as_deref()
                .is_some_and(|a| a.split(',').any(|e| e.trim() == "gzip"));
            let (encoding, bytes) = if gzip {
                use flate2::write::GzEncoder;
                let mut encoder = GzEncoder::new(Vec::new(), flate2::Compression::default());
                encoder.write_all(body.as_bytes()).unwrap();
                ("Content-Encoding: gzip\r\n", encoder.finish().unwrap())
            } else {
                ("", body.into_bytes())
            };
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n{encoding}Content-Length: {}\r\nConnection: close\r\n\r\n",
                bytes.len()
            );
            let _ = stream.write_all(&bytes);
        }
        Reply::Endless => {
            record(200);
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n"
            );
            let chunk = "0.0.0.0 endless-list-line.example\n".repeat(2048);
            for _ in 0..(80 * 1024 * 1024 / chunk.len()) {
                if stream.write_all(chunk.as_bytes()).is_err() {
                    return;
                }
            }
        }
    }
    let _ = stream.flush();
}

// ---- a certificate authority of the test's own ----

struct TestCa {
    dir: tempfile::TempDir,
    cert: rustls::pki_types::CertificateDer<'static>,
    key: rustls::pki_types::PrivateKeyDer<'static>,
}

impl TestCa {
    /// An authority, and a certificate for 127.0.0.1 signed by it.
    fn new() -> TestCa {
        let ca_key = rcgen::KeyPair::generate().unwrap();
        let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        ca_params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "Vigie test authority");
        let ca = ca_params.self_signed(&ca_key).unwrap();
        let issuer = rcgen::Issuer::from_params(&ca_params, &ca_key);
        let key = rcgen::KeyPair::generate().unwrap();
        let cert = rcgen::CertificateParams::new(vec!["127.0.0.1".to_string()])
            .unwrap()
            .signed_by(&key, &issuer)
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("ca.pem"), ca.pem()).unwrap();
        TestCa {
            dir,
            cert: cert.der().clone(),
            key: rustls::pki_types::PrivateKeyDer::Pkcs8(key.serialize_der().into()),
        }
    }

    /// The file to give the service as `SSL_CERT_FILE`.
    fn ca_file(&self) -> String {
        self.dir.path().join("ca.pem").display().to_string()
    }

    fn server_config(&self) -> Arc<rustls::ServerConfig> {
        let config = rustls::ServerConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![self.cert.clone()], self.key.clone_key())
        .unwrap();
        Arc::new(config)
    }
}

// ---- the service and its API ----

fn feed_args(upstream: SocketAddr) -> Vec<String> {
    [
        "--upstream",
        &upstream.to_string(),
        "--feed-interval",
        "1s",
        "--feed-timeout",
        "2s",
    ]
    .iter()
    .map(ToString::to_string)
    .collect()
}

fn subscription(name: &str, url: &str) -> String {
    format!("[[subscription]]\nname = \"{name}\"\nurl = \"{url}\"\n")
}

struct Parent {
    rt: tokio::runtime::Runtime,
    client: Client,
}

impl Parent {
    fn of(v: &Vigie) -> Parent {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let mut client = v.client();
        rt.block_on(client.setup(PASSWORD)).unwrap();
        Parent { rt, client }
    }

    fn subscriptions(&self) -> Vec<Subscription> {
        self.rt
            .block_on(self.client.subscriptions())
            .unwrap()
            .value
            .subscriptions
    }

    fn named(&self, name: &str) -> Subscription {
        self.subscriptions()
            .into_iter()
            .find(|s| s.name == name)
            .unwrap_or_else(|| panic!("no subscription {name}"))
    }

    /// Waits until subscription `name` is in `state` with an error of message `id` (or none).
    fn wait_for(
        &self,
        v: &Vigie,
        name: &str,
        state: FeedState,
        error: Option<&str>,
    ) -> Subscription {
        let mut last = None;
        let ok = eventually(WAIT, || {
            let s = self.named(name);
            let done = s.state == state && s.last_error.as_ref().map(|m| m.id.as_str()) == error;
            last = Some(s);
            done
        });
        let last = last.unwrap();
        assert!(
            ok.is_some(),
            "{name}: wanted {state:?} with {error:?}, have {last:#?}\nstderr:\n{}",
            v.stderr()
        );
        last
    }
}

fn blocked(v: &Vigie, name: &str) -> bool {
    let m = v.udp(name, RecordType::A);
    m.answers
        .iter()
        .any(|r| r.data == RData::A(A("127.0.0.88".parse().unwrap())))
}

fn wait_blocked(v: &Vigie, name: &str) {
    assert!(
        eventually(WAIT, || blocked(v, name)).is_some(),
        "{name} never became blocked\nstderr:\n{}",
        v.stderr()
    );
}

// ---- the tests ----

#[test]
fn a_new_domain_in_the_feed_becomes_blocked_and_an_unchanged_feed_costs_a_304() {
    let upstream = Upstream::start();
    let server = FeedServer::http();
    server.list("/chat.txt", &["chat-one.example"]);
    let url = server.url("http", "/chat.txt");
    let v = Vigie::start_with(
        &[],
        &feed_args(upstream.addr()),
        Some(&subscription("Chat clones", &url)),
        &[],
        &[],
    );
    wait_blocked(&v, "www.chat-one.example");
    assert!(!blocked(&v, "chat-two.example"));
    let parent = Parent::of(&v);
    let s = parent.wait_for(&v, "Chat clones", FeedState::Ok, None);
    assert_eq!(s.domains, 1);
    assert!(s.fetched_at.is_some() && s.checked_at.is_some());
    assert_eq!(s.url, url);

    // Unchanged: the next checks send the ETag back and get 304; the copy stays in force.
    let tag = etag_of("# test list\n0.0.0.0 chat-one.example\n");
    assert!(
        eventually(WAIT, || server.seen("/chat.txt").iter().any(|r| r.status
            == 304
            && r.if_none_match.as_deref() == Some(tag.as_str())))
        .is_some(),
        "no conditional request: {:?}",
        server.seen("/chat.txt")
    );
    assert!(blocked(&v, "chat-one.example"));
    assert_eq!(parent.named("Chat clones").state, FeedState::Ok);

    // The project adds a clone: it is blocked within a refresh, under the subscription's name.
    server.list("/chat.txt", &["chat-one.example", "chat-two.example"]);
    wait_blocked(&v, "chat-two.example");
    let check = parent
        .rt
        .block_on(parent.client.check("chat-two.example"))
        .unwrap();
    assert_eq!(check.reason.unwrap().site, "Chat clones");
    assert!(
        eventually(WAIT, || parent.named("Chat clones").domains == 2).is_some(),
        "the count follows"
    );
}

#[test]
fn a_compressed_feed_is_asked_for_and_read() {
    let upstream = Upstream::start();
    let server = FeedServer::http();
    // Big enough that compression matters; the domain to block is at the end.
    let mut body = String::from("# a community list, served compressed\n");
    for i in 0..2000 {
        body.push_str(&format!("0.0.0.0 filler-{i}.example\n"));
    }
    body.push_str("0.0.0.0 gzipped-clone.example\n");
    server.set("/chat.txt.gz-served", Reply::Gzip(body));
    let url = server.url("http", "/chat.txt.gz-served");
    let v = Vigie::start_with(
        &[],
        &feed_args(upstream.addr()),
        Some(&subscription("Compressed", &url)),
        &[],
        &[],
    );
    wait_blocked(&v, "www.gzipped-clone.example");
    let seen = server.seen("/chat.txt.gz-served");
    assert!(
        seen.iter().any(|r| r
            .accept_encoding
            .as_deref()
            .is_some_and(|a| a.contains("gzip"))),
        "the service asks for compression: {seen:?}"
    );
    let parent = Parent::of(&v);
    let s = parent.wait_for(&v, "Compressed", FeedState::Ok, None);
    assert_eq!(s.domains, 2001, "every line of the unpacked list");
}

#[test]
fn a_subscription_taken_out_of_the_settings_by_hand_leaves_no_copy() {
    let upstream = Upstream::start();
    let server = FeedServer::http();
    server.list("/hand.txt", &["hand-edited.example"]);
    let url = server.url("http", "/hand.txt");
    let v = Vigie::start_with(
        &[],
        &feed_args(upstream.addr()),
        Some(&subscription("By hand", &url)),
        &[],
        &[],
    );
    wait_blocked(&v, "hand-edited.example");
    let feeds = v.data.join("feeds");
    let copies = || {
        std::fs::read_dir(&feeds)
            .unwrap()
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with("sub-"))
            .collect::<Vec<_>>()
    };
    assert!(
        copies().iter().any(|n| n.ends_with(".body")),
        "{:?}",
        copies()
    );
    // The parent deletes the [[subscription]] table in an editor: the list stops, and its copy
    // and what was known of it go too.
    v.write_config("settings.toml", "");
    assert!(
        eventually(WAIT, || !blocked(&v, "hand-edited.example")
            && copies().is_empty())
        .is_some(),
        "still there: {:?}",
        copies()
    );
}

#[test]
fn failures_keep_the_last_good_copy_and_say_why() {
    let upstream = Upstream::start();
    let server = FeedServer::http();
    server.list("/good.txt", &["kept-clone.example"]);
    for path in [
        "/slow.txt",
        "/huge.txt",
        "/page.txt",
        "/sniffed.txt",
        "/empty.txt",
    ] {
        server.list(path, &[]);
    }
    server.set("/slow.txt", Reply::Hang);
    server.set("/huge.txt", Reply::Endless);
    server.set(
        "/page.txt",
        Reply::Body("text/html; charset=utf-8", "0.0.0.0 page.example\n".into()),
    );
    server.set(
        "/sniffed.txt",
        Reply::Body(
            "text/plain",
            "\n<!DOCTYPE html>\n<html><body>Log in</body></html>".into(),
        ),
    );
    server.set(
        "/empty.txt",
        Reply::Body("text/plain", "# nothing yet\n0.0.0.0 localhost\n".into()),
    );
    let settings: String = [
        ("Good", "/good.txt"),
        ("Slow", "/slow.txt"),
        ("Huge", "/huge.txt"),
        ("Page", "/page.txt"),
        ("Sniffed", "/sniffed.txt"),
        ("Empty", "/empty.txt"),
    ]
    .iter()
    .map(|(name, path)| subscription(name, &server.url("http", path)))
    .collect();
    let v = Vigie::start_with(&[], &feed_args(upstream.addr()), Some(&settings), &[], &[]);
    let parent = Parent::of(&v);
    wait_blocked(&v, "kept-clone.example");
    parent.wait_for(&v, "Good", FeedState::Ok, None);

    for (name, id) in [
        ("Slow", "feed-failed-timeout"),
        ("Huge", "feed-failed-too-big"),
        ("Page", "feed-failed-html"),
        ("Sniffed", "feed-failed-html"),
        ("Empty", "feed-failed-empty"),
    ] {
        let s = parent.wait_for(&v, name, FeedState::Failing, Some(id));
        assert_eq!(s.domains, 0, "{name}: nothing of it is in force");
        assert!(s.next_check_at.is_some(), "{name}: tried again later");
    }
    assert!(!blocked(&v, "page.example"), "a web page is never a list");

    // The good feed's server fails: the copy stays in force and the failure shows.
    server.set("/good.txt", Reply::Status(503));
    let s = parent.wait_for(&v, "Good", FeedState::Failing, Some("feed-failed-status"));
    let error = s.last_error.unwrap();
    assert_eq!(
        vigie_i18n::Lang::En.render(&error),
        "the server answered 503"
    );
    assert_eq!(s.domains, 1);
    assert!(
        blocked(&v, "kept-clone.example"),
        "the last good copy stays"
    );
    let status = parent.rt.block_on(parent.client.status()).unwrap();
    assert_eq!(status.feeds.failing, 6, "{:?}", status.feeds);
    assert!(status.feeds.failing_names.contains(&"Good".to_string()));
    let (code, out, _) = v.cli(&["status"], "", None);
    assert_eq!(code, 0);
    assert!(
        out.contains("6 list feeds failed at their last check"),
        "vigie status says so:\n{out}"
    );

    // Back again: it recovers by itself.
    server.list("/good.txt", &["kept-clone.example", "second-clone.example"]);
    wait_blocked(&v, "second-clone.example");
    parent.wait_for(&v, "Good", FeedState::Ok, None);
}

#[test]
fn https_feeds_are_trusted_through_the_system_authorities() {
    let upstream = Upstream::start();
    let ca = TestCa::new();
    let server = FeedServer::https(&ca);
    server.list("/secure.txt", &["secure-clone.example"]);
    let url = server.url("https", "/secure.txt");
    let v = Vigie::start_with(
        &[],
        &feed_args(upstream.addr()),
        Some(&subscription("Secure list", &url)),
        &[],
        &[("SSL_CERT_FILE", &ca.ca_file())],
    );
    wait_blocked(&v, "secure-clone.example");
    Parent::of(&v).wait_for(&v, "Secure list", FeedState::Ok, None);

    // Without the test authority, the same server is not trusted: nothing is downloaded.
    let other = Vigie::start_with(
        &[],
        &feed_args(upstream.addr()),
        Some(&subscription("Secure list", &url)),
        &[],
        &[("SSL_CERT_FILE", "/nonexistent/ca.pem")],
    );
    let s = Parent::of(&other).wait_for(
        &other,
        "Secure list",
        FeedState::Failing,
        Some("feed-failed-connect"),
    );
    assert_eq!(s.domains, 0);
}

/// A DNS server that answers every A question with 127.0.0.1 (and AAAA with nothing), counting
/// the questions for each name: the upstream of the test where the feed has a name.
struct LoopbackDns {
    addr: SocketAddr,
    asked: Arc<Mutex<HashMap<String, usize>>>,
}

impl LoopbackDns {
    fn start() -> LoopbackDns {
        let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
        let addr = socket.local_addr().unwrap();
        let asked = Arc::new(Mutex::new(HashMap::new()));
        let counts = asked.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            loop {
                let Ok((n, from)) = socket.recv_from(&mut buf) else {
                    return;
                };
                let Ok(query) = Message::from_vec(&buf[..n]) else {
                    continue;
                };
                let mut reply = Message::response(query.metadata.id, query.metadata.op_code);
                reply.metadata.recursion_desired = query.metadata.recursion_desired;
                reply.metadata.recursion_available = true;
                reply.metadata.response_code = ResponseCode::NoError;
                for q in &query.queries {
                    let name = q.name.to_ascii().trim_end_matches('.').to_lowercase();
                    *counts.lock().unwrap().entry(name).or_insert(0) += 1;
                    reply.add_query(q.clone());
                    if q.query_type == RecordType::A {
                        reply.add_answer(Record::from_rdata(
                            q.name.clone(),
                            5,
                            RData::A(A("127.0.0.1".parse().unwrap())),
                        ));
                    }
                }
                let _ = socket.send_to(&reply.to_vec().unwrap(), from);
            }
        });
        LoopbackDns { addr, asked }
    }

    fn asked(&self, name: &str) -> usize {
        self.asked.lock().unwrap().get(name).copied().unwrap_or(0)
    }
}

#[test]
fn a_feed_that_blocks_its_own_host_still_refreshes() {
    let dns = LoopbackDns::start();
    let server = FeedServer::http();
    let host = "lists.selfblock.test";
    server.list("/self.txt", &[host, "first-clone.example"]);
    let url = format!("http://{host}:{}/self.txt", server.addr.port());
    let v = Vigie::start_with(
        &[],
        &feed_args(dns.addr),
        Some(&subscription("Self", &url)),
        &[],
        &[],
    );
    wait_blocked(&v, host);
    wait_blocked(&v, "first-clone.example");
    let asked_before = dns.asked(host);
    assert!(asked_before > 0, "the feed host is looked up upstream");

    server.list(
        "/self.txt",
        &[host, "first-clone.example", "second-clone.example"],
    );
    wait_blocked(&v, "second-clone.example");
    assert!(
        dns.asked(host) > asked_before,
        "the refresh looked its blocked host up upstream again"
    );
    Parent::of(&v).wait_for(&v, "Self", FeedState::Ok, None);
}

#[test]
fn no_query_is_lost_while_feeds_refresh() {
    let upstream = Upstream::start();
    let server = FeedServer::http();
    server.list("/a.txt", &["flow-a.example"]);
    let v = Vigie::start_with(
        &[],
        &feed_args(upstream.addr()),
        Some(&subscription("Flow", &server.url("http", "/a.txt"))),
        &[],
        &[],
    );
    wait_blocked(&v, "flow-a.example");
    let parent = Parent::of(&v);
    let generation = || {
        parent
            .rt
            .block_on(parent.client.status())
            .unwrap()
            .generation
    };
    let start = generation();

    let stop = Arc::new(AtomicBool::new(false));
    let (sent, answered) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let senders: Vec<_> = (0..4)
        .map(|i| {
            let (stop, sent, answered) = (stop.clone(), sent.clone(), answered.clone());
            let dns = v.dns;
            std::thread::spawn(move || {
                let names = ["www.example.test", "flow-a.example", "omegle.com"];
                let mut n = 0;
                while !stop.load(Ordering::Relaxed) {
                    let name = names[(n + i) % names.len()];
                    sent.fetch_add(1, Ordering::Relaxed);
                    if crate::util::query_udp(dns, name, RecordType::A, true).is_some() {
                        answered.fetch_add(1, Ordering::Relaxed);
                    }
                    n += 1;
                }
            })
        })
        .collect();
    // The feed changes every time it is read: each refresh is a new policy.
    for round in 0..3 {
        server.list(
            "/a.txt",
            &["flow-a.example", &format!("flow-{round}.example")],
        );
        wait_blocked(&v, &format!("flow-{round}.example"));
    }
    stop.store(true, Ordering::Relaxed);
    for s in senders {
        s.join().unwrap();
    }
    let (sent, answered) = (
        sent.load(Ordering::Relaxed),
        answered.load(Ordering::Relaxed),
    );
    eprintln!(
        "{sent} queries sent during {} reloads, {answered} answered",
        generation() - start
    );
    assert!(
        generation() >= start + 3,
        "the feed was applied three times"
    );
    assert!(sent > 100, "queries flowed: {sent}");
    assert_eq!(answered, sent, "no query lost");
}

#[test]
fn subscriptions_are_added_changed_and_removed_through_the_api() {
    let upstream = Upstream::start();
    let server = FeedServer::http();
    server.list("/api.txt", &["api-clone.example"]);
    let v = Vigie::start_with(&[], &feed_args(upstream.addr()), None, &[], &[]);
    let parent = Parent::of(&v);
    let c = &parent.client;
    let rt = &parent.rt;
    let url = server.url("http", "/api.txt");
    let add = vigie_localapi::AddSubscription {
        url: url.clone(),
        name: Some("From the API".into()),
        format: None,
        refresh: Some("12h".into()),
    };
    let s = rt.block_on(c.add_subscription(&add, None)).unwrap();
    assert_eq!(s.refresh_secs, 12 * 3600);
    assert!(s.id.starts_with("sub-"));
    wait_blocked(&v, "api-clone.example");
    let text = std::fs::read_to_string(v.config.join("settings.toml")).unwrap();
    assert!(
        text.contains(&url) && text.contains("From the API"),
        "{text}"
    );

    // The same URL again: refused with the reason. A bad refresh: the field is named.
    let e = rt.block_on(c.add_subscription(&add, None)).unwrap_err();
    assert_eq!(e.status(), Some(409));
    assert_eq!(e.i18n().unwrap().id, "api-subscription-exists");
    let bad = vigie_localapi::AddSubscription {
        url: server.url("http", "/other.txt"),
        refresh: Some("30m".into()),
        ..add.clone()
    };
    let e = rt.block_on(c.add_subscription(&bad, None)).unwrap_err();
    assert_eq!(e.status(), Some(422));
    assert!(
        e.to_string()
            .contains("subscription[1].refresh: \"30m\" is shorter than 1h"),
        "{e}"
    );
    // A stale version.
    let e = rt
        .block_on(c.add_subscription(&bad, Some("\"stale\"")))
        .unwrap_err();
    assert_eq!(e.status(), Some(412));

    // Off: its domains no longer block; "check now" is refused while off.
    let off = vigie_localapi::SubscriptionChange {
        enabled: Some(false),
        ..Default::default()
    };
    let s = rt
        .block_on(c.change_subscription(&s.id, &off, None))
        .unwrap();
    assert_eq!(s.state, FeedState::Off);
    assert!(!blocked(&v, "api-clone.example"));
    let e = rt.block_on(c.refresh_subscription(&s.id)).unwrap_err();
    assert_eq!(e.status(), Some(409));
    let on = vigie_localapi::SubscriptionChange {
        enabled: Some(true),
        ..Default::default()
    };
    rt.block_on(c.change_subscription(&s.id, &on, None))
        .unwrap();
    assert!(
        blocked(&v, "api-clone.example"),
        "the kept copy is back at once"
    );
    rt.block_on(c.refresh_subscription(&s.id)).unwrap();

    let e = rt
        .block_on(c.change_subscription("sub-000000000000", &on, None))
        .unwrap_err();
    assert_eq!(e.status(), Some(404));

    rt.block_on(c.remove_subscription(&s.id, None)).unwrap();
    assert!(!blocked(&v, "api-clone.example"));
    assert!(parent.subscriptions().is_empty());
    assert!(
        !v.data.join(format!("feeds/{}.body", s.id)).exists(),
        "its copy is removed too"
    );

    // Vigie's own feed: this test build names none.
    let feed = rt.block_on(c.subscriptions()).unwrap().value.vigie_feed;
    assert!(!feed.available);
    assert_eq!(feed.state, FeedState::Off);
    assert_eq!(feed.last_error.unwrap().id, "feed-off-no-build");
    assert_eq!(feed.sequence, feed.shipped_sequence);
}

// ---- Vigie's own signed feed ----

/// `vigie feed ARGS` in `dir`; panics unless it succeeds.
fn vigie_feed_cli(dir: &std::path::Path, args: &[&str]) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_vigie"))
        .arg("feed")
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "vigie feed {args:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The shipped list with one more site, built into a feed of `sequence` and signed with
/// `secret`; returns (body, signature).
fn signed_feed(
    dir: &std::path::Path,
    secret: &str,
    sequence: u64,
    clone: &str,
) -> (String, String) {
    let shipped = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../blocklists/stranger-chat.toml"),
    )
    .unwrap();
    let source = format!(
        "{shipped}\n[[site]]\nname = \"{clone}\"\ndomains = [\"{clone}\"]\nsources = [\"the feed test\"]\n"
    );
    let name = format!("feed-{sequence}-{clone}.toml");
    std::fs::write(dir.join("source.toml"), source).unwrap();
    let seq = sequence.to_string();
    vigie_feed_cli(
        dir,
        &["build", "source.toml", "-o", &name, "--sequence", &seq],
    );
    vigie_feed_cli(dir, &["sign", "--secret", secret, &name]);
    (
        std::fs::read_to_string(dir.join(&name)).unwrap(),
        std::fs::read_to_string(dir.join(format!("{name}.minisig"))).unwrap(),
    )
}

#[test]
fn vigies_feed_is_applied_only_when_signed_and_newer() {
    let keys = tempfile::tempdir().unwrap();
    let k = keys.path();
    for name in ["key", "other"] {
        vigie_feed_cli(
            k,
            &[
                "keygen",
                "--secret",
                &format!("{name}.sec"),
                "--public",
                &format!("{name}.pub"),
                "--no-password",
            ],
        );
    }
    let shipped = vigie_policy::subscription::shipped_sequence();
    let (v2, v2_sig) = signed_feed(k, "key.sec", shipped + 400, "brand-new-clone.example");
    let (v3, v3_sig) = signed_feed(k, "key.sec", shipped + 500, "third-clone.example");
    let (old, old_sig) = signed_feed(k, "key.sec", shipped + 200, "old-clone.example");
    let (_, foreign_sig) = signed_feed(k, "other.sec", shipped + 500, "third-clone.example");

    let upstream = Upstream::start();
    let server = FeedServer::http();
    let serve = |body: &str, sig: Option<&str>| {
        server.set(
            "/feed.toml",
            Reply::Body("application/toml", body.to_string()),
        );
        match sig {
            Some(sig) => server.set("/feed.toml.minisig", Reply::Body("text/plain", sig.into())),
            None => server.set("/feed.toml.minisig", Reply::Status(404)),
        }
    };
    serve(&v2, Some(&v2_sig));
    let mut args = feed_args(upstream.addr());
    args.extend([
        "--feed-url".to_string(),
        server.url("http", "/feed.toml"),
        "--feed-public-key".to_string(),
        k.join("key.pub").display().to_string(),
    ]);
    let v = Vigie::start_with(&[], &args, None, &[], &[]);
    wait_blocked(&v, "brand-new-clone.example");
    assert!(blocked(&v, "omegle.com"), "the shipped sites stay");
    let parent = Parent::of(&v);
    let feed = || {
        parent
            .rt
            .block_on(parent.client.subscriptions())
            .unwrap()
            .value
            .vigie_feed
    };
    let f = feed();
    assert!(f.available && f.enabled);
    assert_eq!(
        (f.state, f.sequence, f.shipped_sequence),
        (FeedState::Ok, shipped + 400, shipped)
    );
    let check = parent
        .rt
        .block_on(parent.client.check("brand-new-clone.example"))
        .unwrap();
    assert_eq!(
        check.reason.unwrap().list,
        "stranger-chat",
        "the same list, so the same switch"
    );

    let wait_refused = |id: &str| {
        let mut last = None;
        let ok = eventually(WAIT, || {
            let f = feed();
            let done =
                f.state == FeedState::Failing && f.last_error.as_ref().is_some_and(|m| m.id == id);
            last = Some(f);
            done
        });
        assert!(
            ok.is_some(),
            "wanted {id}, have {last:#?}\nstderr:\n{}",
            v.stderr()
        );
        let f = last.unwrap();
        assert_eq!(
            f.sequence,
            shipped + 400,
            "the last good feed stays in force"
        );
        assert!(blocked(&v, "brand-new-clone.example"));
        assert!(!blocked(&v, "third-clone.example"));
    };
    // A newer body with the previous body's signature, with another key's, or with none.
    serve(&v3, Some(&v2_sig));
    wait_refused("feed-failed-signature");
    serve(&v3, Some(&foreign_sig));
    wait_refused("feed-failed-signature");
    serve(&v3, None);
    wait_refused("feed-failed-signature-missing");
    // An older feed, properly signed: a replay.
    serve(&old, Some(&old_sig));
    wait_refused("feed-failed-older");
    assert!(!blocked(&v, "old-clone.example"));
    let words = vigie_i18n::Lang::En.render(&feed().last_error.unwrap());
    assert_eq!(words, "older than the list in force");

    // The next good one goes through; turned off by a parent, the shipped list is back.
    serve(&v3, Some(&v3_sig));
    wait_blocked(&v, "third-clone.example");
    assert_eq!(feed().sequence, shipped + 500);
    let off = vigie_localapi::FeedChange {
        enabled: Some(false),
        url: None,
    };
    let f = parent
        .rt
        .block_on(parent.client.change_feed(&off, None))
        .unwrap();
    assert_eq!(f.state, FeedState::Off);
    assert_eq!(f.last_error.unwrap().id, "feed-off-by-parent");
    assert!(!blocked(&v, "third-clone.example"));
    assert!(blocked(&v, "omegle.com"));
}
