//! `settings.toml`: how the service listens, where it forwards, how it blocks and what it keeps.
//!
//! Two forms, as in ripgrep's flags: [`RawSettings`] is what the file says (every field optional,
//! each default documented on the field, unknown fields refused by name), and [`Settings`] is
//! the validated, typed form the service runs on. [`RawSettings::validate`] reports every
//! problem it finds, each naming the field and saying what would be right. A missing file means
//! every default; an empty file is the same.
//!
//! ```toml
//! listen = ["127.0.0.1:53", "[::1]:53"]
//!
//! [[upstream]]                     # none: the resolvers this computer used before Vigie
//! address = "9.9.9.9"
//! protocol = "tls"                 # udp (with TCP fallback), tcp, tls or https
//! server-name = "dns.quad9.net"    # required for tls and https
//!
//! [blocking]
//! mode = "blockpage"               # blockpage, null or nxdomain
//! address = "127.0.0.88"
//! ttl = 10
//!
//! [lists]
//! stranger-chat = true
//! dns-bypass = true
//!
//! [console]
//! language = "auto"                # auto (the session's language), fr or en
//!
//! [[subscription]]                 # a list downloaded by URL and kept up to date
//! name = "Community random-chat list"
//! url = "https://example.org/randomchat.txt"
//! format = "auto"                  # auto, hosts, domains, adblock or vigie
//! refresh = "24h"                  # at least 1h
//!
//! [feed]                           # Vigie's own signed feed of the stranger-chat list
//! enabled = true
//! ```

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::Path;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::Error;
use crate::error::reasons;

/// Settings as written in `settings.toml`. Every field has a default.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawSettings {
    /// Addresses the DNS front end listens on, UDP and TCP.
    /// Default: `["127.0.0.1:53", "[::1]:53"]`.
    pub listen: Vec<String>,
    /// Where allowed lookups go. Default: none, meaning the resolvers this computer used before
    /// Vigie (from `/etc/resolv.conf`, skipping Vigie's own addresses).
    pub upstream: Vec<RawUpstream>,
    /// How blocked lookups are answered.
    pub blocking: RawBlocking,
    /// The answer cache.
    pub cache: RawCache,
    /// The attempt journal.
    pub journal: RawJournal,
    /// Shipped or parent lists turned on (`true`) or off (`false`) by id. A list not named here
    /// follows its own `enabled-by-default`. Default: empty.
    pub lists: BTreeMap<String, bool>,
    /// Users treated as parents.
    pub parents: RawParents,
    /// Notices shown to the person at the computer.
    pub notices: RawNotices,
    /// The parent's console.
    pub console: RawConsole,
    /// Lists downloaded by URL and kept up to date (`[[subscription]]`). Default: none; at
    /// most [`MAX_SUBSCRIPTIONS`].
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub subscription: Vec<RawSubscription>,
    /// Vigie's own signed feed of the `stranger-chat` list.
    pub feed: RawFeed,
}

impl Default for RawSettings {
    fn default() -> Self {
        RawSettings {
            listen: vec!["127.0.0.1:53".into(), "[::1]:53".into()],
            upstream: Vec::new(),
            blocking: RawBlocking::default(),
            cache: RawCache::default(),
            journal: RawJournal::default(),
            lists: BTreeMap::new(),
            parents: RawParents::default(),
            notices: RawNotices::default(),
            console: RawConsole::default(),
            subscription: Vec::new(),
            feed: RawFeed::default(),
        }
    }
}

/// One upstream resolver.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawUpstream {
    /// IP address, with an optional port: `9.9.9.9`, `9.9.9.9:853`, `[2620:fe::fe]:853`.
    /// Required. Default port: 53 for udp and tcp, 853 for tls, 443 for https.
    pub address: String,
    /// `udp` (with TCP when an answer is truncated), `tcp`, `tls` or `https`. Default: `udp`.
    #[serde(default = "udp")]
    pub protocol: Protocol,
    /// The name on the server's certificate. Required for `tls` and `https`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_name: Option<String>,
    /// The query path for `https`. Default: `/dns-query`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
}

fn udp() -> Protocol {
    Protocol::Udp
}

/// Transport to an upstream resolver.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Protocol {
    /// Plain DNS over UDP, retried over TCP when truncated.
    Udp,
    /// Plain DNS over TCP.
    Tcp,
    /// DNS over TLS (RFC 7858).
    Tls,
    /// DNS over HTTPS (RFC 8484).
    Https,
}

impl Protocol {
    fn default_port(self) -> u16 {
        match self {
            Protocol::Udp | Protocol::Tcp => 53,
            Protocol::Tls => 853,
            Protocol::Https => 443,
        }
    }
}

/// At most this many `[[subscription]]` entries: each is a download and a list in memory.
pub const MAX_SUBSCRIPTIONS: usize = 32;
/// A subscription's name: 1 to this many characters.
pub const MAX_SUBSCRIPTION_NAME: usize = 80;
/// A feed's URL: at most this many bytes.
pub const MAX_FEED_URL: usize = 2048;
/// A subscription is checked at most this often.
pub const MIN_REFRESH: Duration = Duration::from_secs(3600);
/// How often a subscription is checked when it does not say.
pub const DEFAULT_REFRESH: Duration = Duration::from_secs(24 * 3600);

/// One `[[subscription]]`: a list downloaded from `url` and checked every `refresh`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawSubscription {
    /// The name parents see, 1 to 80 characters. Required.
    pub name: String,
    /// Where the list is downloaded from: `http://` or `https://`, no user name or password,
    /// at most 2048 bytes. Required.
    pub url: String,
    /// How its text is read. Default: `auto`.
    #[serde(default)]
    pub format: FeedFormat,
    /// How often it is checked: a duration such as `24h`, `90m`, `2d` or `1h30m`. Default:
    /// `24h`. At least `1h`.
    #[serde(default = "default_refresh")]
    pub refresh: String,
    /// Whether its list is in force. Default: true.
    #[serde(default = "yes")]
    pub enabled: bool,
}

fn default_refresh() -> String {
    "24h".into()
}

fn yes() -> bool {
    true
}

/// `[feed]`: Vigie's own signed feed of the `stranger-chat` list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawFeed {
    /// Whether the feed is checked. Default: true (it is off anyway when the build names no
    /// feed).
    pub enabled: bool,
    /// A mirror to download it from instead of the URL named at build time; it is still
    /// checked against the key named at build time. Default: none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

impl Default for RawFeed {
    fn default() -> Self {
        RawFeed {
            enabled: true,
            url: None,
        }
    }
}

/// A validated `[[subscription]]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscription {
    /// `sub-` and the first 12 hex digits of the SHA-256 of the URL: stable while the URL
    /// stays, and the id of the list it yields.
    pub id: String,
    /// The name parents see.
    pub name: String,
    /// The URL, as written.
    pub url: String,
    /// How its text is read.
    pub format: FeedFormat,
    /// How often it is checked.
    pub refresh: Duration,
    /// Whether its list is in force.
    pub enabled: bool,
}

/// The validated `[feed]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedSettings {
    /// Checked at all.
    pub enabled: bool,
    /// A mirror instead of the built-in URL.
    pub url: Option<String>,
}

/// The id of the subscription to `url`: `sub-` and the first 12 hex digits of its SHA-256.
pub fn subscription_id(url: &str) -> String {
    use sha2::Digest;
    let hash = sha2::Sha256::digest(url.as_bytes());
    let mut id = String::from("sub-");
    for b in &hash[..6] {
        id.push_str(&format!("{b:02x}"));
    }
    id
}

/// Reads a duration written as one or more `<number><unit>` groups (`s`, `m`, `h`, `d`):
/// `24h`, `90m`, `2d`, `1h30m`. `None` for anything else (no unit, an unknown unit, zero groups,
/// an overflow).
pub fn parse_duration(text: &str) -> Option<Duration> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    let mut total: u64 = 0;
    let mut number: Option<u64> = None;
    for c in text.chars() {
        if let Some(d) = c.to_digit(10) {
            number = Some(
                number
                    .unwrap_or(0)
                    .checked_mul(10)?
                    .checked_add(u64::from(d))?,
            );
            continue;
        }
        let unit = match c {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86_400,
            _ => return None,
        };
        total = total.checked_add(number.take()?.checked_mul(unit)?)?;
    }
    if number.is_some() {
        return None; // digits without a unit at the end
    }
    Some(Duration::from_secs(total))
}

/// Writes a duration the way [`parse_duration`] reads it, largest units first (`1d2h`, `90m`
/// stays `1h30m`).
pub fn format_duration(d: Duration) -> String {
    let mut secs = d.as_secs();
    if secs == 0 {
        return "0s".into();
    }
    let mut out = String::new();
    for (unit, size) in [('d', 86_400), ('h', 3600), ('m', 60), ('s', 1)] {
        if secs >= size {
            out.push_str(&format!("{}{unit}", secs / size));
            secs %= size;
        }
    }
    out
}

/// Why `url` cannot be a feed's address, as the English words of a reason; `None` when it can.
pub fn check_feed_url(url: &str) -> Option<String> {
    if url.len() > MAX_FEED_URL {
        return Some(reasons::text(
            "setting-error-feed-url-long",
            &[("max", MAX_FEED_URL.to_string())],
        ));
    }
    let bad = || {
        reasons::text(
            "setting-error-feed-url",
            &[("url", url.chars().take(200).collect())],
        )
    };
    let Ok(parsed) = url::Url::parse(url.trim()) else {
        return Some(bad());
    };
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none_or(str::is_empty) {
        return Some(bad());
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Some(reasons::text("setting-error-feed-url-credentials", &[]));
    }
    None
}

/// The format of a subscribed list (`format = "…"` of a `[[subscription]]`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FeedFormat {
    /// Guessed from the downloaded text: a Vigie list (TOML with a `[list]` table), else a
    /// hosts file, plain domains or adblock rules (see `import::Format::detect`).
    #[default]
    Auto,
    /// A hosts file.
    Hosts,
    /// One domain per line.
    Domains,
    /// Adblock `||domain^` rules.
    Adblock,
    /// Vigie's own TOML list format.
    Vigie,
}

impl FeedFormat {
    /// The word used in files and on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            FeedFormat::Auto => "auto",
            FeedFormat::Hosts => "hosts",
            FeedFormat::Domains => "domains",
            FeedFormat::Adblock => "adblock",
            FeedFormat::Vigie => "vigie",
        }
    }
}

/// How a blocked lookup is answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum BlockMode {
    /// A → the block address, where the block page explains; AAAA and other types: no data.
    Blockpage,
    /// A → 0.0.0.0, AAAA → `::`; other types: no data.
    Null,
    /// The name does not exist.
    Nxdomain,
}

/// `[blocking]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawBlocking {
    /// `blockpage`, `null` or `nxdomain`. Default: `blockpage`.
    pub mode: BlockMode,
    /// IPv4 address that blocked names point to in `blockpage` mode, where the block page
    /// listens. Default: `127.0.0.88`.
    pub address: String,
    /// Where the block page's HTTP server listens. Default: the block address, port 80.
    pub page_listen: Option<String>,
    /// TTL in seconds of blocked answers: short, so an unblock takes effect quickly.
    /// Default: 10. Range: 0 to 3600.
    pub ttl: u32,
}

impl Default for RawBlocking {
    fn default() -> Self {
        RawBlocking {
            mode: BlockMode::Blockpage,
            address: "127.0.0.88".into(),
            page_listen: None,
            ttl: 10,
        }
    }
}

/// `[cache]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawCache {
    /// Most answers kept. 0 turns the cache off. Default: 10000. Range: 0 to 1000000.
    pub max_entries: u32,
    /// Answers are kept at least this many seconds. Default: 0.
    pub min_ttl: u32,
    /// Answers are kept at most this many seconds. Default: 86400 (a day).
    pub max_ttl: u32,
    /// "No such name" and "no data" answers are kept at most this many seconds. Default: 300.
    pub max_negative_ttl: u32,
}

impl Default for RawCache {
    fn default() -> Self {
        RawCache {
            max_entries: 10_000,
            min_ttl: 0,
            max_ttl: 86_400,
            max_negative_ttl: 300,
        }
    }
}

/// `[journal]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawJournal {
    /// Days of attempts kept. Default: 90. Range: 1 to 3650.
    pub retention_days: u32,
    /// Most disk space the journal may use, in MiB; the oldest days go first. Default: 64.
    /// Range: 1 to 10240.
    pub max_size_mb: u32,
    /// Lookups from one device for one site within this many seconds count as one attempt.
    /// Default: 60. Range: 1 to 3600.
    pub merge_window_secs: u32,
}

impl Default for RawJournal {
    fn default() -> Self {
        RawJournal {
            retention_days: 90,
            max_size_mb: 64,
            merge_window_secs: 60,
        }
    }
}

/// `[parents]`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawParents {
    /// User ids treated as parents without a password (their local API requests are trusted by
    /// the socket's peer credentials). Default: none. Root is not implied: an administrator can
    /// edit the files directly, and listing 0 here is a choice to make on purpose.
    pub uids: Vec<u32>,
}

/// `[notices]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawNotices {
    /// Show a notice on the desktop when a site is blocked. Default: true.
    pub enabled: bool,
}

impl Default for RawNotices {
    fn default() -> Self {
        RawNotices { enabled: true }
    }
}

/// `[console]`: the parent's console window on this computer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawConsole {
    /// The console's language: `auto` (the language of the parent's desktop session), `fr` or
    /// `en`. Default: `auto`. It is a choice for this computer, kept with the other settings so
    /// that every parent account sees the same.
    pub language: String,
}

impl Default for RawConsole {
    fn default() -> Self {
        RawConsole {
            language: "auto".into(),
        }
    }
}

/// The console's language, validated from `[console] language`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ConsoleLanguage {
    /// The language of the parent's desktop session.
    #[default]
    Auto,
    /// French.
    Fr,
    /// English.
    En,
}

impl ConsoleLanguage {
    /// The spelling in `settings.toml`.
    pub fn as_str(self) -> &'static str {
        match self {
            ConsoleLanguage::Auto => "auto",
            ConsoleLanguage::Fr => "fr",
            ConsoleLanguage::En => "en",
        }
    }
}

/// A validated upstream resolver.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upstream {
    /// Address and port.
    pub address: SocketAddr,
    /// Transport.
    pub protocol: Protocol,
    /// Certificate name for `tls` and `https`.
    pub server_name: Option<String>,
    /// Query path for `https`.
    pub path: String,
}

/// Validated settings. See [`RawSettings`] for what each field means and its default.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// DNS listen addresses.
    pub listen: Vec<SocketAddr>,
    /// Upstreams; empty means the system's previous resolvers.
    pub upstreams: Vec<Upstream>,
    /// Block mode.
    pub block_mode: BlockMode,
    /// Address of A answers in `blockpage` mode.
    pub block_address: Ipv4Addr,
    /// Where the block page listens.
    pub block_page: SocketAddr,
    /// TTL of blocked answers.
    pub block_ttl: u32,
    /// Cache bounds.
    pub cache: CacheBounds,
    /// Journal bounds.
    pub journal: JournalBounds,
    /// Lists turned on or off by id.
    pub lists: BTreeMap<String, bool>,
    /// Parent uids.
    pub parent_uids: Vec<u32>,
    /// Desktop notices on.
    pub notices: bool,
    /// The console's language.
    pub console_language: ConsoleLanguage,
    /// Lists downloaded by URL, in the file's order.
    pub subscriptions: Vec<Subscription>,
    /// Vigie's own feed.
    pub feed: FeedSettings,
}

/// The answer cache's bounds, validated. TTLs stay in seconds: they are DNS TTLs, compared
/// with the upstream's own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CacheBounds {
    /// Most answers kept; 0 turns the cache off.
    pub max_entries: usize,
    /// Answers are kept at least this many seconds.
    pub min_ttl: u32,
    /// Answers are kept at most this many seconds.
    pub max_ttl: u32,
    /// Negative answers are kept at most this many seconds.
    pub max_negative_ttl: u32,
}

/// The attempt journal's bounds, validated into a duration and a byte count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JournalBounds {
    /// Calendar days kept, today included (at least 1).
    pub retention_days: u32,
    /// Most bytes the day files may take together.
    pub max_bytes: u64,
    /// Lookups from one device for one site within this time count as one attempt.
    pub merge_window: Duration,
}

impl Default for Settings {
    fn default() -> Self {
        RawSettings::default()
            .validate(Path::new("settings.toml"))
            .expect("defaults are valid")
    }
}

impl RawSettings {
    /// Parses `settings.toml` text; `file` labels the errors.
    pub fn parse(text: &str, file: &Path) -> Result<RawSettings, Error> {
        toml::from_str(text).map_err(|e| crate::list::syntax(file, text, &e))
    }

    /// The file's text, for writing back.
    pub fn to_toml(&self) -> String {
        toml::to_string_pretty(self).expect("settings always serialize")
    }

    /// Checks every field; reports all problems at once.
    pub fn validate(&self, file: &Path) -> Result<Settings, Error> {
        let mut problems = Vec::new();
        let mut problem = |field: &str, reason: String| {
            problems.push(Error::Setting {
                file: file.into(),
                field: field.into(),
                reason,
            });
        };

        let mut listen = Vec::new();
        for text in &self.listen {
            match text.parse::<SocketAddr>() {
                Ok(a) => listen.push(a),
                Err(_) => problem(
                    "listen",
                    reasons::text("setting-error-listen-address", &[("text", text.clone())]),
                ),
            }
        }
        if self.listen.is_empty() {
            problem("listen", reasons::text("setting-error-listen-empty", &[]));
        }

        let mut upstreams = Vec::new();
        for (i, raw) in self.upstream.iter().enumerate() {
            let field = format!("upstream[{i}]");
            let Some(address) = parse_addr(&raw.address, raw.protocol.default_port()) else {
                problem(
                    &format!("{field}.address"),
                    reasons::text(
                        "setting-error-upstream-address",
                        &[("address", raw.address.clone())],
                    ),
                );
                continue;
            };
            let needs_name = matches!(raw.protocol, Protocol::Tls | Protocol::Https);
            if needs_name
                && raw.server_name.as_deref().is_none_or(|n| {
                    crate::Domain::parse(n).is_err() && n.parse::<IpAddr>().is_err()
                })
            {
                problem(
                    &format!("{field}.server-name"),
                    reasons::text("setting-error-server-name", &[]),
                );
            }
            let path = raw.path.clone().unwrap_or_else(|| "/dns-query".into());
            if !path.starts_with('/') {
                problem(
                    &format!("{field}.path"),
                    reasons::text("setting-error-path", &[("path", path.clone())]),
                );
            }
            upstreams.push(Upstream {
                address,
                protocol: raw.protocol,
                server_name: raw.server_name.clone(),
                path,
            });
        }

        let block_address = match self.blocking.address.parse::<Ipv4Addr>() {
            Ok(a) => a,
            Err(_) => {
                problem(
                    "blocking.address",
                    reasons::text(
                        "setting-error-block-address",
                        &[("address", self.blocking.address.clone())],
                    ),
                );
                Ipv4Addr::new(127, 0, 0, 88)
            }
        };
        let block_page = match &self.blocking.page_listen {
            None => SocketAddr::new(block_address.into(), 80),
            Some(text) => text.parse().unwrap_or_else(|_| {
                problem(
                    "blocking.page-listen",
                    reasons::text("setting-error-page-listen", &[("text", text.clone())]),
                );
                SocketAddr::new(block_address.into(), 80)
            }),
        };
        let mut range = |field: &str, value: u32, lo: u32, hi: u32| {
            if !(lo..=hi).contains(&value) {
                problem(
                    field,
                    reasons::text(
                        "setting-error-out-of-range",
                        &[
                            ("value", value.to_string()),
                            ("min", lo.to_string()),
                            ("max", hi.to_string()),
                        ],
                    ),
                );
            }
        };
        range("blocking.ttl", self.blocking.ttl, 0, 3600);
        range("cache.max-entries", self.cache.max_entries, 0, 1_000_000);
        range("cache.max-ttl", self.cache.max_ttl, 1, 7 * 86_400);
        range(
            "cache.min-ttl",
            self.cache.min_ttl,
            0,
            self.cache.max_ttl.max(1),
        );
        range(
            "cache.max-negative-ttl",
            self.cache.max_negative_ttl,
            0,
            86_400,
        );
        range(
            "journal.retention-days",
            self.journal.retention_days,
            1,
            3650,
        );
        range("journal.max-size-mb", self.journal.max_size_mb, 1, 10_240);
        range(
            "journal.merge-window-secs",
            self.journal.merge_window_secs,
            1,
            3600,
        );

        for id in self.lists.keys() {
            if let Err(reason) = crate::list::check_id(id) {
                problem("lists", reason);
            }
        }

        let console_language = match self.console.language.trim() {
            "auto" => ConsoleLanguage::Auto,
            "fr" => ConsoleLanguage::Fr,
            "en" => ConsoleLanguage::En,
            other => {
                problem(
                    "console.language",
                    reasons::text("setting-error-language", &[("text", other.to_string())]),
                );
                ConsoleLanguage::Auto
            }
        };

        let subscriptions = self.validate_subscriptions(&mut problem);
        if let Some(url) = &self.feed.url
            && let Some(reason) = check_feed_url(url)
        {
            problem("feed.url", reason);
        }

        let mut parent_uids = self.parents.uids.clone();
        parent_uids.sort_unstable();
        parent_uids.dedup();

        if !problems.is_empty() {
            return Err(if problems.len() == 1 {
                problems.remove(0)
            } else {
                Error::Invalid { problems }
            });
        }
        Ok(Settings {
            listen,
            upstreams,
            block_mode: self.blocking.mode,
            block_address,
            block_page,
            block_ttl: self.blocking.ttl,
            cache: CacheBounds {
                max_entries: self.cache.max_entries as usize,
                min_ttl: self.cache.min_ttl,
                max_ttl: self.cache.max_ttl,
                max_negative_ttl: self.cache.max_negative_ttl,
            },
            journal: JournalBounds {
                retention_days: self.journal.retention_days,
                max_bytes: u64::from(self.journal.max_size_mb) * 1024 * 1024,
                merge_window: Duration::from_secs(u64::from(self.journal.merge_window_secs)),
            },
            lists: self.lists.clone(),
            parent_uids,
            notices: self.notices.enabled,
            console_language,
            subscriptions,
            feed: FeedSettings {
                enabled: self.feed.enabled,
                url: self.feed.url.clone(),
            },
        })
    }

    fn validate_subscriptions(&self, problem: &mut impl FnMut(&str, String)) -> Vec<Subscription> {
        if self.subscription.len() > MAX_SUBSCRIPTIONS {
            problem(
                "subscription",
                reasons::text(
                    "setting-error-subscriptions-many",
                    &[("max", MAX_SUBSCRIPTIONS.to_string())],
                ),
            );
        }
        let mut out: Vec<Subscription> = Vec::new();
        for (i, raw) in self.subscription.iter().enumerate() {
            let field = |name: &str| format!("subscription[{i}].{name}");
            let name = raw.name.trim();
            if name.is_empty() || name.chars().count() > MAX_SUBSCRIPTION_NAME {
                problem(
                    &field("name"),
                    reasons::text(
                        "setting-error-subscription-name",
                        &[("max", MAX_SUBSCRIPTION_NAME.to_string())],
                    ),
                );
            }
            let url = raw.url.trim();
            if let Some(reason) = check_feed_url(url) {
                problem(&field("url"), reason);
            } else if let Some(first) = out.iter().position(|s| s.url == url) {
                problem(
                    &field("url"),
                    reasons::text(
                        "setting-error-subscription-duplicate",
                        &[("first", first.to_string())],
                    ),
                );
            }
            let refresh = match parse_duration(&raw.refresh) {
                None => {
                    problem(
                        &field("refresh"),
                        reasons::text("setting-error-duration", &[("text", raw.refresh.clone())]),
                    );
                    DEFAULT_REFRESH
                }
                Some(d) if d < MIN_REFRESH => {
                    problem(
                        &field("refresh"),
                        reasons::text(
                            "setting-error-refresh-short",
                            &[("text", raw.refresh.clone())],
                        ),
                    );
                    MIN_REFRESH
                }
                Some(d) => d,
            };
            out.push(Subscription {
                id: subscription_id(url),
                name: name.to_string(),
                url: url.to_string(),
                format: raw.format,
                refresh,
                enabled: raw.enabled,
            });
        }
        out
    }
}

/// Parses `1.2.3.4`, `1.2.3.4:53`, `::1`, `[::1]:53`.
fn parse_addr(text: &str, default_port: u16) -> Option<SocketAddr> {
    let text = text.trim();
    if let Ok(a) = text.parse::<SocketAddr>() {
        return Some(a);
    }
    let bare = text
        .strip_prefix('[')
        .and_then(|t| t.strip_suffix(']'))
        .unwrap_or(text);
    bare.parse::<IpAddr>()
        .ok()
        .map(|ip| SocketAddr::new(ip, default_port))
}

/// The IPv6 answer of `null` mode.
pub const NULL_V6: Ipv6Addr = Ipv6Addr::UNSPECIFIED;

#[cfg(test)]
mod tests {
    use super::*;

    fn file() -> &'static Path {
        Path::new("/etc/vigie/settings.toml")
    }

    #[test]
    fn empty_file_means_documented_defaults() {
        let s = RawSettings::parse("", file())
            .unwrap()
            .validate(file())
            .unwrap();
        assert_eq!(
            s.listen,
            ["127.0.0.1:53".parse().unwrap(), "[::1]:53".parse().unwrap()]
        );
        assert!(s.upstreams.is_empty());
        assert_eq!(s.block_mode, BlockMode::Blockpage);
        assert_eq!(s.block_address, Ipv4Addr::new(127, 0, 0, 88));
        assert_eq!(s.block_page, "127.0.0.88:80".parse().unwrap());
        assert_eq!(s.block_ttl, 10);
        assert_eq!(s.cache.max_entries, 10_000);
        assert_eq!(s.journal.retention_days, 90);
        assert_eq!(s.journal.max_bytes, 64 * 1024 * 1024);
        assert_eq!(s.journal.merge_window, Duration::from_secs(60));
        assert!(s.parent_uids.is_empty());
        assert!(s.notices);
        assert_eq!(s.console_language, ConsoleLanguage::Auto);
        assert_eq!(s, Settings::default());
    }

    #[test]
    fn the_console_language_is_auto_fr_or_en() {
        for (text, want) in [
            ("", ConsoleLanguage::Auto),
            ("[console]\nlanguage = \"auto\"\n", ConsoleLanguage::Auto),
            ("[console]\nlanguage = \"fr\"\n", ConsoleLanguage::Fr),
            ("[console]\nlanguage = \"en\"\n", ConsoleLanguage::En),
        ] {
            let raw = RawSettings::parse(text, file()).unwrap();
            assert_eq!(
                raw.validate(file()).unwrap().console_language,
                want,
                "{text}"
            );
            let again = RawSettings::parse(&raw.to_toml(), file()).unwrap();
            assert_eq!(again, raw, "round trip of {text}");
        }
        let e = RawSettings::parse("[console]\nlanguage = \"de\"\n", file())
            .unwrap()
            .validate(file())
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "/etc/vigie/settings.toml: console.language: \"de\" is not a language Vigie speaks: use auto, fr or en"
        );
        assert_eq!(e.message().id, "file-error-setting");
        let e = RawSettings::parse("[console]\nlang = \"fr\"\n", file()).unwrap_err();
        assert!(
            matches!(e, Error::Syntax { .. }),
            "unknown fields are refused: {e:?}"
        );
    }

    #[test]
    fn a_full_file_validates_into_typed_settings() {
        let text = r#"
listen = ["127.0.0.1:5353"]
[[upstream]]
address = "9.9.9.9"
protocol = "tls"
server-name = "dns.quad9.net"
[[upstream]]
address = "[2620:fe::fe]"
protocol = "https"
server-name = "dns.quad9.net"
[[upstream]]
address = "192.0.2.53:5300"
[blocking]
mode = "nxdomain"
ttl = 30
[lists]
dns-bypass = false
[parents]
uids = [1000]
"#;
        let s = RawSettings::parse(text, file())
            .unwrap()
            .validate(file())
            .unwrap();
        assert_eq!(s.upstreams[0].address, "9.9.9.9:853".parse().unwrap());
        assert_eq!(s.upstreams[1].address, "[2620:fe::fe]:443".parse().unwrap());
        assert_eq!(s.upstreams[1].path, "/dns-query");
        assert_eq!(s.upstreams[2].protocol, Protocol::Udp);
        assert_eq!(s.upstreams[2].address.port(), 5300);
        assert_eq!(s.block_mode, BlockMode::Nxdomain);
        assert_eq!(s.lists.get("dns-bypass"), Some(&false));
        assert_eq!(s.parent_uids, [1000]);
    }

    #[test]
    fn unknown_fields_are_refused_with_their_place() {
        let e = RawSettings::parse("[blocking]\nmood = \"calm\"\n", file()).unwrap_err();
        assert!(matches!(e, Error::Syntax { line: 2, .. }), "{e:?}");
        assert!(e.to_string().contains("mood"), "{e}");
        let e = RawSettings::parse("[blocking]\nmode = \"loud\"\n", file()).unwrap_err();
        assert!(
            e.to_string().contains("loud") || e.to_string().contains("variant"),
            "{e}"
        );
    }

    #[test]
    fn every_bad_value_is_reported_at_once() {
        let text = r#"
listen = ["localhost:53"]
[[upstream]]
address = "dns.quad9.net"
[[upstream]]
address = "9.9.9.9"
protocol = "https"
[blocking]
address = "127.0.0.300"
ttl = 99999
[journal]
retention-days = 0
"#;
        let e = RawSettings::parse(text, file())
            .unwrap()
            .validate(file())
            .unwrap_err();
        let Error::Invalid { problems } = &e else {
            panic!("{e:?}")
        };
        let fields: Vec<_> = problems
            .iter()
            .map(|p| match p {
                Error::Setting { field, .. } => field.as_str(),
                _ => "?",
            })
            .collect();
        assert_eq!(
            fields,
            [
                "listen",
                "upstream[0].address",
                "upstream[1].server-name",
                "blocking.address",
                "blocking.ttl",
                "journal.retention-days"
            ]
        );
        assert!(
            e.to_string()
                .contains("99999 is out of range: use 0 to 3600"),
            "{e}"
        );
    }

    #[test]
    fn settings_round_trip_through_toml() {
        let mut raw = RawSettings::default();
        raw.lists.insert("dns-bypass".into(), false);
        raw.upstream.push(RawUpstream {
            address: "1.1.1.1".into(),
            protocol: Protocol::Https,
            server_name: Some("cloudflare-dns.com".into()),
            path: None,
        });
        assert_eq!(RawSettings::parse(&raw.to_toml(), file()).unwrap(), raw);
    }

    #[test]
    fn subscriptions_validate_with_defaults_and_derived_ids() {
        let text = r#"
[[subscription]]
name = "Community random-chat list"
url = "https://example.org/randomchat.txt"

[[subscription]]
name = "Hosts"
url = "http://lists.example/hosts.txt"
format = "hosts"
refresh = "1h30m"
enabled = false

[feed]
enabled = false
url = "https://mirror.example/stranger-chat.toml"
"#;
        let raw = RawSettings::parse(text, file()).unwrap();
        let s = raw.validate(file()).unwrap();
        let [a, b] = &s.subscriptions[..] else {
            panic!("{:?}", s.subscriptions)
        };
        assert_eq!(a.format, FeedFormat::Auto);
        assert_eq!(a.refresh, DEFAULT_REFRESH);
        assert!(a.enabled);
        assert_eq!(a.id, subscription_id("https://example.org/randomchat.txt"));
        assert!(a.id.starts_with("sub-") && a.id.len() == 16, "{}", a.id);
        assert_ne!(a.id, b.id);
        assert_eq!(b.refresh, Duration::from_secs(5400));
        assert_eq!(b.format, FeedFormat::Hosts);
        assert!(!b.enabled);
        assert!(!s.feed.enabled);
        assert_eq!(
            s.feed.url.as_deref(),
            Some("https://mirror.example/stranger-chat.toml")
        );
        // The id is a list id: it passes the list id rules.
        crate::list::check_id(&a.id).unwrap();
        assert_eq!(RawSettings::parse(&raw.to_toml(), file()).unwrap(), raw);
        // No subscription: nothing written for them.
        assert!(!RawSettings::default().to_toml().contains("subscription"));
    }

    #[test]
    fn subscription_errors_name_the_field() {
        let text = r#"
[[subscription]]
name = ""
url = "ftp://example.org/list.txt"
[[subscription]]
name = "A"
url = "https://user:pw@example.org/list.txt"
refresh = "soon"
[[subscription]]
name = "B"
url = "https://example.org/b.txt"
refresh = "30m"
[[subscription]]
name = "C"
url = "https://example.org/b.txt"
[feed]
url = "example.org/feed"
"#;
        let e = RawSettings::parse(text, file())
            .unwrap()
            .validate(file())
            .unwrap_err();
        let Error::Invalid { problems } = &e else {
            panic!("{e:?}")
        };
        let got: Vec<String> = problems.iter().map(ToString::to_string).collect();
        let f = "/etc/vigie/settings.toml";
        assert_eq!(
            got,
            [
                format!("{f}: subscription[0].name: a name of 1 to 80 characters is needed"),
                format!(
                    "{f}: subscription[0].url: \"ftp://example.org/list.txt\" is not a web address: write one that starts with https:// or http://"
                ),
                format!(
                    "{f}: subscription[1].url: a list's address may not carry a user name or password"
                ),
                format!(
                    "{f}: subscription[1].refresh: \"soon\" is not a duration like 24h, 90m or 2d"
                ),
                format!("{f}: subscription[2].refresh: \"30m\" is shorter than 1h"),
                format!(
                    "{f}: subscription[3].url: this address is already subscribed, as subscription[2]"
                ),
                format!(
                    "{f}: feed.url: \"example.org/feed\" is not a web address: write one that starts with https:// or http://"
                ),
            ]
        );
        let many = (0..=MAX_SUBSCRIPTIONS)
            .map(|i| {
                format!("[[subscription]]\nname = \"L{i}\"\nurl = \"https://e.example/{i}\"\n")
            })
            .collect::<String>();
        let e = RawSettings::parse(&many, file())
            .unwrap()
            .validate(file())
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            format!("{f}: subscription: at most 32 subscriptions are allowed")
        );
        let long = format!("https://e.example/{}", "a".repeat(MAX_FEED_URL));
        assert_eq!(
            check_feed_url(&long).unwrap(),
            "the address is longer than 2048 bytes"
        );
        let e = RawSettings::parse("[[subscription]]\nurl = \"https://e.example/\"\n", file())
            .unwrap_err();
        assert!(e.to_string().contains("name"), "a required field: {e}");
    }

    #[test]
    fn durations_read_and_write_back() {
        for (text, secs) in [
            ("1h", 3600),
            ("90m", 5400),
            ("2d", 172_800),
            ("1h30m", 5400),
            (" 24h ", 86_400),
            ("45s", 45),
        ] {
            assert_eq!(
                parse_duration(text),
                Some(Duration::from_secs(secs)),
                "{text}"
            );
            let d = Duration::from_secs(secs);
            assert_eq!(parse_duration(&format_duration(d)), Some(d));
        }
        for bad in ["", "h", "24", "1w", "1.5h", "-1h", "99999999999999999999d"] {
            assert_eq!(parse_duration(bad), None, "{bad}");
        }
        assert_eq!(format_duration(Duration::from_secs(90_061)), "1d1h1m1s");
    }
}
