//! Lists downloaded by URL (`[[subscription]]`) and Vigie's own feed, as the policy sees them:
//! the copy kept in the data directory's `feeds/` folder, read like any other list.
//!
//! Downloading is the service's business; this module only decides how a downloaded body reads
//! (the format, guessed or given) and what list a subscription becomes, so that the service's
//! check before it keeps a copy and the loader's reading of the kept copy are one code path.
//! A subscription's list has the subscription's id and name whatever the body says about
//! itself: a downloaded file must not be able to pose as the parent's own list, or another one.

use std::io::BufRead;
use std::path::{Path, PathBuf};

use crate::import::{self, Format};
use crate::{Action, Domain, Error, FeedFormat, ListFile, ListInfo, Site, Subscription, Text};

/// The id (and file stem) of Vigie's own feed in the feeds folder.
pub const VIGIE_FEED_ID: &str = "vigie-feed";
/// The shipped list that Vigie's own feed replaces.
pub const VIGIE_FEED_LIST: &str = "stranger-chat";
/// The category of every subscribed list.
pub const SUBSCRIPTION_CATEGORY: &str = "subscription";

/// Where the kept copy of feed `id` is: `DIR/<id>.body`, the body as downloaded (decompressed).
pub fn body_path(dir: &Path, id: &str) -> PathBuf {
    dir.join(format!("{id}.body"))
}

/// How a body reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyFormat {
    /// Vigie's TOML list format.
    Vigie,
    /// A third-party format, imported line by line.
    Import(Format),
}

/// The format of a body: the one the subscription gives, or for `auto` a guess from its first
/// lines (`head`): a `[list]` table is Vigie's format, anything else as
/// [`Format::detect`] guesses.
pub fn body_format(format: FeedFormat, head: &[u8]) -> BodyFormat {
    match format {
        FeedFormat::Vigie => BodyFormat::Vigie,
        FeedFormat::Hosts => BodyFormat::Import(Format::Hosts),
        FeedFormat::Domains => BodyFormat::Import(Format::Domains),
        FeedFormat::Adblock => BodyFormat::Import(Format::Adblock),
        FeedFormat::Auto => {
            let head = String::from_utf8_lossy(head);
            let first = head
                .lines()
                .map(str::trim)
                .find(|l| !l.is_empty() && !l.starts_with('#'));
            if first.is_some_and(|l| l.starts_with("[list]")) {
                BodyFormat::Vigie
            } else {
                BodyFormat::Import(Format::detect(&head))
            }
        }
    }
}

/// The host of a URL, for "Downloaded from <host>"; the URL itself when it has none.
fn host_of(url: &str) -> String {
    url::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(String::from))
        .unwrap_or_else(|| url.to_string())
}

/// The list a subscription becomes, before its kept copy is read: its id and name, "Downloaded
/// from <host>", blocking, on when the subscription is, and one site named like the
/// subscription (the names of an imported list go there).
pub fn subscription_list(sub: &Subscription) -> ListFile {
    let host = host_of(&sub.url);
    ListFile {
        list: ListInfo {
            id: sub.id.clone(),
            name: Text::plain(sub.name.clone()),
            // In French too: the block page names the list to a child in the browser's language
            // (the same words as `feed-list-description` in locales/).
            description: Text::plain(format!("Downloaded from {host}"))
                .with("fr", format!("Téléchargée depuis {host}")),
            category: SUBSCRIPTION_CATEGORY.into(),
            enabled_by_default: sub.enabled,
            action: Action::Block,
            sequence: None,
        },
        brands: Vec::new(),
        sites: vec![Site {
            name: sub.name.clone(),
            domains: Vec::new(),
            sources: vec![sub.url.clone()],
            note: None,
        }],
    }
}

/// What a body holds, once read.
#[derive(Debug)]
pub struct BodyRead {
    /// How it was read.
    pub format: BodyFormat,
    /// Domains taken (for Vigie's format, of every site).
    pub domains: usize,
    /// Brand rules (Vigie's format only).
    pub brands: usize,
    /// For Vigie's format, the list as parsed (with its own id and names).
    pub list: Option<ListFile>,
}

impl BodyRead {
    /// Whether it blocks nothing at all: such a download is refused (it is more likely a
    /// broken page than a list that was emptied on purpose).
    pub fn is_empty(&self) -> bool {
        self.domains == 0 && self.brands == 0
    }
}

/// Reads a body (downloaded, or kept) in `format`; `file` labels errors. Imported formats
/// never fail (lines that cannot be taken are skipped); Vigie's format fails as a list file
/// does.
pub fn read_body(body: &[u8], format: FeedFormat, file: &Path) -> Result<BodyRead, Error> {
    let resolved = body_format(format, &body[..body.len().min(16 * 1024)]);
    match resolved {
        BodyFormat::Vigie => {
            let text = String::from_utf8_lossy(body);
            let parsed = ListFile::parse(&text, file)?;
            Ok(BodyRead {
                format: resolved,
                domains: parsed.list.sites.iter().map(|s| s.domains.len()).sum(),
                brands: parsed.list.brands.len(),
                list: Some(parsed.list),
            })
        }
        BodyFormat::Import(f) => {
            let mut domains = 0usize;
            let imported =
                import::stream(body, f, |_| domains += 1).map_err(|e| Error::io(file, &e))?;
            debug_assert_eq!(imported.taken(), domains);
            Ok(BodyRead {
                format: resolved,
                domains,
                brands: 0,
                list: None,
            })
        }
    }
}

/// Streams a kept body in an imported format into `on`; returns how many names were taken.
pub(crate) fn stream_body(
    path: &Path,
    format: Format,
    on: impl FnMut(Domain),
) -> Result<usize, Error> {
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, &e))?;
    let reader: Box<dyn BufRead> = Box::new(std::io::BufReader::with_capacity(64 * 1024, file));
    import::stream(reader, format, on)
        .map(|i| i.taken())
        .map_err(|e| Error::io(path, &e))
}

/// The `sequence` of a text in Vigie's list format (`[list] sequence = N`), 0 when it has
/// none: read on its own so that it is found whatever else the list says.
pub fn sequence_of(text: &str) -> u64 {
    let Ok(value) = text.parse::<toml::Table>() else {
        return 0;
    };
    value
        .get("list")
        .and_then(|l| l.get("sequence"))
        .and_then(toml::Value::as_integer)
        .and_then(|n| u64::try_from(n).ok())
        .unwrap_or(0)
}

/// The sequence of the shipped `stranger-chat` list (0 when it names none).
pub fn shipped_sequence() -> u64 {
    crate::shipped::SHIPPED
        .iter()
        .find(|(name, _)| name.trim_end_matches(".toml") == VIGIE_FEED_LIST)
        .map_or(0, |(_, text)| sequence_of(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sub(url: &str) -> Subscription {
        Subscription {
            id: crate::subscription_id(url),
            name: "Community list".into(),
            url: url.into(),
            format: FeedFormat::Auto,
            refresh: crate::DEFAULT_REFRESH,
            enabled: true,
        }
    }

    #[test]
    fn auto_tells_the_formats_apart() {
        let f = |t: &str| body_format(FeedFormat::Auto, t.as_bytes());
        assert_eq!(f("# a list\n\n[list]\nid = \"x\"\n"), BodyFormat::Vigie);
        assert_eq!(f("0.0.0.0 a.example\n"), BodyFormat::Import(Format::Hosts));
        assert_eq!(f("||a.example^\n"), BodyFormat::Import(Format::Adblock));
        assert_eq!(f("a.example\n"), BodyFormat::Import(Format::Domains));
        assert_eq!(
            body_format(FeedFormat::Domains, b"[list]\n"),
            BodyFormat::Import(Format::Domains),
            "a given format is taken as given"
        );
    }

    #[test]
    fn a_subscription_list_has_its_own_id_and_says_where_it_comes_from() {
        let s = sub("https://lists.example:8443/chat.txt");
        let l = subscription_list(&s);
        assert_eq!(l.list.id, s.id);
        assert_eq!(l.list.name.english(), "Community list");
        assert_eq!(
            l.list.description.english(),
            "Downloaded from lists.example"
        );
        assert_eq!(
            l.list.description.get("fr"),
            "Téléchargée depuis lists.example"
        );
    }

    #[test]
    fn bodies_count_what_they_block() {
        let file = Path::new("https://lists.example/l");
        let r = read_body(
            b"0.0.0.0 a.example\n0.0.0.0 localhost\nb.example\n",
            FeedFormat::Hosts,
            file,
        )
        .unwrap();
        assert_eq!(r.domains, 1);
        let r = read_body(b"# nothing here\n\n", FeedFormat::Auto, file).unwrap();
        assert!(r.is_empty());
        let toml = "[list]\nid = \"theirs\"\nname = \"Theirs\"\n[[site]]\nname = \"A\"\ndomains = [\"a.example\", \"b.example\"]\n";
        let r = read_body(toml.as_bytes(), FeedFormat::Auto, file).unwrap();
        assert_eq!((r.format, r.domains), (BodyFormat::Vigie, 2));
        assert!(read_body(b"[list]\nid = 3\n", FeedFormat::Vigie, file).is_err());
    }

    #[test]
    fn sequences_are_read_on_their_own() {
        assert_eq!(
            sequence_of("[list]\nid = \"x\"\nsequence = 2026120100\n"),
            2026120100
        );
        assert_eq!(sequence_of("[list]\nid = \"x\"\n"), 0);
        assert_eq!(sequence_of("[list]\nsequence = -4\n"), 0);
        assert_eq!(sequence_of("not toml ["), 0);
    }
}
