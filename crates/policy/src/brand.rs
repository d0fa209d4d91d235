//! Brand rules: "a site whose own name contains `omegle` is an Omegle clone".
//!
//! Clones of the big stranger-chat sites come and go faster than any list of domains. Most of
//! them reuse the name they copy, so a list can carry brand rules besides its sites:
//!
//! ```toml
//! [[brand]]
//! name = "Omegle"                 # the reason reads "looks like Omegle: omeglechat.example"
//! match = "omegle"                # lowercase ASCII letters, digits, hyphens; 5 to 63 of them
//! sources = ["https://…"]         # clones seen using the name (required in shipped lists)
//! exceptions = ["…"]              # optional: registrable domains the brand never matches
//! ```
//!
//! # What a brand matches
//!
//! Only the **registrable label**: the one label just left of the public suffix, per the Public
//! Suffix List (the `psl` crate, as [`Domain::registrable`](crate::Domain::registrable) uses).
//! For `www.omeglechat.co.uk` that is `omeglechat`; the suffix `co.uk` and the subdomain `www`
//! are never read. So:
//!
//! - a brand inside the public suffix never counts: no suffix is scanned at all;
//! - a brand in a subdomain label does not count (`omegle.example.com`): whoever owns
//!   `example.com` names its subdomains freely, and blocking them would block that owner;
//! - on a shared host, whose domain is itself on the list's private section (`blogspot.com`,
//!   `github.io`, `onrender.com`, `msk.ru`), the label left of it *is* the registrable label,
//!   because the list says each such name is a separate site with its own owner:
//!   `omegle.blogspot.com` is matched. The shipped list already has one such clone:
//!   `chatroulette.msk.ru`.
//!
//! Within that label the brand matches **anywhere**: at the start, at the end, in the middle,
//! with or without hyphens around it. The evidence, from the domains `stranger-chat.toml`
//! already lists with their sources:
//!
//! - at the start, by far the most common: `omeglecom.com`, `omeglee.com`, `omegletextchat.com`,
//!   `omegletv.click`, `omegleworld.com`, `omegleapp.me`, `omegleweb.com`, `omegle1.com`,
//!   `chatroulettes.com`;
//! - at the end: `videochatruletka.com` and `videochatruletka.ru` (ChatRulez), which a rule
//!   matching only at the start would miss;
//! - in the middle: no listed domain yet. It is the start and end cases together (a word before
//!   the brand and one after it, `myomegleapp.com`), and forbidding it would add a rule with
//!   nothing measured behind it;
//! - with hyphens: none listed yet either. A hyphen is an ordinary label character here, so
//!   `omegle-chat.net` is matched because `omegle` is spelled out whole inside it. A hyphen
//!   *inside* the brand (`ome-tv.app`, listed as a domain) is not the brand: such spellings stay
//!   domain rules.
//!
//! Over-blocking is then measured rather than assumed: the tests check every brand against a
//! list of popular domains that a package registry ships, against the names the service's tests
//! expect to resolve, and against every domain of the shipped lists, and `exceptions` name the
//! registrable domains a brand must leave alone. A brand is at least [`MIN_BRAND`] characters,
//! since short ones turn up inside ordinary words.
//!
//! # Order
//!
//! An allowlist wins over everything; a listed domain wins over a brand (it is more specific
//! and names the real site); a brand applies only when no domain rule matched, and its reason
//! says so ([`RuleKind::Brand`](crate::RuleKind)). Brands belong to their list: a list that is
//! off has no brand in force either. Only block lists carry brands.
//!
//! # Cost
//!
//! Brands are few (nineteen shipped) and names short (about 30 bytes). The matcher already walks
//! every byte of a name to hash its suffixes; on the same walk it tests each three bytes (five
//! bits of each, so case does not matter) against a 32,768-bit table of the brands' first three
//! bytes. That work (shifts, a load, no multiplication) does not wait on the hash's
//! multiplications, and a name with no brand in it (the table has at most nineteen bits set)
//! rarely reaches the brand step; the test costs every lookup 13 to 20 ns (`bench/RESULTS.md`).
//! Only a name that may hold a brand pays for the public-suffix walk; then its registrable label
//! (at most 63 bytes) is searched with a two-byte filter (a bit per first pair of a brand) and a
//! four-byte integer compare before the whole text is compared. An Aho-Corasick automaton (the
//! `aho-corasick` crate's DFA) was measured first: 48 to 61 ns to say that a 31-byte name holds
//! none of the fifteen brands, more than the suffix walk itself (37 ns), because its per-search
//! setup dominates on inputs this short; fifteen `memmem` searches took 104 ns. With hundreds of
//! brands (the trigram table filling up) an automaton would win again. Nothing here allocates:
//! the lowercasing goes into a stack buffer, and only for a name with capitals.

use std::sync::Arc;

use serde::Serialize;

use crate::Domain;

/// Fewest characters a brand's `match` may have: shorter ones turn up inside ordinary words.
pub const MIN_BRAND: usize = 5;

/// One brand rule of a list, validated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Brand {
    /// The brand as parents know it: the reason reads "looks like {name}".
    pub name: String,
    /// What the registrable label must contain: lowercase ASCII letters, digits and hyphens.
    #[serde(rename = "match")]
    pub text: String,
    /// Where clones using the name were seen.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<String>,
    /// Registrable domains this brand never matches, though their label contains it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub exceptions: Vec<Domain>,
}

impl Brand {
    /// The site name that reasons and the journal keep for this brand, in English: "looks like
    /// Omegle". It is the key attempts are grouped by; readers see [`Brand::message`].
    pub fn label(&self) -> String {
        format!("looks like {}", self.name)
    }

    /// The same words as a message (`site-brand` of `locales/*/reasons.ftl`, with `brand`), so
    /// that each reader sees it in their language: « ressemble à Omegle ».
    pub fn message(&self) -> crate::Message {
        site_brand(&self.name)
    }
}

/// The message that names what the brand `name` blocked: "looks like {name}".
pub fn site_brand(name: &str) -> crate::Message {
    crate::Message::new("site-brand").arg("brand", name)
}

/// Checks a brand's `match` text.
pub(crate) fn check_text(text: &str) -> Result<(), String> {
    if text.len() < MIN_BRAND || text.len() > crate::MAX_LABEL {
        return Err(format!(
            "a brand's match needs {MIN_BRAND} to {} characters, and \"{text}\" has {}: shorter ones turn up inside ordinary words",
            crate::MAX_LABEL,
            text.len()
        ));
    }
    if !text
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        || text.starts_with('-')
        || text.ends_with('-')
    {
        return Err(format!(
            "\"{text}\" may only use lowercase letters, digits and hyphens (not at either end)"
        ));
    }
    Ok(())
}

/// Checks one exception of a brand: a registrable domain whose label holds the brand, or it
/// could never be matched and is surely a typo.
pub(crate) fn check_exception(text: &str, exception: &Domain) -> Result<(), String> {
    if exception.registrable() != exception.as_str() {
        return Err(format!(
            "the exception \"{exception}\" must be a registrable domain (such as \"{}\"): brands only read that part",
            exception.registrable()
        ));
    }
    let label = exception.as_str().split('.').next().unwrap_or_default();
    if !label.contains(text) {
        return Err(format!(
            "the exception \"{exception}\" does not contain \"{text}\" before its ending, so the brand would never match it anyway"
        ));
    }
    Ok(())
}

/// A brand as the matcher keeps it.
#[derive(Debug)]
pub(crate) struct BrandRule {
    pub(crate) list: u32,
    /// "looks like Omegle", shared like a site's name.
    pub(crate) site: Arc<str>,
    pub(crate) name: Box<str>,
    pub(crate) text: Box<str>,
    /// Sorted, for binary search.
    pub(crate) exceptions: Vec<Box<str>>,
}

/// Every brand of the lists in force, with the two-byte filter.
#[derive(Debug)]
pub(crate) struct Brands {
    /// Bit `a << 8 | b` is set when some brand starts with the bytes `a`, `b`. Empty (and no
    /// lookup reads it) when no list carries a brand.
    pairs: Vec<u64>,
    /// Bit [`trigram`] of the first three bytes of every brand: the matcher tests it for every
    /// three bytes of a name as it walks the name anyway, and asks for the brands only when one
    /// is set. All clear when no list carries a brand.
    grams: Box<[u64; 512]>,
    /// The first four bytes of each rule's text, little-endian: compared as one integer before
    /// the whole text is.
    prefixes: Vec<u32>,
    rules: Vec<BrandRule>,
}

impl Default for Brands {
    fn default() -> Self {
        Brands {
            pairs: Vec::new(),
            grams: Box::new([0; 512]),
            prefixes: Vec::new(),
            rules: Vec::new(),
        }
    }
}

/// The 15-bit index of three bytes: the low five bits of each, the first highest. Capitals
/// and lowercase letters share their low five bits, so case does not matter; the few other
/// bytes that share them with a brand's letters only cost a needless look at the brands.
#[inline(always)]
pub(crate) fn trigram(a: u8, b: u8, c: u8) -> usize {
    usize::from(a & 31) << 10 | usize::from(b & 31) << 5 | usize::from(c & 31)
}

/// The trigram index with `a` put in front of the previous one's first two bytes: what the
/// matcher's right-to-left walk keeps as it reads each byte.
#[inline(always)]
pub(crate) fn trigram_step(previous: usize, a: u8) -> usize {
    usize::from(a & 31) << 10 | previous >> 5
}

/// A brand hit: the rule, and how many bytes at the end of the name are the registrable domain.
pub(crate) type Hit = (usize, usize);

#[inline(always)]
fn pair(a: u8, b: u8) -> usize {
    usize::from(a) << 8 | usize::from(b)
}

impl Brands {
    pub(crate) fn new(rules: Vec<BrandRule>) -> Brands {
        if rules.is_empty() {
            return Brands::default();
        }
        let mut pairs = vec![0u64; 65_536 / 64];
        let mut grams = Box::new([0u64; 512]);
        let mut prefixes = Vec::with_capacity(rules.len());
        for rule in &rules {
            let t = rule.text.as_bytes();
            let p = pair(t[0], t[1]);
            pairs[p / 64] |= 1 << (p % 64);
            let g = trigram(t[0], t[1], t[2]);
            grams[g / 64] |= 1 << (g % 64);
            prefixes.push(u32::from_le_bytes([t[0], t[1], t[2], t[3]]));
        }
        Brands {
            pairs,
            grams,
            prefixes,
            rules,
        }
    }

    /// The gram table, for the matcher's walk.
    #[inline(always)]
    pub(crate) fn grams(&self) -> &[u64; 512] {
        &self.grams
    }

    pub(crate) fn rule(&self, index: usize) -> &BrandRule {
        &self.rules[index]
    }

    pub(crate) fn len(&self) -> usize {
        self.rules.len()
    }

    pub(crate) fn heap_bytes(&self) -> usize {
        8 * self.pairs.capacity()
            + 8 * 512
            + 4 * self.prefixes.capacity()
            + self
                .rules
                .iter()
                .map(|r| {
                    size_of::<BrandRule>()
                        + r.site.len()
                        + r.name.len()
                        + r.text.len()
                        + r.exceptions.iter().map(|e| e.len() + 16).sum::<usize>()
                })
                .sum::<usize>()
    }

    /// Every brand found in `hay`, as rule indexes, in the order of their start; `f` returns
    /// true to stop.
    #[inline]
    fn each(&self, hay: &[u8], mut f: impl FnMut(usize) -> bool) -> bool {
        // A brand has at least MIN_BRAND bytes, so it starts no later than this.
        for i in 0..(hay.len() + 1).saturating_sub(MIN_BRAND) {
            let p = pair(hay[i], hay[i + 1]);
            if self.pairs[p / 64] & (1 << (p % 64)) == 0 {
                continue;
            }
            // `.com` alone holds two marked pairs (`co`, `om`): the four-byte compare keeps
            // those positions to a few integer comparisons.
            let word = u32::from_le_bytes([hay[i], hay[i + 1], hay[i + 2], hay[i + 3]]);
            for (index, &prefix) in self.prefixes.iter().enumerate() {
                if prefix == word
                    && hay[i..].starts_with(self.rules[index].text.as_bytes())
                    && f(index)
                {
                    return true;
                }
            }
        }
        false
    }

    /// The first brand whose text is in the registrable label of `name` (no trailing dot) and
    /// which has no exception for its registrable domain. Never allocates.
    pub(crate) fn find(&self, name: &[u8]) -> Option<Hit> {
        if self.rules.is_empty() || name.is_empty() || name.len() > crate::MAX_NAME {
            return None;
        }
        // The suffix list is written in lowercase and looked up as is.
        let mut buf = [0u8; crate::MAX_NAME];
        let name = if name.iter().any(u8::is_ascii_uppercase) {
            let copy = &mut buf[..name.len()];
            copy.copy_from_slice(name);
            copy.make_ascii_lowercase();
            &*copy
        } else {
            name
        };
        let registrable = psl::domain(name)?.as_bytes();
        let label_len = registrable.iter().position(|&b| b == b'.')?;
        let label = &registrable[..label_len];
        let mut hit = None;
        self.each(label, |index| {
            let excepted = self.rules[index]
                .exceptions
                .binary_search_by(|e| e.as_bytes().cmp(registrable))
                .is_ok();
            if !excepted {
                hit = Some((index, registrable.len()));
            }
            !excepted
        });
        hit
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn brands(list: &[(&str, &[&str])]) -> Brands {
        Brands::new(
            list.iter()
                .map(|(text, exceptions)| {
                    let mut exceptions: Vec<Box<str>> =
                        exceptions.iter().map(|&e| e.into()).collect();
                    exceptions.sort();
                    BrandRule {
                        list: 0,
                        site: format!("looks like {text}").into(),
                        name: (*text).into(),
                        text: (*text).into(),
                        exceptions,
                    }
                })
                .collect(),
        )
    }

    fn hit(b: &Brands, name: &str) -> Option<(String, String)> {
        b.find(name.as_bytes()).map(|(rule, len)| {
            (
                b.rule(rule).text.to_string(),
                name[name.len() - len..].to_string(),
            )
        })
    }

    #[test]
    fn only_the_registrable_label_is_read() {
        let b = brands(&[("omegle", &[])]);
        let want = |reg: &str| Some(("omegle".to_string(), reg.to_string()));
        assert_eq!(hit(&b, "omeglechat.com"), want("omeglechat.com"));
        assert_eq!(hit(&b, "www.chatomegle.co.uk"), want("chatomegle.co.uk"));
        assert_eq!(hit(&b, "a.b.myomegleapp.net"), want("myomegleapp.net"));
        assert_eq!(hit(&b, "omegle-chat.net"), want("omegle-chat.net"));
        assert_eq!(hit(&b, "OmegleChat.COM"), want("OmegleChat.COM"));
        // A subdomain label is its owner's business.
        assert_eq!(hit(&b, "omegle.example.com"), None);
        assert_eq!(hit(&b, "www.omegle.chat.example.org"), None);
        // Nothing that is only a public suffix, or no name at all.
        assert_eq!(hit(&b, "com"), None);
        assert_eq!(hit(&b, ""), None);
        assert_eq!(hit(&b, "ome-gle.com"), None);
    }

    #[test]
    fn a_shared_hosts_label_is_the_site_itself() {
        let b = brands(&[("omegle", &[]), ("chatroulette", &[])]);
        assert_eq!(
            hit(&b, "omegle.blogspot.com").unwrap().1,
            "omegle.blogspot.com"
        );
        assert_eq!(
            hit(&b, "my-omegle.github.io").unwrap().1,
            "my-omegle.github.io"
        );
        assert_eq!(
            hit(&b, "chatroulette.msk.ru").unwrap().1,
            "chatroulette.msk.ru"
        );
    }

    #[test]
    fn a_brand_inside_the_public_suffix_never_counts() {
        // `blogspot`, `github` and `herokuapp` are labels of public suffixes.
        let b = brands(&[("blogspot", &[]), ("github", &[]), ("herokuapp", &[])]);
        assert_eq!(hit(&b, "someone.blogspot.com"), None);
        assert_eq!(hit(&b, "x.someone.github.io"), None);
        assert_eq!(hit(&b, "app.herokuapp.com"), None);
        assert_eq!(hit(&b, "blogspot.com"), None);
        // Their own registrable domains are still theirs.
        assert!(hit(&b, "github.com").is_some());
    }

    #[test]
    fn exceptions_are_registrable_domains_of_that_brand_only() {
        let b = brands(&[("ometv", &["hometv.com"]), ("hometv", &[])]);
        assert_eq!(hit(&b, "myometv.com").unwrap().0, "ometv");
        // `ometv` is excepted there, `hometv` is not: the next overlapping match is taken.
        assert_eq!(hit(&b, "www.hometv.com").unwrap().0, "hometv");
        let b = brands(&[("ometv", &["hometv.com"])]);
        assert_eq!(hit(&b, "www.hometv.com"), None);
        assert_eq!(hit(&b, "hometv.net").unwrap().1, "hometv.net");
    }

    #[test]
    fn no_brand_means_no_work() {
        let b = Brands::default();
        assert_eq!(b.find(b"omegle.com"), None);
        assert_eq!(b.len(), 0);
    }

    #[test]
    fn texts_and_exceptions_are_checked() {
        assert!(check_text("omegle").is_ok());
        assert!(check_text("ome-tv").is_ok());
        for bad in [
            "ome", "Omegle", "-omegle", "omegle-", "ome.gle", "omégle", "",
        ] {
            assert!(check_text(bad).is_err(), "{bad}");
        }
        assert!(check_text(&"a".repeat(64)).is_err());
        let d = |s: &str| Domain::parse(s).unwrap();
        assert!(check_exception("ometv", &d("hometv.com")).is_ok());
        assert!(check_exception("ometv", &d("www.hometv.com")).is_err());
        assert!(check_exception("ometv", &d("example.com")).is_err());
        assert!(check_exception("blogspot", &d("x.blogspot.com")).is_err());
    }
}
