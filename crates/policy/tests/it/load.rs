//! Loading a config directory: defaults, the parent's lists, settings, and errors that keep
//! nothing half-loaded.

use vigie_policy::{Decision, Error, Origin, Policy};

use crate::util::{list_toml, write};

#[test]
fn a_missing_config_dir_means_shipped_lists_and_defaults() {
    let dir = tempfile::tempdir().unwrap();
    let loaded = Policy::load(&dir.path().join("nope")).unwrap();
    assert!(loaded.warnings.is_empty());
    let p = loaded.policy;
    assert!(
        p.lists
            .iter()
            .all(|l| l.origin == Origin::Shipped && l.enabled)
    );
    assert!(p.matcher.decide("www.omegle.com").is_blocked());
    assert!(p.matcher.decide("dns.google").is_blocked());
    assert_eq!(p.matcher.decide("example.org"), Decision::Unlisted);
}

#[test]
fn the_parents_sites_and_allowlist_take_effect() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "lists/my-sites.toml",
        &list_toml(
            "my-sites",
            "block",
            "Example chat",
            &["https://www.Example-Chat.test/room"],
        ),
    );
    write(
        dir.path(),
        "lists/allowed.toml",
        &list_toml("allowed", "allow", "Homework", &["dns.google"]),
    );
    let p = Policy::load(dir.path()).unwrap().policy;
    match p.matcher.decide("www.example-chat.test") {
        Decision::Blocked(r) => {
            assert_eq!(
                (&*r.list.id, &**r.site, r.rule),
                ("my-sites", "Example chat", "www.example-chat.test")
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(
        matches!(p.matcher.decide("dns.google"), Decision::Allowed(r) if &**r.site == "Homework")
    );
    assert!(
        matches!(&p.list("my-sites").unwrap().origin, Origin::File(f) if f.ends_with("lists/my-sites.toml"))
    );
}

#[test]
fn settings_turn_shipped_lists_off_and_unknown_ids_warn() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "settings.toml",
        "[lists]\ndns-bypass = false\nno-such-list = true\n",
    );
    let loaded = Policy::load(dir.path()).unwrap();
    assert!(!loaded.policy.list("dns-bypass").unwrap().enabled);
    assert!(!loaded.policy.matcher.decide("dns.google").is_blocked());
    assert!(loaded.policy.matcher.decide("omegle.com").is_blocked());
    assert_eq!(loaded.warnings.len(), 1);
    assert!(
        loaded.warnings[0]
            .to_string()
            .contains("lists.no-such-list"),
        "{}",
        loaded.warnings[0]
    );
}

#[test]
fn every_broken_file_is_reported_and_no_policy_results() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "settings.toml", "[blocking]\nttl = -1\n");
    write(
        dir.path(),
        "lists/a.toml",
        "[list]\nid = \"a\"\nname = \"A\"\n[[site]]\nname = \"S\"\ndomains = [\"co.uk\"]\n",
    );
    write(dir.path(), "lists/b.toml", "this is not toml");
    write(
        dir.path(),
        "lists/c.toml",
        &list_toml("c", "block", "Fine", &["fine.example"]),
    );
    let Err(Error::Invalid { problems }) = Policy::load(dir.path()) else {
        panic!("expected problems")
    };
    let text: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert_eq!(text.len(), 3, "{text:#?}");
    assert!(text[0].contains("settings.toml:2:"), "{}", text[0]);
    assert!(
        text[1].contains("a.toml:6:") && text[1].contains("co.uk"),
        "{}",
        text[1]
    );
    assert!(text[2].contains("b.toml:1:"), "{}", text[2]);
}

#[test]
fn a_parent_list_cannot_reuse_a_shipped_id() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "lists/mine.toml",
        &list_toml("stranger-chat", "allow", "Sneaky", &["omegle.com"]),
    );
    let e = Policy::load(dir.path()).unwrap_err();
    assert!(
        matches!(e, Error::DuplicateList { ref id, .. } if id == "stranger-chat"),
        "{e}"
    );
}

#[test]
fn hidden_files_and_editor_leftovers_are_not_lists() {
    let dir = tempfile::tempdir().unwrap();
    for name in [
        ".#mine.toml",
        "mine.toml~",
        "mine.toml.swp",
        ".hidden.toml",
        "notes.txt",
    ] {
        write(
            dir.path(),
            &format!("lists/{name}"),
            "garbage that would not parse",
        );
    }
    assert!(Policy::load(dir.path()).is_ok());
}

#[test]
fn community_lists_in_other_formats_are_imported_with_warnings() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "lists/community.hosts",
        "# a hosts file\n127.0.0.1 localhost\n0.0.0.0 ads.example\n0.0.0.0 bad_name.example\n",
    );
    write(dir.path(), "lists/more.txt", "||tracker.example^\n");
    write(dir.path(), "lists/Bad Name.txt", "x.example\n");
    let e = Policy::load(dir.path()).unwrap_err();
    assert!(
        e.to_string().contains("the file name is the list's id"),
        "{e}"
    );
    std::fs::remove_file(dir.path().join("lists/Bad Name.txt")).unwrap();

    let loaded = Policy::load(dir.path()).unwrap();
    let p = &loaded.policy;
    assert!(
        matches!(p.matcher.decide("www.ads.example"), Decision::Blocked(r) if &*r.list.id == "community")
    );
    assert!(
        matches!(p.matcher.decide("tracker.example"), Decision::Blocked(r) if &*r.list.id == "more")
    );
    assert_eq!(loaded.warnings.len(), 1, "{:?}", loaded.warnings);
    let w = loaded.warnings[0].to_string();
    assert!(
        w.contains("1 names taken, 2 skipped") && w.contains("line 2"),
        "{w}"
    );
}
