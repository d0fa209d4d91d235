//! Status: open to every local user (the notice stream is `notices`). A parent (a listed account, a live session, or
//! the administrator) gets the whole status; anyone else gets what the child's notifier and the
//! locked console need (protected or not, paused or not, first run or not) and nothing a parent
//! would keep to themselves: not when a pause ends, not how many wrong passwords were tried,
//! not which lists are off, not how many attempts were made.

use std::sync::atomic::Ordering;
use std::time::Duration;

use vigie_localapi as v1;

use crate::state::UpstreamHealth;

use std::sync::Arc;

use axum::extract::{ConnectInfo, State};
use axum::http::HeaderMap;

use super::{Api, Peer, attempts};

type Api_ = State<Arc<Api>>;

pub(super) async fn status(
    State(api): Api_,
    ConnectInfo(peer): ConnectInfo<Peer>,
    headers: HeaderMap,
) -> axum::Json<v1::Status> {
    let full = api.root_or_service(peer) || api.parent(peer, &headers).is_ok();
    let mut status = whole_status(&api, full).await;
    if !full {
        status.full = false;
        status.paused_until = None;
        status.failed_logins = 0;
        status.attempts_today = 0;
        status.lists_off.clear();
        status.upstream_servers.clear();
        status.network_dns = None;
        status.feeds.failing_names.clear();
        status.parent_accounts.clear();
        status.last_reload_message = None;
        status.last_reload_error = status
            .last_reload_error
            .map(|_| "a configuration change was not applied; a parent can see why".to_string());
        status.journal_error = status
            .journal_error
            .map(|_| "attempts are not being recorded; a parent can see why".to_string());
    }
    axum::Json(status)
}

/// `full`: for a parent. Only a parent is told today's attempts, so only for one is today's
/// file read: any account may ask for status as often as it likes.
async fn whole_status(api: &Api, full: bool) -> v1::Status {
    let shared = &api.shared;
    let generation = shared.current();
    let settings = &generation.policy.settings;
    let journal = api.journal.clone();
    let attempts_today = if full {
        shared.journal.settled().await;
        let open = shared.journal.open_entries();
        tokio::task::spawn_blocking(move || attempts::count_today(&journal, open))
            .await
            .unwrap_or(0)
    } else {
        0
    };
    let upstream_ok = match shared.stats.last_upstream() {
        UpstreamHealth::Answered => Some(true),
        UpstreamHealth::Failed => Some(false),
        UpstreamHealth::Unknown => None,
    };
    let system_dns_ok = shared.probe.current().await;
    let reload = shared.reload.lock().expect("reload state").clone();
    let lists_off = generation
        .policy
        .lists
        .iter()
        .filter(|l| !l.enabled && !l.file.list.action.allows())
        .map(|l| l.file.list.name.english().to_string())
        .collect();
    v1::Status {
        redirect: redirect_state(&api.redirect_state),
        full: true,
        paused: shared.paused(),
        lists_off,
        version: env!("CARGO_PKG_VERSION").into(),
        uptime_secs: shared.started.elapsed().as_secs(),
        listen: settings.listen.iter().map(ToString::to_string).collect(),
        upstreams: shared.upstream.load().describe(),
        upstream_ok,
        generation: generation.number,
        domains: generation.policy.matcher.len(),
        last_reload_error: reload.last_error,
        last_reload_message: reload.last_error_message,
        attempts_today,
        failed_logins: api.auth.failed_logins.load(Ordering::Relaxed),
        paused_until: shared.paused_until(),
        password_set: api.auth.password_set(),
        system_dns_ok,
        journal_error: {
            let j = shared.journal.stats();
            if j.write_errors > 0 || j.dropped > 0 {
                j.last_error
            } else {
                None
            }
        },
        queries: shared.stats.queries.load(Ordering::Relaxed),
        blocked: shared.stats.blocked.load(Ordering::Relaxed),
        upstream_mode: if settings.upstreams.is_empty() {
            "network"
        } else {
            "chosen"
        }
        .into(),
        upstream_servers: upstream_servers(shared),
        network_dns: Some(network_dns(shared)),
        stale_answers: shared.stats.stale.load(Ordering::Relaxed),
        dnssec_in_front: crate::dnssec::validating_resolved(std::path::Path::new("/")),
        feeds: shared.feeds.status(&generation.policy.settings),
        // Named only for a parent: the user database is not read for every account's status.
        parent_accounts: if full {
            settings
                .parent_uids
                .iter()
                .map(|&uid| crate::owner::Account::of_uid(uid).into_api())
                .collect()
        } else {
            Vec::new()
        },
    }
}

/// A moment on the boot clock as wall-clock time.
fn wall(at: Duration) -> time::OffsetDateTime {
    let ago = crate::clock::since_boot().saturating_sub(at);
    time::OffsetDateTime::now_utc() - ago
}

fn upstream_servers(shared: &crate::state::Shared) -> Vec<v1::UpstreamServer> {
    use crate::dns::upstream::Role;
    shared
        .upstream
        .load()
        .servers()
        .map(|server| {
            let h = server.health();
            let failing = h.failing();
            v1::UpstreamServer {
                address: server.describe(),
                role: match server.role {
                    Role::Chosen => "chosen",
                    Role::Network => "network",
                    Role::Link => "link",
                }
                .into(),
                state: if failing {
                    "failing"
                } else if h.last_answer.is_some() {
                    "answering"
                } else {
                    "untried"
                }
                .into(),
                last_answer: h.last_answer.map(wall),
                failing_since: h.failing_since.filter(|_| failing).map(wall),
                last_error: h.last_error.filter(|_| failing),
                rtt_ms: h.last_answer.map(|_| h.rtt_ms),
            }
        })
        .collect()
}

fn network_dns(shared: &crate::state::Shared) -> v1::NetworkDns {
    let (offer, since) = shared.network.lock().expect("network offer").clone();
    v1::NetworkDns {
        source: offer.source.map(|m| m.id().to_string()),
        servers: offer
            .servers
            .iter()
            .map(|s| crate::dns::network::show(*s))
            .collect(),
        since: wall(since),
    }
}

/// The redirect check's last word, when it is recent (the timer runs every 30 seconds): `None`
/// where no redirect is installed (a dev service) or the check has stopped running.
fn redirect_state(path: &std::path::Path) -> Option<String> {
    let meta = std::fs::metadata(path).ok()?;
    let age = meta.modified().ok()?.elapsed().unwrap_or_default();
    if age > Duration::from_secs(120) {
        return Some("stale".into());
    }
    let text = std::fs::read_to_string(path).ok()?;
    let state = text.trim();
    matches!(state, "active" | "restored" | "failed").then(|| state.to_string())
}
