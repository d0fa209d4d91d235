//! Reading queries: the shape nearly every client sends (one question of class IN with a plain
//! name, at most an EDNS(0) OPT record) is read straight from the bytes; any other shape goes
//! through hickory-proto's full decoder, which also tells the broken packets apart. A packet whose
//! header cannot be read, or that is itself a response, is dropped (answering it could feed a loop
//! or a reflection); a readable header with a broken body gets FORMERR.

use hickory_proto::op::{Message, OpCode, ResponseCode};
use hickory_proto::rr::{DNSClass, Name, RecordType};
use hickory_proto::serialize::binary::{BinEncodable, BinEncoder};

use super::write::{error_reply, error_reply_to};
use super::{CLASSIC_UDP, ClientEdns, MAX_QUESTION, MAX_UDP, QNAME_AT, Request};

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
    match read_plain(bytes) {
        Some(req) => Ok(req),
        None => read_full(bytes),
    }
}

/// The common shape, read without allocating anything but the name: header with one question
/// and no records but an optional OPT, a name of letters, digits, `-` and `_`, class IN.
/// `None` means "some other shape", not "broken": the full decoder decides.
fn read_plain(bytes: &[u8]) -> Option<Request> {
    let count = |at: usize| u16::from_be_bytes([bytes[at], bytes[at + 1]]);
    // QR, opcode: a query; one question, no answer or authority records, at most the OPT.
    if bytes[2] & 0xf8 != 0 || count(4) != 1 || count(6) != 0 || count(8) != 0 || count(10) > 1 {
        return None;
    }
    let mut name = String::with_capacity(64);
    let mut at = QNAME_AT;
    loop {
        let len = usize::from(*bytes.get(at)?);
        if len == 0 {
            break;
        }
        if len > 63 {
            return None; // a pointer or a reserved label type
        }
        let label = bytes.get(at + 1..at + 1 + len)?;
        if !label
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || *b == b'-' || *b == b'_')
        {
            return None;
        }
        if !name.is_empty() {
            name.push('.');
        }
        name.extend(label.iter().map(|b| char::from(b.to_ascii_lowercase())));
        at += 1 + len;
        if at - QNAME_AT >= 255 {
            return None;
        }
    }
    if name.is_empty() {
        return None; // the root: rare enough for the full decoder
    }
    let question_end = at + 1 + 4;
    let fixed = bytes.get(at + 1..question_end)?;
    let qtype = RecordType::from(u16::from_be_bytes([fixed[0], fixed[1]]));
    if u16::from_be_bytes([fixed[2], fixed[3]]) != u16::from(DNSClass::IN) {
        return None;
    }
    let (edns, udp_limit) = if count(10) == 1 {
        let opt = read_opt(bytes, question_end)?;
        (
            Some(ClientEdns {
                dnssec_ok: opt.dnssec_ok,
            }),
            opt.payload.clamp(CLASSIC_UDP, MAX_UDP),
        )
    } else if bytes.len() == question_end {
        (None, CLASSIC_UDP)
    } else {
        return None;
    };
    let mut question = [0u8; MAX_QUESTION];
    let question_len = question_end - QNAME_AT;
    question[..question_len].copy_from_slice(&bytes[QNAME_AT..question_end]);
    Some(Request {
        id: count(0),
        recursion_desired: bytes[2] & 0x01 != 0,
        checking_disabled: bytes[3] & 0x10 != 0,
        question,
        question_len: question_len as u16,
        qtype,
        qclass: DNSClass::IN,
        edns,
        name,
        udp_limit,
    })
}

struct Opt {
    payload: u16,
    dnssec_ok: bool,
}

/// An OPT record of EDNS version 0 that ends the packet, its options well formed.
fn read_opt(bytes: &[u8], at: usize) -> Option<Opt> {
    let rr = bytes.get(at..at + 11)?;
    let field = |i: usize| u16::from_be_bytes([rr[i], rr[i + 1]]);
    // Root owner, type OPT, version 0 (another version is answered BADVERS by the full path).
    if rr[0] != 0 || field(1) != u16::from(RecordType::OPT) || rr[6] != 0 {
        return None;
    }
    let end = at + 11 + usize::from(field(9));
    if end != bytes.len() {
        return None;
    }
    let mut option = at + 11;
    while option < end {
        let len = bytes.get(option + 2..option + 4)?;
        option += 4 + usize::from(u16::from_be_bytes([len[0], len[1]]));
    }
    (option == end).then_some(Opt {
        payload: field(3),
        dnssec_ok: rr[7] & 0x80 != 0,
    })
}

/// Any other shape, through hickory-proto's decoder.
fn read_full(bytes: &[u8]) -> Result<Request, Reject> {
    let id = u16::from_be_bytes([bytes[0], bytes[1]]);
    let op_code = (bytes[2] >> 3) & 0x0f;
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
        return Err(Reject::Reply(error_reply_to(
            &message,
            ResponseCode::NotImp,
        )));
    }
    if message.edns.as_ref().is_some_and(|e| e.version() != 0) {
        // RFC 6891 §6.1.3: an EDNS version above 0 gets BADVERS, with Vigie's version 0.
        return Err(Reject::Reply(error_reply_to(
            &message,
            ResponseCode::BADVERS,
        )));
    }
    if message.queries.len() != 1 {
        return Err(Reject::Reply(error_reply_to(
            &message,
            ResponseCode::FormErr,
        )));
    }
    let query = &message.queries[0];
    let mut question = [0u8; MAX_QUESTION];
    let question_len = {
        let mut wire = Vec::with_capacity(MAX_QUESTION);
        let mut encoder = BinEncoder::new(&mut wire);
        if query.emit(&mut encoder).is_err() || wire.len() > MAX_QUESTION {
            return Err(Reject::Reply(error_reply(
                id,
                op_code,
                ResponseCode::FormErr,
            )));
        }
        question[..wire.len()].copy_from_slice(&wire);
        wire.len()
    };
    let edns = message.edns.as_ref().map(|e| ClientEdns {
        dnssec_ok: e.flags().dnssec_ok,
    });
    let udp_limit = match &message.edns {
        Some(edns) => edns.max_payload().clamp(CLASSIC_UDP, MAX_UDP),
        None => CLASSIC_UDP,
    };
    Ok(Request {
        id,
        recursion_desired: message.metadata.recursion_desired,
        checking_disabled: message.metadata.checking_disabled,
        question,
        question_len: question_len as u16,
        qtype: query.query_type(),
        qclass: query.query_class(),
        edns,
        name: normalize(&query.name),
        udp_limit,
    })
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

#[cfg(test)]
mod tests {
    use hickory_proto::op::ResponseCode;
    use hickory_proto::rr::RecordType;

    use super::super::testing::{back, query_bytes};
    use super::*;

    #[test]
    fn decodes_and_normalizes_both_ways() {
        let req = decode(&query_bytes("WWW.Omegle.COM.", RecordType::A, true)).unwrap();
        assert_eq!(req.name, "www.omegle.com");
        assert_eq!(req.udp_limit, MAX_UDP);
        assert!(req.edns.is_some());
        let req = decode(&query_bytes("a.example.", RecordType::A, false)).unwrap();
        assert_eq!(req.udp_limit, CLASSIC_UDP);
        assert!(req.edns.is_none());
        // Not the plain shape (a `*` label, the root): the full decoder reads them alike.
        let star = decode(&query_bytes("*.Example.", RecordType::TXT, true)).unwrap();
        assert!(read_plain(&query_bytes("*.Example.", RecordType::TXT, true)).is_none());
        assert_eq!(star.name, "*.example");
        assert_eq!(star.qtype(), RecordType::TXT);
        let root = decode(&query_bytes(".", RecordType::NS, false)).unwrap();
        assert_eq!(root.name, ".");
        // Both readers agree on what they both read.
        let bytes = query_bytes("Mixed-Case_x.example.", RecordType::AAAA, true);
        let fast = read_plain(&bytes).unwrap();
        let full = read_full(&bytes).unwrap();
        assert_eq!(fast.name, full.name);
        assert_eq!(fast.question(), full.question());
        assert_eq!(fast.udp_limit, full.udp_limit);
        assert_eq!(fast.query(), full.query());
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
        let reply = back(&reply);
        assert_eq!(reply.metadata.response_code, ResponseCode::FormErr);
        assert_eq!(reply.metadata.id, 4242);
        let mut update = query_bytes("a.example.", RecordType::A, false);
        update[2] |= 5 << 3;
        let Err(Reject::Reply(reply)) = decode(&update) else {
            panic!("expected NOTIMP")
        };
        assert_eq!(back(&reply).metadata.response_code, ResponseCode::NotImp);
    }
}
