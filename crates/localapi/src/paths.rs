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

/// The API socket a desktop program (the notifier, the console) is told to use by its command
/// line, `[--dev | --runtime-dir DIR]` without the program name, and by `VIGIE_RUNTIME_DIR`
/// (`env_runtime`). Both programs take the same options, so they are read here once: the flag
/// beats the environment, which beats `--dev`. `program` names the usage line.
pub fn socket_from_args(
    program: &str,
    args: impl IntoIterator<Item = String>,
    env_runtime: Option<PathBuf>,
) -> Result<PathBuf, Error> {
    let usage = format!("usage: {program} [--dev | --runtime-dir DIR]");
    let mut dev = false;
    let mut runtime = None;
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--dev" => dev = true,
            "--runtime-dir" => {
                let dir = args.next().ok_or_else(|| {
                    Error::Usage(format!("--runtime-dir needs a folder\n{usage}"))
                })?;
                runtime = Some(PathBuf::from(dir));
            }
            "-h" | "--help" => return Err(Error::Usage(usage)),
            other => return Err(Error::Usage(format!("unknown argument {other:?}\n{usage}"))),
        }
    }
    Ok(socket_path(&runtime_dir(dev, runtime.or(env_runtime))?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str], env: Option<&str>) -> Result<PathBuf, Error> {
        socket_from_args(
            "vigie-x",
            args.iter().map(|s| s.to_string()),
            env.map(PathBuf::from),
        )
    }

    #[test]
    fn program_options_the_flag_beats_the_environment_which_beats_dev() {
        assert_eq!(parse(&[], None).unwrap(), Path::new("/run/vigie/api.sock"));
        assert_eq!(
            parse(&["--runtime-dir", "/a"], Some("/b")).unwrap(),
            Path::new("/a/api.sock")
        );
        assert_eq!(
            parse(&["--dev"], Some("/b")).unwrap(),
            Path::new("/b/api.sock")
        );
    }

    #[test]
    fn program_options_name_what_is_wrong_and_the_program() {
        let e = parse(&["--runtime-dir"], None).unwrap_err().to_string();
        assert!(
            e.contains("needs a folder") && e.contains("usage: vigie-x"),
            "{e}"
        );
        let e = parse(&["--bogus"], None).unwrap_err().to_string();
        assert!(e.contains("\"--bogus\""), "{e}");
    }

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
