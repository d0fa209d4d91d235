//! `vigie`: the filtering DNS service and its command line.
//!
//! This file only parses the command line, sets up logging and the runtime, and turns a fatal
//! error into a one-line reason and an exit code that says what failed.

mod api;
mod app;
mod blockpage;
mod cli;
mod dns;
mod fatal;
mod files;
mod install;
mod journal;
mod paths;
mod probe;
mod reload;
mod state;

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
        other => other,
    };
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
