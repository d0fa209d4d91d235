//! The tray face (`vigie-app --tray`), started at login in every user session: an icon with the
//! protection state and "Open console", and a native notification for each blocked attempt.
//!
//! It reads only what any local user may read (status and the notice stream) and shows no
//! lists and no parent data. When the service goes away it keeps retrying every second, so a
//! service restart needs nothing from the person at the computer.
//!
//! Its words come from `vigie-i18n` in the session's language (`LANGUAGE`, `LC_ALL`,
//! `LC_MESSAGES`, `LANG`), read once at start: the child is spoken to in French on a French
//! session.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use tauri::image::Image;
use tauri::menu::{Menu, MenuItem};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Wry};
use tauri_plugin_notification::NotificationExt;
use vigie_i18n::Lang;
use vigie_localapi::{Client, Notice, NoticeKind, Status};

use crate::options::Options;
use crate::throttle::Throttle;

const TRAY_ID: &str = "vigie";
const RETRY: Duration = Duration::from_secs(1);
const STATUS_EVERY: Duration = Duration::from_secs(5);

/// The notification's title.
pub(crate) fn title(lang: Lang) -> String {
    lang.text("notice-title")
}

/// The notification's body for a notice: the site by its name, or, when a brand rule blocked
/// it, the name looked up and the brand it looks like (never the English label of `site`).
pub(crate) fn body(lang: Lang, notice: &Notice) -> String {
    if let Some(brand) = &notice.brand {
        return lang.message(
            "notice-body-brand",
            &[
                ("name", notice.name.as_str().into()),
                ("brand", brand.as_str().into()),
            ],
        );
    }
    if notice.site.trim().is_empty() {
        return lang.text("notice-body-unnamed");
    }
    lang.message("notice-body", &[("site", notice.site.as_str().into())])
}

/// A parent's alert: who on this computer tried which site (`None`: the account cannot be told).
pub(crate) fn alert_body(lang: Lang, site: &str, account: Option<&str>) -> String {
    match account {
        Some(account) => lang.message(
            "alert-body",
            &[("site", site.into()), ("account", account.into())],
        ),
        None => lang.message("alert-body-unknown", &[("site", site.into())]),
    }
}

/// What the tray shows about protection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    NotRunning,
    Paused,
    NotReaching,
    Protected,
}

impl State {
    fn of(status: Option<&Status>) -> State {
        match status {
            None => State::NotRunning,
            Some(s) if s.paused_until.is_some() => State::Paused,
            Some(s) if s.system_dns_ok == Some(false) => State::NotReaching,
            Some(_) => State::Protected,
        }
    }

    /// The state line of the menu and tooltip.
    fn describe(self, lang: Lang) -> String {
        lang.text(match self {
            State::NotRunning => "tray-not-running",
            State::Paused => "tray-paused",
            State::NotReaching => "tray-not-reaching",
            State::Protected => "tray-protected",
        })
    }
}

/// Runs the tray face until the session ends.
pub(crate) fn run(options: Options, context: tauri::Context<Wry>) {
    let socket = options.socket.clone();
    // The session's language, not `[console] language` of settings.toml: the notifier runs in
    // every session, the child's included, without a parent session, and the settings are
    // readable only by a parent. The child's notices follow the child's own desktop.
    let lang = Lang::from_env();
    let app = tauri::Builder::default()
        .plugin(tauri_plugin_notification::init())
        .setup(move |app| {
            let state = MenuItem::with_id(
                app,
                "state",
                lang.text("tray-checking"),
                false,
                None::<&str>,
            )?;
            let open = MenuItem::with_id(
                app,
                "open",
                lang.text("tray-open-console"),
                true,
                None::<&str>,
            )?;
            let menu = Menu::with_items(app, &[&state, &open])?;
            let runtime = socket.parent().map(PathBuf::from);
            let mut tray = TrayIconBuilder::with_id(TRAY_ID)
                .menu(&menu)
                .tooltip(lang.text("tray-tooltip"))
                .on_menu_event(move |_, event| {
                    if event.id().0 == "open" {
                        open_console(runtime.as_deref());
                    }
                });
            tray = tray.icon(state_icon(false));
            tray.build(app)?;
            let handle = app.handle().clone();
            tauri::async_runtime::spawn(watch_status(handle.clone(), socket.clone(), state, lang));
            tauri::async_runtime::spawn(watch_notices(handle, socket.clone(), lang));
            Ok(())
        })
        .build(context);
    match app {
        Ok(app) => app.run(|_, event| {
            // No window is the normal state of the tray face: stay running.
            if let tauri::RunEvent::ExitRequested {
                api, code: None, ..
            } = event
            {
                api.prevent_exit();
            }
        }),
        Err(e) => {
            eprintln!("vigie-app --tray: could not start: {e}");
            std::process::exit(1);
        }
    }
}

fn open_console(runtime: Option<&std::path::Path>) {
    let Ok(exe) = std::env::current_exe() else {
        return;
    };
    let mut cmd = std::process::Command::new(exe);
    if let Some(dir) = runtime {
        cmd.arg("--runtime-dir").arg(dir);
    }
    if let Err(e) = cmd.spawn() {
        eprintln!("vigie-app --tray: the console could not open: {e}");
    }
}

/// A round tray icon: green when protected, red when not, so the state shows at a glance.
fn state_icon(protected: bool) -> Image<'static> {
    const SIZE: u32 = 32;
    let (r, g, b) = if protected {
        (0x1f, 0x6f, 0x5c)
    } else {
        (0xb3, 0x1b, 0x1b)
    };
    let mut rgba = Vec::with_capacity((SIZE * SIZE * 4) as usize);
    let centre = (SIZE as f32 - 1.0) / 2.0;
    for y in 0..SIZE {
        for x in 0..SIZE {
            let d = ((x as f32 - centre).powi(2) + (y as f32 - centre).powi(2)).sqrt();
            // A white ring inside the disc keeps the icon visible on dark and light panels.
            let (pr, pg, pb, a) = match d {
                d if d > 15.5 => (0, 0, 0, 0),
                d if (9.0..11.5).contains(&d) => (0xff, 0xff, 0xff, 0xff),
                _ => (r, g, b, 0xff),
            };
            rgba.extend_from_slice(&[pr, pg, pb, a]);
        }
    }
    Image::new_owned(rgba, SIZE, SIZE)
}

async fn watch_status(app: AppHandle, socket: PathBuf, item: MenuItem<Wry>, lang: Lang) {
    let client = Client::new(socket);
    let mut last = None;
    loop {
        let status = client.status().await.ok();
        let state = State::of(status.as_ref());
        if last != Some(state) {
            let text = state.describe(lang);
            let _ = item.set_text(&text);
            if let Some(tray) = app.tray_by_id(TRAY_ID) {
                let tooltip = lang.message("tray-tooltip-state", &[("state", text.into())]);
                let _ = tray.set_tooltip(Some(tooltip));
                let _ = tray.set_icon(Some(state_icon(state == State::Protected)));
            }
            last = Some(state);
        }
        tokio::time::sleep(STATUS_EVERY).await;
    }
}

async fn watch_notices(app: AppHandle, socket: PathBuf, lang: Lang) {
    let client = Client::new(socket);
    let mut throttle = Throttle::new(Duration::from_secs(60));
    let mut connected = false;
    loop {
        if let Ok(mut stream) = client.notices().await {
            println!("vigie-app --tray: listening for notices");
            connected = true;
            while let Some(Ok(notice)) = stream.next().await {
                // An alert and a notice about one site are two different things to show.
                let key = match notice.kind {
                    NoticeKind::Blocked => notice.site.clone(),
                    NoticeKind::Alert => format!("alert {}", notice.site),
                };
                if throttle.allow(&key, Instant::now()) {
                    show(&app, &notice, lang);
                }
            }
        }
        if connected {
            println!("vigie-app --tray: the service went away; retrying");
            connected = false;
        }
        tokio::time::sleep(RETRY).await;
    }
}

fn show(app: &AppHandle, notice: &Notice, lang: Lang) {
    // The service sends a parent's session alerts about others, and the person who tried the
    // notice; it already keeps alerts to one per site per ten minutes.
    let (title, body) = match notice.kind {
        NoticeKind::Blocked => (title(lang), body(lang, notice)),
        NoticeKind::Alert => (
            lang.text("alert-title"),
            alert_body(lang, &notice.site, notice.account.as_deref()),
        ),
    };
    let result = app.notification().builder().title(title).body(body).show();
    if let Err(e) = result {
        eprintln!("vigie-app --tray: the notification could not be shown: {e}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn notice(site: &str, name: &str, brand: Option<&str>) -> Notice {
        Notice {
            time: time::OffsetDateTime::UNIX_EPOCH,
            site: site.into(),
            name: name.into(),
            brand: brand.map(Into::into),
            kind: vigie_localapi::NoticeKind::Blocked,
            account: None,
        }
    }

    #[test]
    fn the_words_the_child_reads() {
        assert_eq!(
            body(Lang::En, &notice("Omegle", "omegle.com", None)),
            "Omegle is blocked on this computer. If you need it, talk to a parent."
        );
        assert_eq!(title(Lang::En), "This site is blocked");
        assert_eq!(
            State::of(None).describe(Lang::En),
            "Vigie is not running: this computer is not protected"
        );
    }

    #[test]
    fn the_words_a_parent_reads_in_an_alert() {
        assert_eq!(
            alert_body(Lang::En, "Omegle", Some("Léa")),
            "Someone on this computer tried Omegle — Léa's account"
        );
        assert_eq!(
            alert_body(Lang::Fr, "Omegle", Some("Léa")),
            "Quelqu’un sur cet ordinateur a essayé Omegle — compte de Léa"
        );
        assert!(alert_body(Lang::En, "Omegle", None).contains("cannot be told"));
        assert!(alert_body(Lang::Fr, "Omegle", None).contains("on ne peut pas savoir"));
    }

    #[test]
    fn the_words_the_child_reads_in_french() {
        assert_eq!(title(Lang::Fr), "Ce site est bloqué");
        assert_eq!(
            body(Lang::Fr, &notice("Omegle", "omegle.com", None)),
            "Omegle est bloqué sur cet ordinateur. Si tu en as besoin, parles-en à un parent."
        );
        assert_eq!(
            body(Lang::Fr, &notice("", "omegle.com", None)),
            "Ce site est bloqué sur cet ordinateur. Si tu en as besoin, parles-en à un parent."
        );
        assert_eq!(
            State::Protected.describe(Lang::Fr),
            "Cet ordinateur est protégé"
        );
    }

    #[test]
    fn a_brand_block_tells_the_child_which_site_it_looks_like_in_their_language() {
        let n = notice(
            "looks like Omegle",
            "www.omeglechat.example",
            Some("Omegle"),
        );
        assert_eq!(
            body(Lang::Fr, &n),
            "www.omeglechat.example ressemble à Omegle, alors il est bloqué sur cet ordinateur. Si tu en as besoin, parles-en à un parent."
        );
        assert_eq!(
            body(Lang::En, &n),
            "www.omeglechat.example looks like Omegle, so it is blocked on this computer. If you need it, talk to a parent."
        );
    }
}
