//! The `vigie` command line. Other parts of Vigie, its tests and its install scripts rely on
//! these exact flags, so they change only together with those.

pub(crate) mod client;
pub(crate) mod feed;

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Vigie keeps this computer away from Omegle and its clones.
#[derive(Debug, Parser)]
#[command(name = "vigie", version)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Run the filtering DNS service in the foreground.
    Run(RunArgs),
    /// Show whether this computer is protected.
    Status(Client),
    /// Tell whether a site is blocked, and why.
    Check {
        #[command(flatten)]
        client: Client,
        /// A site's name or address, as you would paste it.
        name: String,
    },
    /// Your own blocked sites.
    Sites {
        #[command(flatten)]
        client: Client,
        #[command(subcommand)]
        action: EditAction,
    },
    /// Sites allowed even when a list blocks them.
    Allow {
        #[command(flatten)]
        client: Client,
        #[command(subcommand)]
        action: EditAction,
    },
    /// The lists that ship with Vigie and your own.
    Lists {
        #[command(flatten)]
        client: Client,
        #[command(subcommand)]
        action: ListAction,
    },
    /// Attempts to open blocked sites, newest first.
    Log {
        #[command(flatten)]
        client: Client,
        /// From this day (2026-11-01), or this long ago (7d, 24h); default: 7d.
        #[arg(long, value_name = "WHEN")]
        since: Option<String>,
        /// Only this site.
        #[arg(long)]
        site: Option<String>,
        /// Only this account's attempts: a uid, or `this-computer` for those whose account
        /// cannot be told.
        #[arg(long, value_name = "UID")]
        account: Option<String>,
        /// Print CSV, for a spreadsheet.
        #[arg(long, conflicts_with = "json")]
        csv: bool,
        /// At most this many attempts.
        #[arg(long, default_value_t = 50)]
        limit: u32,
    },
    /// Turn protection off for a while (it comes back by itself).
    Pause {
        #[command(flatten)]
        client: Client,
        /// How long: 30m, 2h, 1h30m (at most 8h).
        duration: String,
    },
    /// Turn protection back on now.
    Resume(Client),
    /// The parent password.
    Password {
        #[command(flatten)]
        client: Client,
        #[command(subcommand)]
        action: PasswordAction,
    },
    /// Install Vigie on this computer (as root): service, DNS, browser policies.
    Install(InstallArgs),
    /// Remove Vigie from this computer (as root), putting back what was there before.
    Uninstall(UninstallArgs),
    /// Vigie's signed list feed, for its maintainers: make keys, build, sign, check (offline).
    Feed {
        #[command(subcommand)]
        action: feed::FeedAction,
    },
}

/// `vigie install`.
#[derive(Debug, Args)]
pub(crate) struct InstallArgs {
    /// Install into this folder as if it were `/` (for tests); nothing is started.
    #[arg(long, value_name = "DIR")]
    pub(crate) root: Option<PathBuf>,
    /// Print what would change, change nothing.
    #[arg(long)]
    pub(crate) dry_run: bool,
    /// Forward allowed lookups here (default: the resolvers this computer uses now); repeat for
    /// more. ADDRESS or ADDRESS:PORT.
    #[arg(long, value_name = "ADDRESS", value_parser = parse_upstream)]
    pub(crate) upstream: Vec<SocketAddr>,
    /// Send every program's DNS to Vigie, and refuse DNS over TLS, with nftables.
    #[arg(long, value_enum, default_value = "auto")]
    pub(crate) redirect: crate::install::Redirect,
    /// Let this user act as a parent without the password (never an account the child uses);
    /// repeat for more.
    #[arg(long, value_name = "USER")]
    pub(crate) parent: Vec<String>,
}

/// `vigie uninstall`.
#[derive(Debug, Args)]
pub(crate) struct UninstallArgs {
    /// Remove what was installed into this folder by `vigie install --root`.
    #[arg(long, value_name = "DIR")]
    pub(crate) root: Option<PathBuf>,
    /// Print what would change, change nothing.
    #[arg(long)]
    pub(crate) dry_run: bool,
}

fn parse_upstream(s: &str) -> Result<SocketAddr, String> {
    if let Ok(ip) = s.parse::<std::net::IpAddr>() {
        return Ok(SocketAddr::new(ip, 53));
    }
    s.parse().map_err(|_| {
        format!("\"{s}\" is not an IP address (with an optional port), like 192.168.1.1 or 192.168.1.1:53")
    })
}

/// How to reach the service, shared by every client command.
#[derive(Debug, Args, Clone)]
pub(crate) struct Client {
    /// Talk to the service started with `vigie run --dev`.
    #[arg(long, global = true)]
    pub(crate) dev: bool,
    /// Folder of the service's API socket (default: /run/vigie).
    #[arg(long, value_name = "DIR", global = true)]
    pub(crate) runtime_dir: Option<PathBuf>,
    /// Print JSON for scripts.
    #[arg(long, global = true)]
    pub(crate) json: bool,
}

#[derive(Debug, Subcommand)]
pub(crate) enum EditAction {
    /// Show them.
    List,
    /// Add one: paste an address or a name (https://www.example.com/page, example.com).
    Add {
        /// What to add.
        input: String,
        /// The name parents will see (default: the site's domain).
        #[arg(long)]
        name: Option<String>,
    },
    /// Remove one by its domain.
    Remove {
        /// The domain, as `list` shows it.
        domain: String,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum ListAction {
    /// Show every list, on or off.
    List,
    /// Turn a list on.
    Enable {
        /// The list's id, as `list` shows it.
        id: String,
    },
    /// Turn a list off.
    Disable {
        /// The list's id, as `list` shows it.
        id: String,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum PasswordAction {
    /// Choose the parent password, or change it. Asked on the terminal, or read from standard
    /// input one per line (current first when one is set, then the new one).
    Set,
    /// As the computer's administrator (`sudo vigie password reset`): choose a new parent
    /// password without the current one, ending every parent session and wrong-guess delay.
    Reset,
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
    /// Forward allowed lookups to this resolver over UDP/TCP, and to no other; repeat for more
    /// (overrides settings and the network's servers).
    #[arg(long, value_name = "ADDR:PORT")]
    pub(crate) upstream: Vec<SocketAddr>,
    /// Serve the block page on this address (overrides settings).
    #[arg(long, value_name = "ADDR:PORT")]
    pub(crate) block_page: Option<SocketAddr>,
    /// Read the network's DNS servers from this resolv.conf-style file instead of the network
    /// managers' files, following its changes; repeat for more, first usable wins.
    #[arg(long, value_name = "FILE")]
    pub(crate) network_dns_from: Vec<PathBuf>,
    /// Check now and then that this computer's own lookups reach this service, by looking up a
    /// unique name through the system's resolver (for status). Used by the installed service.
    #[arg(long)]
    pub(crate) probe_system_dns: bool,
    /// Vigie's own list feed at this URL instead of the one named at build time (development
    /// and tests).
    #[arg(long, value_name = "URL", hide = true)]
    pub(crate) feed_url: Option<String>,
    /// The public key Vigie's feed must be signed with, instead of the one named at build time.
    #[arg(long, value_name = "FILE", hide = true)]
    pub(crate) feed_public_key: Option<PathBuf>,
    /// Check every feed this often and retry this soon, instead of the hours of the settings
    /// (tests).
    #[arg(long, value_name = "DURATION", hide = true, value_parser = duration)]
    pub(crate) feed_interval: Option<std::time::Duration>,
    /// Give up on a feed download after this long instead of 60 s (tests).
    #[arg(long, value_name = "DURATION", hide = true, value_parser = duration)]
    pub(crate) feed_timeout: Option<std::time::Duration>,
}

/// A duration on the command line, written as in settings.toml (`1s`, `90m`, `24h`).
fn duration(text: &str) -> Result<std::time::Duration, String> {
    vigie_policy::parse_duration(text)
        .ok_or_else(|| format!("{text:?} is not a duration like 1s, 90m or 24h"))
}
