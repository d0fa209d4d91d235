//! The notice stream (`GET /v1/notices`, server-sent events): open to every local user, and
//! each user gets only what is theirs to see.
//!
//! Who is listening is the stream socket's peer uid, which the kernel gives and nobody can
//! fake. Who tried is the attempt's account (see `owner`). So:
//! - the person who tried gets the notice ("this site is blocked, talk to a parent");
//! - a parent (the administrator — root or the service's own account — or a listed parent)
//!   gets an alert naming the account instead ("Someone on this computer tried Omegle — Léa's
//!   account"), at most once per site per [`ALERT_EVERY`];
//! - an attempt from this computer whose account cannot be told (it came through a stub
//!   resolver such as systemd-resolved) goes to every session as a notice, and to parents as an
//!   alert: the child behind the stub must still learn, within a second, why the page does not
//!   open, and the notice names no one, so another account's session learns only that someone
//!   here tried a blocked site;
//! - an attempt from another device reaches parents' alerts only: no session here is theirs.
//!
//! Turning notices off in settings quiets both, at once.
//!
//! The stream also carries protection itself (`event: status`: paused, this computer's lookups
//! reaching Vigie, and for a parent the lists turned off), first when it opens and then at each
//! change, so that a notifier shows the state without ever asking for it on a timer.

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, State};
use axum::response::sse::{Event, Sse};
use futures_util::Stream;
use tokio::sync::{broadcast, watch};
use vigie_localapi as v1;

use super::{Api, Peer};
use crate::journal::Notice;

/// A parent hears of one site at most this often: a child trying again and again is one worry.
pub(crate) const ALERT_EVERY: Duration = Duration::from_secs(600);
/// Alerts remembered at once; older ones are forgotten first (they are past the interval).
const ALERTS_KEPT: usize = 4096;

/// What one stream gets of one attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Route {
    Notice,
    Alert,
    Nothing,
}

/// Whom `notice` is for, seen from a stream of `listener` (a parent or not).
fn route(notice: &Notice, listener: Option<u32>, parent: bool) -> Route {
    let own = match (&notice.account, listener) {
        (Some(account), Some(uid)) => account.uid == uid,
        _ => false,
    };
    if own {
        Route::Notice
    } else if parent {
        Route::Alert
    } else if notice.account.is_none() && notice.local {
        Route::Notice
    } else {
        Route::Nothing
    }
}

/// When each parent was last alerted about each site.
#[derive(Debug, Default)]
pub(crate) struct Alerts {
    last: Mutex<HashMap<(Option<u32>, String), Instant>>,
}

impl Alerts {
    /// Whether `parent` may be alerted about `site` at `now`; if so, it counts as alerted.
    fn allow(&self, parent: Option<u32>, site: &str, now: Instant) -> bool {
        let mut last = self.last.lock().unwrap_or_else(PoisonError::into_inner);
        let key = (parent, site.to_owned());
        if last
            .get(&key)
            .is_some_and(|at| now.saturating_duration_since(*at) < ALERT_EVERY)
        {
            return false;
        }
        if last.len() >= ALERTS_KEPT {
            last.retain(|_, at| now.saturating_duration_since(*at) < ALERT_EVERY);
        }
        last.insert(key, now);
        true
    }
}

/// Longest a stream sleeps while a pause runs before it looks again whether the pause ended:
/// the pause ends on the boot clock, which runs during sleep, and a timer does not; after a
/// suspend the status event then comes within this.
const PAUSE_LOOK: Duration = Duration::from_secs(60);

/// One listener of the notice stream.
struct Listener {
    api: Arc<Api>,
    peer: Peer,
    notices: broadcast::Receiver<Notice>,
    changes: watch::Receiver<u64>,
    probe: watch::Receiver<Option<bool>>,
    /// The status last sent.
    sent: Option<v1::ProtectionState>,
}

impl Listener {
    /// Protection as this listener may see it: what `GET /v1/status` shows them of it.
    fn status(&self) -> v1::ProtectionState {
        let shared = &self.api.shared;
        let lists_off = if self.api.administrator(self.peer) {
            shared
                .current()
                .policy
                .lists
                .iter()
                .filter(|l| !l.enabled && !l.file.list.action.allows())
                .map(|l| l.file.list.name.english().to_string())
                .collect()
        } else {
            Vec::new()
        };
        v1::ProtectionState {
            paused: shared.paused(),
            system_dns_ok: shared.probe.result(),
            lists_off,
        }
    }

    /// What this listener gets of `n`, if anything.
    fn notice(&self, n: Notice) -> Option<Event> {
        // Checked per notice, so that a change of settings applies at once: the switch, and
        // who is a parent.
        if !self.api.shared.current().policy.settings.notices {
            return None;
        }
        let parent = self.api.administrator(self.peer);
        let kind = match route(&n, self.peer.uid, parent) {
            Route::Notice => v1::NoticeKind::Blocked,
            Route::Alert
                if self
                    .api
                    .alerts
                    .allow(self.peer.uid, &n.site, Instant::now()) =>
            {
                v1::NoticeKind::Alert
            }
            Route::Alert | Route::Nothing => return None,
        };
        let notice = v1::Notice {
            time: n.time,
            kind,
            account: match kind {
                v1::NoticeKind::Alert => n.account.as_ref().map(|a| a.label().to_owned()),
                v1::NoticeKind::Blocked => None,
            },
            site: n.site,
            name: n.name,
            brand: n.brand,
        };
        Some(Event::default().data(serde_json::to_string(&notice).unwrap_or_default()))
    }

    /// The next event: the status when it changed since the last one sent (and first of all),
    /// else the next notice for this listener. Nothing runs on a timer but while a pause lasts.
    async fn next(&mut self) -> Option<Event> {
        loop {
            let status = self.status();
            if self.sent.as_ref() != Some(&status) {
                let data = serde_json::to_string(&status).unwrap_or_default();
                self.sent = Some(status);
                return Some(Event::default().event("status").data(data));
            }
            let pause_left = self.api.shared.pause_left();
            tokio::select! {
                n = self.notices.recv() => match n {
                    Ok(n) => {
                        if let Some(event) = self.notice(n) {
                            return Some(event);
                        }
                    }
                    // A slow listener skips what it missed rather than holding up the others.
                    Err(broadcast::error::RecvError::Lagged(_)) => {}
                    Err(broadcast::error::RecvError::Closed) => return None,
                },
                changed = self.changes.changed() => if changed.is_err() {
                    return None;
                },
                // The probe's sender lives as long as the service; an error cannot come.
                Ok(()) = self.probe.changed() => {}
                () = tokio::time::sleep(pause_left.unwrap_or_default().min(PAUSE_LOOK)),
                    if pause_left.is_some() => {}
            }
        }
    }
}

/// `GET /v1/notices`. No keep-alive: the stream is served on a Unix socket, where either end
/// sees the other's close at once, so a comment every few seconds would only wake every
/// session's notifier for nothing.
pub(super) async fn notices(
    State(api): State<Arc<Api>>,
    ConnectInfo(peer): ConnectInfo<Peer>,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let listener = Listener {
        notices: api.shared.journal.subscribe(),
        changes: api.shared.changes.subscribe(),
        probe: api.shared.probe.subscribe(),
        api,
        peer,
        sent: None,
    };
    Sse::new(futures_util::stream::unfold(
        listener,
        |mut listener| async move { listener.next().await.map(|e| (Ok(e), listener)) },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::owner::Account;

    fn notice(account: Option<u32>, local: bool) -> Notice {
        Notice {
            time: time::OffsetDateTime::UNIX_EPOCH,
            site: "Omegle".into(),
            name: "omegle.com".into(),
            brand: None,
            local,
            account: account.map(|uid| Account {
                uid,
                name: format!("user{uid}"),
                full_name: None,
            }),
        }
    }

    #[test]
    fn each_stream_gets_its_own_and_parents_get_alerts() {
        let child = Some(1001);
        let sibling = Some(1002);
        let parent = Some(1000);
        let own = notice(child, true);
        assert_eq!(route(&own, child, false), Route::Notice);
        assert_eq!(route(&own, sibling, false), Route::Nothing);
        assert_eq!(route(&own, None, false), Route::Nothing);
        assert_eq!(route(&own, parent, true), Route::Alert);
        // A parent's own attempt is a notice to them, not an alert.
        assert_eq!(route(&notice(parent, true), parent, true), Route::Notice);
        // Behind a stub: every session, and parents as an alert.
        let stub = notice(None, true);
        assert_eq!(route(&stub, child, false), Route::Notice);
        assert_eq!(route(&stub, None, false), Route::Notice);
        assert_eq!(route(&stub, parent, true), Route::Alert);
        // Another device: parents only.
        let device = notice(None, false);
        assert_eq!(route(&device, child, false), Route::Nothing);
        assert_eq!(route(&device, parent, true), Route::Alert);
    }

    #[test]
    fn one_alert_per_parent_and_site_per_interval() {
        let alerts = Alerts::default();
        let t0 = Instant::now();
        assert!(alerts.allow(Some(0), "Omegle", t0));
        assert!(!alerts.allow(Some(0), "Omegle", t0 + Duration::from_secs(599)));
        assert!(alerts.allow(Some(0), "OmeTV", t0), "another site");
        assert!(alerts.allow(Some(1000), "Omegle", t0), "another parent");
        assert!(alerts.allow(Some(0), "Omegle", t0 + ALERT_EVERY));
    }
}
