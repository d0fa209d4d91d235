//! Domain names as parents paste them, turned into the one form the matcher uses.
//!
//! A parent copies whatever the browser shows (`https://www.Omegle.com/chat?x=1`, `omegle.com:443`,
//! `*.omegle.com`, `bücher.example`). [`Domain::parse`] accepts all of those and produces one
//! normalized name: lowercase ASCII, IDNA (punycode) for international names, no trailing dot.
//! It refuses, with a reason a parent understands, what cannot be a site: IP addresses, names
//! that break DNS length rules, characters no host name can hold, and bare public suffixes
//! (`com`, `co.uk`, `github.io`), which would block countless unrelated sites. The Public Suffix
//! List comes from the `psl` crate, which compiles the list into the binary.
//!
//! The same function serves the importers, so it keeps a fast path for plain ASCII names: only
//! input with international characters or `xn--` labels goes through the IDNA machinery.

use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::str::FromStr;

use idna::uts46::{AsciiDenyList, DnsLength, Hyphens, Uts46};

use crate::Error;

/// Longest label DNS allows, in bytes.
pub const MAX_LABEL: usize = 63;
/// Longest name DNS allows in presentation form without the trailing dot, in bytes.
pub const MAX_NAME: usize = 253;

/// A normalized, registrable-or-deeper domain name: lowercase ASCII, punycode, no trailing dot.
///
/// Holding a `Domain` proves the name passed every check of [`Domain::parse`].
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Domain(Box<str>);

impl Domain {
    /// Parses anything a parent might paste into one normalized name, or says why it cannot.
    pub fn parse(input: &str) -> Result<Domain, Error> {
        if is_plain(input) {
            // Nothing around the host to strip and nothing to map: `parse_pasted` would hand the
            // input on unchanged. Most lines of a big list are like this.
            check_shape(input)?;
            check_registrable(input)?;
            return Ok(Domain(input.into()));
        }
        Self::parse_pasted(input)
    }

    fn parse_pasted(input: &str) -> Result<Domain, Error> {
        let host = extract_host(input)?;
        let ascii = to_ascii(host)?;
        check_shape(&ascii)?;
        check_registrable(&ascii)?;
        Ok(Domain(ascii.into_boxed_str()))
    }

    /// The normalized name.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The name as a person reads it: international labels decoded from punycode.
    pub fn to_unicode(&self) -> String {
        let (unicode, result) = idna::domain_to_unicode(&self.0);
        if result.is_ok() {
            unicode
        } else {
            self.0.to_string()
        }
    }

    /// The name a parent means when pasting a `www.` address: `www.omegle.com` → `omegle.com`,
    /// so the whole site is covered; a name whose rest would be a public suffix is kept.
    pub fn without_www(&self) -> Domain {
        match self.0.strip_prefix("www.") {
            Some(rest) if psl::domain(rest.as_bytes()).is_some() => Domain(rest.into()),
            _ => self.clone(),
        }
    }

    /// The registrable part (`omegle.com` for `www.omegle.com`), per the Public Suffix List.
    pub fn registrable(&self) -> &str {
        psl::domain_str(&self.0).unwrap_or(&self.0)
    }
}

impl fmt::Display for Domain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Domain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Domain({:?})", &*self.0)
    }
}

impl FromStr for Domain {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Domain::parse(s)
    }
}

impl AsRef<str> for Domain {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl serde::Serialize for Domain {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> serde::Deserialize<'de> for Domain {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Domain::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// A name already in normalized form as far as characters go: lowercase ASCII letters, digits,
/// hyphens and inner dots, and no `xn--` label (those are checked by IDNA).
fn is_plain(input: &str) -> bool {
    let bytes = input.as_bytes();
    !bytes.is_empty()
        && !bytes.ends_with(b".")
        && bytes
            .iter()
            .all(|&b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.')
        && !bytes.starts_with(b"xn--")
        && !bytes.windows(5).any(|w| w == b".xn--")
}

/// Strips what surrounds a host in pasted text: spaces, scheme, user info, path, port, a
/// wildcard, the trailing dot. Refuses IP literals.
fn extract_host(input: &str) -> Result<&str, Error> {
    let mut s = input.trim();
    if let Some(pos) = s.find("://") {
        let scheme = &s[..pos];
        let valid = scheme
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
        if valid {
            s = &s[pos + 3..];
        }
    }
    if let Some(end) = s.find(['/', '?', '#']) {
        s = &s[..end];
    }
    if let Some(at) = s.rfind('@') {
        s = &s[at + 1..];
    }
    if let Some(bracketed) = s.strip_prefix('[') {
        let inner = bracketed.split(']').next().unwrap_or_default();
        return Err(Error::IpAddress(inner.to_string()));
    }
    match s.matches(':').count() {
        0 => {}
        1 => {
            let (host, port) = s.split_once(':').unwrap_or((s, ""));
            if port.bytes().all(|b| b.is_ascii_digit()) {
                s = host;
            }
        }
        _ if s.parse::<Ipv6Addr>().is_ok() => return Err(Error::IpAddress(s.to_string())),
        _ => {}
    }
    if let Some(rest) = s.strip_prefix("*.") {
        s = rest;
    }
    if let Some(rest) = s.strip_suffix('.') {
        s = rest;
    }
    if s.is_empty() {
        return Err(Error::EmptyName);
    }
    if s.parse::<Ipv4Addr>().is_ok() {
        return Err(Error::IpAddress(s.to_string()));
    }
    Ok(s)
}

/// Lowercases ASCII names and maps international ones to punycode, refusing bad characters.
fn to_ascii(host: &str) -> Result<String, Error> {
    if let Some(bad) = host.chars().find(|&c| is_forbidden(c)) {
        return Err(bad_character(host, bad));
    }
    let needs_idna = !host.is_ascii()
        || host
            .split('.')
            .any(|label| label.len() >= 4 && label[..4].eq_ignore_ascii_case("xn--"));
    if !needs_idna {
        return Ok(host.to_ascii_lowercase());
    }
    // Length and hyphen rules are checked afterwards with our own messages, so ask IDNA for the
    // mapping and the validity of international labels only.
    Uts46::new()
        .to_ascii(
            host.as_bytes(),
            AsciiDenyList::STD3,
            Hyphens::Allow,
            DnsLength::Ignore,
        )
        .map(|cow| cow.into_owned())
        .map_err(|_| Error::InvalidIdn(host.to_string()))
}

/// Characters no host name can hold, whatever the script: everything that is not a letter,
/// digit, hyphen or dot in ASCII. Non-ASCII characters are left to IDNA.
fn is_forbidden(c: char) -> bool {
    c.is_ascii() && !(c.is_ascii_alphanumeric() || c == '-' || c == '.')
        || c.is_whitespace()
        || c.is_control()
}

fn bad_character(name: &str, c: char) -> Error {
    Error::BadCharacter {
        name: name.to_string(),
        character: c,
    }
}

/// DNS shape rules on the ASCII form: label count, lengths, hyphens, no numeric top label.
fn check_shape(ascii: &str) -> Result<(), Error> {
    if ascii.len() > MAX_NAME {
        return Err(Error::NameTooLong { len: ascii.len() });
    }
    let mut longest = 0;
    for label in ascii.split('.') {
        if label.is_empty() {
            return Err(Error::EmptyLabel(ascii.to_string()));
        }
        longest = longest.max(label.len());
        if label.starts_with('-') || label.ends_with('-') {
            return Err(Error::HyphenAtEdge {
                name: ascii.to_string(),
                label: label.to_string(),
            });
        }
    }
    if longest > MAX_LABEL {
        return Err(Error::LabelTooLong {
            name: ascii.to_string(),
            len: longest,
        });
    }
    let top = ascii.rsplit('.').next().unwrap_or(ascii);
    if top.bytes().all(|b| b.is_ascii_digit()) {
        // `1.2.3` or `10.0.0.300`: a number, not a name; no top-level domain is all digits.
        return Err(Error::IpAddress(ascii.to_string()));
    }
    Ok(())
}

/// Refuses bare public suffixes and single labels.
fn check_registrable(ascii: &str) -> Result<(), Error> {
    if psl::domain(ascii.as_bytes()).is_some() {
        return Ok(());
    }
    let known_suffix = psl::suffix(ascii.as_bytes()).is_some_and(|s| s.is_known());
    if !ascii.contains('.') && !known_suffix {
        Err(Error::SingleLabel(ascii.to_string()))
    } else {
        Err(Error::PublicSuffix(ascii.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_names_take_the_short_way_to_the_same_result() {
        let inputs = [
            "omegle.com",
            "www.omegle.com",
            "a-b.c-d.example",
            "x1.co.uk",
            "com",
            "co.uk",
            "github.io",
            "localhost",
            "1.2.3.4",
            "10.0.0.300",
            "a..omegle.com",
            ".omegle.com",
            "-a.omegle.com",
            "a-.omegle.com",
            "xn--bcher-kva.example",
            "shop.xn--p1ai",
            "xn--.example",
            "xn--zz.example",
            &format!("{}.example", "a".repeat(64)),
            &format!("{}example", "a.".repeat(130)),
        ];
        for input in inputs {
            let fast = is_plain(input);
            let expect_fast = !input.contains("xn--");
            assert_eq!(fast, expect_fast, "{input}");
            assert_eq!(
                format!("{:?}", Domain::parse(input)),
                format!("{:?}", Domain::parse_pasted(input)),
                "{input}"
            );
        }
        for not_plain in [
            "Omegle.com",
            "omegle.com.",
            "omegle.com ",
            "*.omegle.com",
            "",
        ] {
            assert!(!is_plain(not_plain), "{not_plain}");
        }
    }

    fn ok(input: &str) -> String {
        match Domain::parse(input) {
            Ok(d) => d.to_string(),
            Err(e) => panic!("{input:?} refused: {e}"),
        }
    }

    fn err(input: &str) -> Error {
        match Domain::parse(input) {
            Ok(d) => panic!("{input:?} accepted as {d}"),
            Err(e) => e,
        }
    }

    #[test]
    fn accepts_what_parents_paste() {
        assert_eq!(ok("Omegle.COM."), "omegle.com");
        assert_eq!(ok(" https://www.omegle.com/chat?x=1 "), "www.omegle.com");
        assert_eq!(ok("omegle.com:443"), "omegle.com");
        assert_eq!(ok("*.omegle.com"), "omegle.com");
        assert_eq!(ok("bücher.example"), "xn--bcher-kva.example");
        assert_eq!(ok("BÜCHER.example"), "xn--bcher-kva.example");
        assert_eq!(
            ok("http://user:pw@Chat.Example.org:8080/x#y"),
            "chat.example.org"
        );
        assert_eq!(ok("omegle.com/"), "omegle.com");
        assert_eq!(ok("omegle.com#top"), "omegle.com");
        assert_eq!(ok("\tbbc.co.uk\n"), "bbc.co.uk");
        assert_eq!(ok("someone.github.io"), "someone.github.io");
        assert_eq!(ok("xn--bcher-kva.example"), "xn--bcher-kva.example");
        assert_eq!(ok("a-b.example-chat.test"), "a-b.example-chat.test");
    }

    #[test]
    fn refuses_empty() {
        assert_eq!(err(""), Error::EmptyName);
        assert_eq!(err("   "), Error::EmptyName);
        assert_eq!(err("https://"), Error::EmptyName);
        assert_eq!(err("."), Error::EmptyName);
    }

    #[test]
    fn refuses_ip_addresses() {
        assert!(matches!(err("1.2.3.4"), Error::IpAddress(_)));
        assert!(matches!(err("http://1.2.3.4/x"), Error::IpAddress(_)));
        assert!(matches!(err("[::1]:53"), Error::IpAddress(_)));
        assert!(matches!(err("2001:db8::1"), Error::IpAddress(_)));
        assert!(matches!(err("10.0.0.300"), Error::IpAddress(_)));
    }

    #[test]
    fn refuses_bad_characters_naming_them() {
        let e = err("ome gle.com");
        assert!(e.to_string().contains("a space"), "{e}");
        let e = err("ad_server.example.com");
        assert!(e.to_string().contains("underscore"), "{e}");
        assert!(matches!(err("exa$mple.com"), Error::BadCharacter { .. }));
        assert!(matches!(err("a.b:c:d"), Error::BadCharacter { .. }));
        assert!(matches!(err("\u{E000}private.com"), Error::InvalidIdn(_)));
        // UTS 46 drops a zero-width space, as browsers do: the name matches what they query.
        assert_eq!(ok("zero\u{200B}width.com"), "zerowidth.com");
    }

    #[test]
    fn refuses_dns_length_violations() {
        let label = "a".repeat(64);
        assert_eq!(
            err(&format!("{label}.com")),
            Error::LabelTooLong {
                name: format!("{label}.com"),
                len: 64
            }
        );
        assert_eq!(ok(&format!("{}.com", "a".repeat(63))).len(), 67);
        let long = format!("{}.com", ["abcdefghi"; 25].join("."));
        assert_eq!(long.len(), 253);
        assert_eq!(ok(&long), long);
        let too_long = format!("x{long}");
        assert_eq!(err(&too_long), Error::NameTooLong { len: 254 });
    }

    #[test]
    fn refuses_malformed_labels() {
        assert!(matches!(err("a..com"), Error::EmptyLabel(_)));
        assert!(matches!(err(".a.com"), Error::EmptyLabel(_)));
        assert!(matches!(err("-a.com"), Error::HyphenAtEdge { .. }));
        assert!(matches!(err("a-.com"), Error::HyphenAtEdge { .. }));
        assert!(matches!(err("xn--zz.com"), Error::InvalidIdn(_)));
    }

    #[test]
    fn refuses_public_suffixes_but_not_registrable_names() {
        assert_eq!(err("com"), Error::PublicSuffix("com".into()));
        assert_eq!(err("co.uk"), Error::PublicSuffix("co.uk".into()));
        assert_eq!(err("github.io"), Error::PublicSuffix("github.io".into()));
        assert_eq!(err(".co.uk."), Error::EmptyLabel(".co.uk".into()));
        assert_eq!(err("localhost"), Error::SingleLabel("localhost".into()));
        assert_eq!(ok("bbc.co.uk"), "bbc.co.uk");
        assert!(err("co.uk").to_string().contains("example.co.uk"));
    }

    #[test]
    fn knows_the_registrable_part_and_unicode_form() {
        let d = Domain::parse("www.bbc.co.uk").unwrap();
        assert_eq!(d.registrable(), "bbc.co.uk");
        let d = Domain::parse("bücher.example").unwrap();
        assert_eq!(d.to_unicode(), "bücher.example");
        let d = Domain::parse("https://www.Example-Chat.test/room").unwrap();
        assert_eq!(d.without_www().as_str(), "example-chat.test");
        assert_eq!(
            Domain::parse("www.co.uk").unwrap().without_www().as_str(),
            "www.co.uk"
        );
        assert_eq!(
            Domain::parse("chat.example")
                .unwrap()
                .without_www()
                .as_str(),
            "chat.example"
        );
    }
}
