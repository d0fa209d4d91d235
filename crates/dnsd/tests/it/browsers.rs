//! The browser policies `vigie install` writes, read by a real browser: Debian's Chromium, driven
//! through chromedriver, shows Vigie's policy on its own policy page (`chrome://policy`) as in
//! force. The browser runs in a mount namespace of its own in which the test's install root's
//! `/etc/chromium` stands in for the computer's, so the computer's own files are never touched.
//! Needs root (owners of the installed files, the mount namespace), `chromium` and
//! `chromium-driver`; CI installs both.

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
