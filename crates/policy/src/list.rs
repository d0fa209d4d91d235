//! List files: the TOML format shared by the shipped lists and the parent's own lists.
//!
//! ```toml
//! [list]
//! id = "stranger-chat"            # letters, digits and hyphens; unique across lists
//! name = "Omegle and clones"
//! description = "…"
//! category = "stranger-chat"
//! enabled-by-default = true       # default: true
//! action = "block"                # or "allow" for an allowlist; default: "block"
//!
//! [[brand]]                       # optional, block lists only: see the `brand` module
//! name = "Omegle"                 # the reason reads "looks like Omegle: …"
//! match = "omegle"                # found in a name's registrable label
//! sources = ["https://…"]         # clones seen using the name (required in shipped lists)
//! exceptions = ["…"]              # optional: registrable domains it never matches
//!
//! [[site]]
//! name = "Omegle"                 # what parents see
//! domains = ["omegle.com"]        # what matches: each domain and every name below it
//! sources = ["https://…"]         # where the domains were seen (required in shipped lists)
//! note = "…"                      # optional
//! ```
//!
//! Parsing goes raw → validated: serde reads the raw form with `deny_unknown_fields` and spans,
//! then validation normalizes every domain and reports every problem with its file, line and
//! column, so a parent editing by hand sees all mistakes at once. Duplicate domains are warnings:
//! the first place wins and the file still loads.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::brand::{check_exception, check_text};
use crate::error::line_col;
use crate::{Action, Brand, Domain, Error};

/// Longest list id, in bytes.
const MAX_ID: usize = 64;

/// The `[list]` table: what a list is, as parents and the matcher see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ListInfo {
    /// Stable id: lowercase letters, digits and hyphens, at most 64 bytes.
    pub id: String,
    /// Name a parent reads.
    pub name: String,
    /// One or two sentences on what the list covers. Default: empty.
    #[serde(default)]
    pub description: String,
    /// A free-form category, such as `stranger-chat`. Default: empty.
    #[serde(default)]
    pub category: String,
    /// Whether the list is on when settings do not say. Default: true.
    #[serde(default = "yes")]
    pub enabled_by_default: bool,
    /// Whether the list blocks or allows. Default: block.
    #[serde(default = "block")]
    pub action: Action,
}

fn yes() -> bool {
    true
}

fn block() -> Action {
    Action::Block
}

/// One site: a name parents recognize and the domains that make it up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Site {
    /// What parents see.
    pub name: String,
    /// Normalized domains; each matches itself and every name below it.
    pub domains: Vec<Domain>,
    /// Where the domains were seen.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<String>,
    /// A plain-language note.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A validated list file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ListFile {
    /// The `[list]` table.
    pub list: ListInfo,
    /// The `[[brand]]` entries: brand rules, applied when no domain rule matches.
    #[serde(rename = "brand", skip_serializing_if = "Vec::is_empty")]
    pub brands: Vec<Brand>,
    /// The `[[site]]` entries.
    #[serde(rename = "site")]
    pub sites: Vec<Site>,
}

/// A list that loaded, with what it warned about.
#[derive(Debug, Clone)]
pub struct Parsed {
    /// The list.
    pub list: ListFile,
    /// Problems that did not stop it loading (duplicate domains).
    pub warnings: Vec<Error>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    list: Spanned<ListInfo>,
    #[serde(default)]
    brand: Vec<RawBrand>,
    #[serde(default)]
    site: Vec<RawSite>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBrand {
    name: Spanned<String>,
    #[serde(rename = "match")]
    text: Spanned<String>,
    #[serde(default)]
    sources: Vec<String>,
    #[serde(default)]
    exceptions: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSite {
    name: Spanned<String>,
    domains: Spanned<Vec<Spanned<String>>>,
    #[serde(default)]
    sources: Vec<String>,
    #[serde(default)]
    note: Option<String>,
}

impl ListFile {
    /// Parses and validates a list file's text. `file` only labels the errors.
    pub fn parse(text: &str, file: &Path) -> Result<Parsed, Error> {
        let raw: RawFile = toml::from_str(text).map_err(|e| syntax(file, text, &e))?;
        let mut problems = Vec::new();
        let at = |span: std::ops::Range<usize>, source: Error| {
            let (line, column) = line_col(text, span.start);
            Error::At {
                file: file.to_path_buf(),
                line,
                column,
                source: Box::new(source),
            }
        };

        let info_span = raw.list.span();
        let info = raw.list.into_inner();
        if let Err(reason) = check_id(&info.id) {
            problems.push(at(
                info_span.clone(),
                Error::Setting {
                    file: file.into(),
                    field: "list.id".into(),
                    reason,
                },
            ));
        }
        if info.name.trim().is_empty() {
            problems.push(at(
                info_span,
                Error::Setting {
                    file: file.into(),
                    field: "list.name".into(),
                    reason: "the list needs a name that parents will read".into(),
                },
            ));
        }

        let mut brands = Vec::with_capacity(raw.brand.len());
        let mut texts: HashMap<String, String> = HashMap::new();
        for raw_brand in raw.brand {
            let name = raw_brand.name.get_ref().trim().to_string();
            let problem = |field: &str, reason: String| Error::Setting {
                file: file.into(),
                field: field.into(),
                reason,
            };
            if name.is_empty() {
                problems.push(at(
                    raw_brand.name.span(),
                    problem(
                        "brand.name",
                        "every brand needs a name that parents will read".into(),
                    ),
                ));
            }
            let text_span = raw_brand.text.span();
            let text = raw_brand.text.into_inner();
            if info.action != Action::Block {
                problems.push(at(
                    text_span.clone(),
                    problem(
                        "brand",
                        "brand rules only block: an allowlist cannot carry them".into(),
                    ),
                ));
            }
            if let Err(reason) = check_text(&text) {
                problems.push(at(text_span.clone(), problem("brand.match", reason)));
            } else if let Some(first) = texts.insert(text.clone(), name.clone()) {
                problems.push(at(
                    text_span,
                    problem(
                        "brand.match",
                        format!("\"{text}\" is already the match of brand \"{first}\""),
                    ),
                ));
            }
            let mut exceptions = Vec::with_capacity(raw_brand.exceptions.len());
            for raw_exception in raw_brand.exceptions {
                match Domain::parse(raw_exception.get_ref()) {
                    Ok(domain) => match check_exception(&text, &domain) {
                        Ok(()) => exceptions.push(domain),
                        Err(reason) => problems.push(at(
                            raw_exception.span(),
                            problem("brand.exceptions", reason),
                        )),
                    },
                    Err(e) => problems.push(at(raw_exception.span(), e)),
                }
            }
            brands.push(Brand {
                name,
                text,
                sources: raw_brand.sources,
                exceptions,
            });
        }

        let mut warnings = Vec::new();
        let mut seen: HashMap<Domain, usize> = HashMap::new();
        let mut sites = Vec::with_capacity(raw.site.len());
        for raw_site in raw.site {
            let name = raw_site.name.get_ref().trim().to_string();
            if name.is_empty() {
                problems.push(at(
                    raw_site.name.span(),
                    Error::Setting {
                        file: file.into(),
                        field: "site.name".into(),
                        reason: "every site needs a name that parents will read".into(),
                    },
                ));
            }
            let domains_span = raw_site.domains.span();
            let raw_domains = raw_site.domains.into_inner();
            if raw_domains.is_empty() {
                problems.push(at(
                    domains_span,
                    Error::Setting {
                        file: file.into(),
                        field: "site.domains".into(),
                        reason: format!("site \"{name}\" lists no domain"),
                    },
                ));
            }
            let mut domains = Vec::with_capacity(raw_domains.len());
            for raw_domain in raw_domains {
                match Domain::parse(raw_domain.get_ref()) {
                    Ok(domain) => match seen.get(&domain) {
                        Some(&first) => warnings.push(at(
                            raw_domain.span(),
                            Error::Duplicate {
                                domain: domain.to_string(),
                                first: site_label(&sites, first, &name),
                                second: name.clone(),
                            },
                        )),
                        None => {
                            seen.insert(domain.clone(), sites.len());
                            domains.push(domain);
                        }
                    },
                    Err(e) => problems.push(at(raw_domain.span(), e)),
                }
            }
            sites.push(Site {
                name,
                domains,
                sources: raw_site.sources,
                note: raw_site.note,
            });
        }

        if problems.is_empty() {
            Ok(Parsed {
                list: ListFile {
                    list: info,
                    brands,
                    sites,
                },
                warnings,
            })
        } else if problems.len() == 1 {
            Err(problems.remove(0))
        } else {
            Err(Error::Invalid { problems })
        }
    }

    /// Reads and parses a list file from disk.
    pub fn load(path: &Path) -> Result<Parsed, Error> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, &e))?;
        Self::parse(&text, path)
    }

    /// The file's text in the same format, for writing back.
    pub fn to_toml(&self) -> String {
        toml::to_string_pretty(self).expect("a list file always serializes")
    }

    /// Every domain with its site, in file order.
    pub fn domains(&self) -> impl Iterator<Item = (&Site, &Domain)> {
        self.sites
            .iter()
            .flat_map(|s| s.domains.iter().map(move |d| (s, d)))
    }
}

fn site_label(sites: &[Site], index: usize, current: &str) -> String {
    sites
        .get(index)
        .map_or(current, |s| s.name.as_str())
        .to_string()
}

/// Checks a list id: it becomes part of file names and API paths, so it must be plain.
pub(crate) fn check_id(id: &str) -> Result<(), String> {
    if id.is_empty() || id.len() > MAX_ID {
        return Err(format!("a list id needs 1 to {MAX_ID} characters"));
    }
    if !id
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        || id.starts_with('-')
    {
        return Err(format!(
            "\"{id}\" may only use lowercase letters, digits and hyphens (not at the start)"
        ));
    }
    Ok(())
}

pub(crate) fn syntax(file: &Path, text: &str, e: &toml::de::Error) -> Error {
    let (line, column) = e.span().map_or((1, 1), |s| line_col(text, s.start));
    Error::Syntax {
        file: PathBuf::from(file),
        line,
        column,
        reason: e.message().trim().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
[list]
id = "my-sites"
name = "My sites"

[[site]]
name = "Example chat"
domains = ["https://www.Example-Chat.test/room", "chat2.example"]
sources = ["added by a parent"]

[[site]]
name = "Other"
domains = ["other.example"]
note = "a note"
"#;

    fn path() -> &'static Path {
        Path::new("lists/my-sites.toml")
    }

    #[test]
    fn parses_and_normalizes_with_defaults() {
        let parsed = ListFile::parse(GOOD, path()).unwrap();
        assert!(parsed.warnings.is_empty());
        let list = parsed.list;
        assert_eq!(list.list.id, "my-sites");
        assert!(list.list.enabled_by_default);
        assert_eq!(list.list.action, Action::Block);
        assert_eq!(list.sites.len(), 2);
        assert_eq!(list.sites[0].domains[0].as_str(), "www.example-chat.test");
        assert_eq!(list.sites[1].note.as_deref(), Some("a note"));
        assert_eq!(list.domains().count(), 3);
    }

    #[test]
    fn round_trips_through_to_toml() {
        let list = ListFile::parse(GOOD, path()).unwrap().list;
        let again = ListFile::parse(&list.to_toml(), path()).unwrap().list;
        assert_eq!(list, again);
    }

    #[test]
    fn syntax_errors_name_file_line_and_column() {
        let text = "[list]\nid = \"x\"\nname = \"X\"\n\n[[site]]\nname = \"A\"\ndomains = [\"a.example\"\n";
        let e = ListFile::parse(text, path()).unwrap_err();
        match &e {
            Error::Syntax { file, line, .. } => {
                assert_eq!(file, path());
                assert_eq!(*line, 7);
            }
            other => panic!("{other:?}"),
        }
        assert!(e.to_string().starts_with("lists/my-sites.toml:7:"), "{e}");
    }

    #[test]
    fn unknown_fields_are_refused_by_name() {
        let text = "[list]\nid = \"x\"\nname = \"X\"\ncolour = \"red\"\n";
        let e = ListFile::parse(text, path()).unwrap_err();
        assert!(e.to_string().contains("colour"), "{e}");
        assert!(matches!(e, Error::Syntax { line: 4, .. }), "{e:?}");
    }

    #[test]
    fn every_bad_domain_is_reported_with_its_line() {
        let text = "[list]\nid = \"x\"\nname = \"X\"\n[[site]]\nname = \"A\"\ndomains = [\n  \"co.uk\",\n  \"1.2.3.4\",\n  \"fine.example\",\n]\n";
        let e = ListFile::parse(text, path()).unwrap_err();
        let Error::Invalid { problems } = &e else {
            panic!("{e:?}")
        };
        assert_eq!(problems.len(), 2);
        assert!(
            matches!(&problems[0], Error::At { line: 7, column: 3, source, .. } if matches!(**source, Error::PublicSuffix(_)))
        );
        assert!(
            matches!(&problems[1], Error::At { line: 8, source, .. } if matches!(**source, Error::IpAddress(_)))
        );
    }

    #[test]
    fn duplicates_across_sites_are_warnings_and_the_first_wins() {
        let text = "[list]\nid = \"x\"\nname = \"X\"\n[[site]]\nname = \"A\"\ndomains = [\"a.example\"]\n[[site]]\nname = \"B\"\ndomains = [\"b.example\", \"A.example.\"]\n";
        let parsed = ListFile::parse(text, path()).unwrap();
        assert_eq!(parsed.warnings.len(), 1);
        let w = parsed.warnings[0].to_string();
        assert!(
            w.contains("\"a.example\" is listed twice") && w.contains("\"A\"") && w.contains(":9:"),
            "{w}"
        );
        assert_eq!(parsed.list.sites[1].domains.len(), 1);
    }

    #[test]
    fn ids_must_be_plain() {
        for bad in ["", "../etc", "My List", "-x", "a/b", &"x".repeat(65)] {
            let text = format!("[list]\nid = {bad:?}\nname = \"X\"\n");
            let e = ListFile::parse(&text, path()).unwrap_err();
            assert!(e.to_string().contains("list.id"), "{bad:?}: {e}");
        }
        assert!(check_id("stranger-chat-2").is_ok());
    }

    #[test]
    fn sites_need_a_name_and_domains() {
        let text = "[list]\nid = \"x\"\nname = \"X\"\n[[site]]\nname = \" \"\ndomains = []\n";
        let Error::Invalid { problems } = ListFile::parse(text, path()).unwrap_err() else {
            panic!()
        };
        assert_eq!(problems.len(), 2);
    }
}
