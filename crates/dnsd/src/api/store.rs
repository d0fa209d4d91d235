//! The files the API edits, written the safe way, and their versions.
//!
//! Every change is a whole new file written to a temporary name in the same folder, flushed to
//! disk, renamed over the old one and the folder flushed too: a crash leaves the old file or the
//! new one, never half of each. The version (ETag) of a file is a hash of its bytes, so hand
//! edits change it exactly like API edits do, and two editors can never overwrite each other
//! unknowingly.

use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use vigie_policy::{Action, ListFile, ListInfo};

/// Writes `bytes` to `path` atomically with the given mode.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8], mode: u32) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let mut suffix = [0u8; 6];
    rand::fill(&mut suffix);
    let suffix: String = suffix.iter().map(|b| format!("{b:02x}")).collect();
    // A hidden name: the list loader ignores dot files, so a half-written one is never read.
    let tmp = dir.join(format!(".{name}.{suffix}.tmp"));
    let result = (|| {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(mode)
            .open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(mode))?;
        std::fs::rename(&tmp, path)?;
        std::fs::File::open(dir)?.sync_all()
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// The version of a file's content (`"absent"` for no file), quoted as HTTP wants.
pub(crate) fn etag(bytes: Option<&[u8]>) -> String {
    match bytes {
        None => "\"absent\"".into(),
        Some(b) => {
            let digest = Sha256::digest(b);
            let hex: String = digest[..12].iter().map(|b| format!("{b:02x}")).collect();
            format!("\"{hex}\"")
        }
    }
}

/// A file's bytes, or `None` when it does not exist.
pub(crate) fn read(path: &Path) -> std::io::Result<Option<Vec<u8>>> {
    match std::fs::read(path) {
        Ok(b) => Ok(Some(b)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// The two list files the API edits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Editable {
    /// The parent's own blocked sites.
    Sites,
    /// The allowlist.
    Allow,
}

impl Editable {
    pub(crate) fn id(self) -> &'static str {
        match self {
            Editable::Sites => "my-sites",
            Editable::Allow => "allowed",
        }
    }

    pub(crate) fn path(self, config: &Path) -> PathBuf {
        config
            .join(vigie_policy::LISTS_DIR)
            .join(format!("{}.toml", self.id()))
    }

    /// The list as it starts out, before the parent adds anything.
    pub(crate) fn empty(self) -> ListFile {
        let (name, description, action) = match self {
            Editable::Sites => (
                "My blocked sites",
                "Sites a parent added on this computer.",
                Action::Block,
            ),
            Editable::Allow => (
                "Allowed sites",
                "Sites a parent allowed on this computer, even when a list blocks them.",
                Action::Allow,
            ),
        };
        ListFile {
            list: ListInfo {
                id: self.id().into(),
                name: name.into(),
                description: description.into(),
                category: "parent".into(),
                enabled_by_default: true,
                action,
            },
            brands: Vec::new(),
            sites: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_writes_replace_whole_files_with_the_mode_asked() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lists/x.toml");
        write_atomic(&path, b"one", 0o644).unwrap();
        write_atomic(&path, b"two", 0o600).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        assert_eq!(
            std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o600
        );
        let leftovers: Vec<_> = std::fs::read_dir(dir.path().join("lists"))
            .unwrap()
            .collect();
        assert_eq!(leftovers.len(), 1, "no temporary file left behind");
    }

    #[test]
    fn versions_follow_content() {
        assert_eq!(etag(None), "\"absent\"");
        assert_eq!(etag(Some(b"a")), etag(Some(b"a")));
        assert_ne!(etag(Some(b"a")), etag(Some(b"b")));
    }
}
