//! The one error type of the policy crate.
//!
//! Every message is written for the person who will read it: usually a parent who pasted a name
//! or edited a file by hand. A message names the thing that is wrong (the name, the file, the
//! line) and says what would be right, never just "invalid input".
//!
//! Each error also is a [`Message`]: the id of the same words in `locales/*/reasons.ftl` and
//! their arguments, so that the console and the service can show it in the parent's language.
//! The English `Display` (logs, the command line) and the English messages are the same words;
//! the tests of `vigie-i18n` check that for every variant.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Everything that can go wrong while reading names, list files, imports, settings and feeds.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The input held no name at all.
    #[error("the name is empty: enter a site's name, like example.com")]
    EmptyName,

    /// An IP address was given where a site's name was expected.
    #[error(
        "\"{0}\" is an IP address, not a site's name: Vigie blocks sites by name, so enter a name like example.com"
    )]
    IpAddress(String),

    /// A character that cannot appear in a site's name.
    #[error("\"{name}\" contains {}, which cannot be part of a site's name", shown(*character))]
    BadCharacter {
        /// The name as given (after trimming).
        name: String,
        /// The offending character.
        character: char,
    },

    /// Two dots in a row, or a dot at the start.
    #[error("\"{0}\" has an empty part between two dots")]
    EmptyLabel(String),

    /// A label that starts or ends with a hyphen.
    #[error("\"{label}\" in \"{name}\" starts or ends with a hyphen, which names cannot do")]
    HyphenAtEdge {
        /// The whole name.
        name: String,
        /// The offending label.
        label: String,
    },

    /// A label longer than DNS allows.
    #[error(
        "\"{name}\" is too long: each part between dots can have at most 63 characters, and one has {len}"
    )]
    LabelTooLong {
        /// The whole name.
        name: String,
        /// Length of the longest label in bytes (punycode form).
        len: usize,
    },

    /// A whole name longer than DNS allows.
    #[error("the name is too long: at most 253 characters are allowed, and it has {len}")]
    NameTooLong {
        /// Length in bytes of the normalized (punycode) name.
        len: usize,
    },

    /// A name with a single label, such as `localhost` or `com`.
    #[error("\"{0}\" is not a full site name: enter a name with a dot, like example.com")]
    SingleLabel(String),

    /// A bare public suffix (`com`, `co.uk`, `github.io`): blocking it would block countless sites.
    #[error(
        "\"{0}\" is an ending shared by many unrelated sites, not one site: enter a full name such as example.{0}"
    )]
    PublicSuffix(String),

    /// International characters that do not form a valid international name.
    #[error("\"{0}\" is not a valid international name")]
    InvalidIdn(String),

    /// A list or settings file that is not valid TOML, or has a wrong field.
    #[error("{}:{line}:{column}: {reason}", file.display())]
    Syntax {
        /// The file.
        file: PathBuf,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What the parser said.
        reason: String,
    },

    /// A problem at a known place in a file, such as a bad domain in a list.
    #[error("{}:{line}:{column}: {source}", file.display())]
    At {
        /// The file.
        file: PathBuf,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is wrong there.
        source: Box<Error>,
    },

    /// A field whose value is out of range or contradicts another.
    #[error("{}: {field}: {reason}", file.display())]
    Setting {
        /// The file.
        file: PathBuf,
        /// The field, in its TOML spelling (`blocking.ttl`).
        field: String,
        /// What is wrong and what would be right.
        reason: String,
    },

    /// A domain listed twice: the first place wins and the second is ignored.
    #[error("\"{domain}\" is listed twice: in site \"{first}\" and again in site \"{second}\"")]
    Duplicate {
        /// The domain.
        domain: String,
        /// The site (and list) where it first appears.
        first: String,
        /// The site where it appears again.
        second: String,
    },

    /// Two list files that claim the same id.
    #[error("the list id \"{id}\" is used by both {} and {}", first.display(), second.display())]
    DuplicateList {
        /// The id.
        id: String,
        /// The first file.
        first: PathBuf,
        /// The second file.
        second: PathBuf,
    },

    /// A file or folder that could not be read.
    #[error("{}: {reason}", path.display())]
    Io {
        /// The path.
        path: PathBuf,
        /// The OS error, as text so that the error stays `Clone` and `Eq`.
        reason: String,
    },

    /// Loading a policy found one or more problems; the previous policy should stay in force.
    #[error("{} {}: {}", problems.len(), if problems.len() == 1 { "problem" } else { "problems" }, join(problems))]
    Invalid {
        /// Every problem found, not just the first.
        problems: Vec<Error>,
    },

    /// A feed came without its signature, or with an empty one.
    #[error(
        "the feed has no signature: it is published with one, at the feed's address followed by .minisig"
    )]
    FeedSignatureMissing,

    /// A feed's signature that is not in the minisign format.
    #[error(
        "the feed's signature is not in the minisign format: four lines, an untrusted comment, the signature, a trusted comment and the global signature"
    )]
    FeedSignatureMalformed,

    /// A signature in minisign's legacy format, which signs the feed itself rather than its hash.
    #[error(
        "the feed's signature is in minisign's legacy format, which Vigie does not accept: sign the feed again with vigie feed sign or a current minisign"
    )]
    FeedSignatureLegacy,

    /// A feed's public key that is not a minisign public key.
    #[error(
        "the feed's public key is not a minisign public key: give the line that starts with RW, or the whole .pub file"
    )]
    FeedKeyMalformed,

    /// A feed signed with another key than the one trusted.
    #[error(
        "the feed was signed with the key {signed}, not with the key {trusted} that Vigie trusts"
    )]
    FeedWrongKey {
        /// The id of the key that signed, as minisign shows it (16 hexadecimal digits).
        signed: String,
        /// The id of the trusted key.
        trusted: String,
    },

    /// A signature by the trusted key that does not match the feed: the feed, or the signature's
    /// trusted comment, was changed after signing.
    #[error(
        "the feed's signature does not match its content: the feed or its signature was changed after signing"
    )]
    FeedBadSignature,

    /// A good signature whose trusted comment does not carry the sequence number.
    #[error(
        "the signature's trusted comment is \"{comment}\", without \"vigie-feed sequence=N\": sign the feed with that trusted comment"
    )]
    FeedNoSignedSequence {
        /// The trusted comment, as signed.
        comment: String,
    },

    /// A feed whose content is not a list file.
    #[error("the feed is not a Vigie list: {problem}")]
    FeedNotAList {
        /// Why it does not parse.
        problem: Box<Error>,
    },

    /// A feed that carries another list than the one feeds may replace.
    #[error(
        "the feed carries the list \"{id}\", not Vigie's list \"{}\"",
        crate::feed::FEED_LIST
    )]
    FeedWrongList {
        /// The list id in the feed.
        id: String,
    },

    /// A feed's list without `sequence` in its `[list]` table.
    #[error("the feed's list has no sequence number: its [list] table needs sequence = N")]
    FeedNoSequence,

    /// A feed's list whose sequence is not the one its signature carries.
    #[error("the feed's list says sequence {body}, but its signature says sequence {signed}")]
    FeedSequenceMismatch {
        /// In the list's `[list]` table.
        body: u64,
        /// In the signature's trusted comment.
        signed: u64,
    },

    /// A feed that is not newer than the list in force: an old copy, or the same one again.
    #[error(
        "the feed's sequence {sequence} is not newer than {in_force}, the one in force: an older copy never replaces a newer one"
    )]
    FeedNotNewer {
        /// The feed's sequence.
        sequence: u64,
        /// The sequence of the list in force.
        in_force: u64,
    },

    /// A feed whose list has no site at all.
    #[error(
        "the feed's list has no site: applying it would unblock every site of the shipped list"
    )]
    FeedEmpty,
}

fn join(problems: &[Error]) -> String {
    problems
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

/// How a character that cannot be in a name is shown: spaces and controls made visible.
fn shown(c: char) -> String {
    character_message(c).english()
}

fn character_message(c: char) -> Message {
    match c {
        ' ' => Message::new("reason-character-space"),
        '_' => Message::new("reason-character-underscore"),
        c if c.is_whitespace() || c.is_control() => {
            Message::new("reason-character-invisible").arg("code", format!("{:04X}", c as u32))
        }
        c => Message::new("reason-character-other").arg("char", c.to_string()),
    }
}

impl Error {
    /// The same words as a message of `locales/*/reasons.ftl`: its id and arguments.
    ///
    /// What comes from outside Vigie stays as given (in English): the TOML parser's reason in
    /// [`Error::Syntax`], the system's in [`Error::Io`], and a [`Error::Setting`] reason that
    /// is not one of [`reasons`].
    pub fn message(&self) -> Message {
        let name = |id: &'static str, name: &str| Message::new(id).arg("name", name);
        match self {
            Error::EmptyName => Message::new("reason-empty-name"),
            Error::IpAddress(n) => name("reason-ip-address", n),
            Error::BadCharacter { name: n, character } => {
                name("reason-bad-character", n).arg("shown", character_message(*character))
            }
            Error::EmptyLabel(n) => name("reason-empty-label", n),
            Error::HyphenAtEdge { name: n, label } => {
                name("reason-hyphen-at-edge", n).arg("label", label.as_str())
            }
            Error::LabelTooLong { name: n, len } => name("reason-label-too-long", n)
                .arg("max", crate::MAX_LABEL)
                .arg("len", *len),
            Error::NameTooLong { len } => Message::new("reason-name-too-long")
                .arg("max", crate::MAX_NAME)
                .arg("len", *len),
            Error::SingleLabel(n) => name("reason-single-label", n),
            Error::PublicSuffix(n) => name("reason-public-suffix", n),
            Error::InvalidIdn(n) => name("reason-invalid-idn", n),
            Error::Syntax {
                file,
                line,
                column,
                reason,
            } => place("file-error-syntax", file, *line, *column).arg("reason", reason.as_str()),
            Error::At {
                file,
                line,
                column,
                source,
            } => place("file-error-at", file, *line, *column).arg("problem", source.message()),
            Error::Setting {
                file,
                field,
                reason,
            } => Message::new("file-error-setting")
                .arg("file", file.display().to_string())
                .arg("field", field.as_str())
                .arg("reason", reasons::recognize(reason)),
            Error::Duplicate {
                domain,
                first,
                second,
            } => Message::new("file-error-duplicate")
                .arg("domain", domain.as_str())
                .arg("first", first.as_str())
                .arg("second", second.as_str()),
            Error::DuplicateList { id, first, second } => Message::new("file-error-duplicate-list")
                .arg("id", id.as_str())
                .arg("first", first.display().to_string())
                .arg("second", second.display().to_string()),
            Error::Io { path, reason } => Message::new("file-error-io")
                .arg("path", path.display().to_string())
                .arg("reason", reason.as_str()),
            Error::Invalid { problems } => Message::new("file-error-invalid")
                .arg("count", problems.len())
                .arg(
                    "problems",
                    Arg::List(problems.iter().map(Error::message).collect()),
                ),
            Error::FeedSignatureMissing => Message::new("feed-error-signature-missing"),
            Error::FeedSignatureMalformed => Message::new("feed-error-signature-malformed"),
            Error::FeedSignatureLegacy => Message::new("feed-error-signature-legacy"),
            Error::FeedKeyMalformed => Message::new("feed-error-key-malformed"),
            Error::FeedWrongKey { signed, trusted } => Message::new("feed-error-wrong-key")
                .arg("signed", signed.as_str())
                .arg("trusted", trusted.as_str()),
            Error::FeedBadSignature => Message::new("feed-error-bad-signature"),
            Error::FeedNoSignedSequence { comment } => {
                Message::new("feed-error-no-signed-sequence").arg("comment", comment.as_str())
            }
            Error::FeedNotAList { problem } => {
                Message::new("feed-error-not-a-list").arg("problem", problem.message())
            }
            Error::FeedWrongList { id } => Message::new("feed-error-wrong-list")
                .arg("id", id.as_str())
                .arg("expected", crate::feed::FEED_LIST),
            Error::FeedNoSequence => Message::new("feed-error-no-sequence"),
            // Sequences as text: a number would be grouped (`2 026 120 100`) by the page.
            Error::FeedSequenceMismatch { body, signed } => {
                Message::new("feed-error-sequence-mismatch")
                    .arg("body", body.to_string())
                    .arg("signed", signed.to_string())
            }
            Error::FeedNotNewer { sequence, in_force } => Message::new("feed-error-not-newer")
                .arg("sequence", sequence.to_string())
                .arg("current", in_force.to_string()),
            Error::FeedEmpty => Message::new("feed-error-empty"),
        }
    }

    pub(crate) fn io(path: impl Into<PathBuf>, err: &std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            reason: err.to_string(),
        }
    }
}

fn place(id: &'static str, file: &Path, line: usize, column: usize) -> Message {
    // Line and column as text: a number would be grouped (`1 234`) by the page.
    Message::new(id)
        .arg("file", file.display().to_string())
        .arg("line", line.to_string())
        .arg("column", column.to_string())
}

/// A text for a person, as the id of a Fluent message (`locales/*/*.ftl`) and its arguments.
///
/// On the wire (the local API) it is `{"id": "...", "args": {"name": "value"}}`; an argument is
/// a string, a number (which chooses plural forms), another message (`{"id", "args"}`, written
/// in the same language first), a list of messages (written, then joined by the message
/// `file-error-separator` and a space) or words with a form per language (`{"en": "…", "fr":
/// "…"}`, such as a list's name: the reader's form, else the English one).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Message {
    /// The message's id, such as `reason-ip-address`.
    pub id: String,
    /// Its variables by name, without the `$`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub args: BTreeMap<String, Arg>,
}

/// The value of one variable of a [`Message`].
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(untagged)]
pub enum Arg {
    /// A number: it chooses plural forms, and the page formats it for the language.
    Number(i64),
    /// Text used as it is (a name, a path, a line number).
    Text(String),
    /// Another message, written in the same language.
    Message(Message),
    /// Messages written in the same language and joined by `file-error-separator` and a space.
    List(Vec<Message>),
    /// Words of a file with a form per language, by code (`en` always there): a list's name.
    Forms(BTreeMap<String, String>),
}

impl Message {
    /// A message without variables yet.
    pub fn new(id: impl Into<String>) -> Message {
        Message {
            id: id.into(),
            args: BTreeMap::new(),
        }
    }

    /// The message with one more variable.
    #[must_use]
    pub fn arg(mut self, name: &str, value: impl Into<Arg>) -> Message {
        self.args.insert(name.to_string(), value.into());
        self
    }

    /// The English words of the messages this crate writes itself (the character names of
    /// [`Error::BadCharacter`] and the [`reasons`]); other ids give the id back.
    fn english(&self) -> String {
        reasons::english(self)
    }
}

impl From<String> for Arg {
    fn from(text: String) -> Arg {
        Arg::Text(text)
    }
}

impl From<&str> for Arg {
    fn from(text: &str) -> Arg {
        Arg::Text(text.to_string())
    }
}

/// A text with one form is plain text; with several, every form goes, for the reader to pick.
impl From<&crate::Text> for Arg {
    fn from(text: &crate::Text) -> Arg {
        if text.translations().is_empty() {
            return Arg::Text(text.english().to_string());
        }
        let mut forms = text.translations().clone();
        forms.insert(crate::FALLBACK.to_string(), text.english().to_string());
        Arg::Forms(forms)
    }
}

impl From<Message> for Arg {
    fn from(message: Message) -> Arg {
        Arg::Message(message)
    }
}

macro_rules! number_arg {
    ($($t:ty),*) => {$(
        impl From<$t> for Arg {
            fn from(n: $t) -> Arg {
                Arg::Number(i64::try_from(n).unwrap_or(i64::MAX))
            }
        }
    )*};
}
number_arg!(u32, u64, usize, i64);

/// The reasons of [`Error::Setting`] that this crate writes (and `list.rs` and `policy.rs`,
/// with the same words), as English templates with `{name}` slots, by message id.
///
/// [`Error::Setting`] carries its reason as English text; [`recognize`](reasons::recognize)
/// finds which template wrote it so the reason can be shown in another language too. A reason
/// that matches none stays as given.
pub mod reasons {
    use super::{Arg, Message};

    /// `(message id, English template)`. A slot is `{name}`; `{name:n}` takes a number.
    pub const TEMPLATES: &[(&str, &str)] = &[
        (
            "list-error-needs-name",
            "the list needs a name that parents will read",
        ),
        (
            "list-error-site-needs-name",
            "every site needs a name that parents will read",
        ),
        (
            "list-error-site-no-domain",
            "site \"{site}\" lists no domain",
        ),
        (
            "list-error-id-length",
            "a list id needs 1 to {max:n} characters",
        ),
        (
            "list-error-id-characters",
            "\"{id}\" may only use lowercase letters, digits and hyphens (not at the start)",
        ),
        (
            "list-error-unknown-id",
            "no list has this id; the setting is ignored",
        ),
        (
            "list-error-file-name",
            "the file name is the list's id: {reason:m}",
        ),
        (
            "list-error-sequence",
            "the sequence is a whole number of 0 or more without quotes, like 2026120100",
        ),
        (
            "text-error-language",
            "\"{code}\" is not a language code: write a short lowercase code, such as en or fr",
        ),
        (
            "text-error-not-text",
            "each language's form must be text in quotes",
        ),
        (
            "text-error-empty",
            "this form is empty: write the text, or remove the line",
        ),
        (
            "text-error-needs-english",
            "a text written in several languages needs its English form (en): readers of other languages see it",
        ),
        (
            "setting-error-listen-address",
            "\"{text}\" is not an address with a port, like 127.0.0.1:53 or [::1]:53",
        ),
        (
            "setting-error-listen-empty",
            "at least one address is needed, like 127.0.0.1:53",
        ),
        (
            "setting-error-upstream-address",
            "\"{address}\" is not an IP address (with an optional port), like 9.9.9.9 or 9.9.9.9:853",
        ),
        (
            "setting-error-server-name",
            "tls and https need the name on the server's certificate, like dns.quad9.net",
        ),
        ("setting-error-path", "\"{path}\" must start with /"),
        (
            "setting-error-block-address",
            "\"{address}\" is not an IPv4 address, like 127.0.0.88",
        ),
        (
            "setting-error-page-listen",
            "\"{text}\" is not an address with a port, like 127.0.0.88:80",
        ),
        (
            "setting-error-out-of-range",
            "{value:n} is out of range: use {min:n} to {max:n}",
        ),
        (
            "setting-error-language",
            "\"{text}\" is not a language Vigie speaks: use auto, fr or en",
        ),
        (
            "setting-error-subscription-name",
            "a name of 1 to {max:n} characters is needed",
        ),
        (
            "setting-error-feed-url",
            "\"{url}\" is not a web address: write one that starts with https:// or http://",
        ),
        (
            "setting-error-feed-url-credentials",
            "a list's address may not carry a user name or password",
        ),
        (
            "setting-error-feed-url-long",
            "the address is longer than {max:n} bytes",
        ),
        (
            "setting-error-duration",
            "\"{text}\" is not a duration like 24h, 90m or 2d",
        ),
        (
            "setting-error-refresh-short",
            "\"{text}\" is shorter than 1h",
        ),
        (
            "setting-error-subscription-duplicate",
            "this address is already subscribed, as subscription[{first:n}]",
        ),
        (
            "setting-error-subscriptions-many",
            "at most {max:n} subscriptions are allowed",
        ),
    ];

    /// The English words of `message`, from [`TEMPLATES`] and the character names; an unknown
    /// id gives the id back.
    pub fn english(message: &Message) -> String {
        let template = match message.id.as_str() {
            "reason-character-space" => "a space",
            "reason-character-underscore" => "an underscore (_)",
            "reason-character-invisible" => "the invisible character U+{code}",
            "reason-character-other" => "'{char}'",
            id => match TEMPLATES.iter().find(|(t, _)| *t == id) {
                Some((_, template)) => template,
                None => return message.id.clone(),
            },
        };
        let mut out = String::new();
        for piece in pieces(template) {
            match piece {
                Piece::Text(t) => out.push_str(t),
                Piece::Slot(name, _) => match message.args.get(name) {
                    Some(Arg::Text(t)) => out.push_str(t),
                    Some(Arg::Number(n)) => out.push_str(&n.to_string()),
                    Some(Arg::Message(m)) => out.push_str(&english(m)),
                    Some(Arg::List(l)) => {
                        out.push_str(&l.iter().map(english).collect::<Vec<_>>().join("; "));
                    }
                    Some(Arg::Forms(forms)) => {
                        out.push_str(forms.get("en").map_or("", String::as_str));
                    }
                    None => {}
                },
            }
        }
        out
    }

    /// The English words of the reason with `id`, its slots filled from `args` (as text; a
    /// slot marked `:n` must get digits). Panics on an unknown id: callers pass constants.
    pub fn text(id: &str, args: &[(&str, String)]) -> String {
        assert!(TEMPLATES.iter().any(|(t, _)| *t == id), "no reason {id}");
        let mut message = Message::new(id);
        for (name, value) in args {
            let value = match value.parse::<i64>() {
                Ok(n) if slot_kind(id, name) == Some('n') => Arg::Number(n),
                _ => Arg::Text(value.clone()),
            };
            message.args.insert((*name).to_string(), value);
        }
        english(&message)
    }

    /// The message that wrote `reason`, or the reason itself as text when no template fits.
    pub fn recognize(reason: &str) -> Arg {
        TEMPLATES
            .iter()
            .find_map(|(id, template)| matches(id, template, reason))
            .map_or_else(|| Arg::Text(reason.to_string()), Arg::Message)
    }

    fn slot_kind(id: &str, name: &str) -> Option<char> {
        let (_, template) = TEMPLATES.iter().find(|(t, _)| *t == id)?;
        pieces(template).into_iter().find_map(|p| match p {
            Piece::Slot(n, kind) if n == name => Some(kind),
            _ => None,
        })
    }

    fn matches(id: &str, template: &str, text: &str) -> Option<Message> {
        let pieces = pieces(template);
        let mut message = Message::new(id);
        let mut rest = text;
        let mut i = 0;
        while i < pieces.len() {
            match pieces[i] {
                Piece::Text(t) => rest = rest.strip_prefix(t)?,
                Piece::Slot(name, kind) => {
                    // A slot runs to the next literal piece (its last occurrence if it ends
                    // the template), or to the end.
                    let value = match pieces.get(i + 1) {
                        Some(Piece::Text(next)) if i + 2 == pieces.len() => {
                            rest.strip_suffix(next)?
                        }
                        Some(Piece::Text(next)) => &rest[..rest.find(next)?],
                        _ => rest,
                    };
                    rest = &rest[value.len()..];
                    let arg = match kind {
                        'n' => Arg::Number(value.parse().ok()?),
                        'm' => recognize(value),
                        _ => Arg::Text(value.to_string()),
                    };
                    message.args.insert(name.to_string(), arg);
                }
            }
            i += 1;
        }
        rest.is_empty().then_some(message)
    }

    #[derive(Clone, Copy)]
    enum Piece<'a> {
        Text(&'a str),
        /// A slot's name and kind: `t` text, `n` number, `m` another reason.
        Slot(&'a str, char),
    }

    fn pieces(template: &str) -> Vec<Piece<'_>> {
        let mut out = Vec::new();
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            let Some(close) = rest[open..].find('}').map(|c| open + c) else {
                break;
            };
            let inner = &rest[open + 1..close];
            if inner.is_empty()
                || !inner
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b':')
            {
                // Not a slot (`[::1]` has none, but be safe): keep it as text.
                out.push(Piece::Text(&rest[..=close]));
                rest = &rest[close + 1..];
                continue;
            }
            if open > 0 {
                out.push(Piece::Text(&rest[..open]));
            }
            let (name, kind) = inner
                .split_once(':')
                .map_or((inner, 't'), |(n, k)| (n, k.chars().next().unwrap_or('t')));
            out.push(Piece::Slot(name, kind));
            rest = &rest[close + 1..];
        }
        if !rest.is_empty() {
            out.push(Piece::Text(rest));
        }
        out
    }
}

/// Turns a byte offset in `text` into a 1-based (line, column) pair, counting columns in chars.
pub(crate) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_from_one() {
        let text = "a = 1\nbé = 2\n";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 6), (2, 1));
        assert_eq!(line_col(text, 9), (2, 3));
        assert_eq!(line_col(text, 999), (3, 1));
    }
}
