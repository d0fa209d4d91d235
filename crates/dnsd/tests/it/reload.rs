//! Hot reload: hand edits of the config folder take effect within a second; a broken file keeps
//! the last good policy.

use std::time::Duration;

use hickory_proto::rr::RecordType;

use crate::upstream::Upstream;
use crate::util::{Vigie, eventually, list_toml};

fn blocked(v: &Vigie, name: &str) -> bool {
    let m = v.udp(name, RecordType::A);
    m.answers.iter().any(|r| r.data.to_string() == "127.0.0.88")
}

#[test]
fn adding_and_removing_a_site_by_hand_takes_effect_within_a_second() {
    let upstream = Upstream::start();
    let v = Vigie::start(upstream.addr(), None, &[]);
    // Asked first, so its upstream answer sits in the cache when the policy changes.
    assert!(!blocked(&v, "www.chat.example.test"));

    v.write_config(
        "lists/mine.toml",
        &list_toml("mine", "block", "Example chat", &["chat.example.test"]),
    );
    let took = eventually(Duration::from_secs(1), || {
        blocked(&v, "www.chat.example.test")
    })
    .expect("the new site is blocked within 1 s");
    eprintln!("site added: blocked after {took:?}");

    std::fs::remove_file(v.config.join("lists/mine.toml")).unwrap();
    let took = eventually(Duration::from_secs(1), || {
        !blocked(&v, "www.chat.example.test")
    })
    .expect("the removed site resolves again within 1 s");
    eprintln!("site removed: resolves after {took:?}");
}

#[test]
fn a_broken_file_keeps_the_last_good_policy_and_says_why() {
    let upstream = Upstream::start();
    let mine = list_toml("mine", "block", "Example chat", &["chat.example.test"]);
    let v = Vigie::start(upstream.addr(), None, &[("lists/mine.toml", &mine)]);
    assert!(blocked(&v, "chat.example.test"));

    v.write_config(
        "lists/mine.toml",
        "[list]\nid = \"mine\"\nname = \"Mine\"\n[[site]]\nname = \"X\"\ndomains = [\"co.uk\"]\n",
    );
    let stderr = eventually(Duration::from_secs(2), || {
        v.stderr().contains("was not applied")
    });
    assert!(stderr.is_some(), "the error is reported:\n{}", v.stderr());
    let err = v.stderr();
    assert!(
        err.contains("mine.toml:6:") && err.contains("co.uk"),
        "file, line and reason:\n{err}"
    );
    assert!(
        blocked(&v, "chat.example.test"),
        "the last good policy stays in force"
    );
    assert!(blocked(&v, "omegle.com"));

    // Fixing the file applies it.
    v.write_config(
        "lists/mine.toml",
        &list_toml("mine", "block", "Other", &["other.example.test"]),
    );
    eventually(Duration::from_secs(1), || blocked(&v, "other.example.test"))
        .expect("the fix applies");
    assert!(!blocked(&v, "chat.example.test"));
}

#[test]
fn settings_edits_apply_too() {
    let upstream = Upstream::start();
    let v = Vigie::start(upstream.addr(), None, &[]);
    assert!(blocked(&v, "dns.google"));
    v.write_config("settings.toml", "[lists]\ndns-bypass = false\n");
    eventually(Duration::from_secs(1), || !blocked(&v, "dns.google")).expect("list turned off");
    assert!(blocked(&v, "omegle.com"));
}
