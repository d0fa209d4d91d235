//! The answer cache in front of the upstream.
//!
//! It holds upstream answers only, never Vigie's own decisions: the policy is applied before the
//! cache is asked (special names, allowlist, blocklist) and again after (CNAME inspection), so a
//! policy change can never be undone by a cached answer, and nothing needs flushing when lists
//! change. It is flushed when the upstreams change, since another resolver (a family filter, say)
//! may answer differently.
//!
//! TTLs are honoured and clamped to the configured bounds; negative answers (NXDOMAIN, NODATA)
//! are kept for the SOA's negative TTL, capped separately. The store is `quick_cache`, bounded
//! by a weight in which a large answer counts for more than a small one, with its S3-FIFO
//! eviction keeping frequently asked names over one-off ones.

use std::sync::Arc;
use std::time::{Duration, Instant};

use hickory_proto::op::ResponseCode;
use hickory_proto::rr::{DNSClass, Record, RecordType};
use quick_cache::Weighter;
use quick_cache::sync::Cache as Store;
use vigie_policy::RawCache;

/// What identifies a cached answer.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Key {
    pub(crate) name: String,
    pub(crate) qtype: RecordType,
    pub(crate) qclass: DNSClass,
}

/// An upstream answer, as stored.
#[derive(Debug)]
pub(crate) struct Answer {
    pub(crate) code: ResponseCode,
    pub(crate) answers: Vec<Record>,
    pub(crate) authorities: Vec<Record>,
    pub(crate) additionals: Vec<Record>,
}

#[derive(Debug)]
struct Entry {
    answer: Answer,
    stored: Instant,
    ttl: u32,
    bytes: u64,
}

/// Bytes of an answer counted as one entry's weight.
const WEIGHT_UNIT: u64 = 512;

#[derive(Debug, Clone)]
struct ByBytes;

impl Weighter<Key, Arc<Entry>> for ByBytes {
    fn weight(&self, _key: &Key, entry: &Arc<Entry>) -> u64 {
        1 + entry.bytes / WEIGHT_UNIT
    }
}

/// The cache.
#[derive(Debug)]
pub(crate) struct Cache {
    store: Option<Store<Key, Arc<Entry>, ByBytes>>,
    bounds: RawCache,
}

impl Cache {
    pub(crate) fn new(bounds: &RawCache) -> Cache {
        let entries = bounds.max_entries as usize;
        let store = (entries > 0).then(|| Store::with_weighter(entries, entries as u64, ByBytes));
        Cache {
            store,
            bounds: bounds.clone(),
        }
    }

    /// A fresh answer, with TTLs lowered by the time it spent here; `None` when absent or stale.
    pub(crate) fn get(&self, key: &Key) -> Option<Answer> {
        let store = self.store.as_ref()?;
        let entry = store.get(key)?;
        let age = entry.stored.elapsed().as_secs() as u32;
        if age >= entry.ttl {
            store.remove(key);
            return None;
        }
        let aged = |records: &[Record]| -> Vec<Record> {
            records
                .iter()
                .map(|r| {
                    let mut r = r.clone();
                    r.ttl = r.ttl.min(entry.ttl).saturating_sub(age).max(1);
                    r
                })
                .collect()
        };
        Some(Answer {
            code: entry.answer.code,
            answers: aged(&entry.answer.answers),
            authorities: aged(&entry.answer.authorities),
            additionals: aged(&entry.answer.additionals),
        })
    }

    /// Stores an answer for as long as its records say, within the bounds. Errors other than
    /// NXDOMAIN are not stored: a failing upstream should be asked again.
    pub(crate) fn put(&self, key: Key, answer: Answer, bytes: usize) {
        let Some(store) = &self.store else { return };
        let ttl = match answer.code {
            ResponseCode::NoError if !answer.answers.is_empty() => {
                let min = answer.answers.iter().map(|r| r.ttl).min().unwrap_or(0);
                min.clamp(self.bounds.min_ttl, self.bounds.max_ttl)
            }
            ResponseCode::NoError | ResponseCode::NXDomain => {
                negative_ttl(&answer.authorities).min(self.bounds.max_negative_ttl)
            }
            _ => 0,
        };
        if ttl == 0 {
            return;
        }
        let entry = Entry {
            answer,
            stored: Instant::now(),
            ttl,
            bytes: bytes as u64,
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

/// How long a cached answer may be used, for tests and status.
#[allow(dead_code)]
pub(crate) fn max_age(bounds: &RawCache) -> Duration {
    Duration::from_secs(u64::from(bounds.max_ttl))
}

#[cfg(test)]
mod tests {
    use std::net::Ipv4Addr;

    use hickory_proto::rr::rdata::{A, SOA};
    use hickory_proto::rr::{Name, RData};

    use super::*;

    fn key(name: &str) -> Key {
        Key {
            name: name.into(),
            qtype: RecordType::A,
            qclass: DNSClass::IN,
        }
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

    #[test]
    fn answers_are_kept_for_their_ttl_within_bounds() {
        let bounds = RawCache {
            max_entries: 100,
            min_ttl: 0,
            max_ttl: 60,
            max_negative_ttl: 30,
        };
        let c = Cache::new(&bounds);
        c.put(key("a"), a(300), 50);
        let got = c.get(&key("a")).unwrap();
        assert_eq!(got.answers[0].ttl, 60, "clamped to max-ttl");
        c.put(key("nx"), nx(3600, 120), 50);
        assert!(c.get(&key("nx")).is_some());
        assert_eq!(c.len(), 2);
        c.clear();
        assert!(c.get(&key("a")).is_none());
    }

    #[test]
    fn zero_ttl_and_servfail_are_not_cached() {
        let c = Cache::new(&RawCache::default());
        c.put(key("zero"), a(0), 50);
        assert!(c.get(&key("zero")).is_none());
        let mut fail = a(300);
        fail.code = ResponseCode::ServFail;
        c.put(key("fail"), fail, 50);
        assert!(c.get(&key("fail")).is_none());
        c.put(
            key("nosoa"),
            Answer {
                authorities: vec![],
                ..nx(1, 1)
            },
            50,
        );
        assert!(c.get(&key("nosoa")).is_none());
    }

    #[test]
    fn the_store_is_bounded() {
        let c = Cache::new(&RawCache {
            max_entries: 50,
            ..RawCache::default()
        });
        for i in 0..1000 {
            c.put(key(&format!("n{i}")), a(300), 50);
        }
        assert!(c.len() <= 60, "{} entries held", c.len());
        let off = Cache::new(&RawCache {
            max_entries: 0,
            ..RawCache::default()
        });
        off.put(key("a"), a(300), 50);
        assert!(off.get(&key("a")).is_none());
    }
}
