//! The one error type of the policy crate.
//!
//! Every message is written for the person who will read it: usually a parent who pasted a name
//! or edited a file by hand. A message names the thing that is wrong (the name, the file, the
//! line) and says what would be right, never just "invalid input".

use std::path::PathBuf;

/// Everything that can go wrong while reading names, list files, imports and settings.
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
    #[error("\"{name}\" contains {shown}, which cannot be part of a site's name")]
    BadCharacter {
        /// The name as given (after trimming).
        name: String,
        /// The offending character, quoted for display (spaces and controls made visible).
        shown: String,
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
    #[error("{} problem(s): {}", problems.len(), join(problems))]
    Invalid {
        /// Every problem found, not just the first.
        problems: Vec<Error>,
    },
}

fn join(problems: &[Error]) -> String {
    problems
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

impl Error {
    pub(crate) fn io(path: impl Into<PathBuf>, err: &std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            reason: err.to_string(),
        }
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
