//! Allowed names: forwarded, cached, SERVFAIL when the upstream is gone, truncation and TCP
//! retry, and malformed packets.

use std::net::{Ipv4Addr, TcpStream};
use std::time::{Duration, Instant};

use hickory_proto::op::{Message, ResponseCode};
use hickory_proto::rr::rdata::A;
use hickory_proto::rr::{RData, RecordType};

use crate::upstream::Upstream;
use crate::util::{Vigie, query_message, query_udp, tcp_exchange, udp_raw};

#[test]
fn allowed_names_are_forwarded_then_served_from_the_cache() {
    let mut upstream = Upstream::start();
    let v = Vigie::start(upstream.addr(), None, &[]);
    let m = v.udp("www.example.test", RecordType::A);
    assert_eq!(m.metadata.response_code, ResponseCode::NoError);
    assert_eq!(m.answers[0].data, RData::A(A(Ipv4Addr::new(192, 0, 2, 10))));
    assert!(m.metadata.recursion_available);
    assert_eq!(upstream.queries_for("www.example.test"), 1);
    let nx = v.udp("foo.nx.test", RecordType::A);
    assert_eq!(nx.metadata.response_code, ResponseCode::NXDomain);
    assert_eq!(nx.authorities[0].record_type(), RecordType::SOA);

    // Stop the upstream: what was asked before is still answered, from the cache.
    upstream.stop();
    let again = v.tcp("WWW.example.test.", RecordType::A);
    assert_eq!(
        again.answers[0].data,
        RData::A(A(Ipv4Addr::new(192, 0, 2, 10)))
    );
    assert!(again.answers[0].ttl <= 300 && again.answers[0].ttl > 0);
    let nx = v.udp("foo.nx.test", RecordType::A);
    assert_eq!(
        nx.metadata.response_code,
        ResponseCode::NXDomain,
        "negative answers are cached too"
    );
}

#[test]
fn upstream_down_gives_servfail_within_the_bound_and_blocking_goes_on() {
    let mut upstream = Upstream::start();
    let v = Vigie::start(upstream.addr(), None, &[]);
    upstream.stop();
    let start = Instant::now();
    let m = query_udp(v.dns, "www.example.test", RecordType::A, true)
        .expect("an answer, not silence, when the upstream is down");
    let took = start.elapsed();
    assert_eq!(m.metadata.response_code, ResponseCode::ServFail);
    eprintln!("SERVFAIL after {took:?} (bound: 2 s)");
    assert!(took < Duration::from_millis(2500), "SERVFAIL took {took:?}");
    let blocked = v.udp("omegle.com", RecordType::A);
    assert_eq!(blocked.answers.len(), 1, "blocked names are still answered");
}

#[test]
fn large_answers_are_truncated_over_udp_and_complete_over_tcp() {
    let upstream = Upstream::start();
    let v = Vigie::start(upstream.addr(), None, &[]);
    let udp = query_udp(v.dns, "big.example.test", RecordType::TXT, false).unwrap();
    assert!(udp.metadata.truncation, "over 512 bytes without EDNS: TC");
    assert!(udp.answers.is_empty());
    let tcp = v.tcp("big.example.test", RecordType::TXT);
    assert!(!tcp.metadata.truncation);
    assert_eq!(tcp.answers.len(), 15);
}

#[test]
fn several_queries_on_one_tcp_connection() {
    let upstream = Upstream::start();
    let v = Vigie::start(upstream.addr(), None, &[]);
    let mut s = TcpStream::connect(v.dns).unwrap();
    for name in ["www.example.test", "omegle.com", "example.test", "ome.tv"] {
        let q = query_message(name, RecordType::A, true);
        let m = tcp_exchange(&mut s, &q).expect("an answer on the same connection");
        assert_eq!(m.metadata.id, q.metadata.id);
        assert_eq!(m.queries[0].name.to_ascii().trim_end_matches('.'), name);
    }
}

#[test]
fn malformed_packets_are_refused_and_service_goes_on() {
    let upstream = Upstream::start();
    let v = Vigie::start(upstream.addr(), None, &[]);
    let good = query_message("www.example.test", RecordType::A, false)
        .to_vec()
        .unwrap();
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let sock = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let mut sent = 0;
    // Random bytes of every small length.
    for len in 0..200usize {
        let bytes: Vec<u8> = (0..len).map(|_| next() as u8).collect();
        sock.send_to(&bytes, v.dns).unwrap();
        sent += 1;
    }
    // Truncated headers and bodies of a good query.
    for cut in 1..good.len() {
        sock.send_to(&good[..cut], v.dns).unwrap();
        sent += 1;
    }
    // A label-compression loop: the name points at itself.
    let mut looped = good[..12].to_vec();
    looped.extend_from_slice(&[0xc0, 12, 0, 1, 0, 1]);
    // Absurd counts: 65535 questions announced, one present.
    let mut counts = good.clone();
    counts[4] = 0xff;
    counts[5] = 0xff;
    for bytes in [&looped, &counts] {
        let reply = udp_raw(v.dns, bytes).expect("a readable header gets FORMERR");
        let m = Message::from_vec(&reply).unwrap();
        assert_eq!(m.metadata.response_code, ResponseCode::FormErr);
        sent += 1;
    }
    eprintln!("sent {sent} malformed packets");
    // Over TCP too: a garbage frame closes the connection, the service stays up.
    let mut s = TcpStream::connect(v.dns).unwrap();
    use std::io::Write;
    s.write_all(&[0, 5, 1, 2, 3, 4, 5]).unwrap();
    drop(s);

    let m = v.udp("www.example.test", RecordType::A);
    assert_eq!(m.answers[0].data, RData::A(A(Ipv4Addr::new(192, 0, 2, 10))));
    let m = v.tcp("omegle.com", RecordType::A);
    assert_eq!(m.answers.len(), 1);
}

#[test]
fn many_concurrent_clients_all_get_answers() {
    let upstream = Upstream::start();
    let v = Vigie::start(upstream.addr(), None, &[]);
    let dns = v.dns;
    let handles: Vec<_> = (0..32)
        .map(|i| {
            std::thread::spawn(move || {
                for j in 0..20 {
                    let name = if (i + j) % 2 == 0 {
                        "www.example.test"
                    } else {
                        "www.omegle.com"
                    };
                    let m = query_udp(dns, name, RecordType::A, true).expect("answer");
                    assert_eq!(m.answers.len(), 1);
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
}
