//! `vigie run`: puts the service together, starts it, and stops it cleanly.
//!
//! Start-up order matters: the policy is loaded before any socket is bound, so the first query
//! is already filtered; every listener is bound before anything is announced, so a bad address
//! fails the start with a reason instead of leaving a half-running service. A configuration that
//! does not load at start is reported, and the service runs with the shipped lists and default
//! settings rather than not at all: a broken hand edit must never leave a child's computer
//! unprotected after a reboot.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use anyhow::{Context, anyhow};
use arc_swap::ArcSwap;
use tokio::sync::watch;
use vigie_policy::{Origin, Policy, Settings, shipped_lists};

use crate::cli::RunArgs;
use crate::dns::cache::Cache;
use crate::dns::network;
use crate::dns::upstream::{self, Upstream};
use crate::dns::{front, pipeline};
use crate::fatal::Fatal;
use crate::journal::{Journal, journal_config};
use crate::paths::Paths;
use crate::probe::Probe;
use crate::state::{Generation, Overrides, ReloadState, Shared, Stats};
use crate::watchdog::{self, Watchdog};
use crate::{api, blockpage, reload};

/// Popular answers waiting to be refreshed ahead of their end.
const REFRESH_QUEUE: usize = 64;

/// Dev mode's unprivileged addresses.
const DEV_LISTEN: &str = "127.0.0.1:5353";
const DEV_BLOCK_PAGE: &str = "127.0.0.1:8053";

/// Runs until SIGINT or SIGTERM.
pub(crate) async fn run(args: RunArgs) -> Result<(), Fatal> {
    let paths = Paths::resolve(&args).map_err(Fatal::config)?;
    if args.dev {
        for dir in [&paths.config, &paths.data] {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create {}", dir.display()))
                .map_err(Fatal::config)?;
        }
    }

    let mut overrides = Overrides {
        listen: args.listen.clone(),
        upstream: args.upstream.clone(),
        block_page: args.block_page,
    };
    if args.dev {
        if overrides.listen.is_empty() {
            overrides.listen = vec![DEV_LISTEN.parse().expect("static address")];
        }
        overrides
            .block_page
            .get_or_insert(DEV_BLOCK_PAGE.parse().expect("static address"));
    }

    let feeds = crate::feeds::Feeds::new(
        paths.data.join("feeds"),
        crate::feeds::vigie::Source::new(args.feed_url.as_deref(), args.feed_public_key.as_deref())
            .map_err(Fatal::config)?,
        crate::feeds::schedule::Timing {
            every: args.feed_interval,
            timeout: args.feed_timeout.unwrap_or(crate::feeds::download::TIMEOUT),
        },
        paths.config.clone(),
        paths.journal(),
    );
    let (policy, reload_state) = initial_policy(&paths.config, feeds.dir());
    let mut policy = policy;
    policy.settings = overrides.apply(policy.settings);
    let settings = policy.settings.clone();

    // A parent's choice that loops back into Vigie cannot work: refuse to start on it. With no
    // choice, the network's servers are used, and none at all (no network yet) is not fatal:
    // blocking works without them, and they are picked up as soon as the network offers some.
    upstream::refuse_loops(&settings.upstreams, &settings.listen).map_err(Fatal::upstream)?;
    // `--upstream` means those servers and no others (tests, an administrator's check).
    let sources = if !args.network_dns_from.is_empty() {
        network::Sources::given(&args.network_dns_from)
    } else if !args.upstream.is_empty() {
        network::Sources::given(&[])
    } else {
        network::Sources::system()
    };
    let offer = sources.read(&settings.listen);

    let mut bound = Vec::new();
    for addr in &settings.listen {
        // An address this computer does not have (`[::1]` with IPv6 turned off) is skipped,
        // saying so: the service must still start on the others. Any other failure (a port in
        // use, no permission) stops the start, since the computer's DNS points there.
        if let Some(why) = missing_address(*addr) {
            eprintln!("warning: not listening on {addr}: {why}");
            continue;
        }
        bound.push((*addr, front::bind(*addr).await.map_err(Fatal::bind)?));
    }
    if bound.is_empty() {
        return Err(Fatal::bind(anyhow!(
            "none of the listen addresses ({}) exists on this computer",
            settings
                .listen
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    let socket = vigie_localapi::socket_path(&paths.runtime);
    let api_listener = api::bind(&socket).await.map_err(Fatal::bind)?;

    let journal = Journal::start(journal_config(&paths.journal(), &settings));
    let (refresh_tx, refresh_rx) = tokio::sync::mpsc::channel(REFRESH_QUEUE);
    let upstream = Upstream::new(&settings.upstreams, &offer, None).map_err(Fatal::upstream)?;
    let shared = Arc::new(Shared {
        generation: ArcSwap::from_pointee(Generation { number: 1, policy }),
        cache: Cache::new(&settings.cache),
        upstream: ArcSwap::from_pointee(upstream),
        journal,
        stats: Stats::default(),
        reload: Mutex::new(reload_state),
        reloading: tokio::sync::Mutex::new(()),
        overrides,
        started: Instant::now(),
        paused_until: Default::default(),
        pause_ends_ms: Default::default(),
        probe: Arc::new(Probe::new(args.probe_system_dns)),
        network: Mutex::new((offer, crate::clock::since_boot())),
        refresh: refresh_tx,
        owners: Default::default(),
        changes: Default::default(),
        feeds,
    });
    tokio::spawn(pipeline::refresh(shared.clone(), refresh_rx));

    let (stop_tx, stop_rx) = watch::channel(false);
    let watchdog = Watchdog::from_env();
    tokio::spawn(watchdog::runtime_heart(watchdog.heart("async runtime")));
    let listening: Vec<SocketAddr> = bound.iter().map(|(addr, _)| *addr).collect();
    let mut udp = Vec::new();
    for (_, b) in bound {
        udp.push(tokio::spawn(front::serve_udp(
            shared.clone(),
            b.udp,
            watchdog.heart("udp thread"),
            stop_rx.clone(),
        )));
        tokio::spawn(front::serve_tcp(shared.clone(), b.tcp, stop_rx.clone()));
    }
    api::serve(
        shared.clone(),
        api_listener,
        socket.clone(),
        paths.config.clone(),
        &paths.data,
        paths.journal(),
        stop_rx.clone(),
    );
    let page = blockpage::start(shared.clone(), settings.block_page, stop_rx.clone()).await;
    if let Err(e) = &page {
        tracing::warn!("{e:#}; DNS blocking works without it");
    }
    let _watcher = match reload::watch(
        shared.clone(),
        paths.config.clone(),
        paths.journal(),
        stop_rx.clone(),
    ) {
        Ok(w) => Some(w),
        Err(e) => {
            tracing::warn!(
                "cannot watch {} for changes ({e}); restart Vigie to apply edits",
                paths.config.display()
            );
            None
        }
    };

    let (offers_tx, mut offers) = watch::channel(network::Offer::default());
    network::follow(sources, settings.listen.clone(), offers_tx, stop_rx.clone());
    {
        let shared = shared.clone();
        tokio::spawn(async move {
            loop {
                let offer = offers.borrow_and_update().clone();
                // The first offer is usually the one read at start.
                if offer != shared.network.lock().expect("network offer").0 {
                    shared.network_changed(offer);
                }
                if offers.changed().await.is_err() {
                    return;
                }
            }
        });
    }

    // The copies kept are in force already; the first checks run in the background.
    crate::feeds::start(shared.clone(), stop_rx.clone());
    if args.probe_system_dns {
        tokio::spawn(Arc::clone(&shared.probe).run(stop_rx.clone()));
    }
    banner(&shared, &settings, &listening, &paths, page.is_ok());
    println!("  local API: {}", socket.display());
    // Every listener is bound and the API serves: systemd may start what waits for DNS.
    watchdog.ready();

    wait_for_signal().await.map_err(Fatal::runtime)?;
    tracing::info!("stopping");
    watchdog.stopping();
    let _ = stop_tx.send(true);
    // The UDP threads hand their last attempts to the journal as they end.
    for thread in udp {
        let _ = thread.await;
    }
    shared.journal.shutdown().await;
    summary(&shared);
    println!("Vigie stopped.");
    Ok(())
}

/// Why `addr` cannot be listened on at all here (its address or its family does not exist), or
/// `None` when it can be tried.
fn missing_address(addr: SocketAddr) -> Option<std::io::Error> {
    match std::net::UdpSocket::bind((addr.ip(), 0)) {
        Ok(_) => None,
        Err(e)
            if matches!(
                e.kind(),
                std::io::ErrorKind::AddrNotAvailable | std::io::ErrorKind::Unsupported
            ) || e.raw_os_error() == Some(97) =>
        {
            // 97 is EAFNOSUPPORT: IPv6 turned off on the kernel's command line.
            Some(e)
        }
        Err(_) => None,
    }
}

/// The policy of the config directory, or the shipped lists with default settings when it does
/// not load (the error is kept for status).
fn initial_policy(config: &Path, feeds: &Path) -> (Policy, ReloadState) {
    match Policy::load_with(config, Some(feeds)) {
        Ok(loaded) => {
            let warnings: Vec<String> = loaded.warnings.iter().map(ToString::to_string).collect();
            for w in &warnings {
                tracing::warn!("{w}");
            }
            (
                loaded.policy,
                ReloadState {
                    last_error: None,
                    last_error_message: None,
                    warnings,
                },
            )
        }
        Err(e) => {
            eprintln!(
                "warning: the configuration in {} did not load: {e}",
                config.display()
            );
            eprintln!(
                "warning: running with the shipped lists and default settings until it is fixed"
            );
            let lists = shipped_lists().expect("the shipped lists are tested to parse");
            let lists = lists.into_iter().map(|l| (l, Origin::Shipped)).collect();
            let policy = Policy::compile(Settings::default(), lists);
            (
                policy,
                ReloadState {
                    last_error: Some(e.to_string()),
                    last_error_message: Some(e.message()),
                    warnings: vec![],
                },
            )
        }
    }
}

fn banner(
    shared: &Shared,
    settings: &Settings,
    listening: &[SocketAddr],
    paths: &Paths,
    page: bool,
) {
    let generation = shared.current();
    let policy = &generation.policy;
    let listen: Vec<String> = listening.iter().map(SocketAddr::to_string).collect();
    println!(
        "Vigie is filtering DNS on {} (UDP and TCP).",
        listen.join(", ")
    );
    for list in &policy.lists {
        let l = &list.file;
        let domains = list.domains;
        println!(
            "  list {:<16} {:>4} sites {:>5} domains  {}",
            l.list.id,
            l.sites.len(),
            domains,
            if list.enabled { "on" } else { "off" }
        );
    }
    println!("  {} domains enforced.", policy.matcher.len());
    let upstream = shared.upstream.load();
    if upstream.is_empty() {
        println!("  upstream: none yet (the network offers no DNS server; blocking works)");
    } else {
        let network = settings.upstreams.is_empty();
        println!(
            "  upstream: {}{}",
            upstream.describe().join(", "),
            if network {
                " (the network's, followed as it changes)"
            } else {
                ""
            }
        );
    }
    if page {
        println!("  block page: http://{}/", settings.block_page);
    }
    println!("  config: {}", paths.config.display());
    println!("  journal: {}", paths.journal().display());
    if let Some(e) = &shared.reload.lock().expect("reload state").last_error {
        println!("  configuration problem (previous settings kept): {e}");
    }
}

/// A last line on what the service did, for the logs.
fn summary(shared: &Shared) {
    use std::sync::atomic::Ordering::Relaxed;
    let s = &shared.stats;
    let j = shared.journal.stats();
    tracing::info!(
        uptime_secs = shared.started.elapsed().as_secs(),
        queries = s.queries.load(Relaxed),
        blocked = s.blocked.load(Relaxed),
        special = s.special.load(Relaxed),
        cache_hits = s.cache_hits.load(Relaxed),
        forwarded = s.forwarded.load(Relaxed),
        servfail = s.servfail.load(Relaxed),
        malformed = s.malformed.load(Relaxed),
        cached_answers = shared.cache.len(),
        attempts_journaled = j.entries_written,
        journal_write_errors = j.write_errors,
        journal_dropped = j.dropped,
        "service totals"
    );
    if let Some(e) = j.last_error {
        tracing::warn!("journal: {e}");
    }
}

async fn wait_for_signal() -> anyhow::Result<()> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut term =
        signal(SignalKind::terminate()).map_err(|e| anyhow!("cannot watch SIGTERM: {e}"))?;
    let mut int =
        signal(SignalKind::interrupt()).map_err(|e| anyhow!("cannot watch SIGINT: {e}"))?;
    tokio::select! {
        _ = term.recv() => {}
        _ = int.recv() => {}
    }
    Ok(())
}
