//! The tray notifier in a private D-Bus session: one `Notify` call per site per minute, with
//! the words the child reads, and reconnection when the service restarts.

use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::util::{self, Upstream, Vigie, Xvfb};

const TITLE: &str = "This site is blocked";

fn notify_calls(log: &str) -> usize {
    log.matches("member=Notify").count()
}

#[test]
fn one_notification_per_site_per_minute_and_reconnects() {
    let vigie_bin = match util::vigie_binary() {
        Ok(b) => b,
        Err(reason) => return util::skip("notifier", &reason),
    };
    for tool in ["dbus-run-session", "dbus-monitor"] {
        if util::which(tool).is_none() {
            return util::skip(
                "notifier",
                &format!("{tool} is not installed (apt-get install dbus-x11)"),
            );
        }
    }
    let xvfb = match Xvfb::start() {
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
    let dir = tempfile::tempdir().unwrap();
    let monitor = dir.path().join("monitor.log");
    // dunst, when installed, draws the notifications (and answers Notify like a desktop would).
    let server = if util::which("dunst").is_some() {
        "dunst >/dev/null 2>&1 & echo $! >> \"$PIDS\""
    } else {
        ""
    };
    let pids = dir.path().join("pids");
    let script = format!(
        "dbus-monitor --session \"type='method_call',interface='org.freedesktop.Notifications',member='Notify'\" > '{}' 2>&1 &\n\
         PIDS='{pids}'\n\
         echo $! > \"$PIDS\"\n\
         {server}\n\
         sleep 0.5\n\
         echo $$ >> \"$PIDS\"\n\
         exec '{}' --tray --runtime-dir '{}'",
        monitor.display(),
        util::app_binary().display(),
        vigie.runtime.display(),
        pids = pids.display(),
    );
    let mut session = Command::new("dbus-run-session")
        .args(["--", "bash", "-c", &script])
        .env("DISPLAY", &xvfb.display)
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("dbus-run-session starts");
    let pids = pids.display().to_string();
    let out = Arc::new(Mutex::new(String::new()));
    util::collect(session.stdout.take().unwrap(), out.clone());
    let listening = |n: usize| {
        util::eventually(Duration::from_secs(30), || {
            out.lock().unwrap().matches("listening for notices").count() >= n
        })
    };
    let stop_session = |session: &mut std::process::Child| {
        // The notifier and the monitor this test started, by their ids; the bus ends with the
        // session when the notifier exits.
        let started = std::fs::read_to_string(&pids).unwrap_or_default();
        for pid in started
            .split_whitespace()
            .filter(|p| p.parse::<u32>().is_ok())
        {
            let _ = Command::new("kill").args(["-TERM", pid]).status();
        }
        let gone = util::eventually(Duration::from_secs(5), || {
            matches!(session.try_wait(), Ok(Some(_)))
        });
        if !gone {
            util::terminate(session);
        }
    };
    if !listening(1) {
        stop_session(&mut session);
        panic!("the notifier never subscribed: {}", out.lock().unwrap());
    }

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
    // ...and the notifier shows exactly one.
    let read = || std::fs::read_to_string(&monitor).unwrap_or_default();
    assert!(
        util::eventually(Duration::from_secs(10), || notify_calls(&read()) >= 1),
        "no Notify call seen:\n{}",
        read()
    );
    std::thread::sleep(Duration::from_secs(2));
    let log = read();
    assert_eq!(notify_calls(&log), 1, "{log}");
    assert!(log.contains(TITLE), "{log}");
    assert!(
        log.contains("Omegle is blocked on this computer. If you need it, talk to a parent."),
        "{log}"
    );

    // The service restarts: the notifier reconnects by itself and shows the next site.
    drop(notices);
    vigie.stop();
    vigie.restart();
    let reconnected = listening(2);
    if reconnected {
        util::query_a(vigie.dns, "chatroulette.com");
    }
    let shown = util::eventually(Duration::from_secs(10), || notify_calls(&read()) >= 2);
    stop_session(&mut session);
    assert!(reconnected, "no reconnection: {}", out.lock().unwrap());
    assert!(shown, "no notice after the restart:\n{}", read());
    let log = read();
    assert_eq!(notify_calls(&log), 2, "{log}");
    assert!(
        log.contains("Chatroulette is blocked on this computer."),
        "{log}"
    );
    drop(xvfb);
}
