//! Loading with the feeds folder: a subscription's kept copy becomes its list, whatever the copy
//! says about itself, and a copy that no longer reads is a warning, never a failed load.

use vigie_policy::subscription::body_path;
use vigie_policy::{Decision, Origin, Policy, subscription_id};

use crate::util::write;

const URL: &str = "https://lists.example/chat.txt";

fn settings(extra: &str) -> String {
    format!("[[subscription]]\nname = \"Community chat list\"\nurl = \"{URL}\"\n{extra}")
}

#[test]
fn a_kept_hosts_copy_blocks_under_the_subscriptions_name() {
    let config = tempfile::tempdir().unwrap();
    let feeds = tempfile::tempdir().unwrap();
    write(config.path(), "settings.toml", &settings(""));
    let id = subscription_id(URL);
    std::fs::write(
        body_path(feeds.path(), &id),
        "# a hosts file\n0.0.0.0 chat-clone.example\n0.0.0.0 localhost\n0.0.0.0 other-clone.example\n",
    )
    .unwrap();
    let loaded = Policy::load_with(config.path(), Some(feeds.path())).unwrap();
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    let p = loaded.policy;
    match p.matcher.decide("www.chat-clone.example") {
        Decision::Blocked(r) => {
            assert_eq!(&*r.list.id, id);
            assert_eq!(&**r.site, "Community chat list");
        }
        other => panic!("{other:?}"),
    }
    let list = p.list(&id).unwrap();
    assert_eq!(list.origin, Origin::Feed { id: id.clone() });
    assert_eq!(list.domains, 2);
    assert_eq!(
        list.file.list.description.english(),
        "Downloaded from lists.example"
    );

    // Without the feeds folder (or before the first download) it is a list with no domain.
    let p = Policy::load(config.path()).unwrap().policy;
    assert_eq!(p.list(&id).unwrap().domains, 0);
    assert_eq!(p.matcher.decide("chat-clone.example"), Decision::Unlisted);
}

#[test]
fn a_subscription_turned_off_blocks_nothing() {
    let config = tempfile::tempdir().unwrap();
    let feeds = tempfile::tempdir().unwrap();
    write(
        config.path(),
        "settings.toml",
        &settings("enabled = false\n"),
    );
    let id = subscription_id(URL);
    std::fs::write(body_path(feeds.path(), &id), "chat-clone.example\n").unwrap();
    let p = Policy::load_with(config.path(), Some(feeds.path()))
        .unwrap()
        .policy;
    assert!(!p.list(&id).unwrap().enabled);
    assert_eq!(p.matcher.decide("chat-clone.example"), Decision::Unlisted);
}

#[test]
fn a_vigie_format_copy_keeps_its_sites_but_not_its_id() {
    let config = tempfile::tempdir().unwrap();
    let feeds = tempfile::tempdir().unwrap();
    write(
        config.path(),
        "settings.toml",
        &settings("format = \"vigie\"\n"),
    );
    let id = subscription_id(URL);
    // It claims to be the parent's allowlist: it stays a block list with the subscription's id.
    std::fs::write(
        body_path(feeds.path(), &id),
        "[list]\nid = \"allowed\"\nname = \"Allowed\"\naction = \"allow\"\n\n[[site]]\nname = \"Chat clone\"\ndomains = [\"chat-clone.example\"]\n",
    )
    .unwrap();
    let p = Policy::load_with(config.path(), Some(feeds.path()))
        .unwrap()
        .policy;
    match p.matcher.decide("chat-clone.example") {
        Decision::Blocked(r) => {
            assert_eq!(&*r.list.id, id);
            assert_eq!(&**r.site, "Chat clone");
        }
        other => panic!("{other:?}"),
    }
    assert!(p.list("allowed").is_none());
}

#[test]
fn a_broken_kept_copy_is_a_warning_and_the_rest_loads() {
    let config = tempfile::tempdir().unwrap();
    let feeds = tempfile::tempdir().unwrap();
    write(
        config.path(),
        "settings.toml",
        &settings("format = \"vigie\"\n"),
    );
    write(
        config.path(),
        "lists/my-sites.toml",
        &crate::util::list_toml("my-sites", "block", "Mine", &["mine.example"]),
    );
    let id = subscription_id(URL);
    std::fs::write(body_path(feeds.path(), &id), "[list\nbroken").unwrap();
    let loaded = Policy::load_with(config.path(), Some(feeds.path())).unwrap();
    assert_eq!(loaded.warnings.len(), 1, "{:?}", loaded.warnings);
    assert!(
        loaded.warnings[0]
            .to_string()
            .contains(&format!("{id}.body")),
        "the warning names the copy: {}",
        loaded.warnings[0]
    );
    let p = loaded.policy;
    assert_eq!(p.list(&id).unwrap().domains, 0);
    assert!(p.matcher.decide("mine.example").is_blocked());
}

/// The shipped `stranger-chat` list with its sequence replaced and one more site.
fn vigie_feed_body(sequence: u64, clone: &str) -> String {
    let shipped = vigie_policy::SHIPPED
        .iter()
        .find(|(name, _)| *name == "stranger-chat.toml")
        .unwrap()
        .1;
    let old = vigie_policy::subscription::shipped_sequence();
    let text = shipped.replace(
        &format!("sequence = {old}"),
        &format!("sequence = {sequence}"),
    );
    format!(
        "{text}\n[[site]]\nname = \"{clone}\"\ndomains = [\"{clone}\"]\nsources = [\"a test\"]\n"
    )
}

#[test]
fn vigies_feed_replaces_the_shipped_list_only_when_newer_and_on() {
    use vigie_policy::subscription::{VIGIE_FEED_ID, shipped_sequence};
    let config = tempfile::tempdir().unwrap();
    let feeds = tempfile::tempdir().unwrap();
    let body = body_path(feeds.path(), VIGIE_FEED_ID);
    let load = || {
        Policy::load_with(config.path(), Some(feeds.path()))
            .unwrap()
            .policy
    };

    std::fs::write(
        &body,
        vigie_feed_body(shipped_sequence() + 1, "new-clone.example"),
    )
    .unwrap();
    let p = load();
    assert!(p.matcher.decide("new-clone.example").is_blocked());
    assert!(p.matcher.decide("omegle.com").is_blocked(), "its own sites");
    assert_eq!(p.list("stranger-chat").unwrap().origin, Origin::Shipped);

    // Off by the parent: the shipped list.
    write(config.path(), "settings.toml", "[feed]\nenabled = false\n");
    assert!(!load().matcher.decide("new-clone.example").is_blocked());
    std::fs::remove_file(config.path().join("settings.toml")).unwrap();

    // A package that ships a newer list than the copy kept: the shipped one wins.
    std::fs::write(
        &body,
        vigie_feed_body(shipped_sequence(), "stale-clone.example"),
    )
    .unwrap();
    assert!(!load().matcher.decide("stale-clone.example").is_blocked());

    // The list turned off in settings stays off with the feed's sites too.
    std::fs::write(
        &body,
        vigie_feed_body(shipped_sequence() + 2, "new-clone.example"),
    )
    .unwrap();
    write(
        config.path(),
        "settings.toml",
        "[lists]\nstranger-chat = false\n",
    );
    assert!(!load().matcher.decide("new-clone.example").is_blocked());
}
