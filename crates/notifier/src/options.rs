//! The command line and environment of `vigie-notifier`: where the service's socket is. The rules
//! are the CLI's and the console's: installed, `/run/vigie/api.sock`; `--dev`, the per-user runtime
//! folder that `vigie run --dev` uses; `--runtime-dir DIR` or `VIGIE_RUNTIME_DIR=DIR`,
//! `DIR/api.sock` (tests use this).

use std::path::PathBuf;

/// Parsed options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Options {
    /// The service's API socket.
    pub(crate) socket: PathBuf,
}

impl Options {
    /// From the process's arguments and `VIGIE_RUNTIME_DIR`.
    pub(crate) fn from_env() -> Result<Options, String> {
        Options::parse(
            std::env::args().skip(1),
            std::env::var_os("VIGIE_RUNTIME_DIR").map(PathBuf::from),
        )
    }

    /// From explicit arguments (without the program name) and environment value, by the rule
    /// that the console shares (`vigie-localapi`).
    fn parse(
        args: impl IntoIterator<Item = String>,
        env_runtime: Option<PathBuf>,
    ) -> Result<Options, String> {
        let socket = vigie_localapi::socket_from_args("vigie-notifier", args, env_runtime)
            .map_err(|e| e.to_string())?;
        Ok(Options { socket })
    }

    /// The folder of the socket, handed on to the console so that it talks to the same service.
    pub(crate) fn runtime_dir(&self) -> Option<PathBuf> {
        self.socket.parent().map(PathBuf::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str], env: Option<&str>) -> Result<Options, String> {
        Options::parse(args.iter().map(|s| s.to_string()), env.map(PathBuf::from))
    }

    #[test]
    fn installed_socket_by_default() {
        let o = parse(&[], None).unwrap();
        assert_eq!(o.socket, PathBuf::from("/run/vigie/api.sock"));
        assert_eq!(o.runtime_dir(), Some(PathBuf::from("/run/vigie")));
    }

    #[test]
    fn bad_arguments_are_named() {
        assert!(
            parse(&["--runtime-dir"], None)
                .unwrap_err()
                .contains("needs a folder")
        );
        // The console's old tray face is not an option of the notifier.
        assert!(parse(&["--tray"], None).unwrap_err().contains("\"--tray\""));
    }
}
