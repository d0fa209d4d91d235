//! A list file (`lists/*.toml`, a parent's own or a feed's) as anyone could write it: parsing
//! and validation never panic, every error can be said (its text and its message for the
//! console), and a list that loads compiles into a policy in which each of its domains gets
//! the verdict its list gives (blocked for a block list, allowed for an allowlist).
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use vigie_policy::{Action, ListFile, Origin, Policy, Settings, Verdict};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let file = Path::new("lists/fuzzed.toml");
    let parsed = match ListFile::parse(text, file) {
        Ok(parsed) => parsed,
        Err(e) => {
            let _ = e.to_string();
            let _ = e.message();
            return;
        }
    };
    for w in &parsed.warnings {
        let _ = w.to_string();
    }
    let list = parsed.list;
    let (enabled, action) = (list.list.enabled_by_default, list.list.action);
    let domains: Vec<String> = list
        .sites
        .iter()
        .flat_map(|s| s.domains.iter().map(|d| d.as_str().to_owned()))
        .collect();
    let policy = Policy::compile(
        Settings::default(),
        vec![(list, Origin::File(file.to_path_buf()))],
    );
    for d in &domains {
        for name in [d.clone(), format!("www.{d}")] {
            let verdict = policy.verdict(&name);
            // Special names come before any list; a listed one keeps its special answer. A
            // name longer than DNS allows is never asked, so "www." may take it past that.
            let fits = name.len() <= vigie_policy::MAX_NAME;
            let expected = match (enabled, action) {
                _ if matches!(verdict, Verdict::Special(_)) || !fits => true,
                (false, _) => verdict == Verdict::Unlisted,
                (true, Action::Block) => verdict.is_blocked(),
                (true, Action::Allow) => matches!(verdict, Verdict::Allowed(_)),
            };
            assert!(
                expected,
                "{name}: {verdict:?} from a list {action:?}, on: {enabled}"
            );
        }
    }
    let _: Vec<Verdict<'_>> = ["omegle.com", "a.b.c.example"]
        .iter()
        .map(|n| policy.verdict(n))
        .collect();
});
