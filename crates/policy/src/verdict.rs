//! The one decision order for a name: special names, then the allowlist, then the blocklist.
//!
//! The resolver, the block page and the local API's "test a name" all ask [`Policy::verdict`],
//! so a parent testing a name sees exactly what the resolver does with it. Special names come
//! first because they switch off ways around Vigie (Firefox's automatic DoH, iCloud Private
//! Relay, encrypted-resolver discovery) and must hold even when a parent allowlists a name or
//! turns a list off; the matcher then answers allow and block in one walk, an allowed name
//! winning over any block.

use crate::matcher::{Decision, Reason};
use crate::policy::Policy;
use crate::special::Special;

/// What the policy says about one name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict<'p> {
    /// A name answered the same whatever the lists say.
    Special(Special),
    /// An allowlist covers the name; it must not be blocked.
    Allowed(Reason<'p>),
    /// A block list covers the name and no allowlist does.
    Blocked(Reason<'p>),
    /// No list mentions the name.
    Unlisted,
}

impl Verdict<'_> {
    /// True when the name must be refused.
    pub fn is_blocked(&self) -> bool {
        matches!(self, Verdict::Blocked(_))
    }
}

impl Policy {
    /// The verdict for `name` (normalized: lowercase, no trailing dot, punycode).
    pub fn verdict(&self, name: &str) -> Verdict<'_> {
        if let Some(special) = Special::of(name) {
            return Verdict::Special(special);
        }
        match self.matcher.decide(name) {
            Decision::Unlisted => Verdict::Unlisted,
            Decision::Allowed(reason) => Verdict::Allowed(reason),
            Decision::Blocked(reason) => Verdict::Blocked(reason),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Origin, Settings, shipped_lists};

    fn shipped() -> Policy {
        let lists = shipped_lists()
            .unwrap()
            .into_iter()
            .map(|l| (l, Origin::Shipped))
            .collect();
        Policy::compile(Settings::default(), lists)
    }

    #[test]
    fn special_names_come_before_every_list() {
        let p = shipped();
        // `mask.icloud.com` is also listed in the DNS-bypass list: the special answer wins.
        assert_eq!(
            p.verdict("mask.icloud.com"),
            Verdict::Special(Special::PrivateRelay)
        );
        assert_eq!(
            p.verdict("use-application-dns.net"),
            Verdict::Special(Special::FirefoxCanary)
        );
        assert!(p.verdict("www.omegle.com").is_blocked());
        assert_eq!(p.verdict("example.org"), Verdict::Unlisted);
    }
}
