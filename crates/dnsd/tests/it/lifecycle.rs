//! Start-up messages, bad flags, the journal on disk, the block page, and clean shutdown.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Command;

use hickory_proto::rr::RecordType;

use crate::upstream::Upstream;
use crate::util::{Vigie, free_port};

#[test]
fn start_up_says_what_was_loaded() {
    let upstream = Upstream::start();
    let v = Vigie::start(upstream.addr(), None, &[]);
    let out = v.stdout.lock().unwrap().clone();
    assert!(
        out.contains(&format!("Vigie is filtering DNS on {}", v.dns)),
        "{out}"
    );
    assert!(out.contains("list stranger-chat"), "{out}");
    assert!(out.contains("domains enforced"), "{out}");
    assert!(
        out.contains(&format!("upstream: {} (udp+tcp)", upstream.addr())),
        "{out}"
    );
}

fn vigie(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_vigie"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn bad_flags_and_loops_get_a_one_line_reason() {
    let (code, err) = vigie(&["run", "--listen", "nonsense"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("invalid value 'nonsense'"), "{err}");

    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let listen = format!("127.0.0.1:{port}");
    let d = dir.path().to_str().unwrap();
    let (code, err) = vigie(&[
        "run",
        "--config-dir",
        d,
        "--data-dir",
        d,
        "--listen",
        &listen,
        "--upstream",
        &listen,
    ]);
    assert_eq!(code, 5, "{err}");
    assert!(err.contains("loop"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "one line: {err}");

    // Taken port: exit 4 with the address in the reason.
    let holder = std::net::UdpSocket::bind(("127.0.0.1", port)).unwrap();
    let (code, err) = vigie(&[
        "run",
        "--config-dir",
        d,
        "--data-dir",
        d,
        "--listen",
        &listen,
        "--upstream",
        "127.0.0.1:9",
    ]);
    assert_eq!(code, 4, "{err}");
    assert!(err.contains(&listen), "{err}");
    drop(holder);
}

#[test]
fn the_block_page_names_the_site() {
    let upstream = Upstream::start();
    let v = Vigie::start(upstream.addr(), None, &[]);
    let mut s = TcpStream::connect(v.page).unwrap();
    s.write_all(b"GET /chat?x=1 HTTP/1.1\r\nHost: www.omegle.com\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut page = String::new();
    s.read_to_string(&mut page).unwrap();
    assert!(page.starts_with("HTTP/1.1 403"), "{page}");
    assert!(
        page.to_ascii_lowercase()
            .contains("cache-control: no-store"),
        "{page}"
    );
    assert!(
        page.contains("Omegle is blocked on this computer"),
        "{page}"
    );
    assert!(page.contains("talk to a parent"), "{page}");
}

/// Stops Vigie with SIGTERM and reads its journal, folding lines by id as the reader does.
fn journal_after_stop(v: &mut Vigie) -> Vec<serde_json::Value> {
    let status = v.terminate();
    assert!(
        status.success(),
        "clean exit on SIGTERM: {status:?}\n{}",
        v.stderr()
    );
    assert!(v.stdout.lock().unwrap().contains("Vigie stopped."));
    let mut entries = std::collections::BTreeMap::new();
    for entry in std::fs::read_dir(v.data.join("journal")).unwrap() {
        let path = entry.unwrap().path();
        assert!(
            path.extension().is_some_and(|e| e == "jsonl"),
            "{}",
            path.display()
        );
        for line in std::fs::read_to_string(&path).unwrap().lines() {
            let value: serde_json::Value = serde_json::from_str(line).unwrap();
            entries.insert(value["id"].as_u64().unwrap(), value);
        }
    }
    entries.into_values().collect()
}

#[test]
fn attempts_are_journaled_once_per_visit_and_flushed_on_shutdown() {
    let upstream = Upstream::start();
    let mut v = Vigie::start(
        upstream.addr(),
        Some("[journal]\nmerge-window-secs = 30\n"),
        &[],
    );
    // One visit: A, AAAA and HTTPS, and a retry.
    for t in [
        RecordType::A,
        RecordType::AAAA,
        RecordType::HTTPS,
        RecordType::A,
    ] {
        v.udp("www.omegle.com", t);
    }
    // Another site.
    v.tcp("ome.tv", RecordType::A);

    let entries = journal_after_stop(&mut v);
    assert_eq!(entries.len(), 2, "{entries:#?}");
    let omegle = entries
        .iter()
        .find(|e| e["name"] == "www.omegle.com")
        .expect("omegle entry");
    assert_eq!(omegle["count"], 4);
    assert_eq!(omegle["site"], "Omegle");
    assert_eq!(omegle["list"], "stranger-chat");
    assert_eq!(omegle["rule"], "omegle.com");
    assert_eq!(omegle["client"], "127.0.0.1");
    let mut types: Vec<_> = omegle["types"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    types.sort();
    assert_eq!(types, ["A", "AAAA", "HTTPS"]);
    assert!(
        entries
            .iter()
            .any(|e| e["site"] == "OmeTV" && e["count"] == 1)
    );
}

#[test]
fn an_attempt_through_a_cname_names_the_cname() {
    let upstream = Upstream::start();
    let mut v = Vigie::start(upstream.addr(), None, &[]);
    v.udp("sneaky.example.test", RecordType::A);
    let entries = journal_after_stop(&mut v);
    assert_eq!(entries.len(), 1, "{entries:#?}");
    assert_eq!(entries[0]["name"], "sneaky.example.test");
    assert_eq!(entries[0]["site"], "Omegle");
    assert_eq!(entries[0]["cname"], "chat.omegle.com");
}

/// Asks the block page for `host` with an optional `Accept-Language`; the raw answer.
fn block_page(v: &Vigie, host: &str, accept_language: Option<&str>) -> String {
    let mut s = TcpStream::connect(v.page).unwrap();
    let language = accept_language.map_or(String::new(), |l| format!("Accept-Language: {l}\r\n"));
    write!(
        s,
        "GET / HTTP/1.1\r\nHost: {host}\r\n{language}Connection: close\r\n\r\n"
    )
    .unwrap();
    let mut page = String::new();
    s.read_to_string(&mut page).unwrap();
    page
}

#[test]
fn the_block_page_speaks_the_browsers_language() {
    let upstream = Upstream::start();
    let v = Vigie::start(upstream.addr(), None, &[]);

    let fr = block_page(&v, "www.omegle.com", Some("fr-FR,fr;q=0.9"));
    let lower = fr.to_ascii_lowercase();
    assert!(fr.starts_with("HTTP/1.1 403"), "{fr}");
    assert!(lower.contains("content-language: fr"), "{fr}");
    assert!(lower.contains("vary: accept-language"), "{fr}");
    assert!(fr.contains(r#"<html lang="fr">"#), "{fr}");
    assert!(fr.contains("Omegle est bloqué sur cet ordinateur"), "{fr}");
    assert!(fr.contains("parles-en à un parent"), "{fr}");
    assert!(!fr.contains("talk to a parent"), "{fr}");
    // The list's own name in French too.
    assert!(
        fr.contains("«\u{202F}Omegle et ses clones\u{202F}»"),
        "{fr}"
    );

    // A brand block names the domain and the site it looks like, in French, never "looks like".
    let fr = block_page(&v, "www.omegle-clone.test", Some("fr"));
    assert!(
        fr.contains("<h1>omegle-clone.test est bloqué sur cet ordinateur</h1>"),
        "{fr}"
    );
    assert!(fr.contains("Il ressemble à Omegle"), "{fr}");
    assert!(!fr.contains("looks like"), "{fr}");
    let en = block_page(&v, "www.omegle-clone.test", None);
    assert!(en.contains("It looks like Omegle"), "{en}");
    assert!(en.contains("“Omegle and clones”"), "{en}");

    for accept in [Some("en-US,en;q=0.9"), None] {
        let en = block_page(&v, "www.omegle.com", accept);
        let lower = en.to_ascii_lowercase();
        assert!(lower.contains("content-language: en"), "{accept:?}: {en}");
        assert!(lower.contains("vary: accept-language"), "{accept:?}: {en}");
        assert!(en.contains(r#"<html lang="en">"#), "{accept:?}: {en}");
        assert!(
            en.contains("Omegle is blocked on this computer"),
            "{accept:?}: {en}"
        );
        assert!(en.contains("talk to a parent"), "{accept:?}: {en}");
    }

    // A visit that names no blocked site still gets the French page.
    let unknown = block_page(&v, "127.0.0.1", Some("fr-CA,en;q=0.5"));
    assert!(
        unknown.contains("Ce site est bloqué sur cet ordinateur"),
        "{unknown}"
    );
}
