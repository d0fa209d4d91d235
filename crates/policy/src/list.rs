//! List files: the TOML format shared by the shipped lists and the parent's own lists.
//!
//! ```toml
//! [list]
//! id = "stranger-chat"            # letters, digits and hyphens; unique across lists
//! name = "Omegle and clones"     # or one form per language: name.en = "…" and name.fr = "…"
//! description = "…"              # the same: plain, or description.en and description.fr
//! category = "stranger-chat"
//! enabled-by-default = true       # default: true
//! action = "block"                # or "allow" for an allowlist; default: "block"
//! sequence = 2026120100           # optional: the version of a published feed (see `feed`)
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
//! note = "…"                      # optional; plain, or note.en = "…" and note.fr = "…"
//! ```
//!
//! The words parents read (a list's name and description, a site's note) may come in several
//! languages: see the `text` module. A site's name stays one form, since it is what the child's
//! notice, the block page and the attempt log name, and brands keep their own names.
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
use crate::text::RawText;
use crate::{Action, Brand, Domain, Error, Text};

/// Longest list id, in bytes.
const MAX_ID: usize = 64;

/// Why a `sequence` was refused (the template `list-error-sequence` of `error::reasons`).
const SEQUENCE_REASON: &str =
    "the sequence is a whole number of 0 or more without quotes, like 2026120100";

/// The `[list]` table: what a list is, as parents and the matcher see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct ListInfo {
    /// Stable id: lowercase letters, digits and hyphens, at most 64 bytes.
    pub id: String,
    /// Name a parent reads, in one language or several.
    pub name: Text,
    /// One or two sentences on what the list covers, in one language or several. Default:
    /// empty.
    pub description: Text,
    /// A free-form category, such as `stranger-chat`. Default: empty.
    pub category: String,
    /// Whether the list is on when settings do not say. Default: true.
    pub enabled_by_default: bool,
    /// Whether the list blocks or allows. Default: block.
    pub action: Action,
    /// The version of this list as a signed feed (`YYYYMMDDnn` by convention): a feed replaces
    /// the list in force only with a higher one. Default: none, which counts as 0.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sequence: Option<u64>,
}

/// The `[list]` table as written, before its texts are checked.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawInfo {
    id: String,
    name: Spanned<RawText>,
    #[serde(default)]
    description: Option<Spanned<RawText>>,
    #[serde(default)]
    category: String,
    #[serde(default = "yes")]
    enabled_by_default: bool,
    #[serde(default = "block")]
    action: Action,
    // Read as any value so that a wrong one gets a sentence of our own, not serde's.
    #[serde(default)]
    sequence: Option<Spanned<toml::Value>>,
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
    /// A plain-language note, in one language or several.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<Text>,
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
    list: Spanned<RawInfo>,
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
    note: Option<Spanned<RawText>>,
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

        // A text's problems: the whole field, or one language's form of it (`site.note.fr`).
        let texts = |raw: Spanned<RawText>, field: &str, problems: &mut Vec<Error>| {
            let span = raw.span();
            match raw.into_inner().check(span) {
                Ok(text) => text,
                Err(found) => {
                    for (span, lang, reason) in found {
                        let field = match lang {
                            Some(lang) => format!("{field}.{lang}"),
                            None => field.to_string(),
                        };
                        problems.push(at(
                            span,
                            Error::Setting {
                                file: file.into(),
                                field,
                                reason,
                            },
                        ));
                    }
                    Text::default()
                }
            }
        };

        let info_span = raw.list.span();
        let raw_info = raw.list.into_inner();
        let sequence = match raw_info.sequence {
            None => None,
            Some(value) => match value.get_ref() {
                toml::Value::Integer(n) if *n >= 0 => Some(n.unsigned_abs()),
                _ => {
                    problems.push(at(
                        value.span(),
                        Error::Setting {
                            file: file.into(),
                            field: "list.sequence".into(),
                            reason: SEQUENCE_REASON.into(),
                        },
                    ));
                    None
                }
            },
        };
        let before = problems.len();
        let name = texts(raw_info.name, "list.name", &mut problems);
        // A name whose forms were refused is reported once, for what was wrong with them.
        let name_read = problems.len() == before;
        let info = ListInfo {
            name,
            description: raw_info
                .description
                .map(|d| texts(d, "list.description", &mut problems))
                .unwrap_or_default(),
            id: raw_info.id,
            category: raw_info.category,
            enabled_by_default: raw_info.enabled_by_default,
            action: raw_info.action,
            sequence,
        };
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
        if info.name.is_blank() && name_read {
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
        let mut matches: HashMap<String, String> = HashMap::new();
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
            } else if let Some(first) = matches.insert(text.clone(), name.clone()) {
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
            let note = raw_site.note.map(|n| texts(n, "site.note", &mut problems));
            sites.push(Site {
                name,
                domains,
                sources: raw_site.sources,
                note,
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

    /// The list's sequence number as a feed, 0 when it has none.
    pub fn sequence(&self) -> u64 {
        self.list.sequence.unwrap_or(0)
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
        assert_eq!(
            list.sites[1].note.as_ref().map(Text::english),
            Some("a note")
        );
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
    fn a_sequence_is_read_written_back_and_zero_when_absent() {
        let text = "[list]\nid = \"x\"\nname = \"X\"\nsequence = 2026120100\n";
        let list = ListFile::parse(text, path()).unwrap().list;
        assert_eq!(list.list.sequence, Some(2026120100));
        assert_eq!(list.sequence(), 2026120100);
        assert!(
            list.to_toml().contains("sequence = 2026120100"),
            "{}",
            list.to_toml()
        );
        assert_eq!(ListFile::parse(&list.to_toml(), path()).unwrap().list, list);
        let bare = ListFile::parse(GOOD, path()).unwrap().list;
        assert_eq!((bare.list.sequence, bare.sequence()), (None, 0));
        assert!(!bare.to_toml().contains("sequence"));
    }

    #[test]
    fn a_sequence_that_is_not_a_whole_number_is_refused_at_its_line() {
        for bad in ["\"2026120100\"", "-1", "1.5", "true", "[1]"] {
            let text = format!("[list]\nid = \"x\"\nname = \"X\"\nsequence = {bad}\n");
            let (line, field, message) = one_problem(&text);
            assert_eq!((line, field.as_str()), (4, "list.sequence"), "{bad}");
            assert!(
                message.contains("whole number of 0 or more without quotes, like 2026120100"),
                "{bad}: {message}"
            );
        }
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

    const FRENCH: &str = r#"
[list]
id = "my-sites"
name.en = "My sites"
name.fr = "Mes sites"
description = { en = "Sites we chose.", fr = "Les sites que nous avons choisis." }

[[site]]
name = "Example chat"
domains = ["chat.example"]
note.en = "Random video chat."
note.fr = "Vidéo au hasard."
note.de = "Zufälliger Videochat."

[[site]]
name = "Other"
domains = ["other.example"]
note = "Only in English."
"#;

    #[test]
    fn texts_have_a_form_per_language_and_plain_text_still_reads() {
        let list = ListFile::parse(FRENCH, path()).unwrap().list;
        assert_eq!(list.list.name.english(), "My sites");
        assert_eq!(list.list.name.get("fr"), "Mes sites");
        assert_eq!(
            list.list.description.get("fr"),
            "Les sites que nous avons choisis."
        );
        let note = list.sites[0].note.as_ref().unwrap();
        assert_eq!(note.get("fr"), "Vidéo au hasard.");
        assert_eq!(note.get("de"), "Zufälliger Videochat.");
        assert_eq!(note.get("it"), "Random video chat.");
        let plain = list.sites[1].note.as_ref().unwrap();
        assert_eq!(plain.get("fr"), "Only in English.");
        assert!(plain.translations().is_empty());
        // A list without any description still loads, with an empty one.
        let bare = ListFile::parse("[list]\nid = \"x\"\nname = \"X\"\n", path()).unwrap();
        assert!(bare.list.list.description.is_blank());
    }

    #[test]
    fn texts_in_several_languages_round_trip_through_to_toml() {
        let list = ListFile::parse(FRENCH, path()).unwrap().list;
        let again = ListFile::parse(&list.to_toml(), path()).unwrap().list;
        assert_eq!(list, again);
    }

    /// The one problem of `text`, as `(line, field, message)`.
    fn one_problem(text: &str) -> (usize, String, String) {
        let e = ListFile::parse(text, path()).unwrap_err();
        let message = e.to_string();
        let Error::At { line, source, .. } = e else {
            panic!("{e:?}")
        };
        let Error::Setting { field, file, .. } = *source else {
            panic!("{source:?}")
        };
        assert_eq!(file, path());
        (line, field, message)
    }

    #[test]
    fn a_bad_form_names_its_file_line_and_field() {
        let head =
            "[list]\nid = \"x\"\nname = \"X\"\n[[site]]\nname = \"A\"\ndomains = [\"a.example\"]\n";
        let (line, field, message) =
            one_problem(&format!("{head}note.en = \"Chat.\"\nnote.fr = 3\n"));
        assert_eq!((line, field.as_str()), (8, "site.note.fr"));
        assert!(
            message.starts_with("lists/my-sites.toml:8:")
                && message.contains("site.note.fr")
                && message.contains("text in quotes"),
            "{message}"
        );

        let (line, field, message) = one_problem(&format!(
            "{head}note.en = \"Chat.\"\nnote.french = \"Discussion.\"\n"
        ));
        assert_eq!((line, field.as_str()), (8, "site.note.french"));
        assert!(
            message.contains("\"french\" is not a language code"),
            "{message}"
        );

        let (line, field, message) =
            one_problem(&format!("{head}note.en = \"Chat.\"\nnote.fr = \" \"\n"));
        assert_eq!((line, field.as_str()), (8, "site.note.fr"));
        assert!(message.contains("empty"), "{message}");

        let (_, field, message) = one_problem("[list]\nid = \"x\"\nname.fr = \"Mes sites\"\n");
        assert_eq!(field, "list.name");
        assert!(message.contains("English form (en)"), "{message}");
    }

    #[test]
    fn a_text_of_the_wrong_kind_is_a_syntax_error_at_its_line() {
        let text = "[list]\nid = \"x\"\nname = \"X\"\ndescription = [\"a\"]\n";
        let e = ListFile::parse(text, path()).unwrap_err();
        assert!(matches!(e, Error::Syntax { line: 4, .. }), "{e:?}");
        assert!(e.to_string().contains("one text per language"), "{e}");
    }
}
