//! `vigie`: the filtering DNS service and its command line.
//!
//! This file only parses the command line, sets up logging and the runtime, and turns a fatal
//! error into a one-line reason and an exit code that says what failed.

mod api;
mod app;
mod blockpage;
mod cli;
mod clock;
mod dns;
mod dnssec;
mod fatal;
mod feeds;
mod files;
mod install;
mod journal;
mod owner;
mod paths;
mod probe;
mod reload;
mod shares;
mod state;
mod watchdog;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("VIGIE_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();

    let command = match cli.command {
        cli::Command::Install(args) => {
            return system_change(
                install_options(
                    args.root,
                    args.dry_run,
                    args.upstream,
                    args.redirect,
                    args.parent,
                ),
                install::install,
            );
        }
        cli::Command::Uninstall(args) => {
            return system_change(
                install_options(
                    args.root,
                    args.dry_run,
                    vec![],
                    install::Redirect::Off,
                    vec![],
                ),
                install::uninstall,
            );
        }
        cli::Command::Feed { action } => return ExitCode::from(cli::feed::run(action)),
        other => other,
    };
    if matches!(command, cli::Command::Run(_)) {
        give_big_blocks_back();
        stop_on_any_panic();
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("vigie: cannot start: {e}");
            return ExitCode::from(1);
        }
    };
    let result = match command {
        cli::Command::Run(args) => runtime.block_on(app::run(args)),
        other => return ExitCode::from(runtime.block_on(cli::client::run(other))),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(fatal) => {
            eprintln!("vigie: {:#}", fatal.error);
            ExitCode::from(fatal.code)
        }
    }
}

fn install_options(
    root: Option<std::path::PathBuf>,
    dry_run: bool,
    upstreams: Vec<std::net::SocketAddr>,
    redirect: install::Redirect,
    parents: Vec<String>,
) -> anyhow::Result<install::Options> {
    Ok(install::Options {
        root: install::root_dir(root)?,
        dry_run,
        upstreams,
        redirect,
        parents,
    })
}

/// Install and uninstall: no runtime needed; any failure is one reason and exit code 1.
fn system_change(
    opts: anyhow::Result<install::Options>,
    f: fn(&install::Options) -> anyhow::Result<()>,
) -> ExitCode {
    match opts.and_then(|o| f(&o)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("vigie: {e:#}");
            ExitCode::from(1)
        }
    }
}

/// glibc's allocator raises its mmap threshold to the size of the largest block freed, so after
/// the first password check (argon2 takes ~19 MiB) every later one is carved from the heap and
/// kept there: a burst of logins left the service tens of MiB larger for good. A fixed threshold
/// makes every big block a mapping of its own, returned to the system when freed. glibc reads it
/// only at start, from the environment, so the service starts itself again with it set (the
/// installed unit sets it already, and then nothing happens here).
fn give_big_blocks_back() {
    const VAR: &str = "MALLOC_MMAP_THRESHOLD_";
    if std::env::var_os(VAR).is_some() {
        return;
    }
    let Ok(exe) = std::env::current_exe() else {
        return;
    };
    use std::os::unix::process::CommandExt;
    let error = std::process::Command::new(exe)
        .args(std::env::args_os().skip(1))
        .env(VAR, "131072")
        .exec();
    // Only reached if the exec failed: run on as we are.
    tracing::debug!("could not restart with a fixed mmap threshold: {error}");
}

/// A panic in any worker (a UDP thread, a task) ends the whole service with exit code 70, so
/// systemd restarts it (`Restart=always`): a half-alive service, answering TCP but not UDP, say,
/// would look healthy to systemd while the computer had no DNS.
fn stop_on_any_panic() {
    let report = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        report(info);
        eprintln!("vigie: a part of the service failed; stopping so that it is started again");
        std::process::exit(70);
    }));
}
