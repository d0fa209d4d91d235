//! The child's notices: one `Notify` call per site per minute, with the words the child reads;
//! reconnection when the service restarts; silence when a parent turns notices off; French on a
//! French session; and the notifier's end with its session.

use std::path::PathBuf;
use std::time::Duration;

use crate::session::{self, Session};
use crate::util::{self, Vigie, Xvfb};

const TITLE: &str = "This site is blocked";

/// The service's binary and the session's tools, or why the test cannot run.
fn needs() -> Result<PathBuf, String> {
    let vigie = util::sibling_binary("vigie")?;
    session::needs(false)?;
    Ok(vigie)
}

#[test]
fn one_notification_per_site_per_minute_and_reconnects() {
    let vigie_bin = match needs() {
        Ok(x) => x,
        Err(reason) => return util::skip("notifier_notices", &reason),
    };
    let xvfb = Xvfb::start();
    let upstream = util::upstream();
    // A short merge window, so that two lookups two seconds apart are two attempts, and so two
    // notices from the service: the notifier must show only the first.
    let mut vigie = Vigie::start(
        vigie_bin,
        upstream.addr,
        Some("[journal]\nmerge-window-secs = 1\n"),
    );
    let session = Session::start(&xvfb.display, &vigie.runtime, "C.UTF-8", false);
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
    assert_eq!(session.notify_calls(), 1, "{log}");
    assert!(log.contains(TITLE), "{log}");
    assert!(
        log.contains("Omegle is blocked on this computer. If you need it, talk to a parent."),
        "{log}"
    );
    // dunst answered it: no error came back to the notifier.
    assert!(
        !session.out.lock().unwrap().contains("could not be shown"),
        "{}",
        session.out.lock().unwrap()
    );

    // The service restarts: the notifier reconnects by itself and shows the next site.
    vigie.stop();
    assert!(
        util::eventually(Duration::from_secs(10), || session
            .out
            .lock()
            .unwrap()
            .contains("the service went away")),
        "{}",
        session.out.lock().unwrap()
    );
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
    assert_eq!(session.notify_calls(), 2, "{log}");
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
    assert_eq!(session.notify_calls(), 2, "{}", session.monitor());
}

/// A child whose session speaks French reads the notice in French, addressed with "tu".
#[test]
fn a_french_session_gets_the_notice_in_french() {
    let vigie_bin = match needs() {
        Ok(x) => x,
        Err(reason) => return util::skip("notifier_notices_fr", &reason),
    };
    let xvfb = Xvfb::start();
    let upstream = util::upstream();
    let vigie = Vigie::start(vigie_bin, upstream.addr, None);
    let session = Session::start(&xvfb.display, &vigie.runtime, "fr_FR.UTF-8", false);
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

/// When the session's bus goes away (the session ended), the notifier stops rather than stay
/// behind, even though the service it listens to is still there.
#[test]
fn the_notifier_ends_with_its_session() {
    let vigie_bin = match needs() {
        Ok(x) => x,
        Err(reason) => return util::skip("notifier_session_end", &reason),
    };
    let xvfb = Xvfb::start();
    let upstream = util::upstream();
    let vigie = Vigie::start(vigie_bin, upstream.addr, None);
    let session = Session::start(&xvfb.display, &vigie.runtime, "C.UTF-8", false);
    assert!(
        session.listening(1),
        "the notifier never subscribed: {}",
        session.out.lock().unwrap()
    );
    let bus = session.bus_daemon_pid().expect("the session's dbus-daemon");
    util::signal(bus, "TERM");
    assert!(
        util::eventually(Duration::from_secs(10), || session.notifier_gone()),
        "the notifier outlived its session: {}",
        session.out.lock().unwrap()
    );
    let out = session.out.lock().unwrap().clone();
    assert!(out.contains("the session's bus closed; stopping"), "{out}");
}
