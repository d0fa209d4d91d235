//! The DNS pipeline: one request in, one answer out, in the order of the design.
//!
//! [`handle`] is the whole chain, one stage after another, each with the reason it sits where
//! it does. It is the only place that decides how a query is answered; the front ends only move
//! bytes, and `answer` only encodes.

use std::net::IpAddr;
use std::sync::Arc;

use hickory_proto::op::ResponseCode;
use vigie_policy::{Decision, RuleKind, Special, SpecialAnswer};

use crate::answer::{self, Block, Encoded, Reject, Request, Ttls};
use crate::cache::{Key, KeyRef};
use crate::journal::Attempt;
use crate::state::{Generation, Shared, Stats};

/// The transport a query came over; UDP answers must fit the client's payload size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Transport {
    Udp,
    Tcp,
}

/// The outcome of the stages that need no network.
#[derive(Debug)]
pub(crate) enum Step {
    /// Send nothing.
    Drop,
    /// Send the answer written into the caller's buffer.
    Reply,
    /// Send the answer written into the caller's buffer, and journal the attempt: the name is
    /// blocked. The caller journals it, so that a busy thread can fold attempts together.
    Blocked(Attempt),
    /// The upstream must be asked: finish with [`finish`].
    Forward(Box<Pending>),
}

/// A query waiting for the upstream, with everything decided so far.
#[derive(Debug)]
pub(crate) struct Pending {
    req: Request,
    generation: Arc<Generation>,
    client: IpAddr,
    limit: usize,
    explicitly_allowed: bool,
}

/// Answers one query packet into `out` and journals a blocked one; `false` means send nothing.
pub(crate) async fn handle(
    shared: &Shared,
    bytes: &[u8],
    client: IpAddr,
    transport: Transport,
    out: &mut Vec<u8>,
) -> bool {
    let attempt = match begin(shared, bytes, client, transport, out) {
        Step::Drop => return false,
        Step::Reply => None,
        Step::Blocked(attempt) => Some(attempt),
        Step::Forward(pending) => finish(shared, *pending, out).await,
    };
    if let Some(attempt) = attempt {
        shared.journal.record(attempt);
    }
    true
}

/// Stages 1 to 6 up to the cache, without waiting on anything: blocked, special and cached
/// answers are complete here (written into `out`), so the front ends answer them inline and only
/// spawn a task for the queries that go upstream.
pub(crate) fn begin(
    shared: &Shared,
    bytes: &[u8],
    client: IpAddr,
    transport: Transport,
    out: &mut Vec<u8>,
) -> Step {
    Stats::bump(&shared.stats.queries);

    // 1. Decode. Garbage must cost little and never panic: an unreadable header or a packet that
    //    is itself a response is dropped; a readable header with a broken body gets FORMERR.
    let mut req = match answer::decode(bytes) {
        Ok(req) => req,
        Err(Reject::Drop) => {
            Stats::bump(&shared.stats.malformed);
            return Step::Drop;
        }
        Err(Reject::Reply(reply)) => {
            Stats::bump(&shared.stats.malformed);
            out.clear();
            out.extend_from_slice(&reply);
            return Step::Reply;
        }
    };
    let limit = match transport {
        Transport::Udp => usize::from(req.udp_limit),
        Transport::Tcp => usize::from(u16::MAX),
    };
    // One policy for the whole query, even if a reload lands while it waits on the upstream.
    let generation = shared.generation.load();
    let policy = &generation.policy;
    let settings = &policy.settings;

    // 2. The name was normalized while decoding (lowercase, no trailing dot; IDNs travel as
    //    punycode already), so every later stage compares like with like.

    // Probe names (`probe`) are the service asking itself whether the computer's lookups reach
    //    it: seen here, answered NXDOMAIN, never forwarded, never journaled.
    if shared.probe.saw(&req.name) {
        answer::special(
            out,
            &req,
            ResponseCode::NXDomain,
            0,
            generation.number,
            "Vigie's check that this computer's lookups reach it",
            limit,
        );
        return Step::Reply;
    }

    // 3. Special names come before any list: they switch off ways around Vigie (Firefox's
    //    automatic DoH, iCloud Private Relay, encrypted-resolver discovery) and must work even
    //    when a parent allowlists or turns off the DNS-bypass list.
    if let Some(special) = Special::of(&req.name) {
        Stats::bump(&shared.stats.special);
        let code = match special.answer() {
            SpecialAnswer::NxDomain => ResponseCode::NXDomain,
            SpecialAnswer::NoData => ResponseCode::NoError,
        };
        answer::special(
            out,
            &req,
            code,
            settings.block_ttl,
            generation.number,
            special.describe(),
            limit,
        );
        return Step::Reply;
    }

    // 4 and 5. Allowlist, then blocklist: the matcher answers both in one walk, and an allowed
    //    name wins over any block. A block carries its reason (list, site, rule) into the journal
    //    and the Extended DNS Error.
    let decision = policy.matcher.decide(&req.name);
    // A parent's pause lets blocked names through until it runs out; it never touches stage 3.
    let decision = match decision {
        Decision::Blocked(_) if shared.paused() => Decision::Unlisted,
        d => d,
    };
    if let Decision::Blocked(reason) = decision {
        let site = reason.site;
        let (list, rule) = (&reason.list.id, reason.rule);
        let brand = brand_zone(&reason);
        // The query is answered here, so its name can go to the journal as it is.
        let name = std::mem::take(&mut req.name);
        return Step::Blocked(block(
            shared,
            &generation,
            &req,
            client,
            name,
            Reason {
                site,
                list,
                rule,
                brand,
                cname: None,
            },
            out,
            limit,
        ));
    }
    let explicitly_allowed = matches!(decision, Decision::Allowed(_));

    // 6. Cache, then upstream. The cache holds upstream answers only, never decisions, so the
    //    stages above always run with the policy in force.
    let key = KeyRef {
        name: &req.name,
        qtype: req.qtype(),
        qclass: req.qclass(),
    };
    if let Some((entry, age)) = shared.cache.get(key)
        && entry.encoded.fits(&req)
    {
        Stats::bump(&shared.stats.cache_hits);
        let attempt = inspect_and_answer(
            shared,
            &generation,
            &req,
            client,
            explicitly_allowed,
            &entry.encoded,
            entry.ttls(age),
            out,
            limit,
        );
        return attempt.map_or(Step::Reply, Step::Blocked);
    }
    Step::Forward(Box::new(Pending {
        req,
        generation: arc_swap::Guard::into_inner(generation),
        client,
        limit,
        explicitly_allowed,
    }))
}

/// Stage 6's upstream half and stage 7, for a query [`begin`] could not answer; gives the
/// attempt to journal if answer inspection blocked it.
pub(crate) async fn finish(shared: &Shared, p: Pending, out: &mut Vec<u8>) -> Option<Attempt> {
    Stats::bump(&shared.stats.forwarded);
    let upstream = shared.upstream.load_full();
    let dnssec_ok = p.req.edns.is_some_and(|e| e.dnssec_ok);
    let fresh = match upstream.ask(p.req.query(), dnssec_ok).await {
        Ok(fresh) => fresh,
        Err(failure) => {
            Stats::bump(&shared.stats.servfail);
            shared
                .stats
                .upstream_ok
                .store(2, std::sync::atomic::Ordering::Relaxed);
            tracing::debug!(name = %p.req.name, "upstream gave no answer: {failure}");
            answer::servfail(out, &p.req);
            return None;
        }
    };
    shared
        .stats
        .upstream_ok
        .store(1, std::sync::atomic::Ordering::Relaxed);
    let lifetime = shared.cache.lifetime(&fresh);
    let Some(encoded) = answer::encode_upstream(&p.req, fresh) else {
        Stats::bump(&shared.stats.servfail);
        tracing::debug!(name = %p.req.name, "upstream answer could not be encoded");
        answer::servfail(out, &p.req);
        return None;
    };
    let attempt = inspect_and_answer(
        shared,
        &p.generation,
        &p.req,
        p.client,
        p.explicitly_allowed,
        &encoded,
        Ttls::AsSent,
        out,
        p.limit,
    );
    let key = Key {
        qtype: p.req.qtype(),
        qclass: p.req.qclass(),
        name: p.req.name,
    };
    shared.cache.put(key, encoded, lifetime);
    attempt
}

/// 7. Answer inspection: an allowed name whose CNAME chain reaches a blocked domain is blocked
///    too, or any site could be reached through a CNAME under an unlisted name. It runs on
///    cached answers as well, so a list change applies to them at once. A name the parent
///    allowed explicitly is trusted as a whole.
#[allow(clippy::too_many_arguments)]
fn inspect_and_answer(
    shared: &Shared,
    generation: &Generation,
    req: &Request,
    client: IpAddr,
    explicitly_allowed: bool,
    upstream_answer: &Encoded,
    ttls: Ttls,
    out: &mut Vec<u8>,
    limit: usize,
) -> Option<Attempt> {
    if !explicitly_allowed && !upstream_answer.cnames.is_empty() && !shared.paused() {
        for target in &upstream_answer.cnames {
            if let Decision::Blocked(reason) = generation.policy.matcher.decide(target) {
                let reason = Reason {
                    site: reason.site,
                    list: &reason.list.id,
                    rule: reason.rule,
                    brand: None,
                    cname: Some(target),
                };
                let name = req.name.clone();
                return Some(block(
                    shared, generation, req, client, name, reason, out, limit,
                ));
            }
        }
    }
    answer::upstream(out, req, upstream_answer, ttls, limit);
    None
}

/// Why a name is blocked.
struct Reason<'a> {
    site: &'a Arc<str>,
    list: &'a Arc<str>,
    rule: &'a str,
    /// For a brand rule on the queried name: how many bytes at its end are the registrable
    /// domain the brand was found in (the zone of the answer's SOA).
    brand: Option<usize>,
    /// The CNAME target that matched, when the queried name itself is not listed.
    cname: Option<&'a str>,
}

/// The registrable domain's length for a brand rule (`rule` is then the brand's text).
fn brand_zone(reason: &vigie_policy::Reason<'_>) -> Option<usize> {
    match reason.kind {
        RuleKind::Brand { registrable, .. } => Some(registrable),
        RuleKind::Domain => None,
    }
}

/// Writes the answer to a blocked name and returns its attempt, for the caller to journal.
#[allow(clippy::too_many_arguments)]
fn block(
    shared: &Shared,
    generation: &Generation,
    req: &Request,
    client: IpAddr,
    name: String,
    reason: Reason<'_>,
    out: &mut Vec<u8>,
    limit: usize,
) -> Attempt {
    Stats::bump(&shared.stats.blocked);
    let settings = &generation.policy.settings;
    // A CNAME block answers for the queried name's own zone: an SOA for the blocked target's
    // zone would be out of place in an answer about another name.
    let zone = if reason.cname.is_some() {
        name.as_str()
    } else if let Some(len) = reason.brand {
        // A brand rule: the registrable domain the brand was found in, a tail of the name.
        name.get(name.len().saturating_sub(len)..)
            .unwrap_or(name.as_str())
    } else {
        reason.rule
    };
    answer::blocked(
        out,
        req,
        Block {
            mode: settings.block_mode,
            address: settings.block_address,
            ttl: settings.block_ttl,
            serial: generation.number,
            zone,
            site: reason.site,
        },
        limit,
    );
    Attempt::new(
        answer::client_ip(client),
        name,
        Arc::clone(reason.site),
        Arc::clone(reason.list),
        reason.rule,
        req.qtype(),
        reason.cname.map(str::to_string),
    )
}
