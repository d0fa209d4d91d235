//! A policy: the shipped lists, the settings and the parent's own lists, compiled into one
//! matcher.
//!
//! Loading is a pure function of the files in a config directory:
//!
//! ```text
//! CONFIG/settings.toml     optional; missing means every default
//! CONFIG/lists/*.toml      the parent's own sites and allowlists, in the list file format
//! CONFIG/lists/*.txt       community lists as found online (hosts file, one domain per line,
//! CONFIG/lists/*.hosts     or `||domain^` rules), imported as they load: the file name is the
//!                          list's id, and lines that cannot be taken are warnings
//! ```
//!
//! It reads everything and reports every problem, not only the first: a parent who edited two
//! files by hand sees both mistakes. A load with any error yields no policy at all, so the
//! caller keeps the last good one in force. Warnings (duplicate domains, unknown list ids in
//! settings) do not stop a load.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::{Action, Error, ListFile, ListMeta, Matcher, MatcherBuilder, RawSettings, Settings};

/// Name of the settings file inside the config directory.
pub const SETTINGS_FILE: &str = "settings.toml";
/// Name of the folder of the parent's lists inside the config directory.
pub const LISTS_DIR: &str = "lists";

/// Where a list came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// Compiled into Vigie from `blocklists/`.
    Shipped,
    /// A file in the config directory's `lists/` folder.
    File(PathBuf),
}

/// One list of a policy, with whether it is in force.
#[derive(Debug, Clone)]
pub struct PolicyList {
    /// The list as parsed.
    pub file: Arc<ListFile>,
    /// Where it came from.
    pub origin: Origin,
    /// Whether its domains are in the matcher.
    pub enabled: bool,
    /// How many domains it holds. An imported list (`.txt`, `.hosts`) keeps no copy of its
    /// names in `file`: they go straight into the matcher, so only this count remains (0 while
    /// the list is off).
    pub domains: usize,
}

/// Settings plus every list, compiled.
#[derive(Debug)]
pub struct Policy {
    /// Validated settings.
    pub settings: Settings,
    /// Every list known, in force or not: shipped lists first, then the parent's by file name.
    pub lists: Vec<PolicyList>,
    /// The compiled rules of the enabled lists.
    pub matcher: Matcher,
}

/// A policy that loaded, with what it warned about.
#[derive(Debug)]
pub struct Loaded {
    /// The policy.
    pub policy: Policy,
    /// Problems that did not stop the load.
    pub warnings: Vec<Error>,
}

/// The shipped lists, parsed. Failures here are bugs caught by the shipped-list tests.
pub fn shipped_lists() -> Result<Vec<ListFile>, Error> {
    crate::shipped::SHIPPED
        .iter()
        .map(|(name, text)| ListFile::parse(text, Path::new(name)).map(|p| p.list))
        .collect()
}

impl Policy {
    /// Loads settings and lists from a config directory (which may not exist yet).
    pub fn load(config_dir: &Path) -> Result<Loaded, Error> {
        let mut problems = Vec::new();
        let mut warnings = Vec::new();

        let settings_path = config_dir.join(SETTINGS_FILE);
        let raw = match std::fs::read_to_string(&settings_path) {
            Ok(text) => RawSettings::parse(&text, &settings_path).unwrap_or_else(|e| {
                problems.push(e);
                RawSettings::default()
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => RawSettings::default(),
            Err(e) => {
                problems.push(Error::io(&settings_path, &e));
                RawSettings::default()
            }
        };
        let settings = raw.validate(&settings_path).unwrap_or_else(|e| {
            problems.push(e);
            Settings::default()
        });

        let mut lists: Vec<(ListFile, Origin)> = Vec::new();
        match shipped_lists() {
            Ok(shipped) => lists.extend(shipped.into_iter().map(|l| (l, Origin::Shipped))),
            Err(e) => problems.push(e),
        }
        for path in list_files(&config_dir.join(LISTS_DIR), &mut problems) {
            if is_import(&path) {
                // Only the header now: the names are streamed into the matcher below.
                match import_header(&path) {
                    Ok(list) => lists.push((list, Origin::File(path))),
                    Err(e) => problems.push(e),
                }
                continue;
            }
            match ListFile::load(&path) {
                Ok(parsed) => {
                    warnings.extend(parsed.warnings);
                    lists.push((parsed.list, Origin::File(path)));
                }
                Err(e) => problems.push(e),
            }
        }

        let mut by_id: HashMap<&str, &Origin> = HashMap::new();
        for (list, origin) in &lists {
            if let Some(first) = by_id.insert(&list.list.id, origin) {
                problems.push(Error::DuplicateList {
                    id: list.list.id.clone(),
                    first: origin_path(first),
                    second: origin_path(origin),
                });
            }
        }
        for id in settings.lists.keys() {
            if !by_id.contains_key(id.as_str()) {
                warnings.push(Error::Setting {
                    file: settings_path.clone(),
                    field: format!("lists.{id}"),
                    reason: "no list has this id; the setting is ignored".into(),
                });
            }
        }

        if !problems.is_empty() {
            return Err(if problems.len() == 1 {
                problems.remove(0)
            } else {
                Error::Invalid { problems }
            });
        }
        let policy = Policy::build(settings, lists, true, &mut warnings)?;
        Ok(Loaded { policy, warnings })
    }

    /// Compiles settings and lists into a policy; a list is in force when settings turn it on,
    /// or settings are silent and the list is on by default. Lists are taken as given: nothing
    /// is read from disk.
    pub fn compile(settings: Settings, lists: Vec<(ListFile, Origin)>) -> Policy {
        Policy::build(settings, lists, false, &mut Vec::new())
            .expect("compiling lists already in memory reads nothing and cannot fail")
    }

    fn build(
        settings: Settings,
        lists: Vec<(ListFile, Origin)>,
        read_imports: bool,
        warnings: &mut Vec<Error>,
    ) -> Result<Policy, Error> {
        let mut builder = MatcherBuilder::new();
        let mut out = Vec::with_capacity(lists.len());
        for (file, origin) in lists {
            let enabled = settings
                .lists
                .get(&file.list.id)
                .copied()
                .unwrap_or(file.list.enabled_by_default);
            let mut domains = file.sites.iter().map(|s| s.domains.len()).sum();
            match &origin {
                Origin::File(path) if enabled && read_imports && is_import(path) => {
                    domains = stream_import(&mut builder, &file, path, warnings)?;
                }
                _ if enabled => add_list(&mut builder, &file),
                _ => {}
            }
            out.push(PolicyList {
                file: Arc::new(file),
                origin,
                enabled,
                domains,
            });
        }
        Ok(Policy {
            settings,
            lists: out,
            matcher: builder.build(),
        })
    }

    /// The list with this id.
    pub fn list(&self, id: &str) -> Option<&PolicyList> {
        self.lists.iter().find(|l| l.file.list.id == id)
    }
}

/// Adds every site and domain of a list to a matcher builder.
pub fn add_list(builder: &mut MatcherBuilder, file: &ListFile) {
    let list = builder.list(ListMeta {
        id: file.list.id.as_str().into(),
        name: file.list.name.clone(),
        action: file.list.action,
    });
    for site in &file.sites {
        let idx = builder.site(list, &site.name);
        for domain in &site.domains {
            builder.domain(idx, domain);
        }
    }
    for brand in &file.brands {
        builder.brand(list, brand);
    }
}

fn origin_path(origin: &Origin) -> PathBuf {
    match origin {
        Origin::Shipped => PathBuf::from("(shipped with Vigie)"),
        Origin::File(p) => p.clone(),
    }
}

/// The `.toml` files of a lists folder, sorted by name; hidden files and editor leftovers
/// (`.#x.toml`, `x.toml~`, `x.toml.swp`) are not lists.
fn list_files(dir: &Path, problems: &mut Vec<Error>) -> Vec<PathBuf> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Vec::new(),
        Err(e) => {
            problems.push(Error::io(dir, &e));
            return Vec::new();
        }
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| is_list_file(p))
        .collect();
    files.sort();
    files
}

/// Whether a path names a list file the loader reads.
pub fn is_list_file(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    let known = [".toml", ".txt", ".hosts"]
        .iter()
        .any(|ext| name.ends_with(ext));
    !name.starts_with('.') && known && path.is_file()
}

/// Whether a list file is a community list to import rather than a Vigie list.
fn is_import(path: &Path) -> bool {
    path.extension().is_none_or(|e| e != "toml")
}

/// The list a community list file becomes: its file name is its id and its one site's name.
fn import_header(path: &Path) -> Result<ListFile, Error> {
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default()
        .to_string();
    crate::list::check_id(&stem).map_err(|reason| Error::Setting {
        file: path.to_path_buf(),
        field: "file name".into(),
        reason: format!("the file name is the list's id: {reason}"),
    })?;
    Ok(ListFile {
        list: crate::ListInfo {
            id: stem.clone(),
            name: stem.as_str().into(),
            description: format!("Imported from {}", path.display()).into(),
            category: "imported".into(),
            enabled_by_default: true,
            action: Action::Block,
            sequence: None,
        },
        brands: Vec::new(),
        sites: vec![crate::Site {
            name: stem,
            domains: Vec::new(),
            sources: vec![path.display().to_string()],
            note: None,
        }],
    })
}

/// Streams a community list file into the matcher; skipped lines become one warning. Returns
/// how many names were taken.
fn stream_import(
    builder: &mut MatcherBuilder,
    file: &ListFile,
    path: &Path,
    warnings: &mut Vec<Error>,
) -> Result<usize, Error> {
    use std::io::{BufRead, BufReader, Read};
    let open = || std::fs::File::open(path).map_err(|e| Error::io(path, &e));
    let mut head = Vec::with_capacity(16 * 1024);
    open()?
        .take(16 * 1024)
        .read_to_end(&mut head)
        .map_err(|e| Error::io(path, &e))?;
    let format = crate::import::Format::detect(&String::from_utf8_lossy(&head));
    let list = builder.list(ListMeta {
        id: file.list.id.as_str().into(),
        name: file.list.name.clone(),
        action: file.list.action,
    });
    let site = builder.site(list, &file.sites[0].name);
    let reader: Box<dyn BufRead> = Box::new(BufReader::with_capacity(64 * 1024, open()?));
    let imported = crate::import::stream(reader, format, |d| builder.domain(site, &d))
        .map_err(|e| Error::io(path, &e))?;
    if imported.skipped_total() > 0 {
        let by_reason: Vec<String> = imported
            .skipped
            .iter()
            .map(|(reason, n)| format!("{n} {reason}"))
            .collect();
        let first = imported.examples.first().map_or(String::new(), |s| {
            format!("; first at line {}: {}", s.line, s.detail)
        });
        warnings.push(Error::Setting {
            file: path.to_path_buf(),
            field: "import".into(),
            reason: format!(
                "{} names taken, {} skipped ({}){first}",
                imported.taken(),
                imported.skipped_total(),
                by_reason.join(", ")
            ),
        });
    }
    Ok(imported.taken())
}

impl Action {
    /// True for allowlists.
    pub fn allows(self) -> bool {
        self == Action::Allow
    }
}
