//! The `vigie` command line. Other parts of Vigie, its tests and its install scripts rely on
//! these exact flags, so they change only together with those.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Vigie keeps this computer away from Omegle and its clones.
#[derive(Debug, Parser)]
#[command(name = "vigie", version, about, long_about = None)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Run the filtering DNS service in the foreground.
    Run(RunArgs),
}

/// `vigie run`.
#[derive(Debug, Args)]
pub(crate) struct RunArgs {
    /// Run unprivileged for trying Vigie out: DNS on 127.0.0.1:5353, block page on
    /// 127.0.0.1:8053, files in your own folders.
    #[arg(long)]
    pub(crate) dev: bool,
    /// Folder of settings.toml and lists/ (default: /etc/vigie; with --dev, your config folder).
    #[arg(long, value_name = "DIR")]
    pub(crate) config_dir: Option<PathBuf>,
    /// Folder of the attempt journal (default: /var/lib/vigie; with --dev, your data folder).
    #[arg(long, value_name = "DIR")]
    pub(crate) data_dir: Option<PathBuf>,
    /// Folder of the local API socket (default: /run/vigie; with --dev, your runtime folder).
    #[arg(long, value_name = "DIR")]
    pub(crate) runtime_dir: Option<PathBuf>,
    /// Listen for DNS on this address, UDP and TCP; repeat for more (overrides settings).
    #[arg(long, value_name = "ADDR:PORT")]
    pub(crate) listen: Vec<SocketAddr>,
    /// Forward allowed lookups to this resolver over UDP/TCP; repeat for more (overrides settings).
    #[arg(long, value_name = "ADDR:PORT")]
    pub(crate) upstream: Vec<SocketAddr>,
    /// Serve the block page on this address (overrides settings).
    #[arg(long, value_name = "ADDR:PORT")]
    pub(crate) block_page: Option<SocketAddr>,
}
