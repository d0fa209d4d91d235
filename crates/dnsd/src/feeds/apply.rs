//! One check of one feed, from download to policy: the body is read with the same code the
//! loader uses (so a copy that is kept always loads), refused unless it is a list that blocks
//! something (and for Vigie's feed, signed and newer), kept, and applied through
//! `reload::reload`, the same path as a parent's hand edit. Whatever fails, the last good copy
//! stays in force and the failure is recorded for status.

use std::path::Path;
use std::sync::Arc;

use time::OffsetDateTime;
use vigie_policy::subscription::{VIGIE_FEED_ID, read_body};
use vigie_policy::{FeedFormat, Subscription};

use super::download::{Conditional, Downloader, FeedError, Fetched};
use super::store::Meta;
use super::{Feeds, vigie};
use crate::state::Shared;

/// What is checked: a subscription, or Vigie's own feed at this URL.
#[derive(Debug, Clone)]
pub(crate) enum Target {
    Subscription(Subscription),
    Vigie { url: String },
}

impl Target {
    pub(crate) fn id(&self) -> &str {
        match self {
            Target::Subscription(s) => &s.id,
            Target::Vigie { .. } => VIGIE_FEED_ID,
        }
    }

    pub(crate) fn url(&self) -> &str {
        match self {
            Target::Subscription(s) => &s.url,
            Target::Vigie { url } => url,
        }
    }

    pub(crate) fn refresh(&self) -> std::time::Duration {
        match self {
            Target::Subscription(s) => s.refresh,
            Target::Vigie { .. } => super::schedule::VIGIE_FEED_REFRESH,
        }
    }
}

/// A download that passed every check, ready to keep.
struct Good {
    body: Vec<u8>,
    sig: Option<Vec<u8>>,
    etag: Option<String>,
    last_modified: Option<String>,
    domains: usize,
    sequence: Option<u64>,
}

/// Checks `target` once, keeps and applies a good new copy, and records how it went.
pub(crate) async fn check(
    feeds: &Feeds,
    shared: &Arc<Shared>,
    downloader: &Downloader,
    target: &Target,
) {
    let id = target.id().to_string();
    let mut meta = feeds.store.meta(&id);
    // Versions of another URL (a mirror chosen since) mean nothing here.
    let known = if meta.url == target.url() && feeds.store.has_body(&id) {
        Conditional {
            etag: meta.etag.clone(),
            last_modified: meta.last_modified.clone(),
        }
    } else {
        Conditional::default()
    };
    let outcome = match target {
        Target::Subscription(sub) => subscription(downloader, sub, &known).await,
        Target::Vigie { url } => vigie_feed(feeds, downloader, url, &known).await,
    };
    let now = OffsetDateTime::now_utc();
    meta.checked_at = Some(now);
    let outcome = match outcome {
        Ok(Some(good)) => keep(feeds, &id, target.url(), &mut meta, good, now),
        other => other.map(|_| ()),
    };
    match outcome {
        Ok(()) => {
            if meta.failures > 0 {
                tracing::info!("feed {id} ({}) works again", target.url());
            }
            meta.failures = 0;
            meta.last_error = None;
            meta.next_attempt = Some(now + feeds.timing.after_success(target.refresh()));
        }
        Err(e) => {
            meta.failures = meta.failures.saturating_add(1);
            let wait = feeds.timing.after_failure(meta.failures, target.refresh());
            tracing::warn!(
                "feed {id} ({}): {}; the last good copy stays in force; next try in {}",
                target.url(),
                vigie_i18n::Lang::En.render(&e.message()),
                vigie_policy::format_duration(wait)
            );
            meta.last_error = Some(e.message());
            meta.next_attempt = Some(now + wait);
        }
    }
    if let Err(e) = feeds.store.save_meta(&id, &meta) {
        tracing::warn!("feed {id}: its record could not be saved: {e}");
    }
    let applied = meta.fetched_at == Some(now);
    feeds.remember(&id, meta);
    if applied {
        // The new copy is on disk: the same reload as a hand edit puts it in force. A broken
        // hand edit elsewhere keeps the previous policy; the copy then applies with the fix.
        if let Err(e) = crate::reload::reload(shared, &feeds.config, &feeds.journal).await {
            tracing::warn!("feed {id}: kept, but not in force yet: {e}");
        }
    }
}

fn keep(
    feeds: &Feeds,
    id: &str,
    url: &str,
    meta: &mut Meta,
    good: Good,
    now: OffsetDateTime,
) -> Result<(), FeedError> {
    feeds
        .store
        .save_body(id, &good.body, good.sig.as_deref())
        .map_err(|e| FeedError::NotSaved(e.to_string()))?;
    tracing::info!(
        "feed {id} ({url}): a new copy with {} domains ({} bytes)",
        good.domains,
        good.body.len()
    );
    meta.url = url.to_string();
    meta.etag = good.etag;
    meta.last_modified = good.last_modified;
    meta.fetched_at = Some(now);
    meta.domains = good.domains;
    meta.sequence = good.sequence;
    Ok(())
}

/// A subscription's download: `None` when the server says the copy kept is current.
async fn subscription(
    downloader: &Downloader,
    sub: &Subscription,
    known: &Conditional,
) -> Result<Option<Good>, FeedError> {
    let (body, etag, last_modified) = match downloader.fetch(&sub.url, known).await? {
        Fetched::NotModified => return Ok(None),
        Fetched::Body {
            body,
            etag,
            last_modified,
        } => (body, etag, last_modified),
    };
    Ok(Some(Good {
        domains: domains_in(&body, sub.format, &sub.url)?,
        body,
        sig: None,
        etag,
        last_modified,
        sequence: None,
    }))
}

/// How many domains a downloaded body lists, read as `format`; a body that cannot be read, or
/// lists nothing, is refused (the last good copy stays).
fn domains_in(body: &[u8], format: FeedFormat, url: &str) -> Result<usize, FeedError> {
    let read = read_body(body, format, Path::new(url))
        .map_err(|e| FeedError::NotVigieList(e.message()))?;
    if read.is_empty() {
        return Err(FeedError::Empty);
    }
    Ok(read.domains)
}

/// Vigie's own feed: the body and its `.minisig`, verified against the key named at build
/// time, and newer than the list in force.
async fn vigie_feed(
    feeds: &Feeds,
    downloader: &Downloader,
    url: &str,
    known: &Conditional,
) -> Result<Option<Good>, FeedError> {
    let Some(key) = feeds.vigie.key.as_ref() else {
        return Err(FeedError::Signature);
    };
    let (body, etag, last_modified) = match downloader.fetch(url, known).await? {
        Fetched::NotModified => return Ok(None),
        Fetched::Body {
            body,
            etag,
            last_modified,
        } => (body, etag, last_modified),
    };
    // The copy in force, sent again in full (no ETag, or the mirror changed): nothing changed.
    // Verifying it would refuse it as "not newer", a failure the parent would see every day.
    if feeds.store.same_body(VIGIE_FEED_ID, &body) {
        return Ok(None);
    }
    let sig = match downloader
        .fetch(&format!("{url}.minisig"), &Conditional::default())
        .await
    {
        Ok(Fetched::Body { body, .. }) => body,
        Ok(Fetched::NotModified) | Err(FeedError::Status(404 | 410)) => {
            return Err(FeedError::SignatureMissing);
        }
        Err(e) => return Err(e),
    };
    let verified = vigie::verify(&body, &sig, key, feeds.vigie_sequence())?;
    Ok(Some(Good {
        domains: domains_in(&body, FeedFormat::Vigie, url)?,
        body,
        sig: Some(sig),
        etag,
        last_modified,
        sequence: Some(verified),
    }))
}
