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
//! FEEDS/<id>.body          the last good copy of each `[[subscription]]` (and `vigie-feed`,
//!                          Vigie's own signed feed), kept by the service in its data directory
//! ```
//!
//! A subscription is a list whatever its copy: none yet, and it holds no domain. The copies were
//! checked before the service kept them, so one that no longer reads is a warning, never a
//! failed load: a broken download must not stop a parent's hand edit from taking effect.
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
    /// A `[[subscription]]`: the copy kept in the feeds folder, if there is one yet.
    Feed {
        /// The subscription's id (also the list's).
        id: String,
    },
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
    /// Loads settings and lists from a config directory (which may not exist yet). Subscriptions
    /// are lists without domains: see [`Policy::load_with`] for their downloaded copies.
    pub fn load(config_dir: &Path) -> Result<Loaded, Error> {
        Policy::load_with(config_dir, None)
    }

    /// Loads settings and lists from a config directory, and the subscriptions' kept copies
    /// (and Vigie's own feed) from `feeds_dir` (which may not exist yet either).
    pub fn load_with(config_dir: &Path, feeds_dir: Option<&Path>) -> Result<Loaded, Error> {
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

        let mut streams = HashMap::new();
        for sub in &settings.subscriptions {
            let (list, stream) = feed_list(sub, feeds_dir, &mut warnings);
            if let Some(stream) = stream {
                streams.insert(sub.id.clone(), stream);
            }
            lists.push((list, Origin::Feed { id: sub.id.clone() }));
        }
        if let Some(dir) = feeds_dir
            && settings.feed.enabled
        {
            vigie_feed(dir, &mut lists, &mut warnings);
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
        let policy = Policy::build(settings, lists, Some(&streams), &mut warnings)?;
        Ok(Loaded { policy, warnings })
    }

    /// Compiles settings and lists into a policy; a list is in force when settings turn it on,
    /// or settings are silent and the list is on by default. Lists are taken as given: nothing
    /// is read from disk.
    pub fn compile(settings: Settings, lists: Vec<(ListFile, Origin)>) -> Policy {
        Policy::build(settings, lists, None, &mut Vec::new())
            .expect("compiling lists already in memory reads nothing and cannot fail")
    }

    /// `streams` is `None` when nothing may be read from disk; else it holds, by subscription
    /// id, the kept copies to stream into the matcher.
    fn build(
        settings: Settings,
        lists: Vec<(ListFile, Origin)>,
        streams: Option<&HashMap<String, (PathBuf, crate::import::Format)>>,
        warnings: &mut Vec<Error>,
    ) -> Result<Policy, Error> {
        let read_imports = streams.is_some();
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
                Origin::Feed { id } if enabled && streams.is_some_and(|s| s.contains_key(id)) => {
                    let (path, format) = &streams.expect("checked")[id];
                    domains = stream_feed(&mut builder, &file, path, *format, warnings);
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
        Origin::Feed { id } => PathBuf::from(format!("(subscription {id})")),
    }
}

/// The list of a subscription, with its kept copy's sites when it is in Vigie's format; for an
/// imported format, the copy to stream at build time.
fn feed_list(
    sub: &crate::Subscription,
    feeds_dir: Option<&Path>,
    warnings: &mut Vec<Error>,
) -> (ListFile, Option<(PathBuf, crate::import::Format)>) {
    use crate::subscription::{BodyFormat, body_format, body_path, read_body, subscription_list};
    let mut list = subscription_list(sub);
    let Some(dir) = feeds_dir else {
        return (list, None);
    };
    let path = body_path(dir, &sub.id);
    let head = match read_head(&path) {
        Ok(Some(head)) => head,
        Ok(None) => return (list, None), // not downloaded yet
        Err(e) => {
            warnings.push(e);
            return (list, None);
        }
    };
    match body_format(sub.format, &head) {
        BodyFormat::Import(format) => (list, Some((path, format))),
        BodyFormat::Vigie => {
            let read = std::fs::read(&path)
                .map_err(|e| Error::io(&path, &e))
                .and_then(|body| read_body(&body, crate::FeedFormat::Vigie, &path));
            match read {
                Ok(read) => {
                    let theirs = read.list.expect("Vigie's format yields a list");
                    // The body's sites and brands, under the subscription's own id and name.
                    list.sites = theirs.sites;
                    list.brands = theirs.brands;
                }
                Err(e) => warnings.push(e),
            }
            (list, None)
        }
    }
}

/// The first 16 KiB of a file (enough to tell its format), or `None` when there is no file.
fn read_head(path: &Path) -> Result<Option<Vec<u8>>, Error> {
    use std::io::Read;
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::io(path, &e)),
    };
    let mut head = Vec::with_capacity(16 * 1024);
    file.take(16 * 1024)
        .read_to_end(&mut head)
        .map_err(|e| Error::io(path, &e))?;
    Ok(Some(head))
}

/// Puts the kept copy of Vigie's own feed in place of the shipped `stranger-chat` list's sites
/// and brands, when it is newer than the shipped one: a package that ships a newer list than
/// the last download wins. The list keeps its id, so it keeps its on/off setting. The copy's
/// signature was checked before it was kept (the data directory is the service's alone).
fn vigie_feed(dir: &Path, lists: &mut [(ListFile, Origin)], warnings: &mut Vec<Error>) {
    use crate::subscription::{
        VIGIE_FEED_ID, VIGIE_FEED_LIST, body_path, sequence_of, shipped_sequence,
    };
    let path = body_path(dir, VIGIE_FEED_ID);
    let text = match std::fs::read(&path) {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return,
        Err(e) => {
            warnings.push(Error::io(&path, &e));
            return;
        }
    };
    if sequence_of(&text) <= shipped_sequence() {
        return;
    }
    let feed = match ListFile::parse(&text, &path) {
        Ok(parsed) if parsed.list.list.id == VIGIE_FEED_LIST => parsed.list,
        Ok(parsed) => {
            warnings.push(Error::Setting {
                file: path.clone(),
                field: "list.id".into(),
                reason: format!(
                    "Vigie's feed must carry the list {VIGIE_FEED_LIST}, not {}",
                    parsed.list.list.id
                ),
            });
            return;
        }
        Err(e) => {
            warnings.push(e);
            return;
        }
    };
    if let Some((shipped, _)) = lists
        .iter_mut()
        .find(|(l, o)| *o == Origin::Shipped && l.list.id == VIGIE_FEED_LIST)
    {
        shipped.sites = feed.sites;
        shipped.brands = feed.brands;
    }
}

/// Streams a subscription's kept copy into the matcher. A copy that cannot be read is a
/// warning, and the list holds what was read of it.
fn stream_feed(
    builder: &mut MatcherBuilder,
    file: &ListFile,
    path: &Path,
    format: crate::import::Format,
    warnings: &mut Vec<Error>,
) -> usize {
    let list = builder.list(ListMeta {
        id: file.list.id.as_str().into(),
        name: file.list.name.clone(),
        action: file.list.action,
    });
    let site = builder.site(list, &file.sites[0].name);
    let mut taken = 0;
    let result = crate::subscription::stream_body(path, format, |d| {
        taken += 1;
        builder.domain(site, &d);
    });
    if let Err(e) = result {
        warnings.push(e);
    }
    taken
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
