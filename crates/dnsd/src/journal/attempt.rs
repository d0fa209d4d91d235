//! The attempt model: one blocked query (or several folded) as the resolver saw it, one entry as
//! a day file holds it, and the notice every local user may see.

use std::net::IpAddr;
use std::sync::Arc;

use hickory_proto::rr::RecordType;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::owner::{Account, Owner};

/// One blocked query as the resolver saw it, or several from one client for one site folded
/// together (see `coalesce`). One is built for every blocked query, so it copies no text: the
/// name is the query's own, the site and list are shared with the policy, and the rule is the
/// tail of the matched name that spells it.
#[derive(Clone, Debug)]
pub(crate) struct Attempt {
    pub(crate) client: IpAddr,
    /// The name that was asked for, e.g. `www.omegle.com`.
    pub(crate) name: String,
    /// The site it belongs to, e.g. `omegle.com`; attempts are grouped by it.
    pub(crate) site: Arc<str>,
    pub(crate) list: Arc<str>,
    pub(super) rule: Rule,
    /// The record types asked for, e.g. `AAAA`, in order of first appearance.
    pub(super) types: Types,
    /// Queries folded into this attempt, the first one included.
    pub(super) count: u32,
    /// Set when the block came from a CNAME target rather than the name itself.
    pub(crate) cname: Option<String>,
    /// A listed site opened while a parent had paused protection.
    pub(crate) paused: bool,
    /// Set when a brand rule decided: the brand's name (`Omegle`). `site` is then its English
    /// label ("looks like Omegle"), kept as the key attempts are grouped by; readers are shown
    /// the brand in their own language from this. Rare, so it may copy.
    pub(crate) brand: Option<String>,
    /// Who on this computer asked, once the front end has looked (see `owner`); `None` for a
    /// query from another device.
    pub(crate) owner: Option<Arc<Owner>>,
}

/// Most record types one folded attempt keeps; a browser asks for three (A, AAAA, HTTPS).
pub(super) const MAX_TYPES: usize = 8;

/// Record types in order of first appearance, kept inline: no allocation per query.
#[derive(Clone, Copy, Debug)]
pub(super) struct Types {
    pub(super) seen: [RecordType; MAX_TYPES],
    pub(super) len: usize,
}

impl Types {
    pub(super) fn one(qtype: RecordType) -> Self {
        // Only the first `len` entries count; the rest just need a value.
        Types {
            seen: [qtype; MAX_TYPES],
            len: 1,
        }
    }

    pub(super) fn iter(&self) -> impl Iterator<Item = RecordType> + '_ {
        self.seen[..self.len].iter().copied()
    }

    /// Adds the types of `other` not seen yet; `false`, and nothing changed, if they do not fit.
    pub(super) fn add(&mut self, other: &Types) -> bool {
        let mut merged = *self;
        for t in other.iter() {
            if !merged.iter().any(|s| s == t) {
                if merged.len == MAX_TYPES {
                    return false;
                }
                merged.seen[merged.len] = t;
                merged.len += 1;
            }
        }
        *self = merged;
        true
    }
}

/// The listed domain that matched. It is the matched name or one of its parents, so it is
/// almost always kept as where it starts in that name.
#[derive(Clone, Debug)]
pub(super) enum Rule {
    Tail(usize),
    Text(String),
}

impl Attempt {
    /// `rule` is the listed domain that matched `cname` when there is one, else `name`.
    pub(crate) fn new(
        client: IpAddr,
        name: String,
        site: Arc<str>,
        list: Arc<str>,
        rule: &str,
        qtype: RecordType,
        cname: Option<String>,
    ) -> Self {
        let matched = cname.as_deref().unwrap_or(&name);
        let rule = if matched.as_bytes().ends_with(rule.as_bytes()) {
            Rule::Tail(matched.len() - rule.len())
        } else {
            Rule::Text(rule.to_owned())
        };
        Attempt {
            client,
            name,
            site,
            list,
            rule,
            types: Types::one(qtype),
            count: 1,
            cname,
            paused: false,
            brand: None,
            owner: None,
        }
    }

    /// The same attempt, decided by the brand `brand` (its name) when there is one.
    pub(crate) fn by_brand(mut self, brand: Option<&str>) -> Self {
        self.brand = brand.map(str::to_string);
        self
    }

    /// The account that asked, as grouping tells attempts apart: two people trying one site
    /// are two attempts.
    pub(crate) fn uid(&self) -> Option<u32> {
        self.owner
            .as_ref()
            .and_then(|o| o.account.as_ref())
            .map(|a| a.uid)
    }

    /// The same attempt, marked as opened during a pause (the lookup was answered).
    pub(crate) fn during_pause(mut self) -> Self {
        self.paused = true;
        self
    }

    /// Folds `later`, a query from the same client for the same site, into this attempt, as
    /// the journal would fold it into this attempt's entry; gives it back if its record types
    /// do not fit.
    pub(crate) fn fold(&mut self, later: Attempt) -> Option<Attempt> {
        if !self.types.add(&later.types) {
            return Some(later);
        }
        self.count = self.count.saturating_add(later.count);
        if self.cname.is_none() {
            self.cname = later.cname;
        }
        None
    }

    /// The listed domain that matched: the name itself or one of its parents.
    pub(crate) fn rule(&self) -> &str {
        match &self.rule {
            Rule::Tail(at) => {
                let matched = self.cname.as_deref().unwrap_or(&self.name);
                // A tail that `new` checked; `get` only spares a panic path.
                matched.get(*at..).unwrap_or(matched)
            }
            Rule::Text(rule) => rule,
        }
    }
}

/// One line of a day file. Several lines may share an `id`; the last one is the truth.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub(crate) struct Entry {
    pub(crate) id: u64,
    /// When the attempt's first query arrived.
    #[serde(with = "time::serde::rfc3339")]
    pub(crate) time: OffsetDateTime,
    pub(crate) client: String,
    /// The first name asked for in this attempt.
    pub(crate) name: String,
    pub(crate) site: String,
    pub(crate) list: String,
    pub(crate) rule: String,
    /// Query types seen, in order of first appearance.
    pub(crate) types: Vec<String>,
    /// Queries folded into this attempt.
    pub(crate) count: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) cname: Option<String>,
    /// A summary of attempts that did not fit in the journal (see `overflow`): `name` and
    /// `rule` are empty, `count` is how many more there were.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub(crate) summary: bool,
    /// The site was opened while a parent had paused protection (it was not blocked).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub(crate) paused: bool,
    /// A brand rule decided: the brand's name (see [`Attempt::brand`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) brand: Option<String>,
    /// The query came from this computer (loopback, or one of its own addresses).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub(crate) local: bool,
    /// The account that asked; absent when it cannot be known ("this computer").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) account: Option<Account>,
    /// The program that asked, where the service may see it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) program: Option<String>,
    /// The stub resolver the query came through, which hides who asked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) via: Option<String>,
}

/// An attempt as the notice stream sends it on: deliberately no client, list or rule. Who
/// asked decides which streams get it (see `api::status`), and a parent's alert names them.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Notice {
    pub(crate) time: OffsetDateTime,
    pub(crate) site: String,
    pub(crate) name: String,
    /// A brand rule decided: the brand's name, so the child reads it in their language.
    pub(crate) brand: Option<String>,
    /// The query came from this computer.
    pub(crate) local: bool,
    /// The account that asked, when known.
    pub(crate) account: Option<Account>,
}

/// The address of a client, for the journal: IPv4-mapped IPv6 shown as IPv4.
///
/// Every loopback address is this computer, one client: any local program may send from any
/// address in 127.0.0.0/8 (or ::1), and attempts are grouped by client, so counting them apart
/// would let one flood look like thousands of devices.
pub(crate) fn client_ip(ip: IpAddr) -> IpAddr {
    let ip = match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    };
    if ip.is_loopback() {
        IpAddr::V4(std::net::Ipv4Addr::LOCALHOST)
    } else {
        ip
    }
}
