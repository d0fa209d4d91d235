//! A community list in hosts, plain-domain or `||domain^` form (`lists/NAME.txt`, or pasted into
//! an import): any bytes, read whole or line by line as the service streams a big file, never
//! panic; both readings take the same names; and every name taken, put in an enabled list,
//! is blocked by the policy built from it (unless it is one of the special names).
#![no_main]

use libfuzzer_sys::fuzz_target;
use vigie_policy::import::{self, Format};
use vigie_policy::{Origin, Policy, Settings, Verdict};

fuzz_target!(|data: &[u8]| {
    let Some((&choice, bytes)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(bytes);
    let format = match choice % 4 {
        0 => Format::Hosts,
        1 => Format::Domains,
        2 => Format::Adblock,
        _ => Format::detect(&text),
    };
    let whole = import::import(&text, format);
    let _ = whole.skipped_total();
    // The streaming reader gets the raw bytes, invalid UTF-8 and all.
    let mut streamed = Vec::new();
    let counted = import::stream(bytes, format, |d| streamed.push(d)).expect("reading memory");
    if std::str::from_utf8(bytes).is_ok() {
        assert_eq!(
            streamed.iter().map(|d| d.as_str()).collect::<Vec<_>>(),
            whole.domains.iter().map(|d| d.as_str()).collect::<Vec<_>>(),
            "streamed and whole imports differ"
        );
        assert_eq!(counted.taken, whole.taken);
    }
    let domains: Vec<String> = whole
        .domains
        .iter()
        .map(|d| d.as_str().to_owned())
        .collect();
    let info = vigie_policy::ListInfo {
        id: "fuzzed".into(),
        ..default_info()
    };
    let list = whole.into_list(info, "Fuzzed", "fuzz");
    let policy = Policy::compile(Settings::default(), vec![(list, Origin::Shipped)]);
    for d in &domains {
        let v = policy.verdict(d);
        assert!(
            v.is_blocked() || matches!(v, Verdict::Special(_)),
            "{d}: {v:?}"
        );
    }
});

fn default_info() -> vigie_policy::ListInfo {
    vigie_policy::ListFile::parse(
        "[list]\nid = \"fuzzed\"\nname = \"Fuzzed\"\n",
        std::path::Path::new("fuzzed.toml"),
    )
    .expect("a minimal list")
    .list
    .list
}
