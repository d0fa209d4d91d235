//! Properties: normalization is idempotent, and the matcher agrees with a plain model of
//! suffix matching on label boundaries.

use proptest::prelude::*;
use vigie_policy::{Decision, Domain};

use crate::util::block_matcher;

fn label() -> impl Strategy<Value = String> {
    // Labels with "--" in third and fourth place are reserved for punycode; leave them out.
    "[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?"
        .prop_filter("not an xn-- look-alike", |l| l.get(2..4) != Some("--"))
}

fn mixed_case_label() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9]([a-zA-Z0-9-]{0,6}[a-zA-Z0-9])?|[a-zé]{1,3}ü[a-z]{0,3}"
}

/// A listed domain: one to three labels under a fixed registrable-friendly ending.
fn listed() -> impl Strategy<Value = Domain> {
    (
        prop::collection::vec(label(), 1..3),
        prop::sample::select(vec!["com", "net", "co.uk", "test"]),
    )
        // Some random names are public suffixes themselves (uk.com, x0.com): not listable.
        .prop_filter_map("a public suffix", |(labels, tld)| {
            Domain::parse(&format!("{}.{tld}", labels.join("."))).ok()
        })
}

/// Naive model: blocked when some suffix at a label boundary is listed.
fn model(name: &str, listed: &[Domain]) -> Option<String> {
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    let mut best: Option<String> = None;
    let mut rest = name.as_str();
    loop {
        if listed.iter().any(|d| d.as_str() == rest) && best.is_none() {
            best = Some(rest.to_string());
        }
        match rest.split_once('.') {
            Some((_, tail)) => rest = tail,
            None => return best,
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn normalization_is_idempotent(
        labels in prop::collection::vec(mixed_case_label(), 2..5),
        dot in any::<bool>(),
        scheme in prop::sample::select(vec!["", "https://", "http://www."]),
    ) {
        let input = format!("{scheme}{}{}", labels.join("."), if dot { "." } else { "" });
        if let Ok(once) = Domain::parse(&input) {
            let twice = Domain::parse(once.as_str()).unwrap();
            prop_assert_eq!(&once, &twice);
            prop_assert!(once.as_str().bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.'));
        }
    }

    #[test]
    fn anything_under_a_listed_domain_is_blocked_by_it(
        domains in prop::collection::vec(listed(), 1..20),
        pick in any::<prop::sample::Index>(),
        prefix in prop::collection::vec(label(), 0..4),
        upper in any::<bool>(),
    ) {
        let m = block_matcher(&domains);
        let target = pick.get(&domains);
        let mut name = prefix.iter().map(|l| format!("{l}.")).collect::<String>() + target.as_str();
        if upper { name = name.to_ascii_uppercase(); }
        match m.decide(&name) {
            Decision::Blocked(r) => {
                // The reason is the most specific listed domain, which is the target or under it.
                prop_assert_eq!(Some(r.rule.to_string()), model(&name, &domains));
                prop_assert!(r.rule.len() >= target.as_str().len());
            }
            other => prop_assert!(false, "{name} not blocked: {other:?}"),
        }
    }

    #[test]
    fn the_matcher_agrees_with_the_model(
        domains in prop::collection::vec(listed(), 0..30),
        labels in prop::collection::vec(label(), 1..6),
        tld in prop::sample::select(vec!["com", "net", "co.uk", "test", "org"]),
        shape in 0..3u8,
        pick in any::<prop::sample::Index>(),
    ) {
        let m = block_matcher(&domains);
        // Random names, and near misses of a listed domain: glued to a label without a dot, or
        // with a label after it.
        let name = match (shape, domains.is_empty()) {
            (1, false) => format!("{}{}", labels[0], pick.get(&domains)),
            (2, false) => format!("{}.{}", pick.get(&domains), labels[0]),
            _ => format!("{}.{tld}", labels.join(".")),
        };
        let want = model(&name, &domains);
        let got = match m.decide(&name) {
            Decision::Blocked(r) => Some(r.rule.to_string()),
            Decision::Unlisted => None,
            Decision::Allowed(_) => unreachable!("no allowlist here"),
        };
        // The model returns the longest listed suffix first, as the matcher's reason does.
        prop_assert_eq!(got, want, "name {}", name);
    }
}
