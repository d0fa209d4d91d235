//! The command line and environment of `vigie-app`: where the service's socket is. The rules are
//! the CLI's: installed, `/run/vigie/api.sock`; `--dev`, the per-user
//! runtime folder that `vigie run --dev` uses; `--runtime-dir DIR` or `VIGIE_RUNTIME_DIR=DIR`,
//! `DIR/api.sock` (tests use this).

use std::path::PathBuf;

/// Parsed options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// The service's API socket.
    pub socket: PathBuf,
}

impl Options {
    /// From the process's arguments and `VIGIE_RUNTIME_DIR`.
    pub fn from_env() -> Result<Options, String> {
        Options::parse(
            std::env::args().skip(1),
            std::env::var_os("VIGIE_RUNTIME_DIR").map(PathBuf::from),
        )
    }

    /// From explicit arguments (without the program name) and environment value, by the rule
    /// that the notifier shares (`vigie-localapi`).
    pub fn parse(
        args: impl IntoIterator<Item = String>,
        env_runtime: Option<PathBuf>,
    ) -> Result<Options, String> {
        let args: Vec<String> = args.into_iter().collect();
        // The notifier is its own program now; an old autostart entry says so.
        if args.iter().any(|a| a == "--tray") {
            return Err("the notifier is `vigie-notifier` now (vigie-app is the console)".into());
        }
        let socket = vigie_localapi::socket_from_args("vigie-app", args, env_runtime)
            .map_err(|e| e.to_string())?;
        Ok(Options { socket })
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
    }

    #[test]
    fn bad_arguments_are_named() {
        assert!(
            parse(&["--runtime-dir"], None)
                .unwrap_err()
                .contains("needs a folder")
        );
        assert!(
            parse(&["--bogus"], None)
                .unwrap_err()
                .contains("\"--bogus\"")
        );
        assert!(
            parse(&["--tray"], None)
                .unwrap_err()
                .contains("vigie-notifier")
        );
    }
}
