//! A local upstream DNS server for Vigie's integration tests. [`Upstream::start`]
//! binds UDP and TCP on the same ephemeral port of 127.0.0.1 and answers from
//! the small, fixed test zone below on background threads, so a test can point
//! the real `vigie` binary at it without ever touching the internet. It counts
//! the queries it receives ([`Upstream::queries`], [`Upstream::queries_for`]) so
//! that a test can prove an answer came from Vigie's cache, and
//! [`Upstream::stop`] closes both sockets so a test can see what Vigie does when
//! its upstream goes away.
//!
//! # Test zone
//!
//! Names are matched case-insensitively; the first owner name in an answer keeps
//! the case of the question.
//!
//! | Name                             | Type  | Data                                                      | TTL |
//! |----------------------------------|-------|-----------------------------------------------------------|-----|
//! | `example.test`                   | A     | 192.0.2.1                                                 | 300 |
//! | `example.test`                   | MX    | 10 mail.example.test                                      | 300 |
//! | `example.test`                   | TXT   | "v=test"                                                  | 300 |
//! | `example.test`                   | SOA   | ns.example.test hostmaster.example.test 1 3600 600 86400 60 | 300 |
//! | `www.example.test`               | A     | 192.0.2.10                                                | 300 |
//! | `www.example.test`               | AAAA  | 2001:db8::10                                              | 300 |
//! | `short.example.test`             | A     | 192.0.2.11                                                | 1   |
//! | `alias.example.test`             | CNAME | www.example.test (A/AAAA answers carry www's records too)  | 300 |
//! | `sneaky.example.test`            | CNAME | chat.omegle.com, followed in the same answer by `chat.omegle.com A 192.0.2.66` / `AAAA 2001:db8::66` | 300 |
//! | `big.example.test`               | TXT   | 15 records of 200 characters (about 3.2 kB of answers)    | 300 |
//! | other names under `example.test` (including `*.nx.example.test`) | any | NXDOMAIN, `example.test` SOA in authority | 60 |
//! | `nx.test` and every name under it | any  | NXDOMAIN, `example.test` SOA in authority                 | 60  |
//! | every other name (`omegle.com`, `www.omegle.com`, `chat.omegle.com` asked directly, `chatroulette.com`, …) | A / AAAA | 192.0.2.99 / 2001:db8::99 | 300 |
//!
//! Other behaviour that tests may rely on:
//!
//! - **NODATA**: a type missing at an existing name (e.g. MX of
//!   `www.example.test`) gets NOERROR, no answers and a SOA in authority: the
//!   `example.test` SOA for zone names, otherwise a made-up SOA for the last two
//!   labels of the name (`ns.<apex>` / `hostmaster.<apex>`, minimum 60). A SOA
//!   in authority has TTL 60 (RFC 2308: min of its TTL and minimum).
//! - A CNAME question, or ANY, at an alias returns the CNAME itself; other
//!   types follow the chain (NODATA or NXDOMAIN at the target applies to the
//!   whole answer, with the CNAME kept in it).
//! - **Header**: id, opcode, RD and the question are echoed, QR is set, RA is
//!   always set, AA is set for names under `example.test` and `nx.test`.
//!   Opcodes other than QUERY get NOTIMP; a question count other than 1 gets
//!   FORMERR.
//! - **UDP**: the reply fits the query's EDNS payload size (512 without EDNS);
//!   a reply that does not fit is sent with TC set and every record section
//!   emptied (question and OPT kept). A query with an OPT gets an OPT back
//!   (payload 1232). So `big.example.test` TXT (about 3.2 kB on the wire) is
//!   truncated over UDP without EDNS or with 1232, and complete with 4096.
//! - **TCP**: 2-byte length framing, any number of queries per connection
//!   until the client closes; never truncated.
//! - Input that does not parse as a DNS query is ignored and not counted. Every
//!   query that parses is counted (UDP and TCP), before it is answered, under
//!   its question name in lowercase without the trailing dot.

use std::collections::HashMap;
use std::io::{self, Read, Write};
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use hickory_proto::op::{Edns, Message, MessageType, OpCode, Query, ResponseCode};
use hickory_proto::rr::rdata::{A, AAAA, CNAME, MX, SOA, TXT};
use hickory_proto::rr::{Name, RData, Record, RecordType};

/// How often the server threads look at the stop flag.
const POLL: Duration = Duration::from_millis(20);
/// TTL of every record of the zone except `short.example.test`.
const TTL: u32 = 300;
/// TTL of the SOA sent in authority with negative answers (its minimum).
const NEGATIVE_TTL: u32 = 60;
/// Payload size advertised in the OPT record of replies.
const SERVER_PAYLOAD: u16 = 1232;
/// Number and length of the TXT records of `big.example.test`.
const BIG_TXT_COUNT: usize = 15;
const BIG_TXT_LEN: usize = 200;

/// A local DNS server serving the test zone described in the module header.
#[derive(Debug)]
pub(crate) struct Upstream {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    counters: Arc<Counters>,
    threads: Vec<JoinHandle<()>>,
}

impl Upstream {
    /// Binds UDP and TCP on the same ephemeral port of 127.0.0.1 and serves the
    /// test zone on background threads.
    pub(crate) fn start() -> Upstream {
        Upstream::serve(bind_pair())
    }

    /// Serves the test zone on `addr` (a namespace's address and port 53, say), UDP and TCP.
    pub(crate) fn start_at(addr: SocketAddr) -> Upstream {
        let udp = UdpSocket::bind(addr).expect("upstream: bind UDP");
        let tcp = TcpListener::bind(addr).expect("upstream: bind TCP");
        Upstream::serve((udp, tcp))
    }

    fn serve((udp, tcp): (UdpSocket, TcpListener)) -> Upstream {
        let addr = udp.local_addr().expect("upstream: UDP local address");
        udp.set_read_timeout(Some(POLL))
            .expect("upstream: UDP read timeout");
        tcp.set_nonblocking(true)
            .expect("upstream: non-blocking TCP listener");

        let stop = Arc::new(AtomicBool::new(false));
        let counters = Arc::new(Counters::default());
        let udp_thread = {
            let (stop, counters) = (Arc::clone(&stop), Arc::clone(&counters));
            thread::Builder::new()
                .name("upstream-udp".into())
                .spawn(move || serve_udp(&udp, &stop, &counters))
                .expect("upstream: spawn UDP thread")
        };
        let tcp_thread = {
            let (stop, counters) = (Arc::clone(&stop), Arc::clone(&counters));
            thread::Builder::new()
                .name("upstream-tcp".into())
                .spawn(move || serve_tcp(tcp, &stop, &counters))
                .expect("upstream: spawn TCP thread")
        };
        Upstream {
            addr,
            stop,
            counters,
            threads: vec![udp_thread, tcp_thread],
        }
    }

    /// The address (127.0.0.1 and a port) both UDP and TCP listen on.
    pub(crate) fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Number of queries received so far (UDP + TCP), to prove an answer came
    /// from Vigie's cache.
    pub(crate) fn queries(&self) -> usize {
        self.counters.total.load(Ordering::SeqCst)
    }

    /// Queries received for one name (lowercase, no trailing dot).
    pub(crate) fn queries_for(&self, name: &str) -> usize {
        let key = name.trim_end_matches('.').to_ascii_lowercase();
        self.counters
            .by_name
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&key)
            .copied()
            .unwrap_or(0)
    }

    /// Stops answering: closes both sockets (so queries time out / connections
    /// are refused) and joins the threads. Calling it again does nothing.
    pub(crate) fn stop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        for thread in self.threads.drain(..) {
            // The serving threads do not panic on any input; if one did, the
            // test that caused it reports it better than a panic here would.
            let _ = thread.join();
        }
    }
}

impl Drop for Upstream {
    fn drop(&mut self) {
        self.stop();
    }
}

/// What the server has received.
#[derive(Debug, Default)]
struct Counters {
    total: AtomicUsize,
    by_name: Mutex<HashMap<String, usize>>,
}

impl Counters {
    fn record(&self, name: Option<String>) {
        if let Some(name) = name {
            *self
                .by_name
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .entry(name)
                .or_default() += 1;
        }
        self.total.fetch_add(1, Ordering::SeqCst);
    }
}

/// Binds a UDP socket and a TCP listener on the same ephemeral port.
fn bind_pair() -> (UdpSocket, TcpListener) {
    for _ in 0..100 {
        let udp = UdpSocket::bind((Ipv4Addr::LOCALHOST, 0)).expect("upstream: bind UDP");
        let port = udp
            .local_addr()
            .expect("upstream: UDP local address")
            .port();
        if let Ok(tcp) = TcpListener::bind((Ipv4Addr::LOCALHOST, port)) {
            return (udp, tcp);
        }
    }
    panic!("upstream: no port of 127.0.0.1 free for both UDP and TCP");
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Transport {
    Udp,
    Tcp,
}

fn serve_udp(socket: &UdpSocket, stop: &AtomicBool, counters: &Counters) {
    let mut buf = vec![0u8; 65535];
    while !stop.load(Ordering::SeqCst) {
        match socket.recv_from(&mut buf) {
            Ok((len, peer)) => {
                if let Some(reply) = handle(&buf[..len], Transport::Udp, counters) {
                    let _ = socket.send_to(&reply, peer);
                }
            }
            Err(e) if is_timeout(&e) => {}
            Err(_) => thread::sleep(Duration::from_millis(2)),
        }
    }
}

fn serve_tcp(listener: TcpListener, stop: &Arc<AtomicBool>, counters: &Arc<Counters>) {
    let mut connections: Vec<JoinHandle<()>> = Vec::new();
    while !stop.load(Ordering::SeqCst) {
        match listener.accept() {
            Ok((stream, _)) => {
                let (stop, counters) = (Arc::clone(stop), Arc::clone(counters));
                let spawned = thread::Builder::new()
                    .name("upstream-tcp-conn".into())
                    .spawn(move || serve_connection(stream, &stop, &counters));
                if let Ok(handle) = spawned {
                    connections.push(handle);
                }
            }
            Err(_) => thread::sleep(Duration::from_millis(2)),
        }
        connections.retain(|c| !c.is_finished());
    }
    // Close the listening socket first so that new connections are refused.
    drop(listener);
    for connection in connections {
        let _ = connection.join();
    }
}

fn serve_connection(mut stream: TcpStream, stop: &AtomicBool, counters: &Counters) {
    if stream.set_nonblocking(false).is_err()
        || stream.set_read_timeout(Some(POLL)).is_err()
        || stream
            .set_write_timeout(Some(Duration::from_secs(2)))
            .is_err()
    {
        return;
    }
    let _ = stream.set_nodelay(true);
    loop {
        let mut len = [0u8; 2];
        if !read_full(&mut stream, &mut len, stop) {
            return;
        }
        let mut message = vec![0u8; usize::from(u16::from_be_bytes(len))];
        if !read_full(&mut stream, &mut message, stop) {
            return;
        }
        let Some(reply) = handle(&message, Transport::Tcp, counters) else {
            continue;
        };
        let Ok(reply_len) = u16::try_from(reply.len()) else {
            continue;
        };
        let mut framed = Vec::with_capacity(reply.len() + 2);
        framed.extend_from_slice(&reply_len.to_be_bytes());
        framed.extend_from_slice(&reply);
        if stream.write_all(&framed).is_err() {
            return;
        }
    }
}

/// Fills `buf` from `stream`; false on end of stream, error or stop.
fn read_full(stream: &mut TcpStream, buf: &mut [u8], stop: &AtomicBool) -> bool {
    let mut filled = 0;
    while filled < buf.len() {
        if stop.load(Ordering::SeqCst) {
            return false;
        }
        match stream.read(&mut buf[filled..]) {
            Ok(0) => return false,
            Ok(n) => filled += n,
            Err(e) if is_timeout(&e) || e.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => return false,
        }
    }
    true
}

fn is_timeout(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}

/// Answers one wire-format message; `None` for input that is not a query.
fn handle(bytes: &[u8], transport: Transport, counters: &Counters) -> Option<Vec<u8>> {
    let query = Message::from_vec(bytes).ok()?;
    if query.metadata.message_type != MessageType::Query {
        return None;
    }
    counters.record(query.queries.first().map(|q| key_of(q.name())));

    let mut response = Message::response(query.metadata.id, query.metadata.op_code);
    response.metadata.recursion_desired = query.metadata.recursion_desired;
    response.metadata.recursion_available = true;
    response.metadata.checking_disabled = query.metadata.checking_disabled;
    response.queries = query.queries.clone();
    if query.edns.is_some() {
        let mut edns = Edns::new();
        edns.set_max_payload(SERVER_PAYLOAD);
        response.set_edns(edns);
    }
    if query.metadata.op_code != OpCode::Query {
        response.metadata.response_code = ResponseCode::NotImp;
    } else if let [question] = query.queries.as_slice() {
        resolve(question, &mut response);
    } else {
        response.metadata.response_code = ResponseCode::FormErr;
    }

    let mut reply = response.to_vec().ok()?;
    if transport == Transport::Udp && reply.len() > usize::from(query.max_payload()) {
        response.metadata.truncation = true;
        response.answers.clear();
        response.authorities.clear();
        response.additionals.clear();
        reply = response.to_vec().ok()?;
    }
    Some(reply)
}

/// Lowercase name without the trailing dot, as used by `queries_for`.
fn key_of(name: &Name) -> String {
    name.to_lowercase()
        .to_ascii()
        .trim_end_matches('.')
        .to_owned()
}

fn is_under(key: &str, domain: &str) -> bool {
    key == domain
        || key
            .strip_suffix(domain)
            .is_some_and(|prefix| prefix.ends_with('.'))
}

/// Names the server answers for with AA set.
fn is_authoritative(key: &str) -> bool {
    is_under(key, "example.test") || is_under(key, "nx.test")
}

/// What the zone holds at one name.
enum Node {
    /// The name does not exist.
    NxDomain,
    /// An alias (CNAME, TTL 300) of the given name.
    Alias(Name),
    /// All the records at the name (possibly none of the asked type).
    Records(Vec<Record>),
}

/// Fills the answer and authority sections and the response code.
fn resolve(question: &Query, response: &mut Message) {
    let qtype = question.query_type();
    let mut owner = question.name().clone();
    response.metadata.authoritative = is_authoritative(&key_of(&owner));
    let mut via_alias = false;
    // Bounded: the zone has no loops, but the chain is followed generically.
    for _ in 0..8 {
        let key = key_of(&owner);
        match lookup(&key, &owner, via_alias) {
            Node::NxDomain => {
                response.metadata.response_code = ResponseCode::NXDomain;
                response.authorities.push(negative_soa(&owner, &key));
                return;
            }
            Node::Alias(target) => {
                let cname = RData::CNAME(CNAME(target.clone()));
                response.answers.push(Record::from_rdata(owner, TTL, cname));
                if qtype == RecordType::CNAME || qtype == RecordType::ANY {
                    return;
                }
                owner = target;
                via_alias = true;
            }
            Node::Records(records) => {
                let before = response.answers.len();
                response.answers.extend(
                    records
                        .into_iter()
                        .filter(|r| qtype == RecordType::ANY || r.record_type() == qtype),
                );
                if response.answers.len() == before {
                    response.authorities.push(negative_soa(&owner, &key));
                }
                return;
            }
        }
    }
    response.metadata.response_code = ResponseCode::ServFail;
}

/// The zone. `owner` is the name to put on the records (the question's case is
/// kept); `key` is its lowercase form. `via_alias` is true when the name was
/// reached through a CNAME of the zone.
fn lookup(key: &str, owner: &Name, via_alias: bool) -> Node {
    let at = |ttl: u32, data: RData| Record::from_rdata(owner.clone(), ttl, data);
    let a = |ttl: u32, ip: [u8; 4]| at(ttl, RData::A(A(Ipv4Addr::from(ip))));
    let aaaa = |ip: &str| {
        let ip: Ipv6Addr = ip.parse().expect("upstream: IPv6 literal");
        at(TTL, RData::AAAA(AAAA(ip)))
    };
    match key {
        "example.test" => Node::Records(vec![
            a(TTL, [192, 0, 2, 1]),
            at(TTL, RData::MX(MX::new(10, fqdn("mail.example.test")))),
            at(TTL, RData::TXT(TXT::new(vec!["v=test".to_owned()]))),
            at(TTL, RData::SOA(example_soa())),
        ]),
        "www.example.test" => Node::Records(vec![a(TTL, [192, 0, 2, 10]), aaaa("2001:db8::10")]),
        "short.example.test" => Node::Records(vec![a(1, [192, 0, 2, 11])]),
        "alias.example.test" => Node::Alias(fqdn("www.example.test")),
        "sneaky.example.test" => Node::Alias(fqdn("chat.omegle.com")),
        "big.example.test" => Node::Records(
            (0..BIG_TXT_COUNT)
                .map(|i| {
                    let mut text = format!("big-{i:02}-");
                    let fill = BIG_TXT_LEN - text.len();
                    text.extend(std::iter::repeat_n('x', fill));
                    at(TTL, RData::TXT(TXT::new(vec![text])))
                })
                .collect(),
        ),
        "chat.omegle.com" if via_alias => {
            Node::Records(vec![a(TTL, [192, 0, 2, 66]), aaaa("2001:db8::66")])
        }
        _ if is_under(key, "example.test") || is_under(key, "nx.test") => Node::NxDomain,
        _ => Node::Records(vec![a(TTL, [192, 0, 2, 99]), aaaa("2001:db8::99")]),
    }
}

fn fqdn(name: &str) -> Name {
    Name::from_ascii(format!("{name}.")).expect("upstream: zone name")
}

fn example_soa() -> SOA {
    SOA::new(
        fqdn("ns.example.test"),
        fqdn("hostmaster.example.test"),
        1,
        3600,
        600,
        86400,
        NEGATIVE_TTL,
    )
}

/// The SOA sent in authority with NXDOMAIN and NODATA for `owner`.
fn negative_soa(owner: &Name, key: &str) -> Record {
    if is_authoritative(key) {
        return Record::from_rdata(
            fqdn("example.test"),
            NEGATIVE_TTL,
            RData::SOA(example_soa()),
        );
    }
    // Outside the zone: a made-up SOA for the last two labels of the name.
    let apex = owner.to_lowercase().trim_to(2);
    let under_apex = |label: &str| {
        Name::from_ascii(label)
            .and_then(|n| n.append_domain(&apex))
            .unwrap_or_else(|_| apex.clone())
    };
    let soa = SOA::new(
        under_apex("ns"),
        under_apex("hostmaster"),
        1,
        3600,
        600,
        86400,
        NEGATIVE_TTL,
    );
    Record::from_rdata(apex, NEGATIVE_TTL, RData::SOA(soa))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TIMEOUT: Duration = Duration::from_secs(2);

    fn query(name: &str, qtype: RecordType, edns_payload: Option<u16>) -> Message {
        let mut message = Message::query();
        message.metadata.recursion_desired = true;
        message.add_query(Query::query(
            Name::from_ascii(name).expect("test name"),
            qtype,
        ));
        if let Some(payload) = edns_payload {
            let mut edns = Edns::new();
            edns.set_max_payload(payload);
            message.set_edns(edns);
        }
        message
    }

    fn udp_exchange_within(
        addr: SocketAddr,
        message: &Message,
        timeout: Duration,
    ) -> io::Result<Message> {
        let socket = UdpSocket::bind((Ipv4Addr::LOCALHOST, 0))?;
        socket.connect(addr)?;
        socket.set_read_timeout(Some(timeout))?;
        socket.send(&message.to_vec().expect("encode query"))?;
        let mut buf = vec![0u8; 65535];
        let len = socket.recv(&mut buf)?;
        Message::from_vec(&buf[..len]).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
    }

    fn udp_exchange(addr: SocketAddr, message: &Message) -> Message {
        udp_exchange_within(addr, message, TIMEOUT).expect("UDP answer")
    }

    /// Sends every message on one TCP connection, then reads every reply.
    fn tcp_exchange(addr: SocketAddr, messages: &[Message]) -> Vec<Message> {
        let mut stream = TcpStream::connect(addr).expect("TCP connect");
        stream.set_read_timeout(Some(TIMEOUT)).expect("timeout");
        for message in messages {
            let bytes = message.to_vec().expect("encode query");
            let len = u16::try_from(bytes.len()).expect("query length");
            stream.write_all(&len.to_be_bytes()).expect("write");
            stream.write_all(&bytes).expect("write");
        }
        messages
            .iter()
            .map(|_| {
                let mut len = [0u8; 2];
                stream.read_exact(&mut len).expect("read length");
                let mut buf = vec![0u8; usize::from(u16::from_be_bytes(len))];
                stream.read_exact(&mut buf).expect("read reply");
                Message::from_vec(&buf).expect("decode reply")
            })
            .collect()
    }

    fn ipv4s(message: &Message) -> Vec<Ipv4Addr> {
        message
            .answers
            .iter()
            .filter_map(|r| match &r.data {
                RData::A(a) => Some(a.0),
                _ => None,
            })
            .collect()
    }

    fn assert_echoes(reply: &Message, query: &Message) {
        assert_eq!(reply.metadata.id, query.metadata.id);
        assert_eq!(reply.metadata.message_type, MessageType::Response);
        assert!(reply.metadata.recursion_available);
        assert_eq!(reply.queries, query.queries);
    }

    #[test]
    fn answers_a_over_udp_and_tcp() {
        let upstream = Upstream::start();
        let q = query("www.example.test.", RecordType::A, None);
        let udp = udp_exchange(upstream.addr(), &q);
        assert_echoes(&udp, &q);
        assert!(udp.metadata.authoritative);
        assert_eq!(udp.metadata.response_code, ResponseCode::NoError);
        assert_eq!(ipv4s(&udp), [Ipv4Addr::new(192, 0, 2, 10)]);
        assert_eq!(udp.answers[0].ttl, 300);
        assert!(udp.edns.is_none());

        let q2 = query("short.example.test.", RecordType::A, Some(1232));
        let tcp = tcp_exchange(upstream.addr(), &[q.clone(), q2.clone()]);
        assert_echoes(&tcp[0], &q);
        assert_eq!(ipv4s(&tcp[0]), [Ipv4Addr::new(192, 0, 2, 10)]);
        assert_echoes(&tcp[1], &q2);
        assert_eq!(ipv4s(&tcp[1]), [Ipv4Addr::new(192, 0, 2, 11)]);
        assert_eq!(tcp[1].answers[0].ttl, 1);
        assert!(tcp[1].edns.is_some());

        // NODATA in the zone; outside the zone, the catch-all address.
        let mx = udp_exchange(
            upstream.addr(),
            &query("www.example.test.", RecordType::MX, None),
        );
        assert_eq!(mx.metadata.response_code, ResponseCode::NoError);
        assert!(mx.answers.is_empty());
        assert!(matches!(mx.authorities[0].data, RData::SOA(_)));
        let other = udp_exchange(
            upstream.addr(),
            &query("www.omegle.com.", RecordType::A, None),
        );
        assert!(!other.metadata.authoritative);
        assert_eq!(ipv4s(&other), [Ipv4Addr::new(192, 0, 2, 99)]);
    }

    #[test]
    fn follows_cname_chains() {
        let upstream = Upstream::start();
        let sneaky = udp_exchange(
            upstream.addr(),
            &query("sneaky.example.test.", RecordType::A, None),
        );
        let targets: Vec<String> = sneaky
            .answers
            .iter()
            .filter_map(|r| match &r.data {
                RData::CNAME(c) => Some(c.0.to_ascii()),
                _ => None,
            })
            .collect();
        assert_eq!(targets, ["chat.omegle.com."]);
        assert!(sneaky.answers.iter().any(|r| {
            key_of(&r.name) == "chat.omegle.com"
                && matches!(r.data, RData::A(A(ip)) if ip == Ipv4Addr::new(192, 0, 2, 66))
        }));

        let alias = udp_exchange(
            upstream.addr(),
            &query("alias.example.test.", RecordType::A, None),
        );
        assert_eq!(alias.answers.len(), 2);
        assert_eq!(ipv4s(&alias), [Ipv4Addr::new(192, 0, 2, 10)]);
        let cname = udp_exchange(
            upstream.addr(),
            &query("alias.example.test.", RecordType::CNAME, None),
        );
        assert_eq!(cname.answers.len(), 1);
        assert!(
            matches!(&cname.answers[0].data, RData::CNAME(c) if c.0.to_ascii() == "www.example.test.")
        );
    }

    #[test]
    fn nxdomain_with_soa() {
        let upstream = Upstream::start();
        for name in ["foo.nx.test.", "foo.nx.example.test."] {
            let reply = udp_exchange(upstream.addr(), &query(name, RecordType::A, None));
            assert_eq!(
                reply.metadata.response_code,
                ResponseCode::NXDomain,
                "{name}"
            );
            assert!(reply.answers.is_empty());
            let RData::SOA(soa) = &reply.authorities[0].data else {
                panic!("no SOA in authority for {name}: {reply:?}");
            };
            assert_eq!(soa.mname.to_ascii(), "ns.example.test.");
            assert_eq!(soa.minimum, 60);
        }
    }

    #[test]
    fn big_answer_truncated_over_udp_complete_over_tcp() {
        let upstream = Upstream::start();
        let q = query("big.example.test.", RecordType::TXT, None);
        let udp = udp_exchange(upstream.addr(), &q);
        assert!(udp.metadata.truncation);
        assert!(udp.answers.is_empty());
        assert_echoes(&udp, &q);

        let small_edns = udp_exchange(
            upstream.addr(),
            &query("big.example.test.", RecordType::TXT, Some(1232)),
        );
        assert!(small_edns.metadata.truncation);
        assert!(small_edns.edns.is_some());
        let large_edns = udp_exchange(
            upstream.addr(),
            &query("big.example.test.", RecordType::TXT, Some(4096)),
        );
        assert!(!large_edns.metadata.truncation);
        assert_eq!(large_edns.answers.len(), BIG_TXT_COUNT);

        let tcp = tcp_exchange(upstream.addr(), &[q]);
        assert!(!tcp[0].metadata.truncation);
        assert_eq!(tcp[0].answers.len(), BIG_TXT_COUNT);
    }

    #[test]
    fn counts_queries() {
        let upstream = Upstream::start();
        assert_eq!(upstream.queries(), 0);
        udp_exchange(
            upstream.addr(),
            &query("www.example.test.", RecordType::A, None),
        );
        udp_exchange(
            upstream.addr(),
            &query("WWW.Example.TEST.", RecordType::AAAA, None),
        );
        tcp_exchange(
            upstream.addr(),
            &[query("omegle.com.", RecordType::A, None)],
        );
        assert_eq!(upstream.queries(), 3);
        assert_eq!(upstream.queries_for("www.example.test"), 2);
        assert_eq!(upstream.queries_for("omegle.com"), 1);
        assert_eq!(upstream.queries_for("example.test"), 0);
    }

    #[test]
    fn ignores_malformed_input() {
        let upstream = Upstream::start();
        let socket = UdpSocket::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind");
        socket
            .send_to(&[0xde, 0xad, 0xbe], upstream.addr())
            .expect("send");
        let mut stream = TcpStream::connect(upstream.addr()).expect("connect");
        stream.write_all(&[0, 3, 1, 2, 3]).expect("write");
        drop(stream);
        let reply = udp_exchange(
            upstream.addr(),
            &query("www.example.test.", RecordType::A, None),
        );
        assert_eq!(ipv4s(&reply), [Ipv4Addr::new(192, 0, 2, 10)]);
        assert_eq!(upstream.queries(), 1);
    }

    #[test]
    fn stop_closes_both_sockets() {
        let mut upstream = Upstream::start();
        let addr = upstream.addr();
        let q = query("www.example.test.", RecordType::A, None);
        udp_exchange(addr, &q);
        upstream.stop();
        assert!(udp_exchange_within(addr, &q, Duration::from_millis(300)).is_err());
        assert!(TcpStream::connect(addr).is_err());
        upstream.stop();
    }
}
