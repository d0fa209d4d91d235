//! A private desktop session for the notifier: `dbus-run-session` running a monitor of
//! `Notify` calls, dunst as the notification server, optionally `status-notifier-watcher` as the
//! panel's watcher, and `vigie-notifier`. Dropping it stops the processes it started, by their
//! ids; the bus ends with the session when the notifier exits.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::util;

/// The tools every session needs, or why they are missing.
pub(crate) fn needs(watcher: bool) -> Result<(), String> {
    let mut tools = vec![
        ("dbus-run-session", "dbus-daemon"),
        ("dbus-monitor", "dbus-bin"),
        ("dunst", "dunst"),
        ("Xvfb", "xvfb"),
    ];
    if watcher {
        tools.push((
            "status-notifier-watcher",
            "haskell-status-notifier-item-utils",
        ));
        tools.push(("busctl", "systemd"));
    }
    for (tool, package) in tools {
        if util::which(tool).is_none() {
            return Err(format!(
                "{tool} is not installed (apt-get install {package})"
            ));
        }
    }
    Ok(())
}

pub(crate) struct Session {
    child: Child,
    pids: PathBuf,
    monitor: PathBuf,
    address: PathBuf,
    notifier_pid: PathBuf,
    pub(crate) out: Arc<Mutex<String>>,
    _dir: tempfile::TempDir,
}

impl Session {
    /// `lang` is the session's `LANG`; the other locale variables are cleared, so the
    /// machine's own do not decide the language. With `watcher`, the session has a
    /// StatusNotifierWatcher, as under a panel that shows tray items.
    pub(crate) fn start(display: &str, runtime: &Path, lang: &str, watcher: bool) -> Session {
        let dir = tempfile::tempdir().unwrap();
        let path = |name: &str| dir.path().join(name);
        let (monitor, pids, address, notifier_pid) = (
            path("monitor.log"),
            path("pids"),
            path("address"),
            path("notifier.pid"),
        );
        let watcher = if watcher {
            "status-notifier-watcher >/dev/null 2>&1 & echo $! >> \"$PIDS\""
        } else {
            ""
        };
        let script = format!(
            "PIDS='{pids}'\n\
             echo \"$DBUS_SESSION_BUS_ADDRESS\" > '{address}'\n\
             dbus-monitor --session \"type='method_call',interface='org.freedesktop.Notifications',member='Notify'\" > '{monitor}' 2>&1 &\n\
             echo $! >> \"$PIDS\"\n\
             dunst >/dev/null 2>&1 & echo $! >> \"$PIDS\"\n\
             {watcher}\n\
             sleep 0.5\n\
             echo $$ > '{notifier_pid}'\n\
             exec '{bin}' --runtime-dir '{runtime}'",
            pids = pids.display(),
            address = address.display(),
            monitor = monitor.display(),
            notifier_pid = notifier_pid.display(),
            bin = util::notifier_binary().display(),
            runtime = runtime.display(),
        );
        let mut child = Command::new("dbus-run-session")
            .args(["--", "bash", "-c", &script])
            .env("LANG", lang)
            .env_remove("LANGUAGE")
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .env_remove("DBUS_SESSION_BUS_ADDRESS")
            // dunst shows the notices there; the notifier itself needs no display.
            .env("DISPLAY", display)
            .env_remove("WAYLAND_DISPLAY")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("dbus-run-session starts");
        let out = Arc::new(Mutex::new(String::new()));
        util::collect(child.stdout.take().unwrap(), out.clone());
        util::collect(child.stderr.take().unwrap(), out.clone());
        Session {
            child,
            pids,
            monitor,
            address,
            notifier_pid,
            out,
            _dir: dir,
        }
    }

    /// Waits until the notifier has subscribed `n` times in all.
    pub(crate) fn listening(&self, n: usize) -> bool {
        util::eventually(Duration::from_secs(30), || {
            self.out
                .lock()
                .unwrap()
                .matches("listening for notices")
                .count()
                >= n
        })
    }

    /// What the monitor saw.
    pub(crate) fn monitor(&self) -> String {
        std::fs::read_to_string(&self.monitor).unwrap_or_default()
    }

    /// How many `Notify` calls the monitor saw.
    pub(crate) fn notify_calls(&self) -> usize {
        self.monitor().matches("member=Notify").count()
    }

    /// Waits until the monitor has seen `n` Notify calls.
    pub(crate) fn notified(&self, n: usize) -> bool {
        util::eventually(Duration::from_secs(10), || self.notify_calls() >= n)
    }

    /// The notifier's process id.
    pub(crate) fn notifier_pid(&self) -> u32 {
        std::fs::read_to_string(&self.notifier_pid)
            .ok()
            .and_then(|s| s.trim().parse().ok())
            .expect("the notifier started")
    }

    /// The session's `dbus-daemon`, started by `dbus-run-session`.
    pub(crate) fn bus_daemon_pid(&self) -> Option<u32> {
        util::children(self.child.id()).into_iter().find(|c| {
            std::fs::read_to_string(format!("/proc/{c}/comm"))
                .is_ok_and(|n| n.trim() == "dbus-daemon")
        })
    }

    /// Whether the notifier's process is gone (exited, or exited and not yet reaped).
    pub(crate) fn notifier_gone(&self) -> bool {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.notifier_pid()));
        // The state is the field after the parenthesized command name.
        stat.map_or(true, |s| {
            s.rsplit_once(") ")
                .is_some_and(|(_, rest)| rest.starts_with('Z'))
        })
    }

    /// `busctl --json=short ARGS…` on the session's bus: its JSON answer, or the error.
    pub(crate) fn busctl(&self, args: &[&str]) -> Result<serde_json::Value, String> {
        let address = std::fs::read_to_string(&self.address).map_err(|e| e.to_string())?;
        let out = Command::new("busctl")
            .arg(format!("--address={}", address.trim()))
            .arg("--json=short")
            // Arguments such as `-1` are values, not options.
            .arg("--")
            .args(args)
            .output()
            .map_err(|e| e.to_string())?;
        if !out.status.success() {
            return Err(String::from_utf8_lossy(&out.stderr).into_owned());
        }
        if out.stdout.iter().all(u8::is_ascii_whitespace) {
            return Ok(serde_json::Value::Null); // a method that returns nothing
        }
        serde_json::from_slice(&out.stdout).map_err(|e| e.to_string())
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        let started = std::fs::read_to_string(&self.pids).unwrap_or_default();
        let notifier = std::fs::read_to_string(&self.notifier_pid).unwrap_or_default();
        for pid in started
            .split_whitespace()
            .chain(notifier.split_whitespace())
            .filter_map(|p| p.parse::<u32>().ok())
        {
            util::signal(pid, "TERM");
        }
        let gone = util::eventually(Duration::from_secs(5), || {
            matches!(self.child.try_wait(), Ok(Some(_)))
        });
        if !gone {
            util::terminate(&mut self.child);
        }
    }
}
