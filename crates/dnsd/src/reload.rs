//! Hot reload: the config directory is watched, and a changed file becomes a new policy within
//! a second, without restarting anything.
//!
//! `notify` reports file events on its own thread; they are debounced here (editors write a
//! file in several steps, and the API renames a temporary file into place), then the whole
//! config directory is loaded on a blocking thread, off the DNS path. A load that succeeds is
//! swapped in at once; one that fails leaves the last good policy in force and keeps the error,
//! with file, line and reason, for status.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use notify::{RecursiveMode, Watcher};
use tokio::sync::{mpsc, watch};
use vigie_policy::Policy;

use crate::journal::journal_config;
use crate::state::{Generation, Shared};

/// Quiet time after the last event before reloading.
const DEBOUNCE: Duration = Duration::from_millis(120);
/// Longest a burst of events can delay a reload.
const MAX_DELAY: Duration = Duration::from_millis(500);

/// Loads the config directory and swaps the new policy in; on failure keeps the old one.
/// Returns the generation in force afterwards. One reload at a time: a parent's change through
/// the API and the watcher's reload of an earlier change could otherwise overlap, and the one
/// that read the files first, finishing last, would put the older settings back in force.
pub(crate) async fn reload(
    shared: &Arc<Shared>,
    config_dir: &Path,
    journal_dir: &Path,
) -> Result<u32, String> {
    let _one_at_a_time = shared.reloading.lock().await;
    let dir = config_dir.to_path_buf();
    let feeds = shared.feeds.dir().to_path_buf();
    let loaded = tokio::task::spawn_blocking(move || Policy::load_with(&dir, Some(&feeds)))
        .await
        .map_err(|e| format!("the reload task failed: {e}"))?;
    let mut loaded = match loaded {
        Ok(loaded) => loaded,
        Err(e) => {
            let text = e.to_string();
            tracing::warn!(
                "the changed configuration was not applied, the previous one stays in force: {text}"
            );
            let mut state = shared.reload.lock().expect("reload state");
            state.last_error = Some(text.clone());
            state.last_error_message = Some(e.message());
            return Err(text);
        }
    };
    loaded.policy.settings = shared.overrides.apply(loaded.policy.settings);
    let old = shared.current();
    let settings = &loaded.policy.settings;

    if settings.upstreams != old.policy.settings.upstreams {
        // An empty list is "this computer's usual DNS": the network's servers, applied now
        // like any other choice.
        match shared.use_upstreams(&settings.upstreams) {
            // Another resolver may answer differently (a family filter, say).
            Ok(()) => shared.cache.clear(),
            Err(e) => tracing::warn!("new upstreams not applied: {e:#}"),
        }
    }
    if settings.journal != old.policy.settings.journal {
        shared
            .journal
            .reconfigure(journal_config(journal_dir, settings));
    }
    if settings.listen != old.policy.settings.listen {
        tracing::warn!("listen addresses changed in settings.toml; restart Vigie to apply them");
    }

    let number = old.number.wrapping_add(1);
    let warnings = loaded.warnings.iter().map(ToString::to_string).collect();
    shared.generation.store(Arc::new(Generation {
        number,
        policy: loaded.policy,
    }));
    let mut state = shared.reload.lock().expect("reload state");
    state.last_error = None;
    state.last_error_message = None;
    state.warnings = warnings;
    drop(state);
    shared.status_changed();
    tracing::info!(generation = number, "policy reloaded");
    // A subscription added or changed by hand is checked without waiting for its turn.
    shared.feeds.wake();
    Ok(number)
}

/// Watches `config_dir` until `stop` turns true. The watcher is returned so it lives as long as
/// the task; dropping it stops the events.
pub(crate) fn watch(
    shared: Arc<Shared>,
    config_dir: PathBuf,
    journal_dir: PathBuf,
    mut stop: watch::Receiver<bool>,
) -> notify::Result<notify::RecommendedWatcher> {
    let (tx, mut rx) = mpsc::channel::<()>(64);
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        if let Ok(event) = event
            && !event.kind.is_access()
        {
            let _ = tx.try_send(());
        }
    })?;
    watcher.watch(&config_dir, RecursiveMode::Recursive)?;
    tokio::spawn(async move {
        loop {
            tokio::select! {
                _ = stop.changed() => return,
                got = rx.recv() => if got.is_none() { return },
            }
            let deadline = tokio::time::Instant::now() + MAX_DELAY;
            loop {
                match tokio::time::timeout_at(
                    deadline.min(tokio::time::Instant::now() + DEBOUNCE),
                    rx.recv(),
                )
                .await
                {
                    Ok(Some(())) => continue,
                    Ok(None) => return,
                    Err(_) => break,
                }
            }
            let _ = reload(&shared, &config_dir, &journal_dir).await;
        }
    });
    Ok(watcher)
}
