//! The shipped lists: they parse, every domain is registrable and unique, every site has sources.

use std::collections::HashMap;

use vigie_policy::{Domain, ListFile, SHIPPED, Text, shipped_lists};

#[test]
fn every_shipped_list_parses_without_warnings() {
    for (name, text) in SHIPPED {
        let parsed = ListFile::parse(text, std::path::Path::new(name))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(parsed.warnings.is_empty(), "{name}: {:?}", parsed.warnings);
        assert!(
            parsed.list.list.enabled_by_default,
            "{name} should be on by default"
        );
        assert_eq!(
            format!("{}.toml", parsed.list.list.id),
            *name,
            "file name follows the id"
        );
    }
}

#[test]
fn every_shipped_domain_is_normalized_registrable_and_unique() {
    let mut seen: HashMap<String, String> = HashMap::new();
    for list in shipped_lists().unwrap() {
        for (site, domain) in list.domains() {
            // Written in normalized form in the file, so what reviewers read is what matches.
            let again = Domain::parse(domain.as_str()).unwrap();
            assert_eq!(again.as_str(), domain.as_str());
            let place = format!("{} / {}", list.list.id, site.name);
            if let Some(first) = seen.insert(domain.to_string(), place.clone()) {
                panic!("{domain} is in {first} and in {place}");
            }
        }
    }
}

#[test]
fn the_shipped_files_are_written_in_normalized_form() {
    for (name, text) in SHIPPED {
        let raw: toml::Value = toml::from_str(text).unwrap();
        for site in raw["site"].as_array().unwrap() {
            for d in site["domains"].as_array().unwrap() {
                let d = d.as_str().unwrap();
                assert_eq!(
                    Domain::parse(d).unwrap().as_str(),
                    d,
                    "{name}: write {d:?} normalized"
                );
            }
        }
    }
}

/// The French form of `text`, checked: present, not the English words again, and written with
/// French typography (the rules of `locales/README.md`).
fn french<'t>(text: &'t Text, what: &str) -> &'t str {
    let fr = text
        .translation("fr")
        .unwrap_or_else(|| panic!("{what} has no French form (fr)"));
    assert_ne!(
        fr,
        text.english(),
        "{what}: the French form repeats the English"
    );
    for (bad, why) in [
        ("'", "an apostrophe ’"),
        (" :", "a no-break space (U+00A0) before :"),
        (" ;", "a narrow no-break space (U+202F) before ;"),
        ("« ", "a narrow no-break space (U+202F) after «"),
        (" »", "a narrow no-break space (U+202F) before »"),
        ("\"", "« » quotes"),
    ] {
        assert!(!fr.contains(bad), "{what}: write {why} in {fr:?}");
    }
    fr
}

#[test]
fn every_shipped_list_and_site_note_speaks_french() {
    let mut notes = 0;
    for list in shipped_lists().unwrap() {
        let id = &list.list.id;
        french(&list.list.name, &format!("{id}: the list's name"));
        french(
            &list.list.description,
            &format!("{id}: the list's description"),
        );
        for site in &list.sites {
            if let Some(note) = &site.note {
                french(note, &format!("{id}: the note of site {}", site.name));
                notes += 1;
            }
        }
    }
    // The shipped lists do carry notes: a test that met none would prove nothing.
    assert!(notes > 200, "only {notes} notes");
}

#[test]
fn every_site_names_its_sources() {
    for list in shipped_lists().unwrap() {
        for site in &list.sites {
            assert!(
                !site.sources.is_empty(),
                "{}: site {} has no source",
                list.list.id,
                site.name
            );
            for s in &site.sources {
                assert!(
                    s.starts_with("https://") || s.starts_with("http://"),
                    "{}: {s:?}",
                    site.name
                );
            }
        }
    }
}

#[test]
fn stranger_chat_covers_omegle_and_its_clones() {
    let lists = shipped_lists().unwrap();
    let chat = lists.iter().find(|l| l.list.id == "stranger-chat").unwrap();
    let count = chat.domains().count();
    assert!(
        count >= 150,
        "stranger-chat has {count} domains; at least 150 are expected"
    );
    let matcher = vigie_policy::Policy::compile(
        vigie_policy::Settings::default(),
        vec![(chat.clone(), vigie_policy::Origin::Shipped)],
    )
    .matcher;
    for name in [
        "omegle.com",
        "www.omegle.com",
        "chatroulette.com",
        "ome.tv",
        "chatrandom.com",
        "bazoocam.org",
        "coomeet.com",
    ] {
        assert!(
            matcher.decide(name).is_blocked(),
            "{name} should be blocked"
        );
    }
}

#[test]
fn dns_bypass_covers_the_big_resolvers_without_their_websites() {
    let lists = shipped_lists().unwrap();
    let doh = lists
        .iter()
        .find(|l| l.list.id == "dns-bypass")
        .unwrap()
        .clone();
    let m = vigie_policy::Policy::compile(
        vigie_policy::Settings::default(),
        vec![(doh, vigie_policy::Origin::Shipped)],
    )
    .matcher;
    for name in [
        "dns.google",
        "cloudflare-dns.com",
        "mozilla.cloudflare-dns.com",
        "dns.quad9.net",
        "dns.nextdns.io",
        "doh.opendns.com",
    ] {
        assert!(m.decide(name).is_blocked(), "{name} should be blocked");
    }
    for name in [
        "google.com",
        "www.google.com",
        "cloudflare.com",
        "quad9.net",
        "www.opendns.com",
        "apple.com",
    ] {
        assert!(!m.decide(name).is_blocked(), "{name} must stay reachable");
    }
}

/// The README and its French twin say how much each shipped list holds; they must say it truly
/// after every change to a list.
#[test]
fn the_readmes_count_the_shipped_lists_truly() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let lisezmoi = std::fs::read_to_string(root.join("docs/fr/LISEZMOI.md")).unwrap();
    for list in shipped_lists().unwrap() {
        let id = &list.list.id;
        let sites = list.sites.len();
        let domains = list.domains().count();
        let (en, fr) = if id == "dns-bypass" {
            (
                format!("(`{id}`): {sites} providers, {domains} hostnames"),
                format!("(`{id}`)\u{a0}: {sites} fournisseurs, {domains} noms d’hôte"),
            )
        } else {
            (
                format!("(`{id}`): {sites} sites, {domains} domains"),
                format!("(`{id}`)\u{a0}: {sites} sites, {domains} domaines"),
            )
        };
        assert!(readme.contains(&en), "README.md should say {en:?}");
        assert!(
            lisezmoi.contains(&fr),
            "docs/fr/LISEZMOI.md should say {fr:?}"
        );
    }
}
