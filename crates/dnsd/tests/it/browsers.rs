//! The browser policies `vigie install` writes, read by the real browsers Debian ships:
//! Chromium, driven through chromedriver, shows Vigie's policy on its own policy page
//! (`chrome://policy`) as in force; Firefox ESR's policy engine holds it, with the parent's own
//! policies kept, and its DNS-over-HTTPS preference is off and locked. Each browser runs in a
//! mount namespace of its own in which the test's install root stands in for the computer's
//! files, so the computer's own `/etc` is never touched. Needs root (owners of the installed
//! files, the mount namespace), `chromium`, `chromium-driver` and `firefox-esr`; CI installs them.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder};
use hyper_util::client::legacy::connect::HttpConnector;

use crate::install::{Seed, install, is_root, seeded_root};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// chromedriver in its own mount namespace, killed on drop.
struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Every text of the page, shadow roots included (the policy page draws its table inside
/// custom elements), joined by " | ".
const PAGE_TEXT: &str = "
    function walk(n, out) {
        if (n.shadowRoot) walk(n.shadowRoot, out);
        for (const c of n.childNodes) {
            if (c.nodeType === 3) { const t = c.textContent.trim(); if (t) out.push(t); }
            else walk(c, out);
        }
        return out;
    }
    return walk(document.body, []).join(' | ');
";

async fn connect(port: u16, profile: &Path) -> Client {
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "binary": CHROMIUM,
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu",
                     format!("--user-data-dir={}", profile.display())],
        }),
    );
    let url = format!("http://127.0.0.1:{port}");
    let start = Instant::now();
    loop {
        match ClientBuilder::new(HttpConnector::new())
            .capabilities(caps.clone())
            .connect(&url)
            .await
        {
            Ok(c) => return c,
            Err(e) => {
                assert!(
                    start.elapsed() < Duration::from_secs(30),
                    "chromedriver on {url} gave no session: {e}"
                );
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        }
    }
}

#[test]
fn chromium_shows_vigies_policy_in_force() {
    if !is_root() {
        vigie_testkit::skip(
            &format!("{}:{}", file!(), line!()),
            "the install writes root-owned files and the browser runs in a mount namespace, which needs root; CI runs as root",
        );
        return;
    }
    for (program, package) in [(CHROMIUM, "chromium"), (CHROMEDRIVER, "chromium-driver")] {
        if !Path::new(program).exists() {
            vigie_testkit::skip(
                &format!("{}:{}", file!(), line!()),
                &format!("{program} is not installed (apt-get install {package})"),
            );
            return;
        }
    }
    // Debian's Chromium package makes /etc/chromium; the namespace mounts the root's over it.
    if !Path::new("/etc/chromium").is_dir() {
        vigie_testkit::skip(
            &format!("{}:{}", file!(), line!()),
            "/etc/chromium is missing (reinstall the chromium package)",
        );
        return;
    }
    let dir = seeded_root(Seed::Plain);
    let root = dir.path();
    install(root, &[]);
    let profile = tempfile::tempdir().unwrap();
    let port = vigie_testkit::free_port();
    let _driver = Driver(
        Command::new("unshare")
            .args(["--mount", "--propagation", "private", "--", "sh", "-c"])
            .arg("mount --bind \"$1\" /etc/chromium && exec \"$2\" --port=\"$3\"")
            .args([
                "sh",
                &root.join("etc/chromium").display().to_string(),
                CHROMEDRIVER,
                &port.to_string(),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("unshare runs chromedriver"),
    );

    let rt = tokio::runtime::Runtime::new().unwrap();
    let text = rt.block_on(async {
        let c = connect(port, profile.path()).await;
        c.goto("chrome://policy")
            .await
            .expect("chrome://policy opens");
        let start = Instant::now();
        let text = loop {
            let text = c
                .execute(PAGE_TEXT, vec![])
                .await
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default();
            if text.contains("DnsOverHttpsMode") || start.elapsed() > Duration::from_secs(20) {
                break text;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        };
        let _ = c.close().await;
        text
    });
    // The row reads: name, value, source, scope, level, status.
    assert!(
        text.contains("DnsOverHttpsMode | off | Platform | Machine | Mandatory | OK"),
        "Chromium does not show Vigie's policy as in force; its policy page says: {}",
        &text[..text.len().min(2000)]
    );
}

const FIREFOX: &str = "/usr/bin/firefox-esr";

/// Firefox, headless in a mount namespace of its own, killed on drop.
struct Firefox(Child);

impl Drop for Firefox {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// One WebDriver BiDi exchange: sends `method` and returns the reply with the same id.
fn bidi(
    ws: &mut tungstenite::WebSocket<tungstenite::stream::MaybeTlsStream<std::net::TcpStream>>,
    id: u64,
    method: &str,
    params: serde_json::Value,
) -> serde_json::Value {
    let request = serde_json::json!({ "id": id, "method": method, "params": params });
    ws.send(tungstenite::Message::Text(request.to_string().into()))
        .expect("Firefox takes the command");
    loop {
        let message = ws.read().expect("Firefox answers");
        let Ok(text) = message.to_text() else {
            continue;
        };
        let reply: serde_json::Value = serde_json::from_str(text).expect("BiDi speaks JSON");
        if reply["id"] == id {
            assert_eq!(reply["type"], "success", "{method}: {reply}");
            return reply;
        }
    }
}

/// Debian's Firefox ESR reads `/etc/firefox/policies/policies.json`. The policy page
/// (`about:policies`) is out of a remote client's reach, so the test asks Firefox's own policy
/// service and preferences, in its parent process, through WebDriver BiDi (Firefox's built-in
/// remote protocol, `--remote-allow-system-access`): the policies in force, and the effect on the
/// DNS-over-HTTPS preference (mode 5, "off by choice", and locked).
#[test]
fn firefox_esr_puts_vigies_policy_in_force_and_keeps_the_parents() {
    if !is_root() {
        vigie_testkit::skip(
            &format!("{}:{}", file!(), line!()),
            "the install writes root-owned files and the browser runs in a mount namespace, which needs root; CI runs as root",
        );
        return;
    }
    if !Path::new(FIREFOX).exists() {
        vigie_testkit::skip(
            &format!("{}:{}", file!(), line!()),
            "firefox-esr is not installed (apt-get install firefox-esr)",
        );
        return;
    }
    // The seeded root has a Firefox policy of the parent's own (telemetry off, a home page).
    let dir = seeded_root(Seed::Plain);
    let root = dir.path();
    install(root, &[]);
    // Only the installed `firefox/` folder is laid over the computer's /etc, read-only, so the
    // browser finds everything else where it always is.
    let lower = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(lower.path().join("firefox/policies")).unwrap();
    std::fs::copy(
        root.join("etc/firefox/policies/policies.json"),
        lower.path().join("firefox/policies/policies.json"),
    )
    .unwrap();
    let profile = tempfile::tempdir().unwrap();
    let port = vigie_testkit::free_port();
    let _firefox = Firefox(
        Command::new("unshare")
            .args(["--mount", "--propagation", "private", "--", "sh", "-c"])
            .arg(
                "mount -t overlay overlay -o lowerdir=\"$1\":/etc /etc && exec \"$2\" --headless \
                 --no-remote --profile \"$3\" --remote-debugging-port \"$4\" --remote-allow-system-access",
            )
            .args([
                "sh",
                &lower.path().display().to_string(),
                FIREFOX,
                &profile.path().display().to_string(),
                &port.to_string(),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("unshare runs firefox-esr"),
    );

    let url = format!("ws://127.0.0.1:{port}/session");
    let start = Instant::now();
    let mut ws = loop {
        match tungstenite::connect(url.as_str()) {
            Ok((ws, _)) => break ws,
            Err(e) => {
                assert!(
                    start.elapsed() < Duration::from_secs(60),
                    "Firefox's remote agent never listened on {url}: {e}"
                );
                std::thread::sleep(Duration::from_millis(250));
            }
        }
    };
    bidi(
        &mut ws,
        1,
        "session.new",
        serde_json::json!({ "capabilities": {} }),
    );
    let tree = bidi(
        &mut ws,
        2,
        "browsingContext.getTree",
        serde_json::json!({ "moz:scope": "chrome" }),
    );
    let window = tree["result"]["contexts"][0]["context"].clone();
    let reply = bidi(
        &mut ws,
        3,
        "script.evaluate",
        serde_json::json!({
            "expression": "JSON.stringify({ status: Services.policies.status, \
                active: Services.policies.getActivePolicies(), \
                mode: Services.prefs.getIntPref('network.trr.mode'), \
                locked: Services.prefs.prefIsLocked('network.trr.mode') })",
            "target": { "context": window },
            "awaitPromise": false,
        }),
    );
    let found: serde_json::Value = serde_json::from_str(
        reply["result"]["result"]["value"]
            .as_str()
            .expect("the policy state, as text"),
    )
    .unwrap();
    // Services.policies.status: 1 is ACTIVE.
    assert_eq!(
        found["status"], 1,
        "Firefox's policy engine is not active: {found}"
    );
    assert_eq!(found["active"]["DNSOverHTTPS"]["Enabled"], false, "{found}");
    assert_eq!(found["active"]["DNSOverHTTPS"]["Locked"], true, "{found}");
    assert_eq!(
        found["active"]["DisableTelemetry"], true,
        "the parent's own policy was lost: {found}"
    );
    assert_eq!(found["mode"], 5, "DNS over HTTPS is not off: {found}");
    assert_eq!(
        found["locked"], true,
        "a user could turn DNS over HTTPS back on: {found}"
    );
}
