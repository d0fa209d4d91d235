//! Checks names against the shipped lists (and, with `--config-dir DIR`, a config directory):
//! `cargo run -p vigie-policy --example check -- https://www.Omegle.com/chat example.org`.
//!
//! A stand-in for `vigie check` until the resolver service exists; it uses the same loader.

use std::path::PathBuf;
use std::process::ExitCode;

use vigie_policy::{Decision, Domain, Policy};

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut config_dir = PathBuf::from("/nonexistent-vigie-config");
    if let Some(i) = args.iter().position(|a| a == "--config-dir") {
        if i + 1 >= args.len() {
            eprintln!("--config-dir needs a folder");
            return ExitCode::from(2);
        }
        config_dir = PathBuf::from(args.remove(i + 1));
        args.remove(i);
    }
    if args.is_empty() {
        eprintln!("usage: check [--config-dir DIR] NAME...");
        return ExitCode::from(2);
    }
    let loaded = match Policy::load(&config_dir) {
        Ok(loaded) => loaded,
        Err(e) => {
            eprintln!("the policy did not load: {e}");
            return ExitCode::FAILURE;
        }
    };
    for w in &loaded.warnings {
        eprintln!("warning: {w}");
    }
    let policy = loaded.policy;
    let lists: Vec<String> = policy
        .lists
        .iter()
        .filter(|l| l.enabled)
        .map(|l| format!("{} ({} sites)", l.file.list.id, l.file.sites.len()))
        .collect();
    println!("{} domains from {}", policy.matcher.len(), lists.join(", "));
    let mut status = ExitCode::SUCCESS;
    for arg in &args {
        let domain = match Domain::parse(arg) {
            Ok(d) => d,
            Err(e) => {
                println!("{arg}: refused: {e}");
                status = ExitCode::FAILURE;
                continue;
            }
        };
        match policy.matcher.decide(domain.as_str()) {
            Decision::Blocked(r) => println!(
                "{domain}: blocked — site \"{}\" in list \"{}\" (rule {})",
                r.site, r.list.id, r.rule
            ),
            Decision::Allowed(r) => {
                println!(
                    "{domain}: allowed — \"{}\" in list \"{}\" (rule {})",
                    r.site, r.list.id, r.rule
                )
            }
            Decision::Unlisted => println!("{domain}: not listed — answered normally"),
        }
    }
    status
}
