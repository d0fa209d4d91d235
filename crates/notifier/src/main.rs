//! `vigie-notifier`: the notifier of a user session, started at login in every graphical
//! session (`/etc/xdg/autostart/vigie-notifier.desktop`). It shows the child a calm notice for
//! each blocked attempt and keeps a tray icon with the protection state and "Open console".
//!
//! It runs all day in every session, so it is small: no GUI toolkit, only D-Bus (notifications
//! and the StatusNotifierItem tray icon, through `zbus` and `ksni`) and the local API client,
//! all on one thread.
//!
//! Its words come from `vigie-i18n` in the session's language (`LANGUAGE`, `LC_ALL`,
//! `LC_MESSAGES`, `LANG`), read once at start: the child is spoken to in French on a French
//! session.

mod notify;
mod options;
mod throttle;
mod tray;
mod watch;
mod words;

use anyhow::Context;
use vigie_i18n::Lang;
use vigie_localapi::Client;

use crate::options::Options;

fn main() -> anyhow::Result<()> {
    let options = match Options::from_env() {
        Ok(o) => o,
        Err(message) => {
            eprintln!("vigie-notifier: {message}");
            std::process::exit(2);
        }
    };
    // One thread: the notifier waits on two sockets (the service's, the session bus) and does
    // almost nothing, so more threads would only add memory and wake-ups.
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("the runtime could not start")?
        .block_on(run(options))
}

async fn run(options: Options) -> anyhow::Result<()> {
    // The session's language, not `[console] language` of settings.toml: the notifier runs in
    // every session, the child's included, without a parent session, and the settings are
    // readable only by a parent. The child's notices follow the child's own desktop.
    let lang = Lang::from_env();
    let bus = zbus::Connection::session()
        .await
        .context("no D-Bus session bus: the notifier needs a desktop session")?;
    let notifier = notify::Notifier::new(&bus)
        .await
        .context("the notification interface could not be reached")?;
    let (refresh_tx, refresh) = tokio::sync::mpsc::unbounded_channel();
    let tray = tray::start(lang, options.runtime_dir(), refresh_tx).await;
    let watch = watch::Watch {
        client: Client::new(options.socket),
        lang,
        notifier,
        tray,
        refresh,
    };
    // The session's bus ends with the session. The notifier then ends too: it holds no window
    // that would close with the display, and a desktop that leaves a session's processes
    // running at logout (Debian's default) would otherwise keep one more at every login.
    tokio::select! {
        () = watch.run() => {}
        () = bus.closed() => println!("vigie-notifier: the session's bus closed; stopping"),
    }
    Ok(())
}
