//! Raw bytes through the service's own wire code, the way the pipeline uses it: a packet is
//! decoded (`dns/wire/read.rs`), its name judged by the shipped policy, and every kind of reply
//! the pipeline can give is written (`dns/wire/write.rs`), an upstream answer (the input's second
//! part, read by hickory-proto) encoded and served fresh, aged and stale. hickory-proto is the
//! oracle: every reply must parse, carry the query's id, be a response and fit the client's
//! limit. The pipeline's other stages need the running service (cache, journal, upstream); the
//! tests of `crates/dnsd` drive them through the real binary.
//!
//! Input: one byte of choices, two bytes of split point, then the query and the upstream answer.
#![no_main]

use std::net::Ipv4Addr;
use std::sync::LazyLock;

use hickory_proto::op::{Message, MessageType, ResponseCode};
use hickory_proto::rr::DNSClass;
use libfuzzer_sys::fuzz_target;
use vigie_policy::{BlockMode, Origin, Policy, Settings, SpecialAnswer, Verdict, shipped_lists};

/// The service's wire module itself, not a copy.
#[allow(dead_code, unused_imports, unreachable_pub)]
#[path = "../../crates/dnsd/src/dns/wire/mod.rs"]
mod wire;
use wire::{Answer, Block, Reject, Reply, Ttls};

static POLICY: LazyLock<Policy> = LazyLock::new(|| {
    let lists = shipped_lists()
        .expect("shipped lists")
        .into_iter()
        .map(|l| (l, Origin::Shipped))
        .collect();
    Policy::compile(Settings::default(), lists)
});

fn check(out: &[u8], id: u16, limit: usize, what: &str) {
    assert!(
        out.len() <= limit.max(12),
        "{what}: {} bytes past the limit {limit}",
        out.len()
    );
    let m = Message::from_vec(out).unwrap_or_else(|e| panic!("{what}: unreadable reply: {e}"));
    assert_eq!(m.metadata.id, id, "{what}: id");
    assert_eq!(m.metadata.message_type, MessageType::Response, "{what}");
}

fuzz_target!(|data: &[u8]| {
    let Some((&choice, rest)) = data.split_first() else {
        return;
    };
    let (packet, upstream) = match rest {
        [a, b, rest @ ..] => {
            let at = usize::from(u16::from_be_bytes([*a, *b])).min(rest.len());
            rest.split_at(at)
        }
        _ => (rest, &[][..]),
    };
    let req = match wire::decode(packet) {
        Ok(req) => req,
        Err(Reject::Drop) => return,
        Err(Reject::Reply(bytes)) => {
            let id = u16::from_be_bytes([packet[0], packet[1]]);
            check(&bytes, id, 512, "rejection");
            return;
        }
    };
    // UDP's limit, or TCP's.
    let limit = if choice & 1 == 0 {
        usize::from(req.udp_limit)
    } else {
        usize::from(u16::MAX)
    };
    let mut out = Vec::new();
    // As in the pipeline: another class than IN is refused before anything else.
    if req.qclass() != DNSClass::IN {
        wire::write(&mut out, &req, Reply::Refused, limit);
        check(&out, req.id, limit, "refused");
        return;
    }
    let policy = &*POLICY;
    let verdict = policy.verdict(&req.name);
    // A block's zone is the listed domain that matched, or (a CNAME block) the queried name.
    let (site, zone) = match verdict {
        Verdict::Blocked(r) => (r.site.to_string(), r.rule.to_string()),
        _ => ("Fuzzed site".to_owned(), req.name.clone()),
    };
    for mode in [BlockMode::Blockpage, BlockMode::Null, BlockMode::Nxdomain] {
        let block = Block {
            mode,
            address: Ipv4Addr::new(127, 0, 0, 88),
            ttl: 10,
            serial: 1,
            zone: &zone,
            site: &site,
        };
        wire::write(&mut out, &req, Reply::Blocked(block), limit);
        check(&out, req.id, limit, "block");
    }
    let code = match verdict {
        Verdict::Special(s) if s.answer() == SpecialAnswer::NoData => ResponseCode::NoError,
        _ => ResponseCode::NXDomain,
    };
    let special = Reply::Special {
        code,
        ttl: 10,
        serial: 7,
        why: "fuzzed reason",
    };
    wire::write(&mut out, &req, special, limit);
    check(&out, req.id, limit, "special");
    for reply in [Reply::ServFail, Reply::Refused] {
        wire::write(&mut out, &req, reply, limit);
        check(&out, req.id, limit, "error");
    }
    // The upstream's answer, as hickory hands it to the pipeline.
    let Ok(m) = Message::from_vec(upstream) else {
        return;
    };
    let answer = Answer {
        code: m.metadata.response_code,
        answers: m.answers.clone(),
        authorities: m.authorities.clone(),
        additionals: m.additionals.clone(),
    };
    let Some(encoded) = wire::encode_upstream(&req, answer) else {
        return;
    };
    for ttls in [
        Ttls::AsSent,
        Ttls::Aged {
            cap: u32::from(choice),
            age: u32::from(choice >> 2),
        },
        Ttls::Stale(30),
    ] {
        wire::write(
            &mut out,
            &req,
            Reply::Upstream {
                answer: &encoded,
                ttls,
            },
            limit,
        );
        check(&out, req.id, limit, "upstream");
    }
});
