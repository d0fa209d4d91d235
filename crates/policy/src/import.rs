//! Importers for the list formats parents find online: hosts files, plain domain lists and
//! adblock-style `||domain^` rules.
//!
//! An import never fails as a whole. Each line is taken or skipped with a reason; the result
//! counts both, by reason, and keeps the first few skipped lines of each reason with their line
//! number so that a parent (or the console) can show what was left out and why. Only rules that
//! mean "this domain and everything under it" are taken: an adblock rule with a path, a
//! resource-type option or an exception means something DNS cannot do, so it is skipped rather
//! than widened.

use std::collections::BTreeMap;
use std::fmt;
use std::net::IpAddr;

use crate::{Domain, Error, ListFile, ListInfo, Site};

/// How many skipped lines of each reason the result keeps in detail.
pub const DETAILS_PER_REASON: usize = 20;

/// A third-party list format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    /// `0.0.0.0 a.example b.example`, `127.0.0.1 x`, `::1 y`, `#` comments.
    Hosts,
    /// One domain per line, `#` comments.
    Domains,
    /// Adblock Plus / AdGuard rules; only `||domain^` rules are taken.
    Adblock,
}

impl Format {
    /// Guesses the format from the first rules of a file.
    pub fn detect(text: &str) -> Format {
        for line in text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .take(200)
        {
            if line.starts_with('[') && line.to_ascii_lowercase().contains("adblock") {
                return Format::Adblock;
            }
            if line.starts_with('#') || line.starts_with('!') {
                continue;
            }
            if line.starts_with("||") || line.starts_with("@@") {
                return Format::Adblock;
            }
            let first = line.split_whitespace().next().unwrap_or_default();
            if first.parse::<IpAddr>().is_ok() {
                return Format::Hosts;
            }
            return Format::Domains;
        }
        Format::Domains
    }
}

/// Why a line, or a name on a line, was not taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SkipReason {
    /// The text is not a valid domain name (see the detail for which rule it breaks).
    InvalidName,
    /// An IP address where a name was expected.
    IpAddress,
    /// A bare public suffix such as `com`, which would block countless sites.
    PublicSuffix,
    /// A local name from a hosts file's preamble (`localhost`, `broadcasthost`, …).
    LocalName,
    /// A hosts line that does not start with an address.
    NotAHostsLine,
    /// An adblock rule that is not a plain `||domain^` rule (paths, options, cosmetic rules).
    NotADomainRule,
    /// An adblock exception (`@@`): Vigie's allowlist is kept by the parent, not imported.
    ExceptionRule,
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SkipReason::InvalidName => "not a valid domain name",
            SkipReason::IpAddress => "an IP address, not a name",
            SkipReason::PublicSuffix => "an ending shared by many sites",
            SkipReason::LocalName => "a local name of this computer",
            SkipReason::NotAHostsLine => "not an address followed by names",
            SkipReason::NotADomainRule => "a rule that is not a whole-domain rule",
            SkipReason::ExceptionRule => "an exception rule",
        })
    }
}

/// One skipped line or name.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Skipped {
    /// 1-based line number.
    pub line: usize,
    /// The reason.
    pub reason: SkipReason,
    /// The exact problem, in words.
    pub detail: String,
}

/// The result of an import.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Import {
    /// Every name taken, normalized, in file order (duplicates included; the matcher folds them).
    /// Empty after [`stream`], which hands each name to its caller instead.
    pub domains: Vec<Domain>,
    /// How many names were taken.
    pub taken: usize,
    /// How many were skipped, by reason.
    pub skipped: BTreeMap<SkipReason, usize>,
    /// The first [`DETAILS_PER_REASON`] skipped lines of each reason.
    pub examples: Vec<Skipped>,
}

impl Import {
    /// How many names were taken.
    pub fn taken(&self) -> usize {
        self.taken
    }

    /// How many lines or names were skipped in all.
    pub fn skipped_total(&self) -> usize {
        self.skipped.values().sum()
    }

    fn skip(&mut self, line: usize, reason: SkipReason, detail: impl FnOnce() -> String) {
        let count = self.skipped.entry(reason).or_default();
        *count += 1;
        if *count <= DETAILS_PER_REASON {
            self.examples.push(Skipped {
                line,
                reason,
                detail: detail(),
            });
        }
    }

    fn name(&mut self, line: usize, text: &str, on: &mut impl FnMut(Domain)) {
        match Domain::parse(text) {
            Ok(d) => {
                self.taken += 1;
                on(d);
            }
            Err(e) => {
                let reason = match e {
                    Error::IpAddress(_) => SkipReason::IpAddress,
                    Error::PublicSuffix(_) => SkipReason::PublicSuffix,
                    _ => SkipReason::InvalidName,
                };
                self.skip(line, reason, || e.to_string());
            }
        }
    }

    /// Turns the import into a list file with one site holding every name taken (deduplicated).
    pub fn into_list(self, info: ListInfo, site_name: &str, source: &str) -> ListFile {
        let mut domains = self.domains;
        domains.sort_unstable();
        domains.dedup();
        ListFile {
            list: info,
            brands: Vec::new(),
            sites: vec![Site {
                name: site_name.to_string(),
                domains,
                sources: vec![source.to_string()],
                note: None,
            }],
        }
    }
}

/// Imports `text` in the given format.
pub fn import(text: &str, format: Format) -> Import {
    let mut domains = Vec::new();
    let mut out = Import::default();
    for (index, raw) in text.lines().enumerate() {
        one_line(&mut out, index + 1, raw, format, &mut |d| domains.push(d));
    }
    out.domains = domains;
    out
}

/// Imports from a reader line by line, handing each name taken to `on` rather than keeping it:
/// a million-line list then costs the memory of one line, not of a million names.
pub fn stream(
    reader: impl std::io::BufRead,
    format: Format,
    mut on: impl FnMut(Domain),
) -> std::io::Result<Import> {
    let mut out = Import::default();
    let mut buf = Vec::new();
    let mut reader = reader;
    let mut line = 0;
    loop {
        buf.clear();
        if reader.read_until(b'\n', &mut buf)? == 0 {
            break;
        }
        line += 1;
        let raw = String::from_utf8_lossy(&buf);
        one_line(
            &mut out,
            line,
            raw.trim_end_matches(['\n', '\r']),
            format,
            &mut on,
        );
    }
    Ok(out)
}

fn one_line(out: &mut Import, line: usize, raw: &str, format: Format, on: &mut impl FnMut(Domain)) {
    match format {
        Format::Hosts => hosts_line(out, line, raw, on),
        Format::Domains => domains_line(out, line, raw, on),
        Format::Adblock => adblock_line(out, line, raw, on),
    }
}

fn strip_comment(raw: &str) -> &str {
    raw.split('#').next().unwrap_or_default().trim()
}

fn hosts_line(out: &mut Import, line: usize, raw: &str, on: &mut impl FnMut(Domain)) {
    let content = strip_comment(raw);
    if content.is_empty() {
        return;
    }
    let mut fields = content.split_whitespace();
    let address = fields.next().unwrap_or_default();
    if address.parse::<IpAddr>().is_err() {
        out.skip(line, SkipReason::NotAHostsLine, || {
            format!("\"{address}\" is not an address; a hosts line starts with one, like 0.0.0.0")
        });
        return;
    }
    for name in fields {
        if is_local_name(name) {
            out.skip(line, SkipReason::LocalName, || {
                format!("\"{name}\" names this computer")
            });
        } else {
            out.name(line, name, on);
        }
    }
}

/// Names that hosts files define for the computer itself; never a site to block.
fn is_local_name(name: &str) -> bool {
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    matches!(name.as_str(), "localhost" | "broadcasthost" | "local")
        || name.starts_with("ip6-")
        || name.ends_with(".localdomain")
        || name.ends_with(".localhost")
}

fn domains_line(out: &mut Import, line: usize, raw: &str, on: &mut impl FnMut(Domain)) {
    let content = strip_comment(raw);
    if content.is_empty() || content.starts_with('!') {
        return;
    }
    out.name(line, content, on);
}

fn adblock_line(out: &mut Import, line: usize, raw: &str, on: &mut impl FnMut(Domain)) {
    let rule = raw.trim();
    if rule.is_empty() || rule.starts_with('!') || rule.starts_with('#') || rule.starts_with('[') {
        return;
    }
    if rule.starts_with("@@") {
        out.skip(line, SkipReason::ExceptionRule, || {
            format!("\"{rule}\" is an exception rule")
        });
        return;
    }
    let not_domain = |out: &mut Import| {
        out.skip(line, SkipReason::NotADomainRule, || {
            format!("\"{rule}\" is not a whole-domain rule like ||example.com^")
        });
    };
    let Some(body) = rule.strip_prefix("||") else {
        return not_domain(out);
    };
    let (body, options) = body.split_once('$').unwrap_or((body, ""));
    // `$important` changes precedence between rules, not what is matched; any other option
    // narrows the rule to some requests, which DNS cannot tell apart.
    if !options.is_empty() && options != "important" {
        return not_domain(out);
    }
    let Some(name) = body.strip_suffix('^').or_else(|| body.strip_suffix("^|")) else {
        return not_domain(out);
    };
    if name.contains(['/', '*', '^', '|']) {
        return not_domain(out);
    }
    out.name(line, name, on);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(i: &Import) -> Vec<&str> {
        i.domains.iter().map(Domain::as_str).collect()
    }

    #[test]
    fn hosts_files_with_comments_crlf_and_local_names() {
        let text = "# a hosts file\r\n127.0.0.1 localhost\r\n::1 localhost ip6-localhost ip6-loopback\r\n255.255.255.255 broadcasthost\r\n0.0.0.0 a.example b.example # two\r\n127.0.0.1 X.Example\r\n::1 v6.example\r\n\r\n0.0.0.0 0.0.0.0\r\n";
        let i = import(text, Format::Hosts);
        assert_eq!(
            names(&i),
            ["a.example", "b.example", "x.example", "v6.example"]
        );
        assert_eq!(i.skipped[&SkipReason::LocalName], 5);
        assert_eq!(i.skipped[&SkipReason::IpAddress], 1);
        assert_eq!(i.skipped_total(), 6);
    }

    #[test]
    fn hosts_bad_lines_are_reported_with_their_line_and_skipped() {
        let text = "0.0.0.0 good.example\nnot-an-ip bad.example\n0.0.0.0 com\n0.0.0.0 bad_name.example\n0.0.0.0 fine.example\n";
        let i = import(text, Format::Hosts);
        assert_eq!(names(&i), ["good.example", "fine.example"]);
        let lines: Vec<_> = i.examples.iter().map(|s| (s.line, s.reason)).collect();
        assert_eq!(
            lines,
            [
                (2, SkipReason::NotAHostsLine),
                (3, SkipReason::PublicSuffix),
                (4, SkipReason::InvalidName)
            ]
        );
        assert!(
            i.examples[2].detail.contains("underscore"),
            "{}",
            i.examples[2].detail
        );
    }

    #[test]
    fn domain_lists_take_one_name_per_line() {
        let text = "# comment\nomegle.com\n  WWW.Chatroulette.com.  # trailing comment\n\nhttps://ome.tv/\n1.2.3.4\nco.uk\ntwo words.com\n";
        let i = import(text, Format::Domains);
        assert_eq!(names(&i), ["omegle.com", "www.chatroulette.com", "ome.tv"]);
        assert_eq!(i.skipped[&SkipReason::IpAddress], 1);
        assert_eq!(i.skipped[&SkipReason::PublicSuffix], 1);
        assert_eq!(i.skipped[&SkipReason::InvalidName], 1);
        assert_eq!(
            i.examples.iter().map(|s| s.line).collect::<Vec<_>>(),
            [6, 7, 8]
        );
    }

    #[test]
    fn adblock_takes_only_whole_domain_rules() {
        let text = "[Adblock Plus 2.0]\n! Title: test\n||a.example^\n||b.example^$important\n||c.example^|\n@@||d.example^\n||e.example/path^\n||f.example^$third-party\nexample.org##.banner\n|https://g.example^\n||*.h.example^\n||i.example\n";
        let i = import(text, Format::Adblock);
        assert_eq!(names(&i), ["a.example", "b.example", "c.example"]);
        assert_eq!(i.skipped[&SkipReason::ExceptionRule], 1);
        assert_eq!(i.skipped[&SkipReason::NotADomainRule], 6);
    }

    #[test]
    fn detail_is_capped_but_counts_are_complete() {
        let text = "bad_name.example\n".repeat(100);
        let i = import(&text, Format::Domains);
        assert_eq!(i.skipped[&SkipReason::InvalidName], 100);
        assert_eq!(i.examples.len(), DETAILS_PER_REASON);
        assert_eq!(i.examples.last().unwrap().line, DETAILS_PER_REASON);
    }

    #[test]
    fn streaming_takes_the_same_names_without_keeping_them() {
        let text = "# x\r\n0.0.0.0 a.example\r\n0.0.0.0 bad_name.example\r\n\r\n0.0.0.0 b.example";
        let mut seen = Vec::new();
        let report = stream(text.as_bytes(), Format::Hosts, |d| seen.push(d.to_string())).unwrap();
        assert_eq!(seen, ["a.example", "b.example"]);
        assert!(report.domains.is_empty());
        assert_eq!(report.taken(), 2);
        assert_eq!(report.examples[0].line, 3);
        let whole = import(text, Format::Hosts);
        assert_eq!(whole.taken(), 2);
        assert_eq!(whole.skipped, report.skipped);
    }

    #[test]
    fn detects_formats() {
        assert_eq!(
            Format::detect("# hosts\n0.0.0.0 a.example\n"),
            Format::Hosts
        );
        assert_eq!(Format::detect("::1 a.example\n"), Format::Hosts);
        assert_eq!(Format::detect("! list\n||a.example^\n"), Format::Adblock);
        assert_eq!(Format::detect("[Adblock Plus 2.0]\n"), Format::Adblock);
        assert_eq!(Format::detect("# list\na.example\n"), Format::Domains);
        assert_eq!(Format::detect(""), Format::Domains);
    }

    #[test]
    fn an_import_becomes_a_list_file() {
        let i = import("b.example\na.example\nb.example\n", Format::Domains);
        let info = ListInfo {
            id: "community".into(),
            name: "Community list".into(),
            description: "".into(),
            category: "imported".into(),
            enabled_by_default: true,
            action: crate::Action::Block,
            sequence: None,
        };
        let list = i.into_list(info, "Community list", "https://example.org/list.txt");
        assert_eq!(list.sites[0].domains.len(), 2);
        let reparsed = ListFile::parse(&list.to_toml(), std::path::Path::new("x.toml")).unwrap();
        assert_eq!(reparsed.list, list);
    }
}
