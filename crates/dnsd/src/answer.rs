//! Reading queries off the wire and writing answers back, with hickory-proto.
//!
//! Everything about the DNS message format lives here, so the pipeline only decides. A packet
//! whose header cannot be read, or that is itself a response, is dropped (answering it could
//! feed a loop or a reflection); a readable header with a broken body gets FORMERR. Answers honour
//! the client's EDNS payload size and are truncated (TC, no records) when they do not fit, so the
//! client retries over TCP. Blocked and special answers carry an SOA for negative caching and an
//! Extended DNS Error (RFC 8914) whose text names the site.

use std::net::{IpAddr, Ipv4Addr};
use std::sync::LazyLock;

use hickory_proto::op::{Edns, Message, MessageType, OpCode, Query, ResponseCode};
#[cfg(test)]
use hickory_proto::rr::rdata::opt::EdnsCode;
use hickory_proto::rr::rdata::opt::EdnsOption;
use hickory_proto::rr::rdata::{A, AAAA, SOA};
use hickory_proto::rr::{Name, RData, Record, RecordType};
use vigie_policy::{BlockMode, NULL_V6};

/// Largest UDP answer Vigie sends, whatever the client advertises: the DNS Flag Day 2020 value,
/// which avoids IP fragmentation.
pub(crate) const MAX_UDP: u16 = 1232;
/// Largest UDP answer to a client without EDNS.
const CLASSIC_UDP: u16 = 512;
/// RFC 8914 option code and the "Blocked" info code.
const EDE_OPTION: u16 = 15;
const EDE_BLOCKED: u16 = 15;
const EDE_FILTERED: u16 = 17;

/// A decoded query.
#[derive(Debug)]
pub(crate) struct Request {
    pub(crate) message: Message,
    pub(crate) query: Query,
    /// Lowercase, no trailing dot, as the matcher wants it.
    pub(crate) name: String,
    /// Largest UDP answer this client accepts.
    pub(crate) udp_limit: u16,
}

/// Why a packet gets no normal processing.
#[derive(Debug)]
pub(crate) enum Reject {
    /// Say nothing.
    Drop,
    /// Send these bytes back (FORMERR or NOTIMP).
    Reply(Vec<u8>),
}

/// Decodes a query packet.
pub(crate) fn decode(bytes: &[u8]) -> Result<Request, Reject> {
    if bytes.len() < 12 || bytes[2] & 0x80 != 0 {
        // No header, or QR set: a response, never a query.
        return Err(Reject::Drop);
    }
    let id = u16::from_be_bytes([bytes[0], bytes[1]]);
    let op_code = OpCode::from_u8((bytes[2] >> 3) & 0x0f);
    let message = match Message::from_vec(bytes) {
        Ok(m) => m,
        Err(_) => {
            return Err(Reject::Reply(error_reply(
                id,
                op_code,
                ResponseCode::FormErr,
            )));
        }
    };
    if message.metadata.op_code != OpCode::Query {
        return Err(Reject::Reply(error_reply(
            id,
            message.metadata.op_code,
            ResponseCode::NotImp,
        )));
    }
    if message.queries.len() != 1 {
        return Err(Reject::Reply(error_reply(
            id,
            op_code,
            ResponseCode::FormErr,
        )));
    }
    let query = message.queries[0].clone();
    let name = normalize(&query.name);
    let udp_limit = match &message.edns {
        Some(edns) => edns.max_payload().clamp(CLASSIC_UDP, MAX_UDP),
        None => CLASSIC_UDP,
    };
    Ok(Request {
        message,
        query,
        name,
        udp_limit,
    })
}

fn error_reply(id: u16, op_code: OpCode, code: ResponseCode) -> Vec<u8> {
    let mut m = Message::error_msg(id, op_code, code);
    m.metadata.recursion_available = true;
    m.to_vec().unwrap_or_default()
}

/// Lowercase presentation form without the trailing dot.
pub(crate) fn normalize(name: &Name) -> String {
    let mut s = name.to_ascii();
    if s.len() > 1 && s.ends_with('.') {
        s.pop();
    }
    s.make_ascii_lowercase();
    s
}

/// A response to `req` with the question echoed and no records yet.
pub(crate) fn response(req: &Request, code: ResponseCode) -> Message {
    let mut m = Message::new(
        req.message.metadata.id,
        MessageType::Response,
        OpCode::Query,
    );
    m.metadata.recursion_desired = req.message.metadata.recursion_desired;
    m.metadata.recursion_available = true;
    m.metadata.checking_disabled = req.message.metadata.checking_disabled;
    m.metadata.response_code = code;
    m.add_query(req.query.clone());
    if req.message.edns.is_some() {
        let mut edns = Edns::new();
        edns.set_max_payload(MAX_UDP);
        m.set_edns(edns);
    }
    m
}

/// Adds an Extended DNS Error to a response that has EDNS (clients without EDNS cannot read it).
fn add_ede(m: &mut Message, info: u16, text: &str) {
    if let Some(edns) = m.edns.as_mut() {
        let mut data = info.to_be_bytes().to_vec();
        data.extend_from_slice(text.as_bytes());
        edns.options_mut()
            .insert(EdnsOption::Unknown(EDE_OPTION, data));
    }
}

/// The SOA that tells resolvers how long to remember a negative answer. Its owner is the listed
/// domain, so a cache treats the whole blocked zone alike.
///
/// `zone` is the query name or one of its parent domains, so the owner is cut from the query's
/// own name rather than parsed again from text: parsing names was the costliest step of a block
/// answer.
fn soa(query_name: &Name, zone: &str, ttl: u32, serial: u32) -> Record {
    // Parsed once: every blocked answer carries them.
    static MNAME: LazyLock<Name> =
        LazyLock::new(|| Name::from_ascii("vigie.invalid.").expect("static name"));
    static RNAME: LazyLock<Name> =
        LazyLock::new(|| Name::from_ascii("parents.vigie.invalid.").expect("static name"));
    let owner = owner_within(query_name, zone)
        .unwrap_or_else(|| Name::from_ascii(format!("{zone}.")).unwrap_or_else(|_| Name::root()));
    Record::from_rdata(
        owner,
        ttl,
        RData::SOA(SOA::new(
            MNAME.clone(),
            RNAME.clone(),
            serial,
            3600,
            600,
            86_400,
            ttl,
        )),
    )
}

/// The last labels of `name` that spell `zone` (ignoring case), in lowercase; `None` if `zone`
/// is not `name` or one of its parents.
fn owner_within(name: &Name, zone: &str) -> Option<Name> {
    let wanted = zone.split('.').count();
    let have = usize::from(name.num_labels());
    if zone.is_empty() || wanted > have {
        return None;
    }
    let same = name
        .iter()
        .skip(have - wanted)
        .zip(zone.split('.'))
        .all(|(label, part)| label.eq_ignore_ascii_case(part.as_bytes()));
    same.then(|| name.trim_to(wanted).to_lowercase())
}

/// What a block answer needs to know.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Block<'a> {
    pub(crate) mode: BlockMode,
    pub(crate) address: Ipv4Addr,
    pub(crate) ttl: u32,
    pub(crate) serial: u32,
    /// The listed domain that matched (or the CNAME target that did).
    pub(crate) zone: &'a str,
    /// The site's name, for the Extended DNS Error text.
    pub(crate) site: &'a str,
}

/// The answer to a blocked name, by block mode: `null` gives 0.0.0.0 / `::`, `blockpage` gives
/// the block address for A and no data for AAAA, `nxdomain` says the name does not exist. Every
/// other type gets no data: HTTPS/SVCB records could otherwise carry address hints.
pub(crate) fn blocked(req: &Request, b: Block<'_>) -> Message {
    let qtype = req.query.query_type();
    let address: Option<RData> = match (b.mode, qtype) {
        (BlockMode::Nxdomain, _) => None,
        (BlockMode::Null, RecordType::A) => Some(RData::A(A(Ipv4Addr::UNSPECIFIED))),
        (BlockMode::Null, RecordType::AAAA) => Some(RData::AAAA(AAAA(NULL_V6))),
        (BlockMode::Blockpage, RecordType::A) => Some(RData::A(A(b.address))),
        _ => None,
    };
    let code = if b.mode == BlockMode::Nxdomain {
        ResponseCode::NXDomain
    } else {
        ResponseCode::NoError
    };
    let mut m = response(req, code);
    match address {
        Some(data) => {
            m.add_answer(Record::from_rdata(req.query.name.clone(), b.ttl, data));
        }
        None => {
            m.add_authority(soa(&req.query.name, b.zone, b.ttl, b.serial));
        }
    }
    add_ede(
        &mut m,
        EDE_BLOCKED,
        &format!("{} is blocked on this computer", b.site),
    );
    m
}

/// The fixed answer of a special name (NXDOMAIN or NODATA), with its reason.
pub(crate) fn special(
    req: &Request,
    code: ResponseCode,
    ttl: u32,
    serial: u32,
    why: &str,
) -> Message {
    let mut m = response(req, code);
    m.add_authority(soa(&req.query.name, &req.name, ttl, serial));
    add_ede(&mut m, EDE_FILTERED, why);
    m
}

/// SERVFAIL, when the upstream cannot be reached in time.
pub(crate) fn servfail(req: &Request) -> Message {
    response(req, ResponseCode::ServFail)
}

/// Encodes a response; one that does not fit `limit` bytes goes out truncated (TC, no records)
/// so that the client asks again over TCP.
pub(crate) fn encode(m: &Message, limit: usize) -> Vec<u8> {
    match m.to_vec() {
        Ok(bytes) if bytes.len() <= limit => bytes,
        Ok(_) => m.truncate().to_vec().unwrap_or_default(),
        Err(_) => {
            let mut fail = Message::error_msg(m.metadata.id, OpCode::Query, ResponseCode::ServFail);
            fail.add_queries(m.queries.iter().cloned());
            fail.to_vec().unwrap_or_default()
        }
    }
}

/// The address of a client, for the journal: IPv4-mapped IPv6 shown as IPv4.
pub(crate) fn client_ip(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query_bytes(name: &str, qtype: RecordType, edns: bool) -> Vec<u8> {
        let mut m = Message::query();
        m.metadata.id = 4242;
        m.metadata.recursion_desired = true;
        m.add_query(Query::query(Name::from_ascii(name).unwrap(), qtype));
        if edns {
            let mut e = Edns::new();
            e.set_max_payload(4096);
            m.set_edns(e);
        }
        m.to_vec().unwrap()
    }

    #[test]
    fn soa_owner_is_the_listed_domain_cut_from_the_query_name() {
        let name = Name::from_ascii("WWW.Omegle.COM.").unwrap();
        let owner = owner_within(&name, "omegle.com").unwrap();
        assert_eq!(owner.to_ascii(), "omegle.com.");
        assert_eq!(
            owner_within(&name, "www.omegle.com").unwrap().to_ascii(),
            "www.omegle.com."
        );
        // Not a parent of the name: the caller falls back to parsing the text.
        assert!(owner_within(&name, "mega.com").is_none());
        assert!(owner_within(&name, "a.www.omegle.com").is_none());
        assert!(owner_within(&name, "").is_none());
        let record = soa(&name, "omegle.com", 10, 7);
        assert_eq!(record.name.to_ascii(), "omegle.com.");
        let fallback = soa(&name, "other.example", 10, 7);
        assert_eq!(fallback.name.to_ascii(), "other.example.");
    }

    #[test]
    fn decodes_and_normalizes() {
        let req = decode(&query_bytes("WWW.Omegle.COM.", RecordType::A, true)).unwrap();
        assert_eq!(req.name, "www.omegle.com");
        assert_eq!(req.udp_limit, MAX_UDP);
        let req = decode(&query_bytes("a.example.", RecordType::A, false)).unwrap();
        assert_eq!(req.udp_limit, CLASSIC_UDP);
    }

    #[test]
    fn garbage_is_dropped_or_formerr() {
        assert!(matches!(decode(b"short"), Err(Reject::Drop)));
        let mut resp = query_bytes("a.example.", RecordType::A, false);
        resp[2] |= 0x80;
        assert!(matches!(decode(&resp), Err(Reject::Drop)));
        let mut bad = query_bytes("a.example.", RecordType::A, false);
        bad.truncate(bad.len() - 3);
        let Err(Reject::Reply(reply)) = decode(&bad) else {
            panic!("expected FORMERR")
        };
        let reply = Message::from_vec(&reply).unwrap();
        assert_eq!(reply.metadata.response_code, ResponseCode::FormErr);
        assert_eq!(reply.metadata.id, 4242);
    }

    #[test]
    fn block_modes_answer_as_documented() {
        let req = decode(&query_bytes("www.omegle.com.", RecordType::A, true)).unwrap();
        let b = Block {
            mode: BlockMode::Blockpage,
            address: Ipv4Addr::new(127, 0, 0, 88),
            ttl: 10,
            serial: 1,
            zone: "omegle.com",
            site: "Omegle",
        };
        let m = blocked(&req, b);
        assert_eq!(m.answers[0].data, RData::A(A(Ipv4Addr::new(127, 0, 0, 88))));
        let opt = m
            .edns
            .as_ref()
            .unwrap()
            .options()
            .get(EdnsCode::Unknown(EDE_OPTION))
            .cloned();
        let Some(EdnsOption::Unknown(_, data)) = opt else {
            panic!("no EDE")
        };
        assert_eq!(&data[..2], &EDE_BLOCKED.to_be_bytes());
        assert!(String::from_utf8_lossy(&data[2..]).contains("Omegle"));

        let aaaa = decode(&query_bytes("www.omegle.com.", RecordType::AAAA, true)).unwrap();
        let m = blocked(&aaaa, b);
        assert!(m.answers.is_empty());
        assert_eq!(m.authorities[0].record_type(), RecordType::SOA);

        let m = blocked(
            &aaaa,
            Block {
                mode: BlockMode::Null,
                ..b
            },
        );
        assert_eq!(m.answers[0].data, RData::AAAA(AAAA(NULL_V6)));
        let m = blocked(
            &req,
            Block {
                mode: BlockMode::Nxdomain,
                ..b
            },
        );
        assert_eq!(m.metadata.response_code, ResponseCode::NXDomain);
        assert_eq!(m.authorities[0].name.to_ascii(), "omegle.com.");
    }

    #[test]
    fn oversized_answers_are_truncated() {
        let req = decode(&query_bytes("big.example.", RecordType::TXT, false)).unwrap();
        let mut m = response(&req, ResponseCode::NoError);
        for _ in 0..10 {
            m.add_answer(Record::from_rdata(
                req.query.name.clone(),
                60,
                RData::TXT(hickory_proto::rr::rdata::TXT::new(vec!["x".repeat(200)])),
            ));
        }
        let bytes = encode(&m, 512);
        let back = Message::from_vec(&bytes).unwrap();
        assert!(back.metadata.truncation);
        assert!(back.answers.is_empty());
        assert!(encode(&m, 65_535).len() > 2000);
    }
}
