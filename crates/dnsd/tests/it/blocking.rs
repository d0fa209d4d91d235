//! Blocked names, special names and CNAME inspection, over UDP and TCP.

use std::net::Ipv4Addr;

use hickory_proto::op::ResponseCode;
use hickory_proto::rr::rdata::A;
use hickory_proto::rr::{RData, RecordType};
use vigie_policy::{Domain, shipped_lists};

use crate::upstream::Upstream;
use crate::util::{Vigie, ede_text, list_toml, query_tcp, query_udp};

const BLOCK_ADDR: Ipv4Addr = Ipv4Addr::new(127, 0, 0, 88);

fn a_of(m: &hickory_proto::op::Message) -> Vec<Ipv4Addr> {
    m.answers
        .iter()
        .filter_map(|r| match r.data {
            RData::A(A(ip)) => Some(ip),
            _ => None,
        })
        .collect()
}

#[test]
fn every_shipped_list_blocks_its_domains_and_their_subdomains() {
    let upstream = Upstream::start();
    let v = Vigie::start(upstream.addr(), None, &[]);
    for list in shipped_lists().unwrap() {
        // The first domain of every site, as typed by a browser and in tricky variants.
        for site in &list.sites {
            let d = site.domains[0].as_str();
            for name in [
                d.to_string(),
                format!("www.{d}"),
                format!("A.b.{}.", d.to_uppercase()),
            ] {
                if vigie_policy::Special::of(&name).is_some() {
                    continue; // answered NXDOMAIN before any list; tested below
                }
                let m = v.udp(&name, RecordType::A);
                assert_eq!(
                    a_of(&m),
                    [BLOCK_ADDR],
                    "{name} ({}) should be blocked: {m:?}",
                    site.name
                );
                let text = ede_text(&m).unwrap_or_default();
                assert!(
                    text.contains(&site.name),
                    "{name}: EDE {text:?} should name {}",
                    site.name
                );
            }
        }
    }
    assert_eq!(
        upstream.queries(),
        0,
        "no blocked name may reach the upstream"
    );
}

#[test]
fn blocked_answers_by_type_over_udp_and_tcp() {
    let upstream = Upstream::start();
    let v = Vigie::start(upstream.addr(), None, &[]);
    for tcp in [false, true] {
        let ask = |name: &str, t| if tcp { v.tcp(name, t) } else { v.udp(name, t) };
        let a = ask("www.omegle.com", RecordType::A);
        assert_eq!(a_of(&a), [BLOCK_ADDR]);
        assert_eq!(a.answers[0].ttl, 10, "the short block TTL");
        for t in [
            RecordType::AAAA,
            RecordType::HTTPS,
            RecordType::MX,
            RecordType::TXT,
            RecordType::ANY,
        ] {
            let m = ask("www.omegle.com", t);
            assert_eq!(m.metadata.response_code, ResponseCode::NoError, "{t}");
            assert!(m.answers.is_empty(), "{t} must carry no data: {m:?}");
            let soa = &m.authorities[0];
            assert_eq!(
                soa.record_type(),
                RecordType::SOA,
                "{t}: SOA for negative caching"
            );
            assert_eq!(soa.name.to_ascii(), "omegle.com.");
            assert!(ede_text(&m).unwrap().contains("Omegle"));
        }
    }
    assert_eq!(upstream.queries(), 0);
}

#[test]
fn null_and_nxdomain_modes() {
    let upstream = Upstream::start();
    let v = Vigie::start(
        upstream.addr(),
        Some("[blocking]\nmode = \"null\"\nttl = 7\n"),
        &[],
    );
    assert_eq!(
        a_of(&v.udp("ome.tv", RecordType::A)),
        [Ipv4Addr::UNSPECIFIED]
    );
    let aaaa = v.udp("ome.tv", RecordType::AAAA);
    assert!(matches!(aaaa.answers[0].data, RData::AAAA(ip) if ip.0.is_unspecified()));
    assert_eq!(aaaa.answers[0].ttl, 7);
    drop(v);
    let v = Vigie::start(
        upstream.addr(),
        Some("[blocking]\nmode = \"nxdomain\"\n"),
        &[],
    );
    let m = v.tcp("chatroulette.com", RecordType::A);
    assert_eq!(m.metadata.response_code, ResponseCode::NXDomain);
    assert_eq!(m.authorities[0].record_type(), RecordType::SOA);
}

#[test]
fn international_names_are_matched_in_punycode() {
    let upstream = Upstream::start();
    let list = list_toml("mine", "block", "Bücher chat", &["bücher-chat.test"]);
    let v = Vigie::start(upstream.addr(), None, &[("lists/mine.toml", &list)]);
    let puny = Domain::parse("www.BÜCHER-chat.test").unwrap();
    assert!(puny.as_str().starts_with("www.xn--"));
    let m = v.udp(puny.as_str(), RecordType::A);
    assert_eq!(a_of(&m), [BLOCK_ADDR]);
    assert!(ede_text(&m).unwrap().contains("Bücher chat"));
}

#[test]
fn special_names_get_their_fixed_answers() {
    let upstream = Upstream::start();
    let v = Vigie::start(upstream.addr(), None, &[]);
    for (name, code) in [
        ("use-application-dns.net", ResponseCode::NXDomain),
        ("mask.icloud.com", ResponseCode::NXDomain),
        ("MASK-H2.icloud.com.", ResponseCode::NXDomain),
        ("_dns.resolver.arpa", ResponseCode::NoError),
    ] {
        for m in [
            query_udp(v.dns, name, RecordType::A, true).unwrap(),
            query_tcp(v.dns, name, RecordType::A).unwrap(),
        ] {
            assert_eq!(m.metadata.response_code, code, "{name}");
            assert!(m.answers.is_empty(), "{name}");
        }
    }
    assert_eq!(upstream.queries(), 0);
}

#[test]
fn a_cname_to_a_blocked_site_is_blocked_and_named() {
    let upstream = Upstream::start();
    let v = Vigie::start(upstream.addr(), None, &[]);
    let m = v.udp("sneaky.example.test", RecordType::A);
    assert_eq!(a_of(&m), [BLOCK_ADDR], "{m:?}");
    assert!(ede_text(&m).unwrap().contains("Omegle"));
    assert_eq!(upstream.queries_for("sneaky.example.test"), 1);
    // The harmless alias still resolves.
    let m = v.udp("alias.example.test", RecordType::A);
    assert!(a_of(&m).contains(&Ipv4Addr::new(192, 0, 2, 10)), "{m:?}");
}

#[test]
fn the_allowlist_wins_over_the_shipped_lists() {
    let upstream = Upstream::start();
    let allow = list_toml("allowed", "allow", "Homework", &["help.omegle.com"]);
    let v = Vigie::start(upstream.addr(), None, &[("lists/allowed.toml", &allow)]);
    assert_eq!(
        a_of(&v.udp("help.omegle.com", RecordType::A)),
        [Ipv4Addr::new(192, 0, 2, 99)]
    );
    assert_eq!(a_of(&v.udp("www.omegle.com", RecordType::A)), [BLOCK_ADDR]);
}

#[test]
fn dig_and_kdig_see_the_block() {
    let upstream = Upstream::start();
    let v = Vigie::start(upstream.addr(), None, &[]);
    for tool in ["dig", "kdig"] {
        // kdig sends EDNS, where the Extended DNS Error travels, only when asked.
        let out = match std::process::Command::new(tool)
            .args([
                &format!("@{}", v.dns.ip()),
                "-p",
                &v.dns.port().to_string(),
                "+edns",
                "www.omegle.com",
                "A",
            ])
            .output()
        {
            Ok(out) => String::from_utf8_lossy(&out.stdout).into_owned(),
            Err(_) => {
                vigie_testkit::skip(
                    &format!("{}:{}", file!(), line!()),
                    &format!(
                        "{tool} is not installed (.ci/run installs dnsutils and knot-dnsutils)"
                    ),
                );
                continue;
            }
        };
        assert!(out.contains("127.0.0.88"), "{tool}:\n{out}");
        assert!(
            out.contains("Omegle is blocked on this computer"),
            "{tool} shows the EDE:\n{out}"
        );
    }
}

/// Names whose question takes 252 to 255 bytes on the wire once stopped UDP service: the
/// question's length wrapped in a byte and the UDP thread panicked. Web content can ask for such
/// names, so every length up to the limit must be answered, and service must go on after.
#[test]
fn the_longest_names_are_answered_and_udp_goes_on() {
    let upstream = Upstream::start();
    let v = Vigie::start(upstream.addr(), None, &[]);
    let a = |n: usize| "a".repeat(n);
    for last in 47..=53 {
        // Three 62-letter labels, `last` letters and "omegle.com": 249 to 255 wire bytes.
        let name = format!("{}.{}.{}.{}.omegle.com", a(62), a(62), a(62), a(last));
        let wire = name.len() + 2;
        for qtype in [RecordType::AAAA, RecordType::A, RecordType::HTTPS] {
            let m = query_udp(v.dns, &name, qtype, true)
                .unwrap_or_else(|| panic!("no answer for a {wire}-byte {qtype} name"));
            assert_eq!(
                m.metadata.response_code,
                ResponseCode::NoError,
                "{wire} bytes"
            );
            if qtype == RecordType::A {
                assert_eq!(a_of(&m), [BLOCK_ADDR], "{wire} bytes");
            }
        }
        // UDP still answers after each of them.
        let after = query_udp(v.dns, "www.omegle.com", RecordType::A, true)
            .expect("UDP service goes on after a long name");
        assert_eq!(a_of(&after), [BLOCK_ADDR]);
    }
    // And over TCP, the same names.
    let name = format!("{}.{}.{}.{}.omegle.com", a(62), a(62), a(62), a(50));
    let m = query_tcp(v.dns, &name, RecordType::AAAA).expect("TCP answers too");
    assert_eq!(m.metadata.response_code, ResponseCode::NoError);
}

/// Other classes than IN are refused, for blocked and unlisted names alike, and never forwarded
/// (`version.bind CH TXT` must not return the upstream's version as Vigie's). The reply keeps the
/// question and, for an EDNS query, its OPT record.
#[test]
fn other_classes_are_refused_with_question_and_opt() {
    use hickory_proto::rr::DNSClass;
    let upstream = Upstream::start();
    let v = Vigie::start(upstream.addr(), None, &[]);
    for (name, qtype, class) in [
        ("version.bind", RecordType::TXT, DNSClass::CH),
        ("hostname.bind", RecordType::TXT, DNSClass::CH),
        ("www.omegle.com", RecordType::A, DNSClass::CH),
        ("www.omegle.com", RecordType::A, DNSClass::HS),
        ("www.omegle.com", RecordType::A, DNSClass::ANY),
        ("www.example.test", RecordType::A, DNSClass::CH),
    ] {
        let mut q = crate::util::query_message(name, qtype, true);
        q.queries[0].set_query_class(class);
        let reply = crate::util::udp_raw(v.dns, &q.to_vec().unwrap())
            .unwrap_or_else(|| panic!("no answer for {name} {class}"));
        let m = hickory_proto::op::Message::from_vec(&reply)
            .unwrap_or_else(|e| panic!("{name} {class}: malformed reply: {e}"));
        assert_eq!(
            m.metadata.response_code,
            ResponseCode::Refused,
            "{name} {class}"
        );
        assert!(m.answers.is_empty(), "{name} {class}: {m:?}");
        assert_eq!(m.queries.len(), 1, "the question is echoed");
        assert_eq!(m.queries[0].query_class(), class);
        assert!(
            m.edns.is_some(),
            "{name} {class}: OPT kept for an EDNS query"
        );
    }
}

/// EDNS as strict clients expect it: the DO bit echoed on blocked, special and forwarded
/// answers; BADVERS for EDNS version 1; OPT and the question kept on NOTIMP.
#[test]
fn edns_bits_and_error_replies_follow_the_rfcs() {
    use hickory_proto::op::{Message, OpCode};
    let upstream = Upstream::start();
    let v = Vigie::start(upstream.addr(), None, &[]);
    let ask = |m: &Message| -> Message {
        let reply = crate::util::udp_raw(v.dns, &m.to_vec().unwrap()).expect("an answer");
        Message::from_vec(&reply).expect("a well-formed answer")
    };
    for name in [
        "www.omegle.com",
        "use-application-dns.net",
        "www.example.test",
    ] {
        for dnssec_ok in [true, false] {
            let mut q = crate::util::query_message(name, RecordType::A, true);
            q.edns.as_mut().unwrap().set_dnssec_ok(dnssec_ok);
            let m = ask(&q);
            let edns = m.edns.as_ref().expect("OPT in the answer");
            assert_eq!(edns.flags().dnssec_ok, dnssec_ok, "{name}: DO echoed");
        }
    }
    // EDNS version 1: BADVERS, answered with version 0.
    let mut q = crate::util::query_message("www.example.test", RecordType::A, true);
    q.edns.as_mut().unwrap().set_version(1);
    let m = ask(&q);
    // Code 16 is BADVERS in an OPT-carrying answer (hickory names the number BADSIG, its TSIG
    // meaning): the header says 0 and the OPT's extended code 1.
    assert_eq!(u16::from(m.metadata.response_code), 16);
    assert_eq!(m.edns.as_ref().unwrap().version(), 0);
    assert!(m.answers.is_empty());
    // Another opcode (NOTIFY): NOTIMP, with the question and the OPT record.
    let mut q = crate::util::query_message("www.example.test", RecordType::SOA, true);
    q.metadata.op_code = OpCode::Notify;
    let m = ask(&q);
    assert_eq!(m.metadata.response_code, ResponseCode::NotImp);
    assert_eq!(m.queries.len(), 1, "question kept");
    assert!(m.edns.is_some(), "OPT kept on NOTIMP");
}
