//! Names that get a fixed answer whatever the lists say, because software asks them to learn
//! whether it may go around this computer's DNS.
//!
//! - `use-application-dns.net`: Firefox's canary. NXDOMAIN tells Firefox not to turn on its own
//!   DNS-over-HTTPS by default.
//! - `mask.icloud.com`, `mask-h2.icloud.com`: NXDOMAIN tells Apple devices that iCloud Private
//!   Relay is not available on this network.
//! - `*.resolver.arpa`: RFC 9462 discovery of designated encrypted resolvers; with no data, a
//!   client finds no encrypted resolver to upgrade to.

/// A special name and how it is answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Special {
    /// Firefox's DoH canary: NXDOMAIN.
    FirefoxCanary,
    /// iCloud Private Relay: NXDOMAIN.
    PrivateRelay,
    /// RFC 9462 encrypted-resolver discovery: NODATA.
    ResolverDiscovery,
}

/// The answer a special name gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SpecialAnswer {
    /// The name does not exist.
    NxDomain,
    /// The name exists but has no records of the asked type.
    NoData,
}

impl Special {
    /// Classifies a query name (any case, with or without the trailing dot).
    pub fn of(name: &str) -> Option<Special> {
        let name = name.strip_suffix('.').unwrap_or(name);
        let is = |want: &str| name.eq_ignore_ascii_case(want);
        if is("use-application-dns.net") {
            Some(Special::FirefoxCanary)
        } else if is("mask.icloud.com") || is("mask-h2.icloud.com") {
            Some(Special::PrivateRelay)
        } else if is("resolver.arpa") || has_suffix(name, ".resolver.arpa") {
            Some(Special::ResolverDiscovery)
        } else {
            None
        }
    }

    /// How it is answered.
    pub fn answer(self) -> SpecialAnswer {
        match self {
            Special::FirefoxCanary | Special::PrivateRelay => SpecialAnswer::NxDomain,
            Special::ResolverDiscovery => SpecialAnswer::NoData,
        }
    }

    /// Why, in a few words, for logs and the Extended DNS Error text.
    pub fn describe(self) -> &'static str {
        match self {
            Special::FirefoxCanary => {
                "Firefox's automatic DNS-over-HTTPS stays off on this computer"
            }
            Special::PrivateRelay => "iCloud Private Relay is not available on this computer",
            Special::ResolverDiscovery => "encrypted resolver discovery is not offered here",
        }
    }

    /// The id of [`Special::describe`]'s words in `locales/*/reasons.ftl`.
    pub fn message_id(self) -> &'static str {
        match self {
            Special::FirefoxCanary => "special-firefox-canary",
            Special::PrivateRelay => "special-private-relay",
            Special::ResolverDiscovery => "special-resolver-discovery",
        }
    }

    /// Every special name's kind.
    pub const ALL: [Special; 3] = [
        Special::FirefoxCanary,
        Special::PrivateRelay,
        Special::ResolverDiscovery,
    ];
}

fn has_suffix(name: &str, suffix: &str) -> bool {
    name.len() >= suffix.len()
        && name.is_char_boundary(name.len() - suffix.len())
        && name[name.len() - suffix.len()..].eq_ignore_ascii_case(suffix)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn special_names_in_any_case_and_form() {
        assert_eq!(
            Special::of("use-application-dns.net"),
            Some(Special::FirefoxCanary)
        );
        assert_eq!(
            Special::of("Use-Application-DNS.net."),
            Some(Special::FirefoxCanary)
        );
        assert_eq!(Special::of("mask.icloud.com"), Some(Special::PrivateRelay));
        assert_eq!(
            Special::of("MASK-H2.icloud.com"),
            Some(Special::PrivateRelay)
        );
        assert_eq!(
            Special::of("_dns.resolver.arpa"),
            Some(Special::ResolverDiscovery)
        );
        assert_eq!(
            Special::of("resolver.arpa."),
            Some(Special::ResolverDiscovery)
        );
        assert_eq!(Special::FirefoxCanary.answer(), SpecialAnswer::NxDomain);
        assert_eq!(Special::ResolverDiscovery.answer(), SpecialAnswer::NoData);
    }

    #[test]
    fn lookalikes_are_not_special() {
        for name in [
            "www.use-application-dns.net",
            "icloud.com",
            "x.mask.icloud.com",
            "notresolver.arpa",
            "arpa",
            "",
        ] {
            assert_eq!(Special::of(name), None, "{name}");
        }
    }
}
