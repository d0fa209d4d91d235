//! Tests of `vigie-notifier` as a session meets it: the real `vigie` service on loopback ports
//! (temporary folders, a local upstream DNS server started here) and the real notifier binary
//! in a private D-Bus session bus, with a real notification server (dunst) and, for the tray, a
//! real StatusNotifierWatcher (`status-notifier-watcher`). What the notifier sends is read off
//! the bus. Nothing leaves 127.0.0.1. Tests whose tools are missing say so and skip.

mod notices;
mod session;
mod tray;
mod util;
