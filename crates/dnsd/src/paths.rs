//! Where the service keeps its files: installed system paths, or per-user folders in dev mode.
//!
//! Installed, the config is root-owned in `/etc/vigie`, the journal in `/var/lib/vigie` and the
//! API socket in `/run/vigie`. `--dev` uses the per-user folders of the `directories` crate so
//! that anyone can try Vigie without installing it; explicit flags override either.

use std::path::PathBuf;

use anyhow::{Context, Result};

use crate::cli::RunArgs;

/// The three folders the service uses.
#[derive(Debug, Clone)]
pub(crate) struct Paths {
    pub(crate) config: PathBuf,
    pub(crate) data: PathBuf,
    pub(crate) runtime: PathBuf,
}

impl Paths {
    pub(crate) fn resolve(args: &RunArgs) -> Result<Paths> {
        let defaults = if args.dev {
            dev_defaults()?
        } else {
            installed_defaults()
        };
        Ok(Paths {
            config: args.config_dir.clone().unwrap_or(defaults.config),
            data: args.data_dir.clone().unwrap_or(defaults.data),
            runtime: args.runtime_dir.clone().unwrap_or(defaults.runtime),
        })
    }

    /// Where day files of the attempt journal go.
    pub(crate) fn journal(&self) -> PathBuf {
        self.data.join("journal")
    }
}

fn installed_defaults() -> Paths {
    Paths {
        config: PathBuf::from("/etc/vigie"),
        data: PathBuf::from("/var/lib/vigie"),
        runtime: PathBuf::from(vigie_localapi::INSTALLED_RUNTIME_DIR),
    }
}

fn dev_defaults() -> Result<Paths> {
    let dirs = directories::ProjectDirs::from("", "", "vigie")
        .context("no home folder was found for per-user files; pass --config-dir and --data-dir")?;
    // The one rule the clients use too, so they always find the dev service's socket.
    let runtime = vigie_localapi::dev_runtime_dir()?;
    Ok(Paths {
        config: dirs.config_dir().into(),
        data: dirs.data_local_dir().into(),
        runtime,
    })
}
