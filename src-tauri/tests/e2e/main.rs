//! End-to-end tests of the desktop app: the real `vigie` service on loopback ports (temporary
//! folders, a local upstream DNS server started here), the real app binary in a real X server
//! (Xvfb), driven through tauri-driver and WebKitWebDriver. (The notifier's tests are in
//! `crates/notifier`.)
//! Nothing leaves 127.0.0.1. Tests whose tools are missing say so and skip.

mod console;
mod frontend;
mod util;
