//! False positives, measured: no shipped brand may match a popular domain.
//!
//! The popular domains are the npm package `top-sites` (version 1.1.222), which ships its list
//! in the package itself (`top-sites.json`, 500 domains ranked by linking root domains). Its
//! install script would fetch a newer list, so it is unpacked rather than installed:
//!
//! ```sh
//! mkdir -p target/popular-domains
//! npm pack --silent --pack-destination target/popular-domains top-sites@1.1.222
//! tar xzf target/popular-domains/top-sites-1.1.222.tgz -C target/popular-domains
//! ```
//!
//! `VIGIE_POPULAR_DOMAINS` may name the JSON file elsewhere. Under CI (`CI` set) a missing file
//! fails the test; elsewhere the test says why it skipped and passes.

use std::path::PathBuf;

use vigie_policy::{Decision, Matcher, Origin, Policy, Settings, shipped_lists};

fn data_file() -> PathBuf {
    std::env::var_os("VIGIE_POPULAR_DOMAINS").map_or_else(
        || {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../../target/popular-domains/package/top-sites.json")
        },
        PathBuf::from,
    )
}

/// The `rootDomain` values of the package's JSON, in rank order.
fn root_domains(json: &str) -> Vec<String> {
    json.split("\"rootDomain\"")
        .skip(1)
        .filter_map(|rest| {
            let value = rest.trim_start().strip_prefix(':')?.trim_start();
            let value = value.strip_prefix('"')?;
            Some(value[..value.find('"')?].to_ascii_lowercase())
        })
        .collect()
}

fn brands_only(keep_exceptions: bool) -> Matcher {
    let lists = shipped_lists()
        .unwrap()
        .into_iter()
        .map(|mut l| {
            l.sites.clear();
            if !keep_exceptions {
                for b in &mut l.brands {
                    b.exceptions.clear();
                }
            }
            (l, Origin::Shipped)
        })
        .collect();
    Policy::compile(Settings::default(), lists).matcher
}

#[test]
fn no_brand_matches_a_popular_domain() {
    let path = data_file();
    let json = match std::fs::read_to_string(&path) {
        Ok(json) => json,
        Err(e) if std::env::var_os("CI").is_some() => {
            panic!(
                "{}: {e}; CI must unpack the popular-domains package",
                path.display()
            )
        }
        Err(e) => {
            eprintln!("SKIP: no popular-domains list at {} ({e})", path.display());
            return;
        }
    };
    let domains = root_domains(&json);
    assert!(
        domains.len() >= 500,
        "{}: only {} domains read",
        path.display(),
        domains.len()
    );
    let raw = brands_only(false);
    let shipped = brands_only(true);
    let matched_raw: Vec<&String> = domains
        .iter()
        .filter(|d| raw.decide(d).is_blocked())
        .collect();
    let matched: Vec<String> = domains
        .iter()
        .filter_map(|d| match shipped.decide(d) {
            Decision::Blocked(r) => Some(r.describe(d)),
            _ => None,
        })
        .collect();
    eprintln!(
        "popular domains: {} checked, {} matched by a brand before exceptions ({:?}), {} after",
        domains.len(),
        matched_raw.len(),
        matched_raw,
        matched.len()
    );
    assert!(
        matched.is_empty(),
        "brands match popular domains: {matched:?}"
    );
}

#[test]
fn the_package_format_is_read() {
    let json = "[\n\t{\n\t\t\"rank\": 1,\n\t\t\"rootDomain\": \"www.Google.com\",\n\t\t\"linkingRootDomains\": 1\n\t},\n\t{ \"rootDomain\" : \"youtube.com\" }\n]";
    assert_eq!(root_domains(json), ["www.google.com", "youtube.com"]);
}

/// The MISP warning lists that the PyPI package `pymispwarninglists` (version 1.7.0) ships in
/// its wheel: the Tranco top million registrable domains (list of 2025-01-15) and the Chrome
/// UX Report's top million origins (2025-12-23), host names with their subdomains. `.ci/run`
/// unpacks the two files; `VIGIE_RANKED_DOMAINS` may name the `lists` folder elsewhere.
fn ranked_lists() -> PathBuf {
    std::env::var_os("VIGIE_RANKED_DOMAINS").map_or_else(
        || {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(
                "../../target/popular-domains/pymispwarninglists/data/misp-warninglists/lists",
            )
        },
        PathBuf::from,
    )
}

/// The strings of a MISP warning list's `"list"` array, lowercased. The lists hold domain and
/// host names only, so no string has an escaped quote.
fn warning_list(json: &str) -> Vec<String> {
    let Some(start) = json.find("\"list\"") else {
        return Vec::new();
    };
    let rest = &json[start + "\"list\"".len()..];
    let Some(open) = rest.find('[') else {
        return Vec::new();
    };
    let rest = &rest[open + 1..];
    let body = &rest[..rest.find(']').unwrap_or(rest.len())];
    body.split('"')
        .skip(1)
        .step_by(2)
        .map(|s| s.trim().to_ascii_lowercase())
        .filter(|s| !s.is_empty())
        .collect()
}

/// Ranked domains that a brand matches on purpose: each is the brand's own name with a
/// generic word or ending around it (a copy of the site, or a page about it), and none is
/// covered by a listed domain, since no public source read for the list names it. Blocking
/// them is what the brand is for. A ranked domain that a brand matches and that is neither
/// listed, here, nor an exception fails the test: read it, then list it as a site (with a
/// source), add it here (named after the brand), or make it an exception (anything else).
const NAMED_AFTER_THE_BRAND: &[&str] = &[
    "bazoocam.live",
    "bazoocam.plus",
    "chatroulette-3b88b.firebaseapp.com",
    "chatroulette.club",
    "chatroulette.red",
    "chatruletka-18.com",
    "coomeet.onl",
    "coomeet.pro",
    "flingster.club",
    "luckycrush.club",
    "luckycrush.one",
    "luckycrush.onl",
    "newomegle.net",
    "omegle-91732.firebaseapp.com",
    "omegle-archive.com",
    "omegle-prod.firebaseapp.com",
    "omegle.adult",
    "omegle.ai",
    "omegle.club",
    "omegle.cm",
    "omegle.fi",
    "omegle.fm",
    "omegle.is",
    "omegle.life",
    "omegle.love",
    "omegle.news",
    "omegle.onl",
    "omegle.pro",
    "omegle.reviews",
    "omegle.sex",
    "omegle.site",
    "omegle.wiki",
    "omegle.xxx",
    "omegleapp.onl",
    "omegleapp.online",
    "omegleapp.org",
    "omeglechat.de",
    "omeglemedia.com",
    "omeglepervy.com",
    "omegleporn.to",
    "omegleporn1.com",
    "omeglesites.com",
    "omegletv.chat",
    "omegletv.live",
    "omegletv.one",
    "omegletv.org",
    "omegletv.tv",
    "omeglevids.com",
    "omegleweb.io",
    "ometv.red",
    "ometvmania.biz.id",
    "ometvporn.com",
    "randomchat.today",
    "randomchatpro.com",
    "slutomegle.com",
    "strangercamchat.com",
    "strangercamgirls.com",
    "the-omegle.com",
];

#[test]
fn no_brand_matches_a_ranked_domain_it_was_not_meant_for() {
    let dir = ranked_lists();
    let mut names = Vec::new();
    for file in ["tranco", "google-chrome-crux-1million"] {
        let path = dir.join(file).join("list.json");
        let json = match std::fs::read_to_string(&path) {
            Ok(json) => json,
            Err(e) if std::env::var_os("CI").is_some() => {
                panic!("{}: {e}; CI must unpack pymispwarninglists", path.display())
            }
            Err(e) => {
                eprintln!("SKIP: no ranked list at {} ({e})", path.display());
                return;
            }
        };
        let list = warning_list(&json);
        assert!(
            list.len() >= 990_000,
            "{}: only {} names read",
            path.display(),
            list.len()
        );
        names.extend(list);
    }
    let full = Policy::compile(
        Settings::default(),
        shipped_lists()
            .unwrap()
            .into_iter()
            .map(|l| (l, Origin::Shipped))
            .collect(),
    )
    .matcher;
    let raw = brands_only(false);
    let shipped = brands_only(true);
    let mut before_exceptions = 0;
    let mut listed = 0;
    let mut named = 0;
    let mut unexpected = std::collections::BTreeSet::new();
    let mut seen_named = std::collections::BTreeSet::new();
    for name in &names {
        if !raw.decide(name).is_blocked() {
            continue;
        }
        before_exceptions += 1;
        if !shipped.decide(name).is_blocked() {
            continue;
        }
        match full.decide(name) {
            Decision::Blocked(r) if r.is_brand() => {
                let registrable = r.matched(name);
                if NAMED_AFTER_THE_BRAND.contains(&registrable) {
                    named += 1;
                    seen_named.insert(registrable.to_string());
                } else {
                    unexpected.insert(r.describe(name));
                }
            }
            _ => listed += 1,
        }
    }
    let stale: Vec<&&str> = NAMED_AFTER_THE_BRAND
        .iter()
        .filter(|d| !seen_named.contains(**d))
        .collect();
    eprintln!(
        "ranked names (Tranco and CrUX): {} checked, {before_exceptions} matched by a brand before exceptions, \
         {} after: {listed} covered by a listed domain, {named} in {} registrable domains named after the brand, \
         {} unexpected",
        names.len(),
        listed + named + unexpected.len(),
        seen_named.len(),
        unexpected.len()
    );
    assert!(
        unexpected.is_empty(),
        "brands match ranked names that no one reviewed: {unexpected:#?}"
    );
    assert!(
        stale.is_empty(),
        "no longer matched by a brand (listed now, or an exception): remove {stale:?}"
    );
}

#[test]
fn the_warning_list_format_is_read() {
    let json = "{\"description\": \"x [y]\", \"list\": [\n \"0-1.jp\",\n \"Omegle.COM\"\n], \"name\": \"n\"}";
    assert_eq!(warning_list(json), ["0-1.jp", "omegle.com"]);
}
