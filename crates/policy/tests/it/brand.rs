//! Brand rules: what they match, what they never match, and where they stand in the decision.

use std::path::Path;

use proptest::prelude::*;
use vigie_policy::{
    Action, Brand, Decision, Domain, ListFile, ListMeta, Matcher, MatcherBuilder, Origin, Policy,
    RuleKind, Settings, shipped_lists,
};

use crate::util::write;

fn stranger_chat() -> ListFile {
    shipped_lists()
        .unwrap()
        .into_iter()
        .find(|l| l.list.id == "stranger-chat")
        .unwrap()
}

fn compile(lists: Vec<ListFile>) -> Matcher {
    Policy::compile(
        Settings::default(),
        lists.into_iter().map(|l| (l, Origin::Shipped)).collect(),
    )
    .matcher
}

fn brand(name: &str, text: &str, exceptions: &[&str]) -> Brand {
    Brand {
        name: name.into(),
        text: text.into(),
        sources: vec!["https://example.invalid/source".into()],
        exceptions: exceptions
            .iter()
            .map(|e| Domain::parse(e).unwrap())
            .collect(),
    }
}

/// A block list with `omegle.com` as a domain rule, and the given brands.
fn matcher(brands: &[Brand]) -> Matcher {
    let mut b = MatcherBuilder::new();
    let list = b.list(ListMeta {
        id: "chat".into(),
        name: "Chat".into(),
        action: Action::Block,
    });
    let site = b.site(list, "Omegle");
    b.domain(site, &Domain::parse("omegle.com").unwrap());
    for brand in brands {
        b.brand(list, brand);
    }
    b.build()
}

/// The brand and the registrable domain a name was blocked for, if a brand blocked it.
fn brand_hit(m: &Matcher, name: &str) -> Option<(String, String)> {
    match m.decide(name) {
        Decision::Blocked(r) => match r.kind {
            RuleKind::Brand { brand, .. } => Some((brand.to_string(), r.matched(name).into())),
            RuleKind::Domain => None,
        },
        _ => None,
    }
}

#[test]
fn every_shipped_brand_names_its_sources_and_is_in_a_block_list() {
    let mut count = 0;
    for list in shipped_lists().unwrap() {
        for b in &list.brands {
            count += 1;
            assert_eq!(list.list.action, Action::Block, "{}", b.name);
            assert!(!b.sources.is_empty(), "brand {} has no source", b.name);
            for s in &b.sources {
                assert!(s.starts_with("https://"), "{}: {s:?}", b.name);
            }
            assert!(b.text.len() >= vigie_policy::MIN_BRAND, "{}", b.name);
        }
    }
    assert!(
        count >= 10,
        "{count} brands shipped; the big clones' names are expected"
    );
}

#[test]
fn every_shipped_brand_is_used_by_a_domain_the_list_already_has() {
    // The list's own domains are the first evidence: a brand no listed clone uses has none.
    let chat = stranger_chat();
    for b in &chat.brands {
        let users: Vec<&str> = chat
            .domains()
            .map(|(_, d)| d.registrable())
            .filter(|r| r.split('.').next().unwrap().contains(b.text.as_str()))
            .collect();
        assert!(!users.is_empty(), "no listed domain uses brand {}", b.name);
    }
}

#[test]
fn shipped_brands_catch_clones_the_list_does_not_name() {
    let m = compile(vec![stranger_chat()]);
    // Names built on each brand under an ending no list uses (the list itself now holds the
    // clones seen in the brands' sources), then the start, end, middle, hyphen and shared-host
    // cases of the design.
    for (name, brand) in [
        ("ometv.quest", "OmeTV"),
        ("www.coomeet.quest", "CooMeet"),
        ("chatroulette.quest", "Chatroulette"),
        ("bazoocam.quest", "Bazoocam"),
        ("chatrandom.quest", "Chatrandom"),
        ("camsurf.quest", "CamSurf"),
        ("shagle.quest", "Shagle"),
        ("chatspin.quest", "Chatspin"),
        ("emeraldchat.quest", "Emerald Chat"),
        ("luckycrush.quest", "LuckyCrush"),
        ("flingster.quest", "Flingster"),
        ("dirtyroulette.quest", "DirtyRoulette"),
        ("chatruletka.quest", "Chatruletka"),
        ("omeglechat.com", "Omegle"),
        ("chatomegle.com", "Omegle"),
        ("myomegleapp.com", "Omegle"),
        ("omegle-chat.net", "Omegle"),
        ("free-omegle.co.uk", "Omegle"),
        ("omegle.blogspot.com", "Omegle"),
        ("Cdn.OmegleChat.NET.", "Omegle"),
    ] {
        for (_, d) in stranger_chat().domains() {
            assert_ne!(
                d.registrable(),
                name,
                "{name} is listed: pick another example"
            );
        }
        let hit = brand_hit(&m, name);
        assert_eq!(
            hit.as_ref().map(|h| h.0.as_str()),
            Some(brand),
            "{name} should look like {brand}"
        );
    }
}

#[test]
fn the_reason_says_it_is_a_brand_rule_and_names_the_brand() {
    let m = compile(vec![stranger_chat()]);
    let name = "www.omegle-clone.example";
    let Decision::Blocked(r) = m.decide(name) else {
        panic!("{name} should be blocked")
    };
    assert!(r.is_brand());
    assert_eq!(&**r.site, "looks like Omegle");
    assert_eq!(r.rule, "omegle");
    assert_eq!(&*r.list.id, "stranger-chat");
    assert_eq!(r.matched(name), "omegle-clone.example");
    assert_eq!(r.describe(name), "looks like Omegle: omegle-clone.example");
    assert!(matches!(
        r.kind,
        RuleKind::Brand {
            brand: "Omegle",
            registrable: 20
        }
    ));
    // A listed domain keeps its own reason.
    let Decision::Blocked(r) = m.decide("www.omegle.com") else {
        panic!()
    };
    assert!(!r.is_brand());
    assert_eq!(r.rule, "omegle.com");
    assert_eq!(r.matched("www.omegle.com."), "omegle.com");
    assert_eq!(r.describe("www.omegle.com"), "Omegle (omegle.com)");
}

#[test]
fn a_listed_domain_wins_over_a_brand_and_an_allowlist_over_both() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "lists/ok.toml",
        "[list]\nid = \"ok\"\nname = \"OK\"\naction = \"allow\"\n\n[[site]]\nname = \"School\"\ndomains = [\"omegle-history.example\", \"help.omeglechat.com\"]\n",
    );
    let m = Policy::load(dir.path()).unwrap().policy.matcher;
    assert!(matches!(
        m.decide("www.omegle-history.example"),
        Decision::Allowed(_)
    ));
    assert!(matches!(
        m.decide("help.omeglechat.com"),
        Decision::Allowed(_)
    ));
    assert!(brand_hit(&m, "omeglechat.com").is_some());
    // Listed under the Omegle look-alikes site: the domain rule is the reason.
    match m.decide("omegletv.click") {
        Decision::Blocked(r) => {
            assert_eq!(r.kind, RuleKind::Domain);
            assert_eq!(r.rule, "omegletv.click");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_list_that_is_off_has_no_brand_in_force() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "settings.toml",
        "[lists]\nstranger-chat = false\n",
    );
    let m = Policy::load(dir.path()).unwrap().policy.matcher;
    assert_eq!(m.brand_count(), 0);
    assert_eq!(m.decide("omeglechat.com"), Decision::Unlisted);
    let on = Policy::load(tempfile::tempdir().unwrap().path())
        .unwrap()
        .policy
        .matcher;
    assert_eq!(on.brand_count(), stranger_chat().brands.len());
}

#[test]
fn exceptions_leave_their_registrable_domain_alone() {
    let m = matcher(&[brand("OmeTV", "ometv", &["hometvshop.example"])]);
    assert_eq!(brand_hit(&m, "www.hometvshop.example"), None);
    assert_eq!(brand_hit(&m, "hometvshop.example"), None);
    // Only that registrable domain: the same label under another ending still matches.
    assert!(brand_hit(&m, "hometvshop.example.net").is_none());
    assert!(brand_hit(&m, "hometvshop.net").is_some());
}

#[test]
fn domain_rules_keep_their_label_boundaries() {
    let without = matcher(&[]);
    let with = matcher(&[brand("Omegle", "omegle", &[])]);
    // The domain rule never matches inside a label, with brands or without.
    assert_eq!(without.decide("notomegle.com"), Decision::Unlisted);
    assert_eq!(
        without.decide("omegle.com.evil.example"),
        Decision::Unlisted
    );
    // With brands, notomegle.com is blocked by the brand rule, never by `omegle.com`.
    match with.decide("notomegle.com") {
        Decision::Blocked(r) => {
            assert!(r.is_brand());
            assert_eq!(r.matched("notomegle.com"), "notomegle.com");
        }
        other => panic!("{other:?}"),
    }
    // A brand in a subdomain label is not a brand hit.
    assert_eq!(with.decide("omegle.com.evil.example"), Decision::Unlisted);
}

#[test]
fn brand_rules_in_list_files_are_validated() {
    let path = Path::new("lists/x.toml");
    let head = "[list]\nid = \"x\"\nname = \"X\"\n";
    let ok = format!(
        "{head}[[brand]]\nname = \"OmeTV\"\nmatch = \"ometv\"\nexceptions = [\"HomeTVshop.example\"]\n"
    );
    let list = ListFile::parse(&ok, path).unwrap().list;
    assert_eq!(list.brands[0].exceptions[0].as_str(), "hometvshop.example");
    let again = ListFile::parse(&list.to_toml(), path).unwrap().list;
    assert_eq!(again, list);
    for (bad, says) in [
        ("name = \"A\"\nmatch = \"ome\"\n", "5 to 63"),
        ("name = \"A\"\nmatch = \"OMEGLE\"\n", "lowercase"),
        ("name = \" \"\nmatch = \"omegle\"\n", "brand.name"),
        (
            "name = \"A\"\nmatch = \"omegle\"\nexceptions = [\"www.x-omegle.com\"]\n",
            "registrable",
        ),
        (
            "name = \"A\"\nmatch = \"omegle\"\nexceptions = [\"example.com\"]\n",
            "never match",
        ),
        ("name = \"A\"\nmatch = \"omegle\"\ncolour = 1\n", "colour"),
    ] {
        let text = format!("{head}[[brand]]\n{bad}");
        let e = ListFile::parse(&text, path).unwrap_err().to_string();
        assert!(e.contains(says), "{bad:?}: {e}");
    }
    let twice = format!(
        "{head}[[brand]]\nname = \"A\"\nmatch = \"omegle\"\n[[brand]]\nname = \"B\"\nmatch = \"omegle\"\n"
    );
    assert!(
        ListFile::parse(&twice, path)
            .unwrap_err()
            .to_string()
            .contains("already")
    );
    let allow = "[list]\nid = \"x\"\nname = \"X\"\naction = \"allow\"\n[[brand]]\nname = \"A\"\nmatch = \"omegle\"\n";
    assert!(
        ListFile::parse(allow, path)
            .unwrap_err()
            .to_string()
            .contains("only block")
    );
}

#[test]
fn no_shipped_domain_of_another_list_looks_like_a_brand() {
    let chat = stranger_chat();
    let m = compile(vec![chat.clone()]);
    for list in shipped_lists().unwrap() {
        if list.list.id == chat.list.id {
            continue;
        }
        for (_, d) in list.domains() {
            assert_eq!(brand_hit(&m, d.as_str()), None, "{} / {d}", list.list.id);
        }
    }
}

/// Names the service's tests ask in order to see a brand block.
const BRAND_TEST_NAMES: &[&str] = &["www.omegle-clone.test"];

#[test]
fn no_brand_matches_a_name_the_service_tests_expect_to_resolve() {
    // Every quoted name in the service's integration tests (the upstream test zone and every
    // name the tests ask): the brands must not block one that the domain rules leave alone,
    // or they would change what those tests see.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../dnsd/tests/it");
    let lists = shipped_lists().unwrap();
    let with = compile(lists.clone());
    let without = compile(
        lists
            .into_iter()
            .map(|mut l| {
                l.brands.clear();
                l
            })
            .collect(),
    );
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        for quoted in text.split('"').skip(1).step_by(2) {
            let name = quoted.trim_end_matches('.');
            let plain = name.contains('.')
                && name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.');
            if !plain || Domain::parse(name).is_err() {
                continue;
            }
            checked += 1;
            if BRAND_TEST_NAMES.contains(&name) {
                assert!(brand_hit(&with, name).is_some(), "{name}");
                continue;
            }
            if without.decide(name) == Decision::Unlisted {
                assert_eq!(
                    with.decide(name),
                    Decision::Unlisted,
                    "{name} ({}) would be blocked by a brand",
                    path.display()
                );
            }
        }
    }
    assert!(
        checked >= 20,
        "only {checked} names found in {}",
        dir.display()
    );
}

fn label() -> impl Strategy<Value = String> {
    "[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?"
}

proptest! {
    #[test]
    fn a_brand_inside_the_public_suffix_never_matches(
        site in label(),
        sub in proptest::option::of(label()),
        suffix in prop::sample::select(vec![
            "blogspot.com", "github.io", "herokuapp.com", "appspot.com", "msk.ru", "co.uk",
        ]),
    ) {
        // Brands spelled like the labels of those suffixes: only the site's own label is read.
        let m = matcher(&[
            brand("Blogspot", "blogspot", &[]),
            brand("GitHub", "github", &[]),
            brand("Heroku", "herokuapp", &[]),
            brand("Appspot", "appspot", &[]),
        ]);
        prop_assume!(!["blogspot", "github", "herokuapp", "appspot"].iter().any(|b| site.contains(b)));
        let name = match &sub {
            Some(sub) => format!("{sub}.{site}.{suffix}"),
            None => format!("{site}.{suffix}"),
        };
        if sub.as_ref().is_none_or(|s| !["blogspot", "github", "herokuapp", "appspot"].iter().any(|b| s.contains(b))) {
            prop_assert_eq!(brand_hit(&m, &name), None);
        }
    }

    #[test]
    fn a_brand_in_a_subdomain_label_never_matches(
        before in label(),
        after in label(),
        site in label(),
    ) {
        let m = matcher(&[brand("Omegle", "omegle", &[])]);
        prop_assume!(!site.contains("omegle"));
        // `site.com` must be a registrable domain: where it is itself a public suffix (`4u.com`
        // is a shared host), the label before it is the site's own name and is read.
        let parent = format!("{site}.com");
        prop_assume!(psl::suffix_str(&parent) != Some(parent.as_str()));
        let name = format!("{before}omegle{after}.{parent}");
        prop_assert_eq!(brand_hit(&m, &name), None);
    }

    #[test]
    fn a_brand_anywhere_in_the_registrable_label_matches(
        before in "[a-z0-9-]{0,8}",
        after in "[a-z0-9-]{0,8}",
        sub in proptest::option::of(label()),
    ) {
        let m = matcher(&[brand("Omegle", "omegle", &[])]);
        let site = format!("x{before}omegle{after}x");
        let name = match &sub {
            Some(sub) => format!("{sub}.{site}.co.uk"),
            None => format!("{site}.co.uk"),
        };
        prop_assert_eq!(brand_hit(&m, &name), Some(("Omegle".to_string(), format!("{site}.co.uk"))));
    }

    #[test]
    fn brands_change_nothing_that_a_domain_rule_decided(
        labels in proptest::collection::vec(label(), 1..4),
        tld in prop::sample::select(vec!["com", "net", "co.uk", "example"]),
    ) {
        let without = matcher(&[]);
        let with = matcher(&[brand("Omegle", "omegle", &[]), brand("Chatroulette", "chatroulette", &[])]);
        let name = format!("{}.{tld}", labels.join("."));
        let before = without.decide(&name);
        if before != Decision::Unlisted {
            prop_assert_eq!(with.decide(&name), before);
        }
        for prefix in ["www.", "a.b."] {
            let under = format!("{prefix}omegle.com");
            prop_assert_eq!(with.decide(&under), without.decide(&under));
        }
    }
}

/// The case the property above once drew: `4u.com` is itself a shared host (a public suffix),
/// so in `aomegle0.4u.com` the brand is in the site's own label, and it matches.
#[test]
fn on_a_shared_host_the_label_before_it_is_the_site() {
    assert_eq!(psl::suffix_str("4u.com"), Some("4u.com"));
    let m = matcher(&[brand("Omegle", "omegle", &[])]);
    assert!(brand_hit(&m, "aomegle0.4u.com").is_some());
    assert_eq!(brand_hit(&m, "aomegle0.example4u.com"), None);
}
