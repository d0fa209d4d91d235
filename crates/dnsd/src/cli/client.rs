//! The `vigie` subcommands other than `run`: clients of the local API, nothing more.
//!
//! Each command calls the API; when the API says a parent is needed, the command asks for the
//! parent password (on the terminal, or one line of standard input when there is no terminal,
//! so scripts can pipe it), logs in for that one command and logs out after. A password is never
//! taken from the command line, where other users could read it in the process list.

use std::io::{BufRead, IsTerminal};

use anyhow::{Context, Result, anyhow, bail};
use time::OffsetDateTime;
use vigie_localapi::{AttemptQuery, Client, Error};

use crate::cli::{self, Command, EditAction, ListAction, PasswordAction};

/// Exit code when the service is not running.
const NOT_RUNNING: u8 = 3;

/// Runs a client command; returns the exit code.
pub(crate) async fn run(command: Command) -> u8 {
    match dispatch(command).await {
        Ok(()) => 0,
        Err(e) => {
            if let Some(api) = e.downcast_ref::<Error>()
                && matches!(api, Error::NotRunning { .. })
            {
                eprintln!("vigie: {api}");
                return NOT_RUNNING;
            }
            eprintln!("vigie: {e:#}");
            1
        }
    }
}

fn connect(args: &cli::Client) -> Result<Client> {
    let dir = vigie_localapi::runtime_dir(args.dev, args.runtime_dir.clone())?;
    Ok(Client::new(vigie_localapi::socket_path(&dir)))
}

/// Reads one secret: from the terminal without echo, or a line of standard input.
pub(crate) fn secret(prompt: &str) -> Result<String> {
    if std::io::stdin().is_terminal() {
        rpassword::prompt_password(prompt).context("cannot read the password")
    } else {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("cannot read the password")?;
        let line = line.trim_end_matches(['\n', '\r']).to_string();
        if line.is_empty() {
            bail!("no password on standard input");
        }
        Ok(line)
    }
}

/// Calls `f`; if a parent is needed, logs in with the password and calls it once more.
async fn as_parent<T, F, Fut>(client: &mut Client, f: F) -> Result<T>
where
    F: Fn(Client) -> Fut,
    Fut: std::future::Future<Output = Result<T, Error>>,
{
    match f(client.clone()).await {
        Err(Error::Api { status: 401, .. }) => {
            let password = secret("Parent password: ")?;
            client.login(&password).await?;
            let result = f(client.clone()).await;
            let _ = client.logout().await;
            Ok(result?)
        }
        other => Ok(other?),
    }
}

fn print_json<T: serde::Serialize>(value: &T) -> Result<()> {
    println!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}

fn when(t: OffsetDateTime) -> String {
    t.format(time::macros::format_description!(
        "[year]-[month]-[day] [hour]:[minute] UTC"
    ))
    .unwrap_or_default()
}

async fn dispatch(command: Command) -> Result<()> {
    match command {
        Command::Run(_) | Command::Install(_) | Command::Uninstall(_) | Command::Feed { .. } => {
            unreachable!("not a client command")
        }
        Command::Status(args) => status(&args).await,
        Command::Check { client: args, name } => {
            let mut c = connect(&args)?;
            let check = as_parent(&mut c, |c| {
                let name = name.clone();
                async move { c.check(&name).await }
            })
            .await?;
            if args.json {
                return print_json(&check);
            }
            match &check.normalized {
                Some(n) => println!("{n}: {}", check.explanation),
                None => println!("{}: {}", check.input, check.explanation),
            }
            Ok(())
        }
        Command::Sites {
            client: args,
            action,
        } => edit(&args, action, false).await,
        Command::Allow {
            client: args,
            action,
        } => edit(&args, action, true).await,
        Command::Lists {
            client: args,
            action,
        } => lists(&args, action).await,
        Command::Log {
            client: args,
            since,
            site,
            account,
            csv,
            limit,
        } => log(&args, since, site, account, csv, limit).await,
        Command::Pause {
            client: args,
            duration,
        } => {
            let minutes = parse_minutes(&duration)?;
            let mut c = connect(&args)?;
            let state = as_parent(&mut c, |c| async move { c.pause(minutes).await }).await?;
            if args.json {
                return print_json(&state);
            }
            if let Some(until) = state.paused_until {
                println!(
                    "Protection is paused until {}. It comes back by itself then, or now with `vigie resume`.",
                    when(until)
                );
            }
            Ok(())
        }
        Command::Resume(args) => {
            let mut c = connect(&args)?;
            let state = as_parent(&mut c, |c| async move { c.resume().await }).await?;
            if args.json {
                return print_json(&state);
            }
            println!("Protection is on.");
            Ok(())
        }
        Command::Password {
            client: args,
            action: PasswordAction::Set,
        } => password(&args).await,
        Command::Password {
            client: args,
            action: PasswordAction::Reset,
        } => reset_password(&args).await,
    }
}

/// The lines of `vigie status` about list feeds, when one fails or Vigie's own is off.
fn feeds_lines(feeds: &vigie_localapi::FeedsStatus) {
    use vigie_i18n::Lang;
    use vigie_localapi::{FeedState, Message};
    if feeds.failing > 0 {
        let names = if feeds.failing_names.is_empty() {
            Lang::En.render(&Message::new("status-feeds-names-hidden"))
        } else {
            feeds.failing_names.join(", ")
        };
        let m = Message::new("status-feeds-failing")
            .arg("count", feeds.failing)
            .arg("names", names);
        println!("{}", Lang::En.render(&m));
    }
    let id = match feeds.vigie_feed {
        FeedState::Off => "status-vigie-feed-off",
        FeedState::Failing => "status-vigie-feed-failing",
        FeedState::Ok | FeedState::Pending => return,
    };
    if let Some(reason) = &feeds.vigie_feed_reason {
        println!(
            "{}",
            Lang::En.render(&Message::new(id).arg("reason", reason.clone()))
        );
    }
}

async fn status(args: &cli::Client) -> Result<()> {
    let c = connect(args)?;
    let s = c.status().await?;
    if args.json {
        return print_json(&s);
    }
    match (s.paused, s.paused_until) {
        (_, Some(until)) => println!(
            "Protection is PAUSED until {} (a parent paused it).",
            when(until)
        ),
        (true, None) => println!("Protection is PAUSED (a parent paused it)."),
        (false, None) if !s.lists_off.is_empty() => println!(
            "This computer is only partly protected: {} domains are blocked, but these lists are OFF: {}.",
            s.domains,
            s.lists_off.join(", ")
        ),
        (false, None) => println!(
            "This computer is protected: {} domains are blocked.",
            s.domains
        ),
    }
    match s.system_dns_ok {
        Some(true) => println!("This computer's own lookups go through Vigie."),
        Some(false) => println!(
            "WARNING: this computer's own lookups do NOT reach Vigie, so sites are not blocked. Run `sudo vigie install` again, or see the README."
        ),
        None => {}
    }
    match s.redirect.as_deref() {
        Some("restored") => println!("The DNS redirect had been removed; it was put back."),
        Some("failed") | Some("stale") => println!(
            "WARNING: the DNS redirect is not in force, so a program with its own DNS server goes around Vigie. Run `sudo vigie install` again."
        ),
        _ => {}
    }
    if let Some(e) = &s.last_reload_error {
        println!("A configuration change was not applied (the previous one stays): {e}");
    }
    feeds_lines(&s.feeds);
    println!("Attempts to open blocked sites today: {}", s.attempts_today);
    if let Some(e) = &s.journal_error {
        println!("Attempts are not being recorded ({e}); blocking goes on.");
    }
    let upstreams = if s.upstreams.is_empty() {
        "no server yet (the network offers none)".to_string()
    } else {
        s.upstreams.join(", ")
    };
    println!(
        "DNS: {} → {}{}",
        s.listen.join(", "),
        upstreams,
        if s.upstream_mode == "network" {
            " (the network's servers, followed as it changes)"
        } else {
            ""
        }
    );
    if let Some(n) = &s.network_dns
        && s.upstream_mode == "chosen"
        && !n.servers.is_empty()
    {
        println!(
            "The network offers: {} (used if those fail)",
            n.servers.join(", ")
        );
    }
    if let Some(value) = &s.dnssec_in_front {
        println!(
            "systemd-resolved validates DNSSEC (DNSSEC={value} in its settings): it shows blocked sites as errors, without the block page or the notice. Set DNSSEC=no (or remove the setting that turned it on)."
        );
    }
    for u in s.upstream_servers.iter().filter(|u| u.state == "failing") {
        println!(
            "{} does not answer{}{}",
            u.address,
            u.failing_since
                .map(|t| format!(" since {}", t.time().to_string().get(..8).unwrap_or("")))
                .unwrap_or_default(),
            u.last_error
                .as_deref()
                .map(|e| format!(": {e}"))
                .unwrap_or_default()
        );
    }
    if s.upstream_ok == Some(false) {
        println!(
            "The upstream resolver did not answer lately: sites that are not blocked may not open."
        );
    }
    if !s.password_set {
        println!("No parent password is set yet: choose one with `vigie password set`.");
    }
    println!(
        "Version {}, running for {} min.",
        s.version,
        s.uptime_secs / 60
    );
    Ok(())
}

async fn edit(args: &cli::Client, action: EditAction, allow: bool) -> Result<()> {
    let mut c = connect(args)?;
    let what = if allow { "allowed" } else { "blocked" };
    match action {
        EditAction::List => {
            let list = as_parent(&mut c, |c| async move {
                if allow {
                    c.allowlist().await
                } else {
                    c.sites().await
                }
            })
            .await?;
            if args.json {
                return print_json(&list.value);
            }
            if list.value.sites.is_empty() {
                println!(
                    "No {what} sites of your own yet. Add one with `vigie {} add ADDRESS`.",
                    if allow { "allow" } else { "sites" }
                );
            }
            for site in &list.value.sites {
                println!("{}: {}", site.name, site.domains.join(", "));
            }
        }
        EditAction::Add { input, name } => {
            let added = as_parent(&mut c, |c| {
                let (input, name) = (input.clone(), name.clone());
                async move {
                    if allow {
                        c.allow(&input, name.as_deref()).await
                    } else {
                        c.add_site(&input, name.as_deref(), None).await
                    }
                }
            })
            .await?;
            if args.json {
                return print_json(&added);
            }
            println!(
                "{} is now {what} (site \"{}\"), in force now.",
                added.domain, added.site
            );
        }
        EditAction::Remove { domain } => {
            as_parent(&mut c, |c| {
                let domain = domain.clone();
                async move {
                    if allow {
                        c.unallow(&domain).await
                    } else {
                        c.remove_site(&domain, None).await
                    }
                }
            })
            .await?;
            if !args.json {
                println!("{domain} removed; in force now.");
            }
        }
    }
    Ok(())
}

async fn lists(args: &cli::Client, action: ListAction) -> Result<()> {
    let mut c = connect(args)?;
    let (id, enabled) = match action {
        ListAction::List => {
            let lists = as_parent(&mut c, |c| async move { c.lists().await }).await?;
            if args.json {
                return print_json(&lists);
            }
            for l in lists {
                let state = if l.enabled { "on " } else { "off" };
                let kind = if l.action == vigie_localapi::ListAction::Allow {
                    "allows"
                } else {
                    "blocks"
                };
                println!(
                    "{state} {:<16} {} — {kind} {} sites ({} domains)",
                    l.id, l.name, l.sites, l.domains
                );
            }
            return Ok(());
        }
        ListAction::Enable { id } => (id, true),
        ListAction::Disable { id } => (id, false),
    };
    let l = as_parent(&mut c, |c| {
        let id = id.clone();
        async move { c.set_list_enabled(&id, enabled).await }
    })
    .await?;
    if args.json {
        return print_json(&l);
    }
    println!(
        "{} is {}; in force now.",
        l.name,
        if l.enabled { "on" } else { "off" }
    );
    Ok(())
}

async fn log(
    args: &cli::Client,
    since: Option<String>,
    site: Option<String>,
    account: Option<String>,
    csv: bool,
    limit: u32,
) -> Result<()> {
    let mut c = connect(args)?;
    let from = since_date(since.as_deref().unwrap_or("7d"))?;
    let query = AttemptQuery {
        from: Some(from),
        site,
        account,
        limit: Some(limit.clamp(1, 1000)),
        ..AttemptQuery::default()
    };
    if csv {
        let text = as_parent(&mut c, |c| {
            let q = query.clone();
            async move { c.attempts_csv(&q).await }
        })
        .await?;
        print!("{text}");
        return Ok(());
    }
    let page = as_parent(&mut c, |c| {
        let q = query.clone();
        async move { c.attempts(&q).await }
    })
    .await?;
    if args.json {
        return print_json(&page);
    }
    if page.entries.is_empty() {
        println!("No attempts to open blocked sites in that time.");
    }
    for a in &page.entries {
        let via = a
            .cname
            .as_deref()
            .map(|c| format!(" via {c}"))
            .unwrap_or_default();
        println!(
            "{}  {:<20} {}{via}  {} ({}×)",
            when(a.time),
            a.site,
            a.name,
            who(a),
            a.count
        );
    }
    Ok(())
}

/// Who made an attempt, as a line of `vigie log` says it.
fn who(a: &vigie_localapi::Attempt) -> String {
    match (&a.account, a.local) {
        (Some(account), _) => {
            let program = a
                .program
                .as_deref()
                .map(|p| format!(", {p}"))
                .unwrap_or_default();
            format!("by {} (uid {}{program})", account.name, account.uid)
        }
        (None, true) => match &a.via {
            Some(stub) => format!("from this computer (through {stub})"),
            None => "from this computer".to_string(),
        },
        (None, false) => format!("from {}", a.client),
    }
}

async fn password(args: &cli::Client) -> Result<()> {
    let mut c = connect(args)?;
    let set = c.status().await?.password_set;
    let current = if set {
        Some(secret("Current parent password: ")?)
    } else {
        None
    };
    let new = secret("New parent password: ")?;
    if std::io::stdin().is_terminal() && secret("Once more: ")? != new {
        bail!("the two passwords differ; nothing was changed");
    }
    match current {
        None => {
            c.setup(&new).await?;
            let _ = c.logout().await;
            println!("The parent password is set.");
        }
        Some(current) => {
            c.login(&current).await?;
            c.change_password(&current, &new).await?;
            println!("The parent password is changed; every open parent session has ended.");
        }
    }
    Ok(())
}

async fn reset_password(args: &cli::Client) -> Result<()> {
    let c = connect(args)?;
    let new = secret("New parent password: ")?;
    if std::io::stdin().is_terminal() && secret("Once more: ")? != new {
        bail!("the two passwords differ; nothing was changed");
    }
    c.reset_password(&new).await?;
    println!("The parent password is reset; every open parent session has ended.");
    Ok(())
}

/// `30m`, `2h`, `1h30m`, `90` (minutes).
pub(crate) fn parse_minutes(text: &str) -> Result<u32> {
    let t = text.trim().to_ascii_lowercase();
    if let Ok(m) = t.parse::<u32>() {
        return Ok(m);
    }
    let mut total = 0u32;
    let mut number = String::new();
    for ch in t.chars() {
        match ch {
            '0'..='9' => number.push(ch),
            'h' | 'm' if !number.is_empty() => {
                let n: u32 = number
                    .parse()
                    .map_err(|_| anyhow!("\"{text}\" is too long"))?;
                total = total.saturating_add(if ch == 'h' { n.saturating_mul(60) } else { n });
                number.clear();
            }
            _ => bail!("\"{text}\" is not a duration: write it like 30m, 2h or 1h30m"),
        }
    }
    if !number.is_empty() || total == 0 {
        bail!("\"{text}\" is not a duration: write it like 30m, 2h or 1h30m");
    }
    Ok(total)
}

/// `7d`, `24h`, `today`, `2026-11-01` → the first day, `YYYY-MM-DD`.
fn since_date(text: &str) -> Result<String> {
    let today = OffsetDateTime::now_utc().date();
    let t = text.trim().to_ascii_lowercase();
    let days_back = if t == "today" {
        0
    } else if let Some(d) = t.strip_suffix('d') {
        d.parse::<i64>()
            .map_err(|_| anyhow!("--since {text}: write it like 7d, 24h or 2026-11-01"))?
    } else if let Some(h) = t.strip_suffix('h') {
        h.parse::<i64>()
            .map_err(|_| anyhow!("--since {text}: write it like 7d, 24h or 2026-11-01"))?
            / 24
    } else {
        return Ok(t);
    };
    Ok((today - time::Duration::days(days_back.clamp(0, 365))).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_minutes("30m").unwrap(), 30);
        assert_eq!(parse_minutes("2h").unwrap(), 120);
        assert_eq!(parse_minutes("1h30m").unwrap(), 90);
        assert_eq!(parse_minutes("45").unwrap(), 45);
        assert!(parse_minutes("soon").is_err());
        assert!(parse_minutes("30x").is_err());
        assert!(parse_minutes("h").is_err());
    }
}
