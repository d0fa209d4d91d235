//! The answer cache in front of the upstream.
//!
//! It holds upstream answers only, never Vigie's own decisions: the policy is applied before the
//! cache is asked (special names, allowlist, blocklist) and again after (CNAME inspection), so a
//! policy change can never be undone by a cached answer, and nothing needs flushing when lists
//! change. It is flushed when the upstreams change, since another resolver (a family filter, say)
//! may answer differently.
//!
//! Answers are kept encoded (`wire::Encoded`), so serving one is a copy with its TTLs lowered
//! by the time it spent here.
//!
//! An answer whose TTL has run out is kept for [`STALE_FOR`] more: when no upstream answers (an
//! outage, a network without DNS for a moment), it is served stale (RFC 8767) rather than
//! SERVFAIL, so the child's open pages keep working. A popular answer close to its end is
//! refreshed ahead of time ([`Cache::get`] says when), so that asking it never waits.
//!
//! TTLs are honoured and clamped to the configured bounds; negative answers (NXDOMAIN, NODATA)
//! are kept for the SOA's negative TTL, capped separately. The store is `quick_cache`, bounded
//! by a weight in which a large answer counts for more than a small one, with its S3-FIFO
//! eviction keeping frequently asked names over one-off ones.

use std::hash::{Hash, Hasher};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::time::Duration;

use hickory_proto::op::ResponseCode;
use hickory_proto::rr::{DNSClass, Record, RecordType};
use quick_cache::sync::Cache as Store;
use quick_cache::{Equivalent, Weighter};
use vigie_policy::CacheBounds;

use super::wire::{Answer, Encoded, Ttls};

/// What identifies a cached answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Key {
    pub(crate) name: String,
    pub(crate) qtype: RecordType,
    pub(crate) qclass: DNSClass,
    /// Whether the client asked for DNSSEC records (DO): the upstream's answer differs (RRSIGs,
    /// the AD bit), and a validating client given the unsigned one fails.
    pub(crate) dnssec_ok: bool,
}

/// A [`Key`] that borrows its name, so that a lookup allocates nothing.
#[derive(Debug, Clone, Copy)]
pub(crate) struct KeyRef<'a> {
    pub(crate) name: &'a str,
    pub(crate) qtype: RecordType,
    pub(crate) qclass: DNSClass,
    pub(crate) dnssec_ok: bool,
}

impl<'a> KeyRef<'a> {
    /// The key a query's answer is cached under.
    pub(crate) fn of(req: &'a super::wire::Request) -> KeyRef<'a> {
        KeyRef {
            name: &req.name,
            qtype: req.qtype(),
            qclass: req.qclass(),
            dnssec_ok: req.edns.is_some_and(|e| e.dnssec_ok),
        }
    }
}

// Both hash the same fields the same way, as `Equivalent` requires.
impl Hash for Key {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.name.as_str().hash(state);
        self.qtype.hash(state);
        self.qclass.hash(state);
        self.dnssec_ok.hash(state);
    }
}

impl Hash for KeyRef<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.name.hash(state);
        self.qtype.hash(state);
        self.qclass.hash(state);
        self.dnssec_ok.hash(state);
    }
}

impl Equivalent<Key> for KeyRef<'_> {
    fn equivalent(&self, key: &Key) -> bool {
        self.name == key.name
            && self.qtype == key.qtype
            && self.qclass == key.qclass
            && self.dnssec_ok == key.dnssec_ok
    }
}

/// A stored answer.
#[derive(Debug)]
pub(crate) struct Entry {
    pub(crate) encoded: Encoded,
    /// When it was stored, on the boot clock: an answer's TTL runs while the computer sleeps.
    stored: Duration,
    ttl: u32,
    /// Times it was served from here.
    hits: AtomicU32,
    /// Whether a refresh ahead of its end has been started.
    refreshing: AtomicBool,
}

/// How long past its TTL an answer may still be served stale (RFC 8767 suggests one to three
/// days; one covers a night's outage without keeping addresses that long gone).
pub(crate) const STALE_FOR: u32 = 24 * 3600;
/// The TTL of a stale answer (RFC 8767's recommended 30 seconds).
pub(crate) const STALE_TTL: u32 = 30;
/// Hits after which an answer counts as popular, and is refreshed before it ends.
const POPULAR: u32 = 3;

impl Entry {
    /// How the TTLs of this answer are served now.
    pub(crate) fn ttls(&self, age: u32) -> Ttls {
        Ttls::Aged { cap: self.ttl, age }
    }

    /// Whether this popular answer, `age` seconds old, should be refreshed now, ahead of its
    /// end (in its last tenth, for answers that live 10 s or more). True once per entry: the
    /// caller starts the refresh.
    pub(crate) fn refresh_now(&self, age: u32) -> bool {
        self.ttl >= 10
            && age.saturating_mul(10) >= self.ttl.saturating_mul(9)
            && self.hits.load(Ordering::Relaxed) >= POPULAR
            && !self.refreshing.swap(true, Ordering::Relaxed)
    }
}

fn age_of(entry: &Entry) -> u32 {
    crate::clock::since_boot()
        .saturating_sub(entry.stored)
        .as_secs() as u32
}

/// Bytes of an answer counted as one entry's weight.
const WEIGHT_UNIT: u64 = 512;

#[derive(Debug, Clone)]
struct ByBytes;

impl Weighter<Key, Arc<Entry>> for ByBytes {
    fn weight(&self, _key: &Key, entry: &Arc<Entry>) -> u64 {
        1 + entry.encoded.size() as u64 / WEIGHT_UNIT
    }
}

/// The cache.
#[derive(Debug)]
pub(crate) struct Cache {
    store: Option<Store<Key, Arc<Entry>, ByBytes>>,
    bounds: CacheBounds,
}

impl Cache {
    pub(crate) fn new(bounds: &CacheBounds) -> Cache {
        let entries = bounds.max_entries;
        let store = (entries > 0).then(|| Store::with_weighter(entries, entries as u64, ByBytes));
        Cache {
            store,
            bounds: bounds.clone(),
        }
    }

    /// A fresh answer and its age in seconds; `None` when absent or stale.
    pub(crate) fn get(&self, key: KeyRef<'_>) -> Option<(Arc<Entry>, u32)> {
        let store = self.store.as_ref()?;
        let entry = store.get(&key)?;
        let age = age_of(&entry);
        if age >= entry.ttl {
            if age >= entry.ttl.saturating_add(STALE_FOR) {
                store.remove(&key);
            }
            return None;
        }
        entry.hits.fetch_add(1, Ordering::Relaxed);
        Some((entry, age))
    }

    /// An answer past its TTL but within [`STALE_FOR`], for when no upstream answers.
    pub(crate) fn get_stale(&self, key: KeyRef<'_>) -> Option<Arc<Entry>> {
        let store = self.store.as_ref()?;
        let entry = store.get(&key)?;
        (age_of(&entry) < entry.ttl.saturating_add(STALE_FOR)).then_some(entry)
    }

    /// How long an answer may be kept, within the bounds; 0 means not at all. Errors other than
    /// NXDOMAIN are not kept: a failing upstream should be asked again.
    pub(crate) fn lifetime(&self, answer: &Answer) -> u32 {
        if self.store.is_none() {
            return 0;
        }
        match answer.code {
            ResponseCode::NoError if !answer.answers.is_empty() => {
                let min = answer.answers.iter().map(|r| r.ttl).min().unwrap_or(0);
                min.clamp(self.bounds.min_ttl, self.bounds.max_ttl)
            }
            ResponseCode::NoError | ResponseCode::NXDomain => {
                negative_ttl(&answer.authorities).min(self.bounds.max_negative_ttl)
            }
            _ => 0,
        }
    }

    /// Stores an encoded answer for `ttl` seconds (from [`Cache::lifetime`]).
    pub(crate) fn put(&self, key: Key, encoded: Encoded, ttl: u32) {
        let Some(store) = &self.store else { return };
        if ttl == 0 {
            return;
        }
        let entry = Entry {
            encoded,
            stored: crate::clock::since_boot(),
            ttl,
            hits: AtomicU32::new(0),
            refreshing: AtomicBool::new(false),
        };
        store.insert(key, Arc::new(entry));
    }

    /// Forgets everything (the upstreams changed).
    pub(crate) fn clear(&self) {
        if let Some(store) = &self.store {
            store.clear();
        }
    }

    /// Number of answers held.
    pub(crate) fn len(&self) -> usize {
        self.store.as_ref().map_or(0, |s| s.len())
    }
}

/// RFC 2308: a negative answer lives for the lesser of the SOA's TTL and its MINIMUM field.
fn negative_ttl(authorities: &[Record]) -> u32 {
    authorities
        .iter()
        .find_map(|r| match &r.data {
            hickory_proto::rr::RData::SOA(soa) => Some(r.ttl.min(soa.minimum)),
            _ => None,
        })
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use std::net::Ipv4Addr;

    use hickory_proto::op::{Message, Query};
    use hickory_proto::rr::rdata::{A, SOA};
    use hickory_proto::rr::{Name, RData};

    use super::super::wire;
    use super::*;

    fn key(name: &str) -> Key {
        Key {
            name: name.into(),
            qtype: RecordType::A,
            qclass: DNSClass::IN,
            dnssec_ok: false,
        }
    }

    fn get(c: &Cache, name: &str) -> Option<(Arc<Entry>, u32)> {
        c.get(KeyRef {
            name,
            qtype: RecordType::A,
            qclass: DNSClass::IN,
            dnssec_ok: false,
        })
    }

    #[test]
    fn answers_for_dnssec_clients_are_kept_apart() {
        let c = Cache::new(&vigie_policy::Settings::default().cache);
        store(&c, "signed.example", a(300));
        let signed = KeyRef {
            name: "signed.example",
            qtype: RecordType::A,
            qclass: DNSClass::IN,
            dnssec_ok: true,
        };
        assert!(
            c.get(signed).is_none(),
            "a DO query never gets the answer to a plain one"
        );
        assert!(get(&c, "signed.example").is_some());
    }

    fn a(ttl: u32) -> Answer {
        Answer {
            code: ResponseCode::NoError,
            answers: vec![Record::from_rdata(
                Name::from_ascii("x.example.").unwrap(),
                ttl,
                RData::A(A(Ipv4Addr::new(192, 0, 2, 1))),
            )],
            authorities: vec![],
            additionals: vec![],
        }
    }

    fn nx(soa_ttl: u32, minimum: u32) -> Answer {
        let n = Name::from_ascii("example.").unwrap();
        let soa = SOA::new(n.clone(), n.clone(), 1, 1, 1, 1, minimum);
        Answer {
            code: ResponseCode::NXDomain,
            answers: vec![],
            authorities: vec![Record::from_rdata(n, soa_ttl, RData::SOA(soa))],
            additionals: vec![],
        }
    }

    /// Encodes and stores `answer` as the cache's caller does; returns the lifetime given.
    fn store(c: &Cache, name: &str, answer: Answer) -> u32 {
        let mut q = Message::query();
        q.add_query(Query::query(
            Name::from_ascii(format!("{name}.example.")).unwrap(),
            RecordType::A,
        ));
        let req = wire::decode(&q.to_vec().unwrap()).unwrap();
        let ttl = c.lifetime(&answer);
        c.put(key(name), wire::encode_upstream(&req, answer).unwrap(), ttl);
        ttl
    }

    #[test]
    fn answers_are_kept_for_their_ttl_within_bounds() {
        let bounds = CacheBounds {
            max_entries: 100,
            min_ttl: 0,
            max_ttl: 60,
            max_negative_ttl: 30,
        };
        let c = Cache::new(&bounds);
        assert_eq!(store(&c, "a", a(300)), 60, "clamped to max-ttl");
        let (entry, age) = get(&c, "a").unwrap();
        assert_eq!(age, 0);
        assert!(matches!(entry.ttls(age), Ttls::Aged { cap: 60, age: 0 }));
        assert_eq!(
            store(&c, "nx", nx(3600, 120)),
            30,
            "negative answers by their own cap"
        );
        assert!(get(&c, "nx").is_some());
        assert_eq!(
            store(&c, "nx2", nx(20, 120)),
            20,
            "the SOA's TTL when lower"
        );
        assert_eq!(c.len(), 3);
        c.clear();
        assert!(get(&c, "a").is_none());
    }

    #[test]
    fn zero_ttl_and_servfail_are_not_cached() {
        let c = Cache::new(&vigie_policy::Settings::default().cache);
        store(&c, "zero", a(0));
        assert!(get(&c, "zero").is_none());
        let mut fail = a(300);
        fail.code = ResponseCode::ServFail;
        assert_eq!(store(&c, "fail", fail), 0);
        assert!(get(&c, "fail").is_none());
        let nosoa = Answer {
            authorities: vec![],
            ..nx(1, 1)
        };
        assert_eq!(store(&c, "nosoa", nosoa), 0);
        assert!(get(&c, "nosoa").is_none());
    }

    #[test]
    fn the_store_is_bounded() {
        let c = Cache::new(&CacheBounds {
            max_entries: 50,
            ..vigie_policy::Settings::default().cache
        });
        for i in 0..1000 {
            store(&c, &format!("n{i}"), a(300));
        }
        assert!(c.len() <= 60, "{} entries held", c.len());
        let off = Cache::new(&CacheBounds {
            max_entries: 0,
            ..vigie_policy::Settings::default().cache
        });
        assert_eq!(store(&off, "a", a(300)), 0);
        assert!(get(&off, "a").is_none());
    }
}
