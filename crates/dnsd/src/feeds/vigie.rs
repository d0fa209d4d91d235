//! Vigie's own feed of the `stranger-chat` list: where it is published and the key it is
//! signed with, both named when the package is built (`VIGIE_FEED_URL`,
//! `VIGIE_FEED_PUBLIC_KEY`), or given to `vigie run --feed-url --feed-public-key` for tests and
//! development. With no URL or no key the feed is off, and status says so.

use std::path::Path;

use anyhow::Context;
use vigie_policy::{Error, FeedKey};

use super::download::FeedError;

/// The URL named at build time.
const BUILT_IN_URL: Option<&str> = option_env!("VIGIE_FEED_URL");
/// The public key named at build time (the `RW…` line of a minisign public key, or the whole
/// `.pub` file).
const BUILT_IN_KEY: Option<&str> = option_env!("VIGIE_FEED_PUBLIC_KEY");

/// The trusted key.
pub(crate) type Key = FeedKey;

/// Where Vigie's feed is and the key it must be signed with.
#[derive(Debug, Clone, Default)]
pub(crate) struct Source {
    /// The URL named by the build (or `--feed-url`); a parent's mirror in `[feed] url` is used
    /// instead when set.
    pub(crate) url: Option<String>,
    /// The key; without one, the feed cannot be checked and stays off.
    pub(crate) key: Option<Key>,
}

impl Source {
    /// The build's feed, with the command line's overrides.
    pub(crate) fn new(url: Option<&str>, key_file: Option<&Path>) -> anyhow::Result<Source> {
        let url = url.or(BUILT_IN_URL).filter(|u| !u.trim().is_empty());
        let key_text = match key_file {
            Some(path) => Some(
                std::fs::read_to_string(path)
                    .with_context(|| format!("cannot read the feed key {}", path.display()))?,
            ),
            None => BUILT_IN_KEY
                .filter(|k| !k.trim().is_empty())
                .map(String::from),
        };
        let key = key_text.map(|t| parse_key(&t)).transpose()?;
        Ok(Source {
            url: url.map(String::from),
            key,
        })
    }

    /// Whether the build names a feed: a URL and a key.
    pub(crate) fn available(&self) -> bool {
        self.url.is_some() && self.key.is_some()
    }
}

fn parse_key(text: &str) -> anyhow::Result<Key> {
    FeedKey::parse(text).map_err(|e| anyhow::anyhow!("the feed's public key: {e}"))
}

/// Checks a downloaded feed against `key` and the sequence in force; returns its sequence. The
/// parent reads the short reason (the details, for whoever publishes the feed, go to the log).
pub(crate) fn verify(
    body: &[u8],
    sig: &[u8],
    key: &Key,
    newer_than: u64,
) -> Result<u64, FeedError> {
    let sig = std::str::from_utf8(sig).map_err(|_| FeedError::Signature)?;
    match vigie_policy::feed::verify(body, sig, key, newer_than) {
        Ok(verified) => Ok(verified.sequence),
        Err(e) => {
            tracing::info!("Vigie's feed refused: {e}");
            Err(match e {
                Error::FeedSignatureMissing => FeedError::SignatureMissing,
                Error::FeedNotNewer { .. } => FeedError::Older,
                Error::FeedEmpty => FeedError::Empty,
                Error::FeedBadSignature
                | Error::FeedWrongKey { .. }
                | Error::FeedSignatureMalformed
                | Error::FeedSignatureLegacy
                | Error::FeedNoSignedSequence { .. }
                | Error::FeedSequenceMismatch { .. } => FeedError::Signature,
                other => FeedError::NotVigieList(other.message()),
            })
        }
    }
}
