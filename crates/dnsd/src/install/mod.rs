//! `vigie install` and `vigie uninstall`: make Vigie part of the computer, and take it out again
//! without a trace.
//!
//! The order of the steps is fixed here, once for every operating system; what each step does on
//! a given system is behind the [`Platform`] trait ([`linux::Linux`] today, Windows and macOS
//! back ends beside it later). The steps only change the computer through
//! [`system::System`], which saves what was there before each change, so uninstall is the same
//! for every step: replay the ledger backwards.
//!
//! Order matters for the child's computer and for the parent's: the service is started and
//! answering before the computer's DNS is pointed at it (a failed start leaves DNS as it was),
//! and on the way back DNS is restored before the service stops.

mod dns;
mod linux;
pub(crate) mod system;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use system::System;

/// The service's account.
pub(crate) const USER: &str = "vigie";

/// What the command line asked for.
#[derive(Debug, Clone)]
pub(crate) struct Options {
    /// `/`, or a folder standing for it (tests).
    pub(crate) root: PathBuf,
    pub(crate) dry_run: bool,
    /// Resolvers to forward to, instead of the ones the computer used before.
    pub(crate) upstreams: Vec<SocketAddr>,
    pub(crate) redirect: Redirect,
    /// Accounts whose user may act as a parent without the password.
    pub(crate) parents: Vec<String>,
}

/// Whether to send every program's DNS to Vigie with nftables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Redirect {
    /// When nftables is installed.
    Auto,
    On,
    Off,
}

/// The service account's ids.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Account {
    pub(crate) uid: u32,
    pub(crate) gid: u32,
}

/// The operating-system-specific half of every install step. Each method makes its changes
/// through `sys` only (so uninstall can take them back) and is safe to run again.
pub(crate) trait Platform {
    /// Refuses, before any change, a system this back end cannot install on.
    fn check(&self, sys: &System) -> Result<()>;
    /// The account the service runs as, created if missing.
    fn service_account(&self, sys: &mut System) -> Result<Account>;
    /// The config folder (root-owned, writable by the service's group only) and the data folder
    /// (the service's own, 0700).
    fn folders(&self, sys: &mut System, account: Account) -> Result<()>;
    /// `settings.toml`: written when there is none yet; when there is one, only what the
    /// administrator named on this command line (`--upstream`, `--parent`) changes in it, and
    /// the parent's other settings stay.
    fn settings(
        &self,
        sys: &mut System,
        account: Account,
        upstreams: &[SocketAddr],
        explicit_upstreams: bool,
        parents: &[u32],
    ) -> Result<()>;
    /// Registers the service and starts it; returns once it answers (on the running system).
    fn service(&self, sys: &mut System, account: Account) -> Result<()>;
    /// Points the computer's own lookups at Vigie.
    fn take_over_dns(&self, sys: &mut System) -> Result<()>;
    /// Browser policies that keep browsers on the computer's DNS.
    fn browser_policies(&self, sys: &mut System) -> Result<()>;
    /// The notifier started in every session, and the console in the applications menu.
    fn desktop_entries(&self, sys: &mut System) -> Result<()>;
    /// Whether the redirect of other programs' DNS can be set up here.
    fn redirect_available(&self, sys: &System) -> bool;
    /// Sends DNS that any program (but the service) sends anywhere to Vigie; refuses DNS over
    /// TLS.
    fn redirect_dns(&self, sys: &mut System, account: Account) -> Result<()>;
}

/// The back end for this operating system.
fn platform(sys: &System) -> Result<Box<dyn Platform>> {
    Ok(Box::new(linux::Linux::new(sys)?))
}

/// `vigie install`.
pub(crate) fn install(opts: &Options) -> Result<()> {
    check_root(opts, "install")?;
    let mut sys = System::open(&opts.root, opts.dry_run)?;
    let os = platform(&sys)?;
    os.check(&sys)?;
    let again = sys.installed();
    println!(
        "{} Vigie{}{}",
        if opts.dry_run {
            "Would install"
        } else if again {
            "Installing again (only what changed is rewritten)"
        } else {
            "Installing"
        },
        if opts.root == Path::new("/") {
            String::new()
        } else {
            format!(" under {}", opts.root.display())
        },
        if opts.dry_run {
            " (dry run: nothing is changed):"
        } else {
            ":"
        }
    );

    // Without --upstream, the service follows the network's servers; none found now is not an
    // error (a laptop installed offline gets them when it joins a network).
    let upstreams = opts.upstreams.clone();

    let mut parents = Vec::new();
    for name in &opts.parents {
        match sys.user_ids(name)? {
            Some((uid, _)) if uid != 0 => parents.push(uid),
            Some(_) => bail!(
                "--parent {name}: root is not made a parent (an administrator can edit the files anyway)"
            ),
            None => bail!("--parent {name}: there is no such user on this computer"),
        }
    }
    let account = os.service_account(&mut sys)?;
    os.folders(&mut sys, account)?;
    os.settings(
        &mut sys,
        account,
        &upstreams,
        !opts.upstreams.is_empty(),
        &parents,
    )?;
    os.service(&mut sys, account)?;
    os.take_over_dns(&mut sys)?;
    os.browser_policies(&mut sys)?;
    os.desktop_entries(&mut sys)?;
    let redirect = match opts.redirect {
        Redirect::On => true,
        Redirect::Off => false,
        Redirect::Auto => os.redirect_available(&sys),
    };
    if redirect {
        os.redirect_dns(&mut sys, account)?;
    } else {
        println!("  no DNS redirect (nftables is not installed, or --redirect off)");
    }
    if !opts.dry_run {
        println!("Vigie is installed. `vigie status` tells whether this computer is protected.");
    }
    Ok(())
}

/// `vigie uninstall`.
pub(crate) fn uninstall(opts: &Options) -> Result<()> {
    check_root(opts, "uninstall")?;
    let mut sys = System::open(&opts.root, opts.dry_run)?;
    if !sys.installed() {
        println!("Vigie is not installed here: nothing to do.");
        return Ok(());
    }
    println!(
        "{} Vigie, putting back what was there before{}:",
        if opts.dry_run {
            "Would remove"
        } else {
            "Removing"
        },
        if opts.dry_run {
            " (dry run: nothing is changed)"
        } else {
            ""
        }
    );
    sys.undo_all()?;
    if !opts.dry_run {
        println!("Vigie is removed.");
    }
    Ok(())
}

/// Install and uninstall change system files: refuse early, and say how, unless only looking.
fn check_root(opts: &Options, verb: &str) -> Result<()> {
    if opts.dry_run || rustix::process::geteuid().is_root() {
        return Ok(());
    }
    bail!(
        "`vigie {verb}` changes system settings, so it must run as root (the administrator): try `sudo vigie {verb}`. `vigie {verb} --dry-run` shows what it would change without root"
    )
}

/// The root to install under: `--root DIR` made absolute (it must exist), or `/`.
pub(crate) fn root_dir(path: Option<PathBuf>) -> Result<PathBuf> {
    let root = path.unwrap_or_else(|| PathBuf::from("/"));
    let root = std::fs::canonicalize(&root)
        .with_context(|| format!("--root {}: no such folder", root.display()))?;
    Ok(root)
}
