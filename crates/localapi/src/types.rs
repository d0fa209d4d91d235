//! The request and response bodies of the local API, version 1, shared by the service, the
//! command line and the desktop app so that all three agree on every field.
//!
//! Times are RFC 3339 in UTC. Field names are snake_case JSON. Every request body refuses
//! unknown fields, so a typo in a script gets a 400 that names the field instead of being
//! silently ignored.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
pub use vigie_policy::{Arg, FeedFormat, Message};

/// The URL prefix of every endpoint.
pub const PREFIX: &str = "/v1";
/// The socket's file name inside the runtime directory.
pub const SOCKET_NAME: &str = "api.sock";
/// The header carrying a parent session token.
pub const TOKEN_HEADER: &str = "authorization";

/// The body of every 4xx and 5xx answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApiError {
    /// What went wrong, in words a person can act on (English).
    pub error: String,
    /// The same words as a message of `locales/*/*.ftl` (id and arguments), for a page that
    /// shows them in the parent's language. Absent where the service has no message for them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<Message>,
}

impl ApiError {
    /// An error with English words only.
    pub fn new(error: impl Into<String>) -> ApiError {
        ApiError {
            error: error.into(),
            message: None,
        }
    }
}

/// `GET /v1/status`: open to every local user. Callers who are not parents get `full: false`
/// and the parent-only fields empty (`paused_until`, `failed_logins`, `attempts_today`,
/// `lists_off`; the problem texts replaced by a sentence saying a parent can see why).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Status {
    /// Whether this is the parent's whole status (a parent, a session or the administrator).
    #[serde(default)]
    pub full: bool,
    /// Whether a parent paused protection (everyone sees this; only parents see until when).
    #[serde(default)]
    pub paused: bool,
    /// Names of the block lists that are turned off (parents only).
    #[serde(default)]
    pub lists_off: Vec<String>,
    /// The DNS redirect, as its check last found it every 30 seconds: `active`, `restored` (it
    /// had been removed and was put back), `failed`, `stale` (the check stopped running); none
    /// where no redirect is installed.
    #[serde(default)]
    pub redirect: Option<String>,
    /// Vigie's version.
    pub version: String,
    /// Seconds since the service started.
    pub uptime_secs: u64,
    /// DNS listen addresses.
    pub listen: Vec<String>,
    /// Upstream resolvers, described.
    pub upstreams: Vec<String>,
    /// Whether the last upstream lookup got an answer (`None` before any).
    pub upstream_ok: Option<bool>,
    /// Policy generation in force; it grows by one at every reload.
    pub generation: u32,
    /// Domains enforced.
    pub domains: usize,
    /// The problems that kept the last edit from taking effect (the previous policy stays).
    pub last_reload_error: Option<String>,
    /// [`Status::last_reload_error`] as a message (id and arguments).
    #[serde(default)]
    pub last_reload_message: Option<Message>,
    /// Attempts to reach a blocked site since midnight UTC.
    pub attempts_today: u64,
    /// Failed parent logins since start.
    pub failed_logins: u64,
    /// Protection is paused until then.
    #[serde(with = "time::serde::rfc3339::option")]
    pub paused_until: Option<OffsetDateTime>,
    /// Whether a parent password has been set (first run: it has not).
    pub password_set: bool,
    /// Whether this computer's own lookups reach Vigie (`None`: not checked yet).
    pub system_dns_ok: Option<bool>,
    /// Why attempts are not being recorded (disk full or read-only, size limit), if they are not.
    /// Blocking goes on regardless.
    pub journal_error: Option<String>,
    /// Queries answered since start.
    pub queries: u64,
    /// Queries blocked since start.
    pub blocked: u64,
    /// Where allowed lookups go: `network` (the servers the network hands out, followed as it
    /// changes) or `chosen` (a parent's choice, with the network's as the fallback).
    #[serde(default)]
    pub upstream_mode: String,
    /// Each upstream server and how it is doing (parents only).
    #[serde(default)]
    pub upstream_servers: Vec<UpstreamServer>,
    /// What the network offers now (parents only).
    #[serde(default)]
    pub network_dns: Option<NetworkDns>,
    /// Answers served stale since start because no upstream answered (RFC 8767).
    #[serde(default)]
    pub stale_answers: u64,
    /// systemd-resolved's effective `DNSSEC=` when it validates in front of Vigie (`yes`,
    /// `allow-downgrade`): it then shows blocked sites as errors, without the block page or the
    /// notice. None when it does not, or when resolved is not in front of Vigie.
    #[serde(default)]
    pub dnssec_in_front: Option<String>,
    /// How the list feeds are doing: subscriptions and Vigie's own feed.
    #[serde(default)]
    pub feeds: FeedsStatus,
    /// The accounts that act as a parent without the password (`[parents] uids`), named; only a
    /// parent is told. Any administrator (root) is one too and is not listed. Changed only with
    /// the computer's administrator rights (`sudo vigie install --parent USER`).
    #[serde(default)]
    pub parent_accounts: Vec<Account>,
}

/// The feeds part of [`Status`]: enough for the Overview to say that a feed is failing; the
/// details are in `GET /v1/subscriptions`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedsStatus {
    /// Subscriptions turned on.
    #[serde(default)]
    pub subscriptions: usize,
    /// Of those, how many failed at their last check (their last good copy stays in force).
    #[serde(default)]
    pub failing: usize,
    /// The failing subscriptions' names (parents only).
    #[serde(default)]
    pub failing_names: Vec<String>,
    /// Vigie's own feed: `off` (with [`FeedsStatus::vigie_feed_reason`]), `pending`, `ok` or
    /// `failing`.
    #[serde(default)]
    pub vigie_feed: FeedState,
    /// Why Vigie's own feed is off or failing, as a message (`feed-off-no-build`,
    /// `feed-off-by-parent`, or a `feed-failed-*`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vigie_feed_reason: Option<Message>,
}

/// One upstream server in status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpstreamServer {
    /// Its address, described (`192.168.1.1:53 (udp+tcp)`).
    pub address: String,
    /// `chosen` (a parent's choice) or `network` (handed out by the network).
    pub role: String,
    /// `answering`, `failing` (nothing from it in the last lookups) or `untried`.
    pub state: String,
    /// Its last answer.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub last_answer: Option<OffsetDateTime>,
    /// Since when it fails, while it does.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub failing_since: Option<OffsetDateTime>,
    /// What went wrong last, while it fails.
    #[serde(default)]
    pub last_error: Option<String>,
    /// Its usual answer time, once it has answered.
    #[serde(default)]
    pub rtt_ms: Option<u32>,
}

/// The DNS servers the network hands out, as the computer's network manager learned them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetworkDns {
    /// Who said so: `systemd-resolved`, `NetworkManager`, `dhclient`, `saved-resolv-conf`,
    /// `resolv-conf` or `file`; none when the network offers no server.
    pub source: Option<String>,
    /// The servers' addresses.
    pub servers: Vec<String>,
    /// Since when the network offers this.
    #[serde(with = "time::serde::rfc3339")]
    pub since: OffsetDateTime,
}

/// One event on `GET /v1/notices`. Each stream carries the notices of its own account's attempts
/// (by the socket's peer credentials) and of attempts whose account cannot be told; a parent's
/// stream carries alerts about everyone else's instead (see docs/attribution.md).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notice {
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub time: OffsetDateTime,
    /// The site's name.
    pub site: String,
    /// The name that was looked up.
    pub name: String,
    /// Set when a brand rule blocked it: the brand's name (`Omegle`). `site` is then the
    /// English label "looks like Omegle"; a reader's page shows the message `site-brand` with
    /// `brand` instead, in the reader's language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub brand: Option<String>,
    /// A notice to the person who tried, or an alert to a parent.
    #[serde(default)]
    pub kind: NoticeKind,
    /// For an alert: how the account that tried is named (the person's name, else the login);
    /// `None` when it cannot be told ("someone on this computer").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
}

/// `event: status` on `GET /v1/notices`: protection as the listener may see it. Sent first when
/// the stream opens, then whenever it changes (a pause starts or ends, a reload turns a list off,
/// this computer's lookups stop or start reaching Vigie), so a notifier never polls for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProtectionState {
    /// A parent paused protection.
    pub paused: bool,
    /// Whether this computer's own lookups reach Vigie (`None`: not checked, or not yet).
    pub system_dns_ok: Option<bool>,
    /// Names of the block lists that are turned off (a parent's stream only; empty otherwise).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lists_off: Vec<String>,
}

/// What a [`Notice`] is for (`"blocked"` or `"alert"` on the wire).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NoticeKind {
    /// The person who tried is told the site is blocked (the child's notice).
    #[default]
    Blocked,
    /// A parent is told that someone else on this computer tried a blocked site, at most
    /// once per site per ten minutes.
    Alert,
}

/// A local account, as an attempt names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    /// The uid.
    pub uid: u32,
    /// The login name (or the uid in digits when the system has no entry for it).
    pub name: String,
    /// The person's name from the account's entry, where it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub full_name: Option<String>,
}

/// `POST /v1/auth/setup` and `POST /v1/auth/login`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Password {
    /// The parent password.
    pub password: String,
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(…)")
    }
}

/// `POST /v1/auth/password`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChangePassword {
    /// The password in force.
    pub current: String,
    /// The new one.
    pub new: String,
}

impl std::fmt::Debug for ChangePassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ChangePassword(…)")
    }
}

/// A parent session.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    /// The bearer token for the `authorization` header.
    pub token: String,
    /// When it stops working.
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: OffsetDateTime,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

/// The forms of a text in languages other than English, by language code (`{"fr": "…"}`). The
/// English form is the field beside it, and what a reader of any other language sees.
pub type Translations = BTreeMap<String, String>;

fn no_translations(t: &Translations) -> bool {
    t.is_empty()
}

/// A list as the parent sees it in `GET /v1/lists`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListSummary {
    /// Stable id.
    pub id: String,
    /// Name (English, or the only form).
    pub name: String,
    /// The name in other languages.
    #[serde(default, skip_serializing_if = "no_translations")]
    pub name_translations: Translations,
    /// Description (English, or the only form).
    pub description: String,
    /// The description in other languages.
    #[serde(default, skip_serializing_if = "no_translations")]
    pub description_translations: Translations,
    /// Whether the list blocks or allows its sites.
    pub action: ListAction,
    /// In force.
    pub enabled: bool,
    /// Shipped with Vigie (as opposed to a file in the config folder).
    pub shipped: bool,
    /// Number of sites.
    pub sites: usize,
    /// Number of domains.
    pub domains: usize,
}

/// What a list does with its sites (`"block"` or `"allow"` on the wire).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ListAction {
    /// A block list.
    Block,
    /// An allowlist.
    Allow,
}

/// The verdict of `GET /v1/check` (lowercase on the wire).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CheckVerdict {
    /// A list in force blocks it.
    Blocked,
    /// The allowlist lets it through.
    Allowed,
    /// No list mentions it: it opens normally.
    Unlisted,
    /// A list blocks it, but a parent paused protection: it opens until the pause ends.
    Paused,
    /// A fixed answer whatever the lists say (e.g. Firefox's DoH canary).
    Special,
    /// Not a valid name.
    Invalid,
}

/// `PUT /v1/lists/{id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListToggle {
    /// On or off.
    pub enabled: bool,
}

/// A site of a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteView {
    /// What parents see.
    pub name: String,
    /// Normalized domains.
    pub domains: Vec<String>,
    /// A plain-language note for parents (English, or the only form), if the list has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The note in other languages.
    #[serde(default, skip_serializing_if = "no_translations")]
    pub note_translations: Translations,
}

/// `GET /v1/lists/{id}`, `GET /v1/sites` and `GET /v1/allow`: a list with its sites.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListDetail {
    /// The summary.
    pub list: ListSummary,
    /// Its sites.
    pub sites: Vec<SiteView>,
}

/// `POST /v1/sites` and `POST /v1/allow`: anything a parent pastes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AddSite {
    /// A URL, a name, `*.name`… normalized by the service.
    pub input: String,
    /// The site's name as parents will see it (default: the normalized domain).
    #[serde(default)]
    pub name: Option<String>,
}

/// `PATCH /v1/sites/{domain}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RenameSite {
    /// The new name.
    pub name: String,
}

/// The answer to an add: what was saved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Added {
    /// The normalized domain.
    pub domain: String,
    /// The site it was saved under.
    pub site: String,
}

/// Why a name matched, in `GET /v1/check`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckReason {
    /// List id.
    pub list: String,
    /// Site name.
    pub site: String,
    /// The listed domain that matched.
    pub rule: String,
}

/// `GET /v1/check?name=…`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Check {
    /// What was asked.
    pub input: String,
    /// The normalized name, when the input is a valid name.
    pub normalized: Option<String>,
    /// What the resolver does with the name now.
    pub verdict: CheckVerdict,
    /// The reason, for `blocked` and `allowed`.
    pub reason: Option<CheckReason>,
    /// A sentence for the parent (English).
    pub explanation: String,
    /// The explanation as a message (`check-blocked`, `check-allowed`, `check-unlisted`,
    /// `check-paused`, `check-special`, or a `reason-*` for an invalid name).
    #[serde(default)]
    pub message: Option<Message>,
}

/// One attempt in `GET /v1/attempts`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attempt {
    /// Stable id.
    pub id: u64,
    /// When the first query of the attempt arrived.
    #[serde(with = "time::serde::rfc3339")]
    pub time: OffsetDateTime,
    /// The device's address.
    pub client: String,
    /// The name looked up.
    pub name: String,
    /// The site.
    pub site: String,
    /// The list id.
    pub list: String,
    /// The listed domain that matched.
    pub rule: String,
    /// Query types seen (A, AAAA, HTTPS…).
    pub types: Vec<String>,
    /// Queries folded into this attempt.
    pub count: u32,
    /// The CNAME through which a blocked site was reached, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cname: Option<String>,
    /// A summary of attempts that did not fit in the journal during a flood: `name` and `rule`
    /// are empty and `count` says how many more there were ("and 40,000 more attempts at
    /// omegle.com from this computer").
    #[serde(default)]
    pub summary: bool,
    /// The site opened (it was not blocked) because a parent had paused protection.
    #[serde(default)]
    pub paused: bool,
    /// Set when a brand rule blocked it: the brand's name (`Omegle`). `site` is then the
    /// English label "looks like Omegle"; a reader's page shows the message `site-brand` with
    /// `brand` instead, in the reader's language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub brand: Option<String>,
    /// The lookup came from this computer (rather than another device).
    #[serde(default)]
    pub local: bool,
    /// The account on this computer that made the lookup; `None` when it cannot be told
    /// (through a stub resolver, or the sender was gone): the attempt is "this computer's".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<Account>,
    /// The program that made it (`firefox-esr`), where the service may see it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub program: Option<String>,
    /// The stub resolver the lookup came through, which hides who asked (`systemd-resolved`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub via: Option<String>,
}

/// A page of attempts, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttemptsPage {
    /// The attempts.
    pub entries: Vec<Attempt>,
    /// Pass as `cursor` for the next page; `None` on the last page.
    pub next_cursor: Option<String>,
}

/// Attempts on one day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayCount {
    /// `YYYY-MM-DD` (UTC).
    pub date: String,
    /// Attempts.
    pub count: u64,
}

/// Attempts for one site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteCount {
    /// The site.
    pub site: String,
    /// Attempts.
    pub count: u64,
    /// Set when a brand rule blocked it: the brand's name (`Omegle`). `site` is then the
    /// English label "looks like Omegle"; a reader's page shows the message `site-brand` with
    /// `brand` instead, in the reader's language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub brand: Option<String>,
}

/// `GET /v1/attempts/summary?days=N`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    /// One entry per day, oldest first, days without attempts included.
    pub days: Vec<DayCount>,
    /// Sites by attempts, most first: the first hundred.
    pub sites: Vec<SiteCount>,
    /// Attempts at the sites not in `sites` (past the first hundred, or past the thousands of
    /// different sites a summary tells apart).
    #[serde(default)]
    pub other_sites: u64,
    /// This computer's accounts by attempts, most first; the console's account filter lists them.
    #[serde(default)]
    pub accounts: Vec<AccountCount>,
}

/// Attempts made from one account of this computer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountCount {
    /// The account; `None` for this computer's attempts whose account cannot be told.
    pub account: Option<Account>,
    /// Attempts.
    pub count: u64,
}

/// `POST /v1/pause`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PauseRequest {
    /// How long, in minutes (1 to 480).
    pub minutes: u32,
}

/// The answer to pause and resume.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PauseState {
    /// Paused until then; `None` when protection is on.
    #[serde(with = "time::serde::rfc3339::option")]
    pub paused_until: Option<OffsetDateTime>,
}

/// How a feed is doing (lowercase on the wire).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FeedState {
    /// Its last check succeeded (a new copy, or the server said nothing changed).
    Ok,
    /// Not downloaded yet: the first check is under way or scheduled.
    #[default]
    Pending,
    /// Its last check failed: the last good copy (if any) stays in force, and it is retried
    /// after a growing wait (1 min, 5 min, 30 min, then its refresh interval).
    Failing,
    /// Turned off (by a parent, or for Vigie's feed, because the build names none).
    Off,
}

/// A list subscription (a `[[subscription]]` of `settings.toml`) and how its downloads go.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subscription {
    /// `sub-` and 12 hex digits derived from the URL; also the id of the list it yields (in
    /// `GET /v1/lists`).
    pub id: String,
    /// The name parents see.
    pub name: String,
    /// Where it is downloaded from (http or https).
    pub url: String,
    /// How its text is read.
    pub format: FeedFormat,
    /// How often it is checked, in seconds (at least 3600).
    pub refresh_secs: u64,
    /// Whether its list is in force.
    pub enabled: bool,
    /// How its last check went (`off` when not enabled).
    pub state: FeedState,
    /// Domains in the copy in force (0 before the first download).
    pub domains: usize,
    /// When the copy in force was downloaded.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub fetched_at: Option<OffsetDateTime>,
    /// When it was last checked (successfully or not).
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub checked_at: Option<OffsetDateTime>,
    /// When it will be checked next.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub next_check_at: Option<OffsetDateTime>,
    /// Why the last check failed, while it fails (a `feed-failed-*` message).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_error: Option<Message>,
}

/// Vigie's own signed feed of the `stranger-chat` list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VigieFeed {
    /// Whether this build names a feed (a URL and a public key).
    pub available: bool,
    /// Whether the parent leaves it on (`[feed] enabled`).
    pub enabled: bool,
    /// Where it is downloaded from (the parent's mirror, else the built-in URL); none when the
    /// build names none and no mirror is set.
    #[serde(default)]
    pub url: Option<String>,
    /// Whether [`VigieFeed::url`] is a parent's mirror rather than the built-in URL.
    #[serde(default)]
    pub custom_url: bool,
    /// How it is doing.
    pub state: FeedState,
    /// The sequence number of the `stranger-chat` list in force.
    pub sequence: u64,
    /// The sequence number of the list shipped in this build.
    pub shipped_sequence: u64,
    /// When the copy in force was downloaded (none while the shipped list is in force).
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub fetched_at: Option<OffsetDateTime>,
    /// When it was last checked.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub checked_at: Option<OffsetDateTime>,
    /// When it will be checked next.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub next_check_at: Option<OffsetDateTime>,
    /// Why it is off (`feed-off-no-build`, `feed-off-by-parent`) or why its last check failed
    /// (a `feed-failed-*` message).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_error: Option<Message>,
}

/// `GET /v1/subscriptions`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subscriptions {
    /// The subscriptions, in the order of `settings.toml`.
    pub subscriptions: Vec<Subscription>,
    /// Vigie's own feed.
    pub vigie_feed: VigieFeed,
}

/// `POST /v1/subscriptions`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AddSubscription {
    /// The list's address (http or https).
    pub url: String,
    /// The name parents will see (default: the URL's host).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// How to read it (default `auto`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<FeedFormat>,
    /// How often to check it, as in `settings.toml` (`"24h"`, `"90m"`, `"2d"`; default 24h,
    /// at least 1h).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh: Option<String>,
}

/// `PUT /v1/subscriptions/{id}`: the fields given change, the others stay.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubscriptionChange {
    /// On or off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// A new name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// A new interval (`"24h"`…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh: Option<String>,
}

/// `PUT /v1/feed`: the fields given change, the others stay.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeedChange {
    /// On or off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// Absent: unchanged; `null`: back to the built-in URL; a string: a mirror (http or https).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub url: Option<Option<String>>,
}

/// Tells a field sent as `null` (`Some(None)`) from one left out (`None`, by `default`).
fn present<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feed_change_tells_null_from_absent() {
        let absent: FeedChange = serde_json::from_str(r#"{"enabled":false}"#).unwrap();
        assert_eq!(absent.url, None);
        let null: FeedChange = serde_json::from_str(r#"{"url":null}"#).unwrap();
        assert_eq!(null.url, Some(None));
        let set: FeedChange = serde_json::from_str(r#"{"url":"https://m.example/f"}"#).unwrap();
        assert_eq!(set.url, Some(Some("https://m.example/f".into())));
        assert!(serde_json::from_str::<FeedChange>(r#"{"urll":null}"#).is_err());
    }

    #[test]
    fn status_without_feeds_still_reads() {
        let s: FeedsStatus = serde_json::from_str("{}").unwrap();
        assert_eq!(s.vigie_feed, FeedState::Pending);
    }
}
