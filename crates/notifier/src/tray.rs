//! The tray icon: a StatusNotifierItem on the session bus (through `ksni`), which the panels of
//! Plasma, GNOME with its AppIndicator extension, Xfce, Budgie, waybar and others show. It has
//! the protection state (icon colour, tooltip, first menu line) and "Open console", which starts
//! `vigie-app`.
//!
//! A session without a StatusNotifierWatcher (no panel that shows such items) still gets its
//! notices: the item waits on the bus for a watcher to appear and registers then.

use std::path::PathBuf;

use ksni::menu::StandardItem;
use ksni::{Icon, MenuItem, ToolTip, TrayMethods};
use tokio::sync::mpsc::UnboundedSender;
use vigie_i18n::Lang;

use crate::words::State;

/// The tray item's state; `ksni` reads it whenever the panel asks.
#[derive(Debug)]
pub(crate) struct VigieTray {
    lang: Lang,
    state: State,
    runtime_dir: Option<PathBuf>,
    /// Asks the watcher loop for a fresh status (the menu is about to open).
    refresh: UnboundedSender<()>,
}

/// A running tray item.
pub(crate) type Handle = ksni::Handle<VigieTray>;

/// Puts the item on the session bus. `None` when the bus refuses it (said on standard error):
/// the notices go on without an icon.
pub(crate) async fn start(
    lang: Lang,
    runtime_dir: Option<PathBuf>,
    refresh: UnboundedSender<()>,
) -> Option<Handle> {
    let tray = VigieTray {
        lang,
        state: State::Checking,
        runtime_dir,
        refresh,
    };
    // Assumed available: a panel often starts after the session's autostart programs, and a
    // watcher that appears later is then registered with, instead of the icon never showing.
    match tray.assume_sni_available(true).spawn().await {
        Ok(handle) => Some(handle),
        Err(e) => {
            eprintln!("vigie-notifier: no tray icon: {e}");
            None
        }
    }
}

/// Shows `state` (the caller sends only changes).
pub(crate) async fn show(handle: Option<&Handle>, state: State) {
    if let Some(handle) = handle {
        handle
            .update(|tray| {
                tray.state = state;
            })
            .await;
    }
}

impl ksni::Tray for VigieTray {
    fn id(&self) -> String {
        "vigie".into()
    }

    fn title(&self) -> String {
        self.lang.text("tray-tooltip")
    }

    fn icon_pixmap(&self) -> Vec<Icon> {
        vec![state_icon(self.state == State::Protected)]
    }

    fn tool_tip(&self) -> ToolTip {
        ToolTip {
            title: self.state.tooltip(self.lang),
            ..Default::default()
        }
    }

    fn menu(&self) -> Vec<MenuItem<Self>> {
        vec![
            StandardItem {
                label: self.state.describe(self.lang),
                enabled: false,
                ..Default::default()
            }
            .into(),
            StandardItem {
                label: self.lang.text("tray-open-console"),
                activate: Box::new(|tray: &mut Self| open_console(tray.runtime_dir.as_deref())),
                ..Default::default()
            }
            .into(),
        ]
    }

    fn menu_about_to_show(&mut self) {
        // The state line is read now: ask for it fresh rather than polling often for it.
        let _ = self.refresh.send(());
    }
}

/// Starts the parent's console, next to this binary when it is there (an install, a build
/// folder), else from `PATH`, talking to the same service.
fn open_console(runtime_dir: Option<&std::path::Path>) {
    let beside = std::env::current_exe()
        .ok()
        .map(|exe| exe.with_file_name("vigie-app"))
        .filter(|p| p.is_file());
    let mut cmd = std::process::Command::new(beside.unwrap_or_else(|| "vigie-app".into()));
    if let Some(dir) = runtime_dir {
        cmd.arg("--runtime-dir").arg(dir);
    }
    match cmd.spawn() {
        // Waited for on a thread of its own, so a closed console leaves no zombie behind.
        Ok(mut child) => {
            std::thread::spawn(move || child.wait());
        }
        Err(e) => eprintln!("vigie-notifier: the console could not open: {e}"),
    }
}

/// A round icon: green when protected, red when not, so the state shows at a glance.
fn state_icon(protected: bool) -> Icon {
    const SIZE: i32 = 32;
    let (r, g, b) = if protected {
        (0x1f, 0x6f, 0x5c)
    } else {
        (0xb3, 0x1b, 0x1b)
    };
    let mut data = Vec::with_capacity((SIZE * SIZE * 4) as usize);
    let centre = (SIZE as f32 - 1.0) / 2.0;
    for y in 0..SIZE {
        for x in 0..SIZE {
            let d = ((x as f32 - centre).powi(2) + (y as f32 - centre).powi(2)).sqrt();
            // A white ring inside the disc keeps the icon visible on dark and light panels.
            let (a, pr, pg, pb) = match d {
                d if d > 15.5 => (0, 0, 0, 0),
                d if (9.0..11.5).contains(&d) => (0xff, 0xff, 0xff, 0xff),
                _ => (0xff, r, g, b),
            };
            // ARGB32 in network byte order, as the StatusNotifierItem spec wants.
            data.extend_from_slice(&[a, pr, pg, pb]);
        }
    }
    Icon {
        width: SIZE,
        height: SIZE,
        data,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn icon_is_argb_with_a_transparent_corner_and_the_state_colour() {
        let icon = state_icon(true);
        assert_eq!(icon.data.len(), 32 * 32 * 4);
        assert_eq!(&icon.data[..4], &[0, 0, 0, 0]);
        let centre = ((16 * 32 + 16) * 4) as usize;
        assert_eq!(&icon.data[centre..centre + 4], &[0xff, 0x1f, 0x6f, 0x5c]);
        let red = state_icon(false);
        assert_eq!(&red.data[centre..centre + 4], &[0xff, 0xb3, 0x1b, 0x1b]);
    }
}
