//! The parent's console driven through WebDriver against the real service: first run, lock and
//! unlock, paste-anything add, a blocked lookup in Activity and Overview, a shipped list off and
//! on, Vigie's own signed feed and a list feed served from 127.0.0.1 (on/off, a mirror, a feed
//! added, listed with its domains, failing with its reason, removed), a setting changed, the service-down banner and recovery. A screenshot of each screen goes
//! to `target/screenshots/`. The same console once more in a French session, where every
//! screen speaks French (screenshots in `target/screenshots/fr/`).

use std::net::Ipv4Addr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use hickory_proto::op::ResponseCode;
use hyper_util::client::legacy::connect::HttpConnector;

use crate::util::{self, ListServer, UPSTREAM_A, Vigie, Xvfb};

const PASSWORD: &str = "correct horse battery staple";
const BLOCK_ADDRESS: Ipv4Addr = Ipv4Addr::new(127, 0, 0, 88);
const WAIT: Duration = Duration::from_secs(20);

/// tauri-driver with WebKitWebDriver behind it, stopped with SIGTERM (SIGKILL would leave
/// WebKitWebDriver holding its port).
struct Driver {
    child: Child,
    port: u16,
    _log: Arc<Mutex<String>>,
}

impl Driver {
    /// `lang`: the `LANG` of the app's session (tauri-driver passes its environment on to
    /// WebKitWebDriver, which starts the app with it); `None` keeps the test's own.
    fn start(
        display: &str,
        runtime: &std::path::Path,
        xdg_config: &std::path::Path,
        lang: Option<&str>,
    ) -> Result<Driver, String> {
        let driver = util::which("tauri-driver").ok_or(
            "tauri-driver is not installed (cargo install tauri-driver --version '^2' --locked)",
        )?;
        let native = util::which("WebKitWebDriver")
            .ok_or("WebKitWebDriver is not installed (apt-get install webkit2gtk-driver)")?;
        let port = util::free_port();
        let native_port = util::free_port();
        let mut command = Command::new(driver);
        if let Some(lang) = lang {
            command
                .env("LANG", lang)
                .env_remove("LANGUAGE")
                .env_remove("LC_ALL")
                .env_remove("LC_MESSAGES");
        }
        let mut child = command
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &native_port.to_string(),
            ])
            .arg("--native-driver")
            .arg(native)
            .env("DISPLAY", display)
            .env("VIGIE_RUNTIME_DIR", runtime)
            .env("XDG_CONFIG_HOME", xdg_config)
            .env_remove("DBUS_SESSION_BUS_ADDRESS")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("tauri-driver did not start: {e}"))?;
        let log = Arc::new(Mutex::new(String::new()));
        util::collect(child.stderr.take().unwrap(), log.clone());
        Ok(Driver {
            child,
            port,
            _log: log,
        })
    }

    async fn connect(&self) -> Client {
        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), "wry".into());
        caps.insert(
            "tauri:options".into(),
            serde_json::json!({ "application": util::app_binary() }),
        );
        let url = format!("http://127.0.0.1:{}", self.port);
        let start = Instant::now();
        loop {
            match ClientBuilder::new(HttpConnector::new())
                .capabilities(caps.clone())
                .connect(&url)
                .await
            {
                Ok(c) => return c,
                Err(e) if start.elapsed() < Duration::from_secs(30) => {
                    let _ = e;
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
                Err(e) => panic!("no WebDriver session: {e}"),
            }
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        util::terminate(&mut self.child);
    }
}

/// The window and where screenshots go.
struct Window {
    c: Client,
    shots: PathBuf,
}

impl Window {
    async fn find(&self, css: &str) -> fantoccini::elements::Element {
        let start = Instant::now();
        loop {
            if let Ok(e) = self.c.find(Locator::Css(css)).await {
                return e;
            }
            assert!(
                start.elapsed() < WAIT,
                "{css} never appeared\n{}",
                self.text("body").await
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    async fn text(&self, css: &str) -> String {
        match self.c.find(Locator::Css(css)).await {
            Ok(e) => e.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        }
    }

    /// Waits until the element's text contains `want`; returns the text.
    async fn wait_text(&self, css: &str, want: &str) -> String {
        let start = Instant::now();
        loop {
            let t = self.text(css).await;
            if t.contains(want) {
                return t;
            }
            assert!(
                start.elapsed() < WAIT,
                "{css} never said {want:?}; it says {t:?}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    async fn js_bool(&self, script: &str) -> bool {
        self.c
            .execute(script, vec![])
            .await
            .map(|v| v.as_bool() == Some(true))
            .unwrap_or(false)
    }

    async fn wait_js(&self, script: &str, what: &str) {
        let start = Instant::now();
        while !self.js_bool(script).await {
            assert!(
                start.elapsed() < WAIT,
                "never: {what}\n{}",
                self.text("body").await
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Clicks `css`, found again if a screen drew itself anew between the find and the click
    /// (the element is then stale), for up to 5 s.
    async fn click(&self, css: &str) {
        let start = Instant::now();
        loop {
            match self.find(css).await.click().await {
                Ok(()) => return,
                Err(e) if start.elapsed() < Duration::from_secs(5) => {
                    eprintln!("click {css} again: {e}");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                Err(e) => panic!("click {css}: {e}"),
            }
        }
    }

    async fn type_into(&self, css: &str, text: &str) {
        let e = self.find(css).await;
        e.clear().await.unwrap();
        e.send_keys(text).await.unwrap();
    }

    async fn screen(&self, nav: &str) {
        self.wait_js(
            "return document.getElementById('console')?.hidden === false",
            "the console is unlocked",
        )
        .await;
        self.click(&format!("#nav-{nav}")).await;
        self.wait_js(
            &format!("return document.querySelector('#view-{nav}')?.dataset.ready === 'true'"),
            &format!("the {nav} screen loads"),
        )
        .await;
    }

    async fn shot(&self, name: &str) {
        // A screenshot can lag the DOM by a frame.
        tokio::time::sleep(Duration::from_millis(400)).await;
        let png = self.c.screenshot().await.expect("a screenshot");
        std::fs::create_dir_all(&self.shots).unwrap();
        std::fs::write(self.shots.join(format!("{name}.png")), png).unwrap();
    }
}

/// One console at a time: two apps driven at once share the web view's data folders and
/// disturb each other's WebDriver sessions.
static ONE_CONSOLE: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn blocked(v: &Vigie, name: &str) -> bool {
    util::query_a(v.dns, name).1 == vec![BLOCK_ADDRESS]
}

/// Waits until a lookup of `name` is blocked (`true`) or answered by the upstream (`false`):
/// a feed's list applies through a reload in the background.
async fn wait_blocked(v: &Vigie, name: &str, want: bool) {
    let start = Instant::now();
    while blocked(v, name) != want {
        assert!(
            start.elapsed() < WAIT,
            "{name} never became {}",
            if want { "blocked" } else { "allowed" }
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// What the feeds part of the Sites screen says, in the session's language.
struct FeedWords {
    not_an_address: &'static str,
    from_host: &'static str,
    added: &'static str,
    three_domains: &'static str,
    up_to_date: &'static str,
    updated: &'static str,
    already: &'static str,
    turned_off: &'static str,
    confirm: &'static str,
    empty: &'static str,
    unreachable: &'static str,
    failing_state: &'static str,
    overview_failing: &'static str,
}

const FEED_LIST: &str =
    "# a tiny community list\nfeed-chat-one.test\nfeed-chat-two.test\nfeed-chat-three.test\n";

/// List feeds on the Sites screen against a list served from 127.0.0.1 (`/community.txt`):
/// an address refused before sending, the feed added and listed with its host and domain count
/// once the service downloaded it (and its names blocked), a feed whose server is gone failing
/// with the reason in words (on the Overview too), the service's 409 said inline, off (its
/// names open), then removed after the confirmation (gone from `settings.toml`).
async fn list_feeds_on_the_sites_screen(
    w: &Window,
    vigie: &Vigie,
    server: &ListServer,
    words: &FeedWords,
) {
    let url = server.url("/community.txt");
    w.screen("sites").await;
    w.type_into("#feed-url", "example.org/list.txt").await;
    w.wait_text("#feed-url-preview", words.not_an_address).await;
    w.type_into("#feed-url", &url).await;
    w.wait_text("#feed-url-preview", words.from_host).await;
    w.click("#feed-add").await;
    w.wait_text("#feed-message", words.added).await;
    let row = w.find("li.feed[data-state='ok']").await;
    let id = row
        .attr("data-feed")
        .await
        .unwrap()
        .expect("a row names its subscription");
    let sel = format!("li.feed[data-feed='{id}']");
    w.wait_text(&format!("{sel} .feed-host"), "127.0.0.1").await;
    w.wait_text(&format!("{sel} .feed-domains"), words.three_domains)
        .await;
    w.wait_text(&format!("{sel} .feed-state"), words.up_to_date)
        .await;
    w.wait_text(&format!("{sel} .feed-line"), words.updated)
        .await;
    assert!(
        server.served.load(std::sync::atomic::Ordering::Relaxed) >= 1,
        "the service downloaded the list from the test's server"
    );
    wait_blocked(vigie, "www.feed-chat-two.test", true).await;
    let settings = std::fs::read_to_string(vigie.config.join("settings.toml")).unwrap();
    assert!(settings.contains(&url), "{settings}");

    // A feed whose server is gone: failing, with the reason in words, and the Overview says so.
    let gone = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}/gone.txt", l.local_addr().unwrap())
    };
    w.type_into("#feed-url", &gone).await;
    w.type_into("#feed-name", "Gone list").await;
    w.click("#feed-add").await;
    let failing = w.find("li.feed[data-state='failing']").await;
    let failing_id = failing.attr("data-feed").await.unwrap().unwrap();
    let failing_sel = format!("li.feed[data-feed='{failing_id}']");
    w.wait_text(&format!("{failing_sel} .feed-error"), words.unreachable)
        .await;
    w.wait_text(&format!("{failing_sel} .feed-state"), words.failing_state)
        .await;
    w.screen("overview").await;
    w.wait_text("#coverage-feeds", words.overview_failing).await;
    w.wait_text("#coverage-feeds", "Gone list").await;
    w.screen("sites").await;

    // The same address again: the service's refusal, in the console's language, under the form.
    w.type_into("#feed-url", &url).await;
    w.click("#feed-add").await;
    w.wait_text("#feed-message", words.already).await;
    w.c.execute(
        "document.getElementById('feeds-card').scrollIntoView()",
        vec![],
    )
    .await
    .unwrap();
    w.shot("sites-feeds").await;
    w.click(&format!("#feed-remove-{failing_id}")).await;
    w.click(&format!("#feed-remove-yes-{failing_id}")).await;
    w.wait_js(
        &format!("return document.querySelector(\"{failing_sel}\") === null"),
        "the failing feed is removed",
    )
    .await;

    // Off: its names open; the row says so.
    w.click(&format!("#feed-toggle-{id}")).await;
    w.find(&format!("li.feed[data-feed='{id}'][data-state='off']"))
        .await;
    w.wait_text("#toast", words.turned_off).await;
    wait_blocked(vigie, "www.feed-chat-two.test", false).await;

    // Remove asks first; confirmed, the feed is gone from the screen and the settings.
    w.click(&format!("#feed-remove-{id}")).await;
    w.wait_text(&format!("{sel} .actions.confirm"), words.confirm)
        .await;
    w.click(&format!("#feed-remove-yes-{id}")).await;
    w.wait_text("#feeds", words.empty).await;
    let settings = std::fs::read_to_string(vigie.config.join("settings.toml")).unwrap();
    assert!(!settings.contains(&url), "{settings}");
}

/// Vigie's own feed as the project publishes it, made with the real `vigie feed` commands: a key
/// pair of this test's own, the shipped `stranger-chat` list built into a feed (its sequence
/// above the shipped one) and signed. Returns the folder, the public key, the body and the
/// signature.
fn signed_feed(vigie: &Path) -> (tempfile::TempDir, PathBuf, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let secret = dir.path().join("feed.key");
    let public = dir.path().join("feed.pub");
    let body = dir.path().join("stranger-chat.toml");
    let list = Path::new(env!("CARGO_MANIFEST_DIR")).join("../blocklists/stranger-chat.toml");
    let run = |args: &[&std::ffi::OsStr]| {
        let out = Command::new(vigie)
            .arg("feed")
            .args(args)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "vigie feed {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    run(&[
        "keygen".as_ref(),
        "--no-password".as_ref(),
        "--secret".as_ref(),
        secret.as_os_str(),
        "--public".as_ref(),
        public.as_os_str(),
    ]);
    run(&[
        "build".as_ref(),
        list.as_os_str(),
        "-o".as_ref(),
        body.as_os_str(),
    ]);
    run(&[
        "sign".as_ref(),
        "--secret".as_ref(),
        secret.as_os_str(),
        body.as_os_str(),
    ]);
    let text = std::fs::read_to_string(&body).unwrap();
    let signature = std::fs::read_to_string(body.with_extension("toml.minisig")).unwrap();
    (dir, public, text, signature)
}

/// Vigie's own feed on the Sites screen, served signed from 127.0.0.1: its newer list number in
/// force, off and on again (kept in `settings.toml`), a mirror that answers 404 (the reason in
/// words, on the Overview too), and back to the built-in address.
async fn vigies_own_feed_on_the_sites_screen(w: &Window, vigie: &Vigie, server: &ListServer) {
    let settings = || std::fs::read_to_string(vigie.config.join("settings.toml")).unwrap();
    w.screen("sites").await;
    w.wait_text("#vigie-feed-state", "On, checked").await;
    w.wait_text(
        "#vigie-feed-state",
        "newer than the one this version came with",
    )
    .await;
    w.click("#vigie-feed-toggle").await;
    w.wait_text("#vigie-feed-message", "Updates of Vigie's list are off")
        .await;
    w.wait_text(
        "#vigie-feed-state",
        "Off: the list that came with this version of Vigie stays in force",
    )
    .await;
    let text = settings();
    assert!(
        text.contains("[feed]") && text.contains("enabled = false"),
        "{text}"
    );
    w.click("#vigie-feed-toggle").await;
    w.wait_text("#vigie-feed-message", "Updates of Vigie's list are on")
        .await;

    // A mirror that has no copy: the check fails and says why.
    let mirror = server.url("/mirror/stranger-chat.toml");
    w.click("#vigie-feed-advanced summary").await;
    w.type_into("#vigie-feed-mirror", &mirror).await;
    w.click("#vigie-feed-mirror-save").await;
    w.wait_text("#vigie-feed-message", "now downloads from 127.0.0.1")
        .await;
    w.wait_text("#vigie-feed-url", "/mirror/stranger-chat.toml")
        .await;
    w.wait_text(
        "#vigie-feed-state",
        "On, but its last check failed: the server answered 404",
    )
    .await;
    assert!(settings().contains(&mirror), "{}", settings());
    w.c.execute(
        "document.getElementById('vigie-feed').scrollIntoView()",
        vec![],
    )
    .await
    .unwrap();
    w.shot("sites-vigie-feed").await;
    w.screen("overview").await;
    w.wait_text(
        "#coverage-vigie-feed",
        "Vigie's own list feed failed at its last check: the server answered 404",
    )
    .await;

    // Back to the built-in address: the mirror is forgotten and the check works again.
    w.screen("sites").await;
    w.click("#vigie-feed-advanced summary").await;
    w.click("#vigie-feed-builtin").await;
    w.wait_text("#vigie-feed-message", "built-in address again")
        .await;
    w.wait_text("#vigie-feed-state", "On, checked").await;
    assert!(!settings().contains("/mirror/"), "{}", settings());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_parent_uses_the_console_against_the_real_service() {
    let _one = ONE_CONSOLE.lock().await;
    let vigie_bin = match util::vigie_binary() {
        Ok(b) => b,
        Err(reason) => return util::skip("console", &reason),
    };
    let xvfb = match Xvfb::start() {
        Ok(x) => x,
        Err(reason) => return util::skip("console", &reason),
    };
    let upstream = util::upstream();
    // The remote side of the list feeds: a community list and Vigie's own feed, signed.
    let (_keys, public_key, feed_body, feed_signature) = signed_feed(&vigie_bin);
    let server = ListServer::start(vec![
        ("/community.txt", FEED_LIST.to_string()),
        ("/stranger-chat.toml", feed_body),
        ("/stranger-chat.toml.minisig", feed_signature),
    ]);
    // One account is a parent without the password: Settings must name it.
    let mut vigie = Vigie::start_with(
        vigie_bin,
        upstream.addr,
        Some("[parents]\nuids = [65534]\n"),
        &[
            "--feed-url".into(),
            server.url("/stranger-chat.toml"),
            "--feed-public-key".into(),
            public_key.display().to_string(),
        ],
    );
    // The app saves CSV exports in the Downloads folder named by the desktop's user-dirs file.
    let home = tempfile::tempdir().unwrap();
    let downloads = home.path().join("Downloads");
    let xdg = home.path().join("config");
    std::fs::create_dir_all(&xdg).unwrap();
    std::fs::write(
        xdg.join("user-dirs.dirs"),
        format!("XDG_DOWNLOAD_DIR=\"{}\"\n", downloads.display()),
    )
    .unwrap();
    let driver = match Driver::start(&xvfb.display, &vigie.runtime, &xdg, None) {
        Ok(d) => d,
        Err(reason) => return util::skip("console", &reason),
    };
    let w = Window {
        c: driver.connect().await,
        shots: util::target_dir().join("screenshots"),
    };

    // First run: the password with its confirmation.
    w.find("#new-password").await;
    w.shot("first-run").await;
    w.type_into("#new-password", "short").await;
    w.wait_text("#strength", "Too short").await;
    w.type_into("#new-password", PASSWORD).await;
    w.wait_text("#strength", "Strong").await;
    w.type_into("#confirm-password", "correct horse battery stapler")
        .await;
    w.click("#set-password").await;
    w.wait_text("#lock-error", "not the same").await;
    w.type_into("#confirm-password", PASSWORD).await;
    w.click("#set-password").await;
    w.wait_js(
        "return document.querySelector('#view-overview')?.dataset.ready === 'true'",
        "the overview after setup",
    )
    .await;
    assert!(
        std::fs::read_to_string(vigie.config.parent().unwrap().join("data/parent-password"))
            .unwrap()
            .starts_with("$argon2id$"),
        "the service stored an argon2id hash"
    );

    // Lock now, a wrong password, then unlock.
    w.click("#lock-now").await;
    w.find("#password").await;
    w.shot("lock").await;
    assert!(
        vigie.client().lists().await.is_err(),
        "no parent session without the password"
    );
    w.type_into("#password", "not the password").await;
    w.click("#unlock").await;
    w.wait_text("#lock-error", "not the parent password").await;
    w.type_into("#password", PASSWORD).await;
    w.click("#unlock").await;
    w.find("#nav-sites").await;

    // Paste anything: the normalized domain shows before saving, then it is saved.
    w.screen("sites").await;
    assert!(
        !blocked(&vigie, "www.example-chat.test"),
        "not blocked before"
    );
    w.type_into("#site-input", "1.2.3.4").await;
    w.wait_text("#site-preview", "IP address").await;
    assert!(!w.find("#site-add").await.is_enabled().await.unwrap());
    w.type_into("#site-input", "https://www.Example-Chat.test/room")
        .await;
    w.wait_text("#site-preview", "Becomes example-chat.test")
        .await;
    w.shot("sites-preview").await;
    w.click("#site-add").await;
    w.wait_text("#site-message", "Saved: example-chat.test")
        .await;
    w.find("#my-sites li[data-domain='example-chat.test']")
        .await;
    let file = std::fs::read_to_string(vigie.config.join("lists/my-sites.toml")).unwrap();
    assert!(file.contains("example-chat.test"), "{file}");

    // Someone else changes the same list meanwhile: the save is refused with a message and the
    // list reloads; saving again then works.
    let mut other = vigie.client();
    other
        .login(PASSWORD)
        .await
        .expect("a second parent session");
    other.add_site("other-chat.test", None, None).await.unwrap();
    w.type_into("#site-input", "third-chat.test").await;
    w.wait_text("#site-preview", "Becomes third-chat.test")
        .await;
    w.click("#site-add").await;
    w.wait_text("#site-message", "changed elsewhere").await;
    w.find("#my-sites li[data-domain='other-chat.test']").await;
    w.click("#site-add").await;
    w.wait_text("#site-message", "Saved: third-chat.test").await;

    // Test a name.
    w.type_into("#test-input", "www.omegle.com").await;
    w.click("#test-button").await;
    w.wait_text("#test-result", "Blocked").await;
    w.shot("sites").await;

    // The DNS answer is blocked, and the attempt shows in Activity and Overview.
    assert!(
        blocked(&vigie, "www.example-chat.test"),
        "blocked after the save"
    );
    w.screen("activity").await;
    w.find("#attempts tr[data-name='www.example-chat.test']")
        .await;
    w.shot("activity").await;
    w.click("#export").await;
    let said = w
        .wait_text("#activity-message", "Saved every matching attempt to")
        .await;
    let csv = std::fs::read_dir(&downloads)
        .expect("the Downloads folder was made")
        .filter_map(Result::ok)
        .find(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("vigie-attempts-")
        })
        .unwrap_or_else(|| panic!("no export in {}: {said}", downloads.display()));
    let csv = std::fs::read_to_string(csv.path()).unwrap();
    assert!(csv.contains("www.example-chat.test"), "{csv}");
    w.find("#site-filter")
        .await
        .select_by_value("example-chat.test")
        .await
        .unwrap();
    w.find("#attempts tr[data-name='www.example-chat.test']")
        .await;
    // The lookup came from this test's own socket: its account is in the filter, and "this
    // computer" (account unknown) has nothing.
    let me = {
        use std::os::unix::fs::MetadataExt;
        std::fs::metadata("/proc/self").unwrap().uid().to_string()
    };
    w.find("#account-filter")
        .await
        .select_by_value(&me)
        .await
        .unwrap();
    w.find("#attempts tr[data-name='www.example-chat.test']")
        .await;
    w.find("#account-filter")
        .await
        .select_by_value("this-computer")
        .await
        .unwrap();
    w.wait_text("#attempts", "No attempts match").await;
    w.find("#account-filter")
        .await
        .select_by_value("")
        .await
        .unwrap();
    w.find("#attempts tr[data-name='www.example-chat.test']")
        .await;
    w.type_into("#q", "omegle").await;
    w.wait_text("#attempts", "No attempts match").await;
    // The journal writes in the background: look again until the count is there.
    let start = Instant::now();
    loop {
        w.screen("overview").await;
        let today = w.text("#attempts-today").await;
        if today == "1" {
            break;
        }
        assert!(start.elapsed() < WAIT, "attempts today: {today:?}");
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    w.wait_text("#top-sites", "example-chat.test").await;
    w.shot("overview").await;

    // A shipped list off: its names resolve; on again: blocked again.
    assert!(blocked(&vigie, "www.omegle.com"));
    w.screen("sites").await;
    w.click("#list-toggle-stranger-chat").await;
    w.wait_text("#toast", "Omegle and clones is off").await;
    assert_eq!(
        util::query_a(vigie.dns, "www.omegle.com").1,
        vec![UPSTREAM_A]
    );
    w.click("#list-toggle-stranger-chat").await;
    w.wait_text("#toast", "Omegle and clones is on").await;
    assert!(blocked(&vigie, "www.omegle.com"));

    vigies_own_feed_on_the_sites_screen(&w, &vigie, &server).await;
    list_feeds_on_the_sites_screen(
        &w,
        &vigie,
        &server,
        &FeedWords {
            not_an_address: "is not a web address",
            from_host: "From 127.0.0.1",
            added: "Vigie is downloading it now",
            three_domains: "3 domains",
            up_to_date: "Up to date",
            updated: "Updated",
            already: "already subscribed",
            turned_off: "is off now",
            confirm: "Its sites open again",
            empty: "No list feeds yet",
            unreachable: "the server could not be reached",
            failing_state: "Failing",
            overview_failing: "A list feed failed at its last check",
        },
    )
    .await;

    // Who is a parent without the password is shown by name (uid 65534 is `nobody`).
    w.screen("settings").await;
    w.wait_text("#parents-list", "nobody").await;
    w.wait_text("#parents-card", "sudo vigie install --parent")
        .await;
    // A setting: blocked names now answer "does not exist".
    w.find("#block-mode")
        .await
        .select_by_value("nxdomain")
        .await
        .unwrap();
    w.click("#save-settings").await;
    w.wait_text("#settings-message", "Saved").await;
    w.shot("settings").await;
    assert_eq!(
        util::query_a(vigie.dns, "www.example-chat.test").0,
        ResponseCode::NXDomain
    );
    let settings = std::fs::read_to_string(vigie.config.join("settings.toml")).unwrap();
    assert!(settings.contains("nxdomain"), "{settings}");

    // The service stops: the banner says so; it comes back: the banner goes.
    w.screen("overview").await;
    vigie.stop();
    w.wait_js(
        "return document.getElementById('service-down').hidden === false",
        "the service-down banner",
    )
    .await;
    w.wait_text("#service-down", "not running").await;
    w.shot("service-down").await;
    vigie.restart();
    w.wait_js(
        "return document.getElementById('service-down').hidden === true",
        "the banner goes when the service is back",
    )
    .await;
    // The restarted service forgot every session: the console asks for the password again.
    w.find("#password").await;
    w.type_into("#password", PASSWORD).await;
    w.click("#unlock").await;
    w.wait_js(
        "return document.querySelector('#view-overview')?.dataset.ready === 'true'",
        "the overview after recovery",
    )
    .await;
    w.wait_text("#protection", "This computer is protected")
        .await;
    // What is protected, item by item: the test's service is not installed, so there is no
    // redirect, and it says so.
    w.wait_text("#coverage-lists", "The lists are in force")
        .await;
    w.wait_text("#coverage-redirect", "the redirect is not set up")
        .await;

    // Pause from the Overview: blocked names resolve; resume: blocked again.
    w.click("#pause-30").await;
    w.wait_js(
        "return document.querySelector('#protection')?.dataset.state === 'paused'",
        "the overview shows the pause",
    )
    .await;
    w.wait_text("#protection", "Paused until").await;
    assert_eq!(
        util::query_a(vigie.dns, "www.omegle.com").1,
        vec![UPSTREAM_A]
    );
    w.click("#resume").await;
    w.wait_js(
        "return document.querySelector('#protection')?.dataset.state === 'protected'",
        "protection back on",
    )
    .await;
    assert_eq!(
        util::query_a(vigie.dns, "www.omegle.com").0,
        ResponseCode::NXDomain
    );

    // Change the password: the console locks; only the new one opens it.
    w.screen("settings").await;
    w.type_into("#pw-current", PASSWORD).await;
    w.type_into("#pw-new", "a brand new family password").await;
    w.type_into("#pw-confirm", "a brand new family password")
        .await;
    w.click("#pw-change").await;
    w.find("#password").await;
    w.type_into("#password", PASSWORD).await;
    w.click("#unlock").await;
    w.wait_text("#lock-error", "not the parent password").await;
    w.type_into("#password", "a brand new family password")
        .await;
    w.click("#unlock").await;
    w.wait_js(
        "return document.getElementById('console')?.hidden === false",
        "unlocked with the new password",
    )
    .await;

    let _ = w.c.close().await;
    drop(driver);
    drop(xvfb);
}

/// The console in a French session: the words of every screen, a pasted address refused in
/// French (by the app's preview and by the service's "Test a name"), a paused test shown as a
/// warning, and the language chosen in Settings kept in `settings.toml`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_french_parent_reads_french_on_every_screen() {
    let _one = ONE_CONSOLE.lock().await;
    let vigie_bin = match util::vigie_binary() {
        Ok(b) => b,
        Err(reason) => return util::skip("console in French", &reason),
    };
    let xvfb = match Xvfb::start() {
        Ok(x) => x,
        Err(reason) => return util::skip("console in French", &reason),
    };
    let upstream = util::upstream();
    let vigie = Vigie::start(vigie_bin, upstream.addr, None);
    let home = tempfile::tempdir().unwrap();
    let xdg = home.path().join("config");
    std::fs::create_dir_all(&xdg).unwrap();
    let driver = match Driver::start(&xvfb.display, &vigie.runtime, &xdg, Some("fr_FR.UTF-8")) {
        Ok(d) => d,
        Err(reason) => return util::skip("console in French", &reason),
    };
    let w = Window {
        c: driver.connect().await,
        shots: util::target_dir().join("screenshots/fr"),
    };

    // First run, in French from the session's language.
    w.wait_text("h1", "Bienvenue dans Vigie").await;
    w.wait_js(
        "return document.documentElement.lang === 'fr'",
        "the page is in French",
    )
    .await;
    w.type_into("#new-password", "court").await;
    w.wait_text("#strength", "Trop court").await;
    w.shot("first-run").await;
    w.type_into("#new-password", PASSWORD).await;
    w.wait_text("#strength", "Solide").await;
    w.type_into("#confirm-password", PASSWORD).await;
    w.click("#set-password").await;
    w.wait_js(
        "return document.querySelector('#view-overview')?.dataset.ready === 'true'",
        "the overview after setup",
    )
    .await;
    w.wait_text("#protection", "Cet ordinateur est protégé")
        .await;
    w.wait_text("#coverage-title", "Ce qui est protégé").await;
    w.wait_text("#nav-overview", "Vue d’ensemble").await;
    let title = w.c.title().await.unwrap_or_default();
    assert_eq!(title, "Vigie — console des parents");
    w.shot("overview").await;

    // Lock, a wrong password (the app's own refusal), unlock.
    w.click("#lock-now").await;
    w.wait_text("h1", "Vigie est verrouillé").await;
    w.type_into("#password", "pas le bon").await;
    w.click("#unlock").await;
    w.wait_text("#lock-error", "Ce n’est pas le mot de passe des parents")
        .await;
    w.shot("lock").await;
    w.type_into("#password", PASSWORD).await;
    w.click("#unlock").await;
    w.find("#nav-sites").await;

    // Sites: pasted addresses refused in French, a name saved, names tested.
    w.screen("sites").await;
    w.type_into("#site-input", "https://1.2.3.4/chat").await;
    let refused = w
        .wait_text("#site-preview", "Impossible de l’ajouter")
        .await;
    assert!(refused.contains("est une adresse IP"), "{refused}");
    assert!(!refused.contains("IP address"), "{refused}");
    w.type_into("#site-input", "exemple chat.fr").await;
    w.wait_text("#site-preview", "contient une espace").await;
    w.type_into("#site-input", "https://www.Example-Chat.test/room")
        .await;
    w.wait_text("#site-preview", "Devient example-chat.test")
        .await;
    w.click("#site-add").await;
    w.wait_text("#site-message", "Enregistré").await;
    w.type_into("#test-input", "1.2.3.4").await;
    w.click("#test-button").await;
    let said = w.wait_text("#test-result", "est une adresse IP").await;
    assert!(!said.contains("IP address"), "{said}");
    w.type_into("#test-input", "www.omegle.com").await;
    w.click("#test-button").await;
    w.wait_text("#test-result", "Bloqué").await;
    w.shot("sites").await;
    // This service names no feed of Vigie's own, and the screen says so.
    w.wait_text(
        "#vigie-feed-state",
        "Cette copie de Vigie n’a pas de liste en ligne",
    )
    .await;
    let server = ListServer::start(vec![("/community.txt", FEED_LIST.to_string())]);
    list_feeds_on_the_sites_screen(
        &w,
        &vigie,
        &server,
        &FeedWords {
            not_an_address: "n’est pas une adresse web",
            from_host: "Depuis 127.0.0.1",
            added: "Vigie la télécharge maintenant",
            three_domains: "3 domaines",
            up_to_date: "À jour",
            updated: "Mise à jour",
            already: "déjà suivie",
            turned_off: "est désactivée",
            confirm: "Ses sites s’ouvriront de nouveau",
            empty: "Aucune liste en ligne pour l’instant",
            unreachable: "le serveur est injoignable",
            failing_state: "En échec",
            overview_failing: "Une liste en ligne a échoué à sa dernière vérification",
        },
    )
    .await;

    // Activity and Settings.
    w.screen("activity").await;
    w.wait_text("#view-activity", "Nom recherché").await;
    w.shot("activity").await;
    w.screen("settings").await;
    w.wait_text("#settings-title", "Réglages").await;
    w.wait_text("#language-title", "Langue").await;
    w.shot("settings").await;

    // A pause: the test says it opens for now, as a warning.
    w.screen("overview").await;
    w.click("#pause-30").await;
    w.wait_js(
        "return document.querySelector('#protection')?.dataset.state === 'paused'",
        "the overview shows the pause",
    )
    .await;
    w.screen("sites").await;
    w.type_into("#test-input", "www.omegle.com").await;
    w.click("#test-button").await;
    w.wait_text("#test-result", "La protection est en pause")
        .await;
    assert!(
        w.js_bool("return document.querySelector('#test-result').dataset.kind === 'warn'")
            .await,
        "a paused test is a warning"
    );
    w.shot("sites-paused").await;
    w.screen("overview").await;
    w.click("#resume").await;
    w.wait_js(
        "return document.querySelector('#protection')?.dataset.state === 'protected'",
        "protection back on",
    )
    .await;

    // English chosen in Settings: the console switches at once and settings.toml keeps it.
    w.screen("settings").await;
    w.find("#language")
        .await
        .select_by_value("en")
        .await
        .unwrap();
    w.wait_text("#settings-title", "Settings").await;
    w.wait_js(
        "return document.documentElement.lang === 'en'",
        "the page is in English",
    )
    .await;
    let settings = std::fs::read_to_string(vigie.config.join("settings.toml")).unwrap();
    assert!(settings.contains("language = \"en\""), "{settings}");
    w.find("#language")
        .await
        .select_by_value("auto")
        .await
        .unwrap();
    w.wait_text("#settings-title", "Réglages").await;

    let _ = w.c.close().await;
    drop(driver);
    drop(xvfb);
}
