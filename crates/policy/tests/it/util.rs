//! Helpers shared by the integration tests.

use std::path::Path;

use vigie_policy::{Action, Domain, ListMeta, Matcher, MatcherBuilder};

/// Writes `text` to `dir/rel`, creating folders.
pub(crate) fn write(dir: &Path, rel: &str, text: &str) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// A block-only matcher with one site per domain, named after the domain.
pub(crate) fn block_matcher(domains: &[Domain]) -> Matcher {
    let mut b = MatcherBuilder::new();
    let list = b.list(ListMeta {
        id: "test".into(),
        name: "Test".into(),
        action: Action::Block,
    });
    for d in domains {
        let site = b.site(list, d.as_str());
        b.domain(site, d);
    }
    b.build()
}

/// A list file with one site.
pub(crate) fn list_toml(id: &str, action: &str, site: &str, domains: &[&str]) -> String {
    let domains: Vec<String> = domains.iter().map(|d| format!("{d:?}")).collect();
    format!(
        "[list]\nid = \"{id}\"\nname = \"{id}\"\naction = \"{action}\"\n\n[[site]]\nname = \"{site}\"\ndomains = [{}]\n",
        domains.join(", ")
    )
}
