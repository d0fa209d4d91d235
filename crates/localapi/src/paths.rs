//! Where a client finds the service's socket: the one rule shared by the service, the command
//! line and the desktop app, so they can never look in different places.
//!
//! An explicit folder wins; `--dev` means the per-user runtime folder of the `directories` crate
//! (the XDG runtime dir, else a `run` folder in the local data dir); otherwise the installed
//! service's `/run/vigie`.

use std::path::{Path, PathBuf};

use crate::{Error, SOCKET_NAME};

/// The installed service's runtime folder.
pub const INSTALLED_RUNTIME_DIR: &str = "/run/vigie";

/// The runtime folder of `vigie run --dev` for the user running this.
pub fn dev_runtime_dir() -> Result<PathBuf, Error> {
    let dirs = directories::ProjectDirs::from("", "", "vigie").ok_or(Error::NoHome)?;
    Ok(dirs
        .runtime_dir()
        .map(PathBuf::from)
        .unwrap_or_else(|| dirs.data_local_dir().join("run")))
}

/// The runtime folder: `explicit` if given, else the dev one or the installed one.
pub fn runtime_dir(dev: bool, explicit: Option<PathBuf>) -> Result<PathBuf, Error> {
    match (explicit, dev) {
        (Some(dir), _) => Ok(dir),
        (None, true) => dev_runtime_dir(),
        (None, false) => Ok(PathBuf::from(INSTALLED_RUNTIME_DIR)),
    }
}

/// The API socket in a runtime folder.
pub fn socket_path(runtime_dir: &Path) -> PathBuf {
    runtime_dir.join(SOCKET_NAME)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explicit_beats_dev_which_differs_from_installed() {
        let dir = runtime_dir(true, Some("/a".into())).unwrap();
        assert_eq!(socket_path(&dir), Path::new("/a/api.sock"));
        assert_eq!(
            runtime_dir(false, None).unwrap(),
            Path::new(INSTALLED_RUNTIME_DIR)
        );
        if let Ok(dev) = runtime_dir(true, None) {
            assert_ne!(dev, Path::new(INSTALLED_RUNTIME_DIR));
        }
    }
}
