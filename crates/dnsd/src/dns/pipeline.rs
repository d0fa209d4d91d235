//! The DNS pipeline: one request in, one answer out, in the order of the design.
//!
//! [`handle`] is the whole chain, one stage after another, each with the reason it sits where
//! it does. It is the only place that decides how a query is answered; the front ends only move
//! bytes, the policy's one decision order is [`vigie_policy::Policy::verdict`] (asked through
//! [`Shared::verdict`], which applies a parent's pause), and the stages end in one [`Reply`] that
//! `wire` writes once per query.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use hickory_proto::op::ResponseCode;
use hickory_proto::rr::DNSClass;
use vigie_policy::{RuleKind, SpecialAnswer, Verdict};

use super::cache::{Key, KeyRef, STALE_TTL};
use super::wire::{self, Block, Encoded, Reject, Reply, Request, Ttls};
use crate::journal::{Attempt, client_ip};
use crate::owner::Proto;
use crate::state::{Generation, Shared, Stats, UpstreamHealth};

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
    /// The attempt to journal once answered: a listed site opened during a pause.
    opened: Option<Attempt>,
}

/// Answers one query packet from `peer` (to Vigie's `server` address) into `out` and journals a
/// blocked one; `false` means send nothing.
pub(crate) async fn handle(
    shared: &Shared,
    bytes: &[u8],
    peer: SocketAddr,
    server: SocketAddr,
    transport: Transport,
    out: &mut Vec<u8>,
) -> bool {
    let attempt = match begin(shared, bytes, peer.ip(), transport, out) {
        Step::Drop => return false,
        Step::Reply => None,
        Step::Blocked(attempt) => Some(attempt),
        Step::Forward(pending) => finish(shared, *pending, out).await,
    };
    if let Some(attempt) = attempt {
        shared
            .journal
            .record(attribute(shared, attempt, transport, peer, server).await);
    }
    true
}

/// 8. Who asked: an attempt names the account on this computer that sent it (see `owner`).
///    Asked here, before the answer is sent, because the sender's socket, the only record of who
///    sent the query, closes once it has its answer; only blocked queries get here, and the wait
///    is bounded by `owner::HOLD`.
pub(crate) async fn attribute(
    shared: &Shared,
    mut attempt: Attempt,
    transport: Transport,
    peer: SocketAddr,
    server: SocketAddr,
) -> Attempt {
    let proto = match transport {
        Transport::Udp => Proto::Udp,
        Transport::Tcp => Proto::Tcp,
    };
    attempt.owner = shared.owners.owner(proto, peer, server).await;
    attempt
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
    let mut req = match wire::decode(bytes) {
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

    // Classes other than IN (CH, HS, ANY) are refused, never forwarded: a block answer is an
    //    IN record and would be malformed in another class, and `version.bind CH TXT` must not
    //    return the upstream's answer as if it were Vigie's.
    if req.qclass() != DNSClass::IN {
        wire::write(out, &req, Reply::Refused, limit);
        return Step::Reply;
    }

    // Probe names (`probe`) are the service asking itself whether the computer's lookups reach
    //    it: seen here, answered NXDOMAIN, never forwarded, never journaled.
    if shared.probe.saw(&req.name) {
        let reply = Reply::Special {
            code: ResponseCode::NXDomain,
            ttl: 0,
            serial: generation.number,
            why: "Vigie's check that this computer's lookups reach it",
        };
        wire::write(out, &req, reply, limit);
        return Step::Reply;
    }

    // 3 to 5. The policy's one decision order: special names come before any list (they switch
    //    off ways around Vigie and must work even when a parent allowlists or turns off the
    //    DNS-bypass list), then the allowlist, then the blocklist, in one walk of the matcher. A
    //    block carries its reason (list, site, rule) into the journal and the Extended DNS Error.
    let cached;
    let (verdict, lifted) = shared.decide(policy, &req.name);
    let (reply, attempt) = match verdict {
        Verdict::Special(special) => {
            Stats::bump(&shared.stats.special);
            let code = match special.answer() {
                SpecialAnswer::NxDomain => ResponseCode::NXDomain,
                SpecialAnswer::NoData => ResponseCode::NoError,
            };
            let reply = Reply::Special {
                code,
                ttl: settings.block_ttl,
                serial: generation.number,
                why: special.describe(),
            };
            (reply, None)
        }
        Verdict::Blocked(reason) => {
            let brand = brand_zone(&reason);
            // The query is answered here, so its name can go to the journal as it is; a brand
            // block's SOA names a tail of it, so that one (rare) keeps a copy.
            let name = if brand.is_some() {
                req.name.clone()
            } else {
                std::mem::take(&mut req.name)
            };
            let reason = Reason {
                site: reason.site,
                list: &reason.list.id,
                rule: reason.rule,
                brand,
                brand_name: brand_name(&reason),
                cname: None,
            };
            let (reply, attempt) = block(shared, &generation, &req, client, name, reason);
            (reply, Some(attempt))
        }
        verdict @ (Verdict::Allowed(_) | Verdict::Unlisted) => {
            let explicitly_allowed = matches!(verdict, Verdict::Allowed(_));
            // A listed site opened because a parent paused protection: answered, and journaled
            // as opened during the pause so the parent sees what was opened.
            let opened = lifted.map(|r| {
                Attempt::new(
                    client_ip(client),
                    req.name.clone(),
                    Arc::clone(r.site),
                    Arc::clone(&r.list.id),
                    r.rule,
                    req.qtype(),
                    None,
                )
                .during_pause()
                .by_brand(brand_name(&r))
            });
            // 6. Cache, then upstream. The cache holds upstream answers only, never decisions,
            //    so the stages above always run with the policy in force.
            cached = shared.cache.get(KeyRef::of(&req));
            match &cached {
                Some((entry, age)) if entry.encoded.fits(&req) => {
                    Stats::bump(&shared.stats.cache_hits);
                    if entry.refresh_now(*age) {
                        // A popular answer near its end: asked again in the background, so
                        // that the next lookup finds it fresh instead of waiting.
                        let _ = shared.refresh.try_send(Box::new(Pending {
                            req: req.clone(),
                            generation: arc_swap::Guard::into_inner(shared.generation.load()),
                            client,
                            limit: usize::from(u16::MAX),
                            explicitly_allowed,
                            opened: None,
                        }));
                    }
                    let (reply, blocked) = inspect(
                        shared,
                        &generation,
                        &req,
                        client,
                        explicitly_allowed,
                        &entry.encoded,
                        entry.ttls(*age),
                    );
                    (reply, blocked.or(opened))
                }
                _ => {
                    return Step::Forward(Box::new(Pending {
                        req,
                        generation: arc_swap::Guard::into_inner(generation),
                        client,
                        limit,
                        explicitly_allowed,
                        opened,
                    }));
                }
            }
        }
    };
    wire::write(out, &req, reply, limit);
    attempt.map_or(Step::Reply, Step::Blocked)
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
            shared.stats.upstream_health(UpstreamHealth::Failed);
            tracing::debug!(name = %p.req.name, "upstream gave no answer: {failure}");
            return stale_or_servfail(shared, p, out);
        }
    };
    shared.stats.upstream_health(UpstreamHealth::Answered);
    let lifetime = shared.cache.lifetime(&fresh);
    let Some(encoded) = wire::encode_upstream(&p.req, fresh) else {
        Stats::bump(&shared.stats.servfail);
        tracing::debug!(name = %p.req.name, "upstream answer could not be encoded");
        wire::write(out, &p.req, Reply::ServFail, p.limit);
        return None;
    };
    let attempt = answer_pending(shared, &p, &encoded, Ttls::AsSent, out);
    let key = Key {
        qtype: p.req.qtype(),
        qclass: p.req.qclass(),
        dnssec_ok,
        name: p.req.name,
    };
    shared.cache.put(key, encoded, lifetime);
    attempt
}

/// Stage 7 for a pending query and the upstream answer it gets (fresh or stale), written into
/// `out`; gives the attempt to journal.
fn answer_pending(
    shared: &Shared,
    p: &Pending,
    answer: &Encoded,
    ttls: Ttls,
    out: &mut Vec<u8>,
) -> Option<Attempt> {
    let (reply, attempt) = inspect(
        shared,
        &p.generation,
        &p.req,
        p.client,
        p.explicitly_allowed,
        answer,
        ttls,
    );
    wire::write(out, &p.req, reply, p.limit);
    attempt.or_else(|| p.opened.clone())
}

/// Most refreshes ahead of time in flight at once: they are a convenience, never a load.
const REFRESHES_AT_ONCE: usize = 4;

/// Refreshes popular cached answers before they end (queued by [`begin`]): each is asked
/// upstream as the query that found it would be, and the new answer replaces the old one. The
/// answer written is thrown away; an attempt found in it was journaled by the query itself.
pub(crate) async fn refresh(
    shared: Arc<Shared>,
    mut queue: tokio::sync::mpsc::Receiver<Box<Pending>>,
) {
    let slots = Arc::new(tokio::sync::Semaphore::new(REFRESHES_AT_ONCE));
    while let Some(p) = queue.recv().await {
        let Ok(slot) = Arc::clone(&slots).acquire_owned().await else {
            return;
        };
        let shared = Arc::clone(&shared);
        tokio::spawn(async move {
            let mut scratch = Vec::new();
            let _ = finish(&shared, *p, &mut scratch).await;
            drop(slot);
        });
    }
}

/// No upstream answered: a recent answer past its TTL if the cache still has one (RFC 8767),
/// inspected against the policy in force like any cached answer; else SERVFAIL.
fn stale_or_servfail(shared: &Shared, p: Pending, out: &mut Vec<u8>) -> Option<Attempt> {
    let Some(entry) = shared
        .cache
        .get_stale(KeyRef::of(&p.req))
        .filter(|e| e.encoded.fits(&p.req))
    else {
        Stats::bump(&shared.stats.servfail);
        wire::write(out, &p.req, Reply::ServFail, p.limit);
        return p.opened;
    };
    Stats::bump(&shared.stats.stale);
    answer_pending(shared, &p, &entry.encoded, Ttls::Stale(STALE_TTL), out)
}

/// SERVFAIL for a query that cannot be forwarded now: too many are already waiting on the
/// upstream.
pub(crate) fn overloaded(shared: &Shared, p: Pending, out: &mut Vec<u8>) {
    Stats::bump(&shared.stats.servfail);
    wire::write(out, &p.req, Reply::ServFail, p.limit);
}

/// 7. Answer inspection: an allowed name whose CNAME chain reaches a blocked domain is blocked
///    too, or any site could be reached through a CNAME under an unlisted name. It runs on
///    cached answers as well, so a list change applies to them at once. A name the parent
///    allowed explicitly is trusted as a whole.
fn inspect<'a>(
    shared: &Shared,
    generation: &'a Generation,
    req: &'a Request,
    client: IpAddr,
    explicitly_allowed: bool,
    upstream_answer: &'a Encoded,
    ttls: Ttls,
) -> (Reply<'a>, Option<Attempt>) {
    if !explicitly_allowed {
        for target in &upstream_answer.cnames {
            if let Verdict::Blocked(reason) = shared.verdict(&generation.policy, target) {
                let reason = Reason {
                    site: reason.site,
                    list: &reason.list.id,
                    rule: reason.rule,
                    brand: None,
                    brand_name: brand_name(&reason),
                    cname: Some(target),
                };
                let name = req.name.clone();
                let (reply, attempt) = block(shared, generation, req, client, name, reason);
                return (reply, Some(attempt));
            }
        }
    }
    let reply = Reply::Upstream {
        answer: upstream_answer,
        ttls,
    };
    (reply, None)
}

/// Why a name is blocked.
struct Reason<'a> {
    site: &'a Arc<str>,
    list: &'a Arc<str>,
    rule: &'a str,
    /// For a brand rule on the queried name: how many bytes at its end are the registrable
    /// domain the brand was found in (the zone of the answer's SOA).
    brand: Option<usize>,
    /// For a brand rule, on the name or its CNAME target: the brand's name (`Omegle`).
    brand_name: Option<&'a str>,
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

/// The brand's name for a brand rule, so that readers see "looks like Omegle" in their language.
fn brand_name<'m>(reason: &vigie_policy::Reason<'m>) -> Option<&'m str> {
    match reason.kind {
        RuleKind::Brand { brand, .. } => Some(brand),
        RuleKind::Domain => None,
    }
}

/// The answer to a blocked name and its attempt, for the caller to journal.
fn block<'a>(
    shared: &Shared,
    generation: &'a Generation,
    req: &'a Request,
    client: IpAddr,
    name: String,
    reason: Reason<'a>,
) -> (Reply<'a>, Attempt) {
    Stats::bump(&shared.stats.blocked);
    let settings = &generation.policy.settings;
    let attempt = Attempt::new(
        client_ip(client),
        name,
        Arc::clone(reason.site),
        Arc::clone(reason.list),
        reason.rule,
        req.qtype(),
        reason.cname.map(str::to_string),
    )
    .by_brand(reason.brand_name);
    // A CNAME block answers for the queried name's own zone: an SOA for the blocked target's
    // zone would be out of place in an answer about another name.
    let zone = if reason.cname.is_some() {
        req.name.as_str()
    } else if let Some(len) = reason.brand {
        // A brand rule: the registrable domain the brand was found in, a tail of the name.
        let name = req.name.as_str();
        name.get(name.len().saturating_sub(len)..).unwrap_or(name)
    } else {
        reason.rule
    };
    let reply = Reply::Blocked(Block {
        mode: settings.block_mode,
        address: settings.block_address,
        ttl: settings.block_ttl,
        serial: generation.number,
        zone,
        site: reason.site,
    });
    (reply, attempt)
}
