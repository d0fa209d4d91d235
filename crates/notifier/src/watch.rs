//! The notifier's one loop: subscribe to the service's notice stream, show each blocked attempt
//! (throttled), keep the tray's protection state, and when the service goes away retry every
//! second, so a service restart needs nothing from the person at the computer.
//!
//! It reads only what any local user may read: `GET /v1/status` and the notice stream.
//!
//! While the stream is connected nothing here runs on a timer: the stream carries the notices
//! and, as `event: status`, protection itself, first when it opens and then at each change (a
//! parent's pause and its end, the computer's lookups ceasing to reach Vigie). Nor does the
//! service send keep-alives: over its Unix socket the stream's end is seen at once. So a
//! notifier at rest is never woken. The status is read in full only when the tray's menu is
//! about to open.

use std::time::{Duration, Instant};

use tokio::sync::mpsc::UnboundedReceiver;
use vigie_i18n::Lang;
use vigie_localapi::{Client, Error, Notice, NoticeKind, StreamEvent};

use crate::notify::Notifier;
use crate::throttle::Throttle;
use crate::tray::{self, Handle};
use crate::words::{self, State};

/// How soon to try again when the service is away.
const RETRY: Duration = Duration::from_secs(1);
/// One notice per site per this long.
const SAME_SITE: Duration = Duration::from_secs(60);

/// What the loop works with.
pub(crate) struct Watch {
    pub(crate) client: Client,
    pub(crate) lang: Lang,
    pub(crate) notifier: Notifier,
    pub(crate) tray: Option<Handle>,
    /// Requests for a fresh status from the tray.
    pub(crate) refresh: UnboundedReceiver<()>,
}

impl std::fmt::Debug for Watch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // `ksni::Handle` has no `Debug`.
        f.debug_struct("Watch")
            .field("client", &self.client)
            .field("lang", &self.lang)
            .field("tray", &self.tray.is_some())
            .finish_non_exhaustive()
    }
}

impl Watch {
    /// Runs until the process ends.
    pub(crate) async fn run(mut self) {
        let mut throttle = Throttle::new(SAME_SITE);
        let mut shown = State::Checking;
        let mut connected = false;
        loop {
            if let Ok(mut stream) = self.client.notices().await {
                println!("vigie-notifier: listening for notices");
                connected = true;
                loop {
                    tokio::select! {
                        next = stream.next_event() => match next {
                            Some(Ok(StreamEvent::Notice(notice))) => {
                                // An alert and a notice about one site are two different
                                // things to show.
                                let key = match notice.kind {
                                    NoticeKind::Blocked => notice.site.clone(),
                                    NoticeKind::Alert => format!("alert {}", notice.site),
                                };
                                if throttle.allow(&key, Instant::now()) {
                                    self.notice(&notice).await;
                                }
                            }
                            Some(Ok(StreamEvent::Status(state))) => {
                                self.show(&mut shown, State::of_protection(&state)).await;
                            }
                            // An event this version does not understand (a newer service):
                            // the stream itself is fine.
                            Some(Err(Error::Decode { .. })) => {}
                            Some(Err(_)) | None => break,
                        },
                        Some(()) = self.refresh.recv() => self.status(&mut shown).await,
                    }
                }
            }
            if connected {
                println!("vigie-notifier: the service went away; retrying");
                connected = false;
            }
            self.show(&mut shown, State::NotRunning).await;
            tokio::time::sleep(RETRY).await;
        }
    }

    /// Reads the status and shows its state.
    async fn status(&self, shown: &mut State) {
        let status = self.client.status().await.ok();
        self.show(shown, State::of(status.as_ref())).await;
    }

    async fn show(&self, shown: &mut State, state: State) {
        if *shown != state {
            tray::show(self.tray.as_ref(), state).await;
            *shown = state;
        }
    }

    async fn notice(&self, notice: &Notice) {
        let (title, body) = words::notification(self.lang, notice);
        if let Err(e) = self.notifier.show(&title, &body).await {
            eprintln!("vigie-notifier: the notification could not be shown: {e}");
        }
    }
}
