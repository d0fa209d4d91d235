//! `settings.toml` as anyone could write it: parsing and validation never panic, every error can
//! be said, settings that validate compile into a policy with the shipped lists, and what the
//! API writes back (the raw settings serialized again) reads back the same.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use vigie_policy::{Origin, Policy, RawSettings, shipped_lists};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let file = Path::new("settings.toml");
    let raw = match RawSettings::parse(text, file) {
        Ok(raw) => raw,
        Err(e) => {
            let _ = (e.to_string(), e.message());
            return;
        }
    };
    let written = toml::to_string(&raw).expect("raw settings serialize");
    let again = RawSettings::parse(&written, file)
        .unwrap_or_else(|e| panic!("written settings do not read back: {e}\n{written}"));
    assert_eq!(again, raw, "{written}");
    match raw.validate(file) {
        Ok(settings) => {
            let lists = shipped_lists()
                .expect("shipped lists")
                .into_iter()
                .map(|l| (l, Origin::Shipped))
                .collect();
            let policy = Policy::compile(settings, lists);
            let _ = policy.verdict("omegle.com");
        }
        Err(e) => {
            let _ = (e.to_string(), e.message());
        }
    }
});
