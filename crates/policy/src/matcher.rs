//! The matcher: "is this name blocked, and why", answered without allocating.
//!
//! A listed domain matches itself and every name below it, on label boundaries only
//! (`notomegle.com` is not under `omegle.com`). An allowed domain wins over any block. The
//! decision carries its reason: the list, the site, and the listed domain (the rule) that matched.
//!
//! Layout, chosen for a million domains in well under the memory of the peers it is measured
//! against: every listed name is stored once in one string arena, each followed by a NUL; a name
//! is known by its start offset in the arena. Names are added site by site, so the tag of each
//! name (site index, allow bit) is kept as runs: one `(first offset, tag)` pair per run of names
//! that share a site, found by binary search on a hit only. An open-addressing table of `u32`
//! slots, at most half full, finds a name by hash; a slot holds the name's offset in its low bits
//! and, in the bits the offset does not need, a fingerprint of the name's hash, so a slot held by
//! another name is almost always passed over without reading that name's text, and checking a
//! match reads the arena once. Lookup walks the query name once from right to left, so the hash
//! of every suffix that starts at a label boundary falls out of a single pass; then it reads the
//! first slot of every suffix before comparing any of them. With a million names those reads miss
//! the CPU cache, and issuing them together lets them wait in parallel rather than one after
//! another.
//!
//! Brand rules ([`crate::brand`]) come last: when no allowed or blocked domain covers a name,
//! the brands of the lists in force are looked for in its registrable label, and a hit is a
//! block whose reason is [`RuleKind::Brand`]. A list without brands adds nothing to a lookup.
//!
//! A matcher is built once per policy and never changed: share it read-only across threads (it
//! is `Send + Sync` with no interior mutability) and build a new one to change anything.

use std::sync::Arc;

use crate::Domain;
use crate::brand::{Brand, BrandRule, Brands, trigram_step};

/// What a list's domains do when matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    /// Names under the list's domains are refused.
    Block,
    /// Names under the list's domains are answered normally, whatever any block list says.
    Allow,
}

/// What the matcher knows of a list, for reasons.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListMeta {
    /// Stable id, such as `stranger-chat` or `my-sites`. Shared, so that whatever keeps a
    /// reason (the attempt journal, for every blocked query) holds it without copying it.
    pub id: Arc<str>,
    /// Name a parent reads, in one language or several.
    pub name: crate::Text,
    /// Block or allow.
    pub action: Action,
}

#[derive(Debug, Clone)]
struct SiteMeta {
    list: u32,
    name: Arc<str>,
}

/// Index of a list inside a [`MatcherBuilder`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListIdx(u32);

/// Index of a site inside a [`MatcherBuilder`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SiteIdx(u32);

/// Why a name matched: which list, which site, which rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reason<'m> {
    /// The list the rule belongs to.
    pub list: &'m ListMeta,
    /// The site the rule belongs to, as parents see it; shared, like the list's id. For a brand
    /// rule it reads "looks like Omegle", in English: the key the journal groups attempts by.
    /// Pages for people name a brand block from [`RuleKind::Brand`] with the messages of
    /// `locales/` instead ([`crate::brand::site_brand`]), so each reader gets their language.
    pub site: &'m Arc<str>,
    /// For a domain rule, the listed domain that matched: the name itself or one of its
    /// parents. For a brand rule, the brand's `match` text (`omegle`); the part of the name it
    /// matched is [`Reason::matched`].
    pub rule: &'m str,
    /// Which kind of rule matched.
    pub kind: RuleKind<'m>,
}

/// The kind of rule behind a [`Reason`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleKind<'m> {
    /// A listed domain (`rule`) covers the name.
    Domain,
    /// The name's registrable label contains a brand; no domain rule covered it.
    Brand {
        /// The brand's name, as in "looks like Omegle".
        brand: &'m str,
        /// How many bytes at the end of the decided name (without its trailing dot) are the
        /// registrable domain the brand was found in.
        registrable: usize,
    },
}

impl Reason<'_> {
    /// True for a brand rule.
    pub fn is_brand(&self) -> bool {
        matches!(self.kind, RuleKind::Brand { .. })
    }

    /// The part of `name` (the name that was decided) that the rule covers: for a domain rule,
    /// the listed domain as spelled in `name`; for a brand rule, the registrable domain.
    pub fn matched<'n>(&self, name: &'n str) -> &'n str {
        let name = name.strip_suffix('.').unwrap_or(name);
        let len = match self.kind {
            RuleKind::Domain => self.rule.len(),
            RuleKind::Brand { registrable, .. } => registrable,
        };
        name.get(name.len().saturating_sub(len)..).unwrap_or(name)
    }

    /// One line in English, for logs and the command line: `Omegle (omegle.com)` for a domain
    /// rule, `looks like Omegle: omeglechat.example` for a brand rule. `name` is the name that
    /// was decided.
    pub fn describe(&self, name: &str) -> String {
        match self.kind {
            RuleKind::Domain => format!("{} ({})", self.site, self.rule),
            RuleKind::Brand { .. } => format!("{}: {}", self.site, self.matched(name)),
        }
    }
}

/// The matcher's answer for one name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision<'m> {
    /// No list mentions the name.
    Unlisted,
    /// An allowlist covers the name; it must not be blocked.
    Allowed(Reason<'m>),
    /// A block list covers the name and no allowlist does.
    Blocked(Reason<'m>),
}

impl Decision<'_> {
    /// True when the name must be refused.
    pub fn is_blocked(&self) -> bool {
        matches!(self, Decision::Blocked(_))
    }
}

/// A free slot. No slot holding a name equals it: the offset bits of a name are never all ones
/// (see `index_mask`).
const EMPTY: u32 = u32::MAX;
/// Most suffixes of one name looked up together. Real names have far fewer labels; a name with
/// more is looked up one suffix at a time. Kept small because the arrays are set up per lookup.
const MAX_SUFFIXES: usize = 16;
const ALLOW_BIT: u32 = 1 << 31;
const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

#[inline(always)]
fn step(state: u64, byte: u8) -> u64 {
    (state ^ u64::from(byte.to_ascii_lowercase())).wrapping_mul(FNV_PRIME)
}

/// Spreads FNV's state over all bits so that masking by the table size keeps its quality.
#[inline(always)]
fn finish(mut x: u64) -> u64 {
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^= x >> 33;
    x
}

/// Hash of a whole name, the same as the one the right-to-left walk finds for that suffix.
fn hash_name(name: &[u8]) -> u64 {
    finish(name.iter().rev().fold(FNV_OFFSET, |s, &b| step(s, b)))
}

/// Names whose first slots `build` reads before inserting them.
const BUILD_AHEAD: usize = 16;

/// Bits of a slot that hold an offset below `entries`: enough that the largest offset is below
/// all ones, so that no name's slot equals [`EMPTY`].
fn index_mask(entries: usize) -> u32 {
    let bits = usize::BITS - (entries + 1).leading_zeros();
    if bits >= 32 {
        u32::MAX
    } else {
        (1u32 << bits) - 1
    }
}

/// The fingerprint of a hash, in the slot bits that `index_mask` leaves free. It comes from the
/// high half of the hash, which the slot position (the low bits) does not use.
#[inline(always)]
fn fingerprint(hash: u64, index_mask: u32) -> u32 {
    (hash >> 32) as u32 & !index_mask
}

/// Collects lists, sites and domains, then builds an immutable [`Matcher`].
#[derive(Debug, Default)]
pub struct MatcherBuilder {
    lists: Vec<ListMeta>,
    sites: Vec<SiteMeta>,
    text: String,
    /// Where each name starts in `text`, in the order added.
    starts: Vec<u32>,
    runs: Vec<(u32, u32)>,
    brands: Vec<BrandRule>,
}

impl MatcherBuilder {
    /// An empty builder.
    pub fn new() -> Self {
        Self::default()
    }

    /// Reserves room for `domains` more domains of about `bytes` bytes in all.
    pub fn reserve(&mut self, domains: usize, bytes: usize) {
        self.starts.reserve(domains);
        self.text.reserve(bytes + domains);
    }

    /// Adds a list and returns its index.
    pub fn list(&mut self, meta: ListMeta) -> ListIdx {
        self.lists.push(meta);
        ListIdx(self.lists.len() as u32 - 1)
    }

    /// Adds a site to a list and returns its index.
    pub fn site(&mut self, list: ListIdx, name: &str) -> SiteIdx {
        self.sites.push(SiteMeta {
            list: list.0,
            name: name.into(),
        });
        SiteIdx(self.sites.len() as u32 - 1)
    }

    /// Adds a domain to a site. A domain added twice keeps its first site, except that an
    /// allowing entry always replaces a blocking one.
    pub fn domain(&mut self, site: SiteIdx, domain: &Domain) {
        let allow = self.lists[self.sites[site.0 as usize].list as usize].action == Action::Allow;
        let tag = site.0 | if allow { ALLOW_BIT } else { 0 };
        let start = self.text.len() as u32;
        if self.runs.last().is_none_or(|&(_, last)| last != tag) {
            self.runs.push((start, tag));
        }
        self.starts.push(start);
        self.text.push_str(domain.as_str());
        self.text.push('\0');
    }

    /// Adds a brand rule to a block list. Brands of an allowlist are ignored: they only block;
    /// so is a brand whose text a list file would refuse (see [`crate::MIN_BRAND`]).
    pub fn brand(&mut self, list: ListIdx, brand: &Brand) {
        if self.lists[list.0 as usize].action != Action::Block
            || crate::brand::check_text(&brand.text).is_err()
        {
            return;
        }
        let mut exceptions: Vec<Box<str>> =
            brand.exceptions.iter().map(|d| d.as_str().into()).collect();
        exceptions.sort_unstable();
        self.brands.push(BrandRule {
            list: list.0,
            site: brand.label().into(),
            name: brand.name.as_str().into(),
            text: brand.text.as_str().into(),
            exceptions,
        });
    }

    /// Builds the matcher.
    pub fn build(mut self) -> Matcher {
        let slots = (self.starts.len() * 2).next_power_of_two().max(16);
        let mask = slots - 1;
        let index_mask = index_mask(self.text.len());
        let mut table = vec![EMPTY; slots];
        let mut duplicates = 0;
        let text = self.text.as_bytes();
        // Names sit one after another, each followed by its NUL, so the next one's start gives
        // this one's end without reading it.
        let ends = self.starts.iter().skip(1).map(|&next| next as usize - 1);
        let mut names = self
            .starts
            .iter()
            .copied()
            .zip(ends.chain([text.len().saturating_sub(1)]));
        // With a million names nearly every first slot misses the CPU cache. Reading the first
        // slots of a few names before inserting any lets those misses overlap, as in `decide`.
        let mut batch = [(0u32, 0usize, 0u64); BUILD_AHEAD];
        loop {
            let mut count = 0;
            let mut warm = [EMPTY; BUILD_AHEAD];
            for (at, (start, end)) in batch.iter_mut().zip(names.by_ref()) {
                let hash = hash_name(&text[start as usize..end]);
                *at = (start, end, hash);
                warm[count] = table[hash as usize & mask];
                count += 1;
            }
            if count == 0 {
                break;
            }
            std::hint::black_box(&warm);
            for &(start, end, hash) in &batch[..count] {
                let name = &text[start as usize..end];
                let fingerprint = fingerprint(hash, index_mask);
                let packed = start | fingerprint;
                let mut slot = hash as usize & mask;
                loop {
                    let held = table[slot];
                    if held == EMPTY {
                        table[slot] = packed;
                        break;
                    }
                    let held_start = held & index_mask;
                    if held & !index_mask == fingerprint
                        && name_at(&self.text, held_start as usize).as_bytes() == name
                    {
                        duplicates += 1;
                        let new_allows = tag_of(&self.runs, start) & ALLOW_BIT != 0;
                        let held_allows = tag_of(&self.runs, held_start) & ALLOW_BIT != 0;
                        if new_allows && !held_allows {
                            table[slot] = packed;
                        }
                        break;
                    }
                    slot = (slot + 1) & mask;
                }
            }
        }
        self.text.shrink_to_fit();
        self.runs.shrink_to_fit();
        Matcher {
            brands: Brands::new(std::mem::take(&mut self.brands)),
            lists: self.lists,
            sites: self.sites,
            names: self.starts.len(),
            text: self.text,
            runs: self.runs,
            table,
            mask,
            index_mask,
            duplicates,
        }
    }
}

/// The tag of the name starting at `start`: the last run that starts at or before it.
fn tag_of(runs: &[(u32, u32)], start: u32) -> u32 {
    let after = runs.partition_point(|&(first, _)| first <= start);
    runs[after - 1].1
}

/// The name starting at `start`, up to its NUL.
fn name_at(text: &str, start: usize) -> &str {
    let rest = &text[start..];
    let len = rest.bytes().position(|b| b == 0).unwrap_or(rest.len());
    &rest[..len]
}

/// An immutable, compiled set of block and allow rules.
#[derive(Debug)]
pub struct Matcher {
    lists: Vec<ListMeta>,
    sites: Vec<SiteMeta>,
    /// Names added, duplicates included.
    names: usize,
    text: String,
    runs: Vec<(u32, u32)>,
    table: Vec<u32>,
    mask: usize,
    /// The slot bits that hold a name's offset; the others hold its fingerprint.
    index_mask: u32,
    duplicates: usize,
    brands: Brands,
}

impl Default for Matcher {
    fn default() -> Self {
        MatcherBuilder::new().build()
    }
}

impl Matcher {
    /// Decides a query name. Case does not matter and one trailing dot is ignored; the name is
    /// expected in ASCII (punycode) form, as it travels in DNS. Never allocates.
    pub fn decide(&self, name: &str) -> Decision<'_> {
        let bytes = name.as_bytes();
        let bytes = bytes.strip_suffix(b".").unwrap_or(bytes);
        // Every suffix that starts on a label boundary, shortest first, with its hash and its
        // first slot. The slot reads do not wait for one another: with a large table each one
        // misses the CPU cache, and the misses overlap instead of adding up.
        let mut suffixes = [(0usize, 0u64); MAX_SUFFIXES];
        let mut first = [EMPTY; MAX_SUFFIXES];
        let mut count = 0;
        let mut state = FNV_OFFSET;
        let mut i = bytes.len();
        // The same walk tests every three bytes against the brands' first three: work that does
        // not wait on the hash's multiplications, and a name with no brand in it rarely reaches
        // the brand step. (No brand: an all-clear table.)
        let grams = self.brands.grams();
        let mut window = 0usize;
        let mut maybe_brand = 0u64;
        while i > 0 {
            i -= 1;
            let b = bytes[i];
            if b == b'.' && i + 1 < bytes.len() {
                if count == MAX_SUFFIXES {
                    return self.decide_one_by_one(bytes);
                }
                let hash = finish(state);
                suffixes[count] = (i + 1, hash);
                first[count] = self.table[hash as usize & self.mask];
                count += 1;
            }
            state = step(state, b);
            window = trigram_step(window, b);
            maybe_brand |= grams[window / 64] & (1 << (window % 64));
        }
        if !bytes.is_empty() {
            if count == MAX_SUFFIXES {
                return self.decide_one_by_one(bytes);
            }
            let hash = finish(state);
            suffixes[count] = (0, hash);
            first[count] = self.table[hash as usize & self.mask];
            count += 1;
        }
        // The shortest allowed suffix wins at once; otherwise the longest blocked one.
        let mut blocked = None;
        for (&(start, hash), &held) in suffixes[..count].iter().zip(&first) {
            match self.probe_from(&bytes[start..], hash, held) {
                Some(e) if tag_of(&self.runs, e) & ALLOW_BIT != 0 => {
                    return Decision::Allowed(self.reason(e));
                }
                Some(e) => blocked = Some(e),
                None => {}
            }
        }
        match blocked {
            Some(e) => Decision::Blocked(self.reason(e)),
            None if maybe_brand != 0 => self.brand(bytes),
            None => Decision::Unlisted,
        }
    }

    /// The last step, when no domain rule covered the name: its brands.
    #[inline]
    fn brand(&self, name: &[u8]) -> Decision<'_> {
        match self.brands.find(name) {
            Some((index, registrable)) => {
                let rule = self.brands.rule(index);
                Decision::Blocked(Reason {
                    list: &self.lists[rule.list as usize],
                    site: &rule.site,
                    rule: &rule.text,
                    kind: RuleKind::Brand {
                        brand: &rule.name,
                        registrable,
                    },
                })
            }
            None => Decision::Unlisted,
        }
    }

    /// [`Matcher::decide`] for a name with more labels than any DNS name has: no batching.
    fn decide_one_by_one(&self, bytes: &[u8]) -> Decision<'_> {
        let mut blocked = None;
        let mut state = FNV_OFFSET;
        let mut i = bytes.len();
        let check = |start: usize, state: u64| {
            let hash = finish(state);
            let held = self.table[hash as usize & self.mask];
            self.probe_from(&bytes[start..], hash, held)
        };
        while i > 0 {
            i -= 1;
            let b = bytes[i];
            if b == b'.' && i + 1 < bytes.len() {
                match check(i + 1, state) {
                    Some(e) if tag_of(&self.runs, e) & ALLOW_BIT != 0 => {
                        return Decision::Allowed(self.reason(e));
                    }
                    Some(e) => blocked = Some(e),
                    None => {}
                }
            }
            state = step(state, b);
        }
        match check(0, state) {
            Some(e) if tag_of(&self.runs, e) & ALLOW_BIT != 0 => Decision::Allowed(self.reason(e)),
            Some(e) => Decision::Blocked(self.reason(e)),
            None => match blocked {
                Some(e) => Decision::Blocked(self.reason(e)),
                None => self.brand(bytes),
            },
        }
    }

    /// The offset of `suffix` (whose hash is `hash`), walking on from its first slot `held`.
    #[inline]
    fn probe_from(&self, suffix: &[u8], hash: u64, mut held: u32) -> Option<u32> {
        let fingerprint = fingerprint(hash, self.index_mask);
        let mut slot = hash as usize & self.mask;
        let text = self.text.as_bytes();
        loop {
            if held == EMPTY {
                return None;
            }
            let start = held & self.index_mask;
            if held & !self.index_mask == fingerprint {
                let at = start as usize;
                let end = at + suffix.len();
                // The suffix, then the NUL that ends the listed name: nothing longer. No listed
                // name holds a NUL, so a suffix with one must not match across two names.
                if text.get(end) == Some(&0)
                    && text[at..end].eq_ignore_ascii_case(suffix)
                    && !suffix.contains(&0)
                {
                    return Some(start);
                }
            }
            slot = (slot + 1) & self.mask;
            held = self.table[slot];
        }
    }

    fn reason(&self, e: u32) -> Reason<'_> {
        let site = &self.sites[(tag_of(&self.runs, e) & !ALLOW_BIT) as usize];
        Reason {
            list: &self.lists[site.list as usize],
            site: &site.name,
            rule: name_at(&self.text, e as usize),
            kind: RuleKind::Domain,
        }
    }

    /// Number of distinct domains (block and allow).
    pub fn len(&self) -> usize {
        self.names - self.duplicates
    }

    /// True when no domain is listed.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// How many domains were added more than once (each extra copy counts once).
    pub fn duplicates(&self) -> usize {
        self.duplicates
    }

    /// The lists the matcher was built from.
    pub fn lists(&self) -> &[ListMeta] {
        &self.lists
    }

    /// Number of brand rules in force, across all lists.
    pub fn brand_count(&self) -> usize {
        self.brands.len()
    }

    /// Number of sites across all lists.
    pub fn site_count(&self) -> usize {
        self.sites.len()
    }

    /// Heap bytes held by the matcher's own buffers (an estimate that ignores allocator slack;
    /// the benchmark measures the real figure with a counting allocator).
    pub fn heap_bytes(&self) -> usize {
        self.text.capacity()
            + 4 * self.table.capacity()
            + 8 * self.runs.capacity()
            + self
                .sites
                .iter()
                .map(|s| s.name.len() + size_of::<SiteMeta>())
                .sum::<usize>()
            + self
                .lists
                .iter()
                .map(|l| l.id.len() + l.name.bytes() + size_of::<ListMeta>())
                .sum::<usize>()
            + self.brands.heap_bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Domain {
        Domain::parse(s).unwrap()
    }

    fn sample() -> Matcher {
        let mut b = MatcherBuilder::new();
        let chat = b.list(ListMeta {
            id: "stranger-chat".into(),
            name: "Chat".into(),
            action: Action::Block,
        });
        let omegle = b.site(chat, "Omegle");
        b.domain(omegle, &d("omegle.com"));
        b.domain(omegle, &d("omegle.fm"));
        let ome = b.site(chat, "OmeTV");
        b.domain(ome, &d("ome.tv"));
        b.domain(ome, &d("cdn.ome.tv"));
        let allow = b.list(ListMeta {
            id: "allowed".into(),
            name: "Allowed".into(),
            action: Action::Allow,
        });
        let school = b.site(allow, "School project");
        b.domain(school, &d("help.omegle.com"));
        b.build()
    }

    fn blocked_rule(m: &Matcher, name: &str) -> Option<(String, String, String)> {
        match m.decide(name) {
            Decision::Blocked(r) => Some((
                r.list.id.to_string(),
                r.site.to_string(),
                r.rule.to_string(),
            )),
            _ => None,
        }
    }

    #[test]
    fn names_with_more_labels_than_dns_allows_are_decided_one_by_one_alike() {
        let m = sample();
        let deep = format!("{}www.omegle.com", "a.".repeat(20));
        assert!(deep.split('.').count() > MAX_SUFFIXES);
        assert_eq!(
            blocked_rule(&m, &deep),
            Some(("stranger-chat".into(), "Omegle".into(), "omegle.com".into()))
        );
        let allowed = format!("{}help.omegle.com", "a.".repeat(20));
        assert!(matches!(m.decide(&allowed), Decision::Allowed(_)));
        for name in [
            "omegle.com",
            "x.help.omegle.com",
            "cdn.ome.tv",
            "ome.tv.",
            "tv",
            "",
            ".",
        ] {
            assert_eq!(
                m.decide(name),
                m.decide_one_by_one(
                    name.as_bytes()
                        .strip_suffix(b".")
                        .unwrap_or(name.as_bytes())
                ),
                "{name}"
            );
        }
    }

    #[test]
    fn a_name_never_matches_across_the_end_of_a_listed_one() {
        let m = sample();
        // The arena holds "omegle.com\0omegle.fm\0…": no query may run past a name's end.
        assert_eq!(m.decide("omegle.com\0omegle.fm"), Decision::Unlisted);
        assert_eq!(m.decide("x.omegle.co"), Decision::Unlisted);
        assert!(
            m.decide("a\0b.omegle.com").is_blocked(),
            "the listed suffix still counts"
        );
    }

    #[test]
    fn slots_keep_the_index_below_all_ones_and_the_fingerprint_above_it() {
        assert_eq!(index_mask(0), 1);
        assert_eq!(index_mask(1), 0b11);
        assert_eq!(index_mask(2), 0b11);
        assert_eq!(index_mask(3), 0b111);
        assert_eq!(index_mask(1_000_000), (1 << 20) - 1);
        for n in [0usize, 1, 2, 3, 1_000_000, (1 << 20) - 2] {
            let mask = index_mask(n);
            // The largest index never fills the mask: a slot holding it is never EMPTY.
            assert!(n == 0 || ((n - 1) as u32) < mask, "{n}");
            assert_eq!(fingerprint(u64::MAX, mask) & mask, 0);
        }
    }

    #[test]
    fn a_listed_domain_blocks_itself_and_subdomains_with_its_reason() {
        let m = sample();
        let want = Some(("stranger-chat".into(), "Omegle".into(), "omegle.com".into()));
        assert_eq!(blocked_rule(&m, "omegle.com"), want);
        assert_eq!(blocked_rule(&m, "www.omegle.com"), want);
        assert_eq!(blocked_rule(&m, "a.b.c.omegle.com"), want);
        assert_eq!(blocked_rule(&m, "omegle.fm").unwrap().2, "omegle.fm");
    }

    #[test]
    fn case_and_trailing_dot_do_not_matter() {
        let m = sample();
        assert!(m.decide("WWW.Omegle.COM.").is_blocked());
        assert!(m.decide("OMEGLE.com").is_blocked());
        assert_eq!(m.decide("omegle.com.."), Decision::Unlisted);
    }

    #[test]
    fn matching_is_on_label_boundaries() {
        let m = sample();
        assert_eq!(m.decide("notomegle.com"), Decision::Unlisted);
        assert_eq!(m.decide("omegle.com.evil.example"), Decision::Unlisted);
        assert_eq!(m.decide("omegle.co"), Decision::Unlisted);
        assert_eq!(m.decide("com"), Decision::Unlisted);
        assert_eq!(m.decide("mome.tv"), Decision::Unlisted);
        assert_eq!(m.decide(""), Decision::Unlisted);
        assert_eq!(m.decide("."), Decision::Unlisted);
    }

    #[test]
    fn the_most_specific_block_is_the_reason() {
        let m = sample();
        assert_eq!(blocked_rule(&m, "x.cdn.ome.tv").unwrap().2, "cdn.ome.tv");
        assert_eq!(blocked_rule(&m, "www.ome.tv").unwrap().2, "ome.tv");
    }

    #[test]
    fn allow_wins_over_block() {
        let m = sample();
        match m.decide("help.omegle.com") {
            Decision::Allowed(r) => {
                assert_eq!(&*r.list.id, "allowed");
                assert_eq!(&**r.site, "School project");
                assert_eq!(r.rule, "help.omegle.com");
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            m.decide("docs.help.omegle.com"),
            Decision::Allowed(_)
        ));
        assert!(m.decide("chat.omegle.com").is_blocked());
    }

    #[test]
    fn duplicates_keep_the_first_site_but_allow_beats_block() {
        let mut b = MatcherBuilder::new();
        let l = b.list(ListMeta {
            id: "a".into(),
            name: "A".into(),
            action: Action::Block,
        });
        let s1 = b.site(l, "First");
        let s2 = b.site(l, "Second");
        b.domain(s1, &d("x.example"));
        b.domain(s2, &d("x.example"));
        let a = b.list(ListMeta {
            id: "ok".into(),
            name: "OK".into(),
            action: Action::Allow,
        });
        let s3 = b.site(a, "Fine");
        b.domain(s3, &d("y.example"));
        let s4 = b.site(l, "Late block");
        b.domain(s4, &d("y.example"));
        let m = b.build();
        assert_eq!(m.len(), 2);
        assert_eq!(m.duplicates(), 2);
        assert_eq!(blocked_rule(&m, "x.example").unwrap().1, "First");
        assert!(matches!(m.decide("y.example"), Decision::Allowed(_)));
    }

    #[test]
    fn an_empty_matcher_lists_nothing() {
        let m = Matcher::default();
        assert!(m.is_empty());
        assert_eq!(m.decide("omegle.com"), Decision::Unlisted);
    }
}
