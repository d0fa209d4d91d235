//! The DNS message format: reading queries off the wire and writing answers back.
//!
//! Everything about the wire lives here, so the pipeline only decides. [`read`] turns a packet
//! into a [`Request`] (or a reason to drop it or answer FORMERR/NOTIMP); [`write`] turns the
//! pipeline's one [`Reply`] for it into bytes. An upstream's answer arrives as an [`Answer`] and is
//! encoded once into an [`Encoded`], the form the cache keeps.

use hickory_proto::op::{Query, ResponseCode};
use hickory_proto::rr::{DNSClass, Name, Record, RecordType};
use hickory_proto::serialize::binary::{BinDecodable, BinDecoder};

mod read;
mod write;

pub(crate) use read::{Reject, decode, normalize};
pub(crate) use write::{Block, Encoded, Reply, Ttls, encode_upstream, write};

/// Largest UDP answer Vigie sends, whatever the client advertises: the DNS Flag Day 2020 value,
/// which avoids IP fragmentation.
pub(crate) const MAX_UDP: u16 = 1232;
/// Largest UDP answer to a client without EDNS.
const CLASSIC_UDP: u16 = 512;
/// Longest question on the wire: a 255-byte name, its type and its class.
const MAX_QUESTION: usize = 255 + 4;
/// Where the question's name starts in every message: right after the header.
const QNAME_AT: usize = 12;

/// The client's EDNS(0) record.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ClientEdns {
    pub(crate) dnssec_ok: bool,
}

/// A decoded query.
#[derive(Debug, Clone)]
pub(crate) struct Request {
    pub(crate) id: u16,
    pub(super) recursion_desired: bool,
    pub(super) checking_disabled: bool,
    /// The question exactly as it came (name, type, class): echoed byte for byte, so a client
    /// that randomizes the case of its names finds its own spelling in the answer.
    pub(super) question: [u8; MAX_QUESTION],
    /// A `u16`: a question is up to 259 bytes (a 255-byte name, its type and class).
    pub(super) question_len: u16,
    pub(super) qtype: RecordType,
    pub(super) qclass: DNSClass,
    pub(crate) edns: Option<ClientEdns>,
    /// Lowercase, no trailing dot, as the matcher wants it.
    pub(crate) name: String,
    /// Largest UDP answer this client accepts.
    pub(crate) udp_limit: u16,
}

impl Request {
    pub(crate) fn qtype(&self) -> RecordType {
        self.qtype
    }

    pub(crate) fn qclass(&self) -> DNSClass {
        self.qclass
    }

    pub(super) fn question(&self) -> &[u8] {
        &self.question[..usize::from(self.question_len)]
    }

    /// The question's name on the wire.
    pub(super) fn qname(&self) -> &[u8] {
        let q = self.question();
        &q[..q.len() - 4]
    }

    /// The question as hickory-proto's type, for the upstream.
    pub(crate) fn query(&self) -> Query {
        let mut decoder = BinDecoder::new(self.question());
        Query::read(&mut decoder).unwrap_or_else(|_| {
            // Every question here was read or written by hickory-proto or checked by
            // `read_plain`, so this cannot happen; the root name keeps the types honest.
            Query::query(Name::root(), self.qtype)
        })
    }
}

/// An upstream answer as it arrives, before it is encoded.
#[derive(Debug)]
pub(crate) struct Answer {
    pub(crate) code: ResponseCode,
    pub(crate) answers: Vec<Record>,
    pub(crate) authorities: Vec<Record>,
    pub(crate) additionals: Vec<Record>,
}

#[cfg(test)]
pub(super) mod testing {
    //! Query packets for the wire tests.
    use hickory_proto::op::{Edns, Message, Query};
    use hickory_proto::rr::{Name, RecordType};

    pub(crate) fn query_bytes(name: &str, qtype: RecordType, edns: bool) -> Vec<u8> {
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

    pub(crate) fn back(bytes: &[u8]) -> Message {
        Message::from_vec(bytes).expect("a well-formed answer")
    }
}
