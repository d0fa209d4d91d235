//! The tray icon as a panel meets it: with a StatusNotifierWatcher on the bus, the notifier's
//! StatusNotifierItem is registered there, its tooltip and menu tell the protection state and
//! follow the service, and "Open console" starts the console.

use std::time::Duration;

use serde_json::Value;

use crate::session::{self, Session};
use crate::util::{self, Vigie, Xvfb};

/// The id of the dbusmenu item labelled `label` in a `GetLayout` answer.
fn menu_id(layout: &Value, label: &str) -> Option<i64> {
    match layout {
        // An item: [id, {properties}, [children]].
        Value::Array(a) => {
            if let [Value::Number(id), Value::Object(props), _] = a.as_slice()
                && props
                    .get("label")
                    .and_then(|l| l.get("data"))
                    .and_then(Value::as_str)
                    == Some(label)
            {
                return id.as_i64();
            }
            a.iter().find_map(|v| menu_id(v, label))
        }
        Value::Object(o) => o.values().find_map(|v| menu_id(v, label)),
        _ => None,
    }
}

#[test]
fn the_tray_item_is_registered_and_tells_the_protection_state() {
    let vigie_bin = match util::sibling_binary("vigie").and_then(|b| {
        session::needs(true)?;
        Ok(b)
    }) {
        Ok(x) => x,
        Err(reason) => return util::skip("notifier_tray", &reason),
    };
    let xvfb = Xvfb::start();
    let upstream = util::upstream();
    let mut vigie = Vigie::start(vigie_bin, upstream.addr, None);
    let session = Session::start(&xvfb.display, &vigie.runtime, "C.UTF-8", true);
    assert!(
        session.listening(1),
        "the notifier never subscribed: {}",
        session.out.lock().unwrap()
    );

    // The watcher lists the item under the notifier's name.
    let name = format!("org.kde.StatusNotifierItem-{}-1", session.notifier_pid());
    let registered = || {
        session.busctl(&[
            "get-property",
            "org.kde.StatusNotifierWatcher",
            "/StatusNotifierWatcher",
            "org.kde.StatusNotifierWatcher",
            "RegisteredStatusNotifierItems",
        ])
    };
    assert!(
        util::eventually(Duration::from_secs(10), || registered()
            .is_ok_and(|v| v.to_string().contains(&name))),
        "{name} not registered: {:?}\n{}",
        registered(),
        session.out.lock().unwrap()
    );

    // Its tooltip tells the state, and follows the service.
    let tooltip = || {
        session
            .busctl(&[
                "get-property",
                &name,
                "/StatusNotifierItem",
                "org.kde.StatusNotifierItem",
                "ToolTip",
            ])
            .map(|v| v.to_string())
            .unwrap_or_else(|e| e)
    };
    assert!(
        util::eventually(Duration::from_secs(10), || tooltip()
            .contains("Vigie — This computer is protected")),
        "{}",
        tooltip()
    );
    vigie.stop();
    assert!(
        util::eventually(Duration::from_secs(10), || tooltip()
            .contains("Vigie is not running: this computer is not protected")),
        "{}",
        tooltip()
    );
    vigie.restart();
    assert!(
        util::eventually(Duration::from_secs(10), || tooltip()
            .contains("This computer is protected")),
        "{}",
        tooltip()
    );

    // A parent's pause and its end reach the icon through the stream's status events: the
    // notifier reads the status on no timer.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut parent = vigie.client();
    rt.block_on(parent.setup("a parent's own password"))
        .unwrap();
    rt.block_on(parent.pause(5)).unwrap();
    assert!(
        util::eventually(Duration::from_secs(10), || tooltip()
            .contains("Vigie — Protection is paused by a parent")),
        "{}",
        tooltip()
    );
    rt.block_on(parent.resume()).unwrap();
    assert!(
        util::eventually(Duration::from_secs(10), || tooltip()
            .contains("This computer is protected")),
        "{}",
        tooltip()
    );

    // The menu: the state line, then "Open console", which starts the console for the same
    // service.
    let layout = session
        .busctl(&[
            "call",
            &name,
            "/MenuBar",
            "com.canonical.dbusmenu",
            "GetLayout",
            "iias",
            "0",
            "-1",
            "0",
        ])
        .expect("the menu's layout");
    assert!(
        menu_id(&layout, "This computer is protected").is_some(),
        "{layout}"
    );
    let open = menu_id(&layout, "Open console").expect("an Open console item");
    let console = match util::sibling_binary("vigie-app") {
        Ok(b) => b,
        Err(reason) => return util::skip("notifier_tray_open_console", &reason),
    };
    session
        .busctl(&[
            "call",
            &name,
            "/MenuBar",
            "com.canonical.dbusmenu",
            "Event",
            "isvu",
            &open.to_string(),
            "clicked",
            "s",
            "",
            "0",
        ])
        .expect("the click is delivered");
    let notifier = session.notifier_pid();
    let mut started = None;
    assert!(
        util::eventually(Duration::from_secs(10), || {
            started = util::children(notifier).into_iter().find(|c| {
                let cmdline = std::fs::read(format!("/proc/{c}/cmdline")).unwrap_or_default();
                let argv: Vec<_> = cmdline
                    .split(|b| *b == 0)
                    .map(String::from_utf8_lossy)
                    .collect();
                let runtime = vigie.runtime.display().to_string();
                argv.first().map(|a| a.as_ref()) == Some(&*console.display().to_string())
                    && argv
                        .windows(2)
                        .any(|w| w[0] == "--runtime-dir" && w[1] == runtime)
            });
            started.is_some()
        }),
        "no console started: {:?}\n{}",
        util::children(notifier)
            .iter()
            .map(|c| String::from_utf8_lossy(
                &std::fs::read(format!("/proc/{c}/cmdline")).unwrap_or_default()
            )
            .replace('\0', " "))
            .collect::<Vec<_>>(),
        session.out.lock().unwrap()
    );
    if let Some(pid) = started {
        util::signal(pid, "TERM");
    }
}
