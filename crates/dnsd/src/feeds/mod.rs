//! Lists that update themselves: the `[[subscription]]` entries of `settings.toml` and Vigie's
//! own signed feed, downloaded in the background and applied like a hand edit.
//!
//! One task checks the feeds that are due, one at a time (a download holds at most 64 MiB and
//! one connection, whatever the number of feeds), then sleeps until the next one is due or it
//! is woken: by a reload (a subscription added by hand), or by the API (added, changed, "check
//! now"). Start-up never waits for it: the policy loaded at start already holds the copies kept
//! in the data directory, and the first checks run once the service is answering.
//!
//! The parts: [`schedule`] (when), [`download`] (the bounded HTTP GET), [`resolve`] (the feed
//! host through Vigie's upstreams), [`store`] (the copies kept), [`apply`] (from a download to
//! the policy in force) and [`vigie`] (the build's own feed and its key).

mod apply;
pub(crate) mod download;
mod resolve;
pub(crate) mod schedule;
pub(crate) mod store;
pub(crate) mod vigie;

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use time::OffsetDateTime;
use tokio::sync::{Notify, watch};
use vigie_localapi as v1;
use vigie_policy::subscription::{VIGIE_FEED_ID, shipped_sequence};
use vigie_policy::{Message, Settings, Subscription};

use apply::Target;
use schedule::Timing;
use store::{Meta, Store};

use crate::state::Shared;

/// The feeds' shared state: the copies kept, what each last check found, and the wake-up bell.
#[derive(Debug)]
pub(crate) struct Feeds {
    pub(crate) store: Store,
    pub(crate) vigie: vigie::Source,
    pub(crate) timing: Timing,
    /// The config folder and journal folder, for `reload::reload`.
    config: PathBuf,
    journal: PathBuf,
    /// What is known of each feed (a copy of its `.json`), by id.
    metas: Mutex<HashMap<String, Meta>>,
    /// Feeds a parent asked to check now.
    asked: Mutex<HashSet<String>>,
    wake: Notify,
}

impl Feeds {
    /// The feeds kept in `dir`.
    pub(crate) fn new(
        dir: PathBuf,
        vigie: vigie::Source,
        timing: Timing,
        config: PathBuf,
        journal: PathBuf,
    ) -> Feeds {
        Feeds {
            store: Store::new(dir),
            vigie,
            timing,
            config,
            journal,
            metas: Mutex::default(),
            asked: Mutex::default(),
            wake: Notify::new(),
        }
    }

    /// The feeds folder, for `Policy::load_with`.
    pub(crate) fn dir(&self) -> &std::path::Path {
        self.store.dir()
    }

    /// Wakes the checking task: settings changed, or a feed was asked for.
    pub(crate) fn wake(&self) {
        self.wake.notify_one();
    }

    /// Asks for a check of `id` now.
    pub(crate) fn check_now(&self, id: &str) {
        self.asked.lock().expect("asked").insert(id.to_string());
        self.wake();
    }

    /// Forgets a feed removed from the settings, with its copy.
    pub(crate) fn forget(&self, id: &str) {
        self.store.remove(id);
        self.metas.lock().expect("metas").remove(id);
    }

    /// Drops the copies of feeds the settings no longer name (an edit by hand, which the API's
    /// [`Feeds::forget`] does not see). Vigie's own feed keeps its copy while turned off.
    fn sweep(&self, settings: &Settings) {
        let mut keep: Vec<&str> = settings
            .subscriptions
            .iter()
            .map(|s| s.id.as_str())
            .collect();
        keep.push(VIGIE_FEED_ID);
        for id in self.store.keep_only(&keep) {
            self.metas.lock().expect("metas").remove(&id);
            tracing::info!("feed copy {id} removed: no subscription in the settings has it");
        }
    }

    fn meta(&self, id: &str) -> Meta {
        let mut metas = self.metas.lock().expect("metas");
        metas
            .entry(id.to_string())
            .or_insert_with(|| self.store.meta(id))
            .clone()
    }

    fn remember(&self, id: &str, meta: Meta) {
        self.metas
            .lock()
            .expect("metas")
            .insert(id.to_string(), meta);
    }

    /// The URL Vigie's feed is downloaded from: the parent's mirror, else the build's.
    fn vigie_url(&self, settings: &Settings) -> Option<String> {
        settings.feed.url.clone().or_else(|| self.vigie.url.clone())
    }

    /// The sequence of the `stranger-chat` list that a new feed must beat: the shipped one's,
    /// or the copy kept when it is newer (even while the feed is off, so that turning it off
    /// and on again cannot let an older copy in).
    pub(crate) fn vigie_sequence(&self) -> u64 {
        let kept = if self.store.has_body(VIGIE_FEED_ID) {
            self.meta(VIGIE_FEED_ID).sequence.unwrap_or(0)
        } else {
            0
        };
        kept.max(shipped_sequence())
    }

    /// Why Vigie's feed is not checked, if it is not.
    fn vigie_off(&self, settings: &Settings) -> Option<Message> {
        if self.vigie.key.is_none() || self.vigie_url(settings).is_none() {
            Some(Message::new("feed-off-no-build"))
        } else if !settings.feed.enabled {
            Some(Message::new("feed-off-by-parent"))
        } else {
            None
        }
    }

    /// What is checked under `settings`: the subscriptions turned on, and Vigie's feed when it
    /// is on.
    fn targets(&self, settings: &Settings) -> Vec<Target> {
        let mut out: Vec<Target> = settings
            .subscriptions
            .iter()
            .filter(|s| s.enabled)
            .cloned()
            .map(Target::Subscription)
            .collect();
        if self.vigie_off(settings).is_none()
            && let Some(url) = self.vigie_url(settings)
        {
            out.push(Target::Vigie { url });
        }
        out
    }

    /// A subscription as the API shows it.
    pub(crate) fn subscription_view(&self, sub: &Subscription) -> v1::Subscription {
        let meta = self.meta(&sub.id);
        let has_copy = self.store.has_body(&sub.id);
        v1::Subscription {
            id: sub.id.clone(),
            name: sub.name.clone(),
            url: sub.url.clone(),
            format: sub.format,
            refresh_secs: sub.refresh.as_secs(),
            enabled: sub.enabled,
            state: state_of(sub.enabled, &meta, has_copy),
            domains: if has_copy { meta.domains } else { 0 },
            fetched_at: meta.fetched_at.filter(|_| has_copy),
            checked_at: meta.checked_at,
            next_check_at: meta.next_attempt.filter(|_| sub.enabled),
            last_error: meta.last_error.clone(),
        }
    }

    /// Vigie's feed as the API shows it.
    pub(crate) fn vigie_view(&self, settings: &Settings) -> v1::VigieFeed {
        let meta = self.meta(VIGIE_FEED_ID);
        let off = self.vigie_off(settings);
        let has_copy = self.store.has_body(VIGIE_FEED_ID);
        let shipped = shipped_sequence();
        let in_force = match meta.sequence {
            Some(s) if has_copy && settings.feed.enabled && s > shipped => s,
            _ => shipped,
        };
        v1::VigieFeed {
            available: self.vigie.available(),
            enabled: settings.feed.enabled,
            url: self.vigie_url(settings),
            custom_url: settings.feed.url.is_some(),
            state: if off.is_some() {
                v1::FeedState::Off
            } else {
                state_of(true, &meta, has_copy)
            },
            sequence: in_force,
            shipped_sequence: shipped,
            fetched_at: meta.fetched_at.filter(|_| in_force > shipped),
            checked_at: meta.checked_at.filter(|_| off.is_none()),
            next_check_at: meta.next_attempt.filter(|_| off.is_none()),
            last_error: off.or(meta.last_error.clone()),
        }
    }

    /// The feeds' part of status.
    pub(crate) fn status(&self, settings: &Settings) -> v1::FeedsStatus {
        let on: Vec<&Subscription> = settings
            .subscriptions
            .iter()
            .filter(|s| s.enabled)
            .collect();
        let failing: Vec<String> = on
            .iter()
            .filter(|s| self.meta(&s.id).last_error.is_some())
            .map(|s| s.name.clone())
            .collect();
        let vigie = self.vigie_view(settings);
        v1::FeedsStatus {
            subscriptions: on.len(),
            failing: failing.len(),
            failing_names: failing,
            vigie_feed: vigie.state,
            vigie_feed_reason: vigie.last_error,
        }
    }
}

/// How a feed is doing, from its record.
fn state_of(enabled: bool, meta: &Meta, has_copy: bool) -> v1::FeedState {
    if !enabled {
        v1::FeedState::Off
    } else if meta.last_error.is_some() {
        v1::FeedState::Failing
    } else if has_copy && meta.checked_at.is_some() {
        v1::FeedState::Ok
    } else {
        v1::FeedState::Pending
    }
}

/// Starts the checking task; it ends when `stop` turns true.
pub(crate) fn start(shared: Arc<Shared>, mut stop: watch::Receiver<bool>) {
    let downloader =
        match download::Downloader::new(Arc::clone(&shared), shared.feeds.timing.timeout) {
            Ok(d) => d,
            Err(e) => {
                tracing::warn!(
                    "list feeds are not checked: the HTTP client could not be set up: {e:#}"
                );
                return;
            }
        };
    tokio::spawn(async move {
        let feeds = &shared.feeds;
        loop {
            let settings = shared.current().policy.settings.clone();
            feeds.sweep(&settings);
            let mut next: Option<OffsetDateTime> = None;
            for target in feeds.targets(&settings) {
                if *stop.borrow() {
                    return;
                }
                let id = target.id().to_string();
                let meta = feeds.meta(&id);
                let asked = feeds.asked.lock().expect("asked").remove(&id);
                let due = asked
                    || meta.url != target.url() && meta.failures == 0
                    || meta
                        .next_attempt
                        .is_none_or(|at| at <= OffsetDateTime::now_utc());
                if due {
                    tokio::select! {
                        () = apply::check(feeds, &shared, &downloader, &target) => {}
                        _ = stop.changed() => return,
                    }
                }
                if let Some(at) = feeds.meta(&id).next_attempt {
                    next = Some(next.map_or(at, |n| n.min(at)));
                }
            }
            let wait = next.map_or(std::time::Duration::from_secs(3600), |at| {
                (at - OffsetDateTime::now_utc())
                    .try_into()
                    .unwrap_or(std::time::Duration::ZERO)
            });
            tokio::select! {
                () = tokio::time::sleep(wait) => {}
                () = feeds.wake.notified() => {}
                _ = stop.changed() => return,
            }
        }
    });
}
