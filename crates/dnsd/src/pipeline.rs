//! The DNS pipeline: one request in, one answer out, in the order of the design.
//!
//! [`handle`] is the whole chain, one stage after another, each with the reason it sits where
//! it does. It is the only place that decides how a query is answered; the front ends only move
//! bytes, and `answer` only encodes.

use std::net::IpAddr;
use std::sync::Arc;

use hickory_proto::op::{Message, ResponseCode};
use hickory_proto::rr::RData;
use vigie_policy::{Decision, Special, SpecialAnswer};

use crate::answer::{self, Block, Reject, Request};
use crate::cache::{self, Answer};
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
    /// Send these bytes.
    Reply(Vec<u8>),
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
    key: cache::Key,
}

/// Answers one query packet; `None` means send nothing.
pub(crate) async fn handle(
    shared: &Shared,
    bytes: &[u8],
    client: IpAddr,
    transport: Transport,
) -> Option<Vec<u8>> {
    match begin(shared, bytes, client, transport) {
        Step::Drop => None,
        Step::Reply(bytes) => Some(bytes),
        Step::Forward(pending) => Some(finish(shared, *pending).await),
    }
}

/// Stages 1 to 6 up to the cache, without waiting on anything: blocked, special and cached
/// answers are complete here, so the front ends answer them inline and only spawn a task for
/// the queries that go upstream.
pub(crate) fn begin(shared: &Shared, bytes: &[u8], client: IpAddr, transport: Transport) -> Step {
    Stats::bump(&shared.stats.queries);

    // 1. Decode. Garbage must cost little and never panic: an unreadable header or a packet that
    //    is itself a response is dropped; a readable header with a broken body gets FORMERR.
    let req = match answer::decode(bytes) {
        Ok(req) => req,
        Err(Reject::Drop) => {
            Stats::bump(&shared.stats.malformed);
            return Step::Drop;
        }
        Err(Reject::Reply(reply)) => {
            Stats::bump(&shared.stats.malformed);
            return Step::Reply(reply);
        }
    };
    let limit = match transport {
        Transport::Udp => usize::from(req.udp_limit),
        Transport::Tcp => usize::from(u16::MAX),
    };
    // One policy for the whole query, even if a reload lands while it waits on the upstream.
    let generation = shared.current();
    let policy = &generation.policy;
    let settings = &policy.settings;

    // 2. The name was normalized while decoding (lowercase, no trailing dot; IDNs travel as
    //    punycode already), so every later stage compares like with like.

    // Probe names (`probe`) are the service asking itself whether the computer's lookups reach
    //    it: seen here, answered NXDOMAIN, never forwarded, never journaled.
    if shared.probe.saw(&req.name) {
        let m = answer::special(
            &req,
            ResponseCode::NXDomain,
            0,
            generation.number,
            "Vigie's check that this computer's lookups reach it",
        );
        return Step::Reply(answer::encode(&m, limit));
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
        let m = answer::special(
            &req,
            code,
            settings.block_ttl,
            generation.number,
            special.describe(),
        );
        return Step::Reply(answer::encode(&m, limit));
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
        let m = block(
            shared,
            &generation,
            &req,
            client,
            reason.site,
            &reason.list.id,
            reason.rule,
            None,
        );
        return Step::Reply(answer::encode(&m, limit));
    }
    let explicitly_allowed = matches!(decision, Decision::Allowed(_));

    // 6. Cache, then upstream. The cache holds upstream answers only, never decisions, so the
    //    stages above always run with the policy in force.
    let key = cache::Key {
        name: req.name.clone(),
        qtype: req.query.query_type(),
        qclass: req.query.query_class(),
    };
    if let Some(hit) = shared.cache.get(&key) {
        Stats::bump(&shared.stats.cache_hits);
        let m = inspect_and_answer(shared, &generation, &req, client, explicitly_allowed, hit);
        return Step::Reply(answer::encode(&m, limit));
    }
    Step::Forward(Box::new(Pending {
        req,
        generation,
        client,
        limit,
        explicitly_allowed,
        key,
    }))
}

/// Stage 6's upstream half and stage 7, for a query [`begin`] could not answer.
pub(crate) async fn finish(shared: &Shared, p: Pending) -> Vec<u8> {
    Stats::bump(&shared.stats.forwarded);
    let upstream = shared.upstream.load_full();
    let dnssec_ok = p
        .req
        .message
        .edns
        .as_ref()
        .is_some_and(|e| e.flags().dnssec_ok);
    let m = match upstream.ask(p.req.query.clone(), dnssec_ok).await {
        Ok(fresh) => {
            shared
                .stats
                .upstream_ok
                .store(1, std::sync::atomic::Ordering::Relaxed);
            let records = fresh.answers.len() + fresh.authorities.len() + fresh.additionals.len();
            shared
                .cache
                .put(p.key, clone_answer(&fresh), 96 + 64 * records);
            inspect_and_answer(
                shared,
                &p.generation,
                &p.req,
                p.client,
                p.explicitly_allowed,
                fresh,
            )
        }
        Err(failure) => {
            Stats::bump(&shared.stats.servfail);
            shared
                .stats
                .upstream_ok
                .store(2, std::sync::atomic::Ordering::Relaxed);
            tracing::debug!(name = %p.req.name, "upstream gave no answer: {failure}");
            answer::servfail(&p.req)
        }
    };
    answer::encode(&m, p.limit)
}

/// 7. Answer inspection: an allowed name whose CNAME chain reaches a blocked domain is blocked
///    too, or any site could be reached through a CNAME under an unlisted name. It runs on
///    cached answers as well, so a list change applies to them at once. A name the parent
///    allowed explicitly is trusted as a whole.
fn inspect_and_answer(
    shared: &Shared,
    generation: &Generation,
    req: &Request,
    client: IpAddr,
    explicitly_allowed: bool,
    upstream_answer: Answer,
) -> Message {
    if !explicitly_allowed && !shared.paused() {
        for record in &upstream_answer.answers {
            if let RData::CNAME(target) = &record.data {
                let target = answer::normalize(&target.0);
                if let Decision::Blocked(reason) = generation.policy.matcher.decide(&target) {
                    let (site, list, rule) = (reason.site, reason.list.id.as_str(), reason.rule);
                    return block(
                        shared,
                        generation,
                        req,
                        client,
                        site,
                        list,
                        rule,
                        Some(target.clone()),
                    );
                }
            }
        }
    }
    let mut m = answer::response(req, upstream_answer.code);
    m.answers = upstream_answer.answers;
    m.authorities = upstream_answer.authorities;
    m.additionals = upstream_answer.additionals;
    m
}

#[allow(clippy::too_many_arguments)]
fn block(
    shared: &Shared,
    generation: &Generation,
    req: &Request,
    client: IpAddr,
    site: &str,
    list: &str,
    rule: &str,
    cname: Option<String>,
) -> Message {
    Stats::bump(&shared.stats.blocked);
    let settings = &generation.policy.settings;
    // A CNAME block answers for the queried name's own zone: an SOA for the blocked target's
    // zone would be out of place in an answer about another name.
    let zone = if cname.is_some() {
        req.name.as_str()
    } else {
        rule
    };
    shared.journal.record(Attempt {
        client: answer::client_ip(client),
        name: req.name.clone(),
        site: site.to_string(),
        list: list.to_string(),
        rule: rule.to_string(),
        qtype: req.query.query_type().to_string(),
        cname,
    });
    answer::blocked(
        req,
        Block {
            mode: settings.block_mode,
            address: settings.block_address,
            ttl: settings.block_ttl,
            serial: generation.number,
            zone,
            site,
        },
    )
}

fn clone_answer(a: &Answer) -> Answer {
    Answer {
        code: a.code,
        answers: a.answers.clone(),
        authorities: a.authorities.clone(),
        additionals: a.additionals.clone(),
    }
}
