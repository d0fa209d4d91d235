//! The tray notifier in a private D-Bus session: one `Notify` call per site per minute, with
//! the words the child reads; reconnection when the service restarts; silence when a parent
//! turns notices off.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::util::{self, Upstream, Vigie, Xvfb};

const TITLE: &str = "This site is blocked";

fn notify_calls(log: &str) -> usize {
    log.matches("member=Notify").count()
}

/// `dbus-run-session` running a monitor, a notification server (dunst, when installed) and
/// `vigie-app --tray`. Dropping it stops the processes it started, by their ids.
struct Session {
    child: Child,
    pids: PathBuf,
    monitor: PathBuf,
    out: Arc<Mutex<String>>,
    _dir: tempfile::TempDir,
}

impl Session {
    /// `lang` is the session's `LANG`; the other locale variables are cleared, so the
    /// machine's own do not decide the language.
    fn start(display: &str, runtime: &std::path::Path, lang: &str) -> Session {
        let dir = tempfile::tempdir().unwrap();
        let monitor = dir.path().join("monitor.log");
        let pids = dir.path().join("pids");
        let server = if util::which("dunst").is_some() {
            "dunst >/dev/null 2>&1 & echo $! >> \"$PIDS\""
        } else {
            ""
        };
        let script = format!(
            "PIDS='{pids}'\n\
             dbus-monitor --session \"type='method_call',interface='org.freedesktop.Notifications',member='Notify'\" > '{monitor}' 2>&1 &\n\
             echo $! > \"$PIDS\"\n\
             {server}\n\
             sleep 0.5\n\
             echo $$ >> \"$PIDS\"\n\
             exec '{app}' --tray --runtime-dir '{runtime}'",
            pids = pids.display(),
            monitor = monitor.display(),
            app = util::app_binary().display(),
            runtime = runtime.display(),
        );
        let mut child = Command::new("dbus-run-session")
            .args(["--", "bash", "-c", &script])
            .env("DISPLAY", display)
            .env("LANG", lang)
            .env_remove("LANGUAGE")
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .env_remove("DBUS_SESSION_BUS_ADDRESS")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("dbus-run-session starts");
        let out = Arc::new(Mutex::new(String::new()));
        util::collect(child.stdout.take().unwrap(), out.clone());
        Session {
            child,
            pids,
            monitor,
            out,
            _dir: dir,
        }
    }

    /// Waits until the notifier has subscribed `n` times in all.
    fn listening(&self, n: usize) -> bool {
        util::eventually(Duration::from_secs(30), || {
            self.out
                .lock()
                .unwrap()
                .matches("listening for notices")
                .count()
                >= n
        })
    }

    fn monitor(&self) -> String {
        std::fs::read_to_string(&self.monitor).unwrap_or_default()
    }

    /// Waits until the monitor has seen `n` Notify calls.
    fn notified(&self, n: usize) -> bool {
        util::eventually(Duration::from_secs(10), || {
            notify_calls(&self.monitor()) >= n
        })
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        // The monitor, the notification server and the notifier; the bus ends with the session
        // when the notifier exits.
        let started = std::fs::read_to_string(&self.pids).unwrap_or_default();
        for pid in started
            .split_whitespace()
            .filter(|p| p.parse::<u32>().is_ok())
        {
            let _ = Command::new("kill").args(["-TERM", pid]).status();
        }
        let gone = util::eventually(Duration::from_secs(5), || {
            matches!(self.child.try_wait(), Ok(Some(_)))
        });
        if !gone {
            util::terminate(&mut self.child);
        }
    }
}

/// What every notifier test needs: the service's binary, the D-Bus tools and an X server.
fn needs() -> Result<(PathBuf, Xvfb), String> {
    let vigie_bin = util::vigie_binary()?;
    for tool in ["dbus-run-session", "dbus-monitor"] {
        if util::which(tool).is_none() {
            return Err(format!(
                "{tool} is not installed (apt-get install dbus-daemon dbus-bin)"
            ));
        }
    }
    Ok((vigie_bin, Xvfb::start()?))
}

#[test]
fn one_notification_per_site_per_minute_and_reconnects() {
    let (vigie_bin, xvfb) = match needs() {
        Ok(x) => x,
        Err(reason) => return util::skip("notifier", &reason),
    };
    let upstream = Upstream::start();
    // A short merge window, so that two lookups two seconds apart are two attempts, and so two
    // notices from the service: the notifier must show only the first.
    let mut vigie = Vigie::start(
        vigie_bin,
        upstream.addr,
        Some("[journal]\nmerge-window-secs = 1\n"),
    );
    let session = Session::start(&xvfb.display, &vigie.runtime, "C.UTF-8");
    assert!(
        session.listening(1),
        "the notifier never subscribed: {}",
        session.out.lock().unwrap()
    );

    // Two attempts at the same site, two seconds apart: the service sends two notices...
    let rt = tokio::runtime::Runtime::new().unwrap();
    let mut notices = rt
        .block_on(vigie.client().notices())
        .expect("notice stream");
    util::query_a(vigie.dns, "www.omegle.com");
    std::thread::sleep(Duration::from_secs(2));
    util::query_a(vigie.dns, "chat.omegle.com");
    for _ in 0..2 {
        let n = rt
            .block_on(async { tokio::time::timeout(Duration::from_secs(10), notices.next()).await })
            .expect("a notice within 10 s")
            .expect("the stream stays open")
            .unwrap();
        assert_eq!(n.site, "Omegle");
    }
    drop(notices);
    // ...and the notifier shows exactly one, in the child's words.
    assert!(
        session.notified(1),
        "no Notify call:\n{}",
        session.monitor()
    );
    std::thread::sleep(Duration::from_secs(2));
    let log = session.monitor();
    assert_eq!(notify_calls(&log), 1, "{log}");
    assert!(log.contains(TITLE), "{log}");
    assert!(
        log.contains("Omegle is blocked on this computer. If you need it, talk to a parent."),
        "{log}"
    );

    // The service restarts: the notifier reconnects by itself and shows the next site.
    vigie.stop();
    vigie.restart();
    assert!(
        session.listening(2),
        "no reconnection: {}",
        session.out.lock().unwrap()
    );
    util::query_a(vigie.dns, "chatroulette.com");
    assert!(
        session.notified(2),
        "no notice after the restart:\n{}",
        session.monitor()
    );
    let log = session.monitor();
    assert_eq!(notify_calls(&log), 2, "{log}");
    assert!(
        log.contains("Chatroulette is blocked on this computer."),
        "{log}"
    );

    // A parent turns notices off: the attempt is journaled, nothing is shown.
    let mut parent = vigie.client();
    rt.block_on(parent.setup("correct horse battery staple"))
        .expect("first-run password");
    let v = rt.block_on(parent.settings()).unwrap();
    let mut settings = v.value;
    settings.notices.enabled = false;
    rt.block_on(parent.put_settings(&settings, &v.etag))
        .expect("settings saved");
    util::query_a(vigie.dns, "bazoocam.org");
    assert!(util::eventually(Duration::from_secs(10), || {
        let page = rt.block_on(parent.attempts(&Default::default())).unwrap();
        page.entries.iter().any(|a| a.site == "Bazoocam")
    }));
    std::thread::sleep(Duration::from_secs(2));
    let log = session.monitor();
    assert_eq!(notify_calls(&log), 2, "{log}");
    drop(session);
    drop(xvfb);
}

/// A child whose session speaks French reads the notice in French, addressed with "tu".
#[test]
fn a_french_session_gets_the_notice_in_french() {
    let (vigie_bin, xvfb) = match needs() {
        Ok(x) => x,
        Err(reason) => return util::skip("notifier_fr", &reason),
    };
    let upstream = Upstream::start();
    let vigie = Vigie::start(vigie_bin, upstream.addr, None);
    let session = Session::start(&xvfb.display, &vigie.runtime, "fr_FR.UTF-8");
    assert!(
        session.listening(1),
        "the notifier never subscribed: {}",
        session.out.lock().unwrap()
    );
    util::query_a(vigie.dns, "www.omegle.com");
    assert!(
        session.notified(1),
        "no Notify call:\n{}",
        session.monitor()
    );
    let log = session.monitor();
    assert!(log.contains("Ce site est bloqué"), "{log}");
    assert!(
        log.contains(
            "Omegle est bloqué sur cet ordinateur. Si tu en as besoin, parles-en à un parent."
        ),
        "{log}"
    );
    assert!(!log.contains(TITLE), "no English: {log}");
}
