//! The local API against the real service: sessions, authorization of every parent-only
//! endpoint, edits with versions, bad input, pause, notices, attempts, and the socket's
//! permission model with a client running as another user.

use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use hickory_proto::rr::RecordType;
use vigie_localapi::{AttemptQuery, Client, Error};

use crate::upstream::Upstream;
use crate::util::{Vigie, eventually, list_toml};

const PASSWORD: &str = "correct horse battery";

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// What most tests start from: the service against a local upstream, with the parent password
/// chosen and a parent session open in `c`.
struct Parent {
    /// Held so the upstream serves until the test ends.
    _upstream: Upstream,
    v: Vigie,
    rt: tokio::runtime::Runtime,
    c: Client,
}

fn signed_in() -> Parent {
    let upstream = Upstream::start();
    let v = Vigie::start(upstream.addr(), None, &[]);
    let rt = rt();
    let mut c = v.client();
    rt.block_on(c.setup(PASSWORD)).unwrap();
    Parent {
        _upstream: upstream,
        v,
        rt,
        c,
    }
}

/// A raw HTTP/1.1 exchange on the socket: (status, body).
pub(crate) fn raw(
    socket: &Path,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> (u16, String) {
    let mut s = UnixStream::connect(socket).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nHost: vigie\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    s.write_all(req.as_bytes()).unwrap();
    let _ = s.write_all(body);
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    let text = String::from_utf8_lossy(&out).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

fn socket(v: &Vigie) -> std::path::PathBuf {
    v.runtime.join(vigie_localapi::SOCKET_NAME)
}

/// Every parent-only endpoint, as (method, path, body).
const PARENT_ONLY: &[(&str, &str, &str)] = &[
    ("GET", "/v1/lists", ""),
    ("GET", "/v1/lists/stranger-chat", ""),
    ("PUT", "/v1/lists/dns-bypass", r#"{"enabled":false}"#),
    ("GET", "/v1/sites", ""),
    ("POST", "/v1/sites", r#"{"input":"evil.example"}"#),
    ("PATCH", "/v1/sites/evil.example", r#"{"name":"x"}"#),
    ("DELETE", "/v1/sites/evil.example", ""),
    ("GET", "/v1/allow", ""),
    ("POST", "/v1/allow", r#"{"input":"omegle.com"}"#),
    ("DELETE", "/v1/allow/omegle.com", ""),
    ("GET", "/v1/settings", ""),
    ("PUT", "/v1/settings", "{}"),
    ("GET", "/v1/check?name=omegle.com", ""),
    ("GET", "/v1/attempts", ""),
    ("GET", "/v1/attempts.csv", ""),
    ("GET", "/v1/attempts/summary?days=30", ""),
    ("POST", "/v1/pause", r#"{"minutes":30}"#),
    ("POST", "/v1/resume", ""),
    (
        "POST",
        "/v1/auth/password",
        r#"{"current":"x","new":"yyyyyyyyyy"}"#,
    ),
];

#[test]
fn every_parent_only_endpoint_refuses_no_expired_and_revoked_tokens() {
    let upstream = Upstream::start();
    let v = Vigie::start_env(
        upstream.addr(),
        None,
        &[],
        &[("VIGIE_SESSION_SECONDS", "2")],
    );
    let sock = socket(&v);
    let rt = rt();
    let mut c = v.client();
    rt.block_on(c.setup(PASSWORD)).unwrap();
    let expired = rt.block_on(c.login(PASSWORD)).unwrap().token;
    let mut other = v.client();
    let revoked = rt.block_on(other.login(PASSWORD)).unwrap().token;
    rt.block_on(other.logout()).unwrap();
    std::thread::sleep(Duration::from_millis(2100));

    for (method, path, body) in PARENT_ONLY {
        let json = [("Content-Type", "application/json")];
        let (status, text) = raw(&sock, method, path, &json, body.as_bytes());
        assert_eq!(status, 401, "{method} {path} without a token: {text}");
        assert!(text.contains("log in"), "{method} {path}: {text}");
        for (what, token) in [
            ("expired", &expired),
            ("revoked", &revoked),
            ("made-up", &"0".repeat(64)),
        ] {
            let auth = format!("Bearer {token}");
            let (status, text) = raw(
                &sock,
                method,
                path,
                &[json[0], ("Authorization", &auth)],
                body.as_bytes(),
            );
            assert_eq!(status, 401, "{method} {path} with an {what} token: {text}");
        }
    }
    // Nothing was changed by any of it.
    assert!(!v.config.join("lists/my-sites.toml").exists());
    assert!(!v.config.join("settings.toml").exists());
    assert_eq!(v.udp("omegle.com", RecordType::A).answers.len(), 1);

    // A live session works on the same endpoints.
    let fresh = rt.block_on(c.login(PASSWORD)).unwrap().token;
    let auth = format!("Bearer {fresh}");
    let (status, _) = raw(&sock, "GET", "/v1/lists", &[("Authorization", &auth)], b"");
    assert_eq!(status, 200);
}

#[test]
fn sessions_setup_login_logout_and_password_change() {
    let upstream = Upstream::start();
    let v = Vigie::start(upstream.addr(), None, &[]);
    let rt = rt();
    let mut c = v.client();
    assert!(!rt.block_on(c.status()).unwrap().password_set);
    let e = rt.block_on(c.login(PASSWORD)).unwrap_err();
    assert_eq!(e.status(), Some(409), "{e}");
    let e = rt.block_on(c.setup("short")).unwrap_err();
    assert_eq!(e.status(), Some(422), "{e}");
    rt.block_on(c.setup(PASSWORD)).unwrap();
    assert!(rt.block_on(c.status()).unwrap().password_set);
    assert_eq!(
        rt.block_on(v.client().setup("another password"))
            .unwrap_err()
            .status(),
        Some(409)
    );
    assert!(rt.block_on(c.lists()).is_ok(), "setup starts a session");

    // The hash on disk is argon2id, private, and never the password.
    let stored = std::fs::read_to_string(v.data.join("parent-password")).unwrap();
    assert!(stored.starts_with("$argon2id$") && !stored.contains(PASSWORD));
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(v.data.join("parent-password"))
            .unwrap()
            .permissions()
            .mode()
            & 0o777,
        0o600
    );

    let mut second = v.client();
    rt.block_on(second.login(PASSWORD)).unwrap();
    rt.block_on(c.change_password(PASSWORD, "a new password"))
        .unwrap();
    assert_eq!(
        rt.block_on(second.lists()).unwrap_err().status(),
        Some(401),
        "a password change ends every session"
    );
    assert_eq!(
        rt.block_on(second.login(PASSWORD)).unwrap_err().status(),
        Some(401)
    );
    rt.block_on(second.login("a new password")).unwrap();
    rt.block_on(second.logout()).unwrap();
    let logs = v.stderr();
    assert!(
        !logs.contains(PASSWORD) && !logs.contains("a new password"),
        "no secret in logs"
    );
}

#[test]
fn wrong_passwords_are_throttled_and_counted() {
    let Parent {
        _upstream,
        v: _v,
        rt,
        mut c,
    } = signed_in();
    let mut statuses = Vec::new();
    for _ in 0..4 {
        statuses.push(
            rt.block_on(c.login("not the password"))
                .unwrap_err()
                .status()
                .unwrap(),
        );
    }
    assert_eq!(statuses, [401, 401, 401, 429]);
    let e = rt.block_on(c.login(PASSWORD)).unwrap_err();
    assert_eq!(e.status(), Some(429), "even the right password waits: {e}");
    assert!(e.to_string().contains("try again in"), "{e}");
    assert_eq!(rt.block_on(c.status()).unwrap().failed_logins, 3);
}

#[test]
fn sites_are_added_from_anything_pasted_and_take_effect_at_once() {
    let Parent {
        _upstream,
        v,
        rt,
        c,
    } = signed_in();
    assert_eq!(
        v.udp("room.example-chat.test", RecordType::A).answers[0]
            .data
            .to_string(),
        "192.0.2.99"
    );

    let added = rt
        .block_on(c.add_site(
            "  https://www.Example-Chat.test/room?x=1 ",
            Some("Example chat"),
            None,
        ))
        .unwrap();
    assert_eq!(
        (added.domain.as_str(), added.site.as_str()),
        ("example-chat.test", "Example chat")
    );
    // In force when the call returns: no waiting, even though the answer above is cached.
    assert_eq!(
        v.udp("room.example-chat.test", RecordType::A).answers[0]
            .data
            .to_string(),
        "127.0.0.88"
    );
    let check = rt.block_on(c.check("https://example-chat.test")).unwrap();
    assert_eq!(check.verdict, vigie_localapi::CheckVerdict::Blocked);
    assert_eq!(check.reason.unwrap().site, "Example chat");

    for (bad, why) in [
        ("co.uk", "ending shared"),
        ("1.2.3.4", "IP address"),
        ("", "empty"),
        ("a b.com", "space"),
    ] {
        let e = rt.block_on(c.add_site(bad, None, None)).unwrap_err();
        assert_eq!(e.status(), Some(422), "{bad}: {e}");
        assert!(e.to_string().contains(why), "{bad}: {e}");
    }

    rt.block_on(c.rename_site("example-chat.test", "Chat site"))
        .unwrap();
    let sites = rt.block_on(c.sites()).unwrap();
    assert_eq!(sites.value.sites[0].name, "Chat site");
    rt.block_on(c.remove_site("example-chat.test", None))
        .unwrap();
    assert_eq!(
        rt.block_on(c.remove_site("example-chat.test", None))
            .unwrap_err()
            .status(),
        Some(404)
    );
    assert_ne!(
        v.udp("room.example-chat.test", RecordType::A).answers[0]
            .data
            .to_string(),
        "127.0.0.88"
    );

    // The allowlist wins over the shipped lists.
    rt.block_on(c.allow("https://omegle.com/", Some("Homework")))
        .unwrap();
    assert_eq!(
        v.udp("omegle.com", RecordType::A).answers[0]
            .data
            .to_string(),
        "192.0.2.99"
    );
    assert_eq!(
        rt.block_on(c.check("omegle.com")).unwrap().verdict,
        vigie_localapi::CheckVerdict::Allowed
    );
    rt.block_on(c.unallow("omegle.com")).unwrap();
    assert_eq!(
        v.udp("omegle.com", RecordType::A).answers[0]
            .data
            .to_string(),
        "127.0.0.88"
    );
}

#[test]
fn lists_turn_on_and_off_and_settings_are_validated() {
    let Parent {
        _upstream,
        v,
        rt,
        c,
    } = signed_in();
    let lists = rt.block_on(c.lists()).unwrap();
    assert!(
        lists
            .iter()
            .any(|l| l.id == "stranger-chat" && l.enabled && l.shipped && l.domains >= 150)
    );
    let detail = rt.block_on(c.list("stranger-chat")).unwrap();
    assert!(detail.sites.iter().any(|s| s.name == "Omegle"));
    assert_eq!(
        rt.block_on(c.list("../../etc/passwd"))
            .unwrap_err()
            .status(),
        Some(404)
    );
    assert_eq!(
        rt.block_on(c.set_list_enabled("no-such-list", false))
            .unwrap_err()
            .status(),
        Some(404)
    );

    rt.block_on(c.set_list_enabled("dns-bypass", false))
        .unwrap();
    assert_eq!(
        v.udp("dns.google", RecordType::A).answers[0]
            .data
            .to_string(),
        "192.0.2.99"
    );
    rt.block_on(c.set_list_enabled("dns-bypass", true)).unwrap();
    assert_eq!(
        v.udp("dns.google", RecordType::A).answers[0]
            .data
            .to_string(),
        "127.0.0.88"
    );

    let s = rt.block_on(c.settings()).unwrap();
    let mut bad = s.value.clone();
    bad.blocking.ttl = 99_999;
    let e = rt.block_on(c.put_settings(&bad, &s.etag)).unwrap_err();
    assert_eq!(e.status(), Some(422));
    assert!(e.to_string().contains("blocking.ttl"), "{e}");
    let mut good = s.value.clone();
    good.blocking.mode = vigie_policy::BlockMode::Nxdomain;
    let put = rt.block_on(c.put_settings(&good, &s.etag)).unwrap();
    assert_ne!(put.etag, s.etag);
    let m = v.udp("omegle.com", RecordType::A);
    assert_eq!(
        m.metadata.response_code,
        hickory_proto::op::ResponseCode::NXDomain
    );
    // A write with the old version is refused with the current one.
    match rt.block_on(c.put_settings(&s.value, &s.etag)).unwrap_err() {
        Error::Conflict { current, .. } => assert_eq!(current, put.etag),
        other => panic!("{other:?}"),
    }
    let text = std::fs::read_to_string(v.config.join("settings.toml")).unwrap();
    assert!(vigie_policy::RawSettings::parse(&text, Path::new("settings.toml")).is_ok());
}

#[test]
fn stale_versions_get_412_and_hand_edits_show_up() {
    let Parent {
        _upstream,
        v,
        rt,
        c,
    } = signed_in();
    let first = rt.block_on(c.sites()).unwrap();
    rt.block_on(c.add_site("one.example", None, Some(&first.etag)))
        .unwrap();
    let e = rt
        .block_on(c.add_site("two.example", None, Some(&first.etag)))
        .unwrap_err();
    let Error::Conflict { current, .. } = e else {
        panic!("{e:?}")
    };
    let now = rt.block_on(c.sites()).unwrap();
    assert_eq!(current, now.etag);
    assert_eq!(now.value.sites.len(), 1, "the stale write changed nothing");

    // A parent's hand edit goes through the same files.
    v.write_config(
        "lists/my-sites.toml",
        &list_toml("my-sites", "block", "By hand", &["hand.example"]),
    );
    let after = rt.block_on(c.sites()).unwrap();
    assert_ne!(after.etag, now.etag);
    assert_eq!(after.value.sites[0].name, "By hand");
    eventually(Duration::from_secs(2), || {
        v.udp("hand.example", RecordType::A).answers[0]
            .data
            .to_string()
            == "127.0.0.88"
    })
    .expect("the hand edit is in force");
}

#[test]
fn two_editors_interleaving_lose_no_update() {
    let upstream = Upstream::start();
    let v = Vigie::start(upstream.addr(), None, &[]);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let mut c = v.client();
    rt.block_on(c.setup(PASSWORD)).unwrap();
    let file = v.config.join("lists/my-sites.toml");
    let editors: Vec<_> = ["a", "b"]
        .into_iter()
        .map(|who| {
            let c: Client = c.clone();
            let file = file.clone();
            rt.spawn(async move {
                let mut conflicts = 0;
                for i in 0..100 {
                    loop {
                        let current = c.sites().await.unwrap();
                        match c
                            .add_site(&format!("{who}{i}.example"), None, Some(&current.etag))
                            .await
                        {
                            Ok(_) => break,
                            Err(Error::Conflict { .. }) => conflicts += 1,
                            Err(e) => panic!("{e}"),
                        }
                    }
                    let text = std::fs::read_to_string(&file).unwrap();
                    vigie_policy::ListFile::parse(&text, &file)
                        .expect("the file parses after every step");
                }
                conflicts
            })
        })
        .collect();
    let conflicts: usize = editors.into_iter().map(|h| rt.block_on(h).unwrap()).sum();
    eprintln!("200 edits, {conflicts} conflicts retried");
    let sites = rt.block_on(c.sites()).unwrap();
    let domains: usize = sites.value.sites.iter().map(|s| s.domains.len()).sum();
    assert_eq!(domains, 200, "no lost update");
    assert!(
        v.udp("a99.example", RecordType::A).answers[0]
            .data
            .to_string()
            == "127.0.0.88"
    );
}

#[test]
fn bad_requests_get_a_4xx_with_a_reason_and_dns_goes_on() {
    let upstream = Upstream::start();
    let v = Vigie::start(upstream.addr(), None, &[]);
    let rt = rt();
    let mut c = v.client();
    let token = rt.block_on(c.setup(PASSWORD)).unwrap().token;
    let sock = socket(&v);
    let auth = format!("Bearer {token}");
    let h = [
        ("Authorization", auth.as_str()),
        ("Content-Type", "application/json"),
    ];
    let cases: Vec<(&str, &str, Vec<u8>, u16, &str)> = vec![
        ("POST", "/v1/sites", vec![b'x'; 100_000], 413, "larger than"),
        ("POST", "/v1/sites", b"{not json".to_vec(), 400, "JSON"),
        (
            "POST",
            "/v1/sites",
            br#"{"input":"a.example","colour":"red"}"#.to_vec(),
            422,
            "colour",
        ),
        (
            "POST",
            "/v1/sites",
            br#"{"input":5}"#.to_vec(),
            422,
            "input",
        ),
        (
            "GET",
            "/v1/lists/..%2F..%2Fetc%2Fpasswd",
            vec![],
            404,
            "no list",
        ),
        (
            "DELETE",
            "/v1/sites/..%2Fsettings.toml",
            vec![],
            422,
            "empty part",
        ),
        (
            "POST",
            "/v1/pause",
            br#"{"minutes":100000}"#.to_vec(),
            422,
            "1 to 480",
        ),
        (
            "POST",
            "/v1/pause",
            br#"{"minutes":0}"#.to_vec(),
            422,
            "1 to 480",
        ),
        (
            "PUT",
            "/v1/lists/nope",
            br#"{"enabled":true}"#.to_vec(),
            404,
            "no list",
        ),
        ("GET", "/v1/attempts?from=yesterday", vec![], 400, "date"),
        ("GET", "/v1/attempts?limit=100000", vec![], 400, "limit"),
        ("GET", "/v1/check", vec![], 400, "name"),
        ("GET", "/v1/nothing-here", vec![], 404, "no such endpoint"),
        (
            "PUT",
            "/v1/settings",
            br#"{"listen":["x"]}"#.to_vec(),
            422,
            "listen",
        ),
    ];
    for (method, path, body, want, reason) in cases {
        let (status, text) = raw(&sock, method, path, &h, &body);
        assert_eq!(status, want, "{method} {path}: {text}");
        assert!(
            text.contains(reason),
            "{method} {path}: {text:?} should say {reason:?}"
        );
        if status != 404 {
            assert!(
                text.starts_with("{\"error\":"),
                "{method} {path}: JSON reason: {text}"
            );
        }
    }
    assert!(
        !v.config.join("lists/my-sites.toml").exists(),
        "nothing was written"
    );
    assert!(!v.config.join("settings.toml").exists());
    assert_eq!(
        v.udp("omegle.com", RecordType::A).answers.len(),
        1,
        "DNS went on throughout"
    );
    assert_eq!(v.udp("www.example.test", RecordType::A).answers.len(), 1);
}

#[test]
fn pause_lets_sites_through_until_resume_and_is_shown() {
    let Parent {
        _upstream,
        v,
        rt,
        c,
    } = signed_in();
    let state = rt.block_on(c.pause(30)).unwrap();
    let until = state.paused_until.unwrap();
    assert!(until > time::OffsetDateTime::now_utc() + Duration::from_secs(29 * 60));
    assert_eq!(rt.block_on(c.status()).unwrap().paused_until, Some(until));
    assert_eq!(
        v.udp("omegle.com", RecordType::A).answers[0]
            .data
            .to_string(),
        "192.0.2.99"
    );
    assert_eq!(
        v.udp("use-application-dns.net", RecordType::A)
            .metadata
            .response_code,
        hickory_proto::op::ResponseCode::NXDomain,
        "special names stay on during a pause"
    );
    // The encrypted-DNS list holds during a pause: a paused half hour is not a way to set up
    // DNS over HTTPS for good.
    assert_eq!(
        v.udp("dns.google", RecordType::A).answers[0]
            .data
            .to_string(),
        "127.0.0.88",
        "the DNS-bypass list is not paused"
    );
    // What was opened during the pause is in the journal, marked so.
    let opened = rt
        .block_on(c.attempts(&AttemptQuery::default()))
        .unwrap()
        .entries;
    let omegle = opened
        .iter()
        .find(|a| a.name == "omegle.com")
        .expect("the opened site is journaled");
    assert!(omegle.paused, "{omegle:?}");
    assert!(
        opened.iter().any(|a| a.name == "dns.google" && !a.paused),
        "{opened:?}"
    );
    rt.block_on(c.resume()).unwrap();
    assert_eq!(rt.block_on(c.status()).unwrap().paused_until, None);
    assert_eq!(
        v.udp("omegle.com", RecordType::A).answers[0]
            .data
            .to_string(),
        "127.0.0.88"
    );
    let events = std::fs::read_to_string(v.data.join("events.jsonl")).unwrap();
    assert!(
        events.contains("\"paused\"") && events.contains("\"resumed\""),
        "{events}"
    );
}

#[test]
fn lists_and_site_notes_carry_their_french_forms() {
    let files = [(
        "lists/family.toml",
        "[list]\nid = \"family\"\nname.en = \"Family list\"\nname.fr = \"Liste de la famille\"\n\
         [[site]]\nname = \"Chat\"\ndomains = [\"chat.example\"]\n\
         note.en = \"A chat.\"\nnote.fr = \"Un tchat.\"\n",
    )];
    let upstream = Upstream::start();
    let v = Vigie::start(upstream.addr(), None, &files);
    let rt = rt();
    let mut c = v.client();
    rt.block_on(c.setup(PASSWORD)).unwrap();
    let lists = rt.block_on(c.lists()).unwrap();
    let shipped = lists.iter().find(|l| l.id == "stranger-chat").unwrap();
    assert_eq!(shipped.name, "Omegle and clones");
    assert_eq!(shipped.name_translations["fr"], "Omegle et ses clones");
    assert!(
        shipped.description_translations["fr"].starts_with("Les sites qui mettent"),
        "{shipped:?}"
    );
    let family = lists.iter().find(|l| l.id == "family").unwrap();
    assert_eq!(family.name_translations["fr"], "Liste de la famille");
    assert!(family.description_translations.is_empty());

    let detail = rt.block_on(c.list("stranger-chat")).unwrap();
    let omegle = detail.sites.iter().find(|s| s.name == "Omegle").unwrap();
    assert!(
        omegle
            .note
            .as_deref()
            .unwrap()
            .starts_with("The original site")
    );
    assert!(
        omegle.note_translations["fr"].starts_with("Le site d’origine"),
        "{omegle:?}"
    );
    let detail = rt.block_on(c.list("family")).unwrap();
    assert_eq!(detail.sites[0].note_translations["fr"], "Un tchat.");

    // The parent's own list starts out in both languages, and an add keeps them.
    rt.block_on(c.add_site("mine.example", None, None)).unwrap();
    let mine = rt.block_on(c.sites()).unwrap().value;
    assert_eq!(mine.list.name, "My blocked sites");
    assert_eq!(mine.list.name_translations["fr"], "Mes sites bloqués");
    let text = std::fs::read_to_string(v.config.join("lists/my-sites.toml")).unwrap();
    assert!(text.contains("Mes sites bloqués"), "{text}");
}

#[test]
fn a_brand_block_carries_its_brand_to_notices_attempts_and_the_summary() {
    use vigie_i18n::Lang;
    let upstream = Upstream::start();
    let v = Vigie::start(upstream.addr(), None, &[]);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let mut c = v.client();
    rt.block_on(c.setup(PASSWORD)).unwrap();
    let mut notices = rt.block_on(Client::new(c.socket()).notices()).unwrap();
    v.udp("www.omegle-clone.test", RecordType::A);
    let notice = rt
        .block_on(async { tokio::time::timeout(Duration::from_secs(5), notices.next()).await })
        .expect("a notice within 5 s")
        .unwrap()
        .unwrap();
    assert_eq!(notice.brand.as_deref(), Some("Omegle"), "{notice:?}");
    assert_eq!(notice.name, "www.omegle-clone.test");

    v.udp("www.omegle.com", RecordType::A);
    let page = rt.block_on(c.attempts(&AttemptQuery::default())).unwrap();
    let brand = page
        .entries
        .iter()
        .find(|e| e.name == "www.omegle-clone.test")
        .unwrap();
    assert_eq!(brand.brand.as_deref(), Some("Omegle"));
    let listed = page
        .entries
        .iter()
        .find(|e| e.name == "www.omegle.com")
        .unwrap();
    assert_eq!(listed.brand, None, "a listed domain is no brand block");

    let summary = rt.block_on(c.summary(30)).unwrap();
    let site = summary.sites.iter().find(|s| s.brand.is_some()).unwrap();
    assert_eq!(site.brand.as_deref(), Some("Omegle"));
    // What the console shows for it, in each language.
    let shown = vigie_policy::brand::site_brand(site.brand.as_deref().unwrap());
    assert_eq!(Lang::En.render(&shown), site.site);
    assert_eq!(Lang::Fr.render(&shown), "ressemble à Omegle");

    // "Test a name" names the brand inside a sentence of the reader's language.
    let check = rt.block_on(c.check("www.omegle-clone.test")).unwrap();
    let fr = Lang::Fr.render(check.message.as_ref().unwrap());
    assert!(fr.contains("ressemble à Omegle"), "{fr}");
    assert!(!fr.contains("looks like"), "{fr}");
    // The list's name too, where the list has it in French.
    assert!(
        fr.contains("«\u{202F}Omegle et ses clones\u{202F}»"),
        "{fr}"
    );
    assert!(
        check.explanation.contains("\"Omegle and clones\""),
        "{check:?}"
    );
}

#[test]
fn notices_and_attempts_reach_parents() {
    let upstream = Upstream::start();
    let v = Vigie::start(upstream.addr(), None, &[]);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let mut c = v.client();
    rt.block_on(c.setup(PASSWORD)).unwrap();
    // Notices are open to everyone: no session needed.
    let mut notices = rt.block_on(Client::new(c.socket()).notices()).unwrap();
    v.udp("www.omegle.com", RecordType::A);
    v.udp("www.omegle.com", RecordType::AAAA);
    let notice = rt
        .block_on(async { tokio::time::timeout(Duration::from_secs(5), notices.next()).await })
        .expect("a notice within 5 s")
        .unwrap()
        .unwrap();
    assert_eq!(
        (notice.site.as_str(), notice.name.as_str()),
        ("Omegle", "www.omegle.com")
    );
    v.udp("ome.tv", RecordType::A);

    let page = rt.block_on(c.attempts(&AttemptQuery::default())).unwrap();
    assert_eq!(page.entries.len(), 2, "{page:?}");
    assert_eq!(page.entries[0].site, "OmeTV", "newest first");
    assert_eq!(page.entries[1].count, 2);
    let one = rt
        .block_on(c.attempts(&AttemptQuery {
            limit: Some(1),
            ..Default::default()
        }))
        .unwrap();
    let cursor = one.next_cursor.clone().expect("a second page");
    let two = rt
        .block_on(c.attempts(&AttemptQuery {
            limit: Some(1),
            cursor: Some(cursor),
            ..Default::default()
        }))
        .unwrap();
    assert_eq!(two.entries[0].site, "Omegle");
    assert!(two.next_cursor.is_none());
    let only = rt
        .block_on(c.attempts(&AttemptQuery {
            site: Some("Omegle".into()),
            ..Default::default()
        }))
        .unwrap();
    assert_eq!(only.entries.len(), 1);
    let csv = rt
        .block_on(c.attempts_csv(&AttemptQuery::default()))
        .unwrap();
    assert!(
        csv.starts_with(
            "time,client,name,site,list,rule,types,count,cname,uid,account,program,via\n"
        ),
        "{csv}"
    );
    assert!(csv.contains("\"www.omegle.com\",\"Omegle\""), "{csv}");
    let summary = rt.block_on(c.summary(30)).unwrap();
    assert_eq!(summary.days.len(), 30);
    assert_eq!(summary.days.last().unwrap().count, 2);
    assert_eq!(summary.sites.len(), 2);
    assert_eq!(rt.block_on(c.status()).unwrap().attempts_today, 2);
}

#[test]
fn the_notice_stream_tells_each_change_of_protection() {
    use vigie_localapi::{ProtectionState, StreamEvent};
    let upstream = Upstream::start();
    let v = Vigie::start(upstream.addr(), None, &[]);
    let rt = rt();
    let mut c = v.client();
    rt.block_on(c.setup(PASSWORD)).unwrap();
    let mut stream = rt.block_on(Client::new(c.socket()).notices()).unwrap();
    let mut next = || {
        rt.block_on(async {
            tokio::time::timeout(Duration::from_secs(5), stream.next_event()).await
        })
        .expect("an event within 5 s")
        .expect("the stream goes on")
        .expect("an event this version reads")
    };
    let status = |paused: bool, lists_off: &[&str]| {
        StreamEvent::Status(ProtectionState {
            paused,
            // `run` without `--probe-system-dns` never probes.
            system_dns_ok: None,
            lists_off: lists_off.iter().map(|l| l.to_string()).collect(),
        })
    };
    assert_eq!(
        next(),
        status(false, &[]),
        "the stream opens with the state"
    );

    rt.block_on(c.pause(5)).unwrap();
    assert_eq!(next(), status(true, &[]));
    rt.block_on(c.resume()).unwrap();
    assert_eq!(next(), status(false, &[]));
    // A list turned off reaches a parent's stream (this test runs as the service's own account
    // or root, the administrator) through the reload.
    rt.block_on(c.set_list_enabled("stranger-chat", false))
        .unwrap();
    assert_eq!(next(), status(false, &["Omegle and clones"]));
    rt.block_on(c.set_list_enabled("stranger-chat", true))
        .unwrap();
    assert_eq!(next(), status(false, &[]));

    // Nothing changed since: the next event is the attempt, not another status.
    v.udp("www.omegle.com", RecordType::A);
    match next() {
        StreamEvent::Notice(n) => assert_eq!(n.name, "www.omegle.com"),
        other => panic!("a notice, not {other:?}"),
    }
}

#[test]
fn another_local_user_gets_status_but_nothing_else() {
    if Command::new("setpriv").arg("--version").output().is_err() || !is_root() {
        vigie_testkit::skip(
            &format!("{}:{}", file!(), line!()),
            "needs root and setpriv (util-linux) to run a client as `nobody`",
        );
        return;
    }
    let upstream = Upstream::start();
    let v = Vigie::start(upstream.addr(), None, &[]);
    let rt = rt();
    rt.block_on(v.client().setup(PASSWORD)).unwrap();

    let (code, out, err) = v.cli(&["status", "--json"], "", Some("nobody"));
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("\"password_set\": true"), "{out}");
    for args in [
        &["lists", "list"][..],
        &["sites", "add", "evil.example"],
        &["log"],
        &["pause", "30m"],
        &["check", "omegle.com"],
    ] {
        let (code, out, err) = v.cli(args, "", Some("nobody"));
        assert_ne!(code, 0, "{args:?} as nobody must be refused: {out}");
        assert!(
            err.contains("no password on standard input"),
            "{args:?}: asked for the parent password: {err}"
        );
        let (code, _, err) = v.cli(args, "a wrong guess\n", Some("nobody"));
        assert_ne!(code, 0, "{args:?}: {err}");
    }
    assert!(!v.config.join("lists/my-sites.toml").exists());
    // The notice stream is open to every user: the child's own desktop shows the notices.
    let (code, out, _) = crate::util::run_with_stdin(
        {
            let mut c = Command::new("setpriv");
            c.args([
                "--reuid=nobody",
                "--regid=nogroup",
                "--clear-groups",
                "sh",
                "-c",
            ]);
            c.arg(format!("test -w {} && echo writable", socket(&v).display()));
            c
        },
        "",
    );
    assert_eq!(
        (code, out.trim()),
        (0, "writable"),
        "the socket is open to local users"
    );
}

#[test]
fn a_parent_uid_needs_no_password() {
    if !is_root() {
        vigie_testkit::skip(
            &format!("{}:{}", file!(), line!()),
            "needs root to run a client as `nobody`",
        );
        return;
    }
    let upstream = Upstream::start();
    let v = Vigie::start(upstream.addr(), Some("[parents]\nuids = [65534]\n"), &[]);
    let (code, out, err) = v.cli(
        &[
            "sites",
            "add",
            "https://www.Example-Chat.test/room",
            "--json",
        ],
        "",
        Some("nobody"),
    );
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("\"domain\": \"example-chat.test\""), "{out}");
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| o.stdout == b"0\n")
        .unwrap_or(false)
}

use std::process::Command;

#[test]
fn a_journal_that_cannot_be_written_is_reported_and_blocking_goes_on() {
    let upstream = Upstream::start();
    let v = Vigie::start(upstream.addr(), None, &[]);
    let journal = v.data.join("journal");
    let _ = std::fs::remove_dir_all(&journal);
    std::fs::write(&journal, "a file where the journal folder should be").unwrap();
    assert_eq!(
        v.udp("www.omegle.com", RecordType::A).answers[0]
            .data
            .to_string(),
        "127.0.0.88"
    );
    let rt = rt();
    let c = v.client();
    let error = eventually(Duration::from_secs(3), || {
        rt.block_on(c.status()).unwrap().journal_error.is_some()
    });
    assert!(error.is_some(), "status reports the journal error");
    let s = rt.block_on(c.status()).unwrap();
    eprintln!("journal_error: {:?}", s.journal_error);
    assert_eq!(
        v.udp("ome.tv", RecordType::A).answers[0].data.to_string(),
        "127.0.0.88"
    );
    assert_eq!(
        v.udp("www.example.test", RecordType::A).answers[0]
            .data
            .to_string(),
        "192.0.2.10"
    );
}

#[test]
fn check_says_what_a_lookup_gets_during_a_pause() {
    let Parent {
        _upstream,
        v,
        rt,
        c,
    } = signed_in();
    use vigie_localapi::CheckVerdict;
    assert_eq!(
        rt.block_on(c.check("www.omegle.com")).unwrap().verdict,
        CheckVerdict::Blocked
    );
    rt.block_on(c.pause(30)).unwrap();
    let paused = rt.block_on(c.check("www.omegle.com")).unwrap();
    assert_eq!(paused.verdict, CheckVerdict::Paused, "{paused:?}");
    assert!(paused.explanation.contains("paused"), "{paused:?}");
    // And it is what the resolver does at that moment.
    assert_eq!(
        v.udp("www.omegle.com", RecordType::A).answers[0]
            .data
            .to_string(),
        "192.0.2.99"
    );
    // Special names hold through a pause, in the check as in the resolver.
    assert_eq!(
        rt.block_on(c.check("use-application-dns.net"))
            .unwrap()
            .verdict,
        CheckVerdict::Special
    );
    assert_eq!(
        rt.block_on(c.check("example.org")).unwrap().verdict,
        CheckVerdict::Unlisted
    );
    rt.block_on(c.resume()).unwrap();
    assert_eq!(
        rt.block_on(c.check("www.omegle.com")).unwrap().verdict,
        CheckVerdict::Blocked
    );
}

/// Resident memory of a process, in KiB.
fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
}

#[test]
fn only_the_administrator_chooses_the_first_password_and_can_always_reset_it() {
    if !vigie_testkit::is_root() {
        return vigie_testkit::skip(
            "only_the_administrator_chooses_the_first_password",
            "needs root to run the service as root and a client as `nobody`",
        );
    }
    let upstream = Upstream::start();
    let v = Vigie::start(upstream.addr(), None, &[]);
    // The child, first at the console after `apt install`.
    let (code, out, err) = v.cli(&["password", "set"], "childs password\n", Some("nobody"));
    assert_ne!(code, 0, "{out}");
    assert!(
        err.contains("ask a parent to finish setting up Vigie"),
        "{err}"
    );
    let (status, body) = raw(
        &socket(&v),
        "POST",
        "/v1/auth/setup",
        &[("Content-Type", "application/json")],
        br#"{"password":"childs password"}"#,
    );
    assert_eq!(status, 201, "root's own request works: {body}");
    // That was root (this test); now the child cannot reset it either.
    let (code, _, err) = v.cli(&["password", "reset"], "childs password\n", Some("nobody"));
    assert_ne!(code, 0);
    assert!(err.contains("only the computer's administrator"), "{err}");
    // Root resets it without the current one; the old one stops working.
    let (code, out, err) = v.cli(&["password", "reset"], "the parents own\n", None);
    assert_eq!(code, 0, "{out}{err}");
    let rt = rt();
    assert_eq!(
        rt.block_on(v.client().login("childs password"))
            .unwrap_err()
            .status(),
        Some(401)
    );
    rt.block_on(v.client().login("the parents own")).unwrap();
    let events = std::fs::read_to_string(v.data.join("events.jsonl")).unwrap();
    assert!(events.contains("\"password-reset\""), "{events}");
}

#[test]
fn parallel_wrong_logins_get_only_the_allowance_and_memory_stays_bounded() {
    let Parent {
        _upstream,
        v,
        rt,
        c,
    } = signed_in();
    drop(c);
    let idle = rss_kib(v.pid());
    let sock = socket(&v);
    let peak = Arc::new(std::sync::atomic::AtomicU64::new(idle));
    let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let watcher = {
        let (peak, done, pid) = (peak.clone(), done.clone(), v.pid());
        std::thread::spawn(move || {
            while !done.load(std::sync::atomic::Ordering::Relaxed) {
                peak.fetch_max(rss_kib(pid), std::sync::atomic::Ordering::Relaxed);
                std::thread::sleep(Duration::from_millis(5));
            }
        })
    };
    let burst: Vec<_> = (0..100)
        .map(|_| {
            let sock = sock.clone();
            std::thread::spawn(move || {
                // One account may hold only so many connections: past that the service closes
                // them at once, which `raw` shows as a panic and this test counts as status 0.
                std::panic::catch_unwind(|| {
                    raw(
                        &sock,
                        "POST",
                        "/v1/auth/login",
                        &[("Content-Type", "application/json")],
                        br#"{"password":"a wrong guess"}"#,
                    )
                    .0
                })
                .unwrap_or(0)
            })
        })
        .collect();
    let statuses: Vec<u16> = burst.into_iter().map(|t| t.join().unwrap()).collect();
    done.store(true, std::sync::atomic::Ordering::Relaxed);
    watcher.join().unwrap();
    let wrong = statuses.iter().filter(|s| **s == 401).count();
    let throttled = statuses.iter().filter(|s| **s == 429).count();
    let refused = statuses.iter().filter(|s| **s == 0).count();
    assert_eq!(wrong, 3, "only the free tries are evaluated: {statuses:?}");
    assert_eq!(
        throttled + refused,
        97,
        "the rest wait or are not let in: {statuses:?}"
    );
    let peak = peak.load(std::sync::atomic::Ordering::Relaxed);
    assert!(
        peak < idle + 80 * 1024,
        "one hash at a time: idle {idle} KiB, peak {peak} KiB"
    );
    let after = rss_kib(v.pid());
    eprintln!("login burst: idle {idle} KiB, peak {peak} KiB, after {after} KiB");
    assert!(
        after < idle + 40 * 1024,
        "memory returns near idle: idle {idle} KiB, after {after} KiB"
    );
    // The throttle survives a restart of the service: the count is on disk.
    let _ = rt;
    let saved = std::fs::read_to_string(v.data.join("login-throttle.json")).unwrap();
    assert!(saved.contains("\"failures\":3"), "{saved}");
}

#[test]
fn a_parent_session_cannot_make_an_account_password_free() {
    if !vigie_testkit::is_root() {
        return vigie_testkit::skip(
            "a_parent_session_cannot_make_an_account_password_free",
            "needs root to send a request as `nobody`",
        );
    }
    let Parent {
        _upstream,
        v,
        rt,
        c,
    } = signed_in();
    let current = rt.block_on(c.settings()).unwrap();
    let mut wanted = current.value.clone();
    wanted.parents.uids = vec![65534];
    let body = serde_json::to_string(&wanted).unwrap();
    // The session was opened by the parent; the request comes from the child's account, as it
    // would from the console running there.
    let token = rt.block_on(v.client().login(PASSWORD)).unwrap().token;
    let (code, out, err) = crate::util::run_with_stdin(
        {
            let mut cmd = Command::new("setpriv");
            cmd.args([
                "--reuid=nobody",
                "--regid=nogroup",
                "--clear-groups",
                "curl",
            ])
            .args(["-s", "-w", "\n%{http_code}", "--unix-socket"])
            .arg(socket(&v))
            .args(["-X", "PUT", "http://vigie/v1/settings"])
            .args(["-H", "Content-Type: application/json"])
            .arg("-H")
            .arg(format!("Authorization: Bearer {token}"))
            .arg("-H")
            .arg(format!("If-Match: {}", current.etag))
            .args(["--data-binary", &body]);
            cmd
        },
        "",
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.trim_end().ends_with("403"), "{out}");
    assert!(out.contains("administrator"), "{out}");
    assert!(
        rt.block_on(c.settings())
            .unwrap()
            .value
            .parents
            .uids
            .is_empty(),
        "nothing was saved"
    );
    // The administrator (this test runs as root) may, and it is journaled.
    let put = rt.block_on(c.put_settings(&wanted, &current.etag)).unwrap();
    assert_eq!(put.value.parents.uids, [65534]);
    let events = std::fs::read_to_string(v.data.join("events.jsonl")).unwrap();
    assert!(events.contains("\"parents-changed\""), "{events}");
    // The console shows the parent accounts by name, from status, which only a parent is told.
    let named = |status: &vigie_localapi::Status| {
        status
            .parent_accounts
            .iter()
            .map(|a| (a.uid, a.name.clone()))
            .collect::<Vec<_>>()
    };
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    let status = loop {
        let status = rt.block_on(c.status()).unwrap();
        if !status.parent_accounts.is_empty() || std::time::Instant::now() > deadline {
            break status;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(named(&status), [(65534, "nobody".to_string())]);
    let (code, out, err) = crate::util::run_with_stdin(
        {
            let mut cmd = Command::new("setpriv");
            cmd.args(["--reuid=daemon", "--regid=daemon", "--clear-groups", "curl"])
                .args(["-s", "--unix-socket"])
                .arg(socket(&v))
                .arg("http://vigie/v1/status");
            cmd
        },
        "",
    );
    assert_eq!(code, 0, "{err}");
    let other: vigie_localapi::Status = serde_json::from_str(&out).unwrap();
    assert!(!other.full, "{out}");
    assert!(
        named(&other).is_empty(),
        "another account is not told who the parents are: {out}"
    );
}

#[test]
fn a_flood_of_idle_connections_locks_out_neither_another_account_nor_dns() {
    if !vigie_testkit::is_root() {
        return vigie_testkit::skip(
            "a_flood_of_idle_connections_locks_out_neither_another_account_nor_dns",
            "needs root to connect as another account",
        );
    }
    let upstream = Upstream::start();
    let v = Vigie::start(upstream.addr(), None, &[]);
    // One account opens far more connections than it may, each with half a request.
    let mut idle = Vec::new();
    for _ in 0..600 {
        if let Ok(mut s) = UnixStream::connect(socket(&v)) {
            let _ = s.write_all(b"GET /v1/status HTTP/1.1\r\nHost: vig");
            idle.push(s);
        }
    }
    // Another account (the parent's, say) is still served, and so is DNS, forwarding included.
    let (code, out, err) = v.cli(&["status", "--json"], "", Some("nobody"));
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("\"password_set\""), "{out}");
    let forwarded = v.udp("www.example.test", RecordType::A);
    assert_eq!(forwarded.answers.len(), 1, "{forwarded:?}");
    assert_ne!(forwarded.answers[0].data.to_string(), "127.0.0.88");
    assert_eq!(
        v.udp("www.omegle.com", RecordType::A).answers[0]
            .data
            .to_string(),
        "127.0.0.88"
    );
    // The flooding account's own connections past its share were closed straight away.
    let mut closed = 0;
    for s in &mut idle {
        s.set_read_timeout(Some(Duration::from_millis(20))).unwrap();
        // Closed with our half request unread: an end of file, or a reset.
        match s.read(&mut [0u8; 1]) {
            Ok(0) => closed += 1,
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => closed += 1,
            _ => {}
        }
    }
    assert!(closed >= 500, "{closed} of {} closed", idle.len());
}

#[test]
fn status_names_the_lists_that_are_off_and_tells_other_accounts_only_what_they_need() {
    if !vigie_testkit::is_root() {
        return vigie_testkit::skip(
            "status_names_the_lists_that_are_off",
            "needs root to ask as another account",
        );
    }
    let Parent {
        _upstream,
        v,
        rt,
        c,
    } = signed_in();
    rt.block_on(c.set_list_enabled("stranger-chat", false))
        .unwrap();
    rt.block_on(c.pause(30)).unwrap();
    let _ = rt.block_on(v.client().login("a wrong guess"));
    let parent = rt.block_on(c.status()).unwrap();
    assert!(parent.full);
    assert_eq!(parent.lists_off, ["Omegle and clones"]);
    assert!(parent.paused && parent.paused_until.is_some());
    let (code, out, _) = v.cli(&["status"], "", None);
    assert_eq!(code, 0);
    assert!(out.contains("PAUSED until"), "{out}");
    rt.block_on(c.resume()).unwrap();
    let (_, out, _) = v.cli(&["status"], "", None);
    assert!(
        out.contains("only partly protected") && out.contains("Omegle and clones"),
        "{out}"
    );

    rt.block_on(c.pause(30)).unwrap();
    let (code, out, err) = v.cli(&["status", "--json"], "", Some("nobody"));
    assert_eq!(code, 0, "{err}");
    let child: vigie_localapi::Status = serde_json::from_str(&out).unwrap();
    assert!(!child.full);
    assert!(
        child.paused,
        "the child's notifier may say protection is paused"
    );
    assert_eq!(child.paused_until, None, "but not until when");
    assert_eq!(child.failed_logins, 0);
    assert!(child.lists_off.is_empty());
    assert_eq!(child.attempts_today, 0);
    assert!(child.password_set);
}

#[test]
fn lookups_from_any_loopback_address_are_one_client_in_the_journal() {
    let Parent {
        _upstream,
        v,
        rt,
        c,
    } = signed_in();
    let q = crate::util::query_message("www.omegle.com", RecordType::A, true)
        .to_vec()
        .unwrap();
    for last in 2..=41u8 {
        let sock =
            std::net::UdpSocket::bind((std::net::Ipv4Addr::new(127, 0, 0, last), 0)).unwrap();
        sock.set_read_timeout(Some(Duration::from_secs(3))).unwrap();
        sock.send_to(&q, v.dns).unwrap();
        let mut buf = [0u8; 512];
        sock.recv_from(&mut buf).expect("an answer");
    }
    let page = rt.block_on(c.attempts(&AttemptQuery::default())).unwrap();
    let omegle: Vec<_> = page.entries.iter().filter(|a| a.site == "Omegle").collect();
    assert_eq!(omegle.len(), 1, "{omegle:?}");
    assert_eq!(omegle[0].client, "127.0.0.1");
    assert_eq!(omegle[0].count, 40);
}

/// The message id and English words of a refusal.
fn refusal(e: &Error) -> (&str, String) {
    let m = e.i18n().unwrap_or_else(|| panic!("no message with {e}"));
    (m.id.as_str(), vigie_i18n::Lang::En.render(m))
}

#[test]
fn refusals_of_pasted_addresses_carry_their_message() {
    use vigie_i18n::Lang;
    let Parent {
        _upstream,
        v,
        rt,
        c,
    } = signed_in();
    for (bad, id) in [
        ("https://1.2.3.4/chat", "reason-ip-address"),
        ("co.uk", "reason-public-suffix"),
        ("", "reason-empty-name"),
        ("a b.com", "reason-bad-character"),
    ] {
        let e = rt.block_on(c.add_site(bad, None, None)).unwrap_err();
        assert_eq!(e.status(), Some(422), "{bad}: {e}");
        let (got, english) = refusal(&e);
        assert_eq!(got, id, "{bad}: {e}");
        assert_eq!(english, e.to_string(), "{bad}: the same words");
        let e = rt.block_on(c.allow(bad, None)).unwrap_err();
        assert_eq!(refusal(&e).0, id, "allow {bad}: {e}");
    }
    let e = rt.block_on(c.add_site("1.2.3.4", None, None)).unwrap_err();
    let fr = Lang::Fr.render(e.i18n().unwrap());
    assert!(
        fr.contains("1.2.3.4") && fr.contains("est une adresse IP"),
        "{fr}"
    );
    let e = rt
        .block_on(c.add_site("a.example", Some(&"x".repeat(101)), None))
        .unwrap_err();
    assert_eq!(refusal(&e).0, "api-site-name-too-long");

    // On the wire: the English words, and the message next to them.
    let token = signed_token(&v, &rt);
    let (status, body) = raw(
        &socket(&v),
        "POST",
        "/v1/sites",
        &[
            ("Authorization", &format!("Bearer {token}")),
            ("Content-Type", "application/json"),
        ],
        br#"{"input":"1.2.3.4"}"#,
    );
    assert_eq!(status, 422, "{body}");
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        json["message"],
        serde_json::json!({"id": "reason-ip-address", "args": {"name": "1.2.3.4"}}),
        "{body}"
    );
    assert!(
        json["error"].as_str().unwrap().contains("is an IP address"),
        "{body}"
    );
}

/// A second session for raw exchanges.
fn signed_token(v: &Vigie, rt: &tokio::runtime::Runtime) -> String {
    let mut c = v.client();
    rt.block_on(c.login(PASSWORD)).unwrap().token
}

#[test]
fn check_explains_with_a_message_in_both_languages() {
    use vigie_i18n::Lang;
    use vigie_localapi::CheckVerdict;
    let Parent {
        _upstream,
        v: _v,
        rt,
        c,
    } = signed_in();
    let cases = [
        ("www.omegle.com", CheckVerdict::Blocked, "check-blocked"),
        ("example.org", CheckVerdict::Unlisted, "check-unlisted"),
        (
            "use-application-dns.net",
            CheckVerdict::Special,
            "check-special",
        ),
        ("1.2.3.4", CheckVerdict::Invalid, "reason-ip-address"),
    ];
    for (name, verdict, id) in cases {
        let check = rt.block_on(c.check(name)).unwrap();
        assert_eq!(check.verdict, verdict, "{check:?}");
        let m = check.message.as_ref().expect("a message");
        assert_eq!(m.id, id, "{check:?}");
        assert_eq!(Lang::En.render(m), check.explanation, "{check:?}");
        assert_ne!(Lang::Fr.render(m), check.explanation, "{check:?}");
    }
    let blocked = rt.block_on(c.check("www.omegle.com")).unwrap();
    let fr = Lang::Fr.render(blocked.message.as_ref().unwrap());
    assert!(fr.starts_with("Bloqué\u{a0}: c’est Omegle"), "{fr}");
    let special = rt.block_on(c.check("use-application-dns.net")).unwrap();
    let fr = Lang::Fr.render(special.message.as_ref().unwrap());
    assert!(fr.contains("Firefox"), "{fr}");

    rt.block_on(c.pause(30)).unwrap();
    let paused = rt.block_on(c.check("www.omegle.com")).unwrap();
    assert_eq!(paused.verdict, CheckVerdict::Paused);
    let m = paused.message.as_ref().unwrap();
    assert_eq!(m.id, "check-paused");
    assert_eq!(Lang::En.render(m), paused.explanation);
    assert!(Lang::Fr.render(m).starts_with("La protection est en pause"));
}

#[test]
fn a_broken_list_file_is_reported_with_a_message() {
    use vigie_i18n::Lang;
    let Parent {
        _upstream,
        v,
        rt,
        c,
    } = signed_in();
    v.write_config(
        "lists/mine.toml",
        "[list]\nid = \"mine\"\nname = \"Mine\"\ndescription = \"d\"\ncategory = \"c\"\n[[site]]\nname = \"X\"\ndomains = [\"co.uk\"]\n",
    );
    let status = || rt.block_on(c.status()).unwrap();
    eventually(Duration::from_secs(2), || {
        status().last_reload_error.is_some()
    })
    .expect("the reload fails");
    let s = status();
    let m = s.last_reload_message.as_ref().expect("a message");
    assert_eq!(m.id, "file-error-at", "{m:?}");
    assert_eq!(Some(Lang::En.render(m)), s.last_reload_error);
    let fr = Lang::Fr.render(m);
    assert!(
        fr.contains("mine.toml:8:") && fr.contains("terminaison commune"),
        "{fr}"
    );

    // Through the API, a list file that does not parse is a 409 with the file's problem.
    v.write_config("lists/my-sites.toml", "[list\n");
    let e = rt
        .block_on(c.add_site("a.example", None, None))
        .unwrap_err();
    assert_eq!(e.status(), Some(409), "{e}");
    let m = e.i18n().expect("a message");
    assert_eq!(m.id, "api-file-broken", "{m:?}");
    assert_eq!(Lang::En.render(m), e.to_string());
}

#[test]
fn status_says_what_the_redirect_check_found() {
    let Parent {
        _upstream,
        v,
        rt,
        c,
    } = signed_in();
    assert_eq!(
        rt.block_on(c.status()).unwrap().redirect,
        None,
        "no redirect here"
    );
    std::fs::write(v.runtime.join("redirect.state"), "failed\n").unwrap();
    assert_eq!(
        rt.block_on(c.status()).unwrap().redirect.as_deref(),
        Some("failed")
    );
    let (code, out, _) = v.cli(&["status"], "", None);
    assert_eq!(code, 0);
    assert!(out.contains("the DNS redirect is not in force"), "{out}");
    std::fs::write(v.runtime.join("redirect.state"), "active\n").unwrap();
    let (_, out, _) = v.cli(&["status"], "", None);
    assert!(!out.contains("redirect"), "{out}");
}

/// A change through the API is in force when its answer comes, even while the file watcher is
/// still reloading the change before it: two reloads that overlapped used to let the one that
/// read the files first finish last, and put the older settings back for a moment.
#[test]
fn each_list_change_is_in_force_when_the_api_answers() {
    let Parent {
        _upstream,
        v,
        rt,
        c,
    } = signed_in();
    let answer = |name: &str| {
        v.udp(name, RecordType::A)
            .answers
            .first()
            .map(|r| r.data.to_string())
    };
    for round in 0..40 {
        // Alternate quickly, so that the watcher's reload of one change runs while the next
        // one is made; a short, varying pause moves where the two meet.
        rt.block_on(c.set_list_enabled("stranger-chat", false))
            .unwrap();
        assert_eq!(
            answer("www.omegle.com").as_deref(),
            Some("192.0.2.99"),
            "round {round}: off"
        );
        std::thread::sleep(Duration::from_millis(20 + (round % 7) * 20));
        rt.block_on(c.set_list_enabled("stranger-chat", true))
            .unwrap();
        assert_eq!(
            answer("www.omegle.com").as_deref(),
            Some("127.0.0.88"),
            "round {round}: on again"
        );
        std::thread::sleep(Duration::from_millis(20 + (round % 5) * 30));
    }
}
