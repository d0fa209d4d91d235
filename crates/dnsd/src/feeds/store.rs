//! The last good copies of the feeds, in the data directory's `feeds/` folder: `<id>.body` (the
//! body as downloaded, decompressed), `<id>.json` (what the service knows about it: the
//! versions to send back for a conditional download, when it was fetched and checked, why the
//! last check failed, when to try again) and, for Vigie's own feed, `vigie-feed.sig`.
//!
//! Every file is written atomically (`crate::files`), the body before its metadata: a crash in
//! between leaves a body newer than its metadata, which only costs one full download.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use vigie_policy::Message;
use vigie_policy::subscription::body_path;

/// What is known about one feed, kept beside its body.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub(crate) struct Meta {
    /// The URL the body came from: versions of another URL are not sent back.
    pub(crate) url: String,
    /// The server's `ETag` for the body kept, sent back as `If-None-Match`.
    pub(crate) etag: Option<String>,
    /// The server's `Last-Modified`, sent back as `If-Modified-Since`.
    pub(crate) last_modified: Option<String>,
    /// When the body kept was downloaded.
    #[serde(with = "time::serde::rfc3339::option")]
    pub(crate) fetched_at: Option<OffsetDateTime>,
    /// When it was last checked, successfully or not.
    #[serde(with = "time::serde::rfc3339::option")]
    pub(crate) checked_at: Option<OffsetDateTime>,
    /// Domains in the body kept.
    pub(crate) domains: usize,
    /// Why the last check failed, while it fails.
    pub(crate) last_error: Option<Message>,
    /// When to check next.
    #[serde(with = "time::serde::rfc3339::option")]
    pub(crate) next_attempt: Option<OffsetDateTime>,
    /// Checks in a row that failed.
    pub(crate) failures: u32,
    /// For Vigie's own feed, the sequence of the body kept.
    pub(crate) sequence: Option<u64>,
}

/// The feeds folder.
#[derive(Debug, Clone)]
pub(crate) struct Store {
    dir: PathBuf,
}

impl Store {
    pub(crate) fn new(dir: PathBuf) -> Store {
        Store { dir }
    }

    pub(crate) fn dir(&self) -> &Path {
        &self.dir
    }

    fn meta_path(&self, id: &str) -> PathBuf {
        self.dir.join(format!("{id}.json"))
    }

    fn sig_path(&self, id: &str) -> PathBuf {
        self.dir.join(format!("{id}.sig"))
    }

    /// The metadata of `id`; a missing or unreadable file is a feed never checked (it is checked
    /// again at once, which rewrites it).
    pub(crate) fn meta(&self, id: &str) -> Meta {
        let path = self.meta_path(id);
        match crate::files::read(&path) {
            Ok(Some(bytes)) => serde_json::from_slice(&bytes).unwrap_or_else(|e| {
                tracing::warn!(
                    "{}: unreadable, checking the feed again: {e}",
                    path.display()
                );
                Meta::default()
            }),
            Ok(None) => Meta::default(),
            Err(e) => {
                tracing::warn!("{}: {e}", path.display());
                Meta::default()
            }
        }
    }

    pub(crate) fn has_body(&self, id: &str) -> bool {
        body_path(&self.dir, id).is_file()
    }

    /// Whether the body kept for `id` is exactly `body` (a server that ignores conditional
    /// requests sends the same copy again).
    pub(crate) fn same_body(&self, id: &str, body: &[u8]) -> bool {
        matches!(crate::files::read(&body_path(&self.dir, id)), Ok(Some(kept)) if kept == body)
    }

    pub(crate) fn save_meta(&self, id: &str, meta: &Meta) -> std::io::Result<()> {
        let json = serde_json::to_vec_pretty(meta).expect("metadata serializes");
        crate::files::write_atomic(&self.meta_path(id), &json, 0o644)
    }

    /// Keeps a new body (and for Vigie's feed, its signature).
    pub(crate) fn save_body(
        &self,
        id: &str,
        body: &[u8],
        sig: Option<&[u8]>,
    ) -> std::io::Result<()> {
        if let Some(sig) = sig {
            crate::files::write_atomic(&self.sig_path(id), sig, 0o644)?;
        }
        crate::files::write_atomic(&body_path(&self.dir, id), body, 0o644)
    }

    /// Forgets every feed whose id is not in `keep`: a subscription taken out of `settings.toml`
    /// by hand, or whose URL was changed there, leaves no copy behind. Names that are not a
    /// feed's (the atomic writes' temporary files start with a dot) are left alone.
    pub(crate) fn keep_only(&self, keep: &[&str]) -> Vec<String> {
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return Vec::new();
        };
        let mut gone: Vec<String> = entries
            .filter_map(Result::ok)
            .filter_map(|e| e.file_name().into_string().ok())
            .filter_map(|name| {
                let (id, kind) = name.split_once('.')?;
                let ours = matches!(kind, "body" | "json" | "sig") && !id.is_empty();
                (ours && !keep.contains(&id)).then(|| id.to_string())
            })
            .collect();
        gone.sort_unstable();
        gone.dedup();
        for id in &gone {
            self.remove(id);
        }
        gone
    }

    /// Forgets a feed: its body, signature and metadata.
    pub(crate) fn remove(&self, id: &str) {
        for path in [
            body_path(&self.dir, id),
            self.sig_path(id),
            self.meta_path(id),
        ] {
            match std::fs::remove_file(&path) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => tracing::warn!("{} could not be removed: {e}", path.display()),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metadata_round_trips_and_removal_forgets_everything() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path().join("feeds"));
        assert_eq!(store.meta("sub-x"), Meta::default());
        let meta = Meta {
            url: "https://e.example/l".into(),
            etag: Some("\"v1\"".into()),
            fetched_at: Some(OffsetDateTime::from_unix_timestamp(1_800_000_000).unwrap()),
            last_error: Some(Message::new("feed-failed-status").arg("status", 503_i64)),
            failures: 2,
            ..Meta::default()
        };
        store.save_body("sub-x", b"a.example\n", None).unwrap();
        store.save_meta("sub-x", &meta).unwrap();
        assert_eq!(store.meta("sub-x"), meta);
        assert!(store.has_body("sub-x"));
        store.remove("sub-x");
        assert!(!store.has_body("sub-x"));
        assert_eq!(store.meta("sub-x"), Meta::default());
    }

    #[test]
    fn only_the_feeds_in_the_settings_keep_their_copies() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path().to_path_buf());
        for id in ["sub-a", "sub-b", "vigie-feed"] {
            store.save_body(id, b"0.0.0.0 x.example\n", None).unwrap();
            store.save_meta(id, &Meta::default()).unwrap();
        }
        std::fs::write(dir.path().join(".tmpXYZ"), b"half written").unwrap();
        assert_eq!(store.keep_only(&["sub-a", "vigie-feed"]), ["sub-b"]);
        assert!(store.has_body("sub-a") && store.has_body("vigie-feed"));
        assert!(!store.has_body("sub-b"));
        assert!(!dir.path().join("sub-b.json").exists());
        assert!(dir.path().join(".tmpXYZ").exists());
        assert!(store.keep_only(&["sub-a", "vigie-feed"]).is_empty());
    }
}
