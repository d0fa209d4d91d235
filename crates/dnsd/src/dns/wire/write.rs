//! Writing answers: every answer is written straight into a byte buffer, once per query, from
//! the pipeline's [`Reply`]. Vigie's own answers (blocked, special, SERVFAIL) are a handful of
//! fixed fields, and an upstream answer is encoded once by hickory-proto when it arrives and kept
//! in that form ([`Encoded`]), so serving it again is a copy with its TTLs lowered. Building and
//! encoding a message per query was most of the cost of an answer. Answers honour the client's
//! EDNS payload size and are truncated (TC, no records) when they do not fit, so the client
//! retries over TCP. Blocked and special answers carry an SOA for negative caching and an
//! Extended DNS Error (RFC 8914) whose text names the site.

use std::net::Ipv4Addr;

use hickory_proto::op::{Message, MessageType, OpCode, ResponseCode};
use hickory_proto::rr::{DNSClass, RData, RecordType};
use vigie_policy::{BlockMode, NULL_V6};

use super::{Answer, MAX_UDP, QNAME_AT, Request, normalize};

/// RFC 8914 option code and the info codes Vigie uses.
const EDE_OPTION: u16 = 15;
const EDE_STALE: u16 = 3;
const EDE_BLOCKED: u16 = 15;
const EDE_FILTERED: u16 = 17;
/// Longest Extended DNS Error text sent; site names are far shorter.
const EDE_TEXT_MAX: usize = 300;
/// The SOA's name server and mailbox, as wire names (`vigie.invalid.`,
/// `parents.vigie.invalid.`).
const SOA_MNAME: &[u8] = b"\x05vigie\x07invalid\x00";
const SOA_RNAME: &[u8] = b"\x07parents\x05vigie\x07invalid\x00";

/// The pipeline's answer to one query, written by [`write`].
#[derive(Debug, Clone, Copy)]
pub(crate) enum Reply<'a> {
    /// A blocked name, answered by block mode.
    Blocked(Block<'a>),
    /// A name with a fixed answer (NXDOMAIN or NODATA), with its reason.
    Special {
        code: ResponseCode,
        ttl: u32,
        serial: u32,
        why: &'a str,
    },
    /// An upstream answer, fresh or cached.
    Upstream { answer: &'a Encoded, ttls: Ttls },
    /// The upstream could not be reached in time, or its answer could not be served.
    ServFail,
    /// A question Vigie does not answer: another class than IN.
    Refused,
}

/// Writes `reply` to `req` into `out`, within `limit` bytes (truncated past it).
pub(crate) fn write(out: &mut Vec<u8>, req: &Request, reply: Reply<'_>, limit: usize) {
    match reply {
        Reply::Blocked(b) => blocked(out, req, b, limit),
        Reply::Special {
            code,
            ttl,
            serial,
            why,
        } => special(out, req, code, ttl, serial, why, limit),
        Reply::Upstream { answer, ttls } => upstream(out, req, answer, ttls, limit),
        Reply::ServFail => servfail(out, req),
        Reply::Refused => {
            begin(out, req, u16::from(ResponseCode::Refused) as u8, [0; 3]);
            end(out, req, None, usize::MAX);
        }
    }
}

/// A bare error answer (header only), for a packet that could not be read as a query.
pub(super) fn error_reply(id: u16, op_code: u8, code: ResponseCode) -> Vec<u8> {
    let mut out = Vec::with_capacity(12);
    out.extend_from_slice(&id.to_be_bytes());
    out.push(0x80 | (op_code & 0x0f) << 3);
    out.push(0x80 | (u16::from(code) & 0x0f) as u8);
    out.extend_from_slice(&[0; 8]);
    out
}

/// An error answer to a query that was read but is not served (another opcode, several
/// questions, an EDNS version Vigie does not speak): the question echoed and, for an EDNS
/// query, an OPT record of version 0 with the DO bit echoed (RFC 6891 §7), which also carries
/// the high bits of an extended code such as BADVERS.
pub(super) fn error_reply_to(query: &Message, code: ResponseCode) -> Vec<u8> {
    let mut m = Message::new(
        query.metadata.id,
        MessageType::Response,
        query.metadata.op_code,
    );
    m.metadata.recursion_desired = query.metadata.recursion_desired;
    m.metadata.recursion_available = true;
    m.metadata.response_code = code;
    m.queries = query.queries.clone();
    if let Some(edns) = &query.edns {
        let mut reply = hickory_proto::op::Edns::new();
        reply.set_max_payload(MAX_UDP);
        reply.set_version(0);
        reply.set_dnssec_ok(edns.flags().dnssec_ok);
        m.set_edns(reply);
    }
    m.to_vec().unwrap_or_else(|_| {
        let op = u8::from(query.metadata.op_code);
        let low = ResponseCode::from_low(u16::from(code) as u8 & 0x0f);
        error_reply(query.metadata.id, op, low)
    })
}

/// Starts an answer to `req` in `out`: the header with these counts, then the question. The
/// OPT record, when the client sent one, is counted here and written by [`end`].
fn begin(out: &mut Vec<u8>, req: &Request, code: u8, counts: [u16; 3]) {
    out.clear();
    out.extend_from_slice(&req.id.to_be_bytes());
    // QR, opcode QUERY, RD echoed; RA, CD echoed, the response code.
    out.push(0x80 | u8::from(req.recursion_desired));
    out.push(0x80 | if req.checking_disabled { 0x10 } else { 0 } | (code & 0x0f));
    out.extend_from_slice(&1u16.to_be_bytes());
    out.extend_from_slice(&counts[0].to_be_bytes());
    out.extend_from_slice(&counts[1].to_be_bytes());
    let additional = counts[2] + u16::from(req.edns.is_some());
    out.extend_from_slice(&additional.to_be_bytes());
    out.extend_from_slice(req.question());
}

/// Ends an answer: the OPT record (with an Extended DNS Error, if any) for a client that sent
/// one, then truncation if the answer does not fit `limit`. The error's text is given in parts,
/// written one after the other, so that no string is built for it.
fn end(out: &mut Vec<u8>, req: &Request, ede: Option<(u16, &[&str])>, limit: usize) {
    if req.edns.is_some() {
        out.push(0); // root owner
        out.extend_from_slice(&u16::from(RecordType::OPT).to_be_bytes());
        out.extend_from_slice(&MAX_UDP.to_be_bytes());
        // Extended code 0, version 0; the DO bit echoed (RFC 3225): a validating client that
        // asked for DNSSEC records sees that this server understood it.
        let dnssec_ok = req.edns.is_some_and(|e| e.dnssec_ok);
        out.extend_from_slice(&[0, 0, if dnssec_ok { 0x80 } else { 0 }, 0]);
        match ede {
            Some((info, parts)) => {
                let rdlen_at = out.len();
                out.extend_from_slice(&[0; 2]); // rdlength, set below
                out.extend_from_slice(&EDE_OPTION.to_be_bytes());
                out.extend_from_slice(&[0; 2]); // option length, set below
                out.extend_from_slice(&info.to_be_bytes());
                let mut room = EDE_TEXT_MAX;
                for part in parts {
                    let part = cut(part, room);
                    out.extend_from_slice(part.as_bytes());
                    room -= part.len();
                }
                let option_len = (out.len() - rdlen_at - 6) as u16;
                out[rdlen_at..rdlen_at + 2].copy_from_slice(&(option_len + 4).to_be_bytes());
                out[rdlen_at + 4..rdlen_at + 6].copy_from_slice(&option_len.to_be_bytes());
            }
            None => out.extend_from_slice(&0u16.to_be_bytes()),
        }
    }
    if out.len() > limit {
        // Header and question only, TC set: the client asks again over TCP.
        let code = out[3] & 0x0f;
        begin(out, req, code, [0; 3]);
        out[2] |= 0x02;
        end(out, req, None, usize::MAX);
    }
}

/// The longest start of `text` of at most `max` bytes that ends on a character boundary.
fn cut(text: &str, max: usize) -> &str {
    let mut end = text.len().min(max);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

fn push_record_head(out: &mut Vec<u8>, rtype: RecordType, ttl: u32, rdlen: usize) {
    out.extend_from_slice(&u16::from(rtype).to_be_bytes());
    out.extend_from_slice(&u16::from(DNSClass::IN).to_be_bytes());
    out.extend_from_slice(&ttl.to_be_bytes());
    out.extend_from_slice(&(rdlen as u16).to_be_bytes());
}

/// The SOA that tells resolvers how long to remember a negative answer. Its owner is the listed
/// domain, so a cache treats the whole blocked zone alike; it points into the question when the
/// zone is the queried name or one of its parents, as it always is from the pipeline.
fn push_soa(out: &mut Vec<u8>, req: &Request, zone: &str, ttl: u32, serial: u32) {
    match zone_offset(req.qname(), zone) {
        Some(at) => out.extend_from_slice(&(0xc000 | (QNAME_AT + at) as u16).to_be_bytes()),
        // A zone in text form spells a queried name's odd bytes as `\DDD` escapes, so it can be
        // longer than the name itself and longer than a name may be (found by fuzz/dns_wire: a
        // CNAME block's zone is the queried name): such an owner is the question's own name.
        None if zone.contains('\\') || zone.len() + 2 > 255 => {
            out.extend_from_slice(&(0xc000 | QNAME_AT as u16).to_be_bytes());
        }
        None => {
            for label in zone.split('.').filter(|l| !l.is_empty() && l.len() <= 63) {
                out.push(label.len() as u8);
                out.extend_from_slice(label.as_bytes());
            }
            out.push(0);
        }
    }
    push_record_head(
        out,
        RecordType::SOA,
        ttl,
        SOA_MNAME.len() + SOA_RNAME.len() + 20,
    );
    out.extend_from_slice(SOA_MNAME);
    out.extend_from_slice(SOA_RNAME);
    for field in [serial, 3600, 600, 86_400, ttl] {
        out.extend_from_slice(&field.to_be_bytes());
    }
}

/// Where, within the wire name `qname`, the labels spelling `zone` (ignoring case) start; `None`
/// if `zone` is not `qname` or one of its parents.
fn zone_offset(qname: &[u8], zone: &str) -> Option<usize> {
    let zone = zone.as_bytes();
    if zone.is_empty() {
        return None;
    }
    let root = label_starts(qname).last()?;
    // In wire form a zone of n characters takes n + 1 bytes before the root: a length byte in
    // place of each dot and one in front. So only one label can start it.
    let from = root.checked_sub(zone.len() + 1)?;
    if !label_starts(qname).any(|at| at == from) {
        return None;
    }
    let mut at = from;
    let mut z = 0;
    while at < root {
        if at != from {
            if zone.get(z) != Some(&b'.') {
                return None;
            }
            z += 1;
        }
        let len = usize::from(qname[at]);
        let label = qname.get(at + 1..at + 1 + len)?;
        if !zone.get(z..z + len)?.eq_ignore_ascii_case(label) {
            return None;
        }
        z += len;
        at += 1 + len;
    }
    (z == zone.len()).then_some(from)
}

/// Where each label of the wire name `qname` starts, ending with the root label's offset; it
/// stops early on a name that runs past the bytes.
fn label_starts(qname: &[u8]) -> impl Iterator<Item = usize> + '_ {
    let mut next = Some(0);
    std::iter::from_fn(move || {
        let at = next?;
        let len = *qname.get(at)?;
        next = (len != 0).then(|| at + 1 + usize::from(len));
        Some(at)
    })
}

/// What a block answer needs to know.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Block<'a> {
    pub(crate) mode: BlockMode,
    pub(crate) address: Ipv4Addr,
    pub(crate) ttl: u32,
    pub(crate) serial: u32,
    /// The listed domain that matched (or the queried name, for a CNAME block).
    pub(crate) zone: &'a str,
    /// The site's name, for the Extended DNS Error text.
    pub(crate) site: &'a str,
}

/// The answer to a blocked name, by block mode: `null` gives 0.0.0.0 / `::`, `blockpage` gives
/// the block address for A and no data for AAAA, `nxdomain` says the name does not exist. Every
/// other type gets no data: HTTPS/SVCB records could otherwise carry address hints.
fn blocked(out: &mut Vec<u8>, req: &Request, b: Block<'_>, limit: usize) {
    let mut v6 = [0u8; 16];
    let address: Option<&[u8]> = match (b.mode, req.qtype) {
        (BlockMode::Nxdomain, _) => None,
        (BlockMode::Null, RecordType::A) => Some(&[0, 0, 0, 0]),
        (BlockMode::Null, RecordType::AAAA) => {
            v6 = NULL_V6.octets();
            Some(&v6)
        }
        (BlockMode::Blockpage, RecordType::A) => {
            v6[..4].copy_from_slice(&b.address.octets());
            Some(&v6[..4])
        }
        _ => None,
    };
    let code = if b.mode == BlockMode::Nxdomain {
        ResponseCode::NXDomain
    } else {
        ResponseCode::NoError
    };
    let code = u16::from(code) as u8;
    match address {
        Some(data) => {
            begin(out, req, code, [1, 0, 0]);
            out.extend_from_slice(&(0xc000 | QNAME_AT as u16).to_be_bytes());
            push_record_head(out, req.qtype, b.ttl, data.len());
            out.extend_from_slice(data);
        }
        None => {
            begin(out, req, code, [0, 1, 0]);
            push_soa(out, req, b.zone, b.ttl, b.serial);
        }
    }
    end(
        out,
        req,
        Some((EDE_BLOCKED, &[b.site, " is blocked on this computer"])),
        limit,
    );
}

/// The fixed answer of a special name (NXDOMAIN or NODATA), with its reason.
fn special(
    out: &mut Vec<u8>,
    req: &Request,
    code: ResponseCode,
    ttl: u32,
    serial: u32,
    why: &str,
    limit: usize,
) {
    begin(out, req, u16::from(code) as u8, [0, 1, 0]);
    push_soa(out, req, &req.name, ttl, serial);
    end(out, req, Some((EDE_FILTERED, &[why])), limit);
}

/// SERVFAIL, when the upstream cannot be reached in time.
fn servfail(out: &mut Vec<u8>, req: &Request) {
    begin(out, req, u16::from(ResponseCode::ServFail) as u8, [0; 3]);
    end(out, req, None, usize::MAX);
}

/// An upstream answer in wire form, ready to be served again to any query with the same
/// question: its records exactly as they follow the question in a message, so the name
/// compression pointers into the question stay right for every such query.
#[derive(Debug)]
pub(crate) struct Encoded {
    code: u8,
    counts: [u16; 3],
    /// Length of the question this was encoded after; a query whose question differs in
    /// length cannot use these bytes.
    question_len: u16,
    records: Box<[u8]>,
    /// Where each record's TTL sits in `records`.
    ttl_at: Box<[u16]>,
    /// The CNAME targets of the answer section, normalized, for answer inspection.
    pub(crate) cnames: Box<[String]>,
}

impl Encoded {
    /// Bytes held, for the cache's bound.
    pub(crate) fn size(&self) -> usize {
        self.records.len()
            + 2 * self.ttl_at.len()
            + self.cnames.iter().map(String::len).sum::<usize>()
    }

    pub(crate) fn fits(&self, req: &Request) -> bool {
        self.question_len == req.question_len
    }
}

/// Encodes an upstream answer to `req` once, for this answer and the cache. `None` if hickory
/// cannot encode it or its encoding is not as expected (answered SERVFAIL: never seen, but an
/// answer that cannot be checked is not served).
pub(crate) fn encode_upstream(req: &Request, answer: Answer) -> Option<Encoded> {
    let cnames = answer
        .answers
        .iter()
        .filter_map(|r| match &r.data {
            RData::CNAME(target) => Some(normalize(&target.0)),
            _ => None,
        })
        .collect();
    // Extended response codes would need an OPT of their own; no upstream sends them for
    // an ordinary question, and SERVFAIL is the honest stand-in.
    let code = u16::from(answer.code);
    let code = if code > 0x0f { 2 } else { code as u8 };
    let mut m = Message::new(0, MessageType::Response, OpCode::Query);
    m.add_query(req.query());
    m.answers = answer.answers;
    m.authorities = answer.authorities;
    m.additionals = answer.additionals;
    let wire = m.to_vec().ok()?;
    let count = |at: usize| u16::from_be_bytes([wire[at], wire[at + 1]]);
    let counts = [count(6), count(8), count(10)];
    let start = QNAME_AT + usize::from(req.question_len);
    if wire.get(QNAME_AT..start)? != req.question() || count(4) != 1 {
        return None;
    }
    let records = wire.get(start..)?;
    let total = usize::from(counts[0]) + usize::from(counts[1]) + usize::from(counts[2]);
    let mut ttl_at = Vec::with_capacity(total);
    let mut at = 0;
    for _ in 0..total {
        at = skip_name(records, at)?;
        let fixed = records.get(at..at + 10)?;
        let rdlen = usize::from(u16::from_be_bytes([fixed[8], fixed[9]]));
        ttl_at.push(u16::try_from(at + 4).ok()?);
        at += 10 + rdlen;
    }
    if at != records.len() {
        return None;
    }
    Some(Encoded {
        code,
        counts,
        question_len: req.question_len,
        records: records.into(),
        ttl_at: ttl_at.into(),
        cnames,
    })
}

/// The end of the (possibly compressed) name at `at`.
fn skip_name(bytes: &[u8], mut at: usize) -> Option<usize> {
    loop {
        let len = *bytes.get(at)?;
        match len {
            0 => return Some(at + 1),
            1..=63 => at += 1 + usize::from(len),
            0xc0..=0xff => return Some(at + 2).filter(|end| *end <= bytes.len()),
            _ => return None,
        }
    }
}

/// How the TTLs of a served upstream answer change.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Ttls {
    /// As the upstream sent them: a fresh answer.
    AsSent,
    /// From the cache: at most `cap`, less the `age` in seconds it was kept, at least 1.
    Aged { cap: u32, age: u32 },
    /// From the cache past its TTL, because no upstream answered: every TTL is this, and the
    /// answer says it is stale (Extended DNS Error 3, RFC 8767).
    Stale(u32),
}

/// An upstream answer (fresh or cached) to `req`.
fn upstream(out: &mut Vec<u8>, req: &Request, e: &Encoded, ttls: Ttls, limit: usize) {
    begin(out, req, e.code, e.counts);
    let start = out.len();
    out.extend_from_slice(&e.records);
    let aged = |ttl: u32| match ttls {
        Ttls::AsSent => ttl,
        Ttls::Aged { cap, age } => ttl.min(cap).saturating_sub(age).max(1),
        Ttls::Stale(stale) => stale,
    };
    if !matches!(ttls, Ttls::AsSent) {
        for &at in &*e.ttl_at {
            let at = start + usize::from(at);
            let field = &mut out[at..at + 4];
            let ttl = aged(u32::from_be_bytes([field[0], field[1], field[2], field[3]]));
            field.copy_from_slice(&ttl.to_be_bytes());
        }
    }
    let ede: Option<(u16, &[&str])> = match ttls {
        Ttls::Stale(_) => Some((
            EDE_STALE,
            &["no upstream answered; a recent answer is served"],
        )),
        _ => None,
    };
    end(out, req, ede, limit);
}

#[cfg(test)]
mod tests {

    use hickory_proto::rr::rdata::opt::{EdnsCode, EdnsOption};
    use hickory_proto::rr::rdata::{A, AAAA, CNAME, SOA, TXT};
    use hickory_proto::rr::{Name, Record};

    use super::super::decode;
    use super::super::testing::{back, query_bytes};
    use super::*;

    fn page() -> Block<'static> {
        Block {
            mode: BlockMode::Blockpage,
            address: Ipv4Addr::new(127, 0, 0, 88),
            ttl: 10,
            serial: 1,
            zone: "omegle.com",
            site: "Omegle",
        }
    }

    #[test]
    fn the_soa_owner_points_at_the_listed_domain_in_the_question() {
        let qname = b"\x03WWW\x06Omegle\x03COM\x00";
        assert_eq!(zone_offset(qname, "omegle.com"), Some(4));
        assert_eq!(zone_offset(qname, "www.omegle.com"), Some(0));
        assert_eq!(zone_offset(qname, "com"), Some(11));
        assert_eq!(zone_offset(qname, "mega.com"), None);
        assert_eq!(zone_offset(qname, "omegle.co"), None);
        assert_eq!(zone_offset(qname, "omegle.comm"), None);
        assert_eq!(zone_offset(qname, "omegle..com"), None);
        assert_eq!(zone_offset(qname, "a.www.omegle.com"), None);
        assert_eq!(zone_offset(qname, ""), None);
        // As long as a real tail, but not on a label boundary.
        assert_eq!(zone_offset(qname, "gle.com"), None);
        assert_eq!(zone_offset(qname, "gle.comx"), None);
        // A name that runs past its bytes has no root to count back from.
        assert_eq!(zone_offset(b"\x03www\x06omegle", "omegle"), None);

        let req = decode(&query_bytes("WWW.Omegle.COM.", RecordType::AAAA, true)).unwrap();
        let mut out = Vec::new();
        blocked(&mut out, &req, page(), 1232);
        let m = back(&out);
        let soa = &m.authorities[0];
        assert_eq!(soa.name.to_lowercase().to_ascii(), "omegle.com.");
        let RData::SOA(data) = &soa.data else {
            panic!("not an SOA")
        };
        assert_eq!(data.mname.to_ascii(), "vigie.invalid.");
        assert_eq!(data.rname.to_ascii(), "parents.vigie.invalid.");
        assert_eq!(data.serial, 1);
        assert_eq!(data.minimum, 10);
        // A zone outside the name is written out in full.
        blocked(
            &mut out,
            &req,
            Block {
                zone: "other.example",
                ..page()
            },
            1232,
        );
        assert_eq!(back(&out).authorities[0].name.to_ascii(), "other.example.");
    }

    #[test]
    fn a_zone_spelled_with_escapes_is_the_questions_own_name() {
        // Labels of odd bytes, 250 wire bytes in all: its text form (`\001…`) is far longer.
        let mut packet = vec![0x41, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0];
        for _ in 0..4 {
            packet.push(61);
            packet.extend_from_slice(&[1u8; 61]);
        }
        packet.extend_from_slice(&[1, b'x', 0, 0, 28, 0, 1]);
        let req = decode(&packet).unwrap();
        assert!(req.name.len() > 255, "{}", req.name);
        let zone = req.name.clone();
        let mut out = Vec::new();
        blocked(
            &mut out,
            &req,
            Block {
                zone: &zone,
                ..page()
            },
            1232,
        );
        let m = back(&out);
        assert_eq!(m.authorities[0].name, m.queries[0].name);
    }

    #[test]
    fn block_modes_answer_as_documented() {
        let req = decode(&query_bytes("www.omegle.com.", RecordType::A, true)).unwrap();
        let mut out = Vec::new();
        blocked(&mut out, &req, page(), 1232);
        let m = back(&out);
        assert_eq!(m.metadata.id, 4242);
        assert!(m.metadata.recursion_desired && m.metadata.recursion_available);
        assert_eq!(m.queries[0], req.query());
        assert_eq!(m.answers[0].data, RData::A(A(Ipv4Addr::new(127, 0, 0, 88))));
        assert_eq!(m.answers[0].ttl, 10);
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
        assert_eq!(
            String::from_utf8_lossy(&data[2..]),
            "Omegle is blocked on this computer"
        );

        let aaaa = decode(&query_bytes("www.omegle.com.", RecordType::AAAA, false)).unwrap();
        blocked(&mut out, &aaaa, page(), 512);
        let m = back(&out);
        assert!(m.answers.is_empty());
        assert!(m.edns.is_none(), "no OPT for a client without EDNS");
        assert_eq!(m.authorities[0].record_type(), RecordType::SOA);

        let null = Block {
            mode: BlockMode::Null,
            ..page()
        };
        blocked(&mut out, &aaaa, null, 512);
        assert_eq!(back(&out).answers[0].data, RData::AAAA(AAAA(NULL_V6)));
        blocked(&mut out, &req, null, 512);
        assert_eq!(
            back(&out).answers[0].data,
            RData::A(A(Ipv4Addr::UNSPECIFIED))
        );
        let nx = Block {
            mode: BlockMode::Nxdomain,
            ..page()
        };
        blocked(&mut out, &req, nx, 512);
        let m = back(&out);
        assert_eq!(m.metadata.response_code, ResponseCode::NXDomain);
        assert_eq!(m.authorities[0].name.to_ascii(), "omegle.com.");
    }

    #[test]
    fn special_and_servfail() {
        let req = decode(&query_bytes(
            "use-application-dns.net.",
            RecordType::A,
            true,
        ))
        .unwrap();
        let mut out = Vec::new();
        special(&mut out, &req, ResponseCode::NXDomain, 5, 2, "why", 1232);
        let m = back(&out);
        assert_eq!(m.metadata.response_code, ResponseCode::NXDomain);
        assert_eq!(m.authorities[0].name.to_ascii(), "use-application-dns.net.");
        servfail(&mut out, &req);
        let m = back(&out);
        assert_eq!(m.metadata.response_code, ResponseCode::ServFail);
        assert_eq!(m.queries[0], req.query());
        assert!(m.edns.is_some());
    }

    fn upstream_answer(name: &str) -> Answer {
        let owner = Name::from_ascii(name).unwrap();
        let target = Name::from_ascii("Edge.CDN.example.").unwrap();
        Answer {
            code: ResponseCode::NoError,
            answers: vec![
                Record::from_rdata(owner, 300, RData::CNAME(CNAME(target.clone()))),
                Record::from_rdata(target, 30, RData::A(A(Ipv4Addr::new(192, 0, 2, 7)))),
            ],
            authorities: vec![],
            additionals: vec![],
        }
    }

    #[test]
    fn upstream_answers_are_served_from_their_encoding_with_aged_ttls() {
        let req = decode(&query_bytes("www.site.example.", RecordType::A, true)).unwrap();
        let e = encode_upstream(&req, upstream_answer("www.site.example.")).unwrap();
        assert_eq!(&*e.cnames, ["edge.cdn.example".to_string()]);
        let mut out = Vec::new();
        upstream(&mut out, &req, &e, Ttls::AsSent, 1232);
        let m = back(&out);
        assert_eq!(m.answers.len(), 2);
        assert_eq!((m.answers[0].ttl, m.answers[1].ttl), (300, 30));
        assert!(m.edns.is_some());

        // Another client, another case, no EDNS: its own id and question, TTLs aged.
        let mut other = query_bytes("WWW.Site.EXAMPLE.", RecordType::A, false);
        other[0..2].copy_from_slice(&7u16.to_be_bytes());
        let other = decode(&other).unwrap();
        assert!(e.fits(&other));
        upstream(&mut out, &other, &e, Ttls::Aged { cap: 100, age: 40 }, 512);
        let m = back(&out);
        assert_eq!(m.metadata.id, 7);
        assert_eq!(m.queries[0].name.to_ascii(), "WWW.Site.EXAMPLE.");
        assert_eq!(
            m.answers[0].name.to_lowercase().to_ascii(),
            "www.site.example."
        );
        assert_eq!((m.answers[0].ttl, m.answers[1].ttl), (60, 1));
        assert_eq!(m.answers[1].data, RData::A(A(Ipv4Addr::new(192, 0, 2, 7))));
        assert!(m.edns.is_none());

        let longer = decode(&query_bytes("www.site.example.org.", RecordType::A, false)).unwrap();
        assert!(!e.fits(&longer));
    }

    #[test]
    fn negative_upstream_answers_keep_their_soa() {
        let req = decode(&query_bytes("nope.example.", RecordType::A, false)).unwrap();
        let zone = Name::from_ascii("example.").unwrap();
        let soa = SOA::new(zone.clone(), zone.clone(), 1, 1, 1, 1, 60);
        let e = encode_upstream(
            &req,
            Answer {
                code: ResponseCode::NXDomain,
                answers: vec![],
                authorities: vec![Record::from_rdata(zone, 120, RData::SOA(soa))],
                additionals: vec![],
            },
        )
        .unwrap();
        let mut out = Vec::new();
        upstream(&mut out, &req, &e, Ttls::Aged { cap: 60, age: 0 }, 512);
        let m = back(&out);
        assert_eq!(m.metadata.response_code, ResponseCode::NXDomain);
        assert_eq!(m.authorities[0].ttl, 60);
    }

    #[test]
    fn oversized_answers_are_truncated() {
        let req = decode(&query_bytes("big.example.", RecordType::TXT, false)).unwrap();
        let owner = Name::from_ascii("big.example.").unwrap();
        let answer = Answer {
            code: ResponseCode::NoError,
            answers: (0..10)
                .map(|_| {
                    Record::from_rdata(
                        owner.clone(),
                        60,
                        RData::TXT(TXT::new(vec!["x".repeat(200)])),
                    )
                })
                .collect(),
            authorities: vec![],
            additionals: vec![],
        };
        let e = encode_upstream(&req, answer).unwrap();
        let mut out = Vec::new();
        upstream(&mut out, &req, &e, Ttls::AsSent, 512);
        let m = back(&out);
        assert!(m.metadata.truncation);
        assert!(m.answers.is_empty());
        assert_eq!(m.queries.len(), 1);
        upstream(&mut out, &req, &e, Ttls::AsSent, 65_535);
        assert!(out.len() > 2000);
        assert_eq!(back(&out).answers.len(), 10);
    }
}
